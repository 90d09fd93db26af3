/**
 * PERF-1 / PERF-8 bookings through the HTTP API, and the reliability runs REL-1, REL-2, REL-3, REL-5:
 *
 *   npx tsx bench/booking-load.ts [--engine postgres|pglite] [--people 1000000] [--days 60]
 *     [--seconds 20] [--concurrency 256] [--servers 1] [--kill-at SECONDS] [--admission on|off]
 *     [--statements]
 *
 * `--concurrency` clients book as the call center (one staff session), each for a different entitled
 * person, at a random slot of the first `days - 21` days, with an Idempotency-Key; a client whose request
 * failed on the network sends it again with the same key, as a real client would. Every confirmed code is
 * logged and REL-1 is checked at the end with them (`checkInvariants`).
 *
 * - REL-3: `--servers 2` runs two `vaxhub serve` processes on the same database, clients split between them.
 * - REL-2: `--kill-at 8` kills the first server with SIGKILL 8 s into the run and starts it again.
 * - REL-5: `--admission off` raises the admission limits out of reach, to compare a surge with and without.
 * - Reference in the same run (PostgreSQL): the booking's transaction as raw SQL by pgbench.
 */
import type { ChildProcess } from 'node:child_process';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { checkInvariants } from '../src/modules/booking/invariants.ts';
import {
  BENCH_PASSWORD,
  BENCH_USER,
  pgbenchReference,
  prepareBookingFixture,
  type BookingFixture,
} from './lib/booking-fixture.ts';
import {
  closedLoop,
  HttpClient,
  kindOf,
  machineLine,
  peakRssMb,
  startVaxhub,
  stopVaxhub,
  summarize,
  summaryRow,
  SUMMARY_HEADER,
  waitIfShed,
} from './lib/load.ts';

const { values } = parseArgs({
  options: {
    engine: { type: 'string', default: 'postgres' },
    people: { type: 'string' },
    days: { type: 'string', default: '60' },
    seconds: { type: 'string', default: '20' },
    concurrency: { type: 'string', default: '256' },
    servers: { type: 'string', default: '1' },
    'kill-at': { type: 'string' },
    admission: { type: 'string', default: 'on' },
    statements: { type: 'boolean', default: false },
  },
});
const ENGINE = values.engine === 'pglite' ? 'pglite' : 'postgres';
const PEOPLE = Number((values.people ?? (ENGINE === 'pglite' ? '50000' : '1000000')).replaceAll('_', ''));
const DAYS = Number(values.days);
const SECONDS = Number(values.seconds);
const CONCURRENCY = Number(values.concurrency);
const SERVERS = ENGINE === 'pglite' ? 1 : Number(values.servers);
const KILL_AT = values['kill-at'] === undefined ? undefined : Number(values['kill-at']);
const BASE_PORT = 3989;
// --statements: PostgreSQL's own account of where its time went (pg_stat_statements), printed at the end.
const STATEMENT_SETTINGS = [
  'shared_preload_libraries=pg_stat_statements',
  'pg_stat_statements.track_planning=on',
  'pg_stat_statements.track=all',
];

let fixture: BookingFixture | undefined;
const servers: (ChildProcess | undefined)[] = [];

const serverEnv = (): Record<string, string> => ({
  ...(fixture?.env ?? {}),
  ...(values.admission === 'off' ? { ADMISSION_MAX_IN_FLIGHT: '10000', ADMISSION_MAX_QUEUE: '10000' } : {}),
});

async function printStatements(): Promise<void> {
  const database = await fixture?.open();
  if (database === undefined) return;
  const top = await sql<{ calls: number; plan_ms: number; exec_ms: number; query: string }>`
    SELECT calls, round(total_plan_time::numeric, 0)::float8 AS plan_ms,
      round(total_exec_time::numeric, 0)::float8 AS exec_ms,
      left(regexp_replace(query, '[[:space:]]+', ' ', 'g'), 140) AS query
    FROM pg_stat_statements ORDER BY total_plan_time + total_exec_time DESC LIMIT 15`.execute(database.db);
  await database.close();
  console.log('| calls | planning ms | execution ms | statement |\n| ---: | ---: | ---: | --- |');
  for (const row of top.rows)
    console.log(`| ${row.calls} | ${row.plan_ms} | ${row.exec_ms} | \`${row.query}\` |`);
}

try {
  fixture = await prepareBookingFixture({
    engine: ENGINE,
    people: PEOPLE,
    days: DAYS,
    settings: values.statements ? STATEMENT_SETTINGS : [],
  });
  const { firstDoseSlotIds, personIds } = fixture;
  const reference =
    ENGINE === 'postgres'
      ? await pgbenchReference(fixture, firstDoseSlotIds, Math.min(SECONDS, 15))
      : undefined;
  if (values.statements) {
    const database = await fixture.open();
    await sql`CREATE EXTENSION IF NOT EXISTS pg_stat_statements`.execute(database.db);
    await sql`SELECT pg_stat_statements_reset()`.execute(database.db);
    await database.close();
  }
  for (let i = 0; i < SERVERS; i++) servers[i] = await startVaxhub(serverEnv(), BASE_PORT + i);
  const clients = Array.from({ length: SERVERS }, (_, i) => new HttpClient(BASE_PORT + i, CONCURRENCY));
  const token = await (clients[0] as HttpClient).signInStaff(BENCH_USER, BENCH_PASSWORD);

  let killed: Promise<void> | undefined;
  if (KILL_AT !== undefined) {
    setTimeout(() => {
      const victim = servers[0];
      if (victim === undefined) return;
      console.log(`REL-2: SIGKILL to server 1 at ${KILL_AT} s, then a restart`);
      killed = stopVaxhub(victim, 'SIGKILL').then(async () => {
        servers[0] = await startVaxhub(serverEnv(), BASE_PORT);
        console.log('REL-2: server 1 answers /health again');
      });
    }, KILL_AT * 1000);
  }

  const confirmed: string[] = [];
  // 200 instead of 201: a retry after a lost answer found the booking its key had made (BOOK-5).
  let replays = 0;
  let nextPerson = 0;
  // A client whose request got no answer sends the same one again (same Idempotency-Key).
  const unanswered = new Map<number, { personId: number; slotId: number }>();
  const run = await closedLoop({
    concurrency: CONCURRENCY,
    seconds: SECONDS,
    next: (index) => {
      const retry = unanswered.get(index);
      if (retry === undefined && nextPerson >= personIds.length) return undefined;
      const attempt = retry ?? {
        personId: personIds[nextPerson++] ?? 0,
        slotId: firstDoseSlotIds[Math.floor(Math.random() * firstDoseSlotIds.length)] ?? 0,
      };
      const client = clients[index % SERVERS] as HttpClient;
      return async () => {
        try {
          const reply = await client.request(
            'POST',
            '/bookings',
            {
              authorization: `Bearer ${token}`,
              'idempotency-key': `bench-${attempt.personId}-${attempt.slotId}`,
            },
            { slotId: attempt.slotId, personId: attempt.personId },
          );
          unanswered.delete(index);
          const kind = kindOf(reply, [200, 201]);
          if (reply.status === 200) replays += 1;
          if (reply.status === 429) unanswered.set(index, attempt);
          await waitIfShed(reply);
          if (kind === 'ok') confirmed.push((JSON.parse(reply.body) as { code: string }).code);
          return kind;
        } catch (error) {
          unanswered.set(index, attempt);
          // The server is down (REL-2): a short pause instead of a busy loop of refused connections.
          await new Promise((resolve) => setTimeout(resolve, 50));
          throw error;
        }
      };
    },
  });
  await killed;
  for (const client of clients) client.close();
  const peaks = servers.map((server) => (server === undefined ? undefined : peakRssMb(server)));
  for (const server of servers) if (server !== undefined) await stopVaxhub(server);
  const summary = summarize(run.outcomes, run.elapsedSeconds);
  const database = await fixture.open();
  // The same booking confirmed twice (a retry after a lost answer) is one booking.
  const invariants = await checkInvariants(database.db, [...new Set(confirmed)]);
  await database.close();
  if (values.statements) await printStatements();

  console.log(
    `\n${machineLine()}, ${fixture.serverVersion}; ${PEOPLE.toLocaleString('en-US')} people, ` +
      `${firstDoseSlotIds.length.toLocaleString('en-US')} first-dose slots over ${DAYS - 21} days at 9 hubs; ` +
      `${CONCURRENCY} clients, ${SECONDS} s, ${SERVERS} server process(es), admission ${values.admission}`,
  );
  console.log(SUMMARY_HEADER);
  if (reference !== undefined)
    console.log(
      `| reference: pgbench, take_booking as raw SQL, 32 clients | — | ${reference.toFixed(0)} | | | | |`,
    );
  console.log(summaryRow('bookAppointment over HTTP (with second dose)', summary));
  // The first seconds include warming up (Node's and PGlite's WebAssembly JIT, PostgreSQL's caches).
  const warm = run.outcomes.filter((o) => o.sentAtMs >= 5000);
  console.log(summaryRow('… of which sent after the first 5 s', summarize(warm, run.elapsedSeconds - 5)));
  console.log(
    `PERF-7 peak RSS of the server process(es): ${peaks.map((mb) => `${mb ?? '?'} MB`).join(', ')}`,
  );
  if (replays > 0)
    console.log(`of which ${replays} retries answered 200 with the booking their key had already made`);
  if (reference !== undefined)
    console.log(`HTTP ÷ pgbench: ${((summary.perSecond / reference) * 100).toFixed(0)} %`);
  console.log(
    `REL-1 after the run: ${invariants.holds ? 'holds' : 'DOES NOT HOLD'} ${JSON.stringify({
      ...invariants,
      confirmedBookingsMissing: invariants.confirmedBookingsMissing.length,
    })}`,
  );
  if (!invariants.holds) process.exitCode = 1;
} finally {
  for (const server of servers) server?.kill('SIGKILL');
  fixture?.dispose();
}
