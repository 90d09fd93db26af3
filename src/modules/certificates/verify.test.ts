import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeBase45 } from './base45.ts';
import { encodeHc1, HC1_PREFIX } from './codec.ts';
import { decodeCoseSign1 } from './cose.ts';
import { issueDcc, type IssueOptions } from './issue.ts';
import { samplePayload, temporarySigning } from './testing.ts';
import { trustList, type TrustListEntry } from './trust-list.ts';
import { verifyPass } from './verify.ts';

let signing: Awaited<ReturnType<typeof temporarySigning>>;
let stranger: Awaited<ReturnType<typeof temporarySigning>>;
let testsOnly: Awaited<ReturnType<typeof temporarySigning>>;
let trust: TrustListEntry[];
beforeAll(async () => {
  signing = await temporarySigning();
  stranger = await temporarySigning();
  testsOnly = await temporarySigning({ kinds: ['t'] });
  trust = trustList([signing.dscCertificate.raw, testsOnly.dscCertificate.raw]);
});
afterAll(async () => {
  await Promise.all([signing.remove(), stranger.remove(), testsOnly.remove()]);
});

const OPTIONS: IssueOptions = {
  issuerCountry: 'IT',
  issuedAt: new Date('2022-05-02T18:00:00Z'),
  expiresAt: new Date('2023-05-02T18:00:00Z'),
};
/** A second dose given on 2022-05-02 in Italy: valid 2022-05-02 to 2022-10-29 under the April 2022 rules. */
const secondDose = () => issueDcc(samplePayload({ dt: '2022-05-02' }), signing.signer, OPTIONS).hc1;
const AT = new Date('2022-06-01T10:00:00Z');

describe('DCC-3 verifyPass: decode, signature, schema, key usage, CWT times, Italian rules', () => {
  it('DCC-3 a certificate signed by a trusted signer, in its Italian window, is valid, with holder and entry', () => {
    const verdict = verifyPass(secondDose(), AT, trust);
    expect(verdict).toMatchObject({
      status: 'valid',
      holder: { names: { fn: 'Rossi', fnt: 'ROSSI', gn: 'Mario', gnt: 'MARIO' }, dob: '1960-01-01' },
      entry: { group: 'v', mp: 'EU/1/20/1528', dn: 2, sd: 2, dt: '2022-05-02', co: 'IT' },
      rules: 'it-verifier-2022-04-14',
      signer: { kid: Buffer.from(signing.signer.kid).toString('base64'), country: 'IT' },
      issuedAt: '2022-05-02T18:00:00.000Z',
      expiresAt: '2023-05-02T18:00:00.000Z',
    });
    expect(verdict.reasons).toEqual([
      {
        code: 'IT_VALID',
        detail:
          'dose 2/2 of EU/1/20/1528 on 2022-05-02 (complete cycle, it-verifier-2022-04-14): valid in Italy 2022-05-02 to 2022-10-29',
      },
    ]);
  });

  it.each([
    ['2022-05-17T10:00:00Z', 'not_yet_valid', 'IT_NOT_YET_VALID'],
    ['2022-05-18T10:00:00Z', 'valid', 'IT_VALID'],
    ['2022-06-14T10:00:00Z', 'valid', 'IT_VALID'],
    ['2022-06-15T10:00:00Z', 'expired', 'IT_EXPIRED'],
  ])('DCC-3 first dose valid from day 15: a 1/2 of 2022-05-03, verified at %s, is %s', (at, status, code) => {
    const { hc1 } = issueDcc(samplePayload({ dn: 1, sd: 2, dt: '2022-05-03' }), signing.signer, OPTIONS);
    const verdict = verifyPass(hc1, new Date(at), trust);
    expect(verdict.status).toBe(status);
    expect(verdict.reasons[0]?.code).toBe(code);
  });

  it('DCC-3 before the CWT was issued the certificate is not yet valid', () => {
    const verdict = verifyPass(secondDose(), new Date('2022-05-02T17:59:59Z'), trust);
    expect(verdict.status).toBe('not_yet_valid');
    expect(verdict.reasons[0]?.code).toBe('CWT_NOT_YET_ISSUED');
  });

  it('DCC-3 after the CWT expiry the certificate is expired, whatever the Italian window says', () => {
    const { hc1 } = issueDcc(samplePayload({ dn: 3, sd: 3, dt: '2022-05-02' }), signing.signer, OPTIONS);
    const verdict = verifyPass(hc1, new Date('2023-05-02T18:00:01Z'), trust);
    expect(verdict.status).toBe('expired');
    expect(verdict.reasons[0]?.code).toBe('CWT_EXPIRED');
  });

  it('DCC-3 a signer missing from the trust list makes the certificate invalid', () => {
    const { hc1 } = issueDcc(samplePayload(), stranger.signer, OPTIONS);
    const verdict = verifyPass(hc1, AT, trust);
    expect(verdict.status).toBe('invalid');
    expect(verdict.reasons[0]?.code).toBe('KID_UNKNOWN');
    expect(verdict.holder?.dob).toBe('1960-01-01');
  });

  it('DCC-3 a trusted kid whose key did not sign makes the certificate invalid', () => {
    const { hc1 } = issueDcc(samplePayload(), stranger.signer, OPTIONS);
    const impostor = [
      { kid: Buffer.from(stranger.signer.kid).toString('base64'), certificate: trust[0]!.certificate },
    ];
    expect(verifyPass(hc1, AT, impostor).reasons[0]?.code).toBe('SIGNATURE_INVALID');
  });

  it('DCC-3 a payload changed after signing makes the certificate invalid', () => {
    const cose = Buffer.from(issueDcc(samplePayload(), signing.signer, OPTIONS).cose);
    const at = cose.indexOf(Buffer.from('Rossi'));
    cose.write('Russi', at);
    expect(decodeCoseSign1(cose).payload.length).toBeGreaterThan(0);
    expect(verifyPass(encodeHc1(cose), AT, trust).reasons[0]?.code).toBe('SIGNATURE_INVALID');
  });

  it('DCC-3 a signer allowed to sign tests only cannot sign a vaccination', () => {
    const { hc1 } = issueDcc(samplePayload(), testsOnly.signer, OPTIONS);
    const verdict = verifyPass(hc1, AT, trust);
    expect(verdict.status).toBe('invalid');
    expect(verdict.reasons[0]).toEqual({
      code: 'KEY_USAGE',
      detail: "the signer's extended key usages do not allow vaccination certificates",
    });
  });

  it.each([
    ['another context', (hc1: string) => `HC2:${hc1.slice(4)}`, 'DECODE_PREFIX'],
    ['no context at all', (hc1: string) => hc1.slice(4), 'DECODE_PREFIX'],
    ['a character outside base45', (hc1: string) => `${hc1.slice(0, 10)}a${hc1.slice(11)}`, 'DECODE_BASE45'],
    [
      'bytes that are not zlib',
      () => HC1_PREFIX + encodeBase45(Buffer.from('not compressed at all')),
      'DECODE_ZLIB',
    ],
  ])('DCC-3 a text with %s is invalid and says which step failed', (_what, spoil, code) => {
    const verdict = verifyPass(spoil(secondDose()), AT, trust);
    expect(verdict.status).toBe('invalid');
    expect(verdict.reasons[0]?.code).toBe(code);
  });

  it('DCC-3 before any known Italian rules version there is no verdict of validity', () => {
    const { hc1 } = issueDcc(samplePayload({ dt: '2021-06-01' }), signing.signer, {
      ...OPTIONS,
      issuedAt: new Date('2021-06-02T00:00:00Z'),
    });
    const verdict = verifyPass(hc1, new Date('2021-07-01T10:00:00Z'), trust);
    expect(verdict.status).toBe('invalid');
    expect(verdict.reasons[0]?.code).toBe('IT_NO_RULES');
  });
});
