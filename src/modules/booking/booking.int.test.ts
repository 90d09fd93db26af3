import { beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { describeEachDatabase } from '../../../test/databases.ts';
import { buildTestApp, ensureStaffOfEveryRole, signInStaff } from '../../../test/app.ts';
import { loadReferenceData } from '../reference/service.ts';
import { generatePopulationIntoDatabase } from '../population/service.ts';
import { EligibilityService } from '../eligibility/service.ts';
import { BookingService } from './service.ts';
import { checkInvariants } from './invariants.ts';
import { systemContext } from '../../platform/audit/audit.ts';
import type { fixedClock } from '../../platform/clock.ts';
import type { App } from '../../platform/http/types.ts';

interface Person {
  id: number;
  tax_code: string;
  health_card_number: string;
}

interface Booking {
  code: string;
  status: string;
  startsAt: string;
  channel: string;
  product: { code: string };
  place: { code: string };
  bring: { code: string }[];
  planVersions: { national: string; calendar: string | null };
  offerId: string;
}

interface Search {
  hubs: {
    hub: { code: string };
    distanceKm: number;
    slot: { id: number; startsAt: string; free: number } | null;
  }[];
  products: string[] | null;
}

const DAY = '2021-04-14';
const TIGHT_DAY = '2021-04-15';
/** BOOK-10: Vaxzevria's second dose, 84 days later (plan IT-2021-04-10). */
const SECOND_DOSE_DAY = '2021-07-07';
/** Group booking: a small day, and Comirnaty's second dose 21 days after it. */
const GROUP_DAY = '2021-04-16';
const GROUP_SECOND_DOSE_DAY = '2021-05-07';

describeEachDatabase('Booking', (database) => {
  let app: App;
  let clock: ReturnType<typeof fixedClock>;
  let usernames: Record<string, string>;
  let elderly: Person[];
  let cremona: number;
  let mantova: number;

  const as = (role: string) => signInStaff(app, usernames[role]);

  const citizen = async (person: Person) => {
    const response = await app.inject({
      method: 'POST',
      url: '/auth/citizen/session',
      payload: { taxCode: person.tax_code, healthCardNumber: person.health_card_number },
    });
    return { authorization: `Bearer ${response.json<{ token: string }>().token}` };
  };

  const search = async (headers: Record<string, string>, query = '') =>
    app.inject({
      method: 'GET',
      url: `/slots?municipalityIstat=019036&cap=26100&date=${DAY}&time=10:00${query}`,
      headers,
    });

  const book = async (headers: Record<string, string>, body: object, key?: string) =>
    app.inject({
      method: 'POST',
      url: '/bookings',
      headers: { ...headers, ...(key ? { 'idempotency-key': key } : {}) },
      payload: body,
    });

  const slotAt = async (pointId: number, startsAt: string) =>
    await database()
      .db.selectFrom('slots')
      .select(['id', 'booked', 'capacity'])
      .where('vaccination_point_id', '=', pointId)
      .where('starts_at', '=', new Date(startsAt))
      .executeTakeFirstOrThrow();

  beforeAll(async () => {
    await loadReferenceData(database());
    await generatePopulationIntoDatabase(database(), { people: 1500, seed: 41 });
    usernames = await ensureStaffOfEveryRole(database());
    const built = await buildTestApp(database(), { now: '2021-04-10T08:00:00Z' });
    app = built.app;
    clock = built.clock;
    await new EligibilityService(database().db, clock, '03').loadShippedPlanVersions();
    const points = await database().db.selectFrom('vaccination_points').select(['id', 'code']).execute();
    cremona = points.find((p) => p.code === 'VP-CR-01')?.id ?? 0;
    mantova = points.find((p) => p.code === 'VP-MN-01')?.id ?? 0;
    // Mantova belongs to another authority than the test ASL admin's: set up directly.
    const service = new BookingService(
      database().db,
      clock,
      new EligibilityService(database().db, clock, '03'),
    );
    const setup = systemContext('test', clock.now());
    await service.configureHub(mantova, { stations: 8, accessibility: [], status: 'active' }, setup);
    await service.setHubDay(
      mantova,
      DAY,
      {
        opensAt: '08:00',
        closesAt: '12:00',
        stations: 8,
        minutesPerVaccination: 5,
        slotMinutes: 15,
        stock: [{ product: 'VAXZEVRIA', doses: 50 }],
      },
      setup,
    );
    // The Cremona hub's second-dose day; the tests configure its first-dose days through the API.
    await service.configureHub(
      cremona,
      { stations: 10, accessibility: ['step_free', 'parking'], status: 'active' },
      setup,
    );
    await service.setHubDay(
      cremona,
      SECOND_DOSE_DAY,
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
    for (const [day, opensAt, closesAt, stations, product] of [
      [GROUP_DAY, '09:00', '10:00', 2, 'COMIRNATY-30'],
      [GROUP_SECOND_DOSE_DAY, '09:00', '12:00', 10, 'COMIRNATY-30'],
    ] as const) {
      await service.setHubDay(
        cremona,
        day,
        {
          opensAt,
          closesAt,
          stations,
          minutesPerVaccination: 15,
          slotMinutes: 15,
          stock: [{ product, doses: 100 }],
        },
        setup,
      );
    }
    elderly = (
      await sql<Person>`SELECT id, tax_code, health_card_number FROM persons WHERE health_card_number IS NOT NULL
        AND birth_date BETWEEN '1942-01-01' AND '1946-12-31' ORDER BY id LIMIT 15`.execute(database().db)
    ).rows;
    expect(elderly.length).toBe(15);
  });

  describe('BOOK-1..3 hubs and capacity', () => {
    it('BOOK-1 a hub needs at least 5 stations: the API and the database refuse 4', async () => {
      const refused = await app.inject({
        method: 'PUT',
        url: `/hubs/${cremona}`,
        headers: await as('asl_admin'),
        payload: { stations: 4, accessibility: [], status: 'active' },
      });
      expect(refused.statusCode).toBe(400);
      await expect(
        sql`INSERT INTO hubs (vaccination_point_id, stations, status, updated_at)
          SELECT id, 4, 'active', now() FROM vaccination_points WHERE code = 'VP-CR-02'`.execute(
          database().db,
        ),
      ).rejects.toThrow(/hubs_at_least_five_stations/);
    });

    it('BOOK-2 a day of capacity becomes slots: 08:00-12:00, 10 stations, 5 minutes, 15-minute slots = 16 × 30', async () => {
      const configured = await app.inject({
        method: 'PUT',
        url: `/hubs/${cremona}`,
        headers: await as('asl_admin'),
        payload: { stations: 10, accessibility: ['step_free', 'parking'], status: 'active' },
      });
      expect(configured.statusCode).toBe(200);
      const day = await app.inject({
        method: 'PUT',
        url: `/hubs/${cremona}/days/${DAY}`,
        headers: await as('asl_admin'),
        payload: {
          opensAt: '08:00',
          closesAt: '12:00',
          stations: 10,
          minutesPerVaccination: 5,
          slotMinutes: 15,
          stock: [
            { product: 'VAXZEVRIA', doses: 300 },
            { product: 'COMIRNATY-30', doses: 300 },
          ],
        },
      });
      expect(day.json()).toEqual({ pointId: cremona, day: DAY, slots: 16, capacity: 480 });
      // 10:00 Rome summer time is 08:00 UTC.
      expect(await slotAt(cremona, `${DAY}T08:00:00Z`)).toMatchObject({ capacity: 30, booked: 0 });
    });

    it('SEC-2 an ASL admin cannot manage another authority’s hub', async () => {
      const response = await app.inject({
        method: 'PUT',
        url: `/hubs/${mantova}`,
        headers: await as('asl_admin'),
        payload: { stations: 10, accessibility: [], status: 'active' },
      });
      expect(response.json()).toMatchObject({ code: 'HUB_OUT_OF_SCOPE' });
    });

    it('BOOK-1 a day cannot have more stations than the hub', async () => {
      const response = await app.inject({
        method: 'PUT',
        url: `/hubs/${cremona}/days/${DAY}`,
        headers: await as('asl_admin'),
        payload: {
          opensAt: '08:00',
          closesAt: '12:00',
          stations: 11,
          minutesPerVaccination: 5,
          slotMinutes: 15,
          stock: [],
        },
      });
      expect(response.json()).toMatchObject({ code: 'HUB_DAY_TOO_MANY_STATIONS' });
    });
  });

  describe('BOOK-6, BOOK-7 nearest hub', () => {
    it('BOOK-6 a CAP of another municipality is refused', async () => {
      const response = await app.inject({
        method: 'GET',
        url: `/slots?municipalityIstat=019036&cap=46100&date=${DAY}&time=10:00`,
        headers: await citizen(elderly[0] as Person),
      });
      expect(response.json()).toMatchObject({ code: 'CAP_NOT_OF_MUNICIPALITY' });
    });

    it('BOOK-7 from Cremona the Cremona hub comes first with the wanted time, Mantova after with its distance', async () => {
      const response = await search(await citizen(elderly[0] as Person));
      expect(response.statusCode).toBe(200);
      const result = response.json<Search>();
      const [first, second] = result.hubs;
      expect(first).toMatchObject({
        hub: { code: 'VP-CR-01' },
        slot: { startsAt: `${DAY}T08:00:00.000Z`, free: 30 },
      });
      expect(first?.distanceKm).toBe(0);
      expect(second?.hub.code).toBe('VP-MN-01');
      const mantovaHub = result.hubs.find((h) => h.hub.code === 'VP-MN-01');
      expect(mantovaHub?.distanceKm).toBeGreaterThan(55);
      expect(mantovaHub?.distanceKm).toBeLessThan(65);
      // BOOK-7: the product is the system's choice from age and plan: Vaxzevria preferred from 60.
      expect(result.products?.[0]).toBe('VAXZEVRIA');
      // Only active hubs are offered; hubs not yet configured for booking are not.
      expect(result.hubs.map((h) => h.hub.code)).toEqual(['VP-CR-01', 'VP-MN-01']);
    });

    // The Cremona day runs 08:00-12:00 Rome time (summer: UTC+2), in 15-minute slots.
    it.each([
      ['07:00', 'before opening: the first slot', `${DAY}T06:00:00.000Z`],
      ['10:05', 'between two slots: the nearer one', `${DAY}T08:00:00.000Z`],
      ['10:10', 'between two slots: the nearer one', `${DAY}T08:15:00.000Z`],
      ['13:00', 'after closing: the last slot', `${DAY}T09:45:00.000Z`],
    ])('BOOK-7 wanted at %s, %s', async (time, _case, startsAt) => {
      const response = await app.inject({
        method: 'GET',
        url: `/slots?municipalityIstat=019036&cap=26100&date=${DAY}&time=${time}`,
        headers: await citizen(elderly[0] as Person),
      });
      expect(response.json<Search>().hubs[0]).toMatchObject({
        hub: { code: 'VP-CR-01' },
        slot: { startsAt },
      });
    });

    it('BOOK-7 an accessibility need leaves out hubs without it', async () => {
      const response = await search(await citizen(elderly[0] as Person), '&accessibility=step_free');
      const codes = response.json<Search>().hubs.map((h) => h.hub.code);
      expect(codes).toEqual(['VP-CR-01']);
    });
  });

  describe('BOOK-5, BOOK-8, BOOK-9 confirm', () => {
    it('BOOK-8 a citizen confirms: a code, the place, the product, what to bring, the plan versions', async () => {
      const person = elderly[0] as Person;
      const slot = await slotAt(cremona, `${DAY}T08:00:00Z`);
      const response = await book(await citizen(person), { slotId: slot.id }, 'key-elderly-0-first');
      expect(response.statusCode).toBe(201);
      const booking = response.json<Booking>();
      expect(booking).toMatchObject({
        status: 'confirmed',
        startsAt: `${DAY}T08:00:00.000Z`,
        channel: 'web',
        product: { code: 'VAXZEVRIA' },
        place: { code: 'VP-CR-01' },
        planVersions: { national: 'IT-2021-04-10', calendar: 'LOM-2021-04-09' },
        offerId: 'lom-75-79',
      });
      expect(booking.code).toMatch(/^[A-Z2-9]{8}$/);
      expect(booking.bring.map((b) => b.code)).toEqual([
        'IDENTITY_DOCUMENT',
        'HEALTH_CARD',
        'CONSENT_FORM',
        'MEDICAL_RECORDS',
      ]);
      expect(await slotAt(cremona, `${DAY}T08:00:00Z`)).toMatchObject({ booked: 1 });
    });

    it('BOOK-9 a retried confirmation with the same Idempotency-Key returns the same booking, never a second', async () => {
      const person = elderly[0] as Person;
      const slot = await slotAt(cremona, `${DAY}T08:00:00Z`);
      const again = await book(await citizen(person), { slotId: slot.id }, 'key-elderly-0-first');
      expect(again.statusCode).toBe(200);
      expect((await slotAt(cremona, `${DAY}T08:00:00Z`)).booked).toBe(1);
      const other = await book(
        await citizen(elderly[1] as Person),
        { slotId: slot.id },
        'key-elderly-0-first',
      );
      expect(other.json()).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    });

    it('BOOK-9 one open booking per person per dose', async () => {
      const slot = await slotAt(cremona, `${DAY}T08:15:00Z`);
      const second = await book(
        await citizen(elderly[0] as Person),
        { slotId: slot.id },
        'key-elderly-0-second',
      );
      expect(second.statusCode).toBe(409);
      expect(second.json()).toMatchObject({ code: 'BOOKING_ALREADY_OPEN' });
    });

    it('BOOK-9 two people racing for the last place: one gets it, the other a clean "full"', async () => {
      const service = new BookingService(
        database().db,
        clock,
        new EligibilityService(database().db, clock, '03'),
      );
      await service.configureHub(
        cremona,
        { stations: 10, accessibility: ['step_free', 'parking'], status: 'active' },
        systemContext('test', clock.now()),
      );
      await service.setHubDay(
        cremona,
        TIGHT_DAY,
        {
          opensAt: '09:00',
          closesAt: '09:15',
          stations: 1,
          minutesPerVaccination: 15,
          slotMinutes: 15,
          stock: [{ product: 'VAXZEVRIA', doses: 10 }],
        },
        systemContext('test', clock.now()),
      );
      const slot = await slotAt(cremona, `${TIGHT_DAY}T07:00:00Z`);
      expect(slot.capacity).toBe(1);
      const [a, b] = [elderly[2] as Person, elderly[3] as Person];
      const results = await Promise.all([
        book(await citizen(a), { slotId: slot.id }, 'race-a-key-1'),
        book(await citizen(b), { slotId: slot.id }, 'race-b-key-1'),
      ]);
      expect(results.map((r) => r.statusCode).sort()).toEqual([201, 409]);
      expect(results.find((r) => r.statusCode === 409)?.json()).toMatchObject({ code: 'SLOT_FULL' });
      expect(await slotAt(cremona, `${TIGHT_DAY}T07:00:00Z`)).toMatchObject({ booked: 1, capacity: 1 });
      await expect(
        sql`UPDATE slots SET booked = booked + 1 WHERE id = ${slot.id}`.execute(database().db),
      ).rejects.toThrow(/slots_not_over_capacity/);
    });

    it('BOOK-5 a person who cannot book yet is told why and what to do', async () => {
      const [young] = (
        await sql<Person>`SELECT id, tax_code, health_card_number FROM persons WHERE health_card_number IS NOT NULL
          AND birth_date BETWEEN '1975-01-01' AND '1985-12-31' ORDER BY id LIMIT 1`.execute(database().db)
      ).rows;
      const slot = await slotAt(cremona, `${DAY}T08:30:00Z`);
      const response = await book(await citizen(young as Person), { slotId: slot.id });
      expect(response.statusCode).toBe(403);
      expect(response.json()).toMatchObject({
        code: 'BOOKING_NOT_ENTITLED',
        nextStep: 'PRE_REGISTER_OR_ASK_GP',
      });
      // Before any slot is shown, and in the language asked for.
      const italian = await search(await citizen(young as Person));
      expect(italian.statusCode).toBe(403);
      expect(italian.json()).toMatchObject({ code: 'BOOKING_NOT_ENTITLED' });
      const english = await search({ ...(await citizen(young as Person)), 'accept-language': 'en' });
      expect(english.json<{ detail: string }>().detail).not.toBe(italian.json<{ detail: string }>().detail);
      expect(english.json<{ detail: string }>().detail).toMatch(/[A-Za-z]/);
    });

    it('BOOK-11 the call center books on a citizen’s behalf, naming the person; the channel is recorded', async () => {
      const slot = await slotAt(cremona, `${DAY}T09:00:00Z`);
      const missing = await book(await as('call_center'), { slotId: slot.id });
      expect(missing.json()).toMatchObject({ code: 'PERSON_REQUIRED' });
      const response = await book(await as('call_center'), {
        slotId: slot.id,
        personId: (elderly[4] as Person).id,
      });
      expect(response.statusCode).toBe(201);
      expect(response.json<Booking>().channel).toBe('call_center');
    });
  });

  describe('BOOK-10 second dose', () => {
    it('BOOK-10 the second appointment is booked with the first: same hub, same product, 84 days, same time', async () => {
      const slot = await slotAt(cremona, `${DAY}T08:45:00Z`);
      const before = (await slotAt(cremona, `${SECOND_DOSE_DAY}T08:45:00Z`)).booked;
      const made = await book(await citizen(elderly[10] as Person), { slotId: slot.id });
      expect(made.statusCode).toBe(201);
      const first = made.json<Booking & { secondDose: { code: string; startsAt: string } }>();
      expect(first.secondDose.startsAt).toBe(`${SECOND_DOSE_DAY}T08:45:00.000Z`);
      expect((await slotAt(cremona, `${SECOND_DOSE_DAY}T08:45:00Z`)).booked).toBe(before + 1);
      const second = await app.inject({
        method: 'GET',
        url: `/bookings/${first.secondDose.code}`,
        headers: await citizen(elderly[10] as Person),
      });
      expect(second.json()).toMatchObject({
        doseNumber: 2,
        product: { code: 'VAXZEVRIA' },
        place: { code: 'VP-CR-01' },
      });
    });

    it('BOOK-4 a hub closed to new bookings still moves its second doses, and takes no first dose', async () => {
      const service = new BookingService(
        database().db,
        clock,
        new EligibilityService(database().db, clock, '03'),
      );
      const setup = systemContext('test', clock.now());
      const made = await book(await citizen(elderly[9] as Person), {
        slotId: (await slotAt(cremona, `${DAY}T06:15:00Z`)).id,
      });
      const second = made.json<{ secondDose: { code: string } }>().secondDose;
      await service.configureHub(
        cremona,
        { stations: 10, accessibility: ['step_free', 'parking'], status: 'closed_to_new' },
        setup,
      );
      try {
        const moved = await app.inject({
          method: 'POST',
          url: `/bookings/${second.code}/reschedule`,
          headers: await citizen(elderly[9] as Person),
          payload: { slotId: (await slotAt(cremona, `${SECOND_DOSE_DAY}T06:45:00Z`)).id },
        });
        expect(moved.json()).toMatchObject({ doseNumber: 2, startsAt: `${SECOND_DOSE_DAY}T06:45:00.000Z` });
        const refused = await book(await citizen(elderly[3] as Person), {
          slotId: (await slotAt(cremona, `${DAY}T06:30:00Z`)).id,
        });
        expect(refused.json()).toMatchObject({ code: 'HUB_NOT_BOOKABLE' });
      } finally {
        await service.configureHub(
          cremona,
          { stations: 10, accessibility: ['step_free', 'parking'], status: 'active' },
          setup,
        );
      }
    });

    it('BOOK-10 no place for the second dose within the plan’s window: nothing is booked', async () => {
      const slot = await slotAt(mantova, `${DAY}T09:00:00Z`);
      const response = await book(await citizen(elderly[11] as Person), { slotId: slot.id });
      expect(response.statusCode).toBe(409);
      expect(response.json()).toMatchObject({ code: 'SECOND_DOSE_NO_PLACE' });
      expect((await slotAt(mantova, `${DAY}T09:00:00Z`)).booked).toBe(0);
    });
  });

  describe('BOOK-8 read, cancel, reschedule', () => {
    it('SEC-2 a citizen reads their own booking, never another person’s', async () => {
      const slot = await slotAt(cremona, `${DAY}T09:15:00Z`);
      const mine = (await book(await citizen(elderly[5] as Person), { slotId: slot.id })).json<Booking>();
      const own = await app.inject({
        method: 'GET',
        url: `/bookings/${mine.code}`,
        headers: await citizen(elderly[5] as Person),
      });
      expect(own.statusCode).toBe(200);
      const other = await app.inject({
        method: 'GET',
        url: `/bookings/${mine.code}`,
        headers: await citizen(elderly[6] as Person),
      });
      expect(other.statusCode).toBe(404);
      expect(other.json()).toMatchObject({ code: 'BOOKING_NOT_FOUND' });
    });

    it('BOOK-8 cancelling frees the place at once', async () => {
      const slot = await slotAt(cremona, `${DAY}T09:30:00Z`);
      const headers = await citizen(elderly[7] as Person);
      const made = (await book(headers, { slotId: slot.id })).json<Booking>();
      expect((await slotAt(cremona, `${DAY}T09:30:00Z`)).booked).toBe(1);
      const secondBefore = (await slotAt(cremona, `${SECOND_DOSE_DAY}T09:30:00Z`)).booked;
      const undecided = await app.inject({
        method: 'POST',
        url: `/bookings/${made.code}/cancel`,
        headers,
        payload: { reason: 'cannot come' },
      });
      expect(undecided.json()).toMatchObject({ code: 'SECOND_DOSE_DECISION_REQUIRED' });
      const cancelled = await app.inject({
        method: 'POST',
        url: `/bookings/${made.code}/cancel`,
        headers,
        payload: { reason: 'cannot come', secondDose: 'cancel' },
      });
      expect(cancelled.json<Booking>()).toMatchObject({ status: 'cancelled', secondDose: null });
      expect((await slotAt(cremona, `${DAY}T09:30:00Z`)).booked).toBe(0);
      expect((await slotAt(cremona, `${SECOND_DOSE_DAY}T09:30:00Z`)).booked).toBe(secondBefore - 1);
      const again = await app.inject({
        method: 'POST',
        url: `/bookings/${made.code}/cancel`,
        headers,
        payload: { reason: 'twice' },
      });
      expect(again.json()).toMatchObject({ code: 'BOOKING_CANCELLED' });
    });

    it('BOOK-8 rescheduling moves the place in one step, to another hub too', async () => {
      const from = await slotAt(cremona, `${DAY}T09:45:00Z`);
      const to = await slotAt(mantova, `${DAY}T08:00:00Z`);
      const headers = await citizen(elderly[8] as Person);
      const made = (await book(headers, { slotId: from.id })).json<Booking>();
      const moved = await app.inject({
        method: 'POST',
        url: `/bookings/${made.code}/reschedule`,
        headers,
        payload: { slotId: to.id },
      });
      expect(moved.json<Booking>()).toMatchObject({
        code: made.code,
        place: { code: 'VP-MN-01' },
        startsAt: `${DAY}T08:00:00.000Z`,
      });
      expect((await slotAt(cremona, `${DAY}T09:45:00Z`)).booked).toBe(0);
      expect((await slotAt(mantova, `${DAY}T08:00:00Z`)).booked).toBe(1);
    });

    it('BOOK-10 a first dose moved earlier takes its second dose along into the interval; without a place there, nothing moves', async () => {
      const later = '2021-04-21';
      const laterSecond = '2021-07-14';
      const service = new BookingService(
        database().db,
        clock,
        new EligibilityService(database().db, clock, '03'),
      );
      for (const day of [later, laterSecond]) {
        await service.setHubDay(
          cremona,
          day,
          {
            opensAt: '08:00',
            closesAt: '12:00',
            stations: 10,
            minutesPerVaccination: 5,
            slotMinutes: 15,
            stock: [{ product: 'VAXZEVRIA', doses: 20 }],
          },
          systemContext('test', clock.now()),
        );
      }
      const headers = await citizen(elderly[14] as Person);
      const made = (await book(headers, { slotId: (await slotAt(cremona, `${later}T08:30:00Z`)).id })).json<
        Booking & { secondDose: { code: string; startsAt: string } }
      >();
      expect(made.secondDose.startsAt).toBe(`${laterSecond}T08:30:00.000Z`);
      const secondOf = async () =>
        (
          await app.inject({ method: 'GET', url: `/bookings/${made.secondDose.code}`, headers })
        ).json<Booking>();

      // To Mantova, which has no second-dose days: refused, and both appointments stay as they were.
      const refused = await app.inject({
        method: 'POST',
        url: `/bookings/${made.code}/reschedule`,
        headers,
        payload: { slotId: (await slotAt(mantova, `${DAY}T09:15:00Z`)).id },
      });
      expect(refused.statusCode).toBe(409);
      expect(refused.json()).toMatchObject({ code: 'SECOND_DOSE_NO_PLACE' });
      expect((await slotAt(mantova, `${DAY}T09:15:00Z`)).booked).toBe(0);
      expect((await secondOf()).startsAt).toBe(`${laterSecond}T08:30:00.000Z`);

      // A week earlier at Cremona: 14 July would be 91 days after, beyond Vaxzevria's 84, so the second
      // dose moves to the recommended day (84 days) at the time nearest to the first's.
      const oldSecondSlot = await slotAt(cremona, `${laterSecond}T08:30:00Z`);
      const moved = await app.inject({
        method: 'POST',
        url: `/bookings/${made.code}/reschedule`,
        headers,
        payload: { slotId: (await slotAt(cremona, `${DAY}T09:30:00Z`)).id },
      });
      expect(moved.statusCode).toBe(200);
      expect(moved.json()).toMatchObject({ startsAt: `${DAY}T09:30:00.000Z` });
      expect(await secondOf()).toMatchObject({
        code: made.secondDose.code,
        doseNumber: 2,
        startsAt: `${SECOND_DOSE_DAY}T09:30:00.000Z`,
        place: { code: 'VP-CR-01' },
      });
      expect((await slotAt(cremona, `${laterSecond}T08:30:00Z`)).booked).toBe(oldSecondSlot.booked - 1);
    });

    it('BOOK-9 a double submit (the same confirmation twice at once) makes one booking, and both answers carry it', async () => {
      const person = elderly[12] as Person;
      const slot = await slotAt(cremona, `${DAY}T09:30:00Z`);
      const headers = await citizen(person);
      const results = await Promise.all([
        book(headers, { slotId: slot.id }, 'double-submit-12'),
        book(headers, { slotId: slot.id }, 'double-submit-12'),
      ]);
      expect(results.map((r) => r.statusCode).sort()).toEqual([200, 201]);
      expect(new Set(results.map((r) => r.json<Booking>().code)).size).toBe(1);
      expect((await slotAt(cremona, `${DAY}T09:30:00Z`)).booked).toBe(slot.booked + 1);
      const open = await sql<{ n: number }>`SELECT count(*)::int AS n FROM bookings
        WHERE person_id = ${person.id} AND status = 'confirmed' AND dose_number = 1`.execute(database().db);
      expect(open.rows[0]?.n).toBe(1);
    });

    it('BOOK-8 two reschedules of one booking at once: it ends in one of the two slots, each counter moved once', async () => {
      const headers = await citizen(elderly[13] as Person);
      const from = await slotAt(cremona, `${DAY}T09:15:00Z`);
      const made = (await book(headers, { slotId: from.id }, 'parallel-reschedule-13')).json<Booking>();
      const [x, y] = [await slotAt(mantova, `${DAY}T08:15:00Z`), await slotAt(mantova, `${DAY}T08:30:00Z`)];
      const results = await Promise.all(
        [x, y].map((to) =>
          app.inject({
            method: 'POST',
            url: `/bookings/${made.code}/reschedule`,
            headers,
            payload: { slotId: to.id },
          }),
        ),
      );
      expect(results.map((r) => r.statusCode)).toEqual([200, 200]);
      const final = await app.inject({ method: 'GET', url: `/bookings/${made.code}`, headers });
      expect([`${DAY}T08:15:00.000Z`, `${DAY}T08:30:00.000Z`]).toContain(final.json<Booking>().startsAt);
      expect((await slotAt(cremona, `${DAY}T09:15:00Z`)).booked).toBe(from.booked);
      const [xAfter, yAfter] = [
        await slotAt(mantova, `${DAY}T08:15:00Z`),
        await slotAt(mantova, `${DAY}T08:30:00Z`),
      ];
      expect(xAfter.booked + yAfter.booked).toBe(x.booked + y.booked + 1);
    });

    it('BOOK-2 cutting capacity under what is booked is refused with the number of people affected', async () => {
      const response = await app.inject({
        method: 'PUT',
        url: `/hubs/${cremona}/days/${DAY}`,
        headers: await as('asl_admin'),
        payload: {
          opensAt: '08:00',
          closesAt: '09:00',
          stations: 10,
          minutesPerVaccination: 5,
          slotMinutes: 15,
          stock: [],
        },
      });
      expect(response.statusCode).toBe(409);
      expect(response.json()).toMatchObject({ code: 'HUB_DAY_WOULD_DROP_BOOKINGS' });
    });

    it('BOOK-3 a reserve site is not offered and takes no booking', async () => {
      const service = new BookingService(
        database().db,
        clock,
        new EligibilityService(database().db, clock, '03'),
      );
      await service.configureHub(
        mantova,
        { stations: 8, accessibility: [], status: 'reserve' },
        systemContext('test', clock.now()),
      );
      const result = (await search(await citizen(elderly[9] as Person))).json<Search>();
      expect(result.hubs.map((h) => h.hub.code)).not.toContain('VP-MN-01');
      const slot = await slotAt(mantova, `${DAY}T08:15:00Z`);
      const refused = await book(await citizen(elderly[9] as Person), { slotId: slot.id });
      expect(refused.json()).toMatchObject({ code: 'HUB_NOT_BOOKABLE' });
      await service.configureHub(
        mantova,
        { stations: 8, accessibility: [], status: 'active' },
        systemContext('test', clock.now()),
      );
    });
  });

  describe('Group booking (ELIG-13)', () => {
    it('ELIG-13 a fragile person and 3 caregivers are booked in one step into adjacent times, all or none', async () => {
      const eligibility = new EligibilityService(database().db, clock, '03');
      const setup = systemContext('test', clock.now());
      const adults = (
        await sql<Person>`SELECT id, tax_code, health_card_number FROM persons WHERE health_card_number IS NOT NULL
          AND birth_date BETWEEN '1965-01-01' AND '1985-12-31' ORDER BY id LIMIT 5`.execute(database().db)
      ).rows as [Person, Person, Person, Person, Person];
      const [fragile, ...caregivers] = adults;
      await eligibility.grant(
        fragile.id,
        {
          category: 'severe_disability',
          conditionCode: null,
          source: 'inps_list',
          evidenceStatus: 'verified',
          validFrom: new Date('2021-04-01T00:00:00Z'),
          reason: null,
          sourceReference: null,
        },
        setup,
      );
      const links = [];
      for (const caregiver of caregivers.slice(0, 3)) {
        links.push(
          await eligibility.addLink(
            fragile.id,
            {
              person: { personId: caregiver.id },
              relation: 'caregiver',
              source: 'contact_center',
              evidenceStatus: 'verified',
            },
            setup,
          ),
        );
      }
      const first = await slotAt(cremona, `${GROUP_DAY}T07:00:00Z`);
      const headers = await citizen(fragile);
      const group = await app.inject({
        method: 'POST',
        url: '/bookings/group',
        headers: { ...headers, 'idempotency-key': 'group-key-0001' },
        payload: { slotId: first.id, linkIds: links.map((l) => l.id), includeFragilePerson: true },
      });
      expect(group.statusCode).toBe(201);
      const made = group.json<{ groupCode: string; bookings: Booking[] }>();
      expect(made.groupCode).toMatch(/^[A-Z2-9]{8}$/);
      expect(made.bookings.map((b) => b.startsAt)).toEqual([
        `${GROUP_DAY}T07:00:00.000Z`,
        `${GROUP_DAY}T07:00:00.000Z`,
        `${GROUP_DAY}T07:15:00.000Z`,
        `${GROUP_DAY}T07:15:00.000Z`,
      ]);
      const retried = await app.inject({
        method: 'POST',
        url: '/bookings/group',
        headers: { ...headers, 'idempotency-key': 'group-key-0001' },
        payload: { slotId: first.id, linkIds: links.map((l) => l.id), includeFragilePerson: true },
      });
      expect(retried.statusCode).toBe(200);
      expect(retried.json<{ bookings: Booking[] }>().bookings.map((b) => b.code)).toEqual(
        made.bookings.map((b) => b.code),
      );

      // All or none: a new caregiver who could book, then one who already holds a booking: nobody is booked.
      const before = await slotAt(cremona, `${GROUP_DAY}T07:30:00Z`);
      await eligibility.removeLink(fragile.id, links[2]?.id ?? 0, 'replaced', setup);
      const newcomer = await eligibility.addLink(
        fragile.id,
        {
          person: { personId: caregivers[3]?.id ?? 0 },
          relation: 'caregiver',
          source: 'contact_center',
          evidenceStatus: 'verified',
        },
        setup,
      );
      const again = await app.inject({
        method: 'POST',
        url: '/bookings/group',
        headers: await as('call_center'),
        payload: {
          slotId: before.id,
          fragilePersonId: fragile.id,
          linkIds: [newcomer.id, links[0]?.id],
          includeFragilePerson: false,
        },
      });
      expect(again.json()).toMatchObject({ code: 'BOOKING_ALREADY_OPEN' });
      expect((await slotAt(cremona, `${GROUP_DAY}T07:30:00Z`)).booked).toBe(before.booked);
    });
  });

  describe('REL-1 invariants', () => {
    it('REL-1 after all these bookings the invariants hold; a drifted counter and a lost booking are found', async () => {
      const confirmed = (
        await database().db.selectFrom('bookings').select('code').where('status', '=', 'confirmed').execute()
      ).map((row) => row.code);
      expect(confirmed.length).toBeGreaterThan(5);
      const clean = await checkInvariants(database().db, confirmed);
      expect(clean).toMatchObject({
        holds: true,
        slotCountersOff: 0,
        stockCountersOff: 0,
        confirmedBookingsMissing: [],
      });
      const slot = await slotAt(cremona, `${DAY}T07:15:00Z`);
      await sql`UPDATE slots SET booked = booked + 1 WHERE id = ${slot.id}`.execute(database().db);
      try {
        const drifted = await checkInvariants(database().db, [...confirmed, 'ZZZZZZZZ']);
        expect(drifted).toMatchObject({
          holds: false,
          slotCountersOff: 1,
          confirmedBookingsMissing: ['ZZZZZZZZ'],
        });
      } finally {
        await sql`UPDATE slots SET booked = booked - 1 WHERE id = ${slot.id}`.execute(database().db);
      }
    });
  });
});
