import { describe, expect, it } from 'vitest';
import { MLP_CTX, MLP_CTX_BYTES, PIXEL_CTX } from './boundary.js';
import { ContextBlock, trainerFields, type TrainerField } from './context-block.js';

describe('ContextBlock', () => {
  it('setAll writes each value through its field type, at the block offset', () => {
    const buffer = new ArrayBuffer(64 + MLP_CTX_BYTES);
    const block = new ContextBlock(buffer, 64);
    block.setAll(MLP_CTX, { d: 3, beta1: 0.9, p: 4096 });
    const words = (f: { word: number }) => 16 + f.word;
    expect(new Int32Array(buffer)[words(MLP_CTX.d)]).toBe(3);
    expect(new Float32Array(buffer)[words(MLP_CTX.beta1)]).toBe(Math.fround(0.9));
    expect(block.get(MLP_CTX.p)).toBe(4096);
    expect(new Int32Array(buffer, 0, 16).every((w) => w === 0)).toBe(true);
  });

  it('setAll refuses a name the table does not have', () => {
    const block = new ContextBlock(new ArrayBuffer(MLP_CTX_BYTES), 0);
    const values: Record<string, number> = { noSuchField: 1 };
    expect(() => block.setAll(MLP_CTX, values)).toThrow(/no field 'noSuchField'/);
  });

  it('both trainer blocks have every shared field, with the same type', () => {
    const fields = trainerFields(
      8,
      { p: 1, m: 2, v: 3, grads: 4, lossPart: 5, scratch: 6 },
      { nParams: 7, chunkRows: 16, scratchFloats: 9 },
      { beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0 },
    );
    expect(fields.oneMinusBeta2).toBe(1 - 0.999);
    for (const name of Object.keys(fields) as TrainerField[]) {
      expect(PIXEL_CTX[name].type, name).toBe(MLP_CTX[name].type);
    }
  });
});
