import { beforeAll, expect, it } from 'vitest';
import { sql } from 'kysely';
import { describeEachDatabase } from '../../../test/databases.ts';
import { buildTestApp, ensureStaffOfEveryRole, signInStaff } from '../../../test/app.ts';
import type { FormBrowser } from '../../../test/form-browser.ts';
import { loadReferenceData } from '../reference/service.ts';
import { generatePopulationIntoDatabase } from '../population/service.ts';
import { EligibilityService } from '../eligibility/service.ts';
import { seedDemoCapacity } from '../demo/seed.ts';
import type { App } from '../../platform/http/types.ts';
import {
  type Citizen,
  elderlyCitizens,
  DEMO_CAPACITY_DAY,
  signInCitizen,
  valueOf,
  visibleText,
} from '../../../test/portal-fixtures.ts';

describeEachDatabase('Citizen portal, people with disabilities', (database) => {
  let app: App;
  let elderly: Citizen[];
  let cremona: number;

  const signIn = (person: Citizen): Promise<FormBrowser> => signInCitizen(app, person);

  const person = (index: number): Citizen => {
    const found = elderly[index];
    if (found === undefined) throw new Error('not enough people');
    return found;
  };

  beforeAll(async () => {
    await loadReferenceData(database());
    await generatePopulationIntoDatabase(database(), { people: 1500, seed: 41 });
    await ensureStaffOfEveryRole(database());
    const built = await buildTestApp(database(), { now: '2021-04-10T08:00:00Z' });
    app = built.app;
    await new EligibilityService(database().db, built.clock, '03').loadShippedPlanVersions();
    await seedDemoCapacity(database(), built.clock, () => undefined);
    elderly = await elderlyCitizens(database(), 6);
    await sql`UPDATE persons SET health_authority_code = 'ASST-CREMONA'
      WHERE id IN (${sql.join(elderly.map((p) => p.id))})`.execute(database().db);
    cremona = (
      await database()
        .db.selectFrom('vaccination_points')
        .select('id')
        .where('code', '=', 'VP-CR-01')
        .executeTakeFirstOrThrow()
    ).id;
  });

  it('BOOK-14 a citizen (or her daughter, signed in as her) asks for vaccination at home and is then not offered hub slots', async () => {
    const browser = await signIn(person(0));
    // The way in: from the citizen's start page.
    expect((await browser.get('/portal/start')).body).toContain('href="/portal/accessibility"');
    const help = await browser.get('/portal/accessibility');
    expect(help.statusCode).toBe(200);
    expect(visibleText(help.body)).toContain('Aiuto per vaccinarsi');
    expect(help.body).toContain('href="/portal/home-vaccination"');
    const form = await browser.get('/portal/home-vaccination');
    expect(form.body).toContain('<form method="post" action="/portal/home-vaccination"');
    expect(form.body).toMatch(/<label\s+class="form-check-label"\s+for="canTravel-0"/);
    const csrf = valueOf(form.body, '_csrf');

    // Nothing answered: the summary links to each question.
    const refused = await browser.post('/portal/home-vaccination', { _csrf: csrf });
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toMatch(/<title>Errore: /);
    expect(refused.body).toContain('href="#selfSufficient-0"');
    expect(refused.body).toContain('href="#canTravel-0"');
    expect(refused.body).toContain('href="#reason-0"');

    // Self-sufficient: not for the home list, said at the question it depends on.
    const notForHome = await browser.post('/portal/home-vaccination', {
      _csrf: csrf,
      selfSufficient: 'yes',
      canTravel: 'no',
      reason: 'bedridden',
    });
    expect(notForHome.statusCode).toBe(400);
    expect(notForHome.body).toContain('href="#canTravel-0"');
    expect(notForHome.body).toContain('id="canTravel-error"');
    expect(visibleText(notForHome.body)).toContain(
      'La vaccinazione a domicilio è per le persone non autosufficienti',
    );

    const asked = await browser.post('/portal/home-vaccination', {
      _csrf: csrf,
      selfSufficient: 'no',
      canTravel: 'no',
      reason: 'bedridden',
      gpName: 'Dott.ssa Rossi',
      gpAgreed: 'yes',
      notes: 'Terzo piano, citofono Verdi',
    });
    const done = await browser.follow(asked);
    expect(done.statusCode).toBe(200);
    const text = visibleText(done.body);
    expect(text).toContain('Richiesta ricevuta');
    expect(text).toContain('Non deve prenotare in un centro vaccinale');
    const stored = await database()
      .db.selectFrom('home_vaccination_requests')
      .select(['status', 'gp_name', 'gp_agreed', 'channel', 'notes'])
      .where('person_id', '=', person(0).id)
      .executeTakeFirstOrThrow();
    expect(stored).toEqual({
      status: 'requested',
      gp_name: 'Dott.ssa Rossi',
      gp_agreed: true,
      channel: 'web',
      notes: 'Terzo piano, citofono Verdi',
    });
    // The booking flow now says why there is no hub slot for her, and what happens instead.
    const book = await browser.get('/portal/book');
    expect(book.statusCode).toBe(409);
    expect(visibleText(book.body)).toContain('Vaccinazione a domicilio in corso');
  });

  it('BOOK-15 a deaf citizen finds a session with a LIS interpreter, books it with her caregiver, then cancels', async () => {
    const opened = await app.inject({
      method: 'POST',
      url: '/dedicated-sessions',
      headers: await signInStaff(app, 'test.asl-admin'),
      payload: {
        pointId: cremona,
        kind: 'deaf',
        supports: ['lis_interpreter'],
        day: DEMO_CAPACITY_DAY,
        from: '15:00',
        to: '17:00',
        groupSize: 6,
      },
    });
    expect(opened.statusCode).toBe(201);
    const browser = await signIn(person(1));
    const empty = await browser.get('/portal/sessions');
    expect(empty.body).toContain('<form method="get" action="/portal/sessions"');
    const unanswered = await browser.get('/portal/sessions?withCaregiver=yes');
    expect(unanswered.statusCode).toBe(400);
    expect(unanswered.body).toContain('href="#needs-0"');

    const found = await browser.get('/portal/sessions?needs=lis_interpreter&withCaregiver=yes&wheelchair=no');
    expect(found.statusCode).toBe(200);
    expect(visibleText(found.body)).toContain('interprete LIS');
    const posted = await browser.post('/portal/sessions/book', {
      _csrf: valueOf(found.body, '_csrf'),
      needs: 'lis_interpreter',
      withCaregiver: 'yes',
      wheelchair: 'no',
      sessionId: valueOf(found.body, 'sessionId'),
    });
    const page = await browser.follow(posted);
    expect(page.statusCode).toBe(200);
    const text = visibleText(page.body);
    expect(text).toContain('l’appuntamento è confermato');
    expect(text).toContain('C’è posto anche per chi La accompagna');
    const code = /Appuntamento ([A-Z0-9]{8})/.exec(text)?.[1] ?? '';
    // The page shows what the API holds.
    const api = await app.inject({
      method: 'GET',
      url: `/dedicated-session-bookings/${code}`,
      headers: await signInStaff(app, 'test.call-center'),
    });
    expect(api.json()).toMatchObject({
      personId: person(1).id,
      withCaregiver: true,
      places: 2,
      channel: 'web',
      session: { placesTaken: 3, peopleBooked: 1 },
    });
    // Someone else's appointment is not reachable from her pages.
    const other = await signIn(person(2));
    expect((await other.get(`/portal/sessions/bookings/${code}`)).statusCode).toBe(404);

    const cancelled = await browser.follow(
      await browser.post(`/portal/sessions/bookings/${code}/cancel`, { _csrf: valueOf(page.body, '_csrf') }),
    );
    expect(visibleText(cancelled.body)).toContain('il posto è libero per altri');
    const after = await app.inject({
      method: 'GET',
      url: `/dedicated-session-bookings/${code}`,
      headers: await signInStaff(app, 'test.call-center'),
    });
    expect(after.json()).toMatchObject({ status: 'cancelled', session: { placesTaken: 1, peopleBooked: 0 } });
  });

  it('BOOK-16 a citizen asks for a wheelchair vehicle to her hub appointment, and the authority sees it', async () => {
    const citizen = person(3);
    const token = (
      await app.inject({
        method: 'POST',
        url: '/auth/citizen/session',
        payload: { taxCode: citizen.tax_code, healthCardNumber: citizen.health_card_number },
      })
    ).json<{ token: string }>().token;
    const slot = await database()
      .db.selectFrom('slots')
      .select('id')
      .where('vaccination_point_id', '=', cremona)
      .where('day', '=', DEMO_CAPACITY_DAY)
      .orderBy('starts_at')
      .executeTakeFirstOrThrow();
    const booked = await app.inject({
      method: 'POST',
      url: '/bookings',
      headers: { authorization: `Bearer ${token}` },
      payload: { slotId: slot.id },
    });
    expect(booked.statusCode).toBe(201);
    const code = booked.json<{ code: string }>().code;
    const browser = await signIn(citizen);
    const help = await browser.get('/portal/accessibility');
    expect(help.body).toContain(`name="transport-${code}"`);
    const refused = await browser.post('/portal/transport', { _csrf: valueOf(help.body, '_csrf'), code });
    expect(refused.statusCode).toBe(400);
    const saved = await browser.follow(
      await browser.post('/portal/transport', {
        _csrf: valueOf(help.body, '_csrf'),
        code,
        [`transport-${code}`]: 'wheelchair',
      }),
    );
    expect(visibleText(saved.body)).toContain('il trasporto è stato registrato');
    const list = await app.inject({
      method: 'GET',
      url: `/transports?from=${DEMO_CAPACITY_DAY}&to=${DEMO_CAPACITY_DAY}`,
      headers: await signInStaff(app, 'test.asl-admin'),
    });
    expect(list.json<{ code: string; transport: string }[]>()).toEqual(
      expect.arrayContaining([expect.objectContaining({ code, transport: 'wheelchair' })]),
    );
  });

  it('UX-1 the pages speak English when chosen', async () => {
    const browser = await signIn(person(4));
    await browser.get('/portal/language?to=en&back=/portal/accessibility');
    const help = await browser.get('/portal/accessibility');
    expect(visibleText(help.body)).toContain('Help to get vaccinated');
    const home = await browser.get('/portal/home-vaccination');
    expect(visibleText(home.body)).toContain('Can the person to vaccinate manage daily life alone');
  });
});
