import { afterAll, beforeAll, describe, inject } from 'vitest';
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import type { DatabaseKind } from '../platform/db/database.ts';
import { testedDatabaseKinds } from '../../test/databases.ts';
import { migrateNationalDatabase, openNationalDatabase, type NationalDatabase } from './db.ts';

/** A fresh PostgreSQL database on the throwaway test cluster; returns its URL. */
export async function createTestPostgresDatabase(): Promise<string> {
  const adminUrl = inject('postgresAdminUrl');
  const name = `vaxhub_national_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  return adminUrl.replace(/\/postgres$/, `/${name}`);
}

/** The simulator's database, migrated, on an in-memory PGlite or a fresh PostgreSQL database. */
export async function openMigratedNationalTestDatabase(kind: DatabaseKind): Promise<NationalDatabase> {
  const database = await openNationalDatabase(
    kind === 'pglite'
      ? { dataDir: 'memory://' }
      : { databaseUrl: await createTestPostgresDatabase(), dataDir: '' },
  );
  await migrateNationalDatabase(database);
  return database;
}

/**
 * Like test/databases.ts's describeEachDatabase, for the simulator's own schema: the same suite once
 * per engine, each on a fresh migrated national database, the engine in the suite's name.
 */
export function describeEachNationalDatabase(
  title: string,
  suite: (database: () => NationalDatabase, kind: DatabaseKind) => void,
): void {
  for (const kind of testedDatabaseKinds()) {
    describe(`${title} [${kind}]`, () => {
      let database: NationalDatabase | undefined;
      beforeAll(async () => {
        database = await openMigratedNationalTestDatabase(kind);
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
