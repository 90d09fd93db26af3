import { sql, type Generated, type Kysely } from 'kysely';
import { fileURLToPath } from 'node:url';
import { openDatabase, type Database } from '../platform/db/database.ts';
import { migrateToLatest } from '../platform/db/migrate.ts';
import type { NationalPersonsTable } from './persons/tables.ts';
import type {
  CertificatesTable,
  HealthCardVaccinationsTable,
  NationalAdministrationsTable,
} from './vaccinations/tables.ts';

/** Every table of the simulator lives in this schema, on PGlite and on PostgreSQL alike. */
export const NATIONAL_SCHEMA = 'national';
export const NATIONAL_MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));

export interface SeedStateTable {
  id: boolean;
  people: number;
  seeded_at: Generated<Date>;
}

export interface NationalDB {
  persons: NationalPersonsTable;
  administrations: NationalAdministrationsTable;
  health_card_vaccinations: HealthCardVaccinationsTable;
  certificates: CertificatesTable;
  seed_state: SeedStateTable;
}

/** The platform's database handle, typed for the simulator's tables. */
export interface NationalDatabase extends Omit<Database, 'db'> {
  readonly db: Kysely<NationalDB>;
}

export interface NationalDatabaseOptions {
  /** A PostgreSQL URL; when absent, an embedded PGlite of the simulator's own. */
  databaseUrl?: string | undefined;
  /** Where that PGlite keeps its files (`memory://` in tests); never the region's: PGlite is one process's. */
  dataDir: string;
  poolSize?: number;
}

/**
 * Opens the simulator's database through the platform's data layer, with `national` as the only schema
 * on the search path: on PostgreSQL as a startup option of every pooled connection, on PGlite (one
 * session) once. Unqualified names in the migrations and queries then always mean the simulator's tables.
 */
export async function openNationalDatabase(options: NationalDatabaseOptions): Promise<NationalDatabase> {
  const database = await openDatabase({
    databaseUrl: options.databaseUrl ? withSearchPath(options.databaseUrl) : undefined,
    dataDir: options.dataDir,
    ...(options.poolSize ? { poolSize: options.poolSize } : {}),
  });
  try {
    // The schema must exist before the migration ledger is created in it.
    await sql`CREATE SCHEMA IF NOT EXISTS ${sql.id(NATIONAL_SCHEMA)}`.execute(database.db);
    if (database.kind === 'pglite')
      await sql`SET search_path TO ${sql.id(NATIONAL_SCHEMA)}`.execute(database.db);
  } catch (error) {
    await database.close();
    throw error;
  }
  return {
    kind: database.kind,
    // The platform's handle is typed for the regional schema; the connection is the same, the tables are ours.
    db: database.db as unknown as Kysely<NationalDB>,
    copyCsv: (table, columns, lines, copyOptions) => database.copyCsv(table, columns, lines, copyOptions),
    ping: () => database.ping(),
    close: () => database.close(),
  };
}

function withSearchPath(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  const options = url.searchParams.get('options');
  url.searchParams.set('options', `${options ? `${options} ` : ''}-c search_path=${NATIONAL_SCHEMA}`);
  return url.toString();
}

export class NationalDatabaseSharedError extends Error {}

/**
 * Applies src/national/migrations with the platform's migrator. Its ledger table has a fixed name and
 * Kysely looks for it in every schema, so a database already holding another ledger (the regional
 * platform's) would be mistaken for a migrated one: refused with a clear message instead.
 */
export async function migrateNationalDatabase(database: NationalDatabase): Promise<string[]> {
  const { rows } = await sql<{ schema: string }>`
    SELECT schemaname AS schema FROM pg_catalog.pg_tables
    WHERE tablename = 'schema_migration' AND schemaname <> ${NATIONAL_SCHEMA}
  `.execute(database.db);
  const other = rows[0];
  if (other) {
    throw new NationalDatabaseSharedError(
      `the simulator's database already holds a migration ledger in schema "${other.schema}" ` +
        '(the regional platform?): point NATIONAL_DATABASE_URL at a database of its own',
    );
  }
  return migrateToLatest(database.db, NATIONAL_MIGRATIONS_DIR);
}
