import { Type, type Static, type TSchema } from 'typebox';
import { CalendarDate, Id, Instant, Nullable } from '../../platform/http/schema-types.ts';
import { RISK_CATEGORIES, SIGNER_CAPACITIES } from './rules.ts';
import { ANOMALY_STATUSES, PAYMENT_MODES, ROUTES_OF_ADMINISTRATION, SITES, TEST_TYPES } from './tables.ts';

/*
 * Request fields are stricter than the shared schema types where the fuzzing (vaccination.fuzz.int.test.ts)
 * found values that passed validation and failed in the database or in the code with a 500.
 */

/** Free text as stored: PostgreSQL text cannot hold U+0000 (the insert failed). */
const Text = (limits: { minLength: number; maxLength: number; description?: string }) =>
  Type.String({ ...limits, pattern: '^[^\\u0000]*$' });

/**
 * A calendar date of the registry, years 1900-2099: PostgreSQL has no year 0 (the query failed), and the
 * Rome calendar writes years before 1000 with fewer digits, which then compare wrongly as text.
 */
const RegistryDate = Type.String({
  format: 'date',
  pattern: '^(19|20)[0-9]{2}-',
  description: 'Calendar date YYYY-MM-DD (Europe/Rome), 1900-2099',
});

/** An instant of the registry, years 1900-2099, without a leap second (23:59:60 is no JavaScript date). */
const RegistryInstant = Type.String({
  format: 'date-time',
  pattern: '^(19|20)[0-9]{2}-[0-9]{2}-[0-9]{2}[Tt ]([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]',
  description: 'Instant (RFC 3339), 1900-2099',
});

/**
 * A nullable scalar as one `type: ['null', …]` list rather than the shared `Nullable`'s `anyOf`: with type
 * coercion on, Ajv let a one-element array such as `[1]` through the `anyOf` unchanged, and the array
 * reached SQL. As a type list, an array is refused.
 */
const OrNull = <T extends TSchema & { type: string }>(schema: T) =>
  Type.Unsafe<Static<T> | null>({ ...schema, type: ['null', schema.type] });

export const PersonIdParams = Type.Object({ personId: Id });
export const AdministrationIdParams = Type.Object({ id: Id });

export const ForceDoseNumberBody = Type.Object(
  {
    doseNumber: Type.Integer({ minimum: 1, maximum: 20 }),
    reason: Type.Optional(
      Text({ minLength: 3, maxLength: 500, description: 'VAX-7: why the number is forced (audited)' }),
    ),
  },
  { additionalProperties: false },
);

export const AdministrationChangesBody = Type.Object(
  {
    lot: Type.Optional(Text({ minLength: 1, maxLength: 40 })),
    lotExpiry: Type.Optional(RegistryDate),
    site: Type.Optional(Type.Enum(SITES)),
    route: Type.Optional(Type.Enum(ROUTES_OF_ADMINISTRATION)),
    paymentMode: Type.Optional(Type.Enum(PAYMENT_MODES)),
    riskCategory: Type.Optional(Type.Enum(RISK_CATEGORIES)),
    healthCondition: Type.Optional(Text({ minLength: 1, maxLength: 200 })),
  },
  { additionalProperties: false, minProperties: 1 },
);

/** CONS-1..3: the consent form as signed. */
export const ConsentBody = Type.Object(
  {
    formVersion: Text({
      minLength: 1,
      maxLength: 40,
      description: 'The ministry form version of the time',
    }),
    informationNoteRead: Type.Boolean(),
    signerCapacity: Type.Enum(SIGNER_CAPACITIES),
    signerName: Text({ minLength: 2, maxLength: 200 }),
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
    administeredAt: RegistryInstant,
    lot: Text({ minLength: 1, maxLength: 40 }),
    lotExpiry: RegistryDate,
    volumeMl: Type.Number({ exclusiveMinimum: 0, maximum: 5 }),
    riskCategory: Type.Enum(RISK_CATEGORIES),
    healthCondition: Text({ minLength: 1, maxLength: 200 }),
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
        mobile: OrNull(Type.String({ maxLength: 20 })),
        email: OrNull(Type.String({ format: 'email', maxLength: 254 })),
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
  from: RegistryDate,
  to: RegistryDate,
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
  sampledOn: RegistryDate,
  resultOn: RegistryDate,
  recoveredOn: OrNull(RegistryDate),
};

/** VAX-16: test type, sample, result and recovery dates; a test abroad names the country, else the region. */
export const InfectionBody = Type.Object(
  {
    ...InfectionDates,
    place: Type.Union([
      Type.Object({ countryCode: Type.String({ pattern: '^[A-Z]{2}$' }) }, { additionalProperties: false }),
      // ISTAT region codes 01-20: another code failed the reference to the regions with a 500.
      Type.Object(
        { regionCode: Type.String({ pattern: '^(0[1-9]|1[0-9]|20)$' }) },
        { additionalProperties: false },
      ),
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
      standing: Type.Enum(['prior', 'after_first_dose', 'kept_aside'], {
        description:
          'prior: before the first dose, one dose completes the cycle (VAX-18); after_first_dose: changes the cycle (VAX-17); kept_aside: after a dose, ignored for dose numbers and certificates',
      }),
    }),
  ),
  nextDoseDue: Type.Union([
    Type.Object({ status: Type.Literal('first_dose'), completesWithOneDose: Type.Boolean() }),
    Type.Object({
      status: Type.Literal('next_primary_dose'),
      doseNumber: Type.Integer(),
      from: Nullable(CalendarDate),
      until: Nullable(CalendarDate),
    }),
    Type.Object({ status: Type.Literal('cycle_complete'), completedOn: CalendarDate }),
  ]),
});

export const AnomalyReportBody = Type.Object(
  {
    personId: Id,
    administrationId: OrNull(Id),
    concerns: Type.Enum(['registry', 'national']),
    description: Text({ minLength: 10, maxLength: 2000 }),
  },
  { additionalProperties: false },
);

export const AnomalyStatusBody = Type.Object(
  {
    status: Type.Enum(['in_progress', 'closed']),
    resolution: Type.Optional(Text({ minLength: 3, maxLength: 2000 })),
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

export const DeletionBody = Type.Object(
  {
    reason: Text({
      minLength: 1,
      maxLength: 500,
      description: 'Why the record is deleted (audited, sent on)',
    }),
  },
  { additionalProperties: false },
);

export const MobilityAdministrationView = Type.Object({
  regionCode: Type.String({ description: 'ISTAT code of the region that gave it' }),
  sourceId: Type.String(),
  administeredOn: CalendarDate,
  productCode: Type.String(),
  aic: Nullable(Type.String()),
  lot: Nullable(Type.String()),
  doseNumber: Type.Integer(),
  doseKind: Nullable(Type.Enum(['primary', 'additional', 'booster'])),
});

export const VaccinationHistoryView = Type.Object({
  here: Type.Array(AdministrationView, { description: 'Recorded in this region, in date order' }),
  otherRegions: Type.Array(MobilityAdministrationView, {
    description: 'Given in other regions, from the national registry (NAT-2), in date order',
  }),
});

export const ComparedDoseView = Type.Object({
  date: CalendarDate,
  productCode: Type.String(),
  doseNumber: Type.Integer(),
  regionCode: Nullable(Type.String()),
  countryCode: Nullable(
    Type.String({ description: 'Belfiore code of the country, for a dose given abroad' }),
  ),
});

export const NationalComparisonView = Type.Object({
  rows: Type.Array(
    Type.Object({
      status: Type.Enum(['same', 'dose_number_differs', 'only_registry', 'only_national']),
      registry: Nullable(ComparedDoseView),
      national: Nullable(ComparedDoseView),
      inTransit: Type.Boolean({ description: 'Sent, not yet acknowledged by the national registry' }),
    }),
    { description: 'Matched by day and product, in date order' },
  ),
  nationalShowsFewer: Type.Boolean({ description: 'VAX-8: the registry’s numbers stand' }),
  anomalyReportId: Nullable(
    Type.Integer({ minimum: 1, description: 'VAX-8: the anomaly report raised or already open' }),
  ),
});

export const DoseNumberScreenView = Type.Object({
  administration: AdministrationView,
  assigned: Type.Integer(),
  current: Type.Integer(),
  proposed: Nullable(Type.Integer({ description: 'From the national situation; null when it is unknown' })),
  nationalSituation: Nullable(
    Type.Array(ComparedDoseView, {
      description: 'In date order; null when the national system did not answer',
    }),
  ),
  forcedBefore: Type.Boolean(),
});

export const AbroadVaccinationBody = Type.Object(
  {
    countryCode: Type.String({ pattern: '^Z[0-9]{3}$', description: 'Belfiore code of the country' }),
    administeredOn: RegistryDate,
    productCode: Type.String({ pattern: '^[A-Z0-9][A-Z0-9-]{1,39}$' }),
    doseNumber: Type.Integer({ minimum: 1, maximum: 20 }),
    doseKind: Type.Enum(['primary', 'additional', 'booster']),
  },
  { additionalProperties: false },
);

export const AbroadVaccinationView = Type.Object({
  countryCode: Nullable(Type.String()),
  administeredOn: CalendarDate,
  productCode: Type.String(),
  doseNumber: Type.Integer(),
  doseKind: Type.Enum(['primary', 'additional', 'booster']),
});

export const NationalFlowView = Type.Object({
  pending: Type.Integer({ description: 'Changes not yet acknowledged by the national registry' }),
  failing: Type.Integer({ description: 'Of those, how many failed at least once' }),
  oldestPendingSince: Nullable(Instant),
  acknowledgedLastHour: Type.Integer(),
  lagMsP50: Nullable(Type.Integer({ description: 'Recorded → acknowledged, last hour' })),
  lagMsP95: Nullable(Type.Integer()),
  lagMsMax: Nullable(Type.Integer()),
});

export const SyncRunView = Type.Object({
  delivered: Type.Integer(),
  failed: Type.Integer(),
  mobilityStored: Type.Integer(),
  mobilityUnavailable: Type.Boolean(),
});

export const ConsentIdParams = Type.Object({ id: Id });

export const JudgeValidationBody = Type.Object(
  { validatedAt: { ...RegistryInstant, description: 'When the judge validated the consent' } },
  { additionalProperties: false },
);

export const ConsentView = Type.Object({
  id: Id,
  personId: Id,
  administrationId: Nullable(Id),
  decision: Type.Enum(['accepted', 'refused']),
  signerCapacity: Type.String(),
  judgeValidationDueAt: Nullable(Instant),
  judgeValidatedAt: Nullable(Instant),
});

export const AwaitingJudgeView = Type.Array(
  Type.Object({
    consentId: Id,
    personId: Id,
    administrationId: Id,
    vaccinationPointId: Id,
    dueAt: Instant,
    overdue: Type.Boolean({ description: 'The 48 hours have passed' }),
  }),
);

export const CheckInPointParams = Type.Object({ pointId: Id });
export const CheckInListQuery = Type.Object({ day: RegistryDate }, { additionalProperties: false });

/** VAX-1 check-in: a vaccination point's bookings of a day, each with the record that fulfilled it. */
export const CheckInListView = Type.Array(
  Type.Object({
    bookingCode: Type.String(),
    startsAt: Instant,
    status: Type.Enum(['confirmed', 'cancelled']),
    personId: Id,
    surname: Type.String(),
    givenName: Type.String(),
    birthDate: CalendarDate,
    doseNumber: Type.Integer(),
    product: Type.Object({ code: Type.String(), name: Type.String() }),
    administrationId: Nullable(Id),
  }),
);

export const PersonConsentView = Type.Object({
  id: Id,
  administrationId: Nullable(Id),
  decision: Type.Enum(['accepted', 'refused']),
  formVersion: Type.String(),
  signerCapacity: Type.String(),
  signerName: Type.String(),
  recordedAt: Instant,
  judgeValidationDueAt: Nullable(Instant),
  judgeValidatedAt: Nullable(Instant),
});

/** VAX-20: the contacts given at the previous COVID administration, which the system proposes. */
export const CertificateContactsProposalView = Type.Object({
  previous: Nullable(
    Type.Object({
      mobile: Nullable(Type.String()),
      email: Nullable(Type.String()),
      noneGiven: Type.Boolean(),
      administeredOn: CalendarDate,
    }),
  ),
});
