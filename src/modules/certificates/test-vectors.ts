import { isDeepStrictEqual } from 'node:util';
import { HC1_PREFIX, inflate, unbase45, unprefix } from './codec.ts';
import {
  cborToJson,
  CLAIM_HCERT,
  coseKid,
  decodeCbor,
  decodeCoseSign1,
  encodeCbor,
  HCERT_V1,
  readCwt,
} from './cose.ts';
import { checkHcert } from './hcert.ts';
import { keyUsageAllows } from './key-usage.ts';
import { readQrPng } from './qr.ts';
import { trustIndex, trustList, type TrustListEntry } from './trust-list.ts';
import { findSigner } from './verify.ts';

/**
 * DCC-3: runs the steps of the official EU DCC test vectors (eu-digital-green-certificates/dgc-testdata)
 * on one vector file and answers, for each key of its EXPECTEDRESULTS, what this implementation finds:
 * true, false, or null when the step cannot run (the file lacks its input, or the key names no step).
 * The step definitions follow that repository's README ("Code Validation").
 */

export type StepResult = boolean | null;

export interface StepOutcome {
  result: StepResult;
  /** Why, in a few words: what failed, or why the step did not run. */
  note: string;
}

export interface VectorOptions {
  /** Instead of TESTCTX.VALIDATIONCLOCK. */
  at?: Date;
  /** Instead of TESTCTX.CERTIFICATE. */
  trust?: readonly TrustListEntry[];
}

interface Vector {
  JSON?: unknown;
  CBOR?: string;
  COSE?: string;
  COMPRESSED?: string;
  BASE45?: string;
  PREFIX?: string;
  '2DCODE'?: string;
  TESTCTX?: { CERTIFICATE?: string; VALIDATIONCLOCK?: string };
  EXPECTEDRESULTS?: Record<string, unknown>;
}

/** Whether a parsed JSON value looks like a test-vector file. */
export function isTestVector(value: unknown): boolean {
  return typeof value === 'object' && value !== null && 'EXPECTEDRESULTS' in value;
}

/**
 * The vector format's clocks: ISO 8601 with or without a zone (none means UTC, as the upstream runner
 * reads them), up to 7 decimals, offsets with or without a colon.
 */
export function parseValidationClock(text: string): Date | undefined {
  let normalized = text.trim().replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  if (!/(Z|[+-]\d{2}:\d{2})$/i.test(normalized)) normalized += 'Z';
  const at = new Date(normalized);
  return Number.isNaN(at.getTime()) ? undefined : at;
}

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * Two payloads compared as JSON values, not as bytes: key order is free, and a date-time written
 * as a CBOR date tag equals the same instant written as text.
 */
export function sameContent(a: unknown, b: unknown): boolean {
  return isDeepStrictEqual(normalized(a), normalized(b));
}

function normalized(value: unknown): unknown {
  if (typeof value === 'string' && DATE_TIME.test(value))
    return parseValidationClock(value)?.getTime() ?? value;
  if (Array.isArray(value)) return value.map(normalized);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value)
        .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))
        .map(([key, item]) => [key, normalized(item)]),
    );
  }
  return value;
}

const hex = (text: string): Uint8Array => {
  if (!/^([0-9a-f]{2})*$/i.test(text.trim())) throw new Error('not hexadecimal');
  return Buffer.from(text.trim(), 'hex');
};
const bytesEqual = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a).equals(Buffer.from(b));

/** A vector's CBOR field holds the HCERT payload, or (some countries) the whole CWT claims map. */
function hcertOfCborField(text: string): unknown {
  const decoded = decodeCbor(hex(text));
  if (decoded instanceof Map && decoded.has(CLAIM_HCERT)) {
    const hcert: unknown = decoded.get(CLAIM_HCERT);
    return cborToJson(hcert instanceof Map ? hcert.get(HCERT_V1) : hcert);
  }
  return cborToJson(decoded);
}

const ran = (result: boolean, note = ''): StepOutcome => ({
  result,
  note: note || (result ? 'ok' : 'failed'),
});
const notRun = (note: string): StepOutcome => ({ result: null, note });

function attempt(step: () => StepOutcome): StepOutcome {
  try {
    return step();
  } catch (error) {
    return ran(false, (error as Error).message);
  }
}

/** What each EXPECTED… key means, as a step over the vector's fields. */
function steps(vector: Vector, options: VectorOptions): Record<string, () => StepOutcome> {
  const trust =
    options.trust ??
    (vector.TESTCTX?.CERTIFICATE ? safeTrustList(vector.TESTCTX.CERTIFICATE) : ([] as TrustListEntry[]));
  const clockText = vector.TESTCTX?.VALIDATIONCLOCK;
  const at = options.at ?? (clockText === undefined ? undefined : parseValidationClock(clockText));

  /** The COSE bytes: the COSE field, else the whole chain from PREFIX. */
  const coseBytes = (): Uint8Array | undefined => {
    if (vector.COSE !== undefined) return hex(vector.COSE);
    if (vector.PREFIX !== undefined) return inflate(unbase45(unprefix(vector.PREFIX)));
    return undefined;
  };
  const decoded = () => {
    const bytes = coseBytes();
    if (bytes === undefined) return undefined;
    const cose = decodeCoseSign1(bytes);
    const cwt = readCwt(cose.payload);
    return { cose, cwt, hcert: cborToJson(cwt.hcert) };
  };

  const expiration = (): StepOutcome => {
    if (at === undefined) return notRun('no VALIDATIONCLOCK');
    const content = decoded();
    if (content === undefined) return notRun('no COSE nor PREFIX');
    const { iat, exp } = content.cwt;
    if (iat === undefined || exp === undefined) return ran(false, 'the CWT lacks iat or exp');
    if (at.getTime() < iat * 1000)
      return ran(false, `validation clock before iat ${new Date(iat * 1000).toISOString()}`);
    if (at.getTime() > exp * 1000)
      return ran(false, `validation clock after exp ${new Date(exp * 1000).toISOString()}`);
    return ran(true);
  };

  return {
    EXPECTEDVALIDOBJECT: () => {
      if (vector.JSON === undefined) return notRun('no JSON');
      const check = checkHcert(vector.JSON);
      return check.valid ? ran(true) : ran(false, check.problems.join('; '));
    },
    EXPECTEDSCHEMAVALIDATION: () => {
      let payload: unknown;
      if (vector.COSE !== undefined) payload = decoded()?.hcert;
      else if (vector.CBOR !== undefined) payload = hcertOfCborField(vector.CBOR);
      else if (vector.JSON !== undefined) payload = vector.JSON;
      else return notRun('no COSE, CBOR nor JSON');
      const check = checkHcert(payload);
      return check.valid ? ran(true) : ran(false, check.problems.join('; '));
    },
    EXPECTEDENCODE: () => {
      if (vector.JSON === undefined || vector.CBOR === undefined) return notRun('no JSON or no CBOR');
      const ours = cborToJson(decodeCbor(encodeCbor(vector.JSON)));
      return sameContent(ours, hcertOfCborField(vector.CBOR))
        ? ran(true)
        : ran(false, 'the JSON encoded as CBOR differs from the CBOR field');
    },
    EXPECTEDDECODE: () => {
      const content = decoded();
      if (content === undefined) return notRun('no COSE nor PREFIX');
      if (vector.JSON !== undefined && !sameContent(content.hcert, vector.JSON)) {
        return ran(false, 'the decoded payload differs from the JSON field');
      }
      if (vector.CBOR !== undefined && !sameContent(content.hcert, hcertOfCborField(vector.CBOR))) {
        return ran(false, 'the decoded payload differs from the CBOR field');
      }
      return ran(true);
    },
    EXPECTEDVERIFY: () => {
      const bytes = coseBytes();
      if (bytes === undefined) return notRun('no COSE nor PREFIX');
      if (trust.length === 0) return ran(false, 'no readable TESTCTX.CERTIFICATE');
      const { reason } = findSigner(decodeCoseSign1(bytes), trust);
      return reason ? ran(false, `${reason.code}: ${reason.detail}`) : ran(true);
    },
    EXPECTEDUNPREFIX: () => {
      if (vector.PREFIX === undefined) return notRun('no PREFIX');
      const base45 = unprefix(vector.PREFIX);
      if (vector.BASE45 !== undefined && base45 !== vector.BASE45) {
        return ran(false, `the text after ${HC1_PREFIX} differs from the BASE45 field`);
      }
      return ran(true);
    },
    EXPECTEDB45DECODE: () => {
      if (vector.BASE45 === undefined) return notRun('no BASE45');
      const bytes = unbase45(vector.BASE45);
      if (vector.COMPRESSED !== undefined && !bytesEqual(bytes, hex(vector.COMPRESSED))) {
        return ran(false, 'the decoded bytes differ from the COMPRESSED field');
      }
      return ran(true);
    },
    EXPECTEDCOMPRESSION: () => {
      if (vector.COMPRESSED === undefined) return notRun('no COMPRESSED');
      const bytes = inflate(hex(vector.COMPRESSED));
      if (vector.COSE !== undefined && !bytesEqual(bytes, hex(vector.COSE))) {
        return ran(false, 'the inflated bytes differ from the COSE field');
      }
      return ran(true);
    },
    EXPECTEDPICTUREDECODE: () => {
      if (vector['2DCODE'] === undefined || vector.PREFIX === undefined)
        return notRun('no 2DCODE or no PREFIX');
      const text = readQrPng(Buffer.from(vector['2DCODE'], 'base64'));
      if (text === null) return ran(false, 'no QR code could be read in the picture');
      return text === vector.PREFIX ? ran(true) : ran(false, 'the QR code holds another text than PREFIX');
    },
    EXPECTEDEXPIRATIONCHECK: expiration,
    // Seven upstream files spell the expiration key this way; it is read as the expiration check.
    EXPTECTEDEXPIRED: expiration,
    EXPECTEDKEYUSAGE: () => {
      const content = decoded();
      if (content === undefined) return notRun('no COSE nor PREFIX');
      const index = trustIndex(trust);
      const kid = coseKid(content.cose);
      // The signer the kid names; a vector's trust is its one certificate, named or not.
      const signer =
        (kid && index.byKid.get(Buffer.from(kid).toString('base64'))?.[0]) ??
        [...index.byKid.values()][0]?.[0];
      if (signer === undefined) return notRun('no readable TESTCTX.CERTIFICATE');
      const payload = content.hcert;
      const groups = (['v', 't', 'r'] as const).filter(
        (group) => typeof payload === 'object' && payload !== null && group in payload,
      );
      if (groups.length !== 1) return ran(false, `the payload holds ${groups.length} groups of v, t, r`);
      return keyUsageAllows(signer.certificate, groups[0]!)
        ? ran(true)
        : ran(false, `the signer's extended key usages do not include the ${groups[0]!} usage`);
    },
    EXPECTEDVALIDJSON: () => {
      if (vector.JSON === undefined) return notRun('no JSON');
      let payload: unknown;
      if (vector.PREFIX !== undefined) {
        payload = cborToJson(
          readCwt(decodeCoseSign1(inflate(unbase45(unprefix(vector.PREFIX)))).payload).hcert,
        );
      } else if (vector.CBOR !== undefined) payload = hcertOfCborField(vector.CBOR);
      else return notRun('no PREFIX nor CBOR');
      return sameContent(payload, vector.JSON)
        ? ran(true)
        : ran(false, 'the decoded payload differs from JSON');
    },
  };
}

function safeTrustList(certificate: string): TrustListEntry[] {
  try {
    return trustList([certificate]).filter((entry) => trustIndex([entry]).unreadable.length === 0);
  } catch {
    return [];
  }
}

/** The outcome of every key of the vector's EXPECTEDRESULTS, in the file's order. */
export function runVector(value: unknown, options: VectorOptions = {}): Record<string, StepOutcome> {
  if (!isTestVector(value)) throw new TypeError('not a test-vector file: no EXPECTEDRESULTS');
  const vector = value as Vector;
  const known = steps(vector, options);
  const outcomes: Record<string, StepOutcome> = {};
  for (const key of Object.keys(vector.EXPECTEDRESULTS ?? {})) {
    const step = known[key];
    outcomes[key] = step ? attempt(step) : notRun(`${key} names no step of the test-vector format`);
  }
  return outcomes;
}

/** The outcomes as the file's EXPECTEDRESULTS are written: key → true, false or null. */
export function vectorResults(outcomes: Record<string, StepOutcome>): Record<string, StepResult> {
  return Object.fromEntries(Object.entries(outcomes).map(([key, outcome]) => [key, outcome.result]));
}
