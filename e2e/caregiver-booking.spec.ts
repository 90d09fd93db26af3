/// <reference lib="dom" />
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { sql } from 'kysely';
import { launchChromium } from './browser.ts';
import { startE2eServer } from './server.ts';
import { checkScriptlessPage, browserWithoutScripts } from './scriptless-page.ts';
import { systemClock } from '../src/platform/clock.ts';
import { systemContext } from '../src/platform/audit/audit.ts';
import { generatePopulationIntoDatabase } from '../src/modules/population/service.ts';
import { EligibilityService } from '../src/modules/eligibility/service.ts';
import { seedDemoCapacity } from '../src/modules/demo/seed.ts';

interface Citizen {
  id: number;
  tax_code: string;
  health_card_number: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;

describe('caregiver group booking in a real browser', () => {
  let browser: Browser;
  let server: Awaited<ReturnType<typeof startE2eServer>>;
  let fragile: Citizen;
  let carer: Citizen;

  beforeAll(async () => {
    server = await startE2eServer();
    const db = server.database.db;
    await generatePopulationIntoDatabase(server.database, { people: 300, seed: 11, regionCode: '03' });
    const eligibility = new EligibilityService(db, systemClock, '03');
    await eligibility.loadShippedPlanVersions();
    await seedDemoCapacity(server.database, systemClock, () => undefined);
    const people = (
      await sql<Citizen>`SELECT id, tax_code, health_card_number FROM persons
        WHERE health_card_number IS NOT NULL AND status = 'active'
        AND birth_date BETWEEN '1965-01-01' AND '1995-12-31'
        AND NOT EXISTS (SELECT 1 FROM entitlements e WHERE e.person_id = persons.id) ORDER BY id LIMIT 2`.execute(
        db,
      )
    ).rows;
    if (people.length < 2) throw new Error('the population lacks the people needed');
    [fragile, carer] = people as [Citizen, Citizen];
    // The fragile person is on the INPS list of severe disability since last week (ELIG-7).
    const lastWeek = new Date(Date.now() - 7 * DAY_MS);
    await eligibility.grant(
      fragile.id,
      {
        category: 'severe_disability',
        conditionCode: null,
        source: 'inps_list',
        evidenceStatus: 'verified',
        validFrom: lastWeek,
        reason: null,
        sourceReference: null,
      },
      systemContext('e2e-caregiver', new Date()),
    );
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('ELIG-13 a caregiver signs in with the fragile person’s card, links themselves, books both together and sees both codes, on a 360 px phone without JavaScript (UX-2, UX-3)', async () => {
    const { page, checker, close } = await browserWithoutScripts(browser);

    await page.goto(`${server.url}/portal/sign-in`);
    await page.fill('#taxCode', fragile.tax_code);
    await page.fill('#healthCardNumber', fragile.health_card_number);
    await page.click('button:has-text("Accedi")');
    await page.waitForURL(/\/portal\/start$/);
    await page.click('a[href="/portal/caregivers"]');
    await page.waitForURL(/\/portal\/caregivers$/);
    expect(await page.textContent('main')).toContain('Nessuna persona è ancora collegata');
    await checkScriptlessPage(page, checker, { screenshot: 'portal-caregiver-links' });

    // The self-declaration is asked first: the summary says so.
    await page.fill('#linkTaxCode', carer.tax_code);
    await page.fill('#linkHealthCardNumber', carer.health_card_number);
    await page.locator('label[for="relation-1"]').click();
    await page.click('button:has-text("Collega")');
    expect(await page.textContent('.error-summary')).toContain('Autodichiarazione');
    await checkScriptlessPage(page, checker);
    await page.locator('label[for="declaration-0"]').click();
    await page.click('button:has-text("Collega")');
    await page.waitForURL(/\/portal\/caregivers\?done=linked$/);
    expect(await page.textContent('main')).toContain('Posti ancora liberi: 2 su 3');
    await checkScriptlessPage(page, checker, { screenshot: 'portal-caregiver-linked' });

    // Both are chosen already: the fragile person and the one linked.
    await page.click('button:has-text("Scegli centro e orario")');
    await page.selectOption('#province', { label: 'Cremona' });
    await page.click('button:has-text("Continua")');
    await checkScriptlessPage(page, checker);
    await page.selectOption('#municipalityIstat', { label: 'Cremona' });
    await page.click('button:has-text("Continua")');
    await page.fill('#time', '10:00');
    await checkScriptlessPage(page, checker);
    await page.click('button:has-text("Cerca i centri vaccinali")');
    await page.waitForURL(/\/portal\/caregivers\/book\/hubs\?/);
    await checkScriptlessPage(page, checker, { screenshot: 'portal-caregiver-hubs' });
    await page.locator('label[for="slotId-0"]').click();
    await page.click('button:has-text("Continua")');
    await page.waitForURL(/\/portal\/caregivers\/book\/confirm\?/);
    await checkScriptlessPage(page, checker, { screenshot: 'portal-caregiver-confirm' });

    await page.click('button:has-text("Conferma la prenotazione")');
    await page.waitForURL(/\/portal\/caregivers\/bookings\?code=/);
    const codes = await page.locator('.booking-code').allTextContents();
    expect(codes).toHaveLength(2);
    for (const code of codes) expect(code.trim()).toMatch(/^[A-Z0-9]{8}$/);
    expect(await page.textContent('main')).toContain('Prenotazioni confermate');
    await checkScriptlessPage(page, checker, { screenshot: 'portal-caregiver-booked' });
    await close();
  });
});
