/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bn.h — batch normalisation in the hidden layers of a gl_mlp (Ioffe &
 * Szegedy 2015), the layer that the DCGAN guidelines (Radford et al. 2015)
 * put in both networks.
 *
 * For hidden layer l of a network allocated with norm (mlp.h), unit r, on the
 * pre-activation v = (W h + b)_r of each sample:
 *   u = gamma_r xhat + beta_r,   xhat = (v - mu) / sqrt(var + eps),
 * then the activation. mu and var (the biased variance, 1/m) are those of the
 * samples of a group in GL_MLP_TRAIN and GL_MLP_BATCH mode: the batch is cut
 * into net->groups consecutive groups (group k holds samples
 * [k n / G, (k+1) n / G)), each normalised by its own statistics, so that a
 * discriminator that sees its real and its fake rows as one batch normalises
 * them separately, as two calls of a DCGAN implementation do. In
 * GL_MLP_EVAL mode mu and var are the running averages, and the network is an
 * ordinary function of each sample (gl_bn_fold writes it as a network without
 * normalisation). GL_MLP_TRAIN updates the running averages after each group,
 * PyTorch's convention: mu_run <- (1 - mom) mu_run + mom mu,
 * var_run <- (1 - mom) var_run + mom var m/(m - 1) (the unbiased variance;
 * var for m = 1), mom = net->bn_momentum.
 *
 * Backward, for upstream g = dL/du over the m samples of a group:
 *   dL/dbeta += sum g,   dL/dgamma += sum g xhat,
 *   dL/dv = gamma istd (g - mean(g) - xhat mean(g xhat))   (batch statistics),
 *   dL/dv = gamma istd g                                   (EVAL: constants).
 * The bias b before the normalisation is kept (it cancels in batch mode, up
 * to rounding, but not in eval mode). Nothing allocates: the block of the
 * network holds every buffer (gl_mlp_alloc_opts). */
#ifndef GL_BN_H
#define GL_BN_H

#include <stddef.h>

#include "mlp.h"

/* The BN parameters (2 per hidden unit) and the doubles of the BN buffers
 * (each a whole 64-byte line) of a network of these sizes; 0 on overflow. */
int gl_bn_sizes(size_t nlayers, const size_t *sizes, size_t skip, size_t maxbatch,
                size_t *nparams, size_t *ndoubles);
/* 1 if hidden layer l (l < nlayers - 1) of net is normalised */
int gl_bn_layer(const gl_mlp *net, size_t l);
/* Sets net's BN pointers and offsets from p (gl_bn_sizes's ndoubles); the
 * parameters gamma_l, beta_l start at net->nparams_dense. */
void gl_bn_carve(gl_mlp *net, double *p);
/* gamma 1, beta 0, running mean 0 and variance 1. */
void gl_bn_init(gl_mlp *net);

/* The mode of the next forward passes, and the number of groups a batch is
 * normalised in (1..GL_MLP_MAXGROUPS; clamped). A no-op without norm. */
void gl_bn_set(gl_mlp *net, gl_mlp_mode mode, size_t groups);

/* Z (out x n, feature-major) holds v = W h + b of hidden layer l; replaces it
 * by gamma xhat (beta is added with the activation), keeping xhat and istd
 * for the backward pass. */
void gl_bn_forward(gl_mlp *net, size_t l, size_t n, double *Z);
/* G (out x n) = dL/du of hidden layer l, replaced by dL/dv; if param_grads,
 * ADDS dL/dgamma, dL/dbeta into net->grads. */
void gl_bn_backward(gl_mlp *net, size_t l, size_t n, double *G, int param_grads);
/* One sample in EVAL mode: gamma_r (v - mu_run) istd_run, the same operations
 * in the same order as gl_bn_forward; *slope = gamma_r istd_run. */
double gl_bn_eval1(const gl_mlp *net, size_t l, size_t r, double v, double *slope);

/* dst (same sizes and activation as src, no norm, linear output) = src in
 * EVAL mode with the normalisation folded into the weights:
 * W'_r = s_r W_r, b'_r = s_r (b_r - mu_r) + beta_r, s_r = gamma_r istd_r.
 * The output activation of src is not copied: dst computes src's output
 * pre-activation. GL_EINVAL if the shapes differ. Agrees with src's EVAL
 * forward to rounding (~1e-15 relative; tests/test_bn.c). */
int gl_bn_fold(const gl_mlp *src, gl_mlp *dst, gl_err *err);

#endif
