import { beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../../../test/databases.ts';
import { buildTestApp } from '../../../test/app.ts';
import type { ModuleRoutes } from './app.ts';
import type { App } from './types.ts';

/** A route of the booking admission group that holds each request until the test lets it go. */
const held: (() => void)[] = [];
const slowRoute: ModuleRoutes = (app) => {
  app.get(
    '/test/surge',
    {
      schema: {
        operationId: 'testSurge',
        response: { 200: { type: 'object', properties: { ok: { type: 'boolean' } } } },
      },
      config: { access: 'public', admission: 'booking' },
    },
    () => new Promise<{ ok: boolean }>((resolve) => held.push(() => resolve({ ok: true }))),
  );
};

describeEachDatabase('REL-5 admission control', (database) => {
  let app: App;

  beforeAll(async () => {
    ({ app } = await buildTestApp(database(), {
      extraModules: [slowRoute],
      env: { ADMISSION_MAX_IN_FLIGHT: '2', ADMISSION_MAX_QUEUE: '1', ADMISSION_MAX_WAIT_MS: '5000' },
    }));
  });

  it('REL-5 beyond what it can serve the server answers 429 with Retry-After at once, serves the admitted, and recovers', async () => {
    held.length = 0;
    const tick = () => new Promise((resolve) => setImmediate(resolve));
    let done = 0;
    const admitted = [0, 1, 2].map(() =>
      app.inject({ method: 'GET', url: '/test/surge' }).then((response) => {
        done += 1;
        return response;
      }),
    );
    // Two run (their handlers are held), the third waits in the queue.
    while (held.length < 2) await tick();
    // The fourth finds both places and the queue taken: shed at once, with a problem and a Retry-After.
    const shed = await app.inject({ method: 'GET', url: '/test/surge' });
    expect(shed.statusCode).toBe(429);
    expect(shed.headers['retry-after']).toBe('2');
    expect(shed.json()).toMatchObject({ code: 'TOO_MANY_REQUESTS' });
    // Other routes are not affected.
    expect((await app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
    while (done < 3) {
      held.shift()?.();
      await tick();
    }
    expect((await Promise.all(admitted)).map((r) => r.statusCode)).toEqual([200, 200, 200]);
    // Recovered: a new request is admitted straight away.
    const after = app.inject({ method: 'GET', url: '/test/surge' });
    while (held.length < 1) await tick();
    held.shift()?.();
    expect((await after).statusCode).toBe(200);
  });
});
