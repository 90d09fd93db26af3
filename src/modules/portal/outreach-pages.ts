import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';
import type { Clock } from '../../platform/clock.ts';
import { actingContextOf } from '../../platform/http/acting-context.ts';
import { DomainError, problemDefinition, renderProblem } from '../../platform/http/problem.ts';
import type { App } from '../../platform/http/types.ts';
import type { Language } from '../../platform/i18n.ts';
import type { BookingService } from '../booking/service.ts';
import type { EligibilityService } from '../eligibility/service.ts';
import { OutreachService } from '../outreach/service.ts';
import { ProposalIdParams } from '../outreach/schemas.ts';
import { html, type HtmlValue, type SafeHtml } from './html.ts';
import { errorSummary } from './forms.ts';
import { channelOf, citizenOf, CITIZEN, HTML_PAGE, type PageKit } from './kit.ts';
import { csrfField, formatDateTime, layout, type PageContext } from './layout.ts';

/*
 * BOOK-17: the page a proposal's message links to (/portal/outreach/proposals/:id): the citizen signs in,
 * sees the appointment the health authority proposes, and confirms it (→ a booking) or asks for another
 * one (→ the normal booking search). Forms work without JavaScript (POST → 303 → GET); a refusal shows
 * the same page with the reason at the top (ADR 0014). The texts are this page's own.
 */

type Texts = Record<Language, string>;

const T = {
  title: { it: 'Appuntamento proposto', en: 'Proposed appointment' },
  intro: {
    it: 'La Sua azienda sanitaria Le propone questo appuntamento per il vaccino contro il COVID-19.',
    en: 'Your health authority proposes this appointment for your COVID-19 vaccine.',
  },
  when: { it: 'Quando', en: 'When' },
  where: { it: 'Dove', en: 'Where' },
  until: { it: 'Può confermarlo fino a', en: 'You can confirm it until' },
  confirm: { it: 'Confermo l’appuntamento', en: 'I confirm the appointment' },
  change: { it: 'Voglio un altro giorno o un altro centro', en: 'I want another day or centre' },
  changeHint: {
    it: 'Se sceglie un altro appuntamento, questa proposta non vale più.',
    en: 'If you choose another appointment, this proposal no longer holds.',
  },
  confirmed: {
    it: 'Ha già confermato questo appuntamento. Codice di prenotazione: {code}.',
    en: 'You have already confirmed this appointment. Booking code: {code}.',
  },
  seeBooking: { it: 'Vedi la prenotazione', en: 'See the booking' },
  notOpen: {
    it: 'Questa proposta non vale più. Può scegliere un altro appuntamento.',
    en: 'This proposal no longer holds. You can choose another appointment.',
  },
  search: { it: 'Scegli un appuntamento', en: 'Choose an appointment' },
  back: { it: 'Torna alla Sua pagina', en: 'Back to your page' },
} satisfies Record<string, Texts>;

const say = (context: PageContext, key: keyof typeof T, params: Record<string, string> = {}): string =>
  T[key][context.language].replace(/\{(\w+)\}/g, (whole, name: string) => params[name] ?? whole);

interface Deps {
  kit: PageKit;
  booking: BookingService;
  eligibility: EligibilityService;
  clock: Clock;
  db: Kysely<DB>;
}

type Found = Awaited<ReturnType<OutreachService['getProposal']>>;

function proposalPage(context: PageContext, found: Found, errors: readonly string[]): SafeHtml {
  const { proposal, state, bookingCode } = found;
  const id = Number(proposal.id);
  const action = (what: 'confirm' | 'change') => `/portal/outreach/proposals/${id}/${what}`;
  let next: HtmlValue;
  if (state === 'open') {
    next = html`<form method="post" action="${action('confirm')}" class="mb-3">
        ${csrfField(context)}
        <button type="submit" class="btn btn-primary">${say(context, 'confirm')}</button>
      </form>
      <form method="post" action="${action('change')}">
        ${csrfField(context)}
        <p class="form-text" id="change-hint">${say(context, 'changeHint')}</p>
        <button type="submit" class="btn btn-outline-primary" aria-describedby="change-hint">
          ${say(context, 'change')}
        </button>
      </form>`;
  } else if (state === 'confirmed' && bookingCode !== null) {
    next = html`<p>${say(context, 'confirmed', { code: bookingCode })}</p>
      <a class="btn btn-primary" href="/portal/bookings/${bookingCode}">${say(context, 'seeBooking')}</a>`;
  } else {
    next = html`<p>${say(context, 'notOpen')}</p>
      <a class="btn btn-primary" href="/portal/book">${say(context, 'search')}</a>`;
  }
  return layout(context, {
    title: say(context, 'title'),
    hasErrors: errors.length > 0,
    body: html`${errorSummary(
        context,
        errors.map((message) => ({ field: undefined, message })),
      )}
      <h1>${say(context, 'title')}</h1>
      <p class="lead">${say(context, 'intro')}</p>
      <dl class="proposal-summary">
        <dt>${say(context, 'when')}</dt>
        <dd>${formatDateTime(proposal.starts_at, context.language)}</dd>
        <dt>${say(context, 'where')}</dt>
        <dd>${proposal.place_name}, ${proposal.place_address}, ${proposal.place_municipality}</dd>
        ${
          state === 'open'
            ? html`<dt>${say(context, 'until')}</dt>
                <dd>${formatDateTime(proposal.valid_until, context.language)}</dd>`
            : null
        }
      </dl>
      ${next}
      <p class="mt-4"><a href="/portal/start">${say(context, 'back')}</a></p>`,
  });
}

export function registerOutreachPages(portal: App, deps: Deps): void {
  const { kit, booking, eligibility, clock, db } = deps;
  const outreach = new OutreachService(db, clock, eligibility, booking);
  const { pageContext, sendPage } = kit;

  const show = async (
    request: FastifyRequest,
    reply: FastifyReply,
    proposalId: number,
    error?: DomainError,
  ): Promise<FastifyReply> => {
    const found = await outreach.getProposal(proposalId, citizenOf(request).personId);
    const context = await pageContext(request, `/portal/outreach/proposals/${proposalId}`);
    const errors =
      error === undefined
        ? []
        : [renderProblem(error.code, context.language, request.id, { params: error.options.params }).detail];
    const status = error === undefined ? 200 : (problemDefinition(error.code)?.status ?? 400);
    return sendPage(reply, status, proposalPage(context, found, errors));
  };

  portal.get(
    '/outreach/proposals/:proposalId',
    {
      schema: {
        operationId: 'portalOutreachProposal',
        tags: ['portal'],
        summary:
          'Citizen portal: an appointment the health authority proposes, to confirm or change (BOOK-17)',
        params: ProposalIdParams,
        response: HTML_PAGE,
      },
      config: { access: CITIZEN },
    },
    async (request, reply) => show(request, reply, request.params.proposalId),
  );

  portal.post(
    '/outreach/proposals/:proposalId/confirm',
    {
      schema: {
        operationId: 'portalConfirmOutreachProposal',
        tags: ['portal'],
        summary:
          'Citizen portal: confirms a proposed appointment; a repeated submission books once (BOOK-17)',
        params: ProposalIdParams,
      },
      config: { access: CITIZEN, admission: 'booking' },
    },
    async (request, reply) => {
      const { proposalId } = request.params;
      try {
        const { booking: made } = await outreach.confirmProposal(
          proposalId,
          citizenOf(request).personId,
          channelOf(request),
          'portal',
          actingContextOf(request, clock.now()),
        );
        return reply.redirect(`/portal/bookings/${made.code}?done=booked`, 303);
      } catch (error) {
        if (!(error instanceof DomainError) || error.code === 'OUTREACH_PROPOSAL_NOT_FOUND') throw error;
        return show(request, reply, proposalId, error);
      }
    },
  );

  portal.post(
    '/outreach/proposals/:proposalId/change',
    {
      schema: {
        operationId: 'portalChangeOutreachProposal',
        tags: ['portal'],
        summary:
          'Citizen portal: another appointment instead of the proposed one: to the booking search (BOOK-17)',
        params: ProposalIdParams,
      },
      config: { access: CITIZEN },
    },
    async (request, reply) => {
      const { proposalId } = request.params;
      try {
        await outreach.changeProposal(
          proposalId,
          citizenOf(request).personId,
          'portal',
          actingContextOf(request, clock.now()),
        );
        return reply.redirect('/portal/book', 303);
      } catch (error) {
        if (!(error instanceof DomainError) || error.code === 'OUTREACH_PROPOSAL_NOT_FOUND') throw error;
        return show(request, reply, proposalId, error);
      }
    },
  );
}
