import type { Kysely } from 'kysely';
import type { Database } from '../../platform/db/database.ts';
import type { DB } from '../../platform/db/schema.ts';
import { PROJECT_ROOT, readReferenceContent, type ReferenceContent } from './files.ts';
import type { ProductEntry } from './products.ts';
import {
  capBelongsTo,
  selectMunicipalityWithCap,
  countReferenceRows,
  deleteRowsNotIn,
  loadedContentHash,
  lockReferenceLoad,
  recordLoadedContent,
  selectAllBelfioreEntries,
  selectBelfioreEntries,
  selectBelfioreValidOn,
  selectHealthAuthorities,
  selectMunicipalitiesByCap,
  selectMunicipalityByIstat,
  selectMunicipalitiesOfProvince,
  selectProvincesOfRegion,
  selectProducts,
  selectVaccinationPoints,
  upsertRows,
  type BelfioreCode,
  type HealthAuthority,
  type Municipality,
  type Province,
  type TableSpec,
  type VaccinationPoint,
} from './repo.ts';

export type { BelfioreCode, HealthAuthority, Municipality, Province, VaccinationPoint } from './repo.ts';
export type { ProductEntry } from './products.ts';

export interface LoadReferenceOptions {
  onProgress?: (step: string, done: number, total: number) => void;
  /** Reload even when the same content is already loaded. */
  force?: boolean;
  /** Project root holding reference/ and plan/ (tests point it at a modified copy). */
  root?: string;
  now?: () => Date;
}

export interface LoadReferenceResult {
  /** False when the same content was already loaded and nothing was written. */
  loaded: boolean;
  contentHash: string;
  /** Rows per reference table after the load. */
  counts: Record<string, number>;
}

interface Step {
  spec: TableSpec;
  rows: (content: ReferenceContent) => readonly object[];
  /**
   * Rows missing from the files are deleted, except in tables that other parts of the system also
   * write to and that bookings and staff scopes point at: there a reload only adds and updates.
   */
  replace: boolean;
}

// Parents before children: upserts run in this order, deletions in the reverse one.
const STEPS: Step[] = [
  {
    spec: { table: 'regions', key: ['code'], columns: [col('code'), col('name')] },
    rows: (c) => c.regions,
    replace: true,
  },
  {
    spec: {
      table: 'provinces',
      key: ['code'],
      columns: [col('code'), col('abbreviation'), col('name'), col('region_code')],
    },
    rows: (c) => c.provinces,
    replace: true,
  },
  {
    spec: {
      table: 'belfiore_codes',
      key: ['code'],
      columns: [
        col('code'),
        col('name'),
        col('province_or_country'),
        col('valid_from', 'date'),
        col('valid_to', 'date'),
        col('is_foreign', 'boolean'),
      ],
    },
    rows: (c) => c.belfioreCodes,
    replace: true,
  },
  {
    spec: {
      table: 'municipalities',
      key: ['istat'],
      columns: [
        col('istat'),
        col('name'),
        col('belfiore_code'),
        col('province_code'),
        col('region_code'),
        col('lat', 'double precision'),
        col('lng', 'double precision'),
        col('population', 'integer'),
      ],
    },
    rows: (c) => c.municipalities,
    replace: true,
  },
  {
    spec: { table: 'municipality_caps', key: ['municipality_istat', 'cap'], columns: [col('municipality_istat'), col('cap')] },
    rows: (c) => c.municipalityCaps,
    replace: true,
  },
  {
    spec: {
      table: 'health_authorities',
      key: ['code'],
      columns: [col('code'), col('name'), col('kind'), col('parent_code'), col('region_code')],
    },
    rows: (c) => c.healthAuthorities,
    replace: false,
  },
  {
    spec: {
      table: 'vaccination_points',
      key: ['code'],
      columns: [
        col('code'),
        col('name'),
        col('address'),
        col('municipality_istat'),
        col('lat', 'double precision'),
        col('lng', 'double precision'),
        col('health_authority_code'),
        col('kind'),
      ],
    },
    rows: (c) => c.vaccinationPoints,
    replace: false,
  },
  {
    spec: {
      table: 'products',
      key: ['code'],
      columns: [
        col('code'),
        col('name'),
        col('covid', 'boolean'),
        col('target_disease'),
        col('eu_product_code'),
        col('aic'),
        col('manufacturer_code'),
        col('primary_cycle_doses', 'smallint'),
        col('effective_from', 'date'),
        col('entry', 'jsonb'),
      ],
    },
    rows: (c) => c.products.map(productRow),
    replace: true,
  },
  {
    spec: {
      table: 'dcc_value_set_entries',
      key: ['value_set_id', 'code'],
      columns: [col('value_set_id'), col('code'), col('display'), col('active', 'boolean'), col('system')],
    },
    rows: (c) => c.dccValueSetEntries,
    replace: true,
  },
];

function col(name: string, type: TableSpec['columns'][number]['type'] = 'text'): TableSpec['columns'][number] {
  return { name, type };
}

function productRow(product: ProductEntry): object {
  return {
    code: product.code,
    name: product.name,
    covid: product.covid,
    target_disease: product.targetDisease.snomed,
    eu_product_code: product.euProductCode,
    aic: product.aic,
    manufacturer_code: product.manufacturerCode,
    primary_cycle_doses: product.primaryCycleDoses,
    effective_from: product.effectiveFrom,
    entry: product,
  };
}

/**
 * Loads reference/ and plan/products.json into the database, in one transaction. Idempotent: the
 * content hash of the files is recorded, and the same content is not loaded twice. A changed content
 * is upserted by natural key (vaccination points by code, so their ids survive), and rows no longer
 * in the files are removed where the loader owns the table.
 */
export async function loadReferenceData(
  database: Database,
  options: LoadReferenceOptions = {},
): Promise<LoadReferenceResult> {
  const content = await readReferenceContent(options.root ?? PROJECT_ROOT);
  const db = database.db;
  if (!options.force) {
    const loaded = await loadedContentHash(db);
    if (loaded?.hash === content.contentHash) {
      return { loaded: false, contentHash: loaded.hash, counts: await countReferenceRows(db) };
    }
  }
  const total = STEPS.reduce((sum, step) => sum + step.rows(content).length, 0);
  return await db.transaction().execute(async (trx) => {
    await lockReferenceLoad(trx);
    // Another process may have loaded the same content while this one waited for the lock.
    if (!options.force) {
      const loaded = await loadedContentHash(trx);
      if (loaded?.hash === content.contentHash) {
        return { loaded: false, contentHash: loaded.hash, counts: await countReferenceRows(trx) };
      }
    }
    let done = 0;
    options.onProgress?.('start', done, total);
    for (const step of STEPS) {
      const rows = step.rows(content);
      await upsertRows(trx, step.spec, rows);
      done += rows.length;
      options.onProgress?.(step.spec.table, done, total);
    }
    // Every row of the files is now present, so a table holding more rows than its file has stale
    // ones: only those tables pay for the anti-join.
    let counts = await countReferenceRows(trx);
    let deleted = 0;
    for (const step of [...STEPS].reverse()) {
      const rows = step.rows(content);
      if (step.replace && (counts[step.spec.table] ?? 0) > rows.length) {
        deleted += await deleteRowsNotIn(trx, step.spec, rows).catch((error: unknown) => {
          // E.g. a municipality dropped from the files while people still live there.
          const reason = error instanceof Error ? error.message : String(error);
          throw new Error(`Cannot remove ${step.spec.table} rows missing from the new reference files: ${reason}`, {
            cause: error,
          });
        });
      }
    }
    if (deleted > 0) counts = await countReferenceRows(trx);
    await recordLoadedContent(trx, content.contentHash, counts, (options.now ?? (() => new Date()))());
    return { loaded: true, contentHash: content.contentHash, counts };
  });
}

// ---------------------------------------------------------------------------------------------------
// Reads for other modules. Each takes a Kysely instance, so that it also runs inside a transaction.

export async function findRegionName(db: Kysely<DB>, code: string): Promise<string | undefined> {
  const row = await db.selectFrom('regions').select('name').where('code', '=', code).executeTakeFirst();
  return row?.name;
}

export async function findMunicipalityByIstat(db: Kysely<DB>, istat: string): Promise<Municipality | undefined> {
  return await selectMunicipalityByIstat(db, istat);
}

/** The municipalities a CAP belongs to (several, for CAPs shared by small municipalities), by name. */
export async function municipalitiesByCap(db: Kysely<DB>, cap: string): Promise<Municipality[]> {
  return await selectMunicipalitiesByCap(db, cap);
}

/** BOOK-6: the provinces a citizen of the region picks the domicile from, by name. */
export async function provincesOfRegion(db: Kysely<DB>, regionCode: string): Promise<Province[]> {
  return await selectProvincesOfRegion(db, regionCode);
}

/** BOOK-6: the municipalities of a province, by name. */
export async function municipalitiesOfProvince(
  db: Kysely<DB>,
  provinceCode: string,
): Promise<{ istat: string; name: string }[]> {
  return await selectMunicipalitiesOfProvince(db, provinceCode);
}

/** REG-10, BOOK-6: the CAP must belong to the municipality. */
export async function isCapOfMunicipality(db: Kysely<DB>, istat: string, cap: string): Promise<boolean> {
  return await capBelongsTo(db, istat, cap);
}

/** BOOK-6: the municipality of a domicile and whether its CAP belongs to it. */
export async function findMunicipalityWithCap(
  db: Kysely<DB>,
  istat: string,
  cap: string,
): Promise<(Municipality & { capBelongs: boolean }) | undefined> {
  return await selectMunicipalityWithCap(db, istat, cap);
}

/** Every entry ever recorded under a Belfiore code (none: the code never existed). */
export async function allBelfioreEntries(db: Kysely<DB>): Promise<BelfioreCode[]> {
  return await selectAllBelfioreEntries(db);
}

export async function belfioreEntries(db: Kysely<DB>, code: string): Promise<BelfioreCode[]> {
  return await selectBelfioreEntries(db, code);
}

/**
 * The Belfiore code's entry if it was valid on the date ('YYYY-MM-DD', e.g. a birth date, REG-2):
 * valid from `validFrom` inclusive to `validTo` exclusive.
 */
export async function belfioreValidOn(db: Kysely<DB>, code: string, date: string): Promise<BelfioreCode | undefined> {
  return await selectBelfioreValidOn(db, code, date);
}

/** The product catalogue; with `effectiveOn`, only the entries already in effect on that date. */
export async function listProducts(db: Kysely<DB>, options: { effectiveOn?: string } = {}): Promise<ProductEntry[]> {
  return await selectProducts(db, options.effectiveOn);
}

export async function listVaccinationPoints(db: Kysely<DB>): Promise<VaccinationPoint[]> {
  return await selectVaccinationPoints(db);
}

export async function listHealthAuthorities(db: Kysely<DB>): Promise<HealthAuthority[]> {
  return await selectHealthAuthorities(db);
}
