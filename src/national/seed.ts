import { sql } from 'kysely';
import { DEMO_PEOPLE, DEMO_SEED } from '../modules/demo/seed.ts';
import { generatePopulation, type SyntheticPerson } from '../modules/population/generator.ts';
import { csvField } from '../modules/population/csv.ts';
import { Random } from '../modules/population/random.ts';
import type { PopulationReference } from '../modules/population/reference.ts';
import { loadPopulationReference } from '../modules/population/reference-files.ts';
import { toAsyncIterable } from '../modules/population/service.ts';
import type { NationalDatabase } from './db.ts';
import {
  NATIONAL_PERSON_COLUMNS,
  type NationalPersonsTable,
  type NationalPersonStatus,
} from './persons/tables.ts';

/** The region the simulator serves: statuses are as this region sees them. */
export const SERVED_REGION = '03';
/** People assisted by other regions: Veneto and Emilia-Romagna. */
const OTHER_REGIONS = ['05', '08'] as const;
const OTHER_REGIONS_SEED = 3005;
const AIRE_SEED = 3006;
const FOREIGNERS_SEED = 3007;

/**
 * Countries of residence of AIRE people, weighted roughly as the largest communities of Italians
 * registered abroad around 2021 (Argentina, Germany, Switzerland, Brazil, France, United Kingdom,
 * United States, Belgium, Spain, Australia, Canada): an approximation, not an official table.
 */
const AIRE_COUNTRIES: readonly (readonly [string, number])[] = [
  ['Z600', 88],
  ['Z112', 80],
  ['Z133', 64],
  ['Z602', 50],
  ['Z110', 44],
  ['Z114', 43],
  ['Z404', 29],
  ['Z103', 27],
  ['Z131', 20],
  ['Z700', 15],
  ['Z401', 14],
];

export interface NationalSeedOptions {
  /** The region's demo population (same count and seed): the region and the nation know the same people. */
  regionPeople: number;
  regionSeed: number;
  /** People assisted by other regions (OUT_OF_REGION), split between Veneto and Emilia-Romagna. */
  otherRegionPeople: number;
  /** Italians registered abroad (AIRE): a CF, residence abroad, no domicile. */
  aire: number;
  /** Foreigners of Ordinance 7/2021 (ORD7) and others (TS_FOREIGN), half each. */
  foreigners: number;
}

export const NATIONAL_SEED_DEFAULTS: NationalSeedOptions = {
  regionPeople: DEMO_PEOPLE,
  regionSeed: DEMO_SEED,
  otherRegionPeople: 5_000,
  aire: 300,
  foreigners: 300,
};

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/**
 * The national registry's people, deterministic: the region's demo population (ACTIVE_REGION), then
 * people of other regions, AIRE people and foreigners, each group from its own seed. A person whose
 * identifier or health card is already taken by an earlier one is left out, so the few coincidences
 * between independently generated groups cannot break the registry's uniqueness.
 */
export function* nationalPeople(
  reference: PopulationReference,
  options: NationalSeedOptions,
): Generator<NationalPersonsTable> {
  const taken = new Set<string>();
  const fresh = (row: NationalPersonsTable): boolean => {
    const card = row.health_card_number;
    if (taken.has(row.identifier) || (card !== null && taken.has(card))) return false;
    taken.add(row.identifier);
    if (card !== null) taken.add(card);
    return true;
  };

  const regional = { people: options.regionPeople, seed: options.regionSeed, regionCode: SERVED_REGION };
  for (const person of generatePopulation(reference, regional)) {
    const row = fromResident(person, 'ACTIVE_REGION', SERVED_REGION);
    if (fresh(row)) yield row;
  }

  for (const [i, regionCode] of OTHER_REGIONS.entries()) {
    const people = Math.floor((options.otherRegionPeople + i) / OTHER_REGIONS.length);
    for (const person of generatePopulation(reference, { people, seed: OTHER_REGIONS_SEED, regionCode })) {
      const row = fromResident(person, 'OUT_OF_REGION', regionCode);
      if (fresh(row)) yield row;
    }
  }

  const countries = new Random(AIRE_SEED, 1);
  const totalWeight = AIRE_COUNTRIES.reduce((sum, [, weight]) => sum + weight, 0);
  for (const person of generatePopulation(reference, { people: options.aire, seed: AIRE_SEED })) {
    let draw = countries.below(totalWeight);
    const country = AIRE_COUNTRIES.find(([, weight]) => (draw -= weight) < 0)?.[0] ?? 'Z600';
    const row: NationalPersonsTable = {
      ...fromResident(person, 'AIRE', null),
      residence_municipality_istat: null,
      residence_country_code: country,
      domicile_municipality_istat: null,
      domicile_cap: null,
      health_card_number: null,
    };
    if (fresh(row)) yield row;
  }

  // People born abroad of a synthetic population have names of their community (foreign-origins.json).
  const codes = new Random(FOREIGNERS_SEED, 1);
  const code = (prefix: string, alphabet: string, length: number): string => {
    let text = prefix;
    for (let i = 0; i < length; i++) text += alphabet[codes.below(alphabet.length)];
    return text;
  };
  let foreigners = 0;
  const pool = generatePopulation(reference, { people: options.foreigners * 50, seed: FOREIGNERS_SEED });
  for (const person of pool) {
    if (foreigners >= options.foreigners) break;
    if (!person.birthPlaceCode.startsWith('Z')) continue;
    const ord7 = foreigners % 2 === 0;
    const row: NationalPersonsTable = {
      ...fromResident(person, 'FOREIGN', ord7 ? null : SERVED_REGION),
      identifier: ord7 ? code('ORD7', ALPHANUMERIC, 12) : code('TSF', '0123456789', 13),
      identifier_type: ord7 ? 'ORD7' : 'TS_FOREIGN',
      residence_municipality_istat: null,
      residence_country_code: person.birthPlaceCode,
      health_card_number: null,
    };
    if (fresh(row)) {
      foreigners++;
      yield row;
    }
  }
}

function fromResident(
  person: SyntheticPerson,
  status: NationalPersonStatus,
  regionCode: string | null,
): NationalPersonsTable {
  return {
    identifier: person.taxCode,
    identifier_type: 'CF',
    surname: person.surname,
    given_name: person.givenName,
    sex: person.sex,
    birth_date: person.birthDate,
    birth_place_code: person.birthPlaceCode,
    status,
    region_code: regionCode,
    residence_municipality_istat: person.residenceMunicipalityIstat,
    residence_country_code: null,
    domicile_municipality_istat: person.domicileMunicipalityIstat,
    domicile_cap: person.domicileCap,
    health_card_number: person.healthCardNumber,
    mobile: person.phone,
    email: person.email,
  };
}

function toCsvLine(row: NationalPersonsTable): string {
  return `${NATIONAL_PERSON_COLUMNS.map((column) => csvField(row[column])).join(',')}\n`;
}

export interface NationalSeedResult {
  /** False when the registry was already seeded: nothing was changed. */
  seeded: boolean;
  people: number;
}

/**
 * Fills the national registry once, with COPY. A seed that did not finish (no seed_state row) is
 * started again from an empty table, so a rerun never duplicates nor half-loads.
 */
export async function seedNationalRegistry(
  database: NationalDatabase,
  options: NationalSeedOptions = NATIONAL_SEED_DEFAULTS,
  hooks: { reference?: PopulationReference; onProgress?: (people: number) => void } = {},
): Promise<NationalSeedResult> {
  const db = database.db;
  const done = await db.selectFrom('seed_state').select('people').executeTakeFirst();
  if (done) return { seeded: false, people: done.people };
  const reference = hooks.reference ?? (await loadPopulationReference());
  await sql`TRUNCATE persons`.execute(db);
  const lines = (function* () {
    for (const row of nationalPeople(reference, options)) yield toCsvLine(row);
  })();
  const people = await database.copyCsv('persons', NATIONAL_PERSON_COLUMNS, toAsyncIterable(lines), {
    ...(hooks.onProgress ? { onProgress: hooks.onProgress } : {}),
  });
  await db.insertInto('seed_state').values({ id: true, people }).execute();
  return { seeded: true, people };
}

/** How many people the registry holds in each status. */
export async function countNationalPeople(
  database: NationalDatabase,
): Promise<Partial<Record<NationalPersonStatus, number>>> {
  const rows = await database.db
    .selectFrom('persons')
    .select(['status', (eb) => eb.fn.countAll<number>().as('people')])
    .groupBy('status')
    .execute();
  return Object.fromEntries(rows.map((row) => [row.status, Number(row.people)]));
}
