import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { runCli } from '../main.js';

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the hnn command line in-process and captures what it prints. */
export async function run(argv: readonly string[]): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
  });
  return { code, stdout, stderr };
}

/** A fresh temporary directory, its path joiner and a cleanup. */
export async function tempDir(): Promise<{
  path: (name: string) => string;
  files: () => Promise<string[]>;
  remove: () => Promise<void>;
}> {
  const dir = await mkdtemp(join(tmpdir(), 'hnn-cli-'));
  return {
    path: (name) => join(dir, name),
    files: async () => (await readdir(dir)).sort(),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/**
 * Runs a command that must be refused before any work: exit 2, nothing on stdout, one
 * `hnn: error:` line matching `message`, no data summary or training line, and no file added
 * to `dir`. Returns what it printed on stderr.
 */
export async function expectRefused(
  dir: { files: () => Promise<string[]> },
  argv: readonly string[],
  message: RegExp,
): Promise<string> {
  const before = await dir.files();
  const r = await run(argv);
  expect(r.code, r.stderr).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr).toMatch(/^hnn: error: [^\n]*\n$/);
  expect(r.stderr).toMatch(message);
  expect(r.stderr).not.toMatch(/training (HNN|baseline)/);
  expect(await dir.files()).toEqual(before);
  return r.stderr;
}

/** `train --data <data> --model <model> --out <out>`, to spread into an argv. */
export function trainArgs(data: string, model: string, out: string): string[] {
  return ['train', '--data', data, '--model', model, '--out', out];
}

/** Writes `hnn make-data --system mass-spring` data to `out` and checks that it succeeded. */
export async function makeSpringCsv(
  out: string,
  trajectories: number,
  points: number,
): Promise<void> {
  const made = await run([
    'make-data',
    '--system',
    'mass-spring',
    '--trajectories',
    String(trajectories),
    '--points',
    String(points),
    '--out',
    out,
  ]);
  expect(made.code, made.stderr).toBe(0);
}
