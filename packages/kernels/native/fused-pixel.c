/*
 * One fused training step of the paper's pixel-pendulum model (Section 5.1; the reference's
 * experiment-pixels): a ReLU autoencoder with residual middle layers and a latent dynamics MLP,
 * trained on ae + cc + w * dynamics. Part of kernels.c (the vector helpers and the MLP passes of
 * linalg.c; the same two-phase threading as fused-mlp.c: chunks of batch rows write partial
 * gradients, then static parameter slices sum them in chunk order and take an Adam step, so 1 and
 * 2 threads give bit-identical weights).
 * The TensorFlow.js model in @hnn/autoencoder is the definition; tests there check this kernel's
 * losses and gradients against it and against float64 finite differences.
 *
 * Per chunk of cr rows (x(t) rows then x(t+1) rows in the batch buffer, 2 cr rows in all):
 *   encoder  h1 = relu(x W1 + b1), r2 = relu(h1 W2 + b2), h2 = h1 + r2,
 *            r3 = relu(h2 W3 + b3), h3 = h2 + r3, z = h3 W4 + b4       (on all 2 cr rows)
 *   decoder  k1 = relu(z W5 + b5), s2 = relu(k1 W6 + b6), k2 = k1 + s2,
 *            s3 = relu(k2 W7 + b7), k3 = k2 + s3, xhat = k3 W8 + b8    (on the cr rows of x(t))
 *   latent   f(z): HNN (dH/dp, -dH/dq) of H = tanh(tanh(z V1 + c1) V2 + c2) v3, or the
 *            baseline tanh(tanh(z V1 + c1) V2 + c2) V3
 *   loss     ae = mean_D (xhat - x)^2, cc = mean_half (z_p - (z'_q - z_q))^2,
 *            dyn = mean_L (z' - z - f(z))^2, total = mean over rows of ae + cc + w dyn.
 * Internal layout: every segment padded to the column block; W4 and the baseline's V3 stored
 * transposed (out x in), so that their narrow side is the row. Transposed copies of W2, W3, W6, W7,
 * W8 and V2 (for the backward products) are kept in step by the Adam phase.
 */

#include "kernel.h"

/* The context block PCtx (boundary.h) is written by the driver, src/fused-pixel-trainer.ts. */

static inline char *pregion(const PCtx *c) { return (char *)c - c->self; }
static inline float *PF(const PCtx *c, uint32_t off) { return (float *)(pregion(c) + off); }

typedef int32_t vi __attribute__((vector_size(VW * 4), aligned(4)));

/* max(x, 0); NaN -> 0 as a compare-and-mask (the same in every build). */
static inline vf vrelu(vf x) { return (vf)((vi)x & (vi)(x > 0.0f)); }
/* val where sel > 0, else 0: the ReLU derivative applied to an adjoint. */
static inline vf vwhere_pos(vf sel, vf val) { return (vf)((vi)val & (vi)(sel > 0.0f)); }

/* The segments of the internal parameter layout are the S_* of boundary.h, in their order. */

static inline int32_t colpad(int32_t n) { return (n + NR * VW - 1) / (NR * VW) * (NR * VW); }

/* Length of segment s (floats). Layout sums are int64: pixel_layout() and the checks below see
 * sizes before they are known to fit (each below MAX_DIM, so no product overflows). */
static int64_t seg_len_of(int64_t kind, int64_t dp, int64_t hp, int64_t L, int64_t lp, int s) {
  const int64_t nOut = kind == KIND_PIXEL_HNN ? 1 : L;
  switch (s) {
  case S_W1: return dp * hp;
  case S_W2: case S_W3: case S_W6: case S_W7: return hp * hp;
  case S_B1: case S_B2: case S_B3: case S_B5: case S_B6: case S_B7: return hp;
  case S_W4T: case S_W5: return L * hp;
  case S_B4: return colpad((int32_t)L);
  case S_W8: return hp * dp;
  case S_B8: return dp;
  case S_V1: return L * lp;
  case S_C1: case S_C2: return lp;
  case S_V2: return lp * lp;
  default: return nOut * lp; /* S_V3T */
  }
}

static int64_t seg_off_of(int64_t kind, int64_t dp, int64_t hp, int64_t L, int64_t lp, int s) {
  int64_t off = 0;
  for (int i = 0; i < s; i++) off += seg_len_of(kind, dp, hp, L, lp, i);
  return off;
}

/* After the checks, every offset fits in int32 (nParams does). */
static inline int32_t seg_len(const PCtx *c, int s) {
  return (int32_t)seg_len_of(c->kind, c->dp, c->hp, c->L, c->lp, s);
}

static inline int32_t seg_off(const PCtx *c, int s) {
  return (int32_t)seg_off_of(c->kind, c->dp, c->hp, c->L, c->lp, s);
}

/* Offsets (floats, from c->wt) of the transposed copies. */
static inline int64_t wt_off_of(int64_t dp, int64_t hp, int s) {
  const int64_t hh = hp * hp;
  switch (s) {
  case S_W2: return 0;
  case S_W3: return hh;
  case S_W6: return 2 * hh;
  case S_W7: return 3 * hh;
  case S_W8: return 4 * hh;
  default: return 4 * hh + dp * hp; /* S_V2 */
  }
}

static inline int32_t wt_off(const PCtx *c, int s) { return (int32_t)wt_off_of(c->dp, c->hp, s); }

/* Rebuilds every transposed copy from the parameters (after the driver writes them). */
static void pixel_transpose_all(PCtx *c) {
  static const int mirrored[6] = {S_W2, S_W3, S_W6, S_W7, S_W8, S_V2};
  const float *p = PF(c, c->p);
  float *wt = PF(c, c->wt);
  for (int q = 0; q < 6; q++) {
    const int s = mirrored[q];
    const int rowsIn = s == S_V2 ? c->lp : c->hp;
    const int cols = s == S_W8 ? c->dp : s == S_V2 ? c->lp : c->hp;
    const float *w = p + seg_off(c, s);
    float *t = wt + wt_off(c, s);
    for (int i = 0; i < rowsIn; i++)
      for (int k = 0; k < cols; k++) t[k * rowsIn + i] = w[i * cols + k];
  }
}

/* Column sums of a (nr x n) into out (n). */
static void col_sums(const float *a, int nr, int n, float *out) {
  for (int k = 0; k < n; k += VW) {
    vf s = {0};
    for (int r = 0; r < nr; r++) s += vload(a + r * n + k);
    vstore(out + k, s);
  }
}

/* Thread tid's work buffers, in this order: the encoder's (2 cr x hp each), z and its adjoint
 * (2 cr x Lp each), the decoder's (cr x hp each), xhat (cr x dp), the latent MLP's (cr x lp each),
 * ef and el (cr x Lp each). No local arrays, and no structs left in memory (kernel.h's argument
 * structs are inlined away): WebAssembly threads share the shadow stack.
 */
enum {
  B_H1, B_R2, B_H2, B_R3, B_H3, B_EB, B_Z, B_DZ,
  B_K1, B_S2, B_K2, B_S3, B_K3, B_DB, B_XHAT,
  B_L0, B_L1, B_L2, B_L3, B_L4, B_L5, B_L6, B_L7, B_EF, B_EL, B_COUNT
};

static int64_t buf_len(int64_t cr, int64_t dp, int64_t hp, int64_t L, int64_t lp, int which) {
  const int64_t Lp = colpad((int32_t)L);
  if (which <= B_EB) return 2 * cr * hp;
  if (which <= B_DZ) return 2 * cr * Lp;
  if (which <= B_DB) return cr * hp;
  if (which == B_XHAT) return cr * dp;
  if (which <= B_L7) return cr * lp;
  return cr * Lp;
}

/* Floats of one thread's buffers (the driver sizes scratch with the same formula). */
static int64_t pixel_scratch_floats(int64_t cr, int64_t dp, int64_t hp, int64_t L, int64_t lp) {
  int64_t n = 0;
  for (int i = 0; i < B_COUNT; i++) n += buf_len(cr, dp, hp, L, lp, i);
  return n;
}

static float *pbuf(const PCtx *c, int tid, int which) {
  float *q = PF(c, c->scratch) + (int64_t)tid * c->scratchFloats;
  for (int i = 0; i < which; i++) q += buf_len(c->chunkRows, c->dp, c->hp, c->L, c->lp, i);
  return q;
}

/* Latent model forward on cr rows of z; writes f (cr x L) into ef (and dH/dz into el). */
static void latent_forward(const PCtx *c, int tid, int cr) {
  const int L = c->L, lp = c->lp, half = L / 2;
  const float *p = PF(c, c->p);
  const float *v1 = p + seg_off(c, S_V1), *c1 = p + seg_off(c, S_C1);
  const float *v2 = p + seg_off(c, S_V2), *c2 = p + seg_off(c, S_C2);
  const float *v3 = p + seg_off(c, S_V3T);
  float *h1 = pbuf(c, tid, B_L0), *h2 = pbuf(c, tid, B_L1);
  float *z = pbuf(c, tid, B_Z), *ef = pbuf(c, tid, B_EF), *el = pbuf(c, tid, B_EL);
  if (c->kind == KIND_PIXEL_BASELINE) {
    small_layer(z, L, v1, c1, h1, cr, lp, 1);
    gemm_nn(h1, v2, h2, c2, cr, lp, lp, 1);
    tanh_rows(h2, cr * lp);
    narrow_out(h2, v3, 0, ef, cr, lp, L, 0);
    return;
  }
  const MlpWeights w = {.w1 = v1, .b1 = c1, .w2 = v2, .b2 = c2, .w3 = v3,
                       .w2t = PF(c, c->wt) + wt_off(c, S_V2)};
  const MlpBuffers buf = {.h1 = h1, .h2 = h2, .g2 = pbuf(c, tid, B_L2), .u1 = pbuf(c, tid, B_L3),
                          .g1 = pbuf(c, tid, B_L4)};
  hnn_forward(z, L, lp, cr, &w, &buf, el);
  /* f = (dH/dp, -dH/dq). */
  for (int r = 0; r < cr; r++)
    for (int i = 0; i < half; i++) {
      ef[r * L + i] = el[r * L + half + i];
      ef[r * L + half + i] = -el[r * L + i];
    }
}

/*
 * Latent model backward: given ef = d loss / d f (cr x L), writes its parameter gradients into g
 * and adds d loss / d z (through f) to dz (first cr rows).
 */
static void latent_backward(const PCtx *c, int tid, int cr, float *g) {
  const int L = c->L, lp = c->lp, half = L / 2;
  const float *p = PF(c, c->p);
  const float *v1 = p + seg_off(c, S_V1), *v2 = p + seg_off(c, S_V2);
  const float *v3 = p + seg_off(c, S_V3T), *v2t = PF(c, c->wt) + wt_off(c, S_V2);
  const MlpGrads grads = {.w1 = g + seg_off(c, S_V1), .b1 = g + seg_off(c, S_C1),
                         .w2 = g + seg_off(c, S_V2), .b2 = g + seg_off(c, S_C2),
                         .w3 = g + seg_off(c, S_V3T)};
  float *h1 = pbuf(c, tid, B_L0), *h2 = pbuf(c, tid, B_L1), *a1 = pbuf(c, tid, B_L7);
  float *z = pbuf(c, tid, B_Z), *dz = pbuf(c, tid, B_DZ), *ef = pbuf(c, tid, B_EF);
  if (c->kind == KIND_PIXEL_BASELINE) {
    const MlpWeights w = {.w3 = v3, .w2t = v2t};
    const MlpBuffers buf = {.h1 = h1, .h2 = h2, .a2 = pbuf(c, tid, B_L2), .hb1 = a1};
    baseline_backward(z, ef, L, lp, L, cr, &w, &buf, &grads);
  } else {
    /* e = d loss / d (dH/dz): f_q = dH/dp, f_p = -dH/dq. */
    float *e = pbuf(c, tid, B_EL), *g1 = pbuf(c, tid, B_L4);
    for (int r = 0; r < cr; r++)
      for (int i = 0; i < half; i++) {
        e[r * L + half + i] = ef[r * L + i];
        e[r * L + i] = -ef[r * L + half + i];
      }
    const MlpWeights w = {.w1 = v1, .w2 = v2, .w3 = v3, .w2t = v2t};
    const MlpBuffers buf = {.h1 = h1, .h2 = h2, .g2 = pbuf(c, tid, B_L2), .u1 = pbuf(c, tid, B_L3),
                            .g1 = g1, .ub1 = pbuf(c, tid, B_L5), .gb2 = pbuf(c, tid, B_L6),
                            .a2 = g1, .hb1 = a1};
    hnn_backward(z, e, L, lp, cr, &w, &buf, &grads);
  }
  /* dz += a1 V1^T, a1 = d loss / d (z V1 + c1). */
  narrow_out(a1, v1, 0, dz, cr, lp, L, 1);
}

/* a <- relu(a); h <- hin + a (residual block output). */
static void residual_relu(const float *hin, float *a, float *h, int count) {
  for (int k = 0; k < count; k += VW) {
    vf r = vrelu(vload(a + k));
    vstore(a + k, r);
    vstore(h + k, vload(hin + k) + r);
  }
}

static void relu_rows(float *a, int count) {
  for (int k = 0; k < count; k += VW) vstore(a + k, vrelu(vload(a + k)));
}

/* a <- (a > 0 ? d : 0): the pre-activation adjoint of a ReLU output a given its adjoint d. */
static void relu_back(float *a, const float *d, int count) {
  for (int k = 0; k < count; k += VW) vstore(a + k, vwhere_pos(vload(a + k), vload(d + k)));
}

/*
 * Backward through a residual block hout = hin + r, r = relu(hin W + b), given d = d loss / d hout
 * (rows x hp): r becomes its pre-activation adjoint, gW = hin^T r, gb = column sums of r, and
 * d += r W^T becomes d loss / d hin (wt = W^T).
 */
static void residual_back(const float *hin, float *r, const float *wt, float *d, float *gw,
                          float *gb, int rows, int hp) {
  relu_back(r, d, rows * hp);
  gemm_tn(hin, r, 0, 0, gw, rows, hp, hp);
  col_sums(r, rows, hp, gb);
  gemm_nn(r, wt, d, 0, rows, hp, hp, 2);
}

static void pixel_chunk(const PCtx *c, int tid, int chunk, int n, float *g, double *loss) {
  const int cr = c->chunkRows, dp = c->dp, hp = c->hp, L = c->L, half = L / 2;
  const int e2 = 2 * cr, D = c->dTrue;
  const float *p = PF(c, c->p), *wt = PF(c, c->wt);
  const float *X = PF(c, c->batch) + (int64_t)chunk * e2 * dp;
#define PW(s) (p + seg_off(c, (s)))
  float *h1 = pbuf(c, tid, B_H1), *r2 = pbuf(c, tid, B_R2), *h2 = pbuf(c, tid, B_H2);
  float *r3 = pbuf(c, tid, B_R3), *h3 = pbuf(c, tid, B_H3), *eb = pbuf(c, tid, B_EB);
  float *z = pbuf(c, tid, B_Z), *dz = pbuf(c, tid, B_DZ), *k1 = pbuf(c, tid, B_K1);
  float *s2 = pbuf(c, tid, B_S2), *k2 = pbuf(c, tid, B_K2), *s3 = pbuf(c, tid, B_S3);
  float *k3 = pbuf(c, tid, B_K3), *db = pbuf(c, tid, B_DB), *xhat = pbuf(c, tid, B_XHAT);
  float *ef = pbuf(c, tid, B_EF);

  /* Encoder on x(t) and x(t+1) rows together. */
  gemm_nn(X, PW(S_W1), h1, PW(S_B1), e2, dp, hp, 1);
  relu_rows(h1, e2 * hp);
  gemm_nn(h1, PW(S_W2), r2, PW(S_B2), e2, hp, hp, 1);
  residual_relu(h1, r2, h2, e2 * hp);
  gemm_nn(h2, PW(S_W3), r3, PW(S_B3), e2, hp, hp, 1);
  residual_relu(h2, r3, h3, e2 * hp);
  narrow_out(h3, PW(S_W4T), PW(S_B4), z, e2, hp, L, 0);
  /* Decoder on the x(t) rows. */
  small_layer(z, L, PW(S_W5), PW(S_B5), k1, cr, hp, 2);
  gemm_nn(k1, PW(S_W6), s2, PW(S_B6), cr, hp, hp, 1);
  residual_relu(k1, s2, k2, cr * hp);
  gemm_nn(k2, PW(S_W7), s3, PW(S_B7), cr, hp, hp, 1);
  residual_relu(k2, s3, k3, cr * hp);
  gemm_nn(k3, PW(S_W8), xhat, PW(S_B8), cr, hp, dp, 1);
  latent_forward(c, tid, cr);

  /* Losses; seeds of the backward pass (zero on padding rows). */
  double ae = 0, cc = 0, dyn = 0;
  const float *zn = z + cr * L;
  for (int i = 0; i < e2 * L; i++) dz[i] = 0;
  for (int r = 0; r < cr; r++) {
    const int real = r < n;
    float *xh = xhat + r * dp;
    const float *xr = X + r * dp;
    for (int j = 0; j < dp; j++) {
      const float e = real && j < D ? xh[j] - xr[j] : 0.0f;
      ae += (double)e * e;
      xh[j] = c->aeScale * e;
    }
    const float *zr = z + r * L, *znr = zn + r * L;
    float *dzr = dz + r * L, *dznr = dz + (cr + r) * L, *efr = ef + r * L;
    for (int l = 0; l < L; l++) {
      const float e = real ? znr[l] - zr[l] - efr[l] : 0.0f;
      dyn += (double)e * e;
      const float s = c->dynScale * e;
      dznr[l] += s;
      dzr[l] -= s;
      efr[l] = -s;
    }
    for (int i = 0; i < half; i++) {
      const float e = real ? zr[half + i] - (znr[i] - zr[i]) : 0.0f;
      cc += (double)e * e;
      const float s = c->ccScale * e;
      dzr[half + i] += s;
      dzr[i] += s;
      dznr[i] -= s;
    }
  }
  loss[0] = ae;
  loss[1] = cc;
  loss[2] = dyn;
  loss[3] = 0;
  if (!c->wantGrad) return;

#define PG(s) (g + seg_off(c, (s)))
  latent_backward(c, tid, cr, g);
  /* Decoder backward (xhat holds d loss / d xhat). */
  gemm_tn(k3, xhat, 0, 0, PG(S_W8), cr, hp, dp);
  col_sums(xhat, cr, dp, PG(S_B8));
  gemm_nn(xhat, wt + wt_off(c, S_W8), db, 0, cr, dp, hp, 0); /* dk3 */
  residual_back(k2, s3, wt + wt_off(c, S_W7), db, PG(S_W7), PG(S_B7), cr, hp); /* dk2 */
  residual_back(k1, s2, wt + wt_off(c, S_W6), db, PG(S_W6), PG(S_B6), cr, hp); /* dk1 */
  relu_back(k1, db, cr * hp); /* dc1 */
  small_layer_grad(z, L, hp, k1, PG(S_W5), PG(S_B5), cr, 0);
  narrow_out(k1, PW(S_W5), 0, dz, cr, hp, L, 1); /* dz += dc1 W5^T */
  /* Encoder backward on all 2 cr rows: z = h3 W4 + b4. */
  {
    float *gw4 = PG(S_W4T), *gb4 = PG(S_B4);
    const float *w4 = PW(S_W4T);
    const int Lp = colpad(L);
    for (int l = 0; l < Lp; l++) gb4[l] = 0;
    for (int r = 0; r < e2; r++)
      for (int l = 0; l < L; l++) gb4[l] += dz[r * L + l];
    for (int l = 0; l < L; l++)
      for (int k = 0; k < hp; k += VW) {
        vf acc = {0};
        for (int r = 0; r < e2; r++) acc += dz[r * L + l] * vload(h3 + r * hp + k);
        vstore(gw4 + l * hp + k, acc);
      }
    for (int r = 0; r < e2; r++)
      for (int k = 0; k < hp; k += VW) {
        vf acc = {0};
        for (int l = 0; l < L; l++) acc += dz[r * L + l] * vload(w4 + l * hp + k);
        vstore(eb + r * hp + k, acc); /* dh3 */
      }
  }
  residual_back(h2, r3, wt + wt_off(c, S_W3), eb, PG(S_W3), PG(S_B3), e2, hp); /* dh2 */
  residual_back(h1, r2, wt + wt_off(c, S_W2), eb, PG(S_W2), PG(S_B2), e2, hp); /* dh1 */
  relu_back(h1, eb, e2 * hp);                                                  /* da1 */
  gemm_tn(X, h1, 0, 0, PG(S_W1), e2, dp, hp);
  col_sums(h1, e2, hp, PG(S_B1));
#undef PG
#undef PW
}

/* (noinline: see work_chunks in fused-mlp.c.) */
__attribute__((noinline)) static int pixel_work_chunks(PCtx *c, int tid) {
  int done = 0;
  double *lossPart = (double *)(pregion(c) + c->lossPart);
  for (int chunk; (chunk = next_chunk(&c->counter, c->nChunks)) >= 0;) {
    const int n = chunk_rows(c->rows, chunk, c->chunkRows);
    float *g = PF(c, c->grads) + (int64_t)chunk * c->nParams;
    pixel_chunk(c, tid, chunk, n, g, lossPart + 4 * chunk);
    done++;
  }
  return done;
}

/* Sums the chunk gradients in order, then torch-style Adam; keeps the transposed copies. */
__attribute__((noinline)) static void pixel_reduce_adam(PCtx *c, int part, int parts) {
  const int np = c->nParams;
  int lo, hi;
  param_slice(np, part, parts, &lo, &hi);
  const AdamStep adam = ADAM_STEP_OF(c);
  const float *grads = PF(c, c->grads);
  float *pp = PF(c, c->p), *mp = PF(c, c->m), *vp = PF(c, c->v), *wt = PF(c, c->wt);
  int seg = 0, segLo = 0, segHi = seg_len(c, 0);
  for (int k = lo; k < hi; k += VW) {
    while (k >= segHi) {
      seg++;
      segLo = segHi;
      segHi += seg_len(c, seg);
    }
    vf p = adam_vector(grads, c->nChunks, np, k, pp, mp, vp, &adam);
    if (seg == S_W2 || seg == S_W3 || seg == S_W6 || seg == S_W7 || seg == S_W8 || seg == S_V2) {
      const int rowsIn = seg == S_V2 ? c->lp : c->hp;
      const int cols = seg == S_W8 ? c->dp : seg == S_V2 ? c->lp : c->hp;
      const int e = k - segLo, i = e / cols, col = e % cols;
      store_column(wt + wt_off(c, seg) + col * rowsIn + i, rowsIn, p);
    }
  }
}

/* Boundary checks of the pixel model's calls (see "Boundary checks" in kernel.h). */

static inline int padded_ok(int32_t n) { return in_range(n, NR * VW, MAX_DIM) && n % (NR * VW) == 0; }

/* The model's sizes agree: kind, padded widths, dTrue, an even latent size, nParams. */
static int pixel_shape_ok(const PCtx *c) {
  if (c->kind != KIND_PIXEL_HNN && c->kind != KIND_PIXEL_BASELINE) return 0;
  if (!padded_ok(c->dp) || !padded_ok(c->hp) || !padded_ok(c->lp)) return 0;
  if (!in_range(c->dTrue, 1, c->dp) || !in_range(c->L, 2, MAX_DIM) || c->L % 2 != 0) return 0;
  const int64_t np = seg_off_of(c->kind, c->dp, c->hp, c->L, c->lp, S_COUNT);
  return np <= INT32_MAX && c->nParams == np;
}

static inline int64_t pixel_wt_floats(const PCtx *c) {
  return wt_off_of(c->dp, c->hp, S_V2) + (int64_t)c->lp * c->lp;
}

static int pixel_check_work(const PCtx *c, uint64_t ctxOff, int tid, uint64_t lo, uint64_t size) {
  if (!pixel_shape_ok(c) || !plan_ok(c->chunkRows, c->nChunks, c->rows)) return K_BAD_FIELD;
  const int64_t cr = c->chunkRows, np = c->nParams, nCh = c->nChunks, sf = c->scratchFloats;
  if ((c->wantGrad != 0 && c->wantGrad != 1) ||
      sf < pixel_scratch_floats(cr, c->dp, c->hp, c->L, c->lp)) {
    return K_BAD_FIELD;
  }
  if (!in_range(tid, 0, MAX_THREADS - 1)) return K_BAD_THREAD;
  const int64_t nBatch = nCh * 2 * cr * c->dp, nGrad = c->wantGrad ? nCh * np : 0;
  const int64_t nWt = pixel_wt_floats(c);
  if (!inside(c->batch, nBatch, 4, lo, size) || !inside(c->p, np, 4, lo, size) ||
      !inside(c->wt, nWt, 4, lo, size) || !inside(c->grads, nGrad, 4, lo, size) ||
      !inside(c->lossPart, 4 * nCh, 8, lo, size) || !inside(c->scratch, sf, 4, lo, size)) {
    return K_BAD_BUFFER;
  }
  if (!inside(c->scratch, (tid + 1) * sf, 4, lo, size)) return K_BAD_THREAD;
  const uint64_t C = ctxOff, Cn = sizeof(PCtx), G = c->grads, Gn = (uint64_t)nGrad * 4;
  const uint64_t L = c->lossPart, Ln = (uint64_t)nCh * 32;
  const uint64_t S = c->scratch, Sn = (uint64_t)(tid + 1) * sf * 4;
  if (!apart(C, Cn, G, Gn) || !apart(C, Cn, L, Ln) || !apart(C, Cn, S, Sn) || !apart(G, Gn, L, Ln) ||
      !apart(G, Gn, S, Sn) || !apart(L, Ln, S, Sn) ||
      !apart4(c->batch, (uint64_t)nBatch * 4, C, Cn, G, Gn, L, Ln, S, Sn) ||
      !apart4(c->p, (uint64_t)np * 4, C, Cn, G, Gn, L, Ln, S, Sn) ||
      !apart4(c->wt, (uint64_t)nWt * 4, C, Cn, G, Gn, L, Ln, S, Sn)) {
    return K_BAD_BUFFER;
  }
  return 0;
}

static int pixel_check_reduce(const PCtx *c, uint64_t ctxOff, int part, int parts, uint64_t lo,
                              uint64_t size) {
  if (!pixel_shape_ok(c) || !in_range(c->nChunks, 1, MAX_DIM)) return K_BAD_FIELD;
  if (!in_range(parts, 1, MAX_THREADS) || !in_range(part, 0, parts - 1)) return K_BAD_THREAD;
  const int64_t np = c->nParams, nWt = pixel_wt_floats(c);
  if (!inside(c->p, np, 4, lo, size) || !inside(c->m, np, 4, lo, size) ||
      !inside(c->v, np, 4, lo, size) || !inside(c->wt, nWt, 4, lo, size) ||
      !inside(c->grads, c->nChunks * np, 4, lo, size)) {
    return K_BAD_BUFFER;
  }
  const uint64_t P = c->p, M = c->m, V = c->v, T = c->wt, n = (uint64_t)np * 4;
  const uint64_t tn = (uint64_t)nWt * 4;
  if (!apart(P, n, M, n) || !apart(P, n, V, n) || !apart(M, n, V, n) ||
      !apart4(T, tn, P, n, M, n, V, n, 0, 0) ||
      !apart4(c->grads, (uint64_t)(c->nChunks * np) * 4, P, n, M, n, V, n, T, tn) ||
      !apart4(ctxOff, sizeof(PCtx), P, n, M, n, V, n, T, tn)) {
    return K_BAD_BUFFER;
  }
  return 0;
}

static int pixel_check_transpose(const PCtx *c, uint64_t ctxOff, uint64_t lo, uint64_t size) {
  if (!pixel_shape_ok(c)) return K_BAD_FIELD;
  const int64_t nWt = pixel_wt_floats(c);
  if (!inside(c->p, c->nParams, 4, lo, size) || !inside(c->wt, nWt, 4, lo, size) ||
      !apart(c->wt, (uint64_t)nWt * 4, c->p, (uint64_t)c->nParams * 4) ||
      !apart(c->wt, (uint64_t)nWt * 4, ctxOff, sizeof(PCtx))) {
    return K_BAD_BUFFER;
  }
  return 0;
}
