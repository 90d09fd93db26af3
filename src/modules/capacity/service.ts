import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';
import type { Clock } from '../../platform/clock.ts';
import { romeDate } from '../../platform/clock.ts';
import { DomainError } from '../../platform/http/problem.ts';
import { recordAudit, type ActingContext } from '../../platform/audit/audit.ts';
import type { EligibilityService } from '../eligibility/service.ts';
import { listProducts } from '../reference/service.ts';
import { distanceKm, secondDoseDaysByProduct, type SecondDoseDays } from '../booking/rules.ts';
import { decideMoves, reachKm, stockKey, type BookingToPlace, type Decision } from './moves.ts';
import {
  addDays,
  BATCH_PEOPLE,
  DEFAULT_HORIZON_DAYS,
  DEFAULT_MAX_KM,
  earliestStart,
  leavingBookings,
  slotTargets,
  type ChangeKind,
} from './rules.ts';
import {
  applyCut,
  insertChange,
  insertSlotTargets,
  selectBookingsOfSlots,
  selectBookingsOfStock,
  selectChange,
  selectChanges,
  selectDaySlots,
  selectFirstDoseDays,
  selectFreePlaces,
  selectHubDay,
  selectHubs,
  selectMessageCounts,
  selectOutcomes,
  selectSecondDoses,
  selectSlotTargets,
  selectStock,
  updateChangeStatus,
  writeDecisions,
  type ChangeRow,
  type HubRow,
} from './repo.ts';
import './errors.ts';

type Db = Kysely<DB> | Transaction<DB>;

/** Which health authorities' hubs the caller may change: a list (asl_admin), or all (null: region_admin). */
export type AuthorityScope = readonly string[] | null;

export interface ChangeInput {
  kind: ChangeKind;
  pointId: number;
  day: string;
  fromTime?: string | undefined;
  stations?: number | undefined;
  product?: string | undefined;
  doses?: number | undefined;
  horizonDays?: number | undefined;
  maxKm?: number | undefined;
  note?: string | undefined;
}

/** BOOK-12: what a change would do (its preview), or did so far. */
export interface ChangeSummary {
  asOf: string;
  /** Bookings that lose their place. */
  affected: number;
  people: number;
  moved: number;
  toChoose: number;
  /** BOOK-10: second doses moved (or cancelled) along with their first dose. */
  secondDosesMoved: number;
  secondDosesToChoose: number;
  /** Where the moved appointments go, the busiest first. */
  destinations: { pointId: number; hubCode: string; hubName: string; day: string; bookings: number }[];
  averageKm: number | null;
  farthestKm: number | null;
}

type ChangeDraft = Pick<
  ChangeRow,
  'kind' | 'vaccination_point_id' | 'day' | 'doses' | 'product_code' | 'horizon_days' | 'max_km'
>;

interface Computed {
  decisions: Decision[];
  affected: number;
  /** More people are affected than this batch takes. */
  more: boolean;
}

function checkScope(authority: string, scope: AuthorityScope): void {
  if (scope !== null && !scope.includes(authority)) {
    throw new DomainError('CAPACITY_HUB_OUT_OF_SCOPE', { pointer: '/pointId' });
  }
}

/** A transaction that lost a deadlock (or a serialization race) to another writer is run again. */
async function withRetry<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      const code = (error as { code?: unknown } | null)?.code;
      if ((code === '40P01' || code === '40001') && attempt < 6) continue;
      throw error;
    }
  }
}

/**
 * BOOK-12: capacity changes by a health authority — a hub-day closed, its stations cut from a time, a
 * product's stock cut — previewed, then applied: the people who lose their place are moved to the nearest
 * equivalent place (same product, their allowed days, a hub that may receive them: BOOK-3, BOOK-4,
 * BOOK-10), by the exact solver of ADR 0013, or asked to choose, and told once each. Everything decided
 * from the database under row locks, in batches of one transaction each (ADR 0010: any number of
 * processes stay correct).
 */
export class CapacityService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly clock: Clock,
    private readonly eligibility: EligibilityService,
  ) {}

  /** Records a change with its preview (nothing moves yet). */
  async create(input: ChangeInput, scope: AuthorityScope, context: ActingContext): Promise<ChangeRow> {
    const now = this.clock.now();
    const hub = (await selectHubs(this.db)).find((h) => h.id === input.pointId);
    if (hub === undefined) throw new DomainError('CAPACITY_HUB_NOT_FOUND', { pointer: '/pointId' });
    checkScope(hub.healthAuthorityCode, scope);
    if (input.day < romeDate(now)) {
      throw new DomainError('CAPACITY_DAY_PAST', { pointer: '/day', params: { day: input.day } });
    }
    const hubDay = await selectHubDay(this.db, input.pointId, input.day, false);
    if (hubDay === undefined) {
      throw new DomainError('CAPACITY_DAY_NOT_OPEN', { pointer: '/day', params: { day: input.day } });
    }
    let targets = new Map<number, number>();
    if (input.kind === 'cut_stations') {
      if (input.fromTime === undefined || input.stations === undefined) {
        throw new DomainError('CAPACITY_FIELDS', { params: { fields: 'fromTime, stations' } });
      }
      if (input.stations >= hubDay.stations) {
        throw new DomainError('CAPACITY_NOT_A_CUT', {
          pointer: '/stations',
          params: { requested: input.stations, current: hubDay.stations },
        });
      }
      const slots = await selectDaySlots(this.db, input.pointId, input.day, false);
      targets = slotTargets(
        { kind: 'cut_stations', fromTime: input.fromTime, stations: input.stations, hubDay },
        input.day,
        slots,
        now,
      );
    } else if (input.kind === 'cut_stock') {
      if (input.product === undefined || input.doses === undefined) {
        throw new DomainError('CAPACITY_FIELDS', { params: { fields: 'product, doses' } });
      }
      const stock = await selectStock(this.db, input.pointId, input.day, input.product, false);
      if (stock === undefined) {
        throw new DomainError('CAPACITY_NO_STOCK', {
          pointer: '/product',
          params: { product: input.product, day: input.day },
        });
      }
      if (input.doses >= stock.doses) {
        throw new DomainError('CAPACITY_NOT_A_CUT', {
          pointer: '/doses',
          params: { requested: input.doses, current: stock.doses },
        });
      }
    } else {
      targets = slotTargets(
        { kind: 'close_day' },
        input.day,
        await selectDaySlots(this.db, input.pointId, input.day, false),
        now,
      );
    }
    const draft: ChangeDraft = {
      kind: input.kind,
      vaccination_point_id: input.pointId,
      day: input.day,
      product_code: input.kind === 'cut_stock' ? (input.product ?? null) : null,
      doses: input.kind === 'cut_stock' ? (input.doses ?? null) : null,
      horizon_days: input.horizonDays ?? DEFAULT_HORIZON_DAYS,
      max_km: input.maxKm ?? DEFAULT_MAX_KM,
    };
    const hubs = await selectHubs(this.db);
    const intervals = await this.intervals(romeDate(now));
    const computed = await this.compute(this.db, draft, targets, intervals, false, Infinity);
    const preview = summarize(computed, hubs, now);
    return this.db.transaction().execute(async (trx) => {
      const row = await insertChange(trx, {
        ...draft,
        health_authority_code: hub.healthAuthorityCode,
        from_time: input.kind === 'cut_stations' ? (input.fromTime ?? null) : null,
        stations: input.kind === 'cut_stations' ? (input.stations ?? null) : null,
        note: input.note ?? null,
        status: 'previewed',
        preview,
        created_at: context.now,
        created_by: context.actorId,
      });
      await insertSlotTargets(trx, row.id, targets);
      await recordAudit(trx, context, {
        entityType: 'capacity_change',
        entityId: row.id,
        action: 'create',
        after: { ...row, slotTargets: Object.fromEntries(targets) },
      });
      return row;
    });
  }

  /**
   * Applies a change: batch after batch, each one transaction that locks the change first (a second
   * apply waits, then finds nothing left to do), then the hub-day, the cut places, the bookings and the
   * places they may take. Applying an applied change again changes nothing and returns it.
   */
  async apply(id: number, scope: AuthorityScope, context: ActingContext): Promise<ChangeRow> {
    // Read before any transaction: PGlite's one connection belongs to the transaction while it runs.
    const intervals = await this.intervals(romeDate(this.clock.now()));
    for (let round = 0; round < 100_000; round++) {
      const done = await withRetry(() =>
        this.db.transaction().execute((trx) => this.applyBatch(trx, id, scope, intervals, context)),
      );
      if (done) break;
    }
    return this.get(id, scope);
  }

  private async applyBatch(
    trx: Transaction<DB>,
    id: number,
    scope: AuthorityScope,
    intervals: Readonly<Record<string, SecondDoseDays>>,
    context: ActingContext,
  ): Promise<boolean> {
    const change = await selectChange(trx, id, true);
    if (change === undefined) throw new DomainError('CAPACITY_CHANGE_NOT_FOUND', { pointer: '/changeId' });
    checkScope(change.health_authority_code, scope);
    if (change.status === 'applied') return true;
    if (change.status === 'discarded') throw new DomainError('CAPACITY_CHANGE_DISCARDED');
    // Changes of one hub-day are applied one at a time.
    await selectHubDay(trx, change.vaccination_point_id, change.day, true);
    if (change.status === 'previewed') {
      await updateChangeStatus(trx, id, 'applying', context);
      await recordAudit(trx, context, {
        entityType: 'capacity_change',
        entityId: id,
        action: 'apply_start',
        before: { status: change.status },
        after: { status: 'applying' },
      });
    }
    await applyCut(trx, change);
    const targets =
      change.kind === 'cut_stock' ? new Map<number, number>() : await selectSlotTargets(trx, id);
    const computed = await this.compute(trx, change, targets, intervals, true, BATCH_PEOPLE);
    if (computed.decisions.length === 0) {
      await updateChangeStatus(trx, id, 'applied', context);
      await recordAudit(trx, context, {
        entityType: 'capacity_change',
        entityId: id,
        action: 'apply',
        before: { status: 'applying' },
        after: {
          status: 'applied',
          moved: change.moved,
          toChoose: change.to_choose,
          notified: change.notified,
          batches: change.batches,
        },
      });
      return true;
    }
    const batch = change.batches + 1;
    const notified = await writeDecisions(trx, change, batch, computed.decisions, context);
    await recordAudit(trx, context, {
      entityType: 'capacity_change',
      entityId: id,
      action: 'apply_batch',
      after: {
        batch,
        moved: computed.decisions.filter((d) => d.outcome === 'moved').length,
        toChoose: computed.decisions.filter((d) => d.outcome === 'to_choose').length,
        notified,
      },
    });
    return false;
  }

  /** Drops a change not applied yet. */
  async discard(id: number, scope: AuthorityScope, context: ActingContext): Promise<ChangeRow> {
    await this.db.transaction().execute(async (trx) => {
      const change = await selectChange(trx, id, true);
      if (change === undefined) throw new DomainError('CAPACITY_CHANGE_NOT_FOUND', { pointer: '/changeId' });
      checkScope(change.health_authority_code, scope);
      if (change.status === 'discarded') return;
      if (change.status !== 'previewed') throw new DomainError('CAPACITY_CHANGE_ALREADY_APPLIED');
      await updateChangeStatus(trx, id, 'discarded', context);
      await recordAudit(trx, context, {
        entityType: 'capacity_change',
        entityId: id,
        action: 'discard',
        before: { status: change.status },
        after: { status: 'discarded' },
      });
    });
    return this.get(id, scope);
  }

  async get(id: number, scope: AuthorityScope): Promise<ChangeRow & { messages: Record<string, number> }> {
    const change = await selectChange(this.db, id);
    if (change === undefined) throw new DomainError('CAPACITY_CHANGE_NOT_FOUND', { pointer: '/changeId' });
    checkScope(change.health_authority_code, scope);
    return { ...change, messages: await selectMessageCounts(this.db, id) };
  }

  async list(
    scope: AuthorityScope,
    filter: { pointId?: number | undefined; status?: string | undefined },
    page: { limit: number; offset: number },
  ) {
    return selectChanges(this.db, { authorities: scope, ...filter }, page);
  }

  /** BOOK-12: the change's outcome booking by booking: moved where, or asked to choose, and the message. */
  async outcomes(
    id: number,
    scope: AuthorityScope,
    filter: { outcome?: string | undefined },
    page: { limit: number; offset: number },
  ) {
    await this.get(id, scope);
    return selectOutcomes(this.db, id, filter, page);
  }

  /** BOOK-10: per two-dose product, the days after dose 1 its second dose may take (plan in force today). */
  private async intervals(today: string): Promise<Record<string, SecondDoseDays>> {
    let planIntervals: Parameters<typeof secondDoseDaysByProduct>[2] = [];
    try {
      planIntervals = (await this.eligibility.planInForce(today)).national.intervals;
    } catch (error) {
      if (!(error instanceof DomainError && error.code === 'PLAN_NOT_IN_FORCE')) throw error;
    }
    const catalogue = await listProducts(this.db);
    return secondDoseDaysByProduct(
      catalogue.map((product) => product.code),
      catalogue,
      planIntervals,
    );
  }

  /**
   * Who leaves the cut places and where they go. With `lock`, every row relied on is locked first (the
   * hub-day's slots, the bookings, the places they may take); without, a preview. `targets`: the cut
   * slots' new capacities. At most `people` people (all their bookings) per call.
   */
  private async compute(
    db: Db,
    change: ChangeDraft,
    targets: ReadonlyMap<number, number>,
    intervals: Readonly<Record<string, SecondDoseDays>>,
    lock: boolean,
    people: number,
  ): Promise<Computed> {
    const now = this.clock.now();
    const today = romeDate(now);
    const pointId = change.vaccination_point_id;
    let leaving: (BookingToPlace & { firstDoseBookingId: number | null })[];
    if (change.kind === 'cut_stock') {
      const product = change.product_code ?? '';
      const stock = await selectStock(db, pointId, change.day, product, lock);
      const bookings = await selectBookingsOfStock(db, { pointId, day: change.day, product }, now, lock);
      const excess = (stock?.booked ?? 0) - (change.doses ?? 0);
      leaving = leavingBookings(
        bookings.map((b) => ({ ...b, place: 'stock' })),
        new Map([['stock', excess]]),
      );
    } else {
      const slots = await selectDaySlots(db, pointId, change.day, lock);
      const excess = new Map<string, number>();
      for (const slot of slots) {
        const target = targets.get(slot.id);
        if (target !== undefined && slot.startsAt > now && slot.booked > target) {
          excess.set(String(slot.id), slot.booked - target);
        }
      }
      const bookings = await selectBookingsOfSlots(db, [...excess.keys()].map(Number), now, lock);
      leaving = leavingBookings(
        bookings.map((b) => ({ ...b, place: String(b.slotId) })),
        excess,
      );
    }
    const affected = leaving.length;
    // A batch takes whole people: all of a person's bookings in the same transaction (one message each).
    const persons: number[] = [];
    for (const booking of leaving) if (!persons.includes(booking.personId)) persons.push(booking.personId);
    const taken = new Set(persons.slice(0, people));
    leaving = leaving.filter((b) => taken.has(b.personId));
    const leavingIds = new Set(leaving.map((b) => b.id));

    const firstDays = await selectFirstDoseDays(
      db,
      leaving
        .filter((b) => b.dose >= 2 && b.firstDoseBookingId !== null)
        .map((b) => b.firstDoseBookingId as number),
    );
    for (const booking of leaving) {
      const day = booking.firstDoseBookingId === null ? undefined : firstDays.get(booking.firstDoseBookingId);
      if (booking.dose >= 2 && day !== undefined) {
        booking.firstDose = { id: booking.firstDoseBookingId as number, day };
      }
    }
    const seconds = await selectSecondDoses(
      db,
      leaving.filter((b) => b.dose === 1).map((b) => b.id),
      lock,
    );
    const secondDoses = new Map<number, BookingToPlace>();
    for (const second of seconds) {
      if (leavingIds.has(second.id) || second.firstDoseBookingId === null) continue;
      const first = leaving.find((b) => b.id === second.firstDoseBookingId);
      if (first !== undefined)
        secondDoses.set(first.id, { ...second, firstDose: { id: first.id, day: first.day } });
    }

    const maxKm = change.max_km;
    const horizon = change.horizon_days;
    const allHubs = await selectHubs(db);
    // The hubs some leaving person may reach (one check per home and reach).
    const reaches = new Map<string, { home: BookingToPlace['home']; km: number }>();
    for (const b of leaving) {
      const km = reachKm(b, allHubs, maxKm);
      reaches.set(`${b.home.lat},${b.home.lng},${km}`, { home: b.home, km });
    }
    const hubs = allHubs.filter(
      (hub) => hub.status !== 'reserve' && [...reaches.values()].some((r) => distanceKm(r.home, hub) <= r.km),
    );
    const days = new Set<string>();
    const addRange = (from: string, to: string) => {
      for (let day = from < today ? today : from; day <= to; day = addDays(day, 1)) days.add(day);
    };
    for (const booking of leaving) {
      addRange(addDays(booking.day, -horizon), addDays(booking.day, horizon));
      const interval = intervals[booking.product];
      if (booking.dose === 1 && interval !== undefined && secondDoses.has(booking.id)) {
        addRange(addDays(booking.day, interval.min), addDays(booking.day, horizon + interval.max));
      }
    }
    const products = [...new Set(leaving.map((b) => b.product))];
    const free = await selectFreePlaces(
      db,
      { pointIds: hubs.map((h) => h.id), days: [...days].sort(), products, notBefore: earliestStart(now) },
      lock,
    );
    // A preview sees the cut as if applied: a cut place keeps no free place beyond its new capacity.
    const slots = free.slots.map((slot) => {
      const target = targets.get(slot.id);
      const capacity =
        target === undefined ? slot.capacity : Math.min(slot.capacity, Math.max(target, slot.booked));
      return { ...slot, free: capacity - slot.booked };
    });
    const stock = new Map<string, number>();
    for (const row of free.stock) {
      const cut =
        change.kind === 'cut_stock' &&
        row.pointId === pointId &&
        row.day === change.day &&
        row.product === change.product_code;
      const doses = cut ? Math.min(row.doses, Math.max(change.doses ?? 0, row.booked)) : row.doses;
      stock.set(stockKey(row.pointId, row.day, row.product), doses - row.booked);
    }
    const decisions = decideMoves({
      leaving,
      secondDoses,
      slots,
      stock,
      hubs,
      intervals,
      today,
      horizonDays: horizon,
      maxKm,
    });
    return { decisions, affected, more: persons.length > people };
  }
}

/** The preview's figures from the decisions. */
function summarize(computed: Computed, hubs: readonly HubRow[], now: Date): ChangeSummary {
  const { decisions } = computed;
  const moved = decisions.filter((d) => d.to !== undefined);
  const byDestination = new Map<string, ChangeSummary['destinations'][number]>();
  for (const { to } of moved) {
    if (to === undefined) continue;
    const key = `${to.pointId}|${to.day}`;
    const hub = hubs.find((h) => h.id === to.pointId);
    const entry = byDestination.get(key) ?? {
      pointId: to.pointId,
      hubCode: hub?.code ?? '',
      hubName: hub?.name ?? '',
      day: to.day,
      bookings: 0,
    };
    entry.bookings += 1;
    byDestination.set(key, entry);
  }
  const kms = moved.map((d) => d.to?.km ?? 0);
  return {
    asOf: now.toISOString(),
    affected: computed.affected,
    people: new Set(decisions.map((d) => d.booking.personId)).size,
    moved: moved.length,
    toChoose: decisions.length - moved.length,
    secondDosesMoved: moved.filter((d) => d.why === 'follows_first_dose').length,
    secondDosesToChoose: decisions.filter((d) => d.why === 'follows_first_dose' && d.to === undefined).length,
    destinations: [...byDestination.values()].sort(
      (a, b) => b.bookings - a.bookings || a.day.localeCompare(b.day) || a.pointId - b.pointId,
    ),
    averageKm: kms.length === 0 ? null : Math.round((kms.reduce((s, k) => s + k, 0) / kms.length) * 10) / 10,
    farthestKm: kms.length === 0 ? null : Math.max(...kms),
  };
}
