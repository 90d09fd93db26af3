import type { SecondDoseDays } from '../booking/rules.ts';
import { distanceKm } from '../booking/rules.ts';
import { ASK_TO_CHOOSE, placesOfPeople, planReassignment, type Capacity, type Demand } from './assignment.ts';
import {
  hubReceives,
  moveWindow,
  nearestFreeSlot,
  romeMinuteOfDay,
  withinInterval,
  type HubStatus,
  type MoveWindow,
} from './rules.ts';

/*
 * BOOK-12: where the people a change affects go, decided in memory from what the database holds (the
 * caller reads it, locked when applying, and writes the outcome). The global assignment is the exact
 * solver of ADR 0013 (assignment.ts), per product, on places counted per hub, day and product; then each
 * person placed takes the free slot of that hub-day nearest to their old time of day.
 */

export interface Point {
  lat: number;
  lng: number;
}

/** A booking that leaves its place, or the second dose of one that does. */
export interface BookingToPlace {
  id: number;
  personId: number;
  dose: number;
  product: string;
  pointId: number;
  day: string;
  startsAt: Date;
  slotId: number;
  /** The person's domicile (its municipality's centroid, BOOK-7), else the hub's own place. */
  home: Point;
  /** BOOK-10: the first dose this second dose was booked with, while confirmed. */
  firstDose?: { id: number; day: string } | undefined;
}

export interface FreeSlot {
  id: number;
  pointId: number;
  day: string;
  startsAt: Date;
  free: number;
}

export interface HubPlace extends Point {
  id: number;
  status: HubStatus;
}

export interface MoveInput {
  /** The bookings that leave their cut place. */
  leaving: readonly BookingToPlace[];
  /** Confirmed second doses of leaving first doses (not leaving themselves), by first dose id. */
  secondDoses: ReadonlyMap<number, BookingToPlace>;
  slots: readonly FreeSlot[];
  /** Free doses per `${pointId}|${day}|${product}`. */
  stock: ReadonlyMap<string, number>;
  hubs: readonly HubPlace[];
  /** BOOK-10: per two-dose product, its interval after dose 1. */
  intervals: Readonly<Record<string, SecondDoseDays>>;
  today: string;
  horizonDays: number;
  maxKm: number;
}

export type MoveWhy = 'affected' | 'follows_first_dose' | 'with_second_dose';

export interface Decision {
  booking: BookingToPlace;
  why: MoveWhy;
  outcome: 'moved' | 'to_choose';
  to?: { slotId: number; pointId: number; startsAt: Date; day: string; km: number };
}

export const stockKey = (pointId: number, day: string, product: string): string =>
  `${pointId}|${day}|${product}`;
const hubDayKey = (pointId: number, day: string): string => `${pointId}|${day}`;

interface Request {
  booking: BookingToPlace;
  window: MoveWindow;
  /** Old time of day (or the first dose's new one, for a second dose following it). */
  minute: number;
}

/** Places left, shared by the passes: per slot, per hub-day, per hub-day-product. */
class Places {
  readonly slotsByHubDay = new Map<string, (FreeSlot & { minute: number })[]>();
  readonly hubDayFree = new Map<string, number>();
  readonly stockFree: Map<string, number>;

  constructor(slots: readonly FreeSlot[], stock: ReadonlyMap<string, number>) {
    this.stockFree = new Map(stock);
    for (const slot of [...slots].sort(
      (a, b) => a.startsAt.getTime() - b.startsAt.getTime() || a.id - b.id,
    )) {
      if (slot.free <= 0) continue;
      const key = hubDayKey(slot.pointId, slot.day);
      const list = this.slotsByHubDay.get(key) ?? [];
      list.push({ ...slot, minute: romeMinuteOfDay(slot.startsAt) });
      this.slotsByHubDay.set(key, list);
      this.hubDayFree.set(key, (this.hubDayFree.get(key) ?? 0) + slot.free);
    }
  }

  take(pointId: number, day: string, product: string, minute: number): FreeSlot | undefined {
    const list = this.slotsByHubDay.get(hubDayKey(pointId, day)) ?? [];
    const index = nearestFreeSlot(list, minute);
    const slot = list[index];
    if (slot === undefined) return undefined;
    slot.free -= 1;
    this.hubDayFree.set(hubDayKey(pointId, day), (this.hubDayFree.get(hubDayKey(pointId, day)) ?? 0) - 1);
    const key = stockKey(pointId, day, product);
    this.stockFree.set(key, (this.stockFree.get(key) ?? 0) - 1);
    return slot;
  }

  giveBack(slotId: number, pointId: number, day: string, product: string): void {
    const slot = (this.slotsByHubDay.get(hubDayKey(pointId, day)) ?? []).find((s) => s.id === slotId);
    if (slot === undefined) return;
    slot.free += 1;
    this.hubDayFree.set(hubDayKey(pointId, day), (this.hubDayFree.get(hubDayKey(pointId, day)) ?? 0) + 1);
    const key = stockKey(pointId, day, product);
    this.stockFree.set(key, (this.stockFree.get(key) ?? 0) + 1);
  }
}

/**
 * How far from home a booking may be moved: `maxKm`, or as far as the hub the person had chosen when that
 * one is farther (someone who booked far from home may stay at that hub or go to one as near).
 */
export function reachKm(booking: BookingToPlace, hubs: readonly HubPlace[], maxKm: number): number {
  const origin = hubs.find((hub) => hub.id === booking.pointId);
  return origin === undefined ? maxKm : Math.max(maxKm, distanceKm(booking.home, origin));
}

/**
 * One pass: the requests placed by the solver, product by product (a hub-day's slots are shared by its
 * products, so each product sees what the previous ones left). Returns the place per request, or null.
 */
function place(
  requests: readonly Request[],
  places: Places,
  hubs: readonly HubPlace[],
  maxKm: number,
): (Decision['to'] | null)[] {
  const result: (Decision['to'] | null)[] = requests.map(() => null);
  const hubIndex = new Map(hubs.map((hub, index) => [hub.id, index]));
  const products = [...new Set(requests.map((r) => r.booking.product))].sort();
  for (const product of products) {
    // Demands: people of one area, product, window, hub of origin and tier, in booking order.
    const areas: { lat: number; lng: number }[] = [];
    const areaIndex = new Map<string, number>();
    const demands: Demand[] = [];
    const demandRequests: number[][] = [];
    const demandIndex = new Map<string, number>();
    const windows: MoveWindow[] = [];
    const origins: { dose: number; pointId: number }[] = [];
    const limits: number[] = [];
    const indices = requests
      .map((request, index) => ({ request, index }))
      .filter(({ request }) => request.booking.product === product)
      .sort((a, b) => a.request.booking.id - b.request.booking.id);
    for (const { request, index } of indices) {
      const { booking, window } = request;
      const areaKey = `${booking.home.lat},${booking.home.lng}`;
      let area = areaIndex.get(areaKey);
      if (area === undefined) {
        area = areas.length;
        areas.push(booking.home);
        areaIndex.set(areaKey, area);
      }
      const tier = booking.dose >= 2 ? 0 : 1;
      const key = [
        area,
        window.earliest,
        window.latest,
        window.preferred,
        booking.pointId,
        booking.dose,
        tier,
      ].join('|');
      let d = demandIndex.get(key);
      if (d === undefined) {
        d = demands.length;
        demands.push({ area, product, people: 0, day: window.preferred, tier });
        demandRequests.push([]);
        windows.push(window);
        origins.push({ dose: booking.dose, pointId: booking.pointId });
        limits.push(reachKm(booking, hubs, maxKm));
        demandIndex.set(key, d);
      }
      (demands[d] as Demand).people += 1;
      (demandRequests[d] as number[]).push(index);
    }
    const capacities: Capacity[] = [];
    for (const [key, free] of places.hubDayFree) {
      const [pointText, day] = key.split('|') as [string, string];
      const pointId = Number(pointText);
      const hub = hubIndex.get(pointId);
      if (hub === undefined) continue;
      const placesLeft = Math.min(free, places.stockFree.get(stockKey(pointId, day, product)) ?? 0);
      if (placesLeft > 0) capacities.push({ hub, product, places: placesLeft, day });
    }
    capacities.sort((a, b) => a.hub - b.hub || (a.day ?? '').localeCompare(b.day ?? ''));
    const plan = planReassignment(
      { areas, hubs, demands, capacities },
      {
        allow: (d, c) => {
          const window = windows[d] as MoveWindow;
          const capacity = capacities[c] as Capacity;
          const day = capacity.day ?? '';
          const hub = hubs[capacity.hub] as HubPlace;
          return (
            day >= window.earliest &&
            day <= window.latest &&
            distanceKm(areas[(demands[d] as Demand).area] as Point, hub) <= (limits[d] as number) &&
            hubReceives(hubs[capacity.hub] as HubPlace, origins[d] as { dose: number; pointId: number })
          );
        },
      },
    );
    const offsets = [0];
    for (const list of demandRequests) offsets.push((offsets.at(-1) as number) + list.length);
    const placeOf = placesOfPeople(plan, offsets);
    const order = demandRequests.flat();
    order.forEach((requestIndex, position) => {
      const c = placeOf[position] as number;
      if (c === ASK_TO_CHOOSE) return;
      const capacity = capacities[c] as Capacity;
      const hub = hubs[capacity.hub] as HubPlace;
      const request = requests[requestIndex] as Request;
      const slot = places.take(hub.id, capacity.day ?? '', product, request.minute);
      if (slot === undefined) throw new Error('the plan placed more people than the hub-day has places');
      result[requestIndex] = {
        slotId: slot.id,
        pointId: hub.id,
        startsAt: slot.startsAt,
        day: slot.day,
        km: Math.round(distanceKm(request.booking.home, hub) * 10) / 10,
      };
    });
  }
  return result;
}

/**
 * BOOK-12 with BOOK-10: every leaving booking moved to the nearest equivalent place (same product, its
 * days allowed, a hub that may receive it) or asked to choose; a first dose moved takes its second dose
 * along when the second's day falls out of the interval after the new day, and when the second finds no
 * place within it both are asked to choose (a cycle moves whole or the person chooses); a first dose
 * asked to choose cancels its second dose too. One decision per booking touched.
 */
export function decideMoves(input: MoveInput): Decision[] {
  const places = new Places(input.slots, input.stock);
  const decisions = new Map<number, Decision>();
  const requests: Request[] = [];
  for (const booking of input.leaving) {
    const window = moveWindow({
      day: booking.day,
      dose: booking.dose,
      today: input.today,
      horizonDays: input.horizonDays,
      firstDoseDay: booking.firstDose?.day,
      interval: input.intervals[booking.product],
    });
    if (window === null) {
      decisions.set(booking.id, { booking, why: 'affected', outcome: 'to_choose' });
    } else {
      requests.push({ booking, window, minute: romeMinuteOfDay(booking.startsAt) });
    }
  }
  const placed = place(requests, places, input.hubs, input.maxKm);
  requests.forEach((request, index) => {
    const to = placed[index];
    decisions.set(
      request.booking.id,
      to === null || to === undefined
        ? { booking: request.booking, why: 'affected', outcome: 'to_choose' }
        : { booking: request.booking, why: 'affected', outcome: 'moved', to },
    );
  });

  // BOOK-10: the second doses of the first doses that left.
  const following: Request[] = [];
  for (const booking of input.leaving) {
    const second = input.secondDoses.get(booking.id);
    if (second === undefined || decisions.has(second.id)) continue;
    const first = decisions.get(booking.id) as Decision;
    if (first.to === undefined) {
      decisions.set(second.id, { booking: second, why: 'follows_first_dose', outcome: 'to_choose' });
      continue;
    }
    const interval = input.intervals[second.product];
    if (interval === undefined || withinInterval(second.day, first.to.day, interval)) continue;
    const window = moveWindow({
      day: second.day,
      dose: second.dose,
      today: input.today,
      horizonDays: input.horizonDays,
      firstDoseDay: first.to.day,
      interval,
      followsFirstDose: true,
    });
    if (window === null) {
      decisions.set(second.id, { booking: second, why: 'follows_first_dose', outcome: 'to_choose' });
    } else {
      following.push({ booking: second, window, minute: romeMinuteOfDay(second.startsAt) });
    }
  }
  const placedSeconds = place(following, places, input.hubs, input.maxKm);
  following.forEach((request, index) => {
    const to = placedSeconds[index];
    decisions.set(
      request.booking.id,
      to === null || to === undefined
        ? { booking: request.booking, why: 'follows_first_dose', outcome: 'to_choose' }
        : { booking: request.booking, why: 'follows_first_dose', outcome: 'moved', to },
    );
  });
  // A second dose with no place within its interval: the first dose is not moved alone either.
  for (const booking of input.leaving) {
    const second = input.secondDoses.get(booking.id);
    const first = decisions.get(booking.id) as Decision;
    if (second === undefined || first.to === undefined) continue;
    if (decisions.get(second.id)?.outcome !== 'to_choose') continue;
    places.giveBack(first.to.slotId, first.to.pointId, first.to.day, booking.product);
    decisions.set(booking.id, { booking, why: 'with_second_dose', outcome: 'to_choose' });
  }
  return [...decisions.values()].sort((a, b) => a.booking.id - b.booking.id);
}
