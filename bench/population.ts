/**
 * Population benchmark: `npx tsx bench/population.ts [--people 10000000] [--pg-people 1000000]
 * [--pglite-people 50000] [--skip-pg]`.
 *
 * Each measurement runs against a reference measured in the same run (spec 60-quality.md):
 *  1. generating N people into a CSV file, vs writing as many constant lines of the same byte length
 *     through the same chunked, backpressured stream path;
 *  2. generating people into an embedded PGlite on disk (COPY), as the demo does at start-up, vs COPY of
 *     the same lines, already generated, into a fresh database;
 *  3. generating people into a throwaway real PostgreSQL (COPY), vs COPY of the same rows read back
 *     from the file of step 1 (a smaller count is a prefix of a larger one).
 * Every step runs in a child process of its own, so its peak RSS is its own. Prints the machine, a
 * table, and a verdict against the bars (10 M into a file < 5 min; 50 k into PGlite < 3 s).
 */
import { createReadStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { execFileSync, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { openDatabase, type Database } from '../src/platform/db/database.ts';
import { migrateToLatest } from '../src/platform/db/migrate.ts';
import { loadReferenceData } from '../src/modules/reference/service.ts';
import { PERSON_CSV_COLUMNS } from '../src/modules/population/csv.ts';
import { loadPopulationReference } from '../src/modules/population/reference-files.ts';
import {
  generatePopulationIntoDatabase,
  populationCsvLines,
  toAsyncIterable,
  writeLinesToFile,
  writePopulationFile,
} from '../src/modules/population/service.ts';
import { findPostgresBinDir } from '../test/postgres-cluster.ts';
import { benchCluster } from './lib/cluster.ts';

const { values } = parseArgs({
  options: {
    people: { type: 'string', default: '10000000' },
    'pg-people': { type: 'string', default: '1000000' },
    'pglite-people': { type: 'string', default: '50000' },
    seed: { type: 'string', default: '1' },
    'skip-pg': { type: 'boolean', default: false },
    // Internal: which step a child process runs, and where.
    phase: { type: 'string' },
    dir: { type: 'string' },
  },
});
const count = (value: string): number => Number(value.replaceAll('_', ''));
const PEOPLE = count(values.people);
const PG_PEOPLE = Math.min(count(values['pg-people']), PEOPLE);
const PGLITE_PEOPLE = count(values['pglite-people']);
const SEED = count(values.seed);

interface Measure {
  rows: number;
  seconds: number;
  peakRssMb: number;
  bytes?: number;
}
interface PhaseResult {
  what: string;
  measured: Measure;
  reference: string;
  referenceMeasured: Measure;
}

// ---------------------------------------------------------------------------------------------
// Child side

let peakRss = 0;
const sampleRss = (): void => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
};

async function measure(rows: number, work: () => Promise<unknown>): Promise<Measure> {
  peakRss = process.memoryUsage().rss;
  const sampler = setInterval(sampleRss, 20);
  const started = process.hrtime.bigint();
  const value = await work();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  clearInterval(sampler);
  sampleRss();
  const bytes =
    typeof value === 'object' && value !== null && 'bytes' in value ? Number(value.bytes) : undefined;
  return { rows, seconds, peakRssMb: peakRss / 1e6, ...(bytes === undefined ? {} : { bytes }) };
}

async function* fileLines(file: string, limit: number): AsyncGenerator<string> {
  const reader = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  let n = -1; // the first line is the header
  for await (const line of reader) {
    if (n >= 0) yield `${line}\n`;
    if (++n >= limit) break;
  }
  reader.close();
}

async function filePhase(dir: string): Promise<PhaseResult> {
  const reference = await loadPopulationReference();
  const file = path.join(dir, 'people.csv');
  const generated = await measure(PEOPLE, () =>
    writePopulationFile(file, { people: PEOPLE, seed: SEED, reference, onProgress: sampleRss }),
  );
  const lineBytes = Math.round(generated.bytes! / PEOPLE);
  const constantLine = `${'x'.repeat(lineBytes - 1)}\n`;
  const constantFile = path.join(dir, 'constant.csv');
  const constant = await measure(PEOPLE, () =>
    writeLinesToFile(
      constantFile,
      (function* () {
        for (let i = 0; i < PEOPLE; i++) yield constantLine;
      })(),
      { onProgress: sampleRss },
    ),
  );
  rmSync(constantFile);
  return {
    what: `generate ${PEOPLE.toLocaleString('en-US')} people to a CSV file (${(generated.bytes! / 1e9).toFixed(2)} GB)`,
    measured: generated,
    reference: `write ${PEOPLE.toLocaleString('en-US')} constant ${lineBytes}-byte lines through the same stream path`,
    referenceMeasured: constant,
  };
}

async function pglitePhase(dir: string): Promise<PhaseResult> {
  const reference = await loadPopulationReference();
  const open = async (name: string): Promise<Database> => {
    const database = await openDatabase({ dataDir: path.join(dir, name) });
    await migrateToLatest(database.db);
    await loadReferenceData(database);
    return database;
  };
  let database = await open('pglite-generated');
  const generated = await measure(PGLITE_PEOPLE, () =>
    generatePopulationIntoDatabase(database, { people: PGLITE_PEOPLE, seed: SEED, reference }),
  );
  await database.close();
  const lines = [...populationCsvLines(reference, { people: PGLITE_PEOPLE, seed: SEED })];
  database = await open('pglite-reference');
  const copied = await measure(PGLITE_PEOPLE, () =>
    database.copyCsv('persons', PERSON_CSV_COLUMNS, toAsyncIterable(lines)),
  );
  await database.close();
  return {
    what: `generate ${PGLITE_PEOPLE.toLocaleString('en-US')} people into PGlite on disk (COPY)`,
    measured: generated,
    reference: 'COPY of the same lines, already generated, into a fresh PGlite',
    referenceMeasured: copied,
  };
}

async function postgresPhase(dir: string): Promise<PhaseResult> {
  const reference = await loadPopulationReference();
  const { cluster } = await benchCluster(['bench_generated', 'bench_reference']);
  try {
    const open = async (name: string): Promise<Database> => {
      const database = await openDatabase({ databaseUrl: cluster.url(name), dataDir: '' });
      await migrateToLatest(database.db);
      await loadReferenceData(database);
      return database;
    };
    let database = await open('bench_generated');
    const generated = await measure(PG_PEOPLE, () =>
      generatePopulationIntoDatabase(database, {
        people: PG_PEOPLE,
        seed: SEED,
        reference,
        onProgress: sampleRss,
      }),
    );
    await database.close();
    database = await open('bench_reference');
    const copied = await measure(PG_PEOPLE, () =>
      database.copyCsv('persons', PERSON_CSV_COLUMNS, fileLines(path.join(dir, 'people.csv'), PG_PEOPLE)),
    );
    await database.close();
    return {
      what: `generate ${PG_PEOPLE.toLocaleString('en-US')} people into PostgreSQL (COPY)`,
      measured: generated,
      reference: 'COPY of the same rows read from the CSV file',
      referenceMeasured: copied,
    };
  } finally {
    cluster.stop();
  }
}

// ---------------------------------------------------------------------------------------------
// Parent side

function machine(): string[] {
  const cpu = /model name\s*:\s*(.+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? 'unknown';
  const binDir = findPostgresBinDir();
  const postgres = binDir
    ? execFileSync(path.join(binDir, 'postgres'), ['--version']).toString().trim()
    : 'not found';
  return [
    `nproc: ${availableParallelism()}`,
    `CPU: ${cpu}`,
    `memory: ${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
    `Node: ${process.version}`,
    `PostgreSQL: ${postgres}`,
    `date: ${new Date().toISOString()}`,
  ];
}

const RESULT_PREFIX = 'PHASE-RESULT ';

function runPhase(phase: string, dir: string): Promise<PhaseResult> {
  const script = fileURLToPath(import.meta.url);
  const args = [...process.execArgv, script, ...process.argv.slice(2), '--phase', phase, '--dir', dir];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => (output += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const line = output.split('\n').find((l) => l.startsWith(RESULT_PREFIX));
      if (code !== 0 || !line) reject(new Error(`phase ${phase} failed (exit ${code}):\n${output}`));
      else resolve(JSON.parse(line.slice(RESULT_PREFIX.length)) as PhaseResult);
    });
  });
}

function formatTable(results: PhaseResult[]): string[] {
  const lines = [
    '| what | rows/s | time | peak RSS | reference (same run) | reference time | reference peak RSS | ratio |',
    '| --- | ---: | ---: | ---: | --- | ---: | ---: | ---: |',
  ];
  for (const r of results) {
    const m = r.measured;
    const ref = r.referenceMeasured;
    lines.push(
      `| ${r.what} | ${Math.round(m.rows / m.seconds).toLocaleString('en-US')} | ${m.seconds.toFixed(2)} s | ` +
        `${Math.round(m.peakRssMb)} MB | ${r.reference} | ${ref.seconds.toFixed(2)} s | ${Math.round(ref.peakRssMb)} MB | ` +
        `${(m.seconds / ref.seconds).toFixed(2)}× |`,
    );
  }
  return lines;
}

async function main(): Promise<void> {
  if (values.phase) {
    const dir = values.dir!;
    const phases: Record<string, (dir: string) => Promise<PhaseResult>> = {
      file: filePhase,
      pglite: pglitePhase,
      postgres: postgresPhase,
    };
    const run = phases[values.phase];
    if (!run) throw new Error(`unknown phase ${values.phase}`);
    console.log(RESULT_PREFIX + JSON.stringify(await run(dir)));
    return;
  }
  console.log(machine().join('\n'));
  console.log(`command: npx tsx bench/population.ts ${process.argv.slice(2).join(' ')}`.trimEnd());
  const dir = mkdtempSync(path.join(tmpdir(), 'vaxhub-bench-population-'));
  const results: PhaseResult[] = [];
  try {
    for (const phase of [
      'file',
      'pglite',
      ...(values['skip-pg'] || !findPostgresBinDir() ? [] : ['postgres']),
    ]) {
      const result = await runPhase(phase, dir);
      console.log(
        `${phase}: ${result.measured.seconds.toFixed(2)} s (reference ${result.referenceMeasured.seconds.toFixed(2)} s)`,
      );
      results.push(result);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(['', ...formatTable(results)].join('\n'));
  const file = results[0]!.measured;
  const pglite = results[1]!.measured;
  const fileBar = 300 * (file.rows / 10_000_000);
  const pgliteBar = 3 * (pglite.rows / 50_000);
  console.log(
    `\nbars: file ${file.seconds < fileBar ? 'PASS' : 'FAIL'} (${file.seconds.toFixed(1)} s, bar ${fileBar.toFixed(0)} s); ` +
      `PGlite ${pglite.seconds < pgliteBar ? 'PASS' : 'FAIL'} (${pglite.seconds.toFixed(2)} s, bar ${pgliteBar.toFixed(1)} s)`,
  );
}

await main();
