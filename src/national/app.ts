import Fastify, { LogController, type FastifyBaseLogger, type FastifyError } from 'fastify';
import { registerOpenApi } from '../platform/http/openapi.ts';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import { Type } from 'typebox';
import type { Clock } from '../platform/clock.ts';
import { pickLanguage } from '../platform/i18n.ts';
import { sendProblem } from '../platform/http/app.ts';
import { DomainError, ProblemSchema, renderProblem } from '../platform/http/problem.ts';
import { fieldProblem } from '../platform/http/validation.ts';
import type { App } from '../platform/http/types.ts';
import type { NationalConfig } from './config.ts';
import type { NationalDatabase } from './db.ts';
import { FaultInjector, faultRoutes } from './faults.ts';
import { nationalPersonRoutes } from './persons/routes.ts';
import { nationalVaccinationRoutes } from './vaccinations/routes.ts';
import { CertificatePlatform } from './certificates/service.ts';
import { prepareHcertChecks } from '../modules/certificates/hcert.ts';
import { nationalCertificateRoutes } from './certificates/routes.ts';
import type { SigningMaterial } from '../modules/certificates/signing-certificates.ts';
import './errors.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The 'duplicate' fault: a write handler applies this request twice, as a replayed delivery. */
    replayWrite: boolean;
  }
  interface FastifyContextConfig {
    /**
     * Who may call a route of the national simulator: anyone, the region (bearer NATIONAL_API_TOKEN:
     * the simulated national operations, the ones faults apply to) or its admin (x-admin-token).
     */
    guard?: 'public' | 'region' | 'admin';
  }
}

/** What every part of the simulator receives; later parts (AVN, Sistema TS, DGC) add their routes. */
export interface NationalContext {
  config: NationalConfig;
  database: NationalDatabase;
  clock: Clock;
  faults: FaultInjector;
  /** operationIds of the region-facing routes, filled as routes are added. */
  regionOperations: ReadonlySet<string>;
  /** DCC-1: the certificate platform; absent when the simulator was given no signing keys. */
  certificates: CertificatePlatform | undefined;
}

export type NationalRoutes = (app: App, context: NationalContext) => Promise<void> | void;

const CORRELATION_HEADER = 'x-correlation-id';
const ADMIN_TOKEN_HEADER = 'x-admin-token';
const OPERATION_ID = /^[a-z][a-zA-Z0-9]+$/;

const NationalHealth = Type.Object({
  status: Type.Literal('ok'),
  database: Type.Enum(['pglite', 'postgres']),
  faultMode: Type.String({ description: 'The fault the region-facing operations suffer now' }),
  time: Type.String({ format: 'date-time' }),
});

const healthRoutes: NationalRoutes = (app, { database, clock, faults }) => {
  app.get(
    '/health',
    {
      schema: {
        operationId: 'getNationalHealth',
        tags: ['system'],
        summary: 'Liveness and readiness: 200 when the database answers, 503 otherwise; never faulted',
        response: { 200: NationalHealth },
      },
      config: { guard: 'public' },
    },
    async () => {
      if (!(await database.ping()))
        throw new DomainError('DATABASE_UNAVAILABLE', { headers: { 'retry-after': '5' } });
      return {
        status: 'ok' as const,
        database: database.kind,
        faultMode: faults.current.mode,
        time: clock.now().toISOString(),
      };
    },
  );
};

/** The simulator's parts, in one list: adding the next national system is one line here. */
export const NATIONAL_MODULES: NationalRoutes[] = [
  healthRoutes,
  nationalPersonRoutes,
  nationalVaccinationRoutes,
  nationalCertificateRoutes,
  faultRoutes,
];

/**
 * The national simulator's own HTTP app: the platform's problem+json, validation messages and OpenAPI
 * conventions, without the regional sessions and roles; a region is one bearer token.
 */
export async function buildNationalApp(options: {
  config: NationalConfig;
  database: NationalDatabase;
  clock: Clock;
  logger: FastifyBaseLogger;
  faults?: FaultInjector;
  /** DCC-1: the keys the certificate platform signs with; without them no certificate is issued. */
  signing?: SigningMaterial;
}): Promise<App> {
  const { config, logger } = options;
  const regionOperations = new Set<string>();
  const context: NationalContext = {
    config,
    database: options.database,
    clock: options.clock,
    faults: options.faults ?? new FaultInjector(),
    regionOperations,
    certificates: options.signing === undefined ? undefined : new CertificatePlatform(options.signing),
  };
  if (context.certificates !== undefined) prepareHcertChecks();
  const operationIds = new Set<string>();

  const app: App = Fastify({
    loggerInstance: logger,
    // The URL carries the person's identifier, and the log masks know CF and card numbers only: requests
    // are logged below by route template instead.
    logController: new LogController({ requestIdLogLabel: 'correlationId', disableRequestLogging: true }),
    genReqId: (request) => {
      const incoming = request.headers[CORRELATION_HEADER];
      return typeof incoming === 'string' && /^[A-Za-z0-9._-]{8,64}$/.test(incoming)
        ? incoming
        : randomUUID();
    },
    // Shutting down cuts calls in flight (a slow fault's wait among them), as a real outage would.
    forceCloseConnections: true,
    ajv: { customOptions: { allErrors: false, coerceTypes: 'array', removeAdditional: false } },
    routerOptions: { ignoreTrailingSlash: true },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.decorateRequest('language', 'it');
  app.decorateRequest('replayWrite', false);
  app.addSchema(ProblemSchema);

  app.addHook('onRoute', (route) => {
    // Documentation assets of the OpenAPI UI: public, and not operations of the API.
    if (route.schema?.hide) {
      route.config = { ...route.config, guard: 'public' };
      return;
    }
    const schema = (route.schema ??= {});
    const operationId = schema.operationId;
    const guard = route.config?.guard;
    if (!operationId || !OPERATION_ID.test(operationId))
      throw new Error(`Route ${String(route.method)} ${route.url} needs a camelCase schema.operationId`);
    if (!guard) throw new Error(`Route ${String(route.method)} ${route.url} must declare config.guard`);
    // Fastify adds a HEAD twin to every GET route; it shares the GET's declaration.
    if (route.method === 'HEAD') return;
    if (operationIds.has(operationId)) throw new Error(`operationId ${operationId} is used twice`);
    operationIds.add(operationId);
    if (guard === 'region') regionOperations.add(operationId);
    const response = (schema.response ??= {}) as Record<string, unknown>;
    response['4xx'] ??= { $ref: 'Problem#' };
    response['5xx'] ??= { $ref: 'Problem#' };
  });

  await registerOpenApi(app, {
    title: 'Vaxhub national simulator API',
    description:
      'Simulates the national systems a region talks to: the person registry and the vaccinations of the health-card system (Sistema TS), and the national vaccination registry (AVN). Region calls carry `Authorization: Bearer <NATIONAL_API_TOKEN>`; fault injection under /admin carries `x-admin-token`. Every refusal is an RFC 9457 problem with a stable `code`.',
    securitySchemes: {
      bearer: { type: 'http', scheme: 'bearer' },
      adminToken: { type: 'apiKey', in: 'header', name: ADMIN_TOKEN_HEADER },
    },
  });

  app.addHook('onRequest', async (request, reply) => {
    void reply.header(CORRELATION_HEADER, request.id);
    request.language = pickLanguage(request.headers['accept-language']);
    const guard = request.routeOptions.config.guard;
    const operationId = request.routeOptions.schema?.operationId;
    if (guard === 'region' && operationId) {
      // A system that is down or failing does so before it looks at who is calling.
      request.replayWrite = (await context.faults.enact(operationId, reply)) === 'duplicate';
      if (reply.sent) return;
      const authorization = request.headers.authorization;
      const token = authorization?.startsWith('Bearer ') ? authorization.slice(7).trim() : undefined;
      if (!sameSecret(token, config.apiToken)) {
        throw new DomainError('NATIONAL_AUTHENTICATION_REQUIRED', {
          headers: { 'www-authenticate': 'Bearer realm="national"' },
        });
      }
    } else if (guard === 'admin') {
      const token = request.headers[ADMIN_TOKEN_HEADER];
      if (!sameSecret(typeof token === 'string' ? token : undefined, config.adminToken)) {
        throw new DomainError('NATIONAL_ADMIN_TOKEN_INVALID', { pointer: `/headers/${ADMIN_TOKEN_HEADER}` });
      }
    }
  });

  app.addHook('onResponse', async (request, reply) => {
    request.log.info(
      {
        method: request.method,
        route: request.routeOptions.url ?? '(no route)',
        statusCode: reply.statusCode,
        responseTimeMs: Math.round(reply.elapsedTime),
      },
      'request completed',
    );
  });

  app.setNotFoundHandler((request, reply) =>
    sendProblem(request, reply, 'ROUTE_NOT_FOUND', {
      params: { method: request.method, url: request.url.split('?')[0] ?? '' },
    }),
  );
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof DomainError) return sendProblem(request, reply, error.code, error.options);
    const [first, ...others] = (error.validation ?? []).map((e) => fieldProblem(e, error.validationContext));
    if (first) {
      return sendProblem(request, reply, first.code, {
        pointer: first.pointer,
        params: first.params,
        extensions: {
          errors: [first, ...others].map((p) => ({
            code: p.code,
            pointer: p.pointer,
            detail: renderProblem(p.code, request.language, request.id, { params: p.params }).detail,
          })),
        },
      });
    }
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return sendProblem(request, reply, 'BODY_TOO_LARGE');
    if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE')
      return sendProblem(request, reply, 'MEDIA_TYPE_UNSUPPORTED');
    if (error.code?.startsWith('FST_ERR_CTP_') || error instanceof SyntaxError)
      return sendProblem(request, reply, 'BODY_MALFORMED');
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500)
      return sendProblem(request, reply, 'REQUEST_INVALID', { params: { field: 'request' } });
    request.log.error({ err: error }, 'unhandled error');
    return sendProblem(request, reply, 'INTERNAL_ERROR');
  });

  for (const registerModule of NATIONAL_MODULES) await registerModule(app, context);
  app.get(
    '/openapi.json',
    {
      schema: {
        operationId: 'getNationalOpenApiDocument',
        tags: ['system'],
        summary: 'This API as an OpenAPI 3.1 document',
      },
      config: { guard: 'public' },
    },
    () => app.swagger(),
  );
  return app;
}

/** Compares secrets in constant time, whatever their lengths. */
function sameSecret(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const digest = (value: string): Buffer => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}
