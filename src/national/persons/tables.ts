/*
 * The national person registry (src/national/migrations/0001_persons.sql). `date` reads as its
 * 'YYYY-MM-DD' text on both engines (see src/platform/db/database.ts).
 */

/** REG-1 identifiers the national registry is searched by (a temporary CF_TEMP is the region's own). */
export const NATIONAL_IDENTIFIER_TYPES = ['CF', 'ORD7', 'TS_FOREIGN', 'STP', 'ENI'] as const;
export type NationalIdentifierType = (typeof NATIONAL_IDENTIFIER_TYPES)[number];

/** REG-4 as seen by the region the simulator serves; OBSOLETE is a regional notion (REG-7). */
export const NATIONAL_PERSON_STATUSES = [
  'ACTIVE_REGION',
  'OUT_OF_REGION',
  'AIRE',
  'FOREIGN',
  'DECEASED',
] as const;
export type NationalPersonStatus = (typeof NATIONAL_PERSON_STATUSES)[number];

export interface NationalPersonsTable {
  identifier: string;
  identifier_type: NationalIdentifierType;
  surname: string;
  given_name: string;
  sex: 'M' | 'F';
  /** 'YYYY-MM-DD' */
  birth_date: string;
  /** Belfiore code of the birth municipality or Z-code of the birth country. */
  birth_place_code: string | null;
  status: NationalPersonStatus;
  /** ISTAT code of the region of assistance. */
  region_code: string | null;
  residence_municipality_istat: string | null;
  /** Z-code of the country of residence, for people living or registered abroad. */
  residence_country_code: string | null;
  domicile_municipality_istat: string | null;
  domicile_cap: string | null;
  health_card_number: string | null;
  mobile: string | null;
  email: string | null;
}

/** The persons columns in the order the seed writes its CSV lines. */
export const NATIONAL_PERSON_COLUMNS = [
  'identifier',
  'identifier_type',
  'surname',
  'given_name',
  'sex',
  'birth_date',
  'birth_place_code',
  'status',
  'region_code',
  'residence_municipality_istat',
  'residence_country_code',
  'domicile_municipality_istat',
  'domicile_cap',
  'health_card_number',
  'mobile',
  'email',
] as const satisfies readonly (keyof NationalPersonsTable)[];
