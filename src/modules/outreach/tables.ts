import type { Generated } from 'kysely';
import type { CallOutcome, CommunicationNeed } from './rules.ts';

/** migrations/0024_outreach.sql. */
export interface PersonCommunicationNeedsTable {
  person_id: number;
  need: CommunicationNeed;
  source: 'person' | 'operator' | 'gp' | 'list';
  recorded_at: Date;
  recorded_by_kind: 'staff' | 'citizen' | 'system' | 'anonymous';
  recorded_by_id: string | null;
}

export interface OutreachCampaignsTable {
  id: Generated<number>;
  health_authority_code: string;
  name: string;
  selection: unknown;
  deadline: string;
  deadline_id: string | null;
  proposal_hours: number | null;
  status: Generated<'active' | 'closed'>;
  target_count: Generated<number>;
  created_at: Date;
  created_by_kind: 'staff' | 'citizen' | 'system' | 'anonymous';
  created_by_id: string | null;
}

export const NEXT_STEPS = ['invite', 'wait', 'call', 'none', 'done'] as const;
export type NextStep = (typeof NEXT_STEPS)[number];

export interface OutreachTargetsTable {
  campaign_id: number;
  person_id: number;
  rank: number;
  priority: number | null;
  origin: 'selection' | 'gp_report';
  next_step: Generated<NextStep>;
  replan: Generated<boolean>;
  added_at: Date;
  updated_at: Date;
}

export interface OutreachCallsTable {
  id: Generated<number>;
  campaign_id: number;
  person_id: number;
  outcome: CallOutcome;
  called_at: Date;
  operator_id: string;
  note: string | null;
  proposal_id: number | null;
  booking_id: number | null;
}

export type ProposalStatus = 'open' | 'confirmed' | 'changed' | 'withdrawn';

export interface OutreachProposalsTable {
  id: Generated<number>;
  campaign_id: number;
  person_id: number;
  slot_id: number;
  vaccination_point_id: number;
  starts_at: Date;
  valid_until: Date;
  status: Generated<ProposalStatus>;
  booking_id: number | null;
  decided_at: Date | null;
  decided_via: 'portal' | 'phone' | null;
  created_at: Date;
}

export interface OutreachGpReportsTable {
  id: Generated<number>;
  person_id: number;
  health_authority_code: string | null;
  campaign_id: number | null;
  resolution: 'already_target' | 'added_to_campaign' | 'follow_up';
  note: string | null;
  reported_at: Date;
  reported_by_id: string;
}

/** The outreach module's tables, added where used (`withTables`), like messaging's. */
export type OutreachTables = {
  person_communication_needs: PersonCommunicationNeedsTable;
  outreach_campaigns: OutreachCampaignsTable;
  outreach_targets: OutreachTargetsTable;
  outreach_calls: OutreachCallsTable;
  outreach_proposals: OutreachProposalsTable;
  outreach_gp_reports: OutreachGpReportsTable;
};
