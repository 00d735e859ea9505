// Size and decode time of the paper's 2-200-200-1 HNN in each saved-model encoding.
// Run: pnpm --filter @hnn/core build && node packages/core/scripts/measure-saved-model.mjs
import { performance } from 'node:perf_hooks';
import process from 'node:process';
// The package's own name: its built entry point at run time, its sources for lint's types.
import * as core from '@hnn/core';

/** @param {string} line */
const print = (line) => process.stdout.write(`${line}\n`);

const model = core.createHnn({ inputDim: 2, hiddenDim: 200, seed: 0 });
const artifacts = core.serializeModel(model);
const manifestText = JSON.stringify(artifacts.manifest, null, 2);
const single = core.encodeModelJson(artifacts);
// The version-1 layout `hnn train` wrote before format version 2: each weight array as one line
// of numbers with 9 significant digits.
const lists = model
  .getWeights()
  .map((w) => `[${Array.from(w, (v) => Number(v.toPrecision(9))).join(',')}]`);
const v1 = JSON.stringify(
  {
    format: 'hnn-model',
    formatVersion: 1,
    library: { name: '@hnn/cli', version: '0.0.0' },
    createdAt: new Date().toISOString(),
    model: {
      kind: 'hnn',
      degreesOfFreedom: 1,
      stateNames: ['q1', 'p1'],
      layerSizes: [2, 200, 200, 1],
      activation: 'tanh',
    },
    normalization: { method: 'none', shift: [0, 0], scale: [1, 1], timeScale: 1, energyScale: 1 },
    weights: artifacts.manifest.weights.map((spec, i) => ({
      name: spec.name,
      shape: spec.shape,
      data: `@@${i}@@`,
    })),
  },
  null,
  2,
).replace(/"@@(\d+)@@"/g, (_, i) => lists[Number(i)] ?? '');

/**
 * @param {string} label
 * @param {() => void} run
 */
function time(label, run, rounds = 30) {
  run();
  const ms = [];
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    run();
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  print(`${label.padEnd(58)} median ${(ms[rounds >> 1] ?? NaN).toFixed(2)} ms`);
}

print(`parameters: ${model.getWeights().reduce((n, w) => n + w.length, 0)}`);
print(`manifest + binary weights: ${manifestText.length} + ${artifacts.weights.length} bytes`);
print(`one JSON file, base64 weights: ${single.length} bytes`);
print(`version-1 JSON (number lists): ${v1.length} bytes (the CLI adds its training record)`);
const manifest = core.validateManifest(JSON.parse(manifestText));
time('manifest + binary -> float64 evaluator', () => {
  core.deserializeFloat64({ manifest, weights: artifacts.weights });
});
time('one JSON file -> float64 evaluator', () => {
  core.deserializeFloat64(core.decodeModelJson(single));
});
time('version-1 JSON -> float64 evaluator', () => {
  core.deserializeFloat64(core.decodeModelJson(v1));
});
time(
  'one JSON file -> trainable model',
  () => core.deserializeModel(core.decodeModelJson(single)).dispose(),
  10,
);
time(
  'of which createHnn(2-200-200-1) drawing initial weights',
  () => {
    core.createHnn({ inputDim: 2, hiddenDim: 200, seed: 0 }).dispose();
  },
  10,
);
model.dispose();
