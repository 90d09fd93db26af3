import type { SyntheticPerson } from './generator.ts';

/**
 * People as CSV in the form PostgreSQL's `COPY … WITH (FORMAT csv)` reads: an unquoted empty field
 * is NULL, a quoted one ("") an empty string, arrays are array literals, booleans t/f.
 */

/** The persons columns the population fills, in CSV order (migrations/0003_persons.sql). */
export const PERSON_CSV_COLUMNS = [
  'tax_code',
  'health_card_number',
  'surname',
  'given_name',
  'sex',
  'birth_date',
  'birth_place_code',
  'residence_municipality_istat',
  'domicile_municipality_istat',
  'domicile_cap',
  'household_id',
  'phone',
  'email',
  'status',
  'table1_conditions',
  'severe_disability',
] as const;

const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/;

/** One CSV field: null → empty (NULL for COPY); text quoted when it holds a quote, comma, newline or edge blanks. */
export function csvField(value: string | number | boolean | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? 't' : 'f';
  if (value === '') return '""';
  return NEEDS_QUOTES.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

const ARRAY_ELEMENT_SAFE = /^[A-Za-z0-9_.-]+$/;

/** A PostgreSQL text[] literal: {a,b}; elements other than plain words are double-quoted and escaped. */
export function textArrayLiteral(values: readonly string[]): string {
  const elements = values.map((v) =>
    ARRAY_ELEMENT_SAFE.test(v) && v.toUpperCase() !== 'NULL'
      ? v
      : `"${v.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`,
  );
  return `{${elements.join(',')}}`;
}

export function personCsvHeader(): string {
  return `${PERSON_CSV_COLUMNS.join(',')}\n`;
}

/**
 * One person as a CSV line ending in \n, columns as PERSON_CSV_COLUMNS. Codes, dates and numbers are
 * written as they are (their formats have nothing to quote); names and contacts go through csvField.
 */
export function personToCsvLine(p: SyntheticPerson): string {
  return (
    `${p.taxCode},${p.healthCardNumber},${csvField(p.surname)},${csvField(p.givenName)},${p.sex},${p.birthDate},` +
    `${p.birthPlaceCode},${p.residenceMunicipalityIstat},${p.domicileMunicipalityIstat},${p.domicileCap},` +
    `${p.householdId},${csvField(p.phone)},${csvField(p.email)},${p.status},` +
    `${p.table1Conditions.length === 0 ? '{}' : csvField(textArrayLiteral(p.table1Conditions))},${p.severeDisability ? 't' : 'f'}\n`
  );
}

/** Splits one CSV line (no trailing newline) into fields, undoing csvField: null for an unquoted empty field. */
export function parseCsvLine(line: string): (string | null)[] {
  const fields: (string | null)[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        const quote = line.indexOf('"', i);
        if (quote < 0) throw new SyntaxError('unterminated quoted field');
        value += line.slice(i, quote);
        if (line[quote + 1] === '"') {
          value += '"';
          i = quote + 2;
        } else {
          i = quote + 1;
          break;
        }
      }
      fields.push(value);
    } else {
      const comma = line.indexOf(',', i);
      const end = comma < 0 ? line.length : comma;
      const raw = line.slice(i, end);
      fields.push(raw === '' ? null : raw);
      i = end;
    }
    if (i >= line.length) break;
    if (line[i] !== ',') throw new SyntaxError(`expected a comma at ${i}`);
    i++;
    if (i === line.length) {
      fields.push(null);
      break;
    }
  }
  return fields;
}
