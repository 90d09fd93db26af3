import { beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../../../test/databases.ts';
import { buildTestApp, ensureStaffOfEveryRole, TEST_PASSWORD } from '../../../test/app.ts';
import { loadReferenceData } from '../../modules/reference/service.ts';
import { generatePopulationIntoDatabase } from '../../modules/population/service.ts';
import type { App } from '../http/types.ts';
import type { fixedClock } from '../clock.ts';
import type { ModuleRoutes } from '../http/app.ts';
import { Type } from 'typebox';

/** A signed-in write whose schema takes no extra field: it answers only if the CSRF field was consumed. */
const formEcho: ModuleRoutes = (app) => {
  app.post(
    '/test/form-echo',
    {
      schema: {
        operationId: 'testFormEcho',
        body: Type.Object({ name: Type.String() }, { additionalProperties: false }),
        response: { 200: Type.Object({ name: Type.String() }) },
      },
      config: { access: 'authenticated' },
    },
    (request) => request.body,
  );
};

interface Grant {
  token: string;
  session: { role: string; csrfToken: string; expiresAt: string };
}

describeEachDatabase('Sign-in and sessions', (database) => {
  let app: App;
  let clock: ReturnType<typeof fixedClock>;
  let citizen: { taxCode: string; card: string; otherCard: string };

  beforeAll(async () => {
    await loadReferenceData(database());
    await generatePopulationIntoDatabase(database(), { people: 30, seed: 7 });
    await ensureStaffOfEveryRole(database());
    ({ app, clock } = await buildTestApp(database(), { extraModules: [formEcho] }));
    const people = await database()
      .db.selectFrom('persons')
      .select(['tax_code', 'health_card_number'])
      .where('health_card_number', 'is not', null)
      .orderBy('id')
      .limit(2)
      .execute();
    const [first, second] = people;
    if (!first?.health_card_number || !second?.health_card_number || !first.tax_code) {
      throw new Error('population has no cards');
    }
    citizen = {
      taxCode: first.tax_code,
      card: first.health_card_number,
      otherCard: second.health_card_number,
    };
  });

  const signInCitizen = (taxCode: string, healthCardNumber: string, ip = '10.0.0.1') =>
    app.inject({
      method: 'POST',
      url: '/auth/citizen/session',
      payload: { taxCode, healthCardNumber },
      remoteAddress: ip,
    });

  it('REG-3 a citizen signs in with tax code and health-card number', async () => {
    const response = await signInCitizen(citizen.taxCode.toLowerCase(), citizen.card);
    expect(response.statusCode).toBe(201);
    const grant = response.json<Grant>();
    expect(grant.session.role).toBe('citizen');
    const cookie = response.cookies.find((c) => c.name === 'vaxhub_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    const me = await app.inject({
      method: 'GET',
      url: '/auth/session',
      headers: { authorization: `Bearer ${grant.token}` },
    });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ kind: 'citizen', channel: 'web' });
  });

  it('SEC-3 an unknown tax code and a wrong card get the same answer', async () => {
    const wrongCard = await signInCitizen(citizen.taxCode, citizen.otherCard, '10.0.0.2');
    const unknown = await signInCitizen('RSSMRA85T10A562S', citizen.card, '10.0.0.3');
    expect(wrongCard.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    const strip = (body: Record<string, unknown>) => ({ ...body, correlationId: undefined });
    expect(strip(wrongCard.json())).toEqual(strip(unknown.json()));
    expect(wrongCard.json()).toMatchObject({ code: 'CITIZEN_SIGN_IN_FAILED' });
  });

  it('SEC-3 locks a tax code after 5 failures, even for the right card, and reopens after 15 minutes', async () => {
    const [person] = await database()
      .db.selectFrom('persons')
      .select(['tax_code', 'health_card_number'])
      .where('health_card_number', 'is not', null)
      .orderBy('id', 'desc')
      .limit(1)
      .execute();
    if (!person?.health_card_number || !person.tax_code) throw new Error('no person');
    for (let attempt = 1; attempt <= 5; attempt++) {
      const failed = await signInCitizen(person.tax_code, citizen.otherCard, `10.1.0.${attempt}`);
      expect(failed.json()).toMatchObject({ code: 'CITIZEN_SIGN_IN_FAILED' });
    }
    const locked = await signInCitizen(person.tax_code, person.health_card_number, '10.1.1.1');
    expect(locked.statusCode).toBe(429);
    expect(locked.json()).toMatchObject({ code: 'SIGN_IN_LOCKED' });
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(14 * 60);
    clock.advance(15 * 60_000 + 1000);
    const reopened = await signInCitizen(person.tax_code, person.health_card_number, '10.1.1.1');
    expect(reopened.statusCode).toBe(201);
  });

  it('SEC-3 throttles a client address that sweeps many tax codes', async () => {
    let last = 0;
    for (let attempt = 0; attempt < 51; attempt++) {
      last = (await signInCitizen(`RSSMRA85T10A${String(100 + attempt)}X`, citizen.card, '10.9.9.9'))
        .statusCode;
    }
    expect(last).toBe(429);
    const otherAddress = await signInCitizen(citizen.taxCode, citizen.card, '10.9.9.10');
    expect(otherAddress.statusCode).toBe(201);
    clock.advance(16 * 60_000);
  });

  it('SEC-3 staff sign in with argon2id-hashed passwords; a wrong password is refused', async () => {
    const stored = await database()
      .db.selectFrom('staff_accounts')
      .select('password_hash')
      .where('username', '=', 'test.vaccinator')
      .executeTakeFirstOrThrow();
    expect(stored.password_hash).toMatch(/^\$argon2id\$/);
    const wrong = await app.inject({
      method: 'POST',
      url: '/auth/staff/session',
      payload: { username: 'test.vaccinator', password: 'nope' },
    });
    expect(wrong.json()).toMatchObject({ code: 'STAFF_SIGN_IN_FAILED' });
    const ok = await app.inject({
      method: 'POST',
      url: '/auth/staff/session',
      payload: { username: 'test.vaccinator', password: TEST_PASSWORD },
    });
    expect(ok.statusCode).toBe(201);
    expect(ok.json<Grant>().session).toMatchObject({
      role: 'vaccinator',
      staff: { vaccinationPointIds: [expect.any(Number)] },
    });
  });

  it('SEC-3 sessions expire, and sign-out ends them at once', async () => {
    const grant = (
      await app.inject({
        method: 'POST',
        url: '/auth/staff/session',
        payload: { username: 'test.auditor', password: TEST_PASSWORD },
      })
    ).json<Grant>();
    const me = () =>
      app.inject({
        method: 'GET',
        url: '/auth/session',
        headers: { authorization: `Bearer ${grant.token}` },
      });
    expect((await me()).statusCode).toBe(200);
    const signOut = await app.inject({
      method: 'DELETE',
      url: '/auth/session',
      headers: { authorization: `Bearer ${grant.token}` },
    });
    expect(signOut.statusCode).toBe(204);
    expect((await me()).json()).toMatchObject({ code: 'AUTHENTICATION_REQUIRED' });

    const second = (
      await app.inject({
        method: 'POST',
        url: '/auth/staff/session',
        payload: { username: 'test.auditor', password: TEST_PASSWORD },
      })
    ).json<Grant>();
    clock.advance(8 * 60 * 60_000 + 1000);
    const expired = await app.inject({
      method: 'GET',
      url: '/auth/session',
      headers: { authorization: `Bearer ${second.token}` },
    });
    expect(expired.statusCode).toBe(401);
  });

  it('SEC-3 a write authenticated by the cookie needs the CSRF token', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/auth/staff/session',
      payload: { username: 'test.gp', password: TEST_PASSWORD },
    });
    const grant = response.json<Grant>();
    const cookies = { vaxhub_session: grant.token };
    const withoutToken = await app.inject({ method: 'DELETE', url: '/auth/session', cookies });
    expect(withoutToken.statusCode).toBe(403);
    expect(withoutToken.json()).toMatchObject({ code: 'CSRF_TOKEN_INVALID' });
    const read = await app.inject({ method: 'GET', url: '/auth/session', cookies });
    expect(read.statusCode).toBe(200);
    const withToken = await app.inject({
      method: 'DELETE',
      url: '/auth/session',
      cookies,
      headers: { 'x-csrf-token': grant.session.csrfToken },
    });
    expect(withToken.statusCode).toBe(204);
  });

  it('SEC-3 a form posted with the cookie carries the CSRF token in a hidden field instead of the header', async () => {
    const grant = (await signInCitizen(citizen.taxCode, citizen.card)).json<Grant>();
    const token = grant.session.csrfToken;
    const post = (payload: string, headers: Record<string, string> = {}) =>
      app.inject({
        method: 'POST',
        url: '/test/form-echo',
        cookies: { vaxhub_session: grant.token },
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        payload,
      });

    const accepted = await post(`name=Ada&_csrf=${encodeURIComponent(token)}`);
    expect(accepted.statusCode).toBe(200);
    expect(accepted.json()).toEqual({ name: 'Ada' });

    for (const refused of [
      await post('name=Ada'),
      await post('name=Ada&_csrf=forged'),
      await post(`name=Ada&_csrf=${encodeURIComponent(token)}&_csrf=${encodeURIComponent(token)}`),
    ]) {
      expect(refused.statusCode).toBe(403);
      expect(refused.json()).toMatchObject({ code: 'CSRF_TOKEN_INVALID', pointer: '/body/_csrf' });
    }
    // A header, when sent, is what counts: a wrong one is not rescued by a right field.
    const wrongHeader = await post(`name=Ada&_csrf=${encodeURIComponent(token)}`, {
      'x-csrf-token': 'forged',
    });
    expect(wrongHeader.json()).toMatchObject({
      code: 'CSRF_TOKEN_INVALID',
      pointer: '/headers/x-csrf-token',
    });
    // JSON clients can send headers: the field is accepted from forms only.
    const json = await app.inject({
      method: 'POST',
      url: '/test/form-echo',
      cookies: { vaxhub_session: grant.token },
      payload: { name: 'Ada', _csrf: token },
    });
    expect(json.statusCode).toBe(403);
  });

  it('SEC-3 sessions expired for a day are swept at the next sign-in', async () => {
    const count = async () =>
      Number(
        (
          await database()
            .db.selectFrom('sessions')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = await count();
    expect(before).toBeGreaterThan(2);
    clock.advance(33 * 60 * 60_000); // past the longest session (8 h) plus the day of grace
    const response = await signInCitizen(citizen.taxCode, citizen.card, '10.7.7.7');
    expect(response.statusCode).toBe(201);
    expect(await count()).toBe(1);
  });

  it('SEC-4 sign-in is audited without the tax code', async () => {
    const rows = await database()
      .db.selectFrom('audit_log')
      .selectAll()
      .where('entity_type', '=', 'session')
      .where('action', '=', 'sign_in')
      .execute();
    expect(rows.length).toBeGreaterThan(3);
    expect(JSON.stringify(rows)).not.toContain(citizen.taxCode);
  });
});
