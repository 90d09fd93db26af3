import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { FastifyBaseLogger } from 'fastify';
import type { Clock } from '../../platform/clock.ts';
import { doublingDelayMs, PeriodicJob } from '../../platform/background.ts';
import { DeliveryError, type ChannelAdapter, type DeliveryReceipt } from './adapters.ts';
import {
  bookingNow,
  claimDue,
  recordAttempt,
  scheduleReminders,
  type ClaimedMessage,
  type MessagingDb,
} from './repo.ts';
import { TemplateError, type SenderContacts } from './message-text.ts';
import { renderMessage } from './templates.ts';

/** How long a worker's claim on a message lasts: well beyond one bounded SMTP or gateway call. */
const LEASE_SECONDS = 120;
const BATCH_SIZE = 50;
/** Deliveries of one batch in flight at once (a batch holds at most one message per person). */
const PARALLEL_DELIVERIES = 4;
const MAX_RETRY_DELAY_MS = 60 * 60_000;
/** The periodic loop writes reminders at most this often; a run asked for by an operator always does. */
const REMINDER_EVERY_MS = 60_000;

/** The wait before the next attempt after `attempts` failed ones: doubling, capped at an hour. */
export const retryDelayMs = (attempts: number, baseMs: number): number =>
  doublingDelayMs(attempts, baseMs, MAX_RETRY_DELAY_MS);

export interface MessagingOptions {
  retryBaseMs: number;
  maxAttempts: number;
  reminderLeadHours: number;
  reminderLetterLeadHours: number;
  contacts: SenderContacts;
}

export interface MessagingRun {
  remindersWritten: number;
  sent: number;
  retried: number;
  failed: number;
  skipped: number;
}

/**
 * Messages to people (ADR 0017): writes the due reminders (BOOK-18) and delivers e-mails and SMS from
 * the `messages` outbox. Any number of processes may run it on one database: messages are claimed with
 * leases in the database, so no two processes send one message at once. Delivery is at least once;
 * each adapter gives the provider our stable reference so a resend is recognisable.
 */
export class MessagingWorker {
  private lastReminders = Number.NEGATIVE_INFINITY;
  /** The periodic loop: reminders at most every REMINDER_EVERY_MS, deliveries every run. */
  private readonly job: PeriodicJob;

  constructor(
    private readonly db: MessagingDb,
    private readonly adapters: Partial<Record<'email' | 'sms', ChannelAdapter>>,
    private readonly clock: Clock,
    private readonly logger: FastifyBaseLogger,
    private readonly options: MessagingOptions,
  ) {
    this.job = new PeriodicJob('messaging', logger, () => {
      const now = Date.now();
      const reminders = now - this.lastReminders >= REMINDER_EVERY_MS;
      if (reminders) this.lastReminders = now;
      return this.runOnce({ reminders });
    });
  }

  /** BOOK-18: the reminders of bookings starting within the lead time; a second run writes none again. */
  async writeReminders(): Promise<number> {
    return scheduleReminders(
      this.db,
      this.clock.now(),
      this.options.reminderLeadHours,
      this.options.reminderLetterLeadHours,
    );
  }

  /** Writes the due reminders (unless `reminders` is false), then delivers every due message. */
  async runOnce(options: { reminders?: boolean } = {}): Promise<MessagingRun> {
    const run: MessagingRun = { remindersWritten: 0, sent: 0, retried: 0, failed: 0, skipped: 0 };
    if (options.reminders ?? true) run.remindersWritten = await this.writeReminders();
    const token = randomUUID();
    for (;;) {
      const batch = await claimDue(this.db, BATCH_SIZE, LEASE_SECONDS, token);
      if (batch.length === 0) break;
      for (let i = 0; i < batch.length; i += PARALLEL_DELIVERIES) {
        const outcomes = await Promise.all(
          batch.slice(i, i + PARALLEL_DELIVERIES).map((message) => this.deliver(message, token)),
        );
        for (const outcome of outcomes) run[outcome] += 1;
      }
      // A person whose message waits for a retry holds their later ones: the next batch would only find others.
      if (run.retried > 0) break;
    }
    return run;
  }

  private async deliver(
    message: ClaimedMessage,
    token: string,
  ): Promise<'sent' | 'retried' | 'failed' | 'skipped'> {
    const started = performance.now();
    const adapter = message.channel === 'letter' ? undefined : this.adapters[message.channel];
    const adapterName = adapter?.name ?? `${message.channel}-none`;
    const elapsed = () => performance.now() - started;

    const stale = await this.staleReason(message);
    if (stale !== undefined) {
      await recordAttempt(this.db, message, token, {
        adapter: adapterName,
        durationMs: elapsed(),
        outcome: 'skipped',
        error: stale,
      });
      return 'skipped';
    }
    let receipt: DeliveryReceipt;
    try {
      if (adapter === undefined) throw new DeliveryError(`no adapter for ${message.channel}`, false);
      let rendered;
      try {
        rendered = renderMessage(message, this.options.contacts);
      } catch (error) {
        if (!(error instanceof TemplateError)) throw error;
        throw new DeliveryError(`cannot be rendered: ${error.message}`, true);
      }
      receipt = await adapter.send({
        id: message.id,
        channel: message.channel,
        language: message.language,
        recipient: message.recipient,
        ...rendered,
      });
    } catch (error) {
      // Whatever an adapter throws is a failed attempt; only this worker's own database errors stop the run.
      const failure =
        error instanceof DeliveryError
          ? error
          : new DeliveryError(error instanceof Error ? error.message : String(error), false);
      return this.failed(message, token, adapterName, elapsed(), failure);
    }
    // Outside the try: a message the provider took is sent, even if recording it fails (then the lease
    // runs out and it is sent again, under the same reference: at least once).
    await recordAttempt(this.db, message, token, {
      adapter: adapterName,
      durationMs: elapsed(),
      outcome: 'sent',
      providerMessageId: receipt.providerMessageId,
    });
    return 'sent';
  }

  private async failed(
    message: ClaimedMessage,
    token: string,
    adapterName: string,
    durationMs: number,
    failure: DeliveryError,
  ): Promise<'retried' | 'failed'> {
    const last = failure.permanent || message.attempt >= this.options.maxAttempts;
    const retryInMs = retryDelayMs(message.attempt, this.options.retryBaseMs);
    this.logger.warn(
      {
        messageId: message.id,
        channel: message.channel,
        attempt: message.attempt,
        reason: failure.message,
        retryInMs: last ? null : retryInMs,
      },
      last ? 'message delivery failed for good' : 'message delivery failed; will retry',
    );
    await recordAttempt(this.db, message, token, {
      adapter: adapterName,
      durationMs,
      outcome: last ? 'failed' : 'retry',
      error: failure.message,
      retryInMs,
    });
    return last ? 'failed' : 'retried';
  }

  /** BOOK-18: a reminder of an appointment that moved, was cancelled or is over says nothing true any more. */
  private async staleReason(message: ClaimedMessage): Promise<string | undefined> {
    if (message.template !== 'booking_reminder' || message.causeKind !== 'booking') return undefined;
    const booking = await bookingNow(this.db, message.causeId);
    const remindedOf = (message.params as { appointments?: { startsAt?: string }[] }).appointments?.[0]
      ?.startsAt;
    if (booking === undefined || booking.status !== 'confirmed')
      return 'superseded: the booking was cancelled';
    if (remindedOf === undefined || new Date(remindedOf).getTime() !== booking.starts_at.getTime())
      return 'superseded: the appointment changed';
    if (booking.starts_at <= this.clock.now()) return 'expired: the appointment is over';
    return undefined;
  }

  /** Runs every `intervalMs` in the background until stop(); reminders at most once a minute. */
  start(intervalMs: number): void {
    this.job.start(intervalMs);
  }

  async stop(): Promise<void> {
    await this.job.stop();
    for (const adapter of Object.values(this.adapters)) await adapter.close?.();
  }
}
