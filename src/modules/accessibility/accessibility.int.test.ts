import { beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestPostgresDatabase, describeEachEngine } from '../../../test/databases.ts';
import { buildTestApp, ensureStaffOfEveryRole, signInStaff, TEST_PASSWORD } from '../../../test/app.ts';
import { openDatabase, type Database, type DatabaseKind } from '../../platform/db/database.ts';
import { migrateToLatest } from '../../platform/db/migrate.ts';
import { AuthService } from '../../platform/auth/service.ts';
import { systemContext } from '../../platform/audit/audit.ts';
import { fixedClock } from '../../platform/clock.ts';
import { DomainError } from '../../platform/http/problem.ts';
import type { App } from '../../platform/http/types.ts';
import { loadReferenceData } from '../reference/service.ts';
import { generatePopulationIntoDatabase } from '../population/service.ts';
import { EligibilityService } from '../eligibility/service.ts';
import { BookingService } from '../booking/service.ts';
import { AccessibilityService } from './service.ts';
import { seedDemoSessions } from './demo.ts';

interface Person {
  id: number;
  tax_code: string;
  health_card_number: string;
}

/**
 * The main database and a second, independent handle on it: on PostgreSQL a second pool (as a second app
 * process would have), so concurrent bookings run on different connections; PGlite has one connection.
 */
interface Databases {
  main: Database;
  second: Database;
  close(): Promise<void>;
}

async function openDatabases(kind: DatabaseKind): Promise<Databases> {
  if (kind === 'pglite') {
    const main = await openDatabase({ dataDir: 'memory://' });
    await migrateToLatest(main.db);
    return { main, second: main, close: () => main.close() };
  }
  const url = await createTestPostgresDatabase();
  const main = await openDatabase({ databaseUrl: url, dataDir: '' });
  await migrateToLatest(main.db);
  const second = await openDatabase({ databaseUrl: url, dataDir: '' });
  return {
    main,
    second,
    close: async () => {
      await second.close();
      await main.close();
    },
  };
}

const NOW = '2021-04-10T08:00:00Z';
const DAY = '2021-04-14';
/** Vaxzevria's second dose, 84 days later (plan IT-2021-04-10). */
const SECOND_DOSE_DAY = '2021-07-07';

describeEachEngine('Accessibility', openDatabases, (databases, kind) => {
  let app: App;
  let usernames: Record<string, string>;
  let elderly: Person[];
  let cremona: number;
  let mantova: number;
  let next = 0;
  const database = () => databases().main;
  const as = (role: string) => signInStaff(app, usernames[role]);
  const asMantovaAdmin = () => signInStaff(app, 'test.asl-mantova');
  /** A person no other test has used. */
  const fresh = (): Person => {
    const person = elderly[next++];
    if (person === undefined) throw new Error('not enough elderly people in the test population');
    return person;
  };

  const citizen = async (person: Person) => {
    const response = await app.inject({
      method: 'POST',
      url: '/auth/citizen/session',
      payload: { taxCode: person.tax_code, healthCardNumber: person.health_card_number },
    });
    return { authorization: `Bearer ${response.json<{ token: string }>().token}` };
  };

  const searchSlots = async (headers: Record<string, string>) =>
    app.inject({
      method: 'GET',
      url: `/slots?municipalityIstat=019036&cap=26100&date=${DAY}&time=10:00`,
      headers,
    });

  const messagesOf = async (personId: number) =>
    (
      await sql<{ template: string; params: Record<string, unknown> }>`
        SELECT template, params FROM messages WHERE person_id = ${personId} ORDER BY id`.execute(
        database().db,
      )
    ).rows;

  const auditOf = async (entityType: string, entityId: number | string) =>
    (
      await sql<{ action: string; actor_role: string | null }>`
        SELECT action, actor_role FROM audit_log WHERE entity_type = ${entityType}
          AND entity_id = ${String(entityId)} ORDER BY id`.execute(database().db)
    ).rows;

  const setAuthority = async (person: Person, code: string) =>
    sql`UPDATE persons SET health_authority_code = ${code} WHERE id = ${person.id}`.execute(database().db);

  const askHome = async (headers: Record<string, string>, body: object) =>
    app.inject({ method: 'POST', url: '/home-vaccinations', headers, payload: body });

  const HOME_BODY = {
    selfSufficient: false,
    canTravelWithTransport: false,
    reason: 'bedridden',
  };

  const openSession = async (headers: Record<string, string>, body: object) =>
    app.inject({ method: 'POST', url: '/dedicated-sessions', headers, payload: body });

  beforeAll(async () => {
    await loadReferenceData(database());
    await generatePopulationIntoDatabase(database(), { people: 1500, seed: 41 });
    usernames = await ensureStaffOfEveryRole(database());
    const built = await buildTestApp(database(), { now: NOW });
    app = built.app;
    const clock = built.clock;
    await new EligibilityService(database().db, clock, '03').loadShippedPlanVersions();
    await new AuthService(database().db, fixedClock('2021-04-01T00:00:00Z'), {
      staffSessionMinutes: 60,
      citizenSessionMinutes: 30,
    }).createStaffAccount(
      {
        username: 'test.asl-mantova',
        displayName: 'ASL admin, Mantova',
        role: 'asl_admin',
        password: TEST_PASSWORD,
        healthAuthorityCodes: ['ASST-MANTOVA'],
      },
      systemContext('test', new Date('2021-04-01T00:00:00Z')),
    );
    const points = await database().db.selectFrom('vaccination_points').select(['id', 'code']).execute();
    cremona = points.find((p) => p.code === 'VP-CR-01')?.id ?? 0;
    mantova = points.find((p) => p.code === 'VP-MN-01')?.id ?? 0;
    const booking = new BookingService(
      database().db,
      clock,
      new EligibilityService(database().db, clock, '03'),
    );
    const setup = systemContext('test', clock.now());
    await booking.configureHub(
      cremona,
      { stations: 10, accessibility: ['step_free'], status: 'active' },
      setup,
    );
    for (const day of [DAY, SECOND_DOSE_DAY]) {
      await booking.setHubDay(
        cremona,
        day,
        {
          opensAt: '08:00',
          closesAt: '12:00',
          stations: 10,
          minutesPerVaccination: 5,
          slotMinutes: 15,
          stock: [{ product: 'VAXZEVRIA', doses: 300 }],
        },
        setup,
      );
    }
    elderly = (
      await sql<Person>`SELECT id, tax_code, health_card_number FROM persons WHERE health_card_number IS NOT NULL
        AND birth_date BETWEEN '1942-01-01' AND '1946-12-31' AND status = 'active' ORDER BY id LIMIT 20`.execute(
        database().db,
      )
    ).rows;
    expect(elderly.length).toBe(20);
    for (const person of elderly) await setAuthority(person, 'ASST-CREMONA');
  }, 120_000);

  describe('BOOK-14 home vaccination', () => {
    it('BOOK-14 a citizen on the home list is not offered hub slots, and is told by message', async () => {
      const person = fresh();
      const headers = await citizen(person);
      expect((await searchSlots(headers)).statusCode).toBe(200);
      const asked = await askHome(headers, { ...HOME_BODY, gpName: 'Dott.ssa Rossi', gpAgreed: true });
      expect(asked.statusCode).toBe(201);
      const request = asked.json<{ id: number; status: string; healthAuthorityCode: string }>();
      expect(request).toMatchObject({
        status: 'requested',
        healthAuthorityCode: 'ASST-CREMONA',
        gp: { name: 'Dott.ssa Rossi', agreed: true },
        requestedBy: { kind: 'citizen', role: 'citizen' },
      });
      // The booking search refuses, and so does a booking of a slot found before.
      const search = await searchSlots(headers);
      expect(search.statusCode).toBe(409);
      expect(search.json()).toMatchObject({ code: 'HOME_VACCINATION_LISTED' });
      const slot = await database()
        .db.selectFrom('slots')
        .select('id')
        .where('vaccination_point_id', '=', cremona)
        .where('day', '=', DAY)
        .orderBy('starts_at')
        .executeTakeFirstOrThrow();
      const booked = await app.inject({
        method: 'POST',
        url: '/bookings',
        headers,
        payload: { slotId: slot.id },
      });
      expect(booked.json()).toMatchObject({ code: 'HOME_VACCINATION_LISTED' });
      expect(await messagesOf(person.id)).toEqual([
        expect.objectContaining({ template: 'home_vaccination_listed' }),
      ]);
      expect(await auditOf('home_vaccination_request', request.id)).toEqual([
        { action: 'request', actor_role: 'citizen' },
      ]);
      // Asked twice (e.g. by the call center too): one request stands.
      const again = await askHome(await as('call_center'), { ...HOME_BODY, personId: person.id });
      expect(again.json()).toMatchObject({ code: 'HOME_VACCINATION_ALREADY_OPEN' });
    });

    it('BOOK-14 a self-sufficient person, or one who can travel with transport, is not put on the home list', async () => {
      const person = fresh();
      const headers = await as('call_center');
      for (const body of [
        { ...HOME_BODY, selfSufficient: true },
        { ...HOME_BODY, canTravelWithTransport: true },
      ]) {
        const response = await askHome(headers, { ...body, personId: person.id });
        expect(response.statusCode).toBe(400);
        expect(response.json()).toMatchObject({ code: 'HOME_VACCINATION_NOT_FOR_PERSON' });
      }
    });

    it('BOOK-14 the authority lists, plans, re-plans and closes visits; every change audited, the person told', async () => {
      const person = fresh();
      const gp = await askHome(await as('gp'), {
        ...HOME_BODY,
        personId: person.id,
        reason: 'cannot_be_transported',
        gpName: 'Dott. Bianchi',
        gpCode: 'gp1234',
        gpAgreed: true,
      });
      expect(gp.statusCode).toBe(201);
      const id = gp.json<{ id: number }>().id;
      const admin = await as('asl_admin');
      const list = await app.inject({
        method: 'GET',
        url: '/home-vaccinations?status=requested&gp=GP1234',
        headers: admin,
      });
      expect(list.statusCode).toBe(200);
      expect(list.json<{ items: { id: number }[] }>().items.map((item) => item.id)).toEqual([id]);
      const byName = await app.inject({
        method: 'GET',
        url: '/home-vaccinations?gp=bianchi',
        headers: admin,
      });
      expect(byName.json<{ items: { id: number }[] }>().items.map((item) => item.id)).toContain(id);
      const plan = (visitDay: string, team: string) =>
        app.inject({
          method: 'POST',
          url: `/home-vaccinations/${id}/plan`,
          headers: admin,
          payload: { visitDay, visitTime: '10:30', team, byGp: false },
        });
      expect((await plan('2021-04-09', 'Team A')).json()).toMatchObject({ code: 'HOME_VISIT_IN_THE_PAST' });
      expect((await plan('2021-04-15', 'Team A')).json()).toMatchObject({
        status: 'planned',
        visit: { day: '2021-04-15', time: '10:30', team: 'Team A', byGp: false },
      });
      expect((await plan('2021-04-16', 'Team B')).statusCode).toBe(200);
      const notPossible = await app.inject({
        method: 'POST',
        url: `/home-vaccinations/${id}/outcome`,
        headers: admin,
        payload: { outcome: 'not_possible' },
      });
      expect(notPossible.json()).toMatchObject({ code: 'HOME_OUTCOME_REASON_REQUIRED' });
      const done = await app.inject({
        method: 'POST',
        url: `/home-vaccinations/${id}/outcome`,
        headers: admin,
        payload: { outcome: 'done' },
      });
      expect(done.json()).toMatchObject({ status: 'done' });
      const planned = (await messagesOf(person.id)).filter((m) => m.template === 'home_vaccination_planned');
      expect(planned.map((m) => [m.params.visitDay, m.params.team, m.params.replanned])).toEqual([
        ['2021-04-15', 'Team A', false],
        ['2021-04-16', 'Team B', true],
      ]);
      expect((await auditOf('home_vaccination_request', id)).map((a) => a.action)).toEqual([
        'request',
        'plan',
        'plan',
        'done',
      ]);
      // Done at home: still no hub slots; withdrawn (the person can travel now): offered again.
      const headers = await citizen(person);
      expect((await searchSlots(headers)).json()).toMatchObject({ code: 'HOME_VACCINATION_LISTED' });
      const withdrawn = await app.inject({
        method: 'POST',
        url: `/home-vaccinations/${id}/withdraw`,
        headers,
        payload: { reason: 'può venire al centro con la figlia' },
      });
      expect(withdrawn.json()).toMatchObject({ status: 'withdrawn' });
      expect((await searchSlots(headers)).statusCode).toBe(200);
    });

    it('BOOK-14 SEC-2 an ASL admin of another authority neither sees nor plans the request', async () => {
      const person = fresh();
      const asked = await askHome(await as('call_center'), { ...HOME_BODY, personId: person.id });
      const id = asked.json<{ id: number }>().id;
      const other = await asMantovaAdmin();
      const plan = await app.inject({
        method: 'POST',
        url: `/home-vaccinations/${id}/plan`,
        headers: other,
        payload: { visitDay: '2021-04-15', team: 'Team M', byGp: false },
      });
      expect(plan.statusCode).toBe(403);
      expect(plan.json()).toMatchObject({ code: 'ACCESSIBILITY_OUT_OF_SCOPE' });
      const list = await app.inject({ method: 'GET', url: '/home-vaccinations', headers: other });
      expect(list.json<{ items: { id: number }[] }>().items.map((item) => item.id)).not.toContain(id);
      const read = await app.inject({ method: 'GET', url: `/home-vaccinations/${id}`, headers: other });
      expect(read.statusCode).toBe(403);
      // The region sees everything.
      const region = await app.inject({
        method: 'GET',
        url: `/home-vaccinations/${id}`,
        headers: await as('region_admin'),
      });
      expect(region.statusCode).toBe(200);
      // A citizen reaches only their own request.
      const stranger = await app.inject({
        method: 'GET',
        url: `/home-vaccinations/${id}`,
        headers: await citizen(fresh()),
      });
      expect(stranger.json()).toMatchObject({ code: 'HOME_VACCINATION_NOT_FOUND' });
    });
  });

  describe('BOOK-15 dedicated sessions', () => {
    const deafSession = (overrides: object = {}) => ({
      pointId: cremona,
      kind: 'deaf',
      supports: ['lis_interpreter'],
      day: DAY,
      from: '14:00',
      to: '16:00',
      groupSize: 2,
      ...overrides,
    });

    it('BOOK-15 the interpreter takes a place; a person with caregiver two; cancelling frees them; messages written', async () => {
      const admin = await as('asl_admin');
      const opened = await openSession(admin, deafSession());
      expect(opened.statusCode).toBe(201);
      const session = opened.json<{ id: number }>();
      // 1 interpreter + 2 people × 2 = 5 places, the interpreter's taken from the start.
      expect(session).toMatchObject({
        places: 5,
        supportPlaces: 1,
        placesTaken: 1,
        room: { people: 2, places: 4 },
      });
      const person = fresh();
      const headers = await citizen(person);
      const found = await app.inject({
        method: 'GET',
        url: `/dedicated-sessions?needs=lis_interpreter&from=${DAY}&to=${DAY}`,
        headers,
      });
      expect(found.json<{ id: number }[]>().map((s) => s.id)).toContain(session.id);
      const booked = await app.inject({
        method: 'POST',
        url: `/dedicated-sessions/${session.id}/bookings`,
        headers,
        payload: { needs: ['lis_interpreter'], withCaregiver: true },
      });
      expect(booked.statusCode).toBe(201);
      const code = booked.json<{ code: string }>().code;
      expect(booked.json()).toMatchObject({
        places: 2,
        withCaregiver: true,
        transport: null,
        session: { placesTaken: 3, peopleBooked: 1 },
      });
      // One way to the vaccine at a time: no hub slots while the session appointment stands.
      expect((await searchSlots(headers)).json()).toMatchObject({ code: 'DEDICATED_SESSION_BOOKED' });
      const cancelled = await app.inject({
        method: 'POST',
        url: `/dedicated-session-bookings/${code}/cancel`,
        headers,
        payload: { reason: 'ho trovato un altro giorno' },
      });
      expect(cancelled.json()).toMatchObject({
        status: 'cancelled',
        session: { placesTaken: 1, peopleBooked: 0 },
      });
      expect((await searchSlots(headers)).statusCode).toBe(200);
      expect((await messagesOf(person.id)).map((m) => m.template)).toEqual([
        'dedicated_session_booked',
        'dedicated_session_cancelled',
      ]);
    });

    it('BOOK-15 a blind person is not booked into a deaf session; a deaf session without interpreter is refused', async () => {
      const admin = await as('asl_admin');
      const noSupport = await openSession(admin, deafSession({ supports: ['guide'] }));
      expect(noSupport.json()).toMatchObject({ code: 'DEDICATED_SESSION_SUPPORT_MISSING' });
      const session = (await openSession(admin, deafSession({ from: '16:00', to: '17:00' }))).json<{
        id: number;
      }>();
      const response = await app.inject({
        method: 'POST',
        url: `/dedicated-sessions/${session.id}/bookings`,
        headers: await citizen(fresh()),
        payload: { needs: ['guide'], withCaregiver: false },
      });
      expect(response.json()).toMatchObject({ code: 'DEDICATED_SESSION_KIND_MISMATCH' });
    });

    it('BOOK-15 SEC-2 an ASL admin of another authority cannot open a session at a hub not theirs', async () => {
      const response = await openSession(await asMantovaAdmin(), deafSession());
      expect(response.statusCode).toBe(403);
      expect(response.json()).toMatchObject({ code: 'ACCESSIBILITY_OUT_OF_SCOPE' });
      const own = await openSession(await asMantovaAdmin(), deafSession({ pointId: mantova }));
      expect(own.statusCode).toBe(201);
    });

    it('BOOK-15 the authority cancels a session: its appointments are cancelled and each person told', async () => {
      const admin = await as('asl_admin');
      const session = (await openSession(admin, deafSession({ from: '17:00', to: '18:00' }))).json<{
        id: number;
      }>();
      const people = [fresh(), fresh()];
      for (const person of people) {
        const booked = await app.inject({
          method: 'POST',
          url: `/dedicated-sessions/${session.id}/bookings`,
          headers: await as('call_center'),
          payload: { personId: person.id, needs: ['lis_interpreter'], withCaregiver: false },
        });
        expect(booked.statusCode).toBe(201);
      }
      const refused = await app.inject({
        method: 'POST',
        url: `/dedicated-sessions/${session.id}/cancel`,
        headers: await asMantovaAdmin(),
        payload: { reason: 'interprete non disponibile' },
      });
      expect(refused.json()).toMatchObject({ code: 'ACCESSIBILITY_OUT_OF_SCOPE' });
      const cancelled = await app.inject({
        method: 'POST',
        url: `/dedicated-sessions/${session.id}/cancel`,
        headers: admin,
        payload: { reason: 'interprete non disponibile' },
      });
      expect(cancelled.json()).toMatchObject({
        bookingsCancelled: 2,
        session: { status: 'cancelled', placesTaken: 1, peopleBooked: 0 },
      });
      for (const person of people) {
        expect((await messagesOf(person.id)).map((m) => m.template)).toEqual([
          'dedicated_session_booked',
          'dedicated_session_cancelled',
        ]);
        // Free to book elsewhere now.
        expect((await searchSlots(await citizen(person))).statusCode).toBe(200);
      }
    });

    it(`BOOK-15 capacity holds under concurrent bookings on two connections [${kind}]`, async () => {
      // 1 interpreter + 3 people alone: 4 places, 6 people try at once through two independent handles.
      const opened = await openSession(
        await as('asl_admin'),
        deafSession({ from: '09:00', to: '10:00', groupSize: 3, places: 4 }),
      );
      const session = opened.json<{ id: number }>();
      const clock = fixedClock(NOW);
      const services = [databases().main, databases().second].map((handle) => {
        const eligibility = new EligibilityService(handle.db, clock, '03');
        return new AccessibilityService(
          handle.db,
          clock,
          eligibility,
          new BookingService(handle.db, clock, eligibility),
        );
      });
      const people = Array.from({ length: 6 }, () => fresh());
      const results = await Promise.allSettled(
        people.map((person, index) =>
          (services[index % 2] as AccessibilityService).bookSession(
            {
              sessionId: session.id,
              personId: person.id,
              needs: ['lis_interpreter'],
              withCaregiver: false,
              channel: 'web',
            },
            systemContext(`race-${index}`, clock.now()),
          ),
        ),
      );
      const codes = results.map((r) =>
        r.status === 'fulfilled'
          ? 'booked'
          : r.reason instanceof DomainError
            ? r.reason.code
            : String(r.reason),
      );
      expect(codes.filter((c) => c === 'booked')).toHaveLength(3);
      expect(codes.filter((c) => c !== 'booked')).toEqual([
        'DEDICATED_SESSION_FULL',
        'DEDICATED_SESSION_FULL',
        'DEDICATED_SESSION_FULL',
      ]);
      const row = await database()
        .db.selectFrom('dedicated_sessions')
        .select(['places_taken', 'people_booked'])
        .where('id', '=', session.id)
        .executeTakeFirstOrThrow();
      expect(row).toEqual({ places_taken: 4, people_booked: 3 });
      const booked = await database()
        .db.selectFrom('dedicated_session_bookings')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('session_id', '=', session.id)
        .where('status', '=', 'confirmed')
        .executeTakeFirstOrThrow();
      expect(Number(booked.n)).toBe(3);
      // The database refuses an over-booking whatever statement tries it.
      await expect(
        sql`UPDATE dedicated_sessions SET places_taken = places_taken + 1 WHERE id = ${session.id}`.execute(
          database().db,
        ),
      ).rejects.toThrow(/dedicated_sessions_places_not_over/);
    });
  });

  describe('BOOK-16 transport', () => {
    it('BOOK-16 transport on a hub booking and on a session booking is listed for the authority, per day and hub', async () => {
      const slot = await database()
        .db.selectFrom('slots')
        .select(['id', 'starts_at'])
        .where('vaccination_point_id', '=', cremona)
        .where('day', '=', DAY)
        .orderBy('starts_at', 'desc')
        .executeTakeFirstOrThrow();
      const hubPerson = fresh();
      const hubHeaders = await citizen(hubPerson);
      const booked = await app.inject({
        method: 'POST',
        url: '/bookings',
        headers: hubHeaders,
        payload: { slotId: slot.id, transport: 'wheelchair' },
      });
      expect(booked.statusCode).toBe(201);
      const hubCode = booked.json<{ code: string; transport: string }>().code;
      expect(booked.json()).toMatchObject({ transport: 'wheelchair' });
      // The second dose travels the same way.
      const second = await database()
        .db.selectFrom('bookings')
        .select(['transport', 'dose_number'])
        .where('person_id', '=', hubPerson.id)
        .orderBy('dose_number')
        .execute();
      expect(second).toEqual([
        { transport: 'wheelchair', dose_number: 1 },
        { transport: 'wheelchair', dose_number: 2 },
      ]);
      const transported = await openSession(await as('asl_admin'), {
        pointId: cremona,
        kind: 'transported',
        supports: [],
        day: DAY,
        from: '11:00',
        to: '12:00',
        groupSize: 4,
      });
      const sessionPerson = fresh();
      const sessionBooking = await app.inject({
        method: 'POST',
        url: `/dedicated-sessions/${transported.json<{ id: number }>().id}/bookings`,
        headers: await as('call_center'),
        payload: { personId: sessionPerson.id, needs: ['transport'], withCaregiver: true },
      });
      expect(sessionBooking.statusCode).toBe(201);
      expect(sessionBooking.json()).toMatchObject({ transport: 'seated', needs: ['transport'] });
      const list = await app.inject({
        method: 'GET',
        url: `/transports?from=${DAY}&to=${DAY}`,
        headers: await as('asl_admin'),
      });
      expect(list.statusCode).toBe(200);
      const entries =
        list.json<{ kind: string; code: string; day: string; transport: string; person: { id: number } }[]>();
      expect(entries).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ kind: 'hub_booking', code: hubCode, day: DAY, transport: 'wheelchair' }),
          expect.objectContaining({
            kind: 'dedicated_session',
            code: sessionBooking.json<{ code: string }>().code,
            transport: 'seated',
            withCaregiver: true,
          }),
        ]),
      );
      // Another authority's admin sees none of them.
      const other = await app.inject({
        method: 'GET',
        url: `/transports?from=${DAY}&to=${DAY}`,
        headers: await asMantovaAdmin(),
      });
      expect(other.json()).toEqual([]);
      // Cleared later (a relative drives them): gone from the list.
      const cleared = await app.inject({
        method: 'PUT',
        url: `/bookings/${hubCode}/transport`,
        headers: hubHeaders,
        payload: { transport: null },
      });
      expect(cleared.json()).toEqual({ code: hubCode, transport: null });
      const after = await app.inject({
        method: 'GET',
        url: `/transports?from=${DAY}&to=${DAY}`,
        headers: await as('asl_admin'),
      });
      expect(after.json<{ code: string }[]>().map((e) => e.code)).not.toContain(hubCode);
      expect(
        (
          await auditOf(
            'booking',
            (
              await database()
                .db.selectFrom('bookings')
                .select('id')
                .where('code', '=', hubCode)
                .executeTakeFirstOrThrow()
            ).id,
          )
        ).map((a) => a.action),
      ).toEqual(['book', 'set_transport', 'set_transport']);
    });
  });
  describe('BOOK-15 demo', () => {
    it('BOOK-15 the demo opens deaf, blind and transported sessions at each province’s first hub, once', async () => {
      const clock = fixedClock(NOW);
      const before = await database().db.selectFrom('dedicated_sessions').select('id').execute();
      await database().db.deleteFrom('dedicated_session_bookings').execute();
      await database().db.deleteFrom('dedicated_sessions').execute();
      const opened = await seedDemoSessions(database(), clock, '03', () => undefined);
      // Cremona (019) and Mantova (020): 4 sessions each.
      expect(opened).toBe(8);
      expect(await seedDemoSessions(database(), clock, '03', () => undefined)).toBe(0);
      const kinds = await database()
        .db.selectFrom('dedicated_sessions')
        .select(['kind', 'places', 'places_taken'])
        .orderBy('id')
        .execute();
      expect(kinds.slice(0, 4)).toEqual([
        { kind: 'deaf', places: 13, places_taken: 1 },
        { kind: 'blind', places: 9, places_taken: 1 },
        { kind: 'transported', places: 16, places_taken: 0 },
        { kind: 'deaf', places: 9, places_taken: 1 },
      ]);
      expect(before.length).toBeGreaterThan(0);
    });
  });
});
