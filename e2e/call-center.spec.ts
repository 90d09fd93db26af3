/// <reference lib="dom" />
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { sql } from 'kysely';
import { captureScreens, expectNoAxeViolations, launchChromium } from './browser.ts';
import { startE2eServer } from './server.ts';
import { systemClock } from '../src/platform/clock.ts';
import { generatePopulationIntoDatabase } from '../src/modules/population/service.ts';
import { EligibilityService } from '../src/modules/eligibility/service.ts';
import { seedDemoCapacity } from '../src/modules/demo/seed.ts';
import { ensureStaffOfEveryRole, TEST_PASSWORD } from '../test/app.ts';

interface Caller {
  tax_code: string;
  health_card_number: string;
  surname: string;
  given_name: string;
}

describe('call-center console in a real browser', () => {
  let browser: Browser;
  let server: Awaited<ReturnType<typeof startE2eServer>>;
  let caller: Caller;
  let operator: string;

  beforeAll(async () => {
    server = await startE2eServer();
    const db = server.database.db;
    await generatePopulationIntoDatabase(server.database, { people: 300, seed: 13, regionCode: '03' });
    await new EligibilityService(db, systemClock, '03').loadShippedPlanVersions();
    await seedDemoCapacity(server.database, systemClock, () => undefined);
    operator = (await ensureStaffOfEveryRole(server.database)).call_center;
    const row = (
      await sql<Caller>`SELECT tax_code, health_card_number, surname, given_name FROM persons
        WHERE health_card_number IS NOT NULL AND status = 'active' AND birth_date <= '1951-12-31'
        ORDER BY id LIMIT 1`.execute(db)
    ).rows[0];
    if (row === undefined) throw new Error('the population lacks the people needed');
    caller = row;
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  /** UX-2: axe-core on every page, 0 violations; the screenshots for the README when asked. */
  const check = async (page: Page, screenshot?: string): Promise<void> => {
    await expectNoAxeViolations(page);
    if (screenshot !== undefined) await captureScreens(page, screenshot);
  };

  it('REG-5 BOOK-11 an operator identifies a caller by tax code and card, reads why they can book, and books for them by keyboard', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'it-IT' });
    const page = await context.newPage();
    await page.goto(`${server.url}/console/sign-in`);
    await check(page);
    await page.fill('#username', operator);
    await page.fill('#password', TEST_PASSWORD);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/console$/);
    await check(page);
    await page.click('a[href="/console/call-center"]');
    await page.waitForURL(/\/console\/call-center$/);
    // Keyboard first: the tax code field has the focus on arrival.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('taxCode');
    await check(page, 'console-call-center-identify');

    await page.keyboard.type(caller.tax_code);
    await page.fill('#healthCardNumber', caller.health_card_number);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/console\/call-center\?/);
    expect(await page.textContent('main')).toContain(`${caller.surname} ${caller.given_name}`);
    await check(page, 'console-call-center-found');

    await page.click('tbody a[href^="/console/call-center/persons/"]');
    await page.waitForURL(/\/console\/call-center\/persons\/\d+$/);
    expect(await page.textContent('main')).toContain('Sì, può prenotare');
    await check(page, 'console-call-center-caller');

    await page.click('text=Prenota per suo conto');
    await page.selectOption('#province', { label: 'Cremona' });
    await page.click('button:has-text("Continua")');
    await check(page);
    await page.selectOption('#municipalityIstat', { label: 'Cremona' });
    await page.click('button:has-text("Continua")');
    await page.fill('#time', '10:00');
    await check(page);
    await page.click('button:has-text("Cerca i centri vaccinali")');
    await page.waitForURL(/\/book\/hubs\?/);
    await check(page, 'console-call-center-hubs');
    await page.locator('label[for="slotId-0"]').click();
    await page.click('button:has-text("Continua")');
    await page.waitForURL(/\/book\/confirm\?/);
    await check(page);
    await page.click('button:has-text("Conferma la prenotazione")');
    await page.waitForURL(/\/bookings\/[A-Z0-9]{8}\?done=booked$/);
    expect(await page.textContent('main')).toContain('Prenotazione confermata');
    expect((await page.textContent('.booking-code'))?.trim()).toMatch(/^[A-Z0-9]{8}$/);
    await check(page, 'console-call-center-booked');
    await context.close();
  });
});
