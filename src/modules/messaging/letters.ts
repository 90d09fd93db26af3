import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { finished } from 'node:stream/promises';
import { performance } from 'node:perf_hooks';
import PDFDocument from 'pdfkit';
import type { Clock } from '../../platform/clock.ts';
import {
  claimLetters,
  markLettersPrinted,
  recordAttempt,
  releaseLetters,
  type ClaimedMessage,
  type MessagingDb,
} from './repo.ts';
import { longDate, TemplateError, type RenderedMessage, type SenderContacts } from './message-text.ts';
import { renderMessage } from './templates.ts';

/*
 * Paper letters (BOOK-17: letters for people without phone or internet): pending letters are collected
 * into one PDF, a print batch, one letter per page (more pages when long), the address placed for a
 * window envelope. The letters are marked sent only once the PDF is complete, and the file gets its
 * final name only after that: a batch that dies midway leaves its letters pending (printed by the next
 * batch) and at most a `.partial` file, which is never to be printed.
 */

/** How long a batch holds its letters: rendering thousands of pages takes a while. */
const LEASE_SECONDS = 15 * 60;
const MM = 72 / 25.4;

export interface LetterBatch {
  batch: string;
  /** The PDF, or null when no letter was waiting. */
  file: string | null;
  printed: number;
  failed: number;
}

export interface LetterSender {
  /** "Regione Lombardia": who the letter is from. */
  regionName: string;
  contacts: SenderContacts;
}

interface Letter {
  message: ClaimedMessage;
  rendered: RenderedMessage;
}

/** Collects up to `limit` pending letters into one PDF under `outDir` and marks them sent. */
export async function printLetterBatch(
  db: MessagingDb,
  options: { outDir: string; clock: Clock; sender: LetterSender; limit?: number },
): Promise<LetterBatch> {
  const token = randomUUID();
  const now = options.clock.now();
  const batch = `LETTERS-${now.toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-')}-${token.slice(0, 8)}`;
  const claimed = await claimLetters(db, options.limit ?? 5000, LEASE_SECONDS, token);
  if (claimed.length === 0) return { batch, file: null, printed: 0, failed: 0 };
  const started = performance.now();

  const letters: Letter[] = [];
  let failed = 0;
  for (const message of claimed) {
    try {
      letters.push({
        message,
        rendered: renderMessage({ ...message, channel: 'letter' }, options.sender.contacts),
      });
    } catch (error) {
      if (!(error instanceof TemplateError)) throw error;
      failed += 1;
      await recordAttempt(db, message, token, {
        adapter: 'letter-pdf',
        durationMs: 0,
        outcome: 'failed',
        error: `cannot be rendered: ${error.message}`,
      });
    }
  }
  if (letters.length === 0) return { batch, file: null, printed: 0, failed };

  await mkdir(options.outDir, { recursive: true });
  const file = path.join(options.outDir, `${batch}.pdf`);
  const partial = `${file}.partial`;
  try {
    await writeLettersPdf(partial, letters, options.sender, now, batch);
    await markLettersPrinted(
      db,
      letters.map((letter) => letter.message),
      token,
      batch,
      performance.now() - started,
    );
  } catch (error) {
    await rm(partial, { force: true });
    await releaseLetters(
      db,
      letters.map((letter) => letter.message.id),
      token,
    );
    throw error;
  }
  await rename(partial, file);
  return { batch, file, printed: letters.length, failed };
}

async function writeLettersPdf(
  file: string,
  letters: readonly Letter[],
  sender: LetterSender,
  now: Date,
  batch: string,
): Promise<void> {
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: 20 * MM, bottom: 20 * MM, left: 22 * MM, right: 20 * MM },
    autoFirstPage: false,
    info: { Title: `Vaxhub ${batch}`, Author: sender.regionName, Creator: 'Vaxhub' },
  });
  const output = createWriteStream(file);
  doc.pipe(output);
  // A letter longer than a page: its next pages carry its reference, so that the pages stay together.
  const continuation: { label: string | undefined } = { label: undefined };
  doc.on('pageAdded', () => {
    if (continuation.label === undefined) return;
    doc
      .font('Helvetica')
      .fontSize(9)
      .text(continuation.label, doc.page.margins.left, 10 * MM, { lineBreak: false });
    doc.font('Helvetica').fontSize(BODY_SIZE);
    doc.x = doc.page.margins.left;
    doc.y = doc.page.margins.top;
  });
  for (const { message, rendered } of letters) {
    continuation.label = undefined;
    writeLetter(doc, message, rendered, sender, now, batch, continuation);
  }
  doc.end();
  await finished(output);
}

const BODY_SIZE = 12;

const WORDS: Record<'it' | 'en', { service: string; date: string; reference: string; continued: string }> = {
  it: { service: 'Servizio vaccinazioni', date: 'Data', reference: 'Riferimento', continued: 'segue' },
  en: { service: 'Vaccination service', date: 'Date', reference: 'Reference', continued: 'continued' },
};

function writeLetter(
  doc: PDFKit.PDFDocument,
  message: ClaimedMessage,
  rendered: RenderedMessage,
  sender: LetterSender,
  now: Date,
  batch: string,
  continuation: { label: string | undefined },
): void {
  const words = WORDS[message.language];
  const reference = `${words.reference}: ${batch}#${message.id}`;
  doc.addPage();
  const left = doc.page.margins.left;
  const width = doc.page.width - doc.page.margins.left - doc.page.margins.right;
  // Sender, top left.
  doc
    .font('Helvetica-Bold')
    .fontSize(13)
    .text(sender.regionName, left, 20 * MM);
  doc
    .font('Helvetica')
    .fontSize(11)
    .text(words.service)
    .text(`${sender.contacts.helpPhone} · ${sender.contacts.publicUrl.replace(/\/$/, '')}/portal`);
  // Recipient, where a DL window envelope shows it (right, 50 mm from the top).
  doc
    .font('Helvetica')
    .fontSize(12)
    .text(message.recipient, 110 * MM, 50 * MM, { width: 80 * MM, lineGap: 2 });
  // Date and reference, then the subject and the body in a large, plain type.
  doc
    .fontSize(11)
    .text(`${words.date}: ${longDate(now.toISOString(), message.language)}`, left, 90 * MM, { width })
    .text(reference, { width });
  doc.moveDown(1).font('Helvetica-Bold').fontSize(14).text(rendered.subject, { width });
  doc.moveDown(0.6).font('Helvetica').fontSize(BODY_SIZE);
  continuation.label = `${reference} (${words.continued})`;
  for (const paragraph of rendered.body.split('\n\n')) {
    doc.text(paragraph, { width, lineGap: 2 });
    doc.moveDown(0.5);
  }
}
