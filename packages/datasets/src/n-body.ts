import { DatasetConfigError } from './errors.js';
import type { HamiltonianSystem } from './types.js';

/**
 * Planar gravitational N-body problem in canonical coordinates, unit masses and G = 1, with the
 * reference code's coordinate order: all x positions, then all y positions, then all x momenta,
 * then all y momenta. For two bodies: [qx1, qx2, qy1, qy2, px1, px2, py1, py2].
 *
 * H = sum_i |p_i|^2 / 2 - sum_{i<j} 1 / |q_i - q_j|, with no softening (the reference's
 * `get_accelerations` has `epsilon = 0`). The field repeats the reference's floating-point
 * operations: for body i and every other body j in index order, d = q_j - q_i,
 * r = sqrt(dx^2 + dy^2), a_i += d / r^3.
 */
export function nBodySystem(nbodies: number): HamiltonianSystem {
  if (!Number.isInteger(nbodies) || nbodies < 2) {
    throw new DatasetConfigError(
      `nBodySystem needs an integer number of bodies >= 2, got ${nbodies}`,
    );
  }
  const n = nbodies;
  const qx = 0;
  const qy = n;
  const px = 2 * n;
  const py = 3 * n;
  return {
    name: `${n}-body`,
    dim: 4 * n,
    hamiltonian(x) {
      let kinetic = 0;
      for (let i = 0; i < n; i++) {
        const vx = x[px + i]!;
        const vy = x[py + i]!;
        kinetic += 0.5 * (vx * vx + vy * vy);
      }
      let potential = 0;
      for (let i = 0; i < n; i++) {
        for (let j = i + 1; j < n; j++) {
          const dx = x[qx + i]! - x[qx + j]!;
          const dy = x[qy + i]! - x[qy + j]!;
          potential += 1 / Math.sqrt(dx * dx + dy * dy);
        }
      }
      return -potential + kinetic;
    },
    timeDerivative(_t, x, out) {
      for (let i = 0; i < n; i++) {
        const xi = x[qx + i]!;
        const yi = x[qy + i]!;
        let ax = 0;
        let ay = 0;
        let first = true;
        for (let j = 0; j < n; j++) {
          if (j === i) continue;
          const dx = x[qx + j]! - xi;
          const dy = x[qy + j]! - yi;
          const r3 = Math.pow(Math.sqrt(dx * dx + dy * dy), 3);
          // numpy's sum over bodies starts from the first term rather than from 0 + term.
          if (first) {
            ax = dx / r3;
            ay = dy / r3;
            first = false;
          } else {
            ax += dx / r3;
            ay += dy / r3;
          }
        }
        out[qx + i] = x[px + i]!;
        out[qy + i] = x[py + i]!;
        out[px + i] = ax;
        out[py + i] = ay;
      }
    },
  };
}

/** Total linear momentum (sum of p over bodies) of a canonical N-body state: [Px, Py]. */
export function totalMomentum(x: ArrayLike<number>, nbodies: number): [number, number] {
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < nbodies; i++) {
    sx += x[2 * nbodies + i]!;
    sy += x[3 * nbodies + i]!;
  }
  return [sx, sy];
}

/** Centre of mass (unit masses) of a canonical N-body state: [X, Y]. */
export function centreOfMass(x: ArrayLike<number>, nbodies: number): [number, number] {
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < nbodies; i++) {
    sx += x[i]!;
    sy += x[nbodies + i]!;
  }
  return [sx / nbodies, sy / nbodies];
}

/**
 * The reference integrates a per-body state [m, qx, qy, px, py] (masses included, with zero
 * derivative). The extra components change the RMS error norm of the adaptive solver, hence its
 * step sizes, so reproducing the reference's orbits needs this layout. These helpers convert.
 */
export function canonicalToReferenceState(
  x: ArrayLike<number>,
  nbodies: number,
  out: Float64Array = new Float64Array(5 * nbodies),
): Float64Array {
  for (let i = 0; i < nbodies; i++) {
    out[5 * i] = 1;
    out[5 * i + 1] = x[i]!;
    out[5 * i + 2] = x[nbodies + i]!;
    out[5 * i + 3] = x[2 * nbodies + i]!;
    out[5 * i + 4] = x[3 * nbodies + i]!;
  }
  return out;
}

/** Inverse of `canonicalToReferenceState` (drops the masses). */
export function referenceToCanonicalState(
  s: ArrayLike<number>,
  nbodies: number,
  out: Float64Array = new Float64Array(4 * nbodies),
): Float64Array {
  for (let i = 0; i < nbodies; i++) {
    out[i] = s[5 * i + 1]!;
    out[nbodies + i] = s[5 * i + 2]!;
    out[2 * nbodies + i] = s[5 * i + 3]!;
    out[3 * nbodies + i] = s[5 * i + 4]!;
  }
  return out;
}

/**
 * Wraps a field on canonical coordinates as a field on the reference's per-body layout
 * [m, qx, qy, px, py] (mass derivative 0), as the reference's `update`/`model_update` do.
 * Allocates its two scratch buffers once.
 */
export function referenceLayoutField(
  canonicalField: (t: number, x: Float64Array, out: Float64Array) => void,
  nbodies: number,
): (t: number, s: Float64Array, out: Float64Array) => void {
  const x = new Float64Array(4 * nbodies);
  const dx = new Float64Array(4 * nbodies);
  return (t, s, out) => {
    referenceToCanonicalState(s, nbodies, x);
    canonicalField(t, x, dx);
    for (let i = 0; i < nbodies; i++) {
      out[5 * i] = 0;
      out[5 * i + 1] = dx[i]!;
      out[5 * i + 2] = dx[nbodies + i]!;
      out[5 * i + 3] = dx[2 * nbodies + i]!;
      out[5 * i + 4] = dx[3 * nbodies + i]!;
    }
  };
}
