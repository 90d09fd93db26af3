import type { Command } from 'commander';
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { loadConfig, type Config } from '../platform/config.ts';
import { openDatabase, type Database } from '../platform/db/database.ts';
import { migrateToLatest } from '../platform/db/migrate.ts';
import { createLogger } from '../platform/logging.ts';
import { systemClock } from '../platform/clock.ts';
import { systemContext } from '../platform/audit/audit.ts';
import { AuthService } from '../platform/auth/service.ts';
import { STAFF_ROLES, type StaffRole } from '../platform/auth/roles.ts';
import { buildServer } from '../server.ts';
import { seedDemo, seedDemoCapacity, seedDemoFragileList, DEMO_PASSWORD } from '../modules/demo/seed.ts';
import { seedDemoSessions } from '../modules/accessibility/demo.ts';
import { UsageError, withDatabase, parsePositiveInteger } from './context.ts';
import { startDemoMail } from '../modules/messaging/cli.ts';

async function openConfigured(config: Config): Promise<Database> {
  return openDatabase({
    databaseUrl: config.DATABASE_URL,
    dataDir: config.DATA_DIR,
    poolSize: config.DATABASE_POOL_SIZE,
  });
}

/**
 * The national simulator runs as its own process, as the real national systems would, on its own
 * embedded database under DATA_DIR; its output is prefixed so the demo's console stays readable.
 */
function startNationalSimulator(config: Config): ChildProcess {
  const bin = fileURLToPath(new URL('../../bin/vaxhub.js', import.meta.url));
  const child = spawn(process.execPath, [bin, 'national', 'serve'], {
    env: { ...process.env, NATIONAL_PORT: new URL(config.NATIONAL_URL).port || '3100', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const stream of [child.stdout, child.stderr]) {
    if (stream) createInterface({ input: stream }).on('line', (line) => console.log(`[national] ${line}`));
  }
  // Whatever ends the demo ends the simulator too.
  process.once('exit', () => child.kill('SIGTERM'));
  return child;
}

/** Starts the HTTP server and stops it cleanly on SIGINT/SIGTERM, letting requests in flight finish. */
async function serve(
  config: Config,
  database: Database,
  banner?: (url: string) => void,
  children: ChildProcess[] = [],
): Promise<void> {
  const logger = createLogger(config.LOG_LEVEL);
  const { app } = await buildServer({ config, database, clock: systemClock, logger });
  // A surge opens thousands of connections at once. Node's default accept queue (511) drops the rest of
  // their SYNs and those clients wait 1, 3, 7 s to try again, which no admission control can help
  // (REL-5, docs/benchmarks.md); the kernel caps this at net.core.somaxconn.
  await app.listen({ host: config.HOST, port: config.PORT, backlog: 4096 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  const url = config.PUBLIC_URL ?? `http://${config.HOST === '0.0.0.0' ? 'localhost' : config.HOST}:${port}`;
  banner?.(url);
  const stop = async (): Promise<void> => {
    for (const child of children) child.kill('SIGTERM');
    await app.close();
    await database.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

export function registerPlatformCommands(program: Command): void {
  program
    .command('serve')
    .description('Start the API server on the configured database (migrations are applied first)')
    .action(async () => {
      const config = loadConfig();
      const database = await openConfigured(config);
      await migrateToLatest(database.db);
      await serve(config, database, (url) => console.log(`Vaxhub listening on ${url} (${database.kind})`));
    });

  program
    .command('demo')
    .description(
      'Run the whole platform with demo data: migrate, load reference data and a population, seed accounts, serve',
    )
    .action(async () => {
      const started = Date.now();
      const config = loadConfig();
      const database = await openConfigured(config);
      const applied = await migrateToLatest(database.db);
      if (applied.length > 0) console.log(`migrations applied: ${applied.join(', ')}`);
      const summary = await seedDemo(database, systemClock, (line) => console.log(line));
      const mail = await startDemoMail(config);
      const children: ChildProcess[] = [];
      await serve(
        config,
        database,
        (url) => {
          const lines = [
            '',
            `Vaxhub demo ready in ${((Date.now() - started) / 1000).toFixed(1)} s on ${database.kind === 'pglite' ? `embedded PostgreSQL (PGlite, ${config.DATA_DIR})` : 'PostgreSQL'}`,
            '',
            `  Home:            ${url}/`,
            `  Citizen portal:  ${url}/portal (sign in with the demo citizen below)`,
            `  Staff consoles:  ${url}/console (sign in with a staff account below)`,
            `  API explorer:    ${url}/docs`,
            `  OpenAPI:         ${url}/openapi.json`,
            `  Health:          ${url}/health`,
            `  National simulator: ${config.NATIONAL_URL}/docs (its own process and database, starting now)`,
            ...mail.lines,
            '',
            `  Staff accounts (password for all: ${DEMO_PASSWORD}):`,
            ...summary.accounts.map((a) => `    ${a.username.padEnd(12)} ${a.role.padEnd(26)} ${a.scope}`),
          ];
          if (summary.citizen) {
            lines.push(
              '',
              `  Demo citizen:    ${summary.citizen.name}`,
              `    tax code ${summary.citizen.taxCode}, health card ${summary.citizen.healthCardNumber}`,
            );
          }
          lines.push('', 'Stop with Ctrl+C.', '');
          console.log(lines.join('\n'));
        },
        children,
      );
      // Started once the platform is ready, so that seeding the simulator does not slow the start.
      children.push(startNationalSimulator(config));
      await seedDemoFragileList(database, systemClock, config.DATA_DIR, (line) => console.log(line)).catch(
        (error: unknown) =>
          console.error('demo fragile list not loaded:', error instanceof Error ? error.message : error),
      );
      await seedDemoCapacity(database, systemClock, (line) => console.log(line)).catch((error: unknown) =>
        console.error('demo booking capacity not set:', error instanceof Error ? error.message : error),
      );
      await seedDemoSessions(database, systemClock, config.REGION_CODE, (line) => console.log(line)).catch(
        (error: unknown) =>
          console.error(
            'demo dedicated sessions not opened:',
            error instanceof Error ? error.message : error,
          ),
      );
    });

  const db = program.command('db').description('Database maintenance');
  db.command('migrate')
    .description('Apply the pending numbered SQL migrations (forward-only)')
    .action(async () => {
      await withDatabase(async (database) => {
        // withDatabase migrates on open; asking again lists nothing pending.
        const pending = await migrateToLatest(database.db);
        console.log(
          `database (${database.kind}) is at the latest migration${pending.length ? `: ${pending.join(', ')}` : ''}`,
        );
      });
    });

  const staff = program.command('staff').description('Staff accounts');
  staff
    .command('add')
    .description(
      'Create a staff account (the password is read from VAXHUB_NEW_PASSWORD, never from the command line)',
    )
    .requiredOption('--username <name>', 'login name: 3-64 of a-z 0-9 . _ -')
    .requiredOption('--role <role>', `one of: ${STAFF_ROLES.join(', ')}`)
    .option('--display-name <name>', 'name shown in the consoles')
    .option('--point <id...>', 'vaccination point id(s), for vaccinator and point_admin')
    .option('--authority <code>', 'health authority code, for asl_admin')
    .action(
      async (options: {
        username: string;
        role: string;
        displayName?: string;
        point?: string[];
        authority?: string;
      }) => {
        const password = process.env.VAXHUB_NEW_PASSWORD;
        if (!password)
          throw new UsageError(
            'set VAXHUB_NEW_PASSWORD to the new account password (at least 12 characters)',
          );
        if (!(STAFF_ROLES as readonly string[]).includes(options.role)) {
          throw new UsageError(`--role must be one of: ${STAFF_ROLES.join(', ')}`);
        }
        await withDatabase(async (database) => {
          const auth = new AuthService(database.db, systemClock, {
            staffSessionMinutes: 1,
            citizenSessionMinutes: 1,
          });
          const id = await auth.createStaffAccount(
            {
              username: options.username,
              displayName: options.displayName ?? options.username,
              role: options.role as StaffRole,
              password,
              vaccinationPointIds: (options.point ?? []).map((p) => parsePositiveInteger(p, '--point')),
              healthAuthorityCodes: options.authority ? [options.authority] : [],
            },
            systemContext('cli', systemClock.now()),
          );
          console.log(`staff account ${options.username} created (id ${id})`);
        });
      },
    );
}
