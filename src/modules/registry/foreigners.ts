import type { Worksheet } from 'exceljs';
import { readFile } from 'node:fs/promises';
import type { Kysely } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';
import { recordAudit, type ActingContext } from '../../platform/audit/audit.ts';
import { isUniqueViolation } from './repo.ts';

/**
 * REG-9: foreigners waiting for a TS identifier. The health authority sends the health-card system a
 * request file listing them and receives an answer with the same rows and the issued identifier.
 * Columns are those of the regional procedure (seed 004 §2.3), in Italian.
 */
export const REQUEST_COLUMNS = [
  'Nome',
  'Cognome',
  'Data di nascita',
  'Identificativo regionale',
  'Regione',
] as const;
export const ANSWER_IDENTIFIER_COLUMN = 'Identificativo TS';

export type RequestRow = Record<(typeof REQUEST_COLUMNS)[number], string>;

/** gg/mm/aaaa, as the procedure writes dates, from and to the stored YYYY-MM-DD. */
export const toItalianDate = (iso: string): string => iso.split('-').reverse().join('/');
export function fromItalianDate(text: string): string | undefined {
  const match = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(text.trim());
  if (!match) return undefined;
  const [, day = '', month = '', year = ''] = match;
  return `${year}-${month.padStart(2, '0')}-${day.padStart(2, '0')}`;
}

/** Authority codes for `in`: never an empty list (SQL refuses `in ()`); '' is no authority's code. */
const codesOf = (authorities: readonly string[]): string[] => ['', ...authorities];

/** The people still waiting for an identifier, of some health authorities (null, the default: all). */
export async function pendingForeignersRequestRows(
  db: Kysely<DB>,
  regionName: string,
  authorities: readonly string[] | null = null,
): Promise<RequestRow[]> {
  let query = db
    .selectFrom('persons')
    .select(['id', 'given_name', 'surname', 'birth_date'])
    .where('identifier_pending', '=', true);
  if (authorities !== null) query = query.where('health_authority_code', 'in', codesOf(authorities));
  const rows = await query.orderBy('surname').orderBy('given_name').orderBy('id').execute();
  return rows.map((row) => ({
    Nome: row.given_name,
    Cognome: row.surname,
    'Data di nascita': toItalianDate(row.birth_date),
    // The regional id lets the answer come back to the right person without guessing.
    'Identificativo regionale': String(row.id),
    Regione: regionName,
  }));
}

const isXlsx = (path: string): boolean => path.toLowerCase().endsWith('.xlsx');

/** ExcelJS is loaded on first use: the server and every other command start without it. */
async function newWorkbook() {
  const { default: ExcelJS } = await import('exceljs');
  return new ExcelJS.Workbook();
}

/**
 * Writes the table as XLSX or, for any other extension, as CSV separated by semicolons with a BOM
 * (what Italian spreadsheets open correctly). ExcelJS does both.
 */
export async function writeTable(
  path: string,
  columns: readonly string[],
  rows: Record<string, string>[],
): Promise<void> {
  const workbook = await newWorkbook();
  const sheet = workbook.addWorksheet('Richiesta');
  sheet.columns = columns.map((header) => ({ header, key: header, width: Math.max(14, header.length + 2) }));
  for (const row of rows) sheet.addRow(row);
  if (isXlsx(path)) await workbook.xlsx.writeFile(path);
  else await workbook.csv.writeFile(path, { formatterOptions: { delimiter: ';', writeBOM: true } });
}

/** Reads an XLSX or CSV (semicolon or comma) file into rows keyed by header, every cell as text. */
export async function readTable(path: string): Promise<Record<string, string>[]> {
  const workbook = await newWorkbook();
  let sheet: Worksheet | undefined;
  if (isXlsx(path)) {
    await workbook.xlsx.readFile(path);
    sheet = workbook.worksheets[0];
  } else {
    const firstLine = (await readFile(path, 'utf8')).replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '';
    sheet = await workbook.csv.readFile(path, {
      parserOptions: { delimiter: firstLine.includes(';') ? ';' : ',' },
      // Keep every cell as written: dates stay gg/mm/aaaa text instead of being guessed.
      map: (value: unknown) => value,
    });
  }
  if (!sheet) return [];
  const headers: string[] = [];
  const rows: Record<string, string>[] = [];
  sheet.eachRow((row, rowNumber) => {
    const values = (row.values as unknown[]).slice(1).map(cellText);
    if (rowNumber === 1) headers.push(...values.map((h) => h.replace(/^\uFEFF/, '')));
    else if (values.some((v) => v !== ''))
      rows.push(Object.fromEntries(headers.map((h, i) => [h, values[i] ?? ''])));
  });
  return rows;
}

function cellText(value: unknown): string {
  if (value instanceof Date) return toItalianDate(value.toISOString().slice(0, 10));
  if (typeof value === 'string' || typeof value === 'number') return String(value).trim();
  if (value !== null && typeof value === 'object' && 'text' in value && typeof value.text === 'string')
    return value.text.trim();
  return '';
}

export interface AnswerOutcome {
  line: number;
  outcome:
    | 'attached'
    | 'already_attached'
    | 'unmatched'
    | 'ambiguous'
    | 'identifier_invalid'
    | 'identifier_in_use'
    | 'mismatch';
  personId?: number;
  detail: string;
}

/**
 * Attaches the identifiers of an answer file. A row is matched by its regional id (and must then
 * agree on name and birth date) or, without one, by name, surname and birth date among the people
 * still pending; no match or several matches are reported, never guessed. Re-running the same file
 * changes nothing more (each attachment is a conditional update of a still-pending person).
 */
export async function importAnswer(
  db: Kysely<DB>,
  rows: Record<string, string>[],
  isValidIdentifier: (value: string) => boolean,
  context: ActingContext,
  /** Only people of these health authorities are matched (null, the default: anyone). */
  authorities: readonly string[] | null = null,
): Promise<AnswerOutcome[]> {
  const outcomes: AnswerOutcome[] = [];
  for (const [index, row] of rows.entries()) {
    const line = index + 2; // the header is line 1
    const identifier = (row[ANSWER_IDENTIFIER_COLUMN] ?? '').trim().toUpperCase();
    const birthDate = fromItalianDate(row['Data di nascita'] ?? '');
    const givenName = (row.Nome ?? '').trim();
    const surname = (row.Cognome ?? '').trim();
    if (!isValidIdentifier(identifier)) {
      outcomes.push({
        line,
        outcome: 'identifier_invalid',
        detail: `identifier "${identifier}" is not a TS identifier`,
      });
      continue;
    }
    if (!birthDate || !givenName || !surname) {
      outcomes.push({
        line,
        outcome: 'unmatched',
        detail: 'name, surname or birth date (gg/mm/aaaa) missing',
      });
      continue;
    }
    const regionalId = Number((row['Identificativo regionale'] ?? '').trim());
    let query = db
      .selectFrom('persons')
      .select([
        'id',
        'given_name',
        'surname',
        'birth_date',
        'other_identifier',
        'identifier_pending',
        'version',
      ])
      .where('identifier_type', '=', 'TS_FOREIGN');
    if (authorities !== null) query = query.where('health_authority_code', 'in', codesOf(authorities));
    query =
      Number.isInteger(regionalId) && regionalId > 0
        ? query.where('id', '=', regionalId)
        : query
            .where((eb) => eb(eb.fn('lower', ['surname']), '=', surname.toLowerCase()))
            .where((eb) => eb(eb.fn('lower', ['given_name']), '=', givenName.toLowerCase()))
            .where('birth_date', '=', birthDate)
            .where('identifier_pending', '=', true);
    const candidates = await query.execute();
    const [person] = candidates;
    if (candidates.length > 1) {
      outcomes.push({
        line,
        outcome: 'ambiguous',
        detail: `${candidates.length} pending people share name and birth date`,
      });
      continue;
    }
    if (!person) {
      outcomes.push({ line, outcome: 'unmatched', detail: 'no pending foreigner with these data' });
      continue;
    }
    const agrees =
      person.given_name.toLowerCase() === givenName.toLowerCase() &&
      person.surname.toLowerCase() === surname.toLowerCase() &&
      person.birth_date === birthDate;
    if (!agrees) {
      outcomes.push({
        line,
        outcome: 'mismatch',
        personId: person.id,
        detail: 'the regional id names a person with other data',
      });
      continue;
    }
    if (!person.identifier_pending) {
      const same = person.other_identifier === identifier;
      outcomes.push({
        line,
        outcome: same ? 'already_attached' : 'mismatch',
        personId: person.id,
        detail: same
          ? 'identifier already attached'
          : `person already has identifier ${person.other_identifier ?? ''}`,
      });
      continue;
    }
    try {
      await db.transaction().execute(async (trx) => {
        const updated = await trx
          .updateTable('persons')
          .set({
            other_identifier: identifier,
            identifier_pending: false,
            version: person.version + 1,
            updated_at: context.now,
          })
          .where('id', '=', person.id)
          .where('identifier_pending', '=', true)
          .executeTakeFirst();
        if (updated.numUpdatedRows === 0n) return;
        await recordAudit(trx, context, {
          entityType: 'person',
          entityId: person.id,
          action: 'attach_ts_identifier',
          before: { identifier: { type: 'TS_FOREIGN', value: null, pending: true } },
          after: { identifier: { type: 'TS_FOREIGN', value: identifier, pending: false } },
        });
      });
      outcomes.push({
        line,
        outcome: 'attached',
        personId: person.id,
        detail: `identifier ${identifier} attached`,
      });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      outcomes.push({
        line,
        outcome: 'identifier_in_use',
        personId: person.id,
        detail: `identifier ${identifier} belongs to another person`,
      });
    }
  }
  return outcomes;
}
