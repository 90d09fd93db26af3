import { Type } from 'typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ModuleRoutes } from '../http/app.ts';
import { SESSION_COOKIE } from '../http/app.ts';
import { actingContextOf } from '../http/acting-context.ts';
import type { Config } from '../config.ts';
import type { SessionGrant, SignedInActor } from './service.ts';
import { CitizenSignInBody, SessionGrantView, SessionView, StaffSignInBody } from './schemas.ts';

export function sessionView(actor: SignedInActor) {
  const common = {
    kind: actor.kind,
    role: actor.role,
    channel: actor.channel,
    expiresAt: actor.expiresAt.toISOString(),
    csrfToken: actor.csrfToken,
  };
  return actor.kind === 'citizen'
    ? { ...common, personId: actor.personId }
    : {
        ...common,
        staff: {
          accountId: actor.accountId,
          username: actor.username,
          displayName: actor.displayName,
          vaccinationPointIds: actor.vaccinationPointIds,
          healthAuthorityCodes: actor.healthAuthorityCodes,
        },
      };
}

/** Sets the session cookie (the citizen portal's sign-in page uses the same) and answers the grant. */
export function grantSession(reply: FastifyReply, config: Config, grant: SessionGrant) {
  void reply.setCookie(SESSION_COOKIE, grant.token, {
    httpOnly: true,
    sameSite: 'lax',
    secure: config.cookieSecure,
    path: '/',
    expires: grant.actor.expiresAt,
  });
  return { token: grant.token, session: sessionView(grant.actor) };
}

const clientAddress = (request: FastifyRequest): string => request.ip;

export const authRoutes: ModuleRoutes = (app, { auth, config, clock }) => {
  app.post(
    '/auth/citizen/session',
    {
      schema: {
        operationId: 'signInCitizen',
        tags: ['auth'],
        summary: 'Citizen sign-in with tax code and health-card number (REG-3)',
        body: CitizenSignInBody,
        response: { 201: SessionGrantView },
      },
      config: { access: 'public' },
    },
    async (request, reply) => {
      const { taxCode, healthCardNumber, channel = 'web' } = request.body;
      const grant = await auth.signInCitizen(
        { taxCode, healthCardNumber, channel },
        clientAddress(request),
        request.id,
      );
      return reply.code(201).send(grantSession(reply, config, grant));
    },
  );

  app.post(
    '/auth/staff/session',
    {
      schema: {
        operationId: 'signInStaff',
        tags: ['auth'],
        summary: 'Staff sign-in with username and password',
        body: StaffSignInBody,
        response: { 201: SessionGrantView },
      },
      config: { access: 'public' },
    },
    async (request, reply) => {
      const grant = await auth.signInStaff(request.body, clientAddress(request), request.id);
      return reply.code(201).send(grantSession(reply, config, grant));
    },
  );

  app.get(
    '/auth/session',
    {
      schema: {
        operationId: 'getCurrentSession',
        tags: ['auth'],
        summary: 'Who is signed in, with the CSRF token for cookie-authenticated writes',
        response: { 200: SessionView },
      },
      config: { access: 'authenticated' },
    },
    (request) => {
      if (request.actor.kind === 'anonymous') throw new Error('authenticated route reached anonymously');
      return sessionView(request.actor);
    },
  );

  app.delete(
    '/auth/session',
    {
      schema: {
        operationId: 'signOut',
        tags: ['auth'],
        summary: 'Sign out: the session stops working at once',
        response: { 204: Type.Null() },
      },
      config: { access: 'authenticated' },
    },
    async (request, reply) => {
      if (request.session) await auth.signOut(request.session.token, actingContextOf(request, clock.now()));
      void reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.code(204).send(null);
    },
  );
};
