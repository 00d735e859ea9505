export type { OdeFunction, OdeSolution, SolverStats, SolverStatus } from './types.js';
export { IntegratorInputError } from './errors.js';
export { createRk4Workspace, rk4Step, solveRk4 } from './rk4.js';
export type { Rk4Options, Rk4Workspace } from './rk4.js';
export { createDopri5Workspace, dopri5Step, solveDopri5 } from './dopri5.js';
export type { Dopri5Options, Dopri5Workspace } from './dopri5.js';
export { nextAfter } from './next-after.js';
