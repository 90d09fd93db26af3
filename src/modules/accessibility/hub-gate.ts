import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';
import { DomainError } from '../../platform/http/problem.ts';
import { HOME_KEEPS_OFF_HUBS } from './rules.ts';
import type { HomeStatus } from './tables.ts';
import './errors.ts';

/**
 * BOOK-14, BOOK-15: whether a person may be offered hub slots. Not while their latest home-vaccination
 * request is requested, planned or done (the authority comes to them), nor while they hold an appointment
 * in a dedicated session that has not ended (one way to the vaccine at a time). One round trip, two index
 * look-ups; called by the booking service before any slot is searched or taken.
 */
export async function refuseIfNotForHubs(
  db: Kysely<DB> | Transaction<DB>,
  personId: number,
  now: Date,
): Promise<void> {
  const { rows } = await sql<{ home_status: HomeStatus | null; session_code: string | null }>`
    SELECT
      (SELECT h.status FROM home_vaccination_requests h WHERE h.person_id = ${personId}
        ORDER BY h.id DESC LIMIT 1) AS home_status,
      (SELECT b.code FROM dedicated_session_bookings b JOIN dedicated_sessions s ON s.id = b.session_id
        WHERE b.person_id = ${personId} AND b.status = 'confirmed' AND s.ends_at > ${now}::timestamptz
        ORDER BY s.starts_at LIMIT 1) AS session_code`.execute(db);
  const row = rows[0];
  if (row?.home_status != null && HOME_KEEPS_OFF_HUBS.includes(row.home_status))
    throw new DomainError('HOME_VACCINATION_LISTED', { extensions: { homeVaccination: row.home_status } });
  if (row?.session_code != null)
    throw new DomainError('DEDICATED_SESSION_BOOKED', { params: { code: row.session_code } });
}
