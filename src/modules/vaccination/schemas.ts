import { Type } from 'typebox';
import { CalendarDate, Id, Instant, Nullable } from '../../platform/http/schema-types.ts';
import { RISK_CATEGORIES, SIGNER_CAPACITIES } from './rules.ts';
import { ANOMALY_STATUSES, PAYMENT_MODES, ROUTES_OF_ADMINISTRATION, SITES, TEST_TYPES } from './tables.ts';

export const PersonIdParams = Type.Object({ personId: Id });
export const AdministrationIdParams = Type.Object({ id: Id });

export const ForceDoseNumberBody = Type.Object(
  { doseNumber: Type.Integer({ minimum: 1, maximum: 20 }) },
  { additionalProperties: false },
);

export const AdministrationChangesBody = Type.Object(
  {
    lot: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
    lotExpiry: Type.Optional(CalendarDate),
    site: Type.Optional(Type.Enum(SITES)),
    route: Type.Optional(Type.Enum(ROUTES_OF_ADMINISTRATION)),
    paymentMode: Type.Optional(Type.Enum(PAYMENT_MODES)),
    riskCategory: Type.Optional(Type.Enum(RISK_CATEGORIES)),
    healthCondition: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  },
  { additionalProperties: false, minProperties: 1 },
);

/** CONS-1..3: the consent form as signed. */
export const ConsentBody = Type.Object(
  {
    formVersion: Type.String({
      minLength: 1,
      maxLength: 40,
      description: 'The ministry form version of the time',
    }),
    informationNoteRead: Type.Boolean(),
    signerCapacity: Type.Enum(SIGNER_CAPACITIES),
    signerName: Type.String({ minLength: 2, maxLength: 200 }),
    situation: Type.Object(
      {
        protection: Type.Enum(['none', 'support', 'support_assistance', 'guardianship'], { default: 'none' }),
        naturalIncapacity: Type.Boolean({ default: false }),
        inFacility: Type.Boolean({ default: false }),
      },
      { additionalProperties: false },
    ),
    heardReachable: Type.Boolean({ default: true }),
  },
  { additionalProperties: false },
);

export const ConsentRefusalBody = Type.Object(
  { consent: ConsentBody, healthWorker: Type.Boolean({ default: false }) },
  { additionalProperties: false },
);

export const ConsentRefusalView = Type.Object({
  id: Id,
  personId: Id,
  decision: Type.Literal('refused'),
  signerCapacity: Type.String(),
  recordedAt: Instant,
  /** CONS-5: for a health worker vaccination is a legal duty (DL 44/2021). */
  legalDuty: Type.Boolean(),
});

export const AdministrationBody = Type.Object(
  {
    personId: Type.Optional(Id),
    bookingCode: Type.Optional(
      Type.String({ pattern: '^[A-Z0-9]{8}$', description: 'Check-in: gives the person and the product' }),
    ),
    productCode: Type.Optional(Type.String({ pattern: '^[A-Z0-9][A-Z0-9-]{1,39}$' })),
    administeredAt: Instant,
    lot: Type.String({ minLength: 1, maxLength: 40 }),
    lotExpiry: CalendarDate,
    volumeMl: Type.Number({ exclusiveMinimum: 0, maximum: 5 }),
    riskCategory: Type.Enum(RISK_CATEGORIES),
    healthCondition: Type.String({ minLength: 1, maxLength: 200 }),
    route: Type.Enum(ROUTES_OF_ADMINISTRATION),
    site: Type.Enum(SITES),
    paymentMode: Type.Enum(PAYMENT_MODES, { default: 'national_health_service' }),
    vaccinationPointId: Id,
    additionalDose: Type.Boolean({
      default: false,
      description: 'VAX-9: an additional dose of the primary cycle',
    }),
    override: Type.Boolean({
      default: false,
      description: 'VAX-12/13: the operator confirms that a non-conforming dose was actually given',
    }),
    consent: Type.Optional(ConsentBody),
    healthChanged: Type.Optional(
      Type.Boolean({
        description: 'CONS-4: at a later dose of a cycle, whether health changed since the consent',
      }),
    ),
    certificateContacts: Type.Object(
      {
        mobile: Nullable(Type.String({ maxLength: 20 })),
        email: Nullable(Type.String({ format: 'email', maxLength: 254 })),
        confirmed: Type.Boolean({ description: 'VAX-22: contacts confirmed, or the person gave none' }),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

export const AdministrationView = Type.Object({
  id: Id,
  personId: Id,
  administeredAt: Instant,
  recordedAt: Instant,
  productCode: Type.String(),
  aic: Nullable(Type.String()),
  lot: Type.String(),
  lotExpiry: CalendarDate,
  volumeMl: Type.Number(),
  riskCategory: Type.String(),
  healthCondition: Type.String(),
  route: Type.String(),
  site: Type.String(),
  paymentMode: Type.String(),
  vaccinationPointId: Id,
  doseNumber: Type.Integer(),
  doseKind: Type.Enum(['primary', 'additional', 'booster']),
  bookingId: Nullable(Id),
  planNationalVersion: Nullable(Type.String()),
  overriddenFindings: Type.Array(Type.Object({ rule: Type.String(), code: Type.String() })),
  /** VAX-7: the number the system assigned, and when a number was forced by hand. */
  assignedDoseNumber: Type.Integer(),
  doseNumberForcedAt: Nullable(Instant),
});

export const ForcedDoseView = Type.Object({
  administration: AdministrationView,
  /** VAX-7: the number had been forced before this time. */
  forcedBefore: Type.Boolean(),
});

export const LateRecordsQuery = Type.Object({
  from: CalendarDate,
  to: CalendarDate,
  lateAfterMinutes: Type.Integer({ minimum: 0, maximum: 10_080, default: 60 }),
});

export const LateRecordsView = Type.Array(
  Type.Object({
    vaccinationPointId: Id,
    operator: Type.String(),
    recorded: Type.Integer(),
    late: Type.Integer(),
    latestDelayMinutes: Nullable(Type.Integer()),
  }),
);

export const InfectionIdParams = Type.Object({ id: Id });

const InfectionDates = {
  testType: Type.Enum(TEST_TYPES),
  sampledOn: CalendarDate,
  resultOn: CalendarDate,
  recoveredOn: Nullable(CalendarDate),
};

/** VAX-16: test type, sample, result and recovery dates; a test abroad names the country, else the region. */
export const InfectionBody = Type.Object(
  {
    ...InfectionDates,
    place: Type.Union([
      Type.Object({ countryCode: Type.String({ pattern: '^[A-Z]{2}$' }) }, { additionalProperties: false }),
      Type.Object({ regionCode: Type.String({ pattern: '^[0-9]{2}$' }) }, { additionalProperties: false }),
    ]),
  },
  { additionalProperties: false },
);

export const InfectionChangesBody = Type.Partial(Type.Object(InfectionDates), {
  additionalProperties: false,
  minProperties: 1,
});

export const InfectionView = Type.Object({
  id: Id,
  personId: Id,
  source: Type.Enum(['surveillance', 'operator']),
  testType: Type.Enum(TEST_TYPES),
  sampledOn: CalendarDate,
  resultOn: CalendarDate,
  recoveredOn: Nullable(CalendarDate),
  countryCode: Nullable(Type.String()),
  regionCode: Nullable(Type.String()),
});

/** VAX-15: the answer of "check infection". */
export const InfectionCheckView = Type.Object({
  recorded: Type.Boolean(),
  mayBeIncomplete: Type.Boolean(),
  infections: Type.Array(
    Type.Object({
      id: Id,
      since: CalendarDate,
      recoveredOn: Nullable(CalendarDate),
      testType: Type.Enum(TEST_TYPES),
      editable: Type.Boolean(),
    }),
  ),
});

export const AnomalyReportBody = Type.Object(
  {
    personId: Id,
    administrationId: Nullable(Id),
    concerns: Type.Enum(['registry', 'national']),
    description: Type.String({ minLength: 10, maxLength: 2000 }),
  },
  { additionalProperties: false },
);

export const AnomalyStatusBody = Type.Object(
  {
    status: Type.Enum(['in_progress', 'closed']),
    resolution: Type.Optional(Type.String({ minLength: 3, maxLength: 2000 })),
  },
  { additionalProperties: false },
);

export const AnomalyReportsQuery = Type.Object({ status: Type.Optional(Type.Enum(ANOMALY_STATUSES)) });

export const AnomalyReportView = Type.Object({
  id: Id,
  personId: Id,
  administrationId: Nullable(Id),
  concerns: Type.String(),
  description: Type.String(),
  healthAuthorityCode: Type.String(),
  status: Type.Enum(ANOMALY_STATUSES),
  resolution: Nullable(Type.String()),
  createdAt: Instant,
  updatedAt: Instant,
});
