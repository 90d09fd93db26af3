/**
 * PERF-1 / PERF-8 bookings through the HTTP API: `npx tsx bench/booking-load.ts [--engine postgres|pglite]
 * [--people 1000000] [--days 60] [--seconds 20] [--concurrency 256]`.
 *
 * Loads the reference data, N synthetic people and the plan; opens the region's hubs for `--days` days
 * (08:00-20:00, 10 stations, 5 minutes a vaccination: 30 places every 15 minutes; Comirnaty only, so every
 * second dose falls 21 days later inside the window); starts `vaxhub serve` in a child process; then
 * `--concurrency` clients book as the call center (one staff session), each for a different entitled
 * person, at a random slot of the first `days - 21` days. Every confirmed code is logged, and REL-1 is
 * checked at the end with them (`checkInvariants`).
 *
 * Reference in the same run (PostgreSQL only): the booking's own statements as one SQL transaction run
 * by `pgbench` (take a place, take a dose, insert the booking, the same for the second dose, audit rows).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { sql } from 'kysely';
import { openDatabase, type Database } from '../src/platform/db/database.ts';
import { migrateToLatest } from '../src/platform/db/migrate.ts';
import { loadReferenceData } from '../src/modules/reference/service.ts';
import { generatePopulationIntoDatabase } from '../src/modules/population/service.ts';
import { AuthService } from '../src/platform/auth/service.ts';
import { romeDate, systemClock } from '../src/platform/clock.ts';
import { systemContext } from '../src/platform/audit/audit.ts';
import { createProgress } from '../src/cli/progress.ts';
import { EligibilityService } from '../src/modules/eligibility/service.ts';
import { BookingService } from '../src/modules/booking/service.ts';
import { checkInvariants } from '../src/modules/booking/invariants.ts';
import { findPostgresBinDir, startPostgresCluster, type PostgresCluster } from '../test/postgres-cluster.ts';

const { values } = parseArgs({
  options: {
    engine: { type: 'string', default: 'postgres' },
    people: { type: 'string' },
    days: { type: 'string', default: '60' },
    seconds: { type: 'string', default: '20' },
    concurrency: { type: 'string', default: '256' },
  },
});
const ENGINE = values.engine === 'pglite' ? 'pglite' : 'postgres';
const PEOPLE = Number((values.people ?? (ENGINE === 'pglite' ? '50000' : '1000000')).replaceAll('_', ''));
const DAYS = Number(values.days);
const SECONDS = Number(values.seconds);
const CONCURRENCY = Number(values.concurrency);
const PORT = 3989;
const PASSWORD = 'bench-password-123';
const BIN = fileURLToPath(new URL('../bin/vaxhub.js', import.meta.url));

let cluster: PostgresCluster | undefined;
let server: ChildProcess | undefined;
const scratch = mkdtempSync(path.join(tmpdir(), 'vaxhub-perf1-'));

async function prepare(): Promise<{
  env: Record<string, string>;
  database: Database;
  serverVersion: string;
}> {
  let env: Record<string, string>;
  let serverVersion = 'PGlite';
  if (ENGINE === 'postgres') {
    const binDir = findPostgresBinDir();
    if (!binDir) throw new Error('PostgreSQL binaries not found');
    cluster = await startPostgresCluster(binDir);
    const admin = new pg.Client({ connectionString: cluster.url('postgres') });
    await admin.connect();
    await admin.query('CREATE DATABASE vaxhub_bench');
    serverVersion = `PostgreSQL ${(await admin.query<{ server_version: string }>('SHOW server_version')).rows[0]?.server_version}`;
    await admin.end();
    env = { DATABASE_URL: cluster.url('vaxhub_bench') };
  } else {
    env = { DATA_DIR: path.join(scratch, 'pglite') };
  }
  const database = await openDatabase({ databaseUrl: env.DATABASE_URL, dataDir: env.DATA_DIR ?? '' });
  await migrateToLatest(database.db);
  await loadReferenceData(database);
  const people = createProgress('loading people', PEOPLE);
  await generatePopulationIntoDatabase(database, {
    people: PEOPLE,
    seed: 5,
    onProgress: (n) => people.update(n),
  });
  people.finish();
  const clock = systemClock;
  const eligibility = new EligibilityService(database.db, clock, '03');
  await eligibility.loadShippedPlanVersions();
  const booking = new BookingService(database.db, clock, eligibility);
  const context = systemContext('bench', clock.now());
  const hubs = await database.db
    .selectFrom('vaccination_points')
    .select('id')
    .where('kind', '=', 'hub')
    .execute();
  const today = romeDate(clock.now());
  const opening = createProgress('opening hub days', hubs.length * DAYS);
  let opened = 0;
  for (const hub of hubs) {
    await booking.configureHub(hub.id, { stations: 10, accessibility: [], status: 'active' }, context);
    for (let offset = 1; offset <= DAYS; offset++) {
      const day = new Date(Date.parse(`${today}T00:00:00Z`) + offset * 86_400_000).toISOString().slice(0, 10);
      await booking.setHubDay(
        hub.id,
        day,
        {
          opensAt: '08:00',
          closesAt: '20:00',
          stations: 10,
          minutesPerVaccination: 5,
          slotMinutes: 15,
          stock: [{ product: 'COMIRNATY-30', doses: 1440 }],
        },
        context,
      );
      opening.update(++opened);
    }
  }
  opening.finish();
  await new AuthService(database.db, clock, {
    staffSessionMinutes: 60,
    citizenSessionMinutes: 30,
  }).createStaffAccount(
    { username: 'bench.callcenter', displayName: 'bench', role: 'call_center', password: PASSWORD },
    context,
  );
  if (ENGINE === 'postgres') await sql`ANALYZE`.execute(database.db);
  return { env, database, serverVersion };
}

async function startServer(env: Record<string, string>): Promise<void> {
  server = spawn(process.execPath, [BIN, 'serve'], {
    env: { ...process.env, ...env, PORT: String(PORT), LOG_LEVEL: 'warn', DATABASE_POOL_SIZE: '20' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  for (let attempt = 0; attempt < 300; attempt++) {
    const ok = await fetch(`http://127.0.0.1:${PORT}/health`)
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('server did not start');
}

function pgbenchReference(url: string, slotIds: number[], personIds: number[]): number | undefined {
  const binDir = findPostgresBinDir();
  const onPath = spawnSync('sh', ['-c', 'command -v pgbench'], { encoding: 'utf8' }).stdout.trim();
  const pgConfig = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' }).stdout.trim();
  const pgbench = [
    binDir && path.join(binDir, 'pgbench'),
    onPath,
    pgConfig && path.join(pgConfig, 'pgbench'),
  ].find(
    (candidate): candidate is string =>
      typeof candidate === 'string' && candidate !== '' && existsSync(candidate),
  );
  if (pgbench === undefined) {
    console.error('pgbench not found: no reference this run');
    return undefined;
  }
  // Same statements as a confirmed booking with its second dose (ADR 0010), on the same tables.
  const script = `
\\set s random(1, ${slotIds.length})
\\set p random(1, ${personIds.length})
BEGIN;
UPDATE slots SET booked = booked + 1 WHERE id = (SELECT id FROM bench_slots WHERE n = :s) AND booked < capacity;
UPDATE hub_day_stock SET booked = booked + 1 WHERE (vaccination_point_id, day, product_code) =
  (SELECT vaccination_point_id, day, 'COMIRNATY-30' FROM slots WHERE id = (SELECT id FROM bench_slots WHERE n = :s)) AND booked < doses;
INSERT INTO audit_log (occurred_at, actor_kind, channel, correlation_id, entity_type, entity_id, action, after)
  VALUES (now(), 'system', 'bench', 'pgbench', 'booking', :p, 'book', '{}');
UPDATE slots SET booked = booked + 1 WHERE id = (SELECT id FROM bench_slots WHERE n = :s) AND booked < capacity;
UPDATE hub_day_stock SET booked = booked + 1 WHERE (vaccination_point_id, day, product_code) =
  (SELECT vaccination_point_id, day, 'COMIRNATY-30' FROM slots WHERE id = (SELECT id FROM bench_slots WHERE n = :s)) AND booked < doses;
INSERT INTO audit_log (occurred_at, actor_kind, channel, correlation_id, entity_type, entity_id, action, after)
  VALUES (now(), 'system', 'bench', 'pgbench', 'booking', :p, 'book_second_dose', '{}');
ROLLBACK;
`;
  const file = path.join(scratch, 'booking.sql');
  writeFileSync(file, script);
  const run = spawnSync(
    pgbench,
    ['-n', '-c', '32', '-j', '2', '-T', String(Math.min(SECONDS, 15)), '-f', file, url],
    {
      encoding: 'utf8',
    },
  );
  const tps = /tps = ([0-9.]+)/.exec(run.stdout)?.[1];
  if (tps === undefined) {
    console.error('pgbench failed:', run.error?.message ?? '', run.status, run.stdout, run.stderr);
    return undefined;
  }
  return Number(tps);
}

try {
  const { env, database, serverVersion } = await prepare();
  const maxFirstDay = romeDate(new Date(Date.now() + (DAYS - 21) * 86_400_000));
  const slotIds = (
    await database.db.selectFrom('slots').select('id').where('day', '<=', maxFirstDay).orderBy('id').execute()
  ).map((row) => row.id);
  // People the 2021 calendar lets book by age (born 1951 or earlier), in random order, each booked once.
  const personIds = (
    await sql<{ id: number }>`SELECT id FROM persons WHERE birth_date < '1952-01-01' AND status = 'active'
      ORDER BY random()`.execute(database.db)
  ).rows.map((row) => Number(row.id));
  let reference: number | undefined;
  if (ENGINE === 'postgres') {
    await sql`CREATE TABLE bench_slots AS SELECT row_number() OVER (ORDER BY id) AS n, id FROM slots`.execute(
      database.db,
    );
    await sql`CREATE UNIQUE INDEX ON bench_slots (n)`.execute(database.db);
    reference = pgbenchReference(env.DATABASE_URL ?? '', slotIds, personIds);
  }
  await database.close();
  await startServer(env);
  const signIn = await fetch(`http://127.0.0.1:${PORT}/auth/staff/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'bench.callcenter', password: PASSWORD }),
  });
  const { token } = (await signIn.json()) as { token: string };
  const confirmed: string[] = [];
  const statuses = new Map<string, number>();
  const latencies: number[] = [];
  let next = 0;
  const deadline = performance.now() + SECONDS * 1000;
  const worker = async () => {
    while (performance.now() < deadline && next < personIds.length) {
      const personId = personIds[next++] ?? 0;
      const slotId = slotIds[Math.floor(Math.random() * slotIds.length)] ?? 0;
      const started = performance.now();
      const response = await fetch(`http://127.0.0.1:${PORT}/bookings`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          'idempotency-key': `bench-${personId}-${slotId}`,
        },
        body: JSON.stringify({ slotId, personId }),
      });
      const body = (await response.json()) as { code: string };
      latencies.push(performance.now() - started);
      const key = response.status === 201 ? '201' : `${response.status} ${body.code}`;
      statuses.set(key, (statuses.get(key) ?? 0) + 1);
      if (response.status === 201) confirmed.push(body.code);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const elapsed = (performance.now() - started) / 1000;
  server?.kill('SIGTERM');
  await new Promise((resolve) => server?.once('exit', resolve));
  server = undefined;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  const check = await openDatabase({ databaseUrl: env.DATABASE_URL, dataDir: env.DATA_DIR ?? '' });
  const invariants = await checkInvariants(check.db, confirmed);
  await check.close();
  const perSecond = confirmed.length / elapsed;
  const cpu = /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? 'unknown';
  console.log(
    `\nmachine: nproc ${availableParallelism()}, ${cpu}, Node ${process.version}, ${serverVersion}; ${PEOPLE.toLocaleString('en-US')} people, ` +
      `${slotIds.length.toLocaleString('en-US')} first-dose slots over ${DAYS - 21} days at 9 hubs; ${CONCURRENCY} clients, ${SECONDS} s`,
  );
  console.log('| what | confirmed | per s | p50 | p95 | p99 | other answers |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | --- |');
  if (reference !== undefined)
    console.log(
      `| reference: pgbench, the booking's statements, 32 clients | — | ${reference.toFixed(0)} | | | | |`,
    );
  const others =
    [...statuses]
      .filter(([key]) => key !== '201')
      .map(([key, n]) => `${key}: ${n}`)
      .join(', ') || '—';
  console.log(
    `| bookAppointment over HTTP (with second dose) | ${confirmed.length} | ${perSecond.toFixed(0)} | ${at(0.5).toFixed(1)} ms | ${at(0.95).toFixed(1)} ms | ${at(0.99).toFixed(1)} ms | ${others} |`,
  );
  if (reference !== undefined) console.log(`HTTP ÷ pgbench: ${((perSecond / reference) * 100).toFixed(0)} %`);
  console.log(
    `REL-1 after the run: ${invariants.holds ? 'holds' : 'DOES NOT HOLD'} ${JSON.stringify({ ...invariants, confirmedBookingsMissing: invariants.confirmedBookingsMissing.length })}`,
  );
} finally {
  server?.kill('SIGKILL');
  cluster?.stop();
  rmSync(scratch, { recursive: true, force: true });
}
