import { randomBytes } from 'node:crypto';
import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';
import type { Clock } from '../../platform/clock.ts';
import { romeDate, romeInstant } from '../../platform/clock.ts';
import { dayFromIsoDate, isoDateFromDay } from '../../platform/calendar.ts';
import { DomainError } from '../../platform/http/problem.ts';
import { recordAudit, type ActingContext } from '../../platform/audit/audit.ts';
import type { EligibilityService } from '../eligibility/service.ts';
import type { BookingChannel } from '../eligibility/plan-file.ts';
import type { OfferMatch, PlanInForce } from '../eligibility/rules.ts';
import { toEligibilityView } from '../eligibility/views.ts';
import { findMunicipalityWithCap, type ProductEntry } from '../reference/service.ts';
import {
  bookingCode,
  distanceKm,
  secondDoseDaysByProduct,
  slotsOfDay,
  type SecondDoseDays,
  stationsRefusal,
  whatToBring,
} from './rules.ts';
import type { AccessibilityFeature, BookingsTable, HubStatus } from './tables.ts';
import { withTransport, type BookingTransport } from './transport.ts';
import { refuseIfNotForHubs } from '../accessibility/hub-gate.ts';
import './errors.ts';

export type BookingRow = Selectable<BookingsTable>;

type Db = Kysely<DB> | Transaction<DB>;

/** BOOK-8: a booking with everything its confirmation shows. */
export interface Confirmation {
  booking: BookingRow;
  place: { code: string; name: string; address: string; municipality: string };
  product: { code: string; name: string };
  bring: ReturnType<typeof whatToBring>;
  /** BOOK-10: the second appointment booked with this first one, while open. */
  secondDose: BookingRow | undefined;
}

/** A person of a booking, entitled now: the offer, plan and catalogue their booking follows. */
export interface Member {
  personId: number;
  match: OfferMatch;
  plan: PlanInForce;
  catalogue: ProductEntry[];
}

/** A booking row as `to_jsonb` writes it: instants are ISO strings. */
type BookingJson = Omit<BookingRow, 'starts_at' | 'created_at' | 'cancelled_at'> & {
  starts_at: string;
  created_at: string;
  cancelled_at: string | null;
};

const bookingFromJson = (row: BookingJson): BookingRow => ({
  ...row,
  starts_at: new Date(row.starts_at),
  created_at: new Date(row.created_at),
  cancelled_at: row.cancelled_at === null ? null : new Date(row.cancelled_at),
});

interface TakeBookingResult {
  slot_index: number;
  first: BookingJson;
  second: BookingJson | null;
  place: Confirmation['place'];
}

/** The refusals `take_booking` raises (SQLSTATE P0001, the code as message, pointer and params as detail). */
const TAKE_BOOKING_REFUSALS = [
  'SLOT_NOT_FOUND',
  'SLOT_IN_THE_PAST',
  'HUB_NOT_BOOKABLE',
  'SLOT_FULL',
  'BOOKING_BEFORE_VACCINATIONS_START',
  'NO_DOSES_FOR_PERSON',
  'SECOND_DOSE_NO_PLACE',
] as const;

function refusalOf(error: unknown, catalogue: readonly ProductEntry[]): DomainError | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, message, detail } = error as { code?: unknown; message?: unknown; detail?: unknown };
  const refusal = TAKE_BOOKING_REFUSALS.find((known) => known === message);
  if (code !== 'P0001' || refusal === undefined) return undefined;
  const parsed = (typeof detail === 'string' ? JSON.parse(detail) : {}) as {
    pointer?: string;
    params?: Record<string, string>;
  };
  const params = { ...parsed.params };
  // The product by its name, as the person knows it.
  if (params.product !== undefined)
    params.product = catalogue.find((entry) => entry.code === params.product)?.name ?? params.product;
  return new DomainError(refusal, { pointer: parsed.pointer, params });
}

/** How far from the wanted instant the search looks for a hub's nearest free time (BOOK-7). */
const SEARCH_HORIZON_DAYS = 14;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface HubDayInput {
  opensAt: string;
  closesAt: string;
  stations: number;
  minutesPerVaccination: number;
  slotMinutes: number;
  stock: { product: string; doses: number }[];
  /** BOOK-12: lift the limits capacity changes left on the day's slots (a closed day opens again). */
  reopenClosedPlaces?: boolean;
}

export interface SlotSearch {
  municipalityIstat: string;
  cap: string;
  date: string;
  time: string;
  personId?: number | undefined;
  channel?: BookingChannel | undefined;
  accessibility: AccessibilityFeature[];
}

function violatedConstraint(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const record = error as { code?: unknown; constraint?: unknown; message?: unknown };
  if (record.code !== '23505' && record.code !== '23514') return undefined;
  if (typeof record.constraint === 'string') return record.constraint;
  return typeof record.message === 'string' ? /"([a-z_]+)"/.exec(record.message)?.[1] : undefined;
}

/**
 * Booking's use cases (spec 30-booking.md). Capacity, stock and "one open booking per dose" are held by
 * the database (conditional updates, CHECKs, unique indexes): any number of processes stay correct.
 */
export class BookingService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly clock: Clock,
    private readonly eligibility: EligibilityService,
  ) {}

  async listHubs() {
    return this.db
      .selectFrom('vaccination_points as p')
      .leftJoin('hubs as h', 'h.vaccination_point_id', 'p.id')
      .innerJoin('municipalities as m', 'm.istat', 'p.municipality_istat')
      .select([
        'p.id',
        'p.code',
        'p.name',
        'p.address',
        'p.municipality_istat',
        'm.name as municipality_name',
        'p.lat',
        'p.lng',
        'p.health_authority_code',
        'h.stations',
        'h.accessibility',
        'h.status',
      ])
      .where('p.kind', '=', 'hub')
      .orderBy('p.code')
      .execute();
  }

  /** BOOK-1, BOOK-3, BOOK-4: stations (at least 5: a CHECK), accessibility, active / reserve / closed to new. */
  async configureHub(
    pointId: number,
    settings: { stations: number; accessibility: AccessibilityFeature[]; status: HubStatus },
    context: ActingContext,
  ) {
    return this.db.transaction().execute(async (trx) => {
      await this.requirePoint(trx, pointId);
      const before = await trx
        .selectFrom('hubs')
        .selectAll()
        .where('vaccination_point_id', '=', pointId)
        .forUpdate()
        .executeTakeFirst();
      const after = await trx
        .insertInto('hubs')
        .values({
          vaccination_point_id: pointId,
          stations: settings.stations,
          accessibility: settings.accessibility,
          status: settings.status,
          updated_at: context.now,
        })
        .onConflict((oc) =>
          oc.column('vaccination_point_id').doUpdateSet({
            stations: settings.stations,
            accessibility: settings.accessibility,
            status: settings.status,
            updated_at: context.now,
          }),
        )
        .returningAll()
        .executeTakeFirstOrThrow();
      await recordAudit(trx, context, {
        entityType: 'hub',
        entityId: pointId,
        action: 'configure',
        before,
        after,
      });
      return after;
    });
  }

  private async requirePoint(db: Db, pointId: number) {
    const point = await db
      .selectFrom('vaccination_points')
      .select(['id', 'health_authority_code'])
      .where('id', '=', pointId)
      .executeTakeFirst();
    if (point === undefined) throw new DomainError('HUB_NOT_FOUND', { pointer: '/pointId' });
    return point;
  }

  async healthAuthorityOf(pointId: number): Promise<string> {
    return (await this.requirePoint(this.db, pointId)).health_authority_code;
  }

  /**
   * BOOK-2, read back: a hub's settings, a day's hours and stations (undefined if never opened), its
   * places (slots, capacity, booked) and its doses per product (stock and booked).
   */
  async hubDay(pointId: number, day: string) {
    await this.requirePoint(this.db, pointId);
    const [hub, settings, places, stock] = await Promise.all([
      this.db.selectFrom('hubs').selectAll().where('vaccination_point_id', '=', pointId).executeTakeFirst(),
      this.db
        .selectFrom('hub_days')
        .selectAll()
        .where('vaccination_point_id', '=', pointId)
        .where('day', '=', day)
        .executeTakeFirst(),
      this.db
        .selectFrom('slots')
        .select((eb) => [
          eb.fn.countAll<number>().as('slots'),
          eb.fn.coalesce(eb.fn.sum<number>('capacity'), eb.lit(0)).as('capacity'),
          eb.fn.coalesce(eb.fn.sum<number>('booked'), eb.lit(0)).as('booked'),
          eb.fn.count<number>('capacity_limit').as('limited'),
        ])
        .where('vaccination_point_id', '=', pointId)
        .where('day', '=', day)
        .executeTakeFirstOrThrow(),
      this.db
        .selectFrom('hub_day_stock')
        .select(['product_code', 'doses', 'booked'])
        .where('vaccination_point_id', '=', pointId)
        .where('day', '=', day)
        .orderBy('product_code')
        .execute(),
    ]);
    return {
      hub,
      settings,
      slots: Number(places.slots),
      capacity: Number(places.capacity),
      booked: Number(places.booked),
      /** BOOK-12: slots a capacity change limited; re-saving the day keeps them so unless reopened. */
      limitedSlots: Number(places.limited),
      stock,
    };
  }

  /**
   * BOOK-2: a hub's day — hours, active stations, minutes per vaccination, doses per product — and its
   * slots. A change that would leave booked people without a place is refused with their number:
   * moving or telling them comes first (BOOK-12).
   */
  async setHubDay(pointId: number, day: string, input: HubDayInput, context: ActingContext) {
    return this.db.transaction().execute(async (trx) => {
      const hub = await trx
        .selectFrom('hubs')
        .selectAll()
        .where('vaccination_point_id', '=', pointId)
        .forUpdate()
        .executeTakeFirst();
      if (hub === undefined) {
        await this.requirePoint(trx, pointId);
        throw new DomainError('HUB_NOT_CONFIGURED');
      }
      if (stationsRefusal(hub.stations, input.stations) !== null) {
        throw new DomainError('HUB_DAY_TOO_MANY_STATIONS', {
          pointer: '/stations',
          params: { dayStations: input.stations, hubStations: hub.stations },
        });
      }
      const before = await trx
        .selectFrom('hub_days')
        .selectAll()
        .where('vaccination_point_id', '=', pointId)
        .where('day', '=', day)
        .executeTakeFirst();
      const dayRow = {
        opens_at: input.opensAt,
        closes_at: input.closesAt,
        stations: input.stations,
        minutes_per_vaccination: input.minutesPerVaccination,
        slot_minutes: input.slotMinutes,
        updated_at: context.now,
      };
      await trx
        .insertInto('hub_days')
        .values({ vaccination_point_id: pointId, day, ...dayRow })
        .onConflict((oc) => oc.columns(['vaccination_point_id', 'day']).doUpdateSet(dayRow))
        .execute();
      const planned = slotsOfDay(day, input);
      const existing = await trx
        .selectFrom('slots')
        .select(['id', 'starts_at', 'capacity', 'booked', 'capacity_limit'])
        .where('vaccination_point_id', '=', pointId)
        .where('day', '=', day)
        .forUpdate()
        .execute();
      const plannedByStart = new Map(planned.map((slot) => [slot.startsAt.getTime(), slot.capacity]));
      const reopen = input.reopenClosedPlaces === true;
      // BOOK-12: a place a capacity change took away stays away until the day is reopened on purpose.
      const limitOf = (slot: (typeof existing)[number]) => (reopen ? null : slot.capacity_limit);
      const capacityOf = (slot: (typeof existing)[number]) => {
        const planned = plannedByStart.get(slot.starts_at.getTime());
        const limit = limitOf(slot);
        return planned === undefined || limit === null ? planned : Math.min(planned, limit);
      };
      let affected = 0;
      for (const slot of existing) affected += Math.max(0, slot.booked - (capacityOf(slot) ?? 0));
      if (affected > 0) throw new DomainError('HUB_DAY_WOULD_DROP_BOOKINGS', { params: { affected } });
      const existingStarts = new Set(existing.map((slot) => slot.starts_at.getTime()));
      const gone = existing
        .filter((slot) => !plannedByStart.has(slot.starts_at.getTime()))
        .map((slot) => slot.id);
      if (gone.length > 0) await trx.deleteFrom('slots').where('id', 'in', gone).execute();
      let capacity = 0;
      for (const slot of existing) {
        const slotCapacity = capacityOf(slot);
        if (slotCapacity === undefined) continue;
        capacity += slotCapacity;
        if (slotCapacity !== slot.capacity || limitOf(slot) !== slot.capacity_limit) {
          await trx
            .updateTable('slots')
            .set({ capacity: slotCapacity, capacity_limit: limitOf(slot) })
            .where('id', '=', slot.id)
            .execute();
        }
      }
      const added = planned.filter((slot) => !existingStarts.has(slot.startsAt.getTime()));
      if (added.length > 0) {
        await trx
          .insertInto('slots')
          .values(
            added.map((slot) => ({
              vaccination_point_id: pointId,
              day,
              starts_at: slot.startsAt,
              capacity: slot.capacity,
            })),
          )
          .execute();
      }
      for (const { product, doses } of input.stock) {
        const known = await trx
          .selectFrom('products')
          .select('code')
          .where('code', '=', product)
          .executeTakeFirst();
        if (known === undefined)
          throw new DomainError('PRODUCT_UNKNOWN', { pointer: '/stock', params: { product } });
        const current = await trx
          .selectFrom('hub_day_stock')
          .select('booked')
          .where('vaccination_point_id', '=', pointId)
          .where('day', '=', day)
          .where('product_code', '=', product)
          .forUpdate()
          .executeTakeFirst();
        if (current !== undefined && current.booked > doses) {
          throw new DomainError('STOCK_BELOW_BOOKED', { params: { product, booked: current.booked } });
        }
        await trx
          .insertInto('hub_day_stock')
          .values({ vaccination_point_id: pointId, day, product_code: product, doses })
          .onConflict((oc) =>
            oc.columns(['vaccination_point_id', 'day', 'product_code']).doUpdateSet({ doses }),
          )
          .execute();
      }
      const summary = {
        ...dayRow,
        slots: planned.length,
        capacity: capacity + added.reduce((sum, s) => sum + s.capacity, 0),
        stock: input.stock,
        ...(reopen ? { reopenedClosedPlaces: true } : {}),
      };
      await recordAudit(trx, context, {
        entityType: 'hub_day',
        entityId: `${pointId}:${day}`,
        action: before === undefined ? 'open' : 'change',
        before,
        after: summary,
      });
      return { pointId, day, slots: summary.slots, capacity: summary.capacity };
    });
  }

  /**
   * BOOK-6, BOOK-7: the hubs nearest to the domicile first, each with its free time at or nearest to the
   * one wanted (within two weeks either side), for the products the system would give the person.
   */
  async searchSlots(search: SlotSearch) {
    const municipality = await findMunicipalityWithCap(this.db, search.municipalityIstat, search.cap);
    if (municipality === undefined)
      throw new DomainError('MUNICIPALITY_UNKNOWN', { pointer: '/municipalityIstat' });
    if (!municipality.capBelongs) {
      throw new DomainError('CAP_NOT_OF_MUNICIPALITY', { pointer: '/cap', params: { cap: search.cap } });
    }
    // BOOK-5: whether the person may book is checked before any slot is shown.
    const products =
      search.personId === undefined
        ? null
        : (await this.entitledMember(search.personId, search.channel)).match.products;
    const wanted = romeInstant(search.date, search.time);
    const now = this.clock.now();
    const from = new Date(Math.max(now.getTime(), wanted.getTime() - SEARCH_HORIZON_DAYS * DAY_MS));
    const to = new Date(wanted.getTime() + SEARCH_HORIZON_DAYS * DAY_MS);
    // Per active hub, its free slot nearest to the wanted time: migrations/0010_hot_reads.sql.
    const rows = await sql<{
      hub_id: number;
      hub_code: string;
      hub_name: string;
      hub_address: string;
      municipality_name: string;
      lat: number;
      lng: number;
      accessibility: AccessibilityFeature[];
      slot_id: number | null;
      starts_at: Date | null;
      free: number | null;
    }>`SELECT * FROM nearest_free_slots(${wanted}::timestamptz, ${from}::timestamptz, ${to}::timestamptz,
      ${products}::text[], ${search.accessibility}::text[])`.execute(this.db);
    return {
      wanted,
      products,
      hubs: rows.rows
        .map((row) => ({
          hub: {
            id: Number(row.hub_id),
            code: row.hub_code,
            name: row.hub_name,
            address: row.hub_address,
            municipality: row.municipality_name,
            accessibility: row.accessibility,
          },
          distanceKm: Math.round(distanceKm(municipality, row) * 10) / 10,
          slot:
            row.slot_id === null || row.starts_at === null
              ? null
              : { id: Number(row.slot_id), startsAt: new Date(row.starts_at), free: Number(row.free) },
        }))
        .sort((a, b) => a.distanceKm - b.distanceKm || a.hub.code.localeCompare(b.hub.code)),
    };
  }

  /**
   * BOOK-5, BOOK-8, BOOK-9: confirms an appointment. The person must be able to book now under an open
   * offer; the place, the dose and "one open booking per dose" are taken in one transaction by the
   * database; a retried confirmation (same Idempotency-Key) returns the booking it made.
   */
  async book(
    input: {
      personId: number;
      slotId: number;
      idempotencyKey: string | undefined;
      channel: BookingChannel;
      transport?: BookingTransport | undefined;
    },
    context: ActingContext,
  ): Promise<{ confirmation: Confirmation; created: boolean }> {
    const result = await this.bookTogether(
      {
        personIds: [input.personId],
        slotId: input.slotId,
        idempotencyKey: input.idempotencyKey,
        channel: input.channel,
        transport: input.transport,
      },
      context,
    );
    const [confirmation] = result.confirmations;
    if (confirmation === undefined) throw new Error('a booking of one person made no booking');
    return { confirmation, created: result.created };
  }

  /**
   * Group booking (beyond the seeds; ELIG-13): a fragile person and up to 3 linked people in one step,
   * in the chosen slot and the ones right after it at the same hub, all or none. A single booking is a
   * group of one that must fit the chosen slot.
   *
   * This is the busiest write of a campaign, so it is built for few round trips (ADR 0010): the facts
   * in one query per person, then one statement per dose that takes the place and the dose, one insert
   * per booking, one for the audit records. A retry needs no look-up first: when anything stops it, the
   * key is looked up, and a booking it already made is the answer.
   */
  async bookTogether(
    input: {
      personIds: number[];
      slotId: number;
      idempotencyKey: string | undefined;
      channel: BookingChannel;
      /** BOOK-16: the transport the person needs, recorded on the booking in its transaction. */
      transport?: BookingTransport | undefined;
    },
    context: ActingContext,
  ): Promise<{ confirmations: Confirmation[]; created: boolean }> {
    const [leader] = input.personIds;
    if (leader === undefined) throw new DomainError('PERSON_REQUIRED', { pointer: '/personIds' });
    let current = leader;
    try {
      const members: Member[] = [];
      for (const personId of input.personIds) {
        current = personId;
        members.push(await this.entitledMember(personId, input.channel));
      }
      const groupCode = members.length > 1 ? bookingCode(randomBytes(8)) : null;
      const confirmations =
        members.length === 1 && input.transport === undefined
          ? // One statement is its own transaction: nothing to begin or commit.
            [
              await this.takeBooking(
                this.db,
                [input.slotId],
                members[0] as Member,
                input,
                0,
                groupCode,
                context,
              ),
            ]
          : await this.db.transaction().execute(async (trx) => {
              const slotIds = await this.groupSlotIds(trx, input.slotId, members.length);
              const made: Confirmation[] = [];
              for (const [index, member] of members.entries()) {
                current = member.personId;
                // Each member from the slot the previous one took: adjacent times, in order.
                const from = made.at(-1)?.booking.slot_id;
                const remaining = from === undefined ? slotIds : slotIds.slice(slotIds.indexOf(from));
                made.push(await this.takeBooking(trx, remaining, member, input, index, groupCode, context));
              }
              return input.transport === undefined
                ? made
                : withTransport(trx, made, input.transport, context);
            });
      return { confirmations, created: true };
    } catch (error) {
      const constraint = violatedConstraint(error);
      if (input.idempotencyKey !== undefined && (error instanceof DomainError || constraint !== undefined)) {
        const earlier = await this.groupByIdempotencyKey(input.idempotencyKey, leader);
        if (earlier.length > 0) {
          return {
            confirmations: await Promise.all(earlier.map((row) => this.confirmationOf(row))),
            created: false,
          };
        }
      }
      if (constraint === 'bookings_one_open_per_dose') {
        const open = await this.db
          .selectFrom('bookings')
          .select('code')
          .where('person_id', '=', current)
          .where('dose_number', '=', 1)
          .where('status', '=', 'confirmed')
          .executeTakeFirst();
        throw new DomainError('BOOKING_ALREADY_OPEN', { params: { code: open?.code ?? '' } });
      }
      throw error;
    }
  }

  /** ELIG-5: the person can book now, under which offer, plan and products; BOOKING_NOT_ENTITLED if not. */
  /** BOOK-5: what a person may book now on a channel, or the refusal that says why not and what to do. */
  async entitledMember(personId: number, channel: BookingChannel | undefined): Promise<Member> {
    // BOOK-14, BOOK-15: a person on the home-vaccination list or booked into a dedicated session gets no hub slot.
    await refuseIfNotForHubs(this.db, personId, this.clock.now());
    const explanation = await this.eligibility.explain(personId, channel);
    if (!explanation.bookable || explanation.match === null) {
      const view = toEligibilityView(personId, explanation);
      throw new DomainError('BOOKING_NOT_ENTITLED', {
        params: { message: view.message },
        extensions: { personId, nextStep: view.nextStep },
      });
    }
    return { personId, match: explanation.match, plan: explanation.plan, catalogue: explanation.catalogue };
  }

  /**
   * BOOK-13: one person's booking (and second dose) in the first of `slotIds` with a place, inside the
   * caller's transaction: a waiting-list offer gives its held place back and books it in one transaction,
   * so nobody else can take the place in between (the slot's row lock is held to the commit).
   */
  async bookInTransaction(
    trx: Transaction<DB>,
    slotIds: readonly number[],
    member: Member,
    input: { idempotencyKey: string | undefined; channel: BookingChannel },
    context: ActingContext,
  ): Promise<Confirmation> {
    return this.takeBooking(trx, slotIds, member, input, 0, null, context);
  }

  /** A group's slots: the chosen one and the ones right after it, the same day at the same hub. */
  private async groupSlotIds(trx: Transaction<DB>, slotId: number, size: number): Promise<number[]> {
    const rows = await sql<{ id: number }>`
      SELECT s.id FROM slots s JOIN slots chosen ON chosen.id = ${slotId}
      WHERE s.vaccination_point_id = chosen.vaccination_point_id AND s.day = chosen.day
        AND s.starts_at >= chosen.starts_at
      ORDER BY s.starts_at LIMIT ${size}`.execute(trx);
    return rows.rows.length === 0 ? [slotId] : rows.rows.map((row) => Number(row.id));
  }

  /**
   * BOOK-9, BOOK-10: one person's booking in the first of `slotIds` with a place, its second dose and
   * their audit records, by the database function `take_booking` (migration 0009, ADR 0011): one round
   * trip, so the locks on the slot and the day's stock are held as briefly as possible.
   */
  private async takeBooking(
    db: Db,
    slotIds: readonly number[],
    member: Member,
    input: { idempotencyKey: string | undefined; channel: BookingChannel },
    index: number,
    groupCode: string | null,
    context: ActingContext,
  ): Promise<Confirmation> {
    const basis = member.match.qualification.basis;
    const booking = {
      code: bookingCode(randomBytes(8)),
      second_code: bookingCode(randomBytes(8)),
      person_id: member.personId,
      channel: input.channel,
      created_by_kind: context.actorKind,
      created_by_id: context.actorId,
      idempotency_key:
        input.idempotencyKey === undefined
          ? null
          : index === 0
            ? input.idempotencyKey
            : `${input.idempotencyKey}#${index + 1}`,
      group_code: groupCode,
      plan_national_version: member.plan.national.id,
      plan_calendar_version: member.plan.calendar?.id ?? null,
      offer_id: member.match.offer.id,
      self_declaration_needed: basis.kind !== 'age' && basis.entitlement.evidenceStatus === 'self_declared',
    };
    const audit = {
      actor_kind: context.actorKind,
      actor_id: context.actorId,
      actor_role: context.actorRole,
      channel: context.channel,
      correlation_id: context.correlationId,
      occurred_at: context.now.toISOString(),
    };
    const intervals = secondDoseDaysByProduct(
      member.match.products,
      member.catalogue,
      member.plan.national.intervals,
    );
    let result: TakeBookingResult;
    try {
      const taken = await sql<{ result: TakeBookingResult }>`
        SELECT take_booking(${slotIds}::bigint[], ${context.now}::timestamptz,
          ${member.match.offer.vaccinationsStartOn}::date, ${member.match.products}::text[],
          ${JSON.stringify(intervals)}::jsonb, ${JSON.stringify(booking)}::jsonb, ${JSON.stringify(audit)}::jsonb
        ) AS result`.execute(db);
      const row = taken.rows[0];
      if (row === undefined) throw new Error('take_booking returned no row');
      result = row.result;
    } catch (error) {
      throw refusalOf(error, member.catalogue) ?? error;
    }
    const first = bookingFromJson(result.first);
    const product = member.catalogue.find((entry) => entry.code === first.product_code);
    return {
      booking: first,
      place: result.place,
      product: { code: first.product_code, name: product?.name ?? first.product_code },
      bring: whatToBring(first.self_declaration_needed),
      secondDose: result.second === null ? undefined : bookingFromJson(result.second),
    };
  }

  /** The bookings a key made: the leader's carries the key, the group shares its code. */
  private async groupByIdempotencyKey(key: string, personId: number): Promise<BookingRow[]> {
    const earlier = await this.byIdempotencyKey(key, personId);
    if (earlier === undefined) return [];
    if (earlier.group_code === null) return [earlier];
    return this.db
      .selectFrom('bookings')
      .selectAll()
      .where('group_code', '=', earlier.group_code)
      .where('dose_number', '=', 1)
      .orderBy('id')
      .execute();
  }

  /** BOOK-10: the second dose booked with a first one, if any and still open. */
  async secondDoseOf(booking: BookingRow): Promise<BookingRow | undefined> {
    if (booking.dose_number !== 1) return undefined;
    return this.db
      .selectFrom('bookings')
      .selectAll()
      .where('first_dose_booking_id', '=', booking.id)
      .where('status', '=', 'confirmed')
      .executeTakeFirst();
  }

  private async byIdempotencyKey(key: string, personId: number): Promise<BookingRow | undefined> {
    const earlier = await this.db
      .selectFrom('bookings')
      .selectAll()
      .where('idempotency_key', '=', key)
      .executeTakeFirst();
    if (earlier !== undefined && earlier.person_id !== personId) {
      throw new DomainError('IDEMPOTENCY_KEY_REUSED', { pointer: '/headers/idempotency-key' });
    }
    return earlier;
  }

  /** BOOK-9: one place of the slot, or SLOT_FULL: `booked < capacity` is decided by the row's lock. */
  private async takePlace(trx: Transaction<DB>, slotId: number): Promise<void> {
    if (!(await this.tryTakePlace(trx, slotId))) throw new DomainError('SLOT_FULL', { pointer: '/slotId' });
  }

  /** A place of the slot if one is free; nothing changes otherwise. */
  private async tryTakePlace(trx: Transaction<DB>, slotId: number): Promise<boolean> {
    const taken = await trx
      .updateTable('slots')
      .set((eb) => ({ booked: eb('booked', '+', 1) }))
      .where('id', '=', slotId)
      .whereRef('booked', '<', 'capacity')
      .returning('id')
      .executeTakeFirst();
    return taken !== undefined;
  }

  /** The first of the person's products (in the plan's order) the hub still has a dose of that day. */
  private async takeDose(
    trx: Transaction<DB>,
    pointId: number,
    day: string,
    products: readonly string[],
  ): Promise<string> {
    for (const product of products) {
      const taken = await trx
        .updateTable('hub_day_stock')
        .set((eb) => ({ booked: eb('booked', '+', 1) }))
        .where('vaccination_point_id', '=', pointId)
        .where('day', '=', day)
        .where('product_code', '=', product)
        .whereRef('booked', '<', 'doses')
        .returning('product_code')
        .executeTakeFirst();
      if (taken !== undefined) return taken.product_code;
    }
    throw new DomainError('NO_DOSES_FOR_PERSON', { params: { products: products.join(', ') } });
  }

  private async release(trx: Transaction<DB>, booking: BookingRow): Promise<void> {
    await trx
      .updateTable('slots')
      .set((eb) => ({ booked: eb('booked', '-', 1) }))
      .where('id', '=', booking.slot_id)
      .execute();
    await trx
      .updateTable('hub_day_stock')
      .set((eb) => ({ booked: eb('booked', '-', 1) }))
      .where('vaccination_point_id', '=', booking.vaccination_point_id)
      .where('day', '=', romeDate(booking.starts_at))
      .where('product_code', '=', booking.product_code)
      .execute();
  }

  /** A booking by its code; a citizen reaches only their own (SEC-2). */
  async getBooking(code: string, personId: number | undefined): Promise<BookingRow> {
    let query = this.db.selectFrom('bookings').selectAll().where('code', '=', code);
    if (personId !== undefined) query = query.where('person_id', '=', personId);
    const booking = await query.executeTakeFirst();
    if (booking === undefined) throw new DomainError('BOOKING_NOT_FOUND', { pointer: '/code' });
    return booking;
  }

  /** BOOK-8: a person's open bookings, soonest first, so a citizen signed in needs no code to find them. */
  async openBookingsOf(personId: number): Promise<BookingRow[]> {
    return this.db
      .selectFrom('bookings')
      .selectAll()
      .where('person_id', '=', personId)
      .where('status', '=', 'confirmed')
      .orderBy('starts_at')
      .execute();
  }

  /**
   * VAX-1 check-in (console, issue 9): a vaccination point's bookings of one day, by time, cancelled ones
   * included, with the person's name and the product's, for the operator who checks people in.
   */
  async pointDayBookings(pointId: number, day: string) {
    return this.db
      .selectFrom('slots as s')
      .innerJoin('bookings as b', 'b.slot_id', 's.id')
      .innerJoin('persons as p', 'p.id', 'b.person_id')
      .innerJoin('products as pr', 'pr.code', 'b.product_code')
      .select([
        'b.id',
        'b.code',
        'b.person_id',
        'b.dose_number',
        'b.starts_at',
        'b.status',
        'b.product_code',
        'pr.name as product_name',
        'p.surname',
        'p.given_name',
        'p.birth_date',
      ])
      .where('s.vaccination_point_id', '=', pointId)
      .where('s.day', '=', day)
      .orderBy('b.starts_at')
      .orderBy('p.surname')
      .orderBy('b.id')
      .limit(5000)
      .execute();
  }

  private async lockBooking(
    trx: Transaction<DB>,
    code: string,
    personId: number | undefined,
  ): Promise<BookingRow> {
    let query = trx.selectFrom('bookings').selectAll().where('code', '=', code);
    if (personId !== undefined) query = query.where('person_id', '=', personId);
    const booking = await query.forUpdate().executeTakeFirst();
    if (booking === undefined) throw new DomainError('BOOKING_NOT_FOUND', { pointer: '/code' });
    if (booking.status === 'cancelled') throw new DomainError('BOOKING_CANCELLED');
    return booking;
  }

  /** BOOK-8: cancelling frees the place and the dose at once. */
  async cancel(
    code: string,
    personId: number | undefined,
    reason: string,
    secondDose: 'cancel' | 'keep' | undefined,
    context: ActingContext,
  ): Promise<BookingRow> {
    return this.db.transaction().execute(async (trx) => {
      const before = await this.lockBooking(trx, code, personId);
      const second = await trx
        .selectFrom('bookings')
        .selectAll()
        .where('first_dose_booking_id', '=', before.id)
        .where('status', '=', 'confirmed')
        .forUpdate()
        .executeTakeFirst();
      // BOOK-10: cancelling a first dose asks what to do with the second.
      if (second !== undefined && secondDose === undefined) {
        throw new DomainError('SECOND_DOSE_DECISION_REQUIRED', {
          pointer: '/secondDose',
          params: { code: second.code, startsAt: second.starts_at.toISOString().slice(0, 10) },
        });
      }
      if (second !== undefined && secondDose === 'cancel') {
        await this.release(trx, second);
        const cancelled = await trx
          .updateTable('bookings')
          .set({ status: 'cancelled', cancelled_at: context.now, cancel_reason: reason })
          .where('id', '=', second.id)
          .returningAll()
          .executeTakeFirstOrThrow();
        await recordAudit(trx, context, {
          entityType: 'booking',
          entityId: second.id,
          action: 'cancel',
          before: second,
          after: cancelled,
        });
      }
      await this.release(trx, before);

      const after = await trx
        .updateTable('bookings')
        .set({ status: 'cancelled', cancelled_at: context.now, cancel_reason: reason })
        .where('id', '=', before.id)
        .returningAll()
        .executeTakeFirstOrThrow();
      await recordAudit(trx, context, {
        entityType: 'booking',
        entityId: before.id,
        action: 'cancel',
        before,
        after,
      });
      return after;
    });
  }

  /**
   * BOOK-8: moves a booking to another slot in one transaction: the new place and dose are taken and the
   * old ones released together, so the person never holds both or neither.
   */
  async reschedule(
    code: string,
    personId: number | undefined,
    slotId: number,
    channel: BookingChannel,
    context: ActingContext,
  ): Promise<BookingRow> {
    const current = await this.getBooking(code, personId);
    // The products the system would give the person, without refusing one whose offer has closed.
    const explanation = await this.eligibility.explain(current.person_id, channel);
    const products = explanation.match?.products ?? [];
    const secondDoseDays =
      explanation.match === null || explanation.plan === null
        ? {}
        : secondDoseDaysByProduct(products, explanation.catalogue, explanation.plan.national.intervals);
    return this.db.transaction().execute(async (trx) => {
      const before = await this.lockBooking(trx, code, personId);
      const slot = await trx.selectFrom('slots').selectAll().where('id', '=', slotId).executeTakeFirst();
      if (slot === undefined) throw new DomainError('SLOT_NOT_FOUND', { pointer: '/slotId' });
      if (slot.starts_at <= context.now) throw new DomainError('SLOT_IN_THE_PAST', { pointer: '/slotId' });
      const hub = await trx
        .selectFrom('hubs')
        .select('status')
        .where('vaccination_point_id', '=', slot.vaccination_point_id)
        .executeTakeFirst();
      // BOOK-4: a hub closed to new bookings still serves the second doses it gave.
      const keepsItsSecondDose =
        hub?.status === 'closed_to_new' &&
        before.dose_number >= 2 &&
        slot.vaccination_point_id === before.vaccination_point_id;
      if (hub?.status !== 'active' && !keepsItsSecondDose) {
        throw new DomainError('HUB_NOT_BOOKABLE', { pointer: '/slotId' });
      }
      await this.release(trx, before);
      // The same product when the new hub has it (a cycle keeps its product), else the system's choice.
      const product = await this.takeDose(trx, slot.vaccination_point_id, slot.day, [
        before.product_code,
        ...products.filter((p) => p !== before.product_code),
      ]);
      await this.takePlace(trx, slot.id);
      const after = await trx
        .updateTable('bookings')
        .set({
          slot_id: slot.id,
          vaccination_point_id: slot.vaccination_point_id,
          starts_at: slot.starts_at,
          product_code: product,
        })
        .where('id', '=', before.id)
        .returningAll()
        .executeTakeFirstOrThrow();
      await recordAudit(trx, context, {
        entityType: 'booking',
        entityId: before.id,
        action: 'reschedule',
        before,
        after,
      });
      if (after.dose_number === 1) {
        await this.keepSecondDoseInInterval(
          trx,
          after,
          slot.day,
          secondDoseDays,
          explanation.catalogue,
          context,
        );
      }
      return after;
    });
  }

  /**
   * BOOK-10: a first dose moved takes its second dose along when the second would no longer be of the
   * first's product within the product's interval: to the recommended day at the first's hub if it
   * has a place, else the nearest day of the window, at the time nearest to the first's (as take_booking
   * books it). Without a place in the window the whole move is refused, so the person never holds a
   * second dose out of its interval.
   */
  private async keepSecondDoseInInterval(
    trx: Transaction<DB>,
    first: BookingRow,
    firstDay: string,
    daysByProduct: Record<string, SecondDoseDays>,
    catalogue: readonly ProductEntry[],
    context: ActingContext,
  ): Promise<void> {
    const second = await trx
      .selectFrom('bookings')
      .selectAll()
      .where('first_dose_booking_id', '=', first.id)
      .where('status', '=', 'confirmed')
      .forUpdate()
      .executeTakeFirst();
    const days = daysByProduct[first.product_code];
    if (second === undefined || days === undefined) return;
    const dayOf = (offset: number) => isoDateFromDay(dayFromIsoDate(firstDay) + offset);
    const secondDay = romeDate(second.starts_at);
    // A second dose may stay at another hub: the person moved only the first.
    const stillFits =
      second.product_code === first.product_code &&
      secondDay >= dayOf(days.min) &&
      secondDay <= dayOf(days.max);
    if (stillFits) return;
    await this.release(trx, second);
    const candidates = await sql<{ id: number; day: string }>`
      SELECT s.id, s.day::text AS day FROM slots s
      JOIN hub_day_stock st ON st.vaccination_point_id = s.vaccination_point_id AND st.day = s.day
        AND st.product_code = ${first.product_code} AND st.booked < st.doses
      WHERE s.vaccination_point_id = ${first.vaccination_point_id} AND s.booked < s.capacity
        AND s.day BETWEEN ${dayOf(days.min)}::date AND ${dayOf(days.max)}::date
      ORDER BY abs(s.day - ${dayOf(days.target)}::date),
        abs(extract(epoch FROM (s.starts_at AT TIME ZONE 'Europe/Rome')::time
          - (${first.starts_at}::timestamptz AT TIME ZONE 'Europe/Rome')::time)), s.starts_at
      LIMIT 20`.execute(trx);
    for (const candidate of candidates.rows) {
      if (!(await this.tryTakePlace(trx, candidate.id))) continue;
      const dose = await trx
        .updateTable('hub_day_stock')
        .set((eb) => ({ booked: eb('booked', '+', 1) }))
        .where('vaccination_point_id', '=', first.vaccination_point_id)
        .where('day', '=', candidate.day)
        .where('product_code', '=', first.product_code)
        .whereRef('booked', '<', 'doses')
        .returning('day')
        .executeTakeFirst();
      if (dose === undefined) {
        await trx
          .updateTable('slots')
          .set((eb) => ({ booked: eb('booked', '-', 1) }))
          .where('id', '=', candidate.id)
          .execute();
        continue;
      }
      const moved = await trx
        .updateTable('bookings')
        .set((eb) => ({
          slot_id: candidate.id,
          vaccination_point_id: first.vaccination_point_id,
          starts_at: eb.selectFrom('slots').select('starts_at').where('id', '=', candidate.id),
          product_code: first.product_code,
        }))
        .where('id', '=', second.id)
        .returningAll()
        .executeTakeFirstOrThrow();
      await recordAudit(trx, context, {
        entityType: 'booking',
        entityId: second.id,
        action: 'reschedule_with_first_dose',
        before: second,
        after: moved,
      });
      return;
    }
    throw new DomainError('SECOND_DOSE_NO_PLACE', {
      pointer: '/slotId',
      params: {
        product: catalogue.find((entry) => entry.code === first.product_code)?.name ?? first.product_code,
        earliest: dayOf(days.min),
        latest: dayOf(days.max),
      },
    });
  }

  /** BOOK-8: everything the confirmation shows, for a booking read back. */
  /**
   * REG-7: moves the bookings of an obsolete identity to the current one, inside the caller's
   * transaction. Two confirmed bookings of the same dose cannot both stand: the move is refused, naming
   * them, so that the operator cancels one (releasing its place) and moves again.
   */
  async moveRecords(trx: Transaction<DB>, fromId: number, toId: number) {
    const clashes = await trx
      .selectFrom('bookings as o')
      .innerJoin('bookings as c', (join) =>
        join
          .onRef('c.dose_number', '=', 'o.dose_number')
          .on('c.person_id', '=', toId)
          .on('c.status', '=', 'confirmed'),
      )
      .select(['o.code as obsolete', 'c.code as current'])
      .where('o.person_id', '=', fromId)
      .where('o.status', '=', 'confirmed')
      .execute();
    if (clashes.length > 0) {
      throw new DomainError('BOOKING_MOVE_CONFLICT', {
        params: { codes: clashes.map((clash) => `${clash.obsolete} / ${clash.current}`).join(', ') },
      });
    }
    const moved = await trx
      .updateTable('bookings')
      .set({ person_id: toId })
      .where('person_id', '=', fromId)
      .executeTakeFirst();
    return { bookings: Number(moved.numUpdatedRows) };
  }

  async confirmationOf(booking: BookingRow): Promise<Confirmation> {
    const place = await this.db
      .selectFrom('vaccination_points as p')
      .innerJoin('municipalities as m', 'm.istat', 'p.municipality_istat')
      .select(['p.code', 'p.name', 'p.address', 'm.name as municipality'])
      .where('p.id', '=', booking.vaccination_point_id)
      .executeTakeFirstOrThrow();
    const product = await this.db
      .selectFrom('products')
      .select(['code', 'name'])
      .where('code', '=', booking.product_code)
      .executeTakeFirstOrThrow();
    return {
      booking,
      place,
      product,
      bring: whatToBring(booking.self_declaration_needed),
      secondDose: await this.secondDoseOf(booking),
    };
  }
}
