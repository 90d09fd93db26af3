import { Type } from 'typebox';
import { CalendarDate, Id, Instant, Nullable } from '../../platform/http/schema-types.ts';
import { TransportNeed } from '../booking/schemas.ts';
import { HOME_REASONS, HOME_STATUSES, NEEDS, SESSION_KINDS, SUPPORTS } from './tables.ts';

const ClockTime = Type.String({
  pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$',
  description: 'HH:MM, Rome time',
});
const Reason = Type.String({ minLength: 2, maxLength: 500 });

export const IdParams = Type.Object({ id: Id });
export const CodeParams = Type.Object({ code: Type.String({ pattern: '^[A-Z0-9]{8}$' }) });

// ------------------------------------------------------------------------------------------------
// BOOK-14

export const HomeRequestBody = Type.Object(
  {
    personId: Type.Optional(Id),
    selfSufficient: Type.Boolean({
      description: 'false: the person needs help for the acts of daily life (non autosufficiente)',
    }),
    canTravelWithTransport: Type.Boolean({
      description: 'false: the person cannot reach a hub, alone or with organised transport',
    }),
    reason: Type.Enum(HOME_REASONS),
    notes: Type.Optional(Type.String({ maxLength: 500 })),
    gpName: Type.Optional(Type.String({ minLength: 2, maxLength: 120, description: 'the GP, by name' })),
    gpCode: Type.Optional(
      Type.String({ pattern: '^[A-Za-z0-9]{4,16}$', description: 'the GP’s regional code, when known' }),
    ),
    gpAgreed: Type.Optional(
      Type.Boolean({ description: 'the GP takes part in the visit (local agreement)' }),
    ),
  },
  { additionalProperties: false },
);

export const HomeRequestView = Type.Object({
  id: Id,
  personId: Id,
  healthAuthorityCode: Type.String(),
  municipalityIstat: Nullable(Type.String()),
  address: Nullable(Type.String()),
  status: Type.Enum(HOME_STATUSES),
  reason: Type.Enum(HOME_REASONS),
  notes: Nullable(Type.String()),
  gp: Type.Object({ name: Nullable(Type.String()), code: Nullable(Type.String()), agreed: Type.Boolean() }),
  requestedBy: Type.Object({ kind: Type.String(), role: Nullable(Type.String()), channel: Type.String() }),
  visit: Nullable(
    Type.Object({
      day: CalendarDate,
      time: Nullable(Type.String()),
      team: Nullable(Type.String()),
      byGp: Type.Boolean(),
    }),
  ),
  outcomeReason: Nullable(Type.String()),
  createdAt: Instant,
  updatedAt: Instant,
});

export const HomeListQuery = Type.Object(
  {
    status: Type.Optional(Type.Enum(HOME_STATUSES)),
    municipalityIstat: Type.Optional(Type.String({ pattern: '^[0-9]{6}$' })),
    gp: Type.Optional(
      Type.String({ minLength: 2, maxLength: 120, description: 'GP code or part of the name' }),
    ),
    visitFrom: Type.Optional(CalendarDate),
    visitTo: Type.Optional(CalendarDate),
    page: Type.Integer({ minimum: 1, maximum: 10_000, default: 1 }),
    pageSize: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
  },
  { additionalProperties: false },
);

export const HomeListView = Type.Object({
  total: Type.Integer(),
  page: Type.Integer(),
  pageSize: Type.Integer(),
  items: Type.Array(
    Type.Intersect([
      HomeRequestView,
      Type.Object({
        person: Type.Object({
          givenName: Type.String(),
          surname: Type.String(),
          birthDate: CalendarDate,
          phone: Nullable(Type.String()),
        }),
        municipality: Nullable(Type.String()),
      }),
    ]),
  ),
});

export const HomePlanBody = Type.Object(
  {
    visitDay: CalendarDate,
    visitTime: Type.Optional(ClockTime),
    team: Type.String({ minLength: 2, maxLength: 120, description: 'the team, or the GP, who goes' }),
    byGp: Type.Boolean({ default: false }),
  },
  { additionalProperties: false },
);

export const HomeOutcomeBody = Type.Object(
  {
    outcome: Type.Enum(['done', 'not_possible']),
    reason: Type.Optional(Reason),
  },
  { additionalProperties: false },
);

export const WithdrawBody = Type.Object({ reason: Reason }, { additionalProperties: false });

// ------------------------------------------------------------------------------------------------
// BOOK-15

export const SessionBody = Type.Object(
  {
    pointId: Id,
    kind: Type.Enum(SESSION_KINDS),
    supports: Type.Array(Type.Enum(SUPPORTS), { uniqueItems: true, maxItems: 3 }),
    day: CalendarDate,
    from: ClockTime,
    to: ClockTime,
    groupSize: Type.Integer({ minimum: 1, maximum: 12, description: 'people to vaccinate: a small group' }),
    places: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 40,
        description:
          'people in the room at once; default: one per support person + 2 per person of the group (each may come with a caregiver)',
      }),
    ),
    notes: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);

export const SessionView = Type.Object({
  id: Id,
  healthAuthorityCode: Type.String(),
  point: Type.Object({
    id: Id,
    code: Type.String(),
    name: Type.String(),
    address: Type.String(),
    municipality: Type.String(),
  }),
  kind: Type.Enum(SESSION_KINDS),
  supports: Type.Array(Type.Enum(SUPPORTS)),
  day: CalendarDate,
  startsAt: Instant,
  endsAt: Instant,
  groupSize: Type.Integer(),
  places: Type.Integer(),
  supportPlaces: Type.Integer(),
  placesTaken: Type.Integer(),
  peopleBooked: Type.Integer(),
  room: Type.Object({ people: Type.Integer(), places: Type.Integer() }),
  status: Type.Enum(['open', 'cancelled']),
  notes: Nullable(Type.String()),
});

export const SessionListQuery = Type.Object(
  {
    from: Type.Optional(CalendarDate),
    to: Type.Optional(CalendarDate),
    kind: Type.Optional(Type.Enum(SESSION_KINDS)),
    pointId: Type.Optional(Id),
    provinceCode: Type.Optional(Type.String({ pattern: '^[0-9]{3}$' })),
    needs: Type.Optional(
      Type.Array(Type.Enum(NEEDS), {
        uniqueItems: true,
        maxItems: 4,
        description: 'only the sessions a person with these needs may book now',
      }),
    ),
  },
  { additionalProperties: false },
);

export const SessionBookingBody = Type.Object(
  {
    personId: Type.Optional(Id),
    needs: Type.Array(Type.Enum(NEEDS), { uniqueItems: true, minItems: 1, maxItems: 4 }),
    withCaregiver: Type.Boolean({ description: 'a caregiver comes too: a second place' }),
    transport: Type.Optional(TransportNeed),
    doseNumber: Type.Optional(Type.Integer({ minimum: 1, maximum: 9 })),
  },
  { additionalProperties: false },
);

export const SessionBookingView = Type.Object({
  code: Type.String(),
  status: Type.Enum(['confirmed', 'cancelled']),
  personId: Id,
  doseNumber: Type.Integer(),
  needs: Type.Array(Type.Enum(NEEDS)),
  withCaregiver: Type.Boolean(),
  places: Type.Integer(),
  transport: Nullable(TransportNeed),
  channel: Type.String(),
  planVersions: Type.Object({ national: Type.String(), calendar: Nullable(Type.String()) }),
  offerId: Type.String(),
  session: SessionView,
  createdAt: Instant,
  cancelledAt: Nullable(Instant),
});

export const RosterView = Type.Object({
  session: SessionView,
  people: Type.Array(
    Type.Object({
      code: Type.String(),
      personId: Id,
      givenName: Type.String(),
      surname: Type.String(),
      birthDate: CalendarDate,
      phone: Nullable(Type.String()),
      needs: Type.Array(Type.Enum(NEEDS)),
      withCaregiver: Type.Boolean(),
      transport: Nullable(TransportNeed),
    }),
  ),
});

export const CancelSessionBookingBody = Type.Object({ reason: Reason }, { additionalProperties: false });

// ------------------------------------------------------------------------------------------------
// BOOK-16

export const TransportBody = Type.Object(
  { transport: Nullable(TransportNeed) },
  { additionalProperties: false },
);

export const TransportQuery = Type.Object(
  { from: CalendarDate, to: CalendarDate, pointId: Type.Optional(Id) },
  { additionalProperties: false },
);

export const TransportListView = Type.Array(
  Type.Object({
    day: CalendarDate,
    startsAt: Instant,
    kind: Type.Enum(['hub_booking', 'dedicated_session']),
    code: Type.String(),
    sessionId: Nullable(Id),
    point: Type.Object({ id: Id, code: Type.String(), name: Type.String() }),
    transport: TransportNeed,
    withCaregiver: Nullable(Type.Boolean()),
    person: Type.Object({
      id: Id,
      givenName: Type.String(),
      surname: Type.String(),
      phone: Nullable(Type.String()),
      address: Nullable(Type.String()),
      municipality: Nullable(Type.String()),
    }),
  }),
);
