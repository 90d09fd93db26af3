import fc from 'fast-check';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { deflateSync, inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { zlibCompress } from './deflate.ts';
import { SHARED_EU_DCC } from './testing.ts';

const roundTrips = (bytes: Uint8Array): boolean =>
  inflateSync(zlibCompress(bytes)).equals(Buffer.from(bytes));

function vectorCoses(dir: string): Buffer[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return vectorCoses(full);
    const { COSE } = JSON.parse(readFileSync(full, 'utf8')) as { COSE?: string };
    return COSE !== undefined && /^([0-9a-f]{2})+$/i.test(COSE) ? [Buffer.from(COSE, 'hex')] : [];
  });
}

describe('DCC-1 zlib compression of the COSE', () => {
  it('DCC-1 any bytes compress to a zlib stream that zlib inflates back', () => {
    // Full-range bytes mostly end up stored; a small alphabet (like text) takes the Huffman path with matches.
    const smallAlphabet = fc
      .array(fc.integer({ min: 0x30, max: 0x36 }), { maxLength: 3000 })
      .map((codes) => Uint8Array.from(codes));
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 3000 }), smallAlphabet), (bytes) => roundTrips(bytes)),
    );
  });

  it('DCC-1 repetitive bytes (matches at every length and distance) inflate back, and shrink', () => {
    const repetitive = fc
      .tuple(
        fc.array(fc.constantFrom(65, 66, 67, 0, 255), { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 1, max: 400 }),
      )
      .map(([unit, times]) =>
        Uint8Array.from({ length: unit.length * times }, (_, i) => unit[i % unit.length]!),
      );
    fc.assert(
      fc.property(repetitive, (bytes) => {
        expect(roundTrips(bytes)).toBe(true);
        expect(zlibCompress(bytes).length).toBeLessThanOrEqual(bytes.length + 11);
      }),
    );
    const run = Buffer.alloc(16_000, 0x41);
    expect(roundTrips(run)).toBe(true);
    expect(zlibCompress(run).length).toBeLessThan(200);
  });

  it('DCC-1 incompressible bytes are stored: the zlib header, one stored block, the Adler-32', () => {
    const bytes = randomBytes(400);
    const out = zlibCompress(bytes);
    expect(out.length).toBe(2 + 5 + 400 + 4);
    expect([out[0], out[1], out[2]]).toEqual([0x78, 0x9c, 0x01]);
    expect(inflateSync(out).equals(bytes)).toBe(true);
  });

  it('DCC-1 inputs above 16 KB go through node:zlib and inflate back', () => {
    const bytes = Buffer.from('HC1 '.repeat(5000));
    expect(roundTrips(bytes)).toBe(true);
  });

  it('DCC-1 the 566 COSE payloads of the EU test vectors come out, on average, no longer than with zlib level 9', () => {
    const coses = vectorCoses(path.join(SHARED_EU_DCC, 'testdata'));
    expect(coses.length).toBe(566);
    let ours = 0;
    let zlib = 0;
    for (const cose of coses) {
      const compressed = zlibCompress(cose);
      expect(inflateSync(compressed).equals(cose)).toBe(true);
      ours += compressed.length;
      zlib += deflateSync(cose, { level: 9 }).length;
    }
    expect(ours).toBeLessThanOrEqual(zlib);
  });
});
