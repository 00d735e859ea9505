import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { importGraph as graphOf } from '../../../vitest.import-graph.js';
import * as tf from './tf.js';

const SRC = dirname(fileURLToPath(import.meta.url));

const importGraph = (entry: string) => graphOf(SRC, entry);

describe('entry points', () => {
  it('the main entry imports no Node built-in and never reads process or Buffer', () => {
    const { files, external } = importGraph('index.ts');
    expect(files).toContain('backend.ts');
    expect(files).toContain('fast/fast-path.ts');
    // The TensorFlow.js umbrella is not a dependency: tfjs-core, its cpu backend and the
    // gradient registrations ('#tfjs-gradients', package.json "imports") instead.
    expect([...external].sort()).toEqual([
      '#tfjs-gradients',
      '@hnn/errors',
      '@hnn/kernels',
      '@hnn/random',
      '@tensorflow/tfjs-backend-cpu',
      '@tensorflow/tfjs-core',
    ]);
    for (const file of files) {
      const text = readFileSync(join(SRC, file), 'utf8');
      expect(text, file).not.toMatch(/\bprocess\.|\bBuffer\.|from 'node:/);
    }
  });

  it('the Node file helpers live in the node entry', () => {
    const { external } = importGraph('node.ts');
    expect(external.has('node:fs/promises')).toBe(true);
  });

  it('registers the gradient of every op, as the @tensorflow/tfjs umbrella does', () => {
    // tfjs-core alone has none of these; an HNN's loss needs them to second order.
    for (const op of [
      'Multiply',
      'BatchMatMul',
      'Tanh',
      'Softplus',
      'Sin',
      'Sigmoid',
      'Sum',
      'Exp',
    ]) {
      expect(tf.getGradient(op), op).toBeDefined();
    }
    const y = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(tf.sin(x), x)))(tf.tensor1d([0.5, -1]));
    const x = [0.5, -1];
    const expected = x.map((v) => Math.cos(v) * v + Math.sin(v));
    const got = Array.from(y.dataSync());
    got.forEach((g, i) => expect(g).toBeCloseTo(expected[i]!, 6));
    y.dispose();
  });

  it('registers the chained tensor methods (x.square()) that umbrella-era code uses', () => {
    const t = tf.tensor1d([3, -2]);
    // Typed by hand: the method exists at run time only if the registration ran.
    const sq = (t as unknown as { square(): tf.Tensor }).square();
    expect(Array.from(sq.dataSync())).toEqual([9, 4]);
    tf.dispose([t, sq]);
  });
});
