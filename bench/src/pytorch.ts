/**
 * PyTorch 1.13's pure training step (forward, loss, backward incl. the HNN's double backward, Adam;
 * no test evaluation), one thread of the same 2-core machine, median of 60 steps, in ms. From
 * docs/reference-protocol.md ("the speeds to beat"). Tasks without a measured row have none.
 */
export const PYTORCH_PURE_STEP_MS: Readonly<
  Record<string, { readonly baseline: number; readonly hnn: number; readonly batch: string }>
> = {
  'mass-spring': { baseline: 3.5, hnn: 9.9, batch: '750 x 2' },
  pendulum: { baseline: 4.5, hnn: 13.5, batch: '1125 x 2' },
  'real-pendulum': { baseline: 1.7, hnn: 3.1, batch: '445 x 2' },
  'two-body': { baseline: 1.2, hnn: 2.0, batch: '200 x 8' },
};
