import pg from 'pg';
import {
  findPostgresBinDir,
  startPostgresCluster,
  type PostgresCluster,
} from '../../test/postgres-cluster.ts';

/**
 * A throwaway PostgreSQL cluster (the integration tests' settings: fsync off, loopback only) with
 * `databases` created, and its server version for the report: where every bench on PostgreSQL starts.
 */
export async function benchCluster(
  databases: readonly string[],
  settings: readonly string[] = [],
): Promise<{ cluster: PostgresCluster; serverVersion: string }> {
  const binDir = findPostgresBinDir();
  if (!binDir)
    throw new Error('PostgreSQL binaries not found (initdb/pg_ctl on the PATH or in pg_config --bindir)');
  const cluster = await startPostgresCluster(binDir, settings);
  const admin = new pg.Client({ connectionString: cluster.url('postgres') });
  await admin.connect();
  try {
    for (const name of databases) await admin.query(`CREATE DATABASE ${name}`);
    const version = await admin.query<{ server_version: string }>('SHOW server_version');
    return { cluster, serverVersion: version.rows[0]?.server_version ?? '?' };
  } finally {
    await admin.end();
  }
}
