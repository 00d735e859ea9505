/*
 * One fused training step of the paper's MLP models (input d -> hp -> hp -> out, tanh, no bias on
 * the last layer) in float32: forward, MSE loss, exact backward (for the HNN the loss is a function
 * of dH/dx, so its parameter gradient is a second derivative; written out by hand below) and
 * torch-style Adam with L2 weight decay.
 *
 * Compiled to WebAssembly SIMD128 (see scripts/build-wasm.mjs). The JavaScript driver
 * (src/fast/fused-trainer.ts) owns the memory layout and the threads; this file only computes.
 *
 * Work is split so that the result does not depend on how many threads run or which thread takes
 * which piece: phase 1 hands out fixed chunks of batch rows through an atomic counter, and every
 * chunk writes its own partial gradient; phase 2 splits the parameters into static slices, and
 * each slice sums the chunk partials in chunk order before its Adam update. So one thread and two
 * threads give bit-identical parameters.
 *
 * Notation (per chunk of rows, row-major (rows x width) buffers):
 *   h1 = tanh(x W1 + b1), h2 = tanh(h1 W2 + b2), s_l = 1 - h_l^2
 *   HNN:      H = h2 w3; g2 = w3 * s2; u1 = g2 W2^T; g1 = u1 * s1; dH/dx = g1 W1^T;
 *             prediction = (dH/dp, -dH/dq) (paper Eq. 2).
 *   baseline: prediction = h2 W3.
 * Adjoints carry a "b" (ub1 = d loss / d u1, ...).
 */

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
#error "fused-step.c needs wasm32 SIMD128, AVX2 or AVX-512 (see scripts/build-wasm.mjs, build-native.mjs)"
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

/* Shared state of one model's training, written by the driver. Every field is 4 bytes; the driver
 * writes them at offset 4 * (field index), in this order. Buffers are byte offsets (unsigned 32-bit)
 * from the start of the memory region that holds this Ctx at offset `self` (WebAssembly: the linear
 * memory; native: the driver's allocation), so the layout is the same for every build. Regions are at
 * most 4 GiB - 64 KiB (MAX_REGION_BYTES in src/fast/engines.ts); every address is computed as
 * region start + (size_t) offset, and the entry points check each buffer against the region before
 * using it (see "Boundary checks" below). */
typedef struct {
  int32_t kind;      /* 0: HNN (scalar H), 1: baseline (outputs d) */
  int32_t d;         /* input dimension */
  int32_t hp;        /* hidden width, padded with zero units to a multiple of NR * VW */
  int32_t nOut;      /* 1 (HNN) or d (baseline) */
  int32_t nParams;   /* parameters in the internal layout */
  int32_t rows;      /* rows of this call's batch */
  int32_t chunkRows; /* rows per chunk, a multiple of MR */
  int32_t nChunks;
  int32_t counter; /* next chunk to hand out (atomic) */
  int32_t wantGrad;
  uint32_t x;        /* float data set, row-major (nRows x d) */
  uint32_t dx;       /* float targets, row-major (nRows x d) */
  uint32_t idx;      /* int32 batch row indices into x, or 0 for rows 0..rows-1 */
  uint32_t p;        /* float parameters: W1 (d x hp), b1, W2 (hp x hp), b2, W3^T (nOut x hp) */
  uint32_t m;        /* float Adam first moments */
  uint32_t v;        /* float Adam second moments */
  uint32_t w2t;      /* float W2 transposed (hp x hp) */
  uint32_t grads;    /* float nChunks partial gradients of nParams each */
  uint32_t lossPart; /* double nChunks sums of squared errors */
  uint32_t scratch;  /* float per-thread work buffers */
  int32_t scratchFloats; /* floats per thread */
  float lossScale;   /* 2 / (rows * d): d loss / d prediction per unit error */
  float stepSize;    /* lr / (1 - beta1^t) */
  float bc2Sqrt;     /* sqrt(1 - beta2^t) */
  float beta1;
  float oneMinusBeta1; /* computed in float64 by the driver, as the TensorFlow.js path does */
  float beta2;
  float oneMinusBeta2;
  float eps;
  float weightDecay;
  uint32_t self;   /* byte offset of this Ctx in its memory region */
  uint32_t rng;    /* uint32 MT19937 state: 624 words, then the index of the next word */
  uint32_t perm;   /* int32 permutation buffer of permLen entries; idx points at it */
  int32_t permLen; /* rows to permute (the training set) */
  int32_t nRows;   /* rows of the data set x and dx point at (batch indices must be below it) */
} Ctx;

_Static_assert(sizeof(Ctx) == 35 * 4, "Ctx layout is shared with the driver");

static inline char *region(const Ctx *c) { return (char *)c - c->self; }
static inline float *F32(const Ctx *c, uint32_t off) { return (float *)(region(c) + off); }

/*
 * Boundary checks. The entry points below take a region (its start, the first byte buffers may
 * use, its size) and a context offset from the JavaScript driver, and check everything before any
 * other read or write: the context lies inside the region, its size fields agree with each other,
 * every buffer the call touches lies inside the region, aligned, and apart from the buffers the
 * call writes (so no write can change a checked field, index or buffer), thread and slice numbers
 * are in range, and every batch row index is below the data set's row count. A failed check
 * returns one of these codes (src/fast/kernel-errors.ts turns them into a FusedKernelError) and
 * touches nothing. No local arrays: WebAssembly threads share the shadow stack.
 */
enum {
  K_BAD_CONTEXT = -1,  /* context offset outside the region or misaligned, or `self` disagrees */
  K_BAD_FIELD = -2,    /* a size field out of range or inconsistent with the others */
  K_BAD_BUFFER = -3,   /* a buffer outside the region, misaligned, or overlapping a written one */
  K_BAD_THREAD = -4,   /* thread id, slice number or slice count out of range */
  K_BAD_INDEX = -5,    /* a batch row index outside the data set */
  K_BAD_REGION = -6,   /* native: the address is not a live region of this addon */
  K_BAD_ARGUMENT = -7, /* native: an argument is not an integer in range */
};

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

/* The MLP's sizes agree: kind, d (even for the HNN), hp padded, nOut, nParams. */
static int mlp_shape_ok(const Ctx *c) {
  if (c->kind != 0 && c->kind != 1) return 0;
  if (!in_range(c->d, 1, MAX_DIM) || (c->kind == 0 && c->d % 2 != 0)) return 0;
  if (!in_range(c->hp, NR * VW, MAX_DIM) || c->hp % (NR * VW) != 0) return 0;
  if (c->nOut != (c->kind == 0 ? 1 : c->d)) return 0;
  const int64_t np = (int64_t)c->hp * ((int64_t)c->d + 2 + c->hp + c->nOut);
  return np <= INT32_MAX && c->nParams == np;
}

/* Parameter offsets (floats) in the internal layout. */
static inline int32_t offB1(const Ctx *c) { return c->d * c->hp; }
static inline int32_t offW2(const Ctx *c) { return offB1(c) + c->hp; }
static inline int32_t offB2(const Ctx *c) { return offW2(c) + c->hp * c->hp; }
static inline int32_t offW3(const Ctx *c) { return offB2(c) + c->hp; }

#define UNROLL _Pragma("clang loop unroll(full)")

/*
 * C (nr x n) = A (nr x k) M (k x n), all row-major; mode 0: store, 1: store + bias row,
 * 2: accumulate into C. nr is a multiple of MR, n of NR * VW.
 */
static void gemm_nn(const float *restrict a, const float *restrict mat, float *restrict c,
                    const float *restrict bias, int nr, int k, int n, int mode) {
  for (int j = 0; j < n; j += NR * VW) {
    for (int i = 0; i < nr; i += MR) {
      vf acc[MR][NR];
      UNROLL for (int r = 0; r < MR; r++) UNROLL for (int q = 0; q < NR; q++) acc[r][q] = (vf){0};
      const float *ap = a + i * k;
      const float *mp = mat + j;
      for (int kk = 0; kk < k; kk++, mp += n) {
        vf b[NR];
        UNROLL for (int q = 0; q < NR; q++) b[q] = vload(mp + q * VW);
        UNROLL for (int r = 0; r < MR; r++) {
          vf x = vsplat(ap[r * k + kk]);
          UNROLL for (int q = 0; q < NR; q++) acc[r][q] += x * b[q];
        }
      }
      UNROLL for (int r = 0; r < MR; r++) {
        float *o = c + (i + r) * n + j;
        UNROLL for (int q = 0; q < NR; q++) {
          vf v = acc[r][q];
          if (mode == 1) v += vload(bias + j + q * VW);
          else if (mode == 2) v += vload(o + q * VW);
          vstore(o + q * VW, v);
        }
      }
    }
  }
}

/*
 * G (k x n) = P1^T Q1 (+ P2^T Q2 when p2 != 0), P (rows x k), Q (rows x n), row-major: the
 * weight gradient, with the batch as the inner dimension. k is a multiple of TR.
 */
static void gemm_tn(const float *restrict p1, const float *restrict q1, const float *restrict p2,
                    const float *restrict q2, float *restrict g, int rows, int k, int n) {
  for (int j = 0; j < n; j += NR * VW) {
    for (int i = 0; i < k; i += TR) {
      vf acc[TR][NR];
      UNROLL for (int r = 0; r < TR; r++) UNROLL for (int q = 0; q < NR; q++) acc[r][q] = (vf){0};
      for (int pass = 0; pass < 2; pass++) {
        const float *pp = pass == 0 ? p1 : p2;
        const float *qq = pass == 0 ? q1 : q2;
        if (pp == 0) break;
        pp += i;
        qq += j;
        for (int r = 0; r < rows; r++, pp += k, qq += n) {
          vf b[NR];
          UNROLL for (int q = 0; q < NR; q++) b[q] = vload(qq + q * VW);
          UNROLL for (int t = 0; t < TR; t++) {
            vf x = vsplat(pp[t]);
            UNROLL for (int q = 0; q < NR; q++) acc[t][q] += x * b[q];
          }
        }
      }
      UNROLL for (int t = 0; t < TR; t++) UNROLL for (int q = 0; q < NR; q++)
        vstore(g + (i + t) * n + j + q * VW, acc[t][q]);
    }
  }
}

/* h (nr x hp) = act(x W + b) for a narrow x (nr x d), W (d x hp); act 0: none, 1: tanh, 2: relu. */
static void small_layer(const float *x, int d, const float *w, const float *b, float *h, int nr,
                        int hp, int act) {
  for (int r = 0; r < nr; r++) {
    const float *xr = x + r * d;
    float *hr = h + r * hp;
    for (int k = 0; k < hp; k += VW) {
      vf acc = vload(b + k);
      for (int i = 0; i < d; i++) acc += xr[i] * vload(w + i * hp + k);
      if (act == 1) acc = vtanh(acc);
      else if (act == 2) acc = vmax(acc, vsplat(0.0f));
      vstore(hr + k, acc);
    }
  }
}

/* h (nr x hp) = tanh(x W1 + b1) for x (nr x d). */
static void first_layer(const Ctx *c, const float *x, float *h, int nr) {
  const float *w1 = F32(c, c->p);
  small_layer(x, c->d, w1, w1 + offB1(c), h, nr, c->hp, 1);
}

/* In place tanh of an (nr x hp) buffer. */
static void tanh_rows(float *h, int count) {
  for (int k = 0; k < count; k += VW) vstore(h + k, vtanh(vload(h + k)));
}

/* gW (d x hp) (+)= x^T a for a narrow x (nr x d), gb (hp) = column sums of a. */
static void small_layer_grad(const float *x, int d, int hp, const float *a, float *gw, float *gb,
                             int nr, int accumulate) {
  for (int k = 0; k < hp; k += VW) {
    vf sb = {0};
    for (int r = 0; r < nr; r++) sb += vload(a + r * hp + k);
    vstore(gb + k, sb);
  }
  for (int i = 0; i < d; i++) {
    float *gr = gw + i * hp;
    for (int k = 0; k < hp; k += VW) {
      vf acc = accumulate ? vload(gr + k) : (vf){0};
      for (int r = 0; r < nr; r++) acc += x[r * d + i] * vload(a + r * hp + k);
      vstore(gr + k, acc);
    }
  }
}

/* Thread tid's work buffers: x, y, e (chunkRows x d) then eight (chunkRows x hp) ones. */
static float *buffer(const Ctx *c, int tid, int which) {
  const int cr = c->chunkRows;
  float *base = F32(c, c->scratch) + (int64_t)tid * c->scratchFloats;
  if (which < 3) return base + which * cr * c->d;
  return base + 3 * cr * c->d + (which - 3) * cr * c->hp;
}

/* Copies the chunk's rows (through idx) into x, y and zero-pads them to nr rows. */
static void gather(const Ctx *c, int first, int n, int nr, float *xb, float *yb) {
  const int d = c->d;
  const float *x = F32(c, c->x), *dx = F32(c, c->dx);
  const int32_t *idx = c->idx ? (const int32_t *)(region(c) + c->idx) : 0;
  for (int r = 0; r < nr; r++) {
    if (r < n) {
      const int row = idx ? idx[first + r] : first + r;
      for (int i = 0; i < d; i++) {
        xb[r * d + i] = x[row * d + i];
        yb[r * d + i] = dx[row * d + i];
      }
    } else {
      for (int i = 0; i < d; i++) xb[r * d + i] = yb[r * d + i] = 0;
    }
  }
}

/*
 * The MLP's passes on explicit pointers (shared with fused-pixel.c's latent model). W1 (d x hp),
 * W2 (hp x hp), W2^T, and w3 = the HNN's last layer (hp) or the baseline's W3^T (nOut x hp).
 */

/*
 * z (nr x L) = h (nr x hp) W (+ b) for a narrow W stored transposed, wT (L x hp): one dot product
 * per output; accumulate: z += h W instead.
 */
static void narrow_out(const float *h, const float *wT, const float *b, float *z, int nr, int hp,
                       int L, int accumulate) {
  for (int r = 0; r < nr; r++)
    for (int l = 0; l < L; l++) {
      vf acc = {0};
      for (int k = 0; k < hp; k += VW) acc += vload(h + r * hp + k) * vload(wT + l * hp + k);
      float s = vsum(acc);
      if (b) s += b[l];
      z[r * L + l] = accumulate ? z[r * L + l] + s : s;
    }
}

/* HNN forward: h1, h2, g2 = w3 s2, u1 = g2 W2^T, g1 = u1 s1 and gx = dH/dx = g1 W1^T (nr x d). */
static void hnn_forward(const float *x, int d, int hp, const float *w1, const float *b1,
                        const float *w2, const float *b2, const float *w3, const float *w2t,
                        int nr, float *h1, float *h2, float *g2, float *u1, float *g1, float *gx) {
  const int cnt = nr * hp;
  small_layer(x, d, w1, b1, h1, nr, hp, 1);
  gemm_nn(h1, w2, h2, b2, nr, hp, hp, 1);
  tanh_rows(h2, cnt);
  for (int r = 0; r < nr; r++)
    for (int k = 0; k < hp; k += VW) {
      vf h = vload(h2 + r * hp + k);
      vstore(g2 + r * hp + k, vload(w3 + k) * (1.0f - h * h));
    }
  gemm_nn(g2, w2t, u1, 0, nr, hp, hp, 0);
  for (int k = 0; k < cnt; k += VW) {
    vf h = vload(h1 + k);
    vstore(g1 + k, vload(u1 + k) * (1.0f - h * h));
  }
  narrow_out(g1, w1, 0, gx, nr, hp, d, 0);
}

/*
 * HNN backward from e = d loss / d (dH/dx) (nr x d), the forward's buffers: writes gW1, gb1,
 * gW2, gb2 (gb2s), gw3, and leaves d loss / d (x W1 + b1) in hb1. g1 is only read first, so it may
 * share memory with gb2 or a2.
 */
static void hnn_backward(const float *x, const float *e, int d, int hp, const float *w1,
                         const float *w2, const float *w3, const float *w2t, int nr,
                         const float *h1, const float *h2, const float *g2, const float *u1,
                         const float *g1, float *ub1, float *gb2, float *a2, float *hb1,
                         float *gw1, float *gb1, float *gw2, float *gb2s, float *gw3) {
  const int cnt = nr * hp;
  /* gW1 = e^T g1 (first half of W1's gradient; the x^T a1 part is added at the end). */
  for (int i = 0; i < d; i++)
    for (int k = 0; k < hp; k += VW) {
      vf acc = {0};
      for (int r = 0; r < nr; r++) acc += e[r * d + i] * vload(g1 + r * hp + k);
      vstore(gw1 + i * hp + k, acc);
    }
  /* gb1 = e W1; ub1 = gb1 * s1; hb1 = -2 h1 (gb1 * u1) (through s1 = 1 - h1^2). */
  for (int r = 0; r < nr; r++)
    for (int k = 0; k < hp; k += VW) {
      vf gb = {0};
      for (int i = 0; i < d; i++) gb += e[r * d + i] * vload(w1 + i * hp + k);
      const int o = r * hp + k;
      vf h = vload(h1 + o);
      vstore(ub1 + o, gb * (1.0f - h * h));
      vstore(hb1 + o, -2.0f * h * gb * vload(u1 + o));
    }
  gemm_nn(ub1, w2, gb2, 0, nr, hp, hp, 0);
  /* gw3 = sum gb2 * s2; a2 = -2 h2 s2 (gb2 * w3); gb2s = sum a2. */
  for (int k = 0; k < hp; k += VW) {
    vf sw = {0}, sb = {0};
    vf w = vload(w3 + k);
    for (int r = 0; r < nr; r++) {
      const int o = r * hp + k;
      vf h = vload(h2 + o);
      vf s = 1.0f - h * h;
      vf gb = vload(gb2 + o);
      sw += gb * s;
      vf a = -2.0f * h * s * (gb * w);
      vstore(a2 + o, a);
      sb += a;
    }
    vstore(gw3 + k, sw);
    vstore(gb2s + k, sb);
  }
  gemm_tn(ub1, g2, h1, a2, gw2, nr, hp, hp);
  gemm_nn(a2, w2t, hb1, 0, nr, hp, hp, 2);
  for (int k = 0; k < cnt; k += VW) {
    vf h = vload(h1 + k);
    vstore(hb1 + k, vload(hb1 + k) * (1.0f - h * h));
  }
  small_layer_grad(x, d, hp, hb1, gw1, gb1, nr, 1);
}

/*
 * Baseline backward from e = d loss / d output (nr x nOut): writes gW1, gb1, gW2, gb2, gW3^T and
 * leaves d loss / d (x W1 + b1) in hb1.
 */
static void baseline_backward(const float *x, const float *e, int d, int hp, int nOut,
                              const float *w3t, const float *w2t, int nr, const float *h1,
                              const float *h2, float *a2, float *hb1, float *gw1, float *gb1,
                              float *gw2, float *gb2, float *gw3t) {
  const int cnt = nr * hp;
  /* gW3^T (nOut x hp) = e^T h2. */
  for (int o = 0; o < nOut; o++)
    for (int k = 0; k < hp; k += VW) {
      vf acc = {0};
      for (int r = 0; r < nr; r++) acc += e[r * nOut + o] * vload(h2 + r * hp + k);
      vstore(gw3t + o * hp + k, acc);
    }
  /* a2 = (e W3^T) * s2; gb2 = sum a2. */
  for (int k = 0; k < hp; k += VW) {
    vf sb = {0};
    for (int r = 0; r < nr; r++) {
      vf acc = {0};
      for (int o = 0; o < nOut; o++) acc += e[r * nOut + o] * vload(w3t + o * hp + k);
      const int off = r * hp + k;
      vf h = vload(h2 + off);
      vf a = acc * (1.0f - h * h);
      vstore(a2 + off, a);
      sb += a;
    }
    vstore(gb2 + k, sb);
  }
  gemm_tn(h1, a2, 0, 0, gw2, nr, hp, hp);
  gemm_nn(a2, w2t, hb1, 0, nr, hp, hp, 0);
  for (int k = 0; k < cnt; k += VW) {
    vf h = vload(h1 + k);
    vstore(hb1 + k, vload(hb1 + k) * (1.0f - h * h));
  }
  small_layer_grad(x, d, hp, hb1, gw1, gb1, nr, 0);
}

static double hnn_chunk(const Ctx *c, int tid, int first, int n, int nr, float *g) {
  const int d = c->d, hp = c->hp, half = d / 2;
  const float *w1 = F32(c, c->p), *w2 = w1 + offW2(c), *w3 = w1 + offW3(c);
  const float *w2t = F32(c, c->w2t);
  float *xb = buffer(c, tid, 0), *yb = buffer(c, tid, 1), *eb = buffer(c, tid, 2);
  float *h1 = buffer(c, tid, 3), *h2 = buffer(c, tid, 4), *g2 = buffer(c, tid, 5);
  float *u1 = buffer(c, tid, 6), *ub1 = buffer(c, tid, 7), *gb2 = buffer(c, tid, 8);
  float *a2 = buffer(c, tid, 9), *hb1 = buffer(c, tid, 10);
  float *g1 = gb2; /* g1 is dead before gb2 is written */

  gather(c, first, n, nr, xb, yb);
  /* eb = dH/dx first, overwritten pairwise by the adjoint below. */
  hnn_forward(xb, d, hp, w1, w1 + offB1(c), w2, w1 + offB2(c), w3, w2t, nr, h1, h2, g2, u1, g1,
              eb);
  double loss = 0;
  for (int r = 0; r < nr; r++) {
    float *gx = eb + r * d;
    for (int i = 0; i < half; i++) {
      float eq = r < n ? gx[half + i] - yb[r * d + i] : 0.0f;
      float ep = r < n ? -gx[i] - yb[r * d + half + i] : 0.0f;
      loss += (double)eq * eq + (double)ep * ep;
      /* d loss / d (dH/dp) = d loss / d pred_q; d loss / d (dH/dq) = -d loss / d pred_p. */
      eb[r * d + half + i] = c->lossScale * eq;
      eb[r * d + i] = -c->lossScale * ep;
    }
  }
  if (!c->wantGrad) return loss;
  hnn_backward(xb, eb, d, hp, w1, w2, w3, w2t, nr, h1, h2, g2, u1, g1, ub1, gb2, a2, hb1, g,
               g + offB1(c), g + offW2(c), g + offB2(c), g + offW3(c));
  return loss;
}

static double baseline_chunk(const Ctx *c, int tid, int first, int n, int nr, float *g) {
  const int d = c->d, hp = c->hp, cnt = nr * hp;
  const float *w2 = F32(c, c->p) + offW2(c), *w3 = F32(c, c->p) + offW3(c);
  float *xb = buffer(c, tid, 0), *yb = buffer(c, tid, 1), *eb = buffer(c, tid, 2);
  float *h1 = buffer(c, tid, 3), *h2 = buffer(c, tid, 4), *a2 = buffer(c, tid, 5);
  float *hb1 = buffer(c, tid, 6);

  gather(c, first, n, nr, xb, yb);
  first_layer(c, xb, h1, nr);
  gemm_nn(h1, w2, h2, F32(c, c->p) + offB2(c), nr, hp, hp, 1);
  tanh_rows(h2, cnt);
  double loss = 0;
  for (int r = 0; r < nr; r++)
    for (int o = 0; o < d; o++) {
      vf acc = {0};
      for (int k = 0; k < hp; k += VW) acc += vload(h2 + r * hp + k) * vload(w3 + o * hp + k);
      float e = r < n ? vsum(acc) - yb[r * d + o] : 0.0f;
      loss += (double)e * e;
      eb[r * d + o] = c->lossScale * e;
    }
  if (!c->wantGrad) return loss;
  baseline_backward(xb, eb, d, hp, d, w3, F32(c, c->w2t), nr, h1, h2, a2, hb1, g, g + offB1(c),
                    g + offW2(c), g + offB2(c), g + offW3(c));
  return loss;
}

/*
 * Minibatches exactly as numpy's RandomState (and @hnn/random): MT19937 seeded by init_genrand,
 * permutation = Fisher-Yates from the end with random_interval's mask-and-reject draws. The
 * reference takes the first batch-size entries of a fresh permutation every step.
 */
#define MT_N 624
#define MT_M 397

static void rng_seed(Ctx *c, uint32_t seed) {
  uint32_t *mt = (uint32_t *)(region(c) + c->rng);
  mt[0] = seed;
  for (uint32_t i = 1; i < MT_N; i++) mt[i] = 1812433253u * (mt[i - 1] ^ (mt[i - 1] >> 30)) + i;
  mt[MT_N] = MT_N;
}

static void mt_twist(uint32_t *mt) {
  int kk = 0;
  for (; kk < MT_N - MT_M; kk++) {
    uint32_t y = (mt[kk] & 0x80000000u) | (mt[kk + 1] & 0x7fffffffu);
    mt[kk] = mt[kk + MT_M] ^ (y >> 1) ^ ((y & 1u) ? 0x9908b0dfu : 0u);
  }
  for (; kk < MT_N - 1; kk++) {
    uint32_t y = (mt[kk] & 0x80000000u) | (mt[kk + 1] & 0x7fffffffu);
    mt[kk] = mt[kk + (MT_M - MT_N)] ^ (y >> 1) ^ ((y & 1u) ? 0x9908b0dfu : 0u);
  }
  uint32_t y = (mt[MT_N - 1] & 0x80000000u) | (mt[0] & 0x7fffffffu);
  mt[MT_N - 1] = mt[MT_M - 1] ^ (y >> 1) ^ ((y & 1u) ? 0x9908b0dfu : 0u);
  mt[MT_N] = 0;
}

static inline uint32_t mt_next(uint32_t *mt) {
  if (mt[MT_N] >= MT_N) mt_twist(mt);
  uint32_t y = mt[mt[MT_N]++];
  y ^= y >> 11;
  y ^= (y << 7) & 0x9d2c5680u;
  y ^= (y << 15) & 0xefc60000u;
  y ^= y >> 18;
  return y;
}

/* perm = a fresh permutation of 0..permLen-1 (numpy's RandomState.permutation). */
static void permute(Ctx *c) {
  uint32_t *mt = (uint32_t *)(region(c) + c->rng);
  int32_t *perm = (int32_t *)(region(c) + c->perm);
  const int n = c->permLen;
  for (int i = 0; i < n; i++) perm[i] = i;
  for (int i = n - 1; i > 0; i--) {
    uint32_t max = (uint32_t)i, mask = max;
    mask |= mask >> 1;
    mask |= mask >> 2;
    mask |= mask >> 4;
    mask |= mask >> 8;
    mask |= mask >> 16;
    uint32_t j;
    do {
      j = mt_next(mt) & mask;
    } while (j > max);
    const int32_t t = perm[i];
    perm[i] = perm[j];
    perm[j] = t;
  }
}

/*
 * Float64 products for the rollout evaluators (src/float64.ts): one state at a time, the
 * hidden-by-hidden layer only (the activations stay in JavaScript, with Math.tanh). Vectors of
 * VW / 2 doubles; summation order differs from the scalar loops only by rounding (~1e-16).
 */
typedef double vd __attribute__((vector_size(VW * 4), aligned(8)));
#define VD (VW / 2)
static inline vd vdload(const double *p) {
  vd v;
  __builtin_memcpy(&v, p, sizeof v);
  return v;
}
static inline void vdstore(double *p, vd v) { __builtin_memcpy(p, &v, sizeof v); }

/* Field block at the Ctx64 offset: op, nIn, nOut, w, b, h, out (4 bytes each), then self. */
typedef struct {
  int32_t op; /* 0: out = b + h W (W nIn x nOut row-major); 1: out = W h (dot with each row) */
  int32_t nIn;
  int32_t nOut;
  uint32_t w;
  uint32_t b;
  uint32_t h;
  uint32_t out;
  uint32_t self;
} Ctx64;

static void f64_product(Ctx64 *c) {
  char *base = (char *)c - c->self;
  const double *w = (const double *)(base + c->w);
  const double *h = (const double *)(base + c->h);
  double *out = (double *)(base + c->out);
  const int nIn = c->nIn, nOut = c->nOut;
  if (c->op == 0) {
    const double *b = (const double *)(base + c->b);
    int j = 0;
    for (; j + 4 * VD <= nOut; j += 4 * VD) {
      vd a0 = vdload(b + j), a1 = vdload(b + j + VD), a2 = vdload(b + j + 2 * VD);
      vd a3 = vdload(b + j + 3 * VD);
      for (int i = 0; i < nIn; i++) {
        const double x = h[i];
        const double *r = w + (int64_t)i * nOut + j;
        a0 += x * vdload(r);
        a1 += x * vdload(r + VD);
        a2 += x * vdload(r + 2 * VD);
        a3 += x * vdload(r + 3 * VD);
      }
      vdstore(out + j, a0);
      vdstore(out + j + VD, a1);
      vdstore(out + j + 2 * VD, a2);
      vdstore(out + j + 3 * VD, a3);
    }
    for (; j < nOut; j++) {
      double a = b[j];
      for (int i = 0; i < nIn; i++) a += h[i] * w[(int64_t)i * nOut + j];
      out[j] = a;
    }
  } else {
    /* out[i] = sum_j W[i][j] h[j] for i < nIn. */
    for (int i = 0; i < nIn; i++) {
      const double *r = w + (int64_t)i * nOut;
      vd s0 = {0}, s1 = {0};
      int j = 0;
      for (; j + 2 * VD <= nOut; j += 2 * VD) {
        s0 += vdload(r + j) * vdload(h + j);
        s1 += vdload(r + j + VD) * vdload(h + j + VD);
      }
      s0 += s1;
      double s = 0;
      for (int l = 0; l < VD; l++) s += s0[l];
      for (; j < nOut; j++) s += r[j] * h[j];
      out[i] = s;
    }
  }
}

/*
 * Adam (torch.optim.Adam, L2 decay added to the gradient) on the VW parameters at k: sums the
 * nChunks partial gradients (np floats apart) in chunk order, updates m, v and p in place and
 * returns the new p.
 */
static inline vf adam_vector(const float *grads, int nChunks, int np, int k, float *pp, float *mp,
                             float *vp, float b1, float omb1, float b2, float omb2, float wd,
                             float step, float bc2, float eps) {
  vf g = vload(grads + k);
  for (int ch = 1; ch < nChunks; ch++) g += vload(grads + (int64_t)ch * np + k);
  vf p = vload(pp + k);
  g += wd * p;
  vf m = b1 * vload(mp + k) + omb1 * g;
  vf v = b2 * vload(vp + k) + omb2 * (g * g);
  vf denom = vsqrt(v) / bc2 + eps;
  p -= (m / denom) * step;
  vstore(mp + k, m);
  vstore(vp + k, v);
  vstore(pp + k, p);
  return p;
}

/* Writes the VW lanes of p down a column of a transposed copy: t[l * stride] = p[l]. */
static inline void store_column(float *t, int stride, vf p) {
  UNROLL for (int l = 0; l < VW; l++) t[l * stride] = lane(p, l);
}

/* The pixel-pendulum model's step (kinds 2 and 3), dispatched from the entry points below. */
#include "fused-pixel.c"

/*
 * Layout of the pixel model (a pure function of its sizes, so the driver allocates from it):
 * which 0: parameters (floats), 1: work floats per thread, 2: transposed-copy floats,
 * 3 + s: offset of parameter segment s (see fused-pixel.c).
 */
EXPORT(pixel_layout) int pixel_layout(int which, int kind, int dp, int hp, int L, int lp, int cr) {
  if (!in_range(which, 0, 2 + S_COUNT) || (kind != 2 && kind != 3) || !in_range(dp, 1, MAX_DIM) ||
      !in_range(hp, 1, MAX_DIM) || !in_range(L, 1, MAX_DIM) || !in_range(lp, 1, MAX_DIM) ||
      !in_range(cr, 1, MAX_DIM)) {
    return K_BAD_FIELD;
  }
  int64_t n;
  if (which == 0) n = seg_off_of(kind, dp, hp, L, lp, S_COUNT);
  else if (which == 1) n = pixel_scratch_floats(cr, dp, hp, L, lp);
  else if (which == 2) n = wt_off_of(dp, hp, S_V2) + (int64_t)lp * lp;
  else n = seg_off_of(kind, dp, hp, L, lp, which - 3);
  return n <= INT32_MAX ? (int)n : K_BAD_FIELD;
}

/* Block sizes the driver must respect: 0: rows per block (chunk rows are a multiple), 1: columns
 * per block (hidden widths are padded to a multiple), 2: floats per vector. */
EXPORT(kernel_block) int kernel_block(int which) {
  return which == 0 ? MR : which == 1 ? NR * VW : VW;
}

/* Rebuilds W2^T from W2 (after the driver writes parameters). */
static void transpose_w2(Ctx *c) {
  const int hp = c->hp;
  const float *w2 = F32(c, c->p) + offW2(c);
  float *w2t = F32(c, c->w2t);
  for (int i = 0; i < hp; i++)
    for (int k = 0; k < hp; k++) w2t[k * hp + i] = w2[i * hp + k];
}

/* Phase 1: takes chunks until none is left; returns how many this thread did. Not inlined into
 * its checked entry point (k_work_chunks): inlined, the hot loops compiled differently and a step
 * measured 4% (Adam: 30%) slower. */
__attribute__((noinline)) static int work_chunks(Ctx *c, int tid) {
  int done = 0;
  double *lossPart = (double *)(region(c) + c->lossPart);
  for (;;) {
    const int chunk = __atomic_fetch_add(&c->counter, 1, __ATOMIC_RELAXED);
    if (chunk < 0 || chunk >= c->nChunks) break;
    const int first = chunk * c->chunkRows;
    int n = c->rows - first;
    if (n > c->chunkRows) n = c->chunkRows;
    const int nr = (n + MR - 1) / MR * MR;
    float *g = F32(c, c->grads) + (int64_t)chunk * c->nParams;
    lossPart[chunk] =
        c->kind == 0 ? hnn_chunk(c, tid, first, n, nr, g) : baseline_chunk(c, tid, first, n, nr, g);
    done++;
  }
  return done;
}

/*
 * Phase 2, for parameter slice `part` of `parts`: sums the chunk gradients in chunk order, then
 * Adam as torch.optim.Adam (L2 decay added to the gradient); keeps W2^T in step with W2.
 */
/* (noinline: see work_chunks.) */
__attribute__((noinline)) static void reduce_adam(Ctx *c, int part, int parts) {
  const int np = c->nParams;
  /* Slices start on a vector boundary (np and every layer offset are multiples of NR * VW). */
  int lo = (int)((int64_t)np * part / parts) / VW * VW;
  int hi = part == parts - 1 ? np : (int)((int64_t)np * (part + 1) / parts) / VW * VW;
  const float b1 = c->beta1, b2 = c->beta2, omb1 = c->oneMinusBeta1, omb2 = c->oneMinusBeta2;
  const float wd = c->weightDecay, step = c->stepSize, bc2 = c->bc2Sqrt, eps = c->eps;
  const int hp = c->hp, w2lo = offW2(c), w2hi = offB2(c);
  const float *grads = F32(c, c->grads);
  float *pp = F32(c, c->p), *mp = F32(c, c->m), *vp = F32(c, c->v), *w2t = F32(c, c->w2t);
  for (int k = lo; k < hi; k += VW) {
    vf p = adam_vector(grads, c->nChunks, np, k, pp, mp, vp, b1, omb1, b2, omb2, wd, step, bc2,
                       eps);
    if (k >= w2lo && k < w2hi) {
      const int e = k - w2lo, i = e / hp, col = e % hp;
      store_column(w2t + col * hp + i, hp, p);
    }
  }
}

/*
 * Checks of each entry point (see "Boundary checks"): 0, or the error code. Lengths in bytes.
 */

/* Buffers an MLP call reads or writes, and the index array against the data set's rows. */
static int mlp_check_work(const Ctx *c, uint64_t ctxOff, int tid, uint64_t lo, uint64_t size) {
  if (!mlp_shape_ok(c) || !plan_ok(c->chunkRows, c->nChunks, c->rows)) return K_BAD_FIELD;
  const int64_t cr = c->chunkRows, d = c->d, hp = c->hp, np = c->nParams, rows = c->rows;
  const int64_t nRows = c->nRows, sf = c->scratchFloats;
  if ((c->wantGrad != 0 && c->wantGrad != 1) || !in_range(nRows, 1, INT32_MAX) ||
      sf < 3 * cr * d + 8 * cr * hp || (c->idx == 0 && rows > nRows)) {
    return K_BAD_FIELD;
  }
  if (!in_range(tid, 0, MAX_THREADS - 1)) return K_BAD_THREAD;
  const int64_t nGrad = c->wantGrad ? c->nChunks * np : 0;
  if (!inside(c->x, nRows * d, 4, lo, size) || !inside(c->dx, nRows * d, 4, lo, size) ||
      (c->idx != 0 && !inside(c->idx, rows, 4, lo, size)) || !inside(c->p, np, 4, lo, size) ||
      !inside(c->w2t, hp * hp, 4, lo, size) || !inside(c->grads, nGrad, 4, lo, size) ||
      !inside(c->lossPart, c->nChunks, 8, lo, size) || !inside(c->scratch, sf, 4, lo, size)) {
    return K_BAD_BUFFER;
  }
  if (!inside(c->scratch, (tid + 1) * sf, 4, lo, size)) return K_BAD_THREAD;
  /* Written: the context (its counter), gradients, loss sums, this thread's work buffers (and
   * those of lower thread ids, which the same check on those threads covers). */
  const uint64_t C = ctxOff, Cn = sizeof(Ctx), G = c->grads, Gn = (uint64_t)nGrad * 4;
  const uint64_t L = c->lossPart, Ln = (uint64_t)c->nChunks * 8;
  const uint64_t S = c->scratch, Sn = (uint64_t)(tid + 1) * sf * 4;
  if (!apart(C, Cn, G, Gn) || !apart(C, Cn, L, Ln) || !apart(C, Cn, S, Sn) || !apart(G, Gn, L, Ln) ||
      !apart(G, Gn, S, Sn) || !apart(L, Ln, S, Sn) ||
      !apart4(c->x, (uint64_t)(nRows * d) * 4, C, Cn, G, Gn, L, Ln, S, Sn) ||
      !apart4(c->dx, (uint64_t)(nRows * d) * 4, C, Cn, G, Gn, L, Ln, S, Sn) ||
      !apart4(c->idx, c->idx ? (uint64_t)rows * 4 : 0, C, Cn, G, Gn, L, Ln, S, Sn) ||
      !apart4(c->p, (uint64_t)np * 4, C, Cn, G, Gn, L, Ln, S, Sn) ||
      !apart4(c->w2t, (uint64_t)(hp * hp) * 4, C, Cn, G, Gn, L, Ln, S, Sn)) {
    return K_BAD_BUFFER;
  }
  if (c->idx != 0) {
    const int32_t *idx = (const int32_t *)(region(c) + c->idx);
    for (int64_t i = 0; i < rows; i++) {
      if (idx[i] < 0 || idx[i] >= nRows) return K_BAD_INDEX;
    }
  }
  return 0;
}

/* Adam over p, m, v (and W2^T) from nChunks gradients; slice `part` of `parts`. */
static int mlp_check_reduce(const Ctx *c, uint64_t ctxOff, int part, int parts, uint64_t lo,
                            uint64_t size) {
  if (!mlp_shape_ok(c) || !in_range(c->nChunks, 1, MAX_DIM)) return K_BAD_FIELD;
  if (!in_range(parts, 1, MAX_THREADS) || !in_range(part, 0, parts - 1)) return K_BAD_THREAD;
  const int64_t np = c->nParams, hh = (int64_t)c->hp * c->hp;
  if (!inside(c->p, np, 4, lo, size) || !inside(c->m, np, 4, lo, size) ||
      !inside(c->v, np, 4, lo, size) || !inside(c->w2t, hh, 4, lo, size) ||
      !inside(c->grads, c->nChunks * np, 4, lo, size)) {
    return K_BAD_BUFFER;
  }
  const uint64_t P = c->p, M = c->m, V = c->v, T = c->w2t, n = (uint64_t)np * 4, tn = hh * 4;
  if (!apart(P, n, M, n) || !apart(P, n, V, n) || !apart(M, n, V, n) || !apart4(T, tn, P, n, M, n, V, n, 0, 0) ||
      !apart4(c->grads, (uint64_t)(c->nChunks * np) * 4, P, n, M, n, V, n, T, tn) ||
      !apart4(ctxOff, sizeof(Ctx), P, n, M, n, V, n, T, tn)) {
    return K_BAD_BUFFER;
  }
  return 0;
}

static int mlp_check_transpose(const Ctx *c, uint64_t ctxOff, uint64_t lo, uint64_t size) {
  if (!mlp_shape_ok(c)) return K_BAD_FIELD;
  const uint64_t n = (uint64_t)c->nParams * 4, tn = (uint64_t)c->hp * c->hp * 4;
  if (!inside(c->p, c->nParams, 4, lo, size) || !inside(c->w2t, (int64_t)c->hp * c->hp, 4, lo, size) ||
      !apart(c->w2t, tn, c->p, n) || !apart(c->w2t, tn, ctxOff, sizeof(Ctx))) {
    return K_BAD_BUFFER;
  }
  return 0;
}

/* The generator's state (and, to permute, the permutation buffer). */
static int rng_check(const Ctx *c, uint64_t ctxOff, int withPerm, uint64_t lo, uint64_t size) {
  if (withPerm && !in_range(c->permLen, 0, INT32_MAX)) return K_BAD_FIELD;
  const uint64_t R = c->rng, Rn = (MT_N + 1) * 4, P = c->perm;
  const uint64_t Pn = withPerm ? (uint64_t)c->permLen * 4 : 0;
  if (!inside(R, MT_N + 1, 4, lo, size) || !inside(P, Pn / 4, 4, lo, size) ||
      !apart(R, Rn, ctxOff, sizeof(Ctx)) || !apart(P, Pn, ctxOff, sizeof(Ctx)) || !apart(R, Rn, P, Pn)) {
    return K_BAD_BUFFER;
  }
  return 0;
}

static int f64_check(const Ctx64 *c, uint64_t ctxOff, uint64_t lo, uint64_t size) {
  if ((c->op != 0 && c->op != 1) || !in_range(c->nIn, 0, MAX_DIM) || !in_range(c->nOut, 0, MAX_DIM)) {
    return K_BAD_FIELD;
  }
  const int64_t nw = (int64_t)c->nIn * c->nOut, nh = c->op == 0 ? c->nIn : c->nOut;
  const int64_t nb = c->op == 0 ? c->nOut : 0, no = c->op == 0 ? c->nOut : c->nIn;
  if (!inside(c->w, nw, 8, lo, size) || !inside(c->b, nb, 8, lo, size) ||
      !inside(c->h, nh, 8, lo, size) || !inside(c->out, no, 8, lo, size) ||
      !apart4(c->out, (uint64_t)no * 8, ctxOff, sizeof(Ctx64), c->w, (uint64_t)nw * 8, c->b,
              (uint64_t)nb * 8, c->h, (uint64_t)nh * 8)) {
    return K_BAD_BUFFER;
  }
  return 0;
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
  const int pixel = *CTX_AT(int32_t) >= 2;                                                         \
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
