import type { Database } from '../../platform/db/database.ts';
import type { Clock } from '../../platform/clock.ts';
import { romeDate } from '../../platform/clock.ts';
import { systemContext } from '../../platform/audit/audit.ts';
import { EligibilityService } from '../eligibility/service.ts';
import { BookingService } from '../booking/service.ts';
import { AccessibilityService } from './service.ts';
import type { SessionKind, Support } from './tables.ts';

/** The demo's dedicated sessions, per province's first hub: days from today, Rome times. */
const DEMO_SESSIONS: readonly {
  offset: number;
  from: string;
  to: string;
  kind: SessionKind;
  supports: Support[];
  groupSize: number;
}[] = [
  { offset: 2, from: '14:00', to: '16:00', kind: 'deaf', supports: ['lis_interpreter'], groupSize: 6 },
  { offset: 3, from: '10:00', to: '12:00', kind: 'blind', supports: ['guide'], groupSize: 4 },
  { offset: 4, from: '09:00', to: '11:00', kind: 'transported', supports: [], groupSize: 8 },
  { offset: 5, from: '14:00', to: '15:30', kind: 'deaf', supports: ['lip_reading_mediator'], groupSize: 4 },
];

/**
 * BOOK-15 for the demo: a few dedicated sessions at the first hub of each province, so that the portal's
 * "book a dedicated session" page has something to offer. Once: nothing is added when sessions exist.
 */
export async function seedDemoSessions(
  database: Database,
  clock: Clock,
  regionCode: string,
  log: (line: string) => void,
): Promise<number> {
  const db = database.db;
  if ((await db.selectFrom('dedicated_sessions').select('id').limit(1).executeTakeFirst()) !== undefined)
    return 0;
  const eligibility = new EligibilityService(db, clock, regionCode);
  const service = new AccessibilityService(
    db,
    clock,
    eligibility,
    new BookingService(db, clock, eligibility),
  );
  const context = systemContext('demo-seed', clock.now());
  const hubs = await db
    .selectFrom('vaccination_points as p')
    .innerJoin('municipalities as m', 'm.istat', 'p.municipality_istat')
    .select(['p.id', 'p.code', 'm.province_code'])
    .where('p.kind', '=', 'hub')
    .orderBy('p.code')
    .execute();
  const firstOfProvince = hubs.filter(
    (hub, index) => hubs.findIndex((h) => h.province_code === hub.province_code) === index,
  );
  const today = romeDate(clock.now());
  let opened = 0;
  for (const hub of firstOfProvince) {
    for (const session of DEMO_SESSIONS) {
      const day = new Date(Date.parse(`${today}T00:00:00Z`) + session.offset * 86_400_000)
        .toISOString()
        .slice(0, 10);
      await service.openSession(
        {
          pointId: Number(hub.id),
          kind: session.kind,
          supports: session.supports,
          startsAt: AccessibilityService.instantOf(day, session.from),
          endsAt: AccessibilityService.instantOf(day, session.to),
          groupSize: session.groupSize,
        },
        null,
        context,
      );
      opened += 1;
    }
  }
  log(
    `demo dedicated sessions opened: ${opened} (deaf, blind, transported) at ${firstOfProvince.length} hubs`,
  );
  return opened;
}
