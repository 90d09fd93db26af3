import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { from as copyFromStdin } from 'pg-copy-streams';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { mkdirSync } from 'node:fs';
import { PGlitePool } from './pglite-pool.ts';
import type { DB } from './schema.ts';

export type DatabaseKind = 'pglite' | 'postgres';

export interface DatabaseOptions {
  /** A PostgreSQL URL; when absent, the embedded PGlite database is used. */
  databaseUrl?: string | undefined;
  /** Where PGlite keeps its files; `memory://` keeps them in memory (tests). */
  dataDir: string;
  poolSize?: number;
}

export interface CopyOptions {
  /** Rows per COPY statement on PGlite, which cannot stream: bounds memory there. */
  batchRows?: number;
  onProgress?: (rowsCopied: number) => void;
}

export interface Database {
  readonly kind: DatabaseKind;
  readonly db: Kysely<DB>;
  /**
   * Streams CSV lines (each ending in `\n`, no header) into `table(columns)` with COPY: the way bulk
   * loads (population, lists) reach the database on both engines. Returns the number of rows copied.
   */
  copyCsv(
    table: string,
    columns: readonly string[],
    lines: AsyncIterable<string>,
    options?: CopyOptions,
  ): Promise<number>;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * The same JavaScript values from both engines: `bigint` as a number (identifiers stay far below
 * 2^53), `date` as its 'YYYY-MM-DD' text (a calendar date is not an instant: turning it into a JS
 * Date would tie it to the machine's time zone).
 */
const INT8_OID = 20;
const DATE_OID = 1082;
const parseInt8 = (value: string): number => Number(value);
const keepDateText = (value: string): string => value;

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  return options.databaseUrl
    ? openPostgres(options.databaseUrl, options.poolSize ?? 10)
    : openPGlite(options.dataDir);
}

async function openPGlite(dataDir: string): Promise<Database> {
  if (!dataDir.startsWith('memory://')) mkdirSync(dataDir, { recursive: true });
  const pglite = await PGlite.create(dataDir, {
    parsers: { [INT8_OID]: parseInt8, [DATE_OID]: keepDateText },
  });
  const pool = new PGlitePool(pglite);
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  return {
    kind: 'pglite',
    db,
    async copyCsv(table, columns, lines, copyOptions = {}) {
      const batchRows = copyOptions.batchRows ?? 50_000;
      const statement = `COPY ${quoteIdent(table)} (${columns.map(quoteIdent).join(', ')}) FROM '/dev/blob' WITH (FORMAT csv)`;
      let batch: string[] = [];
      let copied = 0;
      const flush = async (): Promise<void> => {
        if (batch.length === 0) return;
        const blob = new Blob(batch);
        const rows = batch.length;
        batch = [];
        const client = await pool.connect();
        try {
          await pglite.query(statement, [], { blob });
        } finally {
          client.release();
        }
        copied += rows;
        copyOptions.onProgress?.(copied);
      };
      for await (const line of lines) {
        batch.push(line);
        if (batch.length >= batchRows) await flush();
      }
      await flush();
      return copied;
    },
    ping: () => pingWith(db),
    async close() {
      await db.destroy();
      await pglite.close();
    },
  };
}

function openPostgres(databaseUrl: string, poolSize: number): Database {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: poolSize,
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary'): unknown => {
        if (oid === INT8_OID) return parseInt8;
        if (oid === DATE_OID) return keepDateText;
        return pg.types.getTypeParser(oid, format);
      }) as typeof pg.types.getTypeParser,
    },
  });
  // A broken idle connection must not take the process down; the next query gets a fresh one.
  pool.on('error', () => undefined);
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  return {
    kind: 'postgres',
    db,
    async copyCsv(table, columns, lines, copyOptions = {}) {
      const client = await pool.connect();
      try {
        const statement = `COPY ${quoteIdent(table)} (${columns.map(quoteIdent).join(', ')}) FROM STDIN WITH (FORMAT csv)`;
        const target = client.query(copyFromStdin(statement));
        let copied = 0;
        const counted = async function* (): AsyncGenerator<string> {
          for await (const line of lines) {
            copied++;
            if (copyOptions.onProgress && copied % 50_000 === 0) copyOptions.onProgress(copied);
            yield line;
          }
        };
        await pipeline(Readable.from(counted()), target);
        copyOptions.onProgress?.(copied);
        return copied;
      } finally {
        client.release();
      }
    },
    ping: () => pingWith(db),
    async close() {
      await db.destroy();
    },
  };
}

async function pingWith(db: Kysely<DB>): Promise<boolean> {
  try {
    await sql`select 1`.execute(db);
    return true;
  } catch {
    return false;
  }
}

export function quoteIdent(name: string): string {
  return name
    .split('.')
    .map((part) => `"${part.replaceAll('"', '""')}"`)
    .join('.');
}
