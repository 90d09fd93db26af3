import { afterAll, beforeAll, describe, inject } from 'vitest';
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { openDatabase, type Database, type DatabaseKind } from '../src/platform/db/database.ts';
import { migrateToLatest } from '../src/platform/db/migrate.ts';

/** A fresh, empty database on the throwaway test cluster; returns its URL. */
export async function createTestPostgresDatabase(prefix = 'vaxhub_test'): Promise<string> {
  const adminUrl = inject('postgresAdminUrl');
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  return adminUrl.replace(/\/postgres$/, `/${name}`);
}

export async function openMigratedTestDatabase(kind: DatabaseKind): Promise<Database> {
  const database =
    kind === 'pglite'
      ? await openDatabase({ dataDir: 'memory://' })
      : await openDatabase({ databaseUrl: await createTestPostgresDatabase(), dataDir: '' });
  await migrateToLatest(database.db);
  return database;
}

export function testedDatabaseKinds(): DatabaseKind[] {
  return inject('postgresAdminUrl') ? ['pglite', 'postgres'] : ['pglite'];
}

/**
 * Runs the same suite once per database engine, on a database `open` makes fresh for it; the engine
 * is in the suite's name, so the test output shows which engine every result comes from.
 */
export function describeEachEngine<T extends { close(): Promise<void> }>(
  title: string,
  open: (kind: DatabaseKind) => Promise<T>,
  suite: (database: () => T, kind: DatabaseKind) => void,
): void {
  for (const kind of testedDatabaseKinds()) {
    describe(`${title} [${kind}]`, () => {
      let database: T | undefined;
      beforeAll(async () => {
        database = await open(kind);
      }, 60_000);
      afterAll(async () => {
        await database?.close();
      });
      suite(() => {
        if (!database) throw new Error('database not open yet');
        return database;
      }, kind);
    });
  }
}

/** The regional platform's database, migrated, on each engine. */
export function describeEachDatabase(title: string, suite: (database: () => Database) => void): void {
  describeEachEngine(title, openMigratedTestDatabase, suite);
}
