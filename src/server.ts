import type { Logger } from 'pino';
import type { Config } from './platform/config.ts';
import type { Database } from './platform/db/database.ts';
import type { Clock } from './platform/clock.ts';
import { buildHttpApp, type ModuleRoutes } from './platform/http/app.ts';
import { authRoutes } from './platform/auth/routes.ts';
import { systemRoutes } from './modules/system/routes.ts';
import { homeRoutes } from './modules/system/home.ts';
import { registryRoutes } from './modules/registry/routes.ts';
import { eligibilityRoutes } from './modules/eligibility/routes.ts';
import { bookingRoutes } from './modules/booking/routes.ts';
import { capacityRoutes } from './modules/capacity/routes.ts';
import { vaccinationRoutes } from './modules/vaccination/routes.ts';
import { portalRoutes } from './modules/portal/routes.ts';
import { certificateRoutes } from './modules/certificates/routes.ts';
import { messagingRoutes } from './modules/messaging/routes.ts';
import { exportRoutes } from './modules/exports/routes.ts';
import { outreachRoutes } from './modules/outreach/routes.ts';
import { accessibilityRoutes } from './modules/accessibility/routes.ts';
import { consoleRoutes } from './modules/console/routes.ts';
import { waitingListRoutes } from './modules/waiting-list/routes.ts';
import { retentionRoutes } from './modules/retention/routes.ts';

/** Every module's routes, in one list: adding a module to the platform is one line here. */
export const MODULES: ModuleRoutes[] = [
  homeRoutes,
  systemRoutes,
  authRoutes,
  registryRoutes,
  eligibilityRoutes,
  bookingRoutes,
  capacityRoutes,
  vaccinationRoutes,
  portalRoutes,
  certificateRoutes,
  messagingRoutes,
  exportRoutes,
  outreachRoutes,
  accessibilityRoutes,
  consoleRoutes,
  waitingListRoutes,
  retentionRoutes,
];

export function buildServer(options: { config: Config; database: Database; clock: Clock; logger: Logger }) {
  return buildHttpApp({ ...options, modules: MODULES });
}
