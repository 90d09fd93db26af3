import { sql, type Kysely } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';
import type { Clock } from '../../platform/clock.ts';
import { romeDate, romeInstant } from '../../platform/clock.ts';
import { DomainError } from '../../platform/http/problem.ts';
import { recordAudit, type ActingContext } from '../../platform/audit/audit.ts';
import type { BookingChannel } from '../eligibility/plan-file.ts';
import type { BookingService, Confirmation } from '../booking/service.ts';
import { shippedWaitingListPolicies, type WaitingListPolicyVersion } from './policy-file.ts';
import { policyOn, standbyAnswerBy, whoToCall } from './rules.ts';
import { openBookingFor, type Db } from './repo.ts';
import { placeOf, violatedConstraint } from './service.ts';
import './errors.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

export type StandbyStatus = 'waiting' | 'called' | 'booked' | 'declined' | 'no_answer' | 'withdrawn';
export type CallOutcome = 'pending' | 'accepted' | 'declined' | 'no_answer' | 'too_late';

export interface RegistrationRow {
  id: number;
  person_id: number;
  vaccination_point_id: number;
  day: string;
  priority: number;
  category: string;
  products: string[];
  channel: string;
  registered_at: Date;
  status: StandbyStatus;
  booking_id: number | null;
}

export interface CallRow {
  id: number;
  registration_id: number;
  called_at: Date;
  answer_by: Date;
  channel: string | null;
  message_id: number | null;
  outcome: CallOutcome;
  answered_at: Date | null;
  booking_id: number | null;
  booking_code?: string | null;
}

const registrationOf = (row: RegistrationRow): RegistrationRow => ({
  ...row,
  id: Number(row.id),
  person_id: Number(row.person_id),
  vaccination_point_id: Number(row.vaccination_point_id),
  booking_id: row.booking_id === null ? null : Number(row.booking_id),
});
const callOf = (row: CallRow): CallRow => ({
  ...row,
  id: Number(row.id),
  registration_id: Number(row.registration_id),
  message_id: row.message_id === null ? null : Number(row.message_id),
  booking_id: row.booking_id === null ? null : Number(row.booking_id),
});

/**
 * The same-day standby list ("riservisti", issue 6 point 7): entitled people who can come at short notice
 * register for a hub and a day; when the day's doses would otherwise be wasted they are called in priority
 * order (ELIG-2), SMS first, each call and its outcome recorded; who accepts is booked in a remaining place.
 * Concurrent call runs for one hub-day queue on the hub-day's row lock.
 */
export class StandbyService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly clock: Clock,
    private readonly booking: BookingService,
    private readonly versions: readonly WaitingListPolicyVersion[] = shippedWaitingListPolicies(),
  ) {}

  private policy(now: Date) {
    return policyOn(this.versions, romeDate(now));
  }

  async register(
    input: { personId: number; pointId: number; day: string; channel: BookingChannel },
    context: ActingContext,
  ): Promise<RegistrationRow> {
    const member = await this.booking.entitledMember(input.personId, input.channel);
    const open = await openBookingFor(this.db, input.personId, 1);
    if (open !== undefined) throw new DomainError('WAITING_LIST_ALREADY_BOOKED', { params: { code: open } });
    const policy = this.policy(context.now);
    const today = romeDate(context.now);
    const last = romeDate(new Date(context.now.getTime() + policy.standbyDaysAhead * DAY_MS));
    const hubDay = await this.db
      .selectFrom('hub_days')
      .select('closes_at')
      .where('vaccination_point_id', '=', input.pointId)
      .where('day', '=', input.day)
      .executeTakeFirst();
    const hub = await this.db
      .selectFrom('hubs')
      .select('status')
      .where('vaccination_point_id', '=', input.pointId)
      .executeTakeFirst();
    if (
      hubDay === undefined ||
      hub?.status !== 'active' ||
      input.day < today ||
      input.day > last ||
      romeInstant(input.day, hubDay.closes_at.slice(0, 5)) <= context.now
    ) {
      throw new DomainError('STANDBY_DAY_NOT_OPEN', {
        pointer: '/day',
        params: { days: policy.standbyDaysAhead },
      });
    }
    try {
      return await this.db.transaction().execute(async (trx) => {
        const rows = await sql<RegistrationRow>`INSERT INTO standby_registrations (person_id,
            vaccination_point_id, day, priority, category, products, channel, registered_at, status)
          VALUES (${input.personId}, ${input.pointId}, ${input.day}, ${member.match.qualification.category.priority},
            ${member.match.qualification.category.code}, ${member.match.products}::text[], ${input.channel},
            ${context.now}, 'waiting')
          RETURNING *`.execute(trx);
        const row = rows.rows[0];
        if (row === undefined) throw new Error('insert returned no row');
        const registration = registrationOf(row);
        await recordAudit(trx, context, {
          entityType: 'standby_registration',
          entityId: registration.id,
          action: 'register',
          after: registration,
        });
        return registration;
      });
    } catch (error) {
      if (violatedConstraint(error) === 'standby_one_per_day')
        throw new DomainError('STANDBY_ALREADY_REGISTERED');
      throw error;
    }
  }

  private async registration(db: Db, id: number, lock = false): Promise<RegistrationRow | undefined> {
    const rows = lock
      ? await sql<RegistrationRow>`SELECT * FROM standby_registrations WHERE id = ${id} FOR UPDATE`.execute(
          db,
        )
      : await sql<RegistrationRow>`SELECT * FROM standby_registrations WHERE id = ${id}`.execute(db);
    const row = rows.rows[0];
    return row === undefined ? undefined : registrationOf(row);
  }

  async withdraw(id: number, personId: number | undefined, context: ActingContext): Promise<RegistrationRow> {
    return this.db.transaction().execute(async (trx) => {
      const before = await this.registration(trx, id, true);
      if (before === undefined || (personId !== undefined && before.person_id !== personId))
        throw new DomainError('STANDBY_NOT_FOUND', { pointer: '/registrationId' });
      if (before.status === 'withdrawn') return before;
      if (before.status !== 'waiting' && before.status !== 'called')
        throw new DomainError('STANDBY_CALL_CLOSED', { params: { outcome: before.status } });
      await sql`UPDATE standby_calls SET outcome = 'declined', answered_at = ${context.now}
        WHERE registration_id = ${id} AND outcome = 'pending'`.execute(trx);
      const rows = await sql<RegistrationRow>`UPDATE standby_registrations SET status = 'withdrawn'
        WHERE id = ${id} RETURNING *`.execute(trx);
      const after = registrationOf(rows.rows[0] as RegistrationRow);
      await recordAudit(trx, context, {
        entityType: 'standby_registration',
        entityId: id,
        action: 'withdraw',
        before,
        after,
      });
      return after;
    });
  }

  /** The person's registrations from today on, with their calls. */
  async ofPerson(personId: number, today: string) {
    const rows = await sql<RegistrationRow>`SELECT * FROM standby_registrations
      WHERE person_id = ${personId} AND day >= ${today} ORDER BY day, id`.execute(this.db);
    return this.withCalls(rows.rows.map(registrationOf));
  }

  private async withCalls(registrations: RegistrationRow[]) {
    if (registrations.length === 0) return [];
    const ids = registrations.map((r) => r.id);
    const calls = await sql<CallRow>`SELECT c.*, b.code AS booking_code FROM standby_calls c
      LEFT JOIN bookings b ON b.id = c.booking_id
      WHERE c.registration_id = ANY (${ids}::bigint[]) ORDER BY c.called_at, c.id`.execute(this.db);
    const byRegistration = new Map<number, CallRow[]>();
    for (const call of calls.rows.map(callOf)) {
      const list = byRegistration.get(call.registration_id) ?? [];
      list.push(call);
      byRegistration.set(call.registration_id, list);
    }
    return registrations.map((registration) => ({
      registration,
      calls: byRegistration.get(registration.id) ?? [],
    }));
  }

  /** The day's unused capacity: doses left in stock and places left in the slots still to come. */
  private async freeOf(db: Db, pointId: number, day: string, now: Date) {
    const doses = await sql<{ n: number }>`SELECT coalesce(sum(doses - booked), 0)::integer AS n
      FROM hub_day_stock WHERE vaccination_point_id = ${pointId} AND day = ${day}`.execute(db);
    const places = await sql<{ n: number }>`SELECT coalesce(sum(capacity - booked), 0)::integer AS n
      FROM slots WHERE vaccination_point_id = ${pointId} AND day = ${day} AND starts_at > ${now}`.execute(db);
    const freeDoses = Number(doses.rows[0]?.n ?? 0);
    const freePlaces = Number(places.rows[0]?.n ?? 0);
    return { freeDoses, freePlaces: Math.min(freeDoses, freePlaces) };
  }

  /** The hub-day's standby list in priority order, with each call, and the capacity left. */
  async list(pointId: number, day: string) {
    const rows = await sql<RegistrationRow>`SELECT * FROM standby_registrations
      WHERE vaccination_point_id = ${pointId} AND day = ${day}
      ORDER BY priority, registered_at, id`.execute(this.db);
    const free = await this.freeOf(this.db, pointId, day, this.clock.now());
    return { ...free, registrations: await this.withCalls(rows.rows.map(registrationOf)) };
  }

  /**
   * Calls as many waiting people (priority order) as there are places the day would waste, less those
   * called and not yet answered; calls past their answer time are closed as no answer first.
   */
  async call(pointId: number, day: string, context: ActingContext) {
    const policy = this.policy(context.now);
    const result = await this.db.transaction().execute(async (trx) => {
      const hubDay = await trx
        .selectFrom('hub_days')
        .select('closes_at')
        .where('vaccination_point_id', '=', pointId)
        .where('day', '=', day)
        .forUpdate()
        .executeTakeFirst();
      if (hubDay === undefined) throw new DomainError('NO_SHOW_DAY_NOT_FOUND', { pointer: '/day' });
      const lapsed = await sql<{ registration_id: number }>`UPDATE standby_calls c
        SET outcome = 'no_answer', answered_at = ${context.now}
        FROM standby_registrations r
        WHERE r.id = c.registration_id AND r.vaccination_point_id = ${pointId} AND r.day = ${day}
          AND c.outcome = 'pending' AND c.answer_by <= ${context.now}
        RETURNING c.registration_id`.execute(trx);
      for (const { registration_id: id } of lapsed.rows) {
        await sql`UPDATE standby_registrations SET status = 'no_answer' WHERE id = ${id}`.execute(trx);
        await recordAudit(trx, context, {
          entityType: 'standby_registration',
          entityId: Number(id),
          action: 'no_answer',
        });
      }
      const { freePlaces } = await this.freeOf(trx, pointId, day, context.now);
      const pending = await sql<{ n: number }>`SELECT count(*)::integer AS n FROM standby_calls c
        JOIN standby_registrations r ON r.id = c.registration_id
        WHERE r.vaccination_point_id = ${pointId} AND r.day = ${day} AND c.outcome = 'pending'`.execute(trx);
      const waiting = await sql<RegistrationRow>`SELECT * FROM standby_registrations
        WHERE vaccination_point_id = ${pointId} AND day = ${day} AND status = 'waiting'
        ORDER BY priority, registered_at, id FOR UPDATE`.execute(trx);
      const chosen = whoToCall(
        waiting.rows.map(registrationOf).map((r) => ({ ...r, joinedAt: r.registered_at })),
        freePlaces,
        Number(pending.rows[0]?.n ?? 0),
      );
      const place = chosen.length === 0 ? undefined : await placeOf(trx, pointId);
      const called: number[] = [];
      for (const registration of chosen) {
        const answerBy = standbyAnswerBy(context.now, policy);
        const rows =
          await sql<CallRow>`INSERT INTO standby_calls (registration_id, called_at, answer_by, outcome)
          VALUES (${registration.id}, ${context.now}, ${answerBy}, 'pending') RETURNING *`.execute(trx);
        const call = callOf(rows.rows[0] as CallRow);
        const message = await sql<{
          id: number | null;
        }>`SELECT standby_enqueue_call(${registration.person_id}::bigint,
          ${call.id}::bigint, ${JSON.stringify({ callId: call.id, day, answerBy: answerBy.toISOString(), place })}::jsonb) AS id`.execute(
          trx,
        );
        const messageId = message.rows[0]?.id ?? null;
        await sql`UPDATE standby_calls SET message_id = ${messageId},
            channel = (SELECT channel FROM messages WHERE id = ${messageId}::bigint)
          WHERE id = ${call.id}`.execute(trx);
        await sql`UPDATE standby_registrations SET status = 'called' WHERE id = ${registration.id}`.execute(
          trx,
        );
        await recordAudit(trx, context, {
          entityType: 'standby_registration',
          entityId: registration.id,
          action: 'call',
          after: { callId: call.id, answerBy, messageId },
        });
        called.push(registration.id);
      }
      return { freePlaces, called };
    });
    const all = await this.list(pointId, day);
    return {
      freePlaces: result.freePlaces,
      called: all.registrations.filter((entry) => result.called.includes(entry.registration.id)),
    };
  }

  /** The periodic run: today's hub-days from standbyCallFromMinutesBeforeClose before closing, with people waiting. */
  async run(context: ActingContext): Promise<number> {
    const policy = this.policy(context.now);
    const today = romeDate(context.now);
    const days = await sql<{
      vaccination_point_id: number;
      closes_at: string;
    }>`SELECT d.vaccination_point_id, d.closes_at
      FROM hub_days d WHERE d.day = ${today} AND EXISTS (SELECT 1 FROM standby_registrations r
        WHERE r.vaccination_point_id = d.vaccination_point_id AND r.day = d.day AND r.status IN ('waiting', 'called'))`.execute(
      this.db,
    );
    let calls = 0;
    for (const hubDay of days.rows) {
      const closes = romeInstant(today, hubDay.closes_at.slice(0, 5));
      const from = new Date(closes.getTime() - policy.standbyCallFromMinutesBeforeClose * 60_000);
      if (context.now < from || context.now >= closes) continue;
      calls += (await this.call(Number(hubDay.vaccination_point_id), today, context)).called.length;
    }
    return calls;
  }

  /**
   * The answer to a call, from the person or recorded by an operator: accepted books the first remaining
   * place of the day (and the second dose, as any booking); declined or no answer leaves the place to
   * the next call. Answering "accepted" again returns the booking made.
   */
  async answer(
    callId: number,
    personId: number | undefined,
    outcome: 'accepted' | 'declined' | 'no_answer',
    channel: BookingChannel,
    context: ActingContext,
  ): Promise<{ call: CallRow; confirmation: Confirmation | null }> {
    const found = await sql<CallRow & { person_id: number }>`SELECT c.*, r.person_id FROM standby_calls c
      JOIN standby_registrations r ON r.id = c.registration_id WHERE c.id = ${callId}`.execute(this.db);
    const first = found.rows[0];
    if (first === undefined || (personId !== undefined && Number(first.person_id) !== personId))
      throw new DomainError('STANDBY_NOT_FOUND', { pointer: '/callId' });
    if (first.outcome === outcome && outcome === 'accepted' && first.booking_id !== null) {
      const row = await this.db
        .selectFrom('bookings')
        .selectAll()
        .where('id', '=', Number(first.booking_id))
        .executeTakeFirstOrThrow();
      return { call: callOf(first), confirmation: await this.booking.confirmationOf(row) };
    }
    const member =
      outcome === 'accepted'
        ? await this.booking.entitledMember(Number(first.person_id), channel)
        : undefined;
    const done = await this.db
      .transaction()
      .execute(async (trx) => {
        const locked =
          await sql<CallRow>`SELECT * FROM standby_calls WHERE id = ${callId} FOR UPDATE`.execute(trx);
        const call = callOf(locked.rows[0] as CallRow);
        if (call.outcome !== 'pending' || call.answer_by <= context.now)
          throw new DomainError('STANDBY_CALL_CLOSED', {
            params: { outcome: call.outcome === 'pending' ? 'too_late' : call.outcome },
          });
        const registration = await this.registration(trx, call.registration_id, true);
        if (registration === undefined) throw new DomainError('STANDBY_NOT_FOUND', { pointer: '/callId' });
        let bookingId: number | null = null;
        let bookingRow = null;
        if (outcome === 'accepted' && member !== undefined) {
          const slots = await sql<{ id: number }>`SELECT id FROM slots
          WHERE vaccination_point_id = ${registration.vaccination_point_id} AND day = ${registration.day}
            AND starts_at > ${context.now} AND booked < capacity ORDER BY starts_at LIMIT 50`.execute(trx);
          const slotIds = slots.rows.map((row) => Number(row.id));
          if (slotIds.length === 0) throw new DomainError('SLOT_FULL', { pointer: '/callId' });
          const confirmation = await this.booking.bookInTransaction(
            trx,
            slotIds,
            member,
            { idempotencyKey: `standby-call-${call.id}`, channel },
            context,
          );
          bookingId = confirmation.booking.id;
          bookingRow = confirmation.booking;
        }
        const updated = await sql<CallRow>`UPDATE standby_calls SET outcome = ${outcome},
          answered_at = ${context.now}, booking_id = ${bookingId}
        WHERE id = ${callId} RETURNING *`.execute(trx);
        const status: StandbyStatus = outcome === 'accepted' ? 'booked' : outcome;
        await sql`UPDATE standby_registrations SET status = ${status}, booking_id = ${bookingId}
        WHERE id = ${registration.id}`.execute(trx);
        const after = callOf(updated.rows[0] as CallRow);
        await recordAudit(trx, context, {
          entityType: 'standby_call',
          entityId: callId,
          action: `answer_${outcome}`,
          before: call,
          after,
        });
        return { call: after, bookingRow };
      })
      .catch((error: unknown) => {
        if (violatedConstraint(error) === 'bookings_one_open_per_dose')
          throw new DomainError('WAITING_LIST_ALREADY_BOOKED', { params: { code: '' } });
        throw error;
      });
    return {
      call: done.call,
      confirmation: done.bookingRow === null ? null : await this.booking.confirmationOf(done.bookingRow),
    };
  }
}
