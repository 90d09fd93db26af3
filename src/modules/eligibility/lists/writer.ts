import { createWriteStream, type WriteStream } from 'node:fs';
import { once, type EventEmitter } from 'node:events';
import { finished } from 'node:stream/promises';
import type { ListFileFormat } from './reader.ts';

/**
 * List files as health authorities send them (ELIG-18), for demos, fixtures and the PERF-4 benchmark
 * (577,000 rows): rows are streamed to disk with backpressure, so memory stays flat however many.
 *
 * CSV: UTF-8 with a BOM (without it Excel reads accented names as cp1252), `;` between fields as
 * Italian Excel writes, LF line ends (Excel and the reader accept them, and the files diff cleanly),
 * a field quoted only when it holds a `;`, `,`, quote, line break or edge blank. Excel opening such a
 * file still turns a 20-digit health-card number into a 15-digit number: CSV cannot prevent that.
 *
 * XLSX: one sheet, every cell a string in a column formatted as Text (`@`), so long digit strings
 * stay text in the file and when the sender edits them.
 *
 * Returns the number of data rows written.
 */
export async function writeListFile(
  path: string,
  format: ListFileFormat,
  header: readonly string[],
  rows: AsyncIterable<readonly string[]> | Iterable<readonly string[]>,
): Promise<number> {
  return format === 'csv' ? writeCsv(path, header, rows) : writeXlsx(path, header, rows);
}

const NEEDS_QUOTES = /[;,"\r\n]|^\s|\s$/;

export function csvListField(value: string): string {
  return NEEDS_QUOTES.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

const csvLine = (cells: readonly string[]): string => `${cells.map(csvListField).join(';')}\n`;

// Lines are gathered into writes of about this size: one write per line would cost more than the lines.
const WRITE_CHUNK = 1 << 16;

async function writeCsv(
  path: string,
  header: readonly string[],
  rows: AsyncIterable<readonly string[]> | Iterable<readonly string[]>,
): Promise<number> {
  const out = createWriteStream(path);
  let count = 0;
  try {
    let pending = `\uFEFF${csvLine(header)}`;
    for await (const row of rows) {
      pending += csvLine(row);
      count++;
      if (pending.length >= WRITE_CHUNK) {
        await write(out, pending);
        pending = '';
      }
    }
    await write(out, pending);
    out.end();
    await finished(out);
    return count;
  } catch (error) {
    out.destroy();
    throw error;
  }
}

async function write(out: WriteStream, text: string): Promise<void> {
  if (!out.write(text)) await once(out, 'drain');
}

// Rows between checks of the output (about 100 KB of XML).
const XLSX_ROWS_PER_CHECK = 1000;
// Compressed-to-be XML allowed to wait in front of the compressor.
const XLSX_MAX_PENDING = 1 << 20;

async function writeXlsx(
  path: string,
  header: readonly string[],
  rows: AsyncIterable<readonly string[]> | Iterable<readonly string[]>,
): Promise<number> {
  const { default: ExcelJS } = await import('exceljs');
  const out = createWriteStream(path);
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: out,
    // Shared strings would keep every distinct value (every tax code) in memory until the end.
    useSharedStrings: false,
    useStyles: true,
    // Fast compression: these files are generated in bulk, not mailed.
    zip: { zlib: { level: 1 } },
  });
  const sheet = workbook.addWorksheet('Lista');
  sheet.columns = header.map((name) => ({
    header: name,
    width: Math.max(12, name.length + 2),
    style: { numFmt: '@' },
  }));
  let count = 0;
  try {
    for await (const row of rows) {
      sheet.addRow([...row]).commit();
      count++;
      if (count % XLSX_ROWS_PER_CHECK === 0) await drained(sheet, out);
    }
    sheet.commit();
    await workbook.commit();
    return count;
  } catch (error) {
    out.destroy();
    throw error;
  }
}

interface Outlet {
  writableLength?: number;
  // Older `readable-stream` copies (what ExcelJS's zip library uses) only have the state.
  _writableState?: { length?: number };
  once(event: 'drain', listener: () => void): unknown;
}

/**
 * The streams ExcelJS pours the sheet's XML into, on the way to the compressor of its zip entry. It
 * writes to them without heeding their answer, so a fast producer would pile the whole sheet up in
 * front of the compressor (300 MB for 577,000 rows). They are not in its API: found by shape, and if
 * a version hides them, the writer still works, only without this brake.
 */
function sheetOutlets(sheet: object): Outlet[] {
  const pipes = (sheet as { stream?: { pipes?: unknown } }).stream?.pipes;
  if (!Array.isArray(pipes)) return [];
  return pipes.filter(
    (pipe): pipe is Outlet =>
      typeof pipe === 'object' && pipe !== null && typeof (pipe as Partial<Outlet>).once === 'function',
  );
}

const pendingBytes = (outlet: Outlet): number => outlet.writableLength ?? outlet._writableState?.length ?? 0;

/** Lets the compressor and the file catch up before more rows are produced. */
async function drained(sheet: object, out: WriteStream): Promise<void> {
  // A turn of the event loop lets ExcelJS's zip library connect the sheet to its compressor.
  await new Promise<void>((resolve) => setImmediate(resolve));
  for (const outlet of sheetOutlets(sheet)) {
    if (pendingBytes(outlet) > XLSX_MAX_PENDING) await once(outlet as unknown as EventEmitter, 'drain');
  }
  if (out.writableNeedDrain) await once(out, 'drain');
}
