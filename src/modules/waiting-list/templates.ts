import { Type } from 'typebox';
import type { MessageLanguage } from '../messaging/tables.ts';
import {
  clockTime,
  doseLabel,
  fill,
  helpOf,
  letterBody,
  longDate,
  shortDate,
  type SenderContacts,
  type Texts,
} from '../messaging/message-text.ts';
import { defineTemplate, type MessageTemplate } from '../messaging/template-kit.ts';

/*
 * What the waiting list, no-show and standby messages say (BOOK-13, UX-1): where, when, until when to
 * answer and how. Their params are written by the database with the message (migrations/0022).
 */

const Place = Type.Object({ name: Type.String(), address: Type.String(), municipality: Type.String() });

const OfferParams = Type.Object({
  givenName: Type.String(),
  surname: Type.String(),
  offerId: Type.Number(),
  startsAt: Type.String({ minLength: 10 }),
  expiresAt: Type.String({ minLength: 10 }),
  place: Place,
  product: Type.String(),
});

const Appointment = Type.Object({
  code: Type.String(),
  dose: Type.Integer({ minimum: 1 }),
  startsAt: Type.String({ minLength: 10 }),
  place: Place,
  product: Type.String(),
});

const NoShowParams = Type.Object({
  givenName: Type.String(),
  surname: Type.String(),
  appointment: Appointment,
  secondDose: Type.Union([Type.Null(), Appointment]),
  rebookPath: Type.String({ pattern: '^/portal/' }),
});

const StandbyParams = Type.Object({
  givenName: Type.String(),
  surname: Type.String(),
  callId: Type.Number(),
  day: Type.String(),
  answerBy: Type.String({ minLength: 10 }),
  place: Type.Object({ name: Type.String(), address: Type.String(), municipality: Type.String() }),
});

const T = {
  offerSubject: {
    it: 'Vaccinazione: si è liberato un posto per Lei',
    en: 'Vaccination: a place has opened for you',
  },
  offerIntro: {
    it: 'è in lista d’attesa per la vaccinazione e si è liberato un posto. Lo teniamo per Lei fino a {deadline}.',
    en: 'you are on the waiting list for vaccination and a place has opened. We are keeping it for you until {deadline}.',
  },
  when: { it: 'Quando: {date}, alle ore {time}', en: 'When: {date}, at {time}' },
  where: { it: 'Dove: {place}', en: 'Where: {place}' },
  vaccine: { it: 'Vaccino: {product}', en: 'Vaccine: {product}' },
  offerHow: {
    it: 'Per accettare o rifiutare: vada su {portal}/waiting-list, entri con il codice fiscale e il numero della tessera sanitaria e scelga «Accetto» o «Non posso». Oppure chiami gratis il numero verde {phone}. Se non risponde entro {deadline}, il posto passa alla persona successiva e Lei resta in lista.',
    en: 'To accept or decline: go to {portal}/waiting-list, sign in with your tax code and health card number and choose "I accept" or "I cannot". Or call the toll-free number {phone} (free of charge). If you do not answer by {deadline}, the place goes to the next person and you stay on the list.',
  },
  smsOffer: {
    it: 'Vaccinazione: posto libero per Lei {date} ore {time}, {place}. Accetti entro {deadline} su {portal}/waiting-list o al numero verde {phone}.',
    en: 'Vaccination: a place for you {date} at {time}, {place}. Accept by {deadline} at {portal}/waiting-list or free number {phone}.',
  },
  noShowSubject: {
    it: 'Vaccinazione: non L’abbiamo vista all’appuntamento',
    en: 'Vaccination: we missed you at your appointment',
  },
  noShowIntro: {
    it: 'non risulta che Lei si sia presentato all’appuntamento per la vaccinazione del {date} alle ore {time} ({place}). L’appuntamento è stato chiuso.',
    en: 'our records show you did not come to your vaccination appointment on {date} at {time} ({place}). The appointment has been closed.',
  },
  noShowRebook: {
    it: 'Per prendere un nuovo appuntamento basta un passaggio: vada su {link} ed entri con il codice fiscale e il numero della tessera sanitaria. Oppure chiami gratis il numero verde {phone}.',
    en: 'Booking a new appointment takes one step: go to {link} and sign in with your tax code and health card number. Or call the toll-free number {phone} (free of charge).',
  },
  noShowByPhone: {
    it: 'Per fissare di nuovo la seconda dose chiami gratis il numero verde {phone}.',
    en: 'To book your second dose again, call the toll-free number {phone} (free of charge).',
  },
  noShowSecond: {
    it: 'La seconda dose prevista il {date} alle ore {time} verrà spostata insieme al nuovo appuntamento, alla distanza giusta dalla prima.',
    en: 'Your second dose planned on {date} at {time} will be moved with the new appointment, at the right interval from the first.',
  },
  smsNoShow: {
    it: 'Vaccinazione del {date} ore {time}: non si è presentato. Nuovo appuntamento: {link} o numero verde {phone}.',
    en: 'Vaccination on {date} at {time}: you did not come. New appointment: {link} or free number {phone}.',
  },
  smsNoShowByPhone: {
    it: 'Vaccinazione del {date} ore {time}: non si è presentato. Per la seconda dose chiami il numero verde {phone}.',
    en: 'Vaccination on {date} at {time}: you did not come. For the second dose call free number {phone}.',
  },
  standbySubject: {
    it: 'Vaccinazione oggi: c’è una dose per Lei',
    en: 'Vaccination today: there is a dose for you',
  },
  standbyIntro: {
    it: 'si è reso disponibile come riservista: oggi, {date}, al centro {place} c’è una dose che altrimenti andrebbe persa.',
    en: 'you offered to stand by: today, {date}, at {place} there is a dose that would otherwise be wasted.',
  },
  standbyHow: {
    it: 'Se può venire, risponda entro le {time}: vada su {portal}/waiting-list e scelga «Vengo», oppure chiami gratis il numero verde {phone}. Le daremo l’orario.',
    en: 'If you can come, answer by {time}: go to {portal}/waiting-list and choose "I am coming", or call the toll-free number {phone} (free of charge). We will give you the time.',
  },
  smsStandby: {
    it: 'Vaccinazione oggi: dose disponibile a {place}. Se viene, risponda entro le {time} su {portal}/waiting-list o al numero verde {phone}.',
    en: 'Vaccination today: a dose at {place}. If you can come, answer by {time} at {portal}/waiting-list or free number {phone}.',
  },
} satisfies Record<string, Texts>;

const say = (key: keyof typeof T, language: MessageLanguage, values: Record<string, string | number> = {}) =>
  fill(T[key][language], values);

const placeLine = (place: { name: string; address: string; municipality: string }): string =>
  `${place.name}, ${place.address}, ${place.municipality}`;

const deadlineOf = (value: string, language: MessageLanguage): string =>
  `${longDate(value, language)}, ${language === 'it' ? 'ore ' : ''}${clockTime(value)}`;

const absolute = (contacts: SenderContacts, path: string): string =>
  `${contacts.publicUrl.replace(/\/$/, '')}${path}`;

export const waitingListOfferTemplate = defineTemplate('waiting_list_offer', OfferParams, {
  long: (params, language, contacts) => {
    const help = helpOf(contacts);
    const deadline = deadlineOf(params.expiresAt, language);
    return {
      subject: say('offerSubject', language),
      body: letterBody(language, params, [
        say('offerIntro', language, { deadline }),
        [
          say('when', language, {
            date: longDate(params.startsAt, language),
            time: clockTime(params.startsAt),
          }),
          say('where', language, { place: placeLine(params.place) }),
          say('vaccine', language, { product: params.product }),
        ].join('\n'),
        say('offerHow', language, { ...help, deadline }),
      ]),
    };
  },
  short: (params, language, contacts) => ({
    subject: '',
    body: say('smsOffer', language, {
      ...helpOf(contacts),
      date: shortDate(params.startsAt, language),
      time: clockTime(params.startsAt),
      place: params.place.name,
      deadline: `${shortDate(params.expiresAt, language)} ${clockTime(params.expiresAt)}`,
    }),
  }),
});

export const bookingNoShowTemplate = defineTemplate('booking_no_show', NoShowParams, {
  long: (params, language, contacts) => {
    const { appointment, secondDose } = params;
    const help = helpOf(contacts);
    const paragraphs = [
      say('noShowIntro', language, {
        date: longDate(appointment.startsAt, language),
        time: clockTime(appointment.startsAt),
        place: placeLine(appointment.place),
      }),
    ];
    if (appointment.dose > 1) {
      paragraphs.push(`${doseLabel(appointment.dose, language)}. ${say('noShowByPhone', language, help)}`);
    } else {
      paragraphs.push(
        say('noShowRebook', language, { link: absolute(contacts, params.rebookPath), phone: help.phone }),
      );
      if (secondDose !== null)
        paragraphs.push(
          say('noShowSecond', language, {
            date: longDate(secondDose.startsAt, language),
            time: clockTime(secondDose.startsAt),
          }),
        );
    }
    return { subject: say('noShowSubject', language), body: letterBody(language, params, paragraphs) };
  },
  short: (params, language, contacts) => {
    const values = {
      date: shortDate(params.appointment.startsAt, language),
      time: clockTime(params.appointment.startsAt),
      link: absolute(contacts, params.rebookPath),
      phone: contacts.helpPhone,
    };
    return {
      subject: '',
      body: say(params.appointment.dose > 1 ? 'smsNoShowByPhone' : 'smsNoShow', language, values),
    };
  },
});

export const standbyCallTemplate = defineTemplate('standby_call', StandbyParams, {
  long: (params, language, contacts) => {
    const help = helpOf(contacts);
    return {
      subject: say('standbySubject', language),
      body: letterBody(language, params, [
        say('standbyIntro', language, {
          date: longDate(params.answerBy, language),
          place: placeLine(params.place),
        }),
        say('standbyHow', language, { ...help, time: clockTime(params.answerBy) }),
      ]),
    };
  },
  short: (params, language, contacts) => ({
    subject: '',
    body: say('smsStandby', language, {
      ...helpOf(contacts),
      place: params.place.name,
      time: clockTime(params.answerBy),
    }),
  }),
});

export const waitingListTemplates: readonly MessageTemplate[] = [
  waitingListOfferTemplate,
  bookingNoShowTemplate,
  standbyCallTemplate,
];
