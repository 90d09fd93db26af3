import { describe, expect, it } from 'vitest';
import { format, pickLanguage } from './i18n.ts';

describe('UX-1 language of responses', () => {
  it.each([
    [undefined, 'it'],
    ['', 'it'],
    ['en', 'en'],
    ['en-GB,en;q=0.9', 'en'],
    ['it-IT,it;q=0.9,en;q=0.8', 'it'],
    ['de-DE,en;q=0.5', 'en'],
    ['fr', 'it'],
    ['it;q=0.4,en;q=0.6', 'en'],
    ['en;q=0', 'it'],
  ])('UX-1 Accept-Language %j gives %s', (header, expected) => {
    expect(pickLanguage(header)).toBe(expected);
  });

  it('fills placeholders and leaves unknown ones visible', () => {
    expect(format('riprovi tra {minutes} minuti {x}', { minutes: 15 })).toBe('riprovi tra 15 minuti {x}');
  });
});
