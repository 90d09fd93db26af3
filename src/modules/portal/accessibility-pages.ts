import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { Type } from 'typebox';
import type { DB } from '../../platform/db/schema.ts';
import type { Clock } from '../../platform/clock.ts';
import { format, type Language } from '../../platform/i18n.ts';
import { actingContextOf } from '../../platform/http/acting-context.ts';
import { DomainError } from '../../platform/http/problem.ts';
import type { App } from '../../platform/http/types.ts';
import type { BookingService } from '../booking/service.ts';
import type { EligibilityService } from '../eligibility/service.ts';
import { AccessibilityService } from '../accessibility/service.ts';
import { HomeRequestBody } from '../accessibility/schemas.ts';
import type { HomeRequestRow, SessionBookingRow, SessionWithPlace } from '../accessibility/repo.ts';
import { HOME_REASONS, NEEDS, type HomeReason, type Need, type Transport } from '../accessibility/tables.ts';
import { CodeParams } from '../accessibility/schemas.ts';
import { choiceGroup, errorSummary, textInput, type FieldError } from './forms.ts';
import { html, type HtmlValue, type SafeHtml } from './html.ts';
import { csrfField, formatDate, formatDateTime, formatTime, layout, type PageContext } from './layout.ts';
import {
  channelOf,
  citizenOf,
  CITIZEN,
  FormText,
  HTML_PAGE,
  pageLanguage,
  refusalOf,
  type PageKit,
  type Refusal,
} from './kit.ts';

/*
 * Citizen pages for people with disabilities (BOOK-14..16, ADR 0014): ask for vaccination at home, book a
 * session with a sign-language interpreter, a lip-reading mediator, a guide or transport, and ask for
 * transport to a hub appointment. Plain words for a deaf 80-year-old and her daughter on a phone; forms
 * work without JavaScript (POST → 303 → GET), checked against the API's schemas.
 */

const TEXTS = {
  helpTitle: { it: 'Aiuto per vaccinarsi', en: 'Help to get vaccinated' },
  helpLead: {
    it: 'Se ha una disabilità, o non può andare da solo al centro vaccinale, ci sono tre modi per aiutarLa.',
    en: 'If you have a disability, or cannot go to the vaccination centre on your own, there are three ways we can help.',
  },
  homeTitle: { it: 'Vaccinazione a casa', en: 'Vaccination at home' },
  homeIntro: {
    it: 'Per chi ha bisogno dell’aiuto di altri nella vita di ogni giorno e non può raggiungere un centro vaccinale, nemmeno con un trasporto organizzato. La Sua azienda sanitaria (a volte con il Suo medico di famiglia) viene a casa.',
    en: 'For people who need others’ help in daily life and cannot reach a vaccination centre, not even with organised transport. Your health authority (sometimes with your family doctor) comes to your home.',
  },
  homeAsk: { it: 'Chiedere la vaccinazione a casa', en: 'Ask for vaccination at home' },
  sessionsTitle: {
    it: 'Sedute con interprete, accompagnatore o trasporto',
    en: 'Sessions with an interpreter, a guide or transport',
  },
  sessionsIntro: {
    it: 'Giorni e orari dedicati, in piccoli gruppi: con l’interprete della lingua dei segni (LIS) o un mediatore per la lettura labiale per le persone sorde, con un accompagnatore per le persone cieche, con il trasporto per chi vive lontano e non è autosufficiente.',
    en: 'Dedicated days and times, in small groups: with a sign-language (LIS) interpreter or a lip-reading mediator for deaf people, with a guide for blind people, with transport for people who live far away and are not self-sufficient.',
  },
  sessionsFind: { it: 'Cercare una seduta', en: 'Find a session' },
  transportTitle: { it: 'Trasporto al centro vaccinale', en: 'Transport to the vaccination centre' },
  transportIntro: {
    it: 'Se ha già un appuntamento in un centro vaccinale e ha bisogno di un trasporto, lo indichi qui: l’azienda sanitaria La contatterà per organizzarlo.',
    en: 'If you already have an appointment at a vaccination centre and need transport, say so here: the health authority will contact you to organise it.',
  },
  transportNone: {
    it: 'Non ha appuntamenti in un centro vaccinale.',
    en: 'You have no appointment at a vaccination centre.',
  },
  transportFor: { it: 'Appuntamento {code} del {when}', en: 'Appointment {code} on {when}' },
  transportChoice: { it: 'Di quale trasporto ha bisogno?', en: 'What transport do you need?' },
  transport_none: { it: 'Nessun trasporto', en: 'No transport' },
  transport_seated: { it: 'Un posto in auto o in pulmino', en: 'A seat in a car or minibus' },
  transport_wheelchair: { it: 'Un mezzo per la carrozzina', en: 'A vehicle for a wheelchair' },
  save: { it: 'Salva', en: 'Save' },
  transportSaved: {
    it: 'Fatto: il trasporto è stato registrato.',
    en: 'Done: the transport has been recorded.',
  },
  homeDone: {
    it: 'Richiesta ricevuta. La Sua azienda sanitaria La contatterà per dirLe il giorno della visita. Non deve prenotare in un centro vaccinale.',
    en: 'Request received. Your health authority will contact you to tell you the day of the visit. You do not need to book at a vaccination centre.',
  },
  yourHome: { it: 'La Sua richiesta di vaccinazione a casa', en: 'Your request for vaccination at home' },
  homeNumber: { it: 'Numero della richiesta: {id}', en: 'Request number: {id}' },
  status_requested: {
    it: 'Ricevuta: l’azienda sanitaria La contatterà.',
    en: 'Received: the health authority will contact you.',
  },
  status_planned: { it: 'Visita fissata: {when}.', en: 'Visit set: {when}.' },
  status_done: { it: 'Vaccinazione fatta a casa.', en: 'Vaccination given at home.' },
  status_not_possible: { it: 'Non è stato possibile: {reason}.', en: 'It was not possible: {reason}.' },
  status_withdrawn: { it: 'Richiesta ritirata.', en: 'Request withdrawn.' },
  byGp: { it: 'con il medico di famiglia', en: 'with your family doctor' },
  yourSessions: {
    it: 'I Suoi appuntamenti nelle sedute dedicate',
    en: 'Your appointments in dedicated sessions',
  },
  openSessionBooking: { it: 'Appuntamento {code}', en: 'Appointment {code}' },
  back: { it: 'Torna alla Sua pagina', en: 'Back to your page' },
  backHelp: { it: 'Torna ad «Aiuto per vaccinarsi»', en: 'Back to “Help to get vaccinated”' },
  // The home form
  selfSufficient: {
    it: 'La persona da vaccinare riesce a fare da sola le cose di ogni giorno (lavarsi, vestirsi, mangiare)?',
    en: 'Can the person to vaccinate manage daily life alone (washing, dressing, eating)?',
  },
  selfSufficientYes: { it: 'Sì, da sola', en: 'Yes, alone' },
  selfSufficientNo: { it: 'No, ha bisogno di aiuto', en: 'No, needs help' },
  canTravel: {
    it: 'Con un trasporto organizzato (auto, pulmino, mezzo per carrozzina) potrebbe arrivare a un centro vaccinale?',
    en: 'With organised transport (car, minibus, wheelchair vehicle) could they get to a vaccination centre?',
  },
  canTravelYes: { it: 'Sì', en: 'Yes' },
  canTravelNo: { it: 'No, nemmeno così', en: 'No, not even then' },
  reason: { it: 'Perché non può uscire di casa?', en: 'Why can they not leave home?' },
  reason_bedridden: { it: 'È a letto', en: 'Bedridden' },
  reason_cannot_be_transported: { it: 'Non può essere trasportata', en: 'Cannot be transported' },
  reason_other: { it: 'Altro motivo (lo scriva nelle note)', en: 'Another reason (write it in the notes)' },
  gpName: { it: 'Medico di famiglia (nome e cognome, se vuole)', en: 'Family doctor (name, if you wish)' },
  gpAgreed: {
    it: 'Il medico di famiglia è d’accordo a venire per la vaccinazione',
    en: 'The family doctor agrees to come for the vaccination',
  },
  notes: {
    it: 'Note per chi viene (piano, citofono, orari: facoltativo)',
    en: 'Notes for the visit (floor, doorbell, times: optional)',
  },
  send: { it: 'Invia la richiesta', en: 'Send the request' },
  caregiverHint: {
    it: 'Se è un familiare o chi assiste la persona, compili per lei: è entrato con i suoi dati.',
    en: 'If you are a relative or the person’s caregiver, fill this in for them: you signed in with their details.',
  },
  // The sessions form
  needs: { it: 'Di cosa ha bisogno?', en: 'What do you need?' },
  need_lis_interpreter: {
    it: 'Interprete della lingua dei segni (LIS)',
    en: 'Sign-language (LIS) interpreter',
  },
  need_lip_reading_mediator: { it: 'Mediatore per la lettura labiale', en: 'Lip-reading mediator' },
  need_guide: { it: 'Accompagnatore (persona cieca)', en: 'A guide (blind person)' },
  need_transport: {
    it: 'Trasporto organizzato dall’azienda sanitaria',
    en: 'Transport organised by the health authority',
  },
  withCaregiver: { it: 'Viene qualcuno con Lei?', en: 'Is someone coming with you?' },
  withCaregiverYes: { it: 'Sì, un familiare o chi mi assiste', en: 'Yes, a relative or my caregiver' },
  withCaregiverNo: { it: 'No, vengo da solo', en: 'No, I come alone' },
  wheelchair: {
    it: 'Per il trasporto: usa la carrozzina?',
    en: 'For the transport: do you use a wheelchair?',
  },
  wheelchairYes: { it: 'Sì', en: 'Yes' },
  wheelchairNo: { it: 'No', en: 'No' },
  search: { it: 'Cerca le sedute', en: 'Find sessions' },
  noSessions: {
    it: 'Al momento non ci sono sedute libere per questi bisogni. Riprovi nei prossimi giorni, oppure chiami il numero verde: l’azienda sanitaria ne apre di nuove.',
    en: 'There are no free sessions for these needs at the moment. Try again in the next days, or call the toll-free number: the health authority opens new ones.',
  },
  chooseSession: { it: 'Scelga la seduta', en: 'Choose the session' },
  sessionOption: { it: '{when}, dalle {from} alle {to}', en: '{when}, {from} to {to}' },
  sessionPlace: {
    it: '{name}, {address}, {municipality}. Posti liberi: {free}.',
    en: '{name}, {address}, {municipality}. Free places: {free}.',
  },
  confirm: { it: 'Conferma l’appuntamento', en: 'Confirm the appointment' },
  supports: { it: 'Ci sarà', en: 'There will be' },
  support_lis_interpreter: { it: 'interprete LIS', en: 'LIS interpreter' },
  support_lip_reading_mediator: { it: 'mediatore per la lettura labiale', en: 'lip-reading mediator' },
  support_guide: { it: 'accompagnatore', en: 'guide' },
  // The session booking page
  sessionBookingTitle: { it: 'Appuntamento {code}', en: 'Appointment {code}' },
  sessionBooked: {
    it: 'Fatto: l’appuntamento è confermato. Le abbiamo anche scritto.',
    en: 'Done: the appointment is confirmed. We have also written to you.',
  },
  sessionCancelledNow: {
    it: 'Fatto: l’appuntamento è annullato e il posto è libero per altri.',
    en: 'Done: the appointment is cancelled and the place is free for others.',
  },
  statusCancelled: { it: 'Questo appuntamento è annullato.', en: 'This appointment is cancelled.' },
  code: { it: 'Codice', en: 'Code' },
  when: { it: 'Quando', en: 'When' },
  where: { it: 'Dove', en: 'Where' },
  caregiver: { it: 'Chi La accompagna', en: 'Who comes with you' },
  caregiverYes: { it: 'C’è posto anche per chi La accompagna', en: 'There is room for the person with you' },
  caregiverNo: { it: 'Viene da solo', en: 'You come alone' },
  transport: { it: 'Trasporto', en: 'Transport' },
  transportOrganised: {
    it: '{kind}: l’azienda sanitaria La contatterà per l’orario',
    en: '{kind}: the health authority will contact you about the time',
  },
  bring: {
    it: 'Porti un documento, la tessera sanitaria e, se li ha, i fogli delle Sue malattie e delle medicine.',
    en: 'Bring an ID, the health card and, if you have them, the papers about your illnesses and medicines.',
  },
  cancel: { it: 'Annulla l’appuntamento', en: 'Cancel the appointment' },
  cancelReason: { it: 'Annullato dal cittadino sul portale', en: 'Cancelled by the citizen on the portal' },
} satisfies Record<string, { it: string; en: string }>;

type Key = keyof typeof TEXTS;
const say = (context: { language: Language }, key: Key, params?: Record<string, string | number>) =>
  format(TEXTS[key][context.language], params);

const SessionQuery = {
  needs: Type.Optional(Type.Array(Type.String({ maxLength: 40 }), { maxItems: 8 })),
  withCaregiver: FormText,
  wheelchair: FormText,
};

interface Deps {
  kit: PageKit;
  booking: BookingService;
  eligibility: EligibilityService;
  clock: Clock;
  db: Kysely<DB>;
}

const isNeed = (value: string): value is Need => (NEEDS as readonly string[]).includes(value);
const isReason = (value: string | undefined): value is HomeReason =>
  value !== undefined && (HOME_REASONS as readonly string[]).includes(value);
const yesNo = (value: string | undefined): boolean | undefined =>
  value === 'yes' ? true : value === 'no' ? false : undefined;

function required(context: { language: Language }, field: string, label: Key): Refusal {
  return { code: 'FIELD_REQUIRED', field, params: { field: say(context, label) } };
}

function summaryRow(term: string, value: HtmlValue): SafeHtml {
  return html`<div class="summary-row">
    <dt>${term}</dt>
    <dd>${value}</dd>
  </div>`;
}

function homeStatusText(context: PageContext, row: HomeRequestRow): string {
  switch (row.status) {
    case 'planned': {
      const day =
        row.visit_day === null
          ? ''
          : formatDate(new Date(`${row.visit_day}T12:00:00+02:00`), context.language);
      const time = row.visit_time === null ? '' : ` ${row.visit_time.slice(0, 5)}`;
      return say(context, 'status_planned', {
        when: `${day}${time}${row.by_gp ? `, ${say(context, 'byGp')}` : ''}`,
      });
    }
    case 'not_possible':
      return say(context, 'status_not_possible', { reason: row.outcome_reason ?? '' });
    case 'requested':
    case 'done':
    case 'withdrawn':
      return say(context, `status_${row.status}`);
  }
}

const supportsText = (context: PageContext, supports: readonly string[]) =>
  supports.map((s) => say(context, `support_${s}` as Key)).join(', ');

export function registerAccessibilityPages(portal: App, deps: Deps): void {
  const { kit, booking, eligibility, clock, db } = deps;
  const { pageContext, sendPage, formFailed } = kit;
  const service = new AccessibilityService(db, clock, eligibility, booking);

  // ------------------------------------------------------------------------------------------------
  // The options, and where the citizen stands

  const helpPage = async (
    request: FastifyRequest,
    context: PageContext,
    done: string | undefined,
    errors: readonly FieldError[],
  ): Promise<SafeHtml> => {
    const { personId } = citizenOf(request);
    const home = await service.latestHomeRequestOf(personId);
    const sessions = await service.upcomingSessionBookingsOf(personId);
    const hubBookings = await booking.openBookingsOf(personId);
    const language = context.language;
    const doneText: Record<string, Key> = { home: 'homeDone', transport: 'transportSaved' };
    const doneKey = done === undefined ? undefined : doneText[done];
    return layout(context, {
      title: say(context, 'helpTitle'),
      hasErrors: errors.length > 0,
      body: html`${errorSummary(context, errors)}
        ${doneKey === undefined ? null : html`<div class="alert alert-success" role="status">${say(context, doneKey)}</div>`}
        <h1>${say(context, 'helpTitle')}</h1>
        <p class="lead">${say(context, 'helpLead')}</p>
        ${
          home === undefined
            ? null
            : html`<section class="mb-4" aria-labelledby="home-status">
                <h2 class="h4" id="home-status">${say(context, 'yourHome')}</h2>
                <p>${say(context, 'homeNumber', { id: home.id })}<br />${homeStatusText(context, home)}</p>
              </section>`
        }
        ${
          sessions.length === 0
            ? null
            : html`<section class="mb-4" aria-labelledby="session-list">
                <h2 class="h4" id="session-list">${say(context, 'yourSessions')}</h2>
                <ul>
                  ${sessions.map(
                    ({ booking: row, session }) =>
                      html`<li>
                        <a href="/portal/sessions/bookings/${row.code}"
                          >${say(context, 'openSessionBooking', { code: row.code })}</a
                        ><br />${formatDateTime(session.starts_at, language)}, ${session.point_name}
                      </li>`,
                  )}
                </ul>
              </section>`
        }
        <section class="mb-4" aria-labelledby="home-title">
          <h2 class="h3" id="home-title">${say(context, 'homeTitle')}</h2>
          <p>${say(context, 'homeIntro')}</p>
          <a class="btn btn-primary mb-3" href="/portal/home-vaccination">${say(context, 'homeAsk')}</a>
        </section>
        <section class="mb-4" aria-labelledby="sessions-title">
          <h2 class="h3" id="sessions-title">${say(context, 'sessionsTitle')}</h2>
          <p>${say(context, 'sessionsIntro')}</p>
          <a class="btn btn-primary mb-3" href="/portal/sessions">${say(context, 'sessionsFind')}</a>
        </section>
        <section class="mb-4" aria-labelledby="transport-title">
          <h2 class="h3" id="transport-title">${say(context, 'transportTitle')}</h2>
          <p>${say(context, 'transportIntro')}</p>
          ${
            hubBookings.length === 0
              ? html`<p>${say(context, 'transportNone')}</p>`
              : hubBookings
                  .filter((row) => row.dose_number === 1 || row.first_dose_booking_id === null)
                  .map(
                    (row) =>
                      html`<form method="post" action="/portal/transport" novalidate class="mb-4">
                        ${csrfField(context)}
                        <input type="hidden" name="code" value="${row.code}" />
                        ${choiceGroup(context, errors, {
                          name: `transport-${row.code}`,
                          legend: say(context, 'transportFor', {
                            code: row.code,
                            when: formatDateTime(row.starts_at, language),
                          }),
                          hint: say(context, 'transportChoice'),
                          values: [row.transport ?? 'none'],
                          options: (['none', 'seated', 'wheelchair'] as const).map((value) => ({
                            value,
                            label: say(context, `transport_${value}`),
                          })),
                        })}
                        <button type="submit" class="btn btn-outline-primary">${say(context, 'save')}</button>
                      </form>`,
                  )
          }
        </section>
        <p><a href="/portal/start">${say(context, 'back')}</a></p>`,
    });
  };

  portal.get(
    '/accessibility',
    {
      schema: {
        operationId: 'portalAccessibility',
        tags: ['portal'],
        summary:
          'Citizen portal: help to get vaccinated: at home, dedicated sessions, transport (BOOK-14..16)',
        querystring: Type.Object(
          { done: Type.Optional(Type.Enum(['home', 'transport'])) },
          { additionalProperties: false },
        ),
        response: HTML_PAGE,
      },
      config: { access: CITIZEN },
    },
    async (request, reply) =>
      sendPage(reply, 200, await helpPage(request, await pageContext(request), request.query.done, [])),
  );

  portal.post(
    '/transport',
    {
      schema: {
        operationId: 'portalSetTransport',
        tags: ['portal'],
        summary: 'Citizen portal: records the transport a hub appointment needs (BOOK-16)',
        body: Type.Object({ code: FormText }, { additionalProperties: true }),
      },
      config: { access: CITIZEN },
    },
    async (request, reply) => {
      const body = request.body as Record<string, unknown>;
      const code = typeof body.code === 'string' ? body.code.trim().toUpperCase() : '';
      const choice = body[`transport-${code}`];
      const validCode = request.compileValidationSchema(CodeParams.properties.code)(code);
      const transport: Transport | null | undefined =
        choice === 'seated' || choice === 'wheelchair' ? choice : choice === 'none' ? null : undefined;
      if (!validCode) throw new DomainError('BOOKING_NOT_FOUND', { pointer: '/body/code' });
      if (transport === undefined) {
        const language = pageLanguage(request);
        return formFailed(
          request,
          reply,
          [required({ language }, `transport-${code}`, 'transportChoice')],
          'body',
          (context, errors) => helpPage(request, context, undefined, errors),
          '/portal/accessibility',
        );
      }
      await service.setHubBookingTransport(
        code,
        citizenOf(request).personId,
        transport,
        actingContextOf(request, clock.now()),
      );
      return reply.redirect('/portal/accessibility?done=transport', 303);
    },
  );

  // ------------------------------------------------------------------------------------------------
  // BOOK-14: ask for vaccination at home

  type HomeValues = Record<
    'selfSufficient' | 'canTravel' | 'reason' | 'gpName' | 'gpAgreed' | 'notes',
    string | undefined
  >;

  const homePage = (context: PageContext, values: HomeValues, errors: readonly FieldError[]): SafeHtml =>
    layout(context, {
      title: say(context, 'homeTitle'),
      hasErrors: errors.length > 0,
      body: html`${errorSummary(context, errors, {
          selfSufficient: 'selfSufficient-0',
          canTravel: 'canTravel-0',
          reason: 'reason-0',
        })}
        <h1>${say(context, 'homeTitle')}</h1>
        <p>${say(context, 'homeIntro')}</p>
        <p class="form-text">${say(context, 'caregiverHint')}</p>
        <form method="post" action="/portal/home-vaccination" novalidate>
          ${csrfField(context)}
          ${choiceGroup(context, errors, {
            name: 'selfSufficient',
            legend: say(context, 'selfSufficient'),
            values: values.selfSufficient === undefined ? [] : [values.selfSufficient],
            options: [
              { value: 'no', label: say(context, 'selfSufficientNo') },
              { value: 'yes', label: say(context, 'selfSufficientYes') },
            ],
          })}
          ${choiceGroup(context, errors, {
            name: 'canTravel',
            legend: say(context, 'canTravel'),
            values: values.canTravel === undefined ? [] : [values.canTravel],
            options: [
              { value: 'no', label: say(context, 'canTravelNo') },
              { value: 'yes', label: say(context, 'canTravelYes') },
            ],
          })}
          ${choiceGroup(context, errors, {
            name: 'reason',
            legend: say(context, 'reason'),
            values: values.reason === undefined ? [] : [values.reason],
            options: HOME_REASONS.map((reason) => ({
              value: reason,
              label: say(context, `reason_${reason}`),
            })),
          })}
          ${textInput(context, errors, { name: 'gpName', label: say(context, 'gpName'), value: values.gpName, maxlength: 120 })}
          ${choiceGroup(context, errors, {
            name: 'gpAgreed',
            legend: say(context, 'gpName'),
            legendClass: 'visually-hidden',
            type: 'checkbox',
            values: values.gpAgreed === 'yes' ? ['yes'] : [],
            options: [{ value: 'yes', label: say(context, 'gpAgreed') }],
          })}
          ${textInput(context, errors, { name: 'notes', label: say(context, 'notes'), value: values.notes, maxlength: 500 })}
          <button type="submit" class="btn btn-primary">${say(context, 'send')}</button>
        </form>
        <p class="mt-4"><a href="/portal/accessibility">${say(context, 'backHelp')}</a></p>`,
    });

  portal.get(
    '/home-vaccination',
    {
      schema: {
        operationId: 'portalHomeVaccinationPage',
        tags: ['portal'],
        summary: 'Citizen portal: the form to ask for vaccination at home (BOOK-14)',
        response: HTML_PAGE,
      },
      config: { access: CITIZEN },
    },
    async (request, reply) =>
      sendPage(reply, 200, homePage(await pageContext(request), {} as HomeValues, [])),
  );

  portal.post(
    '/home-vaccination',
    {
      schema: {
        operationId: 'portalRequestHomeVaccination',
        tags: ['portal'],
        summary:
          'Citizen portal: asks for vaccination at home; the person is put on the authority’s list (BOOK-14)',
        body: Type.Object(
          {
            selfSufficient: FormText,
            canTravel: FormText,
            reason: FormText,
            gpName: FormText,
            gpAgreed: FormText,
            notes: FormText,
          },
          { additionalProperties: false },
        ),
      },
      config: { access: CITIZEN },
    },
    async (request, reply) => {
      const language = pageLanguage(request);
      const body = request.body;
      const values: HomeValues = {
        selfSufficient: body.selfSufficient,
        canTravel: body.canTravel,
        reason: body.reason,
        gpName: body.gpName?.trim() || undefined,
        gpAgreed: body.gpAgreed,
        notes: body.notes?.trim() || undefined,
      };
      const failed = (refusals: Refusal[]) =>
        formFailed(
          request,
          reply,
          refusals,
          'body',
          (context, errors) => homePage(context, values, errors),
          '/portal/home-vaccination',
        );
      const selfSufficient = yesNo(values.selfSufficient);
      const canTravel = yesNo(values.canTravel);
      const refusals: Refusal[] = [];
      if (selfSufficient === undefined)
        refusals.push(required({ language }, 'selfSufficient', 'selfSufficient'));
      if (canTravel === undefined) refusals.push(required({ language }, 'canTravel', 'canTravel'));
      if (!isReason(values.reason)) refusals.push(required({ language }, 'reason', 'reason'));
      const notesValid = request.compileValidationSchema(HomeRequestBody.properties.notes);
      if (values.notes !== undefined && !notesValid(values.notes))
        refusals.push({
          code: 'REQUEST_INVALID',
          field: 'notes',
          params: { field: say({ language }, 'notes') },
        });
      const gpValid = request.compileValidationSchema(HomeRequestBody.properties.gpName);
      if (values.gpName !== undefined && !gpValid(values.gpName))
        refusals.push({
          code: 'REQUEST_INVALID',
          field: 'gpName',
          params: { field: say({ language }, 'gpName') },
        });
      if (
        refusals.length > 0 ||
        selfSufficient === undefined ||
        canTravel === undefined ||
        !isReason(values.reason)
      )
        return failed(refusals);
      try {
        await service.requestHomeVaccination(
          {
            personId: citizenOf(request).personId,
            selfSufficient,
            canTravelWithTransport: canTravel,
            reason: values.reason,
            notes: values.notes,
            gpName: values.gpName,
            gpAgreed: values.gpAgreed === 'yes',
          },
          null,
          actingContextOf(request, clock.now()),
        );
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        return failed([
          refusalOf(error, [], error.code === 'HOME_VACCINATION_NOT_FOR_PERSON' ? 'canTravel' : undefined),
        ]);
      }
      return reply.redirect('/portal/accessibility?done=home', 303);
    },
  );

  // ------------------------------------------------------------------------------------------------
  // BOOK-15: find and book a dedicated session

  interface SessionValues {
    needs: string[];
    withCaregiver: string | undefined;
    wheelchair: string | undefined;
    searched: boolean;
  }

  const sessionsPage = (
    context: PageContext,
    values: SessionValues,
    found: readonly SessionWithPlace[] | undefined,
    errors: readonly FieldError[],
  ): SafeHtml => {
    const language = context.language;
    const query = new URLSearchParams();
    for (const need of values.needs) query.append('needs', need);
    return layout(context, {
      title: say(context, 'sessionsTitle'),
      hasErrors: errors.length > 0,
      body: html`${errorSummary(context, errors, { needs: 'needs-0', withCaregiver: 'withCaregiver-0', sessionId: 'sessionId-0' })}
        <h1>${say(context, 'sessionsTitle')}</h1>
        <p>${say(context, 'sessionsIntro')}</p>
        <form method="get" action="/portal/sessions" novalidate>
          ${choiceGroup(context, errors, {
            name: 'needs',
            legend: say(context, 'needs'),
            type: 'checkbox',
            values: values.needs,
            options: NEEDS.map((need) => ({ value: need, label: say(context, `need_${need}`) })),
          })}
          ${choiceGroup(context, errors, {
            name: 'wheelchair',
            legend: say(context, 'wheelchair'),
            values: values.wheelchair === undefined ? [] : [values.wheelchair],
            options: [
              { value: 'no', label: say(context, 'wheelchairNo') },
              { value: 'yes', label: say(context, 'wheelchairYes') },
            ],
          })}
          ${choiceGroup(context, errors, {
            name: 'withCaregiver',
            legend: say(context, 'withCaregiver'),
            values: values.withCaregiver === undefined ? [] : [values.withCaregiver],
            options: [
              { value: 'yes', label: say(context, 'withCaregiverYes') },
              { value: 'no', label: say(context, 'withCaregiverNo') },
            ],
          })}
          <button type="submit" class="btn btn-outline-primary">${say(context, 'search')}</button>
        </form>
        ${
          found === undefined
            ? null
            : found.length === 0
              ? html`<div class="alert alert-info mt-4" role="status">${say(context, 'noSessions')}</div>`
              : html`<form method="post" action="/portal/sessions/book" novalidate class="mt-4">
                  ${csrfField(context)}
                  ${values.needs.map((need) => html`<input type="hidden" name="needs" value="${need}" />`)}
                  <input type="hidden" name="withCaregiver" value="${values.withCaregiver ?? ''}" />
                  <input type="hidden" name="wheelchair" value="${values.wheelchair ?? ''}" />
                  ${choiceGroup(context, errors, {
                    name: 'sessionId',
                    legend: say(context, 'chooseSession'),
                    legendClass: 'h3 form-legend',
                    options: found.map((session) => ({
                      value: String(session.id),
                      label: say(context, 'sessionOption', {
                        when: formatDate(session.starts_at, language),
                        from: formatTime(session.starts_at, language),
                        to: formatTime(session.ends_at, language),
                      }),
                      hint: `${say(context, 'sessionPlace', {
                        name: session.point_name,
                        address: session.point_address,
                        municipality: session.point_municipality,
                        free: Math.max(0, session.group_size - session.people_booked),
                      })}${session.supports.length > 0 ? ` ${say(context, 'supports')}: ${supportsText(context, session.supports)}.` : ''}`,
                    })),
                  })}
                  <button type="submit" class="btn btn-primary">${say(context, 'confirm')}</button>
                </form>`
        }
        <p class="mt-4"><a href="/portal/accessibility">${say(context, 'backHelp')}</a></p>`,
    });
  };

  const sessionValues = (input: {
    needs?: string[] | string | undefined;
    withCaregiver?: string | undefined;
    wheelchair?: string | undefined;
  }): SessionValues => ({
    needs: [input.needs ?? []].flat(),
    withCaregiver: input.withCaregiver || undefined,
    wheelchair: input.wheelchair || undefined,
    searched: input.needs !== undefined || input.withCaregiver !== undefined,
  });

  const checkSessionValues = (language: Language, values: SessionValues): Refusal[] => {
    const refusals: Refusal[] = [];
    if (values.needs.length === 0) refusals.push(required({ language }, 'needs', 'needs'));
    else if (!values.needs.every(isNeed))
      refusals.push({
        code: 'REQUEST_INVALID',
        field: 'needs',
        params: { field: say({ language }, 'needs') },
      });
    if (yesNo(values.withCaregiver) === undefined)
      refusals.push(required({ language }, 'withCaregiver', 'withCaregiver'));
    return refusals;
  };

  portal.get(
    '/sessions',
    {
      schema: {
        operationId: 'portalSessions',
        tags: ['portal'],
        summary: 'Citizen portal: what the citizen needs, then the dedicated sessions that match (BOOK-15)',
        querystring: Type.Object(SessionQuery, { additionalProperties: false }),
        response: HTML_PAGE,
      },
      config: { access: CITIZEN },
    },
    async (request, reply) => {
      const values = sessionValues(request.query);
      if (!values.searched)
        return sendPage(reply, 200, sessionsPage(await pageContext(request), values, undefined, []));
      const refusals = checkSessionValues(pageLanguage(request), values);
      if (refusals.length > 0)
        return formFailed(request, reply, refusals, 'query', (context, errors) =>
          sessionsPage(context, values, undefined, errors),
        );
      const found = await service.bookableSessions(values.needs.filter(isNeed));
      return sendPage(reply, 200, sessionsPage(await pageContext(request), values, found, []));
    },
  );

  portal.post(
    '/sessions/book',
    {
      schema: {
        operationId: 'portalBookSession',
        tags: ['portal'],
        summary:
          'Citizen portal: books the chosen dedicated session, with caregiver and transport (BOOK-15, BOOK-16)',
        body: Type.Object({ ...SessionQuery, sessionId: FormText }, { additionalProperties: false }),
      },
      config: { access: CITIZEN },
    },
    async (request, reply) => {
      const language = pageLanguage(request);
      const values = sessionValues(request.body);
      const needs = values.needs.filter(isNeed);
      const sessionId = Number(request.body.sessionId);
      const refusals = checkSessionValues(language, values);
      if (!Number.isSafeInteger(sessionId) || sessionId < 1)
        refusals.push({
          code: 'FIELD_REQUIRED',
          field: 'sessionId',
          params: { field: say({ language }, 'chooseSession') },
        });
      const again = async (errors: Refusal[]) =>
        formFailed(request, reply, errors, 'body', async (context, fieldErrors) =>
          sessionsPage(context, values, await service.bookableSessions(needs), fieldErrors),
        );
      if (refusals.length > 0) return again(refusals);
      try {
        const result = await service.bookSession(
          {
            sessionId,
            personId: citizenOf(request).personId,
            needs,
            withCaregiver: yesNo(values.withCaregiver) === true,
            transport: needs.includes('transport')
              ? values.wheelchair === 'yes'
                ? 'wheelchair'
                : 'seated'
              : undefined,
            channel: channelOf(request),
          },
          actingContextOf(request, clock.now()),
        );
        return reply.redirect(`/portal/sessions/bookings/${result.booking.code}?done=booked`, 303);
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        if (
          error.code.startsWith('DEDICATED_SESSION_') &&
          error.code !== 'DEDICATED_SESSION_BOOKING_ALREADY_OPEN'
        )
          return again([refusalOf(error, ['sessionId', 'needs'], 'sessionId')]);
        throw error;
      }
    },
  );

  const sessionBookingPage = (
    context: PageContext,
    row: SessionBookingRow,
    session: SessionWithPlace,
    done: 'booked' | 'cancelled' | undefined,
  ): SafeHtml => {
    const language = context.language;
    const title = say(context, 'sessionBookingTitle', { code: row.code });
    const cancelled = row.status === 'cancelled';
    return layout(context, {
      title,
      body: html`${
          done === undefined
            ? null
            : html`<div class="alert alert-success" role="status">
                ${say(context, done === 'booked' ? 'sessionBooked' : 'sessionCancelledNow')}
              </div>`
        }
        ${cancelled && done !== 'cancelled' ? html`<div class="alert alert-warning" role="status">${say(context, 'statusCancelled')}</div>` : null}
        <h1>${title}</h1>
        <p class="booking-code-box">${say(context, 'code')}: <span class="booking-code">${row.code}</span></p>
        <dl class="summary-list">
          ${summaryRow(
            say(context, 'when'),
            `${formatDate(session.starts_at, language)}, ${formatTime(session.starts_at, language)} – ${formatTime(session.ends_at, language)}`,
          )}
          ${summaryRow(say(context, 'where'), `${session.point_name}, ${session.point_address}, ${session.point_municipality}`)}
          ${session.supports.length === 0 ? null : summaryRow(say(context, 'supports'), supportsText(context, session.supports))}
          ${summaryRow(say(context, 'caregiver'), say(context, row.with_caregiver ? 'caregiverYes' : 'caregiverNo'))}
          ${
            row.transport === null
              ? null
              : summaryRow(
                  say(context, 'transport'),
                  say(context, 'transportOrganised', { kind: say(context, `transport_${row.transport}`) }),
                )
          }
        </dl>
        ${
          cancelled
            ? null
            : html`<p>${say(context, 'bring')}</p>
                <form method="post" action="/portal/sessions/bookings/${row.code}/cancel" novalidate>
                  ${csrfField(context)}
                  <button type="submit" class="btn btn-outline-danger">${say(context, 'cancel')}</button>
                </form>`
        }
        <p class="mt-4"><a href="/portal/accessibility">${say(context, 'backHelp')}</a></p>`,
    });
  };

  const showSessionBooking = async (
    request: FastifyRequest,
    reply: FastifyReply,
    code: string,
    done: 'booked' | 'cancelled' | undefined,
  ) => {
    const { booking: row, session } = await service.sessionBooking(code, citizenOf(request).personId);
    return sendPage(
      reply,
      200,
      sessionBookingPage(await pageContext(request, `/portal/sessions/bookings/${code}`), row, session, done),
    );
  };

  portal.get(
    '/sessions/bookings/:code',
    {
      schema: {
        operationId: 'portalSessionBookingPage',
        tags: ['portal'],
        summary:
          'Citizen portal: a dedicated-session appointment: when, where, who helps, transport (BOOK-15)',
        params: CodeParams,
        querystring: Type.Object(
          { done: Type.Optional(Type.Enum(['booked', 'cancelled'])) },
          { additionalProperties: false },
        ),
        response: HTML_PAGE,
      },
      config: { access: CITIZEN },
    },
    async (request, reply) => showSessionBooking(request, reply, request.params.code, request.query.done),
  );

  portal.post(
    '/sessions/bookings/:code/cancel',
    {
      schema: {
        operationId: 'portalCancelSessionBooking',
        tags: ['portal'],
        summary:
          'Citizen portal: cancels a dedicated-session appointment; its places are free at once (BOOK-15)',
        params: CodeParams,
      },
      config: { access: CITIZEN },
    },
    async (request, reply) => {
      const code = request.params.code;
      await service.cancelSessionBooking(
        code,
        citizenOf(request).personId,
        say({ language: pageLanguage(request) }, 'cancelReason'),
        null,
        actingContextOf(request, clock.now()),
      );
      return reply.redirect(`/portal/sessions/bookings/${code}?done=cancelled`, 303);
    },
  );
}
