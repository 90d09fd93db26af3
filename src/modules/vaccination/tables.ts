import type { Generated, JSONColumnType } from 'kysely';
import type { DoseKind, Finding, RiskCategory, SignerCapacity } from './rules.ts';

/* The immunization registry (migrations/0011_administrations.sql). */

export const ROUTES_OF_ADMINISTRATION = [
  'intramuscular',
  'subcutaneous',
  'intradermal',
  'oral',
  'intranasal',
] as const;
export const SITES = ['left_deltoid', 'right_deltoid', 'left_thigh', 'right_thigh', 'other'] as const;
export const PAYMENT_MODES = ['national_health_service', 'self_paid', 'other'] as const;

export interface AdministrationsTable {
  id: Generated<number>;
  person_id: number;
  administered_at: Date;
  administered_on: string;
  recorded_at: Date;
  product_code: string;
  aic: string | null;
  lot: string;
  lot_expiry: string;
  volume_ml: number;
  risk_category: RiskCategory;
  health_condition: string;
  route: (typeof ROUTES_OF_ADMINISTRATION)[number];
  site: (typeof SITES)[number];
  payment_mode: (typeof PAYMENT_MODES)[number];
  vaccination_point_id: number;
  dose_number: number;
  dose_kind: DoseKind;
  operator_account_id: number;
  booking_id: number | null;
  plan_national_version: string | null;
  overridden_findings: JSONColumnType<Finding[], string | undefined, string>;
  /** VAX-7: the number the system assigned when the dose was recorded. */
  assigned_dose_number: number;
  dose_number_forced_at: Date | null;
  dose_number_forced_by: number | null;
  /** CONS-4: recorded at a later dose of a cycle, whose first dose's consent holds. */
  health_changed_since_consent: boolean | null;
  /** NAT-1: grows with every change (a trigger); the national side applies each version once. */
  version: Generated<number>;
  deleted_at: Date | null;
  deleted_by: number | null;
  deletion_reason: string | null;
  /** DCC-2: the doses completing the cycle this dose belongs to, when it was recorded or renumbered. */
  cycle_doses: number | null;
}

export interface ConsentsTable {
  id: Generated<number>;
  person_id: number;
  administration_id: number | null;
  decision: 'accepted' | 'refused';
  form_version: string;
  information_note_read: boolean;
  signer_capacity: SignerCapacity;
  signer_name: string;
  judge_validation_due_at: Date | null;
  judge_validated_at: Date | null;
  recorded_at: Date;
  recorded_by: string | null;
}

export interface CertificateContactsTable {
  administration_id: number;
  mobile: string | null;
  email: string | null;
  none_given: boolean;
}

export const TEST_TYPES = ['molecular', 'antigen'] as const;

export interface InfectionsTable {
  id: Generated<number>;
  person_id: number;
  /** VAX-14: 'surveillance' rows arrive from the regional system and are not editable here. */
  source: 'surveillance' | 'operator';
  test_type: (typeof TEST_TYPES)[number];
  sampled_on: string;
  result_on: string;
  recovered_on: string | null;
  country_code: string | null;
  region_code: string | null;
  recorded_at: Date;
  recorded_by: string | null;
  /** VAX-14: the surveillance system's case id; null for operators' entries. */
  surveillance_case_id: string | null;
}

export const ANOMALY_STATUSES = ['open', 'in_progress', 'closed'] as const;

export interface AnomalyReportsTable {
  id: Generated<number>;
  person_id: number;
  administration_id: number | null;
  concerns: 'registry' | 'national';
  description: string;
  health_authority_code: string;
  status: (typeof ANOMALY_STATUSES)[number];
  resolution: string | null;
  created_at: Date;
  created_by: string | null;
  updated_at: Date;
}

/* National flows (migrations/0016_national_flows.sql). */

export const NATIONAL_OUTCOMES = ['applied', 'duplicate', 'superseded'] as const;

export interface NationalOutboxTable {
  id: Generated<number>;
  person_id: number;
  administration_id: number;
  version: number;
  created_at: Generated<Date>;
  available_at: Generated<Date>;
  claimed_until: Date | null;
  attempts: Generated<number>;
  last_error: string | null;
  acknowledged_at: Date | null;
  outcome: (typeof NATIONAL_OUTCOMES)[number] | null;
  /** The version the national registry held after the acknowledgement (DCC-4 reads it, migration 0020). */
  acknowledged_version: number | null;
}

export interface MobilityAdministrationsTable {
  region_code: string;
  source_id: string;
  version: number;
  person_id: number;
  deleted: boolean;
  administered_on: string | null;
  product_code: string | null;
  aic: string | null;
  lot: string | null;
  dose_number: number | null;
  dose_kind: DoseKind | null;
  received_at: Date;
}

export interface NationalFeedPositionsTable {
  feed: 'mobility';
  position: string;
  leased_until: Date | null;
  pulled_at: Date | null;
}

export interface VaccinationTables {
  national_outbox: NationalOutboxTable;
  mobility_administrations: MobilityAdministrationsTable;
  national_feed_positions: NationalFeedPositionsTable;
  consents: ConsentsTable;
  anomaly_reports: AnomalyReportsTable;
  administrations: AdministrationsTable;
  certificate_contacts: CertificateContactsTable;
  infections: InfectionsTable;
}
