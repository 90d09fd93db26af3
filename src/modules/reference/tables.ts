import type { ColumnType, Generated, JSONColumnType } from 'kysely';
import type { ProductEntry } from './products.ts';

/*
 * Reference data (migrations/0002_reference.sql), written only by `loadReferenceData`. Dates are
 * 'YYYY-MM-DD' text on both engines (see src/platform/db/database.ts).
 */

export type HealthAuthorityKind = 'ATS' | 'ASST' | 'ASL' | 'AUSL';
export type VaccinationPointKind = 'hub' | 'hospital' | 'clinic' | 'pharmacy';

export interface RegionsTable {
  /** ISTAT region code, '01'..'20'. */
  code: string;
  name: string;
}

export interface ProvincesTable {
  /** ISTAT province code, 3 digits. */
  code: string;
  abbreviation: string;
  name: string;
  region_code: string;
}

export interface MunicipalitiesTable {
  /** ISTAT municipality code, 6 digits. */
  istat: string;
  name: string;
  belfiore_code: string;
  province_code: string;
  region_code: string;
  /** Town centre. */
  lat: number;
  lng: number;
  population: number | null;
}

export interface MunicipalityCapsTable {
  municipality_istat: string;
  cap: string;
}

export interface BelfioreCodesTable {
  code: string;
  name: string;
  /** Province abbreviation for Italian places (historic ones included), ISO 3166 alpha-2 for countries. */
  province_or_country: string | null;
  /** Inclusive; null when valid since before the records begin. */
  valid_from: string | null;
  /** Exclusive (the day the change took effect); null while current. */
  valid_to: string | null;
  is_foreign: boolean;
}

export interface HealthAuthoritiesTable {
  code: string;
  name: string;
  kind: HealthAuthorityKind;
  parent_code: string | null;
  region_code: string;
}

export interface VaccinationPointsTable {
  id: Generated<number>;
  code: string;
  name: string;
  address: string;
  municipality_istat: string;
  lat: number;
  lng: number;
  /** The ASST/ASL responsible for the point. */
  health_authority_code: string;
  kind: VaccinationPointKind;
}

export interface ProductsTable {
  code: string;
  name: string;
  covid: boolean;
  target_disease: string;
  eu_product_code: string | null;
  aic: string | null;
  manufacturer_code: string | null;
  primary_cycle_doses: number;
  effective_from: string;
  /** The whole entry of plan/products.json, as validated at load. */
  entry: JSONColumnType<ProductEntry>;
}

export interface DccValueSetEntriesTable {
  value_set_id: string;
  code: string;
  display: string;
  active: boolean;
  system: string | null;
}

export interface ReferenceDataVersionTable {
  singleton: ColumnType<boolean, boolean | undefined, never>;
  content_hash: string;
  loaded_at: Date;
  counts: JSONColumnType<Record<string, number>>;
}

export interface ReferenceTables {
  regions: RegionsTable;
  provinces: ProvincesTable;
  municipalities: MunicipalitiesTable;
  municipality_caps: MunicipalityCapsTable;
  belfiore_codes: BelfioreCodesTable;
  health_authorities: HealthAuthoritiesTable;
  vaccination_points: VaccinationPointsTable;
  products: ProductsTable;
  dcc_value_set_entries: DccValueSetEntriesTable;
  reference_data_version: ReferenceDataVersionTable;
}
