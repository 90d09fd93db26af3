import { Option, type Command } from 'commander';
import { parsePositiveInteger } from '../cli/context.ts';
import { createProgress } from '../cli/progress.ts';
import { systemClock } from '../platform/clock.ts';
import { createLogger } from '../platform/logging.ts';
import path from 'node:path';
import { buildNationalApp } from './app.ts';
import { ensureSigningCertificates } from '../modules/certificates/signing-certificates.ts';
import { loadNationalConfig, type NationalConfig } from './config.ts';
import { migrateNationalDatabase, openNationalDatabase, type NationalDatabase } from './db.ts';
import { FAULT_MODES, FaultInjector, type FaultMode } from './faults.ts';
import { countNationalPeople, NATIONAL_SEED_DEFAULTS, seedNationalRegistry } from './seed.ts';

async function openMigrated(config: NationalConfig): Promise<NationalDatabase> {
  const database = await openNationalDatabase({
    databaseUrl: config.NATIONAL_DATABASE_URL,
    dataDir: config.pgliteDir,
    poolSize: config.NATIONAL_DATABASE_POOL_SIZE,
  });
  try {
    const applied = await migrateNationalDatabase(database);
    if (applied.length > 0) console.log(`national migrations applied: ${applied.join(', ')}`);
    return database;
  } catch (error) {
    await database.close();
    throw error;
  }
}

/** Seeds the registry unless it already is, with progress on stderr; prints what it holds. */
async function seed(database: NationalDatabase): Promise<void> {
  const { regionPeople, otherRegionPeople, aire, foreigners } = NATIONAL_SEED_DEFAULTS;
  const progress = createProgress(
    'Seeding the national registry',
    regionPeople + otherRegionPeople + aire + foreigners,
  );
  const started = Date.now();
  const result = await seedNationalRegistry(database, NATIONAL_SEED_DEFAULTS, {
    onProgress: (done) => progress.update(done),
  });
  if (result.seeded)
    progress.finish(`national registry seeded in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const counts = Object.entries(await countNationalPeople(database))
    .map(([status, people]) => `${status} ${people.toLocaleString('en-US')}`)
    .join(', ');
  console.log(
    `national registry (${database.kind}): ${result.people.toLocaleString('en-US')} people (${counts})`,
  );
}

function databaseLabel(config: NationalConfig, database: NationalDatabase): string {
  return database.kind === 'pglite'
    ? `embedded PostgreSQL (PGlite, ${config.pgliteDir})`
    : 'PostgreSQL, schema national';
}

export function registerNationalCommands(program: Command): void {
  const national = program
    .command('national')
    .description(
      'The national systems simulator: a separate process with its own HTTP API and database schema (for now the person registry of the health-card system)',
    );

  national
    .command('serve')
    .description(
      'Start the simulator on HOST:NATIONAL_PORT (default 3100): migrate its database (NATIONAL_DATABASE_URL, or PGlite under DATA_DIR/national), seed it when empty, serve',
    )
    .addOption(
      new Option('--fault-mode <mode>', 'start with this fault on the region-facing operations')
        .choices(FAULT_MODES)
        .default('none'),
    )
    .option('--fault-delay-ms <ms>', 'how long the slow fault waits before answering (default 5000)')
    .addHelpText(
      'after',
      '\nRegion calls carry "Authorization: Bearer $NATIONAL_API_TOKEN" (development default region-03-token);\n' +
        'faults change at run time with PUT /admin/faults and "x-admin-token: $NATIONAL_ADMIN_TOKEN"\n' +
        '(development default simulator-admin).\n\nExample:\n  vaxhub national serve --fault-mode slow --fault-delay-ms 3000',
    )
    .action(async (options: { faultMode: FaultMode; faultDelayMs?: string }) => {
      const faults = new FaultInjector({
        mode: options.faultMode,
        ...(options.faultDelayMs === undefined
          ? {}
          : { delayMs: parsePositiveInteger(options.faultDelayMs, '--fault-delay-ms') }),
      });
      const config = loadNationalConfig();
      const database = await openMigrated(config);
      await seed(database);
      // DCC-1: the certificate platform's test CSCA and document signer, made on first start and kept.
      const signing = await ensureSigningCertificates({ dir: path.join(config.DATA_DIR, 'national-dgc') });
      const app = await buildNationalApp({
        config,
        database,
        clock: systemClock,
        logger: createLogger(config.LOG_LEVEL).child({ system: 'national-simulator' }),
        faults,
        signing,
      });
      await app.listen({ host: config.HOST, port: config.NATIONAL_PORT });
      const address = app.server.address();
      const port = typeof address === 'object' && address ? address.port : config.NATIONAL_PORT;
      const url = `http://${config.HOST === '0.0.0.0' ? 'localhost' : config.HOST}:${port}`;
      console.log(
        [
          '',
          `National simulator listening on ${url} (${databaseLabel(config, database)})`,
          `  Person registry: ${url}/persons/{identifier}`,
          `  DCC trust list:  ${url}/dgc/trust-list`,
          `  API explorer:    ${url}/docs`,
          `  OpenAPI:         ${url}/openapi.json`,
          `  Faults:          ${faults.current.mode}${faults.current.mode === 'slow' ? ` (${faults.current.delayMs} ms)` : ''}`,
          '',
        ].join('\n'),
      );
      const stop = async (): Promise<void> => {
        await app.close();
        await database.close();
        process.exit(0);
      };
      process.once('SIGINT', () => void stop());
      process.once('SIGTERM', () => void stop());
    });

  national
    .command('seed')
    .description(
      "Fill the simulator's person registry once: the region's demo population (ACTIVE_REGION), people of other regions, AIRE people and foreigners (ORD7, TS_FOREIGN); deterministic, skipped when already done",
    )
    .action(async () => {
      const config = loadNationalConfig();
      const database = await openMigrated(config);
      try {
        await seed(database);
      } finally {
        await database.close();
      }
    });
}
