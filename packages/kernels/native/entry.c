/*
 * The entry points of both models (the kind field of the context block picks one) and the layout
 * queries. Part of kernels.c.
 */
#include "kernel.h"

/*
 * Layout of the pixel model (a pure function of its sizes, so the driver allocates from it):
 * `which` is a LAYOUT_* query (boundary.h); LAYOUT_SEGMENT + s gives segment s's offset.
 */
EXPORT(pixel_layout) int pixel_layout(int which, int kind, int dp, int hp, int L, int lp, int cr) {
  if (!in_range(which, LAYOUT_PARAMS, LAYOUT_SEGMENT + S_COUNT - 1) ||
      (kind != KIND_PIXEL_HNN && kind != KIND_PIXEL_BASELINE) || !in_range(dp, 1, MAX_DIM) ||
      !in_range(hp, 1, MAX_DIM) || !in_range(L, 1, MAX_DIM) || !in_range(lp, 1, MAX_DIM) ||
      !in_range(cr, 1, MAX_DIM)) {
    return K_BAD_FIELD;
  }
  int64_t n;
  if (which == LAYOUT_PARAMS) n = seg_off_of(kind, dp, hp, L, lp, S_COUNT);
  else if (which == LAYOUT_SCRATCH) n = pixel_scratch_floats(cr, dp, hp, L, lp);
  else if (which == LAYOUT_TRANSPOSED) n = wt_off_of(dp, hp, S_V2) + (int64_t)lp * lp;
  else n = seg_off_of(kind, dp, hp, L, lp, which - LAYOUT_SEGMENT);
  return n <= INT32_MAX ? (int)n : K_BAD_FIELD;
}

/* Block sizes the driver must respect, by BLOCK_* query (boundary.h). */
EXPORT(kernel_block) int kernel_block(int which) {
  return which == BLOCK_ROWS ? MR : which == BLOCK_COLUMNS ? NR * VW : VW;
}

/*
 * Entry points. `origin` is the region's start (WebAssembly: 0, the linear memory's start), `lo`
 * the first byte buffers may use (WebAssembly: __heap_base, below which lie the module's data and
 * stack), `size` the region's bytes, `ctxOff` the context's byte offset. The context's first word
 * (kind) tells the MLP's Ctx from the pixel model's PCtx.
 */
#define CTX_AT(T) ((T *)(origin + ctxOff))
#define ENTER_KIND()                                                                               \
  if (!inside(ctxOff, 1, 4, lo, size)) return K_BAD_CONTEXT;                                       \
  const int pixel = *CTX_AT(int32_t) >= KIND_PIXEL_HNN;                                            \
  if (pixel ? !ctx_ok(ctxOff, sizeof(PCtx) / 4, lo, size, &CTX_AT(PCtx)->self)                     \
            : !ctx_ok(ctxOff, sizeof(Ctx) / 4, lo, size, &CTX_AT(Ctx)->self)) {                   \
    return K_BAD_CONTEXT;                                                                          \
  }

static int k_transpose_w2(uintptr_t origin, uint64_t lo, uint64_t size, uint32_t ctxOff) {
  ENTER_KIND();
  const int err = pixel ? pixel_check_transpose(CTX_AT(PCtx), ctxOff, lo, size)
                        : mlp_check_transpose(CTX_AT(Ctx), ctxOff, lo, size);
  if (err) return err;
  if (pixel) pixel_transpose_all(CTX_AT(PCtx));
  else transpose_w2(CTX_AT(Ctx));
  return 0;
}

static int k_work_chunks(uintptr_t origin, uint64_t lo, uint64_t size, uint32_t ctxOff, int tid) {
  ENTER_KIND();
  const int err = pixel ? pixel_check_work(CTX_AT(PCtx), ctxOff, tid, lo, size)
                        : mlp_check_work(CTX_AT(Ctx), ctxOff, tid, lo, size);
  if (err) return err;
  return pixel ? pixel_work_chunks(CTX_AT(PCtx), tid) : work_chunks(CTX_AT(Ctx), tid);
}

static int k_reduce_adam(uintptr_t origin, uint64_t lo, uint64_t size, uint32_t ctxOff, int part,
                         int parts) {
  ENTER_KIND();
  const int err = pixel ? pixel_check_reduce(CTX_AT(PCtx), ctxOff, part, parts, lo, size)
                        : mlp_check_reduce(CTX_AT(Ctx), ctxOff, part, parts, lo, size);
  if (err) return err;
  if (pixel) pixel_reduce_adam(CTX_AT(PCtx), part, parts);
  else reduce_adam(CTX_AT(Ctx), part, parts);
  return 0;
}

static int k_rng_seed(uintptr_t origin, uint64_t lo, uint64_t size, uint32_t ctxOff, uint32_t seed) {
  if (!ctx_ok(ctxOff, sizeof(Ctx) / 4, lo, size, &CTX_AT(Ctx)->self)) return K_BAD_CONTEXT;
  const int err = rng_check(CTX_AT(Ctx), ctxOff, 0, lo, size);
  if (err) return err;
  rng_seed(CTX_AT(Ctx), seed);
  return 0;
}

static int k_permute(uintptr_t origin, uint64_t lo, uint64_t size, uint32_t ctxOff) {
  if (!ctx_ok(ctxOff, sizeof(Ctx) / 4, lo, size, &CTX_AT(Ctx)->self)) return K_BAD_CONTEXT;
  const int err = rng_check(CTX_AT(Ctx), ctxOff, 1, lo, size);
  if (err) return err;
  permute(CTX_AT(Ctx));
  return 0;
}

static int k_f64_product(uintptr_t origin, uint64_t lo, uint64_t size, uint32_t ctxOff) {
  if (!ctx_ok(ctxOff, sizeof(Ctx64) / 4, lo, size, &CTX_AT(Ctx64)->self)) return K_BAD_CONTEXT;
  const int err = f64_check(CTX_AT(Ctx64), ctxOff, lo, size);
  if (err) return err;
  f64_product(CTX_AT(Ctx64));
  return 0;
}
#undef ENTER_KIND
#undef CTX_AT

#if defined(__wasm__)
/* The whole linear memory is the region; the module's data and stack lie below __heap_base. */
extern unsigned char __heap_base;
#define WASM_REGION 0, (uint64_t)(uintptr_t)&__heap_base, (uint64_t)__builtin_wasm_memory_size(0) * 65536
EXPORT(transpose_w2) int transpose_w2_entry(uint32_t ctx) { return k_transpose_w2(WASM_REGION, ctx); }
EXPORT(work_chunks) int work_chunks_entry(uint32_t ctx, int tid) {
  return k_work_chunks(WASM_REGION, ctx, tid);
}
EXPORT(reduce_adam) int reduce_adam_entry(uint32_t ctx, int part, int parts) {
  return k_reduce_adam(WASM_REGION, ctx, part, parts);
}
EXPORT(rng_seed) int rng_seed_entry(uint32_t ctx, uint32_t seed) {
  return k_rng_seed(WASM_REGION, ctx, seed);
}
EXPORT(permute) int permute_entry(uint32_t ctx) { return k_permute(WASM_REGION, ctx); }
EXPORT(f64_product) int f64_product_entry(uint32_t ctx) { return k_f64_product(WASM_REGION, ctx); }
#undef WASM_REGION
#endif
