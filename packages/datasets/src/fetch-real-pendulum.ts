import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { writeFileAtomic } from './binary-file.js';
import {
  REAL_PENDULUM_ENV_VAR,
  REAL_PENDULUM_FILE_NAME,
  REAL_PENDULUM_FLAG,
  REAL_PENDULUM_SHA256,
  REAL_PENDULUM_SOURCES,
} from './real-pendulum.js';
import { sha256Hex } from './real-pendulum-file.js';
import { HnnError } from '@hnn/errors';

/** The part of `fetch` this module uses (the global `fetch` satisfies it). */
export type FetchLike = (
  url: string,
  init: { signal: AbortSignal },
) => Promise<{
  readonly ok: boolean;
  readonly status: number;
  readonly statusText: string;
  arrayBuffer(): Promise<ArrayBuffer>;
}>;

/** What went wrong with one source: `network` = no answer at all (offline, DNS, timeout). */
export interface FetchAttempt {
  readonly url: string;
  readonly kind: 'network' | 'http' | 'checksum';
  readonly detail: string;
}

/**
 * No source gave the pinned file. `offline` is true when every source failed without an answer
 * (the machine seems to have no internet access); the message then says how to place the file by
 * hand.
 */
export class RealPendulumFetchError extends HnnError {
  override readonly code = 'HNN_DATASETS_FETCH_FAILED';
  readonly attempts: readonly FetchAttempt[];
  readonly offline: boolean;
  readonly outPath: string;

  constructor(outPath: string, attempts: readonly FetchAttempt[]) {
    const offline = attempts.length > 0 && attempts.every((a) => a.kind === 'network');
    const tried = attempts.map((a) => `${a.url} (${a.detail})`).join('; ');
    const byHand =
      `Place the file by hand: copy ${REAL_PENDULUM_FILE_NAME} from one of those URLs on a ` +
      `machine with internet access to ${outPath} (its SHA-256 must be ${REAL_PENDULUM_SHA256}), ` +
      `then pass ${REAL_PENDULUM_FLAG} ${outPath} or set ${REAL_PENDULUM_ENV_VAR}=${outPath}.`;
    super(
      offline
        ? `could not download ${REAL_PENDULUM_FILE_NAME}: this machine seems to be offline ` +
            `(no answer from any source; tried ${tried}). ${byHand}`
        : `could not download ${REAL_PENDULUM_FILE_NAME}: no source gave the pinned file ` +
            `(tried ${tried}). ${byHand}`,
    );
    this.attempts = attempts;
    this.offline = offline;
    this.outPath = outPath;
  }
}

export interface FetchRealPendulumOptions {
  /** Default: the global `fetch`. */
  readonly fetchImpl?: FetchLike;
  /** URLs tried in order. Default `REAL_PENDULUM_SOURCES`. */
  readonly sources?: readonly string[];
  /** Per-source time limit for the request and the body, in ms. Default 15000. */
  readonly timeoutMs?: number;
  /** Expected SHA-256 of the file. Default `REAL_PENDULUM_SHA256`. */
  readonly sha256?: string;
}

export interface FetchRealPendulumResult {
  readonly path: string;
  /** URL the file came from, or null when a good file was already at `path`. */
  readonly url: string | null;
  readonly sha256: string;
}

function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  if (err.name === 'TimeoutError' || err.name === 'AbortError') return 'timed out';
  // Node's fetch reports "fetch failed" with the system error (ENOTFOUND, ECONNREFUSED...) as cause.
  const cause = (err as { cause?: unknown }).cause;
  const code =
    cause && typeof cause === 'object' && 'code' in cause ? String(cause.code) : undefined;
  return code ? `${err.message}: ${code}` : err.message;
}

async function readIfExists(path: string): Promise<Buffer | null> {
  try {
    return await readFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') return null;
    throw err;
  }
}

/**
 * Downloads `real_pend_h_1.txt` to `outPath` from the first pinned source that answers with the
 * right bytes. The SHA-256 is checked before anything is written, and the file is written
 * atomically, so `outPath` either keeps what it had or receives the verified file. If `outPath`
 * already holds the verified file, nothing is downloaded. Throws `RealPendulumFetchError` when
 * every source fails (`offline` when none answered).
 */
export async function fetchRealPendulum(
  outPath: string,
  options: FetchRealPendulumOptions = {},
): Promise<FetchRealPendulumResult> {
  const {
    fetchImpl = globalThis.fetch,
    sources = REAL_PENDULUM_SOURCES,
    timeoutMs = 15_000,
    sha256: expected = REAL_PENDULUM_SHA256,
  } = options;
  const path = resolve(outPath);
  const existing = await readIfExists(path);
  if (existing && sha256Hex(existing) === expected) return { path, url: null, sha256: expected };

  const attempts: FetchAttempt[] = [];
  for (const url of sources) {
    let bytes: Uint8Array;
    try {
      const signal = AbortSignal.timeout(timeoutMs);
      const response = await fetchImpl(url, { signal });
      if (!response.ok) {
        attempts.push({
          url,
          kind: 'http',
          detail: `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`,
        });
        continue;
      }
      bytes = new Uint8Array(await response.arrayBuffer());
    } catch (err) {
      attempts.push({ url, kind: 'network', detail: describe(err) });
      continue;
    }
    const actual = sha256Hex(bytes);
    if (actual !== expected) {
      attempts.push({
        url,
        kind: 'checksum',
        detail: `${bytes.length} bytes with SHA-256 ${actual}, expected ${expected}`,
      });
      continue;
    }
    await writeFileAtomic(path, bytes);
    return { path, url, sha256: actual };
  }
  throw new RealPendulumFetchError(path, attempts);
}

export const FETCH_REAL_PENDULUM_USAGE = `Usage: hnn-fetch-real-pendulum [--out PATH]

Downloads ${REAL_PENDULUM_FILE_NAME} (Schmidt & Lipson 2009, the HNN paper's real pendulum) from a
pinned public copy, checks its SHA-256 and writes it atomically.

Options:
  --out PATH   where to write the file (default ./${REAL_PENDULUM_FILE_NAME})
  -h, --help   show this help

Sources, tried in order:
${REAL_PENDULUM_SOURCES.map((s) => `  ${s}`).join('\n')}
Then run reproduce with ${REAL_PENDULUM_FLAG} PATH or ${REAL_PENDULUM_ENV_VAR}=PATH.
`;

export interface FetchCliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly fetchImpl?: FetchLike;
  readonly sources?: readonly string[];
}

/**
 * The `hnn-fetch-real-pendulum` command: returns the exit code (0 done, 1 download failed, 2 bad
 * usage) after printing one line.
 */
export async function runFetchRealPendulumCli(
  argv: readonly string[],
  io: FetchCliIo,
): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        out: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    io.stderr(`error: ${msg}. Run with --help for the options.\n`);
    return 2;
  }
  if (values.help) {
    io.stdout(FETCH_REAL_PENDULUM_USAGE);
    return 0;
  }
  if (values.out !== undefined && values.out.trim() === '') {
    io.stderr('error: --out needs a file path. Run with --help for the options.\n');
    return 2;
  }
  const out = values.out ?? `./${REAL_PENDULUM_FILE_NAME}`;
  try {
    const result = await fetchRealPendulum(out, {
      ...(io.fetchImpl ? { fetchImpl: io.fetchImpl } : {}),
      ...(io.sources ? { sources: io.sources } : {}),
    });
    io.stdout(
      result.url === null
        ? `${result.path} is already there and verified (SHA-256 ${result.sha256})\n`
        : `wrote ${result.path} from ${result.url} (SHA-256 ${result.sha256} verified)\n`,
    );
    return 0;
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    io.stderr(`error: ${msg.replace(/\s*\n\s*/g, ' ')}\n`);
    return 1;
  }
}
