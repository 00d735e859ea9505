// The pixel pendulum's entry point, '@hnn/datasets/pixel': the renderer (a Canvas 2D library:
// node-canvas or @napi-rs/canvas) and the image processing (sharp). Those are optional peer
// dependencies, loaded only when a frame is drawn or resized, so that the main entry costs nothing
// heavy to install or import.
export {
  CanvasBackendError,
  GYM_PENDULUM_VIEW,
  createPendulumRenderer,
  loadCanvasBackend,
  renderPendulumFrame,
  rgbaToRgb,
  type CanvasBackend,
  type CanvasBackendName,
  type CanvasBackendPreference,
  type CanvasRegion,
  type PendulumRenderer,
} from './pendulum-renderer.js';
export {
  PIXEL_CROP_WORLD,
  PIXEL_GEOMETRY,
  cropPixelBox,
  preprocessFrame,
  redMinusGreenCrop,
  resizeCrops,
  toUnitInterval,
  type PixelBox,
  type PixelGeometry,
  type WorldBox,
} from './pixel-preprocess.js';
export {
  pixelRenderWorkersAvailable,
  renderFramesInParallel,
  type RenderFramesOptions,
  type RenderFramesResult,
} from './pixel-render-pool.js';
export {
  HELD_OUT_FRAMES,
  HELD_OUT_START_RULE,
  PIXEL_PENDULUM_CONFIG,
  buildPixelPendulumDataset,
  pairPixelFrames,
  pixelGeometry,
  renderHeldOutPixelTrajectory,
  renderPixelTrajectory,
  simulatePixelPendulumTrials,
  splitPixelSamples,
  type BuildPixelPendulumOptions,
  type PixelPendulumConfig,
  type PixelPendulumDataset,
  type PixelPendulumSplit,
  type PixelPendulumTiming,
  type PixelTrajectory,
} from './pixel-pendulum-dataset.js';
export { MissingPeerDependencyError } from './errors.js';
