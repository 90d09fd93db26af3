import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { romeDate } from '../../platform/clock.ts';
import { PROJECT_ROOT } from '../reference/files.ts';
import { parseProductsFile } from '../reference/products.ts';
import type { PersonStatus } from '../registry/tables.ts';
import { findCondition, parseFragilityTables } from './fragility-tables.ts';
import { parsePlanFile, type BookingChannel, type PlanFile, type PlanOffer } from './plan-file.ts';
import {
  allowedProducts,
  allowedRelations,
  bookableAfterPreRegistration,
  DECISION_ENTITLEMENTS,
  explainEligibility,
  FRAGILITY_CATEGORIES,
  isFragilityCategory,
  linkRefusal,
  listClosed,
  MAX_LINKS_PER_FRAGILE_PERSON,
  planInForce,
  PRE_REGISTRATION_DELAY_MS,
  qualificationForOffer,
  qualifications,
  romeMidnight,
  type EntitlementFact,
  type Explanation,
  type ImmuneRelated,
  type LinkFact,
  type LinkRefusal,
  type NextStep,
  type PersonFacts,
  type PlanInForce,
  type ProductCatalogueEntry,
} from './rules.ts';
import type { EntitlementSource, EvidenceStatus, LinkRelation } from './tables.ts';

// ---------------------------------------------------------------------------------------------------
// The real plan data: plan versions, fragility tables, product catalogue.

const readJson = (...parts: string[]): unknown =>
  JSON.parse(readFileSync(path.join(PROJECT_ROOT, ...parts), 'utf8')) as unknown;

const VERSIONS_DIR = path.join(PROJECT_ROOT, 'plan', 'versions');
const VERSIONS: PlanFile[] = readdirSync(VERSIONS_DIR)
  .filter((name) => name.endsWith('.json'))
  .sort()
  .map((name) => parsePlanFile(readJson('plan', 'versions', name), `plan/versions/${name}`));

const TABLES = parseFragilityTables(readJson('plan', 'fragility-tables.json'));

const immuneRelated: ImmuneRelated = (conditionCode) => {
  const condition = findCondition(TABLES, conditionCode);
  if (condition === undefined) throw new Error(`not a Table 1 condition: ${conditionCode}`);
  return condition.immuneRelated;
};

const CATALOGUE: ProductCatalogueEntry[] = parseProductsFile(readJson('plan', 'products.json')).products;

const LOMBARDY = '03';
const EMILIA_ROMAGNA = '08';

const version = (id: string): PlanFile => {
  const found = VERSIONS.find((v) => v.id === id);
  if (found === undefined) throw new Error(`no plan version ${id}`);
  return found;
};

const offerOf = (versionId: string, offerId: string): PlanOffer => {
  const found = version(versionId).offers.find((o) => o.id === offerId);
  if (found === undefined) throw new Error(`${versionId} has no offer ${offerId}`);
  return found;
};

const planOn = (region: string, date: string): PlanInForce => {
  const plan = planInForce(VERSIONS, region, date);
  if (plan === undefined) throw new Error(`no plan in force in ${region} on ${date}`);
  return plan;
};

/** What the service does: the plan in force on the Rome date of the instant. */
const explainAt = (
  person: PersonFacts,
  region: string,
  now: string,
  channel?: BookingChannel,
): Explanation => {
  const instant = new Date(now);
  return explainEligibility(
    person,
    planOn(region, romeDate(instant)),
    CATALOGUE,
    immuneRelated,
    instant,
    channel,
  );
};

// ---------------------------------------------------------------------------------------------------
// Facts about people.

let nextId = 1000;

const entitlement = (
  category: string,
  options: {
    conditionCode?: string | null;
    source?: EntitlementSource;
    evidenceStatus?: EvidenceStatus;
    validFrom?: string;
  } = {},
): EntitlementFact => ({
  id: nextId++,
  category,
  conditionCode: options.conditionCode ?? null,
  source: options.source ?? 'regional_list',
  evidenceStatus: options.evidenceStatus ?? 'verified',
  validFrom: new Date(options.validFrom ?? '2021-03-01T08:00:00.000Z'),
});

const vulnerable = (
  conditionCode: string | null,
  options: { evidenceStatus?: EvidenceStatus; validFrom?: string } = {},
): EntitlementFact => entitlement('extremely_vulnerable', { conditionCode, ...options });

const disabled = (options: { evidenceStatus?: EvidenceStatus; validFrom?: string } = {}): EntitlementFact =>
  entitlement('severe_disability', { source: 'inps_list', ...options });

const person = (birthDate: string, overrides: Partial<PersonFacts> = {}): PersonFacts => ({
  birthDate,
  status: 'active',
  admitted: false,
  entitlements: [],
  linksToFragilePeople: [],
  ...overrides,
});

const linkTo = (
  relation: LinkRelation,
  fragile: { birthDate: string; entitlements: readonly EntitlementFact[] },
): LinkFact => ({ id: nextId++, relation, fragilePersonId: nextId++, fragile });

const categoriesOf = (explanation: { qualifications: { category: { code: string } }[] }): string[] =>
  explanation.qualifications.map((q) => q.category.code);

/** The conditions of Table 1 marked * (seed 003): cohabitants of these people are entitled (ELIG-8). */
const IMMUNE_RELATED_CONDITIONS = [
  'neuro_immunosuppressive_therapy',
  'immune_primary_or_autoimmune_severe',
  'immune_secondary_to_therapy',
  'oncology_on_therapy',
  'transplant_solid_organ_waiting_list',
  'transplant_solid_organ',
  'transplant_hematopoietic',
  'transplant_hematopoietic_chronic_gvhd',
];

// ---------------------------------------------------------------------------------------------------

describe('planInForce', () => {
  it.each<[string, string, string, string | null]>([
    [LOMBARDY, '2021-03-12', 'IT-2021-03-12', null],
    [LOMBARDY, '2021-04-01', 'IT-2021-03-12', null],
    [LOMBARDY, '2021-04-02', 'IT-2021-03-12', 'LOM-2021-04-02'],
    [LOMBARDY, '2021-04-06', 'IT-2021-03-12', 'LOM-2021-04-02'],
    [LOMBARDY, '2021-04-07', 'IT-2021-04-07', 'LOM-2021-04-02'],
    [LOMBARDY, '2021-04-08', 'IT-2021-04-07', 'LOM-2021-04-08'],
    [LOMBARDY, '2021-04-09', 'IT-2021-04-07', 'LOM-2021-04-09'],
    [LOMBARDY, '2021-04-10', 'IT-2021-04-10', 'LOM-2021-04-09'],
    [LOMBARDY, '2021-12-31', 'IT-2021-04-10', 'LOM-2021-04-09'],
    [EMILIA_ROMAGNA, '2021-03-12', 'IT-2021-03-12', null],
    [EMILIA_ROMAGNA, '2021-03-14', 'IT-2021-03-12', null],
    [EMILIA_ROMAGNA, '2021-03-15', 'IT-2021-03-12', 'ER-2021-03-15'],
    [EMILIA_ROMAGNA, '2021-03-29', 'IT-2021-03-12', 'ER-2021-03-15'],
    [EMILIA_ROMAGNA, '2021-03-30', 'IT-2021-03-12', 'ER-2021-03-30'],
    [EMILIA_ROMAGNA, '2021-04-05', 'IT-2021-03-12', 'ER-2021-03-30'],
    [EMILIA_ROMAGNA, '2021-04-06', 'IT-2021-03-12', 'ER-2021-04-06'],
    [EMILIA_ROMAGNA, '2021-04-07', 'IT-2021-04-07', 'ER-2021-04-06'],
    [EMILIA_ROMAGNA, '2021-04-09', 'IT-2021-04-07', 'ER-2021-04-06'],
    [EMILIA_ROMAGNA, '2021-04-10', 'IT-2021-04-10', 'ER-2021-04-06'],
    ['12', '2021-04-10', 'IT-2021-04-10', null],
  ])('ELIG-1 region %s on %s: national %s, calendar %s', (region, date, national, calendar) => {
    const plan = planInForce(VERSIONS, region, date);
    expect(plan?.national.id).toBe(national);
    expect(plan?.calendar?.id ?? null).toBe(calendar);
  });

  it.each([
    [LOMBARDY, '2021-03-11'],
    [EMILIA_ROMAGNA, '2021-03-11'],
    [EMILIA_ROMAGNA, '2020-12-27'],
  ])('ELIG-1 region %s on %s, before the first national version: no plan', (region, date) => {
    expect(planInForce(VERSIONS, region, date)).toBeUndefined();
  });

  it.each([
    [LOMBARDY, '2021-04-08', 'IT-2021-04-07', 'LOM-2021-04-08'],
    [EMILIA_ROMAGNA, '2021-04-10', 'IT-2021-04-10', 'ER-2021-04-06'],
  ])(
    'ELIG-1 region %s on %s: the order of the versions given does not matter',
    (region, date, national, calendar) => {
      const plan = planInForce([...VERSIONS].reverse(), region, date);
      expect(plan?.national.id).toBe(national);
      expect(plan?.calendar?.id).toBe(calendar);
    },
  );

  it('ELIG-1 a calendar of another region is never in force', () => {
    expect(
      planInForce(
        VERSIONS.filter((v) => v.region !== EMILIA_ROMAGNA),
        EMILIA_ROMAGNA,
        '2021-04-10',
      ),
    ).toEqual({
      national: version('IT-2021-04-10'),
      calendar: null,
    });
  });

  it('ELIG-1 the explanation names the plan versions it was decided under', () => {
    const explanation = explainAt(person('1935-06-01'), LOMBARDY, '2021-04-08T10:00:00.000Z');
    expect(explanation.planVersions).toEqual({ national: 'IT-2021-04-07', calendar: 'LOM-2021-04-08' });
    expect(explanation.minimumVaccinationAge).toBe(16);
  });
});

describe('romeMidnight', () => {
  it.each([
    ['2021-01-15', '2021-01-14T23:00:00.000Z'],
    ['2021-03-15', '2021-03-14T23:00:00.000Z'],
    ['2021-03-27', '2021-03-26T23:00:00.000Z'],
    ['2021-03-28', '2021-03-27T23:00:00.000Z'],
    ['2021-03-29', '2021-03-28T22:00:00.000Z'],
    ['2021-04-02', '2021-04-01T22:00:00.000Z'],
    ['2021-04-12', '2021-04-11T22:00:00.000Z'],
    ['2021-10-30', '2021-10-29T22:00:00.000Z'],
    ['2021-10-31', '2021-10-30T22:00:00.000Z'],
    ['2021-11-01', '2021-10-31T23:00:00.000Z'],
    ['2021-12-31', '2021-12-30T23:00:00.000Z'],
  ])('ELIG-3 booking opening on %s starts at %s (Rome midnight)', (date, instant) => {
    const midnight = romeMidnight(date);
    expect(midnight.toISOString()).toBe(instant);
    expect(romeDate(midnight)).toBe(date);
    expect(romeDate(new Date(midnight.getTime() - 1))).not.toBe(date);
  });
});

describe('qualificationForOffer: age cohorts by year of birth', () => {
  const plan = planOn(LOMBARDY, '2021-04-02');
  const opening = romeMidnight('2021-04-02');

  it.each<[string, string, string, string | undefined]>([
    ['lom-75-79', '1942-01-01', 'in the cohort (first day)', 'age_70_79'],
    ['lom-75-79', '1944-06-15', 'in the cohort', 'age_70_79'],
    ['lom-75-79', '1946-12-31', 'in the cohort (last day)', 'age_70_79'],
    ['lom-75-79', '1941-12-31', 'born the year before', undefined],
    ['lom-75-79', '1947-01-01', 'born the year after', undefined],
    ['lom-80-plus', '1941-12-31', 'born 1941, still 79: the registry category is 70-79', 'age_70_79'],
    ['lom-80-plus', '1930-01-01', 'aged 91', 'age_80_plus'],
    ['lom-80-plus', '1942-01-01', 'born after 1941', undefined],
    ['lom-70-74', '1947-01-01', 'in the cohort (first day)', 'age_70_79'],
    ['lom-70-74', '1951-12-31', 'in the cohort (last day), aged 69', 'age_60_69'],
    ['lom-70-74', '1952-01-01', 'born after 1951', undefined],
  ])('ELIG-2 Lombardy offer %s, born %s (%s): category %s', (offerId, birthDate, _why, category) => {
    const subject = person(birthDate);
    const found = qualifications(subject, plan, immuneRelated, opening);
    const qualification = qualificationForOffer(
      offerOf('LOM-2021-04-02', offerId),
      subject,
      found,
      '2021-04-02',
    );
    expect(qualification?.category.code).toBe(category);
    if (qualification !== undefined) expect(qualification.basis).toEqual({ kind: 'age' });
  });

  it.each<[string, number | null, number | null, string, string | undefined]>([
    ['1946-04-02', 75, 79, '2021-04-02', 'age_70_79'],
    ['1946-04-03', 75, 79, '2021-04-02', undefined],
    ['1946-04-03', 75, 79, '2021-04-03', 'age_70_79'],
    ['1941-04-03', 75, 79, '2021-04-02', 'age_70_79'],
    ['1941-04-02', 75, 79, '2021-04-02', undefined],
    ['1941-04-02', 80, null, '2021-04-02', 'age_80_plus'],
    ['2006-01-01', 12, 15, '2021-04-02', 'age_cohort'],
  ])(
    'ELIG-2 an age-band offer (born %s, ages %s-%s) is judged on the age of %s: %s',
    (birthDate, ageFrom, ageTo, today, category) => {
      const band: PlanOffer = {
        ...offerOf('LOM-2021-04-02', 'lom-75-79'),
        bornFrom: null,
        bornTo: null,
        ageFrom,
        ageTo,
      };
      const subject = person(birthDate);
      const found = qualifications(subject, plan, immuneRelated, romeMidnight(today));
      expect(qualificationForOffer(band, subject, found, today)?.category.code).toBe(category);
    },
  );

  it('ELIG-2 an age cohort for which the registry has no age category is still a priority-99 age qualification', () => {
    const band: PlanOffer = {
      ...offerOf('LOM-2021-04-02', 'lom-75-79'),
      bornFrom: 2005,
      bornTo: 2006,
    };
    const subject = person('2006-01-01');
    const qualification = qualificationForOffer(band, subject, [], '2021-04-02');
    expect(qualification).toMatchObject({
      basis: { kind: 'age' },
      category: { code: 'age_cohort', priority: 99 },
    });
    expect(qualification?.from.getTime()).toBe(0);
  });
});

describe('explainEligibility: age cohorts open at Rome midnight', () => {
  // The calendar of 2 April as published: the offer opens at midnight Rome time (summer time, UTC+2).
  const published = planOn(LOMBARDY, '2021-04-02');
  const explainUnder = (birthDate: string, now: string): Explanation =>
    explainEligibility(person(birthDate), published, CATALOGUE, immuneRelated, new Date(now));

  it.each<[string, string, NextStep, string, string]>([
    ['1942-01-01', '2021-04-01T21:59:59.000Z', 'WAIT_UNTIL', 'lom-75-79', '2021-04-01T22:00:00.000Z'],
    ['1942-01-01', '2021-04-01T22:00:00.000Z', 'BOOK', 'lom-75-79', '2021-04-01T22:00:00.000Z'],
    ['1946-12-31', '2021-04-01T21:59:59.000Z', 'WAIT_UNTIL', 'lom-75-79', '2021-04-01T22:00:00.000Z'],
    ['1946-12-31', '2021-04-01T22:00:00.000Z', 'BOOK', 'lom-75-79', '2021-04-01T22:00:00.000Z'],
    ['1941-12-31', '2021-04-01T21:59:59.000Z', 'BOOK', 'lom-80-plus', '2021-02-14T23:00:00.000Z'],
    ['1941-12-31', '2021-04-01T22:00:00.000Z', 'BOOK', 'lom-80-plus', '2021-02-14T23:00:00.000Z'],
    ['1947-01-01', '2021-04-01T22:00:00.000Z', 'WAIT_UNTIL', 'lom-70-74', '2021-04-14T22:00:00.000Z'],
  ])('ELIG-3 Lombardy, born %s, at %s: %s under %s from %s', (birthDate, now, nextStep, offerId, from) => {
    const explanation = explainUnder(birthDate, now);
    expect(explanation.nextStep).toBe(nextStep);
    expect(explanation.bookable).toBe(nextStep === 'BOOK');
    expect(explanation.match?.offer.id).toBe(offerId);
    expect(explanation.match?.bookableFrom.toISOString()).toBe(from);
  });

  it.each<[string, NextStep, string | null]>([
    ['2021-04-01T21:59:59.000Z', 'WAIT_FOR_CALENDAR', null],
    ['2021-04-01T22:00:00.000Z', 'BOOK', 'LOM-2021-04-02'],
  ])(
    'ELIG-1 ELIG-3 Lombardy, born 1942, with the plan in force at %s: %s (calendar %s)',
    (now, nextStep, calendar) => {
      const explanation = explainAt(person('1942-01-01'), LOMBARDY, now);
      expect(explanation.nextStep).toBe(nextStep);
      expect(explanation.planVersions.calendar).toBe(calendar);
    },
  );

  it.each<[string, NextStep, string, string]>([
    ['2021-04-07T21:59:59.000Z', 'WAIT_UNTIL', 'LOM-2021-04-02', '2021-04-14T22:00:00.000Z'],
    ['2021-04-07T22:00:00.000Z', 'BOOK', 'LOM-2021-04-08', '2021-04-07T22:00:00.000Z'],
  ])(
    'ELIG-1 ELIG-3 Lombardy 70-74 brought forward to 8 April, at %s: %s under %s from %s',
    (now, nextStep, calendar, from) => {
      const explanation = explainAt(person('1950-05-05'), LOMBARDY, now);
      expect(explanation.nextStep).toBe(nextStep);
      expect(explanation.planVersions.calendar).toBe(calendar);
      expect(explanation.match?.offer.id).toBe('lom-70-74');
      expect(explanation.match?.bookableFrom.toISOString()).toBe(from);
    },
  );

  it.each<[string, string, NextStep, string, string, string]>([
    [
      '1936-12-31',
      '2021-03-15T09:00:00.000Z',
      'BOOK',
      'er-85-plus',
      'ER-2021-03-15',
      '2021-02-14T23:00:00.000Z',
    ],
    [
      '1920-02-29',
      '2021-03-15T09:00:00.000Z',
      'BOOK',
      'er-85-plus',
      'ER-2021-03-15',
      '2021-02-14T23:00:00.000Z',
    ],
    [
      '1937-01-01',
      '2021-03-15T09:00:00.000Z',
      'BOOK',
      'er-80-84',
      'ER-2021-03-15',
      '2021-02-28T23:00:00.000Z',
    ],
    [
      '1941-12-31',
      '2021-03-15T09:00:00.000Z',
      'BOOK',
      'er-80-84',
      'ER-2021-03-15',
      '2021-02-28T23:00:00.000Z',
    ],
    [
      '1942-01-01',
      '2021-03-14T23:00:00.000Z',
      'BOOK',
      'er-75-79',
      'ER-2021-03-15',
      '2021-03-14T23:00:00.000Z',
    ],
    [
      '1946-12-31',
      '2021-03-15T09:00:00.000Z',
      'BOOK',
      'er-75-79',
      'ER-2021-03-15',
      '2021-03-14T23:00:00.000Z',
    ],
    [
      '1947-01-01',
      '2021-03-30T09:00:00.000Z',
      'WAIT_UNTIL',
      'er-70-74',
      'ER-2021-03-30',
      '2021-04-11T22:00:00.000Z',
    ],
    [
      '1951-12-31',
      '2021-04-11T21:59:59.000Z',
      'WAIT_UNTIL',
      'er-70-74',
      'ER-2021-04-06',
      '2021-04-11T22:00:00.000Z',
    ],
    [
      '1951-12-31',
      '2021-04-11T22:00:00.000Z',
      'BOOK',
      'er-70-74',
      'ER-2021-04-06',
      '2021-04-11T22:00:00.000Z',
    ],
  ])(
    'ELIG-3 Emilia-Romagna, born %s, at %s: %s under %s (%s) from %s',
    (birthDate, now, nextStep, offerId, calendar, from) => {
      const explanation = explainAt(person(birthDate), EMILIA_ROMAGNA, now);
      expect(explanation.nextStep).toBe(nextStep);
      expect(explanation.match?.offer.id).toBe(offerId);
      expect(explanation.planVersions.calendar).toBe(calendar);
      expect(explanation.match?.bookableFrom.toISOString()).toBe(from);
    },
  );

  it.each<[string, string, NextStep]>([
    ['1942-01-01', '2021-03-14T22:59:59.000Z', 'WAIT_FOR_CALENDAR'],
    ['1947-01-01', '2021-03-20T09:00:00.000Z', 'PRE_REGISTER_OR_ASK_GP'],
    ['1952-01-01', '2021-04-12T09:00:00.000Z', 'PRE_REGISTER_OR_ASK_GP'],
  ])('ELIG-3 Emilia-Romagna, born %s, at %s: no offer for the cohort, %s', (birthDate, now, nextStep) => {
    const explanation = explainAt(person(birthDate), EMILIA_ROMAGNA, now);
    expect(explanation.bookable).toBe(false);
    expect(explanation.match).toBeNull();
    expect(explanation.nextStep).toBe(nextStep);
  });

  it.each<[string, string, number, string | undefined]>([
    ['1941-04-02', '2021-04-01T21:59:59.000Z', 79, 'age_70_79'],
    ['1941-04-02', '2021-04-01T22:00:00.000Z', 80, 'age_80_plus'],
    ['1941-04-02', '2021-04-01T23:30:00.000Z', 80, 'age_80_plus'],
    ['1941-03-14', '2021-03-13T22:59:59.000Z', 79, 'age_70_79'],
    ['1941-03-14', '2021-03-13T23:30:00.000Z', 80, 'age_80_plus'],
    ['1951-10-31', '2021-10-30T21:59:59.000Z', 69, 'age_60_69'],
    ['1951-10-31', '2021-10-30T22:30:00.000Z', 70, 'age_70_79'],
  ])('ELIG-2 born %s, at %s: aged %i on the Rome date, category %s', (birthDate, now, age, category) => {
    const explanation = explainAt(person(birthDate), LOMBARDY, now);
    expect(explanation.age).toBe(age);
    expect(categoriesOf(explanation)).toEqual([category]);
  });
});

describe('explainEligibility: next steps', () => {
  it.each<[PersonStatus, boolean, NextStep]>([
    ['active', false, 'BOOK'],
    ['active', true, 'BOOK'],
    ['out_of_region', false, 'APPLY_AS_NON_RESIDENT'],
    ['aire', false, 'APPLY_AS_NON_RESIDENT'],
    ['foreign', false, 'APPLY_AS_NON_RESIDENT'],
    ['out_of_region', true, 'BOOK'],
    ['aire', true, 'BOOK'],
    ['foreign', true, 'BOOK'],
    ['deceased', false, 'NOT_BOOKABLE_STATUS'],
    ['deceased', true, 'NOT_BOOKABLE_STATUS'],
    ['obsolete', false, 'NOT_BOOKABLE_STATUS'],
    ['obsolete', true, 'NOT_BOOKABLE_STATUS'],
  ])('ELIG-5 ELIG-11 ELIG-17 an 85-year-old of status %s (admitted %s): %s', (status, admitted, nextStep) => {
    const explanation = explainAt(
      person('1935-06-01', { status, admitted }),
      EMILIA_ROMAGNA,
      '2021-04-10T10:00:00.000Z',
    );
    expect(explanation.nextStep).toBe(nextStep);
    expect(explanation.bookable).toBe(nextStep === 'BOOK');
    if (nextStep === 'BOOK') expect(explanation.match?.offer.id).toBe('er-85-plus');
    else expect(explanation.match).toBeNull();
  });

  it.each<[string, NextStep, number]>([
    ['2021-04-09T21:59:59.000Z', 'TOO_YOUNG', 15],
    ['2021-04-09T22:00:00.000Z', 'BOOK', 16],
    ['2021-04-10T12:00:00.000Z', 'BOOK', 16],
  ])(
    'ELIG-5 ELIG-7 a person with severe disability born 2005-04-10, at %s: %s (aged %i)',
    (now, nextStep, age) => {
      const explanation = explainAt(
        person('2005-04-10', { entitlements: [disabled()] }),
        EMILIA_ROMAGNA,
        now,
        'call_center',
      );
      expect(explanation.nextStep).toBe(nextStep);
      expect(explanation.age).toBe(age);
      if (nextStep === 'BOOK') {
        expect(explanation.match?.offer.id).toBe('er-severe-disability');
        expect(explanation.match?.products).toEqual(['COMIRNATY-30']);
      } else {
        expect(explanation.match).toBeNull();
      }
    },
  );

  it.each<[string, string, NextStep]>([
    ['2010-01-01', '2021-04-10T10:00:00.000Z', 'TOO_YOUNG'],
    ['2005-04-11', '2021-04-10T10:00:00.000Z', 'TOO_YOUNG'],
    ['2005-04-10', '2021-04-10T10:00:00.000Z', 'PRE_REGISTER_OR_ASK_GP'],
  ])('ELIG-5 a person born %s with nothing else, at %s: %s', (birthDate, now, nextStep) => {
    expect(explainAt(person(birthDate), LOMBARDY, now).nextStep).toBe(nextStep);
  });

  it.each<[string, string, string, NextStep]>([
    [
      'a 40-year-old with only rejected evidence',
      EMILIA_ROMAGNA,
      '2021-04-10T10:00:00.000Z',
      'EVIDENCE_REJECTED',
    ],
    ['a 40-year-old with only rejected evidence', LOMBARDY, '2021-04-05T10:00:00.000Z', 'EVIDENCE_REJECTED'],
  ])('ELIG-5 %s (region %s, at %s): %s', (_who, region, now, nextStep) => {
    const subject = person('1981-01-01', {
      entitlements: [vulnerable('transplant_solid_organ', { evidenceStatus: 'rejected' })],
    });
    const explanation = explainAt(subject, region, now);
    expect(explanation.nextStep).toBe(nextStep);
    expect(explanation.bookable).toBe(false);
    expect(categoriesOf(explanation)).toEqual(['age_40_49']);
  });

  it('ELIG-5 rejected evidence does not stop a booking by age', () => {
    const subject = person('1935-06-01', {
      entitlements: [vulnerable('transplant_solid_organ', { evidenceStatus: 'rejected' })],
    });
    const explanation = explainAt(subject, EMILIA_ROMAGNA, '2021-04-10T10:00:00.000Z');
    expect(explanation.nextStep).toBe('BOOK');
    expect(explanation.match?.offer.id).toBe('er-85-plus');
  });

  it.each<[string, string, NextStep]>([
    [EMILIA_ROMAGNA, '2021-03-14T10:00:00.000Z', 'WAIT_FOR_CALENDAR'],
    [EMILIA_ROMAGNA, '2021-03-15T10:00:00.000Z', 'PRE_REGISTER_OR_ASK_GP'],
    [EMILIA_ROMAGNA, '2021-04-10T10:00:00.000Z', 'PRE_REGISTER_OR_ASK_GP'],
    [LOMBARDY, '2021-03-20T10:00:00.000Z', 'WAIT_FOR_CALENDAR'],
    [LOMBARDY, '2021-04-05T10:00:00.000Z', 'WAIT_FOR_CALENDAR'],
    [LOMBARDY, '2021-04-08T21:59:59.000Z', 'WAIT_FOR_CALENDAR'],
    [LOMBARDY, '2021-04-08T22:00:00.000Z', 'PRE_REGISTER_OR_ASK_GP'],
    [LOMBARDY, '2021-04-10T10:00:00.000Z', 'PRE_REGISTER_OR_ASK_GP'],
  ])('ELIG-5 a 40-year-old with no entitlement (region %s, at %s): %s', (region, now, nextStep) => {
    const explanation = explainAt(person('1981-01-01'), region, now);
    expect(explanation.nextStep).toBe(nextStep);
    expect(explanation.bookable).toBe(false);
    expect(explanation.match).toBeNull();
  });

  it.each<[string, BookingChannel | undefined, boolean]>([
    ['1942-01-01', undefined, true],
    ['1942-01-01', 'web', true],
    ['1942-01-01', 'atm', true],
    ['1942-01-01', 'postman', true],
    ['1942-01-01', 'call_center', true],
    ['1942-01-01', 'pharmacy', false],
    ['1942-01-01', 'gp', false],
  ])('ELIG-5 Lombardy 75-79, born %s, asking on channel %s: offered %s', (birthDate, channel, offered) => {
    const explanation = explainAt(person(birthDate), LOMBARDY, '2021-04-05T10:00:00.000Z', channel);
    expect(explanation.bookable).toBe(offered);
    expect(explanation.match?.offer.id ?? null).toBe(offered ? 'lom-75-79' : null);
  });

  it.each<[string, BookingChannel, boolean]>([
    ['2021-04-05T10:00:00.000Z', 'pharmacy', true],
    ['2021-04-05T10:00:00.000Z', 'gp', true],
    ['2021-04-05T10:00:00.000Z', 'web', true],
    ['2021-04-05T10:00:00.000Z', 'atm', false],
    ['2021-04-05T10:00:00.000Z', 'postman', false],
    ['2021-04-08T10:00:00.000Z', 'atm', true],
    ['2021-04-08T10:00:00.000Z', 'postman', true],
  ])('ELIG-5 Lombardy 80+, at %s on channel %s: offered %s', (now, channel, offered) => {
    const explanation = explainAt(person('1930-01-01'), LOMBARDY, now, channel);
    expect(explanation.bookable).toBe(offered);
    expect(explanation.match?.offer.id ?? null).toBe(offered ? 'lom-80-plus' : null);
  });

  it.each<[BookingChannel | undefined, boolean]>([
    [undefined, true],
    ['call_center', true],
    ['gp', true],
    ['pharmacy', true],
    ['web', false],
    ['atm', false],
  ])('ELIG-5 Emilia-Romagna extremely vulnerable, asking on channel %s: offered %s', (channel, offered) => {
    const subject = person('1981-01-01', { entitlements: [vulnerable('diabetes_type_1')] });
    const explanation = explainAt(subject, EMILIA_ROMAGNA, '2021-03-20T10:00:00.000Z', channel);
    expect(explanation.bookable).toBe(offered);
    expect(explanation.match?.offer.id ?? null).toBe(offered ? 'er-extremely-vulnerable' : null);
  });

  it('ELIG-5 ELIG-2 open offers come first: a 71-year-old whose fragility counts only later books by age now', () => {
    const subject = person('1950-01-01', {
      entitlements: [vulnerable('diabetes_type_1', { validFrom: '2021-04-20T08:00:00.000Z' })],
    });
    const explanation = explainAt(subject, LOMBARDY, '2021-04-10T10:00:00.000Z');
    expect(explanation.nextStep).toBe('BOOK');
    expect(explanation.match?.offer.id).toBe('lom-70-74');
    expect(categoriesOf(explanation)).toEqual(['age_70_79', 'extremely_vulnerable']);
  });

  it('ELIG-5 ELIG-2 among open offers of the same priority the earliest opening wins', () => {
    const subject = person('1935-01-01', { entitlements: [vulnerable('diabetes_type_1')] });
    const explanation = explainAt(subject, LOMBARDY, '2021-04-10T10:00:00.000Z');
    expect(explanation.nextStep).toBe('BOOK');
    expect(explanation.match?.offer.id).toBe('lom-80-plus');
    expect(explanation.match?.qualification.category.code).toBe('age_80_plus');
  });

  it('ELIG-5 ELIG-2 among open offers a higher priority wins over an earlier opening', () => {
    // Born 1945: the registry category is 70-79 (priority 2 from 10 April), the fragility one is priority 1.
    const subject = person('1945-01-01', {
      entitlements: [vulnerable('diabetes_type_1', { validFrom: '2021-04-09T08:00:00.000Z' })],
    });
    const explanation = explainAt(subject, LOMBARDY, '2021-04-10T10:00:00.000Z');
    expect(explanation.nextStep).toBe('BOOK');
    expect(explanation.match?.offer.id).toBe('lom-extremely-vulnerable');
    expect(explanation.match?.products).toEqual(['COMIRNATY-30', 'SPIKEVAX']);
  });
});

describe('qualifications: the extremely vulnerable from age 16', () => {
  it.each<[string, string, number, boolean]>([
    ['extremely_vulnerable', '2021-04-09T21:59:59.000Z', 15, false],
    ['extremely_vulnerable', '2021-04-09T22:00:00.000Z', 16, true],
    ['comorbidity_under_60', '2021-04-09T21:59:59.000Z', 15, false],
    ['comorbidity_under_60', '2021-04-09T22:00:00.000Z', 16, true],
    ['severe_disability', '2021-04-09T21:59:59.000Z', 15, true],
  ])(
    'ELIG-6 a %s entitlement of a person born 2005-04-10, at %s (aged %i): qualifies %s',
    (category, now, _age, qualifies) => {
      const held = entitlement(category, {
        conditionCode: category === 'extremely_vulnerable' ? 'cystic_fibrosis' : null,
      });
      const instant = new Date(now);
      const found = qualifications(
        person('2005-04-10', { entitlements: [held] }),
        planOn(LOMBARDY, romeDate(instant)),
        immuneRelated,
        instant,
      );
      const through = found.filter((q) => q.basis.kind === 'entitlement');
      expect(through.map((q) => q.category.code)).toEqual(qualifies ? [category] : []);
      if (qualifies) expect(through[0]?.from).toEqual(held.validFrom);
    },
  );

  it('ELIG-6 comorbidity under 60 stops at 60, the extremely vulnerable category does not', () => {
    const held = [entitlement('comorbidity_under_60'), vulnerable('cystic_fibrosis')];
    const found = qualifications(
      person('1961-01-01', { entitlements: held }),
      planOn(LOMBARDY, '2021-04-10'),
      immuneRelated,
      new Date('2021-04-10T10:00:00.000Z'),
    );
    expect(found.map((q) => q.category.code)).toEqual(['age_60_69', 'extremely_vulnerable']);
  });

  it('ELIG-4 an entitlement of a category the national plan does not know gives no qualification', () => {
    const found = qualifications(
      person('1981-01-01', { entitlements: [entitlement('astronaut')] }),
      planOn(LOMBARDY, '2021-04-10'),
      immuneRelated,
      new Date('2021-04-10T10:00:00.000Z'),
    );
    expect(found.map((q) => q.category.code)).toEqual(['age_40_49']);
  });

  it.each<[EvidenceStatus, boolean]>([
    ['verified', true],
    ['self_declared', true],
    ['rejected', false],
  ])('ELIG-4 evidence %s counts for a qualification: %s', (evidenceStatus, counts) => {
    const found = qualifications(
      person('1981-01-01', { entitlements: [disabled({ evidenceStatus })] }),
      planOn(LOMBARDY, '2021-04-10'),
      immuneRelated,
      new Date('2021-04-10T10:00:00.000Z'),
    );
    expect(found.some((q) => q.category.code === 'severe_disability')).toBe(counts);
  });

  it.each<[string, NextStep, string[]]>([
    ['2021-04-09T21:59:59.000Z', 'TOO_YOUNG', []],
    ['2021-04-09T22:00:00.000Z', 'BOOK', ['COMIRNATY-30']],
  ])(
    'ELIG-6 an extremely vulnerable person born 2005-04-10, at %s: %s with %j',
    (now, nextStep, products) => {
      const subject = person('2005-04-10', { entitlements: [vulnerable('cystic_fibrosis')] });
      const explanation = explainAt(subject, EMILIA_ROMAGNA, now, 'gp');
      expect(explanation.nextStep).toBe(nextStep);
      expect(explanation.match?.products ?? []).toEqual(products);
    },
  );
});

describe('allowedRelations', () => {
  const national = version('IT-2021-04-10');
  const relationsOf = (
    birthDate: string,
    entitlements: EntitlementFact[],
    today = '2021-04-10',
  ): LinkRelation[] => [
    ...allowedRelations({ birthDate, entitlements }, national, immuneRelated, today).keys(),
  ];

  it('ELIG-8 the conditions marked * in the tables are those of seed 003', () => {
    expect(TABLES.conditions.filter((c) => c.immuneRelated).map((c) => c.code)).toEqual(
      IMMUNE_RELATED_CONDITIONS,
    );
  });

  it.each(TABLES.conditions.map((c) => [c.code, IMMUNE_RELATED_CONDITIONS.includes(c.code)] as const))(
    'ELIG-8 an extremely vulnerable adult with %s (immune-related %s): cohabitants only when immune-related',
    (conditionCode, immune) => {
      expect(relationsOf('1981-01-01', [vulnerable(conditionCode)])).toEqual(immune ? ['cohabitant'] : []);
    },
  );

  it.each(TABLES.conditions.map((c) => [c.code, IMMUNE_RELATED_CONDITIONS.includes(c.code)] as const))(
    'ELIG-8 an extremely vulnerable 15-year-old with %s (immune-related %s): parents, guardians, foster parents too',
    (conditionCode, immune) => {
      expect(relationsOf('2006-01-01', [vulnerable(conditionCode)])).toEqual(
        immune ? ['cohabitant', 'parent_guardian_foster'] : ['parent_guardian_foster'],
      );
    },
  );

  it.each<[string, string, EntitlementFact[], LinkRelation[]]>([
    ['severe disability', '1981-01-01', [disabled()], ['cohabitant', 'caregiver']],
    [
      'severe disability, self-declared',
      '1981-01-01',
      [disabled({ evidenceStatus: 'self_declared' })],
      ['cohabitant', 'caregiver'],
    ],
    ['severe disability of a minor', '2010-01-01', [disabled()], ['cohabitant', 'caregiver']],
    [
      'severe disability and a Table 1 condition',
      '1981-01-01',
      [vulnerable('diabetes_type_1'), disabled()],
      ['cohabitant', 'caregiver'],
    ],
    [
      'severe disability and an immune-related condition',
      '1981-01-01',
      [disabled(), vulnerable('transplant_solid_organ')],
      ['cohabitant', 'caregiver'],
    ],
    ['extremely vulnerable, condition not known', '1981-01-01', [vulnerable(null)], []],
    [
      'extremely vulnerable minor, condition not known',
      '2010-01-01',
      [vulnerable(null)],
      ['parent_guardian_foster'],
    ],
    [
      'extremely vulnerable, rejected',
      '1981-01-01',
      [vulnerable('transplant_solid_organ', { evidenceStatus: 'rejected' })],
      [],
    ],
    [
      'extremely vulnerable minor, rejected',
      '2010-01-01',
      [vulnerable('diabetes_type_1', { evidenceStatus: 'rejected' })],
      [],
    ],
    ['severe disability, rejected', '1981-01-01', [disabled({ evidenceStatus: 'rejected' })], []],
    [
      'severe disability rejected, immune-related verified',
      '1981-01-01',
      [disabled({ evidenceStatus: 'rejected' }), vulnerable('oncology_on_therapy')],
      ['cohabitant'],
    ],
    [
      'extremely vulnerable, self-declared, immune-related',
      '1981-01-01',
      [vulnerable('immune_secondary_to_therapy', { evidenceStatus: 'self_declared' })],
      ['cohabitant'],
    ],
    ['a health worker', '1981-01-01', [entitlement('health_worker')], []],
    ['an 85-year-old by age only', '1936-01-01', [], []],
    ['nothing at all', '1981-01-01', [], []],
  ])('ELIG-8 %s (born %s): %j', (_who, birthDate, entitlements, relations) => {
    expect(relationsOf(birthDate, entitlements)).toEqual(relations);
  });

  it.each<[string, LinkRelation[]]>([
    ['2021-04-08', ['parent_guardian_foster']],
    ['2021-04-09', ['parent_guardian_foster']],
    ['2021-04-10', []],
    ['2021-04-11', []],
  ])(
    'ELIG-8 an extremely vulnerable minor born 2005-04-10, on %s (16th birthday on 10 April): %j',
    (today, relations) => {
      expect(relationsOf('2005-04-10', [vulnerable('diabetes_type_1')], today)).toEqual(relations);
    },
  );

  it('ELIG-8 each relation is granted by the first entitlement that allows it', () => {
    const immune = vulnerable('transplant_hematopoietic');
    const disability = disabled();
    const allowed = allowedRelations(
      { birthDate: '2010-01-01', entitlements: [immune, disability] },
      national,
      immuneRelated,
      '2021-04-10',
    );
    expect(allowed.get('cohabitant')).toBe(immune);
    expect(allowed.get('parent_guardian_foster')).toBe(immune);
    expect(allowed.get('caregiver')).toBe(disability);
  });
});

describe('linkRefusal', () => {
  const plan = planOn(LOMBARDY, '2021-04-10');
  const now = new Date('2021-04-10T10:00:00.000Z');
  const FRAGILE_ID = 1;

  it.each<[string, string, EntitlementFact[], number, LinkRelation, LinkRefusal | null, LinkRelation[]]>([
    ['severe disability, cohabitant', '1981-01-01', [disabled()], 2, 'cohabitant', null, []],
    ['severe disability, caregiver', '1981-01-01', [disabled()], 2, 'caregiver', null, []],
    [
      'severe disability, parent',
      '1981-01-01',
      [disabled()],
      2,
      'parent_guardian_foster',
      'LINK_RELATION_NOT_ALLOWED',
      ['cohabitant', 'caregiver'],
    ],
    [
      'immune-related, cohabitant',
      '1981-01-01',
      [vulnerable('transplant_solid_organ')],
      2,
      'cohabitant',
      null,
      [],
    ],
    [
      'immune-related, caregiver',
      '1981-01-01',
      [vulnerable('transplant_solid_organ')],
      2,
      'caregiver',
      'LINK_RELATION_NOT_ALLOWED',
      ['cohabitant'],
    ],
    [
      'immune-related adult, parent',
      '1981-01-01',
      [vulnerable('transplant_solid_organ')],
      2,
      'parent_guardian_foster',
      'LINK_RELATION_NOT_ALLOWED',
      ['cohabitant'],
    ],
    [
      'not immune-related, cohabitant',
      '1981-01-01',
      [vulnerable('diabetes_type_1')],
      2,
      'cohabitant',
      'LINK_RELATION_NOT_ALLOWED',
      [],
    ],
    [
      'not immune-related, caregiver',
      '1981-01-01',
      [vulnerable('diabetes_type_1')],
      2,
      'caregiver',
      'LINK_RELATION_NOT_ALLOWED',
      [],
    ],
    ['minor, parent', '2010-01-01', [vulnerable('diabetes_type_1')], 2, 'parent_guardian_foster', null, []],
    [
      'minor, cohabitant',
      '2010-01-01',
      [vulnerable('diabetes_type_1')],
      2,
      'cohabitant',
      'LINK_RELATION_NOT_ALLOWED',
      ['parent_guardian_foster'],
    ],
    [
      'minor, 16th birthday today, parent',
      '2005-04-10',
      [vulnerable('diabetes_type_1')],
      2,
      'parent_guardian_foster',
      'LINK_RELATION_NOT_ALLOWED',
      [],
    ],
    [
      'minor, 16th birthday tomorrow, parent',
      '2005-04-11',
      [vulnerable('diabetes_type_1')],
      2,
      'parent_guardian_foster',
      null,
      [],
    ],
    [
      'to self, relation allowed',
      '1981-01-01',
      [disabled()],
      FRAGILE_ID,
      'caregiver',
      'LINK_TO_SELF',
      ['cohabitant', 'caregiver'],
    ],
    ['to self, not fragile', '1981-01-01', [], FRAGILE_ID, 'cohabitant', 'LINK_TO_SELF', []],
    ['85 by age only', '1936-01-01', [], 2, 'caregiver', 'LINK_FRAGILE_ONLY_BY_AGE', []],
    ['80th birthday today', '1941-04-10', [], 2, 'cohabitant', 'LINK_FRAGILE_ONLY_BY_AGE', []],
    ['80th birthday tomorrow', '1941-04-11', [], 2, 'cohabitant', 'LINK_PERSON_NOT_FRAGILE', []],
    [
      '85 with rejected evidence',
      '1936-01-01',
      [vulnerable('transplant_solid_organ', { evidenceStatus: 'rejected' })],
      2,
      'cohabitant',
      'LINK_FRAGILE_ONLY_BY_AGE',
      [],
    ],
    ['50 with nothing', '1971-01-01', [], 2, 'cohabitant', 'LINK_PERSON_NOT_FRAGILE', []],
    [
      '50 with rejected severe disability',
      '1971-01-01',
      [disabled({ evidenceStatus: 'rejected' })],
      2,
      'caregiver',
      'LINK_PERSON_NOT_FRAGILE',
      [],
    ],
    [
      '40, a health worker',
      '1981-01-01',
      [entitlement('health_worker')],
      2,
      'cohabitant',
      'LINK_PERSON_NOT_FRAGILE',
      [],
    ],
    [
      '40, comorbidity under 60',
      '1981-01-01',
      [entitlement('comorbidity_under_60')],
      2,
      'cohabitant',
      'LINK_PERSON_NOT_FRAGILE',
      [],
    ],
  ])(
    'ELIG-8 ELIG-16 link to a fragile person (%s, born %s) from person %i as %s: %s',
    (_who, birthDate, entitlements, linkedId, relation, code, allowed) => {
      const refusal = linkRefusal(
        { id: FRAGILE_ID, birthDate, entitlements },
        linkedId,
        relation,
        plan,
        immuneRelated,
        now,
      );
      expect(refusal).toEqual(code === null ? null : { code, allowed });
    },
  );

  it.each<[string, LinkRefusal | null]>([
    ['2021-04-09T21:59:59.000Z', null],
    ['2021-04-09T22:00:00.000Z', 'LINK_RELATION_NOT_ALLOWED'],
  ])('ELIG-8 a parent link to a minor turning 16 on 10 April, at %s (Rome date): %s', (at, code) => {
    const refusal = linkRefusal(
      { id: FRAGILE_ID, birthDate: '2005-04-10', entitlements: [vulnerable('diabetes_type_1')] },
      2,
      'parent_guardian_foster',
      plan,
      immuneRelated,
      new Date(at),
    );
    expect(refusal?.code ?? null).toBe(code);
  });
});

describe('qualifications through a link', () => {
  const immuneFragile = (validFrom = '2021-04-09T06:00:00.000Z') => ({
    birthDate: '1960-01-01',
    entitlements: [vulnerable('transplant_solid_organ', { validFrom })],
  });

  it.each<[string, NextStep, string]>([
    ['2021-04-09T05:59:59.000Z', 'WAIT_UNTIL', '2021-04-09T06:00:00.000Z'],
    ['2021-04-09T06:00:00.000Z', 'BOOK', '2021-04-09T06:00:00.000Z'],
    ['2021-04-10T10:00:00.000Z', 'BOOK', '2021-04-09T06:00:00.000Z'],
  ])(
    'ELIG-8 a cohabitant of an immune-related fragile person loaded at 06:00 on 9 April, at %s: %s from %s',
    (now, nextStep, from) => {
      const subject = person('1985-05-05', { linksToFragilePeople: [linkTo('cohabitant', immuneFragile())] });
      const explanation = explainAt(subject, LOMBARDY, now);
      expect(explanation.nextStep).toBe(nextStep);
      expect(explanation.match?.offer.id).toBe('lom-extremely-vulnerable');
      expect(explanation.match?.offer.includesLinkedPeople).toBe(true);
      expect(explanation.match?.qualification.category.code).toBe('extremely_vulnerable');
      expect(explanation.match?.qualification.basis.kind).toBe('link');
      expect(explanation.match?.bookableFrom.toISOString()).toBe(from);
    },
  );

  it.each<[string, LinkRelation, { birthDate: string; entitlements: EntitlementFact[] }]>([
    [
      'caregiver of an immune-related fragile person',
      'caregiver',
      { birthDate: '1960-01-01', entitlements: [vulnerable('transplant_solid_organ')] },
    ],
    [
      'cohabitant of a fragile person not immune-related',
      'cohabitant',
      { birthDate: '1960-01-01', entitlements: [vulnerable('diabetes_type_1')] },
    ],
    [
      'cohabitant whose fragile person was rejected',
      'cohabitant',
      {
        birthDate: '1960-01-01',
        entitlements: [vulnerable('transplant_solid_organ', { evidenceStatus: 'rejected' })],
      },
    ],
    [
      'parent of an adult',
      'parent_guardian_foster',
      { birthDate: '1990-01-01', entitlements: [vulnerable('diabetes_type_1')] },
    ],
    ['cohabitant of an 85-year-old', 'cohabitant', { birthDate: '1936-01-01', entitlements: [] }],
  ])('ELIG-8 a %s gets no qualification through the link', (_who, relation, fragile) => {
    const subject = person('1985-05-05', { linksToFragilePeople: [linkTo(relation, fragile)] });
    const explanation = explainAt(subject, LOMBARDY, '2021-04-10T10:00:00.000Z');
    expect(explanation.qualifications.some((q) => q.basis.kind === 'link')).toBe(false);
    expect(explanation.bookable).toBe(false);
    expect(explanation.match).toBeNull();
  });

  it.each<[LinkRelation, string, EntitlementFact[], string]>([
    ['parent_guardian_foster', '2010-01-01', [vulnerable('diabetes_type_1')], 'extremely_vulnerable'],
    ['cohabitant', '1960-01-01', [vulnerable('oncology_on_therapy')], 'extremely_vulnerable'],
    ['caregiver', '1960-01-01', [disabled()], 'severe_disability'],
    ['cohabitant', '1960-01-01', [disabled()], 'severe_disability'],
  ])(
    'ELIG-8 a %s of a fragile person born %s gets the fragile person’s category',
    (relation, birthDate, entitlements, category) => {
      const link = linkTo(relation, { birthDate, entitlements });
      const found = qualifications(
        person('1985-05-05', { linksToFragilePeople: [link] }),
        planOn(LOMBARDY, '2021-04-10'),
        immuneRelated,
        new Date('2021-04-10T10:00:00.000Z'),
      );
      const through = found.filter((q) => q.basis.kind === 'link');
      expect(through.map((q) => q.category.code)).toEqual([category]);
      expect(through[0]?.category.priority).toBe(1);
      expect(through[0]?.basis).toEqual({ kind: 'link', link, entitlement: entitlements[0] });
      expect(through[0]?.from).toEqual(entitlements[0]?.validFrom);
    },
  );

  it.each<[string, boolean]>([
    ['2021-04-05T10:00:00.000Z', false],
    ['2021-04-06T10:00:00.000Z', true],
  ])(
    'ELIG-8 a caregiver of a person with severe disability in Emilia-Romagna, at %s: bookable %s',
    (now, bookable) => {
      const subject = person('1985-05-05', {
        linksToFragilePeople: [linkTo('caregiver', { birthDate: '1960-01-01', entitlements: [disabled()] })],
      });
      const explanation = explainAt(subject, EMILIA_ROMAGNA, now, 'call_center');
      expect(explanation.bookable).toBe(bookable);
      if (bookable) {
        expect(explanation.match?.offer.id).toBe('er-severe-disability');
        expect(explanation.match?.qualification.basis.kind).toBe('link');
      } else {
        expect(explanation.match).toBeNull();
      }
    },
  );

  it.each<[boolean, string | undefined]>([
    [true, 'link'],
    [false, undefined],
  ])(
    'ELIG-8 an offer to the category with includesLinkedPeople %s reaches the linked person: %s',
    (includes, kind) => {
      const target: PlanOffer = {
        ...offerOf('LOM-2021-04-09', 'lom-extremely-vulnerable'),
        includesLinkedPeople: includes,
      };
      const subject = person('1985-05-05', { linksToFragilePeople: [linkTo('cohabitant', immuneFragile())] });
      const found = qualifications(
        subject,
        planOn(LOMBARDY, '2021-04-10'),
        immuneRelated,
        new Date('2021-04-10T10:00:00.000Z'),
      );
      expect(qualificationForOffer(target, subject, found, '2021-04-10')?.basis.kind).toBe(kind);
    },
  );

  it.each<[boolean, string, string]>([
    [true, 'link', '2021-04-09T06:00:00.000Z'],
    [false, 'entitlement', '2021-04-12T06:00:00.000Z'],
  ])(
    'ELIG-8 with includesLinkedPeople %s, the earliest-starting qualification decides: %s from %s',
    (includes, kind, from) => {
      const target: PlanOffer = {
        ...offerOf('LOM-2021-04-09', 'lom-extremely-vulnerable'),
        includesLinkedPeople: includes,
      };
      const subject = person('1985-05-05', {
        entitlements: [vulnerable('diabetes_type_1', { validFrom: '2021-04-12T06:00:00.000Z' })],
        linksToFragilePeople: [linkTo('cohabitant', immuneFragile())],
      });
      const found = qualifications(
        subject,
        planOn(LOMBARDY, '2021-04-10'),
        immuneRelated,
        new Date('2021-04-10T10:00:00.000Z'),
      );
      const qualification = qualificationForOffer(target, subject, found, '2021-04-10');
      expect(qualification?.basis.kind).toBe(kind);
      expect(qualification?.from.toISOString()).toBe(from);
    },
  );

  it('ELIG-4 of two entitlements of the offer’s category, the earlier one decides', () => {
    const later = vulnerable('diabetes_type_1', { validFrom: '2021-04-12T06:00:00.000Z' });
    const earlier = vulnerable('cystic_fibrosis', { validFrom: '2021-04-09T06:00:00.000Z' });
    const subject = person('1985-05-05', { entitlements: [later, earlier] });
    const found = qualifications(
      subject,
      planOn(LOMBARDY, '2021-04-10'),
      immuneRelated,
      new Date('2021-04-10T10:00:00.000Z'),
    );
    const qualification = qualificationForOffer(
      offerOf('LOM-2021-04-09', 'lom-extremely-vulnerable'),
      subject,
      found,
      '2021-04-10',
    );
    expect(qualification?.basis).toEqual({ kind: 'entitlement', entitlement: earlier });
  });

  it('ELIG-3 a category offer does not reach a person outside the category', () => {
    const subject = person('1985-05-05', { entitlements: [disabled()] });
    const found = qualifications(
      subject,
      planOn(LOMBARDY, '2021-04-10'),
      immuneRelated,
      new Date('2021-04-10T10:00:00.000Z'),
    );
    expect(
      qualificationForOffer(
        offerOf('LOM-2021-04-09', 'lom-extremely-vulnerable'),
        subject,
        found,
        '2021-04-10',
      ),
    ).toBeUndefined();
    expect(
      qualificationForOffer(offerOf('LOM-2021-04-09', 'lom-severe-disability'), subject, found, '2021-04-10')
        ?.category.code,
    ).toBe('severe_disability');
  });
});

describe('pre-registration', () => {
  it.each([
    ['2021-04-10T08:30:00.000Z', '2021-04-11T08:30:00.000Z'],
    ['2021-03-27T01:30:00.000Z', '2021-03-28T01:30:00.000Z'],
    ['2021-03-27T21:00:00.000Z', '2021-03-28T21:00:00.000Z'],
    ['2021-10-30T12:00:00.000Z', '2021-10-31T12:00:00.000Z'],
    ['2021-12-31T23:59:59.999Z', '2022-01-01T23:59:59.999Z'],
  ])(
    'ELIG-12 ELIG-14 pre-registered at %s: may book from %s, exactly 24 hours later',
    (registeredAt, from) => {
      const bookable = bookableAfterPreRegistration(new Date(registeredAt));
      expect(bookable.toISOString()).toBe(from);
      expect(bookable.getTime() - new Date(registeredAt).getTime()).toBe(PRE_REGISTRATION_DELAY_MS);
    },
  );

  it('ELIG-12 the delay is 24 hours', () => {
    expect(PRE_REGISTRATION_DELAY_MS).toBe(86_400_000);
  });

  const selfDeclared = (category: 'extremely_vulnerable' | 'severe_disability', registeredAt: string) =>
    entitlement(category, {
      conditionCode: category === 'extremely_vulnerable' ? 'diabetes_type_1' : null,
      ...DECISION_ENTITLEMENTS.self_declaration,
      validFrom: bookableAfterPreRegistration(new Date(registeredAt)).toISOString(),
    });

  it.each<[string, string, NextStep, string]>([
    ['2021-03-20T09:00:00.000Z', '2021-03-21T08:59:59.000Z', 'WAIT_UNTIL', '2021-03-21T09:00:00.000Z'],
    ['2021-03-20T09:00:00.000Z', '2021-03-21T09:00:00.000Z', 'BOOK', '2021-03-21T09:00:00.000Z'],
    // Across the night summer time starts (28 March 2021): still 24 elapsed hours.
    ['2021-03-27T01:30:00.000Z', '2021-03-28T01:29:59.000Z', 'WAIT_UNTIL', '2021-03-28T01:30:00.000Z'],
    ['2021-03-27T01:30:00.000Z', '2021-03-28T01:30:00.000Z', 'BOOK', '2021-03-28T01:30:00.000Z'],
    ['2021-03-27T21:00:00.000Z', '2021-03-28T20:59:59.000Z', 'WAIT_UNTIL', '2021-03-28T21:00:00.000Z'],
    ['2021-03-27T21:00:00.000Z', '2021-03-28T21:00:00.000Z', 'BOOK', '2021-03-28T21:00:00.000Z'],
  ])(
    'ELIG-12 self pre-registered as extremely vulnerable at %s, asking at %s: %s from %s',
    (registeredAt, now, nextStep, from) => {
      const subject = person('1981-01-01', {
        entitlements: [selfDeclared('extremely_vulnerable', registeredAt)],
      });
      const explanation = explainAt(subject, EMILIA_ROMAGNA, now, 'call_center');
      expect(explanation.nextStep).toBe(nextStep);
      expect(explanation.match?.offer.id).toBe('er-extremely-vulnerable');
      expect(explanation.match?.bookableFrom.toISOString()).toBe(from);
      expect(explanation.match?.qualification.basis.kind).toBe('entitlement');
    },
  );

  it.each<[string, NextStep]>([
    ['2021-04-08T09:14:59.000Z', 'WAIT_UNTIL'],
    ['2021-04-08T09:15:00.000Z', 'BOOK'],
  ])(
    'ELIG-14 a caregiver who pre-registered the fragile person at 09:15 on 7 April, asking at %s: %s',
    (now, nextStep) => {
      const fragile = {
        birthDate: '1950-01-01',
        entitlements: [selfDeclared('severe_disability', '2021-04-07T09:15:00.000Z')],
      };
      const subject = person('1985-05-05', { linksToFragilePeople: [linkTo('caregiver', fragile)] });
      const explanation = explainAt(subject, EMILIA_ROMAGNA, now, 'call_center');
      expect(explanation.nextStep).toBe(nextStep);
      expect(explanation.match?.offer.id).toBe('er-severe-disability');
      expect(explanation.match?.qualification.basis.kind).toBe('link');
      expect(explanation.match?.bookableFrom.toISOString()).toBe('2021-04-08T09:15:00.000Z');
    },
  );

  it.each<[keyof typeof DECISION_ENTITLEMENTS, EntitlementSource, EvidenceStatus]>([
    ['gp_report', 'gp_report', 'verified'],
    ['pharmacy_obesity', 'pharmacy', 'verified'],
    ['self_declaration', 'self_declaration', 'self_declared'],
    ['health_worker', 'health_worker_pre_registration', 'self_declared'],
  ])('ELIG-12 ELIG-20 a %s creates an entitlement from %s, %s', (decision, source, evidenceStatus) => {
    expect(DECISION_ENTITLEMENTS[decision]).toEqual({ source, evidenceStatus });
  });

  it('ELIG-15 at most 3 links per fragile person', () => {
    expect(MAX_LINKS_PER_FRAGILE_PERSON).toBe(3);
  });

  it.each([
    ['extremely_vulnerable', true],
    ['severe_disability', true],
    ['age_80_plus', false],
    ['comorbidity_under_60', false],
    ['health_worker', false],
  ])('ELIG-8 %s is a fragility category: %s', (category, fragility) => {
    expect(isFragilityCategory(category)).toBe(fragility);
    expect((FRAGILITY_CATEGORIES as readonly string[]).includes(category)).toBe(fragility);
  });
});

describe('allowedProducts', () => {
  const C = 'COMIRNATY-30';
  const S = 'SPIKEVAX';
  const V = 'VAXZEVRIA';
  const J = 'JANSSEN';
  const cohort = offerOf('LOM-2021-04-09', 'lom-75-79');
  const withProducts = (products: string[]): PlanOffer => ({ ...cohort, products });

  it.each<[string, number, string[], string[]]>([
    ['IT-2021-03-12', 79, ['age_70_79'], [C, S, V]],
    ['IT-2021-04-07', 79, ['age_70_79'], [V, C, S]],
    ['IT-2021-04-10', 79, ['age_70_79'], [V, C, S]],
    ['IT-2021-04-07', 60, ['age_60_69'], [V, C, S]],
    ['IT-2021-04-07', 59, ['age_50_59'], [C, S]],
    ['IT-2021-04-10', 40, ['age_40_49'], [C, S]],
    ['IT-2021-03-12', 59, ['age_50_59'], [C, S, V]],
    ['IT-2021-03-12', 40, ['age_40_49'], [C, S, V]],
    ['IT-2021-04-07', 18, ['age_16_29'], [C, S]],
    ['IT-2021-03-12', 18, ['age_16_29'], [C, S, V]],
    ['IT-2021-03-12', 17, ['age_16_29'], [C]],
    ['IT-2021-04-07', 17, ['age_16_29'], [C]],
    ['IT-2021-04-07', 16, ['age_16_29'], [C]],
    ['IT-2021-04-07', 15, [], []],
    ['IT-2021-04-07', 12, [], []],
    ['IT-2021-03-12', 79, ['age_70_79', 'extremely_vulnerable'], [C, S]],
    ['IT-2021-04-07', 79, ['age_70_79', 'extremely_vulnerable'], [C, S]],
    ['IT-2021-04-10', 65, ['age_60_69', 'extremely_vulnerable'], [C, S]],
    ['IT-2021-03-12', 40, ['extremely_vulnerable'], [C, S]],
    ['IT-2021-04-10', 40, ['extremely_vulnerable'], [C, S]],
    ['IT-2021-04-07', 65, ['age_60_69', 'severe_disability'], [V, C, S]],
    ['IT-2021-04-07', 40, ['severe_disability'], [C, S]],
  ])(
    'ELIG-3 ELIG-6 BOOK-7 under %s, aged %i with %j: %j (Comirnaty, Spikevax, Vaxzevria offered)',
    (nationalId, age, categories, expected) => {
      expect(allowedProducts(cohort, version(nationalId), CATALOGUE, age, categories)).toEqual(expected);
    },
  );

  it.each<[string, string[], number, string[], string[]]>([
    ['IT-2021-04-10', [J, C], 65, ['age_60_69'], [J, C]],
    ['IT-2021-04-10', [J, C], 65, ['age_60_69', 'extremely_vulnerable'], [C]],
    ['IT-2021-03-12', [J, V], 40, ['extremely_vulnerable'], []],
    ['IT-2021-04-10', [J, V, C, S], 70, ['extremely_vulnerable', 'age_70_79'], [C, S]],
    ['IT-2021-04-10', [J], 17, ['age_16_29'], []],
    ['IT-2021-04-07', [V], 40, ['age_40_49'], [V]],
    ['IT-2021-04-07', [C, V], 40, ['age_40_49'], [C]],
    ['IT-2021-04-07', [S, C, V], 61, ['age_60_69'], [V, S, C]],
    ['IT-2021-04-10', ['NUVAXOVID'], 17, ['age_16_29'], []],
    ['IT-2021-04-10', ['NUVAXOVID'], 18, ['age_16_29'], ['NUVAXOVID']],
    ['IT-2021-04-10', ['COMIRNATY-10-PED'], 11, [], ['COMIRNATY-10-PED']],
    ['IT-2021-04-10', ['COMIRNATY-10-PED'], 12, [], []],
    ['IT-2021-04-10', ['COMIRNATY-10-PED'], 4, [], []],
    ['IT-2021-04-10', ['NOT-IN-CATALOGUE', C], 40, ['age_40_49'], [C]],
  ])(
    'ELIG-3 ELIG-6 BOOK-7 under %s, offer of %j, aged %i with %j: %j',
    (nationalId, products, age, categories, expected) => {
      expect(
        allowedProducts(withProducts(products), version(nationalId), CATALOGUE, age, categories),
      ).toEqual(expected);
    },
  );

  it('ELIG-3 BOOK-7 the catalogue allows Spikevax from 12; the national plan’s limit keeps it from 18', () => {
    const spikevax = CATALOGUE.find((product) => product.code === S);
    expect(spikevax?.ages.minYears).toBe(12);
    const withoutLimits: PlanFile = { ...version('IT-2021-04-10'), productLimits: [] };
    expect(allowedProducts(withProducts([S]), withoutLimits, CATALOGUE, 17, [])).toEqual([S]);
    expect(allowedProducts(withProducts([S]), withoutLimits, CATALOGUE, 11, [])).toEqual([]);
    expect(allowedProducts(withProducts([S]), version('IT-2021-04-10'), CATALOGUE, 17, [])).toEqual([]);
    expect(allowedProducts(withProducts([S]), version('IT-2021-04-10'), CATALOGUE, 18, [])).toEqual([S]);
  });

  it.each<[string, string[], string[]]>([
    ['2021-04-06T10:00:00.000Z', [], [C, S, V]],
    ['2021-04-07T10:00:00.000Z', [], [V, C, S]],
    ['2021-04-07T10:00:00.000Z', ['diabetes_type_1'], [C, S]],
  ])(
    'ELIG-3 BOOK-7 Emilia-Romagna 75-79 at %s, Table 1 conditions %j: products %j',
    (now, conditions, products) => {
      const subject = person('1944-01-01', { entitlements: conditions.map((code) => vulnerable(code)) });
      const explanation = explainAt(subject, EMILIA_ROMAGNA, now, 'web');
      expect(explanation.match?.offer.id).toBe('er-75-79');
      expect(explanation.match?.products).toEqual(products);
    },
  );
});

describe('listClosed', () => {
  it.each<[string | null, string, boolean]>([
    ['2021-04-20', '2021-04-18', false],
    ['2021-04-20', '2021-04-19', false],
    ['2021-04-20', '2021-04-20', true],
    ['2021-04-20', '2021-04-21', true],
    ['2021-04-20', '2022-01-01', true],
    [null, '2021-04-19', false],
    [null, '2099-12-31', false],
  ])('ELIG-19 a list type closed from %s, upload on %s: closed %s', (closedFrom, today, closed) => {
    expect(listClosed(closedFrom, today)).toBe(closed);
  });
});

describe('explainEligibility: corrections found in review', () => {
  it('ELIG-5 waiting, the answer is the offer the person can book soonest, not the highest category', () => {
    // Born 1950, self-declared diabetic on 11 April at 12:00 (bookable 24 h later); 70-74 opens 12 April.
    const answer = explainAt(
      person('1950-06-01', {
        entitlements: [
          vulnerable('diabetes_type_1', {
            evidenceStatus: 'self_declared',
            validFrom: '2021-04-12T10:00:00Z',
          }),
        ],
      }),
      EMILIA_ROMAGNA,
      '2021-04-11T12:00:00Z',
    );
    expect(answer).toMatchObject({ bookable: false, nextStep: 'WAIT_UNTIL' });
    expect(answer.match?.offer.id).toBe('er-70-74');
    expect(answer.match?.bookableFrom.toISOString()).toBe('2021-04-11T22:00:00.000Z');
  });

  it('ELIG-8 a cohabitant books with the products of their own age, not the fragile person’s limits', () => {
    const fragile = { birthDate: '1980-01-01', entitlements: [vulnerable('transplant_solid_organ')] };
    const cohabitant = person('1949-06-01', { linksToFragilePeople: [linkTo('cohabitant', fragile)] });
    const answer = explainAt(cohabitant, EMILIA_ROMAGNA, '2021-04-12T10:00:00Z', 'web');
    expect(answer.bookable).toBe(true);
    expect(answer.match?.products).toContain('VAXZEVRIA');
  });

  it.each([
    ['web', 'BOOK'],
    ['pharmacy', 'USE_ANOTHER_CHANNEL'],
  ] as const)('ELIG-5 a 75-79 in Lombardy asking through %s: %s', (channel, nextStep) => {
    const answer = explainAt(person('1943-05-05'), LOMBARDY, '2021-04-05T10:00:00Z', channel);
    expect(answer.nextStep).toBe(nextStep);
  });

  it('ELIG-5 a person already recognised as fragile is told to wait for the calendar, not to pre-register', () => {
    const answer = explainAt(
      person('1975-01-01', { entitlements: [disabled()] }),
      EMILIA_ROMAGNA,
      '2021-04-05T10:00:00Z',
    );
    expect(answer.nextStep).toBe('WAIT_FOR_CALENDAR');
  });

  it('ELIG-4 a rejected self-declaration does not hide a verified entitlement', () => {
    const answer = explainAt(
      person('1975-01-01', {
        entitlements: [vulnerable('diabetes_type_1'), disabled({ evidenceStatus: 'rejected' })],
      }),
      LOMBARDY,
      '2021-04-05T10:00:00Z',
    );
    // On 5 April Lombardy's calendar has no fragility offer yet (it came on 9 April).
    expect(answer.nextStep).toBe('WAIT_FOR_CALENDAR');
  });
});
