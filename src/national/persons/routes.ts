import type { NationalRoutes } from '../app.ts';
import { NationalPersonParams, NationalPersonSchema } from './schemas.ts';
import { NationalPersonsService } from './service.ts';

export const nationalPersonRoutes: NationalRoutes = (app, { database }) => {
  const persons = new NationalPersonsService(database.db);

  app.get(
    '/persons/:identifier',
    {
      schema: {
        operationId: 'getNationalPerson',
        tags: ['persons'],
        summary: 'One person of the national registry, by identifier only (REG-5)',
        description: 'A person not in the registry is a 404 problem with code NATIONAL_PERSON_NOT_FOUND.',
        security: [{ bearer: [] }],
        params: NationalPersonParams,
        response: { 200: NationalPersonSchema },
      },
      config: { guard: 'region' },
    },
    (request) => persons.getPerson(request.params.identifier),
  );
};
