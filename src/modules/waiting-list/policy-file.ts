import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Type, type Static } from 'typebox';
import { Compile } from 'typebox/compile';
import { schemaProblems } from '../../platform/schema-problems.ts';
import { PROJECT_ROOT } from '../reference/files.ts';

/**
 * The waiting list's, no-shows' and standby list's time limits as plan data
 * (`plan/waiting-list-policies.json`): versions with the date each takes effect, so that a change of
 * policy is a new version of a file, not a change of code.
 */

const IsoDate = Type.String({ pattern: '^\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])$' });
const Hours = Type.Integer({ minimum: 0, maximum: 24 * 60 });
const Minutes = Type.Integer({ minimum: 0, maximum: 24 * 60 });

const PolicySchema = Type.Object(
  {
    /** BOOK-13: how far ahead places are looked for (the booking search's horizon). */
    horizonDays: Type.Integer({ minimum: 1, maximum: 120 }),
    /** An offered appointment starts at least this long after the offer. */
    minLeadHours: Hours,
    /** How long an offer holds its place… */
    offerHoldHours: Type.Integer({ minimum: 1, maximum: 24 * 14 }),
    /** …or, for an appointment that starts within closeAppointmentHours, closeHoldHours. */
    closeAppointmentHours: Hours,
    closeHoldHours: Type.Integer({ minimum: 1, maximum: 24 * 14 }),
    /** The answer is due at the latest this long before the appointment. */
    acceptBeforeStartHours: Hours,
    /** An offer that would leave less than this to answer is not made. */
    minAnswerMinutes: Type.Integer({ minimum: 1, maximum: 24 * 60 }),
    /** After this many offers declined or let expire, the entry is closed. */
    maxOffers: Type.Integer({ minimum: 1, maximum: 20 }),
    /** No-shows: a hub's day is closed for check-in this long after its closing time. */
    noShowGraceMinutes: Minutes,
    /** Standby: how long a called person has to answer. */
    standbyAnswerMinutes: Type.Integer({ minimum: 1, maximum: 24 * 60 }),
    /** Standby: the job calls people from this long before the day's closing time. */
    standbyCallFromMinutesBeforeClose: Minutes,
    /** Standby: how many days ahead one may register. */
    standbyDaysAhead: Type.Integer({ minimum: 0, maximum: 60 }),
  },
  { additionalProperties: false },
);
export type WaitingListPolicy = Static<typeof PolicySchema>;

const PoliciesFileSchema = Type.Object(
  {
    $comment: Type.Optional(Type.String()),
    versions: Type.Array(
      Type.Object(
        {
          id: Type.String({ pattern: '^[A-Za-z0-9.-]{1,40}$' }),
          effectiveFrom: IsoDate,
          policy: PolicySchema,
        },
        { additionalProperties: false },
      ),
      { minItems: 1 },
    ),
  },
  { additionalProperties: false },
);
export type WaitingListPolicyVersion = Static<typeof PoliciesFileSchema>['versions'][number];

const validator = Compile(PoliciesFileSchema);
export const WAITING_LIST_POLICIES_FILE = path.join(PROJECT_ROOT, 'plan', 'waiting-list-policies.json');

/** Checks a policies document; the versions sorted by effective date, or every problem found. */
export function parseWaitingListPolicies(value: unknown, fileName: string): WaitingListPolicyVersion[] {
  if (!validator.Check(value)) {
    throw new Error(
      `${fileName} is not a valid waiting-list policies file:\n  ${schemaProblems(validator, value).join('\n  ')}`,
    );
  }
  const versions = [...value.versions].sort((a, b) => a.effectiveFrom.localeCompare(b.effectiveFrom));
  for (const [i, version] of versions.entries()) {
    if (versions[i - 1]?.effectiveFrom === version.effectiveFrom)
      throw new Error(`${fileName}: two versions take effect on ${version.effectiveFrom}`);
  }
  return versions;
}

let shipped: WaitingListPolicyVersion[] | undefined;

/** The versions shipped with the platform, read once. */
export function shippedWaitingListPolicies(): WaitingListPolicyVersion[] {
  shipped ??= parseWaitingListPolicies(
    JSON.parse(readFileSync(WAITING_LIST_POLICIES_FILE, 'utf8')) as unknown,
    'plan/waiting-list-policies.json',
  );
  return shipped;
}
