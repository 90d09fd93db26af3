/**
 * Base45 (RFC 9285), the text encoding of the certificate's QR payload: its 45 characters are exactly
 * the QR code's alphanumeric set, so the QR code stays in its dense alphanumeric mode.
 *
 * Written here rather than taken from npm: the packages on offer either read a Node Buffer that is a view
 * into a larger pool from the pool's start (wrong output), or decode characters outside the alphabet
 * to zero instead of refusing them (ADR 0012). A verifier must refuse every malformed input.
 */

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';
const ENCODE = Buffer.from(ALPHABET, 'latin1');
const NOT_IN_ALPHABET = 255;
const DECODE = new Uint8Array(128).fill(NOT_IN_ALPHABET);
for (let i = 0; i < ALPHABET.length; i++) DECODE[ALPHABET.charCodeAt(i)] = i;

export class Base45Error extends Error {
  override readonly name = 'Base45Error';
}

export function encodeBase45(bytes: Uint8Array): string {
  // ASCII codes into one buffer, read back as Latin-1: several times faster than joining strings.
  const out = Buffer.allocUnsafe(Math.floor(bytes.length / 2) * 3 + (bytes.length % 2) * 2);
  let o = 0;
  let i = 0;
  for (; i + 1 < bytes.length; i += 2) {
    const n = bytes[i]! * 256 + bytes[i + 1]!;
    const e = Math.floor(n / 2025);
    const rest = n - e * 2025;
    const d = Math.floor(rest / 45);
    out[o++] = ENCODE[rest - d * 45]!;
    out[o++] = ENCODE[d]!;
    out[o++] = ENCODE[e]!;
  }
  if (i < bytes.length) {
    const n = bytes[i]!;
    const d = Math.floor(n / 45);
    out[o] = ENCODE[n - d * 45]!;
    out[o + 1] = ENCODE[d]!;
  }
  return out.toString('latin1');
}

export function decodeBase45(text: string): Uint8Array {
  if (text.length % 3 === 1) {
    throw new Base45Error(`a base45 text cannot be ${text.length} characters long (length mod 3 = 1)`);
  }
  const out = new Uint8Array(Math.floor(text.length / 3) * 2 + (text.length % 3 === 2 ? 1 : 0));
  const value = (at: number): number => {
    const code = text.charCodeAt(at);
    const v = code < 128 ? DECODE[code]! : NOT_IN_ALPHABET;
    if (v === NOT_IN_ALPHABET) {
      throw new Base45Error(`character ${JSON.stringify(text[at])} at ${at} is not in the base45 alphabet`);
    }
    return v;
  };
  let o = 0;
  let i = 0;
  for (; i + 2 < text.length; i += 3) {
    const n = value(i) + value(i + 1) * 45 + value(i + 2) * 2025;
    if (n > 0xffff) throw new Base45Error(`the triplet at ${i} decodes to ${n}, more than two bytes hold`);
    out[o++] = n >> 8;
    out[o++] = n & 0xff;
  }
  if (i < text.length) {
    const n = value(i) + value(i + 1) * 45;
    if (n > 0xff) throw new Base45Error(`the final pair decodes to ${n}, more than one byte holds`);
    out[o] = n;
  }
  return out;
}
