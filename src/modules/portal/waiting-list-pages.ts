import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { Type } from 'typebox';
import type { DB } from '../../platform/db/schema.ts';
import type { Clock } from '../../platform/clock.ts';
import { romeDate } from '../../platform/clock.ts';
import { actingContextOf } from '../../platform/http/acting-context.ts';
import { DomainError } from '../../platform/http/problem.ts';
import type { App } from '../../platform/http/types.ts';
import type { Language } from '../../platform/i18n.ts';
import type { BookingService } from '../booking/service.ts';
import type { RegistryService } from '../registry/service.ts';
import { findMunicipalityByIstat } from '../reference/service.ts';
import { WaitingListService, type OfferDetails } from '../waiting-list/service.ts';
import { NoShowService, type NoShowDetails } from '../waiting-list/no-shows.ts';
import { StandbyService, type CallRow, type RegistrationRow } from '../waiting-list/standby.ts';
import type { EntryRow } from '../waiting-list/repo.ts';
import { JoinBody, NoShowCodeParams } from '../waiting-list/schemas.ts';
import { errorSummary, type FieldError } from './forms.ts';
import { html, type HtmlValue, type SafeHtml } from './html.ts';
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
import { csrfField, formatDateTime, formatTime, layout, type PageContext } from './layout.ts';

/*
 * The citizen's waiting-list pages (BOOK-13), the one-step rebooking after a no-show, and the answer to a
 * standby call: server-rendered, forms without JavaScript (POST → 303 → GET), through the same services
 * as the API (ADR 0014). Their texts live here, in Italian and English.
 */

const W = {
  title: { it: 'Lista d’attesa', en: 'Waiting list' },
  intro: {
    it: 'Se nella Sua zona non ci sono appuntamenti liberi, può entrare in lista d’attesa. Appena si libera un posto Le proponiamo un appuntamento, in ordine di priorità, e Le scriviamo. Il posto resta riservato a Lei per un tempo limitato.',
    en: 'If there are no free appointments in your area, you can join the waiting list. As soon as a place opens we offer you an appointment, in priority order, and write to you. The place is kept for you for a limited time.',
  },
  area: { it: 'Domicilio: {place}', en: 'Domicile: {place}' },
  join: { it: 'Entra in lista d’attesa', en: 'Join the waiting list' },
  noDomicile: {
    it: 'Per entrare in lista d’attesa indichi prima il domicilio cercando un appuntamento.',
    en: 'To join the waiting list, first give your domicile by searching for an appointment.',
  },
  searchFirst: { it: 'Cerca un appuntamento', en: 'Search for an appointment' },
  waiting: { it: 'È in lista d’attesa dal {when}.', en: 'You have been on the waiting list since {when}.' },
  ahead: {
    it: 'Persone prima di Lei nella Sua zona: {n}.',
    en: 'People before you in your area: {n}.',
  },
  waitingHelp: {
    it: 'Non deve fare nulla: quando si libera un posto Le scriviamo. Può anche tornare su questa pagina.',
    en: 'You need do nothing: when a place opens we will write to you. You can also come back to this page.',
  },
  leave: { it: 'Esci dalla lista d’attesa', en: 'Leave the waiting list' },
  offerTitle: { it: 'C’è un posto per Lei', en: 'There is a place for you' },
  offerDeadline: {
    it: 'Lo teniamo per Lei fino a {when}. Se non risponde entro allora passa alla persona successiva.',
    en: 'We keep it for you until {when}. If you do not answer by then, it goes to the next person.',
  },
  when: { it: 'Quando', en: 'When' },
  where: { it: 'Dove', en: 'Where' },
  vaccine: { it: 'Vaccino', en: 'Vaccine' },
  accept: { it: 'Accetto questo appuntamento', en: 'I accept this appointment' },
  decline: { it: 'Non posso', en: 'I cannot' },
  declineHelp: {
    it: 'Se non può, resta in lista d’attesa e Le proporremo un altro posto.',
    en: 'If you cannot, you stay on the waiting list and we will offer you another place.',
  },
  lastOffer_expired: {
    it: 'Il tempo per accettare l’ultima proposta è finito. Resta in lista d’attesa.',
    en: 'The time to accept the last offer is over. You stay on the waiting list.',
  },
  lastOffer_declined: {
    it: 'Ha rifiutato l’ultima proposta. Resta in lista d’attesa.',
    en: 'You declined the last offer. You stay on the waiting list.',
  },
  booked: {
    it: 'Ha accettato: il Suo appuntamento è confermato con il codice {code}.',
    en: 'You accepted: your appointment is confirmed with code {code}.',
  },
  openBooking: { it: 'Vedi l’appuntamento', en: 'See the appointment' },
  left: { it: 'È uscito dalla lista d’attesa.', en: 'You have left the waiting list.' },
  closed: {
    it: 'La Sua iscrizione alla lista d’attesa è chiusa. Se vuole, può iscriversi di nuovo.',
    en: 'Your waiting-list entry is closed. You may join again if you wish.',
  },
  done_joined: { it: 'È entrato in lista d’attesa.', en: 'You have joined the waiting list.' },
  done_left: { it: 'È uscito dalla lista d’attesa.', en: 'You have left the waiting list.' },
  done_declined: {
    it: 'Ha rifiutato la proposta. Resta in lista d’attesa.',
    en: 'You declined the offer. You stay on the waiting list.',
  },
  done_standby: {
    it: 'Grazie, abbiamo registrato la Sua risposta.',
    en: 'Thank you, we have recorded your answer.',
  },
  standbyTitle: { it: 'Oggi c’è una dose per Lei', en: 'There is a dose for you today' },
  standbyText: {
    it: 'Si è reso disponibile come riservista a {place}. Se può venire oggi, risponda entro le {time}.',
    en: 'You offered to stand by at {place}. If you can come today, answer by {time}.',
  },
  standbyYes: { it: 'Vengo', en: 'I am coming' },
  standbyNo: { it: 'Oggi non posso', en: 'I cannot today' },
  toStart: { it: 'Torna alla pagina iniziale', en: 'Back to the start page' },
  noShowTitle: { it: 'Appuntamento mancato', en: 'Missed appointment' },
  noShowText: {
    it: 'Non risulta che Lei si sia presentato all’appuntamento del {when} a {place}.',
    en: 'Our records show you did not come to your appointment on {when} at {place}.',
  },
  noShowSecond: {
    it: 'La seconda dose prevista il {when} sarà spostata insieme al nuovo appuntamento.',
    en: 'Your second dose planned on {when} will be moved with the new appointment.',
  },
  proposalTitle: { it: 'Le proponiamo', en: 'We suggest' },
  bookProposal: { it: 'Prenota questo appuntamento', en: 'Book this appointment' },
  otherTime: { it: 'Preferisco scegliere un altro giorno', en: 'I prefer to choose another day' },
  noProposal: {
    it: 'Non ci sono posti liberi nei prossimi giorni. Può entrare in lista d’attesa.',
    en: 'There are no free places in the next days. You can join the waiting list.',
  },
  rebooked: {
    it: 'Ha già preso un nuovo appuntamento: codice {code}.',
    en: 'You already have a new appointment: code {code}.',
  },
} satisfies Record<string, Record<Language, string>>;

type WaitingKey = keyof typeof W;

const w = (context: PageContext, key: WaitingKey, params: Record<string, string | number> = {}): string =>
  W[key][context.language].replace(/\{(\w+)\}/g, (whole, name: string) => String(params[name] ?? whole));

const placeLine = (place: { name: string; address: string; municipality: string }) =>
  html`${place.name}<br />${place.address}, ${place.municipality}`;

interface StatusPageView {
  entry: EntryRow | null;
  ahead: number | null;
  offer: OfferDetails | null;
  standby: { registration: RegistrationRow; calls: CallRow[]; place: { name: string } }[];
  domicile: { municipalityIstat: string; cap: string; name: string } | null;
  done: string | undefined;
  now: Date;
  errors: readonly FieldError[];
}

function offerBlock(context: PageContext, offer: OfferDetails): SafeHtml {
  const language = context.language;
  return html`<section class="card-wrapper mb-4" aria-labelledby="offer-title">
    <h2 class="h3" id="offer-title">${w(context, 'offerTitle')}</h2>
    <dl class="summary-list">
      <div class="summary-row">
        <dt>${w(context, 'when')}</dt>
        <dd>${formatDateTime(offer.offer.starts_at, language)}</dd>
      </div>
      <div class="summary-row">
        <dt>${w(context, 'where')}</dt>
        <dd>${placeLine(offer.place)}</dd>
      </div>
      <div class="summary-row">
        <dt>${w(context, 'vaccine')}</dt>
        <dd>${offer.product.name}</dd>
      </div>
    </dl>
    <p>
      <strong
        >${w(context, 'offerDeadline', { when: formatDateTime(offer.offer.expires_at, language) })}</strong
      >
    </p>
    <form
      method="post"
      action="/portal/waiting-list/offers/${String(offer.offer.id)}/accept"
      class="d-inline"
    >
      ${csrfField(context)}
      <button type="submit" class="btn btn-primary mb-3 me-2">${w(context, 'accept')}</button>
    </form>
    <form
      method="post"
      action="/portal/waiting-list/offers/${String(offer.offer.id)}/decline"
      class="d-inline"
    >
      ${csrfField(context)}
      <button type="submit" class="btn btn-outline-primary mb-3">${w(context, 'decline')}</button>
    </form>
    <p class="form-text">${w(context, 'declineHelp')}</p>
  </section>`;
}

function standbyBlock(context: PageContext, view: StatusPageView): HtmlValue {
  const pending = view.standby.flatMap((item) =>
    item.calls
      .filter((call) => call.outcome === 'pending' && call.answer_by > view.now)
      .map((call) => ({ call, place: item.place })),
  );
  return pending.map(
    ({ call, place }) =>
      html`<section class="alert alert-info" aria-labelledby="standby-${String(call.id)}">
        <h2 class="h3" id="standby-${String(call.id)}">${w(context, 'standbyTitle')}</h2>
        <p>
          ${w(context, 'standbyText', {
            place: place.name,
            // A same-day call: the text says "entro le 15:30", a clock time.
            time: formatTime(call.answer_by, context.language),
          })}
        </p>
        <form method="post" action="/portal/standby-calls/${String(call.id)}/answer" class="d-inline">
          ${csrfField(context)}
          <input type="hidden" name="outcome" value="accepted" />
          <button type="submit" class="btn btn-primary mb-2 me-2">${w(context, 'standbyYes')}</button>
        </form>
        <form method="post" action="/portal/standby-calls/${String(call.id)}/answer" class="d-inline">
          ${csrfField(context)}
          <input type="hidden" name="outcome" value="declined" />
          <button type="submit" class="btn btn-outline-primary mb-2">${w(context, 'standbyNo')}</button>
        </form>
      </section>`,
  );
}

export function waitingListPage(context: PageContext, view: StatusPageView): SafeHtml {
  const title = w(context, 'title');
  const { entry, offer } = view;
  const open = offer !== null && offer.offer.status === 'offered' ? offer : null;
  const done =
    W[`done_${view.done ?? ''}` as WaitingKey] === undefined ? null : (`done_${view.done}` as WaitingKey);
  let main: HtmlValue;
  if (entry !== null && entry.status === 'waiting') {
    main = html`${
        open === null
          ? html`<p>${w(context, 'waiting', { when: formatDateTime(entry.joined_at, context.language) })}</p>
              ${view.ahead === null ? null : html`<p>${w(context, 'ahead', { n: view.ahead })}</p>`}
              ${
                offer !== null && (offer.offer.status === 'expired' || offer.offer.status === 'declined')
                  ? html`<p>
                      ${w(context, offer.offer.status === 'expired' ? 'lastOffer_expired' : 'lastOffer_declined')}
                    </p>`
                  : null
              }
              <p>${w(context, 'waitingHelp')}</p>`
          : offerBlock(context, open)
      }
      <form method="post" action="/portal/waiting-list/leave" class="mt-4">
        ${csrfField(context)}
        <input type="hidden" name="entryId" value="${String(entry.id)}" />
        <button type="submit" class="btn btn-outline-danger">${w(context, 'leave')}</button>
      </form>`;
  } else if (entry !== null && entry.status === 'booked' && offer?.bookingCode) {
    main = html`<div class="alert alert-success" role="status">
        ${w(context, 'booked', { code: offer.bookingCode })}
      </div>
      <p>
        <a class="btn btn-primary" href="/portal/bookings/${offer.bookingCode}"
          >${w(context, 'openBooking')}</a
        >
      </p>`;
  } else {
    const closedNote =
      entry === null ? null : html`<p>${w(context, entry.status === 'left' ? 'left' : 'closed')}</p>`;
    main = html`${closedNote}
      <p>${w(context, 'intro')}</p>
      ${
        view.domicile === null
          ? html`<p>${w(context, 'noDomicile')}</p>
              <p><a class="btn btn-primary" href="/portal/book">${w(context, 'searchFirst')}</a></p>`
          : html`<form method="post" action="/portal/waiting-list/join" novalidate>
              ${csrfField(context)}
              <p>${w(context, 'area', { place: `${view.domicile.name} ${view.domicile.cap}` })}</p>
              <input type="hidden" name="municipalityIstat" value="${view.domicile.municipalityIstat}" />
              <input type="hidden" name="cap" value="${view.domicile.cap}" />
              <button type="submit" class="btn btn-primary">${w(context, 'join')}</button>
            </form>`
      }`;
  }
  return layout(context, {
    title,
    hasErrors: view.errors.length > 0,
    body: html`${errorSummary(context, view.errors)}
      ${done === null ? null : html`<div class="alert alert-success" role="status">${w(context, done)}</div>`}
      <h1>${title}</h1>
      ${standbyBlock(context, view)} ${main}
      <p class="mt-4"><a href="/portal/start">${w(context, 'toStart')}</a></p>`,
  });
}

export function noShowPage(context: PageContext, details: NoShowDetails): SafeHtml {
  const title = w(context, 'noShowTitle');
  const language = context.language;
  const { proposal, rebooked } = details;
  return layout(context, {
    title,
    body: html`<h1>${title}</h1>
      <p>
        ${w(context, 'noShowText', {
          when: formatDateTime(details.booking.starts_at, language),
          place: details.place.name,
        })}
      </p>
      ${
        rebooked !== null
          ? html`<div class="alert alert-success" role="status">
                ${w(context, 'rebooked', { code: rebooked.booking.code })}
              </div>
              <p>
                <a class="btn btn-primary" href="/portal/bookings/${rebooked.booking.code}"
                  >${w(context, 'openBooking')}</a
                >
              </p>`
          : html`${
                details.secondDose === undefined
                  ? null
                  : html`<p>
                      ${w(context, 'noShowSecond', { when: formatDateTime(details.secondDose.starts_at, language) })}
                    </p>`
              }
              ${
                proposal === null
                  ? html`<p>${w(context, 'noProposal')}</p>
                      <p><a class="btn btn-primary" href="/portal/waiting-list">${w(context, 'join')}</a></p>`
                  : html`<h2 class="h3">${w(context, 'proposalTitle')}</h2>
                      <dl class="summary-list">
                        <div class="summary-row">
                          <dt>${w(context, 'when')}</dt>
                          <dd>${formatDateTime(proposal.startsAt, language)}</dd>
                        </div>
                        <div class="summary-row">
                          <dt>${w(context, 'where')}</dt>
                          <dd>${placeLine(proposal.place)}</dd>
                        </div>
                      </dl>
                      <form method="post" action="/portal/no-shows/${details.booking.code}/rebook">
                        ${csrfField(context)}
                        <input type="hidden" name="slotId" value="${String(proposal.slotId)}" />
                        <button type="submit" class="btn btn-primary mb-3">
                          ${w(context, 'bookProposal')}
                        </button>
                      </form>`
              }
              <p><a href="/portal/book">${w(context, 'otherTime')}</a></p>`
      }
      <p class="mt-4"><a href="/portal/start">${w(context, 'toStart')}</a></p>`,
  });
}

interface Deps {
  kit: PageKit;
  booking: BookingService;
  registry: RegistryService;
  clock: Clock;
  db: Kysely<DB>;
}

const DONE = ['joined', 'left', 'declined', 'standby'] as const;

export function registerWaitingListPages(portal: App, deps: Deps): void {
  const { kit, booking, registry, clock, db } = deps;
  const { pageContext, sendPage, formFailed } = kit;
  const waitingList = new WaitingListService(db, clock, booking);
  const noShows = new NoShowService(db, clock, booking);
  const standby = new StandbyService(db, clock, booking);

  /** The domicile the page joins with: the search's (query), else the one the registry knows. */
  const domicileOf = async (
    request: FastifyRequest,
    query: { municipalityIstat?: string | undefined; cap?: string | undefined },
  ): Promise<StatusPageView['domicile']> => {
    let istat = query.municipalityIstat?.trim();
    let cap = query.cap?.trim();
    if (istat === undefined || cap === undefined || istat === '' || cap === '') {
      const person = await registry.getPerson(citizenOf(request).personId);
      istat = person.domicile?.municipalityIstat;
      cap = person.domicile?.cap ?? undefined;
    }
    if (istat === undefined || cap === undefined || !/^[0-9]{6}$/.test(istat) || !/^[0-9]{5}$/.test(cap))
      return null;
    const municipality = await findMunicipalityByIstat(db, istat);
    return municipality === undefined ? null : { municipalityIstat: istat, cap, name: municipality.name };
  };

  const statusView = async (
    request: FastifyRequest,
    query: { municipalityIstat?: string | undefined; cap?: string | undefined; done?: string | undefined },
    errors: readonly FieldError[],
  ): Promise<StatusPageView> => {
    const personId = citizenOf(request).personId;
    const now = clock.now();
    const status = await waitingList.status(personId);
    const standbyEntries = await standby.ofPerson(personId, romeDate(now));
    const places = new Map<number, { name: string }>();
    for (const item of standbyEntries) {
      if (places.has(item.registration.vaccination_point_id)) continue;
      const point = await db
        .selectFrom('vaccination_points')
        .select('name')
        .where('id', '=', item.registration.vaccination_point_id)
        .executeTakeFirstOrThrow();
      places.set(item.registration.vaccination_point_id, point);
    }
    return {
      ...status,
      standby: standbyEntries.map((item) => ({
        ...item,
        place: places.get(item.registration.vaccination_point_id) ?? { name: '' },
      })),
      domicile: await domicileOf(request, query),
      done: DONE.find((known) => known === query.done),
      now,
      errors,
    };
  };

  const showStatus = async (
    request: FastifyRequest,
    reply: FastifyReply,
    query: { municipalityIstat?: string | undefined; cap?: string | undefined; done?: string | undefined },
  ) => {
    const context = await pageContext(request, '/portal/waiting-list');
    return sendPage(reply, 200, waitingListPage(context, await statusView(request, query, [])));
  };

  const failed = (request: FastifyRequest, reply: FastifyReply, refusals: Refusal[], query = {}) =>
    formFailed(
      request,
      reply,
      refusals,
      'body',
      async (context, errors) => waitingListPage(context, await statusView(request, query, errors)),
      '/portal/waiting-list',
    );

  const context = (request: FastifyRequest) => actingContextOf(request, clock.now());

  portal.get(
    '/waiting-list',
    {
      schema: {
        operationId: 'portalWaitingList',
        tags: ['portal'],
        summary:
          'Citizen portal: my waiting-list status and offer (accept/decline), standby calls to answer, or the way to join (BOOK-13)',
        querystring: Type.Object(
          { municipalityIstat: FormText, cap: FormText, done: FormText },
          { additionalProperties: false },
        ),
        response: HTML_PAGE,
      },
      config: { access: CITIZEN },
    },
    async (request, reply) => showStatus(request, reply, request.query),
  );

  portal.post(
    '/waiting-list/join',
    {
      schema: {
        operationId: 'portalJoinWaitingList',
        tags: ['portal'],
        summary: 'Citizen portal: joins the waiting list of the domicile’s area (BOOK-13)',
        body: Type.Object({ municipalityIstat: FormText, cap: FormText }, { additionalProperties: false }),
      },
      config: { access: CITIZEN },
    },
    async (request, reply) => {
      const values = {
        municipalityIstat: request.body.municipalityIstat?.trim(),
        cap: request.body.cap?.trim(),
      };
      const refusals = checkFields(request, values, [
        { name: 'municipalityIstat', label: 'municipality', schema: JoinBody.properties.municipalityIstat },
        { name: 'cap', label: 'cap', schema: JoinBody.properties.cap },
      ]);
      if (refusals.length > 0) return failed(request, reply, refusals, values);
      try {
        await waitingList.join(
          {
            personId: citizenOf(request).personId,
            municipalityIstat: values.municipalityIstat ?? '',
            cap: values.cap ?? '',
            accessibility: [],
            channel: channelOf(request),
          },
          context(request),
        );
      } catch (error) {
        if (error instanceof DomainError && error.code !== 'BOOKING_NOT_ENTITLED')
          return failed(request, reply, [refusalOf(error, [])], values);
        throw error;
      }
      return reply.redirect('/portal/waiting-list?done=joined', 303);
    },
  );

  portal.post(
    '/waiting-list/leave',
    {
      schema: {
        operationId: 'portalLeaveWaitingList',
        tags: ['portal'],
        summary: 'Citizen portal: leaves the waiting list; an open offer is withdrawn (BOOK-13)',
        body: Type.Object({ entryId: FormText }, { additionalProperties: false }),
      },
      config: { access: CITIZEN },
    },
    async (request, reply) => {
      const entryId = Number(request.body.entryId);
      if (!Number.isSafeInteger(entryId) || entryId < 1)
        throw new DomainError('WAITING_LIST_ENTRY_NOT_FOUND', { pointer: '/entryId' });
      await waitingList.leave(entryId, citizenOf(request).personId, context(request));
      return reply.redirect('/portal/waiting-list?done=left', 303);
    },
  );

  const OfferParams = Type.Object({ offerId: Type.String({ pattern: '^[0-9]{1,15}$' }) });

  portal.post(
    '/waiting-list/offers/:offerId/accept',
    {
      schema: {
        operationId: 'portalAcceptOffer',
        tags: ['portal'],
        summary:
          'Citizen portal: accepts the offer: a booking with its second dose; a repeated submission books once',
        params: OfferParams,
      },
      config: { access: CITIZEN },
    },
    async (request, reply) => {
      try {
        const result = await waitingList.accept(
          Number(request.params.offerId),
          citizenOf(request).personId,
          channelOf(request),
          context(request),
        );
        return reply.redirect(`/portal/bookings/${result.confirmation.booking.code}?done=booked`, 303);
      } catch (error) {
        if (error instanceof DomainError && error.code.startsWith('WAITING_LIST_'))
          return failed(request, reply, [refusalOf(error, [])]);
        throw error;
      }
    },
  );

  portal.post(
    '/waiting-list/offers/:offerId/decline',
    {
      schema: {
        operationId: 'portalDeclineOffer',
        tags: ['portal'],
        summary: 'Citizen portal: declines the offer; the person stays on the waiting list (BOOK-13)',
        params: OfferParams,
      },
      config: { access: CITIZEN },
    },
    async (request, reply) => {
      try {
        await waitingList.decline(
          Number(request.params.offerId),
          citizenOf(request).personId,
          context(request),
        );
      } catch (error) {
        if (error instanceof DomainError && error.code.startsWith('WAITING_LIST_'))
          return failed(request, reply, [refusalOf(error, [])]);
        throw error;
      }
      return reply.redirect('/portal/waiting-list?done=declined', 303);
    },
  );

  portal.post(
    '/standby-calls/:callId/answer',
    {
      schema: {
        operationId: 'portalAnswerStandbyCall',
        tags: ['portal'],
        summary: 'Citizen portal: answers a standby call (coming: a booking in the day’s remaining places)',
        params: Type.Object({ callId: Type.String({ pattern: '^[0-9]{1,15}$' }) }),
        body: Type.Object({ outcome: FormText }, { additionalProperties: false }),
      },
      config: { access: CITIZEN },
    },
    async (request, reply) => {
      const outcome = request.body.outcome === 'accepted' ? 'accepted' : 'declined';
      try {
        const result = await standby.answer(
          Number(request.params.callId),
          citizenOf(request).personId,
          outcome,
          channelOf(request),
          context(request),
        );
        if (result.confirmation !== null)
          return reply.redirect(`/portal/bookings/${result.confirmation.booking.code}?done=booked`, 303);
      } catch (error) {
        if (
          error instanceof DomainError &&
          !['AUTHENTICATION_REQUIRED', 'BOOKING_NOT_ENTITLED'].includes(error.code)
        )
          return failed(request, reply, [refusalOf(error, [])]);
        throw error;
      }
      return reply.redirect('/portal/waiting-list?done=standby', 303);
    },
  );

  portal.get(
    '/no-shows/:code',
    {
      schema: {
        operationId: 'portalNoShow',
        tags: ['portal'],
        summary:
          'Citizen portal: a missed appointment and a new one to book in one step (the link in the message)',
        params: NoShowCodeParams,
        response: HTML_PAGE,
      },
      config: { access: CITIZEN },
    },
    async (request, reply) => {
      const details = await noShows.details(
        request.params.code,
        citizenOf(request).personId,
        channelOf(request),
      );
      const page = noShowPage(await pageContext(request, `/portal/no-shows/${request.params.code}`), details);
      return sendPage(reply, 200, page);
    },
  );

  portal.post(
    '/no-shows/:code/rebook',
    {
      schema: {
        operationId: 'portalRebookNoShow',
        tags: ['portal'],
        summary:
          'Citizen portal: books the proposed appointment after a no-show; the second dose moves with it',
        params: NoShowCodeParams,
        body: Type.Object({ slotId: FormText }, { additionalProperties: false }),
      },
      config: { access: CITIZEN },
    },
    async (request, reply) => {
      const slotId = Number(request.body.slotId);
      if (!Number.isSafeInteger(slotId) || slotId < 1)
        throw new DomainError('SLOT_NOT_FOUND', { pointer: '/slotId' });
      const result = await noShows.rebook(
        request.params.code,
        citizenOf(request).personId,
        slotId,
        channelOf(request),
        context(request),
      );
      return reply.redirect(`/portal/bookings/${result.confirmation.booking.code}?done=booked`, 303);
    },
  );
}
