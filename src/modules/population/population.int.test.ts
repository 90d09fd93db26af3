import { beforeAll, expect, it } from 'vitest';
import { sql } from 'kysely';
import { describeEachDatabase } from '../../../test/databases.ts';
import { loadReferenceData } from '../reference/service.ts';
import { generatePopulation } from './generator.ts';
import { loadPopulationReference } from './reference-files.ts';
import { generatePopulationIntoDatabase } from './service.ts';
import type { PopulationReference } from './reference.ts';

const PEOPLE = 5_000;
const SEED = 11;

describeEachDatabase('population loaded with COPY', (database) => {
  let reference: PopulationReference;
  const progress: number[] = [];

  beforeAll(async () => {
    await loadReferenceData(database());
    reference = await loadPopulationReference();
    const copied = await generatePopulationIntoDatabase(database(), {
      people: PEOPLE,
      seed: SEED,
      reference,
      onProgress: (done) => progress.push(done),
    });
    expect(copied).toBe(PEOPLE);
  }, 60_000);

  it('loads every generated person, reporting progress', async () => {
    const row = await database()
      .db.selectFrom('persons')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(row.n)).toBe(PEOPLE);
    expect(progress.at(-1)).toBe(PEOPLE);
  });

  it('REG-5 finds a person by tax code, with the data the generator gave them', async () => {
    const generated = [...generatePopulation(reference, { people: PEOPLE, seed: SEED })];
    const someone =
      generated.find((p) => p.table1Conditions.length > 0 && p.phone === null) ?? generated[PEOPLE - 1]!;
    const found = await database()
      .db.selectFrom('persons')
      .selectAll()
      .where('tax_code', '=', someone.taxCode)
      .executeTakeFirstOrThrow();
    expect(found).toMatchObject({
      tax_code: someone.taxCode,
      health_card_number: someone.healthCardNumber,
      surname: someone.surname,
      given_name: someone.givenName,
      sex: someone.sex,
      birth_date: someone.birthDate,
      birth_place_code: someone.birthPlaceCode,
      domicile_municipality_istat: someone.domicileMunicipalityIstat,
      domicile_cap: someone.domicileCap,
      household_id: someone.householdId,
      phone: null,
      email: someone.email,
      status: 'active',
      table1_conditions: [...someone.table1Conditions],
      severe_disability: someone.severeDisability,
    });
    expect(typeof found.id).toBe('number');
  });

  it('REG-5 finds people by surname (any case) and birth date', async () => {
    const someone = [...generatePopulation(reference, { people: 100, seed: SEED })][42]!;
    const found = await database()
      .db.selectFrom('persons')
      .select(['tax_code'])
      .where(sql<string>`lower(surname)`, '=', someone.surname.toUpperCase().toLowerCase())
      .where('birth_date', '=', someone.birthDate)
      .execute();
    expect(found.map((r) => r.tax_code)).toContain(someone.taxCode);
  });

  it('REG-10 every domicile CAP belongs to its municipality in the reference tables', async () => {
    const orphans = await database()
      .db.selectFrom('persons')
      .leftJoin('municipality_caps', (join) =>
        join
          .onRef('municipality_caps.municipality_istat', '=', 'persons.domicile_municipality_istat')
          .onRef('municipality_caps.cap', '=', 'persons.domicile_cap'),
      )
      .where('municipality_caps.cap', 'is', null)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(orphans.n)).toBe(0);
  });

  it('refuses bad options before COPY starts', async () => {
    await expect(
      generatePopulationIntoDatabase(database(), { people: 10, seed: SEED, regionCode: '99', reference }),
    ).rejects.toThrow(RangeError);
  });

  it('REG-2 refuses a second copy of the same people (tax codes are unique)', async () => {
    await expect(
      generatePopulationIntoDatabase(database(), { people: 10, seed: SEED, reference }),
    ).rejects.toThrow(/unique|duplicate/i);
  });
});
