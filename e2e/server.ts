import { openDatabase, type Database } from '../src/platform/db/database.ts';
import { migrateToLatest } from '../src/platform/db/migrate.ts';
import { loadConfig } from '../src/platform/config.ts';
import { createLogger } from '../src/platform/logging.ts';
import { systemClock } from '../src/platform/clock.ts';
import { buildServer } from '../src/server.ts';
import { loadReferenceData } from '../src/modules/reference/service.ts';

/**
 * The real server on an embedded database with reference data, on a free loopback port; `env` adds to its
 * configuration (e.g. the national simulator's address and the SMTP sink of a spec).
 */
export async function startE2eServer(env: Record<string, string> = {}): Promise<{
  url: string;
  /** For specs that seed what they need (people, plan, capacity) after the start. */
  database: Database;
  stop: () => Promise<void>;
}> {
  const database: Database = await openDatabase({ dataDir: 'memory://' });
  await migrateToLatest(database.db);
  await loadReferenceData(database);
  const config = loadConfig({ NODE_ENV: 'test', PORT: '0', LOG_LEVEL: 'silent', ...env });
  const { app } = await buildServer({ config, database, clock: systemClock, logger: createLogger('silent') });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    database,
    async stop() {
      await app.close();
      await database.close();
    },
  };
}
