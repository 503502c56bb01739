/* SPDX-License-Identifier: GPL-3.0-or-later */
/* metrics.h — where the trained side meets the exact side.
 *
 * A discriminator is given by its logit a(x) (D = sigmoid(a)); the optimal
 * one is D*(x) = p(x)/(p(x)+g(x)). */
#ifndef GL_METRICS_H
#define GL_METRICS_H

#include <stddef.h>

#include "fdiv.h"
#include "gen.h"
#include "gl.h"
#include "mix.h"
#include "mlp.h"
#include "quad.h"

/* A gl_logit_fn for a network with one output: params is the gl_mlp *.
 * (Runs a forward pass of batch 1, overwriting the net's activations.) */
double gl_metrics_mlp_logit(const double *x, void *net);

/* A regime label for the same network: a hash of the signs of its hidden
 * units, which changes exactly where a relu/leaky network's logit has a
 * corner (an integer below 2^50); 0 everywhere for smooth activations
 * (tanh, sigmoid). */
double gl_metrics_mlp_regime(const double *x, void *net);

/* D*(x) = p/(p+g) = sigmoid(log p - log g) from the two log densities at x;
 * NaN where both vanish (for a density with no closed form, such as a
 * generator's pushforward; gl_fdiv_dstar for two mixtures). */
double gl_metrics_dstar(double log_p, double log_g);

/* Mean of D = sigmoid(logit) over n points x (row-major, n <= D->maxbatch);
 * the logits are left in a[0..n-1] for the caller. */
double gl_metrics_mean_d(gl_mlp *D, const double *x, size_t n, double *a);

/* Weighted L1 error  integral of |D - D*| (p+g)/2, by quadrature. It is the
 * mean of |D - D*| under the mixture the discriminator is trained on, so it
 * lies in [0, 1]. Accepted at 1e-4 relative (abserr says how close): it is
 * compared with tolerances of order 1e-2. */
int gl_metrics_d_l1(const gl_mix *P, const gl_mix *G, gl_logit_fn logit, gl_logit_fn regime,
                    void *params, gl_quad_workspace *ws, double *l1, double *abserr, gl_err *err);

/* JSD(p_data || p_g) where p_g is the exact density of a 1-D generator
 * (gl_pushforward, already updated for the generator's current parameters):
 * quadrature of the js integrand with the breakpoints of both (the folds of
 * p_g among them). P must be 1-D. The value is in [0, log 2]; it is accepted
 * at 1e-5 relative when the integrator stops short of its 1e-12 target
 * (abserr says how close). */
int gl_metrics_jsd_pf(const gl_mix *P, gl_pushforward *pf, gl_quad_workspace *ws, double *jsd,
                      double *abserr, gl_err *err);

/* The exact side of a 1-D generator during training (the gl_metrics_gen
 * type): G's pushforward, a second one on an 8 times finer fold search for
 * retries, and a quadrature workspace, allocated once, so that evaluating G
 * at every logged step allocates nothing. It holds a pointer to G. A
 * batch-normalised G is taken in evaluation mode (an ordinary function). For
 * a G with a tanh output, x = tanh(u), the pushforward is that of u (G folded
 * into a plain network, gl_bn_fold, at every gl_metrics_gen_jsd) and
 * p_g(x) = p_u(atanh x) / (1 - x^2) on (-1, 1), 0 elsewhere; the JSD is
 * integrated in u, where it is the same (tanh is a bijection onto (-1, 1))
 * and p_g keeps its breakpoints, plus log 2 / 2 times P's mass outside
 * (-1, 1). */
typedef struct gl_metrics_gen gl_metrics_gen;
int gl_metrics_gen_alloc(gl_metrics_gen **out, gl_mlp *G, gl_noise noise, gl_err *err);
void gl_metrics_gen_free(gl_metrics_gen *m); /* NULL is a no-op */
/* JSD(P || p_g) for G's current parameters (gl_metrics_jsd_pf; for a ReLU G,
 * plus a log 2 / 2 for the mass a of p_g's atoms, 1 minus the integral of
 * its density: P has none). QUADPACK
 * occasionally gives up on p_g's steep flanks (GL_ENOCONV); the same integral
 * on the breakpoints of the finer fold search usually converges, and is then
 * returned with *retried = 1 (retried may be NULL). A failure of both is
 * returned as the finer one's status. */
int gl_metrics_gen_jsd(gl_metrics_gen *m, const gl_mix *P, double *jsd, double *abserr,
                       int *retried, gl_err *err);
/* G's pushforward (the one on the default grid; of u for a tanh output), as
 * the last gl_metrics_gen_jsd updated it; and the workspace, for other
 * integrals of the same loop. */
gl_pushforward *gl_metrics_gen_pf(gl_metrics_gen *m);
gl_quad_workspace *gl_metrics_gen_ws(gl_metrics_gen *m);

/* An ESTIMATE of a JSD from samples: the JSD between the histograms of two
 * samples xa and xb (n points each, row-major, dim 1 or 2), with bins cells
 * per axis over the box [lo, hi] (lo[a], hi[a] per axis) and one more cell
 * for every point outside it. Sampling noise biases it upwards (for two
 * samples of one distribution it is about (occupied cells)/(4n) rather than
 * 0), and the cells blur structure finer than (hi-lo)/bins. For 2-D
 * generators, where no exact density is available. */
int gl_metrics_jsd_hist(const double *xa, const double *xb, size_t n, int dim, const double *lo,
                        const double *hi, size_t bins, double *jsd, gl_err *err);

/* Over n points x (row-major, dim coordinates each) with D values d[i]:
 * the largest |D - D*| among points where m = (p+g)/2 is at least frac times
 * the largest m over the points. *argmax gets the index of that point, *m_max
 * the largest m; points where m is below the cut are ignored. */
void gl_metrics_d_max(const gl_mix *P, const gl_mix *G, const double *x, const double *d,
                      size_t n, double frac, double *maxerr, size_t *argmax, double *m_max);

#endif
