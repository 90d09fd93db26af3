import { randomBytes } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';
import type { Clock } from '../../platform/clock.ts';
import { romeDate, romeInstant } from '../../platform/clock.ts';
import { DomainError } from '../../platform/http/problem.ts';
import { recordAudit, type ActingContext } from '../../platform/audit/audit.ts';
import type { BookingChannel } from '../eligibility/plan-file.ts';
import type { EligibilityService } from '../eligibility/service.ts';
import { toEligibilityView } from '../eligibility/views.ts';
import type { BookingService } from '../booking/service.ts';
import { bookingCode, distanceKm } from '../booking/rules.ts';
import {
  hubBookingsNeedingTransport,
  setBookingTransport,
  type BookingTransport,
} from '../booking/transport.ts';
import * as repo from './repo.ts';
import {
  bookingPlaces,
  defaultSessionPlaces,
  homeRequestRefusal,
  homeTransition,
  sessionMatchRefusal,
  sessionPlacesRefusal,
  sessionSupportsRefusal,
  sessionTimeRefusal,
  supportPlaces,
  visitDayRefusal,
  type HomeAction,
} from './rules.ts';
import type { HomeReason, HomeStatus, Need, SessionKind, Support, Transport } from './tables.ts';
import './errors.ts';

/**
 * Whose requests and sessions an actor manages: null for all (the region), else health authority codes
 * (an ASL administrator's own and the ones under them).
 */
export type AuthorityScope = readonly string[] | null;

export interface HomeRequestInput {
  personId: number;
  /** BOOK-14: the two facts that put a person on the home list. */
  selfSufficient: boolean;
  canTravelWithTransport: boolean;
  reason: HomeReason;
  notes?: string | undefined;
  gpName?: string | undefined;
  gpCode?: string | undefined;
  gpAgreed?: boolean | undefined;
}

export interface SessionInput {
  pointId: number;
  kind: SessionKind;
  supports: Support[];
  startsAt: Date;
  endsAt: Date;
  groupSize: number;
  places?: number | undefined;
  notes?: string | undefined;
}

export interface SessionBookingInput {
  sessionId: number;
  personId: number;
  needs: Need[];
  withCaregiver: boolean;
  transport?: Transport | undefined;
  doseNumber?: number | undefined;
  channel: BookingChannel;
}

const DAY_MS = 24 * 60 * 60 * 1000;

function violated(error: unknown, constraint: string): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const record = error as { code?: unknown; constraint?: unknown; message?: unknown };
  if (record.code !== '23505') return false;
  return record.constraint === constraint || String(record.message).includes(constraint);
}

const sessionMessage = (session: repo.SessionWithPlace, booking: repo.SessionBookingRow) => ({
  code: booking.code,
  kind: session.kind,
  startsAt: session.starts_at.toISOString(),
  endsAt: session.ends_at.toISOString(),
  place: {
    name: session.point_name,
    address: session.point_address,
    municipality: session.point_municipality,
  },
  supports: session.supports,
  withCaregiver: booking.with_caregiver,
  transport: booking.transport,
});

/**
 * People with disabilities (spec 30-booking.md BOOK-14..16): the home-vaccination list, dedicated sessions
 * and transport. Capacity and "one open request / booking" are held by the database (conditional update,
 * CHECKs, partial unique indexes); every change is audited and tells the person in its own transaction.
 */
export class AccessibilityService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly clock: Clock,
    private readonly eligibility: EligibilityService,
    private readonly booking: BookingService,
  ) {}

  /** An ASL administrator's authorities with the ones under them; null (everything) for anyone else. */
  async scopeOf(role: string | null, healthAuthorityCodes: readonly string[]): Promise<AuthorityScope> {
    if (role !== 'asl_admin') return null;
    return repo.authoritiesUnder(this.db, healthAuthorityCodes);
  }

  private requireScope(scope: AuthorityScope, authorityCode: string, pointer?: string): void {
    if (scope !== null && !scope.includes(authorityCode))
      throw new DomainError('ACCESSIBILITY_OUT_OF_SCOPE', pointer === undefined ? {} : { pointer });
  }

  /** The authority of the person's health domicile; without one on record, that of the nearest hub. */
  private async authorityOf(db: Kysely<DB> | Transaction<DB>, personId: number) {
    const place = await repo.personPlace(db, personId);
    if (place === undefined)
      throw new DomainError('ACCESSIBILITY_PERSON_NOT_FOUND', { pointer: '/personId' });
    let authority = place.health_authority_code;
    if (authority === null && place.lat !== null && place.lng !== null) {
      const here = { lat: place.lat, lng: place.lng };
      const points = await repo.pointsWithAuthority(db);
      const nearest = points
        .map((p) => ({ p, km: distanceKm(here, p) }))
        .sort((a, b) => a.km - b.km || a.p.code.localeCompare(b.p.code))[0];
      authority = nearest?.p.health_authority_code ?? null;
    }
    if (authority === null) throw new DomainError('HOME_VACCINATION_NO_AUTHORITY');
    return { authority, place };
  }

  // ----------------------------------------------------------------------------------------------
  // BOOK-14: home vaccination

  /**
   * BOOK-14: puts a non-self-sufficient person who cannot reach a hub on the home list of their authority.
   * A person holding a hub appointment or a dedicated-session appointment cancels it first (its place goes
   * back to others); one open request per person (a unique index: two operators at once leave one).
   */
  async requestHomeVaccination(input: HomeRequestInput, scope: AuthorityScope, context: ActingContext) {
    const refusal = homeRequestRefusal({
      mobility: input.canTravelWithTransport ? 'with_transport' : 'cannot_travel',
      selfSufficient: input.selfSufficient,
    });
    if (refusal !== null) throw new DomainError(refusal, { pointer: '/canTravelWithTransport' });
    const [hubBooking] = await this.booking.openBookingsOf(input.personId);
    if (hubBooking !== undefined)
      throw new DomainError('ACCESSIBILITY_HUB_BOOKING_OPEN', { params: { code: hubBooking.code } });
    try {
      return await this.db.transaction().execute(async (trx) => {
        const { authority, place } = await this.authorityOf(trx, input.personId);
        this.requireScope(scope, authority, '/personId');
        const open = await repo.openHomeRequest(trx, input.personId);
        if (open !== undefined)
          throw new DomainError('HOME_VACCINATION_ALREADY_OPEN', { params: { id: open.id } });
        const [session] = await repo.upcomingSessionBookingsOf(trx, input.personId, context.now);
        if (session !== undefined)
          throw new DomainError('DEDICATED_SESSION_BOOKED', { params: { code: session.code } });
        const after = await trx
          .insertInto('home_vaccination_requests')
          .values({
            person_id: input.personId,
            health_authority_code: authority,
            municipality_istat: place.municipality_istat,
            address: place.address?.slice(0, 300) ?? null,
            status: 'requested',
            reason: input.reason,
            notes: input.notes ?? null,
            gp_name: input.gpName ?? null,
            gp_code: input.gpCode?.toUpperCase() ?? null,
            gp_agreed: input.gpAgreed ?? false,
            requested_by_kind: context.actorKind,
            requested_by_role: context.actorRole,
            channel: context.channel,
            created_at: context.now,
            updated_at: context.now,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        await recordAudit(trx, context, {
          entityType: 'home_vaccination_request',
          entityId: after.id,
          action: 'request',
          after,
        });
        await repo.enqueueMessage(trx, {
          personId: input.personId,
          template: 'home_vaccination_listed',
          causeKind: 'home_vaccination',
          causeId: after.id,
          key: `home_vaccination:${after.id}:listed`,
          params: { requestId: after.id },
        });
        return after;
      });
    } catch (error) {
      if (!violated(error, 'home_vaccination_one_open')) throw error;
      const open = await repo.openHomeRequest(this.db, input.personId);
      throw new DomainError('HOME_VACCINATION_ALREADY_OPEN', { params: { id: open?.id ?? '' } });
    }
  }

  /** A request; a citizen reaches only their own (SEC-2), an ASL administrator those of their authority. */
  async homeRequest(id: number, scope: AuthorityScope, personId?: number): Promise<repo.HomeRequestRow> {
    const row = await this.db
      .selectFrom('home_vaccination_requests')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    if (row === undefined || (personId !== undefined && row.person_id !== personId))
      throw new DomainError('HOME_VACCINATION_NOT_FOUND', { pointer: '/id' });
    this.requireScope(scope, row.health_authority_code);
    return row;
  }

  /** The person's latest request, if any: the portal shows where it stands. */
  async latestHomeRequestOf(personId: number) {
    return repo.latestHomeRequest(this.db, personId);
  }

  async homeList(filter: Omit<repo.HomeListFilter, 'authorityCodes'>, scope: AuthorityScope) {
    return repo.homeList(this.db, { ...filter, authorityCodes: scope });
  }

  /** BOOK-14: the authority plans the visit (again, if the day or team changes); the person is told. */
  async planHomeVisit(
    id: number,
    plan: { visitDay: string; visitTime?: string | undefined; team: string; byGp: boolean },
    scope: AuthorityScope,
    context: ActingContext,
  ) {
    const dayRefusal = visitDayRefusal(plan.visitDay, romeDate(context.now));
    if (dayRefusal !== null)
      throw new DomainError(dayRefusal, { pointer: '/visitDay', params: { today: romeDate(context.now) } });
    return this.changeHome(id, 'plan', scope, context, async (trx, before) => {
      const after = await trx
        .updateTable('home_vaccination_requests')
        .set({
          status: 'planned',
          visit_day: plan.visitDay,
          visit_time: plan.visitTime ?? null,
          team: plan.team,
          by_gp: plan.byGp,
          plan_count: before.plan_count + 1,
          updated_at: context.now,
        })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
      await repo.enqueueMessage(trx, {
        personId: after.person_id,
        template: 'home_vaccination_planned',
        causeKind: 'home_vaccination',
        causeId: after.id,
        key: `home_vaccination:${after.id}:planned:${after.plan_count}`,
        params: {
          requestId: after.id,
          visitDay: plan.visitDay,
          visitTime: plan.visitTime ?? null,
          team: plan.team,
          byGp: plan.byGp,
          gpName: after.gp_name,
          replanned: before.status === 'planned',
        },
      });
      return after;
    });
  }

  /** BOOK-14: the visit done, or not possible with its reason (the person is told what happens next). */
  async recordHomeOutcome(
    id: number,
    outcome: { outcome: 'done' | 'not_possible'; reason?: string | undefined },
    scope: AuthorityScope,
    context: ActingContext,
  ) {
    // A reason is at least two characters once trimmed (the column's CHECK): shorter is no reason.
    const reason = outcome.reason?.trim();
    const given = reason !== undefined && reason.length >= 2 ? reason : null;
    if (outcome.outcome === 'not_possible' && given === null)
      throw new DomainError('HOME_OUTCOME_REASON_REQUIRED', { pointer: '/reason' });
    return this.changeHome(id, outcome.outcome, scope, context, async (trx) => {
      const after = await trx
        .updateTable('home_vaccination_requests')
        .set({
          status: outcome.outcome,
          outcome_reason: given,
          updated_at: context.now,
        })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
      if (outcome.outcome === 'not_possible') {
        await repo.enqueueMessage(trx, {
          personId: after.person_id,
          template: 'home_vaccination_not_possible',
          causeKind: 'home_vaccination',
          causeId: after.id,
          key: `home_vaccination:${after.id}:not_possible`,
          params: { requestId: after.id, reason: after.outcome_reason ?? '' },
        });
      }
      return after;
    });
  }

  /** The person can travel after all (or no longer wants it): off the list, hub slots offered again. */
  async withdrawHome(
    id: number,
    reason: string,
    scope: AuthorityScope,
    personId: number | undefined,
    context: ActingContext,
  ) {
    return this.changeHome(
      id,
      'withdraw',
      scope,
      context,
      (trx) =>
        trx
          .updateTable('home_vaccination_requests')
          .set({ status: 'withdrawn', outcome_reason: reason, updated_at: context.now })
          .where('id', '=', id)
          .returningAll()
          .executeTakeFirstOrThrow(),
      personId,
    );
  }

  private async changeHome(
    id: number,
    action: HomeAction,
    scope: AuthorityScope,
    context: ActingContext,
    apply: (trx: Transaction<DB>, before: repo.HomeRequestRow) => Promise<repo.HomeRequestRow>,
    personId?: number,
  ) {
    return this.db.transaction().execute(async (trx) => {
      const before = await repo.lockHomeRequest(trx, id);
      if (before === undefined || (personId !== undefined && before.person_id !== personId))
        throw new DomainError('HOME_VACCINATION_NOT_FOUND', { pointer: '/id' });
      this.requireScope(scope, before.health_authority_code);
      const next = homeTransition(before.status, action);
      if ('refusal' in next) throw new DomainError(next.refusal, { params: { status: before.status } });
      const after = await apply(trx, before);
      await recordAudit(trx, context, {
        entityType: 'home_vaccination_request',
        entityId: id,
        action,
        before,
        after,
      });
      return after;
    });
  }

  // ----------------------------------------------------------------------------------------------
  // BOOK-15: dedicated sessions

  /** BOOK-15: an authority opens a session at one of its points; its support people take their places. */
  async openSession(input: SessionInput, scope: AuthorityScope, context: ActingContext) {
    const supports = [...new Set(input.supports)].sort();
    const supportRefusal = sessionSupportsRefusal(input.kind, supports);
    if (supportRefusal !== null) throw new DomainError(supportRefusal, { pointer: '/supports' });
    const places = input.places ?? defaultSessionPlaces(input.groupSize, supports);
    const placesRefusal = sessionPlacesRefusal(input.groupSize, places, supports);
    if (placesRefusal !== null) throw new DomainError(placesRefusal, { pointer: '/places' });
    const timeRefusal = sessionTimeRefusal(input.startsAt, input.endsAt, context.now, romeDate);
    if (timeRefusal !== null) throw new DomainError(timeRefusal, { pointer: '/startsAt' });
    return this.db.transaction().execute(async (trx) => {
      const where = await repo.point(trx, input.pointId);
      if (where === undefined) throw new DomainError('HUB_NOT_FOUND', { pointer: '/pointId' });
      this.requireScope(scope, where.health_authority_code, '/pointId');
      const after = await trx
        .insertInto('dedicated_sessions')
        .values({
          health_authority_code: where.health_authority_code,
          vaccination_point_id: input.pointId,
          kind: input.kind,
          supports,
          day: romeDate(input.startsAt),
          starts_at: input.startsAt,
          ends_at: input.endsAt,
          group_size: input.groupSize,
          places,
          support_places: supportPlaces(supports),
          places_taken: supportPlaces(supports),
          status: 'open',
          notes: input.notes ?? null,
          created_at: context.now,
          updated_at: context.now,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await recordAudit(trx, context, {
        entityType: 'dedicated_session',
        entityId: after.id,
        action: 'open',
        after,
      });
      return after;
    });
  }

  /**
   * BOOK-15: the authority cancels a session (the interpreter cannot come, the hub closes): every
   * appointment in it is cancelled in the same transaction, each person told, each change audited.
   */
  async cancelSession(id: number, reason: string, scope: AuthorityScope, context: ActingContext) {
    return this.db.transaction().execute(async (trx) => {
      const before = await trx
        .selectFrom('dedicated_sessions')
        .selectAll()
        .where('id', '=', id)
        .forUpdate()
        .executeTakeFirst();
      if (before === undefined) throw new DomainError('DEDICATED_SESSION_NOT_FOUND', { pointer: '/id' });
      this.requireScope(scope, before.health_authority_code);
      if (before.status !== 'open') throw new DomainError('DEDICATED_SESSION_NOT_OPEN');
      const cancelled = await trx
        .updateTable('dedicated_session_bookings')
        .set({ status: 'cancelled', cancelled_at: context.now, cancel_reason: reason })
        .where('session_id', '=', id)
        .where('status', '=', 'confirmed')
        .returningAll()
        .execute();
      await trx
        .updateTable('dedicated_sessions')
        .set({
          status: 'cancelled',
          places_taken: before.support_places,
          people_booked: 0,
          updated_at: context.now,
        })
        .where('id', '=', id)
        .execute();
      await recordAudit(trx, context, {
        entityType: 'dedicated_session',
        entityId: id,
        action: 'cancel',
        before,
        after: { status: 'cancelled', reason, bookingsCancelled: cancelled.length },
      });
      const session = await repo.sessionWithPlace(trx, id);
      if (session === undefined) throw new Error('the session locked above is gone');
      for (const booking of cancelled) {
        await recordAudit(trx, context, {
          entityType: 'dedicated_session_booking',
          entityId: booking.id,
          action: 'cancel',
          after: booking,
        });
        await repo.enqueueMessage(trx, {
          personId: booking.person_id,
          template: 'dedicated_session_cancelled',
          causeKind: 'dedicated_session_booking',
          causeId: booking.id,
          key: `dedicated_session_booking:${booking.id}:cancelled`,
          params: sessionMessage(session, booking),
        });
      }
      return { session, bookingsCancelled: cancelled.length };
    });
  }

  async sessions(filter: Omit<repo.SessionFilter, 'authorityCodes'>, scope: AuthorityScope) {
    return repo.sessions(this.db, { ...filter, authorityCodes: scope });
  }

  /** The sessions a person with these needs may book now, from today for 60 days (or the days given). */
  async bookableSessions(needs: readonly Need[], from?: string, to?: string) {
    const now = this.clock.now();
    const rows = await repo.sessions(this.db, {
      authorityCodes: null,
      from: from ?? romeDate(now),
      to: to ?? romeDate(new Date(now.getTime() + 60 * DAY_MS)),
      bookableAfter: now,
    });
    return rows.filter((row) => sessionMatchRefusal(row, needs) === null);
  }

  async session(id: number, scope: AuthorityScope = null) {
    const row = await repo.sessionWithPlace(this.db, id);
    if (row === undefined) throw new DomainError('DEDICATED_SESSION_NOT_FOUND', { pointer: '/id' });
    this.requireScope(scope, row.health_authority_code);
    return row;
  }

  /** The people booked into a session, with their needs, caregiver and transport: the authority prepares. */
  async roster(id: number, scope: AuthorityScope) {
    const session = await this.session(id, scope);
    return { session, bookings: await repo.sessionBookingsWithPeople(this.db, { sessionIds: [id] }) };
  }

  /**
   * BOOK-15, BOOK-16: books a person into a session that matches their needs (not hub slots), with their
   * caregiver if they come with one, recording the transport the authority organises. The person must be
   * entitled now (as for a hub booking, ELIG-5); the session's places are taken by one conditional
   * update in the booking's transaction, so concurrent bookers never overfill it.
   */
  async bookSession(input: SessionBookingInput, context: ActingContext) {
    const transport: Transport | null =
      input.transport ?? (input.needs.includes('transport') ? 'seated' : null);
    const needs = repo.needsArray([...input.needs, ...(transport === null ? [] : ['transport' as const])]);
    const doseNumber = input.doseNumber ?? 1;
    const explanation = await this.eligibility.explain(input.personId, input.channel);
    if (!explanation.bookable || explanation.match === null) {
      const view = toEligibilityView(input.personId, explanation);
      throw new DomainError('BOOKING_NOT_ENTITLED', {
        params: { message: view.message },
        extensions: { personId: input.personId, nextStep: view.nextStep },
      });
    }
    const match = explanation.match;
    const home = await repo.latestHomeRequest(this.db, input.personId);
    if (home !== undefined && ['requested', 'planned', 'done'].includes(home.status))
      throw new DomainError('HOME_VACCINATION_LISTED');
    const [hubBooking] = await this.booking.openBookingsOf(input.personId);
    if (hubBooking !== undefined)
      throw new DomainError('ACCESSIBILITY_HUB_BOOKING_OPEN', { params: { code: hubBooking.code } });
    const places = bookingPlaces(input.withCaregiver);
    try {
      return await this.db.transaction().execute(async (trx) => {
        const session = await repo.sessionWithPlace(trx, input.sessionId);
        if (session === undefined)
          throw new DomainError('DEDICATED_SESSION_NOT_FOUND', { pointer: '/sessionId' });
        const mismatch = sessionMatchRefusal(session, needs);
        if (mismatch !== null) throw new DomainError(mismatch, { pointer: '/needs' });
        if (session.day < match.offer.vaccinationsStartOn)
          throw new DomainError('DEDICATED_SESSION_BEFORE_VACCINATIONS_START', {
            params: { vaccinationsStartOn: match.offer.vaccinationsStartOn },
          });
        const taken = await repo.takeSessionPlaces(trx, session.id, places, context.now);
        if (taken === undefined) {
          if (session.status !== 'open' || session.starts_at <= context.now)
            throw new DomainError('DEDICATED_SESSION_NOT_OPEN', { pointer: '/sessionId' });
          throw new DomainError('DEDICATED_SESSION_FULL', { pointer: '/sessionId' });
        }
        const booking = await trx
          .insertInto('dedicated_session_bookings')
          .values({
            code: bookingCode(randomBytes(8)),
            session_id: session.id,
            person_id: input.personId,
            dose_number: doseNumber,
            needs,
            with_caregiver: input.withCaregiver,
            places,
            transport,
            status: 'confirmed',
            channel: input.channel,
            created_by_kind: context.actorKind,
            created_by_id: context.actorId,
            plan_national_version: explanation.plan.national.id,
            plan_calendar_version: explanation.plan.calendar?.id ?? null,
            offer_id: match.offer.id,
            created_at: context.now,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        await recordAudit(trx, context, {
          entityType: 'dedicated_session_booking',
          entityId: booking.id,
          action: 'book',
          after: {
            ...booking,
            session: { places_taken: taken.places_taken, people_booked: taken.people_booked },
          },
        });
        await repo.enqueueMessage(trx, {
          personId: input.personId,
          template: 'dedicated_session_booked',
          causeKind: 'dedicated_session_booking',
          causeId: booking.id,
          key: `dedicated_session_booking:${booking.id}:booked`,
          params: sessionMessage(session, booking),
        });
        return { booking, session: { ...session, ...taken } };
      });
    } catch (error) {
      if (!violated(error, 'dedicated_session_bookings_one_open')) throw error;
      const open = await repo.openSessionBookingOf(this.db, input.personId, doseNumber);
      throw new DomainError('DEDICATED_SESSION_BOOKING_ALREADY_OPEN', { params: { code: open?.code ?? '' } });
    }
  }

  async sessionBooking(code: string, personId: number | undefined, scope: AuthorityScope = null) {
    const booking = await repo.sessionBookingByCode(this.db, code, personId);
    if (booking === undefined)
      throw new DomainError('DEDICATED_SESSION_BOOKING_NOT_FOUND', { pointer: '/code' });
    const session = await this.session(booking.session_id, scope);
    return { booking, session };
  }

  async upcomingSessionBookingsOf(personId: number) {
    const rows = await repo.upcomingSessionBookingsOf(this.db, personId, this.clock.now());
    return Promise.all(
      rows.map(async (booking) => ({ booking, session: await this.session(booking.session_id) })),
    );
  }

  /** BOOK-15: cancelling gives the places back at once (the person's, and their caregiver's). */
  async cancelSessionBooking(
    code: string,
    personId: number | undefined,
    reason: string,
    scope: AuthorityScope,
    context: ActingContext,
  ) {
    return this.db.transaction().execute(async (trx) => {
      const before = await repo.lockSessionBooking(trx, code, personId);
      if (before === undefined)
        throw new DomainError('DEDICATED_SESSION_BOOKING_NOT_FOUND', { pointer: '/code' });
      const session = await repo.sessionWithPlace(trx, before.session_id);
      if (session === undefined) throw new Error('a session booking without its session');
      this.requireScope(scope, session.health_authority_code);
      if (before.status === 'cancelled') throw new DomainError('DEDICATED_SESSION_BOOKING_CANCELLED');
      await repo.releaseSessionPlaces(trx, before.session_id, before.places);
      const after = await trx
        .updateTable('dedicated_session_bookings')
        .set({ status: 'cancelled', cancelled_at: context.now, cancel_reason: reason })
        .where('id', '=', before.id)
        .returningAll()
        .executeTakeFirstOrThrow();
      await recordAudit(trx, context, {
        entityType: 'dedicated_session_booking',
        entityId: before.id,
        action: 'cancel',
        before,
        after,
      });
      await repo.enqueueMessage(trx, {
        personId: after.person_id,
        template: 'dedicated_session_cancelled',
        causeKind: 'dedicated_session_booking',
        causeId: after.id,
        key: `dedicated_session_booking:${after.id}:cancelled`,
        params: sessionMessage(session, after),
      });
      return { booking: after, session };
    });
  }

  // ----------------------------------------------------------------------------------------------
  // BOOK-16: transport

  /** BOOK-16: records or clears the transport a hub booking needs (and its second dose's). */
  async setHubBookingTransport(
    code: string,
    personId: number | undefined,
    transport: BookingTransport | null,
    context: ActingContext,
  ) {
    return setBookingTransport(this.db, code, personId, transport, context);
  }

  /**
   * BOOK-16: every transport the authority organises between two days: hub bookings and session bookings
   * that need one, by day, hub and time, with whom to fetch, where and how to reach them.
   */
  async transports(
    filter: { from: string; to: string; pointId?: number | undefined },
    scope: AuthorityScope,
  ) {
    const points = await repo.pointsWithAuthority(this.db);
    const inScope = points.filter(
      (p) =>
        (scope === null || scope.includes(p.health_authority_code)) &&
        (filter.pointId === undefined || p.id === filter.pointId),
    );
    const pointById = new Map(inScope.map((p) => [Number(p.id), p]));
    const hub = await hubBookingsNeedingTransport(this.db, {
      from: filter.from,
      to: filter.to,
      pointIds: inScope.map((p) => Number(p.id)),
    });
    const sessionRows = await repo.sessions(this.db, {
      authorityCodes: scope,
      from: filter.from,
      to: filter.to,
      pointId: filter.pointId,
    });
    const openSessions = sessionRows.filter((s) => s.status === 'open');
    const sessionBookings = await repo.sessionBookingsWithPeople(this.db, {
      sessionIds: openSessions.map((s) => Number(s.id)),
      withTransportOnly: true,
    });
    const sessionById = new Map(openSessions.map((s) => [Number(s.id), s]));
    const contacts = await repo.contactsOf(this.db, [
      ...hub.map((row) => Number(row.person_id)),
      ...sessionBookings.map((row) => Number(row.person_id)),
    ]);
    const entries = [
      ...hub.flatMap((row) => {
        const where = pointById.get(Number(row.vaccination_point_id));
        if (where === undefined) return [];
        return [
          {
            kind: 'hub_booking' as const,
            code: row.booking_code,
            startsAt: row.starts_at,
            point: where,
            personId: Number(row.person_id),
            transport: row.transport,
            withCaregiver: null,
            sessionId: null,
          },
        ];
      }),
      ...sessionBookings.flatMap((row) => {
        const session = sessionById.get(Number(row.session_id));
        const where = session === undefined ? undefined : pointById.get(Number(session.vaccination_point_id));
        if (session === undefined || where === undefined || row.transport === null) return [];
        return [
          {
            kind: 'dedicated_session' as const,
            code: row.code,
            startsAt: session.starts_at,
            point: where,
            personId: Number(row.person_id),
            transport: row.transport,
            withCaregiver: row.with_caregiver,
            sessionId: Number(session.id),
          },
        ];
      }),
    ].filter((entry) => {
      const day = romeDate(entry.startsAt);
      return day >= filter.from && day <= filter.to;
    });
    entries.sort(
      (a, b) =>
        romeDate(a.startsAt).localeCompare(romeDate(b.startsAt)) ||
        a.point.code.localeCompare(b.point.code) ||
        a.startsAt.getTime() - b.startsAt.getTime() ||
        a.code.localeCompare(b.code),
    );
    return entries.map((entry) => ({ ...entry, person: contacts.get(entry.personId) }));
  }

  /** The first instant of a Rome day: session times are given in Rome wall-clock time. */
  static instantOf(day: string, time: string): Date {
    return romeInstant(day, time);
  }
}

export type { HomeStatus };
