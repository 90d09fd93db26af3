import type { HomeStatus, Need, SessionKind, Support, Transport } from './tables.ts';

/*
 * People with disabilities (spec 30-booking.md BOOK-14..16, seed 002): which way to the vaccine a person
 * takes, what a dedicated session holds, and how a home request moves. Pure: the clock's value comes in.
 */

/** What a person (or their caregiver, or the operator) tells about getting to a vaccination. */
export interface AccessProfile {
  /**
   * independent: reaches a hub alone or with family; with_transport: only with transport organised by the
   * authority; cannot_travel: cannot reach a hub even with organised transport.
   */
  mobility: 'independent' | 'with_transport' | 'cannot_travel';
  /** Non-self-sufficient (non autosufficiente): needs someone's help for the acts of daily life. */
  selfSufficient: boolean;
  /** Deaf: the sign-language (LIS) interpreter or the lip-reading mediator they need. */
  hearing: 'hearing' | 'lis' | 'lip_reading';
  blind: boolean;
  /** With organised transport: a seat or a vehicle for a wheelchair. */
  wheelchair?: boolean;
}

export type AccessRoute =
  | { route: 'home' }
  | { route: 'dedicated_session'; kinds: SessionKind[]; needs: Need[]; transport: Transport | null }
  | { route: 'hub'; transport: Transport | null };

/**
 * BOOK-14, BOOK-15, BOOK-16: the way to the vaccine.
 * - Home (BOOK-14): a non-self-sufficient person who cannot reach a hub even with organised transport.
 * - Dedicated session (BOOK-15): a deaf person (LIS interpreter or lip-reading mediator), a blind person
 *   (guide), or a non-self-sufficient person who needs organised transport (the "transported" sessions for
 *   people from far villages); transport is recorded when needed.
 * - Hub: everyone else; a self-sufficient person who needs transport goes to a hub with transport recorded
 *   on the booking (BOOK-16).
 * A self-sufficient person who says they cannot travel is not put on the home list by this rule (the seed
 * keeps home visits for the non-self-sufficient): they get organised transport, to a session or a hub.
 */
export function accessRoute(profile: AccessProfile): AccessRoute {
  const transport: Transport | null =
    profile.mobility === 'independent' ? null : profile.wheelchair === true ? 'wheelchair' : 'seated';
  if (profile.mobility === 'cannot_travel' && !profile.selfSufficient) return { route: 'home' };
  const kinds: SessionKind[] = [];
  const needs: Need[] = [];
  if (profile.hearing !== 'hearing') {
    kinds.push('deaf');
    needs.push(profile.hearing === 'lis' ? 'lis_interpreter' : 'lip_reading_mediator');
  }
  if (profile.blind) {
    kinds.push('blind');
    needs.push('guide');
  }
  if (transport !== null && !profile.selfSufficient) kinds.push('transported');
  if (transport !== null) needs.push('transport');
  if (kinds.length > 0) return { route: 'dedicated_session', kinds, needs, transport };
  return { route: 'hub', transport };
}

/** BOOK-14: a home request is for a non-self-sufficient person who cannot reach a hub. */
export function homeRequestRefusal(profile: Pick<AccessProfile, 'mobility' | 'selfSufficient'>) {
  return accessRoute({ ...profile, hearing: 'hearing', blind: false }).route === 'home'
    ? null
    : ('HOME_VACCINATION_NOT_FOR_PERSON' as const);
}

/** The supports a session needs for its kind: deaf → LIS interpreter or lip-reading mediator, blind → guide. */
export function sessionSupportsRefusal(kind: SessionKind, supports: readonly Support[]) {
  if (kind === 'deaf' && !supports.includes('lis_interpreter') && !supports.includes('lip_reading_mediator'))
    return 'DEDICATED_SESSION_SUPPORT_MISSING' as const;
  if (kind === 'blind' && !supports.includes('guide')) return 'DEDICATED_SESSION_SUPPORT_MISSING' as const;
  return null;
}

/**
 * BOOK-15, the capacity rule: a session counts places, the people in the room at once. Each support
 * person (interpreter, mediator, guide) takes one place from the start; each person booked takes one,
 * two with their caregiver. By default a session has room for its support people and every person of
 * the group with a caregiver: an interpreter for 6 deaf people → 1 + 6 × 2 = 13 places.
 */
export const supportPlaces = (supports: readonly Support[]): number => new Set(supports).size;
export const defaultSessionPlaces = (groupSize: number, supports: readonly Support[]): number =>
  supportPlaces(supports) + 2 * groupSize;
export const bookingPlaces = (withCaregiver: boolean): number => (withCaregiver ? 2 : 1);

/** Whether a session's places can hold its support people and at least each person of the group alone. */
export function sessionPlacesRefusal(groupSize: number, places: number, supports: readonly Support[]) {
  return supportPlaces(supports) + groupSize > places ? ('DEDICATED_SESSION_PLACES_TOO_FEW' as const) : null;
}

/** What is left of a session: people that may still be booked, places still free. */
export function sessionRoom(session: {
  group_size: number;
  people_booked: number;
  places: number;
  places_taken: number;
}) {
  return {
    people: Math.max(0, session.group_size - session.people_booked),
    places: Math.max(0, session.places - session.places_taken),
  };
}

/** Whether one more person (with or without a caregiver) fits: the rule the database's UPDATE enforces. */
export function sessionFits(
  session: { group_size: number; people_booked: number; places: number; places_taken: number },
  withCaregiver: boolean,
): boolean {
  const room = sessionRoom(session);
  return room.people >= 1 && room.places >= bookingPlaces(withCaregiver);
}

/**
 * BOOK-15: a person's needs against a session. The session must be of a kind the needs call for, and have
 * every support they need; a transported session is for people whose transport the authority organises.
 */
export function sessionMatchRefusal(
  session: { kind: SessionKind; supports: readonly Support[] },
  needs: readonly Need[],
) {
  const kinds = new Set<SessionKind>();
  if (needs.includes('lis_interpreter') || needs.includes('lip_reading_mediator')) kinds.add('deaf');
  if (needs.includes('guide')) kinds.add('blind');
  if (needs.includes('transport')) kinds.add('transported');
  if (kinds.size === 0) return 'DEDICATED_SESSION_NOT_NEEDED' as const;
  if (!kinds.has(session.kind)) return 'DEDICATED_SESSION_KIND_MISMATCH' as const;
  const missing = needs.filter(
    (need): need is Support => need !== 'transport' && !session.supports.includes(need),
  );
  return missing.length > 0 ? ('DEDICATED_SESSION_SUPPORT_MISSING' as const) : null;
}

/** A session's time: in the future, ending after it starts, within one Rome day, at most 10 hours. */
export function sessionTimeRefusal(
  startsAt: Date,
  endsAt: Date,
  now: Date,
  romeDay: (instant: Date) => string,
) {
  if (startsAt <= now) return 'DEDICATED_SESSION_IN_THE_PAST' as const;
  if (endsAt <= startsAt) return 'DEDICATED_SESSION_TIME_INVALID' as const;
  if (romeDay(startsAt) !== romeDay(new Date(endsAt.getTime() - 1)))
    return 'DEDICATED_SESSION_TIME_INVALID' as const;
  if (endsAt.getTime() - startsAt.getTime() > 10 * 60 * 60 * 1000)
    return 'DEDICATED_SESSION_TIME_INVALID' as const;
  return null;
}

export type HomeAction = 'plan' | 'done' | 'not_possible' | 'withdraw';

const HOME_TRANSITIONS: Record<HomeAction, readonly HomeStatus[]> = {
  // Planned again: the day or the team changed (the person is told again).
  plan: ['requested', 'planned'],
  done: ['planned'],
  not_possible: ['requested', 'planned'],
  // The person can travel after all, or no longer wants it; after a visit done, to book the next dose elsewhere.
  withdraw: ['requested', 'planned', 'done'],
};

const HOME_RESULT: Record<HomeAction, HomeStatus> = {
  plan: 'planned',
  done: 'done',
  not_possible: 'not_possible',
  withdraw: 'withdrawn',
};

/** BOOK-14: how a home request moves; the new status, or the refusal. */
export function homeTransition(
  status: HomeStatus,
  action: HomeAction,
): { status: HomeStatus } | { refusal: 'HOME_VACCINATION_WRONG_STATUS' } {
  return HOME_TRANSITIONS[action].includes(status)
    ? { status: HOME_RESULT[action] }
    : { refusal: 'HOME_VACCINATION_WRONG_STATUS' };
}

/** A visit is planned for today or later (Rome calendar days, compared as text). */
export function visitDayRefusal(visitDay: string, today: string) {
  return visitDay < today ? ('HOME_VISIT_IN_THE_PAST' as const) : null;
}

/** BOOK-14: statuses that keep a person off hub slots (the home list is their way to the vaccine). */
export const HOME_KEEPS_OFF_HUBS: readonly HomeStatus[] = ['requested', 'planned', 'done'];
