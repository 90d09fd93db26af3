import { Type } from 'typebox';
import type { ModuleRoutes } from '../../platform/http/app.ts';
import { DomainError } from '../../platform/http/problem.ts';

const Health = Type.Object({
  status: Type.Literal('ok'),
  database: Type.Enum(['pglite', 'postgres']),
  time: Type.String({ format: 'date-time' }),
});

export const systemRoutes: ModuleRoutes = (app, { database, clock }) => {
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
