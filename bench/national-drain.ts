/**
 * REL-4, NAT-1, NAT-5: the national side misbehaves while administrations are recorded; after it returns,
 * everything arrives, each change exactly once in effect, in order per person, and the lag is visible.
 *
 *   npx tsx bench/national-drain.ts [--records 10000] [--corrections 2000] [--people 100000] [--concurrency 4]
 *
 * On the booking benchmarks' fixture (throwaway PostgreSQL, N synthetic people), `vaxhub serve` runs in a
 * child process with its outbox worker every 200 ms, against the national simulator run in this process
 * (its own PGlite). While `--records` first doses are recorded through the API, the simulator is in turn
 * down, answering 503, slow beyond the region's timeout, and duplicating its writes; then `--corrections`
 * of those records are corrected (a new version each, queued behind the first for the same person). Then
 * the simulator behaves, and the backlog is watched until it drains. Checked at the end: the national
 * registry holds every administration once, at the region's latest version (so a person's changes were
 * applied in order and none twice), and every outbox message is acknowledged.
 */
import type { ChildProcess } from 'node:child_process';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { systemClock } from '../src/platform/clock.ts';
import { AuthService } from '../src/platform/auth/service.ts';
import { systemContext } from '../src/platform/audit/audit.ts';
import { createLogger } from '../src/platform/logging.ts';
import { buildNationalApp } from '../src/national/app.ts';
import {
  DEVELOPMENT_ADMIN_TOKEN,
  DEVELOPMENT_API_TOKEN,
  loadNationalConfig,
} from '../src/national/config.ts';
import { openMigratedNationalTestDatabase } from '../src/national/test-databases.ts';
import { prepareBookingFixture, type BookingFixture } from './lib/booking-fixture.ts';
import {
  closedLoop,
  HttpClient,
  kindOf,
  machineLine,
  startVaxhub,
  stopVaxhub,
  summarize,
} from './lib/load.ts';
import { administrationBody, createVaccinator, VACCINATOR, VACCINATOR_PASSWORD } from './lib/vaccinator.ts';

const { values } = parseArgs({
  options: {
    records: { type: 'string', default: '10000' },
    corrections: { type: 'string', default: '2000' },
    people: { type: 'string', default: '100000' },
    concurrency: { type: 'string', default: '4' },
  },
});
const RECORDS = Number(values.records.replaceAll('_', ''));
const CORRECTIONS = Math.min(RECORDS, Number(values.corrections.replaceAll('_', '')));
const PEOPLE = Math.max(RECORDS, Number(values.people.replaceAll('_', '')));
const CONCURRENCY = Number(values.concurrency);
const PORT = 3995;
/** The faults in turn while recording, a quarter of the records each. */
const FAULTS = [
  { mode: 'down' },
  { mode: 'error5xx' },
  { mode: 'slow', delayMs: 3000 },
  { mode: 'duplicate' },
] as const;

interface FlowFigures {
  pending: number;
  lagMsP50: number | null;
  lagMsP95: number | null;
  lagMsMax: number | null;
}

let fixture: BookingFixture | undefined;
let server: ChildProcess | undefined;

const nationalDb = await openMigratedNationalTestDatabase('pglite');
const national = await buildNationalApp({
  config: loadNationalConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' }),
  database: nationalDb,
  clock: systemClock,
  logger: createLogger('silent'),
});
const setFaults = async (settings: object) => {
  const reply = await national.inject({
    method: 'PUT',
    url: '/admin/faults',
    payload: settings,
    headers: { 'x-admin-token': DEVELOPMENT_ADMIN_TOKEN },
  });
  if (reply.statusCode !== 200) throw new Error(`faults: ${reply.statusCode} ${reply.body}`);
};

try {
  const nationalUrl = await national.listen({ host: '127.0.0.1', port: 0 });
  fixture = await prepareBookingFixture({ engine: 'postgres', people: PEOPLE, days: 1 });
  const point = await createVaccinator(fixture);
  server = await startVaxhub(
    {
      ...fixture.env,
      NATIONAL_URL: nationalUrl,
      NATIONAL_API_TOKEN: DEVELOPMENT_API_TOKEN,
      NATIONAL_TIMEOUT_MS: '2000',
      NATIONAL_SYNC_INTERVAL_MS: '200',
      NATIONAL_RETRY_BASE_MS: '200',
    },
    PORT,
  );
  const client = new HttpClient(PORT, CONCURRENCY);
  const headers = { authorization: `Bearer ${await client.signInStaff(VACCINATOR, VACCINATOR_PASSWORD)}` };
  // The flow report is for administrators: a region admin watches it.
  const database = await fixture.open();
  try {
    await new AuthService(database.db, systemClock, {
      staffSessionMinutes: 60,
      citizenSessionMinutes: 30,
    }).createStaffAccount(
      { username: 'bench.region', displayName: 'bench', role: 'region_admin', password: VACCINATOR_PASSWORD },
      systemContext('bench', systemClock.now()),
    );
  } finally {
    await database.close();
  }
  const monitor = {
    authorization: `Bearer ${await client.signInStaff('bench.region', VACCINATOR_PASSWORD)}`,
  };
  const report = async () =>
    JSON.parse((await client.request('GET', '/reports/national-flow', monitor)).body) as FlowFigures;

  const people = fixture.personIds.slice(0, RECORDS);
  const recorded: { personId: number; id: number }[] = [];
  const perFault = Math.ceil(RECORDS / FAULTS.length);
  let next = 0;
  const started = performance.now();
  let peakPending = 0;
  for (const fault of FAULTS) {
    await setFaults(fault);
    const until = Math.min(RECORDS, next + perFault);
    const run = await closedLoop({
      concurrency: CONCURRENCY,
      seconds: 3600,
      next: () => {
        if (next >= until) return undefined;
        const personId = people[next++] ?? 0;
        return async () => {
          const reply = await client.request(
            'POST',
            '/administrations',
            headers,
            administrationBody(point, personId, new Date(Date.now() - 86_400_000), true),
          );
          if (reply.status === 201)
            recorded.push({ personId, id: (JSON.parse(reply.body) as { id: number }).id });
          return kindOf(reply, [201]);
        };
      },
    });
    const summary = summarize(run.outcomes, run.elapsedSeconds);
    peakPending = Math.max(peakPending, (await report()).pending);
    console.log(
      `while ${fault.mode}: ${summary.ok} recorded (${summary.perSecond.toFixed(0)}/s, p99 ${summary.p99.toFixed(1)} ms${summary.others === '—' ? '' : `, others ${summary.others}`}), backlog ${(await report()).pending}`,
    );
  }
  let corrected = 0;
  await closedLoop({
    concurrency: CONCURRENCY,
    seconds: 3600,
    next: () => {
      const target = recorded[corrected++];
      if (target === undefined || corrected > CORRECTIONS) return undefined;
      return async () =>
        kindOf(
          await client.request('PATCH', `/administrations/${target.id}`, headers, { lot: 'FK9999' }),
          [200],
        );
    },
  });
  const recordingSeconds = (performance.now() - started) / 1000;
  const atRecovery = await report();
  peakPending = Math.max(peakPending, atRecovery.pending);
  console.log(`after ${CORRECTIONS} corrections (still duplicating): backlog ${atRecovery.pending}`);

  await setFaults({ mode: 'none' });
  const recoveredAt = performance.now();
  let drained = await report();
  // Failed messages wait their doubling delay (at most 5 minutes) before the next try.
  while (drained.pending > 0 && performance.now() - recoveredAt < 15 * 60_000) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    drained = await report();
  }
  const drainSeconds = (performance.now() - recoveredAt) / 1000;
  client.close();
  await stopVaxhub(server);
  server = undefined;

  // Exactly once in effect, in order per person: each administration once nationally, at the region's version.
  const checked = await fixture.open();
  const regional = await sql<{
    id: string;
    version: number;
  }>`SELECT id::text AS id, version FROM administrations`.execute(checked.db);
  const unacknowledged = await sql<{ count: number }>`SELECT count(*)::int AS count FROM national_outbox
    WHERE acknowledged_at IS NULL`.execute(checked.db);
  const outcomes = await sql<{ outcome: string; count: number }>`SELECT outcome, count(*)::int AS count
    FROM national_outbox GROUP BY outcome ORDER BY outcome`.execute(checked.db);
  await checked.close();
  const nationalRows = await nationalDb.db
    .selectFrom('administrations')
    .select(['source_id', 'version'])
    .execute();
  const nationalVersion = new Map(nationalRows.map((row) => [row.source_id, row.version]));
  const mismatched = regional.rows.filter((row) => nationalVersion.get(row.id) !== row.version).length;

  console.log(`\n${machineLine()}, ${fixture.serverVersion}`);
  console.log(
    `${recorded.length} administrations recorded and ${Math.min(CORRECTIONS, recorded.length)} corrected in ${recordingSeconds.toFixed(1)} s ` +
      `while the simulator was ${FAULTS.map((f) => f.mode).join(', ')}; backlog peak ${peakPending}; ` +
      `drained ${drainSeconds.toFixed(1)} s after it recovered (${drained.pending} left).`,
  );
  console.log(
    `Lag recorded → acknowledged, last hour: p50 ${drained.lagMsP50 ?? '—'} ms, p95 ${drained.lagMsP95 ?? '—'} ms, ` +
      `max ${drained.lagMsMax ?? '—'} ms. Outbox outcomes: ${outcomes.rows.map((r) => `${r.outcome ?? 'pending'} ${r.count}`).join(', ')}.`,
  );
  const holds =
    nationalRows.length === regional.rows.length &&
    mismatched === 0 &&
    (unacknowledged.rows[0]?.count ?? 1) === 0;
  console.log(
    `National registry: ${nationalRows.length} administrations for ${regional.rows.length} in the region, ` +
      `${mismatched} at another version than the region's: REL-4 ${holds ? 'holds' : 'DOES NOT HOLD'}.`,
  );
  if (!holds) process.exitCode = 1;
} finally {
  if (server !== undefined) server.kill('SIGKILL');
  fixture?.dispose();
  await national.close();
  await nationalDb.close();
}
