import { Type } from 'typebox';
import { CalendarDate, Id, Instant, Nullable } from '../../platform/http/schema-types.ts';
import { CHANGE_KINDS } from './rules.ts';

const ClockTime = Type.String({
  pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$',
  description: 'HH:MM, Rome time',
});

export const ChangeIdParams = Type.Object({ changeId: Id });

export const CreateChangeBody = Type.Object(
  {
    kind: Type.Enum(CHANGE_KINDS, {
      description:
        'close_day: the whole day; cut_stations: fewer stations from a time; cut_stock: fewer doses',
    }),
    pointId: Id,
    day: CalendarDate,
    fromTime: Type.Optional(ClockTime),
    stations: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 500, description: 'cut_stations: stations left' }),
    ),
    product: Type.Optional(
      Type.String({ minLength: 1, maxLength: 40, description: 'cut_stock: the product' }),
    ),
    doses: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 100_000, description: 'cut_stock: doses left' }),
    ),
    horizonDays: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 60,
        description: 'days after the appointment people may be moved (7)',
      }),
    ),
    maxKm: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 1000, description: 'km from the domicile a new hub may be (50)' }),
    ),
    note: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);

const Summary = Type.Object({
  asOf: Instant,
  affected: Type.Integer(),
  people: Type.Integer(),
  moved: Type.Integer(),
  toChoose: Type.Integer(),
  secondDosesMoved: Type.Integer(),
  secondDosesToChoose: Type.Integer(),
  destinations: Type.Array(
    Type.Object({
      pointId: Id,
      hubCode: Type.String(),
      hubName: Type.String(),
      day: CalendarDate,
      bookings: Type.Integer(),
    }),
  ),
  averageKm: Nullable(Type.Number()),
  farthestKm: Nullable(Type.Number()),
});

export const ChangeView = Type.Object({
  id: Id,
  kind: Type.Enum(CHANGE_KINDS),
  pointId: Id,
  day: CalendarDate,
  healthAuthorityCode: Type.String(),
  fromTime: Nullable(Type.String()),
  stations: Nullable(Type.Integer()),
  product: Nullable(Type.String()),
  doses: Nullable(Type.Integer()),
  horizonDays: Type.Integer(),
  maxKm: Type.Integer(),
  note: Nullable(Type.String()),
  status: Type.Enum(['previewed', 'applying', 'applied', 'discarded']),
  preview: Summary,
  createdAt: Instant,
  createdBy: Nullable(Type.String()),
  appliedAt: Nullable(Instant),
  appliedBy: Nullable(Type.String()),
  outcome: Type.Object({
    moved: Type.Integer(),
    toChoose: Type.Integer(),
    notified: Type.Integer(),
    batches: Type.Integer(),
    messages: Type.Record(Type.String(), Type.Integer(), {
      description: 'the change’s messages by status: pending, sent, failed, cancelled',
    }),
  }),
});

export const ChangesQuery = Type.Object(
  {
    pointId: Type.Optional(Id),
    status: Type.Optional(Type.Enum(['previewed', 'applying', 'applied', 'discarded'])),
    limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
    offset: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 }),
  },
  { additionalProperties: false },
);

export const OutcomesQuery = Type.Object(
  {
    outcome: Type.Optional(Type.Enum(['moved', 'to_choose'])),
    limit: Type.Integer({ minimum: 1, maximum: 1000, default: 200 }),
    offset: Type.Integer({ minimum: 0, maximum: 10_000_000, default: 0 }),
  },
  { additionalProperties: false },
);

export const OutcomeView = Type.Object({
  bookingCode: Type.String(),
  personId: Id,
  doseNumber: Type.Integer(),
  product: Type.String(),
  outcome: Type.Enum(['moved', 'to_choose']),
  why: Type.Enum(['affected', 'follows_first_dose', 'with_second_dose']),
  from: Type.Object({ pointId: Id, startsAt: Instant }),
  to: Nullable(Type.Object({ pointId: Id, startsAt: Instant, km: Nullable(Type.Number()) })),
  message: Nullable(Type.Object({ id: Id, channel: Type.String(), status: Type.String() })),
  batch: Type.Integer(),
});

export const OutcomesView = Type.Object({ total: Type.Integer(), items: Type.Array(OutcomeView) });
