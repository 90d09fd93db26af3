import { beforeAll, expect, it } from 'vitest';
import { sql } from 'kysely';
import { describeEachDatabase } from '../../../test/databases.ts';
import { buildTestApp, ensureStaffOfEveryRole, TEST_PASSWORD } from '../../../test/app.ts';
import { FormBrowser } from '../../../test/form-browser.ts';
import { loadReferenceData } from '../reference/service.ts';
import { generatePopulationIntoDatabase } from '../population/service.ts';
import { EligibilityService } from '../eligibility/service.ts';
import { seedDemoCapacity } from '../demo/seed.ts';
import type { App } from '../../platform/http/types.ts';
import type { StaffRole } from '../../platform/auth/roles.ts';
import { valueOf, visibleText } from '../../../test/portal-fixtures.ts';

interface Person {
  id: number;
  tax_code: string;
  health_card_number: string;
  surname: string;
  given_name: string;
  birth_date: string;
}

const CREMONA = { province: '019', municipalityIstat: '019036', cap: '26100' };
const DAY = '2021-04-14';

describeEachDatabase('call-center console', (database) => {
  let app: App;
  let usernames: Record<StaffRole, string>;
  let elderly: Person[];
  let young: Person[];

  const people = async (where: string, limit: number) =>
    (
      await sql<Person>`SELECT id, tax_code, health_card_number, surname, given_name, birth_date::text AS birth_date
        FROM persons WHERE health_card_number IS NOT NULL AND status = 'active' AND ${sql.raw(where)}
        AND NOT EXISTS (SELECT 1 FROM entitlements e WHERE e.person_id = persons.id) ORDER BY id LIMIT ${limit}`.execute(
        database().db,
      )
    ).rows;

  const staff = async (role: StaffRole) => {
    const browser = new FormBrowser(app);
    const home = await browser.follow(
      await browser.post('/console/sign-in', { username: usernames[role], password: TEST_PASSWORD }),
    );
    expect(home.statusCode).toBe(200);
    return { browser, csrf: valueOf(home.body, '_csrf'), home };
  };

  const hubsQuery = (extra: Record<string, string> = {}) =>
    new URLSearchParams({ ...CREMONA, date: DAY, time: '10:00', ...extra }).toString();

  beforeAll(async () => {
    await loadReferenceData(database());
    await generatePopulationIntoDatabase(database(), { people: 1500, seed: 47 });
    usernames = await ensureStaffOfEveryRole(database());
    const built = await buildTestApp(database(), { now: '2021-04-10T08:00:00Z' });
    app = built.app;
    await new EligibilityService(database().db, built.clock, '03').loadShippedPlanVersions();
    await seedDemoCapacity(database(), built.clock, () => undefined);
    elderly = await people(`birth_date BETWEEN '1942-01-01' AND '1946-12-31'`, 4);
    young = await people(`birth_date BETWEEN '1965-01-01' AND '1995-12-31'`, 4);
    if (elderly.length < 4 || young.length < 4) throw new Error('the population lacks the people needed');
  });

  it('REG-5 REG-3 an operator identifies a caller in the regional registry by tax code and card, or by surname, name and birth date, and reads the identity back; a wrong card is refused on its field', async () => {
    const { browser, home } = await staff('call_center');
    expect(home.body).toContain('href="/console/call-center"');
    const caller = elderly[0] as Person;
    const form = await browser.get('/console/call-center');
    expect(form.statusCode).toBe(200);
    expect(form.body).toMatch(/<input[^>]*name="identifier"[^>]*autofocus/);

    const byCard = await browser.get(
      `/console/call-center?${new URLSearchParams({ tier: 'regional', identifier: caller.tax_code.toLowerCase(), healthCardNumber: caller.health_card_number }).toString()}`,
    );
    expect(byCard.statusCode).toBe(200);
    expect(visibleText(byCard.body)).toContain(`${caller.surname} ${caller.given_name}`);
    expect(byCard.body).toContain(`href="/console/call-center/persons/${caller.id}"`);

    const wrongCard = await browser.get(
      `/console/call-center?${new URLSearchParams({ tier: 'regional', identifier: caller.tax_code, healthCardNumber: '80380000000000000000' }).toString()}`,
    );
    expect(wrongCard.statusCode).toBe(400);
    expect(wrongCard.body).toContain('href="#healthCardNumber"');
    expect(wrongCard.body).not.toContain(`/console/call-center/persons/${caller.id}"`);

    const byName = await browser.get(
      `/console/call-center?${new URLSearchParams({ tier: 'regional', surname: caller.surname, givenName: caller.given_name, birthDate: caller.birth_date }).toString()}`,
    );
    expect(byName.statusCode).toBe(200);
    expect(byName.body).toContain(`href="/console/call-center/persons/${caller.id}"`);

    const tooShort = await browser.get('/console/call-center?tier=regional&surname=X');
    expect(tooShort.statusCode).toBe(400);
    expect(tooShort.body).toContain('href="#surname"');
  });

  it('ELIG-5 BOOK-11 an operator reads why a caller can book, books on their behalf with the call-center channel, reads it back and cancels it', async () => {
    const { browser, csrf } = await staff('call_center');
    const caller = elderly[1] as Person;
    const record = await browser.get(`/console/call-center/persons/${caller.id}`);
    expect(record.statusCode).toBe(200);
    expect(visibleText(record.body)).toContain('Sì, può prenotare');
    expect(visibleText(record.body)).toContain('Prossimo passo: BOOK');
    const notYet = await browser.get(`/console/call-center/persons/${(young[0] as Person).id}`);
    expect(visibleText(notYet.body)).toContain('No, non può ancora prenotare');
    expect(notYet.body).not.toContain(`/persons/${(young[0] as Person).id}/book"`);

    const base = `/console/call-center/persons/${caller.id}/book`;
    expect((await browser.get(base)).statusCode).toBe(200);
    const hubs = await browser.get(`${base}/hubs?${hubsQuery()}`);
    expect(hubs.statusCode).toBe(200);
    expect(hubs.body).toContain(`action="${base}/confirm"`);
    const confirm = await browser.get(
      `${base}/confirm?${hubsQuery({ slotId: valueOf(hubs.body, 'slotId') })}`,
    );
    expect(confirm.statusCode).toBe(200);
    expect(visibleText(confirm.body)).toContain(`${caller.surname} ${caller.given_name}`);
    const booked = await browser.follow(
      await browser.post(`${base}/confirm`, {
        _csrf: csrf,
        slotId: valueOf(confirm.body, 'slotId'),
        idempotencyKey: valueOf(confirm.body, 'idempotencyKey'),
      }),
    );
    expect(booked.statusCode).toBe(200);
    const code = /Codice della prenotazione: ([A-Z0-9]{8})/.exec(visibleText(booked.body))?.[1] ?? '';
    expect(code).toMatch(/^[A-Z0-9]{8}$/);
    const row = await sql<{ channel: string; created_by_kind: string }>`
      SELECT channel, created_by_kind FROM bookings WHERE code = ${code}`.execute(database().db);
    expect(row.rows[0]).toEqual({ channel: 'call_center', created_by_kind: 'staff' });

    // Read back from the caller's record, then cancel with the reason and the second dose asked.
    const again = await browser.get(`/console/call-center/persons/${caller.id}`);
    expect(again.body).toContain(`href="/console/call-center/persons/${caller.id}/bookings/${code}"`);
    const cancelPage = await browser.get(`/console/call-center/persons/${caller.id}/bookings/${code}/cancel`);
    expect(cancelPage.statusCode).toBe(200);
    const incomplete = await browser.post(
      `/console/call-center/persons/${caller.id}/bookings/${code}/cancel`,
      {
        _csrf: csrf,
      },
    );
    expect(incomplete.statusCode).toBe(400);
    const cancelled = await browser.follow(
      await browser.post(`/console/call-center/persons/${caller.id}/bookings/${code}/cancel`, {
        _csrf: csrf,
        reason: 'cannot_attend',
        secondDose: 'cancel',
      }),
    );
    expect(visibleText(cancelled.body)).toContain('Prenotazione annullata');

    // SEC-2 by path: another person's booking is not found under this caller.
    const other = await browser.get(
      `/console/call-center/persons/${(elderly[2] as Person).id}/bookings/${code}`,
    );
    expect(other.statusCode).toBe(404);
  });

  it('ELIG-13 ELIG-15 an operator links caregivers to a fragile caller and books the group at one hub with the call-center channel', async () => {
    const fragile = young[1] as Person;
    await new EligibilityService(database().db, { now: () => new Date('2021-04-01T08:00:00Z') }, '03').grant(
      fragile.id,
      {
        category: 'severe_disability',
        conditionCode: null,
        source: 'inps_list',
        evidenceStatus: 'verified',
        validFrom: new Date('2021-04-01T08:00:00Z'),
        reason: null,
        sourceReference: null,
      },
      {
        actorKind: 'system',
        actorId: null,
        actorRole: null,
        channel: 'system',
        correlationId: 'test',
        now: new Date('2021-04-01T08:00:00Z'),
      },
    );
    const { browser, csrf } = await staff('call_center');
    const base = `/console/call-center/persons/${fragile.id}`;
    for (const carer of young.slice(2)) {
      const linked = await browser.post(`${base}/links`, {
        _csrf: csrf,
        linkTaxCode: carer.tax_code,
        linkHealthCardNumber: carer.health_card_number,
        relation: 'caregiver',
      });
      expect(linked.statusCode).toBe(303);
    }
    const missing = await browser.post(`${base}/links`, { _csrf: csrf, relation: 'caregiver' });
    expect(missing.statusCode).toBe(400);
    expect(missing.body).toContain('href="#linkTaxCode"');
    const record = await browser.get(`${base}?done=linked`);
    expect(visibleText(record.body)).toContain('Posti ancora liberi: 1 su 3');
    const chosen = [...record.body.matchAll(/name="people"\s+value="([^"]+)"/g)].map((m) => m[1] ?? '');
    expect(chosen).toHaveLength(3);
    const query = (extra: Record<string, string> = {}) => {
      const params = new URLSearchParams(hubsQuery(extra));
      for (const value of chosen) params.append('people', value);
      return params.toString();
    };
    const hubs = await browser.get(`${base}/group/hubs?${query()}`);
    expect(hubs.statusCode).toBe(200);
    const confirm = await browser.get(
      `${base}/group/confirm?${query({ slotId: valueOf(hubs.body, 'slotId') })}`,
    );
    expect(confirm.statusCode).toBe(200);
    const done = await browser.follow(
      await browser.post(`${base}/group/confirm`, {
        _csrf: csrf,
        slotId: valueOf(confirm.body, 'slotId'),
        idempotencyKey: valueOf(confirm.body, 'idempotencyKey'),
        people: chosen,
      }),
    );
    expect(done.statusCode).toBe(200);
    const codes = [...visibleText(done.body).matchAll(/Codice della prenotazione: ([A-Z0-9]{8})/g)].map(
      (m) => m[1] ?? '',
    );
    expect(codes).toHaveLength(3);
    const rows = (
      await sql<{ vaccination_point_id: number; channel: string }>`
        SELECT vaccination_point_id, channel FROM bookings WHERE code = ANY(${codes}::text[])`.execute(
        database().db,
      )
    ).rows;
    expect(new Set(rows.map((r) => r.vaccination_point_id)).size).toBe(1);
    expect(rows.every((r) => r.channel === 'call_center')).toBe(true);
  });

  it('ELIG-16 a supervisor changes a category with a reason, audited; an operator may not', async () => {
    const person = young[0] as Person;
    const operator = await staff('call_center');
    const refused = await operator.browser.post(`/console/call-center/persons/${person.id}/category`, {
      _csrf: operator.csrf,
      category: 'severe_disability',
      evidenceStatus: 'verified',
      categoryReason: 'certificate read on the phone',
    });
    expect(refused.statusCode).toBe(403);
    const { browser, csrf } = await staff('contact_center_supervisor');
    const record = await browser.get(`/console/call-center/persons/${person.id}`);
    expect(record.body).toContain('action="/console/call-center/persons/');
    const noReason = await browser.post(`/console/call-center/persons/${person.id}/category`, {
      _csrf: csrf,
      category: 'severe_disability',
      evidenceStatus: 'verified',
    });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.body).toContain('href="#categoryReason"');
    const changed = await browser.follow(
      await browser.post(`/console/call-center/persons/${person.id}/category`, {
        _csrf: csrf,
        category: 'severe_disability',
        evidenceStatus: 'verified',
        categoryReason: 'INPS certificate sent by e-mail',
      }),
    );
    expect(visibleText(changed.body)).toContain('Categoria cambiata');
    const entitlement = await sql<{ source: string; reason: string }>`
      SELECT source, reason FROM entitlements WHERE person_id = ${person.id}`.execute(database().db);
    expect(entitlement.rows).toEqual([
      { source: 'contact_center', reason: 'INPS certificate sent by e-mail' },
    ]);
    const audit = await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_log
      WHERE entity_type = 'entitlement' AND actor_role = 'contact_center_supervisor'`.execute(database().db);
    expect(audit.rows[0]?.n).toBeGreaterThan(0);
  });

  it('ELIG-17 a supervisor inserts an AIRE person entitled by age into the booking lists; a resident is refused as not needed', async () => {
    const person = elderly[3] as Person;
    await sql`UPDATE persons SET status = 'aire' WHERE id = ${person.id}`.execute(database().db);
    const { browser, csrf } = await staff('contact_center_supervisor');
    const before = await browser.get(`/console/call-center/persons/${person.id}`);
    expect(visibleText(before.body)).toContain('No, non può ancora prenotare');
    const inserted = await browser.follow(
      await browser.post(`/console/call-center/persons/${person.id}/booking-lists`, {
        _csrf: csrf,
        insertReason: 'aire',
        insertNote: 'back in Italy until June',
      }),
    );
    expect(visibleText(inserted.body)).toContain('Persona inserita negli elenchi');
    expect(visibleText(inserted.body)).toContain('Sì, può prenotare');
    const resident = await browser.post(
      `/console/call-center/persons/${(elderly[0] as Person).id}/booking-lists`,
      {
        _csrf: csrf,
        insertReason: 'other',
        insertNote: 'not needed',
      },
    );
    expect(resident.statusCode).toBe(409);
  });

  it('SEC-1 a citizen cannot open the call-center console, and a call-center operator cannot record doses', async () => {
    const caller = elderly[0] as Person;
    const citizen = new FormBrowser(app);
    await citizen.follow(
      await citizen.post('/portal/sign-in', {
        taxCode: caller.tax_code,
        healthCardNumber: caller.health_card_number,
      }),
    );
    const refused = await citizen.get('/console/call-center');
    expect(refused.statusCode).not.toBe(200);
    expect(refused.body).not.toContain('action="/console/call-center"');
    const { browser, csrf } = await staff('call_center');
    const record = await browser.get(`/console/vaccination-point/persons/${caller.id}/record`);
    expect(record.statusCode).toBe(403);
    const post = await browser.post(`/console/vaccination-point/persons/${caller.id}/record`, {
      _csrf: csrf,
    });
    expect(post.statusCode).toBe(403);
    const api = await app.inject({
      method: 'POST',
      url: '/administrations',
      cookies: Object.fromEntries(browser.cookies),
      headers: { 'x-csrf-token': csrf },
      payload: {},
    });
    expect([400, 403]).toContain(api.statusCode);
    expect(api.json<{ code: string }>().code).toBe('ROLE_NOT_ALLOWED');
  });
});
