import { readFileSync } from 'node:fs';
import { Type } from 'typebox';
import type { ModuleRoutes } from '../../platform/http/app.ts';

const HOME_PAGE = readFileSync(new URL('../../../web/home.html', import.meta.url), 'utf8');

export const homeRoutes: ModuleRoutes = (app) => {
  app.get(
    '/',
    {
      schema: {
        operationId: 'getHomePage',
        tags: ['system'],
        summary: 'The landing page, with links to the API explorer',
        response: { 200: Type.String({ contentMediaType: 'text/html' }) },
      },
      config: { access: 'public' },
    },
    (_request, reply) => {
      void reply.type('text/html; charset=utf-8');
      return HOME_PAGE;
    },
  );
};
