import { Type, type Static } from 'typebox';
import { whatToBring } from '../booking/rules.ts';
import type { MessageLanguage } from './tables.ts';
import {
  clockTime,
  doseLabel,
  fill,
  helpOf,
  letterBody,
  longDate,
  shortDate,
  TemplateError,
  type RenderedMessage,
  type SenderContacts,
  type Texts,
} from './message-text.ts';
import { defineTemplate, type MessageTemplate } from './template-kit.ts';
import { CapacityReason, capacityReasonSentence } from '../capacity/templates.ts';

/*
 * What booking messages say (BOOK-8, BOOK-18, UX-1): what, when, where, what to bring, the booking code,
 * how to change it. Their params are written by the database with the message (migrations/0018_messages.sql).
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
  /** BOOK-12: the health authority's change that moved the appointment (capacity module). */
  reason: Type.Optional(CapacityReason),
});

export type AppointmentParams = Static<typeof Appointment>;
export type BookingMessageParamsT = Static<typeof BookingMessageParams>;

export const BOOKING_TEMPLATES = [
  'booking_confirmed',
  'booking_rescheduled',
  'booking_cancelled',
  'booking_reminder',
] as const;
export type BookingTemplate = (typeof BOOKING_TEMPLATES)[number];

const placeLine = (place: AppointmentParams['place']): string =>
  `${place.name}, ${place.address}, ${place.municipality}`;

const T = {
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

/** An e-mail or a letter: subject and a plain-text body. */
function renderLong(
  template: BookingTemplate,
  params: BookingMessageParamsT,
  language: MessageLanguage,
  contacts: SenderContacts,
): RenderedMessage {
  const appointments = appointmentsOf(params);
  const [first] = appointments;
  if (first === undefined) throw new TemplateError('no appointment');
  const many = appointments.length > 1;
  const help = helpOf(contacts);
  const details = appointments.map((a) => appointmentBlock(a, language, many || a.dose > 1));
  let subject: string;
  let paragraphs: string[];
  switch (template) {
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
        ...(params.reason === undefined ? [] : [capacityReasonSentence(params.reason, language)]),
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
  return { subject, body: letterBody(language, params, paragraphs) };
}

/** An SMS: the same facts, short (about two SMS segments for one appointment). */
function renderShort(
  template: BookingTemplate,
  params: BookingMessageParamsT,
  language: MessageLanguage,
  contacts: SenderContacts,
): RenderedMessage {
  const appointments = appointmentsOf(params);
  const help = helpOf(contacts);
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
  if (params.reason !== undefined) parts.push(capacityReasonSentence(params.reason, language));
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

export const bookingTemplates: readonly MessageTemplate[] = BOOKING_TEMPLATES.map((name) =>
  defineTemplate(name, BookingMessageParams, {
    long: (params, language, contacts) => renderLong(name, params, language, contacts),
    short: (params, language, contacts) => renderShort(name, params, language, contacts),
  }),
);
