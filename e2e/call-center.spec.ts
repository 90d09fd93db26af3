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
import { buildTaxCode } from '../src/modules/registry/tax-code.ts';
import { NEWCOMER } from '../src/modules/console/testing.ts';
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
  let supervisor: string;

  beforeAll(async () => {
    // Nothing listens on the discard port: the national registry is unreachable, and said so (REG-5).
    server = await startE2eServer({ NATIONAL_URL: 'http://127.0.0.1:9', NATIONAL_TIMEOUT_MS: '500' });
    const db = server.database.db;
    await generatePopulationIntoDatabase(server.database, { people: 300, seed: 13, regionCode: '03' });
    await new EligibilityService(db, systemClock, '03').loadShippedPlanVersions();
    await seedDemoCapacity(server.database, systemClock, () => undefined);
    ({ call_center: operator, contact_center_supervisor: supervisor } = await ensureStaffOfEveryRole(
      server.database,
    ));
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
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('identifier');
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

  it('REG-5 REG-6 REG-2 ELIG-17 a supervisor finds nobody, is told the national registry is unreachable, registers the caller confirming the tax-code mismatch, and inserts them into the booking lists', async () => {
    const taxCode = buildTaxCode(NEWCOMER);
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'it-IT' });
    const page = await context.newPage();
    await page.goto(`${server.url}/console/sign-in`);
    await page.fill('#username', supervisor);
    await page.fill('#password', TEST_PASSWORD);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/console$/);
    await page.click('a[href="/console/call-center"]');
    await page.waitForURL(/\/console\/call-center$/);
    await page.keyboard.type(taxCode);
    await page.keyboard.press('Enter');
    await page.waitForURL(/tier=regional/);
    expect(await page.textContent('main')).toContain('Nessuna persona trovata');
    await check(page, 'console-call-center-not-found');

    await page.click('text=Cerca nell’anagrafe nazionale');
    await page.waitForURL(/tier=national/);
    expect(await page.textContent('.error-summary')).toContain('L’anagrafe nazionale non risponde');
    await check(page, 'console-call-center-national-unreachable');

    await page.goto(`${server.url}/console/call-center?tier=regional&identifier=${taxCode}`);
    await page.click('text=Inserisci un assistito non in anagrafe');
    await page.waitForURL(/\/console\/call-center\/register\?/);
    await check(page);
    await page.selectOption('#province', { label: 'Cremona' });
    await page.click('button:has-text("Continua")');
    await page.waitForURL(/province=019/);
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('identifierValue');
    expect(await page.inputValue('#identifierValue')).toBe(taxCode);
    await check(page, 'console-call-center-register');

    await page.click('label[for="status-1"]');
    await page.fill('#surname', 'Verdi');
    await page.fill('#givenName', NEWCOMER.givenName);
    await page.click('label[for="sex-1"]');
    await page.fill('#birthDate', NEWCOMER.birthDate);
    await page.fill('#birthPlaceCode', NEWCOMER.birthPlaceCode);
    await page.selectOption('#domicileMunicipality', { label: 'Cremona' });
    await page.fill('#domicileCap', '26100');
    await page.fill('#residenceCap', '00184');
    await page.fill('#residenceMunicipality', 'Roma');
    await page.fill('#mobile', '+39 333 1234567');
    await page.click('button:has-text("Inserisci l’assistito")');
    await page.waitForSelector('.error-summary');
    expect(await page.textContent('.error-summary')).toContain('(Cognome)');
    expect(await page.textContent('label[for="confirmedWarnings-0"]')).toContain(
      'Cognome: dai dati «VRD», nel codice «BNC»',
    );
    await check(page, 'console-call-center-register-confirm');

    await page.click('label[for="confirmedWarnings-0"]');
    await page.click('button:has-text("Inserisci l’assistito")');
    await page.waitForURL(/\/console\/call-center\/persons\/\d+\?done=registered$/);
    expect(await page.textContent('main')).toContain('Assistito inserito nell’anagrafe regionale');
    expect(await page.textContent('main')).toContain('No, non può ancora prenotare');
    await check(page, 'console-call-center-registered');

    await page.click('label:has-text("Residente altrove ma presente")');
    await page.fill('#insertNote', 'in Cremona con la figlia fino all’estate');
    await page.click('button:has-text("Inserisci negli elenchi")');
    await page.waitForURL(/done=inserted$/);
    expect(await page.textContent('main')).toContain('Persona inserita negli elenchi di prenotazione');
    expect(await page.textContent('main')).toContain('Sì, può prenotare');
    await check(page, 'console-call-center-inserted');
    await context.close();
  });
});
