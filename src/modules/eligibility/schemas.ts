import { Type, type Static } from 'typebox';
import { CalendarDate, Id, Instant, Nullable } from '../../platform/http/schema-types.ts';
import { BOOKING_CHANNELS } from './plan-file.ts';
import {
  EVIDENCE_STATUSES,
  LINK_RELATIONS,
  LIST_TYPES,
  NON_RESIDENT_REASONS,
  ENTITLEMENT_SOURCES,
} from './tables.ts';

const Localized = Type.Object({ it: Type.String(), en: Type.String() });
const Reason = Type.String({ minLength: 3, maxLength: 1000, description: 'Why: kept in the audit log' });
const CategoryCode = Type.String({ pattern: '^[a-z][a-z0-9_]{1,49}$' });
const ConditionCode = Type.String({
  pattern: '^[a-z][a-z0-9_]{1,63}$',
  description: 'Table 1 condition code',
});
const TaxCode = Type.String({ minLength: 11, maxLength: 20 });
const HealthCardNumber = Type.String({ pattern: '^[0-9]{20}$' });

export const PersonIdParams = Type.Object({ personId: Id });
export const LinkParams = Type.Object({ personId: Id, linkId: Id });
export const MyLinkParams = Type.Object({ linkId: Id });
export const EntitlementIdParams = Type.Object({ entitlementId: Id });
export const ApplicationIdParams = Type.Object({ applicationId: Id });
export const ChannelQuery = Type.Object({ channel: Type.Optional(Type.Enum(BOOKING_CHANNELS)) });

export const PlanVersionView = Type.Object({
  id: Type.String(),
  kind: Type.Enum(['national', 'regional']),
  region: Nullable(Type.String()),
  effectiveFrom: CalendarDate,
  loadedAt: Instant,
  sha256: Type.String(),
});

export const EntitlementView = Type.Object({
  id: Id,
  personId: Id,
  category: Type.String(),
  conditionCode: Nullable(Type.String()),
  source: Type.Enum(ENTITLEMENT_SOURCES),
  evidenceStatus: Type.Enum(EVIDENCE_STATUSES),
  validFrom: Instant,
  sourceReference: Nullable(Type.String()),
  reason: Nullable(Type.String()),
  createdAt: Instant,
});
export type EntitlementViewT = Static<typeof EntitlementView>;

export const LinkView = Type.Object({
  id: Id,
  fragilePersonId: Id,
  linkedPersonId: Id,
  relation: Type.Enum(LINK_RELATIONS),
  place: Type.Integer({ minimum: 1, maximum: 3 }),
  source: Type.String(),
  evidenceStatus: Type.Enum(EVIDENCE_STATUSES),
  createdAt: Instant,
  removedAt: Nullable(Instant),
});

export const LinkList = Type.Object({
  items: Type.Array(LinkView),
  placesLeft: Type.Integer({ minimum: 0, maximum: 3 }),
});

const OfferView = Type.Object({
  id: Type.String(),
  label: Localized,
  category: Nullable(Type.String()),
  bookingOpensOn: CalendarDate,
  vaccinationsStartOn: CalendarDate,
  channels: Type.Array(Type.String()),
});

export const EligibilityView = Type.Object({
  personId: Id,
  bookable: Type.Boolean(),
  nextStep: Type.String({ description: 'What to do: BOOK, WAIT_UNTIL, PRE_REGISTER_OR_ASK_GP, …' }),
  message: Localized,
  bookableFrom: Nullable(Instant),
  age: Type.Integer(),
  qualifications: Type.Array(
    Type.Object({
      category: Type.String(),
      categoryLabel: Localized,
      priority: Type.Integer(),
      basis: Type.Enum(['age', 'entitlement', 'link']),
      entitlementId: Nullable(Id),
      fragilePersonId: Nullable(Id),
      relation: Nullable(Type.String()),
      from: Instant,
    }),
  ),
  offer: Nullable(OfferView),
  products: Type.Array(Type.String()),
  planVersions: Type.Object({ national: Type.String(), calendar: Nullable(Type.String()) }),
  entitlements: Type.Array(EntitlementView),
});

export const PreRegistrationBody = Type.Object(
  {
    declaration: Type.Enum(['extremely_vulnerable', 'severe_disability'], {
      description: 'ELIG-12: what the person declares (to be handed in at the hub)',
    }),
    conditionCode: Type.Optional(ConditionCode),
    declaredBy: Type.Enum(['self', 'caregiver'], {
      description: 'ELIG-14: a caregiver pre-registers the fragile person',
    }),
  },
  { additionalProperties: false },
);

export const PreRegistrationView = Type.Object({ entitlement: EntitlementView, bookableFrom: Instant });

export const HealthWorkerBody = Type.Object(
  {
    profession: Type.String({ minLength: 2, maxLength: 100 }),
    employer: Type.String({ minLength: 2, maxLength: 200 }),
    registerNumber: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
  },
  { additionalProperties: false },
);

const LinkedPerson = Type.Union([
  Type.Object({ personId: Id }, { additionalProperties: false }),
  Type.Object({ taxCode: TaxCode, healthCardNumber: HealthCardNumber }, { additionalProperties: false }),
]);

export const AddLinkBody = Type.Object(
  {
    person: LinkedPerson,
    relation: Type.Enum(LINK_RELATIONS),
    evidenceStatus: Type.Optional(Type.Enum(['verified', 'self_declared'])),
  },
  { additionalProperties: false },
);

export const MyLinkBody = Type.Object(
  {
    person: Type.Object(
      { taxCode: TaxCode, healthCardNumber: HealthCardNumber },
      { additionalProperties: false },
    ),
    relation: Type.Enum(LINK_RELATIONS),
  },
  { additionalProperties: false },
);

export const RemoveLinkBody = Type.Object({ reason: Reason }, { additionalProperties: false });

export const CategoryChangeBody = Type.Object(
  {
    category: CategoryCode,
    conditionCode: Type.Optional(ConditionCode),
    evidenceStatus: Type.Enum(['verified', 'self_declared']),
    reason: Reason,
  },
  { additionalProperties: false },
);

export const GpReportBody = Type.Object(
  {
    category: Type.Enum(['extremely_vulnerable', 'severe_disability']),
    conditionCode: Type.Optional(ConditionCode),
    note: Reason,
  },
  { additionalProperties: false },
);

export const ObesityBody = Type.Object(
  {
    bmi: Type.Number({ minimum: 10, maximum: 100, description: 'Body-mass index measured at the pharmacy' }),
    note: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);

export const EvidenceCheckBody = Type.Object(
  { confirmed: Type.Boolean(), note: Reason },
  { additionalProperties: false },
);

export const BookingListInsertionBody = Type.Object(
  {
    reason: Type.Enum(['resident_elsewhere', 'aire', 'card_expired', 'card_renewing', 'other']),
    note: Reason,
  },
  { additionalProperties: false },
);

export const AdmissionView = Type.Object({
  personId: Id,
  basis: Type.String(),
  reason: Type.String(),
  admittedAt: Instant,
});

export const NonResidentApplicationBody = Type.Object(
  {
    reason: Type.Enum(NON_RESIDENT_REASONS),
    details: Type.String({ minLength: 3, maxLength: 1000 }),
    domicileMunicipalityIstat: Type.String({ pattern: '^[0-9]{6}$' }),
  },
  { additionalProperties: false },
);

export const NonResidentApplicationView = Type.Object({
  id: Id,
  personId: Id,
  reason: Type.Enum(NON_RESIDENT_REASONS),
  details: Type.String(),
  domicileMunicipalityIstat: Type.String(),
  status: Type.Enum(['submitted', 'approved', 'rejected']),
  submittedAt: Instant,
  channel: Type.String(),
  decidedAt: Nullable(Instant),
  decisionReason: Nullable(Type.String()),
});

export const ApplicationsQuery = Type.Object({
  status: Type.Optional(Type.Enum(['submitted', 'approved', 'rejected'])),
});

export const DecisionBody = Type.Object(
  { approve: Type.Boolean(), reason: Reason },
  { additionalProperties: false },
);

export const NotContactedQuery = Type.Object({
  deadline: CalendarDate,
  healthAuthorityCode: Type.Optional(Type.String({ pattern: '^[A-Z]{2,5}-[A-Z0-9-]{2,40}$' })),
  page: Type.Integer({ minimum: 1, maximum: 100000, default: 1 }),
  pageSize: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
});

export const NotContactedPage = Type.Object({
  items: Type.Array(
    Type.Object({
      personId: Id,
      surname: Type.String(),
      givenName: Type.String(),
      healthAuthorityCode: Nullable(Type.String()),
      category: Type.String(),
      source: Type.String(),
      listAuthority: Nullable(Type.String()),
      onListSince: Instant,
    }),
  ),
  page: Type.Integer(),
  pageSize: Type.Integer(),
  hasMore: Type.Boolean(),
});

export const ListTypeParams = Type.Object({ listType: Type.Enum(LIST_TYPES) });
export const ListTypeView = Type.Object({
  code: Type.Enum(LIST_TYPES),
  closedFrom: Nullable(CalendarDate),
  closedReason: Nullable(Type.String()),
});
export const CutOffBody = Type.Object(
  { closedFrom: Nullable(CalendarDate), reason: Reason },
  { additionalProperties: false },
);
