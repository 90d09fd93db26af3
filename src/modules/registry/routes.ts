import type { ModuleRoutes } from '../../platform/http/app.ts';
import { actingContextOf } from '../../platform/http/acting-context.ts';
import { STAFF_ROLES, type Role } from '../../platform/auth/roles.ts';
import { RegistryService } from './service.ts';
import { IDENTITY_ADMINS, personRecordsMovers } from './identity-change.ts';
import { EligibilityService } from '../eligibility/service.ts';
import { BookingService } from '../booking/service.ts';
import { VaccinationService } from '../vaccination/service.ts';
import { createNationalClient } from '../../national/client.ts';
import {
  CreatePersonBody,
  ImportedPerson,
  ImportPersonBody,
  MarkObsoleteBody,
  NationalIdentifierParams,
  NationalLookup,
  PersonIdParams,
  PersonPage,
  PersonView,
  RecordsMoveView,
  SearchPersonsQuery,
  UpdatePersonBody,
} from './schemas.ts';

/** Everyone who identifies people at work reads the registry; citizens reach only themselves (later). */
const READERS: readonly Role[] = STAFF_ROLES;
/** REG-6 / ELIG-17: people the system does not know are inserted by supervisors and vaccination points. */
const WRITERS: readonly Role[] = [
  'contact_center_supervisor',
  'vaccinator',
  'point_admin',
  'asl_admin',
  'region_admin',
];

export const registryRoutes: ModuleRoutes = (app, { database, clock, config }) => {
  const national = createNationalClient({
    baseUrl: config.NATIONAL_URL,
    token: config.NATIONAL_API_TOKEN,
    timeoutMs: config.NATIONAL_TIMEOUT_MS,
  });
  const registry = new RegistryService(database.db, clock, national, config.REGION_CODE);
  const eligibility = new EligibilityService(database.db, clock, config.REGION_CODE);
  const booking = new BookingService(database.db, clock, eligibility);
  const vaccination = new VaccinationService(
    database.db,
    clock,
    eligibility,
    booking,
    national,
    config.REGION_CODE,
  );
  const movers = personRecordsMovers(eligibility, booking, vaccination);

  app.get(
    '/persons',
    {
      schema: {
        operationId: 'searchPersons',
        tags: ['registry'],
        summary:
          'Search the regional registry (REG-5): by identifier (at most one) or by surname, name, birth date',
        querystring: SearchPersonsQuery,
        response: { 200: PersonPage },
      },
      config: { access: READERS },
    },
    async (request) => {
      const { items, hasMore } = await registry.searchPersons(request.query);
      return { items, hasMore, page: request.query.page, pageSize: request.query.pageSize };
    },
  );

  app.get(
    '/persons/:personId',
    {
      schema: {
        operationId: 'getPerson',
        tags: ['registry'],
        summary: 'One person of the registry',
        params: PersonIdParams,
        response: { 200: PersonView },
      },
      config: { access: READERS },
    },
    (request) => registry.getPerson(request.params.personId),
  );

  app.post(
    '/persons',
    {
      schema: {
        operationId: 'createPerson',
        tags: ['registry'],
        summary: 'Insert a person not found in any registry (REG-6, REG-8, REG-9)',
        body: CreatePersonBody,
        response: { 201: PersonView },
      },
      config: { access: WRITERS },
    },
    async (request, reply) => {
      const person = await registry.createPerson(request.body, actingContextOf(request, clock.now()));
      return reply.code(201).send(person);
    },
  );

  app.patch(
    '/persons/:personId',
    {
      schema: {
        operationId: 'updatePerson',
        tags: ['registry'],
        summary: 'Change names, status, places or contacts of a person (REG-10, REG-11)',
        params: PersonIdParams,
        body: UpdatePersonBody,
        response: { 200: PersonView },
      },
      config: { access: WRITERS },
    },
    (request) =>
      registry.updatePerson(request.params.personId, request.body, actingContextOf(request, clock.now())),
  );

  app.post(
    '/persons/:personId/records-move',
    {
      schema: {
        operationId: 'movePersonRecords',
        tags: ['registry'],
        summary:
          'Move every record of an obsolete identity to the current one, in one transaction, dose numbers recomputed (REG-7)',
        params: PersonIdParams,
        response: { 200: RecordsMoveView },
      },
      config: { access: IDENTITY_ADMINS },
    },
    (request) =>
      registry.movePersonRecords(request.params.personId, movers, actingContextOf(request, clock.now())),
  );

  app.post(
    '/persons/:personId/obsolete',
    {
      schema: {
        operationId: 'markPersonObsolete',
        tags: ['registry'],
        summary: 'Mark an identity obsolete and link it to the current one (REG-7)',
        params: PersonIdParams,
        body: MarkObsoleteBody,
        response: { 200: PersonView },
      },
      config: { access: IDENTITY_ADMINS },
    },
    (request) =>
      registry.markObsolete(
        request.params.personId,
        request.body.currentPersonId,
        actingContextOf(request, clock.now()),
      ),
  );

  app.get(
    '/national/persons/:identifier',
    {
      schema: {
        operationId: 'searchNationalPerson',
        tags: ['registry'],
        summary: 'Search the national registry by identifier only (REG-5, third tier)',
        params: NationalIdentifierParams,
        response: { 200: NationalLookup },
      },
      config: { access: READERS },
    },
    (request) => registry.findNational(request.params.identifier),
  );

  app.post(
    '/persons/import',
    {
      schema: {
        operationId: 'importPersonFromNational',
        tags: ['registry'],
        summary:
          'Copy a person found in the national registry into the regional one, with provenance (REG-5)',
        body: ImportPersonBody,
        response: { 200: ImportedPerson, 201: ImportedPerson },
      },
      config: { access: WRITERS },
    },
    async (request, reply) => {
      const result = await registry.importFromNational(
        request.body.identifier,
        actingContextOf(request, clock.now()),
      );
      return reply.code(result.imported ? 201 : 200).send(result);
    },
  );
};
