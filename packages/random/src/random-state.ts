import { correctlyRoundedLog } from './log.js';
import { HnnError } from '@hnn/errors';

/**
 * A seeded generator that reproduces numpy's legacy `np.random.RandomState` stream: MT19937 seeded
 * with `init_genrand`, 53-bit doubles from two 32-bit draws, the polar Box-Muller normal with its
 * cached second value (its log correctly rounded, which is what numpy gets from glibc on all but
 * ~0.1% of inputs; see correctlyRoundedLog), and the mask-and-reject bounded integers behind
 * `shuffle`/`permutation`. Matching numpy lets our datasets be compared value by value with the
 * reference implementation, which seeds numpy with the experiment seed.
 */

const N = 624;
const M = 397;
const MATRIX_A = 0x9908b0df;
const UPPER_MASK = 0x80000000;
const LOWER_MASK = 0x7fffffff;

export class RandomStateError extends HnnError {
  override readonly code = 'HNN_RANDOM_INVALID_ARGUMENT';
}

export class RandomState {
  private readonly mt = new Uint32Array(N);
  private index = N;
  private cachedGauss: number | undefined;

  constructor(seed: number) {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw new RandomStateError(
        `seed must be an integer in [0, 2^32 - 1], got ${String(seed)}; pass e.g. --seed 0`,
      );
    }
    const mt = this.mt;
    mt[0] = seed >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = mt[i - 1]!;
      const x = (prev ^ (prev >>> 30)) >>> 0;
      // 1812433253 * x overflows 2^53 in a plain multiply; Math.imul keeps the low 32 bits.
      mt[i] = (Math.imul(1812433253, x) + i) >>> 0;
    }
  }

  /** The next raw 32-bit output of MT19937. */
  nextUint32(): number {
    if (this.index >= N) this.twist();
    let y = this.mt[this.index++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** Uniform on [0, 1) with 53 random bits, as `RandomState.rand()`. */
  rand(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** Standard normal, as `RandomState.randn()` (polar method; every second call is cached). */
  randn(): number {
    if (this.cachedGauss !== undefined) {
      const g = this.cachedGauss;
      this.cachedGauss = undefined;
      return g;
    }
    let x1: number;
    let x2: number;
    let r2: number;
    do {
      x1 = 2 * this.rand() - 1;
      x2 = 2 * this.rand() - 1;
      r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1 || r2 === 0);
    const f = Math.sqrt((-2 * correctlyRoundedLog(r2)) / r2);
    this.cachedGauss = f * x1;
    return f * x2;
  }

  /** `n` uniforms on [0, 1), as `RandomState.rand(n)`. */
  randArray(n: number): Float64Array {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = this.rand();
    return out;
  }

  /** `n` standard normals, as `RandomState.randn(n)`. */
  randnArray(n: number): Float64Array {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = this.randn();
    return out;
  }

  /** Uniform integer in [0, max], as numpy's `random_interval` (mask, then reject). */
  interval(max: number): number {
    if (!Number.isInteger(max) || max < 0 || max > 0xffffffff) {
      throw new RandomStateError(`interval bound must be an integer in [0, 2^32 - 1], got ${max}`);
    }
    if (max === 0) return 0;
    let mask = max;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    mask >>>= 0;
    let value: number;
    do {
      value = (this.nextUint32() & mask) >>> 0;
    } while (value > max);
    return value;
  }

  /** Shuffles in place (Fisher-Yates from the end), as `RandomState.shuffle` on a 1-d array. */
  shuffle<T extends { length: number; [i: number]: number }>(arr: T): T {
    for (let i = arr.length - 1; i > 0; i--) {
      const j = this.interval(i);
      const tmp = arr[i]!;
      arr[i] = arr[j]!;
      arr[j] = tmp;
    }
    return arr;
  }

  /** A random permutation of 0..n-1, as `RandomState.permutation(n)`. */
  permutation(n: number): Int32Array {
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) out[i] = i;
    return this.shuffle(out);
  }

  private twist(): void {
    const mt = this.mt;
    let kk = 0;
    for (; kk < N - M; kk++) {
      const y = (mt[kk]! & UPPER_MASK) | (mt[kk + 1]! & LOWER_MASK);
      mt[kk] = mt[kk + M]! ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    }
    for (; kk < N - 1; kk++) {
      const y = (mt[kk]! & UPPER_MASK) | (mt[kk + 1]! & LOWER_MASK);
      mt[kk] = mt[kk + (M - N)]! ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    }
    const y = (mt[N - 1]! & UPPER_MASK) | (mt[0]! & LOWER_MASK);
    mt[N - 1] = mt[M - 1]! ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    this.index = 0;
  }
}
