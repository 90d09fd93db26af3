import type { Readable } from 'node:stream';
import { Type } from 'typebox';
import { CalendarDate, Id, Instant, Nullable } from '../../platform/http/schema-types.ts';
import { CALL_OUTCOMES, COMMUNICATION_NEEDS } from './rules.ts';
import { NEXT_STEPS } from './tables.ts';

const Istat = Type.String({ pattern: '^[0-9]{6}$' });
const Age = Type.Integer({ minimum: 0, maximum: 130 });

export const CampaignIdParams = Type.Object({ campaignId: Id });
export const TargetParams = Type.Object({ campaignId: Id, personId: Id });
export const ProposalIdParams = Type.Object({ proposalId: Id });
export const PersonIdParams = Type.Object({ personId: Id });

export const Selection = Type.Object(
  {
    categories: Type.Optional(
      Type.Array(Type.String({ pattern: '^[a-z0-9_]{2,50}$' }), {
        minItems: 1,
        maxItems: 20,
        uniqueItems: true,
        description: 'Plan categories (ELIG-2): an entitlement in one of them, or the age of an age category',
      }),
    ),
    listSources: Type.Optional(
      Type.Array(Type.Enum(['regional_list', 'inps_list', 'specialist_list']), {
        minItems: 1,
        uniqueItems: true,
        description: 'Fragility lists by source (ELIG-18): people with an entitlement loaded from them',
      }),
    ),
    listUploadIds: Type.Optional(
      Type.Array(Id, {
        minItems: 1,
        maxItems: 100,
        uniqueItems: true,
        description: 'Particular list uploads',
      }),
    ),
    ageFrom: Type.Optional(Age),
    ageTo: Type.Optional(Age),
    ageOn: Type.Optional({
      ...CalendarDate,
      description: 'The date the age band is measured on (default: today)',
    }),
    municipalities: Type.Optional(
      Type.Array(Istat, {
        minItems: 1,
        maxItems: 2000,
        uniqueItems: true,
        description: 'Domicile (else residence)',
      }),
    ),
    linkedRelations: Type.Optional(
      Type.Array(Type.Enum(['cohabitant', 'caregiver', 'parent_guardian_foster']), {
        minItems: 1,
        uniqueItems: true,
        description:
          'Call the people linked to the selected fragile people (ELIG-8), e.g. parents of fragile minors, instead of them',
      }),
    ),
  },
  { additionalProperties: false },
);

export const CampaignBody = Type.Object(
  {
    healthAuthorityCode: Type.String({ pattern: '^[A-Z0-9][A-Z0-9-]{1,39}$' }),
    name: Type.String({ minLength: 1, maxLength: 200 }),
    selection: Selection,
    deadline: Type.Optional({ ...CalendarDate, description: 'ELIG-21: contact everyone by this day' }),
    deadlineId: Type.Optional(
      Type.String({
        pattern: '^[a-z0-9-]{3,80}$',
        description: 'A deadline of plan/outreach-deadlines.json',
      }),
    ),
    proposalHours: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 720,
        description:
          'Propose each person the nearest free slot, valid this many hours (none: invitations only)',
      }),
    ),
  },
  { additionalProperties: false },
);

const Counts = Type.Object({
  targets: Type.Integer(),
  toInvite: Type.Integer(),
  waiting: Type.Integer(),
  toCall: Type.Integer(),
  unreachable: Type.Integer(),
  done: Type.Integer(),
  messagesWritten: Type.Integer(),
  messagesSent: Type.Integer(),
  messagesFailed: Type.Integer(),
  calls: Type.Integer(),
  contacted: Type.Integer(),
  contactedInTime: Type.Integer(),
  booked: Type.Integer(),
  proposalsOpen: Type.Integer(),
  proposalsConfirmed: Type.Integer(),
});

export const CampaignView = Type.Object({
  id: Id,
  healthAuthorityCode: Type.String(),
  name: Type.String(),
  selection: Type.Unknown(),
  deadline: CalendarDate,
  deadlineId: Nullable(Type.String()),
  proposalHours: Nullable(Type.Integer()),
  status: Type.Enum(['active', 'closed']),
  targetCount: Type.Integer(),
  createdAt: Instant,
});

export const CampaignList = Type.Object({ items: Type.Array(CampaignView) });

export const CampaignProgressView = Type.Object({
  campaign: CampaignView,
  deadlinePassed: Type.Boolean(),
  counts: Counts,
});

export const PageQuery = Type.Object(
  {
    page: Type.Integer({ minimum: 1, maximum: 100000, default: 1 }),
    pageSize: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
  },
  { additionalProperties: false },
);

export const TargetsQuery = Type.Object(
  {
    page: Type.Integer({ minimum: 1, maximum: 100000, default: 1 }),
    pageSize: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
    nextStep: Type.Optional(Type.Enum(NEXT_STEPS)),
  },
  { additionalProperties: false },
);

export const TargetView = Type.Object({
  rank: Type.Integer(),
  personId: Id,
  surname: Type.String(),
  givenName: Type.String(),
  birthDate: CalendarDate,
  priority: Nullable(Type.Integer()),
  origin: Type.Enum(['selection', 'gp_report']),
  nextStep: Type.Enum(NEXT_STEPS),
});

export const TargetPage = Type.Object({
  items: Type.Array(TargetView),
  page: Type.Integer(),
  pageSize: Type.Integer(),
  hasMore: Type.Boolean(),
});

export const DispatchBody = Type.Object(
  {
    limit: Type.Integer({
      minimum: 1,
      maximum: 5000,
      default: 500,
      description:
        'Targets handled by this wave, in priority order (size it to the capacity of the coming days)',
    }),
  },
  { additionalProperties: false },
);

export const DispatchView = Type.Object({
  targets: Type.Integer(),
  messagesWritten: Type.Integer(),
  proposals: Type.Integer(),
  toCall: Type.Integer(),
  unreachable: Type.Integer(),
});

export const DueCallsQuery = Type.Object(
  { limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }) },
  { additionalProperties: false },
);

export const DueCallView = Type.Object({
  rank: Type.Integer(),
  personId: Id,
  surname: Type.String(),
  givenName: Type.String(),
  phone: Nullable(Type.String()),
  landline: Nullable(Type.String()),
  needs: Type.Array(Type.Enum(COMMUNICATION_NEEDS)),
  previousCalls: Type.Array(Type.Enum(CALL_OUTCOMES)),
  openProposalId: Nullable(Id),
});

export const DueCallList = Type.Object({ items: Type.Array(DueCallView) });

export const CallBody = Type.Object(
  {
    outcome: Type.Enum(CALL_OUTCOMES),
    note: Type.Optional(Type.String({ maxLength: 1000 })),
    bookingCode: Type.Optional(
      Type.String({
        pattern: '^[A-Z0-9]{8}$',
        description: 'The booking made during the call (outcome booked)',
      }),
    ),
  },
  { additionalProperties: false },
);

export const CallView = Type.Object({
  id: Id,
  campaignId: Id,
  personId: Id,
  outcome: Type.Enum(CALL_OUTCOMES),
  calledAt: Instant,
  nextStep: Type.Enum(NEXT_STEPS),
  reason: Type.String(),
});

export const ProposalView = Type.Object({
  id: Id,
  campaignId: Id,
  personId: Id,
  slotId: Id,
  startsAt: Instant,
  validUntil: Instant,
  state: Type.Enum(['open', 'confirmed', 'changed', 'withdrawn', 'expired']),
  place: Type.Object({ name: Type.String(), address: Type.String(), municipality: Type.String() }),
  bookingCode: Nullable(Type.String()),
});

export const ProposalList = Type.Object({ items: Type.Array(ProposalView) });

export const ProposalConfirmation = Type.Object({
  proposalId: Id,
  bookingCode: Type.String(),
  bookingId: Id,
  startsAt: Instant,
  created: Type.Boolean(),
});

export const ProposalChange = Type.Object({
  proposalId: Id,
  state: Type.Literal('changed'),
  searchUrl: Type.String({ description: 'Where the person chooses another appointment' }),
});

export const NotContactedView = Type.Object({
  rank: Type.Integer(),
  personId: Id,
  surname: Type.String(),
  givenName: Type.String(),
  birthDate: CalendarDate,
  municipalityIstat: Nullable(Type.String()),
  priority: Nullable(Type.Integer()),
  origin: Type.Enum(['selection', 'gp_report']),
  nextStep: Type.Enum(NEXT_STEPS),
  messagesWritten: Type.Integer(),
  messagesFailed: Type.Integer(),
  calls: Type.Integer(),
  lastCallOutcome: Nullable(Type.Enum(CALL_OUTCOMES)),
});

export const NotContactedPage = Type.Object({
  campaignId: Id,
  deadline: CalendarDate,
  deadlinePassed: Type.Boolean(),
  items: Type.Array(NotContactedView),
  page: Type.Integer(),
  pageSize: Type.Integer(),
  hasMore: Type.Boolean(),
});

export const NotContactedCsv = Type.Unsafe<Readable>({
  type: 'string',
  contentMediaType: 'text/csv',
  description:
    'ELIG-21: the people not contacted by the deadline, in priority order (semicolon-separated, UTF-8)',
});

export const GpReportBody = Type.Object(
  {
    personId: Id,
    campaignId: Type.Optional(Id),
    note: Type.Optional(Type.String({ maxLength: 1000 })),
  },
  { additionalProperties: false },
);

const RESOLUTIONS = ['already_target', 'added_to_campaign', 'follow_up'] as const;

export const GpReportView = Type.Object({
  id: Id,
  personId: Id,
  healthAuthorityCode: Nullable(Type.String()),
  campaignId: Nullable(Id),
  resolution: Type.Enum(RESOLUTIONS),
  note: Nullable(Type.String()),
  reportedAt: Instant,
});

export const GpReportsQuery = Type.Object(
  { resolution: Type.Optional(Type.Enum(RESOLUTIONS)) },
  { additionalProperties: false },
);

export const GpReportList = Type.Object({
  items: Type.Array(
    Type.Object({ ...GpReportView.properties, surname: Type.String(), givenName: Type.String() }),
  ),
});

export const NeedsBody = Type.Object(
  {
    needs: Type.Array(Type.Enum(COMMUNICATION_NEEDS), { uniqueItems: true, maxItems: 4 }),
    source: Type.Enum(['person', 'operator', 'gp', 'list'], {
      description: 'Who told: the person, an operator, the GP, a list',
    }),
  },
  { additionalProperties: false },
);

export const NeedsView = Type.Object({
  personId: Id,
  needs: Type.Array(Type.Enum(COMMUNICATION_NEEDS)),
});
