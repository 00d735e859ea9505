import { FusedTrainer as KernelFusedTrainer, KernelInputError } from '@hnn/kernels';
import type { FusedTrainerOptions } from '@hnn/kernels';
import { InvalidInputError } from '../errors.js';

/**
 * @hnn/kernels' MLP trainer as train() uses it: construction errors about the caller's input
 * (e.g. a NaN in the data) are @hnn/core's InvalidInputError, the class train() documents.
 */
export class FusedTrainer extends KernelFusedTrainer {
  constructor(options: FusedTrainerOptions) {
    try {
      super(options);
    } catch (error) {
      if (error instanceof KernelInputError) throw new InvalidInputError(error.message);
      throw error;
    }
  }
}
