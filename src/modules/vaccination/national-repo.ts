import { sql, type Kysely, type Selectable } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';
import type { MobilityAdministrationT } from '../../national/client.ts';
import type { DoseKind } from './rules.ts';
import type { MobilityAdministrationsTable, NATIONAL_OUTCOMES } from './tables.ts';

export type MobilityAdministrationRow = Selectable<MobilityAdministrationsTable>;

/** An outbox message claimed for delivery, with the administration as it is now. */
export interface ClaimedMessage {
  id: number;
  attempts: number;
  administrationId: number;
  version: number;
  deleted: boolean;
  /** Null while a foreigner's identifier is pending (REG-9): nothing to send it under yet. */
  personIdentifier: string | null;
  administeredOn: string;
  productCode: string;
  aic: string | null;
  lot: string;
  doseNumber: number;
  doseKind: DoseKind;
  /** DCC-2: the doses completing the dose's cycle; null for records made before it was kept. */
  cycleDoses: number | null;
  covid: boolean;
}

/**
 * NAT-1: claims up to `limit` messages for one worker, for `leaseSeconds`. A message is claimable when
 * it is due, nobody holds a live lease on it, and no older message of the same person is still
 * unacknowledged (a person's changes arrive in order). SKIP LOCKED lets several workers claim at once
 * without waiting for each other or taking the same message.
 */
export async function claimOutbox(
  db: Kysely<DB>,
  limit: number,
  leaseSeconds: number,
): Promise<ClaimedMessage[]> {
  const { rows } = await sql<ClaimedMessage>`
    WITH claimable AS (
      SELECT o.id FROM national_outbox o
      WHERE o.acknowledged_at IS NULL
        AND o.available_at <= clock_timestamp()
        AND (o.claimed_until IS NULL OR o.claimed_until < clock_timestamp())
        AND NOT EXISTS (
          SELECT 1 FROM national_outbox earlier
          WHERE earlier.person_id = o.person_id AND earlier.acknowledged_at IS NULL AND earlier.id < o.id
        )
      ORDER BY o.id
      LIMIT ${limit}
      FOR UPDATE SKIP LOCKED
    )
    UPDATE national_outbox o
    SET claimed_until = clock_timestamp() + make_interval(secs => ${leaseSeconds}), attempts = o.attempts + 1
    FROM claimable, administrations a
      JOIN persons p ON p.id = a.person_id
      JOIN products pr ON pr.code = a.product_code
    WHERE o.id = claimable.id AND a.id = o.administration_id
    RETURNING
      o.id::integer AS "id", o.attempts AS "attempts", a.id::integer AS "administrationId",
      a.version AS "version", a.deleted_at IS NOT NULL AS "deleted",
      coalesce(p.tax_code, p.other_identifier) AS "personIdentifier",
      a.administered_on AS "administeredOn", a.product_code AS "productCode", a.aic AS "aic",
      a.lot AS "lot", a.dose_number AS "doseNumber", a.dose_kind AS "doseKind",
      a.cycle_doses AS "cycleDoses", pr.covid AS "covid"
  `.execute(db);
  return rows.sort((a, b) => a.id - b.id);
}

/**
 * NAT-1: the national registry answered. The version it now holds is kept with the acknowledgement: the
 * database's trigger of DCC-4 (migration 0020) sends the certificate's code, in this same transaction,
 * when that version is the administration's current one.
 */
export async function acknowledge(
  db: Kysely<DB>,
  id: number,
  receipt: { outcome: (typeof NATIONAL_OUTCOMES)[number]; version: number },
): Promise<void> {
  await db
    .updateTable('national_outbox')
    .set({
      acknowledged_at: sql<Date>`clock_timestamp()`,
      outcome: receipt.outcome,
      acknowledged_version: receipt.version,
      claimed_until: null,
      last_error: null,
    })
    .where('id', '=', id)
    .execute();
}

/** A failed delivery: the message (and the person's later ones) waits `delayMs`, then is tried again. */
export async function postpone(db: Kysely<DB>, id: number, error: string, delayMs: number): Promise<void> {
  await db
    .updateTable('national_outbox')
    .set({
      claimed_until: null,
      last_error: error.slice(0, 500),
      available_at: sql<Date>`clock_timestamp() + make_interval(secs => ${delayMs / 1000})`,
    })
    .where('id', '=', id)
    .execute();
}

export interface OutboxFigures {
  pending: number;
  failing: number;
  oldestPendingSince: Date | null;
  acknowledgedLastHour: number;
  lagMsP50: number | null;
  lagMsP95: number | null;
  lagMsMax: number | null;
}

/** NAT-1, NAT-5: the backlog now and the lag (recorded → acknowledged) of the last hour. */
export async function outboxFigures(db: Kysely<DB>): Promise<OutboxFigures> {
  const { rows } = await sql<OutboxFigures>`
    SELECT
      (SELECT count(*)::integer FROM national_outbox WHERE acknowledged_at IS NULL) AS "pending",
      (SELECT count(*)::integer FROM national_outbox WHERE acknowledged_at IS NULL AND last_error IS NOT NULL) AS "failing",
      (SELECT min(created_at) FROM national_outbox WHERE acknowledged_at IS NULL) AS "oldestPendingSince",
      count(*)::integer AS "acknowledgedLastHour",
      percentile_cont(0.5) WITHIN GROUP (ORDER BY lag_ms) AS "lagMsP50",
      percentile_cont(0.95) WITHIN GROUP (ORDER BY lag_ms) AS "lagMsP95",
      max(lag_ms) AS "lagMsMax"
    FROM (
      SELECT extract(epoch FROM acknowledged_at - created_at) * 1000 AS lag_ms
      FROM national_outbox
      WHERE acknowledged_at > clock_timestamp() - interval '1 hour'
    ) recent
  `.execute(db);
  const figures = rows[0];
  if (figures === undefined) throw new Error('the outbox figures query returned no row');
  const rounded = (value: number | null) => (value === null ? null : Math.round(Number(value)));
  return {
    ...figures,
    lagMsP50: rounded(figures.lagMsP50),
    lagMsP95: rounded(figures.lagMsP95),
    lagMsMax: rounded(figures.lagMsMax),
  };
}

export interface OutboxLagHour {
  /** The hour's start (the acknowledgements from it to the next hour). */
  hour: Date;
  acknowledged: number;
  lagMsP50: number;
  lagMsP95: number;
  lagMsMax: number;
}

/** NAT-1, UX-5: the lag (recorded → acknowledged) hour by hour over the last `hours`, hours without any left out. */
export async function outboxLagByHour(db: Kysely<DB>, hours: number): Promise<OutboxLagHour[]> {
  const { rows } = await sql<OutboxLagHour>`
    SELECT date_trunc('hour', acknowledged_at) AS hour, count(*)::integer AS acknowledged,
      percentile_cont(0.5) WITHIN GROUP (ORDER BY lag_ms) AS "lagMsP50",
      percentile_cont(0.95) WITHIN GROUP (ORDER BY lag_ms) AS "lagMsP95",
      max(lag_ms) AS "lagMsMax"
    FROM (
      SELECT acknowledged_at, extract(epoch FROM acknowledged_at - created_at) * 1000 AS lag_ms
      FROM national_outbox
      WHERE acknowledged_at > date_trunc('hour', clock_timestamp()) - make_interval(hours => ${hours - 1})
    ) recent
    GROUP BY 1 ORDER BY 1
  `.execute(db);
  return rows.map((row) => ({
    hour: new Date(row.hour),
    acknowledged: row.acknowledged,
    lagMsP50: Math.round(Number(row.lagMsP50)),
    lagMsP95: Math.round(Number(row.lagMsP95)),
    lagMsMax: Math.round(Number(row.lagMsMax)),
  }));
}

/** NAT-2: takes the feed for `leaseSeconds` unless another process holds it; its position then. */
export async function leaseFeed(db: Kysely<DB>, leaseSeconds: number): Promise<string | undefined> {
  const row = await db
    .updateTable('national_feed_positions')
    .set({ leased_until: sql<Date>`clock_timestamp() + make_interval(secs => ${leaseSeconds})` })
    .where('feed', '=', 'mobility')
    .where((eb) =>
      eb.or([eb('leased_until', 'is', null), eb('leased_until', '<', sql<Date>`clock_timestamp()`)]),
    )
    .returning('position')
    .executeTakeFirst();
  return row?.position;
}

export async function releaseFeed(db: Kysely<DB>): Promise<void> {
  await db
    .updateTable('national_feed_positions')
    .set({ leased_until: null })
    .where('feed', '=', 'mobility')
    .execute();
}

/**
 * NAT-2: keeps a page of the feed (the items of people known here; a version never goes back) and moves
 * the position past it, in one transaction: a page is taken whole or not at all.
 */
export async function storeMobilityPage(
  db: Kysely<DB>,
  items: readonly MobilityAdministrationT[],
  next: string,
  now: Date,
): Promise<{ stored: number; unknownPeople: number }> {
  return db.transaction().execute(async (trx) => {
    const identifiers = [...new Set(items.map((item) => item.personIdentifier))];
    const people =
      identifiers.length === 0
        ? []
        : await trx
            .selectFrom('persons')
            .select(['id', sql<string>`coalesce(tax_code, other_identifier)`.as('identifier')])
            .where((eb) =>
              eb.or([eb('tax_code', 'in', identifiers), eb('other_identifier', 'in', identifiers)]),
            )
            .where('status', '<>', 'obsolete')
            .execute();
    const personOf = new Map(people.map((person) => [person.identifier, person.id]));
    let stored = 0;
    for (const item of items) {
      const personId = personOf.get(item.personIdentifier);
      if (personId === undefined) continue;
      const values = {
        version: item.version,
        person_id: personId,
        deleted: item.deleted,
        administered_on: item.administeredOn,
        product_code: item.productCode,
        aic: item.aic,
        lot: item.lot,
        dose_number: item.doseNumber,
        dose_kind: item.doseKind,
        received_at: now,
      };
      await trx
        .insertInto('mobility_administrations')
        .values({ region_code: item.regionCode, source_id: item.sourceId, ...values })
        .onConflict((conflict) =>
          conflict
            .columns(['region_code', 'source_id'])
            .doUpdateSet(values)
            .where('mobility_administrations.version', '<', item.version),
        )
        .execute();
      stored++;
    }
    await trx
      .updateTable('national_feed_positions')
      .set({ position: next, leased_until: null, pulled_at: now })
      .where('feed', '=', 'mobility')
      .execute();
    return { stored, unknownPeople: items.length - stored };
  });
}

/** VAX-5: the person's administrations given in other regions, in date order. */
export async function mobilityOf(db: Kysely<DB>, personId: number): Promise<MobilityAdministrationRow[]> {
  return db
    .selectFrom('mobility_administrations')
    .selectAll()
    .where('person_id', '=', personId)
    .where('deleted', '=', false)
    .orderBy('administered_on')
    .orderBy('source_id')
    .execute();
}

/**
 * The identifier the national systems know the person by: undefined for no such person, null while a
 * foreigner's identifier is pending (REG-9).
 */
export async function personIdentifierOf(
  db: Kysely<DB>,
  personId: number,
): Promise<string | null | undefined> {
  const row = await db
    .selectFrom('persons')
    .select(sql<string | null>`coalesce(tax_code, other_identifier)`.as('identifier'))
    .where('id', '=', personId)
    .executeTakeFirst();
  return row === undefined ? undefined : row.identifier;
}

/** VAX-8: the person's administrations whose latest change the national registry has not acknowledged. */
export async function pendingAdministrationIds(db: Kysely<DB>, personId: number): Promise<Set<number>> {
  const rows = await db
    .selectFrom('national_outbox as o')
    .innerJoin('administrations as a', 'a.id', 'o.administration_id')
    .select('a.id')
    .distinct()
    .where('a.person_id', '=', personId)
    .where('o.acknowledged_at', 'is', null)
    .execute();
  return new Set(rows.map((row) => Number(row.id)));
}
