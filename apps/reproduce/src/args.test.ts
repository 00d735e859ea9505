import { describe, expect, it } from 'vitest';
import { DEFAULT_TASKS, IMPLEMENTED_TASKS, parseReproduceArgs } from './args.js';
import { ReproduceUsageError } from './errors.js';

describe('parseReproduceArgs', () => {
  it('defaults to every implemented task at paper settings, seed 0', () => {
    const o = parseReproduceArgs([]);
    expect(o.tasks).toEqual(DEFAULT_TASKS);
    // The Beyond-the-paper tasks are implemented but run only when named.
    expect(o.tasks).not.toContain('damped-spring');
    expect(IMPLEMENTED_TASKS).toContain('damped-spring');
    expect(parseReproduceArgs(['--tasks', 'damped-spring']).tasks).toEqual(['damped-spring']);
    expect(o.steps).toBeUndefined();
    expect(o.seeds).toEqual([0]);
    expect(o.quick).toBe(false);
    expect(o.figures).toBe(true);
  });

  it('skips figures with --no-figures', () => {
    expect(parseReproduceArgs(['--no-figures']).figures).toBe(false);
  });

  it('reads tasks, steps, seed and quick', () => {
    const o = parseReproduceArgs([
      '--tasks',
      'pendulum,mass-spring',
      '--steps',
      '30',
      '--seed',
      '4',
      '--quick',
    ]);
    expect(o.tasks).toEqual(['pendulum', 'mass-spring']);
    expect(o.steps).toBe(30);
    expect(o.seeds).toEqual([4]);
    expect(o.quick).toBe(true);
  });

  it.each([
    [['--tasks', 'double-pendulum'], /unknown or not yet implemented task "double-pendulum"/],
    [['--steps=-3'], /--steps must be an integer/],
    [['--steps', '-3'], /--steps/],
    [['--steps', '1e3'], /--steps must be an integer/],
    [['--seed', 'x'], /--seed must be an integer/],
    [['--frobnicate'], /Unknown option '--frobnicate'.*--help/],
    [['--tasks', ','], /at least one task/],
    [['--seed', '1', '--seeds', '0-4'], /--seed N or --seeds LIST, not both/],
    [['--seeds', '4-0'], /runs backwards; write 0-4/],
    [['--seeds', '0,x'], /--seeds must be an integer/],
    [['--seeds', '0-5000'], /more than 1000 seeds/],
    [['--seed', '4294967295'], /at most 4294967294/],
    [['--bias-init', 'uniform'], /--bias-init must be one of torch, zeros/],
    [['--renderer', 'cairo'], /--renderer must be one of auto, node-canvas, napi-rs/],
  ])('rejects %j with a ReproduceUsageError that says what to do', (argv, message) => {
    expect(() => parseReproduceArgs(argv)).toThrow(ReproduceUsageError);
    expect(() => parseReproduceArgs(argv)).toThrow(message);
  });
});

describe('--seeds', () => {
  it('reads ranges and lists as ascending distinct seeds', () => {
    expect(parseReproduceArgs(['--seeds', '0-4']).seeds).toEqual([0, 1, 2, 3, 4]);
    expect(parseReproduceArgs(['--seeds', '0,3,7']).seeds).toEqual([0, 3, 7]);
    expect(parseReproduceArgs(['--seeds', '9, 0-2,1']).seeds).toEqual([0, 1, 2, 9]);
    expect(parseReproduceArgs(['--seed', '5']).seeds).toEqual([5]);
    const o = parseReproduceArgs(['--bias-init', 'zeros', '--renderer', 'napi-rs']);
    expect([o.biasInit, o.renderer]).toEqual(['zeros', 'napi-rs']);
    expect(parseReproduceArgs([]).biasInit).toBe('torch');
    expect(parseReproduceArgs(['--report-only']).reportOnly).toBe(true);
  });
});

describe('--workers, --queue, --fresh', () => {
  it('runs in this process by default, on a pool with --workers, on a queue with --queue', () => {
    const d = parseReproduceArgs([]);
    expect([d.workers, d.queue, d.fresh]).toEqual([1, undefined, false]);
    expect(parseReproduceArgs(['--workers', '3']).workers).toBe(3);
    expect(parseReproduceArgs(['--workers', 'auto']).workers).toBeGreaterThanOrEqual(1);
    expect(parseReproduceArgs(['--queue', 'redis://127.0.0.1:6379']).queue).toBe(
      'redis://127.0.0.1:6379',
    );
    expect(parseReproduceArgs(['--fresh']).fresh).toBe(true);
  });

  it('refuses a bad worker count, a URL that is not redis://, and both at once', () => {
    expect(() => parseReproduceArgs(['--workers', '0'])).toThrow(ReproduceUsageError);
    expect(() => parseReproduceArgs(['--workers', '65'])).toThrow(/at most 64/);
    expect(() => parseReproduceArgs(['--queue', 'http://x:1'])).toThrow(/redis:\/\//);
    expect(() => parseReproduceArgs(['--queue', 'redis://h:1', '--workers', '2'])).toThrow(
      /not both/,
    );
  });
});
