/* SPDX-License-Identifier: GPL-3.0-or-later */
/* modes.c — modes covered, high-quality fraction and reverse KL over modes
 * (definitions and conventions in modes.h). */
#include "modes.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "data.h"

int gl_modes_check(const gl_mix *m, gl_err *err)
{
    if (!m)
        return gl_err_set(err, GL_EINVAL, "mixture is NULL");
    for (size_t j = 0; j < m->n; j++)
        if (m->comp[j].kind != GL_COMP_N && m->comp[j].kind != GL_COMP_N2) {
            char q[GL_MIX_QUOTE_LEN]; /* a spec may span lines: the message may not */
            gl_mix_quote(m->spec, q, sizeof q);
            return gl_err_set(err, GL_EINVAL,
                              "mixture \"%s\": component %zu is a uniform; mode metrics need "
                              "every component to be a Gaussian (N or N2), whose mean is a mode",
                              q, j + 1);
        }
    return GL_OK;
}

/* squared Mahalanobis distance of x from component c:
 * 1-D ((x - mu)/sd)^2; 2-D with u = dx/sx, v = dy/sy:
 * (u^2 - 2 rho u v + v^2) / (1 - rho^2) */
static double maha2(const gl_comp *c, const double *x, int dim)
{
    double u = (x[0] - c->mu[0]) / c->sd[0];
    if (dim == 1)
        return u * u;
    double v = (x[1] - c->mu[1]) / c->sd[1];
    return (u * u - 2 * c->rho * u * v + v * v) / (1 - c->rho * c->rho);
}

size_t gl_modes_nearest(const gl_mix *m, const double *x, double *dstd)
{
    size_t best = 0;
    double bd = INFINITY;
    for (size_t j = 0; j < m->n; j++) {
        const gl_comp *c = &m->comp[j];
        double d = (x[0] - c->mu[0]) * (x[0] - c->mu[0]);
        if (m->dim == 2)
            d += (x[1] - c->mu[1]) * (x[1] - c->mu[1]);
        if (d < bd) { /* strict: the first on ties; a NaN never wins */
            bd = d;
            best = j;
        }
    }
    if (dstd)
        *dstd = isfinite(bd) ? sqrt(maha2(&m->comp[best], x, m->dim)) : NAN;
    return best;
}

int gl_modes_score(const gl_mix *m, const double *x, size_t n, size_t *counts, gl_modes *res,
                   gl_err *err)
{
    int s = gl_modes_check(m, err);
    if (s)
        return s;
    if (!x || !res)
        return gl_err_set(err, GL_EINVAL, "gl_modes_score: x and res must be non-NULL");
    if (n == 0)
        return gl_err_set(err, GL_EINVAL, "no samples to score (n = 0)");
    size_t K = m->n, *own = NULL;
    if (!counts) {
        own = malloc(K * sizeof *own);
        if (!own)
            return gl_err_set(err, GL_ENOMEM, "out of memory for %zu mode counts", K);
        counts = own;
    }
    memset(counts, 0, K * sizeof *counts);
    size_t hq = 0;
    for (size_t i = 0; i < n; i++) {
        double d;
        size_t j = gl_modes_nearest(m, x + i * (size_t)m->dim, &d);
        if (d <= 3) { /* false for NaN */
            counts[j]++;
            hq++;
        }
    }
    size_t covered = 0;
    double kl = 0;
    for (size_t j = 0; j < K; j++) {
        if (!counts[j])
            continue; /* 0 log 0 = 0 */
        covered++;
        double h = (double)counts[j] / (double)hq;
        kl += h * (log(h) - m->comp[j].logw);
    }
    res->n = n;
    res->nmodes = K;
    res->hq = hq;
    res->covered = covered;
    res->hq_frac = (double)hq / (double)n;
    /* a sum of h log(h/w) with sum h = sum w = 1 is >= 0; rounding can leave
     * -1e-17 where h = w exactly */
    res->rkl = hq ? fmax(kl, 0.0) : NAN;
    free(own);
    return GL_OK;
}

int gl_modes_read(FILE *f, const char *name, int dim, double **xs, size_t *n, gl_err *err)
{
    if (dim != 1 && dim != 2)
        return gl_err_set(err, GL_EINVAL, "gl_modes_read: NULL argument or dim not 1 or 2");
    return gl_data_read(f, name, dim, xs, n, NULL, err);
}
