import type { ColumnType, Generated } from 'kysely';
import type { StaffRole } from './roles.ts';

export interface StaffAccountsTable {
  id: Generated<number>;
  username: string;
  display_name: string;
  role: StaffRole;
  password_hash: string;
  active: ColumnType<boolean, boolean | undefined, boolean>;
  created_at: ColumnType<Date, Date, never>;
  updated_at: ColumnType<Date, Date, Date>;
}

export interface StaffPointScopesTable {
  staff_account_id: number;
  vaccination_point_id: number;
}

export interface StaffAuthorityScopesTable {
  staff_account_id: number;
  health_authority_code: string;
}

export interface SessionsTable {
  token_hash: string;
  staff_account_id: number | null;
  person_id: number | null;
  role: string;
  channel: string;
  csrf_token: string;
  created_at: Date;
  expires_at: Date;
  revoked_at: Date | null;
}

export interface SignInThrottleTable {
  key: string;
  failures: number;
  window_started_at: Date;
  locked_until: Date | null;
}

export interface AuthTables {
  staff_accounts: StaffAccountsTable;
  staff_point_scopes: StaffPointScopesTable;
  staff_authority_scopes: StaffAuthorityScopesTable;
  sessions: SessionsTable;
  sign_in_throttle: SignInThrottleTable;
}
