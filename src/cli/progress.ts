/**
 * Progress for long command-line work (UX-4): a percentage and rate on one line when the total is
 * known, a running count otherwise. Redrawn in place on a terminal, one line every few seconds when
 * the output is a file or a CI log.
 */
export interface Progress {
  update(done: number): void;
  finish(summary?: string): void;
}

export function createProgress(
  label: string,
  total?: number,
  stream: NodeJS.WriteStream = process.stderr,
): Progress {
  const started = Date.now();
  const interactive = stream.isTTY;
  let lastDraw = 0;
  let current = 0;
  const line = (): string => {
    const seconds = (Date.now() - started) / 1000;
    const rate = seconds > 0 ? Math.round(current / seconds) : 0;
    const count = current.toLocaleString('en-US');
    if (total && total > 0) {
      const percent = Math.min(100, (current / total) * 100).toFixed(1);
      const width = 24;
      const filled = Math.round((Math.min(current, total) / total) * width);
      return `${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${percent}% ${count}/${total.toLocaleString('en-US')} (${rate.toLocaleString('en-US')}/s)`;
    }
    return `${label} ${count} (${rate.toLocaleString('en-US')}/s)`;
  };
  const draw = (force: boolean): void => {
    const now = Date.now();
    if (!force && now - lastDraw < (interactive ? 100 : 5000)) return;
    lastDraw = now;
    stream.write(interactive ? `\r${line()}\x1b[K` : `${line()}\n`);
  };
  return {
    update(done) {
      current = done;
      draw(false);
    },
    finish(summary) {
      draw(true);
      if (interactive) stream.write('\n');
      if (summary) stream.write(`${summary}\n`);
    },
  };
}
