import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { prepareEngine, selectEngine } from './engines.js';
import { hasRelaxedSimd } from './fused-module.js';

const root = fileURLToPath(new URL('..', import.meta.url));

// Float32 rounding leaves relative errors of a few 1e-7 in a gradient, for either build against
// float64 central differences and for the two builds against each other (a fused multiply-add
// rounds once where SIMD128 rounds twice; measured 5e-8..7e-7). 1e-5 leaves a wide margin yet is
// far below any real mistake: a wrong or missing term of the second-order gradient is O(1).
const TOLERANCE = 1e-5;

interface KindResult {
  readonly path: string;
  readonly gradientVsSimd: number[];
  readonly lossAfter30: { readonly relaxed: number; readonly simd: number };
  readonly twoThreadsIdentical: boolean;
  readonly 'wasm-relaxed-simdVsFiniteDifferences': number[];
  readonly 'wasm-simdVsFiniteDifferences': number[];
}

describe('the relaxed-SIMD WebAssembly build', () => {
  it('is chosen only where relaxed SIMD validates: Node 20 keeps SIMD128 without the flag', async () => {
    // Node 20's V8 ships relaxed SIMD behind --experimental-wasm-relaxed-simd (this process has
    // no such flag); a runtime that validates it (Chromium, newer Node) picks the relaxed build.
    const expected = hasRelaxedSimd() ? 'wasm-relaxed-simd' : 'wasm-simd';
    const wasm = selectEngine('wasm');
    expect('engine' in wasm && wasm.engine.name).toBe(expected);
    const prepared = await prepareEngine('wasm');
    expect('engine' in prepared && prepared.engine.name).toBe(expected);
    if (!hasRelaxedSimd()) {
      const relaxed = selectEngine('wasm-relaxed-simd');
      expect('error' in relaxed && relaxed.error).toMatch(/does not validate relaxed SIMD/);
    }
    const simd = selectEngine('wasm-simd');
    expect('engine' in simd && simd.engine.name).toBe('wasm-simd');
  });

  it('agrees with SIMD128 and with float64 finite differences (Node with the flag)', () => {
    const result = spawnSync(
      process.execPath,
      [
        '--experimental-wasm-relaxed-simd',
        '--conditions=@hnn/source',
        '--import',
        './scripts/ts-child-loader.mjs',
        'src/test-utils/relaxed-child.ts',
      ],
      { cwd: root, encoding: 'utf8', timeout: 240_000 },
    );
    expect(result.status, result.stderr).toBe(0);
    const out = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(out['relaxed']).toBe(true);
    expect(out['wasm-relaxed-simd']).toBe('wasm-relaxed-simd');
    for (const kind of ['hnn', 'baseline']) {
      const r = out[kind] as KindResult;
      expect(r.path).toBe('wasm-relaxed-simd-1thread');
      // Close to SIMD128, yet not the same bits: the fused multiply-add did run.
      for (const e of r.gradientVsSimd) expect(e).toBeLessThan(TOLERANCE);
      expect(Math.max(...r.gradientVsSimd)).toBeGreaterThan(0);
      const { relaxed, simd } = r.lossAfter30;
      expect(Math.abs(relaxed - simd) / simd).toBeLessThan(TOLERANCE);
      expect(r.twoThreadsIdentical).toBe(true);
      // SIMD128 against the same reference shows that the reference is right.
      for (const e of r['wasm-simdVsFiniteDifferences']) expect(e).toBeLessThan(TOLERANCE);
      for (const e of r['wasm-relaxed-simdVsFiniteDifferences']) expect(e).toBeLessThan(TOLERANCE);
    }
  });
});
