import type { OdeSolution, SolverStats, SolverStatus } from './types.js';

/** Collects output points; grows geometrically when the number of points is not known upfront. */
export class SolutionRecorder {
  private ts: Float64Array;
  private readonly ys: Float64Array[] = [];
  private count = 0;

  constructor(capacity: number) {
    this.ts = new Float64Array(Math.max(capacity, 1));
  }

  get length(): number {
    return this.count;
  }

  /** Stores a copy of `y`, since callers keep mutating their buffers. */
  push(t: number, y: Float64Array): void {
    this.pushOwned(t, y.slice());
  }

  /** Stores `y` itself; the caller hands over ownership. */
  pushOwned(t: number, y: Float64Array): void {
    if (this.count === this.ts.length) {
      const grown = new Float64Array(this.ts.length * 2);
      grown.set(this.ts);
      this.ts = grown;
    }
    this.ts[this.count++] = t;
    this.ys.push(y);
  }

  finish(status: SolverStatus, message: string, stats: SolverStats): OdeSolution {
    return {
      status,
      message,
      ts: this.ts.slice(0, this.count),
      ys: this.ys,
      stats,
    };
  }
}
