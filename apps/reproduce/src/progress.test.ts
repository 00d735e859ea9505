import { describe, expect, it } from 'vitest';
import { createProgressBar } from './progress.js';

describe('createProgressBar without a terminal', () => {
  it('prints plain lines with step, loss and ETA, throttled, and always the last step', () => {
    const lines: string[] = [];
    const stream = {
      isTTY: false,
      write: (s: string) => lines.push(s),
    } as unknown as NodeJS.WriteStream;
    const bar = createProgressBar('spring hnn', 100, { stream, logEveryMs: 60_000 });
    for (let step = 1; step <= 100; step++) bar.update(step, 1 / step);
    bar.stop();
    // Throttled to one line a minute, but the final step is always reported.
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^spring hnn: step 100\/100 \(100%\), loss 1\.000e-2, elapsed \S+, ETA 0s\n$/,
    );

    const all: string[] = [];
    const every = createProgressBar('x', 4, {
      stream: { isTTY: false, write: (s: string) => all.push(s) } as unknown as NodeJS.WriteStream,
      logEveryMs: 0,
    });
    for (let step = 1; step <= 4; step++) every.update(step, 0.5);
    expect(all.map((l) => l.split(',')[0])).toEqual([
      'x: step 1/4 (25%)',
      'x: step 2/4 (50%)',
      'x: step 3/4 (75%)',
      'x: step 4/4 (100%)',
    ]);
  });
});
