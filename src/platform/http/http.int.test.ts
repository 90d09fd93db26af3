import { beforeAll, describe, expect, it } from 'vitest';
import { Type } from 'typebox';
import {
  describeEachDatabase,
  openMigratedTestDatabase,
  testedDatabaseKinds,
} from '../../../test/databases.ts';
import { buildTestApp } from '../../../test/app.ts';
import type { ModuleRoutes } from './app.ts';
import type { App } from './types.ts';

/** A route that fails the way a bug would, to prove nothing of it reaches the client. */
const failingRoute: ModuleRoutes = (app) => {
  app.post(
    '/test/explode',
    {
      schema: {
        operationId: 'testExplode',
        body: Type.Object({
          name: Type.String({ minLength: 2 }),
          age: Type.Optional(Type.Integer({ minimum: 0 })),
        }),
        response: { 200: Type.Object({ ok: Type.Boolean() }) },
      },
      config: { access: 'public' },
    },
    () => {
      throw new Error('secret internal detail at /srv/app/db.ts:42');
    },
  );
};

const PROBLEM_KEYS = ['type', 'title', 'status', 'detail', 'code', 'correlationId'];

describeEachDatabase('HTTP conventions', (database) => {
  let app: App;
  beforeAll(async () => {
    ({ app } = await buildTestApp(database(), { extraModules: [failingRoute] }));
  });

  it('GET /health answers 200 when the database answers', async () => {
    const response = await app.inject({ method: 'GET', url: '/health' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ status: 'ok', database: database().kind });
  });

  it('GET /health/live answers 200 without asking the database', async () => {
    const response = await app.inject({ method: 'GET', url: '/health/live' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok' });
  });

  it('serves an OpenAPI 3.1 document in which every operation has a camelCase operationId', async () => {
    const response = await app.inject({ method: 'GET', url: '/openapi.json' });
    expect(response.statusCode).toBe(200);
    const document = response.json<{
      openapi: string;
      paths: Record<string, Record<string, { operationId?: string }>>;
    }>();
    expect(document.openapi).toBe('3.1.0');
    const operations = Object.values(document.paths).flatMap((path) => Object.values(path));
    expect(operations.length).toBeGreaterThanOrEqual(5);
    for (const operation of operations) expect(operation.operationId).toMatch(/^[a-z][a-zA-Z0-9]+$/);
    expect(JSON.stringify(document)).toContain('"Problem"');
  });

  it('serves a browsable API explorer at /docs', async () => {
    const response = await app.inject({ method: 'GET', url: '/docs/' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/html');
  });

  it('answers a validation failure with problem+json naming the field, in Italian by default', async () => {
    const response = await app.inject({ method: 'POST', url: '/test/explode', payload: { name: 'x' } });
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toContain('application/problem+json');
    const problem = response.json<Record<string, unknown>>();
    for (const key of PROBLEM_KEYS) expect(problem).toHaveProperty(key);
    expect(problem).toMatchObject({ code: 'FIELD_TOO_SHORT', pointer: '/body/name', status: 400 });
    expect(problem.detail).toContain('almeno 2');
    expect(problem.correlationId).toBe(response.headers['x-correlation-id']);
  });

  it('speaks English when Accept-Language prefers it', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/test/explode',
      payload: {},
      headers: { 'accept-language': 'en-GB,en;q=0.9,it;q=0.5' },
    });
    expect(response.json()).toMatchObject({ code: 'FIELD_REQUIRED', pointer: '/body/name' });
    expect(response.json<{ detail: string }>().detail).toContain('is required');
  });

  it.each([
    ['malformed JSON', '{"name": ', 'application/json', 'BODY_MALFORMED', 400],
    ['an unsupported media type', 'name=xy', 'text/csv', 'MEDIA_TYPE_UNSUPPORTED', 415],
    ['a wrong type', '{"name": "xy", "age": "old"}', 'application/json', 'FIELD_TYPE', 400],
    ['a value out of range', '{"name": "xy", "age": -1}', 'application/json', 'FIELD_RANGE', 400],
  ])('answers %s with a stable problem code', async (_case, payload, contentType, code, status) => {
    const response = await app.inject({
      method: 'POST',
      url: '/test/explode',
      payload,
      headers: { 'content-type': contentType },
    });
    expect(response.statusCode).toBe(status);
    expect(response.json()).toMatchObject({ code, status });
  });

  it('answers an unknown route with ROUTE_NOT_FOUND', async () => {
    const response = await app.inject({ method: 'GET', url: '/nowhere?x=1' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ code: 'ROUTE_NOT_FOUND', instance: '/nowhere' });
  });

  it('never lets a stack trace or an internal message reach the client', async () => {
    const response = await app.inject({ method: 'POST', url: '/test/explode', payload: { name: 'xy' } });
    expect(response.statusCode).toBe(500);
    expect(response.json()).toMatchObject({ code: 'INTERNAL_ERROR' });
    expect(response.body).not.toMatch(/secret|\/srv|db\.ts|at .*:\d+/);
  });

  it('keeps a well-formed incoming correlation id and mints one otherwise', async () => {
    const kept = await app.inject({
      method: 'GET',
      url: '/health',
      headers: { 'x-correlation-id': 'abc12345-call-center' },
    });
    expect(kept.headers['x-correlation-id']).toBe('abc12345-call-center');
    const minted = await app.inject({
      method: 'GET',
      url: '/health',
      headers: { 'x-correlation-id': 'bad id\n' },
    });
    expect(minted.headers['x-correlation-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('SEC-7 sends security headers', async () => {
    const response = await app.inject({ method: 'GET', url: '/health' });
    expect(response.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(response.headers['x-content-type-options']).toBe('nosniff');
  });
});

describe('GET /health when the database does not answer', () => {
  it.each(testedDatabaseKinds())(
    'answers 503 DATABASE_UNAVAILABLE once the %s database is gone',
    async (kind) => {
      const database = await openMigratedTestDatabase(kind);
      const { app } = await buildTestApp(database);
      await database.close();
      const response = await app.inject({ method: 'GET', url: '/health' });
      expect(response.statusCode).toBe(503);
      expect(response.json()).toMatchObject({ code: 'DATABASE_UNAVAILABLE' });
      expect(response.headers['retry-after']).toBe('5');
    },
  );
});
