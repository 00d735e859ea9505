import { spawnSync } from 'node:child_process';
import { lstat, mkdir, readFile, readlink, symlink, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelFile } from './model-io.js';
import { loadModel, readModelFile } from './model-io.js';
import { expectRefused, makeSpringCsv, run, tempDir, trainArgs } from './test-utils/run-cli.js';
import { generatePaperSystemCsv, PAPER_SYSTEMS, paperSystemCsvChunks } from './systems.js';
import { OutputFile, TEMPORARY_NAME } from './write-atomic.js';

// Issue 14: inputs that used to crash, hang, mislead or destroy, each now one clear line and
// exit code 2, checked before any training, with nothing written.

const TINY = ['--hidden', '8', '--steps', '5', '--backend', 'wasm'];

let dir: Awaited<ReturnType<typeof tempDir>>;
let spring: string;
let model: string;

beforeAll(async () => {
  dir = await tempDir();
  spring = dir.path('spring.csv');
  model = dir.path('model.json');
  await makeSpringCsv(spring, 4, 10);
  const trained = await run([...trainArgs(spring, 'hnn', model), ...TINY]);
  expect(trained.code, trained.stderr).toBe(0);
});

afterAll(async () => {
  await dir.remove();
});

const refused = (argv: string[], message: RegExp) => expectRefused(dir, argv, message);

describe('negative numbers written the ordinary way', () => {
  it.each([
    ['quoted', ['--x0', '-0.6,0.5']],
    ['bare', ['--x0', '-0.6,0.5']],
    ['with =', ['--x0=-0.6,0.5']],
  ])('rollout --x0 %s', async (_name, x0) => {
    const out = dir.path('neg.csv');
    const r = await run(['rollout', '--model', model, ...x0, '--t-end', '0.5', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/from x0 = \(-0\.6, 0\.5\)/);
    const second = (await readFile(out, 'utf8')).split('\n')[1] as string;
    expect(second.split(',').slice(0, 3)).toEqual(['0', '-0.6', '0.5']);
  });

  it('every numeric option reads a negative value and judges it by its range', async () => {
    const options: Record<string, string[]> = {
      'make-data': ['trajectories', 'points', 't-end', 'noise', 'seed'],
      train: [
        'steps',
        'hidden',
        'lr',
        'weight-decay',
        'batch',
        'test-split',
        'seed',
        'input-spread',
      ],
      rollout: ['t-end', 'points', 'rtol', 'atol'],
      eval: ['rtol', 'atol'],
    };
    for (const [command, names] of Object.entries(options)) {
      for (const name of names) {
        const r = await run([command, `--${name}`, '-0.5']);
        expect(r.code).toBe(2);
        // Either the value's own range check, or (when it is checked after the required
        // flags) a missing required flag: never "ambiguous" or "needs a value".
        expect(r.stderr, `${command} --${name}`).not.toMatch(/ambiguous|needs a value/);
      }
    }
    const r = await run([...trainArgs(spring, 'hnn', 'x'), '--seed', '-1']);
    expect(r.stderr).toMatch(/--seed must be an integer from 0 to 4294967295, got '-1'/);
  });
});

describe('the engine that trained is recorded', () => {
  it('in the model file (training.fastPath beside backend) and on stdout', async () => {
    const out = dir.path('engine.json');
    const r = await run([...trainArgs(spring, 'baseline', out), ...TINY]);
    expect(r.code, r.stderr).toBe(0);
    const file = (await readModelFile(out)).file as ModelFile & {
      training: { backend: string; fastPath: string };
    };
    expect(file.training.backend).toBe('wasm');
    expect(file.training.fastPath).toMatch(/^(native-avx(2|512)-\dthreads?|wasm-simd.*|none)$/);
    expect(r.stdout).toContain(
      `backend ${file.training.backend}, fast path ${file.training.fastPath})`,
    );
  });

  it('while an older file without fastPath still loads and evaluates', async () => {
    const file = JSON.parse(await readFile(model, 'utf8')) as {
      metadata: { training: Record<string, unknown> };
    };
    delete file.metadata.training.fastPath;
    delete file.metadata.training.fastPathReason;
    const old = dir.path('old-model.json');
    await writeFile(old, JSON.stringify(file));
    expect(loadModel(JSON.stringify(file)).kind).toBe('hnn');
    const r = await run(['eval', '--model', old, '--data', spring, '--json']);
    expect(r.code, r.stderr).toBe(0);
  });
});

describe('sizes and seeds out of range: one line saying why, before any work', () => {
  it.each(['train', 'make-data'])('%s --seed 4294967296', async (command) => {
    const argv =
      command === 'train'
        ? [...trainArgs(spring, 'hnn', dir.path('s.json'))]
        : ['make-data', '--system', 'pendulum', '--out', dir.path('s.csv')];
    await refused(
      [...argv, '--seed', '4294967296'],
      /--seed must be an integer from 0 to 4294967295, got '4294967296' \(seeds are 32-bit/,
    );
  });

  it.each(['65536', '1000000', '30000', '2048'])('train --hidden %s', async (hidden) => {
    await refused(
      [...trainArgs(spring, 'hnn', dir.path('h.json')), '--hidden', hidden],
      /--hidden must be an integer from 1 to 1024, got '\d+' \(the weights' orthogonal initialisation grows as hidden\^3/,
    );
  });

  it('train --steps beyond the history limit', async () => {
    await refused(
      [...trainArgs(spring, 'hnn', dir.path('h.json')), '--steps', '1e9'],
      /--steps must be an integer from 0 to 1000000, got '1e9'/,
    );
  });

  it('rollout --points 1000000000', async () => {
    await refused(
      [
        'rollout',
        '--model',
        model,
        '--x0',
        '0.5,0',
        '--t-end',
        '1',
        '--out',
        dir.path('r.csv'),
        '--points',
        '1000000000',
      ],
      /--points must be an integer from 2 to 1000000, got '1000000000' \(every output state is held in memory/,
    );
  });

  it('make-data with more rows than training could hold', async () => {
    await refused(
      [
        'make-data',
        '--system',
        'mass-spring',
        '--trajectories',
        '100000',
        '--points',
        '1000',
        '--out',
        dir.path('m.csv'),
      ],
      /--trajectories 100000 x --points 1000 = 100000000 rows is too many/,
    );
  });

  it('make-data streams the CSV in chunks that add up to the same text', () => {
    const options = {
      trajectories: 3,
      points: 25001,
      tEnd: 3,
      noise: 0.1,
      seed: 4,
      derivatives: true,
    };
    const chunks = [...paperSystemCsvChunks(PAPER_SYSTEMS['mass-spring'], options)];
    // Header, then each trajectory in pieces of at most 10000 rows.
    expect(chunks).toHaveLength(1 + 3 * 3);
    expect(Math.max(...chunks.map((c) => c.split('\n').length - 1))).toBe(10000);
    expect(chunks.join('')).toBe(generatePaperSystemCsv(PAPER_SYSTEMS['mass-spring'], options));
  });

  it('repeated flags are an error, not "the last one wins"', async () => {
    await refused(
      [...trainArgs(spring, 'hnn', dir.path('r.json')), '--hidden', '4', '--hidden', '8'],
      /--hidden is given twice \('4' and '8'\); give it once/,
    );
  });
});

describe('--out is checked before training and only ever replaces a regular file', () => {
  it.skipIf(process.platform !== 'linux')(
    'a directory nobody can create files in (/proc)',
    async () => {
      await refused(
        [...trainArgs(spring, 'hnn', '/proc/hnn-test-model.json'), ...TINY],
        /--out \/proc\/hnn-test-model\.json: cannot create a file in \/proc \(E[A-Z]+\); choose a directory you can write to/,
      );
    },
  );

  it.skipIf(process.getuid?.() === 0 || process.platform === 'win32')(
    'a read-only directory (as a non-root user)',
    async () => {
      const ro = dir.path('read-only');
      await mkdir(ro, { mode: 0o555 });
      await refused(
        [...trainArgs(spring, 'hnn', `${ro}/m.json`), ...TINY],
        /cannot create a file in .*read-only \(EACCES\)/,
      );
    },
  );

  it('a symbolic link to a character device (like /dev/null or /dev/stdout) is left alone', async () => {
    const link = dir.path('to-dev-null');
    await symlink('/dev/null', link);
    await refused(
      [...trainArgs(spring, 'hnn', link), ...TINY],
      /to-dev-null is a character device, not a regular file; hnn writes only regular files and never replaces anything else/,
    );
    expect((await lstat(link)).isSymbolicLink()).toBe(true);
    expect(await readlink(link)).toBe('/dev/null');
  });

  it.skipIf(process.platform === 'win32')('a named pipe is left alone', async () => {
    const fifo = dir.path('pipe');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    await refused(
      ['make-data', '--system', 'mass-spring', '--out', fifo],
      /pipe is a named pipe \(FIFO\), not a regular file/,
    );
    expect((await lstat(fifo)).isFIFO()).toBe(true);
  });

  it('a symbolic link to a regular file: the file is replaced, the link kept', async () => {
    const real = dir.path('real.csv');
    await writeFile(real, 'old');
    const link = dir.path('link.csv');
    await symlink(real, link);
    const r = await run([
      'make-data',
      '--system',
      'mass-spring',
      '--trajectories',
      '2',
      '--out',
      link,
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect((await lstat(link)).isSymbolicLink()).toBe(true);
    expect(await readFile(real, 'utf8')).toMatch(/^trajectory,t,q1,p1,dq1,dp1\n/);
  });

  it('a failed write removes its recognisably named temporary file and keeps the old target', async () => {
    const target = dir.path('kept.csv');
    await writeFile(target, 'old contents');
    const out = await OutputFile.reserve('out', target);
    expect(out.temporary).toMatch(TEMPORARY_NAME);
    expect(out.temporary.split('/').at(-1)).toMatch(/^kept\.csv\.hnn-partial-\d+-[0-9a-f]+\.tmp$/);
    expect(await dir.files()).toContain(out.temporary.split('/').at(-1));
    function* failing(): Generator<string> {
      yield 'a,b\n';
      throw new Error('generator failed half-way');
    }
    await expect(out.commit(failing())).rejects.toThrow('generator failed half-way');
    expect((await dir.files()).filter((f) => TEMPORARY_NAME.test(f))).toEqual([]);
    expect(await readFile(target, 'utf8')).toBe('old contents');
  });
});

describe('--data and --model that are not regular files', () => {
  it.skipIf(process.platform === 'win32')(
    'a FIFO is refused at once instead of blocking forever',
    async () => {
      const fifo = dir.path('data-pipe');
      expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
      await refused(
        [...trainArgs(fifo, 'hnn', dir.path('f.json')), ...TINY],
        /data-pipe: is not a regular file \(a named pipe, device or socket\); hnn reads data only from regular files/,
      );
      await refused(
        ['eval', '--model', fifo, '--data', spring],
        /data-pipe: is not a regular file/,
      );
    },
    5000,
  );
});

describe('data files that used to be misread', () => {
  async function dataFile(name: string, text: string): Promise<string> {
    const path = dir.path(name);
    await writeFile(path, text);
    return path;
  }

  it('q1 and q01 in one header are ambiguous', async () => {
    const data = await dataFile(
      'q01.csv',
      'trajectory,t,q1,q01,p1\n0,0,1,2,3\n0,1,1,2,3\n0,2,1,2,3\n',
    );
    await refused(
      [...trainArgs(data, 'hnn', dir.path('q.json')), ...TINY],
      /q01\.csv:1: columns 'q1' and 'q01' both name q1; keep one of them/,
    );
  });

  it('hex is not a number', async () => {
    const data = await dataFile('hex.csv', 'trajectory,t,q1,p1\n0,0,0x10,2\n0,1,1,2\n0,2,1,2\n');
    await refused(
      [...trainArgs(data, 'hnn', dir.path('x.json')), ...TINY],
      /hex\.csv:2: '0x10' in column 'q1' is not a number; use plain decimals/,
    );
  });

  it.each(['auto', 'symplectic', 'none'])(
    '1e300 names the value that overflows and its line (--normalize %s)',
    async (normalize) => {
      const data = await dataFile(
        'huge.csv',
        'trajectory,t,q1,p1\n0,0,1,2\n0,1,1e300,2\n0,2,1,2\n',
      );
      await refused(
        [
          ...trainArgs(data, 'hnn', dir.path('x.json')),
          '--test-split',
          '0',
          '--normalize',
          normalize,
          ...TINY,
        ],
        /huge\.csv:3: q1 = 1e\+300 is too large to train on: training computes in float32/,
      );
    },
  );

  it('control bytes in a header are shown escaped, never sent to the terminal', async () => {
    const data = await dataFile('ctl.csv', 'trajectory,t,q1,p1,\u001b[31mevil\u0007\n0,0,1,2,3\n');
    const stderr = await refused(
      [...trainArgs(data, 'hnn', dir.path('x.json')), ...TINY],
      /ctl\.csv:1: unknown column '\\x1b\[31mevil\\x07'/,
    );
    // eslint-disable-next-line no-control-regex
    expect(stderr.slice(0, -1)).not.toMatch(/[\u0000-\u001f\u007f]/);
  });
});
