import { describe, expect, it } from 'vitest';
import {
  allowedSigners,
  categoryRefusal,
  contactsTickRefusal,
  cycleState,
  doseFindings,
  infectionEntryRefusal,
  isCertificateMobile,
  kindOfDoseNumber,
  needsJudgeValidation,
  proposeDose,
  infectionStanding,
  nextDoseDue,
  type ConsentSituation,
  type DoseKind,
  type Infection,
  type PastDose,
  type PersonAtDose,
  type ProductFacts,
  type RiskCategory,
  type SignerCapacity,
} from './rules.ts';
import { parseRegistryPolicies, policyInForce, shippedRegistryPolicies } from './policy-file.ts';

/** The shipped plan data: the tables below check the rules as the registry applies them. */
const POLICY = policyInForce(shippedRegistryPolicies(), '2021-12-01');

describe('VAX-13 the registry thresholds are plan data with effective dates', () => {
  const version = (id: string, effectiveFrom: string, changes: object = {}) => ({
    id,
    effectiveFrom,
    policy: { ...POLICY, ...changes },
  });
  const versions = parseRegistryPolicies(
    { versions: [version('B', '2022-01-10', { over60FromAge: 50 }), version('A', '2021-01-01')] },
    'test.json',
  );

  it.each([
    ['2020-06-01', 61],
    ['2021-01-01', 61],
    ['2022-01-09', 61],
    ['2022-01-10', 50],
    ['2023-01-01', 50],
  ])('VAX-13 on %s the version in force says over 60 from age %i', (date, age) => {
    expect(policyInForce(versions, date).over60FromAge).toBe(age);
  });

  it.each([
    [
      'an unknown category',
      { versions: [version('A', '2021-01-01', { additionalDoseCategory: 'Nessuna' })] },
    ],
    ['two versions on one day', { versions: [version('A', '2021-01-01'), version('B', '2021-01-01')] }],
    [
      'a booster window ending before it starts',
      { versions: [version('A', '2021-01-01', { nonEmaBoosterDays: { from: 181, to: 28 } })] },
    ],
    ['no version', { versions: [] }],
  ])('VAX-13 a policies file with %s is refused', (_what, file) => {
    expect(() => parseRegistryPolicies(file, 'test.json')).toThrow(/test\.json/);
  });
});

const product = (
  code: string,
  doses: number,
  minDays: number | null,
  ema = true,
  platform = 'mRNA',
): ProductFacts => ({
  code,
  primaryCycleDoses: doses,
  emaAuthorised: ema,
  platform,
  minDaysToSecondDose: minDays,
});
const COMIRNATY = product('COMIRNATY-30', 2, 21);
const SPIKEVAX = product('SPIKEVAX', 2, 28);
const VAXZEVRIA = product('VAXZEVRIA', 2, 28, true, 'viral-vector');
const JANSSEN = product('JANSSEN', 1, null, true, 'viral-vector');
const PEDIATRIC = product('COMIRNATY-10-PED', 2, 21);
const SPUTNIK = product('SPUTNIK-V', 2, 21, false, 'viral-vector');

const dose = (date: string, p: ProductFacts, doseNumber: number, kind: DoseKind = 'primary'): PastDose => ({
  date,
  product: p,
  doseNumber,
  kind,
});
const addDays = (date: string, days: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

const ADULT: PersonAtDose = {
  birthDate: '1970-05-10',
  riskCategory: 'Altro',
  healthCondition: 'Nessuna condizione sanitaria a rischio',
};
const codes = (findings: { code: string }[]) => findings.map((f) => f.code);

describe('VAX-6 automatic dose numbers', () => {
  const twoComirnaty = [dose('2021-04-01', COMIRNATY, 1), dose('2021-04-22', COMIRNATY, 2)];
  it.each<[string, PastDose[], string, ReturnType<typeof proposeDose>]>([
    ['no history: dose 1 of a primary cycle', [], '2021-05-01', { doseNumber: 1, kind: 'primary' }],
    [
      'after dose 1 of two: dose 2',
      twoComirnaty.slice(0, 1),
      '2021-04-22',
      { doseNumber: 2, kind: 'primary' },
    ],
    [
      'after a complete cycle of two: dose 3, a booster',
      twoComirnaty,
      '2021-11-01',
      { doseNumber: 3, kind: 'booster' },
    ],
    [
      'after a booster: dose 4',
      [...twoComirnaty, dose('2021-11-01', COMIRNATY, 3, 'booster')],
      '2022-04-01',
      { doseNumber: 4, kind: 'booster' },
    ],
    [
      'after a single Janssen: dose 2, a booster',
      [dose('2021-05-01', JANSSEN, 1)],
      '2021-11-01',
      { doseNumber: 2, kind: 'booster' },
    ],
    [
      'the history out of order counts the same',
      [twoComirnaty[1] as PastDose, twoComirnaty[0] as PastDose],
      '2021-11-01',
      { doseNumber: 3, kind: 'booster' },
    ],
  ])('VAX-6 %s', (_case, history, on, expected) => {
    expect(proposeDose(history, [], on, POLICY)).toEqual(expected);
  });
});

describe('VAX-18 a prior infection completes the cycle with one dose', () => {
  it('VAX-18 infected before dose 1: one Comirnaty dose completes the cycle, the next is a booster (2)', () => {
    const infection: Infection = { positiveOn: '2021-01-10', molecular: true, recoveredOn: '2021-01-25' };
    const history = [dose('2021-05-01', COMIRNATY, 1)];
    expect(cycleState(history, [infection], POLICY)).toMatchObject({
      dosesNeeded: 1,
      completedOn: '2021-05-01',
    });
    expect(proposeDose(history, [infection], '2021-11-01', POLICY)).toEqual({
      doseNumber: 2,
      kind: 'booster',
    });
  });
});

describe('VAX-17 infection after dose 1 of a two-dose schedule', () => {
  const first = dose('2021-05-01', COMIRNATY, 1);
  it.each<[number, string, boolean]>([
    [13, 'within 14 days: the cycle stays open for a second dose', false],
    [14, 'on day 14: still within, the cycle stays open', false],
    [15, 'beyond 14 days: the cycle is complete with the recovery', true],
  ])('VAX-17 positive on day %i after dose 1 — %s', (days, _case, complete) => {
    const infection: Infection = {
      positiveOn: addDays(first.date, days),
      molecular: true,
      recoveredOn: addDays(first.date, days + 12),
    };
    const state = cycleState([first], [infection], POLICY);
    expect(state.completedOn).toBe(complete ? infection.recoveredOn : null);
    expect(proposeDose([first], [infection], addDays(first.date, 60), POLICY)).toEqual(
      complete ? { doseNumber: 2, kind: 'booster' } : { doseNumber: 2, kind: 'primary' },
    );
  });

  it('VAX-17 a positive antigen (not molecular) test does not change the cycle', () => {
    const infection: Infection = { positiveOn: '2021-05-30', molecular: false, recoveredOn: '2021-06-10' };
    expect(cycleState([first], [infection], POLICY).completedOn).toBeNull();
  });

  it.each<[number, string[]]>([
    [180, []],
    [181, ['SECOND_DOSE_AFTER_INFECTION_WINDOW']],
  ])(
    'VAX-17 the second dose %i days after the positive test (within 14 days of dose 1): %j',
    (days, expected) => {
      const infection: Infection = { positiveOn: '2021-05-10', molecular: true, recoveredOn: '2021-05-24' };
      const request = {
        date: addDays(infection.positiveOn, days),
        kind: 'primary' as const,
        product: COMIRNATY,
        volumeMl: 0.3,
      };
      expect(codes(doseFindings(request, ADULT, [first], [infection], POLICY))).toEqual(expected);
    },
  );
});

describe('VAX-9 additional dose', () => {
  const cycle = [dose('2021-04-01', COMIRNATY, 1), dose('2021-04-22', COMIRNATY, 2)];
  const request = { date: '2021-09-20', kind: 'additional' as const, product: COMIRNATY, volumeMl: 0.3 };
  it.each<[RiskCategory, string, string[]]>([
    ['Soggetto vulnerabile per patologia', 'Immunodeficienza primitiva', []],
    [
      'Soggetto vulnerabile per patologia',
      'Nessuna condizione sanitaria a rischio',
      ['ADDITIONAL_DOSE_NOT_ADMISSIBLE'],
    ],
    ['Età > 60 anni', 'Immunodeficienza primitiva', ['ADDITIONAL_DOSE_NOT_ADMISSIBLE']],
    ['Operatore sanitario', 'Nessuna condizione sanitaria a rischio', ['ADDITIONAL_DOSE_NOT_ADMISSIBLE']],
    ['Altro', 'Trapianto di organo solido', ['ADDITIONAL_DOSE_NOT_ADMISSIBLE']],
  ])('VAX-9 category %s with condition %s: %j', (riskCategory, healthCondition, expected) => {
    expect(
      codes(doseFindings(request, { ...ADULT, riskCategory, healthCondition }, cycle, [], POLICY)),
    ).toEqual(expected);
  });

  it('VAX-9 an additional dose before the primary cycle is complete is refused', () => {
    const person = {
      ...ADULT,
      riskCategory: 'Soggetto vulnerabile per patologia' as const,
      healthCondition: 'Immunodeficienza primitiva',
    };
    expect(codes(doseFindings(request, person, cycle.slice(0, 1), [], POLICY))).toEqual([
      'ADDITIONAL_DOSE_BEFORE_PRIMARY_CYCLE',
    ]);
  });
});

describe('VAX-10 booster', () => {
  const cycle = [dose('2021-04-01', COMIRNATY, 1), dose('2021-04-22', COMIRNATY, 2)];
  const booster = (date: string) => ({ date, kind: 'booster' as const, product: COMIRNATY, volumeMl: 0.3 });
  it.each<[RiskCategory, string, string[]]>([
    ['Operatore sanitario', '1980-01-01', []],
    ['Ospite in struttura sanitaria e socio-sanitaria residenziale e semi-residenziale', '1980-01-01', []],
    [
      'Operatore non sanitario in struttura sanitaria e socio-sanitaria residenziale e semi-residenziale',
      '1980-01-01',
      [],
    ],
    ['Età > 60 anni', '1960-11-01', []],
    ['Età > 60 anni', '1960-11-02', ['BOOSTER_NOT_ADMISSIBLE']],
    ['Altro', '1970-01-01', ['BOOSTER_NOT_ADMISSIBLE']],
    ['Soggetto vulnerabile per patologia', '1970-01-01', ['BOOSTER_NOT_ADMISSIBLE']],
  ])('VAX-10 booster on 2021-11-01 for "%s" born %s: %j', (riskCategory, birthDate, expected) => {
    // Born 1960-11-01: 61 on 2021-11-01; born a day later: still 60.
    expect(
      codes(doseFindings(booster('2021-11-01'), { ...ADULT, riskCategory, birthDate }, cycle, [], POLICY)),
    ).toEqual(expected);
  });

  it('VAX-10 booster refused for "Altro" under 60', () => {
    expect(codes(doseFindings(booster('2021-11-01'), ADULT, cycle, [], POLICY))).toEqual([
      'BOOSTER_NOT_ADMISSIBLE',
    ]);
  });

  it.each<[number, string[]]>([
    [179, ['BOOSTER_NOT_ADMISSIBLE']],
    [180, []],
    [181, []],
  ])(
    'VAX-10 a single Janssen dose %i days ago allows a booster to "Altro" under 60: %j',
    (days, expected) => {
      const janssen = [dose('2021-05-01', JANSSEN, 1)];
      expect(codes(doseFindings(booster(addDays('2021-05-01', days)), ADULT, janssen, [], POLICY))).toEqual(
        expected,
      );
    },
  );

  it('VAX-10 a booster before the primary cycle is complete is refused', () => {
    expect(
      codes(
        doseFindings(
          booster('2021-04-20'),
          { ...ADULT, riskCategory: 'Operatore sanitario' },
          cycle.slice(0, 1),
          [],
          POLICY,
        ),
      ),
    ).toEqual(['BOOSTER_BEFORE_PRIMARY_CYCLE']);
  });
});

describe('VAX-11 vaccinated abroad with a product not authorised by EMA', () => {
  const sputnik = [dose('2021-03-01', SPUTNIK, 1), dose('2021-03-22', SPUTNIK, 2)];
  const completed = '2021-03-22';
  it.each<[number, ReturnType<typeof proposeDose>]>([
    [27, { refusal: 'NON_EMA_BOOSTER_TOO_EARLY', allowedFrom: addDays(completed, 28) }],
    [28, { doseNumber: 3, kind: 'booster' }],
    [180, { doseNumber: 3, kind: 'booster' }],
    [181, { doseNumber: 1, kind: 'primary' }],
  ])('VAX-11 day %i after the Sputnik cycle: %j', (days, expected) => {
    expect(proposeDose(sputnik, [], addDays(completed, days), POLICY)).toEqual(expected);
  });

  it.each<[number, ProductFacts, number, string[]]>([
    [28, COMIRNATY, 0.3, []],
    [100, SPIKEVAX, 0.25, []],
    [100, SPIKEVAX, 0.5, ['NON_EMA_BOOSTER_PRODUCT']],
    [100, VAXZEVRIA, 0.5, ['NON_EMA_BOOSTER_PRODUCT']],
    [27, COMIRNATY, 0.3, ['NON_EMA_BOOSTER_TOO_EARLY']],
    [181, COMIRNATY, 0.3, ['NON_EMA_NEW_PRIMARY_CYCLE']],
  ])('VAX-11 a booster on day %i of %s %f ml: %j', (days, p, volumeMl, expected) => {
    const request = { date: addDays(completed, days), kind: 'booster' as const, product: p, volumeMl };
    expect(
      codes(doseFindings(request, { ...ADULT, riskCategory: 'Operatore sanitario' }, sputnik, [], POLICY)),
    ).toEqual(expected);
  });

  it('VAX-11 after day 180 an mRNA dose is dose 1 of a new cycle, and the cycle after it counts from 1', () => {
    const newCycle = [...sputnik, dose('2021-10-01', COMIRNATY, 1)];
    expect(cycleState(newCycle, [], POLICY)).toMatchObject({ product: COMIRNATY, completedOn: null });
    expect(proposeDose(newCycle, [], '2021-10-22', POLICY)).toEqual({ doseNumber: 2, kind: 'primary' });
  });
});

describe('VAX-12 children 5-11', () => {
  const primary = (date: string, p: ProductFacts, volumeMl: number) => ({
    date,
    kind: 'primary' as const,
    product: p,
    volumeMl,
  });
  it.each<[string, string, ProductFacts, number, string[]]>([
    ['11 on the day', '2010-06-01', PEDIATRIC, 0.2, []],
    ['11 on the day, adult Comirnaty', '2010-06-01', COMIRNATY, 0.3, ['PEDIATRIC_NON_CONFORMING']],
    [
      '11 on the day, pediatric product at 0.3 ml',
      '2010-06-01',
      PEDIATRIC,
      0.3,
      ['PEDIATRIC_NON_CONFORMING'],
    ],
    ['12 on the day: the adult dose', '2009-06-01', COMIRNATY, 0.3, []],
    ['5 on the day', '2016-05-31', PEDIATRIC, 0.2, []],
    ['4 on the day: not in the pediatric band', '2017-06-01', COMIRNATY, 0.3, []],
  ])('VAX-12 dose 1 on 2022-01-10, %s', (_case, birthDate, p, volumeMl, expected) => {
    expect(
      codes(doseFindings(primary('2022-01-10', p, volumeMl), { ...ADULT, birthDate }, [], [], POLICY)),
    ).toEqual(expected);
  });

  it('VAX-12 a child who turned 12 after dose 1 still gets the pediatric dose 2', () => {
    const child = { ...ADULT, birthDate: '2010-01-20' };
    const first = [dose('2022-01-10', PEDIATRIC, 1)];
    expect(codes(doseFindings(primary('2022-01-31', PEDIATRIC, 0.2), child, first, [], POLICY))).toEqual([]);
    expect(codes(doseFindings(primary('2022-01-31', COMIRNATY, 0.3), child, first, [], POLICY))).toEqual([
      'PEDIATRIC_NON_CONFORMING',
      'HETEROLOGOUS_DOSE',
    ]);
  });

  it.each<[number, string[]]>([
    [20, ['DOSE_TOO_EARLY']],
    [21, []],
  ])('VAX-12 VAX-13 the pediatric dose 2 on day %i: %j', (days, expected) => {
    const child = { ...ADULT, birthDate: '2014-03-03' };
    const first = [dose('2022-01-10', PEDIATRIC, 1)];
    expect(
      codes(doseFindings(primary(addDays('2022-01-10', days), PEDIATRIC, 0.2), child, first, [], POLICY)),
    ).toEqual(expected);
  });
});

describe('VAX-13 intervals and the same product', () => {
  const first = [dose('2021-04-01', SPIKEVAX, 1)];
  it.each<[number, ProductFacts, string[]]>([
    [27, SPIKEVAX, ['DOSE_TOO_EARLY']],
    [28, SPIKEVAX, []],
    [28, COMIRNATY, ['HETEROLOGOUS_DOSE']],
  ])('VAX-13 dose 2 on day %i with %o: %j', (days, p, expected) => {
    const request = {
      date: addDays('2021-04-01', days),
      kind: 'primary' as const,
      product: p,
      volumeMl: 0.5,
    };
    expect(codes(doseFindings(request, ADULT, first, [], POLICY))).toEqual(expected);
  });

  it('VAX-13 a plan that allows heterologous cycles lets the second product differ', () => {
    const request = { date: '2021-04-29', kind: 'primary' as const, product: COMIRNATY, volumeMl: 0.3 };
    expect(doseFindings(request, ADULT, first, [], { ...POLICY, heterologousAllowed: true })).toEqual([]);
  });

  it('VAX-12 VAX-13 findings flag a non-conforming dose for an override; refusals cannot be overridden', () => {
    const request = { date: '2021-04-10', kind: 'primary' as const, product: SPIKEVAX, volumeMl: 0.5 };
    expect(doseFindings(request, ADULT, first, [], POLICY)).toEqual([
      {
        rule: 'VAX-13',
        code: 'DOSE_TOO_EARLY',
        severity: 'non_conforming',
        params: { days: 9, minDays: 28 },
      },
    ]);
    const booster = { date: '2021-04-10', kind: 'booster' as const, product: SPIKEVAX, volumeMl: 0.25 };
    expect(doseFindings(booster, ADULT, first, [], POLICY).every((f) => f.severity === 'refusal')).toBe(true);
  });
});

describe('VAX-16 infection entry', () => {
  it.each<[string, string, string | null, ReturnType<typeof infectionEntryRefusal>]>([
    ['2021-03-01', '2021-03-02', '2021-03-20', null],
    ['2021-03-01', '2021-03-01', null, null],
    ['2021-03-02', '2021-03-01', null, 'INFECTION_RESULT_BEFORE_SAMPLE'],
    ['2021-03-01', '2021-03-02', '2021-03-02', 'INFECTION_RECOVERY_NOT_AFTER_RESULT'],
    ['2021-03-01', '2021-03-05', '2021-03-03', 'INFECTION_RECOVERY_NOT_AFTER_RESULT'],
  ])('VAX-16 sample %s, result %s, recovery %s: %s', (sampledOn, resultOn, recoveredOn, expected) => {
    expect(infectionEntryRefusal({ sampledOn, resultOn, recoveredOn })).toBe(expected);
  });
});

describe('VAX-21 VAX-22 certificate contacts', () => {
  it.each<[string, boolean]>([
    ['3331234567', true],
    ['+393331234567', true],
    ['333 1234567', false],
    ['333-1234567', false],
    ['39+3331234567', false],
    ['', false],
  ])('VAX-21 mobile %j: %s', (mobile, valid) => {
    expect(isCertificateMobile(mobile)).toBe(valid);
  });

  it.each<[boolean, boolean, ReturnType<typeof contactsTickRefusal>]>([
    [true, false, 'CERTIFICATE_CONTACTS_NOT_CONFIRMED'],
    [true, true, null],
    [false, false, null],
  ])('VAX-22 COVID %s, box ticked %s: %s', (covid, ticked, expected) => {
    expect(contactsTickRefusal(covid, ticked)).toBe(expected);
  });
});

describe('VAX-7 forced dose numbers', () => {
  it.each<[number, number, DoseKind, DoseKind]>([
    [1, 2, 'primary', 'primary'],
    [2, 2, 'booster', 'primary'],
    [3, 2, 'primary', 'booster'],
    [2, 1, 'primary', 'booster'],
    [3, 2, 'additional', 'additional'],
  ])('VAX-7 dose %i in a cycle of %i (recorded as %s) is %s', (doseNumber, dosesNeeded, current, kind) => {
    expect(kindOfDoseNumber(doseNumber, dosesNeeded, current)).toBe(kind);
  });

  it.each<[DoseKind, RiskCategory, string, string | null]>([
    ['booster', 'Altro', 'Nessuna condizione sanitaria a rischio', 'BOOSTER_NOT_ADMISSIBLE'],
    ['booster', 'Operatore sanitario', 'Nessuna condizione sanitaria a rischio', null],
    ['additional', 'Soggetto vulnerabile per patologia', 'Immunodeficienza primitiva', null],
    [
      'additional',
      'Soggetto vulnerabile per patologia',
      'Nessuna condizione sanitaria a rischio',
      'ADDITIONAL_DOSE_NOT_ADMISSIBLE',
    ],
    ['primary', 'Altro', 'Nessuna condizione sanitaria a rischio', null],
  ])('VAX-7 VAX-9 VAX-10 a forced %s for "%s" (%s): %s', (kind, riskCategory, healthCondition, code) => {
    const refusal = categoryRefusal(kind, { ...ADULT, riskCategory, healthCondition }, '2021-11-01', POLICY);
    expect(refusal?.code ?? null).toBe(code);
  });
});

describe('CONS-2 CONS-3 who signs the consent', () => {
  const adult = { age: 40, protection: 'none', naturalIncapacity: false, inFacility: false } as const;
  it.each<[string, Partial<ConsentSituation>, readonly SignerCapacity[]]>([
    ['an adult without protection measures', {}, ['self']],
    ['a 17-year-old', { age: 17 }, ['parental_responsibility', 'guardian']],
    ['an 18-year-old', { age: 18 }, ['self']],
    ['a person under guardianship', { protection: 'guardianship' }, ['guardian']],
    ['a person with a support administrator', { protection: 'support' }, ['support_administrator']],
    ['assistance only', { protection: 'support_assistance' }, ['support_administrator_with_person']],
    ['natural incapacity at home', { naturalIncapacity: true }, ['health_director']],
    [
      'natural incapacity in a facility',
      { naturalIncapacity: true, inFacility: true },
      ['guardian', 'support_administrator', 'trustee', 'facility_medical_director', 'health_director'],
    ],
  ])('CONS-2 CONS-3 %s', (_case, situation, signers) => {
    expect(allowedSigners({ ...adult, ...situation })).toEqual(signers);
  });

  it.each<[SignerCapacity, boolean, boolean]>([
    ['health_director', false, true],
    ['health_director', true, false],
    ['facility_medical_director', false, true],
    ['guardian', false, false],
  ])('CONS-3 %s, those heard reachable %s: judge validation %s', (capacity, reachable, needed) => {
    expect(needsJudgeValidation(capacity, reachable)).toBe(needed);
  });
});

describe('VAX-17 VAX-18 infections beside the doses, and the next dose due', () => {
  const first = dose('2021-05-01', COMIRNATY, 1);
  const second = dose('2021-05-22', COMIRNATY, 2);
  const positive = (on: string, molecular = true): Infection => ({
    positiveOn: on,
    molecular,
    recoveredOn: addDays(on, 12),
  });

  it.each<[string, Infection, PastDose[], string]>([
    ['before dose 1', positive('2021-03-01'), [first], 'prior'],
    ['with no dose yet', positive('2021-03-01'), [], 'prior'],
    ['5 days after dose 1 (molecular)', positive('2021-05-06'), [first], 'after_first_dose'],
    ['20 days after dose 1 (molecular)', positive('2021-05-21'), [first], 'after_first_dose'],
    ['5 days after dose 1 (antigen)', positive('2021-05-06', false), [first], 'kept_aside'],
    ['after the cycle was complete', positive('2021-08-01'), [first, second], 'kept_aside'],
  ])('VAX-17 VAX-18 an infection %s is %s', (_case, infection, history, standing) => {
    expect(infectionStanding(infection, history, [infection], POLICY)).toBe(standing);
  });

  it('VAX-18 an infection after the cycle is kept aside: it changes neither the numbers nor the cycle', () => {
    const later = positive('2021-08-01');
    expect(proposeDose([first, second], [later], '2021-12-01', POLICY)).toEqual(
      proposeDose([first, second], [], '2021-12-01', POLICY),
    );
  });

  it.each<[string, PastDose[], Infection[], ReturnType<typeof nextDoseDue>]>([
    ['no dose, no infection', [], [], { status: 'first_dose', completesWithOneDose: false }],
    [
      'no dose, a prior infection',
      [],
      [positive('2021-03-01')],
      { status: 'first_dose', completesWithOneDose: true },
    ],
    [
      'dose 1 given',
      [first],
      [],
      {
        status: 'next_primary_dose',
        doseNumber: 2,
        from: addDays(first.date, COMIRNATY.minDaysToSecondDose ?? 0),
        until: null,
      },
    ],
    [
      'an infection 10 days after dose 1',
      [first],
      [positive('2021-05-11')],
      {
        status: 'next_primary_dose',
        doseNumber: 2,
        from: addDays(first.date, COMIRNATY.minDaysToSecondDose ?? 0),
        until: addDays('2021-05-11', 180),
      },
    ],
    [
      'an infection 20 days after dose 1',
      [first],
      [positive('2021-05-21')],
      { status: 'cycle_complete', completedOn: addDays('2021-05-21', 12) },
    ],
    ['both doses given', [first, second], [], { status: 'cycle_complete', completedOn: second.date }],
    [
      'one dose after a prior infection',
      [first],
      [positive('2021-03-01')],
      { status: 'cycle_complete', completedOn: first.date },
    ],
  ])('VAX-17 VAX-18 next dose due with %s', (_case, history, infections, expected) => {
    expect(nextDoseDue(history, infections, POLICY)).toEqual(expected);
  });
});
