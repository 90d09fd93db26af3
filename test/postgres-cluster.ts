import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, chownSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import net from 'node:net';

/**
 * A throwaway PostgreSQL cluster for integration tests: initdb in a temporary folder, fsync off,
 * listening on a free loopback port, removed when stopped. Uses the machine's binaries (on the PATH or
 * in `pg_config --bindir`). PostgreSQL refuses to run as root, so as root it runs as `postgres`.
 */
export interface PostgresCluster {
  url(database: string): string;
  /** The same database through the cluster's Unix-domain socket (for processes on this machine). */
  socketUrl(database: string): string;
  stop(): void;
}

export function findPostgresBinDir(): string | undefined {
  const onPath = spawnSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' }).stdout.trim();
  if (onPath) return path.dirname(onPath);
  const fromPgConfig = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
  const bindir = fromPgConfig.status === 0 ? fromPgConfig.stdout.trim() : '';
  if (bindir && existsSync(path.join(bindir, 'initdb'))) return bindir;
  return undefined;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export async function startPostgresCluster(
  binDir: string,
  settings: readonly string[] = [],
): Promise<PostgresCluster> {
  const root = mkdtempSync(path.join(tmpdir(), 'vaxhub-pg-'));
  const dataDir = path.join(root, 'data');
  const asRoot = process.getuid?.() === 0;
  const run = (binary: string, args: string[]): void => {
    const command = path.join(binDir, binary);
    if (asRoot) execFileSync('runuser', ['-u', 'postgres', '--', command, ...args], { stdio: 'pipe' });
    else execFileSync(command, args, { stdio: 'pipe' });
  };
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    chownSync(root, uid, gid);
  }
  run('initdb', ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--no-locale']);
  const port = await freePort();
  const options = `-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c listen_addresses=127.0.0.1 -c port=${port} -c unix_socket_directories=${root} -c max_connections=200 ${settings.map((setting) => `-c ${setting}`).join(' ')}`;
  run('pg_ctl', ['-D', dataDir, '-o', options, '-l', path.join(root, 'server.log'), '-w', 'start']);
  let stopped = false;
  return {
    url: (database) => `postgres://postgres@127.0.0.1:${port}/${database}`,
    socketUrl: (database) => `postgres://postgres@${encodeURIComponent(root)}:${port}/${database}`,
    stop() {
      if (stopped) return;
      stopped = true;
      try {
        run('pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    },
  };
}
