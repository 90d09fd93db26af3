import { describe, expect, it } from 'vitest';
import {
  parseWaitingListPolicies,
  shippedWaitingListPolicies,
  type WaitingListPolicy,
} from './policy-file.ts';
import {
  noShowsFrom,
  offerDeadline,
  offersExhausted,
  offerWindow,
  policyOn,
  queueOrder,
  rankCandidates,
  whoToCall,
  type StandbyQueued,
} from './rules.ts';

const POLICY: WaitingListPolicy = {
  horizonDays: 14,
  minLeadHours: 6,
  offerHoldHours: 24,
  closeAppointmentHours: 72,
  closeHoldHours: 4,
  acceptBeforeStartHours: 2,
  minAnswerMinutes: 60,
  maxOffers: 3,
  noShowGraceMinutes: 60,
  standbyAnswerMinutes: 30,
  standbyCallFromMinutesBeforeClose: 120,
  standbyDaysAhead: 7,
};

const NOW = new Date('2021-04-10T08:00:00Z');
const hoursLater = (hours: number) => new Date(NOW.getTime() + hours * 3_600_000);

describe('policy', () => {
  it('BOOK-13 the shipped policy file is valid and in force from 2021', () => {
    const versions = shippedWaitingListPolicies();
    expect(policyOn(versions, '2021-04-10').offerHoldHours).toBeGreaterThan(0);
  });

  it.each([
    ['2021-03-31', 24],
    ['2021-04-01', 12],
    ['2021-05-01', 12],
  ])('BOOK-13 the policy in force on %s holds an offer %i hours', (date, hours) => {
    const versions = parseWaitingListPolicies(
      {
        versions: [
          { id: 'A', effectiveFrom: '2021-01-01', policy: POLICY },
          { id: 'B', effectiveFrom: '2021-04-01', policy: { ...POLICY, offerHoldHours: 12 } },
        ],
      },
      'test',
    );
    expect(policyOn(versions, date).offerHoldHours).toBe(hours);
  });

  it('BOOK-13 a policy file with an unknown field is refused with the problem named', () => {
    expect(() =>
      parseWaitingListPolicies(
        { versions: [{ id: 'A', effectiveFrom: '2021-01-01', policy: { ...POLICY, extra: 1 } }] },
        'bad.json',
      ),
    ).toThrow(/bad\.json/);
  });
});

describe('queueOrder', () => {
  const at = (iso: string) => new Date(iso);
  it.each([
    [
      'a lower priority number first',
      { id: 2, priority: 1, joinedAt: at('2021-04-10T10:00:00Z') },
      { id: 1, priority: 4, joinedAt: at('2021-04-01T10:00:00Z') },
      -1,
    ],
    [
      'same priority: who joined first',
      { id: 9, priority: 4, joinedAt: at('2021-04-01T10:00:00Z') },
      { id: 1, priority: 4, joinedAt: at('2021-04-02T10:00:00Z') },
      -1,
    ],
    [
      'same priority and instant: the lower id',
      { id: 1, priority: 4, joinedAt: at('2021-04-01T10:00:00Z') },
      { id: 2, priority: 4, joinedAt: at('2021-04-01T10:00:00Z') },
      -1,
    ],
    [
      'a later category after an earlier one whatever the time',
      { id: 1, priority: 2, joinedAt: at('2021-03-01T10:00:00Z') },
      { id: 2, priority: 1, joinedAt: at('2021-04-01T10:00:00Z') },
      1,
    ],
  ])('ELIG-2 BOOK-13 %s', (_name, a, b, sign) => {
    expect(Math.sign(queueOrder(a, b))).toBe(sign);
  });
});

describe('offerDeadline', () => {
  it.each([
    // hours from now to the appointment, hours from now to the deadline (null: not offered)
    [240, 24],
    [73, 24],
    [72, 4],
    [26, 4],
    [6, 4],
    [5, 3],
    [3.5, 1.5],
    [3, 1],
    [2.99, null],
    [1, null],
  ])('BOOK-13 an appointment %s h away: the offer holds until %s h from now', (start, deadline) => {
    const result = offerDeadline(NOW, hoursLater(start), POLICY);
    expect(result === null ? null : (result.getTime() - NOW.getTime()) / 3_600_000).toBe(deadline);
  });

  it('BOOK-13 the deadline never falls after the appointment minus the time to accept', () => {
    for (let hours = 0; hours < 400; hours += 0.25) {
      const start = hoursLater(hours);
      const deadline = offerDeadline(NOW, start, POLICY);
      if (deadline === null) continue;
      expect(deadline.getTime()).toBeLessThanOrEqual(start.getTime() - 2 * 3_600_000);
      expect(deadline.getTime()).toBeGreaterThan(NOW.getTime());
    }
  });

  it('BOOK-13 the window of offered appointments runs from the lead time to the horizon', () => {
    const window = offerWindow(NOW, POLICY);
    expect(window.from.toISOString()).toBe('2021-04-10T14:00:00.000Z');
    expect(window.to.toISOString()).toBe('2021-04-24T08:00:00.000Z');
  });
});

describe('rankCandidates', () => {
  const near = { lat: 45.14, lng: 10.03, code: 'VP-A' };
  const far = { lat: 45.16, lng: 10.79, code: 'VP-B' };
  const home = { lat: 45.1333, lng: 10.0247 };
  it.each([
    [
      'the nearest hub first, even when later',
      [
        { slotId: 1, startsAt: hoursLater(30), hub: far },
        { slotId: 2, startsAt: hoursLater(100), hub: near },
      ],
      [2, 1],
    ],
    [
      'at one hub, the earliest time first',
      [
        { slotId: 3, startsAt: hoursLater(100), hub: near },
        { slotId: 4, startsAt: hoursLater(30), hub: near },
      ],
      [4, 3],
    ],
    [
      'a time too close to answer for is left out',
      [
        { slotId: 5, startsAt: hoursLater(2), hub: near },
        { slotId: 6, startsAt: hoursLater(50), hub: far },
      ],
      [6],
    ],
  ])('BOOK-13 BOOK-7 %s', (_name, candidates, order) => {
    expect(rankCandidates(home, candidates, NOW, POLICY).map((c) => c.slotId)).toEqual(order);
  });
});

describe('offersExhausted and no-shows', () => {
  it.each([
    [0, false],
    [2, false],
    [3, true],
    [4, true],
  ])('BOOK-13 after %i offers the entry is closed: %s', (made, closed) => {
    expect(offersExhausted(made, POLICY)).toBe(closed);
  });

  it.each([
    ['2021-04-14', '12:00', '2021-04-14T11:00:00.000Z'],
    ['2021-04-14', '20:00:00', '2021-04-14T19:00:00.000Z'],
    ['2021-01-14', '18:30', '2021-01-14T18:30:00.000Z'],
  ])('BOOK-9 a day %s closing at %s is over for check-in at %s', (day, closes, instant) => {
    expect(noShowsFrom(day, closes, POLICY).toISOString()).toBe(instant);
  });
});

describe('whoToCall', () => {
  const r = (id: number, priority: number, minute: number, status: StandbyQueued['status'] = 'waiting') => ({
    id,
    priority,
    joinedAt: new Date(NOW.getTime() + minute * 60_000),
    status,
  });
  it.each([
    ['as many as the free places, in priority order', [r(1, 4, 0), r(2, 1, 5), r(3, 2, 1)], 2, 0, [2, 3]],
    ['the pending calls count against the places', [r(1, 4, 0), r(2, 1, 5), r(3, 2, 1)], 2, 1, [2]],
    ['nobody when no dose is left', [r(1, 1, 0)], 0, 0, []],
    ['only those still waiting', [r(1, 1, 0, 'called'), r(2, 1, 1, 'declined'), r(3, 5, 2)], 3, 1, [3]],
    ['same priority: who registered first', [r(1, 3, 9), r(2, 3, 4)], 1, 0, [2]],
    ['more places than people: everyone waiting', [r(1, 3, 9), r(2, 3, 4)], 10, 0, [2, 1]],
  ])('BOOK-13 standby: %s', (_name, registrations, places, pending, called) => {
    expect(whoToCall(registrations, places, pending).map((q) => q.id)).toEqual(called);
  });
});
