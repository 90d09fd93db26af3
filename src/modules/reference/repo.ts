import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';
import type { ProductEntry } from './products.ts';
import type { HealthAuthorityKind, VaccinationPointKind } from './tables.ts';

/**
 * SQL of the reference module. Bulk writes send each column of a table as one text parameter (values
 * joined by a separator) and rebuild the rows with unnest(string_to_array(...)): one statement per
 * table whatever its size, no parameter limit, and about twice as fast on PGlite as expanding a JSON
 * document, since each round trip and each parsed byte costs more inside WebAssembly.
 */

export interface ColumnSpec {
  name: string;
  /** SQL type the column's text is cast to. */
  type: 'text' | 'integer' | 'smallint' | 'double precision' | 'boolean' | 'date' | 'jsonb';
}

export interface TableSpec {
  table: keyof DB;
  key: string[];
  columns: ColumnSpec[];
}

const SEPARATOR = '\x1f';
const NULL_MARK = '\x1e';

const ident = (name: string): RawBuilder<unknown> => sql.raw(`"${name.replaceAll('"', '""')}"`);
const list = (names: string[], prefix = ''): RawBuilder<unknown> =>
  sql.raw(names.map((n) => `${prefix}"${n.replaceAll('"', '""')}"`).join(', '));

function columnText(rows: readonly object[], column: ColumnSpec): string {
  return rows
    .map((row) => {
      const value = (row as Record<string, unknown>)[column.name];
      if (value === null || value === undefined) return NULL_MARK;
      const text =
        column.type === 'jsonb'
          ? JSON.stringify(value)
          : typeof value === 'string'
            ? value
            : typeof value === 'number' || typeof value === 'boolean'
              ? String(value)
              : JSON.stringify(value);
      if (text.includes(SEPARATOR) || text === NULL_MARK) {
        throw new Error(`reference data: a value of ${column.name} contains a control character`);
      }
      return text;
    })
    .join(SEPARATOR);
}

/** `unnest(col1::type[], col2::type[], ...) AS alias(col1, col2, ...)` over the rows. */
function rowsOf(rows: readonly object[], columns: ColumnSpec[], alias: string): RawBuilder<unknown> {
  const arrays = columns.map(
    (c) => sql`string_to_array(${columnText(rows, c)}, ${SEPARATOR}, ${NULL_MARK})::${sql.raw(c.type)}[]`,
  );
  return sql`unnest(${sql.join(arrays)}) AS ${sql.raw(alias)}(${list(columns.map((c) => c.name))})`;
}

/**
 * Inserts the rows, updating those whose key exists and differ: unchanged rows are not rewritten,
 * and existing rows keep their identity (generated ids, references from other tables).
 */
export async function upsertRows(db: Kysely<DB>, spec: TableSpec, rows: readonly object[]): Promise<void> {
  if (rows.length === 0) return;
  const names = spec.columns.map((c) => c.name);
  const others = names.filter((n) => !spec.key.includes(n));
  const onConflict =
    others.length === 0
      ? sql`DO NOTHING`
      : sql`DO UPDATE SET (${list(others)}) = ROW(${list(others, 'excluded.')})
            WHERE (${list(others, `${spec.table}.`)}) IS DISTINCT FROM (${list(others, 'excluded.')})`;
  await sql`
    INSERT INTO ${ident(spec.table)} (${list(names)})
    SELECT ${list(names)} FROM ${rowsOf(rows, spec.columns, 'r')}
    ON CONFLICT (${list(spec.key)}) ${onConflict}`.execute(db);
}

/** Deletes the rows whose key is not among the given rows' keys; returns how many went. */
export async function deleteRowsNotIn(db: Kysely<DB>, spec: TableSpec, rows: readonly object[]): Promise<number> {
  const keyColumns = spec.columns.filter((c) => spec.key.includes(c.name));
  const match = sql.raw(keyColumns.map((c) => `k."${c.name}" = t."${c.name}"`).join(' AND '));
  const result = await sql`
    DELETE FROM ${ident(spec.table)} AS t
    WHERE NOT EXISTS (SELECT 1 FROM ${rowsOf(rows, keyColumns, 'k')} WHERE ${match})`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}

export async function lockReferenceLoad(db: Kysely<DB>): Promise<void> {
  // One loader at a time (several processes may start together); released at commit.
  await sql`SELECT pg_advisory_xact_lock(727001)`.execute(db);
}

export async function loadedContentHash(db: Kysely<DB>): Promise<{ hash: string; counts: Record<string, number> } | undefined> {
  const row = await db
    .selectFrom('reference_data_version')
    .select(['content_hash', 'counts'])
    .where('singleton', '=', true)
    .executeTakeFirst();
  return row ? { hash: row.content_hash, counts: row.counts } : undefined;
}

export async function recordLoadedContent(
  db: Kysely<DB>,
  hash: string,
  counts: Record<string, number>,
  loadedAt: Date,
): Promise<void> {
  await db
    .insertInto('reference_data_version')
    .values({ content_hash: hash, counts: JSON.stringify(counts), loaded_at: loadedAt })
    .onConflict((oc) =>
      oc.column('singleton').doUpdateSet((eb) => ({
        content_hash: eb.ref('excluded.content_hash'),
        counts: eb.ref('excluded.counts'),
        loaded_at: eb.ref('excluded.loaded_at'),
      })),
    )
    .execute();
}

export const REFERENCE_TABLES = [
  'regions',
  'provinces',
  'belfiore_codes',
  'municipalities',
  'municipality_caps',
  'health_authorities',
  'vaccination_points',
  'products',
  'dcc_value_set_entries',
] as const;

export async function countReferenceRows(db: Kysely<DB>): Promise<Record<string, number>> {
  const selections = sql.join(
    REFERENCE_TABLES.map((table) => sql`(SELECT count(*) FROM ${ident(table)})::integer AS ${ident(table)}`),
  );
  const result = await sql<Record<string, number>>`SELECT ${selections}`.execute(db);
  const row = result.rows[0] ?? {};
  return Object.fromEntries(REFERENCE_TABLES.map((table) => [table, Number(row[table] ?? 0)]));
}

// ---------------------------------------------------------------------------------------------------
// Reads

export interface Municipality {
  istat: string;
  name: string;
  belfioreCode: string;
  provinceCode: string;
  provinceAbbreviation: string;
  provinceName: string;
  regionCode: string;
  regionName: string;
  lat: number;
  lng: number;
  population: number | null;
  /** Every CAP of the municipality, sorted. */
  caps: string[];
}

export interface BelfioreCode {
  code: string;
  name: string;
  provinceOrCountry: string | null;
  validFrom: string | null;
  validTo: string | null;
  foreign: boolean;
}

export interface HealthAuthority {
  code: string;
  name: string;
  kind: HealthAuthorityKind;
  parentCode: string | null;
  regionCode: string;
}

export interface VaccinationPoint {
  id: number;
  code: string;
  name: string;
  address: string;
  municipalityIstat: string;
  municipalityName: string;
  provinceAbbreviation: string;
  lat: number;
  lng: number;
  healthAuthorityCode: string;
  kind: VaccinationPointKind;
}

function selectMunicipalities(db: Kysely<DB>) {
  return db
    .selectFrom('municipalities as m')
    .innerJoin('provinces as p', 'p.code', 'm.province_code')
    .innerJoin('regions as r', 'r.code', 'm.region_code')
    .select([
      'm.istat',
      'm.name',
      'm.belfiore_code as belfioreCode',
      'm.province_code as provinceCode',
      'p.abbreviation as provinceAbbreviation',
      'p.name as provinceName',
      'm.region_code as regionCode',
      'r.name as regionName',
      'm.lat',
      'm.lng',
      'm.population',
      sql<string[]>`coalesce((SELECT json_agg(c.cap ORDER BY c.cap) FROM municipality_caps c
        WHERE c.municipality_istat = m.istat), '[]'::json)`.as('caps'),
    ]);
}

export async function selectMunicipalityByIstat(db: Kysely<DB>, istat: string): Promise<Municipality | undefined> {
  return await selectMunicipalities(db).where('m.istat', '=', istat).executeTakeFirst();
}

export async function selectMunicipalitiesByCap(db: Kysely<DB>, cap: string): Promise<Municipality[]> {
  return await selectMunicipalities(db)
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('municipality_caps as mc')
          .select('mc.cap')
          .whereRef('mc.municipality_istat', '=', 'm.istat')
          .where('mc.cap', '=', cap),
      ),
    )
    .orderBy('m.name')
    .execute();
}

/** A municipality and whether the CAP is one of its own, in one round trip (BOOK-6 runs it on every search). */
export async function selectMunicipalityWithCap(
  db: Kysely<DB>,
  istat: string,
  cap: string,
): Promise<(Municipality & { capBelongs: boolean }) | undefined> {
  const row = await selectMunicipalities(db)
    .select((eb) =>
      eb
        .exists(
          eb
            .selectFrom('municipality_caps as mc')
            .select('mc.cap')
            .whereRef('mc.municipality_istat', '=', 'm.istat')
            .where('mc.cap', '=', cap),
        )
        .as('capBelongs'),
    )
    .where('m.istat', '=', istat)
    .executeTakeFirst();
  return row === undefined ? undefined : { ...row, capBelongs: Boolean(row.capBelongs) };
}

export interface Province {
  code: string;
  abbreviation: string;
  name: string;
}

export async function selectProvincesOfRegion(db: Kysely<DB>, regionCode: string): Promise<Province[]> {
  return await db
    .selectFrom('provinces')
    .select(['code', 'abbreviation', 'name'])
    .where('region_code', '=', regionCode)
    .orderBy('name')
    .execute();
}

export async function selectMunicipalitiesOfProvince(
  db: Kysely<DB>,
  provinceCode: string,
): Promise<{ istat: string; name: string }[]> {
  return await db
    .selectFrom('municipalities')
    .select(['istat', 'name'])
    .where('province_code', '=', provinceCode)
    .orderBy('name')
    .execute();
}

export async function capBelongsTo(db: Kysely<DB>, istat: string, cap: string): Promise<boolean> {
  const row = await db
    .selectFrom('municipality_caps')
    .select('cap')
    .where('municipality_istat', '=', istat)
    .where('cap', '=', cap)
    .executeTakeFirst();
  return row !== undefined;
}

function selectBelfiore(db: Kysely<DB>, code: string) {
  return selectAllBelfiore(db).where('code', '=', code);
}

function selectAllBelfiore(db: Kysely<DB>) {
  return db
    .selectFrom('belfiore_codes')
    .select([
      'code',
      'name',
      'province_or_country as provinceOrCountry',
      'valid_from as validFrom',
      'valid_to as validTo',
      'is_foreign as foreign',
    ]);
}

/** Every Belfiore entry (about 10,000): bulk checks of tax codes look places up in memory. */
export async function selectAllBelfioreEntries(db: Kysely<DB>): Promise<BelfioreCode[]> {
  return await selectAllBelfiore(db).execute();
}

export async function selectBelfioreEntries(db: Kysely<DB>, code: string): Promise<BelfioreCode[]> {
  return await selectBelfiore(db, code).execute();
}

export async function selectBelfioreValidOn(
  db: Kysely<DB>,
  code: string,
  date: string,
): Promise<BelfioreCode | undefined> {
  return await selectBelfiore(db, code)
    .where((eb) => eb.or([eb('valid_from', 'is', null), eb('valid_from', '<=', date)]))
    .where((eb) => eb.or([eb('valid_to', 'is', null), eb('valid_to', '>', date)]))
    .executeTakeFirst();
}

export async function selectProducts(db: Kysely<DB>, effectiveOn?: string): Promise<ProductEntry[]> {
  let query = db.selectFrom('products').select('entry').orderBy('effective_from').orderBy('code');
  if (effectiveOn !== undefined) query = query.where('effective_from', '<=', effectiveOn);
  return (await query.execute()).map((row) => row.entry);
}

export async function selectHealthAuthorities(db: Kysely<DB>): Promise<HealthAuthority[]> {
  return await db
    .selectFrom('health_authorities')
    .select(['code', 'name', 'kind', 'parent_code as parentCode', 'region_code as regionCode'])
    .orderBy('code')
    .execute();
}

export async function selectVaccinationPoints(db: Kysely<DB>): Promise<VaccinationPoint[]> {
  return await db
    .selectFrom('vaccination_points as v')
    .innerJoin('municipalities as m', 'm.istat', 'v.municipality_istat')
    .innerJoin('provinces as p', 'p.code', 'm.province_code')
    .select([
      'v.id',
      'v.code',
      'v.name',
      'v.address',
      'v.municipality_istat as municipalityIstat',
      'm.name as municipalityName',
      'p.abbreviation as provinceAbbreviation',
      'v.lat',
      'v.lng',
      'v.health_authority_code as healthAuthorityCode',
      'v.kind',
    ])
    .orderBy('v.code')
    .execute();
}
