import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import type { Database } from '../../platform/db/database.ts';
import { generatePopulation, type PopulationOptions } from './generator.ts';
import { PERSON_CSV_COLUMNS, personCsvHeader, personToCsvLine } from './csv.ts';
import { loadPopulationReference } from './reference-files.ts';
import type { PopulationReference } from './reference.ts';

export interface PopulationRunOptions extends PopulationOptions {
  /** Called now and then with the number of people done so far. */
  onProgress?: (done: number) => void;
  /** Defaults to the project's reference/ files. */
  reference?: PopulationReference;
}

/** Lines of the people as CSV, generated as they are consumed; the options are checked at once. */
export function populationCsvLines(
  reference: PopulationReference,
  options: PopulationOptions,
): Generator<string> {
  const people = generatePopulation(reference, options);
  return (function* () {
    for (const person of people) yield personToCsvLine(person);
  })();
}

/**
 * Generates the people straight into `persons` with COPY (streamed on PostgreSQL, in batches on
 * PGlite): nothing but the current batch is held in memory. The reference data must be loaded.
 * Returns the number of people copied.
 */
export async function generatePopulationIntoDatabase(
  database: Database,
  options: PopulationRunOptions,
): Promise<number> {
  const reference = options.reference ?? (await loadPopulationReference());
  // Options are checked here, before COPY starts: bad ones fail before anything is sent.
  const lines = populationCsvLines(reference, options);
  return database.copyCsv('persons', PERSON_CSV_COLUMNS, toAsyncIterable(lines), {
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
}

/** A synchronous iterable seen as an asynchronous one, item by item (what copyCsv consumes). */
export function toAsyncIterable<T>(items: Iterable<T>): AsyncIterable<T> {
  return {
    [Symbol.asyncIterator]() {
      const iterator = items[Symbol.iterator]();
      return {
        next: () => Promise.resolve(iterator.next()),
        return: (value?: T) => Promise.resolve(iterator.return?.(value) ?? { done: true as const, value }),
      };
    },
  };
}

export interface WrittenFile {
  lines: number;
  bytes: number;
}

const CHUNK_CHARS = 1 << 20;

/**
 * Writes lines to a file in chunks of about 1 MB, waiting for the stream to drain whenever it asks
 * to (backpressure), so memory stays flat however many lines there are. The path that both the
 * population file and its benchmark reference go through.
 */
export async function writeLinesToFile(
  path: string,
  lines: Iterable<string>,
  options: { header?: string; onProgress?: (lines: number) => void } = {},
): Promise<WrittenFile> {
  const stream = createWriteStream(path);
  let chunk = options.header ?? '';
  let count = 0;
  let bytes = 0;
  const flush = async (): Promise<void> => {
    if (chunk === '') return;
    bytes += Buffer.byteLength(chunk);
    const ok = stream.write(chunk);
    chunk = '';
    if (!ok) await once(stream, 'drain');
  };
  try {
    for (const line of lines) {
      chunk += line;
      count++;
      if (chunk.length >= CHUNK_CHARS) {
        await flush();
        options.onProgress?.(count);
      }
    }
    await flush();
    stream.end();
    await finished(stream);
  } catch (error) {
    stream.destroy();
    throw error;
  }
  options.onProgress?.(count);
  return { lines: count, bytes };
}

/** Writes the people to a CSV file with a header line (columns as the persons table). */
export async function writePopulationFile(path: string, options: PopulationRunOptions): Promise<WrittenFile> {
  const reference = options.reference ?? (await loadPopulationReference());
  const lines = populationCsvLines(reference, options);
  const written = await writeLinesToFile(path, lines, {
    header: personCsvHeader(),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  return written;
}
