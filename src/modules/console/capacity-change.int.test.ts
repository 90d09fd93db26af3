import { beforeAll, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { LightMyRequestResponse } from 'fastify';
import { describeEachDatabase } from '../../../test/databases.ts';
import { buildTestApp, ensureStaffOfEveryRole, TEST_PASSWORD } from '../../../test/app.ts';
import { FormBrowser } from '../../../test/form-browser.ts';
import { loadReferenceData } from '../reference/service.ts';
import { generatePopulationIntoDatabase } from '../population/service.ts';
import { EligibilityService } from '../eligibility/service.ts';
import { BookingService } from '../booking/service.ts';
import { AuthService } from '../../platform/auth/service.ts';
import { systemContext, type ActingContext } from '../../platform/audit/audit.ts';
import { fixedClock, romeInstant } from '../../platform/clock.ts';
import type { App } from '../../platform/http/types.ts';
import type { StaffRole } from '../../platform/auth/roles.ts';

const NOW = '2021-04-10T08:00:00Z';
/** The day closed from the console, and the day its people go to (another hub of the same authority). */
const DAY = '2021-04-20';
const CUT_DAY = '2021-04-22';
const OTHER_ADMIN = 'test.asl-admin-capacity-other';

/** The value of a form control in the page, by its name. */
const valueOf = (page: string, name: string): string =>
  /value="([^"]*)"/.exec(new RegExp(`<input[^>]*name="${name}"[^>]*>`).exec(page)?.[0] ?? '')?.[1] ?? '';

describeEachDatabase('authority console: capacity changes (BOOK-12)', (database) => {
  let app: App;
  let usernames: Record<StaffRole, string>;
  let booking: BookingService;
  let setup: ActingContext;
  let ownHubs: { id: number; name: string; health_authority_code: string }[];
  let otherHub: { id: number; name: string; health_authority_code: string };
  let nationalPlan: string;
  let serial = 0;
  const db = () => database().db;

  const signIn = async (
    username: string,
  ): Promise<{ browser: FormBrowser; home: LightMyRequestResponse }> => {
    const browser = new FormBrowser(app);
    const home = await browser.follow(
      await browser.post('/console/sign-in', { username, password: TEST_PASSWORD }),
    );
    expect(home.statusCode).toBe(200);
    return { browser, home };
  };

  const openDay = (pointId: number, day: string, stations = 4) =>
    booking.setHubDay(
      pointId,
      day,
      {
        opensAt: '09:00',
        closesAt: '10:00',
        stations,
        minutesPerVaccination: 15,
        slotMinutes: 15,
        stock: [{ product: 'COMIRNATY-30', doses: 200 }],
      },
      setup,
    );

  /** A first dose at a hub's slot (take_booking, the booking's own function), without its second dose. */
  const book = async (personId: number, pointId: number, day: string, time: string): Promise<string> => {
    const slot = await db()
      .selectFrom('slots')
      .select('id')
      .where('vaccination_point_id', '=', pointId)
      .where('starts_at', '=', romeInstant(day, time))
      .executeTakeFirstOrThrow();
    serial += 1;
    const code = `C${String(serial).padStart(7, '0')}`;
    const bookingJson = {
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
      ${JSON.stringify(bookingJson)}::jsonb, ${JSON.stringify(audit)}::jsonb)`.execute(db());
    return code;
  };

  beforeAll(async () => {
    await loadReferenceData(database());
    await generatePopulationIntoDatabase(database(), { people: 300, seed: 12 });
    const clock = fixedClock(NOW);
    const eligibility = new EligibilityService(db(), clock, '03');
    await eligibility.loadShippedPlanVersions();
    usernames = await ensureStaffOfEveryRole(database());
    booking = new BookingService(db(), clock, eligibility);
    setup = systemContext('test', clock.now());
    nationalPlan = (
      await sql<{ id: string }>`SELECT id FROM plan_versions WHERE kind = 'national'
        ORDER BY effective_from DESC LIMIT 1`.execute(db())
    ).rows[0]?.id as string;
    const points = await db()
      .selectFrom('vaccination_points')
      .select(['id', 'name', 'health_authority_code', 'kind'])
      .orderBy('code')
      .execute();
    const authority = points[0]?.health_authority_code;
    const hubs = points.filter((point) => point.kind === 'hub');
    ownHubs = hubs.filter((hub) => hub.health_authority_code === authority).slice(0, 2);
    const other = hubs.find((hub) => hub.health_authority_code !== authority);
    if (ownHubs.length < 2 || other === undefined) throw new Error('the reference data needs more hubs');
    otherHub = other;
    for (const hub of [...ownHubs, otherHub])
      await booking.configureHub(hub.id, { stations: 10, accessibility: [], status: 'active' }, setup);
    const [closing, receiving] = ownHubs as unknown as [{ id: number }, { id: number }];
    await openDay(closing.id, DAY);
    await openDay(receiving.id, DAY, 10);
    await openDay(closing.id, CUT_DAY);
    await openDay(otherHub.id, DAY);
    const people = (
      await sql<{ id: number }>`SELECT id FROM persons WHERE status = 'active' ORDER BY id LIMIT 6`.execute(
        db(),
      )
    ).rows.map((row) => Number(row.id));
    for (const [index, person] of people.entries())
      await book(person, closing.id, DAY, ['09:00', '09:15', '09:30'][index % 3] as string);
    await new AuthService(db(), fixedClock('2021-04-01T00:00:00Z'), {
      staffSessionMinutes: 60,
      citizenSessionMinutes: 30,
    }).createStaffAccount(
      {
        username: OTHER_ADMIN,
        displayName: 'other ASL admin',
        role: 'asl_admin',
        password: TEST_PASSWORD,
        vaccinationPointIds: [],
        healthAuthorityCodes: [otherHub.health_authority_code],
      },
      systemContext('test', new Date('2021-04-01T00:00:00Z')),
    );
    app = (await buildTestApp(database(), { now: NOW })).app;
  }, 120_000);

  let changeId: number;

  it('BOOK-12 an ASL administrator closes a hub-day on the form: refusals on the fields, then the preview moves nobody', async () => {
    const { browser, home } = await signIn(usernames.asl_admin);
    expect(home.body).toContain('href="/console/capacity"');
    const form = await browser.get('/console/capacity');
    expect(form.statusCode).toBe(200);
    expect(form.body).toMatch(/<input[^>]*name="day"[^>]*autofocus/);
    expect(form.body).toContain(`<option value="${ownHubs[0]?.id}"`);
    expect(form.body).not.toContain(`<option value="${otherHub.id}"`);
    const csrf = valueOf(form.body, '_csrf');
    const closing = String(ownHubs[0]?.id);

    const past = await browser.post('/console/capacity', {
      _csrf: csrf,
      pointId: closing,
      day: '2021-04-01',
      kind: 'close_day',
    });
    expect(past.statusCode).toBe(409);
    expect(past.body).toContain('href="#day"');
    expect(past.body).toContain('è già passato');
    const notOpen = await browser.post('/console/capacity', {
      _csrf: csrf,
      pointId: closing,
      day: '2021-04-21',
      kind: 'close_day',
    });
    expect(notOpen.statusCode).toBe(404);
    expect(notOpen.body).toContain('href="#day"');
    expect(notOpen.body).toContain('non ha una giornata aperta');
    const incomplete = await browser.post('/console/capacity', {
      _csrf: csrf,
      pointId: closing,
      day: DAY,
      kind: 'cut_stations',
    });
    expect(incomplete.statusCode).toBe(400);
    expect(incomplete.body).toContain('href="#fromTime"');
    expect(incomplete.body).toContain('href="#stations"');

    const created = await browser.post('/console/capacity', {
      _csrf: csrf,
      pointId: closing,
      day: DAY,
      kind: 'close_day',
      note: 'allagamento',
    });
    expect(created.statusCode).toBe(303);
    changeId = Number(/\/console\/capacity\/(\d+)$/.exec(String(created.headers.location))?.[1]);
    const preview = await browser.follow(created);
    expect(preview.statusCode).toBe(200);
    expect(preview.body).toContain('Anteprima');
    expect(preview.body).toMatch(/Prenotazioni che perdono il posto<\/dt>\s*<dd[^>]*>6<\/dd>/);
    expect(preview.body).toMatch(
      /<th scope="row">[^<]+\(VP-[A-Z]+-\d+\)<\/th>\s*<td>mar 20 apr 2021<\/td>\s*<td>6<\/td>/,
    );
    expect(preview.body).toContain(`action="/console/capacity/${changeId}/apply"`);
    expect(preview.body).toMatch(/<button[^>]*autofocus[^>]*>\s*Applica/);
    const still = await sql<{ n: number }>`SELECT count(*)::integer AS n FROM bookings
      WHERE vaccination_point_id = ${ownHubs[0]?.id} AND status = 'confirmed'`.execute(db());
    expect(still.rows[0]?.n).toBe(6);
  });

  it('BOOK-12 applying from the preview moves the bookings and tells each person; the outcome lists them by outcome; an applied change cannot be discarded', async () => {
    const { browser } = await signIn(usernames.asl_admin);
    const preview = await browser.get(`/console/capacity/${changeId}`);
    const applied = await browser.post(`/console/capacity/${changeId}/apply`, {
      _csrf: valueOf(preview.body, '_csrf'),
    });
    expect(applied.statusCode).toBe(303);
    expect(applied.headers.location).toBe(`/console/capacity/${changeId}?done=applied`);
    const outcome = await browser.follow(applied);
    expect(outcome.body).toContain('Modifica applicata.');
    expect(outcome.body).toMatch(/Spostate<\/dt>\s*<dd[^>]*>6<\/dd>/);
    expect(outcome.body).toMatch(/Persone avvisate<\/dt>\s*<dd[^>]*>6<\/dd>/);
    expect(outcome.body).toContain('Prenotazioni coinvolte (1–6 di 6)');
    expect(outcome.body).toContain('C0000001');
    expect(outcome.body).toContain('<th scope="col">Nuovo appuntamento</th>');
    const moved = await sql<{ n: number }>`SELECT count(*)::integer AS n FROM bookings
      WHERE status = 'confirmed' AND capacity_change_id = ${changeId}`.execute(db());
    expect(moved.rows[0]?.n).toBe(6);

    const toChoose = await browser.get(`/console/capacity/${changeId}?outcome=to_choose`);
    expect(toChoose.body).toContain('Prenotazioni coinvolte (0–0 di 0)');
    const secondPage = await browser.get(`/console/capacity/${changeId}?outcome=moved&page=2`);
    expect(secondPage.body).not.toContain('C0000001');
    expect(secondPage.body).toContain('Pagina precedente');

    const discard = await browser.post(`/console/capacity/${changeId}/discard`, {
      _csrf: valueOf(preview.body, '_csrf'),
    });
    expect(discard.statusCode).toBe(409);
    expect(discard.body).toContain('class="alert alert-danger');
    expect(discard.body).toContain('già stata applicata');

    const list = await browser.get('/console/capacity');
    expect(list.body).toContain(`href="/console/capacity/${changeId}"`);
    expect(list.body).toContain('Applicata');
  });

  it('BOOK-12 the closed day’s page says its places were closed by a change; saving it keeps them closed unless reopened on purpose', async () => {
    const { browser } = await signIn(usernames.asl_admin);
    const address = `/console/hubs/${String(ownHubs[0]?.id)}/day?day=${DAY}`;
    const page = await browser.get(address);
    expect(page.body).toContain('Posti chiusi da una modifica di capacità');
    expect(page.body).toContain('4 fasce orarie sono state chiuse o ridotte');
    const form = Object.fromEntries(
      ['_csrf', 'day', 'opensAt', 'closesAt', 'stations', 'minutesPerVaccination', 'slotMinutes'].map(
        (name) => [name, valueOf(page.body, name)],
      ),
    );
    const save = async (extra: Record<string, string>) => {
      const saved = await browser.post(`/console/hubs/${String(ownHubs[0]?.id)}/day`, { ...form, ...extra });
      expect(saved.statusCode).toBe(303);
      return (await browser.follow(saved)).body;
    };
    expect(await save({ 'stock_COMIRNATY-30': '150' })).toContain('0 prenotati su 0 (4 fasce orarie)');
    const reopened = await save({ 'stock_COMIRNATY-30': '150', reopenClosedPlaces: 'yes' });
    // 4 slots of 15 minutes × 4 stations at 15 minutes a vaccination.
    expect(reopened).toContain('0 prenotati su 16 (4 fasce orarie)');
    expect(reopened).not.toContain('Posti chiusi da una modifica di capacità');
  });

  it('BOOK-12 a previewed cut of stations is discarded from its page and nothing changes', async () => {
    const { browser } = await signIn(usernames.region_admin);
    const form = await browser.get('/console/capacity');
    expect(form.body).toContain(`<option value="${otherHub.id}"`);
    const created = await browser.post('/console/capacity', {
      _csrf: valueOf(form.body, '_csrf'),
      pointId: String(ownHubs[0]?.id),
      day: CUT_DAY,
      kind: 'cut_stations',
      fromTime: '09:30',
      stations: '2',
    });
    expect(created.statusCode).toBe(303);
    const page = await browser.follow(created);
    expect(page.body).toContain('dalle 09:30, 2 postazioni');
    const id = /\/console\/capacity\/(\d+)$/.exec(String(created.headers.location))?.[1];
    const discarded = await browser.follow(
      await browser.post(`/console/capacity/${id}/discard`, { _csrf: valueOf(page.body, '_csrf') }),
    );
    expect(discarded.body).toContain('Modifica scartata');
    expect(discarded.body).not.toContain(`/console/capacity/${id}/apply`);
    const day = await booking.hubDay(ownHubs[0]?.id as number, CUT_DAY);
    expect(day.settings?.stations).toBe(4);
  });

  it('SEC-1 an ASL administrator of another authority cannot see or change these hubs; a vaccinator cannot open the pages', async () => {
    const { browser } = await signIn(OTHER_ADMIN);
    const form = await browser.get('/console/capacity');
    expect(form.body).not.toContain(`<option value="${ownHubs[0]?.id}"`);
    expect(form.body).not.toContain(`href="/console/capacity/${changeId}"`);
    expect((await browser.get(`/console/capacity/${changeId}`)).statusCode).toBe(403);
    const refused = await browser.post('/console/capacity', {
      _csrf: valueOf(form.body, '_csrf'),
      pointId: String(ownHubs[0]?.id),
      day: CUT_DAY,
      kind: 'close_day',
    });
    expect(refused.statusCode).toBe(403);
    expect(refused.body).toContain('href="#pointId"');
    expect(refused.body).toContain('solo dei centri della sua azienda sanitaria');

    for (const role of ['vaccinator', 'call_center'] as const) {
      const { browser: staff, home } = await signIn(usernames[role]);
      expect(home.body).not.toContain('href="/console/capacity"');
      expect((await staff.get('/console/capacity')).statusCode).toBe(403);
      expect((await staff.get(`/console/capacity/${changeId}`)).statusCode).toBe(403);
    }
  });
});
