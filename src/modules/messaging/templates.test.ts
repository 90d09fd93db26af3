import { describe, expect, it } from 'vitest';
import { clockTime, longDate, shortDate, TemplateError } from './message-text.ts';
import {
  BOOKING_TEMPLATES,
  type AppointmentParams,
  type BookingMessageParamsT,
} from './booking-templates.ts';
import { renderMessage } from './templates.ts';
import { CHANNELS, LANGUAGES } from './tables.ts';

const CONTACTS = { publicUrl: 'https://vaccini.example.it/', helpPhone: '800 894 545' };

const first: AppointmentParams = {
  bookingId: 11,
  code: 'KQ7M2XPA',
  dose: 1,
  // 10:30 in Rome (summer time).
  startsAt: '2021-04-15T08:30:00+00:00',
  place: { name: 'Hub Fiera di Cremona', address: 'Piazza Zelioli Lanzini 1', municipality: 'Cremona' },
  product: 'Vaxzevria',
  selfDeclarationNeeded: true,
};

const second: AppointmentParams = {
  ...first,
  bookingId: 12,
  code: 'ZR4TW9HD',
  dose: 2,
  // 11:45 in Rome.
  startsAt: '2021-07-08T09:45:00Z',
};

const moved: AppointmentParams = {
  ...first,
  previous: {
    // 17:15 in Rome, winter time.
    startsAt: '2021-03-20T16:15:00+00:00',
    place: { name: 'Ospedale Oglio Po', address: 'Via Staffolo 51', municipality: 'Casalmaggiore' },
  },
};

const paramsOf = (template: string): BookingMessageParamsT => ({
  givenName: 'Giuseppina',
  surname: 'Bertolotti',
  appointments:
    template === 'booking_rescheduled'
      ? [moved]
      : template === 'booking_reminder'
        ? [first]
        : [second, first],
});

const cases = BOOKING_TEMPLATES.flatMap((template) =>
  LANGUAGES.flatMap((language) => CHANNELS.map((channel) => [template, language, channel] as const)),
);

describe('BOOK-8, BOOK-18 message templates', () => {
  it.each(cases)(
    'BOOK-18 %s in %s by %s says every param and nothing undefined',
    (template, language, channel) => {
      const params = paramsOf(template);
      const { subject, body } = renderMessage({ channel, template, language, params }, CONTACTS);
      const text = `${subject}\n${body}`;
      for (const appointment of params.appointments) {
        expect(text).toContain(appointment.code);
        expect(text).toContain(appointment.place.name);
        expect(text).toContain(appointment.place.address);
        expect(text).toContain(appointment.place.municipality);
        expect(text).toContain(clockTime(appointment.startsAt));
        expect(text).toContain(
          channel === 'sms'
            ? shortDate(appointment.startsAt, language)
            : longDate(appointment.startsAt, language),
        );
        // A cancellation by SMS need not name the vaccine.
        if (channel !== 'sms' || template !== 'booking_cancelled')
          expect(text).toContain(appointment.product);
        if (appointment.previous !== undefined) {
          expect(text).toContain(clockTime(appointment.previous.startsAt));
          if (channel !== 'sms') expect(text).toContain(appointment.previous.place.name);
        }
      }
      expect(text).toContain('https://vaccini.example.it/portal');
      expect(text).toContain('800 894 545');
      if (channel === 'sms') {
        expect(subject).toBe('');
        // About two SMS segments per appointment at most.
        expect(body.length).toBeLessThanOrEqual(160 + 160 * params.appointments.length);
      } else {
        expect(subject.length).toBeGreaterThan(10);
        expect(body).toContain('Giuseppina Bertolotti');
      }
      expect(text).not.toMatch(/\bundefined\b|\bnull\b|\bNaN\b|\[object|\{\w+\}/);
    },
  );

  it('BOOK-8 times and dates are Rome’s, in the message’s language', () => {
    expect(clockTime(first.startsAt)).toBe('10:30');
    expect(clockTime('2021-03-20T16:15:00Z')).toBe('17:15');
    expect(longDate(first.startsAt, 'it')).toBe('giovedì 15 aprile 2021');
    expect(longDate(first.startsAt, 'en')).toMatch(/^Thursday,? 15 April 2021$/);
    expect(shortDate(first.startsAt, 'it')).toBe('gio 15/04/2021');
    expect(shortDate(first.startsAt, 'en')).toBe('Thu 15/04/2021');
    // Past midnight in Rome is the next day there.
    expect(longDate('2021-04-15T22:30:00Z', 'it')).toBe('venerdì 16 aprile 2021');
  });

  it('BOOK-8 a first and a second dose in one message, first dose first, with the self-declaration to bring', () => {
    const { body } = renderMessage(
      {
        channel: 'email',
        template: 'booking_confirmed',
        language: 'it',
        params: paramsOf('booking_confirmed'),
      },
      CONTACTS,
    );
    expect(body.indexOf('Prima dose')).toBeGreaterThan(0);
    expect(body.indexOf('Seconda dose')).toBeGreaterThan(body.indexOf('Prima dose'));
    expect(body).toContain('autodichiarazione');
    expect(body).toContain('i Suoi appuntamenti per la vaccinazione sono confermati');
  });

  it.each([
    ['an unknown template', 'booking_teleported', paramsOf('booking_confirmed')],
    ['params without appointments', 'booking_confirmed', { givenName: 'A', surname: 'B', appointments: [] }],
    ['params of another shape', 'booking_reminder', { hello: 'world' }],
    [
      'an appointment whose time is no instant',
      'booking_reminder',
      { ...paramsOf('booking_reminder'), appointments: [{ ...first, startsAt: 'tomorrow-ish' }] },
    ],
  ])('a message with %s cannot be rendered (and will never be: TemplateError)', (_, template, params) => {
    expect(() => renderMessage({ channel: 'email', template, language: 'it', params }, CONTACTS)).toThrow(
      TemplateError,
    );
  });
});
