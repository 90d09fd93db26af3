import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Base45Error, decodeBase45, encodeBase45 } from './base45.ts';

describe('DCC-1 base45 (RFC 9285)', () => {
  it.each([
    ['AB', 'BB8'],
    ['Hello!!', '%69 VD92EX0'],
    ['base-45', 'UJCLQE7W581'],
    ['ietf!', 'QED8WEX0'],
    ['', ''],
  ])('DCC-1 base45 encodes the RFC example %j as %j and decodes it back', (text, encoded) => {
    expect(encodeBase45(Buffer.from(text))).toBe(encoded);
    expect(Buffer.from(decodeBase45(encoded)).toString()).toBe(text);
  });

  it('DCC-1 base45 round-trips any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
        const text = encodeBase45(bytes);
        expect(text).toMatch(/^[0-9A-Z $%*+\-./:]*$/);
        expect(Buffer.from(decodeBase45(text)).equals(Buffer.from(bytes))).toBe(true);
      }),
    );
  });

  it('DCC-1 base45 reads a view into a larger buffer from the view, not from the buffer', () => {
    const pool = Buffer.from('xxxxAB');
    expect(encodeBase45(pool.subarray(4))).toBe('BB8');
  });

  it.each([
    ['a length of 3n + 1', 'BB8A', /length/],
    ['a lower-case letter', 'bb8', /not in the base45 alphabet/],
    ['a character outside Latin-1', 'B€8', /not in the base45 alphabet/],
    ['a character below 128 outside the alphabet', 'BB#', /not in the base45 alphabet/],
    ['a triplet above 65535', ':::', /more than two bytes/],
    ['a final pair above 255', '::', /more than one byte/],
  ])('DCC-1 base45 refuses %s', (_what, text, message) => {
    expect(() => decodeBase45(text)).toThrow(Base45Error);
    expect(() => decodeBase45(text)).toThrow(message);
  });
});
