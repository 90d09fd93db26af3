import { beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { describeEachDatabase } from '../../../test/databases.ts';
import { buildTestApp, ensureStaffOfEveryRole, signInStaff } from '../../../test/app.ts';
import { loadReferenceData } from '../reference/service.ts';
import { generatePopulationIntoDatabase } from '../population/service.ts';
import { EligibilityService } from '../eligibility/service.ts';
import { BookingService } from '../booking/service.ts';
import { checkInvariants } from '../booking/invariants.ts';
import { systemContext } from '../../platform/audit/audit.ts';
import type { fixedClock } from '../../platform/clock.ts';
import type { App } from '../../platform/http/types.ts';
import { WaitingListService } from './service.ts';

interface Person {
  id: number;
  tax_code: string;
  health_card_number: string;
}

/** Days at the Cremona hub: first doses, and Vaxzevria's second doses 84 days later (plan IT-2021-04-10). */
const OFFER_DAY = '2021-04-14';
const OFFER_SECOND_DAY = '2021-07-07';
const LATER_DAY = '2021-04-15';
const LATER_SECOND_DAY = '2021-07-08';
const RACE_DAY = '2021-04-16';
const RACE_SECOND_DAY = '2021-07-09';
const REBOOK_DAY = '2021-04-17';
const REBOOK_SECOND_DAY = '2021-07-10';
const STANDBY_DAY = '2021-04-20';
const STANDBY_SECOND_DAY = '2021-07-13';

describeEachDatabase('Waiting list, no-shows, standby', (database) => {
  let app: App;
  let clock: ReturnType<typeof fixedClock>;
  let usernames: Record<string, string>;
  let people: Person[];
  let cremona: number;
  let booking: BookingService;

  const as = (role: string) => signInStaff(app, usernames[role]);
  const citizen = async (person: Person) => {
    const response = await app.inject({
      method: 'POST',
      url: '/auth/citizen/session',
      payload: { taxCode: person.tax_code, healthCardNumber: person.health_card_number },
    });
    return { authorization: `Bearer ${response.json<{ token: string }>().token}` };
  };
  const person = (index: number): Person => {
    const found = people[index];
    if (found === undefined) throw new Error(`no person ${index}`);
    return found;
  };
  const join = async (who: Person) =>
    app.inject({
      method: 'POST',
      url: '/waiting-list/entries',
      headers: await citizen(who),
      payload: { municipalityIstat: '019036', cap: '26100' },
    });
  const status = async (who: Person) =>
    (await app.inject({ method: 'GET', url: '/waiting-list/status', headers: await citizen(who) })).json<{
      entry: { id: number; status: string; priority: number } | null;
      ahead: number | null;
      offer: { id: number; status: string; startsAt: string; expiresAt: string } | null;
    }>();
  const run = async () =>
    (
      await app.inject({ method: 'POST', url: '/waiting-list/runs', headers: await as('region_admin') })
    ).json<{
      expired: number;
      offered: number;
      closed: number;
    }>();
  const openDay = async (day: string, opensAt: string, closesAt: string, stations: number, doses: number) =>
    booking.setHubDay(
      cremona,
      day,
      {
        opensAt,
        closesAt,
        stations,
        minutesPerVaccination: 15,
        slotMinutes: 15,
        stock: [{ product: 'VAXZEVRIA', doses }],
      },
      systemContext('test', clock.now()),
    );
  const slotOf = async (day: string) =>
    database()
      .db.selectFrom('slots')
      .select(['id', 'booked', 'capacity', 'starts_at'])
      .where('vaccination_point_id', '=', cremona)
      .where('day', '=', day)
      .orderBy('starts_at')
      .execute();
  const openOffers = async () =>
    (
      await sql<{ entry_id: number; slot_id: number; person_id: number }>`SELECT entry_id, slot_id, person_id
        FROM waiting_list_offers WHERE status = 'offered' ORDER BY id`.execute(database().db)
    ).rows.map((row) => ({
      entry: Number(row.entry_id),
      slot: Number(row.slot_id),
      person: Number(row.person_id),
    }));

  beforeAll(async () => {
    await loadReferenceData(database());
    await generatePopulationIntoDatabase(database(), { people: 1500, seed: 41 });
    usernames = await ensureStaffOfEveryRole(database());
    const built = await buildTestApp(database(), { now: '2021-04-10T08:00:00Z' });
    app = built.app;
    clock = built.clock;
    const eligibility = new EligibilityService(database().db, clock, '03');
    await eligibility.loadShippedPlanVersions();
    booking = new BookingService(database().db, clock, eligibility);
    const points = await database().db.selectFrom('vaccination_points').select(['id', 'code']).execute();
    cremona = points.find((p) => p.code === 'VP-CR-01')?.id ?? 0;
    const setup = systemContext('test', clock.now());
    await booking.configureHub(cremona, { stations: 10, accessibility: [], status: 'active' }, setup);
    for (const day of [
      OFFER_SECOND_DAY,
      LATER_SECOND_DAY,
      RACE_SECOND_DAY,
      REBOOK_SECOND_DAY,
      STANDBY_SECOND_DAY,
    ])
      await openDay(day, '08:00', '12:00', 10, 300);
    people = (
      await sql<Person>`SELECT id, tax_code, health_card_number FROM persons WHERE health_card_number IS NOT NULL
        AND birth_date BETWEEN '1942-01-01' AND '1946-12-31' AND status = 'active' ORDER BY id LIMIT 12`.execute(
        database().db,
      )
    ).rows.map((row) => ({ ...row, id: Number(row.id) }));
    expect(people.length).toBe(12);
  });

  describe('BOOK-13 waiting list', () => {
    it('BOOK-13 with no place free in the area a person joins once per dose, by the API and by the database', async () => {
      const first = await join(person(0));
      expect(first.statusCode).toBe(201);
      expect(first.json()).toMatchObject({ status: 'waiting', doseNumber: 1, personId: person(0).id });
      const again = await join(person(0));
      expect(again.statusCode).toBe(409);
      expect(again.json()).toMatchObject({ code: 'WAITING_LIST_ALREADY_JOINED' });
      await expect(
        sql`INSERT INTO waiting_list_entries (person_id, dose_number, area_code, municipality_istat, cap, products,
            priority, category, channel, status, joined_at)
          SELECT person_id, dose_number, area_code, municipality_istat, cap, products, priority, category, channel,
            'waiting', joined_at FROM waiting_list_entries WHERE person_id = ${person(0).id}`.execute(
          database().db,
        ),
      ).rejects.toThrow(/waiting_list_one_per_dose/);
    });

    it('BOOK-13 the call center adds a person on their behalf; the status says how many are ahead', async () => {
      clock.advance(60_000);
      const response = await app.inject({
        method: 'POST',
        url: '/waiting-list/entries',
        headers: await as('call_center'),
        payload: { personId: person(1).id, municipalityIstat: '019036', cap: '26100' },
      });
      expect(response.statusCode).toBe(201);
      clock.advance(60_000);
      expect((await join(person(2))).statusCode).toBe(201);
      const seen = await status(person(2));
      expect(seen).toMatchObject({ entry: { status: 'waiting' }, ahead: 2, offer: null });
    });

    it('BOOK-13 ELIG-2 a higher-priority person is offered the opening place first; the held place cannot be booked by others', async () => {
      // Person 1 is of category 1 (e.g. extremely vulnerable): first in the queue, although they joined later.
      await sql`UPDATE waiting_list_entries SET priority = 1 WHERE person_id = ${person(1).id}`.execute(
        database().db,
      );
      // One place: 09:00-09:15 with one station.
      await openDay(OFFER_DAY, '09:00', '09:15', 1, 10);
      expect(await run()).toMatchObject({ offered: 1, expired: 0 });
      const [slot] = await slotOf(OFFER_DAY);
      expect(slot).toMatchObject({ capacity: 1, booked: 1 });
      expect((await openOffers()).map(({ slot: s, person: p }) => ({ slot: s, person: p }))).toEqual([
        { slot: slot?.id, person: person(1).id },
      ]);
      const offered = await status(person(1));
      expect(offered.offer).toMatchObject({ status: 'offered', startsAt: '2021-04-14T07:00:00.000Z' });
      // Appointment more than 72 h away: held 24 h.
      expect(offered.offer?.expiresAt).toBe('2021-04-11T08:02:00.000Z');
      // Someone else tries to take the held place.
      const taken = await app.inject({
        method: 'POST',
        url: '/bookings',
        headers: await citizen(person(5)),
        payload: { slotId: slot?.id },
      });
      expect(taken.statusCode).toBe(409);
      expect(taken.json()).toMatchObject({ code: 'SLOT_FULL' });
      // The offer's message was written with it.
      const messages = await sql<{ n: number }>`SELECT count(*)::integer AS n FROM messages
        WHERE template = 'waiting_list_offer' AND person_id = ${person(1).id}`.execute(database().db);
      expect(Number(messages.rows[0]?.n)).toBe(1);
      // A second run offers nothing more: no place left, one open offer per entry.
      expect(await run()).toMatchObject({ offered: 0 });
    });

    it('BOOK-13 an expired offer gives its place to the next person in priority order', async () => {
      clock.set('2021-04-11T08:03:00Z');
      const result = await run();
      expect(result).toMatchObject({ expired: 1, offered: 1 });
      const [slot] = await slotOf(OFFER_DAY);
      expect(slot).toMatchObject({ booked: 1 });
      // Person 0 joined first among those of equal priority; person 1 is not offered the same place again.
      expect((await openOffers()).map(({ slot: s, person: p }) => ({ slot: s, person: p }))).toEqual([
        { slot: slot?.id, person: person(0).id },
      ]);
      expect((await status(person(1))).offer).toMatchObject({ status: 'expired' });
      expect((await status(person(1))).entry).toMatchObject({ status: 'waiting' });
    });

    it('BOOK-13 BOOK-9 BOOK-10 accepting books the held place and the second dose exactly once', async () => {
      const offer = (await status(person(0))).offer;
      const headers = await citizen(person(0));
      const accept = () =>
        app.inject({ method: 'POST', url: `/waiting-list/offers/${offer?.id}/accept`, headers, payload: {} });
      const first = await accept();
      expect(first.statusCode).toBe(201);
      const again = await accept();
      expect(again.statusCode).toBe(200);
      expect(again.json<{ code: string }>().code).toBe(first.json<{ code: string }>().code);
      const made = first.json<{ startsAt: string; secondDose: { startsAt: string } | null }>();
      expect(made.startsAt).toBe('2021-04-14T07:00:00.000Z');
      expect(made.secondDose?.startsAt).toMatch(/^2021-07-07T/);
      const bookings = await sql<{ n: number }>`SELECT count(*)::integer AS n FROM bookings
        WHERE person_id = ${person(0).id} AND status = 'confirmed'`.execute(database().db);
      expect(Number(bookings.rows[0]?.n)).toBe(2);
      const [slot] = await slotOf(OFFER_DAY);
      expect(slot).toMatchObject({ booked: 1, capacity: 1 });
      expect((await status(person(0))).entry).toMatchObject({ status: 'booked' });
      expect((await checkInvariants(database().db)).holds).toBe(true);
    });

    it('BOOK-13 declining gives the place back at once and the next run offers it to the next person', async () => {
      await openDay(LATER_DAY, '09:00', '09:15', 1, 10);
      await run();
      const offers = await openOffers();
      expect(offers).toHaveLength(1);
      expect(offers[0]?.person).toBe(person(1).id);
      const offer = (await status(person(1))).offer;
      const declined = await app.inject({
        method: 'POST',
        url: `/waiting-list/offers/${offer?.id}/decline`,
        headers: await as('call_center'),
        payload: {},
      });
      expect(declined.json()).toMatchObject({ status: 'declined' });
      expect((await slotOf(LATER_DAY))[0]).toMatchObject({ booked: 0 });
      await run();
      expect((await openOffers()).map((o) => o.person)).toEqual([person(2).id]);
    });

    it('BOOK-13 two offer runs at once never offer one place twice nor one person twice', async () => {
      for (const index of [3, 4, 6, 7]) {
        clock.advance(1000);
        expect((await join(person(index))).statusCode).toBe(201);
      }
      // Three places for five people waiting without an open offer (1, 3, 4, 6, 7).
      await openDay(RACE_DAY, '09:00', '09:45', 1, 10);
      const context = systemContext('race', clock.now());
      const services = [1, 2].map(
        () =>
          new WaitingListService(
            database().db,
            clock,
            new BookingService(database().db, clock, new EligibilityService(database().db, clock, '03')),
          ),
      );
      const results = await Promise.all(services.map((service) => service.makeOffers(context)));
      expect(results.reduce((sum, r) => sum + r.offered, 0)).toBe(3);
      const slots = await slotOf(RACE_DAY);
      expect(slots.map((s) => s.booked)).toEqual([1, 1, 1]);
      const offers = (await openOffers()).filter((o) => slots.some((s) => s.id === o.slot));
      expect(offers).toHaveLength(3);
      expect(new Set(offers.map((o) => o.entry)).size).toBe(3);
      expect(new Set(offers.map((o) => o.slot)).size).toBe(3);
      // The first in priority order (person 1, category 1) is always among them; two runs at once take
      // the next people in parallel (each skips the one the other holds).
      expect(offers.map((o) => o.person)).toContain(person(1).id);
    });

    it('BOOK-13 leaving withdraws the open offer and gives its place back', async () => {
      const offered = (await openOffers()).map((o) => o.person);
      const who = [3, 4, 6, 7].map(person).find((p) => offered.includes(p.id));
      if (who === undefined) throw new Error('nobody of the race holds an offer');
      const seen = await status(who);
      const left = await app.inject({
        method: 'POST',
        url: `/waiting-list/entries/${seen.entry?.id}/leave`,
        headers: await citizen(who),
        payload: {},
      });
      expect(left.json()).toMatchObject({ status: 'left' });
      expect((await status(who)).offer).toMatchObject({ status: 'withdrawn' });
      const booked = (await slotOf(RACE_DAY)).reduce((sum, s) => sum + s.booked, 0);
      expect(booked).toBe(2);
    });

    it('BOOK-13 SEC-2 an ASL admin lists their area in priority order; another area is refused', async () => {
      const area = await database()
        .db.selectFrom('vaccination_points')
        .select('health_authority_code')
        .where('id', '=', cremona)
        .executeTakeFirstOrThrow();
      const list = await app.inject({
        method: 'GET',
        url: `/waiting-list/areas/${area.health_authority_code}/entries`,
        headers: await as('asl_admin'),
      });
      expect(list.statusCode).toBe(200);
      const body = list.json<{ entries: { entry: { priority: number; personId: number } }[] }>();
      expect(body.entries[0]?.entry).toMatchObject({ priority: 1, personId: person(1).id });
      const other = await app.inject({
        method: 'GET',
        url: '/waiting-list/areas/ZZ-OTHER/entries',
        headers: await as('asl_admin'),
      });
      expect(other.json()).toMatchObject({ code: 'WAITING_LIST_AREA_OUT_OF_SCOPE' });
    });

    it('BOOK-13 joining is refused while places are free in the area', async () => {
      await openDay('2021-04-19', '09:00', '12:00', 10, 100);
      const response = await join(person(8));
      expect(response.statusCode).toBe(409);
      expect(response.json()).toMatchObject({ code: 'WAITING_LIST_SLOTS_FREE' });
    });
  });

  describe('BOOK-9 no-shows', () => {
    it('BOOK-9 a day is marked only once it is over, then its unchecked bookings once (idempotent, audited, told)', async () => {
      // Person 0 has the 09:00 booking of OFFER_DAY; person 8 books 09:00 of 2021-04-19 and checks in.
      const other = await app.inject({
        method: 'POST',
        url: '/bookings',
        headers: await citizen(person(8)),
        payload: { slotId: (await slotOf('2021-04-19'))[0]?.id },
      });
      expect(other.statusCode).toBe(201);
      const early = await app.inject({
        method: 'POST',
        url: `/hubs/${cremona}/days/${OFFER_DAY}/no-shows`,
        headers: await as('asl_admin'),
      });
      expect(early.json()).toMatchObject({ code: 'NO_SHOW_DAY_NOT_OVER' });
      clock.set('2021-04-14T09:30:00Z');
      const headers = await as('asl_admin');
      const first = await app.inject({
        method: 'POST',
        url: `/hubs/${cremona}/days/${OFFER_DAY}/no-shows`,
        headers,
      });
      expect(first.json()).toMatchObject({ marked: 1 });
      const second = await app.inject({
        method: 'POST',
        url: `/hubs/${cremona}/days/${OFFER_DAY}/no-shows`,
        headers,
      });
      expect(second.json()).toMatchObject({ marked: 0 });
      const rows = await sql<{ status: string; cancel_reason: string; dose_number: number }>`SELECT status,
        cancel_reason, dose_number FROM bookings WHERE person_id = ${person(0).id} ORDER BY dose_number`.execute(
        database().db,
      );
      expect(rows.rows).toEqual([
        { status: 'cancelled', cancel_reason: 'no_show', dose_number: 1 },
        // BOOK-10: the second dose waits for the rebooking.
        { status: 'confirmed', cancel_reason: null, dose_number: 2 },
      ]);
      const told = await sql<{ template: string; status: string }>`SELECT template, status FROM messages
        WHERE person_id = ${person(0).id} AND template IN ('booking_no_show', 'booking_cancelled')`.execute(
        database().db,
      );
      expect(told.rows).toEqual(
        expect.arrayContaining([
          { template: 'booking_no_show', status: 'pending' },
          { template: 'booking_cancelled', status: 'cancelled' },
        ]),
      );
      expect(told.rows.filter((m) => m.template === 'booking_no_show')).toHaveLength(1);
      const audit = await sql<{ n: number }>`SELECT count(*)::integer AS n FROM audit_log
        WHERE action = 'mark_no_show'`.execute(database().db);
      expect(Number(audit.rows[0]?.n)).toBe(1);
      expect((await checkInvariants(database().db)).holds).toBe(true);
    });

    it('BOOK-9 a booking checked in (an administration names it) is not a no-show', async () => {
      const checkedIn = await sql<{
        id: number;
        person_id: number;
        product_code: string;
      }>`SELECT id, person_id,
        product_code FROM bookings WHERE person_id = ${person(8).id} AND dose_number = 1`.execute(
        database().db,
      );
      const row = checkedIn.rows[0];
      const operator = await database()
        .db.selectFrom('staff_accounts')
        .select('id')
        .where('username', '=', usernames.vaccinator ?? '')
        .executeTakeFirstOrThrow();
      await sql`INSERT INTO administrations (person_id, administered_at, administered_on, recorded_at, product_code,
          lot, lot_expiry, volume_ml, risk_category, health_condition, route, site, payment_mode,
          vaccination_point_id, dose_number, dose_kind, operator_account_id, booking_id, assigned_dose_number)
        VALUES (${row?.person_id}, '2021-04-19T07:05:00Z', '2021-04-19', '2021-04-19T07:06:00Z', ${row?.product_code},
          'LOT1', '2021-12-31', 0.5, 'Altro', 'nessuna', 'intramuscular', 'left_deltoid',
          'national_health_service', ${cremona}, 1, 'primary', ${operator.id}, ${row?.id}, 1)`.execute(
        database().db,
      );
      clock.set('2021-04-19T12:00:00Z');
      const marked = await app.inject({
        method: 'POST',
        url: `/hubs/${cremona}/days/2021-04-19/no-shows`,
        headers: await as('asl_admin'),
      });
      expect(marked.json()).toMatchObject({ marked: 0 });
    });

    it('BOOK-9 BOOK-10 rebooking after a no-show moves the second dose with the first, once', async () => {
      await openDay(REBOOK_DAY, '09:00', '12:00', 10, 100);
      clock.set('2021-04-15T08:00:00Z');
      const code = (
        await sql<{ code: string }>`SELECT code FROM bookings WHERE person_id = ${person(0).id}
          AND dose_number = 1`.execute(database().db)
      ).rows[0]?.code;
      const headers = await citizen(person(0));
      const seen = await app.inject({ method: 'GET', url: `/no-shows/${code}`, headers });
      expect(seen.statusCode).toBe(200);
      const view = seen.json<{ secondDose: { code: string } | null; proposal: { slotId: number } | null }>();
      expect(view.secondDose).not.toBeNull();
      expect(view.proposal).not.toBeNull();
      const slot = (await slotOf(REBOOK_DAY))[0];
      const rebook = () =>
        app.inject({
          method: 'POST',
          url: `/no-shows/${code}/rebook`,
          headers,
          payload: { slotId: slot?.id },
        });
      const first = await rebook();
      expect(first.statusCode).toBe(201);
      const made = first.json<{ startsAt: string; secondDose: { startsAt: string } | null }>();
      expect(made.startsAt).toBe('2021-04-17T07:00:00.000Z');
      expect(made.secondDose?.startsAt).toMatch(/^2021-07-10T/);
      const again = await rebook();
      expect(again.statusCode).toBe(200);
      expect(again.json<{ code: string }>().code).toBe(first.json<{ code: string }>().code);
      const open = await sql<{
        dose_number: number;
        starts_at: Date;
      }>`SELECT dose_number, starts_at FROM bookings
        WHERE person_id = ${person(0).id} AND status = 'confirmed' ORDER BY dose_number`.execute(
        database().db,
      );
      expect(open.rows.map((r) => [r.dose_number, new Date(r.starts_at).toISOString().slice(0, 10)])).toEqual(
        [
          [1, REBOOK_DAY],
          [2, REBOOK_SECOND_DAY],
        ],
      );
      const old = await sql<{
        status: string;
        cancel_reason: string;
      }>`SELECT status, cancel_reason FROM bookings
        WHERE code = ${view.secondDose?.code ?? ''}`.execute(database().db);
      expect(old.rows[0]).toEqual({ status: 'cancelled', cancel_reason: 'moved_with_first_dose' });
      expect((await checkInvariants(database().db)).holds).toBe(true);
    });
  });

  describe('BOOK-13 same-day standby list', () => {
    it('BOOK-13 ELIG-2 standbys are called in priority order, as many as the doses left, SMS first; who accepts is booked', async () => {
      clock.set('2021-04-20T06:00:00Z');
      // 08:00-20:00 with plenty of places but only 2 doses left to use.
      await openDay(STANDBY_DAY, '08:00', '20:00', 10, 2);
      const who = [9, 10, 11].map(person);
      for (const [i, p] of who.entries()) {
        clock.advance(1000);
        await sql`UPDATE persons SET phone = ${`33312345${i}0`}, email = NULL WHERE id = ${p.id}`.execute(
          database().db,
        );
        const response = await app.inject({
          method: 'POST',
          url: '/standby',
          headers: await citizen(p),
          payload: { pointId: cremona, day: STANDBY_DAY },
        });
        expect(response.statusCode).toBe(201);
      }
      // The last to register is of category 1.
      await sql`UPDATE standby_registrations SET priority = 1 WHERE person_id = ${person(11).id}`.execute(
        database().db,
      );
      clock.set('2021-04-20T15:00:00Z');
      const call = () =>
        as('asl_admin').then((headers) =>
          app.inject({ method: 'POST', url: `/hubs/${cremona}/days/${STANDBY_DAY}/standby-calls`, headers }),
        );
      const calls = await call();
      expect(calls.statusCode).toBe(200);
      const called = calls.json<{
        freePlaces: number;
        called: { personId: number; calls: { id: number; channel: string }[] }[];
      }>();
      expect(called.freePlaces).toBe(2);
      expect(called.called.map((r) => r.personId).sort()).toEqual([person(11).id, person(9).id].sort());
      expect(called.called.every((r) => r.calls[0]?.channel === 'sms')).toBe(true);
      // Calling again while those calls are pending calls nobody more.
      expect((await call()).json<{ called: unknown[] }>().called).toHaveLength(0);
      const byPerson = new Map(called.called.map((r) => [r.personId, r.calls[0]?.id]));
      const accepted = await app.inject({
        method: 'POST',
        url: `/standby-calls/${byPerson.get(person(11).id)}/outcome`,
        headers: await citizen(person(11)),
        payload: { outcome: 'accepted' },
      });
      expect(accepted.statusCode).toBe(200);
      const answer = accepted.json<{
        call: { outcome: string };
        booking: { startsAt: string; secondDose: { startsAt: string } | null } | null;
      }>();
      expect(answer.call.outcome).toBe('accepted');
      expect(answer.booking?.startsAt).toBe('2021-04-20T15:15:00.000Z');
      expect(answer.booking?.secondDose?.startsAt).toMatch(/^2021-07-13/);
      const declined = await app.inject({
        method: 'POST',
        url: `/standby-calls/${byPerson.get(person(9).id)}/outcome`,
        headers: await as('asl_admin'),
        payload: { outcome: 'declined' },
      });
      expect(declined.json()).toMatchObject({ call: { outcome: 'declined' }, booking: null });
      // One dose left: the next in priority order (person 10) is called.
      const next = (await call()).json<{ freePlaces: number; called: { personId: number }[] }>();
      expect(next.freePlaces).toBe(1);
      expect(next.called.map((r) => r.personId)).toEqual([person(10).id]);
      expect((await checkInvariants(database().db)).holds).toBe(true);
    });
  });
});
