import { describe, expect, it } from 'vitest';
import { renderMessage } from '../messaging/templates.ts';
import { TemplateError } from '../messaging/message-text.ts';

const contacts = { publicUrl: 'https://vaxhub.example/', helpPhone: '800 894 545' };
const place = { name: 'CremonaFiere', address: 'Piazzale Zelioli Lanzini 1', municipality: 'Cremona' };
const appointment = {
  bookingId: 7,
  code: 'ABCD2345',
  dose: 1,
  startsAt: '2021-04-20T07:30:00.000Z',
  place,
  product: 'Comirnaty',
  selfDeclarationNeeded: false,
};
const reason = (kind: 'close_day' | 'cut_stations' | 'cut_stock') => ({
  kind,
  day: '2021-04-20',
  place,
  ...(kind === 'cut_stations' ? { fromTime: '14:00' } : {}),
});
const person = { givenName: 'Maria', surname: 'Rossi' };

describe('BOOK-12 what people are told when a health authority changes capacity', () => {
  it.each([
    ['close_day', 'it', 'resterà chiuso martedì 20 aprile 2021'],
    ['close_day', 'en', 'will be closed on Tuesday, 20 April 2021'],
    ['cut_stations', 'it', 'dalle ore 14:00'],
    ['cut_stations', 'en', 'from 14:00'],
    ['cut_stock', 'it', 'meno dosi di vaccino'],
    ['cut_stock', 'en', 'fewer vaccine doses'],
  ] as const)('BOOK-12 a moved appointment says why (%s, %s)', (kind, language, why) => {
    const moved = {
      ...appointment,
      startsAt: '2021-04-21T07:30:00.000Z',
      previous: { startsAt: appointment.startsAt, place },
    };
    const message = renderMessage(
      {
        channel: 'email',
        template: 'booking_rescheduled',
        language,
        params: { ...person, appointments: [moved], reason: reason(kind) },
      },
      contacts,
    );
    expect(message.body).toContain(why);
    expect(message.body).toContain(language === 'it' ? 'Prima era' : 'Before');
  });

  it.each(['it', 'en'] as const)(
    'BOOK-12 asked to choose (%s): what was cancelled, why, and where to choose: the portal and the free number',
    (language) => {
      const second = { ...appointment, code: 'WXYZ6789', dose: 2, startsAt: '2021-05-11T07:30:00.000Z' };
      for (const channel of ['email', 'letter', 'sms'] as const) {
        const message = renderMessage(
          {
            channel,
            template: 'booking_must_choose',
            language,
            params: { ...person, appointments: [appointment, second], reason: reason('close_day') },
          },
          contacts,
        );
        expect(message.body).toContain('https://vaxhub.example/portal');
        expect(message.body).toContain('800 894 545');
        if (channel === 'sms') {
          expect(message.subject).toBe('');
          expect(message.body.length).toBeLessThan(320);
        } else {
          expect(message.subject).toMatch(language === 'it' ? /nuovo appuntamento/ : /new appointment/);
          expect(message.body).toContain('Maria Rossi');
          expect(message.body).toContain('ABCD2345');
          expect(message.body).toContain('WXYZ6789');
          expect(message.body).toContain(language === 'it' ? 'annullati' : 'cancelled');
        }
      }
    },
  );

  it('BOOK-12 a must-choose message without its reason cannot be rendered (TemplateError, never retried)', () => {
    expect(() =>
      renderMessage(
        {
          channel: 'email',
          template: 'booking_must_choose',
          language: 'it',
          params: { ...person, appointments: [appointment] },
        },
        contacts,
      ),
    ).toThrow(TemplateError);
  });
});
