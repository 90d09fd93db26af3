import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { format } from '../../platform/i18n.ts';
import type { BelfioreCode } from '../reference/service.ts';
import { luhnCheckDigit } from '../population/generator.ts';
import { registryProblems, TAX_CODE_WARNINGS } from './errors.ts';
import {
  belfioreLookup,
  validateHealthCardNumber,
  validateIdentifier,
  validateTaxCode,
  type HealthCardVerdict,
  type IdentifierVerdict,
  type KnownSubject,
  type Refusal,
  type RegistryRefusalCode,
  type TaxCodeOptions,
  type TaxCodeVerdict,
  type TaxCodeWarningCode,
  type ValidTaxCode,
} from './identifiers.ts';
import { taxCodeCheckCharacter, type TaxCodeSubject } from './tax-code.ts';

// A few real entries of the committed Belfiore list: current municipalities, abolished ones, a municipality
// created in 1928, current and former countries.
const PLACE_CODES = new Set(['H501', 'F205', 'A562', 'A475', 'A012', 'A002', 'A005', 'Z404', 'Z129', 'Z118']);
type BelfioreFileRow = [string, string, string | null, string | null, string | null, boolean];
const belfioreFile = JSON.parse(
  readFileSync(new URL('../../../reference/belfiore-codes.json', import.meta.url), 'utf8'),
) as { rows: BelfioreFileRow[] };
const PLACES: BelfioreCode[] = belfioreFile.rows
  .filter(([code]) => PLACE_CODES.has(code))
  .map(([code, name, provinceOrCountry, validFrom, validTo, foreign]) => ({
    code,
    name,
    provinceOrCountry,
    validFrom,
    validTo,
    foreign,
  }));
const lookupPlace = belfioreLookup(PLACES);

const REFERENCE_DATE = '2026-01-15';

function check(code: string, options: Partial<TaxCodeOptions> = {}): TaxCodeVerdict {
  return validateTaxCode(code, { lookupPlace, referenceDate: REFERENCE_DATE, ...options });
}

/** A code whose check character is right, so that the rule under test is what decides. */
const withCheck = (first15: string) => first15 + taxCodeCheckCharacter(first15);

function expectValid(verdict: TaxCodeVerdict): ValidTaxCode {
  if (!verdict.valid)
    throw new Error(`expected a valid code, got ${verdict.code} ${JSON.stringify(verdict.params)}`);
  return verdict;
}

/** The refusal of a verdict, once its params are known to fill every placeholder of its messages. */
function refusalOf(
  verdict: TaxCodeVerdict | IdentifierVerdict | HealthCardVerdict,
): Refusal<RegistryRefusalCode> {
  if (verdict.valid) throw new Error(`expected a refusal, got ${JSON.stringify(verdict)}`);
  const problem = registryProblems[verdict.code];
  for (const language of ['it', 'en'] as const) {
    const detail = format(problem.detail[language], verdict.params);
    if (/\{\w+\}/.test(detail)) throw new Error(`${verdict.code} leaves a placeholder unfilled: ${detail}`);
  }
  return verdict;
}

describe('tax code validity (REG-2)', () => {
  it('REG-2 the test places are real entries of reference/belfiore-codes.json', () => {
    expect(PLACES.map((place) => place.code).sort()).toEqual([...PLACE_CODES].sort());
  });

  it.each([
    ['a man born in Rome', 'RSSMRA85T10H501O', '1985-12-10', 'M', 'H501', 'Roma'],
    ['a woman born in Milan (day + 40)', 'BNCNNA90C55F205O', '1990-03-15', 'F', 'F205', 'Milano'],
    ['a man born in San Giuliano Terme', 'RSSMRA85T10A562S', '1985-12-10', 'M', 'A562', 'San Giuliano Terme'],
    ['a woman born in Assisi on the 30th', 'VRDCHR62S70A475G', '1962-11-30', 'F', 'A475', 'Assisi'],
    [
      'a man born in the USA (Z-code)',
      'SMTJHN70L04Z404U',
      '1970-07-04',
      'M',
      'Z404',
      "Stati Uniti d'America",
    ],
    ['a woman born in Romania (Z-code)', 'PPSNIO88E61Z129K', '1988-05-21', 'F', 'Z129', 'Romania'],
    [
      'a man born in Yugoslavia before it ceased (2004)',
      'KVCMRK75P12Z118E',
      '1975-09-12',
      'M',
      'Z118',
      'Repubblica Socialista Federale di Jugoslavia',
    ],
    [
      'a man born in Abetone before its abolition (2017)',
      'NRELGU80E20A012A',
      '1980-05-20',
      'M',
      'A012',
      'Abetone',
    ],
    ['a man born in Abetone on its last day', 'NRELGU16T31A012S', '2016-12-31', 'M', 'A012', 'Abetone'],
    [
      'a woman born in Abbadia Lariana on the day it was created',
      'CNTRSO28C46A005W',
      '1928-03-06',
      'F',
      'A005',
      'Abbadia Lariana',
    ],
  ])('REG-2 accepts the code of %s: %s', (_who, code, birthDate, sex, placeCode, placeName) => {
    const verdict = expectValid(check(code));
    expect(verdict).toMatchObject({
      normalized: code,
      canonical: code,
      omocodia: false,
      birthDate,
      sex,
      placeCode,
      warnings: [],
    });
    expect(verdict.place).toMatchObject({
      code: placeCode,
      name: placeName,
      foreign: placeCode.startsWith('Z'),
    });
  });

  it.each([
    ['lower case', 'rssmra85t10h501o'],
    ['surrounding spaces', '  RSSMRA85T10H501O \n'],
    ['internal spaces', 'RSS MRA 85T10 H501 O'],
    ['tabs and mixed case', 'rss\tMra85T10h501\to'],
  ])('REG-2 normalises %s before checking', (_how, input) => {
    expect(expectValid(check(input)).normalized).toBe('RSSMRA85T10H501O');
  });

  it.each([
    ['15 characters', 'RSSMRA85T10H501', 15],
    ['17 characters', 'RSSMRA85T10H501OX', 17],
    ['nothing', '   ', 0],
  ])('REG-2 refuses a code of %s with TAX_CODE_LENGTH', (_what, input, length) => {
    const verdict = check(input);
    expect(refusalOf(verdict).code).toBe('TAX_CODE_LENGTH');
    expect(verdict).toMatchObject({ params: { length } });
  });

  it.each([
    ['a hyphen', 'RSSMRA85T10H50-O', 15, '-'],
    ['an accented letter', 'RSSMRÀ85T10H501O', 6, 'À'],
    ['a digit in the surname', 'R5SMRA85T10H501O', 2, '5'],
    ['a digit in the month place', withCheck('RSSMRA85110H501'), 9, '1'],
    ['a digit as the first place character', withCheck('RSSMRA85T109501'), 12, '9'],
    ['a digit as the check character', 'RSSMRA85T10H5010', 16, '0'],
  ])('REG-2 refuses %s with TAX_CODE_CHARACTERS', (_what, input, position, character) => {
    const verdict = check(input);
    expect(refusalOf(verdict).code).toBe('TAX_CODE_CHARACTERS');
    expect(verdict).toMatchObject({ params: { position, character } });
  });

  it.each([
    ['A in the year (position 7)', withCheck('RSSMRAA5T10H501'), 7, 'A'],
    ['O for zero in the day (position 11)', withCheck('RSSMRA85T1OH501'), 11, 'O'],
    ['W in the place (position 15)', withCheck('RSSMRA85T10H50W'), 15, 'W'],
    ['K in the place (position 13)', withCheck('RSSMRA85T10HK01'), 13, 'K'],
  ])(
    'REG-2 refuses %s with TAX_CODE_OMOCODIA (only L M N P Q R S T U V stand for digits)',
    (_what, input, position, character) => {
      const verdict = check(input);
      expect(refusalOf(verdict).code).toBe('TAX_CODE_OMOCODIA');
      expect(verdict).toMatchObject({ params: { position, character } });
    },
  );

  it.each([
    ['a wrong last letter', 'RSSMRA85T10H501X'],
    ['two digits swapped', 'RSSMRA58T10H501O'],
    ['one letter changed', 'RSSMRB85T10H501O'],
    ['an omocodic code carrying the check character of its canonical form', 'RSSMRA85T10H50MO'],
  ])('REG-2 refuses %s with TAX_CODE_CHECK_CHARACTER', (_what, input) => {
    expect(refusalOf(check(input)).code).toBe('TAX_CODE_CHECK_CHARACTER');
  });

  it.each([...'FGIJKNOQUVWXYZ'])('REG-2 refuses the month letter %s with TAX_CODE_MONTH', (letter) => {
    const verdict = check(withCheck(`RSSMRA85${letter}10H501`));
    expect(refusalOf(verdict).code).toBe('TAX_CODE_MONTH');
    expect(verdict).toMatchObject({ params: { character: letter } });
  });

  it.each([
    ['day 00', 'RSSMRA85A00H501'],
    ['day 32', 'RSSMRA85A32H501'],
    ['day 40 (neither a man’s nor a woman’s day)', 'RSSMRA85A40H501'],
    ['day 72 (a woman’s 32nd)', 'RSSMRA85A72H501'],
    ['day 99', 'RSSMRA85A99H501'],
    ['31 April', 'RSSMRA85D31H501'],
    ['31 April for a woman (71)', 'BNCNNA85D71F205'],
    ['30 February', 'RSSMRA85B30H501'],
    ['29 February 1999 (and 1899)', 'RSSMRA99B29H501'],
    ['29 February 2023 (and 1923)', 'RSSMRA23B29H501'],
    ['an omocodic 31 April', 'RSSMRA85D3MH501'],
  ])('REG-2 refuses %s with TAX_CODE_BIRTH_DATE', (_what, first15) => {
    expect(refusalOf(check(withCheck(first15))).code).toBe('TAX_CODE_BIRTH_DATE');
  });

  it.each(Array.from({ length: 31 }, (_, i) => 41 + i))(
    'REG-2 reads day %i as a woman born on day - 40',
    (encodedDay) => {
      const verdict = expectValid(check(withCheck(`BNCNNA90A${encodedDay}F205`)));
      expect(verdict).toMatchObject({
        sex: 'F',
        birthDate: `1990-01-${String(encodedDay - 40).padStart(2, '0')}`,
      });
    },
  );

  it.each(Array.from({ length: 31 }, (_, i) => String(1 + i).padStart(2, '0')))(
    'REG-2 reads day %s as a man born that day',
    (day) => {
      expect(expectValid(check(withCheck(`RSSMRA90A${day}H501`)))).toMatchObject({
        sex: 'M',
        birthDate: `1990-01-${day}`,
      });
    },
  );

  it.each([
    ['2000 is a leap year', 'RSSMRA00B29H501', '2026-01-15', '2000-02-29'],
    ['2024 is a leap year', 'RSSMRA24B29H501', '2026-01-15', '2024-02-29'],
    ['1996 is a leap year, for a woman too', 'BNCNNA96B69F205', '2026-01-15', '1996-02-29'],
    [
      'seen from 2100, which is not a leap year, year 00 is 2000',
      'RSSMRA00B29H501',
      '2100-03-01',
      '2000-02-29',
    ],
  ])('REG-2 accepts 29 February: %s', (_why, first15, referenceDate, birthDate) => {
    expect(expectValid(check(withCheck(first15), { referenceDate })).birthDate).toBe(birthDate);
  });

  it('REG-2 refuses 29 February of year 00 seen from 1999: neither 1900 nor 1800 is a leap year', () => {
    expect(refusalOf(check(withCheck('RSSMRA00B29H501'), { referenceDate: '1999-12-31' })).code).toBe(
      'TAX_CODE_BIRTH_DATE',
    );
  });

  it.each([
    ['Z999', 'RSSMRA85T10Z999'],
    ['A000', 'RSSMRA85T10A000'],
    ['Z999 written with omocodia', 'RSSMRA85T10Z9VV'],
  ])(
    'REG-2 refuses the birth place %s, which never existed, with TAX_CODE_PLACE_UNKNOWN',
    (_what, first15) => {
      const verdict = check(withCheck(first15));
      expect(refusalOf(verdict).code).toBe('TAX_CODE_PLACE_UNKNOWN');
      expect(verdict).toMatchObject({
        params: { placeCode: first15.startsWith('RSSMRA85T10Z') ? 'Z999' : 'A000' },
      });
    },
  );

  it.each<[string, string, KnownSubject | undefined, Record<string, string>]>([
    [
      'Abetone on the day of its abolition (2017-01-01; in 1917 it did not exist yet)',
      'NRELGU17A01A012D',
      undefined,
      {
        placeCode: 'A012',
        placeName: 'Abetone',
        birthDate: '2017-01-01',
        validFrom: '1936-07-26',
        validTo: '2017-01-01',
      },
    ],
    [
      'Abbadia Lariana the day before it was created',
      'CNTRSO28C45A005U',
      undefined,
      { placeCode: 'A005', birthDate: '1928-03-05', validFrom: '1928-03-06', validTo: '…' },
    ],
    [
      'Yugoslavia for a person known to be born in 2005, after it ceased',
      'KVCMRK05A01Z118G',
      { birthDate: '2005-01-01' },
      { placeCode: 'Z118', birthDate: '2005-01-01', validFrom: '…', validTo: '2004-01-01' },
    ],
  ])('REG-2 refuses %s with TAX_CODE_PLACE_NOT_VALID_ON_BIRTH_DATE', (_what, code, subject, params) => {
    const verdict = check(code, subject ? { subject } : {});
    expect(refusalOf(verdict).code).toBe('TAX_CODE_PLACE_NOT_VALID_ON_BIRTH_DATE');
    expect(verdict).toMatchObject({ params });
  });

  it.each([
    [
      'a year after the reference date is the previous century (26C10 seen on 2026-01-15)',
      'RSSMRA26C10H501',
      '1926-03-10',
    ],
    ['a birth on the reference date itself is this century', 'RSSMRA26A15H501', '2026-01-15'],
    ['the day after the reference date is the previous century', 'RSSMRA26A16H501', '1926-01-16'],
    ['otherwise the most recent century', 'RSSMRA25D09F205', '2025-04-09'],
    ['Abbadia Sopra Adda was abolished in 1928, so its year 20 is 1920', 'GLLPTR20H01A002', '1920-06-01'],
    ['Yugoslavia ceased in 2004, so its year 05 is 1905', 'KVCMRK05A01Z118', '1905-01-01'],
  ])('REG-2 century: %s', (_rule, first15, birthDate) => {
    expect(expectValid(check(withCheck(first15))).birthDate).toBe(birthDate);
  });

  it('REG-2 century: a known birth date with the same year digits, month and day decides it, without a warning', () => {
    const verdict = expectValid(
      check(withCheck('RSSMRA25D09F205'), { subject: { birthDate: '1925-04-09' } }),
    );
    expect(verdict).toMatchObject({ birthDate: '1925-04-09', warnings: [] });
  });

  it('REG-2 the reference date is required in YYYY-MM-DD form (the function never reads the clock)', () => {
    expect(() => check('RSSMRA85T10H501O', { referenceDate: '15/01/2026' })).toThrow(RangeError);
  });
});

describe('omocodia (REG-2)', () => {
  const CANONICAL = 'RSSMRA85T10H501O';
  const DIGIT_POSITIONS = [7, 8, 10, 11, 13, 14, 15];
  const LETTER_FOR_DIGIT = 'LMNPQRSTUV';
  const patterns = Array.from({ length: 127 }, (_, index) => {
    const mask = index + 1;
    const characters = [...CANONICAL.slice(0, 15)];
    const substituted: number[] = [];
    DIGIT_POSITIONS.forEach((position, bit) => {
      if (mask & (1 << bit)) {
        characters[position - 1] = LETTER_FOR_DIGIT[Number(characters[position - 1])]!;
        substituted.push(position);
      }
    });
    return [substituted.join(','), withCheck(characters.join(''))] as const;
  });

  it('REG-2 the 127 patterns are all the non-empty subsets of the seven digit positions, each a different code', () => {
    expect(new Set(patterns.map(([, code]) => code)).size).toBe(127);
  });

  it.each(patterns)(
    'REG-2 omocodia at positions %s (%s) is accepted and reads as the canonical code',
    (_positions, code) => {
      const verdict = expectValid(check(code));
      expect(verdict).toMatchObject({
        normalized: code,
        canonical: CANONICAL,
        omocodia: true,
        birthDate: '1985-12-10',
        sex: 'M',
        placeCode: 'H501',
      });
    },
  );

  it('REG-2 an omocodic code compares its name parts and restored place with the known data: no warning', () => {
    const verdict = expectValid(
      check(withCheck('RSSMRA85T10H5LM'), {
        subject: {
          surname: 'Rossi',
          givenName: 'Mario',
          sex: 'M',
          birthDate: '1985-12-10',
          birthPlaceCode: 'H501',
        },
      }),
    );
    expect(verdict).toMatchObject({ canonical: CANONICAL, placeCode: 'H501', warnings: [] });
  });
});

describe('consistency with the known data (REG-2)', () => {
  const CODE = 'RSSMRA85T10H501O';
  const PERSON: TaxCodeSubject = {
    surname: 'Rossi',
    givenName: 'Mario',
    sex: 'M',
    birthDate: '1985-12-10',
    birthPlaceCode: 'H501',
  };

  it('REG-2 known data matching the code gives no warning (accents and case folded)', () => {
    const verdict = expectValid(
      check(CODE, { subject: { ...PERSON, surname: 'Rossì', givenName: 'mario', birthPlaceCode: 'h501' } }),
    );
    expect(verdict.warnings).toEqual([]);
  });

  it('REG-2 only what the code encodes is compared: Russo and Rossi both give RSS', () => {
    expect(expectValid(check(CODE, { subject: { ...PERSON, surname: 'Russo' } })).warnings).toEqual([]);
  });

  it.each<[keyof TaxCodeSubject, string, TaxCodeWarningCode, string, string]>([
    ['surname', 'Bianchi', 'TAX_CODE_MISMATCH_SURNAME', 'BNC', 'RSS'],
    ['givenName', 'Marco', 'TAX_CODE_MISMATCH_GIVEN_NAME', 'MRC', 'MRA'],
    ['sex', 'F', 'TAX_CODE_MISMATCH_SEX', 'F', 'M'],
    ['birthDate', '1985-12-11', 'TAX_CODE_MISMATCH_BIRTH_DATE', '1985-12-11', '1985-12-10'],
    ['birthDate', '1986-12-10', 'TAX_CODE_MISMATCH_BIRTH_DATE', '1986-12-10', '1985-12-10'],
    ['birthPlaceCode', 'F205', 'TAX_CODE_MISMATCH_BIRTH_PLACE', 'F205', 'H501'],
  ])('REG-2 a different %s (%s) is the warning %s, not a refusal', (field, value, code, expected, actual) => {
    const verdict = expectValid(check(CODE, { subject: { ...PERSON, [field]: value } }));
    expect(verdict.warnings).toEqual([{ code, field, expected, actual }]);
    for (const language of ['it', 'en'] as const) {
      const message = format(TAX_CODE_WARNINGS[code][language], { expected, actual });
      expect(message).not.toMatch(/\{\w+\}/);
      expect(message).toContain(expected);
      expect(message).toContain(actual);
    }
  });

  it('REG-2 a known birth date a century apart agrees with the code, which holds two year digits only', () => {
    const verdict = expectValid(check(CODE, { subject: { ...PERSON, birthDate: '1885-12-10' } }));
    expect(verdict).toMatchObject({ birthDate: '1885-12-10', warnings: [] });
  });

  it('REG-2 every differing part is its own warning', () => {
    const verdict = expectValid(
      check(CODE, {
        subject: {
          surname: 'Bianchi',
          givenName: 'Anna',
          sex: 'F',
          birthDate: '1990-03-15',
          birthPlaceCode: 'F205',
        },
      }),
    );
    expect(verdict.warnings.map((w) => w.field)).toEqual([
      'surname',
      'givenName',
      'sex',
      'birthDate',
      'birthPlaceCode',
    ]);
  });

  it('REG-2 unknown parts (missing, null or blank) are not compared', () => {
    const verdict = expectValid(
      check(CODE, {
        subject: { surname: '  ', givenName: null, sex: undefined, birthDate: null, birthPlaceCode: '' },
      }),
    );
    expect(verdict.warnings).toEqual([]);
  });
});

describe('other identifier types (REG-1)', () => {
  it('REG-1 a CF is checked by the tax-code rules', () => {
    const options = { lookupPlace, referenceDate: REFERENCE_DATE };
    expect(validateIdentifier('CF', 'rssmra85t10h501o', options)).toEqual(check('RSSMRA85T10H501O'));
    expect(refusalOf(validateIdentifier('CF', 'RSSMRA85T10H501X', options)).code).toBe(
      'TAX_CODE_CHECK_CHARACTER',
    );
  });

  it.each([
    ['06363391001', '06363391001'],
    ['12345678903', '12345678903'],
    [' 063 633 910 01 ', '06363391001'],
  ])('REG-1 CF_TEMP %s has a right partita-IVA check digit', (value, normalized) => {
    expect(validateIdentifier('CF_TEMP', value)).toEqual({ valid: true, normalized });
  });

  it.each(['06363391002', '12345678901', '16363391001', '06363391010'])(
    'REG-1 CF_TEMP %s is refused with IDENTIFIER_CF_TEMP_CHECK_DIGIT',
    (value) => {
      expect(refusalOf(validateIdentifier('CF_TEMP', value)).code).toBe('IDENTIFIER_CF_TEMP_CHECK_DIGIT');
    },
  );

  it('REG-1 CF_TEMP: of the ten possible last digits exactly one is accepted', () => {
    const accepted = [...'0123456789'].filter(
      (digit) => validateIdentifier('CF_TEMP', `9876543210${digit}`).valid,
    );
    expect(accepted).toEqual([String(luhnCheckDigit('9876543210'))]);
  });

  it.each([
    ['10 digits', '0636339100', 10],
    ['12 digits', '063633910011', 12],
    ['a letter', '0636339100A', 11],
    ['a tax code', 'RSSMRA85T10H501O', 16],
  ])('REG-1 CF_TEMP of %s is refused with IDENTIFIER_CF_TEMP_FORMAT', (_what, value, length) => {
    const verdict = validateIdentifier('CF_TEMP', value);
    expect(refusalOf(verdict).code).toBe('IDENTIFIER_CF_TEMP_FORMAT');
    expect(verdict).toMatchObject({ params: { length } });
  });

  it.each([
    ['STP', 'STP0300010000001', 'STP0300010000001'],
    ['STP', 'stp 030 001 0000001', 'STP0300010000001'],
    ['ENI', 'ENI1200980001234', 'ENI1200980001234'],
    ['ENI', ' eni1200980001234', 'ENI1200980001234'],
  ] as const)(
    'REG-1 %s code %s (prefix + 3 region + 3 health authority + 7 progressive digits) is accepted',
    (type, value, normalized) => {
      expect(validateIdentifier(type, value)).toEqual({ valid: true, normalized });
    },
  );

  it.each([
    ['STP', '12 digits', 'STP030001000001', 'IDENTIFIER_STP_FORMAT'],
    ['STP', '14 digits', 'STP03000100000011', 'IDENTIFIER_STP_FORMAT'],
    ['STP', 'a letter among the digits', 'STP03000100000A1', 'IDENTIFIER_STP_FORMAT'],
    ['STP', 'the ENI prefix', 'ENI0300010000001', 'IDENTIFIER_STP_FORMAT'],
    ['ENI', 'the STP prefix', 'STP1200980001234', 'IDENTIFIER_ENI_FORMAT'],
    ['ENI', 'no prefix', '1200980001234', 'IDENTIFIER_ENI_FORMAT'],
    ['ENI', 'a hyphen', 'ENI-120-098-0001234', 'IDENTIFIER_ENI_FORMAT'],
  ] as const)('REG-1 %s with %s is refused', (type, _what, value, code) => {
    expect(refusalOf(validateIdentifier(type, value)).code).toBe(code);
  });

  it.each([
    ['ORD7', 'AB12CD34'],
    ['ORD7', 'ord7 2021 000 123'],
    ['ORD7', 'A1B2C3D4E5F6G7H8I9J0'],
    ['TS_FOREIGN', 'TSF0000000001'],
    ['TS_FOREIGN', '12345678'],
  ] as const)('REG-1 %s (format not public, assumed 8-20 letters and digits) accepts %s', (type, value) => {
    expect(validateIdentifier(type, value)).toEqual({
      valid: true,
      normalized: value.replace(/\s/g, '').toUpperCase(),
    });
  });

  it.each([
    ['ORD7', '7 characters', 'AB12CD3', 'IDENTIFIER_ORD7_FORMAT'],
    ['ORD7', '21 characters', 'A1B2C3D4E5F6G7H8I9J0K', 'IDENTIFIER_ORD7_FORMAT'],
    ['ORD7', 'a slash', 'ORD7/2021/123', 'IDENTIFIER_ORD7_FORMAT'],
    ['TS_FOREIGN', 'a hyphen', 'TSF-0000000001', 'IDENTIFIER_TS_FOREIGN_FORMAT'],
    ['TS_FOREIGN', 'an accented letter', 'TSFÈ000000001', 'IDENTIFIER_TS_FOREIGN_FORMAT'],
    ['TS_FOREIGN', 'nothing', '  ', 'IDENTIFIER_TS_FOREIGN_FORMAT'],
  ] as const)(
    'REG-1 %s (format not public, assumed 8-20 letters and digits) refuses %s',
    (type, _what, value, code) => {
      expect(refusalOf(validateIdentifier(type, value)).code).toBe(code);
    },
  );
});

describe('health-card number (REG-3)', () => {
  it.each([
    ['a number with a right Luhn digit', '80380000000000000017', '80380000000000000017'],
    ['a number written with spaces', '8038 0000 0000 0000 0017', '80380000000000000017'],
    [
      'a number whose last digit fails Luhn (not confirmed as a check digit)',
      '80380000000000000018',
      '80380000000000000018',
    ],
  ])('REG-3 accepts %s', (_what, value, normalized) => {
    expect(validateHealthCardNumber(value)).toEqual({ valid: true, normalized });
  });

  it('REG-3 the Luhn-wrong example really is Luhn-wrong', () => {
    expect(luhnCheckDigit('8038000000000000001')).not.toBe(8);
  });

  it.each([
    ['19 digits', '8038000000000000001', 'HEALTH_CARD_LENGTH', { length: 19 }],
    ['21 digits', '803800000000000000170', 'HEALTH_CARD_LENGTH', { length: 21 }],
    ['nothing', '', 'HEALTH_CARD_LENGTH', { length: 0 }],
    ['a letter', '8038000000000000001A', 'HEALTH_CARD_DIGITS', { position: 20, character: 'A' }],
    ['hyphens', '8038-0000-0000-0000-0017', 'HEALTH_CARD_DIGITS', { position: 5, character: '-' }],
    ['another country’s prefix', '80276000000000000017', 'HEALTH_CARD_PREFIX', { prefix: '80276' }],
    ['a number that is not a health card', '12345678901234567890', 'HEALTH_CARD_PREFIX', { prefix: '12345' }],
  ] as const)('REG-3 refuses %s with %s', (_what, value, code, params) => {
    const verdict = validateHealthCardNumber(value);
    expect(refusalOf(verdict).code).toBe(code);
    expect(verdict).toMatchObject({ params });
  });
});

describe('the registry catalogue (REG-1, REG-2, REG-3)', () => {
  it.each(Object.entries(registryProblems))(
    'REG-2 %s is a 400 refusal with a title and a message in Italian and English',
    (_code, problem) => {
      expect(problem.status).toBe(400);
      for (const text of [problem.title.it, problem.title.en, problem.detail.it, problem.detail.en]) {
        expect(text.length).toBeGreaterThan(10);
      }
      expect(problem.detail.it).not.toBe(problem.detail.en);
    },
  );
});
