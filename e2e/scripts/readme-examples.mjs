#!/usr/bin/env node
// Type-checks every ```ts example of every README in the repository, as its own module, against
// the workspace packages' sources (strict, no skipLibCheck for them). A README that shows an API
// which does not exist, or calls it wrongly, fails here. Usage: pnpm --filter @hnn/e2e readme-examples
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const e2e = join(here, '..');
const repo = join(e2e, '..');
const out = join(e2e, 'readme-examples');

/** @returns {string[]} */
function readmes() {
  const found = [join(repo, 'README.md')];
  for (const group of ['packages', 'apps']) {
    for (const name of readdirSync(join(repo, group))) {
      const file = join(repo, group, name, 'README.md');
      if (existsSync(file)) found.push(file);
    }
  }
  for (const file of [join(repo, 'bench', 'README.md')]) if (existsSync(file)) found.push(file);
  return found;
}

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
/** @type {{ file: string, source: string, line: number }[]} */
const examples = [];
for (const file of readmes()) {
  const lines = readFileSync(file, 'utf8').split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]?.trim() !== '```ts') continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && lines[end]?.trim() !== '```') end++;
    const name = `${relative(repo, file).replace(/[/.]/g, '_')}_L${start + 1}.ts`;
    // Each example is its own module (top-level await allowed, names do not collide).
    writeFileSync(
      join(out, name),
      `// ${relative(repo, file)}:${start + 1}\n${lines.slice(start, end).join('\n')}\nexport {};\n`,
    );
    examples.push({ file: relative(repo, file), source: name, line: start + 1 });
    i = end;
  }
}
writeFileSync(
  join(out, 'tsconfig.json'),
  JSON.stringify({
    extends: '../../tsconfig.base.json',
    compilerOptions: { noEmit: true, skipLibCheck: true, noUnusedLocals: false },
    include: ['*.ts'],
  }),
);
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
try {
  execFileSync(process.execPath, [tsc, '-p', join(out, 'tsconfig.json')], {
    stdio: 'inherit',
    cwd: e2e,
  });
} catch {
  process.stderr.write(
    `readme-examples: the errors above are in README examples (file and line in each file's ` +
      `first comment; the files are in ${relative(repo, out)}/)\n`,
  );
  process.exit(1);
}
process.stdout.write(
  `readme-examples: ${examples.length} TypeScript examples from ` +
    `${new Set(examples.map((e) => e.file)).size} READMEs type-check\n`,
);
