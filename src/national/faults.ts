import type { ServerResponse } from 'node:http';
import type { FastifyReply } from 'fastify';
import { Type, type Static } from 'typebox';
import { Random } from '../modules/population/random.ts';
import { DomainError } from '../platform/http/problem.ts';
import type { NationalRoutes } from './app.ts';

/**
 * Fault injection (spec 50-national-flows.md: "the simulator can be told to fail"), applied to the
 * region-facing operations only: the admin routes that set faults, the health check and the API
 * documents always answer, so a test can always reset the simulator.
 */
export const FAULT_MODES = ['none', 'down', 'slow', 'error5xx', 'duplicate'] as const;
export type FaultMode = (typeof FAULT_MODES)[number];
export type ActiveFault = Exclude<FaultMode, 'none'>;

/** What 'slow' waits when no delay is given: beyond the regional client's default 2 s timeout. */
export const DEFAULT_SLOW_DELAY_MS = 5_000;
export const MAX_FAULT_DELAY_MS = 120_000;
/** The same settings always draw the same sequence of faulty calls. */
const FAULT_SEED = 50_2021;

export const FaultSettingsBody = Type.Object(
  {
    mode: Type.Enum([...FAULT_MODES], {
      description:
        'none: answer normally; down: close the connection without answering; slow: wait delayMs, then answer; error5xx: answer 503; duplicate: writes replay their answer (reads answer normally)',
    }),
    delayMs: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: MAX_FAULT_DELAY_MS,
        description: `For slow; default ${DEFAULT_SLOW_DELAY_MS}`,
      }),
    ),
    probability: Type.Optional(
      Type.Number({
        minimum: 0,
        maximum: 1,
        description: 'Share of calls that fail; default 1 (every call). Below 1 a seeded generator decides.',
      }),
    ),
    routes: Type.Optional(
      Type.Array(Type.String({ pattern: '^[a-z][a-zA-Z0-9]+$' }), {
        maxItems: 50,
        description: 'operationIds the fault applies to; default every region-facing operation',
      }),
    ),
  },
  { additionalProperties: false },
);
export type FaultSettingsInput = Static<typeof FaultSettingsBody>;

export const FaultSettingsView = Type.Object({
  mode: Type.Enum([...FAULT_MODES]),
  delayMs: Type.Integer(),
  probability: Type.Number(),
  routes: Type.Union([Type.Array(Type.String()), Type.Null()], {
    description: 'null: every region-facing operation',
  }),
});
export type FaultSettings = Static<typeof FaultSettingsView>;

export class FaultInjector {
  private settings: FaultSettings;
  private random = new Random(FAULT_SEED);

  constructor(initial: FaultSettingsInput = { mode: 'none' }) {
    this.settings = normalise(initial);
  }

  get current(): FaultSettings {
    return { ...this.settings, routes: this.settings.routes && [...this.settings.routes] };
  }

  set(input: FaultSettingsInput): FaultSettings {
    this.settings = normalise(input);
    this.random = new Random(FAULT_SEED);
    return this.current;
  }

  /** The fault one call of `operationId` suffers, if any: drawn per call when probability < 1. */
  draw(operationId: string): ActiveFault | undefined {
    const { mode, probability, routes } = this.settings;
    if (mode === 'none') return undefined;
    if (routes && !routes.includes(operationId)) return undefined;
    if (probability < 1 && !(this.random.float() < probability)) return undefined;
    return mode;
  }

  /**
   * Acts out the drawn fault before the route's handler runs: 'down' drops the connection and 'slow'
   * waits (or gives up when the caller has gone); 'error5xx' throws the 503 problem.
   */
  async enact(operationId: string, reply: FastifyReply): Promise<ActiveFault | undefined> {
    const fault = this.draw(operationId);
    if (fault) reply.log.info({ fault, operationId }, 'fault injected');
    switch (fault) {
      case undefined:
        return undefined;
      // Reads are answered once; a write is applied twice by its handler, as a replayed delivery would be.
      case 'duplicate':
        return fault;
      case 'down':
        reply.hijack();
        reply.raw.destroy();
        return fault;
      case 'slow':
        if (!(await waitUnlessClosed(this.settings.delayMs, reply.raw))) reply.hijack();
        return fault;
      case 'error5xx':
        throw new DomainError('NATIONAL_SERVICE_UNAVAILABLE', { headers: { 'retry-after': '5' } });
    }
  }
}

function normalise(input: FaultSettingsInput): FaultSettings {
  return {
    mode: input.mode,
    delayMs: input.delayMs ?? DEFAULT_SLOW_DELAY_MS,
    probability: input.probability ?? 1,
    routes: input.routes ? [...new Set(input.routes)] : null,
  };
}

/** Resolves true after `ms`, or false as soon as the connection closes (the caller timed out). */
function waitUnlessClosed(ms: number, response: ServerResponse): Promise<boolean> {
  return new Promise((resolve) => {
    const onClose = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      response.off('close', onClose);
      resolve(true);
    }, ms);
    response.once('close', onClose);
  });
}

const AdminTokenHeaders = Type.Object({ 'x-admin-token': Type.Optional(Type.String()) });

export const faultRoutes: NationalRoutes = (app, { faults, regionOperations }) => {
  app.get(
    '/admin/faults',
    {
      schema: {
        operationId: 'getNationalFaults',
        tags: ['admin'],
        summary: 'The faults the simulator is injecting now',
        security: [{ adminToken: [] }],
        headers: AdminTokenHeaders,
        response: { 200: FaultSettingsView },
      },
      config: { guard: 'admin' },
    },
    () => faults.current,
  );

  app.put(
    '/admin/faults',
    {
      schema: {
        operationId: 'setNationalFaults',
        tags: ['admin'],
        summary: 'Make the region-facing operations fail (down, slow, 5xx, duplicate) or behave again (none)',
        security: [{ adminToken: [] }],
        headers: AdminTokenHeaders,
        body: FaultSettingsBody,
        response: { 200: FaultSettingsView },
      },
      config: { guard: 'admin' },
    },
    (request) => {
      const unknown = request.body.routes?.find((route) => !regionOperations.has(route));
      if (unknown !== undefined) {
        throw new DomainError('NATIONAL_FAULT_ROUTE_UNKNOWN', {
          pointer: `/body/routes/${request.body.routes?.indexOf(unknown) ?? 0}`,
          params: { route: unknown, allowed: [...regionOperations].sort().join(', ') },
        });
      }
      request.log.warn({ faults: request.body }, 'national simulator faults changed');
      return faults.set(request.body);
    },
  );
};
