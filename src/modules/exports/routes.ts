import { Readable } from 'node:stream';
import type { FastifyRequest } from 'fastify';
import type { ModuleRoutes } from '../../platform/http/app.ts';
import { actingContextOf } from '../../platform/http/acting-context.ts';
import type { Role } from '../../platform/auth/roles.ts';
import { listVaccinationPoints } from '../reference/service.ts';
import {
  checkPeriod,
  ExportService,
  openDataAgeSummaryCsv,
  openDataCsv,
  openDataDeliverySummaryCsv,
  type FhirExportType,
  type PointScope,
} from './service.ts';
import {
  BookingCapacityView,
  CoverageQuery,
  CoverageView,
  DosesByLotView,
  NdjsonBody,
  OpenAnomaliesView,
  OpenDataAgeSummaryBody,
  OpenDataBody,
  OpenDataDeliverySummaryBody,
  PeriodQuery,
} from './schemas.ts';

/** EXP-1, EXP-2: the region and the health authorities take data out (an ASL only its own points'). */
const EXPORTERS: readonly Role[] = ['asl_admin', 'region_admin'];
/** EXP-3: who reads the dashboards' figures, each within their points or authority (VAX-3's readers). */
const REPORT_READERS: readonly Role[] = ['point_admin', 'asl_admin', 'region_admin'];

const FHIR_NDJSON = 'application/fhir+ndjson';

export const exportRoutes: ModuleRoutes = (app, { database, clock }) => {
  const exports = new ExportService(database.db, clock);

  /** The points a staff member covers: their own, their authority's, or all (null); as VAX-3's reports. */
  const pointScope = async (request: FastifyRequest): Promise<PointScope> => {
    const actor = request.actor;
    if (actor.kind !== 'staff' || actor.role === 'region_admin') return null;
    if (actor.role === 'point_admin') return actor.vaccinationPointIds;
    const points = await listVaccinationPoints(database.db);
    return points.filter((p) => actor.healthAuthorityCodes.includes(p.healthAuthorityCode)).map((p) => p.id);
  };

  const fhirExport = (type: FhirExportType, operationId: string, summary: string) =>
    app.get(
      `/exports/fhir/${type}.ndjson`,
      {
        schema: {
          operationId,
          tags: ['exports'],
          summary,
          querystring: PeriodQuery,
          produces: [FHIR_NDJSON],
          response: { 200: NdjsonBody },
        },
        config: { access: EXPORTERS },
      },
      async (request, reply) => {
        // Fastify answers HEAD from the GET handler and drains the body: no export for it.
        if (request.method === 'HEAD') {
          checkPeriod(request.query);
          return reply.type(FHIR_NDJSON).send(Readable.from([]));
        }
        const chunks = await exports.startFhirExport(
          type,
          { from: request.query.from, to: request.query.to, points: await pointScope(request) },
          actingContextOf(request, clock.now()),
        );
        return reply
          .type(FHIR_NDJSON)
          .header(
            'content-disposition',
            `attachment; filename="${type}-${request.query.from}-${request.query.to}.ndjson"`,
          )
          .send(Readable.from(chunks, { objectMode: false }));
      },
    );

  fhirExport(
    'Immunization',
    'exportFhirImmunizations',
    'Administrations of the period as FHIR R4 Immunization resources, NDJSON, streamed; deleted records as entered-in-error (EXP-1)',
  );
  fhirExport(
    'Patient',
    'exportFhirPatients',
    'The people of the period’s administrations as FHIR R4 Patient resources (codice fiscale), NDJSON, streamed (EXP-1)',
  );
  fhirExport(
    'Location',
    'exportFhirLocations',
    'The vaccination points of the period’s administrations as FHIR R4 Location resources, NDJSON (EXP-1)',
  );

  app.get(
    '/exports/opendata/somministrazioni-vaccini.csv',
    {
      schema: {
        operationId: 'exportOpenData',
        tags: ['exports'],
        summary:
          'Daily administrations by supplier, area, age band, sex, category and dose in the format of the government’s open data (EXP-2)',
        querystring: PeriodQuery,
        produces: ['text/csv'],
        response: { 200: OpenDataBody },
      },
      config: { access: EXPORTERS },
    },
    async (request, reply) => {
      const { rows, dosesOutsideFormat } = await exports.openData({
        from: request.query.from,
        to: request.query.to,
        points: await pointScope(request),
      });
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="somministrazioni-vaccini.csv"')
        .header('x-doses-outside-format', String(dosesOutsideFormat))
        .send(openDataCsv(rows));
    },
  );

  app.get(
    '/exports/opendata/anagrafica-vaccini-summary.csv',
    {
      schema: {
        operationId: 'exportOpenDataAgeSummary',
        tags: ['exports'],
        summary:
          'The period’s first and second doses by age band, sex and category, in the format of the government’s anagrafica-vaccini-summary-latest.csv (EXP-2)',
        querystring: PeriodQuery,
        produces: ['text/csv'],
        response: { 200: OpenDataAgeSummaryBody },
      },
      config: { access: EXPORTERS },
    },
    async (request, reply) => {
      const { from, to } = request.query;
      const rows = await exports.openDataAgeSummary({ from, to, points: await pointScope(request) });
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="anagrafica-vaccini-summary.csv"')
        .send(openDataAgeSummaryCsv(rows, to));
    },
  );

  app.get(
    '/exports/opendata/vaccini-summary.csv',
    {
      schema: {
        operationId: 'exportOpenDataDeliverySummary',
        tags: ['exports'],
        summary:
          'The period’s COVID doses against the doses set out on the hubs’ days, by area, in the format of the government’s vaccini-summary-latest.csv (EXP-2)',
        querystring: PeriodQuery,
        produces: ['text/csv'],
        response: { 200: OpenDataDeliverySummaryBody },
      },
      config: { access: EXPORTERS },
    },
    async (request, reply) => {
      const { from, to } = request.query;
      const rows = await exports.openDataDeliverySummary({ from, to, points: await pointScope(request) });
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="vaccini-summary.csv"')
        .send(openDataDeliverySummaryCsv(rows, to));
    },
  );

  app.get(
    '/reports/coverage',
    {
      schema: {
        operationId: 'reportCoverage',
        tags: ['reports'],
        summary:
          'People with at least one dose, a completed cycle, a booster, over the population: by category, age band or municipality of residence (EXP-3)',
        querystring: CoverageQuery,
        response: { 200: CoverageView },
      },
      config: { access: REPORT_READERS },
    },
    async (request) => {
      const points = await pointScope(request);
      const { on, rows } = await exports.coverage({ on: request.query.on, by: request.query.by, points });
      return {
        on,
        by: request.query.by,
        scope: points === null ? ('region' as const) : ('points' as const),
        rows,
      };
    },
  );

  app.get(
    '/reports/booking-capacity',
    {
      schema: {
        operationId: 'reportBookingCapacity',
        tags: ['reports'],
        summary: 'Bookings against capacity per hub and day, with doses in stock and doses given (EXP-3)',
        querystring: PeriodQuery,
        response: { 200: BookingCapacityView },
      },
      config: { access: REPORT_READERS },
    },
    async (request) =>
      exports.bookingCapacity({
        from: request.query.from,
        to: request.query.to,
        points: await pointScope(request),
      }),
  );

  app.get(
    '/reports/doses-by-lot',
    {
      schema: {
        operationId: 'reportDosesByLot',
        tags: ['reports'],
        summary: 'Doses given per product and lot in the period, by kind of dose (EXP-3)',
        querystring: PeriodQuery,
        response: { 200: DosesByLotView },
      },
      config: { access: REPORT_READERS },
    },
    async (request) =>
      exports.dosesByLot({
        from: request.query.from,
        to: request.query.to,
        points: await pointScope(request),
      }),
  );

  app.get(
    '/reports/open-anomalies',
    {
      schema: {
        operationId: 'reportOpenAnomalies',
        tags: ['reports'],
        summary: 'Anomaly reports not closed yet, per health authority, subject and status (EXP-3, VAX-19)',
        response: { 200: OpenAnomaliesView },
      },
      config: { access: REPORT_READERS },
    },
    async (request) => {
      const actor = request.actor;
      const scope =
        actor.kind === 'staff' && actor.role === 'asl_admin'
          ? { authorities: actor.healthAuthorityCodes, points: null }
          : { authorities: null, points: await pointScope(request) };
      return (await exports.openAnomalies(scope)).map((row) => ({
        ...row,
        oldestCreatedAt: row.oldestCreatedAt.toISOString(),
      }));
    },
  );
};
