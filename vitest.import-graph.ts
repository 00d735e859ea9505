import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

// The import graph of a package's entry point, read from its sources, for the packages'
// entry-points tests (which check that a browser-facing entry loads no Node built-in).

/** Every import specifier (static, side-effect, re-export, or dynamic with a string literal). */
export function specifiers(srcDir: string, file: string): string[] {
  const text = readFileSync(join(srcDir, file), 'utf8');
  const found: string[] = [];
  for (const m of text.matchAll(/(?:import|export)\s[^'";]*?from\s+'([^']+)'/g)) found.push(m[1]!);
  for (const m of text.matchAll(/^import\s+'([^']+)'/gm)) found.push(m[1]!);
  for (const m of text.matchAll(/import\(\s*'([^']+)'\s*\)/g)) found.push(m[1]!);
  return found;
}

/** The files an entry point loads (following relative imports) and the packages they import. */
export function importGraph(
  srcDir: string,
  entry: string,
): { files: string[]; external: Set<string> } {
  const files: string[] = [];
  const external = new Set<string>();
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (files.includes(file)) continue;
    files.push(file);
    for (const spec of specifiers(srcDir, file)) {
      if (spec.startsWith('./') || spec.startsWith('../')) {
        queue.push(join(dirname(file), spec).replace(/\.js$/, '.ts'));
      } else {
        external.add(spec);
      }
    }
  }
  return { files, external };
}
