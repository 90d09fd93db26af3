import type { Generated } from 'kysely';
import type { ActorKind } from '../eligibility/tables.ts';

/* People with disabilities (migrations/0023_accessibility.sql; spec 30-booking.md BOOK-14..16). */

export const HOME_STATUSES = ['requested', 'planned', 'done', 'not_possible', 'withdrawn'] as const;
export type HomeStatus = (typeof HOME_STATUSES)[number];
/** Why a person cannot reach a hub, alone or with organised transport. */
export const HOME_REASONS = ['bedridden', 'cannot_be_transported', 'other'] as const;
export type HomeReason = (typeof HOME_REASONS)[number];

export const SESSION_KINDS = ['deaf', 'blind', 'transported'] as const;
export type SessionKind = (typeof SESSION_KINDS)[number];
/** The support people a session has: each takes one of its places (BOOK-15). */
export const SUPPORTS = ['lis_interpreter', 'lip_reading_mediator', 'guide'] as const;
export type Support = (typeof SUPPORTS)[number];
/** What a person needs at a session: a support, and/or transport organised by the authority. */
export const NEEDS = [...SUPPORTS, 'transport'] as const;
export type Need = (typeof NEEDS)[number];
/** BOOK-16: seated (car, minibus) or a vehicle with a lift for a wheelchair. */
export const TRANSPORTS = ['seated', 'wheelchair'] as const;
export type Transport = (typeof TRANSPORTS)[number];

export interface HomeVaccinationRequestsTable {
  id: Generated<number>;
  person_id: number;
  health_authority_code: string;
  municipality_istat: string | null;
  address: string | null;
  status: HomeStatus;
  reason: HomeReason;
  notes: string | null;
  gp_name: string | null;
  gp_code: string | null;
  gp_agreed: Generated<boolean>;
  requested_by_kind: ActorKind;
  requested_by_role: string | null;
  channel: string;
  /** 'YYYY-MM-DD' */
  visit_day: string | null;
  /** 'HH:MM:SS' as PostgreSQL returns a time. */
  visit_time: string | null;
  team: string | null;
  by_gp: Generated<boolean>;
  plan_count: Generated<number>;
  outcome_reason: string | null;
  created_at: Date;
  updated_at: Date;
}

export interface DedicatedSessionsTable {
  id: Generated<number>;
  health_authority_code: string;
  vaccination_point_id: number;
  kind: SessionKind;
  supports: Support[];
  day: string;
  starts_at: Date;
  ends_at: Date;
  group_size: number;
  places: number;
  support_places: number;
  places_taken: number;
  people_booked: Generated<number>;
  status: 'open' | 'cancelled';
  notes: string | null;
  created_at: Date;
  updated_at: Date;
}

export interface DedicatedSessionBookingsTable {
  id: Generated<number>;
  code: string;
  session_id: number;
  person_id: number;
  dose_number: number;
  needs: Need[];
  with_caregiver: boolean;
  places: number;
  transport: Transport | null;
  status: 'confirmed' | 'cancelled';
  channel: string;
  created_by_kind: ActorKind;
  created_by_id: string | null;
  plan_national_version: string;
  plan_calendar_version: string | null;
  offer_id: string;
  created_at: Date;
  cancelled_at: Date | null;
  cancel_reason: string | null;
}

export interface AccessibilityTables {
  home_vaccination_requests: HomeVaccinationRequestsTable;
  dedicated_sessions: DedicatedSessionsTable;
  dedicated_session_bookings: DedicatedSessionBookingsTable;
}
