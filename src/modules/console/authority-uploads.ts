import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Busboy } from '@fastify/busboy';
import type { FastifyRequest } from 'fastify';
import { DomainError } from '../../platform/http/problem.ts';
import type { App } from '../../platform/http/types.ts';

/** The largest list file a form may send (the JSON API's limit too). */
export const MAX_LIST_FILE_BYTES = 200 * 1024 * 1024;

/** A list file a form sent, on disk under a temporary name until the page claims it. */
export interface ReceivedFile {
  /** The name the sender's computer gave it (no folders). */
  fileName: string;
  partPath: string;
  sha256: string;
  bytes: number;
  claimed: boolean;
}

/**
 * UX-4, PERF-4: the upload form's body (multipart/form-data, what a browser sends for a file without any
 * script) parsed as it arrives: the text fields become the body, the file goes to disk chunk by chunk,
 * hashed on the way, never held in memory whole. Parsing ends before the platform's preValidation, which
 * then checks the form's CSRF field like any other form's (the file is on disk by then, under a temporary
 * name that is removed when the request ends unless the page took it).
 *
 * The file is kept on the side (`receivedFile`), not in the body: a JSON body cannot name a path on disk.
 */
export function acceptListFileForms(
  scope: App,
  directory: string,
): (request: FastifyRequest) => ReceivedFile | undefined {
  const files = new WeakMap<FastifyRequest, ReceivedFile>();
  // A multipart parser registered for the whole app (@fastify/multipart) gives way here, in this scope
  // only: this one streams the file to disk and leaves the fields for the platform's CSRF check.
  if (scope.hasContentTypeParser('multipart/form-data')) scope.removeContentTypeParser('multipart/form-data');
  scope.addContentTypeParser('multipart/form-data', (request, payload, done) => {
    parseForm(request, payload, directory, files).then(
      (fields) => done(null, fields),
      (error: unknown) => done(error as Error),
    );
  });
  // A refused form (CSRF, fields) leaves no file behind.
  scope.addHook('onResponse', async (request) => {
    const file = files.get(request);
    if (file !== undefined && !file.claimed) await rm(file.partPath, { force: true });
  });
  return (request) => files.get(request);
}

async function parseForm(
  request: FastifyRequest,
  payload: Readable,
  directory: string,
  files: WeakMap<FastifyRequest, ReceivedFile>,
): Promise<Record<string, string>> {
  const contentType = request.headers['content-type'] ?? '';
  let parser;
  try {
    parser = new Busboy({
      headers: { ...request.headers, 'content-type': contentType },
      limits: { files: 1, fields: 10, fieldSize: 1000, parts: 12, fileSize: MAX_LIST_FILE_BYTES },
    });
  } catch {
    throw new DomainError('BODY_MALFORMED');
  }
  const fields: Record<string, string> = Object.create(null) as Record<string, string>;
  const writes: Promise<void>[] = [];
  parser.on('field', (name, value) => {
    if (name !== '__proto__') fields[name] = value;
  });
  parser.on('file', (name, stream, fileName: string | undefined) => {
    // Browsers send an empty part for a file input left empty, other clients a part without a name:
    // nothing to keep.
    if (name !== 'file' || !fileName || files.has(request)) {
      stream.resume();
      return;
    }
    const write = saveFile(request, stream, fileName, directory, files);
    // Awaited below with the others; until then a failure must not count as an unhandled rejection,
    // which would stop the process.
    write.catch(() => undefined);
    writes.push(write);
  });
  await new Promise<void>((resolve, reject) => {
    parser.on('finish', resolve);
    parser.on('error', reject);
    payload.on('error', reject);
    payload.pipe(parser);
  }).catch(() => {
    throw new DomainError('BODY_MALFORMED');
  });
  await Promise.all(writes);
  return { ...fields };
}

async function saveFile(
  request: FastifyRequest,
  stream: Readable & { truncated?: boolean },
  fileName: string,
  directory: string,
  files: WeakMap<FastifyRequest, ReceivedFile>,
): Promise<void> {
  await mkdir(directory, { recursive: true });
  const file: ReceivedFile = {
    fileName: path.basename(fileName.replaceAll('\\', '/')),
    partPath: path.join(directory, `.${randomUUID()}.part`),
    sha256: '',
    bytes: 0,
    claimed: false,
  };
  files.set(request, file);
  const hash = createHash('sha256');
  let tooLarge = false;
  stream.on('limit', () => {
    tooLarge = true;
  });
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      file.bytes += chunk.length;
      hash.update(chunk);
      callback(null, chunk);
    },
  });
  await pipeline(stream, meter, createWriteStream(file.partPath));
  if (tooLarge || stream.truncated === true) {
    throw new DomainError('LIST_FILE_TOO_LARGE', {
      params: { maxMegabytes: MAX_LIST_FILE_BYTES / 1024 / 1024 },
    });
  }
  file.sha256 = hash.digest('hex');
}

/**
 * Takes the received file for good: renamed to its hash, as the JSON API names list files, so that a
 * resumed upload of the same file finds it again. Returns its path.
 */
export async function claimFile(file: ReceivedFile, directory: string, extension: string): Promise<string> {
  const final = path.join(directory, `${file.sha256}.${extension}`);
  await rename(file.partPath, final);
  file.claimed = true;
  return final;
}
