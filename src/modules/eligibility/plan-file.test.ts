import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../reference/files.ts';
import { parseProductsFile } from '../reference/products.ts';
import { parsePlanFile, PlanFileError, type PlanFile, type PlanOffer } from './plan-file.ts';

const VERSIONS = path.join(PROJECT_ROOT, 'plan', 'versions');
const FILES = readdirSync(VERSIONS)
  .filter((name) => name.endsWith('.json'))
  .sort();

type Raw = Record<string, unknown> & {
  categories: Record<string, unknown>[];
  offers: Record<string, unknown>[];
};

const raw = (id: string): Raw => JSON.parse(readFileSync(path.join(VERSIONS, `${id}.json`), 'utf8')) as Raw;
const version = (id: string): PlanFile => parsePlanFile(raw(id), `plan/versions/${id}.json`);
const versions = (): PlanFile[] => FILES.map((name) => version(name.replace(/\.json$/, '')));

const offer = (id: string, offerId: string): PlanOffer => {
  const found = version(id).offers.find((o) => o.id === offerId);
  if (!found) throw new Error(`${id} has no offer ${offerId}`);
  return found;
};

const products = parseProductsFile(
  JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'plan', 'products.json'), 'utf8')) as unknown,
).products;

const NATIONAL = ['IT-2021-03-12', 'IT-2021-04-07', 'IT-2021-04-10'];
const LOMBARDY = ['LOM-2021-04-02', 'LOM-2021-04-08', 'LOM-2021-04-09'];
const EMILIA_ROMAGNA = ['ER-2021-03-15', 'ER-2021-03-30', 'ER-2021-04-06'];

/** ELIG-2 as the plan update of 10-12 March 2021 orders it (seed 003). */
const MARCH_PRIORITIES = {
  age_80_plus: 1,
  extremely_vulnerable: 1,
  severe_disability: 1,
  health_worker: 2,
  care_home: 2,
  essential_services: 3,
  age_70_79: 4,
  age_60_69: 5,
  comorbidity_under_60: 6,
  age_50_59: 7,
  age_40_49: 8,
  age_30_39: 9,
  age_16_29: 10,
};

/**
 * Ordinance 6/2021: 80+, the fragile, 70-79, then 60-69; health workers completed in parallel with
 * all of them; the other priority categories after, in parallel with the age bands (seed 002).
 */
const ORDINANCE_6_PRIORITIES = {
  age_80_plus: 1,
  extremely_vulnerable: 1,
  severe_disability: 1,
  health_worker: 1,
  care_home: 1,
  age_70_79: 2,
  age_60_69: 3,
  comorbidity_under_60: 4,
  essential_services: 4,
  age_50_59: 4,
  age_40_49: 5,
  age_30_39: 6,
  age_16_29: 7,
};

describe('plan/versions', () => {
  it('ELIG-1 holds the national versions and the Lombardy and Emilia-Romagna calendars', () => {
    expect(FILES).toEqual([...EMILIA_ROMAGNA, ...NATIONAL, ...LOMBARDY].map((id) => `${id}.json`).sort());
  });

  it.each(FILES)('ELIG-1 %s parses, is named after its id and takes effect on the date of its id', (name) => {
    const id = name.replace(/\.json$/, '');
    const parsed = version(id);
    expect(parsed.id).toBe(id);
    expect(parsed.effectiveFrom).toBe(id.replace(/^[A-Z]+-/, ''));
    expect(parsed.sources.length).toBeGreaterThan(0);
  });

  it.each([
    ...NATIONAL.map((id) => [id, 'national', null] as const),
    ...LOMBARDY.map((id) => [id, 'regional', '03'] as const),
    ...EMILIA_ROMAGNA.map((id) => [id, 'regional', '08'] as const),
  ])('ELIG-1 %s is %s, region %s', (id, kind, region) => {
    expect(version(id)).toMatchObject({ kind, region });
  });

  it.each([
    ['LOM-2021-04-02', 'LOM-2021-04-08'],
    ['LOM-2021-04-08', 'LOM-2021-04-09'],
    ['ER-2021-03-15', 'ER-2021-03-30'],
    ['ER-2021-03-30', 'ER-2021-04-06'],
  ])(
    'ELIG-1 a new calendar keeps every offer of the one before it (%s -> %s): a version is the whole calendar',
    (before, after) => {
      const later = new Set(version(after).offers.map((o) => o.id));
      for (const o of version(before).offers) expect(later.has(o.id), o.id).toBe(true);
    },
  );
});

describe('national versions', () => {
  it.each(NATIONAL)('ELIG-2 %s lists its categories in priority order, 80+ and the fragile first', (id) => {
    const { categories } = version(id);
    const priorities = categories.map((c) => c.priority);
    expect(priorities).toEqual([...priorities].sort((a, b) => a - b));
    expect(categories.slice(0, 3).map((c) => [c.code, c.priority])).toEqual([
      ['age_80_plus', 1],
      ['extremely_vulnerable', 1],
      ['severe_disability', 1],
    ]);
  });

  it.each([
    ['IT-2021-03-12', MARCH_PRIORITIES],
    ['IT-2021-04-07', MARCH_PRIORITIES],
    ['IT-2021-04-10', ORDINANCE_6_PRIORITIES],
  ])('ELIG-2 %s gives each category its priority', (id, expected) => {
    expect(Object.fromEntries(version(id).categories.map((c) => [c.code, c.priority]))).toEqual(expected);
  });

  it('ELIG-2 Ordinance 6/2021 moves the essential services after the 60-69s', () => {
    const priority = (id: string, code: string): number | undefined =>
      version(id).categories.find((c) => c.code === code)?.priority;
    expect(priority('IT-2021-03-12', 'essential_services')).toBeLessThan(
      priority('IT-2021-03-12', 'age_70_79') ?? 0,
    );
    expect(priority('IT-2021-04-10', 'essential_services')).toBeGreaterThan(
      priority('IT-2021-04-10', 'age_60_69') ?? 99,
    );
  });

  it.each(NATIONAL)(
    'ELIG-6 ELIG-7 %s: Table 1 from 16, severe disability at any age, both with linked people',
    (id) => {
      const categories = version(id).categories;
      expect(categories.find((c) => c.code === 'extremely_vulnerable')).toMatchObject({
        basis: 'entitlement',
        ageFrom: 16,
        linksAllowed: true,
      });
      expect(categories.find((c) => c.code === 'severe_disability')).toMatchObject({
        basis: 'entitlement',
        ageFrom: null,
        linksAllowed: true,
      });
      expect(categories.filter((c) => c.linksAllowed).map((c) => c.code)).toEqual([
        'extremely_vulnerable',
        'severe_disability',
      ]);
    },
  );

  it.each(NATIONAL)('ELIG-8 %s: no vaccine below 16 in March-April 2021', (id) => {
    expect(version(id).minimumVaccinationAge).toBe(16);
  });

  it.each(NATIONAL)('ELIG-2 %s: the extremely vulnerable get mRNA vaccines only', (id) => {
    const platform = new Map(products.map((p) => [p.code, p.platform]));
    for (const limit of version(id).productLimits.filter((l) => l.strength === 'only')) {
      const excluded = limit.excludedCategories.includes('extremely_vulnerable');
      expect(excluded, limit.product).toBe(platform.get(limit.product) !== 'mRNA');
    }
  });

  it.each([
    ['IT-2021-03-12', 16, 18, 18, 18, false],
    ['IT-2021-04-07', 16, 18, 18, 18, true],
    ['IT-2021-04-10', 16, 18, 18, 18, true],
  ])(
    'ELIG-3 %s: Comirnaty from %i, Spikevax from %i, Vaxzevria from %i, Janssen from %i; Vaxzevria preferred from 60: %s',
    (id, comirnaty, spikevax, vaxzevria, janssen, preferred) => {
      const limits = version(id).productLimits;
      const only = (product: string): number | null | undefined =>
        limits.find((l) => l.product === product && l.strength === 'only')?.ageFrom;
      expect([only('COMIRNATY-30'), only('SPIKEVAX'), only('VAXZEVRIA'), only('JANSSEN')]).toEqual([
        comirnaty,
        spikevax,
        vaxzevria,
        janssen,
      ]);
      const preferences = limits.filter((l) => l.strength === 'preferred');
      expect(preferences.map((l) => [l.product, l.ageFrom])).toEqual(preferred ? [['VAXZEVRIA', 60]] : []);
    },
  );

  it.each(NATIONAL)(
    'BOOK-10 %s: second dose at 21 days Comirnaty, 28 days Spikevax, Vaxzevria 4 to 12 weeks (12th recommended)',
    (id) => {
      expect(
        version(id).intervals.map((i) => [i.product, i.afterDose, i.minDays, i.recommendedDays, i.maxDays]),
      ).toEqual([
        ['COMIRNATY-30', 1, 21, 21, null],
        ['SPIKEVAX', 1, 28, 28, null],
        ['VAXZEVRIA', 1, 28, 84, 84],
      ]);
    },
  );

  it('ELIG-3 every product a version names is in plan/products.json, as a COVID-19 product', () => {
    const covid = new Set(products.filter((p) => p.covid).map((p) => p.code));
    for (const plan of versions()) {
      const named = [
        ...plan.productLimits.map((l) => l.product),
        ...plan.intervals.map((i) => i.product),
        ...plan.offers.flatMap((o) => o.products),
      ];
      for (const code of named) expect(covid.has(code), `${plan.id}: ${code}`).toBe(true);
    }
  });

  it('BOOK-10 a version gives an interval to every two-dose product it limits, and none to a one-dose product', () => {
    const doses = new Map(products.map((p) => [p.code, p.primaryCycleDoses]));
    for (const plan of versions().filter((p) => p.kind === 'national')) {
      const limited = new Set(plan.productLimits.map((l) => l.product));
      const withInterval = new Set(plan.intervals.map((i) => i.product));
      for (const code of limited)
        expect(withInterval.has(code), `${plan.id}: ${code}`).toBe((doses.get(code) ?? 1) > 1);
    }
  });
});

describe('regional calendars', () => {
  it.each(LOMBARDY)(
    'ELIG-3 Lombardy 75-79 are born 1942-1946, bookable from 2 April 2021, vaccinated from 12 April (%s)',
    (id) => {
      expect(offer(id, 'lom-75-79')).toMatchObject({
        category: null,
        ageFrom: null,
        ageTo: null,
        bornFrom: 1942,
        bornTo: 1946,
        bookingOpensOn: '2021-04-02',
        vaccinationsStartOn: '2021-04-12',
        channels: ['web', 'atm', 'postman', 'call_center'],
      });
    },
  );

  it.each([
    ['LOM-2021-04-02', '2021-04-15'],
    ['LOM-2021-04-08', '2021-04-08'],
    ['LOM-2021-04-09', '2021-04-08'],
  ])(
    'ELIG-1 ELIG-3 Lombardy 70-74 (born 1947-1951) in %s: booking from %s, vaccinations from 27 April',
    (id, opens) => {
      expect(offer(id, 'lom-70-74')).toMatchObject({
        bornFrom: 1947,
        bornTo: 1951,
        bookingOpensOn: opens,
        vaccinationsStartOn: '2021-04-27',
      });
    },
  );

  it('ELIG-3 Lombardy 80+ (born 1941 or earlier) adhered from 15 February 2021, vaccinated from 18 February', () => {
    expect(offer('LOM-2021-04-02', 'lom-80-plus')).toMatchObject({
      bornFrom: null,
      bornTo: 1941,
      bookingOpensOn: '2021-02-15',
      vaccinationsStartOn: '2021-02-18',
      products: ['COMIRNATY-30', 'SPIKEVAX'],
      channels: ['web', 'gp', 'pharmacy'],
    });
    expect(offer('LOM-2021-04-08', 'lom-80-plus').channels).toEqual([
      'web',
      'atm',
      'postman',
      'call_center',
      'gp',
      'pharmacy',
    ]);
  });

  it.each(['extremely_vulnerable', 'severe_disability'])(
    'ELIG-3 ELIG-8 Lombardy: %s book on the Poste platform from 9 April 2021, with their linked people',
    (category) => {
      const fragile = version('LOM-2021-04-09').offers.find((o) => o.category === category);
      expect(fragile).toMatchObject({
        includesLinkedPeople: true,
        bookingOpensOn: '2021-04-09',
        vaccinationsStartOn: '2021-04-12',
        channels: ['web', 'atm', 'postman', 'call_center'],
      });
      expect(version('LOM-2021-04-08').offers.some((o) => o.category === category)).toBe(false);
    },
  );

  it.each([
    [
      'ER-2021-03-15',
      'er-extremely-vulnerable',
      { category: 'extremely_vulnerable', bookingOpensOn: '2021-03-15' },
    ],
    ['ER-2021-03-15', 'er-75-79', { bornFrom: 1942, bornTo: 1946, bookingOpensOn: '2021-03-15' }],
    [
      'ER-2021-03-15',
      'er-80-84',
      { bornFrom: 1937, bornTo: 1941, bookingOpensOn: '2021-03-01', vaccinationsStartOn: '2021-03-02' },
    ],
    ['ER-2021-03-15', 'er-85-plus', { bornFrom: null, bornTo: 1936, bookingOpensOn: '2021-02-15' }],
    ['ER-2021-03-30', 'er-70-74', { bornFrom: 1947, bornTo: 1951, bookingOpensOn: '2021-04-12' }],
    [
      'ER-2021-04-06',
      'er-severe-disability',
      { category: 'severe_disability', bookingOpensOn: '2021-04-06' },
    ],
    ['ER-2021-04-06', 'er-70-74', { bornFrom: 1947, bornTo: 1951, bookingOpensOn: '2021-04-12' }],
  ])('ELIG-3 Emilia-Romagna %s: offer %s', (id, offerId, expected) => {
    expect(offer(id, offerId)).toMatchObject(expected);
  });

  it.each([
    ['ER-2021-03-15', 'er-severe-disability'],
    ['ER-2021-03-15', 'er-70-74'],
    ['ER-2021-03-30', 'er-severe-disability'],
  ])('ELIG-1 Emilia-Romagna %s does not yet have %s', (id, offerId) => {
    expect(version(id).offers.map((o) => o.id)).not.toContain(offerId);
  });

  it('ELIG-8 every fragility offer includes the linked people, and only the extremely vulnerable are mRNA only', () => {
    for (const plan of versions().filter((p) => p.kind === 'regional')) {
      for (const o of plan.offers.filter((x) => x.category !== null)) {
        expect(o.includesLinkedPeople, `${plan.id} ${o.id}`).toBe(true);
        if (o.category === 'extremely_vulnerable') expect(o.products).toEqual(['COMIRNATY-30', 'SPIKEVAX']);
      }
    }
  });

  it('ELIG-3 an offer names a category of the national version in force when the calendar takes effect', () => {
    const nationals = versions().filter((p) => p.kind === 'national');
    for (const plan of versions().filter((p) => p.kind === 'regional')) {
      const inForce = nationals.filter((n) => n.effectiveFrom <= plan.effectiveFrom).at(-1);
      expect(inForce, plan.id).toBeDefined();
      const codes = new Set(inForce?.categories.map((c) => c.code));
      for (const o of plan.offers)
        if (o.category !== null) expect(codes.has(o.category), `${plan.id} ${o.id}`).toBe(true);
    }
  });
});

describe('parsePlanFile refusals', () => {
  const refusal = (id: string, mutate: (file: Raw) => void): string => {
    const file = raw(id);
    mutate(file);
    try {
      parsePlanFile(file, `${id}.json`);
    } catch (error) {
      expect(error).toBeInstanceOf(PlanFileError);
      return (error as PlanFileError).problems.join('\n');
    }
    throw new Error('the plan version was accepted');
  };
  const lom7579 = (file: Raw): Record<string, unknown> => file.offers[1] ?? {};

  it.each<[string, string, (file: Raw) => void, string]>([
    [
      'a calendar with categories',
      'LOM-2021-04-02',
      (f) => void (f.categories = raw('IT-2021-03-12').categories),
      'categories, product limits and intervals belong to the national plan, not to a calendar',
    ],
    [
      'a calendar without a region',
      'LOM-2021-04-02',
      (f) => void (f.region = null),
      'a regional calendar names its region',
    ],
    [
      'a calendar without offers',
      'LOM-2021-04-02',
      (f) => void (f.offers = []),
      'a regional calendar opens at least one offer',
    ],
    [
      'a national version with offers',
      'IT-2021-03-12',
      (f) => void (f.offers = raw('LOM-2021-04-02').offers),
      'offers belong to a regional calendar, not to the national plan',
    ],
    [
      'a national version with a region',
      'IT-2021-03-12',
      (f) => void (f.region = '03'),
      'a national version has region null',
    ],
    [
      'a national version without a youngest age',
      'IT-2021-03-12',
      (f) => void (f.minimumVaccinationAge = null),
      'a national version sets minimumVaccinationAge',
    ],
    [
      'a duplicate category code',
      'IT-2021-03-12',
      (f) => void f.categories.push({ ...f.categories[6] }),
      'categories "age_70_79": the code is used twice',
    ],
    [
      'an age category without ageFrom',
      'IT-2021-03-12',
      (f) => void ((f.categories[6] ?? {}).ageFrom = null),
      'categories "age_70_79": an age category needs ageFrom',
    ],
    [
      'a category whose ages are reversed',
      'IT-2021-03-12',
      (f) => void ((f.categories[6] ?? {}).ageTo = 69),
      'categories "age_70_79": ageFrom > ageTo',
    ],
    [
      'a product limit excluding an unknown category',
      'IT-2021-03-12',
      (f) => void (((f.productLimits as Record<string, unknown>[])[2] ?? {}).excludedCategories = ['frail']),
      'productLimits[2] "VAXZEVRIA": excluded category "frail" is not a category',
    ],
    [
      'an interval recommending less than its minimum',
      'IT-2021-03-12',
      (f) => void (((f.intervals as Record<string, unknown>[])[0] ?? {}).recommendedDays = 14),
      'intervals[0] "COMIRNATY-30": recommendedDays < minDays',
    ],
    [
      'an interval whose maximum is before the recommended day',
      'IT-2021-03-12',
      (f) => void (((f.intervals as Record<string, unknown>[])[2] ?? {}).maxDays = 70),
      'intervals[2] "VAXZEVRIA": maxDays < recommendedDays',
    ],
    [
      'an offer with two targets',
      'LOM-2021-04-02',
      (f) => void (lom7579(f).ageFrom = 75),
      'offers "lom-75-79": name exactly one of category, age band or years of birth',
    ],
    [
      'an offer with no target',
      'LOM-2021-04-02',
      (f) => void Object.assign(lom7579(f), { bornFrom: null, bornTo: null }),
      'offers "lom-75-79": name exactly one of category, age band or years of birth',
    ],
    [
      'an offer whose years of birth are reversed',
      'LOM-2021-04-02',
      (f) => void Object.assign(lom7579(f), { bornFrom: 1946, bornTo: 1942 }),
      'offers "lom-75-79": bornFrom > bornTo',
    ],
    [
      'vaccinations before booking opens',
      'LOM-2021-04-02',
      (f) => void (lom7579(f).vaccinationsStartOn = '2021-04-01'),
      'offers "lom-75-79": vaccinations start before booking opens',
    ],
    [
      'an offer on a day that does not exist',
      'LOM-2021-04-02',
      (f) => void (lom7579(f).bookingOpensOn = '2021-02-30'),
      'offers "lom-75-79": 2021-02-30 is not a real date',
    ],
    [
      'a duplicate offer id',
      'LOM-2021-04-02',
      (f) => void f.offers.push({ ...lom7579(f) }),
      'offers "lom-75-79": the id is used twice',
    ],
    [
      'linked people on an age offer',
      'LOM-2021-04-02',
      (f) => void (lom7579(f).includesLinkedPeople = true),
      'offers "lom-75-79": only an offer to a category can include the people linked to it',
    ],
    [
      'an unknown booking channel',
      'LOM-2021-04-02',
      (f) => void (lom7579(f).channels = ['fax']),
      'offers/1/channels/0: must be equal to one of the allowed values',
    ],
    [
      'an unknown field',
      'LOM-2021-04-02',
      (f) => void (lom7579(f).priority = 1),
      'offers/1: must not have additional properties: priority',
    ],
    [
      'an id not in the plan format',
      'LOM-2021-04-02',
      (f) => void (f.id = 'lombardy-april'),
      'id: must match pattern',
    ],
  ])('ELIG-1 refuses %s', (_name, id, mutate, expected) => {
    expect(refusal(id, mutate)).toContain(expected);
  });

  it('ELIG-1 names the file and every problem at once', () => {
    const file = raw('LOM-2021-04-02');
    Object.assign(file.offers[1] ?? {}, { ageFrom: 75, vaccinationsStartOn: '2021-04-01' });
    expect(() => parsePlanFile(file, 'plan/versions/LOM-2021-04-02.json')).toThrow(
      /^plan\/versions\/LOM-2021-04-02\.json is not a valid plan version:\n {2}offers "lom-75-79": name exactly one.*\n {2}offers "lom-75-79": vaccinations start before booking opens$/,
    );
  });
});
