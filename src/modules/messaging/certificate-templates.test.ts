import { describe, expect, it } from 'vitest';
import { renderMessage } from './templates.ts';
import { CERTIFICATE_TEMPLATES, type CertificateCodeParamsT } from './certificate-templates.ts';
import { withoutSecret } from './template-kit.ts';
import { TemplateError } from './message-text.ts';
import { CHANNELS, LANGUAGES } from './tables.ts';

const CONTACTS = { publicUrl: 'https://vaccini.example.it/', helpPhone: '800 894 545' };

const params: CertificateCodeParamsT = {
  givenName: 'Giuseppina',
  surname: 'Bertolotti',
  vaccinatedOn: '2021-12-01',
  product: 'Comirnaty',
  expiresAt: '2022-05-30T10:00:00Z',
  secret: { code: 'K7M2Q9XAHD' },
};

const cases = CERTIFICATE_TEMPLATES.flatMap((template) =>
  LANGUAGES.flatMap((language) => CHANNELS.map((channel) => [template, language, channel] as const)),
);

describe('DCC-4 certificate code messages', () => {
  it.each(cases)(
    'DCC-4 %s in %s by %s says the code, where to go and what else is needed',
    (template, language, channel) => {
      const { subject, body } = renderMessage({ channel, template, language, params }, CONTACTS);
      const text = `${subject}\n${body}`;
      expect(text).toContain('K7M2Q-9XAHD');
      expect(text).toContain('https://vaccini.example.it/portal/certificates/download');
      expect(text).toMatch(language === 'it' ? /ultime 8 cifre/ : /last 8 digits/);
      expect(text).toContain(
        channel === 'sms' ? '01/12/2021' : language === 'it' ? '1 dicembre 2021' : '1 December 2021',
      );
      expect(text).not.toMatch(/undefined|\{\w+\}/);
      if (channel === 'sms') {
        expect(subject).toBe('');
        expect(body.length).toBeLessThanOrEqual(306);
      } else {
        expect(body).toContain(
          language === 'it' ? 'Gentile Giuseppina Bertolotti,' : 'Dear Giuseppina Bertolotti,',
        );
        expect(body).toContain('800 894 545');
      }
      if (template === 'certificate_reissued')
        expect(text).toMatch(language === 'it' ? /non funziona più|non vale più/ : /no longer works/);
    },
  );

  it('DCC-4 without its secret (delivered, or on the administrators\u2019 page) the code is masked', () => {
    const shown = renderMessage(
      { channel: 'email', template: 'certificate_authcode', language: 'it', params: withoutSecret(params) },
      CONTACTS,
    );
    expect(shown.body).toContain('*****-*****');
    expect(shown.body).not.toContain('K7M2Q');
  });

  it('DCC-4 a code outside the alphabet is a template defect, never sent', () => {
    expect(() =>
      renderMessage(
        {
          channel: 'sms',
          template: 'certificate_authcode',
          language: 'it',
          params: { ...params, secret: { code: 'O0I1' } },
        },
        CONTACTS,
      ),
    ).toThrow(TemplateError);
  });
});
