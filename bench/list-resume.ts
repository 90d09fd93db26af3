/**
 * REL-6 resumable list upload: `npx tsx bench/list-resume.ts [--rows 200000] [--people 220000]
 * [--kills 2]`.
 *
 * On a throwaway PostgreSQL cluster, two databases get the same reference data, the same synthetic
 * population (same seed) and the shipped plan versions. One fragile list (1 row in 997 faulty) is
 * written, then loaded with `vaxhub lists import` as an operator runs it:
 *   clean:       one run, to the end, on `vaxhub_clean`;
 *   interrupted: on `vaxhub_interrupted`, the same command killed with SIGKILL (no chance to clean up)
 *                once the upload's committed rows pass 1/(kills+1), 2/(kills+1)… of the file, re-run
 *                each time with `--take-over` (the dead run's lease is still held), the last run left
 *                to finish.
 * Then the final states are compared: entitlements, rejections and the upload's counters.
 * Bar: "a list upload interrupted at any row can be re-run: final state equals one clean run".
 * Exit code 1 when they differ, or when a run ended before it could be killed mid-file.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { openDatabase } from '../src/platform/db/database.ts';
import { migrateToLatest } from '../src/platform/db/migrate.ts';
import { loadReferenceData } from '../src/modules/reference/service.ts';
import { generatePopulationIntoDatabase } from '../src/modules/population/service.ts';
import { systemClock } from '../src/platform/clock.ts';
import { EligibilityService } from '../src/modules/eligibility/service.ts';
import { writeSyntheticFragileList } from '../src/modules/eligibility/lists/synthetic.ts';
import { findPostgresBinDir, startPostgresCluster } from '../test/postgres-cluster.ts';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '200000' },
    people: { type: 'string', default: '220000' },
    kills: { type: 'string', default: '2' },
  },
});
const ROWS = Number(values.rows.replaceAll('_', ''));
const PEOPLE = Number(values.people.replaceAll('_', ''));
const KILLS = Number(values.kills);
for (const [name, value, minimum] of [
  ['--rows', ROWS, 1],
  ['--people', PEOPLE, 1],
  ['--kills', KILLS, 1],
] as const) {
  if (!Number.isInteger(value) || value < minimum)
    throw new Error(`${name} must be a whole number ≥ ${minimum}`);
}

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CLI = path.join(ROOT, 'bin', 'vaxhub.js');
const SOURCE = 'ATS-VALPADANA';
const POLL_MS = 100;
const SEED = 4;

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

interface Run {
  child: ChildProcess;
  exited: Promise<Exit>;
  hasExited: () => boolean;
  stdout: () => string;
  stderr: () => string;
  started: number;
}

/** Children still alive, killed (by their own handle) if the bench itself fails. */
const live = new Set<ChildProcess>();

function startImport(databaseUrl: string, file: string, takeOver: boolean): Run {
  const args = [CLI, 'lists', 'import', file, '--type', 'fragile', '--source', SOURCE, '--json'];
  if (takeOver) args.push('--take-over');
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'silent' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  let out = '';
  let err = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  let done = false;
  const exited = new Promise<Exit>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => {
      done = true;
      live.delete(child);
      resolve({ code, signal });
    });
  });
  return {
    child,
    exited,
    hasExited: () => done,
    stdout: () => out,
    stderr: () => err,
    started: performance.now(),
  };
}

interface Summary {
  status: string;
  rowsRead: number;
  rowsLoaded: number;
  rowsRejected: number;
}

function parseSummary(run: Run): Summary {
  const text = run.stdout();
  const start = text.indexOf('{');
  if (start === -1) throw new Error(`no JSON summary on stdout:\n${text}\n${run.stderr()}`);
  return JSON.parse(text.slice(start)) as Summary;
}

function failedRun(what: string, run: Run, exit: Exit): Error {
  return new Error(
    `${what} exited with code ${exit.code} signal ${exit.signal}\nstdout:\n${run.stdout()}\nstderr:\n${run.stderr()}`,
  );
}

/** A pg client for watching and dumping; an idle one dropped at cluster shutdown must not crash us. */
async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

interface UploadProgress {
  status: string;
  rows_read: number;
  rows_total: number | null;
  batches: number;
  /** first_row of the highest committed batch + its rows: beyond rows_read when batches committed out of order. */
  high_water: number;
}

async function uploadProgress(client: pg.Client): Promise<UploadProgress | undefined> {
  const result = await client.query<UploadProgress>(
    `SELECT u.status, u.rows_read, u.rows_total,
       (SELECT count(*)::int FROM list_upload_batches b WHERE b.upload_id = u.id) AS batches,
       (SELECT coalesce(max(b.first_row + b.row_count), 0)::int FROM list_upload_batches b WHERE b.upload_id = u.id) AS high_water
     FROM list_uploads u ORDER BY u.id LIMIT 1`,
  );
  return result.rows[0];
}

/** Waits until the killed run's backends are gone (its open batch transactions rolled back). */
async function waitForBackendsToGo(client: pg.Client, database: string): Promise<number> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const result = await client.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
      [database],
    );
    const n = result.rows[0]?.n ?? 0;
    if (n === 0 || Date.now() > deadline) return n;
    await sleep(50);
  }
}

interface FinalState {
  entitlements: string[];
  rejections: string[];
  uploads: string[];
}

async function finalState(client: pg.Client): Promise<FinalState> {
  const entitlements = await client.query<{ line: string }>(
    `SELECT concat_ws('|', coalesce(p.tax_code, '∅'), e.category, e.condition_code, e.source, e.evidence_status) AS line
     FROM entitlements e JOIN persons p ON p.id = e.person_id`,
  );
  const rejections = await client.query<{ line: string }>(
    `SELECT concat_ws('|', row_number, reason_code) AS line FROM list_rejections`,
  );
  const uploads = await client.query<{ line: string }>(
    `SELECT concat_ws('|', status, rows_read, rows_loaded, rows_updated, rows_unchanged, rows_rejected,
       rejected_by_reason::text) AS line
     FROM list_uploads`,
  );
  // Sorted here, by UTF-16 code units: the same order whatever the databases' collations.
  const sorted = (rows: { line: string }[]) =>
    rows.map((r) => r.line).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return {
    entitlements: sorted(entitlements.rows),
    rejections: sorted(rejections.rows),
    uploads: sorted(uploads.rows),
  };
}

/** Lines only in a and only in b (multisets), the first few of each. */
function difference(a: readonly string[], b: readonly string[], limit = 10) {
  const counts = new Map<string, number>();
  for (const line of a) counts.set(line, (counts.get(line) ?? 0) + 1);
  const onlyB: string[] = [];
  for (const line of b) {
    const n = counts.get(line) ?? 0;
    if (n > 0) counts.set(line, n - 1);
    else onlyB.push(line);
  }
  const onlyA = [...counts].flatMap(([line, n]) => Array<string>(n).fill(line));
  return {
    onlyA: onlyA.slice(0, limit),
    onlyACount: onlyA.length,
    onlyB: onlyB.slice(0, limit),
    onlyBCount: onlyB.length,
  };
}

const sameLines = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((line, i) => line === b[i]);

const fmt = (n: number) => n.toLocaleString('en-US');
/** Dump lines shown in a markdown cell: their `|` separators would split it. */
const cell = (lines: readonly string[]) => lines.map((line) => line.replaceAll('|', ' / ')).join('; ');

const binDir = findPostgresBinDir();
if (!binDir)
  throw new Error('PostgreSQL binaries not found (initdb/pg_ctl on the PATH or in pg_config --bindir)');
const cluster = await startPostgresCluster(binDir);
const directory = await mkdtemp(path.join(tmpdir(), 'vaxhub-rel6-'));
const clients: pg.Client[] = [];
try {
  const admin = await connect(cluster.url('postgres'));
  clients.push(admin);
  await admin.query('CREATE DATABASE vaxhub_interrupted');
  await admin.query('CREATE DATABASE vaxhub_clean');
  const serverVersion = (await admin.query<{ server_version: string }>('SHOW server_version')).rows[0]
    ?.server_version;
  const interruptedUrl = cluster.url('vaxhub_interrupted');
  const cleanUrl = cluster.url('vaxhub_clean');

  // Both databases prepared side by side: the same data, from the same seed.
  console.error(
    `preparing two databases: reference data, ${fmt(PEOPLE)} people (seed ${SEED}), plan versions…`,
  );
  const prepareStarted = performance.now();
  await Promise.all(
    [interruptedUrl, cleanUrl].map(async (url) => {
      const database = await openDatabase({ databaseUrl: url, dataDir: '' });
      try {
        await migrateToLatest(database.db);
        await loadReferenceData(database);
        await generatePopulationIntoDatabase(database, { people: PEOPLE, seed: SEED });
        await new EligibilityService(database.db, systemClock, '03').loadShippedPlanVersions();
      } finally {
        await database.close();
      }
    }),
  );
  const file = path.join(directory, 'fragili.csv');
  {
    const database = await openDatabase({ databaseUrl: cleanUrl, dataDir: '' });
    try {
      const written = await writeSyntheticFragileList(database.db, file, 'csv', {
        rows: ROWS,
        badEvery: 997,
      });
      if (written !== ROWS) console.error(`note: the population gave ${fmt(written)} rows, not ${fmt(ROWS)}`);
    } finally {
      await database.close();
    }
  }
  const clean = await connect(cleanUrl);
  const interrupted = await connect(interruptedUrl);
  clients.push(clean, interrupted);
  await clean.query('ANALYZE');
  await interrupted.query('ANALYZE');
  // The comparison means something only if the two registries are the same.
  const personsDigest = (client: pg.Client) =>
    client
      .query<{ digest: string }>(
        `SELECT md5(string_agg(concat_ws('|', id, tax_code, health_card_number, table1_conditions::text, severe_disability), ',' ORDER BY id)) AS digest FROM persons`,
      )
      .then((result) => result.rows[0]?.digest);
  const [digestA, digestB] = await Promise.all([personsDigest(interrupted), personsDigest(clean)]);
  if (digestA !== digestB)
    throw new Error('the two populations differ: same seed should give the same people');
  console.error(`prepared in ${((performance.now() - prepareStarted) / 1000).toFixed(1)} s`);

  // Clean run.
  console.error('clean run…');
  const cleanRun = startImport(cleanUrl, file, false);
  const cleanExit = await cleanRun.exited;
  const cleanSeconds = (performance.now() - cleanRun.started) / 1000;
  if (cleanExit.code !== 0) throw failedRun('clean run', cleanRun, cleanExit);
  const cleanSummary = parseSummary(cleanRun);
  const rowsInFile = cleanSummary.rowsRead;
  console.error(
    `clean run: ${cleanSummary.status}, ${fmt(cleanSummary.rowsRead)} rows in ${cleanSeconds.toFixed(2)} s`,
  );

  // Interrupted runs: killed at each target, re-run with --take-over, the last one to the end.
  const targets = Array.from({ length: KILLS }, (_, i) => Math.floor((rowsInFile * (i + 1)) / (KILLS + 1)));
  interface Kill {
    target: number;
    polled: number;
    committed: number;
    batches: number;
    highWater: number;
    seconds: number;
  }
  const kills: Kill[] = [];
  const problems: string[] = [];
  let interruptedSeconds = 0;
  let runs = 0;
  let finalSummary: Summary | undefined;
  for (let k = 0; k <= KILLS; k++) {
    const last = k === KILLS;
    const before = (await uploadProgress(interrupted))?.rows_read ?? 0;
    const run = startImport(interruptedUrl, file, k > 0);
    runs += 1;
    if (last) {
      console.error(`run ${runs}: from row ${fmt(before)} to the end…`);
      const exit = await run.exited;
      interruptedSeconds += (performance.now() - run.started) / 1000;
      if (exit.code !== 0) throw failedRun(`run ${runs}`, run, exit);
      finalSummary = parseSummary(run);
      break;
    }
    // At least one batch of this run must commit before the kill, or it interrupts nothing new.
    const target = Math.max(targets[k] ?? 0, before + 1);
    console.error(`run ${runs}: from row ${fmt(before)}, to be killed once rows_read ≥ ${fmt(target)}…`);
    let polled: number | undefined;
    while (!run.hasExited()) {
      const progress = await uploadProgress(interrupted);
      if (progress !== undefined && progress.rows_read >= target) {
        polled = progress.rows_read;
        run.child.kill('SIGKILL');
        break;
      }
      await sleep(POLL_MS);
    }
    const exit = await run.exited;
    interruptedSeconds += (performance.now() - run.started) / 1000;
    const remaining = await waitForBackendsToGo(interrupted, 'vaxhub_interrupted');
    if (remaining > 0)
      console.error(`note: ${remaining} backend(s) of the killed run still connected after 30 s`);
    const after = await uploadProgress(interrupted);
    if (polled === undefined || exit.signal !== 'SIGKILL') {
      problems.push(
        `run ${runs} ended by itself (code ${exit.code}, signal ${exit.signal}) before rows_read reached ${fmt(target)}: ` +
          `status ${after?.status}, rows_read ${after?.rows_read ?? 0}/${rowsInFile} — not killed mid-file ` +
          `(the file is too small: a run commits 5,000-row batches and is watched every ${POLL_MS} ms; use more --rows)`,
      );
      if (exit.code !== 0) throw failedRun(`run ${runs}`, run, exit);
      finalSummary = parseSummary(run);
      break;
    }
    if (after === undefined || after.status !== 'running' || after.rows_read >= rowsInFile) {
      problems.push(
        `run ${runs} was killed too late: the upload is ${after?.status} with rows_read ${after?.rows_read}/${rowsInFile}`,
      );
    }
    const kill: Kill = {
      target,
      polled,
      committed: after?.rows_read ?? 0,
      batches: after?.batches ?? 0,
      highWater: after?.high_water ?? 0,
      seconds: (performance.now() - run.started) / 1000,
    };
    kills.push(kill);
    console.error(
      `run ${runs}: SIGKILL at rows_read ${fmt(polled)} (committed after the kill: ${fmt(kill.committed)}, ` +
        `${kill.batches} batches, highest committed row ${fmt(kill.highWater)}${kill.highWater > kill.committed ? ', out of order' : ''})`,
    );
  }

  // Final states.
  const [stateInterrupted, stateClean] = await Promise.all([finalState(interrupted), finalState(clean)]);
  const equal = {
    entitlements: sameLines(stateInterrupted.entitlements, stateClean.entitlements),
    rejections: sameLines(stateInterrupted.rejections, stateClean.rejections),
    uploads: sameLines(stateInterrupted.uploads, stateClean.uploads),
  };
  const allEqual = equal.entitlements && equal.rejections && equal.uploads;

  const cpu = /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? 'unknown';
  console.log(
    `\nmachine: nproc ${availableParallelism()}, ${cpu}, Node ${process.version}, PostgreSQL ${serverVersion}; ` +
      `${fmt(rowsInFile)} rows (csv, 1 in 997 faulty), population ${fmt(PEOPLE)}`,
  );
  console.log('| what | clean run | interrupted and re-run |');
  console.log('| --- | ---: | ---: |');
  console.log(`| rows in the file | ${fmt(rowsInFile)} | ${fmt(rowsInFile)} |`);
  console.log(`| runs | 1 | ${runs} (${kills.length} killed with SIGKILL) |`);
  kills.forEach((kill, i) => {
    console.log(
      `| kill ${i + 1}: rows_read at the kill (committed after it) | — | ${fmt(kill.polled)} (${fmt(kill.committed)}` +
        `${kill.highWater > kill.committed ? `, batches up to row ${fmt(kill.highWater)}` : ''}) |`,
    );
  });
  console.log(
    `| seconds | ${cleanSeconds.toFixed(2)} | ${interruptedSeconds.toFixed(2)} (all ${runs} runs) |`,
  );
  console.log(
    `| entitlements | ${fmt(stateClean.entitlements.length)} | ${fmt(stateInterrupted.entitlements.length)} |`,
  );
  console.log(
    `| rejections | ${fmt(stateClean.rejections.length)} | ${fmt(stateInterrupted.rejections.length)} |`,
  );
  console.log(
    `| upload (status, read, loaded, updated, unchanged, rejected, by reason) | ${cell(stateClean.uploads)} | ${cell(stateInterrupted.uploads)} |`,
  );
  console.log(
    `| final state equal | ${allEqual ? 'yes' : 'NO'} | entitlements ${equal.entitlements ? 'yes' : 'NO'}, ` +
      `rejections ${equal.rejections ? 'yes' : 'NO'}, counters ${equal.uploads ? 'yes' : 'NO'} |`,
  );
  if (finalSummary !== undefined && finalSummary.status !== 'completed')
    problems.push(`the last run reported status ${finalSummary.status}`);

  for (const [name, a, b] of [
    ['entitlements', stateClean.entitlements, stateInterrupted.entitlements],
    ['rejections', stateClean.rejections, stateInterrupted.rejections],
    ['uploads', stateClean.uploads, stateInterrupted.uploads],
  ] as const) {
    if (sameLines(a, b)) continue;
    const diff = difference(a, b);
    console.log(
      `\n${name} differ: ${diff.onlyACount} only in the clean run, ${diff.onlyBCount} only in the interrupted one`,
    );
    for (const line of diff.onlyA) console.log(`  clean only:       ${line}`);
    for (const line of diff.onlyB) console.log(`  interrupted only: ${line}`);
  }
  for (const problem of problems) console.log(`\nPROBLEM: ${problem}`);
  const met = allEqual && problems.length === 0 && kills.length === KILLS;
  console.log(
    `\nREL-6 bar (an upload interrupted at any row, re-run, ends as one clean run): ${met ? 'met' : 'NOT met'}`,
  );
  if (!met) process.exitCode = 1;
} finally {
  for (const child of live) child.kill('SIGKILL');
  await Promise.allSettled(clients.map((client) => client.end()));
  cluster.stop();
  await rm(directory, { recursive: true, force: true });
}
