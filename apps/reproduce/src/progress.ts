import cliProgress from 'cli-progress';

export interface ProgressBar {
  update(step: number, loss?: number): void;
  stop(): void;
}

function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '?';
  const m = Math.floor(s / 60);
  return m > 0 ? `${m}m${Math.round(s % 60)}s` : `${s.toFixed(0)}s`;
}

/**
 * A per-model progress bar with ETA. On a terminal it redraws in place (cli-progress); in logs
 * and CI (no TTY) it prints a plain line at most every `logEveryMs`, so long runs still show life.
 */
export function createProgressBar(
  label: string,
  total: number,
  options: { stream?: NodeJS.WriteStream; logEveryMs?: number } = {},
): ProgressBar {
  const stream = options.stream ?? process.stdout;
  if (!stream.isTTY) {
    const logEveryMs = options.logEveryMs ?? 15_000;
    const start = performance.now();
    let lastLog = start;
    const line = (step: number, loss: number | undefined) => {
      const elapsed = (performance.now() - start) / 1000;
      const eta = step > 0 ? (elapsed / step) * (total - step) : Number.NaN;
      stream.write(
        `${label}: step ${step}/${total} (${((100 * step) / total).toFixed(0)}%), ` +
          `${loss === undefined || Number.isNaN(loss) ? '' : `loss ${loss.toExponential(3)}, `}` +
          `elapsed ${formatSeconds(elapsed)}, ETA ${formatSeconds(eta)}\n`,
      );
    };
    return {
      update(step, loss) {
        const now = performance.now();
        if (now - lastLog >= logEveryMs || step === total) {
          lastLog = now;
          line(step, loss);
        }
      },
      stop() {},
    };
  }
  const bar = new cliProgress.SingleBar(
    {
      format: `${label.padEnd(24)} [{bar}] {percentage}% | step {value}/{total} | ETA {eta_formatted} | loss {loss}`,
      barCompleteChar: '#',
      barIncompleteChar: '-',
      hideCursor: true,
      etaBuffer: 50,
      stream,
    },
    cliProgress.Presets.legacy,
  );
  bar.start(total, 0, { loss: '—' });
  return {
    update(step, loss) {
      bar.update(step, {
        loss: loss === undefined || Number.isNaN(loss) ? '—' : loss.toExponential(3),
      });
    },
    stop() {
      bar.stop();
    },
  };
}
