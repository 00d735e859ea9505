// Its own file, so that no initBackend() has run in this module instance: this is how an app
// that chose its own TensorFlow.js backend meets train().
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createHnn } from './hnn.js';
import type { Logger } from './logger.js';
import { train } from './train.js';
import { springData } from './test-utils/spring-data.js';

const data = springData(40, 0.1);

afterEach(() => {
  vi.restoreAllMocks();
});

/** Everything written to stderr/stdout or the console while `run` runs. */
async function captureOutput(run: () => Promise<unknown>): Promise<string[]> {
  const written: string[] = [];
  const record = (...args: unknown[]) => {
    written.push(args.map(String).join(' '));
    return true;
  };
  vi.spyOn(process.stderr, 'write').mockImplementation(record);
  vi.spyOn(process.stdout, 'write').mockImplementation(record);
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    vi.spyOn(console, method).mockImplementation(record);
  }
  try {
    await run();
  } finally {
    vi.restoreAllMocks();
  }
  return written;
}

describe('train and the global TensorFlow.js backend', () => {
  it("keeps the app's backend and writes nothing", async () => {
    await tf.setBackend('cpu');
    const model = createHnn({ inputDim: 2, hiddenDim: 8, seed: 0 });
    let backend = '';
    const written = await captureOutput(async () => {
      for (const fastPath of ['off', 'auto'] as const) {
        const result = await train(model, { trainX: data.x, trainDx: data.dx, steps: 2, fastPath });
        backend = result.backend;
        expect(tf.getBackend()).toBe('cpu');
      }
    });
    model.dispose();
    expect(backend).toBe('cpu');
    expect(written).toEqual([]);
  });

  it('switches only when asked, and logs only to the logger given', async () => {
    await tf.setBackend('cpu');
    const model = createHnn({ inputDim: 2, hiddenDim: 8, seed: 0 });
    const lines: string[] = [];
    const logger: Logger = { info: (m) => lines.push(m), warn: (m) => lines.push(m) };
    const written = await captureOutput(async () => {
      const silent = await train(model, {
        trainX: data.x,
        trainDx: data.dx,
        steps: 1,
        backend: 'wasm',
      });
      expect(silent.backend).toBe('wasm');
      await tf.setBackend('cpu');
      const logged = await train(model, {
        trainX: data.x,
        trainDx: data.dx,
        steps: 1,
        backend: 'wasm',
        logger,
      });
      expect(logged.backend).toBe('wasm');
    });
    model.dispose();
    expect(tf.getBackend()).toBe('wasm');
    expect(written).toEqual([]);
    expect(lines).toEqual(['[@hnn/core] TensorFlow.js backend: wasm']);
  });
});
