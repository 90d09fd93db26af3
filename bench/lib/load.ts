/**
 * What the HTTP benchmarks share: starting `vaxhub serve` as a child process, a keep-alive HTTP client
 * light enough not to starve the server it measures (Node's fetch costs several times more CPU per
 * request, and the load tool runs on the same two cores), closed-loop clients, and the report.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/vaxhub.js', import.meta.url));

export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/**
 * `vaxhub serve` on a port, resolved once /health answers. With BENCH_CPU_PROFILE=DIR in the environment,
 * each server writes a V8 CPU profile there when it exits (open it in Chrome DevTools).
 */
export async function startVaxhub(env: Record<string, string>, port: number): Promise<ChildProcess> {
  const profileDir = process.env.BENCH_CPU_PROFILE;
  const nodeArgs = profileDir === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', profileDir];
  const server = spawn(process.execPath, [...nodeArgs, BIN, 'serve'], {
    env: {
      ...process.env,
      LOG_LEVEL: 'warn',
      DATABASE_POOL_SIZE: '20',
      // No national simulator runs beside these benches: its worker would only retry a refused connection.
      NATIONAL_SYNC_INTERVAL_MS: '0',
      ...env,
      PORT: String(port),
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const client = new HttpClient(port, 1);
  for (let attempt = 0; attempt < 300; attempt++) {
    const ok = await client
      .request('GET', '/health')
      .then((reply) => reply.status === 200)
      .catch(() => false);
    if (ok) {
      client.close();
      return server;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  server.kill('SIGKILL');
  throw new Error(`vaxhub serve on port ${port} did not answer /health`);
}

/** PERF-7: a running process's peak resident memory in MB (VmHWM), or undefined once it is gone. */
export function peakRssMb(server: ChildProcess): number | undefined {
  try {
    const status = readFileSync(`/proc/${server.pid ?? 0}/status`, 'utf8');
    const kb = /VmHWM:\s+(\d+) kB/.exec(status)?.[1];
    return kb === undefined ? undefined : Math.round(Number(kb) / 1024);
  } catch {
    return undefined;
  }
}

export async function stopVaxhub(server: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (server.exitCode !== null || server.signalCode !== null) return;
  const exited = new Promise((resolve) => server.once('exit', resolve));
  server.kill(signal);
  await exited;
}

/** Keep-alive requests to 127.0.0.1 with at most `sockets` connections. */
export class HttpClient {
  private readonly agent: http.Agent;

  constructor(
    private readonly port: number,
    sockets: number,
  ) {
    this.agent = new http.Agent({ keepAlive: true, maxSockets: sockets });
  }

  request(
    method: string,
    path: string,
    headers: Record<string, string> = {},
    body?: unknown,
  ): Promise<Reply> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const request = http.request(
        {
          host: '127.0.0.1',
          port: this.port,
          method,
          path,
          agent: this.agent,
          headers: payload === undefined ? headers : { ...headers, 'content-type': 'application/json' },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () =>
            resolve({
              status: response.statusCode ?? 0,
              headers: response.headers,
              body: Buffer.concat(chunks).toString('utf8'),
            }),
          );
          response.on('error', reject);
        },
      );
      request.on('error', reject);
      request.end(payload);
    });
  }

  async signInStaff(username: string, password: string): Promise<string> {
    const reply = await this.request('POST', '/auth/staff/session', {}, { username, password });
    if (reply.status !== 201) throw new Error(`sign-in of ${username}: ${reply.status} ${reply.body}`);
    return (JSON.parse(reply.body) as { token: string }).token;
  }

  close(): void {
    this.agent.destroy();
  }
}

export interface Outcome {
  /** 'ok', or the status and problem code of anything else, or the network error. */
  kind: string;
  latencyMs: number;
  /** When the request was sent, in ms from the start of the run. */
  sentAtMs: number;
}

/**
 * `concurrency` clients, each sending its next request as soon as the previous one answered, until
 * `seconds` pass or `next` has nothing more. `next` returns the request and what to make of its reply.
 */
export async function closedLoop(options: {
  concurrency: number;
  seconds: number;
  next: (client: number) => (() => Promise<string>) | undefined;
}): Promise<{ outcomes: Outcome[]; elapsedSeconds: number }> {
  const outcomes: Outcome[] = [];
  const started = performance.now();
  const deadline = started + options.seconds * 1000;
  const client = async (index: number) => {
    while (performance.now() < deadline) {
      const send = options.next(index);
      if (send === undefined) return;
      const sent = performance.now();
      const kind = await send().catch(
        (error: unknown) => `network ${(error as NodeJS.ErrnoException).code ?? 'error'}`,
      );
      outcomes.push({ kind, latencyMs: performance.now() - sent, sentAtMs: sent - started });
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, (_, index) => client(index)));
  return { outcomes, elapsedSeconds: (performance.now() - started) / 1000 };
}

/** REL-5: a client told 429 waits its Retry-After before asking again, as the portal's page does. */
export async function waitIfShed(reply: Reply): Promise<void> {
  if (reply.status !== 429) return;
  await new Promise((resolve) => setTimeout(resolve, Number(reply.headers['retry-after'] ?? 2) * 1000));
}

/** The kind of a reply: 'ok' for the expected status, else the status and the problem's code. */
export function kindOf(reply: Reply, expected: readonly number[]): string {
  if (expected.includes(reply.status)) return 'ok';
  try {
    return `${reply.status} ${(JSON.parse(reply.body) as { code?: string }).code ?? ''}`.trim();
  } catch {
    return String(reply.status);
  }
}

export interface Summary {
  ok: number;
  perSecond: number;
  p50: number;
  p95: number;
  p99: number;
  /** Everything that was not 'ok', by kind. */
  others: string;
}

/** Throughput of 'ok' answers and latency percentiles of the 'ok' answers. */
export function summarize(outcomes: readonly Outcome[], elapsedSeconds: number): Summary {
  const ok = outcomes
    .filter((o) => o.kind === 'ok')
    .map((o) => o.latencyMs)
    .sort((a, b) => a - b);
  const at = (q: number) => ok[Math.min(ok.length - 1, Math.floor(q * ok.length))] ?? 0;
  const others = new Map<string, number>();
  for (const o of outcomes) if (o.kind !== 'ok') others.set(o.kind, (others.get(o.kind) ?? 0) + 1);
  return {
    ok: ok.length,
    perSecond: ok.length / elapsedSeconds,
    p50: at(0.5),
    p95: at(0.95),
    p99: at(0.99),
    others: [...others].map(([kind, n]) => `${kind}: ${n}`).join(', ') || '—',
  };
}

export const ms = (value: number): string => `${value.toFixed(value < 10 ? 2 : 1)} ms`;

export function summaryRow(label: string, summary: Summary): string {
  return `| ${label} | ${summary.ok} | ${summary.perSecond.toFixed(0)} | ${ms(summary.p50)} | ${ms(summary.p95)} | ${ms(summary.p99)} | ${summary.others} |`;
}

export const SUMMARY_HEADER =
  '| what | ok | per s | p50 | p95 | p99 | other answers |\n| --- | ---: | ---: | ---: | ---: | ---: | --- |';

export function machineLine(): string {
  const cpu = /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? 'unknown';
  return `machine: nproc ${availableParallelism()}, ${cpu}, Node ${process.version}`;
}
