import { HcertError, issuableProblems, type Hcert } from './hcert.ts';
import { signCwt, type CoseSigner } from './cose.ts';
import { encodeHc1 } from './codec.ts';

/** DCC-1: issuing a certificate, from its payload to the `HC1:` text the QR code carries. */

export interface IssueOptions {
  /** CWT `iss`: the issuing country, ISO 3166-1 alpha-2. */
  issuerCountry: string;
  issuedAt: Date;
  expiresAt: Date;
}

export interface IssuedDcc {
  hc1: string;
  /** The COSE_Sign1, for callers that store or hand over the signed object itself. */
  cose: Uint8Array;
  /** Base64 of the signer's kid: the trust-list entry a verifier will look up. */
  kid: string;
}

/**
 * Signs and encodes a payload. The payload is checked again here (schema and value sets): a payload
 * that would fail a verifier is never signed, whoever built it.
 */
export function issueDcc(hcert: Hcert, signer: CoseSigner, options: IssueOptions): IssuedDcc {
  const problems = issuableProblems(hcert);
  if (problems.length > 0) throw new HcertError(problems);
  if (options.expiresAt.getTime() <= options.issuedAt.getTime()) {
    throw new RangeError('a certificate must expire after it is issued');
  }
  const cose = signCwt(
    { iss: options.issuerCountry, issuedAt: options.issuedAt, expiresAt: options.expiresAt, hcert },
    signer,
  );
  return { hc1: encodeHc1(cose), cose, kid: Buffer.from(signer.kid).toString('base64') };
}
