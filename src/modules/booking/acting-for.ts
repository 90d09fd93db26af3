import type { FastifyRequest } from 'fastify';
import { DomainError } from '../../platform/http/problem.ts';
import { BOOKING_CHANNELS, type BookingChannel } from '../eligibility/plan-file.ts';

/** The booking channel of the caller: the citizen's sign-in channel, or the staff member's role. */
export function bookingChannelOf(request: FastifyRequest): BookingChannel {
  const actor = request.actor;
  const channel = actor.kind === 'anonymous' ? 'web' : actor.channel;
  return BOOKING_CHANNELS.find((known) => known === channel) ?? 'call_center';
}

/**
 * SEC-2: a point admin manages their own points, an ASL admin the points of their authority.
 * The hub routes admit only those two roles; anyone else is not checked here.
 */
export async function requireHubScope(
  request: FastifyRequest,
  pointId: number,
  healthAuthorityOf: (pointId: number) => Promise<string>,
): Promise<void> {
  const actor = request.actor;
  if (actor.kind !== 'staff' || (actor.role !== 'point_admin' && actor.role !== 'asl_admin')) return;
  const allowed =
    actor.role === 'point_admin'
      ? actor.vaccinationPointIds.includes(pointId)
      : actor.healthAuthorityCodes.includes(await healthAuthorityOf(pointId));
  if (!allowed) throw new DomainError('HUB_OUT_OF_SCOPE', { pointer: '/pointId' });
}
