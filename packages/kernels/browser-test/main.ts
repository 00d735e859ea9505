// The page scripts/test-browser.ts bundles with Vite and opens in Chromium: trains the spring
// HNN on one and on two threads (and on the SIMD128 build) and leaves the results (or the error) on globalThis.hnnResult.
import { hasRelaxedSimd, selectEngine } from '../src/index.js';
import { compareEngines, trainSpring } from './spring.js';

const page = globalThis as { hnnResult?: unknown; crossOriginIsolated?: boolean };
const steps = 60;
try {
  // Before prepareEngine nothing is compiled: a browser cannot compile synchronously.
  const before = selectEngine('auto');
  page.hnnResult = {
    beforePrepare: 'error' in before ? before.error : `engine ${before.engine.name}`,
    crossOriginIsolated: page.crossOriginIsolated === true,
    relaxedSimd: hasRelaxedSimd(),
    // The default engine (the best build this browser validates) on one and two threads, then
    // the SIMD128 build on one, to compare.
    runs: [
      await trainSpring(1, steps),
      await trainSpring(2, steps),
      await trainSpring(1, steps, 'wasm-simd'),
    ],
    // The two builds' speed, steps interleaved (one thread each).
    compare: hasRelaxedSimd() ? await compareEngines(['wasm-relaxed-simd', 'wasm-simd'], 100) : [],
  };
} catch (error) {
  page.hnnResult = {
    error: error instanceof Error ? `${error.message}\n${error.stack}` : String(error),
  };
}
