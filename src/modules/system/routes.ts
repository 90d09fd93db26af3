import { Type } from 'typebox';
import type { ModuleRoutes } from '../../platform/http/app.ts';
import { DomainError } from '../../platform/http/problem.ts';

const Health = Type.Object({
  status: Type.Literal('ok'),
  database: Type.Enum(['pglite', 'postgres']),
  time: Type.String({ format: 'date-time' }),
});

export const systemRoutes: ModuleRoutes = (app, { database, clock }) => {
  // Liveness without the database: a process that answers here is up, even while PostgreSQL is not.
  // Also the "static route" the HTTP benchmarks measure the server's own ceiling with (PERF-3).
  app.get(
    '/health/live',
    {
      schema: {
        operationId: 'getLiveness',
        tags: ['system'],
        summary: 'Liveness: 200 while the process serves requests, whatever the database',
        response: { 200: Type.Object({ status: Type.Literal('ok') }) },
      },
      config: { access: 'public' },
    },
    () => ({ status: 'ok' as const }),
  );

  app.get(
    '/health',
    {
      schema: {
        operationId: 'getHealth',
        tags: ['system'],
        summary: 'Liveness and readiness: 200 when the database answers, 503 otherwise',
        response: { 200: Health },
      },
      config: { access: 'public' },
    },
    async () => {
      if (!(await database.ping()))
        throw new DomainError('DATABASE_UNAVAILABLE', { headers: { 'retry-after': '5' } });
      return { status: 'ok' as const, database: database.kind, time: clock.now().toISOString() };
    },
  );
};
