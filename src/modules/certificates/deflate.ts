import { deflateSync } from 'node:zlib';

/**
 * zlib compression (RFC 1950, RFC 1951) for payloads of a few hundred bytes, the size of a certificate.
 *
 * Why not `node:zlib` for these: a `deflateSync` call costs about as much as an ECDSA signature whatever
 * the input's size (a stream object and a native zlib state set up and torn down per call), which alone
 * kept issuance under PERF-6's bar of half the bare signing rate (docs/benchmarks.md). This writer does
 * one block with the fixed Huffman codes and LZ77 matches, or a stored block when that is shorter. The 566
 * COSE payloads of the EU test vectors hardly compress (381.5 bytes on average; 381.0 with zlib level 9,
 * 380.3 here). Larger inputs go to `node:zlib`, whose set-up cost is then negligible. Every output is a
 * standard zlib stream: tests inflate it with `node:zlib` (ADR 0012).
 */

/** Inputs up to this size are compressed here; a certificate is well below it. */
const SMALL_INPUT = 16 * 1024;
const MIN_MATCH = 3;
const MAX_MATCH = 258;
/** How many earlier positions with the same 3-byte hash are tried: enough for inputs this small. */
const MAX_CHAIN = 32;
const HASH_BITS = 12;
const HASH_SIZE = 1 << HASH_BITS;

/** RFC 1951 §3.2.5: length 3..258 → symbol 257..285 and its extra bits. */
const LENGTH_SYMBOL = new Uint16Array(MAX_MATCH + 1);
const LENGTH_EXTRA_BITS = new Uint8Array(MAX_MATCH + 1);
const LENGTH_BASE = new Uint16Array(MAX_MATCH + 1);
{
  const bases = [
    3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195,
    227, 258,
  ];
  const extra = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
  for (let code = 0; code < bases.length; code++) {
    const last = code + 1 < bases.length ? bases[code + 1]! - 1 : MAX_MATCH;
    for (let length = bases[code]!; length <= Math.min(last, MAX_MATCH); length++) {
      LENGTH_SYMBOL[length] = 257 + code;
      LENGTH_EXTRA_BITS[length] = extra[code]!;
      LENGTH_BASE[length] = bases[code]!;
    }
  }
}

/** RFC 1951 §3.2.5: the distance codes 0..29, their base distances and extra bits. */
const DISTANCE_BASE = [
  1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097,
  6145, 8193, 12289, 16385, 24577,
];
const DISTANCE_EXTRA_BITS = [
  0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13,
];

function distanceCode(distance: number): number {
  let code = 0;
  while (code + 1 < DISTANCE_BASE.length && DISTANCE_BASE[code + 1]! <= distance) code++;
  return code;
}

/** Huffman codes go out most significant bit first, into a stream filled from the least significant bit. */
function reversed(code: number, bits: number): number {
  let out = 0;
  for (let i = 0; i < bits; i++) out |= ((code >> i) & 1) << (bits - 1 - i);
  return out;
}

/** RFC 1951 §3.2.6, the fixed literal/length codes, already bit-reversed, and their lengths. */
const FIXED_CODE = new Uint16Array(288);
const FIXED_BITS = new Uint8Array(288);
for (let symbol = 0; symbol < 288; symbol++) {
  const [code, bits] =
    symbol < 144
      ? [0x30 + symbol, 8]
      : symbol < 256
        ? [0x190 + symbol - 144, 9]
        : symbol < 280
          ? [symbol - 256, 7]
          : [0xc0 + symbol - 280, 8];
  FIXED_CODE[symbol] = reversed(code, bits);
  FIXED_BITS[symbol] = bits;
}
const FIXED_DISTANCE_CODE = DISTANCE_BASE.map((_, code) => reversed(code, 5));

/**
 * Scratch tables reused by every call: compression is synchronous, so one call never sees another's
 * state, and reusing them spares a 16 KB allocation per certificate.
 */
const head = new Int32Array(HASH_SIZE);
const previous = new Int32Array(SMALL_INPUT);
const scratch = new Uint8Array(SMALL_INPUT + 64);

function adler32(input: Uint8Array): number {
  let a = 1;
  let b = 0;
  // 5552 bytes is the most that can be summed before the modulo without overflowing (zlib's NMAX).
  for (let start = 0; start < input.length; start += 5552) {
    const end = Math.min(start + 5552, input.length);
    for (let i = start; i < end; i++) {
      a += input[i]!;
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  return ((b << 16) | a) >>> 0;
}

/**
 * One final block with the fixed codes into `scratch`; its length in bytes, or -1 when it would not be
 * shorter than `limit`.
 */
function fixedBlock(input: Uint8Array, limit: number): number {
  const n = input.length;
  let length = 0;
  let bits = 0;
  let count = 0;
  /** `width` ≤ 16 bits at a time, least significant first. */
  const put = (value: number, width: number): void => {
    bits |= value << count;
    count += width;
    while (count >= 8) {
      scratch[length++] = bits & 0xff;
      bits >>>= 8;
      count -= 8;
    }
  };
  const hashAt = (i: number): number =>
    Math.imul((input[i]! << 16) | (input[i + 1]! << 8) | input[i + 2]!, 0x9e3779b1) >>> (32 - HASH_BITS);

  head.fill(-1);
  put(0b011, 3); // BFINAL = 1, BTYPE = 01 (fixed Huffman codes)
  let i = 0;
  while (i < n) {
    let bestLength = 0;
    let bestDistance = 0;
    if (i + MIN_MATCH <= n) {
      const hash = hashAt(i);
      let candidate = head[hash]!;
      previous[i] = candidate;
      head[hash] = i;
      const maxLength = Math.min(MAX_MATCH, n - i);
      for (let chain = 0; candidate >= 0 && chain < MAX_CHAIN; chain++) {
        // The byte just past the best match so far must agree, or this candidate cannot beat it.
        if (input[candidate + bestLength] === input[i + bestLength]) {
          let matched = 0;
          while (matched < maxLength && input[candidate + matched] === input[i + matched]) matched++;
          if (matched > bestLength) {
            bestLength = matched;
            bestDistance = i - candidate;
            if (matched === maxLength) break;
          }
        }
        candidate = previous[candidate]!;
      }
    }
    if (bestLength >= MIN_MATCH) {
      const symbol = LENGTH_SYMBOL[bestLength]!;
      put(FIXED_CODE[symbol]!, FIXED_BITS[symbol]!);
      put(bestLength - LENGTH_BASE[bestLength]!, LENGTH_EXTRA_BITS[bestLength]!);
      const code = distanceCode(bestDistance);
      put(FIXED_DISTANCE_CODE[code]!, 5);
      put(bestDistance - DISTANCE_BASE[code]!, DISTANCE_EXTRA_BITS[code]!);
      // The positions inside the match join the chains too, for later matches.
      for (let j = i + 1, end = i + bestLength; j < end && j + MIN_MATCH <= n; j++) {
        const hash = hashAt(j);
        previous[j] = head[hash]!;
        head[hash] = j;
      }
      i += bestLength;
    } else {
      const literal = input[i]!;
      put(FIXED_CODE[literal]!, FIXED_BITS[literal]!);
      i++;
    }
    if (length >= limit) return -1;
  }
  put(FIXED_CODE[256]!, FIXED_BITS[256]!); // end of block
  if (count > 0) scratch[length++] = bits & 0xff;
  return length < limit ? length : -1;
}

/** A zlib stream of `input`, as `zlib.deflateSync` would give (a few bytes longer or shorter). */
export function zlibCompress(input: Uint8Array): Buffer {
  if (input.length > SMALL_INPUT) return deflateSync(input, { level: 9 });
  // A stored block: 3 header bits padded to a byte, LEN and NLEN, the bytes.
  const storedLength = 1 + 4 + input.length;
  const fixedLength = fixedBlock(input, storedLength);
  const bodyLength = fixedLength >= 0 ? fixedLength : storedLength;
  const out = Buffer.allocUnsafe(2 + bodyLength + 4);
  // CMF 0x78: deflate with a 32 KB window; FLG 0x9C: default level, no dictionary, check bits.
  out[0] = 0x78;
  out[1] = 0x9c;
  if (fixedLength >= 0) {
    out.set(scratch.subarray(0, fixedLength), 2);
  } else {
    out[2] = 0b001; // BFINAL = 1, BTYPE = 00 (stored)
    out.writeUInt16LE(input.length, 3);
    out.writeUInt16LE(~input.length & 0xffff, 5);
    out.set(input, 7);
  }
  out.writeUInt32BE(adler32(input), 2 + bodyLength);
  return out;
}
