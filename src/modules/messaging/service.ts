import path from 'node:path';
import type { Kysely } from 'kysely';
import type { FastifyBaseLogger } from 'fastify';
import { ConfigError, type Config } from '../../platform/config.ts';
import type { Clock } from '../../platform/clock.ts';
import type { DB } from '../../platform/db/schema.ts';
import { DomainError } from '../../platform/http/problem.ts';
import { FileSmsAdapter, HttpSmsAdapter, SmtpEmailAdapter, type ChannelAdapter } from './adapters.ts';
import { MessagingWorker } from './delivery.ts';
import { printLetterBatch, type LetterBatch } from './letters.ts';
import {
  getMessage,
  listMessages,
  messagingDb,
  regionName,
  type MessageFilter,
  type MessagingDb,
} from './repo.ts';
import { TemplateError, type SenderContacts } from './message-text.ts';
import { renderMessage } from './templates.ts';
import { withoutSecret } from './template-kit.ts';
import './errors.ts';

/** The SMS file of the `file` adapter: JSON lines under DATA_DIR. */
export const smsFileOf = (config: Config): string => path.join(config.DATA_DIR, 'sms-outbox.jsonl');

/** The SMS adapter the configuration names (`SMS_ADAPTER`). */
export function smsAdapterOf(config: Config, clock: Clock): ChannelAdapter {
  if (config.SMS_ADAPTER === 'file') return new FileSmsAdapter(smsFileOf(config), clock);
  if (config.SMS_GATEWAY_URL === undefined || config.SMS_GATEWAY_TOKEN === undefined) {
    throw new ConfigError('SMS_ADAPTER=http needs SMS_GATEWAY_URL and SMS_GATEWAY_TOKEN');
  }
  return new HttpSmsAdapter(config.SMS_GATEWAY_URL, config.SMS_GATEWAY_TOKEN);
}

export const contactsOf = (config: Config): SenderContacts => ({
  publicUrl: config.publicUrl,
  helpPhone: config.MESSAGING_HELP_PHONE,
});

/**
 * Messages to people (ADR 0017): the outbox is written by the database in the transaction of each
 * cause (migration 0018); this service delivers it, writes reminders, prints letters and lists it.
 */
export class MessagingService {
  readonly db: MessagingDb;
  readonly worker: MessagingWorker;

  constructor(
    db: Kysely<DB>,
    private readonly config: Config,
    private readonly clock: Clock,
    logger: FastifyBaseLogger,
    adapters?: Partial<Record<'email' | 'sms', ChannelAdapter>>,
  ) {
    this.db = messagingDb(db);
    this.worker = new MessagingWorker(
      this.db,
      adapters ?? {
        email: new SmtpEmailAdapter(config.SMTP_URL, config.SMTP_FROM),
        sms: smsAdapterOf(config, clock),
      },
      clock,
      logger,
      {
        retryBaseMs: config.MESSAGING_RETRY_BASE_MS,
        maxAttempts: config.MESSAGING_MAX_ATTEMPTS,
        reminderLeadHours: config.REMINDER_LEAD_HOURS,
        reminderLetterLeadHours: config.REMINDER_LETTER_LEAD_HOURS,
        contacts: contactsOf(config),
      },
    );
  }

  list(filter: MessageFilter) {
    return listMessages(this.db, filter);
  }

  /** A message with what it says (or why it cannot be rendered); MESSAGE_NOT_FOUND outside the scope. */
  async get(id: number, healthAuthorityCodes: readonly string[] | null) {
    const scoped =
      healthAuthorityCodes === null
        ? await getMessage(this.db, id)
        : (await listMessages(this.db, { id, healthAuthorityCodes, limit: 1, offset: 0 })).messages[0];
    if (scoped === undefined) throw new DomainError('MESSAGE_NOT_FOUND', { pointer: '/params/messageId' });
    // The retention job removed what it said (params): there is nothing left to render.
    if (scoped.redacted_at !== null) return { message: scoped, rendered: null, renderError: null };
    try {
      return {
        message: scoped,
        rendered: renderMessage(
          {
            channel: scoped.channel,
            template: scoped.template,
            language: scoped.language,
            params: withoutSecret(scoped.params),
          },
          contactsOf(this.config),
        ),
        renderError: null,
      };
    } catch (error) {
      if (!(error instanceof TemplateError)) throw error;
      return { message: scoped, rendered: null, renderError: error.message };
    }
  }

  /** Collects the pending letters into one PDF under `outDir` and marks them sent. */
  async printLetters(outDir: string, limit?: number): Promise<LetterBatch> {
    const region = (await regionName(this.db, this.config.REGION_CODE)) ?? this.config.REGION_CODE;
    return printLetterBatch(this.db, {
      outDir,
      clock: this.clock,
      limit,
      sender: { regionName: `Regione ${region}`, contacts: contactsOf(this.config) },
    });
  }
}
