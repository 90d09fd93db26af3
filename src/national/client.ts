import { Compile } from 'typebox/compile';
import { NationalPersonSchema, type NationalPerson } from './persons/schemas.ts';

export type { NationalPerson } from './persons/schemas.ts';

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

/**
 * The regional side's client of the national systems, over HTTP only, so that the base URL can point at
 * the simulator or at another implementation. Every call is bounded by the timeout: it answers or
 * throws NationalUnavailableError, it never hangs.
 */
export function createNationalClient(options: NationalClientOptions): NationalClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? DEFAULT_NATIONAL_TIMEOUT_MS;

  async function call(path: string): Promise<{ status: number; body: unknown }> {
    const signal = AbortSignal.timeout(timeoutMs);
    try {
      const response = await fetch(`${baseUrl}${path}`, {
        headers: { authorization: `Bearer ${options.token}`, accept: 'application/json' },
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

  return {
    async getPerson(identifier) {
      const normalised = identifier.trim().toUpperCase();
      const { status, body } = await call(`/persons/${encodeURIComponent(normalised)}`);
      if (status === 200) {
        if (!checkPerson.Check(body))
          throw new NationalUnavailableError(
            'bad-response',
            'the national person is not in the documented shape',
            { status },
          );
        return { found: true, person: body };
      }
      if (status === 404 && problemCode(body) === 'NATIONAL_PERSON_NOT_FOUND') return { found: false };
      if (status >= 500)
        throw new NationalUnavailableError('server-error', `the national system answered ${status}`, {
          status,
        });
      if (status >= 400 && status < 500 && problemCode(body) !== undefined)
        throw new NationalUnavailableError(
          'rejected',
          `the national system refused the call (${problemCode(body)})`,
          { status },
        );
      throw new NationalUnavailableError(
        'bad-response',
        `unexpected answer ${status} from the national system`,
        { status },
      );
    },
  };
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
