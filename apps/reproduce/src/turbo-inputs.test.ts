import { execFileSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// turbo replays `reproduce` from its cache when the task's hash is unchanged, so every file a
// result depends on must be in the hash: @hnn/kernels' C sources and prebuilt binaries included (they
// once were not: a kernel edit replayed results computed with the old kernel).
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const turbo = join(root, 'node_modules', '.bin', 'turbo');
let copy = '';

function git(...args: string[]): string {
  return execFileSync('git', args, { cwd: copy, encoding: 'utf8' });
}

function reproduceHash(): string {
  const out = execFileSync(turbo, ['run', 'reproduce', '--dry=json'], {
    cwd: copy,
    encoding: 'utf8',
    env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1' },
    maxBuffer: 64 * 1024 * 1024,
  });
  const tasks = (JSON.parse(out) as { tasks: { taskId: string; hash: string }[] }).tasks;
  const task = tasks.find((t) => t.taskId === '@hnn/reproduce#reproduce');
  if (task === undefined) throw new Error('turbo --dry listed no @hnn/reproduce#reproduce task');
  return task.hash;
}

beforeAll(() => {
  // A copy of the tracked files as they are in the working tree, in a fresh repository.
  copy = mkdtempSync(join(tmpdir(), 'hnn-turbo-inputs-'));
  const files = execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8' })
    .split('\0')
    .filter((f) => f !== '');
  for (const f of files) {
    mkdirSync(dirname(join(copy, f)), { recursive: true });
    cpSync(join(root, f), join(copy, f));
  }
  git('init', '-q');
  git('add', '-A');
  git('-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', 'copy');
}, 120_000);

afterAll(() => {
  if (copy !== '') rmSync(copy, { recursive: true, force: true });
});

describe("turbo's reproduce hash", () => {
  it('changes when a kernel source, a prebuilt addon or the wasm module changes', () => {
    let previous = reproduceHash();
    for (const file of [
      'packages/kernels/native/fused-step.c',
      'packages/kernels/prebuilds/linux-x64/node.napi.glibc.avx512.node',
      'packages/kernels/wasm/fused-step.wasm',
      'packages/datasets/src/systems.ts',
    ]) {
      appendFileSync(join(copy, file), '\n');
      const next = reproduceHash();
      expect(next, file).not.toBe(previous);
      previous = next;
    }
  }, 60_000);

  it('does not change when only a test file changes', () => {
    const before = reproduceHash();
    appendFileSync(join(copy, 'packages/core/src/hnn.test.ts'), '\n');
    expect(reproduceHash()).toBe(before);
  }, 60_000);
});
