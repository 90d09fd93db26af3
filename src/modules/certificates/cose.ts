import { constants, createHash, sign, verify, type KeyObject } from 'node:crypto';
import { Decoder, Encoder, Tag } from 'cbor-x';

/**
 * COSE_Sign1 (RFC 9052) around a CBOR Web Token (RFC 8392): the signed envelope of a DCC (DCC-1).
 * Maps with integer keys are CBOR maps, so they are handled as `Map`s throughout; byte strings are
 * plain byte strings (no typed-array tag).
 */

export const COSE_SIGN1_TAG = 18;
export const CWT_TAG = 61;
export const HEADER_ALG = 1;
export const HEADER_KID = 4;
export const ES256 = -7;
export const PS256 = -37;
export const CLAIM_ISS = 1;
export const CLAIM_EXP = 4;
export const CLAIM_IAT = 6;
export const CLAIM_HCERT = -260;
export const HCERT_V1 = 1;

const encoder = new Encoder({
  useRecords: false,
  mapsAsObjects: false,
  variableMapSize: true,
  tagUint8Array: false,
  pack: false,
});
const decoder = new Decoder({ useRecords: false, mapsAsObjects: false });

export function encodeCbor(value: unknown): Uint8Array {
  return encoder.encode(value);
}

/** Throws on malformed CBOR and on bytes left after the first item. */
export function decodeCbor(bytes: Uint8Array): unknown {
  return decoder.decode(bytes) as unknown;
}

/** DCC-1: the key identifier of a signing certificate, the first 8 bytes of the SHA-256 of its DER. */
export function kidOf(certificateDer: Uint8Array): Buffer {
  return createHash('sha256').update(certificateDer).digest().subarray(0, 8);
}

export interface CoseSigner {
  privateKey: KeyObject;
  kid: Uint8Array;
}

export interface CwtClaims {
  /** Issuing country, ISO 3166-1 alpha-2. */
  iss: string;
  issuedAt: Date;
  expiresAt: Date;
  hcert: unknown;
}

/** The size of the CBOR head of a byte string of `length` bytes (major type 2, RFC 8949 §3.1). */
const headSize = (length: number): number =>
  length < 24 ? 1 : length < 0x100 ? 2 : length < 0x10000 ? 3 : 5;

/** Writes a byte string (head, then bytes) at `at`; answers where the next item starts. */
function writeByteString(target: Buffer, at: number, bytes: Uint8Array): number {
  const length = bytes.length;
  if (length < 24) target[at++] = 0x40 | length;
  else if (length < 0x100) {
    target[at++] = 0x58;
    target[at++] = length;
  } else if (length < 0x10000) {
    target[at++] = 0x59;
    at = target.writeUInt16BE(length, at);
  } else {
    target[at++] = 0x5a;
    at = target.writeUInt32BE(length, at);
  }
  target.set(bytes, at);
  return at + length;
}

/** `[` (array of 4) `"Signature1"`: the fixed start of every Sig_structure of a COSE_Sign1. */
const SIG_STRUCTURE_START = Buffer.concat([Buffer.from([0x84]), Buffer.from(encodeCbor('Signature1'))]);
/** An empty byte string: the external additional data, which the DCC does not use. */
const EMPTY_BYTES = 0x40;
/** Tag 18 (COSE_Sign1), array of 4. */
const COSE_SIGN1_START = Buffer.from([0xd2, 0x84]);
/** An empty map: the unprotected header. */
const EMPTY_MAP = 0xa0;

/**
 * The bytes signed (RFC 9052 §4.4): ["Signature1", protected, external_aad = h'', payload]. Written by
 * hand rather than through the encoder: it is a few heads around bytes already encoded, and issuance
 * builds it for every certificate (PERF-6).
 */
export function sigStructure(protectedBytes: Uint8Array, payload: Uint8Array): Buffer {
  const size =
    SIG_STRUCTURE_START.length +
    headSize(protectedBytes.length) +
    protectedBytes.length +
    1 +
    headSize(payload.length) +
    payload.length;
  const out = Buffer.allocUnsafe(size);
  SIG_STRUCTURE_START.copy(out, 0);
  let at = writeByteString(out, SIG_STRUCTURE_START.length, protectedBytes);
  out[at++] = EMPTY_BYTES;
  writeByteString(out, at, payload);
  return out;
}

/** The tagged COSE_Sign1 [protected, {}, payload, signature], written by hand like the Sig_structure. */
function coseSign1(protectedBytes: Uint8Array, payload: Uint8Array, signature: Uint8Array): Buffer {
  const size =
    COSE_SIGN1_START.length +
    headSize(protectedBytes.length) +
    protectedBytes.length +
    1 +
    headSize(payload.length) +
    payload.length +
    headSize(signature.length) +
    signature.length;
  const out = Buffer.allocUnsafe(size);
  COSE_SIGN1_START.copy(out, 0);
  let at = writeByteString(out, COSE_SIGN1_START.length, protectedBytes);
  out[at++] = EMPTY_MAP;
  at = writeByteString(out, at, payload);
  writeByteString(out, at, signature);
  return out;
}

const protectedHeaders = new WeakMap<CoseSigner, Buffer>();

/** {alg: ES256, kid}, encoded once per signer: it is the same for all its certificates. */
function protectedHeaderOf(signer: CoseSigner): Buffer {
  let bytes = protectedHeaders.get(signer);
  if (bytes === undefined) {
    bytes = Buffer.from(
      encodeCbor(
        new Map<number, unknown>([
          [HEADER_ALG, ES256],
          [HEADER_KID, signer.kid],
        ]),
      ),
    );
    protectedHeaders.set(signer, bytes);
  }
  return bytes;
}

const seconds = (at: Date): number => Math.floor(at.getTime() / 1000);

/**
 * DCC-1: the CWT claims (iss, iat, exp, hcert {1: payload}) signed as a tagged COSE_Sign1 with ES256:
 * protected header {alg: -7, kid}, empty unprotected header, the signature as r‖s (IEEE P1363), not DER.
 */
export function signCwt(claims: CwtClaims, signer: CoseSigner): Uint8Array {
  const protectedBytes = protectedHeaderOf(signer);
  const payload = encodeCbor(
    new Map<number, unknown>([
      [CLAIM_ISS, claims.iss],
      [CLAIM_IAT, seconds(claims.issuedAt)],
      [CLAIM_EXP, seconds(claims.expiresAt)],
      [CLAIM_HCERT, new Map([[HCERT_V1, claims.hcert]])],
    ]),
  );
  const signature = sign('sha256', sigStructure(protectedBytes, payload), {
    key: signer.privateKey,
    dsaEncoding: 'ieee-p1363',
  });
  return coseSign1(protectedBytes, payload, signature);
}

export class CoseError extends Error {
  override readonly name = 'CoseError';
}

export interface CoseSign1 {
  protectedBytes: Uint8Array;
  protectedHeader: Map<unknown, unknown>;
  unprotectedHeader: Map<unknown, unknown>;
  payload: Uint8Array;
  signature: Uint8Array;
}

const isBytes = (value: unknown): value is Uint8Array => value instanceof Uint8Array;

/**
 * A COSE_Sign1 as issuers send it: tagged 18, untagged, or tag 18 inside the CWT tag 61 (both are
 * allowed by RFC 8392; test vector common/CO28 has the latter).
 */
export function decodeCoseSign1(bytes: Uint8Array): CoseSign1 {
  let item: unknown;
  try {
    item = decodeCbor(bytes);
  } catch (error) {
    throw new CoseError(`not CBOR: ${(error as Error).message}`);
  }
  if (item instanceof Tag && item.tag === CWT_TAG) item = item.value;
  if (item instanceof Tag) {
    if (item.tag !== COSE_SIGN1_TAG) throw new CoseError(`CBOR tag ${item.tag} is not COSE_Sign1 (18)`);
    item = item.value;
  }
  if (!Array.isArray(item) || item.length !== 4) throw new CoseError('a COSE_Sign1 is an array of 4 items');
  const [protectedBytes, unprotectedHeader, payload, signature] = item as unknown[];
  if (!isBytes(protectedBytes) || !isBytes(payload) || !isBytes(signature)) {
    throw new CoseError('the protected header, payload and signature of a COSE_Sign1 are byte strings');
  }
  if (!(unprotectedHeader instanceof Map)) throw new CoseError('the unprotected header is not a map');
  let protectedHeader: unknown = new Map();
  if (protectedBytes.length > 0) {
    try {
      protectedHeader = decodeCbor(protectedBytes);
    } catch (error) {
      throw new CoseError(`the protected header is not CBOR: ${(error as Error).message}`);
    }
  }
  if (!(protectedHeader instanceof Map)) throw new CoseError('the protected header is not a map');
  return {
    protectedBytes,
    protectedHeader: protectedHeader as Map<unknown, unknown>,
    unprotectedHeader: unprotectedHeader as Map<unknown, unknown>,
    payload,
    signature,
  };
}

/** A header parameter from the protected header, else from the unprotected one (as verifiers pick the kid). */
export function headerParameter(cose: CoseSign1, label: number): unknown {
  return cose.protectedHeader.has(label)
    ? cose.protectedHeader.get(label)
    : cose.unprotectedHeader.get(label);
}

export function coseKid(cose: CoseSign1): Uint8Array | undefined {
  const kid = headerParameter(cose, HEADER_KID);
  return isBytes(kid) ? kid : undefined;
}

/**
 * Whether the signature verifies with the key, for the two algorithms the DCC allows: ES256 (P-256,
 * r‖s) and PS256 (RSASSA-PSS, SHA-256, MGF1 SHA-256). The PSS salt length is recovered from the
 * signature: issuers differ, and the length adds nothing to the check's strength.
 */
export function verifyCoseSignature(cose: CoseSign1, publicKey: KeyObject): boolean {
  const alg = headerParameter(cose, HEADER_ALG);
  const data = sigStructure(cose.protectedBytes, cose.payload);
  try {
    if (alg === ES256) {
      if (publicKey.asymmetricKeyType !== 'ec') return false;
      return verify('sha256', data, { key: publicKey, dsaEncoding: 'ieee-p1363' }, cose.signature);
    }
    if (alg === PS256) {
      if (publicKey.asymmetricKeyType !== 'rsa' && publicKey.asymmetricKeyType !== 'rsa-pss') return false;
      return verify(
        'sha256',
        data,
        {
          key: publicKey,
          padding: constants.RSA_PKCS1_PSS_PADDING,
          saltLength: constants.RSA_PSS_SALTLEN_AUTO,
        },
        cose.signature,
      );
    }
  } catch {
    return false;
  }
  return false;
}

export interface CwtContent {
  iss: string | undefined;
  /** Seconds since the epoch; issuers write integers or, some, floats. */
  iat: number | undefined;
  exp: number | undefined;
  /** The payload under claim -260 key 1, still as CBOR decoded it (maps as `Map`). */
  hcert: unknown;
}

/** The CWT claims of a COSE payload; throws when the payload is no claims map or has no HCERT. */
export function readCwt(payload: Uint8Array): CwtContent {
  let claims: unknown;
  try {
    claims = decodeCbor(payload);
  } catch (error) {
    throw new CoseError(`the payload is not CBOR: ${(error as Error).message}`);
  }
  if (!(claims instanceof Map)) throw new CoseError('the CWT payload is not a map of claims');
  const hcertClaim: unknown = claims.get(CLAIM_HCERT);
  if (!(hcertClaim instanceof Map) || !hcertClaim.has(HCERT_V1)) {
    throw new CoseError('the CWT has no HCERT claim (-260) with a payload under key 1');
  }
  const number = (value: unknown): number | undefined => (typeof value === 'number' ? value : undefined);
  const iss: unknown = claims.get(CLAIM_ISS);
  return {
    iss: typeof iss === 'string' ? iss : undefined,
    iat: number(claims.get(CLAIM_IAT)),
    exp: number(claims.get(CLAIM_EXP)),
    hcert: hcertClaim.get(HCERT_V1),
  };
}

/**
 * A decoded CBOR payload as the JSON the schema describes: maps become objects (their keys must be
 * text), dates that issuers wrote as CBOR tags 0/1 become ISO 8601 text. Anything else JSON cannot
 * hold is kept, and the schema refuses it.
 */
export function cborToJson(value: unknown): unknown {
  if (value instanceof Map) {
    const object: Record<string, unknown> = {};
    for (const [key, item] of value as Map<unknown, unknown>) {
      if (typeof key !== 'string') throw new CoseError(`a payload map has the non-text key ${String(key)}`);
      // defineProperty: a `__proto__` key from a hostile payload stays a plain field.
      Object.defineProperty(object, key, {
        value: cborToJson(item),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return object;
  }
  if (Array.isArray(value)) return value.map(cborToJson);
  if (value instanceof Date) return value.toISOString().replace('.000Z', 'Z');
  return value;
}
