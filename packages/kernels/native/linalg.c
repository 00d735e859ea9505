/*
 * The linear algebra and the MLP's passes both models use (the pixel model's latent MLP is the
 * paper's MLP), on explicit buffers, and Adam on one vector of parameters. Part of kernels.c.
 */
#include "kernel.h"

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
          UNROLL for (int q = 0; q < NR; q++) acc[r][q] = vmadd(x, b[q], acc[r][q]);
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
            UNROLL for (int q = 0; q < NR; q++) acc[t][q] = vmadd(x, b[q], acc[t][q]);
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
__attribute__((noinline)) static void hnn_forward_args(const float *x, int d, int hp, const float *w1, const float *b1,
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
__attribute__((noinline)) static void hnn_backward_args(const float *x, const float *e, int d, int hp, const float *w1,
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
__attribute__((noinline)) static void baseline_backward_args(const float *x, const float *e, int d, int hp, int nOut,
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

/*
 * The passes above as callers use them: MlpWeights / MlpBuffers / MlpGrads (kernel.h) instead of
 * 16-23 positional pointers. Always inlined, so the structs never reach memory (WebAssembly's
 * shadow stack, which the threads share). The positional functions above stay separate, never
 * inlined, as clang compiled them before the structs came: with the passes inlined into both
 * callers the module grew from 65.6 to 76.9 KB and A/B timings of the WebAssembly MLP HNN and
 * pixel steps ran 8-14% slower (a loaded machine; the native builds showed no difference).
 */
INLINE_ALWAYS void hnn_forward(const float *x, int d, int hp, int nr, const MlpWeights *w,
                               const MlpBuffers *buf, float *gx) {
  hnn_forward_args(x, d, hp, w->w1, w->b1, w->w2, w->b2, w->w3, w->w2t, nr, buf->h1, buf->h2,
                   buf->g2, buf->u1, buf->g1, gx);
}

INLINE_ALWAYS void hnn_backward(const float *x, const float *e, int d, int hp, int nr,
                                const MlpWeights *w, const MlpBuffers *buf, const MlpGrads *g) {
  hnn_backward_args(x, e, d, hp, w->w1, w->w2, w->w3, w->w2t, nr, buf->h1, buf->h2, buf->g2,
                    buf->u1, buf->g1, buf->ub1, buf->gb2, buf->a2, buf->hb1, g->w1, g->b1, g->w2,
                    g->b2, g->w3);
}

INLINE_ALWAYS void baseline_backward(const float *x, const float *e, int d, int hp, int nOut,
                                     int nr, const MlpWeights *w, const MlpBuffers *buf,
                                     const MlpGrads *g) {
  baseline_backward_args(x, e, d, hp, nOut, w->w3, w->w2t, nr, buf->h1, buf->h2, buf->a2,
                         buf->hb1, g->w1, g->b1, g->w2, g->b2, g->w3);
}

/*
 * Adam (torch.optim.Adam, L2 decay added to the gradient) on the VW parameters at k: sums the
 * nChunks partial gradients (np floats apart) in chunk order, updates m, v and p in place and
 * returns the new p.
 */
static inline vf adam_vector(const float *grads, int nChunks, int np, int k, float *pp, float *mp,
                             float *vp, const AdamStep *a) {
  const float b1 = a->b1, omb1 = a->omb1, b2 = a->b2, omb2 = a->omb2, wd = a->wd;
  const float step = a->step, bc2 = a->bc2, eps = a->eps;
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
