import { inflateSync } from 'node:zlib';
import { decodeBase45, encodeBase45 } from './base45.ts';
import { zlibCompress } from './deflate.ts';

/**
 * The transport form of a DCC (DCC-1): the COSE bytes, zlib-compressed, base45-encoded, prefixed by
 * the context identifier `HC1:` (version 1 of the health certificate).
 */

export const HC1_PREFIX = 'HC1:';

/**
 * A COSE_Sign1 of a few hundred bytes: the largest honest certificate is a few kilobytes, so a stream
 * that inflates past this is refused before it can exhaust memory.
 */
const MAX_COSE_BYTES = 64 * 1024;

export function encodeHc1(cose: Uint8Array): string {
  return HC1_PREFIX + encodeBase45(zlibCompress(cose));
}

export class Hc1Error extends Error {
  override readonly name = 'Hc1Error';
  constructor(
    readonly step: 'prefix' | 'base45' | 'zlib',
    message: string,
  ) {
    super(message);
  }
}

/** The base45 text after the prefix; only `HC1:` is a supported context (HC2: and others are refused). */
export function unprefix(text: string): string {
  if (!text.startsWith(HC1_PREFIX)) {
    const context = /^[A-Z0-9]{2,4}:/.exec(text)?.[0];
    throw new Hc1Error(
      'prefix',
      context === undefined
        ? `no context identifier: a certificate starts with ${HC1_PREFIX}`
        : `context ${context} is not supported (only ${HC1_PREFIX})`,
    );
  }
  return text.slice(HC1_PREFIX.length);
}

export function unbase45(text: string): Uint8Array {
  try {
    return decodeBase45(text);
  } catch (error) {
    throw new Hc1Error('base45', (error as Error).message);
  }
}

/** zlib inflation; a payload that is not a zlib stream (e.g. left uncompressed) is refused. */
export function inflate(compressed: Uint8Array): Uint8Array {
  try {
    return inflateSync(compressed, { maxOutputLength: MAX_COSE_BYTES });
  } catch (error) {
    throw new Hc1Error('zlib', `not a zlib stream: ${(error as Error).message}`);
  }
}

/** The COSE bytes of an `HC1:` text; throws `Hc1Error` naming the step that failed. */
export function decodeHc1(text: string): Uint8Array {
  return inflate(unbase45(unprefix(text.trim())));
}
