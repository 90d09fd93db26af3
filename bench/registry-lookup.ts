/**
 * PERF-5 registry lookups at regional scale: `npx tsx bench/registry-lookup.ts [--people 10000000]
 * [--seconds 15] [--concurrency 1,4] [--database-url postgres://…]`.
 *
 * Loads N synthetic people (COPY) into a throwaway PostgreSQL, or into the database of `--database-url`
 * when it holds fewer (so a loaded database is reused by the next run), then `VACUUM ANALYZE`, as a
 * registry in service is: no autovacuum of a fresh bulk load running under the measurement. Starts
 * `vaxhub serve` on it in a child process and drives the HTTP API from this process with keep-alive
 * connections (bench/lib/load.ts), each route warmed up for a few seconds before it is measured, for
 * each number of concurrent clients:
 *   1. searchPersons by tax code (bar: p99 < 5 ms),
 *   2. searchPersons by surname + birth date (bar: p99 < 50 ms),
 * against a reference measured in the same run: GET /health (one `select 1` through the same stack).
 */
import type { ChildProcess } from 'node:child_process';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { sql } from 'kysely';
import { openDatabase } from '../src/platform/db/database.ts';
import { migrateToLatest } from '../src/platform/db/migrate.ts';
import { loadReferenceData } from '../src/modules/reference/service.ts';
import { generatePopulationIntoDatabase } from '../src/modules/population/service.ts';
import { AuthService } from '../src/platform/auth/service.ts';
import { systemClock } from '../src/platform/clock.ts';
import { systemContext } from '../src/platform/audit/audit.ts';
import { createProgress } from '../src/cli/progress.ts';
import type { PostgresCluster } from '../test/postgres-cluster.ts';
import { benchCluster } from './lib/cluster.ts';
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
    seconds: { type: 'string', default: '15' },
    concurrency: { type: 'string', default: '1,4' },
    'database-url': { type: 'string' },
  },
});
const PEOPLE = Number(values.people.replaceAll('_', ''));
const SECONDS = Number(values.seconds);
const CONCURRENCIES = values.concurrency.split(',').map(Number);
const WARM_UP_SECONDS = 3;
const PORT = 3987;
const PASSWORD = 'bench-password-123';

let cluster: PostgresCluster | undefined;
let server: ChildProcess | undefined;

async function prepareDatabase(): Promise<string> {
  const url = values['database-url'] ?? (await throwawayDatabase());
  const database = await openDatabase({ databaseUrl: url, dataDir: '' });
  await migrateToLatest(database.db);
  const { count } = await database.db
    .selectFrom('persons')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .executeTakeFirstOrThrow();
  if (Number(count) < PEOPLE) {
    await sql`TRUNCATE persons CASCADE`.execute(database.db);
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
  }
  await database.close();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const started = Date.now();
  await client.query('VACUUM ANALYZE');
  console.log(`VACUUM ANALYZE in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  await client.end();
  return url;
}

async function throwawayDatabase(): Promise<string> {
  ({ cluster } = await benchCluster(['vaxhub_bench']));
  return cluster.url('vaxhub_bench');
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
  const client = new HttpClient(PORT, Math.max(...CONCURRENCIES));
  const headers = { authorization: `Bearer ${await client.signInStaff('bench.admin', PASSWORD)}` };
  const pick = () => samples[Math.floor(Math.random() * samples.length)] as Sample;
  const routes = [
    { label: 'reference: GET /health (one `select 1`, no session)', path: () => '/health', signedIn: false },
    {
      label: 'searchPersons by tax code',
      path: () => `/persons?identifier=${pick().tax_code}`,
      signedIn: true,
    },
    {
      label: 'searchPersons by surname + birth date',
      path: () => {
        const s = pick();
        return `/persons?surname=${encodeURIComponent(s.surname)}&birthDate=${s.birth_date}`;
      },
      signedIn: true,
    },
  ];
  const drive = (route: (typeof routes)[number], concurrency: number, seconds: number) =>
    closedLoop({
      concurrency,
      seconds,
      next: () => {
        const target = route.path();
        return async () => kindOf(await client.request('GET', target, route.signedIn ? headers : {}), [200]);
      },
    });
  console.log(
    `\n${machineLine()}; people ${PEOPLE.toLocaleString('en-US')}; ${SECONDS} s per row after ${WARM_UP_SECONDS} s of warm-up`,
  );
  console.log('| clients | what | ok | req/s | p50 | p95 | p99 | other answers | p99 ÷ reference p99 |');
  console.log('| ---: | --- | ---: | ---: | ---: | ---: | ---: | --- | ---: |');
  for (const concurrency of CONCURRENCIES) {
    let reference = 1;
    for (const route of routes) {
      await drive(route, concurrency, WARM_UP_SECONDS);
      const run = await drive(route, concurrency, SECONDS);
      const r = summarize(run.outcomes, run.elapsedSeconds);
      if (route === routes[0]) reference = r.p99;
      console.log(
        `| ${concurrency} | ${route.label} | ${r.ok} | ${r.perSecond.toFixed(0)} | ${ms(r.p50)} | ${ms(r.p95)} | ${ms(r.p99)} | ${r.others} | ${(r.p99 / reference).toFixed(2)} |`,
      );
    }
  }
  client.close();
} finally {
  if (server !== undefined) await stopVaxhub(server);
  cluster?.stop();
}
