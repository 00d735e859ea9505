import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  FETCH_REAL_PENDULUM_USAGE,
  RealPendulumFetchError,
  fetchRealPendulum,
  runFetchRealPendulumCli,
  type FetchLike,
} from './fetch-real-pendulum.js';
import {
  REAL_PENDULUM_ENV_VAR,
  REAL_PENDULUM_SHA256,
  REAL_PENDULUM_SOURCES,
} from './real-pendulum.js';
import { loadRealPendulum, sha256Hex } from './real-pendulum-file.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const REAL_FILE =
  process.env[REAL_PENDULUM_ENV_VAR] ?? resolve(repoRoot, '../shared/data/real_pend_h_1.txt');
const haveRealFile = existsSync(REAL_FILE);

// Stand-in content with its own hash, so these tests need neither the network nor the real file.
const GOOD = new TextEncoder().encode('%o v\r\n 0 5 0.1 0.2 \r\n 0 5.5 0.2 0.1 \r\n');
const GOOD_SHA = sha256Hex(GOOD);
const BAD = new TextEncoder().encode('<html>rate limited</html>');
const URLS = ['https://a.example/real_pend_h_1.txt', 'https://b.example/real_pend_h_1.txt'];

type Reply = Uint8Array | number | Error;

/** A fake fetch answering each URL with bytes, an HTTP status or a thrown error; records calls. */
function fakeFetch(replies: Record<string, Reply>): FetchLike & { calls: string[] } {
  const calls: string[] = [];
  const impl = (url: string, init: { signal: AbortSignal }) => {
    calls.push(url);
    expect(init.signal).toBeInstanceOf(AbortSignal);
    const reply = replies[url];
    if (reply === undefined || reply instanceof Error) {
      return Promise.reject(reply ?? new TypeError('fetch failed'));
    }
    if (typeof reply === 'number') {
      return Promise.resolve({
        ok: false,
        status: reply,
        statusText: 'Not Found',
        arrayBuffer: () => Promise.resolve(new ArrayBuffer(0)),
      });
    }
    return Promise.resolve({
      ok: true,
      status: 200,
      statusText: 'OK',
      arrayBuffer: () => Promise.resolve(reply.slice().buffer),
    });
  };
  return Object.assign(impl, { calls });
}

/** Node's fetch error when DNS fails: TypeError('fetch failed') with the system error as cause. */
function offlineError(): Error {
  return new TypeError('fetch failed', {
    cause: Object.assign(new Error('getaddrinfo ENOTFOUND a.example'), { code: 'ENOTFOUND' }),
  });
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hnn-fetch-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('fetchRealPendulum', () => {
  it('pins two raw GitHub URLs at fixed commits', () => {
    expect(REAL_PENDULUM_SOURCES).toEqual([
      'https://raw.githubusercontent.com/sdascoli/odeformer/904d7ece876d367877975d18d4b0c66b9e69fdd2/invar_datasets/real_pend_h_1.txt',
      'https://raw.githubusercontent.com/Agata99/PracaMagisterska/bc3b0d855a6ea95f355bfe12f03b56907cf4322b/real_pend_h_1.txt',
    ]);
  });

  it('writes the verified bytes from the first good source, into a new directory', async () => {
    const out = join(dir, 'sub', 'real.txt');
    const fetchImpl = fakeFetch({ [URLS[0]!]: 404, [URLS[1]!]: GOOD });
    const result = await fetchRealPendulum(out, { fetchImpl, sources: URLS, sha256: GOOD_SHA });
    expect(result).toEqual({ path: out, url: URLS[1], sha256: GOOD_SHA });
    expect(new Uint8Array(await readFile(out))).toEqual(GOOD);
    expect(await readdir(join(dir, 'sub'))).toEqual(['real.txt']);
    expect(fetchImpl.calls).toEqual(URLS);
  });

  it('does not download again when the file is already there and good', async () => {
    const out = join(dir, 'real.txt');
    await writeFile(out, GOOD);
    const fetchImpl = fakeFetch({});
    const result = await fetchRealPendulum(out, { fetchImpl, sources: URLS, sha256: GOOD_SHA });
    expect(result.url).toBeNull();
    expect(fetchImpl.calls).toEqual([]);
  });

  it('rejects content with the wrong checksum and writes nothing', async () => {
    const out = join(dir, 'real.txt');
    const fetchImpl = fakeFetch({ [URLS[0]!]: BAD, [URLS[1]!]: BAD });
    const err = await fetchRealPendulum(out, { fetchImpl, sources: URLS, sha256: GOOD_SHA }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(RealPendulumFetchError);
    const e = err as RealPendulumFetchError;
    expect(e.offline).toBe(false);
    expect(e.attempts.map((a) => a.kind)).toEqual(['checksum', 'checksum']);
    expect(e.message).toContain(sha256Hex(BAD));
    expect(e.message).toContain(GOOD_SHA);
    expect(e.message).not.toMatch(/offline/);
    expect(await readdir(dir)).toEqual([]);
  });

  it('never replaces an existing file with bad data', async () => {
    const out = join(dir, 'real.txt');
    const old = new TextEncoder().encode('an older, wrong copy');
    await writeFile(out, old);
    const fetchImpl = fakeFetch({ [URLS[0]!]: BAD, [URLS[1]!]: offlineError() });
    await expect(
      fetchRealPendulum(out, { fetchImpl, sources: URLS, sha256: GOOD_SHA }),
    ).rejects.toBeInstanceOf(RealPendulumFetchError);
    expect(new Uint8Array(await readFile(out))).toEqual(old);
    expect(await readdir(dir)).toEqual(['real.txt']);
    // ...but replaces it with the verified file.
    const ok = fakeFetch({ [URLS[0]!]: GOOD });
    await fetchRealPendulum(out, { fetchImpl: ok, sources: URLS, sha256: GOOD_SHA });
    expect(new Uint8Array(await readFile(out))).toEqual(GOOD);
  });

  it('says the machine seems offline when no source answers, and how to place the file', async () => {
    const out = join(dir, 'real.txt');
    const timeout = new DOMException('The operation was aborted due to timeout', 'TimeoutError');
    const fetchImpl = fakeFetch({ [URLS[0]!]: offlineError(), [URLS[1]!]: timeout });
    const err = await fetchRealPendulum(out, { fetchImpl, sources: URLS }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RealPendulumFetchError);
    const e = err as RealPendulumFetchError;
    expect(e.offline).toBe(true);
    expect(e.attempts).toEqual([
      { url: URLS[0], kind: 'network', detail: 'fetch failed: ENOTFOUND' },
      { url: URLS[1], kind: 'network', detail: 'timed out' },
    ]);
    expect(e.message).toMatch(/this machine seems to be offline/);
    for (const url of URLS) expect(e.message).toContain(url);
    expect(e.message).toContain(`copy real_pend_h_1.txt from one of those URLs`);
    expect(e.message).toContain(out);
    expect(e.message).toContain(REAL_PENDULUM_SHA256);
    expect(e.message).toContain(`${REAL_PENDULUM_ENV_VAR}=${out}`);
    expect(e.message).toContain('--real-pendulum-data');
    expect(e.message).not.toContain('\n');
    expect(await readdir(dir)).toEqual([]);
  });

  it('tries the pinned sources by default, with a time limit', async () => {
    const seen: string[] = [];
    const fetchImpl: FetchLike = (url, init) => {
      seen.push(url);
      return new Promise((_resolve, reject) => {
        init.signal.addEventListener('abort', () => reject(init.signal.reason as Error));
      });
    };
    const err = await fetchRealPendulum(join(dir, 'x.txt'), { fetchImpl, timeoutMs: 20 }).catch(
      (e: unknown) => e,
    );
    expect(seen).toEqual(REAL_PENDULUM_SOURCES);
    expect((err as RealPendulumFetchError).offline).toBe(true);
    expect((err as RealPendulumFetchError).attempts.map((a) => a.detail)).toEqual([
      'timed out',
      'timed out',
    ]);
  });

  it.skipIf(!haveRealFile)('accepts the real file against the pinned SHA-256', async () => {
    const real = new Uint8Array(await readFile(REAL_FILE));
    const out = join(dir, 'real_pend_h_1.txt');
    const fetchImpl = fakeFetch({ [REAL_PENDULUM_SOURCES[0]!]: real });
    const result = await fetchRealPendulum(out, { fetchImpl });
    expect(result.sha256).toBe(REAL_PENDULUM_SHA256);
    expect((await loadRealPendulum(out)).n).toBe(556);
  });
});

describe('runFetchRealPendulumCli', () => {
  function io(fetchImpl: FetchLike) {
    const out: string[] = [];
    const err: string[] = [];
    return {
      out,
      err,
      io: {
        stdout: (t: string) => void out.push(t),
        stderr: (t: string) => void err.push(t),
        fetchImpl,
        sources: URLS,
      },
    };
  }

  it('prints help and exits 0', async () => {
    const h = io(fakeFetch({}));
    expect(await runFetchRealPendulumCli(['--help'], h.io)).toBe(0);
    expect(h.out.join('')).toBe(FETCH_REAL_PENDULUM_USAGE);
    expect(FETCH_REAL_PENDULUM_USAGE).toContain('--out PATH');
  });

  it.each([[['--nope']], [['--out']], [['--out', '']], [['stray']]])(
    'exits 2 on a usage error %j',
    async (argv) => {
      const h = io(fakeFetch({}));
      expect(await runFetchRealPendulumCli(argv, h.io)).toBe(2);
      expect(h.err.join('')).toMatch(/^error: .*--help.*\n$/);
      expect(h.err.join('').split('\n')).toHaveLength(2);
    },
  );

  it('exits 1 with a one-line offline message', async () => {
    const h = io(fakeFetch({}));
    const out = join(dir, 'r.txt');
    expect(await runFetchRealPendulumCli(['--out', out], h.io)).toBe(1);
    const text = h.err.join('');
    expect(text).toMatch(/^error: could not download real_pend_h_1\.txt: this machine seems/);
    expect(text.split('\n')).toHaveLength(2);
    expect(await readdir(dir)).toEqual([]);
  });

  it('exits 1 when the content has the wrong checksum (pinned hash)', async () => {
    const h = io(fakeFetch({ [URLS[0]!]: GOOD, [URLS[1]!]: 500 }));
    expect(await runFetchRealPendulumCli(['--out', join(dir, 'r.txt')], h.io)).toBe(1);
    expect(h.err.join('')).toMatch(/no source gave the pinned file/);
    expect(await readdir(dir)).toEqual([]);
  });

  it.skipIf(!haveRealFile)('exits 0 and writes the real file', async () => {
    const real = new Uint8Array(await readFile(REAL_FILE));
    const h = io(fakeFetch({ [URLS[1]!]: real }));
    const out = join(dir, 'real_pend_h_1.txt');
    expect(await runFetchRealPendulumCli([`--out=${out}`], h.io)).toBe(0);
    expect(h.out.join('')).toMatch(/^wrote .*real_pend_h_1\.txt from https:\/\/b\.example/);
    expect(sha256Hex(await readFile(out))).toBe(REAL_PENDULUM_SHA256);
  });
});
