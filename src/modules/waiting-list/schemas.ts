import { Type } from 'typebox';
import { CalendarDate, Id, Instant, Nullable } from '../../platform/http/schema-types.ts';
import { ACCESSIBILITY_FEATURES } from '../booking/tables.ts';

/*
 * The waiting list's, no-shows' and standby list's HTTP shapes (BOOK-13). Citizens act on themselves;
 * operators name the person (personId) they identified.
 */

const PersonId = Type.Optional(Id);
const Place = Type.Object({
  code: Type.String(),
  name: Type.String(),
  address: Type.String(),
  municipality: Type.String(),
});

export const JoinBody = Type.Object(
  {
    personId: PersonId,
    municipalityIstat: Type.String({
      pattern: '^[0-9]{6}$',
      description: 'BOOK-6: municipality of domicile',
    }),
    cap: Type.String({ pattern: '^[0-9]{5}$', description: 'BOOK-6: CAP of domicile' }),
    accessibility: Type.Array(Type.Enum(ACCESSIBILITY_FEATURES), { uniqueItems: true, default: [] }),
  },
  { additionalProperties: false },
);

export const PersonQuery = Type.Object({ personId: PersonId }, { additionalProperties: false });
export const PersonBody = Type.Object({ personId: PersonId }, { additionalProperties: false });
export const EntryIdParams = Type.Object({ entryId: Id });
export const OfferIdParams = Type.Object({ offerId: Id });
export const AreaParams = Type.Object({ areaCode: Type.String({ pattern: '^[A-Z0-9][A-Z0-9-]{1,39}$' }) });
export const AreaQuery = Type.Object(
  {
    status: Type.Enum(['waiting', 'booked', 'left', 'closed'], { default: 'waiting' }),
    limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
    offset: Type.Integer({ minimum: 0, maximum: 10_000_000, default: 0 }),
  },
  { additionalProperties: false },
);

export const OfferView = Type.Object({
  id: Id,
  status: Type.Enum(['offered', 'accepted', 'declined', 'expired', 'withdrawn']),
  startsAt: Instant,
  expiresAt: Instant,
  place: Place,
  product: Type.Object({ code: Type.String(), name: Type.String() }),
  offeredAt: Instant,
  answeredAt: Nullable(Instant),
  bookingCode: Nullable(Type.String()),
});

export const EntryView = Type.Object({
  id: Id,
  personId: Id,
  doseNumber: Type.Integer(),
  areaCode: Type.String(),
  municipalityIstat: Type.String(),
  cap: Type.String(),
  accessibility: Type.Array(Type.String()),
  priority: Type.Integer({ description: 'ELIG-2: 1 is served first' }),
  category: Type.String(),
  status: Type.Enum(['waiting', 'booked', 'left', 'closed']),
  joinedAt: Instant,
  offersMade: Type.Integer(),
  closedAt: Nullable(Instant),
  closeReason: Nullable(Type.String()),
});

export const StatusView = Type.Object({
  entry: Nullable(EntryView),
  /** How many people of the area are ahead (while waiting). */
  ahead: Nullable(Type.Integer()),
  /** The open offer, else the latest one. */
  offer: Nullable(OfferView),
});

export const AppointmentView = Type.Object({
  code: Type.String(),
  personId: Id,
  doseNumber: Type.Integer(),
  startsAt: Instant,
  place: Place,
  product: Type.Object({ code: Type.String(), name: Type.String() }),
  /** BOOK-10: the second appointment booked with this one. */
  secondDose: Nullable(Type.Object({ code: Type.String(), startsAt: Instant })),
});

export const AreaListView = Type.Object({
  total: Type.Integer(),
  entries: Type.Array(
    Type.Object({
      entry: EntryView,
      offer: Nullable(Type.Object({ id: Id, startsAt: Instant, expiresAt: Instant, pointId: Id })),
    }),
  ),
});

export const RunView = Type.Object({
  expired: Type.Integer(),
  offered: Type.Integer(),
  closed: Type.Integer(),
  noShows: Type.Integer(),
  standbyCalls: Type.Integer(),
});

// ------------------------------------------------------------------------------------------------
// No-shows

export const HubDayParams = Type.Object({ pointId: Id, day: CalendarDate });
export const NoShowCodeParams = Type.Object({ code: Type.String({ pattern: '^[A-Z0-9]{8}$' }) });
export const RebookBody = Type.Object({ personId: PersonId, slotId: Id }, { additionalProperties: false });
export const NoShowMarkView = Type.Object({ pointId: Id, day: CalendarDate, marked: Type.Integer() });
export const NoShowView = Type.Object({
  code: Type.String(),
  startsAt: Instant,
  place: Place,
  markedAt: Instant,
  secondDose: Nullable(Type.Object({ code: Type.String(), startsAt: Instant })),
  rebooked: Nullable(AppointmentView),
  /** The nearest free time to rebook, at the same centre when it has one. */
  proposal: Nullable(Type.Object({ slotId: Id, startsAt: Instant, place: Place })),
});

// ------------------------------------------------------------------------------------------------
// Standby list

export const StandbyBody = Type.Object(
  { personId: PersonId, pointId: Id, day: CalendarDate },
  { additionalProperties: false },
);
export const StandbyIdParams = Type.Object({ registrationId: Id });
export const CallIdParams = Type.Object({ callId: Id });
export const OutcomeBody = Type.Object(
  { personId: PersonId, outcome: Type.Enum(['accepted', 'declined', 'no_answer']) },
  { additionalProperties: false },
);

export const StandbyCallView = Type.Object({
  id: Id,
  calledAt: Instant,
  answerBy: Instant,
  channel: Nullable(Type.String()),
  outcome: Type.Enum(['pending', 'accepted', 'declined', 'no_answer', 'too_late']),
  answeredAt: Nullable(Instant),
  bookingCode: Nullable(Type.String()),
});

export const StandbyView = Type.Object({
  id: Id,
  personId: Id,
  pointId: Id,
  day: CalendarDate,
  priority: Type.Integer(),
  category: Type.String(),
  registeredAt: Instant,
  status: Type.Enum(['waiting', 'called', 'booked', 'declined', 'no_answer', 'withdrawn']),
  calls: Type.Array(StandbyCallView),
});

export const StandbyListView = Type.Object({
  pointId: Id,
  day: CalendarDate,
  freeDoses: Type.Integer(),
  freePlaces: Type.Integer(),
  registrations: Type.Array(StandbyView),
});

export const StandbyCallRunView = Type.Object({
  freePlaces: Type.Integer(),
  called: Type.Array(StandbyView),
});
