import { Compile } from 'typebox/compile';
import { NationalPersonSchema, type NationalPerson } from './persons/schemas.ts';
import {
  DccRevocationListSchema,
  DccTrustListSchema,
  PersonCertificates,
  type DccRevocationList,
  type DccTrustList,
  type PersonCertificatesT,
} from './certificates/schemas.ts';
import {
  AdministrationReceipt,
  HealthCardVaccination,
  HealthCardVaccinations,
  MobilityPage,
  type AbroadVaccinationInput,
  type AdministrationChange,
  type AdministrationReceiptT,
  type HealthCardVaccinationT,
  type MobilityPageT,
} from './vaccinations/schemas.ts';

export type { NationalPerson } from './persons/schemas.ts';
export type { DccRevocationList, DccTrustList, PersonCertificatesT } from './certificates/schemas.ts';
export type {
  AbroadVaccinationInput,
  AdministrationChange,
  HealthCardVaccinationT,
  MobilityAdministrationT,
} from './vaccinations/schemas.ts';

export const DEFAULT_NATIONAL_TIMEOUT_MS = 2_000;

/**
 * Why the national system could not answer usefully:
 * - timeout: no complete answer within the client's time limit;
 * - connection: refused, reset or closed before an answer;
 * - server-error: a 5xx;
 * - rejected: a 4xx other than "person not found" (wrong token, malformed identifier): our mistake,
 *   retrying will not help;
 * - bad-response: an answer that is not what the API documents (e.g. a wrong base URL).
 */
export type NationalUnavailableReason =
  'timeout' | 'connection' | 'server-error' | 'rejected' | 'bad-response';

/** The national system did not give a usable answer: the caller can offer the operator to retry later. */
export class NationalUnavailableError extends Error {
  readonly status: number | undefined;

  constructor(
    readonly reason: NationalUnavailableReason,
    message: string,
    options: { status?: number; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.status = options.status;
    this.name = 'NationalUnavailableError';
  }
}

export type NationalPersonLookup = { found: true; person: NationalPerson } | { found: false };

export interface NationalClient {
  /** REG-5: the national registry searched by identifier only; at most one person. */
  getPerson(identifier: string): Promise<NationalPersonLookup>;
  /** NAT-1: one change of an administration, idempotent by source id + version. */
  putAdministration(
    regionCode: string,
    sourceId: string,
    change: AdministrationChange,
  ): Promise<AdministrationReceiptT>;
  /** NAT-2: the next page of the region's residents' administrations given elsewhere. */
  mobility(region: string, after: string, limit: number): Promise<MobilityPageT>;
  /** NAT-4: the person's COVID vaccinations in every region and abroad; none for an unknown person. */
  healthCardVaccinations(identifier: string): Promise<HealthCardVaccinationT[]>;
  /** DCC-3: the document signers the certificate platform signs with. */
  dccTrustList(): Promise<DccTrustList>;
  /** DCC-3: the UCI hashes of the revoked certificates, as verifiers read them. */
  revocationList(): Promise<DccRevocationList>;
  /** DCC-1: the certificates issued to a person (none for an unknown person). */
  certificates(identifier: string): Promise<PersonCertificatesT>;
  /** NAT-3: a vaccination given abroad, entered in the health-card system only. */
  enterAbroadVaccination(identifier: string, input: AbroadVaccinationInput): Promise<HealthCardVaccinationT>;
}

export interface NationalClientOptions {
  /** e.g. http://127.0.0.1:3100 */
  baseUrl: string;
  /** The region's bearer token (NATIONAL_API_TOKEN of the simulator). */
  token: string;
  /** Bound on a whole call, answer body included; default 2,000 ms. */
  timeoutMs?: number;
}

const checkPerson = Compile(NationalPersonSchema);
const checkReceipt = Compile(AdministrationReceipt);
const checkMobility = Compile(MobilityPage);
const checkVaccinations = Compile(HealthCardVaccinations);
const checkVaccination = Compile(HealthCardVaccination);
const checkTrustList = Compile(DccTrustListSchema);
const checkCertificates = Compile(PersonCertificates);
const checkRevocationList = Compile(DccRevocationListSchema);

/**
 * The regional side's client of the national systems, over HTTP only, so that the base URL can point at
 * the simulator or at another implementation. Every call is bounded by the timeout: it answers or
 * throws NationalUnavailableError, it never hangs.
 */
export function createNationalClient(options: NationalClientOptions): NationalClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? DEFAULT_NATIONAL_TIMEOUT_MS;

  async function call(
    path: string,
    write?: { method: 'PUT' | 'POST'; body: unknown },
  ): Promise<{ status: number; body: unknown }> {
    const signal = AbortSignal.timeout(timeoutMs);
    try {
      const response = await fetch(`${baseUrl}${path}`, {
        method: write?.method ?? 'GET',
        headers: {
          authorization: `Bearer ${options.token}`,
          accept: 'application/json',
          ...(write ? { 'content-type': 'application/json' } : {}),
        },
        body: write ? JSON.stringify(write.body) : null,
        signal,
      });
      const text = await response.text();
      let body: unknown;
      try {
        body = text === '' ? undefined : JSON.parse(text);
      } catch {
        body = undefined;
      }
      return { status: response.status, body };
    } catch (error) {
      if (signal.aborted) {
        throw new NationalUnavailableError(
          'timeout',
          `no answer from the national system within ${timeoutMs} ms`,
          { cause: error },
        );
      }
      throw new NationalUnavailableError(
        'connection',
        `cannot reach the national system: ${lowLevelReason(error)}`,
        { cause: error },
      );
    }
  }

  /** The documented answer of `expected` status, or the reason there is none. */
  function answer<T>(
    reply: { status: number; body: unknown },
    expected: number,
    check: { Check(value: unknown): value is T },
  ): T {
    const { status, body } = reply;
    if (status === expected) {
      if (check.Check(body)) return body;
      throw new NationalUnavailableError(
        'bad-response',
        'the national answer is not in the documented shape',
        {
          status,
        },
      );
    }
    throw unusable(status, body);
  }

  return {
    async putAdministration(regionCode, sourceId, change) {
      const path = `/avn/administrations/${regionCode}/${encodeURIComponent(sourceId)}`;
      return answer(await call(path, { method: 'PUT', body: change }), 200, checkReceipt);
    },
    async mobility(region, after, limit) {
      const query = new URLSearchParams({ region, after, limit: String(limit) });
      return answer(await call(`/avn/mobility?${query}`), 200, checkMobility);
    },
    async healthCardVaccinations(identifier) {
      const path = `/ts/persons/${encodeURIComponent(identifier.trim().toUpperCase())}/vaccinations`;
      return answer(await call(path), 200, checkVaccinations).vaccinations;
    },
    async dccTrustList() {
      return answer(await call('/dgc/trust-list'), 200, checkTrustList);
    },
    async revocationList() {
      return answer(await call('/dgc/revocation-list'), 200, checkRevocationList);
    },
    async certificates(identifier) {
      const path = `/dgc/persons/${encodeURIComponent(identifier.trim().toUpperCase())}/certificates`;
      return answer(await call(path), 200, checkCertificates);
    },
    async enterAbroadVaccination(identifier, input) {
      const path = `/ts/persons/${encodeURIComponent(identifier.trim().toUpperCase())}/abroad-vaccinations`;
      return answer(await call(path, { method: 'POST', body: input }), 201, checkVaccination);
    },
    async getPerson(identifier) {
      const normalised = identifier.trim().toUpperCase();
      const reply = await call(`/persons/${encodeURIComponent(normalised)}`);
      if (reply.status === 404 && problemCode(reply.body) === 'NATIONAL_PERSON_NOT_FOUND')
        return { found: false };
      return { found: true, person: answer(reply, 200, checkPerson) };
    },
  };
}

/** Why an answer other than the documented one cannot be used. */
function unusable(status: number, body: unknown): NationalUnavailableError {
  if (status >= 500)
    return new NationalUnavailableError('server-error', `the national system answered ${status}`, { status });
  const code = problemCode(body);
  if (status >= 400 && status < 500 && code !== undefined)
    return new NationalUnavailableError('rejected', `the national system refused the call (${code})`, {
      status,
    });
  return new NationalUnavailableError(
    'bad-response',
    `unexpected answer ${status} from the national system`,
    {
      status,
    },
  );
}

function problemCode(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null || !('code' in body)) return undefined;
  return typeof body.code === 'string' ? body.code : undefined;
}

/** The low-level reason fetch hides in `cause` (ECONNREFUSED, UND_ERR_SOCKET, …), never personal data. */
function lowLevelReason(error: unknown): string {
  const cause = error instanceof Error ? error.cause : undefined;
  if (typeof cause === 'object' && cause !== null && 'code' in cause && typeof cause.code === 'string')
    return cause.code;
  return error instanceof Error ? error.message : String(error);
}
