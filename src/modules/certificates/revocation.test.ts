import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueDcc, type IssueOptions } from './issue.ts';
import { isRevocationList, revocationCheck, uvciHash, type RevocationList } from './revocation.ts';
import { samplePayload, temporarySigning } from './testing.ts';
import { trustList, type TrustListEntry } from './trust-list.ts';
import { verifyPass } from './verify.ts';

let signing: Awaited<ReturnType<typeof temporarySigning>>;
let trust: TrustListEntry[];
beforeAll(async () => {
  signing = await temporarySigning();
  trust = trustList([signing.dscCertificate.raw]);
});
afterAll(() => signing.remove());

const OPTIONS: IssueOptions = {
  issuerCountry: 'IT',
  issuedAt: new Date('2022-05-02T18:00:00Z'),
  expiresAt: new Date('2023-05-02T18:00:00Z'),
};
const UVCI = 'URN:UVCI:01:IT:8B3B3C8C5C5C4E3B8C5C5C4E3B8C';
/** A 2/2 given on 2022-05-02, valid in Italy 2022-05-02 to 2022-10-29 (see verify.test.ts). */
const pass = (ci = UVCI) => issueDcc(samplePayload({ dt: '2022-05-02', ci }), signing.signer, OPTIONS).hc1;
const AT = new Date('2022-06-01T10:00:00Z');
const listOf = (...uvcis: string[]): RevocationList => ({
  generatedAt: '2022-06-01T09:00:00.000Z',
  hashType: 'UCI',
  hashes: uvcis.map(uvciHash).sort(),
});

describe('DCC-3 revocation list: UCI hashes', () => {
  it('DCC-3 the UCI hash is the base64 of the first 16 bytes of the SHA-256 of the UVCI as in ci', () => {
    // Computed apart: printf %s "$UVCI" | openssl dgst -sha256 -binary | head -c 16 | base64
    expect(uvciHash(UVCI)).toBe('2DpodOwoTM7R7ilLlRzGAQ==');
    expect(Buffer.from(uvciHash(UVCI), 'base64')).toHaveLength(16);
    // The text as the payload carries it: another spelling is another certificate.
    expect(uvciHash(UVCI.toLowerCase())).not.toBe(uvciHash(UVCI));
  });

  it.each([
    [listOf(UVCI), true],
    [{ generatedAt: '2022-06-01T09:00:00Z', hashType: 'UCI', hashes: [] }, true],
    [{ generatedAt: '2022-06-01T09:00:00Z', hashType: 'SIGNATURE', hashes: [] }, false],
    [{ generatedAt: 'yesterday', hashType: 'UCI', hashes: [] }, false],
    [{ generatedAt: '2022-06-01T09:00:00Z', hashType: 'UCI', hashes: [UVCI] }, false],
    [{ generatedAt: '2022-06-01T09:00:00Z', hashType: 'UCI' }, false],
    [[uvciHash(UVCI)], false],
    [null, false],
  ])('DCC-3 %j is a revocation list: %s', (value, expected) => {
    expect(isRevocationList(value)).toBe(expected);
  });
});

describe('DCC-3 verifyPass with a revocation list', () => {
  it('DCC-3 a revoked certificate verifies as invalid, reason REVOKED, even inside its validity window', () => {
    const verdict = verifyPass(pass(), AT, trust, { revocation: revocationCheck(listOf('other', UVCI)) });
    expect(verdict.status).toBe('invalid');
    expect(verdict.reasons).toEqual([
      {
        code: 'REVOKED',
        detail: `the certificate ${UVCI} is revoked (revocation list of 2022-06-01T09:00:00.000Z)`,
      },
    ]);
    expect(verdict).toMatchObject({ revocationChecked: true, entry: { ci: UVCI } });
  });

  it('DCC-3 a revoked certificate past its validity is still refused as revoked (revocation comes first)', () => {
    const verdict = verifyPass(pass(), new Date('2022-11-01T10:00:00Z'), trust, {
      revocation: revocationCheck(listOf(UVCI)),
    });
    expect(verdict.status).toBe('invalid');
    expect(verdict.reasons[0]?.code).toBe('REVOKED');
  });

  it('DCC-3 a certificate not on the list is judged by the rules, the list checked', () => {
    const verdict = verifyPass(pass(), AT, trust, {
      revocation: revocationCheck(listOf('URN:UVCI:01:IT:X')),
    });
    expect(verdict).toMatchObject({ status: 'valid', revocationChecked: true });
    expect(verdict.reasons.map((r) => r.code)).toEqual(['IT_VALID']);
  });

  it('DCC-3 without a list the verdict is the same as before and says it checked none', () => {
    const verdict = verifyPass(pass(), AT, trust);
    expect(verdict).toMatchObject({ status: 'valid', revocationChecked: false });
    expect(verdict.reasons.map((r) => r.code)).toEqual(['IT_VALID']);
  });

  it('DCC-3 when the list could not be read the verdict stands and its last reason says revocation was not checked', () => {
    const verdict = verifyPass(pass(), AT, trust, { revocation: { kind: 'unavailable', why: 'timeout' } });
    expect(verdict).toMatchObject({ status: 'valid', revocationChecked: false });
    expect(verdict.reasons.map((r) => r.code)).toEqual(['IT_VALID', 'REVOCATION_NOT_CHECKED']);
    expect(verdict.reasons[1]?.detail).toContain('timeout');
  });

  it('DCC-3 a pass refused before the revocation step (bad signature) is not called revoked', () => {
    const stranger = trustList([]);
    const verdict = verifyPass(pass(), AT, stranger, { revocation: revocationCheck(listOf(UVCI)) });
    expect(verdict.reasons[0]?.code).toBe('KID_UNKNOWN');
    expect(verdict.revocationChecked).toBe(false);
  });
});
