import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ERROR_CODE_PATTERN } from './index.js';

// A source-level check over the whole workspace (this package cannot import the others: they
// depend on it): every error class an @hnn package or app defines descends from HnnError, and the
// codes are well-formed, prefixed by their package and unique.
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist' || entry.name === 'test-utils')
      continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sources(path));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

interface ErrorClass {
  readonly name: string;
  readonly parent: string;
  readonly code: string | undefined;
  readonly file: string;
  readonly prefix: string;
}

function errorClasses(): ErrorClass[] {
  const found: ErrorClass[] = [];
  for (const group of ['packages', 'apps']) {
    for (const pkg of readdirSync(join(ROOT, group))) {
      const srcDir = join(ROOT, group, pkg, 'src');
      try {
        readdirSync(srcDir);
      } catch {
        continue;
      }
      const prefix = `HNN_${pkg.toUpperCase().replace(/-/g, '_')}_`;
      for (const file of sources(srcDir)) {
        const text = readFileSync(file, 'utf8');
        const re = /class (\w+Error) extends (\w+) \{([\s\S]*?)\n\}/g;
        for (const m of text.matchAll(re)) {
          const code = /override readonly code(?:: [^=]+)? = '([^']+)'/.exec(m[3] ?? '')?.[1];
          found.push({ name: m[1]!, parent: m[2]!, code, file: relative(ROOT, file), prefix });
        }
      }
    }
  }
  return found;
}

describe('error classes across the workspace', () => {
  const classes = errorClasses();
  const byName = new Map(classes.map((c) => [c.name, c]));

  it('finds the error classes of several packages', () => {
    expect(new Set(classes.map((c) => c.prefix)).size).toBeGreaterThanOrEqual(8);
  });

  it('every error class descends from HnnError', () => {
    const rootOf = (c: ErrorClass, seen = new Set<string>()): string => {
      if (c.parent === 'HnnError' || seen.has(c.name)) return c.parent;
      seen.add(c.name);
      const parent = byName.get(c.parent);
      return parent === undefined ? c.parent : rootOf(parent, seen);
    };
    const strays = classes
      .filter((c) => c.name !== 'HnnError' && rootOf(c) !== 'HnnError')
      .map((c) => `${c.name} (${c.file})`);
    expect(strays).toEqual([]);
  });

  it('codes are well-formed, carry their package prefix and are unique', () => {
    const codes = classes.flatMap((c) => (c.code === undefined ? [] : [c]));
    expect(codes.length).toBeGreaterThan(20);
    for (const c of codes) {
      expect(c.code, c.name).toMatch(ERROR_CODE_PATTERN);
      expect(c.code!.startsWith(c.prefix), `${c.name} in ${c.file}: ${c.code}`).toBe(true);
    }
    const seen = new Map<string, string>();
    const clashes: string[] = [];
    for (const c of codes) {
      const other = seen.get(c.code!);
      if (other !== undefined) clashes.push(`${c.code}: ${other} and ${c.name}`);
      seen.set(c.code!, c.name);
    }
    expect(clashes).toEqual([]);
  });

  it('no two packages define an error class of the same name', () => {
    const files = new Map<string, string>();
    const dupes: string[] = [];
    for (const c of classes) {
      const other = files.get(c.name);
      if (other !== undefined && other.split('/')[1] !== c.file.split('/')[1]) {
        dupes.push(`${c.name}: ${other} and ${c.file}`);
      }
      files.set(c.name, c.file);
    }
    expect(dupes).toEqual([]);
  });
});
