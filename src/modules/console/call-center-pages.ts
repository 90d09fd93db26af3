import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { Clock } from '../../platform/clock.ts';
import { romeDate } from '../../platform/clock.ts';
import type { Config } from '../../platform/config.ts';
import type { Database } from '../../platform/db/database.ts';
import { actingContextOf } from '../../platform/http/acting-context.ts';
import { DomainError } from '../../platform/http/problem.ts';
import { Id } from '../../platform/http/schema-types.ts';
import type { App } from '../../platform/http/types.ts';
import type { Role } from '../../platform/auth/roles.ts';
import { createNationalClient } from '../../national/client.ts';
import { RegistryService } from '../registry/service.ts';
import type { PersonViewT } from '../registry/schemas.ts';
import { EligibilityService } from '../eligibility/service.ts';
import { toEligibilityView } from '../eligibility/views.ts';
import {
  AddLinkBody,
  BookingListInsertionBody,
  CategoryChangeBody,
  MyLinkBody,
  RemoveLinkBody,
} from '../eligibility/schemas.ts';
import { LINK_RELATIONS, type LinkRelation } from '../eligibility/tables.ts';
import { BookingService } from '../booking/service.ts';
import { BookingCodeParams } from '../booking/schemas.ts';
import { findMunicipalityByIstat } from '../reference/service.ts';
import { cancelReasonText, checkCancelForm } from '../portal/booking-pages.ts';
import { registerBookingSteps, type Party } from '../portal/booking-steps.ts';
import { groupBookings, groupBookingsPage, groupMembers } from '../portal/caregiver-pages.ts';
import {
  choiceGroup,
  errorSummary,
  fieldAnchor,
  selectInput,
  textInput,
  type FieldError,
} from '../portal/forms.ts';
import { html, type SafeHtml } from '../portal/html.ts';
import { checkFields, FormText, HTML_PAGE, refusalOf, type PageKit, type Refusal } from '../portal/kit.ts';
import { csrfField, formatDate, formatDateTime, t, type PageContext } from '../portal/layout.ts';
import { bookingPage, cancelPage, type BookingFlow } from '../portal/views.ts';
import { staffOf } from './routes.ts';
import { registerPersonSearch } from './person-search.ts';
import { consolePage } from './views.ts';

/** Issue 9 point 3: the contact center's operators and their supervisors. */
export const CALL_CENTER: readonly Role[] = ['call_center', 'contact_center_supervisor'];
const SUPERVISORS: readonly Role[] = ['contact_center_supervisor'];
const HOME = '/console/call-center';
const INSERT_REASONS = BookingListInsertionBody.properties.reason.enum as readonly string[];
const DONE = ['linked', 'removed', 'category', 'inserted', 'imported', 'found', 'registered'] as const;
type Done = (typeof DONE)[number];

interface Deps {
  kit: PageKit;
  database: Database;
  config: Config;
  clock: Clock;
}

const PersonParams = Type.Object({ personId: Id });
const BookingParams = Type.Object({ personId: Id, code: BookingCodeParams.properties.code });
const nameOf = (person: { givenName: string; surname: string }) => `${person.surname} ${person.givenName}`;

/** The console frame for a call-center page, with the section marked current. */
const frameFor =
  (request: FastifyRequest): BookingFlow['frame'] =>
  (context, page) =>
    consolePage(context, staffOf(request).role, { ...page, current: HOME });

const personFlow = (request: FastifyRequest, personId: number, base = 'book'): BookingFlow => ({
  base: `${HOME}/persons/${String(personId)}/${base}`,
  bookings: `${HOME}/persons/${String(personId)}/bookings`,
  carry: {},
  home: `${HOME}/persons/${String(personId)}`,
  homeLabel: 'ccBackToPerson',
  frame: frameFor(request),
});

// ------------------------------------------------------------------------------------------------
// Views

interface Found {
  person: PersonViewT;
  residence: string;
}

function identityRows(context: PageContext, found: Found): SafeHtml {
  const { person } = found;
  return html`<td>${nameOf(person)}</td>
    <td>${formatDate(new Date(`${person.birthDate}T12:00:00Z`), context.language)}</td>
    <td>${found.residence}</td>`;
}

interface PersonView {
  found: Found;
  eligibility: ReturnType<typeof toEligibilityView>;
  bookings: { code: string; startsAt: Date; place: string; dose: number }[];
  links: { id: number; name: string; relation: LinkRelation }[];
  placesLeft: number;
  categories: { code: string; label: string }[];
  supervisor: boolean;
  done?: Done | undefined;
  values: Record<string, string | undefined>;
  errors: readonly FieldError[];
}

function personPage(context: PageContext, view: PersonView, frame: BookingFlow['frame']): SafeHtml {
  const { found, eligibility, errors, values } = view;
  const person = found.person;
  const base = `${HOME}/persons/${String(person.id)}`;
  const language = context.language;
  const categories = eligibility.qualifications.map((q) => q.categoryLabel[language]).join('; ');
  const relationLabel = (relation: LinkRelation) => t(context, `relation_${relation}`);
  const title = t(context, 'ccPersonTitle', { name: nameOf(person) });
  return frame(context, {
    title,
    hasErrors: errors.length > 0,
    body: html`${errorSummary(context, errors, {
        relation: fieldAnchor('relation', 'group'),
        insertReason: fieldAnchor('insertReason', 'group'),
        evidenceStatus: fieldAnchor('evidenceStatus', 'group'),
      })}
      ${view.done === undefined ? null : html`<div class="alert alert-success" role="status">${t(context, `ccDone_${view.done}`)}</div>`}
      ${
        person.mobile === null && person.email === null
          ? html`<div class="alert alert-warning">${t(context, 'vpRecordContactsHint')}</div>`
          : null
      }
      <h1>${title}</h1>
      <h2 class="h4">${t(context, 'ccIdentity')}</h2>
      <table class="table">
        <thead>
          <tr>
            <th scope="col">${t(context, 'ccName')}</th>
            <th scope="col">${t(context, 'ccBorn')}</th>
            <th scope="col">${t(context, 'ccResidence')}</th>
          </tr>
        </thead>
        <tbody>
          <tr>
            ${identityRows(context, found)}
          </tr>
        </tbody>
      </table>
      <h2 class="h4 mt-4">${t(context, 'ccEligibility')}</h2>
      <div class="alert alert-${eligibility.bookable ? 'success' : 'warning'}" role="status">
        <p><strong>${t(context, eligibility.bookable ? 'ccCanBook' : 'ccCannotBook')}</strong></p>
        <p>${eligibility.message[language]}</p>
        <p class="mb-0">
          ${t(context, 'ccNextStep', { step: eligibility.nextStep })}${categories === '' ? null : html`<br />${t(context, 'ccCategories', { categories })}`}
        </p>
      </div>
      ${eligibility.bookable ? html`<p><a class="btn btn-primary" href="${base}/book" autofocus>${t(context, 'ccBookButton')}</a></p>` : null}
      <h2 class="h4 mt-4">${t(context, 'ccBookings')}</h2>
      ${
        view.bookings.length === 0
          ? html`<p>${t(context, 'ccNoBookings')}</p>`
          : html`<table class="table">
              <thead>
                <tr>
                  <th scope="col">${t(context, 'ccCode')}</th>
                  <th scope="col">${t(context, 'dose')}</th>
                  <th scope="col">${t(context, 'ccWhen')}</th>
                  <th scope="col">${t(context, 'ccWhere')}</th>
                </tr>
              </thead>
              <tbody>
                ${view.bookings.map(
                  (booking) =>
                    html`<tr>
                      <td><a href="${base}/bookings/${booking.code}">${booking.code}</a></td>
                      <td>${String(booking.dose)}</td>
                      <td>${formatDateTime(booking.startsAt, language)}</td>
                      <td>${booking.place}</td>
                    </tr>`,
                )}
              </tbody>
            </table>`
      }
      <h2 class="h4 mt-4">${t(context, 'ccLinks')}</h2>
      <p>${t(context, 'placesLeft', { n: view.placesLeft })}</p>
      ${
        view.links.length === 0
          ? null
          : html`<table class="table">
                <thead>
                  <tr>
                    <th scope="col">${t(context, 'linkedPerson')}</th>
                    <th scope="col">${t(context, 'relation')}</th>
                    <th scope="col">${t(context, 'removeLink')}</th>
                  </tr>
                </thead>
                <tbody>
                  ${view.links.map(
                    (link) =>
                      html`<tr>
                        <td>${link.name}</td>
                        <td>${relationLabel(link.relation)}</td>
                        <td>
                          <form method="post" action="${base}/links/${String(link.id)}/remove" novalidate>
                            ${csrfField(context)}
                            <label class="form-label" for="reason-${String(link.id)}"
                              >${t(context, 'removeReason')}<span class="visually-hidden">
                                – ${link.name}</span
                              ></label
                            >
                            <input
                              class="form-control mb-2"
                              id="reason-${String(link.id)}"
                              name="reason"
                              maxlength="1000"
                            />
                            <button type="submit" class="btn btn-outline-danger btn-sm">
                              ${t(context, 'removeLink')}<span class="visually-hidden"> – ${link.name}</span>
                            </button>
                          </form>
                        </td>
                      </tr>`,
                  )}
                </tbody>
              </table>
              <form method="get" action="${base}/group" novalidate>
                ${choiceGroup(context, errors, {
                  name: 'people',
                  type: 'checkbox',
                  legend: t(context, 'groupWho'),
                  legendClass: 'h5 form-legend',
                  options: [
                    { value: 'self', label: t(context, 'groupSelf', { name: nameOf(person) }) },
                    ...view.links.map((link) => ({ value: String(link.id), label: link.name })),
                  ],
                  values: ['self', ...view.links.map((link) => String(link.id))],
                })}
                <button type="submit" class="btn btn-primary">${t(context, 'ccGroupButton')}</button>
              </form>`
      }
      ${
        view.placesLeft === 0
          ? null
          : html`<form class="mt-3" method="post" action="${base}/links" novalidate>
              ${csrfField(context)}
              <h3 class="h5">${t(context, 'addLinkTitle')}</h3>
              ${textInput(context, errors, {
                name: 'linkTaxCode',
                label: t(context, 'taxCode'),
                value: values.linkTaxCode,
                autocomplete: 'off',
                code: true,
                maxlength: 20,
                size: 'medium',
              })}
              ${textInput(context, errors, {
                name: 'linkHealthCardNumber',
                label: t(context, 'healthCardNumber'),
                value: values.linkHealthCardNumber,
                autocomplete: 'off',
                inputmode: 'numeric',
                code: true,
                maxlength: 30,
              })}
              ${choiceGroup(context, errors, {
                name: 'relation',
                legend: t(context, 'relation'),
                options: LINK_RELATIONS.map((relation) => ({
                  value: relation,
                  label: relationLabel(relation),
                })),
                values: values.relation === undefined ? [] : [values.relation],
              })}
              <button type="submit" class="btn btn-outline-primary">${t(context, 'ccLinkButton')}</button>
            </form>`
      }
      ${
        view.supervisor
          ? html`<h2 class="h4 mt-5">${t(context, 'ccCategoryTitle')}</h2>
              <form method="post" action="${base}/category" novalidate>
                ${csrfField(context)}
                ${selectInput(context, errors, {
                  name: 'category',
                  label: t(context, 'ccCategory'),
                  options: view.categories.map((category) => ({
                    value: category.code,
                    label: category.label,
                  })),
                  value: values.category,
                })}
                ${textInput(context, errors, {
                  name: 'conditionCode',
                  label: t(context, 'conditionCode'),
                  value: values.conditionCode,
                  autocomplete: 'off',
                  maxlength: 64,
                })}
                ${choiceGroup(context, errors, {
                  name: 'evidenceStatus',
                  legend: t(context, 'ccEvidence'),
                  options: (['verified', 'self_declared'] as const).map((status) => ({
                    value: status,
                    label: t(context, `evidence_${status}`),
                  })),
                  values: values.evidenceStatus === undefined ? [] : [values.evidenceStatus],
                })}
                ${textInput(context, errors, {
                  name: 'categoryReason',
                  label: t(context, 'ccReason'),
                  hint: t(context, 'ccReasonHint'),
                  value: values.categoryReason,
                  maxlength: 1000,
                })}
                <button type="submit" class="btn btn-outline-primary">
                  ${t(context, 'ccCategoryButton')}
                </button>
              </form>
              <h2 class="h4 mt-5">${t(context, 'ccInsertTitle')}</h2>
              <form method="post" action="${base}/booking-lists" novalidate>
                ${csrfField(context)}
                ${choiceGroup(context, errors, {
                  name: 'insertReason',
                  legend: t(context, 'ccInsertReason'),
                  options: INSERT_REASONS.map((reason) => ({
                    value: reason,
                    label: t(context, `ccInsert_${reason as 'aire'}`),
                  })),
                  values: values.insertReason === undefined ? [] : [values.insertReason],
                })}
                ${textInput(context, errors, {
                  name: 'insertNote',
                  label: t(context, 'ccNote'),
                  hint: t(context, 'ccReasonHint'),
                  value: values.insertNote,
                  maxlength: 1000,
                })}
                <button type="submit" class="btn btn-outline-primary">${t(context, 'ccInsertButton')}</button>
              </form>`
          : null
      }
      <p class="mt-4"><a href="${HOME}">${t(context, 'ccNewSearch')}</a></p>`,
  });
}

// ------------------------------------------------------------------------------------------------
// Routes

/**
 * The call-center console (issue 9 point 3): identify a caller (REG-5), say whether and when they can
 * book (ELIG-5), book, read, move and cancel on their behalf with the channel `call_center` (BOOK-11),
 * link caregivers and book the group (ELIG-13..15), and, for supervisors, change a category with a
 * reason (ELIG-16) or insert a person entitled by age into the booking lists (ELIG-17).
 */
export function registerCallCenterPages(console: App, deps: Deps): void {
  const { kit, database, config, clock } = deps;
  const { pageContext, sendPage, formFailed, sendProblemPage } = kit;
  const db = database.db;
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
  const eligibility = new EligibilityService(db, clock, config.REGION_CODE);
  const booking = new BookingService(db, clock, eligibility);
  const context = (request: FastifyRequest) => actingContextOf(request, clock.now());

  const foundOf = async (person: PersonViewT): Promise<Found> => {
    const place = person.residence ?? person.domicile;
    const municipality =
      place === null ? undefined : await findMunicipalityByIstat(db, place.municipalityIstat);
    return { person, residence: municipality?.name ?? '–' };
  };

  // --- Find the caller: the region, then by identifier the national registry; import, register (REG-5, REG-6)

  registerPersonSearch(
    console,
    { kit, db, clock, registry, regionCode: config.REGION_CODE },
    {
      searchUrl: '/call-center',
      section: '/call-center',
      home: HOME,
      personHref: (personId) => `${HOME}/persons/${String(personId)}`,
      readers: CALL_CENTER,
      writers: SUPERVISORS,
      operationIds: {
        search: 'consoleCallCenter',
        import: 'consoleCallCenterImport',
        registerForm: 'consoleCallCenterRegisterForm',
        register: 'consoleCallCenterRegister',
      },
      who: 'Call center',
      intro: 'psSearchIntroRegional',
      healthCard: true,
    },
  );

  // --- The caller's record: identity, eligibility, bookings, links, supervisor's decisions ---------

  const renderPerson = async (
    request: FastifyRequest,
    ctx: PageContext,
    personId: number,
    extra: { done?: Done | undefined; values?: Record<string, string | undefined>; errors?: FieldError[] },
  ) => {
    const person = await registry.getPerson(personId);
    const explanation = await eligibility.explain(personId, 'call_center');
    const rows = await booking.openBookingsOf(personId);
    const bookings = await Promise.all(
      rows.map(async (row) => {
        const { place } = await booking.confirmationOf(row);
        return {
          code: row.code,
          startsAt: row.starts_at,
          place: `${place.name}, ${place.municipality}`,
          dose: row.dose_number,
        };
      }),
    );
    const links = await eligibility.links(personId);
    const plan = await eligibility.planInForce(romeDate(clock.now()));
    return personPage(
      ctx,
      {
        found: await foundOf(person),
        eligibility: toEligibilityView(personId, explanation),
        bookings,
        links: await Promise.all(
          links.map(async (link) => ({
            id: link.id,
            name: nameOf(await registry.getPerson(link.linked_person_id)),
            relation: link.relation,
          })),
        ),
        placesLeft: 3 - links.length,
        categories: plan.national.categories
          .filter((category) => category.basis === 'entitlement')
          .map((category) => ({ code: category.code, label: category.label[ctx.language] })),
        supervisor: staffOf(request).role === 'contact_center_supervisor',
        done: extra.done,
        values: extra.values ?? {},
        errors: extra.errors ?? [],
      },
      frameFor(request),
    );
  };

  const personFailed = (
    request: FastifyRequest,
    reply: FastifyReply,
    personId: number,
    refusals: Refusal[],
    values: Record<string, string | undefined>,
  ) =>
    formFailed(
      request,
      reply,
      refusals,
      'body',
      (ctx, errors) => renderPerson(request, ctx, personId, { values, errors }),
      `${HOME}/persons/${String(personId)}`,
    );

  console.get(
    '/call-center/persons/:personId',
    {
      schema: {
        operationId: 'consoleCallCenterPerson',
        tags: ['console'],
        summary:
          'Call center: the caller’s identity, whether they can book with the reason and next step, bookings and links (ELIG-5)',
        params: PersonParams,
        querystring: Type.Object(
          { done: Type.Optional(Type.Enum([...DONE])) },
          { additionalProperties: false },
        ),
        response: HTML_PAGE,
      },
      config: { access: CALL_CENTER },
    },
    async (request, reply) =>
      sendPage(
        reply,
        200,
        await renderPerson(request, await pageContext(request), request.params.personId, {
          done: request.query.done,
        }),
      ),
  );

  console.post(
    '/call-center/persons/:personId/links',
    {
      schema: {
        operationId: 'consoleCallCenterAddLink',
        tags: ['console'],
        summary:
          'Call center: links a cohabitant or caregiver to the fragile caller, at most 3 (ELIG-13..15)',
        params: PersonParams,
        body: Type.Object(
          { linkTaxCode: FormText, linkHealthCardNumber: FormText, relation: FormText },
          { additionalProperties: false },
        ),
      },
      config: { access: CALL_CENTER },
    },
    async (request, reply) => {
      const personId = request.params.personId;
      const values = {
        linkTaxCode: request.body.linkTaxCode?.replace(/\s+/g, '').toUpperCase(),
        linkHealthCardNumber: request.body.linkHealthCardNumber?.replace(/\s+/g, ''),
        relation: request.body.relation,
      };
      const card = MyLinkBody.properties.person.properties;
      const refusals = checkFields(request, values, [
        { name: 'linkTaxCode', label: 'taxCode', schema: card.taxCode },
        { name: 'linkHealthCardNumber', label: 'healthCardNumber', schema: card.healthCardNumber },
        { name: 'relation', label: 'relation', schema: AddLinkBody.properties.relation },
      ]);
      if (refusals.length > 0) return personFailed(request, reply, personId, refusals, values);
      try {
        await eligibility.addLink(
          personId,
          {
            person: {
              taxCode: values.linkTaxCode ?? '',
              healthCardNumber: values.linkHealthCardNumber ?? '',
            },
            relation: values.relation as LinkRelation,
            source: 'contact_center',
            evidenceStatus: 'self_declared',
          },
          context(request),
        );
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        const field = error.options.pointer === '/person' ? 'linkTaxCode' : undefined;
        return personFailed(request, reply, personId, [refusalOf(error, ['relation'], field)], values);
      }
      return reply.redirect(`${HOME}/persons/${String(personId)}?done=linked`, 303);
    },
  );

  console.post(
    '/call-center/persons/:personId/links/:linkId/remove',
    {
      schema: {
        operationId: 'consoleCallCenterRemoveLink',
        tags: ['console'],
        summary: 'Call center: removes a link with its reason; its place is freed (ELIG-15)',
        params: Type.Object({ personId: Id, linkId: Id }),
        body: Type.Object({ reason: FormText }, { additionalProperties: false }),
      },
      config: { access: CALL_CENTER },
    },
    async (request, reply) => {
      const { personId, linkId } = request.params;
      const reason = request.body.reason?.trim();
      const refusals = checkFields(request, { reason }, [
        { name: 'reason', label: 'removeReason', schema: RemoveLinkBody.properties.reason },
      ]);
      if (refusals.length > 0)
        return personFailed(
          request,
          reply,
          personId,
          refusals.map((r) => ({ ...r, field: undefined })),
          {},
        );
      await eligibility.removeLink(personId, linkId, reason ?? '', context(request));
      return reply.redirect(`${HOME}/persons/${String(personId)}?done=removed`, 303);
    },
  );

  console.post(
    '/call-center/persons/:personId/category',
    {
      schema: {
        operationId: 'consoleCallCenterChangeCategory',
        tags: ['console'],
        summary: 'Call center: a supervisor changes the caller’s category, with a reason, audited (ELIG-16)',
        params: PersonParams,
        body: Type.Object(
          { category: FormText, conditionCode: FormText, evidenceStatus: FormText, categoryReason: FormText },
          { additionalProperties: false },
        ),
      },
      config: { access: SUPERVISORS },
    },
    async (request, reply) => {
      const personId = request.params.personId;
      const values = { ...request.body, categoryReason: request.body.categoryReason?.trim() };
      const refusals = checkFields(request, values, [
        { name: 'category', label: 'ccCategory', schema: CategoryChangeBody.properties.category },
        {
          name: 'conditionCode',
          label: 'conditionCode',
          schema: CategoryChangeBody.properties.conditionCode,
          optional: true,
        },
        { name: 'evidenceStatus', label: 'ccEvidence', schema: CategoryChangeBody.properties.evidenceStatus },
        { name: 'categoryReason', label: 'ccReason', schema: CategoryChangeBody.properties.reason },
      ]);
      if (refusals.length > 0) return personFailed(request, reply, personId, refusals, values);
      try {
        await eligibility.changeCategory(
          personId,
          {
            category: values.category ?? '',
            conditionCode: values.conditionCode || null,
            evidenceStatus: values.evidenceStatus as 'verified' | 'self_declared',
            reason: values.categoryReason ?? '',
          },
          context(request),
        );
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        return personFailed(
          request,
          reply,
          personId,
          [refusalOf(error, ['category', 'conditionCode'], 'category')],
          values,
        );
      }
      return reply.redirect(`${HOME}/persons/${String(personId)}?done=category`, 303);
    },
  );

  console.post(
    '/call-center/persons/:personId/booking-lists',
    {
      schema: {
        operationId: 'consoleCallCenterInsert',
        tags: ['console'],
        summary:
          'Call center: a supervisor inserts a person entitled by age but not recognised into the booking lists (ELIG-17)',
        params: PersonParams,
        body: Type.Object({ insertReason: FormText, insertNote: FormText }, { additionalProperties: false }),
      },
      config: { access: SUPERVISORS },
    },
    async (request, reply) => {
      const personId = request.params.personId;
      const values = { insertReason: request.body.insertReason, insertNote: request.body.insertNote?.trim() };
      const refusals = checkFields(request, values, [
        { name: 'insertReason', label: 'ccInsertReason', schema: BookingListInsertionBody.properties.reason },
        { name: 'insertNote', label: 'ccNote', schema: BookingListInsertionBody.properties.note },
      ]);
      if (refusals.length > 0) return personFailed(request, reply, personId, refusals, values);
      try {
        await eligibility.insertIntoBookingLists(
          personId,
          `${values.insertReason ?? ''}: ${values.insertNote ?? ''}`,
          context(request),
        );
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        return personFailed(request, reply, personId, [refusalOf(error, [], 'insertReason')], values);
      }
      return reply.redirect(`${HOME}/persons/${String(personId)}?done=inserted`, 303);
    },
  );

  // --- Booking on the caller's behalf: the citizen's steps, channel call_center (BOOK-6..11) -------

  const steps = { kit, booking, clock, regionCode: config.REGION_CODE, db };
  const personIdOf = (request: FastifyRequest) => (request.params as { personId: number }).personId;

  registerBookingSteps(console, steps, {
    url: '/call-center/persons/:personId/book',
    params: PersonParams,
    extra: {},
    access: CALL_CENTER,
    tag: 'console',
    operationIds: {
      domicile: 'consoleCallCenterBookDomicile',
      hubs: 'consoleCallCenterBookHubs',
      confirmPage: 'consoleCallCenterBookConfirmPage',
      confirm: 'consoleCallCenterBook',
    },
    summary: 'Call center, booking on the caller’s behalf',
    party: async (request): Promise<Party> => {
      const personId = personIdOf(request);
      const query = (request.method === 'GET' ? request.query : request.body) as { reschedule?: string };
      if (query.reschedule !== undefined && query.reschedule !== '') {
        const row = await booking.getBooking(query.reschedule, personId);
        if (row.status === 'cancelled') throw new DomainError('BOOKING_CANCELLED');
      }
      await booking.entitledMember(personId, 'call_center');
      return {
        flow: personFlow(request, personId),
        searchPersonId: personId,
        channel: 'call_center',
        people: [nameOf(await registry.getPerson(personId))],
      };
    },
    book: async (request, party, slotId, idempotencyKey) => {
      const personId = personIdOf(request);
      const result = await booking.book(
        { personId, slotId, idempotencyKey, channel: 'call_center' },
        context(request),
      );
      return `${party.flow.bookings}/${result.confirmation.booking.code}?done=booked`;
    },
  });

  /** The group: the caller as fragile person ("self") and the people linked to them (ELIG-13). */
  const groupOf = async (request: FastifyRequest, people: readonly string[] | undefined) =>
    groupMembers(eligibility, personIdOf(request), people, t(await pageContext(request), 'groupWho'));

  registerBookingSteps(console, steps, {
    url: '/call-center/persons/:personId/group',
    params: PersonParams,
    extra: {
      people: Type.Optional(Type.Array(Type.String({ maxLength: 20 }), { maxItems: 4 })),
    },
    access: CALL_CENTER,
    tag: 'console',
    operationIds: {
      domicile: 'consoleCallCenterGroupDomicile',
      hubs: 'consoleCallCenterGroupHubs',
      confirmPage: 'consoleCallCenterGroupConfirmPage',
      confirm: 'consoleCallCenterGroupBook',
    },
    summary: 'Call center, a fragile caller with up to 3 caregivers (ELIG-13)',
    party: async (request): Promise<Party> => {
      const personId = personIdOf(request);
      const query = (request.method === 'GET' ? request.query : request.body) as { people?: string[] };
      const personIds = await groupOf(request, query.people);
      for (const id of personIds) await booking.entitledMember(id, 'call_center');
      return {
        flow: { ...personFlow(request, personId, 'group'), carry: { people: query.people ?? [] } },
        searchPersonId: personIds[0] ?? personId,
        channel: 'call_center',
        people: await Promise.all(personIds.map(async (id) => nameOf(await registry.getPerson(id)))),
      };
    },
    book: async (request, party, slotId, idempotencyKey) => {
      const body = request.body as { people?: string[] };
      const result = await booking.bookTogether(
        { personIds: await groupOf(request, body.people), slotId, idempotencyKey, channel: 'call_center' },
        context(request),
      );
      const codes = new URLSearchParams(result.confirmations.map((c) => ['code', c.booking.code]));
      return `${HOME}/persons/${String(personIdOf(request))}/group-bookings?${codes.toString()}`;
    },
  });

  console.get(
    '/call-center/persons/:personId/group-bookings',
    {
      schema: {
        operationId: 'consoleCallCenterGroupBookings',
        tags: ['console'],
        summary:
          'Call center: a group’s bookings, everybody’s appointment and code to read out (BOOK-8, ELIG-13)',
        params: PersonParams,
        querystring: Type.Object(
          { code: Type.Array(BookingCodeParams.properties.code, { minItems: 1, maxItems: 4 }) },
          { additionalProperties: false },
        ),
        response: HTML_PAGE,
      },
      config: { access: CALL_CENTER },
    },
    async (request, reply) => {
      const personId = request.params.personId;
      const bookings = await groupBookings({ eligibility, booking, registry }, personId, request.query.code);
      return sendPage(
        reply,
        200,
        groupBookingsPage(await pageContext(request), { bookings, flow: personFlow(request, personId) }),
      );
    },
  );

  // --- The caller's bookings: read, move, cancel (BOOK-8) ------------------------------------------

  console.get(
    '/call-center/persons/:personId/bookings/:code',
    {
      schema: {
        operationId: 'consoleCallCenterBooking',
        tags: ['console'],
        summary: 'Call center: one of the caller’s bookings, everything the confirmation shows (BOOK-8)',
        params: BookingParams,
        querystring: Type.Object(
          { done: Type.Optional(Type.Enum(['booked', 'moved', 'cancelled'])) },
          { additionalProperties: false },
        ),
        response: HTML_PAGE,
      },
      config: { access: CALL_CENTER },
    },
    async (request, reply) => {
      const { personId, code } = request.params;
      const row = await booking.getBooking(code, personId);
      const person = await registry.getPerson(personId);
      return sendPage(
        reply,
        200,
        bookingPage(await pageContext(request), {
          confirmation: await booking.confirmationOf(row),
          person: { name: nameOf(person), taxCode: person.taxCode },
          done: request.query.done,
          flow: personFlow(request, personId),
        }),
      );
    },
  );

  console.post(
    '/call-center/persons/:personId/bookings/:code/reschedule',
    {
      schema: {
        operationId: 'consoleCallCenterReschedule',
        tags: ['console'],
        summary: 'Call center: moves the caller’s booking to the chosen hub and time in one step (BOOK-8)',
        params: BookingParams,
        body: Type.Object(
          {
            ...Object.fromEntries(
              ['province', 'municipalityIstat', 'cap', 'date', 'time'].map((n) => [n, FormText]),
            ),
            accessibility: Type.Optional(Type.Array(Type.String({ maxLength: 40 }), { maxItems: 8 })),
            slotId: FormText,
          },
          { additionalProperties: false },
        ),
      },
      config: { access: CALL_CENTER, admission: 'booking' },
    },
    async (request, reply) => {
      const { personId, code } = request.params;
      const slotId = Number((request.body as { slotId?: string }).slotId);
      if (!Number.isInteger(slotId) || slotId < 1)
        throw new DomainError('SLOT_NOT_FOUND', { pointer: '/slotId' });
      try {
        await booking.reschedule(code, personId, slotId, 'call_center', context(request));
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        return sendProblemPage(request, reply, error, {
          links: [{ href: `${HOME}/persons/${String(personId)}/bookings/${code}`, label: 'ccBackToPerson' }],
        });
      }
      return reply.redirect(`${HOME}/persons/${String(personId)}/bookings/${code}?done=moved`, 303);
    },
  );

  const cancellable = async (personId: number, code: string) => {
    const row = await booking.getBooking(code, personId);
    if (row.status === 'cancelled') throw new DomainError('BOOKING_CANCELLED');
    return booking.confirmationOf(row);
  };

  console.get(
    '/call-center/persons/:personId/bookings/:code/cancel',
    {
      schema: {
        operationId: 'consoleCallCenterCancelPage',
        tags: ['console'],
        summary:
          'Call center: asks why, and what to do with the second dose, before cancelling (BOOK-8, BOOK-10)',
        params: BookingParams,
        response: HTML_PAGE,
      },
      config: { access: CALL_CENTER },
    },
    async (request, reply) => {
      const { personId, code } = request.params;
      const confirmation = await cancellable(personId, code);
      return sendPage(
        reply,
        200,
        cancelPage(await pageContext(request), {
          confirmation,
          values: {},
          errors: [],
          flow: personFlow(request, personId),
        }),
      );
    },
  );

  console.post(
    '/call-center/persons/:personId/bookings/:code/cancel',
    {
      schema: {
        operationId: 'consoleCallCenterCancel',
        tags: ['console'],
        summary: 'Call center: cancels the caller’s booking; its place is free at once (BOOK-8, BOOK-10)',
        params: BookingParams,
        body: Type.Object(
          { reason: FormText, otherReason: FormText, secondDose: FormText },
          { additionalProperties: false },
        ),
      },
      config: { access: CALL_CENTER },
    },
    async (request, reply) => {
      const { personId, code } = request.params;
      const confirmation = await cancellable(personId, code);
      const { values, reason, refusals } = checkCancelForm(
        request,
        request.body,
        confirmation,
        'FIELD_REQUIRED',
      );
      if (refusals.length > 0 || reason === undefined)
        return formFailed(request, reply, refusals, 'body', (ctx, errors) =>
          cancelPage(ctx, { confirmation, values, errors, flow: personFlow(request, personId) }),
        );
      await booking.cancel(
        code,
        personId,
        cancelReasonText(reason, values.otherReason),
        confirmation.secondDose === undefined ? undefined : (values.secondDose as 'cancel' | 'keep'),
        context(request),
      );
      return reply.redirect(`${HOME}/persons/${String(personId)}/bookings/${code}?done=cancelled`, 303);
    },
  );
}
