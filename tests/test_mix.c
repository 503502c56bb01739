/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test_mix.c — src/mix.c: densities against closed forms, preset expansion,
 * moments, breakpoints, sampling statistics and determinism, normalisation,
 * and every parser error with its column. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_rng.h>

#include "mix.h"

/* ------------------------------------------------------------- helpers */

static gl_mix *parse_ok(const char *spec)
{
    gl_mix *m = NULL;
    gl_err err;
    int st = gl_mix_parse(spec, &m, &err);
    ck_assert_msg(st == GL_OK, "parse \"%s\" failed: %s", spec, err.msg);
    ck_assert_ptr_nonnull(m);
    ck_assert_int_eq(err.status, GL_OK);
    return m;
}

static double lp1(const gl_mix *m, double x) { return gl_mix_logpdf(m, &x); }

static double lp2(const gl_mix *m, double x, double y)
{
    double v[2] = {x, y};
    return gl_mix_logpdf(m, v);
}

/* Textbook densities, written independently of the implementation. */
static double npdf(double x, double mu, double sd)
{
    double z = (x - mu) / sd;
    return exp(-0.5 * z * z) / (sd * sqrt(2 * M_PI));
}

static double lognpdf(double x, double mu, double sd)
{
    double z = (x - mu) / sd;
    return -0.5 * z * z - log(sd) - 0.5 * log(2 * M_PI);
}

static double logn2pdf(double x, double y, double mx, double my, double sx, double sy, double rho)
{
    double zx = (x - mx) / sx, zy = (y - my) / sy, om = 1 - rho * rho;
    return -(zx * zx - 2 * rho * zx * zy + zy * zy) / (2 * om) - log(2 * M_PI * sx * sy * sqrt(om));
}

/* |got - want| <= tol (1 + |want|): relative for large values, absolute near 0. */
#define ck_close(got, want, tol)                                                                   \
    do {                                                                                           \
        double g_ = (got), w_ = (want);                                                            \
        ck_assert_msg(fabs(g_ - w_) <= (tol) * (1 + fabs(w_)), "%s = %.17g, expected %.17g",       \
                      #got, g_, w_);                                                               \
    } while (0)

#define ck_neginf(v) ck_assert_msg(isinf(v) && (v) < 0, "%s = %g, expected -inf", #v, (double)(v))

/* --------------------------------------------------------------- core */

START_TEST(test_logpdf_n)
{
    gl_mix *m = parse_ok("N(1,2)");
    const double xs[] = {-3, 0, 1, 2.5, 7};
    size_t i;
    ck_assert_int_eq(m->dim, 1);
    ck_assert_uint_eq(m->n, 1);
    for (i = 0; i < sizeof xs / sizeof *xs; i++) {
        ck_close(lp1(m, xs[i]), lognpdf(xs[i], 1, 2), 1e-14);
        ck_close(gl_mix_pdf(m, &xs[i]), npdf(xs[i], 1, 2), 1e-14);
    }
    ck_assert_int_eq(gl_mix_unbounded(m), 1);
    gl_mix_free(m);
}
END_TEST

START_TEST(test_logpdf_u)
{
    gl_mix *m = parse_ok("U(-1,3)");
    double out = 3.0000001;
    ck_close(lp1(m, 0), log(0.25), 1e-15);
    ck_close(lp1(m, -1), log(0.25), 1e-15); /* closed interval: both edges inside */
    ck_close(lp1(m, 3), log(0.25), 1e-15);
    ck_neginf(lp1(m, -1.0000001));
    ck_neginf(lp1(m, out));
    ck_assert(gl_mix_pdf(m, &out) == 0);
    ck_assert_int_eq(gl_mix_unbounded(m), 0);
    gl_mix_free(m);
}
END_TEST

START_TEST(test_logpdf_n2)
{
    gl_mix *m = parse_ok("N2(1,-1,2,0.5,0.6)"), *m0 = parse_ok("N2(1,-1,2,0.5)");
    const double pts[][2] = {{1, -1}, {0, 0}, {3, -0.5}, {-2, -2}, {1, 1}};
    size_t i;
    ck_assert_int_eq(m->dim, 2);
    for (i = 0; i < sizeof pts / sizeof *pts; i++) {
        double x = pts[i][0], y = pts[i][1];
        ck_close(lp2(m, x, y), logn2pdf(x, y, 1, -1, 2, 0.5, 0.6), 1e-14);
        /* rho omitted means 0: the product of the two marginals */
        ck_close(lp2(m0, x, y), lognpdf(x, 1, 2) + lognpdf(y, -1, 0.5), 1e-14);
    }
    ck_assert(m0->comp[0].rho == 0);
    gl_mix_free(m);
    gl_mix_free(m0);
}
END_TEST

START_TEST(test_logpdf_u2)
{
    gl_mix *m = parse_ok("U2(0,1,-2,2)");
    ck_close(lp2(m, 0.5, 0), log(0.25), 1e-15);
    ck_close(lp2(m, 0, -2), log(0.25), 1e-15);
    ck_close(lp2(m, 1, 2), log(0.25), 1e-15);
    ck_neginf(lp2(m, 1.5, 0));
    ck_neginf(lp2(m, 0.5, -2.5));
    ck_assert_int_eq(gl_mix_unbounded(m), 0);
    gl_mix_free(m);
}
END_TEST

START_TEST(test_logpdf_mixture)
{
    gl_mix *m = parse_ok("0.3*N(0,1)+0.7*U(0,2)");
    gl_mix *g = parse_ok("0.25*N(-1,0.5)+0.75*N(2,1.5)");
    /* by hand: 0.3 phi(x) + 0.7 * 1/2 on [0, 2] */
    ck_close(lp1(m, 0.5), log(0.3 * npdf(0.5, 0, 1) + 0.35), 1e-14);
    ck_close(lp1(m, -1), log(0.3 * npdf(-1, 0, 1)), 1e-14);
    ck_close(lp1(m, 2), log(0.3 * npdf(2, 0, 1) + 0.35), 1e-14);
    ck_close(lp1(g, 0.3), log(0.25 * npdf(0.3, -1, 0.5) + 0.75 * npdf(0.3, 2, 1.5)), 1e-14);
    ck_close(lp1(g, -4), log(0.25 * npdf(-4, -1, 0.5) + 0.75 * npdf(-4, 2, 1.5)), 1e-14);
    gl_mix_free(m);
    gl_mix_free(g);
}
END_TEST

START_TEST(test_equal_weights)
{
    gl_mix *m = parse_ok("N(0,1)+U(0,1)+N(3,2)");
    size_t i;
    ck_assert_uint_eq(m->n, 3);
    for (i = 0; i < 3; i++) {
        ck_close(m->comp[i].w, 1.0 / 3, 1e-15);
        ck_close(m->comp[i].logw, -log(3.0), 1e-15);
    }
    ck_close(m->cdf[0], 1.0 / 3, 1e-15);
    ck_close(m->cdf[1], 2.0 / 3, 1e-15);
    ck_assert(m->cdf[2] == 1);
    ck_assert_int_eq(m->comp[1].kind, GL_COMP_U);
    ck_close(lp1(m, 0.5), log((npdf(0.5, 0, 1) + 1 + npdf(0.5, 3, 2)) / 3), 1e-14);
    gl_mix_free(m);
}
END_TEST

START_TEST(test_ring_expansion)
{
    gl_mix *m = parse_ok("0.5*ring(4,2,0.1)+0.5*N2(0,0,1,1)");
    const double pos[4][2] = {{2, 0}, {0, 2}, {-2, 0}, {0, -2}};
    double want;
    size_t i;
    ck_assert_int_eq(m->dim, 2);
    ck_assert_uint_eq(m->n, 5);
    for (i = 0; i < 4; i++) {
        const gl_comp *c = &m->comp[i];
        ck_assert_int_eq(c->kind, GL_COMP_N2);
        ck_assert_double_eq_tol(c->mu[0], pos[i][0], 1e-15);
        ck_assert_double_eq_tol(c->mu[1], pos[i][1], 1e-15);
        ck_assert(c->sd[0] == 0.1 && c->sd[1] == 0.1 && c->rho == 0);
        ck_close(c->w, 0.125, 1e-15); /* the term's 0.5 split over 4 modes */
        ck_close(m->cdf[i], 0.125 * (double)(i + 1), 1e-15);
    }
    ck_close(m->comp[4].w, 0.5, 1e-15);
    ck_assert(m->comp[4].mu[0] == 0 && m->comp[4].sd[1] == 1);
    ck_assert(m->cdf[4] == 1);
    /* density at the first mode, summed by hand over the five components */
    want = 0.5 * npdf(2, 0, 1) * npdf(0, 0, 1);
    for (i = 0; i < 4; i++)
        want += 0.125 * npdf(2, pos[i][0], 0.1) * npdf(0, pos[i][1], 0.1);
    ck_close(lp2(m, 2, 0), log(want), 1e-13);
    gl_mix_free(m);
}
END_TEST

START_TEST(test_grid_expansion)
{
    gl_mix *m = parse_ok("grid(3,1.5,0.2)"), *e = parse_ok("ring(4,1,0.1)+N2(0,0,1,1)");
    size_t i, j;
    ck_assert_uint_eq(m->n, 9);
    for (i = 0; i < 3; i++)
        for (j = 0; j < 3; j++) {
            const gl_comp *c = &m->comp[i * 3 + j]; /* mode (i, j) at index i n + j */
            ck_assert(c->mu[0] == 1.5 * ((double)i - 1) && c->mu[1] == 1.5 * ((double)j - 1));
            ck_assert(c->sd[0] == 0.2 && c->sd[1] == 0.2);
            ck_close(c->w, 1.0 / 9, 1e-15);
        }
    /* omitted weights: 1/2 per term, the ring's half split over its 4 modes */
    ck_assert_uint_eq(e->n, 5);
    for (i = 0; i < 4; i++)
        ck_close(e->comp[i].w, 0.125, 1e-15);
    ck_close(e->comp[4].w, 0.5, 1e-15);
    gl_mix_free(m);
    gl_mix_free(e);
}
END_TEST

START_TEST(test_whitespace_and_numbers)
{
    const char *spaced = " 0.5 * N ( -2 , 0.5 ) +\t0.5*N(2,0.5)\n";
    gl_mix *a = parse_ok(spaced), *b = parse_ok("0.5*N(-2,0.5)+0.5*N(2,0.5)");
    gl_mix *c = parse_ok("N(1e-3,.5)+N(5.,1E2)+N(+1,2.5e-1)");
    double x;
    for (x = -4; x <= 4; x += 0.5)
        ck_assert(lp1(a, x) == lp1(b, x));
    ck_assert_str_eq(a->spec, spaced); /* the text as given, for metadata */
    ck_assert(c->comp[0].mu[0] == 1e-3 && c->comp[0].sd[0] == 0.5);
    ck_assert(c->comp[1].mu[0] == 5 && c->comp[1].sd[0] == 100);
    ck_assert(c->comp[2].mu[0] == 1 && c->comp[2].sd[0] == 0.25);
    gl_mix_free(a);
    gl_mix_free(b);
    gl_mix_free(c);
}
END_TEST

START_TEST(test_moments)
{
    /* mean = 0.3*1 + 0.7*3 = 2.4; E x^2 = 0.3 (4 + 1) + 0.7 (3 + 9) = 9.9;
     * var = 9.9 - 2.4^2 = 4.14 */
    gl_mix *m = parse_ok("0.3*N(1,2)+0.7*U(0,6)");
    /* x: mean 0.5 * 0 + 0.5 * 1; var 0.5 (0.01 + 2) + 0.5 (1 + 1) - 0.25 = 1.755
     * y: mean -0.5;           var 0.5 (0.01 + 2) + 0.5 (9 + 1) - 0.25 = 5.755
     * (the ring's modes have mean square coordinate (4 + 0 + 4 + 0)/4 = 2) */
    gl_mix *r = parse_ok("0.5*ring(4,2,0.1)+0.5*N2(1,-1,1,3,0.5)");
    gl_mix *u = parse_ok("U2(0,2,-3,3)");
    ck_close(gl_mix_mean(m, 0), 2.4, 1e-14);
    ck_close(gl_mix_var(m, 0), 4.14, 1e-14);
    ck_close(gl_mix_mean(r, 0), 0.5, 1e-14);
    ck_close(gl_mix_mean(r, 1), -0.5, 1e-14);
    ck_close(gl_mix_var(r, 0), 1.755, 1e-14);
    ck_close(gl_mix_var(r, 1), 5.755, 1e-14);
    ck_close(gl_mix_mean(u, 1), 0, 1e-15);
    ck_close(gl_mix_var(u, 0), 4.0 / 12, 1e-15);
    ck_close(gl_mix_var(u, 1), 36.0 / 12, 1e-15);
    ck_assert(isnan(gl_mix_mean(m, 1)) && isnan(gl_mix_var(m, 1))); /* no y axis in 1-D */
    ck_assert(isnan(gl_mix_mean(r, -1)) && isnan(gl_mix_var(r, 2)));
    gl_mix_free(m);
    gl_mix_free(r);
    gl_mix_free(u);
}
END_TEST

START_TEST(test_breakpoints)
{
    gl_mix *m = parse_ok("N(0,1)+U(-3,5)"), *r = parse_ok("ring(8,2,0.02)");
    const double want[] = {-8, -4, -3, -2, -1, 0, 1, 2, 4, 5, 8};
    double bp[64], small[5], big[256];
    size_t i, n, nb, ns;
    int axis;

    n = gl_mix_breakpoints(m, 0, bp, 64);
    ck_assert_uint_eq(n, 11);
    for (i = 0; i < n; i++)
        ck_assert(bp[i] == want[i]);
    /* too small a buffer: the total comes back, only maxbp values are written */
    small[4] = 42;
    ck_assert_uint_eq(gl_mix_breakpoints(m, 0, small, 4), 11);
    for (i = 0; i < 4; i++)
        ck_assert(small[i] == want[i]);
    ck_assert(small[4] == 42);
    ck_assert_uint_eq(gl_mix_breakpoints(m, 0, NULL, 0), 11);
    ck_assert_uint_eq(gl_mix_breakpoints(m, 1, bp, 64), 0); /* 1-D: no y axis */

    for (axis = 0; axis < 2; axis++) {
        nb = gl_mix_breakpoints(r, axis, big, 256);
        ck_assert(nb > 9 && nb <= 72);
        for (i = 1; i < nb; i++)
            ck_assert_msg(big[i - 1] < big[i], "not sorted/unique at %zu", i);
        /* the same values through the allocating path (buffer smaller than 9 n) */
        ns = gl_mix_breakpoints(r, axis, small, 5);
        ck_assert_uint_eq(ns, nb);
        for (i = 0; i < 5; i++)
            ck_assert(small[i] == big[i]);
    }
    /* ring(8, 2, .): mode 0 at x = 2, so 2 + 8 * 0.02 is the largest x breakpoint */
    ck_close(big[0], -2 - 8 * 0.02, 1e-15);
    nb = gl_mix_breakpoints(r, 0, big, 256);
    ck_close(big[nb - 1], 2 + 8 * 0.02, 1e-15);
    gl_mix_free(m);
    gl_mix_free(r);
}
END_TEST

START_TEST(test_cdf_and_spec)
{
    gl_mix *m = parse_ok("0.2*ring(5,1,0.1)+0.3*grid(2,1,0.1)+0.5*U2(-1,1,-1,1)");
    size_t i;
    double s = 0;
    ck_assert_uint_eq(m->n, 5 + 4 + 1);
    for (i = 0; i < m->n; i++) {
        s += m->comp[i].w;
        ck_close(m->cdf[i], s, 1e-15);
        ck_close(m->comp[i].logw, log(m->comp[i].w), 1e-15);
        if (i)
            ck_assert(m->cdf[i] > m->cdf[i - 1]);
    }
    ck_assert(m->cdf[m->n - 1] == 1);
    ck_close(m->comp[0].w, 0.04, 1e-15);
    ck_close(m->comp[5].w, 0.075, 1e-15);
    ck_assert_str_eq(m->spec, "0.2*ring(5,1,0.1)+0.3*grid(2,1,0.1)+0.5*U2(-1,1,-1,1)");
    gl_mix_free(m);
    gl_mix_free(NULL); /* a no-op */
}
END_TEST

/* ------------------------------------------------------------- limits */

START_TEST(test_far_tail)
{
    /* log phi(40) = -800 - log(2 pi)/2 = -800.9189385332046727...: e^-800
     * underflows a double, the log must not */
    const double want = -800 - 0.5 * log(2 * M_PI);
    gl_mix *m = parse_ok("N(40,1)"), *b = parse_ok("0.5*N(-40,1)+0.5*N(40,1)");
    gl_mix *z = parse_ok("N(0,1)"), *t = parse_ok("N2(40,0,1,1)");
    double x0 = 0;
    ck_close(lp1(m, 0), want, 1e-15);
    ck_close(lp1(m, 0), -800.91893853320467, 1e-15);
    ck_assert(gl_mix_pdf(m, &x0) == 0);
    /* two far modes, symmetric: log(0.5 phi(40) + 0.5 phi(40)) = log phi(40) */
    ck_close(lp1(b, 0), want, 1e-15);
    ck_close(lp1(z, 1e3), -5e5 - 0.5 * log(2 * M_PI), 1e-15);
    ck_close(lp2(t, 0, 0), want - 0.5 * log(2 * M_PI), 1e-15);
    gl_mix_free(m);
    gl_mix_free(b);
    gl_mix_free(z);
    gl_mix_free(t);
}
END_TEST

START_TEST(test_zero_density)
{
    gl_mix *u = parse_ok("U(0,1)+U(2,3)"), *n = parse_ok("N(0,1)"), *u2 = parse_ok("U2(0,1,0,1)");
    gl_mix *n2 = parse_ok("N2(0,0,1e-5,1e-5,0.9)");
    double x = 1.5, inf = INFINITY;
    /* every component -inf: the mixture is -inf, not NaN */
    ck_neginf(lp1(u, 1.5));
    ck_neginf(lp1(u, -7));
    ck_assert(gl_mix_pdf(u, &x) == 0);
    ck_neginf(lp2(u2, 2, 0.5));
    ck_neginf(lp1(n, inf));
    ck_neginf(lp1(n, -inf));
    ck_neginf(lp2(u2, inf, 0.5));
    ck_assert(isnan(lp1(n, NAN)));
    /* (x - mu)/sd overflows in both coordinates: -inf, not inf - inf = NaN */
    ck_neginf(lp2(n2, 1e300, 1e300));
    ck_neginf(lp2(n2, inf, inf));
    gl_mix_free(u);
    gl_mix_free(n);
    gl_mix_free(u2);
    gl_mix_free(n2);
}
END_TEST

START_TEST(test_extreme_parameters)
{
    /* beyond the supported range by hand (the parser refuses it): the
     * densities and breakpoints must still not overflow */
    gl_mix *h = parse_ok("N(1,1)"), *o = parse_ok("ring(1,0,1)");
    h->comp[0].mu[0] = 1e308;
    h->comp[0].sd[0] = 1e308;
    h->comp[0].lognorm = -log(1e308) - 0.5 * log(2 * M_PI);
    gl_mix *big = parse_ok("ring(1000,1,0.01)"), *w = parse_ok("0.5*N(0,1)+0.5000000005*N(1,1)");
    double bp[16], s = 0;
    size_t i, n;
    /* mu + j sd overflows for j > 0; only finite breakpoints come back */
    n = gl_mix_breakpoints(h, 0, bp, 16);
    ck_assert(n >= 1 && n <= 9);
    for (i = 0; i < n; i++)
        ck_assert(isfinite(bp[i]));
    ck_assert(isfinite(lp1(h, 0)));
    /* k = 1, r = 0 is legal: one mode at the origin */
    ck_assert_uint_eq(o->n, 1);
    ck_assert(o->comp[0].mu[0] == 0 && o->comp[0].mu[1] == 0 && o->comp[0].w == 1);
    ck_assert_uint_eq(big->n, 1000);
    ck_assert(big->cdf[999] == 1);
    /* weights within 1e-9 of summing to 1 are accepted, then normalised */
    for (i = 0; i < w->n; i++)
        s += w->comp[i].w;
    ck_close(s, 1, 1e-15);
    gl_mix_free(h);
    gl_mix_free(o);
    gl_mix_free(big);
    gl_mix_free(w);
}
END_TEST

START_TEST(test_logsumexp_many)
{
    /* 25 modes: the one-pass log-sum-exp against the naive sum, at points
     * where the naive sum does not underflow */
    gl_mix *m = parse_ok("grid(5,2,0.7)");
    double x, y;
    for (x = -6; x <= 6; x += 0.75)
        for (y = -6; y <= 6; y += 1.25) {
            double s = 0;
            size_t i;
            for (i = 0; i < m->n; i++)
                s += npdf(x, m->comp[i].mu[0], 0.7) * npdf(y, m->comp[i].mu[1], 0.7) / 25;
            ck_close(lp2(m, x, y), log(s), 1e-13);
        }
    gl_mix_free(m);
}
END_TEST

/* Central fourth moment of the marginal along axis, from the components:
 * Gaussian: d^4 + 6 d^2 s^2 + 3 s^4 with d = mu_i - mean;
 * uniform on [a, b]: ((b - mean)^5 - (a - mean)^5) / (5 (b - a)). */
static double mu4(const gl_mix *m, int axis, double mean)
{
    double s = 0;
    size_t i;
    for (i = 0; i < m->n; i++) {
        const gl_comp *c = &m->comp[i];
        if (c->kind == GL_COMP_N || c->kind == GL_COMP_N2) {
            double d = c->mu[axis] - mean, v = c->sd[axis] * c->sd[axis];
            s += c->w * (d * d * d * d + 6 * d * d * v + 3 * v * v);
        } else {
            double a = c->lo[axis] - mean, b = c->hi[axis] - mean;
            s += c->w * (pow(b, 5) - pow(a, 5)) / (5 * (b - a));
        }
    }
    return s;
}

/* Sample mean and variance of 1e5 draws against gl_mix_mean/var (tested
 * against closed forms above). Tolerance: 5 standard errors, with SE(mean) =
 * sqrt(var/n) and SE(sample variance) = sqrt((mu4 - var^2)/n) to leading
 * order. With a fixed seed the outcome is deterministic; for an arbitrary seed
 * |Z| > 5 has probability ~6e-7, so the bound never trips on bad luck, while
 * a real bias of a few percent of a standard deviation is caught. */
static void check_moments(const char *spec, unsigned long seed)
{
    enum { N = 100000 };
    gl_mix *m = parse_ok(spec);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    double *x = malloc(sizeof *x * N * 2);
    int axis;
    size_t i;
    ck_assert_ptr_nonnull(x);
    gsl_rng_set(r, seed);
    gl_mix_sample(m, r, N, x);
    for (axis = 0; axis < m->dim; axis++) {
        double mean = gl_mix_mean(m, axis), var = gl_mix_var(m, axis);
        double xb = 0, s2 = 0, se_m, se_v;
        for (i = 0; i < N; i++)
            xb += x[i * m->dim + axis];
        xb /= N;
        for (i = 0; i < N; i++)
            s2 += (x[i * m->dim + axis] - xb) * (x[i * m->dim + axis] - xb);
        s2 /= N - 1;
        se_m = sqrt(var / N);
        se_v = sqrt((mu4(m, axis, mean) - var * var) / N);
        ck_assert_msg(se_v > 0, "vacuous tolerance");
        ck_assert_msg(fabs(xb - mean) <= 5 * se_m, "%s axis %d: sample mean %g, mean %g, SE %g", spec,
                      axis, xb, mean, se_m);
        ck_assert_msg(fabs(s2 - var) <= 5 * se_v, "%s axis %d: sample var %g, var %g, SE %g", spec,
                      axis, s2, var, se_v);
    }
    /* every sample lies in the support */
    for (i = 0; i < N; i++)
        ck_assert(isfinite(gl_mix_logpdf(m, x + i * m->dim)));
    free(x);
    gsl_rng_free(r);
    gl_mix_free(m);
}

START_TEST(test_sample_moments)
{
    check_moments("0.3*N(-2,0.5)+0.7*U(1,4)", 42);
    check_moments("ring(8,2,0.02)", 43);
    check_moments("0.25*grid(3,1,0.1)+0.5*U2(-1,3,0,1)+0.25*N2(1,2,0.5,2,0.8)", 44);
}
END_TEST

START_TEST(test_sample_correlation)
{
    /* N2 with rho: sample covariance against rho sx sy = 0.8; for a bivariate
     * normal Var((x-mx)(y-my)) = sx^2 sy^2 (1 + rho^2), so SE = sqrt of that / n */
    enum { N = 100000 };
    gl_mix *m = parse_ok("N2(1,2,0.5,2,0.8)");
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    double *x = malloc(sizeof *x * N * 2), mx = 0, my = 0, cov = 0, se;
    size_t i;
    ck_assert_ptr_nonnull(x);
    gsl_rng_set(r, 5);
    gl_mix_sample(m, r, N, x);
    for (i = 0; i < N; i++) {
        mx += x[2 * i];
        my += x[2 * i + 1];
    }
    mx /= N;
    my /= N;
    for (i = 0; i < N; i++)
        cov += (x[2 * i] - mx) * (x[2 * i + 1] - my);
    cov /= N - 1;
    se = sqrt(0.25 * 4 * (1 + 0.64) / N);
    ck_assert_msg(fabs(cov - 0.8) <= 5 * se, "cov %g, expected 0.8 +- %g", cov, 5 * se);
    free(x);
    gsl_rng_free(r);
    gl_mix_free(m);
}
END_TEST

START_TEST(test_sample_determinism)
{
    enum { N = 1000 };
    gl_mix *m = parse_ok("0.2*N2(0,0,1,2,-0.5)+0.3*U2(0,1,0,1)+0.5*ring(6,3,0.2)");
    gsl_rng *a = gsl_rng_alloc(gsl_rng_mt19937), *b = gsl_rng_alloc(gsl_rng_mt19937);
    double x[2 * N], y[2 * N];
    gsl_rng_set(a, 7);
    gsl_rng_set(b, 7);
    gl_mix_sample(m, a, N, x);
    /* same seed, drawn in two calls: bit-identical to one call */
    gl_mix_sample(m, b, N / 2, y);
    gl_mix_sample(m, b, N - N / 2, y + 2 * (N / 2));
    ck_assert(memcmp(x, y, sizeof x) == 0);
    gsl_rng_set(b, 8);
    gl_mix_sample(m, b, N, y);
    ck_assert(memcmp(x, y, sizeof x) != 0);
    gsl_rng_free(a);
    gsl_rng_free(b);
    gl_mix_free(m);
}
END_TEST

/* gl_mix_sample_comp: the draws of gl_mix_sample bit for bit, and each
 * sample's component (components 6 apart: a sample lies nearest its own);
 * gl_mix_sub: the reweighted components, p(x | one of them) */
START_TEST(test_sample_comp_and_sub)
{
    enum { N = 2000 };
    gl_mix *m = parse_ok("0.2*N(-6,0.5)+0.3*N(0,0.5)+0.5*N(6,0.5)"), *s;
    gsl_rng *a = gsl_rng_alloc(gsl_rng_mt19937), *b = gsl_rng_alloc(gsl_rng_mt19937);
    double x[N], y[N];
    size_t comp[N], count[3] = {0, 0, 0};
    gsl_rng_set(a, 9);
    gsl_rng_set(b, 9);
    gl_mix_sample(m, a, N, x);
    gl_mix_sample_comp(m, b, N, y, comp);
    ck_assert(memcmp(x, y, sizeof x) == 0);
    for (size_t i = 0; i < N; i++) {
        ck_assert_uint_lt(comp[i], 3);
        ck_assert_msg(fabs(y[i] - 6.0 * ((double)comp[i] - 1)) < 3, "sample %g from %zu", y[i],
                      comp[i]);
        count[comp[i]]++;
    }
    /* 0.2 N = 400 +- 18: within 5 sd */
    ck_assert_msg(count[0] > 310 && count[0] < 490, "%zu from component 0", count[0]);
    gl_err e;
    ck_assert_int_eq(gl_mix_sub(m, 1, 2, &s, &e), 0);
    ck_assert_uint_eq(s->n, 2);
    ck_assert_double_eq_tol(s->comp[0].w, 0.375, 1e-15);
    ck_assert_double_eq_tol(s->comp[1].w, 0.625, 1e-15);
    double x0 = 0.3, want = log(0.375) + m->comp[1].lognorm - 0.5 * 0.36;
    ck_assert_double_eq_tol(gl_mix_logpdf(s, &x0), log(exp(want) + 0.625 * exp(m->comp[2].lognorm
                            - 0.5 * (5.7 / 0.5) * (5.7 / 0.5))), 1e-14);
    ck_assert_ptr_nonnull(strstr(s->spec, "components 2-3 of"));
    gl_mix_free(s);
    ck_assert_int_eq(gl_mix_sub(m, 2, 2, &s, &e), GL_EINVAL);
    ck_assert_ptr_null(s);
    ck_assert_int_eq(gl_mix_sub(m, 0, 0, &s, &e), GL_EINVAL);
    gsl_rng_free(a);
    gsl_rng_free(b);
    gl_mix_free(m);
}
END_TEST

static double pdf_fn(double x, void *m) { return gl_mix_pdf(m, &x); }

START_TEST(test_normalisation)
{
    gsl_integration_workspace *w = gsl_integration_workspace_alloc(1000);
    gl_mix *g = parse_ok("0.2*N(-3,0.3)+0.5*N(0,1)+0.3*N(5,2)");
    gl_mix *u = parse_ok("0.4*N(0,1)+0.6*U(1,3)");
    gsl_function f = {pdf_fn, g};
    double v, e, total = 0;
    ck_assert_int_eq(gsl_integration_qagi(&f, 1e-12, 1e-12, 1000, w, &v, &e), 0);
    ck_assert_msg(fabs(v - 1) < 1e-8, "integral %.15g", v);
    /* the uniform's jumps at 1 and 3 split the line into smooth pieces */
    f.params = u;
    ck_assert_int_eq(gsl_integration_qagil(&f, 1, 1e-12, 1e-12, 1000, w, &v, &e), 0);
    total += v;
    ck_assert_int_eq(gsl_integration_qags(&f, 1, 3, 1e-12, 1e-12, 1000, w, &v, &e), 0);
    total += v;
    ck_assert_int_eq(gsl_integration_qagiu(&f, 3, 1e-12, 1e-12, 1000, w, &v, &e), 0);
    total += v;
    ck_assert_msg(fabs(total - 1) < 1e-8, "integral %.15g", total);
    gsl_integration_workspace_free(w);
    gl_mix_free(g);
    gl_mix_free(u);
}
END_TEST

/* ------------------------------------------------------------- errors */

static const struct {
    const char *spec;
    int column;
    const char *what; /* a fragment the message must contain */
} bad[] = {
    {"", 1, "empty spec"},
    {"   ", 1, "empty spec"},
    {"X(0,1)", 1, "unknown atom \"X\""},
    {"n(0,1)", 1, "unknown atom \"n\""},
    {"0.5*foo(1)+0.5*N(0,1)", 5, "unknown atom \"foo\""},
    {"N(0)", 4, "too few arguments, N(mu, sigma) takes 2, got 1"},
    {"N()", 3, "too few arguments"},
    {"N2(0,0,1)", 9, "takes at least 4, got 3"},
    {"U2(0,1,0)", 9, "too few arguments"},
    {"ring(8,2)", 9, "too few arguments"},
    {"N(0,1,2)", 7, "too many arguments, N(mu, sigma) takes 2"},
    {"U(0,1,2)", 7, "too many arguments"},
    {"N2(0,0,1,1,0,5)", 14, "takes at most 5"},
    {"grid(5,1,0.1,3)", 14, "too many arguments"},
    {"N(0,-1)", 5, "sigma must be > 0, got -1"},
    {"N(0, 0)", 6, "sigma must be > 0, got 0"},
    {"U(1,1)", 5, "b must be > a, got a = 1, b = 1"},
    {"U(2,1)", 5, "b must be > a"},
    {"N2(0,0,0,1)", 8, "sx must be > 0"},
    {"N2(0,0,1,-1)", 10, "sy must be > 0, got -1"},
    {"N2(0,0,1,1,1)", 12, "rho must be in (-1, 1), got 1"},
    {"N2(0,0,1,1,-1.5)", 12, "rho must be in (-1, 1), got -1.5"},
    {"U2(0,0,0,1)", 6, "bx must be > ax"},
    {"U2(0,1,1,1)", 10, "by must be > ay"},
    {"ring(0,1,0.1)", 6, "k must be a positive integer, got 0"},
    {"ring(2.5,1,0.1)", 6, "k must be a positive integer, got 2.5"},
    {"ring(8,-1,0.1)", 8, "r must be >= 0, got -1"},
    {"ring(8,1,0)", 10, "s must be > 0, got 0"},
    {"ring(2000000,1,0.1)", 6, "k must be at most 1000000"},
    {"grid(0,1,0.1)", 6, "n must be a positive integer"},
    {"grid(-3,1,0.1)", 6, "n must be a positive integer, got -3"},
    {"grid(1001,1,0.1)", 6, "n must be at most 1000"},
    {"grid(5,0,0.1)", 8, "spacing must be > 0, got 0"},
    {"grid(5,1,-0.1)", 10, "s must be > 0, got -0.1"},
    {"ring(1000000,1,1)+ring(1,1,1)", 19, "more than 1000000 components"},
    {"U(-1e308,1e308)", 3, "b - a overflows"},
    {"U2(0,1,-1e308,1e308)", 4, "overflows"},
    {"grid(5,1e308,1)", 8, "spacing must be small enough"},
    {"N(nan,1)", 3, "mu must be a finite number, got nan"},
    {"N(0,NaN)", 5, "sigma must be a finite number"},
    {"N(inf,1)", 3, "must be a finite number"},
    {"N(-inf,1)", 3, "got -inf"},
    {"N(0,infinity)", 5, "must be a finite number"},
    {"N(0x10,1)", 3, "invalid number \"0x10\" for mu"},
    {"N(0,0x1p3)", 5, "invalid number \"0x1p3\""},
    {"N(1e999,1)", 3, "out of range"},
    {"N(1.2.3,1)", 3, "invalid number \"1.2.3\""},
    {"N(1e,1)", 3, "invalid number \"1e\""},
    {"N(,1)", 3, "expected a number for mu"},
    {"N(0,)", 5, "expected a number for sigma"},
    {"N(a,1)", 3, "expected a number for mu, got \"a\""},
    {"0.5*N(0,1)+N(1,1)", 12, "term 2 has no weight"},
    {"N(0,1)+0.5*N(1,1)", 8, "term 2 has a weight"},
    {"0*N(0,1)+1*N(1,1)", 1, "weight must be > 0, got 0"},
    {"-0.5*N(0,1)+1.5*N(1,1)", 1, "weight must be > 0, got -0.5"},
    {"0.5*N(0,1)+0.4*N(1,1)", 1, "weights sum to 0.9, not 1"},
    {"0.5*N(0,1)+0.500000002*N(1,1)", 1, "weights sum to 1.000000002"},
    {"  0.6*N(0,1)+0.6*N(1,1)", 3, "weights sum to 1.2"},
    {"N(0,1)+N2(0,0,1,1)", 8, "N2 is 2-D but the mixture is 1-D"},
    {"ring(4,1,0.1)+U(0,1)", 15, "U is 1-D but the mixture is 2-D"},
    {"N(0,1) x", 8, "unexpected text \"x\""},
    {"N(0,1))", 7, "unexpected text \")\""},
    {"N(0,1) N(1,1)", 8, "unexpected text \"N\""},
    {"N(0,1)+", 8, "expected a term after \"+\", got end of spec"},
    {"N(0,1)++N(0,1)", 8, "expected a term"},
    {"N(0,1", 6, "got end of spec"},
    {"N 0,1)", 3, "expected \"(\" after N"},
    {"N", 2, "expected \"(\" after N, got end of spec"},
    {"N(0;1)", 4, "expected \",\" or \")\" after mu"},
    {"0.5 N(0,1)", 5, "expected \"*\" after weight 0.5"},
    {"0.5N(0,1)+0.5*N(1,1)", 4, "expected \"*\" after weight 0.5, got \"N\""},
    {"0.5*(0,1)", 5, "expected N, U, N2, U2, ring or grid"},
    {"*N(0,1)", 1, "expected a term"},
};

/* The message names the column exactly: "column 12" but not "column 123". */
static int has_column(const char *msg, int col)
{
    char needle[32];
    const char *p;
    snprintf(needle, sizeof needle, "column %d", col);
    p = strstr(msg, needle);
    return p && !(p[strlen(needle)] >= '0' && p[strlen(needle)] <= '9');
}

/* One test walks the whole table (a fork per case costs seconds under the
 * sanitizers); every assertion names the spec, so a failure says which. */
START_TEST(test_bad_specs)
{
    size_t i;
    for (i = 0; i < sizeof bad / sizeof *bad; i++) {
        const char *spec = bad[i].spec;
        gl_mix dummy, *m = &dummy; /* must come back NULL */
        gl_err err;
        char prefix[128];
        int st = gl_mix_parse(spec, &m, &err);
        ck_assert_msg(st == GL_EINVAL, "\"%s\": status %d", spec, st);
        ck_assert_msg(err.status == GL_EINVAL, "\"%s\": err.status %d", spec, err.status);
        ck_assert_msg(m == NULL, "\"%s\": *out not NULL", spec);
        snprintf(prefix, sizeof prefix, "spec \"%s\": ", spec);
        ck_assert_msg(strncmp(err.msg, prefix, strlen(prefix)) == 0, "no quoted spec in: %s", err.msg);
        ck_assert_msg(has_column(err.msg, bad[i].column), "want column %d in: %s", bad[i].column,
                      err.msg);
        ck_assert_msg(strstr(err.msg, bad[i].what) != NULL, "want \"%s\" in: %s", bad[i].what,
                      err.msg);
        ck_assert_msg(strchr(err.msg, '\n') == NULL, "two lines: %s", err.msg);
    }
}
END_TEST

START_TEST(test_exact_messages)
{
    gl_mix *m;
    gl_err err;
    ck_assert_int_eq(gl_mix_parse("N(0,-1)", &m, &err), GL_EINVAL);
    ck_assert_str_eq(err.msg, "spec \"N(0,-1)\": sigma must be > 0, got -1 (column 5)");
    ck_assert_int_eq(gl_mix_parse("N(0,1) x", &m, &err), GL_EINVAL);
    ck_assert_str_eq(err.msg, "spec \"N(0,1) x\": unexpected text \"x\" at column 8");
}
END_TEST

START_TEST(test_null_and_odd_input)
{
    gl_mix dummy, *m = &dummy;
    gl_err err;
    char longspec[1500];
    size_t i;

    ck_assert_int_eq(gl_mix_parse(NULL, &m, &err), GL_EINVAL);
    ck_assert_ptr_null(m);
    ck_assert_msg(strstr(err.msg, "no spec") != NULL, "%s", err.msg);
    ck_assert_int_eq(gl_mix_parse("N(0,1)", NULL, &err), GL_EINVAL);
    /* err may be NULL: the status alone comes back */
    ck_assert_int_eq(gl_mix_parse("N(0,-1)", &m, NULL), GL_EINVAL);
    ck_assert_ptr_null(m);

    /* a newline in the spec: the message stays on one line, columns still count bytes */
    ck_assert_int_eq(gl_mix_parse("N(0,1)\n+ x(1)", &m, &err), GL_EINVAL);
    ck_assert_ptr_null(m);
    ck_assert_msg(strchr(err.msg, '\n') == NULL, "two lines: %s", err.msg);
    ck_assert_msg(strstr(err.msg, "spec \"N(0,1) + x(1)\"") && has_column(err.msg, 10), "%s", err.msg);

    /* a long spec: the quote is cut with "...", the column is still exact */
    for (i = 0; i < 200; i++)
        memcpy(longspec + 7 * i, "N(0,1)+", 7);
    strcpy(longspec + 1400, "N(0,0)");
    ck_assert_int_eq(gl_mix_parse(longspec, &m, &err), GL_EINVAL);
    ck_assert_ptr_null(m);
    ck_assert_msg(strstr(err.msg, "...\": sigma must be > 0") && has_column(err.msg, 1405), "%s",
                  err.msg);

    /* a 300-digit sigma is quoted cut short; the column survives */
    memcpy(longspec, "N(0,-", 5);
    memset(longspec + 5, '7', 300);
    strcpy(longspec + 305, ")");
    ck_assert_int_eq(gl_mix_parse(longspec, &m, &err), GL_EINVAL);
    ck_assert_msg(strstr(err.msg, "sigma must be > 0, got -777") && strstr(err.msg, "...") &&
                      has_column(err.msg, 5),
                  "%s", err.msg);

    /* success clears an old error */
    ck_assert_int_eq(gl_mix_parse("N(0,1)", &m, &err), GL_OK);
    ck_assert_int_eq(err.status, GL_OK);
    ck_assert_str_eq(err.msg, "");
    gl_mix_free(m);
}
END_TEST

/* gl_mix_quote: what messages outside the parser quote of a spec that parsed
 * (gl_modes_check quoted it raw, and "U(0,1)\n" gave a two-line message:
 * tests/fuzz/spec.c) */
START_TEST(test_quote)
{
    char q[GL_MIX_QUOTE_LEN], small[8], spec[400];
    gl_mix_quote("N(0,1)\n+\tN(1,1)\x01", q, sizeof q);
    ck_assert_str_eq(q, "N(0,1) + N(1,1)?");
    memset(spec, 'x', 399);
    spec[399] = '\0';
    gl_mix_quote(spec, q, sizeof q);
    ck_assert_uint_eq(strlen(q), 163);
    ck_assert_str_eq(q + 160, "...");
    gl_mix_quote("N(0,1)", small, sizeof small);
    ck_assert_str_eq(small, "N(0,..."); /* 4 bytes, "...", NUL */
    gl_mix_quote("N(0)", small, 8);
    ck_assert_str_eq(small, "N(0)");
    for (size_t n = 1; n <= 4; n++) {
        memset(small, 'z', sizeof small);
        gl_mix_quote("N(0,1)", small, n);
        ck_assert_str_eq(small, "");
        ck_assert(small[1] == 'z' || n == 1);
    }
    gl_mix_quote(NULL, q, sizeof q);
    ck_assert_str_eq(q, "");
    gl_mix_quote("N(0,1)", q, 0); /* writes nothing */
}
END_TEST

/* gl_mix_score against a central difference of gl_mix_logpdf (step 1e-5:
 * truncation h^2/6 |(log p)'''| ~ 1e-10 here, rounding ~1e-16/1e-5 ~ 1e-11,
 * so 1e-8 absolute), including far tails where p underflows but log p does
 * not; NaN where it is undefined. */
START_TEST(test_score)
{
    gl_mix *m = NULL, *u = NULL, *r = NULL;
    gl_err e;
    ck_assert(gl_mix_parse("0.3*N(-2,0.5)+0.7*N(1.5,1.2)", &m, &e) == GL_OK);
    const double xs[] = {-40, -6, -2, -0.3, 0, 0.77, 1.5, 4, 60};
    for (size_t i = 0; i < sizeof xs / sizeof xs[0]; i++) {
        double h = 1e-5, xp = xs[i] + h, xm = xs[i] - h;
        double fd = (gl_mix_logpdf(m, &xp) - gl_mix_logpdf(m, &xm)) / (2 * h);
        double sc = gl_mix_score(m, xs[i]);
        ck_assert_msg(fabs(sc - fd) <= 1e-8 * fmax(1, fabs(fd)), "x %g: score %.15g, difference %.15g",
                      xs[i], sc, fd);
    }
    /* one Gaussian: exactly -(x - mu)/sd^2 up to rounding */
    ck_assert(gl_mix_parse("N(1,2)", &u, &e) == GL_OK);
    ck_assert(fabs(gl_mix_score(u, 5) - (-1.0)) <= 1e-15);
    gl_mix_free(u);
    ck_assert(gl_mix_parse("U(0,1)", &u, &e) == GL_OK);
    ck_assert(isnan(gl_mix_score(u, 0.5)));
    ck_assert(gl_mix_parse("ring(4,1,0.1)", &r, &e) == GL_OK);
    ck_assert(isnan(gl_mix_score(r, 0.5)));
    gl_mix_free(m);
    gl_mix_free(u);
    gl_mix_free(r);
}
END_TEST

Suite *mix_suite(void)
{
    Suite *s = suite_create("mix");
    TCase *core = tcase_create("core"), *limits = tcase_create("limits"), *errors = tcase_create("errors");

    tcase_add_test(core, test_logpdf_n);
    tcase_add_test(core, test_score);
    tcase_add_test(core, test_logpdf_u);
    tcase_add_test(core, test_logpdf_n2);
    tcase_add_test(core, test_logpdf_u2);
    tcase_add_test(core, test_logpdf_mixture);
    tcase_add_test(core, test_equal_weights);
    tcase_add_test(core, test_ring_expansion);
    tcase_add_test(core, test_grid_expansion);
    tcase_add_test(core, test_whitespace_and_numbers);
    tcase_add_test(core, test_moments);
    tcase_add_test(core, test_breakpoints);
    tcase_add_test(core, test_cdf_and_spec);
    suite_add_tcase(s, core);

    tcase_add_test(limits, test_far_tail);
    tcase_add_test(limits, test_zero_density);
    tcase_add_test(limits, test_extreme_parameters);
    tcase_add_test(limits, test_logsumexp_many);
    tcase_add_test(limits, test_sample_moments);
    tcase_add_test(limits, test_sample_correlation);
    tcase_add_test(limits, test_sample_determinism);
    tcase_add_test(limits, test_sample_comp_and_sub);
    tcase_add_test(limits, test_normalisation);
    suite_add_tcase(s, limits);

    tcase_add_test(errors, test_bad_specs);
    tcase_add_test(errors, test_exact_messages);
    tcase_add_test(errors, test_null_and_odd_input);
    tcase_add_test(errors, test_quote);
    suite_add_tcase(s, errors);
    return s;
}
