import { describe, expect, it } from 'vitest';
import { romeInstant } from '../../platform/clock.ts';
import {
  addDays,
  hubReceives,
  leavingBookings,
  moveWindow,
  nearestFreeSlot,
  romeMinuteOfDay,
  slotTargets,
  withinInterval,
  type HubStatus,
} from './rules.ts';
import { decideMoves, stockKey, type BookingToPlace, type FreeSlot, type HubPlace } from './moves.ts';

const COMIRNATY = { min: 21, target: 21, max: 42 };

describe('BOOK-12 which places a change cuts', () => {
  const day = '2021-04-20';
  const slots = ['08:00', '08:15', '08:30', '08:45'].map((time, i) => ({
    id: i + 1,
    startsAt: romeInstant(day, time),
    capacity: 30,
  }));
  const hubDay = {
    opensAt: '08:00',
    closesAt: '09:00',
    stations: 10,
    minutesPerVaccination: 5,
    slotMinutes: 15,
  };

  it.each([
    ['before the day: every slot to 0', '2021-04-19T20:00:00Z', [1, 2, 3, 4]],
    ['at 08:20 Rome: the slots not started yet', '2021-04-20T06:20:00Z', [3, 4]],
    ['after closing: nothing', '2021-04-20T08:00:00Z', []],
  ])('BOOK-12 closing a day %s', (_case, now, cut) => {
    const targets = slotTargets({ kind: 'close_day' }, day, slots, new Date(now));
    expect([...targets.keys()]).toEqual(cut);
    expect([...targets.values()].every((t) => t === 0)).toBe(true);
  });

  it.each([
    ['4 stations from 08:30: 15 minutes × 4 / 5 = 12', '08:30', 4, { 3: 12, 4: 12 }],
    ['0 stations from 08:15: closed from then', '08:15', 0, { 2: 0, 3: 0, 4: 0 }],
    ['from 08:40: the 08:45 slot only', '08:40', 5, { 4: 15 }],
  ])('BOOK-12 cutting stations %s', (_case, fromTime, stations, expected) => {
    const targets = slotTargets(
      { kind: 'cut_stations', fromTime, stations, hubDay },
      day,
      slots,
      new Date('2021-04-19T20:00:00Z'),
    );
    expect(Object.fromEntries(targets)).toEqual(expected);
  });

  it('BOOK-12 a cut never raises a slot above its capacity', () => {
    const small = slots.map((slot) => ({ ...slot, capacity: 5 }));
    const targets = slotTargets(
      { kind: 'cut_stations', fromTime: '08:00', stations: 8, hubDay },
      day,
      small,
      new Date('2021-04-19T20:00:00Z'),
    );
    expect(targets.size).toBe(0);
  });
});

describe('BOOK-12 who leaves a cut place', () => {
  it.each([
    ['the latest booked leave, per place', { a: 2, b: 1 }, [2, 5, 6]],
    ['no excess: nobody', { a: 0 }, []],
    ['excess beyond the bookings: all of them', { b: 9 }, [3, 4, 6]],
  ])('BOOK-12 %s', (_case, excess, expected) => {
    const bookings = [
      { id: 1, place: 'a' },
      { id: 2, place: 'a' },
      { id: 3, place: 'b' },
      { id: 4, place: 'b' },
      { id: 5, place: 'a' },
      { id: 6, place: 'b' },
    ];
    const leaving = leavingBookings(bookings, new Map(Object.entries(excess)));
    expect(leaving.map((b) => b.id)).toEqual(expected);
  });
});

describe('BOOK-12 BOOK-10 the days a booking may be moved to', () => {
  it.each([
    [
      'a first dose: its day to 7 days later',
      { day: '2021-04-20', dose: 1 },
      ['2021-04-20', '2021-04-27', '2021-04-20'],
    ],
    [
      'a first dose on a day already begun: from today',
      { day: '2021-04-20', dose: 1, today: '2021-04-21' },
      ['2021-04-21', '2021-04-27', '2021-04-20'],
    ],
    [
      'a second dose whose first stays: within 21–42 days of it and 7 days of its own',
      { day: '2021-05-11', dose: 2, firstDoseDay: '2021-04-20', interval: COMIRNATY },
      ['2021-05-11', '2021-05-18', '2021-05-11'],
    ],
    [
      'a second dose at the end of its interval: not past the 42nd day',
      { day: '2021-05-30', dose: 2, firstDoseDay: '2021-04-20', interval: COMIRNATY },
      ['2021-05-23', '2021-06-01', '2021-05-30'],
    ],
    [
      'a second dose following its moved first dose: the interval after the new day, 21 days preferred',
      { day: '2021-05-11', dose: 2, firstDoseDay: '2021-04-22', interval: COMIRNATY, followsFirstDose: true },
      ['2021-05-13', '2021-06-03', '2021-05-13'],
    ],
    [
      'a second dose with no first dose booked here: like a first',
      { day: '2021-05-11', dose: 2 },
      ['2021-05-11', '2021-05-18', '2021-05-11'],
    ],
    [
      'no horizon: its own day only',
      { day: '2021-04-20', dose: 1, horizonDays: 0 },
      ['2021-04-20', '2021-04-20', '2021-04-20'],
    ],
  ])('BOOK-12 %s', (_case, input, [earliest, latest, preferred]) => {
    expect(moveWindow({ today: '2021-04-19', horizonDays: 7, ...input })).toEqual({
      earliest,
      latest,
      preferred,
    });
  });

  it('BOOK-10 a second dose whose interval has passed has no window', () => {
    expect(
      moveWindow({
        day: '2021-06-01',
        dose: 2,
        firstDoseDay: '2021-04-20',
        interval: COMIRNATY,
        today: '2021-06-02',
        horizonDays: 7,
      }),
    ).toBeNull();
  });

  it.each([
    ['2021-05-11', true],
    ['2021-05-10', false],
    ['2021-06-01', true],
    ['2021-06-02', false],
  ])('BOOK-10 a second dose on %s after a first on 2021-04-20 is within 21–42 days: %s', (second, ok) => {
    expect(withinInterval(second, '2021-04-20', COMIRNATY)).toBe(ok);
  });
});

describe('BOOK-12 BOOK-3 BOOK-4 which hubs receive a moved booking', () => {
  it.each<[HubStatus, number, number, boolean]>([
    ['active', 1, 2, true],
    ['reserve', 1, 1, false],
    ['reserve', 2, 1, false],
    ['closed_to_new', 1, 1, false],
    ['closed_to_new', 2, 1, true],
    ['closed_to_new', 2, 9, false],
  ])('BOOK-12 a %s hub, dose %i booked at hub %i: %s', (status, dose, pointId, receives) => {
    expect(hubReceives({ id: 1, status }, { dose, pointId })).toBe(receives);
  });
});

describe('BOOK-12 which time of the day a moved person takes', () => {
  const day = '2021-04-20';
  const slot = (time: string, free: number) => ({ startsAt: romeInstant(day, time), free });
  it.each([
    ['the same time when free', [slot('09:00', 1), slot('10:00', 1), slot('11:00', 1)], '10:00', 1],
    ['the nearest time', [slot('09:00', 1), slot('10:00', 0), slot('10:45', 1)], '10:00', 2],
    ['between two equally near, the earlier', [slot('09:30', 1), slot('10:30', 1)], '10:00', 0],
    ['none free', [slot('09:30', 0)], '10:00', -1],
  ])('BOOK-12 %s', (_case, slots, wanted, index) => {
    expect(nearestFreeSlot(slots, romeMinuteOfDay(romeInstant(day, wanted)))).toBe(index);
  });
});

describe('BOOK-12 the equivalent slot: same product, nearest hub and day, interval respected', () => {
  // Three hubs on a line: the closed one (1) at 0 km, hub 2 at ≈ 11 km, hub 3 at ≈ 33 km; hub 4 is a reserve site.
  const hubs: HubPlace[] = [
    { id: 1, lat: 45.0, lng: 10.0, status: 'active' },
    { id: 2, lat: 45.1, lng: 10.0, status: 'active' },
    { id: 3, lat: 45.3, lng: 10.0, status: 'active' },
    { id: 4, lat: 45.0, lng: 10.01, status: 'reserve' },
  ];
  const home = { lat: 45.0, lng: 10.0 };
  const DAY = '2021-04-20';
  let nextSlot = 100;
  const slotOf = (pointId: number, day: string, free: number, time = '10:00'): FreeSlot => ({
    id: nextSlot++,
    pointId,
    day,
    startsAt: romeInstant(day, time),
    free,
  });
  const booking = (id: number, over: Partial<BookingToPlace> = {}): BookingToPlace => ({
    id,
    personId: id,
    dose: 1,
    product: 'COMIRNATY-30',
    pointId: 1,
    day: DAY,
    startsAt: romeInstant(DAY, '10:00'),
    slotId: 1,
    home,
    ...over,
  });
  const stockFor = (slots: FreeSlot[], product = 'COMIRNATY-30', doses = 100) =>
    new Map(slots.map((s) => [stockKey(s.pointId, s.day, product), doses]));
  const decide = (
    leaving: BookingToPlace[],
    slots: FreeSlot[],
    stock = stockFor(slots),
    secondDoses = new Map<number, BookingToPlace>(),
    hubList = hubs,
  ) =>
    decideMoves({
      leaving,
      secondDoses,
      slots,
      stock,
      hubs: hubList,
      intervals: { 'COMIRNATY-30': COMIRNATY },
      today: '2021-04-19',
      horizonDays: 7,
      maxKm: 50,
    });

  it('BOOK-12 the nearest hub the same day first, then farther or later as places run out', () => {
    const slots = [slotOf(2, DAY, 2), slotOf(3, DAY, 1), slotOf(2, addDays(DAY, 1), 5)];
    const decisions = decide([booking(1), booking(2), booking(3), booking(4)], slots);
    const where = decisions.map((d) => `${d.to?.pointId}@${d.to?.day}`);
    // 2 same day at hub 2 (11 km); then a day later at hub 2 (11 km + 10 km for the day) beats hub 3 (33 km).
    expect(where).toEqual(['2@2021-04-20', '2@2021-04-20', '2@2021-04-21', '2@2021-04-21']);
  });

  it('BOOK-12 never another product: no dose of it, no move', () => {
    const slots = [slotOf(2, DAY, 5)];
    const decisions = decide([booking(1)], slots, stockFor(slots, 'VAXZEVRIA'));
    expect(decisions[0]?.outcome).toBe('to_choose');
  });

  it('BOOK-12 never earlier than the booked day, never past the horizon or the distance', () => {
    const slots = [slotOf(2, addDays(DAY, -1), 5), slotOf(2, addDays(DAY, 8), 5)];
    expect(decide([booking(1)], slots)[0]?.outcome).toBe('to_choose');
    const far = [{ id: 5, lat: 46.0, lng: 10.0, status: 'active' as const }];
    expect(decide([booking(1)], [slotOf(5, DAY, 5)], undefined, undefined, far)[0]?.outcome).toBe(
      'to_choose',
    );
  });

  it('BOOK-3 a reserve site is never offered, however near', () => {
    const slots = [slotOf(4, DAY, 5), slotOf(3, DAY, 5)];
    expect(decide([booking(1)], slots)[0]?.to?.pointId).toBe(3);
  });

  it('BOOK-4 a hub closed to new bookings keeps its own second doses, and takes no one else', () => {
    const closed = hubs.map((h) => (h.id === 2 ? { ...h, status: 'closed_to_new' as const } : h));
    const slots = [slotOf(2, '2021-05-11', 5), slotOf(3, '2021-05-11', 5)];
    const second = booking(1, { dose: 2, pointId: 2, day: '2021-05-11', firstDose: { id: 9, day: DAY } });
    const other = booking(2, { dose: 2, pointId: 1, day: '2021-05-11', firstDose: { id: 8, day: DAY } });
    const decisions = decide([second, other], slots, undefined, undefined, closed);
    expect(decisions.map((d) => d.to?.pointId)).toEqual([2, 3]);
  });

  it('BOOK-10 a second dose is moved only within its interval after the first', () => {
    // First dose 2021-04-20; its second on 2021-05-11 (day 21) is closed: day 20 is too early, day 22 fits.
    const second = booking(1, {
      dose: 2,
      day: '2021-05-11',
      startsAt: romeInstant('2021-05-11', '10:00'),
      firstDose: { id: 9, day: DAY },
    });
    const slots = [slotOf(1, '2021-05-10', 5), slotOf(2, '2021-05-12', 5)];
    expect(decide([second], slots)[0]?.to?.day).toBe('2021-05-12');
    expect(decide([second], [slotOf(1, '2021-05-10', 5)])[0]?.outcome).toBe('to_choose');
  });

  it('BOOK-10 a first dose moved past its second’s interval takes the second along; kept when still valid', () => {
    const first = booking(1);
    const secondAt = (day: string) =>
      booking(2, {
        personId: 1,
        dose: 2,
        day,
        startsAt: romeInstant(day, '10:00'),
        slotId: 2,
        firstDose: { id: 1, day: DAY },
      });
    const slots = [slotOf(2, addDays(DAY, 2), 1), slotOf(2, '2021-05-13', 3), slotOf(2, '2021-05-20', 3)];
    // Second on day 21 (2021-05-11): after a first on 04-22 it would be day 19: it moves, to 21 days after.
    const moved = decide([first], slots, undefined, new Map([[1, secondAt('2021-05-11')]]));
    expect(moved.map((d) => [d.booking.id, d.outcome, d.why, d.to?.day])).toEqual([
      [1, 'moved', 'affected', '2021-04-22'],
      [2, 'moved', 'follows_first_dose', '2021-05-13'],
    ]);
    // Second on day 30: still within 21–42 days of 04-22, it stays.
    const kept = decide([first], slots, undefined, new Map([[1, secondAt('2021-05-20')]]));
    expect(kept.map((d) => d.booking.id)).toEqual([1]);
  });

  it('BOOK-10 when the second dose finds no place in its interval, both are asked to choose; a first asked to choose cancels its second', () => {
    const first = booking(1);
    const second = booking(2, {
      personId: 1,
      dose: 2,
      day: '2021-05-11',
      startsAt: romeInstant('2021-05-11', '10:00'),
      slotId: 2,
      firstDose: { id: 1, day: DAY },
    });
    const both = decide([first], [slotOf(2, addDays(DAY, 2), 1)], undefined, new Map([[1, second]]));
    expect(both.map((d) => [d.booking.id, d.outcome, d.why])).toEqual([
      [1, 'to_choose', 'with_second_dose'],
      [2, 'to_choose', 'follows_first_dose'],
    ]);
    const none = decide([first], [], undefined, new Map([[1, second]]));
    expect(none.map((d) => [d.booking.id, d.outcome, d.why])).toEqual([
      [1, 'to_choose', 'affected'],
      [2, 'to_choose', 'follows_first_dose'],
    ]);
  });

  it('BOOK-12 no slot, hub-day or stock takes more people than its free places', () => {
    const slots = [slotOf(2, DAY, 3, '09:00'), slotOf(2, DAY, 3, '10:00'), slotOf(3, DAY, 2)];
    const stock = new Map([
      [stockKey(2, DAY, 'COMIRNATY-30'), 4],
      [stockKey(3, DAY, 'COMIRNATY-30'), 10],
    ]);
    const leaving = Array.from({ length: 10 }, (_, i) => booking(i + 1));
    const decisions = decide(leaving, slots, stock);
    const perSlot = new Map<number, number>();
    for (const d of decisions) if (d.to) perSlot.set(d.to.slotId, (perSlot.get(d.to.slotId) ?? 0) + 1);
    for (const slot of slots) expect(perSlot.get(slot.id) ?? 0).toBeLessThanOrEqual(slot.free);
    const atHub2 = decisions.filter((d) => d.to?.pointId === 2).length;
    expect(atHub2).toBe(4);
    expect(decisions.filter((d) => d.outcome === 'moved')).toHaveLength(6);
    expect(decisions.filter((d) => d.outcome === 'to_choose')).toHaveLength(4);
  });
});
