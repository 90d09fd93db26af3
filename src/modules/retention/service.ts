import type { Kysely } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Config } from '../../platform/config.ts';
import { recordAudit, type ActingContext } from '../../platform/audit/audit.ts';
import { deleteAcknowledgedOutbox, redactOldMessages } from './repo.ts';

/** Rows per statement: a first run on a months-old table works through it in short transactions. */
const DEFAULT_BATCH_ROWS = 10_000;
const DAY_MS = 24 * 60 * 60 * 1000;

export type RetentionConfig = Pick<Config, 'RETENTION_OUTBOX_DAYS' | 'RETENTION_MESSAGE_DAYS'>;

export interface RetentionRun {
  outboxDeleted: number;
  messagesRedacted: number;
}

/** Repeats `batch` until one handles fewer rows than `size`; the rows handled in all. */
async function inBatches(size: number, batch: (limit: number) => Promise<number>): Promise<number> {
  let total = 0;
  for (;;) {
    const handled = await batch(size);
    total += handled;
    if (handled < size) return total;
  }
}

/** Data retention: what the national outbox and the messages keep, and for how long (README.md). */
export class RetentionService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly clock: Clock,
    private readonly config: RetentionConfig,
    private readonly batchRows = DEFAULT_BATCH_ROWS,
  ) {}

  /** NAT-1: deletes the outbox rows acknowledged more than RETENTION_OUTBOX_DAYS ago. */
  private deleteAcknowledgedOutbox(now: Date): Promise<number> {
    const cutoff = new Date(now.getTime() - this.config.RETENTION_OUTBOX_DAYS * DAY_MS);
    return inBatches(this.batchRows, (limit) => deleteAcknowledgedOutbox(this.db, cutoff, limit));
  }

  /** Removes the personal data of the messages older than RETENTION_MESSAGE_DAYS (BOOK-17 keeps the rest). */
  private redactOldMessages(now: Date): Promise<number> {
    const cutoff = new Date(now.getTime() - this.config.RETENTION_MESSAGE_DAYS * DAY_MS);
    return inBatches(this.batchRows, (limit) => redactOldMessages(this.db, cutoff, now, limit));
  }

  /**
   * Both operations, then one audit record with the counts (SEC-4), not one per row; a run that changed
   * nothing wrote nothing and leaves no record (24 empty runs a day per process would bury the real ones).
   */
  async run(context: ActingContext): Promise<RetentionRun> {
    const now = this.clock.now();
    const outboxDeleted = await this.deleteAcknowledgedOutbox(now);
    const messagesRedacted = await this.redactOldMessages(now);
    if (outboxDeleted + messagesRedacted === 0) return { outboxDeleted, messagesRedacted };
    await recordAudit(this.db, context, {
      entityType: 'retention_run',
      entityId: now.toISOString(),
      action: 'run',
      after: {
        outboxDeleted,
        outboxDays: this.config.RETENTION_OUTBOX_DAYS,
        messagesRedacted,
        messageDays: this.config.RETENTION_MESSAGE_DAYS,
      },
    });
    return { outboxDeleted, messagesRedacted };
  }
}
