import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { createPixelModel } from '@hnn/autoencoder';
import { float64DirectField, float64HamiltonianField, type Float64Dynamics } from '@hnn/core';
import { linspace, massSpringDataset, type Dataset } from '@hnn/datasets';
import { type PixelPendulumDataset, type PixelTrajectory } from '@hnn/datasets/pixel';
import type { PixelEnergyResult } from '@hnn/eval';
import { RandomState } from '@hnn/random';
import type { VectorFieldTask } from '../tasks.js';
import { COLORS } from './charts.js';
import { pixelFigures } from './pixel-figures.js';
import { vectorFieldFigures } from './vector-field-figures.js';

/** Small random tanh MLPs stand in for trained models: the figures only need float64 fields. */
function randomWeights(sizes: number[], seed: number, gain: number) {
  const rng = new RandomState(seed);
  const weights: Float64Array[] = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    const nIn = sizes[l]!;
    const nOut = sizes[l + 1]!;
    weights.push(
      Float64Array.from({ length: nIn * nOut }, () => (gain * rng.randn()) / Math.sqrt(nIn)),
    );
    if (l + 2 < sizes.length) weights.push(new Float64Array(nOut));
  }
  return { sizes, weights };
}
const hnnOf = (dim: number, seed: number): Float64Dynamics =>
  float64HamiltonianField(randomWeights([dim, 16, 16, 1], seed, 1));
const baselineOf = (dim: number, seed: number): Float64Dynamics =>
  float64DirectField(randomWeights([dim, 16, 16, dim], seed, 0.3));

async function expectImage(dir: string, file: string): Promise<{ width: number; height: number }> {
  const bytes = await readFile(join(dir, file));
  expect(bytes.length).toBeGreaterThan(1000);
  const meta = await sharp(bytes).metadata();
  expect(meta.width).toBeGreaterThan(100);
  expect(meta.height).toBeGreaterThan(50);
  return { width: meta.width, height: meta.height };
}

/** True when some pixel of the PNG is within 40 per channel of the colour `hex` (#rrggbb). */
async function hasColour(dir: string, file: string, hex: string): Promise<boolean> {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  const { data, info } = await sharp(await readFile(join(dir, file)))
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  for (let i = 0; i < data.length; i += info.channels) {
    if (
      Math.abs(data[i]! - r!) < 40 &&
      Math.abs(data[i + 1]! - g!) < 40 &&
      Math.abs(data[i + 2]! - b!) < 40
    ) {
      return true;
    }
  }
  return false;
}

async function expectFigures(dir: string, files: readonly string[]): Promise<void> {
  for (const file of files) {
    if (file.endsWith('.svg')) {
      const svg = await readFile(join(dir, file), 'utf8');
      expect(svg).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
      await expectImage(dir, file); // sharp parses it too
    } else {
      await expectImage(dir, file);
    }
  }
}

/** A tiny stand-in for the real-pendulum dataset: a damped swing with measurement times. */
function fakeRealPendulum(): Dataset & { testTimes: Float64Array } {
  const n = 40;
  const testTimes = linspace(81, 99, n);
  const x = new Float64Array(2 * n);
  for (let k = 0; k < n; k++) {
    const t = testTimes[k]! - 81;
    x[2 * k] = 0.9 * Math.exp(-0.02 * t) * Math.cos(1.5 * t);
    x[2 * k + 1] = -0.9 * Math.exp(-0.02 * t) * Math.sin(1.5 * t);
  }
  const split = { x, dx: new Float64Array(2 * n), n };
  return { task: 'real-pendulum', dim: 2, train: split, test: split, config: {}, testTimes };
}

describe('vectorFieldFigures', () => {
  const spring = massSpringDataset({ seed: 0 });
  const cases: [VectorFieldTask, Dataset, string[]][] = [
    [
      'mass-spring',
      spring,
      [
        'figure-1-mass-spring',
        'figure-2-mass-spring',
        'hamiltonian-mass-spring',
        'figure-5-mass-spring',
      ],
    ],
    ['pendulum', { ...spring, task: 'pendulum' }, ['figure-2-pendulum', 'hamiltonian-pendulum']],
    ['real-pendulum', fakeRealPendulum(), ['figure-2-real-pendulum', 'hamiltonian-real-pendulum']],
    ['two-body', { ...spring, task: 'two-body', dim: 8 }, ['figure-3-two-body']],
    ['three-body', { ...spring, task: 'three-body', dim: 12 }, ['figure-b1-three-body']],
  ];

  it.each(cases)('draws %s as SVG + decodable PNG', async (task, data, ids) => {
    const dir = await mkdtemp(join(tmpdir(), `hnn-fig-${task}-`));
    const written = await vectorFieldFigures(
      { task, data, seed: 0, baseline: baselineOf(data.dim, 1), hnn: hnnOf(data.dim, 2) },
      dir,
    );
    expect(written.map((w) => w.id)).toEqual(ids);
    for (const w of written) {
      expect(w.files).toEqual([`${w.id}.svg`, `${w.id}.png`]);
      await expectFigures(dir, w.files);
      if (/^figure-(1|2|3|b1)-/.test(w.id)) {
        // The comparison figures draw the truth and both models, each in its colour, with a legend.
        const svg = await readFile(join(dir, `${w.id}.svg`), 'utf8');
        for (const name of ['Ground truth', 'Baseline NN', 'Hamiltonian NN']) {
          expect(svg, `${w.id} legend`).toContain(name);
        }
        expect(await hasColour(dir, `${w.id}.png`, COLORS['Baseline NN']!), w.id).toBe(true);
        expect(await hasColour(dir, `${w.id}.png`, COLORS['Hamiltonian NN']!), w.id).toBe(true);
      }
    }
  });
});

describe('pixelFigures', () => {
  it('writes an animated GIF of truth | baseline | HNN and decodable plots', async () => {
    const side = 28;
    const inputDim = 2 * side * side;
    const rng = new RandomState(0);
    const frames = 12;
    const pixels = Float32Array.from({ length: frames * inputDim }, () => 0.5 * rng.rand());
    const coords = Float64Array.from({ length: 2 * frames }, () => rng.rand() - 0.5);
    const split = { pixels, nextPixels: pixels, coords, dcoords: coords, n: frames };
    const data = {
      task: 'pixel-pendulum',
      side,
      inputDim,
      train: split,
      test: split,
    } as unknown as PixelPendulumDataset;
    const trajectory: PixelTrajectory = { ...split, states: coords, renderer: 'napi-rs' };
    const models = (['baseline', 'hnn'] as const).map((kind) => ({
      kind,
      model: createPixelModel({ kind, hiddenDim: 8, latentHiddenDim: 8, seed: 0 }),
    }));
    try {
      const withEnergy = models.map(({ kind, model }) => {
        const z = model.encodeBatch(pixels, frames);
        const energy = Float64Array.from({ length: frames }, (_, k) => 0.1 + 0.01 * k);
        return {
          kind,
          model,
          energy: {
            latentPath: z,
            trueEnergy: energy,
            predictedEnergy: energy,
          } as unknown as PixelEnergyResult,
        };
      });
      const dir = await mkdtemp(join(tmpdir(), 'hnn-fig-pixel-'));
      const { gif, written } = await pixelFigures({ data, trajectory, models: withEnergy }, dir);
      expect(gif).toBe('figure-4-pixel-pendulum.gif');
      const meta = await sharp(await readFile(join(dir, gif)), { animated: true }).metadata();
      expect(meta.format).toBe('gif');
      expect(meta.pages).toBe(frames);
      expect(meta.delay?.every((d) => d === 50)).toBe(true);
      expect(written.map((w) => w.id)).toEqual([
        'figure-4-pixel-pendulum',
        'figure-5-pixel-pendulum',
      ]);
      for (const w of written) await expectFigures(dir, w.files);
    } finally {
      for (const m of models) m.model.dispose();
    }
  });
});
