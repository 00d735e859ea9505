import { readFile, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModel, readModelFile } from './model-io.js';
import type { ModelFile } from './model-io.js';
import { parseTrajectoryCsv } from './trajectory-csv.js';
import { expectRefused, makeSpringCsv, run, tempDir, trainArgs } from './test-utils/run-cli.js';
import { LIBRARY } from './version.js';

// Small and fast: a 16-wide network, 60 steps, 12 mass-spring trajectories.
const FAST = ['--hidden', '16', '--steps', '60', '--lr', '1e-2', '--backend', 'wasm'];

let dir: Awaited<ReturnType<typeof tempDir>>;
let spring: string;
let hnnModel: string;
let baselineModel: string;

beforeAll(async () => {
  dir = await tempDir();
  spring = dir.path('spring.csv');
  hnnModel = dir.path('hnn.json');
  baselineModel = dir.path('baseline.json');
  await makeSpringCsv(spring, 12, 20);
});

afterAll(async () => {
  await dir.remove();
});

describe('hnn (top level)', () => {
  it('prints help and the version', async () => {
    for (const argv of [[], ['--help'], ['-h'], ['help']]) {
      const r = await run(argv);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^Usage: hnn <command>/);
      for (const cmd of ['make-data', 'train', 'rollout', 'eval']) expect(r.stdout).toContain(cmd);
    }
    expect((await run(['--version'])).stdout).toBe(`${LIBRARY.name} ${LIBRARY.version}\n`);
    expect((await run(['help', 'csv'])).stdout).toMatch(/finite differences/);
    expect((await run(['help', 'model'])).stdout).toMatch(/formatVersion/);
  });

  it.each(['make-data', 'train', 'rollout', 'eval'])('%s --help', async (cmd) => {
    for (const argv of [
      [cmd, '--help'],
      [cmd, '-h'],
      ['help', cmd],
    ]) {
      const r = await run(argv);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^Usage: hnn ${cmd} `));
      expect(r.stdout).toMatch(/Example:/);
    }
  });

  it('rejects unknown commands, flags and help topics with exit code 2', async () => {
    const cases: [string[], RegExp][] = [
      [['fit'], /unknown command 'fit'; the commands are make-data, train, rollout, eval/],
      [['train', '--epochs', '3'], /Unknown option '--epochs'.*hnn train --help/],
      [['rollout', '--t-end'], /--t-end needs a value; run 'hnn rollout --help'/],
      [['help', 'nope'], /no help topic 'nope'/],
    ];
    for (const [argv, message] of cases) {
      const r = await run(argv);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});

describe('hnn make-data', () => {
  it('writes a reproducible CSV with exact derivatives', async () => {
    const text = await readFile(spring, 'utf8');
    const data = parseTrajectoryCsv(text, spring);
    expect(data.trajectories).toHaveLength(12);
    expect(data.rows).toBe(240);
    expect(data.hasDerivatives).toBe(true);
    // Exact derivatives of H = q^2 + p^2 at the noiseless states: |dx/dt|^2 / 4 = H = r^2,
    // constant along each trajectory.
    for (const tr of data.trajectories) {
      const dx = tr.dx as Float64Array;
      const energies = tr.t.map(
        (_, i) => ((dx[2 * i] as number) ** 2 + (dx[2 * i + 1] as number) ** 2) / 4,
      );
      for (const e of energies) expect(e).toBeCloseTo(energies[0] as number, 5);
    }
    const again = dir.path('again.csv');
    await run([
      'make-data',
      '--system',
      'mass-spring',
      '--trajectories',
      '12',
      '--points',
      '20',
      '--out',
      again,
    ]);
    expect(await readFile(again, 'utf8')).toBe(text);
  });

  it('writes the pendulum without derivative columns', async () => {
    const out = dir.path('pend.csv');
    const r = await run([
      'make-data',
      '--system',
      'pendulum',
      '--trajectories',
      '2',
      '--no-derivatives',
      '--out',
      out,
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/pendulum .* 2 trajectories x 45 points .* no derivative columns/);
    const data = parseTrajectoryCsv(await readFile(out, 'utf8'), out);
    expect(data.hasDerivatives).toBe(false);
    expect(data.rows).toBe(90);
  });
});

describe('hnn train', () => {
  it('trains an HNN, prints progress with ETA and the final losses, writes the model', async () => {
    const r = await run([...trainArgs(spring, 'hnn', hnnModel), ...FAST]);
    expect(r.stderr).toBe(r.stderr); // for the message below
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/derivatives: dq\/dp columns of the file/);
    expect(r.stderr).toMatch(
      /split by trajectory \(seed 0\): 10 train \(200 rows\), 2 test \(40 rows\)/,
    );
    expect(r.stderr).toMatch(/step +1\/61 +loss \S+ +test \S+ +elapsed .* ETA /);
    expect(r.stderr).toMatch(/step 61\/61 .* ETA 0 ms/);
    expect(r.stdout).toMatch(/final train loss \S+, test loss \S+ \(MSE of dx\/dt, data units\)/);
    // The file is version 2 (a manifest with base64 weights); readModelFile gives its fields.
    const raw = JSON.parse(await readFile(hnnModel, 'utf8')) as Record<string, unknown>;
    expect(raw).toMatchObject({ format: 'hnn-model', formatVersion: 2 });
    expect(typeof raw.weightsData).toBe('string');
    const json = (await readModelFile(hnnModel)).file as ModelFile & {
      training: {
        trajectories: unknown;
        testTrajectoryIds: string[];
        finalTrainLoss: number;
        finalTestLoss: number;
        autoNormalization: unknown;
      };
    };
    expect(json.format).toBe('hnn-model');
    expect(json.library).toEqual(LIBRARY);
    expect(json.model).toMatchObject({ kind: 'hnn', layerSizes: [2, 16, 16, 1] });
    // The default (auto) chose one setting and the file's scaling is that one's.
    const auto = json.training.autoNormalization as { chosen: string };
    expect(json.normalization.method).toBe(auto.chosen === 'none' ? 'none' : 'symplectic');
    expect(r.stdout).toContain(`normalisation auto chose ${auto.chosen}`);
    expect(json.training).toMatchObject({
      steps: 60,
      iterations: 61,
      hidden: 16,
      learningRate: 0.01,
    });
    expect(json.training.trajectories).toEqual({ train: 10, test: 2 });
    expect(json.training.testTrajectoryIds).toHaveLength(2);
    expect(json.training.finalTrainLoss).toBeLessThan(1);
    expect(r.stdout).toContain(`test loss ${Number(json.training.finalTestLoss.toPrecision(4))}`);
    expect((await dir.files()).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('trains a baseline with minibatches and no test set', async () => {
    const r = await run([
      ...trainArgs(spring, 'baseline', baselineModel),
      ...FAST,
      '--batch',
      '32',
      '--test-split',
      '0',
      '--normalize',
      'none',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/batch 32, normalisation none/);
    expect(r.stdout).not.toMatch(/test loss/);
    const model = loadModel(await readFile(baselineModel, 'utf8'));
    expect(model.kind).toBe('baseline');
    expect(model.file.training?.batch).toBe(32);
    const history = model.file.training?.history as { step: number; normalizedTestLoss: null }[];
    expect(history.map((h) => h.step)).toEqual([0, 6, 12, 18, 24, 30, 36, 42, 48, 54, 60]);
    expect(history.every((h) => h.normalizedTestLoss === null)).toBe(true);
  });

  it('estimates derivatives by finite differences when the file has none, and says so', async () => {
    const data = dir.path('no-deriv.csv');
    await run([
      'make-data',
      '--system',
      'mass-spring',
      '--trajectories',
      '6',
      '--noise',
      '0',
      '--no-derivatives',
      '--out',
      data,
    ]);
    const out = dir.path('fd.json');
    const r = await run([...trainArgs(data, 'hnn', out), ...FAST]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/derivatives: estimated from q, p: second-order finite differences/);
    const json = (await readModelFile(out)).file as { training?: { derivatives?: string } };
    expect(json.training?.derivatives).toMatch(/central 3-point formula inside/);
  });

  it('holds out the same whole trajectories for the same seed', async () => {
    const a = (await readModelFile(hnnModel)).file as ModelFile & {
      training: { testTrajectoryIds: string[] };
    };
    const out = dir.path('seed1.json');
    await run([
      ...trainArgs(spring, 'hnn', out),
      '--seed',
      '1',
      ...FAST.slice(0, 2),
      '--steps',
      '1',
    ]);
    const b = (await readModelFile(out)).file as ModelFile & {
      training: { testTrajectoryIds: string[] };
    };
    expect(a.training.testTrajectoryIds).not.toEqual(b.training.testTrajectoryIds);
  });

  it('reports a diverged training with exit code 3 and writes nothing', async () => {
    const out = dir.path('diverged.json');
    const r = await run([
      ...trainArgs(spring, 'baseline', out),
      '--hidden',
      '16',
      '--steps',
      '20',
      '--lr',
      '1e30',
      '--backend',
      'wasm',
    ]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(
      /hnn: error: Training diverged at step \d+: .*Lower the learning rate/,
    );
    expect(await dir.files()).not.toContain('diverged.json');
  });
});

describe('hnn rollout', () => {
  it('writes t, q1, p1 and the learned energy H for an HNN', async () => {
    const out = dir.path('roll.csv');
    const r = await run([
      'rollout',
      '--model',
      hnnModel,
      '--x0',
      '0.5,0',
      '--t-end',
      '5',
      '--points',
      '11',
      '--out',
      out,
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/learned energy H: .* max \|H\(t\) - H\(0\)\| = /);
    const lines = (await readFile(out, 'utf8')).trim().split('\n');
    expect(lines[0]).toBe('t,q1,p1,H');
    expect(lines).toHaveLength(12);
    const rows = lines.slice(1).map((l) => l.split(',').map(Number));
    expect(rows[0]?.slice(0, 3)).toEqual([0, 0.5, 0]);
    expect(rows[10]?.[0]).toBe(5);
    // The adaptive solver follows the learned H's level set.
    const energies = rows.map((row) => row[3] as number);
    const drift = Math.max(...energies.map((h) => Math.abs(h - (energies[0] as number))));
    expect(drift).toBeLessThan(1e-6);
  });

  it('rolls out with the symplectic implicit midpoint, and refuses what does not apply', async () => {
    const out = dir.path('roll-midpoint.csv');
    const base = [
      'rollout',
      '--model',
      hnnModel,
      '--x0',
      '0.5,0',
      '--t-end',
      '5',
      '--points',
      '11',
    ];
    const r = await run([...base, '--integrator', 'implicit-midpoint', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/with implicit-midpoint \(dt 0\.01\): 500 accepted steps/);
    const rows = (await readFile(out, 'utf8'))
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(',').map(Number));
    expect(rows).toHaveLength(11);
    expect(rows[10]?.[0]).toBe(5);
    // A symplectic method keeps the learned H to O(dt^2), with no drift of its own.
    const energies = rows.map((row) => row[3] as number);
    const drift = Math.max(...energies.map((h) => Math.abs(h - (energies[0] as number))));
    expect(drift).toBeLessThan(1e-3);

    for (const [extra, message] of [
      [['--integrator', 'leapfrog'], /needs a separable Hamiltonian.*'implicit-midpoint'/],
      [
        ['--integrator', 'verlet'],
        /--integrator must be one of rk45, leapfrog, yoshida4, implicit-midpoint/,
      ],
      [
        ['--integrator', 'implicit-midpoint', '--rtol', '1e-6'],
        /--rtol does not apply to --integrator implicit-midpoint/,
      ],
      [['--dt', '0.01'], /--dt does not apply to --integrator rk45/],
      [
        ['--integrator', 'implicit-midpoint', '--dt', '0.3'],
        /whole number of steps|not on the step grid/,
      ],
    ] as const) {
      await expectRefused(dir, [...base, ...extra, '--out', dir.path('bad.csv')], message);
    }
  });

  it('writes no H column for a baseline', async () => {
    const out = dir.path('roll-baseline.csv');
    const r = await run([
      'rollout',
      '--model',
      baselineModel,
      '--x0=-0.5,0.1',
      '--t-end',
      '1',
      '--out',
      out,
    ]);
    expect(r.code, r.stderr).toBe(0);
    const lines = (await readFile(out, 'utf8')).trim().split('\n');
    expect(lines[0]).toBe('t,q1,p1');
    expect(lines).toHaveLength(101);
  });
});

describe('hnn eval', () => {
  it('reports the loss and the learned-energy drift of an HNN', async () => {
    const r = await run(['eval', '--model', hnnModel, '--data', spring]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/240 rows, 12 trajectories/);
    expect(r.stdout).toMatch(/loss \(MSE of dx\/dt, data units\): \S+/);
    expect(r.stdout).toMatch(
      /learned-energy drift max_t \|H\(t\) - H\(t0\)\|: mean \S+, max \S+ \(relative/,
    );
    const j = JSON.parse(
      (await run(['eval', '--model', hnnModel, '--data', spring, '--json'])).stdout,
    ) as {
      loss: number;
      energyDrift: { max: number };
      rolloutStateMse: { mean: number };
    };
    expect(j.loss).toBeGreaterThan(0);
    expect(j.energyDrift.max).toBeLessThan(1e-6);
    expect(j.rolloutStateMse.mean).toBeGreaterThan(0);
  });

  it('says a baseline has no learned energy', async () => {
    const r = await run(['eval', '--model', baselineModel, '--data', spring]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/learned-energy drift: not applicable/);
  });
});

describe('bad input: one line naming file and line, exit code 2, nothing written', () => {
  const badCsv: [string, string, RegExp][] = [
    ['missing column', 'trajectory,q1,p1\n0,1,2\n', /:1: missing column 't'/],
    [
      'ragged row',
      'trajectory,t,q1,p1\n0,0,1,2\n0,1,2\n',
      /:3: row has 3 fields but the header has 4/,
    ],
    ['odd state columns', 'trajectory,t,q1,q2,p1\n0,0,1,2,3\n', /:1: 3 state columns/],
    ['non-increasing t', 'trajectory,t,q1,p1\n0,0,1,2\n0,0,1,2\n', /:3: t = 0 does not increase/],
    ['NaN', 'trajectory,t,q1,p1\n0,0,1,2\n0,1,NaN,2\n', /:3: column 'q1' is NaN/],
    ['Inf', 'trajectory,t,q1,p1\n0,0,1,inf\n0,1,1,2\n', /:2: column 'p1' is inf/],
    ['empty file', '', /bad\.csv: the file is empty/],
  ];

  it.each(badCsv)('train with %s', async (_name, text, message) => {
    const data = dir.path('bad.csv');
    await writeFile(data, text);
    const out = dir.path('bad-out.json');
    const before = await dir.files();
    const r = await run([...trainArgs(data, 'hnn', out), ...FAST]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^hnn: error: .*bad\.csv/);
    expect(r.stderr).toMatch(message);
    expect(await dir.files()).toEqual(before);
  });

  it.each(badCsv)('eval with %s', async (_name, text, message) => {
    const data = dir.path('bad.csv');
    await writeFile(data, text);
    const r = await run(['eval', '--model', hnnModel, '--data', data]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it('a truncated model file, and one from another format version', async () => {
    const good = await readFile(hnnModel, 'utf8');
    const truncated = dir.path('truncated.json');
    await writeFile(truncated, good.slice(0, 5000));
    const future = dir.path('future.json');
    await writeFile(future, good.replace('"formatVersion": 2', '"formatVersion": 7'));
    for (const [model, message] of [
      [truncated, /truncated\.json:\d+: the JSON ends early: the file is truncated/],
      [
        future,
        /future\.json: model format version 7 \(written by @hnn\/cli .*\) is not one of the versions 1 and 2/,
      ],
      [dir.path('absent.json'), /absent\.json: no such model file/],
      [spring, /spring\.csv:1: not a model file: it starts with 'trajectory,t\.\.\.'/],
    ] as const) {
      const out = dir.path('never.csv');
      const r = await run([
        'rollout',
        '--model',
        model,
        '--x0',
        '0.5,0',
        '--t-end',
        '1',
        '--out',
        out,
      ]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(await dir.files()).not.toContain('never.csv');
      const e = await run(['eval', '--model', model, '--data', spring]);
      expect(e.code).toBe(2);
      expect(e.stderr).toMatch(message);
    }
  });

  it('bad flags', async () => {
    const cases: [string[], RegExp][] = [
      [['train', '--model', 'hnn', '--out', 'x.json'], /'hnn train' needs --data/],
      [[...trainArgs(spring, 'lnn', 'x.json')], /--model must be one of hnn, baseline/],
      [
        [...trainArgs(spring, 'hnn', 'x.json'), '--steps', '1.5'],
        /--steps must be an integer from 0 to 1000000, got '1.5'/,
      ],
      [
        [...trainArgs(spring, 'hnn', 'x.json'), '--test-split', '1'],
        /--test-split must be a finite decimal number >= 0 and < 1/,
      ],
      [
        [...trainArgs(spring, 'hnn', '/no/such/dir/x.json')],
        /the directory \/no\/such\/dir does not exist/,
      ],
      [[...trainArgs(spring, 'hnn', spring)], /is also an input file/],
      [
        [...trainArgs(spring, 'hnn', dir.path('x.json')), '--batch', '100000'],
        /--batch 100000 is larger than the 200 training rows/,
      ],
      [
        [...trainArgs(dir.path('missing.csv'), 'hnn', dir.path('x.json'))],
        /missing\.csv: no such file/,
      ],
      [
        ['rollout', '--model', hnnModel, '--x0', '0.5', '--t-end', '1', '--out', dir.path('r.csv')],
        /--x0 has 1 numbers but the model's state \(q1,p1\) has 2/,
      ],
      [
        [
          'rollout',
          '--model',
          hnnModel,
          '--x0',
          '0.5,x',
          '--t-end',
          '1',
          '--out',
          dir.path('r.csv'),
        ],
        /--x0 must be comma-separated finite decimal numbers; item 2 is 'x'/,
      ],
      [
        ['rollout', '--model', hnnModel, '--x0', '0.5,0', '--t-end=-1', '--out', dir.path('r.csv')],
        /--t-end must be a finite decimal number > 0/,
      ],
      [
        ['make-data', '--system', 'kepler', '--out', dir.path('k.csv')],
        /--system must be one of mass-spring, pendulum/,
      ],
    ];
    const before = await dir.files();
    for (const [argv, message] of cases) {
      const r = await run(argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
    expect(await dir.files()).toEqual(before);
  });

  it('a data file of another dimension than the model', async () => {
    const data = dir.path('two-dof.csv');
    await writeFile(data, 'trajectory,t,q1,q2,p1,p2\n0,0,1,2,3,4\n0,1,1,2,3,4\n');
    const r = await run(['eval', '--model', hnnModel, '--data', data]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /two-dof\.csv:1: has 2 coordinate\(s\) q but the model .* was trained on 1/,
    );
  });
});
