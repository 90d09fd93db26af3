import { sql, type Kysely } from 'kysely';
import { createHash } from 'node:crypto';
import type { DB } from '../db/schema.ts';

export interface ThrottlePolicy {
  maxFailures: number;
  windowMinutes: number;
  lockMinutes: number;
}

/** Per identifier: a person's tax code or a staff username. Guessing one card takes forever. */
export const IDENTIFIER_POLICY: ThrottlePolicy = { maxFailures: 5, windowMinutes: 15, lockMinutes: 15 };
/** Per client address: generous (call centers and kiosks share addresses), still stops sweeps. */
export const ADDRESS_POLICY: ThrottlePolicy = { maxFailures: 50, windowMinutes: 15, lockMinutes: 15 };

/** Keys are hashed: the throttle table must not become a list of tax codes (SEC-5). */
export function throttleKey(kind: string, value: string): string {
  return `${kind}:${createHash('sha256').update(value).digest('hex').slice(0, 32)}`;
}

/** The latest lock among the keys still in force at `now`, if any. */
export async function lockedUntil(db: Kysely<DB>, keys: string[], now: Date): Promise<Date | undefined> {
  const row = await db
    .selectFrom('sign_in_throttle')
    .select((eb) => eb.fn.max('locked_until').as('until'))
    .where('key', 'in', keys)
    .where('locked_until', '>', now)
    .executeTakeFirst();
  return row?.until ? new Date(row.until) : undefined;
}

/**
 * Counts one failure with a single atomic upsert, so that concurrent attempts from several processes
 * are all counted; the key is locked when the count reaches the policy's limit within its window.
 */
export async function recordFailure(
  db: Kysely<DB>,
  key: string,
  policy: ThrottlePolicy,
  now: Date,
): Promise<void> {
  const windowStart = new Date(now.getTime() - policy.windowMinutes * 60_000);
  const lockEnd = new Date(now.getTime() + policy.lockMinutes * 60_000);
  await sql`
    INSERT INTO sign_in_throttle AS t (key, failures, window_started_at, locked_until)
    VALUES (${key}, 1, ${now}, ${policy.maxFailures <= 1 ? lockEnd : null})
    ON CONFLICT (key) DO UPDATE SET
      failures = CASE WHEN t.window_started_at < ${windowStart} THEN 1 ELSE t.failures + 1 END,
      window_started_at = CASE WHEN t.window_started_at < ${windowStart} THEN ${now} ELSE t.window_started_at END,
      locked_until = CASE
        WHEN t.window_started_at >= ${windowStart} AND t.failures + 1 >= ${policy.maxFailures} THEN ${lockEnd}
        ELSE t.locked_until END`.execute(db);
}

export async function clearFailures(db: Kysely<DB>, key: string): Promise<void> {
  await db.deleteFrom('sign_in_throttle').where('key', '=', key).execute();
}
