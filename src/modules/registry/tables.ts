import type { ColumnType, Generated } from 'kysely';
import type { Sex } from './tax-code.ts';

/*
 * The subject registry (migrations/0003_persons.sql). `bigint` reads as a number and `date` as its
 * 'YYYY-MM-DD' text on both engines (see src/platform/db/database.ts).
 */

/** REG-4 in lower case; the synthetic population is all 'active'. */
export type PersonStatus = 'active' | 'out_of_region' | 'aire' | 'foreign' | 'deceased' | 'obsolete';

export interface PersonsTable {
  id: Generated<number>;
  tax_code: string;
  /** Health card (tessera sanitaria) number: 20 digits, 80380… */
  health_card_number: string | null;
  surname: string;
  given_name: string;
  sex: Sex;
  /** 'YYYY-MM-DD' */
  birth_date: string;
  /** Belfiore code of the birth municipality (valid on the birth date) or Z-code of the country. */
  birth_place_code: string;
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
  created_at: ColumnType<Date, Date | undefined, never>;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

export interface RegistryTables {
  persons: PersonsTable;
}
