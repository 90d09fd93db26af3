import type { Kysely } from 'kysely';
import type { FastifyBaseLogger } from 'fastify';
import type { Clock } from '../../platform/clock.ts';
import { doublingDelayMs, PeriodicJob } from '../../platform/background.ts';
import type { DB } from '../../platform/db/schema.ts';
import { NationalUnavailableError, type NationalClient } from '../../national/client.ts';
import {
  acknowledge,
  claimOutbox,
  leaseFeed,
  outboxFigures,
  outboxLagByHour,
  postpone,
  releaseFeed,
  storeMobilityPage,
  type ClaimedMessage,
} from './national-repo.ts';

/** How long a worker's claim on a message or on the feed lasts: well beyond one bounded national call. */
const LEASE_SECONDS = 60;
const BATCH_SIZE = 100;
const FEED_PAGE = 500;
/** Deliveries of one batch in flight at once (a batch holds at most one message per person). */
const PARALLEL_DELIVERIES = 8;
const MAX_RETRY_DELAY_MS = 5 * 60_000;
/** A foreigner whose identifier is pending (REG-9) cannot be sent yet: look again in an hour. */
const PENDING_IDENTIFIER_DELAY_MS = 60 * 60_000;

/** NAT-1: the wait before the next attempt after `attempts` failed ones: doubling, capped at 5 minutes. */
export const retryDelayMs = (attempts: number, baseMs: number): number =>
  doublingDelayMs(attempts, baseMs, MAX_RETRY_DELAY_MS);

export interface SyncRun {
  delivered: number;
  failed: number;
  mobilityStored: number;
  mobilityUnavailable: boolean;
}

/**
 * The registry's side of the national flows: delivers the outbox (NAT-1) and reads the mobility feed
 * (NAT-2). Any number of processes may run it on one database: claims and the feed are leased in the
 * database, so no two processes send the same message at once or read the same page twice.
 */
export class NationalSync {
  private readonly job: PeriodicJob;
  private mobilityUnavailable = false;
  private lastFailureLogged = Number.NEGATIVE_INFINITY;
  private lastFailure: { outboxId: number; attempts: number; reason: string; retryInMs: number } | undefined;

  constructor(
    private readonly db: Kysely<DB>,
    private readonly national: NationalClient,
    private readonly regionCode: string,
    private readonly clock: Clock,
    private readonly logger: FastifyBaseLogger,
    private readonly retryBaseMs: number,
  ) {
    this.job = new PeriodicJob('national sync', logger, () => this.runOnce());
  }

  /** Delivers every due message (batch after batch) and reads the feed to its end. */
  async runOnce(): Promise<SyncRun> {
    let delivered = 0;
    let failed = 0;
    for (;;) {
      const batch = await claimOutbox(this.db, BATCH_SIZE, LEASE_SECONDS);
      if (batch.length === 0) break;
      for (let i = 0; i < batch.length; i += PARALLEL_DELIVERIES) {
        const outcomes = await Promise.all(
          batch.slice(i, i + PARALLEL_DELIVERIES).map((message) => this.deliver(message)),
        );
        delivered += outcomes.filter(Boolean).length;
        failed += outcomes.filter((ok) => !ok).length;
      }
      // A failure leaves the person's later messages waiting: the next batch would only find others.
      if (failed > 0) break;
    }
    // A failing run is said once a minute at most: an outage would otherwise log every run.
    if (failed > 0 && Date.now() - this.lastFailureLogged >= 60_000) {
      this.lastFailureLogged = Date.now();
      this.logger.warn(
        { failed, delivered, last: this.lastFailure },
        'national deliveries failed; will retry',
      );
    }
    const mobility = await this.pullMobility();
    return { delivered, failed, mobilityStored: mobility.stored, mobilityUnavailable: mobility.unavailable };
  }

  private async deliver(message: ClaimedMessage): Promise<boolean> {
    if (message.personIdentifier === null) {
      await postpone(this.db, message.id, 'identifier pending', PENDING_IDENTIFIER_DELAY_MS);
      return false;
    }
    const change = message.deleted
      ? { version: message.version, deleted: true as const, personIdentifier: message.personIdentifier }
      : {
          version: message.version,
          deleted: false as const,
          personIdentifier: message.personIdentifier,
          administeredOn: message.administeredOn,
          productCode: message.productCode,
          aic: message.aic,
          lot: message.lot,
          doseNumber: message.doseNumber,
          doseKind: message.doseKind,
          ...(message.cycleDoses === null ? {} : { cycleDoses: message.cycleDoses }),
          covid: message.covid,
        };
    try {
      const receipt = await this.national.putAdministration(
        this.regionCode,
        String(message.administrationId),
        change,
      );
      await acknowledge(this.db, message.id, receipt);
      return true;
    } catch (error) {
      if (!(error instanceof NationalUnavailableError)) throw error;
      const delay = retryDelayMs(message.attempts, this.retryBaseMs);
      // One line per run, not per message: an outage would otherwise flood the log (see runOnce).
      this.lastFailure = {
        outboxId: message.id,
        attempts: message.attempts,
        reason: error.reason,
        retryInMs: delay,
      };
      await postpone(this.db, message.id, `${error.reason}: ${error.message}`, delay);
      return false;
    }
  }

  /** NAT-2: reads the feed from this region's position to its end, page by page. */
  private async pullMobility(): Promise<{ stored: number; unavailable: boolean }> {
    let stored = 0;
    for (;;) {
      const position = await leaseFeed(this.db, LEASE_SECONDS);
      if (position === undefined) return { stored, unavailable: false };
      let page;
      try {
        page = await this.national.mobility(this.regionCode, position, FEED_PAGE);
      } catch (error) {
        await releaseFeed(this.db);
        if (!(error instanceof NationalUnavailableError)) throw error;
        // Said when it stops answering and when it is back, not every second of an outage.
        if (!this.mobilityUnavailable)
          this.logger.warn({ reason: error.reason }, 'national mobility feed unavailable; will retry');
        this.mobilityUnavailable = true;
        return { stored, unavailable: true };
      }
      if (this.mobilityUnavailable) this.logger.info('national mobility feed answering again');
      this.mobilityUnavailable = false;
      const result = await storeMobilityPage(this.db, page.items, page.next, this.clock.now());
      stored += result.stored;
      if (page.items.length < FEED_PAGE) return { stored, unavailable: false };
    }
  }

  figures() {
    return outboxFigures(this.db);
  }

  /** The lag hour by hour over the last `hours` (the dashboards' chart, UX-5). */
  lagByHour(hours = 24) {
    return outboxLagByHour(this.db, hours);
  }

  /** Runs every `intervalMs` in the background until stop(); a failed run is logged and tried again. */
  start(intervalMs: number): void {
    this.job.start(intervalMs);
  }

  stop(): Promise<void> {
    return this.job.stop();
  }
}
