/// <reference lib="dom" />
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { sql } from 'kysely';
import { readFile } from 'node:fs/promises';
import { expectNoAxeViolations, launchChromium } from './browser.ts';
import { startNationalE2e, type NationalE2e } from './national.ts';
import { fixedClock, romeDate, romeInstant } from '../src/platform/clock.ts';
import { systemContext } from '../src/platform/audit/audit.ts';
import { dayFromIsoDate, isoDateFromDay } from '../src/platform/calendar.ts';
import { EligibilityService } from '../src/modules/eligibility/service.ts';
import { BookingService } from '../src/modules/booking/service.ts';
import { pdfQrText, pdfText } from '../src/modules/certificates/testing.ts';
import { ensureStaffOfEveryRole, TEST_PASSWORD } from '../test/app.ts';
import { openHubDays } from '../test/registry-fixtures.ts';

const CONTACT = 'vaccinato.e2e@example.it';

interface Booked {
  code: string;
  surname: string;
  personId: number;
  taxCode: string;
  healthCardNumber: string;
}

/**
 * Issue 9, the vaccinator flow end to end with every party running (the regional server with its national
 * and messaging workers, the national simulator, the SMTP sink): check-in → record → certificate issued →
 * AUTHCODE mail in the SMTP sink → the citizen downloads the PDF. axe-core on every page visited (UX-2).
 */
describe('vaccinator to certificate in a real browser', () => {
  let browser: Browser;
  let parties: NationalE2e;
  let usernames: Awaited<ReturnType<typeof ensureStaffOfEveryRole>>;
  let booked: Booked;
  const today = romeDate(new Date());

  beforeAll(async () => {
    parties = await startNationalE2e();
    const db = parties.server.database.db;
    usernames = await ensureStaffOfEveryRole(parties.server.database);
    // Today at the vaccinator's point, booked just after midnight by the call center.
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
      await sql<{ id: number; surname: string; tax_code: string; health_card_number: string }>`
        SELECT id::integer AS id, surname, tax_code, health_card_number FROM persons
        WHERE status = 'active' AND birth_date <= '1951-12-31' AND tax_code IS NOT NULL
          AND health_card_number IS NOT NULL ORDER BY id LIMIT 1`.execute(db)
    ).rows[0];
    if (person === undefined) throw new Error('the population lacks an elderly person with a health card');
    const slot = await db
      .selectFrom('slots')
      .select('id')
      .where('vaccination_point_id', '=', point.id)
      .where('day', '=', today)
      .orderBy('starts_at')
      .executeTakeFirstOrThrow();
    const { confirmation } = await booking.book(
      { personId: person.id, slotId: slot.id, idempotencyKey: undefined, channel: 'call_center' },
      setup,
    );
    booked = {
      code: confirmation.booking.code,
      surname: person.surname,
      personId: person.id,
      taxCode: person.tax_code,
      healthCardNumber: person.health_card_number,
    };
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await parties?.stop();
  });

  it('VAX-1 VAX-20 DCC-4 UX-2 a vaccinator checks in and records a dose; the certificate code arrives by e-mail; the citizen downloads the PDF', async () => {
    const server = parties.server;

    // The vaccinator: sign-in, today's bookings, check-in by booking code, the dose with the e-mail and the tick.
    const staffContext = await browser.newContext({ locale: 'it-IT' });
    const staff = await staffContext.newPage();
    await staff.goto(`${server.url}/console/sign-in`);
    await expectNoAxeViolations(staff);
    await staff.fill('#username', usernames.vaccinator);
    await staff.fill('#password', TEST_PASSWORD);
    await staff.keyboard.press('Enter');
    await staff.waitForURL(/\/console$/);
    await expectNoAxeViolations(staff);
    await staff.click('a:has-text("Punto vaccinale") >> nth=-1');
    await staff.waitForURL(/\/console\/vaccination-point$/);
    const list = (await staff.textContent('main')) ?? '';
    expect(list).toContain('Prenotazioni di oggi');
    expect(list).toContain(booked.surname);
    expect(list).toContain(booked.code);
    await expectNoAxeViolations(staff);

    await staff.fill('#code', booked.code);
    await staff.keyboard.press('Enter');
    await staff.waitForURL(/\/record\?/);
    expect(await staff.inputValue('#bookingCode')).toBe(booked.code);
    await expectNoAxeViolations(staff);

    await staff.fill('#lot', 'FK1234');
    await staff.fill('#lotExpiry', `${String(new Date().getUTCFullYear() + 1)}-12-31`);
    await staff.fill('#email', CONTACT);
    await staff.locator('label[for="informationNoteRead-0"]').click();
    await staff.locator('label[for="confirmed-0"]').click();
    await staff.click('button:has-text("Registra la vaccinazione")');
    await staff.waitForURL(/\/administrations\/[0-9]+\?done=recorded$/);
    const administrationId = Number(/\/administrations\/([0-9]+)\?/.exec(staff.url())?.[1]);
    const done = (await staff.textContent('main')) ?? '';
    expect(done).toContain('Vaccinazione registrata');
    expect(done).toContain('AUTHCODE');
    expect(done).toContain(CONTACT);
    await expectNoAxeViolations(staff);
    await staffContext.close();

    const administration = await server.database.db
      .selectFrom('administrations')
      .select(['person_id'])
      .where('id', '=', administrationId)
      .executeTakeFirstOrThrow();
    expect(Number(administration.person_id)).toBe(booked.personId);

    // The national worker delivers the dose, the simulator issues the certificate, the code is e-mailed.
    const code = await parties.mailedCode(CONTACT);
    const mail = parties.sink.received.find((received) => received.to.includes(CONTACT));
    expect(mail?.text).toContain('/portal/certificates/download');

    // The citizen downloads the PDF with the code.
    const portal = await browser.newContext({ acceptDownloads: true, locale: 'it-IT' });
    const citizen = await portal.newPage();
    await citizen.goto(`${server.url}/portal/certificates/download`);
    expect(await citizen.textContent('h1')).toContain('Scarichi il certificato');
    await expectNoAxeViolations(citizen);
    await citizen.fill('#taxCode', booked.taxCode);
    await citizen.fill('#healthCardDigits', booked.healthCardNumber.slice(-8));
    await citizen.fill('#authCode', code);
    const [download] = await Promise.all([
      citizen.waitForEvent('download'),
      citizen.click('button:has-text("Scarica il certificato")'),
    ]);
    expect(download.suggestedFilename()).toMatch(
      new RegExp(`^certificato-covid-${today}-[0-9]+-[0-9]+\\.pdf$`),
    );
    const pdf = await readFile((await download.path()) ?? '');
    await portal.close();

    // The certificate of that dose: the only one the simulator issued to the person, in the PDF and its QR.
    const certificates = await parties.certificates(booked.taxCode);
    expect(certificates).toHaveLength(1);
    const [certificate] = certificates;
    expect(pdfText(pdf)).toContain(certificate?.uvci);
    expect(pdfQrText(pdf)).toBe(certificate?.hc1);
  });
});
