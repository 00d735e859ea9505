import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { lock } from 'proper-lockfile';
import { HnnError } from '@hnn/errors';
import { mergeTable1, renderTable1Markdown, type Table1, type Table1Row } from '@hnn/eval';
import { BEYOND_FILE, readBeyond } from './beyond/results.js';
import { writeFileAtomic } from './write-atomic.js';

export class ResultsFileError extends HnnError {
  override readonly code = 'HNN_REPRODUCE_RESULTS_FILE';
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * What is wrong with a parsed table1.json, or null when it has what this app reads back: a `rows`
 * array of objects with the fields the Markdown table and the report print.
 */
function table1Problem(parsed: unknown): string | null {
  if (!isObject(parsed)) return `the top level is ${parsed === null ? 'null' : typeof parsed}`;
  if (!Array.isArray(parsed.rows)) return 'no "rows" array';
  const fields: [string, 'string' | 'number' | 'object'][] = [
    ['task', 'string'],
    ['scale', 'number'],
    ['steps', 'number'],
    ['seed', 'number'],
    ['backend', 'string'],
    ['generatedAt', 'string'],
    ['baseline', 'object'],
    ['hnn', 'object'],
  ];
  for (const [i, row] of (parsed.rows as unknown[]).entries()) {
    if (!isObject(row)) return `rows[${i}] is not an object`;
    for (const [name, kind] of fields) {
      const ok = kind === 'object' ? isObject(row[name]) : typeof row[name] === kind;
      if (!ok) return `rows[${i}].${name} is not a${kind === 'object' ? 'n' : ''} ${kind}`;
    }
  }
  return null;
}

/**
 * Reads a results JSON file checked by `problemOf` (which names what is wrong, or null); null when
 * there is none. A malformed one is reported and never overwritten.
 */
export async function readResultsJson<T>(
  path: string,
  label: string,
  problemOf: (parsed: unknown) => string | null,
): Promise<T | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // No file yet (ENOTDIR: the results directory is a file; checkResultsDir reports that).
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw new ResultsFileError(`cannot read ${path}: ${(err as Error).message}`);
  }
  let problem: string | null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
    problem = problemOf(parsed);
  } catch (err) {
    problem = (err as Error).message.replace(/\s+/g, ' ');
  }
  if (problem !== null) {
    throw new ResultsFileError(
      `${path} is not a valid ${label} (${problem}); move it away or fix it, ` +
        'then run again (it was left untouched)',
    );
  }
  return parsed as T;
}

/** Reads an existing table1.json; null when there is none. A malformed one is never overwritten. */
export function readTable1(path: string): Promise<Table1 | null> {
  return readResultsJson<Table1>(path, 'table1.json', table1Problem);
}

/** Name of the lock (a directory, created atomically by proper-lockfile) beside table1.json. */
export const TABLE1_LOCK = 'table1.json.lock';

/**
 * Runs `fn` while holding the lock on the results in `dir`, so read-merge-write updates of
 * table1.json from concurrent runs are serialised and none loses another's rows. The lock is a
 * directory made with mkdir (atomic, also on network file systems) whose mtime the holder keeps
 * fresh; one older than 10 s belongs to a killed run and is taken over, so retries wait longer
 * than that before giving up.
 */
export async function withResultsLock<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  await mkdir(dir, { recursive: true });
  const lockPath = join(dir, TABLE1_LOCK);
  let compromised: Error | null = null;
  let release: () => Promise<void>;
  try {
    release = await lock(dir, {
      lockfilePath: lockPath,
      realpath: false,
      stale: 10_000,
      // 29 to 58 s in all (randomised), past the stale time, in short steps because a holder
      // keeps it for milliseconds.
      retries: { retries: 300, minTimeout: 5, maxTimeout: 100, factor: 1.3, randomize: true },
      onCompromised: (err) => {
        compromised = err;
      },
    });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ResultsFileError(
      code === 'ELOCKED'
        ? `${lockPath} is held by another reproduce run writing to ${dir}; wait for it, or if ` +
            'none is running remove that directory, then run again'
        : `cannot lock ${lockPath}: ${(err as Error).message}; make ${dir} writable or pass ` +
            '--out DIR, then run again',
    );
  }
  try {
    const result = await fn();
    if (compromised !== null) {
      throw new ResultsFileError(
        `the lock ${lockPath} was lost while writing (${(compromised as Error).message}); ` +
          'check table1.json and run again',
      );
    }
    return result;
  } finally {
    await release().catch(() => undefined);
  }
}

/**
 * Checks, before any training, that the results in `dir` can be updated: an existing table1.json
 * must be valid (else `ResultsFileError` naming the file and the fix) and `dir` writable.
 */
export async function checkResultsDir(dir: string): Promise<void> {
  await readTable1(join(dir, 'table1.json'));
  await readBeyond(join(dir, BEYOND_FILE));
  const probe = join(dir, `.write-probe.${process.pid}`);
  try {
    await mkdir(dir, { recursive: true });
    await writeFile(probe, '');
    await rm(probe);
  } catch (err) {
    throw new ResultsFileError(
      `cannot write results to ${dir} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); ` +
        'make it writable or pass --out DIR, then run again',
    );
  }
}

/**
 * Merges `rows` into the table in `dir` and rewrites table1.json and table1.md atomically, under
 * the results lock (see `withResultsLock`).
 */
export async function saveRows(
  dir: string,
  rows: readonly Table1Row[],
  meta: { backend: string },
): Promise<Table1> {
  return withResultsLock(dir, async () => {
    const jsonPath = join(dir, 'table1.json');
    const existing = await readTable1(jsonPath);
    const table = mergeTable1(existing, rows, { ...meta, generatedAt: new Date().toISOString() });
    await writeFileAtomic(jsonPath, `${JSON.stringify(table, null, 2)}\n`);
    const md =
      '# Table 1, reproduced\n\n' +
      'Generated by `pnpm turbo run reproduce`. Values are scaled as in the paper (x1e3 unless noted); ' +
      'see below the table for what "±" means. "Paper protocol" reproduces the reference notebooks\' energy metric ' +
      '(quirks included); "corrected" uses the true Hamiltonian and a fixed horizon.\n\n' +
      renderTable1Markdown(table);
    await writeFileAtomic(join(dir, 'table1.md'), md);
    return table;
  });
}
