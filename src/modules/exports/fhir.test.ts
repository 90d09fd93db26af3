import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseProductsFile, type ProductEntry } from '../reference/products.ts';
import { PROJECT_ROOT } from '../reference/files.ts';
import {
  IMMUNIZATION_STATUSES,
  SYSTEMS,
  immunizationResource,
  locationResource,
  patientResource,
  romeDateTime,
  seriesDoses,
  valueSetProblems,
  vaccineCode,
  type AdministrationFacts,
  type PersonFacts,
  type PointFacts,
  type ProphylaxisTerms,
} from './fhir.ts';
import { fhirValidator, HL7_IT_EXAMPLES, type FhirValidator } from './testing.ts';

const catalogue = parseProductsFile(
  JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'plan', 'products.json'), 'utf8')) as unknown,
);
const product = (code: string): ProductEntry => {
  const found = catalogue.products.find((p) => p.code === code);
  if (found === undefined) throw new Error(`no product ${code}`);
  return found;
};

const prophylaxis = JSON.parse(
  readFileSync(
    path.join(PROJECT_ROOT, 'reference', 'eu-dcc', 'valuesets', 'vaccine-prophylaxis.json'),
    'utf8',
  ),
) as { valueSetValues: Record<string, { display: string; system: string }> };
const TERMS: ProphylaxisTerms = new Map(
  Object.entries(prophylaxis.valueSetValues).map(([code, v]) => [
    code,
    { system: v.system, display: v.display },
  ]),
);

const ADMINISTRATION: AdministrationFacts = {
  id: 41,
  personId: 7,
  administeredAt: new Date('2021-12-01T09:30:00Z'),
  recordedAt: new Date('2021-12-01T09:42:10.250Z'),
  aic: null,
  lot: 'FK1234',
  lotExpiry: '2022-03-31',
  volumeMl: 0.3,
  route: 'intramuscular',
  site: 'left_deltoid',
  doseNumber: 1,
  doseKind: 'primary',
  version: 1,
  deleted: false,
  priorInfection: false,
  pointCode: 'VP-CR-01',
  pointName: 'CremonaFiere (Pad. 1, Cà de Somenzi)',
  healthAuthorityCode: 'ASST-CREMONA',
  healthAuthorityName: 'ASST di Cremona',
};

const PERSON: PersonFacts = {
  id: 7,
  taxCode: 'RSSMRA75L01D150X',
  identifierType: 'CF',
  otherIdentifier: null,
  surname: 'ROSSI',
  givenName: 'MARIA LUISA',
  sex: 'F',
  birthDate: '1975-07-01',
  status: 'active',
  supersededBy: null,
};

const POINT: PointFacts = {
  code: 'VP-CR-01',
  name: 'CremonaFiere (Pad. 1, Cà de Somenzi)',
  address: 'Piazzale Zelioli Lanzini 1',
  kind: 'hub',
  municipalityIstat: '019036',
  municipalityName: 'Cremona',
  provinceAbbreviation: 'CR',
  lat: 45.1333,
  lng: 10.0247,
  healthAuthorityCode: 'ASST-CREMONA',
  healthAuthorityName: 'ASST di Cremona',
};

describe('EXP-1 FHIR R4 mapping', () => {
  let validator: FhirValidator;
  beforeAll(() => {
    validator = fhirValidator();
  }, 120_000);

  it('EXP-1 the schema validator accepts the HL7 Italia examples and refuses a broken copy of one', () => {
    const examples = readdirSync(HL7_IT_EXAMPLES).filter((f) => /^(Immunization|Patient)-/.test(f));
    expect(examples.length).toBeGreaterThanOrEqual(3);
    for (const file of examples) {
      const resource = JSON.parse(readFileSync(path.join(HL7_IT_EXAMPLES, file), 'utf8')) as unknown;
      expect(validator.problems(resource), file).toEqual([]);
    }
    const example = JSON.parse(
      readFileSync(path.join(HL7_IT_EXAMPLES, 'Immunization-example-it-1-1.json'), 'utf8'),
    ) as Record<string, unknown>;
    expect(validator.problems({ ...example, occurrenceDateTime: '2021-02-30T25:00:00' })).not.toEqual([]);
    expect(validator.problems({ ...example, lotNumbr: 'EL0725' })).not.toEqual([]);
  });

  it.each<[string, Partial<AdministrationFacts>, string]>([
    ['a first Comirnaty dose', {}, 'COMIRNATY-30'],
    [
      'a second Spikevax dose on the right thigh',
      { doseNumber: 2, site: 'right_thigh', volumeMl: 0.5 },
      'SPIKEVAX',
    ],
    ['a Spikevax booster', { doseNumber: 3, doseKind: 'booster', volumeMl: 0.25 }, 'SPIKEVAX'],
    ['a single Janssen dose', { volumeMl: 0.5, site: 'right_deltoid' }, 'JANSSEN'],
    ['a Vaxzevria dose after an infection', { priorInfection: true, volumeMl: 0.5 }, 'VAXZEVRIA'],
    ['an additional Nuvaxovid dose', { doseNumber: 3, doseKind: 'additional', volumeMl: 0.5 }, 'NUVAXOVID'],
    ['a pediatric dose at another site', { volumeMl: 0.2, site: 'other' }, 'COMIRNATY-10-PED'],
    ['a flu vaccine given subcutaneously', { volumeMl: 0.5, route: 'subcutaneous' }, 'VAXIGRIP-TETRA'],
    ['an intradermal dose', { route: 'intradermal' }, 'COMIRNATY-30'],
    ['an oral dose', { route: 'oral' }, 'COMIRNATY-30'],
    ['an intranasal dose', { route: 'intranasal' }, 'COMIRNATY-30'],
    ['a record deleted as made in error', { deleted: true, version: 3 }, 'COMIRNATY-30'],
  ])('EXP-1 %s is a valid Immunization', (_case, overrides, code) => {
    const resource = immunizationResource({ ...ADMINISTRATION, ...overrides }, product(code), TERMS);
    expect(validator.problems(resource)).toEqual([]);
  });

  it('EXP-1 an Immunization carries the record: when, what, lot, site, route, dose, where, by whom', () => {
    const resource = immunizationResource(ADMINISTRATION, product('COMIRNATY-30'), TERMS);
    expect(resource).toMatchObject({
      resourceType: 'Immunization',
      id: '41',
      meta: { versionId: '1' },
      status: 'completed',
      patient: { reference: 'Patient/7' },
      occurrenceDateTime: '2021-12-01T10:30:00+01:00',
      recorded: '2021-12-01T10:42:10+01:00',
      primarySource: true,
      location: { reference: 'Location/VP-CR-01' },
      manufacturer: { display: 'BioNTech Manufacturing GmbH' },
      lotNumber: 'FK1234',
      expirationDate: '2022-03-31',
      site: { coding: [{ system: SYSTEMS.actSite, code: 'LA' }] },
      route: { coding: [{ system: SYSTEMS.route, code: 'IM' }] },
      doseQuantity: { value: 0.3, unit: 'mL', system: SYSTEMS.ucum, code: 'mL' },
      performer: [{ actor: { identifier: { value: 'ASST-CREMONA' }, display: 'ASST di Cremona' } }],
      protocolApplied: [
        {
          targetDisease: [{ coding: [{ system: SYSTEMS.snomed, code: '840539006' }] }],
          doseNumberPositiveInt: 1,
          seriesDosesPositiveInt: 2,
        },
      ],
    });
  });

  it.each([
    [false, 'completed'],
    [true, 'entered-in-error'],
  ])('EXP-1 deleted %s gives the status %s', (deleted, status) => {
    expect(immunizationResource({ ...ADMINISTRATION, deleted }, product('COMIRNATY-30'), TERMS).status).toBe(
      status,
    );
  });

  it.each<[string, string | null, string[]]>([
    [
      'COMIRNATY-30',
      null,
      [`${SYSTEMS.aic}|049269018`, `${SYSTEMS.snomed}|1119349007`, `${SYSTEMS.atc}|J07BX03`],
    ],
    [
      'SPIKEVAX',
      '048869011',
      [`${SYSTEMS.aic}|048869011`, `${SYSTEMS.snomed}|1119349007`, `${SYSTEMS.atc}|J07BX03`],
    ],
    ['SPIKEVAX', null, [`${SYSTEMS.snomed}|1119349007`, `${SYSTEMS.atc}|J07BX03`]],
    ['VAXZEVRIA', null, [`${SYSTEMS.atc}|J07BX03`]],
    ['JANSSEN', null, [`${SYSTEMS.atc}|J07BX03`]],
    ['NUVAXOVID', null, [`${SYSTEMS.snomed}|1162643001`, `${SYSTEMS.atc}|J07BX03`]],
    ['VAXIGRIP-TETRA', null, [`${SYSTEMS.atc}|J07BB02`]],
  ])('EXP-1 vaccineCode of %s (recorded AIC %s): %j', (code, aic, codings) => {
    const concept = vaccineCode(product(code), aic, TERMS);
    expect(concept.coding?.map((c) => `${c.system}|${c.code}`)).toEqual(codings);
    expect(concept.text).toBe(product(code).name);
  });

  it.each<[AdministrationFacts['doseKind'], number, boolean, number, number]>([
    ['primary', 1, false, 2, 2],
    ['primary', 2, false, 2, 2],
    ['primary', 1, false, 1, 1],
    ['primary', 1, true, 2, 1],
    ['primary', 3, false, 2, 3],
    ['booster', 3, false, 2, 3],
    ['booster', 2, false, 1, 2],
    ['booster', 4, false, 2, 4],
    ['additional', 3, false, 2, 3],
  ])(
    'DCC-2 EXP-1 a %s dose %i (prior infection %s, cycle of %i) is of a series of %i',
    (doseKind, doseNumber, priorInfection, cycle, series) => {
      expect(seriesDoses({ doseKind, doseNumber, priorInfection }, cycle)).toBe(series);
    },
  );

  it.each([
    ['2021-12-01T09:30:00Z', '2021-12-01T10:30:00+01:00'],
    ['2021-06-30T22:15:05Z', '2021-07-01T00:15:05+02:00'],
    ['2021-03-28T00:59:59Z', '2021-03-28T01:59:59+01:00'],
    ['2021-03-28T01:00:00Z', '2021-03-28T03:00:00+02:00'],
    ['2021-10-31T00:30:00Z', '2021-10-31T02:30:00+02:00'],
    ['2021-10-31T01:30:00Z', '2021-10-31T02:30:00+01:00'],
  ])('EXP-1 the instant %s is %s in Rome', (instant, dateTime) => {
    expect(romeDateTime(new Date(instant))).toBe(dateTime);
  });

  it('EXP-1 every quarter hour of 2021-2022 is written as Intl writes Rome’s wall clock and offset', () => {
    const reference = new Intl.DateTimeFormat('en-CA', {
      timeZone: 'Europe/Rome',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'longOffset',
    });
    const differences: string[] = [];
    for (
      let at = Date.parse('2021-01-01T00:00:07Z');
      at < Date.parse('2023-01-01T00:00:00Z');
      at += 900_000
    ) {
      const p = Object.fromEntries(reference.formatToParts(at).map((part) => [part.type, part.value]));
      const expected = `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}:${p.second}${(p.timeZoneName ?? '').replace('GMT', '')}`;
      const written = romeDateTime(new Date(at));
      if (written !== expected) differences.push(`${new Date(at).toISOString()}: ${written} ≠ ${expected}`);
    }
    expect(differences).toEqual([]);
  });

  it.each(IMMUNIZATION_STATUSES)('EXP-1 Immunization.status %s is in the value set', (status) => {
    const resource = { ...immunizationResource(ADMINISTRATION, product('COMIRNATY-30'), TERMS), status };
    expect(validator.problems(resource)).toEqual([]);
  });

  it.each(['done', 'Completed', 'entered in error', 'cancelled'])(
    'EXP-1 Immunization.status %s passes the JSON schema and is refused by the value-set check',
    (status) => {
      const resource = { ...immunizationResource(ADMINISTRATION, product('COMIRNATY-30'), TERMS), status };
      expect(validator.problems(resource)).toEqual(valueSetProblems(resource));
      expect(valueSetProblems(resource)).toEqual([expect.stringContaining(`"${status}"`) as string]);
    },
  );

  it.each<[string, Partial<PersonFacts>, object]>([
    [
      'a person with a codice fiscale',
      {},
      {
        identifier: [{ system: 'http://hl7.it/sid/codiceFiscale', value: 'RSSMRA75L01D150X' }],
        name: [{ use: 'official', family: 'ROSSI', given: ['MARIA', 'LUISA'] }],
        gender: 'female',
        birthDate: '1975-07-01',
        active: true,
      },
    ],
    [
      'a foreigner with an STP code',
      { taxCode: null, identifierType: 'STP', otherIdentifier: 'STP030001234567', sex: 'M' },
      { identifier: [{ type: { text: 'STP' }, value: 'STP030001234567' }], gender: 'male' },
    ],
    ['a deceased person', { status: 'deceased' }, { deceasedBoolean: true, active: true }],
    [
      'an obsolete identity',
      { status: 'obsolete', supersededBy: 9 },
      { active: false, link: [{ other: { reference: 'Patient/9' }, type: 'replaced-by' }] },
    ],
  ])('EXP-1 %s is a valid Patient', (_case, overrides, expected) => {
    const resource = patientResource({ ...PERSON, ...overrides });
    expect(validator.problems(resource)).toEqual([]);
    expect(resource).toMatchObject({ resourceType: 'Patient', id: '7', ...expected });
  });

  it.each<PointFacts['kind']>(['hub', 'hospital', 'clinic', 'pharmacy'])(
    'EXP-1 a %s is a valid Location',
    (kind) => {
      const resource = locationResource({ ...POINT, kind });
      expect(validator.problems(resource)).toEqual([]);
      expect(resource).toMatchObject({
        id: 'VP-CR-01',
        address: {
          city: 'Cremona',
          _city: { extension: [{ valueCoding: { system: SYSTEMS.istatMunicipality, code: '019036' } }] },
          district: 'CR',
          country: 'IT',
        },
        position: { latitude: 45.1333, longitude: 10.0247 },
      });
    },
  );
});
