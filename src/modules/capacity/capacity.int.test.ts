import { beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { describeEachDatabase } from '../../../test/databases.ts';
import { buildTestApp, ensureStaffOfEveryRole, signInStaff } from '../../../test/app.ts';
import { loadReferenceData } from '../reference/service.ts';
import { generatePopulationIntoDatabase } from '../population/service.ts';
import { EligibilityService } from '../eligibility/service.ts';
import { BookingService } from '../booking/service.ts';
import { checkInvariants } from '../booking/invariants.ts';
import { systemContext, type ActingContext } from '../../platform/audit/audit.ts';
import { romeInstant, type fixedClock } from '../../platform/clock.ts';
import { renderMessage } from '../messaging/templates.ts';
import type { App } from '../../platform/http/types.ts';
import { CapacityService } from './service.ts';

/** The closed day, and the days the tests open around it. */
const DAY = '2021-04-20';
const NEXT_DAY = '2021-04-21';
/** Comirnaty's second doses: 21 days after the first (21–42 allowed). */
const SECOND_DAY = '2021-05-11';
const SECOND_DAY_LATER = '2021-05-12';
/** A second day closed, for the race between two applies. */
const RACE_DAY = '2021-04-23';
const STOCK_DAY = '2021-04-26';
const CUT_DAY = '2021-04-28';

interface Row {
  id: number;
  person_id: number;
  dose_number: number;
  slot_id: number;
  vaccination_point_id: number;
  starts_at: Date;
  status: string;
  first_dose_booking_id: number | null;
  capacity_change_id: number | null;
}

describeEachDatabase('Capacity changes (BOOK-12)', (database) => {
  let app: App;
  let clock: ReturnType<typeof fixedClock>;
  let usernames: Record<string, string>;
  let service: CapacityService;
  let booking: BookingService;
  let setup: ActingContext;
  let points: Record<string, number>;
  let people: number[];
  let nextPerson = 0;
  let codeSerial = 0;
  let nationalPlan: string;

  const as = (role: string) => signInStaff(app, usernames[role]);
  const db = () => database().db;

  const code = () => {
    codeSerial += 1;
    return `T${String(codeSerial).padStart(7, '0')}`;
  };

  /** BOOK-10: books a first dose of Comirnaty and its second 21 days later at the same hub (take_booking). */
  const bookFirstDose = async (pointId: number, day: string, time: string) => {
    const person = people[nextPerson++] as number;
    const slot = await db()
      .selectFrom('slots')
      .select('id')
      .where('vaccination_point_id', '=', pointId)
      .where('starts_at', '=', romeInstant(day, time))
      .executeTakeFirstOrThrow();
    const bookingJson = {
      code: code(),
      second_code: code(),
      person_id: person,
      channel: 'call_center',
      created_by_kind: 'system',
      created_by_id: null,
      idempotency_key: null,
      group_code: null,
      plan_national_version: nationalPlan,
      plan_calendar_version: null,
      offer_id: 'test',
      self_declaration_needed: false,
    };
    const audit = {
      actor_kind: 'system',
      actor_id: null,
      actor_role: null,
      channel: 'system',
      correlation_id: 'test',
      occurred_at: clock.now().toISOString(),
    };
    await sql`SELECT take_booking(ARRAY[${slot.id}]::bigint[], ${clock.now()}::timestamptz, '2021-01-01'::date,
      ARRAY['COMIRNATY-30']::text[], ${JSON.stringify({ 'COMIRNATY-30': { min: 21, target: 21, max: 42 } })}::jsonb,
      ${JSON.stringify(bookingJson)}::jsonb, ${JSON.stringify(audit)}::jsonb)`.execute(db());
    return person;
  };

  const openDay = async (
    point: string,
    day: string,
    {
      stations = 10,
      minutes = 5,
      opensAt = '09:00',
      closesAt = '10:00',
      doses = 500,
      reopenClosedPlaces = false,
    } = {},
  ) =>
    booking.setHubDay(
      points[point] as number,
      day,
      {
        opensAt,
        closesAt,
        stations,
        minutesPerVaccination: minutes,
        slotMinutes: 15,
        stock: [{ product: 'COMIRNATY-30', doses }],
        reopenClosedPlaces,
      },
      setup,
    );

  const bookingsOf = async (ids: readonly number[]) =>
    (
      await sql<Row>`SELECT id, person_id, dose_number, slot_id, vaccination_point_id, starts_at, status,
          first_dose_booking_id, capacity_change_id
        FROM bookings WHERE person_id = ANY (${ids}::bigint[]) ORDER BY person_id, dose_number`.execute(db())
    ).rows.map((row) => ({ ...row, id: Number(row.id), person_id: Number(row.person_id) }));

  const romeDay = (instant: Date) =>
    new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Rome' }).format(new Date(instant));

  beforeAll(async () => {
    await loadReferenceData(database());
    await generatePopulationIntoDatabase(database(), { people: 600, seed: 7 });
    usernames = await ensureStaffOfEveryRole(database());
    const built = await buildTestApp(database(), { now: '2021-04-10T08:00:00Z' });
    app = built.app;
    clock = built.clock;
    const eligibility = new EligibilityService(db(), clock, '03');
    await eligibility.loadShippedPlanVersions();
    booking = new BookingService(db(), clock, eligibility);
    service = new CapacityService(db(), clock, eligibility);
    setup = systemContext('test', clock.now());
    nationalPlan = (
      await sql<{ id: string }>`SELECT id FROM plan_versions WHERE kind = 'national'
        ORDER BY effective_from DESC LIMIT 1`.execute(db())
    ).rows[0]?.id as string;
    const rows = await db().selectFrom('vaccination_points').select(['id', 'code']).execute();
    points = Object.fromEntries(rows.map((row) => [row.code, row.id]));
    for (const [point, status] of [
      ['VP-CR-01', 'active'],
      ['VP-CR-02', 'active'],
      ['VP-CR-04', 'active'],
      ['VP-CR-03', 'reserve'],
      ['VP-MN-01', 'active'],
    ] as const) {
      await booking.configureHub(points[point] as number, { stations: 10, accessibility: [], status }, setup);
    }
    people = (
      await sql<{ id: number }>`SELECT id FROM persons WHERE status = 'active' ORDER BY id LIMIT 200`.execute(
        db(),
      )
    ).rows.map((row) => Number(row.id));
    // The day to close: 4 slots × 30 at CR-01, with its second-dose days.
    await openDay('VP-CR-01', DAY);
    await openDay('VP-CR-01', SECOND_DAY);
    await openDay('VP-CR-01', SECOND_DAY_LATER);
    // Where people may go (within a day): 20 places at CR-02 the same day, 10 at CR-04 the next day; a reserve site
    // with plenty (BOOK-3: never offered).
    await openDay('VP-CR-02', DAY, { stations: 5, minutes: 15 });
    await openDay('VP-CR-04', NEXT_DAY, { stations: 5, minutes: 15, closesAt: '09:30' });
    await openDay('VP-CR-03', DAY, { stations: 10 });
    // The race: CR-01 closes RACE_DAY, 30 places at CR-02 that day.
    await openDay('VP-CR-01', RACE_DAY);
    await openDay('VP-CR-02', RACE_DAY, { stations: 10, minutes: 15 });
    await openDay('VP-CR-01', '2021-05-14');
  }, 120_000);

  describe('BOOK-12 closing a day', () => {
    let closed: number[];
    let changeId: number;

    beforeAll(async () => {
      closed = [];
      for (let i = 0; i < 40; i++) {
        closed.push(
          await bookFirstDose(
            points['VP-CR-01'] as number,
            DAY,
            ['09:00', '09:15', '09:30', '09:45'][i % 4] as string,
          ),
        );
      }
    });

    it('BOOK-12 the preview says how many lose their place and where they would go, and moves nobody', async () => {
      const outOfScope = await app.inject({
        method: 'POST',
        url: '/capacity/changes',
        headers: await as('asl_admin'),
        payload: { kind: 'close_day', pointId: points['VP-MN-01'], day: DAY },
      });
      expect(outOfScope.statusCode).toBe(403);
      expect(outOfScope.json<{ code: string }>().code).toBe('CAPACITY_HUB_OUT_OF_SCOPE');
      const notACut = await app.inject({
        method: 'POST',
        url: '/capacity/changes',
        headers: await as('asl_admin'),
        payload: {
          kind: 'cut_stations',
          pointId: points['VP-CR-01'],
          day: DAY,
          fromTime: '09:00',
          stations: 12,
        },
      });
      expect(notACut.statusCode).toBe(400);
      expect(notACut.json<{ code: string }>().code).toBe('CAPACITY_NOT_A_CUT');

      const response = await app.inject({
        method: 'POST',
        url: '/capacity/changes',
        headers: await as('asl_admin'),
        payload: {
          kind: 'close_day',
          pointId: points['VP-CR-01'],
          day: DAY,
          horizonDays: 1,
          maxKm: 1000,
          note: 'flooded',
        },
      });
      expect(response.statusCode).toBe(201);
      const change = response.json<{
        id: number;
        status: string;
        preview: {
          affected: number;
          moved: number;
          toChoose: number;
          secondDosesMoved: number;
          secondDosesToChoose: number;
          destinations: { hubCode: string; day: string; bookings: number }[];
        };
      }>();
      changeId = change.id;
      expect(change.status).toBe('previewed');
      expect(change.preview).toMatchObject({
        affected: 40,
        moved: 40, // 30 first doses + the 10 second doses of those moved to the next day
        toChoose: 20, // 10 first doses and their 10 second doses
        secondDosesMoved: 10,
        secondDosesToChoose: 10,
      });
      expect(change.preview.destinations.map((d) => [d.hubCode, d.day, d.bookings])).toEqual([
        ['VP-CR-02', DAY, 20],
        ['VP-CR-04', NEXT_DAY, 10],
        ['VP-CR-01', SECOND_DAY_LATER, 10],
      ]);
      const untouched = await bookingsOf(closed);
      expect(untouched.every((b) => b.status === 'confirmed' && b.capacity_change_id === null)).toBe(true);
    });

    it('BOOK-12 applying moves every booking once to a valid place, no capacity exceeded, the rest asked to choose', async () => {
      const response = await app.inject({
        method: 'POST',
        url: `/capacity/changes/${changeId}/apply`,
        headers: await as('asl_admin'),
      });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({ status: 'applied', outcome: { moved: 40, toChoose: 20 } });

      const moves = (
        await sql<{ booking_id: number; n: number }>`SELECT booking_id, count(*)::integer AS n
          FROM capacity_change_moves WHERE change_id = ${changeId} GROUP BY booking_id`.execute(db())
      ).rows;
      expect(moves).toHaveLength(60);
      expect(moves.every((m) => m.n === 1)).toBe(true);

      const after = await bookingsOf(closed);
      const firsts = after.filter((b) => b.dose_number === 1);
      expect(firsts).toHaveLength(40);
      // Nobody is left on the closed day.
      const closedSlots = await db()
        .selectFrom('slots')
        .select(['id', 'capacity', 'booked'])
        .where('vaccination_point_id', '=', points['VP-CR-01'] as number)
        .where('day', '=', DAY)
        .execute();
      expect(closedSlots.every((s) => s.capacity === 0 && s.booked === 0)).toBe(true);
      for (const b of firsts.filter((b) => b.status === 'confirmed')) {
        expect(b.capacity_change_id).toBe(changeId);
        expect([points['VP-CR-02'], points['VP-CR-04']]).toContain(Number(b.vaccination_point_id));
        expect([DAY, NEXT_DAY]).toContain(romeDay(b.starts_at));
      }
      expect(firsts.filter((b) => b.status === 'cancelled')).toHaveLength(10);
      // REL-1: counters equal the bookings they count, no slot over its capacity.
      const invariants = await checkInvariants(db());
      expect(invariants).toMatchObject({ slotsOverCapacity: 0, slotCountersOff: 0, stockCountersOff: 0 });
      // BOOK-3: the reserve site received nobody.
      const atReserve = await sql<{ n: number }>`SELECT count(*)::integer AS n FROM bookings
        WHERE vaccination_point_id = ${points['VP-CR-03']} AND status = 'confirmed'`.execute(db());
      expect(atReserve.rows[0]?.n).toBe(0);
    });

    it('BOOK-10 the second dose moves with its first dose and stays within its interval', async () => {
      const after = await bookingsOf(closed);
      for (const person of closed) {
        const [first, second] = after.filter((b) => b.person_id === person);
        expect(first?.dose_number).toBe(1);
        expect(second?.dose_number).toBe(2);
        if (first?.status === 'cancelled') {
          expect(second?.status).toBe('cancelled');
          continue;
        }
        expect(second?.status).toBe('confirmed');
        const gap =
          (Date.parse(romeDay(second?.starts_at as Date)) - Date.parse(romeDay(first?.starts_at as Date))) /
          86_400_000;
        expect(gap).toBeGreaterThanOrEqual(21);
        expect(gap).toBeLessThanOrEqual(42);
        if (romeDay(first?.starts_at as Date) === NEXT_DAY) {
          expect(romeDay(second?.starts_at as Date)).toBe(SECOND_DAY_LATER);
          expect(second?.capacity_change_id).toBe(changeId);
        } else {
          expect(romeDay(second?.starts_at as Date)).toBe(SECOND_DAY);
          expect(second?.capacity_change_id).toBeNull();
        }
      }
    });

    it('BOOK-12 each person is told exactly once, with the reason; those without a place are asked to choose', async () => {
      const messages = (
        await sql<{
          person_id: number;
          template: string;
          params: Record<string, unknown>;
          channel: string;
          language: 'it' | 'en';
        }>`
          SELECT person_id, template, params, channel, language FROM messages
          WHERE cause_kind = 'capacity_change' AND cause_id = ${changeId} ORDER BY person_id`.execute(db())
      ).rows;
      expect(messages).toHaveLength(40);
      expect(new Set(messages.map((m) => Number(m.person_id))).size).toBe(40);
      expect(messages.filter((m) => m.template === 'booking_must_choose')).toHaveLength(10);
      expect(messages.filter((m) => m.template === 'booking_rescheduled')).toHaveLength(30);
      // The per-booking trigger stood aside: no other rescheduled or cancelled message for these bookings.
      const others = await sql<{ n: number }>`SELECT count(*)::integer AS n FROM messages m
        JOIN bookings b ON m.cause_kind = 'booking' AND m.cause_id = b.id
        WHERE b.person_id = ANY (${closed}::bigint[]) AND m.template IN ('booking_rescheduled', 'booking_cancelled')`.execute(
        db(),
      );
      expect(others.rows[0]?.n).toBe(0);
      const contacts = { publicUrl: 'https://vaxhub.example', helpPhone: '800 000 000' };
      const rescheduled = messages.find((m) => m.template === 'booking_rescheduled' && m.channel !== 'sms');
      const mustChoose = messages.find((m) => m.template === 'booking_must_choose');
      expect(rescheduled?.params).toMatchObject({ reason: { kind: 'close_day', day: DAY } });
      const text = renderMessage(
        { ...(rescheduled as NonNullable<typeof rescheduled>), channel: 'email', language: 'it' },
        contacts,
      );
      expect(text.body).toContain('resterà chiuso');
      expect(text.body).toContain('Prima era');
      for (const language of ['it', 'en'] as const) {
        for (const channel of ['email', 'sms'] as const) {
          const rendered = renderMessage(
            { ...(mustChoose as NonNullable<typeof mustChoose>), channel, language },
            contacts,
          );
          expect(rendered.body).toContain('https://vaxhub.example/portal');
          expect(rendered.body).toContain('800 000 000');
        }
      }
      const outcome = await app.inject({
        method: 'GET',
        url: `/capacity/changes/${changeId}/bookings?outcome=to_choose`,
        headers: await as('region_admin'),
      });
      expect(outcome.statusCode).toBe(200);
      const listed = outcome.json<{
        total: number;
        items: { message: { status: string } | null; to: unknown }[];
      }>();
      expect(listed.total).toBe(20);
      expect(listed.items.every((i) => i.to === null && i.message?.status === 'pending')).toBe(true);
    });

    it('BOOK-12 every move is audited with its change, and the change itself', async () => {
      const audit = (
        await sql<{ action: string; n: number }>`SELECT action, count(*)::integer AS n FROM audit_log
          WHERE (entity_type = 'booking' AND after ->> 'capacityChangeId' = ${String(changeId)})
            OR (entity_type = 'capacity_change' AND entity_id = ${String(changeId)})
          GROUP BY action ORDER BY action`.execute(db())
      ).rows;
      expect(Object.fromEntries(audit.map((a) => [a.action, a.n]))).toEqual({
        apply: 1,
        apply_batch: 1,
        apply_start: 1,
        capacity_move: 40,
        capacity_to_choose: 20,
        create: 1,
      });
    });

    it('BOOK-12 applying again changes nothing', async () => {
      const before = await bookingsOf(closed);
      const again = await service.apply(changeId, null, setup);
      expect(again).toMatchObject({ status: 'applied', moved: 40, to_choose: 20, batches: 1 });
      expect(await bookingsOf(closed)).toEqual(before);
      const messages = await sql<{ n: number }>`SELECT count(*)::integer AS n FROM messages
        WHERE cause_kind = 'capacity_change' AND cause_id = ${changeId}`.execute(db());
      expect(messages.rows[0]?.n).toBe(40);
    });

    it('BOOK-12 re-saving the closed day (its stock, say) keeps it closed; only an explicit reopening opens it', async () => {
      const pointId = points['VP-CR-01'] as number;
      const places = async () =>
        (
          await sql<{ capacity: number; limited: number }>`SELECT sum(capacity)::integer AS capacity,
              count(capacity_limit)::integer AS limited
            FROM slots WHERE vaccination_point_id = ${pointId} AND day = ${DAY}::date`.execute(db())
        ).rows[0];
      expect(await places()).toEqual({ capacity: 0, limited: 4 });
      expect(await openDay('VP-CR-01', DAY, { doses: 400 })).toMatchObject({ capacity: 0 });
      expect(await places()).toEqual({ capacity: 0, limited: 4 });
      expect((await booking.hubDay(pointId, DAY)).limitedSlots).toBe(4);

      expect(await openDay('VP-CR-01', DAY, { doses: 400, reopenClosedPlaces: true })).toMatchObject({
        capacity: 120,
      });
      expect(await places()).toEqual({ capacity: 120, limited: 0 });
      const audit = await sql<{ after: { reopenedClosedPlaces?: boolean } }>`SELECT after FROM audit_log
        WHERE entity_type = 'hub_day' AND entity_id = ${`${pointId}:${DAY}`} ORDER BY id DESC LIMIT 1`.execute(
        db(),
      );
      expect(audit.rows[0]?.after.reopenedClosedPlaces).toBe(true);
    });
  });

  it('BOOK-12 two applies of one change at once move each booking once (two connections on PostgreSQL)', async () => {
    const racers: number[] = [];
    for (let i = 0; i < 30; i++) {
      racers.push(
        await bookFirstDose(points['VP-CR-01'] as number, RACE_DAY, i % 2 === 0 ? '09:00' : '09:30'),
      );
    }
    const change = await service.create(
      { kind: 'close_day', pointId: points['VP-CR-01'] as number, day: RACE_DAY, maxKm: 1000 },
      null,
      setup,
    );
    const results = await Promise.all([
      service.apply(change.id, null, { ...setup, correlationId: 'first' }),
      service.apply(change.id, null, { ...setup, correlationId: 'second' }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['applied', 'applied']);
    const after = await bookingsOf(racers);
    const firsts = after.filter((b) => b.dose_number === 1);
    expect(
      firsts.every((b) => b.status === 'confirmed' && Number(b.vaccination_point_id) === points['VP-CR-02']),
    ).toBe(true);
    const moves = await sql<{ n: number; distinct_bookings: number }>`SELECT count(*)::integer AS n,
        count(DISTINCT booking_id)::integer AS distinct_bookings
      FROM capacity_change_moves WHERE change_id = ${change.id}`.execute(db());
    expect(moves.rows[0]).toEqual({ n: 30, distinct_bookings: 30 });
    const messages = await sql<{ n: number }>`SELECT count(*)::integer AS n FROM messages
      WHERE cause_kind = 'capacity_change' AND cause_id = ${change.id}`.execute(db());
    expect(messages.rows[0]?.n).toBe(30);
    const invariants = await checkInvariants(db());
    expect(invariants).toMatchObject({ slotsOverCapacity: 0, slotCountersOff: 0, stockCountersOff: 0 });
  });

  it('BOOK-12 cutting a product’s stock moves the latest booked beyond the doses left', async () => {
    await openDay('VP-CR-01', STOCK_DAY, { doses: 12 });
    await openDay('VP-CR-02', STOCK_DAY);
    await openDay('VP-CR-01', '2021-05-17');
    const booked: number[] = [];
    for (let i = 0; i < 12; i++)
      booked.push(await bookFirstDose(points['VP-CR-01'] as number, STOCK_DAY, '09:00'));
    const change = await service.create(
      {
        kind: 'cut_stock',
        pointId: points['VP-CR-01'] as number,
        day: STOCK_DAY,
        product: 'COMIRNATY-30',
        doses: 8,
        maxKm: 1000,
      },
      null,
      setup,
    );
    expect(change.preview).toMatchObject({ affected: 4, moved: 4, toChoose: 0 });
    await service.apply(change.id, null, setup);
    const after = (await bookingsOf(booked)).filter((b) => b.dose_number === 1);
    const moved = after.filter((b) => b.capacity_change_id === change.id).map((b) => b.person_id);
    expect(moved).toEqual(booked.slice(8));
    const stock = await db()
      .selectFrom('hub_day_stock')
      .select(['doses', 'booked'])
      .where('vaccination_point_id', '=', points['VP-CR-01'] as number)
      .where('day', '=', STOCK_DAY)
      .executeTakeFirstOrThrow();
    expect(stock).toEqual({ doses: 8, booked: 8 });
    expect(await checkInvariants(db())).toMatchObject({
      slotsOverCapacity: 0,
      slotCountersOff: 0,
      stockCountersOff: 0,
    });
  });

  it('BOOK-12 cutting stations from a time moves the people beyond the new capacity, to the nearest time of the same day first', async () => {
    await openDay('VP-CR-01', CUT_DAY);
    await openDay('VP-CR-01', '2021-05-19');
    const booked: number[] = [];
    for (let i = 0; i < 8; i++)
      booked.push(await bookFirstDose(points['VP-CR-01'] as number, CUT_DAY, '09:45'));
    const change = await service.create(
      {
        kind: 'cut_stations',
        pointId: points['VP-CR-01'] as number,
        day: CUT_DAY,
        fromTime: '09:30',
        stations: 1,
      },
      null,
      setup,
    );
    // 1 station, 5 minutes each: 3 people per 15-minute slot from 09:30.
    expect(change.preview).toMatchObject({
      affected: 5,
      moved: 5,
      toChoose: 0,
      destinations: [{ day: CUT_DAY, bookings: 5 }],
    });
    await service.apply(change.id, null, setup);
    const slots = await db()
      .selectFrom('slots')
      .select(['starts_at', 'capacity', 'booked'])
      .where('vaccination_point_id', '=', points['VP-CR-01'] as number)
      .where('day', '=', CUT_DAY)
      .orderBy('starts_at')
      .execute();
    expect(slots.map((slot) => [slot.capacity, slot.booked])).toEqual([
      [30, 0],
      [30, 2],
      [3, 3],
      [3, 3],
    ]);
    const after = (await bookingsOf(booked)).filter((b) => b.dose_number === 1);
    expect(after.filter((b) => b.capacity_change_id === change.id).map((b) => b.person_id)).toEqual(
      booked.slice(3),
    );
    expect(await checkInvariants(db())).toMatchObject({
      slotsOverCapacity: 0,
      slotCountersOff: 0,
      stockCountersOff: 0,
    });
  });
});
