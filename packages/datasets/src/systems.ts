import type { HamiltonianSystem } from './types.js';

/**
 * Ideal mass-spring with H = q^2 + p^2: what the reference code uses (the paper's Eq. 4 with
 * k = m = 1 would be q^2/2 + p^2/2, which only rescales time by 2).
 */
export const massSpring: HamiltonianSystem = {
  name: 'mass-spring',
  dim: 2,
  hamiltonian: (x) => x[0]! * x[0]! + x[1]! * x[1]!,
  timeDerivative(_t, x, out) {
    // dq/dt = dH/dp, dp/dt = -dH/dq
    out[0] = 2 * x[1]!;
    out[1] = -2 * x[0]!;
  },
};

/** Ideal pendulum with H = 3(1 - cos q) + p^2, the reference code's choice (g = 3 up to scale). */
export const idealPendulum: HamiltonianSystem = {
  name: 'pendulum',
  dim: 2,
  hamiltonian: (x) => 3 * (1 - Math.cos(x[0]!)) + x[1]! * x[1]!,
  timeDerivative(_t, x, out) {
    out[0] = 2 * x[1]!;
    out[1] = -3 * Math.sin(x[0]!);
  },
};
