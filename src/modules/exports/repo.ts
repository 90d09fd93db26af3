import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';
import type { AdministrationFacts, PersonFacts, PointFacts } from './fhir.ts';
import {
  AGE_BANDS,
  CATEGORY_RULES,
  COUNT_COLUMNS,
  OPEN_DATA_AREAS,
  PUBLISHED_AGE_BANDS,
  type AgeSummaryRow,
  type DeliverySummaryRow,
  type OpenDataRow,
} from './opendata.ts';

/*
 * The exports' SQL. This module owns no table: it reads the registry's, the reference data's and
 * booking's tables as a read model, because an export is a join across all of them and its
 * aggregations belong in the database (GROUP BY), not in a loop over other modules' services.
 * Deleted administrations (NAT-1 marks) count nowhere except in the FHIR export, where they are
 * `entered-in-error`.
 */

/** The vaccination points a reader covers (null: all of them). */
export type PointScope = readonly number[] | null;

export interface Period {
  from: string;
  to: string;
}

const inScope = (column: RawBuilder<unknown>, points: PointScope) =>
  points === null ? sql<boolean>`true` : sql<boolean>`${column} = ANY(${[...points]}::bigint[])`;

/** The SQL twin of `ageBand()`: the same table of bands, so the two cannot disagree. */
function ageBandSql(age: RawBuilder<number>): RawBuilder<string> {
  const branches = AGE_BANDS.filter((band) => band.minAge > 0)
    .reverse()
    .map((band) => sql`WHEN ${age} >= ${sql.lit(band.minAge)} THEN ${sql.lit(band.label)}`);
  const [youngest] = AGE_BANDS;
  return sql<string>`(CASE ${sql.join(branches, sql` `)} ELSE ${sql.lit(youngest?.label ?? '')} END)`;
}

const ageOn = (birthDate: RawBuilder<unknown>, day: RawBuilder<unknown>) =>
  sql<number>`extract(year FROM age(${day}, ${birthDate}))::int`;

// ---------------------------------------------------------------------------------------------------
// EXP-1: keyset pages. Each page is one short statement: no transaction or cursor stays open while the
// client reads (PGlite has one connection; PostgreSQL would hold a pooled one for the whole download).

/** The last administration id when an export starts: the export covers the records up to it. */
export async function lastAdministrationId(db: Kysely<DB>): Promise<number> {
  const row = await db
    .selectFrom('administrations')
    .select((eb) => eb.fn.max('id').as('id'))
    .executeTakeFirst();
  return Number(row?.id ?? 0);
}

/**
 * The period's administrations with ids in (afterId, throughId]: a window of the primary key, so each
 * page reads at most its window whatever the planner knows. A page "id > last ORDER BY id LIMIT n"
 * let a planner without statistics (PGlite after a bulk load) pick the date index and sort everything
 * after `last` on every page: quadratic, measured at 6,000 rows/s for 100,000 rows.
 */
export async function immunizationWindow(
  db: Kysely<DB>,
  filter: Period & { points: PointScope; afterId: number; throughId: number },
): Promise<(AdministrationFacts & { productCode: string })[]> {
  const result = await sql<AdministrationFacts & { productCode: string }>`
    SELECT a.id, a.person_id AS "personId", a.administered_at AS "administeredAt",
      a.recorded_at AS "recordedAt", a.product_code AS "productCode", a.aic, a.lot, a.lot_expiry AS "lotExpiry",
      a.volume_ml AS "volumeMl", a.route, a.site, a.dose_number AS "doseNumber", a.dose_kind AS "doseKind",
      a.version, a.deleted_at IS NOT NULL AS deleted,
      (a.dose_kind = 'primary' AND a.dose_number = 1 AND EXISTS (
        SELECT 1 FROM infections i WHERE i.person_id = a.person_id AND i.sampled_on < a.administered_on
      )) AS "priorInfection",
      v.code AS "pointCode", v.name AS "pointName",
      h.code AS "healthAuthorityCode", h.name AS "healthAuthorityName"
    FROM administrations a
    JOIN vaccination_points v ON v.id = a.vaccination_point_id
    JOIN health_authorities h ON h.code = v.health_authority_code
    WHERE a.id > ${filter.afterId} AND a.id <= ${filter.throughId}
      AND a.administered_on BETWEEN ${filter.from}::date AND ${filter.to}::date
      AND ${inScope(sql`a.vaccination_point_id`, filter.points)}
    ORDER BY a.id`.execute(db);
  return result.rows;
}

/**
 * The people of the administrations of the period (deleted ones included: their resources point here).
 * The page walks the index on administrations (person_id, administered_on) from the last person sent, so
 * each page reads about its own rows (an EXISTS from persons made PostgreSQL merge from the first person
 * on every page: quadratic, measured).
 */
export async function patientPage(
  db: Kysely<DB>,
  filter: Period & { points: PointScope; afterId: number; limit: number },
): Promise<PersonFacts[]> {
  const result = await sql<PersonFacts>`
    WITH page AS (
      SELECT DISTINCT a.person_id
      FROM administrations a
      WHERE a.person_id > ${filter.afterId}
        AND a.administered_on BETWEEN ${filter.from}::date AND ${filter.to}::date
        AND ${inScope(sql`a.vaccination_point_id`, filter.points)}
      ORDER BY a.person_id
      LIMIT ${filter.limit}
    )
    SELECT p.id, p.tax_code AS "taxCode", p.identifier_type AS "identifierType",
      p.other_identifier AS "otherIdentifier", p.surname, p.given_name AS "givenName", p.sex,
      p.birth_date AS "birthDate", p.status, p.superseded_by AS "supersededBy"
    FROM page JOIN persons p ON p.id = page.person_id
    ORDER BY p.id`.execute(db);
  return result.rows;
}

/** The vaccination points of the administrations of the period: a few hundred at most, one statement. */
export async function locations(
  db: Kysely<DB>,
  filter: Period & { points: PointScope },
): Promise<PointFacts[]> {
  const result = await sql<PointFacts>`
    SELECT v.code, v.name, v.address, v.kind, v.municipality_istat AS "municipalityIstat",
      m.name AS "municipalityName", pr.abbreviation AS "provinceAbbreviation", v.lat, v.lng,
      h.code AS "healthAuthorityCode", h.name AS "healthAuthorityName"
    FROM vaccination_points v
    JOIN municipalities m ON m.istat = v.municipality_istat
    JOIN provinces pr ON pr.code = m.province_code
    JOIN health_authorities h ON h.code = v.health_authority_code
    WHERE ${inScope(sql`v.id`, filter.points)}
      AND EXISTS (
        SELECT 1 FROM administrations a
        WHERE a.vaccination_point_id = v.id
          AND a.administered_on BETWEEN ${filter.from}::date AND ${filter.to}::date
      )
    ORDER BY v.code`.execute(db);
  return result.rows;
}

/** The EU DCC vaccine-prophylaxis value set: SNOMED CT codes and their displays. */
export async function prophylaxisTerms(
  db: Kysely<DB>,
): Promise<{ code: string; system: string | null; display: string }[]> {
  return db
    .selectFrom('dcc_value_set_entries')
    .select(['code', 'system', 'display'])
    .where('value_set_id', '=', 'sct-vaccines-covid-19')
    .execute();
}

// ---------------------------------------------------------------------------------------------------
// EXP-2: the open-data rows, aggregated by the database.

/** The areas as a VALUES list, so that the rows sort by the published area code in SQL. */
function areasValues(): RawBuilder<unknown> {
  const rows = Object.entries(OPEN_DATA_AREAS).map(
    ([key, area]) => sql`(${sql.lit(key)}, ${sql.lit(area.area)})`,
  );
  return sql`(VALUES ${sql.join(rows)}) AS area(key, code)`;
}

/**
 * The doses the open data count, one row each with what the columns need: COVID, not deleted, first
 * and second doses of a primary cycle, in the period and the reader's scope; the area is that of the
 * vaccination point's municipality.
 */
function openDataDoses(filter: Period & { points: PointScope }): RawBuilder<unknown> {
  return sql`
      SELECT a.administered_on AS day, coalesce(pr.entry ->> 'openDataSupplier', pr.name) AS supplier,
        CASE WHEN m.region_code = '04' THEN m.province_code ELSE m.region_code END AS area_key,
        ${ageOn(sql`p.birth_date`, sql`a.administered_on`)} AS age,
        p.sex, a.risk_category, a.dose_number
      FROM administrations a
      JOIN persons p ON p.id = a.person_id
      JOIN products pr ON pr.code = a.product_code
      JOIN vaccination_points v ON v.id = a.vaccination_point_id
      JOIN municipalities m ON m.istat = v.municipality_istat
      WHERE a.deleted_at IS NULL AND pr.covid
        AND a.dose_kind = 'primary' AND a.dose_number IN (1, 2)
        AND a.administered_on BETWEEN ${filter.from}::date AND ${filter.to}::date
        AND ${inScope(sql`a.vaccination_point_id`, filter.points)}`;
}

/** The count columns over the rows `d` of openDataDoses, each a FILTER aggregate named as published. */
function openDataCounts(): RawBuilder<unknown>[] {
  const age = sql<number>`d.age`;
  return COUNT_COLUMNS.map((column) => {
    let condition: RawBuilder<unknown>;
    if (column === 'sesso_maschile') condition = sql`d.sex = 'M'`;
    else if (column === 'sesso_femminile') condition = sql`d.sex = 'F'`;
    else if (column === 'prima_dose') condition = sql`d.dose_number = 1`;
    else if (column === 'seconda_dose') condition = sql`d.dose_number = 2`;
    else {
      const rule = CATEGORY_RULES.find((r) => r.column === column);
      if (rule === undefined) throw new Error(`no rule for the column ${column}`);
      condition =
        rule.riskCategory === null
          ? sql`false`
          : sql.join(
              [
                sql`d.risk_category = ${rule.riskCategory}`,
                ...(rule.minAge === null ? [] : [sql`${age} >= ${rule.minAge}`]),
                ...(rule.maxAge === null ? [] : [sql`${age} <= ${rule.maxAge}`]),
              ],
              sql` AND `,
            );
    }
    return sql`count(*) FILTER (WHERE ${condition})::int AS ${sql.id(column)}`;
  });
}

const countsOf = (row: Record<string, unknown>): OpenDataRow['counts'] =>
  Object.fromEntries(COUNT_COLUMNS.map((column) => [column, Number(row[column])])) as OpenDataRow['counts'];

export async function openDataRows(
  db: Kysely<DB>,
  filter: Period & { points: PointScope },
): Promise<OpenDataRow[]> {
  const result = await sql<Record<string, string | number>>`
    WITH d AS (${openDataDoses(filter)})
    SELECT d.day, d.supplier, d.area_key AS "areaKey", ${ageBandSql(sql`d.age`)} AS band,
      ${sql.join(openDataCounts())}
    FROM d JOIN ${areasValues()} ON area.key = d.area_key
    GROUP BY d.day, d.supplier, d.area_key, area.code, band
    ORDER BY d.day, d.supplier COLLATE "C", area.code COLLATE "C", band`.execute(db);
  return result.rows.map((row) => ({
    day: String(row.day),
    supplier: String(row.supplier),
    areaKey: String(row.areaKey),
    band: String(row.band),
    counts: countsOf(row),
  }));
}

/**
 * EXP-2 anagrafica-vaccini-summary: the same doses as the daily file, totalled by age band. Every band
 * of the published file has a line (zeros when nobody of it was vaccinated); a younger band only when
 * it has doses. In band order.
 */
export async function openDataAgeSummary(
  db: Kysely<DB>,
  filter: Period & { points: PointScope },
): Promise<AgeSummaryRow[]> {
  const result = await sql<Record<string, string | number>>`
    WITH d AS (${openDataDoses(filter)})
    SELECT ${ageBandSql(sql`d.age`)} AS band, ${sql.join(openDataCounts())}
    FROM d GROUP BY band`.execute(db);
  const found = new Map(result.rows.map((row) => [String(row.band), countsOf(row)]));
  const zero = Object.fromEntries(COUNT_COLUMNS.map((column) => [column, 0])) as OpenDataRow['counts'];
  return AGE_BANDS.filter((band) => found.has(band.label) || PUBLISHED_AGE_BANDS.includes(band.label)).map(
    (band) => ({ band: band.label, counts: found.get(band.label) ?? { ...zero } }),
  );
}

/**
 * EXP-2 vaccini-summary: by area of the vaccination point, every COVID dose of the period (boosters
 * included: this file has no dose columns) against the COVID doses set out on the hubs' days of the
 * period (hub_day_stock, the nearest the registry has to deliveries). Areas with either, by code.
 */
export async function openDataDeliverySummary(
  db: Kysely<DB>,
  filter: Period & { points: PointScope },
): Promise<DeliverySummaryRow[]> {
  const areaOf = sql`CASE WHEN m.region_code = '04' THEN m.province_code ELSE m.region_code END`;
  const result = await sql<{ areaKey: string; administered: number | string; delivered: number | string }>`
    WITH given AS (
      SELECT ${areaOf} AS area_key, count(*)::bigint AS administered
      FROM administrations a
      JOIN products pr ON pr.code = a.product_code
      JOIN vaccination_points v ON v.id = a.vaccination_point_id
      JOIN municipalities m ON m.istat = v.municipality_istat
      WHERE a.deleted_at IS NULL AND pr.covid
        AND a.administered_on BETWEEN ${filter.from}::date AND ${filter.to}::date
        AND ${inScope(sql`a.vaccination_point_id`, filter.points)}
      GROUP BY 1
    ), stocked AS (
      SELECT ${areaOf} AS area_key, sum(st.doses)::bigint AS delivered
      FROM hub_day_stock st
      JOIN products pr ON pr.code = st.product_code
      JOIN vaccination_points v ON v.id = st.vaccination_point_id
      JOIN municipalities m ON m.istat = v.municipality_istat
      WHERE pr.covid AND st.day BETWEEN ${filter.from}::date AND ${filter.to}::date
        AND ${inScope(sql`st.vaccination_point_id`, filter.points)}
      GROUP BY 1
    )
    SELECT area.key AS "areaKey", coalesce(given.administered, 0) AS administered,
      coalesce(stocked.delivered, 0) AS delivered
    FROM given FULL JOIN stocked ON stocked.area_key = given.area_key
    JOIN ${areasValues()} ON area.key = coalesce(given.area_key, stocked.area_key)
    ORDER BY area.code COLLATE "C"`.execute(db);
  return result.rows.map((row) => ({
    areaKey: row.areaKey,
    administered: Number(row.administered),
    delivered: Number(row.delivered),
  }));
}

/** COVID doses of the period the 2021 format has no column for (boosters, additional doses). */
export async function dosesOutsideOpenData(
  db: Kysely<DB>,
  filter: Period & { points: PointScope },
): Promise<number> {
  const result = await sql<{ doses: number }>`
    SELECT count(*)::int AS doses
    FROM administrations a JOIN products pr ON pr.code = a.product_code
    WHERE a.deleted_at IS NULL AND pr.covid
      AND NOT (a.dose_kind = 'primary' AND a.dose_number IN (1, 2))
      AND a.administered_on BETWEEN ${filter.from}::date AND ${filter.to}::date
      AND ${inScope(sql`a.vaccination_point_id`, filter.points)}`.execute(db);
  return result.rows[0]?.doses ?? 0;
}

// ---------------------------------------------------------------------------------------------------
// EXP-3: reports for the dashboards.

export type CoverageDimension = 'category' | 'ageBand' | 'municipality';

export interface CoverageRow {
  key: string | null;
  label: string | null;
  population: number | null;
  atLeastOneDose: number;
  completedCycle: number;
  booster: number;
  atLeastOneDoseShare: number | null;
  completedCycleShare: number | null;
  boosterShare: number | null;
}

/**
 * Coverage on a day among the region's people (status active): at least one COVID dose, a completed
 * primary cycle (the product's doses, one after a prior infection (VAX-18), a molecular positive more
 * than `infectionWithinDays` after dose 1 once recovered (VAX-17), or any later dose), a booster.
 * A scoped reader counts the people vaccinated at least once at their points, over the same population.
 * By category: the risk category of the person's latest dose, which the registry knows only for the
 * vaccinated, so there is no population.
 */
export async function coverage(
  db: Kysely<DB>,
  filter: { on: string; by: CoverageDimension; points: PointScope; infectionWithinDays: number },
): Promise<CoverageRow[]> {
  const on = sql`${filter.on}::date`;
  const perPerson = sql`
    SELECT a.person_id,
      bool_or(a.dose_kind <> 'primary' OR a.dose_number >= pr.primary_cycle_doses
        OR (a.dose_number = 1 AND EXISTS (
          SELECT 1 FROM infections i WHERE i.person_id = a.person_id AND i.sampled_on < a.administered_on))
        OR (a.dose_number = 1 AND pr.primary_cycle_doses = 2 AND EXISTS (
          SELECT 1 FROM infections i WHERE i.person_id = a.person_id AND i.test_type = 'molecular'
            AND i.sampled_on > a.administered_on + ${filter.infectionWithinDays}::int
            AND coalesce(i.recovered_on, i.sampled_on) <= ${on}))
      ) AS completed,
      bool_or(a.dose_kind = 'booster') AS booster,
      (array_agg(a.risk_category ORDER BY a.administered_at DESC, a.id DESC))[1] AS category
    FROM administrations a JOIN products pr ON pr.code = a.product_code
    WHERE a.deleted_at IS NULL AND pr.covid AND a.administered_on <= ${on}
    GROUP BY a.person_id
    HAVING ${filter.points === null ? sql`true` : sql`bool_or(${inScope(sql`a.vaccination_point_id`, filter.points)})`}`;
  const counts = sql`count(pp.person_id)::int AS "atLeastOneDose",
    count(*) FILTER (WHERE pp.completed)::int AS "completedCycle",
    count(*) FILTER (WHERE pp.booster)::int AS booster`;
  const share = (numerator: RawBuilder<unknown>, population: RawBuilder<unknown>) =>
    sql`round(${numerator}::numeric / nullif(${population}, 0), 4)::float8`;
  const shares = (population: RawBuilder<unknown>) => sql`
    ${share(sql`count(pp.person_id)`, population)} AS "atLeastOneDoseShare",
    ${share(sql`count(*) FILTER (WHERE pp.completed)`, population)} AS "completedCycleShare",
    ${share(sql`count(*) FILTER (WHERE pp.booster)`, population)} AS "boosterShare"`;
  let query: RawBuilder<CoverageRow>;
  switch (filter.by) {
    case 'category':
      query = sql<CoverageRow>`
        WITH pp AS (${perPerson})
        SELECT pp.category AS key, pp.category AS label, NULL::int AS population, ${counts},
          ${shares(sql`NULL::int`)}
        FROM pp JOIN persons p ON p.id = pp.person_id
        WHERE p.status = 'active'
        GROUP BY pp.category ORDER BY pp.category`;
      break;
    case 'ageBand': {
      const band = ageBandSql(ageOn(sql`p.birth_date`, on));
      query = sql<CoverageRow>`
        WITH pp AS (${perPerson}), people AS (
          SELECT p.id, ${band} AS band FROM persons p WHERE p.status = 'active' AND p.birth_date <= ${on}
        )
        SELECT people.band AS key, people.band AS label, count(*)::int AS population, ${counts},
          ${shares(sql`count(*)`)}
        FROM people LEFT JOIN pp ON pp.person_id = people.id
        GROUP BY people.band ORDER BY people.band`;
      break;
    }
    case 'municipality':
      query = sql<CoverageRow>`
        WITH pp AS (${perPerson})
        SELECT p.residence_municipality_istat AS key, m.name AS label, count(*)::int AS population,
          ${counts}, ${shares(sql`count(*)`)}
        FROM persons p LEFT JOIN pp ON pp.person_id = p.id
        LEFT JOIN municipalities m ON m.istat = p.residence_municipality_istat
        WHERE p.status = 'active' AND p.birth_date <= ${on}
        GROUP BY p.residence_municipality_istat, m.name ORDER BY p.residence_municipality_istat`;
      break;
  }
  return (await query.execute(db)).rows;
}

export interface BookingCapacityRow {
  pointId: number;
  pointCode: string;
  pointName: string;
  day: string;
  capacity: number;
  booked: number;
  free: number;
  utilisation: number | null;
  confirmedBookings: number;
  cancelledBookings: number;
  doses: number;
  dosesBooked: number;
  administered: number;
}

/** BOOK-2, BOOK-9: places and doses per hub and day against what was booked and given. */
export async function bookingCapacity(
  db: Kysely<DB>,
  filter: Period & { points: PointScope },
): Promise<BookingCapacityRow[]> {
  const period = sql`BETWEEN ${filter.from}::date AND ${filter.to}::date`;
  const result = await sql<BookingCapacityRow>`
    WITH places AS (
      SELECT s.vaccination_point_id, s.day, sum(s.capacity)::int AS capacity, sum(s.booked)::int AS booked
      FROM slots s WHERE s.day ${period} AND ${inScope(sql`s.vaccination_point_id`, filter.points)}
      GROUP BY s.vaccination_point_id, s.day
    ), appointments AS (
      SELECT s.vaccination_point_id, s.day,
        count(*) FILTER (WHERE b.status = 'confirmed')::int AS confirmed,
        count(*) FILTER (WHERE b.status = 'cancelled')::int AS cancelled
      FROM bookings b JOIN slots s ON s.id = b.slot_id
      WHERE s.day ${period} AND ${inScope(sql`s.vaccination_point_id`, filter.points)}
      GROUP BY s.vaccination_point_id, s.day
    ), stock AS (
      SELECT st.vaccination_point_id, st.day, sum(st.doses)::int AS doses, sum(st.booked)::int AS booked
      FROM hub_day_stock st WHERE st.day ${period} AND ${inScope(sql`st.vaccination_point_id`, filter.points)}
      GROUP BY st.vaccination_point_id, st.day
    ), given AS (
      SELECT a.vaccination_point_id, a.administered_on AS day, count(*)::int AS administered
      FROM administrations a
      WHERE a.deleted_at IS NULL AND a.administered_on ${period}
        AND ${inScope(sql`a.vaccination_point_id`, filter.points)}
      GROUP BY a.vaccination_point_id, a.administered_on
    )
    SELECT places.vaccination_point_id AS "pointId", v.code AS "pointCode", v.name AS "pointName", places.day,
      places.capacity, places.booked, places.capacity - places.booked AS free,
      round(places.booked::numeric / nullif(places.capacity, 0), 4)::float8 AS utilisation,
      coalesce(appointments.confirmed, 0) AS "confirmedBookings",
      coalesce(appointments.cancelled, 0) AS "cancelledBookings",
      coalesce(stock.doses, 0) AS doses, coalesce(stock.booked, 0) AS "dosesBooked",
      coalesce(given.administered, 0) AS administered
    FROM places
    JOIN vaccination_points v ON v.id = places.vaccination_point_id
    LEFT JOIN appointments USING (vaccination_point_id, day)
    LEFT JOIN stock USING (vaccination_point_id, day)
    LEFT JOIN given USING (vaccination_point_id, day)
    ORDER BY places.day, v.code`.execute(db);
  return result.rows;
}

export interface DosesByLotRow {
  productCode: string;
  productName: string;
  lot: string;
  lotExpiry: string;
  doses: number;
  firstDoses: number;
  secondDoses: number;
  laterPrimaryDoses: number;
  additionalDoses: number;
  boosterDoses: number;
  points: number;
  firstDay: string;
  lastDay: string;
}

/** VAX-4: doses given per product and lot in the period (a recall of a lot starts here). */
export async function dosesByLot(
  db: Kysely<DB>,
  filter: Period & { points: PointScope },
): Promise<DosesByLotRow[]> {
  const result = await sql<DosesByLotRow>`
    SELECT a.product_code AS "productCode", pr.name AS "productName", a.lot, a.lot_expiry AS "lotExpiry",
      count(*)::int AS doses,
      count(*) FILTER (WHERE a.dose_kind = 'primary' AND a.dose_number = 1)::int AS "firstDoses",
      count(*) FILTER (WHERE a.dose_kind = 'primary' AND a.dose_number = 2)::int AS "secondDoses",
      count(*) FILTER (WHERE a.dose_kind = 'primary' AND a.dose_number > 2)::int AS "laterPrimaryDoses",
      count(*) FILTER (WHERE a.dose_kind = 'additional')::int AS "additionalDoses",
      count(*) FILTER (WHERE a.dose_kind = 'booster')::int AS "boosterDoses",
      count(DISTINCT a.vaccination_point_id)::int AS points,
      min(a.administered_on) AS "firstDay", max(a.administered_on) AS "lastDay"
    FROM administrations a JOIN products pr ON pr.code = a.product_code
    WHERE a.deleted_at IS NULL AND a.administered_on BETWEEN ${filter.from}::date AND ${filter.to}::date
      AND ${inScope(sql`a.vaccination_point_id`, filter.points)}
    GROUP BY a.product_code, pr.name, a.lot, a.lot_expiry
    ORDER BY a.product_code, a.lot, a.lot_expiry`.execute(db);
  return result.rows;
}

export interface OpenAnomaliesRow {
  healthAuthorityCode: string;
  healthAuthorityName: string;
  concerns: 'registry' | 'national';
  status: 'open' | 'in_progress';
  reports: number;
  oldestCreatedAt: Date;
}

/**
 * VAX-19: reports not closed yet, per authority, subject and status. An ASL office sees its
 * authorities' reports; a point's administrator those about administrations at its points.
 */
export async function openAnomalies(
  db: Kysely<DB>,
  scope: { authorities: readonly string[] | null; points: PointScope },
): Promise<OpenAnomaliesRow[]> {
  const byAuthority =
    scope.authorities === null
      ? sql`true`
      : sql`ar.health_authority_code = ANY(${[...scope.authorities]}::text[])`;
  const byPoint =
    scope.points === null
      ? sql`true`
      : sql`EXISTS (SELECT 1 FROM administrations a WHERE a.id = ar.administration_id
          AND ${inScope(sql`a.vaccination_point_id`, scope.points)})`;
  const result = await sql<OpenAnomaliesRow>`
    SELECT ar.health_authority_code AS "healthAuthorityCode", h.name AS "healthAuthorityName", ar.concerns,
      ar.status, count(*)::int AS reports, min(ar.created_at) AS "oldestCreatedAt"
    FROM anomaly_reports ar JOIN health_authorities h ON h.code = ar.health_authority_code
    WHERE ar.status IN ('open', 'in_progress') AND ${byAuthority} AND ${byPoint}
    GROUP BY ar.health_authority_code, h.name, ar.concerns, ar.status
    ORDER BY ar.health_authority_code, ar.concerns, ar.status`.execute(db);
  return result.rows;
}
