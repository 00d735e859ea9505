export {
  mean,
  std,
  squaredErrorStats,
  groupedStats,
  MetricInputError,
  type MeanSe,
} from './stats.js';
export { rollout, RolloutError, type RolloutOptions } from './rollout.js';
export {
  oscillatorEnergyConfig,
  oscillatorRolloutMetrics,
  drawOscillatorStarts,
  type OscillatorEnergyConfig,
  type Protocol,
  type RolloutMetrics,
} from './oscillator-energy.js';
export {
  PAPER_TABLE1,
  TABLE1_SCALE,
  mergeTable1,
  renderTable1Markdown,
  type ModelResult,
  type PaperModelResult,
  type Table1,
  type Table1Row,
} from './table1.js';
