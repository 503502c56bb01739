/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fdiv.h — f-divergences, the optimal discriminator and the GAN value function
 * (the catalogue type gl_fdiv, indexed by gl_f_id; gl_logit_fn and
 * gl_density_fn are the integrands it takes).
 *
 *   D_f(P||Q) = integral of q f(p/q)
 *
 * evaluated by quadrature of a log-space integrand h(log p, log q) = q f(p/q),
 * after deciding from the supports and the Gaussian tail exponents whether the
 * value is infinite (then it is reported as +inf without integrating).
 *
 * Conventions (natural log):
 *   kl        p log(p/q)                  rkl       q log(q/p)
 *   pearson   (p-q)^2/q                   neyman    (q-p)^2/p
 *   hellinger (sqrt p - sqrt q)^2         jeffreys  (p-q) log(p/q)
 *   js        1/2 KL(P||M) + 1/2 KL(Q||M), M = (P+Q)/2, in [0, log 2]
 *   gan       p log(p/(p+q)) + q log(q/(p+q)) = 2 js - log 4
 *   tv        1/2 |p-q|
 *
 * f(1) = 0 for every entry but gan, whose f(u) = u log u - (u+1) log(u+1)
 * (Nowozin et al. 2016) has f(1) = -log 4, so that D_gan(P||P) = -log 4.
 */
#ifndef GL_FDIV_H
#define GL_FDIV_H

#include "gl.h"
#include "mix.h"
#include "quad.h"

typedef enum {
    GL_F_KL, GL_F_RKL, GL_F_PEARSON, GL_F_NEYMAN, GL_F_HELLINGER,
    GL_F_JEFFREYS, GL_F_JS, GL_F_GAN, GL_F_TV, GL_F_COUNT
} gl_f_id;

typedef struct {
    gl_f_id id;
    const char *name;    /* "kl", "rkl", ... */
    const char *formula; /* the integrand in words, for --help */
    double (*f)(double u);               /* generator f, f(1) = 0 */
    double (*integrand)(double lp, double lq); /* q f(p/q) from log p, log q */
    int inf_if_p_outside_q; /* f(u)/u -> inf as u -> inf: P-mass where q = 0 gives inf */
    int inf_if_q_outside_p; /* f(0) = inf: Q-mass where p = 0 gives inf */
    int tail;               /* 0: tails never diverge; +1: needs p^2/q integrable;
                               -1: needs q^2/p integrable */
} gl_fdiv;

/* The catalogue entry for id, or NULL for an id out of range. */
const gl_fdiv *gl_fdiv_get(gl_f_id id);
/* The entry named name, or NULL (names as in the table above). */
const gl_fdiv *gl_fdiv_find(const char *name);

/* Decides whether D_f(P||Q) is infinite from the supports and, for pearson and
 * neyman, the Gaussian tail exponents. P and Q must have the same dimension. */
int gl_fdiv_infinite(const gl_fdiv *f, const gl_mix *P, const gl_mix *Q,
                     int *is_inf, gl_err *err);

/* D_f(P||Q): +inf (abserr 0) when infinite, otherwise the quadrature value
 * and GSL's error estimate; +inf with abserr +inf when the value is finite
 * but overflows a double (pearson(N(0,1)||N(40,1)) = e^1600 - 1). */
int gl_fdiv_eval(const gl_fdiv *f, const gl_mix *P, const gl_mix *Q, gl_quad_workspace *ws,
                 double *value, double *abserr, gl_err *err);

/* Several divergences of one pair: values[k], abserrs[k] as
 * gl_fdiv_eval(fs[k], P, Q, ...) gives them, bit for bit, in less time for
 * a 1-D pair (all nine: half the time of nine gl_fdiv_eval calls, make
 * bench), since the n integrals share what does not depend on f: log p and
 * log q at every abscissa (and which components dominate there) are
 * computed once, and so is the rounding floor. Stops at the first f that
 * fails and returns its status, err prefixed with its name as gl_fdiv_eval
 * does (values and abserrs before it are set). */
int gl_fdiv_eval_many(const gl_fdiv *const *fs, size_t n, const gl_mix *P, const gl_mix *Q,
                      gl_quad_workspace *ws, double *values, double *abserrs, gl_err *err);

/* The optimal discriminator D*(x) = p(x)/(p(x)+q(x)) and its logit
 * log p(x) - log q(x); NaN where both densities vanish. */
double gl_fdiv_dstar(const gl_mix *P, const gl_mix *Q, const double *x);
double gl_fdiv_dstar_logit(const gl_mix *P, const gl_mix *Q, const double *x);

/* A discriminator given by its logit a(x): D(x) = 1/(1+exp(-a(x))). */
typedef double (*gl_logit_fn)(const double *x, void *params);

/* V(D,G) = E_P[log D] + E_G[log(1-D)], by quadrature (log D = -softplus(-a),
 * log(1-D) = -softplus(a), so a confident D never produces log 0). */
int gl_fdiv_value(const gl_mix *P, const gl_mix *G, gl_logit_fn logit,
                  void *params, gl_quad_workspace *ws, double *value, double *abserr, gl_err *err);

/* Integral over the line (1-D) or plane (2-D) of h(x, log p(x), log q(x)),
 * with the quadrature's breakpoints taken from both mixtures: the one driver
 * behind D_f, V(D,G) and any metric weighted by the densities. A NaN from h
 * is an error (GL_ENOCONV naming the point), never a silent 0. */
typedef double (*gl_density_fn)(const double *x, double lp, double lq, void *params);
/* split (may be NULL) returns a regime label and marks kinks of h where it
 * changes (see quad.h); the changes of the dominant mixture component are
 * always added. */
int gl_fdiv_integrate(const gl_mix *P, const gl_mix *Q, gl_density_fn h, gl_density_fn split,
                      void *params, gl_quad_workspace *ws, double *value, double *abserr,
                      gl_err *err);

/* The same for a logit with corners (a ReLU network): regime(x) returns a
 * label that changes where the logit has a corner (see gl_fdiv_integrate). */
int gl_fdiv_value_split(const gl_mix *P, const gl_mix *G, gl_logit_fn logit,
                        gl_logit_fn regime, void *params, gl_quad_workspace *ws, double *value,
                        double *abserr, gl_err *err);

/* C(G) = V(D*,G), integrated with D* passed through gl_fdiv_value. */
int gl_fdiv_value_dstar(const gl_mix *P, const gl_mix *G, gl_quad_workspace *ws, double *value,
                   double *abserr, gl_err *err);

#endif
