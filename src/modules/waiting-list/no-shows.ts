import { sql, type Kysely, type Selectable } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';
import type { Clock } from '../../platform/clock.ts';
import { romeDate } from '../../platform/clock.ts';
import { DomainError } from '../../platform/http/problem.ts';
import { recordAudit, type ActingContext } from '../../platform/audit/audit.ts';
import type { BookingChannel } from '../eligibility/plan-file.ts';
import type { BookingService, Confirmation } from '../booking/service.ts';
import type { BookingsTable } from '../booking/tables.ts';
import { shippedWaitingListPolicies, type WaitingListPolicyVersion } from './policy-file.ts';
import { noShowsFrom, offerWindow, policyOn, rankCandidates } from './rules.ts';
import { auditJson, freeCandidates } from './repo.ts';
import { placeOf, violatedConstraint, type Place } from './service.ts';
import './errors.ts';

type BookingRow = Selectable<BookingsTable>;

/** How many days back the periodic run looks for hub-days whose no-shows are not marked yet. */
const NO_SHOW_LOOKBACK_DAYS = 3;
const DAY_MS = 24 * 60 * 60 * 1000;

interface NoShowRow {
  booking_id: number;
  person_id: number;
  vaccination_point_id: number;
  day: string;
  marked_at: Date;
  rebooked_booking_id: number | null;
  rebooked_at: Date | null;
}

export interface NoShowDetails {
  booking: BookingRow;
  place: Place;
  markedAt: Date;
  secondDose: BookingRow | undefined;
  rebooked: Confirmation | null;
  proposal: { slotId: number; startsAt: Date; place: Place } | null;
}

/**
 * No-shows (issue 6 point 7): at the end of a hub's day, the confirmed bookings nobody checked in for
 * (no administration names them) are marked, once, audited, and the person is told with a link to rebook
 * in one step; rebooking moves the second dose with the first (BOOK-10).
 */
export class NoShowService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly clock: Clock,
    private readonly booking: BookingService,
    private readonly versions: readonly WaitingListPolicyVersion[] = shippedWaitingListPolicies(),
  ) {}

  private policy(now: Date) {
    return policyOn(this.versions, romeDate(now));
  }

  /** Marks the no-shows of one hub's day once it is over; running it again marks nothing more. */
  async markDay(pointId: number, day: string, context: ActingContext): Promise<{ marked: number }> {
    const hubDay = await this.db
      .selectFrom('hub_days')
      .select(['closes_at'])
      .where('vaccination_point_id', '=', pointId)
      .where('day', '=', day)
      .executeTakeFirst();
    if (hubDay === undefined) throw new DomainError('NO_SHOW_DAY_NOT_FOUND', { pointer: '/day' });
    const from = noShowsFrom(day, hubDay.closes_at, this.policy(context.now));
    if (context.now < from)
      throw new DomainError('NO_SHOW_DAY_NOT_OVER', { params: { from: from.toISOString() } });
    return this.mark(pointId, day, context);
  }

  private async mark(pointId: number, day: string, context: ActingContext): Promise<{ marked: number }> {
    return this.db.transaction().execute(async (trx) => {
      const result = await sql<{ marked: number }>`SELECT booking_mark_no_shows(${pointId}::bigint,
        ${day}::date, ${context.now}::timestamptz, ${auditJson(context)}::jsonb) AS marked`.execute(trx);
      const marked = Number(result.rows[0]?.marked ?? 0);
      if (marked > 0) {
        await recordAudit(trx, context, {
          entityType: 'hub_day',
          entityId: `${pointId}:${day}`,
          action: 'mark_no_shows',
          after: { marked },
        });
      }
      return { marked };
    });
  }

  /** The periodic run: every hub-day of the last days that is over and still has unmarked no-shows. */
  async run(context: ActingContext): Promise<number> {
    const today = romeDate(context.now);
    const since = romeDate(new Date(context.now.getTime() - NO_SHOW_LOOKBACK_DAYS * DAY_MS));
    const days = await this.db
      .selectFrom('hub_days')
      .select(['vaccination_point_id', 'day', 'closes_at'])
      .where('day', '>=', since)
      .where('day', '<=', today)
      .execute();
    const policy = this.policy(context.now);
    let total = 0;
    for (const hubDay of days) {
      if (noShowsFrom(hubDay.day, hubDay.closes_at, policy) > context.now) continue;
      total += (await this.mark(Number(hubDay.vaccination_point_id), hubDay.day, context)).marked;
    }
    return total;
  }

  private async noShowRow(bookingId: number, lock = false): Promise<NoShowRow | undefined> {
    const rows = lock
      ? await sql<NoShowRow>`SELECT * FROM booking_no_shows WHERE booking_id = ${bookingId} FOR UPDATE`.execute(
          this.db,
        )
      : await sql<NoShowRow>`SELECT * FROM booking_no_shows WHERE booking_id = ${bookingId}`.execute(this.db);
    const row = rows.rows[0];
    return row === undefined
      ? undefined
      : {
          ...row,
          booking_id: Number(row.booking_id),
          rebooked_booking_id: row.rebooked_booking_id === null ? null : Number(row.rebooked_booking_id),
        };
  }

  private async noShowBooking(code: string, personId: number | undefined) {
    let booking: BookingRow;
    try {
      booking = await this.booking.getBooking(code, personId);
    } catch (error) {
      if (error instanceof DomainError && error.code === 'BOOKING_NOT_FOUND')
        throw new DomainError('NO_SHOW_NOT_FOUND', { pointer: '/code' });
      throw error;
    }
    const noShow = await this.noShowRow(booking.id);
    if (noShow === undefined) throw new DomainError('NO_SHOW_NOT_FOUND', { pointer: '/code' });
    return { booking, noShow };
  }

  private async openSecondDose(bookingId: number): Promise<BookingRow | undefined> {
    return this.db
      .selectFrom('bookings')
      .selectAll()
      .where('first_dose_booking_id', '=', bookingId)
      .where('status', '=', 'confirmed')
      .executeTakeFirst();
  }

  /** The missed appointment, the second dose still waiting for it, and a new time to take in one step. */
  async details(code: string, personId: number | undefined, channel: BookingChannel): Promise<NoShowDetails> {
    const { booking, noShow } = await this.noShowBooking(code, personId);
    const place = await placeOf(this.db, booking.vaccination_point_id);
    if (noShow.rebooked_booking_id !== null) {
      const row = await this.db
        .selectFrom('bookings')
        .selectAll()
        .where('id', '=', noShow.rebooked_booking_id)
        .executeTakeFirstOrThrow();
      return {
        booking,
        place,
        markedAt: noShow.marked_at,
        secondDose: undefined,
        rebooked: await this.booking.confirmationOf(row),
        proposal: null,
      };
    }
    return {
      booking,
      place,
      markedAt: noShow.marked_at,
      secondDose: await this.openSecondDose(booking.id),
      rebooked: null,
      proposal: await this.proposal(booking, channel),
    };
  }

  /** The nearest free time from the lead time on, at the same centre first, else the nearest of its area. */
  private async proposal(booking: BookingRow, channel: BookingChannel): Promise<NoShowDetails['proposal']> {
    if (booking.dose_number !== 1) return null;
    let products: string[];
    try {
      products = (await this.booking.entitledMember(booking.person_id, channel)).match.products;
    } catch (error) {
      if (error instanceof DomainError) return null;
      throw error;
    }
    const hub = await this.db
      .selectFrom('vaccination_points')
      .select(['lat', 'lng', 'health_authority_code'])
      .where('id', '=', booking.vaccination_point_id)
      .executeTakeFirstOrThrow();
    const now = this.clock.now();
    const policy = this.policy(now);
    const window = offerWindow(now, { ...policy, minLeadHours: 0 });
    const rows = await freeCandidates(this.db, {
      area: hub.health_authority_code,
      products,
      accessibility: [],
      from: now,
      to: window.to,
      entryId: null,
    });
    const [best] = rankCandidates(
      hub,
      rows.map((row) => ({
        slotId: row.slot_id,
        startsAt: new Date(row.starts_at),
        hub: { lat: row.lat, lng: row.lng, code: row.hub_code },
        pointCode: row.hub_code,
      })),
      now,
      { ...policy, minAnswerMinutes: 1, acceptBeforeStartHours: 0 },
    );
    if (best === undefined) return null;
    const point = await this.db
      .selectFrom('slots')
      .select('vaccination_point_id')
      .where('id', '=', best.slotId)
      .executeTakeFirstOrThrow();
    return {
      slotId: best.slotId,
      startsAt: best.startsAt,
      place: await placeOf(this.db, point.vaccination_point_id),
    };
  }

  /**
   * One-step rebooking after a no-show (BOOK-9, BOOK-10): the open second dose is given up and a new first
   * dose booked with its own second dose, in one transaction (never both, never neither). Rebooking again
   * returns the booking made.
   */
  async rebook(
    code: string,
    personId: number | undefined,
    slotId: number,
    channel: BookingChannel,
    context: ActingContext,
  ): Promise<{ confirmation: Confirmation; created: boolean }> {
    const { booking } = await this.noShowBooking(code, personId);
    if (booking.dose_number !== 1) throw new DomainError('NO_SHOW_REBOOK_BY_PHONE');
    const member = await this.booking.entitledMember(booking.person_id, channel);
    try {
      const outcome = await this.db.transaction().execute(async (trx) => {
        const locked = await sql<NoShowRow>`SELECT * FROM booking_no_shows WHERE booking_id = ${booking.id}
          FOR UPDATE`.execute(trx);
        const noShow = locked.rows[0];
        if (noShow === undefined) throw new DomainError('NO_SHOW_NOT_FOUND', { pointer: '/code' });
        if (noShow.rebooked_booking_id !== null) {
          const row = await trx
            .selectFrom('bookings')
            .selectAll()
            .where('id', '=', Number(noShow.rebooked_booking_id))
            .executeTakeFirstOrThrow();
          return { row, created: false };
        }
        const second = await trx
          .selectFrom('bookings')
          .selectAll()
          .where('first_dose_booking_id', '=', booking.id)
          .where('status', '=', 'confirmed')
          .forUpdate()
          .executeTakeFirst();
        if (second !== undefined) {
          // BOOK-10: the second dose moves with the first: its old place and dose are given back here and
          // take_booking books the new one at the plan's interval from the new first dose.
          await sql`SELECT waiting_list_release(${second.slot_id}::bigint, ${second.vaccination_point_id}::bigint,
            ${romeDate(second.starts_at)}::date, ${second.product_code})`.execute(trx);
          const cancelled = await trx
            .updateTable('bookings')
            .set({ status: 'cancelled', cancelled_at: context.now, cancel_reason: 'moved_with_first_dose' })
            .where('id', '=', second.id)
            .returningAll()
            .executeTakeFirstOrThrow();
          // The person is told once, by the new confirmation that names both appointments.
          await sql`UPDATE messages SET status = 'cancelled', last_error = 'superseded: moved with the first dose'
            WHERE dedupe_key = ${`booking:${second.id}:cancelled`} AND status = 'pending'`.execute(trx);
          await recordAudit(trx, context, {
            entityType: 'booking',
            entityId: second.id,
            action: 'cancel_moved_with_first_dose',
            before: second,
            after: cancelled,
          });
        }
        const confirmation = await this.booking.bookInTransaction(
          trx,
          [slotId],
          member,
          { idempotencyKey: `no-show-rebook-${booking.id}`, channel },
          context,
        );
        await sql`UPDATE booking_no_shows SET rebooked_booking_id = ${confirmation.booking.id},
          rebooked_at = ${context.now} WHERE booking_id = ${booking.id}`.execute(trx);
        await recordAudit(trx, context, {
          entityType: 'booking',
          entityId: booking.id,
          action: 'rebook_after_no_show',
          after: {
            booking: confirmation.booking.code,
            secondDose: confirmation.secondDose?.code ?? null,
            previousSecondDose: second?.code ?? null,
          },
        });
        return { row: confirmation.booking, created: true };
      });
      return { confirmation: await this.booking.confirmationOf(outcome.row), created: outcome.created };
    } catch (error) {
      if (violatedConstraint(error) === 'bookings_one_open_per_dose')
        throw new DomainError('WAITING_LIST_ALREADY_BOOKED', { params: { code: '' } });
      throw error;
    }
  }
}
