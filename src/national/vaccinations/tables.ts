import type { Generated } from 'kysely';

/* The national vaccination registry and the health-card system's vaccinations (migrations/0002). */

export const DOSE_KINDS = ['primary', 'additional', 'booster'] as const;
export type DoseKind = (typeof DOSE_KINDS)[number];

export interface NationalAdministrationsTable {
  region_code: string;
  source_id: string;
  version: number;
  change_sequence: Generated<string>;
  deleted: boolean;
  person_identifier: string;
  administered_on: string | null;
  product_code: string | null;
  aic: string | null;
  lot: string | null;
  dose_number: number | null;
  dose_kind: DoseKind | null;
  covid: boolean | null;
  received_at: Date;
  cycle_doses: number | null;
}

export interface HealthCardVaccinationsTable {
  id: Generated<number>;
  person_identifier: string;
  source: 'registry' | 'abroad';
  region_code: string | null;
  source_id: string | null;
  country_code: string | null;
  administered_on: string;
  product_code: string;
  aic: string | null;
  dose_number: number;
  dose_kind: DoseKind;
  entered_by: string | null;
  recorded_at: Date;
  cycle_doses: number | null;
}

export interface CertificatesTable {
  id: Generated<number>;
  /** Null once the vaccination is deleted (its certificate is then revoked: migrations/0004). */
  health_card_vaccination_id: number | null;
  uvci: string;
  person_identifier: string;
  dose_number: number;
  total_doses: number;
  hc1: string;
  issued_at: Date;
  vaccinated_on: string;
  content_digest: string | null;
  revoked_at: Date | null;
  replaced_by: string | null;
}
