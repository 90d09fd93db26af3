import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { describeEachDatabase } from '../../../test/databases.ts';
import { buildTestApp, ensureStaffOfEveryRole, signInStaff, TEST_PASSWORD } from '../../../test/app.ts';
import { FormBrowser, HTML } from '../../../test/form-browser.ts';
import { CONSENT } from '../../../test/registry-fixtures.ts';
import { AuthService } from '../../platform/auth/service.ts';
import { systemContext } from '../../platform/audit/audit.ts';
import { fixedClock } from '../../platform/clock.ts';
import type { StaffRole } from '../../platform/auth/roles.ts';
import type { App } from '../../platform/http/types.ts';
import { loadReferenceData } from '../reference/service.ts';
import { generatePopulationIntoDatabase } from '../population/service.ts';
import { EligibilityService } from '../eligibility/service.ts';
import { ListService } from '../eligibility/lists/service.ts';
import { writeSyntheticFragileList } from '../eligibility/lists/synthetic.ts';
import { messagingDb } from '../messaging/repo.ts';
import { maskRecipient, uploadPage } from './authority-views.ts';
import { uploadLine } from './authority-pages.ts';

const NOW = '2021-04-12T12:00:00Z';
const TODAY = '2021-04-12';

/** The value of a form control in the page, by its name. */
const valueOf = (page: string, name: string): string =>
  /value="([^"]*)"/.exec(new RegExp(`<input[^>]*name="${name}"[^>]*>`).exec(page)?.[0] ?? '')?.[1] ?? '';

/**
 * A multipart/form-data body as a browser sends a form with a file, without any script; a file without a
 * name is a part without `filename`, as some non-browser clients send an empty file input.
 */
function multipart(
  fields: Record<string, string>,
  file?: { name: string | undefined; content: Buffer; type: string },
): { payload: Buffer; contentType: string } {
  const boundary = `----vaxhub${randomUUID()}`;
  const parts: Buffer[] = Object.entries(fields).map(([name, value]) =>
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`),
  );
  if (file !== undefined) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"${file.name === undefined ? '' : `; filename="${file.name}"`}\r\nContent-Type: ${file.type}\r\n\r\n`,
      ),
      file.content,
      Buffer.from('\r\n'),
    );
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

describeEachDatabase('authority console', (database) => {
  let app: App;
  let usernames: Record<StaffRole, string>;
  let directory: string;
  let authority: string;
  let otherAuthority: string;
  let ownHub: { id: number; name: string };
  let otherHub: { id: number; name: string };
  const OTHER_ADMIN = 'test.asl-admin-other';

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

  const postFile = async (
    browser: FormBrowser,
    fields: Record<string, string>,
    file?: { name: string | undefined; content: Buffer; type: string },
  ) => {
    const body = multipart(fields, file);
    return app.inject({
      method: 'POST',
      url: '/console/lists',
      headers: { accept: HTML, 'content-type': body.contentType },
      cookies: Object.fromEntries(browser.cookies),
      payload: body.payload,
    });
  };

  /** Reads the upload's row until its background run is over (no sleeping: each read yields to the run). */
  const finished = async (uploadId: number) => {
    const lists = new ListService(
      database(),
      fixedClock(NOW),
      new EligibilityService(database().db, fixedClock(NOW), '03'),
    );
    for (let reads = 0; reads < 100_000; reads += 1) {
      const upload = await lists.getUpload(uploadId);
      if (upload.status !== 'running') return upload;
      await new Promise((resolve) => setImmediate(resolve));
    }
    throw new Error(`upload ${uploadId} still running`);
  };

  beforeAll(async () => {
    await loadReferenceData(database());
    await generatePopulationIntoDatabase(database(), { people: 400, seed: 77 });
    await new EligibilityService(database().db, fixedClock(NOW), '03').loadShippedPlanVersions();
    usernames = await ensureStaffOfEveryRole(database());
    const points = await database()
      .db.selectFrom('vaccination_points')
      .select(['id', 'name', 'health_authority_code', 'kind'])
      .orderBy('code')
      .execute();
    const first = points[0];
    if (first === undefined) throw new Error('no vaccination point');
    authority = first.health_authority_code;
    const hubs = points.filter((point) => point.kind === 'hub');
    const own = hubs.find((hub) => hub.health_authority_code === authority);
    const other = hubs.find((hub) => hub.health_authority_code !== authority);
    if (own === undefined || other === undefined)
      throw new Error('the reference data needs hubs of two authorities');
    ownHub = { id: own.id, name: own.name };
    otherHub = { id: other.id, name: other.name };
    otherAuthority = other.health_authority_code;
    const auth = new AuthService(database().db, fixedClock('2021-04-01T00:00:00Z'), {
      staffSessionMinutes: 60,
      citizenSessionMinutes: 30,
    });
    await auth.createStaffAccount(
      {
        username: OTHER_ADMIN,
        displayName: 'other ASL admin',
        role: 'asl_admin',
        password: TEST_PASSWORD,
        vaccinationPointIds: [],
        healthAuthorityCodes: [otherAuthority],
      },
      systemContext('test', new Date('2021-04-01T00:00:00Z')),
    );
    directory = await mkdtemp(path.join(tmpdir(), 'vaxhub-console-'));
    app = (
      await buildTestApp(database(), {
        now: NOW,
        env: { DATA_DIR: directory },
      })
    ).app;
  });

  afterAll(async () => {
    await app.close();
    await rm(directory, { recursive: true, force: true });
  });

  it('BOOK-1 an ASL administrator sees only the hubs of their authority and sets a hub’s stations on the form; fewer than 5 are refused on the field', async () => {
    const { browser, home } = await signIn(usernames.asl_admin);
    expect(home.body).toContain('href="/console/hubs"');
    expect(home.body).toContain('href="/console/dashboards"');
    const list = await browser.get('/console/hubs');
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain(`href="/console/hubs/${ownHub.id}"`);
    expect(list.body).not.toContain(`href="/console/hubs/${otherHub.id}"`);

    const page = await browser.get(`/console/hubs/${ownHub.id}`);
    expect(page.statusCode).toBe(200);
    const csrf = valueOf(page.body, '_csrf');
    const refused = await browser.post(`/console/hubs/${ownHub.id}`, {
      _csrf: csrf,
      stations: '4',
      status: 'active',
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('href="#stations"');
    expect(refused.body).toContain('aria-invalid="true"');

    const saved = await browser.follow(
      await browser.post(`/console/hubs/${ownHub.id}`, {
        _csrf: csrf,
        stations: '8',
        status: 'active',
        accessibility: ['step_free', 'parking'],
      }),
    );
    expect(saved.statusCode).toBe(200);
    expect(saved.body).toContain('role="status"');
    expect(valueOf(saved.body, 'stations')).toBe('8');
    expect(saved.body).toMatch(/<input[^>]*value="step_free"[^>]*checked/);
    expect(saved.body).toMatch(/<input[^>]*value="active"[^>]*checked/);
  });

  it('BOOK-3 a hub set as reserve is saved as reserve and listed so', async () => {
    const { browser } = await signIn(usernames.region_admin);
    const page = await browser.get(`/console/hubs/${otherHub.id}`);
    expect(page.statusCode).toBe(200);
    const saved = await browser.follow(
      await browser.post(`/console/hubs/${otherHub.id}`, {
        _csrf: valueOf(page.body, '_csrf'),
        stations: '6',
        status: 'reserve',
      }),
    );
    expect(saved.body).toMatch(/<input[^>]*value="reserve"[^>]*checked/);
    const list = await browser.get('/console/hubs');
    // The region's administrator sees every authority's hubs.
    expect(list.body).toContain(`href="/console/hubs/${ownHub.id}"`);
    const row = new RegExp(`href="/console/hubs/${otherHub.id}"[\\s\\S]*?</tr>`).exec(list.body)?.[0] ?? '';
    expect(row).toContain('di riserva');
  });

  it('BOOK-2 an ASL administrator opens a hub’s day with hours, stations and doses per vaccine; the page shows its places and stock; more stations than the hub has are refused', async () => {
    const { browser } = await signIn(usernames.asl_admin);
    const hubForm = await browser.get(`/console/hubs/${ownHub.id}`);
    await browser.follow(
      await browser.post(`/console/hubs/${ownHub.id}`, {
        _csrf: valueOf(hubForm.body, '_csrf'),
        stations: '8',
        status: 'active',
      }),
    );
    const day = await browser.get(`/console/hubs/${ownHub.id}/day?day=${TODAY}`);
    expect(day.statusCode).toBe(200);
    expect(day.body).toContain('name="stock_COMIRNATY-30"');
    const csrf = valueOf(day.body, '_csrf');
    const form = {
      _csrf: csrf,
      day: TODAY,
      opensAt: '09:00',
      closesAt: '13:00',
      stations: '5',
      minutesPerVaccination: '10',
      slotMinutes: '15',
      'stock_COMIRNATY-30': '400',
    };
    const tooMany = await browser.post(`/console/hubs/${ownHub.id}/day`, { ...form, stations: '9' });
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.body).toContain('href="#stations"');

    const saved = await browser.follow(await browser.post(`/console/hubs/${ownHub.id}/day`, form));
    expect(saved.statusCode).toBe(200);
    expect(saved.body).toContain('09:00–13:00');
    // The places are the slots' as the booking service derived them from the hours and stations.
    const capacity = Number(/0 prenotati su (\d+) \((\d+) fasce orarie\)/.exec(saved.body)?.[1]);
    expect(capacity).toBeGreaterThan(0);
    expect(saved.body).toMatch(/<th scope="row">[^<]*Comirnaty[^<]*<\/th>\s*<td>400<\/td>/i);
    const hub = await browser.get(`/console/hubs/${ownHub.id}`);
    expect(hub.body).toContain(`href="/console/hubs/${ownHub.id}/day?day=${TODAY}"`);
  });

  it('SEC-1 an ASL administrator of another authority is refused this authority’s hubs, uploads and days; other roles are refused the authority console', async () => {
    const { browser } = await signIn(OTHER_ADMIN);
    const list = await browser.get('/console/hubs');
    expect(list.body).toContain(`href="/console/hubs/${otherHub.id}"`);
    expect(list.body).not.toContain(`href="/console/hubs/${ownHub.id}"`);
    const hub = await browser.get(`/console/hubs/${ownHub.id}`);
    expect(hub.statusCode).toBe(403);
    const day = await browser.get(`/console/hubs/${ownHub.id}/day?day=${TODAY}`);
    expect(day.statusCode).toBe(403);
    const page = await browser.get(`/console/hubs/${otherHub.id}`);
    const write = await browser.post(`/console/hubs/${ownHub.id}`, {
      _csrf: valueOf(page.body, '_csrf'),
      stations: '50',
      status: 'closed_to_new',
    });
    expect(write.statusCode).toBe(403);
    const upload = await postFile(
      browser,
      { _csrf: valueOf(page.body, '_csrf'), listType: 'fragile', sourceAuthority: authority },
      {
        name: 'elenco.csv',
        content: Buffer.from('codice_fiscale;numero_tessera_sanitaria;condizione\r\n'),
        type: 'text/csv',
      },
    );
    expect(upload.statusCode).toBe(403);
    expect(upload.body).toContain('href="#sourceAuthority"');

    for (const role of ['vaccinator', 'point_admin', 'call_center', 'auditor'] as const) {
      const { browser: other, home } = await signIn(usernames[role]);
      expect(home.body).not.toContain('href="/console/hubs"');
      expect((await other.get('/console/hubs')).statusCode).toBe(403);
      expect((await other.get('/console/dashboards')).statusCode).toBe(403);
    }
  });

  it('UX-4 a list file sent on the form without any script loads in the background; its page shows a bar and the counts, and the rejection report downloads as CSV', async () => {
    const file = path.join(directory, 'fragili-aprile.csv');
    const rows = await writeSyntheticFragileList(database().db, file, 'csv', { rows: 300, badEvery: 25 });
    const { browser } = await signIn(usernames.asl_admin);
    const form = await browser.get('/console/lists');
    expect(form.body).toContain('enctype="multipart/form-data"');
    expect(form.body).toContain('type="file"');
    const csrf = valueOf(form.body, '_csrf');

    const noFile = await postFile(browser, { _csrf: csrf, listType: 'fragile', sourceAuthority: authority });
    expect(noFile.statusCode).toBe(400);
    expect(noFile.body).toContain('href="#file"');
    // SEC-6: a part named file without a file name is a stray field, refused with the form, not a failure.
    const unnamed = await postFile(
      browser,
      { _csrf: csrf, listType: 'fragile', sourceAuthority: authority },
      { name: undefined, content: Buffer.from('codice_fiscale\n'), type: 'text/csv' },
    );
    expect(unnamed.statusCode).toBe(400);
    expect(unnamed.body).toContain('<title>Errore: ');

    const content = await readFile(file);
    const forged = await postFile(
      browser,
      { _csrf: 'not-the-token', listType: 'fragile', sourceAuthority: authority },
      { name: 'fragili-aprile.csv', content, type: 'text/csv' },
    );
    expect(forged.statusCode).toBe(403);

    const sent = await postFile(
      browser,
      { _csrf: csrf, listType: 'fragile', sourceAuthority: authority },
      { name: 'fragili-aprile.csv', content, type: 'text/csv' },
    );
    expect(sent.statusCode, sent.body.slice(0, 500)).toBe(303);
    const location = String(sent.headers.location);
    const uploadId = Number(/\/console\/lists\/(\d+)$/.exec(location)?.[1]);
    expect(uploadId).toBeGreaterThan(0);
    const done = await finished(uploadId);
    expect(done.status).toBe('completed');
    expect(done.rows_read).toBe(rows);
    expect(done.rows_rejected).toBeGreaterThan(0);

    const page = await browser.get(location);
    expect(page.statusCode).toBe(200);
    expect(page.body).toMatch(new RegExp(`<progress[^>]*max="${rows}"[^>]*value="${rows}"`));
    expect(page.body).toContain(`${rows} righe lette su ${rows} (100%)`);
    expect(page.body).toContain(`href="/lists/uploads/${uploadId}/rejections"`);
    expect(page.body).not.toContain('console-upload.js');
    const report = await browser.get(`/lists/uploads/${uploadId}/rejections`);
    expect(report.statusCode).toBe(200);
    expect(report.headers['content-type']).toContain('text/csv');
    expect(report.body.split('\r\n').filter((line) => /^\d+;/.test(line))).toHaveLength(done.rows_rejected);
    const listing = await browser.get('/console/lists');
    expect(listing.body).toContain(`href="/console/lists/${uploadId}"`);

    // Another authority's administrator neither sees it listed nor opens it.
    const { browser: other } = await signIn(OTHER_ADMIN);
    expect((await other.get('/console/lists')).body).not.toContain(`href="/console/lists/${uploadId}"`);
    expect((await other.get(location)).statusCode).toBe(403);
  });

  it('UX-4 a running upload’s page has the bar, the text, the polling script and a refresh link that works without it', async () => {
    const file = path.join(directory, 'fragili-maggio.csv');
    const rows = await writeSyntheticFragileList(database().db, file, 'csv', { rows: 120, badEvery: 7 });
    const { browser } = await signIn(usernames.asl_admin);
    const form = await browser.get('/console/lists');
    const sent = await postFile(
      browser,
      { _csrf: valueOf(form.body, '_csrf'), listType: 'fragile', sourceAuthority: authority },
      { name: 'fragili-maggio.csv', content: await readFile(file), type: 'text/csv' },
    );
    expect(sent.statusCode).toBe(303);
    const location = String(sent.headers.location);
    const uploadId = Number(/(\d+)$/.exec(location)?.[1]);
    // A running upload, as its page draws it whatever the background run has reached by now.
    const running = uploadPage(
      { area: 'console', language: 'it', here: location, regionName: 'Regione Lombardia' },
      'asl_admin',
      {
        ...uploadLine(
          await new ListService(
            database(),
            fixedClock(NOW),
            new EligibilityService(database().db, fixedClock(NOW), '03'),
          ).getUpload(uploadId),
        ),
        status: 'running',
        rowsRead: 60,
      },
      { script: '/assets/portal/console-upload.js?v=test' },
    ).value;
    expect(running).toMatch(new RegExp(`<progress[^>]*max="${rows}"[^>]*value="60"`));
    expect(running).toContain(`60 righe lette su ${rows} (${Math.floor((60 / rows) * 100)}%)`);
    expect(running).toContain(`data-progress-url="/lists/uploads/${uploadId}"`);
    expect(running).toContain(`href="${location}"`);
    expect(running).toContain('<script src="/assets/portal/console-upload.js?v=test" defer></script>');
    await finished(uploadId);
    // The JSON route the script polls answers the same counts.
    const progress = await app.inject({
      method: 'GET',
      url: `/lists/uploads/${uploadId}`,
      cookies: Object.fromEntries(browser.cookies),
    });
    expect(progress.json()).toMatchObject({ status: 'completed', rowsRead: rows, rowsTotal: rows });
    const script = await app.inject({ method: 'GET', url: '/assets/portal/console-upload.js' });
    expect(script.statusCode).toBe(200);
    expect(script.body).toContain('data-progress-url');
  });

  it('ELIG-1 the plan page lists the versions loaded and marks those in force on the chosen date', async () => {
    const { browser } = await signIn(usernames.region_admin);
    const versions = await new EligibilityService(database().db, fixedClock(NOW), '03').listPlanVersions();
    const page = await browser.get(`/console/plan?on=${TODAY}`);
    expect(page.statusCode).toBe(200);
    for (const version of versions) expect(page.body).toContain(`<th scope="row">${version.id}</th>`);
    const plan = await new EligibilityService(database().db, fixedClock(NOW), '03').planInForce(TODAY);
    expect(page.body).toContain(`il piano nazionale ${plan.national.id}`);
    const inForceRows = page.body.match(/<strong>sì<\/strong>/g) ?? [];
    expect(inForceRows).toHaveLength(plan.calendar === null ? 1 : 2);
    const bad = await browser.get('/console/plan?on=2021-13-45');
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('href="#on"');
  });

  it('NAT-1 the national-flow page shows the outbox backlog, and the lag per hour as a chart with its table', async () => {
    const person = await database()
      .db.selectFrom('persons')
      .select('id')
      .where('status', '=', 'active')
      .where('birth_date', '<', '1990-01-01')
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
        vaccinationPointId: (
          await database()
            .db.selectFrom('vaccination_points')
            .select('id')
            .orderBy('code')
            .executeTakeFirstOrThrow()
        ).id,
        certificateContacts: { mobile: null, email: null, confirmed: true },
        consent: CONSENT,
      },
    });
    expect(recorded.statusCode, recorded.body).toBe(201);
    const { browser } = await signIn(usernames.asl_admin);
    const pending = await browser.get('/console/national-flow');
    expect(pending.statusCode).toBe(200);
    expect(pending.body).toMatch(/In attesa di invio o conferma<\/dt>\s*<dd[^>]*>1<\/dd>/);
    expect(pending.body).toContain('Nessuna conferma nazionale nelle ultime 24 ore.');

    // The simulator's acknowledgement, as the sync worker records it (see national-flows.int.test.ts).
    await database()
      .db.updateTable('national_outbox')
      .set({ acknowledged_at: new Date(), outcome: 'applied' })
      .where('acknowledged_at', 'is', null)
      .execute();
    const acknowledged = await browser.get('/console/national-flow');
    expect(acknowledged.body).toMatch(/In attesa di invio o conferma<\/dt>\s*<dd[^>]*>0<\/dd>/);
    expect(acknowledged.body).toMatch(
      /<svg[^>]*role="img"[^>]*aria-labelledby="outbox-lag-title outbox-lag-desc"/,
    );
    expect(acknowledged.body).toContain('<table class="table table-sm chart-data" id="outbox-lag-data">');
    expect(acknowledged.body).toContain('sono state confermate 1 somministrazioni');

    const late = await browser.get(`/console/late-records?from=${TODAY}&to=${TODAY}&lateAfterMinutes=60`);
    expect(late.statusCode).toBe(200);
    // VAX-3: recorded at 12:00 for a dose at 09:00, three hours late.
    expect(late.body).toMatch(/<td>1<\/td>\s*<td>1<\/td>\s*<td>\s*180 min\s*<\/td>/);
  });

  it('BOOK-17 the active-calling campaigns page lists the campaigns of the administrator’s authorities only', async () => {
    const created = await app.inject({
      method: 'POST',
      url: '/outreach/campaigns',
      headers: await signInStaff(app, usernames.asl_admin),
      payload: {
        healthAuthorityCode: authority,
        name: 'Fragili non ancora prenotati',
        selection: { listSources: ['regional_list'] },
        deadline: '2021-04-20',
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    const { browser } = await signIn(usernames.asl_admin);
    const page = await browser.get('/console/outreach');
    expect(page.statusCode).toBe(200);
    expect(page.body).toMatch(
      /<th scope="row"><a href="\/console\/outreach\/\d+">Fragili non ancora prenotati<\/a><\/th>/,
    );
    const { browser: other } = await signIn(OTHER_ADMIN);
    const theirs = await other.get('/console/outreach');
    expect(theirs.statusCode).toBe(200);
    expect(theirs.body).not.toContain('Fragili non ancora prenotati');
  });

  it('BOOK-13 the waiting-list page shows an area of the administrator’s authorities and refuses another one on the field', async () => {
    const { browser } = await signIn(usernames.asl_admin);
    const page = await browser.get('/console/waiting-list');
    expect(page.statusCode).toBe(200);
    // A single authority is chosen for the administrator: its list (empty here) is shown at once.
    expect(page.body).toMatch(new RegExp(`<option value="${authority}"\\s*selected`));
    expect(page.body).toContain('Nessuna persona in questo stato.');
    const refused = await browser.get(`/console/waiting-list?area=${otherAuthority}&status=waiting`);
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('href="#area"');
  });

  it('BOOK-18 the messages page lists what was sent with the recipients masked but for their last characters, filters by channel and opens one message', async () => {
    // A person the registry places under the administrator's authority.
    const person = await database()
      .db.updateTable('persons')
      .set({ health_authority_code: authority })
      .where(
        'id',
        '=',
        (await database().db.selectFrom('persons').select('id').orderBy('id').executeTakeFirstOrThrow()).id,
      )
      .returning('id')
      .executeTakeFirstOrThrow();
    const reader = usernames.asl_admin;
    const outsider = OTHER_ADMIN;
    const inserted = await messagingDb(database().db)
      .insertInto('messages')
      .values({
        person_id: person.id,
        channel: 'email',
        template: 'booking_confirmed',
        language: 'it',
        recipient: 'maria.rossi@example.it',
        params: JSON.stringify({}),
        cause_kind: 'test',
        cause_id: 1,
        dedupe_key: `test-${randomUUID()}`,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const { browser } = await signIn(reader);
    const page = await browser.get('/console/messages?channel=email');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(`href="/console/messages/${inserted.id}"`);
    expect(page.body).not.toContain('maria.rossi@example.it');
    expect(page.body).toContain(maskRecipient('maria.rossi@example.it'));
    expect(maskRecipient('maria.rossi@example.it')).toBe('••••e.it');
    const sms = await browser.get('/console/messages?channel=sms');
    expect(sms.body).not.toContain(`href="/console/messages/${inserted.id}"`);
    const one = await browser.get(`/console/messages/${inserted.id}`);
    expect(one.statusCode).toBe(200);
    expect(one.body).not.toContain('maria.rossi@example.it');
    const { browser: other } = await signIn(outsider);
    expect((await other.get(`/console/messages/${inserted.id}`)).statusCode).toBe(404);
  });
});
