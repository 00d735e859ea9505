import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  PytorchServer,
  findPytorch,
  parsePytorchThreads,
  pythonCandidates,
  pythonEnv,
} from './pytorch.js';

const hasPython3 = spawnSync('python3', ['--version']).status === 0;
const torch = await findPytorch();
const noTorchReason = torch.available ? '' : torch.reason;

describe('finding PyTorch', () => {
  it('says why, without throwing, when the Python does not exist', async () => {
    const got = await findPytorch({ candidates: ['/nonexistent/python3'] });
    expect(got.available).toBe(false);
    expect(got.available ? '' : got.reason).toMatch(/\/nonexistent\/python3: .*ENOENT/);
  });

  describe.skipIf(!hasPython3)('with a python3 whose torch does not import', () => {
    // A package named torch that fails to import, first on the path: the no-torch case on any
    // machine, whether or not the real torch is installed.
    const shim = mkdtempSync(join(tmpdir(), 'hnn-no-torch-'));
    mkdirSync(join(shim, 'torch'));
    writeFileSync(join(shim, 'torch', '__init__.py'), 'raise ImportError("torch shim")\n');
    afterAll(() => rmSync(shim, { recursive: true, force: true }));

    it('reports no torch, naming the interpreter and the import error', async () => {
      const got = await findPytorch({
        candidates: ['python3'],
        env: { ...process.env, PYTHONPATH: shim },
      });
      expect(got.available).toBe(false);
      expect(got.available ? '' : got.reason).toMatch(/python3: cannot import torch .*torch shim/);
    });

    it('tries every candidate and reports each failure', async () => {
      const got = await findPytorch({
        candidates: ['/nonexistent/python3', 'python3'],
        env: { ...process.env, PYTHONPATH: shim },
      });
      expect(got.available ? '' : got.reason).toMatch(/ENOENT.*; python3: cannot import torch/);
    });
  });

  it('tries HNN_BENCH_PYTHON alone when it is set, else python3 then /usr/bin/python3', () => {
    expect(pythonCandidates({ HNN_BENCH_PYTHON: '/opt/py/bin/python' })).toEqual([
      '/opt/py/bin/python',
    ]);
    expect(pythonCandidates({})).toEqual(['python3', '/usr/bin/python3']);
  });

  it("removes the caller's thread variables so that 'default' means the libraries' defaults", () => {
    const env = pythonEnv({ OPENBLAS_NUM_THREADS: '7', OMP_NUM_THREADS: '7', PATH: '/bin' });
    expect(env).toEqual({ PATH: '/bin' });
  });
});

// These need a Python with torch (Debian: python3-torch + libopenblas0-pthread).
describe.skipIf(!torch.available)(`PyTorch's step (${noTorchReason || 'torch found'})`, () => {
  const python = torch.available ? torch.python : '';

  it('pins torch and OpenBLAS to one thread and names the BLAS it loaded', async () => {
    const { server, probe } = await PytorchServer.start(python, '1');
    await server.close();
    expect(probe.threads.torchIntraOp).toBe(1);
    if (probe.blas.kind === 'openblas') expect(probe.threads.openblas).toBe(1);
    expect(probe.blas.kind).not.toBe('unknown');
    expect(probe.sgemmGflops['750x200x200']).toBeGreaterThan(0);
  });

  it('times the requested number of steps of each model, and the steps train', async () => {
    const { server } = await PytorchServer.start(python, '1');
    try {
      const requests = [
        { kind: 'mlp', dim: 2, batch: 64, pool: null },
        // pool = batch: the minibatch path runs (a permutation each step) on the whole set, so the
        // loss of one step is comparable with the next.
        { kind: 'mlp', dim: 8, batch: 32, pool: 32 },
        { kind: 'pixel', inputDim: 64, latentDim: 2, hidden: 32, batch: 16, pool: 16 },
      ] as const;
      for (const shape of requests) {
        for (const model of ['baseline', 'hnn'] as const) {
          const reply = await server.time({
            ...shape,
            model,
            weightDecay: 1e-4,
            warmup: 2,
            steps: 30,
          });
          expect(reply.samplesMs).toHaveLength(30);
          expect(reply.samplesMs.every((ms) => ms > 0)).toBe(true);
          // 32 Adam steps on a fixed set lower its loss.
          expect(reply.lossLast).toBeLessThan(reply.lossFirst);
        }
      }
    } finally {
      await server.close();
    }
  });

  it('answers a bad request with an error that names it, and keeps serving', async () => {
    const { server } = await PytorchServer.start(python, '1');
    try {
      await expect(
        server.time({ kind: 'mlp', model: 'hnn', dim: 3, batch: 4, pool: null } as never),
      ).rejects.toThrow(/could not time .*request lacks 'warmup'/);
      const ok = await server.time({
        kind: 'mlp',
        model: 'baseline',
        dim: 2,
        batch: 8,
        pool: null,
        weightDecay: 0,
        warmup: 0,
        steps: 2,
      });
      expect(ok.samplesMs).toHaveLength(2);
    } finally {
      await server.close();
    }
  });
});

describe('parsePytorchThreads', () => {
  it('keeps the order (the first setting is the headline ratio)', () => {
    expect(parsePytorchThreads('1,default,2')).toEqual(['1', 'default', '2']);
  });

  it('refuses anything but default and positive counts, and repeats', () => {
    expect(() => parsePytorchThreads('0')).toThrow(/'default' or positive thread counts.*'0'/);
    expect(() => parsePytorchThreads('default,max')).toThrow(/'max'/);
    expect(() => parsePytorchThreads('1,1')).toThrow(/distinct/);
  });
});
