import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { AuditLogTable } from './tables.ts';

/** Who is acting, through which channel, under which request: stamped on every audited write. */
export interface ActingContext {
  actorKind: AuditLogTable['actor_kind'];
  actorId: string | null;
  actorRole: string | null;
  channel: string;
  correlationId: string;
  now: Date;
}

export interface AuditEntry {
  entityType: string;
  entityId: string | number;
  action: string;
  before?: unknown;
  after?: unknown;
}

/**
 * Writes one audit record. Call it with the transaction that makes the change, so that the change
 * and its record commit or fail together (SEC-4).
 */
export async function recordAudit(
  trx: Transaction<DB> | Kysely<DB>,
  context: ActingContext,
  entry: AuditEntry,
): Promise<void> {
  await trx
    .insertInto('audit_log')
    .values({
      occurred_at: context.now,
      actor_kind: context.actorKind,
      actor_id: context.actorId,
      actor_role: context.actorRole,
      channel: context.channel,
      correlation_id: context.correlationId,
      entity_type: entry.entityType,
      entity_id: String(entry.entityId),
      action: entry.action,
      before: entry.before === undefined ? null : JSON.stringify(entry.before),
      after: entry.after === undefined ? null : JSON.stringify(entry.after),
    })
    .execute();
}

export function systemContext(correlationId: string, now: Date): ActingContext {
  return { actorKind: 'system', actorId: null, actorRole: null, channel: 'system', correlationId, now };
}
