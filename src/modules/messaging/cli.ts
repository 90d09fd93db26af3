import type { Command } from 'commander';
import path from 'node:path';
import type { Config } from '../../platform/config.ts';
import { systemClock } from '../../platform/clock.ts';
import { createLogger } from '../../platform/logging.ts';
import { parsePositiveInteger, withDatabase } from '../../cli/context.ts';
import { MessagingService, smsFileOf } from './service.ts';
import { SmtpSink } from './smtp-sink.ts';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * `vaxhub demo`: the local SMTP sink on SMTP_URL's port, when SMTP_URL points at this machine, so that the
 * demo's e-mails really go over SMTP and can be read (in memory and as .eml files under DATA_DIR/mail).
 * Returns the lines the demo prints; never stops the demo (a busy port is reported, not thrown).
 */
export async function startDemoMail(
  config: Config,
): Promise<{ sink: SmtpSink | undefined; lines: string[] }> {
  const url = new URL(config.SMTP_URL);
  const lines = [`  Messages sent:   ${config.publicUrl}/messaging/messages (regionadmin, asladmin)`];
  if (url.protocol !== 'smtp:' || !LOOPBACK.has(url.hostname)) {
    return { sink: undefined, lines: [...lines, `  E-mail relay:    ${url.protocol}//${url.host}`] };
  }
  const dir = path.join(config.DATA_DIR, 'mail');
  try {
    const sink = await SmtpSink.start({
      host: '127.0.0.1',
      port: Number(url.port || 25),
      dir,
      onMail: (mail) => console.log(`[mail] ${mail.messageId ?? mail.queueId}: ${mail.subject ?? ''}`),
    });
    return {
      sink,
      lines: [
        ...lines,
        `  Mail (SMTP sink): ${sink.url}, each e-mail saved as .eml in ${dir}`,
        `  SMS (file):      ${smsFileOf(config)}; letters: npx vaxhub letters print-batch --out letters`,
      ],
    };
  } catch (error) {
    return {
      sink: undefined,
      lines: [
        ...lines,
        `  Mail: no SMTP sink on ${url.host} (${error instanceof Error ? error.message : String(error)}); e-mails wait and retry`,
      ],
    };
  }
}

export function registerMessagingCommands(program: Command): void {
  const letters = program
    .command('letters')
    .description('Paper letters to people without e-mail or mobile (BOOK-17, BOOK-18)');
  letters
    .command('print-batch')
    .description(
      'Collect the pending letters into one PDF (one letter per page, address for a window envelope) and mark them sent',
    )
    .requiredOption('--out <dir>', 'folder the PDF is written to')
    .option('--limit <n>', 'at most this many letters in the batch', '5000')
    .action(async (options: { out: string; limit: string }) => {
      const limit = parsePositiveInteger(options.limit, '--limit');
      await withDatabase(async (database, config) => {
        const messaging = new MessagingService(database.db, config, systemClock, createLogger('warn'));
        try {
          const batch = await messaging.printLetters(options.out, limit);
          if (batch.file === null) console.log('no letters waiting');
          else console.log(`${batch.printed} letters printed in ${batch.file} (batch ${batch.batch})`);
          if (batch.failed > 0)
            console.log(`${batch.failed} letters could not be written: see their messages`);
        } finally {
          await messaging.worker.stop();
        }
      });
    });

  const messaging = program.command('messaging').description('Messages to people (ADR 0017)');
  messaging
    .command('run')
    .description('Write the due reminders and deliver the due e-mails and SMS once')
    .action(async () => {
      await withDatabase(async (database, config) => {
        const service = new MessagingService(
          database.db,
          config,
          systemClock,
          createLogger(config.LOG_LEVEL),
        );
        try {
          console.log(JSON.stringify(await service.worker.runOnce()));
        } finally {
          await service.worker.stop();
        }
      });
    });
  messaging
    .command('sink')
    .description('Run the local SMTP sink (demo and development only) until Ctrl+C')
    .option('--port <n>', 'port to listen on (0: any free one)', '2525')
    .option('--dir <dir>', 'also save each e-mail there as .eml')
    .action(async (options: { port: string; dir?: string }) => {
      const port = options.port === '0' ? 0 : parsePositiveInteger(options.port, '--port');
      const sink = await SmtpSink.start({
        port,
        ...(options.dir === undefined ? {} : { dir: options.dir }),
        onMail: (mail) => console.log(`received ${mail.messageId ?? mail.queueId}: ${mail.subject ?? ''}`),
      });
      console.log(
        `SMTP sink listening on ${sink.url}${options.dir === undefined ? '' : `, saving to ${options.dir}`}`,
      );
      const stop = () => void sink.close().then(() => process.exit(0));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
