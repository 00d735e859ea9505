import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { CanvasBackend, CanvasBackendName } from './pendulum-renderer.js';
import { createPendulumRenderer } from './pendulum-renderer.js';
import { renderPixelFrames } from './pixel-frames.js';
import type { PixelGeometry } from './pixel-preprocess.js';

/** What a render worker receives (structured-cloned). */
export interface PixelRenderWorkerInput {
  readonly backend: CanvasBackendName;
  readonly geometry: PixelGeometry;
  readonly ths: Float64Array;
}

export type PixelRenderWorkerMessage =
  | { readonly type: 'progress'; readonly frames: number }
  | { readonly type: 'done'; readonly frames: Uint8Array }
  | { readonly type: 'error'; readonly message: string };

export interface RenderFramesOptions {
  /**
   * Worker threads: 0 renders in the calling thread; 'auto' (default) uses cores - 1 (at most 8)
   * on machines with 4 or more cores for jobs of 1,000 frames or more, and none below that. Workers
   * need the compiled worker (the built package); from source they fall back to in-thread.
   */
  readonly workers?: number | 'auto';
  /** Called as frames finish, with the running count and the total. */
  readonly onProgress?: (framesDone: number, framesTotal: number) => void;
}

export interface RenderFramesResult {
  /** side x side uint8 per frame, concatenated in the order of `ths`. */
  readonly frames: Uint8Array;
  /** Worker threads that drew (0: the calling thread). */
  readonly workers: number;
  readonly seconds: number;
  /** Why fewer workers were used than asked, if so. */
  readonly note?: string;
}

const WORKER_URL = new URL('./pixel-render-worker.js', import.meta.url);

/**
 * Workers for 'auto'. In one thread a frame costs ~0.15 ms of CPU and sharp already runs on
 * libuv's pool; on 2 cores two workers measured no faster for the 20,600 frames (node-canvas
 * 3.3 s vs 3.5 s in-thread, @napi-rs/canvas 3.9 s vs 3.5 s, on a shared machine), so workers
 * start only from 4 cores, leaving one for the main thread and sharp, and for 1,000 frames or
 * more (a worker takes ~0.1-0.2 s to load a canvas backend and sharp).
 */
function autoWorkers(frames: number): number {
  const cores = availableParallelism();
  return frames >= 1000 && cores >= 4 ? Math.min(cores - 1, 8) : 0;
}

/**
 * Whether the worker entry exists as JavaScript next to this module: true in the built package,
 * false when this module runs from TypeScript source (tests), where Node cannot start a .ts worker.
 */
export function pixelRenderWorkersAvailable(): boolean {
  return WORKER_URL.protocol === 'file:' && existsSync(fileURLToPath(WORKER_URL));
}

function runWorker(
  input: PixelRenderWorkerInput,
  onFrames: (n: number) => void,
): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_URL, { workerData: input });
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      fn();
      void worker.terminate();
    };
    worker.on('message', (m: PixelRenderWorkerMessage) => {
      if (m.type === 'progress') onFrames(m.frames);
      else if (m.type === 'done') finish(() => resolve(m.frames));
      else finish(() => reject(new Error(`pixel render worker: ${m.message}`)));
    });
    worker.on('error', (e) => finish(() => reject(e)));
    worker.on('exit', (code) =>
      finish(() =>
        reject(new Error(`pixel render worker exited with code ${code} before finishing`)),
      ),
    );
  });
}

async function renderInThread(
  backend: CanvasBackend,
  ths: Float64Array,
  geometry: PixelGeometry,
  onProgress?: (done: number, total: number) => void,
): Promise<Uint8Array> {
  const renderer = createPendulumRenderer(backend, geometry.canvasSize);
  return renderPixelFrames(renderer, ths, geometry, (done) => onProgress?.(done, ths.length));
}

/**
 * Renders and preprocesses the frames for gym angles `ths`, split into contiguous slices over
 * worker threads (each loads its own canvas backend and sharp) or in the calling thread. The
 * result is the same bytes either way; if workers fail to start, it falls back to one thread and
 * says so in `note`.
 */
export async function renderFramesInParallel(
  backend: CanvasBackend,
  ths: Float64Array,
  geometry: PixelGeometry,
  options: RenderFramesOptions = {},
): Promise<RenderFramesResult> {
  const t0 = performance.now();
  const total = ths.length;
  const available = pixelRenderWorkersAvailable();
  const asked = options.workers ?? 'auto';
  let workers = asked === 'auto' ? autoWorkers(total) : Math.max(0, Math.floor(asked));
  workers = Math.min(workers, Math.ceil(total / 64));
  let note: string | undefined;
  if (workers > 0 && !available) {
    note =
      'worker threads need the built package (dist/pixel-render-worker.js); rendered in-thread';
    workers = 0;
  }
  const seconds = () => (performance.now() - t0) / 1000;
  if (workers === 0) {
    const frames = await renderInThread(backend, ths, geometry, options.onProgress);
    return { frames, workers: 0, seconds: seconds(), ...(note === undefined ? {} : { note }) };
  }

  const frame = geometry.side * geometry.side;
  let done = 0;
  const onFrames = (n: number) => {
    done += n;
    options.onProgress?.(done, total);
  };
  const per = Math.ceil(total / workers);
  const slices: { start: number; ths: Float64Array }[] = [];
  for (let start = 0; start < total; start += per) {
    slices.push({ start, ths: ths.slice(start, Math.min(start + per, total)) });
  }
  try {
    const parts = await Promise.all(
      slices.map((s) =>
        runWorker({ backend: backend.name, geometry, ths: s.ths }, onFrames).then((f) => ({
          start: s.start,
          f,
        })),
      ),
    );
    const frames = new Uint8Array(total * frame);
    for (const p of parts) frames.set(p.f, p.start * frame);
    return { frames, workers: slices.length, seconds: seconds() };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    done = 0;
    const frames = await renderInThread(backend, ths, geometry, options.onProgress);
    return {
      frames,
      workers: 0,
      seconds: seconds(),
      note: `worker threads failed (${reason}); rendered in-thread`,
    };
  }
}
