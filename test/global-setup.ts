import type { TestProject } from 'vitest/node';
import { findPostgresBinDir, startPostgresCluster, type PostgresCluster } from './postgres-cluster.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** URL of the throwaway cluster's maintenance database; empty when only PGlite runs. */
    postgresAdminUrl: string;
  }
}

let cluster: PostgresCluster | undefined;

/**
 * Integration tests run against both engines. The real PostgreSQL is required: without its binaries
 * the run fails, unless VAXHUB_TEST_DATABASES=pglite says on purpose to test the embedded engine only.
 */
export async function setup(project: TestProject): Promise<void> {
  const only = process.env.VAXHUB_TEST_DATABASES;
  if (only === 'pglite') {
    console.warn('[databases] VAXHUB_TEST_DATABASES=pglite: integration tests run on PGlite only.');
    project.provide('postgresAdminUrl', '');
    return;
  }
  const binDir = findPostgresBinDir();
  if (!binDir) {
    throw new Error(
      'PostgreSQL binaries (initdb, pg_ctl) were not found on the PATH nor in `pg_config --bindir`. ' +
        'Install them (apt-get install -y postgresql) or set VAXHUB_TEST_DATABASES=pglite.',
    );
  }
  cluster = await startPostgresCluster(binDir);
  console.log(`[databases] integration tests run on PGlite and on PostgreSQL (${binDir})`);
  project.provide('postgresAdminUrl', cluster.url('postgres'));
}

export function teardown(): void {
  cluster?.stop();
}
