import { sql, type Kysely } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';
import type { Clock } from '../../platform/clock.ts';
import { romeDate, romeInstant } from '../../platform/clock.ts';
import { DomainError } from '../../platform/http/problem.ts';
import { recordAudit, type ActingContext } from '../../platform/audit/audit.ts';
import type { EligibilityService } from '../eligibility/service.ts';
import type { BookingChannel } from '../eligibility/plan-file.ts';
import type { BookingService } from '../booking/service.ts';
import {
  campaignProgress,
  CAUSE_KIND,
  contactFacts,
  enqueueMessages,
  notContacted,
  outreachDb,
  setNextSteps,
  snapshotTargets,
  type CampaignRow,
  type OutreachDb,
  type OutreachTrx,
  type PersonContactFacts,
  type ProposalRow,
  type Selection,
} from './repo.ts';
import {
  channelPlan,
  deadlineEnd,
  deadlinePassed,
  proposalState,
  proposalValidUntil,
  type CallOutcome,
  type ChannelStep,
  type CommunicationNeed,
} from './rules.ts';
import { deadlineInForce, shippedDeadlines } from './deadlines.ts';
import type { NextStep } from './tables.ts';
import './errors.ts';

/** Whose campaigns an actor sees: the authorities of an ASL administrator, or all (null). */
export type Scope = readonly string[] | null;

export interface CampaignInput {
  healthAuthorityCode: string;
  name: string;
  selection: Selection;
  deadline?: string | undefined;
  deadlineId?: string | undefined;
  proposalHours?: number | undefined;
}

export interface ProposedSlot {
  slotId: number;
  pointId: number;
  startsAt: Date;
  place: { name: string; address: string; municipality: string };
}

/** Where proposals come from: the nearest hub's free slot (BOOK-7), from the booking service. */
export type SlotFinder = (person: PersonContactFacts, wanted: Date) => Promise<ProposedSlot | undefined>;

/** How many targets one dispatch handles at most: a wave, sized to the authority's capacity. */
export const MAX_DISPATCH = 5000;

const stepOf = (plan: ChannelStep): NextStep =>
  plan.step === 'write' ? 'wait' : plan.step === 'call' ? 'call' : plan.step;

function refusalOfTrigger(error: unknown): DomainError | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (code === 'P0001' && message === 'OUTREACH_NO_CALL_TO_DEAF')
    return new DomainError('OUTREACH_NO_CALL_TO_DEAF', { pointer: '/params/personId' });
  return undefined;
}

/**
 * Active calling (BOOK-17, ELIG-21): campaigns, the channel plan applied to their targets, calls and their
 * outcomes, slot proposals, the list of people not contacted by the deadline, GP reports.
 */
export class OutreachService {
  readonly db: OutreachDb;

  constructor(
    db: Kysely<DB>,
    private readonly clock: Clock,
    private readonly eligibility: EligibilityService,
    private readonly booking: BookingService,
  ) {
    this.db = outreachDb(db);
  }

  // ------------------------------------------------------------------------------------------------
  // Communication needs (BOOK-17)

  async needsOf(personId: number): Promise<CommunicationNeed[]> {
    await this.requirePerson(personId);
    const rows = await this.db
      .selectFrom('person_communication_needs')
      .select('need')
      .where('person_id', '=', personId)
      .orderBy('need')
      .execute();
    return rows.map((row) => row.need);
  }

  /** Replaces the person's needs with `needs`, audited before → after. */
  async setNeeds(
    personId: number,
    needs: readonly CommunicationNeed[],
    source: 'person' | 'operator' | 'gp' | 'list',
    context: ActingContext,
  ): Promise<CommunicationNeed[]> {
    await this.requirePerson(personId);
    const wanted = [...new Set(needs)].sort();
    return this.db.transaction().execute(async (trx) => {
      // The person's row lock orders two operators changing the same person's needs.
      await trx.selectFrom('persons').select('id').where('id', '=', personId).forNoKeyUpdate().execute();
      const before = (
        await trx
          .selectFrom('person_communication_needs')
          .select('need')
          .where('person_id', '=', personId)
          .orderBy('need')
          .execute()
      ).map((row) => row.need);
      await trx.deleteFrom('person_communication_needs').where('person_id', '=', personId).execute();
      if (wanted.length > 0) {
        await trx
          .insertInto('person_communication_needs')
          .values(
            wanted.map((need) => ({
              person_id: personId,
              need,
              source,
              recorded_at: context.now,
              recorded_by_kind: context.actorKind,
              recorded_by_id: context.actorId,
            })),
          )
          .execute();
      }
      await recordAudit(trx, context, {
        entityType: 'person_communication_needs',
        entityId: personId,
        action: 'set',
        before,
        after: { needs: wanted, source },
      });
      return wanted;
    });
  }

  // ------------------------------------------------------------------------------------------------
  // Campaigns (BOOK-17, ELIG-2, ELIG-21)

  /**
   * Creates a campaign and snapshots its targets in priority order in the same transaction (one
   * INSERT … SELECT, repo.ts): the list the authority works from does not move under it.
   */
  async createCampaign(input: CampaignInput, scope: Scope, context: ActingContext) {
    if (scope !== null && !scope.includes(input.healthAuthorityCode)) {
      throw new DomainError('OUTREACH_AUTHORITY_OUT_OF_SCOPE', {
        pointer: '/body/healthAuthorityCode',
        params: { authorities: scope.join(', ') },
      });
    }
    const authority = await this.db
      .selectFrom('health_authorities')
      .select(['code', 'region_code'])
      .where('code', '=', input.healthAuthorityCode)
      .executeTakeFirst();
    if (authority === undefined) {
      throw new DomainError('OUTREACH_AUTHORITY_UNKNOWN', {
        pointer: '/body/healthAuthorityCode',
        params: { code: input.healthAuthorityCode },
      });
    }
    const s = input.selection;
    const hasCriterion =
      (s.categories?.length ?? 0) > 0 ||
      (s.listSources?.length ?? 0) > 0 ||
      (s.listUploadIds?.length ?? 0) > 0 ||
      s.ageFrom !== undefined ||
      s.ageTo !== undefined ||
      (s.municipalities?.length ?? 0) > 0;
    if (!hasCriterion) throw new DomainError('OUTREACH_SELECTION_EMPTY', { pointer: '/body/selection' });
    if (s.ageFrom !== undefined && s.ageTo !== undefined && s.ageFrom > s.ageTo) {
      throw new DomainError('OUTREACH_AGE_BAND_INVALID', {
        pointer: '/body/selection/ageTo',
        params: { ageFrom: s.ageFrom, ageTo: s.ageTo },
      });
    }
    const now = context.now;
    const today = romeDate(now);
    let deadline = input.deadline;
    if (input.deadlineId !== undefined) {
      const planned = deadlineInForce(
        await shippedDeadlines(),
        authority.region_code,
        input.deadlineId,
        today,
      );
      if (planned === undefined) {
        throw new DomainError('OUTREACH_DEADLINE_UNKNOWN', {
          pointer: '/body/deadlineId',
          params: { deadlineId: input.deadlineId },
        });
      }
      deadline ??= planned.contactBy;
    }
    if (deadline === undefined)
      throw new DomainError('OUTREACH_DEADLINE_REQUIRED', { pointer: '/body/deadline' });
    const plan = await this.eligibility.planInForce(today);
    const categories = plan.national.categories.map((category) => ({
      code: category.code,
      priority: category.priority,
      basis: category.basis,
      ageFrom: category.ageFrom,
      ageTo: category.ageTo,
      linksAllowed: category.linksAllowed,
    }));
    for (const [index, code] of (s.categories ?? []).entries()) {
      if (!categories.some((category) => category.code === code)) {
        throw new DomainError('OUTREACH_CATEGORY_UNKNOWN', {
          pointer: `/body/selection/categories/${index}`,
          params: { category: code },
        });
      }
    }
    return this.db.transaction().execute(async (trx) => {
      const campaign = await trx
        .insertInto('outreach_campaigns')
        .values({
          health_authority_code: input.healthAuthorityCode,
          name: input.name,
          selection: JSON.stringify(s),
          deadline,
          deadline_id: input.deadlineId ?? null,
          proposal_hours: input.proposalHours ?? null,
          created_at: now,
          created_by_kind: context.actorKind,
          created_by_id: context.actorId,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      const id = Number(campaign.id);
      const count = await snapshotTargets(trx, {
        campaignId: id,
        authorityCode: input.healthAuthorityCode,
        selection: s,
        categories,
        today,
        now,
      });
      const created = await trx
        .updateTable('outreach_campaigns')
        .set({ target_count: count })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
      await recordAudit(trx, context, {
        entityType: 'outreach_campaign',
        entityId: id,
        action: 'create',
        after: { ...created, planNationalVersion: plan.national.id },
      });
      return created;
    });
  }

  async listCampaigns(scope: Scope) {
    let query = this.db.selectFrom('outreach_campaigns').selectAll().orderBy('id', 'desc').limit(200);
    if (scope !== null) query = query.where('health_authority_code', 'in', scope.length > 0 ? scope : ['']);
    return query.execute();
  }

  /** The campaign if the scope covers it; OUTREACH_CAMPAIGN_NOT_FOUND otherwise (no hint that it exists). */
  async getCampaign(id: number, scope: Scope): Promise<CampaignRow> {
    const campaign = await this.db
      .selectFrom('outreach_campaigns')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    if (campaign === undefined || (scope !== null && !scope.includes(campaign.health_authority_code)))
      throw new DomainError('OUTREACH_CAMPAIGN_NOT_FOUND', { pointer: '/params/campaignId' });
    return campaign;
  }

  async progress(id: number, scope: Scope) {
    const campaign = await this.getCampaign(id, scope);
    const counts = await campaignProgress(this.db, id, deadlineEnd(campaign.deadline));
    return { campaign, counts, deadlinePassed: deadlinePassed(this.clock.now(), campaign.deadline) };
  }

  async targets(id: number, scope: Scope, page: { offset: number; limit: number }, step?: NextStep) {
    await this.getCampaign(id, scope);
    let query = this.db
      .selectFrom('outreach_targets as t')
      .innerJoin('persons as p', 'p.id', 't.person_id')
      .select([
        't.rank',
        't.person_id',
        't.priority',
        't.origin',
        't.next_step',
        'p.surname',
        'p.given_name',
        sql<string>`p.birth_date::text`.as('birth_date'),
      ])
      .where('t.campaign_id', '=', id)
      .orderBy('t.rank')
      .offset(page.offset)
      .limit(page.limit);
    if (step !== undefined) query = query.where('t.next_step', '=', step);
    return query.execute();
  }

  async closeCampaign(id: number, scope: Scope, context: ActingContext) {
    await this.getCampaign(id, scope);
    return this.db.transaction().execute(async (trx) => {
      const before = await trx
        .selectFrom('outreach_campaigns')
        .selectAll()
        .where('id', '=', id)
        .forUpdate()
        .executeTakeFirstOrThrow();
      const after = await trx
        .updateTable('outreach_campaigns')
        .set({ status: 'closed' })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
      await trx
        .updateTable('outreach_proposals')
        .set({ status: 'withdrawn', decided_at: context.now })
        .where('campaign_id', '=', id)
        .where('status', '=', 'open')
        .execute();
      await recordAudit(trx, context, {
        entityType: 'outreach_campaign',
        entityId: id,
        action: 'close',
        before: { status: before.status },
        after: { status: after.status },
      });
      return after;
    });
  }

  // ------------------------------------------------------------------------------------------------
  // Dispatch: the channel plan applied to a wave of targets (BOOK-17)

  /**
   * Applies the channel plan to up to `limit` targets, first those whose situation changed (a message
   * failed: replan), then those never contacted, in rank order: writes their messages through the
   * outbox (each through the channel the plan chose), puts the others on the operators' call list, and
   * records the unreachable ones. A campaign with proposals proposes each person written to the nearest
   * free slot. Two dispatches at once take different targets (SKIP LOCKED); one cause never writes a
   * message twice (dedupe keys).
   */
  async dispatch(id: number, scope: Scope, limit: number, context: ActingContext, findSlot?: SlotFinder) {
    const campaign = await this.getCampaign(id, scope);
    if (campaign.status !== 'active') throw new DomainError('OUTREACH_CAMPAIGN_CLOSED');
    const candidates = await this.db
      .selectFrom('outreach_targets')
      .select('person_id')
      .where('campaign_id', '=', id)
      .where((eb) => eb.or([eb('replan', '=', true), eb('next_step', '=', 'invite')]))
      .orderBy('replan', 'desc')
      .orderBy('rank')
      .limit(limit)
      .execute();
    const personIds = candidates.map((row) => Number(row.person_id));
    // Facts and slot searches are reads outside the transaction: PGlite has one connection.
    const facts = await contactFacts(this.db, id, personIds);
    const plans = new Map<number, ChannelStep>();
    const proposals = new Map<number, ProposedSlot>();
    const authority = await this.authorityName(campaign.health_authority_code);
    for (const personId of personIds) {
      const fact = facts.get(personId);
      if (fact === undefined) continue;
      const plan = channelPlan(fact.contacts, fact.needs, fact.history);
      plans.set(personId, plan);
      if (
        plan.step === 'write' &&
        plan.reason === 'first_contact_written' &&
        campaign.proposal_hours !== null &&
        findSlot !== undefined
      ) {
        const slot = await findSlot(fact, this.proposalWanted(campaign.proposal_hours));
        if (slot !== undefined) proposals.set(personId, slot);
      }
    }
    return this.db.transaction().execute(async (trx) => {
      // The targets still as they were read, locked; another dispatch has taken the rest.
      const locked = await trx
        .selectFrom('outreach_targets')
        .select('person_id')
        .where('campaign_id', '=', id)
        .where('person_id', 'in', personIds.length > 0 ? personIds : [0])
        .where((eb) => eb.or([eb('replan', '=', true), eb('next_step', '=', 'invite')]))
        .forUpdate()
        .skipLocked()
        .execute();
      const mine = new Set(locked.map((row) => Number(row.person_id)));
      const messages: {
        personId: number;
        channel: string;
        template: string;
        key: string;
        params: unknown;
      }[] = [];
      const steps: { personId: number; step: NextStep }[] = [];
      let proposed = 0;
      const tally = { written: 0, call: 0, none: 0, wait: 0, done: 0 };
      for (const personId of personIds) {
        const plan = plans.get(personId);
        if (plan === undefined || !mine.has(personId)) continue;
        steps.push({ personId, step: stepOf(plan) });
        if (plan.step === 'write') {
          const slot = proposals.get(personId);
          const proposal =
            slot === undefined || campaign.proposal_hours === null
              ? undefined
              : await this.insertProposal(trx, id, personId, slot, campaign.proposal_hours, context.now);
          if (proposal !== undefined) proposed += 1;
          for (const channel of plan.channels) {
            messages.push({
              personId,
              channel,
              template: proposal === undefined ? 'outreach_invitation' : 'outreach_proposal',
              key: `outreach:${id}:${personId}:${channel}`,
              params:
                proposal === undefined || slot === undefined
                  ? { authority }
                  : {
                      authority,
                      proposalId: Number(proposal.id),
                      startsAt: proposal.starts_at.toISOString(),
                      validUntil: proposal.valid_until.toISOString(),
                      place: slot.place,
                    },
            });
          }
        } else if (plan.step === 'call') tally.call += 1;
        else tally[plan.step] += 1;
      }
      tally.written = await enqueueMessages(trx, id, messages);
      await setNextSteps(trx, id, steps, context.now);
      const summary = {
        targets: steps.length,
        messagesWritten: tally.written,
        proposals: proposed,
        toCall: tally.call,
        unreachable: tally.none,
      };
      await recordAudit(trx, context, {
        entityType: 'outreach_campaign',
        entityId: id,
        action: 'dispatch',
        after: summary,
      });
      return summary;
    });
  }

  /** The time a proposal aims at: the day after it expires, at 9:00 in Rome. */
  private proposalWanted(hours: number): Date {
    const day = romeDate(new Date(this.clock.now().getTime() + (hours + 24) * 3_600_000));
    return romeInstant(day, '09:00');
  }

  private async insertProposal(
    trx: OutreachTrx,
    campaignId: number,
    personId: number,
    slot: ProposedSlot,
    hours: number,
    now: Date,
  ): Promise<ProposalRow | undefined> {
    return trx
      .insertInto('outreach_proposals')
      .values({
        campaign_id: campaignId,
        person_id: personId,
        slot_id: slot.slotId,
        vaccination_point_id: slot.pointId,
        starts_at: slot.startsAt,
        valid_until: proposalValidUntil(now, hours, slot.startsAt),
        created_at: now,
      })
      .onConflict((oc) => oc.columns(['campaign_id', 'person_id']).where('status', '=', 'open').doNothing())
      .returningAll()
      .executeTakeFirst();
  }

  private async authorityName(code: string): Promise<string> {
    const row = await this.db
      .selectFrom('health_authorities')
      .select('name')
      .where('code', '=', code)
      .executeTakeFirst();
    return row?.name ?? code;
  }

  // ------------------------------------------------------------------------------------------------
  // Calls (BOOK-17)

  /** The operators' list: targets the plan says to call, in rank order, with what they need to know. */
  async dueCalls(id: number, scope: Scope, limit: number) {
    await this.getCampaign(id, scope);
    const rows = await sql<{
      rank: number;
      person_id: number;
      surname: string;
      given_name: string;
      phone: string | null;
      landline: string | null;
      needs: CommunicationNeed[] | null;
      calls: CallOutcome[] | null;
      open_proposal_id: number | null;
    }>`
      SELECT t.rank, t.person_id, p.surname, p.given_name, p.phone, p.landline,
        (SELECT array_agg(n.need ORDER BY n.need) FROM person_communication_needs n WHERE n.person_id = p.id) AS needs,
        (SELECT array_agg(c.outcome ORDER BY c.called_at, c.id) FROM outreach_calls c
          WHERE c.campaign_id = t.campaign_id AND c.person_id = t.person_id) AS calls,
        (SELECT o.id FROM outreach_proposals o WHERE o.campaign_id = t.campaign_id AND o.person_id = t.person_id
          AND o.status = 'open') AS open_proposal_id
      FROM outreach_targets t JOIN persons p ON p.id = t.person_id
      WHERE t.campaign_id = ${id} AND t.next_step = 'call'
      ORDER BY t.rank LIMIT ${limit}`.execute(this.db);
    return rows.rows;
  }

  /**
   * Records a call and its outcome, then applies the channel plan again in the same transaction (a
   * letter after the calls that reached nobody is written with it). No call is recorded to a deaf person
   * (the database refuses it too) nor to someone without a phone.
   */
  async recordCall(
    id: number,
    personId: number,
    input: { outcome: CallOutcome; note?: string | undefined; bookingCode?: string | undefined },
    scope: Scope,
    context: ActingContext,
  ) {
    const campaign = await this.getCampaign(id, scope);
    let bookingId: number | null = null;
    if (input.outcome === 'booked') {
      if (input.bookingCode === undefined)
        throw new DomainError('OUTREACH_BOOKING_REQUIRED', { pointer: '/body/bookingCode' });
      const booking = await this.db
        .selectFrom('bookings')
        .select(['id', 'person_id'])
        .where('code', '=', input.bookingCode)
        .executeTakeFirst();
      if (booking === undefined || Number(booking.person_id) !== personId)
        throw new DomainError('OUTREACH_BOOKING_NOT_OF_PERSON', { pointer: '/body/bookingCode' });
      bookingId = Number(booking.id);
    }
    const authority = await this.authorityName(campaign.health_authority_code);
    try {
      return await this.db.transaction().execute(async (trx) => {
        const target = await trx
          .selectFrom('outreach_targets')
          .selectAll()
          .where('campaign_id', '=', id)
          .where('person_id', '=', personId)
          .forUpdate()
          .executeTakeFirst();
        if (target === undefined)
          throw new DomainError('OUTREACH_TARGET_NOT_FOUND', { pointer: '/params/personId' });
        const before = await contactFacts(trx, id, [personId]);
        const fact = before.get(personId);
        if (fact === undefined) throw new DomainError('OUTREACH_TARGET_NOT_FOUND');
        if (fact.needs.has('deaf'))
          throw new DomainError('OUTREACH_NO_CALL_TO_DEAF', { pointer: '/params/personId' });
        if ((!fact.contacts.mobile && !fact.contacts.landline) || fact.needs.has('no_phone'))
          throw new DomainError('OUTREACH_NO_PHONE', { pointer: '/params/personId' });
        const call = await trx
          .insertInto('outreach_calls')
          .values({
            campaign_id: id,
            person_id: personId,
            outcome: input.outcome,
            called_at: context.now,
            operator_id: context.actorId ?? 'unknown',
            note: input.note ?? null,
            proposal_id: null,
            booking_id: bookingId,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        const plan = channelPlan(fact.contacts, fact.needs, {
          ...fact.history,
          calls: [...fact.history.calls, input.outcome],
        });
        if (plan.step === 'write') {
          await enqueueMessages(
            trx,
            id,
            plan.channels.map((channel) => ({
              personId,
              channel,
              template: 'outreach_invitation',
              key: `outreach:${id}:${personId}:${channel}`,
              params: { authority },
            })),
          );
        }
        await setNextSteps(trx, id, [{ personId, step: stepOf(plan) }], context.now);
        await recordAudit(trx, context, {
          entityType: 'outreach_call',
          entityId: Number(call.id),
          action: 'record',
          before: { nextStep: target.next_step },
          after: { ...call, nextStep: stepOf(plan), planReason: plan.reason },
        });
        return { call, nextStep: stepOf(plan), reason: plan.reason };
      });
    } catch (error) {
      throw refusalOfTrigger(error) ?? error;
    }
  }

  // ------------------------------------------------------------------------------------------------
  // Proposals (BOOK-17: a call can carry a pre-booked proposal)

  /** An operator proposes the nearest free slot during a call (or an administrator for one person). */
  async propose(id: number, personId: number, scope: Scope, context: ActingContext, findSlot: SlotFinder) {
    const campaign = await this.getCampaign(id, scope);
    if (campaign.status !== 'active') throw new DomainError('OUTREACH_CAMPAIGN_CLOSED');
    if (campaign.proposal_hours === null) throw new DomainError('OUTREACH_PROPOSALS_OFF');
    const hours = campaign.proposal_hours;
    const fact = (await contactFacts(this.db, id, [personId])).get(personId);
    const target = await this.db
      .selectFrom('outreach_targets')
      .select('person_id')
      .where('campaign_id', '=', id)
      .where('person_id', '=', personId)
      .executeTakeFirst();
    if (target === undefined || fact === undefined)
      throw new DomainError('OUTREACH_TARGET_NOT_FOUND', { pointer: '/params/personId' });
    const slot = await findSlot(fact, this.proposalWanted(hours));
    if (slot === undefined) throw new DomainError('OUTREACH_NO_SLOT_TO_PROPOSE');
    return this.db.transaction().execute(async (trx) => {
      // A new proposal replaces the person's open one.
      await trx
        .updateTable('outreach_proposals')
        .set({ status: 'withdrawn', decided_at: context.now })
        .where('campaign_id', '=', id)
        .where('person_id', '=', personId)
        .where('status', '=', 'open')
        .execute();
      const proposal = await this.insertProposal(trx, id, personId, slot, hours, context.now);
      if (proposal === undefined) throw new Error('an open proposal survived its withdrawal');
      await recordAudit(trx, context, {
        entityType: 'outreach_proposal',
        entityId: Number(proposal.id),
        action: 'propose',
        after: proposal,
      });
      return { proposal, place: slot.place };
    });
  }

  /** A proposal as its person (citizen: only their own) or an operator sees it. */
  async getProposal(proposalId: number, personId: number | undefined) {
    const row = await this.db
      .selectFrom('outreach_proposals as o')
      .innerJoin('vaccination_points as v', 'v.id', 'o.vaccination_point_id')
      .innerJoin('municipalities as m', 'm.istat', 'v.municipality_istat')
      .selectAll('o')
      .select(['v.name as place_name', 'v.address as place_address', 'm.name as place_municipality'])
      .where('o.id', '=', proposalId)
      .executeTakeFirst();
    if (row === undefined || (personId !== undefined && Number(row.person_id) !== personId))
      throw new DomainError('OUTREACH_PROPOSAL_NOT_FOUND', { pointer: '/params/proposalId' });
    const state = proposalState(
      { status: row.status, validUntil: row.valid_until, startsAt: row.starts_at },
      this.clock.now(),
    );
    const booking =
      row.booking_id === null
        ? undefined
        : await this.db
            .selectFrom('bookings')
            .select('code')
            .where('id', '=', row.booking_id)
            .executeTakeFirst();
    return { proposal: row, state, bookingCode: booking?.code ?? null };
  }

  async openProposalsOf(personId: number) {
    const rows = await this.db
      .selectFrom('outreach_proposals')
      .select('id')
      .where('person_id', '=', personId)
      .where('status', '=', 'open')
      .orderBy('id', 'desc')
      .execute();
    const found = await Promise.all(rows.map((row) => this.getProposal(Number(row.id), personId)));
    return found.filter((item) => item.state === 'open');
  }

  /**
   * The person confirms the proposal (on the portal, or by phone through an operator): the slot is booked
   * through the normal booking path, which takes the place only if it is still free (capacity held by the
   * database, ADR 0010). The proposal's id is the booking's Idempotency-Key, so a confirmation repeated or
   * racing another one makes one booking; the proposal records it once.
   */
  async confirmProposal(
    proposalId: number,
    personId: number | undefined,
    channel: BookingChannel,
    via: 'portal' | 'phone',
    context: ActingContext,
  ) {
    const { proposal, state } = await this.getProposal(proposalId, personId);
    if (state === 'changed' || state === 'withdrawn')
      throw new DomainError('OUTREACH_PROPOSAL_DECIDED', { params: { status: state } });
    if (state === 'confirmed' && proposal.booking_id !== null) {
      // Confirmed before: the same answer, nothing booked again.
      const made = await this.db
        .selectFrom('bookings')
        .selectAll()
        .where('id', '=', proposal.booking_id)
        .executeTakeFirstOrThrow();
      return { booking: made, created: false };
    }
    if (state === 'expired') throw new DomainError('OUTREACH_PROPOSAL_EXPIRED');
    let booked;
    try {
      booked = await this.booking.book(
        {
          personId: Number(proposal.person_id),
          slotId: Number(proposal.slot_id),
          idempotencyKey: `outreach-proposal-${proposalId}`,
          channel,
        },
        context,
      );
    } catch (error) {
      if (error instanceof DomainError && (error.code === 'SLOT_FULL' || error.code === 'SLOT_IN_THE_PAST'))
        throw new DomainError('OUTREACH_PROPOSAL_SLOT_TAKEN', { extensions: { proposalId } });
      throw error;
    }
    const bookingId = Number(booked.confirmation.booking.id);
    await this.db.transaction().execute(async (trx) => {
      const updated = await trx
        .updateTable('outreach_proposals')
        .set({ status: 'confirmed', booking_id: bookingId, decided_at: context.now, decided_via: via })
        .where('id', '=', proposalId)
        .where('status', '=', 'open')
        .returningAll()
        .executeTakeFirst();
      if (updated === undefined) return;
      await trx
        .updateTable('outreach_targets')
        .set({ next_step: 'done', replan: false, updated_at: context.now })
        .where('campaign_id', '=', proposal.campaign_id)
        .where('person_id', '=', proposal.person_id)
        .execute();
      await recordAudit(trx, context, {
        entityType: 'outreach_proposal',
        entityId: proposalId,
        action: 'confirm',
        before: { status: proposal.status },
        after: { status: 'confirmed', bookingId, via, campaignId: Number(proposal.campaign_id) },
      });
    });
    return { booking: booked.confirmation.booking, created: booked.created };
  }

  /** The person wants another slot: the proposal is closed and they go to the normal booking search. */
  async changeProposal(
    proposalId: number,
    personId: number | undefined,
    via: 'portal' | 'phone',
    context: ActingContext,
  ) {
    const { proposal, state } = await this.getProposal(proposalId, personId);
    if (state === 'confirmed' || state === 'withdrawn')
      throw new DomainError('OUTREACH_PROPOSAL_DECIDED', { params: { status: state } });
    if (state === 'changed') return proposal;
    return this.db.transaction().execute(async (trx) => {
      const updated = await trx
        .updateTable('outreach_proposals')
        .set({ status: 'changed', decided_at: context.now, decided_via: via })
        .where('id', '=', proposalId)
        .where('status', '=', 'open')
        .returningAll()
        .executeTakeFirst();
      if (updated === undefined)
        throw new DomainError('OUTREACH_PROPOSAL_DECIDED', { params: { status: 'confirmed' } });
      await recordAudit(trx, context, {
        entityType: 'outreach_proposal',
        entityId: proposalId,
        action: 'change',
        before: { status: proposal.status },
        after: { status: 'changed', via },
      });
      return updated;
    });
  }

  // ------------------------------------------------------------------------------------------------
  // ELIG-21: not contacted by the deadline; GP reports

  async notContacted(
    id: number,
    scope: Scope,
    page: { offset: number; limit: number; afterRank?: number | undefined },
  ) {
    const campaign = await this.getCampaign(id, scope);
    const rows = await notContacted(this.db, id, deadlineEnd(campaign.deadline), page);
    return { campaign, deadlinePassed: deadlinePassed(this.clock.now(), campaign.deadline), rows };
  }

  /**
   * ELIG-21: a GP reports that their patient was not contacted. If a campaign already lists the person,
   * the plan looks at them first at the next dispatch; otherwise the person joins the named campaign (or
   * the latest active campaign of an authority serving them) at the end of its list; with no campaign,
   * the report waits in the authority's follow-up list. Audited.
   */
  async reportNotContacted(
    input: { personId: number; campaignId?: number | undefined; note?: string | undefined },
    context: ActingContext,
  ) {
    await this.requirePerson(input.personId);
    return this.db.transaction().execute(async (trx) => {
      await trx
        .selectFrom('persons')
        .select('id')
        .where('id', '=', input.personId)
        .forNoKeyUpdate()
        .execute();
      const existing = await trx
        .selectFrom('outreach_targets as t')
        .innerJoin('outreach_campaigns as c', 'c.id', 't.campaign_id')
        .select(['t.campaign_id'])
        .where('t.person_id', '=', input.personId)
        .where('c.status', '=', 'active')
        .$if(input.campaignId !== undefined, (q) => q.where('t.campaign_id', '=', input.campaignId ?? 0))
        .orderBy('t.campaign_id', 'desc')
        .executeTakeFirst();
      let campaignId: number | null = existing === undefined ? null : Number(existing.campaign_id);
      let resolution: 'already_target' | 'added_to_campaign' | 'follow_up' = 'already_target';
      if (campaignId !== null) {
        await trx
          .updateTable('outreach_targets')
          .set({ replan: true, updated_at: context.now })
          .where('campaign_id', '=', campaignId)
          .where('person_id', '=', input.personId)
          .where('next_step', '<>', 'done')
          .execute();
      } else {
        const serving = await sql<{ id: number }>`
          SELECT c.id FROM outreach_campaigns c, persons p
          WHERE p.id = ${input.personId} AND c.status = 'active'
            AND (${input.campaignId ?? null}::bigint IS NULL OR c.id = ${input.campaignId ?? null}::bigint)
            AND (p.health_authority_code = ANY (outreach_authority_codes(c.health_authority_code))
              OR (p.health_authority_code IS NULL
                AND left(coalesce(p.domicile_municipality_istat, p.residence_municipality_istat), 3)
                  = ANY (outreach_authority_provinces(outreach_authority_codes(c.health_authority_code)))))
          ORDER BY c.id DESC LIMIT 1 FOR UPDATE OF c`.execute(trx);
        const found = serving.rows[0];
        if (found !== undefined) {
          campaignId = Number(found.id);
          resolution = 'added_to_campaign';
          await sql`
            INSERT INTO outreach_targets (campaign_id, person_id, rank, priority, origin, replan, added_at, updated_at)
            SELECT ${campaignId}, ${input.personId},
              coalesce((SELECT max(rank) FROM outreach_targets WHERE campaign_id = ${campaignId}), 0) + 1,
              NULL, 'gp_report', true, ${context.now}::timestamptz, ${context.now}::timestamptz`.execute(trx);
          await trx
            .updateTable('outreach_campaigns')
            .set((eb) => ({ target_count: eb('target_count', '+', 1) }))
            .where('id', '=', campaignId)
            .execute();
        } else {
          resolution = 'follow_up';
        }
      }
      const authority = await sql<{ code: string | null }>`
        SELECT coalesce(p.health_authority_code, (
          SELECT a.code FROM health_authorities a
          WHERE left(coalesce(p.domicile_municipality_istat, p.residence_municipality_istat), 3)
            = ANY (outreach_authority_provinces(ARRAY[a.code]))
          ORDER BY a.parent_code IS NULL, a.code LIMIT 1)) AS code
        FROM persons p WHERE p.id = ${input.personId}`.execute(trx);
      const campaignAuthority =
        campaignId === null
          ? undefined
          : await trx
              .selectFrom('outreach_campaigns')
              .select('health_authority_code')
              .where('id', '=', campaignId)
              .executeTakeFirst();
      const report = await trx
        .insertInto('outreach_gp_reports')
        .values({
          person_id: input.personId,
          health_authority_code: campaignAuthority?.health_authority_code ?? authority.rows[0]?.code ?? null,
          campaign_id: campaignId,
          resolution,
          note: input.note ?? null,
          reported_at: context.now,
          reported_by_id: context.actorId ?? 'unknown',
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await recordAudit(trx, context, {
        entityType: 'outreach_gp_report',
        entityId: Number(report.id),
        action: 'report_not_contacted',
        after: report,
      });
      return report;
    });
  }

  /** ELIG-21: the GP reports of the scope's authorities, newest first (resolution filter optional). */
  async gpReports(
    scope: Scope,
    resolution: 'already_target' | 'added_to_campaign' | 'follow_up' | undefined,
  ) {
    let query = this.db
      .selectFrom('outreach_gp_reports as r')
      .innerJoin('persons as p', 'p.id', 'r.person_id')
      .selectAll('r')
      .select(['p.surname', 'p.given_name'])
      .orderBy('r.id', 'desc')
      .limit(500);
    if (scope !== null) query = query.where('r.health_authority_code', 'in', scope.length > 0 ? scope : ['']);
    if (resolution !== undefined) query = query.where('r.resolution', '=', resolution);
    return query.execute();
  }

  private async requirePerson(personId: number): Promise<void> {
    const found = await this.db
      .selectFrom('persons')
      .select('id')
      .where('id', '=', personId)
      .executeTakeFirst();
    if (found === undefined)
      throw new DomainError('OUTREACH_PERSON_NOT_FOUND', { pointer: '/params/personId' });
  }

  /** BOOK-7: the nearest hub's free slot to the person's domicile, for a proposal (or none). */
  slotFinder(channel: BookingChannel = 'call_center'): SlotFinder {
    return async (person, wanted) => {
      if (person.domicileIstat === null || person.domicileCap === null) return undefined;
      try {
        const found = await this.booking.searchSlots({
          municipalityIstat: person.domicileIstat,
          cap: person.domicileCap,
          date: romeDate(wanted),
          time: '09:00',
          personId: person.personId,
          channel,
          accessibility: [],
        });
        const hub = found.hubs.find(
          (candidate) => candidate.slot !== null && candidate.slot.startsAt > this.clock.now(),
        );
        if (hub === undefined || hub.slot === null) return undefined;
        return {
          slotId: hub.slot.id,
          pointId: hub.hub.id,
          startsAt: hub.slot.startsAt,
          place: { name: hub.hub.name, address: hub.hub.address, municipality: hub.hub.municipality },
        };
      } catch (error) {
        // Not bookable now, or the domicile's CAP does not match: an invitation without a proposal.
        if (error instanceof DomainError) return undefined;
        throw error;
      }
    };
  }
}

export { CAUSE_KIND };
