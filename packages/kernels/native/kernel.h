/*
 * Declarations shared by the fused kernels' source files, which are compiled as one translation
 * unit (kernels.c says why): the boundary's layout (boundary.h, generated), the vector type and
 * its helpers for each target, the register blocks, the boundary-check helpers, the argument
 * structs of the MLP passes both models use, and the prototypes of what one file calls in another.
 */
#ifndef HNN_KERNELS_KERNEL_H
#define HNN_KERNELS_KERNEL_H

#include <stdint.h>

#if defined(__wasm__)
#include <wasm_simd128.h>
#define VW 4
#define EXPORT(name) __attribute__((export_name(#name)))
#elif defined(__AVX512F__)
#include <immintrin.h>
#define VW 16
#define EXPORT(name)
#elif defined(__AVX2__)
#include <immintrin.h>
#define VW 8
#define EXPORT(name)
#else
#error "the kernels need wasm32 SIMD128, AVX2 or AVX-512 (see scripts/build-wasm.mjs, build-native.mjs)"
#endif

/* Register blocks. The row-major product (C = A M) keeps MR rows x NR vectors of C in registers,
 * the weight-gradient product (G = P^T Q) TR rows x NR vectors. WebAssembly: V8 gives 15 usable
 * xmm registers, 4 x 2 accumulators + 2 loads + 1 broadcast fit (measured best of 2x4 .. 8x1).
 * AVX-512 has 32 registers: 8 x 2. */
#if VW == 16
#define MR 8
#else
#define MR 4
#endif
#define NR 2
#define TR 4

typedef float vf __attribute__((vector_size(VW * 4), aligned(4)));

static inline vf vload(const float *p) {
  vf v;
  __builtin_memcpy(&v, p, sizeof v);
  return v;
}
static inline void vstore(float *p, vf v) { __builtin_memcpy(p, &v, sizeof v); }
#if defined(__wasm__)
static inline vf vsplat(float x) { return (vf)wasm_f32x4_splat(x); }
static inline vf vmin(vf a, vf b) { return (vf)wasm_f32x4_pmin((v128_t)a, (v128_t)b); }
static inline vf vmax(vf a, vf b) { return (vf)wasm_f32x4_pmax((v128_t)a, (v128_t)b); }
static inline vf vsqrt(vf a) { return (vf)wasm_f32x4_sqrt((v128_t)a); }
/* Lane reads through intrinsics: an indexed read would spill the vector to the shadow stack,
 * which the threads share (see the stack check in scripts/build-wasm.mjs). */
static inline float lane(vf v, int i) {
  switch (i) {
  case 0: return wasm_f32x4_extract_lane((v128_t)v, 0);
  case 1: return wasm_f32x4_extract_lane((v128_t)v, 1);
  case 2: return wasm_f32x4_extract_lane((v128_t)v, 2);
  default: return wasm_f32x4_extract_lane((v128_t)v, 3);
  }
}
#elif VW == 16
static inline vf vsplat(float x) { return (vf)_mm512_set1_ps(x); }
static inline vf vmin(vf a, vf b) { return (vf)_mm512_min_ps((__m512)a, (__m512)b); }
static inline vf vmax(vf a, vf b) { return (vf)_mm512_max_ps((__m512)a, (__m512)b); }
static inline vf vsqrt(vf a) { return (vf)_mm512_sqrt_ps((__m512)a); }
static inline float lane(vf v, int i) { return v[i]; }
#else
static inline vf vsplat(float x) { return (vf)_mm256_set1_ps(x); }
static inline vf vmin(vf a, vf b) { return (vf)_mm256_min_ps((__m256)a, (__m256)b); }
static inline vf vmax(vf a, vf b) { return (vf)_mm256_max_ps((__m256)a, (__m256)b); }
static inline vf vsqrt(vf a) { return (vf)_mm256_sqrt_ps((__m256)a); }
static inline float lane(vf v, int i) { return v[i]; }
#endif
/* c + a * b. The relaxed-SIMD WebAssembly build (scripts/build-wasm.mjs, -mrelaxed-simd, clang
 * 16 or later) uses f32x4.relaxed_madd, a fused multiply-add where the CPU has one; elsewhere the
 * expression is the one the products always used (the native builds contract it to an FMA with
 * -ffp-contract=fast, the SIMD128 build keeps a multiply and an add). */
#if defined(__wasm_relaxed_simd__)
static inline vf vmadd(vf a, vf b, vf c) {
  return (vf)__builtin_wasm_relaxed_madd_f32x4((__f32x4)a, (__f32x4)b, (__f32x4)c);
}
#else
static inline vf vmadd(vf a, vf b, vf c) { return c + a * b; }
#endif
#if defined(__wasm__)
static inline float vsum(vf v) { return (lane(v, 0) + lane(v, 1)) + (lane(v, 2) + lane(v, 3)); }
#else
static inline float vsum(vf v) {
  float s = 0;
  for (int i = 0; i < VW; i++) s += v[i];
  return s;
}
#endif

/*
 * tanh in float32: Eigen's rational minimax approximation (odd degree-13 / even degree-6 over
 * [-7.905, 7.905], clamped outside), max abs error 3.6e-7 against float64 tanh.
 */
static inline vf vtanh(vf x) {
  const float c = 7.90531110763549805f;
  x = vmin(vmax(x, vsplat(-c)), vsplat(c));
  vf x2 = x * x;
  vf p = x2 * -2.76076847742355e-16f + 2.00018790482477e-13f;
  p = p * x2 + -8.60467152213735e-11f;
  p = p * x2 + 5.12229709037114e-08f;
  p = p * x2 + 1.48572235717979e-05f;
  p = p * x2 + 6.37261928875436e-04f;
  p = p * x2 + 4.89352455891786e-03f;
  p = p * x;
  vf q = x2 * 1.19825839466702e-06f + 1.18534705686654e-04f;
  q = q * x2 + 2.26843463243900e-03f;
  q = q * x2 + 4.89352518554385e-03f;
  return p / q;
}

#include "boundary.h"

/* Context blocks (boundary.h) are written by the driver. Buffers are byte offsets (unsigned 32-bit)
 * from the start of the memory region that holds the block at offset `self` (WebAssembly: the
 * linear memory; native: the driver's allocation), so the layout is the same for every build.
 * Regions are at most 4 GiB - 64 KiB (MAX_REGION_BYTES in src/engines.ts); every address is
 * computed as region start + (size_t) offset, and the entry points check each buffer against the
 * region before using it (see "Boundary checks" below). */

/*
 * Boundary checks. The entry points (entry.c) take a region (its start, the first byte buffers may
 * use, its size) and a context offset from the JavaScript driver, and check everything before any
 * other read or write: the context lies inside the region, its size fields agree with each other,
 * every buffer the call touches lies inside the region, aligned, and apart from the buffers the
 * call writes (so no write can change a checked field, index or buffer), thread and slice numbers
 * are in range, and every batch row index is below the data set's row count. A failed check
 * returns one of the K_* codes of boundary.h (src/kernel-errors.ts turns them into a
 * FusedKernelError) and touches nothing. No local arrays: WebAssembly threads share the shadow
 * stack. The helpers below serve the checks of fused-mlp.c and fused-pixel.c.
 */

/* Threads (and Adam slices) an entry point accepts; the driver uses 1 or 2. */
#define MAX_THREADS 64
/* Bound on size fields before any product of them is formed (products stay within int64). */
#define MAX_DIM (1 << 24)

/* count elements of elem bytes at byte offset off lie in [lo, size), aligned to min(elem, 8). */
static inline int inside(uint64_t off, int64_t count, uint64_t elem, uint64_t lo, uint64_t size) {
  if (count < 0) return 0;
  if (count == 0) return 1;
  if (off < lo || off > size || off % (elem < 8 ? elem : 8) != 0) return 0;
  return (uint64_t)count <= (size - off) / elem;
}

/* [a, a + an) and [b, b + bn) do not overlap (lengths in bytes; empty ranges overlap nothing). */
static inline int apart(uint64_t a, uint64_t an, uint64_t b, uint64_t bn) {
  return an == 0 || bn == 0 || a + an <= b || b + bn <= a;
}

/* [o, o + n) is apart from each of four ranges (unused ones: length 0). */
static inline int apart4(uint64_t o, uint64_t n, uint64_t a, uint64_t an, uint64_t b, uint64_t bn,
                         uint64_t c, uint64_t cn, uint64_t d, uint64_t dn) {
  return apart(o, n, a, an) && apart(o, n, b, bn) && apart(o, n, c, cn) && apart(o, n, d, dn);
}

static inline int in_range(int64_t v, int64_t lo, int64_t hi) { return v >= lo && v <= hi; }

/* The context at ctxOff: `bytes` of it inside the region, 4-byte aligned, its `self` field equal
 * to ctxOff (`self` is read only after the first two checks). */
static inline int ctx_ok(uint64_t ctxOff, int64_t words, uint64_t lo, uint64_t size,
                         const uint32_t *self) {
  return inside(ctxOff, words, 4, lo, size) && *self == ctxOff;
}

/* Chunk plan of a call: chunkRows a positive multiple of MR, every chunk holds at least one row. */
static inline int plan_ok(int64_t cr, int64_t nChunks, int64_t rows) {
  return in_range(cr, MR, MAX_DIM) && cr % MR == 0 && in_range(nChunks, 1, MAX_DIM) &&
         rows > (nChunks - 1) * cr && rows <= nChunks * cr;
}

#define UNROLL _Pragma("clang loop unroll(full)")

/* Always inlined: the argument structs below then live in registers. A struct in memory would sit
 * on WebAssembly's shadow stack, which the threads share (scripts/build-wasm.mjs refuses such a
 * build). linalg.c's struct-taking passes are such wrappers of positional ones (it says why). */
#define INLINE_ALWAYS static inline __attribute__((always_inline))

/*
 * Arguments of the MLP's passes (linalg.c), which both models use: the paper's MLP (fused-mlp.c)
 * and the pixel model's latent MLP (fused-pixel.c). Shapes: W1 (d x hp), W2 (hp x hp), and the
 * last layer w3 = the HNN's (hp) or the baseline's W3^T (nOut x hp); buffers are (nr x hp).
 * A pass reads only the fields its comment in linalg.c names; the others may be left 0.
 */
typedef struct {
  const float *w1, *b1, *w2, *b2, *w3;
  const float *w2t; /* W2 transposed */
} MlpWeights;

/* Gradients of the same parameters, in the same layout. */
typedef struct {
  float *w1, *b1, *w2, *b2, *w3;
} MlpGrads;

/* A chunk's buffers: forward activations h1, h2, g2, u1, g1 (the HNN's: see linalg.c), backward
 * work ub1, gb2, a2, hb1. */
typedef struct {
  float *h1, *h2, *g2, *u1, *g1;
  float *ub1, *gb2, *a2, *hb1;
} MlpBuffers;

/* One Adam step's settings (torch.optim.Adam with L2 decay added to the gradient). */
typedef struct {
  float b1, omb1, b2, omb2; /* beta1, 1 - beta1, beta2, 1 - beta2 */
  float wd, step, bc2, eps; /* weight decay, lr / (1 - beta1^t), sqrt(1 - beta2^t), epsilon */
} AdamStep;

/* Adam's settings of this step from a trainer's context block (Ctx and PCtx name them alike). */
#define ADAM_STEP_OF(c)                                                                          \
  ((AdamStep){.b1 = (c)->beta1, .omb1 = (c)->oneMinusBeta1, .b2 = (c)->beta2,                  \
              .omb2 = (c)->oneMinusBeta2, .wd = (c)->weightDecay, .step = (c)->stepSize,        \
              .bc2 = (c)->bc2Sqrt, .eps = (c)->eps})

/* Phase 1's work sharing: the next chunk for this thread (an atomic counter, so any thread takes
 * any chunk; results are kept per chunk and summed in chunk order), or -1 when none is left; and
 * the rows of that chunk (the last one may be short). */
static inline int next_chunk(int32_t *counter, int nChunks) {
  const int chunk = __atomic_fetch_add(counter, 1, __ATOMIC_RELAXED);
  return chunk < 0 || chunk >= nChunks ? -1 : chunk;
}
static inline int chunk_rows(int rows, int chunk, int chunkRows) {
  const int n = rows - chunk * chunkRows;
  return n > chunkRows ? chunkRows : n;
}

/* Phase 2's parameter slice `part` of `parts`: [*lo, *hi), starting on a vector boundary. */
static inline void param_slice(int np, int part, int parts, int *lo, int *hi) {
  *lo = (int)((int64_t)np * part / parts) / VW * VW;
  *hi = part == parts - 1 ? np : (int)((int64_t)np * (part + 1) / parts) / VW * VW;
}

/* What one file calls in another (all static: kernels.c makes them one translation unit). */

/* linalg.c: the linear algebra and MLP passes both models use, and Adam on one vector. */
static void gemm_nn(const float *restrict a, const float *restrict mat, float *restrict c,
                    const float *restrict bias, int nr, int k, int n, int mode);
static void gemm_tn(const float *restrict p1, const float *restrict q1, const float *restrict p2,
                    const float *restrict q2, float *restrict g, int rows, int k, int n);
static void small_layer(const float *x, int d, const float *w, const float *b, float *h, int nr,
                        int hp, int act);
static void tanh_rows(float *h, int count);
static void small_layer_grad(const float *x, int d, int hp, const float *a, float *gw, float *gb,
                             int nr, int accumulate);
static void narrow_out(const float *h, const float *wT, const float *b, float *z, int nr, int hp,
                       int L, int accumulate);
INLINE_ALWAYS void hnn_forward(const float *x, int d, int hp, int nr, const MlpWeights *w,
                               const MlpBuffers *buf, float *gx);
INLINE_ALWAYS void hnn_backward(const float *x, const float *e, int d, int hp, int nr,
                                const MlpWeights *w, const MlpBuffers *buf, const MlpGrads *g);
INLINE_ALWAYS void baseline_backward(const float *x, const float *e, int d, int hp, int nOut,
                                     int nr, const MlpWeights *w, const MlpBuffers *buf,
                                     const MlpGrads *g);
static inline vf adam_vector(const float *grads, int nChunks, int np, int k, float *pp, float *mp,
                             float *vp, const AdamStep *a);
static inline void store_column(float *t, int stride, vf p);

/* fused-mlp.c: the paper's MLP (context block Ctx), its minibatch draw and the float64 products
 * (Ctx64); called by entry.c. */
static void transpose_w2(Ctx *c);
static int work_chunks(Ctx *c, int tid);
static void reduce_adam(Ctx *c, int part, int parts);
static void rng_seed(Ctx *c, uint32_t seed);
static void permute(Ctx *c);
static void f64_product(Ctx64 *c);
static int mlp_check_work(const Ctx *c, uint64_t ctxOff, int tid, uint64_t lo, uint64_t size);
static int mlp_check_reduce(const Ctx *c, uint64_t ctxOff, int part, int parts, uint64_t lo,
                            uint64_t size);
static int mlp_check_transpose(const Ctx *c, uint64_t ctxOff, uint64_t lo, uint64_t size);
static int rng_check(const Ctx *c, uint64_t ctxOff, int withPerm, uint64_t lo, uint64_t size);
static int f64_check(const Ctx64 *c, uint64_t ctxOff, uint64_t lo, uint64_t size);

/* fused-pixel.c: the pixel model (context block PCtx); called by entry.c. */
static int64_t seg_off_of(int64_t kind, int64_t dp, int64_t hp, int64_t L, int64_t lp, int s);
static inline int64_t wt_off_of(int64_t dp, int64_t hp, int s);
static int64_t pixel_scratch_floats(int64_t cr, int64_t dp, int64_t hp, int64_t L, int64_t lp);
static void pixel_transpose_all(PCtx *c);
static int pixel_work_chunks(PCtx *c, int tid);
static void pixel_reduce_adam(PCtx *c, int part, int parts);
static int pixel_check_work(const PCtx *c, uint64_t ctxOff, int tid, uint64_t lo, uint64_t size);
static int pixel_check_reduce(const PCtx *c, uint64_t ctxOff, int part, int parts, uint64_t lo,
                              uint64_t size);
static int pixel_check_transpose(const PCtx *c, uint64_t ctxOff, uint64_t lo, uint64_t size);

#endif
