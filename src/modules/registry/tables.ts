import type { ColumnType, Generated } from 'kysely';
import type { Sex } from './tax-code.ts';

/*
 * The subject registry (migrations/0003_persons.sql). `bigint` reads as a number and `date` as its
 * 'YYYY-MM-DD' text on both engines (see src/platform/db/database.ts).
 */

/** REG-4 in lower case; the synthetic population is all 'active'. */
export type PersonStatus = 'active' | 'out_of_region' | 'aire' | 'foreign' | 'deceased' | 'obsolete';

export const IDENTIFIER_TYPES = ['CF', 'CF_TEMP', 'ORD7', 'TS_FOREIGN', 'STP', 'ENI'] as const;
export type IdentifierType = (typeof IDENTIFIER_TYPES)[number];
export type PersonProvenance = 'region' | 'national_import' | 'manual';
export const ORD7_CATEGORIES = [
  'aire',
  'eu_institution',
  'diplomatic',
  'international_organisation',
] as const;
export type Ord7Category = (typeof ORD7_CATEGORIES)[number];

export interface PersonsTable {
  id: Generated<number>;
  /** The codice fiscale, when the person has one (REG-1: type CF, and some AIRE people). */
  tax_code: string | null;
  /** Health card (tessera sanitaria) number: 20 digits, 80380… */
  health_card_number: string | null;
  surname: string;
  given_name: string;
  sex: Sex;
  /** 'YYYY-MM-DD' */
  birth_date: string;
  /** Belfiore code of the birth municipality (valid on the birth date) or Z-code of the country. */
  birth_place_code: string | null;
  residence_municipality_istat: string | null;
  domicile_municipality_istat: string | null;
  domicile_cap: string | null;
  /** Shared by the people who live together (cohabitants, ELIG-8). */
  household_id: number | null;
  phone: string | null;
  email: string | null;
  status: ColumnType<PersonStatus, PersonStatus | undefined, PersonStatus>;
  /** Table 1 condition codes (ELIG-6), see src/modules/population/data/fragility-prevalence.json. */
  table1_conditions: ColumnType<string[], string[] | undefined, string[]>;
  /** L.104/1992 art. 3 c. 3 (ELIG-7). */
  severe_disability: ColumnType<boolean, boolean | undefined, boolean>;
  identifier_type: ColumnType<IdentifierType, IdentifierType | undefined, IdentifierType>;
  /** The current identifier when it is not a codice fiscale (CF_TEMP, ORD7, TS_FOREIGN, STP, ENI). */
  other_identifier: string | null;
  /** REG-9: a TS_FOREIGN identifier requested from the health-card system and not issued yet. */
  identifier_pending: ColumnType<boolean, boolean | undefined, boolean>;
  /** REG-7: set on an obsolete identity, pointing to the current one. */
  superseded_by: number | null;
  provenance: ColumnType<PersonProvenance, PersonProvenance | undefined, PersonProvenance>;
  ord7_category: Ord7Category | null;
  residence_address: string | null;
  domicile_address: string | null;
  health_authority_code: string | null;
  landline: string | null;
  /** Optimistic concurrency: an update names the version it read. */
  version: ColumnType<number, number | undefined, number>;
  created_at: ColumnType<Date, Date | undefined, never>;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

export interface RegistryTables {
  persons: PersonsTable;
}
