import { Type, type Static } from 'typebox';
import type { MessageLanguage } from '../messaging/tables.ts';
import {
  clockTime,
  fill,
  helpOf,
  letterBody,
  longDate,
  shortDate,
  type RenderedMessage,
  type SenderContacts,
  type Texts,
} from '../messaging/message-text.ts';
import { defineTemplate, type MessageTemplate } from '../messaging/template-kit.ts';

/*
 * What the messages of BOOK-14 and BOOK-15 say (UX-1: plain words, Italian and English). Their params are
 * written by the accessibility service with the change that causes them (ADR 0017). Deaf people get these
 * by e-mail, SMS or letter, never by a phone call (BOOK-17).
 */

const Person = { givenName: Type.String(), surname: Type.String() };

const HomeListed = Type.Object({ ...Person, requestId: Type.Number() });
const HomePlanned = Type.Object({
  ...Person,
  requestId: Type.Number(),
  visitDay: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }),
  visitTime: Type.Union([Type.Null(), Type.String()]),
  team: Type.String(),
  byGp: Type.Boolean(),
  gpName: Type.Union([Type.Null(), Type.String()]),
  replanned: Type.Boolean(),
});
const HomeNotPossible = Type.Object({ ...Person, requestId: Type.Number(), reason: Type.String() });
const SessionParams = Type.Object({
  ...Person,
  code: Type.String(),
  kind: Type.String(),
  startsAt: Type.String({ minLength: 10 }),
  endsAt: Type.String({ minLength: 10 }),
  place: Type.Object({ name: Type.String(), address: Type.String(), municipality: Type.String() }),
  supports: Type.Array(Type.String()),
  withCaregiver: Type.Boolean(),
  transport: Type.Union([Type.Null(), Type.String()]),
});

const T = {
  listedSubject: {
    it: 'Vaccinazione a domicilio: richiesta ricevuta',
    en: 'Home vaccination: request received',
  },
  listed: {
    it: 'abbiamo ricevuto la richiesta di vaccinazione a casa (numero {id}). La Sua azienda sanitaria La contatterà per dirLe il giorno della visita. Non deve prenotare in un centro vaccinale.',
    en: 'we have received the request for vaccination at home (number {id}). Your health authority will contact you to tell you the day of the visit. You do not need to book at a vaccination centre.',
  },
  plannedSubject: {
    it: 'Vaccinazione a domicilio: giorno della visita',
    en: 'Home vaccination: day of the visit',
  },
  replannedSubject: {
    it: 'Vaccinazione a domicilio: la visita è cambiata',
    en: 'Home vaccination: the visit has changed',
  },
  planned: {
    it: 'verremo a casa Sua per la vaccinazione {when}.',
    en: 'we will come to your home for the vaccination {when}.',
  },
  onDay: { it: 'il giorno {date}', en: 'on {date}' },
  onDayAt: { it: 'il giorno {date}, verso le ore {time}', en: 'on {date}, at about {time}' },
  byTeam: { it: 'Verrà: {team}.', en: 'Who will come: {team}.' },
  byGp: { it: 'Verrà il Suo medico di famiglia{gp}.', en: 'Your family doctor{gp} will come.' },
  prepare: {
    it: 'Tenga pronti un documento, la tessera sanitaria e, se li ha, i fogli delle Sue malattie e delle medicine che prende.',
    en: 'Please have ready an ID, the health card and, if you have them, the papers about your illnesses and the medicines you take.',
  },
  notPossibleSubject: {
    it: 'Vaccinazione a domicilio non possibile',
    en: 'Home vaccination not possible',
  },
  notPossible: {
    it: 'non è stato possibile fare la vaccinazione a casa. Motivo: {reason}. La Sua azienda sanitaria La contatterà per trovare un’altra soluzione.',
    en: 'it was not possible to give the vaccination at home. Reason: {reason}. Your health authority will contact you to find another way.',
  },
  sessionSubject: {
    it: 'Vaccinazione: appuntamento confermato (seduta dedicata)',
    en: 'Vaccination: appointment confirmed (dedicated session)',
  },
  sessionCancelledSubject: {
    it: 'Vaccinazione: appuntamento annullato (seduta dedicata)',
    en: 'Vaccination: appointment cancelled (dedicated session)',
  },
  session: {
    it: 'il Suo appuntamento per la vaccinazione è confermato, in una seduta organizzata per Lei.',
    en: 'your vaccination appointment is confirmed, in a session organised for you.',
  },
  sessionCancelled: {
    it: 'il Suo appuntamento per la vaccinazione in una seduta dedicata è stato annullato:',
    en: 'your vaccination appointment in a dedicated session has been cancelled:',
  },
  when: { it: 'Quando: {date}, dalle ore {from} alle ore {to}', en: 'When: {date}, from {from} to {to}' },
  where: { it: 'Dove: {place}', en: 'Where: {place}' },
  code: { it: 'Codice: {code}', en: 'Code: {code}' },
  supports: { it: 'Ci sarà: {supports}.', en: 'There will be: {supports}.' },
  caregiver: {
    it: 'C’è posto anche per chi La accompagna.',
    en: 'There is room for the person who comes with you.',
  },
  transport: {
    it: 'Il trasporto è organizzato dall’azienda sanitaria ({kind}): La contatteranno per l’orario.',
    en: 'Transport is organised by the health authority ({kind}): they will contact you about the time.',
  },
  change: {
    it: 'Per annullare: vada su {portal} oppure chiami gratis il numero verde {phone}.',
    en: 'To cancel: go to {portal} or call the toll-free number {phone} (free of charge).',
  },
  help: {
    it: 'Per domande: {portal} oppure numero verde gratuito {phone}.',
    en: 'Questions: {portal} or the toll-free number {phone}.',
  },
  smsListed: {
    it: 'Vaccinazione a casa: richiesta n. {id} ricevuta. L’azienda sanitaria La contatterà.',
    en: 'Home vaccination: request no. {id} received. Your health authority will contact you.',
  },
  smsPlanned: {
    it: 'Vaccinazione a casa: {when}. {who}',
    en: 'Home vaccination: {when}. {who}',
  },
  smsNotPossible: {
    it: 'Vaccinazione a casa non possibile: {reason}. L’azienda sanitaria La contatterà.',
    en: 'Home vaccination not possible: {reason}. Your health authority will contact you.',
  },
  smsSession: {
    it: 'Vaccinazione confermata: {date} ore {from}, {place}. {supports} Codice {code}.',
    en: 'Vaccination confirmed: {date} at {from}, {place}. {supports} Code {code}.',
  },
  smsSessionCancelled: {
    it: 'Vaccinazione annullata: {date} ore {from}, {place}, codice {code}.',
    en: 'Vaccination cancelled: {date} at {from}, {place}, code {code}.',
  },
  smsHelp: { it: 'Info: {portal} o numero verde {phone}.', en: 'Info: {portal} or free number {phone}.' },
} satisfies Record<string, Texts>;

const SUPPORT_NAMES: Record<string, Texts> = {
  lis_interpreter: { it: 'un interprete LIS', en: 'a LIS (sign language) interpreter' },
  lip_reading_mediator: { it: 'un mediatore per la lettura labiale', en: 'a lip-reading mediator' },
  guide: { it: 'un accompagnatore', en: 'a guide' },
};
const TRANSPORT_NAMES: Record<string, Texts> = {
  seated: { it: 'posto a sedere', en: 'seat' },
  wheelchair: { it: 'mezzo per carrozzina', en: 'wheelchair vehicle' },
};

const say = (key: keyof typeof T, language: MessageLanguage, values: Record<string, string | number> = {}) =>
  fill(T[key][language], values);

/** A calendar day as the long date of its Rome noon (no time-zone edge). */
const dayText = (day: string, language: MessageLanguage) => longDate(`${day}T12:00:00+02:00`, language);

function plannedWhen(params: Static<typeof HomePlanned>, language: MessageLanguage): string {
  const date = dayText(params.visitDay, language);
  return params.visitTime === null
    ? say('onDay', language, { date })
    : say('onDayAt', language, { date, time: params.visitTime.slice(0, 5) });
}

function plannedWho(params: Static<typeof HomePlanned>, language: MessageLanguage): string {
  return params.byGp
    ? say('byGp', language, { gp: params.gpName === null ? '' : ` (${params.gpName})` })
    : say('byTeam', language, { team: params.team });
}

const supportsText = (supports: readonly string[], language: MessageLanguage) =>
  supports.map((s) => SUPPORT_NAMES[s]?.[language] ?? s).join(', ');

const placeLine = (place: Static<typeof SessionParams>['place']) =>
  `${place.name}, ${place.address}, ${place.municipality}`;

function sessionLong(
  params: Static<typeof SessionParams>,
  language: MessageLanguage,
  contacts: SenderContacts,
  cancelled: boolean,
): RenderedMessage {
  const help = helpOf(contacts);
  const details = [
    say('when', language, {
      date: longDate(params.startsAt, language),
      from: clockTime(params.startsAt),
      to: clockTime(params.endsAt),
    }),
    say('where', language, { place: placeLine(params.place) }),
    say('code', language, { code: params.code }),
  ].join('\n');
  const paragraphs = cancelled
    ? [say('sessionCancelled', language), details, say('help', language, help)]
    : [
        say('session', language),
        details,
        ...(params.supports.length > 0
          ? [say('supports', language, { supports: supportsText(params.supports, language) })]
          : []),
        ...(params.withCaregiver ? [say('caregiver', language)] : []),
        ...(params.transport === null
          ? []
          : [
              say('transport', language, {
                kind: TRANSPORT_NAMES[params.transport]?.[language] ?? params.transport,
              }),
            ]),
        say('prepare', language),
        say('change', language, help),
      ];
  return {
    subject: say(cancelled ? 'sessionCancelledSubject' : 'sessionSubject', language),
    body: letterBody(language, params, paragraphs),
  };
}

function sessionShort(
  params: Static<typeof SessionParams>,
  language: MessageLanguage,
  contacts: SenderContacts,
  cancelled: boolean,
): RenderedMessage {
  const values = {
    date: shortDate(params.startsAt, language),
    from: clockTime(params.startsAt),
    place: placeLine(params.place),
    code: params.code,
    supports:
      params.supports.length > 0
        ? say('supports', language, { supports: supportsText(params.supports, language) })
        : '',
  };
  return {
    subject: '',
    body: [
      say(cancelled ? 'smsSessionCancelled' : 'smsSession', language, values).replace('  ', ' '),
      say('smsHelp', language, helpOf(contacts)),
    ].join(' '),
  };
}

export const accessibilityTemplates: readonly MessageTemplate[] = [
  defineTemplate('home_vaccination_listed', HomeListed, {
    long: (params, language, contacts) => ({
      subject: say('listedSubject', language),
      body: letterBody(language, params, [
        say('listed', language, { id: params.requestId }),
        say('help', language, helpOf(contacts)),
      ]),
    }),
    short: (params, language, contacts) => ({
      subject: '',
      body: `${say('smsListed', language, { id: params.requestId })} ${say('smsHelp', language, helpOf(contacts))}`,
    }),
  }),
  defineTemplate('home_vaccination_planned', HomePlanned, {
    long: (params, language, contacts) => ({
      subject: say(params.replanned ? 'replannedSubject' : 'plannedSubject', language),
      body: letterBody(language, params, [
        say('planned', language, { when: plannedWhen(params, language) }),
        plannedWho(params, language),
        say('prepare', language),
        say('help', language, helpOf(contacts)),
      ]),
    }),
    short: (params, language, contacts) => ({
      subject: '',
      body: `${say('smsPlanned', language, { when: plannedWhen(params, language), who: plannedWho(params, language) })} ${say('smsHelp', language, helpOf(contacts))}`,
    }),
  }),
  defineTemplate('home_vaccination_not_possible', HomeNotPossible, {
    long: (params, language, contacts) => ({
      subject: say('notPossibleSubject', language),
      body: letterBody(language, params, [
        say('notPossible', language, { reason: params.reason }),
        say('help', language, helpOf(contacts)),
      ]),
    }),
    short: (params, language, contacts) => ({
      subject: '',
      body: `${say('smsNotPossible', language, { reason: params.reason })} ${say('smsHelp', language, helpOf(contacts))}`,
    }),
  }),
  defineTemplate('dedicated_session_booked', SessionParams, {
    long: (params, language, contacts) => sessionLong(params, language, contacts, false),
    short: (params, language, contacts) => sessionShort(params, language, contacts, false),
  }),
  defineTemplate('dedicated_session_cancelled', SessionParams, {
    long: (params, language, contacts) => sessionLong(params, language, contacts, true),
    short: (params, language, contacts) => sessionShort(params, language, contacts, true),
  }),
];
