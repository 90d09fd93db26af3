import { beforeAll, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { describeEachDatabase } from '../../../test/databases.ts';
import { buildTestApp, ensureStaffOfEveryRole, TEST_PASSWORD } from '../../../test/app.ts';
import { FormBrowser } from '../../../test/form-browser.ts';
import { loadReferenceData } from '../reference/service.ts';
import { generatePopulationIntoDatabase } from '../population/service.ts';
import { EligibilityService } from '../eligibility/service.ts';
import { AuthService } from '../../platform/auth/service.ts';
import { systemContext } from '../../platform/audit/audit.ts';
import { fixedClock } from '../../platform/clock.ts';
import { outreachDb } from '../outreach/repo.ts';
import type { App } from '../../platform/http/types.ts';
import type { StaffRole } from '../../platform/auth/roles.ts';

const NOW = '2021-04-14T08:00:00Z';
const OTHER_ADMIN = 'test.asl-admin-outreach-other';

/** The value of a form control in the page, by its name. */
const valueOf = (page: string, name: string): string =>
  /value="([^"]*)"/.exec(new RegExp(`<input[^>]*name="${name}"[^>]*>`).exec(page)?.[0] ?? '')?.[1] ?? '';

describeEachDatabase('authority console: active calling (BOOK-17, ELIG-21)', (database) => {
  let app: App;
  let usernames: Record<StaffRole, string>;
  let authority: string;
  let campaignId: number;
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
    await generatePopulationIntoDatabase(database(), { people: 400, seed: 17 });
    usernames = await ensureStaffOfEveryRole(database());
    const clock = fixedClock(NOW);
    await new EligibilityService(db(), clock, '03').loadShippedPlanVersions();
    const points = await db()
      .selectFrom('vaccination_points')
      .select(['health_authority_code'])
      .orderBy('code')
      .execute();
    authority = points[0]?.health_authority_code as string;
    const other = points.find((point) => point.health_authority_code !== authority)?.health_authority_code;
    if (other === undefined) throw new Error('the reference data needs two authorities');
    // The elderly of the population are this authority's, with nothing to write to (letters).
    await db()
      .updateTable('persons')
      .set({ health_authority_code: authority, email: null, phone: null, landline: null })
      .where('birth_date', '<', '1951-01-01')
      .execute();
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
        healthAuthorityCodes: [other],
      },
      systemContext('test', new Date('2021-04-01T00:00:00Z')),
    );
    app = (await buildTestApp(database(), { now: NOW })).app;
  }, 180_000);

  it('BOOK-17 an ASL administrator creates a campaign on the form: refusals on the fields, then its page with the progress', async () => {
    const { browser } = await signIn(usernames.asl_admin);
    const list = await browser.get('/console/outreach');
    expect(list.body).toContain('href="/console/outreach/new"');
    const form = await browser.get('/console/outreach/new');
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain(`<option value="${authority}"`);
    const csrf = valueOf(form.body, '_csrf');

    const missing = await browser.post('/console/outreach/new', {
      _csrf: csrf,
      healthAuthorityCode: authority,
    });
    expect(missing.statusCode).toBe(400);
    expect(missing.body).toContain('href="#name"');

    const empty = await browser.post('/console/outreach/new', {
      _csrf: csrf,
      healthAuthorityCode: authority,
      name: 'Anziani',
      deadline: '2021-04-20',
    });
    expect(empty.statusCode).toBe(422);
    expect(empty.body).toContain('href="#categories"');

    const band = await browser.post('/console/outreach/new', {
      _csrf: csrf,
      healthAuthorityCode: authority,
      name: 'Anziani',
      ageFrom: '90',
      ageTo: '70',
      deadline: '2021-04-20',
    });
    expect(band.statusCode).toBe(422);
    expect(band.body).toContain('href="#ageTo"');
    expect(band.body).toContain('value="Anziani"');

    const noDeadline = await browser.post('/console/outreach/new', {
      _csrf: csrf,
      healthAuthorityCode: authority,
      name: 'Anziani',
      ageFrom: '70',
      deadlineId: 'no-such-deadline',
    });
    expect(noDeadline.statusCode).toBe(422);
    expect(noDeadline.body).toContain('href="#deadlineId"');

    const created = await browser.post('/console/outreach/new', {
      _csrf: csrf,
      healthAuthorityCode: authority,
      name: 'Anziani',
      ageFrom: '70',
      ageTo: '110',
      ageOn: '2021-04-14',
      deadline: '2021-04-20',
    });
    expect(created.statusCode, created.body).toBe(303);
    const location = String(created.headers.location);
    expect(location).toMatch(/^\/console\/outreach\/[0-9]+$/);
    campaignId = Number(location.split('/').at(-1));
    const page = await browser.follow(created);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Anziani');
    const targets = await outreachDb(db())
      .selectFrom('outreach_targets')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('campaign_id', '=', campaignId)
      .executeTakeFirstOrThrow();
    expect(Number(targets.n)).toBeGreaterThan(0);
    expect(page.body).toContain(`action="/console/outreach/${campaignId}/dispatch"`);
    expect(page.body).toContain(`action="/console/outreach/${campaignId}/close"`);
    expect((await browser.get('/console/outreach')).body).toContain(`href="/console/outreach/${campaignId}"`);
  });

  it('ELIG-21 the campaign page dispatches a wave, lists the people not contacted with the CSV link, and closes', async () => {
    const { browser } = await signIn(usernames.asl_admin);
    const page = await browser.get(`/console/outreach/${campaignId}`);
    const csrf = valueOf(page.body, '_csrf');
    expect(page.body).toContain(`href="/outreach/campaigns/${campaignId}/not-contacted.csv"`);
    expect(page.body).toMatch(/<th scope="row">1<\/th>/);

    const wrong = await browser.post(`/console/outreach/${campaignId}/dispatch`, {
      _csrf: csrf,
      limit: 'tanti',
    });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.body).toContain('href="#limit"');

    const dispatched = await browser.post(`/console/outreach/${campaignId}/dispatch`, {
      _csrf: csrf,
      limit: '500',
    });
    expect(dispatched.statusCode, dispatched.body).toBe(303);
    const after = await browser.follow(dispatched);
    expect(after.statusCode).toBe(200);
    expect(after.body).toContain('role="status"');
    expect(after.body).toContain('Invio eseguito');

    const csv = await browser.get(`/outreach/campaigns/${campaignId}/not-contacted.csv`);
    expect(csv.statusCode).toBe(200);
    expect(String(csv.headers['content-type'])).toContain('text/csv');

    const closed = await browser.post(`/console/outreach/${campaignId}/close`, { _csrf: csrf });
    expect(closed.statusCode).toBe(303);
    const closedPage = await browser.follow(closed);
    expect(closedPage.body).toContain('Campagna chiusa.');
    expect(closedPage.body).not.toContain(`action="/console/outreach/${campaignId}/dispatch"`);

    const late = await browser.post(`/console/outreach/${campaignId}/dispatch`, { _csrf: csrf, limit: '10' });
    expect(late.statusCode).toBeGreaterThanOrEqual(400);
    expect(late.body).toContain('href="#limit"');

    const region = await signIn(usernames.region_admin);
    expect((await region.browser.get(`/console/outreach/${campaignId}`)).statusCode).toBe(200);
  });

  it('SEC-1 an ASL administrator of another authority neither sees nor opens the campaign nor creates one for that authority; a vaccinator is refused', async () => {
    const { browser } = await signIn(OTHER_ADMIN);
    expect((await browser.get('/console/outreach')).body).not.toContain(
      `href="/console/outreach/${campaignId}"`,
    );
    expect((await browser.get(`/console/outreach/${campaignId}`)).statusCode).toBe(404);
    const form = await browser.get('/console/outreach/new');
    expect(form.body).not.toContain(`<option value="${authority}"`);
    const refused = await browser.post('/console/outreach/new', {
      _csrf: valueOf(form.body, '_csrf'),
      healthAuthorityCode: authority,
      name: 'Altrui',
      ageFrom: '70',
      deadline: '2021-04-20',
    });
    expect(refused.statusCode).toBe(403);
    expect(refused.body).toContain('href="#healthAuthorityCode"');
    const closing = await browser.post(`/console/outreach/${campaignId}/close`, {
      _csrf: valueOf(form.body, '_csrf'),
    });
    expect(closing.statusCode).toBe(404);

    const { browser: vaccinator } = await signIn(usernames.vaccinator);
    expect((await vaccinator.get('/console/outreach/new')).statusCode).toBe(403);
    expect((await vaccinator.get(`/console/outreach/${campaignId}`)).statusCode).toBe(403);
  });
});
