import type { FastifyRequest } from 'fastify';
import type { ActingContext } from '../audit/audit.ts';

/** The audit stamp of a request: who acts, in which role, through which channel, under which id. */
export function actingContextOf(request: FastifyRequest, now: Date): ActingContext {
  const actor = request.actor;
  switch (actor.kind) {
    case 'anonymous':
      return {
        actorKind: 'anonymous',
        actorId: null,
        actorRole: null,
        channel: 'web',
        correlationId: request.id,
        now,
      };
    case 'citizen':
      return {
        actorKind: 'citizen',
        actorId: String(actor.personId),
        actorRole: 'citizen',
        channel: actor.channel,
        correlationId: request.id,
        now,
      };
    case 'staff':
      return {
        actorKind: 'staff',
        actorId: String(actor.accountId),
        actorRole: actor.role,
        channel: actor.channel,
        correlationId: request.id,
        now,
      };
  }
}
