import { describe, expect, it } from 'vitest';
import {
  buildTaxCode,
  encodeBirthDateAndSex,
  encodeGivenName,
  encodeSurname,
  normalizeNameForTaxCode,
  taxCodeCheckCharacter,
  type TaxCodeSubject,
} from './tax-code.ts';

describe('tax code (codice fiscale)', () => {
  it.each([
    ['Rossi', 'RSS'],
    ['Bianchi', 'BNC'],
    ['De Luca', 'DLC'],
    ["D'Angelo", 'DNG'],
    ['Moretti', 'MRT'],
    ['Fo', 'FOX'],
    ['Re', 'REX'],
    ['Hu', 'HUX'],
    ['Oe', 'OEX'],
    ['Aiello', 'LLA'],
    ['Viganò', 'VGN'],
  ])('REG-2 surname part of %s is %s (consonants, then vowels, then X)', (surname, expected) => {
    expect(encodeSurname(surname)).toBe(expected);
  });

  it.each([
    ['Mario', 'MRA'],
    ['Matteo', 'MTT'],
    ['Giuseppe', 'GPP'],
    ['Gianfranco', 'GFR'],
    ['Francesco', 'FNC'],
    ['Alessandro', 'LSN'],
    ['Luca', 'LCU'],
    ['Eva', 'VEA'],
    ['Al', 'LAX'],
    ['Li', 'LIX'],
    ['Niccolò', 'NCL'],
    ['Mary Grace', 'MYG'],
  ])('REG-2 given-name part of %s is %s (4+ consonants: 1st, 3rd, 4th)', (givenName, expected) => {
    expect(encodeGivenName(givenName)).toBe(expected);
  });

  it.each([
    ['1985-12-10', 'M', '85T10'],
    ['1985-12-10', 'F', '85T50'],
    ['2000-01-01', 'F', '00A41'],
    ['1925-04-09', 'M', '25D09'],
    ['1944-06-30', 'F', '44H70'],
    ['1913-10-10', 'M', '13R10'],
  ] as const)(
    'REG-2 birth date %s and sex %s encode as %s (month letters, women +40)',
    (date, sex, expected) => {
      expect(encodeBirthDateAndSex(date, sex)).toBe(expected);
    },
  );

  it.each([
    ['RSSMRA85T10A562', 'S'],
    ['RSSMRA80A01H501', 'U'],
    ['MRTMTT25D09F205', 'Z'],
    ['VRDGPP13R10B293', 'P'],
  ])('REG-2 check character of %s%s', (first15, expected) => {
    expect(taxCodeCheckCharacter(first15)).toBe(expected);
  });

  it.each<[TaxCodeSubject, string]>([
    [
      { surname: 'Rossi', givenName: 'Mario', sex: 'M', birthDate: '1985-12-10', birthPlaceCode: 'A562' },
      'RSSMRA85T10A562S',
    ],
    [
      { surname: 'Moretti', givenName: 'Matteo', sex: 'M', birthDate: '1925-04-09', birthPlaceCode: 'F205' },
      'MRTMTT25D09F205Z',
    ],
    [
      { surname: 'Verdi', givenName: 'Giuseppe', sex: 'M', birthDate: '1813-10-10', birthPlaceCode: 'B293' },
      'VRDGPP13R10B293P',
    ],
  ])('REG-2 tax code of %o is %s', (subject, expected) => {
    expect(buildTaxCode(subject)).toBe(expected);
  });

  it('REG-1 a tax code has 16 characters, the 12th-15th being the birth place (here a Z-code)', () => {
    const code = buildTaxCode({
      surname: 'Popescu',
      givenName: 'Ioana',
      sex: 'F',
      birthDate: '1990-03-15',
      birthPlaceCode: 'z129',
    });
    expect(code).toHaveLength(16);
    expect(code.slice(0, 15)).toBe('PPSNIO90C55Z129');
    expect(code[15]).toBe(taxCodeCheckCharacter(code.slice(0, 15)));
  });

  it('REG-2 names are folded to A-Z before encoding', () => {
    expect(normalizeNameForTaxCode("Dell'Orto-Viganò  è")).toBe('DELLORTOVIGANOE');
  });

  it.each([
    ['1985-13-10', 'A562'],
    ['85-12-10', 'A562'],
    ['1985-12-10', 'A56'],
    ['1985-12-10', '1562'],
  ])('REG-2 refuses to build a code from birth date %s and place %s', (birthDate, birthPlaceCode) => {
    expect(() =>
      buildTaxCode({ surname: 'Rossi', givenName: 'Mario', sex: 'M', birthDate, birthPlaceCode }),
    ).toThrow(RangeError);
  });

  it('REG-2 the check character needs exactly 15 valid characters', () => {
    expect(() => taxCodeCheckCharacter('RSSMRA85T10A56')).toThrow(RangeError);
    expect(() => taxCodeCheckCharacter('RSSMRA85T10A56-')).toThrow(RangeError);
  });
});
