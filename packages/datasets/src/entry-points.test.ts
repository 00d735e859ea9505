import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  importGraph as graphOf,
  specifiers as specifiersOf,
} from '../../../vitest.import-graph.js';

const SRC = dirname(fileURLToPath(import.meta.url));

const importGraph = (entry: string) => graphOf(SRC, entry);
const specifiers = (file: string) => specifiersOf(SRC, file);

// What a browser bundle or a light install cannot carry: Node built-ins and the native libraries
// that only the pixel pendulum needs.
const HEAVY = /^(node:|sharp$|canvas$|@napi-rs\/canvas$)/;

describe('entry points', () => {
  it('the main entry imports no Node built-in and no native library, and never reads process', () => {
    const { files, external } = importGraph('index.ts');
    expect([...external].filter((s) => HEAVY.test(s))).toEqual([]);
    expect([...external].sort()).toEqual(['@hnn/errors', '@hnn/integrators', '@hnn/random']);
    for (const file of files) {
      const text = readFileSync(join(SRC, file), 'utf8');
      expect(text, file).not.toMatch(/\bprocess\.|\bBuffer\b/);
    }
  });

  it('the node entry holds the file and cache code, and not the pixel libraries', () => {
    const { external } = importGraph('node.ts');
    expect(external.has('node:fs/promises')).toBe(true);
    expect([...external].filter((s) => /^(sharp|canvas|@napi-rs\/canvas)$/.test(s))).toEqual([]);
  });

  it('sharp is imported only by the pixel entry, and only lazily', () => {
    const { files } = importGraph('pixel.ts');
    const withSharp = files.filter((f) => specifiers(f).includes('sharp'));
    expect(withSharp).toEqual(['pixel-preprocess.ts']);
    const text = readFileSync(join(SRC, 'pixel-preprocess.ts'), 'utf8');
    expect(text).not.toMatch(/^import [^t][^;]*from 'sharp'/m);
  });
});
