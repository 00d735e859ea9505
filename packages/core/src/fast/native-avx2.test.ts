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

describe('the AVX2 native build', () => {
  it('loads where the CPU has AVX2 and gives the same gradients', async () => {
    const { selectEngine } = await import('./engines.js');
    const selected = selectEngine('native');
    if (!('engine' in selected)) {
      expect(selected.error).toMatch(/prebuild|AVX2|cpuinfo|addon/);
      return;
    }
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
