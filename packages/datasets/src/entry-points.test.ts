import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = dirname(fileURLToPath(import.meta.url));

/** Every import specifier (static, re-export or dynamic with a string literal) in a source file. */
function specifiers(file: string): string[] {
  const text = readFileSync(join(SRC, file), 'utf8');
  const found: string[] = [];
  for (const m of text.matchAll(/(?:import|export)\s[^'";]*?from\s+'([^']+)'/g)) found.push(m[1]!);
  for (const m of text.matchAll(/import\(\s*'([^']+)'\s*\)/g)) found.push(m[1]!);
  return found;
}

/** The files an entry point loads (following relative imports) and the packages they import. */
function importGraph(entry: string): { files: string[]; external: Set<string> } {
  const files: string[] = [];
  const external = new Set<string>();
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (files.includes(file)) continue;
    files.push(file);
    for (const spec of specifiers(file)) {
      if (spec.startsWith('./')) queue.push(spec.slice(2).replace(/\.js$/, '.ts'));
      else external.add(spec);
    }
  }
  return { files, external };
}

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
