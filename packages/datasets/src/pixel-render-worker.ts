// Worker-thread entry of `renderFramesInParallel`: renders and preprocesses one slice of frames.
// It runs only from the built package (dist/pixel-render-worker.js); from TypeScript source the
// pool renders in the calling thread instead.
import { parentPort, workerData } from 'node:worker_threads';
import { createPendulumRenderer, loadCanvasBackend } from './pendulum-renderer.js';
import { renderPixelFrames } from './pixel-frames.js';
import type { PixelRenderWorkerInput, PixelRenderWorkerMessage } from './pixel-render-pool.js';

async function main(): Promise<void> {
  const port = parentPort;
  if (port === null) throw new Error('pixel-render-worker must run in a worker thread');
  const input = workerData as PixelRenderWorkerInput;
  const post = (message: PixelRenderWorkerMessage, transfer: ArrayBuffer[] = []) =>
    port.postMessage(message, transfer);
  try {
    const backend = await loadCanvasBackend(input.backend);
    const renderer = createPendulumRenderer(backend, input.geometry.canvasSize);
    let reported = 0;
    const frames = await renderPixelFrames(renderer, input.ths, input.geometry, (done) => {
      post({ type: 'progress', frames: done - reported });
      reported = done;
    });
    post({ type: 'done', frames }, [frames.buffer as ArrayBuffer]);
  } catch (error) {
    post({ type: 'error', message: error instanceof Error ? error.message : String(error) });
  }
}

void main();
