import { describe, expect, it, vi } from 'vitest';
import { randomBatch } from '@hnn/test-utils';
import { FusedTrainer } from './fused-trainer.js';

// A platform without worker threads: constructing a Worker throws.
vi.mock('node:worker_threads', () => ({
  Worker: class {
    constructor() {
      throw new Error('worker_threads disabled here');
    }
  },
}));

describe('FusedTrainer without worker threads', () => {
  it('runs on one thread and records why', async () => {
    const { x, dx } = randomBatch(200, 2, 1);
    const h = 8;
    const weights = [
      new Float32Array(2 * h).fill(0.1),
      new Float32Array(h),
      new Float32Array(h * h).fill(0.05),
      new Float32Array(h),
      new Float32Array(h).fill(0.2),
    ];
    const trainer = new FusedTrainer({
      kind: 'hnn',
      inputDim: 2,
      hiddenDim: h,
      weights,
      x,
      dx,
      batchRows: 200,
      threads: 2,
    });
    await trainer.start();
    expect(trainer.threads).toBe(1);
    expect(trainer.path).toMatch(/-1thread$/);
    expect(trainer.threadFallbackReason).toMatch(/worker_threads disabled here/);
    expect(Number.isFinite(trainer.step())).toBe(true);
    await trainer.close();
  });
});
