import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import net from 'node:net';
import { Writable } from 'node:stream';
import { sql } from 'kysely';
import { fixedClock } from '../platform/clock.ts';
import { createLogger } from '../platform/logging.ts';
import type { App } from '../platform/http/types.ts';
import { DEMO_SEED } from '../modules/demo/seed.ts';
import { generatePopulation } from '../modules/population/generator.ts';
import { loadPopulationReference } from '../modules/population/reference-files.ts';
import type { PopulationReference } from '../modules/population/reference.ts';
import { buildNationalApp } from './app.ts';
import { createNationalClient, NationalUnavailableError, type NationalClient } from './client.ts';
import { DEVELOPMENT_ADMIN_TOKEN, DEVELOPMENT_API_TOKEN, loadNationalConfig } from './config.ts';
import type { NationalDatabase } from './db.ts';
import { FaultInjector, type FaultSettingsInput } from './faults.ts';
import {
  countNationalPeople,
  nationalPeople,
  seedNationalRegistry,
  type NationalSeedOptions,
} from './seed.ts';
import { describeEachNationalDatabase } from './test-databases.ts';
import { createTestPostgresDatabase } from '../../test/databases.ts';
import { migrateNationalDatabase, NationalDatabaseSharedError, openNationalDatabase } from './db.ts';
import { openDatabase } from '../platform/db/database.ts';
import { migrateToLatest } from '../platform/db/migrate.ts';
import { testedDatabaseKinds } from '../../test/databases.ts';

const SMALL: NationalSeedOptions = {
  regionPeople: 300,
  regionSeed: DEMO_SEED,
  otherRegionPeople: 60,
  aire: 20,
  foreigners: 20,
};
const config = loadNationalConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' });

async function buildApp(database: NationalDatabase, faults?: FaultInjector): Promise<App> {
  return buildNationalApp({
    config,
    database,
    clock: fixedClock('2021-04-02T08:00:00Z'),
    logger: createLogger('silent'),
    ...(faults ? { faults } : {}),
  });
}

/** Fails the test if the promise does not reject with NationalUnavailableError; returns it. */
async function unavailable(promise: Promise<unknown>): Promise<NationalUnavailableError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(NationalUnavailableError);
  return error as NationalUnavailableError;
}

let reference: PopulationReference;
beforeAll(async () => {
  reference = await loadPopulationReference();
});

describe('national seed', () => {
  it('is deterministic and starts with the region’s demo people, in order', () => {
    const first = [...nationalPeople(reference, SMALL)];
    expect([...nationalPeople(reference, SMALL)]).toEqual(first);
    const demo = [...generatePopulation(reference, { people: 300, seed: DEMO_SEED, regionCode: '03' })];
    expect(first.slice(0, 300).map((row) => row.identifier)).toEqual(demo.map((person) => person.taxCode));
    expect(
      first.slice(0, 300).every((row) => row.status === 'ACTIVE_REGION' && row.region_code === '03'),
    ).toBe(true);
    const identifiers = new Set(first.map((row) => row.identifier));
    expect(identifiers.size).toBe(first.length);
  });

  it('follows the simulator’s identifier conventions for foreigners and the AIRE shape', () => {
    const rows = [...nationalPeople(reference, SMALL)];
    const ord7 = rows.filter((row) => row.identifier_type === 'ORD7');
    const tsForeign = rows.filter((row) => row.identifier_type === 'TS_FOREIGN');
    expect(ord7).toHaveLength(10);
    expect(tsForeign).toHaveLength(10);
    expect(ord7.every((row) => /^ORD7[A-Z0-9]{12}$/.test(row.identifier) && row.status === 'FOREIGN')).toBe(
      true,
    );
    expect(tsForeign.every((row) => /^TSF\d{13}$/.test(row.identifier) && row.region_code === '03')).toBe(
      true,
    );
    const aire = rows.filter((row) => row.status === 'AIRE');
    expect(aire.length).toBeGreaterThan(15);
    for (const row of aire) {
      expect(row).toMatchObject({
        identifier_type: 'CF',
        region_code: null,
        domicile_municipality_istat: null,
      });
      expect(row.residence_country_code).toMatch(/^Z\d{3}$/);
    }
    const others = rows.filter((row) => row.status === 'OUT_OF_REGION');
    expect(new Set(others.map((row) => row.region_code))).toEqual(new Set(['05', '08']));
  });
});

describeEachNationalDatabase('national simulator', (database, kind) => {
  let app: App;
  let baseUrl: string;
  let client: NationalClient;
  let people: { regional: string; aire: string; ord7: string; tsForeign: string };

  const admin = async (method: 'GET' | 'PUT', body?: FaultSettingsInput, token = DEVELOPMENT_ADMIN_TOKEN) =>
    fetch(`${baseUrl}/admin/faults`, {
      method,
      headers: { 'x-admin-token': token, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
  const setFaults = async (body: FaultSettingsInput): Promise<void> => {
    const response = await admin('PUT', body);
    expect(response.status).toBe(200);
  };

  beforeAll(async () => {
    await seedNationalRegistry(database(), SMALL, { reference });
    const pick = async (where: 'ACTIVE_REGION' | 'AIRE' | 'ORD7' | 'TS_FOREIGN'): Promise<string> => {
      let query = database().db.selectFrom('persons').select('identifier').orderBy('identifier');
      query =
        where === 'ORD7' || where === 'TS_FOREIGN'
          ? query.where('identifier_type', '=', where)
          : query.where('status', '=', where);
      return (await query.executeTakeFirstOrThrow()).identifier;
    };
    people = {
      regional: await pick('ACTIVE_REGION'),
      aire: await pick('AIRE'),
      ord7: await pick('ORD7'),
      tsForeign: await pick('TS_FOREIGN'),
    };
    app = await buildApp(database());
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    client = createNationalClient({ baseUrl, token: DEVELOPMENT_API_TOKEN });
  });
  afterAll(async () => {
    await app?.close();
  });
  afterEach(async () => {
    await setFaults({ mode: 'none' });
  });

  it('seeds once: a second seed changes nothing', async () => {
    const counts = await countNationalPeople(database());
    expect(counts.ACTIVE_REGION).toBe(300);
    expect(counts.FOREIGN).toBe(20);
    expect(counts.OUT_OF_REGION).toBeGreaterThan(55);
    const again = await seedNationalRegistry(database(), SMALL, { reference });
    expect(again.seeded).toBe(false);
    expect(await countNationalPeople(database())).toEqual(counts);
  });

  it('keeps its tables in the schema national', async () => {
    const { rows } = await sql<{ schemaname: string }>`
      SELECT schemaname FROM pg_catalog.pg_tables WHERE tablename IN ('persons', 'seed_state', 'schema_migration')
    `.execute(database().db);
    expect(rows.length).toBe(3);
    expect(new Set(rows.map((row) => row.schemaname))).toEqual(new Set(['national']));
  });

  it('REG-5 finds a person of the region by CF through the client', async () => {
    const lookup = await client.getPerson(people.regional.toLowerCase());
    expect(lookup.found).toBe(true);
    if (!lookup.found) return;
    expect(lookup.person).toMatchObject({
      identifier: { type: 'CF', value: people.regional },
      status: 'ACTIVE_REGION',
      regionOfAssistance: '03',
      residence: { countryCode: null },
    });
    expect(lookup.person.healthCardNumber).toMatch(/^80380\d{15}$/);
    expect(lookup.person.domicile?.municipalityIstat).toMatch(/^\d{6}$/);
  });

  it('REG-5 finds an AIRE person by CF, and foreigners by ORD7 and TS_FOREIGN', async () => {
    const aire = await client.getPerson(people.aire);
    expect(aire).toMatchObject({
      found: true,
      person: {
        status: 'AIRE',
        regionOfAssistance: null,
        domicile: null,
        residence: { municipalityIstat: null },
      },
    });
    const ord7 = await client.getPerson(people.ord7);
    expect(ord7).toMatchObject({
      found: true,
      person: { identifier: { type: 'ORD7', value: people.ord7 }, status: 'FOREIGN' },
    });
    const tsForeign = await client.getPerson(people.tsForeign);
    expect(tsForeign).toMatchObject({
      found: true,
      person: { identifier: { type: 'TS_FOREIGN', value: people.tsForeign }, regionOfAssistance: '03' },
    });
  });

  it('REG-5 an unknown identifier is a 404 problem NATIONAL_PERSON_NOT_FOUND, "not found" for the client', async () => {
    const response = await fetch(`${baseUrl}/persons/TSF0000000000000`, {
      headers: { authorization: `Bearer ${DEVELOPMENT_API_TOKEN}`, 'accept-language': 'en' },
    });
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(await response.json()).toMatchObject({
      status: 404,
      code: 'NATIONAL_PERSON_NOT_FOUND',
      type: '/problems/NATIONAL_PERSON_NOT_FOUND',
      instance: '/persons/TSF0000000000000',
    });
    expect(await client.getPerson('ORD7AAAAAAAAAAAA')).toEqual({ found: false });
  });

  it('a malformed identifier is a 400 field problem; the client reports it as rejected', async () => {
    const response = await fetch(`${baseUrl}/persons/NOT-AN-ID`, {
      headers: { authorization: `Bearer ${DEVELOPMENT_API_TOKEN}` },
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: 'FIELD_PATTERN', pointer: '/params/identifier' });
    expect((await unavailable(client.getPerson('XYZ12345'))).reason).toBe('rejected');
  });

  it('refuses region calls without the region’s bearer token (401 problem)', async () => {
    const anonymous = await fetch(`${baseUrl}/persons/${people.regional}`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toContain('Bearer');
    expect(await anonymous.json()).toMatchObject({ code: 'NATIONAL_AUTHENTICATION_REQUIRED' });
    const wrong = createNationalClient({ baseUrl, token: 'another-region-token' });
    const error = await unavailable(wrong.getPerson(people.regional));
    expect(error).toMatchObject({ reason: 'rejected', status: 401 });
  });

  it('guards the fault settings with the admin token', async () => {
    expect((await admin('GET', undefined, 'wrong-token-123')).status).toBe(401);
    const noToken = await fetch(`${baseUrl}/admin/faults`);
    expect(noToken.status).toBe(401);
    expect(await noToken.json()).toMatchObject({ code: 'NATIONAL_ADMIN_TOKEN_INVALID' });
    const regionToken = await fetch(`${baseUrl}/admin/faults`, {
      headers: { authorization: `Bearer ${DEVELOPMENT_API_TOKEN}` },
    });
    expect(regionToken.status).toBe(401);
  });

  it('fault down: the connection is dropped and the client fails at once, not by timeout', async () => {
    await setFaults({ mode: 'down' });
    expect(await (await admin('GET')).json()).toEqual({
      mode: 'down',
      delayMs: 5000,
      probability: 1,
      routes: null,
    });
    const error = await unavailable(client.getPerson(people.regional));
    expect(error.reason).toBe('connection');
    // The health check and the admin routes are never faulted: the simulator can always be reset.
    const health = await fetch(`${baseUrl}/health`);
    expect(await health.json()).toMatchObject({ status: 'ok', database: kind, faultMode: 'down' });
  });

  it('fault slow beyond the client’s timeout: NationalUnavailableError within the timeout and a small margin', async () => {
    await setFaults({ mode: 'slow', delayMs: 10_000 });
    const quick = createNationalClient({ baseUrl, token: DEVELOPMENT_API_TOKEN, timeoutMs: 300 });
    const started = Date.now();
    const error = await unavailable(quick.getPerson(people.regional));
    expect(error.reason).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(300 + 700);
  });

  it('fault slow within the client’s timeout still answers', async () => {
    await setFaults({ mode: 'slow', delayMs: 50 });
    expect((await client.getPerson(people.regional)).found).toBe(true);
  });

  it('fault error5xx: a 503 problem, NationalUnavailableError for the client', async () => {
    await setFaults({ mode: 'error5xx' });
    const response = await fetch(`${baseUrl}/persons/${people.regional}`, {
      headers: { authorization: `Bearer ${DEVELOPMENT_API_TOKEN}` },
    });
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('5');
    expect(await response.json()).toMatchObject({ code: 'NATIONAL_SERVICE_UNAVAILABLE' });
    expect(await unavailable(client.getPerson(people.regional))).toMatchObject({
      reason: 'server-error',
      status: 503,
    });
  });

  it('fault duplicate: reads answer normally', async () => {
    await setFaults({ mode: 'duplicate' });
    expect((await client.getPerson(people.ord7)).found).toBe(true);
    expect((await client.getPerson(people.ord7)).found).toBe(true);
  });

  it('faults limited to named operations; an unknown operation is a 400 problem', async () => {
    await setFaults({ mode: 'error5xx', routes: ['getNationalPerson'] });
    expect((await unavailable(client.getPerson(people.regional))).reason).toBe('server-error');
    const unknown = await admin('PUT', { mode: 'down', routes: ['getNationalPerson', 'sendAdministration'] });
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toMatchObject({
      code: 'NATIONAL_FAULT_ROUTE_UNKNOWN',
      pointer: '/body/routes/1',
    });
    const badMode = await admin('PUT', { mode: 'sometimes' } as unknown as FaultSettingsInput);
    expect(badMode.status).toBe(400);
    expect(await badMode.json()).toMatchObject({ code: 'FIELD_ENUM', pointer: '/body/mode' });
  });

  it('a probability below 1 fails a seeded, repeatable share of the calls', async () => {
    const outcomes = async (): Promise<string> => {
      await setFaults({ mode: 'error5xx', probability: 0.5 });
      let pattern = '';
      for (let i = 0; i < 16; i++) {
        pattern += await client.getPerson(people.regional).then(
          () => 'ok ',
          () => 'fail ',
        );
      }
      return pattern;
    };
    const first = await outcomes();
    expect(first).toContain('ok');
    expect(first).toContain('fail');
    expect(await outcomes()).toBe(first);
  });

  it('back to none: the registry answers again', async () => {
    await setFaults({ mode: 'error5xx' });
    await unavailable(client.getPerson(people.regional));
    await setFaults({ mode: 'none' });
    expect((await client.getPerson(people.regional)).found).toBe(true);
  });

  it('starts with the faults it is given (vaxhub national serve --fault-mode)', async () => {
    const faulty = await buildApp(database(), new FaultInjector({ mode: 'error5xx' }));
    try {
      const response = await faulty.inject({
        url: `/persons/${people.regional}`,
        headers: { authorization: `Bearer ${DEVELOPMENT_API_TOKEN}` },
      });
      expect(response.statusCode).toBe(503);
    } finally {
      await faulty.close();
    }
  });

  it('serves its OpenAPI document with stable operationIds, and the explorer', async () => {
    const document = (await (await fetch(`${baseUrl}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { operationId?: string }>>;
      components: { securitySchemes: Record<string, unknown> };
    };
    const operationIds = Object.values(document.paths)
      .flatMap((methods) => Object.values(methods))
      .map((operation) => operation.operationId)
      .sort();
    expect(operationIds).toEqual([
      'enterAbroadVaccination',
      'getDccRevocationList',
      'getDccTrustList',
      'getHealthCardVaccinations',
      'getNationalFaults',
      'getNationalHealth',
      'getNationalOpenApiDocument',
      'getNationalPerson',
      'getPersonCertificates',
      'listNationalMobility',
      'putNationalAdministration',
      'setNationalFaults',
    ]);
    expect(Object.keys(document.components.securitySchemes).sort()).toEqual(['adminToken', 'bearer']);
    const docs = await fetch(`${baseUrl}/docs`);
    expect(docs.status).toBe(200);
    expect(docs.headers.get('content-type')).toContain('text/html');
  });

  it('SEC-5 logs requests by route template: no identifier reaches the log, whatever its format', async () => {
    let written = '';
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        written += chunk.toString();
        done();
      },
    });
    const logged = await buildNationalApp({
      config,
      database: database(),
      clock: fixedClock('2021-04-02T08:00:00Z'),
      logger: createLogger('info', sink),
    });
    try {
      for (const identifier of [people.ord7, people.tsForeign, people.regional, 'TSF0000000000000']) {
        await logged.inject({
          url: `/persons/${identifier}`,
          headers: { authorization: `Bearer ${DEVELOPMENT_API_TOKEN}` },
        });
      }
    } finally {
      await logged.close();
    }
    expect(written).toContain('"route":"/persons/:identifier"');
    for (const identifier of [people.ord7, people.tsForeign, people.regional, 'TSF0000000000000'])
      expect(written).not.toContain(identifier);
  });

  it('answers an unknown route with the ROUTE_NOT_FOUND problem', async () => {
    const response = await fetch(`${baseUrl}/vaccinations`);
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ code: 'ROUTE_NOT_FOUND' });
  });
});

describe('national client', () => {
  it('a refused connection is NationalUnavailableError, reason connection', async () => {
    const port = await new Promise<number>((resolve, reject) => {
      const server = net.createServer();
      server.on('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
      });
    });
    const client = createNationalClient({
      baseUrl: `http://127.0.0.1:${port}`,
      token: DEVELOPMENT_API_TOKEN,
    });
    expect((await unavailable(client.getPerson('ORD7AAAAAAAAAAAA'))).reason).toBe('connection');
  });
});

describe.runIf(testedDatabaseKinds().includes('postgres'))(
  'national database shared with the region [postgres]',
  () => {
    it('is refused with a clear message rather than mistaken for a migrated one', async () => {
      const url = await createTestPostgresDatabase();
      const regional = await openDatabase({ databaseUrl: url, dataDir: '' });
      try {
        await migrateToLatest(regional.db);
      } finally {
        await regional.close();
      }
      const national = await openNationalDatabase({ databaseUrl: url, dataDir: '' });
      try {
        await expect(migrateNationalDatabase(national)).rejects.toThrow(NationalDatabaseSharedError);
      } finally {
        await national.close();
      }
    });
  },
);
