import { describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { createLogger, maskPersonalData } from './logging.ts';

describe('SEC-5 personal data are masked in logs', () => {
  it.each([
    ['tax code', 'lookup RSSMRA85T10A562S done', 'RSSMRA85T10A562S'],
    ['omocodia tax code', 'cf=RSSMRA85T10A56NH ok', 'RSSMRA85T10A56NH'],
    ['lower-case tax code', 'url /persons?identifier=rssmra85t10a562s', 'rssmra85t10a562s'],
    ['health-card number', 'card 80380000501234567890', '80380000501234567890'],
    ['temporary 11-digit code', 'code 12345678901', '12345678901'],
    ['e-mail', 'sent to mario.rossi@example.it', 'mario.rossi@example.it'],
    ['mobile phone', 'sms to +39 333 1234567', '333 1234567'],
    ['phone without prefix', 'call 3331234567', '3331234567'],
    ['landline', 'tel 0372 407111', '0372 407111'],
    ['ORD7 code', 'person ORD7AB12CD34EF56', 'ORD7AB12CD34EF56'],
    ['TS identifier of a foreigner', 'id TSF1234567890123', 'TSF1234567890123'],
    ['STP code', 'id STP0300301234567', 'STP0300301234567'],
    ['international prefix', 'tel 0039 02 67651', '02 67651'],
  ])('SEC-5 masks a %s', (_kind, text, secret) => {
    const masked = maskPersonalData(text);
    expect(masked).not.toContain(secret);
  });

  it.each([
    ['a correlation id', 'correlationId 7f1c2d1e-5a4b-4c3d-9e8f-0a1b2c3d4e5f'],
    ['a date', 'on 2021-04-12'],
    ['an ISO timestamp', '"time":"2021-04-12T10:15:00.000Z"'],
    ['a short number', 'booked 42 slots'],
    ['a birth date', '{"birthDate":"1985-12-10"}'],
    ['a response time', '"responseTime":12.345678'],
    ['a long fraction', '"responseTime":0.5712345678901234'],
    ['a CAP', 'CAP 26100 Cremona'],
    ['an ISTAT code', 'municipality 019036'],
  ])('SEC-5 leaves %s readable', (_kind, text) => {
    expect(maskPersonalData(text)).toBe(text);
  });

  it('SEC-5 masks what any code logs, in messages and in fields', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        lines.push(chunk.toString());
        callback();
      },
    });
    const logger = createLogger('info', sink);
    logger.info({ person: { taxCode: 'RSSMRA85T10A562S', email: 'a.b@c.it' } }, 'seen 80380000501234567890');
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toMatch(/RSSMRA85T10A562S|a\.b@c\.it|80380000501234567890/);
    expect(lines[0]).toContain('RS**************');
  });
});
