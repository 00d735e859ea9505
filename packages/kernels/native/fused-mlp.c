/*
 * One fused training step of the paper's MLP models (input d -> hp -> hp -> out, tanh, no bias on
 * the last layer) in float32: forward, MSE loss, exact backward (for the HNN the loss is a function
 * of dH/dx, so its parameter gradient is a second derivative; written out by hand below) and
 * torch-style Adam with L2 weight decay.
 *
 * Part of kernels.c, compiled to WebAssembly SIMD128 and to the native addon's AVX2 / AVX-512
 * builds. The JavaScript driver (src/fused-trainer.ts) owns the memory layout (the context block
 * Ctx of boundary.h) and the threads; this file only computes.
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
#include "kernel.h"

static inline char *region(const Ctx *c) { return (char *)c - c->self; }
static inline float *F32(const Ctx *c, uint32_t off) { return (float *)(region(c) + off); }

/* The MLP's sizes agree: kind, d (even for the HNN), hp padded, nOut, nParams. */
static int mlp_shape_ok(const Ctx *c) {
  if (c->kind != KIND_MLP_HNN && c->kind != KIND_MLP_BASELINE) return 0;
  if (!in_range(c->d, 1, MAX_DIM) || (c->kind == KIND_MLP_HNN && c->d % 2 != 0)) return 0;
  if (!in_range(c->hp, NR * VW, MAX_DIM) || c->hp % (NR * VW) != 0) return 0;
  if (c->nOut != (c->kind == KIND_MLP_HNN ? 1 : c->d)) return 0;
  const int64_t np = (int64_t)c->hp * ((int64_t)c->d + 2 + c->hp + c->nOut);
  return np <= INT32_MAX && c->nParams == np;
}

/* Parameter offsets (floats) in the internal layout. */
static inline int32_t offB1(const Ctx *c) { return c->d * c->hp; }
static inline int32_t offW2(const Ctx *c) { return offB1(c) + c->hp; }
static inline int32_t offB2(const Ctx *c) { return offW2(c) + c->hp * c->hp; }
static inline int32_t offW3(const Ctx *c) { return offB2(c) + c->hp; }

/* h (nr x hp) = tanh(x W1 + b1) for x (nr x d). */
static void first_layer(const Ctx *c, const float *x, float *h, int nr) {
  const float *w1 = F32(c, c->p);
  small_layer(x, c->d, w1, w1 + offB1(c), h, nr, c->hp, 1);
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
  const MlpWeights w = {.w1 = w1, .b1 = w1 + offB1(c), .w2 = w2, .b2 = w1 + offB2(c), .w3 = w3,
                       .w2t = w2t};
  const MlpBuffers buf = {.h1 = h1, .h2 = h2, .g2 = g2, .u1 = u1, .g1 = g1,
                          .ub1 = ub1, .gb2 = gb2, .a2 = a2, .hb1 = hb1};
  hnn_forward(xb, d, hp, nr, &w, &buf, eb);
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
  const MlpGrads grads = {.w1 = g, .b1 = g + offB1(c), .w2 = g + offW2(c), .b2 = g + offB2(c),
                         .w3 = g + offW3(c)};
  hnn_backward(xb, eb, d, hp, nr, &w, &buf, &grads);
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
  const MlpWeights w = {.w3 = w3, .w2t = F32(c, c->w2t)};
  const MlpBuffers buf = {.h1 = h1, .h2 = h2, .a2 = a2, .hb1 = hb1};
  const MlpGrads grads = {.w1 = g, .b1 = g + offB1(c), .w2 = g + offW2(c), .b2 = g + offB2(c),
                         .w3 = g + offW3(c)};
  baseline_backward(xb, eb, d, hp, d, nr, &w, &buf, &grads);
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

/*
 * perm = a fresh permutation of 0..permLen-1 (numpy's RandomState.permutation): for i from the
 * end, j = the first draw whose low bits (mask = the smallest 2^k - 1 >= i) are <= i, then swap
 * perm[i] and perm[j]. Written as one loop over draws, without a branch on the draw: a rejected
 * draw swaps perm[i] with itself and keeps i. The accept/reject branch of the plain loop was
 * mispredicted on about a quarter of the draws and made this ~2x slower; the draws, and so the
 * permutation, are the same (the test compares it with @hnn/random's permutation).
 */
static void permute(Ctx *c) {
  /* The state and perm do not overlap (rng_check), so the draw index can live in a register. */
  uint32_t *restrict mt = (uint32_t *)(region(c) + c->rng);
  int32_t *restrict perm = (int32_t *)(region(c) + c->perm);
  const int n = c->permLen;
  for (int i = 0; i < n; i++) perm[i] = i;
  uint32_t pos = mt[MT_N];
  uint32_t i = n > 0 ? (uint32_t)n - 1 : 0;
  while (i > 0) {
    if (pos >= MT_N) {
      mt_twist(mt);
      pos = 0;
    }
    uint32_t y = mt[pos++];
    y ^= y >> 11;
    y ^= (y << 7) & 0x9d2c5680u;
    y ^= (y << 15) & 0xefc60000u;
    y ^= y >> 18;
    const uint32_t mask = 0xffffffffu >> __builtin_clz(i);
    const uint32_t j = y & mask;
    const uint32_t accept = j <= i;
    /* at = accept ? j : i, without a branch. */
    const uint32_t at = i ^ ((j ^ i) & (0u - accept));
    const int32_t t = perm[i];
    perm[i] = perm[at];
    perm[at] = t;
    i -= accept;
  }
  mt[MT_N] = pos;
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


static void f64_product(Ctx64 *c) {
  char *base = (char *)c - c->self;
  const double *w = (const double *)(base + c->w);
  const double *h = (const double *)(base + c->h);
  double *out = (double *)(base + c->out);
  const int nIn = c->nIn, nOut = c->nOut;
  if (c->op == F64_AFFINE) {
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
  for (int chunk; (chunk = next_chunk(&c->counter, c->nChunks)) >= 0;) {
    const int first = chunk * c->chunkRows;
    const int n = chunk_rows(c->rows, chunk, c->chunkRows);
    const int nr = (n + MR - 1) / MR * MR;
    float *g = F32(c, c->grads) + (int64_t)chunk * c->nParams;
    lossPart[chunk] =
        c->kind == KIND_MLP_HNN ? hnn_chunk(c, tid, first, n, nr, g)
                               : baseline_chunk(c, tid, first, n, nr, g);
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
  int lo, hi;
  param_slice(np, part, parts, &lo, &hi);
  const AdamStep adam = ADAM_STEP_OF(c);
  const int hp = c->hp, w2lo = offW2(c), w2hi = offB2(c);
  const float *grads = F32(c, c->grads);
  float *pp = F32(c, c->p), *mp = F32(c, c->m), *vp = F32(c, c->v), *w2t = F32(c, c->w2t);
  for (int k = lo; k < hi; k += VW) {
    vf p = adam_vector(grads, c->nChunks, np, k, pp, mp, vp, &adam);
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
  if ((c->op != F64_AFFINE && c->op != F64_MAT_VEC) || !in_range(c->nIn, 0, MAX_DIM) || !in_range(c->nOut, 0, MAX_DIM)) {
    return K_BAD_FIELD;
  }
  const int64_t nw = (int64_t)c->nIn * c->nOut, nh = c->op == F64_AFFINE ? c->nIn : c->nOut;
  const int64_t nb = c->op == F64_AFFINE ? c->nOut : 0;
  const int64_t no = c->op == F64_AFFINE ? c->nOut : c->nIn;
  if (!inside(c->w, nw, 8, lo, size) || !inside(c->b, nb, 8, lo, size) ||
      !inside(c->h, nh, 8, lo, size) || !inside(c->out, no, 8, lo, size) ||
      !apart4(c->out, (uint64_t)no * 8, ctxOff, sizeof(Ctx64), c->w, (uint64_t)nw * 8, c->b,
              (uint64_t)nb * 8, c->h, (uint64_t)nh * 8)) {
    return K_BAD_BUFFER;
  }
  return 0;
}

