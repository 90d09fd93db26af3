/// <reference lib="dom" />
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { sql } from 'kysely';
import { launchChromium } from './browser.ts';
import { startE2eServer } from './server.ts';
import { checkScriptlessPage, browserWithoutScripts } from './scriptless-page.ts';
import { systemClock } from '../src/platform/clock.ts';
import { generatePopulationIntoDatabase } from '../src/modules/population/service.ts';
import { EligibilityService } from '../src/modules/eligibility/service.ts';
import { seedDemoCapacity } from '../src/modules/demo/seed.ts';

interface Citizen {
  tax_code: string;
  health_card_number: string;
}

/**
 * UX-2 on the citizen pages the booking and caregiver specs do not walk through: people with
 * disabilities (BOOK-14..16), the waiting list (BOOK-13) and pass verification (DCC-3), each as a phone
 * without JavaScript receives it, checked by axe-core on the same HTML.
 */
describe('citizen pages beyond booking, in a real browser', () => {
  let browser: Browser;
  let server: Awaited<ReturnType<typeof startE2eServer>>;
  let citizen: Citizen;

  beforeAll(async () => {
    server = await startE2eServer();
    const db = server.database.db;
    await generatePopulationIntoDatabase(server.database, { people: 300, seed: 13, regionCode: '03' });
    await new EligibilityService(db, systemClock, '03').loadShippedPlanVersions();
    await seedDemoCapacity(server.database, systemClock, () => undefined);
    const [row] = (
      await sql<Citizen>`SELECT tax_code, health_card_number FROM persons
        WHERE health_card_number IS NOT NULL AND status = 'active'
        AND birth_date BETWEEN '1930-01-01' AND '1941-12-31' ORDER BY id LIMIT 1`.execute(db)
    ).rows;
    if (row === undefined) throw new Error('the population lacks a person over 80');
    citizen = row;
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('UX-2 UX-3 BOOK-13 BOOK-14 BOOK-15 DCC-3 accessibility, home vaccination, dedicated sessions, waiting list and pass verification pages pass axe on a 360 px phone without JavaScript', async () => {
    const { page, checker, close } = await browserWithoutScripts(browser);

    await page.goto(`${server.url}/portal/verify`);
    expect(await page.locator('h1').count()).toBe(1);
    await checkScriptlessPage(page, checker, { screenshot: 'portal-verify' });

    await page.goto(`${server.url}/portal/sign-in`);
    await page.fill('#taxCode', citizen.tax_code);
    await page.fill('#healthCardNumber', citizen.health_card_number);
    await page.click('button:has-text("Accedi")');
    await page.waitForURL(/\/portal\/start$/);
    for (const [path, name] of [
      ['/portal/accessibility', 'portal-accessibility'],
      ['/portal/home-vaccination', 'portal-home-vaccination'],
      ['/portal/sessions', 'portal-sessions'],
      ['/portal/waiting-list', 'portal-waiting-list'],
    ] as const) {
      const response = await page.goto(`${server.url}${path}`);
      expect(response?.status(), path).toBe(200);
      expect(await page.locator('h1').count(), path).toBe(1);
      await checkScriptlessPage(page, checker, { screenshot: name });
    }
    await close();
  });
});
