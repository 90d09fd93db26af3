import type { Kysely, Selectable, Transaction } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';
import { romeInstant } from '../../platform/clock.ts';
import { DomainError } from '../../platform/http/problem.ts';
import { recordAudit, type ActingContext } from '../../platform/audit/audit.ts';
import type { BookingsTable } from './tables.ts';
import './errors.ts';

/*
 * BOOK-16: the transport a hub booking needs (migrations/0023_accessibility.sql adds bookings.transport),
 * recorded so that the health authority can organise it. Booking's own SQL on its own table; the
 * accessibility module calls these for its transport list and its "change the transport" route.
 */

export const BOOKING_TRANSPORTS = ['seated', 'wheelchair'] as const;
export type BookingTransport = (typeof BOOKING_TRANSPORTS)[number];

/**
 * Records (or clears, with null) the transport a confirmed booking needs, and that of its second dose when
 * it has one: the person travels the same way twice. A citizen reaches only their own bookings (SEC-2).
 */
export async function setBookingTransport(
  db: Kysely<DB>,
  code: string,
  personId: number | undefined,
  transport: BookingTransport | null,
  context: ActingContext,
) {
  return db.transaction().execute(async (trx: Transaction<DB>) => {
    let query = trx.selectFrom('bookings').selectAll().where('code', '=', code);
    if (personId !== undefined) query = query.where('person_id', '=', personId);
    const before = await query.forUpdate().executeTakeFirst();
    if (before === undefined) throw new DomainError('BOOKING_NOT_FOUND', { pointer: '/code' });
    if (before.status === 'cancelled') throw new DomainError('BOOKING_CANCELLED');
    const changed = await trx
      .updateTable('bookings')
      .set({ transport })
      .where((eb) =>
        eb.or([
          eb('id', '=', before.id),
          eb.and([eb('first_dose_booking_id', '=', before.id), eb('status', '=', 'confirmed')]),
        ]),
      )
      .returningAll()
      .execute();
    for (const after of changed) {
      await recordAudit(trx, context, {
        entityType: 'booking',
        entityId: after.id,
        action: 'set_transport',
        before: { transport: after.id === before.id ? before.transport : null },
        after: { transport: after.transport },
      });
    }
    const after = changed.find((row) => row.id === before.id);
    if (after === undefined) throw new Error('the booking locked above was not updated');
    return after;
  });
}

export interface HubTransportRow {
  booking_code: string;
  person_id: number;
  dose_number: number;
  starts_at: Date;
  vaccination_point_id: number;
  transport: BookingTransport;
}

/** BOOK-16: the confirmed hub bookings that need transport, between two Rome days, of some points. */
export async function hubBookingsNeedingTransport(
  db: Kysely<DB>,
  filter: { from: string; to: string; pointIds: readonly number[] | null },
): Promise<HubTransportRow[]> {
  if (filter.pointIds !== null && filter.pointIds.length === 0) return [];
  const dayAfter = new Date(Date.parse(`${filter.to}T00:00:00Z`) + 24 * 60 * 60 * 1000);
  const end = romeInstant(dayAfter.toISOString().slice(0, 10));
  let query = db
    .selectFrom('bookings')
    .select([
      'code as booking_code',
      'person_id',
      'dose_number',
      'starts_at',
      'vaccination_point_id',
      'transport',
    ])
    .where('status', '=', 'confirmed')
    .where('transport', 'is not', null)
    .where('starts_at', '>=', romeInstant(filter.from))
    .where('starts_at', '<', end);
  if (filter.pointIds !== null) query = query.where('vaccination_point_id', 'in', filter.pointIds);
  const rows = await query.orderBy('starts_at').execute();
  return rows.map((row) => ({ ...row, transport: row.transport as BookingTransport }));
}

/**
 * BOOK-16: the transport asked for with a booking, recorded on the bookings just made (first and second
 * dose) inside their transaction, each change audited: all or none with the booking itself.
 */
export async function withTransport<
  T extends { booking: Selectable<BookingsTable>; secondDose: Selectable<BookingsTable> | undefined },
>(
  trx: Transaction<DB>,
  made: readonly T[],
  transport: BookingTransport,
  context: ActingContext,
): Promise<T[]> {
  const ids = made.flatMap((c) => [c.booking.id, ...(c.secondDose === undefined ? [] : [c.secondDose.id])]);
  if (ids.length === 0) return [...made];
  const rows = await trx
    .updateTable('bookings')
    .set({ transport })
    .where('id', 'in', ids)
    .returningAll()
    .execute();
  const byId = new Map(rows.map((row) => [row.id, row]));
  for (const row of rows) {
    await recordAudit(trx, context, {
      entityType: 'booking',
      entityId: row.id,
      action: 'set_transport',
      before: { transport: null },
      after: { transport: row.transport },
    });
  }
  return made.map((c) => ({
    ...c,
    booking: byId.get(c.booking.id) ?? c.booking,
    secondDose: c.secondDose === undefined ? undefined : (byId.get(c.secondDose.id) ?? c.secondDose),
  }));
}
