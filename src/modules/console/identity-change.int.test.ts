import { beforeAll, expect, it } from 'vitest';
import { sql } from 'kysely';
import { describeEachDatabase } from '../../../test/databases.ts';
import { buildTestApp, ensureStaffOfEveryRole, signInStaff, TEST_PASSWORD } from '../../../test/app.ts';
import { FormBrowser } from '../../../test/form-browser.ts';
import { CONSENT, openHubDays } from '../../../test/registry-fixtures.ts';
import { valueOf, visibleText } from '../../../test/portal-fixtures.ts';
import { loadReferenceData } from '../reference/service.ts';
import { generatePopulationIntoDatabase } from '../population/service.ts';
import { EligibilityService } from '../eligibility/service.ts';
import { BookingService } from '../booking/service.ts';
import { systemContext } from '../../platform/audit/audit.ts';
import { fixedClock } from '../../platform/clock.ts';
import type { App } from '../../platform/http/types.ts';
import type { StaffRole } from '../../platform/auth/roles.ts';

/*
 * REG-7 from the vaccination point's person pages, as a browser without JavaScript drives them: the old
 * identity of a changed tax code made obsolete, then its records moved to the current identity.
 */

const NOW = '2021-09-01T10:00:00Z';
const BASE = '/console/vaccination-point';

describeEachDatabase('REG-7 changed tax codes in the consoles', (database) => {
  let app: App;
  let usernames: Record<StaffRole, string>;
  let point: number;
  let people: { id: number; taxCode: string; surname: string }[];
  let booking: BookingService;
  const setup = systemContext('test', new Date(NOW));

  const person = (i: number) => {
    const found = people[i];
    if (found === undefined) throw new Error(`no test person ${String(i)}`);
    return found;
  };

  const signIn = async (role: StaffRole): Promise<FormBrowser> => {
    const browser = new FormBrowser(app);
    const home = await browser.follow(
      await browser.post('/console/sign-in', { username: usernames[role], password: TEST_PASSWORD }),
    );
    expect(home.statusCode).toBe(200);
    return browser;
  };

  const record = async (personId: number, administeredAt: string) => {
    const response = await app.inject({
      method: 'POST',
      url: '/administrations',
      headers: await signInStaff(app, usernames.vaccinator),
      payload: {
        personId,
        productCode: 'COMIRNATY-30',
        administeredAt,
        lot: 'FK1234',
        lotExpiry: '2021-12-31',
        volumeMl: 0.3,
        riskCategory: 'Età > 60 anni',
        healthCondition: 'Nessuna condizione sanitaria a rischio',
        route: 'intramuscular',
        site: 'left_deltoid',
        vaccinationPointId: point,
        certificateContacts: { mobile: null, email: null, confirmed: true },
        consent: CONSENT,
      },
    });
    expect(response.statusCode, response.body).toBe(201);
    return response.json<{ id: number; doseNumber: number }>();
  };

  /** The administrations of each identity, by id, with their dose numbers. */
  const doses = async (ids: readonly number[]) =>
    (
      await sql<{ id: number; person_id: number; dose_number: number }>`SELECT id, person_id, dose_number
        FROM administrations WHERE person_id IN (${sql.join(ids)}) AND deleted_at IS NULL ORDER BY id`.execute(
        database().db,
      )
    ).rows.map((row) => ({
      id: Number(row.id),
      personId: Number(row.person_id),
      doseNumber: row.dose_number,
    }));

  const audited = async (action: string, entityId: number) =>
    (
      await database()
        .db.selectFrom('audit_log')
        .select('actor_id')
        .where('action', '=', action)
        .where('entity_id', '=', String(entityId))
        .execute()
    ).length;

  /** Marks `obsolete` as replaced by `current` through the form, as the point's manager. */
  const markReplaced = async (browser: FormBrowser, obsolete: number, identifier: string) => {
    const preview = await browser.get(
      `${BASE}/persons/${String(obsolete)}/replaced?identifier=${identifier}`,
    );
    expect(preview.statusCode, preview.body.slice(0, 2000)).toBe(200);
    return {
      preview,
      posted: await browser.post(`${BASE}/persons/${String(obsolete)}/replaced`, {
        _csrf: valueOf(preview.body, '_csrf'),
        identifier: valueOf(preview.body, 'identifier'),
      }),
    };
  };

  beforeAll(async () => {
    await loadReferenceData(database());
    await generatePopulationIntoDatabase(database(), { people: 300, seed: 77 });
    usernames = await ensureStaffOfEveryRole(database());
    ({ app } = await buildTestApp(database(), { now: NOW }));
    const eligibility = new EligibilityService(database().db, fixedClock(NOW), '03');
    await eligibility.loadShippedPlanVersions();
    booking = new BookingService(database().db, fixedClock(NOW), eligibility);
    point = (
      await database()
        .db.selectFrom('vaccination_points')
        .select('id')
        .orderBy('code')
        .executeTakeFirstOrThrow()
    ).id;
    people = (
      await sql<{ id: number; tax_code: string; surname: string }>`SELECT id, tax_code, surname FROM persons
        WHERE birth_date BETWEEN '1940-01-01' AND '1950-12-31' AND status = 'active' AND tax_code IS NOT NULL
        ORDER BY id LIMIT 6`.execute(database().db)
    ).rows.map((row) => ({ id: Number(row.id), taxCode: row.tax_code, surname: row.surname }));
    expect(people).toHaveLength(6);
  }, 120_000);

  it('REG-7 UX-2 the point manager marks a replaced tax code from the form, both identities side by side; audited; the page flags it and links the current one', async () => {
    const [obsolete, current] = [person(0), person(1)];
    await record(obsolete.id, '2021-06-01T09:00:00Z');
    const browser = await signIn('point_admin');

    const page = await browser.get(`${BASE}/persons/${String(obsolete.id)}`);
    expect(page.body).toContain(`href="${BASE}/persons/${String(obsolete.id)}/replaced"`);
    const form = await browser.get(`${BASE}/persons/${String(obsolete.id)}/replaced`);
    expect(form.statusCode).toBe(200);
    expect(form.body).toMatch(/<input[^>]*name="identifier"[^>]*autofocus/);

    const { preview, posted } = await markReplaced(browser, obsolete.id, current.taxCode);
    // Side by side: both names and codes, and how many administrations each holds (1 and 0).
    const text = visibleText(preview.body);
    expect(text).toContain(obsolete.surname);
    expect(text).toContain(current.surname);
    expect(text).toContain(obsolete.taxCode);
    expect(text).toMatch(/Somministrazioni 1 0/);

    const done = await browser.follow(posted);
    expect(String(posted.headers.location)).toBe(`${BASE}/persons/${String(obsolete.id)}?done=obsolete`);
    expect(visibleText(done.body)).toContain('Identità resa obsoleta');
    expect(visibleText(done.body)).toContain(`l’identità attuale è ${current.taxCode}`);
    expect(done.body).toContain(`href="${BASE}/persons/${String(current.id)}"`);
    expect(done.body).toContain(`href="${BASE}/persons/${String(obsolete.id)}/records-move"`);
    expect(await audited('mark_obsolete', obsolete.id)).toBe(1);

    // REG-7: search results flag the obsolete identity with the current tax code beside it.
    const search = await browser.get(`${BASE}/search?identifier=${obsolete.taxCode}&tier=regional`);
    expect(visibleText(search.body)).toContain(`sostituita da ${current.taxCode}`);
  });

  it('REG-7 moves the records to the current identity: nothing lost or duplicated, dose numbers recomputed, what moved said; again, nothing to move', async () => {
    const [obsolete, current] = [person(0), person(1)];
    // The current identity, unaware of the June dose of the old one, numbered its July dose 1.
    const july = await record(current.id, '2021-07-15T09:00:00Z');
    expect(july.doseNumber).toBe(1);
    const before = await doses([obsolete.id, current.id]);
    expect(before).toHaveLength(2);
    const browser = await signIn('point_admin');

    const confirm = await browser.get(`${BASE}/persons/${String(obsolete.id)}/records-move`);
    expect(confirm.statusCode).toBe(200);
    expect(visibleText(confirm.body)).toMatch(/Somministrazioni 1 1/);
    const posted = await browser.post(`${BASE}/persons/${String(obsolete.id)}/records-move`, {
      _csrf: valueOf(confirm.body, '_csrf'),
    });
    const done = await browser.follow(posted);
    expect(String(posted.headers.location)).toMatch(
      new RegExp(`^${BASE}/persons/${String(current.id)}\\?done=moved&moved=`),
    );
    const said = visibleText(done.body);
    expect(said).toContain('Dati spostati su questa persona');
    expect(said).toContain('somministrazioni: 1');
    expect(said).toContain('numeri di dose ricalcolati: 1');

    const after = await doses([obsolete.id, current.id]);
    // Nothing lost, nothing duplicated: the same administrations, all on the current identity, renumbered.
    expect(after.map((row) => row.id)).toEqual(before.map((row) => row.id));
    expect(after.every((row) => row.personId === current.id)).toBe(true);
    expect(after.map((row) => row.doseNumber)).toEqual([1, 2]);
    expect(await audited('move_records', current.id)).toBe(1);

    // A second submission is harmless: nothing more to move, nothing changes.
    const again = await browser.follow(
      await browser.post(`${BASE}/persons/${String(obsolete.id)}/records-move`, {
        _csrf: valueOf(confirm.body, '_csrf'),
      }),
    );
    expect(visibleText(again.body)).toContain('Nulla da spostare');
    expect(await doses([obsolete.id, current.id])).toEqual(after);
  });

  it('REG-7 UX-2 a refusal is said next to the field with the summary on top: the same person, an unknown code', async () => {
    const other = person(2);
    const browser = await signIn('point_admin');
    const { posted } = await markReplaced(browser, other.id, other.taxCode);
    expect(posted.statusCode).toBe(400);
    expect(visibleText(posted.body)).toContain('Errore: Un’identità non può sostituire sé stessa');
    expect(posted.body).toMatch(/class="form-control is-invalid"\s+id="identifier"/);
    expect(posted.body).toContain('href="#identifier"');
    expect(await audited('mark_obsolete', other.id)).toBe(0);

    const unknown = await browser.get(
      `${BASE}/persons/${String(other.id)}/replaced?identifier=ZZZZZZ00A00Z000Z`,
    );
    expect(unknown.statusCode).not.toBe(200);
    expect(unknown.body).toContain('href="#identifier"');
    expect(unknown.body).not.toContain('Conferma: è la stessa persona');
  });

  it('REG-7 a booking of both identities for the same dose stops the move, both bookings named; nothing moves', async () => {
    const [obsolete, current] = [person(4), person(5)];
    await openHubDays(booking, point, ['2021-09-10', '2021-10-01'], setup);
    const slot = (
      await database()
        .db.selectFrom('slots')
        .select('id')
        .where('vaccination_point_id', '=', point)
        .where('day', '=', '2021-09-10')
        .orderBy('starts_at')
        .executeTakeFirstOrThrow()
    ).id;
    const book = async (personId: number) =>
      (
        await booking.book(
          { personId, slotId: slot, idempotencyKey: undefined, channel: 'call_center' },
          setup,
        )
      ).confirmation.booking.code;
    const codes = [await book(obsolete.id), await book(current.id)];
    const browser = await signIn('point_admin');
    await browser.follow((await markReplaced(browser, obsolete.id, current.taxCode)).posted);

    const confirm = await browser.get(`${BASE}/persons/${String(obsolete.id)}/records-move`);
    expect(visibleText(confirm.body)).toMatch(/Prenotazioni aperte 2 2/);
    const refused = await browser.post(`${BASE}/persons/${String(obsolete.id)}/records-move`, {
      _csrf: valueOf(confirm.body, '_csrf'),
    });
    expect(refused.statusCode).toBe(409);
    // The first doses clash (and their second doses with them): each pair named, old / current.
    const said = visibleText(refused.body);
    expect(said).toContain('Le due identità hanno una prenotazione confermata per la stessa dose');
    expect(said).toContain(codes.join(' / '));
    expect(await audited('move_records', current.id)).toBe(0);
  });

  it('REG-7 SEC-1 a vaccinator sees no identity action and gets 403 from the pages and the posts', async () => {
    const [obsolete, other] = [person(0), person(3)];
    const browser = await signIn('vaccinator');
    const page = await browser.get(`${BASE}/persons/${String(other.id)}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain('/replaced"');
    for (const url of [
      `${BASE}/persons/${String(other.id)}/replaced`,
      `${BASE}/persons/${String(obsolete.id)}/records-move`,
    ]) {
      expect((await browser.get(url)).statusCode).toBe(403);
      expect((await browser.post(url, { identifier: person(1).taxCode })).statusCode).toBe(403);
    }
    expect(await audited('mark_obsolete', other.id)).toBe(0);
  });
});
