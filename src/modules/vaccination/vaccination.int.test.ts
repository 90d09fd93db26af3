import { beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { describeEachDatabase } from '../../../test/databases.ts';
import { buildTestApp, ensureStaffOfEveryRole, signInStaff, TEST_PASSWORD } from '../../../test/app.ts';
import { AuthService } from '../../platform/auth/service.ts';
import { loadReferenceData } from '../reference/service.ts';
import { generatePopulationIntoDatabase } from '../population/service.ts';
import { EligibilityService } from '../eligibility/service.ts';
import { BookingService } from '../booking/service.ts';
import { systemContext } from '../../platform/audit/audit.ts';
import type { fixedClock } from '../../platform/clock.ts';
import type { App } from '../../platform/http/types.ts';
import { CONSENT, openHubDays } from '../../../test/registry-fixtures.ts';

interface Administration {
  id: number;
  doseNumber: number;
  doseKind: string;
  productCode: string;
  aic: string | null;
  recordedAt: string;
  planNationalVersion: string | null;
  bookingId: number | null;
  overriddenFindings: { rule: string; code: string }[];
}

const NOW = '2022-01-20T12:00:00Z';
/** CONS-2: for a child, whoever holds parental responsibility signs. */
const PARENT_CONSENT = { signerCapacity: 'parental_responsibility', signerName: 'Anna Bianchi' };

describeEachDatabase('Immunization registry', (database) => {
  let app: App;
  let clock: ReturnType<typeof fixedClock>;
  let usernames: Record<string, string>;
  let point: number;
  let otherPoint: number;
  let adults: number[];
  let child: number;
  let elderly: number;

  const as = (role: string) => signInStaff(app, usernames[role]);

  const administration = (overrides: Record<string, unknown>) => ({
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
    certificateContacts: { mobile: '+393331234567', email: null, confirmed: true },
    consent: CONSENT,
    ...overrides,
  });

  const record = async (body: object, role = 'vaccinator') =>
    app.inject({ method: 'POST', url: '/administrations', headers: await as(role), payload: body });

  beforeAll(async () => {
    await loadReferenceData(database());
    await generatePopulationIntoDatabase(database(), { people: 1500, seed: 43 });
    usernames = await ensureStaffOfEveryRole(database());
    const built = await buildTestApp(database(), { now: NOW });
    app = built.app;
    clock = built.clock;
    await new EligibilityService(database().db, clock, '03').loadShippedPlanVersions();
    const points = await database()
      .db.selectFrom('vaccination_points')
      .select('id')
      .orderBy('code')
      .execute();
    point = points[0]?.id ?? 0;
    otherPoint = points[1]?.id ?? 0;
    const born = async (from: string, to: string, limit: number) =>
      (
        await sql<{ id: number }>`SELECT id FROM persons WHERE birth_date BETWEEN ${from} AND ${to}
          AND status = 'active' ORDER BY id LIMIT ${limit}`.execute(database().db)
      ).rows.map((row) => Number(row.id));
    adults = await born('1970-01-01', '1985-12-31', 11);
    [child = 0] = await born('2010-02-01', '2010-12-31', 1);
    [elderly = 0] = await born('1942-01-01', '1946-12-31', 1);
    expect(adults).toHaveLength(11);
    expect(child).toBeGreaterThan(0);
  });

  describe('VAX-1 VAX-6 recording and dose numbers', () => {
    it('VAX-1 VAX-6 a first Comirnaty dose is dose 1 of a primary cycle, with both times and the plan version', async () => {
      const response = await record(administration({ personId: adults[0] }));
      expect(response.statusCode).toBe(201);
      expect(response.json<Administration>()).toMatchObject({
        doseNumber: 1,
        doseKind: 'primary',
        productCode: 'COMIRNATY-30',
        recordedAt: new Date(NOW).toISOString(),
        planNationalVersion: 'IT-2021-04-10',
        overriddenFindings: [],
      });
    });

    it('VAX-6 21 days later the second dose is dose 2; VAX-5 the history lists both in order', async () => {
      const response = await record(
        administration({ personId: adults[0], administeredAt: '2021-12-22T09:30:00Z' }),
      );
      expect(response.json<Administration>()).toMatchObject({ doseNumber: 2, doseKind: 'primary' });
      const history = await app.inject({
        method: 'GET',
        url: `/persons/${adults[0]}/administrations`,
        headers: await as('vaccinator'),
      });
      expect(history.json<Administration[]>().map((a) => a.doseNumber)).toEqual([1, 2]);
    });

    it('VAX-10 booster refused for "Altro" under 60, recorded as dose 3 for a health worker', async () => {
      const refused = await record(
        administration({ personId: adults[0], administeredAt: '2022-01-15T09:00:00Z' }),
      );
      expect(refused.statusCode).toBe(409);
      expect(refused.json()).toMatchObject({ code: 'BOOSTER_NOT_ADMISSIBLE' });
      const booster = await record(
        administration({
          personId: adults[0],
          administeredAt: '2022-01-15T09:00:00Z',
          riskCategory: 'Operatore sanitario',
        }),
      );
      expect(booster.json<Administration>()).toMatchObject({ doseNumber: 3, doseKind: 'booster' });
    });

    it('VAX-6 two records for one person at once get dose numbers 1 and 2, never the same', async () => {
      const results = await Promise.all([
        record(administration({ personId: adults[1] })),
        record(administration({ personId: adults[1], administeredAt: '2021-12-22T09:30:00Z' })),
      ]);
      expect(results.map((r) => r.statusCode)).toEqual([201, 201]);
      expect(results.map((r) => r.json<Administration>().doseNumber).sort()).toEqual([1, 2]);
    });
  });

  describe('VAX-4 refusals', () => {
    it.each([
      ['a date in the future', { administeredAt: '2022-01-20T12:00:01Z' }, 'ADMINISTRATION_IN_THE_FUTURE'],
      ['a lot expired before the day', { lotExpiry: '2021-11-30' }, 'LOT_EXPIRED'],
      ['an unknown product', { productCode: 'NOT-A-VACCINE' }, 'ADMINISTRATION_PRODUCT_UNKNOWN'],
      [
        'a product not yet authorised on the day',
        { productCode: 'NUVAXOVID', volumeMl: 0.5 },
        'ADMINISTRATION_PRODUCT_UNKNOWN',
      ],
    ])('VAX-4 %s is refused', async (_case, overrides, code) => {
      const response = await record(administration({ personId: adults[2], ...overrides }));
      expect(response.json()).toMatchObject({ code });
      const history = await database()
        .db.selectFrom('administrations')
        .select('id')
        .where('person_id', '=', adults[2] ?? 0)
        .execute();
      expect(history).toEqual([]);
    });

    it('VAX-2 a risk category outside the registry’s six is refused by the API and by the database', async () => {
      const response = await record(administration({ personId: adults[2], riskCategory: 'Over 80' }));
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ pointer: '/body/riskCategory' });
      await expect(
        sql`UPDATE administrations SET risk_category = 'Over 80'`.execute(database().db),
      ).rejects.toThrow(/risk_category/);
    });

    it('VAX-4 the database refuses an expired lot even from a wrong statement', async () => {
      await expect(
        sql`UPDATE administrations SET lot_expiry = administered_on - 1`.execute(database().db),
      ).rejects.toThrow(/administrations_lot_not_expired/);
    });
  });

  describe('VAX-20..22 certificate contacts', () => {
    it('VAX-22 a COVID vaccination is not saved without the contacts tick', async () => {
      const response = await record(
        administration({
          personId: adults[3],
          certificateContacts: { mobile: null, email: null, confirmed: false },
        }),
      );
      expect(response.json()).toMatchObject({
        code: 'CERTIFICATE_CONTACTS_NOT_CONFIRMED',
        pointer: '/certificateContacts/confirmed',
      });
    });

    it('VAX-21 a mobile with spaces is refused', async () => {
      const response = await record(
        administration({
          personId: adults[3],
          certificateContacts: { mobile: '333 1234567', email: null, confirmed: true },
        }),
      );
      expect(response.json()).toMatchObject({ code: 'CERTIFICATE_MOBILE_INVALID' });
    });

    it('VAX-22 a flu vaccination ignores the tick and keeps no certificate contacts', async () => {
      const response = await record(
        administration({
          personId: adults[3],
          productCode: 'VAXIGRIP-TETRA',
          volumeMl: 0.5,
          administeredAt: '2021-11-10T09:00:00Z',
          certificateContacts: { mobile: null, email: null, confirmed: false },
        }),
      );
      expect(response.json<Administration>()).toMatchObject({ doseNumber: 1, planNationalVersion: null });
      const contacts = await database()
        .db.selectFrom('certificate_contacts')
        .select('administration_id')
        .where('administration_id', '=', response.json<Administration>().id)
        .execute();
      expect(contacts).toEqual([]);
    });

    it('VAX-20 the contacts given are kept apart, with "none given" when the person gave none', async () => {
      const response = await record(
        administration({
          personId: adults[3],
          certificateContacts: { mobile: null, email: null, confirmed: true },
        }),
      );
      expect(response.statusCode, response.body).toBe(201);
      const contacts = await database()
        .db.selectFrom('certificate_contacts')
        .selectAll()
        .where('administration_id', '=', response.json<Administration>().id)
        .executeTakeFirst();
      expect(contacts).toMatchObject({ mobile: null, email: null, none_given: true });
    });
  });

  describe('VAX-12 non-conforming doses and the override', () => {
    it('VAX-12 an adult dose for an 11-year-old is flagged; recorded only with the override, which is audited', async () => {
      const body = administration({
        personId: child,
        administeredAt: '2022-01-10T09:00:00Z',
        consent: { ...CONSENT, ...PARENT_CONSENT },
      });
      const flagged = await record(body);
      expect(flagged.statusCode).toBe(409);
      expect(flagged.json()).toMatchObject({
        code: 'DOSE_NON_CONFORMING',
        findings: [{ rule: 'VAX-12', code: 'PEDIATRIC_NON_CONFORMING', severity: 'non_conforming' }],
      });
      const confirmed = await record({ ...body, override: true });
      expect(confirmed.statusCode).toBe(201);
      const row = confirmed.json<Administration>();
      expect(row.overriddenFindings).toEqual([{ rule: 'VAX-12', code: 'PEDIATRIC_NON_CONFORMING' }]);
      const audit = await database()
        .db.selectFrom('audit_log')
        .select(['action', 'actor_role'])
        .where('entity_type', '=', 'administration')
        .where('entity_id', '=', String(row.id))
        .execute();
      expect(audit).toEqual([{ action: 'record_with_override', actor_role: 'vaccinator' }]);
    });

    it('VAX-12 the pediatric product at 0.2 ml is recorded without a finding', async () => {
      const response = await record(
        administration({
          personId: child,
          productCode: 'COMIRNATY-10-PED',
          volumeMl: 0.2,
          administeredAt: '2022-01-11T09:00:00Z',
          override: false,
        }),
      );
      // The child's history already has the overridden adult dose: this is dose 2, too early (VAX-13).
      expect(response.json()).toMatchObject({ code: 'DOSE_NON_CONFORMING' });
    });
  });

  describe('SEC-2 and the check-in', () => {
    it('SEC-2 a vaccinator records only for their own vaccination point', async () => {
      const response = await record(administration({ personId: adults[4], vaccinationPointId: otherPoint }));
      expect(response.statusCode).toBe(403);
      expect(response.json()).toMatchObject({ code: 'ADMINISTRATION_POINT_OUT_OF_SCOPE' });
    });

    it('VAX-1 check-in from a booking gives the person and the product, and links the booking once', async () => {
      const eligibility = new EligibilityService(database().db, clock, '03');
      const booking = new BookingService(database().db, clock, eligibility);
      const setup = systemContext('test', clock.now());
      await openHubDays(booking, point, ['2022-01-21', '2022-02-11'], setup);
      const slot = await database()
        .db.selectFrom('slots')
        .select('id')
        .where('vaccination_point_id', '=', point)
        .where('day', '=', '2022-01-21')
        .orderBy('starts_at')
        .executeTakeFirstOrThrow();
      const { confirmation } = await booking.book(
        { personId: elderly, slotId: slot.id, idempotencyKey: undefined, channel: 'call_center' },
        setup,
      );
      clock.set('2022-01-21T09:00:00Z');
      const body = administration({
        productCode: undefined,
        bookingCode: confirmation.booking.code,
        administeredAt: '2022-01-21T08:10:00Z',
        riskCategory: 'Età > 60 anni',
      });
      const response = await record(body);
      expect(response.statusCode).toBe(201);
      expect(response.json<Administration>()).toMatchObject({
        productCode: confirmation.booking.product_code,
        bookingId: confirmation.booking.id,
        doseNumber: 1,
      });
      const again = await record({ ...body, administeredAt: '2022-01-21T08:20:00Z' });
      expect(again.statusCode).toBe(409);
      const other = await record({ ...body, personId: adults[5] });
      expect(other.json()).toMatchObject({ code: 'CHECK_IN_BOOKING_OF_ANOTHER_PERSON' });
      // A cancelled booking is not checked in.
      const slot2 = await database()
        .db.selectFrom('slots')
        .select('id')
        .where('vaccination_point_id', '=', point)
        .where('day', '=', '2022-01-21')
        .orderBy('starts_at', 'desc')
        .executeTakeFirstOrThrow();
      clock.set(NOW);
      const { rows: others } = await sql<{ id: number }>`SELECT id FROM persons
        WHERE birth_date BETWEEN '1942-01-01' AND '1946-12-31' AND status = 'active' AND id <> ${elderly}
        ORDER BY id LIMIT 1`.execute(database().db);
      const cancelled = await booking.book(
        {
          personId: Number(others[0]?.id),
          slotId: slot2.id,
          idempotencyKey: undefined,
          channel: 'call_center',
        },
        setup,
      );
      await booking.cancel(cancelled.confirmation.booking.code, undefined, 'test', 'cancel', setup);
      clock.set('2022-01-21T09:00:00Z');
      const refused = await record(
        administration({
          productCode: undefined,
          bookingCode: cancelled.confirmation.booking.code,
          administeredAt: '2022-01-21T08:30:00Z',
        }),
      );
      expect(refused.statusCode).toBe(409);
      expect(refused.json()).toMatchObject({ code: 'CHECK_IN_BOOKING_CANCELLED' });
    });
  });

  describe('VAX-3 late records', () => {
    it('VAX-3 a record made hours after the administration shows, by point and operator', async () => {
      clock.set(NOW);
      await record(administration({ personId: adults[4], administeredAt: '2022-01-20T08:00:00Z' }));
      const response = await app.inject({
        method: 'GET',
        url: '/reports/late-administrations?from=2022-01-20&to=2022-01-20&lateAfterMinutes=60',
        headers: await as('point_admin'),
      });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual([
        {
          vaccinationPointId: point,
          operator: usernames.vaccinator,
          recorded: 1,
          late: 1,
          latestDelayMinutes: 240,
        },
      ]);
    });
  });
  describe('VAX-7 VAX-8a corrections', () => {
    let otherVaccinator: { authorization: string };
    let recorded: Administration;

    beforeAll(async () => {
      clock.set(NOW);
      const username = 'test.vaccinator-elsewhere';
      await new AuthService(database().db, clock, {
        staffSessionMinutes: 60,
        citizenSessionMinutes: 30,
      }).createStaffAccount(
        {
          username,
          displayName: 'elsewhere',
          role: 'vaccinator',
          password: TEST_PASSWORD,
          vaccinationPointIds: [otherPoint],
        },
        systemContext('test', clock.now()),
      );
      otherVaccinator = await signInStaff(app, username);
      recorded = (await record(administration({ personId: adults[5] }))).json<Administration>();
    });

    const patch = async (headers: Record<string, string>) =>
      app.inject({
        method: 'PATCH',
        url: `/administrations/${recorded.id}`,
        headers,
        payload: { lot: 'FK9999' },
      });
    const force = async (headers: Record<string, string>, doseNumber: number) =>
      app.inject({
        method: 'PUT',
        url: `/administrations/${recorded.id}/dose-number`,
        headers,
        payload: { doseNumber },
      });

    it('VAX-8a the recording point changes the fields; another point’s vaccinator and the ASL admin cannot', async () => {
      expect((await patch(await as('vaccinator'))).json()).toMatchObject({ lot: 'FK9999' });
      expect((await patch(otherVaccinator)).json()).toMatchObject({
        code: 'ADMINISTRATION_EDIT_OUT_OF_SCOPE',
      });
      expect((await patch(await as('asl_admin'))).statusCode).toBe(403);
    });

    it.each(['vaccinator', 'point_admin', 'asl_admin', 'region_admin', 'elsewhere'])(
      'VAX-8a the dose number alone may be corrected by any registry user: %s',
      async (who) => {
        const headers = who === 'elsewhere' ? otherVaccinator : await as(who);
        const response = await force(headers, 1);
        expect(response.statusCode, response.body).toBe(200);
      },
    );

    it('VAX-8a a GP is not a registry user and cannot correct a dose number', async () => {
      expect((await force(await as('gp'), 2)).statusCode).toBe(403);
    });

    it('VAX-7 a forced number keeps the assigned one, takes its kind from the cycle, is checked, flagged and audited', async () => {
      const forced = await force(await as('vaccinator'), 2);
      expect(forced.json()).toMatchObject({
        forcedBefore: true,
        administration: { doseNumber: 2, assignedDoseNumber: 1, doseKind: 'primary' },
      });
      // Dose 3 after a two-dose cycle is a booster, refused for "Altro" under 60 (VAX-10).
      const booster = await force(await as('vaccinator'), 3);
      expect(booster.json()).toMatchObject({ code: 'BOOSTER_NOT_ADMISSIBLE' });
      const audit = await database()
        .db.selectFrom('audit_log')
        .select(['before', 'after'])
        .where('entity_type', '=', 'administration')
        .where('entity_id', '=', String(recorded.id))
        .where('action', '=', 'force_dose_number')
        .orderBy('id', 'desc')
        .executeTakeFirstOrThrow();
      expect(audit.before).toMatchObject({ dose_number: 1 });
      expect(audit.after).toMatchObject({ dose_number: 2, dose_kind: 'primary' });
    });
  });
  describe('VAX-14..16, VAX-18 infections', () => {
    const infection = (overrides: Record<string, unknown> = {}) => ({
      testType: 'molecular',
      sampledOn: '2021-03-01',
      resultOn: '2021-03-02',
      recoveredOn: '2021-03-20',
      place: { regionCode: '03' },
      ...overrides,
    });
    const enter = async (personId: number | undefined, body: object) =>
      app.inject({
        method: 'POST',
        url: `/persons/${personId}/infections`,
        headers: await as('vaccinator'),
        payload: body,
      });

    it.each([
      ['a result before the sample', { resultOn: '2021-02-28' }, 'INFECTION_RESULT_BEFORE_SAMPLE'],
      ['a recovery on the result day', { recoveredOn: '2021-03-02' }, 'INFECTION_RECOVERY_NOT_AFTER_RESULT'],
      ['a recovery in the future', { recoveredOn: '2022-02-01' }, 'INFECTION_IN_THE_FUTURE'],
    ])('VAX-16 %s is refused', async (_case, overrides, code) => {
      expect((await enter(adults[6], infection(overrides))).json()).toMatchObject({ code });
    });

    it('VAX-16 the database refuses a recovery before the result even from a wrong statement', async () => {
      await expect(
        sql`INSERT INTO infections (person_id, source, test_type, sampled_on, result_on, recovered_on, region_code, recorded_at)
          VALUES (${adults[6]}, 'operator', 'molecular', '2021-03-01', '2021-03-05', '2021-03-04', '03', now())`.execute(
          database().db,
        ),
      ).rejects.toThrow(/infections_recovery_after_result/);
    });

    it('VAX-15 none recorded: a resident gets no warning, a person outside the regional health service does', async () => {
      const check = async (personId: number | undefined) =>
        (
          await app.inject({
            method: 'GET',
            url: `/persons/${personId}/infections/check`,
            headers: await as('vaccinator'),
          })
        ).json<{ recorded: boolean; mayBeIncomplete: boolean }>();
      expect(await check(adults[7])).toMatchObject({ recorded: false, mayBeIncomplete: false });
      await sql`UPDATE persons SET status = 'out_of_region' WHERE id = ${adults[8]}`.execute(database().db);
      expect(await check(adults[8])).toMatchObject({ recorded: false, mayBeIncomplete: true });
    });

    it('VAX-14 VAX-15 an entered infection is shown since its sample and can be corrected; one from surveillance cannot', async () => {
      const entered = await enter(adults[6], infection({ place: { countryCode: 'DE' } }));
      expect(entered.statusCode, entered.body).toBe(201);
      const { id } = entered.json<{ id: number }>();
      // The regional surveillance feed writes its own rows (simulated here: the feed is not built yet).
      await sql`INSERT INTO infections (person_id, source, test_type, sampled_on, result_on, recovered_on, region_code, recorded_at)
        VALUES (${adults[6]}, 'surveillance', 'molecular', '2021-10-01', '2021-10-02', '2021-10-15', '03', now())`.execute(
        database().db,
      );
      const check = await app.inject({
        method: 'GET',
        url: `/persons/${adults[6]}/infections/check`,
        headers: await as('vaccinator'),
      });
      expect(check.json()).toMatchObject({
        recorded: true,
        infections: [
          { id, since: '2021-03-01', recoveredOn: '2021-03-20', editable: true },
          { since: '2021-10-01', editable: false },
        ],
      });
      const surveillanceId = check.json<{ infections: { id: number }[] }>().infections[1]?.id;
      const correct = async (infectionId: number | undefined) =>
        app.inject({
          method: 'PATCH',
          url: `/infections/${infectionId}`,
          headers: await as('vaccinator'),
          payload: { recoveredOn: '2021-03-25' },
        });
      expect((await correct(id)).json()).toMatchObject({ recoveredOn: '2021-03-25' });
      expect((await correct(surveillanceId)).json()).toMatchObject({ code: 'INFECTION_NOT_EDITABLE' });
    });

    it('VAX-18 after an infection before dose 1, one dose completes the cycle: the next dose is a booster, dose 2', async () => {
      await enter(adults[7], infection());
      const first = await record(
        administration({ personId: adults[7], administeredAt: '2021-06-01T09:00:00Z' }),
      );
      expect(first.json()).toMatchObject({ doseNumber: 1, doseKind: 'primary' });
      const next = await record(
        administration({
          personId: adults[7],
          administeredAt: '2021-12-20T09:00:00Z',
          riskCategory: 'Operatore sanitario',
        }),
      );
      expect(next.json()).toMatchObject({ doseNumber: 2, doseKind: 'booster' });
      // An infection after the doses is kept aside, and the screen says where the person stands.
      await enter(
        adults[7],
        infection({ sampledOn: '2022-01-02', resultOn: '2022-01-03', recoveredOn: null }),
      );
      const check = await app.inject({
        method: 'GET',
        url: `/persons/${adults[7]}/infections/check`,
        headers: await as('vaccinator'),
      });
      expect(check.json()).toMatchObject({
        infections: [
          { since: '2021-03-01', standing: 'prior' },
          { since: '2022-01-02', standing: 'kept_aside' },
        ],
        nextDoseDue: { status: 'cycle_complete', completedOn: '2021-06-01' },
      });
    });
  });
  describe('VAX-19 anomaly reports', () => {
    interface Report {
      id: number;
      healthAuthorityCode: string;
      status: string;
    }
    const file = async (body: object) =>
      app.inject({ method: 'POST', url: '/anomaly-reports', headers: await as('vaccinator'), payload: body });
    const move = async (id: number, body: object, role = 'asl_admin') =>
      app.inject({
        method: 'POST',
        url: `/anomaly-reports/${id}/status`,
        headers: await as(role),
        payload: body,
      });
    const list = async (role: string) =>
      (await app.inject({ method: 'GET', url: '/anomaly-reports', headers: await as(role) })).json<
        Report[]
      >();

    it('VAX-19 a report on a vaccination goes to the recording point’s authority, which handles it until closed', async () => {
      const [{ authority = '' } = {}] = (
        await sql<{ authority: string }>`SELECT health_authority_code AS authority FROM vaccination_points
          WHERE id = ${point}`.execute(database().db)
      ).rows;
      const given = (
        await record(administration({ personId: adults[8], administeredAt: '2021-12-05T09:00:00Z' }))
      ).json<Administration>();
      const filed = await file({
        personId: adults[8],
        administrationId: given.id,
        concerns: 'national',
        description: 'The national registry shows this dose twice.',
      });
      expect(filed.statusCode, filed.body).toBe(201);
      const report = filed.json<Report>();
      expect(report).toMatchObject({ healthAuthorityCode: authority, status: 'open' });
      expect((await list('asl_admin')).map((r) => r.id)).toContain(report.id);
      expect((await move(report.id, { status: 'in_progress' })).json()).toMatchObject({
        status: 'in_progress',
      });
      expect((await move(report.id, { status: 'closed' })).json()).toMatchObject({
        code: 'ANOMALY_RESOLUTION_REQUIRED',
      });
      expect(
        (await move(report.id, { status: 'closed', resolution: 'Duplicate removed nationally.' })).json(),
      ).toMatchObject({
        status: 'closed',
      });
      expect((await move(report.id, { status: 'in_progress' })).json()).toMatchObject({
        code: 'ANOMALY_REPORT_CLOSED',
      });
    });

    it('VAX-19 another authority’s report is not this ASL office’s to see or handle; the region sees all', async () => {
      // A person cared for by another authority than the test ASL office's.
      await sql`UPDATE persons SET health_authority_code = (SELECT code FROM health_authorities
          WHERE code <> (SELECT health_authority_code FROM vaccination_points WHERE id = ${point}) ORDER BY code LIMIT 1)
        WHERE id = ${adults[6]}`.execute(database().db);
      const other = { id: adults[6] };
      const filed = await file({
        personId: Number(other?.id),
        administrationId: null,
        concerns: 'registry',
        description: 'Birth date differs from the identity document.',
      });
      expect(filed.statusCode, `${other?.id} ${filed.body}`).toBe(201);
      const report = filed.json<Report>();
      expect((await list('asl_admin')).map((r) => r.id)).not.toContain(report.id);
      expect((await list('region_admin')).map((r) => r.id)).toContain(report.id);
      expect((await move(report.id, { status: 'in_progress' })).json()).toMatchObject({
        code: 'ANOMALY_REPORT_OUT_OF_SCOPE',
      });
    });

    it('VAX-19 a report naming another person’s vaccination is refused', async () => {
      const given = (
        await record(administration({ personId: adults[8], administeredAt: '2021-12-26T09:00:00Z' }))
      ).json<Administration>();
      const response = await file({
        personId: adults[7],
        administrationId: given.id,
        concerns: 'registry',
        description: 'Wrong lot recorded on this dose.',
      });
      expect(response.json()).toMatchObject({ code: 'ANOMALY_ADMINISTRATION_OF_ANOTHER_PERSON' });
    });
  });
  describe('CONS-1..5 informed consent', () => {
    it('CONS-1 a first dose without consent is not recorded', async () => {
      const response = await record(administration({ personId: adults[9], consent: undefined }));
      expect(response.json()).toMatchObject({ code: 'CONSENT_REQUIRED', pointer: '/consent' });
    });

    it('CONS-1 consent before the information note was read is refused', async () => {
      const response = await record(
        administration({ personId: adults[9], consent: { ...CONSENT, informationNoteRead: false } }),
      );
      expect(response.json()).toMatchObject({ code: 'CONSENT_INFORMATION_NOT_READ' });
    });

    it('CONS-2 a child does not sign for themselves; a parent does', async () => {
      const bySelf = await record(
        administration({
          personId: child,
          productCode: 'COMIRNATY-10-PED',
          volumeMl: 0.2,
          administeredAt: '2022-01-12T09:00:00Z',
          override: true,
        }),
      );
      expect(bySelf.json()).toMatchObject({ code: 'CONSENT_SIGNER_NOT_ALLOWED' });
    });

    it('CONS-4 a second dose relies on the first one’s consent and records whether health changed', async () => {
      const person = adults[2];
      await record(administration({ personId: person, administeredAt: '2021-11-01T09:00:00Z' }));
      const second = { personId: person, administeredAt: '2021-11-22T09:00:00Z', consent: undefined };
      expect((await record(administration(second))).json()).toMatchObject({
        code: 'CONSENT_HEALTH_CHANGE_REQUIRED',
      });
      const recorded = await record(administration({ ...second, healthChanged: false }));
      expect(recorded.json()).toMatchObject({ doseNumber: 2 });
      const consents = await database()
        .db.selectFrom('consents')
        .select(['decision', 'signer_capacity'])
        .where('person_id', '=', person ?? 0)
        .execute();
      expect(consents).toEqual([{ decision: 'accepted', signer_capacity: 'self' }]);
    });

    it('CONS-3 a health director’s consent for a person in natural incapacity waits for the judge within 48 hours', async () => {
      const response = await record(
        administration({
          personId: adults[3],
          administeredAt: '2022-01-19T09:00:00Z',
          consent: {
            ...CONSENT,
            signerCapacity: 'health_director',
            signerName: 'Direttore sanitario ASST',
            situation: { protection: 'none', naturalIncapacity: true, inFacility: false },
            heardReachable: false,
          },
        }),
      );
      expect(response.statusCode, response.body).toBe(201);
      const consent = await database()
        .db.selectFrom('consents')
        .select(['id', 'judge_validation_due_at'])
        .where('administration_id', '=', response.json<Administration>().id)
        .executeTakeFirstOrThrow();
      expect(consent.judge_validation_due_at?.toISOString()).toBe('2022-01-22T12:00:00.000Z');
      const waiting = await app.inject({
        method: 'GET',
        url: '/reports/consents-awaiting-judge',
        headers: await as('point_admin'),
      });
      expect(waiting.json()).toEqual([expect.objectContaining({ consentId: consent.id, overdue: false })]);
      const validate = async (validatedAt: string) =>
        app.inject({
          method: 'PUT',
          url: `/consents/${consent.id}/judge-validation`,
          headers: await as('point_admin'),
          payload: { validatedAt },
        });
      expect((await validate('2022-01-25T09:00:00Z')).statusCode).toBe(400);
      const validated = await validate('2022-01-20T11:00:00Z');
      expect(validated.statusCode, validated.body).toBe(200);
      expect(validated.json()).toMatchObject({ judgeValidatedAt: '2022-01-20T11:00:00.000Z' });
      // Recording it again changes nothing.
      expect((await validate('2022-01-20T11:30:00Z')).json()).toMatchObject({
        judgeValidatedAt: '2022-01-20T11:00:00.000Z',
      });
      const after = await app.inject({
        method: 'GET',
        url: '/reports/consents-awaiting-judge',
        headers: await as('point_admin'),
      });
      expect(after.json()).toEqual([]);
    });

    it('CONS-3 a consent signed by the person needs no judge', async () => {
      const signed = await database()
        .db.selectFrom('consents')
        .select('id')
        .where('signer_capacity', '=', 'self')
        .executeTakeFirstOrThrow();
      const response = await app.inject({
        method: 'PUT',
        url: `/consents/${signed.id}/judge-validation`,
        headers: await as('point_admin'),
        payload: { validatedAt: '2022-01-20T11:00:00Z' },
      });
      expect(response.statusCode).toBe(409);
      expect(response.json()).toMatchObject({ code: 'CONSENT_JUDGE_NOT_REQUIRED' });
    });

    it('CONS-5 a refusal is recorded; for a health worker the answer recalls the legal duty', async () => {
      const response = await app.inject({
        method: 'POST',
        url: `/persons/${adults[10]}/consent-refusals`,
        headers: await as('vaccinator'),
        payload: { consent: { ...CONSENT, informationNoteRead: false }, healthWorker: true },
      });
      expect(response.statusCode, response.body).toBe(201);
      expect(response.json()).toMatchObject({ decision: 'refused', legalDuty: true });
    });
  });
});
