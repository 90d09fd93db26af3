import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  checkHcert,
  dccValueSets,
  HcertError,
  icaoTransliteration,
  issuableProblems,
  SCHEMA_FILE,
  type Hcert,
  type VaccinationEntry,
} from './hcert.ts';
import { samplePayload, SHARED_EU_DCC } from './testing.ts';

const payload = (): Hcert => structuredClone(samplePayload());

describe('DCC-1 the HCERT payload', () => {
  it('DCC-1 the schema the module validates with is the official one (1.3.3, combined)', () => {
    const ours: unknown = JSON.parse(readFileSync(SCHEMA_FILE, 'utf8'));
    const official: unknown = JSON.parse(
      readFileSync(path.join(SHARED_EU_DCC, 'schema', 'DCC.combined-schema.json'), 'utf8'),
    );
    expect(ours).toEqual(official);
  });

  it('DCC-1 a vaccination payload carries tg, vp, mp, ma, dn, sd, dt, co, is, ci and passes schema and value sets', () => {
    const hcert = samplePayload();
    expect(Object.keys(hcert.v?.[0] ?? {}).sort()).toEqual([
      'ci',
      'co',
      'dn',
      'dt',
      'is',
      'ma',
      'mp',
      'sd',
      'tg',
      'vp',
    ]);
    expect(hcert.v?.[0]?.tg).toBe('840539006');
    expect(issuableProblems(hcert)).toEqual([]);
    expect(Object.isFrozen(hcert.v?.[0])).toBe(true);
  });

  it('DCC-1 every value set the schema names is one of the EU files in reference/', () => {
    expect([...dccValueSets().values()].map((set) => set.id).sort()).toEqual([
      'country-2-codes',
      'covid-19-lab-result',
      'covid-19-lab-test-manufacturer-and-name',
      'covid-19-lab-test-type',
      'disease-agent-targeted',
      'sct-vaccines-covid-19',
      'vaccines-covid-19-auth-holders',
      'vaccines-covid-19-names',
    ]);
  });

  it.each([
    ['mp', 'Sputnik-X', 'vaccines-covid-19-names'],
    ['ma', 'ORG-99999999', 'vaccines-covid-19-auth-holders'],
    ['vp', '12345', 'sct-vaccines-covid-19'],
    ['co', 'XY', 'country-2-codes'],
    ['tg', '94558-4', 'disease-agent-targeted'],
  ] as const)('DCC-1 a code outside the EU value sets (%s = %s) is never issued', (field, code, valueSet) => {
    const hcert = payload();
    Object.assign(hcert.v![0]!, { [field]: code });
    const check = checkHcert(hcert);
    // The schema alone lets it through: it names the value set but does not assert it.
    expect(check.valid).toBe(true);
    expect(issuableProblems(hcert)).toEqual([
      `/v/0/${field}: "${code}" is not in the EU value set ${valueSet}`,
    ]);
  });

  it.each([
    ['dose number 0', (h: Hcert) => Object.assign(h.v![0]!, { dn: 0 }), '/v/0/dn: must be >= 1'],
    [
      'a vaccination date that is no date',
      (h: Hcert) => Object.assign(h.v![0]!, { dt: '2022-02-30' }),
      '/v/0/dt: must match format "date"',
    ],
    [
      'no certificate identifier',
      (h: Hcert) => delete (h.v![0] as Partial<VaccinationEntry>).ci,
      "/v/0: must have required property 'ci'",
    ],
    ['two vaccinations', (h: Hcert) => h.v!.push(h.v![0]!), '/v: must NOT have more than 1 items'],
    [
      'a standardised name in lower case',
      (h: Hcert) => Object.assign(h.nam, { fnt: 'Rossi' }),
      '/nam/fnt: must match pattern "^[A-Z<]*$"',
    ],
    [
      'a date of birth before 1900',
      (h: Hcert) => Object.assign(h, { dob: '1899-12-31' }),
      '/dob: must match pattern',
    ],
  ])('DCC-1 the schema refuses %s', (_what, spoil, problem) => {
    const hcert = payload();
    spoil(hcert);
    const check = checkHcert(hcert);
    expect(check.valid).toBe(false);
    expect(check.valid ? [] : check.problems.join('\n')).toContain(problem);
  });

  it('DCC-1 a payload with a test besides the vaccination is refused (one group per certificate)', () => {
    const hcert = payload();
    const check = checkHcert({
      ...hcert,
      t: [
        {
          tg: '840539006',
          tt: 'LP6464-4',
          sc: '2021-05-10T10:00:00Z',
          tr: '260415000',
          co: 'IT',
          is: 'IT',
          ci: 'x',
        },
      ],
    });
    expect(check.valid ? [] : check.problems).toContain(
      '(payload): a certificate holds exactly one of v, t, r; found v, t',
    );
  });

  it('DCC-1 building a payload with an unknown product throws and names the field', () => {
    expect(() => samplePayload({ mp: 'EU/9/99/9999' })).toThrow(HcertError);
    expect(() => samplePayload({ mp: 'EU/9/99/9999' })).toThrow(
      '/v/0/mp: "EU/9/99/9999" is not in the EU value set',
    );
  });

  it.each([
    ["d'Červenková Panklová", 'DCERVENKOVA<PANKLOVA'],
    ['Musterfrau-Gößinger', 'MUSTERFRAU<GOESSINGER'],
    ['Marilù Teresa', 'MARILU<TERESA'],
    ['Di Caprio', 'DI<CAPRIO'],
    ['Jiřina-Maria Alena', 'JIRINA<MARIA<ALENA'],
  ])('DCC-1 names are transliterated by ICAO 9303: %s → %s', (name, standardised) => {
    expect(icaoTransliteration(name)).toBe(standardised);
  });
});
