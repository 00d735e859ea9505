import cliProgress from 'cli-progress';

/** A per-model progress bar with ETA; on a non-TTY (CI, logs) it prints a line every few seconds. */
export function createProgressBar(label: string, total: number) {
  const bar = new cliProgress.SingleBar(
    {
      format: `${label.padEnd(24)} [{bar}] {percentage}% | step {value}/{total} | ETA {eta_formatted} | loss {loss}`,
      barCompleteChar: '#',
      barIncompleteChar: '-',
      hideCursor: true,
      noTTYOutput: true,
      notTTYSchedule: 5000,
      etaBuffer: 50,
    },
    cliProgress.Presets.legacy,
  );
  bar.start(total, 0, { loss: '—' });
  return {
    update(step: number, loss: number) {
      bar.update(step, { loss: loss.toExponential(3) });
    },
    stop() {
      bar.stop();
    },
  };
}
