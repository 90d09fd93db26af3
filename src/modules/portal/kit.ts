import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sendProblem } from '../../platform/http/app.ts';
import type { Kysely } from 'kysely';
import { Type, type TSchema } from 'typebox';
import type { DB } from '../../platform/db/schema.ts';
import { DomainError, problemDefinition, renderProblem } from '../../platform/http/problem.ts';
import { fieldProblem } from '../../platform/http/validation.ts';
import type { Actor } from '../../platform/auth/service.ts';
import type { Role } from '../../platform/auth/roles.ts';
import type { Language } from '../../platform/i18n.ts';
import { BOOKING_CHANNELS, type BookingChannel } from '../eligibility/plan-file.ts';
import { findRegionName } from '../reference/service.ts';
import type { FieldError } from './forms.ts';
import type { SafeHtml } from './html.ts';
import { t, type PageArea, type PageContext } from './layout.ts';
import { text, type TextKey } from './texts.ts';
import { problemPage } from './views.ts';

/*
 * What every page handler shares: the page's language and frame, HTML or problem+json by what the client
 * reads, and form refusals in the catalogue's words next to their fields.
 */

export const CITIZEN: readonly Role[] = ['citizen'];
export const HTML_PAGE = { 200: Type.String({ contentMediaType: 'text/html' }) };
/** Form fields are loose in the route's schema: each page checks them against the API's own (checkFields). */
export const FormText = Type.Optional(Type.String({ maxLength: 600 }));

/** The citizen's choice of language, kept across pages; without it Accept-Language decides (UX-1). */
export const LANGUAGE_COOKIE = 'vaxhub_lang';

export type FormPart = 'body' | 'query';

/** A refusal of a form: the catalogue code, the field at fault (if one is) and the message's parameters. */
export interface Refusal {
  code: string;
  field: string | undefined;
  params: NonNullable<DomainError['options']['params']>;
  /** A service's own refusal, answered as it is to clients that do not read HTML. */
  error?: DomainError;
}

export interface FieldCheck {
  name: string;
  label: TextKey;
  /** The schema the JSON API validates this value with. */
  schema: TSchema;
  optional?: boolean;
}

export interface PageLink {
  href: string;
  label: TextKey;
  params?: Record<string, string>;
}

/** Browsers ask for HTML; any other client gets the platform's problem+json (SEC-6). */
export const wantsHtml = (request: FastifyRequest): boolean =>
  (request.headers.accept ?? '').includes('text/html');

export function pageLanguage(request: FastifyRequest): Language {
  const chosen = request.cookies[LANGUAGE_COOKIE];
  return chosen === 'it' || chosen === 'en' ? chosen : request.language;
}

/**
 * The form's values, each checked against the schema the JSON API checks it with, all at once: the route's
 * own validator stops at the first mistake, and a citizen should see every one of them together.
 */
export function checkFields(
  request: FastifyRequest,
  values: Record<string, string | undefined>,
  checks: readonly FieldCheck[],
): Refusal[] {
  const language = pageLanguage(request);
  const refusals: Refusal[] = [];
  for (const check of checks) {
    const value = values[check.name];
    const label = text(language, check.label);
    if (value === undefined || value === '') {
      if (check.optional !== true)
        refusals.push({ code: 'FIELD_REQUIRED', field: check.name, params: { field: label } });
      continue;
    }
    const validate = request.compileValidationSchema(check.schema);
    if (validate(value)) continue;
    const [error] = validate.errors ?? [];
    const problem =
      error === undefined ? { code: 'REQUEST_INVALID', params: {} } : fieldProblem(error, 'body');
    refusals.push({ code: problem.code, field: check.name, params: { ...problem.params, field: label } });
  }
  return refusals;
}

/** A service's refusal as a form refusal: on the field its pointer names, if the form has that field. */
export function refusalOf(error: DomainError, fields: readonly string[], fallback?: string): Refusal {
  const named = error.options.pointer?.split('/').at(-1);
  const field = named !== undefined && fields.includes(named) ? named : fallback;
  return { code: error.code, field, params: error.options.params ?? {}, error };
}

/** The signed-in citizen: the route's declared access has already let only citizens in. */
export function citizenOf(request: FastifyRequest): Extract<Actor, { kind: 'citizen' }> {
  const actor = request.actor;
  if (actor.kind !== 'citizen') throw new Error('a citizen page reached without a citizen session');
  return actor;
}

export const channelOf = (request: FastifyRequest): BookingChannel =>
  BOOKING_CHANNELS.find((known) => known === citizenOf(request).channel) ?? 'web';

export type PageKit = ReturnType<typeof createPageKit>;

/** The actor a page area signs in: citizens on the portal, staff on the consoles. */
const AREA_ACTOR: Record<PageArea, Actor['kind']> = { portal: 'citizen', console: 'staff' };

export function createPageKit(db: Kysely<DB>, regionCode: string, area: PageArea = 'portal') {
  let regionName: string | undefined;
  const home = `/${area}`;

  const pageContext = async (request: FastifyRequest, here?: string): Promise<PageContext> => {
    regionName ??= await findRegionName(db, regionCode);
    const language = pageLanguage(request);
    // An error raised before the session was read (a shed surge) leaves no actor yet.
    const actor = request.actor as Actor | null;
    const signedIn =
      actor !== null && actor.kind === AREA_ACTOR[area] && actor.kind !== 'anonymous' ? actor : undefined;
    return {
      area,
      language,
      here: here ?? (request.method === 'GET' ? request.url : home),
      regionName: regionName === undefined ? text(language, 'regionFallback') : `Regione ${regionName}`,
      session:
        signedIn === undefined ? undefined : { csrfToken: signedIn.csrfToken, expiresAt: signedIn.expiresAt },
      staff:
        signedIn?.kind === 'staff'
          ? { displayName: signedIn.displayName, role: text(language, `role_${signedIn.role}`) }
          : undefined,
    };
  };

  const sendPage = (reply: FastifyReply, status: number, page: SafeHtml): FastifyReply =>
    reply
      .code(status)
      .type('text/html; charset=utf-8')
      // Pages show personal data: neither the browser nor a proxy keeps them after sign-out.
      .header('cache-control', 'no-store')
      .send(page.value);

  /** A form that cannot go on: the same page again with its errors, or a problem for other clients. */
  const formFailed = async (
    request: FastifyRequest,
    reply: FastifyReply,
    refusals: readonly Refusal[],
    part: FormPart,
    render: (context: PageContext, errors: FieldError[]) => SafeHtml | Promise<SafeHtml>,
    here?: string,
  ): Promise<FastifyReply> => {
    const [first] = refusals;
    if (first === undefined) throw new Error('formFailed needs at least one refusal');
    if (!wantsHtml(request)) {
      throw (
        first.error ??
        new DomainError(first.code, {
          ...(first.field === undefined ? {} : { pointer: `/${part}/${first.field}` }),
          params: first.params,
        })
      );
    }
    const context = await pageContext(request, here);
    const errors = refusals.map((refusal) => ({
      field: refusal.field,
      message: renderProblem(refusal.code, context.language, request.id, { params: refusal.params }).detail,
    }));
    const headers = first.error?.options.headers;
    if (headers !== undefined) void reply.headers(headers);
    return sendPage(reply, problemDefinition(first.code)?.status ?? 400, await render(context, errors));
  };

  /** The page for a refusal that is not about one field: the catalogue's title and what to do, and a way on. */
  const sendProblemPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    error: DomainError,
    options: { heading?: TextKey; links?: readonly PageLink[] } = {},
  ): Promise<FastifyReply> => {
    if (!wantsHtml(request)) throw error;
    const context = await pageContext(request);
    const problem = renderProblem(error.code, context.language, request.id, { params: error.options.params });
    if (error.options.headers !== undefined) void reply.headers(error.options.headers);
    const onward: PageLink =
      context.session === undefined
        ? { href: `${home}/sign-in`, label: 'toSignIn' }
        : { href: area === 'portal' ? '/portal/start' : home, label: 'toStart' };
    return sendPage(
      reply,
      problem.status,
      problemPage(context, {
        title: problem.title,
        detail: problem.detail,
        correlationId: request.id,
        ...(options.heading === undefined ? {} : { heading: t(context, options.heading) }),
        links: [...(options.links ?? []), onward].map((link) => ({
          href: link.href,
          label: t(context, link.label, link.params),
        })),
      }),
    );
  };

  /**
   * A page scope's refusals as pages: a missing session goes to sign-in, a refusal or a bad field to the
   * problem page, an unknown address to "page not found"; clients that do not read HTML get the platform's
   * problem+json (its handler is the parent's). Never a stack trace.
   */
  const handleErrorsAsPages = (scope: FastifyInstance): void => {
    scope.setErrorHandler((error: FastifyError, request, reply) => {
      if (!wantsHtml(request)) throw error;
      if (error instanceof DomainError) {
        if (error.code === 'AUTHENTICATION_REQUIRED') return reply.redirect(`${home}/sign-in?expired=1`, 303);
        return sendProblemPage(request, reply, error);
      }
      const [first] = error.validation ?? [];
      if (first !== undefined) {
        const problem = fieldProblem(first, error.validationContext);
        return sendProblemPage(request, reply, new DomainError(problem.code, { params: problem.params }));
      }
      if (error.statusCode !== undefined && error.statusCode < 500) throw error;
      request.log.error({ err: error }, 'unhandled error');
      return sendProblemPage(request, reply, new DomainError('INTERNAL_ERROR'));
    });

    scope.setNotFoundHandler(async (request, reply) => {
      if (!wantsHtml(request)) {
        return sendProblem(request, reply, 'ROUTE_NOT_FOUND', {
          params: { method: request.method, url: request.url.split('?')[0] ?? '' },
        });
      }
      const context = await pageContext(request, home);
      return sendPage(
        reply,
        404,
        problemPage(context, {
          title: t(context, 'notFoundTitle'),
          detail: t(context, 'notFoundText'),
          correlationId: request.id,
          links: [{ href: home, label: t(context, 'toStart') }],
        }),
      );
    });
  };

  return { pageContext, sendPage, formFailed, sendProblemPage, handleErrorsAsPages };
}
