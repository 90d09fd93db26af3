import { createReadStream } from 'node:fs';
import { PassThrough, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CsvError, parse } from 'csv-parse';
import type { CellValue, Row } from 'exceljs';

/**
 * ELIG-18: streaming reader of the entitlement lists health authorities upload (CSV or XLSX).
 *
 * Nothing here loads a file in memory: PERF-4 wants 577,000 rows read, validated and loaded with flat
 * memory, so records come out in batches (one database round trip each) while the file is still being
 * read, and reading pauses while the caller works on a batch.
 *
 * Every record carries the row number the sender sees in a spreadsheet (header = 1), so a rejection
 * report can point at the row. In a CSV file that is also the line number, blank lines included,
 * until a quoted value spans lines: a spreadsheet shows one row where an editor shows several lines. Values are trimmed text; what they mean is the caller's business, with
 * two exceptions the caller cannot detect on its own and that are flagged in reserved fields (names
 * starting with `__`, which no normalized header can produce):
 * - COLUMN_COUNT_MISMATCH_FIELD: a CSV line with more or fewer fields than the header (or an XLSX row
 *   with values beyond the last header column); it must be rejected, its fields are shifted or missing;
 * - IMPRECISE_NUMBER_FIELD: XLSX cells stored as numbers with more than 15 digits (see cellText).
 */

export type ListFileFormat = 'csv' | 'xlsx';

export interface ListRecord {
  /** 1-based row of the file as a spreadsheet shows it: the header is row 1, the first data row 2. */
  rowNumber: number;
  /** Trimmed values by normalized header name (normalizeHeader), plus the reserved flags above. */
  fields: Record<string, string>;
}

export interface ReadListOptions {
  /** Data rows already processed by an interrupted run (REL-6): they are read but not yielded. */
  skipRows?: number;
  /** Records per yielded batch; default 2000. */
  batchSize?: number;
}

/** Set to '1' on a record whose column count differs from the header's. */
export const COLUMN_COUNT_MISMATCH_FIELD = '__column_count_mismatch';
/** Comma-separated names of the columns whose XLSX cell was a number too long for Excel to keep. */
export const IMPRECISE_NUMBER_FIELD = '__imprecise_numbers';

export const DEFAULT_BATCH_SIZE = 2000;

/**
 * The whole file cannot be read (malformed quoting, not UTF-8, duplicate columns, not an XLSX):
 * the upload is refused as a whole, and the row tells the sender where to look.
 */
export class ListFileError extends Error {
  override readonly name = 'ListFileError';
  constructor(
    message: string,
    readonly rowNumber: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function listFileFormat(fileName: string): ListFileFormat | undefined {
  const extension = /\.([^./\\]*)$/.exec(fileName)?.[1]?.toLowerCase();
  return extension === 'csv' || extension === 'xlsx' ? extension : undefined;
}

/**
 * Header names as the code refers to them, whatever the sender typed: `Codice Fiscale`,
 * `CODICE-FISCALE` and `codice fiscale ` are all `codice_fiscale`. Beyond spaces and dashes, every
 * run of characters other than ASCII letters and digits becomes one `_` (`N. tessera` → `n_tessera`),
 * and leading or trailing `_` are dropped, which also keeps the reserved `__` names out of reach.
 */
export function normalizeHeader(name: string): string {
  return name
    .replace(/^\uFEFF/, '')
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

/**
 * Yields the file's data records in batches. The source is consumed and closed, also when the caller
 * stops early. A file that cannot be read as a whole throws ListFileError; rows that are merely wrong
 * are yielded (with the flags above) for the caller to reject one by one. Rows whose cells are all
 * empty (blank lines, `;;;;` lines Excel writes for formatted empty rows) are skipped and not counted
 * by skipRows, though they keep their place in the row numbers.
 */
export async function* readListFile(
  source: NodeJS.ReadableStream | string,
  format: ListFileFormat,
  options: ReadListOptions = {},
): AsyncGenerator<ListRecord[]> {
  const skipRows = options.skipRows ?? 0;
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  if (!Number.isInteger(skipRows) || skipRows < 0) throw new RangeError(`skipRows must be ≥ 0: ${skipRows}`);
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new RangeError(`batchSize must be ≥ 1: ${batchSize}`);
  const reading: Reading = { skipRows, batchSize, headerOnly: false, header: undefined };
  yield* format === 'csv' ? csvBatches(source, reading) : xlsxBatches(source, reading);
}

/**
 * The normalized header names, reading only the first row (so a file missing required columns is
 * refused before anything is loaded); [] for an empty file. For XLSX the archive is still unpacked
 * up to the first sheet, which for files whose shared strings come after the sheets (Excel's and
 * ExcelJS's) means the whole archive.
 */
export async function readListHeader(path: string, format: ListFileFormat): Promise<string[]> {
  const reading: Reading = { skipRows: 0, batchSize: 1, headerOnly: true, header: undefined };
  for await (const _batch of format === 'csv' ? csvBatches(path, reading) : xlsxBatches(path, reading)) {
    break;
  }
  return reading.header ?? [];
}

/**
 * Data rows for progress percentages, counted without parsing: for CSV the lines after the header (a
 * last line without newline counts, the empty line after a final newline does not). It is an estimate:
 * blank lines count and a quoted value spanning lines counts once per line. XLSX would have to be
 * unpacked to count, which is the cost of reading it, so it gives undefined.
 */
export async function countDataRows(path: string, format: ListFileFormat): Promise<number | undefined> {
  if (format === 'xlsx') return undefined;
  let newlines = 0;
  let lastByte = -1;
  for await (const chunk of createReadStream(path, { highWaterMark: READ_CHUNK })) {
    const bytes = chunk as Buffer;
    for (let i = bytes.indexOf(LF); i !== -1; i = bytes.indexOf(LF, i + 1)) newlines++;
    if (bytes.length > 0) lastByte = bytes[bytes.length - 1] ?? -1;
  }
  const lines = newlines + (lastByte !== -1 && lastByte !== LF ? 1 : 0);
  return Math.max(0, lines - 1);
}

interface Reading {
  skipRows: number;
  batchSize: number;
  headerOnly: boolean;
  /** Set once the header row is read. */
  header: string[] | undefined;
}

const LF = 0x0a;
// Large reads: fewer chunks through the pipeline; the parser holds at most one at a time.
const READ_CHUNK = 1 << 20;
// How much of the file may be buffered looking for the end of the header line.
const HEAD_LIMIT = 1 << 16;
/**
 * A list row is a few hundred bytes. The cap matters for an unclosed quote, which would otherwise
 * make the rest of the file one field held in memory before the error shows.
 */
const MAX_RECORD_BYTES = 1 << 16;

function headerNames(cells: readonly string[]): string[] {
  const names = cells.map(normalizeHeader);
  const seen = new Set<string>();
  for (const name of names) {
    if (name === '') continue;
    if (seen.has(name)) throw new ListFileError(`the column "${name}" appears twice in the header`, 1);
    seen.add(name);
  }
  return names;
}

/**
 * `;` (Italian Excel) or `,`, whichever separates more fields of the header (the first line that is
 * not blank), counted outside quotes; `,` when there is nothing to count.
 */
function detectDelimiter(head: string): ';' | ',' {
  const headerLine = head.split('\n').find((line) => line.trim() !== '') ?? '';
  let semicolons = 0;
  let commas = 0;
  let quoted = false;
  for (const char of headerLine) {
    if (char === '"') quoted = !quoted;
    else if (!quoted && char === ';') semicolons++;
    else if (!quoted && char === ',') commas++;
  }
  return semicolons > commas ? ';' : ',';
}

// The head holds the header line once a line with something in it has ended.
const HEADER_LINE_ENDED = /\S[^\n]*\n/;

async function* csvBatches(
  source: NodeJS.ReadableStream | string,
  reading: Reading,
): AsyncGenerator<ListRecord[]> {
  const input: NodeJS.ReadableStream =
    typeof source === 'string' ? createReadStream(source, { highWaterMark: READ_CHUNK }) : source;
  const chunks = input[Symbol.asyncIterator]();
  const head: (string | Buffer)[] = [];
  let headText = '';
  while (headText.length < HEAD_LIMIT) {
    const next = await chunks.next();
    if (next.done === true) break;
    head.push(next.value);
    headText += typeof next.value === 'string' ? next.value : next.value.toString('latin1');
    if (HEADER_LINE_ENDED.test(headText)) break;
  }
  const feed = Readable.from(
    (async function* () {
      yield* head;
      for (;;) {
        const next = await chunks.next();
        if (next.done === true) return;
        yield next.value;
      }
    })(),
    { objectMode: false },
  );
  /**
   * No `info` and no `on_record`: either makes csv-parse copy its counters into a new object per
   * record, which cut the reading from about 250,000 to 100,000 rows/s. Row numbers are counted
   * here instead, and that is why empty lines are not skipped by the parser: each comes as a record
   * of one empty cell, so counting records counts the rows a spreadsheet shows.
   */
  const parser = parse({
    delimiter: detectDelimiter(headText),
    bom: true,
    skip_empty_lines: false,
    relax_column_count: true,
    max_record_size: MAX_RECORD_BYTES,
  });
  // Errors of either stream come out of the parser's iteration below; this only has to settle.
  const piping = pipeline(feed, parser).catch(() => undefined);
  let rowNumber = 0;
  let dataRows = 0;
  let header: string[] | undefined;
  let batch: ListRecord[] = [];
  try {
    for await (const record of parser) {
      const cells = record as string[];
      rowNumber++;
      if (isBlank(cells)) continue;
      if (header === undefined) {
        header = headerNames(cells);
        reading.header = header;
        if (reading.headerOnly) return;
        continue;
      }
      if (dataRows++ < reading.skipRows) continue;
      const fields: Record<string, string> = {};
      const count = Math.min(cells.length, header.length);
      for (let i = 0; i < count; i++) {
        const name = header[i] ?? '';
        if (name === '') continue;
        const value = (cells[i] ?? '').trim();
        // Decoding puts U+FFFD for bytes that are not UTF-8: a Windows "CSV" export (cp1252), whose
        // accented names would be loaded mangled.
        if (value.includes('\uFFFD')) {
          throw new ListFileError(
            `row ${rowNumber} is not UTF-8 text: save the file as "CSV UTF-8" and upload it again`,
            rowNumber,
          );
        }
        fields[name] = value;
      }
      if (cells.length !== header.length) fields[COLUMN_COUNT_MISMATCH_FIELD] = '1';
      batch.push({ rowNumber, fields });
      if (batch.length === reading.batchSize) {
        yield batch;
        batch = [];
      }
    }
  } catch (error) {
    throw csvFileError(error);
  } finally {
    parser.destroy();
    await piping;
    // Ending the feed early leaves the source paused, not closed.
    (input as Partial<Readable>).destroy?.();
  }
  if (batch.length > 0) yield batch;
}

function isBlank(cells: readonly string[]): boolean {
  for (const cell of cells) if (cell.trim() !== '') return false;
  return true;
}

function csvFileError(error: unknown): unknown {
  if (!(error instanceof CsvError)) return error;
  // The counter covers the complete records (blank lines included): the broken one is the next row.
  const rowNumber = (typeof error.records === 'number' ? error.records : 0) + 1;
  const reason =
    error.code === 'CSV_MAX_RECORD_SIZE'
      ? `row ${rowNumber} is longer than ${MAX_RECORD_BYTES} bytes (probably a quote that is never closed)`
      : `row ${rowNumber} cannot be read: ${error.message}`;
  return new ListFileError(reason, rowNumber, { cause: error });
}

/**
 * A sheet as ExcelJS streams it. Its parse() gives the rows of each chunk of XML together, where its
 * async iterator would cost a promise per row (a tenth of the reading time).
 */
interface WorksheetReader {
  parse(): AsyncIterator<{ eventType: string; value: unknown }[]>;
}

/**
 * What ExcelJS reads from. ExcelJS pipes it into an unzipper and waits on streams that a broken
 * archive never ends: a truncated upload would leave the reading waiting forever, and pipe() does not
 * pass the input's errors on either. So the input's and the unzipper's errors are caught here, and
 * every wait on ExcelJS goes through guard(), which gives up as soon as one of them fails.
 */
class ArchiveFeed extends PassThrough {
  failure: Error | undefined;
  private rejectWaiting: ((error: Error) => void) | undefined;

  readonly fail = (error: Error): void => {
    this.failure ??= error;
    this.rejectWaiting?.(error);
  };

  override pipe<T extends NodeJS.WritableStream>(destination: T, options?: { end?: boolean }): T {
    destination.on('error', this.fail);
    return super.pipe(destination, options);
  }

  guard<T>(step: Promise<T>): Promise<T> {
    if (this.failure !== undefined) {
      step.catch(() => undefined);
      return Promise.reject(this.failure);
    }
    return new Promise<T>((resolve, reject) => {
      this.rejectWaiting = reject;
      step.then(resolve, reject);
    });
  }
}

async function* xlsxBatches(
  source: NodeJS.ReadableStream | string,
  reading: Reading,
): AsyncGenerator<ListRecord[]> {
  // ExcelJS is large: loaded on the first XLSX, so the server starts without it.
  const { default: ExcelJS } = await import('exceljs');
  const input: NodeJS.ReadableStream =
    typeof source === 'string' ? createReadStream(source, { highWaterMark: READ_CHUNK }) : source;
  const feed = new ArchiveFeed();
  let inputError: Error | undefined;
  input.on('error', (error: Error) => {
    inputError ??= error;
    feed.fail(error);
  });
  input.pipe(feed);
  const workbook = new ExcelJS.stream.xlsx.WorkbookReader(feed, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    // Styles tell a date from a number (both are numbers in the file).
    styles: 'cache',
    hyperlinks: 'ignore',
    entries: 'ignore',
  });
  // ExcelJS reads a sheet's name from the workbook part; when an archive stores that part after the
  // sheet (ExcelJS's own streaming writer sometimes does, depending on timing) it fails on the missing
  // model. The name is not needed here: the first sheet is read whatever its name.
  const reader = workbook as unknown as { model?: { sheets: unknown[] } };
  reader.model ??= { sheets: [] };
  const sheets = workbook[Symbol.asyncIterator]() as AsyncIterator<WorksheetReader>;
  try {
    const first = await feed.guard(sheets.next());
    if (first.done !== true) yield* sheetBatches(first.value, reading, feed);
  } catch (error) {
    if (inputError !== undefined) throw inputError;
    throw error instanceof ListFileError
      ? error
      : new ListFileError(`the file cannot be read as XLSX: ${errorMessage(error)}`, 1, { cause: error });
  } finally {
    await finishWorkbook(sheets, feed);
    feed.destroy();
    (input as Partial<Readable>).destroy?.();
  }
}

const errorMessage = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * ExcelJS copies the sheets that precede the shared strings in the archive (as in Excel's and its
 * own files) to temporary files, and deletes each one only when asked for the next sheet: a reader
 * left after the first sheet would keep them until the process exits. Those copies exist only once
 * the whole archive is read; then the remaining sheets are run through (they are on disk, and
 * usually empty). Otherwise there is nothing to clean up. After a failure ExcelJS is left alone (its
 * iterators may be stuck); a copy then stays until the process exits.
 */
async function finishWorkbook(sheets: AsyncIterator<WorksheetReader>, feed: ArchiveFeed): Promise<void> {
  if (feed.failure !== undefined || !feed.readableEnded) return;
  try {
    for (
      let next = await feed.guard(sheets.next());
      next.done !== true;
      next = await feed.guard(sheets.next())
    ) {
      const chunks = next.value.parse();
      while ((await feed.guard(chunks.next())).done !== true) {
        // draining only
      }
    }
  } catch {
    // Best effort: the outcome of the reading is already decided.
  }
}

async function* sheetBatches(
  sheet: WorksheetReader,
  reading: Reading,
  feed: ArchiveFeed,
): AsyncGenerator<ListRecord[]> {
  const chunks = sheet.parse();
  let dataRows = 0;
  let header: string[] | undefined;
  let batch: ListRecord[] = [];
  let finished = false;
  try {
    for (;;) {
      const next = await feed.guard(chunks.next());
      if (next.done === true) {
        finished = true;
        break;
      }
      for (const event of next.value) {
        if (event.eventType !== 'row') continue;
        const row = event.value as Row;
        // Row.values is sparse and 1-based (index 0 unused). Rows that exist only for their format
        // come out too, empty.
        const values: CellValue[] = Array.isArray(row.values) ? row.values : [];
        const cells = Array.from({ length: Math.max(0, values.length - 1) }, (_, i) => values[i + 1]);
        const texts = cells.map(cellText);
        if (isBlank(texts)) continue;
        if (header === undefined) {
          header = headerNames(texts);
          reading.header = header;
          if (reading.headerOnly) return;
          continue;
        }
        if (dataRows++ < reading.skipRows) continue;
        const fields: Record<string, string> = {};
        const imprecise: string[] = [];
        for (let i = 0; i < header.length; i++) {
          const name = header[i] ?? '';
          if (name === '') continue;
          fields[name] = texts[i] ?? '';
          if (isImpreciseNumber(cells[i])) imprecise.push(name);
        }
        // Empty cells beyond the header are formatting, not data.
        if (texts.slice(header.length).some((text) => text !== '')) fields[COLUMN_COUNT_MISMATCH_FIELD] = '1';
        if (imprecise.length > 0) fields[IMPRECISE_NUMBER_FIELD] = imprecise.join(',');
        batch.push({ rowNumber: row.number, fields });
        if (batch.length === reading.batchSize) {
          yield batch;
          batch = [];
        }
      }
    }
  } finally {
    // Closing the sheet closes its temporary copy; a stuck one (after a failure) is left alone.
    if (!finished && feed.failure === undefined && chunks.return !== undefined) {
      await feed.guard(chunks.return()).catch(() => undefined);
    }
  }
  if (batch.length > 0) yield batch;
}

/** Excel keeps 15 significant digits of a number; anything longer was cut when it was typed or pasted. */
const EXCEL_DIGITS = 15;

function resultOf(value: CellValue | undefined): CellValue | undefined {
  if (value !== null && typeof value === 'object' && !(value instanceof Date) && 'result' in value) {
    return value.result ?? null;
  }
  return value;
}

function isImpreciseNumber(value: CellValue | undefined): boolean {
  const result = resultOf(value);
  return typeof result === 'number' && Number.isInteger(result) && Math.abs(result) >= 10 ** EXCEL_DIGITS;
}

/**
 * A cell as trimmed text: dates as YYYY-MM-DD (time of day dropped), formulas by their cached result,
 * rich text and hyperlinks by their text, errors as Excel writes them (`#N/A`), booleans TRUE/FALSE.
 *
 * Numbers: a health-card number (20 digits) typed into a cell not formatted as text is stored as a
 * number and Excel keeps only its first 15 digits (80380000000000000018 becomes 80380000000000000000).
 * The lost digits cannot be recovered: the value is given as the digits Excel shows, never in
 * exponent notation, and the column is listed in IMPRECISE_NUMBER_FIELD so the caller can reject the
 * value with a reason the sender understands (format the column as Text and type the numbers again).
 * Integers up to 2^53 are given exactly as stored, in case a program other than Excel wrote them.
 */
export function cellText(value: CellValue | undefined): string {
  const result = resultOf(value);
  if (result === null || result === undefined) return '';
  if (typeof result === 'string') return result.trim();
  if (typeof result === 'boolean') return result ? 'TRUE' : 'FALSE';
  if (typeof result === 'number') return numberText(result);
  if (result instanceof Date) return Number.isNaN(result.getTime()) ? '' : result.toISOString().slice(0, 10);
  if ('richText' in result)
    return result.richText
      .map((run) => run.text)
      .join('')
      .trim();
  if ('text' in result) return String(result.text).trim();
  if ('error' in result) return result.error;
  return '';
}

function numberText(value: number): string {
  if (!Number.isFinite(value)) return '';
  if (Number.isSafeInteger(value)) return String(value);
  if (Number.isInteger(value)) {
    const [mantissa = '', exponent = '0'] = value.toExponential(EXCEL_DIGITS - 1).split('e');
    const digits = mantissa.replace('-', '').replace('.', '');
    return (value < 0 ? '-' : '') + digits.padEnd(Number(exponent) + 1, '0');
  }
  // What Excel shows in a General cell: 0.1+0.2 is 0.3.
  return String(Number(value.toPrecision(EXCEL_DIGITS)));
}
