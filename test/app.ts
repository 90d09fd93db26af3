import type { Logger } from 'pino';
import type { Database } from '../src/platform/db/database.ts';
import { loadConfig } from '../src/platform/config.ts';
import { createLogger } from '../src/platform/logging.ts';
import { fixedClock } from '../src/platform/clock.ts';
import { buildHttpApp, type ModuleRoutes } from '../src/platform/http/app.ts';
import { MODULES } from '../src/server.ts';
import { AuthService } from '../src/platform/auth/service.ts';
import { systemContext } from '../src/platform/audit/audit.ts';
import { STAFF_ROLES, type StaffRole } from '../src/platform/auth/roles.ts';
import type { App } from '../src/platform/http/types.ts';

export const TEST_PASSWORD = 'test-password-123';

/** The real application on a test database, with a clock the test controls and logs kept quiet. */
export async function buildTestApp(
  database: Database,
  options: {
    extraModules?: ModuleRoutes[];
    now?: string;
    env?: Record<string, string>;
    /** Where the app logs (default: nowhere), e.g. to check what a flow writes to the log. */
    logger?: Logger;
  } = {},
) {
  const clock = fixedClock(options.now ?? '2021-04-02T08:00:00Z');
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    // Tests run the national flows themselves (POST /national-flow/runs), at the moment they choose.
    NATIONAL_SYNC_INTERVAL_MS: '0',
    NATIONAL_RETRY_BASE_MS: '0',
    // Likewise messages to people (POST /messaging/runs).
    MESSAGING_INTERVAL_MS: '0',
    MESSAGING_RETRY_BASE_MS: '0',
    // Likewise the waiting list, no-shows and standby calls (POST /waiting-list/runs).
    WAITING_LIST_INTERVAL_MS: '0',
    // Likewise data retention (RetentionService.run).
    RETENTION_INTERVAL_MS: '0',
    ...options.env,
  });
  const { app, routes } = await buildHttpApp({
    config,
    database,
    clock,
    logger: options.logger ?? createLogger('silent'),
    modules: [...MODULES, ...(options.extraModules ?? [])],
  });
  await app.ready();
  return { app, routes, clock, config };
}

/** One staff account per role (scoped to the first vaccination point and its authority), idempotent. */
export async function ensureStaffOfEveryRole(database: Database): Promise<Record<StaffRole, string>> {
  const db = database.db;
  const point = await db
    .selectFrom('vaccination_points')
    .select(['id', 'health_authority_code'])
    .orderBy('code')
    .executeTakeFirstOrThrow();
  const auth = new AuthService(db, fixedClock('2021-04-01T00:00:00Z'), {
    staffSessionMinutes: 60,
    citizenSessionMinutes: 30,
  });
  const usernames = {} as Record<StaffRole, string>;
  for (const role of STAFF_ROLES) {
    const username = `test.${role.replaceAll('_', '-')}`;
    usernames[role] = username;
    const exists = await db
      .selectFrom('staff_accounts')
      .select('id')
      .where('username', '=', username)
      .executeTakeFirst();
    if (exists) continue;
    await auth.createStaffAccount(
      {
        username,
        displayName: role,
        role,
        password: TEST_PASSWORD,
        vaccinationPointIds: role === 'vaccinator' || role === 'point_admin' ? [point.id] : [],
        healthAuthorityCodes: role === 'asl_admin' ? [point.health_authority_code] : [],
      },
      systemContext('test', new Date('2021-04-01T00:00:00Z')),
    );
  }
  return usernames;
}

/** Bearer headers of a staff member signed in now (at the app clock's time: tests that move it sign in again). */
export async function signInStaff(
  app: App,
  username: string | undefined,
): Promise<{ authorization: string }> {
  const response = await app.inject({
    method: 'POST',
    url: '/auth/staff/session',
    payload: { username, password: TEST_PASSWORD },
  });
  return { authorization: `Bearer ${response.json<{ token: string }>().token}` };
}
