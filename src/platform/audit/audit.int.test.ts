import { expect, it } from 'vitest';
import { sql } from 'kysely';
import { describeEachDatabase } from '../../../test/databases.ts';
import { recordAudit, systemContext } from './audit.ts';

describeEachDatabase('Audit log', (database) => {
  const context = systemContext('test-correlation', new Date('2021-04-12T09:00:00Z'));

  it('SEC-4 records who, channel, when, correlation id, entity and before → after', async () => {
    await recordAudit(database().db, context, {
      entityType: 'person',
      entityId: 42,
      action: 'update',
      before: { surname: 'Rosi' },
      after: { surname: 'Rossi' },
    });
    const row = await database()
      .db.selectFrom('audit_log')
      .selectAll()
      .where('entity_id', '=', '42')
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      actor_kind: 'system',
      channel: 'system',
      correlation_id: 'test-correlation',
      entity_type: 'person',
      action: 'update',
      before: { surname: 'Rosi' },
      after: { surname: 'Rossi' },
    });
    expect(new Date(row.occurred_at).toISOString()).toBe('2021-04-12T09:00:00.000Z');
  });

  it.each([
    ['UPDATE', sql`UPDATE audit_log SET action = 'tampered'`],
    ['DELETE', sql`DELETE FROM audit_log`],
    ['TRUNCATE', sql`TRUNCATE audit_log`],
  ])('SEC-4 the audit log refuses %s', async (_operation, statement) => {
    await expect(statement.execute(database().db)).rejects.toThrow(/append-only/);
    const count = await database()
      .db.selectFrom('audit_log')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBeGreaterThan(0);
  });

  it('SEC-4 an audit record commits or rolls back with the change it records', async () => {
    await expect(
      database()
        .db.transaction()
        .execute(async (trx) => {
          await recordAudit(trx, context, {
            entityType: 'person',
            entityId: 'rolled-back',
            action: 'update',
          });
          throw new Error('the change failed');
        }),
    ).rejects.toThrow('the change failed');
    const rows = await database()
      .db.selectFrom('audit_log')
      .select('id')
      .where('entity_id', '=', 'rolled-back')
      .execute();
    expect(rows).toHaveLength(0);
  });
});
