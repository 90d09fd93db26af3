/**
 * Building the Italian tax code (codice fiscale, DM 23/12/1976): the 16 characters are surname (3),
 * given name (3), birth year (2), birth month (1 letter), birth day + 40 for women (2), birth place
 * (Belfiore code, 4) and a check character. This file only builds canonical codes (no omocodia); the
 * registry's validation (REG-2) reads omocodic codes too and lives elsewhere.
 */

export type Sex = 'M' | 'F';

export interface TaxCodeSubject {
  surname: string;
  givenName: string;
  sex: Sex;
  /** 'YYYY-MM-DD' */
  birthDate: string;
  /** Belfiore code of the municipality (e.g. A562) or Z-code of the foreign country of birth. */
  birthPlaceCode: string;
}

/** Month letters of the tax code, January first. */
export const MONTH_LETTERS = 'ABCDEHLMPRST';

const VOWELS = new Set(['A', 'E', 'I', 'O', 'U']);

/**
 * Upper-case A-Z only: accents are folded (Niccolò → NICCOLO) and spaces, apostrophes and hyphens
 * dropped (D'Angelo → DANGELO), as the Revenue Agency does.
 */
export function normalizeNameForTaxCode(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toUpperCase()
    .replace(/[^A-Z]/g, '');
}

function splitLetters(name: string): { consonants: string; vowels: string } {
  let consonants = '';
  let vowels = '';
  for (const letter of normalizeNameForTaxCode(name)) {
    if (VOWELS.has(letter)) vowels += letter;
    else consonants += letter;
  }
  return { consonants, vowels };
}

/** Surname part: consonants in order, then vowels, then X, first three. */
export function encodeSurname(surname: string): string {
  const { consonants, vowels } = splitLetters(surname);
  return (consonants + vowels + 'XXX').slice(0, 3);
}

/** Given-name part: like the surname, except that with 4 or more consonants the 1st, 3rd and 4th are taken. */
export function encodeGivenName(givenName: string): string {
  const { consonants, vowels } = splitLetters(givenName);
  if (consonants.length >= 4) return consonants[0]! + consonants[2]! + consonants[3]!;
  return (consonants + vowels + 'XXX').slice(0, 3);
}

/** Birth date and sex part: two-digit year, month letter, day (plus 40 for women), e.g. 85T10 or 85T50. */
export function encodeBirthDateAndSex(birthDate: string, sex: Sex): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(birthDate);
  if (!match) throw new RangeError(`birth date must be YYYY-MM-DD, got "${birthDate}"`);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (month < 1 || month > 12 || day < 1 || day > 31) throw new RangeError(`not a date: "${birthDate}"`);
  const dayPart = sex === 'F' ? day + 40 : day;
  return `${match[1]!.slice(2)}${MONTH_LETTERS[month - 1]!}${String(dayPart).padStart(2, '0')}`;
}

// Values of a character in an odd position (1st, 3rd, …, 15th): digits share the values of A-J.
const ODD_VALUES = [
  1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23,
];

function characterIndex(code: number): number {
  if (code >= 48 && code <= 57) return code - 48; // 0-9 count as A-J
  if (code >= 65 && code <= 90) return code - 65;
  throw new RangeError(`invalid tax-code character "${String.fromCharCode(code)}"`);
}

/** Check character of the first 15 characters: odd positions through the odd table, even ones by index, mod 26. */
export function taxCodeCheckCharacter(first15: string): string {
  if (first15.length !== 15) throw new RangeError(`need the first 15 characters, got ${first15.length}`);
  let sum = 0;
  for (let i = 0; i < 15; i++) {
    const index = characterIndex(first15.charCodeAt(i));
    // i is 0-based: even i is an odd (1-based) position.
    sum += i % 2 === 0 ? ODD_VALUES[index]! : index;
  }
  return String.fromCharCode(65 + (sum % 26));
}

/** The canonical 16-character tax code of a person. */
export function buildTaxCode(subject: TaxCodeSubject): string {
  const place = subject.birthPlaceCode.toUpperCase();
  if (!/^[A-Z]\d{3}$/.test(place))
    throw new RangeError(`birth place must be a Belfiore code, got "${place}"`);
  const first15 =
    encodeSurname(subject.surname) +
    encodeGivenName(subject.givenName) +
    encodeBirthDateAndSex(subject.birthDate, subject.sex) +
    place;
  return first15 + taxCodeCheckCharacter(first15);
}
