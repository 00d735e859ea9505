// The Node side of scripts/test-browser.mjs: the same spring HNN steps as the page (spring.ts)
// on WebAssembly SIMD128 and on the default engine, printed as JSON on stdout.
import { trainSpring } from './spring.js';

const steps = Number(process.argv[2] ?? 60);
const runs = [
  await trainSpring(1, steps, 'wasm'),
  await trainSpring(2, steps, 'wasm'),
  await trainSpring(1, steps, 'auto'),
  await trainSpring(2, steps, 'auto'),
];
process.stdout.write(`${JSON.stringify(runs)}\n`);
