import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { VectorFieldArtifacts } from './figures/artifacts.js';
import { runTask } from './run-task.js';
import { TaskInputError } from './errors.js';
import { TASKS, type TaskContext } from './tasks.js';

const context = async (realPendulumPath?: string, explicit = false): Promise<TaskContext> => ({
  seed: 0,
  realPendulumPath,
  cacheDir: await mkdtemp(join(tmpdir(), 'hnn-cache-')),
  explicit,
  log: () => undefined,
});

describe('task registry', () => {
  it('uses the paper settings for every row', () => {
    const s = (id: keyof typeof TASKS) => {
      const t = TASKS[id];
      return [t.steps, t.batchSize ?? 'full', t.weightDecay, t.learningRate, t.hiddenDim];
    };
    expect(s('mass-spring')).toEqual([2000, 'full', 1e-4, 1e-3, 200]);
    expect(s('pendulum')).toEqual([2000, 'full', 1e-4, 1e-3, 200]);
    expect(s('real-pendulum')).toEqual([2000, 'full', 1e-5, 1e-3, 200]);
    expect(s('two-body')).toEqual([10000, 200, 0, 1e-3, 200]);
    expect(s('three-body')).toEqual([10000, 600, 1e-4, 1e-3, 200]);
  });

  it('skips the real pendulum with directions when no file is given or it is missing', async () => {
    const none = await TASKS['real-pendulum'].prepare(await context());
    expect(none).toHaveProperty('skip');
    expect((none as { skip: string }).skip).toMatch(/HNN_REAL_PENDULUM_DATA/);
    const missing = await TASKS['real-pendulum'].prepare(await context('/nonexistent/real.txt'));
    expect((missing as { skip: string }).skip).toMatch(/not found.*\/nonexistent\/real\.txt/);
  });

  it('fails the real pendulum instead when --tasks named it', async () => {
    const prepare = (ctx: TaskContext) => TASKS['real-pendulum'].prepare(ctx);
    await expect(prepare(await context(undefined, true))).rejects.toThrow(TaskInputError);
    await expect(prepare(await context(undefined, true))).rejects.toThrow(
      /^--tasks names real-pendulum but no data file given\. Download it with/,
    );
    await expect(prepare(await context('/nonexistent/real.txt', true))).rejects.toThrow(
      /not found: \/nonexistent\/real\.txt/,
    );
  });

  it('runs the orbit tasks without a cache when the cache directory is unusable', async () => {
    const logged: string[] = [];
    const prepared = await TASKS['two-body'].prepare({
      ...(await context()),
      cacheDir: null,
      log: (l) => logged.push(l),
    });
    if ('skip' in prepared) throw new Error('two-body cannot be skipped');
    expect(prepared.cacheHit).toBe(false);
    expect(prepared.data.train.n).toBeGreaterThan(0);
    expect(logged).toEqual([]);
  });
});

describe('runTask', () => {
  it('trains both models and fills every number of a Table 1 row', async () => {
    const prepared = await TASKS['mass-spring'].prepare(await context());
    if ('skip' in prepared) throw new Error('mass-spring cannot be skipped');
    let artifacts: VectorFieldArtifacts | undefined;
    const row = await runTask(TASKS['mass-spring'], prepared, {
      steps: 3,
      seed: 0,
      backend: 'test',
      log: () => undefined,
      onTrained: (a) => {
        artifacts = a;
        return Promise.resolve();
      },
    });
    // The figures get float64 snapshots of both trained models and the data.
    expect(artifacts?.task).toBe('mass-spring');
    expect(artifacts?.data).toBe(prepared.data);
    expect(typeof artifacts?.hnn.hamiltonian).toBe('function');
    expect(artifacts?.baseline.hamiltonian).toBeUndefined();
    expect(row.task).toBe('mass-spring');
    expect(row.settings.iterations).toBe(4);
    for (const model of [row.baseline, row.hnn]) {
      for (const v of [model.trainLoss, model.testLoss, model.energyMse, model.coordMse]) {
        expect(Number.isFinite(v.mean) && v.mean > 0).toBe(true);
        expect(Number.isFinite(v.se) && v.se >= 0).toBe(true);
      }
      expect(model.energyMseCorrected).not.toBeNull();
      expect(model.msPerStep).toBeGreaterThan(0);
      // Section 6: out for T = 20 and back from the 15 metric starts.
      expect(model.reversibility).toMatchObject({ T: 20, starts: 15, failed: 0 });
      expect(model.reversibility!.error.mean).toBeLessThan(1e-3);
    }
    expect(row.paper?.hnn.energyMse.mean).toBeCloseTo(0.38e-3, 12);
  });
});
