import { romeDate, romeInstant } from '../../platform/clock.ts';

/*
 * Active calling (BOOK-17, ELIG-21): pure rules, the clock's value passed in.
 */

/** What the registry does not say about how a person can be reached (migrations/0024_outreach.sql). */
export const COMMUNICATION_NEEDS = ['deaf', 'blind', 'no_phone', 'no_internet'] as const;
export type CommunicationNeed = (typeof COMMUNICATION_NEEDS)[number];

export const CALL_OUTCOMES = [
  'reached',
  'no_answer',
  'wrong_number',
  'refused',
  'booked',
  'will_book',
] as const;
export type CallOutcome = (typeof CALL_OUTCOMES)[number];

/** A call in which the person answered: a successful contact (ELIG-21). */
export const ANSWERED_OUTCOMES: readonly CallOutcome[] = ['reached', 'refused', 'booked', 'will_book'];
export const isAnswered = (outcome: CallOutcome): boolean => ANSWERED_OUTCOMES.includes(outcome);

/** Unanswered calls after which the operators stop calling and a letter goes out. */
export const MAX_UNANSWERED_CALLS = 3;

export type WrittenChannel = 'email' | 'sms' | 'letter';

/** Which contacts the registry has for the person (usable ones: a well-formed e-mail, a mobile). */
export interface Contacts {
  email: boolean;
  mobile: boolean;
  landline: boolean;
  /** A postal address: domicile or residence. */
  address: boolean;
}

export interface ContactHistory {
  /** The campaign's messages to the person, any status. */
  messages: readonly { channel: WrittenChannel; status: 'pending' | 'sent' | 'failed' | 'cancelled' }[];
  /** The campaign's calls to the person, in order. */
  calls: readonly CallOutcome[];
  /**
   * ELIG-21: the person's GP reported that they were not contacted: a message recorded as delivered did
   * not reach them, so it no longer counts, and the plan goes on to a call or a letter.
   */
  gpReported?: boolean;
}

/**
 * The next step for one person: write (these channels, now), call (put on the operators' list), wait
 * (something is on its way, or the person was reached and may book), done (booked or refused), none (no
 * way left to reach them: the GP follow-up of ELIG-21).
 */
export type ChannelStep =
  | { step: 'write'; channels: WrittenChannel[]; reason: StepReason }
  | { step: 'call'; reason: StepReason }
  | { step: 'wait'; reason: StepReason }
  | { step: 'done'; reason: StepReason }
  | { step: 'none'; reason: StepReason };

export type StepReason =
  | 'booked'
  | 'refused'
  | 'reached'
  | 'delivered'
  | 'in_transit'
  | 'first_contact_written'
  | 'first_contact_call'
  | 'first_contact_letter'
  | 'written_failed_call'
  | 'call_again'
  | 'calls_exhausted_letter'
  | 'no_channel_left';

/**
 * BOOK-17: the channel plan. It respects the person:
 * - **no phone call to a deaf person** (nor to one who says they have no phone);
 * - SMS and e-mail when they have them (both: an invitation is worth two tries), not e-mail to someone
 *   without internet nor SMS to someone without a phone;
 * - a paper letter for people without phone or e-mail, and after calls that reached nobody;
 * - a phone call by an operator for people with only a landline, and when the written messages failed;
 * - a blind person who has a phone is called before any letter (never contacted by letter alone).
 * A deaf person without e-mail or mobile gets a letter (plain language, seed 002).
 */
export function channelPlan(
  contacts: Contacts,
  needs: ReadonlySet<CommunicationNeed>,
  history: ContactHistory,
): ChannelStep {
  if (history.calls.includes('booked')) return { step: 'done', reason: 'booked' };
  if (history.calls.includes('refused')) return { step: 'done', reason: 'refused' };
  if (history.calls.some((outcome) => outcome === 'reached' || outcome === 'will_book'))
    return { step: 'wait', reason: 'reached' };
  if (!history.gpReported && history.messages.some((message) => message.status === 'sent'))
    return { step: 'wait', reason: 'delivered' };
  if (history.messages.some((message) => message.status === 'pending'))
    return { step: 'wait', reason: 'in_transit' };

  const canEmail = contacts.email && !needs.has('no_internet');
  const canSms = contacts.mobile && !needs.has('no_phone');
  const canCall = (contacts.mobile || contacts.landline) && !needs.has('deaf') && !needs.has('no_phone');
  const canLetter = contacts.address;
  const tried = new Set(history.messages.map((message) => message.channel));
  const unanswered = history.calls.filter((outcome) => outcome === 'no_answer').length;
  const callsLeft = canCall && !history.calls.includes('wrong_number') && unanswered < MAX_UNANSWERED_CALLS;

  // First contact: nothing tried yet.
  if (tried.size === 0 && history.calls.length === 0) {
    const written: WrittenChannel[] = [];
    if (canEmail) written.push('email');
    if (canSms) written.push('sms');
    if (written.length > 0) return { step: 'write', channels: written, reason: 'first_contact_written' };
    if (canCall) return { step: 'call', reason: 'first_contact_call' };
    if (canLetter) return { step: 'write', channels: ['letter'], reason: 'first_contact_letter' };
    return { step: 'none', reason: 'no_channel_left' };
  }

  // What was written failed (or was withdrawn): an operator calls while calls may reach the person.
  if (callsLeft)
    return { step: 'call', reason: history.calls.length === 0 ? 'written_failed_call' : 'call_again' };
  if (canLetter && !tried.has('letter'))
    return { step: 'write', channels: ['letter'], reason: 'calls_exhausted_letter' };
  return { step: 'none', reason: 'no_channel_left' };
}

/** ELIG-21: a contact counts when it happened on or before the deadline's day, in Rome. */
export const contactedInTime = (contactAt: Date, deadline: string): boolean =>
  romeDate(contactAt) <= deadline;

/** The first instant after the deadline's day in Rome: contacts before it are in time. */
export const deadlineEnd = (deadline: string): Date => {
  const [year, month, day] = deadline.split('-').map(Number) as [number, number, number];
  const next = new Date(Date.UTC(year, month - 1, day + 1));
  return romeInstant(next.toISOString().slice(0, 10));
};

/** ELIG-21: the deadline has passed when Rome's calendar is past its day. */
export const deadlinePassed = (now: Date, deadline: string): boolean => romeDate(now) > deadline;

/** A proposal can be confirmed while open and not past its time. */
export function proposalState(
  proposal: { status: 'open' | 'confirmed' | 'changed' | 'withdrawn'; validUntil: Date; startsAt: Date },
  now: Date,
): 'open' | 'confirmed' | 'changed' | 'withdrawn' | 'expired' {
  if (proposal.status !== 'open') return proposal.status;
  if (now >= proposal.validUntil || now >= proposal.startsAt) return 'expired';
  return 'open';
}

/** How long a proposal stays valid: its hours, but never past the appointment itself. */
export const proposalValidUntil = (now: Date, hours: number, startsAt: Date): Date =>
  new Date(Math.min(now.getTime() + hours * 3_600_000, startsAt.getTime()));
