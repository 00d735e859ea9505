import { readFile, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AUTO_CANDIDATES,
  chooseCandidate,
  componentStd,
  heldOutRolloutError,
} from './auto-normalize.js';
import { runCli } from './main.js';
import type { LoadedModel, ModelFile } from './model-io.js';
import { loadModel, readModelFile } from './model-io.js';
import { rolloutModel } from './rollout.js';
import { expectRefused, makeSpringCsv, run, tempDir, trainArgs } from './test-utils/run-cli.js';
import type { Trajectory } from './trajectory-csv.js';

const TINY = ['--hidden', '8', '--steps', '20', '--lr', '1e-2', '--backend', 'wasm'];

let dir: Awaited<ReturnType<typeof tempDir>>;
let spring: string;

beforeAll(async () => {
  dir = await tempDir();
  spring = dir.path('spring.csv');
  await makeSpringCsv(spring, 10, 10);
});

afterAll(async () => {
  await dir.remove();
});

interface AutoRecord {
  chosen: string;
  trainings: number;
  heldOut: string;
  heldOutTrajectoryIds: string[];
  candidates: {
    label: string;
    method: string;
    inputSpread?: number;
    heldOutRolloutError: number | null;
    finalHeldOutLoss?: number | null;
    note?: string;
  }[];
}

/** Trains through runCli, keeping auto's candidate model files. */
async function trainKeeping(argv: string[]): Promise<{
  code: number;
  stdout: string;
  stderr: string;
  candidates: Map<string, ModelFile>;
}> {
  let stdout = '';
  let stderr = '';
  const candidates = new Map<string, ModelFile>();
  const code = await runCli(argv, {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    candidateModel: (label, file) => candidates.set(label, file),
  });
  return { code, stdout, stderr, candidates };
}

const weightsOf = (file: ModelFile): number[][] => file.weights.map((w) => [...w.data]);

describe('the auto criterion', () => {
  it('componentStd: each column its own std; a constant column gets 1', () => {
    const std = componentStd(Float64Array.from([0, 5, 2, 5, 4, 5]), 2);
    expect(std[0]).toBeCloseTo(Math.sqrt(8 / 3), 12);
    expect(std[1]).toBe(1);
  });

  it('chooseCandidate: the lowest finite score, the earlier on a tie', () => {
    expect(chooseCandidate([3, 1, 2])).toBe(1);
    expect(chooseCandidate([2, 2, 5])).toBe(0);
    expect(chooseCandidate([Number.NaN, Infinity, 4])).toBe(2);
    expect(chooseCandidate([Number.NaN, Infinity])).toBe(-1);
  });

  it('heldOutRolloutError: 0 on the model own rollout, the scaled offset when the rows are shifted', async () => {
    const out = dir.path('criterion.json');
    const r = await run([...trainArgs(spring, 'hnn', out), '--normalize', 'none', ...TINY]);
    expect(r.code, r.stderr).toBe(0);
    const model: LoadedModel = await readModelFile(out);
    const t = Float64Array.from({ length: 8 }, (_, i) => i * 0.2);
    const roll = rolloutModel(model, [0.6, -0.1], t, { rtol: 1e-12, atol: 1e-12 });
    const x = new Float64Array(16);
    roll.ys.forEach((y, i) => x.set(y, 2 * i));
    const tr = (states: Float64Array): Trajectory => ({
      id: 'a',
      line: 2,
      t,
      lines: Int32Array.from(t, (_, i) => i + 2),
      x: states,
      dx: undefined,
    });
    const std = Float64Array.from([2, 0.5]);
    expect(heldOutRolloutError(model, [tr(x)], std)).toBeLessThan(1e-12);
    // Rows after the first moved by (0.1, 0.1): ((0.1 / 2)^2 + (0.1 / 0.5)^2) / 2 per row.
    const shifted = x.map((v, i) => (i < 2 ? v : v + 0.1));
    expect(heldOutRolloutError(model, [tr(shifted), tr(x)], std)).toBeCloseTo(
      (0.05 ** 2 + 0.2 ** 2) / 2 / 2,
      8,
    );
    // A one-row trajectory says nothing; none at all gives NaN.
    const single = { ...tr(x.subarray(0, 2)), t: t.subarray(0, 1) };
    expect(heldOutRolloutError(model, [single], std)).toBeNaN();
  });
});

describe('hnn train --normalize auto (the default)', () => {
  it('trains every candidate, keeps the lowest held-out rollout error, records all of them', async () => {
    const out = dir.path('auto.json');
    const r = await trainKeeping([...trainArgs(spring, 'hnn', out), ...TINY]);
    expect(r.code, r.stderr).toBe(0);
    const file = (await readModelFile(out)).file;
    const record = file.training?.autoNormalization as AutoRecord;
    expect(file.training?.normalize).toBe('auto');
    expect(record.candidates.map((c) => c.label)).toEqual(AUTO_CANDIDATES.map((c) => c.label));
    expect(record.trainings).toBe(3);
    expect(record.heldOut).toBe('test set');
    expect(record.heldOutTrajectoryIds).toEqual(file.training?.testTrajectoryIds);
    const scores = record.candidates.map((c) => c.heldOutRolloutError as number);
    expect(scores.every((s) => Number.isFinite(s) && s > 0)).toBe(true);
    const best = record.candidates[scores.indexOf(Math.min(...scores))];
    expect(record.chosen).toBe(best?.label);
    // The written model is the chosen candidate: its weights, scaling and test loss.
    const chosenFile = r.candidates.get(record.chosen) as ModelFile;
    expect(weightsOf(file)).toEqual(weightsOf(chosenFile));
    expect(file.normalization).toEqual(chosenFile.normalization);
    expect(file.normalization.method).toBe(best?.method);
    expect(file.training?.finalTestLoss).toBe(best?.finalHeldOutLoss);
    expect(file.training?.inputSpread).toBe(best?.inputSpread);
    // Progress for the extra work on stderr, the choice and its cost on stdout.
    for (const c of AUTO_CANDIDATES) {
      expect(r.stderr).toContain(`candidate ${c.label}: held-out rollout error `);
    }
    expect(r.stderr).toMatch(/normalisation auto: training 3 candidates/);
    expect(r.stdout).toMatch(
      new RegExp(
        `^normalisation auto chose ${record.chosen} by held-out rollout error \\(.*\\); 3 trainings took `,
      ),
    );
  });

  it('each candidate is the model the explicit flags train (weight for weight)', async () => {
    const auto = await trainKeeping([...trainArgs(spring, 'hnn', dir.path('auto2.json')), ...TINY]);
    expect(auto.code, auto.stderr).toBe(0);
    const explicit: [string, string[]][] = [
      ['symplectic spread 1', ['--normalize', 'symplectic']],
      ['symplectic spread 0.5', ['--input-spread', '0.5']],
      ['none', ['--normalize', 'none']],
    ];
    for (const [label, flags] of explicit) {
      const out = dir.path('explicit.json');
      const r = await run([...trainArgs(spring, 'hnn', out), ...TINY, ...flags]);
      expect(r.code, r.stderr).toBe(0);
      // Explicit settings train once: no auto messages.
      expect(r.stderr).not.toMatch(/candidate/);
      const file = (await readModelFile(out)).file;
      expect(file.training?.autoNormalization).toBeUndefined();
      expect(weightsOf(file), label).toEqual(weightsOf(auto.candidates.get(label) as ModelFile));
    }
  });

  it('with --test-split 0 chooses on a fifth of the trajectories, then trains the choice on all', async () => {
    const out = dir.path('nosplit.json');
    const r = await trainKeeping([
      ...trainArgs(spring, 'baseline', out),
      '--test-split',
      '0',
      ...TINY,
    ]);
    expect(r.code, r.stderr).toBe(0);
    const file = (await readModelFile(out)).file;
    const record = file.training?.autoNormalization as AutoRecord;
    expect(record.trainings).toBe(4);
    expect(record.heldOut).toMatch(/retrained on all/);
    expect(record.heldOutTrajectoryIds).toHaveLength(2);
    expect(file.training?.trajectories).toEqual({ train: 10, test: 0 });
    expect(r.stderr).toMatch(/on 8 of the 10 training trajectories/);
    // The final model trained on all 10, so it differs from the candidate trained on 8.
    expect(weightsOf(file)).not.toEqual(weightsOf(r.candidates.get(record.chosen) as ModelFile));
    expect(file.normalization.method).toBe(
      AUTO_CANDIDATES.find((c) => c.label === record.chosen)?.method,
    );
  });

  it('a candidate that diverges is left out and the others still choose', async () => {
    // States ~1e20: the raw numbers square past float32 in the loss, the scaled ones do not.
    const lines = ['trajectory,t,q1,p1'];
    for (let j = 0; j < 5; j++) {
      for (let i = 0; i < 6; i++) {
        const a = 1 + 0.2 * j + 0.3 * i;
        lines.push(
          `${j},${i * 0.1},${(Math.cos(a) * 1e20).toPrecision(12)},${(Math.sin(a) * 1e20).toPrecision(12)}`,
        );
      }
    }
    const data = dir.path('huge.csv');
    await writeFile(data, `${lines.join('\n')}\n`);
    const out = dir.path('huge.json');
    const r = await trainKeeping([...trainArgs(data, 'hnn', out), ...TINY]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/candidate none: diverged at step \d+/);
    const record = (await readModelFile(out)).file.training?.autoNormalization as AutoRecord;
    const none = record.candidates.find((c) => c.label === 'none');
    expect(none).toMatchObject({ heldOutRolloutError: null });
    expect(none?.note).toMatch(/^diverged at step/);
    expect(record.chosen).not.toBe('none');
    expect(r.stdout).toMatch(/none diverged\)/);
  });

  it('fails like one training (exit 3, nothing written) when every candidate diverges', async () => {
    const out = dir.path('diverged.json');
    const r = await run([
      ...trainArgs(spring, 'hnn', out),
      // TINY with its --lr replaced: no setting survives a step this large.
      ...TINY.map((a, i) => (TINY[i - 1] === '--lr' ? '1e30' : a)),
    ]);
    expect(r.code, r.stderr).toBe(3);
    for (const c of AUTO_CANDIDATES) expect(r.stderr).toContain(`candidate ${c.label}: diverged`);
    expect(r.stderr).toMatch(/hnn: error: Training diverged at step \d+/);
    expect(await dir.files()).not.toContain('diverged.json');
  });

  it.each([
    [['--normalize', 'auto', '--input-spread', '0.5'], /--normalize auto tries its own candidates/],
    // 10 trajectories x 10 rows, all train with --test-split 0; auto's candidates on 8 of them.
    [
      ['--test-split', '0', '--batch', '90'],
      /--batch 90 is larger than the 80 rows --normalize auto trains its candidates on/,
    ],
    [['--normalize', 'best'], /--normalize must be one of auto, symplectic, none/],
  ])('refuses %j before training', async (flags, message) => {
    await expectRefused(
      dir,
      [...trainArgs(spring, 'hnn', dir.path('refused.json')), ...TINY, ...flags],
      message,
    );
  });

  it('the written model loads and evaluates like any other', async () => {
    const text = await readFile(dir.path('auto.json'), 'utf8');
    const model = loadModel(text);
    expect(model.hamiltonian?.([0.5, 0])).toEqual(expect.any(Number));
  });
});
