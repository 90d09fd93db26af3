import { sql, type Kysely } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';

/**
 * REL-1: what must hold after any load, crash or race, checked from the database alone:
 * - no slot holds more bookings than its capacity;
 * - each slot's and each hub-day-product's counter equals the confirmed bookings it counts;
 * - no person holds two open bookings for one dose;
 * - every booking a client was told was confirmed exists and is confirmed (when the client's log is given).
 */
export interface InvariantReport {
  slotsOverCapacity: number;
  slotCountersOff: number;
  stockCountersOff: number;
  peopleWithTwoOpenBookingsForADose: number;
  confirmedBookingsChecked: number;
  confirmedBookingsMissing: string[];
  bookings: number;
  slots: number;
  holds: boolean;
}

const count = async (db: Kysely<DB>, query: ReturnType<typeof sql<{ n: number }>>): Promise<number> =>
  Number((await query.execute(db)).rows[0]?.n ?? 0);

export async function checkInvariants(
  db: Kysely<DB>,
  confirmedCodes: readonly string[] = [],
): Promise<InvariantReport> {
  const slotsOverCapacity = await count(
    db,
    sql<{ n: number }>`SELECT count(*) AS n FROM slots WHERE booked > capacity`,
  );
  const slotCountersOff = await count(
    db,
    sql<{ n: number }>`SELECT count(*) AS n FROM slots s
      LEFT JOIN (SELECT slot_id, count(*) AS held FROM (
          SELECT slot_id FROM bookings WHERE status = 'confirmed'
          -- BOOK-13: an open waiting-list offer holds its place too (migrations/0022_waiting_list.sql).
          UNION ALL SELECT slot_id FROM waiting_list_offers WHERE status = 'offered') AS taken
        GROUP BY slot_id) b
        ON b.slot_id = s.id
      WHERE s.booked <> coalesce(b.held, 0)`,
  );
  const stockCountersOff = await count(
    db,
    sql<{ n: number }>`SELECT count(*) AS n FROM hub_day_stock st
      LEFT JOIN (SELECT vaccination_point_id, day, product_code, count(*) AS held FROM (
          SELECT b.vaccination_point_id, s.day, b.product_code
          FROM bookings b JOIN slots s ON s.id = b.slot_id WHERE b.status = 'confirmed'
          UNION ALL SELECT vaccination_point_id, day, product_code FROM waiting_list_offers WHERE status = 'offered'
        ) AS taken GROUP BY vaccination_point_id, day, product_code) h
        ON h.vaccination_point_id = st.vaccination_point_id AND h.day = st.day AND h.product_code = st.product_code
      WHERE st.booked <> coalesce(h.held, 0)`,
  );
  const twoOpen = await count(
    db,
    sql<{ n: number }>`SELECT count(*) AS n FROM (SELECT person_id, dose_number FROM bookings
      WHERE status = 'confirmed' GROUP BY person_id, dose_number HAVING count(*) > 1) AS doubles`,
  );
  const found = new Set<string>();
  for (let i = 0; i < confirmedCodes.length; i += 10_000) {
    const batch = confirmedCodes.slice(i, i + 10_000);
    const rows = await sql<{ code: string }>`SELECT code FROM bookings
      WHERE status = 'confirmed' AND code = ANY(${batch}::text[])`.execute(db);
    for (const row of rows.rows) found.add(row.code);
  }
  const missing = confirmedCodes.filter((code) => !found.has(code));
  const bookings = await count(db, sql<{ n: number }>`SELECT count(*) AS n FROM bookings`);
  const slots = await count(db, sql<{ n: number }>`SELECT count(*) AS n FROM slots`);
  return {
    slotsOverCapacity,
    slotCountersOff,
    stockCountersOff,
    peopleWithTwoOpenBookingsForADose: twoOpen,
    confirmedBookingsChecked: confirmedCodes.length,
    confirmedBookingsMissing: missing.slice(0, 100),
    bookings,
    slots,
    holds: slotsOverCapacity + slotCountersOff + stockCountersOff + twoOpen + missing.length === 0,
  };
}
