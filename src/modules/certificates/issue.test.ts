import { createHash, verify } from 'node:crypto';
import { inflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeBase45 } from './base45.ts';
import { decodeHc1, HC1_PREFIX } from './codec.ts';
import {
  cborToJson,
  decodeCbor,
  decodeCoseSign1,
  encodeCbor,
  ES256,
  HEADER_ALG,
  HEADER_KID,
  readCwt,
  sigStructure,
} from './cose.ts';
import { HcertError, type Hcert, type VaccinationEntry } from './hcert.ts';
import { issueDcc, type IssueOptions } from './issue.ts';
import { qrPng, qrSvg, readQrPng } from './qr.ts';
import { runVector, vectorResults } from './test-vectors.ts';
import { samplePayload, temporarySigning } from './testing.ts';
import { trustList } from './trust-list.ts';
import { cycleKind } from './validity-rules.ts';
import { verifyPass } from './verify.ts';

let signing: Awaited<ReturnType<typeof temporarySigning>>;
beforeAll(async () => {
  signing = await temporarySigning();
});
afterAll(() => signing.remove());

const OPTIONS: IssueOptions = {
  issuerCountry: 'IT',
  issuedAt: new Date('2022-03-02T08:00:00Z'),
  expiresAt: new Date('2023-03-02T08:00:00Z'),
};

describe('DCC-1 issuance: HCERT → CWT → COSE_Sign1 → zlib → base45 → HC1: → QR', () => {
  it('DCC-1 an issued certificate has the layers of the EU format, each readable back', () => {
    const hcert = samplePayload();
    const { hc1, cose, kid } = issueDcc(hcert, signing.signer, OPTIONS);

    expect(hc1.startsWith(HC1_PREFIX)).toBe(true);
    const compressed = decodeBase45(hc1.slice(HC1_PREFIX.length));
    expect(compressed[0]).toBe(0x78); // a zlib header (RFC 1950), deflate with a 32 KB window
    expect(Buffer.from(inflateSync(compressed)).equals(Buffer.from(cose))).toBe(true);
    expect(cose[0]).toBe(0xd2); // CBOR tag 18: COSE_Sign1

    const sign1 = decodeCoseSign1(cose);
    expect(sign1.protectedHeader.get(HEADER_ALG)).toBe(ES256);
    const dscSha256 = createHash('sha256').update(signing.dscCertificate.raw).digest();
    expect(Buffer.from(sign1.protectedHeader.get(HEADER_KID) as Uint8Array)).toEqual(
      dscSha256.subarray(0, 8),
    );
    expect(kid).toBe(dscSha256.subarray(0, 8).toString('base64'));
    expect(sign1.unprotectedHeader.size).toBe(0);

    const claims = decodeCbor(sign1.payload) as Map<number, unknown>;
    expect([...claims.keys()]).toEqual([1, 6, 4, -260]);
    expect(claims.get(1)).toBe('IT');
    expect(claims.get(6)).toBe(Date.parse('2022-03-02T08:00:00Z') / 1000);
    expect(claims.get(4)).toBe(Date.parse('2023-03-02T08:00:00Z') / 1000);
    expect(cborToJson(readCwt(sign1.payload).hcert)).toEqual(hcert);
  });

  it('DCC-1 the signature is ES256 as r‖s (64 bytes, IEEE P1363), verifiable with the DSC key', () => {
    const sign1 = decodeCoseSign1(issueDcc(samplePayload(), signing.signer, OPTIONS).cose);
    expect(sign1.signature.length).toBe(64);
    const data = sigStructure(sign1.protectedBytes, sign1.payload);
    const key = signing.dscCertificate.publicKey;
    expect(verify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, sign1.signature)).toBe(true);
    const tampered = Buffer.from(data);
    tampered[tampered.length - 1]! ^= 1;
    expect(verify('sha256', tampered, { key, dsaEncoding: 'ieee-p1363' }, sign1.signature)).toBe(false);
  });

  it('DCC-1 a payload outside the schema or the value sets is never signed', () => {
    const spoiled: Hcert = structuredClone(samplePayload());
    const entry: Partial<VaccinationEntry> = spoiled.v![0]!;
    entry.ma = 'ORG-99999999';
    expect(() => issueDcc(spoiled, signing.signer, OPTIONS)).toThrow(HcertError);
    delete entry.ma;
    expect(() => issueDcc(spoiled, signing.signer, OPTIONS)).toThrow(
      "/v/0: must have required property 'ma'",
    );
  });

  it('DCC-1 a certificate must expire after it is issued', () => {
    expect(() =>
      issueDcc(samplePayload(), signing.signer, { ...OPTIONS, expiresAt: OPTIONS.issuedAt }),
    ).toThrow(RangeError);
  });

  it('DCC-1 the QR code (PNG, error correction Q) reads back to the HC1: text', async () => {
    const { hc1 } = issueDcc(samplePayload(), signing.signer, OPTIONS);
    const png = await qrPng(hc1);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(readQrPng(png)).toBe(hc1);
  });

  it('DCC-1 the QR code is also available as SVG', async () => {
    const svg = await qrSvg('HC1:6BFOXN%TS3DH0YOJ58S S-W5HDC');
    expect(svg).toMatch(/^<svg [^>]*viewBox="0 0 \d+ \d+"/);
    expect(svg).toContain('<path');
  });

  it('DCC-1 a certificate issued here passes every step of the official test-vector format', async () => {
    const hcert = samplePayload();
    const { hc1, cose } = issueDcc(hcert, signing.signer, OPTIONS);
    const compressed = decodeBase45(hc1.slice(HC1_PREFIX.length));
    const vector = {
      JSON: hcert,
      CBOR: Buffer.from(encodeCbor(hcert)).toString('hex'),
      COSE: Buffer.from(cose).toString('hex'),
      COMPRESSED: Buffer.from(compressed).toString('hex'),
      BASE45: hc1.slice(HC1_PREFIX.length),
      PREFIX: hc1,
      '2DCODE': (await qrPng(hc1)).toString('base64'),
      TESTCTX: {
        CERTIFICATE: signing.dscCertificate.raw.toString('base64'),
        VALIDATIONCLOCK: '2022-04-20T10:00:00Z',
      },
      EXPECTEDRESULTS: Object.fromEntries(
        [
          'EXPECTEDVALIDOBJECT',
          'EXPECTEDSCHEMAVALIDATION',
          'EXPECTEDENCODE',
          'EXPECTEDDECODE',
          'EXPECTEDVERIFY',
          'EXPECTEDCOMPRESSION',
          'EXPECTEDKEYUSAGE',
          'EXPECTEDUNPREFIX',
          'EXPECTEDVALIDJSON',
          'EXPECTEDB45DECODE',
          'EXPECTEDPICTUREDECODE',
          'EXPECTEDEXPIRATIONCHECK',
        ].map((key) => [key, true]),
      ),
    };
    const results = vectorResults(runVector(vector));
    expect(results).toEqual(vector.EXPECTEDRESULTS);
  });
});

describe('DCC-2 dose number / total doses round-trip through encode and decode', () => {
  const JANSSEN = { mp: 'EU/1/20/1525', ma: 'ORG-100001417', vp: 'J07BX03' };
  it.each([
    ['1/2 after the first of two doses', { dn: 1, sd: 2 }, 'incomplete'],
    ['2/2 at the end of the cycle', { dn: 2, sd: 2 }, 'complete'],
    ['1/1 for the single-dose Janssen', { dn: 1, sd: 1, ...JANSSEN }, 'complete'],
    ['1/1 for one dose after a prior infection (VAX-18)', { dn: 1, sd: 1 }, 'complete'],
    ['3/3 for a booster', { dn: 3, sd: 3 }, 'booster'],
    ['2/2 for a booster after Janssen', { dn: 2, sd: 2, ...JANSSEN }, 'booster'],
    ['4/4 for an additional booster', { dn: 4, sd: 4 }, 'booster'],
  ] as const)('DCC-2 %s', (_what, doses, kind) => {
    const hcert = samplePayload(doses);
    const { hc1 } = issueDcc(hcert, signing.signer, OPTIONS);
    const decoded = cborToJson(readCwt(decodeCoseSign1(decodeHc1(hc1)).payload).hcert) as Hcert;
    expect(decoded.v?.[0]).toMatchObject({ dn: doses.dn, sd: doses.sd });
    expect(decoded).toEqual(hcert);
    expect(cycleKind(decoded.v![0]!)).toBe(kind);
    const verdict = verifyPass(
      hc1,
      new Date('2022-04-20T10:00:00Z'),
      trustList([signing.dscCertificate.raw]),
    );
    expect(verdict.entry).toMatchObject({ group: 'v', dn: doses.dn, sd: doses.sd });
    expect(verdict.reasons[0]?.detail).toContain(`dose ${doses.dn}/${doses.sd}`);
    expect(verdict.reasons[0]?.detail).toContain(`(${kind} cycle`);
  });
});

describe('DCC-1 the COSE frames written by hand', () => {
  it.each([0, 23, 24, 255, 256, 65_535, 65_536])(
    'DCC-1 the Sig_structure around a payload of %d bytes is what the CBOR encoder writes',
    (size) => {
      const protectedBytes = encodeCbor(new Map([[1, -7]]));
      const payload = Buffer.alloc(size, 7);
      expect(sigStructure(protectedBytes, payload)).toEqual(
        Buffer.from(encodeCbor(['Signature1', protectedBytes, new Uint8Array(0), payload])),
      );
    },
  );
});
