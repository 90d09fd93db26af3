import { describe, expect, it } from 'vitest';
import {
  channelPlan,
  COMMUNICATION_NEEDS,
  contactedInTime,
  deadlineEnd,
  deadlinePassed,
  MAX_UNANSWERED_CALLS,
  proposalState,
  proposalValidUntil,
  type CallOutcome,
  type CommunicationNeed,
  type Contacts,
  type ContactHistory,
} from './rules.ts';
import { deadlineInForce, parseDeadlineFile, shippedDeadlines } from './deadlines.ts';

const NOTHING: ContactHistory = { messages: [], calls: [] };
const needs = (...list: CommunicationNeed[]) => new Set(list);
const contacts = (spec: string): Contacts => ({
  email: spec.includes('E'),
  mobile: spec.includes('M'),
  landline: spec.includes('L'),
  address: spec.includes('A'),
});

/** Every combination of contacts (email, mobile, landline, address) and of needs: 16 × 16. */
const CONTACT_SPECS = Array.from({ length: 16 }, (_, bits) =>
  ['E', 'M', 'L', 'A'].filter((_, i) => bits & (1 << i)).join(''),
);
const NEED_SETS = Array.from({ length: 16 }, (_, bits) =>
  COMMUNICATION_NEEDS.filter((_, i) => bits & (1 << i)),
);
const EVERY_COMBINATION = CONTACT_SPECS.flatMap((spec) =>
  NEED_SETS.map((list) => [spec || '-', list.join('+') || 'none', spec, list] as const),
);

describe('BOOK-17 no phone call to a deaf person', () => {
  const histories: [string, ContactHistory][] = [
    ['nothing tried yet', NOTHING],
    ['an SMS failed', { messages: [{ channel: 'sms', status: 'failed' }], calls: [] }],
    ['an e-mail failed', { messages: [{ channel: 'email', status: 'failed' }], calls: [] }],
    [
      'e-mail and SMS failed',
      {
        messages: [
          { channel: 'email', status: 'failed' },
          { channel: 'sms', status: 'failed' },
        ],
        calls: [],
      },
    ],
    ['a letter was withdrawn', { messages: [{ channel: 'letter', status: 'cancelled' }], calls: [] }],
  ];
  it.each(EVERY_COMBINATION.filter(([, , , list]) => list.includes('deaf')))(
    'BOOK-17 no phone call to a deaf person: contacts %s, needs %s, whatever failed before',
    (_label, _needs, spec, list) => {
      for (const [, history] of histories) {
        expect(channelPlan(contacts(spec), needs(...list), history).step).not.toBe('call');
      }
    },
  );
});

describe('BOOK-17 channel plan for every combination of contacts and needs (first contact)', () => {
  it.each(EVERY_COMBINATION)('BOOK-17 contacts %s, needs %s', (_label, _needs, spec, list) => {
    const c = contacts(spec);
    const n = needs(...list);
    const plan = channelPlan(c, n, NOTHING);
    const canCall = (c.mobile || c.landline) && !n.has('deaf') && !n.has('no_phone');
    const expected: string[] = [];
    if (c.email && !n.has('no_internet')) expected.push('email');
    if (c.mobile && !n.has('no_phone')) expected.push('sms');
    if (expected.length > 0) {
      // SMS and e-mail when they have them.
      expect(plan).toEqual({ step: 'write', channels: expected, reason: 'first_contact_written' });
    } else if (canCall) {
      // A phone call by an operator when there is nothing to write to.
      expect(plan).toEqual({ step: 'call', reason: 'first_contact_call' });
    } else if (c.address) {
      // A paper letter for people without phone or e-mail.
      expect(plan).toEqual({ step: 'write', channels: ['letter'], reason: 'first_contact_letter' });
    } else {
      expect(plan).toEqual({ step: 'none', reason: 'no_channel_left' });
    }
    // Never e-mail to someone without internet, nor SMS to someone without a phone.
    if (plan.step === 'write') {
      if (n.has('no_internet')) expect(plan.channels).not.toContain('email');
      if (n.has('no_phone')) expect(plan.channels).not.toContain('sms');
    }
    // A blind person with a phone that can be called is never contacted by letter alone.
    if (n.has('blind') && canCall) expect(plan).not.toMatchObject({ step: 'write', channels: ['letter'] });
  });
});

describe('BOOK-17 channel plan after attempts', () => {
  const sms = (status: 'pending' | 'sent' | 'failed' | 'cancelled') => ({ channel: 'sms' as const, status });
  const calls = (...list: CallOutcome[]) => list;
  it.each([
    ['BOOK-17 an SMS failed: an operator calls', 'MA', [], [sms('failed')], [], 'call'],
    ['BOOK-17 an SMS failed, deaf: a letter instead of a call', 'MA', ['deaf'], [sms('failed')], [], 'write'],
    ['BOOK-17 an SMS failed, deaf, no address: nothing left', 'M', ['deaf'], [sms('failed')], [], 'none'],
    ['BOOK-17 an SMS is on its way: wait', 'MA', [], [sms('pending')], [], 'wait'],
    ['BOOK-17 an SMS was sent: wait (contacted)', 'MA', [], [sms('sent')], [], 'wait'],
    [
      'ELIG-21 an SMS was sent but the GP reports no contact: an operator calls',
      'MA',
      [],
      [sms('sent')],
      [],
      'call',
      true,
    ],
    ['ELIG-21 the same for a deaf person: a letter', 'MA', ['deaf'], [sms('sent')], [], 'write', true],
    ['BOOK-17 no answer once: call again', 'LA', [], [], calls('no_answer'), 'call'],
    [
      `BOOK-17 no answer ${MAX_UNANSWERED_CALLS} times: a letter`,
      'LA',
      [],
      [],
      calls(...Array<CallOutcome>(MAX_UNANSWERED_CALLS).fill('no_answer')),
      'write',
    ],
    ['BOOK-17 wrong number: a letter', 'LA', [], [], calls('wrong_number'), 'write'],
    ['BOOK-17 wrong number, no address: nothing left', 'L', [], [], calls('wrong_number'), 'none'],
    [
      'BOOK-17 wrong number, blind: a letter after the call',
      'LA',
      ['blind'],
      [],
      calls('wrong_number'),
      'write',
    ],
    ['BOOK-17 answered and will book: wait', 'L', [], [], calls('will_book'), 'wait'],
    ['BOOK-17 answered: wait', 'L', [], [], calls('no_answer', 'reached'), 'wait'],
    ['BOOK-17 booked on the phone: done', 'L', [], [], calls('booked'), 'done'],
    ['BOOK-17 refused on the phone: done', 'L', [], [], calls('refused'), 'done'],
    [
      'BOOK-17 the letter after the calls failed: nothing left',
      'LA',
      [],
      [{ channel: 'letter' as const, status: 'failed' as const }],
      calls('wrong_number'),
      'none',
    ],
  ] as const)('%s', (_name, spec, list, messages, callList, step, gpReported?: boolean) => {
    const plan = channelPlan(contacts(spec), needs(...list), {
      messages,
      calls: callList,
      gpReported: gpReported === true,
    });
    expect(plan.step).toBe(step);
    if (plan.step === 'write') expect(plan.channels).toEqual(['letter']);
  });
});

describe('ELIG-21 deadline boundaries in Rome dates', () => {
  it.each([
    // 20 April 2021 is CEST (UTC+2): the day ends at 21:59:59.999Z.
    ['2021-04-20T21:59:59.999Z', '2021-04-20', true],
    ['2021-04-20T22:00:00.000Z', '2021-04-20', false],
    ['2021-04-19T22:00:00.000Z', '2021-04-20', true],
    ['2021-04-30T21:59:00.000Z', '2021-04-30', true],
    ['2021-04-30T22:00:00.000Z', '2021-04-30', false],
    // Winter time (UTC+1): 1 March ends at 23:00Z.
    ['2021-03-01T22:59:59.000Z', '2021-03-01', true],
    ['2021-03-01T23:00:00.000Z', '2021-03-01', false],
    // The night of the clock change (28 March 2021, 02:00 → 03:00).
    ['2021-03-28T21:59:59.000Z', '2021-03-28', true],
    ['2021-03-28T22:00:00.000Z', '2021-03-28', false],
  ])('ELIG-21 a contact at %s is in time for %s: %s', (at, deadline, inTime) => {
    expect(contactedInTime(new Date(at), deadline)).toBe(inTime);
    expect(new Date(at) < deadlineEnd(deadline)).toBe(inTime);
  });

  it.each([
    ['2021-04-20', '2021-04-20T22:00:00.000Z'],
    ['2021-04-30', '2021-04-30T22:00:00.000Z'],
    ['2021-03-01', '2021-03-01T23:00:00.000Z'],
    ['2021-03-27', '2021-03-27T23:00:00.000Z'],
    ['2021-12-31', '2021-12-31T23:00:00.000Z'],
  ])('ELIG-21 the deadline %s ends at %s', (deadline, end) => {
    expect(deadlineEnd(deadline).toISOString()).toBe(end);
  });

  it.each([
    ['2021-04-20T21:59:59Z', false],
    ['2021-04-20T22:00:00Z', true],
  ])('ELIG-21 at %s the deadline of 20 April has passed: %s', (now, passed) => {
    expect(deadlinePassed(new Date(now), '2021-04-20')).toBe(passed);
  });
});

describe('ELIG-21 deadlines as plan data', () => {
  it.each([
    ['er-extremely-vulnerable', '2021-04-16', '2021-04-20'],
    ['er-parents-of-vulnerable-minors', '2021-04-20', '2021-04-30'],
    ['er-parents-of-disabled-minors', '2021-05-10', '2021-04-30'],
    ['er-extremely-vulnerable', '2021-04-15', undefined],
    ['unknown-deadline', '2021-04-20', undefined],
  ])('ELIG-21 Emilia-Romagna deadline %s in force on %s: contact by %s', async (id, on, contactBy) => {
    const versions = await shippedDeadlines();
    expect(deadlineInForce(versions, '08', id, on)?.contactBy).toBe(contactBy);
  });

  it('ELIG-21 a later version replaces the region’s deadlines from its date', () => {
    const version = (effectiveFrom: string, contactBy: string) => ({
      id: `ER-${effectiveFrom}`,
      region: '08',
      effectiveFrom,
      source: 's',
      deadlines: [{ id: 'er-x', label: { it: 'x', en: 'x' }, contactBy }],
    });
    const versions = parseDeadlineFile({
      description: 'd',
      versions: [version('2021-04-01', '2021-04-20'), version('2021-04-18', '2021-04-25')],
    });
    expect(deadlineInForce(versions, '08', 'er-x', '2021-04-17')?.contactBy).toBe('2021-04-20');
    expect(deadlineInForce(versions, '08', 'er-x', '2021-04-18')?.contactBy).toBe('2021-04-25');
    expect(deadlineInForce(versions, '03', 'er-x', '2021-04-18')).toBeUndefined();
  });

  it.each([
    ['a date that does not exist', { contactBy: '2021-02-30' }],
    ['a malformed date', { contactBy: '20-04-2021' }],
  ])('ELIG-21 the deadline file is refused with %s', (_name, change) => {
    expect(() =>
      parseDeadlineFile({
        description: 'd',
        versions: [
          {
            id: 'ER-1',
            region: '08',
            effectiveFrom: '2021-04-01',
            source: 's',
            deadlines: [{ id: 'er-x', label: { it: 'x', en: 'x' }, ...change }],
          },
        ],
      }),
    ).toThrow(/outreach-deadlines/);
  });
});

describe('BOOK-17 proposals', () => {
  const startsAt = new Date('2021-04-16T08:00:00Z');
  it.each([
    ['open', '2021-04-14T08:00:00Z', 'open'],
    ['open', '2021-04-15T07:59:59Z', 'open'],
    ['open', '2021-04-15T08:00:00Z', 'expired'],
    ['confirmed', '2021-04-15T09:00:00Z', 'confirmed'],
    ['changed', '2021-04-14T08:00:00Z', 'changed'],
  ] as const)('BOOK-17 a proposal %s valid until 15 April 08:00Z, at %s, is %s', (status, now, state) => {
    expect(
      proposalState({ status, validUntil: new Date('2021-04-15T08:00:00Z'), startsAt }, new Date(now)),
    ).toBe(state);
  });

  it.each([
    ['2021-04-14T08:00:00Z', 24, '2021-04-15T08:00:00.000Z'],
    ['2021-04-15T20:00:00Z', 48, '2021-04-16T08:00:00.000Z'],
  ])(
    'BOOK-17 a proposal made at %s for %i hours is valid until %s (never past the slot)',
    (now, hours, until) => {
      expect(proposalValidUntil(new Date(now), hours, startsAt).toISOString()).toBe(until);
    },
  );
});
