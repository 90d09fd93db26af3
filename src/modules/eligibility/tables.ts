import type { ColumnType, Generated, JSONColumnType } from 'kysely';
import type { PlanFile } from './plan-file.ts';

/* Campaign rules (migrations/0006_eligibility.sql). */

export const ENTITLEMENT_SOURCES = [
  'regional_list',
  'inps_list',
  'specialist_list',
  'gp_report',
  'pharmacy',
  'contact_center',
  'self_declaration',
  'health_worker_pre_registration',
] as const;
export type EntitlementSource = (typeof ENTITLEMENT_SOURCES)[number];
export const EVIDENCE_STATUSES = ['verified', 'self_declared', 'rejected'] as const;
export type EvidenceStatus = (typeof EVIDENCE_STATUSES)[number];
export const LINK_RELATIONS = ['cohabitant', 'caregiver', 'parent_guardian_foster'] as const;
export type LinkRelation = (typeof LINK_RELATIONS)[number];
export const LINK_SOURCES = ['self_service', 'contact_center', 'caregiver_list', 'specialist_list'] as const;
export type LinkSource = (typeof LINK_SOURCES)[number];
export const LIST_TYPES = ['fragile', 'caregivers', 'specialist'] as const;
export type ListType = (typeof LIST_TYPES)[number];
export type ActorKind = 'staff' | 'citizen' | 'system' | 'anonymous';

export interface PlanVersionsTable {
  id: string;
  kind: 'national' | 'regional';
  region_code: string | null;
  effective_from: string;
  document: JSONColumnType<PlanFile, string, never>;
  sha256: string;
  loaded_at: Date;
}

export interface EntitlementsTable {
  id: Generated<number>;
  person_id: number;
  category: string;
  condition_code: ColumnType<string, string | undefined, string>;
  source: EntitlementSource;
  evidence_status: EvidenceStatus;
  valid_from: Date;
  source_reference: string | null;
  reason: string | null;
  list_upload_id: number | null;
  created_at: Date;
  created_by_kind: ActorKind;
  created_by_id: string | null;
  updated_at: Date;
}

export interface FragilityLinksTable {
  id: Generated<number>;
  fragile_person_id: number;
  linked_person_id: number;
  relation: LinkRelation;
  place: number;
  source: LinkSource;
  evidence_status: EvidenceStatus;
  list_upload_id: number | null;
  created_at: Date;
  created_by_kind: ActorKind;
  created_by_id: string | null;
  removed_at: Date | null;
  removed_reason: string | null;
}

export const NON_RESIDENT_REASONS = ['work', 'family_care', 'health', 'study', 'other'] as const;
export type NonResidentReason = (typeof NON_RESIDENT_REASONS)[number];

export interface NonResidentApplicationsTable {
  id: Generated<number>;
  person_id: number;
  reason: NonResidentReason;
  details: string;
  domicile_municipality_istat: string;
  status: 'submitted' | 'approved' | 'rejected';
  submitted_at: Date;
  submitted_by_kind: ActorKind;
  submitted_by_id: string | null;
  channel: string;
  decided_at: Date | null;
  decided_by_id: string | null;
  decision_reason: string | null;
}

export interface RegionalAdmissionsTable {
  person_id: number;
  basis: 'non_resident_application' | 'contact_center_insertion';
  reason: string;
  admitted_at: Date;
  admitted_by_id: string | null;
}

export interface ListTypesTable {
  code: ListType;
  closed_from: string | null;
  closed_reason: string | null;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

export interface ListUploadsTable {
  id: Generated<number>;
  list_type: ListType;
  source_authority: string;
  file_name: string;
  file_sha256: string;
  format: 'csv' | 'xlsx';
  status: 'running' | 'completed' | 'failed';
  rows_total: number | null;
  batch_size: number;
  rows_read: Generated<number>;
  rows_loaded: Generated<number>;
  rows_updated: Generated<number>;
  rows_unchanged: Generated<number>;
  rows_rejected: Generated<number>;
  rejected_by_reason: JSONColumnType<Record<string, number>, string | undefined, string>;
  failure_code: string | null;
  lease_expires_at: Date | null;
  started_at: Date;
  updated_at: Date;
  finished_at: Date | null;
  created_by_kind: ActorKind;
  created_by_id: string | null;
  channel: string;
}

export interface ListUploadBatchesTable {
  upload_id: number;
  first_row: number;
  row_count: number;
}

export interface ListRejectionsTable {
  upload_id: number;
  row_number: number;
  reason_code: string;
  message: string;
}

export interface EligibilityTables {
  plan_versions: PlanVersionsTable;
  entitlements: EntitlementsTable;
  fragility_links: FragilityLinksTable;
  non_resident_applications: NonResidentApplicationsTable;
  regional_admissions: RegionalAdmissionsTable;
  list_types: ListTypesTable;
  list_uploads: ListUploadsTable;
  list_upload_batches: ListUploadBatchesTable;
  list_rejections: ListRejectionsTable;
}
