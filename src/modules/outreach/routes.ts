import { Readable } from 'node:stream';
import type { FastifyRequest } from 'fastify';
import type { Static } from 'typebox';
import type { ModuleRoutes } from '../../platform/http/app.ts';
import { actingContextOf } from '../../platform/http/acting-context.ts';
import type { Role } from '../../platform/auth/roles.ts';
import { EligibilityService } from '../eligibility/service.ts';
import { bookingChannelOf } from '../booking/acting-for.ts';
import { citizenScope } from '../../platform/http/person-of.ts';
import { BookingService } from '../booking/service.ts';
import { OutreachService, type Scope } from './service.ts';
import type { CampaignRow } from './repo.ts';
import { notContactedCsvHeader, notContactedCsvLine } from './csv.ts';
import {
  CallBody,
  CallView,
  CampaignBody,
  CampaignIdParams,
  CampaignList,
  CampaignProgressView,
  CampaignView,
  DispatchBody,
  DispatchView,
  DueCallList,
  DueCallsQuery,
  GpReportBody,
  GpReportList,
  GpReportsQuery,
  GpReportView,
  NeedsBody,
  NeedsView,
  NotContactedCsv,
  NotContactedPage,
  PageQuery,
  PersonIdParams,
  ProposalChange,
  ProposalConfirmation,
  ProposalIdParams,
  ProposalList,
  ProposalView,
  TargetPage,
  TargetParams,
  TargetsQuery,
} from './schemas.ts';

/** Rows per query of the CSV download. */
const CSV_PAGE = 5000;

/** Who runs campaigns: the region's administrators, and each health authority's for its own (SEC-2). */
const CAMPAIGN_ADMINS: readonly Role[] = ['asl_admin', 'region_admin'];
/** Who works the call list and records calls: the call center, its supervisors, the authorities. */
const CALLERS: readonly Role[] = ['call_center', 'contact_center_supervisor', 'asl_admin', 'region_admin'];
/** Who confirms or changes a proposal: the person, or an operator on the phone with them. */
const PROPOSAL_DECIDERS: readonly Role[] = ['citizen', 'call_center', 'contact_center_supervisor'];
/** Who records how a person can be reached. */
const NEEDS_EDITORS: readonly Role[] = [
  'call_center',
  'contact_center_supervisor',
  'gp',
  'vaccinator',
  'point_admin',
  'asl_admin',
  'region_admin',
];

/** An ASL administrator's authorities; everyone else allowed on a route sees every campaign. */
const scopeOf = (request: FastifyRequest): Scope => {
  const actor = request.actor;
  if (actor.kind === 'staff' && actor.role === 'asl_admin') return actor.healthAuthorityCodes;
  return null;
};

const campaignView = (row: CampaignRow): Static<typeof CampaignView> => ({
  id: Number(row.id),
  healthAuthorityCode: row.health_authority_code,
  name: row.name,
  selection: row.selection,
  deadline: row.deadline,
  deadlineId: row.deadline_id,
  proposalHours: row.proposal_hours,
  status: row.status,
  targetCount: row.target_count,
  createdAt: row.created_at.toISOString(),
});

export const outreachRoutes: ModuleRoutes = (app, { database, clock, config }) => {
  const eligibility = new EligibilityService(database.db, clock, config.REGION_CODE);
  const booking = new BookingService(database.db, clock, eligibility);
  const outreach = new OutreachService(database.db, clock, eligibility, booking);
  const context = (request: FastifyRequest) => actingContextOf(request, clock.now());

  const proposalView = async (
    id: number,
    personId: number | undefined,
  ): Promise<Static<typeof ProposalView>> => {
    const { proposal, state, bookingCode } = await outreach.getProposal(id, personId);
    return {
      id: Number(proposal.id),
      campaignId: Number(proposal.campaign_id),
      personId: Number(proposal.person_id),
      slotId: Number(proposal.slot_id),
      startsAt: proposal.starts_at.toISOString(),
      validUntil: proposal.valid_until.toISOString(),
      state,
      place: {
        name: proposal.place_name,
        address: proposal.place_address,
        municipality: proposal.place_municipality,
      },
      bookingCode,
    };
  };

  app.post(
    '/outreach/campaigns',
    {
      schema: {
        operationId: 'createOutreachCampaign',
        tags: ['outreach'],
        summary:
          'Creates an active-calling campaign and snapshots its targets in priority order (BOOK-17, ELIG-2, ELIG-21)',
        body: CampaignBody,
        response: { 201: CampaignView },
      },
      config: { access: CAMPAIGN_ADMINS },
    },
    async (request, reply) => {
      const created = await outreach.createCampaign(request.body, scopeOf(request), context(request));
      return reply.code(201).send(campaignView(created));
    },
  );

  app.get(
    '/outreach/campaigns',
    {
      schema: {
        operationId: 'listOutreachCampaigns',
        tags: ['outreach'],
        summary: 'Active-calling campaigns, newest first (an ASL administrator sees its authority’s)',
        response: { 200: CampaignList },
      },
      config: { access: CALLERS },
    },
    async (request) => ({ items: (await outreach.listCampaigns(scopeOf(request))).map(campaignView) }),
  );

  app.get(
    '/outreach/campaigns/:campaignId',
    {
      schema: {
        operationId: 'getOutreachCampaign',
        tags: ['outreach'],
        summary: 'A campaign and its progress: written, delivered, failed, called, contacted in time, booked',
        params: CampaignIdParams,
        response: { 200: CampaignProgressView },
      },
      config: { access: CALLERS },
    },
    async (request) => {
      const { campaign, counts, deadlinePassed } = await outreach.progress(
        request.params.campaignId,
        scopeOf(request),
      );
      return {
        campaign: campaignView(campaign),
        deadlinePassed,
        counts: {
          targets: counts.targets,
          toInvite: counts.to_invite,
          waiting: counts.waiting,
          toCall: counts.to_call,
          unreachable: counts.unreachable,
          done: counts.done,
          messagesWritten: counts.messages_written,
          messagesSent: counts.messages_sent,
          messagesFailed: counts.messages_failed,
          calls: counts.calls,
          contacted: counts.contacted,
          contactedInTime: counts.contacted_in_time,
          booked: counts.booked,
          proposalsOpen: counts.proposals_open,
          proposalsConfirmed: counts.proposals_confirmed,
        },
      };
    },
  );

  app.get(
    '/outreach/campaigns/:campaignId/targets',
    {
      schema: {
        operationId: 'listOutreachTargets',
        tags: ['outreach'],
        summary: 'A campaign’s targets in priority order (ELIG-2), with the channel plan’s next step',
        params: CampaignIdParams,
        querystring: TargetsQuery,
        response: { 200: TargetPage },
      },
      config: { access: CAMPAIGN_ADMINS },
    },
    async (request) => {
      const { page, pageSize, nextStep } = request.query;
      const rows = await outreach.targets(
        request.params.campaignId,
        scopeOf(request),
        { offset: (page - 1) * pageSize, limit: pageSize + 1 },
        nextStep,
      );
      return {
        items: rows.slice(0, pageSize).map((row) => ({
          rank: row.rank,
          personId: Number(row.person_id),
          surname: row.surname,
          givenName: row.given_name,
          birthDate: row.birth_date,
          priority: row.priority,
          origin: row.origin,
          nextStep: row.next_step,
        })),
        page,
        pageSize,
        hasMore: rows.length > pageSize,
      };
    },
  );

  app.post(
    '/outreach/campaigns/:campaignId/dispatch',
    {
      schema: {
        operationId: 'dispatchOutreachCampaign',
        tags: ['outreach'],
        summary:
          'Applies the channel plan to the next wave of targets: messages through the outbox, the call list, proposals (BOOK-17)',
        params: CampaignIdParams,
        body: DispatchBody,
        response: { 200: DispatchView },
      },
      config: { access: CAMPAIGN_ADMINS },
    },
    async (request) =>
      outreach.dispatch(
        request.params.campaignId,
        scopeOf(request),
        request.body.limit,
        context(request),
        outreach.slotFinder(),
      ),
  );

  app.post(
    '/outreach/campaigns/:campaignId/close',
    {
      schema: {
        operationId: 'closeOutreachCampaign',
        tags: ['outreach'],
        summary: 'Closes a campaign: no more contacts; its open proposals are withdrawn',
        params: CampaignIdParams,
        response: { 200: CampaignView },
      },
      config: { access: CAMPAIGN_ADMINS },
    },
    async (request) =>
      campaignView(
        await outreach.closeCampaign(request.params.campaignId, scopeOf(request), context(request)),
      ),
  );

  app.get(
    '/outreach/campaigns/:campaignId/calls/due',
    {
      schema: {
        operationId: 'listDueOutreachCalls',
        tags: ['outreach'],
        summary:
          'The operators’ call list: people the channel plan says to phone, in priority order, with their needs (BOOK-17)',
        params: CampaignIdParams,
        querystring: DueCallsQuery,
        response: { 200: DueCallList },
      },
      config: { access: CALLERS },
    },
    async (request) => ({
      items: (await outreach.dueCalls(request.params.campaignId, scopeOf(request), request.query.limit)).map(
        (row) => ({
          rank: row.rank,
          personId: Number(row.person_id),
          surname: row.surname,
          givenName: row.given_name,
          phone: row.phone,
          landline: row.landline,
          needs: row.needs ?? [],
          previousCalls: row.calls ?? [],
          openProposalId: row.open_proposal_id === null ? null : Number(row.open_proposal_id),
        }),
      ),
    }),
  );

  app.post(
    '/outreach/campaigns/:campaignId/targets/:personId/calls',
    {
      schema: {
        operationId: 'recordOutreachCall',
        tags: ['outreach'],
        summary:
          'Records a phone call and its outcome; never to a deaf person (BOOK-17); the plan decides the next step',
        params: TargetParams,
        body: CallBody,
        response: { 201: CallView },
      },
      config: { access: CALLERS },
    },
    async (request, reply) => {
      const { call, nextStep, reason } = await outreach.recordCall(
        request.params.campaignId,
        request.params.personId,
        request.body,
        scopeOf(request),
        context(request),
      );
      return reply.code(201).send({
        id: Number(call.id),
        campaignId: Number(call.campaign_id),
        personId: Number(call.person_id),
        outcome: call.outcome,
        calledAt: call.called_at.toISOString(),
        nextStep,
        reason,
      });
    },
  );

  app.post(
    '/outreach/campaigns/:campaignId/targets/:personId/proposals',
    {
      schema: {
        operationId: 'proposeOutreachSlot',
        tags: ['outreach'],
        summary:
          'Proposes the person the nearest free slot to their domicile (BOOK-7), for them to confirm or change (BOOK-17)',
        params: TargetParams,
        response: { 201: ProposalView },
      },
      config: { access: CALLERS },
    },
    async (request, reply) => {
      const { proposal } = await outreach.propose(
        request.params.campaignId,
        request.params.personId,
        scopeOf(request),
        context(request),
        outreach.slotFinder(bookingChannelOf(request)),
      );
      return reply.code(201).send(await proposalView(Number(proposal.id), undefined));
    },
  );

  app.get(
    '/outreach/campaigns/:campaignId/not-contacted',
    {
      schema: {
        operationId: 'listNotContactedByOutreachDeadline',
        tags: ['outreach'],
        summary:
          'ELIG-21: the campaign’s people with no delivered message and no answered call by the deadline, in priority order',
        params: CampaignIdParams,
        querystring: PageQuery,
        response: { 200: NotContactedPage },
      },
      config: { access: CAMPAIGN_ADMINS },
    },
    async (request) => {
      const { page, pageSize } = request.query;
      const { campaign, deadlinePassed, rows } = await outreach.notContacted(
        request.params.campaignId,
        scopeOf(request),
        { offset: (page - 1) * pageSize, limit: pageSize + 1 },
      );
      return {
        campaignId: Number(campaign.id),
        deadline: campaign.deadline,
        deadlinePassed,
        items: rows.slice(0, pageSize).map((row) => ({
          rank: row.rank,
          personId: row.person_id,
          surname: row.surname,
          givenName: row.given_name,
          birthDate: row.birth_date,
          municipalityIstat: row.municipality_istat,
          priority: row.priority,
          origin: row.origin,
          nextStep: row.next_step as Static<typeof NotContactedPage>['items'][number]['nextStep'],
          messagesWritten: row.messages_written,
          messagesFailed: row.messages_failed,
          calls: row.calls,
          lastCallOutcome: row.last_call_outcome,
        })),
        page,
        pageSize,
        hasMore: rows.length > pageSize,
      };
    },
  );

  app.get(
    '/outreach/campaigns/:campaignId/not-contacted.csv',
    {
      schema: {
        operationId: 'downloadNotContactedByOutreachDeadline',
        tags: ['outreach'],
        summary: 'ELIG-21: the not-contacted list as a CSV file for the health authority',
        params: CampaignIdParams,
        produces: ['text/csv'],
        response: { 200: NotContactedCsv },
      },
      config: { access: CAMPAIGN_ADMINS },
    },
    async (request, reply) => {
      const scope = scopeOf(request);
      const campaignId = request.params.campaignId;
      // Scope and existence first, so that a refusal is a problem, not a broken download.
      const { campaign } = await outreach.notContacted(campaignId, scope, { offset: 0, limit: 0 });
      // Streamed page by page (keyset on the rank): a 200,000-person list never sits in memory.
      async function* lines() {
        yield notContactedCsvHeader();
        let afterRank = 0;
        for (;;) {
          const page = await outreach.notContacted(campaignId, scope, {
            offset: 0,
            limit: CSV_PAGE,
            afterRank,
          });
          for (const row of page.rows) yield notContactedCsvLine(row);
          const last = page.rows.at(-1);
          if (last === undefined || page.rows.length < CSV_PAGE) return;
          afterRank = last.rank;
        }
      }
      return reply
        .type('text/csv; charset=utf-8')
        .header(
          'content-disposition',
          `attachment; filename="non-contattati-campagna-${campaignId}-${campaign.deadline}.csv"`,
        )
        .send(Readable.from(lines(), { objectMode: false }));
    },
  );

  app.get(
    '/outreach/proposals/mine',
    {
      schema: {
        operationId: 'listMyOutreachProposals',
        tags: ['outreach'],
        summary: 'The signed-in citizen’s open appointment proposals (BOOK-17)',
        response: { 200: ProposalList },
      },
      config: { access: ['citizen'] },
    },
    async (request) => {
      const personId = citizenScope(request) ?? 0;
      const open = await outreach.openProposalsOf(personId);
      return {
        items: await Promise.all(open.map((item) => proposalView(Number(item.proposal.id), personId))),
      };
    },
  );

  app.get(
    '/outreach/proposals/:proposalId',
    {
      schema: {
        operationId: 'getOutreachProposal',
        tags: ['outreach'],
        summary: 'An appointment proposal: when, where, until when it can be confirmed (BOOK-17)',
        params: ProposalIdParams,
        response: { 200: ProposalView },
      },
      config: { access: PROPOSAL_DECIDERS },
    },
    async (request) => proposalView(request.params.proposalId, citizenScope(request)),
  );

  app.post(
    '/outreach/proposals/:proposalId/confirmation',
    {
      schema: {
        operationId: 'confirmOutreachProposal',
        tags: ['outreach'],
        summary:
          'Confirms a proposal: books the slot if it is still free, once however often it is sent (BOOK-17, BOOK-9)',
        params: ProposalIdParams,
        response: { 200: ProposalConfirmation },
      },
      config: { access: PROPOSAL_DECIDERS },
    },
    async (request) => {
      const personId = citizenScope(request);
      const { booking: made, created } = await outreach.confirmProposal(
        request.params.proposalId,
        personId,
        bookingChannelOf(request),
        personId === undefined ? 'phone' : 'portal',
        context(request),
      );
      return {
        proposalId: request.params.proposalId,
        bookingCode: made.code,
        bookingId: Number(made.id),
        startsAt: made.starts_at.toISOString(),
        created,
      };
    },
  );

  app.post(
    '/outreach/proposals/:proposalId/change',
    {
      schema: {
        operationId: 'changeOutreachProposal',
        tags: ['outreach'],
        summary: 'The person wants another appointment: the proposal is closed, the normal search follows',
        params: ProposalIdParams,
        response: { 200: ProposalChange },
      },
      config: { access: PROPOSAL_DECIDERS },
    },
    async (request) => {
      const personId = citizenScope(request);
      await outreach.changeProposal(
        request.params.proposalId,
        personId,
        personId === undefined ? 'phone' : 'portal',
        context(request),
      );
      return { proposalId: request.params.proposalId, state: 'changed' as const, searchUrl: '/portal/book' };
    },
  );

  app.post(
    '/outreach/gp-reports',
    {
      schema: {
        operationId: 'reportNotContactedByOutreach',
        tags: ['outreach'],
        summary:
          'ELIG-21: a GP reports a patient not contacted: added to the campaign, called first, or to the authority’s follow-up list',
        body: GpReportBody,
        response: { 201: GpReportView },
      },
      config: { access: ['gp'] },
    },
    async (request, reply) => {
      const report = await outreach.reportNotContacted(request.body, context(request));
      return reply.code(201).send({
        id: Number(report.id),
        personId: Number(report.person_id),
        healthAuthorityCode: report.health_authority_code,
        campaignId: report.campaign_id === null ? null : Number(report.campaign_id),
        resolution: report.resolution,
        note: report.note,
        reportedAt: report.reported_at.toISOString(),
      });
    },
  );

  app.get(
    '/outreach/gp-reports',
    {
      schema: {
        operationId: 'listOutreachGpReports',
        tags: ['outreach'],
        summary: 'ELIG-21: GP reports of people not contacted, and the follow-up list (resolution=follow_up)',
        querystring: GpReportsQuery,
        response: { 200: GpReportList },
      },
      config: { access: CAMPAIGN_ADMINS },
    },
    async (request) => ({
      items: (await outreach.gpReports(scopeOf(request), request.query.resolution)).map((row) => ({
        id: Number(row.id),
        personId: Number(row.person_id),
        healthAuthorityCode: row.health_authority_code,
        campaignId: row.campaign_id === null ? null : Number(row.campaign_id),
        resolution: row.resolution,
        note: row.note,
        reportedAt: row.reported_at.toISOString(),
        surname: row.surname,
        givenName: row.given_name,
      })),
    }),
  );

  app.get(
    '/persons/:personId/communication-needs',
    {
      schema: {
        operationId: 'getCommunicationNeeds',
        tags: ['outreach'],
        summary: 'How a person can be reached: deaf, blind, no phone, no internet (BOOK-17)',
        params: PersonIdParams,
        response: { 200: NeedsView },
      },
      config: { access: [...NEEDS_EDITORS, 'auditor'] },
    },
    async (request) => ({
      personId: request.params.personId,
      needs: await outreach.needsOf(request.params.personId),
    }),
  );

  app.put(
    '/persons/:personId/communication-needs',
    {
      schema: {
        operationId: 'setCommunicationNeeds',
        tags: ['outreach'],
        summary: 'Records how a person can be reached (replaces the list), audited (BOOK-17)',
        params: PersonIdParams,
        body: NeedsBody,
        response: { 200: NeedsView },
      },
      config: { access: NEEDS_EDITORS },
    },
    async (request) => ({
      personId: request.params.personId,
      needs: await outreach.setNeeds(
        request.params.personId,
        request.body.needs,
        request.body.source,
        context(request),
      ),
    }),
  );
};
