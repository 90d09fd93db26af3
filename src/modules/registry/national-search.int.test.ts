import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../../../test/databases.ts';
import { buildTestApp, ensureStaffOfEveryRole, TEST_PASSWORD } from '../../../test/app.ts';
import { loadReferenceData } from '../reference/service.ts';
import { createLogger } from '../../platform/logging.ts';
import { fixedClock } from '../../platform/clock.ts';
import type { App } from '../../platform/http/types.ts';
import { buildNationalApp } from '../../national/app.ts';
import { DEVELOPMENT_ADMIN_TOKEN, loadNationalConfig } from '../../national/config.ts';
import { seedNationalRegistry } from '../../national/seed.ts';
import { openMigratedNationalTestDatabase } from '../../national/test-databases.ts';
import type { NationalDatabase } from '../../national/db.ts';
import { DEMO_SEED } from '../demo/seed.ts';

/** The real national simulator on a loopback port, seeded small: the regional side talks HTTP to it. */
let national: App;
let nationalDb: NationalDatabase;
let nationalUrl: string;
let outOfRegion: { identifier: string; mobile: string | null; email: string | null };

beforeAll(async () => {
  nationalDb = await openMigratedNationalTestDatabase('pglite');
  await seedNationalRegistry(nationalDb, {
    regionPeople: 50,
    regionSeed: DEMO_SEED,
    otherRegionPeople: 30,
    aire: 5,
    foreigners: 5,
  });
  national = await buildNationalApp({
    config: loadNationalConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' }),
    database: nationalDb,
    clock: fixedClock('2021-04-02T08:00:00Z'),
    logger: createLogger('silent'),
  });
  nationalUrl = await national.listen({ host: '127.0.0.1', port: 0 });
  const row = await nationalDb.db
    .selectFrom('persons')
    .select(['identifier', 'mobile', 'email'])
    .where('status', '=', 'OUT_OF_REGION')
    .where('identifier_type', '=', 'CF')
    .orderBy('identifier')
    .executeTakeFirstOrThrow();
  outOfRegion = row;
}, 60_000);

afterAll(async () => {
  await national.close();
  await nationalDb.close();
});

const setFaults = (body: object) =>
  national.inject({
    method: 'PUT',
    url: '/admin/faults',
    payload: body,
    headers: { 'x-admin-token': DEVELOPMENT_ADMIN_TOKEN },
  });

describeEachDatabase('REG-5 national search tier and import', (database) => {
  let app: App;
  let headers: Record<string, string>;

  beforeAll(async () => {
    await loadReferenceData(database());
    await ensureStaffOfEveryRole(database());
    ({ app } = await buildTestApp(database(), {
      env: { NATIONAL_URL: nationalUrl, NATIONAL_TIMEOUT_MS: '300' },
    }));
    const grant = await app.inject({
      method: 'POST',
      url: '/auth/staff/session',
      payload: { username: 'test.vaccinator', password: TEST_PASSWORD },
    });
    headers = { authorization: `Bearer ${grant.json<{ token: string }>().token}` };
  });

  it('REG-5 an out-of-region person is found nationally by identifier, then imported with provenance', async () => {
    await setFaults({ mode: 'none' });
    const found = await app.inject({
      method: 'GET',
      url: `/national/persons/${outOfRegion.identifier}`,
      headers,
    });
    expect(found.statusCode).toBe(200);
    expect(found.json()).toMatchObject({
      person: { identifier: { value: outOfRegion.identifier } },
      localPersonId: null,
    });

    const imported = await app.inject({
      method: 'POST',
      url: '/persons/import',
      payload: { identifier: outOfRegion.identifier },
      headers,
    });
    expect(imported.statusCode).toBe(201);
    const body = imported.json<{
      person: { id: number; provenance: string; status: string };
      imported: boolean;
      hint: unknown;
    }>();
    expect(body.person).toMatchObject({ provenance: 'national_import', status: 'OUT_OF_REGION' });
    expect(body.hint === null).toBe(Boolean(outOfRegion.mobile ?? outOfRegion.email));

    const again = await app.inject({
      method: 'POST',
      url: '/persons/import',
      payload: { identifier: outOfRegion.identifier },
      headers,
    });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ imported: false, person: { id: body.person.id } });
    const audits = await database()
      .db.selectFrom('audit_log')
      .select('id')
      .where('action', '=', 'import_national')
      .execute();
    expect(audits).toHaveLength(1);
  });

  it('REG-5 a person unknown nationally is a clear 404', async () => {
    await setFaults({ mode: 'none' });
    const response = await app.inject({ method: 'GET', url: '/national/persons/RSSMRA85T10A562S', headers });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ code: 'PERSON_NOT_FOUND_NATIONALLY' });
  });

  it.each([
    ['down', { mode: 'down' }],
    ['slow beyond the timeout', { mode: 'slow', delayMs: 5000 }],
    ['answering 5xx', { mode: 'error5xx' }],
  ])(
    'REG-5 with the national registry %s the operator gets "unreachable, try again" and local search still works',
    async (_case, faults) => {
      await setFaults(faults);
      try {
        const response = await app.inject({
          method: 'GET',
          url: `/national/persons/${outOfRegion.identifier}`,
          headers,
        });
        expect(response.statusCode).toBe(503);
        expect(response.json()).toMatchObject({ code: 'NATIONAL_REGISTRY_UNREACHABLE' });
        expect(response.headers['retry-after']).toBe('30');
        const local = await app.inject({ method: 'GET', url: '/persons?surname=Rossi', headers });
        expect(local.statusCode).toBe(200);
      } finally {
        await setFaults({ mode: 'none' });
      }
    },
  );
});
