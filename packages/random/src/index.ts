export { RandomState, RandomStateError } from './random-state.js';
