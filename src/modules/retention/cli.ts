import type { Command } from 'commander';
import { systemClock } from '../../platform/clock.ts';
import { systemContext } from '../../platform/audit/audit.ts';
import { withDatabase } from '../../cli/context.ts';
import { RetentionService } from './service.ts';

export function registerRetentionCommands(program: Command): void {
  program
    .command('retention')
    .description('Data retention of the national outbox and the messages to people')
    .command('run')
    .description(
      'Delete the national outbox rows acknowledged more than RETENTION_OUTBOX_DAYS ago and remove the ' +
        'recipient and text of the messages older than RETENTION_MESSAGE_DAYS (what every process does every ' +
        'RETENTION_INTERVAL_MS)',
    )
    .option('--json', 'print the counts as JSON', false)
    .action(async (options: { json: boolean }) => {
      await withDatabase(async (database, config) => {
        const context = { ...systemContext(`cli-${process.pid}`, systemClock.now()), channel: 'cli' };
        const run = await new RetentionService(database.db, systemClock, config).run(context);
        if (options.json) console.log(JSON.stringify(run));
        else {
          console.log(
            `national outbox: ${run.outboxDeleted} acknowledged rows deleted (older than ${config.RETENTION_OUTBOX_DAYS} days)`,
          );
          console.log(
            `messages: ${run.messagesRedacted} redacted (older than ${config.RETENTION_MESSAGE_DAYS} days)`,
          );
        }
      });
    });
}
