import type { NotContactedRow } from './repo.ts';

/*
 * ELIG-21: the not-contacted list as the health authority opens it in a spreadsheet: semicolons (the
 * Italian locale's separator), a BOM so that accents survive, CRLF lines, Italian headers.
 */

export const NOT_CONTACTED_HEADER = [
  'posizione',
  'id_persona',
  'cognome',
  'nome',
  'data_nascita',
  'comune_istat',
  'priorita',
  'origine',
  'prossimo_passo',
  'messaggi_scritti',
  'messaggi_falliti',
  'telefonate',
  'esito_ultima_telefonata',
] as const;

/** One field: quoted when needed; a leading = + - @ is neutralised (no formula runs in the spreadsheet). */
export function csvField(value: string | number | null): string {
  if (value === null) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[;"\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The file's first line (with the BOM), then one line per person: CRLF-terminated each. */
export const notContactedCsvHeader = (): string => `\uFEFF${NOT_CONTACTED_HEADER.join(';')}\r\n`;

export const notContactedCsvLine = (row: NotContactedRow): string =>
  `${[
    row.rank,
    row.person_id,
    row.surname,
    row.given_name,
    row.birth_date,
    row.municipality_istat,
    row.priority,
    row.origin,
    row.next_step,
    row.messages_written,
    row.messages_failed,
    row.calls,
    row.last_call_outcome,
  ]
    .map(csvField)
    .join(';')}\r\n`;
