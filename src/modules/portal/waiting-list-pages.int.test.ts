import { beforeAll, expect, it } from 'vitest';
import { sql } from 'kysely';
import { describeEachDatabase } from '../../../test/databases.ts';
import { buildTestApp, ensureStaffOfEveryRole } from '../../../test/app.ts';
import { loadReferenceData } from '../reference/service.ts';
import { generatePopulationIntoDatabase } from '../population/service.ts';
import { EligibilityService } from '../eligibility/service.ts';
import { BookingService } from '../booking/service.ts';
import { WaitingListService } from '../waiting-list/service.ts';
import { NoShowService } from '../waiting-list/no-shows.ts';
import { systemContext } from '../../platform/audit/audit.ts';
import type { fixedClock } from '../../platform/clock.ts';
import type { App } from '../../platform/http/types.ts';
import type { FormBrowser } from '../../../test/form-browser.ts';
import {
  type Citizen,
  elderlyCitizens,
  CREMONA,
  signInCitizen,
  valueOf,
  visibleText,
} from '../../../test/portal-fixtures.ts';

describeEachDatabase('Citizen portal: waiting list and no-shows', (database) => {
  let app: App;
  let clock: ReturnType<typeof fixedClock>;
  let people: Citizen[];
  let cremona: number;
  let booking: BookingService;

  const signIn = (person: Citizen): Promise<FormBrowser> => signInCitizen(app, person);
  const openDay = (day: string, opensAt: string, closesAt: string, stations: number) =>
    booking.setHubDay(
      cremona,
      day,
      {
        opensAt,
        closesAt,
        stations,
        minutesPerVaccination: 15,
        slotMinutes: 15,
        stock: [{ product: 'VAXZEVRIA', doses: 100 }],
      },
      systemContext('test', clock.now()),
    );
  const person = (index: number): Citizen => {
    const found = people[index];
    if (found === undefined) throw new Error(`no person ${index}`);
    return found;
  };

  beforeAll(async () => {
    await loadReferenceData(database());
    await generatePopulationIntoDatabase(database(), { people: 1500, seed: 41 });
    await ensureStaffOfEveryRole(database());
    const built = await buildTestApp(database(), { now: '2021-04-10T08:00:00Z' });
    app = built.app;
    clock = built.clock;
    const eligibility = new EligibilityService(database().db, clock, '03');
    await eligibility.loadShippedPlanVersions();
    booking = new BookingService(database().db, clock, eligibility);
    cremona =
      (
        await database()
          .db.selectFrom('vaccination_points')
          .select('id')
          .where('code', '=', 'VP-CR-01')
          .executeTakeFirst()
      )?.id ?? 0;
    await booking.configureHub(
      cremona,
      { stations: 10, accessibility: [], status: 'active' },
      systemContext('test', clock.now()),
    );
    // Second doses of Vaxzevria, 84 days after the first-dose days below.
    await openDay('2021-07-07', '08:00', '12:00', 10);
    await openDay('2021-07-10', '08:00', '12:00', 10);
    people = await elderlyCitizens(database(), 3);
  });

  it('BOOK-13 UX-3 when the search finds nothing the citizen joins the waiting list, then accepts the offer without JavaScript', async () => {
    const browser = await signIn(person(0));
    const query = new URLSearchParams({ ...CREMONA, date: '2021-04-14', time: '10:00' }).toString();
    const hubs = await browser.get(`/portal/book/hubs?${query}`);
    expect(hubs.statusCode).toBe(200);
    expect(hubs.body).toContain('href="/portal/waiting-list?municipalityIstat=019036&amp;cap=26100"');

    const page = await browser.get('/portal/waiting-list?municipalityIstat=019036&cap=26100');
    expect(page.statusCode).toBe(200);
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.body).toContain('<form method="post" action="/portal/waiting-list/join"');
    const joined = await browser.follow(
      await browser.post('/portal/waiting-list/join', {
        _csrf: valueOf(page.body, '_csrf'),
        municipalityIstat: valueOf(page.body, 'municipalityIstat'),
        cap: valueOf(page.body, 'cap'),
      }),
    );
    expect(visibleText(joined.body)).toContain('È entrato in lista d’attesa');
    expect(visibleText(joined.body)).toContain('Persone prima di Lei nella Sua zona: 0');

    // A place opens; the job offers it.
    await openDay('2021-04-14', '09:00', '09:15', 1);
    const waitingList = new WaitingListService(database().db, clock, booking);
    expect(await waitingList.run(systemContext('test', clock.now()))).toMatchObject({ offered: 1 });
    const offered = await browser.get('/portal/waiting-list');
    const text = visibleText(offered.body);
    expect(text).toContain('C’è un posto per Lei');
    expect(text).toContain('Lo teniamo per Lei fino a');
    const accept = /action="(\/portal\/waiting-list\/offers\/\d+\/accept)"/.exec(offered.body)?.[1] ?? '';
    const form = { _csrf: valueOf(offered.body, '_csrf') };
    const posted = await browser.post(accept, form);
    expect(posted.statusCode).toBe(303);
    expect(String(posted.headers.location)).toMatch(/^\/portal\/bookings\/[A-Z0-9]{8}\?done=booked$/);
    // A double submission books once: the same booking.
    const again = await browser.post(accept, form);
    expect(again.headers.location).toBe(posted.headers.location);
    const confirmed = await browser.get(String(posted.headers.location));
    expect(confirmed.statusCode).toBe(200);
  });

  it('BOOK-13 a refusal shows on the page in the citizen’s words: joining twice', async () => {
    const browser = await signIn(person(1));
    const page = await browser.get('/portal/waiting-list?municipalityIstat=019036&cap=26100');
    const form = {
      _csrf: valueOf(page.body, '_csrf'),
      municipalityIstat: '019036',
      cap: '26100',
    };
    await browser.follow(await browser.post('/portal/waiting-list/join', form));
    const twice = await browser.post('/portal/waiting-list/join', form);
    expect(twice.statusCode).toBe(409);
    expect(twice.body).toContain('error-summary');
    expect(visibleText(twice.body)).toContain('già in lista d’attesa');
    // A malformed CAP is refused on its field.
    const wrong = await browser.post('/portal/waiting-list/join', { ...form, cap: 'x' });
    expect(wrong.statusCode).toBe(400);
  });

  it('BOOK-9 BOOK-10 the no-show link shows a new time and books it in one step', async () => {
    const code = (
      await sql<{ code: string }>`SELECT code FROM bookings WHERE person_id = ${person(0).id}
        AND dose_number = 1 AND status = 'confirmed'`.execute(database().db)
    ).rows[0]?.code;
    clock.set('2021-04-14T12:00:00Z');
    const noShows = new NoShowService(database().db, clock, booking);
    expect(await noShows.markDay(cremona, '2021-04-14', systemContext('test', clock.now()))).toEqual({
      marked: 1,
    });
    await openDay('2021-04-17', '09:00', '12:00', 10);
    const signedAgain = await signIn(person(0));
    const page = await signedAgain.get(`/portal/no-shows/${code}`);
    expect(page.statusCode).toBe(200);
    const text = visibleText(page.body);
    expect(text).toContain('Appuntamento mancato');
    expect(text).toContain('La seconda dose prevista');
    const posted = await signedAgain.post(`/portal/no-shows/${code}/rebook`, {
      _csrf: valueOf(page.body, '_csrf'),
      slotId: valueOf(page.body, 'slotId'),
    });
    expect(posted.statusCode).toBe(303);
    const confirmed = await signedAgain.get(String(posted.headers.location));
    expect(confirmed.statusCode).toBe(200);
    const open = await sql<{ n: number }>`SELECT count(*)::integer AS n FROM bookings
      WHERE person_id = ${person(0).id} AND status = 'confirmed'`.execute(database().db);
    expect(Number(open.rows[0]?.n)).toBe(2);
  });
});
