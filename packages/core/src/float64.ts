/**
 * Float64 evaluators of the MLP-based models for ODE rollouts and metrics outside TensorFlow.js:
 * plain JavaScript, with the large (hidden x hidden) layer's two products on the fused kernel's
 * engine when one loads (see fast/float64-layer.ts; HNN_FAST_PATH=0 keeps everything in
 * JavaScript). Each call is allocation-free: work buffers are allocated once per evaluator (so an
 * evaluator is not re-entrant).
 */
import { float64LayerKernel } from './fast/float64-layer.js';
import type { Float64LayerKernel } from './fast/float64-layer.js';

/** A model's vector field in float64: dx/dt at a single state x. */
export interface Float64Dynamics {
  /** State dimension. */
  readonly dim: number;
  /** Writes dx/dt at x (length dim) into out (length dim). */
  readonly timeDerivative: (x: Float64Array, out: Float64Array) => void;
  /** The learned Hamiltonian H(x) (HNN only). */
  readonly hamiltonian?: (x: Float64Array) => number;
}

/** Weights of a tanh MLP in float64: [W1, b1, W2, b2, ..., W_last]; W_l is (in x out) row-major. */
export interface Float64MlpWeights {
  /** Layer widths, input first: e.g. [2, 200, 200, 1]. */
  readonly sizes: readonly number[];
  readonly weights: readonly Float64Array[];
}

// The two kernels below take 4 rows of W per pass so that each load of a[j] / g[j] serves 4
// multiply-adds (about 2x faster than the plain loops in V8 for 200 x 200).

/** a += h W for W (nIn x nOut) row-major: axpy over contiguous rows. */
function affine(
  h: Float64Array,
  w: Float64Array,
  a: Float64Array,
  nIn: number,
  nOut: number,
): void {
  let i = 0;
  for (; i + 3 < nIn; i += 4) {
    const x0 = h[i] as number;
    const x1 = h[i + 1] as number;
    const x2 = h[i + 2] as number;
    const x3 = h[i + 3] as number;
    const r0 = i * nOut;
    const r1 = r0 + nOut;
    const r2 = r1 + nOut;
    const r3 = r2 + nOut;
    for (let j = 0; j < nOut; j++) {
      a[j] =
        (a[j] as number) +
        x0 * (w[r0 + j] as number) +
        x1 * (w[r1 + j] as number) +
        x2 * (w[r2 + j] as number) +
        x3 * (w[r3 + j] as number);
    }
  }
  for (; i < nIn; i++) {
    const xi = h[i] as number;
    const row = i * nOut;
    for (let j = 0; j < nOut; j++) a[j] = (a[j] as number) + xi * (w[row + j] as number);
  }
}

/** out = W g for W (nIn x nOut) row-major: dot products with contiguous rows. */
function matVec(
  w: Float64Array,
  g: Float64Array,
  out: Float64Array,
  nIn: number,
  nOut: number,
): void {
  let i = 0;
  for (; i + 3 < nIn; i += 4) {
    const r0 = i * nOut;
    const r1 = r0 + nOut;
    const r2 = r1 + nOut;
    const r3 = r2 + nOut;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let j = 0; j < nOut; j++) {
      const gj = g[j] as number;
      s0 += (w[r0 + j] as number) * gj;
      s1 += (w[r1 + j] as number) * gj;
      s2 += (w[r2 + j] as number) * gj;
      s3 += (w[r3 + j] as number) * gj;
    }
    out[i] = s0;
    out[i + 1] = s1;
    out[i + 2] = s2;
    out[i + 3] = s3;
  }
  for (; i < nIn; i++) {
    const row = i * nOut;
    let s = 0;
    for (let j = 0; j < nOut; j++) s += (w[row + j] as number) * (g[j] as number);
    out[i] = s;
  }
}

interface Layer {
  readonly nIn: number;
  readonly nOut: number;
  readonly w: Float64Array;
  readonly b: Float64Array | undefined;
  readonly kernel: Float64LayerKernel | undefined;
}

/** Forward pass of a tanh MLP (no bias on the last layer) keeping every activation. */
class Float64Mlp {
  readonly layers: Layer[] = [];
  /** acts[0] is the input buffer, acts[l] the output of layer l (tanh applied except last). */
  readonly acts: Float64Array[];

  constructor({ sizes, weights }: Float64MlpWeights) {
    const nLayers = sizes.length - 1;
    let k = 0;
    for (let l = 0; l < nLayers; l++) {
      const nIn = sizes[l] as number;
      const nOut = sizes[l + 1] as number;
      const w = weights[k++] as Float64Array;
      const b = l < nLayers - 1 ? (weights[k++] as Float64Array) : undefined;
      this.layers.push({ nIn, nOut, w, b, kernel: float64LayerKernel(w, b, nIn, nOut) });
    }
    this.acts = sizes.map((n) => new Float64Array(n));
  }

  forward(x: Float64Array): Float64Array {
    const acts = this.acts;
    const input = acts[0] as Float64Array;
    for (let i = 0; i < input.length; i++) input[i] = x[i] as number;
    const last = this.layers.length - 1;
    for (let l = 0; l <= last; l++) {
      const { nIn, nOut, w, b, kernel } = this.layers[l] as Layer;
      const hIn = acts[l] as Float64Array;
      const a = acts[l + 1] as Float64Array;
      if (kernel !== undefined && b !== undefined) {
        kernel.affine(hIn, a);
      } else {
        if (b === undefined) a.fill(0);
        else a.set(b);
        affine(hIn, w, a, nIn, nOut);
      }
      if (l < last) for (let j = 0; j < nOut; j++) a[j] = Math.tanh(a[j] as number);
    }
    return acts[last + 1] as Float64Array;
  }
}

/** A tanh MLP as a vector field: dx/dt = MLP(x) (the baseline model). */
export function float64DirectField(mlp: Float64MlpWeights): Float64Dynamics {
  const net = new Float64Mlp(mlp);
  const dim = mlp.sizes[0] as number;
  return {
    dim,
    timeDerivative: (x, out) => {
      out.set(net.forward(x));
    },
  };
}

/**
 * A scalar tanh MLP S(x) and its input gradient dS/dx by backpropagation in float64. Shared by the
 * HNN (S = H) and the D-HNN (S = H and S = D). The returned gradient is a buffer reused by every
 * call.
 */
export function float64ScalarGradient(mlp: Float64MlpWeights): {
  readonly value: (x: Float64Array) => number;
  readonly gradient: (x: Float64Array) => Float64Array;
} {
  const net = new Float64Mlp(mlp);
  const sizes = mlp.sizes;
  const dim = sizes[0] as number;
  // Two gradient buffers per width, ping-ponged while going down the layers.
  const grads = sizes.map((n) => new Float64Array(n));
  const gradX = new Float64Array(dim);

  const gradient = (x: Float64Array): Float64Array => {
    net.forward(x);
    const layers = net.layers;
    const last = layers.length - 1;
    // dS/d h_last = W_last (a column, out = 1).
    let g = grads[last] as Float64Array;
    g.set((layers[last] as Layer).w);
    for (let l = last - 1; l >= 0; l--) {
      const { nIn, nOut, w, kernel } = layers[l] as Layer;
      const h = net.acts[l + 1] as Float64Array;
      for (let j = 0; j < nOut; j++) {
        const hj = h[j] as number;
        g[j] = (g[j] as number) * (1 - hj * hj);
      }
      const gIn = l === 0 ? gradX : (grads[l] as Float64Array);
      // gIn = W g: each entry a dot product with a contiguous row of W (in x out).
      if (kernel !== undefined) kernel.matVec(g, gIn);
      else matVec(w, g, gIn, nIn, nOut);
      g = gIn;
    }
    return gradX;
  };
  return { value: (x) => net.forward(x)[0] as number, gradient };
}

/**
 * A scalar tanh MLP H(x) as a Hamiltonian vector field: for x = (q, p),
 * dq/dt = dH/dp, dp/dt = -dH/dq (paper Eq. 2), with dH/dx by backpropagation in float64.
 */
export function float64HamiltonianField(mlp: Float64MlpWeights): Float64Dynamics {
  const { value, gradient } = float64ScalarGradient(mlp);
  const dim = mlp.sizes[0] as number;
  const half = dim / 2;
  return {
    dim,
    timeDerivative: (x, out) => {
      const dH = gradient(x);
      for (let i = 0; i < half; i++) {
        out[i] = dH[half + i] as number;
        out[half + i] = -(dH[i] as number);
      }
    },
    hamiltonian: value,
  };
}
