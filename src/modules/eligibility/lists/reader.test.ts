import { mkdtemp, rm, readFile, writeFile } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import ExcelJS, { type CellValue } from 'exceljs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cellText,
  COLUMN_COUNT_MISMATCH_FIELD,
  countDataRows,
  IMPRECISE_NUMBER_FIELD,
  ListFileError,
  listFileFormat,
  normalizeHeader,
  readListFile,
  readListHeader,
  type ListFileFormat,
  type ListRecord,
  type ReadListOptions,
} from './reader.ts';
import { writeListFile } from './writer.ts';

let dir: string;
let fileCount = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vaxhub-lists-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const newPath = (extension: string): string => join(dir, `list-${++fileCount}.${extension}`);

async function handWritten(content: string | Buffer, extension = 'csv'): Promise<string> {
  const path = newPath(extension);
  await writeFile(path, content);
  return path;
}

async function batchesOf(
  source: string | NodeJS.ReadableStream,
  format: ListFileFormat,
  options?: ReadListOptions,
): Promise<ListRecord[][]> {
  const batches: ListRecord[][] = [];
  for await (const batch of readListFile(source, format, options)) batches.push(batch);
  return batches;
}

async function recordsOf(
  source: string | NodeJS.ReadableStream,
  format: ListFileFormat,
  options?: ReadListOptions,
): Promise<ListRecord[]> {
  return (await batchesOf(source, format, options)).flat();
}

async function readError(source: string, format: ListFileFormat): Promise<ListFileError> {
  try {
    await recordsOf(source, format);
  } catch (error) {
    if (error instanceof ListFileError) return error;
    throw error;
  }
  throw new Error('the file was read without error');
}

const HEADER = ['Codice Fiscale', 'Numero tessera sanitaria', 'Cognome', 'Nome'];

describe('list file format and header names', () => {
  it.each([
    ['fragili.csv', 'csv'],
    ['FRAGILI.CSV', 'csv'],
    ['lista.2021-04-09.xlsx', 'xlsx'],
    ['Lista.XLSX', 'xlsx'],
    ['lista.xls', undefined],
    ['lista.csv.txt', undefined],
    ['csv', undefined],
    ['dir.csv/lista', undefined],
  ])('ELIG-18 %s is %s', (fileName, format) => {
    expect(listFileFormat(fileName)).toBe(format);
  });

  it.each([
    ['Codice Fiscale', 'codice_fiscale'],
    ['  CODICE FISCALE  ', 'codice_fiscale'],
    ['codice-fiscale', 'codice_fiscale'],
    ['Numero tessera sanitaria', 'numero_tessera_sanitaria'],
    ['Numero  tessera\tsanitaria', 'numero_tessera_sanitaria'],
    ['Città di residenza', 'citta_di_residenza'],
    ['Patologia/Condizione', 'patologia_condizione'],
    ['N. tessera', 'n_tessera'],
    ["Data d'inizio", 'data_d_inizio'],
    ['Data nascita (gg/mm/aaaa)', 'data_nascita_gg_mm_aaaa'],
    ['\uFEFFcognome', 'cognome'],
    ['__column_count_mismatch', 'column_count_mismatch'],
    ['', ''],
  ])('ELIG-18 header %j is normalized to %j', (header, normalized) => {
    expect(normalizeHeader(header)).toBe(normalized);
  });
});

describe('CSV list files', () => {
  it('ELIG-18 reads a file written with semicolons, by normalized header, from row 2', async () => {
    const path = newPath('csv');
    const written = await writeListFile(path, 'csv', HEADER, [
      ['RSSMRA85T10A562S', '80380000000000000018', "Dell'Orto", 'Niccolò'],
      ['BNCLCU60A41F205X', '80380000000000000026', 'Bianchi', 'Lucia'],
    ]);
    expect(written).toBe(2);
    expect((await readFile(path, 'utf8')).split('\n')[0]).toBe(
      '\uFEFFCodice Fiscale;Numero tessera sanitaria;Cognome;Nome',
    );
    expect(await recordsOf(path, 'csv')).toEqual([
      {
        rowNumber: 2,
        fields: {
          codice_fiscale: 'RSSMRA85T10A562S',
          numero_tessera_sanitaria: '80380000000000000018',
          cognome: "Dell'Orto",
          nome: 'Niccolò',
        },
      },
      {
        rowNumber: 3,
        fields: {
          codice_fiscale: 'BNCLCU60A41F205X',
          numero_tessera_sanitaria: '80380000000000000026',
          cognome: 'Bianchi',
          nome: 'Lucia',
        },
      },
    ]);
  });

  it('ELIG-18 reads a file separated by commas, values trimmed', async () => {
    const path = await handWritten(
      'codice_fiscale,cognome,note\nRSSMRA85T10A562S, Rossi ,"dializzato; in lista, trapianto"\n',
    );
    expect(await recordsOf(path, 'csv')).toEqual([
      {
        rowNumber: 2,
        fields: {
          codice_fiscale: 'RSSMRA85T10A562S',
          cognome: 'Rossi',
          note: 'dializzato; in lista, trapianto',
        },
      },
    ]);
  });

  it('ELIG-18 takes the separator that splits the header, outside quotes', async () => {
    const path = await handWritten('"Cognome, Nome";CF\n"Rossi, Mario";RSSMRA85T10A562S\n');
    expect(await recordsOf(path, 'csv')).toEqual([
      { rowNumber: 2, fields: { cognome_nome: 'Rossi, Mario', cf: 'RSSMRA85T10A562S' } },
    ]);
  });

  it('ELIG-18 reads UTF-8 with a BOM and CRLF line ends, as Excel saves "CSV UTF-8"', async () => {
    const path = await handWritten(
      Buffer.concat([
        Buffer.from([0xef, 0xbb, 0xbf]),
        Buffer.from('Codice Fiscale;Cognome\r\nRSSMRA85T10A562S;Niccolò\r\nBNCLCU60A41F205X;Bianchi\r\n'),
      ]),
    );
    expect(await readListHeader(path, 'csv')).toEqual(['codice_fiscale', 'cognome']);
    expect(await recordsOf(path, 'csv')).toEqual([
      { rowNumber: 2, fields: { codice_fiscale: 'RSSMRA85T10A562S', cognome: 'Niccolò' } },
      { rowNumber: 3, fields: { codice_fiscale: 'BNCLCU60A41F205X', cognome: 'Bianchi' } },
    ]);
  });

  it('ELIG-18 reads quoted fields holding separators, quotes and line breaks; the row counts once', async () => {
    const path = await handWritten(
      'cf;note;cognome\r\n' +
        'AAA;"uno; due";"D""Amico"\r\n' +
        'BBB;"prima riga\r\nseconda riga";Rossi\r\n' +
        'CCC;"a\nb\nc";Verdi\r\n' +
        'DDD;;Neri\r\n',
    );
    expect(await recordsOf(path, 'csv')).toEqual([
      { rowNumber: 2, fields: { cf: 'AAA', note: 'uno; due', cognome: 'D"Amico' } },
      { rowNumber: 3, fields: { cf: 'BBB', note: 'prima riga\r\nseconda riga', cognome: 'Rossi' } },
      { rowNumber: 4, fields: { cf: 'CCC', note: 'a\nb\nc', cognome: 'Verdi' } },
      { rowNumber: 5, fields: { cf: 'DDD', note: '', cognome: 'Neri' } },
    ]);
  });

  it.each([
    ['LF', '\n'],
    ['CRLF', '\r\n'],
  ])(
    'ELIG-18 skips empty lines and blank rows (%s) but keeps the rows numbered as in the file',
    async (_, eol) => {
      const lines = ['cf;cognome', 'AAA;Rossi', '', '', 'BBB;Bianchi', ';', ' ; ', 'CCC;Verdi', '', ''];
      const path = await handWritten(lines.join(eol));
      expect((await recordsOf(path, 'csv')).map((r) => [r.rowNumber, r.fields.cf])).toEqual([
        [2, 'AAA'],
        [5, 'BBB'],
        [8, 'CCC'],
      ]);
    },
  );

  it('ELIG-18 takes the first non-blank line as the header', async () => {
    const path = await handWritten('\n\ncf;cognome\nAAA;Rossi\n');
    expect(await readListHeader(path, 'csv')).toEqual(['cf', 'cognome']);
    expect(await recordsOf(path, 'csv')).toEqual([{ rowNumber: 4, fields: { cf: 'AAA', cognome: 'Rossi' } }]);
  });

  it('ELIG-18 flags rows with more or fewer fields than the header and keeps reading', async () => {
    const path = await handWritten(
      'cf;cognome;nome\nAAA;Rossi;Mario\nBBB;Bianchi\nCCC;Verdi;Anna;extra\nDDD;Neri;Ugo\n',
    );
    expect(await recordsOf(path, 'csv')).toEqual([
      { rowNumber: 2, fields: { cf: 'AAA', cognome: 'Rossi', nome: 'Mario' } },
      { rowNumber: 3, fields: { cf: 'BBB', cognome: 'Bianchi', [COLUMN_COUNT_MISMATCH_FIELD]: '1' } },
      {
        rowNumber: 4,
        fields: { cf: 'CCC', cognome: 'Verdi', nome: 'Anna', [COLUMN_COUNT_MISMATCH_FIELD]: '1' },
      },
      { rowNumber: 5, fields: { cf: 'DDD', cognome: 'Neri', nome: 'Ugo' } },
    ]);
  });

  it.each([
    ['a closing quote followed by text', 'cf;cognome\nAAA;Rossi\nBBB;"Bian"chi\nCCC;Verdi\n', 3],
    ['a quote inside an unquoted field', 'cf;cognome\nAAA;Rossi\n\nBBB;Bian"chi\n', 4],
    ['a quote never closed', 'cf;cognome\nAAA;Rossi\nBBB;"Bianchi\nCCC;Verdi\n', 3],
  ])('ELIG-18 refuses a file with %s, giving the row', async (_, content, rowNumber) => {
    const error = await readError(await handWritten(content), 'csv');
    expect(error.rowNumber).toBe(rowNumber);
    expect(error.message).toContain(`row ${rowNumber}`);
  });

  it('ELIG-18 refuses a file that is not UTF-8 (a Windows "CSV" export), giving the row', async () => {
    const path = await handWritten(
      Buffer.concat([Buffer.from('cf;nome\nAAA;Mario\nBBB;Niccol'), Buffer.from([0xf2]), Buffer.from('\n')]),
    );
    const error = await readError(path, 'csv');
    expect(error.rowNumber).toBe(3);
    expect(error.message).toContain('UTF-8');
  });

  it('ELIG-18 refuses a header naming the same column twice', async () => {
    const path = await handWritten('Codice fiscale;cognome;CODICE-FISCALE\nAAA;Rossi;BBB\n');
    expect((await readError(path, 'csv')).rowNumber).toBe(1);
    await expect(readListHeader(path, 'csv')).rejects.toThrow(/codice_fiscale.*twice/);
  });

  it('ELIG-18 ignores the values of columns without a header name', async () => {
    const path = await handWritten('cf;;cognome;\nAAA;x;Rossi;\n');
    expect(await recordsOf(path, 'csv')).toEqual([{ rowNumber: 2, fields: { cf: 'AAA', cognome: 'Rossi' } }]);
  });

  it('ELIG-18 reads from a stream as from a path', async () => {
    const stream = Readable.from(['cf;cog', 'nome\r\nAAA;Ros', 'si\r\n', 'BBB;Bianchi']);
    expect(await recordsOf(stream, 'csv')).toEqual([
      { rowNumber: 2, fields: { cf: 'AAA', cognome: 'Rossi' } },
      { rowNumber: 3, fields: { cf: 'BBB', cognome: 'Bianchi' } },
    ]);
  });

  it('ELIG-18 gives nothing for an empty file or one with a header only', async () => {
    const empty = await handWritten('');
    expect(await batchesOf(empty, 'csv')).toEqual([]);
    expect(await readListHeader(empty, 'csv')).toEqual([]);
    expect(await countDataRows(empty, 'csv')).toBe(0);
    const headerOnly = await handWritten('cf;cognome\n');
    expect(await batchesOf(headerOnly, 'csv')).toEqual([]);
    expect(await countDataRows(headerOnly, 'csv')).toBe(0);
  });

  it.each([
    ['a final newline', 'cf\nA\nB\nC\n', 3],
    ['no final newline', 'cf\nA\nB\nC', 3],
    ['CRLF', 'cf\r\nA\r\nB\r\n', 2],
    ['a blank line inside (counted: an estimate)', 'cf\nA\n\nB\n', 3],
  ])('ELIG-18 counts the data rows of a CSV with %s without parsing it', async (_, content, count) => {
    expect(await countDataRows(await handWritten(content), 'csv')).toBe(count);
  });

  it('ELIG-18 yields batches of the requested size, 2000 by default', async () => {
    const path = newPath('csv');
    const rows = Array.from({ length: 4500 }, (_, i) => [`CF${i}`, String(i)]);
    await writeListFile(path, 'csv', ['cf', 'n'], rows);
    expect((await batchesOf(path, 'csv')).map((batch) => batch.length)).toEqual([2000, 2000, 500]);
    expect((await batchesOf(path, 'csv', { batchSize: 1000 })).map((batch) => batch.length)).toEqual([
      1000, 1000, 1000, 1000, 500,
    ]);
    expect((await batchesOf(path, 'csv', { batchSize: 4500 })).map((batch) => batch.length)).toEqual([4500]);
    const records = await recordsOf(path, 'csv', { batchSize: 7 });
    expect(records.map((r) => r.rowNumber)).toEqual(rows.map((_, i) => i + 2));
    expect(await countDataRows(path, 'csv')).toBe(4500);
  });

  it('ELIG-18 rejects a batch size or a skip that is not a whole number', async () => {
    const path = await handWritten('cf\nA\n');
    await expect(recordsOf(path, 'csv', { batchSize: 0 })).rejects.toThrow(RangeError);
    await expect(recordsOf(path, 'csv', { skipRows: -1 })).rejects.toThrow(RangeError);
    await expect(recordsOf(path, 'csv', { skipRows: 1.5 })).rejects.toThrow(RangeError);
  });

  it('ELIG-18 stops reading when the caller stops, and the file can be read again', async () => {
    const path = newPath('csv');
    await writeListFile(
      path,
      'csv',
      ['cf'],
      Array.from({ length: 50 }, (_, i) => [`CF${i}`]),
    );
    for await (const batch of readListFile(path, 'csv', { batchSize: 10 })) {
      expect(batch).toHaveLength(10);
      break;
    }
    expect(await recordsOf(path, 'csv')).toHaveLength(50);
  });
});

describe('resuming an interrupted upload', () => {
  // Text with what CSV must quote, accents, and blanks that trimming and blank-row skipping act on.
  const cellArbitrary = fc.string({
    unit: fc.constantFrom('a', 'Z', '7', 'ò', 'É', ' ', ';', ',', '"', "'", '\n', '\r\n'),
    maxLength: 8,
  });
  const rowsArbitrary = fc.array(fc.tuple(cellArbitrary, cellArbitrary, cellArbitrary), { maxLength: 30 });

  it('REL-6 a run skipping k rows yields exactly the tail of a full run after k (CSV)', async () => {
    await fc.assert(
      fc.asyncProperty(
        rowsArbitrary,
        fc.nat({ max: 35 }),
        fc.integer({ min: 1, max: 6 }),
        async (rows, skipRows, batchSize) => {
          const path = newPath('csv');
          await writeListFile(path, 'csv', ['cf', 'cognome', 'note'], rows);
          const full = await recordsOf(path, 'csv', { batchSize });
          const resumed = await batchesOf(path, 'csv', { skipRows, batchSize });
          expect(resumed.flat()).toEqual(full.slice(skipRows));
          expect(resumed.every((batch) => batch.length > 0 && batch.length <= batchSize)).toBe(true);
          // And the full run is what was written, trimmed, without the blank rows.
          const expected = rows
            .map((row) => row.map((cell) => cell.trim()))
            .filter((row) => row.some((cell) => cell !== ''));
          expect(full.map((r) => [r.fields.cf, r.fields.cognome, r.fields.note])).toEqual(expected);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('REL-6 skipping counts data rows, not blank lines, and keeps the row numbers of the file', async () => {
    const path = await handWritten('cf;n\nA;1\n\nB;2\n;\nC;3\nD;4\n');
    expect(await recordsOf(path, 'csv', { skipRows: 2 })).toEqual([
      { rowNumber: 6, fields: { cf: 'C', n: '3' } },
      { rowNumber: 7, fields: { cf: 'D', n: '4' } },
    ]);
    expect(await recordsOf(path, 'csv', { skipRows: 4 })).toEqual([]);
    expect(await recordsOf(path, 'csv', { skipRows: 10 })).toEqual([]);
  });

  it('REL-6 a run skipping k rows yields exactly the tail of a full run after k (XLSX)', async () => {
    const path = newPath('xlsx');
    const rows = Array.from({ length: 25 }, (_, i) => [`CF${i}`, i % 7 === 3 ? '' : `Cognome ${i}`]);
    await writeListFile(path, 'xlsx', ['cf', 'cognome'], rows);
    const full = await recordsOf(path, 'xlsx');
    expect(full).toHaveLength(25);
    for (const skipRows of [0, 1, 12, 24, 25, 30]) {
      expect(await recordsOf(path, 'xlsx', { skipRows, batchSize: 4 })).toEqual(full.slice(skipRows));
    }
  });
});

describe('XLSX list files', () => {
  it('ELIG-18 round trip through the writer: every value text, 20-digit numbers whole', async () => {
    const path = newPath('xlsx');
    const rows = [
      ['RSSMRA85T10A562S', '80380000000000000018', "Dell'Orto", 'Niccolò'],
      ['BNCLCU60A41F205X', '00380000000000000026', 'Bianchi', ' Lucia; "Lu" '],
    ];
    expect(await writeListFile(path, 'xlsx', HEADER, rows)).toBe(2);
    expect(await readListHeader(path, 'xlsx')).toEqual([
      'codice_fiscale',
      'numero_tessera_sanitaria',
      'cognome',
      'nome',
    ]);
    expect(await countDataRows(path, 'xlsx')).toBeUndefined();
    expect(await recordsOf(path, 'xlsx')).toEqual([
      {
        rowNumber: 2,
        fields: {
          codice_fiscale: 'RSSMRA85T10A562S',
          numero_tessera_sanitaria: '80380000000000000018',
          cognome: "Dell'Orto",
          nome: 'Niccolò',
        },
      },
      {
        rowNumber: 3,
        fields: {
          codice_fiscale: 'BNCLCU60A41F205X',
          numero_tessera_sanitaria: '00380000000000000026',
          cognome: 'Bianchi',
          nome: 'Lucia; "Lu"',
        },
      },
    ]);
  });

  it('ELIG-18 the writer formats the columns as text, so the sender editing them keeps the digits', async () => {
    const path = newPath('xlsx');
    await writeListFile(path, 'xlsx', ['ts'], [['80380000000000000018']]);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(path);
    const cell = workbook.worksheets[0]?.getCell('A2');
    expect(cell?.value).toBe('80380000000000000018');
    expect(cell?.numFmt).toBe('@');
  });

  /** A workbook as a health authority's office would make it, with what Excel stores in cells. */
  async function officeWorkbook(): Promise<string> {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Fragili');
    sheet.addRow(['Codice Fiscale', 'Tessera sanitaria', 'Data di nascita', 'Cognome', 'Età', 'Note']);
    sheet.addRow([
      'RSSMRA85T10A562S',
      '80380000000000000018',
      new Date(Date.UTC(1985, 11, 10)),
      { richText: [{ text: 'Dell', font: { bold: true } }, { text: "'Orto" }] },
      { formula: '2021-1985', result: 36 },
      { text: 'scheda', hyperlink: 'https://example.org/scheda' },
    ]);
    sheet.getCell('C2').numFmt = 'dd/mm/yyyy';
    // Typed into a General cell: Excel keeps 15 digits.
    sheet.addRow([
      'BNCLCU60A41F205X',
      Number('80380000000000000026'),
      new Date(Date.UTC(1960, 0, 1)),
      'Bianchi',
      61,
      true,
    ]);
    sheet.getCell('C3').numFmt = 'dd/mm/yyyy';
    // Row 4 left empty, row 5 only formatted.
    sheet.getCell('A5').numFmt = '@';
    sheet.getRow(6).values = [
      'VRDNNA70A41F205Y',
      '123456789012',
      '',
      '  Verdi  ',
      0.1 + 0.2,
      { error: '#N/A' },
    ];
    sheet.getRow(7).values = ['NREUGO50A01F205Z', '', '', 'Neri', '', '', '', 'fuori colonna'];
    workbook.addWorksheet('Altro').addRow(['ignored']);
    const path = newPath('xlsx');
    await workbook.xlsx.writeFile(path);
    return path;
  }

  it('ELIG-18 reads the first sheet: dates, formulas, rich text, links as text, rows numbered as in Excel', async () => {
    const path = await officeWorkbook();
    expect(await readListHeader(path, 'xlsx')).toEqual([
      'codice_fiscale',
      'tessera_sanitaria',
      'data_di_nascita',
      'cognome',
      'eta',
      'note',
    ]);
    const records = await recordsOf(path, 'xlsx');
    expect(records.map((r) => r.rowNumber)).toEqual([2, 3, 6, 7]);
    expect(records[0]?.fields).toEqual({
      codice_fiscale: 'RSSMRA85T10A562S',
      tessera_sanitaria: '80380000000000000018',
      data_di_nascita: '1985-12-10',
      cognome: "Dell'Orto",
      eta: '36',
      note: 'scheda',
    });
    expect(records[2]?.fields).toEqual({
      codice_fiscale: 'VRDNNA70A41F205Y',
      tessera_sanitaria: '123456789012',
      data_di_nascita: '',
      cognome: 'Verdi',
      eta: '0.3',
      note: '#N/A',
    });
  });

  it('ELIG-18 a health-card number stored as a number keeps the digits Excel shows, and is flagged', async () => {
    const records = await recordsOf(await officeWorkbook(), 'xlsx');
    expect(records[1]?.fields).toEqual({
      codice_fiscale: 'BNCLCU60A41F205X',
      tessera_sanitaria: '80380000000000000000',
      data_di_nascita: '1960-01-01',
      cognome: 'Bianchi',
      eta: '61',
      note: 'TRUE',
      [IMPRECISE_NUMBER_FIELD]: 'tessera_sanitaria',
    });
    expect(records[0]?.fields[IMPRECISE_NUMBER_FIELD]).toBeUndefined();
  });

  it('ELIG-18 flags a row with values beyond the last header column', async () => {
    const records = await recordsOf(await officeWorkbook(), 'xlsx');
    expect(records[3]?.fields[COLUMN_COUNT_MISMATCH_FIELD]).toBe('1');
    expect(records[3]?.fields.cognome).toBe('Neri');
    expect(records.slice(0, 3).every((r) => r.fields[COLUMN_COUNT_MISMATCH_FIELD] === undefined)).toBe(true);
  });

  it('ELIG-18 reads from a stream as from a path', async () => {
    const path = await officeWorkbook();
    expect(await recordsOf(createReadStream(path), 'xlsx')).toEqual(await recordsOf(path, 'xlsx'));
  });

  it('ELIG-18 yields batches of the requested size', async () => {
    const path = newPath('xlsx');
    await writeListFile(
      path,
      'xlsx',
      ['cf'],
      Array.from({ length: 11 }, (_, i) => [`CF${i}`]),
    );
    expect((await batchesOf(path, 'xlsx', { batchSize: 4 })).map((batch) => batch.length)).toEqual([4, 4, 3]);
  });

  it('ELIG-18 refuses a file that is not an XLSX, or a truncated one, as a whole', async () => {
    const notXlsx = await handWritten('cf;cognome\nAAA;Rossi\n', 'xlsx');
    expect((await readError(notXlsx, 'xlsx')).message).toMatch(/cannot be read as XLSX/);
    const whole = await readFile(await officeWorkbook());
    const truncated = await handWritten(whole.subarray(0, Math.floor(whole.length / 2)), 'xlsx');
    expect((await readError(truncated, 'xlsx')).rowNumber).toBe(1);
  });

  it('ELIG-18 passes the error of a failing source on instead of waiting for it', async () => {
    const whole = await readFile(await officeWorkbook());
    const aborted = Readable.from(
      (async function* () {
        yield whole.subarray(0, 100);
        await Promise.resolve();
        throw new Error('upload aborted');
      })(),
    );
    await expect(recordsOf(aborted, 'xlsx')).rejects.toThrow('upload aborted');
  });
});

describe('cell values as text', () => {
  it.each([
    [null, ''],
    [undefined, ''],
    ['  Rossi ', 'Rossi'],
    [42, '42'],
    [-7, '-7'],
    [0.1 + 0.2, '0.3'],
    [1234567890123456, '1234567890123456'],
    [Number('80380000000000000018'), '80380000000000000000'],
    [1e21, '1000000000000000000000'],
    [true, 'TRUE'],
    [new Date(Date.UTC(2021, 3, 9, 23, 59)), '2021-04-09'],
    [{ richText: [{ text: 'Dell' }, { text: "'Orto " }] }, "Dell'Orto"],
    [{ text: ' scheda ', hyperlink: 'https://example.org' }, 'scheda'],
    [{ formula: 'A1', result: 'x' }, 'x'],
    [{ formula: 'A1' }, ''],
    [{ error: '#REF!' }, '#REF!'],
  ] satisfies [CellValue, string][])('ELIG-18 %j is %j', (value, text) => {
    expect(cellText(value)).toBe(text);
  });
});
