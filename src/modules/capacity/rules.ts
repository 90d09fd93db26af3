import { romeDate, romeInstant } from '../../platform/clock.ts';
import { slotsOfDay, type HubDayCapacity, type SecondDoseDays } from '../booking/rules.ts';

/*
 * BOOK-12 rules as pure functions: which places a change cuts, which bookings leave them, where a booking
 * may go (which days, which hubs), and which time of a hub's day it takes. No I/O; today and now are
 * passed in.
 */

export const CHANGE_KINDS = ['close_day', 'cut_stations', 'cut_stock'] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

/** How many days after the appointment people may be moved, unless the administrator says otherwise. */
export const DEFAULT_HORIZON_DAYS = 7;
/** How far from the domicile a new hub may be, unless the administrator says otherwise. */
export const DEFAULT_MAX_KM = 50;
/** A moved appointment starts at least this long after the change is applied: people must hear in time. */
export const NOTICE_MINUTES = 120;
/** People per batch transaction when a change is applied. */
export const BATCH_PEOPLE = 1000;

const DAY_MS = 86_400_000;

/** 'YYYY-MM-DD' plus n days. */
export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** b − a in days. */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / DAY_MS);
}

const later = (a: string, b: string): string => (a > b ? a : b);
const earlier = (a: string, b: string): string => (a < b ? a : b);

export interface SlotNow {
  id: number;
  startsAt: Date;
  capacity: number;
}

/**
 * BOOK-2, BOOK-12: each slot's capacity after the change, for the slots it cuts. A closed day: 0 for every
 * slot not yet started. Stations cut from a time: the capacity the new stations give (BOOK-2's formula)
 * for the slots from that time, never more than the slot has. Slots already started are left alone:
 * their people are at the hub.
 */
export function slotTargets(
  change:
    | { kind: 'close_day' }
    | { kind: 'cut_stations'; fromTime: string; stations: number; hubDay: HubDayCapacity },
  day: string,
  slots: readonly SlotNow[],
  now: Date,
): Map<number, number> {
  const targets = new Map<number, number>();
  if (change.kind === 'close_day') {
    for (const slot of slots) if (slot.startsAt > now) targets.set(slot.id, 0);
    return targets;
  }
  const from = romeInstant(day, change.fromTime);
  const planned =
    change.stations === 0 ? [] : slotsOfDay(day, { ...change.hubDay, stations: change.stations });
  const capacityAt = new Map(planned.map((slot) => [slot.startsAt.getTime(), slot.capacity]));
  for (const slot of slots) {
    if (slot.startsAt < from || slot.startsAt <= now) continue;
    const target = Math.min(slot.capacity, capacityAt.get(slot.startsAt.getTime()) ?? 0);
    if (target < slot.capacity) targets.set(slot.id, target);
  }
  return targets;
}

/**
 * BOOK-12: the bookings that leave a cut place (a slot or a day's stock of a product): as many as the
 * place holds beyond its new capacity, the latest booked first (who booked first keeps the place).
 * Bookings of places not in `excess` stay.
 */
export function leavingBookings<B extends { id: number; place: string }>(
  bookings: readonly B[],
  excess: ReadonlyMap<string, number>,
): B[] {
  const byPlace = new Map<string, B[]>();
  for (const booking of bookings) {
    const list = byPlace.get(booking.place) ?? [];
    list.push(booking);
    byPlace.set(booking.place, list);
  }
  const leaving: B[] = [];
  for (const [place, list] of byPlace) {
    const count = excess.get(place) ?? 0;
    if (count <= 0) continue;
    leaving.push(...[...list].sort((a, b) => b.id - a.id).slice(0, count));
  }
  return leaving.sort((a, b) => a.id - b.id);
}

/** The days a booking may be moved to, and the day it would rather keep (what a day of shift is counted from). */
export interface MoveWindow {
  earliest: string;
  latest: string;
  preferred: string;
}

/**
 * BOOK-10, BOOK-12: where in time a booking may be moved.
 * - A first dose (or a dose with no first dose booked here): the same day or up to `horizonDays` later,
 *   never brought forward (the person planned for that day, and may not be entitled before it).
 * - A second dose whose first dose stays: within its interval after the first dose (min … max days) and
 *   within `horizonDays` of its own day, either way.
 * - A second dose following its moved first dose: within the interval after the first dose's new day,
 *   the recommended day preferred.
 * Never before `today`. None (null) when nothing is left.
 */
export function moveWindow(input: {
  day: string;
  dose: number;
  today: string;
  horizonDays: number;
  /** The first dose's day, for a second dose booked with it (moved: its new day). */
  firstDoseDay?: string | undefined;
  /** The product's interval after dose 1 (BOOK-10), for a two-dose product. */
  interval?: SecondDoseDays | undefined;
  /** The first dose was moved by this change: the second follows it. */
  followsFirstDose?: boolean;
}): MoveWindow | null {
  const { day, today, horizonDays, firstDoseDay, interval } = input;
  let window: MoveWindow;
  if (input.dose < 2 || firstDoseDay === undefined || interval === undefined) {
    window = { earliest: later(day, today), latest: addDays(day, horizonDays), preferred: day };
  } else if (input.followsFirstDose === true) {
    window = {
      earliest: later(addDays(firstDoseDay, interval.min), today),
      latest: addDays(firstDoseDay, interval.max),
      preferred: addDays(firstDoseDay, interval.target),
    };
  } else {
    window = {
      earliest: later(later(addDays(firstDoseDay, interval.min), addDays(day, -horizonDays)), today),
      latest: earlier(addDays(firstDoseDay, interval.max), addDays(day, horizonDays)),
      preferred: day,
    };
  }
  return window.earliest <= window.latest ? window : null;
}

/** BOOK-10: a second dose's day is still within its interval after the first dose's (new) day. */
export function withinInterval(secondDay: string, firstDay: string, interval: SecondDoseDays): boolean {
  const gap = daysBetween(firstDay, secondDay);
  return gap >= interval.min && gap <= interval.max;
}

export type HubStatus = 'active' | 'reserve' | 'closed_to_new';

/**
 * BOOK-3, BOOK-4: whether a hub may receive a moved booking. An active hub: yes. A reserve site: never
 * (not offered until activated). A hub closed to new bookings: only the second doses it gave, i.e. a
 * dose ≥ 2 that was booked there.
 */
export function hubReceives(
  hub: { id: number; status: HubStatus },
  booking: { dose: number; pointId: number },
): boolean {
  if (hub.status === 'active') return true;
  return hub.status === 'closed_to_new' && booking.dose >= 2 && hub.id === booking.pointId;
}

/** Minutes after midnight, Rome's wall clock. */
export function romeMinuteOfDay(instant: Date): number {
  const day = romeDate(instant);
  return Math.round((instant.getTime() - romeInstant(day, '00:00').getTime()) / 60_000);
}

/**
 * BOOK-12: the slot of a hub's day a moved person takes: the free one whose time is nearest to their old
 * time of day; between two equally near, the earlier. -1 when none is free. `minute`, when given, is
 * the slot's romeMinuteOfDay worked out beforehand.
 */
export function nearestFreeSlot(
  slots: readonly { startsAt: Date; free: number; minute?: number }[],
  wantedMinute: number,
): number {
  let best = -1;
  let bestGap = Infinity;
  let bestStart = Infinity;
  slots.forEach((slot, index) => {
    if (slot.free <= 0) return;
    const gap = Math.abs((slot.minute ?? romeMinuteOfDay(slot.startsAt)) - wantedMinute);
    const start = slot.startsAt.getTime();
    if (gap < bestGap || (gap === bestGap && start < bestStart)) {
      best = index;
      bestGap = gap;
      bestStart = start;
    }
  });
  return best;
}

/** The earliest instant a moved appointment may start. */
export function earliestStart(now: Date): Date {
  return new Date(now.getTime() + NOTICE_MINUTES * 60_000);
}
