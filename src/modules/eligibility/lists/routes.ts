import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { App } from '../../../platform/http/types.ts';
import type { Clock } from '../../../platform/clock.ts';
import type { Config } from '../../../platform/config.ts';
import { actingContextOf } from '../../../platform/http/acting-context.ts';
import { DomainError } from '../../../platform/http/problem.ts';
import { LIST_TYPES } from '../tables.ts';
import { summaryOf, type ListService } from './service.ts';

const MAX_UPLOAD_BYTES = 200 * 1024 * 1024;
const XLSX_MEDIA_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
/** List files arrive as the request body itself: streamed to disk, never held in memory. */
const LIST_MEDIA_TYPES = ['text/csv', XLSX_MEDIA_TYPE, 'application/octet-stream'];

const UploadQuery = Type.Object({
  listType: Type.Enum(LIST_TYPES),
  sourceAuthority: Type.String({ pattern: '^[A-Z]{2,5}-[A-Z0-9-]{2,40}$' }),
  fileName: Type.String({ minLength: 5, maxLength: 200, pattern: '^[^/\\\\]+\\.(csv|CSV|xlsx|XLSX)$' }),
  wait: Type.Boolean({ default: false, description: 'Answer when loading is over instead of at once' }),
  takeOver: Type.Boolean({ default: false, description: 'Resume an upload whose previous run died' }),
});

const UploadIdParams = Type.Object({ uploadId: Type.Integer({ minimum: 1, maximum: 2 ** 53 - 1 }) });

const UploadView = Type.Object({
  id: Type.Integer(),
  listType: Type.Enum(LIST_TYPES),
  sourceAuthority: Type.String(),
  fileName: Type.String(),
  status: Type.Enum(['running', 'completed', 'failed']),
  failureCode: Type.Union([Type.Null(), Type.String()]),
  rowsTotal: Type.Union([Type.Null(), Type.Integer()]),
  rowsRead: Type.Integer(),
  rowsLoaded: Type.Integer(),
  rowsUpdated: Type.Integer(),
  rowsUnchanged: Type.Integer(),
  rowsRejected: Type.Integer(),
  rejectedByReason: Type.Record(Type.String(), Type.Integer()),
  startedAt: Type.String({ format: 'date-time' }),
  finishedAt: Type.Union([Type.Null(), Type.String({ format: 'date-time' })]),
});

const UPLOADERS = ['asl_admin', 'region_admin'] as const;

/** SEC-2: a health authority's admin loads lists for the authorities they administer only. */
function requireAuthorityScope(request: FastifyRequest, sourceAuthority: string): void {
  const actor = request.actor;
  if (
    actor.kind === 'staff' &&
    actor.role === 'asl_admin' &&
    !actor.healthAuthorityCodes.includes(sourceAuthority)
  ) {
    throw new DomainError('LIST_SOURCE_OUT_OF_SCOPE', {
      pointer: '/sourceAuthority',
      params: { sourceAuthority },
    });
  }
}

/** Streams the body to DATA_DIR/list-uploads/<sha256>.<ext>: a resumed upload finds its file again. */
async function saveBody(request: FastifyRequest, directory: string, extension: string): Promise<string> {
  await mkdir(directory, { recursive: true });
  const partial = path.join(directory, `.${randomUUID()}.part`);
  const hash = createHash('sha256');
  let bytes = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length;
      if (bytes > MAX_UPLOAD_BYTES) {
        callback(
          new DomainError('LIST_FILE_TOO_LARGE', {
            params: { maxMegabytes: MAX_UPLOAD_BYTES / 1024 / 1024 },
          }),
        );
        return;
      }
      hash.update(chunk);
      callback(null, chunk);
    },
  });
  try {
    await pipeline(request.body as NodeJS.ReadableStream, meter, createWriteStream(partial));
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
  const final = path.join(directory, `${hash.digest('hex')}.${extension}`);
  await rename(partial, final);
  return final;
}

export function registerListUploadRoutes(
  app: App,
  { lists, clock, config }: { lists: ListService; clock: Clock; config: Config },
): void {
  const directory = path.resolve(config.DATA_DIR, 'list-uploads');
  // Only this route takes a file as its body: the parser is scoped to it, every other route keeps
  // refusing text/csv with MEDIA_TYPE_UNSUPPORTED.
  void app.register((scope, _options, done) => {
    scope.addContentTypeParser(LIST_MEDIA_TYPES, (_request, payload, parsed) => parsed(null, payload));
    registerUpload(scope, lists, clock, directory);
    done();
  });
  registerReports(app, lists);
}

function registerUpload(app: App, lists: ListService, clock: Clock, directory: string): void {
  app.post(
    '/lists/uploads',
    {
      schema: {
        operationId: 'uploadList',
        tags: ['lists'],
        summary:
          'Upload a list (CSV or XLSX as the body) of fragile people, caregivers or specialist-center patients (ELIG-18)',
        querystring: UploadQuery,
        response: { 200: UploadView, 202: UploadView },
      },
      config: { access: UPLOADERS },
    },
    async (request, reply) => {
      const { listType, sourceAuthority, fileName, wait, takeOver } = request.query;
      requireAuthorityScope(request, sourceAuthority);
      const extension = fileName.toLowerCase().endsWith('.xlsx') ? 'xlsx' : 'csv';
      const filePath = await saveBody(request, directory, extension);
      const context = actingContextOf(request, clock.now());
      const file = { path: filePath, fileName, listType: listType, sourceAuthority };
      const upload = await lists.begin(file, context, { takeOver });
      const running = lists.run(upload, file, context);
      if (wait) return reply.code(200).send(summaryOf(await running));
      // The outcome is recorded on the upload (completed or failed) for getListUpload to report.
      running.catch((error: unknown) =>
        request.log.error({ err: error, uploadId: upload.id }, 'list upload failed'),
      );
      return reply.code(upload.status === 'completed' ? 200 : 202).send(summaryOf(upload));
    },
  );
}

function registerReports(app: App, lists: ListService): void {
  app.get(
    '/lists/uploads/:uploadId',
    {
      schema: {
        operationId: 'getListUpload',
        tags: ['lists'],
        summary:
          'Progress and summary of a list upload: read, loaded, updated, rejected by reason (ELIG-18, UX-4)',
        params: UploadIdParams,
        response: { 200: UploadView },
      },
      config: { access: UPLOADERS },
    },
    async (request) => {
      const upload = await lists.getUpload(request.params.uploadId);
      requireAuthorityScope(request, upload.source_authority);
      return summaryOf(upload);
    },
  );

  app.get(
    '/lists/uploads/:uploadId/rejections',
    {
      schema: {
        operationId: 'getListRejectionReport',
        tags: ['lists'],
        summary:
          'The rejection report returned to the sender: CSV with row number, reason code, message (ELIG-18)',
        params: UploadIdParams,
        produces: ['text/csv'],
        response: { 200: Type.String({ description: 'CSV: riga;codice;messaggio' }) },
      },
      config: { access: UPLOADERS },
    },
    async (request, reply) => {
      const upload = await lists.getUpload(request.params.uploadId);
      requireAuthorityScope(request, upload.source_authority);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="scarti-${upload.id}.csv"`)
        .send(await lists.rejectionReport(upload.id));
    },
  );
}
