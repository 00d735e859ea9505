import { readFile, writeFile } from 'node:fs/promises';
import { createDhnn, initBackend } from '@hnn/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createModelFile, loadModel, serializeModel } from './model-io.js';
import type { ModelFile } from './model-io.js';
import { fitNormalization } from './normalization.js';
import { run, tempDir, trainArgs } from './test-utils/run-cli.js';

/** A damped spring q' = p, p' = -q - gamma p: its energy (q^2 + p^2) / 2 falls at rate gamma p^2. */
const GAMMA = 0.3;
const field = (q: number, p: number): [number, number] => [p, -q - GAMMA * p];

/** Trajectories by RK4 with a small step, the derivative columns exact at each written state. */
function dampedCsv(trajectories: number, points: number, dt: number): string {
  const lines = ['trajectory,t,q1,p1,dq1,dp1'];
  for (let k = 0; k < trajectories; k++) {
    let q = Math.cos(k * 2.1) * (0.6 + 0.05 * k);
    let p = Math.sin(k * 2.1) * (0.6 + 0.05 * k);
    for (let i = 0; i < points; i++) {
      const [dq, dp] = field(q, p);
      lines.push([k, i * dt, q, p, dq, dp].join(','));
      for (let s = 0; s < 10; s++) {
        const h = dt / 10;
        const k1 = field(q, p);
        const k2 = field(q + (h / 2) * k1[0], p + (h / 2) * k1[1]);
        const k3 = field(q + (h / 2) * k2[0], p + (h / 2) * k2[1]);
        const k4 = field(q + h * k3[0], p + h * k3[1]);
        q += (h / 6) * (k1[0] + 2 * k2[0] + 2 * k3[0] + k4[0]);
        p += (h / 6) * (k1[1] + 2 * k2[1] + 2 * k3[1] + k4[1]);
      }
    }
  }
  return `${lines.join('\n')}\n`;
}

let dir: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => {
  dir = await tempDir();
  await initBackend('wasm');
});
afterAll(async () => {
  await dir.remove();
});

describe('a saved D-HNN', () => {
  it('round-trips H and D, and its energy rate is grad H . (dx/dt) in data units', () => {
    const model = createDhnn({ inputDim: 2, hiddenDim: 8, seed: 4 });
    // A normalisation with unequal scales, so a units mistake in the rate would show.
    const x = Float64Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? 3 : 0.2) * Math.sin(i));
    const dx = Float64Array.from({ length: 40 }, (_, i) => 5 * Math.cos(i * 1.3));
    const normalization = fitNormalization('symplectic', x, dx, 2);
    const file = createModelFile({ model, stateNames: ['q1', 'p1'], normalization });
    expect(file.model.kind).toBe('dhnn');
    expect(file.weights.map((w) => w.name)).toEqual([
      ...['W1', 'b1', 'W2', 'b2', 'W3'].map((n) => `H.${n}`),
      ...['W1', 'b1', 'W2', 'b2', 'W3'].map((n) => `D.${n}`),
    ]);
    const loaded = loadModel(serializeModel(file));
    const { hamiltonian, energyRate } = loaded;
    if (hamiltonian === undefined || energyRate === undefined) throw new Error('missing H or rate');
    for (const s of [
      [0.5, -0.1],
      [-2, 0.3],
      [1, 0.05],
    ]) {
      // dH/dt along the whole field by central differences of the saved H: the conservative part
      // contributes nothing, so it must equal the D-part's rate.
      const f = loaded.timeDerivative(s);
      const h = 1e-6;
      const dH = [0, 1].map(
        (i) =>
          (hamiltonian(s.map((v, k) => (k === i ? v + h : v))) -
            hamiltonian(s.map((v, k) => (k === i ? v - h : v)))) /
          (2 * h),
      );
      const expected = dH[0]! * f[0]! + dH[1]! * f[1]!;
      expect(Math.abs(energyRate(s) - expected)).toBeLessThan(1e-6 * (1 + Math.abs(expected)));
    }
    model.dispose();
  });

  it('is refused with a D-HNN layout missing D', () => {
    const model = createDhnn({ inputDim: 2, hiddenDim: 8, seed: 4 });
    const file = createModelFile({
      model,
      stateNames: ['q1', 'p1'],
      normalization: fitNormalization('none', new Float64Array(2), new Float64Array(2), 2),
    });
    const broken = { ...file, weights: file.weights.slice(0, 5) } as ModelFile;
    expect(() => loadModel(broken)).toThrow(/must hold 10 arrays \[H\.W1/);
    model.dispose();
  });
});

describe('hnn train --model dhnn, then hnn rollout', () => {
  it('learns a damped spring and reports the energy its D removes', async () => {
    const data = dir.path('damped.csv');
    await writeFile(data, dampedCsv(12, 30, 0.1));
    const modelPath = dir.path('dhnn.json');
    const trained = await run([
      ...trainArgs(data, 'dhnn', modelPath),
      '--hidden',
      '16',
      '--steps',
      '300',
      '--lr',
      '1e-2',
      '--backend',
      'wasm',
    ]);
    expect(trained.code, trained.stderr).toBe(0);
    expect(trained.stderr).toMatch(/training D-HNN 2 x 2-16-16-1/);
    expect(trained.stdout).toMatch(/trained D-HNN .* fast path none/);
    const file = JSON.parse(await readFile(modelPath, 'utf8')) as ModelFile;
    expect(file.model).toMatchObject({ kind: 'dhnn', layerSizes: [2, 16, 16, 1] });

    const out = dir.path('dhnn-roll.csv');
    const tEnd = 5;
    const r = await run([
      'rollout',
      '--model',
      modelPath,
      '--x0',
      '0.6,0',
      '--t-end',
      String(tEnd),
      '--points',
      '201',
      '--out',
      out,
    ]);
    expect(r.code, r.stderr).toBe(0);
    const lines = (await readFile(out, 'utf8')).trim().split('\n');
    expect(lines[0]).toBe('t,q1,p1,H,dHdt');
    const m = /the learned D removed (\S+) .*H\(0\) - H\(5\) = (\S+)\)/.exec(r.stdout);
    expect(m, r.stdout).not.toBeNull();
    const [byRate, byEnergy] = [Number(m![1]), Number(m![2])];
    // The two ways of counting agree (the conservative part keeps H; trapezoid over 201 points).
    expect(Math.abs(byRate - byEnergy)).toBeLessThan(0.02 * Math.abs(byEnergy));
    // The true energy (q^2 + p^2) / 2 only falls, and the rollout spirals in as the data does.
    // The learned H is that energy only up to a field both parts can hold (H + c qp and
    // D - c (q^2 - p^2) / 2 give the same dx/dt), so its rate may change sign along the way; over
    // the whole decaying path the learned D must still have taken energy out.
    expect(byEnergy).toBeGreaterThan(0);
    const rows = lines.slice(1).map((l) => l.split(',').map(Number));
    const [q0, p0] = rows[0]!.slice(1, 3) as [number, number];
    const [q1, p1] = rows[rows.length - 1]!.slice(1, 3) as [number, number];
    expect(Math.hypot(q1, p1)).toBeLessThan(0.8 * Math.hypot(q0, p0));
  }, 120_000);
});
