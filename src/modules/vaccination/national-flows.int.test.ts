import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { describeEachDatabase } from '../../../test/databases.ts';
import { nationalEnv, seedRegionOfNation, startNationalSimulator } from '../../../test/national-fixture.ts';
import { buildTestApp, signInStaff } from '../../../test/app.ts';
import { EligibilityService } from '../eligibility/service.ts';
import { fixedClock } from '../../platform/clock.ts';
import type { App } from '../../platform/http/types.ts';
import { DEVELOPMENT_ADMIN_TOKEN, DEVELOPMENT_API_TOKEN } from '../../national/config.ts';
import type { NationalDatabase } from '../../national/db.ts';
import { retryDelayMs } from './national-sync.ts';
import { CONSENT } from '../../../test/registry-fixtures.ts';

const NOW = '2022-01-20T12:00:00Z';
const PEOPLE = 120;
const SEED = 4711;

interface SyncRun {
  delivered: number;
  failed: number;
  mobilityStored: number;
  mobilityUnavailable: boolean;
}

describe('NAT-1 retry delays', () => {
  it.each([
    [1, 1000, 1000],
    [2, 1000, 2000],
    [5, 1000, 16_000],
    [20, 1000, 300_000],
    [3, 0, 0],
  ])('NAT-1 after %i failed attempts with base %i ms the next try waits %i ms', (attempts, base, wait) => {
    expect(retryDelayMs(attempts, base)).toBe(wait);
  });
});

describeEachDatabase('NAT-1..4 national flows against the simulator', (database) => {
  let national: App;
  let nationalDb: NationalDatabase;
  let app: App;
  let usernames: Record<string, string>;
  let point: number;
  let otherPoint: number;
  let people: { id: number; identifier: string }[];

  const as = (role: string) => signInStaff(app, usernames[role]);
  const setFaults = async (body: object) => {
    const response = await national.inject({
      method: 'PUT',
      url: '/admin/faults',
      payload: body,
      headers: { 'x-admin-token': DEVELOPMENT_ADMIN_TOKEN },
    });
    expect(response.statusCode).toBe(200);
  };
  const runSync = async (): Promise<SyncRun> => {
    const response = await app.inject({
      method: 'POST',
      url: '/national-flow/runs',
      headers: await as('region_admin'),
    });
    expect(response.statusCode).toBe(200);
    return response.json<SyncRun>();
  };
  const flow = async () =>
    (
      await app.inject({ method: 'GET', url: '/reports/national-flow', headers: await as('region_admin') })
    ).json<{ pending: number; failing: number; acknowledgedLastHour: number; lagMsP95: number | null }>();
  const record = async (personId: number, overrides: Record<string, unknown> = {}) => {
    const response = await app.inject({
      method: 'POST',
      url: '/administrations',
      headers: await as('vaccinator'),
      payload: {
        personId,
        productCode: 'COMIRNATY-30',
        administeredAt: '2021-12-01T09:30:00Z',
        lot: 'FK1234',
        lotExpiry: '2022-03-31',
        volumeMl: 0.3,
        riskCategory: 'Altro',
        healthCondition: 'Nessuna condizione sanitaria a rischio',
        route: 'intramuscular',
        site: 'left_deltoid',
        vaccinationPointId: point,
        certificateContacts: { mobile: null, email: null, confirmed: true },
        consent: CONSENT,
        ...overrides,
      },
    });
    expect(response.statusCode, response.body).toBe(201);
    return response.json<{ id: number; doseNumber: number }>();
  };
  const nationalRow = (sourceId: number) =>
    nationalDb.db
      .selectFrom('administrations')
      .selectAll()
      .where('region_code', '=', '03')
      .where('source_id', '=', String(sourceId))
      .executeTakeFirst();
  const healthCardRows = (sourceId: number) =>
    nationalDb.db
      .selectFrom('health_card_vaccinations')
      .selectAll()
      .where('source_id', '=', String(sourceId))
      .execute();
  const person = (i: number) => {
    const found = people[i];
    if (!found) throw new Error(`no test person ${i}`);
    return found;
  };

  beforeAll(async () => {
    // The same generator and seed on both sides: the nation and the region know the same people.
    const nation = { regionPeople: PEOPLE, regionSeed: SEED, otherRegionPeople: 4, aire: 2, foreigners: 2 };
    const simulator = await startNationalSimulator(NOW, nation);
    ({ app: national, db: nationalDb } = simulator);
    usernames = await seedRegionOfNation(database(), nation);
    ({ app } = await buildTestApp(database(), {
      now: NOW,
      env: nationalEnv(simulator, 500),
    }));
    const clock = fixedClock(NOW);
    await new EligibilityService(database().db, clock, '03').loadShippedPlanVersions();
    const points = await database()
      .db.selectFrom('vaccination_points')
      .select('id')
      .orderBy('code')
      .execute();
    point = points[0]?.id ?? 0;
    otherPoint = points[1]?.id ?? 0;
    people = (
      await sql<{ id: number; identifier: string }>`SELECT id, tax_code AS identifier FROM persons
        WHERE birth_date BETWEEN '1960-01-01' AND '1990-12-31' AND status = 'active' AND tax_code IS NOT NULL
        ORDER BY id LIMIT 13`.execute(database().db)
    ).rows.map((row) => ({ id: Number(row.id), identifier: row.identifier }));
    expect(people).toHaveLength(13);
    // Every test person is in the national registry, assisted by this region.
    const known = await nationalDb.db
      .selectFrom('persons')
      .select('identifier')
      .where(
        'identifier',
        'in',
        people.map((p) => p.identifier),
      )
      .where('region_code', '=', '03')
      .execute();
    expect(known).toHaveLength(13);
  }, 120_000);

  afterAll(async () => {
    await app.close();
    await national.close();
    await nationalDb.close();
  });

  it('NAT-1 NAT-3 NAT-5 a recorded COVID dose reaches AVN and the health-card system once; the backlog and the lag are shown', async () => {
    await setFaults({ mode: 'none' });
    const dose = await record(person(0).id);
    expect((await flow()).pending).toBe(1);
    const run = await runSync();
    expect(run).toMatchObject({ delivered: 1, failed: 0 });
    expect(await nationalRow(dose.id)).toMatchObject({
      version: 1,
      deleted: false,
      person_identifier: person(0).identifier,
      dose_number: 1,
      covid: true,
    });
    expect(await healthCardRows(dose.id)).toHaveLength(1);
    const figures = await flow();
    expect(figures.pending).toBe(0);
    expect(figures.acknowledgedLastHour).toBeGreaterThanOrEqual(1);
    expect(figures.lagMsP95).not.toBeNull();
    expect((await runSync()).delivered).toBe(0);
  });

  it('NAT-1 a forced dose number travels as a new version, and the national side applies it', async () => {
    const dose = await record(person(1).id);
    const forced = await app.inject({
      method: 'PUT',
      url: `/administrations/${dose.id}/dose-number`,
      headers: await as('asl_admin'),
      payload: { doseNumber: 2 },
    });
    expect(forced.statusCode, forced.body).toBe(200);
    expect((await flow()).pending).toBe(2);
    expect((await runSync()).delivered).toBe(2);
    expect(await nationalRow(dose.id)).toMatchObject({ version: 2, dose_number: 2 });
    const outcomes = await database()
      .db.selectFrom('national_outbox')
      .select(['version', 'outcome'])
      .where('administration_id', '=', dose.id)
      .orderBy('id')
      .execute();
    // The first message was delivered with the record as it was by then (version 2): the second is a replay.
    expect(outcomes).toEqual([
      { version: 1, outcome: 'applied' },
      { version: 2, outcome: 'duplicate' },
    ]);
  });

  it('NAT-1 while the national side is down nothing is lost; when it returns the backlog drains in order', async () => {
    await setFaults({ mode: 'down' });
    const dose = await record(person(2).id);
    await app.inject({
      method: 'PATCH',
      url: `/administrations/${dose.id}`,
      headers: await as('vaccinator'),
      payload: { lot: 'FK9999' },
    });
    const failed = await runSync();
    expect(failed).toMatchObject({ delivered: 0, failed: 1, mobilityUnavailable: true });
    expect(await nationalRow(dose.id)).toBeUndefined();
    expect(await flow()).toMatchObject({ pending: 2, failing: 1 });
    await setFaults({ mode: 'none' });
    expect((await runSync()).delivered).toBe(2);
    expect(await nationalRow(dose.id)).toMatchObject({ version: 2, lot: 'FK9999' });
    expect((await flow()).pending).toBe(0);
  });

  it('NAT-1 a duplicated delivery is applied once in effect', async () => {
    await setFaults({ mode: 'duplicate' });
    const dose = await record(person(3).id);
    expect((await runSync()).delivered).toBe(1);
    await setFaults({ mode: 'none' });
    expect(await nationalRow(dose.id)).toMatchObject({ version: 1 });
    expect(await healthCardRows(dose.id)).toHaveLength(1);
    const [message] = await database()
      .db.selectFrom('national_outbox')
      .select('outcome')
      .where('administration_id', '=', dose.id)
      .execute();
    expect(message?.outcome).toBe('duplicate');
  });

  it('NAT-1 two workers at once deliver every message once, each person in order', async () => {
    const doses = await Promise.all([4, 5, 6].map((i) => record(person(i).id)));
    for (const dose of doses) {
      await app.inject({
        method: 'PATCH',
        url: `/administrations/${dose.id}`,
        headers: await as('vaccinator'),
        payload: { site: 'right_deltoid' },
      });
    }
    const runs = await Promise.all([runSync(), runSync()]);
    const delivered = runs.reduce((sum, run) => sum + run.delivered, 0);
    // A worker that found a person's first message claimed by the other leaves the second to a later run.
    expect(delivered + (await runSync()).delivered).toBe(6);
    for (const dose of doses) expect(await nationalRow(dose.id)).toMatchObject({ version: 2 });
    const acknowledged = await database()
      .db.selectFrom('national_outbox')
      .select(({ fn }) => fn.countAll<string>().as('count'))
      .where(
        'administration_id',
        'in',
        doses.map((d) => d.id),
      )
      .where('acknowledged_at', 'is not', null)
      .executeTakeFirstOrThrow();
    expect(Number(acknowledged.count)).toBe(6);
  });

  it('NAT-1 VAX-8a a deletion by the recording point is sent as a tombstone; another point may not delete', async () => {
    const dose = await record(person(7).id);
    await runSync();
    const refused = await app.inject({
      method: 'POST',
      url: `/administrations/${dose.id}/deletion`,
      headers: await as('asl_admin'),
      payload: { reason: 'Registrazione errata' },
    });
    expect(refused.statusCode).toBe(403);
    const deleted = await app.inject({
      method: 'POST',
      url: `/administrations/${dose.id}/deletion`,
      headers: await as('vaccinator'),
      payload: { reason: 'Registrazione su persona sbagliata' },
    });
    expect(deleted.statusCode, deleted.body).toBe(200);
    expect((await runSync()).delivered).toBe(1);
    expect(await nationalRow(dose.id)).toMatchObject({ version: 2, deleted: true, dose_number: null });
    expect(await healthCardRows(dose.id)).toHaveLength(0);
    const history = await app.inject({
      method: 'GET',
      url: `/persons/${person(7).id}/administrations`,
      headers: await as('vaccinator'),
    });
    expect(history.json()).toEqual([]);
    expect(otherPoint).not.toBe(point);
  });

  it('NAT-2 VAX-5 VAX-6 a dose given in another region arrives, shows in the history and counts for the next number', async () => {
    const sent = await national.inject({
      method: 'PUT',
      url: '/avn/administrations/05/VEN-1',
      headers: { authorization: `Bearer ${DEVELOPMENT_API_TOKEN}` },
      payload: {
        version: 1,
        deleted: false,
        personIdentifier: person(8).identifier,
        administeredOn: '2021-11-05',
        productCode: 'COMIRNATY-30',
        aic: null,
        lot: 'VE0001',
        doseNumber: 1,
        doseKind: 'primary',
        covid: true,
      },
    });
    expect(sent.statusCode, sent.body).toBe(200);
    expect((await runSync()).mobilityStored).toBeGreaterThanOrEqual(1);
    const history = await app.inject({
      method: 'GET',
      url: `/persons/${person(8).id}/vaccination-history`,
      headers: await as('vaccinator'),
    });
    expect(history.json()).toMatchObject({
      here: [],
      otherRegions: [{ regionCode: '05', sourceId: 'VEN-1', administeredOn: '2021-11-05', doseNumber: 1 }],
    });
    const second = await record(person(8).id, {
      administeredAt: '2021-12-01T09:30:00Z',
      healthChanged: false,
      consent: undefined,
    });
    expect(second.doseNumber).toBe(2);
    // Reading the feed again brings nothing new and changes nothing.
    expect((await runSync()).mobilityStored).toBe(0);
  });

  it('NAT-3 NAT-4 VAX-5 check all regions: same, abroad (entered by the authority, never in the registries), differences named', async () => {
    const here = await record(person(9).id, { administeredAt: '2021-10-01T09:00:00Z' });
    await runSync();
    const abroad = await app.inject({
      method: 'POST',
      url: `/persons/${person(9).id}/abroad-vaccinations`,
      headers: await as('asl_admin'),
      payload: {
        countryCode: 'Z112',
        administeredOn: '2021-07-01',
        productCode: 'SPUTNIK-V',
        doseNumber: 1,
        doseKind: 'primary',
      },
    });
    expect(abroad.statusCode, abroad.body).toBe(201);
    const byVaccinator = await app.inject({
      method: 'POST',
      url: `/persons/${person(9).id}/abroad-vaccinations`,
      headers: await as('vaccinator'),
      payload: {
        countryCode: 'Z112',
        administeredOn: '2021-07-01',
        productCode: 'SPUTNIK-V',
        doseNumber: 1,
        doseKind: 'primary',
      },
    });
    expect(byVaccinator.statusCode).toBe(403);
    const check = await app.inject({
      method: 'GET',
      url: `/persons/${person(9).id}/national-comparison`,
      headers: await as('vaccinator'),
    });
    expect(check.statusCode, check.body).toBe(200);
    expect(check.json()).toMatchObject({
      nationalShowsFewer: false,
      anomalyReportId: null,
      rows: [
        { status: 'only_national', registry: null, national: { countryCode: 'Z112', regionCode: null } },
        { status: 'same', registry: { date: '2021-10-01', doseNumber: 1 }, national: { regionCode: '03' } },
      ],
    });
    const avn = await nationalDb.db
      .selectFrom('administrations')
      .select('source_id')
      .where('person_identifier', '=', person(9).identifier)
      .execute();
    expect(avn).toEqual([{ source_id: String(here.id) }]);
  });

  it('VAX-8 when the national system shows fewer doses the registry stands and one anomaly report is raised', async () => {
    const dose = await record(person(10).id);
    const inTransit = await app.inject({
      method: 'GET',
      url: `/persons/${person(10).id}/national-comparison`,
      headers: await as('vaccinator'),
    });
    // Not yet acknowledged: in transit, not a discrepancy.
    expect(inTransit.json()).toMatchObject({
      nationalShowsFewer: false,
      rows: [{ status: 'only_registry', inTransit: true }],
    });
    await runSync();
    // The national side loses the dose (the kind of fault VAX-8 is about).
    await nationalDb.db
      .deleteFrom('health_card_vaccinations')
      .where('source_id', '=', String(dose.id))
      .execute();
    const check = async () =>
      (
        await app.inject({
          method: 'GET',
          url: `/persons/${person(10).id}/national-comparison`,
          headers: await as('vaccinator'),
        })
      ).json<{ nationalShowsFewer: boolean; anomalyReportId: number | null; rows: { status: string }[] }>();
    const first = await check();
    expect(first).toMatchObject({ nationalShowsFewer: true, rows: [{ status: 'only_registry' }] });
    expect(first.anomalyReportId).not.toBeNull();
    expect((await check()).anomalyReportId).toBe(first.anomalyReportId);
    const reports = await database()
      .db.selectFrom('anomaly_reports')
      .select(['concerns', 'status'])
      .where('person_id', '=', person(10).id)
      .execute();
    expect(reports).toEqual([{ concerns: 'national', status: 'open' }]);
  });

  it('VAX-7 the dose-number screen proposes from the national situation, and opens without it when the national side is down', async () => {
    const first = await record(person(11).id, { administeredAt: '2021-10-01T09:00:00Z' });
    const second = await record(person(11).id, {
      administeredAt: '2021-11-01T09:00:00Z',
      consent: undefined,
      healthChanged: false,
    });
    await runSync();
    await app.inject({
      method: 'POST',
      url: `/persons/${person(11).id}/abroad-vaccinations`,
      headers: await as('asl_admin'),
      payload: {
        countryCode: 'Z112',
        administeredOn: '2021-06-01',
        productCode: 'COMIRNATY-30',
        doseNumber: 1,
        doseKind: 'primary',
      },
    });
    const screen = await app.inject({
      method: 'GET',
      url: `/administrations/${second.id}/dose-number`,
      headers: await as('asl_admin'),
    });
    expect(screen.statusCode, screen.body).toBe(200);
    expect(screen.json()).toMatchObject({ assigned: 2, current: 2, proposed: 3, forcedBefore: false });
    expect(
      screen.json<{ nationalSituation: { date: string }[] }>().nationalSituation.map((d) => d.date),
    ).toEqual(['2021-06-01', '2021-10-01', '2021-11-01']);
    expect(first.doseNumber).toBe(1);
    await setFaults({ mode: 'down' });
    const offline = await app.inject({
      method: 'GET',
      url: `/administrations/${second.id}/dose-number`,
      headers: await as('asl_admin'),
    });
    expect(offline.json()).toMatchObject({ assigned: 2, proposed: null, nationalSituation: null });
    const check = await app.inject({
      method: 'GET',
      url: `/persons/${person(11).id}/national-comparison`,
      headers: await as('vaccinator'),
    });
    expect(check.statusCode).toBe(503);
    expect(check.json()).toMatchObject({ code: 'NATIONAL_VACCINATIONS_UNREACHABLE' });
    await setFaults({ mode: 'none' });
  });

  it('DCC-1 DCC-2 DCC-3 each COVID dose the nation receives gets an EU DCC (1/2, then 2/2) that a venue verifies; a tampered one is invalid', async () => {
    const citizen = person(12);
    const first = await record(citizen.id, { administeredAt: '2021-12-01T09:00:00Z' });
    expect(first.doseNumber).toBe(1);
    const second = await record(citizen.id, {
      administeredAt: '2021-12-22T09:00:00Z',
      consent: undefined,
      healthChanged: false,
    });
    expect(second.doseNumber).toBe(2);
    await runSync();
    const listed = await national.inject({
      method: 'GET',
      url: `/dgc/persons/${citizen.identifier}/certificates`,
      headers: { authorization: `Bearer ${DEVELOPMENT_API_TOKEN}` },
    });
    const certificates =
      listed.json<{ doseNumber: number; totalDoses: number; hc1: string; vaccinatedOn: string }[]>();
    const doses = certificates.map((c) => `${c.vaccinatedOn} ${c.doseNumber}/${c.totalDoses}`);
    expect(doses).toEqual(expect.arrayContaining(['2021-12-01 1/2', '2021-12-22 2/2']));
    const complete = certificates.find((c) => c.vaccinatedOn === '2021-12-22');
    const verify = async (hc1: string) =>
      (
        await app.inject({
          method: 'POST',
          url: '/passes/verification',
          payload: { hc1, at: '2022-01-25T10:00:00Z' },
        })
      ).json<{
        status: string;
        reasons: { code: string }[];
        holder: { birthDate: string } | null;
      }>();
    const verdict = await verify(complete?.hc1 ?? '');
    expect(verdict.status, JSON.stringify(verdict.reasons)).toBe('valid');
    const tampered = `${complete?.hc1.slice(0, -6) ?? ''}ABCDEF`;
    expect((await verify(tampered)).status).toBe('invalid');
  });
});
