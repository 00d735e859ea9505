import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LIBRARY } from './version.js';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  bin: Record<string, string>;
};
const builtBin = fileURLToPath(new URL('../dist/bin.js', import.meta.url));

describe('the hnn binary', () => {
  const argv = process.argv;
  const exitCode = process.exitCode;
  afterEach(() => {
    process.argv = argv;
    process.exitCode = exitCode;
    vi.restoreAllMocks();
  });

  it('is declared as dist/bin.js, built from src/bin.ts with a node shebang', () => {
    expect(pkg.bin).toEqual({ hnn: './dist/bin.js' });
    expect(readFileSync(new URL('./bin.ts', import.meta.url), 'utf8')).toMatch(
      /^#!\/usr\/bin\/env node\n/,
    );
  });

  it('passes process.argv to the command line and sets the exit code', async () => {
    let out = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      out += String(chunk);
      return true;
    });
    process.argv = ['node', 'hnn', '--version'];
    await import('./bin.js');
    expect(out).toBe(`${LIBRARY.name} ${LIBRARY.version}\n`);
    expect(process.exitCode).toBe(0);
  });

  // Runs only after `pnpm build` (the test task does not build).
  it.skipIf(!existsSync(builtBin))('runs as a process once built', () => {
    const help = spawnSync(process.execPath, [builtBin, 'train', '--help'], { encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^Usage: hnn train/);
    const bad = spawnSync(
      process.execPath,
      [builtBin, 'eval', '--model', 'missing.json', '--data', 'x.csv'],
      {
        encoding: 'utf8',
      },
    );
    expect(bad.status).toBe(2);
    expect(bad.stderr).toBe(
      "hnn: error: missing.json: no such model file; check the path or create one with 'hnn train --out'\n",
    );
  });
});
