import type { FastifyRequest } from 'fastify';
import type { Static } from 'typebox';
import type { ModuleRoutes } from '../../platform/http/app.ts';
import { actingContextOf } from '../../platform/http/acting-context.ts';
import type { Role } from '../../platform/auth/roles.ts';
import { DomainError } from '../../platform/http/problem.ts';
import { systemContext } from '../../platform/audit/audit.ts';
import { romeDate } from '../../platform/clock.ts';
import { PeriodicJob } from '../../platform/background.ts';
import { EligibilityService } from '../eligibility/service.ts';
import { bookingChannelOf, requireHubScope } from '../booking/acting-for.ts';
import { citizenScope, personOf } from '../../platform/http/person-of.ts';
import { BookingService, type Confirmation } from '../booking/service.ts';
import { WaitingListService, type OfferDetails } from './service.ts';
import { NoShowService } from './no-shows.ts';
import { StandbyService, type CallRow, type RegistrationRow } from './standby.ts';
import type { EntryRow } from './repo.ts';
import {
  AppointmentView,
  AreaListView,
  AreaParams,
  AreaQuery,
  CallIdParams,
  EntryIdParams,
  EntryView,
  HubDayParams,
  JoinBody,
  NoShowCodeParams,
  NoShowMarkView,
  NoShowView,
  OfferIdParams,
  OfferView,
  OutcomeBody,
  PersonBody,
  PersonQuery,
  RebookBody,
  RunView,
  StandbyBody,
  StandbyCallRunView,
  StandbyCallView,
  StandbyIdParams,
  StandbyListView,
  StandbyView,
  StatusView,
} from './schemas.ts';
import { Type } from 'typebox';

/** BOOK-11, BOOK-13: the person themselves, and the call center acting for them. */
const PEOPLE: readonly Role[] = ['citizen', 'call_center', 'contact_center_supervisor'];
/** The health authority's administrators read and run their area's waiting list. */
const AREA_ADMINS: readonly Role[] = ['asl_admin', 'region_admin'];
/** Who closes a hub's day and calls its standby list. */
const HUB_MANAGERS: readonly Role[] = ['asl_admin', 'point_admin'];
/** A standby call's answer: the person, the call center, or the hub's staff who phoned them. */
const ANSWERERS: readonly Role[] = [...PEOPLE, ...HUB_MANAGERS];

export const entryView = (entry: EntryRow): Static<typeof EntryView> => ({
  id: entry.id,
  personId: entry.person_id,
  doseNumber: entry.dose_number,
  areaCode: entry.area_code,
  municipalityIstat: entry.municipality_istat,
  cap: entry.cap,
  accessibility: entry.accessibility,
  priority: entry.priority,
  category: entry.category,
  status: entry.status,
  joinedAt: entry.joined_at.toISOString(),
  offersMade: entry.offers_made,
  closedAt: entry.closed_at?.toISOString() ?? null,
  closeReason: entry.close_reason,
});

export const offerView = (details: OfferDetails): Static<typeof OfferView> => ({
  id: details.offer.id,
  status: details.offer.status,
  startsAt: details.offer.starts_at.toISOString(),
  expiresAt: details.offer.expires_at.toISOString(),
  place: details.place,
  product: details.product,
  offeredAt: details.offer.offered_at.toISOString(),
  answeredAt: details.offer.answered_at?.toISOString() ?? null,
  bookingCode: details.bookingCode,
});

export const appointmentView = (confirmation: Confirmation): Static<typeof AppointmentView> => ({
  code: confirmation.booking.code,
  personId: Number(confirmation.booking.person_id),
  doseNumber: confirmation.booking.dose_number,
  startsAt: confirmation.booking.starts_at.toISOString(),
  place: confirmation.place,
  product: confirmation.product,
  secondDose:
    confirmation.secondDose === undefined
      ? null
      : { code: confirmation.secondDose.code, startsAt: confirmation.secondDose.starts_at.toISOString() },
});

const callView = (call: CallRow): Static<typeof StandbyCallView> => ({
  id: call.id,
  calledAt: call.called_at.toISOString(),
  answerBy: call.answer_by.toISOString(),
  channel: call.channel,
  outcome: call.outcome,
  answeredAt: call.answered_at?.toISOString() ?? null,
  bookingCode: call.booking_code ?? null,
});

export const standbyView = (entry: {
  registration: RegistrationRow;
  calls: CallRow[];
}): Static<typeof StandbyView> => ({
  id: entry.registration.id,
  personId: entry.registration.person_id,
  pointId: entry.registration.vaccination_point_id,
  day: entry.registration.day,
  priority: entry.registration.priority,
  category: entry.registration.category,
  registeredAt: entry.registration.registered_at.toISOString(),
  status: entry.registration.status,
  calls: entry.calls.map(callView),
});

/** The waiting list, no-shows and standby list, and the periodic job that runs them in every process. */
export function waitingListServices(deps: Parameters<ModuleRoutes>[1]): {
  waitingList: WaitingListService;
  noShows: NoShowService;
  standby: StandbyService;
  booking: BookingService;
} {
  const { database, clock, config } = deps;
  const eligibility = new EligibilityService(database.db, clock, config.REGION_CODE);
  const booking = new BookingService(database.db, clock, eligibility);
  return {
    booking,
    waitingList: new WaitingListService(database.db, clock, booking),
    noShows: new NoShowService(database.db, clock, booking),
    standby: new StandbyService(database.db, clock, booking),
  };
}

export const waitingListRoutes: ModuleRoutes = (app, deps) => {
  const { clock, config } = deps;
  const { waitingList, noShows, standby, booking } = waitingListServices(deps);
  const context = (request: FastifyRequest) => actingContextOf(request, clock.now());

  /** Everything the periodic job does, in order: expire, offer, no-shows, standby calls. */
  const runAll = async (request?: FastifyRequest) => {
    const acting = request === undefined ? systemContext('waiting-list-job', clock.now()) : context(request);
    const offers = await waitingList.run(acting);
    const marked = await noShows.run(acting);
    const calls = await standby.run(acting);
    return { ...offers, noShows: marked, standbyCalls: calls };
  };

  const job = new PeriodicJob('waiting-list', app.log, () => runAll());
  if (config.WAITING_LIST_INTERVAL_MS > 0) {
    app.addHook('onReady', (done) => {
      job.start(config.WAITING_LIST_INTERVAL_MS);
      done();
    });
  }
  app.addHook('onClose', () => job.stop());

  const hubAuthority = (pointId: number) => booking.healthAuthorityOf(pointId);

  // ------------------------------------------------------------------------------------------------
  // BOOK-13 waiting list

  app.post(
    '/waiting-list/entries',
    {
      schema: {
        operationId: 'joinWaitingList',
        tags: ['waiting-list'],
        summary:
          'Join the waiting list of the domicile’s area when no place is free within the horizon; once per person and dose (BOOK-13)',
        body: JoinBody,
        response: { 201: EntryView },
      },
      config: { access: PEOPLE },
    },
    async (request, reply) => {
      const entry = await waitingList.join(
        {
          personId: personOf(request, request.body.personId),
          municipalityIstat: request.body.municipalityIstat,
          cap: request.body.cap,
          accessibility: request.body.accessibility,
          channel: bookingChannelOf(request),
        },
        context(request),
      );
      return reply.code(201).send(entryView(entry));
    },
  );

  app.get(
    '/waiting-list/status',
    {
      schema: {
        operationId: 'getWaitingListStatus',
        tags: ['waiting-list'],
        summary: 'A person’s waiting-list entry, how many are ahead, and the offer (BOOK-13)',
        querystring: PersonQuery,
        response: { 200: StatusView },
      },
      config: { access: PEOPLE },
    },
    async (request) => {
      const status = await waitingList.status(personOf(request, request.query.personId));
      return {
        entry: status.entry === null ? null : entryView(status.entry),
        ahead: status.ahead,
        offer: status.offer === null ? null : offerView(status.offer),
      };
    },
  );

  app.post(
    '/waiting-list/entries/:entryId/leave',
    {
      schema: {
        operationId: 'leaveWaitingList',
        tags: ['waiting-list'],
        summary: 'Leave the waiting list; an open offer is withdrawn and its place given back (BOOK-13)',
        params: EntryIdParams,
        body: Type.Optional(PersonBody),
        response: { 200: EntryView },
      },
      config: { access: PEOPLE },
    },
    async (request) =>
      entryView(await waitingList.leave(request.params.entryId, citizenScope(request), context(request))),
  );

  app.post(
    '/waiting-list/offers/:offerId/accept',
    {
      schema: {
        operationId: 'acceptWaitingListOffer',
        tags: ['waiting-list'],
        summary:
          'Accept an offer: the held place becomes a booking with its second dose; accepting again returns it (BOOK-13, BOOK-9, BOOK-10)',
        params: OfferIdParams,
        body: Type.Optional(PersonBody),
        response: { 200: AppointmentView, 201: AppointmentView },
      },
      config: { access: PEOPLE },
    },
    async (request, reply) => {
      const result = await waitingList.accept(
        request.params.offerId,
        citizenScope(request),
        bookingChannelOf(request),
        context(request),
      );
      return reply.code(result.created ? 201 : 200).send(appointmentView(result.confirmation));
    },
  );

  app.post(
    '/waiting-list/offers/:offerId/decline',
    {
      schema: {
        operationId: 'declineWaitingListOffer',
        tags: ['waiting-list'],
        summary:
          'Decline an offer: its place passes to the next person; the entry stays on the list (BOOK-13)',
        params: OfferIdParams,
        body: Type.Optional(PersonBody),
        response: { 200: OfferView },
      },
      config: { access: PEOPLE },
    },
    async (request) => {
      const offer = await waitingList.decline(
        request.params.offerId,
        citizenScope(request),
        context(request),
      );
      return offerView(await waitingList.details(offer));
    },
  );

  app.get(
    '/waiting-list/areas/:areaCode/entries',
    {
      schema: {
        operationId: 'listWaitingList',
        tags: ['waiting-list'],
        summary: 'An area’s waiting list in priority order (ELIG-2), with each open offer (BOOK-13)',
        params: AreaParams,
        querystring: AreaQuery,
        response: { 200: AreaListView },
      },
      config: { access: AREA_ADMINS },
    },
    async (request) => {
      const actor = request.actor;
      if (
        actor.kind === 'staff' &&
        actor.role === 'asl_admin' &&
        !actor.healthAuthorityCodes.includes(request.params.areaCode)
      )
        throw new DomainError('WAITING_LIST_AREA_OUT_OF_SCOPE', { pointer: '/areaCode' });
      const result = await waitingList.listArea(
        request.params.areaCode,
        request.query.status,
        request.query.limit,
        request.query.offset,
      );
      return {
        total: result.total,
        entries: result.entries.map((row) => ({
          entry: entryView(row),
          offer:
            row.offer_id === null || row.offer_starts_at === null || row.offer_expires_at === null
              ? null
              : {
                  id: row.offer_id,
                  startsAt: row.offer_starts_at.toISOString(),
                  expiresAt: row.offer_expires_at.toISOString(),
                  pointId: row.offer_point_id ?? 0,
                },
        })),
      };
    },
  );

  app.post(
    '/waiting-list/runs',
    {
      schema: {
        operationId: 'runWaitingList',
        tags: ['waiting-list'],
        summary:
          'Run the periodic job now: expire offers, offer open places in priority order, mark no-shows of closed days, call standbys (BOOK-13)',
        response: { 200: RunView },
      },
      config: { access: ['region_admin'] },
    },
    async (request) => runAll(request),
  );

  // ------------------------------------------------------------------------------------------------
  // No-shows

  app.post(
    '/hubs/:pointId/days/:day/no-shows',
    {
      schema: {
        operationId: 'markNoShows',
        tags: ['waiting-list'],
        summary:
          'Mark the day’s bookings nobody checked in for as no-shows, once the day is over; idempotent, audited, each person told (BOOK-9)',
        params: HubDayParams,
        response: { 200: NoShowMarkView },
      },
      config: { access: HUB_MANAGERS },
    },
    async (request) => {
      await requireHubScope(request, request.params.pointId, hubAuthority);
      const result = await noShows.markDay(request.params.pointId, request.params.day, context(request));
      return { pointId: request.params.pointId, day: request.params.day, marked: result.marked };
    },
  );

  const noShowView = async (request: FastifyRequest, code: string): Promise<Static<typeof NoShowView>> => {
    const details = await noShows.details(code, citizenScope(request), bookingChannelOf(request));
    return {
      code: details.booking.code,
      startsAt: details.booking.starts_at.toISOString(),
      place: details.place,
      markedAt: details.markedAt.toISOString(),
      secondDose:
        details.secondDose === undefined
          ? null
          : { code: details.secondDose.code, startsAt: details.secondDose.starts_at.toISOString() },
      rebooked: details.rebooked === null ? null : appointmentView(details.rebooked),
      proposal:
        details.proposal === null
          ? null
          : {
              slotId: details.proposal.slotId,
              startsAt: details.proposal.startsAt.toISOString(),
              place: details.proposal.place,
            },
    };
  };

  app.get(
    '/no-shows/:code',
    {
      schema: {
        operationId: 'getNoShow',
        tags: ['waiting-list'],
        summary:
          'A missed appointment, its waiting second dose, and the nearest new time to rebook in one step',
        params: NoShowCodeParams,
        querystring: PersonQuery,
        response: { 200: NoShowView },
      },
      config: { access: PEOPLE },
    },
    async (request) => noShowView(request, request.params.code),
  );

  app.post(
    '/no-shows/:code/rebook',
    {
      schema: {
        operationId: 'rebookNoShow',
        tags: ['waiting-list'],
        summary:
          'Rebook after a no-show in one step; the second dose moves with the first; rebooking again returns the booking (BOOK-9, BOOK-10)',
        params: NoShowCodeParams,
        body: RebookBody,
        response: { 200: AppointmentView, 201: AppointmentView },
      },
      config: { access: PEOPLE },
    },
    async (request, reply) => {
      const result = await noShows.rebook(
        request.params.code,
        citizenScope(request),
        request.body.slotId,
        bookingChannelOf(request),
        context(request),
      );
      return reply.code(result.created ? 201 : 200).send(appointmentView(result.confirmation));
    },
  );

  // ------------------------------------------------------------------------------------------------
  // Same-day standby list

  app.post(
    '/standby',
    {
      schema: {
        operationId: 'registerStandby',
        tags: ['waiting-list'],
        summary:
          'Stand by for a hub’s day: called at short notice when doses would be wasted (priority order)',
        body: StandbyBody,
        response: { 201: StandbyView },
      },
      config: { access: PEOPLE },
    },
    async (request, reply) => {
      const registration = await standby.register(
        {
          personId: personOf(request, request.body.personId),
          pointId: request.body.pointId,
          day: request.body.day,
          channel: bookingChannelOf(request),
        },
        context(request),
      );
      return reply.code(201).send(standbyView({ registration, calls: [] }));
    },
  );

  app.get(
    '/standby',
    {
      schema: {
        operationId: 'listMyStandby',
        tags: ['waiting-list'],
        summary: 'A person’s standby registrations from today on, with their calls',
        querystring: PersonQuery,
        response: { 200: Type.Array(StandbyView) },
      },
      config: { access: PEOPLE },
    },
    async (request) =>
      (await standby.ofPerson(personOf(request, request.query.personId), romeDate(clock.now()))).map(
        standbyView,
      ),
  );

  app.post(
    '/standby/:registrationId/withdraw',
    {
      schema: {
        operationId: 'withdrawStandby',
        tags: ['waiting-list'],
        summary: 'Withdraw from a day’s standby list',
        params: StandbyIdParams,
        body: Type.Optional(PersonBody),
        response: { 200: StandbyView },
      },
      config: { access: PEOPLE },
    },
    async (request) =>
      standbyView({
        registration: await standby.withdraw(
          request.params.registrationId,
          citizenScope(request),
          context(request),
        ),
        calls: [],
      }),
  );

  app.get(
    '/hubs/:pointId/days/:day/standby',
    {
      schema: {
        operationId: 'listStandby',
        tags: ['waiting-list'],
        summary: 'A hub-day’s standby list in priority order, its calls, and the doses and places left',
        params: HubDayParams,
        response: { 200: StandbyListView },
      },
      config: { access: HUB_MANAGERS },
    },
    async (request) => {
      await requireHubScope(request, request.params.pointId, hubAuthority);
      const result = await standby.list(request.params.pointId, request.params.day);
      return {
        pointId: request.params.pointId,
        day: request.params.day,
        freeDoses: result.freeDoses,
        freePlaces: result.freePlaces,
        registrations: result.registrations.map(standbyView),
      };
    },
  );

  app.post(
    '/hubs/:pointId/days/:day/standby-calls',
    {
      schema: {
        operationId: 'callStandby',
        tags: ['waiting-list'],
        summary:
          'Call standbys in priority order, as many as the day’s unused places (less pending calls); SMS first; each call recorded',
        params: HubDayParams,
        response: { 200: StandbyCallRunView },
      },
      config: { access: HUB_MANAGERS },
    },
    async (request) => {
      await requireHubScope(request, request.params.pointId, hubAuthority);
      const result = await standby.call(request.params.pointId, request.params.day, context(request));
      return { freePlaces: result.freePlaces, called: result.called.map(standbyView) };
    },
  );

  app.post(
    '/standby-calls/:callId/outcome',
    {
      schema: {
        operationId: 'answerStandbyCall',
        tags: ['waiting-list'],
        summary:
          'The answer to a standby call (accepted books a remaining place of the day; declined; no answer), by the person or recorded by staff',
        params: CallIdParams,
        body: OutcomeBody,
        response: {
          200: Type.Object({ call: StandbyCallView, booking: Type.Union([Type.Null(), AppointmentView]) }),
        },
      },
      config: { access: ANSWERERS },
    },
    async (request) => {
      const result = await standby.answer(
        request.params.callId,
        citizenScope(request),
        request.body.outcome,
        bookingChannelOf(request),
        context(request),
      );
      return {
        call: callView({ ...result.call, booking_code: result.confirmation?.booking.code ?? null }),
        booking: result.confirmation === null ? null : appointmentView(result.confirmation),
      };
    },
  );
};
