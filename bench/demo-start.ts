/**
 * PERF-8 demo start-up: `npx tsx bench/demo-start.ts [--runs 2]`.
 *
 * Spawns `node bin/vaxhub.js demo` exactly as `npm start` does, on a fresh DATA_DIR (cold: migrations,
 * reference data, 50,000 people, staff accounts) and again on the same folder (warm), and times each
 * from spawn to the first 200 from /health. Reference, same run: `node bin/vaxhub.js --help` (Node,
 * tsx and the CLI loaded, nothing else), so the ratio shows what the platform itself adds.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const BIN = fileURLToPath(new URL('../bin/vaxhub.js', import.meta.url));
const { values } = parseArgs({ options: { runs: { type: 'string', default: '2' } } });
const RUNS = Number(values.runs);

async function timeToReady(dataDir: string, port: number): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, [BIN, 'demo'], {
    env: { ...process.env, DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'warn' },
    stdio: 'ignore',
  });
  try {
    const deadline = started + 60_000;
    while (performance.now() < deadline) {
      const ok = await fetch(`http://127.0.0.1:${port}/health`)
        .then((r) => r.status === 200)
        .catch(() => false);
      if (ok) return (performance.now() - started) / 1000;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error('demo not ready within 60 s');
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
}

function timeHelp(): number {
  const started = performance.now();
  spawnSync(process.execPath, [BIN, '--help'], { stdio: 'ignore' });
  return (performance.now() - started) / 1000;
}

const cpu = /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? 'unknown';
console.log(`machine: nproc ${availableParallelism()}, ${cpu}, Node ${process.version}`);
console.log(
  '| run | cold start → /health 200 | warm restart → /health 200 | reference: `vaxhub --help` | cold ÷ reference |',
);
console.log('| ---: | ---: | ---: | ---: | ---: |');
for (let run = 1; run <= RUNS; run++) {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'vaxhub-demo-'));
  try {
    const reference = timeHelp();
    const cold = await timeToReady(dataDir, 3900 + run);
    const warm = await timeToReady(dataDir, 3950 + run);
    console.log(
      `| ${run} | ${cold.toFixed(2)} s | ${warm.toFixed(2)} s | ${reference.toFixed(2)} s | ${(cold / reference).toFixed(1)}× |`,
    );
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
