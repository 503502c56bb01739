/* SPDX-License-Identifier: GPL-3.0-or-later */
/* wass.c — W1 between 1-D mixtures by quadrature of |F_P - F_Q|. */
#include <math.h>
#include <gsl/gsl_cdf.h>

#include "num.h"
#include "quad.h"
#include "wass.h"

/* lower and upper tail of a 1-D mixture at x: F(x) and S(x) = 1 - F(x), each
 * summed from its own component tails (no 1 - F cancellation) */
static void mix_tails(const gl_mix *m, double x, double *F, double *S)
{
    double f = 0, s = 0;
    for (size_t k = 0; k < m->n; k++) {
        const gl_comp *c = &m->comp[k];
        if (c->kind == GL_COMP_N) {
            double u = (x - c->mu[0]) / c->sd[0];
            f += c->w * gsl_cdf_gaussian_P(u, 1.0);
            s += c->w * gsl_cdf_gaussian_Q(u, 1.0);
        } else {
            double u = (x - c->lo[0]) / (c->hi[0] - c->lo[0]);
            u = u < 0 ? 0 : (u > 1 ? 1 : u);
            f += c->w * u;
            s += c->w * (1 - u);
        }
    }
    *F = f;
    *S = s;
}

typedef struct {
    const gl_mix *P, *Q;
} wctx;

/* F_P(x) - F_Q(x), from the lower tails left of the medians, else S_Q - S_P */
static double cdf_diff(double x, void *v)
{
    const wctx *c = v;
    double fp, sp, fq, sq;
    mix_tails(c->P, x, &fp, &sp);
    mix_tails(c->Q, x, &fq, &sq);
    return (fp <= 0.5 && fq <= 0.5) ? fp - fq : sq - sp;
}

static double abs_diff(double x, void *v) { return fabs(cdf_diff(x, v)); }

/* the regime label: the sign of F_P - F_Q */
static double sign_diff(double x, void *v)
{
    double d = cdf_diff(x, v);
    return (d > 0) - (d < 0);
}

int gl_wass_w1(const gl_mix *P, const gl_mix *Q, gl_quad_workspace *ws, double *value,
               double *abserr, gl_err *err)
{
    if (!P || !Q || !value || !abserr)
        return gl_err_set(err, GL_EINVAL, "gl_wass_w1: NULL argument");
    if (P->dim != 1 || Q->dim != 1)
        return gl_err_set(err, GL_EINVAL,
                          "W1 is implemented for 1-D mixtures only (integral of |F_P - F_Q|); got %d-D and %d-D",
                          P->dim, Q->dim);
    gl_quad_workspace *tmp;
    int s;
    if (!(ws = gl_quad_workspace_use(ws, &tmp, err)))
        return GL_ENOMEM;
    size_t mp = gl_mix_breakpoints_max(P), mq = gl_mix_breakpoints_max(Q);
    double *bp = gl_quad_workspace_points(ws, mp + mq, err);
    if (bp) {
        size_t np = gl_mix_breakpoints(P, 0, bp, mp);
        size_t nq = gl_mix_breakpoints(Q, 0, bp + np, mq);
        wctx c = {P, Q};
        s = gl_quad_line_split(abs_diff, sign_diff, &c, bp, gl_num_sort_unique(bp, np + nq), ws,
                               value, abserr, err);
    } else {
        s = GL_ENOMEM;
    }
    gl_quad_workspace_free(tmp);
    return s ? gl_err_prefix(err, "W1") : GL_OK;
}
