/* SPDX-License-Identifier: GPL-3.0-or-later */
/* kern.h — the dense products of a network layer (the gl_kern_* functions),
 * on flat row-major buffers, register-blocked, cache-blocked and vectorised.
 *
 * For a layer with `in` inputs and `out` outputs on a batch of n samples,
 * every matrix feature-major (row = unit, column = sample):
 *   forward          Z  = W H          W: out x in, H: in x n, Z: out x n
 *   input gradient   dH = W^T dZ       dZ: out x n, dH: in x n
 *   weight gradient  gW += dZ H^T      gW: out x in
 *   bias gradient    gb += dZ 1
 *
 * The promise: every output is a function of its own inputs only, bit for
 * bit, whatever the vector width of the build, the blocking, the output's
 * position in its block, the batch size or the thread count. An output of
 * the forward and input-gradient products, and of the weight gradient of a
 * layer with in >= GL_KERN_WIDE inputs, is one sum from 0 over the inner
 * index in increasing order, each term added by a fused multiply-add
 * (s = fma(a, x, s): one rounding per term, the hardware's FMA where the
 * target has one, C99's correctly rounded fma() elsewhere), then stored
 * (or, for gW, added once). A narrower weight gradient is a dot product
 * over the batch with eight partial sums (each term fused) combined
 * pairwise; the bias gradient the same sums of dZ alone. The threshold is
 * the same for every vector width.
 *
 * ws is scratch of gl_kern_wsize(R, K, C) doubles for a product of R x K by
 * K x C (for the weight gradient R = out, K = n, C = in; the bias gradient
 * needs none), allocated by the caller once: the kernels allocate nothing.
 * Buffers must not overlap. */
#ifndef GL_KERN_H
#define GL_KERN_H

#include <stddef.h>

/* Weight gradients of layers with at least this many inputs are products
 * over the batch in order (below it, dot products with partial sums). */
#define GL_KERN_WIDE 16

size_t gl_kern_wsize(size_t R, size_t K, size_t C);

/* The engine: Z[r][c] (+)= sum_{j<K} A(r, j) X(j, c), summed in order j =
 * 0, 1, ..., K-1 from 0, with A(r, j) = A[r*ar + j*aj], X(j, c) = X[j*xj +
 * c*xc], Z (R x C) of row stride C; acc adds the sum to Z, else stores it. */
void gl_kern_mm(size_t R, size_t K, size_t C, const double *A, size_t ar, size_t aj,
                const double *X, size_t xj, size_t xc, double *Z, int acc, double *ws);

/* Z[out x n] = W[out x in] H[in x n] */
void gl_kern_forward(size_t out, size_t in, size_t n, const double *W, const double *H,
                     double *Z, double *ws);
/* dH[in x n] = W^T dZ,  W: out x in, dZ: out x n */
void gl_kern_backward_input(size_t in, size_t out, size_t n, const double *W, const double *dZ,
                            double *dH, double *ws);
/* The same two products for one sample (n = 1: gl_mlp_eval1), bit for bit
 * the values of the two above with n = 1; no scratch */
void gl_kern_forward1(size_t out, size_t in, const double *W, const double *h, double *z);
void gl_kern_backward_input1(size_t in, size_t out, const double *W, const double *dz,
                             double *dh);
/* gW[out x in] += dZ[out x n] H[in x n]^T */
void gl_kern_backward_weight(size_t out, size_t in, size_t n, const double *dZ,
                             const double *H, double *gW, double *ws);
/* gW[out x in] += dZ H^T as dot products with partial sums, any width (the
 * narrow case of gl_kern_backward_weight); needs no scratch */
void gl_kern_wgrad_dot(size_t out, size_t in, size_t n, const double *dZ, const double *H,
                       double *gW);
/* gb[out] += dZ[out x n] 1 */
void gl_kern_backward_bias(size_t out, size_t n, const double *dZ, double *gb);

#endif
