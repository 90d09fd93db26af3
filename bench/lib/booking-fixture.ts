/**
 * The database the booking benchmarks run on: a throwaway PostgreSQL cluster (or a PGlite folder), the
 * reference data, N synthetic people, the shipped plan, the region's hubs open for `days` days
 * (08:00-20:00, 10 stations, 5 minutes a vaccination: 30 places every 15 minutes, Comirnaty only, so that
 * every second dose falls 21 days later inside the window) and a call-center account to book with.
 * Also the `pgbench` reference: the booking's own transaction run as raw SQL.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { openDatabase, type Database } from '../../src/platform/db/database.ts';
import { migrateToLatest } from '../../src/platform/db/migrate.ts';
import { loadReferenceData } from '../../src/modules/reference/service.ts';
import { generatePopulationIntoDatabase } from '../../src/modules/population/service.ts';
import { AuthService } from '../../src/platform/auth/service.ts';
import { romeDate, systemClock } from '../../src/platform/clock.ts';
import { systemContext } from '../../src/platform/audit/audit.ts';
import { createProgress } from '../../src/cli/progress.ts';
import { EligibilityService } from '../../src/modules/eligibility/service.ts';
import { BookingService } from '../../src/modules/booking/service.ts';
import { findPostgresBinDir, type PostgresCluster } from '../../test/postgres-cluster.ts';
import { benchCluster } from './cluster.ts';

export const BENCH_USER = 'bench.callcenter';
export const BENCH_PASSWORD = 'bench-password-123';

export interface BookingFixture {
  engine: 'postgres' | 'pglite';
  /** What `vaxhub serve` needs to reach the database. */
  env: Record<string, string>;
  serverVersion: string;
  /** Slots of the first `days - 21` days: their second doses fall inside the window. */
  firstDoseSlotIds: number[];
  /** People the 2021 calendar lets book by age (born 1951 or earlier), in random order. */
  personIds: number[];
  /** A connection for checks after the run (close it before `dispose`). */
  open(): Promise<Database>;
  dispose(): void;
}

export async function prepareBookingFixture(options: {
  engine: 'postgres' | 'pglite';
  people: number;
  days: number;
  /** PostgreSQL settings for the cluster (pg_stat_statements, say). */
  settings?: readonly string[];
}): Promise<BookingFixture> {
  const scratch = mkdtempSync(path.join(tmpdir(), 'vaxhub-booking-bench-'));
  let cluster: PostgresCluster | undefined;
  let env: Record<string, string>;
  let serverVersion = 'PGlite';
  if (options.engine === 'postgres') {
    const started = await benchCluster(['vaxhub_bench'], options.settings);
    cluster = started.cluster;
    serverVersion = `PostgreSQL ${started.serverVersion}`;
    // The application and the database on one machine talk through the Unix-domain socket.
    env = { DATABASE_URL: started.cluster.socketUrl('vaxhub_bench') };
  } else {
    env = { DATA_DIR: path.join(scratch, 'pglite') };
  }
  const open = () => openDatabase({ databaseUrl: env.DATABASE_URL, dataDir: env.DATA_DIR ?? '' });
  const database = await open();
  try {
    await migrateToLatest(database.db);
    await loadReferenceData(database);
    const loading = createProgress('loading people', options.people);
    await generatePopulationIntoDatabase(database, {
      people: options.people,
      seed: 5,
      onProgress: (n) => loading.update(n),
    });
    loading.finish();
    await openHubs(database, options.days);
    if (options.engine === 'postgres') await sql`ANALYZE`.execute(database.db);
    const maxFirstDay = romeDate(new Date(Date.now() + (options.days - 21) * 86_400_000));
    const firstDoseSlotIds = (
      await database.db
        .selectFrom('slots')
        .select('id')
        .where('day', '<=', maxFirstDay)
        .orderBy('id')
        .execute()
    ).map((row) => Number(row.id));
    const personIds = (
      await sql<{ id: number }>`SELECT id FROM persons WHERE birth_date < '1952-01-01' AND status = 'active'
        ORDER BY random()`.execute(database.db)
    ).rows.map((row) => Number(row.id));
    return {
      engine: options.engine,
      env,
      serverVersion,
      firstDoseSlotIds,
      personIds,
      open,
      dispose() {
        cluster?.stop();
        rmSync(scratch, { recursive: true, force: true });
      },
    };
  } finally {
    await database.close();
  }
}

async function openHubs(database: Database, days: number): Promise<void> {
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
  const opening = createProgress('opening hub days', hubs.length * days);
  let opened = 0;
  for (const hub of hubs) {
    await booking.configureHub(hub.id, { stations: 10, accessibility: [], status: 'active' }, context);
    for (let offset = 1; offset <= days; offset++) {
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
    { username: BENCH_USER, displayName: 'bench', role: 'call_center', password: BENCH_PASSWORD },
    context,
  );
}

function findPgbench(): string | undefined {
  const binDir = findPostgresBinDir();
  const onPath = spawnSync('sh', ['-c', 'command -v pgbench'], { encoding: 'utf8' }).stdout.trim();
  const pgConfig = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' }).stdout.trim();
  return [binDir && path.join(binDir, 'pgbench'), onPath, pgConfig && path.join(pgConfig, 'pgbench')].find(
    (candidate): candidate is string =>
      typeof candidate === 'string' && candidate !== '' && existsSync(candidate),
  );
}

/**
 * The reference of PERF-1/PERF-2: the statement that books (take_booking: a place, a dose, the booking,
 * its second dose, the audit records) run by `pgbench` on the same database, for random people and the
 * slots given, each in a transaction rolled back so that every run books afresh. Transactions per second,
 * or undefined when pgbench is missing.
 */
export async function pgbenchReference(
  fixture: BookingFixture,
  slotIds: readonly number[],
  seconds: number,
  clients = 32,
): Promise<number | undefined> {
  const pgbench = findPgbench();
  const url = fixture.env.DATABASE_URL;
  if (pgbench === undefined || url === undefined) {
    console.error('pgbench not found: no reference this run');
    return undefined;
  }
  const database = await fixture.open();
  try {
    await sql`DROP TABLE IF EXISTS bench_slots, bench_people`.execute(database.db);
    await sql`CREATE TABLE bench_slots (n integer PRIMARY KEY, id bigint NOT NULL)`.execute(database.db);
    await sql`INSERT INTO bench_slots SELECT n, id FROM unnest(${slotIds}::bigint[]) WITH ORDINALITY AS t (id, n)`.execute(
      database.db,
    );
    await sql`CREATE TABLE bench_people (n integer PRIMARY KEY, id bigint NOT NULL)`.execute(database.db);
    await sql`INSERT INTO bench_people SELECT n, id FROM unnest(${fixture.personIds}::bigint[]) WITH ORDINALITY AS t (id, n)`.execute(
      database.db,
    );
    const plan = await sql<{ id: string; kind: string }>`
      SELECT id, kind FROM plan_versions WHERE region_code IS NULL OR region_code = '03'
      ORDER BY effective_from DESC`.execute(database.db);
    const national = plan.rows.find((row) => row.kind === 'national')?.id ?? '';
    const calendar = plan.rows.find((row) => row.kind === 'regional')?.id ?? '';
    const code = (letter: string) => `'${letter}' || upper(substr(md5(random()::text), 1, 7))`;
    const script = `
\\set s random(1, ${slotIds.length})
\\set p random(1, ${fixture.personIds.length})
BEGIN;
SELECT take_booking(ARRAY[(SELECT id FROM bench_slots WHERE n = :s)], now(), '2021-01-01'::date,
  ARRAY['COMIRNATY-30'], '{"COMIRNATY-30": {"min": 21, "target": 21, "max": 42}}'::jsonb,
  jsonb_build_object('code', ${code('A')}, 'second_code', ${code('B')},
    'person_id', (SELECT id FROM bench_people WHERE n = :p), 'channel', 'call_center',
    'created_by_kind', 'staff', 'created_by_id', '1', 'idempotency_key', NULL, 'group_code', NULL,
    'plan_national_version', '${national}', 'plan_calendar_version', '${calendar}', 'offer_id', 'bench',
    'self_declaration_needed', false),
  jsonb_build_object('actor_kind', 'staff', 'actor_id', '1', 'actor_role', 'call_center',
    'channel', 'call_center', 'correlation_id', 'pgbench', 'occurred_at', now()));
ROLLBACK;
`;
    const file = path.join(tmpdir(), `vaxhub-pgbench-${process.pid}.sql`);
    writeFileSync(file, script);
    const run = spawnSync(
      pgbench,
      ['-n', '-c', String(clients), '-j', '2', '-T', String(seconds), '-f', file, url],
      {
        encoding: 'utf8',
      },
    );
    rmSync(file, { force: true });
    const tps = /tps = ([0-9.]+)/.exec(run.stdout)?.[1];
    if (tps === undefined) {
      console.error('pgbench failed:', run.error?.message ?? '', run.status, run.stdout, run.stderr);
      return undefined;
    }
    return Number(tps);
  } finally {
    await database.close();
  }
}
