import { beforeAll, expect, it } from 'vitest';
import { sql } from 'kysely';
import { describeEachDatabase } from '../../../test/databases.ts';
import { buildTestApp, ensureStaffOfEveryRole, TEST_PASSWORD } from '../../../test/app.ts';
import { FormBrowser } from '../../../test/form-browser.ts';
import { openHubDays } from '../../../test/registry-fixtures.ts';
import { loadReferenceData } from '../reference/service.ts';
import { generatePopulationIntoDatabase } from '../population/service.ts';
import { EligibilityService } from '../eligibility/service.ts';
import { BookingService } from '../booking/service.ts';
import { systemContext } from '../../platform/audit/audit.ts';
import { fixedClock, romeInstant } from '../../platform/clock.ts';
import type { App } from '../../platform/http/types.ts';
import type { StaffRole } from '../../platform/auth/roles.ts';
import { noShowsPerHubDay } from '../waiting-list/repo.ts';

const NOW = '2021-04-10T08:00:00Z';
const DAY = '2021-04-12';

/** The section of a page about one chart: its heading, image, and table. */
const figure = (page: string, id: string): string =>
  new RegExp(`<section[^>]*aria-labelledby="${id}-heading"[\\s\\S]*?</section>`).exec(page)?.[0] ?? '';

describeEachDatabase('capacity dashboard: no-shows (UX-5)', (database) => {
  let app: App;
  let usernames: Record<StaffRole, string>;
  let own: { id: number; name: string };
  let other: { id: number; name: string };
  let serial = 0;
  const db = () => database().db;

  const signIn = async (username: string): Promise<FormBrowser> => {
    const browser = new FormBrowser(app);
    const home = await browser.follow(
      await browser.post('/console/sign-in', { username, password: TEST_PASSWORD }),
    );
    expect(home.statusCode).toBe(200);
    return browser;
  };

  /** A booking taken as the booking module takes it, then recorded as a no-show of its day. */
  const noShow = async (personId: number, pointId: number, time: string): Promise<void> => {
    const slot = await db()
      .selectFrom('slots')
      .select('id')
      .where('vaccination_point_id', '=', pointId)
      .where('starts_at', '=', romeInstant(DAY, time))
      .executeTakeFirstOrThrow();
    serial += 1;
    const code = `N${String(serial).padStart(7, '0')}`;
    const nationalPlan = (
      await sql<{ id: string }>`SELECT id FROM plan_versions WHERE kind = 'national'
        ORDER BY effective_from DESC LIMIT 1`.execute(db())
    ).rows[0]?.id as string;
    const booking = {
      code,
      second_code: null,
      person_id: personId,
      channel: 'call_center',
      created_by_kind: 'system',
      created_by_id: null,
      idempotency_key: null,
      group_code: null,
      plan_national_version: nationalPlan,
      plan_calendar_version: null,
      offer_id: 'test',
      self_declaration_needed: false,
    };
    const audit = {
      actor_kind: 'system',
      actor_id: null,
      actor_role: null,
      channel: 'system',
      correlation_id: 'test',
      occurred_at: NOW,
    };
    await sql`SELECT take_booking(ARRAY[${slot.id}]::bigint[], ${new Date(NOW)}::timestamptz, '2021-01-01'::date,
      ARRAY['COMIRNATY-30']::text[], '{}'::jsonb,
      ${JSON.stringify(booking)}::jsonb, ${JSON.stringify(audit)}::jsonb)`.execute(db());
    await sql`INSERT INTO booking_no_shows (booking_id, person_id, vaccination_point_id, day, marked_at)
      SELECT id, person_id, vaccination_point_id, ${DAY}::date, ${new Date(NOW)}::timestamptz
      FROM bookings WHERE code = ${code}`.execute(db());
  };

  beforeAll(async () => {
    await loadReferenceData(database());
    await generatePopulationIntoDatabase(database(), { people: 200, seed: 23 });
    const clock = fixedClock(NOW);
    const eligibility = new EligibilityService(db(), clock, '03');
    await eligibility.loadShippedPlanVersions();
    usernames = await ensureStaffOfEveryRole(database());
    const points = await db()
      .selectFrom('vaccination_points')
      .select(['id', 'name', 'health_authority_code', 'kind'])
      .orderBy('code')
      .execute();
    const first = points[0];
    const foreign = points.find(
      (point) => point.kind === 'hub' && point.health_authority_code !== first?.health_authority_code,
    );
    if (first === undefined || foreign === undefined)
      throw new Error('the reference data needs two authorities');
    own = { id: Number(first.id), name: first.name };
    other = { id: Number(foreign.id), name: foreign.name };
    const booking = new BookingService(db(), clock, eligibility);
    const setup = systemContext('test', new Date(NOW));
    await openHubDays(booking, own.id, [DAY], setup);
    await openHubDays(booking, other.id, [DAY], setup);
    const people = (
      await sql<{ id: number }>`SELECT id FROM persons WHERE status = 'active' ORDER BY id LIMIT 4`.execute(
        db(),
      )
    ).rows.map((row) => Number(row.id));
    await noShow(people[0] as number, own.id, '09:00');
    await noShow(people[1] as number, own.id, '09:15');
    await noShow(people[2] as number, own.id, '09:30');
    await noShow(people[3] as number, other.id, '09:00');
    app = (await buildTestApp(database(), { now: NOW })).app;
  }, 120_000);

  it('UX-5 the capacity dashboard shows the no-shows per hub as a chart with a text alternative and per hub and day as a table, within the reader’s authority', async () => {
    expect(await noShowsPerHubDay(db(), { from: DAY, to: DAY, points: [own.id] })).toEqual([
      { pointName: own.name, day: DAY, noShows: 3, rebooked: 0 },
    ]);
    const browser = await signIn(usernames.asl_admin);
    const page = await browser.get(`/console/dashboards?from=${DAY}&to=${DAY}`);
    expect(page.statusCode).toBe(200);
    const section = figure(page.body, 'no-shows-by-hub');
    expect(section).toMatch(
      /<svg[^>]*role="img"[^>]*aria-labelledby="no-shows-by-hub-title no-shows-by-hub-desc"/,
    );
    expect(section).toMatch(/<desc id="no-shows-by-hub-desc">[^<]*3 prenotazioni non onorate/);
    expect(section).toContain('<details>');
    expect(section).toMatch(/<th scope="row">[^<]*12[^<]*<\/th>\s*<td class="text-end">3<\/td>/);
    expect(section).not.toContain(other.name);

    const empty = await browser.get('/console/dashboards?from=2021-04-13&to=2021-04-13');
    expect(figure(empty.body, 'no-shows-by-hub')).toContain('Nessuna mancata presentazione nel periodo.');
  });

  it('UX-5 the regional administrator sees every authority’s no-shows', async () => {
    const browser = await signIn(usernames.region_admin);
    const section = figure(
      (await browser.get(`/console/dashboards?from=${DAY}&to=${DAY}`)).body,
      'no-shows-by-hub',
    );
    expect(section).toContain('4 prenotazioni non onorate');
    expect(section).toContain(other.name);
  });
});
