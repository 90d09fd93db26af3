/** The one source of "now": injected everywhere so that rules and tests never read the machine's clock. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export function fixedClock(
  at: Date | string,
): Clock & { set(at: Date | string): void; advance(ms: number): void } {
  let current = new Date(at);
  return {
    now: () => new Date(current),
    set(next) {
      current = new Date(next);
    },
    advance(ms) {
      current = new Date(current.getTime() + ms);
    },
  };
}

// Formatters are built once: building one costs far more than formatting with it.
const romeCalendar = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/Rome',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** The Europe/Rome calendar date (YYYY-MM-DD) of an instant: domain dates are Italian calendar dates. */
export function romeDate(instant: Date): string {
  return romeCalendar.format(instant);
}

const romeWallClock = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/Rome',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/**
 * The instant of a Rome wall-clock time ('YYYY-MM-DD', 'HH:MM'): Italy is UTC+1 in winter and UTC+2 in
 * summer. A time that does not exist (the hour skipped in late March) is read as winter time.
 */
export function romeInstant(date: string, time = '00:00'): Date {
  const wanted = `${date}, ${time}`;
  for (const offset of ['+01:00', '+02:00']) {
    const candidate = new Date(`${date}T${time}:00${offset}`);
    if (romeWallClock.format(candidate) === wanted) return candidate;
  }
  return new Date(`${date}T${time}:00+01:00`);
}
