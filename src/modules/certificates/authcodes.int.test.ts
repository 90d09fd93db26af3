import { afterAll, beforeAll, expect, it } from 'vitest';
import { sql } from 'kysely';
import { Writable } from 'node:stream';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import { describeEachDatabase } from '../../../test/databases.ts';
import { nationalEnv, seedRegionOfNation, startNationalSimulator } from '../../../test/national-fixture.ts';
import { buildTestApp, signInStaff } from '../../../test/app.ts';
import { CONSENT } from '../../../test/registry-fixtures.ts';
import { EligibilityService } from '../eligibility/service.ts';
import { createLogger } from '../../platform/logging.ts';
import { fixedClock } from '../../platform/clock.ts';
import type { App } from '../../platform/http/types.ts';
import { DEVELOPMENT_ADMIN_TOKEN, DEVELOPMENT_API_TOKEN } from '../../national/config.ts';
import type { NationalDatabase } from '../../national/db.ts';
import { SmtpSink } from '../messaging/smtp-sink.ts';
import { pdfQrText, pdfText } from './testing.ts';
import { qrPng } from './qr.ts';
import { FormBrowser, HTML } from '../../../test/form-browser.ts';

const NOW = '2022-01-20T12:00:00Z';
const PEOPLE = 120;
const SEED = 4711;
const CODE = /\b([2-9A-HJ-NP-Z]{5})-([2-9A-HJ-NP-Z]{5})\b/;

interface Person {
  id: number;
  taxCode: string;
  card: string;
}

interface Problem {
  code: string;
  title: string;
  detail: string;
}

/**
 * DCC-4 end to end on one machine: the regional platform, the national simulator (AVN and the certificate
 * platform), the SMTP sink and the SMS file. A COVID administration is recorded with certificate contacts,
 * the national worker delivers it, the acknowledgement writes the code's messages, the messaging worker
 * sends them, and the code downloads the certificate.
 */
describeEachDatabase('DCC-4 AUTHCODE: the certificate code and the download', (database) => {
  let national: App;
  let nationalDb: NationalDatabase;
  let app: App;
  let usernames: Record<string, string>;
  let sink: SmtpSink;
  let dataDir: string;
  let point: number;
  let people: Person[];
  const logLines: string[] = [];
  const codesSeen: string[] = [];

  const as = (role: string) => signInStaff(app, usernames[role]);
  const person = (i: number): Person => {
    const found = people[i];
    if (found === undefined) throw new Error(`no test person ${i}`);
    return found;
  };
  const setFaults = async (mode: string) => {
    const response = await national.inject({
      method: 'PUT',
      url: '/admin/faults',
      payload: { mode },
      headers: { 'x-admin-token': DEVELOPMENT_ADMIN_TOKEN },
    });
    expect(response.statusCode).toBe(200);
  };
  const post = async (url: string, role: string, payload?: object) => {
    const response = await app.inject({ method: 'POST', url, headers: await as(role), payload });
    expect(response.statusCode, response.body).toBe(200);
    return response.json<Record<string, number>>();
  };
  const deliverNationally = () => post('/national-flow/runs', 'region_admin');
  const sendMessages = () => post('/messaging/runs', 'region_admin');
  const record = async (
    who: Person,
    contacts: { mobile: string | null; email: string | null },
    overrides: Record<string, unknown> = {},
  ) => {
    const response = await app.inject({
      method: 'POST',
      url: '/administrations',
      headers: await as('vaccinator'),
      payload: {
        personId: who.id,
        productCode: 'COMIRNATY-30',
        administeredAt: '2021-12-01T09:30:00Z',
        lot: 'FK1234',
        lotExpiry: '2022-03-31',
        volumeMl: 0.3,
        riskCategory: 'Altro',
        healthCondition: 'Nessuna condizione sanitaria a rischio',
        route: 'intramuscular',
        site: 'left_deltoid',
        vaccinationPointId: point,
        certificateContacts: { ...contacts, confirmed: true },
        consent: CONSENT,
        ...overrides,
      },
    });
    expect(response.statusCode, response.body).toBe(201);
    return response.json<{ id: number; doseNumber: number }>();
  };
  const messagesOf = (who: Person) =>
    sql<{
      id: number;
      channel: string;
      template: string;
      recipient: string;
      params: Record<string, unknown>;
      status: string;
      cause_id: number;
    }>`SELECT id::integer AS id, channel, template, recipient, params, status, cause_id::integer AS cause_id
      FROM messages WHERE person_id = ${who.id} AND cause_kind = 'certificate_authcode' ORDER BY id`
      .execute(database().db)
      .then((result) => result.rows);
  const codesOf = (who: Person) =>
    sql<{ id: number; administration_id: number; superseded: boolean; reissue: boolean }>`
      SELECT id::integer AS id, administration_id::integer AS administration_id,
        superseded_at IS NOT NULL AS superseded, reissue
      FROM certificate_authcodes WHERE person_id = ${who.id} ORDER BY id`
      .execute(database().db)
      .then((result) => result.rows);
  /** The code in the last e-mail the sink received for `address`. */
  const mailedCode = (address: string): string => {
    const mail = sink.received.filter((received) => received.to.includes(address)).at(-1);
    const found = mail === undefined ? null : CODE.exec(mail.text);
    if (found === null) throw new Error(`no code mailed to ${address}`);
    const code = `${found[1]}${found[2]}`;
    codesSeen.push(code);
    return code;
  };
  const smsTo = async (number: string): Promise<{ text: string }[]> => {
    const file = await readFile(path.join(dataDir, 'sms-outbox.jsonl'), 'utf8').catch(() => '');
    return file
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { to: string; text: string })
      .filter((sms) => sms.to === number);
  };
  const download = (
    body: { taxCode: string; healthCardDigits: string; authCode: string },
    from = '192.0.2.1',
  ): Promise<LightMyRequestResponse> =>
    app.inject({ method: 'POST', url: '/certificates/download', payload: body, remoteAddress: from });
  const nationalCertificates = async (who: Person) =>
    (
      await national.inject({
        method: 'GET',
        url: `/dgc/persons/${who.taxCode}/certificates`,
        headers: { authorization: `Bearer ${DEVELOPMENT_API_TOKEN}` },
      })
    ).json<{ uvci: string; hc1: string; revoked: boolean; issuedAt: string }[]>();

  beforeAll(async () => {
    const nation = { regionPeople: PEOPLE, regionSeed: SEED, otherRegionPeople: 2, aire: 1, foreigners: 1 };
    const simulator = await startNationalSimulator(NOW, nation);
    ({ app: national, db: nationalDb } = simulator);
    usernames = await seedRegionOfNation(database(), nation);
    sink = await SmtpSink.start({ port: 0 });
    dataDir = await mkdtemp(path.join(tmpdir(), 'vaxhub-authcode-'));
    // Everything the app logs, at its most talkative, to look for codes afterwards (SEC-5).
    const logStream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logLines.push(chunk.toString());
        done();
      },
    });
    ({ app } = await buildTestApp(database(), {
      now: NOW,
      logger: createLogger('trace', logStream),
      env: {
        ...nationalEnv(simulator, 500),
        SMTP_URL: sink.url,
        DATA_DIR: dataDir,
        PUBLIC_URL: 'https://vaccini.example.it',
      },
    }));
    await new EligibilityService(database().db, fixedClock(NOW), '03').loadShippedPlanVersions();
    point = (
      await database()
        .db.selectFrom('vaccination_points')
        .select('id')
        .orderBy('code')
        .executeTakeFirstOrThrow()
    ).id;
    people = (
      await sql<Person>`SELECT id::integer AS id, tax_code AS "taxCode", health_card_number AS card FROM persons
        WHERE birth_date BETWEEN '1960-01-01' AND '1990-12-31' AND status = 'active' AND tax_code IS NOT NULL
          AND health_card_number IS NOT NULL
        ORDER BY id LIMIT 6`.execute(database().db)
    ).rows;
    expect(people).toHaveLength(6);
    // The people's own contacts, which the certificate code must not go to (VAX-20: kept apart).
    await database()
      .db.updateTable('persons')
      .set({ email: 'own.address@example.org', phone: '3470000000' })
      .where(
        'id',
        'in',
        people.map((p) => p.id),
      )
      .execute();
  }, 180_000);

  afterAll(async () => {
    await app?.close();
    await national?.close();
    await nationalDb?.close();
    await sink?.close();
  });

  it('DCC-4 VAX-20 the code goes to the certificate contacts by e-mail and SMS once the national registry holds the dose', async () => {
    const who = person(0);
    await record(who, { mobile: '+39 333 1234567'.replace(/ /g, ''), email: 'cert.contact@example.it' });
    expect(await messagesOf(who)).toEqual([]);
    expect(await deliverNationally()).toMatchObject({ delivered: 1, failed: 0 });

    const written = await messagesOf(who);
    expect(written.map((m) => [m.channel, m.template, m.recipient])).toEqual([
      ['email', 'certificate_authcode', 'cert.contact@example.it'],
      ['sms', 'certificate_authcode', '+393331234567'],
    ]);
    expect(await codesOf(who)).toHaveLength(1);
    // A second run (a replayed acknowledgement, a duplicate receipt) writes nothing again.
    await deliverNationally();
    expect(await messagesOf(who)).toHaveLength(2);

    const sent = await sendMessages();
    expect(sent.sent).toBeGreaterThanOrEqual(2);
    const code = mailedCode('cert.contact@example.it');
    const mail = sink.received.filter((m) => m.to.includes('cert.contact@example.it')).at(-1);
    expect(mail?.subject).toBe('Certificato verde COVID-19: il codice per scaricarlo');
    expect(mail?.text).toContain('https://vaccini.example.it/portal/certificates/download');
    expect(mail?.text).toContain('ultime 8 cifre del numero della tessera sanitaria');
    const sms = await smsTo('+393331234567');
    expect(sms).toHaveLength(1);
    expect(sms[0]?.text).toContain(`${code.slice(0, 5)}-${code.slice(5)}`);
    expect(sink.received.some((m) => m.to.includes('own.address@example.org'))).toBe(false);

    // Delivered: the outbox forgets the code; the administrators' page shows it masked.
    const after = await messagesOf(who);
    expect(after.every((m) => m.status === 'sent' && !('secret' in m.params))).toBe(true);
    const shown = await app.inject({
      method: 'GET',
      url: `/messaging/messages/${after[0]?.id}`,
      headers: await as('region_admin'),
    });
    expect(shown.statusCode).toBe(200);
    expect(shown.body).not.toContain(code);
    expect(shown.json<{ rendered: { body: string } }>().rendered.body).toContain('*****-*****');
    // Only a hash is kept.
    const stored = JSON.stringify(
      (await sql`SELECT * FROM certificate_authcodes WHERE person_id = ${who.id}`.execute(database().db))
        .rows,
    );
    expect(stored).not.toContain(code);
  });

  it('DCC-4 no code is sent when the person gave no certificate contacts', async () => {
    const who = person(1);
    await record(who, { mobile: null, email: null });
    expect(await deliverNationally()).toMatchObject({ delivered: 1, failed: 0 });
    expect(await codesOf(who)).toEqual([]);
    expect(await messagesOf(who)).toEqual([]);
  });

  it('DCC-4 tax code + last 8 digits of the card + code give the certificate as a PDF with its QR code', async () => {
    const who = person(0);
    const code = codesSeen[0] ?? '';
    const response = await download({
      taxCode: who.taxCode.toLowerCase(),
      healthCardDigits: who.card.slice(-8),
      authCode: `${code.slice(0, 5).toLowerCase()}-${code.slice(5)}`,
    });
    expect(response.statusCode, response.body.slice(0, 300)).toBe(200);
    expect(response.headers['content-type']).toBe('application/pdf');
    expect(response.headers['content-disposition']).toMatch(
      /^attachment; filename="certificato-covid-2021-12-01/,
    );
    const pdf = response.rawPayload;
    const [certificate] = await nationalCertificates(who);
    expect(certificate).toBeDefined();
    expect(pdfText(pdf)).toContain(certificate?.uvci);
    expect(pdfQrText(pdf)).toBe(certificate?.hc1);
    const audit = await database()
      .db.selectFrom('audit_log')
      .select(['action', 'actor_kind', 'after'])
      .where('entity_type', '=', 'certificate_download')
      .where('action', '=', 'download')
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]?.actor_kind).toBe('anonymous');
  });

  it('DCC-4 SEC-3 wrong data get one answer whichever part is wrong, are audited, and lock the tax code after 5', async () => {
    const who = person(0);
    const code = codesSeen[0] ?? '';
    const right = { taxCode: who.taxCode, healthCardDigits: who.card.slice(-8), authCode: code };
    const wrongCode = code.startsWith('A') ? `B${code.slice(1)}` : `A${code.slice(1)}`;
    const attempts = [
      { ...right, authCode: wrongCode },
      { ...right, healthCardDigits: who.card.slice(-8) === '12345678' ? '87654321' : '12345678' },
      { ...right, taxCode: person(3).taxCode },
      { ...right, taxCode: 'RSSMRA85T10A562S' },
    ];
    const answers: Problem[] = [];
    for (const attempt of attempts) {
      const response = await download(attempt, '192.0.2.10');
      expect(response.statusCode).toBe(401);
      answers.push(response.json<Problem>());
    }
    const [first] = answers;
    expect(first?.code).toBe('CERTIFICATE_DOWNLOAD_REFUSED');
    for (const answer of answers)
      expect({ ...answer, instance: undefined, correlationId: undefined }).toEqual({
        ...first,
        instance: undefined,
        correlationId: undefined,
      });
    const refusals = await database()
      .db.selectFrom('audit_log')
      .select('after')
      .where('entity_type', '=', 'certificate_download')
      .where('action', '=', 'refuse')
      .execute();
    expect(refusals.length).toBeGreaterThanOrEqual(4);

    // The tax code has 2 failures (wrong code, wrong card): 3 more lock it, even for the right data.
    for (let i = 0; i < 3; i++)
      expect((await download(attempts[0] ?? right, '192.0.2.11')).statusCode).toBe(401);
    const locked = await download(right, '192.0.2.12');
    expect(locked.statusCode).toBe(429);
    expect(locked.json<Problem>().code).toBe('CERTIFICATE_DOWNLOAD_LOCKED');
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    await sql`DELETE FROM sign_in_throttle`.execute(database().db);
    expect((await download(right, '192.0.2.12')).statusCode).toBe(200);
  });

  it('DCC-4 a corrected dose number reissues the certificate: a new code, the old one refused; a lot corrected keeps the code', async () => {
    const who = person(0);
    const oldCode = codesSeen[0] ?? '';
    const [administration] = await codesOf(who);
    const id = administration?.administration_id ?? 0;

    const lot = await app.inject({
      method: 'PATCH',
      url: `/administrations/${id}`,
      headers: await as('vaccinator'),
      payload: { lot: 'FK9999' },
    });
    expect(lot.statusCode, lot.body).toBe(200);
    await deliverNationally();
    expect(await codesOf(who)).toHaveLength(1);

    const forced = await app.inject({
      method: 'PUT',
      url: `/administrations/${id}/dose-number`,
      headers: await as('vaccinator'),
      payload: { doseNumber: 2 },
    });
    expect(forced.statusCode, forced.body).toBe(200);
    await deliverNationally();
    const codes = await codesOf(who);
    expect(codes.map((c) => [c.superseded, c.reissue])).toEqual([
      [true, false],
      [false, true],
    ]);
    expect((await messagesOf(who)).filter((m) => m.template === 'certificate_reissued')).toHaveLength(2);
    await sendMessages();
    const newCode = mailedCode('cert.contact@example.it');
    expect(newCode).not.toBe(oldCode);
    const mail = sink.received.at(-1);
    expect(mail?.subject).toContain('aggiornato');

    const body = { taxCode: who.taxCode, healthCardDigits: who.card.slice(-8) };
    const old = await download({ ...body, authCode: oldCode }, '192.0.2.20');
    expect(old.statusCode).toBe(410);
    expect(old.json<Problem>().code).toBe('CERTIFICATE_AUTHCODE_EXPIRED');
    const fresh = await download({ ...body, authCode: newCode }, '192.0.2.20');
    expect(fresh.statusCode, fresh.body.slice(0, 300)).toBe(200);
    const current = (await nationalCertificates(who)).filter((c) => !c.revoked).at(-1);
    expect(pdfQrText(fresh.rawPayload)).toBe(current?.hc1);
    expect(pdfText(fresh.rawPayload)).toContain('2/2');
  });

  it('DCC-4 an expired code is refused and says what to do instead', async () => {
    const who = person(2);
    await record(who, { mobile: null, email: 'third.person@example.it' });
    await deliverNationally();
    await sendMessages();
    const code = mailedCode('third.person@example.it');
    await sql`UPDATE certificate_authcodes SET expires_at = clock_timestamp() - interval '1 minute'
      WHERE person_id = ${who.id}`.execute(database().db);
    const response = await download(
      { taxCode: who.taxCode, healthCardDigits: who.card.slice(-8), authCode: code },
      '192.0.2.30',
    );
    expect(response.statusCode).toBe(410);
    expect(response.json<Problem>().detail).toContain('I miei certificati');
  });

  it('DCC-4 while the certificate platform is down the download says to try again later', async () => {
    const who = person(4);
    await record(who, { mobile: null, email: 'fifth.person@example.it' });
    await deliverNationally();
    await sendMessages();
    const code = mailedCode('fifth.person@example.it');
    await setFaults('down');
    try {
      const response = await download(
        { taxCode: who.taxCode, healthCardDigits: who.card.slice(-8), authCode: code },
        '192.0.2.40',
      );
      expect(response.statusCode).toBe(503);
      expect(response.json<Problem>().code).toBe('CERTIFICATE_PLATFORM_UNREACHABLE');
      expect(response.headers['retry-after']).toBe('30');
    } finally {
      await setFaults('none');
    }
  });

  const visibleText = (page: string): string =>
    page
      .replace(/<[^>]+>/g, ' ')
      .replace(/\s+/g, ' ')
      .replaceAll('&#39;', "'")
      .replaceAll('&quot;', '"')
      .replaceAll('&amp;', '&');

  it('DCC-4 UX-1 the portal download page: no sign-in, the PDF for the right data, one refusal for wrong data', async () => {
    const who = person(3);
    await record(who, { mobile: null, email: 'fourth.person@example.it' });
    await deliverNationally();
    await sendMessages();
    const code = mailedCode('fourth.person@example.it');
    const browser = new FormBrowser(app);
    const form = await browser.get('/portal/certificates/download');
    expect(form.statusCode).toBe(200);
    for (const field of ['taxCode', 'healthCardDigits', 'authCode'])
      expect(form.body).toContain(`name="${field}"`);
    expect(visibleText(form.body)).toContain('Ultime 8 cifre della tessera sanitaria');

    const wrongCard = await browser.post('/portal/certificates/download', {
      taxCode: who.taxCode,
      healthCardDigits: who.card.slice(-8) === '11111111' ? '22222222' : '11111111',
      authCode: code,
    });
    const wrongCode = await browser.post('/portal/certificates/download', {
      taxCode: who.taxCode,
      healthCardDigits: who.card.slice(-8),
      authCode: code.startsWith('Z') ? `Y${code.slice(1)}` : `Z${code.slice(1)}`,
    });
    for (const refused of [wrongCard, wrongCode]) {
      expect(refused.statusCode).toBe(401);
      expect(refused.headers['content-type']).toContain('text/html');
      expect(visibleText(refused.body)).toContain('non corrispondono a un certificato');
      // The code typed is never written back into the page.
      expect(refused.body).not.toContain(code.slice(1));
    }
    const summary = (page: string) =>
      /<div\s+class="alert alert-danger error-summary"[\s\S]*?<\/div>/.exec(page)?.[0];
    expect(summary(wrongCard.body)).toBe(summary(wrongCode.body));

    const missing = await browser.post('/portal/certificates/download', { taxCode: who.taxCode });
    expect(missing.statusCode).toBe(400);
    expect(visibleText(missing.body)).toContain('Ultime 8 cifre della tessera sanitaria');

    const pdf = await browser.post('/portal/certificates/download', {
      taxCode: who.taxCode,
      healthCardDigits: who.card.slice(-8),
      authCode: code,
    });
    expect(pdf.statusCode, pdf.body.slice(0, 300)).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    const [certificate] = await nationalCertificates(who);
    expect(pdfQrText(pdf.rawPayload)).toBe(certificate?.hc1);

    await setFaults('down');
    try {
      const down = await browser.post('/portal/certificates/download', {
        taxCode: who.taxCode,
        healthCardDigits: who.card.slice(-8),
        authCode: code,
      });
      expect(down.statusCode).toBe(503);
      expect(down.headers['retry-after']).toBe('30');
      expect(visibleText(down.body)).toContain('riprovi tra poco');
    } finally {
      await setFaults('none');
    }
  });

  it('DCC-1 DCC-4 the signed-in citizen sees their certificates with QR codes and the codes sent, and downloads the PDF', async () => {
    const who = person(3);
    const browser = new FormBrowser(app);
    const start = await browser.follow(
      await browser.post('/portal/sign-in', { taxCode: who.taxCode, healthCardNumber: who.card }),
    );
    expect(start.body).toContain('href="/portal/certificates"');
    const page = await browser.get('/portal/certificates');
    expect(page.statusCode).toBe(200);
    const text = visibleText(page.body);
    expect(text).toContain('I miei certificati');
    expect(text).toContain('dose 1 di 2');
    expect(page.body).toMatch(
      /<img[^>]+src="data:image\/svg\+xml;base64,[^"]+"[^>]+alt="Codice QR del certificato/,
    );
    const [certificate] = await nationalCertificates(who);
    expect(text).toContain(certificate?.uvci);
    // The code's last characters are shown to the person, never the code.
    const code = codesSeen.at(-1) ?? '';
    expect(text).toContain(`termina con ${code.slice(-3)}`);
    expect(page.body).not.toContain(code);
    const link = /href="(\/portal\/certificates\/pdf\?uvci=[^"]+)"/.exec(page.body)?.[1];
    expect(link).toBeDefined();
    const pdf = await browser.get((link ?? '').replaceAll('&amp;', '&'));
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdfText(pdf.rawPayload)).toContain(certificate?.uvci);
    // Another person's certificate is not theirs to download.
    const [other] = await nationalCertificates(person(0));
    const refused = await browser.get(
      `/portal/certificates/pdf?uvci=${encodeURIComponent(other?.uvci ?? '')}`,
    );
    expect(refused.statusCode).toBe(404);
  });

  it('DCC-3 the verify page checks a pasted HC1: text or a PNG of its QR code by the Italian rules', async () => {
    const [certificate] = await nationalCertificates(person(3));
    const hc1 = certificate?.hc1 ?? '';
    const api = await app.inject({ method: 'POST', url: '/passes/verification', payload: { hc1 } });
    const expected = {
      valid: 'Certificato valido',
      not_yet_valid: 'Certificato non ancora valido',
      expired: 'Certificato scaduto',
      invalid: 'Certificato non valido',
    }[api.json<{ status: 'valid' | 'not_yet_valid' | 'expired' | 'invalid' }>().status];
    const browser = new FormBrowser(app);
    expect((await browser.get('/portal/verify')).statusCode).toBe(200);
    const pasted = await browser.post('/portal/verify', { hc1 });
    expect(pasted.statusCode).toBe(200);
    expect(visibleText(pasted.body)).toContain(expected);
    expect(visibleText(pasted.body)).toMatch(/Intestatario: .+, nato il \d{4}-\d{2}-\d{2}/);

    const garbage = await browser.post('/portal/verify', { hc1: 'HC1:NOT-A-PASS' });
    expect(garbage.statusCode).toBe(200);
    expect(visibleText(garbage.body)).toContain('Certificato non valido');
    expect(visibleText(garbage.body)).toContain('non è un certificato leggibile');
    const empty = await browser.post('/portal/verify', { hc1: ' ' });
    expect(empty.statusCode).toBe(400);

    const upload = (body: Buffer, type = 'image/png') => {
      const boundary = '----vaxhub-test-boundary';
      return app.inject({
        method: 'POST',
        url: '/portal/verify/image',
        headers: { accept: HTML, 'content-type': `multipart/form-data; boundary=${boundary}` },
        payload: Buffer.concat([
          Buffer.from(
            `--${boundary}\r\nContent-Disposition: form-data; name="image"; filename="qr.png"\r\nContent-Type: ${type}\r\n\r\n`,
          ),
          body,
          Buffer.from(`\r\n--${boundary}--\r\n`),
        ]),
      });
    };
    const fromPicture = await upload(await qrPng(hc1));
    expect(fromPicture.statusCode, fromPicture.body.slice(0, 500)).toBe(200);
    expect(visibleText(fromPicture.body)).toContain(expected);
    const unreadable = await upload(Buffer.from('not a png'));
    expect(unreadable.statusCode).toBe(422);
    expect(visibleText(unreadable.body)).toContain('non si legge un codice QR');
    const tooLarge = await upload(Buffer.alloc(2 * 1024 * 1024 + 10, 1));
    expect(tooLarge.statusCode).toBe(413);
    // Not multipart at all: the same refusal as an empty form, as problem+json for API clients.
    const plain = await app.inject({ method: 'POST', url: '/portal/verify/image', payload: { image: 'x' } });
    expect(plain.statusCode).toBe(400);
    expect(plain.json<Problem>().code).toBe('PASS_IMAGE_MISSING');
  });

  it('DCC-4 SEC-5 no code reaches the log', () => {
    expect(codesSeen.length).toBeGreaterThanOrEqual(3);
    expect(logLines.length).toBeGreaterThan(0);
    const log = logLines.join('');
    for (const code of codesSeen) {
      expect(log).not.toContain(code);
      expect(log).not.toContain(`${code.slice(0, 5)}-${code.slice(5)}`);
    }
  });
});
