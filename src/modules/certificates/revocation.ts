import { createHash } from 'node:crypto';

/*
 * DCC-3: certificate revocation as the EU DCC revocation approach does it. The list carries no UVCI in
 * clear, only hashes; of the approach's three hash types (UCI, COUNTRYCODEUCI, SIGNATURE) this is the
 * UCI one: SHA-256 of the UVCI exactly as the payload's `ci` carries it (UTF-8, `URN:UVCI:…`), the first
 * 16 bytes (128 bits), base64. A verifier hashes the `ci` of the certificate in hand and looks it up.
 * Pure: no I/O.
 */

export const REVOCATION_HASH_TYPE = 'UCI';
/** The part of the SHA-256 the lists keep: 128 bits. */
export const REVOCATION_HASH_BYTES = 16;

/** The revocation list as the certificate platform serves it (GET /dgc/revocation-list). */
export interface RevocationList {
  /** When the platform produced this list. */
  generatedAt: string;
  hashType: typeof REVOCATION_HASH_TYPE;
  /** Base64 UCI hashes of the revoked certificates, sorted. */
  hashes: string[];
}

/** The UCI hash of a UVCI: base64 of the first 16 bytes of its SHA-256. */
export function uvciHash(uvci: string): string {
  return createHash('sha256')
    .update(uvci, 'utf8')
    .digest()
    .subarray(0, REVOCATION_HASH_BYTES)
    .toString('base64');
}

const BASE64_HASH = /^[A-Za-z0-9+/]{22}==$/;

/** Whether a parsed JSON value is a revocation list of UCI hashes (a file given to `dcc verify`). */
export function isRevocationList(value: unknown): value is RevocationList {
  if (typeof value !== 'object' || value === null) return false;
  const { generatedAt, hashType, hashes } = value as Partial<RevocationList>;
  return (
    typeof generatedAt === 'string' &&
    !Number.isNaN(new Date(generatedAt).getTime()) &&
    hashType === REVOCATION_HASH_TYPE &&
    Array.isArray(hashes) &&
    hashes.every((hash) => typeof hash === 'string' && BASE64_HASH.test(hash))
  );
}

/**
 * What the verifier knows of revocations: a list (its hashes as a set), or that none could be had (the
 * platform did not answer), in which case the verdict says the check was not done.
 */
export type RevocationCheck =
  { kind: 'list'; generatedAt: string; hashes: ReadonlySet<string> } | { kind: 'unavailable'; why: string };

export function revocationCheck(list: RevocationList): RevocationCheck {
  return { kind: 'list', generatedAt: list.generatedAt, hashes: new Set(list.hashes) };
}
