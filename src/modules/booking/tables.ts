import type { Generated } from 'kysely';
import type { ActorKind } from '../eligibility/tables.ts';

/* Booking (migrations/0007_booking.sql). */

export const HUB_STATUSES = ['active', 'reserve', 'closed_to_new'] as const;
export type HubStatus = (typeof HUB_STATUSES)[number];
export const ACCESSIBILITY_FEATURES = ['step_free', 'sign_language', 'lip_reading', 'parking'] as const;
export type AccessibilityFeature = (typeof ACCESSIBILITY_FEATURES)[number];

export interface HubsTable {
  vaccination_point_id: number;
  stations: number;
  accessibility: AccessibilityFeature[];
  status: HubStatus;
  updated_at: Date;
}

export interface HubDaysTable {
  vaccination_point_id: number;
  day: string;
  /** 'HH:MM:SS' as PostgreSQL returns a time. */
  opens_at: string;
  closes_at: string;
  stations: number;
  minutes_per_vaccination: number;
  slot_minutes: number;
  updated_at: Date;
}

export interface HubDayStockTable {
  vaccination_point_id: number;
  day: string;
  product_code: string;
  doses: number;
  booked: Generated<number>;
}

export interface SlotsTable {
  id: Generated<number>;
  vaccination_point_id: number;
  day: string;
  starts_at: Date;
  capacity: number;
  booked: Generated<number>;
  /** BOOK-12: the most places a capacity change left this slot (migration 0026). */
  capacity_limit: Generated<number | null>;
}

export interface BookingsTable {
  id: Generated<number>;
  code: string;
  person_id: number;
  dose_number: number;
  slot_id: number;
  vaccination_point_id: number;
  starts_at: Date;
  product_code: string;
  status: 'confirmed' | 'cancelled';
  channel: string;
  created_by_kind: ActorKind;
  created_by_id: string | null;
  idempotency_key: string | null;
  plan_national_version: string;
  plan_calendar_version: string | null;
  offer_id: string;
  self_declaration_needed: boolean;
  first_dose_booking_id: number | null;
  group_code: string | null;
  created_at: Date;
  cancelled_at: Date | null;
  cancel_reason: string | null;
  /** BOOK-16 (migrations/0023_accessibility.sql): the transport the person needs, or null. */
  transport: Generated<'seated' | 'wheelchair' | null>;
}

export interface BookingTables {
  hubs: HubsTable;
  hub_days: HubDaysTable;
  hub_day_stock: HubDayStockTable;
  slots: SlotsTable;
  bookings: BookingsTable;
}
