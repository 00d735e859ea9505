import type { BlockField } from './boundary.js';

/**
 * A context block at byte `at` of a region: each field (from src/boundary.ts, generated with the
 * C struct from one table) is written through the typed view its type names, so a float field
 * cannot be written as an integer or the other way round.
 */
export class ContextBlock {
  private readonly views: Readonly<
    Record<BlockField['type'], Int32Array | Uint32Array | Float32Array>
  >;
  private readonly base: number;

  constructor(buffer: ArrayBuffer | SharedArrayBuffer, at: number) {
    this.views = {
      i32: new Int32Array(buffer),
      u32: new Uint32Array(buffer),
      f32: new Float32Array(buffer),
    };
    this.base = at / 4;
  }

  set(field: BlockField, value: number): void {
    this.views[field.type][this.base + field.word] = value;
  }

  /**
   * Writes every value of `values` to the field of `table` with its name. A name `table` lacks is
   * a compile error for a literal, and an Error here for anything else.
   */
  setAll<T extends Readonly<Record<string, BlockField>>>(
    table: T,
    values: Readonly<Partial<Record<keyof T & string, number>>>,
  ): void {
    for (const [name, value] of Object.entries(values) as [string, number | undefined][]) {
      const field = table[name];
      if (field === undefined) throw new Error(`context block has no field '${name}'`);
      if (value !== undefined) this.set(field, value);
    }
  }

  get(field: BlockField): number {
    return this.views[field.type][this.base + field.word] as number;
  }
}

/** The fields every fused trainer's context block has, with the same meaning. */
export type TrainerField =
  | 'self'
  | 'nParams'
  | 'chunkRows'
  | 'p'
  | 'm'
  | 'v'
  | 'grads'
  | 'lossPart'
  | 'scratch'
  | 'scratchFloats'
  | 'beta1'
  | 'oneMinusBeta1'
  | 'beta2'
  | 'oneMinusBeta2'
  | 'eps'
  | 'weightDecay';

/**
 * The values of the shared trainer fields: the block's own address, the parameter, Adam moment,
 * gradient, loss and scratch buffers (byte offsets in the region), the chunking, and Adam's
 * constants (with 1 - beta computed once here, in float64, as the kernels expect).
 */
export function trainerFields(
  ctx: number,
  ptr: Readonly<Record<'p' | 'm' | 'v' | 'grads' | 'lossPart' | 'scratch', number>>,
  sizes: { readonly nParams: number; readonly chunkRows: number; readonly scratchFloats: number },
  adam: {
    readonly beta1: number;
    readonly beta2: number;
    readonly epsilon: number;
    readonly weightDecay: number;
  },
): Record<TrainerField, number> {
  const { p, m, v, grads, lossPart, scratch } = ptr;
  const { beta1, beta2, epsilon, weightDecay } = adam;
  return {
    self: ctx,
    ...sizes,
    p,
    m,
    v,
    grads,
    lossPart,
    scratch,
    beta1,
    oneMinusBeta1: 1 - beta1,
    beta2,
    oneMinusBeta2: 1 - beta2,
    eps: epsilon,
    weightDecay,
  };
}
