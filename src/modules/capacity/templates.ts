import { Type, type Static } from 'typebox';
import type { MessageLanguage } from '../messaging/tables.ts';
import {
  clockTime,
  doseLabel,
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
 * BOOK-12: what people hear when a health authority closes a hub-day or cuts its capacity. Written by the
 * database (capacity_change_messages, migrations/0025_capacity_changes.sql), one message per person per
 * change: 'booking_rescheduled' (booking-templates.ts) with the reason below when they were moved,
 * 'booking_must_choose' when no equivalent place was found and they must choose a new appointment.
 */

const Place = Type.Object({ name: Type.String(), address: Type.String(), municipality: Type.String() });

/** Why the appointment changed: the change, its hub and day (and time, for stations cut from a time). */
export const CapacityReason = Type.Object({
  kind: Type.Union([Type.Literal('close_day'), Type.Literal('cut_stations'), Type.Literal('cut_stock')]),
  day: Type.String({ minLength: 10 }),
  fromTime: Type.Optional(Type.String()),
  place: Place,
});
export type CapacityReasonT = Static<typeof CapacityReason>;

const Appointment = Type.Object({
  dose: Type.Integer({ minimum: 1 }),
  code: Type.String(),
  startsAt: Type.String({ minLength: 10 }),
  place: Place,
  product: Type.String(),
  previous: Type.Optional(Type.Object({ startsAt: Type.String({ minLength: 10 }), place: Place })),
});

const MustChooseParams = Type.Object({
  givenName: Type.String(),
  surname: Type.String(),
  appointments: Type.Array(Appointment, { minItems: 1 }),
  reason: CapacityReason,
});
type MustChooseParamsT = Static<typeof MustChooseParams>;

const T = {
  closeDay: {
    it: 'Il centro vaccinale {place} resterà chiuso {date}.',
    en: 'The vaccination centre {place} will be closed on {date}.',
  },
  cutStations: {
    it: 'Il centro vaccinale {place} potrà vaccinare meno persone {date} dalle ore {time}.',
    en: 'The vaccination centre {place} can vaccinate fewer people on {date} from {time}.',
  },
  cutStock: {
    it: 'Il centro vaccinale {place} avrà meno dosi di vaccino {date}.',
    en: 'The vaccination centre {place} will have fewer vaccine doses on {date}.',
  },
  sorry: { it: 'Ci scusiamo per il disagio.', en: 'We are sorry for the trouble.' },
  mustChooseSubject: {
    it: 'Vaccinazione: scelga un nuovo appuntamento',
    en: 'Vaccination: please choose a new appointment',
  },
  mustChooseIntro: {
    it: 'Purtroppo non abbiamo trovato un altro posto vicino a Lei nei giorni seguenti, quindi il Suo appuntamento è stato annullato:',
    en: 'Unfortunately we could not find another place near you in the following days, so your appointment has been cancelled:',
  },
  mustChooseIntroMany: {
    it: 'Purtroppo non abbiamo trovato un altro posto vicino a Lei nei giorni seguenti, quindi i Suoi appuntamenti sono stati annullati:',
    en: 'Unfortunately we could not find another place near you in the following days, so your appointments have been cancelled:',
  },
  cancelledLine: {
    it: '{dose}: {date}, ore {time}, {place} (codice {code}) — annullato',
    en: '{dose}: {date} at {time}, {place} (code {code}) — cancelled',
  },
  movedLine: {
    it: '{dose}: ora {date}, ore {time}, {place} (codice {code})',
    en: '{dose}: now {date} at {time}, {place} (code {code})',
  },
  choose: {
    it: 'Scelga Lei un nuovo giorno e un nuovo centro: vada su {portal} con il codice fiscale e il numero della tessera sanitaria, oppure chiami gratis il numero verde {phone}. Non perde il diritto alla vaccinazione.',
    en: 'Please choose a new day and centre yourself: go to {portal} with your tax code and health card number, or call the toll-free number {phone} (free of charge). You keep your right to be vaccinated.',
  },
  smsMustChoose: {
    it: 'Vaccinazione annullata: {reason} Scelga un nuovo appuntamento su {portal} o al numero verde {phone}.',
    en: 'Vaccination cancelled: {reason} Choose a new appointment at {portal} or free number {phone}.',
  },
  smsCloseDay: { it: 'centro {place} chiuso {date}.', en: 'centre {place} closed on {date}.' },
  smsCut: { it: 'meno posti al centro {place} {date}.', en: 'fewer places at centre {place} on {date}.' },
} satisfies Record<string, Texts>;

const say = (key: keyof typeof T, language: MessageLanguage, values: Record<string, string | number> = {}) =>
  fill(T[key][language], values);

const placeLine = (place: { name: string; address: string; municipality: string }) =>
  `${place.name}, ${place.address}, ${place.municipality}`;

/** The reason's day as a long date, from its calendar day at noon (no time zone can move it). */
const reasonDate = (reason: CapacityReasonT, language: MessageLanguage, short = false) =>
  short ? shortDate(`${reason.day}T12:00:00Z`, language) : longDate(`${reason.day}T12:00:00Z`, language);

/** BOOK-12: one plain sentence saying why the appointment changed. */
export function capacityReasonSentence(reason: CapacityReasonT, language: MessageLanguage): string {
  const values = {
    place: `${reason.place.name} (${reason.place.municipality})`,
    date: reasonDate(reason, language),
    time: reason.fromTime ?? '',
  };
  const sentence =
    reason.kind === 'close_day'
      ? say('closeDay', language, values)
      : reason.kind === 'cut_stations'
        ? say('cutStations', language, values)
        : say('cutStock', language, values);
  return `${sentence} ${say('sorry', language)}`;
}

function renderLong(
  params: MustChooseParamsT,
  language: MessageLanguage,
  contacts: SenderContacts,
): RenderedMessage {
  const appointments = [...params.appointments].sort((a, b) => a.dose - b.dose);
  const lines = appointments.map((a) =>
    say(a.previous === undefined ? 'cancelledLine' : 'movedLine', language, {
      dose: doseLabel(a.dose, language),
      date: longDate(a.startsAt, language),
      time: clockTime(a.startsAt),
      place: placeLine(a.place),
      code: a.code,
    }),
  );
  const cancelled = appointments.filter((a) => a.previous === undefined).length;
  return {
    subject: say('mustChooseSubject', language),
    body: letterBody(language, params, [
      capacityReasonSentence(params.reason, language),
      say(cancelled > 1 ? 'mustChooseIntroMany' : 'mustChooseIntro', language),
      lines.join('\n'),
      say('choose', language, helpOf(contacts)),
    ]),
  };
}

function renderShort(
  params: MustChooseParamsT,
  language: MessageLanguage,
  contacts: SenderContacts,
): RenderedMessage {
  const values = {
    place: params.reason.place.name,
    date: reasonDate(params.reason, language, true),
  };
  const reason = say(params.reason.kind === 'close_day' ? 'smsCloseDay' : 'smsCut', language, values);
  return { subject: '', body: say('smsMustChoose', language, { reason, ...helpOf(contacts) }) };
}

export const capacityTemplates: readonly MessageTemplate[] = [
  defineTemplate('booking_must_choose', MustChooseParams, {
    long: (params, language, contacts) => renderLong(params, language, contacts),
    short: (params, language, contacts) => renderShort(params, language, contacts),
  }),
];
