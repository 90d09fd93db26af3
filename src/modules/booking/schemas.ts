import { Type } from 'typebox';
import { CalendarDate, Id, Instant, Nullable } from '../../platform/http/schema-types.ts';
import { BOOKING_CHANNELS } from '../eligibility/plan-file.ts';
import { ACCESSIBILITY_FEATURES, HUB_STATUSES } from './tables.ts';

const ClockTime = Type.String({
  pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$',
  description: 'HH:MM, Rome time',
});
const Localized = Type.Object({ it: Type.String(), en: Type.String() });

export const PointIdParams = Type.Object({ pointId: Id });
export const HubDayParams = Type.Object({ pointId: Id, day: CalendarDate });
export const BookingCodeParams = Type.Object({ code: Type.String({ pattern: '^[A-Z0-9]{8}$' }) });

export const HubView = Type.Object({
  id: Id,
  code: Type.String(),
  name: Type.String(),
  address: Type.String(),
  municipalityIstat: Type.String(),
  municipality: Type.String(),
  lat: Type.Number(),
  lng: Type.Number(),
  healthAuthorityCode: Type.String(),
  stations: Nullable(Type.Integer()),
  accessibility: Type.Array(Type.String()),
  status: Nullable(Type.Enum(HUB_STATUSES)),
});

export const HubSettingsBody = Type.Object(
  {
    stations: Type.Integer({ minimum: 5, maximum: 500, description: 'BOOK-1: at least 5 stations' }),
    accessibility: Type.Array(Type.Enum(ACCESSIBILITY_FEATURES), { uniqueItems: true, default: [] }),
    status: Type.Enum(HUB_STATUSES),
  },
  { additionalProperties: false },
);

export const HubDayBody = Type.Object(
  {
    opensAt: ClockTime,
    closesAt: ClockTime,
    stations: Type.Integer({ minimum: 1, maximum: 500 }),
    minutesPerVaccination: Type.Integer({ minimum: 1, maximum: 120 }),
    slotMinutes: Type.Integer({ minimum: 5, maximum: 120, default: 15 }),
    stock: Type.Array(
      Type.Object(
        {
          product: Type.String({ pattern: '^[A-Z0-9][A-Z0-9-]{1,39}$' }),
          doses: Type.Integer({ minimum: 0, maximum: 1_000_000 }),
        },
        { additionalProperties: false },
      ),
      { maxItems: 20 },
    ),
    reopenClosedPlaces: Type.Optional(
      Type.Boolean({
        description:
          'BOOK-12: lift the limits capacity changes left on the day’s slots; without it a closed day stays closed',
      }),
    ),
  },
  { additionalProperties: false },
);

export const HubDayView = Type.Object({
  pointId: Id,
  day: CalendarDate,
  slots: Type.Integer(),
  capacity: Type.Integer(),
});

export const SlotSearchQuery = Type.Object({
  municipalityIstat: Type.String({ pattern: '^[0-9]{6}$' }),
  cap: Type.String({ pattern: '^[0-9]{5}$' }),
  date: CalendarDate,
  time: ClockTime,
  personId: Type.Optional(Id),
  accessibility: Type.Optional(Type.Array(Type.Enum(ACCESSIBILITY_FEATURES), { maxItems: 4 })),
});

export const SlotSearchView = Type.Object({
  wanted: Instant,
  products: Nullable(Type.Array(Type.String())),
  hubs: Type.Array(
    Type.Object({
      hub: Type.Object({
        id: Id,
        code: Type.String(),
        name: Type.String(),
        address: Type.String(),
        municipality: Type.String(),
        accessibility: Type.Array(Type.String()),
      }),
      distanceKm: Type.Number(),
      slot: Nullable(Type.Object({ id: Id, startsAt: Instant, free: Type.Integer() })),
    }),
  ),
});

/** BOOK-16: transport the authority organises: a seat, or a vehicle for a wheelchair. */
export const TransportNeed = Type.Enum(['seated', 'wheelchair'], {
  description: 'BOOK-16: transport needed to reach the hub, organised by the health authority',
});

export const BookBody = Type.Object(
  {
    slotId: Id,
    personId: Type.Optional(Id),
    transport: Type.Optional(TransportNeed),
  },
  { additionalProperties: false },
);

export const BookHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({ minLength: 8, maxLength: 100, pattern: '^[A-Za-z0-9._:-]+$' }),
  ),
});

export const GroupBookBody = Type.Object(
  {
    slotId: Id,
    fragilePersonId: Type.Optional(Id),
    linkIds: Type.Array(Id, {
      maxItems: 3,
      uniqueItems: true,
      description: 'ELIG-13: up to 3 linked people',
    }),
    includeFragilePerson: Type.Boolean({
      description: 'false when the fragile person is already vaccinated',
    }),
  },
  { additionalProperties: false },
);

export const CancelBody = Type.Object(
  {
    reason: Type.String({ minLength: 2, maxLength: 500 }),
    secondDose: Type.Optional(
      Type.Enum(['cancel', 'keep'], {
        description: 'BOOK-10: cancelling a first dose, what to do with the second',
      }),
    ),
  },
  { additionalProperties: false },
);

export const RescheduleBody = Type.Object({ slotId: Id }, { additionalProperties: false });

export const BookingView = Type.Object({
  code: Type.String(),
  status: Type.Enum(['confirmed', 'cancelled']),
  personId: Id,
  doseNumber: Type.Integer(),
  startsAt: Instant,
  place: Type.Object({
    code: Type.String(),
    name: Type.String(),
    address: Type.String(),
    municipality: Type.String(),
  }),
  product: Type.Object({ code: Type.String(), name: Type.String() }),
  channel: Type.Enum([...BOOKING_CHANNELS]),
  bring: Type.Array(Type.Object({ code: Type.String(), label: Localized })),
  planVersions: Type.Object({ national: Type.String(), calendar: Nullable(Type.String()) }),
  offerId: Type.String(),
  /** BOOK-10: the second appointment booked with this first one. */
  secondDose: Nullable(Type.Object({ code: Type.String(), startsAt: Instant })),
  createdAt: Instant,
  cancelledAt: Nullable(Instant),
  /** BOOK-16: the transport the person needs, organised by the health authority. */
  transport: Nullable(TransportNeed),
});
