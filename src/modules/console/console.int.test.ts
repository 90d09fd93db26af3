import { beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../../../test/databases.ts';
import { buildTestApp, ensureStaffOfEveryRole, TEST_PASSWORD } from '../../../test/app.ts';
import { FormBrowser } from '../../../test/form-browser.ts';
import { loadReferenceData } from '../reference/service.ts';
import type { App } from '../../platform/http/types.ts';
import type { StaffRole } from '../../platform/auth/roles.ts';

/** The value of a form control in the page, by its name. */
const valueOf = (page: string, name: string): string =>
  /value="([^"]*)"/.exec(new RegExp(`<input[^>]*name="${name}"[^>]*>`).exec(page)?.[0] ?? '')?.[1] ?? '';

describeEachDatabase('staff console shell', (database) => {
  let app: App;
  let usernames: Record<StaffRole, string>;

  beforeAll(async () => {
    await loadReferenceData(database());
    usernames = await ensureStaffOfEveryRole(database());
    app = (await buildTestApp(database(), { now: '2021-04-10T08:00:00Z' })).app;
  });

  it('SEC-3 an anonymous browser is sent to the staff sign-in form; a wrong password is refused on the form, without saying which part was wrong', async () => {
    const browser = new FormBrowser(app);
    const entry = await browser.get('/console');
    expect(entry.statusCode).toBe(303);
    expect(entry.headers.location).toBe('/console/sign-in');
    const form = await browser.get('/console/sign-in');
    expect(form.body).toContain('<form method="post" action="/console/sign-in"');
    expect(form.body).toMatch(/<input[^>]*type="password"[^>]*autocomplete="current-password"/);

    const refused = await browser.post('/console/sign-in', {
      username: usernames.vaccinator,
      password: 'not-the-password',
    });
    expect(refused.statusCode).toBe(401);
    expect(refused.body).toContain('class="alert alert-danger');
    expect(refused.body).toContain('href="#username"');
    expect(refused.body).toContain(`value="${usernames.vaccinator}"`);
    expect(refused.body).not.toContain('not-the-password');

    const empty = await browser.post('/console/sign-in', { username: '', password: '' });
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('href="#username"');
    expect(empty.body).toContain('href="#password"');
  });

  it('SEC-3 a staff member signs in on the form, sees the console home with their name and role, and signs out for good', async () => {
    const browser = new FormBrowser(app);
    const home = await browser.follow(
      await browser.post('/console/sign-in', { username: usernames.asl_admin, password: TEST_PASSWORD }),
    );
    expect(home.statusCode).toBe(200);
    expect(home.headers['cache-control']).toBe('no-store');
    expect(home.body).toContain('amministratore ASL');
    expect(home.body).toContain('<form method="post" action="/console/sign-out"');

    const signedOut = await browser.follow(
      await browser.post('/console/sign-out', { _csrf: valueOf(home.body, '_csrf') }),
    );
    expect(signedOut.body).toContain('action="/console/sign-in"');
    const after = await browser.get('/console');
    expect(after.statusCode).toBe(303);
  });

  it('SEC-6 an unknown console address is a page for a browser and problem+json for other clients, never a stack trace', async () => {
    const browser = new FormBrowser(app);
    await browser.post('/console/sign-in', { username: usernames.vaccinator, password: TEST_PASSWORD });
    const missing = await browser.get('/console/no-such-page');
    expect(missing.statusCode).toBe(404);
    expect(missing.body).toContain('<h1>');
    expect(missing.body).toContain('href="/console"');
    const api = await app.inject({ method: 'GET', url: '/console/no-such-page' });
    expect(api.headers['content-type']).toContain('application/problem+json');
  });
});
