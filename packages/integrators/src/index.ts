export type {
  ImplicitSolution,
  ImplicitSolverStats,
  OdeFunction,
  OdeSolution,
  SeparableHamiltonian,
  SeparableSolution,
  SeparableSolverStats,
  SolverStats,
  SolverStatus,
} from './types.js';
export { IntegratorInputError } from './errors.js';
export { createRk4Workspace, rk4Step, solveRk4 } from './rk4.js';
export type { Rk4Options, Rk4Workspace } from './rk4.js';
export { createDopri5Workspace, dopri5Step, solveDopri5 } from './dopri5.js';
export type { Dopri5Options, Dopri5Workspace } from './dopri5.js';
export type { FixedStepOutputOptions } from './step-grid.js';
export { createSeparableWorkspace } from './separable-composition.js';
export type { SeparableWorkspace } from './separable-composition.js';
export { leapfrogStep, solveLeapfrog } from './leapfrog.js';
export { solveYoshida4, yoshida4Step } from './yoshida4.js';
export {
  createImplicitMidpointWorkspace,
  implicitMidpointStep,
  solveImplicitMidpoint,
} from './implicit-midpoint.js';
export type {
  ImplicitMidpointOptions,
  ImplicitMidpointSolveOptions,
  ImplicitMidpointWorkspace,
} from './implicit-midpoint.js';
export {
  INTEGRATOR_NAMES,
  isIntegratorName,
  separableField,
  solveHamiltonian,
  stepForOutputs,
} from './hamiltonian-rollout.js';
export type {
  HamiltonianSolveOptions,
  HamiltonianSystem,
  IntegratorName,
} from './hamiltonian-rollout.js';
export { nextAfter } from './next-after.js';
