import { beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from './databases.ts';
import { buildTestApp, ensureStaffOfEveryRole, TEST_PASSWORD } from './app.ts';
import { loadReferenceData } from '../src/modules/reference/service.ts';
import { generatePopulationIntoDatabase } from '../src/modules/population/service.ts';
import { ALL_ROLES, isAllowed, type Role } from '../src/platform/auth/roles.ts';
import type { RouteEntry } from '../src/platform/http/types.ts';
import { isServerFailure } from './fuzz.ts';
import type { App } from '../src/platform/http/types.ts';
import { EligibilityService } from '../src/modules/eligibility/service.ts';
import { fixedClock } from '../src/platform/clock.ts';

type Principal = Role | 'anonymous';
const PRINCIPALS: Principal[] = ['anonymous', ...ALL_ROLES];
const DENIALS = new Set(['AUTHENTICATION_REQUIRED', 'ROLE_NOT_ALLOWED']);

/** Sign-outs (the API's, the portal's) end the session they are called with: last, each with fresh sessions. */
const signsOut = (route: RouteEntry): boolean => /^(signOut|[a-z]+SignOut)$/.test(route.operationId);
const ordered = (routes: RouteEntry[]) =>
  [...routes].sort((a, b) => Number(signsOut(a)) - Number(signsOut(b)));

describeEachDatabase('SEC-1 every route as every role', (database) => {
  let app: App;
  let routes: RouteEntry[];
  const tokens = new Map<Principal, string>();

  let usernames: Record<string, string>;

  const signInEveryone = async () => {
    for (const [role, username] of Object.entries(usernames)) {
      const response = await app.inject({
        method: 'POST',
        url: '/auth/staff/session',
        payload: { username, password: TEST_PASSWORD },
      });
      tokens.set(role as Role, response.json<{ token: string }>().token);
    }
    const person = await database()
      .db.selectFrom('persons')
      .select(['tax_code', 'health_card_number'])
      .where('health_card_number', 'is not', null)
      .executeTakeFirstOrThrow();
    const citizen = await app.inject({
      method: 'POST',
      url: '/auth/citizen/session',
      payload: { taxCode: person.tax_code, healthCardNumber: person.health_card_number },
    });
    tokens.set('citizen', citizen.json<{ token: string }>().token);
  };

  beforeAll(async () => {
    await loadReferenceData(database());
    await generatePopulationIntoDatabase(database(), { people: 5, seed: 3 });
    usernames = await ensureStaffOfEveryRole(database());
    ({ app, routes } = await buildTestApp(database()));
    await new EligibilityService(
      database().db,
      fixedClock('2021-04-02T08:00:00Z'),
      '03',
    ).loadShippedPlanVersions();
    await signInEveryone();
  });

  it('SEC-1 the matrix covers every documented operation', async () => {
    const document = (await app.inject({ method: 'GET', url: '/openapi.json' })).json<{
      paths: Record<string, Record<string, { operationId: string }>>;
    }>();
    const documented = Object.values(document.paths)
      .flatMap((path) => Object.values(path).map((operation) => operation.operationId))
      .sort();
    expect(routes.map((route) => route.operationId).sort()).toEqual(documented);
  });

  it('SEC-1 each role is allowed exactly where its route says, and denied elsewhere', async () => {
    const verdicts: string[] = [];
    const mismatches: string[] = [];
    for (const route of ordered(routes)) {
      if (signsOut(route)) await signInEveryone();
      for (const principal of PRINCIPALS) {
        const token = tokens.get(principal);
        const response = await app.inject({
          method: route.method as 'GET',
          url: route.url.replace(/:(\w+)/g, '1'),
          headers: token ? { authorization: `Bearer ${token}` } : {},
          ...(['POST', 'PUT', 'PATCH'].includes(route.method) ? { payload: {} } : {}),
        });
        const code = String(response.headers['content-type'] ?? '').includes('problem+json')
          ? response.json<{ code: string }>().code
          : '';
        const denied = DENIALS.has(code);
        const expectAllowed = isAllowed(route.access, principal === 'anonymous' ? undefined : principal);
        verdicts.push(`${route.operationId} ${principal} ${denied ? 'denied' : 'allowed'}`);
        if (expectAllowed === denied || isServerFailure(response.statusCode, code)) {
          mismatches.push(`${route.method} ${route.url} as ${principal}: ${response.statusCode} ${code}`);
        }
        if (denied) {
          expect(response.statusCode, `${route.method} ${route.url} as ${principal}: ${code}`).toBe(
            principal === 'anonymous' ? 401 : 403,
          );
        }
      }
    }
    expect(mismatches).toEqual([]);
    expect(verdicts).toHaveLength(routes.length * PRINCIPALS.length);
    // Every route × every principal, one request each: the time grows with the API, not with a defect.
  }, 180_000);

  it('every route answers malformed input with a problem+json, never a 5xx', async () => {
    const junkBodies: { payload: string; contentType: string }[] = [
      { payload: '{"a": ', contentType: 'application/json' },
      { payload: '[]', contentType: 'application/json' },
      { payload: '"text"', contentType: 'application/json' },
      {
        payload: '{"taxCode": 12, "username": [], "password": {"x": 1e309}}',
        contentType: 'application/json',
      },
      { payload: '\u0000\uffff', contentType: 'application/json' },
      { payload: 'a=1&b=2', contentType: 'application/x-www-form-urlencoded' },
      { payload: '<xml/>', contentType: 'application/xml' },
    ];
    const failures: string[] = [];
    for (const route of ordered(routes)) {
      const principal = PRINCIPALS.find((p) => isAllowed(route.access, p === 'anonymous' ? undefined : p));
      const token = principal ? tokens.get(principal) : undefined;
      const headers = token ? { authorization: `Bearer ${token}` } : {};
      const urls = [
        route.url.replace(/:(\w+)/g, '%00'),
        route.url.replace(/:(\w+)/g, 'x'.repeat(300)),
        `${route.url.replace(/:(\w+)/g, '1')}?page=-1&limit=abc`,
      ];
      const hasBody = ['POST', 'PUT', 'PATCH'].includes(route.method);
      for (const url of urls) {
        for (const body of hasBody ? junkBodies : [undefined]) {
          if (signsOut(route)) continue;
          const response = await app.inject({
            method: route.method as 'GET',
            url,
            headers: body ? { ...headers, 'content-type': body.contentType } : headers,
            ...(body ? { payload: body.payload } : {}),
          });
          const isProblem = String(response.headers['content-type'] ?? '').includes(
            'application/problem+json',
          );
          const code = isProblem ? response.json<{ code: string }>().code : '';
          if (isServerFailure(response.statusCode, code) || (response.statusCode >= 400 && !isProblem)) {
            failures.push(`${route.method} ${url} ${body?.payload ?? ''}: ${response.statusCode}`);
          }
        }
      }
    }
    expect(failures).toEqual([]);
  });
});
