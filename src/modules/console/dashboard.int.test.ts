import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../../../test/databases.ts';
import { buildTestApp, ensureStaffOfEveryRole, signInStaff, TEST_PASSWORD } from '../../../test/app.ts';
import { FormBrowser } from '../../../test/form-browser.ts';
import { CONSENT, openHubDays } from '../../../test/registry-fixtures.ts';
import { systemContext } from '../../platform/audit/audit.ts';
import { AuthService } from '../../platform/auth/service.ts';
import { fixedClock } from '../../platform/clock.ts';
import type { StaffRole } from '../../platform/auth/roles.ts';
import type { App } from '../../platform/http/types.ts';
import { loadReferenceData } from '../reference/service.ts';
import { generatePopulationIntoDatabase } from '../population/service.ts';
import { EligibilityService } from '../eligibility/service.ts';
import { BookingService } from '../booking/service.ts';
import { ExportService } from '../exports/service.ts';

const NOW = '2021-04-12T12:00:00Z';
const TODAY = '2021-04-12';
const TOMORROW = '2021-04-13';

/** The section of a page about one chart: its heading, image, and table. */
const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const figure = (page: string, id: string): string =>
  new RegExp(`<section[^>]*aria-labelledby="${id}-heading"[\\s\\S]*?</section>`).exec(page)?.[0] ?? '';

describeEachDatabase('dashboards', (database) => {
  let app: App;
  let usernames: Record<StaffRole, string>;
  let point: { id: number; name: string };

  const signIn = async (username: string): Promise<FormBrowser> => {
    const browser = new FormBrowser(app);
    const home = await browser.follow(
      await browser.post('/console/sign-in', { username, password: TEST_PASSWORD }),
    );
    expect(home.statusCode).toBe(200);
    return browser;
  };

  beforeAll(async () => {
    await loadReferenceData(database());
    await generatePopulationIntoDatabase(database(), { people: 300, seed: 5 });
    const clock = fixedClock(NOW);
    const eligibility = new EligibilityService(database().db, clock, '03');
    await eligibility.loadShippedPlanVersions();
    usernames = await ensureStaffOfEveryRole(database());
    const first = await database()
      .db.selectFrom('vaccination_points')
      .select(['id', 'name'])
      .orderBy('code')
      .executeTakeFirstOrThrow();
    point = first;
    await openHubDays(
      new BookingService(database().db, clock, eligibility),
      point.id,
      [TODAY, TOMORROW],
      systemContext('test', new Date(NOW)),
    );
    app = (await buildTestApp(database(), { now: NOW })).app;
    const person = await database()
      .db.selectFrom('persons')
      .select('id')
      .where('status', '=', 'active')
      .where('birth_date', '<', '1960-01-01')
      .orderBy('id')
      .executeTakeFirstOrThrow();
    const recorded = await app.inject({
      method: 'POST',
      url: '/administrations',
      headers: await signInStaff(app, usernames.vaccinator),
      payload: {
        personId: person.id,
        productCode: 'COMIRNATY-30',
        administeredAt: '2021-04-12T09:00:00Z',
        lot: 'FK1234',
        lotExpiry: '2021-07-31',
        volumeMl: 0.3,
        riskCategory: 'Altro',
        healthCondition: 'Nessuna condizione sanitaria a rischio',
        route: 'intramuscular',
        site: 'left_deltoid',
        vaccinationPointId: point.id,
        certificateContacts: { mobile: null, email: null, confirmed: true },
        consent: CONSENT,
      },
    });
    expect(recorded.statusCode, recorded.body).toBe(201);
  });

  afterAll(async () => {
    await app.close();
  });

  it('UX-5 bookings against capacity per hub and per day are charts with a text alternative, a legend that does not rely on colour, and the same figures as a table', async () => {
    const browser = await signIn(usernames.asl_admin);
    const page = await browser.get(`/console/dashboards?from=${TODAY}&to=${TOMORROW}`);
    expect(page.statusCode).toBe(200);
    const report = await new ExportService(database().db, fixedClock(NOW)).bookingCapacity({
      from: TODAY,
      to: TOMORROW,
      points: [point.id],
    });
    expect(report).toHaveLength(2);
    const capacity = report.reduce((sum, row) => sum + row.capacity, 0);

    const byHub = figure(page.body, 'capacity-by-hub');
    expect(byHub).toMatch(
      /<svg[^>]*role="img"[^>]*aria-labelledby="capacity-by-hub-title capacity-by-hub-desc"/,
    );
    expect(byHub).toContain('<title id="capacity-by-hub-title">');
    expect(byHub).toMatch(/<desc id="capacity-by-hub-desc">[^<]*prenotati 0 posti su/);
    // Two series told apart by fill, not colour alone: solid booked, outlined capacity.
    expect(byHub).toMatch(/fill="#ffffff" stroke="#004d99" stroke-width="2"/);
    expect(byHub).toContain('Posti disponibili');
    const hubRow =
      new RegExp(`<th scope="row">${escape(point.name)}</th>[\\s\\S]*?</tr>`).exec(byHub)?.[0] ?? '';
    expect(hubRow).toMatch(
      new RegExp(`<td class="text-end">0</td>\\s*<td class="text-end">${capacity}</td>`),
    );

    const byDay = figure(page.body, 'capacity-by-day');
    expect(byDay).toMatch(/<svg[^>]*role="img"/);
    expect(byDay.match(/<tr>\s*<th scope="row">/g)).toHaveLength(2);
    // The detail: one row per hub and day, with the doses given that day.
    expect(page.body).toMatch(/<td class="text-end">1<\/td>\s*<\/tr>/);

    const refused = await browser.get(`/console/dashboards?from=${TOMORROW}&to=${TODAY}`);
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('href="#to"');
  });

  it('UX-5 coverage by category, age band and municipality: three charts, shares of the population where there is one, every row in the tables', async () => {
    const browser = await signIn(usernames.region_admin);
    const page = await browser.get(`/console/dashboards/coverage?on=${TODAY}`);
    expect(page.statusCode).toBe(200);
    const coverage = new ExportService(database().db, fixedClock(NOW));
    for (const [dimension, id] of [
      ['category', 'coverage-category'],
      ['ageBand', 'coverage-ageBand'],
      ['municipality', 'coverage-municipality'],
    ] as const) {
      const section = figure(page.body, id);
      expect(section, id).toMatch(/<svg[^>]*role="img"/);
      const { rows } = await coverage.coverage({ on: TODAY, by: dimension, points: null });
      expect(section.match(/<tr>\s*<th scope="row">/g), id).toHaveLength(rows.length);
    }
    // One person vaccinated: the category chart counts people, the age band one gives a share.
    expect(figure(page.body, 'coverage-category')).toMatch(/<td class="text-end">1<\/td>/);
    expect(figure(page.body, 'coverage-ageBand')).toMatch(/<td class="text-end">\d+(,\d)?\s?%<\/td>/);
  });

  it('UX-5 doses by product in a period: first, second and later doses per vaccine as a chart and a table', async () => {
    const browser = await signIn(usernames.asl_admin);
    const page = await browser.get(`/console/dashboards/doses?from=${TODAY}&to=${TODAY}`);
    expect(page.statusCode).toBe(200);
    const section = figure(page.body, 'doses-by-product');
    expect(section).toMatch(/<svg[^>]*role="img"/);
    expect(section).toMatch(
      /<th scope="row">[^<]*Comirnaty[^<]*<\/th>\s*<td class="text-end">1<\/td>\s*<td class="text-end">0<\/td>/i,
    );
    expect(section).toContain('Dosi successive');
    const empty = await browser.get('/console/dashboards/doses?from=2021-01-01&to=2021-01-31');
    expect(figure(empty.body, 'doses-by-product')).not.toContain('<svg');
    expect(figure(empty.body, 'doses-by-product')).toContain('Nessun dato per il periodo scelto.');
  });

  it('SEC-1 the dashboards are for the authorities’ administrators; an ASL administrator’s figures cover only their authority’s points', async () => {
    const vaccinator = await signIn(usernames.vaccinator);
    expect((await vaccinator.get('/console/dashboards')).statusCode).toBe(403);
    expect((await vaccinator.get('/console/dashboards/coverage')).statusCode).toBe(403);
    const api = await app.inject({ method: 'GET', url: '/console/dashboards/doses' });
    expect(api.statusCode).toBe(401);
    const region = await signIn(usernames.region_admin);
    const all = await region.get(`/console/dashboards?from=${TODAY}&to=${TOMORROW}`);
    expect(all.body).toContain(`<th scope="row">${point.name}</th>`);
    const own = await database()
      .db.selectFrom('vaccination_points')
      .select('health_authority_code')
      .where('id', '=', point.id)
      .executeTakeFirstOrThrow();
    const other = await database()
      .db.selectFrom('health_authorities')
      .select('code')
      .where('code', '<>', own.health_authority_code)
      .orderBy('code')
      .executeTakeFirstOrThrow();
    await new AuthService(database().db, fixedClock('2021-04-01T00:00:00Z'), {
      staffSessionMinutes: 60,
      citizenSessionMinutes: 30,
    }).createStaffAccount(
      {
        username: 'test.asl-admin-elsewhere',
        displayName: 'ASL admin elsewhere',
        role: 'asl_admin',
        password: TEST_PASSWORD,
        vaccinationPointIds: [],
        healthAuthorityCodes: [other.code],
      },
      systemContext('test', new Date('2021-04-01T00:00:00Z')),
    );
    const elsewhere = await signIn('test.asl-admin-elsewhere');
    const theirs = await elsewhere.get(`/console/dashboards?from=${TODAY}&to=${TOMORROW}`);
    expect(theirs.statusCode).toBe(200);
    expect(theirs.body).not.toContain(`<th scope="row">${point.name}</th>`);
    const doses = await elsewhere.get(`/console/dashboards/doses?from=${TODAY}&to=${TODAY}`);
    expect(figure(doses.body, 'doses-by-product')).toContain('Nessun dato per il periodo scelto.');
  });
});
