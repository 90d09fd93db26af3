/// <reference lib="dom" />
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { sql } from 'kysely';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expectNoAxeViolations, launchChromium } from './browser.ts';
import { startE2eServer } from './server.ts';
import { systemClock } from '../src/platform/clock.ts';
import { createLogger } from '../src/platform/logging.ts';
import type { App } from '../src/platform/http/types.ts';
import { generatePopulationIntoDatabase } from '../src/modules/population/service.ts';
import { EligibilityService } from '../src/modules/eligibility/service.ts';
import { SmtpSink } from '../src/modules/messaging/smtp-sink.ts';
import { ensureSigningCertificates } from '../src/modules/certificates/signing-certificates.ts';
import { pdfQrText, pdfText } from '../src/modules/certificates/testing.ts';
import { buildNationalApp } from '../src/national/app.ts';
import { DEVELOPMENT_API_TOKEN, loadNationalConfig } from '../src/national/config.ts';
import { seedNationalRegistry } from '../src/national/seed.ts';
import { openMigratedNationalTestDatabase } from '../src/national/test-databases.ts';
import type { NationalDatabase } from '../src/national/db.ts';
import { ensureStaffOfEveryRole, TEST_PASSWORD } from '../test/app.ts';
import { CONSENT } from '../test/registry-fixtures.ts';

const PEOPLE = 300;
const SEED = 7;
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
  let national: App;
  let nationalDb: NationalDatabase;
  let sink: SmtpSink;
  let server: Awaited<ReturnType<typeof startE2eServer>>;
  let citizen: Citizen;

  beforeAll(async () => {
    nationalDb = await openMigratedNationalTestDatabase('pglite');
    await seedNationalRegistry(nationalDb, {
      regionPeople: PEOPLE,
      regionSeed: SEED,
      otherRegionPeople: 1,
      aire: 1,
      foreigners: 1,
    });
    national = await buildNationalApp({
      config: loadNationalConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' }),
      database: nationalDb,
      clock: systemClock,
      logger: createLogger('silent'),
      signing: await ensureSigningCertificates({
        dir: await mkdtemp(path.join(tmpdir(), 'vaxhub-e2e-dgc-')),
      }),
    });
    const nationalUrl = await national.listen({ host: '127.0.0.1', port: 0 });
    sink = await SmtpSink.start({ port: 0 });
    server = await startE2eServer({
      NATIONAL_URL: nationalUrl,
      NATIONAL_API_TOKEN: DEVELOPMENT_API_TOKEN,
      NATIONAL_SYNC_INTERVAL_MS: '200',
      MESSAGING_INTERVAL_MS: '200',
      SMTP_URL: sink.url,
      DATA_DIR: await mkdtemp(path.join(tmpdir(), 'vaxhub-e2e-data-')),
    });
    // The same generator and seed as the national registry's: both know the same people.
    await generatePopulationIntoDatabase(server.database, { people: PEOPLE, seed: SEED, regionCode: '03' });
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
    await server?.stop();
    await national?.close();
    await nationalDb?.close();
    await sink?.close();
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

  /** The code in the e-mail, once the national worker and the messaging worker have done their part. */
  const mailedCode = async (): Promise<string> => {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const mail = sink.received.find((received) => received.to.includes(CONTACT));
      const found = mail === undefined ? null : /\b([2-9A-HJ-NP-Z]{5}-[2-9A-HJ-NP-Z]{5})\b/.exec(mail.text);
      if (found?.[1] !== undefined) return found[1];
      if (Date.now() > deadline) throw new Error('no certificate code arrived in the SMTP sink');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  };

  const fillDownloadForm = async (page: Page, code: string): Promise<void> => {
    await page.fill('#taxCode', citizen.tax_code);
    await page.fill('#healthCardDigits', citizen.health_card_number.slice(-8));
    await page.fill('#authCode', code);
  };

  it('DCC-4 UX-2 the code arrives by e-mail and downloads the certificate as a PDF; the pass is checked on the verify page', async () => {
    await recordDose();
    const code = await mailedCode();
    const mail = sink.received.find((received) => received.to.includes(CONTACT));
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
    const certificates = (
      await national.inject({
        method: 'GET',
        url: `/dgc/persons/${citizen.tax_code}/certificates`,
        headers: { authorization: `Bearer ${DEVELOPMENT_API_TOKEN}` },
      })
    ).json<{ uvci: string; hc1: string }[]>();
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
