/**
 * The identifiers of a person (REG-1), the tax code's validity and consistency (REG-2) and the
 * health-card number (REG-3), as pure functions: no I/O and no clock. The Belfiore list and the
 * reference date come in as arguments, so the same rules run in the API, in the CLI and in tests.
 *
 * A refusal is one code of the registry's catalogue (./errors.ts) with the params its message needs;
 * a mismatch between a valid tax code and the person's known data is a warning the operator confirms.
 */
import type { BelfioreCode } from '../reference/service.ts';
import { HEALTH_CARD_PREFIX, luhnCheckDigit } from '../population/generator.ts';
import type { IdentifierType } from './tables.ts';
import {
  encodeGivenName,
  encodeSurname,
  MONTH_LETTERS,
  taxCodeCheckCharacter,
  type Sex,
  type TaxCodeSubject,
} from './tax-code.ts';

export type TaxCodeRefusalCode =
  | 'TAX_CODE_LENGTH'
  | 'TAX_CODE_CHARACTERS'
  | 'TAX_CODE_OMOCODIA'
  | 'TAX_CODE_CHECK_CHARACTER'
  | 'TAX_CODE_MONTH'
  | 'TAX_CODE_BIRTH_DATE'
  | 'TAX_CODE_PLACE_UNKNOWN'
  | 'TAX_CODE_PLACE_NOT_VALID_ON_BIRTH_DATE';

export type IdentifierRefusalCode =
  | 'IDENTIFIER_CF_TEMP_FORMAT'
  | 'IDENTIFIER_CF_TEMP_CHECK_DIGIT'
  | 'IDENTIFIER_STP_FORMAT'
  | 'IDENTIFIER_ENI_FORMAT'
  | 'IDENTIFIER_ORD7_FORMAT'
  | 'IDENTIFIER_TS_FOREIGN_FORMAT';

export type HealthCardRefusalCode = 'HEALTH_CARD_LENGTH' | 'HEALTH_CARD_DIGITS' | 'HEALTH_CARD_PREFIX';

export type RegistryRefusalCode = TaxCodeRefusalCode | IdentifierRefusalCode | HealthCardRefusalCode;

export type TaxCodeWarningCode =
  | 'TAX_CODE_MISMATCH_SURNAME'
  | 'TAX_CODE_MISMATCH_GIVEN_NAME'
  | 'TAX_CODE_MISMATCH_SEX'
  | 'TAX_CODE_MISMATCH_BIRTH_DATE'
  | 'TAX_CODE_MISMATCH_BIRTH_PLACE';

export type RefusalParams = Record<string, string | number>;

export interface Refusal<Code extends RegistryRefusalCode> {
  valid: false;
  code: Code;
  /** Fill the `{placeholders}` of the code's message. */
  params: RefusalParams;
}

/** All the Belfiore entries ever recorded under a code: none means the code never existed. */
export type BelfioreLookup = (code: string) => readonly BelfioreCode[];

/** What is known of the person besides the code; blank or missing parts are not compared. */
export type KnownSubject = { [Part in keyof TaxCodeSubject]?: TaxCodeSubject[Part] | null };

export interface TaxCodeOptions {
  lookupPlace: BelfioreLookup;
  /** 'YYYY-MM-DD': the day the code is checked on, to tell the century of the birth year. */
  referenceDate: string;
  subject?: KnownSubject;
}

/** `expected` is what the person's known data encodes to, `actual` what the code holds. */
export interface TaxCodeWarning {
  code: TaxCodeWarningCode;
  field: keyof TaxCodeSubject;
  expected: string;
  actual: string;
}

export interface ValidTaxCode {
  valid: true;
  /** The code as entered, without spaces and in upper case (omocodic if it was). */
  normalized: string;
  /** The code with its omocodia letters turned back into digits, and its own check character. */
  canonical: string;
  omocodia: boolean;
  /** 'YYYY-MM-DD' */
  birthDate: string;
  sex: Sex;
  placeCode: string;
  /** The Belfiore entry valid on the birth date: a municipality (maybe since abolished) or a country. */
  place: BelfioreCode;
  warnings: TaxCodeWarning[];
}

export type TaxCodeVerdict = ValidTaxCode | Refusal<TaxCodeRefusalCode>;

export interface ValidIdentifier {
  valid: true;
  normalized: string;
}

export type IdentifierVerdict = ValidIdentifier | Refusal<IdentifierRefusalCode>;
export type HealthCardVerdict = ValidIdentifier | Refusal<HealthCardRefusalCode>;

/** Identifiers are typed or read aloud with spaces and in any case; none of them contains a space. */
export function normalizeIdentifier(value: string): string {
  return value.replace(/\s+/g, '').toUpperCase();
}

export function belfioreLookup(entries: Iterable<BelfioreCode>): BelfioreLookup {
  const byCode = new Map<string, BelfioreCode[]>();
  for (const entry of entries) {
    const list = byCode.get(entry.code);
    if (list) list.push(entry);
    else byCode.set(entry.code, [entry]);
  }
  return (code) => byCode.get(code) ?? [];
}

/** `validTo` is exclusive: the day the code stopped being used. */
function belfioreValidOnDate(entry: BelfioreCode, date: string): boolean {
  return (
    (entry.validFrom === null || entry.validFrom <= date) && (entry.validTo === null || date < entry.validTo)
  );
}

// ---------------------------------------------------------------------------------------------------
// REG-2: the tax code.

/** 0-based indices of the letters: surname, given name, month, first character of the place, check. */
const LETTER_INDICES = new Set([0, 1, 2, 3, 4, 5, 8, 11, 15]);
/** 0-based indices of the seven digits (positions 7, 8, 10, 11, 13, 14, 15 counting from 1). */
const DIGIT_INDICES = [6, 7, 9, 10, 12, 13, 14];
/** Omocodia: a digit d replaced by OMOCODIA_LETTERS[d], when two people would get the same code. */
const OMOCODIA_LETTERS = 'LMNPQRSTUV';
/** Women's birth day is encoded plus 40. */
const WOMEN_DAY_OFFSET = 40;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

const MISMATCH_CODES: Record<keyof TaxCodeSubject, TaxCodeWarningCode> = {
  surname: 'TAX_CODE_MISMATCH_SURNAME',
  givenName: 'TAX_CODE_MISMATCH_GIVEN_NAME',
  sex: 'TAX_CODE_MISMATCH_SEX',
  birthDate: 'TAX_CODE_MISMATCH_BIRTH_DATE',
  birthPlaceCode: 'TAX_CODE_MISMATCH_BIRTH_PLACE',
};

const refuse = <Code extends RegistryRefusalCode>(code: Code, params: RefusalParams = {}): Refusal<Code> => ({
  valid: false,
  code,
  params,
});

/**
 * REG-2: a tax code is accepted when it has the 16-character shape, its omocodia letters are well
 * formed (any of the 127 substitution patterns of the seven digits), its check character is right
 * (computed on the code as written, omocodic or not), its month letter and birth day make a real date,
 * and its place code is a municipality or a foreign country (Z-code) valid on that date.
 *
 * The birth year has two digits, so the century is chosen: (1) if the person's birth date is known and
 * has the same year digits, month and day, its century; otherwise (2) the two most recent years ending
 * in those digits that do not put the birth after `referenceDate` are candidates, those making a real
 * date are kept (29 February of year 00 is real in 2000, not in 1900 or 2100), and the most recent one
 * in which the place code was valid wins, or failing that the most recent one (which the place check
 * then refuses). Two centuries cover every living person, and let the code of a place abolished long
 * ago (e.g. in 1928) date its holder to the earlier century rather than refuse it.
 *
 * Known parts of the person that differ from what the code encodes come back as warnings.
 */
export function validateTaxCode(input: string, options: TaxCodeOptions): TaxCodeVerdict {
  if (!ISO_DATE.test(options.referenceDate)) {
    throw new RangeError(`referenceDate must be YYYY-MM-DD, got "${options.referenceDate}"`);
  }
  const normalized = normalizeIdentifier(input);
  if (normalized.length !== 16) return refuse('TAX_CODE_LENGTH', { length: normalized.length });

  for (let i = 0; i < 16; i++) {
    const character = normalized[i]!;
    const shape = LETTER_INDICES.has(i) ? /[A-Z]/ : /[A-Z0-9]/;
    if (!shape.test(character)) return refuse('TAX_CODE_CHARACTERS', { position: i + 1, character });
  }
  for (const i of DIGIT_INDICES) {
    const character = normalized[i]!;
    if (!/\d/.test(character) && !OMOCODIA_LETTERS.includes(character)) {
      return refuse('TAX_CODE_OMOCODIA', { position: i + 1, character });
    }
  }
  if (taxCodeCheckCharacter(normalized.slice(0, 15)) !== normalized[15]) {
    return refuse('TAX_CODE_CHECK_CHARACTER', { character: normalized[15]! });
  }

  const digits = [...normalized.slice(0, 15)];
  for (const i of DIGIT_INDICES) {
    const letter = OMOCODIA_LETTERS.indexOf(digits[i]!);
    if (letter >= 0) digits[i] = String(letter);
  }
  const canonical15 = digits.join('');
  const canonical = canonical15 + taxCodeCheckCharacter(canonical15);

  const monthLetter = canonical[8]!;
  const month = MONTH_LETTERS.indexOf(monthLetter) + 1;
  if (month === 0) return refuse('TAX_CODE_MONTH', { character: monthLetter });

  const encodedDay = Number(canonical.slice(9, 11));
  const sex: Sex = encodedDay > WOMEN_DAY_OFFSET ? 'F' : 'M';
  const day = sex === 'F' ? encodedDay - WOMEN_DAY_OFFSET : encodedDay;
  const yearDigits = Number(canonical.slice(6, 8));
  const candidates = birthDateCandidates(
    yearDigits,
    month,
    day,
    options.referenceDate,
    options.subject?.birthDate,
  );
  const [mostRecent] = candidates;
  if (mostRecent === undefined) return refuse('TAX_CODE_BIRTH_DATE', { datePart: canonical.slice(6, 11) });

  const placeCode = canonical.slice(11, 15);
  const entries = options.lookupPlace(placeCode);
  if (entries.length === 0) return refuse('TAX_CODE_PLACE_UNKNOWN', { placeCode });
  let found: { birthDate: string; place: BelfioreCode } | undefined;
  for (const birthDate of candidates) {
    const place = entries.find((entry) => belfioreValidOnDate(entry, birthDate));
    if (place) {
      found = { birthDate, place };
      break;
    }
  }
  if (!found) {
    const entry = entries[0]!;
    return refuse('TAX_CODE_PLACE_NOT_VALID_ON_BIRTH_DATE', {
      placeCode,
      placeName: entry.name,
      birthDate: mostRecent,
      validFrom: entry.validFrom ?? '…',
      validTo: entry.validTo ?? '…',
    });
  }

  const decoded: TaxCodeSubject = {
    surname: canonical.slice(0, 3),
    givenName: canonical.slice(3, 6),
    sex,
    birthDate: found.birthDate,
    birthPlaceCode: placeCode,
  };
  return {
    valid: true,
    normalized,
    canonical,
    omocodia: normalized !== canonical,
    birthDate: found.birthDate,
    sex,
    placeCode,
    place: found.place,
    warnings: options.subject ? mismatches(options.subject, decoded) : [],
  };
}

/** Real birth dates the code can stand for, the preferred first (see validateTaxCode). */
function birthDateCandidates(
  yearDigits: number,
  month: number,
  day: number,
  referenceDate: string,
  knownBirthDate: string | null | undefined,
): string[] {
  const monthDay = `${pad(month, 2)}-${pad(day, 2)}`;
  const known = knownBirthDate ? ISO_DATE.exec(knownBirthDate) : null;
  if (known && Number(known[1]) % 100 === yearDigits && `${known[2]}-${known[3]}` === monthDay) {
    if (isRealDate(Number(known[1]), month, day)) return [known[0]];
  }
  const referenceYear = Number(referenceDate.slice(0, 4));
  let year = referenceYear - ((((referenceYear - yearDigits) % 100) + 100) % 100);
  if (`${pad(year, 4)}-${monthDay}` > referenceDate) year -= 100;
  return [year, year - 100].filter((y) => isRealDate(y, month, day)).map((y) => `${pad(y, 4)}-${monthDay}`);
}

function isRealDate(year: number, month: number, day: number): boolean {
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
  return day >= 1 && day <= days;
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

/** Omocodia only changes digits, so the name parts of the code compare as they are. */
function mismatches(subject: KnownSubject, decoded: TaxCodeSubject): TaxCodeWarning[] {
  const expected: Partial<Record<keyof TaxCodeSubject, string>> = {};
  if (subject.surname?.trim()) expected.surname = encodeSurname(subject.surname);
  if (subject.givenName?.trim()) expected.givenName = encodeGivenName(subject.givenName);
  if (subject.sex) expected.sex = subject.sex;
  if (subject.birthDate) expected.birthDate = subject.birthDate;
  if (subject.birthPlaceCode?.trim()) expected.birthPlaceCode = normalizeIdentifier(subject.birthPlaceCode);
  const warnings: TaxCodeWarning[] = [];
  for (const field of Object.keys(MISMATCH_CODES) as (keyof TaxCodeSubject)[]) {
    const value = expected[field];
    if (value !== undefined && value !== decoded[field]) {
      warnings.push({ code: MISMATCH_CODES[field], field, expected: value, actual: decoded[field] });
    }
  }
  return warnings;
}

// ---------------------------------------------------------------------------------------------------
// REG-1: the other identifier types.

/**
 * STP (foreigner without residence permit) and ENI (EU citizen without health cover): the prefix,
 * then 13 digits: ISTAT region code (3), local health authority code (3), progressive number (7).
 *
 * ORD7 and TS_FOREIGN are issued by the health-card system, which does not publish their format.
 * Assumption: 8 to 20 upper-case letters and digits; anything else is refused as a copying mistake.
 */
const FORMATS: Record<
  Exclude<IdentifierType, 'CF' | 'CF_TEMP'>,
  { pattern: RegExp; code: IdentifierRefusalCode }
> = {
  STP: { pattern: /^STP\d{13}$/, code: 'IDENTIFIER_STP_FORMAT' },
  ENI: { pattern: /^ENI\d{13}$/, code: 'IDENTIFIER_ENI_FORMAT' },
  ORD7: { pattern: /^[A-Z0-9]{8,20}$/, code: 'IDENTIFIER_ORD7_FORMAT' },
  TS_FOREIGN: { pattern: /^[A-Z0-9]{8,20}$/, code: 'IDENTIFIER_TS_FOREIGN_FORMAT' },
};

/**
 * REG-1: an identifier of the given type. A CF needs the tax-code options and gets the tax-code verdict;
 * the others are checked on their own.
 */
export function validateIdentifier(type: 'CF', value: string, options: TaxCodeOptions): TaxCodeVerdict;
export function validateIdentifier(type: Exclude<IdentifierType, 'CF'>, value: string): IdentifierVerdict;
export function validateIdentifier(
  type: IdentifierType,
  value: string,
  options: TaxCodeOptions,
): TaxCodeVerdict | IdentifierVerdict;
export function validateIdentifier(
  type: IdentifierType,
  value: string,
  options?: TaxCodeOptions,
): TaxCodeVerdict | IdentifierVerdict {
  if (type === 'CF') {
    if (!options) throw new TypeError('a CF is validated with the Belfiore lookup and the reference date');
    return validateTaxCode(value, options);
  }
  const normalized = normalizeIdentifier(value);
  if (type === 'CF_TEMP') return validateTemporaryTaxCode(normalized);
  const { pattern, code } = FORMATS[type];
  return pattern.test(normalized) ? { valid: true, normalized } : refuse(code, { length: normalized.length });
}

/**
 * The temporary tax code has 11 digits and ends with the check digit of a partita IVA: Luhn over the
 * first ten (digits in even positions doubled, minus 9 above 9; the check makes the sum a multiple of 10).
 */
function validateTemporaryTaxCode(normalized: string): IdentifierVerdict {
  if (!/^\d{11}$/.test(normalized)) return refuse('IDENTIFIER_CF_TEMP_FORMAT', { length: normalized.length });
  if (luhnCheckDigit(normalized.slice(0, 10)) !== Number(normalized[10])) {
    return refuse('IDENTIFIER_CF_TEMP_CHECK_DIGIT');
  }
  return { valid: true, normalized };
}

// ---------------------------------------------------------------------------------------------------
// REG-3: the health card.

/**
 * The health-card (TEAM) number: 20 digits starting 80380 (80 health sector, 380 Italy). Its last digit
 * is probably a Luhn digit, but that is not confirmed, so it is not checked: refusing a real card would
 * lock its holder out.
 */
export function validateHealthCardNumber(value: string): HealthCardVerdict {
  const normalized = normalizeIdentifier(value);
  const stray = /\D/.exec(normalized);
  if (stray) return refuse('HEALTH_CARD_DIGITS', { position: stray.index + 1, character: stray[0] });
  if (normalized.length !== 20) return refuse('HEALTH_CARD_LENGTH', { length: normalized.length });
  if (!normalized.startsWith(HEALTH_CARD_PREFIX)) {
    return refuse('HEALTH_CARD_PREFIX', { prefix: normalized.slice(0, HEALTH_CARD_PREFIX.length) });
  }
  return { valid: true, normalized };
}
