import { F64_CTX, F64_CTX_BYTES, F64Op } from './boundary.js';
import { ContextBlock } from './context-block.js';
import { selectEngine } from './engines.js';
import type { EngineChoice } from './engines.js';

/** A dense float64 layer's two products on the fused kernel's engine (native or wasm SIMD). */
export interface Float64LayerKernel {
  /** a = b + h W for one state (h: nIn, a: nOut). */
  affine(h: Float64Array, a: Float64Array): void;
  /** out = W g: the input gradient (g: nOut, out: nIn). */
  matVec(g: Float64Array, out: Float64Array): void;
}

// Below this many weights the per-call overhead outweighs the SIMD products.
const MIN_WEIGHTS = 4096;

/**
 * The layer's products on the fastest engine allowed by `choice` that loads, for large layers
 * (the paper's 200 x 200); undefined otherwise (the caller keeps its scalar loops).
 * Results equal the scalar loops' up to summation order (relative ~1e-16).
 */
export function float64LayerKernel(
  w: Float64Array,
  b: Float64Array | undefined,
  nIn: number,
  nOut: number,
  choice: EngineChoice = 'auto',
): Float64LayerKernel | undefined {
  if (nIn * nOut < MIN_WEIGHTS) return undefined;
  const selected = selectEngine(choice);
  if ('error' in selected) return undefined;
  const engine = selected.engine;
  const align = (n: number): number => Math.ceil(n / 64) * 64;
  const start = align(engine.heapBase);
  const ctxAffine = start;
  const ctxMatVec = start + F64_CTX_BYTES;
  const wOff = align(ctxMatVec + F64_CTX_BYTES);
  const bOff = align(wOff + nIn * nOut * 8);
  const hOff = align(bOff + nOut * 8);
  const outOff = align(hOff + Math.max(nIn, nOut) * 8);
  const region = engine.create(align(outOff + Math.max(nIn, nOut) * 8));
  const f64 = new Float64Array(region.buffer);
  f64.set(w, wOff / 8);
  if (b !== undefined) f64.set(b, bOff / 8);
  for (const [at, op] of [
    [ctxAffine, F64Op.AFFINE],
    [ctxMatVec, F64Op.MAT_VEC],
  ] as const) {
    const block = new ContextBlock(region.buffer, at);
    block.set(F64_CTX.op, op);
    block.set(F64_CTX.nIn, nIn);
    block.set(F64_CTX.nOut, nOut);
    block.set(F64_CTX.w, wOff);
    block.set(F64_CTX.b, bOff);
    block.set(F64_CTX.h, hOff);
    block.set(F64_CTX.out, outOff);
    block.set(F64_CTX.self, at);
  }
  const h = f64.subarray(hOff / 8, hOff / 8 + Math.max(nIn, nOut));
  const outAffine = f64.subarray(outOff / 8, outOff / 8 + nOut);
  const outMatVec = f64.subarray(outOff / 8, outOff / 8 + nIn);
  return {
    affine(hIn, a) {
      h.set(hIn.length === nIn ? hIn : hIn.subarray(0, nIn));
      region.f64Product(ctxAffine);
      a.set(outAffine);
    },
    matVec(g, out) {
      h.set(g.length === nOut ? g : g.subarray(0, nOut));
      region.f64Product(ctxMatVec);
      out.set(outMatVec);
    },
  };
}
