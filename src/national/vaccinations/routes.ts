import type { NationalRoutes } from '../app.ts';
import { NationalPersonParams } from '../persons/schemas.ts';
import {
  AbroadVaccinationBody,
  AdministrationChangeBody,
  AdministrationKeyParams,
  AdministrationReceipt,
  HealthCardVaccination,
  HealthCardVaccinations,
  MobilityPage,
  MobilityQuery,
} from './schemas.ts';
import { NationalVaccinationsService } from './service.ts';

export const nationalVaccinationRoutes: NationalRoutes = (app, { database, clock, certificates }) => {
  const vaccinations = new NationalVaccinationsService(database.db, certificates);

  app.put(
    '/avn/administrations/:regionCode/:sourceId',
    {
      schema: {
        operationId: 'putNationalAdministration',
        tags: ['avn'],
        summary: 'A region sends an administration, or a change or deletion of one (NAT-1)',
        description:
          'Idempotent by sender id + version: a replayed or older version changes nothing and says so. COVID administrations go on to the health-card system (NAT-3).',
        security: [{ bearer: [] }],
        params: AdministrationKeyParams,
        body: AdministrationChangeBody,
        response: { 200: AdministrationReceipt },
      },
      config: { guard: 'region' },
    },
    async (request) => {
      const { regionCode, sourceId } = request.params;
      const apply = () => vaccinations.applyChange(regionCode, sourceId, request.body, clock.now());
      if (request.replayWrite) await apply();
      return apply();
    },
  );

  app.get(
    '/avn/mobility',
    {
      schema: {
        operationId: 'listNationalMobility',
        tags: ['avn'],
        summary: 'Administrations given in other regions to the people a region assists (NAT-2), as a feed',
        security: [{ bearer: [] }],
        querystring: MobilityQuery,
        response: { 200: MobilityPage },
      },
      config: { guard: 'region' },
    },
    (request) =>
      vaccinations.mobility(request.query.region, request.query.after ?? '0', request.query.limit ?? 500),
  );

  app.get(
    '/ts/persons/:identifier/vaccinations',
    {
      schema: {
        operationId: 'getHealthCardVaccinations',
        tags: ['ts'],
        summary: '"Check all regions": the COVID vaccinations of a person in every region and abroad (NAT-4)',
        security: [{ bearer: [] }],
        params: NationalPersonParams,
        response: { 200: HealthCardVaccinations },
      },
      config: { guard: 'region' },
    },
    (request) => vaccinations.healthCardVaccinations(request.params.identifier),
  );

  app.post(
    '/ts/persons/:identifier/abroad-vaccinations',
    {
      schema: {
        operationId: 'enterAbroadVaccination',
        tags: ['ts'],
        summary:
          'The local health authority enters a vaccination given abroad (NAT-3); it never flows to the registries',
        security: [{ bearer: [] }],
        params: NationalPersonParams,
        body: AbroadVaccinationBody,
        response: { 201: HealthCardVaccination },
      },
      config: { guard: 'region' },
    },
    async (request, reply) => {
      const entered = await vaccinations.enterAbroad(request.params.identifier, request.body, clock.now());
      return reply.code(201).send(entered);
    },
  );
};
