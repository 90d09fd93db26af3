import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';
import type { MessagingTables } from '../messaging/tables.ts';
import {
  ANSWERED_OUTCOMES,
  type CallOutcome,
  type CommunicationNeed,
  type Contacts,
  type ContactHistory,
} from './rules.ts';
import type {
  OutreachCampaignsTable,
  OutreachCallsTable,
  OutreachProposalsTable,
  OutreachTables,
  OutreachTargetsTable,
} from './tables.ts';

export type OutreachDb = Kysely<DB & OutreachTables & MessagingTables>;
export type OutreachTrx = Transaction<DB & OutreachTables & MessagingTables>;
type Db = OutreachDb | OutreachTrx;

export type CampaignRow = Selectable<OutreachCampaignsTable>;
export type TargetRow = Selectable<OutreachTargetsTable>;
export type CallRow = Selectable<OutreachCallsTable>;
export type ProposalRow = Selectable<OutreachProposalsTable>;

export const outreachDb = (db: Kysely<DB>): OutreachDb => db.withTables<OutreachTables & MessagingTables>();

/** The messages of a campaign are written with this cause (messages.cause_kind, cause_id = campaign id). */
export const CAUSE_KIND = 'outreach_campaign';

/** What a campaign selects (ELIG-2, BOOK-17); the target-side criteria apply to the person called. */
export interface Selection {
  categories?: string[] | undefined;
  listSources?: ('regional_list' | 'inps_list' | 'specialist_list')[] | undefined;
  listUploadIds?: number[] | undefined;
  ageFrom?: number | undefined;
  ageTo?: number | undefined;
  ageOn?: string | undefined;
  municipalities?: string[] | undefined;
  /** The people linked to the selected fragile people (ELIG-8: parents of fragile minors…), not those people. */
  linkedRelations?: ('cohabitant' | 'caregiver' | 'parent_guardian_foster')[] | undefined;
}

export interface PlanCategory {
  code: string;
  priority: number;
  basis: 'age' | 'entitlement';
  ageFrom: number | null;
  ageTo: number | null;
  linksAllowed: boolean;
}

/**
 * ELIG-2, BOOK-17: the campaign's targets in one INSERT … SELECT, ranked by the priority of the person's
 * best category in the plan in force (their own entitlements, their age, or a fragile person they are
 * linked to), oldest first within a priority. People already booked or vaccinated are left out.
 * Set-based: the database does the work (no row goes through the application).
 */
export async function snapshotTargets(
  trx: OutreachTrx,
  input: {
    campaignId: number;
    authorityCode: string;
    selection: Selection;
    categories: readonly PlanCategory[];
    today: string;
    now: Date;
  },
): Promise<number> {
  const s = input.selection;
  const ageOn = s.ageOn ?? input.today;
  const cats = JSON.stringify(
    input.categories.map((c) => ({
      code: c.code,
      priority: c.priority,
      basis: c.basis,
      age_from: c.ageFrom,
      age_to: c.ageTo,
      links_allowed: c.linksAllowed,
    })),
  );
  const selectedCategories = s.categories ?? null;
  // The criteria on the selected (fragile) person x.
  const fragileSide = (x: ReturnType<typeof sql.ref>) => sql`
    (${selectedCategories}::text[] IS NULL OR EXISTS (
        SELECT 1 FROM entitlements e
        WHERE e.person_id = ${x} AND e.category = ANY (${selectedCategories}::text[])
          AND e.evidence_status <> 'rejected' AND e.valid_from <= ${input.now}::timestamptz)
      OR EXISTS (
        SELECT 1 FROM persons f JOIN cats c ON c.basis = 'age' AND c.code = ANY (${selectedCategories}::text[])
        WHERE f.id = ${x}
          AND date_part('year', age(${ageOn}::date, f.birth_date)) BETWEEN coalesce(c.age_from, 0) AND coalesce(c.age_to, 200)))
    AND (${s.listSources ?? null}::text[] IS NULL OR EXISTS (
        SELECT 1 FROM entitlements e
        WHERE e.person_id = ${x} AND e.source = ANY (${s.listSources ?? null}::text[])
          AND e.evidence_status <> 'rejected'))
    AND (${s.listUploadIds ?? null}::bigint[] IS NULL OR EXISTS (
        SELECT 1 FROM entitlements e
        WHERE e.person_id = ${x} AND e.list_upload_id = ANY (${s.listUploadIds ?? null}::bigint[])
          AND e.evidence_status <> 'rejected'))`;
  const selected =
    s.linkedRelations === undefined
      ? fragileSide(sql.ref('p.id'))
      : sql`EXISTS (SELECT 1 FROM fragility_links l
          WHERE l.linked_person_id = p.id AND l.removed_at IS NULL
            AND l.relation = ANY (${s.linkedRelations}::text[]) AND ${fragileSide(sql.ref('l.fragile_person_id'))})`;
  const result = await sql<{ count: number }>`
    WITH cats AS (
      SELECT * FROM jsonb_to_recordset(${cats}::jsonb)
        AS c (code text, priority integer, basis text, age_from integer, age_to integer, links_allowed boolean)
    ),
    area AS (
      SELECT outreach_authority_codes(${input.authorityCode}) AS codes,
        outreach_authority_provinces(outreach_authority_codes(${input.authorityCode})) AS provinces
    ),
    chosen AS (
      SELECT p.id, p.birth_date,
        LEAST(
          (SELECT min(c.priority) FROM entitlements e JOIN cats c ON c.code = e.category
            WHERE e.person_id = p.id AND e.evidence_status <> 'rejected'),
          (SELECT min(c.priority) FROM cats c
            WHERE c.basis = 'age'
              AND date_part('year', age(${input.today}::date, p.birth_date)) BETWEEN coalesce(c.age_from, 0) AND coalesce(c.age_to, 200)),
          (SELECT min(c.priority) FROM fragility_links l
            JOIN entitlements e ON e.person_id = l.fragile_person_id AND e.evidence_status <> 'rejected'
            JOIN cats c ON c.code = e.category AND c.links_allowed
            WHERE l.linked_person_id = p.id AND l.removed_at IS NULL)
        ) AS priority
      FROM persons p CROSS JOIN area
      WHERE p.status = 'active'
        AND (p.health_authority_code = ANY (area.codes)
          OR (p.health_authority_code IS NULL
            AND left(coalesce(p.domicile_municipality_istat, p.residence_municipality_istat), 3) = ANY (area.provinces)))
        AND (${s.municipalities ?? null}::text[] IS NULL
          OR coalesce(p.domicile_municipality_istat, p.residence_municipality_istat) = ANY (${s.municipalities ?? null}::text[]))
        AND (${s.ageFrom ?? null}::integer IS NULL OR date_part('year', age(${ageOn}::date, p.birth_date)) >= ${s.ageFrom ?? null}::integer)
        AND (${s.ageTo ?? null}::integer IS NULL OR date_part('year', age(${ageOn}::date, p.birth_date)) <= ${s.ageTo ?? null}::integer)
        AND NOT EXISTS (SELECT 1 FROM bookings b WHERE b.person_id = p.id AND b.status = 'confirmed')
        AND NOT EXISTS (SELECT 1 FROM administrations a WHERE a.person_id = p.id AND a.deleted_at IS NULL)
        AND ${selected}
    ),
    inserted AS (
      INSERT INTO outreach_targets (campaign_id, person_id, rank, priority, origin, added_at, updated_at)
      SELECT ${input.campaignId}, id,
        row_number() OVER (ORDER BY priority NULLS LAST, birth_date, id), priority, 'selection',
        ${input.now}::timestamptz, ${input.now}::timestamptz
      FROM chosen
      RETURNING 1
    )
    SELECT count(*)::int AS count FROM inserted`.execute(trx);
  return Number(result.rows[0]?.count ?? 0);
}

/** What the channel plan needs to know of each person: contacts, needs, and the campaign's history. */
export interface PersonContactFacts {
  personId: number;
  contacts: Contacts;
  needs: Set<CommunicationNeed>;
  history: ContactHistory;
  domicileIstat: string | null;
  domicileCap: string | null;
}

export async function contactFacts(
  db: Db,
  campaignId: number,
  personIds: readonly number[],
): Promise<Map<number, PersonContactFacts>> {
  if (personIds.length === 0) return new Map();
  const rows = await sql<{
    id: number;
    email: boolean;
    mobile: boolean;
    landline: boolean;
    address: boolean;
    needs: CommunicationNeed[] | null;
    messages:
      { channel: 'email' | 'sms' | 'letter'; status: 'pending' | 'sent' | 'failed' | 'cancelled' }[] | null;
    calls: CallOutcome[] | null;
    gp_reported: boolean;
    domicile_municipality_istat: string | null;
    domicile_cap: string | null;
  }>`
    SELECT p.id,
      coalesce(btrim(p.email) ~ '^[^@[:space:]]+@[^@[:space:]]+\\.[^@[:space:]]+$', false) AS email,
      messaging_mobile(p.phone) IS NOT NULL AS mobile,
      (nullif(btrim(p.landline), '') IS NOT NULL
        OR (nullif(btrim(p.phone), '') IS NOT NULL AND messaging_mobile(p.phone) IS NULL)) AS landline,
      (p.domicile_municipality_istat IS NOT NULL OR p.residence_municipality_istat IS NOT NULL) AS address,
      (SELECT array_agg(n.need) FROM person_communication_needs n WHERE n.person_id = p.id) AS needs,
      (SELECT jsonb_agg(jsonb_build_object('channel', m.channel, 'status', m.status) ORDER BY m.id)
        FROM messages m
        WHERE m.person_id = p.id AND m.cause_kind = ${CAUSE_KIND} AND m.cause_id = ${campaignId}) AS messages,
      (SELECT array_agg(c.outcome ORDER BY c.called_at, c.id) FROM outreach_calls c
        WHERE c.campaign_id = ${campaignId} AND c.person_id = p.id) AS calls,
      EXISTS (SELECT 1 FROM outreach_gp_reports r
        WHERE r.campaign_id = ${campaignId} AND r.person_id = p.id) AS gp_reported,
      p.domicile_municipality_istat, p.domicile_cap
    FROM persons p
    WHERE p.id = ANY (${personIds}::bigint[])`.execute(db);
  return new Map(
    rows.rows.map((row) => [
      Number(row.id),
      {
        personId: Number(row.id),
        contacts: { email: row.email, mobile: row.mobile, landline: row.landline, address: row.address },
        needs: new Set(row.needs ?? []),
        history: { messages: row.messages ?? [], calls: row.calls ?? [], gpReported: row.gp_reported },
        domicileIstat: row.domicile_municipality_istat,
        domicileCap: row.domicile_cap,
      },
    ]),
  );
}

/** A campaign's progress: how many were written to, reached, booked, are to be called, cannot be reached. */
export async function campaignProgress(db: Db, campaignId: number, deadlineEnd: Date) {
  const row = await sql<{
    targets: number;
    to_invite: number;
    waiting: number;
    to_call: number;
    unreachable: number;
    done: number;
    messages_written: number;
    messages_sent: number;
    messages_failed: number;
    calls: number;
    contacted: number;
    contacted_in_time: number;
    booked: number;
    proposals_open: number;
    proposals_confirmed: number;
  }>`
    SELECT
      (SELECT count(*) FROM outreach_targets t WHERE t.campaign_id = ${campaignId})::int AS targets,
      (SELECT count(*) FROM outreach_targets t WHERE t.campaign_id = ${campaignId} AND t.next_step = 'invite')::int AS to_invite,
      (SELECT count(*) FROM outreach_targets t WHERE t.campaign_id = ${campaignId} AND t.next_step = 'wait')::int AS waiting,
      (SELECT count(*) FROM outreach_targets t WHERE t.campaign_id = ${campaignId} AND t.next_step = 'call')::int AS to_call,
      (SELECT count(*) FROM outreach_targets t WHERE t.campaign_id = ${campaignId} AND t.next_step = 'none')::int AS unreachable,
      (SELECT count(*) FROM outreach_targets t WHERE t.campaign_id = ${campaignId} AND t.next_step = 'done')::int AS done,
      (SELECT count(*) FROM messages m WHERE m.cause_kind = ${CAUSE_KIND} AND m.cause_id = ${campaignId})::int AS messages_written,
      (SELECT count(*) FROM messages m WHERE m.cause_kind = ${CAUSE_KIND} AND m.cause_id = ${campaignId} AND m.status = 'sent')::int AS messages_sent,
      (SELECT count(*) FROM messages m WHERE m.cause_kind = ${CAUSE_KIND} AND m.cause_id = ${campaignId} AND m.status = 'failed')::int AS messages_failed,
      (SELECT count(*) FROM outreach_calls c WHERE c.campaign_id = ${campaignId})::int AS calls,
      (SELECT count(*) FROM outreach_targets t WHERE t.campaign_id = ${campaignId}
        AND ${successfulContactBefore(sql.ref('t.person_id'), campaignId, null)})::int AS contacted,
      (SELECT count(*) FROM outreach_targets t WHERE t.campaign_id = ${campaignId}
        AND ${successfulContactBefore(sql.ref('t.person_id'), campaignId, deadlineEnd)})::int AS contacted_in_time,
      (SELECT count(*) FROM outreach_targets t WHERE t.campaign_id = ${campaignId}
        AND EXISTS (SELECT 1 FROM bookings b WHERE b.person_id = t.person_id AND b.status = 'confirmed'))::int AS booked,
      (SELECT count(*) FROM outreach_proposals o WHERE o.campaign_id = ${campaignId} AND o.status = 'open')::int AS proposals_open,
      (SELECT count(*) FROM outreach_proposals o WHERE o.campaign_id = ${campaignId} AND o.status = 'confirmed')::int AS proposals_confirmed
  `.execute(db);
  const found = row.rows[0];
  if (found === undefined) throw new Error('the progress query returned no row');
  return found;
}

/**
 * ELIG-21: a successful contact of the person by the campaign: a message delivered (sent: handed to the
 * mail server or the SMS gateway, or printed) or a call the person answered, before `before` (or ever).
 */
function successfulContactBefore(
  person: ReturnType<typeof sql.ref>,
  campaignId: number,
  before: Date | null,
) {
  return sql`(EXISTS (SELECT 1 FROM messages m
      WHERE m.person_id = ${person} AND m.cause_kind = ${CAUSE_KIND} AND m.cause_id = ${campaignId}
        AND m.status = 'sent' AND (${before}::timestamptz IS NULL OR m.sent_at < ${before}::timestamptz))
    OR EXISTS (SELECT 1 FROM outreach_calls c
      WHERE c.campaign_id = ${campaignId} AND c.person_id = ${person}
        AND c.outcome = ANY (${[...ANSWERED_OUTCOMES]}::text[])
        AND (${before}::timestamptz IS NULL OR c.called_at < ${before}::timestamptz)))`;
}

export interface NotContactedRow {
  rank: number;
  person_id: number;
  surname: string;
  given_name: string;
  birth_date: string;
  municipality_istat: string | null;
  priority: number | null;
  origin: 'selection' | 'gp_report';
  next_step: string;
  messages_written: number;
  messages_failed: number;
  calls: number;
  last_call_outcome: CallOutcome | null;
}

/** ELIG-21: the targets with no successful contact before the end of the deadline's day, in rank order. */
export async function notContacted(
  db: Db,
  campaignId: number,
  deadlineEnd: Date,
  page: { offset: number; limit: number; afterRank?: number | undefined },
): Promise<NotContactedRow[]> {
  const rows = await sql<NotContactedRow>`
    SELECT t.rank, t.person_id, p.surname, p.given_name, p.birth_date::text AS birth_date,
      coalesce(p.domicile_municipality_istat, p.residence_municipality_istat) AS municipality_istat,
      t.priority, t.origin, t.next_step,
      (SELECT count(*) FROM messages m WHERE m.person_id = t.person_id AND m.cause_kind = ${CAUSE_KIND}
        AND m.cause_id = t.campaign_id)::int AS messages_written,
      (SELECT count(*) FROM messages m WHERE m.person_id = t.person_id AND m.cause_kind = ${CAUSE_KIND}
        AND m.cause_id = t.campaign_id AND m.status = 'failed')::int AS messages_failed,
      (SELECT count(*) FROM outreach_calls c WHERE c.campaign_id = t.campaign_id AND c.person_id = t.person_id)::int AS calls,
      (SELECT c.outcome FROM outreach_calls c WHERE c.campaign_id = t.campaign_id AND c.person_id = t.person_id
        ORDER BY c.called_at DESC, c.id DESC LIMIT 1) AS last_call_outcome
    FROM outreach_targets t JOIN persons p ON p.id = t.person_id
    WHERE t.campaign_id = ${campaignId}
      AND t.rank > ${page.afterRank ?? 0}
      AND NOT ${successfulContactBefore(sql.ref('t.person_id'), campaignId, deadlineEnd)}
    ORDER BY t.rank
    OFFSET ${page.offset} LIMIT ${page.limit}`.execute(db);
  return rows.rows.map((row) => ({
    ...row,
    rank: Number(row.rank),
    person_id: Number(row.person_id),
    priority: row.priority === null ? null : Number(row.priority),
  }));
}

/** BOOK-17: the messages to write, one statement for a whole batch, each through the plan's channel. */
export async function enqueueMessages(
  trx: OutreachTrx,
  campaignId: number,
  rows: readonly { personId: number; channel: string; template: string; key: string; params: unknown }[],
): Promise<number> {
  if (rows.length === 0) return 0;
  const result = await sql<{ written: number }>`
    SELECT count(messaging_enqueue_via(r.person_id, r.channel, r.template, ${CAUSE_KIND}, ${campaignId},
      r.key, r.params))::int AS written
    FROM jsonb_to_recordset(${JSON.stringify(
      rows.map((row) => ({
        person_id: row.personId,
        channel: row.channel,
        template: row.template,
        key: row.key,
        params: row.params,
      })),
    )}::jsonb) AS r (person_id bigint, channel text, template text, key text, params jsonb)`.execute(trx);
  return Number(result.rows[0]?.written ?? 0);
}

/** The targets' next steps after a batch, one statement. */
export async function setNextSteps(
  trx: OutreachTrx,
  campaignId: number,
  steps: readonly { personId: number; step: string }[],
  now: Date,
): Promise<void> {
  if (steps.length === 0) return;
  await sql`
    UPDATE outreach_targets t SET next_step = s.step, replan = false, updated_at = ${now}::timestamptz
    FROM jsonb_to_recordset(${JSON.stringify(steps.map((s) => ({ person_id: s.personId, step: s.step })))}::jsonb)
      AS s (person_id bigint, step text)
    WHERE t.campaign_id = ${campaignId} AND t.person_id = s.person_id`.execute(trx);
}
