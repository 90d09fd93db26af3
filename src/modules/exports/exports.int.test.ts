import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { describeEachDatabase } from '../../../test/databases.ts';
import { buildTestApp, ensureStaffOfEveryRole, signInStaff, TEST_PASSWORD } from '../../../test/app.ts';
import { AuthService } from '../../platform/auth/service.ts';
import { systemContext } from '../../platform/audit/audit.ts';
import { fixedClock } from '../../platform/clock.ts';
import type { App } from '../../platform/http/types.ts';
import { loadReferenceData } from '../reference/service.ts';
import { generatePopulationIntoDatabase } from '../population/service.ts';
import { EligibilityService } from '../eligibility/service.ts';
import { BookingService } from '../booking/service.ts';
import { ExportService, openDataCsv } from './service.ts';
import { AGE_SUMMARY_HEADER, OPEN_DATA_HEADER } from './opendata.ts';
import {
  csvColumnTypes,
  csvValueType,
  fhirValidator,
  publishedOpenData,
  SHARED_DATA,
  type CsvColumnType,
  type FhirValidator,
} from './testing.ts';
import { CONSENT, openHubDays } from '../../../test/registry-fixtures.ts';

const NOW = '2022-01-20T12:00:00Z';
const PERIOD = 'from=2021-12-01&to=2022-01-31';
/** Hub days for the booking report: a first-dose day and the day Comirnaty's second doses fall on. */
const HUB_DAY = '2022-01-25';
const SECOND_DOSE_DAY = '2022-02-15';

interface Person {
  id: number;
  sex: 'M' | 'F';
  tax_code: string;
  health_card_number: string | null;
}

let sharedValidator: FhirValidator | undefined;
const validator = (): FhirValidator => (sharedValidator ??= fhirValidator());

const ndjson = (body: string): Record<string, unknown>[] =>
  body
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);

describeEachDatabase('Exports and reports', (database) => {
  let app: App;
  let usernames: Record<string, string>;
  let cremona: number;
  let crema: number;
  /** p1, p2, p5: 40-48 years old; p3: 75-79; p4: 50-59 (their only dose is deleted); p6 books. */
  let p1: Person, p2: Person, p3: Person, p4: Person, p5: Person, p6: Person;
  const ids: Record<string, number> = {};

  const as = (role: string) => signInStaff(app, usernames[role]);
  const get = async (url: string, role = 'region_admin') =>
    app.inject({ method: 'GET', url, headers: await as(role) });

  const record = async (key: string, body: Record<string, unknown>, username = usernames.vaccinator) => {
    const response = await app.inject({
      method: 'POST',
      url: '/administrations',
      headers: await signInStaff(app, username),
      payload: {
        administeredAt: '2021-12-01T09:30:00Z',
        lotExpiry: '2022-06-30',
        riskCategory: 'Altro',
        healthCondition: 'Nessuna condizione sanitaria a rischio',
        route: 'intramuscular',
        site: 'left_deltoid',
        vaccinationPointId: cremona,
        certificateContacts: { mobile: '+393331234567', email: null, confirmed: true },
        consent: CONSENT,
        ...body,
      },
    });
    expect(response.statusCode, response.body).toBe(201);
    ids[key] = response.json<{ id: number }>().id;
  };

  beforeAll(async () => {
    await loadReferenceData(database());
    await generatePopulationIntoDatabase(database(), { people: 1500, seed: 43 });
    usernames = await ensureStaffOfEveryRole(database());
    const built = await buildTestApp(database(), { now: NOW });
    app = built.app;
    const clock = built.clock;
    const eligibility = new EligibilityService(database().db, clock, '03');
    await eligibility.loadShippedPlanVersions();
    const points = await database().db.selectFrom('vaccination_points').select(['id', 'code']).execute();
    cremona = points.find((p) => p.code === 'VP-CR-01')?.id ?? 0;
    crema = points.find((p) => p.code === 'VP-CR-03')?.id ?? 0;
    // A vaccinator of another authority's point (ASST di Crema), for the scopes.
    await new AuthService(database().db, fixedClock('2021-04-01T00:00:00Z'), {
      staffSessionMinutes: 60,
      citizenSessionMinutes: 30,
    }).createStaffAccount(
      {
        username: 'exports.vaccinator.crema',
        displayName: 'Crema',
        role: 'vaccinator',
        password: TEST_PASSWORD,
        vaccinationPointIds: [crema],
      },
      systemContext('test', new Date('2021-04-01T00:00:00Z')),
    );
    const born = async (from: string, to: string, limit: number) =>
      (
        await sql<Person>`SELECT id, sex, tax_code, health_card_number FROM persons
          WHERE birth_date BETWEEN ${from} AND ${to} AND status = 'active' AND tax_code IS NOT NULL
            AND health_card_number IS NOT NULL
          ORDER BY id LIMIT ${limit}`.execute(database().db)
      ).rows;
    const forties = await born('1973-01-21', '1981-11-30', 3);
    const fifties = await born('1962-02-01', '1971-11-30', 1);
    const elderly = await born('1942-02-01', '1946-11-30', 2);
    [p1, p2, p5] = forties as [Person, Person, Person];
    [p4] = fifties as [Person];
    [p3, p6] = elderly as [Person, Person];
    expect([forties.length, fifties.length, elderly.length]).toEqual([3, 1, 2]);

    // p5 had COVID-19 in July: one dose completes the cycle (VAX-18).
    const infection = await app.inject({
      method: 'POST',
      url: `/persons/${p5.id}/infections`,
      headers: await as('vaccinator'),
      payload: {
        testType: 'molecular',
        sampledOn: '2021-07-01',
        resultOn: '2021-07-02',
        recoveredOn: '2021-07-20',
        place: { regionCode: '03' },
      },
    });
    expect(infection.statusCode, infection.body).toBe(201);

    await record('p1d1', { personId: p1.id, productCode: 'COMIRNATY-30', lot: 'FK1234', volumeMl: 0.3 });
    await record('p1d2', {
      personId: p1.id,
      productCode: 'COMIRNATY-30',
      lot: 'FK1234',
      volumeMl: 0.3,
      administeredAt: '2021-12-22T10:00:00Z',
    });
    await record('p1d3', {
      personId: p1.id,
      productCode: 'COMIRNATY-30',
      lot: 'FK9999',
      volumeMl: 0.3,
      administeredAt: '2022-01-15T08:00:00Z',
      riskCategory: 'Operatore sanitario',
    });
    await record(
      'p2d1',
      {
        personId: p2.id,
        productCode: 'SPIKEVAX',
        lot: 'MOD001',
        volumeMl: 0.5,
        riskCategory: 'Soggetto vulnerabile per patologia',
        healthCondition: 'Patologia respiratoria cronica',
        vaccinationPointId: crema,
      },
      'exports.vaccinator.crema',
    );
    await record(
      'p2flu',
      {
        personId: p2.id,
        productCode: 'VAXIGRIP-TETRA',
        lot: 'FLU001',
        volumeMl: 0.5,
        administeredAt: '2021-12-02T09:00:00Z',
        vaccinationPointId: crema,
      },
      'exports.vaccinator.crema',
    );
    await record('p3d1', {
      personId: p3.id,
      productCode: 'JANSSEN',
      lot: 'JNJ001',
      volumeMl: 0.5,
      riskCategory: 'Età > 60 anni',
    });
    await record('p4d1', { personId: p4.id, productCode: 'COMIRNATY-30', lot: 'FK1234', volumeMl: 0.3 });
    await record('p5d1', { personId: p5.id, productCode: 'COMIRNATY-30', lot: 'FK1234', volumeMl: 0.3 });
    const deletion = await app.inject({
      method: 'POST',
      url: `/administrations/${ids.p4d1}/deletion`,
      headers: await as('vaccinator'),
      payload: { reason: 'Registrata sulla persona sbagliata' },
    });
    expect(deletion.statusCode, deletion.body).toBe(200);

    // Two anomaly reports, one per authority; the Cremona one taken in hand.
    for (const [key, person, administration, username] of [
      ['cremonaReport', p1, ids.p1d1, usernames.vaccinator],
      ['cremaReport', p2, ids.p2d1, 'exports.vaccinator.crema'],
    ] as const) {
      const report = await app.inject({
        method: 'POST',
        url: '/anomaly-reports',
        headers: await signInStaff(app, username),
        payload: {
          personId: person.id,
          administrationId: administration,
          concerns: 'registry',
          description: 'Il lotto registrato non corrisponde al foglio di seduta',
        },
      });
      expect(report.statusCode, report.body).toBe(201);
      ids[key] = report.json<{ id: number }>().id;
    }
    const moved = await app.inject({
      method: 'POST',
      url: `/anomaly-reports/${ids.cremonaReport}/status`,
      headers: await as('asl_admin'),
      payload: { status: 'in_progress' },
    });
    expect(moved.statusCode, moved.body).toBe(200);

    // A hub day at Cremona with one booking (and its second dose three weeks later).
    const booking = new BookingService(database().db, clock, eligibility);
    const setup = systemContext('test', clock.now());
    await openHubDays(booking, cremona, [HUB_DAY, SECOND_DOSE_DAY], setup, {
      stations: 5,
      minutesPerVaccination: 15,
      doses: 40,
    });
    const slot = await database()
      .db.selectFrom('slots')
      .select('id')
      .where('vaccination_point_id', '=', cremona)
      .where('day', '=', HUB_DAY)
      .orderBy('starts_at')
      .executeTakeFirstOrThrow();
    const citizen = await app.inject({
      method: 'POST',
      url: '/auth/citizen/session',
      payload: { taxCode: p6.tax_code, healthCardNumber: p6.health_card_number },
    });
    const booked = await app.inject({
      method: 'POST',
      url: '/bookings',
      headers: {
        authorization: `Bearer ${citizen.json<{ token: string }>().token}`,
        'idempotency-key': 'exports-test-booking-1',
      },
      payload: { slotId: slot.id },
    });
    expect(booked.statusCode, booked.body).toBe(201);
  }, 120_000);

  describe('EXP-1 FHIR bulk export', () => {
    it('EXP-1 every administration of the period is a valid Immunization, the deleted one entered-in-error', async () => {
      const response = await get(`/exports/fhir/Immunization.ndjson?${PERIOD}`);
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toMatch(/^application\/fhir\+ndjson/);
      const resources = ndjson(response.body);
      const problems = resources.flatMap((r) =>
        validator()
          .problems(r)
          .map((p) => `${String(r.id)}: ${p}`),
      );
      expect(problems).toEqual([]);
      const byId = new Map(resources.map((r) => [r.id, r]));
      expect([...byId.keys()]).toEqual(
        ['p1d1', 'p1d2', 'p1d3', 'p2d1', 'p2flu', 'p3d1', 'p4d1', 'p5d1'].map((k) => String(ids[k])),
      );
      expect(resources.filter((r) => r.status === 'entered-in-error').map((r) => r.id)).toEqual([
        String(ids.p4d1),
      ]);
      expect(byId.get(String(ids.p1d2))).toMatchObject({
        patient: { reference: `Patient/${p1.id}` },
        occurrenceDateTime: '2021-12-22T11:00:00+01:00',
        lotNumber: 'FK1234',
        location: { reference: 'Location/VP-CR-01' },
        protocolApplied: [{ doseNumberPositiveInt: 2, seriesDosesPositiveInt: 2 }],
      });
      const coding = (id: number | undefined) =>
        (byId.get(String(id))?.vaccineCode as { coding: { system: string; code: string }[] }).coding;
      expect(coding(ids.p1d2)[0]).toMatchObject({ system: 'https://www.aifa.gov.it/aic', code: '049269018' });
      expect(coding(ids.p2d1).map((c) => c.code)).toEqual(['1119349007', 'J07BX03']);
      expect(byId.get(String(ids.p1d3))).toMatchObject({
        protocolApplied: [{ series: 'Dose di richiamo (booster)', doseNumberPositiveInt: 3 }],
      });
      // VAX-18: after an infection one dose is the whole cycle; Janssen's cycle is one dose.
      expect(byId.get(String(ids.p5d1))).toMatchObject({ protocolApplied: [{ seriesDosesPositiveInt: 1 }] });
      expect(byId.get(String(ids.p3d1))).toMatchObject({ protocolApplied: [{ seriesDosesPositiveInt: 1 }] });
    });

    it('EXP-1 Patient and Location resources resolve every reference of the Immunizations', async () => {
      const immunizations = ndjson((await get(`/exports/fhir/Immunization.ndjson?${PERIOD}`)).body);
      const patients = ndjson((await get(`/exports/fhir/Patient.ndjson?${PERIOD}`)).body);
      const locations = ndjson((await get(`/exports/fhir/Location.ndjson?${PERIOD}`)).body);
      expect([...patients, ...locations].flatMap((r) => validator().problems(r))).toEqual([]);
      const patientRefs = new Set(immunizations.map((r) => (r.patient as { reference: string }).reference));
      expect(patients.map((p) => `Patient/${String(p.id)}`).sort()).toEqual([...patientRefs].sort());
      expect(patients.map((p) => p.id)).toEqual(
        [p1, p2, p3, p4, p5].map((p) => String(p.id)).sort((a, b) => Number(a) - Number(b)),
      );
      expect(patients.find((p) => p.id === String(p1.id))).toMatchObject({
        identifier: [{ system: 'http://hl7.it/sid/codiceFiscale', value: p1.tax_code }],
        gender: p1.sex === 'M' ? 'male' : 'female',
      });
      expect(locations.map((l) => l.id)).toEqual(['VP-CR-01', 'VP-CR-03']);
    });

    it('EXP-1 the period bounds the export by the day of administration (Rome), both days included', async () => {
      const resources = ndjson(
        (await get('/exports/fhir/Immunization.ndjson?from=2021-12-02&to=2021-12-22')).body,
      );
      expect(resources.map((r) => r.id)).toEqual([String(ids.p1d2), String(ids.p2flu)]);
    });

    it('EXP-1 pages of 2 rows stream the same resources as one page', async () => {
      const service = new ExportService(database().db, fixedClock(NOW), 2);
      const context = systemContext('test', new Date(NOW));
      for (const type of ['Immunization', 'Patient'] as const) {
        let paged = '';
        let chunks = 0;
        for await (const chunk of await service.startFhirExport(
          type,
          { from: '2021-12-01', to: '2022-01-31', points: null },
          context,
        )) {
          paged += chunk;
          chunks++;
        }
        expect(chunks).toBeGreaterThanOrEqual(3);
        expect(paged).toBe((await get(`/exports/fhir/${type}.ndjson?${PERIOD}`)).body);
      }
    });

    it('EXP-1 SEC-2 a health authority exports only its own points’ administrations and people', async () => {
      const immunizations = ndjson(
        (await get(`/exports/fhir/Immunization.ndjson?${PERIOD}`, 'asl_admin')).body,
      );
      expect(immunizations.map((r) => (r.location as { reference: string }).reference)).not.toContain(
        'Location/VP-CR-03',
      );
      expect(immunizations).toHaveLength(6);
      const patients = ndjson((await get(`/exports/fhir/Patient.ndjson?${PERIOD}`, 'asl_admin')).body);
      expect(patients.map((p) => p.id)).not.toContain(String(p2.id));
      const locations = ndjson((await get(`/exports/fhir/Location.ndjson?${PERIOD}`, 'asl_admin')).body);
      expect(locations.map((l) => l.id)).toEqual(['VP-CR-01']);
    });

    it('EXP-1 a HEAD request runs no export and audits nothing', async () => {
      const count = async () =>
        (
          await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_log
            WHERE entity_type = 'fhir_export'`.execute(database().db)
        ).rows[0]?.n;
      const before = await count();
      const response = await app.inject({
        method: 'HEAD',
        url: `/exports/fhir/Immunization.ndjson?${PERIOD}`,
        headers: await as('region_admin'),
      });
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toMatch(/^application\/fhir\+ndjson/);
      expect(response.body).toBe('');
      expect(await count()).toBe(before);
    });

    it('EXP-1 SEC-5 each export is audited with who, what and which period', async () => {
      await get('/exports/fhir/Patient.ndjson?from=2021-12-01&to=2021-12-05', 'asl_admin');
      const audit = await database()
        .db.selectFrom('audit_log')
        .select(['actor_role', 'entity_id', 'action', 'after'])
        .where('entity_type', '=', 'fhir_export')
        .orderBy('id', 'desc')
        .executeTakeFirstOrThrow();
      expect(audit).toMatchObject({ actor_role: 'asl_admin', entity_id: 'Patient', action: 'export' });
      expect(audit.after).toMatchObject({ from: '2021-12-01', to: '2021-12-05' });
    });

    it.each([
      ['vaccinator', 403, 'ROLE_NOT_ALLOWED'],
      ['point_admin', 403, 'ROLE_NOT_ALLOWED'],
      ['auditor', 403, 'ROLE_NOT_ALLOWED'],
    ])('EXP-1 SEC-1 a %s cannot export (%i %s)', async (role, status, code) => {
      const response = await get(`/exports/fhir/Immunization.ndjson?${PERIOD}`, role);
      expect(response.statusCode).toBe(status);
      expect(response.json()).toMatchObject({ code });
    });

    it.each([
      ['from=2022-01-31&to=2021-12-01', 'EXPORT_PERIOD_INVALID'],
      ['from=2021-12-01', 'FIELD_REQUIRED'],
      ['from=2021-12-01&to=2021-12-32', 'FIELD_FORMAT'],
    ])('EXP-1 the period %s is refused with %s', async (query, code) => {
      const response = await get(`/exports/fhir/Immunization.ndjson?${query}`);
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ code });
    });
  });

  describe('EXP-2 open data', () => {
    const line = (cells: (string | number)[]) => cells.join(',');
    const sex = (person: Person): [number, number] => (person.sex === 'M' ? [1, 0] : [0, 1]);
    const sexes = (...people: Person[]): [number, number] =>
      people.map(sex).reduce(([m, f], [pm, pf]) => [m + pm, f + pf], [0, 0]);
    /** The ten category columns in the published order, with the one given set. */
    const categories = (column: string, count: number) =>
      OPEN_DATA_HEADER.slice(6, 16).map((c) => (c === column ? count : 0));
    const LOM = ['ITC', 'ITC4', 3, 'Lombardia'];

    it('EXP-2 the header is the published file’s, and the figures of the recorded doses are right', async () => {
      const published = await readFile(
        path.join(SHARED_DATA, 'opendata-vaccini-2021-05-04', 'somministrazioni-vaccini-latest.csv'),
        'utf8',
      );
      const response = await get(`/exports/opendata/somministrazioni-vaccini.csv?${PERIOD}`);
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
      const [header, ...rows] = response.body.split('\n');
      expect(header).toBe(published.split('\n')[0]);
      expect(rows).toEqual([
        line([
          '2021-12-01',
          'Janssen',
          'LOM',
          '70-79',
          ...sex(p3),
          ...categories('categoria_70_79', 1),
          1,
          0,
          ...LOM,
        ]),
        line([
          '2021-12-01',
          'Moderna',
          'LOM',
          '40-49',
          ...sex(p2),
          ...categories('categoria_soggetti_fragili', 1),
          1,
          0,
          ...LOM,
        ]),
        line([
          '2021-12-01',
          'Pfizer/BioNTech',
          'LOM',
          '40-49',
          ...sexes(p1, p5),
          ...categories('categoria_altro', 2),
          2,
          0,
          ...LOM,
        ]),
        line([
          '2021-12-22',
          'Pfizer/BioNTech',
          'LOM',
          '40-49',
          ...sex(p1),
          ...categories('categoria_altro', 1),
          0,
          1,
          ...LOM,
        ]),
        '',
      ]);
      // p1's booster has no column in the 2021 format: counted apart, not hidden.
      expect(response.headers['x-doses-outside-format']).toBe('1');
    });

    it('EXP-2 SEC-2 a health authority gets only its own points’ doses', async () => {
      const response = await get(`/exports/opendata/somministrazioni-vaccini.csv?${PERIOD}`, 'asl_admin');
      const suppliers = response.body
        .split('\n')
        .slice(1, -1)
        .map((row) => row.split(',')[1]);
      expect(suppliers).toEqual(['Janssen', 'Pfizer/BioNTech', 'Pfizer/BioNTech']);
    });

    /** Our CSV's lines checked against the types of the published file's columns (header included). */
    const expectPublishedShape = (ours: string, file: string) => {
      const published = publishedOpenData(file);
      const [header, ...lines] = ours.split('\n');
      expect(header).toBe(published.split('\n')[0]);
      expect(lines.at(-1)).toBe('');
      const expected = csvColumnTypes(published);
      const names = Object.keys(expected);
      for (const line of lines.slice(0, -1)) {
        const found: Record<string, CsvColumnType> = Object.fromEntries(
          line.split(',').map((value, i) => [names[i] ?? `column ${i}`, csvValueType(value)] as const),
        );
        expect(found, line).toEqual(expected);
      }
      return lines.slice(0, -1);
    };

    it('EXP-2 anagrafica-vaccini-summary: the published header and column types, the period’s first and second doses by band', async () => {
      const response = await get(`/exports/opendata/anagrafica-vaccini-summary.csv?${PERIOD}`);
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
      const rows = expectPublishedShape(response.body, 'anagrafica-vaccini-summary-latest.csv');
      const band = (label: string, total: number, counts: Record<string, number>) =>
        AGE_SUMMARY_HEADER.map((column) =>
          column === 'fascia_anagrafica'
            ? label
            : column === 'totale'
              ? total
              : column === 'ultimo_aggiornamento'
                ? '2022-01-31'
                : (counts[column] ?? 0),
        ).join(',');
      const [m40, f40] = sexes(p1, p1, p2, p5);
      const [m70, f70] = sex(p3);
      expect(rows).toEqual([
        band('16-19', 0, {}),
        band('20-29', 0, {}),
        band('30-39', 0, {}),
        // p1's first and second, p2's and p5's first; p1's booster has no column, p4's dose was deleted.
        band('40-49', 4, {
          sesso_maschile: m40,
          sesso_femminile: f40,
          categoria_altro: 3,
          categoria_soggetti_fragili: 1,
          prima_dose: 3,
          seconda_dose: 1,
        }),
        band('50-59', 0, {}),
        band('60-69', 0, {}),
        band('70-79', 1, { sesso_maschile: m70, sesso_femminile: f70, categoria_70_79: 1, prima_dose: 1 }),
        band('80-89', 0, {}),
        band('90+', 0, {}),
      ]);
      // The same doses as the daily file's rows.
      const daily = (await get(`/exports/opendata/somministrazioni-vaccini.csv?${PERIOD}`)).body
        .split('\n')
        .slice(1, -1)
        .map((line) => line.split(','))
        .reduce((sum, cells) => sum + Number(cells[16]) + Number(cells[17]), 0);
      expect(rows.reduce((sum, line) => sum + Number(line.split(',')[1]), 0)).toBe(daily);
    });

    it('EXP-2 vaccini-summary: the published header and column types, every COVID dose against the doses set out on the hubs’ days', async () => {
      const response = await get(`/exports/opendata/vaccini-summary.csv?${PERIOD}`);
      expect(response.statusCode).toBe(200);
      // Six COVID doses (p1's booster included, p4's deleted one and p2's flu shot not); 40 doses set out
      // at Cremona on 2022-01-25 (the day of 2022-02-15 is after the period).
      expect(expectPublishedShape(response.body, 'vaccini-summary-latest.csv')).toEqual([
        line(['LOM', 6, 40, '15.0', '2022-01-31', ...LOM]),
      ]);
    });

    it('EXP-2 SEC-2 a health authority’s summaries count only its own points', async () => {
      const areas = await get(`/exports/opendata/vaccini-summary.csv?${PERIOD}`, 'asl_admin');
      expect(areas.body.split('\n')[1]).toBe(line(['LOM', 5, 40, '12.5', '2022-01-31', ...LOM]));
      const bands = await get(`/exports/opendata/anagrafica-vaccini-summary.csv?${PERIOD}`, 'asl_admin');
      const forties = bands.body.split('\n').find((row) => row.startsWith('40-49,'));
      expect(forties?.split(',').slice(1, 2)).toEqual(['3']);
    });

    it('EXP-2 SEC-1 a point administrator takes no open data', async () => {
      for (const file of ['anagrafica-vaccini-summary', 'vaccini-summary']) {
        expect((await get(`/exports/opendata/${file}.csv?${PERIOD}`, 'point_admin')).statusCode).toBe(403);
      }
    });

    it('EXP-2 the command’s file (service rows + openDataCsv) is the file the API sends', async () => {
      const service = new ExportService(database().db, fixedClock(NOW));
      const { rows } = await service.openData({ from: '2021-12-01', to: '2022-01-31', points: null });
      expect(openDataCsv(rows)).toBe(
        (await get(`/exports/opendata/somministrazioni-vaccini.csv?${PERIOD}`)).body,
      );
    });
  });

  describe('EXP-3 reports', () => {
    interface CoverageRow {
      key: string | null;
      population: number | null;
      atLeastOneDose: number;
      completedCycle: number;
      booster: number;
      atLeastOneDoseShare: number | null;
    }
    const coverage = async (query: string, role = 'region_admin') => {
      const response = await get(`/reports/coverage?${query}`, role);
      expect(response.statusCode, response.body).toBe(200);
      return response.json<{ scope: string; rows: CoverageRow[] }>();
    };

    it('EXP-3 coverage by age band: at least one dose, completed cycle, booster over the population', async () => {
      const report = await coverage('by=ageBand&on=2022-01-20');
      expect(report.scope).toBe('region');
      const band = (key: string) => report.rows.find((row) => row.key === key);
      expect(band('40-49')).toMatchObject({ atLeastOneDose: 3, completedCycle: 2, booster: 1 });
      expect(band('70-79')).toMatchObject({ atLeastOneDose: 1, completedCycle: 1, booster: 0 });
      // p4's only dose was deleted.
      expect(band('50-59')).toMatchObject({ atLeastOneDose: 0, completedCycle: 0, booster: 0 });
      const [{ active = 0 } = {}] = (
        await sql<{ active: number }>`SELECT count(*)::int AS active FROM persons
          WHERE status = 'active' AND birth_date <= '2022-01-20'`.execute(database().db)
      ).rows;
      expect(report.rows.reduce((sum, row) => sum + (row.population ?? 0), 0)).toBe(active);
      const forties = band('40-49');
      expect(forties?.atLeastOneDoseShare).toBe(
        Math.round((3 / (forties?.population ?? 1)) * 10_000) / 10_000,
      );
    });

    it('EXP-3 coverage on an earlier day counts only the doses given by then', async () => {
      const report = await coverage('by=ageBand&on=2021-12-10');
      expect(report.rows.find((row) => row.key === '40-49')).toMatchObject({
        atLeastOneDose: 3,
        completedCycle: 1,
        booster: 0,
      });
    });

    it('EXP-3 coverage by category: the risk category of each person’s latest dose, no population', async () => {
      const report = await coverage('by=category&on=2022-01-20');
      expect(
        report.rows.map(({ key, population, atLeastOneDose, completedCycle, booster }) => ({
          key,
          population,
          atLeastOneDose,
          completedCycle,
          booster,
        })),
      ).toEqual([
        { key: 'Altro', population: null, atLeastOneDose: 1, completedCycle: 1, booster: 0 },
        { key: 'Età > 60 anni', population: null, atLeastOneDose: 1, completedCycle: 1, booster: 0 },
        { key: 'Operatore sanitario', population: null, atLeastOneDose: 1, completedCycle: 1, booster: 1 },
        {
          key: 'Soggetto vulnerabile per patologia',
          population: null,
          atLeastOneDose: 1,
          completedCycle: 0,
          booster: 0,
        },
      ]);
    });

    it('EXP-3 coverage by municipality of residence', async () => {
      const report = await coverage('by=municipality&on=2022-01-20');
      expect(report.rows.reduce((sum, row) => sum + row.atLeastOneDose, 0)).toBe(4);
      const [{ istat = '' } = {}] = (
        await sql<{ istat: string }>`SELECT residence_municipality_istat AS istat FROM persons
          WHERE id = ${p3.id}`.execute(database().db)
      ).rows;
      expect(report.rows.find((row) => row.key === istat)?.atLeastOneDose).toBeGreaterThanOrEqual(1);
      expect(report.rows.every((row) => (row.population ?? 0) > 0)).toBe(true);
    });

    it('EXP-3 SEC-2 a point’s administrator counts the people vaccinated at the point', async () => {
      const report = await coverage('by=ageBand&on=2022-01-20', 'point_admin');
      expect(report.scope).toBe('points');
      expect(report.rows.find((row) => row.key === '40-49')).toMatchObject({ atLeastOneDose: 2 });
    });

    it('EXP-3 bookings against capacity per hub and day', async () => {
      const response = await get(`/reports/booking-capacity?from=${HUB_DAY}&to=${SECOND_DOSE_DAY}`);
      expect(response.statusCode).toBe(200);
      // 09:00-10:00, 5 stations, 15 minutes a vaccination: 4 slots of 5 places.
      const day = {
        pointCode: 'VP-CR-01',
        capacity: 20,
        booked: 1,
        free: 19,
        utilisation: 0.05,
        confirmedBookings: 1,
        cancelledBookings: 0,
        doses: 40,
        dosesBooked: 1,
        administered: 0,
      };
      expect(response.json()).toEqual([
        expect.objectContaining({ ...day, day: HUB_DAY }) as unknown,
        expect.objectContaining({ ...day, day: SECOND_DOSE_DAY }) as unknown,
      ]);
      const crema = await get(
        `/reports/booking-capacity?from=${HUB_DAY}&to=${SECOND_DOSE_DAY}`,
        'point_admin',
      );
      expect(crema.json<unknown[]>()).toHaveLength(2);
    });

    it('EXP-3 doses by product and lot, deleted records left out', async () => {
      const response = await get(`/reports/doses-by-lot?${PERIOD}`);
      const rows = response.json<Record<string, unknown>[]>();
      expect(
        rows.map((r) => [r.productCode, r.lot, r.doses, r.firstDoses, r.secondDoses, r.boosterDoses]),
      ).toEqual([
        ['COMIRNATY-30', 'FK1234', 3, 2, 1, 0],
        ['COMIRNATY-30', 'FK9999', 1, 0, 0, 1],
        ['JANSSEN', 'JNJ001', 1, 1, 0, 0],
        ['SPIKEVAX', 'MOD001', 1, 1, 0, 0],
        ['VAXIGRIP-TETRA', 'FLU001', 1, 1, 0, 0],
      ]);
      expect(rows[0]).toMatchObject({
        lotExpiry: '2022-06-30',
        firstDay: '2021-12-01',
        lastDay: '2021-12-22',
        points: 1,
      });
      const scoped = (await get(`/reports/doses-by-lot?${PERIOD}`, 'point_admin')).json<{ lot: string }[]>();
      expect(scoped.map((r) => r.lot)).toEqual(['FK1234', 'FK9999', 'JNJ001']);
    });

    it.each([
      [
        'region_admin',
        [
          ['ASST-CREMA', 'open', 1],
          ['ASST-CREMONA', 'in_progress', 1],
        ],
      ],
      ['asl_admin', [['ASST-CREMONA', 'in_progress', 1]]],
      ['point_admin', [['ASST-CREMONA', 'in_progress', 1]]],
    ])('EXP-3 open anomaly reports as %s', async (role, expected) => {
      const response = await get('/reports/open-anomalies', role);
      expect(response.statusCode).toBe(200);
      const rows = response.json<{ healthAuthorityCode: string; status: string; reports: number }[]>();
      expect(rows.map((r) => [r.healthAuthorityCode, r.status, r.reports])).toEqual(expected);
    });

    it('EXP-3 SEC-1 a vaccinator reads no report', async () => {
      const response = await get('/reports/coverage?by=ageBand', 'vaccinator');
      expect(response.statusCode).toBe(403);
    });
  });
});

describe('vaxhub export opendata', () => {
  const BIN = fileURLToPath(new URL('../../../bin/vaxhub.js', import.meta.url));
  let directory: string;

  const vaxhub = (args: string[]) => {
    const result = spawnSync(process.execPath, [BIN, ...args], {
      encoding: 'utf8',
      env: { ...process.env, DATA_DIR: path.join(directory, 'db'), LOG_LEVEL: 'silent', DATABASE_URL: '' },
      timeout: 120_000,
    });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  };

  beforeAll(async () => {
    directory = await mkdtemp(path.join(tmpdir(), 'vaxhub-export-'));
  });
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('EXP-2 a day that is no day is refused before any work', () => {
    const result = vaxhub([
      'export',
      'opendata',
      '--from',
      '2021-02-30',
      '--to',
      '2021-03-01',
      '--out',
      'x.csv',
    ]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/--from must be a day YYYY-MM-DD/);
  });

  it('EXP-2 the command writes the file with the published header (none recorded: the header alone)', async () => {
    const out = path.join(directory, 'somministrazioni.csv');
    const result = vaxhub(['export', 'opendata', '--from', '2021-04-01', '--to', '2021-04-30', '--out', out]);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^0 rows, 0 doses, 2021-04-01 to 2021-04-30/);
    expect(await readFile(out, 'utf8')).toBe(`${OPEN_DATA_HEADER.join(',')}\n`);
  });

  it('EXP-2 --summaries writes the two summary files with the published headers (none recorded: zero bands, no area)', async () => {
    const out = path.join(directory, 'somministrazioni-2.csv');
    const summaries = path.join(directory, 'summaries');
    const result = vaxhub([
      'export',
      'opendata',
      '--from',
      '2021-04-01',
      '--to',
      '2021-04-30',
      '--out',
      out,
      '--summaries',
      summaries,
    ]);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const bands = await readFile(path.join(summaries, 'anagrafica-vaccini-summary-latest.csv'), 'utf8');
    expect(bands.split('\n')).toEqual([
      publishedOpenData('anagrafica-vaccini-summary-latest.csv').split('\n')[0],
      ...['16-19', '20-29', '30-39', '40-49', '50-59', '60-69', '70-79', '80-89', '90+'].map(
        (band) => `${band},${Array<number>(15).fill(0).join(',')},2021-04-30`,
      ),
      '',
    ]);
    expect(await readFile(path.join(summaries, 'vaccini-summary-latest.csv'), 'utf8')).toBe(
      `${publishedOpenData('vaccini-summary-latest.csv').split('\n')[0]}\n`,
    );
    expect(result.stdout).toContain(
      `9 age bands: ${path.join(summaries, 'anagrafica-vaccini-summary-latest.csv')}`,
    );
  });

  it('EXP-1 the fhir command writes the three NDJSON files with progress (none recorded: empty files)', async () => {
    const out = path.join(directory, 'fhir');
    const result = vaxhub(['export', 'fhir', '--from', '2021-04-01', '--to', '2021-04-30', '--out', out]);
    expect(result.status, result.stderr).toBe(0);
    for (const type of ['Immunization', 'Patient', 'Location']) {
      expect(result.stderr).toContain(`0 ${type} resources: ${path.join(out, `${type}.ndjson`)}`);
      expect(await readFile(path.join(out, `${type}.ndjson`), 'utf8')).toBe('');
    }
  });
});
