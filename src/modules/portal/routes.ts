import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { ModuleRoutes } from '../../platform/http/app.ts';
import { SESSION_COOKIE } from '../../platform/http/app.ts';
import { actingContextOf } from '../../platform/http/acting-context.ts';
import { DomainError } from '../../platform/http/problem.ts';
import { grantSession } from '../../platform/auth/routes.ts';
import { CitizenSignInBody } from '../../platform/auth/schemas.ts';
import { IDENTIFIER_POLICY } from '../../platform/auth/throttle.ts';
import { createNationalClient } from '../../national/client.ts';
import { EligibilityService } from '../eligibility/service.ts';
import { toEligibilityView } from '../eligibility/views.ts';
import { BookingService } from '../booking/service.ts';
import { BookingCodeParams } from '../booking/schemas.ts';
import { RegistryService } from '../registry/service.ts';
import { registerPortalAssets } from './assets.ts';
import { registerBookingPages } from './booking-pages.ts';
import { registerOutreachPages } from './outreach-pages.ts';
import { registerAccessibilityPages } from './accessibility-pages.ts';
import { registerWaitingListPages } from './waiting-list-pages.ts';
import { registerCertificatePages } from './certificate-pages.ts';
import { registerCaregiverPages } from './caregiver-pages.ts';
import type { FieldError } from './forms.ts';
import {
  channelOf,
  checkFields,
  CITIZEN,
  FormText,
  HTML_PAGE,
  citizenOf,
  createPageKit,
  LANGUAGE_COOKIE,
  refusalOf,
  type Refusal,
} from './kit.ts';
import type { PageContext } from './layout.ts';
import { signInPage, startPage } from './views.ts';

const SIGN_IN_POLICY = { attempts: IDENTIFIER_POLICY.maxFailures, minutes: IDENTIFIER_POLICY.lockMinutes };

/**
 * The citizen portal (issue 9, ADR 0004, ADR 0014): server-rendered pages that work without JavaScript,
 * each declaring its access like any API route and doing its work through the same services.
 */
export const portalRoutes: ModuleRoutes = async (app, { database, clock, config, auth }) => {
  const db = database.db;
  const eligibility = new EligibilityService(db, clock, config.REGION_CODE);
  const booking = new BookingService(db, clock, eligibility);
  const registry = new RegistryService(
    db,
    clock,
    createNationalClient({
      baseUrl: config.NATIONAL_URL,
      token: config.NATIONAL_API_TOKEN,
      timeoutMs: config.NATIONAL_TIMEOUT_MS,
    }),
    config.REGION_CODE,
  );
  const kit = createPageKit(db, config.REGION_CODE);
  const { pageContext, sendPage, formFailed } = kit;

  await registerPortalAssets(app);

  await app.register(
    (scope, _options, done) => {
      const portal = scope.withTypeProvider<TypeBoxTypeProvider>();
      kit.handleErrorsAsPages(scope);

      portal.get(
        '/',
        {
          schema: {
            operationId: 'portalEntry',
            tags: ['portal'],
            summary: 'Citizen portal: to the sign-in page, or to the citizen’s own page when signed in',
          },
          config: { access: 'public' },
        },
        (request, reply) =>
          reply.redirect(request.actor.kind === 'citizen' ? '/portal/start' : '/portal/sign-in', 303),
      );

      portal.get(
        '/language',
        {
          schema: {
            operationId: 'portalChooseLanguage',
            tags: ['portal'],
            summary: 'Citizen portal: Italian or English for the next pages (UX-1)',
            querystring: Type.Object(
              { to: Type.Enum(['it', 'en']), back: Type.Optional(Type.String({ maxLength: 2000 })) },
              { additionalProperties: false },
            ),
          },
          config: { access: 'public' },
        },
        (request, reply) => {
          const back = request.query.back ?? '';
          // Only back into the portal: an address carried by a link must not lead the citizen elsewhere.
          const target = /^\/(?:portal|console)(?:[/?][^\\\s]*)?$/.test(back) ? back : '/portal';
          void reply.setCookie(LANGUAGE_COOKIE, request.query.to, {
            path: '/',
            httpOnly: true,
            sameSite: 'lax',
            secure: config.cookieSecure,
            maxAge: 365 * 24 * 60 * 60,
          });
          return reply.redirect(target, 303);
        },
      );

      portal.get(
        '/sign-in',
        {
          schema: {
            operationId: 'portalSignInPage',
            tags: ['portal'],
            summary: 'Citizen portal: the sign-in form, tax code and health-card number (REG-3)',
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
          const context = await pageContext(request);
          return sendPage(
            reply,
            200,
            signInPage(context, { values: {}, errors: [], notice, policy: SIGN_IN_POLICY }),
          );
        },
      );

      portal.post(
        '/sign-in',
        {
          schema: {
            operationId: 'portalSignIn',
            tags: ['portal'],
            summary: 'Citizen portal: signs in from the form and sets the session cookie (REG-3, SEC-3)',
            body: Type.Object(
              { taxCode: FormText, healthCardNumber: FormText },
              { additionalProperties: false },
            ),
          },
          config: { access: 'public' },
        },
        async (request, reply) => {
          const values = {
            taxCode: request.body.taxCode?.replace(/\s+/g, '').toUpperCase(),
            healthCardNumber: request.body.healthCardNumber?.trim(),
          };
          const failed = (refusals: Refusal[]) =>
            formFailed(
              request,
              reply,
              refusals,
              'body',
              (context, errors) => signInPage(context, { values, errors, policy: SIGN_IN_POLICY }),
              '/portal/sign-in',
            );
          const refusals = checkFields(request, values, [
            { name: 'taxCode', label: 'taxCode', schema: CitizenSignInBody.properties.taxCode },
            {
              name: 'healthCardNumber',
              label: 'healthCardNumber',
              schema: CitizenSignInBody.properties.healthCardNumber,
            },
          ]);
          if (refusals.length > 0) return failed(refusals);
          try {
            const grant = await auth.signInCitizen(
              {
                taxCode: values.taxCode ?? '',
                healthCardNumber: values.healthCardNumber ?? '',
                channel: 'web',
              },
              request.ip,
              request.id,
            );
            grantSession(reply, config, grant);
            return reply.redirect('/portal/start', 303);
          } catch (error) {
            if (!(error instanceof DomainError)) throw error;
            // SEC-3: one answer for any mismatch, linked from the summary to the first field.
            return failed([
              refusalOf(error, [], error.code === 'CITIZEN_SIGN_IN_FAILED' ? 'taxCode' : undefined),
            ]);
          }
        },
      );

      portal.post(
        '/sign-out',
        {
          schema: {
            operationId: 'portalSignOut',
            tags: ['portal'],
            summary: 'Citizen portal: signs out; the session stops working at once',
          },
          config: { access: CITIZEN },
        },
        async (request, reply) => {
          if (request.session)
            await auth.signOut(request.session.token, actingContextOf(request, clock.now()));
          void reply.clearCookie(SESSION_COOKIE, { path: '/' });
          return reply.redirect('/portal/sign-in?out=1', 303);
        },
      );

      // ------------------------------------------------------------------------------------------
      // The citizen's page: can I book, and why not (ELIG-5); my bookings (BOOK-8)

      const startView = async (
        request: Parameters<typeof citizenOf>[0],
        context: PageContext,
        find: { code?: string | undefined; errors: readonly FieldError[] },
      ) => {
        const { personId } = citizenOf(request);
        const person = await registry.getPerson(personId);
        const explanation = await eligibility.explain(personId, channelOf(request));
        const rows = await booking.openBookingsOf(personId);
        const bookings = await Promise.all(
          rows.map(async (row) => {
            const { place } = await booking.confirmationOf(row);
            return {
              code: row.code,
              doseNumber: row.dose_number,
              startsAt: row.starts_at,
              place: `${place.name}, ${place.municipality}`,
            };
          }),
        );
        return startPage(context, {
          name: `${person.givenName} ${person.surname}`,
          eligibility: toEligibilityView(personId, explanation),
          bookings,
          find,
        });
      };

      portal.get(
        '/start',
        {
          schema: {
            operationId: 'portalStart',
            tags: ['portal'],
            summary: 'Citizen portal: can I book, and if not why and what next (ELIG-5); my open bookings',
            response: HTML_PAGE,
          },
          config: { access: CITIZEN },
        },
        async (request, reply) =>
          sendPage(reply, 200, await startView(request, await pageContext(request), { errors: [] })),
      );

      portal.get(
        '/bookings',
        {
          schema: {
            operationId: 'portalFindBooking',
            tags: ['portal'],
            summary: 'Citizen portal: finds one of the citizen’s bookings by its code (BOOK-8)',
            querystring: Type.Object({ code: FormText }, { additionalProperties: false }),
          },
          config: { access: CITIZEN },
        },
        async (request, reply) => {
          const code = request.query.code?.replace(/\s+/g, '').toUpperCase();
          const failed = (refusals: Refusal[]) =>
            formFailed(
              request,
              reply,
              refusals,
              'query',
              (context, errors) => startView(request, context, { code, errors }),
              '/portal/start',
            );
          const refusals = checkFields(request, { code }, [
            { name: 'code', label: 'bookingCode', schema: BookingCodeParams.properties.code },
          ]);
          if (refusals.length > 0 || code === undefined) return failed(refusals);
          try {
            await booking.getBooking(code, citizenOf(request).personId);
          } catch (error) {
            if (error instanceof DomainError && error.code === 'BOOKING_NOT_FOUND')
              return failed([refusalOf(error, ['code'])]);
            throw error;
          }
          return reply.redirect(`/portal/bookings/${code}`, 303);
        },
      );

      registerBookingPages(portal, {
        kit,
        booking,
        eligibility,
        registry,
        clock,
        regionCode: config.REGION_CODE,
        db,
      });
      registerAccessibilityPages(portal, { kit, booking, eligibility, clock, db });
      registerWaitingListPages(portal, { kit, booking, registry, clock, db });
      registerCertificatePages(portal, { kit, db, clock, config });
      registerOutreachPages(portal, { kit, booking, eligibility, clock, db });
      registerCaregiverPages(portal, {
        kit,
        booking,
        eligibility,
        registry,
        clock,
        regionCode: config.REGION_CODE,
        db,
      });
      done();
    },
    { prefix: '/portal' },
  );
};
