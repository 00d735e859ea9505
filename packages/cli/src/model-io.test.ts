import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createBaseline,
  createHnn,
  encodeModelJson,
  float64HamiltonianField,
  initBackend,
  serializeModel as serializeCoreModel,
} from '@hnn/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ModelFormatError } from './errors.js';
import {
  createModelFile,
  loadModel,
  MODEL_FORMAT_VERSION,
  readModelFile,
  serializeModel,
} from './model-io.js';
import type { ModelFile } from './model-io.js';
import { fitNormalization, IDENTITY_NORMALIZATION } from './normalization.js';
import type { Normalization } from './normalization.js';
import { serializeModelVersion1 } from './test-utils/model-file-v1.js';
import { LIBRARY } from './version.js';

beforeAll(async () => {
  await initBackend('cpu');
});

/** A 4-d (n = 2) normalisation with different scales per pair, fitted to skewed samples. */
function skewedNormalization(): Normalization {
  const rows = 50;
  const x = new Float64Array(rows * 4);
  const dx = new Float64Array(rows * 4);
  for (let r = 0; r < rows; r++) {
    const s = Math.sin(r * 1.7);
    const c = Math.cos(r * 0.9);
    x.set([3 + 5 * s, -1 + 0.2 * c, 0.5 * c, 10 * s * c], r * 4);
    dx.set([s, 40 * c, 0.1 * s, c], r * 4);
  }
  return fitNormalization('symplectic', x, dx, 4);
}

function hnnFile(norm: Normalization, seed = 3): ModelFile {
  const model = createHnn({ inputDim: 4, hiddenDim: 8, seed });
  try {
    return createModelFile({ model, stateNames: ['q1', 'q2', 'p1', 'p2'], normalization: norm });
  } finally {
    model.dispose();
  }
}

function modelError(json: unknown): ModelFormatError {
  try {
    loadModel(json, { source: 'm.json' });
  } catch (err) {
    expect(err).toBeInstanceOf(ModelFormatError);
    expect((err as Error).message).not.toContain('\n');
    return err as ModelFormatError;
  }
  throw new Error('expected a ModelFormatError');
}

describe('model files', () => {
  it('round-trip: the loaded field equals the model float64 evaluator bit for bit', () => {
    for (const kind of ['hnn', 'baseline'] as const) {
      const model =
        kind === 'hnn'
          ? createHnn({ inputDim: 2, hiddenDim: 16, seed: 1 })
          : createBaseline({ inputDim: 2, hiddenDim: 16, seed: 1 });
      const reference = model.toFloat64();
      const text = serializeModel(
        createModelFile({
          model,
          stateNames: ['q1', 'p1'],
          normalization: IDENTITY_NORMALIZATION(2),
        }),
      );
      model.dispose();
      const loaded = loadModel(text);
      expect(loaded.kind).toBe(kind);
      expect(loaded.file.library).toEqual(LIBRARY);
      expect(loaded.file.formatVersion).toBe(MODEL_FORMAT_VERSION);
      const want = new Float64Array(2);
      for (const state of [
        [0.3, -0.7],
        [1.2, 0.1],
      ]) {
        const x = Float64Array.from(state);
        reference.timeDerivative(x, want);
        expect(Array.from(loaded.timeDerivative(x))).toEqual(Array.from(want));
        if (kind === 'hnn') {
          const h0 = reference.hamiltonian?.(new Float64Array(2)) as number;
          expect(loaded.hamiltonian?.(x)).toBe((reference.hamiltonian?.(x) as number) - h0);
        } else {
          expect(loaded.hamiltonian).toBeUndefined();
        }
      }
    }
  });

  it('keeps a normalised HNN Hamiltonian in data units: dq/dt = dH/dp, dp/dt = -dH/dq', () => {
    const norm = skewedNormalization();
    // The symplectic normalisation gives every (q_i, p_i) pair the same scale product.
    const [sq1, sq2, sp1, sp2] = norm.scale as [number, number, number, number];
    expect(sq1 * sp1).toBeCloseTo(sq2 * sp2, 10);
    expect(sq1 / sp1).not.toBeCloseTo(sq2 / sp2, 1);
    const loaded = loadModel(JSON.parse(serializeModel(hnnFile(norm))));
    const H = loaded.hamiltonian as (x: ArrayLike<number>) => number;
    const x = [2.5, -0.9, 0.3, 4];
    const f = loaded.timeDerivative(x);
    const grad = x.map((_, k) => {
      const h = 1e-5 * (norm.scale[k] as number);
      const up = [...x];
      const down = [...x];
      up[k] = (up[k] as number) + h;
      down[k] = (down[k] as number) - h;
      return (H(up) - H(down)) / (2 * h);
    });
    const expected = [grad[2], grad[3], -(grad[0] as number), -(grad[1] as number)];
    f.forEach((v, k) => expect(v).toBeCloseTo(expected[k] as number, 6));
    expect(H(norm.shift)).toBe(0);
  });

  it('reads a file from disk, and names a missing one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hnn-model-'));
    try {
      await expect(readModelFile(join(dir, 'none.json'))).rejects.toThrow(
        /none\.json: no such model file/,
      );
    } finally {
      await rm(dir, { recursive: true });
    }
  });

  it('writes version 2, and reads version 1 files to the same numbers', () => {
    const file = hnnFile(skewedNormalization());
    const v2 = serializeModel(file);
    const v1 = serializeModelVersion1(file);
    expect(JSON.parse(v2)).toMatchObject({
      formatVersion: 2,
      weightsByteLength: 4 * (4 * 8 + 8 + 8 * 8 + 8 + 8),
    });
    expect(v2.length).toBeLessThan(v1.length);
    const a = loadModel(v2);
    const b = loadModel(v1);
    expect(a.file.formatVersion).toBe(2);
    expect(b.file.formatVersion).toBe(1);
    expect({ ...a.file, formatVersion: 1, weights: [] }).toEqual({ ...b.file, weights: [] });
    // Version 1 holds 9-digit decimals, version 2 the float32 values: the same float32 numbers.
    const f32 = (f: ModelFile) => f.weights.map((w) => Array.from(Float32Array.from(w.data)));
    expect(f32(a.file)).toEqual(f32(b.file));
    const x = [0.4, -1, 2, 0.3];
    expect(Array.from(a.timeDerivative(x))).toEqual(Array.from(b.timeDerivative(x)));
  });

  it.each(['hnn', 'baseline'])(
    'loads the committed version-1 %s file that hnn train wrote before version 2',
    async (kind) => {
      // packages/core keeps the fixture (its loader reads version 1 too).
      const url = new URL(
        `../../core/src/test-utils/fixtures/cli-v1-${kind}.json`,
        import.meta.url,
      );
      const text = await readFile(url, 'utf8');
      const raw = JSON.parse(text) as { formatVersion: number; weights: { data: number[] }[] };
      expect(raw.formatVersion).toBe(1);
      const loaded = await readModelFile(url.pathname);
      expect(loaded.kind).toBe(kind);
      expect(loaded.file.formatVersion).toBe(1);
      expect(loaded.file.weights.map((w) => w.data)).toEqual(raw.weights.map((w) => w.data));
      // Written again, it is version 2 and evaluates identically.
      const again = loadModel(serializeModel(loaded.file));
      const x = [0.3, -0.4];
      expect(again.file.formatVersion).toBe(2);
      expect(Array.from(again.timeDerivative(x))).toEqual(Array.from(loaded.timeDerivative(x)));
    },
  );

  it("loads a model saved by @hnn/core's saveModel format, with names q1..pn and no scaling", () => {
    const model = createHnn({ inputDim: 2, hiddenDim: 8, seed: 6 });
    const text = encodeModelJson(serializeCoreModel(model));
    const field = float64HamiltonianField(model.mlp.toFloat64Weights());
    model.dispose();
    const loaded = loadModel(text);
    expect(loaded.stateNames).toEqual(['q1', 'p1']);
    expect(loaded.file.normalization.method).toBe('none');
    const x = Float64Array.from([0.2, 0.9]);
    const want = new Float64Array(2);
    field.timeDerivative(x, want);
    expect(Array.from(loaded.timeDerivative(x))).toEqual(Array.from(want));
  });

  it('rejects a damaged version-2 file with one line naming it', async () => {
    const good = JSON.parse(serializeModel(hnnFile(skewedNormalization()))) as Record<
      string,
      unknown
    >;
    const data = good.weightsData as string;
    expect(modelError({ ...good, weightsData: data.slice(0, 400) }).message).toMatch(
      /^m\.json: the weights hold 300 bytes, the manifest says 480; .*retrain/,
    );
    expect(modelError({ ...good, weightsData: '#'.repeat(data.length) }).message).toMatch(
      /^m\.json: 'weightsData' must be the weights in base64/,
    );
    expect(modelError({ ...good, weightsByteLength: 4 }).message).toMatch(/weightsByteLength/);
    const dir = await mkdtemp(join(tmpdir(), 'hnn-model-'));
    try {
      const path = join(dir, 'cut.json');
      await writeFile(path, JSON.stringify(good).slice(0, 300));
      await expect(readModelFile(path)).rejects.toThrow(/cut\.json:\d+: the JSON ends early/);
    } finally {
      await rm(dir, { recursive: true });
    }
  });

  describe('rejects (version 1)', () => {
    const good = serializeModelVersion1(hnnFile(skewedNormalization()));
    const edit = (change: (m: Record<string, unknown>) => void): Record<string, unknown> => {
      const m = JSON.parse(good) as Record<string, unknown>;
      change(m);
      return m;
    };

    it('a truncated file, naming the line where it stops', () => {
      const cut = good.slice(0, Math.floor(good.length / 2));
      const err = modelError(cut);
      expect(err.message).toMatch(/^m\.json:\d+: the JSON ends early: the file is truncated/);
      expect(err.line).toBe(cut.split('\n').length);
    });

    it('an empty file and non-JSON text', () => {
      expect(modelError('').message).toMatch(/m\.json: the file is empty/);
      expect(modelError('{"format": hnn}').message).toMatch(/^m\.json:1: not valid JSON/);
      expect(modelError('x,y\n1,2').message).toMatch(/^m\.json:1: not a model file/);
    });

    it('a damaged file, naming the line of the damage', () => {
      const lines = good.split('\n');
      const w = lines.findIndex((l) => l.includes('"data": ['));
      lines[w] = (lines[w] as string).replace(/\[(\S+?),/, '[$1,oops,');
      expect(modelError(lines.join('\n')).message).toMatch(
        new RegExp(`^m\\.json:${w + 1}: not valid JSON .*retrain`),
      );
    });

    it('another format (e.g. a CSV or another JSON file)', () => {
      expect(modelError({ name: 'x' }).message).toMatch(
        /not an hnn-model file \(format is missing\)/,
      );
      expect(modelError([1, 2]).message).toMatch(/not a model/);
    });

    it('another format version, naming the writer', () => {
      const m = edit((j) => {
        j.formatVersion = 3;
        j.library = { name: '@hnn/cli', version: '9.0.0' };
      });
      expect(modelError(m).message).toMatch(
        /model format version 3 \(written by @hnn\/cli 9\.0\.0\) is not one of the versions 1 and 2 .*retrain/,
      );
    });

    it('bad model sections, shapes and values', () => {
      const checks: [(m: Record<string, unknown>) => void, RegExp][] = [
        [(m) => ((m.model as Record<string, unknown>).kind = 'lnn'), /model\.kind must be/],
        [(m) => ((m.model as Record<string, unknown>).degreesOfFreedom = 1.5), /positive integer/],
        [
          (m) => ((m.model as Record<string, unknown>).layerSizes = [4, 8, 8, 4]),
          /do not fit a hnn/,
        ],
        [
          (m) => ((m.model as Record<string, unknown>).stateNames = ['q1']),
          /stateNames must list 4/,
        ],
        [(m) => (m.weights as unknown[]).pop(), /'weights' must hold 5 arrays/],
        [
          (m) => (((m.weights as unknown[])[0] as Record<string, unknown>).shape = [8, 4]),
          /weights\[0\] \(W1\) has shape \[8,4\], expected \[4,8\]/,
        ],
        [
          (m) => (((m.weights as unknown[])[2] as Record<string, unknown>).data as unknown[]).pop(),
          /weights\[2\] \(W2\) must hold 64 numbers, has 63/,
        ],
        [
          (m) =>
            ((((m.weights as unknown[])[1] as Record<string, unknown>).data as unknown[])[3] =
              null),
          /weights\[1\] \(b1\) value 3 is null, not a finite number/,
        ],
        [(m) => delete m.normalization, /missing the 'normalization' section/],
        [
          (m) => ((m.normalization as Record<string, unknown>).scale = [1, 1, 0, 1]),
          /normalization\.scale must be 4 finite positive numbers/,
        ],
        [
          (m) => ((m.normalization as Record<string, unknown>).scale = [1, 1, 2, 1]),
          /not symplectic/,
        ],
        [
          (m) => ((m.normalization as Record<string, unknown>).timeScale = -1),
          /timeScale must be a finite positive number/,
        ],
      ];
      for (const [change, message] of checks) {
        expect(modelError(edit(change)).message).toMatch(message);
      }
    });
  });
});
