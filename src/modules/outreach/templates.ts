import { Type } from 'typebox';
import {
  clockTime,
  fill,
  helpOf,
  letterBody,
  longDate,
  shortDate,
  type Texts,
} from '../messaging/message-text.ts';
import { defineTemplate, type MessageTemplate } from '../messaging/template-kit.ts';

/*
 * What active calling writes (BOOK-17, UX-1): plain language, short sentences, one thing to do. The seed
 * (002) reminds that many deaf elderly people read Italian with difficulty: no jargon, no abbreviations.
 * Params are written by the outreach service with the message (migrations/0024_outreach.sql).
 */

const Invitation = Type.Object({
  givenName: Type.String(),
  surname: Type.String(),
  authority: Type.String(),
});

const Place = Type.Object({ name: Type.String(), address: Type.String(), municipality: Type.String() });

const Proposal = Type.Object({
  givenName: Type.String(),
  surname: Type.String(),
  authority: Type.String(),
  proposalId: Type.Number(),
  startsAt: Type.String({ minLength: 10 }),
  validUntil: Type.String({ minLength: 10 }),
  place: Place,
});

const T = {
  invitationSubject: {
    it: 'Vaccinazione anti COVID-19: può prenotare',
    en: 'COVID-19 vaccination: you can book',
  },
  invitationIntro: {
    it: '{authority} La invita a fare il vaccino contro il COVID-19. Lei ha la precedenza.',
    en: '{authority} invites you to have the COVID-19 vaccine. You come first.',
  },
  howToBook: {
    it: 'Per prenotare: vada su {portal} oppure chiami gratis il numero verde {phone}. Le servono il codice fiscale e la tessera sanitaria.',
    en: 'To book: go to {portal} or call the toll-free number {phone} (free of charge). You need your tax code and your health card.',
  },
  help: {
    it: 'Se ha bisogno di aiuto, può chiedere al Suo medico di famiglia.',
    en: 'If you need help, you can ask your family doctor.',
  },
  proposalSubject: {
    it: 'Vaccinazione anti COVID-19: Le proponiamo un appuntamento',
    en: 'COVID-19 vaccination: we propose an appointment',
  },
  proposalIntro: {
    it: '{authority} Le propone un appuntamento per il vaccino contro il COVID-19:',
    en: '{authority} proposes an appointment for your COVID-19 vaccine:',
  },
  when: { it: 'Quando: {date}, alle ore {time}', en: 'When: {date}, at {time}' },
  where: { it: 'Dove: {place}', en: 'Where: {place}' },
  confirm: {
    it: 'Se va bene, lo confermi entro {until} alle ore {untilTime}: vada su {link} oppure chiami gratis il numero verde {phone}.',
    en: 'If it suits you, confirm it by {until} at {untilTime}: go to {link} or call the toll-free number {phone} (free of charge).',
  },
  change: {
    it: 'Se non va bene, dalla stessa pagina può scegliere un altro giorno o un altro centro.',
    en: 'If it does not suit you, you can choose another day or centre on the same page.',
  },
  smsInvitation: {
    it: 'Vaccino COVID: {authority} La invita a prenotare. {portal} o numero verde {phone}',
    en: 'COVID vaccine: {authority} invites you to book. {portal} or toll-free {phone}',
  },
  smsProposal: {
    it: 'Vaccino COVID: appuntamento proposto {date} ore {time}, {place}. Confermi entro {until}: {link} o numero verde {phone}',
    en: 'COVID vaccine: proposed appointment {date} at {time}, {place}. Confirm by {until}: {link} or toll-free {phone}',
  },
} satisfies Record<string, Texts>;

export const outreachInvitation: MessageTemplate = defineTemplate('outreach_invitation', Invitation, {
  long: (params, language, contacts) => {
    const help = helpOf(contacts);
    return {
      subject: T.invitationSubject[language],
      body: letterBody(language, params, [
        fill(T.invitationIntro[language], { authority: params.authority }),
        fill(T.howToBook[language], { portal: help.portal, phone: help.phone }),
        T.help[language],
      ]),
    };
  },
  short: (params, language, contacts) => {
    const help = helpOf(contacts);
    return {
      subject: '',
      body: fill(T.smsInvitation[language], {
        authority: params.authority,
        portal: help.portal,
        phone: help.phone,
      }),
    };
  },
});

const proposalLink = (portal: string, id: number): string => `${portal}/outreach/proposals/${id}`;

export const outreachProposal: MessageTemplate = defineTemplate('outreach_proposal', Proposal, {
  long: (params, language, contacts) => {
    const help = helpOf(contacts);
    const place = `${params.place.name}, ${params.place.address}, ${params.place.municipality}`;
    return {
      subject: T.proposalSubject[language],
      body: letterBody(language, params, [
        fill(T.proposalIntro[language], { authority: params.authority }),
        [
          fill(T.when[language], {
            date: longDate(params.startsAt, language),
            time: clockTime(params.startsAt),
          }),
          fill(T.where[language], { place }),
        ].join('\n'),
        fill(T.confirm[language], {
          until: longDate(params.validUntil, language),
          untilTime: clockTime(params.validUntil),
          link: proposalLink(help.portal, params.proposalId),
          phone: help.phone,
        }),
        T.change[language],
        T.help[language],
      ]),
    };
  },
  short: (params, language, contacts) => {
    const help = helpOf(contacts);
    return {
      subject: '',
      body: fill(T.smsProposal[language], {
        date: shortDate(params.startsAt, language),
        time: clockTime(params.startsAt),
        place: `${params.place.name}, ${params.place.municipality}`,
        until: `${shortDate(params.validUntil, language)} ${clockTime(params.validUntil)}`,
        link: proposalLink(help.portal, params.proposalId),
        phone: help.phone,
      }),
    };
  },
});

export const outreachTemplates: readonly MessageTemplate[] = [outreachInvitation, outreachProposal];
