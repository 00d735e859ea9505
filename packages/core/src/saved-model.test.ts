import { mkdtemp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from './backend.js';
import { decodeBase64, encodeBase64 } from './base64.js';
import { createBaseline } from './baseline.js';
import type { DynamicsModel } from './dynamics-model.js';
import { float64DirectField, float64HamiltonianField } from './float64.js';
import { createDhnn } from './dhnn.js';
import { createHnn } from './hnn.js';
import { loadFloat64Model, loadModel, saveModel } from './node.js';
import {
  decodeModelJson,
  deserializeFloat64,
  deserializeModel,
  encodeModelJson,
  restoreWeights,
  SavedModelError,
  serializeModel,
} from './saved-model.js';
import type { ModelArtifacts } from './saved-model.js';
import { train } from './train.js';
import { springData } from './test-utils/spring-data.js';

const FIXTURES = new URL('./test-utils/fixtures/', import.meta.url);
const data = springData(80, 0.1);
let dir = '';

beforeAll(async () => {
  await initBackend('wasm');
  dir = await mkdtemp(join(tmpdir(), 'hnn-saved-model-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const weightsOf = (m: DynamicsModel) => m.getWeights().map((w) => Array.from(w));
const states = [
  [0.3, -0.2],
  [-0.7, 0.5],
  [1.1, 0.05],
].map((s) => Float64Array.from(s));

function fieldValues(m: { timeDerivative: (x: Float64Array, out: Float64Array) => void }) {
  return states.map((x) => {
    const out = new Float64Array(2);
    m.timeDerivative(x, out);
    return Array.from(out);
  });
}

describe('serializeModel / deserializeModel', () => {
  it.each(['hnn', 'baseline'] as const)(
    'gives back a %s of the same class with the same weights, which keeps training like the original',
    async (kind) => {
      const make = () =>
        kind === 'hnn'
          ? createHnn({ inputDim: 2, hiddenDim: 16, seed: 4, gradientMethod: 'autodiff' })
          : createBaseline({ inputDim: 2, hiddenDim: 16, seed: 4 });
      const original = make();
      const options = { trainX: data.x, trainDx: data.dx, steps: 20, learningRate: 1e-2 };
      await train(original, options);
      const artifacts = serializeModel(original, { metadata: { note: 'test' } });
      expect(artifacts.manifest.model).toMatchObject({
        kind,
        inputDim: 2,
        network: 'mlp',
        layerSizes: [2, 16, 16, kind === 'hnn' ? 1 : 2],
      });
      expect(artifacts.manifest.metadata).toEqual({ note: 'test' });
      expect(artifacts.weights.length).toBe(
        4 * (2 * 16 + 16 + 16 * 16 + 16 + 16 * (kind === 'hnn' ? 1 : 2)),
      );
      const loaded = deserializeModel(artifacts);
      expect(Object.getPrototypeOf(loaded)).toBe(Object.getPrototypeOf(original));
      expect(loaded.kind).toBe(kind);
      if (kind === 'hnn')
        expect((loaded as { gradientMethod?: string }).gradientMethod).toBe('autodiff');
      expect(weightsOf(loaded)).toEqual(weightsOf(original));
      // Continuing: both train on from the same weights, each with a fresh Adam.
      await train(original, options);
      await train(loaded, options);
      expect(weightsOf(loaded)).toEqual(weightsOf(original));
      original.dispose();
      loaded.dispose();
    },
  );

  it('gives the same float64 evaluator as the model, without TensorFlow.js tensors', () => {
    for (const model of [
      createHnn({ inputDim: 2, hiddenDim: 12, seed: 1 }),
      createBaseline({ inputDim: 2, hiddenDim: 12, seed: 1 }),
    ]) {
      const artifacts = serializeModel(model);
      const before = tf.memory().numTensors;
      const field = deserializeFloat64(artifacts);
      expect(tf.memory().numTensors).toBe(before);
      expect(fieldValues(field)).toEqual(fieldValues(model.toFloat64()));
      if (model.kind === 'hnn') {
        expect(field.hamiltonian?.(states[0] as Float64Array)).toBe(
          model.toFloat64().hamiltonian?.(states[0] as Float64Array),
        );
      }
      model.dispose();
    }
  });

  it('saves a D-HNN (H and D, H.W1 ... D.W3) and rebuilds it trainable and as float64', () => {
    const model = createDhnn({ inputDim: 2, hiddenDim: 12, seed: 3 });
    const artifacts = serializeModel(model);
    expect(artifacts.manifest.model.network).toBe('mlp');
    expect(artifacts.manifest.weights.map((w) => w.name)).toEqual([
      'H.W1',
      'H.b1',
      'H.W2',
      'H.b2',
      'H.W3',
      'D.W1',
      'D.b1',
      'D.W2',
      'D.b2',
      'D.W3',
    ]);
    const back = deserializeModel(decodeModelJson(encodeModelJson(artifacts)));
    expect(back.kind).toBe('dhnn');
    expect(weightsOf(back)).toEqual(weightsOf(model));
    expect(fieldValues(deserializeFloat64(artifacts))).toEqual(fieldValues(model.toFloat64()));
    back.dispose();
    model.dispose();
  });

  it('round-trips through one JSON text with base64 weights', () => {
    const model = createHnn({ inputDim: 4, hiddenDim: 10, seed: 2 });
    const artifacts = serializeModel(model);
    const text = encodeModelJson(artifacts);
    const back = decodeModelJson(text);
    expect(back.manifest).toEqual(artifacts.manifest);
    expect(Array.from(back.weights)).toEqual(Array.from(artifacts.weights));
    expect(decodeModelJson(JSON.parse(text)).weights).toEqual(back.weights);
    model.dispose();
  });

  it('saves the weights of a network of its own, restores them into a rebuilt one, and says why it cannot rebuild it', () => {
    const build = () => {
      const w1 = tf.variable(tf.randomNormal([2, 8], 0, 0.5, 'float32', 1));
      const w2 = tf.variable(tf.randomNormal([8, 1], 0, 0.5, 'float32', 2));
      return createHnn({
        inputDim: 2,
        network: {
          variables: [w1, w2],
          apply: (x) => tf.matMul(tf.softplus(tf.matMul(x, w1)), w2),
        },
      });
    };
    const a = build();
    a.setWeights(a.getWeights().map((w) => w.map((v) => v * 1.5)));
    const artifacts = serializeModel(a);
    expect(artifacts.manifest.model.network).toBe('custom');
    expect(artifacts.manifest.weights.map((w) => w.shape)).toEqual([
      [2, 8],
      [8, 1],
    ]);
    expect(() => deserializeModel(artifacts)).toThrow(SavedModelError);
    expect(() => deserializeModel(artifacts)).toThrow(/restoreWeights/);
    expect(() => deserializeFloat64(artifacts)).toThrow(/restoreWeights/);
    const b = build();
    restoreWeights(b, artifacts);
    expect(weightsOf(b)).toEqual(weightsOf(a));
    const mlp = createHnn({ inputDim: 2, hiddenDim: 8, seed: 0 });
    expect(() => restoreWeights(mlp, artifacts)).toThrow(/build the same network/);
    for (const m of [a, b, mlp]) {
      tf.dispose([...m.variables]);
      m.dispose();
    }
  });

  it('refuses damaged or foreign data with SavedModelError saying what is wrong', () => {
    const model = createBaseline({ inputDim: 2, hiddenDim: 4, seed: 0 });
    const good = serializeModel(model);
    model.dispose();
    const nan = Uint8Array.from(good.weights);
    new DataView(nan.buffer).setFloat32(8, Number.NaN, true);
    const cases: [ModelArtifacts | string, RegExp][] = [
      [{ manifest: good.manifest, weights: good.weights.subarray(4) }, /truncated/],
      [{ manifest: good.manifest, weights: nan }, /non-finite value at 2/],
      [
        { manifest: { ...good.manifest, formatVersion: 3 as 2 }, weights: good.weights },
        /version 3/,
      ],
      [
        { manifest: { ...good.manifest, weightsByteLength: 12 }, weights: good.weights },
        /weightsByteLength/,
      ],
      [
        {
          manifest: { ...good.manifest, model: { ...good.manifest.model, layerSizes: [2, 4, 1] } },
          weights: good.weights,
        },
        /layerSizes/,
      ],
      ['{"format": "hnn-model", ', /not valid JSON/],
      [JSON.stringify({ ...good.manifest, weightsData: 'abc' }), /base64/],
      [JSON.stringify({ format: 'something' }), /not an hnn-model file/],
    ];
    for (const [input, message] of cases) {
      const run = () =>
        typeof input === 'string'
          ? deserializeModel(decodeModelJson(input))
          : deserializeModel(input);
      expect(run).toThrow(SavedModelError);
      expect(run).toThrow(message);
    }
  });
});

describe('version-1 model files of the hnn CLI', () => {
  it.each(['hnn', 'baseline'])('load as a trainable %s and a float64 evaluator', async (kind) => {
    const url = new URL(`cli-v1-${kind}.json`, FIXTURES);
    const file = JSON.parse(await readFile(url, 'utf8')) as {
      formatVersion: number;
      model: { layerSizes: number[]; stateNames: string[] };
      normalization: unknown;
      training: unknown;
      weights: { data: number[] }[];
    };
    expect(file.formatVersion).toBe(1);
    const saved = file.weights.map((w) => Float32Array.from(w.data));
    const model = await loadModel(url.pathname);
    expect(model.kind).toBe(kind);
    expect(model.mlp?.sizes).toEqual(file.model.layerSizes);
    expect(weightsOf(model)).toEqual(saved.map((w) => Array.from(w)));
    const artifacts = decodeModelJson(await readFile(url, 'utf8'));
    expect(artifacts.manifest.metadata).toMatchObject({
      convertedFromFormatVersion: 1,
      stateNames: file.model.stateNames,
      normalization: file.normalization,
      training: file.training,
    });
    const mlp = { sizes: file.model.layerSizes, weights: saved.map((w) => Float64Array.from(w)) };
    const expected = kind === 'hnn' ? float64HamiltonianField(mlp) : float64DirectField(mlp);
    expect(fieldValues(await loadFloat64Model(url.pathname))).toEqual(fieldValues(expected));
    // It trains on from the file's weights.
    const result = await train(model, { trainX: data.x, trainDx: data.dx, steps: 5 });
    expect(result.iterations).toBe(6);
    model.dispose();
  });
});

describe('@hnn/core/node file helpers', () => {
  it('save and load a model file, leaving no temporary file', async () => {
    const model = createHnn({ inputDim: 2, hiddenDim: 8, seed: 3 });
    const path = join(dir, 'model.json');
    await saveModel(model, path, { metadata: { task: 'spring' } });
    await saveModel(model, path); // replaces a regular file
    expect(await readdir(dir)).toEqual(['model.json']);
    const loaded = await loadModel(path);
    expect(weightsOf(loaded)).toEqual(weightsOf(model));
    model.dispose();
    loaded.dispose();
  });

  it('refuse to replace what is not a regular file, and name a missing one', async () => {
    const model = createHnn({ inputDim: 2, hiddenDim: 8, seed: 3 });
    const sub = join(dir, 'a-directory');
    await mkdir(sub);
    await expect(saveModel(model, sub)).rejects.toThrow(/not a regular file/);
    await expect(loadModel(sub)).rejects.toThrow(SavedModelError);
    await expect(loadModel(join(dir, 'missing.json'))).rejects.toThrow(/no such model file/);
    const bad = join(dir, 'bad.json');
    await writeFile(bad, '{"format": "hnn-model", "formatVersion": 2');
    await expect(loadModel(bad)).rejects.toThrow(SavedModelError);
    model.dispose();
  });
});

describe('base64', () => {
  it('matches Buffer for every length mod 3 and rejects what is not base64', () => {
    for (const n of [0, 1, 2, 3, 4, 5, 100, 12289]) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 37 + 11) & 255);
      const text = encodeBase64(bytes);
      expect(text).toBe(Buffer.from(bytes).toString('base64'));
      expect(Array.from(decodeBase64(text) ?? [])).toEqual(Array.from(bytes));
    }
    for (const bad of ['abc', 'ab!=', 'a===']) expect(decodeBase64(bad)).toBeUndefined();
  });
});
