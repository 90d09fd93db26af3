import { sql, type Kysely } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';

/** What a redacted message's recipient becomes: the column's CHECK wants a non-empty text. */
export const REDACTED_RECIPIENT = 'redacted';

/*
 * Each function handles one batch in one statement (its own transaction), so a first run on a big table
 * never holds its row locks for long. SKIP LOCKED lets two processes running the job at once share the
 * rows instead of waiting for each other; the conditions in the WHERE clause make a repeated batch a no-op.
 */

/** NAT-1: deletes up to `limit` outbox rows acknowledged before `cutoff`; never one still to be acknowledged. */
export async function deleteAcknowledgedOutbox(db: Kysely<DB>, cutoff: Date, limit: number): Promise<number> {
  const result = await sql`
    DELETE FROM national_outbox
    WHERE id IN (
      SELECT id FROM national_outbox
      WHERE acknowledged_at IS NOT NULL AND acknowledged_at < ${cutoff}
      LIMIT ${limit}
      FOR UPDATE SKIP LOCKED
    )`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}

/**
 * Removes the personal data of up to `limit` messages whose age (sent_at, or created_at for a failed or
 * cancelled one) passed `cutoff`: the recipient, the params (names, appointments, codes) and the delivery
 * errors, which can quote the address (an SMTP refusal names the mailbox). What was sent, when, and every
 * attempt's outcome stay (BOOK-17). Pending messages are never touched.
 */
export async function redactOldMessages(
  db: Kysely<DB>,
  cutoff: Date,
  redactedAt: Date,
  limit: number,
): Promise<number> {
  const { rows } = await sql<{ redacted: number }>`
    WITH batch AS (
      SELECT id FROM messages
      WHERE redacted_at IS NULL AND status <> 'pending' AND coalesce(sent_at, created_at) < ${cutoff}
      LIMIT ${limit}
      FOR UPDATE SKIP LOCKED
    ), redacted AS (
      UPDATE messages m
      SET recipient = ${REDACTED_RECIPIENT}, params = '{}'::jsonb, last_error = NULL, redacted_at = ${redactedAt}
      FROM batch
      WHERE m.id = batch.id
      RETURNING m.id
    ), attempts AS (
      UPDATE message_attempts a SET error = NULL
      FROM redacted
      WHERE a.message_id = redacted.id AND a.error IS NOT NULL
    )
    SELECT count(*)::integer AS redacted FROM redacted`.execute(db);
  return rows[0]?.redacted ?? 0;
}
