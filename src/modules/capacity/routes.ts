import type { FastifyRequest } from 'fastify';
import { Type, type Static } from 'typebox';
import type { ModuleRoutes } from '../../platform/http/app.ts';
import type { Role } from '../../platform/auth/roles.ts';
import { actingContextOf } from '../../platform/http/acting-context.ts';
import { EligibilityService } from '../eligibility/service.ts';
import { CapacityService, type AuthorityScope, type ChangeSummary } from './service.ts';
import type { ChangeRow, OutcomeRow } from './repo.ts';
import {
  ChangeIdParams,
  ChangesQuery,
  ChangeView,
  CreateChangeBody,
  OutcomesQuery,
  OutcomesView,
} from './schemas.ts';

/** BOOK-12: a health authority's administrators change their hubs' capacity; the region's, any hub's. */
const CAPACITY_ADMINS: readonly Role[] = ['asl_admin', 'region_admin'];

/** SEC-2: an ASL administrator acts on the hubs of their authorities, the region's on all. */
const scopeOf = (request: FastifyRequest): AuthorityScope => {
  const actor = request.actor;
  if (actor.kind === 'staff' && actor.role === 'region_admin') return null;
  if (actor.kind === 'staff') return actor.healthAuthorityCodes;
  return [];
};

const changeView = (row: ChangeRow & { messages?: Record<string, number> }): Static<typeof ChangeView> => ({
  id: row.id,
  kind: row.kind,
  pointId: row.vaccination_point_id,
  day: row.day,
  healthAuthorityCode: row.health_authority_code,
  fromTime: row.from_time,
  stations: row.stations,
  product: row.product_code,
  doses: row.doses,
  horizonDays: row.horizon_days,
  maxKm: row.max_km,
  note: row.note,
  status: row.status,
  preview: row.preview as ChangeSummary,
  createdAt: row.created_at.toISOString(),
  createdBy: row.created_by,
  appliedAt: row.applied_at?.toISOString() ?? null,
  appliedBy: row.applied_by,
  outcome: {
    moved: row.moved,
    toChoose: row.to_choose,
    notified: row.notified,
    batches: row.batches,
    messages: row.messages ?? {},
  },
});

const outcomeView = (row: OutcomeRow) => ({
  bookingCode: row.code,
  personId: Number(row.person_id),
  doseNumber: row.dose_number,
  product: row.product_code,
  outcome: row.outcome,
  why: row.why as 'affected' | 'follows_first_dose' | 'with_second_dose',
  from: { pointId: Number(row.from_point_id), startsAt: new Date(row.from_starts_at).toISOString() },
  to:
    row.to_point_id === null || row.to_starts_at === null
      ? null
      : {
          pointId: Number(row.to_point_id),
          startsAt: new Date(row.to_starts_at).toISOString(),
          km: row.km === null ? null : Number(row.km),
        },
  message:
    row.message_id === null
      ? null
      : {
          id: Number(row.message_id),
          channel: row.message_channel ?? '',
          status: row.message_status ?? '',
        },
  batch: row.batch,
});

export const capacityRoutes: ModuleRoutes = (app, { database, clock, config }) => {
  const eligibility = new EligibilityService(database.db, clock, config.REGION_CODE);
  const capacity = new CapacityService(database.db, clock, eligibility);
  const context = (request: FastifyRequest) => actingContextOf(request, clock.now());

  app.post<{ Body: Static<typeof CreateChangeBody> }>(
    '/capacity/changes',
    {
      schema: {
        operationId: 'createCapacityChange',
        tags: ['capacity'],
        summary:
          'Close a hub-day, cut its stations from a time or a product’s doses: recorded with its preview (who loses their place, where they would go), nothing moved yet (BOOK-2, BOOK-12)',
        body: CreateChangeBody,
        response: { 201: ChangeView },
      },
      config: { access: CAPACITY_ADMINS },
    },
    async (request, reply) => {
      const row = await capacity.create(request.body, scopeOf(request), context(request));
      return reply.code(201).send(changeView(row));
    },
  );

  app.get<{ Querystring: Static<typeof ChangesQuery> }>(
    '/capacity/changes',
    {
      schema: {
        operationId: 'listCapacityChanges',
        tags: ['capacity'],
        summary: 'The capacity changes of the caller’s hubs, newest first (BOOK-12)',
        querystring: ChangesQuery,
        response: { 200: Type.Array(ChangeView) },
      },
      config: { access: CAPACITY_ADMINS },
    },
    async (request) => {
      const { limit, offset, pointId, status } = request.query;
      return (await capacity.list(scopeOf(request), { pointId, status }, { limit, offset })).map((row) =>
        changeView(row),
      );
    },
  );

  app.get<{ Params: Static<typeof ChangeIdParams> }>(
    '/capacity/changes/:changeId',
    {
      schema: {
        operationId: 'getCapacityChange',
        tags: ['capacity'],
        summary:
          'A capacity change: its preview and its outcome so far (moved, to choose, notified) (BOOK-12)',
        params: ChangeIdParams,
        response: { 200: ChangeView },
      },
      config: { access: CAPACITY_ADMINS },
    },
    async (request) => changeView(await capacity.get(request.params.changeId, scopeOf(request))),
  );

  app.post<{ Params: Static<typeof ChangeIdParams> }>(
    '/capacity/changes/:changeId/apply',
    {
      schema: {
        operationId: 'applyCapacityChange',
        tags: ['capacity'],
        summary:
          'Applies a change: the cut, then every affected booking moved to the nearest equivalent place or cancelled with the person asked to choose, each person told once (BOOK-12). Applying again changes nothing.',
        params: ChangeIdParams,
        response: { 200: ChangeView },
      },
      config: { access: CAPACITY_ADMINS },
    },
    async (request) =>
      changeView(await capacity.apply(request.params.changeId, scopeOf(request), context(request))),
  );

  app.post<{ Params: Static<typeof ChangeIdParams> }>(
    '/capacity/changes/:changeId/discard',
    {
      schema: {
        operationId: 'discardCapacityChange',
        tags: ['capacity'],
        summary: 'Drops a change not applied yet (BOOK-12)',
        params: ChangeIdParams,
        response: { 200: ChangeView },
      },
      config: { access: CAPACITY_ADMINS },
    },
    async (request) =>
      changeView(await capacity.discard(request.params.changeId, scopeOf(request), context(request))),
  );

  app.get<{ Params: Static<typeof ChangeIdParams>; Querystring: Static<typeof OutcomesQuery> }>(
    '/capacity/changes/:changeId/bookings',
    {
      schema: {
        operationId: 'listCapacityChangeOutcomes',
        tags: ['capacity'],
        summary:
          'What a change did, booking by booking: moved where (km from home), or asked to choose, and the message that told the person (BOOK-12)',
        params: ChangeIdParams,
        querystring: OutcomesQuery,
        response: { 200: OutcomesView },
      },
      config: { access: CAPACITY_ADMINS },
    },
    async (request) => {
      const { limit, offset, outcome } = request.query;
      const result = await capacity.outcomes(
        request.params.changeId,
        scopeOf(request),
        { outcome },
        { limit, offset },
      );
      return { total: result.total, items: result.rows.map(outcomeView) };
    },
  );
};
