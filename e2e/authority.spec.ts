/// <reference lib="dom" />
import { readFile, rm } from 'node:fs/promises';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { captureScreens, expectNoAxeViolations, launchChromium } from './browser.ts';
import { startE2eServer } from './server.ts';
import { fixedClock, romeDate, romeInstant, systemClock } from '../src/platform/clock.ts';
import { dayFromIsoDate, isoDateFromDay } from '../src/platform/calendar.ts';
import { sql } from 'kysely';
import { systemContext } from '../src/platform/audit/audit.ts';
import { generatePopulationIntoDatabase } from '../src/modules/population/service.ts';
import { EligibilityService } from '../src/modules/eligibility/service.ts';
import { BookingService } from '../src/modules/booking/service.ts';
import { writeSyntheticFragileList } from '../src/modules/eligibility/lists/synthetic.ts';
import { ensureStaffOfEveryRole, TEST_PASSWORD } from '../test/app.ts';
import { CONSENT, openHubDays } from '../test/registry-fixtures.ts';

const DESKTOP = { width: 1280, height: 900 };
const LIST_ROWS = 4000;

describe('authority console in a real browser', () => {
  let browser: Browser;
  let server: Awaited<ReturnType<typeof startE2eServer>>;
  let usernames: Awaited<ReturnType<typeof ensureStaffOfEveryRole>>;
  let directory: string;
  let listFile: string;
  let hub: { id: number; name: string };
  let authority: string;

  beforeAll(async () => {
    server = await startE2eServer();
    const db = server.database.db;
    await generatePopulationIntoDatabase(server.database, { people: LIST_ROWS, seed: 11, regionCode: '03' });
    usernames = await ensureStaffOfEveryRole(server.database);
    const eligibility = new EligibilityService(db, systemClock, '03');
    await eligibility.loadShippedPlanVersions();
    const point = await db
      .selectFrom('vaccination_points')
      .select(['id', 'name', 'health_authority_code'])
      .orderBy('code')
      .executeTakeFirstOrThrow();
    hub = { id: point.id, name: point.name };
    authority = point.health_authority_code;
    // Three days of the hub from today, booked by the call center just after midnight (the screenshots'
    // charts have something to show), and a few doses recorded two hours after they were given.
    const today = romeDate(new Date());
    // BOOK-10: a first dose is booked with its second, 21 days later at the same hub.
    const days = [0, 1, 2, 21, 22, 23].map((offset) => isoDateFromDay(dayFromIsoDate(today) + offset));
    const midnight = fixedClock(romeInstant(today, '00:30').toISOString());
    const booking = new BookingService(db, midnight, new EligibilityService(db, midnight, '03'));
    const setup = systemContext('e2e', midnight.now());
    await openHubDays(booking, point.id, days, setup);
    const elderly = (
      await sql<{ id: number }>`SELECT id FROM persons WHERE status = 'active' AND birth_date <= '1951-12-31'
        AND tax_code IS NOT NULL ORDER BY id LIMIT 40`.execute(db)
    ).rows;
    const slots = await db
      .selectFrom('slots')
      .select(['id', 'day'])
      .where('vaccination_point_id', '=', point.id)
      .where('day', 'in', days.slice(0, 3))
      .orderBy('starts_at')
      .execute();
    for (const [index, person] of elderly.slice(0, 30).entries()) {
      const slot = slots[(index * 7) % slots.length];
      if (slot === undefined) continue;
      await booking.book(
        { personId: Number(person.id), slotId: slot.id, idempotencyKey: undefined, channel: 'call_center' },
        setup,
      );
    }
    const session = await fetch(`${server.url}/auth/staff/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: usernames.vaccinator, password: TEST_PASSWORD }),
    });
    const { token } = (await session.json()) as { token: string };
    const given = new Date(Date.now() - 2 * 60 * 60 * 1000).toISOString();
    for (const person of elderly.slice(30, 36)) {
      const recorded = await fetch(`${server.url}/administrations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({
          personId: Number(person.id),
          productCode: 'COMIRNATY-30',
          administeredAt: given,
          lot: 'FK1234',
          lotExpiry: isoDateFromDay(dayFromIsoDate(today) + 90),
          volumeMl: 0.3,
          riskCategory: 'Altro',
          healthCondition: 'Nessuna condizione sanitaria a rischio',
          route: 'intramuscular',
          site: 'left_deltoid',
          vaccinationPointId: point.id,
          certificateContacts: { mobile: null, email: null, confirmed: true },
          consent: CONSENT,
        }),
      });
      expect(recorded.status, await recorded.clone().text()).toBe(201);
    }
    directory = await mkdtemp(path.join(tmpdir(), 'vaxhub-e2e-lists-'));
    listFile = path.join(directory, 'fragili-ats.csv');
    await writeSyntheticFragileList(db, listFile, 'csv', { rows: LIST_ROWS, badEvery: 40 });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (directory !== undefined) await rm(directory, { recursive: true, force: true });
  });

  const signIn = async (page: Page): Promise<void> => {
    await page.goto(`${server.url}/console/sign-in`);
    await page.fill('#username', usernames.asl_admin);
    await page.fill('#password', TEST_PASSWORD);
    await page.click('button:has-text("Accedi")');
    await page.waitForURL(/\/console$/);
  };

  /** UX-2 on the page as it is now, and its screenshots when asked for. */
  const check = async (page: Page, name: string): Promise<void> => {
    await expectNoAxeViolations(page);
    await captureScreens(page, name);
  };

  it('UX-4 an ASL administrator uploads a list of thousands of rows, watches the bar reach the end, and downloads the rejection report', async () => {
    const context = await browser.newContext({ viewport: DESKTOP, locale: 'it-IT', acceptDownloads: true });
    const page = await context.newPage();
    await signIn(page);
    await check(page, 'console-authority-home');
    await page.click('a:has-text("Elenchi degli aventi diritto")');
    await page.waitForURL(/\/console\/lists$/);
    await check(page, 'console-authority-lists');

    await page.selectOption('#listType', 'fragile');
    await page.selectOption('#sourceAuthority', authority);
    await page.setInputFiles('#file', listFile);
    await page.click('button:has-text("Carica l’elenco")');
    await page.waitForURL(/\/console\/lists\/\d+$/);
    // The script polls the progress and shows the outcome when the load is over.
    await page.waitForSelector('text=Esito', { timeout: 60_000 });
    const progress = await page.$eval('#upload-progress', (bar) => ({
      value: (bar as HTMLProgressElement).value,
      max: (bar as HTMLProgressElement).max,
    }));
    expect(progress).toEqual({ value: LIST_ROWS, max: LIST_ROWS });
    await expect(page.textContent('.upload-count')).resolves.toContain('(100%)');
    await check(page, 'console-authority-upload');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click('a:has-text("Scarica il rapporto degli scarti")'),
    ]);
    const saved = path.join(directory, 'scarti.csv');
    await download.saveAs(saved);
    const report = await readFile(saved, 'utf8');
    expect(report.startsWith('\uFEFFriga;codice;messaggio\r\n')).toBe(true);
    expect(report.split('\r\n').filter((line) => /^\d+;/.test(line)).length).toBeGreaterThan(0);
    await context.close();
  });

  it('UX-5 the hubs, a hub’s day and the dashboards work by keyboard-first forms and have 0 axe violations', async () => {
    const context = await browser.newContext({ viewport: DESKTOP, locale: 'it-IT' });
    const page = await context.newPage();
    await signIn(page);
    await page.goto(`${server.url}/console/hubs`);
    await check(page, 'console-authority-hubs');
    await page.click(`a[href="/console/hubs/${hub.id}"]`);
    await page.waitForURL(new RegExp(`/console/hubs/${hub.id}$`));
    await check(page, 'console-authority-hub');
    await page.click('button:has-text("Apri la giornata")');
    await page.waitForURL(/\/day\?day=/);
    await expect(page.textContent('main')).resolves.toContain('prenotati su');
    await check(page, 'console-authority-hub-day');

    await page.goto(`${server.url}/console/dashboards`);
    await expect(page.locator('svg[role="img"]').count()).resolves.toBeGreaterThanOrEqual(2);
    await check(page, 'dashboard-capacity');
    await page.click('a:has-text("Copertura")');
    await page.waitForURL(/\/console\/dashboards\/coverage/);
    await check(page, 'dashboard-coverage');
    await page.click('a:has-text("Dosi per vaccino")');
    await page.waitForURL(/\/console\/dashboards\/doses/);
    await check(page, 'dashboard-doses');
    await page.click('.nav-pills a:has-text("Flusso nazionale")');
    await page.waitForURL(/\/console\/national-flow/);
    await check(page, 'dashboard-national-flow');

    for (const [url, name] of [
      ['/console/plan', 'console-authority-plan'],
      ['/console/late-records', 'console-authority-late-records'],
      ['/console/messages', 'console-authority-messages'],
      ['/console/outreach', 'console-authority-outreach'],
      ['/console/outreach/new', 'console-authority-outreach-new'],
      ['/console/waiting-list', 'console-authority-waiting-list'],
    ] as const) {
      await page.goto(`${server.url}${url}`);
      expect(await page.title()).not.toContain('Errore');
      await check(page, name);
    }
    await context.close();
  });
});
