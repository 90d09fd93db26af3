import { afterAll, beforeAll, describe, inject } from 'vitest';
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { openDatabase, type Database, type DatabaseKind } from '../src/platform/db/database.ts';
import { migrateToLatest } from '../src/platform/db/migrate.ts';

export async function openMigratedTestDatabase(kind: DatabaseKind): Promise<Database> {
  if (kind === 'pglite') {
    const database = await openDatabase({ dataDir: 'memory://' });
    await migrateToLatest(database.db);
    return database;
  }
  const adminUrl = inject('postgresAdminUrl');
  const name = `vaxhub_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const database = await openDatabase({
    databaseUrl: adminUrl.replace(/\/postgres$/, `/${name}`),
    dataDir: '',
  });
  await migrateToLatest(database.db);
  return database;
}

export function testedDatabaseKinds(): DatabaseKind[] {
  return inject('postgresAdminUrl') ? ['pglite', 'postgres'] : ['pglite'];
}

/**
 * Runs the same suite once per database engine, on a fresh migrated database each; the engine is in
 * the suite's name, so the test output shows which engine every result comes from.
 */
export function describeEachDatabase(title: string, suite: (database: () => Database) => void): void {
  for (const kind of testedDatabaseKinds()) {
    describe(`${title} [${kind}]`, () => {
      let database: Database | undefined;
      beforeAll(async () => {
        database = await openMigratedTestDatabase(kind);
      }, 60_000);
      afterAll(async () => {
        await database?.close();
      });
      suite(() => {
        if (!database) throw new Error('database not open yet');
        return database;
      });
    });
  }
}
