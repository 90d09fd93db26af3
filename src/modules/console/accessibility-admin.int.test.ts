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
import { AccessibilityService } from '../accessibility/service.ts';
import { AuthService } from '../../platform/auth/service.ts';
import { systemContext } from '../../platform/audit/audit.ts';
import { fixedClock } from '../../platform/clock.ts';
import type { App } from '../../platform/http/types.ts';
import type { StaffRole } from '../../platform/auth/roles.ts';

const NOW = '2021-04-10T08:00:00Z';
const SESSION_DAY = '2021-04-14';
const OTHER_ADMIN = 'test.asl-admin-access-other';

/** The value of a form control in the page, by its name. */
const valueOf = (page: string, name: string): string =>
  /value="([^"]*)"/.exec(new RegExp(`<input[^>]*name="${name}"[^>]*>`).exec(page)?.[0] ?? '')?.[1] ?? '';

describeEachDatabase('authority console: people with disabilities (BOOK-14..16)', (database) => {
  let app: App;
  let usernames: Record<StaffRole, string>;
  let service: AccessibilityService;
  let hub: { id: number; name: string };
  let homeIds: number[];
  let people: { id: number; surname: string }[];
  let sessionId: number;
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

  beforeAll(async () => {
    await loadReferenceData(database());
    await generatePopulationIntoDatabase(database(), { people: 800, seed: 41 });
    const clock = fixedClock(NOW);
    const eligibility = new EligibilityService(db(), clock, '03');
    await eligibility.loadShippedPlanVersions();
    usernames = await ensureStaffOfEveryRole(database());
    const booking = new BookingService(db(), clock, eligibility);
    service = new AccessibilityService(db(), clock, eligibility, booking);
    const setup = systemContext('test', clock.now());
    const points = await db()
      .selectFrom('vaccination_points')
      .select(['id', 'name', 'health_authority_code', 'kind'])
      .orderBy('code')
      .execute();
    const authority = points[0]?.health_authority_code as string;
    const own = points.find((point) => point.kind === 'hub' && point.health_authority_code === authority);
    const other = points.find((point) => point.kind === 'hub' && point.health_authority_code !== authority);
    if (own === undefined || other === undefined) throw new Error('the reference data needs more hubs');
    hub = own;
    await booking.configureHub(
      hub.id,
      { stations: 10, accessibility: ['step_free'], status: 'active' },
      setup,
    );
    people = (
      await sql<{
        id: number;
        surname: string;
      }>`SELECT id, surname FROM persons WHERE health_card_number IS NOT NULL
        AND birth_date BETWEEN '1942-01-01' AND '1946-12-31' AND status = 'active' ORDER BY id LIMIT 4`.execute(
        db(),
      )
    ).rows.map((row) => ({ id: Number(row.id), surname: row.surname }));
    await sql`UPDATE persons SET health_authority_code = ${authority}
      WHERE id = ANY (${people.map((person) => person.id)}::bigint[])`.execute(db());
    homeIds = [];
    for (const [index, person] of people.slice(0, 2).entries()) {
      const row = await service.requestHomeVaccination(
        {
          personId: person.id,
          selfSufficient: false,
          canTravelWithTransport: false,
          reason: 'bedridden',
          gpName: index === 0 ? 'Dott. Rossi' : 'Dott.ssa Bianchi',
          gpCode: index === 0 ? 'GP0001' : 'GP0002',
          gpAgreed: true,
        },
        null,
        setup,
      );
      homeIds.push(Number(row.id));
    }
    const session = await service.openSession(
      {
        pointId: hub.id,
        kind: 'deaf',
        supports: ['lis_interpreter'],
        startsAt: AccessibilityService.instantOf(SESSION_DAY, '14:00'),
        endsAt: AccessibilityService.instantOf(SESSION_DAY, '16:00'),
        groupSize: 4,
      },
      null,
      setup,
    );
    sessionId = Number(session.id);
    await service.bookSession(
      {
        sessionId,
        personId: people[2]?.id as number,
        needs: ['lis_interpreter'],
        withCaregiver: true,
        transport: 'wheelchair',
        channel: 'call_center',
      },
      setup,
    );
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
        healthAuthorityCodes: [other.health_authority_code],
      },
      systemContext('test', new Date('2021-04-01T00:00:00Z')),
    );
    app = (await buildTestApp(database(), { now: NOW })).app;
  }, 120_000);

  it('BOOK-14 the home-vaccination list is a table filtered by status and GP; a visit is planned, its outcome recorded, another request withdrawn', async () => {
    const { browser, home } = await signIn(usernames.asl_admin);
    expect(home.body).toContain('href="/console/home-vaccinations"');
    const list = await browser.get('/console/home-vaccinations');
    expect(list.statusCode).toBe(200);
    expect(list.body).toMatch(/<input[^>]*name="gp"[^>]*autofocus/);
    expect(list.body).toContain('Richieste (2)');
    expect(list.body).toContain(`href="/console/home-vaccinations/${homeIds[0]}"`);
    const byGp = await browser.get('/console/home-vaccinations?gp=Rossi&status=requested');
    expect(byGp.body).toContain('Richieste (1)');
    expect(byGp.body).toContain(people[0]?.surname ?? '-');
    expect(byGp.body).not.toContain(`href="/console/home-vaccinations/${homeIds[1]}"`);
    const badFilter = await browser.get('/console/home-vaccinations?municipalityIstat=12');
    expect(badFilter.statusCode).toBe(400);
    expect(badFilter.body).toContain('href="#municipalityIstat"');

    const page = await browser.get(`/console/home-vaccinations/${homeIds[0]}`);
    expect(page.body).toContain('Da pianificare');
    expect(page.body).toMatch(/<input[^>]*name="visitDay"[^>]*autofocus/);
    const csrf = valueOf(page.body, '_csrf');
    const missing = await browser.post(`/console/home-vaccinations/${homeIds[0]}/plan`, {
      _csrf: csrf,
      visitDay: '',
      team: '',
    });
    expect(missing.statusCode).toBe(400);
    expect(missing.body).toContain('href="#visitDay"');
    expect(missing.body).toContain('href="#team"');
    const past = await browser.post(`/console/home-vaccinations/${homeIds[0]}/plan`, {
      _csrf: csrf,
      visitDay: '2021-04-01',
      team: 'Équipe USCA 1',
    });
    expect(past.statusCode).toBeGreaterThanOrEqual(400);
    expect(past.body).toContain('class="alert alert-danger');
    const planned = await browser.follow(
      await browser.post(`/console/home-vaccinations/${homeIds[0]}/plan`, {
        _csrf: csrf,
        visitDay: '2021-04-16',
        visitTime: '10:30',
        team: 'Équipe USCA 1',
      }),
    );
    expect(planned.body).toContain('Richiesta aggiornata.');
    expect(planned.body).toContain('Visita pianificata');
    expect(planned.body).toContain('10:30');

    const noReason = await browser.post(`/console/home-vaccinations/${homeIds[0]}/outcome`, {
      _csrf: csrf,
      outcome: 'not_possible',
      reason: '',
    });
    expect(noReason.statusCode).toBeGreaterThanOrEqual(400);
    expect(noReason.body).toContain('class="alert alert-danger');
    const done = await browser.follow(
      await browser.post(`/console/home-vaccinations/${homeIds[0]}/outcome`, {
        _csrf: csrf,
        outcome: 'done',
      }),
    );
    expect(done.body).toContain('Vaccinata');
    const row = await service.homeRequest(homeIds[0] as number, null);
    expect(row.status).toBe('done');

    const withdrawn = await browser.follow(
      await browser.post(`/console/home-vaccinations/${homeIds[1]}/withdraw`, {
        _csrf: csrf,
        withdrawReason: 'Ricoverata in RSA',
      }),
    );
    expect(withdrawn.body).toContain('Ritirata');
    const after = await browser.get('/console/home-vaccinations?status=withdrawn');
    expect(after.body).toContain('Richieste (1)');
  });

  it('BOOK-15 the sessions list shows places and people; a session is opened on the form, its bookings seen, then cancelled', async () => {
    const { browser } = await signIn(usernames.asl_admin);
    const list = await browser.get('/console/sessions');
    expect(list.statusCode).toBe(200);
    expect(list.body).toMatch(/<input[^>]*name="day"[^>]*autofocus/);
    expect(list.body).toContain(`href="/console/sessions/${sessionId}"`);
    // An interpreter (1) and one person with their caregiver (2): 3 of 1 + 2 × 4 places.
    expect(list.body).toContain('1 di 4 persone; 3 di 9 posti');
    const csrf = valueOf(list.body, '_csrf');

    const noSupport = await browser.post('/console/sessions', {
      _csrf: csrf,
      day: '2021-04-15',
      from: '09:00',
      to: '11:00',
      pointId: String(hub.id),
      kind: 'deaf',
      groupSize: '6',
    });
    expect(noSupport.statusCode).toBeGreaterThanOrEqual(400);
    expect(noSupport.body).toContain('href="#supports-0"');
    const opened = await browser.post('/console/sessions', {
      _csrf: csrf,
      day: '2021-04-15',
      from: '09:00',
      to: '11:00',
      pointId: String(hub.id),
      kind: 'blind',
      supports: 'guide',
      groupSize: '4',
    });
    expect(opened.statusCode).toBe(303);
    const page = await browser.follow(opened);
    expect(page.body).toContain('Seduta aperta.');
    expect(page.body).toContain('Persone cieche');
    expect(page.body).toContain('Nessuna persona prenotata.');

    const booked = await browser.get(`/console/sessions/${sessionId}`);
    expect(booked.body).toContain('<caption>');
    expect(booked.body).toContain(people[2]?.surname ?? '-');
    expect(booked.body).toContain('Carrozzina');
    const newId = /\/console\/sessions\/(\d+)/.exec(String(opened.headers.location))?.[1];
    const noReason = await browser.post(`/console/sessions/${newId}/cancel`, { _csrf: csrf, reason: '' });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.body).toContain('href="#reason"');
    const cancelled = await browser.follow(
      await browser.post(`/console/sessions/${newId}/cancel`, {
        _csrf: csrf,
        reason: 'Guida non disponibile',
      }),
    );
    expect(cancelled.body).toContain('Seduta annullata');
    expect(cancelled.body).toContain('Annullata');
    expect(cancelled.body).not.toContain(`action="/console/sessions/${newId}/cancel"`);
  });

  it('BOOK-16 the transports page lists, by day and hub, whom to fetch and with which vehicle', async () => {
    const { browser } = await signIn(usernames.asl_admin);
    const page = await browser.get(`/console/transports?from=${SESSION_DAY}&to=${SESSION_DAY}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Trasporti per giorno e centro');
    expect(page.body).toContain(people[2]?.surname ?? '-');
    expect(page.body).toContain(hub.name);
    expect(page.body).toContain('Carrozzina');
    const none = await browser.get('/console/transports?from=2021-05-01&to=2021-05-02');
    expect(none.body).toContain('Nessun trasporto in questi giorni.');
    const bad = await browser.get('/console/transports?from=domani');
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('href="#from"');
  });

  it('SEC-1 an ASL administrator of another authority sees none of these people and cannot act; a vaccinator cannot open the pages', async () => {
    const { browser } = await signIn(OTHER_ADMIN);
    const list = await browser.get('/console/home-vaccinations');
    expect(list.body).not.toContain(`href="/console/home-vaccinations/${homeIds[0]}"`);
    expect((await browser.get(`/console/home-vaccinations/${homeIds[0]}`)).statusCode).toBe(403);
    const sessions = await browser.get('/console/sessions');
    expect(sessions.body).not.toContain(`href="/console/sessions/${sessionId}"`);
    expect((await browser.get(`/console/sessions/${sessionId}`)).statusCode).toBe(403);
    const cancel = await browser.post(`/console/sessions/${sessionId}/cancel`, {
      _csrf: valueOf(sessions.body, '_csrf'),
      reason: 'not mine',
    });
    expect(cancel.statusCode).toBe(403);
    const transports = await browser.get(`/console/transports?from=${SESSION_DAY}&to=${SESSION_DAY}`);
    expect(transports.body).not.toContain(people[2]?.surname ?? '-');
    expect((await service.session(sessionId)).status).toBe('open');

    for (const role of ['vaccinator', 'gp'] as const) {
      const { browser: staff, home } = await signIn(usernames[role]);
      expect(home.body).not.toContain('href="/console/home-vaccinations"');
      expect(home.body).not.toContain('href="/console/sessions"');
      for (const url of ['/console/home-vaccinations', '/console/sessions', '/console/transports'])
        expect((await staff.get(url)).statusCode).toBe(403);
    }
  });
});
