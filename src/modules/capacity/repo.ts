import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';
import type { ActingContext } from '../../platform/audit/audit.ts';
import type { HubDayCapacity } from '../booking/rules.ts';
import type { BookingToPlace, Decision, FreeSlot, HubPlace } from './moves.ts';
import type { ChangeKind, HubStatus } from './rules.ts';

/*
 * The capacity module's SQL (migration 0025). It reads the booking tables (slots, stock, bookings) and
 * writes moves under the same rules as any booking (ADR 0010): counters changed by one statement each,
 * every row it relies on locked first, the CHECKs as the last word.
 */

type Db = Kysely<DB> | Transaction<DB>;

export interface ChangeRow {
  id: number;
  kind: ChangeKind;
  vaccination_point_id: number;
  day: string;
  health_authority_code: string;
  from_time: string | null;
  stations: number | null;
  product_code: string | null;
  doses: number | null;
  horizon_days: number;
  max_km: number;
  note: string | null;
  status: 'previewed' | 'applying' | 'applied' | 'discarded';
  preview: unknown;
  created_at: Date;
  created_by: string | null;
  applied_at: Date | null;
  applied_by: string | null;
  moved: number;
  to_choose: number;
  notified: number;
  batches: number;
}

const num = (value: unknown): number => Number(value);

function change(row: ChangeRow): ChangeRow {
  return {
    ...row,
    id: num(row.id),
    vaccination_point_id: num(row.vaccination_point_id),
    from_time: row.from_time === null ? null : row.from_time.slice(0, 5),
  };
}

export interface HubRow extends HubPlace {
  code: string;
  name: string;
  healthAuthorityCode: string;
}

export async function selectHubs(db: Db): Promise<HubRow[]> {
  const rows = await sql<{
    id: number;
    code: string;
    name: string;
    lat: number;
    lng: number;
    status: HubStatus;
    health_authority_code: string;
  }>`SELECT p.id, p.code, p.name, p.lat, p.lng, h.status, p.health_authority_code
    FROM hubs h JOIN vaccination_points p ON p.id = h.vaccination_point_id ORDER BY p.id`.execute(db);
  return rows.rows.map((row) => ({
    id: num(row.id),
    code: row.code,
    name: row.name,
    lat: row.lat,
    lng: row.lng,
    status: row.status,
    healthAuthorityCode: row.health_authority_code,
  }));
}

export async function selectHubDay(
  db: Db,
  pointId: number,
  day: string,
  lock: boolean,
): Promise<HubDayCapacity | undefined> {
  const rows = await sql<{
    opens_at: string;
    closes_at: string;
    stations: number;
    minutes_per_vaccination: number;
    slot_minutes: number;
  }>`SELECT to_char(opens_at, 'HH24:MI') AS opens_at, to_char(closes_at, 'HH24:MI') AS closes_at, stations,
      minutes_per_vaccination, slot_minutes
    FROM hub_days WHERE vaccination_point_id = ${pointId} AND day = ${day}::date
    ${lock ? sql`FOR UPDATE` : sql``}`.execute(db);
  const row = rows.rows[0];
  return row === undefined
    ? undefined
    : {
        opensAt: row.opens_at,
        closesAt: row.closes_at,
        stations: row.stations,
        minutesPerVaccination: row.minutes_per_vaccination,
        slotMinutes: row.slot_minutes,
      };
}

export interface SlotRow {
  id: number;
  startsAt: Date;
  capacity: number;
  booked: number;
}

/** A hub-day's slots, by id (locked when applying: the order every taker of several slots uses). */
export async function selectDaySlots(
  db: Db,
  pointId: number,
  day: string,
  lock: boolean,
): Promise<SlotRow[]> {
  const rows = await sql<{ id: number; starts_at: Date; capacity: number; booked: number }>`
    SELECT id, starts_at, capacity, booked FROM slots
    WHERE vaccination_point_id = ${pointId} AND day = ${day}::date ORDER BY id
    ${lock ? sql`FOR UPDATE` : sql``}`.execute(db);
  return rows.rows.map((row) => ({
    id: num(row.id),
    startsAt: new Date(row.starts_at),
    capacity: row.capacity,
    booked: row.booked,
  }));
}

export async function selectStock(
  db: Db,
  pointId: number,
  day: string,
  product: string,
  lock: boolean,
): Promise<{ doses: number; booked: number } | undefined> {
  const rows = await sql<{ doses: number; booked: number }>`
    SELECT doses, booked FROM hub_day_stock
    WHERE vaccination_point_id = ${pointId} AND day = ${day}::date AND product_code = ${product}
    ${lock ? sql`FOR UPDATE` : sql``}`.execute(db);
  return rows.rows[0];
}

export async function insertChange(
  trx: Db,
  values: Omit<
    ChangeRow,
    'id' | 'applied_at' | 'applied_by' | 'moved' | 'to_choose' | 'notified' | 'batches'
  >,
): Promise<ChangeRow> {
  const rows = await sql<ChangeRow>`
    INSERT INTO capacity_changes (kind, vaccination_point_id, day, health_authority_code, from_time, stations,
      product_code, doses, horizon_days, max_km, note, status, preview, created_at, created_by)
    VALUES (${values.kind}, ${values.vaccination_point_id}, ${values.day}::date, ${values.health_authority_code},
      ${values.from_time}::time, ${values.stations}, ${values.product_code}, ${values.doses},
      ${values.horizon_days}, ${values.max_km}, ${values.note}, ${values.status},
      ${JSON.stringify(values.preview)}::jsonb, ${values.created_at}::timestamptz, ${values.created_by})
    RETURNING id, kind, vaccination_point_id, day::text AS day, health_authority_code, from_time::text AS from_time,
      stations, product_code, doses, horizon_days, max_km, note, status, preview, created_at, created_by,
      applied_at, applied_by, moved, to_choose, notified, batches`.execute(trx);
  return change(rows.rows[0] as ChangeRow);
}

const CHANGE_COLUMNS = sql`id, kind, vaccination_point_id, day::text AS day, health_authority_code,
  from_time::text AS from_time, stations, product_code, doses, horizon_days, max_km, note, status, preview,
  created_at, created_by, applied_at, applied_by, moved, to_choose, notified, batches`;

export async function selectChange(db: Db, id: number, lock = false): Promise<ChangeRow | undefined> {
  const rows = await sql<ChangeRow>`SELECT ${CHANGE_COLUMNS} FROM capacity_changes WHERE id = ${id}
    ${lock ? sql`FOR UPDATE` : sql``}`.execute(db);
  const row = rows.rows[0];
  return row === undefined ? undefined : change(row);
}

export async function selectChanges(
  db: Db,
  filter: {
    authorities: readonly string[] | null;
    pointId?: number | undefined;
    status?: string | undefined;
  },
  page: { limit: number; offset: number },
): Promise<ChangeRow[]> {
  const rows = await sql<ChangeRow>`SELECT ${CHANGE_COLUMNS} FROM capacity_changes
    WHERE (${filter.authorities === null}::boolean OR health_authority_code = ANY (${filter.authorities ?? []}::text[]))
      AND (${filter.pointId ?? null}::bigint IS NULL OR vaccination_point_id = ${filter.pointId ?? null}::bigint)
      AND (${filter.status ?? null}::text IS NULL OR status = ${filter.status ?? null}::text)
    ORDER BY id DESC LIMIT ${page.limit} OFFSET ${page.offset}`.execute(db);
  return rows.rows.map(change);
}

export async function updateChangeStatus(
  trx: Db,
  id: number,
  status: ChangeRow['status'],
  context: ActingContext,
): Promise<void> {
  await sql`UPDATE capacity_changes SET status = ${status},
      applied_at = CASE WHEN ${status} = 'applied' THEN ${context.now}::timestamptz ELSE applied_at END,
      applied_by = CASE WHEN ${status} IN ('applying', 'applied') THEN coalesce(applied_by, ${context.actorId})
        ELSE applied_by END
    WHERE id = ${id}`.execute(trx);
}

export async function insertSlotTargets(trx: Db, changeId: number, targets: ReadonlyMap<number, number>) {
  if (targets.size === 0) return;
  await sql`INSERT INTO capacity_change_slots (change_id, slot_id, capacity)
    SELECT ${changeId}, t.slot_id, t.capacity
    FROM unnest(${[...targets.keys()]}::bigint[], ${[...targets.values()]}::integer[]) AS t (slot_id, capacity)`.execute(
    trx,
  );
}

export async function selectSlotTargets(db: Db, changeId: number): Promise<Map<number, number>> {
  const rows = await sql<{ slot_id: number; capacity: number }>`
    SELECT slot_id, capacity FROM capacity_change_slots WHERE change_id = ${changeId}`.execute(db);
  return new Map(rows.rows.map((row) => [num(row.slot_id), row.capacity]));
}

/**
 * BOOK-2: the cut itself. A cut slot (or the day's stock of the product) keeps no place beyond its new
 * capacity: capacity := least(capacity, greatest(target, booked)). Places still held by people are
 * given up one by one as they are moved (`applyCounters`). Run by every batch: a place freed meanwhile
 * (a cancellation) does not reopen. A cut slot keeps its target as `capacity_limit`, so re-saving the
 * hub-day later does not reopen it either (migration 0026).
 */
export async function applyCut(trx: Db, change: ChangeRow): Promise<void> {
  if (change.kind === 'cut_stock') {
    await sql`UPDATE hub_day_stock SET doses = least(doses, greatest(${change.doses}::integer, booked))
      WHERE vaccination_point_id = ${change.vaccination_point_id} AND day = ${change.day}::date
        AND product_code = ${change.product_code}`.execute(trx);
    return;
  }
  await sql`UPDATE slots s SET capacity = least(s.capacity, greatest(t.capacity, s.booked)),
      capacity_limit = least(coalesce(s.capacity_limit, t.capacity), t.capacity)
    FROM capacity_change_slots t
    WHERE t.change_id = ${change.id} AND s.id = t.slot_id
      AND (s.capacity <> least(s.capacity, greatest(t.capacity, s.booked))
        OR s.capacity_limit IS DISTINCT FROM least(coalesce(s.capacity_limit, t.capacity), t.capacity))`.execute(
    trx,
  );
}

interface BookingQueryRow {
  id: number;
  person_id: number;
  dose_number: number;
  product_code: string;
  vaccination_point_id: number;
  day: string;
  starts_at: Date;
  slot_id: number;
  first_dose_booking_id: number | null;
  home_lat: number;
  home_lng: number;
}

const toBooking = (row: BookingQueryRow): BookingToPlace & { firstDoseBookingId: number | null } => ({
  id: num(row.id),
  personId: num(row.person_id),
  dose: row.dose_number,
  product: row.product_code,
  pointId: num(row.vaccination_point_id),
  day: row.day,
  startsAt: new Date(row.starts_at),
  slotId: num(row.slot_id),
  home: { lat: row.home_lat, lng: row.home_lng },
  firstDoseBookingId: row.first_dose_booking_id === null ? null : num(row.first_dose_booking_id),
});

/**
 * Confirmed bookings matching `where` with the person's home (BOOK-7: the domicile municipality's
 * centroid, else the residence's, else the hub's own place), locked when applying.
 */
async function selectBookings(db: Db, where: ReturnType<typeof sql>, lock: boolean) {
  const rows = await sql<BookingQueryRow>`
    SELECT b.id, b.person_id, b.dose_number, b.product_code, b.vaccination_point_id, s.day::text AS day,
      b.starts_at, b.slot_id, b.first_dose_booking_id,
      coalesce(dm.lat, rm.lat, vp.lat) AS home_lat, coalesce(dm.lng, rm.lng, vp.lng) AS home_lng
    FROM bookings b
    JOIN slots s ON s.id = b.slot_id
    JOIN vaccination_points vp ON vp.id = b.vaccination_point_id
    JOIN persons p ON p.id = b.person_id
    LEFT JOIN municipalities dm ON dm.istat = p.domicile_municipality_istat
    LEFT JOIN municipalities rm ON rm.istat = p.residence_municipality_istat
    WHERE b.status = 'confirmed' AND ${where}
    ORDER BY b.id
    ${lock ? sql`FOR UPDATE OF b` : sql``}`.execute(db);
  return rows.rows.map(toBooking);
}

/** The bookings of the given slots that start after `after`. */
export function selectBookingsOfSlots(db: Db, slotIds: readonly number[], after: Date, lock: boolean) {
  return selectBookings(
    db,
    sql`b.slot_id = ANY (${slotIds}::bigint[]) AND b.starts_at > ${after}::timestamptz`,
    lock,
  );
}

/** The bookings of a product on a hub-day that start after `after`. */
export function selectBookingsOfStock(
  db: Db,
  change: { pointId: number; day: string; product: string },
  after: Date,
  lock: boolean,
) {
  return selectBookings(
    db,
    sql`b.vaccination_point_id = ${change.pointId} AND s.day = ${change.day}::date
      AND b.product_code = ${change.product} AND b.starts_at > ${after}::timestamptz`,
    lock,
  );
}

/** BOOK-10: the confirmed second doses of these first doses. */
export function selectSecondDoses(db: Db, firstIds: readonly number[], lock: boolean) {
  return selectBookings(db, sql`b.first_dose_booking_id = ANY (${firstIds}::bigint[])`, lock);
}

/** BOOK-10: the day of each of these first doses still confirmed. */
export async function selectFirstDoseDays(db: Db, ids: readonly number[]): Promise<Map<number, string>> {
  if (ids.length === 0) return new Map();
  const rows = await sql<{ id: number; day: string }>`
    SELECT b.id, s.day::text AS day FROM bookings b JOIN slots s ON s.id = b.slot_id
    WHERE b.id = ANY (${ids}::bigint[]) AND b.status = 'confirmed'`.execute(db);
  return new Map(rows.rows.map((row) => [num(row.id), row.day]));
}

/**
 * The places a moved booking may take: free slots of the hubs and days given that start after
 * `notBefore`, and the free doses of the products on those hub-days; locked (by id) when applying.
 */
export async function selectFreePlaces(
  db: Db,
  scope: {
    pointIds: readonly number[];
    days: readonly string[];
    products: readonly string[];
    notBefore: Date;
  },
  lock: boolean,
): Promise<{
  slots: (FreeSlot & { capacity: number; booked: number })[];
  stock: { pointId: number; day: string; product: string; doses: number; booked: number }[];
}> {
  if (scope.pointIds.length === 0 || scope.days.length === 0 || scope.products.length === 0) {
    return { slots: [], stock: [] };
  }
  const slots = await sql<{
    id: number;
    vaccination_point_id: number;
    day: string;
    starts_at: Date;
    capacity: number;
    booked: number;
  }>`
    SELECT id, vaccination_point_id, day::text AS day, starts_at, capacity, booked FROM slots
    WHERE vaccination_point_id = ANY (${scope.pointIds}::bigint[]) AND day = ANY (${scope.days}::date[])
      AND starts_at > ${scope.notBefore}::timestamptz AND booked < capacity
    ORDER BY id ${lock ? sql`FOR UPDATE` : sql``}`.execute(db);
  const stock = await sql<{
    vaccination_point_id: number;
    day: string;
    product_code: string;
    doses: number;
    booked: number;
  }>`
    SELECT vaccination_point_id, day::text AS day, product_code, doses, booked FROM hub_day_stock
    WHERE vaccination_point_id = ANY (${scope.pointIds}::bigint[]) AND day = ANY (${scope.days}::date[])
      AND product_code = ANY (${scope.products}::text[]) AND booked < doses
    ORDER BY vaccination_point_id, day, product_code ${lock ? sql`FOR UPDATE` : sql``}`.execute(db);
  return {
    slots: slots.rows.map((row) => ({
      id: num(row.id),
      pointId: num(row.vaccination_point_id),
      day: row.day,
      startsAt: new Date(row.starts_at),
      capacity: row.capacity,
      booked: row.booked,
      free: row.capacity - row.booked,
    })),
    stock: stock.rows.map((row) => ({
      pointId: num(row.vaccination_point_id),
      day: row.day,
      product: row.product_code,
      doses: row.doses,
      booked: row.booked,
    })),
  };
}

/**
 * Writes one batch's decisions in the caller's transaction: the counters of the places left and taken
 * (a cut place gives up each place its people leave, down to its new capacity), the bookings, one row
 * per booking in capacity_change_moves, their audit records, and one message per person
 * (capacity_change_messages). Returns the messages written.
 */
export async function writeDecisions(
  trx: Transaction<DB>,
  change: ChangeRow,
  batch: number,
  decisions: readonly Decision[],
  context: ActingContext,
): Promise<number> {
  const slotDelta = new Map<number, number>();
  const stockDelta = new Map<string, number>();
  const add = <K>(map: Map<K, number>, key: K, delta: number) => map.set(key, (map.get(key) ?? 0) + delta);
  for (const { booking, to } of decisions) {
    add(slotDelta, booking.slotId, -1);
    add(stockDelta, `${booking.pointId}|${booking.day}|${booking.product}`, -1);
    if (to !== undefined) {
      add(slotDelta, to.slotId, 1);
      add(stockDelta, `${to.pointId}|${to.day}|${booking.product}`, 1);
    }
  }
  await sql`UPDATE slots s SET booked = s.booked + d.delta,
      capacity = CASE WHEN d.delta < 0 AND t.capacity IS NOT NULL THEN greatest(t.capacity, s.capacity + d.delta)
        ELSE s.capacity END
    FROM unnest(${[...slotDelta.keys()]}::bigint[], ${[...slotDelta.values()]}::integer[]) AS d (id, delta)
    LEFT JOIN capacity_change_slots t ON t.change_id = ${change.id} AND t.slot_id = d.id
    WHERE s.id = d.id AND d.delta <> 0`.execute(trx);
  const stockKeys = [...stockDelta.keys()].map((key) => key.split('|'));
  const cutStock = change.kind === 'cut_stock' ? change.doses : null;
  await sql`UPDATE hub_day_stock st SET booked = st.booked + d.delta,
      doses = CASE WHEN d.delta < 0 AND ${cutStock}::integer IS NOT NULL
          AND st.vaccination_point_id = ${change.vaccination_point_id} AND st.day = ${change.day}::date
          AND st.product_code = ${change.product_code}
        THEN greatest(${cutStock}::integer, st.doses + d.delta) ELSE st.doses END
    FROM unnest(${stockKeys.map((k) => Number(k[0]))}::bigint[], ${stockKeys.map((k) => k[1])}::date[],
      ${stockKeys.map((k) => k[2])}::text[], ${[...stockDelta.values()]}::integer[]) AS d (point_id, day, product, delta)
    WHERE st.vaccination_point_id = d.point_id AND st.day = d.day AND st.product_code = d.product
      AND d.delta <> 0`.execute(trx);

  const moved = decisions.filter((d) => d.to !== undefined);
  const cancelled = decisions.filter((d) => d.to === undefined);
  if (moved.length > 0) {
    const updated = await sql`UPDATE bookings b SET slot_id = m.slot_id, vaccination_point_id = m.point_id,
        starts_at = m.starts_at, capacity_change_id = ${change.id}
      FROM unnest(${moved.map((d) => d.booking.id)}::bigint[], ${moved.map((d) => d.to?.slotId)}::bigint[],
        ${moved.map((d) => d.to?.pointId)}::bigint[], ${moved.map((d) => d.to?.startsAt.toISOString())}::timestamptz[])
        AS m (id, slot_id, point_id, starts_at)
      WHERE b.id = m.id AND b.status = 'confirmed' RETURNING b.id`.execute(trx);
    if (updated.rows.length !== moved.length) throw new Error('a booking to move was no longer open');
  }
  if (cancelled.length > 0) {
    const updated =
      await sql`UPDATE bookings SET status = 'cancelled', cancelled_at = ${context.now}::timestamptz,
        cancel_reason = 'capacity_change', capacity_change_id = ${change.id}
      WHERE id = ANY (${cancelled.map((d) => d.booking.id)}::bigint[]) AND status = 'confirmed' RETURNING id`.execute(
        trx,
      );
    if (updated.rows.length !== cancelled.length) throw new Error('a booking to cancel was no longer open');
  }

  const column = <T>(pick: (d: Decision) => T) => decisions.map(pick);
  await sql`INSERT INTO capacity_change_moves (change_id, batch, booking_id, person_id, dose_number, product_code,
      outcome, why, from_slot_id, from_point_id, from_starts_at, to_slot_id, to_point_id, to_starts_at, km,
      created_at)
    SELECT ${change.id}, ${batch}, m.booking_id, m.person_id, m.dose_number, m.product_code, m.outcome, m.why,
      m.from_slot_id, m.from_point_id, m.from_starts_at, m.to_slot_id, m.to_point_id, m.to_starts_at, m.km,
      ${context.now}::timestamptz
    FROM unnest(
      ${column((d) => d.booking.id)}::bigint[], ${column((d) => d.booking.personId)}::bigint[],
      ${column((d) => d.booking.dose)}::smallint[], ${column((d) => d.booking.product)}::text[],
      ${column((d) => d.outcome)}::text[], ${column((d) => d.why)}::text[],
      ${column((d) => d.booking.slotId)}::bigint[], ${column((d) => d.booking.pointId)}::bigint[],
      ${column((d) => d.booking.startsAt.toISOString())}::timestamptz[],
      ${column((d) => d.to?.slotId ?? null)}::bigint[], ${column((d) => d.to?.pointId ?? null)}::bigint[],
      ${column((d) => d.to?.startsAt.toISOString() ?? null)}::timestamptz[],
      ${column((d) => d.to?.km ?? null)}::numeric[]
    ) AS m (booking_id, person_id, dose_number, product_code, outcome, why, from_slot_id, from_point_id,
      from_starts_at, to_slot_id, to_point_id, to_starts_at, km)`.execute(trx);

  // SEC-4: every move audited with the change that caused it, in the change's transaction.
  await sql`INSERT INTO audit_log (occurred_at, actor_kind, actor_id, actor_role, channel, correlation_id,
      entity_type, entity_id, action, before, after)
    SELECT ${context.now}::timestamptz, ${context.actorKind}, ${context.actorId}, ${context.actorRole},
      ${context.channel}, ${context.correlationId}, 'booking', mv.booking_id::text,
      CASE mv.outcome WHEN 'moved' THEN 'capacity_move' ELSE 'capacity_to_choose' END,
      jsonb_build_object('slotId', mv.from_slot_id, 'pointId', mv.from_point_id, 'startsAt', mv.from_starts_at,
        'status', 'confirmed'),
      jsonb_build_object('capacityChangeId', mv.change_id, 'batch', mv.batch, 'outcome', mv.outcome, 'why', mv.why,
        'slotId', mv.to_slot_id, 'pointId', mv.to_point_id, 'startsAt', mv.to_starts_at, 'km', mv.km,
        'status', CASE mv.outcome WHEN 'moved' THEN 'confirmed' ELSE 'cancelled' END)
    FROM capacity_change_moves mv WHERE mv.change_id = ${change.id} AND mv.batch = ${batch}
    ORDER BY mv.booking_id`.execute(trx);

  const messages = await sql<{ written: number }>`
    SELECT capacity_change_messages(${change.id}, ${column((d) => d.booking.id)}::bigint[]) AS written`.execute(
    trx,
  );
  const written = Number(messages.rows[0]?.written ?? 0);
  await sql`UPDATE capacity_changes SET moved = moved + ${moved.length}, to_choose = to_choose + ${cancelled.length},
      notified = notified + ${written}, batches = ${batch} WHERE id = ${change.id}`.execute(trx);
  return written;
}

export interface OutcomeRow {
  booking_id: number;
  code: string;
  person_id: number;
  dose_number: number;
  product_code: string;
  outcome: 'moved' | 'to_choose';
  why: string;
  from_point_id: number;
  from_starts_at: Date;
  to_point_id: number | null;
  to_starts_at: Date | null;
  km: string | null;
  message_id: number | null;
  message_channel: string | null;
  message_status: string | null;
  batch: number;
}

/** BOOK-12: what a change did, booking by booking, with the message that told the person. */
export async function selectOutcomes(
  db: Db,
  changeId: number,
  filter: { outcome?: string | undefined },
  page: { limit: number; offset: number },
): Promise<{ rows: OutcomeRow[]; total: number }> {
  const rows = await sql<OutcomeRow>`
    SELECT mv.booking_id, b.code, mv.person_id, mv.dose_number, mv.product_code, mv.outcome, mv.why,
      mv.from_point_id, mv.from_starts_at, mv.to_point_id, mv.to_starts_at, mv.km::text AS km, mv.message_id,
      m.channel AS message_channel, m.status AS message_status, mv.batch
    FROM capacity_change_moves mv
    JOIN bookings b ON b.id = mv.booking_id
    LEFT JOIN messages m ON m.id = mv.message_id
    WHERE mv.change_id = ${changeId} AND (${filter.outcome ?? null}::text IS NULL OR mv.outcome = ${filter.outcome ?? null}::text)
    ORDER BY mv.id LIMIT ${page.limit} OFFSET ${page.offset}`.execute(db);
  const total = await sql<{ n: number }>`SELECT count(*)::integer AS n FROM capacity_change_moves
    WHERE change_id = ${changeId} AND (${filter.outcome ?? null}::text IS NULL OR outcome = ${filter.outcome ?? null}::text)`.execute(
    db,
  );
  return { rows: rows.rows, total: Number(total.rows[0]?.n ?? 0) };
}

/** Messages of a change by status (pending, sent, failed, cancelled). */
export async function selectMessageCounts(db: Db, changeId: number): Promise<Record<string, number>> {
  const rows = await sql<{ status: string; n: number }>`
    SELECT status, count(*)::integer AS n FROM messages
    WHERE cause_kind = 'capacity_change' AND cause_id = ${changeId} GROUP BY status`.execute(db);
  return Object.fromEntries(rows.rows.map((row) => [row.status, Number(row.n)]));
}
