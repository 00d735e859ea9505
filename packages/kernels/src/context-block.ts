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

  get(field: BlockField): number {
    return this.views[field.type][this.base + field.word] as number;
  }
}
