import type { PixelModel } from '@hnn/autoencoder';
import type { Float64Dynamics } from '@hnn/core';
import type { Dataset } from '@hnn/datasets';
import type { PixelPendulumDataset, PixelTrajectory } from '@hnn/datasets/pixel';
import type { PixelEnergyResult } from '@hnn/eval';
import type { VectorFieldTask } from '../tasks.js';

/**
 * What a trained (state, derivative) task hands to its figures: the data and float64 snapshots of
 * both models (weights copied, so the TensorFlow.js models can be disposed first).
 */
export interface VectorFieldArtifacts {
  readonly task: VectorFieldTask;
  readonly data: Dataset;
  readonly seed: number;
  readonly baseline: Float64Dynamics;
  readonly hnn: Float64Dynamics;
}

/** The pixel pendulum's: live models (for decoding frames) and their energy-metric rollouts. */
export interface PixelArtifacts {
  readonly data: PixelPendulumDataset;
  readonly trajectory: PixelTrajectory;
  readonly models: readonly {
    readonly kind: 'baseline' | 'hnn';
    readonly model: PixelModel;
    readonly energy: PixelEnergyResult;
  }[];
}
