import type { FastifyRequest } from 'fastify';
import { DomainError } from './problem.ts';

/**
 * The person a request acts for. Citizens act on themselves only (SEC-2), whatever they send;
 * staff name the person they identified, and a missing one is reported at `pointer`
 * (where each route's schema puts the field).
 */
export function personOf(
  request: FastifyRequest,
  personId: number | undefined,
  pointer = '/personId',
): number {
  if (request.actor.kind === 'citizen') return request.actor.personId;
  if (personId === undefined) throw new DomainError('PERSON_REQUIRED', { pointer });
  return personId;
}

/** The citizen a read is restricted to (SEC-2); undefined for staff, who read any person's. */
export const citizenScope = (request: FastifyRequest): number | undefined =>
  request.actor.kind === 'citizen' ? request.actor.personId : undefined;
