import { sql, type Kysely, type RawBuilder, type Selectable } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';
import type {
  AttemptOutcome,
  Channel,
  MessageAttemptsTable,
  MessageLanguage,
  MessagesTable,
  MessageStatus,
  MessagingTables,
} from './tables.ts';

export type MessagingDb = Kysely<DB & MessagingTables>;
export type MessageRow = Selectable<MessagesTable>;
export type MessageAttemptRow = Selectable<MessageAttemptsTable>;

/** The platform's database seen with this module's tables. */
export const messagingDb = (db: Kysely<DB>): MessagingDb => db.withTables<MessagingTables>();

/** A message claimed by one worker for delivery. */
export interface ClaimedMessage {
  id: number;
  personId: number;
  channel: Channel;
  template: string;
  language: MessageLanguage;
  recipient: string;
  params: unknown;
  causeKind: string;
  causeId: number;
  /** This attempt's number (1 for the first). */
  attempt: number;
}

/**
 * Claims up to `limit` due e-mails and SMS for `leaseSeconds` under `token`. A message is claimable when
 * it is pending and due, nobody holds a live lease on it, and no older pending message of the same
 * person waits (a person reads their messages in the order of their causes). SKIP LOCKED lets several
 * workers claim at once without waiting for each other or taking the same message. Letters are not
 * claimed here: they go out in print batches (letters.ts).
 */
export async function claimDue(
  db: MessagingDb,
  limit: number,
  leaseSeconds: number,
  token: string,
): Promise<ClaimedMessage[]> {
  // A person's e-mails and SMS go out in order: the oldest pending one blocks the later ones.
  return claim(
    db,
    sql`m.channel <> 'letter' AND NOT EXISTS (
      SELECT 1 FROM messages earlier
      WHERE earlier.person_id = m.person_id AND earlier.status = 'pending'
        AND earlier.channel <> 'letter' AND earlier.id < m.id
    )`,
    limit,
    leaseSeconds,
    token,
  );
}

/** Claims the due, unleased pending messages that `which` selects, for `leaseSeconds`, oldest first. */
async function claim(
  db: MessagingDb,
  which: RawBuilder<unknown>,
  limit: number,
  leaseSeconds: number,
  token: string,
): Promise<ClaimedMessage[]> {
  const { rows } = await sql<ClaimedMessage>`
    WITH claimable AS (
      SELECT m.id FROM messages m
      WHERE m.status = 'pending' AND ${which}
        AND m.send_after <= clock_timestamp()
        AND (m.claimed_until IS NULL OR m.claimed_until < clock_timestamp())
      ORDER BY m.id
      LIMIT ${limit}
      FOR UPDATE SKIP LOCKED
    )
    UPDATE messages m
    SET claimed_until = clock_timestamp() + make_interval(secs => ${leaseSeconds}),
      claim_token = ${token}::uuid, attempts = m.attempts + 1
    FROM claimable
    WHERE m.id = claimable.id
    RETURNING m.id AS "id", m.person_id AS "personId", m.channel AS "channel", m.template AS "template",
      m.language AS "language", m.recipient AS "recipient", m.params AS "params",
      m.cause_kind AS "causeKind", m.cause_id AS "causeId", m.attempts AS "attempt"
  `.execute(db);
  return rows
    .map((row) => ({ ...row, id: Number(row.id), causeId: Number(row.causeId) }))
    .sort((a, b) => a.id - b.id);
}

export interface AttemptRecord {
  adapter: string;
  durationMs: number;
  outcome: AttemptOutcome;
  providerMessageId?: string | null;
  error?: string | null;
}

/**
 * Records an attempt and what it leaves the message in, in one transaction: sent; pending again after
 * `retryInMs`; failed; or cancelled (skipped). The message changes only while `token`'s claim holds it,
 * except when it was sent: a message the provider took is recorded as sent whoever holds it now.
 */
export async function recordAttempt(
  db: MessagingDb,
  message: { id: number; attempt: number },
  token: string,
  attempt: AttemptRecord & { retryInMs?: number },
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('message_attempts')
      .values({
        message_id: message.id,
        attempt: message.attempt,
        adapter: attempt.adapter,
        duration_ms: Math.max(0, Math.round(attempt.durationMs)),
        outcome: attempt.outcome,
        provider_message_id: attempt.providerMessageId ?? null,
        error: attempt.error?.slice(0, 1000) ?? null,
      })
      .onConflict((conflict) => conflict.columns(['message_id', 'attempt']).doNothing())
      .execute();
    const released = { claimed_until: null, claim_token: null };
    // A one-time secret (a certificate's code) is kept only while the message may still be sent.
    const forgetSecret = { params: sql<unknown>`params - 'secret'` };
    let update;
    switch (attempt.outcome) {
      case 'sent':
        update = trx
          .updateTable('messages')
          .set({
            ...released,
            ...forgetSecret,
            status: 'sent',
            sent_at: sql<Date>`clock_timestamp()`,
            provider_message_id: attempt.providerMessageId ?? null,
            last_error: null,
          })
          .where('id', '=', message.id)
          .where('status', '<>', 'sent');
        break;
      case 'retry':
        update = trx
          .updateTable('messages')
          .set({
            ...released,
            last_error: attempt.error?.slice(0, 500) ?? null,
            send_after: sql<Date>`clock_timestamp() + make_interval(secs => ${(attempt.retryInMs ?? 0) / 1000})`,
          })
          .where('id', '=', message.id)
          .where('claim_token', '=', token);
        break;
      case 'failed':
      case 'skipped':
        update = trx
          .updateTable('messages')
          .set({
            ...released,
            ...forgetSecret,
            status: attempt.outcome === 'failed' ? 'failed' : 'cancelled',
            last_error: attempt.error?.slice(0, 500) ?? null,
          })
          .where('id', '=', message.id)
          .where('claim_token', '=', token);
        break;
    }
    await update.execute();
  });
}

/** BOOK-18: the booking a reminder is about, as it is now (to skip reminders of changed bookings). */
export async function bookingNow(
  db: MessagingDb,
  bookingId: number,
): Promise<{ status: string; starts_at: Date } | undefined> {
  return db
    .selectFrom('bookings')
    .select(['status', 'starts_at'])
    .where('id', '=', bookingId)
    .executeTakeFirst();
}

/**
 * BOOK-18: writes the reminders of the bookings that start within the lead time (one per booking and
 * start time; the database function of migration 0018). Returns how many it wrote.
 */
export async function scheduleReminders(
  db: MessagingDb,
  now: Date,
  leadHours: number,
  letterLeadHours: number,
): Promise<number> {
  const { rows } = await sql<{ written: number }>`
    SELECT messaging_schedule_reminders(${now}::timestamptz, make_interval(hours => ${leadHours}),
      make_interval(hours => ${letterLeadHours})) AS "written"`.execute(db);
  return Number(rows[0]?.written ?? 0);
}

export interface MessageFilter {
  id?: number | undefined;
  personId?: number | undefined;
  status?: MessageStatus | undefined;
  channel?: Channel | undefined;
  /** An ASL administrator's authorities: messages of their people or of bookings at their points. */
  healthAuthorityCodes?: readonly string[] | null;
  limit: number;
  offset: number;
}

/** The messages, newest first, with their attempts. */
export async function listMessages(
  db: MessagingDb,
  filter: MessageFilter,
): Promise<{ total: number; messages: (MessageRow & { attemptLog: MessageAttemptRow[] })[] }> {
  let query = db.selectFrom('messages as m');
  if (filter.id !== undefined) query = query.where('m.id', '=', filter.id);
  if (filter.personId !== undefined) query = query.where('m.person_id', '=', filter.personId);
  if (filter.status !== undefined) query = query.where('m.status', '=', filter.status);
  if (filter.channel !== undefined) query = query.where('m.channel', '=', filter.channel);
  const codes = filter.healthAuthorityCodes;
  if (codes !== undefined && codes !== null) {
    if (codes.length === 0) return { total: 0, messages: [] };
    query = query.where((eb) =>
      eb.or([
        eb.exists(
          eb
            .selectFrom('persons as p')
            .select('p.id')
            .whereRef('p.id', '=', 'm.person_id')
            .where('p.health_authority_code', 'in', codes),
        ),
        eb.and([
          eb('m.cause_kind', '=', 'booking'),
          eb.exists(
            eb
              .selectFrom('bookings as b')
              .innerJoin('vaccination_points as vp', 'vp.id', 'b.vaccination_point_id')
              .select('b.id')
              .whereRef('b.id', '=', 'm.cause_id')
              .where('vp.health_authority_code', 'in', codes),
          ),
        ]),
      ]),
    );
  }
  const counted = await query.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirst();
  const messages = await query
    .selectAll('m')
    .orderBy('m.id', 'desc')
    .limit(filter.limit)
    .offset(filter.offset)
    .execute();
  const attempts =
    messages.length === 0
      ? []
      : await db
          .selectFrom('message_attempts')
          .selectAll()
          .where(
            'message_id',
            'in',
            messages.map((message) => message.id),
          )
          .orderBy('message_id')
          .orderBy('attempt')
          .execute();
  return {
    total: Number(counted?.total ?? 0),
    messages: messages.map((message) => ({
      ...message,
      attemptLog: attempts.filter((attempt) => attempt.message_id === message.id),
    })),
  };
}

export async function getMessage(
  db: MessagingDb,
  id: number,
): Promise<(MessageRow & { attemptLog: MessageAttemptRow[] }) | undefined> {
  const message = await db.selectFrom('messages').selectAll().where('id', '=', id).executeTakeFirst();
  if (message === undefined) return undefined;
  const attemptLog = await db
    .selectFrom('message_attempts')
    .selectAll()
    .where('message_id', '=', id)
    .orderBy('attempt')
    .execute();
  return { ...message, attemptLog };
}

/** Letters waiting for a print batch, claimed like e-mails (a batch that dies frees them when its lease ends). */
export async function claimLetters(
  db: MessagingDb,
  limit: number,
  leaseSeconds: number,
  token: string,
): Promise<ClaimedMessage[]> {
  return claim(db, sql`m.channel = 'letter'`, limit, leaseSeconds, token);
}

/** A print batch printed: its letters are sent, in one transaction, each with its attempt. */
export async function markLettersPrinted(
  db: MessagingDb,
  letters: readonly { id: number; attempt: number }[],
  token: string,
  batch: string,
  durationMs: number,
): Promise<number> {
  if (letters.length === 0) return 0;
  return db.transaction().execute(async (trx) => {
    const ids = letters.map((letter) => letter.id);
    const updated = await trx
      .updateTable('messages')
      .set({
        status: 'sent',
        sent_at: sql<Date>`clock_timestamp()`,
        print_batch: batch,
        params: sql<unknown>`params - 'secret'`,
        provider_message_id: sql<string>`${batch} || '#' || id::text`,
        claimed_until: null,
        claim_token: null,
        last_error: null,
      })
      .where('id', 'in', ids)
      .where('claim_token', '=', token)
      .where('status', '=', 'pending')
      .returning('id')
      .execute();
    const printed = new Set(updated.map((row) => Number(row.id)));
    const rows = letters
      .filter((letter) => printed.has(letter.id))
      .map((letter) => ({
        message_id: letter.id,
        attempt: letter.attempt,
        adapter: 'letter-pdf',
        duration_ms: Math.max(0, Math.round(durationMs)),
        outcome: 'sent' as const,
        provider_message_id: `${batch}#${letter.id}`,
      }));
    if (rows.length > 0) await trx.insertInto('message_attempts').values(rows).execute();
    if (printed.size !== letters.length) {
      // Another batch took some of these letters after this one's lease ran out: undo, print again.
      throw new LeaseLostError(
        `${letters.length - printed.size} letters of batch ${batch} were claimed again`,
      );
    }
    return printed.size;
  });
}

export class LeaseLostError extends Error {}

/** Frees claimed letters that were not printed (a batch that failed before printing). */
export async function releaseLetters(db: MessagingDb, ids: readonly number[], token: string): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable('messages')
    .set({ claimed_until: null, claim_token: null })
    .where('id', 'in', [...ids])
    .where('claim_token', '=', token)
    .execute();
}

/** The region's name, for the letters' sender. */
export async function regionName(db: MessagingDb, code: string): Promise<string | undefined> {
  const row = await db.selectFrom('regions').select('name').where('code', '=', code).executeTakeFirst();
  return row?.name;
}
