import type { FastifyRequest } from 'fastify';
import type { Static } from 'typebox';
import { Type } from 'typebox';
import type { ModuleRoutes } from '../../platform/http/app.ts';
import { actingContextOf } from '../../platform/http/acting-context.ts';
import type { Role } from '../../platform/auth/roles.ts';
import { romeDate } from '../../platform/clock.ts';
import { EligibilityService } from '../eligibility/service.ts';
import { bookingChannelOf } from '../booking/acting-for.ts';
import { citizenScope, personOf } from '../../platform/http/person-of.ts';
import { BookingService } from '../booking/service.ts';
import { BookingCodeParams } from '../booking/schemas.ts';
import type { HomeRequestRow, SessionBookingRow, SessionWithPlace } from './repo.ts';
import { sessionRoom } from './rules.ts';
import { AccessibilityService, type AuthorityScope } from './service.ts';
import {
  CancelSessionBookingBody,
  CodeParams,
  HomeListQuery,
  HomeListView,
  HomeOutcomeBody,
  HomePlanBody,
  HomeRequestBody,
  HomeRequestView,
  IdParams,
  RosterView,
  SessionBody,
  SessionBookingBody,
  SessionBookingView,
  SessionListQuery,
  SessionView,
  TransportBody,
  TransportListView,
  TransportQuery,
  WithdrawBody,
} from './schemas.ts';

/** BOOK-14: who asks for a home vaccination: the person (or their caregiver signed in as them), the call center, the GP. */
const HOME_REQUESTERS: readonly Role[] = [
  'citizen',
  'call_center',
  'contact_center_supervisor',
  'gp',
  'asl_admin',
  'region_admin',
];
/** Who organises the visits: the health authority (its own requests), the region. */
const AUTHORITY_ADMINS: readonly Role[] = ['asl_admin', 'region_admin'];
const HOME_WITHDRAWERS: readonly Role[] = [
  'citizen',
  'call_center',
  'contact_center_supervisor',
  'asl_admin',
  'region_admin',
];
/** BOOK-15: who books a person into a dedicated session (BOOK-11 channels, and the authority itself). */
const SESSION_BOOKERS: readonly Role[] = [
  'citizen',
  'call_center',
  'contact_center_supervisor',
  'gp',
  'asl_admin',
  'region_admin',
];
/** BOOK-16: who records the transport of a hub booking: whoever may book it (BOOK-11). */
const TRANSPORT_SETTERS: readonly Role[] = [
  'citizen',
  'call_center',
  'contact_center_supervisor',
  'pharmacist',
  'gp',
];

/** Where a missing personId is reported: this module's problems point into the body. */
const PERSON_POINTER = '/body/personId';

export const homeView = (row: HomeRequestRow): Static<typeof HomeRequestView> => ({
  id: Number(row.id),
  personId: Number(row.person_id),
  healthAuthorityCode: row.health_authority_code,
  municipalityIstat: row.municipality_istat,
  address: row.address,
  status: row.status,
  reason: row.reason,
  notes: row.notes,
  gp: { name: row.gp_name, code: row.gp_code, agreed: row.gp_agreed },
  requestedBy: { kind: row.requested_by_kind, role: row.requested_by_role, channel: row.channel },
  visit:
    row.visit_day === null
      ? null
      : {
          day: row.visit_day,
          time: row.visit_time?.slice(0, 5) ?? null,
          team: row.team,
          byGp: row.by_gp,
        },
  outcomeReason: row.outcome_reason,
  createdAt: row.created_at.toISOString(),
  updatedAt: row.updated_at.toISOString(),
});

export const sessionView = (row: SessionWithPlace): Static<typeof SessionView> => ({
  id: Number(row.id),
  healthAuthorityCode: row.health_authority_code,
  point: {
    id: Number(row.vaccination_point_id),
    code: row.point_code,
    name: row.point_name,
    address: row.point_address,
    municipality: row.point_municipality,
  },
  kind: row.kind,
  supports: row.supports,
  day: row.day,
  startsAt: row.starts_at.toISOString(),
  endsAt: row.ends_at.toISOString(),
  groupSize: row.group_size,
  places: row.places,
  supportPlaces: row.support_places,
  placesTaken: row.places_taken,
  peopleBooked: row.people_booked,
  room: sessionRoom(row),
  status: row.status,
  notes: row.notes,
});

const sessionBookingView = (
  booking: SessionBookingRow,
  session: SessionWithPlace,
): Static<typeof SessionBookingView> => ({
  code: booking.code,
  status: booking.status,
  personId: Number(booking.person_id),
  doseNumber: booking.dose_number,
  needs: booking.needs,
  withCaregiver: booking.with_caregiver,
  places: booking.places,
  transport: booking.transport,
  channel: booking.channel,
  planVersions: { national: booking.plan_national_version, calendar: booking.plan_calendar_version },
  offerId: booking.offer_id,
  session: sessionView(session),
  createdAt: booking.created_at.toISOString(),
  cancelledAt: booking.cancelled_at?.toISOString() ?? null,
});

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * People with disabilities (BOOK-14..16): the home-vaccination list, dedicated sessions with interpreter,
 * mediator or guide, and the transports an authority organises. Thin: each route declares who may call it
 * and makes one service call.
 */
export const accessibilityRoutes: ModuleRoutes = (app, { database, clock, config }) => {
  const eligibility = new EligibilityService(database.db, clock, config.REGION_CODE);
  const booking = new BookingService(database.db, clock, eligibility);
  const service = new AccessibilityService(database.db, clock, eligibility, booking);
  const context = (request: FastifyRequest) => actingContextOf(request, clock.now());
  /** An ASL administrator manages their authority (and those under it); the region and the others all. */
  const scope = async (request: FastifyRequest): Promise<AuthorityScope> => {
    const actor = request.actor;
    if (actor.kind !== 'staff') return null;
    return service.scopeOf(actor.role, actor.healthAuthorityCodes);
  };

  // ----------------------------------------------------------------------------------------------
  // BOOK-14: home vaccination

  app.post(
    '/home-vaccinations',
    {
      schema: {
        operationId: 'requestHomeVaccination',
        tags: ['accessibility'],
        summary:
          'Puts a non-self-sufficient person who cannot reach a hub on their health authority’s home-vaccination list (BOOK-14)',
        body: HomeRequestBody,
        response: { 201: HomeRequestView },
      },
      config: { access: HOME_REQUESTERS },
    },
    async (request, reply) => {
      const body = request.body;
      const row = await service.requestHomeVaccination(
        {
          personId: personOf(request, body.personId, PERSON_POINTER),
          selfSufficient: body.selfSufficient,
          canTravelWithTransport: body.canTravelWithTransport,
          reason: body.reason,
          notes: body.notes,
          gpName: body.gpName,
          gpCode: body.gpCode,
          gpAgreed: body.gpAgreed,
        },
        await scope(request),
        context(request),
      );
      return reply.code(201).send(homeView(row));
    },
  );

  app.get(
    '/home-vaccinations',
    {
      schema: {
        operationId: 'listHomeVaccinations',
        tags: ['accessibility'],
        summary:
          'The authority’s home-vaccination list, open requests first by visit day; filters: status, municipality, GP (BOOK-14)',
        querystring: HomeListQuery,
        response: { 200: HomeListView },
      },
      config: { access: AUTHORITY_ADMINS },
    },
    async (request) => {
      const query = request.query;
      const rows = await service.homeList(
        {
          status: query.status,
          municipalityIstat: query.municipalityIstat,
          gp: query.gp,
          visitFrom: query.visitFrom,
          visitTo: query.visitTo,
          limit: query.pageSize,
          offset: (query.page - 1) * query.pageSize,
        },
        await scope(request),
      );
      return {
        total: Number(rows[0]?.total ?? 0),
        page: query.page,
        pageSize: query.pageSize,
        items: rows.map((row) => ({
          ...homeView(row),
          person: {
            givenName: row.given_name,
            surname: row.surname,
            birthDate: row.birth_date,
            phone: row.phone,
          },
          municipality: row.municipality_name,
        })),
      };
    },
  );

  app.get(
    '/home-vaccinations/:id',
    {
      schema: {
        operationId: 'getHomeVaccination',
        tags: ['accessibility'],
        summary: 'A home-vaccination request and where it stands (BOOK-14)',
        params: IdParams,
        response: { 200: HomeRequestView },
      },
      config: { access: [...HOME_REQUESTERS] },
    },
    async (request) =>
      homeView(await service.homeRequest(request.params.id, await scope(request), citizenScope(request))),
  );

  app.post(
    '/home-vaccinations/:id/plan',
    {
      schema: {
        operationId: 'planHomeVaccination',
        tags: ['accessibility'],
        summary: 'Plans (or re-plans) the visit: day, time, team or GP; the person is told (BOOK-14)',
        params: IdParams,
        body: HomePlanBody,
        response: { 200: HomeRequestView },
      },
      config: { access: AUTHORITY_ADMINS },
    },
    async (request) =>
      homeView(
        await service.planHomeVisit(
          request.params.id,
          {
            visitDay: request.body.visitDay,
            visitTime: request.body.visitTime,
            team: request.body.team,
            byGp: request.body.byGp,
          },
          await scope(request),
          context(request),
        ),
      ),
  );

  app.post(
    '/home-vaccinations/:id/outcome',
    {
      schema: {
        operationId: 'recordHomeVaccinationOutcome',
        tags: ['accessibility'],
        summary: 'The visit done, or not possible with the reason (the person is told) (BOOK-14)',
        params: IdParams,
        body: HomeOutcomeBody,
        response: { 200: HomeRequestView },
      },
      config: { access: AUTHORITY_ADMINS },
    },
    async (request) =>
      homeView(
        await service.recordHomeOutcome(
          request.params.id,
          { outcome: request.body.outcome, reason: request.body.reason },
          await scope(request),
          context(request),
        ),
      ),
  );

  app.post(
    '/home-vaccinations/:id/withdraw',
    {
      schema: {
        operationId: 'withdrawHomeVaccination',
        tags: ['accessibility'],
        summary:
          'Takes the person off the home list (they can travel after all): hub slots are offered again (BOOK-14)',
        params: IdParams,
        body: WithdrawBody,
        response: { 200: HomeRequestView },
      },
      config: { access: HOME_WITHDRAWERS },
    },
    async (request) =>
      homeView(
        await service.withdrawHome(
          request.params.id,
          request.body.reason,
          await scope(request),
          citizenScope(request),
          context(request),
        ),
      ),
  );

  // ----------------------------------------------------------------------------------------------
  // BOOK-15: dedicated sessions

  app.post(
    '/dedicated-sessions',
    {
      schema: {
        operationId: 'openDedicatedSession',
        tags: ['accessibility'],
        summary:
          'Opens a session at a hub for deaf, blind or transported people, with its support people and places (BOOK-15)',
        body: SessionBody,
        response: { 201: SessionView },
      },
      config: { access: AUTHORITY_ADMINS },
    },
    async (request, reply) => {
      const body = request.body;
      const row = await service.openSession(
        {
          pointId: body.pointId,
          kind: body.kind,
          supports: body.supports,
          startsAt: AccessibilityService.instantOf(body.day, body.from),
          endsAt: AccessibilityService.instantOf(body.day, body.to),
          groupSize: body.groupSize,
          places: body.places,
          notes: body.notes,
        },
        await scope(request),
        context(request),
      );
      return reply.code(201).send(sessionView(await service.session(Number(row.id))));
    },
  );

  app.get(
    '/dedicated-sessions',
    {
      schema: {
        operationId: 'listDedicatedSessions',
        tags: ['accessibility'],
        summary:
          'Dedicated sessions by day, kind, hub or province; with `needs`, only those a person with these needs may book now (BOOK-15)',
        querystring: SessionListQuery,
        response: { 200: Type.Array(SessionView) },
      },
      config: { access: SESSION_BOOKERS },
    },
    async (request) => {
      const query = request.query;
      const now = clock.now();
      const from = query.from ?? romeDate(now);
      const to = query.to ?? romeDate(new Date(now.getTime() + 60 * DAY_MS));
      if (query.needs !== undefined) {
        const rows = await service.bookableSessions(query.needs, from, to);
        return rows
          .filter(
            (row) =>
              (query.kind === undefined || row.kind === query.kind) &&
              (query.pointId === undefined || Number(row.vaccination_point_id) === query.pointId) &&
              (query.provinceCode === undefined || row.province_code === query.provinceCode),
          )
          .map(sessionView);
      }
      const rows = await service.sessions(
        { from, to, kind: query.kind, pointId: query.pointId, provinceCode: query.provinceCode },
        await scope(request),
      );
      return rows.map(sessionView);
    },
  );

  app.post(
    '/dedicated-sessions/:id/cancel',
    {
      schema: {
        operationId: 'cancelDedicatedSession',
        tags: ['accessibility'],
        summary:
          'Cancels a session (the interpreter cannot come, the hub closes): its appointments are cancelled and each person told (BOOK-15)',
        params: IdParams,
        body: CancelSessionBookingBody,
        response: {
          200: Type.Object({ session: SessionView, bookingsCancelled: Type.Integer() }),
        },
      },
      config: { access: AUTHORITY_ADMINS },
    },
    async (request) => {
      const result = await service.cancelSession(
        request.params.id,
        request.body.reason,
        await scope(request),
        context(request),
      );
      return { session: sessionView(result.session), bookingsCancelled: result.bookingsCancelled };
    },
  );

  app.get(
    '/dedicated-sessions/:id/bookings',
    {
      schema: {
        operationId: 'listDedicatedSessionBookings',
        tags: ['accessibility'],
        summary: 'Who comes to a session, with their needs, caregiver and transport (BOOK-15, BOOK-16)',
        params: IdParams,
        response: { 200: RosterView },
      },
      config: { access: AUTHORITY_ADMINS },
    },
    async (request) => {
      const { session, bookings } = await service.roster(request.params.id, await scope(request));
      return {
        session: sessionView(session),
        people: bookings.map((row) => ({
          code: row.code,
          personId: Number(row.person_id),
          givenName: row.given_name,
          surname: row.surname,
          birthDate: row.birth_date,
          phone: row.phone,
          needs: row.needs,
          withCaregiver: row.with_caregiver,
          transport: row.transport,
        })),
      };
    },
  );

  app.post(
    '/dedicated-sessions/:id/bookings',
    {
      schema: {
        operationId: 'bookDedicatedSession',
        tags: ['accessibility'],
        summary:
          'Books a person into a session that matches their needs, with their caregiver and transport if needed (BOOK-15, BOOK-16)',
        params: IdParams,
        body: SessionBookingBody,
        response: { 201: SessionBookingView },
      },
      config: { access: SESSION_BOOKERS },
    },
    async (request, reply) => {
      const body = request.body;
      const authorities = await scope(request);
      if (authorities !== null) await service.session(request.params.id, authorities);
      const result = await service.bookSession(
        {
          sessionId: request.params.id,
          personId: personOf(request, body.personId, PERSON_POINTER),
          needs: body.needs,
          withCaregiver: body.withCaregiver,
          transport: body.transport,
          doseNumber: body.doseNumber,
          channel: bookingChannelOf(request),
        },
        context(request),
      );
      return reply.code(201).send(sessionBookingView(result.booking, result.session));
    },
  );

  app.get(
    '/dedicated-session-bookings/:code',
    {
      schema: {
        operationId: 'getDedicatedSessionBooking',
        tags: ['accessibility'],
        summary: 'A dedicated-session appointment by its code (BOOK-15)',
        params: CodeParams,
        response: { 200: SessionBookingView },
      },
      config: { access: SESSION_BOOKERS },
    },
    async (request) => {
      const { booking: row, session } = await service.sessionBooking(
        request.params.code,
        citizenScope(request),
        await scope(request),
      );
      return sessionBookingView(row, session);
    },
  );

  app.post(
    '/dedicated-session-bookings/:code/cancel',
    {
      schema: {
        operationId: 'cancelDedicatedSessionBooking',
        tags: ['accessibility'],
        summary:
          'Cancels a dedicated-session appointment; its places (and the caregiver’s) are free at once (BOOK-15)',
        params: CodeParams,
        body: CancelSessionBookingBody,
        response: { 200: SessionBookingView },
      },
      config: { access: SESSION_BOOKERS },
    },
    async (request) => {
      const result = await service.cancelSessionBooking(
        request.params.code,
        citizenScope(request),
        request.body.reason,
        await scope(request),
        context(request),
      );
      return sessionBookingView(result.booking, await service.session(Number(result.booking.session_id)));
    },
  );

  // ----------------------------------------------------------------------------------------------
  // BOOK-16: transport

  app.put(
    '/bookings/:code/transport',
    {
      schema: {
        operationId: 'setBookingTransport',
        tags: ['accessibility'],
        summary: 'Records (or clears) the transport a hub booking needs, and its second dose’s (BOOK-16)',
        params: BookingCodeParams,
        body: TransportBody,
        response: {
          200: Type.Object({ code: Type.String(), transport: TransportBody.properties.transport }),
        },
      },
      config: { access: TRANSPORT_SETTERS },
    },
    async (request) => {
      const row = await service.setHubBookingTransport(
        request.params.code,
        citizenScope(request),
        request.body.transport,
        context(request),
      );
      return { code: row.code, transport: row.transport };
    },
  );

  app.get(
    '/transports',
    {
      schema: {
        operationId: 'listTransportsNeeded',
        tags: ['accessibility'],
        summary:
          'The transports the authority organises, per day and hub: hub bookings and dedicated sessions that need one (BOOK-16)',
        querystring: TransportQuery,
        response: { 200: TransportListView },
      },
      config: { access: AUTHORITY_ADMINS },
    },
    async (request) => {
      const rows = await service.transports(
        { from: request.query.from, to: request.query.to, pointId: request.query.pointId },
        await scope(request),
      );
      return rows.map((row) => ({
        day: romeDate(row.startsAt),
        startsAt: row.startsAt.toISOString(),
        kind: row.kind,
        code: row.code,
        sessionId: row.sessionId,
        point: { id: Number(row.point.id), code: row.point.code, name: row.point.name },
        transport: row.transport,
        withCaregiver: row.withCaregiver,
        person: {
          id: row.personId,
          givenName: row.person?.given_name ?? '',
          surname: row.person?.surname ?? '',
          phone: row.person?.phone ?? null,
          address: row.person?.address ?? null,
          municipality: row.person?.municipality_name ?? null,
        },
      }));
    },
  );
};
