export { RandomState, RandomStateError } from './random-state.js';
export { correctlyRoundedLog } from './log.js';
