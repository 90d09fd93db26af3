import type { Readable } from 'node:stream';
import { Type } from 'typebox';
import { Id, Instant, Nullable } from '../../platform/http/schema-types.ts';

/**
 * A day of the registry, years 1900-2099 (as the registry's own schemas: PostgreSQL has no year 0, and
 * shorter years would compare wrongly as text).
 */
const RegistryDate = Type.String({
  format: 'date',
  pattern: '^(19|20)[0-9]{2}-',
  description: 'Calendar date YYYY-MM-DD (Europe/Rome), 1900-2099',
});

export const PeriodQuery = Type.Object({
  from: { ...RegistryDate, description: 'First day of administration, YYYY-MM-DD (Europe/Rome)' },
  to: { ...RegistryDate, description: 'Last day of administration, included' },
});

/** The body is a stream of NDJSON text (typed so, and documented as the text it is). */
export const NdjsonBody = Type.Unsafe<Readable>({
  type: 'string',
  description:
    'FHIR R4 Bulk Data NDJSON (application/fhir+ndjson): one resource per line, streamed page by page',
});

export const OpenDataBody = Type.String({
  description:
    'CSV with the header of the government’s somministrazioni-vaccini-latest.csv of 4 May 2021; header x-doses-outside-format: boosters and additional doses of the period, which that format has no column for',
});

export const OpenDataAgeSummaryBody = Type.String({
  description:
    'CSV with the header of the government’s anagrafica-vaccini-summary-latest.csv of 4 May 2021: the period’s first and second doses of the region (or the reader’s points) by age band; ultimo_aggiornamento is the period’s last day',
});

export const OpenDataDeliverySummaryBody = Type.String({
  description:
    'CSV with the header of the government’s vaccini-summary-latest.csv of 4 May 2021: by area, the period’s COVID doses (boosters included) against the COVID doses set out on the hubs’ days (the registry records no deliveries); the share is empty when none were set out',
});

export const CoverageQuery = Type.Object({
  by: Type.Union([Type.Literal('category'), Type.Literal('ageBand'), Type.Literal('municipality')], {
    description:
      'category: risk category of the latest dose (no population: the registry knows it only for the vaccinated); ageBand: age on the day, open-data bands; municipality: of residence',
  }),
  on: Type.Optional({ ...RegistryDate, description: 'Day of the figures (default: today, Europe/Rome)' }),
});

const Share = Nullable(
  Type.Number({ description: 'Of the population, 0..1 (4 decimals); null without one' }),
);

export const CoverageView = Type.Object({
  on: Type.String({ format: 'date' }),
  by: Type.String(),
  scope: Type.Union([Type.Literal('region'), Type.Literal('points')], {
    description: 'points: people vaccinated at least once at the reader’s points, over the same population',
  }),
  rows: Type.Array(
    Type.Object({
      key: Nullable(Type.String()),
      label: Nullable(Type.String()),
      population: Nullable(Type.Integer()),
      atLeastOneDose: Type.Integer(),
      completedCycle: Type.Integer(),
      booster: Type.Integer(),
      atLeastOneDoseShare: Share,
      completedCycleShare: Share,
      boosterShare: Share,
    }),
  ),
});

export const BookingCapacityView = Type.Array(
  Type.Object({
    pointId: Id,
    pointCode: Type.String(),
    pointName: Type.String(),
    day: Type.String({ format: 'date' }),
    capacity: Type.Integer({ description: 'Places of the day’s slots' }),
    booked: Type.Integer({ description: 'Places taken (the slots’ counters)' }),
    free: Type.Integer(),
    utilisation: Nullable(Type.Number({ description: 'booked / capacity, 0..1' })),
    confirmedBookings: Type.Integer(),
    cancelledBookings: Type.Integer(),
    doses: Type.Integer({ description: 'Doses of every product the hub has for the day' }),
    dosesBooked: Type.Integer(),
    administered: Type.Integer({ description: 'Administrations recorded at the point that day' }),
  }),
);

export const DosesByLotView = Type.Array(
  Type.Object({
    productCode: Type.String(),
    productName: Type.String(),
    lot: Type.String(),
    lotExpiry: Type.String({ format: 'date' }),
    doses: Type.Integer(),
    firstDoses: Type.Integer(),
    secondDoses: Type.Integer(),
    laterPrimaryDoses: Type.Integer(),
    additionalDoses: Type.Integer(),
    boosterDoses: Type.Integer(),
    points: Type.Integer({ description: 'Vaccination points that used the lot' }),
    firstDay: Type.String({ format: 'date' }),
    lastDay: Type.String({ format: 'date' }),
  }),
);

export const OpenAnomaliesView = Type.Array(
  Type.Object({
    healthAuthorityCode: Type.String(),
    healthAuthorityName: Type.String(),
    concerns: Type.Union([Type.Literal('registry'), Type.Literal('national')]),
    status: Type.Union([Type.Literal('open'), Type.Literal('in_progress')]),
    reports: Type.Integer(),
    oldestCreatedAt: Instant,
  }),
);
