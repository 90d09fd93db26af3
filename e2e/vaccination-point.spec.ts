/// <reference lib="dom" />
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { sql } from 'kysely';
import { captureScreens, launchChromium } from './browser.ts';
import { startE2eServer } from './server.ts';
import { browserWithoutScripts, checkScriptlessPage } from './scriptless-page.ts';
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
  /** Not booked: an adult whose infection is entered and corrected, a child of 5-11 (VAX-12). */
  let adultId: number;
  let childId: number;

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
    const [adult, child] = await Promise.all([
      sql<{ id: number }>`SELECT id FROM persons WHERE status = 'active' AND tax_code IS NOT NULL
        AND birth_date <= '1990-12-31' AND id <> ${booked.personId} ORDER BY id LIMIT 1`.execute(db),
      sql<{ id: number }>`SELECT id FROM persons WHERE status = 'active' AND tax_code IS NOT NULL
        AND birth_date > ${today}::date - interval '12 years' AND birth_date <= ${today}::date - interval '5 years'
        ORDER BY id LIMIT 1`.execute(db),
    ]);
    if (adult.rows[0] === undefined || child.rows[0] === undefined)
      throw new Error('the population lacks an adult or a child of 5-11');
    adultId = Number(adult.rows[0].id);
    childId = Number(child.rows[0].id);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  /** UX-2 on the page the script-less browser shows; at 200 % zoom it scrolls only vertically. */
  const checkPage = (page: Page, checker: Page): Promise<void> =>
    checkScriptlessPage(page, checker, { narrowest: ZOOMED });

  const focusedName = (page: Page) =>
    page.evaluate(() => {
      const element = document.activeElement as HTMLElement | null;
      return element?.getAttribute('name') ?? element?.getAttribute('href') ?? element?.tagName ?? '';
    });

  it('VAX-1 VAX-22 UX-2 a vaccinator signs in, sees today’s bookings, checks a person in by keyboard and records the dose with the certificate-contacts tick', async () => {
    const { page, checker, close } = await browserWithoutScripts(browser, DESKTOP);

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
    await expect.poll(() => focusedName(page)).toBe('code');
    await checkPage(page, checker);
    await captureScreens(page, 'console-vaccination-today');

    // Check-in by keyboard: type the code, Enter.
    await page.keyboard.type(booked.code.toLowerCase());
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/record\?/);
    expect(await page.inputValue('#bookingCode')).toBe(booked.code);
    await expect.poll(() => focusedName(page)).toBe('lot');
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
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.classList.contains('error-summary')))
      .toBe(true);
    expect(await page.textContent('.error-summary')).toMatch(/contatti|spunt|conferm/i);
    await checkPage(page, checker);

    await page.locator('label[for="confirmed-0"]').click();
    await page.click('button:has-text("Registra la vaccinazione")');
    await page.waitForURL(/\/administrations\/[0-9]+\?done=recorded$/);
    const done = (await page.textContent('main')) ?? '';
    expect(done).toContain('Vaccinazione registrata');
    expect(done).toContain('AUTHCODE');
    expect(done).toContain('+393331234567');
    await expect.poll(() => focusedName(page)).toBe('/console/vaccination-point');
    await checkPage(page, checker);
    await captureScreens(page, 'console-vaccination-recorded');

    // Next person, by keyboard: the list shows the dose given.
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/console\/vaccination-point$/);
    expect(await page.textContent('main')).toContain('Vaccinato');
    await expect.poll(() => focusedName(page)).toBe('code');

    // The person's page and the search.
    await page.goto(`${server.url}/console/vaccination-point/persons/${String(booked.personId)}`);
    expect(await page.textContent('main')).toContain('Comirnaty');
    await checkPage(page, checker);
    await captureScreens(page, 'console-vaccination-person');

    await page.goto(`${server.url}/console/vaccination-point/search`);
    await expect.poll(() => focusedName(page)).toBe('identifier');
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

    await close();
  });

  /** A vaccinator signed in with JavaScript off, and the page that runs axe on what it shows (checkPage). */
  const signedIn = async () => {
    const { page, checker, close } = await browserWithoutScripts(browser, DESKTOP);
    await page.goto(`${server.url}/console/sign-in`);
    await page.fill('#username', usernames.vaccinator);
    await page.fill('#password', TEST_PASSWORD);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/console$/);
    return { page, checker, close };
  };

  /** UX-2: Tab alone, as an operator's hands do, until the control wanted has the focus. */
  const tabTo = async (page: Page, wanted: string): Promise<void> => {
    for (let presses = 0; presses < 80 && (await focusedName(page)) !== wanted; presses += 1)
      await page.keyboard.press('Tab');
    await expect.poll(() => focusedName(page)).toBe(wanted);
  };

  it('VAX-16 VAX-14 UX-2 by keyboard alone an operator enters an infection, opens its correction with the current values, is refused dates out of order next to the field, and corrects it', async () => {
    const { page, checker, close } = await signedIn();
    const personPath = `/console/vaccination-point/persons/${String(adultId)}`;
    await page.goto(`${server.url}${personPath}`);
    await tabTo(page, `${personPath}/infections`);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/infections$/);
    await expect.poll(() => focusedName(page)).toBe('sampledOn');
    await checkPage(page, checker);

    // The order of a date field's parts follows the browser's own language, not the page's: the dates
    // are filled into the focused field; the rest is Tab, Space and Enter.
    await page.fill('#sampledOn', '2021-03-10');
    await tabTo(page, 'resultOn');
    await page.fill('#resultOn', '2021-03-11');
    await tabTo(page, 'recoveredOn');
    await page.fill('#recoveredOn', '2021-03-25');
    await tabTo(page, 'testType');
    await page.keyboard.press('Space');
    await tabTo(page, 'regionCode');
    await page.keyboard.type('16');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\?done=infection$/);
    expect(await page.textContent('main')).toContain('Infetto almeno dal 10/03/2021');
    const entered = await server.database.db
      .selectFrom('infections')
      .select('id')
      .where('person_id', '=', adultId)
      .executeTakeFirstOrThrow();
    const correctPath = `${personPath}/infections/${String(entered.id)}`;
    await checkPage(page, checker);

    await tabTo(page, correctPath);
    await page.keyboard.press('Enter');
    await page.waitForURL((url) => url.pathname === correctPath);
    expect(await page.inputValue('#sampledOn')).toBe('2021-03-10');
    expect(await page.inputValue('#resultOn')).toBe('2021-03-11');
    expect(await page.inputValue('#recoveredOn')).toBe('2021-03-25');
    expect(await page.isChecked('#testType-0')).toBe(true);
    expect(await page.textContent('main')).toContain('In Italia · Regione (codice ISTAT) 16');
    await expect.poll(() => focusedName(page)).toBe('sampledOn');
    await checkPage(page, checker);
    await captureScreens(page, 'console-vaccination-infection-correct');

    // A result before the sample: refused next to the field, the summary takes the focus.
    await tabTo(page, 'resultOn');
    await page.fill('#resultOn', '2021-03-09');
    await tabTo(page, 'BUTTON');
    await page.keyboard.press('Enter');
    // The refusal answers at the same address: the field's error on the new page is what to wait for.
    await page.locator('#resultOn-error').waitFor();
    expect(page.url()).toBe(`${server.url}${correctPath}`);
    expect(await page.title()).toMatch(/^Errore: /);
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.classList.contains('error-summary')))
      .toBe(true);
    expect(await page.textContent('#resultOn-error')).toContain('non può precedere quella del prelievo');
    expect(await page.inputValue('#resultOn')).toBe('2021-03-09');
    await checkPage(page, checker);

    await tabTo(page, 'sampledOn');
    await page.fill('#sampledOn', '2021-03-08');
    await tabTo(page, 'BUTTON');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\?done=infection-corrected$/);
    const corrected = (await page.textContent('main')) ?? '';
    expect(corrected).toContain('Infezione corretta.');
    expect(corrected).toContain('Infetto almeno dal 08/03/2021');
    await checkPage(page, checker);

    const stored = await server.database.db
      .selectFrom('infections')
      .select(['sampled_on', 'result_on', 'recovered_on', 'test_type'])
      .where('id', '=', entered.id)
      .executeTakeFirstOrThrow();
    expect(stored).toEqual({
      sampled_on: '2021-03-08',
      result_on: '2021-03-09',
      recovered_on: '2021-03-25',
      test_type: 'molecular',
    });
    const audits = await server.database.db
      .selectFrom('audit_log')
      .select('action')
      .where('entity_type', '=', 'infection')
      .where('entity_id', '=', String(entered.id))
      .orderBy('id')
      .execute();
    expect(audits.map((audit) => audit.action)).toEqual(['enter', 'correct']);
    await close();
  });

  it('VAX-12 UX-1 UX-2 an adult vaccine for a child of 5-11 is flagged non-conforming in plain words with the override box; recorded only once ticked, and audited as an override', async () => {
    const { page, checker, close } = await signedIn();
    await page.goto(`${server.url}/console/vaccination-point/persons/${String(childId)}/record`);
    await expect.poll(() => focusedName(page)).toBe('lot');
    await page.keyboard.type('FK5678');
    await page.fill('#lotExpiry', `${String(new Date().getUTCFullYear() + 1)}-12-31`);
    await page.selectOption('#productCode', 'COMIRNATY-30');
    await page.fill('#volumeMl', '0.3');
    await page.selectOption('#riskCategory', 'Altro');
    await page.locator('label[for="confirmed-0"]').click();
    await page.locator('label[for="informationNoteRead-0"]').click();
    await page.selectOption('#signerCapacity', 'parental_responsibility');
    await page.fill('#signerName', 'Anna Bianchi');
    expect(await page.locator('#override-0').count()).toBe(0);
    await page.click('button:has-text("Registra la vaccinazione")');

    // UX-1: the warning says in words what is wrong, the rule in small print for the record, above the
    // override box it describes; the box appears unticked; nothing is recorded yet.
    expect(await page.title()).toMatch(/^Errore: /);
    const warning = (await page.textContent('.error-summary')) ?? '';
    expect(warning).toContain('Questa dose non è conforme');
    expect(warning).toMatch(/La persona aveva \d+ anni alla prima dose del ciclo/);
    const findings = (await page.textContent('#override-findings')) ?? '';
    expect(findings).toContain(
      'da 5 a 11 anni la dose è Comirnaty 10 mcg/dose (pediatric, 5-11 years), 0,2 ml',
    );
    expect(await page.textContent('#override-findings li small')).toBe('(VAX-12)');
    expect((await page.textContent('main')) ?? '').not.toContain('PEDIATRIC_NON_CONFORMING');
    expect(await page.getAttribute('#override-0', 'aria-describedby')).toBe('override-findings');
    expect(await page.isChecked('#override-0')).toBe(false);
    expect(await page.textContent('label[for="override-0"]')).toContain(
      'Confermo che questa dose è stata effettivamente somministrata',
    );
    const before = await server.database.db
      .selectFrom('administrations')
      .select('id')
      .where('person_id', '=', childId)
      .execute();
    expect(before).toEqual([]);
    await checkPage(page, checker);

    // The summary's link takes the keyboard to the box the findings describe (after the check: it adds #override-0).
    await page.focus('.error-summary a[href="#override-0"]');
    await page.keyboard.press('Enter');
    await expect.poll(() => focusedName(page)).toBe('override');
    await page.locator('label[for="override-0"]').click();
    expect(await page.isChecked('#override-0')).toBe(true);
    await captureScreens(page, 'console-vaccination-override');
    await page.click('button:has-text("Registra la vaccinazione")');
    await page.waitForURL(/\/administrations\/[0-9]+\?done=recorded$/);
    const done = (await page.textContent('main')) ?? '';
    expect(done).toContain('Vaccinazione registrata');
    expect(done).toContain('FK5678');
    await checkPage(page, checker);

    const recorded = await server.database.db
      .selectFrom('administrations')
      .select(['id', 'product_code', 'dose_number', 'overridden_findings'])
      .where('person_id', '=', childId)
      .execute();
    expect(recorded).toHaveLength(1);
    expect(recorded[0]).toMatchObject({ product_code: 'COMIRNATY-30', dose_number: 1 });
    expect(JSON.stringify(recorded[0]?.overridden_findings)).toContain('PEDIATRIC_NON_CONFORMING');
    const audit = await server.database.db
      .selectFrom('audit_log')
      .select('action')
      .where('entity_type', '=', 'administration')
      .where('entity_id', '=', String(recorded[0]?.id))
      .executeTakeFirstOrThrow();
    expect(audit.action).toBe('record_with_override');
    await close();
  });
});
