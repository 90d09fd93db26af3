import type { FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { ModuleRoutes } from '../../platform/http/app.ts';
import { SESSION_COOKIE } from '../../platform/http/app.ts';
import { actingContextOf } from '../../platform/http/acting-context.ts';
import { DomainError } from '../../platform/http/problem.ts';
import { grantSession } from '../../platform/auth/routes.ts';
import { StaffSignInBody } from '../../platform/auth/schemas.ts';
import { STAFF_ROLES } from '../../platform/auth/roles.ts';
import type { Actor } from '../../platform/auth/service.ts';
import { checkFields, createPageKit, FormText, HTML_PAGE, refusalOf, type Refusal } from '../portal/kit.ts';
import { consoleHomePage, consoleSignInPage } from './views.ts';
import { registerVaccinationPointPages } from './vaccination-point-pages.ts';
import { registerAuthorityPages } from './authority-pages.ts';
import { registerDashboardPages } from './dashboard-pages.ts';
import { registerCallCenterPages } from './call-center-pages.ts';
import { registerCapacityChangePages } from './capacity-change-pages.ts';
import { registerAccessibilityAdminPages } from './accessibility-admin-pages.ts';
import { registerOutreachAdminPages } from './outreach-admin-pages.ts';

/** Every staff role: the console's own pages (home, sign-out) are open to all of them. */
export const STAFF = STAFF_ROLES;

/** The signed-in staff member: the route's declared access has already let only staff in. */
export function staffOf(request: FastifyRequest): Extract<Actor, { kind: 'staff' }> {
  const actor = request.actor;
  if (actor.kind !== 'staff') throw new Error('a console page reached without a staff session');
  return actor;
}

/**
 * The staff consoles (issue 9, ADR 0018): server-rendered pages in the portal's frame, behind the staff
 * sign-in, each declaring its roles like any API route and doing its work through the modules' services.
 * A section's pages live in their own file and are registered below.
 */
export const consoleRoutes: ModuleRoutes = async (app, { database, config, clock, auth }) => {
  const kit = createPageKit(database.db, config.REGION_CODE, 'console');
  const { pageContext, sendPage, formFailed } = kit;

  await app.register(
    (scope, _options, done) => {
      const console = scope.withTypeProvider<TypeBoxTypeProvider>();
      kit.handleErrorsAsPages(scope);

      console.get(
        '/',
        {
          schema: {
            operationId: 'consoleHome',
            tags: ['console'],
            summary: 'Staff console: the sections open to the signed-in role, or the sign-in page',
            response: HTML_PAGE,
          },
          config: { access: 'public' },
        },
        async (request, reply) => {
          if (request.actor.kind !== 'staff') return reply.redirect('/console/sign-in', 303);
          return sendPage(reply, 200, consoleHomePage(await pageContext(request), request.actor.role));
        },
      );

      console.get(
        '/sign-in',
        {
          schema: {
            operationId: 'consoleSignInPage',
            tags: ['console'],
            summary: 'Staff console: the sign-in form (username and password)',
            querystring: Type.Object(
              { expired: Type.Optional(Type.Literal('1')), out: Type.Optional(Type.Literal('1')) },
              { additionalProperties: false },
            ),
            response: HTML_PAGE,
          },
          config: { access: 'public' },
        },
        async (request, reply) => {
          const notice = request.query.out ? 'signedOut' : request.query.expired ? 'expired' : undefined;
          return sendPage(
            reply,
            200,
            consoleSignInPage(await pageContext(request), {
              errors: [],
              ...(notice === undefined ? {} : { notice }),
            }),
          );
        },
      );

      console.post(
        '/sign-in',
        {
          schema: {
            operationId: 'consoleSignIn',
            tags: ['console'],
            summary: 'Staff console: signs in from the form and sets the session cookie (SEC-3)',
            body: Type.Object({ username: FormText, password: FormText }, { additionalProperties: false }),
          },
          config: { access: 'public' },
        },
        async (request, reply) => {
          const username = request.body.username?.trim();
          const failed = (refusals: Refusal[]) =>
            formFailed(
              request,
              reply,
              refusals,
              'body',
              (context, errors) => consoleSignInPage(context, { username, errors }),
              '/console/sign-in',
            );
          const refusals = checkFields(request, { username, password: request.body.password }, [
            { name: 'username', label: 'username', schema: StaffSignInBody.properties.username },
            { name: 'password', label: 'password', schema: StaffSignInBody.properties.password },
          ]);
          if (refusals.length > 0) return failed(refusals);
          try {
            const grant = await auth.signInStaff(
              { username: username ?? '', password: request.body.password ?? '' },
              request.ip,
              request.id,
            );
            grantSession(reply, config, grant);
            return reply.redirect('/console', 303);
          } catch (error) {
            if (!(error instanceof DomainError)) throw error;
            return failed([refusalOf(error, [], 'username')]);
          }
        },
      );

      console.post(
        '/sign-out',
        {
          schema: {
            operationId: 'consoleSignOut',
            tags: ['console'],
            summary: 'Staff console: signs out; the session stops working at once',
          },
          config: { access: STAFF },
        },
        async (request, reply) => {
          if (request.session)
            await auth.signOut(request.session.token, actingContextOf(request, clock.now()));
          void reply.clearCookie(SESSION_COOKIE, { path: '/' });
          return reply.redirect('/console/sign-in?out=1', 303);
        },
      );

      // Sections register their pages here, one line each.
      registerVaccinationPointPages(console, { kit, database, config, clock });
      registerAuthorityPages(console, { kit, database, config, clock });
      registerDashboardPages(console, { kit, database, config, clock });
      registerCallCenterPages(console, { kit, database, config, clock });
      registerCapacityChangePages(console, { kit, database, config, clock });
      registerAccessibilityAdminPages(console, { kit, database, config, clock });
      registerOutreachAdminPages(console, { kit, database, config, clock });

      done();
    },
    { prefix: '/console' },
  );
};
