/**
 * PERF-4 list ingestion: `npx tsx bench/list-ingestion.ts [--rows 577000] [--people 600000]
 * [--format csv|xlsx]`.
 *
 * On a throwaway PostgreSQL cluster: loads the reference data and a synthetic population, writes a
 * fragile list of N rows drawn from it (1 row in 1,000 faulty, as real lists are), then measures in
 * the same run:
 *   reference: COPY of the same file into a table of the file's own columns (no validation, no
 *              lookups, no upsert: the floor any loader of this file stands on);
 *   import:    `ListService.importFile` as `vaxhub lists import` runs it: streaming read, per-row tax
 *              code and health-card validation, person lookup, entitlement upsert, rejection report,
 *              resume point, audit per batch.
 * Bar: ≤ 15 s for 577,000 rows, with memory flat (peak RSS sampled every 50 ms).
 */
import { createReadStream, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { openDatabase } from '../src/platform/db/database.ts';
import { migrateToLatest } from '../src/platform/db/migrate.ts';
import { loadReferenceData } from '../src/modules/reference/service.ts';
import { generatePopulationIntoDatabase } from '../src/modules/population/service.ts';
import { systemClock } from '../src/platform/clock.ts';
import { systemContext } from '../src/platform/audit/audit.ts';
import { createProgress } from '../src/cli/progress.ts';
import { EligibilityService } from '../src/modules/eligibility/service.ts';
import { ListService } from '../src/modules/eligibility/lists/service.ts';
import {
  FRAGILE_LIST_HEADER,
  writeSyntheticFragileList,
} from '../src/modules/eligibility/lists/synthetic.ts';
import { findPostgresBinDir, startPostgresCluster } from '../test/postgres-cluster.ts';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '577000' },
    people: { type: 'string', default: '600000' },
    format: { type: 'string', default: 'csv' },
  },
});
const ROWS = Number(values.rows.replaceAll('_', ''));
const PEOPLE = Number(values.people.replaceAll('_', ''));
const FORMAT = values.format === 'xlsx' ? 'xlsx' : 'csv';

const binDir = findPostgresBinDir();
if (!binDir)
  throw new Error('PostgreSQL binaries not found (initdb/pg_ctl on the PATH or in pg_config --bindir)');
const cluster = await startPostgresCluster(binDir);
const directory = await mkdtemp(path.join(tmpdir(), 'vaxhub-perf4-'));
try {
  const admin = new pg.Client({ connectionString: cluster.url('postgres') });
  await admin.connect();
  await admin.query('CREATE DATABASE vaxhub_bench');
  const serverVersion = (await admin.query<{ server_version: string }>('SHOW server_version')).rows[0]
    ?.server_version;
  await admin.end();
  const url = cluster.url('vaxhub_bench');
  const database = await openDatabase({ databaseUrl: url, dataDir: '' });
  await migrateToLatest(database.db);
  await loadReferenceData(database);
  const people = createProgress('loading people', PEOPLE);
  await generatePopulationIntoDatabase(database, {
    people: PEOPLE,
    seed: 4,
    onProgress: (n) => people.update(n),
  });
  people.finish();
  const file = path.join(directory, `fragili.${FORMAT}`);
  const written = await writeSyntheticFragileList(database.db, file, FORMAT, { rows: ROWS, badEvery: 1000 });
  const client = new pg.Client({ connectionString: url });
  // An idle connection dropped at shutdown must not hide the error that caused the shutdown.
  client.on('error', () => undefined);
  await client.connect();
  await client.query('ANALYZE');

  let reference: number | undefined;
  if (FORMAT === 'csv') {
    await client.query(
      `CREATE TABLE list_file_rows (${FRAGILE_LIST_HEADER.map((column) => `${column} text`).join(', ')})`,
    );
    const started = performance.now();
    await pipeline(
      createReadStream(file),
      client.query(copyFrom("COPY list_file_rows FROM STDIN WITH (FORMAT csv, HEADER true, DELIMITER ';')")),
    );
    reference = (performance.now() - started) / 1000;
  }

  const eligibility = new EligibilityService(database.db, systemClock, '03');
  await eligibility.loadShippedPlanVersions();
  const lists = new ListService(database, systemClock, eligibility);
  let peakRss = process.memoryUsage().rss;
  const rssBefore = peakRss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 50);
  const progress = createProgress('importing', written);
  const started = performance.now();
  const upload = await lists.importFile(
    { path: file, fileName: path.basename(file), listType: 'fragile', sourceAuthority: 'ATS-VALPADANA' },
    systemContext('perf-4', systemClock.now()),
    { onProgress: (done) => progress.update(done) },
  );
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  progress.finish();
  const entitlements = await client.query<{ n: string }>('SELECT count(*) AS n FROM entitlements');
  await client.end();
  await database.close();

  const cpu = /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? 'unknown';
  console.log(
    `\nmachine: nproc ${availableParallelism()}, ${cpu}, Node ${process.version}, PostgreSQL ${serverVersion}; ` +
      `${written.toLocaleString('en-US')} rows (${FORMAT}), population ${PEOPLE.toLocaleString('en-US')}`,
  );
  console.log('| what | rows | seconds | rows/s | ÷ reference |');
  console.log('| --- | ---: | ---: | ---: | ---: |');
  if (reference !== undefined) {
    console.log(
      `| reference: COPY of the file | ${written} | ${reference.toFixed(2)} | ${Math.round(written / reference)} | 1.00 |`,
    );
  }
  console.log(
    `| lists import (validate + load) | ${upload.rows_read} | ${seconds.toFixed(2)} | ${Math.round(upload.rows_read / seconds)} | ${
      reference === undefined ? '—' : (seconds / reference).toFixed(2)
    } |`,
  );
  console.log(
    `\nloaded ${upload.rows_loaded}, updated ${upload.rows_updated}, unchanged ${upload.rows_unchanged}, rejected ${upload.rows_rejected} ` +
      `${JSON.stringify(upload.rejected_by_reason)}; entitlements in the table: ${entitlements.rows[0]?.n}`,
  );
  console.log(
    `memory: RSS before import ${(rssBefore / 2 ** 20).toFixed(0)} MB, peak during import ${(peakRss / 2 ** 20).toFixed(0)} MB`,
  );
  console.log(
    `PERF-4 bar (≤ 15 s for 577,000 rows): ${seconds <= 15 && upload.rows_read >= 577_000 ? 'met' : 'NOT met'}`,
  );
} finally {
  cluster.stop();
  await rm(directory, { recursive: true, force: true });
}
