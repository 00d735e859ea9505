import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { float64HamiltonianField } from '../float64.js';
import {
  finiteDifferenceGradients,
  randomBatch,
  relativeError,
} from '../test-utils/finite-difference.js';

// This file runs in its own module graph (vitest isolates test files), so the engine cache sees
// the setting below: the AVX2 prebuild, on a machine that could run the AVX-512 one.
const saved = process.env.HNN_NATIVE_ISA;
beforeAll(() => {
  process.env.HNN_NATIVE_ISA = 'avx2';
});
afterAll(() => {
  if (saved === undefined) delete process.env.HNN_NATIVE_ISA;
  else process.env.HNN_NATIVE_ISA = saved;
});

// The prebuilds are for linux-x64; elsewhere, or on a CPU without AVX2, there is nothing to test
// and the test says so by being skipped (it used to pass silently).
const cpuHasAvx2 =
  process.platform === 'linux' &&
  process.arch === 'x64' &&
  /\bavx2\b/.test(readFileSync('/proc/cpuinfo', 'utf8'));

describe.skipIf(!cpuHasAvx2)('the AVX2 native build (linux-x64 with AVX2)', () => {
  it('loads and gives the same gradients as float64 finite differences', async () => {
    const { selectEngine } = await import('@hnn/kernels');
    const selected = selectEngine('native');
    if (!('engine' in selected)) throw new Error(`the AVX2 addon did not load: ${selected.error}`);
    expect(selected.engine.name).toBe('native-avx2');
    const { createHnn } = await import('../hnn.js');
    const { FusedTrainer } = await import('./fused-trainer.js');
    const model = createHnn({ inputDim: 4, hiddenDim: 20, seed: 3 });
    const { x, dx } = randomBatch(60, 4, 7);
    const fd = finiteDifferenceGradients(
      float64HamiltonianField,
      model.mlp.toFloat64Weights(),
      x,
      dx,
    );
    const trainer = new FusedTrainer({
      kind: 'hnn',
      inputDim: 4,
      hiddenDim: 20,
      weights: model.getWeights(),
      x,
      dx,
      batchRows: 60,
      threads: 1,
      engine: 'native',
    });
    expect(trainer.path).toBe('native-avx2-1thread');
    trainer.computeGradients();
    trainer.gradients().forEach((g, i) => {
      expect(relativeError(g, fd[i] as Float64Array)).toBeLessThan(1e-5);
    });
    await trainer.close();
    model.dispose();
  });
});
