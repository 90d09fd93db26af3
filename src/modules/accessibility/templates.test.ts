import { describe, expect, it } from 'vitest';
import { TemplateError } from '../messaging/message-text.ts';
import { renderMessage } from '../messaging/templates.ts';
import { CHANNELS, LANGUAGES } from '../messaging/tables.ts';

const CONTACTS = { publicUrl: 'https://vaccini.example.it/', helpPhone: '800 894 545' };
const PERSON = { givenName: 'Maria', surname: 'Verdi' };

const PARAMS: Record<string, object> = {
  home_vaccination_listed: { ...PERSON, requestId: 42 },
  home_vaccination_planned: {
    ...PERSON,
    requestId: 42,
    visitDay: '2021-04-15',
    visitTime: '10:30:00',
    team: 'Équipe domiciliare Cremona 2',
    byGp: false,
    gpName: null,
    replanned: false,
  },
  home_vaccination_not_possible: { ...PERSON, requestId: 42, reason: 'la persona era ricoverata' },
  dedicated_session_booked: {
    ...PERSON,
    code: 'KQ7M2XPA',
    kind: 'deaf',
    // 15:00 to 17:00 in Rome (summer time).
    startsAt: '2021-04-14T13:00:00.000Z',
    endsAt: '2021-04-14T15:00:00.000Z',
    place: { name: 'CremonaFiere', address: 'Piazzale Zelioli Lanzini 1', municipality: 'Cremona' },
    supports: ['lis_interpreter'],
    withCaregiver: true,
    transport: 'wheelchair',
  },
};
PARAMS.dedicated_session_cancelled = PARAMS.dedicated_session_booked as object;

describe('the messages of BOOK-14 and BOOK-15', () => {
  const cases = Object.keys(PARAMS).flatMap((template) =>
    CHANNELS.flatMap((channel) => LANGUAGES.map((language) => [template, channel, language] as const)),
  );
  it.each(cases)(
    'BOOK-14 BOOK-15 %s renders as %s in %s, every placeholder filled',
    (template, channel, language) => {
      const message = renderMessage({ channel, template, language, params: PARAMS[template] }, CONTACTS);
      expect(message.body).not.toMatch(/\{\w+\}/);
      expect(message.body).toContain('800 894 545');
      if (channel === 'sms') {
        expect(message.subject).toBe('');
        expect(message.body.length).toBeLessThan(320);
      } else {
        expect(message.subject).not.toBe('');
        expect(message.body).toContain(language === 'it' ? 'Gentile Maria Verdi,' : 'Dear Maria Verdi,');
      }
    },
  );

  it('BOOK-14 the planned visit says the day, the time and who comes, in Rome’s calendar', () => {
    const it = renderMessage(
      {
        channel: 'email',
        template: 'home_vaccination_planned',
        language: 'it',
        params: PARAMS.home_vaccination_planned,
      },
      CONTACTS,
    );
    expect(it.body).toContain('giovedì 15 aprile 2021, verso le ore 10:30');
    expect(it.body).toContain('Verrà: Équipe domiciliare Cremona 2.');
    const byGp = renderMessage(
      {
        channel: 'sms',
        template: 'home_vaccination_planned',
        language: 'en',
        params: { ...PARAMS.home_vaccination_planned, byGp: true, gpName: 'Dr Rossi', visitTime: null },
      },
      CONTACTS,
    );
    expect(byGp.body).toContain('on Thursday, 15 April 2021');
    expect(byGp.body).toContain('Your family doctor (Dr Rossi) will come.');
  });

  it('BOOK-15 the session message names the interpreter, the caregiver’s place and the transport', () => {
    const message = renderMessage(
      {
        channel: 'letter',
        template: 'dedicated_session_booked',
        language: 'it',
        params: PARAMS.dedicated_session_booked,
      },
      CONTACTS,
    );
    expect(message.body).toContain('dalle ore 15:00 alle ore 17:00');
    expect(message.body).toContain('Ci sarà: un interprete LIS.');
    expect(message.body).toContain('C’è posto anche per chi La accompagna.');
    expect(message.body).toContain('mezzo per carrozzina');
  });

  it('BOOK-15 params of the wrong shape are a template error, never a crash', () => {
    expect(() =>
      renderMessage(
        { channel: 'email', template: 'dedicated_session_booked', language: 'it', params: { code: 1 } },
        CONTACTS,
      ),
    ).toThrow(TemplateError);
  });
});
