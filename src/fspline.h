/* fspline.h — the f-divergence that a restricted critic class sees, computed
 * exactly, and the f-GAN trained against a critic of that class (the types
 * gl_fspline and gl_fspline_fgan_cfg, functions gl_fspline_*).
 *
 * The class: V(x) continuous and piecewise linear with the knots
 * t_i = lo + i (hi - lo)/m, i = 0..m, extended linearly beyond them (the end
 * segments continue), T = g_f(V). It is a one-hidden-layer ReLU network with
 * its m + 1 kinks fixed, and the classes of m and 2m intervals on the same
 * [lo, hi] are nested. V is held as its values w_i = V(t_i).
 *
 * For P and Q 1-D the restricted divergence is
 *   D_F(P||Q) = max_w J(w),   J(w) = E_P[g_f(V_w)] - E_Q[f*(g_f(V_w))],
 * a lower bound on D_f(P||Q) (the bound holds for every T) that grows with the
 * class. With the output activations of fconj.h, J is concave in V, hence in
 * w, and strictly so where P or Q has mass: the maximiser is unique and Newton
 * finds it (Nowozin, Cseke & Tomioka 2016 for the bound; Liu, Bousquet &
 * Chaudhuri 2017 for divergences restricted to a critic class).
 *
 * An f-GAN with this critic follows, as its critic converges, the gradient
 * flow of D_F(P||Q_theta) (envelope theorem), not that of D_f: where the class
 * cannot represent T* = f'(p/q), its fixed point is the minimiser of D_F. */
#ifndef GL_FSPLINE_H
#define GL_FSPLINE_H

#include <stddef.h>
#include <gsl/gsl_rng.h>

#include "fconj.h"
#include "fit.h"
#include "gl.h"
#include "mix.h"
#include "optim.h"
#include "sched.h"

#define GL_FSPLINE_MAXM 256

typedef struct {
    size_t m;      /* intervals, 1..GL_FSPLINE_MAXM; m + 1 knots */
    double lo, hi; /* the first and last knot, lo < hi */
    double bound;  /* the knot values are held in [-bound, bound] (the exact
                    * maximiser by projected Newton, the f-GAN's critic by
                    * clamping after each step); 0 or inf: unbounded */
} gl_fspline;

/* GL_OK, or GL_EINVAL naming what is wrong with k. */
int gl_fspline_check(const gl_fspline *k, gl_err *err);

/* V(x) for the knot values w[0..m]; *slope (may be NULL) gets dV/dx. */
double gl_fspline_v(const gl_fspline *k, const double *w, double x, double *slope);

/* The restricted divergence D_F(P||Q) for the critic of knots k, P and Q 1-D:
 * Newton's method on the concave J (Gauss-Legendre of order 32 on every knot
 * interval, GSL's QAGIU/QAGIL beyond the end knots; tridiagonal Hessian,
 * backtracking), from w (in: a start, e.g. the previous answer; out: the
 * maximiser), until the Newton decrement is below 1e-18 (at most 200 steps,
 * else GL_ENOCONV). *value is J at the maximiser by adaptive quadrature
 * (gl_quad_line with the knots as breakpoints) and *abserr its error
 * estimate plus the difference from the Gauss-Legendre value. */
int gl_fspline_div(const gl_fconj *c, const gl_mix *P, const gl_mix *Q, const gl_fspline *k, double *w,
                   double *value, double *abserr, gl_err *err);

/* The gradient of D_F(P||N(mu, sigma)) with respect to (mu, log sigma):
 *   dD_F/dtheta = -integral dq/dtheta f*(g_f(V*(x))) dx   (envelope theorem),
 * with w the maximiser for (mu, sigma) (from gl_fspline_div). */
int gl_fspline_grad(const gl_fconj *c, const gl_mix *P, double mu, double sigma, const gl_fspline *k,
                    const double *w, double grad[2], gl_err *err);

/* The end of the gradient flow of D_F(P||N(mu, sigma)) over (mu, log sigma)
 * from (mu0, sigma0), as gl_fit_flow for D_f: steps theta -= h grad (halved
 * while D_F would rise) until max |grad| < tol, or maxit steps (GL_ENOCONV);
 * the critic's maximiser is carried from step to step. res->value is D_F
 * there, res->grad its gradient; w (m + 1 doubles, may be NULL) gets the
 * critic at the end. */
int gl_fspline_flow(const gl_fconj *c, const gl_mix *P, const gl_fspline *k, double mu0, double sigma0,
                    double h, double tol, size_t maxit, gl_fit_result *res, double *w, gl_err *err);

/* The f-GAN of fit.h's gl_fit_fgan with this critic: theta = (mu, log sigma)
 * (in: the start, out: the last iterate) trained with og (n = 2) against the
 * knot values w (in: the start, out: the last) trained with oc (n = m + 1),
 * cfg as for gl_fit_fgan (cfg->avg_from, trace and avg likewise). The
 * critic's gradient touches the two knot values of each sample's interval. */
int gl_fspline_fgan(const gl_fconj *c, const gl_mix *P, const gl_fspline *k, double *w, gl_optim *oc,
                    gl_optim *og, const gl_fit_fgan_cfg *cfg, const gsl_rng *r, double theta[2],
                    double avg[2], double *trace, gl_err *err);

#endif
