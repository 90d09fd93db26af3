import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { Type } from 'typebox';
import type { DB } from '../../platform/db/schema.ts';
import type { Clock } from '../../platform/clock.ts';
import { actingContextOf } from '../../platform/http/acting-context.ts';
import { DomainError } from '../../platform/http/problem.ts';
import { Id } from '../../platform/http/schema-types.ts';
import type { App } from '../../platform/http/types.ts';
import type { BookingService, Confirmation } from '../booking/service.ts';
import { BookingCodeParams } from '../booking/schemas.ts';
import type { EligibilityService } from '../eligibility/service.ts';
import { MyLinkBody, PreRegistrationBody, RemoveLinkBody } from '../eligibility/schemas.ts';
import { LINK_RELATIONS, type LinkRelation } from '../eligibility/tables.ts';
import type { LinkRow } from '../eligibility/repo.ts';
import type { RegistryService } from '../registry/service.ts';
import { registerBookingSteps, type Party } from './booking-steps.ts';
import { choiceGroup, errorSummary, fieldAnchor, selectInput, textInput, type FieldError } from './forms.ts';
import { html, type SafeHtml } from './html.ts';
import {
  channelOf,
  checkFields,
  citizenOf,
  CITIZEN,
  FormText,
  HTML_PAGE,
  refusalOf,
  type PageKit,
  type Refusal,
} from './kit.ts';
import { csrfField, formatDateTime, layout, t, type PageContext } from './layout.ts';
import { CITIZEN_FLOW, type BookingFlow } from './views.ts';

const FRAGILE_CATEGORIES = ['extremely_vulnerable', 'severe_disability'];
const GROUP_FIELDS = {
  people: Type.Optional(Type.Array(Type.String({ maxLength: 20 }), { maxItems: 4 })),
  self: FormText,
};
const DONE = ['linked', 'removed', 'preRegistered'] as const;
type Done = (typeof DONE)[number];

interface Deps {
  kit: PageKit;
  booking: BookingService;
  eligibility: EligibilityService;
  registry: RegistryService;
  clock: Clock;
  regionCode: string;
  db: Kysely<DB>;
}

interface LinkLine {
  id: number;
  name: string;
  relation: LinkRelation;
  evidence: 'verified' | 'self_declared' | 'rejected';
}

interface CaregiversView {
  name: string;
  links: LinkLine[];
  placesLeft: number;
  assisted: { name: string; relation: string }[];
  fragile: boolean;
  bookableFrom?: Date | undefined;
  conditions: { code: string; label: string }[];
  done?: Done | undefined;
  values: Record<string, string | undefined>;
  errors: readonly FieldError[];
}

const nameOf = (person: { givenName: string; surname: string }) => `${person.givenName} ${person.surname}`;

/** ELIG-12..15 and group booking: the links of a fragile person, adding and removing one, pre-registering. */
function caregiversPage(context: PageContext, view: CaregiversView): SafeHtml {
  const { errors, values } = view;
  const relationLabel = (relation: LinkRelation) => t(context, `relation_${relation}`);
  const linksTable =
    view.links.length === 0
      ? html`<p>${t(context, 'noLinks')}</p>`
      : html`<div class="table-responsive">
          <table class="table">
            <caption class="visually-hidden">
              ${t(context, 'yourLinks')}
            </caption>
            <thead>
              <tr>
                <th scope="col">${t(context, 'linkedPerson')}</th>
                <th scope="col">${t(context, 'relation')}</th>
                <th scope="col">${t(context, 'evidence')}</th>
                <th scope="col">${t(context, 'removeLink')}</th>
              </tr>
            </thead>
            <tbody>
              ${view.links.map(
                (link) =>
                  html`<tr>
                    <td>${link.name}</td>
                    <td>${relationLabel(link.relation)}</td>
                    <td>${t(context, `evidence_${link.evidence}`)}</td>
                    <td>
                      <form
                        method="post"
                        action="/portal/caregivers/links/${String(link.id)}/remove"
                        novalidate
                      >
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
                          aria-describedby="remove-hint"
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
          <p class="form-text" id="remove-hint">${t(context, 'removeReasonHint')}</p>
        </div>`;
  const group =
    view.links.length === 0
      ? null
      : html`<h2 class="h3 mt-5">${t(context, 'groupTitle')}</h2>
          <p>${t(context, 'groupIntro')}</p>
          <form method="get" action="/portal/caregivers/book" novalidate>
            ${choiceGroup(context, errors, {
              name: 'people',
              type: 'checkbox',
              legend: t(context, 'groupWho'),
              legendClass: 'h4 form-legend',
              options: [
                ...(view.fragile
                  ? [{ value: 'self', label: t(context, 'groupSelf', { name: view.name }) }]
                  : []),
                ...view.links.map((link) => ({
                  value: String(link.id),
                  label: `${link.name} (${relationLabel(link.relation)})`,
                })),
              ],
              values: [...(view.fragile ? ['self'] : []), ...view.links.map((link) => String(link.id))],
            })}
            <button type="submit" class="btn btn-primary">${t(context, 'groupButton')}</button>
          </form>`;
  const addForm =
    view.placesLeft === 0
      ? null
      : html`<h2 class="h3 mt-5">${t(context, 'addLinkTitle')}</h2>
          <p>${t(context, 'addLinkIntro')}</p>
          <form method="post" action="/portal/caregivers/links" novalidate>
            ${csrfField(context)}
            ${textInput(context, errors, {
              name: 'linkTaxCode',
              label: t(context, 'taxCode'),
              value: values.linkTaxCode,
              autocomplete: 'off',
              code: true,
              maxlength: 16,
              size: 'medium',
            })}
            ${textInput(context, errors, {
              name: 'linkHealthCardNumber',
              label: t(context, 'healthCardNumber'),
              hint: t(context, 'healthCardNumberHint'),
              value: values.linkHealthCardNumber,
              autocomplete: 'off',
              inputmode: 'numeric',
              code: true,
              maxlength: 30,
            })}
            ${choiceGroup(context, errors, {
              name: 'relation',
              legend: t(context, 'relation'),
              legendClass: 'h4 form-legend',
              options: LINK_RELATIONS.map((relation) => ({
                value: relation,
                label: relationLabel(relation),
              })),
              values: values.relation === undefined ? [] : [values.relation],
            })}
            ${choiceGroup(context, errors, {
              name: 'declaration',
              type: 'checkbox',
              legend: t(context, 'declarationLabel'),
              legendClass: 'h4 form-legend',
              options: [{ value: 'yes', label: t(context, 'linkDeclaration') }],
              values: values.declaration === undefined ? [] : [values.declaration],
            })}
            <button type="submit" class="btn btn-primary">${t(context, 'addLinkButton')}</button>
          </form>`;
  const preRegistration = view.fragile
    ? null
    : html`<h2 class="h3 mt-5">${t(context, 'preRegisterTitle')}</h2>
        <p>${t(context, 'preRegisterIntro')}</p>
        <form method="post" action="/portal/caregivers/pre-registration" novalidate>
          ${csrfField(context)}
          ${choiceGroup(context, errors, {
            name: 'declarationKind',
            legend: t(context, 'declarationKind'),
            legendClass: 'h4 form-legend',
            options: (['severe_disability', 'extremely_vulnerable'] as const).map((kind) => ({
              value: kind,
              label: t(context, `declare_${kind}`),
            })),
            values: values.declarationKind === undefined ? [] : [values.declarationKind],
          })}
          ${selectInput(context, errors, {
            name: 'conditionCode',
            label: t(context, 'conditionCode'),
            options: view.conditions.map((condition) => ({ value: condition.code, label: condition.label })),
            value: values.conditionCode,
          })}
          ${choiceGroup(context, errors, {
            name: 'declaredBy',
            legend: t(context, 'declaredBy'),
            legendClass: 'h4 form-legend',
            options: (['self', 'caregiver'] as const).map((who) => ({
              value: who,
              label: t(context, `declaredBy_${who}`),
            })),
            values: values.declaredBy === undefined ? [] : [values.declaredBy],
          })}
          ${choiceGroup(context, errors, {
            name: 'preDeclaration',
            type: 'checkbox',
            legend: t(context, 'declarationLabel'),
            legendClass: 'h4 form-legend',
            options: [{ value: 'yes', label: t(context, 'preRegisterDeclaration') }],
            values: values.preDeclaration === undefined ? [] : [values.preDeclaration],
          })}
          <button type="submit" class="btn btn-primary">${t(context, 'preRegisterButton')}</button>
        </form>`;
  const doneText =
    view.done === undefined
      ? null
      : view.done === 'preRegistered'
        ? t(context, 'preRegistered', {
            when: view.bookableFrom === undefined ? '' : formatDateTime(view.bookableFrom, context.language),
          })
        : t(context, view.done === 'linked' ? 'linkAdded' : 'linkRemoved');
  return layout(context, {
    title: t(context, 'caregiversTitle'),
    hasErrors: errors.length > 0,
    body: html`${errorSummary(context, errors, {
        relation: fieldAnchor('relation', 'group'),
        declaration: fieldAnchor('declaration', 'group'),
        people: fieldAnchor('people', 'group'),
        declarationKind: fieldAnchor('declarationKind', 'group'),
        declaredBy: fieldAnchor('declaredBy', 'group'),
        preDeclaration: fieldAnchor('preDeclaration', 'group'),
      })}
      ${doneText === null ? null : html`<div class="alert alert-success" role="status">${doneText}</div>`}
      <h1>${t(context, 'caregiversTitle')}</h1>
      <p class="lead">${t(context, 'caregiversIntro')}</p>
      ${view.assisted.map((line) => html`<p>${t(context, 'linkedAs', line)}</p>`)}
      <h2 class="h3 mt-4">${t(context, 'yourLinks')}</h2>
      <p>${t(context, 'placesLeft', { n: view.placesLeft })}</p>
      ${linksTable} ${group} ${addForm} ${preRegistration}
      <p class="mt-4"><a href="/portal/start">${t(context, 'toStart')}</a></p>`,
  });
}

/** BOOK-8 for a group: everybody's appointment and code on one page, printable. */
export function groupBookingsPage(
  context: PageContext,
  view: { bookings: { name: string; confirmation: Confirmation }[]; flow: BookingFlow },
): SafeHtml {
  const language = context.language;
  const bring = new Map<string, string>();
  for (const { confirmation } of view.bookings)
    for (const item of confirmation.bring) bring.set(item.code, item.label[language]);
  return view.flow.frame(context, {
    title: t(context, 'groupBookedTitle'),
    body: html`<div class="alert alert-success" role="status">${t(context, 'booked')}</div>
      <h1>${t(context, 'groupBookedTitle')}</h1>
      <p>${t(context, 'groupBookedIntro')}</p>
      ${view.bookings.map(({ name, confirmation }) => {
        const second = confirmation.secondDose;
        return html`<h2 class="h4 mt-4">${name}</h2>
          <p class="booking-code-box">
            ${t(context, 'bookingCode')}: <span class="booking-code">${confirmation.booking.code}</span>
          </p>
          <dl class="summary-list">
            <div class="summary-row">
              <dt>${t(context, 'when')}</dt>
              <dd>${formatDateTime(confirmation.booking.starts_at, language)}</dd>
            </div>
            <div class="summary-row">
              <dt>${t(context, 'where')}</dt>
              <dd>
                ${confirmation.place.name}<br />${confirmation.place.address},
                ${confirmation.place.municipality}
              </dd>
            </div>
            <div class="summary-row">
              <dt>${t(context, 'vaccine')}</dt>
              <dd>${confirmation.product.name}</dd>
            </div>
            ${
              second === undefined
                ? null
                : html`<div class="summary-row">
                    <dt>${t(context, 'secondDose')}</dt>
                    <dd>
                      ${t(context, 'secondDoseValue', { when: formatDateTime(second.starts_at, language), code: second.code })}
                    </dd>
                  </div>`
            }
          </dl>`;
      })}
      <h2 class="h3 mt-4">${t(context, 'bring')}</h2>
      <ul>
        ${[...bring.values()].map((label) => html`<li>${label}</li>`)}
      </ul>
      <p>${t(context, 'arrive')}</p>
      <p class="no-print print-hint">${t(context, 'printHint')}</p>
      <p class="mt-4 no-print"><a href="${view.flow.home}">${t(context, view.flow.homeLabel)}</a></p>`,
  });
}

/**
 * A group chosen on a form: the fragile person ("self") and linked people by link id (ELIG-13); a link
 * that is not the fragile person's is refused, and so is an empty group.
 */
export async function groupMembers(
  eligibility: EligibilityService,
  fragileId: number,
  people: readonly string[] | undefined,
  emptyField: string,
): Promise<number[]> {
  const links = await eligibility.links(fragileId);
  const chosen = people ?? [];
  const linked = chosen
    .filter((value) => value !== 'self')
    .map((value) => {
      const link = links.find((candidate) => String(candidate.id) === value);
      if (link === undefined) throw new DomainError('LINK_NOT_FOUND', { pointer: '/query/people' });
      return link.linked_person_id;
    });
  const personIds = [...(chosen.includes('self') ? [fragileId] : []), ...linked];
  if (personIds.length === 0)
    throw new DomainError('FIELD_REQUIRED', { pointer: '/query/people', params: { field: emptyField } });
  return personIds;
}

/** A group's bookings by their codes, each of the fragile person or of someone linked to them (SEC-2). */
export async function groupBookings(
  deps: { eligibility: EligibilityService; booking: BookingService; registry: RegistryService },
  fragileId: number,
  codes: readonly string[],
): Promise<{ name: string; confirmation: Confirmation }[]> {
  const allowed = new Set([
    fragileId,
    ...(await deps.eligibility.links(fragileId)).map((l) => l.linked_person_id),
  ]);
  return Promise.all(
    codes.map(async (code) => {
      const row = await deps.booking.getBooking(code, undefined);
      if (!allowed.has(row.person_id)) throw new DomainError('BOOKING_NOT_FOUND', { pointer: '/code' });
      return {
        name: nameOf(await deps.registry.getPerson(row.person_id)),
        confirmation: await deps.booking.confirmationOf(row),
      };
    }),
  );
}

/**
 * The citizen portal's caregiver paths (ELIG-12..15, issue 9 point 1): a fragile person, or the caregiver
 * signed in with the fragile person's card (ELIG-13), links up to 3 cohabitants or caregivers and books
 * them together with the fragile person, at one hub, at consecutive times (POST /bookings/group's service).
 */
export function registerCaregiverPages(portal: App, deps: Deps): void {
  const { kit, booking, eligibility, registry, clock } = deps;
  const { pageContext, sendPage, formFailed } = kit;

  const linkLines = async (links: LinkRow[]): Promise<LinkLine[]> =>
    Promise.all(
      links.map(async (link) => ({
        id: link.id,
        name: nameOf(await registry.getPerson(link.linked_person_id)),
        relation: link.relation,
        evidence: link.evidence_status,
      })),
    );

  const render = async (
    request: FastifyRequest,
    context: PageContext,
    extra: { done?: Done | undefined; values?: Record<string, string | undefined>; errors?: FieldError[] },
  ): Promise<SafeHtml> => {
    const { personId } = citizenOf(request);
    const language = context.language;
    const person = await registry.getPerson(personId);
    const links = await eligibility.links(personId);
    const explanation = await eligibility.explain(personId, channelOf(request));
    const assisted = await Promise.all(
      explanation.qualifications.flatMap((q) =>
        q.basis.kind === 'link'
          ? [
              (async () => ({
                name: nameOf(
                  await registry.getPerson(q.basis.kind === 'link' ? q.basis.link.fragilePersonId : 0),
                ),
                relation: t(
                  context,
                  `relation_${q.basis.kind === 'link' ? q.basis.link.relation : 'caregiver'}`,
                ),
              }))(),
            ]
          : [],
      ),
    );
    const fragility = explanation.entitlements.filter(
      (e) => FRAGILE_CATEGORIES.includes(e.category) && e.evidence_status !== 'rejected',
    );
    const tables = await eligibility.fragilityTables();
    return caregiversPage(context, {
      name: nameOf(person),
      links: await linkLines(links),
      placesLeft: 3 - links.length,
      assisted,
      fragile: fragility.length > 0,
      bookableFrom: fragility.map((e) => e.valid_from).sort((a, b) => b.getTime() - a.getTime())[0],
      conditions: tables.conditions.map((c) => ({ code: c.code, label: c.label[language] })),
      done: extra.done,
      values: extra.values ?? {},
      errors: extra.errors ?? [],
    });
  };

  const failed = (
    request: FastifyRequest,
    reply: FastifyReply,
    refusals: Refusal[],
    values: Record<string, string | undefined>,
  ) =>
    formFailed(
      request,
      reply,
      refusals,
      'body',
      (context, errors) => render(request, context, { values, errors }),
      '/portal/caregivers',
    );

  portal.get(
    '/caregivers',
    {
      schema: {
        operationId: 'portalCaregivers',
        tags: ['portal'],
        summary:
          'Citizen portal: a fragile person’s cohabitants and caregivers, pre-registration and booking together (ELIG-12..15)',
        querystring: Type.Object(
          { done: Type.Optional(Type.Enum([...DONE])) },
          { additionalProperties: false },
        ),
        response: HTML_PAGE,
      },
      config: { access: CITIZEN },
    },
    async (request, reply) =>
      sendPage(reply, 200, await render(request, await pageContext(request), { done: request.query.done })),
  );

  portal.post(
    '/caregivers/links',
    {
      schema: {
        operationId: 'portalAddLink',
        tags: ['portal'],
        summary:
          'Citizen portal: links a cohabitant or caregiver by tax code and health card, with a self-declaration, at most 3 (ELIG-13..15)',
        body: Type.Object(
          {
            linkTaxCode: FormText,
            linkHealthCardNumber: FormText,
            relation: FormText,
            declaration: FormText,
          },
          { additionalProperties: false },
        ),
      },
      config: { access: CITIZEN },
    },
    async (request, reply) => {
      const values = {
        linkTaxCode: request.body.linkTaxCode?.replace(/\s+/g, '').toUpperCase(),
        linkHealthCardNumber: request.body.linkHealthCardNumber?.replace(/\s+/g, ''),
        relation: request.body.relation,
        declaration: request.body.declaration,
      };
      const person = MyLinkBody.properties.person.properties;
      const refusals = checkFields(request, values, [
        { name: 'linkTaxCode', label: 'taxCode', schema: person.taxCode },
        { name: 'linkHealthCardNumber', label: 'healthCardNumber', schema: person.healthCardNumber },
        { name: 'relation', label: 'relation', schema: MyLinkBody.properties.relation },
        { name: 'declaration', label: 'declarationLabel', schema: Type.Literal('yes') },
      ]);
      if (refusals.length > 0) return failed(request, reply, refusals, values);
      try {
        await eligibility.addLink(
          citizenOf(request).personId,
          {
            person: {
              taxCode: values.linkTaxCode ?? '',
              healthCardNumber: values.linkHealthCardNumber ?? '',
            },
            relation: values.relation as LinkRelation,
            source: 'self_service',
            evidenceStatus: 'self_declared',
          },
          actingContextOf(request, clock.now()),
        );
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        const field = error.options.pointer === '/person' ? 'linkTaxCode' : undefined;
        return failed(request, reply, [refusalOf(error, ['relation'], field)], values);
      }
      return reply.redirect('/portal/caregivers?done=linked', 303);
    },
  );

  portal.post(
    '/caregivers/links/:linkId/remove',
    {
      schema: {
        operationId: 'portalRemoveLink',
        tags: ['portal'],
        summary: 'Citizen portal: removes a link with its reason; its place is freed (ELIG-15)',
        params: Type.Object({ linkId: Id }),
        body: Type.Object({ reason: FormText }, { additionalProperties: false }),
      },
      config: { access: CITIZEN },
    },
    async (request, reply) => {
      const reason = request.body.reason?.trim();
      const refusals = checkFields(request, { reason }, [
        { name: 'reason', label: 'removeReason', schema: RemoveLinkBody.properties.reason },
      ]);
      // The message names the field; the summary carries it, the table holds one reason field per link.
      if (refusals.length > 0)
        return failed(
          request,
          reply,
          refusals.map((refusal) => ({ ...refusal, field: undefined })),
          {},
        );
      await eligibility.removeLink(
        citizenOf(request).personId,
        request.params.linkId,
        reason ?? '',
        actingContextOf(request, clock.now()),
      );
      return reply.redirect('/portal/caregivers?done=removed', 303);
    },
  );

  portal.post(
    '/caregivers/pre-registration',
    {
      schema: {
        operationId: 'portalPreRegister',
        tags: ['portal'],
        summary:
          'Citizen portal: self pre-registration with self-declaration; booking opens 24 hours later (ELIG-12, ELIG-14)',
        body: Type.Object(
          {
            declarationKind: FormText,
            conditionCode: FormText,
            declaredBy: FormText,
            preDeclaration: FormText,
          },
          { additionalProperties: false },
        ),
      },
      config: { access: CITIZEN },
    },
    async (request, reply) => {
      const values = { ...request.body };
      const refusals = checkFields(request, values, [
        {
          name: 'declarationKind',
          label: 'declarationKind',
          schema: PreRegistrationBody.properties.declaration,
        },
        {
          name: 'conditionCode',
          label: 'conditionCode',
          schema: PreRegistrationBody.properties.conditionCode,
          optional: values.declarationKind !== 'extremely_vulnerable',
        },
        { name: 'declaredBy', label: 'declaredBy', schema: PreRegistrationBody.properties.declaredBy },
        { name: 'preDeclaration', label: 'declarationLabel', schema: Type.Literal('yes') },
      ]);
      if (refusals.length > 0) return failed(request, reply, refusals, values);
      try {
        await eligibility.preRegister(
          citizenOf(request).personId,
          {
            category: values.declarationKind as 'extremely_vulnerable' | 'severe_disability',
            conditionCode:
              values.declarationKind === 'extremely_vulnerable' ? (values.conditionCode ?? null) : null,
            declaredBy: values.declaredBy as 'self' | 'caregiver',
          },
          actingContextOf(request, clock.now()),
        );
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        return failed(request, reply, [refusalOf(error, ['conditionCode'], 'declarationKind')], values);
      }
      return reply.redirect('/portal/caregivers?done=preRegistered', 303);
    },
  );

  // ------------------------------------------------------------------------------------------------
  // Booking the group: the citizen's steps, told who is in the group (ELIG-13, BOOK-6..9)

  /** The group chosen on the caregivers page: the fragile person ("self") and linked people by link id. */
  const groupOf = async (request: FastifyRequest, people: readonly string[] | undefined) =>
    groupMembers(eligibility, citizenOf(request).personId, people, t(await pageContext(request), 'groupWho'));

  const groupFlow = (people: readonly string[]): BookingFlow => ({
    ...CITIZEN_FLOW,
    base: '/portal/caregivers/book',
    carry: { people },
    home: '/portal/caregivers',
    homeLabel: 'caregiversTitle',
  });

  registerBookingSteps(portal, deps, {
    url: '/caregivers/book',
    extra: GROUP_FIELDS,
    access: CITIZEN,
    tag: 'portal',
    operationIds: {
      domicile: 'portalGroupDomicile',
      hubs: 'portalGroupHubs',
      confirmPage: 'portalGroupConfirmPage',
      confirm: 'portalGroupBook',
    },
    summary: 'Citizen portal, a fragile person with up to 3 caregivers',
    party: async (request): Promise<Party> => {
      const query = (request.method === 'GET' ? request.query : request.body) as { people?: string[] };
      const personIds = await groupOf(request, query.people);
      const channel = channelOf(request);
      // BOOK-5: every member may book now, before any slot is shown.
      for (const personId of personIds) await booking.entitledMember(personId, channel);
      const names = await Promise.all(personIds.map(async (id) => nameOf(await registry.getPerson(id))));
      return {
        flow: groupFlow(query.people ?? []),
        searchPersonId: personIds[0] ?? citizenOf(request).personId,
        channel,
        people: names,
      };
    },
    book: async (request, party, slotId, idempotencyKey) => {
      const body = request.body as { people?: string[] };
      const personIds = await groupOf(request, body.people);
      const result = await booking.bookTogether(
        { personIds, slotId, idempotencyKey, channel: party.channel },
        actingContextOf(request, clock.now()),
      );
      const codes = new URLSearchParams(result.confirmations.map((c) => ['code', c.booking.code]));
      return `/portal/caregivers/bookings?${codes.toString()}`;
    },
  });

  portal.get(
    '/caregivers/bookings',
    {
      schema: {
        operationId: 'portalGroupBookings',
        tags: ['portal'],
        summary: 'Citizen portal: a group’s bookings, everybody’s appointment and code (BOOK-8, ELIG-13)',
        querystring: Type.Object(
          { code: Type.Array(BookingCodeParams.properties.code, { minItems: 1, maxItems: 4 }) },
          { additionalProperties: false },
        ),
        response: HTML_PAGE,
      },
      config: { access: CITIZEN },
    },
    async (request, reply) => {
      // SEC-2: the fragile person reads their own booking and those of the people linked to them.
      const bookings = await groupBookings(deps, citizenOf(request).personId, request.query.code);
      return sendPage(
        reply,
        200,
        groupBookingsPage(await pageContext(request), { bookings, flow: groupFlow([]) }),
      );
    },
  );
}
