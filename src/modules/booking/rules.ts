import { romeInstant } from '../../platform/clock.ts';
import type { Localized } from '../../platform/i18n.ts';

/*
 * Booking rules as pure functions (spec 30-booking.md): no I/O, the instant passed in.
 */

export interface HubDayCapacity {
  /** 'HH:MM' Rome time. */
  opensAt: string;
  closesAt: string;
  stations: number;
  minutesPerVaccination: number;
  slotMinutes: number;
}

export interface SlotPlan {
  startsAt: Date;
  capacity: number;
}

const minutesOf = (time: string): number => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
const timeOf = (minutes: number): string =>
  `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

/**
 * BOOK-2: the slots of a hub's day. Each slot of `slotMinutes` takes as many people as the active
 * stations vaccinate in it; a last slot cut short by closing time takes proportionally fewer.
 */
export function slotsOfDay(day: string, capacity: HubDayCapacity): SlotPlan[] {
  const opens = minutesOf(capacity.opensAt);
  const closes = minutesOf(capacity.closesAt);
  const slots: SlotPlan[] = [];
  for (let start = opens; start < closes; start += capacity.slotMinutes) {
    const length = Math.min(capacity.slotMinutes, closes - start);
    slots.push({
      startsAt: romeInstant(day, timeOf(start)),
      capacity: Math.floor((capacity.stations * length) / capacity.minutesPerVaccination),
    });
  }
  return slots;
}

/** BOOK-1: a hub's active stations on a day cannot exceed its stations. */
export function stationsRefusal(hubStations: number, dayStations: number): string | null {
  return dayStations > hubStations ? 'HUB_DAY_TOO_MANY_STATIONS' : null;
}

const EARTH_RADIUS_KM = 6371.0088;

/** BOOK-7: great-circle distance in km between two points (haversine). */
export function distanceKm(a: { lat: number; lng: number }, b: { lat: number; lng: number }): number {
  const rad = (degrees: number): number => (degrees * Math.PI) / 180;
  const dLat = rad(b.lat - a.lat);
  const dLng = rad(b.lng - a.lng);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Booking codes avoid letters and digits that are misread on the phone or on paper (0/O, 1/I/L). */
export const BOOKING_CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

/** BOOK-8: an 8-character booking code from random bytes (one byte per character). */
export function bookingCode(randomBytes: Uint8Array): string {
  if (randomBytes.length < 8) throw new RangeError('a booking code needs 8 random bytes');
  let code = '';
  for (let i = 0; i < 8; i++) {
    code += BOOKING_CODE_ALPHABET[(randomBytes[i] ?? 0) % BOOKING_CODE_ALPHABET.length];
  }
  return code;
}

export interface BringItem {
  code: 'IDENTITY_DOCUMENT' | 'HEALTH_CARD' | 'SELF_DECLARATION' | 'CONSENT_FORM' | 'MEDICAL_RECORDS';
  label: Localized;
}

/** BOOK-8, ELIG-4: what to bring to the hub. */
export function whatToBring(selfDeclarationNeeded: boolean): BringItem[] {
  const items: BringItem[] = [
    {
      code: 'IDENTITY_DOCUMENT',
      label: { it: 'Un documento di identità valido', en: 'A valid identity document' },
    },
    { code: 'HEALTH_CARD', label: { it: 'La tessera sanitaria', en: 'The health card' } },
    {
      code: 'CONSENT_FORM',
      label: {
        it: 'Il modulo di consenso e la scheda anamnestica, compilati e firmati (si trovano anche al centro)',
        en: 'The consent form and the medical questionnaire, filled in and signed (also available at the centre)',
      },
    },
    {
      code: 'MEDICAL_RECORDS',
      label: {
        it: 'La documentazione medica utile (terapie in corso, allergie)',
        en: 'Useful medical records (current treatments, allergies)',
      },
    },
  ];
  if (selfDeclarationNeeded) {
    items.splice(2, 0, {
      code: 'SELF_DECLARATION',
      label: {
        it: 'L’autodichiarazione della condizione che dà diritto alla vaccinazione, firmata: il centro la verifica',
        en: 'The signed self-declaration of the condition that entitles you to vaccination: the centre checks it',
      },
    });
  }
  return items;
}

export interface DoseInterval {
  minDays: number;
  recommendedDays: number;
  maxDays: number | null;
}

/** When the plan sets no latest day for a second dose, the search goes this far past the recommended one. */
export const OPEN_WINDOW_EXTRA_DAYS = 21;

export interface SecondDoseDays {
  min: number;
  /** The recommended day, tried first. */
  target: number;
  max: number;
}

/**
 * BOOK-10: the days after the first dose its second may be booked on: the recommended day first, then
 * the nearest allowed days within [min, max].
 */
export function secondDoseDays(interval: DoseInterval): SecondDoseDays {
  return {
    min: interval.minDays,
    target: interval.recommendedDays,
    max: interval.maxDays ?? interval.recommendedDays + OPEN_WINDOW_EXTRA_DAYS,
  };
}

/**
 * BOOK-10: for each of the person's products that takes two doses, the second dose's days: the plan's
 * interval after dose 1 when it sets one, else the product's own. One-dose products are absent.
 */
export function secondDoseDaysByProduct(
  products: readonly string[],
  catalogue: readonly {
    code: string;
    primaryCycleDoses: number;
    intervals: readonly (DoseInterval & { afterDose: number })[];
  }[],
  planIntervals: readonly (DoseInterval & { product: string; afterDose: number })[],
): Record<string, SecondDoseDays> {
  const days: Record<string, SecondDoseDays> = {};
  for (const code of products) {
    const product = catalogue.find((entry) => entry.code === code);
    if (product === undefined || product.primaryCycleDoses < 2) continue;
    const interval =
      planIntervals.find((i) => i.product === code && i.afterDose === 1) ??
      product.intervals.find((i) => i.afterDose === 1);
    if (interval === undefined) throw new Error(`product ${code} has two doses and no interval`);
    days[code] = secondDoseDays(interval);
  }
  return days;
}
