import { beforeAll, expect, it } from 'vitest';
import { sql } from 'kysely';
import { describeEachDatabase } from '../../../test/databases.ts';
import { buildTestApp, ensureStaffOfEveryRole, signInStaff } from '../../../test/app.ts';
import { loadReferenceData } from '../reference/service.ts';
import { generatePopulationIntoDatabase } from '../population/service.ts';
import { EligibilityService } from '../eligibility/service.ts';
import { seedDemoCapacity } from '../demo/seed.ts';
import type { App } from '../../platform/http/types.ts';
import { FormBrowser, HTML } from '../../../test/form-browser.ts';
import {
  type Citizen,
  citizensBornBetween,
  elderlyCitizens,
  CREMONA,
  DEMO_CAPACITY_DAY,
  signInCitizen,
  valueOf,
  visibleText,
} from '../../../test/portal-fixtures.ts';

describeEachDatabase('Citizen portal', (database) => {
  let app: App;
  let elderly: Citizen[];
  let young: Citizen;

  const signIn = (person: Citizen): Promise<FormBrowser> => signInCitizen(app, person);

  const hubsQuery = (extra: Record<string, string> = {}) =>
    new URLSearchParams({ ...CREMONA, date: DEMO_CAPACITY_DAY, time: '10:00', ...extra }).toString();

  /** Search, pick the first hub offered, confirm: the booking page it lands on. */
  const bookFirstHub = async (browser: FormBrowser) => {
    const hubs = await browser.get(`/portal/book/hubs?${hubsQuery()}`);
    expect(hubs.statusCode).toBe(200);
    const confirm = await browser.get(
      `/portal/book/confirm?${hubsQuery({ slotId: valueOf(hubs.body, 'slotId') })}`,
    );
    expect(confirm.statusCode).toBe(200);
    const form = {
      _csrf: valueOf(confirm.body, '_csrf'),
      slotId: valueOf(confirm.body, 'slotId'),
      idempotencyKey: valueOf(confirm.body, 'idempotencyKey'),
    };
    const posted = await browser.post('/portal/book/confirm', form);
    return { posted, form, page: await browser.follow(posted) };
  };

  beforeAll(async () => {
    await loadReferenceData(database());
    await generatePopulationIntoDatabase(database(), { people: 1500, seed: 41 });
    await ensureStaffOfEveryRole(database());
    const built = await buildTestApp(database(), { now: '2021-04-10T08:00:00Z' });
    app = built.app;
    await new EligibilityService(database().db, built.clock, '03').loadShippedPlanVersions();
    await seedDemoCapacity(database(), built.clock, () => undefined);
    elderly = await elderlyCitizens(database(), 6);
    [young] = (await citizensBornBetween(database(), '1985-01-01', '1995-12-31', 1, {
      withoutEntitlements: true,
    })) as [Citizen];
  });

  it('UX-3 a citizen books without JavaScript: sign-in, can I book, domicile step by step, hubs, confirm, confirmation', async () => {
    const [person] = elderly;
    if (person === undefined) throw new Error('no person');
    const browser = new FormBrowser(app);
    const signInPage = await browser.get('/portal');
    expect(signInPage.statusCode).toBe(303);
    const form = await browser.get(String(signInPage.headers.location));
    expect(form.body).toContain('<form method="post" action="/portal/sign-in"');

    const start = await browser.follow(
      await browser.post('/portal/sign-in', {
        taxCode: person.tax_code.toLowerCase(),
        healthCardNumber: person.health_card_number,
      }),
    );
    expect(start.headers['cache-control']).toBe('no-store');
    expect(visibleText(start.body)).toContain('Può prenotare');
    expect(start.body).toContain('href="/portal/book"');

    const province = await browser.get('/portal/book');
    expect(province.body).toMatch(/<select[^>]*id="province"/);
    expect(province.body).not.toMatch(/id="municipalityIstat"/);
    const municipality = await browser.get(`/portal/book?province=${CREMONA.province}`);
    expect(municipality.body).toMatch(/<select[^>]*id="municipalityIstat"/);
    expect(municipality.body).toContain(`<option value="${CREMONA.municipalityIstat}"`);
    const details = await browser.get(
      `/portal/book?province=${CREMONA.province}&municipalityIstat=${CREMONA.municipalityIstat}`,
    );
    expect(details.body).toContain('<form method="get" action="/portal/book/hubs"');
    expect(details.body).toContain(`<option value="${CREMONA.cap}"`);
    expect(details.body).toMatch(/<input[^>]*type="date"/);

    const { page, form: confirmed } = await bookFirstHub(browser);
    expect(page.statusCode).toBe(200);
    const code = /Prenotazione ([A-Z0-9]{8})/.exec(visibleText(page.body))?.[1] ?? '';
    const text = visibleText(page.body);
    expect(text).toContain('Prenotazione confermata');
    expect(text).toContain('Cosa portare');
    expect(text).toContain('Un documento di identità valido');
    expect(text).toContain('Seconda dose');

    // The page shows what the JSON API holds for the same booking.
    const api = await app.inject({
      method: 'GET',
      url: `/bookings/${code}`,
      headers: await signInStaff(app, 'test.call-center'),
    });
    const booking = api.json<{
      personId: number;
      channel: string;
      place: { name: string };
      secondDose: { code: string };
    }>();
    expect(booking).toMatchObject({ personId: person.id, channel: 'web' });
    expect(String(booking.secondDose.code)).toMatch(/^[A-Z0-9]{8}$/);
    expect(text).toContain(booking.place.name);
    expect(text).toContain(booking.secondDose.code);
    expect(Number(confirmed.slotId)).toBeGreaterThan(0);
  });

  it('BOOK-9 the confirmation form sent twice books once', async () => {
    const browser = await signIn(elderly[1] as Citizen);
    const { posted, form } = await bookFirstHub(browser);
    const again = await browser.post('/portal/book/confirm', form);
    expect(again.statusCode).toBe(303);
    expect(again.headers.location).toBe(posted.headers.location);
    const count = await sql<{ n: number }>`SELECT count(*)::int AS n FROM bookings
      WHERE person_id = ${(elderly[1] as Citizen).id} AND dose_number = 1`.execute(database().db);
    expect(count.rows[0]?.n).toBe(1);
  });

  it('SEC-3 a form post without the session’s CSRF token is refused and changes nothing', async () => {
    const person = elderly[2] as Citizen;
    const browser = await signIn(person);
    const hubs = await browser.get(`/portal/book/hubs?${hubsQuery()}`);
    const slotId = valueOf(hubs.body, 'slotId');
    const bookings = async () =>
      (
        await sql<{
          n: number;
        }>`SELECT count(*)::int AS n FROM bookings WHERE person_id = ${person.id}`.execute(database().db)
      ).rows[0]?.n;

    for (const token of [undefined, 'forged-token']) {
      const refused = await browser.post('/portal/book/confirm', {
        slotId,
        idempotencyKey: `portal-csrf-${token ?? 'none'}`,
        ...(token === undefined ? {} : { _csrf: token }),
      });
      expect(refused.statusCode).toBe(403);
      expect(refused.headers['content-type']).toContain('text/html');
      expect(visibleText(refused.body)).toContain('Ricarichi la pagina e riprovi');
    }
    const signOut = await browser.post('/portal/sign-out', {});
    expect(signOut.statusCode).toBe(403);
    expect(await bookings()).toBe(0);
    // A client that does not read HTML gets the platform's problem.
    const api = await app.inject({
      method: 'POST',
      url: '/portal/book/confirm',
      cookies: Object.fromEntries(browser.cookies),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `slotId=${slotId}&idempotencyKey=portal-csrf-api`,
    });
    expect(api.headers['content-type']).toContain('application/problem+json');
    expect(api.json()).toMatchObject({ code: 'CSRF_TOKEN_INVALID', pointer: '/body/_csrf' });
  });

  it('UX-2 citizen input comes back escaped, never as markup', async () => {
    const browser = new FormBrowser(app);
    const attack = '"><script>alert(1)</script>';
    const page = await browser.post('/portal/sign-in', { taxCode: attack, healthCardNumber: `<b>${attack}` });
    expect(page.statusCode).toBe(400);
    expect(page.body).not.toContain('<script>alert(1)</script>');
    expect(page.body).not.toContain('<b>');
    expect(page.body).toContain('&lt;SCRIPT&gt;ALERT(1)&lt;/SCRIPT&gt;');
    expect(page.body).toContain('&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;');

    const citizen = await signIn(elderly[3] as Citizen);
    const found = await citizen.get(
      `/portal/bookings?code=${encodeURIComponent('<img src=x onerror=alert(1)>')}`,
    );
    expect(found.statusCode).toBe(400);
    expect(found.body).not.toContain('<img');
    expect(found.body).toContain('&lt;IMG');
  });

  it('UX-2 a refused form has an error summary linking to each field, and each field its message', async () => {
    const browser = new FormBrowser(app);
    const page = await browser.post('/portal/sign-in', { taxCode: '', healthCardNumber: '123' });
    expect(page.statusCode).toBe(400);
    expect(page.body).toMatch(/<title>Errore: /);
    const summary = /<div\s+class="alert alert-danger error-summary"[^>]*>([\s\S]*?)<\/div>/.exec(page.body);
    expect(summary?.[0]).toContain('autofocus');
    expect(summary?.[1]).toContain('href="#taxCode"');
    expect(summary?.[1]).toContain('href="#healthCardNumber"');
    expect(visibleText(summary?.[1] ?? '')).toContain('Il campo «Codice fiscale» è obbligatorio');
    expect(visibleText(summary?.[1] ?? '')).toContain(
      '«Numero della tessera sanitaria» non ha il formato atteso',
    );
    const input = /<input[^>]*id="healthCardNumber"[^>]*>/.exec(page.body)?.[0] ?? '';
    expect(input).toContain('aria-invalid="true"');
    expect(input).toContain('aria-describedby="healthCardNumber-hint healthCardNumber-error"');
    expect(page.body).toContain('id="healthCardNumber-error"');
    expect(page.body).toMatch(/<label\s+class="form-label"\s+for="healthCardNumber"/);
  });

  it('SEC-3 a wrong card gets the one uniform refusal, on the page', async () => {
    const person = elderly[4] as Citizen;
    const browser = new FormBrowser(app);
    const wrong = `${person.health_card_number.slice(0, -1)}${person.health_card_number.endsWith('0') ? '1' : '0'}`;
    const page = await browser.post('/portal/sign-in', { taxCode: person.tax_code, healthCardNumber: wrong });
    expect(page.statusCode).toBe(401);
    expect(visibleText(page.body)).toContain(
      'Codice fiscale e numero di tessera sanitaria non corrispondono',
    );
    expect(browser.cookies.has('vaxhub_session')).toBe(false);
  });

  it('ELIG-5 a citizen who cannot book yet is told why and what to do, and cannot search', async () => {
    const browser = await signIn(young);
    const start = await browser.get('/portal/start');
    const text = visibleText(start.body);
    expect(text).toContain('Non può ancora prenotare');
    expect(text).toContain('preadesione');
    expect(start.body).not.toContain('href="/portal/book"');
    const hubs = await browser.get(`/portal/book/hubs?${hubsQuery()}`);
    expect(hubs.statusCode).toBe(403);
    expect(visibleText(hubs.body)).toContain('Prenotazione non ancora possibile');
  });

  it('BOOK-6 a CAP of another municipality is refused at the CAP field, in the catalogue’s words', async () => {
    const browser = await signIn(elderly[5] as Citizen);
    const page = await browser.get(`/portal/book/hubs?${hubsQuery({ cap: '20121' })}`);
    expect(page.statusCode).toBe(400);
    expect(page.body).toContain('href="#cap"');
    expect(page.body).toMatch(/<select[^>]*id="cap"[^>]*aria-invalid="true"/);
    expect(visibleText(page.body)).toContain('Il CAP 20121 non appartiene al comune scelto');
    const missing = await browser.get(`/portal/book/hubs?${hubsQuery({ date: '', time: '25:00' })}`);
    expect(missing.statusCode).toBe(400);
    expect(visibleText(missing.body)).toContain('Il campo «Giorno» è obbligatorio');
    expect(visibleText(missing.body)).toContain('Il campo «Ora» non ha il formato atteso');
  });

  it('BOOK-8 BOOK-10 a citizen reschedules, then cancels deciding about the second dose, and the API agrees', async () => {
    const person = elderly[0] as Citizen;
    const browser = await signIn(person);
    const start = await browser.get('/portal/start');
    const code = /href="\/portal\/bookings\/([A-Z0-9]{8})"/.exec(start.body)?.[1] ?? '';
    expect(code).toMatch(/^[A-Z0-9]{8}$/);

    const from = await browser.get(`/portal/book?reschedule=${code}`);
    expect(visibleText(from.body)).toContain(`Sposti la prenotazione ${code}`);
    const later = hubsQuery({ time: '15:00', reschedule: code });
    const hubs = await browser.get(`/portal/book/hubs?${later}`);
    const confirm = await browser.get(`/portal/book/confirm?${later}&slotId=${valueOf(hubs.body, 'slotId')}`);
    expect(confirm.body).toContain(`action="/portal/bookings/${code}/reschedule"`);
    const moved = await browser.follow(
      await browser.post(`/portal/bookings/${code}/reschedule`, {
        _csrf: valueOf(confirm.body, '_csrf'),
        slotId: valueOf(confirm.body, 'slotId'),
      }),
    );
    expect(visibleText(moved.body)).toContain('Appuntamento spostato');
    expect(visibleText(moved.body)).toContain('15:00');

    const cancelPage = await browser.get(`/portal/bookings/${code}/cancel`);
    const csrf = valueOf(cancelPage.body, '_csrf');
    const incomplete = await browser.post(`/portal/bookings/${code}/cancel`, {
      _csrf: csrf,
      reason: 'other',
    });
    expect(incomplete.statusCode).toBe(400);
    expect(incomplete.body).toContain('href="#otherReason"');
    expect(incomplete.body).toContain('href="#secondDose-0"');
    const cancelled = await browser.follow(
      await browser.post(`/portal/bookings/${code}/cancel`, {
        _csrf: csrf,
        reason: 'cannot_attend',
        secondDose: 'cancel',
      }),
    );
    expect(visibleText(cancelled.body)).toContain('Prenotazione annullata');
    const api = await app.inject({
      method: 'GET',
      url: `/bookings/${code}`,
      headers: await signInStaff(app, 'test.call-center'),
    });
    expect(api.json()).toMatchObject({ status: 'cancelled', secondDose: null });
    const reason = await sql<{
      cancel_reason: string;
    }>`SELECT cancel_reason FROM bookings WHERE code = ${code}`.execute(database().db);
    expect(reason.rows[0]?.cancel_reason).toBe('Non posso venire in quel giorno');
  });

  it('SEC-2 a citizen cannot open someone else’s booking from the pages', async () => {
    const owner = await signIn(elderly[1] as Citizen);
    const code =
      /href="\/portal\/bookings\/([A-Z0-9]{8})"/.exec((await owner.get('/portal/start')).body)?.[1] ?? '';
    expect(code).toMatch(/^[A-Z0-9]{8}$/);
    const other = await signIn(elderly[3] as Citizen);
    for (const url of [`/portal/bookings/${code}`, `/portal/bookings/${code}/cancel`]) {
      const page = await other.get(url);
      expect(page.statusCode).toBe(404);
      expect(visibleText(page.body)).toContain('Prenotazione non trovata');
    }
    const found = await other.get(`/portal/bookings?code=${code}`);
    expect(found.statusCode).toBe(404);
    expect(found.body).toContain('href="#code"');
  });

  it('UX-1 Italian by default, English by the switch, which only ever leads back into the portal', async () => {
    const browser = new FormBrowser(app);
    expect((await browser.get('/portal/sign-in')).body).toContain('<html lang="it">');
    const english = await browser.get(
      `/portal/language?to=en&back=${encodeURIComponent('/portal/sign-in?out=1')}`,
    );
    expect(english.statusCode).toBe(303);
    expect(english.headers.location).toBe('/portal/sign-in?out=1');
    const page = await browser.get('/portal/sign-in');
    expect(page.body).toContain('<html lang="en">');
    expect(visibleText(page.body)).toContain('Sign in with your health card');
    const refused = await browser.post('/portal/sign-in', {});
    expect(visibleText(refused.body)).toContain('The field "Tax code (codice fiscale)" is required');
    for (const back of [
      'https://evil.example/',
      '//evil.example/portal',
      '/portal\\@evil.example',
      '/docs',
    ]) {
      const answer = await browser.get(`/portal/language?to=it&back=${encodeURIComponent(back)}`);
      expect(answer.headers.location).toBe('/portal');
    }
  });

  it('SEC-1 pages declare who may see them: anonymous browsers go to sign-in, staff are refused, API clients get problems', async () => {
    const anonymous = await new FormBrowser(app).get('/portal/start');
    expect(anonymous.statusCode).toBe(303);
    expect(anonymous.headers.location).toBe('/portal/sign-in?expired=1');
    const api = await app.inject({ method: 'GET', url: '/portal/start' });
    expect(api.statusCode).toBe(401);
    expect(api.json()).toMatchObject({ code: 'AUTHENTICATION_REQUIRED' });
    const staff = await app.inject({
      method: 'GET',
      url: '/portal/start',
      headers: { ...(await signInStaff(app, 'test.call-center')), accept: HTML },
    });
    expect(staff.statusCode).toBe(403);
    expect(visibleText(staff.body)).toContain('Operazione non consentita');
    const unknown = await new FormBrowser(app).get('/portal/nowhere');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.headers['content-type']).toContain('text/html');
  });

  it('SEC-3 signing out ends the session at once', async () => {
    const browser = await signIn(elderly[4] as Citizen);
    const start = await browser.get('/portal/start');
    const token = browser.cookies.get('vaxhub_session') ?? '';
    const out = await browser.follow(
      await browser.post('/portal/sign-out', { _csrf: valueOf(start.body, '_csrf') }),
    );
    expect(visibleText(out.body)).toContain('È uscito dal servizio');
    expect(browser.cookies.has('vaxhub_session')).toBe(false);
    const replayed = await app.inject({
      method: 'GET',
      url: '/portal/start',
      cookies: { vaxhub_session: token },
    });
    expect(replayed.statusCode).toBe(401);
  });

  it('UX-2 Bootstrap Italia and the portal’s files come from our own origin, fonts included', async () => {
    const page = (await new FormBrowser(app).get('/portal/sign-in')).body;
    const assets = [...page.matchAll(/(?:href|src)="(\/assets\/[^"]+)"/g)].map((match) => match[1] ?? '');
    expect(assets.length).toBeGreaterThanOrEqual(3);
    for (const asset of assets) {
      const response = await app.inject({ method: 'GET', url: asset.replaceAll('&amp;', '&') });
      expect(response.statusCode, asset).toBe(200);
    }
    const css = await app.inject({ method: 'GET', url: '/assets/portal/portal.css' });
    expect(css.body).toContain('@media print');
    const fonts = [...css.body.matchAll(/url\('\.\.\/([^']+)'\)/g)].map(
      (match) => `/assets/${match[1] ?? ''}`,
    );
    expect(fonts.length).toBeGreaterThanOrEqual(8);
    for (const font of fonts)
      expect((await app.inject({ method: 'GET', url: font })).statusCode, font).toBe(200);
    for (const outside of [
      '/assets/bootstrap-italia/../package.json',
      '/assets/bootstrap-italia/bootstrap-italia.esm.js',
    ]) {
      expect((await app.inject({ method: 'GET', url: outside })).statusCode, outside).toBe(404);
    }
  });
});
