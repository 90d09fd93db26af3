/// <reference lib="dom" />
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { sql } from 'kysely';
import { captureScreens, expectNoAxeViolations, launchChromium } from './browser.ts';
import { startE2eServer } from './server.ts';
import { fixedClock, romeDate, romeInstant } from '../src/platform/clock.ts';
import { systemContext } from '../src/platform/audit/audit.ts';
import { dayFromIsoDate, isoDateFromDay } from '../src/platform/calendar.ts';
import { generatePopulationIntoDatabase } from '../src/modules/population/service.ts';
import { EligibilityService } from '../src/modules/eligibility/service.ts';
import { BookingService } from '../src/modules/booking/service.ts';
import { ensureStaffOfEveryRole, TEST_PASSWORD } from '../test/app.ts';
import { openHubDays } from '../test/registry-fixtures.ts';

const DESKTOP = { width: 1280, height: 900 };
/** 1280 px at 200 % zoom: the layout a zoomed browser gets (UX-2). */
const ZOOMED = { width: 640, height: 450 };

describe('vaccination-point console in a real browser', () => {
  let browser: Browser;
  let server: Awaited<ReturnType<typeof startE2eServer>>;
  let usernames: Awaited<ReturnType<typeof ensureStaffOfEveryRole>>;
  let booked: { code: string; surname: string; personId: number };

  beforeAll(async () => {
    server = await startE2eServer();
    const db = server.database.db;
    await generatePopulationIntoDatabase(server.database, { people: 300, seed: 7, regionCode: '03' });
    usernames = await ensureStaffOfEveryRole(server.database);
    // Today at the vaccinator's point, booked just after midnight by the call center.
    const today = romeDate(new Date());
    const midnight = fixedClock(romeInstant(today, '00:30').toISOString());
    const eligibility = new EligibilityService(db, midnight, '03');
    await eligibility.loadShippedPlanVersions();
    const booking = new BookingService(db, midnight, eligibility);
    const point = await db
      .selectFrom('vaccination_points')
      .select('id')
      .orderBy('code')
      .executeTakeFirstOrThrow();
    const setup = systemContext('e2e', midnight.now());
    // BOOK-10: the second dose is booked with the first, 21 days later at the same hub.
    await openHubDays(booking, point.id, [today, isoDateFromDay(dayFromIsoDate(today) + 21)], setup);
    const person = (
      await sql<{ id: number; surname: string }>`SELECT id, surname FROM persons
        WHERE status = 'active' AND birth_date <= '1951-12-31' AND tax_code IS NOT NULL ORDER BY id LIMIT 1`.execute(
        db,
      )
    ).rows[0];
    if (person === undefined) throw new Error('the population lacks an elderly person');
    const slot = await db
      .selectFrom('slots')
      .select('id')
      .where('vaccination_point_id', '=', point.id)
      .where('day', '=', today)
      .orderBy('starts_at')
      .executeTakeFirstOrThrow();
    const { confirmation } = await booking.book(
      { personId: Number(person.id), slotId: slot.id, idempotencyKey: undefined, channel: 'call_center' },
      setup,
    );
    booked = { code: confirmation.booking.code, surname: person.surname, personId: Number(person.id) };
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  /**
   * UX-2 on the page the script-less browser shows: axe-core needs a script, so the same HTML is served
   * again, at the same address, to a page that runs scripts; then the page at 200 % zoom scrolls only
   * vertically (tables scroll inside their own region).
   */
  const checkPage = async (page: Page, checker: Page): Promise<void> => {
    const address = page.url();
    const body = await page.content();
    const same = (url: URL) => url.href === address;
    await checker.route(same, (route) => route.fulfill({ body, contentType: 'text/html; charset=utf-8' }));
    await checker.goto(address);
    await checker.unroute(same);
    await expectNoAxeViolations(checker);
    await checker.setViewportSize(ZOOMED);
    expect(
      await checker.evaluate(() => document.documentElement.scrollWidth - window.innerWidth),
    ).toBeLessThanOrEqual(0);
    await checker.setViewportSize(DESKTOP);
  };

  const focusedName = (page: Page) =>
    page.evaluate(() => {
      const element = document.activeElement as HTMLElement | null;
      return element?.getAttribute('name') ?? element?.getAttribute('href') ?? element?.tagName ?? '';
    });

  it('VAX-1 VAX-22 UX-2 a vaccinator signs in, sees today’s bookings, checks a person in by keyboard and records the dose with the certificate-contacts tick', async () => {
    const context = await browser.newContext({
      javaScriptEnabled: false,
      viewport: DESKTOP,
      locale: 'it-IT',
    });
    const checker = await (await browser.newContext({ viewport: DESKTOP, locale: 'it-IT' })).newPage();
    const page = await context.newPage();

    await page.goto(`${server.url}/console/sign-in`);
    await checkPage(page, checker);
    await page.fill('#username', usernames.vaccinator);
    await page.fill('#password', TEST_PASSWORD);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/console$/);
    await checkPage(page, checker);
    await page.click('a:has-text("Punto vaccinale") >> nth=-1');
    await page.waitForURL(/\/console\/vaccination-point$/);

    // Today's bookings: the booking code field has the focus; the person is in the table.
    const main = (await page.textContent('main')) ?? '';
    expect(main).toContain('Prenotazioni di oggi');
    expect(main).toContain(booked.surname);
    expect(main).toContain(booked.code);
    expect(await focusedName(page)).toBe('code');
    await checkPage(page, checker);
    await captureScreens(page, 'console-vaccination-today');

    // Check-in by keyboard: type the code, Enter.
    await page.keyboard.type(booked.code.toLowerCase());
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/record\?/);
    expect(await page.inputValue('#bookingCode')).toBe(booked.code);
    expect(await focusedName(page)).toBe('lot');
    await checkPage(page, checker);
    await captureScreens(page, 'console-vaccination-record');

    // Without the tick the dose is not saved (VAX-22): the summary takes the focus and names the tick.
    await page.keyboard.type('FK1234');
    const nextYear = `${String(new Date().getUTCFullYear() + 1)}-12-31`;
    await page.fill('#lotExpiry', nextYear);
    await page.fill('#mobile', '+393331234567');
    await page.locator('label[for="informationNoteRead-0"]').click();
    await page.click('button:has-text("Registra la vaccinazione")');
    expect(await page.title()).toMatch(/^Errore: /);
    expect(await page.evaluate(() => document.activeElement?.classList.contains('error-summary'))).toBe(true);
    expect(await page.textContent('.error-summary')).toMatch(/contatti|spunt|conferm/i);
    await checkPage(page, checker);

    await page.locator('label[for="confirmed-0"]').click();
    await page.click('button:has-text("Registra la vaccinazione")');
    await page.waitForURL(/\/administrations\/[0-9]+\?done=recorded$/);
    const done = (await page.textContent('main')) ?? '';
    expect(done).toContain('Vaccinazione registrata');
    expect(done).toContain('AUTHCODE');
    expect(done).toContain('+393331234567');
    expect(await focusedName(page)).toBe('/console/vaccination-point');
    await checkPage(page, checker);
    await captureScreens(page, 'console-vaccination-recorded');

    // Next person, by keyboard: the list shows the dose given.
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/console\/vaccination-point$/);
    expect(await page.textContent('main')).toContain('Vaccinato');
    expect(await focusedName(page)).toBe('code');

    // The person's page and the search.
    await page.goto(`${server.url}/console/vaccination-point/persons/${String(booked.personId)}`);
    expect(await page.textContent('main')).toContain('Comirnaty');
    await checkPage(page, checker);
    await captureScreens(page, 'console-vaccination-person');

    await page.goto(`${server.url}/console/vaccination-point/search`);
    expect(await focusedName(page)).toBe('identifier');
    await page.fill('#surname', booked.surname);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/search\?.*tier=local/);
    expect(await page.textContent('main')).toContain('Anagrafe dell’ASL');
    // REG-5: the search widens to the whole region on request.
    await page.click('a:has-text("Cerca in tutta la regione")');
    await page.waitForURL(/\/search\?.*tier=regional/);
    expect(await page.textContent('main')).toContain(booked.surname);
    await checkPage(page, checker);
    await captureScreens(page, 'console-vaccination-search');

    await context.close();
  });
});
