import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { ModuleRoutes } from '../../platform/http/app.ts';
import { actingContextOf } from '../../platform/http/acting-context.ts';
import { STAFF_ROLES, type Role } from '../../platform/auth/roles.ts';
import { DomainError } from '../../platform/http/problem.ts';
import { EligibilityService } from './service.ts';
import { BOOKING_CHANNELS } from './plan-file.ts';
import { ListService } from './lists/service.ts';
import {
  AddLinkBody,
  AdmissionView,
  ApplicationIdParams,
  ApplicationsQuery,
  BookingListInsertionBody,
  CategoryChangeBody,
  ChannelQuery,
  CutOffBody,
  DecisionBody,
  EligibilityView,
  EntitlementIdParams,
  EntitlementView,
  EvidenceCheckBody,
  GpReportBody,
  HealthWorkerBody,
  LinkList,
  LinkParams,
  LinkView,
  ListTypeParams,
  ListTypeView,
  MyLinkBody,
  MyLinkParams,
  NonResidentApplicationBody,
  NonResidentApplicationView,
  NotContactedPage,
  NotContactedQuery,
  ObesityBody,
  PersonIdParams,
  PlanVersionView,
  PreRegistrationBody,
  PreRegistrationView,
  RemoveLinkBody,
} from './schemas.ts';
import { toApplicationView, toEligibilityView, toEntitlementView, toLinkView } from './views.ts';
import type { LinkRow } from './repo.ts';
import { registerListUploadRoutes } from './lists/routes.ts';

/** Everyone who identifies people at work may ask why someone can or cannot book. */
const READERS: readonly Role[] = STAFF_ROLES;
/** ELIG-13..15 on someone's behalf: the contact center and the health authority. */
const LINK_OPERATORS: readonly Role[] = ['call_center', 'contact_center_supervisor', 'asl_admin'];
const SUPERVISORS: readonly Role[] = ['contact_center_supervisor'];
const CITIZEN: readonly Role[] = ['citizen'];
const AUTHORITY_ADMINS: readonly Role[] = ['asl_admin', 'region_admin'];

/** The signed-in citizen's own person id: citizens reach only themselves (SEC-2). */
function myPersonId(request: FastifyRequest): number {
  if (request.actor.kind !== 'citizen') throw new DomainError('ROLE_NOT_ALLOWED');
  return request.actor.personId;
}

const linkList = (rows: LinkRow[]) => ({ items: rows.map(toLinkView), placesLeft: 3 - rows.length });

export const eligibilityRoutes: ModuleRoutes = (app, { database, clock, config }) => {
  const eligibility = new EligibilityService(database.db, clock, config.REGION_CODE);
  const lists = new ListService(database, clock, eligibility);
  const context = (request: FastifyRequest) => actingContextOf(request, clock.now());

  app.get(
    '/plan/versions',
    {
      schema: {
        operationId: 'listPlanVersions',
        tags: ['eligibility'],
        summary: 'The loaded plan versions, national and regional (ELIG-1)',
        response: { 200: Type.Array(PlanVersionView) },
      },
      config: { access: 'public' },
    },
    async () =>
      (await eligibility.listPlanVersions()).map((row) => ({
        id: row.id,
        kind: row.kind,
        region: row.region_code,
        effectiveFrom: row.effective_from,
        loadedAt: row.loaded_at.toISOString(),
        sha256: row.sha256,
      })),
  );

  app.get(
    '/persons/:personId/eligibility',
    {
      schema: {
        operationId: 'explainEligibility',
        tags: ['eligibility'],
        summary: 'Why the person can or cannot book, under which offer, and what to do next (ELIG-5)',
        params: PersonIdParams,
        querystring: ChannelQuery,
        response: { 200: EligibilityView },
      },
      config: { access: READERS },
    },
    async (request) =>
      toEligibilityView(
        request.params.personId,
        await eligibility.explain(request.params.personId, request.query.channel),
      ),
  );

  app.get(
    '/me/eligibility',
    {
      schema: {
        operationId: 'explainMyEligibility',
        tags: ['eligibility'],
        summary: 'Why can(not) I book? (ELIG-5)',
        response: { 200: EligibilityView },
      },
      config: { access: CITIZEN },
    },
    async (request) => {
      const personId = myPersonId(request);
      const channel = BOOKING_CHANNELS.find(
        (known) => request.actor.kind === 'citizen' && known === request.actor.channel,
      );
      return toEligibilityView(personId, await eligibility.explain(personId, channel));
    },
  );

  app.get(
    '/persons/:personId/entitlements',
    {
      schema: {
        operationId: 'listEntitlements',
        tags: ['eligibility'],
        summary: 'The person’s entitlements with source and evidence (ELIG-4)',
        params: PersonIdParams,
        response: { 200: Type.Array(EntitlementView) },
      },
      config: { access: READERS },
    },
    async (request) => (await eligibility.entitlements(request.params.personId)).map(toEntitlementView),
  );

  app.post(
    '/me/pre-registration',
    {
      schema: {
        operationId: 'preRegister',
        tags: ['eligibility'],
        summary:
          'Self pre-registration with self-declaration; booking opens 24 hours later (ELIG-12, ELIG-14)',
        body: PreRegistrationBody,
        response: { 201: PreRegistrationView },
      },
      config: { access: CITIZEN },
    },
    async (request, reply) => {
      const result = await eligibility.preRegister(
        myPersonId(request),
        {
          category: request.body.declaration,
          conditionCode: request.body.conditionCode ?? null,
          declaredBy: request.body.declaredBy,
        },
        context(request),
      );
      return reply.code(201).send({
        entitlement: toEntitlementView(result.entitlement),
        bookableFrom: result.bookableFrom.toISOString(),
      });
    },
  );

  app.post(
    '/me/health-worker-pre-registration',
    {
      schema: {
        operationId: 'preRegisterHealthWorker',
        tags: ['eligibility'],
        summary: 'Health workers’ own pre-registration (ELIG-10)',
        body: HealthWorkerBody,
        response: { 201: EntitlementView },
      },
      config: { access: CITIZEN },
    },
    async (request, reply) => {
      const row = await eligibility.preRegisterHealthWorker(
        myPersonId(request),
        { ...request.body, registerNumber: request.body.registerNumber ?? null },
        context(request),
      );
      return reply.code(201).send(toEntitlementView(row));
    },
  );

  app.get(
    '/me/links',
    {
      schema: {
        operationId: 'listMyLinks',
        tags: ['eligibility'],
        summary: 'The cohabitants and caregivers linked to me as a fragile person (ELIG-13)',
        response: { 200: LinkList },
      },
      config: { access: CITIZEN },
    },
    async (request) => linkList(await eligibility.links(myPersonId(request))),
  );

  app.post(
    '/me/links',
    {
      schema: {
        operationId: 'addMyLink',
        tags: ['eligibility'],
        summary: 'Link a cohabitant or caregiver by tax code and health card, at most 3 (ELIG-13..15)',
        body: MyLinkBody,
        response: { 201: LinkView },
      },
      config: { access: CITIZEN },
    },
    async (request, reply) => {
      const row = await eligibility.addLink(
        myPersonId(request),
        {
          person: request.body.person,
          relation: request.body.relation,
          source: 'self_service',
          evidenceStatus: 'self_declared',
        },
        context(request),
      );
      return reply.code(201).send(toLinkView(row));
    },
  );

  app.delete(
    '/me/links/:linkId',
    {
      schema: {
        operationId: 'removeMyLink',
        tags: ['eligibility'],
        summary: 'Remove a link; its place is freed (ELIG-15)',
        params: MyLinkParams,
        body: RemoveLinkBody,
        response: { 200: LinkView },
      },
      config: { access: CITIZEN },
    },
    async (request) =>
      toLinkView(
        await eligibility.removeLink(
          myPersonId(request),
          request.params.linkId,
          request.body.reason,
          context(request),
        ),
      ),
  );

  app.get(
    '/persons/:personId/links',
    {
      schema: {
        operationId: 'listLinks',
        tags: ['eligibility'],
        summary: 'The people linked to a fragile person (ELIG-8)',
        params: PersonIdParams,
        response: { 200: LinkList },
      },
      config: { access: READERS },
    },
    async (request) => linkList(await eligibility.links(request.params.personId)),
  );

  app.post(
    '/persons/:personId/links',
    {
      schema: {
        operationId: 'addLink',
        tags: ['eligibility'],
        summary: 'Link a cohabitant, caregiver or parent to a fragile person, at most 3 (ELIG-8, ELIG-15)',
        params: PersonIdParams,
        body: AddLinkBody,
        response: { 201: LinkView },
      },
      config: { access: LINK_OPERATORS },
    },
    async (request, reply) => {
      const row = await eligibility.addLink(
        request.params.personId,
        {
          person: request.body.person,
          relation: request.body.relation,
          source: 'contact_center',
          evidenceStatus: request.body.evidenceStatus ?? 'self_declared',
        },
        context(request),
      );
      return reply.code(201).send(toLinkView(row));
    },
  );

  app.delete(
    '/persons/:personId/links/:linkId',
    {
      schema: {
        operationId: 'removeLink',
        tags: ['eligibility'],
        summary: 'Remove a link; its place is freed (ELIG-15)',
        params: LinkParams,
        body: RemoveLinkBody,
        response: { 200: LinkView },
      },
      config: { access: LINK_OPERATORS },
    },
    async (request) =>
      toLinkView(
        await eligibility.removeLink(
          request.params.personId,
          request.params.linkId,
          request.body.reason,
          context(request),
        ),
      ),
  );

  app.post(
    '/persons/:personId/category-changes',
    {
      schema: {
        operationId: 'changePersonCategory',
        tags: ['eligibility'],
        summary: 'A contact-center supervisor changes the person’s category, with a reason (ELIG-16)',
        params: PersonIdParams,
        body: CategoryChangeBody,
        response: { 201: EntitlementView },
      },
      config: { access: SUPERVISORS },
    },
    async (request, reply) => {
      const row = await eligibility.changeCategory(
        request.params.personId,
        { ...request.body, conditionCode: request.body.conditionCode ?? null },
        context(request),
      );
      return reply.code(201).send(toEntitlementView(row));
    },
  );

  app.post(
    '/persons/:personId/booking-list-insertions',
    {
      schema: {
        operationId: 'insertIntoBookingLists',
        tags: ['eligibility'],
        summary: 'Insert a person entitled by age whom the system does not recognise (ELIG-17)',
        params: PersonIdParams,
        body: BookingListInsertionBody,
        response: { 201: AdmissionView },
      },
      config: { access: SUPERVISORS },
    },
    async (request, reply) => {
      const row = await eligibility.insertIntoBookingLists(
        request.params.personId,
        `${request.body.reason}: ${request.body.note}`,
        context(request),
      );
      return reply.code(201).send({
        personId: row.person_id,
        basis: row.basis,
        reason: row.reason,
        admittedAt: row.admitted_at.toISOString(),
      });
    },
  );

  app.post(
    '/persons/:personId/gp-reports',
    {
      schema: {
        operationId: 'reportFragilePatient',
        tags: ['eligibility'],
        summary: 'A GP or pediatrician reports a patient as fragile: a verified entitlement (ELIG-20)',
        params: PersonIdParams,
        body: GpReportBody,
        response: { 201: EntitlementView },
      },
      config: { access: ['gp'] },
    },
    async (request, reply) => {
      const row = await eligibility.reportFragilePatient(
        request.params.personId,
        { ...request.body, conditionCode: request.body.conditionCode ?? null },
        context(request),
      );
      return reply.code(201).send(toEntitlementView(row));
    },
  );

  app.post(
    '/persons/:personId/obesity-certifications',
    {
      schema: {
        operationId: 'certifySevereObesity',
        tags: ['eligibility'],
        summary: 'A pharmacist certifies severe obesity, BMI > 35 (ELIG-9)',
        params: PersonIdParams,
        body: ObesityBody,
        response: { 201: EntitlementView },
      },
      config: { access: ['pharmacist'] },
    },
    async (request, reply) => {
      const row = await eligibility.certifySevereObesity(
        request.params.personId,
        request.body.bmi,
        request.body.note ?? null,
        context(request),
      );
      return reply.code(201).send(toEntitlementView(row));
    },
  );

  app.post(
    '/entitlements/:entitlementId/evidence-check',
    {
      schema: {
        operationId: 'checkEntitlementEvidence',
        tags: ['eligibility'],
        summary: 'The vaccination point confirms or rejects a self-declaration handed in (ELIG-4)',
        params: EntitlementIdParams,
        body: EvidenceCheckBody,
        response: { 200: EntitlementView },
      },
      config: { access: ['vaccinator', 'point_admin'] },
    },
    async (request) =>
      toEntitlementView(
        await eligibility.checkEvidence(
          request.params.entitlementId,
          request.body.confirmed,
          request.body.note,
          context(request),
        ),
      ),
  );

  app.post(
    '/me/non-resident-applications',
    {
      schema: {
        operationId: 'applyAsNonResident',
        tags: ['eligibility'],
        summary: 'A non-resident present in the region applies for vaccination (ELIG-11)',
        body: NonResidentApplicationBody,
        response: { 201: NonResidentApplicationView },
      },
      config: { access: CITIZEN },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(
          toApplicationView(
            await eligibility.applyAsNonResident(myPersonId(request), request.body, context(request)),
          ),
        ),
  );

  app.post(
    '/persons/:personId/non-resident-applications',
    {
      schema: {
        operationId: 'fileNonResidentApplication',
        tags: ['eligibility'],
        summary: 'The contact center files a non-resident’s application on their behalf (ELIG-11)',
        params: PersonIdParams,
        body: NonResidentApplicationBody,
        response: { 201: NonResidentApplicationView },
      },
      config: { access: ['call_center', 'contact_center_supervisor'] },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(
          toApplicationView(
            await eligibility.applyAsNonResident(request.params.personId, request.body, context(request)),
          ),
        ),
  );

  app.get(
    '/non-resident-applications',
    {
      schema: {
        operationId: 'listNonResidentApplications',
        tags: ['eligibility'],
        summary: 'Non-residents’ applications to decide (ELIG-11)',
        querystring: ApplicationsQuery,
        response: { 200: Type.Array(NonResidentApplicationView) },
      },
      config: { access: AUTHORITY_ADMINS },
    },
    async (request) =>
      (await eligibility.nonResidentApplications(request.query.status)).map(toApplicationView),
  );

  app.post(
    '/non-resident-applications/:applicationId/decision',
    {
      schema: {
        operationId: 'decideNonResidentApplication',
        tags: ['eligibility'],
        summary: 'The health authority approves or rejects a non-resident’s application (ELIG-11)',
        params: ApplicationIdParams,
        body: DecisionBody,
        response: { 200: NonResidentApplicationView },
      },
      config: { access: ['asl_admin'] },
    },
    async (request) =>
      toApplicationView(
        await eligibility.decideNonResidentApplication(
          request.params.applicationId,
          request.body.approve,
          request.body.reason,
          context(request),
        ),
      ),
  );

  app.get(
    '/lists/not-contacted',
    {
      schema: {
        operationId: 'listNotContactedByDeadline',
        tags: ['eligibility'],
        summary: 'People on fragility lists not contacted by the deadline (ELIG-21)',
        querystring: NotContactedQuery,
        response: { 200: NotContactedPage },
      },
      config: { access: [...AUTHORITY_ADMINS, 'gp'] },
    },
    async (request) => {
      const { deadline, healthAuthorityCode, page, pageSize } = request.query;
      const rows = await eligibility.notContactedByDeadline(
        deadline,
        healthAuthorityCode,
        (page - 1) * pageSize,
        pageSize + 1,
      );
      return {
        items: rows.slice(0, pageSize).map((row) => ({
          personId: row.person_id,
          surname: row.surname,
          givenName: row.given_name,
          healthAuthorityCode: row.health_authority_code,
          category: row.category,
          source: row.source,
          listAuthority: row.source_reference,
          onListSince: row.valid_from.toISOString(),
        })),
        page,
        pageSize,
        hasMore: rows.length > pageSize,
      };
    },
  );

  app.get(
    '/lists/types',
    {
      schema: {
        operationId: 'listListTypes',
        tags: ['lists'],
        summary: 'List types and their cut-off dates (ELIG-19)',
        response: { 200: Type.Array(ListTypeView) },
      },
      config: { access: AUTHORITY_ADMINS },
    },
    () => lists.listTypes(),
  );

  app.put(
    '/lists/types/:listType/cut-off',
    {
      schema: {
        operationId: 'setListCutOff',
        tags: ['lists'],
        summary: 'Close a list type from a date, or reopen it with null (ELIG-19)',
        params: ListTypeParams,
        body: CutOffBody,
        response: { 200: ListTypeView },
      },
      config: { access: ['region_admin'] },
    },
    (request) =>
      lists.setCutOff(
        request.params.listType,
        request.body.closedFrom,
        request.body.reason,
        context(request),
      ),
  );

  registerListUploadRoutes(app, { lists, clock, config });
};
