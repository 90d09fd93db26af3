import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../../../test/databases.ts';
import { nationalEnv, seedRegionOfNation, startNationalSimulator } from '../../../test/national-fixture.ts';
import { buildTestApp, TEST_PASSWORD } from '../../../test/app.ts';
import { FormBrowser } from '../../../test/form-browser.ts';
import { EligibilityService } from '../eligibility/service.ts';
import { buildTaxCode } from '../registry/tax-code.ts';
import { fixedClock } from '../../platform/clock.ts';
import type { App } from '../../platform/http/types.ts';
import type { StaffRole } from '../../platform/auth/roles.ts';
import type { NationalDatabase } from '../../national/db.ts';
import { DEVELOPMENT_ADMIN_TOKEN } from '../../national/config.ts';
import { valueOf, visibleText } from '../../../test/portal-fixtures.ts';
import { NEWCOMER } from './testing.ts';

/*
 * The person search in tiers and the registration by hand, as the call center (and the vaccination point,
 * through the same piece) use them against a real national simulator over HTTP (REG-5, REG-6, ELIG-17).
 */

const NOW = '2021-04-10T08:00:00Z';
const CC = '/console/call-center';
const VP = '/console/vaccination-point';
const NEWCOMER_CF = buildTaxCode(NEWCOMER);

describeEachDatabase('person search and registration in the consoles', (database) => {
  let national: App;
  let nationalDb: NationalDatabase;
  let app: App;
  let usernames: Record<StaffRole, string>;
  let outOfRegion: { identifier: string; surname: string };

  const staff = async (role: StaffRole) => {
    const browser = new FormBrowser(app);
    const home = await browser.follow(
      await browser.post('/console/sign-in', { username: usernames[role], password: TEST_PASSWORD }),
    );
    expect(home.statusCode).toBe(200);
    return { browser, csrf: valueOf(home.body, '_csrf') };
  };

  const setFaults = (body: object) =>
    national.inject({
      method: 'PUT',
      url: '/admin/faults',
      payload: body,
      headers: { 'x-admin-token': DEVELOPMENT_ADMIN_TOKEN },
    });

  /** The registration form as an operator fills it for NEWCOMER, domiciled in Cremona, resident in Rome. */
  const registration = (csrf: string, changes: Record<string, string | string[]> = {}) => ({
    _csrf: csrf,
    province: '019',
    identifierValue: NEWCOMER_CF,
    identifierType: 'CF',
    status: 'OUT_OF_REGION',
    surname: NEWCOMER.surname,
    givenName: NEWCOMER.givenName,
    sex: NEWCOMER.sex,
    birthDate: NEWCOMER.birthDate,
    birthPlaceCode: NEWCOMER.birthPlaceCode,
    domicileMunicipality: '019036',
    domicileCap: '26100',
    domicileAddress: 'Via Dante 1',
    residenceCap: '00184',
    residenceMunicipality: 'Roma',
    mobile: '+39 333 1234567',
    ...changes,
  });

  beforeAll(async () => {
    const nation = { regionPeople: 300, regionSeed: 2021, otherRegionPeople: 4, aire: 2, foreigners: 2 };
    const simulator = await startNationalSimulator(NOW, nation);
    ({ app: national, db: nationalDb } = simulator);
    usernames = await seedRegionOfNation(database(), nation);
    // Bounded: a national registry slower than this is "unreachable, try again" (REG-5).
    ({ app } = await buildTestApp(database(), { now: NOW, env: nationalEnv(simulator, 500) }));
    await new EligibilityService(database().db, fixedClock(NOW), '03').loadShippedPlanVersions();
    const row = await nationalDb.db
      .selectFrom('persons')
      .select(['identifier', 'surname'])
      .where('status', '=', 'OUT_OF_REGION')
      .where('identifier_type', '=', 'CF')
      .orderBy('identifier')
      .executeTakeFirstOrThrow();
    outOfRegion = row;
  }, 120_000);

  afterAll(async () => {
    await app.close();
    await national.close();
    await nationalDb.close();
  });

  it('REG-5 the call center searches the region, then by identifier the national registry; a supervisor imports the caller with provenance and the person page reminds to record a mobile or an e-mail', async () => {
    const operator = await staff('call_center');
    const start = await operator.browser.get(CC);
    expect(start.statusCode).toBe(200);
    expect(start.body).toMatch(/<input[^>]*name="identifier"[^>]*autofocus/);
    expect(start.body).toContain('name="tier" value="regional"');

    const regional = await operator.browser.get(`${CC}?tier=regional&identifier=${outOfRegion.identifier}`);
    expect(regional.statusCode).toBe(200);
    expect(visibleText(regional.body)).toContain('Anagrafe regionale: 0 trovati');
    expect(regional.body).toContain(`href="${CC}?identifier=${outOfRegion.identifier}&amp;tier=national"`);
    // An operator reads the national answer; importing and registering are for supervisors.
    const nationally = await operator.browser.get(`${CC}?tier=national&identifier=${outOfRegion.identifier}`);
    expect(nationally.statusCode).toBe(200);
    expect(visibleText(nationally.body)).toContain(outOfRegion.surname);
    expect(nationally.body).not.toContain(`action="${CC}/import"`);
    expect(visibleText(nationally.body)).toContain('Importare o inserire la persona spetta a un supervisore');
    const refused = await operator.browser.post(`${CC}/import`, {
      _csrf: operator.csrf,
      identifier: outOfRegion.identifier,
    });
    expect(refused.statusCode).toBe(403);

    const supervisor = await staff('contact_center_supervisor');
    const found = await supervisor.browser.get(`${CC}?tier=national&identifier=${outOfRegion.identifier}`);
    expect(found.body).toContain(`action="${CC}/import"`);
    const imported = await supervisor.browser.post(`${CC}/import`, {
      _csrf: supervisor.csrf,
      identifier: outOfRegion.identifier,
    });
    expect(imported.statusCode).toBe(303);
    expect(imported.headers.location).toMatch(new RegExp(`^${CC}/persons/\\d+\\?done=imported$`));
    const page = await supervisor.browser.follow(imported);
    expect(page.statusCode).toBe(200);
    const stored = await database()
      .db.selectFrom('persons')
      .select(['id', 'provenance', 'status', 'phone', 'email'])
      .where('tax_code', '=', outOfRegion.identifier)
      .executeTakeFirstOrThrow();
    expect(stored).toMatchObject({ provenance: 'national_import', status: 'out_of_region' });
    const text = visibleText(page.body);
    expect(text).toContain('Persona importata dall’anagrafe nazionale');
    expect(text.includes('Registrare almeno un cellulare o un indirizzo e-mail')).toBe(
      stored.phone === null && stored.email === null,
    );
    const audits = await database()
      .db.selectFrom('audit_log')
      .select(['actor_role'])
      .where('action', '=', 'import_national')
      .where('entity_id', '=', String(stored.id))
      .execute();
    expect(audits).toEqual([{ actor_role: 'contact_center_supervisor' }]);

    // Found again: the regional registry now answers, and the national answer links to the record.
    const again = await operator.browser.get(`${CC}?tier=national&identifier=${outOfRegion.identifier}`);
    expect(again.body).toContain(`href="${CC}/persons/${String(stored.id)}"`);
    expect(visibleText(again.body)).toContain('Già in anagrafe: apri');
  });

  it.each([
    ['down', { mode: 'down' }],
    ['slower than the timeout', { mode: 'slow', delayMs: 5000 }],
  ])(
    'REG-5 with the national registry %s both consoles say "unreachable, try again" within the timeout, and the regional search still works',
    async (_case, faults) => {
      const { browser } = await staff('call_center');
      const vaccinator = await staff('vaccinator');
      await setFaults(faults);
      try {
        for (const [who, url] of [
          [browser, `${CC}?tier=national&identifier=${NEWCOMER_CF}`],
          [vaccinator.browser, `${VP}/search?tier=national&identifier=${NEWCOMER_CF}`],
        ] as const) {
          const asked = Date.now();
          const answer = await who.get(url);
          // Bounded by the client's 500 ms timeout, well before the simulator's 5 s delay would end.
          expect(Date.now() - asked).toBeLessThan(4000);
          expect(answer.statusCode).toBe(503);
          expect(answer.headers['retry-after']).toBe('30');
          expect(visibleText(answer.body)).toContain(
            'L’anagrafe nazionale non risponde in questo momento. Riprovi',
          );
          expect(answer.body).toContain('class="alert alert-danger error-summary"');
        }
        const regional = await browser.get(
          `${CC}?tier=regional&surname=${encodeURIComponent(outOfRegion.surname)}`,
        );
        expect(regional.statusCode).toBe(200);
      } finally {
        await setFaults({ mode: 'none' });
      }
    },
  );

  it('REG-6 REG-8 REG-10 REG-2 ELIG-17 a supervisor registers a caller in no registry: refusals on their fields, the tax-code mismatch named and confirmed, then the caller is inserted into the booking lists', async () => {
    const { browser, csrf } = await staff('contact_center_supervisor');
    const unknown = await browser.get(`${CC}?tier=national&identifier=${NEWCOMER_CF}`);
    expect(unknown.statusCode).toBe(404);
    expect(unknown.body).toContain('id="identifier-error"');
    expect(unknown.body).toContain(`href="${CC}/register?identifier=${NEWCOMER_CF}"`);

    const provinceStep = await browser.get(`${CC}/register?identifier=${NEWCOMER_CF}`);
    expect(provinceStep.statusCode).toBe(200);
    expect(provinceStep.body).toContain('name="province"');
    const form = await browser.get(`${CC}/register?identifier=${NEWCOMER_CF}&province=019`);
    expect(form.statusCode).toBe(200);
    expect(valueOf(form.body, 'identifierValue')).toBe(NEWCOMER_CF);
    expect(form.body).toContain('<option value="019036"');
    expect(form.body).toMatch(/<input[^>]*name="identifierValue"[^>]*autofocus/);

    // REG-8: an AIRE person under Ordinance 7 needs a mobile or an e-mail.
    const noContact = await browser.post(
      `${CC}/register`,
      registration(csrf, {
        status: 'AIRE',
        identifierType: 'ORD7',
        identifierValue: 'ORD7AB12CD',
        mobile: '',
      }),
    );
    expect(noContact.statusCode).toBe(400);
    expect(noContact.body).toContain('href="#mobile"');
    expect(noContact.body).toContain('id="mobile-error"');
    // REG-10: the CAP must belong to the municipality.
    const wrongCap = await browser.post(`${CC}/register`, registration(csrf, { domicileCap: '20121' }));
    expect(wrongCap.statusCode).toBe(400);
    expect(wrongCap.body).toContain('href="#domicileCap"');
    expect(visibleText(wrongCap.body)).toContain('Il CAP 20121 non appartiene al comune indicato');
    // REG-1: the identifier's own check.
    const badCode = await browser.post(
      `${CC}/register`,
      registration(csrf, {
        identifierValue: `${NEWCOMER_CF.slice(0, 15)}${NEWCOMER_CF.endsWith('A') ? 'B' : 'A'}`,
      }),
    );
    expect(badCode.statusCode).toBe(400);
    expect(badCode.body).toContain('id="identifierValue-error"');

    // REG-2: the tax code encodes another surname: the part is named and must be confirmed.
    const mismatch = await browser.post(`${CC}/register`, registration(csrf, { surname: 'Verdi' }));
    expect(mismatch.statusCode).toBe(422);
    expect(mismatch.body).toMatch(/name="confirmedWarnings"\s+value="TAX_CODE_MISMATCH_SURNAME"/);
    expect(visibleText(mismatch.body)).toContain('Cognome: dai dati «VRD», nel codice «BNC»');
    expect(mismatch.body).toContain('href="#confirmedWarnings-0"');
    const nothingYet = await database()
      .db.selectFrom('persons')
      .select('id')
      .where('tax_code', '=', NEWCOMER_CF)
      .execute();
    expect(nothingYet).toEqual([]);

    const registered = await browser.post(
      `${CC}/register`,
      registration(csrf, { surname: 'Verdi', confirmedWarnings: ['TAX_CODE_MISMATCH_SURNAME'] }),
    );
    expect(registered.statusCode).toBe(303);
    const stored = await database()
      .db.selectFrom('persons')
      .select([
        'id',
        'provenance',
        'status',
        'surname',
        'domicile_municipality_istat',
        'residence_municipality_istat',
      ])
      .where('tax_code', '=', NEWCOMER_CF)
      .executeTakeFirstOrThrow();
    expect(stored).toMatchObject({
      provenance: 'manual',
      status: 'out_of_region',
      surname: 'Verdi',
      domicile_municipality_istat: '019036',
      residence_municipality_istat: '058091',
    });
    expect(registered.headers.location).toBe(`${CC}/persons/${String(stored.id)}?done=registered`);
    const created = await database()
      .db.selectFrom('audit_log')
      .select('actor_role')
      .where('entity_type', '=', 'person')
      .where('action', '=', 'create')
      .where('entity_id', '=', String(stored.id))
      .execute();
    expect(created).toEqual([{ actor_role: 'contact_center_supervisor' }]);

    const record = await browser.follow(registered);
    expect(visibleText(record.body)).toContain('Assistito inserito nell’anagrafe regionale');
    expect(visibleText(record.body)).toContain('No, non può ancora prenotare');
    const inserted = await browser.follow(
      await browser.post(`${CC}/persons/${String(stored.id)}/booking-lists`, {
        _csrf: csrf,
        insertReason: 'resident_elsewhere',
        insertNote: 'in Cremona with her daughter until summer',
      }),
    );
    expect(visibleText(inserted.body)).toContain('Persona inserita negli elenchi di prenotazione');
    expect(visibleText(inserted.body)).toContain('Sì, può prenotare');

    const twice = await browser.post(
      `${CC}/register`,
      registration(csrf, { surname: 'Verdi', confirmedWarnings: ['TAX_CODE_MISMATCH_SURNAME'] }),
    );
    expect(twice.statusCode).toBe(409);
    expect(twice.body).toContain('href="#identifierValue"');
  });

  it('REG-6 SEC-1 the vaccination point registers through the same piece; a call-center operator may not register', async () => {
    const operator = await staff('call_center');
    expect((await operator.browser.get(`${CC}/register?province=019`)).statusCode).toBe(403);
    const refused = await operator.browser.post(`${CC}/register`, registration(operator.csrf));
    expect(refused.statusCode).toBe(403);

    const { browser, csrf } = await staff('vaccinator');
    const form = await browser.get(`${VP}/register?province=019`);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain(`action="${VP}/register"`);
    const identifierValue = buildTaxCode({ ...NEWCOMER, givenName: 'Carla' });
    const registered = await browser.post(
      `${VP}/register`,
      registration(csrf, {
        identifierValue,
        givenName: 'Carla',
        residenceCap: '',
        residenceMunicipality: '',
      }),
    );
    expect(registered.statusCode).toBe(303);
    expect(registered.headers.location).toMatch(new RegExp(`^${VP}/persons/\\d+\\?done=registered$`));
    const page = await browser.follow(registered);
    expect(visibleText(page.body)).toContain('Assistito inserito nell’anagrafe regionale');
  });
});
