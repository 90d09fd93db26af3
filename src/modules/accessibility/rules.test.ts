import { describe, expect, it } from 'vitest';
import { romeDate } from '../../platform/clock.ts';
import {
  accessRoute,
  bookingPlaces,
  defaultSessionPlaces,
  homeRequestRefusal,
  homeTransition,
  sessionFits,
  sessionMatchRefusal,
  sessionPlacesRefusal,
  sessionSupportsRefusal,
  sessionTimeRefusal,
  supportPlaces,
  visitDayRefusal,
  type AccessProfile,
} from './rules.ts';
import type { HomeStatus, Need, SessionKind, Support } from './tables.ts';

const person = (overrides: Partial<AccessProfile>): AccessProfile => ({
  mobility: 'independent',
  selfSufficient: true,
  hearing: 'hearing',
  blind: false,
  ...overrides,
});

describe('accessRoute: home, dedicated session or hub', () => {
  it.each<[string, Partial<AccessProfile>, string, SessionKind[], Need[], string | null]>([
    // BOOK-14: the non-self-sufficient person who cannot reach a hub even with transport: home.
    [
      'BOOK-14 bedridden, non-self-sufficient',
      { mobility: 'cannot_travel', selfSufficient: false },
      'home',
      [],
      [],
      null,
    ],
    [
      'BOOK-14 non-self-sufficient and deaf, cannot travel: still home',
      { mobility: 'cannot_travel', selfSufficient: false, hearing: 'lis' },
      'home',
      [],
      [],
      null,
    ],
    // Self-sufficient but says cannot travel: organised transport, not the home list.
    [
      'BOOK-16 self-sufficient who cannot travel alone: hub with transport',
      { mobility: 'cannot_travel', selfSufficient: true },
      'hub',
      [],
      [],
      'seated',
    ],
    // BOOK-15: deaf and blind people go to dedicated sessions with their support.
    ['BOOK-15 deaf, LIS', { hearing: 'lis' }, 'dedicated_session', ['deaf'], ['lis_interpreter'], null],
    [
      'BOOK-15 deaf, lip reading',
      { hearing: 'lip_reading' },
      'dedicated_session',
      ['deaf'],
      ['lip_reading_mediator'],
      null,
    ],
    ['BOOK-15 blind', { blind: true }, 'dedicated_session', ['blind'], ['guide'], null],
    [
      'BOOK-15 deaf and blind',
      { hearing: 'lis', blind: true },
      'dedicated_session',
      ['deaf', 'blind'],
      ['lis_interpreter', 'guide'],
      null,
    ],
    // BOOK-15: a non-self-sufficient elderly person from a far village, transported.
    [
      'BOOK-15 non-self-sufficient needing transport: transported session',
      { mobility: 'with_transport', selfSufficient: false },
      'dedicated_session',
      ['transported'],
      ['transport'],
      'seated',
    ],
    [
      'BOOK-15 non-self-sufficient in a wheelchair: transported session, wheelchair vehicle',
      { mobility: 'with_transport', selfSufficient: false, wheelchair: true },
      'dedicated_session',
      ['transported'],
      ['transport'],
      'wheelchair',
    ],
    [
      'BOOK-16 deaf needing transport: deaf session with transport',
      { mobility: 'with_transport', hearing: 'lis' },
      'dedicated_session',
      ['deaf'],
      ['lis_interpreter', 'transport'],
      'seated',
    ],
    // BOOK-16: a self-sufficient person who needs transport books a hub, transport on the booking.
    [
      'BOOK-16 self-sufficient needing transport: hub',
      { mobility: 'with_transport' },
      'hub',
      [],
      [],
      'seated',
    ],
    ['BOOK-14 independent, hearing and seeing: hub', {}, 'hub', [], [], null],
  ])('%s', (_name, overrides, route, kinds, needs, transport) => {
    const result = accessRoute(person(overrides));
    expect(result.route).toBe(route);
    if (result.route === 'dedicated_session') {
      expect(result.kinds).toEqual(kinds);
      expect(result.needs).toEqual(needs);
      expect(result.transport).toBe(transport);
    }
    if (result.route === 'hub') expect(result.transport).toBe(transport);
  });

  it.each<[AccessProfile['mobility'], boolean, string | null]>([
    ['cannot_travel', false, null],
    ['cannot_travel', true, 'HOME_VACCINATION_NOT_FOR_PERSON'],
    ['with_transport', false, 'HOME_VACCINATION_NOT_FOR_PERSON'],
    ['independent', false, 'HOME_VACCINATION_NOT_FOR_PERSON'],
  ])(
    'BOOK-14 a home request for mobility %s, self-sufficient %s: %s',
    (mobility, selfSufficient, refusal) => {
      expect(homeRequestRefusal({ mobility, selfSufficient })).toBe(refusal);
    },
  );
});

describe('dedicated session capacity with interpreter', () => {
  it.each<[number, Support[], number]>([
    // An interpreter for 6 deaf people, each with a caregiver: 1 + 6 × 2.
    [6, ['lis_interpreter'], 13],
    [6, ['lis_interpreter', 'lip_reading_mediator'], 14],
    [4, ['guide'], 9],
    [8, [], 16],
    [1, ['lis_interpreter', 'lip_reading_mediator', 'guide'], 5],
  ])('BOOK-15 group of %i with %j: %i places by default', (groupSize, supports, places) => {
    expect(defaultSessionPlaces(groupSize, supports)).toBe(places);
  });

  it.each<[Support[], number]>([
    [[], 0],
    [['lis_interpreter'], 1],
    [['lis_interpreter', 'guide'], 2],
    [['guide', 'guide'], 1],
  ])('BOOK-15 the interpreter is part of the capacity: %j take %i places', (supports, taken) => {
    expect(supportPlaces(supports)).toBe(taken);
  });

  it.each<[boolean, number]>([
    [false, 1],
    [true, 2],
  ])('BOOK-15 a booking with caregiver %s takes %i places', (withCaregiver, places) => {
    expect(bookingPlaces(withCaregiver)).toBe(places);
  });

  it.each<[number, number, Support[], string | null]>([
    [6, 7, ['lis_interpreter'], null],
    [6, 6, ['lis_interpreter'], 'DEDICATED_SESSION_PLACES_TOO_FEW'],
    [6, 8, ['lis_interpreter', 'lip_reading_mediator'], null],
    [6, 7, ['lis_interpreter', 'lip_reading_mediator'], 'DEDICATED_SESSION_PLACES_TOO_FEW'],
    [1, 1, [], null],
  ])('BOOK-15 group %i in %i places with %j: %s', (groupSize, places, supports, refusal) => {
    expect(sessionPlacesRefusal(groupSize, places, supports)).toBe(refusal);
  });

  // A session of 6 people, 8 places, one interpreter (1 place): 7 places for people and caregivers.
  it.each<[number, number, boolean, boolean]>([
    [0, 1, true, true],
    [5, 7, false, true],
    [5, 7, true, false],
    [5, 8, false, false],
    [6, 7, false, false],
    [3, 6, true, true],
    [4, 7, true, false],
  ])(
    'BOOK-15 with %i people booked and %i places taken, one more (caregiver %s) fits: %s',
    (peopleBooked, placesTaken, withCaregiver, fits) => {
      const session = { group_size: 6, people_booked: peopleBooked, places: 8, places_taken: placesTaken };
      expect(sessionFits(session, withCaregiver)).toBe(fits);
    },
  );

  it.each<[SessionKind, Support[], string | null]>([
    ['deaf', ['lis_interpreter'], null],
    ['deaf', ['lip_reading_mediator'], null],
    ['deaf', ['guide'], 'DEDICATED_SESSION_SUPPORT_MISSING'],
    ['deaf', [], 'DEDICATED_SESSION_SUPPORT_MISSING'],
    ['blind', ['guide'], null],
    ['blind', ['lis_interpreter'], 'DEDICATED_SESSION_SUPPORT_MISSING'],
    ['transported', [], null],
  ])('BOOK-15 a %s session with %j: %s', (kind, supports, refusal) => {
    expect(sessionSupportsRefusal(kind, supports)).toBe(refusal);
  });
});

describe('a person into a session', () => {
  it.each<[SessionKind, Support[], Need[], string | null]>([
    ['deaf', ['lis_interpreter'], ['lis_interpreter'], null],
    ['deaf', ['lis_interpreter'], ['lis_interpreter', 'transport'], null],
    ['deaf', ['lis_interpreter'], ['lip_reading_mediator'], 'DEDICATED_SESSION_SUPPORT_MISSING'],
    ['deaf', ['lis_interpreter', 'lip_reading_mediator'], ['lip_reading_mediator'], null],
    ['blind', ['guide'], ['guide'], null],
    ['blind', ['guide'], ['lis_interpreter'], 'DEDICATED_SESSION_KIND_MISMATCH'],
    ['transported', [], ['transport'], null],
    ['transported', [], ['lis_interpreter'], 'DEDICATED_SESSION_KIND_MISMATCH'],
    ['deaf', ['lis_interpreter'], ['transport'], 'DEDICATED_SESSION_KIND_MISMATCH'],
    ['deaf', ['lis_interpreter'], [], 'DEDICATED_SESSION_NOT_NEEDED'],
    // Deaf and blind: a deaf session that also has a guide.
    ['deaf', ['lis_interpreter', 'guide'], ['lis_interpreter', 'guide'], null],
    ['deaf', ['lis_interpreter'], ['lis_interpreter', 'guide'], 'DEDICATED_SESSION_SUPPORT_MISSING'],
  ])('BOOK-15 a %s session with %j, needs %j: %s', (kind, supports, needs, refusal) => {
    expect(sessionMatchRefusal({ kind, supports }, needs)).toBe(refusal);
  });

  const NOW = new Date('2021-04-10T08:00:00Z');
  it.each<[string, string, string | null]>([
    ['2021-04-12T07:00:00Z', '2021-04-12T10:00:00Z', null],
    ['2021-04-10T08:00:00Z', '2021-04-10T10:00:00Z', 'DEDICATED_SESSION_IN_THE_PAST'],
    ['2021-04-12T10:00:00Z', '2021-04-12T10:00:00Z', 'DEDICATED_SESSION_TIME_INVALID'],
    // 20:00 to 02:00 Rome time: across midnight.
    ['2021-04-12T18:00:00Z', '2021-04-13T00:00:00Z', 'DEDICATED_SESSION_TIME_INVALID'],
    // Ending at midnight Rome (22:00 UTC in April) stays on the day.
    ['2021-04-12T18:00:00Z', '2021-04-12T22:00:00Z', null],
    ['2021-04-12T05:00:00Z', '2021-04-12T16:00:00Z', 'DEDICATED_SESSION_TIME_INVALID'],
  ])('BOOK-15 a session from %s to %s: %s', (from, to, refusal) => {
    expect(sessionTimeRefusal(new Date(from), new Date(to), NOW, romeDate)).toBe(refusal);
  });
});

describe('the home list', () => {
  it.each<[HomeStatus, 'plan' | 'done' | 'not_possible' | 'withdraw', HomeStatus | null]>([
    ['requested', 'plan', 'planned'],
    ['planned', 'plan', 'planned'],
    ['done', 'plan', null],
    ['requested', 'done', null],
    ['planned', 'done', 'done'],
    ['requested', 'not_possible', 'not_possible'],
    ['planned', 'not_possible', 'not_possible'],
    ['done', 'not_possible', null],
    ['requested', 'withdraw', 'withdrawn'],
    ['planned', 'withdraw', 'withdrawn'],
    ['done', 'withdraw', 'withdrawn'],
    ['not_possible', 'withdraw', null],
    ['withdrawn', 'plan', null],
  ])('BOOK-14 a %s request, %s: %s', (status, action, next) => {
    const result = homeTransition(status, action);
    if (next === null) expect(result).toEqual({ refusal: 'HOME_VACCINATION_WRONG_STATUS' });
    else expect(result).toEqual({ status: next });
  });

  it.each<[string, string, string | null]>([
    ['2021-04-10', '2021-04-10', null],
    ['2021-04-11', '2021-04-10', null],
    ['2021-04-09', '2021-04-10', 'HOME_VISIT_IN_THE_PAST'],
  ])('BOOK-14 a visit on %s, today %s: %s', (day, today, refusal) => {
    expect(visitDayRefusal(day, today)).toBe(refusal);
  });
});
