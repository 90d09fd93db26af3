import { romeInstant } from '../../platform/clock.ts';
import { distanceKm } from '../booking/rules.ts';
import type { WaitingListPolicy, WaitingListPolicyVersion } from './policy-file.ts';

/*
 * The waiting list's, no-shows' and standby list's rules as pure functions (BOOK-13, ELIG-2): the instant
 * and the policy are passed in.
 */

const HOUR_MS = 60 * 60 * 1000;
const MINUTE_MS = 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

/** The policy version in force on a Rome calendar date: the latest that took effect by then. */
export function policyOn(versions: readonly WaitingListPolicyVersion[], date: string): WaitingListPolicy {
  let found: WaitingListPolicyVersion | undefined;
  for (const version of versions) if (version.effectiveFrom <= date) found = version;
  const chosen = found ?? versions[0];
  if (chosen === undefined) throw new Error('no waiting-list policy version');
  return chosen.policy;
}

/** Someone waiting (or standing by) in a queue: their ELIG-2 priority and when they joined. */
export interface Queued {
  id: number;
  priority: number;
  joinedAt: Date;
}

/**
 * ELIG-2, BOOK-13: the queue's order: the category's priority (1 first), then who joined first, then the
 * row's id (two people who joined in the same instant keep a stable order).
 */
export function queueOrder(a: Queued, b: Queued): number {
  return a.priority - b.priority || a.joinedAt.getTime() - b.joinedAt.getTime() || a.id - b.id;
}

/** BOOK-13: the appointments an offer may propose: from minLeadHours after now to the horizon. */
export function offerWindow(now: Date, policy: WaitingListPolicy): { from: Date; to: Date } {
  return {
    from: new Date(now.getTime() + policy.minLeadHours * HOUR_MS),
    to: new Date(now.getTime() + policy.horizonDays * DAY_MS),
  };
}

/**
 * BOOK-13: until when an offer made now of an appointment at `startsAt` holds its place: offerHoldHours,
 * or closeHoldHours when the appointment starts within closeAppointmentHours; never later than
 * acceptBeforeStartHours before the appointment. Null when that leaves less than minAnswerMinutes to
 * answer: the place is not offered.
 */
export function offerDeadline(now: Date, startsAt: Date, policy: WaitingListPolicy): Date | null {
  const untilStart = startsAt.getTime() - now.getTime();
  const holdHours =
    untilStart <= policy.closeAppointmentHours * HOUR_MS ? policy.closeHoldHours : policy.offerHoldHours;
  const deadline = Math.min(
    now.getTime() + holdHours * HOUR_MS,
    startsAt.getTime() - policy.acceptBeforeStartHours * HOUR_MS,
  );
  if (deadline - now.getTime() < policy.minAnswerMinutes * MINUTE_MS) return null;
  return new Date(deadline);
}

/** A free place a waiting person could be offered: at which hub, how far from their domicile, when. */
export interface Candidate {
  slotId: number;
  startsAt: Date;
  hub: { lat: number; lng: number; code: string };
}

/**
 * BOOK-7, BOOK-13: the places to try, as the booking search ranks hubs: the nearest hub to the domicile
 * first, then the earliest time; only those whose offer would leave time to answer.
 */
export function rankCandidates<C extends Candidate>(
  home: { lat: number; lng: number },
  candidates: readonly C[],
  now: Date,
  policy: WaitingListPolicy,
): C[] {
  return candidates
    .filter((candidate) => offerDeadline(now, candidate.startsAt, policy) !== null)
    .map((candidate) => ({ candidate, km: Math.round(distanceKm(home, candidate.hub) * 10) / 10 }))
    .sort(
      (a, b) =>
        a.km - b.km ||
        a.candidate.startsAt.getTime() - b.candidate.startsAt.getTime() ||
        a.candidate.hub.code.localeCompare(b.candidate.hub.code),
    )
    .map(({ candidate }) => candidate);
}

/** BOOK-13: an entry is closed once this many offers were declined or let expire. */
export const offersExhausted = (offersMade: number, policy: WaitingListPolicy): boolean =>
  offersMade >= policy.maxOffers;

/** No-shows: from when a hub's day is over for check-in (its closing time and the grace after it). */
export function noShowsFrom(day: string, closesAt: string, policy: WaitingListPolicy): Date {
  return new Date(romeInstant(day, closesAt.slice(0, 5)).getTime() + policy.noShowGraceMinutes * MINUTE_MS);
}

/** A standby registration as the caller sees it. */
export interface StandbyQueued extends Queued {
  status: 'waiting' | 'called' | 'booked' | 'declined' | 'no_answer' | 'withdrawn';
}

/**
 * Standby: who is called now. The doses that would be wasted are the day's free places (doses left and
 * places left); those already called and not yet answered count against them; the rest go to the waiting
 * registrations in priority order (ELIG-2).
 */
export function whoToCall<Q extends StandbyQueued>(
  registrations: readonly Q[],
  freePlaces: number,
  pendingCalls: number,
): Q[] {
  const room = Math.max(0, freePlaces - pendingCalls);
  return registrations
    .filter((registration) => registration.status === 'waiting')
    .sort(queueOrder)
    .slice(0, room);
}

/** Standby: until when a call made now may be answered. */
export const standbyAnswerBy = (now: Date, policy: WaitingListPolicy): Date =>
  new Date(now.getTime() + policy.standbyAnswerMinutes * MINUTE_MS);
