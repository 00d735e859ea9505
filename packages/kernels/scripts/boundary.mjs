#!/usr/bin/env node
// The one description of the C/TypeScript boundary: the context blocks the drivers write and the
// kernel reads, and every integer the two sides exchange (model kinds, query selectors, pixel
// parameter segments, status codes). `node scripts/boundary.mjs` (`pnpm --filter @hnn/kernels
// gen:boundary`) writes native/boundary.h and src/boundary.ts from the tables below; both are
// committed. src/boundary.test.ts fails when either file differs from what this script writes, and
// when the C compiler's offsetof / sizeof / enum values differ from the TypeScript ones.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

/**
 * Context blocks: every field is 4 bytes, at byte 4 * (its index). `type` is the C type and the
 * typed-array view the driver writes it through: i32, u32 (a byte offset into the region) or f32.
 * @type {readonly { c: string, ts: string, doc: string, fields: readonly [string, 'i32' | 'u32' | 'f32', string][] }[]}
 */
export const BLOCKS = [
  {
    c: 'Ctx',
    ts: 'MLP_CTX',
    doc: "The paper's MLP (native/fused-mlp.c), written by src/fused-trainer.ts.",
    fields: [
      ['kind', 'i32', 'KIND_MLP_HNN (scalar H) or KIND_MLP_BASELINE (outputs d)'],
      ['d', 'i32', 'input dimension'],
      ['hp', 'i32', 'hidden width, padded with zero units to a multiple of NR * VW'],
      ['nOut', 'i32', '1 (HNN) or d (baseline)'],
      ['nParams', 'i32', 'parameters in the internal layout'],
      ['rows', 'i32', "rows of this call's batch"],
      ['chunkRows', 'i32', 'rows per chunk, a multiple of MR'],
      ['nChunks', 'i32', 'chunks of this call'],
      ['counter', 'i32', 'next chunk to hand out (atomic)'],
      ['wantGrad', 'i32', '1: gradients too, 0: loss only'],
      ['x', 'u32', 'float data set, row-major (nRows x d)'],
      ['dx', 'u32', 'float targets, row-major (nRows x d)'],
      ['idx', 'u32', 'int32 batch row indices into x, or 0 for rows 0..rows-1'],
      ['p', 'u32', 'float parameters: W1 (d x hp), b1, W2 (hp x hp), b2, W3^T (nOut x hp)'],
      ['m', 'u32', 'float Adam first moments'],
      ['v', 'u32', 'float Adam second moments'],
      ['w2t', 'u32', 'float W2 transposed (hp x hp)'],
      ['grads', 'u32', 'float nChunks partial gradients of nParams each'],
      ['lossPart', 'u32', 'double nChunks sums of squared errors'],
      ['scratch', 'u32', 'float per-thread work buffers'],
      ['scratchFloats', 'i32', 'floats per thread'],
      ['lossScale', 'f32', '2 / (rows * d): d loss / d prediction per unit error'],
      ['stepSize', 'f32', 'lr / (1 - beta1^t)'],
      ['bc2Sqrt', 'f32', 'sqrt(1 - beta2^t)'],
      ['beta1', 'f32', "Adam's beta1"],
      ['oneMinusBeta1', 'f32', 'computed in float64 by the driver, as the TensorFlow.js path does'],
      ['beta2', 'f32', "Adam's beta2"],
      ['oneMinusBeta2', 'f32', 'computed in float64 by the driver'],
      ['eps', 'f32', "Adam's epsilon"],
      ['weightDecay', 'f32', 'L2 decay added to the gradient (torch.optim.Adam)'],
      ['self', 'u32', 'byte offset of this block in its memory region'],
      ['rng', 'u32', 'uint32 MT19937 state: 624 words, then the index of the next word'],
      ['perm', 'u32', 'int32 permutation buffer of permLen entries; idx points at it'],
      ['permLen', 'i32', 'rows to permute (the training set)'],
      ['nRows', 'i32', 'rows of the data set x and dx point at (batch indices must be below it)'],
    ],
  },
  {
    c: 'PCtx',
    ts: 'PIXEL_CTX',
    doc: 'The pixel model (native/fused-pixel.c), written by src/fused-pixel-trainer.ts.',
    fields: [
      ['kind', 'i32', 'KIND_PIXEL_HNN or KIND_PIXEL_BASELINE (the latent model)'],
      ['dp', 'i32', 'pixels per sample, padded to the column block'],
      ['dTrue', 'i32', 'pixels per sample'],
      ['hp', 'i32', 'autoencoder hidden width, padded'],
      ['L', 'i32', 'latent size (even)'],
      ['lp', 'i32', 'latent MLP hidden width, padded'],
      ['nParams', 'i32', 'floats in the internal layout'],
      ['rows', 'i32', "real rows of this call's batch"],
      ['chunkRows', 'i32', 'rows per chunk (a multiple of MR); the last chunk is zero-padded'],
      ['nChunks', 'i32', 'chunks of this call'],
      ['counter', 'i32', 'next chunk to hand out (atomic)'],
      ['wantGrad', 'i32', '1: gradients too, 0: loss only'],
      ['batch', 'u32', 'float: per chunk, chunkRows rows of x(t) then chunkRows rows of x(t+1)'],
      ['p', 'u32', 'float parameters'],
      ['m', 'u32', 'float Adam first moments'],
      ['v', 'u32', 'float Adam second moments'],
      ['grads', 'u32', 'float nChunks partial gradients'],
      ['lossPart', 'u32', 'double, 4 per chunk: sums of ae, cc, dynamics squared errors, unused'],
      ['scratch', 'u32', 'float per-thread work buffers'],
      ['scratchFloats', 'i32', 'floats per thread'],
      ['wt', 'u32', 'float transposed copies: W2t, W3t, W6t, W7t (hp x hp), W8t (dp x hp), V2t'],
      ['aeScale', 'f32', '2 / (rows * dTrue)'],
      ['ccScale', 'f32', '2 / (rows * L / 2)'],
      ['dynScale', 'f32', '2 * w / (rows * L)'],
      ['stepSize', 'f32', 'lr / (1 - beta1^t)'],
      ['bc2Sqrt', 'f32', 'sqrt(1 - beta2^t)'],
      ['beta1', 'f32', "Adam's beta1"],
      ['oneMinusBeta1', 'f32', 'computed in float64 by the driver'],
      ['beta2', 'f32', "Adam's beta2"],
      ['oneMinusBeta2', 'f32', 'computed in float64 by the driver'],
      ['eps', 'f32', "Adam's epsilon"],
      ['weightDecay', 'f32', 'L2 decay added to the gradient'],
      ['self', 'u32', 'byte offset of this block in its memory region'],
    ],
  },
  {
    c: 'Ctx64',
    ts: 'F64_CTX',
    doc: 'One float64 product for the rollout evaluators, written by src/float64-layer.ts.',
    fields: [
      ['op', 'i32', 'F64_AFFINE: out = b + h W (W nIn x nOut row-major); F64_MAT_VEC: out = W h'],
      ['nIn', 'i32', 'rows of W'],
      ['nOut', 'i32', 'columns of W'],
      ['w', 'u32', 'double W'],
      ['b', 'u32', 'double bias (F64_AFFINE)'],
      ['h', 'u32', 'double input vector'],
      ['out', 'u32', 'double output vector'],
      ['self', 'u32', 'byte offset of this block in its memory region'],
    ],
  },
];

/**
 * Integers the two sides exchange. Each becomes a C enum (names prefixed by `cPrefix`) and a
 * TypeScript const object `ts` with the same values.
 * @type {readonly { c: string, cPrefix: string, ts: string, doc: string, values: readonly [string, number, string][] }[]}
 */
export const ENUMS = [
  {
    c: 'ModelKind',
    cPrefix: 'KIND_',
    ts: 'ModelKind',
    doc: "A context block's first word: which model, and so which block layout, follows.",
    values: [
      ['MLP_HNN', 0, 'MLP, scalar H trained on its symplectic gradient (Ctx)'],
      ['MLP_BASELINE', 1, 'MLP predicting dx/dt directly (Ctx)'],
      ['PIXEL_HNN', 2, 'pixel model with a latent HNN (PCtx)'],
      ['PIXEL_BASELINE', 3, 'pixel model with a latent baseline (PCtx)'],
    ],
  },
  {
    c: 'BlockQuery',
    cPrefix: 'BLOCK_',
    ts: 'BlockQuery',
    doc: 'kernel_block(which): block sizes the driver must respect.',
    values: [
      ['ROWS', 0, 'rows per register block (chunk rows are a multiple)'],
      ['COLUMNS', 1, 'columns per block (hidden widths are padded to a multiple)'],
      ['VECTOR', 2, 'floats per vector'],
    ],
  },
  {
    c: 'PixelLayoutQuery',
    cPrefix: 'LAYOUT_',
    ts: 'PixelLayoutQuery',
    doc: "pixel_layout(which, ...): the pixel model's layout sizes; SEGMENT + s: segment s's offset.",
    values: [
      ['PARAMS', 0, 'parameters (floats)'],
      ['SCRATCH', 1, 'work floats per thread'],
      ['TRANSPOSED', 2, 'transposed-copy floats'],
      ['SEGMENT', 3, 'offset (floats) of parameter segment 0; add the PixelSegment'],
    ],
  },
  {
    c: 'PixelSegment',
    cPrefix: 'S_',
    ts: 'PixelSegment',
    doc: "Segments of the pixel model's internal parameter layout, in this order (W4 and V3 transposed).",
    values: [
      ['W1', 0, 'encoder layer 1 weight (dp x hp)'],
      ['B1', 1, ''],
      ['W2', 2, 'encoder residual layer 2 (hp x hp)'],
      ['B2', 3, ''],
      ['W3', 4, 'encoder residual layer 3 (hp x hp)'],
      ['B3', 5, ''],
      ['W4T', 6, 'encoder output layer, transposed (L x hp)'],
      ['B4', 7, ''],
      ['W5', 8, 'decoder layer 1 (L x hp)'],
      ['B5', 9, ''],
      ['W6', 10, 'decoder residual layer 2 (hp x hp)'],
      ['B6', 11, ''],
      ['W7', 12, 'decoder residual layer 3 (hp x hp)'],
      ['B7', 13, ''],
      ['W8', 14, 'decoder output layer (hp x dp)'],
      ['B8', 15, ''],
      ['V1', 16, 'latent MLP layer 1 (L x lp)'],
      ['C1', 17, ''],
      ['V2', 18, 'latent MLP layer 2 (lp x lp)'],
      ['C2', 19, ''],
      ['V3T', 20, 'latent MLP output, transposed (nOut x lp)'],
      ['COUNT', 21, 'number of segments'],
    ],
  },
  {
    c: 'F64Op',
    cPrefix: 'F64_',
    ts: 'F64Op',
    doc: "Ctx64's op.",
    values: [
      ['AFFINE', 0, 'out = b + h W'],
      ['MAT_VEC', 1, 'out = W h (dot with each row)'],
    ],
  },
  {
    c: 'KernelStatus',
    cPrefix: 'K_',
    ts: 'KernelStatus',
    doc: 'What an entry point returns: >= 0, or one of these (src/kernel-errors.ts names them).',
    values: [
      ['BAD_CONTEXT', -1, 'context offset outside the region or misaligned, or `self` disagrees'],
      ['BAD_FIELD', -2, 'a size field out of range or inconsistent with the others'],
      ['BAD_BUFFER', -3, 'a buffer outside the region, misaligned, or overlapping a written one'],
      ['BAD_THREAD', -4, 'thread id, slice number or slice count out of range'],
      ['BAD_INDEX', -5, 'a batch row index outside the data set'],
      ['BAD_REGION', -6, 'native: the address is not a live region of this addon'],
      ['BAD_ARGUMENT', -7, 'native: an argument is not an integer in range'],
    ],
  },
];

const C_TYPES = { i32: 'int32_t', u32: 'uint32_t', f32: 'float' };
const GENERATED = 'Generated by scripts/boundary.mjs from its tables: edit those and run it.';

/** The C header's text. */
export function renderHeader() {
  const out = [
    `/* ${GENERATED} */`,
    '#ifndef HNN_KERNELS_BOUNDARY_H',
    '#define HNN_KERNELS_BOUNDARY_H',
    '',
  ];
  out.push('#include <stdint.h>', '');
  for (const e of ENUMS) {
    out.push(`/* ${e.doc} */`, 'enum {');
    for (const [name, value, doc] of e.values) {
      out.push(`  ${e.cPrefix}${name} = ${value},${doc ? ` /* ${doc} */` : ''}`);
    }
    out.push('};', '');
  }
  for (const b of BLOCKS) {
    out.push(
      `/* ${b.doc} Buffers are byte offsets (unsigned 32-bit) from the start of the region that holds`,
      ' * this block at offset `self`. */',
      'typedef struct {',
    );
    for (const [name, type, doc] of b.fields) out.push(`  ${C_TYPES[type]} ${name}; /* ${doc} */`);
    out.push(`} ${b.c};`);
    out.push(
      `_Static_assert(sizeof(${b.c}) == ${b.fields.length} * 4, "${b.c}: 4 bytes per field, no padding");`,
      '',
    );
  }
  out.push('#endif', '');
  return out.join('\n');
}

/** The TypeScript module's text, formatted by the repository's Prettier settings. */
export async function renderTs() {
  const out = [
    `// ${GENERATED}`,
    "// Word (4-byte) indices and types of the context blocks' fields, and the shared enums.",
    '',
  ];
  out.push("export type FieldType = 'i32' | 'u32' | 'f32';", '');
  out.push(
    'export interface BlockField {',
    '  readonly word: number;',
    '  readonly type: FieldType;',
    '}',
    '',
  );
  for (const b of BLOCKS) {
    out.push(`/** ${b.doc} C: ${b.c}. */`, `export const ${b.ts} = {`);
    b.fields.forEach(([name, type, doc], word) => {
      out.push(`  /** ${doc} */`, `  ${name}: { word: ${word}, type: '${type}' },`);
    });
    out.push('} as const satisfies Record<string, BlockField>;', '');
    out.push(`export const ${b.ts}_BYTES = ${b.fields.length * 4};`, '');
  }
  for (const e of ENUMS) {
    out.push(`/** ${e.doc} C: ${e.cPrefix}*. */`, `export const ${e.ts} = {`);
    for (const [name, value, doc] of e.values) {
      if (doc) out.push(`  /** ${doc} */`);
      out.push(`  ${name}: ${value},`);
    }
    out.push('} as const;', '');
  }
  const prettier = await import('prettier');
  const options = (await prettier.resolveConfig(TS_PATH)) ?? {};
  return prettier.format(out.join('\n'), { ...options, filepath: TS_PATH });
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const HEADER_PATH = join(root, 'native', 'boundary.h');
export const TS_PATH = join(root, 'src', 'boundary.ts');

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(HEADER_PATH, renderHeader());
  writeFileSync(TS_PATH, await renderTs());
}
