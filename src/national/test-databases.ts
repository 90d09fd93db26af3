import type { DatabaseKind } from '../platform/db/database.ts';
import { createTestPostgresDatabase, describeEachEngine } from '../../test/databases.ts';
import { migrateNationalDatabase, openNationalDatabase, type NationalDatabase } from './db.ts';

/** The simulator's database, migrated, on an in-memory PGlite or a fresh PostgreSQL database. */
export async function openMigratedNationalTestDatabase(kind: DatabaseKind): Promise<NationalDatabase> {
  const database = await openNationalDatabase(
    kind === 'pglite'
      ? { dataDir: 'memory://' }
      : { databaseUrl: await createTestPostgresDatabase('vaxhub_national_test'), dataDir: '' },
  );
  await migrateNationalDatabase(database);
  return database;
}

/** Like describeEachDatabase, for the simulator's own schema. */
export function describeEachNationalDatabase(
  title: string,
  suite: (database: () => NationalDatabase, kind: DatabaseKind) => void,
): void {
  describeEachEngine(title, openMigratedNationalTestDatabase, suite);
}
