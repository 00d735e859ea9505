// The Node side of scripts/test-browser.ts, printed as JSON on stdout. `runs <steps>`: the same
// spring HNN steps as the page (spring.ts) on WebAssembly and on the default engine, one and two
// threads. `compare <steps>` (run with --experimental-wasm-relaxed-simd): the relaxed-SIMD and
// SIMD128 builds and the native addon, steps interleaved.
import { compareEngines, trainSpring } from './spring.js';

const [mode, stepsArg] = process.argv.slice(2);
const steps = Number(stepsArg ?? 60);
const out =
  mode === 'compare'
    ? await compareEngines(['wasm-relaxed-simd', 'wasm-simd', 'native'], steps)
    : [
        await trainSpring(1, steps, 'wasm'),
        await trainSpring(2, steps, 'wasm'),
        await trainSpring(1, steps, 'auto'),
        await trainSpring(2, steps, 'auto'),
      ];
process.stdout.write(`${JSON.stringify(out)}\n`);
