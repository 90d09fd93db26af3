import { expect } from 'vitest';
import fc from 'fast-check';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import type { ModuleRoutes } from '../src/platform/http/app.ts';
import type { App } from '../src/platform/http/types.ts';

/*
 * What the property-based tests of the API share (SEC-6): values that break naive code, and the check
 * that an answer is either a success or an RFC 9457 problem with a stable code, never a 5xx.
 */

/** Values that break naive code: wrong types, impossible dates, foreign CAPs, oversized and control text. */
export const nasty = fc.oneof(
  fc.string(),
  fc.string({ minLength: 200, maxLength: 3000 }),
  fc.constantFrom('', ' ', '\u0000', '🙂', "'; DROP TABLE persons; --", '%00', '../../etc/passwd', 'null'),
  fc.constantFrom('2021-02-29', '2021-13-01', '0000-00-00', '1899-12-31', '2999-01-01', '12/10/1985'),
  fc.constantFrom('00000', '20121', '99999', '019036', '999999', 'ABCDEF'),
  fc.constantFrom(
    'RSSMRA85T10A562S',
    'RSSMRA85T10A562X',
    'RSSMRA85T10A56NH',
    'XXXXXXXXXXXXXXXX',
    '12345678901',
  ),
  fc.constantFrom('CF', 'ORD7', 'TS_FOREIGN', 'STP', 'ENI', 'PASSPORT', 'ACTIVE_REGION', 'MARTIAN'),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string(), { maxLength: 3 }),
);

/**
 * The national systems do not run beside these tests: operations that call them answer 503 with their
 * "unreachable, try again" problem, which is their documented answer (REG-5, VAX-5), not a server failure.
 */
const NATIONAL_UNREACHABLE = new Set([
  'NATIONAL_REGISTRY_UNREACHABLE',
  'NATIONAL_VACCINATIONS_UNREACHABLE',
  'CERTIFICATE_PLATFORM_UNREACHABLE',
]);

/** A 5xx that is a failure of ours: anything but the documented "national system unreachable". */
export function isServerFailure(status: number, code: string): boolean {
  return status >= 500 && !(status === 503 && NATIONAL_UNREACHABLE.has(code));
}

/**
 * Sends one request and fails, with the status and the start of the body (and the error behind it, given
 * `errors`), on a 5xx or on a 4xx that is not an `application/problem+json` problem with a stable code.
 * Returns the answer for further checks.
 */
export async function expectCleanAnswer(
  app: App,
  request: InjectOptions,
  errors?: ServerErrors,
): Promise<LightMyRequestResponse> {
  errors?.clear();
  const response = await app.inject(request);
  const type = String(response.headers['content-type'] ?? '');
  const isProblem = type.includes('application/problem+json');
  const code = isProblem ? (response.json<{ code?: string }>().code ?? '') : '';
  if (isServerFailure(response.statusCode, code) || (response.statusCode >= 400 && !isProblem)) {
    const what = `${request.method ?? 'GET'} ${typeof request.url === 'string' ? request.url : ''}`;
    const cause = errors?.last();
    throw new Error(
      `${what} → ${response.statusCode} ${response.body.slice(0, 300)}` +
        (cause instanceof Error ? `\ncaused by: ${cause.stack ?? cause.message}` : ''),
    );
  }
  if (response.statusCode >= 400) expect(response.json<{ code: string }>().code).toMatch(/^[A-Z0-9_]+$/);
  return response;
}

/** The error behind the last answer of an app built with `module` among its modules (see expectCleanAnswer). */
export interface ServerErrors {
  module: ModuleRoutes;
  last(): unknown;
  clear(): void;
}

/** Keeps the error behind each answer, so that a failing property shows the cause of a 5xx, not only its code. */
export function serverErrors(): ServerErrors {
  let last: unknown;
  return {
    module: (app) => {
      app.addHook('onError', (_request, _reply, error, done) => {
        last = error;
        done();
      });
    },
    last: () => last,
    clear: () => {
      last = undefined;
    },
  };
}

/** Stands for "this field is left out" among a field's values in `mutated`. */
export const MISSING = Symbol('missing');

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  const [head, ...rest] = path;
  if (head === undefined) return;
  if (rest.length === 0) {
    if (value === MISSING) delete target[head];
    // A copy: a later change to a field inside it must not reach the arbitrary's own value.
    else target[head] = structuredClone(value);
    return;
  }
  const inner = target[head];
  // A parent already replaced by a value of another type has no fields left to change.
  if (typeof inner === 'object' && inner !== null && !Array.isArray(inner)) {
    setPath(inner as Record<string, unknown>, rest, value);
  }
}

/**
 * Bodies that are valid but for a few fields: up to `maxChanges` of the fields named (dotted paths for
 * nested ones, e.g. `consent.signerCapacity`) take one of their values or are left out. Unlike random
 * dictionaries, such bodies pass most of the schema and reach the rules and the database.
 */
export function mutated(
  valid: fc.Arbitrary<Record<string, unknown>>,
  fields: Record<string, fc.Arbitrary<unknown>>,
  maxChanges = 3,
): fc.Arbitrary<Record<string, unknown>> {
  const change = fc.oneof(
    ...Object.entries(fields).map(([path, values]) =>
      fc.tuple(
        fc.constant(path.split('.')),
        fc.oneof({ weight: 5, arbitrary: values }, { weight: 1, arbitrary: fc.constant(MISSING) }),
      ),
    ),
  );
  return fc.tuple(valid, fc.array(change, { maxLength: maxChanges })).map(([body, changes]) => {
    const copy = structuredClone(body);
    for (const [path, value] of changes) setPath(copy, path, value);
    return copy;
  });
}
