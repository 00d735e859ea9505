import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { float64DirectField, float64HamiltonianField } from '@hnn/core';
import type { Float64DhnnDynamics } from '@hnn/core';
import type { RealPendulumRows } from '@hnn/datasets';
import { RandomState } from '@hnn/random';
import { parseReproduceArgs } from '../args.js';
import { TaskInputError } from '../errors.js';
import { beyondFigures } from '../figures/beyond-figures.js';
import { writeReport } from '../report.js';
import { ResultsFileError, checkResultsDir } from '../results.js';
import { DAMPED_SPRING_CONFIG, dampedSpringDataset, dhnnRealPendulumDataset } from './data.js';
import {
  BEYOND_FILE,
  DHNN_PAPER,
  acrossSeeds,
  readBeyond,
  renderBeyondMarkdown,
  saveBeyondRows,
} from './results.js';
import {
  dampedSpringPartErrors,
  runBeyondTask,
  type BeyondArtifacts,
  type BeyondModelResult,
  type BeyondRow,
} from './run.js';

describe('damped spring data (experiment_dampedspring/data.py)', () => {
  const data = dampedSpringDataset(0);

  it('is the 25 x 25 grid, shuffled, split 531 / 94', () => {
    expect([data.train.n, data.test.n]).toEqual([531, 94]);
    const all = [...data.train.x, ...data.test.x];
    const points = new Set<string>();
    for (let r = 0; r < all.length / 2; r++)
      points.add(`${all[2 * r]!.toFixed(6)},${all[2 * r + 1]!.toFixed(6)}`);
    expect(points.size).toBe(625);
    expect(Math.min(...all)).toBeCloseTo(-1.2, 12);
    expect(Math.max(...all)).toBeCloseTo(1.2, 12);
    // The order is RandomState(seed).permutation, so another seed gives another split.
    expect(Array.from(dampedSpringDataset(1).test.x)).not.toEqual(Array.from(data.test.x));
  });

  it('has the parts J grad H (H = q^2 + p^2) and grad D (D = -rho q^2 / 2), summing to dx', () => {
    const h = 1e-6;
    const H = (q: number, p: number) => q * q + p * p;
    const D = (q: number, _p: number) => (-DAMPED_SPRING_CONFIG.rho * q * q) / 2;
    for (let r = 0; r < data.test.n; r++) {
      const [q, p] = [data.test.x[2 * r]!, data.test.x[2 * r + 1]!];
      const d = (f: typeof H, i: 0 | 1) =>
        i === 0 ? (f(q + h, p) - f(q - h, p)) / (2 * h) : (f(q, p + h) - f(q, p - h)) / (2 * h);
      expect(data.test.conservative[2 * r]).toBeCloseTo(d(H, 1), 6);
      expect(data.test.conservative[2 * r + 1]).toBeCloseTo(-d(H, 0), 6);
      expect(data.test.dissipative[2 * r]).toBeCloseTo(d(D, 0), 6);
      expect(data.test.dissipative[2 * r + 1]).toBeCloseTo(d(D, 1), 6);
      for (const k of [0, 1]) {
        expect(data.test.dx[2 * r + k]).toBe(
          data.test.conservative[2 * r + k]! + data.test.dissipative[2 * r + k]!,
        );
      }
    }
  });
});

/** Rows of a made-up pendulum file: q = sin t, p = cos t at uneven times. */
function pendulumRows(n: number): RealPendulumRows {
  const rows = new Float64Array(4 * n);
  let t = 0;
  for (let i = 0; i < n; i++) {
    t += 0.03 + 0.01 * (i % 3);
    rows.set([1, t, Math.sin(t), Math.cos(t)], 4 * i);
  }
  return { names: ['o', 'v'], columns: 4, rows, n, source: 'in memory', sha256: 'none' };
}

describe('real pendulum data as get_lipson_data prepares it', () => {
  it('central differences, states from row 1, split at int(rows * 0.8) in time order', () => {
    const rows = pendulumRows(40);
    const d = dhnnRealPendulumDataset(rows);
    expect([d.train.n, d.test.n]).toEqual([32, 7]);
    const at = (i: number, c: number) => rows.rows[4 * i + c]!;
    const fwd = (i: number, k: number) =>
      (at(i + 1, 2 + k) - at(i, 2 + k)) / (at(i + 1, 1) - at(i, 1));
    // Point j is row j + 1; its target averages the differences on both sides of it.
    expect(d.train.x[0]).toBe(at(1, 2));
    expect(d.train.dx[0]).toBeCloseTo((fwd(0, 0) + fwd(1, 0)) / 2, 14);
    // ...which is close to the true derivative cos t.
    expect(d.train.dx[10]).toBeCloseTo(Math.cos(at(6, 1)), 2);
    // The last point keeps its one-sided difference.
    expect(d.test.dx[2 * 6 + 1]).toBeCloseTo(fwd(38, 1), 14);
    expect(d.testTimes[0]).toBe(at(33, 1));
    expect(d.test.x[0]).toBe(at(33, 2));
  });

  it('rejects a file too short to split', () => {
    expect(() => dhnnRealPendulumDataset(pendulumRows(5))).toThrow(TaskInputError);
  });
});

describe('part-wise errors of the damped spring', () => {
  const data = dampedSpringDataset(3);
  const rho = DAMPED_SPRING_CONFIG.rho;
  /** A D-HNN evaluator with the given parts (for checking the metric, not a trained model). */
  const fake = (
    cons: (q: number, p: number) => [number, number],
    diss: (q: number, p: number) => [number, number],
  ): Float64DhnnDynamics => ({
    dim: 2,
    conservative: (x, out) => out.set(cons(x[0]!, x[1]!)),
    dissipative: (x, out) => out.set(diss(x[0]!, x[1]!)),
    timeDerivative: (x, out) => {
      const [a, b] = [cons(x[0]!, x[1]!), diss(x[0]!, x[1]!)];
      out.set([a[0] + b[0], a[1] + b[1]]);
    },
    hamiltonian: () => 0,
    dissipation: () => 0,
  });

  it('is zero for the analytic parts and sees a part moved into the other', () => {
    const exact = fake(
      (q, p) => [2 * p, -2 * q],
      (q) => [-rho * q, 0],
    );
    expect(dampedSpringPartErrors('dhnn', exact, exact, data.test)).toEqual({
      fieldMse: 0,
      conservativeMse: 0,
      dissipativeMse: 0,
    });
    // The same total field with the shared harmonic part (q, -p) moved from D to H.
    const moved = fake(
      (q, p) => [2 * p - q, -2 * q + p],
      (q, p) => [-rho * q + q, -p],
    );
    const e = dampedSpringPartErrors('dhnn', moved, moved, data.test);
    expect(e.fieldMse).toBeLessThan(1e-28);
    expect(e.conservativeMse).toBeGreaterThan(0.1);
    expect(e.conservativeMse).toBeCloseTo(e.dissipativeMse!, 12);
  });

  it('gives the MLP no parts and the HNN a zero dissipative part', () => {
    const f = fake(
      (q, p) => [2 * p, -2 * q],
      () => [0, 0],
    );
    expect(dampedSpringPartErrors('mlp', f, undefined, data.test)).toMatchObject({
      conservativeMse: null,
      dissipativeMse: null,
    });
    const hnn = dampedSpringPartErrors('hnn', f, undefined, data.test);
    expect(hnn.conservativeMse).toBe(0);
    let r2 = 0;
    for (let r = 0; r < data.test.n; r++) r2 += (rho * data.test.x[2 * r]!) ** 2;
    expect(hnn.dissipativeMse).toBeCloseTo(r2 / (2 * data.test.n), 12);
  });
});

describe('runBeyondTask', () => {
  it('trains MLP, HNN and D-HNN on the damped spring and measures all three', async () => {
    let artifacts: BeyondArtifacts | undefined;
    const row = await runBeyondTask('damped-spring', {
      steps: 3,
      seed: 0,
      backend: 'test',
      realPendulumPath: undefined,
      explicit: true,
      log: () => undefined,
      onTrained: (a) => {
        artifacts = a;
        return Promise.resolve();
      },
    });
    if ('skip' in row) throw new Error('the damped spring never skips');
    expect(row.settings).toMatchObject({
      learningRate: 1e-3,
      hiddenDim: 256,
      batch: 128,
      iterations: 4,
    });
    expect(row.models.mlp.conservativeMse).toBeNull();
    for (const m of ['hnn', 'dhnn'] as const) {
      expect(row.models[m].conservativeMse).toBeGreaterThan(0);
      expect(row.models[m].dissipativeMse).toBeGreaterThan(0);
    }
    expect(row.models.dhnn.fastPath).toBe('none');
    expect(row.models.dhnn.energyMse).toBeNull();
    expect(artifacts?.task).toBe('damped-spring');
    expect(typeof artifacts?.dhnn.dissipative).toBe('function');
  }, 60_000);

  it('skips the real pendulum without data, and fails it when --tasks named it', async () => {
    const base = { steps: 1, seed: 0, backend: 'test', log: () => undefined };
    const skipped = await runBeyondTask('real-pendulum-dhnn', {
      ...base,
      realPendulumPath: undefined,
      explicit: false,
    });
    expect(skipped).toHaveProperty('skip');
    await expect(
      runBeyondTask('real-pendulum-dhnn', { ...base, realPendulumPath: undefined, explicit: true }),
    ).rejects.toThrow(/--tasks names real-pendulum-dhnn/);
  });

  it('is a task of the app, outside Table 1, run when named', () => {
    const o = parseReproduceArgs(['--tasks', 'damped-spring,real-pendulum-dhnn']);
    expect(o.tasks).toEqual(['damped-spring', 'real-pendulum-dhnn']);
    // Not in the default run: its D-HNN trains on TensorFlow.js ops (minutes per seed).
    expect(parseReproduceArgs([]).tasks).not.toContain('damped-spring');
    expect(parseReproduceArgs([]).tasks).not.toContain('real-pendulum-dhnn');
  });
});

const stat = (mean: number) => ({ mean, se: mean / 10 });
function modelResult(over: Partial<BeyondModelResult>): BeyondModelResult {
  return {
    trainLoss: stat(1e-3),
    testLoss: stat(2e-3),
    fieldMse: null,
    conservativeMse: null,
    dissipativeMse: null,
    energyMse: null,
    coordMse: null,
    trainSeconds: 1,
    msPerStep: 1,
    fastPath: 'none',
    ...over,
  };
}
function row(task: BeyondRow['task'], seed: number, energies: [number, number, number]): BeyondRow {
  const [mlp, hnn, dhnn] = energies.map((e, i) =>
    modelResult(
      task === 'real-pendulum-dhnn'
        ? { energyMse: stat(e) }
        : // The MLP has no parts.
          { fieldMse: e, conservativeMse: i === 0 ? null : e, dissipativeMse: i === 0 ? null : e },
    ),
  ) as [BeyondModelResult, BeyondModelResult, BeyondModelResult];
  return {
    task,
    seed,
    steps: 5000,
    backend: 'wasm',
    generatedAt: '2026-01-01T00:00:00.000Z',
    settings: {
      learningRate: 5e-3,
      hiddenDim: 256,
      batch: 128,
      biasInit: 'torch',
      iterations: 5001,
      dataset: {},
    },
    models: { mlp, hnn, dhnn },
  };
}

describe('beyond.json and the report section', () => {
  it('merges rows by (task, seed) and rejects a malformed file before training', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'beyond-'));
    await saveBeyondRows(dir, [
      row('real-pendulum-dhnn', 1, [1, 2, 3]),
      row('damped-spring', 0, [1, 1, 1]),
    ]);
    const t = await saveBeyondRows(dir, [
      row('real-pendulum-dhnn', 1, [4, 5, 6]),
      row('real-pendulum-dhnn', 0, [1, 2, 3]),
    ]);
    expect(t.rows.map((r) => `${r.task}#${r.seed}`)).toEqual([
      'damped-spring#0',
      'real-pendulum-dhnn#0',
      'real-pendulum-dhnn#1',
    ]);
    expect(t.rows[2]!.models.mlp.energyMse?.mean).toBe(4);
    expect((await readBeyond(join(dir, BEYOND_FILE)))?.rows).toHaveLength(3);
    await writeFile(join(dir, BEYOND_FILE), '{"rows": [{"task": "nope"}]}');
    await expect(checkResultsDir(dir)).rejects.toThrow(ResultsFileError);
    await expect(checkResultsDir(dir)).rejects.toThrow(/beyond\.json.*rows\[0\]\.task/);
  });

  it('renders across-seed mean ± sd beside the D-HNN paper', () => {
    expect(acrossSeeds([1, 2, 3]).cell).toBe('2.00e+0 ± 1.00e+0');
    const md = renderBeyondMarkdown(
      {
        generatedAt: '',
        rows: [
          row('real-pendulum-dhnn', 0, [1e-3, 1e-2, 1e-3]),
          row('real-pendulum-dhnn', 1, [3e-3, 3e-2, 2e-3]),
        ],
      },
      new Set(),
    ).join('\n');
    expect(md).toMatch(/\| D-HNN \| 1\.50e-3 ± 7\.07e-4 \| 1\.00e-3, 2\.00e-3 \|/);
    expect(md).toContain(`${DHNN_PAPER.realPendulumEnergy.hnn.mean.toExponential(2)} ±`);
    expect(md).toMatch(/D-HNN's mean energy MSE is 0\.075 × the HNN's/);
    expect(renderBeyondMarkdown(null, new Set())).toEqual([]);
    // Equal part errors far above the field error: the report says a field moved between parts.
    const moved = row('damped-spring', 0, [1e-4, 0.5, 1e-4]);
    const dhnn = modelResult({ fieldMse: 1e-4, conservativeMse: 0.16, dissipativeMse: 0.15 });
    const text = renderBeyondMarkdown(
      { generatedAt: '', rows: [{ ...moved, models: { ...moved.models, dhnn } }] },
      new Set(),
    ).join('\n');
    expect(text).toMatch(/whole field to 1\.00e-4 .* 1\.60e-1 \(conservative\) and 1\.50e-1/);
    expect(text).toContain('one field moved from one part to the other');
  });

  it('adds the section to REPORT.md and leaves the Table 1 part as it was', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'beyond-report-'));
    const table = { backend: 'wasm', seeds: [], generatedAt: '', rows: [] };
    const before = await readFile(await writeReport(dir, table, { quick: false }), 'utf8');
    expect(before).not.toContain('Beyond the paper');
    await saveBeyondRows(dir, [row('damped-spring', 0, [1e-4, 0.5, 2e-4])]);
    const after = await readFile(await writeReport(dir, table, { quick: false }), 'utf8');
    const [head, rest] = after.split('## Beyond the paper');
    expect(before.startsWith(head!)).toBe(true);
    expect(rest).toMatch(/\| D-HNN \| 2\.00e-4 \| 2\.00e-4 \| 2\.00e-4 \| 5\.75e-5 \|/);
    expect(rest).toContain('— (no parts)');
  });
});

describe('beyond figures', () => {
  /** Small random tanh MLPs stand in for trained models: the figures need float64 fields only. */
  const weights = (sizes: number[], seed: number) => {
    const rng = new RandomState(seed);
    const w: Float64Array[] = [];
    for (let l = 0; l + 1 < sizes.length; l++) {
      w.push(
        Float64Array.from(
          { length: sizes[l]! * sizes[l + 1]! },
          () => rng.randn() / Math.sqrt(sizes[l]!),
        ),
      );
      if (l + 2 < sizes.length) w.push(new Float64Array(sizes[l + 1]!));
    }
    return { sizes, weights: w };
  };
  const dhnn = (): Float64DhnnDynamics => {
    const h = float64HamiltonianField(weights([2, 8, 8, 1], 1));
    return {
      ...h,
      hamiltonian: () => 0,
      dissipation: () => 0,
      conservative: h.timeDerivative,
      dissipative: (_x, out) => out.fill(-0.1),
    };
  };

  it('draws the decomposed spring and the pendulum energy', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'beyond-fig-'));
    const common = {
      seed: 0,
      mlp: float64DirectField(weights([2, 8, 8, 2], 2)),
      hnn: float64HamiltonianField(weights([2, 8, 8, 1], 3)),
      dhnn: dhnn(),
    };
    const spring = await beyondFigures(
      { task: 'damped-spring', data: dampedSpringDataset(0), ...common },
      dir,
    );
    const pend = await beyondFigures(
      { task: 'real-pendulum-dhnn', data: dhnnRealPendulumDataset(pendulumRows(60)), ...common },
      dir,
    );
    expect([...spring, ...pend].flatMap((f) => f.files)).toEqual([
      'beyond-damped-spring.svg',
      'beyond-damped-spring.png',
      'beyond-real-pendulum-energy.svg',
      'beyond-real-pendulum-energy.png',
    ]);
    const svg = await readFile(join(dir, 'beyond-damped-spring.svg'), 'utf8');
    for (const label of ['Analytic', 'D-HNN', 'Conservative J∇H', 'Dissipative ∇D'])
      expect(svg).toContain(label);
    const energy = await readFile(join(dir, 'beyond-real-pendulum-energy.svg'), 'utf8');
    for (const label of ['Measured', 'Baseline NN', 'Hamiltonian NN', 'Dissipative HNN'])
      expect(energy).toContain(label);
  }, 60_000);
});
