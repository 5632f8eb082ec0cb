// Progress for long commands: a redrawn bar on a terminal, plain lines otherwise (CI logs, pipes).
// Always on stderr, so stdout carries only results (and with --json, one JSON object last).

export interface ProgressReporter {
  update(done: number, detail: string): void;
  finish(detail: string): void;
}

export function createProgress(
  label: string,
  total: number,
  stream: NodeJS.WriteStream = process.stderr,
): ProgressReporter {
  const started = performance.now();
  const elapsed = () => `${((performance.now() - started) / 1000).toFixed(1)} s`;
  if (stream.isTTY) {
    let lastDraw = 0;
    const draw = (done: number, detail: string, force: boolean) => {
      const now = performance.now();
      if (!force && now - lastDraw < 100) return;
      lastDraw = now;
      const width = 28;
      const share = total > 0 ? Math.min(1, done / total) : 0;
      const filled = Math.round(share * width);
      const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
      const line = `${label} ${bar} ${done}/${total} ${elapsed()} ${detail}`;
      stream.write(`\r${line.slice(0, (stream.columns ?? 120) - 1)}\x1b[K`);
    };
    return {
      update: (done, detail) => draw(done, detail, false),
      finish: (detail) => {
        draw(total, detail, true);
        stream.write('\n');
      },
    };
  }
  // Plain lines at every tenth of the work, so a log shows progress without flooding.
  let nextMark = 0;
  return {
    update(done, detail) {
      if (total <= 0 || done < nextMark) return;
      nextMark = Math.min(total, Math.floor(done / (total / 10)) * (total / 10) + total / 10);
      stream.write(
        `${label} ${done}/${total} (${Math.round((100 * done) / total)}%) ${elapsed()} ${detail}\n`,
      );
    },
    finish(detail) {
      stream.write(`${label} done ${elapsed()} ${detail}\n`);
    },
  };
}
