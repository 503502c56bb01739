/* SPDX-License-Identifier: GPL-3.0-or-later */
/* spec.c — fuzz harness of the spec parser (src/mix.c): any text is parsed;
 * a mixture that parses must keep mix.h's promises (weights, supported range,
 * breakpoints sorted and unique, samples inside the support, finite moments)
 * and is evaluated at its modes, its edges and far away. */
#include <math.h>
#include <gsl/gsl_rng.h>

#include "fuzz.h"
#include "mix.h"
#include "modes.h"

/* The breakpoints of axis: sorted, unique, finite, and the same whether the
 * caller's buffer holds them all or only four. */
static void check_breakpoints(const gl_mix *m, int axis)
{
    size_t max = gl_mix_breakpoints_max(m);
    double *bp = malloc(max * sizeof *bp), small[4];
    if (!bp)
        return;
    size_t n = gl_mix_breakpoints(m, axis, bp, max);
    FUZZ_ASSERT(n >= 1 && n <= max);
    for (size_t i = 0; i < n; i++) {
        FUZZ_ASSERT(isfinite(bp[i]));
        FUZZ_ASSERT(i == 0 || bp[i - 1] < bp[i]);
    }
    FUZZ_ASSERT(gl_mix_breakpoints(m, axis, small, 4) == n);
    FUZZ_ASSERT(memcmp(small, bp, (n < 4 ? n : 4) * sizeof *bp) == 0);
    FUZZ_ASSERT(gl_mix_breakpoints(m, axis, NULL, 0) == n);
    free(bp);
}

/* A point where c's density is positive: its mean, or a uniform's corner. */
static void corner(const gl_comp *c, double x[2])
{
    int gauss = c->kind == GL_COMP_N || c->kind == GL_COMP_N2;
    x[0] = gauss ? c->mu[0] : c->lo[0];
    x[1] = gauss ? c->mu[1] : c->lo[1];
}

/* A preset may expand into 10^6 modes: valid, but every pass over them takes
 * a second under the fuzzer's instrumentation, so such a mixture is only
 * evaluated once. */
#define BIG 4096

/* Where each component is densest or ends, and some points far away. */
static void check_density(const gl_mix *m)
{
    static const double far[] = {0, 1e300, INFINITY, 1, -1, 1e6, -1e6, -1e300, -INFINITY, NAN};
    size_t ncomp = m->n < 16 ? m->n : 16;
    for (size_t i = 0; i < ncomp; i++) {
        const gl_comp *c = &m->comp[i];
        int gauss = c->kind == GL_COMP_N || c->kind == GL_COMP_N2;
        double x[2];
        corner(c, x);
        double lp = gl_mix_logpdf(m, x);
        FUZZ_ASSERT(isfinite(lp)); /* a mode, or a uniform's closed corner */
        size_t top = gl_mix_top(m, x);
        FUZZ_ASSERT(top < m->n);
        if (!gauss) {
            x[0] = c->hi[0];
            x[1] = c->hi[1];
            FUZZ_ASSERT(isfinite(gl_mix_logpdf(m, x)));
        }
    }
    for (size_t i = 0; i < sizeof far / sizeof far[0]; i++) {
        double x[2] = {far[i], far[(i + 4) % (sizeof far / sizeof far[0])]};
        double lp = gl_mix_logpdf(m, x), p = gl_mix_pdf(m, x);
        FUZZ_ASSERT(isnan(x[0]) || isnan(x[1]) || !isnan(lp));
        FUZZ_ASSERT(isnan(lp) || lp < INFINITY);
        FUZZ_ASSERT(isnan(p) || p >= 0);
        FUZZ_ASSERT(gl_mix_top(m, x) <= m->n);
        if (m->dim == 1)
            (void)gl_mix_score(m, x[0]);
    }
}

static void check_mixture(const gl_mix *m, const gsl_rng *r)
{
    FUZZ_ASSERT(m->dim == 1 || m->dim == 2);
    FUZZ_ASSERT(m->n >= 1 && m->comp && m->cdf && m->spec);
    if (m->n > BIG) {
        double x[2];
        corner(&m->comp[m->n / 2], x);
        FUZZ_ASSERT(m->cdf[m->n - 1] == 1 && isfinite(gl_mix_logpdf(m, x)));
        return;
    }
    double wsum = 0;
    for (size_t i = 0; i < m->n; i++) {
        const gl_comp *c = &m->comp[i];
        FUZZ_ASSERT(c->w > 0 && c->w <= 1 && isfinite(c->logw) && isfinite(c->lognorm));
        FUZZ_ASSERT((m->dim == 1) == (c->kind == GL_COMP_N || c->kind == GL_COMP_U));
        wsum += c->w;
    }
    FUZZ_ASSERT(fabs(wsum - 1) <= 1e-6 && m->cdf[m->n - 1] == 1);
    for (int a = 0; a < m->dim; a++) {
        double lo = INFINITY, hi = -INFINITY, mean = gl_mix_mean(m, a), var = gl_mix_var(m, a);
        gl_mix_box(m, a, 6, &lo, &hi);
        FUZZ_ASSERT(isfinite(lo) && isfinite(hi) && lo < hi);
        FUZZ_ASSERT(isfinite(mean) && mean >= lo && mean <= hi);
        FUZZ_ASSERT(isfinite(var) && var > 0);
    }
    FUZZ_ASSERT(gl_mix_breakpoints(m, m->dim, NULL, 0) == 0);
    for (int a = 0; a < m->dim; a++)
        check_breakpoints(m, a);
    check_density(m);
    double x[2 * 8];
    gl_mix_sample(m, r, 8, x);
    for (int i = 0; i < 8; i++) {
        FUZZ_ASSERT(isfinite(x[i * m->dim]) && (m->dim == 1 || isfinite(x[i * m->dim + 1])));
        FUZZ_ASSERT(gl_mix_logpdf(m, x + i * m->dim) > -INFINITY);
    }
    gl_err err;
    int s = gl_modes_check(m, &err);
    if (s)
        fuzz_check_err(s, &err);
    else
        FUZZ_ASSERT(gl_modes_nearest(m, x, NULL) < m->n);
}

static gsl_rng *rng;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    gl_init();
    rng = gsl_rng_alloc(gsl_rng_mt19937);
    return rng ? 0 : -1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *spec = fuzz_str(data, size);
    if (!spec)
        return 0;
    gl_mix *m = NULL;
    gl_err err;
    int s = gl_mix_parse(spec, &m, &err);
    if (s) {
        fuzz_check_err(s, &err);
        FUZZ_ASSERT(m == NULL);
    } else {
        FUZZ_ASSERT(m != NULL && strcmp(m->spec, spec) == 0);
        gsl_rng_set(rng, 1);
        check_mixture(m, rng);
    }
    gl_mix_free(m);
    free(spec);
    return 0;
}
