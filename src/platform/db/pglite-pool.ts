import type { PGlite, Results } from '@electric-sql/pglite';
import type { PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';

/**
 * Presents one PGlite instance as the `pg.Pool` that Kysely's PostgresDialect expects, so that the
 * embedded database and a real PostgreSQL share every line of the data-access layer.
 *
 * PGlite is a single connection: a transaction must own it from BEGIN to COMMIT, so a client is handed
 * out to one caller at a time and the others queue. This serialises access to the connection only; it
 * decides nothing about capacity or uniqueness, which stay with the database's constraints.
 */
export class PGlitePool implements PostgresPool {
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly pglite: PGlite) {}

  async connect(): Promise<PostgresPoolClient> {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const previous = this.queue;
    this.queue = previous.then(() => released);
    await previous;
    const pglite = this.pglite;
    const query = async <R>(
      sql: string,
      parameters: ReadonlyArray<unknown>,
    ): Promise<PostgresQueryResult<R>> => {
      if (parameters.length === 0 && hasSeveralStatements(sql)) {
        const results = await pglite.exec(sql);
        return toQueryResult<R>(results.at(-1), sql);
      }
      return toQueryResult<R>(await pglite.query<R>(sql, parameters as unknown[]), sql);
    };
    // Kysely streams with cursors only when asked to; this dialect does not offer them.
    return { query: query as PostgresPoolClient['query'], release };
  }

  async end(): Promise<void> {
    await this.queue;
  }
}

function hasSeveralStatements(sql: string): boolean {
  return sql.trim().replace(/;\s*$/, '').includes(';');
}

function toQueryResult<R>(result: Results<R> | Results | undefined, sql: string): PostgresQueryResult<R> {
  const rows = (result?.rows ?? []) as R[];
  const command = (sql.trim().split(/\s+/, 1)[0] ?? '').toUpperCase();
  return {
    command: command as PostgresQueryResult<R>['command'],
    rowCount: result?.affectedRows ?? rows.length,
    rows,
  };
}
