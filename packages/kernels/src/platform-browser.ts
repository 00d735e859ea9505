import type { KernelPlatform, KernelWorker } from './engine-base.js';
import { wasmApi } from './wasm-api.js';
import {
  CMD_CHUNKS,
  CMD_EXIT,
  CMD_REDUCE,
  CTRL_CMD,
  CTRL_DONE,
  CTRL_ERROR,
  CTRL_GEN,
  WORKER_THREW,
} from './worker-protocol.js';

// The control-word indices and commands, for worker/kernel-worker.js (which imports nothing).
const PROTOCOL = {
  GEN: CTRL_GEN,
  CMD: CTRL_CMD,
  DONE: CTRL_DONE,
  ERR: CTRL_ERROR,
  CHUNKS: CMD_CHUNKS,
  REDUCE: CMD_REDUCE,
  EXIT: CMD_EXIT,
  THREW: WORKER_THREW,
};

// The browser side of the kernels (package.json `imports`, `#platform`, `browser` condition): no
// native addon, .wasm files fetched by URL and compiled asynchronously, and the second thread as
// a module Web Worker sharing the WebAssembly memory, which needs a cross-origin isolated page.

/** The few browser globals used here (this package compiles without the DOM library). */
interface WorkerLike {
  postMessage(message: unknown): void;
  terminate(): void;
  addEventListener(type: 'message' | 'error', listener: (event: { data?: unknown }) => void): void;
  removeEventListener(
    type: 'message' | 'error',
    listener: (event: { data?: unknown }) => void,
  ): void;
}
interface BrowserGlobals {
  readonly crossOriginIsolated?: boolean;
  readonly navigator?: { readonly hardwareConcurrency?: number };
  readonly fetch?: (url: string) => Promise<{
    readonly ok: boolean;
    readonly status: number;
    arrayBuffer(): Promise<ArrayBuffer>;
    clone(): unknown;
  }>;
  readonly Worker?: new (url: URL, options: { type: 'module' }) => WorkerLike;
}
const browser = globalThis as BrowserGlobals;

/** True where a worker can share a WebAssembly memory (SharedArrayBuffer exists). */
function isolated(): boolean {
  return browser.crossOriginIsolated === true && typeof SharedArrayBuffer !== 'undefined';
}

/** Starts worker/kernel-worker.js; bundlers see the `new Worker(new URL(...))` pattern. */
function spawnWorker(): WorkerLike {
  const Worker = browser.Worker;
  if (Worker === undefined) throw new Error('Web Workers are missing');
  return new Worker(new URL('../worker/kernel-worker.js', import.meta.url), { type: 'module' });
}

let canBlock = true;

export const platform: KernelPlatform = {
  loadNative: () => ({ error: 'no native addon in a browser' }),
  compileSync: undefined,
  async compile(url) {
    if (wasmApi === undefined) throw new Error('WebAssembly is missing');
    if (browser.fetch === undefined) throw new Error('fetch is missing');
    const response = await browser.fetch(url.href);
    if (!response.ok) throw new Error(`fetching ${url.href} answered HTTP ${response.status}`);
    if (wasmApi.compileStreaming !== undefined) {
      try {
        return await wasmApi.compileStreaming(response.clone());
      } catch {
        // A server that does not send Content-Type: application/wasm: compile the bytes.
      }
    }
    return wasmApi.compile(await response.arrayBuffer());
  },
  parallelism: () => (isolated() ? (browser.navigator?.hardwareConcurrency ?? 1) : 1),
  async startWorker(data, onError, onExit): Promise<KernelWorker> {
    if (!isolated()) {
      throw new Error(
        'the page is not cross-origin isolated (serve it with Cross-Origin-Opener-Policy: ' +
          'same-origin and Cross-Origin-Embedder-Policy: require-corp)',
      );
    }
    if (data['engine'] !== 'wasm')
      throw new Error('a browser worker runs WebAssembly engines only');
    const worker = spawnWorker();
    try {
      await new Promise<void>((resolve, reject) => {
        worker.addEventListener('message', (event) => {
          if (event.data === 'ready') resolve();
          else reject(new Error(`kernel worker failed: ${String(event.data)}`));
        });
        worker.addEventListener('error', () => reject(new Error('kernel worker failed to load')));
        worker.postMessage({ ...data, protocol: PROTOCOL });
      });
    } catch (error) {
      worker.terminate();
      throw error;
    }
    worker.addEventListener('error', onError);
    return {
      terminate: () => {
        worker.terminate();
        onExit();
        return Promise.resolve();
      },
    };
  },
  wait(words, index, value, ms) {
    // A browser's main thread may not block (Atomics.wait throws there): spin instead.
    if (canBlock) {
      try {
        return Atomics.wait(words, index, value, ms);
      } catch {
        canBlock = false;
      }
    }
    if (Atomics.load(words, index) !== value) return 'not-equal';
    const end = performance.now() + ms;
    while (Atomics.load(words, index) === value) if (performance.now() > end) return 'timed-out';
    return 'ok';
  },
};
