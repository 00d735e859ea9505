/** What a benchmark result must say about where it came from: the code, the machine, the load. */
import { execFile } from 'node:child_process';
import { cpus, loadavg } from 'node:os';

export interface SourceInfo {
  /** HEAD's commit, or null outside a git checkout. */
  readonly commit: string | null;
  /** True when tracked files differ from the commit (the numbers then belong to no commit). */
  readonly dirty: boolean | null;
  /** The tracked files that differ (at most 20), so a reader sees what was uncommitted. */
  readonly changedFiles: readonly string[];
}

export interface MachineInfo {
  readonly cpu: string;
  readonly cores: number;
  readonly node: string;
  readonly platform: string;
}

const git = (args: readonly string[], cwd: string): Promise<string | null> =>
  new Promise((resolve) => {
    execFile('git', args, { cwd }, (error, stdout) => resolve(error ? null : stdout));
  });

export async function sourceInfo(cwd: string): Promise<SourceInfo> {
  const head = await git(['rev-parse', 'HEAD'], cwd);
  if (head === null) return { commit: null, dirty: null, changedFiles: [] };
  // Untracked files are left out (caches, quick results), and so is the bench's own results file,
  // which the previous run rewrote: neither changes what is measured.
  const status = await git(['status', '--porcelain', '--untracked-files=no'], cwd);
  const changed = (status ?? '')
    .split('\n')
    .map((l) => l.slice(3).trim())
    .filter((l) => l !== '' && l !== 'bench/results.json');
  return {
    commit: head.trim(),
    dirty: status === null ? null : changed.length > 0,
    changedFiles: changed.slice(0, 20),
  };
}

export function machineInfo(): MachineInfo {
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
  };
}

/** The 1, 5 and 15-minute load averages, rounded to 0.01. */
export const loadAverage = (): number[] => loadavg().map((v) => Math.round(v * 100) / 100);
