/**
 * Shapes (rows x cols) of the pixel model's 21 parameter arrays in PixelModel.getWeights() order:
 * the autoencoder's 8 layers (weight, bias; D -> H -> H -> H -> L -> H -> H -> H -> D), then the
 * latent MLP (L -> Hl -> Hl -> nOut, no last bias). nOut is 1 for the latent HNN, L for the
 * latent baseline.
 */
export function pixelWeightShapes(
  D: number,
  H: number,
  L: number,
  Hl: number,
  nOut: number,
): [number, number][] {
  const layers: [number, number][] = [
    [D, H],
    [H, H],
    [H, H],
    [H, L],
    [L, H],
    [H, H],
    [H, H],
    [H, D],
    [L, Hl],
    [Hl, Hl],
  ];
  return [
    ...layers.flatMap(([r, c]): [number, number][] => [
      [r, c],
      [1, c],
    ]),
    [Hl, nOut],
  ];
}
