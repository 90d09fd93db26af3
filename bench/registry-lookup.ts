/**
 * PERF-5 registry lookups at regional scale: `npx tsx bench/registry-lookup.ts [--people 10000000]
 * [--seconds 20] [--concurrency 16] [--database-url postgres://… (skip the load: reuse a loaded database)]`.
 *
 * Loads N synthetic people into a throwaway PostgreSQL (COPY), starts `vaxhub serve` on it in a child
 * process, and drives the HTTP API from this process with keep-alive connections (bench/lib/load.ts):
 *   1. searchPersons by tax code (bar: p99 < 5 ms),
 *   2. searchPersons by surname + birth date (bar: p99 < 50 ms),
 * against a reference measured in the same run: GET /health (one `select 1` through the same stack).
 */
import type { ChildProcess } from 'node:child_process';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { openDatabase } from '../src/platform/db/database.ts';
import { migrateToLatest } from '../src/platform/db/migrate.ts';
import { loadReferenceData } from '../src/modules/reference/service.ts';
import { generatePopulationIntoDatabase } from '../src/modules/population/service.ts';
import { AuthService } from '../src/platform/auth/service.ts';
import { systemClock } from '../src/platform/clock.ts';
import { systemContext } from '../src/platform/audit/audit.ts';
import { createProgress } from '../src/cli/progress.ts';
import { findPostgresBinDir, startPostgresCluster, type PostgresCluster } from '../test/postgres-cluster.ts';
import {
  closedLoop,
  HttpClient,
  kindOf,
  machineLine,
  ms,
  startVaxhub,
  stopVaxhub,
  summarize,
} from './lib/load.ts';

const { values } = parseArgs({
  options: {
    people: { type: 'string', default: '10000000' },
    seconds: { type: 'string', default: '20' },
    concurrency: { type: 'string', default: '16' },
    'database-url': { type: 'string' },
  },
});
const PEOPLE = Number(values.people.replaceAll('_', ''));
const SECONDS = Number(values.seconds);
const CONCURRENCY = Number(values.concurrency);
const PORT = 3987;
const PASSWORD = 'bench-password-123';

let cluster: PostgresCluster | undefined;
let server: ChildProcess | undefined;

async function prepareDatabase(): Promise<string> {
  if (values['database-url']) return values['database-url'];
  const binDir = findPostgresBinDir();
  if (!binDir) throw new Error('PostgreSQL binaries not found');
  cluster = await startPostgresCluster(binDir);
  const admin = new pg.Client({ connectionString: cluster.url('postgres') });
  await admin.connect();
  await admin.query('CREATE DATABASE vaxhub_bench');
  await admin.end();
  const url = cluster.url('vaxhub_bench');
  const database = await openDatabase({ databaseUrl: url, dataDir: '' });
  await migrateToLatest(database.db);
  await loadReferenceData(database);
  const progress = createProgress('loading people', PEOPLE);
  const started = Date.now();
  await generatePopulationIntoDatabase(database, {
    people: PEOPLE,
    seed: 1,
    onProgress: (n) => progress.update(n),
  });
  progress.finish(
    `${PEOPLE.toLocaleString('en-US')} people loaded in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  await database.close();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query('ANALYZE persons');
  await client.end();
  return url;
}

interface Sample {
  tax_code: string;
  surname: string;
  birth_date: string;
}

async function prepareSamples(url: string): Promise<{ samples: Sample[] }> {
  const database = await openDatabase({ databaseUrl: url, dataDir: '' });
  const auth = new AuthService(database.db, systemClock, {
    staffSessionMinutes: 60,
    citizenSessionMinutes: 30,
  });
  const exists = await database.db
    .selectFrom('staff_accounts')
    .select('id')
    .where('username', '=', 'bench.admin')
    .executeTakeFirst();
  if (!exists) {
    await auth.createStaffAccount(
      { username: 'bench.admin', displayName: 'bench', role: 'region_admin', password: PASSWORD },
      systemContext('bench', systemClock.now()),
    );
  }
  const rows = await database.db
    .selectFrom('persons')
    .select(['tax_code', 'surname', 'birth_date'])
    .where('tax_code', 'is not', null)
    .where(
      'id',
      'in',
      Array.from({ length: 5000 }, () => 1 + Math.floor(Math.random() * PEOPLE)),
    )
    .execute();
  await database.close();
  return { samples: rows.filter((r): r is Sample => r.tax_code !== null) };
}

try {
  const url = await prepareDatabase();
  const { samples } = await prepareSamples(url);
  server = await startVaxhub({ DATABASE_URL: url }, PORT);
  const client = new HttpClient(PORT, CONCURRENCY);
  const headers = { authorization: `Bearer ${await client.signInStaff('bench.admin', PASSWORD)}` };
  const pick = () => samples[Math.floor(Math.random() * samples.length)] as Sample;
  const drive = async (label: string, path: () => string, signedIn: boolean) => {
    const run = await closedLoop({
      concurrency: CONCURRENCY,
      seconds: SECONDS,
      next: () => {
        const target = path();
        return async () => kindOf(await client.request('GET', target, signedIn ? headers : {}), [200]);
      },
    });
    return { label, ...summarize(run.outcomes, run.elapsedSeconds) };
  };
  const results = [
    await drive('reference: GET /health (one `select 1`, no session)', () => '/health', false),
    await drive('searchPersons by tax code', () => `/persons?identifier=${pick().tax_code}`, true),
    await drive(
      'searchPersons by surname + birth date',
      () => {
        const s = pick();
        return `/persons?surname=${encodeURIComponent(s.surname)}&birthDate=${s.birth_date}`;
      },
      true,
    ),
  ];
  client.close();
  console.log(
    `\n${machineLine()}; people ${PEOPLE.toLocaleString('en-US')}; ${CONCURRENCY} concurrent clients, ${SECONDS} s each`,
  );
  console.log('| what | ok | req/s | p50 | p95 | p99 | other answers | p99 ÷ reference p99 |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | --- | ---: |');
  const reference = results[0]?.p99 ?? 1;
  for (const r of results) {
    console.log(
      `| ${r.label} | ${r.ok} | ${r.perSecond.toFixed(0)} | ${ms(r.p50)} | ${ms(r.p95)} | ${ms(r.p99)} | ${r.others} | ${(r.p99 / reference).toFixed(2)} |`,
    );
  }
} finally {
  if (server !== undefined) await stopVaxhub(server);
  cluster?.stop();
}
