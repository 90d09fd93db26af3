import { Type, type Static } from 'typebox';
import { Compile } from 'typebox/compile';
import { whatToBring } from '../booking/rules.ts';
import type { Channel, MessageLanguage } from './tables.ts';

/*
 * What the messages say (BOOK-8, BOOK-18, UX-1): Italian and English, plain language for old people: what,
 * when, where, what to bring, the booking code, how to change it. Pure functions of the message's params
 * (written by the database with the message, migrations/0018_messages.sql) and the platform's contacts.
 */

const Place = Type.Object({ name: Type.String(), address: Type.String(), municipality: Type.String() });

const Appointment = Type.Object({
  bookingId: Type.Number(),
  code: Type.String(),
  dose: Type.Integer({ minimum: 1 }),
  startsAt: Type.String({ minLength: 10 }),
  place: Place,
  product: Type.String(),
  selfDeclarationNeeded: Type.Boolean(),
  /** A rescheduled appointment: where and when it was before. */
  previous: Type.Optional(Type.Object({ startsAt: Type.String({ minLength: 10 }), place: Place })),
});

const BookingMessageParams = Type.Object({
  givenName: Type.String(),
  surname: Type.String(),
  appointments: Type.Array(Appointment, { minItems: 1 }),
});

export type AppointmentParams = Static<typeof Appointment>;
export type BookingMessageParamsT = Static<typeof BookingMessageParams>;

const checkParams = Compile(BookingMessageParams);

export const TEMPLATES = [
  'booking_confirmed',
  'booking_rescheduled',
  'booking_cancelled',
  'booking_reminder',
] as const;
export type Template = (typeof TEMPLATES)[number];

/** What every message may point to: where to change a booking and the free number to call. */
export interface SenderContacts {
  /** The platform's public base URL; the citizen portal is under /portal. */
  publicUrl: string;
  helpPhone: string;
}

export interface RenderedMessage {
  /** E-mail subject, letter heading; empty for an SMS. */
  subject: string;
  /** Plain text; paragraphs separated by a blank line. */
  body: string;
}

/** A message that cannot be rendered: it will never be, so it fails without retrying. */
export class TemplateError extends Error {}

type Texts = Record<MessageLanguage, string>;

const DOSE_ORDINALS: Texts[] = [
  { it: 'Prima dose', en: 'First dose' },
  { it: 'Seconda dose', en: 'Second dose' },
  { it: 'Terza dose', en: 'Third dose' },
  { it: 'Quarta dose', en: 'Fourth dose' },
  { it: 'Quinta dose', en: 'Fifth dose' },
];

const doseLabel = (dose: number, language: MessageLanguage): string =>
  DOSE_ORDINALS[dose - 1]?.[language] ?? (language === 'it' ? `Dose numero ${dose}` : `Dose number ${dose}`);

const LOCALES: Record<MessageLanguage, string> = { it: 'it-IT', en: 'en-GB' };

function instant(value: string): Date {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new TemplateError(`not an instant: ${value}`);
  return date;
}

/** "giovedì 15 aprile 2021" / "Thursday, 15 April 2021", in Rome's calendar. */
export function longDate(value: string, language: MessageLanguage): string {
  return new Intl.DateTimeFormat(LOCALES[language], {
    timeZone: 'Europe/Rome',
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
  }).format(instant(value));
}

/** "gio 15/04/2021" / "Thu 15/04/2021": short enough for an SMS. */
export function shortDate(value: string, language: MessageLanguage): string {
  const date = instant(value);
  const weekday = new Intl.DateTimeFormat(LOCALES[language], { timeZone: 'Europe/Rome', weekday: 'short' })
    .format(date)
    .replace(/\.$/, '');
  const day = new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/Rome',
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
  }).format(date);
  return `${weekday} ${day}`;
}

/** "10:30", Rome's wall clock. */
export function clockTime(value: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/Rome',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(instant(value));
}

const placeLine = (place: AppointmentParams['place']): string =>
  `${place.name}, ${place.address}, ${place.municipality}`;

const T = {
  greeting: { it: 'Gentile {name},', en: 'Dear {name},' },
  when: { it: 'Quando: {date}, alle ore {time}', en: 'When: {date}, at {time}' },
  where: { it: 'Dove: {place}', en: 'Where: {place}' },
  vaccine: { it: 'Vaccino: {product}', en: 'Vaccine: {product}' },
  code: { it: 'Codice di prenotazione: {code}', en: 'Booking code: {code}' },
  before: { it: 'Prima era: {date}, alle ore {time}, {place}', en: 'Before: {date}, at {time}, {place}' },
  bring: { it: 'Cosa portare:', en: 'What to bring:' },
  early: {
    it: 'Arrivi qualche minuto prima dell’orario. Se ha bisogno, può farsi accompagnare.',
    en: 'Please arrive a few minutes early. You may bring someone with you if you need to.',
  },
  change: {
    it: 'Per spostare o annullare l’appuntamento: vada su {portal} con il codice fiscale, il numero della tessera sanitaria e il codice di prenotazione, oppure chiami gratis il numero verde {phone}.',
    en: 'To move or cancel the appointment: go to {portal} with your tax code, your health card number and the booking code, or call the toll-free number {phone} (free of charge).',
  },
  rebook: {
    it: 'Se non ha chiesto Lei di annullarlo, o se vuole un nuovo appuntamento, vada su {portal} oppure chiami gratis il numero verde {phone}.',
    en: 'If you did not ask to cancel it, or if you want a new appointment, go to {portal} or call the toll-free number {phone} (free of charge).',
  },
  signature: {
    it: 'Servizio vaccinazioni della Regione',
    en: 'The Region’s vaccination service',
  },
  confirmedSubject: {
    it: 'Vaccinazione: appuntamento confermato',
    en: 'Vaccination: appointment confirmed',
  },
  confirmedIntro: {
    it: 'il Suo appuntamento per la vaccinazione è confermato.',
    en: 'your vaccination appointment is confirmed.',
  },
  confirmedIntroMany: {
    it: 'i Suoi appuntamenti per la vaccinazione sono confermati.',
    en: 'your vaccination appointments are confirmed.',
  },
  rescheduledSubject: {
    it: 'Vaccinazione: il Suo appuntamento è cambiato',
    en: 'Vaccination: your appointment has changed',
  },
  rescheduledIntro: {
    it: 'il Suo appuntamento per la vaccinazione è stato spostato. Ecco il nuovo appuntamento.',
    en: 'your vaccination appointment has been moved. This is the new appointment.',
  },
  cancelledSubject: {
    it: 'Vaccinazione: appuntamento annullato',
    en: 'Vaccination: appointment cancelled',
  },
  cancelledIntro: {
    it: 'il Suo appuntamento per la vaccinazione è stato annullato:',
    en: 'your vaccination appointment has been cancelled:',
  },
  cancelledIntroMany: {
    it: 'i Suoi appuntamenti per la vaccinazione sono stati annullati:',
    en: 'your vaccination appointments have been cancelled:',
  },
  reminderSubject: {
    it: 'Promemoria: vaccinazione {date}, ore {time}',
    en: 'Reminder: vaccination on {date} at {time}',
  },
  reminderIntro: {
    it: 'Le ricordiamo il Suo appuntamento per la vaccinazione.',
    en: 'this is a reminder of your vaccination appointment.',
  },
  smsConfirmed: { it: 'Vaccinazione confermata.', en: 'Vaccination confirmed.' },
  smsRescheduled: { it: 'Vaccinazione spostata.', en: 'Vaccination moved.' },
  smsCancelled: { it: 'Vaccinazione annullata.', en: 'Vaccination cancelled.' },
  smsReminder: { it: 'Promemoria vaccinazione.', en: 'Vaccination reminder.' },
  smsAppointment: {
    it: '{dose}: {date} ore {time}, {place}. {product}. Codice {code}.',
    en: '{dose}: {date} at {time}, {place}. {product}. Code {code}.',
  },
  smsCancelledAppointment: {
    it: '{dose} del {date} ore {time}, {place}, codice {code}.',
    en: '{dose} of {date} at {time}, {place}, code {code}.',
  },
  smsBefore: { it: 'Prima era: {date} ore {time}.', en: 'Before: {date} at {time}.' },
  smsBring: {
    it: 'Porti documento, tessera sanitaria e modulo di consenso.',
    en: 'Bring ID, health card and consent form.',
  },
  smsChange: {
    it: 'Per cambiare: {portal} o numero verde {phone}.',
    en: 'To change it: {portal} or free number {phone}.',
  },
  smsRebook: {
    it: 'Per un nuovo appuntamento: {portal} o numero verde {phone}.',
    en: 'For a new appointment: {portal} or free number {phone}.',
  },
} satisfies Record<string, Texts>;

function fill(text: string, values: Record<string, string | number>): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = values[name];
    if (value === undefined) throw new TemplateError(`no value for {${name}}`);
    return String(value);
  });
}

function say(key: keyof typeof T, language: MessageLanguage, values: Record<string, string | number> = {}) {
  return fill(T[key][language], values);
}

/** The appointments of a message, soonest dose first (a first dose and its second share one message). */
function appointmentsOf(params: BookingMessageParamsT): AppointmentParams[] {
  return [...params.appointments].sort((a, b) => a.dose - b.dose || a.startsAt.localeCompare(b.startsAt));
}

function appointmentBlock(
  appointment: AppointmentParams,
  language: MessageLanguage,
  withHeading: boolean,
): string {
  const lines = [
    ...(withHeading ? [doseLabel(appointment.dose, language)] : []),
    say('when', language, {
      date: longDate(appointment.startsAt, language),
      time: clockTime(appointment.startsAt),
    }),
    say('where', language, { place: placeLine(appointment.place) }),
    say('vaccine', language, { product: appointment.product }),
    say('code', language, { code: appointment.code }),
  ];
  if (appointment.previous !== undefined) {
    lines.push(
      say('before', language, {
        date: longDate(appointment.previous.startsAt, language),
        time: clockTime(appointment.previous.startsAt),
        place: placeLine(appointment.previous.place),
      }),
    );
  }
  return lines.join('\n');
}

function bringBlock(appointments: AppointmentParams[], language: MessageLanguage): string {
  const selfDeclaration = appointments.some((appointment) => appointment.selfDeclarationNeeded);
  return [
    say('bring', language),
    ...whatToBring(selfDeclaration).map((item) => `- ${item.label[language]}`),
  ].join('\n');
}

function parse(template: string, params: unknown): { template: Template; params: BookingMessageParamsT } {
  if (!(TEMPLATES as readonly string[]).includes(template))
    throw new TemplateError(`unknown template ${template}`);
  if (!checkParams.Check(params)) throw new TemplateError(`the params of ${template} are incomplete`);
  return { template: template as Template, params };
}

/** An e-mail or a letter: subject and a plain-text body. */
export function renderLong(
  template: string,
  language: MessageLanguage,
  rawParams: unknown,
  contacts: SenderContacts,
): RenderedMessage {
  const { params } = parse(template, rawParams);
  const appointments = appointmentsOf(params);
  const [first] = appointments;
  if (first === undefined) throw new TemplateError('no appointment');
  const many = appointments.length > 1;
  const portal = `${contacts.publicUrl.replace(/\/$/, '')}/portal`;
  const help = { portal, phone: contacts.helpPhone };
  const greeting = say('greeting', language, { name: `${params.givenName} ${params.surname}` });
  const details = appointments.map((a) => appointmentBlock(a, language, many || a.dose > 1));
  let subject: string;
  let paragraphs: string[];
  switch (template as Template) {
    case 'booking_confirmed':
      subject = say('confirmedSubject', language);
      paragraphs = [
        say(many ? 'confirmedIntroMany' : 'confirmedIntro', language),
        ...details,
        bringBlock(appointments, language),
        say('early', language),
        say('change', language, help),
      ];
      break;
    case 'booking_rescheduled':
      subject = say('rescheduledSubject', language);
      paragraphs = [
        say('rescheduledIntro', language),
        ...details,
        bringBlock(appointments, language),
        say('early', language),
        say('change', language, help),
      ];
      break;
    case 'booking_cancelled':
      subject = say('cancelledSubject', language);
      paragraphs = [
        say(many ? 'cancelledIntroMany' : 'cancelledIntro', language),
        ...details,
        say('rebook', language, help),
      ];
      break;
    case 'booking_reminder':
      subject = say('reminderSubject', language, {
        date: longDate(first.startsAt, language),
        time: clockTime(first.startsAt),
      });
      paragraphs = [
        say('reminderIntro', language),
        ...details,
        bringBlock(appointments, language),
        say('early', language),
        say('change', language, help),
      ];
      break;
  }
  return { subject, body: [greeting, ...paragraphs, say('signature', language)].join('\n\n') };
}

/** An SMS: the same facts, short (about two SMS segments for one appointment). */
export function renderShort(
  template: string,
  language: MessageLanguage,
  rawParams: unknown,
  contacts: SenderContacts,
): RenderedMessage {
  const { params } = parse(template, rawParams);
  const appointments = appointmentsOf(params);
  const portal = `${contacts.publicUrl.replace(/\/$/, '')}/portal`;
  const help = { portal, phone: contacts.helpPhone };
  const cancelled = template === 'booking_cancelled';
  const parts: string[] = [
    say(
      cancelled
        ? 'smsCancelled'
        : template === 'booking_rescheduled'
          ? 'smsRescheduled'
          : template === 'booking_reminder'
            ? 'smsReminder'
            : 'smsConfirmed',
      language,
    ),
  ];
  for (const appointment of appointments) {
    const values = {
      dose: doseLabel(appointment.dose, language),
      date: shortDate(appointment.startsAt, language),
      time: clockTime(appointment.startsAt),
      place: placeLine(appointment.place),
      product: appointment.product,
      code: appointment.code,
    };
    parts.push(say(cancelled ? 'smsCancelledAppointment' : 'smsAppointment', language, values));
    if (appointment.previous !== undefined) {
      parts.push(
        say('smsBefore', language, {
          date: shortDate(appointment.previous.startsAt, language),
          time: clockTime(appointment.previous.startsAt),
        }),
      );
    }
  }
  if (!cancelled) parts.push(say('smsBring', language));
  parts.push(say(cancelled ? 'smsRebook' : 'smsChange', language, help));
  return { subject: '', body: parts.join(' ') };
}

/** The message as its channel carries it. */
export function renderMessage(
  message: { channel: Channel; template: string; language: MessageLanguage; params: unknown },
  contacts: SenderContacts,
): RenderedMessage {
  return message.channel === 'sms'
    ? renderShort(message.template, message.language, message.params, contacts)
    : renderLong(message.template, message.language, message.params, contacts);
}
