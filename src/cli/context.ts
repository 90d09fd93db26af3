import { loadConfig, type Config } from '../platform/config.ts';
import { openDatabase, type Database } from '../platform/db/database.ts';
import { migrateToLatest } from '../platform/db/migrate.ts';

/** A command-line failure the user can fix: printed without a stack trace, exit code 1. */
export class UsageError extends Error {}

/** Opens the configured database (PGlite under DATA_DIR or DATABASE_URL), migrated, for one command. */
export async function withDatabase<T>(work: (database: Database, config: Config) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const database = await openDatabase({
    databaseUrl: config.DATABASE_URL,
    dataDir: config.DATA_DIR,
    poolSize: config.DATABASE_POOL_SIZE,
  });
  try {
    await migrateToLatest(database.db);
    return await work(database, config);
  } finally {
    await database.close();
  }
}

export function parsePositiveInteger(value: string, option: string): number {
  const cleaned = value.replaceAll('_', '');
  if (!/^\d+$/.test(cleaned) || Number(cleaned) <= 0) {
    throw new UsageError(`${option} must be a positive whole number, got "${value}"`);
  }
  return Number(cleaned);
}
