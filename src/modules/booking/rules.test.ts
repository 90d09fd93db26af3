import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { romeInstant } from '../../platform/clock.ts';
import {
  BOOKING_CODE_ALPHABET,
  bookingCode,
  distanceKm,
  OPEN_WINDOW_EXTRA_DAYS,
  secondDoseDays,
  secondDoseDaysByProduct,
  slotsOfDay,
  stationsRefusal,
  whatToBring,
} from './rules.ts';

const CREMONA = { lat: 45.1333, lng: 10.0247 };
const MANTOVA = { lat: 45.1564, lng: 10.7911 };
const CREMA = { lat: 45.3667, lng: 9.68333 };

describe('romeInstant', () => {
  it.each([
    ['2021-01-15', '00:00', '2021-01-14T23:00:00.000Z'],
    ['2021-01-15', '09:30', '2021-01-15T08:30:00.000Z'],
    ['2021-04-02', '00:00', '2021-04-01T22:00:00.000Z'],
    ['2021-07-07', '17:45', '2021-07-07T15:45:00.000Z'],
    ['2021-03-28', '01:59', '2021-03-28T00:59:00.000Z'],
    ['2021-03-28', '03:00', '2021-03-28T01:00:00.000Z'],
    // 02:30 does not exist on the night clocks go forward: read as winter time.
    ['2021-03-28', '02:30', '2021-03-28T01:30:00.000Z'],
    ['2021-10-31', '12:00', '2021-10-31T11:00:00.000Z'],
  ])('BOOK-7 %s %s in Rome is %s', (date, time, instant) => {
    expect(romeInstant(date, time).toISOString()).toBe(instant);
  });
});

describe('slotsOfDay', () => {
  it.each([
    // day, opens, closes, stations, minutes per vaccination, slot minutes, slots, capacity of each
    ['2021-04-14', '08:00', '20:00', 10, 5, 15, 48, 30],
    ['2021-04-14', '08:00', '12:00', 10, 5, 15, 16, 30],
    ['2021-04-14', '09:00', '09:15', 1, 15, 15, 1, 1],
    ['2021-04-14', '09:00', '10:00', 5, 20, 30, 2, 7],
    ['2021-01-20', '08:00', '09:00', 6, 4, 10, 6, 15],
  ])(
    'BOOK-2 %s %s-%s, %i stations, %i min each, %i-minute slots: %i slots of %i',
    (day, opensAt, closesAt, stations, minutesPerVaccination, slotMinutes, count, capacity) => {
      const slots = slotsOfDay(day, { opensAt, closesAt, stations, minutesPerVaccination, slotMinutes });
      expect(slots).toHaveLength(count);
      expect(slots.every((slot) => slot.capacity === capacity)).toBe(true);
      expect(slots[0]?.startsAt.toISOString()).toBe(romeInstant(day, opensAt).toISOString());
    },
  );

  it('BOOK-2 a closing time off the slot grid gives a shorter last slot with proportionally fewer places', () => {
    const slots = slotsOfDay('2021-04-14', {
      opensAt: '08:00',
      closesAt: '08:40',
      stations: 10,
      minutesPerVaccination: 5,
      slotMinutes: 15,
    });
    expect(slots.map((slot) => slot.capacity)).toEqual([30, 30, 20]);
    expect(slots.map((slot) => slot.startsAt.toISOString())).toEqual([
      '2021-04-14T06:00:00.000Z',
      '2021-04-14T06:15:00.000Z',
      '2021-04-14T06:30:00.000Z',
    ]);
  });

  it('BOOK-2 slots are Rome wall-clock times: the same hours are an hour apart in UTC in winter and summer', () => {
    const hours = {
      opensAt: '09:00',
      closesAt: '10:00',
      stations: 5,
      minutesPerVaccination: 5,
      slotMinutes: 15,
    };
    expect(slotsOfDay('2021-02-10', hours)[0]?.startsAt.toISOString()).toBe('2021-02-10T08:00:00.000Z');
    expect(slotsOfDay('2021-06-10', hours)[0]?.startsAt.toISOString()).toBe('2021-06-10T07:00:00.000Z');
  });

  it.each([
    [10, 10, null],
    [10, 9, null],
    [10, 11, 'HUB_DAY_TOO_MANY_STATIONS'],
  ])('BOOK-1 a hub of %i stations opening %i on a day: %s', (hub, day, refusal) => {
    expect(stationsRefusal(hub, day)).toBe(refusal);
  });
});

describe('distanceKm', () => {
  // Expected values by the spherical law of cosines (an independent formula), same Earth radius.
  it.each([
    { from: 'Cremona', a: CREMONA, to: 'Mantova', b: MANTOVA, km: 60.16 },
    { from: 'Cremona', a: CREMONA, to: 'Crema', b: CREMA, km: 37.25 },
    { from: 'Mantova', a: MANTOVA, to: 'Crema', b: CREMA, km: 89.8 },
  ])('BOOK-7 $from to $to is $km km', ({ a, b, km }) => {
    expect(distanceKm(a, b)).toBeCloseTo(km, 1);
  });

  it('BOOK-7 distance is zero to itself, symmetric, and never breaks the triangle inequality', () => {
    const point = fc.record({
      lat: fc.double({ min: 35, max: 48, noNaN: true }),
      lng: fc.double({ min: 6, max: 19, noNaN: true }),
    });
    fc.assert(
      fc.property(point, point, point, (a, b, c) => {
        expect(distanceKm(a, a)).toBe(0);
        expect(distanceKm(a, b)).toBeCloseTo(distanceKm(b, a), 9);
        expect(distanceKm(a, c)).toBeLessThanOrEqual(distanceKm(a, b) + distanceKm(b, c) + 1e-9);
      }),
    );
  });
});

describe('bookingCode', () => {
  it('BOOK-8 eight characters of an alphabet without 0, O, 1, I, L', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 8, maxLength: 8 }), (bytes) => {
        const code = bookingCode(bytes);
        expect(code).toMatch(/^[A-Z2-9]{8}$/);
        expect(code).not.toMatch(/[01OIL]/);
        expect([...code].every((c) => BOOKING_CODE_ALPHABET.includes(c))).toBe(true);
      }),
    );
  });

  it('BOOK-8 the same bytes give the same code; fewer than 8 bytes are refused', () => {
    const bytes = Uint8Array.from([0, 1, 2, 3, 4, 5, 6, 31]);
    expect(bookingCode(bytes)).toBe('ABCDEFGA');
    expect(() => bookingCode(new Uint8Array(7))).toThrow(RangeError);
  });
});

describe('whatToBring', () => {
  it.each([
    [false, ['IDENTITY_DOCUMENT', 'HEALTH_CARD', 'CONSENT_FORM', 'MEDICAL_RECORDS']],
    [true, ['IDENTITY_DOCUMENT', 'HEALTH_CARD', 'SELF_DECLARATION', 'CONSENT_FORM', 'MEDICAL_RECORDS']],
  ])('BOOK-8 ELIG-4 self-declaration needed %s: %j, in Italian and English', (needed, codes) => {
    const items = whatToBring(needed);
    expect(items.map((item) => item.code)).toEqual(codes);
    expect(items.every((item) => item.label.it.length > 10 && item.label.en.length > 10)).toBe(true);
  });
});

describe('secondDoseDays', () => {
  it.each([
    [
      'Comirnaty',
      { minDays: 21, recommendedDays: 21, maxDays: null },
      { min: 21, target: 21, max: 21 + OPEN_WINDOW_EXTRA_DAYS },
    ],
    [
      'Spikevax',
      { minDays: 28, recommendedDays: 28, maxDays: null },
      { min: 28, target: 28, max: 28 + OPEN_WINDOW_EXTRA_DAYS },
    ],
    ['Vaxzevria', { minDays: 28, recommendedDays: 84, maxDays: 84 }, { min: 28, target: 84, max: 84 }],
  ])('BOOK-10 %s: %j gives %j', (_product, interval, days) => {
    expect(secondDoseDays(interval)).toEqual(days);
  });
});

describe('secondDoseDaysByProduct', () => {
  const catalogue = [
    {
      code: 'COMIRNATY-30',
      primaryCycleDoses: 2,
      intervals: [{ afterDose: 1, minDays: 21, recommendedDays: 21, maxDays: 42 }],
    },
    {
      code: 'VAXZEVRIA',
      primaryCycleDoses: 2,
      intervals: [{ afterDose: 1, minDays: 28, recommendedDays: 84, maxDays: 84 }],
    },
    { code: 'JANSSEN', primaryCycleDoses: 1, intervals: [] },
    { code: 'BROKEN', primaryCycleDoses: 2, intervals: [] },
  ];

  it('BOOK-10 one-dose products have no second dose; the product gives its interval when the plan sets none', () => {
    expect(secondDoseDaysByProduct(['JANSSEN', 'COMIRNATY-30'], catalogue, [])).toEqual({
      'COMIRNATY-30': { min: 21, target: 21, max: 42 },
    });
  });

  it("BOOK-10 the plan's interval wins over the product's (Comirnaty at 42 days, spring 2021)", () => {
    const plan = [{ product: 'COMIRNATY-30', afterDose: 1, minDays: 21, recommendedDays: 42, maxDays: 42 }];
    expect(secondDoseDaysByProduct(['COMIRNATY-30', 'VAXZEVRIA'], catalogue, plan)).toEqual({
      'COMIRNATY-30': { min: 21, target: 42, max: 42 },
      VAXZEVRIA: { min: 28, target: 84, max: 84 },
    });
  });

  it('BOOK-10 a two-dose product without an interval is a data error, not a silent single dose', () => {
    expect(() => secondDoseDaysByProduct(['BROKEN'], catalogue, [])).toThrow(/no interval/);
  });
});
