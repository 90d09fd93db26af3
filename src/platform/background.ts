import type { FastifyBaseLogger } from 'fastify';

/*
 * What the background workers of every process share (the national flows, messages to people): the
 * retry delay and the periodic loop. Their claims and leases live in the database (ADR 0015, 0017).
 */

/** The wait before the next attempt after `attempts` failed ones: doubling from `baseMs`, capped at `maxMs`. */
export function doublingDelayMs(attempts: number, baseMs: number, maxMs: number): number {
  return Math.min(baseMs * 2 ** Math.max(0, attempts - 1), maxMs);
}

/**
 * Runs `run` every `intervalMs` (counted from the end of the previous run, so runs never overlap) until
 * stop(); a run that throws is logged and the next one goes ahead.
 */
export class PeriodicJob {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private stopped = false;

  constructor(
    private readonly name: string,
    private readonly logger: FastifyBaseLogger,
    private readonly run: () => Promise<unknown>,
  ) {}

  start(intervalMs: number): void {
    const tick = (): void => {
      this.running = this.run()
        .catch((error: unknown) => this.logger.error({ err: error }, `${this.name} run failed`))
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(tick, intervalMs).unref();
        });
    };
    this.timer = setTimeout(tick, intervalMs).unref();
  }

  /** Stops the loop and waits for a run in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }
}
