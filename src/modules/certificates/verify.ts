import type { X509Certificate } from 'node:crypto';
import { romeDate } from '../../platform/clock.ts';
import { decodeHc1, Hc1Error } from './codec.ts';
import {
  cborToJson,
  coseKid,
  CoseError,
  decodeCoseSign1,
  readCwt,
  verifyCoseSignature,
  type CoseSign1,
  type CwtContent,
} from './cose.ts';
import { checkHcert, entryOf, type DccEntry, type Hcert, type Holder } from './hcert.ts';
import { keyUsageAllows } from './key-usage.ts';
import { uvciHash, type RevocationCheck } from './revocation.ts';
import { trustIndex, type TrustedSigner, type TrustListEntry } from './trust-list.ts';
import {
  italianValidity,
  italianValidityRules,
  rulesInForce,
  type Reason,
  type ValidityRules,
  type ValidityStatus,
} from './validity-rules.ts';

/**
 * DCC-3: the verifier, in the role of the national verification app. It decodes an `HC1:` text,
 * checks the signature against the trust list, the payload against the schema, the signer's key usage,
 * the CWT's issue and expiry times, and then the Italian validity rules in force at the given instant.
 */

export interface PassVerdict {
  status: ValidityStatus;
  /** Why, in order: the first reason decided the status, the others add to it. */
  reasons: Reason[];
  /** As the certificate states it; unverified when the status is `invalid` for want of a signer. */
  holder: Holder | null;
  entry: DccEntry | null;
  /** The Italian rules version applied, when the verification got that far. */
  rules: string | null;
  /** The signer that verified, when one did. */
  signer: { kid: string; subject: string; country: string | null } | null;
  issuedAt: string | null;
  expiresAt: string | null;
  /** Whether a revocation list was consulted: false without one, or when the verdict came before it. */
  revocationChecked: boolean;
}

/** The trusted signer whose certificate verifies the COSE signature, by the kid (protected header first). */
export function findSigner(
  cose: CoseSign1,
  trust: readonly TrustListEntry[],
): { signer: TrustedSigner; reason?: undefined } | { signer?: undefined; reason: Reason } {
  const kid = coseKid(cose);
  if (kid === undefined) {
    return { reason: { code: 'KID_MISSING', detail: 'the COSE headers carry no key identifier' } };
  }
  const kidText = Buffer.from(kid).toString('base64');
  const candidates = trustIndex(trust).byKid.get(kidText) ?? [];
  if (candidates.length === 0) {
    return { reason: { code: 'KID_UNKNOWN', detail: `no trusted signer has the kid ${kidText}` } };
  }
  const signer = candidates.find((candidate) => verifyCoseSignature(cose, candidate.publicKey));
  if (signer === undefined) {
    return {
      reason: {
        code: 'SIGNATURE_INVALID',
        detail: `the signature does not verify with the signer of kid ${kidText}`,
      },
    };
  }
  return { signer };
}

const country = (certificate: X509Certificate): string | null =>
  /(?:^|\n)C=([A-Z]{2})/.exec(certificate.subject)?.[1] ?? null;

const instant = (seconds: number | undefined): string | null =>
  seconds === undefined ? null : new Date(seconds * 1000).toISOString();

function holderOf(payload: unknown): Holder | null {
  if (typeof payload !== 'object' || payload === null) return null;
  const { nam, dob } = payload as Partial<Hcert>;
  if (typeof nam !== 'object' || nam === null) return null;
  return { names: nam, dob: typeof dob === 'string' ? dob : '' };
}

/**
 * DCC-3: the verdict on a pass at an instant with a trust list. `rules` defaults to the committed
 * Italian validity rules; the version in force at `at` is applied.
 */
export function verifyPass(
  hc1: string,
  at: Date,
  trust: readonly TrustListEntry[],
  options: { rules?: readonly ValidityRules[]; revocation?: RevocationCheck } = {},
): PassVerdict {
  if (Number.isNaN(at.getTime())) throw new RangeError('verifyPass needs a valid instant');
  const verdict: PassVerdict = {
    status: 'invalid',
    reasons: [],
    holder: null,
    entry: null,
    rules: null,
    signer: null,
    issuedAt: null,
    expiresAt: null,
    revocationChecked: false,
  };
  const refuse = (code: string, detail: string): PassVerdict => {
    verdict.status = 'invalid';
    verdict.reasons.unshift({ code, detail });
    return verdict;
  };

  let cose: CoseSign1;
  let cwt: CwtContent;
  try {
    cose = decodeCoseSign1(decodeHc1(hc1));
    cwt = readCwt(cose.payload);
  } catch (error) {
    if (error instanceof Hc1Error) return refuse(`DECODE_${error.step.toUpperCase()}`, error.message);
    if (error instanceof CoseError) return refuse('DECODE_COSE', error.message);
    throw error;
  }
  verdict.issuedAt = instant(cwt.iat);
  verdict.expiresAt = instant(cwt.exp);
  let payload: unknown;
  try {
    payload = cborToJson(cwt.hcert);
  } catch (error) {
    return refuse('PAYLOAD_SCHEMA', (error as Error).message);
  }
  verdict.holder = holderOf(payload);

  const found = findSigner(cose, trust);
  if (found.reason) return refuse(found.reason.code, found.reason.detail);
  const { signer } = found;
  verdict.signer = {
    kid: signer.kid,
    subject: signer.certificate.subject.replace(/\n/g, ', '),
    country: country(signer.certificate),
  };

  const check = checkHcert(payload);
  if (!check.valid) return refuse('PAYLOAD_SCHEMA', check.problems.join('; '));
  verdict.entry = entryOf(check.hcert);
  if (!keyUsageAllows(signer.certificate, check.group)) {
    return refuse(
      'KEY_USAGE',
      `the signer's extended key usages do not allow ${{ v: 'vaccination', t: 'test', r: 'recovery' }[check.group]} certificates`,
    );
  }

  // DCC-3 revocation: on a certificate whose signature and content hold, before its times and rules: a
  // revoked certificate is invalid whatever its dates say.
  const revocation = options.revocation;
  if (revocation?.kind === 'list') {
    verdict.revocationChecked = true;
    const uvci = verdict.entry?.ci;
    if (uvci !== undefined && revocation.hashes.has(uvciHash(uvci))) {
      return refuse(
        'REVOKED',
        `the certificate ${uvci} is revoked (revocation list of ${revocation.generatedAt})`,
      );
    }
  }
  const decided = ((): PassVerdict => {
    if (cwt.iat !== undefined && at.getTime() < cwt.iat * 1000) {
      verdict.status = 'not_yet_valid';
      verdict.reasons.push({
        code: 'CWT_NOT_YET_ISSUED',
        detail: `issued at ${verdict.issuedAt}, after ${at.toISOString()}`,
      });
      return verdict;
    }
    if (cwt.exp === undefined) return refuse('CWT_NO_EXPIRY', 'the CWT has no expiry (claim 4)');
    if (at.getTime() > cwt.exp * 1000) {
      verdict.status = 'expired';
      verdict.reasons.push({
        code: 'CWT_EXPIRED',
        detail: `the signed certificate expired at ${verdict.expiresAt}`,
      });
      return verdict;
    }

    const rules = rulesInForce(options.rules ?? italianValidityRules(), at);
    if (rules === undefined) {
      return refuse('IT_NO_RULES', `no Italian validity rules are known in force on ${romeDate(at)}`);
    }
    const validity = italianValidity(check.hcert, at, rules);
    verdict.rules = rules.id;
    verdict.status = validity.status;
    verdict.reasons.push(...validity.reasons);
    // Said, not decisive: real certificates carry such codes (see checkHcert), the rules above decide.
    for (const problem of check.valueSetProblems)
      verdict.reasons.push({ code: 'VALUE_SET_UNKNOWN', detail: problem });
    return verdict;
  })();
  // Said last, not decisive: the verdict stands, without the revocation check it would have had.
  if (revocation?.kind === 'unavailable') {
    decided.reasons.push({
      code: 'REVOCATION_NOT_CHECKED',
      detail: `the revocation list could not be read (${revocation.why}): revocation not checked`,
    });
  }
  return decided;
}
