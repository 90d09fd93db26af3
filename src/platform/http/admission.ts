/**
 * REL-5: admission control in front of the routes that a surge hits (search and booking). At most
 * `maxInFlight` requests of a group run at once in this process; up to `maxQueue` more wait their turn
 * for at most `maxWaitMs`; beyond that a request is answered at once with 429 and Retry-After, so that
 * those admitted stay fast and the server never times everyone out. The gate decides nothing about
 * capacity (that is the database's): it only protects this process's latency, so it is per process.
 */
export class AdmissionGate {
  private inFlight = 0;
  private readonly waiting: { admit: () => void }[] = [];

  constructor(
    readonly maxInFlight: number,
    readonly maxQueue: number,
    readonly maxWaitMs: number,
  ) {}

  /** Resolves true when admitted (call `leave` once done), false when the request is to be shed. */
  enter(): Promise<boolean> {
    if (this.inFlight < this.maxInFlight) {
      this.inFlight += 1;
      return Promise.resolve(true);
    }
    if (this.waiting.length >= this.maxQueue) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      const entry = {
        admit: () => {
          clearTimeout(timer);
          resolve(true);
        },
      };
      const timer = setTimeout(() => {
        const index = this.waiting.indexOf(entry);
        if (index >= 0) this.waiting.splice(index, 1);
        resolve(false);
      }, this.maxWaitMs);
      this.waiting.push(entry);
    });
  }

  leave(): void {
    const next = this.waiting.shift();
    // The place passes straight to the next in line: inFlight stays the same.
    if (next !== undefined) next.admit();
    else this.inFlight -= 1;
  }

  get load(): { inFlight: number; waiting: number } {
    return { inFlight: this.inFlight, waiting: this.waiting.length };
  }
}
