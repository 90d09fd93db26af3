import type {
  FastifyBaseLogger,
  FastifyInstance,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Access } from '../auth/roles.ts';
import type { Actor } from '../auth/service.ts';
import type { Language } from '../i18n.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may call this route (SEC-1): declared next to every route, checked before anything else. */
    access?: Access;
    /** REL-5: the admission group that sheds this route's load under a surge (see admission.ts). */
    admission?: 'booking';
  }
  interface FastifyRequest {
    actor: Actor;
    language: Language;
    /** The session token of this request and how it came: a cookie needs a CSRF token to write. */
    session?: { token: string; via: 'cookie' | 'bearer' };
  }
}

export type App = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

/** One row of the route table: what the role-matrix test walks (SEC-1). */
export interface RouteEntry {
  method: string;
  url: string;
  operationId: string;
  access: Access;
}
