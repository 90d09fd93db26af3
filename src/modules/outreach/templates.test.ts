import { describe, expect, it } from 'vitest';
import { renderMessage, TEMPLATE_NAMES } from '../messaging/templates.ts';
import { TemplateError } from '../messaging/message-text.ts';
import type { Channel, MessageLanguage } from '../messaging/tables.ts';

const contacts = { publicUrl: 'https://vaccini.example.it/', helpPhone: '800 894 545' };
const invitation = { givenName: 'Maria', surname: 'Rossi', authority: 'ASST di Cremona' };
const proposal = {
  ...invitation,
  proposalId: 42,
  startsAt: '2021-04-16T07:15:00.000Z',
  validUntil: '2021-04-15T08:00:00.000Z',
  place: { name: 'CremonaFiere', address: 'Piazzale Zelioli Lanzini 1', municipality: 'Cremona' },
};

const render = (template: string, channel: Channel, language: MessageLanguage, params: unknown) =>
  renderMessage({ channel, template, language, params }, contacts);

describe('BOOK-17 active-calling messages', () => {
  it('BOOK-17 both templates are in the messaging catalogue', () => {
    expect(TEMPLATE_NAMES).toEqual(expect.arrayContaining(['outreach_invitation', 'outreach_proposal']));
  });

  it.each([
    ['email', 'it'],
    ['letter', 'it'],
    ['email', 'en'],
    ['sms', 'it'],
    ['sms', 'en'],
  ] as const)(
    'BOOK-17 an invitation by %s in %s says who invites, how to book and the free number',
    (channel, language) => {
      const message = render('outreach_invitation', channel, language, invitation);
      expect(message.body).toContain('ASST di Cremona');
      expect(message.body).toContain('https://vaccini.example.it/portal');
      expect(message.body).toContain('800 894 545');
      if (channel === 'sms') {
        expect(message.subject).toBe('');
        expect(message.body.length).toBeLessThanOrEqual(160);
      } else {
        expect(
          message.body.startsWith(language === 'it' ? 'Gentile Maria Rossi,' : 'Dear Maria Rossi,'),
        ).toBe(true);
      }
    },
  );

  it.each([
    ['email', 'it', 'venerdì 16 aprile 2021', '09:15'],
    ['letter', 'en', 'Friday, 16 April 2021', '09:15'],
    ['sms', 'it', 'ven 16/04/2021', '09:15'],
  ] as const)(
    'BOOK-17 a proposal by %s in %s gives the appointment in Rome time and the link to confirm or change it',
    (channel, language, day, time) => {
      const message = render('outreach_proposal', channel, language, proposal);
      expect(message.body).toContain(day);
      expect(message.body).toContain(time);
      expect(message.body).toContain('https://vaccini.example.it/portal/outreach/proposals/42');
      expect(message.body).toContain('CremonaFiere');
    },
  );

  it('BOOK-17 a proposal without its appointment is never sent half-written', () => {
    expect(() => render('outreach_proposal', 'email', 'it', invitation)).toThrow(TemplateError);
  });

  it('BOOK-17 plain language: short sentences, no jargon in the Italian invitation', () => {
    const body = render('outreach_invitation', 'letter', 'it', invitation).body;
    const sentences = body.split(/[.:]\s/).map((sentence) => sentence.split(/\s+/).length);
    expect(Math.max(...sentences)).toBeLessThanOrEqual(25);
    expect(body).not.toMatch(/SARS|anamnesi|somministrazione/i);
  });
});
