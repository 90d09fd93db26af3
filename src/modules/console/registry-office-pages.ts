import { randomUUID } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { actingContextOf } from '../../platform/http/acting-context.ts';
import type { PlatformContext } from '../../platform/http/app.ts';
import { DomainError } from '../../platform/http/problem.ts';
import type { App } from '../../platform/http/types.ts';
import { listFileFormat } from '../eligibility/lists/reader.ts';
import { validateIdentifier } from '../registry/identifiers.ts';
import {
  ANSWER_IDENTIFIER_COLUMN,
  importAnswer,
  pendingForeignersRequestRows,
  readTable,
  REQUEST_COLUMNS,
  writeTable,
} from '../registry/foreigners.ts';
import { findRegionName } from '../reference/service.ts';
import type { VaccinationService } from '../vaccination/service.ts';
import type { AnomalyReportRow } from '../vaccination/repo.ts';
import { AnomalyStatusBody } from '../vaccination/schemas.ts';
import { ANOMALY_STATUSES } from '../vaccination/tables.ts';
import {
  checkFields,
  FormText,
  HTML_PAGE,
  pageLanguage,
  refusalOf,
  type PageKit,
  type Refusal,
} from '../portal/kit.ts';
import { text } from '../portal/texts.ts';
import { authoritiesOf } from './authority-pages.ts';
import { acceptListFileForms, claimFile } from './authority-uploads.ts';
import { AUTHORITY_ROLES } from './authority-views.ts';
import { Id } from './console-kit.ts';
import {
  foreignersPage,
  reportPage,
  reportsPage,
  REPORT_MOVES,
  REPORTS_PAGE_SIZE,
  type AnomalyStatus,
  type ReportLine,
  type ReportMove,
} from './registry-office-views.ts';
import { staffOf } from './routes.ts';

const reportLine = (row: AnomalyReportRow): ReportLine => ({
  id: row.id,
  personId: row.person_id,
  administrationId: row.administration_id,
  concerns: row.concerns,
  description: row.description,
  authority: row.health_authority_code,
  status: row.status,
  resolution: row.resolution,
  createdAt: row.created_at,
  createdBy: row.created_by,
});

const FILE_TYPES = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
} as const;

/**
 * The health authority's registry office in the authority console, for asl_admin (their authorities,
 * SEC-2) and region_admin (all): the anomaly reports to handle (VAX-19) and the foreigners' TS identifiers,
 * the request file and the import of its answer (REG-9), through the same services as the API and the CLI.
 */
export function registerRegistryOfficePages(
  console: App,
  {
    kit,
    database,
    config,
    clock,
    vaccination,
  }: { kit: PageKit; vaccination: VaccinationService } & Pick<
    PlatformContext,
    'database' | 'config' | 'clock'
  >,
): void {
  const db = database.db;
  const { pageContext, sendPage, formFailed } = kit;
  const access = { access: AUTHORITY_ROLES };
  const answersDirectory = path.resolve(config.DATA_DIR, 'foreigner-answers');

  // -------------------------------------------------------------------------------------------------
  // Anomaly reports (VAX-19)

  console.get(
    '/anomaly-reports',
    {
      schema: {
        operationId: 'consoleAnomalyReports',
        tags: ['console'],
        summary:
          'Authority console: the anomaly reports of the administrator’s authorities, by status, paginated (VAX-19)',
        querystring: Type.Object({ status: FormText, page: FormText }, { additionalProperties: false }),
        response: HTML_PAGE,
      },
      config: access,
    },
    async (request, reply) => {
      const role = staffOf(request).role;
      const values = { status: request.query.status || undefined, page: request.query.page || '1' };
      const refusals = checkFields(request, values, [
        { name: 'status', label: 'authStatusColumn', schema: Type.Enum(ANOMALY_STATUSES), optional: true },
        { name: 'page', label: 'authPagesLabel', schema: Type.String({ pattern: '^[1-9][0-9]{0,3}$' }) },
      ]);
      if (refusals.length > 0)
        return formFailed(request, reply, refusals, 'query', (context, errors) =>
          reportsPage(context, role, { status: undefined, page: 1, total: 0, reports: [], errors }),
        );
      const status = values.status as AnomalyStatus | undefined;
      const page = Number(values.page);
      const reports = await vaccination.anomalyReports({ authorities: authoritiesOf(request), status });
      return sendPage(
        reply,
        200,
        reportsPage(await pageContext(request), role, {
          status,
          page,
          total: reports.length,
          reports: reports.slice((page - 1) * REPORTS_PAGE_SIZE, page * REPORTS_PAGE_SIZE).map(reportLine),
          errors: [],
        }),
      );
    },
  );

  const reportView = async (request: FastifyRequest, id: number) => {
    const { report, history } = await vaccination.anomalyReportWithHistory(id, authoritiesOf(request));
    return {
      report: reportLine(report),
      history: history.map((line) => ({
        at: line.occurred_at,
        actor: line.actor_id,
        role: line.actor_role,
        action: line.action,
      })),
    };
  };

  console.get(
    '/anomaly-reports/:id',
    {
      schema: {
        operationId: 'consoleAnomalyReport',
        tags: ['console'],
        summary:
          'Authority console: an anomaly report (person, what is wrong, who filed it, history) with the form to take it in hand or close it (VAX-19)',
        params: Type.Object({ id: Id }),
        querystring: Type.Object(
          { done: Type.Optional(Type.Enum(REPORT_MOVES)) },
          { additionalProperties: false },
        ),
        response: HTML_PAGE,
      },
      config: access,
    },
    async (request, reply) =>
      sendPage(
        reply,
        200,
        reportPage(await pageContext(request), staffOf(request).role, {
          ...(await reportView(request, request.params.id)),
          done: request.query.done,
          values: {},
          errors: [],
        }),
      ),
  );

  console.post(
    '/anomaly-reports/:id',
    {
      schema: {
        operationId: 'consoleMoveAnomalyReport',
        tags: ['console'],
        summary: 'Authority console: take a report in hand or close it with its resolution (VAX-19)',
        params: Type.Object({ id: Id }),
        body: Type.Object({ status: FormText, resolution: FormText }, { additionalProperties: false }),
      },
      config: access,
    },
    async (request, reply) => {
      const { id } = request.params;
      const values = { status: request.body.status, resolution: request.body.resolution || undefined };
      const failed = async (refusals: Refusal[]) => {
        const view = await reportView(request, id);
        return formFailed(
          request,
          reply,
          refusals,
          'body',
          (context, errors) =>
            reportPage(context, staffOf(request).role, { ...view, done: undefined, values, errors }),
          `/console/anomaly-reports/${id}`,
        );
      };
      const refusals = checkFields(request, values, [
        { name: 'status', label: 'roMoveLegend', schema: AnomalyStatusBody.properties.status },
        {
          name: 'resolution',
          label: 'roResolution',
          schema: AnomalyStatusBody.properties.resolution,
          optional: true,
        },
      ]);
      if (refusals.length > 0) return failed(refusals);
      const status = values.status as ReportMove;
      try {
        await vaccination.moveAnomalyReport(
          id,
          { status, resolution: values.resolution },
          authoritiesOf(request),
          actingContextOf(request, clock.now()),
        );
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        return failed([refusalOf(error, ['status', 'resolution'])]);
      }
      return reply.redirect(`/console/anomaly-reports/${id}?done=${status}`, 303);
    },
  );

  // -------------------------------------------------------------------------------------------------
  // Foreigners' TS identifiers (REG-9)

  const pendingRows = async (request: FastifyRequest) =>
    pendingForeignersRequestRows(
      db,
      (await findRegionName(db, config.REGION_CODE)) ?? '',
      authoritiesOf(request),
    );

  console.get(
    '/foreigners',
    {
      schema: {
        operationId: 'consoleForeigners',
        tags: ['console'],
        summary:
          'Authority console: the foreigners waiting for a TS identifier, the request file and the answer upload form (REG-9)',
        response: HTML_PAGE,
      },
      config: access,
    },
    async (request, reply) =>
      sendPage(
        reply,
        200,
        foreignersPage(await pageContext(request), staffOf(request).role, {
          pending: (await pendingRows(request)).length,
          result: undefined,
          errors: [],
        }),
      ),
  );

  console.get(
    '/foreigners/request.:format',
    {
      schema: {
        operationId: 'consoleForeignersRequestFile',
        tags: ['console'],
        summary:
          'Authority console: the request file for the health-card system, CSV (";") or XLSX, as the CLI writes it (REG-9)',
        params: Type.Object({ format: Type.Enum(['csv', 'xlsx']) }),
      },
      config: access,
    },
    async (request, reply) => {
      const { format } = request.params;
      const file = path.join(tmpdir(), `vaxhub-foreigners-${randomUUID()}.${format}`);
      try {
        await writeTable(file, REQUEST_COLUMNS, await pendingRows(request));
        const content = await readFile(file);
        return await reply
          .type(FILE_TYPES[format])
          .header('cache-control', 'no-store')
          .header('content-disposition', `attachment; filename="richiesta-identificativi-ts.${format}"`)
          .send(content);
      } finally {
        await rm(file, { force: true });
      }
    },
  );

  // Only this page takes a file: its form is parsed as the list upload's is, the file streamed to disk.
  void console.register((plain, _options, done) => {
    const scope = plain.withTypeProvider<TypeBoxTypeProvider>();
    const receivedFile = acceptListFileForms(scope, answersDirectory);
    scope.post(
      '/foreigners',
      {
        schema: {
          operationId: 'consoleImportForeignersAnswer',
          tags: ['console'],
          summary:
            'Authority console: the answer file of the health-card system (multipart/form-data): attaches the identifiers, lists the rows not attached (REG-9)',
          body: Type.Object({}, { additionalProperties: false }),
        },
        config: access,
      },
      async (request, reply) => {
        const file = receivedFile(request);
        const format = file === undefined ? undefined : listFileFormat(file.fileName);
        const role = staffOf(request).role;
        const failed = async (refusal: Refusal) => {
          const pending = (await pendingRows(request)).length;
          return formFailed(
            request,
            reply,
            [refusal],
            'body',
            (context, errors) => foreignersPage(context, role, { pending, result: undefined, errors }),
            '/console/foreigners',
          );
        };
        if (file === undefined)
          return failed({
            code: 'FIELD_REQUIRED',
            field: 'file',
            params: { field: text(pageLanguage(request), 'roAnswerFile') },
          });
        if (format === undefined)
          return failed({ code: 'LIST_FILE_FORMAT', field: 'file', params: { fileName: file.fileName } });
        const saved = await claimFile(file, answersDirectory, format);
        try {
          const rows = await readTable(saved).catch((error: unknown) => {
            throw new DomainError('FOREIGNERS_ANSWER_UNREADABLE', {
              params: { reason: error instanceof Error ? error.message : String(error) },
            });
          });
          const [first] = rows;
          if (first === undefined || !(ANSWER_IDENTIFIER_COLUMN in first))
            throw new DomainError('FOREIGNERS_ANSWER_UNREADABLE', {
              params: { reason: ANSWER_IDENTIFIER_COLUMN },
            });
          const outcomes = await importAnswer(
            db,
            rows,
            (value) => validateIdentifier('TS_FOREIGN', value).valid,
            actingContextOf(request, clock.now()),
            authoritiesOf(request),
          );
          return await sendPage(
            reply,
            200,
            foreignersPage(await pageContext(request, '/console/foreigners'), role, {
              pending: (await pendingRows(request)).length,
              result: { fileName: file.fileName, outcomes },
              errors: [],
            }),
          );
        } catch (error) {
          if (!(error instanceof DomainError)) throw error;
          return failed(refusalOf(error, [], 'file'));
        } finally {
          await rm(saved, { force: true });
        }
      },
    );
    done();
  });
}
