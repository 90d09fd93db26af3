import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RecoveryEntry, TestEntry, VaccinationEntry } from './hcert.ts';
import { SHARED_EU_DCC } from './testing.ts';
import {
  cycleKind,
  italianValidityRules,
  parseValidityRulesFile,
  recoveryValidity,
  RULES_FILE,
  rulesInForce,
  testValidity,
  vaccinationValidity,
  ValidityRulesError,
  type ValidityRules,
} from './validity-rules.ts';

const versions = italianValidityRules();
const byId = (id: string): ValidityRules => {
  const found = versions.find((version) => version.id === id);
  if (!found) throw new Error(`no rules version ${id}`);
  return found;
};
const APRIL_2022 = byId('it-verifier-2022-04-14');
const JANUARY_2022 = byId('it-verifier-2022-01-04');

const COMIRNATY = { mp: 'EU/1/20/1528', ma: 'ORG-100030215', vp: '1119349007' };
const VAXZEVRIA = { mp: 'EU/1/21/1529', ma: 'ORG-100001699', vp: 'J07BX03' };
const JANSSEN = { mp: 'EU/1/20/1525', ma: 'ORG-100001417', vp: 'J07BX03' };

function vaccination(fields: Partial<VaccinationEntry>): VaccinationEntry {
  return {
    tg: '840539006',
    ...COMIRNATY,
    dn: 1,
    sd: 2,
    dt: '2022-05-02',
    co: 'IT',
    is: 'Ministero della Salute',
    ci: '01ITTEST#1',
    ...fields,
  };
}

/** Noon in Rome on a calendar day: the rules count Italian days. */
const romeNoon = (day: string): Date => new Date(`${day}T10:00:00Z`);

describe('DCC-3 the Italian validity rules as plan data', () => {
  it('DCC-3 the committed versions are the verification app settings captured in shared/', () => {
    const file = JSON.parse(readFileSync(RULES_FILE, 'utf8')) as {
      versions: { effectiveFrom: string; settings: unknown }[];
    };
    for (const version of file.versions) {
      const captured: unknown = JSON.parse(
        readFileSync(path.join(SHARED_EU_DCC, 'it-rules', `settings-${version.effectiveFrom}.json`), 'utf8'),
      );
      expect(version.settings).toEqual(captured);
    }
    expect(versions.map((version) => version.id)).toEqual([
      'it-verifier-2022-01-04',
      'it-verifier-2022-04-14',
    ]);
  });

  it.each([
    ['2022-01-03T22:59:59Z', undefined],
    ['2022-01-03T23:00:00Z', 'it-verifier-2022-01-04'],
    ['2022-04-13T21:59:59Z', 'it-verifier-2022-01-04'],
    ['2022-04-13T22:00:00Z', 'it-verifier-2022-04-14'],
    ['2026-11-23T12:00:00Z', 'it-verifier-2022-04-14'],
  ])('DCC-3 at %s the rules in force are %s (latest effective on the Rome date)', (at, id) => {
    expect(rulesInForce(versions, new Date(at))?.id).toBe(id);
  });

  it('DCC-3 a rules file with a missing setting, a bad number or versions out of order is refused', () => {
    const file = JSON.parse(readFileSync(RULES_FILE, 'utf8')) as {
      versions: {
        id: string;
        effectiveFrom: string;
        settings: { name: string; type: string; value: string }[];
      }[];
    };
    const [first, second] = file.versions;
    first!.settings = first!.settings.filter((s) => s.name !== 'rapid_test_end_hours');
    second!.settings.find((s) => s.name === 'molecular_test_end_hours')!.value = 'seventy-two';
    second!.effectiveFrom = '2021-12-31';
    let error: unknown;
    try {
      parseValidityRulesFile(file, 'rules.json');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ValidityRulesError);
    expect((error as ValidityRulesError).problems).toEqual([
      'version it-verifier-2022-01-04: rapid_test_end_hours (GENERIC) is missing',
      'version it-verifier-2022-04-14: molecular_test_end_hours (GENERIC) is "seventy-two", not a whole number',
      "version it-verifier-2022-04-14: effectiveFrom must come after it-verifier-2022-01-04's",
    ]);
  });

  it('DCC-3 settings the rules do not apply are listed, not silently dropped', () => {
    expect(APRIL_2022.unused.sort()).toEqual(
      [
        'recovery_pv_cert_end_day',
        'recovery_pv_cert_start_day',
        'recovery_cert_end_day_school',
        'vaccine_complete_under_18_offset',
        'vaccine_end_day_complete_extended_EMA',
        'vaccine_end_day_complete_under_18',
        'vaccine_end_day_school',
      ].sort(),
    );
  });
});

describe('DCC-2 dn/sd as the Italian app reads them', () => {
  it.each([
    [1, 2, COMIRNATY.mp, 'incomplete'],
    [2, 2, COMIRNATY.mp, 'complete'],
    [1, 1, COMIRNATY.mp, 'complete'],
    [1, 1, JANSSEN.mp, 'complete'],
    [2, 2, JANSSEN.mp, 'booster'],
    [2, 1, JANSSEN.mp, 'booster'],
    [3, 2, COMIRNATY.mp, 'booster'],
    [3, 3, COMIRNATY.mp, 'booster'],
    [4, 4, COMIRNATY.mp, 'booster'],
  ])('DCC-2 dose %d/%d of %s reads as a cycle that is %s', (dn, sd, mp, kind) => {
    expect(cycleKind({ dn, sd, mp })).toBe(kind);
  });
});

describe('DCC-3 vaccinations (rules of 14 April 2022)', () => {
  it.each([
    ['2022-05-16', 'not_yet_valid'],
    ['2022-05-17', 'valid'],
    ['2022-06-13', 'valid'],
    ['2022-06-14', 'expired'],
  ])('DCC-3 first dose valid from day 15: Comirnaty 1/2 of 2022-05-02 on %s is %s', (day, status) => {
    const verdict = vaccinationValidity(vaccination({ dn: 1, sd: 2 }), romeNoon(day), APRIL_2022);
    expect(verdict.status).toBe(status);
    expect([verdict.validFrom, verdict.validUntil]).toEqual(['2022-05-17', '2022-06-13']);
  });

  it.each([
    ['2022-07-25', 'valid'],
    ['2022-07-26', 'expired'],
  ])('DCC-3 first dose of Vaxzevria valid until day 84: on %s it is %s', (day, status) => {
    expect(vaccinationValidity(vaccination({ ...VAXZEVRIA }), romeNoon(day), APRIL_2022).status).toBe(status);
  });

  it.each([
    ['IT', '2022-05-02', '2022-10-29'],
    ['DE', '2022-05-02', '2023-01-27'],
  ])('DCC-3 complete cycle given in %s valid from the day of the dose, %s to %s', (co, from, until) => {
    const verdict = vaccinationValidity(
      vaccination({ dn: 2, sd: 2, co }),
      romeNoon('2022-05-02'),
      APRIL_2022,
    );
    expect(verdict).toMatchObject({ status: 'valid', cycle: 'complete', validFrom: from, validUntil: until });
  });

  it.each([
    ['2022-05-16', 'not_yet_valid'],
    ['2022-05-17', 'valid'],
  ])('DCC-3 Janssen single dose valid from day 15: on %s it is %s', (day, status) => {
    const verdict = vaccinationValidity(vaccination({ ...JANSSEN, dn: 1, sd: 1 }), romeNoon(day), APRIL_2022);
    expect(verdict.status).toBe(status);
    expect(verdict.validUntil).toBe('2022-10-29');
  });

  it.each([
    ['3/3', { dn: 3, sd: 3 }],
    ['2/2 after Janssen', { ...JANSSEN, dn: 2, sd: 2 }],
  ])('DCC-3 booster %s valid 540 days from the day of the dose', (_what, fields) => {
    const verdict = vaccinationValidity(vaccination(fields), romeNoon('2023-10-24'), APRIL_2022);
    expect(verdict).toMatchObject({
      status: 'valid',
      cycle: 'booster',
      validFrom: '2022-05-02',
      validUntil: '2023-10-24',
    });
    expect(vaccinationValidity(vaccination(fields), romeNoon('2023-10-25'), APRIL_2022).status).toBe(
      'expired',
    );
  });

  it('DCC-3 days are Italian calendar days: 00:30 in Rome is already the next day', () => {
    const at = new Date('2022-05-16T22:30:00Z');
    expect(vaccinationValidity(vaccination({ dn: 1, sd: 2 }), at, APRIL_2022).status).toBe('valid');
  });

  it.each([
    [
      'Sinopharm (not listed)',
      { mp: 'BBIBP-CorV', ma: 'ORG-100020693', co: 'CN' },
      'IT_PRODUCT_NOT_ACCEPTED',
    ],
    [
      'Sputnik V given in Russia',
      { mp: 'Sputnik-V', ma: 'ORG-100031184', co: 'RU' },
      'IT_PRODUCT_NOT_ACCEPTED',
    ],
  ])('DCC-3 %s is invalid in Italy', (_what, fields, code) => {
    const verdict = vaccinationValidity(
      vaccination({ dn: 2, sd: 2, ...fields }),
      romeNoon('2022-05-03'),
      APRIL_2022,
    );
    expect(verdict.status).toBe('invalid');
    expect(verdict.reasons[0]?.code).toBe(code);
  });

  it.each([
    ['Sputnik V given in San Marino', { mp: 'Sputnik-V', co: 'SM' }],
    ['Covishield (recognised as equivalent)', { mp: 'Covishield', co: 'IN' }],
  ])('DCC-3 %s is valid as a complete cycle', (_what, fields) => {
    const verdict = vaccinationValidity(
      vaccination({ dn: 2, sd: 2, ...fields }),
      romeNoon('2022-05-03'),
      APRIL_2022,
    );
    expect(verdict).toMatchObject({ status: 'valid', validUntil: '2023-01-27' });
  });
});

describe('DCC-3 a version that narrows the EMA list', () => {
  it('DCC-3 a listed product left out of EMA_vaccines is not valid for the basic pass', () => {
    const file = JSON.parse(readFileSync(RULES_FILE, 'utf8')) as {
      versions: { settings: { name: string; value: string }[] }[];
    };
    const ema = file.versions[1]!.settings.find((setting) => setting.name === 'EMA_vaccines')!;
    ema.value = ema.value.replace('Covishield;', '');
    const narrowed = parseValidityRulesFile(file, 'rules.json')[1]!;
    const verdict = vaccinationValidity(
      vaccination({ mp: 'Covishield', dn: 2, sd: 2, co: 'IN' }),
      romeNoon('2022-05-03'),
      narrowed,
    );
    expect(verdict.status).toBe('invalid');
    expect(verdict.reasons[0]?.code).toBe('IT_PRODUCT_NOT_EMA');
  });
});

describe('DCC-3 vaccinations (rules of 4 January 2022)', () => {
  it.each([
    ['2/2', { dn: 2, sd: 2 }],
    ['3/3 (no separate booster window yet)', { dn: 3, sd: 3 }],
  ])('DCC-3 complete cycle %s valid 270 days', (_what, fields) => {
    const verdict = vaccinationValidity(
      vaccination({ ...fields, dt: '2021-12-01' }),
      romeNoon('2022-02-01'),
      JANUARY_2022,
    );
    expect(verdict).toMatchObject({ status: 'valid', validFrom: '2021-12-01', validUntil: '2022-08-28' });
  });

  it('DCC-3 first dose valid from day 15 also in January 2022', () => {
    const verdict = vaccinationValidity(
      vaccination({ dt: '2022-01-10' }),
      romeNoon('2022-01-24'),
      JANUARY_2022,
    );
    expect(verdict).toMatchObject({ status: 'not_yet_valid', validFrom: '2022-01-25' });
  });
});

describe('DCC-3 tests and recoveries', () => {
  const test = (fields: Partial<TestEntry>): TestEntry => ({
    tg: '840539006',
    tt: 'LP217198-3',
    sc: '2022-05-02T08:00:00Z',
    tr: '260415000',
    co: 'IT',
    is: 'Ministero della Salute',
    ci: '01ITTEST#2',
    ...fields,
  });
  it.each([
    ['rapid antigen', 'LP217198-3', '2022-05-04T07:59:00Z', 'valid'],
    ['rapid antigen', 'LP217198-3', '2022-05-04T08:01:00Z', 'expired'],
    ['molecular', 'LP6464-4', '2022-05-05T07:59:00Z', 'valid'],
    ['molecular', 'LP6464-4', '2022-05-05T08:01:00Z', 'expired'],
    ['rapid antigen', 'LP217198-3', '2022-05-02T07:59:00Z', 'not_yet_valid'],
  ])('DCC-3 a negative %s test (%s) taken 2022-05-02 08:00Z is, at %s, %s', (_what, tt, at, status) => {
    expect(testValidity(test({ tt }), new Date(at), APRIL_2022).status).toBe(status);
  });

  it('DCC-3 a positive test is invalid', () => {
    const verdict = testValidity(test({ tr: '260373001' }), new Date('2022-05-02T09:00:00Z'), APRIL_2022);
    expect(verdict.reasons[0]?.code).toBe('IT_TEST_POSITIVE');
  });

  const recovery = (fields: Partial<RecoveryEntry>): RecoveryEntry => ({
    tg: '840539006',
    fr: '2022-01-10',
    df: '2022-01-21',
    du: '2022-07-09',
    co: 'IT',
    is: 'Ministero della Salute',
    ci: '01ITTEST#3',
    ...fields,
  });
  it.each([
    ['2022-01-20', {}, 'not_yet_valid'],
    ['2022-01-21', {}, 'valid'],
    ['2022-07-09', {}, 'valid'],
    ['2022-07-10', {}, 'expired'],
    ['2022-07-01', { du: '2022-06-30' }, 'expired'],
    ['2022-07-10', { du: '2022-12-31' }, 'expired'],
  ])(
    'DCC-3 recovery from df until du or 180 days after the first positive: on %s (%j) it is %s',
    (day, fields, status) => {
      expect(recoveryValidity(recovery(fields), romeNoon(day), APRIL_2022).status).toBe(status);
    },
  );
});
