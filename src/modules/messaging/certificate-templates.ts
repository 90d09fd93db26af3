import { Type, type Static } from 'typebox';
import type { MessageLanguage } from './tables.ts';
import {
  fill,
  helpOf,
  letterBody,
  longDate,
  shortDate,
  type RenderedMessage,
  type SenderContacts,
  type Texts,
} from './message-text.ts';
import { defineTemplate, type MessageTemplate } from './template-kit.ts';

/*
 * DCC-4: the code (AUTHCODE) a person downloads their EU Digital COVID Certificate with, sent to the
 * certificate contacts of VAX-20 (UX-1: what the code is for, where to go, what else is needed). The params
 * are written by the database when the national registry acknowledges the administration
 * (migrations/0020_authcodes.sql); the code itself is a one-time secret (`secret.code`), which the outbox
 * forgets once the message is delivered: a message rendered without it shows the code masked.
 */

export const CERTIFICATE_TEMPLATES = ['certificate_authcode', 'certificate_reissued'] as const;
export type CertificateTemplate = (typeof CERTIFICATE_TEMPLATES)[number];

const CertificateCodeParams = Type.Object({
  givenName: Type.String(),
  surname: Type.String(),
  /** The vaccination's date, YYYY-MM-DD. */
  vaccinatedOn: Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' }),
  product: Type.String(),
  /** Until when the code works. */
  expiresAt: Type.String({ minLength: 10 }),
  secret: Type.Optional(Type.Object({ code: Type.String({ pattern: '^[2-9A-HJ-NP-Z]{10}$' }) })),
});
export type CertificateCodeParamsT = Static<typeof CertificateCodeParams>;

/** "ABCDE-FGHJK": two groups of five read and typed more easily; the portal takes it with or without the dash. */
export const formatAuthcode = (code: string): string => `${code.slice(0, 5)}-${code.slice(5)}`;
const MASKED_CODE = '*****-*****';

/** The portal page the code is typed into. */
export const downloadAddress = (contacts: SenderContacts): string =>
  `${helpOf(contacts).portal}/certificates/download`;

const T = {
  subject: {
    it: 'Certificato verde COVID-19: il codice per scaricarlo',
    en: 'EU Digital COVID Certificate: your download code',
  },
  reissuedSubject: {
    it: 'Certificato verde COVID-19 aggiornato: il nuovo codice per scaricarlo',
    en: 'EU Digital COVID Certificate updated: your new download code',
  },
  ready: {
    it: 'il certificato verde COVID-19 (EU Digital COVID Certificate) della vaccinazione del {date} ({product}) è pronto.',
    en: 'the EU Digital COVID Certificate ("green pass") of your vaccination of {date} ({product}) is ready.',
  },
  reissued: {
    it: 'i dati della vaccinazione del {date} ({product}) sono stati corretti, quindi il certificato verde COVID-19 è stato emesso di nuovo. Il certificato precedente non è più valido e il codice inviato prima non funziona più: usi quello nuovo.',
    en: 'the record of your vaccination of {date} ({product}) has been corrected, so your EU Digital COVID Certificate has been issued again. The previous certificate is no longer valid and the code sent before no longer works: use the new one.',
  },
  code: {
    it: 'Il codice per scaricarlo (AUTHCODE) è: {code}',
    en: 'The code to download it (AUTHCODE) is: {code}',
  },
  how: {
    it: 'Per scaricare il certificato vada su {url} e scriva:\n- il suo codice fiscale;\n- le ultime 8 cifre del numero della tessera sanitaria (sul retro della tessera);\n- questo codice.\nRiceverà il certificato in PDF con il codice QR: può stamparlo o tenerlo sul telefono.',
    en: 'To download the certificate go to {url} and enter:\n- your tax code (codice fiscale);\n- the last 8 digits of your health-card number (on the back of the card);\n- this code.\nYou get the certificate as a PDF with its QR code: print it or keep it on your phone.',
  },
  expiry: {
    it: 'Il codice vale fino al {date}. Dopo, può scaricare il certificato accedendo a {portal} con codice fiscale e tessera sanitaria.',
    en: 'The code works until {date}. After that you can download the certificate by signing in at {portal} with your tax code and health card.',
  },
  safety: {
    it: 'Il codice serve solo a lei: non lo dia a nessuno. Nessun operatore glielo chiederà.',
    en: 'The code is for you only: do not give it to anyone. No operator will ever ask you for it.',
  },
  help: {
    it: 'Per aiuto chiami gratis il numero verde {phone}.',
    en: 'For help call the toll-free number {phone} (free of charge).',
  },
  sms: {
    it: 'Certificato verde COVID-19 della vaccinazione del {date}: codice {code}. Lo scarichi su {url} con codice fiscale e ultime 8 cifre della tessera sanitaria. Non dia il codice a nessuno.',
    en: 'EU COVID certificate of your vaccination of {date}: code {code}. Download it at {url} with your tax code and the last 8 digits of your health card. Give the code to no one.',
  },
  smsReissued: {
    it: 'Certificato verde COVID-19 aggiornato (vaccinazione del {date}): nuovo codice {code}, il precedente non vale più. Lo scarichi su {url} con codice fiscale e ultime 8 cifre della tessera sanitaria.',
    en: 'EU COVID certificate updated (vaccination of {date}): new code {code}, the old one no longer works. Download it at {url} with your tax code and the last 8 digits of your health card.',
  },
} satisfies Record<string, Texts>;

const say = (key: keyof typeof T, language: MessageLanguage, values: Record<string, string | number> = {}) =>
  fill(T[key][language], values);

const codeOf = (params: CertificateCodeParamsT): string =>
  params.secret === undefined ? MASKED_CODE : formatAuthcode(params.secret.code);

function renderLong(
  template: CertificateTemplate,
  params: CertificateCodeParamsT,
  language: MessageLanguage,
  contacts: SenderContacts,
): RenderedMessage {
  const help = helpOf(contacts);
  const vaccination = { date: longDate(params.vaccinatedOn, language), product: params.product };
  const reissued = template === 'certificate_reissued';
  return {
    subject: say(reissued ? 'reissuedSubject' : 'subject', language),
    body: letterBody(language, params, [
      say(reissued ? 'reissued' : 'ready', language, vaccination),
      say('code', language, { code: codeOf(params) }),
      say('how', language, { url: downloadAddress(contacts) }),
      say('expiry', language, { date: longDate(params.expiresAt, language), portal: help.portal }),
      say('safety', language),
      say('help', language, { phone: help.phone }),
    ]),
  };
}

function renderShort(
  template: CertificateTemplate,
  params: CertificateCodeParamsT,
  language: MessageLanguage,
  contacts: SenderContacts,
): RenderedMessage {
  return {
    subject: '',
    body: say(template === 'certificate_reissued' ? 'smsReissued' : 'sms', language, {
      date: shortDate(params.vaccinatedOn, language).replace(/^\S+ /, ''),
      code: codeOf(params),
      url: downloadAddress(contacts),
    }),
  };
}

export const certificateTemplates: readonly MessageTemplate[] = CERTIFICATE_TEMPLATES.map((name) =>
  defineTemplate(name, CertificateCodeParams, {
    long: (params, language, contacts) => renderLong(name, params, language, contacts),
    short: (params, language, contacts) => renderShort(name, params, language, contacts),
  }),
);
