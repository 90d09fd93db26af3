/// <reference lib="dom" />
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { sql } from 'kysely';
import { captureScreens, expectNoAxeViolations, launchChromium } from './browser.ts';
import { startE2eServer } from './server.ts';
import { putOnHomeList } from './home-vaccination-list.ts';
import { romeDate, systemClock } from '../src/platform/clock.ts';
import { dayFromIsoDate, isoDateFromDay } from '../src/platform/calendar.ts';
import { systemContext } from '../src/platform/audit/audit.ts';
import { generatePopulationIntoDatabase } from '../src/modules/population/service.ts';
import { EligibilityService } from '../src/modules/eligibility/service.ts';
import { BookingService } from '../src/modules/booking/service.ts';
import { AccessibilityService } from '../src/modules/accessibility/service.ts';
import { ensureStaffOfEveryRole, TEST_PASSWORD } from '../test/app.ts';
import { openHubDays } from '../test/registry-fixtures.ts';

const DESKTOP = { width: 1280, height: 900 };

describe('authority console: capacity changes and people with disabilities in a real browser', () => {
  let browser: Browser;
  let server: Awaited<ReturnType<typeof startE2eServer>>;
  let usernames: Awaited<ReturnType<typeof ensureStaffOfEveryRole>>;
  let closing: { id: number; name: string };
  let day: string;

  beforeAll(async () => {
    server = await startE2eServer();
    const db = server.database.db;
    await generatePopulationIntoDatabase(server.database, { people: 600, seed: 21, regionCode: '03' });
    usernames = await ensureStaffOfEveryRole(server.database);
    const eligibility = new EligibilityService(db, systemClock, '03');
    await eligibility.loadShippedPlanVersions();
    const points = await db
      .selectFrom('vaccination_points')
      .select(['id', 'name', 'health_authority_code', 'kind'])
      .orderBy('code')
      .execute();
    const authority = points[0]?.health_authority_code as string;
    const [first, second] = points.filter(
      (point) => point.kind === 'hub' && point.health_authority_code === authority,
    );
    if (first === undefined || second === undefined) throw new Error('two hubs of one authority needed');
    closing = first;
    const today = romeDate(new Date());
    day = isoDateFromDay(dayFromIsoDate(today) + 2);
    const booking = new BookingService(db, systemClock, eligibility);
    const setup = systemContext('e2e', new Date());
    // BOOK-10: the second doses, 21 days later, at the same hub.
    await openHubDays(booking, first.id, [day, isoDateFromDay(dayFromIsoDate(day) + 21)], setup);
    await openHubDays(booking, second.id, [day, isoDateFromDay(dayFromIsoDate(day) + 21)], setup);
    const elderly = (
      await sql<{ id: number }>`SELECT id FROM persons WHERE status = 'active' AND birth_date <= '1951-12-31'
        AND health_card_number IS NOT NULL ORDER BY id LIMIT 12`.execute(db)
    ).rows.map((row) => Number(row.id));
    const slots = await db
      .selectFrom('slots')
      .select('id')
      .where('vaccination_point_id', '=', first.id)
      .where('day', '=', day)
      .orderBy('starts_at')
      .execute();
    for (const [index, person] of elderly.slice(0, 8).entries()) {
      await booking.book(
        {
          personId: person,
          slotId: (slots[index % slots.length] as { id: number }).id,
          idempotencyKey: undefined,
          channel: 'call_center',
        },
        setup,
      );
    }
    // BOOK-14 and BOOK-15: two people on the home list, a session for deaf people.
    const accessibility = new AccessibilityService(db, systemClock, eligibility, booking);
    await putOnHomeList(db, accessibility, authority, elderly.slice(8, 10), setup);
    await accessibility.openSession(
      {
        pointId: first.id,
        kind: 'deaf',
        supports: ['lis_interpreter'],
        startsAt: AccessibilityService.instantOf(day, '14:00'),
        endsAt: AccessibilityService.instantOf(day, '16:00'),
        groupSize: 6,
      },
      null,
      setup,
    );
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
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

  it('BOOK-12 an ASL administrator closes a hub-day with bookings: the preview, then the outcome, by keyboard-first forms with 0 axe violations', async () => {
    const context = await browser.newContext({ viewport: DESKTOP, locale: 'it-IT' });
    const page = await context.newPage();
    await signIn(page);
    await page.click('a:has-text("Modifiche di capacità")');
    await page.waitForURL(/\/console\/capacity$/);
    // The main field has the focus: the day is typed first.
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('day');
    await check(page, 'console-capacity-form');

    await page.fill('#day', day);
    await page.selectOption('#pointId', String(closing.id));
    await page.check('#kind-0');
    await page.fill('#note', 'Guasto all’impianto elettrico');
    await page.click('button:has-text("Vedi l’anteprima")');
    await page.waitForURL(/\/console\/capacity\/\d+$/);
    await expect(page.textContent('main')).resolves.toContain('Anteprima');
    await expect(page.textContent('main')).resolves.toMatch(/Prenotazioni che perdono il posto\s*8/);
    await check(page, 'console-capacity-preview');

    await page.click('button:has-text("Applica la modifica")');
    await page.waitForURL(/\?done=applied$/);
    await expect(page.textContent('main')).resolves.toContain('Modifica applicata.');
    await expect(page.locator('table caption:has-text("Prenotazioni coinvolte")').count()).resolves.toBe(1);
    await check(page, 'console-capacity-outcome');

    await page.click('a:has-text("Torna alle modifiche di capacità")');
    await page.waitForURL(/\/console\/capacity$/);
    await expect(page.textContent('main')).resolves.toContain('Applicata');
    await context.close();
  });

  it('BOOK-14 BOOK-15 BOOK-16 the home list, the sessions and the transports open by keyboard-first pages with 0 axe violations', async () => {
    const context = await browser.newContext({ viewport: DESKTOP, locale: 'it-IT' });
    const page = await context.newPage();
    await signIn(page);
    await page.click('a:has-text("Vaccinazione a domicilio")');
    await page.waitForURL(/\/console\/home-vaccinations$/);
    await expect(page.textContent('main')).resolves.toContain('Richieste (2)');
    await check(page, 'console-home-vaccination');
    await page.click('a:has-text("Gestisci")');
    await page.waitForURL(/\/console\/home-vaccinations\/\d+$/);
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('visitDay');
    await check(page, 'console-home-vaccination-request');

    await page.goto(`${server.url}/console/sessions`);
    await expect(page.textContent('main')).resolves.toContain('Persone sorde');
    await check(page, 'console-sessions');
    await page.click('table a[href^="/console/sessions/"]');
    await page.waitForURL(/\/console\/sessions\/\d+$/);
    await check(page, 'console-session');
    await page.goto(`${server.url}/console/transports`);
    await check(page, 'console-transports');
    await context.close();
  });
});
