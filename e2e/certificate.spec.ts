/// <reference lib="dom" />
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { sql } from 'kysely';
import { readFile } from 'node:fs/promises';
import { expectNoAxeViolations, launchChromium } from './browser.ts';
import { startNationalE2e, type NationalE2e } from './national.ts';
import { systemClock } from '../src/platform/clock.ts';
import { EligibilityService } from '../src/modules/eligibility/service.ts';
import { pdfQrText, pdfText } from '../src/modules/certificates/testing.ts';
import { ensureStaffOfEveryRole, TEST_PASSWORD } from '../test/app.ts';
import { CONSENT } from '../test/registry-fixtures.ts';

const CONTACT = 'certificato.e2e@example.it';

interface Citizen {
  id: number;
  tax_code: string;
  health_card_number: string;
}

/**
 * DCC-4 in a real browser, with every party running: the regional server (its national worker and its
 * messaging worker on), the national simulator issuing certificates, and the SMTP sink. A vaccinator records
 * a COVID dose with an e-mail for the certificate; the code arrives by e-mail; the citizen downloads the
 * PDF with it; then checks the pass on the verify page. axe-core on every page (UX-2).
 */
describe('DCC-4 certificate download in a real browser', () => {
  let browser: Browser;
  let parties: NationalE2e;
  let server: NationalE2e['server'];
  let citizen: Citizen;

  beforeAll(async () => {
    parties = await startNationalE2e();
    server = parties.server;
    await new EligibilityService(server.database.db, systemClock, '03').loadShippedPlanVersions();
    await ensureStaffOfEveryRole(server.database);
    const found = (
      await sql<Citizen>`SELECT id::integer AS id, tax_code, health_card_number FROM persons
        WHERE birth_date BETWEEN '1960-01-01' AND '1990-12-31' AND status = 'active' AND tax_code IS NOT NULL
          AND health_card_number IS NOT NULL ORDER BY id LIMIT 1`.execute(server.database.db)
    ).rows[0];
    if (found === undefined) throw new Error('the population lacks the person needed');
    citizen = found;
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await parties?.stop();
  });

  /** The vaccinator records the COVID dose through the API, with an e-mail for the certificate (VAX-20). */
  const recordDose = async (): Promise<void> => {
    const session = await fetch(`${server.url}/auth/staff/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'test.vaccinator', password: TEST_PASSWORD }),
    });
    const { token } = (await session.json()) as { token: string };
    const point = await server.database.db
      .selectFrom('vaccination_points')
      .select('id')
      .orderBy('code')
      .executeTakeFirstOrThrow();
    const recorded = await fetch(`${server.url}/administrations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({
        personId: citizen.id,
        productCode: 'COMIRNATY-30',
        administeredAt: '2021-12-01T09:30:00Z',
        lot: 'FK1234',
        lotExpiry: '2022-03-31',
        volumeMl: 0.3,
        riskCategory: 'Altro',
        healthCondition: 'Nessuna condizione sanitaria a rischio',
        route: 'intramuscular',
        site: 'left_deltoid',
        vaccinationPointId: point.id,
        certificateContacts: { mobile: null, email: CONTACT, confirmed: true },
        consent: CONSENT,
      }),
    });
    expect(recorded.status, await recorded.clone().text()).toBe(201);
  };

  const fillDownloadForm = async (page: Page, code: string): Promise<void> => {
    await page.fill('#taxCode', citizen.tax_code);
    await page.fill('#healthCardDigits', citizen.health_card_number.slice(-8));
    await page.fill('#authCode', code);
  };

  it('DCC-4 UX-2 the code arrives by e-mail and downloads the certificate as a PDF; the pass is checked on the verify page', async () => {
    await recordDose();
    const code = await parties.mailedCode(CONTACT);
    const mail = parties.sink.received.find((received) => received.to.includes(CONTACT));
    expect(mail?.text).toContain('/portal/certificates/download');

    const context = await browser.newContext({ acceptDownloads: true, locale: 'it-IT' });
    const page = await context.newPage();
    await page.goto(`${server.url}/portal/sign-in`);
    await page.click('a[href="/portal/certificates/download"]');
    await page.waitForURL(/\/portal\/certificates\/download$/);
    expect(await page.textContent('h1')).toContain('Scarichi il certificato');
    await expectNoAxeViolations(page);

    // A wrong code: the form again, with its error summary, and the code not written back.
    await fillDownloadForm(page, code.startsWith('Z') ? `Y${code.slice(1)}` : `Z${code.slice(1)}`);
    await page.click('button:has-text("Scarica il certificato")');
    await page.waitForSelector('.error-summary');
    expect(await page.title()).toMatch(/^Errore: /);
    expect(await page.inputValue('#authCode')).toBe('');
    await expectNoAxeViolations(page);

    await fillDownloadForm(page, code.toLowerCase());
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click('button:has-text("Scarica il certificato")'),
    ]);
    expect(download.suggestedFilename()).toMatch(/^certificato-covid-2021-12-01-1-2\.pdf$/);
    const pdf = await readFile((await download.path()) ?? '');
    const certificates = await parties.certificates(citizen.tax_code);
    const [certificate] = certificates;
    expect(certificate).toBeDefined();
    expect(pdfText(pdf)).toContain(certificate?.uvci);
    expect(pdfQrText(pdf)).toBe(certificate?.hc1);

    await page.goto(`${server.url}/portal/verify`);
    await expectNoAxeViolations(page);
    await page.fill('#hc1', certificate?.hc1 ?? '');
    await page.click('button:has-text("Verifica")');
    await page.waitForSelector('#verdict');
    expect(await page.textContent('#verdict')).toMatch(
      /^Certificato (valido|non ancora valido|scaduto|non valido)$/,
    );
    expect(await page.textContent('main')).toContain('Intestatario');
    await expectNoAxeViolations(page);
    await context.close();
  });
});
