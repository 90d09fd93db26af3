import { describe, expect, it } from 'vitest';
import { renderMessage } from '../messaging/templates.ts';
import { TemplateError } from '../messaging/message-text.ts';
import { CHANNELS, LANGUAGES } from '../messaging/tables.ts';

const CONTACTS = { publicUrl: 'https://vaccini.example.it/', helpPhone: '800 894 545' };
const PLACE = { name: 'Hub Fiera di Cremona', address: 'Piazza Zelioli Lanzini 1', municipality: 'Cremona' };
const PERSON = { givenName: 'Maria', surname: 'Rossi' };

const offer = {
  ...PERSON,
  offerId: 7,
  // 10:30 in Rome (summer time); answer by 10:00 the day before.
  startsAt: '2021-04-15T08:30:00Z',
  expiresAt: '2021-04-14T08:00:00Z',
  place: PLACE,
  product: 'Vaxzevria',
};
const appointment = {
  code: 'KQ7M2XPA',
  dose: 1,
  startsAt: '2021-04-15T08:30:00Z',
  place: PLACE,
  product: 'Vaxzevria',
};
const noShow = {
  ...PERSON,
  appointment,
  secondDose: { ...appointment, code: 'ZR4TW9HD', dose: 2, startsAt: '2021-07-08T09:45:00Z' },
  rebookPath: '/portal/no-shows/KQ7M2XPA',
};
const standby = { ...PERSON, callId: 3, day: '2021-04-20', answerBy: '2021-04-20T15:30:00Z', place: PLACE };

const render = (
  template: string,
  channel: (typeof CHANNELS)[number],
  language: 'it' | 'en',
  params: unknown,
) => renderMessage({ template, channel, language, params }, CONTACTS);

describe('BOOK-13 waiting-list, no-show and standby messages', () => {
  it.each([
    ['waiting_list_offer', offer, ['Hub Fiera di Cremona', '10:30', '/portal/waiting-list', '800 894 545']],
    ['booking_no_show', noShow, ['https://vaccini.example.it/portal/no-shows/KQ7M2XPA', '800 894 545']],
    ['standby_call', standby, ['Hub Fiera di Cremona', '17:30', '/portal/waiting-list', '800 894 545']],
  ] as const)(
    'BOOK-13 %s says where, when, by when and how, in every channel and language',
    (template, params, says) => {
      for (const channel of CHANNELS) {
        for (const language of LANGUAGES) {
          const message = render(template, channel, language, params);
          for (const part of says) expect(message.body).toContain(part);
          if (channel === 'sms') expect(message.subject).toBe('');
          else expect(message.subject.length).toBeGreaterThan(5);
        }
      }
    },
  );

  it.each([
    ['it', 'Lo teniamo per Lei fino a mercoledì 14 aprile 2021, ore 10:00'],
    ['en', 'We are keeping it for you until Wednesday, 14 April 2021, 10:00'],
  ] as const)('BOOK-13 the offer gives its deadline in Rome time (%s)', (language, text) => {
    expect(render('waiting_list_offer', 'email', language, offer).body).toContain(text);
  });

  it.each([
    ['a first dose: the rebooking link and the second dose that moves with it', 1, 'no-shows/KQ7M2XPA', true],
    ['a second dose: the phone number, no link', 2, '800 894 545', false],
  ])('BOOK-9 BOOK-10 the no-show message for %s', (_name, dose, says, link) => {
    const params = {
      ...noShow,
      appointment: { ...appointment, dose },
      secondDose: dose === 1 ? noShow.secondDose : null,
    };
    const body = render('booking_no_show', 'letter', 'it', params).body;
    expect(body).toContain(says);
    expect(body.includes('/portal/no-shows/')).toBe(link);
    expect(body.includes('La seconda dose prevista')).toBe(link);
  });

  it('BOOK-13 a message with incomplete params cannot be rendered (TemplateError, never retried)', () => {
    expect(() => render('waiting_list_offer', 'sms', 'it', { ...PERSON, offerId: 1 })).toThrow(TemplateError);
  });
});
