/// <reference lib="dom" />
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { sql } from 'kysely';
import { launchChromium } from './browser.ts';
import { startE2eServer } from './server.ts';
import { checkScriptlessPage, PHONE, browserWithoutScripts } from './scriptless-page.ts';
import { systemClock } from '../src/platform/clock.ts';
import { generatePopulationIntoDatabase } from '../src/modules/population/service.ts';
import { EligibilityService } from '../src/modules/eligibility/service.ts';
import { seedDemoCapacity } from '../src/modules/demo/seed.ts';

interface Citizen {
  tax_code: string;
  health_card_number: string;
}

describe('citizen booking in a real browser', () => {
  let browser: Browser;
  let server: Awaited<ReturnType<typeof startE2eServer>>;
  let entitled: Citizen[];
  let notYet: Citizen;

  beforeAll(async () => {
    server = await startE2eServer();
    const db = server.database.db;
    // The demo's own data: its population, the plan versions and two weeks of capacity from today.
    await generatePopulationIntoDatabase(server.database, { people: 300, seed: 7, regionCode: '03' });
    await new EligibilityService(db, systemClock, '03').loadShippedPlanVersions();
    await seedDemoCapacity(server.database, systemClock, () => undefined);
    // Under the 2021 plan people born by 1951 can book; younger people without a condition cannot yet.
    const people = (
      await sql<Citizen & { birth_date: string }>`SELECT tax_code, health_card_number, birth_date FROM persons
        WHERE health_card_number IS NOT NULL AND status = 'active' ORDER BY id`.execute(db)
    ).rows;
    entitled = people.filter((p) => p.birth_date <= '1951-12-31').slice(0, 2);
    const young = people.find((p) => p.birth_date >= '1985-01-01');
    if (entitled.length < 2 || young === undefined) throw new Error('the population lacks the people needed');
    notYet = young;
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  /** UX-2, UX-3 on each page of the flow; its images for the README, named by its path (portal-book-hubs, …). */
  const checkPage = (page: Page, checker: Page): Promise<void> =>
    checkScriptlessPage(page, checker, {
      screenshot: new URL(page.url()).pathname
        .slice(1)
        .replace(/[^a-z0-9]+/gi, '-')
        .replace(/-[A-Z0-9]{8}(?=-|$)/g, ''),
    });

  const signIn = async (page: Page, citizen: Citizen): Promise<void> => {
    await page.fill('#taxCode', citizen.tax_code);
    await page.fill('#healthCardNumber', citizen.health_card_number);
    await page.click('button:has-text("Accedi")');
    await page.waitForURL(/\/portal\/start$/);
  };

  /** The domicile step by step, then the search: Cremona, its only CAP, tomorrow at 10:00. */
  const chooseDomicileAndSearch = async (page: Page, checker?: Page): Promise<void> => {
    await page.selectOption('#province', { label: 'Cremona' });
    await page.click('button:has-text("Continua")');
    if (checker) await checkPage(page, checker);
    await page.selectOption('#municipalityIstat', { label: 'Cremona' });
    await page.click('button:has-text("Continua")');
    expect(await page.inputValue('#cap')).toBe('26100');
    await page.fill('#time', '10:00');
    if (checker) await checkPage(page, checker);
    await page.click('button:has-text("Cerca i centri vaccinali")');
    await page.waitForURL(/\/portal\/book\/hubs\?/);
  };

  it('UX-3 a citizen books without JavaScript on a 360 px phone, then reschedules, cancels and signs out (UX-2: axe on every page)', async () => {
    const { page, checker, close } = await browserWithoutScripts(browser);
    const citizen = entitled[0] as Citizen;

    await page.goto(`${server.url}/portal`);
    expect(await page.getAttribute('html', 'lang')).toBe('it');
    await checkPage(page, checker);

    // A refused form: the summary takes the focus by itself, no script needed.
    await page.click('button:has-text("Accedi")');
    expect(await page.title()).toMatch(/^Errore: /);
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.classList.contains('error-summary')))
      .toBe(true);
    await checkPage(page, checker);

    await signIn(page, citizen);
    expect(await page.textContent('main')).toContain('Può prenotare');
    await checkPage(page, checker);

    await page.click('text=Prenota la vaccinazione');
    await checkPage(page, checker);
    await chooseDomicileAndSearch(page, checker);
    await checkPage(page, checker);

    // BOOK-7: nearest first, each with address, distance and its free time.
    const first = page.locator('label[for="slotId-0"]');
    expect(await first.textContent()).toMatch(/km/);
    expect(await first.textContent()).toMatch(/10:00/);
    await page.click('button:has-text("Continua")');
    expect(await page.textContent('.error-summary')).toContain('Centro e orario');
    await checkPage(page, checker);
    await first.click();
    await page.click('button:has-text("Continua")');
    await page.waitForURL(/\/portal\/book\/confirm\?/);
    await checkPage(page, checker);

    await page.click('button:has-text("Conferma la prenotazione")');
    await page.waitForURL(/\/portal\/bookings\/[A-Z0-9]{8}\?done=booked$/);
    const main = (await page.textContent('main')) ?? '';
    expect(main).toContain('Prenotazione confermata');
    expect(main).toContain('Cosa portare');
    expect(main).toContain('Seconda dose');
    const code = (await page.textContent('.booking-code'))?.trim() ?? '';
    expect(code).toMatch(/^[A-Z0-9]{8}$/);
    await checkPage(page, checker);

    // Printed, the confirmation keeps the code and what to bring, and drops the header and the actions.
    await page.emulateMedia({ media: 'print' });
    expect(await page.isVisible('.booking-code')).toBe(true);
    expect(await page.isVisible('text=Cosa portare')).toBe(true);
    expect(await page.isVisible('.it-header-slim-wrapper')).toBe(false);
    expect(await page.isVisible('text=Sposta appuntamento')).toBe(false);
    await page.emulateMedia({ media: 'screen' });

    // Read it again from the citizen's page, then move it.
    await page.click('text=Torna alla sua pagina');
    await page.click(`text=Apri la prenotazione ${code}`);
    await page.click('text=Sposta appuntamento');
    await chooseDomicileAndSearch(page);
    await page.locator('label[for="slotId-1"]').click();
    await page.click('button:has-text("Continua")');
    await checkPage(page, checker);
    await page.click('button:has-text("Conferma il nuovo appuntamento")');
    await page.waitForURL(new RegExp(`/portal/bookings/${code}\\?done=moved$`));
    expect(await page.textContent('main')).toContain('Appuntamento spostato');

    // Cancel: the reason and the second dose are asked, errors first.
    await page.click('text=Annulla prenotazione');
    await checkPage(page, checker);
    await page.click('button:has-text("Annulla la prenotazione")');
    expect(await page.textContent('.error-summary')).toContain('Seconda dose');
    await checkPage(page, checker);
    await page.locator('label[for="reason-0"]').click();
    await page.locator('label[for="secondDose-0"]').click();
    await page.click('button:has-text("Annulla la prenotazione")');
    await page.waitForURL(new RegExp(`/portal/bookings/${code}\\?done=cancelled$`));
    expect(await page.textContent('main')).toContain('Prenotazione annullata');
    await checkPage(page, checker);

    await page.click('button:has-text("Esci")');
    await page.waitForURL(/\/portal\/sign-in\?out=1$/);
    expect(await page.textContent('main')).toContain('È uscito dal servizio');
    await checkPage(page, checker);
    await page.goto(`${server.url}/portal/start`);
    expect(page.url()).toMatch(/\/portal\/sign-in\?expired=1$/);
    await close();
  });

  it('ELIG-5 a citizen who cannot book yet reads why and what to do, on an accessible page', async () => {
    const { page, checker, close } = await browserWithoutScripts(browser);
    await page.goto(`${server.url}/portal/sign-in`);
    await signIn(page, notYet);
    const main = (await page.textContent('main')) ?? '';
    expect(main).toContain('Non può ancora prenotare');
    expect(main).toContain('medico di famiglia');
    expect(await page.locator('a[href="/portal/book"]').count()).toBe(0);
    await checkPage(page, checker);
    await close();
  });

  it('UX-2 a citizen signs in by keyboard alone, with the focus always visible', async () => {
    const context = await browser.newContext({ viewport: PHONE, locale: 'it-IT' });
    const page = await context.newPage();
    const citizen = entitled[1] as Citizen;
    await page.goto(`${server.url}/portal/sign-in`);
    const focused = () =>
      page.evaluate(() => {
        const element = document.activeElement as HTMLElement | null;
        const style = element ? getComputedStyle(element) : undefined;
        return {
          id: element?.id ?? '',
          text: element?.textContent?.trim() ?? '',
          outline: style ? `${style.outlineStyle} ${style.outlineWidth}` : '',
        };
      });

    await page.keyboard.press('Tab');
    expect((await focused()).text).toBe('Vai al contenuto principale');
    expect((await focused()).outline).not.toMatch(/^none|0px$/);
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab');
    expect((await focused()).id).toBe('taxCode');
    expect((await focused()).outline).toBe('solid 3px');
    await page.keyboard.type(citizen.tax_code);
    await page.keyboard.press('Tab');
    expect((await focused()).id).toBe('healthCardNumber');
    await page.keyboard.type(citizen.health_card_number);
    await page.keyboard.press('Tab');
    expect((await focused()).text).toBe('Accedi');
    expect((await focused()).outline).toBe('solid 3px');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/portal\/start$/);

    // On to the booking, still by keyboard: the first link after the verdict is "book".
    let steps = 0;
    while ((await focused()).text !== 'Prenota la vaccinazione' && steps++ < 20)
      await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/portal\/book$/);
    expect(await page.textContent('h1')).toBe('Dove abita');
    await context.close();
  });

  it('UX-2 with JavaScript, the page warns two minutes before the session ends, where screen readers hear it', async () => {
    const context = await browser.newContext({ viewport: PHONE, locale: 'it-IT' });
    const page = await context.newPage();
    await page.clock.install();
    await page.goto(`${server.url}/portal/sign-in`);
    await signIn(page, entitled[1] as Citizen);
    const note = page.locator('.session-note');
    expect(await note.getAttribute('role')).toBeNull();
    // Citizen sessions last 30 minutes from sign-in (ADR 0006); the warning is due at 28.
    await page.clock.fastForward('27:00');
    expect(await note.getAttribute('role')).toBeNull();
    await page.clock.fastForward('01:30');
    expect(await note.getAttribute('role')).toBe('alert');
    expect(await note.textContent()).toContain('La sessione termina tra due minuti');
    await context.close();
  });

  it('UX-1 UX-2 the English switch works without JavaScript, and the page reflows at 200 % zoom', async () => {
    // 1280 × 800 at 200 % zoom is a 640 × 400 CSS-pixel window.
    const context = await browser.newContext({
      javaScriptEnabled: false,
      viewport: { width: 640, height: 400 },
      deviceScaleFactor: 2,
      locale: 'it-IT',
    });
    const checker = await (
      await browser.newContext({ viewport: { width: 640, height: 400 }, deviceScaleFactor: 2 })
    ).newPage();
    const page = await context.newPage();
    await page.goto(`${server.url}/portal/sign-in`);
    await page.click('a[hreflang="en"]');
    await page.waitForURL(/\/portal\/sign-in$/);
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    expect(await page.textContent('h1')).toBe('Sign in with your health card');
    await checkPage(page, checker);
    await page.click('a[hreflang="it"]');
    expect(await page.getAttribute('html', 'lang')).toBe('it');
    await context.close();
  });
});
