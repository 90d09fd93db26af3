import type { ColumnType, Generated, JSONColumnType } from 'kysely';

export interface AuditLogTable {
  id: Generated<number>;
  occurred_at: ColumnType<Date, Date, never>;
  actor_kind: 'staff' | 'citizen' | 'system' | 'anonymous';
  actor_id: string | null;
  actor_role: string | null;
  channel: string;
  correlation_id: string;
  entity_type: string;
  entity_id: string;
  action: string;
  before: JSONColumnType<object | null, string | null, never>;
  after: JSONColumnType<object | null, string | null, never>;
}

export interface AuditTables {
  audit_log: AuditLogTable;
}
