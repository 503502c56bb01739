/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fconj.h — the conjugate side of the f-divergence catalogue (fdiv.h; the
 * gl_fconj type; gl_critic_fn and gl_real_fn are the functions it takes):
 * Fenchel conjugates, output activations, optimal critics, the variational
 * bound (Nowozin, Cseke & Tomioka 2016, "f-GAN", Tables 1-2 conventions).
 *
 *   f*(t) = sup_u { u t - f(u) }          (the Fenchel conjugate)
 *   D_f(P||Q) >= E_P[T] - E_Q[f*(T)]      for every T with values in dom f*
 *   with equality at T*(x) = f'(p(x)/q(x)).
 *
 * A critic network outputs v in R; g_f maps it into dom f*, T = g_f(v).
 * The entries are indexed by gl_f_id and use fdiv.h's f exactly, so the bound
 * is a bound on the D_f that gl_fdiv_eval computes. With u = p/q:
 *
 *   name      f*(t)                           dom f*        g_f(v)                 f'(1)
 *   kl        e^(t-1)                         R             v                      1
 *   rkl       -1 - log(-t)                    t < 0         -e^(-v)                -1
 *   pearson   t^2/4 + t                       R             v                      0
 *   neyman    2 - 2 sqrt(1-t)                 t < 1         1 - e^(-v)             0
 *   hellinger t/(1-t)                         t < 1         1 - e^(-v)             0
 *   jeffreys  W(e^(1-t)) + 1/W(e^(1-t)) + t - 2   R         v                      0
 *   js        -1/2 log(2 - e^(2t))            t < log(2)/2  (log 2 - softplus(-v))/2   0
 *   gan       -log(1 - e^t)                   t < 0         -softplus(-v)          -log 2
 *   tv        t                               |t| <= 1/2    tanh(v)/2              0
 *
 * W is the principal branch of Lambert's W. Two entries differ from the paper's
 * table because fdiv's f differs: js here is JSD itself, f_js = f_paper/2, so
 * f_js*(t) = f_paper*(2t)/2 and g_js = g_paper/2; gan is the paper's GAN entry
 * unchanged (f(1) = -log 4). pearson's f* is the conjugate of (u-1)^2 on the
 * whole line, as in the paper (on u >= 0 alone it would be -1 for t < -2);
 * it is >= the restricted conjugate, so the bound still holds, and f** = f on
 * u >= 0. tv's f* = t is likewise the paper's (restricted: max(t, -1/2)). */
#ifndef GL_FCONJ_H
#define GL_FCONJ_H

#include "fdiv.h"
#include "gl.h"
#include "mix.h"

typedef struct {
    gl_f_id id;
    const char *fstar_formula; /* f*(t) in words, for tables */
    const char *g_formula;     /* g_f(v) in words */
    double dom_lo, dom_hi;     /* dom f* is the interval between them */
    int lo_closed, hi_closed;  /* 1 if the end belongs to the domain (tv) */
    double df1;                /* f'(1) (tv: 0, the middle of its subdifferential) */
    double (*fstar)(double t);   /* f*(t); +inf outside the domain */
    double (*dfstar)(double t);  /* (f*)'(t), = the u attaining the sup; NaN outside */
    double (*g)(double v);       /* output activation, R -> dom f* */
    double (*dg)(double v);      /* d g/dv */
    double (*ginv)(double t);    /* the network output giving t: g(ginv(t)) = t (tv: +-inf at +-1/2) */
    double (*fstar_g)(double v); /* f*(g(v)) in a form that neither overflows nor cancels */
    double (*dfstar_g)(double v); /* (f* o g)'(v) */
    double (*df)(double u);      /* f'(u), u > 0 */
    double (*tstar)(double d);   /* T* = f'(e^d) for d = log p - log q (d = +-inf allowed) */
} gl_fconj;

/* The entry for id, or NULL for an id out of range. */
const gl_fconj *gl_fconj_get(gl_f_id id);

/* 1 if t lies in dom f*. */
int gl_fconj_in_domain(const gl_fconj *c, double t);

/* T*(x) = f'(p/q) from log p and log q: +-inf where only one density
 * vanishes and f' is unbounded there, NaN where both do. */
double gl_fconj_tstar(const gl_fconj *c, double lp, double lq);

/* q f*(T*) = p T* - q f(p/q), the Q-term of the bound at the optimum, in
 * log space (no overflow where p/q does): kl p; rkl q (d - 1); pearson
 * p^2/q - q; neyman 2q - 2q^2/p; hellinger sqrt(pq) - q; jeffreys
 * q d + p - q; js q (softplus(d) - log 2)/2; gan q softplus(d); tv q sign(d)/2,
 * d = log p - log q. 0 where q = 0, and NaN where both vanish. */
double gl_fconj_qstar(const gl_fconj *c, double lp, double lq);

/* W0(e^a), the principal Lambert W at e^a, for every real a: GSL's
 * gsl_sf_lambert_W0 for -40 <= a < 700, x(1-x) with x = e^a below (GSL returns
 * 0 for x < ~1e-100), Newton on w + log w = a above. */
double gl_fconj_lambert_w0_exp(double a);

/* f**(u) = sup_t { u t - f*(t) }, computed numerically: a scan of t = g_f(v)
 * over v in [-40, 40] (widened 8-fold up to 4 times while the best point is an end) brackets the maximiser, GSL's Brent minimiser refines it
 * (to 1e-12 relative in t), and a closed end of the domain is tried as well.
 * *tmax (may be NULL) is the maximiser. u >= 0. */
int gl_fconj_biconj(const gl_fconj *c, double u, double *value, double *tmax, gl_err *err);

/* f*(t) = sup_{u >= 0} { t u - f(u) } numerically, for a convex f given as
 * a function (f(0) is taken as the limit at u = 1e-300): a scan of u = e^s,
 * s in [-40, 40], brackets the maximiser, GSL's Brent refines it in s (to
 * 1e-12 relative); +inf when the best scan point is u = e^40 (t beyond dom f*).
 * *umax (may be NULL) is the maximiser. */
typedef double (*gl_real_fn)(double u, void *params);
int gl_fconj_numeric(gl_real_fn f, void *params, double t, double *value, double *umax, gl_err *err);

/* f*(t) = sup_{0 <= u <= umax} { t u - f(u) } for ANY f (convexity not
 * assumed): the best of n + 1 grid points u = umax i / n, refined by golden
 * sections on the two cells around it (to rounding), so the global maximum is
 * found when the grid resolves f's wells. n >= 2, umax > 0. */
int gl_fconj_numeric_grid(gl_real_fn f, void *params, double t, double umax, size_t n,
                          double *value, gl_err *err);

/* A critic T(x); lp, lq are log p(x), log q(x) (for T* itself). Its values
 * must lie in dom f*. */
typedef double (*gl_critic_fn)(const double *x, double lp, double lq, void *params);

/* The variational bound E_P[T] - E_Q[f*(T)] by quadrature (fdiv.h's driver:
 * p T - q f*(T) with breakpoints from both mixtures, and the places where
 * p - q changes sign located, where T* of tv jumps). Only |x| <= lim (every
 * coordinate) is integrated: lim = INFINITY for the whole line, a finite lim
 * where T grows so fast that p T would overflow in the far tails (T* of rkl
 * is -q/p); the caller bounds what lies beyond. */
int gl_fconj_bound(const gl_fconj *c, const gl_mix *P, const gl_mix *Q, gl_critic_fn T,
                   void *params, double lim, gl_quad_workspace *ws, double *value, double *abserr,
                   gl_err *err);

#endif
