/**
 * Floating-point work of one training step, counted as the matrix products' 2·rows·in·out
 * multiply-adds (the elementwise work — tanh, ReLU, Adam — is a few percent at these widths and is
 * left out), so that a measured ms/step converts to achieved GFLOP/s.
 *
 * Products per dense layer (in -> out) applied to `rows` rows:
 * - first-order step (baseline MLP, autoencoder): forward x·W, weight gradient xᵀ·δ, and the input
 *   gradient δ·Wᵀ unless the layer reads the data (nothing upstream to train) — 3, or 2;
 * - HNN (loss of dH/dx, so a second-order step): forward, dH/dx's backward product, and the
 *   backward pass through both of those: two weight-gradient products and two input-gradient
 *   products — 6, or 5 for a layer that reads the data (dH/dx still needs the product with the
 *   layer's weights, and the loss's gradient back through it). For the spring's 750 x 2 data
 *   that is 0.365 GFLOP per step (flops.test.ts).
 */

type Layer = readonly [nIn: number, nOut: number];

const mlpLayers = (nIn: number, hidden: number, nOut: number): Layer[] => [
  [nIn, hidden],
  [hidden, hidden],
  [hidden, nOut],
];

function layerFlops(
  layers: readonly Layer[],
  rows: number,
  products: number,
  firstReadsData: boolean,
): number {
  return layers.reduce((sum, [nIn, nOut], i) => {
    // A layer that reads the data skips one product: the input gradient of its forward path.
    const count = i === 0 && firstReadsData ? products - 1 : products;
    return sum + count * 2 * rows * nIn * nOut;
  }, 0);
}

/** The paper's MLP model on `dim`-dimensional states (HNN: scalar H; baseline: dim outputs). */
export function mlpStepFlops(
  model: 'hnn' | 'baseline',
  batch: number,
  dim: number,
  hidden = 200,
): number {
  return model === 'hnn'
    ? layerFlops(mlpLayers(dim, hidden, 1), batch, 6, true)
    : layerFlops(mlpLayers(dim, hidden, dim), batch, 3, true);
}

/**
 * The pixel model as trainPixelModel computes it: the encoder over both frames' pairs (2·batch
 * rows), the decoder over batch rows, and the latent HNN / baseline on the batch's latents (whose
 * first layer is not data: its gradient flows back into the encoder).
 */
export function pixelStepFlops(
  model: 'hnn' | 'baseline',
  batch: number,
  inputDim: number,
  hidden = 200,
  latentDim = 2,
): number {
  const encoder: Layer[] = [
    [inputDim, hidden],
    [hidden, hidden],
    [hidden, hidden],
    [hidden, latentDim],
  ];
  const decoder: Layer[] = encoder.map(([a, b]) => [b, a] as Layer).reverse();
  const latent =
    model === 'hnn'
      ? layerFlops(mlpLayers(latentDim, hidden, 1), batch, 6, false)
      : layerFlops(mlpLayers(latentDim, hidden, latentDim), batch, 3, false);
  return layerFlops(encoder, 2 * batch, 3, true) + layerFlops(decoder, batch, 3, false) + latent;
}

/** GFLOP/s of `flops` done in `ms` milliseconds. */
export const gflopsPerSecond = (flops: number, ms: number): number => flops / ms / 1e6;
