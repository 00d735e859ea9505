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
 * writes them at offset 4 * (field index), in this order. Buffers are byte offsets from the start
 * of the memory region that holds this Ctx at offset `self` (WebAssembly: the linear memory;
 * native: the driver's allocation), so the layout is the same for every build. */
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
  int32_t x;        /* float data set, row-major (n x d) */
  int32_t dx;       /* float targets, row-major (n x d) */
  int32_t idx;      /* int32 batch row indices into x, or 0 for rows 0..rows-1 */
  int32_t p;        /* float parameters: W1 (d x hp), b1, W2 (hp x hp), b2, W3^T (nOut x hp) */
  int32_t m;        /* float Adam first moments */
  int32_t v;        /* float Adam second moments */
  int32_t w2t;      /* float W2 transposed (hp x hp) */
  int32_t grads;    /* float nChunks partial gradients of nParams each */
  int32_t lossPart; /* double nChunks sums of squared errors */
  int32_t scratch;  /* float per-thread work buffers */
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
  int32_t self;    /* byte offset of this Ctx in its memory region */
  int32_t rng;     /* uint32 MT19937 state: 624 words, then the index of the next word */
  int32_t perm;    /* int32 permutation buffer of permLen entries; idx points at it */
  int32_t permLen; /* rows to permute (the training set) */
} Ctx;

_Static_assert(sizeof(Ctx) == 34 * 4, "Ctx layout is shared with the driver");

static inline char *region(const Ctx *c) { return (char *)c - c->self; }
static inline float *F32(const Ctx *c, int32_t off) { return (float *)(region(c) + off); }

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

EXPORT(rng_seed) void rng_seed(Ctx *c, uint32_t seed) {
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
EXPORT(permute) void permute(Ctx *c) {
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

/* Field block at the Ctx64 offset: op, nIn, nOut, w, b, h, out (int32 each), then self. */
typedef struct {
  int32_t op; /* 0: out = b + h W (W nIn x nOut row-major); 1: out = W h (dot with each row) */
  int32_t nIn;
  int32_t nOut;
  int32_t w;
  int32_t b;
  int32_t h;
  int32_t out;
  int32_t self;
} Ctx64;

EXPORT(f64_product) void f64_product(Ctx64 *c) {
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
  if (which == 0) return seg_off_of(kind, dp, hp, L, lp, S_COUNT);
  if (which == 1) return pixel_scratch_floats(cr, dp, hp, L, lp);
  if (which == 2) return wt_off_of(dp, hp, S_V2) + lp * lp;
  return seg_off_of(kind, dp, hp, L, lp, which - 3);
}

/* Block sizes the driver must respect: 0: rows per block (chunk rows are a multiple), 1: columns
 * per block (hidden widths are padded to a multiple), 2: floats per vector. */
EXPORT(kernel_block) int kernel_block(int which) {
  return which == 0 ? MR : which == 1 ? NR * VW : VW;
}

/* Rebuilds W2^T from W2 (after the driver writes parameters). */
EXPORT(transpose_w2) void transpose_w2(Ctx *c) {
  if (c->kind >= 2) {
    pixel_transpose_all((PCtx *)c);
    return;
  }
  const int hp = c->hp;
  const float *w2 = F32(c, c->p) + offW2(c);
  float *w2t = F32(c, c->w2t);
  for (int i = 0; i < hp; i++)
    for (int k = 0; k < hp; k++) w2t[k * hp + i] = w2[i * hp + k];
}

/* Phase 1: takes chunks until none is left; returns how many this thread did. */
EXPORT(work_chunks) int work_chunks(Ctx *c, int tid) {
  if (c->kind >= 2) return pixel_work_chunks((PCtx *)c, tid);
  int done = 0;
  double *lossPart = (double *)(region(c) + c->lossPart);
  for (;;) {
    const int chunk = __atomic_fetch_add(&c->counter, 1, __ATOMIC_RELAXED);
    if (chunk >= c->nChunks) break;
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
EXPORT(reduce_adam) void reduce_adam(Ctx *c, int part, int parts) {
  if (c->kind >= 2) {
    pixel_reduce_adam((PCtx *)c, part, parts);
    return;
  }
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
