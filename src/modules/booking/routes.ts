import type { FastifyRequest } from 'fastify';
import { Type, type Static } from 'typebox';
import type { ModuleRoutes } from '../../platform/http/app.ts';
import { actingContextOf } from '../../platform/http/acting-context.ts';
import { STAFF_ROLES, type Role } from '../../platform/auth/roles.ts';
import { DomainError } from '../../platform/http/problem.ts';
import { EligibilityService } from '../eligibility/service.ts';
import { BOOKING_CHANNELS } from '../eligibility/plan-file.ts';
import { bookingChannelOf, requireHubScope } from './acting-for.ts';
import { citizenScope, personOf } from '../../platform/http/person-of.ts';
import { BookingService, type BookingRow, type Confirmation } from './service.ts';
import {
  BookBody,
  BookHeaders,
  BookingCodeParams,
  BookingView,
  CancelBody,
  GroupBookBody,
  HubDayBody,
  HubDayParams,
  HubDayView,
  HubSettingsBody,
  HubView,
  PointIdParams,
  RescheduleBody,
  SlotSearchQuery,
  SlotSearchView,
} from './schemas.ts';

const GroupBookingView = Type.Object({
  groupCode: Type.Union([Type.Null(), Type.String()]),
  bookings: Type.Array(BookingView),
});

/** BOOK-11: who books, through which channel: citizens themselves, and the channels that book for them. */
const BOOKERS: readonly Role[] = ['citizen', 'call_center', 'contact_center_supervisor', 'pharmacist', 'gp'];
const HUB_MANAGERS: readonly Role[] = ['asl_admin', 'point_admin'];
const BOOKING_READERS: readonly Role[] = ['citizen', ...STAFF_ROLES];

export const bookingRoutes: ModuleRoutes = (app, { database, clock, config }) => {
  const eligibility = new EligibilityService(database.db, clock, config.REGION_CODE);
  const booking = new BookingService(database.db, clock, eligibility);
  const context = (request: FastifyRequest) => actingContextOf(request, clock.now());

  const hubAuthority = (pointId: number) => booking.healthAuthorityOf(pointId);

  const view = ({
    booking: row,
    place,
    product,
    bring,
    secondDose,
  }: Confirmation): Static<typeof BookingView> => ({
    code: row.code,
    status: row.status,
    personId: row.person_id,
    doseNumber: row.dose_number,
    startsAt: row.starts_at.toISOString(),
    place,
    product,
    channel: BOOKING_CHANNELS.find((c) => c === row.channel) ?? 'web',
    bring,
    planVersions: { national: row.plan_national_version, calendar: row.plan_calendar_version },
    offerId: row.offer_id,
    secondDose:
      secondDose === undefined
        ? null
        : { code: secondDose.code, startsAt: secondDose.starts_at.toISOString() },
    createdAt: row.created_at.toISOString(),
    cancelledAt: row.cancelled_at?.toISOString() ?? null,
    transport: row.transport ?? null,
  });
  const readBack = async (row: BookingRow) => view(await booking.confirmationOf(row));

  app.get(
    '/hubs',
    {
      schema: {
        operationId: 'listHubs',
        tags: ['booking'],
        summary: 'The vaccination hubs with address, coordinates, stations, accessibility, status (BOOK-1)',
        response: { 200: Type.Array(HubView) },
      },
      config: { access: 'public' },
    },
    async () =>
      (await booking.listHubs()).map((hub) => ({
        id: hub.id,
        code: hub.code,
        name: hub.name,
        address: hub.address,
        municipalityIstat: hub.municipality_istat,
        municipality: hub.municipality_name,
        lat: hub.lat,
        lng: hub.lng,
        healthAuthorityCode: hub.health_authority_code,
        stations: hub.stations,
        accessibility: hub.accessibility ?? [],
        status: hub.status,
      })),
  );

  app.put(
    '/hubs/:pointId',
    {
      schema: {
        operationId: 'configureHub',
        tags: ['booking'],
        summary:
          'Stations (≥ 5), accessibility, and active / reserve / closed to new bookings (BOOK-1, BOOK-3, BOOK-4)',
        params: PointIdParams,
        body: HubSettingsBody,
        response: {
          200: Type.Object({ pointId: Type.Integer(), stations: Type.Integer(), status: Type.String() }),
        },
      },
      config: { access: HUB_MANAGERS },
    },
    async (request) => {
      await requireHubScope(request, request.params.pointId, hubAuthority);
      const row = await booking.configureHub(request.params.pointId, request.body, context(request));
      return { pointId: row.vaccination_point_id, stations: row.stations, status: row.status };
    },
  );

  app.put(
    '/hubs/:pointId/days/:day',
    {
      schema: {
        operationId: 'setHubDay',
        tags: ['booking'],
        summary:
          'A hub’s day: hours, active stations, minutes per vaccination, doses per product; slots follow (BOOK-2)',
        params: HubDayParams,
        body: HubDayBody,
        response: { 200: HubDayView },
      },
      config: { access: HUB_MANAGERS },
    },
    async (request) => {
      await requireHubScope(request, request.params.pointId, hubAuthority);
      return booking.setHubDay(request.params.pointId, request.params.day, request.body, context(request));
    },
  );

  app.get(
    '/slots',
    {
      schema: {
        operationId: 'searchSlots',
        tags: ['booking'],
        summary:
          'Hubs nearest to the domicile, each with the free time at or nearest to the one wanted (BOOK-6, BOOK-7)',
        querystring: SlotSearchQuery,
        response: { 200: SlotSearchView },
      },
      config: { access: BOOKERS, admission: 'booking' },
    },
    async (request) => {
      const query = request.query;
      const personId = request.actor.kind === 'citizen' ? request.actor.personId : query.personId;
      const result = await booking.searchSlots({
        municipalityIstat: query.municipalityIstat,
        cap: query.cap,
        date: query.date,
        time: query.time,
        personId,
        channel: bookingChannelOf(request),
        accessibility: query.accessibility ?? [],
      });
      return {
        wanted: result.wanted.toISOString(),
        products: result.products,
        hubs: result.hubs.map(({ hub, distanceKm, slot }) => ({
          hub,
          distanceKm,
          slot: slot === null ? null : { ...slot, startsAt: slot.startsAt.toISOString() },
        })),
      };
    },
  );

  app.post(
    '/bookings',
    {
      schema: {
        operationId: 'bookAppointment',
        tags: ['booking'],
        summary:
          'Confirm an appointment; a retry with the same Idempotency-Key returns the same booking (BOOK-5, BOOK-8, BOOK-9)',
        headers: BookHeaders,
        body: BookBody,
        response: { 200: BookingView, 201: BookingView },
      },
      config: { access: BOOKERS, admission: 'booking' },
    },
    async (request, reply) => {
      const result = await booking.book(
        {
          personId: personOf(request, request.body.personId),
          slotId: request.body.slotId,
          idempotencyKey: request.headers['idempotency-key'],
          channel: bookingChannelOf(request),
          transport: request.body.transport,
        },
        context(request),
      );
      return reply.code(result.created ? 201 : 200).send(view(result.confirmation));
    },
  );

  app.post(
    '/bookings/group',
    {
      schema: {
        operationId: 'bookGroup',
        tags: ['booking'],
        summary:
          'Book a fragile person and up to 3 linked people in one step, in adjacent times at one hub: all or none (ELIG-13)',
        headers: BookHeaders,
        body: GroupBookBody,
        response: { 200: GroupBookingView, 201: GroupBookingView },
      },
      config: { access: BOOKERS, admission: 'booking' },
    },
    async (request, reply) => {
      const fragilePersonId = personOf(request, request.body.fragilePersonId);
      const links = await eligibility.links(fragilePersonId);
      const linked = request.body.linkIds.map((linkId) => {
        const link = links.find((l) => l.id === linkId);
        if (link === undefined) throw new DomainError('LINK_NOT_FOUND', { pointer: '/linkIds' });
        return link.linked_person_id;
      });
      const personIds = [...(request.body.includeFragilePerson ? [fragilePersonId] : []), ...linked];
      const result = await booking.bookTogether(
        {
          personIds,
          slotId: request.body.slotId,
          idempotencyKey: request.headers['idempotency-key'],
          channel: bookingChannelOf(request),
        },
        context(request),
      );
      return reply.code(result.created ? 201 : 200).send({
        groupCode: result.confirmations[0]?.booking.group_code ?? null,
        bookings: result.confirmations.map(view),
      });
    },
  );

  app.get(
    '/bookings/:code',
    {
      schema: {
        operationId: 'getBooking',
        tags: ['booking'],
        summary: 'A booking by its code, with everything the confirmation shows (BOOK-8)',
        params: BookingCodeParams,
        response: { 200: BookingView },
      },
      config: { access: BOOKING_READERS },
    },
    async (request) => readBack(await booking.getBooking(request.params.code, citizenScope(request))),
  );

  app.post(
    '/bookings/:code/cancel',
    {
      schema: {
        operationId: 'cancelBooking',
        tags: ['booking'],
        summary: 'Cancel a booking; its place is free at once (BOOK-8)',
        params: BookingCodeParams,
        body: CancelBody,
        response: { 200: BookingView },
      },
      config: { access: BOOKERS },
    },
    async (request) =>
      readBack(
        await booking.cancel(
          request.params.code,
          citizenScope(request),
          request.body.reason,
          request.body.secondDose,
          context(request),
        ),
      ),
  );

  app.post(
    '/bookings/:code/reschedule',
    {
      schema: {
        operationId: 'rescheduleBooking',
        tags: ['booking'],
        summary: 'Move a booking to another time or hub in one step: never both places, never none (BOOK-8)',
        params: BookingCodeParams,
        body: RescheduleBody,
        response: { 200: BookingView },
      },
      config: { access: BOOKERS },
    },
    async (request) =>
      readBack(
        await booking.reschedule(
          request.params.code,
          citizenScope(request),
          request.body.slotId,
          bookingChannelOf(request),
          context(request),
        ),
      ),
  );
};
