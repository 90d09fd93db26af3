import { AdmissionGate } from './admission.ts';
import { registerOpenApi } from './openapi.ts';
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import helmet from 'helmet';
import { randomUUID, timingSafeEqual } from 'node:crypto';
import type { Config } from '../config.ts';
import type { Database } from '../db/database.ts';
import type { Clock } from '../clock.ts';
import { pickLanguage } from '../i18n.ts';
import { isAllowed, type Access } from '../auth/roles.ts';
import { AuthService, roleOf, type Actor } from '../auth/service.ts';
import { DomainError, ProblemSchema, renderProblem } from './problem.ts';
import { fieldProblem } from './validation.ts';
import type { App, RouteEntry } from './types.ts';
import './errors.ts';

export const SESSION_COOKIE = 'vaxhub_session';
export const CSRF_HEADER = 'x-csrf-token';
/** The hidden form field a page without JavaScript sends the session's CSRF token in (ADR 0004). */
export const CSRF_FIELD = '_csrf';
const CORRELATION_HEADER = 'x-correlation-id';
/** What a shed request is told: long enough for a surge's wave to pass, short enough not to lose the citizen. */
const ADMISSION_RETRY_AFTER_SECONDS = 2;

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const OPERATION_ID = /^[a-z][a-zA-Z0-9]+$/;

/** What every module's routes receive: the platform's services, never another module's repository. */
export interface PlatformContext {
  config: Config;
  database: Database;
  clock: Clock;
  auth: AuthService;
}

export type ModuleRoutes = (app: App, context: PlatformContext) => Promise<void> | void;

export async function buildHttpApp(
  context: Omit<PlatformContext, 'auth'> & { logger: FastifyBaseLogger; modules: ModuleRoutes[] },
): Promise<{ app: App; routes: RouteEntry[] }> {
  const { config, database, clock, logger } = context;
  const auth = new AuthService(database.db, clock, {
    staffSessionMinutes: config.STAFF_SESSION_MINUTES,
    citizenSessionMinutes: config.CITIZEN_SESSION_MINUTES,
  });
  const platform: PlatformContext = { config, database, clock, auth };
  const routes: RouteEntry[] = [];

  const app: App = Fastify({
    loggerInstance: logger,
    trustProxy: config.TRUST_PROXY,
    logController: new LogController({ requestIdLogLabel: 'correlationId' }),
    genReqId: (request) => {
      const incoming = request.headers[CORRELATION_HEADER];
      return typeof incoming === 'string' && /^[A-Za-z0-9._-]{8,64}$/.test(incoming)
        ? incoming
        : randomUUID();
    },
    ajv: { customOptions: { allErrors: false, coerceTypes: 'array', removeAdditional: false } },
    routerOptions: { ignoreTrailingSlash: true },
    // Errors the router raises before any hook runs (bad percent-encoding, overlong parameters).
    frameworkErrors: (error, request, reply) => {
      request.language = pickLanguage(request.headers['accept-language']);
      void reply.header(CORRELATION_HEADER, request.id);
      void sendProblem(
        request,
        reply,
        error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 'PARAMETER_TOO_LONG' : 'URL_MALFORMED',
      );
    },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.decorateRequest('actor', null as never);
  app.decorateRequest('language', 'it');
  app.addSchema(ProblemSchema);

  app.addHook('onRoute', (route) => {
    if (route.schema?.hide) {
      // Documentation assets of the OpenAPI UI: public, and not operations of the API.
      route.config = { ...route.config, access: 'public' };
      return;
    }
    const schema = (route.schema ??= {});
    const operationId = schema.operationId;
    const access = route.config?.access;
    if (!operationId || !OPERATION_ID.test(operationId)) {
      throw new Error(`Route ${String(route.method)} ${route.url} needs a camelCase schema.operationId`);
    }
    if (!access)
      throw new Error(`Route ${String(route.method)} ${route.url} must declare config.access (SEC-1)`);
    // Fastify adds a HEAD twin to every GET route; it shares the GET's declaration.
    if (route.method === 'HEAD') return;
    if (routes.some((r) => r.operationId === operationId))
      throw new Error(`operationId ${operationId} is used twice`);
    const response = (schema.response ??= {}) as Record<string, unknown>;
    response['4xx'] ??= { $ref: 'Problem#' };
    response['5xx'] ??= { $ref: 'Problem#' };
    schema.description = `${schema.description ?? ''}\n\nAccess: ${describeAccess(access)}`.trim();
    for (const method of [route.method].flat()) routes.push({ method, url: route.url, operationId, access });
  });

  // Security headers from helmet, built once: @fastify/helmet rebuilds (and re-parses the CSP) on every
  // request, a tenth of the server's time on the busiest routes (docs/benchmarks.md, PERF-3).
  const securityHeaders = helmet({
    hsts: config.cookieSecure ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        frameAncestors: ["'none'"],
        imgSrc: ["'self'", 'data:'],
        upgradeInsecureRequests: config.cookieSecure ? [] : null,
      },
    },
  });
  app.addHook('onRequest', (request, reply, done) => {
    // helmet's middleware only sets headers and calls back synchronously (an error would be thrown).
    securityHeaders(request.raw, reply.raw, () => done());
  });
  await app.register(cookie);
  await app.register(formbody);
  await registerOpenApi(app, {
    title: 'Vaxhub API',
    description:
      'The regional vaccination campaign platform. Every refusal is an RFC 9457 problem with a stable `code`; messages follow Accept-Language (Italian by default).',
    securitySchemes: {
      bearer: { type: 'http', scheme: 'bearer' },
      session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE },
    },
  });

  // REL-5: shed a surge before any work (even the session lookup) is done for it.
  const gates = {
    booking: new AdmissionGate(
      context.config.ADMISSION_MAX_IN_FLIGHT,
      context.config.ADMISSION_MAX_QUEUE,
      context.config.ADMISSION_MAX_WAIT_MS,
    ),
  };
  const admitted = new WeakMap<FastifyRequest, AdmissionGate>();
  app.addHook('onRequest', async (request) => {
    const group = request.routeOptions.config.admission;
    if (group === undefined) return;
    const gate = gates[group];
    if (!(await gate.enter())) {
      throw new DomainError('TOO_MANY_REQUESTS', {
        params: { retryAfter: ADMISSION_RETRY_AFTER_SECONDS },
        headers: { 'retry-after': String(ADMISSION_RETRY_AFTER_SECONDS) },
      });
    }
    admitted.set(request, gate);
  });
  // The place is given back once, when the response is sent or the client goes away.
  const leave = (request: FastifyRequest): void => {
    admitted.get(request)?.leave();
    admitted.delete(request);
  };
  app.addHook('onResponse', (request, _reply, done) => {
    leave(request);
    done();
  });
  app.addHook('onRequestAbort', (request, done) => {
    leave(request);
    done();
  });

  /** Cookie-authenticated form posts whose CSRF token is still to be read from the parsed body. */
  const csrfFromForm = new WeakSet<FastifyRequest>();
  app.addHook('onRequest', async (request, reply) => {
    void reply.header(CORRELATION_HEADER, request.id);
    request.language = pickLanguage(request.headers['accept-language']);
    request.actor = { kind: 'anonymous' };
    const session = readSessionToken(request);
    if (session) {
      request.session = session;
      request.actor = await auth.actorForToken(session.token);
    }
    const access = request.routeOptions.config.access;
    if (!access) return; // no such route: the not-found handler answers
    const role = roleOf(request.actor);
    if (!isAllowed(access, role)) {
      throw new DomainError(role ? 'ROLE_NOT_ALLOWED' : 'AUTHENTICATION_REQUIRED', {
        params: { role: role ?? '' },
      });
    }
    if (access !== 'public' && request.session?.via === 'cookie' && !SAFE_METHODS.has(request.method)) {
      const header = request.headers[CSRF_HEADER];
      // A form posted without JavaScript cannot set a header: its token comes in a hidden field, which
      // can only be read once the body is parsed (preValidation, below). A file form (multipart) is
      // parsed only by the routes that take one; elsewhere its body is refused as unsupported.
      if (header === undefined && isFormPost(request)) csrfFromForm.add(request);
      else if (!sameCsrfToken(header, request.actor)) {
        throw new DomainError('CSRF_TOKEN_INVALID', { pointer: `/headers/${CSRF_HEADER}` });
      }
    }
  });
  app.addHook('preValidation', (request, _reply, done) => {
    if (!csrfFromForm.delete(request)) return done();
    const body = isRecord(request.body) ? request.body : {};
    if (!sameCsrfToken(body[CSRF_FIELD], request.actor)) {
      return done(new DomainError('CSRF_TOKEN_INVALID', { pointer: `/body/${CSRF_FIELD}` }));
    }
    // The token belongs to the platform, not to the operation: the route's schema never sees it.
    delete body[CSRF_FIELD];
    done();
  });

  app.setNotFoundHandler((request, reply) =>
    sendProblem(request, reply, 'ROUTE_NOT_FOUND', {
      params: { method: request.method, url: request.url.split('?')[0] ?? '' },
    }),
  );
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof DomainError) return sendProblem(request, reply, error.code, error.options);
    if (error.validation && error.validation.length > 0) {
      const problems = error.validation.map((e) => fieldProblem(e, error.validationContext));
      const [first] = problems;
      if (!first) return sendProblem(request, reply, 'REQUEST_INVALID', { params: { field: 'body' } });
      return sendProblem(request, reply, first.code, {
        pointer: first.pointer,
        params: first.params,
        extensions: {
          errors: problems.map((p) => ({
            code: p.code,
            pointer: p.pointer,
            detail: renderProblem(p.code, request.language, request.id, { params: p.params }).detail,
          })),
        },
      });
    }
    const byFastifyCode: Record<string, string> = {
      FST_ERR_CTP_INVALID_JSON_BODY: 'BODY_MALFORMED',
      FST_ERR_CTP_EMPTY_JSON_BODY: 'BODY_MALFORMED',
      FST_ERR_CTP_BODY_TOO_LARGE: 'BODY_TOO_LARGE',
      FST_ERR_CTP_INVALID_MEDIA_TYPE: 'MEDIA_TYPE_UNSUPPORTED',
      FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'BODY_MALFORMED',
    };
    const mapped = byFastifyCode[error.code] ?? (error instanceof SyntaxError ? 'BODY_MALFORMED' : undefined);
    if (mapped) return sendProblem(request, reply, mapped);
    if (error.statusCode === 429)
      return sendProblem(request, reply, 'TOO_MANY_REQUESTS', { params: { retryAfter: 1 } });
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      return sendProblem(request, reply, 'REQUEST_INVALID', { params: { field: 'request' } });
    }
    request.log.error({ err: error }, 'unhandled error');
    return sendProblem(request, reply, 'INTERNAL_ERROR');
  });

  for (const registerModule of context.modules) {
    await registerModule(app, platform);
  }
  app.get(
    '/openapi.json',
    {
      schema: {
        operationId: 'getOpenApiDocument',
        tags: ['system'],
        summary: 'This API as an OpenAPI 3.1 document',
      },
      config: { access: 'public' },
    },
    () => app.swagger(),
  );
  return { app, routes };
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const FORM_MEDIA_TYPES = new Set(['application/x-www-form-urlencoded', 'multipart/form-data']);

function isFormPost(request: FastifyRequest): boolean {
  const type = request.headers['content-type'];
  return typeof type === 'string' && FORM_MEDIA_TYPES.has(type.split(';')[0]?.trim().toLowerCase() ?? '');
}

/** Compared in constant time, so response timing does not reveal how much of a guessed token was right. */
function sameCsrfToken(given: unknown, actor: Actor): boolean {
  if (typeof given !== 'string' || actor.kind === 'anonymous') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(actor.csrfToken);
  return a.length === b.length && timingSafeEqual(a, b);
}

function readSessionToken(request: FastifyRequest): { token: string; via: 'cookie' | 'bearer' } | undefined {
  const authorization = request.headers.authorization;
  if (authorization?.startsWith('Bearer ')) return { token: authorization.slice(7).trim(), via: 'bearer' };
  const fromCookie = request.cookies[SESSION_COOKIE];
  return fromCookie ? { token: fromCookie, via: 'cookie' } : undefined;
}

export function sendProblem(
  request: FastifyRequest,
  reply: FastifyReply,
  code: string,
  options: DomainError['options'] = {},
): FastifyReply {
  const problem = renderProblem(code, request.language, request.id, {
    ...options,
    instance: request.url.split('?')[0],
  });
  if (options.headers) void reply.headers(options.headers);
  return reply.code(problem.status).type('application/problem+json').send(problem);
}

function describeAccess(access: Access): string {
  if (access === 'public') return 'public';
  if (access === 'authenticated') return 'any signed-in user';
  return access.join(', ');
}
