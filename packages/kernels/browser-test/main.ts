// The page scripts/test-browser.mjs bundles with Vite and opens in Chromium: trains the spring
// HNN on one and on two threads (and on the SIMD128 build) and leaves the results (or the error) on globalThis.hnnResult.
import { hasRelaxedSimd } from '../src/index.js';
import { trainSpring } from './spring.js';

const page = globalThis as { hnnResult?: unknown; crossOriginIsolated?: boolean };
const steps = 60;
try {
  page.hnnResult = {
    crossOriginIsolated: page.crossOriginIsolated === true,
    relaxedSimd: hasRelaxedSimd(),
    // The default engine (the best build this browser validates) on one and two threads, then
    // the SIMD128 build on one, to compare.
    runs: [
      await trainSpring(1, steps),
      await trainSpring(2, steps),
      await trainSpring(1, steps, 'wasm-simd'),
    ],
  };
} catch (error) {
  page.hnnResult = {
    error: error instanceof Error ? `${error.message}\n${error.stack}` : String(error),
  };
}
