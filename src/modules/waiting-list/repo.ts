import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';
import type { ActingContext } from '../../platform/audit/audit.ts';

/*
 * The waiting list's SQL (migrations/0022_waiting_list.sql). Places are held and given back by the
 * database functions waiting_list_hold / waiting_list_release (the conditional updates of ADR 0010).
 */

export type Db = Kysely<DB> | Transaction<DB>;

export type EntryStatus = 'waiting' | 'booked' | 'left' | 'closed';
export type OfferStatus = 'offered' | 'accepted' | 'declined' | 'expired' | 'withdrawn';

export interface EntryRow {
  id: number;
  person_id: number;
  dose_number: number;
  area_code: string;
  municipality_istat: string;
  cap: string;
  accessibility: string[];
  products: string[];
  priority: number;
  category: string;
  channel: string;
  status: EntryStatus;
  joined_at: Date;
  offers_made: number;
  closed_at: Date | null;
  close_reason: string | null;
  booking_id: number | null;
}

export interface OfferRow {
  id: number;
  entry_id: number;
  person_id: number;
  slot_id: number;
  vaccination_point_id: number;
  day: string;
  starts_at: Date;
  product_code: string;
  offered_at: Date;
  expires_at: Date;
  status: OfferStatus;
  answered_at: Date | null;
  booking_id: number | null;
}

/** Both engines return bigint as a number and timestamptz as a Date; ids are normalised here. */
const entryOf = (row: EntryRow): EntryRow => ({
  ...row,
  id: Number(row.id),
  person_id: Number(row.person_id),
  booking_id: row.booking_id === null ? null : Number(row.booking_id),
});
const offerOf = (row: OfferRow): OfferRow => ({
  ...row,
  id: Number(row.id),
  entry_id: Number(row.entry_id),
  person_id: Number(row.person_id),
  slot_id: Number(row.slot_id),
  vaccination_point_id: Number(row.vaccination_point_id),
  booking_id: row.booking_id === null ? null : Number(row.booking_id),
});

export async function entryById(db: Db, id: number, lock = false): Promise<EntryRow | undefined> {
  const rows = lock
    ? await sql<EntryRow>`SELECT * FROM waiting_list_entries WHERE id = ${id} FOR UPDATE`.execute(db)
    : await sql<EntryRow>`SELECT * FROM waiting_list_entries WHERE id = ${id}`.execute(db);
  const row = rows.rows[0];
  return row === undefined ? undefined : entryOf(row);
}

/** The person's entry that is still waiting, else their latest one. */
export async function currentEntryOf(db: Db, personId: number): Promise<EntryRow | undefined> {
  const rows = await sql<EntryRow>`SELECT * FROM waiting_list_entries WHERE person_id = ${personId}
    ORDER BY (status = 'waiting') DESC, joined_at DESC, id DESC LIMIT 1`.execute(db);
  const row = rows.rows[0];
  return row === undefined ? undefined : entryOf(row);
}

export async function offerById(db: Db, id: number, lock = false): Promise<OfferRow | undefined> {
  const rows = lock
    ? await sql<OfferRow>`SELECT * FROM waiting_list_offers WHERE id = ${id} FOR UPDATE`.execute(db)
    : await sql<OfferRow>`SELECT * FROM waiting_list_offers WHERE id = ${id}`.execute(db);
  const row = rows.rows[0];
  return row === undefined ? undefined : offerOf(row);
}

export async function offersOfEntry(db: Db, entryId: number): Promise<OfferRow[]> {
  const rows = await sql<OfferRow>`SELECT * FROM waiting_list_offers WHERE entry_id = ${entryId}
    ORDER BY offered_at DESC, id DESC`.execute(db);
  return rows.rows.map(offerOf);
}

export async function openOfferOfEntry(db: Db, entryId: number): Promise<OfferRow | undefined> {
  const rows = await sql<OfferRow>`SELECT * FROM waiting_list_offers
    WHERE entry_id = ${entryId} AND status = 'offered'`.execute(db);
  const row = rows.rows[0];
  return row === undefined ? undefined : offerOf(row);
}

/** ELIG-2: how many people of the area are ahead of this entry in the queue. */
export async function aheadOf(db: Db, entry: EntryRow): Promise<number> {
  const rows = await sql<{ n: number }>`SELECT count(*)::integer AS n FROM waiting_list_entries
    WHERE area_code = ${entry.area_code} AND status = 'waiting'
      AND (priority, joined_at, id) < (${entry.priority}::smallint, ${entry.joined_at}::timestamptz, ${entry.id}::bigint)`.execute(
    db,
  );
  return Number(rows.rows[0]?.n ?? 0);
}

export async function insertEntry(
  db: Db,
  values: Omit<EntryRow, 'id' | 'status' | 'offers_made' | 'closed_at' | 'close_reason' | 'booking_id'>,
): Promise<EntryRow> {
  const rows = await sql<EntryRow>`INSERT INTO waiting_list_entries (person_id, dose_number, area_code,
      municipality_istat, cap, accessibility, products, priority, category, channel, status, joined_at)
    VALUES (${values.person_id}, ${values.dose_number}, ${values.area_code}, ${values.municipality_istat},
      ${values.cap}, ${values.accessibility}::text[], ${values.products}::text[], ${values.priority},
      ${values.category}, ${values.channel}, 'waiting', ${values.joined_at})
    RETURNING *`.execute(db);
  const row = rows.rows[0];
  if (row === undefined) throw new Error('insert returned no row');
  return entryOf(row);
}

export async function closeEntry(
  db: Db,
  id: number,
  status: Exclude<EntryStatus, 'waiting'>,
  reason: string,
  at: Date,
  bookingId: number | null = null,
): Promise<EntryRow> {
  const rows = await sql<EntryRow>`UPDATE waiting_list_entries
    SET status = ${status}, closed_at = ${at}, close_reason = ${reason}, booking_id = ${bookingId}
    WHERE id = ${id} RETURNING *`.execute(db);
  const row = rows.rows[0];
  if (row === undefined) throw new Error('entry vanished');
  return entryOf(row);
}

/** The area whose hubs serve a domicile: the health authority of the active hub nearest to it. */
export async function areaOf(db: Db, municipalityIstat: string): Promise<string | undefined> {
  const rows = await sql<{ code: string }>`SELECT p.health_authority_code AS code
    FROM hubs h JOIN vaccination_points p ON p.id = h.vaccination_point_id
    JOIN municipalities m ON m.istat = ${municipalityIstat}
    WHERE h.status = 'active'
    ORDER BY (p.lat - m.lat) ^ 2 + ((p.lng - m.lng) * cos(radians(m.lat))) ^ 2, p.code LIMIT 1`.execute(db);
  return rows.rows[0]?.code;
}

export interface CandidateRow {
  slot_id: number;
  starts_at: Date;
  hub_code: string;
  lat: number;
  lng: number;
}

/**
 * BOOK-7, BOOK-13: per active hub of the area with the accessibility needed, its first free slot in the
 * window whose day still has a dose of one of the products, leaving out slots already offered to the entry.
 */
export async function freeCandidates(
  db: Db,
  search: {
    area: string;
    products: readonly string[];
    accessibility: readonly string[];
    from: Date;
    to: Date;
    entryId: number | null;
    /** Free slots per hub (more than one when places are being taken meanwhile). */
    perHub?: number;
  },
): Promise<CandidateRow[]> {
  const rows =
    await sql<CandidateRow>`SELECT first.id AS slot_id, first.starts_at, p.code AS hub_code, p.lat, p.lng
    FROM hubs h JOIN vaccination_points p ON p.id = h.vaccination_point_id
    JOIN LATERAL (
      SELECT s.id, s.starts_at FROM slots s
      WHERE s.vaccination_point_id = h.vaccination_point_id AND s.booked < s.capacity
        AND s.starts_at >= ${search.from}::timestamptz AND s.starts_at <= ${search.to}::timestamptz
        AND EXISTS (SELECT 1 FROM hub_day_stock st WHERE st.vaccination_point_id = s.vaccination_point_id
          AND st.day = s.day AND st.booked < st.doses AND st.product_code = ANY (${search.products}::text[]))
        AND NOT EXISTS (SELECT 1 FROM waiting_list_offers o
          WHERE o.entry_id = ${search.entryId}::bigint AND o.slot_id = s.id)
      ORDER BY s.starts_at LIMIT ${search.perHub ?? 1}) first ON true
    WHERE h.status = 'active' AND p.health_authority_code = ${search.area}
      AND h.accessibility @> ${search.accessibility}::text[]`.execute(db);
  return rows.rows.map((row) => ({ ...row, slot_id: Number(row.slot_id) }));
}

/** BOOK-9, BOOK-13: holds a place and a dose; the product held, or null with nothing changed. */
export async function holdPlace(
  db: Db,
  slotId: number,
  products: readonly string[],
  notBefore: Date,
): Promise<string | null> {
  const rows = await sql<{ product: string | null }>`SELECT waiting_list_hold(${slotId}::bigint,
    ${products}::text[], ${notBefore}::timestamptz) AS product`.execute(db);
  return rows.rows[0]?.product ?? null;
}

export async function releasePlace(db: Db, offer: OfferRow): Promise<void> {
  await sql`SELECT waiting_list_release(${offer.slot_id}::bigint, ${offer.vaccination_point_id}::bigint,
    ${offer.day}::date, ${offer.product_code})`.execute(db);
}

export async function insertOffer(
  db: Db,
  values: { entry: EntryRow; slotId: number; product: string; offeredAt: Date; expiresAt: Date },
): Promise<OfferRow> {
  const rows = await sql<OfferRow>`INSERT INTO waiting_list_offers (entry_id, person_id, slot_id,
      vaccination_point_id, day, starts_at, product_code, offered_at, expires_at, status)
    SELECT ${values.entry.id}, ${values.entry.person_id}, s.id, s.vaccination_point_id, s.day, s.starts_at,
      ${values.product}, ${values.offeredAt}, ${values.expiresAt}, 'offered'
    FROM slots s WHERE s.id = ${values.slotId}
    RETURNING *`.execute(db);
  const row = rows.rows[0];
  if (row === undefined) throw new Error('offer insert returned no row');
  await sql`UPDATE waiting_list_entries SET offers_made = offers_made + 1 WHERE id = ${values.entry.id}`.execute(
    db,
  );
  return offerOf(row);
}

export async function answerOffer(
  db: Db,
  id: number,
  status: Exclude<OfferStatus, 'offered'>,
  at: Date,
  bookingId: number | null = null,
): Promise<OfferRow> {
  const rows = await sql<OfferRow>`UPDATE waiting_list_offers
    SET status = ${status}, answered_at = ${at}, booking_id = ${bookingId}
    WHERE id = ${id} RETURNING *`.execute(db);
  const row = rows.rows[0];
  if (row === undefined) throw new Error('offer vanished');
  return offerOf(row);
}

/** BOOK-13: the offer's message, through the person's channel, once per offer. */
export async function enqueueOfferMessage(db: Db, offer: OfferRow): Promise<void> {
  await sql`SELECT messaging_enqueue(${offer.person_id}::bigint, 'waiting_list_offer', 'waiting_list_offer',
    ${offer.id}::bigint, ${`waiting_list_offer:${offer.id}`},
    (SELECT waiting_list_offer_params(o) FROM waiting_list_offers o WHERE o.id = ${offer.id}))`.execute(db);
}

/** The next entry in priority order with no open offer, not in `skip`, locked; others' locks are skipped. */
export async function nextWaitingEntry(db: Db, skip: readonly number[]): Promise<EntryRow | undefined> {
  const rows = await sql<EntryRow>`SELECT e.* FROM waiting_list_entries e
    WHERE e.status = 'waiting' AND NOT (e.id = ANY (${skip}::bigint[]))
      AND NOT EXISTS (SELECT 1 FROM waiting_list_offers o WHERE o.entry_id = e.id AND o.status = 'offered')
    ORDER BY e.priority, e.joined_at, e.id
    LIMIT 1 FOR UPDATE OF e SKIP LOCKED`.execute(db);
  const row = rows.rows[0];
  return row === undefined ? undefined : entryOf(row);
}

/** Offers past their time, locked; others' locks are skipped. */
export async function dueOffers(db: Db, now: Date, limit: number): Promise<OfferRow[]> {
  const rows = await sql<OfferRow>`SELECT * FROM waiting_list_offers
    WHERE status = 'offered' AND expires_at <= ${now}
    ORDER BY expires_at, id LIMIT ${limit} FOR UPDATE SKIP LOCKED`.execute(db);
  return rows.rows.map(offerOf);
}

export async function openBookingFor(db: Db, personId: number, dose: number): Promise<string | undefined> {
  const rows = await sql<{ code: string }>`SELECT code FROM bookings
    WHERE person_id = ${personId} AND dose_number = ${dose} AND status = 'confirmed'`.execute(db);
  return rows.rows[0]?.code;
}

export interface AreaEntryRow extends EntryRow {
  offer_id: number | null;
  offer_starts_at: Date | null;
  offer_expires_at: Date | null;
  offer_point_id: number | null;
}

export async function entriesOfArea(
  db: Db,
  area: string,
  status: EntryStatus,
  limit: number,
  offset: number,
): Promise<{ total: number; entries: AreaEntryRow[] }> {
  const total = await sql<{ n: number }>`SELECT count(*)::integer AS n FROM waiting_list_entries
    WHERE area_code = ${area} AND status = ${status}`.execute(db);
  const rows = await sql<AreaEntryRow>`SELECT e.*, o.id AS offer_id, o.starts_at AS offer_starts_at,
      o.expires_at AS offer_expires_at, o.vaccination_point_id AS offer_point_id
    FROM waiting_list_entries e
    LEFT JOIN waiting_list_offers o ON o.entry_id = e.id AND o.status = 'offered'
    WHERE e.area_code = ${area} AND e.status = ${status}
    ORDER BY e.priority, e.joined_at, e.id LIMIT ${limit} OFFSET ${offset}`.execute(db);
  return {
    total: Number(total.rows[0]?.n ?? 0),
    entries: rows.rows.map((row) => ({
      ...row,
      ...entryOf(row),
      offer_id: row.offer_id === null ? null : Number(row.offer_id),
      offer_point_id: row.offer_point_id === null ? null : Number(row.offer_point_id),
    })),
  };
}

/** The audit stamp as the database functions take it. */
export const auditJson = (context: ActingContext): string =>
  JSON.stringify({
    actor_kind: context.actorKind,
    actor_id: context.actorId,
    actor_role: context.actorRole,
    channel: context.channel,
    correlation_id: context.correlationId,
    occurred_at: context.now.toISOString(),
  });

/** UX-5: no-shows per hub and day over a period (rebooked ones among them), for the points in scope (null: all). */
export interface NoShowsRow {
  pointName: string;
  day: string;
  noShows: number;
  rebooked: number;
}

export async function noShowsPerHubDay(
  db: Db,
  filter: { from: string; to: string; points: readonly number[] | null },
): Promise<NoShowsRow[]> {
  if (filter.points !== null && filter.points.length === 0) return [];
  const inScope =
    filter.points === null ? sql`` : sql`AND n.vaccination_point_id IN (${sql.join(filter.points)})`;
  const result = await sql<{ point_name: string; day: string; no_shows: string; rebooked: string }>`
    SELECT p.name AS point_name, to_char(n.day, 'YYYY-MM-DD') AS day,
           count(*) AS no_shows, count(n.rebooked_booking_id) AS rebooked
    FROM booking_no_shows n JOIN vaccination_points p ON p.id = n.vaccination_point_id
    WHERE n.day BETWEEN ${filter.from}::date AND ${filter.to}::date ${inScope}
    GROUP BY p.name, n.day
    ORDER BY p.name, n.day`.execute(db);
  return result.rows.map((row) => ({
    pointName: row.point_name,
    day: row.day,
    noShows: Number(row.no_shows),
    rebooked: Number(row.rebooked),
  }));
}
