import { afterAll, beforeAll, expect, it } from 'vitest';
import { sql } from 'kysely';
import { describeEachDatabase } from '../../../test/databases.ts';
import { nationalEnv, seedRegionOfNation, startNationalSimulator } from '../../../test/national-fixture.ts';
import { buildTestApp, signInStaff, TEST_PASSWORD } from '../../../test/app.ts';
import { FormBrowser } from '../../../test/form-browser.ts';
import { openHubDays } from '../../../test/registry-fixtures.ts';
import { EligibilityService } from '../eligibility/service.ts';
import { BookingService } from '../booking/service.ts';
import { importSurveillance } from '../vaccination/surveillance.ts';
import { AuthService } from '../../platform/auth/service.ts';
import { systemContext } from '../../platform/audit/audit.ts';
import { fixedClock } from '../../platform/clock.ts';
import { ageOn } from '../../platform/calendar.ts';
import type { App } from '../../platform/http/types.ts';
import type { StaffRole } from '../../platform/auth/roles.ts';
import type { NationalDatabase } from '../../national/db.ts';

/** 10:00 in Rome on the day of the bookings: the hub opened at 09:00. */
const NOW = '2021-06-15T08:00:00Z';
const DAY = '2021-06-15';
const PEOPLE = 400;
const SEED = 4713;
const BASE = '/console/vaccination-point';

const unescape = (value: string): string =>
  value
    .replaceAll('&gt;', '>')
    .replaceAll('&lt;', '<')
    .replaceAll('&#39;', "'")
    .replaceAll('&quot;', '"')
    .replaceAll('&amp;', '&');

/** The value of a form control in the page, by its name. */
function valueOf(page: string, name: string): string {
  const control = new RegExp(`<(input|textarea)[^>]*name="${name}"[^>]*>`).exec(page)?.[0];
  const value = control === undefined ? undefined : /value="([^"]*)"/.exec(control)?.[1];
  if (value === undefined) throw new Error(`no control ${name} in the page`);
  return unescape(value);
}

/** The option selected in a select, by its name. */
const selected = (page: string, name: string): string | undefined => {
  const select = new RegExp(`<select[^>]*name="${name}"[\\s\\S]*?</select>`).exec(page)?.[0] ?? '';
  const value = /<option value="([^"]*)"\s+selected/.exec(select)?.[1];
  return value === undefined ? undefined : unescape(value);
};

const visibleText = (page: string): string =>
  page
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .replaceAll('&#39;', "'")
    .replaceAll('&quot;', '"')
    .replaceAll('&amp;', '&');

/** UX-2: the page's main field or action, focused on load: exactly one, besides an error summary. */
const autofocused = (page: string): string[] =>
  [...page.matchAll(/<(input|a|button|textarea|select|div)\b[^>]*\sautofocus[\s>/][^>]*/g)].map((m) => m[0]);

describeEachDatabase('Vaccination-point console', (database) => {
  let national: App;
  let nationalDb: NationalDatabase;
  let app: App;
  let usernames: Record<StaffRole, string>;
  let point: number;
  let otherPoint: number;
  /** Born 1942-1946, booked for DAY at the point. */
  let booked: { id: number; code: string; surname: string; taxCode: string }[];
  let outOfRegion: string;

  const signIn = async (username: string): Promise<FormBrowser> => {
    const browser = new FormBrowser(app);
    const home = await browser.follow(
      await browser.post('/console/sign-in', { username, password: TEST_PASSWORD }),
    );
    expect(home.statusCode).toBe(200);
    return browser;
  };

  /** The record form's fields as the page proposes them, with what an operator types. */
  const recordFields = (page: string, typed: Record<string, string>): Record<string, string> => {
    const fields: Record<string, string> = {};
    for (const name of [
      '_csrf',
      'consentMode',
      'bookingCode',
      'point',
      'lot',
      'lotExpiry',
      'volumeMl',
      'administeredOn',
      'administeredTime',
      'healthCondition',
      'mobile',
      'email',
      'formVersion',
      'signerName',
    ]) {
      try {
        fields[name] = valueOf(page, name);
      } catch {
        // Not on this form (the consent part of a later dose, a single point).
      }
    }
    for (const name of [
      'productCode',
      'site',
      'route',
      'riskCategory',
      'paymentMode',
      'signerCapacity',
      'protection',
    ]) {
      const value = selected(page, name);
      if (value !== undefined) fields[name] = value;
    }
    return { ...fields, ...typed };
  };

  beforeAll(async () => {
    const nation = { regionPeople: PEOPLE, regionSeed: SEED, otherRegionPeople: 4, aire: 2, foreigners: 2 };
    const simulator = await startNationalSimulator(NOW, nation);
    ({ app: national, db: nationalDb } = simulator);
    usernames = await seedRegionOfNation(database(), nation);
    ({ app } = await buildTestApp(database(), {
      now: NOW,
      env: nationalEnv(simulator, 2000),
    }));
    const db = database().db;
    const points = await db.selectFrom('vaccination_points').select('id').orderBy('code').execute();
    point = points[0]?.id ?? 0;
    otherPoint = points[1]?.id ?? 0;
    // A vaccinator of another point (SEC-2).
    const auth = new AuthService(db, fixedClock('2021-06-01T00:00:00Z'), {
      staffSessionMinutes: 60,
      citizenSessionMinutes: 30,
    });
    const exists = await db
      .selectFrom('staff_accounts')
      .select('id')
      .where('username', '=', 'test.vaccinator-other')
      .executeTakeFirst();
    if (!exists) {
      await auth.createStaffAccount(
        {
          username: 'test.vaccinator-other',
          displayName: 'Other point',
          role: 'vaccinator',
          password: TEST_PASSWORD,
          vaccinationPointIds: [otherPoint],
          healthAuthorityCodes: [],
        },
        systemContext('test', new Date('2021-06-01T00:00:00Z')),
      );
    }
    // The day before, the call center booked three elderly people for DAY at the point.
    const dayBefore = fixedClock('2021-06-14T08:00:00Z');
    const eligibility = new EligibilityService(db, dayBefore, '03');
    await eligibility.loadShippedPlanVersions();
    const booking = new BookingService(db, dayBefore, eligibility);
    const setup = systemContext('test', dayBefore.now());
    await openHubDays(booking, point, [DAY, '2021-07-06'], setup);
    const elderly = (
      await sql<{ id: number; surname: string; tax_code: string }>`SELECT id, surname, tax_code FROM persons
        WHERE birth_date BETWEEN '1942-01-01' AND '1946-12-31' AND status = 'active' AND tax_code IS NOT NULL
        ORDER BY id LIMIT 3`.execute(db)
    ).rows;
    const slot = await db
      .selectFrom('slots')
      .select('id')
      .where('vaccination_point_id', '=', point)
      .where('day', '=', DAY)
      .orderBy('starts_at')
      .executeTakeFirstOrThrow();
    booked = [];
    for (const person of elderly) {
      const { confirmation } = await booking.book(
        { personId: Number(person.id), slotId: slot.id, idempotencyKey: undefined, channel: 'call_center' },
        setup,
      );
      booked.push({
        id: Number(person.id),
        code: confirmation.booking.code,
        surname: person.surname,
        taxCode: person.tax_code,
      });
    }
    expect(booked).toHaveLength(3);
    const foreign = await nationalDb.db
      .selectFrom('persons')
      .select('identifier')
      .where('status', '=', 'OUT_OF_REGION')
      .where('identifier_type', '=', 'CF')
      .where('mobile', 'is', null)
      .where('email', 'is', null)
      .orderBy('identifier')
      .executeTakeFirst();
    outOfRegion =
      foreign?.identifier ??
      (
        await nationalDb.db
          .selectFrom('persons')
          .select('identifier')
          .where('status', '=', 'OUT_OF_REGION')
          .where('identifier_type', '=', 'CF')
          .orderBy('identifier')
          .executeTakeFirstOrThrow()
      ).identifier;
  }, 120_000);

  afterAll(async () => {
    await app.close();
    await national.close();
    await nationalDb.close();
  });

  const person = (index: number) => {
    const found = booked[index];
    if (found === undefined) throw new Error(`no booked person ${index}`);
    return found;
  };

  it('VAX-1 UX-2 a vaccinator sees today’s bookings, checks a person in by code and records the dose with the contacts tick; the certificate is announced', async () => {
    const browser = await signIn(usernames.vaccinator);
    const home = await browser.get('/console');
    expect(home.body).toContain(`href="${BASE}"`);

    const today = await browser.get(BASE);
    expect(today.statusCode).toBe(200);
    const text = visibleText(today.body);
    expect(text).toContain('Prenotazioni di oggi');
    for (const { code, surname } of booked) {
      expect(today.body).toContain(code);
      expect(text).toContain(surname);
    }
    expect(text).toContain('da vaccinare: 3');
    expect(autofocused(today.body)).toEqual([expect.stringContaining('name="code"')]);

    // Check-in by the booking code: the record form of the person, the booking's vaccine chosen.
    const checkIn = await browser.get(`${BASE}?code=${person(0).code.toLowerCase()}`);
    expect(checkIn.statusCode).toBe(303);
    const form = await browser.get(String(checkIn.headers.location));
    expect(form.statusCode).toBe(200);
    expect(valueOf(form.body, 'bookingCode')).toBe(person(0).code);
    expect(selected(form.body, 'productCode')).toBe('COMIRNATY-30');
    expect(valueOf(form.body, 'volumeMl')).toBe('0.3');
    expect(visibleText(form.body)).toContain('dose 1 del ciclo primario');
    expect(autofocused(form.body)).toEqual([expect.stringContaining('name="lot"')]);

    const recorded = await browser.post(
      `${BASE}/persons/${String(person(0).id)}/record`,
      recordFields(form.body, {
        lot: 'fk1234',
        lotExpiry: '2021-09-30',
        site: 'left_deltoid',
        mobile: '+393331234567',
        email: 'mario.rossi@example.org',
        confirmed: 'yes',
        informationNoteRead: 'yes',
      }),
    );
    const done = await browser.follow(recorded);
    expect(done.statusCode).toBe(200);
    const doneText = visibleText(done.body);
    expect(doneText).toContain('Vaccinazione registrata');
    expect(doneText).toContain('AUTHCODE');
    expect(doneText).toContain('+393331234567, mario.rossi@example.org');
    expect(doneText).toContain('FK1234');
    expect(autofocused(done.body)).toEqual([expect.stringContaining(`href="${BASE}"`)]);

    const stored = await database()
      .db.selectFrom('administrations')
      .select(['booking_id', 'dose_number', 'vaccination_point_id', 'lot'])
      .where('person_id', '=', person(0).id)
      .execute();
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ dose_number: 1, vaccination_point_id: point, lot: 'FK1234' });
    expect(stored[0]?.booking_id).toBeGreaterThan(0);

    // Next person: the list shows the first one vaccinated.
    const after = visibleText((await browser.get(BASE)).body);
    expect(after).toContain('da vaccinare: 2');
    expect(after).toContain('Vaccinato');
  });

  it('VAX-22 VAX-21 UX-2 without the contacts tick nothing is saved: every mistake on its field at once, the form kept', async () => {
    const browser = await signIn(usernames.vaccinator);
    const form = await browser.get(
      `${BASE}/persons/${String(person(1).id)}/record?bookingCode=${person(1).code}`,
    );
    const refused = await browser.post(
      `${BASE}/persons/${String(person(1).id)}/record`,
      recordFields(form.body, {
        lot: '',
        lotExpiry: '2021-09-30',
        mobile: '333 12',
        informationNoteRead: 'yes',
      }),
    );
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('href="#lot"');
    expect(refused.body).toContain('aria-invalid="true"');
    expect(valueOf(refused.body, 'lotExpiry')).toBe('2021-09-30');

    const unticked = await browser.post(
      `${BASE}/persons/${String(person(1).id)}/record`,
      recordFields(form.body, { lot: 'FK1', lotExpiry: '2021-09-30', informationNoteRead: 'yes' }),
    );
    expect(unticked.statusCode).toBe(400);
    expect(unticked.body).toContain('href="#confirmed-0"');
    expect(unticked.body).toContain('id="confirmed-error"');

    const badMobile = await browser.post(
      `${BASE}/persons/${String(person(1).id)}/record`,
      recordFields(form.body, {
        lot: 'FK1',
        lotExpiry: '2021-09-30',
        mobile: '333 1234567',
        confirmed: 'yes',
        informationNoteRead: 'yes',
      }),
    );
    expect(badMobile.body).toContain('id="mobile-error"');
    const none = await database()
      .db.selectFrom('administrations')
      .select('id')
      .where('person_id', '=', person(1).id)
      .execute();
    expect(none).toEqual([]);
  });

  it('VAX-20 CONS-4 the next record proposes the contacts given at the previous COVID dose; a later dose of the cycle asks whether health changed', async () => {
    const browser = await signIn(usernames.vaccinator);
    const form = await browser.get(`${BASE}/persons/${String(person(0).id)}/record`);
    expect(form.statusCode).toBe(200);
    expect(valueOf(form.body, 'mobile')).toBe('+393331234567');
    expect(valueOf(form.body, 'email')).toBe('mario.rossi@example.org');
    expect(valueOf(form.body, 'consentMode')).toBe('cycle');
    expect(form.body).toContain('name="healthChanged"');
    expect(form.body).not.toContain('name="informationNoteRead"');
    expect(visibleText(form.body)).toContain('dose 2 del ciclo primario');

    const api = await app.inject({
      method: 'GET',
      url: `/persons/${String(person(0).id)}/certificate-contacts`,
      headers: await signInStaff(app, usernames.vaccinator),
    });
    expect(api.json()).toEqual({
      previous: {
        mobile: '+393331234567',
        email: 'mario.rossi@example.org',
        noneGiven: false,
        administeredOn: DAY,
      },
    });
  });

  it('VAX-12 UX-1 UX-2 an adult dose for a child is told in plain words above the override box, the rule in small print; the API says it in the request’s language and keeps the codes', async () => {
    const child = (
      await sql<{ id: number; birth_date: string }>`SELECT id, birth_date::text AS birth_date FROM persons
        WHERE birth_date BETWEEN '2010-01-01' AND '2015-06-15' AND status = 'active' ORDER BY id LIMIT 1`.execute(
        database().db,
      )
    ).rows[0];
    if (child === undefined) throw new Error('no child of 5-11 in the population');
    const childId = Number(child.id);
    const age = ageOn(child.birth_date, DAY);
    const browser = await signIn(usernames.vaccinator);
    const url = `${BASE}/persons/${String(childId)}/record`;
    const form = await browser.get(url);
    expect(form.body).not.toContain('name="override"');
    const typed = {
      productCode: 'COMIRNATY-30',
      volumeMl: '0.3',
      lot: 'FK7777',
      lotExpiry: '2021-09-30',
      riskCategory: 'Altro',
      confirmed: 'yes',
      informationNoteRead: 'yes',
      signerCapacity: 'parental_responsibility',
      signerName: 'Anna Bianchi',
    };
    const flagged = await browser.post(url, recordFields(form.body, typed));
    expect(flagged.statusCode).toBe(409);
    expect(flagged.body).toContain('href="#override-0"');
    const findings =
      /<div class="field-error" id="override-findings">[\s\S]*?<\/div>/.exec(flagged.body)?.[0] ?? '';
    expect(visibleText(findings)).toContain(
      `La persona aveva ${String(age)} anni alla prima dose del ciclo: da 5 a 11 anni la dose è Comirnaty 10 mcg/dose (pediatric, 5-11 years), 0,2 ml.`,
    );
    expect(findings).toContain('<small>(VAX-12)</small>');
    const box = /<input[^>]*id="override-0"[^>]*>/.exec(flagged.body)?.[0] ?? '';
    expect(box).toContain('aria-describedby="override-findings"');
    expect(flagged.body.indexOf('id="override-findings"')).toBeLessThan(
      flagged.body.indexOf('id="override-0"'),
    );
    expect(visibleText(flagged.body)).not.toContain('PEDIATRIC_NON_CONFORMING');
    const none = await database()
      .db.selectFrom('administrations')
      .select('id')
      .where('person_id', '=', childId)
      .execute();
    expect(none).toEqual([]);

    // A client that does not read HTML gets the platform's problem, in the language it asks for.
    const api = await app.inject({
      method: 'POST',
      url,
      headers: {
        accept: 'application/json',
        'accept-language': 'en',
        'content-type': 'application/x-www-form-urlencoded',
      },
      cookies: Object.fromEntries(browser.cookies),
      payload: new URLSearchParams(recordFields(flagged.body, typed)).toString(),
    });
    expect(api.statusCode).toBe(409);
    const problem = api.json<{ detail: string }>();
    expect(problem).toMatchObject({
      code: 'DOSE_NON_CONFORMING',
      findings: [
        {
          rule: 'VAX-12',
          code: 'PEDIATRIC_NON_CONFORMING',
          severity: 'non_conforming',
          params: { age, product: 'COMIRNATY-30' },
        },
      ],
    });
    expect(problem.detail).toContain(`The person was ${String(age)} at the first dose of the cycle`);
    expect(problem.detail).not.toContain('PEDIATRIC_NON_CONFORMING');

    const confirmed = await browser.post(url, recordFields(flagged.body, { ...typed, override: 'yes' }));
    expect(visibleText((await browser.follow(confirmed)).body)).toContain('Vaccinazione registrata');
  });

  it('REG-5 UX-2 search: the point’s authority first, then the region; by identifier the national registry, and an out-of-region person is imported with the reminder to record a mobile or an e-mail', async () => {
    const browser = await signIn(usernames.vaccinator);
    const empty = await browser.get(`${BASE}/search`);
    expect(autofocused(empty.body)).toEqual([expect.stringContaining('name="identifier"')]);

    const none = await browser.get(`${BASE}/search?tier=local`);
    expect(none.statusCode).toBe(400);
    expect(none.body).toContain('href="#surname"');

    const byCode = await browser.get(`${BASE}/search?tier=local&identifier=${person(0).taxCode}`);
    expect(byCode.statusCode).toBe(200);
    expect(byCode.body).toContain(`href="${BASE}/persons/${String(person(0).id)}"`);
    expect(autofocused(byCode.body)).toEqual([
      expect.stringContaining(`href="${BASE}/persons/${String(person(0).id)}"`),
    ]);

    const local = await browser.get(
      `${BASE}/search?tier=local&surname=${encodeURIComponent(person(0).surname)}`,
    );
    expect(local.statusCode).toBe(200);
    expect(visibleText(local.body)).toContain('Anagrafe dell’ASL');
    expect(local.body).toContain('tier=regional');
    const regional = await browser.get(
      `${BASE}/search?tier=regional&surname=${encodeURIComponent(person(0).surname)}`,
    );
    expect(visibleText(regional.body)).toContain('Anagrafe regionale');
    expect(regional.body).toContain(`href="${BASE}/persons/${String(person(0).id)}"`);

    const missing = await browser.get(`${BASE}/search?tier=local&identifier=${outOfRegion}`);
    expect(visibleText(missing.body)).toContain('Nessuna persona trovata');
    expect(missing.body).toContain('tier=national');
    const found = await browser.get(`${BASE}/search?tier=national&identifier=${outOfRegion}`);
    expect(found.statusCode).toBe(200);
    expect(found.body).toContain(`action="${BASE}/import"`);
    const imported = await browser.follow(
      await browser.post(`${BASE}/import`, { _csrf: valueOf(found.body, '_csrf'), identifier: outOfRegion }),
    );
    expect(imported.statusCode).toBe(200);
    const text = visibleText(imported.body);
    expect(text).toContain('Persona importata dall’anagrafe nazionale');
    expect(text).toContain('Importata dall’anagrafe nazionale');
    const stored = await database()
      .db.selectFrom('persons')
      .select(['provenance', 'phone', 'email'])
      .where('tax_code', '=', outOfRegion)
      .executeTakeFirstOrThrow();
    expect(stored.provenance).toBe('national_import');
    if (stored.phone === null && stored.email === null)
      expect(text).toContain('Registrare almeno un cellulare o un indirizzo e-mail');

    const unknown = await browser.get(`${BASE}/search?tier=national&identifier=RSSMRA80A01H501U`);
    expect(unknown.statusCode).toBe(404);
    expect(unknown.body).toContain('id="identifier-error"');
  });

  it('VAX-5 VAX-15 the person’s page: identity, the doses given here, the national comparison with its differences named, infections, consents and reports', async () => {
    const browser = await signIn(usernames.vaccinator);
    const page = await browser.get(`${BASE}/persons/${String(person(0).id)}`);
    expect(page.statusCode).toBe(200);
    const text = visibleText(page.body);
    expect(text).toContain(person(0).taxCode);
    expect(text).toContain('Comirnaty');
    expect(text).toContain('1 (ciclo primario)');
    expect(text).toContain('Nessuna infezione registrata.');
    expect(text).toContain('Consenso – ');
    expect(text).toContain('Nessuna segnalazione.');
    expect(autofocused(page.body)).toEqual([
      expect.stringContaining(`/persons/${String(person(0).id)}/record`),
    ]);

    // Check all regions: the dose recorded here is not yet delivered, so the nation does not show it.
    const compared = await browser.get(`${BASE}/persons/${String(person(0).id)}?compare=1`);
    expect(compared.statusCode).toBe(200);
    const comparedText = visibleText(compared.body);
    expect(comparedText).toContain('Solo nell’anagrafe');
    expect(comparedText).toContain('in invio');
  });

  it('VAX-7 VAX-8a the dose-number screen shows assigned, current and national numbers; forcing needs a reason, is audited, and a second forcing warns', async () => {
    const browser = await signIn(usernames.vaccinator);
    const administration = await database()
      .db.selectFrom('administrations')
      .select('id')
      .where('person_id', '=', person(0).id)
      .executeTakeFirstOrThrow();
    const url = `${BASE}/persons/${String(person(0).id)}/administrations/${String(administration.id)}/dose-number`;
    const screen = await browser.get(url);
    expect(screen.statusCode).toBe(200);
    const text = visibleText(screen.body);
    expect(text).toContain('Numero assegnato dal sistema 1');
    expect(text).toContain('Numero attuale 1');
    expect(text).toContain('Situazione nazionale');
    expect(text).not.toContain('già stato forzato');
    expect(autofocused(screen.body)).toEqual([expect.stringContaining('name="doseNumber"')]);

    const noReason = await browser.post(url, {
      _csrf: valueOf(screen.body, '_csrf'),
      doseNumber: '2',
      reason: '',
    });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.body).toContain('href="#reason"');

    const forced = await browser.follow(
      await browser.post(url, {
        _csrf: valueOf(screen.body, '_csrf'),
        doseNumber: '2',
        reason: 'Prima dose fatta all’estero',
      }),
    );
    expect(visibleText(forced.body)).toContain('Numero di dose forzato.');
    expect(visibleText(forced.body)).toContain('Numero attuale 2');
    expect(visibleText(forced.body)).toContain('già stato forzato');
    const audit = await database()
      .db.selectFrom('audit_log')
      .select(['after'])
      .where('entity_type', '=', 'administration')
      .where('entity_id', '=', String(administration.id))
      .where('action', '=', 'force_dose_number')
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(audit.after)).toContain('Prima dose fatta all’estero');

    const again = await browser.follow(
      await browser.post(url, {
        _csrf: valueOf(screen.body, '_csrf'),
        doseNumber: '1',
        reason: 'Correzione',
      }),
    );
    expect(visibleText(again.body)).toContain('era già stato forzato in precedenza');
  });

  it('VAX-16 VAX-15 an infection from another region is entered; dates out of order are refused on their field', async () => {
    const browser = await signIn(usernames.vaccinator);
    const url = `${BASE}/persons/${String(person(2).id)}/infections`;
    const form = await browser.get(url);
    expect(autofocused(form.body)).toEqual([expect.stringContaining('name="sampledOn"')]);
    const csrf = valueOf(form.body, '_csrf');
    const refused = await browser.post(url, {
      _csrf: csrf,
      testType: 'molecular',
      sampledOn: '2021-03-10',
      resultOn: '2021-03-08',
      recoveredOn: '',
      abroad: 'no',
      regionCode: '16',
      countryCode: '',
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('id="resultOn-error"');
    const entered = await browser.follow(
      await browser.post(url, {
        _csrf: csrf,
        testType: 'molecular',
        sampledOn: '2021-03-10',
        resultOn: '2021-03-11',
        recoveredOn: '2021-03-25',
        abroad: 'no',
        regionCode: '16',
        countryCode: '',
      }),
    );
    const text = visibleText(entered.body);
    expect(text).toContain('Infezione inserita.');
    expect(text).toContain('Infetto almeno dal 10/03/2021');
    expect(text).toContain('guarito il 25/03/2021');
  });

  /** VAX-16: enters an infection through the form; its id from the page's "correct" links, the newest. */
  const enterInfection = async (
    browser: FormBrowser,
    personId: number,
    entry: {
      sampledOn: string;
      resultOn: string;
      recoveredOn?: string;
      testType?: string;
      countryCode?: string;
    },
  ): Promise<number> => {
    const url = `${BASE}/persons/${String(personId)}/infections`;
    const form = await browser.get(url);
    const page = await browser.follow(
      await browser.post(url, {
        _csrf: valueOf(form.body, '_csrf'),
        testType: entry.testType ?? 'molecular',
        sampledOn: entry.sampledOn,
        resultOn: entry.resultOn,
        recoveredOn: entry.recoveredOn ?? '',
        // A test abroad names its country; one in Italy its region (16, Apulia).
        abroad: entry.countryCode === undefined ? 'no' : 'yes',
        regionCode: entry.countryCode === undefined ? '16' : '',
        countryCode: entry.countryCode ?? '',
      }),
    );
    const ids = [...page.body.matchAll(new RegExp(`href="${url}/([0-9]+)"`, 'g'))].map((m) => Number(m[1]));
    expect(ids.length).toBeGreaterThan(0);
    return Math.max(...ids);
  };

  it('VAX-14 VAX-16 UX-2 an infection an operator entered is corrected on a form with its current values: the page shows the new dates, the change is audited before → after', async () => {
    const browser = await signIn(usernames.vaccinator);
    const personId = person(1).id;
    const id = await enterInfection(browser, personId, {
      sampledOn: '2021-04-02',
      resultOn: '2021-04-03',
      recoveredOn: '2021-04-20',
      countryCode: 'FR',
    });
    const url = `${BASE}/persons/${String(personId)}/infections/${String(id)}`;
    const form = await browser.get(url);
    expect(form.statusCode).toBe(200);
    expect(valueOf(form.body, 'sampledOn')).toBe('2021-04-02');
    expect(valueOf(form.body, 'resultOn')).toBe('2021-04-03');
    expect(valueOf(form.body, 'recoveredOn')).toBe('2021-04-20');
    expect(form.body).toMatch(/<input[^>]*name="testType"[^>]*value="molecular"[^>]*checked/);
    expect(form.body).toContain(`action="${url}"`);
    expect(autofocused(form.body)).toEqual([expect.stringContaining('name="sampledOn"')]);
    // The place is not corrected by the API: shown, not asked.
    expect(visibleText(form.body)).toContain('All’estero · Paese (codice ISO) FR');
    expect(form.body).not.toContain('name="countryCode"');

    const corrected = await browser.post(url, {
      _csrf: valueOf(form.body, '_csrf'),
      testType: 'antigen',
      sampledOn: '2021-04-01',
      resultOn: '2021-04-02',
      recoveredOn: '2021-04-16',
    });
    expect(corrected.statusCode).toBe(303);
    expect(corrected.headers.location).toBe(`${BASE}/persons/${String(personId)}?done=infection-corrected`);
    const text = visibleText((await browser.follow(corrected)).body);
    expect(text).toContain('Infezione corretta.');
    expect(text).toContain('Infetto almeno dal 01/04/2021 (test antigenico), guarito il 16/04/2021');
    expect(text).not.toContain('02/04/2021 (test molecolare)');

    const stored = await database()
      .db.selectFrom('infections')
      .select(['test_type', 'sampled_on', 'result_on', 'recovered_on', 'country_code', 'source'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(stored).toEqual({
      test_type: 'antigen',
      sampled_on: '2021-04-01',
      result_on: '2021-04-02',
      recovered_on: '2021-04-16',
      country_code: 'FR',
      source: 'operator',
    });
    const audit = await database()
      .db.selectFrom('audit_log')
      .select(['before', 'after'])
      .where('entity_type', '=', 'infection')
      .where('entity_id', '=', String(id))
      .where('action', '=', 'correct')
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]?.before).toMatchObject({ test_type: 'molecular', sampled_on: '2021-04-02' });
    expect(audit[0]?.after).toMatchObject({ test_type: 'antigen', sampled_on: '2021-04-01' });
  });

  it('VAX-16 VAX-14 UX-1 a correction with dates out of order is refused next to the field, under a summary, the typed values kept and nothing changed', async () => {
    const browser = await signIn(usernames.vaccinator);
    const personId = person(1).id;
    const id = await enterInfection(browser, personId, { sampledOn: '2021-05-03', resultOn: '2021-05-04' });
    const url = `${BASE}/persons/${String(personId)}/infections/${String(id)}`;
    const form = await browser.get(url);
    expect(visibleText(form.body)).toContain('In Italia · Regione (codice ISTAT) 16');
    const typed = { _csrf: valueOf(form.body, '_csrf'), testType: 'molecular', sampledOn: '2021-05-03' };

    const resultFirst = await browser.post(url, { ...typed, resultOn: '2021-05-01', recoveredOn: '' });
    expect(resultFirst.statusCode).toBe(400);
    expect(resultFirst.body).toMatch(/class="alert alert-danger error-summary"[\s\S]*href="#resultOn"/);
    expect(resultFirst.body).toContain('id="resultOn-error"');
    expect(visibleText(resultFirst.body)).toContain(
      'La data dell’esito non può precedere quella del prelievo.',
    );
    expect(valueOf(resultFirst.body, 'resultOn')).toBe('2021-05-01');

    const recoveryFirst = await browser.post(url, {
      ...typed,
      resultOn: '2021-05-04',
      recoveredOn: '2021-05-04',
    });
    expect(recoveryFirst.statusCode).toBe(400);
    expect(recoveryFirst.body).toContain('href="#recoveredOn"');
    expect(recoveryFirst.body).toContain('id="recoveredOn-error"');

    const notADate = await browser.post(url, { ...typed, resultOn: '04/05/2021', recoveredOn: '' });
    expect(notADate.statusCode).toBe(400);
    expect(notADate.body).toContain('id="resultOn-error"');

    const stored = await database()
      .db.selectFrom('infections')
      .select(['result_on', 'recovered_on'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(stored).toEqual({ result_on: '2021-05-04', recovered_on: null });
    const audits = await database()
      .db.selectFrom('audit_log')
      .select('id')
      .where('entity_type', '=', 'infection')
      .where('entity_id', '=', String(id))
      .where('action', '=', 'correct')
      .execute();
    expect(audits).toEqual([]);
  });

  it('VAX-14 an infection from regional surveillance has no correct action and cannot be corrected here; an infection is corrected only under its own person', async () => {
    const browser = await signIn(usernames.vaccinator);
    const personId = person(1).id;
    const [imported] = await importSurveillance(
      database().db,
      [
        {
          id_caso: 'VP-INT-1',
          codice_fiscale: person(1).taxCode,
          tipo_test: 'molecolare',
          data_prelievo: '2021-02-01',
          data_esito: '2021-02-02',
          data_guarigione: '2021-02-20',
        },
      ],
      '03',
      systemContext('test', new Date(NOW)),
    );
    expect(imported).toMatchObject({ outcome: 'created' });
    const surveillance = await database()
      .db.selectFrom('infections')
      .select('id')
      .where('person_id', '=', personId)
      .where('source', '=', 'surveillance')
      .executeTakeFirstOrThrow();
    const page = await browser.get(`${BASE}/persons/${String(personId)}`);
    expect(visibleText(page.body)).toContain('Dalla sorveglianza regionale: non modificabile.');
    const url = `${BASE}/persons/${String(personId)}/infections/${String(surveillance.id)}`;
    expect(page.body).not.toContain(`href="${url}"`);

    /** The form and its post refused with the status given; the infection stays as it was. */
    const refusedAsItWas = async (address: string, infectionId: number, status: number) => {
      const stored = () =>
        database().db.selectFrom('infections').selectAll().where('id', '=', infectionId).executeTakeFirst();
      const before = await stored();
      expect(before).toBeDefined();
      const form = await browser.get(address);
      expect(form.statusCode).toBe(status);
      const posted = await browser.post(address, {
        _csrf: valueOf(page.body, '_csrf'),
        testType: 'antigen',
        sampledOn: '2021-01-01',
        resultOn: '2021-01-02',
        recoveredOn: '',
      });
      expect(posted.statusCode).toBe(status);
      expect(await stored()).toEqual(before);
      return visibleText(form.body);
    };
    expect(await refusedAsItWas(url, surveillance.id, 409)).toContain(
      'Infezione dalla sorveglianza regionale',
    );

    // Another person's operator entry, asked for under this person: not found, not changed.
    const elsewhere = await enterInfection(browser, person(0).id, {
      testType: 'antigen',
      sampledOn: '2021-01-10',
      resultOn: '2021-01-10',
    });
    await refusedAsItWas(
      `${BASE}/persons/${String(personId)}/infections/${String(elsewhere)}`,
      elsewhere,
      404,
    );
  });

  it('SEC-1 VAX-14 the correction is refused to a role without the vaccination point (403) and an anonymous browser is sent to sign in', async () => {
    const vaccinator = await signIn(usernames.vaccinator);
    const personId = person(1).id;
    const id = await enterInfection(vaccinator, personId, {
      sampledOn: '2021-05-20',
      resultOn: '2021-05-21',
    });
    const url = `${BASE}/persons/${String(personId)}/infections/${String(id)}`;
    const callCenter = await signIn(usernames.call_center);
    expect((await callCenter.get(url)).statusCode).toBe(403);
    const home = await callCenter.get('/console');
    const refused = await callCenter.post(url, {
      _csrf: valueOf(home.body, '_csrf'),
      testType: 'antigen',
      sampledOn: '2021-05-19',
      resultOn: '2021-05-21',
      recoveredOn: '',
    });
    expect(refused.statusCode).toBe(403);
    const anonymous = await new FormBrowser(app).get(url);
    expect(anonymous.statusCode).toBe(303);
    expect(String(anonymous.headers.location)).toMatch(/^\/console\/sign-in/);
    const stored = await database()
      .db.selectFrom('infections')
      .select(['test_type', 'sampled_on'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(stored).toEqual({ test_type: 'molecular', sampled_on: '2021-05-20' });
  });

  it('CONS-5 a refusal is recorded on the consent form, never overridden; for a health worker the legal duty is recalled', async () => {
    const browser = await signIn(usernames.vaccinator);
    const url = `${BASE}/persons/${String(person(2).id)}/refusal`;
    const form = await browser.get(url);
    expect(autofocused(form.body)).toEqual([expect.stringContaining('name="signerName"')]);
    const fields = {
      _csrf: valueOf(form.body, '_csrf'),
      formVersion: valueOf(form.body, 'formVersion'),
      signerName: valueOf(form.body, 'signerName'),
      signerCapacity: 'self',
      protection: 'none',
    };
    const wrongSigner = await browser.post(url, { ...fields, signerCapacity: 'parental_responsibility' });
    expect(wrongSigner.body).toContain('id="signerCapacity-error"');
    const recorded = await browser.follow(await browser.post(url, { ...fields, healthWorker: 'yes' }));
    const text = visibleText(recorded.body);
    expect(text).toContain('Rifiuto registrato.');
    expect(text).toContain('DL 44/2021');
    expect(text).toContain('Rifiuto – ');
  });

  it('VAX-19 an anomaly report is filed about a person, routed to the competent office and listed on the page', async () => {
    const browser = await signIn(usernames.vaccinator);
    const url = `${BASE}/persons/${String(person(0).id)}/anomaly-report`;
    const form = await browser.get(url);
    expect(autofocused(form.body)).toEqual([expect.stringContaining('name="description"')]);
    const short = await browser.post(url, {
      _csrf: valueOf(form.body, '_csrf'),
      description: 'short',
      concerns: 'registry',
      administrationId: 'none',
    });
    expect(short.statusCode).toBe(400);
    expect(short.body).toContain('id="description-error"');
    const filed = await browser.follow(
      await browser.post(url, {
        _csrf: valueOf(form.body, '_csrf'),
        description: 'Il lotto registrato non corrisponde a quello del flacone.',
        concerns: 'registry',
        administrationId: /<option value="([0-9]+)"/.exec(form.body)?.[1] ?? '',
      }),
    );
    const text = visibleText(filed.body);
    expect(text).toContain('Segnalazione inviata');
    expect(text).toContain('Il lotto registrato non corrisponde a quello del flacone.');
    expect(text).toContain('aperta');
  });

  it('SEC-1 SEC-2 a vaccinator of another point is refused this point’s day list and its check-in list; a call-center operator is refused the section', async () => {
    const other = await signIn('test.vaccinator-other');
    const ownList = await other.get(BASE);
    expect(ownList.statusCode).toBe(200);
    expect(ownList.body).not.toContain(person(1).code);
    const refused = await other.get(`${BASE}?point=${String(point)}`);
    expect(refused.statusCode).toBe(403);
    const api = await app.inject({
      method: 'GET',
      url: `/vaccination-points/${String(point)}/check-ins?day=${DAY}`,
      headers: await signInStaff(app, 'test.vaccinator-other'),
    });
    expect(api.statusCode).toBe(403);
    expect(api.json()).toMatchObject({ code: 'ADMINISTRATION_POINT_OUT_OF_SCOPE' });

    // Recording for a point that is not theirs is refused before anything is written.
    const form = await other.get(`${BASE}/persons/${String(person(1).id)}/record`);
    const foreign = await other.post(`${BASE}/persons/${String(person(1).id)}/record`, {
      _csrf: valueOf(form.body, '_csrf'),
      point: String(point),
      productCode: 'COMIRNATY-30',
      lot: 'FK1',
      lotExpiry: '2021-09-30',
      volumeMl: '0.3',
      site: 'left_deltoid',
      route: 'intramuscular',
      administeredOn: DAY,
      administeredTime: '09:30',
      riskCategory: 'Altro',
      healthCondition: 'Nessuna condizione sanitaria a rischio',
      paymentMode: 'national_health_service',
      confirmed: 'yes',
      consentMode: 'new',
      formVersion: 'MDS-2021-03-25',
      informationNoteRead: 'yes',
      signerCapacity: 'self',
      signerName: 'Dina Moretti',
      protection: 'none',
    });
    expect(foreign.statusCode).toBe(403);
    expect(visibleText(foreign.body)).toContain('Punto vaccinale non suo');
    const written = await database()
      .db.selectFrom('administrations')
      .select('id')
      .where('person_id', '=', person(1).id)
      .execute();
    expect(written).toEqual([]);

    const callCenter = await signIn(usernames.call_center);
    expect((await callCenter.get(BASE)).statusCode).toBe(403);
    expect((await callCenter.get('/console')).body).not.toContain(`href="${BASE}"`);
  });

  it('VAX-1 CONS-1 VAX-19 the JSON API behind the pages: the day’s check-in list, the consents and the reports of a person', async () => {
    const headers = await signInStaff(app, usernames.vaccinator);
    const list = await app.inject({
      method: 'GET',
      url: `/vaccination-points/${String(point)}/check-ins?day=${DAY}`,
      headers,
    });
    expect(list.statusCode).toBe(200);
    const rows = list.json<{ bookingCode: string; administrationId: number | null; status: string }[]>();
    expect(rows.map((row) => row.bookingCode).sort()).toEqual(booked.map((b) => b.code).sort());
    expect(rows.find((row) => row.bookingCode === person(0).code)?.administrationId).toEqual(
      expect.any(Number),
    );
    expect(rows.find((row) => row.bookingCode === person(1).code)?.administrationId).toBeNull();
    const consents = await app.inject({
      method: 'GET',
      url: `/persons/${String(person(2).id)}/consents`,
      headers,
    });
    expect(consents.json()).toEqual([
      expect.objectContaining({ decision: 'refused', signerCapacity: 'self' }),
    ]);
    const reports = await app.inject({
      method: 'GET',
      url: `/persons/${String(person(0).id)}/anomaly-reports`,
      headers,
    });
    expect(reports.json()).toEqual([expect.objectContaining({ concerns: 'registry', status: 'open' })]);
  });
});
