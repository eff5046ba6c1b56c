/** Where progress goes: process.stderr, or anything with a write method (a test's buffer). */
export interface ProgressOutput {
  isTTY?: boolean;
  write(text: string): unknown;
}

/** Progress of one phase; nothing is printed after done(). */
export interface PhaseProgress {
  tick(n?: number): void;
  done(): void;
}

export interface Progress {
  phase(name: string, total: number): PhaseProgress;
}

const barWidth = 20;

/**
 * Shows how far a long bench phase has got. On a terminal one line is redrawn in place; in a CI
 * log (not a TTY) a line is printed only at 25%, 50%, 75% and 100%, so the log stays short.
 * Progress is decoration: it never throws, even when the output cannot be written.
 */
export function createProgress(out: ProgressOutput = process.stderr): Progress {
  const tty = out.isTTY === true;
  const write = (text: string): void => {
    try {
      out.write(text);
    } catch {
      // A closed or broken stream must not fail the benchmark.
    }
  };
  return {
    phase(name, total) {
      let count = 0;
      let finished = false;
      let shown = -1; // percent last drawn (TTY) or quarter last printed (log)
      const fraction = (): number => (total > 0 ? Math.min(1, Math.max(0, count / total)) : 1);
      const line = (): string => {
        const filled = Math.floor(fraction() * barWidth);
        const percent = String(Math.floor(fraction() * 100)).padStart(3);
        return `[${'#'.repeat(filled)}${'.'.repeat(barWidth - filled)}] ${percent}%  ${name}  ${count}/${total}`;
      };
      const update = (): void => {
        if (tty) {
          const percent = Math.floor(fraction() * 100);
          if (percent === shown) return;
          shown = percent;
          write(`\r${line()}\x1b[K`); // \x1b[K clears what a longer earlier line left behind
        } else {
          const quarter = Math.floor(fraction() * 4);
          if (quarter === 0 || quarter === shown) return;
          shown = quarter;
          write(`${line()}\n`);
        }
      };
      if (tty) update();
      return {
        tick(n = 1) {
          if (finished || !Number.isFinite(n)) return;
          count += n;
          update();
        },
        done() {
          if (finished) return;
          finished = true;
          if (tty) write(`\r${line()}\x1b[K\n`);
        },
      };
    },
  };
}
