import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { describeEachDatabase } from '../../../test/databases.ts';
import { buildTestApp, ensureStaffOfEveryRole, signInStaff, TEST_PASSWORD } from '../../../test/app.ts';
import { FormBrowser, HTML } from '../../../test/form-browser.ts';
import { AuthService } from '../../platform/auth/service.ts';
import { systemContext } from '../../platform/audit/audit.ts';
import { fixedClock } from '../../platform/clock.ts';
import type { StaffRole } from '../../platform/auth/roles.ts';
import type { App } from '../../platform/http/types.ts';
import { loadReferenceData } from '../reference/service.ts';
import { generatePopulationIntoDatabase } from '../population/service.ts';
import { ANSWER_IDENTIFIER_COLUMN, readTable, REQUEST_COLUMNS } from '../registry/foreigners.ts';
import { text } from '../portal/texts.ts';

const NOW = '2021-05-03T09:00:00Z';

/** The value of a form control in the page, by its name. */
const valueOf = (page: string, name: string): string =>
  /value="([^"]*)"/.exec(new RegExp(`<input[^>]*name="${name}"[^>]*>`).exec(page)?.[0] ?? '')?.[1] ?? '';

describeEachDatabase('authority console: the registry office', (database) => {
  let app: App;
  let usernames: Record<StaffRole, string>;
  let directory: string;
  let authority: string;
  let ownReport: number;
  let otherReport: number;
  const OTHER_ADMIN = 'test.asl-admin-registry-other';

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

  /** A form with a file as a browser sends it (multipart/form-data), serialised by the platform's FormData. */
  const postFile = async (browser: FormBrowser, csrf: string, file?: { name: string; content: string }) => {
    const form = new FormData();
    form.append('_csrf', csrf);
    if (file !== undefined) form.append('file', new Blob([file.content]), file.name);
    const request = new Request('http://localhost/', { method: 'POST', body: form });
    return app.inject({
      method: 'POST',
      url: '/console/foreigners',
      headers: { accept: HTML, 'content-type': request.headers.get('content-type') ?? '' },
      cookies: Object.fromEntries(browser.cookies),
      payload: Buffer.from(await request.arrayBuffer()),
    });
  };

  const reportStatus = async (id: number) =>
    (
      await database()
        .db.selectFrom('anomaly_reports')
        .select(['status', 'resolution'])
        .where('id', '=', id)
        .executeTakeFirstOrThrow()
    ).status;

  beforeAll(async () => {
    await loadReferenceData(database());
    await generatePopulationIntoDatabase(database(), { people: 60, seed: 19 });
    usernames = await ensureStaffOfEveryRole(database());
    const db = database().db;
    const points = await db
      .selectFrom('vaccination_points')
      .select(['health_authority_code'])
      .orderBy('code')
      .execute();
    authority = points[0]?.health_authority_code ?? '';
    const otherAuthority = points.find(
      (point) => point.health_authority_code !== authority,
    )?.health_authority_code;
    if (otherAuthority === undefined) throw new Error('the reference data needs two authorities');
    const [own, other] = await db.selectFrom('persons').select('id').orderBy('id').limit(2).execute();
    if (own === undefined || other === undefined) throw new Error('no people');
    await db
      .updateTable('persons')
      .set({ health_authority_code: authority })
      .where('id', '=', own.id)
      .execute();
    await db
      .updateTable('persons')
      .set({ health_authority_code: otherAuthority })
      .where('id', '=', other.id)
      .execute();
    const pending = (surname: string, givenName: string, birthDate: string, code: string) => ({
      identifier_type: 'TS_FOREIGN' as const,
      identifier_pending: true,
      status: 'foreign' as const,
      surname,
      given_name: givenName,
      sex: 'F' as const,
      birth_date: birthDate,
      provenance: 'manual' as const,
      health_authority_code: code,
    });
    await db
      .insertInto('persons')
      .values([
        pending('Kowalska', 'Anna', '1980-02-03', authority),
        pending('Nguyen', 'Lan', '1975-11-30', authority),
        pending('Ivanova', 'Olga', '1990-06-01', otherAuthority),
      ])
      .execute();
    await new AuthService(db, fixedClock('2021-04-01T00:00:00Z'), {
      staffSessionMinutes: 60,
      citizenSessionMinutes: 30,
    }).createStaffAccount(
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
    directory = await mkdtemp(path.join(tmpdir(), 'vaxhub-registry-office-'));
    app = (await buildTestApp(database(), { now: NOW, env: { DATA_DIR: directory } })).app;
    // Operators file the reports through the API, as the vaccination-point console does.
    const vaccinator = await signInStaff(app, usernames.vaccinator);
    const file = async (personId: number) => {
      const response = await app.inject({
        method: 'POST',
        url: '/anomaly-reports',
        headers: vaccinator,
        payload: {
          personId,
          administrationId: null,
          concerns: 'registry',
          description: 'Birth date wrong in the registry',
        },
      });
      expect(response.statusCode, response.body).toBe(201);
      return response.json<{ id: number }>().id;
    };
    ownReport = await file(own.id);
    otherReport = await file(other.id);
  });

  afterAll(async () => {
    await app.close();
    await rm(directory, { recursive: true, force: true });
  });

  it('VAX-19 the office lists its authority’s reports from the console home, filtered by status; a wrong filter is refused on the field (UX-2)', async () => {
    const { browser, home } = await signIn(usernames.asl_admin);
    expect(home.body).toContain('href="/console/anomaly-reports"');
    const list = await browser.get('/console/anomaly-reports');
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain(`href="/console/anomaly-reports/${ownReport}"`);
    expect(list.body).not.toContain(`href="/console/anomaly-reports/${otherReport}"`);
    const open = await browser.get('/console/anomaly-reports?status=open');
    expect(open.body).toContain(`href="/console/anomaly-reports/${ownReport}"`);
    const closed = await browser.get('/console/anomaly-reports?status=closed&page=1');
    expect(closed.statusCode).toBe(200);
    expect(closed.body).not.toContain(`href="/console/anomaly-reports/${ownReport}"`);
    const refused = await browser.get('/console/anomaly-reports?status=lost');
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('href="#status-0"');
    expect(refused.body).toContain('field-invalid');
  });

  it('VAX-19 the office takes a report in hand, then closes it with its resolution (required, refused next to the field); each step is audited and shown in the history', async () => {
    const { browser } = await signIn(usernames.asl_admin);
    const page = await browser.get(`/console/anomaly-reports/${ownReport}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Birth date wrong in the registry');
    const filed = await database()
      .db.selectFrom('anomaly_reports')
      .select('created_by')
      .where('id', '=', ownReport)
      .executeTakeFirstOrThrow();
    expect(page.body).toContain(String(filed.created_by));
    const csrf = valueOf(page.body, '_csrf');

    const taken = await browser.post(`/console/anomaly-reports/${ownReport}`, {
      _csrf: csrf,
      status: 'in_progress',
    });
    expect(taken.headers.location).toBe(`/console/anomaly-reports/${ownReport}?done=in_progress`);
    const takenPage = await browser.follow(taken);
    expect(takenPage.body).toContain(text('it', 'roDone_in_progress'));
    expect(await reportStatus(ownReport)).toBe('in_progress');

    const noResolution = await browser.post(`/console/anomaly-reports/${ownReport}`, {
      _csrf: csrf,
      status: 'closed',
    });
    expect(noResolution.statusCode).toBe(400);
    expect(noResolution.body).toContain('href="#resolution"');
    expect(noResolution.body).toContain('id="resolution-error"');
    expect(await reportStatus(ownReport)).toBe('in_progress');

    const closed = await browser.follow(
      await browser.post(`/console/anomaly-reports/${ownReport}`, {
        _csrf: csrf,
        status: 'closed',
        resolution: 'Birth date corrected from the document',
      }),
    );
    expect(closed.body).toContain(text('it', 'roDone_closed'));
    expect(closed.body).toContain('Birth date corrected from the document');
    expect(closed.body).toContain(text('it', 'roAction_in_progress'));
    expect(await reportStatus(ownReport)).toBe('closed');
    const audit = await database()
      .db.selectFrom('audit_log')
      .select(['action', 'actor_role'])
      .where('entity_type', '=', 'anomaly_report')
      .where('entity_id', '=', String(ownReport))
      .orderBy('id')
      .execute();
    expect(audit).toEqual([
      { action: 'file', actor_role: 'vaccinator' },
      { action: 'in_progress', actor_role: 'asl_admin' },
      { action: 'closed', actor_role: 'asl_admin' },
    ]);
    const again = await browser.get(`/console/anomaly-reports/${ownReport}`);
    expect(again.body).not.toContain(`action="/console/anomaly-reports/${ownReport}"`);
  });

  it('SEC-1 another authority’s administrator can neither see nor move the report; a vaccinator cannot open the office pages', async () => {
    const { browser } = await signIn(OTHER_ADMIN);
    const list = await browser.get('/console/anomaly-reports');
    expect(list.body).toContain(`href="/console/anomaly-reports/${otherReport}"`);
    expect(list.body).not.toContain(`href="/console/anomaly-reports/${ownReport}"`);
    expect((await browser.get(`/console/anomaly-reports/${ownReport}`)).statusCode).toBe(403);
    const csrf = valueOf((await browser.get(`/console/anomaly-reports/${otherReport}`)).body, '_csrf');
    const before = await reportStatus(ownReport);
    const moved = await browser.post(`/console/anomaly-reports/${ownReport}`, {
      _csrf: csrf,
      status: 'in_progress',
    });
    expect(moved.statusCode).toBe(403);
    expect(await reportStatus(ownReport)).toBe(before);

    const vaccinator = await signIn(usernames.vaccinator);
    expect(vaccinator.home.body).not.toContain('href="/console/anomaly-reports"');
    for (const url of [
      '/console/anomaly-reports',
      `/console/anomaly-reports/${otherReport}`,
      '/console/foreigners',
    ])
      expect((await vaccinator.browser.get(url)).statusCode, url).toBe(403);
  });

  it('REG-9 the request file downloads as CSV and XLSX with the procedure’s header row and only the authority’s pending people', async () => {
    const { browser, home } = await signIn(usernames.asl_admin);
    expect(home.body).toContain('href="/console/foreigners"');
    const page = await browser.get('/console/foreigners');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(text('it', 'roPendingCount', { count: 2 }));

    const csv = await browser.get('/console/foreigners/request.csv');
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-disposition']).toContain('.csv');
    const [header, ...lines] = csv.body
      .replace(/^\uFEFF/, '')
      .trim()
      .split(/\r?\n/);
    expect(header).toBe(REQUEST_COLUMNS.join(';'));
    expect(lines).toHaveLength(2);
    expect(csv.body).toContain('Kowalska');
    expect(csv.body).not.toContain('Ivanova');

    const xlsx = await browser.get('/console/foreigners/request.xlsx');
    expect(xlsx.statusCode).toBe(200);
    expect(xlsx.headers['content-type']).toContain('spreadsheetml');
    const saved = path.join(directory, 'downloaded.xlsx');
    await writeFile(saved, xlsx.rawPayload);
    const rows = await readTable(saved);
    expect(Object.keys(rows[0] ?? {})).toEqual([...REQUEST_COLUMNS]);
    expect(rows.map((row) => row.Cognome)).toEqual(['Kowalska', 'Nguyen']);
  });

  it('REG-9 the answer upload attaches identifiers to the right people and lists the unmatched lines with their reason, never guessing; no file is refused on the field', async () => {
    const { browser } = await signIn(usernames.asl_admin);
    const csrf = valueOf((await browser.get('/console/foreigners')).body, '_csrf');
    const missing = await postFile(browser, csrf);
    expect(missing.statusCode).toBe(400);
    expect(missing.body).toContain('href="#file"');

    const request = (await browser.get('/console/foreigners/request.csv')).body.replace(/^\uFEFF/, '').trim();
    const [header = '', kowalska = ''] = request.split(/\r?\n/);
    const ivanova = await database()
      .db.selectFrom('persons')
      .select('id')
      .where('surname', '=', 'Ivanova')
      .executeTakeFirstOrThrow();
    const answer = [
      `${header};${ANSWER_IDENTIFIER_COLUMN}`,
      `${kowalska};TSF0000000001`,
      `Mario;Sconosciuto;01/01/1970;;Lombardia;TSF0000000002`,
      `Olga;Ivanova;01/06/1990;${ivanova.id};Lombardia;TSF0000000003`,
    ].join('\n');
    const outcome = await postFile(browser, csrf, { name: 'risposta.csv', content: answer });
    expect(outcome.statusCode, outcome.body.slice(0, 2000)).toBe(200);
    expect(outcome.body).toContain(text('it', 'roAttached', { count: 1 }));
    expect(outcome.body).toContain(text('it', 'roUnmatchedCaption', { count: 2 }));
    expect(outcome.body).toMatch(/<th scope="row">3<\/th>\s*<td>\s*nessuna persona corrispondente/);
    expect(outcome.body).toMatch(/<th scope="row">4<\/th>\s*<td>\s*nessuna persona corrispondente/);
    expect(outcome.body).toContain(text('it', 'roPendingCount', { count: 1 }));
    const people = await database()
      .db.selectFrom('persons')
      .select(['surname', 'other_identifier', 'identifier_pending'])
      .where('identifier_type', '=', 'TS_FOREIGN')
      .orderBy('surname')
      .execute();
    expect(people).toEqual([
      { surname: 'Ivanova', other_identifier: null, identifier_pending: true },
      { surname: 'Kowalska', other_identifier: 'TSF0000000001', identifier_pending: false },
      { surname: 'Nguyen', other_identifier: null, identifier_pending: true },
    ]);
  });
});
