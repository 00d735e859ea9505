export {
  autoencoderLayerSizes,
  createAutoencoder,
  initialAutoencoderWeights,
} from './autoencoder.js';
export type { Autoencoder, AutoencoderLayer, AutoencoderOptions, BiasInit } from './autoencoder.js';
export type { PixelSplit } from './data.js';
export { evaluatePixelLosses } from './evaluate.js';
export type { EvaluatePixelLossesOptions, MeanSe, PixelLossEvaluation } from './evaluate.js';
export { float64Autoencoder } from './float64-autoencoder.js';
export type { Float64Autoencoder, Float64AutoencoderWeights } from './float64-autoencoder.js';
export { DYNAMICS_LOSS_WEIGHT, pixelLoss, pixelLossPerSample } from './pixel-loss.js';
export type { PixelLossOptions, PixelLossTerms } from './pixel-loss.js';
export { createPixelModel } from './pixel-model.js';
export type {
  Float64PixelModel,
  LatentField64,
  PixelModel,
  PixelModelKind,
  PixelModelOptions,
} from './pixel-model.js';
export { PIXEL_TRAINING_DEFAULTS, trainPixelModel } from './train-pixel-model.js';
export type {
  PixelLossValues,
  PixelTrainData,
  PixelTrainHistoryEntry,
  PixelTrainOptions,
  PixelTrainProgress,
  PixelTrainResult,
} from './train-pixel-model.js';
