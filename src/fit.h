/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fit.h — fitting a Gaussian Q = N(mu, sigma) to a 1-D mixture P by an
 * f-divergence (gl_fit_*, with the types gl_fit_result, gl_fit_fgan_cfg and
 * gl_fit_critic), directly (quadrature + GSL multimin) or as an f-GAN (Nowozin,
 * Cseke & Tomioka 2016: a critic and a generator playing the variational bound
 *   F(theta, w) = E_P[g_f(V_w(x))] - E_{Q_theta}[f*(g_f(V_w(x)))]
 * which the critic V_w maximises and the generator minimises).
 *
 * The f-GAN pieces work on flat buffers allocated once per call; the loops
 * allocate nothing. Randomness comes from the gsl_rng passed in. */
#ifndef GL_FIT_H
#define GL_FIT_H

#include <stddef.h>
#include <gsl/gsl_rng.h>

#include "fconj.h"
#include "fdiv.h"
#include "gl.h"
#include "mix.h"
#include "mlp.h"
#include "optim.h"
#include "sched.h"
#include "train.h"

typedef struct {
    double mu, sigma; /* the minimiser */
    double value;     /* D_f(P || N(mu, sigma)) there */
    double grad[2];   /* dD/dmu, dD/dlog(sigma) there, by quadrature */
    int start;        /* which start won (0: moment matching or the given init) */
} gl_fit_result;

/* Q = N(mu, sigma) minimising D_f(P||Q) over (mu, log sigma), P 1-D.
 * init = {mu, sigma} is the only start; init = NULL starts from P's moment
 * matching Gaussian and from each Gaussian component of P (its mean and sd),
 * and keeps the smallest value (mode-seeking divergences have one local
 * minimum per mode, and a symmetric P makes the moment-matching start a
 * saddle). From each start whose D_f is finite: Nelder-Mead (GSL nmsimplex2)
 * on D_f by gl_fdiv_eval (+inf where D_f is infinite), then BFGS (GSL
 * vector_bfgs2) with the gradient by quadrature,
 *   dD/dtheta = integral of dq/dtheta (f(u) - u f'(u)) = -integral dq/dtheta f*(T*),
 * then Newton steps on that gradient (Hessian by its central differences):
 * the minimum is located to the gradient's accuracy (~1e-12), where D_f's
 * values alone (rounding ~1e-16) would locate it only to ~sqrt(1e-16). */
int gl_fit_gauss(const gl_fdiv *f, const gl_mix *P, const double *init, gl_fit_result *res,
                 gl_err *err);

/* The end of the gradient flow of D_f from (mu0, sigma0): plain gradient
 * descent theta -= h grad on theta = (mu, log sigma), with the gradient by
 * quadrature (h halved for a step that would raise D_f), until max |grad| <
 * tol or maxit steps (then GL_ENOCONV), then gl_fit_gauss's Newton polishing
 * (so tol ~ 1e-4 settles the basin and Newton the digits; the flow itself
 * creeps, 1e-8 can take 10^4 steps of three quadratures each). The local minimum whose basin holds the start,
 * which is what a generator trained by small gradient steps approaches. */
int gl_fit_flow(const gl_fdiv *f, const gl_mix *P, double mu0, double sigma0, double h, double tol,
                size_t maxit, gl_fit_result *res, gl_err *err);

/* The gradient of D_f(P || N(mu, sigma)) with respect to (mu, log sigma);
 * NaN where D_f is infinite. */
int gl_fit_grad(const gl_fdiv *f, const gl_mix *P, double mu, double sigma, double grad[2],
                gl_err *err);

/* ---- f-GAN: the critic V (an MLP with one input and one output; T = g_f(V)) ---- */

/* cfg->steps steps of ascent of the bound by opt on fresh samples, cfg->batch
 * from P and as many from Q per step (net->maxbatch >= 2 batch), at the rate
 * cfg->lr times its schedule (train.h's configuration of a discriminator's
 * training: the critic is one; its hook gets the minibatch bound as the loss).
 * *last (may be NULL) is the minibatch bound of the last step. */
int gl_fit_critic_train(const gl_fconj *c, gl_mlp *net, gl_optim *opt, const gl_mix *P,
                         const gl_mix *Q, const gsl_rng *r, const gl_train_d_cfg *cfg,
                         double *last, gl_err *err);

/* The bound estimated on n fresh samples from each of P and Q:
 * est = mean g(V(x_P)) - mean f*(g(V(x_Q))), se = sqrt(var_P/n + var_Q/n)
 * (the sample variances of the two terms). */
int gl_fit_critic_bound(const gl_fconj *c, gl_mlp *net, const gl_mix *P, const gl_mix *Q,
                         const gsl_rng *r, size_t n, double *est, double *se, gl_err *err);

/* T(x) = g_f(V(x)) of a critic, as a gl_critic_fn for gl_fconj_bound
 * (params: a gl_fit_critic). One forward pass of batch 1 per point. */
typedef struct {
    const gl_fconj *c;
    gl_mlp *net;
} gl_fit_critic;
double gl_fit_critic_t(const double *x, double lp, double lq, void *params);

/* ---- f-GAN: a Gaussian generator x = mu + sigma z, z ~ N(0,1) ---- */
typedef struct {
    size_t steps;    /* generator steps (default 4000) */
    size_t dsteps;   /* critic steps before each generator step (default 8) */
    size_t batch;    /* samples of P and of the generator per step (default 256) */
    size_t avg_from; /* theta is averaged over generator steps >= avg_from (Polyak; default 0) */
    double lr_critic, lr_gen; /* base rates (default 2e-3 both) */
    /* the rates at generator step t are the base rates times
     * gl_sched_factor(&sched, t, steps), the critic's for all its steps
     * before that generator step (default constant) */
    gl_sched sched;
} gl_fit_fgan_cfg;

gl_fit_fgan_cfg gl_fit_fgan_cfg_default(void);

/* Trains theta = (mu, log sigma) (in: the start; out: the last iterate) with
 * the optimiser og (n = 2) against the critic net with oc, at cfg's rates
 * (written into oc->lr and og->lr at every generator step): dsteps critic
 * ascent steps, then one generator descent step on
 *   L_G = -mean f*(g_f(V(mu + sigma z_j))),
 * whose gradient flows through V's input (reparameterisation). avg gets the
 * average of (mu, log sigma) over steps >= avg_from; trace (may be NULL,
 * 2*steps doubles) the iterates. GL_EDIVERGE if theta or the bound turns
 * non-finite. */
int gl_fit_fgan(const gl_fconj *c, const gl_mix *P, gl_mlp *net, gl_optim *oc, gl_optim *og,
                const gl_fit_fgan_cfg *cfg, const gsl_rng *r, double theta[2], double avg[2],
                double *trace, gl_err *err);

/* The loop of gl_fit_fgan for a critic of any class (fspline.h's too): step
 * runs one ascent step of the bound on x[0..b) from P and x[b..2b) from Q
 * and returns the minibatch bound; dx writes dL_G/dx_j at x[0..b) into
 * dx[0..b); opt is the critic's optimiser, whose rate the loop sets. */
typedef struct {
    double (*step)(void *ctx, const double *x, size_t b);
    void (*dx)(void *ctx, const double *x, size_t b, double *dx);
    void *ctx;
    gl_optim *opt;
} gl_fit_critic_ops;
int gl_fit_fgan_loop(const gl_fit_critic_ops *c, const gl_mix *P, gl_optim *og, const gl_fit_fgan_cfg *cfg,
                     const gsl_rng *r, double theta[2], double avg[2], double *trace, gl_err *err);

#endif
