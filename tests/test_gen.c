/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test_gen.c — src/gen.c: the pushforward density of a 1-D generator against
 * closed forms (affine G, the tanh bump G(z) = tanh(z+1) - tanh(z-1), |z| as a
 * ReLU net, under N(0,1) and U(-1,1) noise), and, for a generator with two
 * folds and no closed form, against 10^6 samples of G(z) (empirical CDF and
 * histogram), its own integral and the derivative of its CDF; every error
 * path. */
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_rng.h>

#include "gen.h"
#include "quad.h"
#include "testutil.h"

#define LOG_SQRT_2PI 0.91893853320467274178

/* ---- generators ------------------------------------------------------- */

/* A network with all parameters set from p (layer by layer: W row-major, b). */
static gl_mlp *net_new(size_t nlayers, const size_t *sizes, gl_act act, size_t maxbatch,
                       const double *p)
{
    gl_mlp *G = NULL;
    gl_err err;
    int st = gl_mlp_alloc(&G, nlayers, sizes, act, 0.0, maxbatch, &err);
    ck_assert_msg(st == GL_OK, "gl_mlp_alloc: %s", err.msg);
    if (p)
        memcpy(G->params, p, G->nparams * sizeof(double));
    return G;
}

/* G(z) = a z + b */
static gl_mlp *affine_new(double a, double b)
{
    static const size_t sizes[] = {1, 1};
    double p[] = {a, b};
    return net_new(1, sizes, GL_ACT_LINEAR, 256, p);
}

/* G(z) = tanh(z + 1) - tanh(z - 1) = 2 sinh 2 / (cosh 2z + cosh 2): even, one
 * fold at z = 0, G(0) = 2 tanh 1. */
static gl_mlp *bump_new(size_t maxbatch)
{
    static const size_t sizes[] = {1, 2, 1};
    static const double p[] = {1, 1, 1, -1, 1, -1, 0};
    return net_new(2, sizes, GL_ACT_TANH, maxbatch, p);
}


/* A 1-2-1 tanh net, p = {w1, w2, b1, b2, v1, v2, c}:
 *   G(z) = v1 tanh(w1 z + b1) + v2 tanh(w2 z + b2) + c,
 * and its closed forms (libm, not the net's kernels). */
static gl_mlp *tanh121_new(const double *p, size_t maxbatch)
{
    static const size_t sizes[] = {1, 2, 1};
    return net_new(2, sizes, GL_ACT_TANH, maxbatch, p);
}

static double tanh121(const double *p, double z)
{
    return p[4] * tanh(p[0] * z + p[2]) + p[5] * tanh(p[1] * z + p[3]) + p[6];
}

static double tanh121_deriv(const double *p, double z)
{
    double a = cosh(p[0] * z + p[2]), b = cosh(p[1] * z + p[3]);
    return p[4] * p[0] / (a * a) + p[5] * p[1] / (b * b);
}

/* The image of the one fold in [a, b] (G' changes sign there), by bisection
 * on the closed form of G'. */
static double tanh121_fold(const double *p, double a, double b)
{
    double sa = tanh121_deriv(p, a);
    ck_assert_msg(sa * tanh121_deriv(p, b) < 0, "no fold in [%g, %g]", a, b);
    for (int it = 0; it < 200; it++) {
        double m = 0.5 * (a + b);
        if ((tanh121_deriv(p, m) > 0) == (sa > 0))
            a = m;
        else
            b = m;
    }
    return tanh121(p, 0.5 * (a + b));
}

/* G(z) = 3 tanh z - 2 tanh(4z - 1.2): rises, falls, rises: a maximum 1.676 at
 * z = 0.032 and a minimum -0.060 at z = 0.62. Range [-1, 1.676]; x in
 * (-0.060, 1) has three preimages, x in (1, 1.676) two. */
static const double wiggle_p[] = {1, 4, 0, -1.2, 3, -2, 0};

static gl_mlp *wiggle_new(void)
{
    return tanh121_new(wiggle_p, 1024);
}

static double wiggle(double z)
{
    return tanh121(wiggle_p, z);
}

/* G(z) = relu(z) + relu(-z) = |z| */
static gl_mlp *abs_new(void)
{
    static const size_t sizes[] = {1, 2, 1};
    static const double p[] = {1, -1, 0, 0, 1, 1, 0};
    return net_new(2, sizes, GL_ACT_RELU, 256, p);
}

static gl_pushforward *pf_new(gl_mlp *G, gl_noise noise, size_t ngrid)
{
    gl_pushforward *pf = NULL;
    gl_err err;
    int st = gl_pushforward_alloc(&pf, G, noise, ngrid, &err);
    ck_assert_msg(st == GL_OK, "gl_pushforward_alloc: %s", err.msg);
    return pf;
}

/* ---- helpers ---------------------------------------------------------- */

static double pdf_cb(double x, void *p)
{
    return exp(gl_pushforward_logpdf(p, x));
}

/* Integral of p_g over the line with the pushforward's own breakpoints. */
static double integral(gl_pushforward *pf)
{
    double bp[256], val, abserr;
    size_t nbp = gl_pushforward_breakpoints(pf, bp, 256);
    ck_assert(nbp >= 2 && nbp <= 256);
    gl_err err;
    int st = gl_quad_line(pdf_cb, pf, bp, nbp, NULL, &val, &abserr, &err);
    ck_assert_msg(st == GL_OK, "gl_quad_line: %s", err.msg);
    ck_assert_msg(abserr < 1e-8, "quadrature abserr %g", abserr);
    return val;
}

/* The bump's preimage z* >= 0 of x in (0, 2 tanh 1], and G'(z*). */
static double bump_root(double x)
{
    return 0.5 * acosh(2 * sinh(2.0) / x - cosh(2.0));
}

static double bump_deriv(double z)
{
    double c = cosh(2 * z) + cosh(2.0);
    return -4 * sinh(2.0) * sinh(2 * z) / (c * c);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* ---- core ------------------------------------------------------------- */

/* G = a z + b under N(0,1): p_g = N(b, |a|), for either sign of a. */
START_TEST(test_affine_normal)
{
    const double ab[][2] = {{2.0, 0.5}, {-0.7, -1.0}};
    for (int c = 0; c < 2; c++) {
        double a = ab[c][0], b = ab[c][1], s = fabs(a), lo, hi;
        gl_mlp *G = affine_new(a, b);
        gl_pushforward *pf = pf_new(G, GL_NOISE_NORMAL, 64);
        gl_pushforward_range(pf, &lo, &hi);
        ASSERT_ABS(lo, b - GL_PUSHFORWARD_ZMAX * s, 1e-14);
        ASSERT_ABS(hi, b + GL_PUSHFORWARD_ZMAX * s, 1e-14);
        for (int i = 0; i <= 160; i++) {
            double x = b + s * (-8.0 + 0.1 * i), u = (x - b) / s;
            ASSERT_ABS(gl_pushforward_logpdf(pf, x), -0.5 * u * u - log(s) - LOG_SQRT_2PI, 1e-12);
            ASSERT_ABS(gl_pushforward_cdf(pf, x), gsl_cdf_gaussian_P(x - b, s), 1e-14);
        }
        ck_assert(gl_pushforward_logpdf(pf, hi + 1e-9) == -INFINITY);
        ck_assert(gl_pushforward_logpdf(pf, lo - 1e-9) == -INFINITY);
        ck_assert(gl_pushforward_cdf(pf, lo - 1e-9) == 0.0);
        ck_assert(gl_pushforward_cdf(pf, hi) == 1.0);
        ASSERT_ABS(integral(pf), 1.0, 1e-10);
        gl_pushforward_free(pf);
        gl_mlp_free(G);
    }
}
END_TEST

/* The bump under N(0,1): two preimages +-z*, p_g(x) = 2 phi(z*)/|G'(z*)|,
 * P(G <= x) = P(|z| >= z*) = 2 Q(z*) (less the ignored 2 Q(8.5) ~ 2e-17). */
START_TEST(test_bump_closed_form)
{
    gl_mlp *G = bump_new(256);
    gl_pushforward *pf = pf_new(G, GL_NOISE_NORMAL, 1024);
    double lo, hi;
    gl_pushforward_range(pf, &lo, &hi);
    ASSERT_ABS(hi, 2 * tanh(1.0), 1e-15);
    ASSERT_ABS(lo, 2 * sinh(2.0) / (cosh(17.0) + cosh(2.0)), 1e-15); /* cancels in G */
    /* beyond z = 6 the net's G = tanh(z+1) - tanh(z-1) ~ 8 sinh 2 e^-2z cancels:
     * its rounding, 1e-16, moves the root by 1e-16/|G'| > 1e-12 */
    const double zs[] = {0.02, 0.1, 0.3, 0.7, 1.0, 1.5, 2.0, 3.0, 4.0, 5.0, 6.0};
    for (size_t i = 0; i < sizeof zs / sizeof zs[0]; i++) {
        double x = 2 * sinh(2.0) / (cosh(2 * zs[i]) + cosh(2.0)), z = bump_root(x);
        double want = M_LN2 - 0.5 * z * z - LOG_SQRT_2PI - log(fabs(bump_deriv(z)));
        ASSERT_ABS(gl_pushforward_logpdf(pf, x), want, 1e-11);
        ASSERT_ABS(gl_pushforward_cdf(pf, x), 2 * gsl_cdf_ugaussian_Q(z), 1e-14);
    }
    /* the fold image: an inverse-square-root singularity */
    ck_assert(gl_pushforward_logpdf(pf, hi) > 20);
    ASSERT_ABS(integral(pf), 1.0, 1e-9);
    gl_pushforward_free(pf);
    gl_mlp_free(G);
}
END_TEST

/* Two folds, checked against the net's own samples: 10^6 draws of G(z).
 * Empirical CDF: at 2000 order statistics x_(k) (every 500th), the distance
 * between the CDF and k/n, (k+1)/n. The Kolmogorov distance of n = 10^6
 * samples exceeds 2/sqrt(n) = 2e-3 with probability ~2 exp(-8) = 7e-4, and the
 * maximum over a subset of points is smaller still.
 * Histogram: 120 bins over the range, expected count n * (integral of p_g over
 * the bin, by QAG), each count within 5 standard errors (with 120 bins a false
 * alarm has probability ~7e-5), skipping bins within two bin widths of a
 * fold image (the singularity) and bins expecting fewer than 20 counts. */
START_TEST(test_wiggle_samples)
{
    enum { N = 1000000, NB = 120 };
    gl_mlp *G = wiggle_new();
    gl_pushforward *pf = pf_new(G, GL_NOISE_NORMAL, 2048);

    /* the folds from the closed form of G': a maximum in [-0.5, 0.3], a
     * minimum in [0.3, 1.5] */
    double fold[2] = {tanh121_fold(wiggle_p, -0.5, 0.3), tanh121_fold(wiggle_p, 0.3, 1.5)};
    double lo, hi;
    ck_assert(fold[0] > fold[1] + 0.5); /* a real fold: x in between has 3 preimages */
    double bp[64];
    size_t nbp = gl_pushforward_breakpoints(pf, bp, 64);
    for (int f = 0; f < 2; f++) {
        double best = INFINITY;
        for (size_t k = 0; k < nbp; k++)
            best = fmin(best, fabs(bp[k] - fold[f]));
        ck_assert_msg(best < 1e-13, "no breakpoint at fold image %.17g (nearest %g)",
                      fold[f], best);
    }
    /* G(-8.5) ~ -1 < local minimum; local maximum > G(8.5) ~ 1 */
    gl_pushforward_range(pf, &lo, &hi);
    ASSERT_ABS(lo, wiggle(-GL_PUSHFORWARD_ZMAX), 1e-14);
    ASSERT_ABS(hi, fold[0], 1e-14);

    double *x = malloc(N * sizeof *x);
    ck_assert(x);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 20240611);
    gl_pushforward_sample(pf, r, N, x);
    gsl_rng_free(r);

    /* histogram */
    double w = (hi - lo) / NB, covered = 0;
    int tested = 0, in3 = 0;
    size_t count[NB] = {0};
    for (size_t i = 0; i < N; i++) {
        long b = (long)floor((x[i] - lo) / w);
        if (b >= 0 && b < NB)
            count[b]++;
    }
    gsl_function F = {pdf_cb, pf};
    gsl_integration_workspace *ws = gsl_integration_workspace_alloc(100);
    for (int b = 0; b < NB; b++) {
        double a0 = lo + b * w, a1 = a0 + w, p, e;
        if (fabs(a0 - fold[0]) < 2 * w || fabs(a1 - fold[0]) < 2 * w ||
            fabs(a0 - fold[1]) < 2 * w || fabs(a1 - fold[1]) < 2 * w)
            continue;
        int st = gsl_integration_qag(&F, a0, a1, 1e-14, 1e-9, 100, GSL_INTEG_GAUSS21, ws, &p, &e);
        ck_assert_msg(st == GSL_SUCCESS, "QAG on bin %d [%g, %g]: %s", b, a0, a1, gsl_strerror(st));
        double mean = N * p, se = sqrt(N * p * (1 - p));
        if (mean < 20)
            continue;
        ck_assert_msg(fabs(count[b] - mean) <= 5 * se, "bin %d [%g, %g]: %zu samples, "
                      "expected %.1f +- %.1f", b, a0, a1, count[b], mean, se);
        tested++;
        covered += p;
        in3 += a0 > fold[1] && a1 < 1.0;
    }
    gsl_integration_workspace_free(ws);
    ck_assert_msg(tested >= 40 && in3 >= 10 && covered > 0.85,
                  "only %d bins (%d with 3 preimages) holding %.3f of the mass tested",
                  tested, in3, covered);

    /* empirical CDF */
    qsort(x, N, sizeof *x, cmp_double);
    double dmax = 0;
    for (size_t k = 499; k < N; k += 500) {
        double F = gl_pushforward_cdf(pf, x[k]);
        dmax = fmax(dmax, fmax(fabs(F - (double)k / N), fabs(F - (double)(k + 1) / N)));
    }
    ck_assert_msg(dmax < 2e-3, "Kolmogorov distance %g", dmax);
    free(x);

    ASSERT_ABS(integral(pf), 1.0, 1e-6);
    ck_assert(gl_pushforward_cdf(pf, hi) == 1.0);
    gl_pushforward_free(pf);
    gl_mlp_free(G);
}
END_TEST

/* d/dx CDF = p_g, by central differences with step h = 1e-4 at points at
 * least 0.05 from the fold images (one, two and three preimages). The
 * truncation error is h^2 |p'''|/6 ~ 1e-8 |p'''|, and |p'''/p| <~ 1e3 there
 * (p ~ d^-1/2 at distance d from a fold); the CDF's own error, ~1e-14 (roots
 * to 1e-14), costs 1e-10 after dividing by 2h. */
START_TEST(test_cdf_derivative)
{
    gl_mlp *G = wiggle_new();
    gl_pushforward *pf = pf_new(G, GL_NOISE_NORMAL, 2048);
    double h = 1e-4;
    const double xs[] = {-0.9, -0.5, -0.2, 0.1, 0.4, 0.8, 1.2, 1.5}; /* folds: -0.060, 1.676 */
    for (size_t i = 0; i < sizeof xs / sizeof xs[0]; i++) {
        double x = xs[i], p = exp(gl_pushforward_logpdf(pf, x));
        double d = (gl_pushforward_cdf(pf, x + h) - gl_pushforward_cdf(pf, x - h)) / (2 * h);
        ck_assert_msg(p > 1e-3, "p_g(%g) = %g: test point in a tail", x, p);
        ck_assert_msg(fabs(d - p) <= 1e-5 * p, "x = %g: dCDF/dx = %.12g, p_g = %.12g", x, d, p);
    }
    gl_pushforward_free(pf);
    gl_mlp_free(G);
}
END_TEST

/* U(-1,1) noise: affine G gives U(b - |a|, b + |a|); the bump gives
 * p_g(x) = 2 (1/2)/|G'(z*)| on [G(1), G(0)] and P(G <= x) = 1 - z*; the
 * wiggle integrates to 1 (jumps at the images of z = +-1). */
START_TEST(test_uniform_noise)
{
    gl_mlp *G = affine_new(-1.5, 0.25);
    gl_pushforward *pf = pf_new(G, GL_NOISE_UNIFORM, 64);
    double lo, hi;
    gl_pushforward_range(pf, &lo, &hi);
    ASSERT_ABS(lo, -1.25, 1e-15);
    ASSERT_ABS(hi, 1.75, 1e-15);
    for (int i = 0; i <= 30; i++) {
        double x = lo + 0.1 * i;
        ASSERT_ABS(gl_pushforward_logpdf(pf, x), -log(3.0), 1e-14);
        ASSERT_ABS(gl_pushforward_cdf(pf, x), (x - lo) / 3.0, 1e-14);
    }
    ck_assert(gl_pushforward_logpdf(pf, lo - 1e-12) == -INFINITY);
    ASSERT_ABS(integral(pf), 1.0, 1e-10);
    gl_pushforward_free(pf);
    gl_mlp_free(G);

    G = bump_new(256);
    pf = pf_new(G, GL_NOISE_UNIFORM, 512);
    gl_pushforward_range(pf, &lo, &hi);
    ASSERT_ABS(lo, 2 * sinh(2.0) / (cosh(2.0) + cosh(2.0)), 1e-15);
    for (int i = 1; i < 20; i++) {
        double zz = 0.05 * i, x = 2 * sinh(2.0) / (cosh(2 * zz) + cosh(2.0)), z = bump_root(x);
        ASSERT_ABS(gl_pushforward_logpdf(pf, x), -log(fabs(bump_deriv(z))), 1e-11);
        ASSERT_ABS(gl_pushforward_cdf(pf, x), 1 - z, 1e-14);
    }
    ASSERT_ABS(integral(pf), 1.0, 1e-9);
    gl_pushforward_free(pf);
    gl_mlp_free(G);

    G = wiggle_new();
    pf = pf_new(G, GL_NOISE_UNIFORM, 256);
    ASSERT_ABS(integral(pf), 1.0, 1e-6);
    gl_pushforward_range(pf, &lo, &hi);
    ASSERT_ABS(lo, fmin(wiggle(-1.0), wiggle(1.0)), 1e-14);
    ck_assert(gl_pushforward_cdf(pf, hi) == 1.0);
    gl_pushforward_free(pf);
    gl_mlp_free(G);
}
END_TEST

/* ---- limits ----------------------------------------------------------- */

/* A randomly initialised 1-16-16-1 tanh net (Glorot, zero biases: G is odd);
 * seed 2 gives one with folds near 0. */
START_TEST(test_random_net)
{
    static const size_t sizes[] = {1, 16, 16, 1};
    gl_mlp *G = net_new(3, sizes, GL_ACT_TANH, 256, NULL);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 2);
    gl_mlp_init(G, r);
    gsl_rng_free(r);
    gl_pushforward *pf = pf_new(G, GL_NOISE_NORMAL, GL_PUSHFORWARD_NGRID);
    double lo, hi, bp[64];
    size_t nbp = gl_pushforward_breakpoints(pf, bp, 64);
    ck_assert_msg(nbp > 9, "%zu breakpoints: no folds, the test would be vacuous", nbp);
    gl_pushforward_range(pf, &lo, &hi);
    ASSERT_ABS(integral(pf), 1.0, 1e-6);
    ck_assert(gl_pushforward_cdf(pf, hi) == 1.0);
    ck_assert(gl_pushforward_cdf(pf, lo - 1e-9) == 0.0);
    ck_assert(gl_pushforward_logpdf(pf, hi + 1e-9) == -INFINITY);

    /* same answers when the grid is evaluated 7 points at a time */
    gl_mlp *G7 = net_new(3, sizes, GL_ACT_TANH, 7, G->params);
    gl_pushforward *pf7 = pf_new(G7, GL_NOISE_NORMAL, GL_PUSHFORWARD_NGRID);
    for (int i = 1; i < 50; i++) {
        double x = lo + (hi - lo) * i / 50.0;
        ASSERT_ABS(gl_pushforward_logpdf(pf7, x), gl_pushforward_logpdf(pf, x), 1e-13);
    }
    gl_pushforward_free(pf7);
    gl_mlp_free(G7);
    gl_pushforward_free(pf);
    gl_mlp_free(G);
}
END_TEST

/* The bump's fold at z = 0 lies on the grid when ngrid is odd (G' = 0 there
 * exactly) and between two grid points when it is even: same pieces, same
 * density. */
START_TEST(test_fold_on_grid)
{
    gl_mlp *G = bump_new(256);
    gl_pushforward *odd = pf_new(G, GL_NOISE_NORMAL, 1025);
    gl_pushforward *even = pf_new(G, GL_NOISE_NORMAL, 1024);
    double bo[32], be[32];
    size_t no = gl_pushforward_breakpoints(odd, bo, 32);
    size_t ne = gl_pushforward_breakpoints(even, be, 32);
    ck_assert_uint_eq(no, ne);
    for (size_t k = 0; k < no; k++)
        ASSERT_ABS(bo[k], be[k], 1e-15);
    for (int i = 1; i < 40; i++) {
        double x = 2 * tanh(1.0) * i / 40.0;
        ASSERT_ABS(gl_pushforward_logpdf(odd, x), gl_pushforward_logpdf(even, x), 1e-11);
        ASSERT_ABS(gl_pushforward_cdf(odd, x), gl_pushforward_cdf(even, x), 1e-14);
    }
    gl_pushforward_free(odd);
    gl_pushforward_free(even);
    gl_mlp_free(G);
}
END_TEST

/* Fold pairs narrower than a grid cell (64 points: cells 0.27 wide), found
 * as on a grid of 65537 points (cells 2.6e-4), which sees them directly:
 * - G = 10 tanh(z/10) - 1.002 tanh z: G' < 0 only for |z| < 0.045, between
 *   the grid points +-0.135; G still rises across the cell, but |G'| has a
 *   local minimum on the grid there (a shoulder), searched to its sign change;
 * - G = 2 tanh(z/2 - 1/2) - 0.3 tanh(40 z): G' < 0 for |z| < 0.05, invisible
 *   at the grid points (|G'| rises through the cell), but G falls across the
 *   cell while G' > 0 at both ends: the cell is subdivided.
 * Each case fails without its mechanism (checked by disabling it). */
START_TEST(test_hidden_folds)
{
    static const double nets[2][7] = {{0.1, 1, 0, 0, 10, -1.002, 0},
                                      {0.5, 40, -0.5, 0, 2, -0.3, 0}};
    for (int c = 0; c < 2; c++) {
        const double *p = nets[c];
        double f0 = tanh121_fold(p, -0.2, 0.0), f1 = tanh121_fold(p, 0.0, 0.2);
        gl_mlp *G = tanh121_new(p, 256);
        gl_pushforward *coarse = pf_new(G, GL_NOISE_NORMAL, 64);
        gl_pushforward *fine = pf_new(G, GL_NOISE_NORMAL, 65537);
        double bc[32], bf[32];
        size_t nc = gl_pushforward_breakpoints(coarse, bc, 32);
        size_t nf = gl_pushforward_breakpoints(fine, bf, 32);
        ck_assert_uint_eq(nc, nf);
        int found = 0;
        for (size_t k = 0; k < nc; k++) {
            ASSERT_ABS(bc[k], bf[k], 1e-13);
            found += fabs(bc[k] - f0) < 1e-13 || fabs(bc[k] - f1) < 1e-13;
        }
        ck_assert_msg(found == 2, "net %d: fold images %.17g, %.17g not both breakpoints",
                      c, f0, f1);
        /* between the fold images: three preimages */
        for (int i = 1; i < 10; i++) {
            double x = f1 + (f0 - f1) * i / 10.0;
            ASSERT_ABS(gl_pushforward_logpdf(coarse, x), gl_pushforward_logpdf(fine, x), 1e-9);
            ASSERT_ABS(gl_pushforward_cdf(coarse, x), gl_pushforward_cdf(fine, x), 1e-13);
        }
        ASSERT_ABS(integral(coarse), 1.0, 1e-6);
        gl_pushforward_free(coarse);
        gl_pushforward_free(fine);
        gl_mlp_free(G);
    }
}
END_TEST

/* |z| as a ReLU net: the fold is a kink (G' jumps from -1 to 1), and p_g is
 * the half-normal 2 phi(x), x >= 0. */
START_TEST(test_kink_fold)
{
    gl_mlp *G = abs_new();
    gl_pushforward *pf = pf_new(G, GL_NOISE_NORMAL, 256);
    double lo, hi;
    gl_pushforward_range(pf, &lo, &hi);
    ASSERT_ABS(lo, 0.0, 1e-14);
    ASSERT_ABS(hi, GL_PUSHFORWARD_ZMAX, 0);
    for (int i = 1; i <= 80; i++) {
        double x = 0.1 * i;
        ASSERT_ABS(gl_pushforward_logpdf(pf, x), M_LN2 - 0.5 * x * x - LOG_SQRT_2PI, 1e-12);
        ASSERT_ABS(gl_pushforward_cdf(pf, x), 1 - 2 * gsl_cdf_ugaussian_Q(x), 1e-14);
    }
    ASSERT_ABS(integral(pf), 1.0, 1e-10);
    gl_pushforward_free(pf);
    gl_mlp_free(G);
}
END_TEST

/* A leaky-ReLU 1-16-16-1 net with random biases: piecewise linear, ~40
 * kinks, p_g jumps at each kink image, and folds are kinks where G' changes
 * sign, some two in one grid cell. Between consecutive breakpoints the
 * integral of p_g (QAGS) equals the CDF's increment; without the kinks
 * located (as breakpoints and as fold candidates) this fails by up to 1e-4. */
START_TEST(test_leaky_net)
{
    static const size_t sizes[] = {1, 16, 16, 1};
    gl_mlp *G = NULL;
    gl_err err;
    ck_assert_int_eq(gl_mlp_alloc(&G, 3, sizes, GL_ACT_LEAKY, 0.2, 256, &err), GL_OK);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 3);
    gl_mlp_init(G, r);
    for (size_t k = 0; k < G->nparams; k++)
        G->params[k] += 0.3 * (gsl_rng_uniform(r) - 0.5);
    gsl_rng_free(r);
    gl_pushforward *pf = pf_new(G, GL_NOISE_NORMAL, GL_PUSHFORWARD_NGRID);
    double bp[256];
    size_t nbp = gl_pushforward_breakpoints(pf, bp, 256);
    ck_assert_msg(nbp > 20 && nbp <= 256, "%zu breakpoints", nbp);
    gsl_function F = {pdf_cb, pf};
    gsl_integration_workspace *ws = gsl_integration_workspace_alloc(1000);
    for (size_t k = 0; k + 1 < nbp; k++) {
        double v, e, c = gl_pushforward_cdf(pf, bp[k + 1]) - gl_pushforward_cdf(pf, bp[k]);
        int st = gsl_integration_qags(&F, bp[k], bp[k + 1], 1e-15, 1e-12, 1000, ws, &v, &e);
        ck_assert_msg(st == GSL_SUCCESS || st == GSL_EROUND, "QAGS: %s", gsl_strerror(st));
        ck_assert_msg(fabs(v - c) <= 1e-10, "[%.17g, %.17g]: integral of p_g %.12g, CDF "
                      "increment %.12g", bp[k], bp[k + 1], v, c);
    }
    gsl_integration_workspace_free(ws);
    ASSERT_ABS(integral(pf), 1.0, 1e-9);
    gl_pushforward_free(pf);
    gl_mlp_free(G);
}
END_TEST

/* update follows G's parameters; a non-finite G is refused and leaves the
 * pushforward unusable until an update succeeds. */
START_TEST(test_update)
{
    gl_mlp *G = affine_new(1.0, 0.0);
    gl_pushforward *pf = pf_new(G, GL_NOISE_NORMAL, 64);
    gl_err err;
    G->params[1] = 3.0; /* b */
    ck_assert_int_eq(gl_pushforward_update(pf, &err), GL_OK);
    ASSERT_ABS(gl_pushforward_logpdf(pf, 3.0), -LOG_SQRT_2PI, 1e-14);
    ASSERT_ABS(gl_pushforward_cdf(pf, 3.0), 0.5, 1e-15);

    G->params[0] = NAN;
    ck_assert_int_eq(gl_pushforward_update(pf, &err), GL_EDIVERGE);
    ck_assert_msg(strstr(err.msg, "not finite"), "message: %s", err.msg);
    double lo, hi, bp[4];
    gl_pushforward_range(pf, &lo, &hi);
    ck_assert(isnan(lo) && isnan(hi));
    ck_assert(isnan(gl_pushforward_logpdf(pf, 3.0)));
    ck_assert(isnan(gl_pushforward_cdf(pf, 3.0)));
    ck_assert_uint_eq(gl_pushforward_breakpoints(pf, bp, 4), 0);

    /* a blown-up but finite generator is refused without locating folds */
    G->params[0] = 1e20;
    ck_assert_int_eq(gl_pushforward_update(pf, &err), GL_EDIVERGE);
    ck_assert_msg(strstr(err.msg, "exceeds"), "message: %s", err.msg);

    G->params[0] = -2.0;
    ck_assert_int_eq(gl_pushforward_update(pf, &err), GL_OK);
    ASSERT_ABS(gl_pushforward_logpdf(pf, 3.0), -LOG_SQRT_2PI - M_LN2, 1e-14);
    ck_assert(isnan(gl_pushforward_logpdf(pf, NAN)));

    /* a NaN generator is refused by alloc too, which sets *out to NULL */
    gl_pushforward *bad = pf;
    G->params[1] = NAN;
    ck_assert_int_eq(gl_pushforward_alloc(&bad, G, GL_NOISE_NORMAL, 64, &err), GL_EDIVERGE);
    ck_assert_ptr_null(bad);
    gl_pushforward_free(pf);
    gl_mlp_free(G);
}
END_TEST

/* Breakpoints are sorted, distinct, span the range, and a short buffer gets
 * the first maxbp of them and the total count. */
START_TEST(test_breakpoints)
{
    gl_mlp *G = wiggle_new();
    gl_pushforward *pf = pf_new(G, GL_NOISE_NORMAL, 2048);
    double bp[64], lo, hi;
    size_t n = gl_pushforward_breakpoints(pf, bp, 64);
    gl_pushforward_range(pf, &lo, &hi);
    /* 2 folds, 2 ends, 5 quantile images: G(-4) = -0.998 and G(4) = 0.998 lie
     * within 1e-3 (hi - lo) of the images of the ends, -1 and 1, and are left
     * out */
    ck_assert_uint_eq(n, 9);
    ck_assert(bp[0] == lo && bp[n - 1] == hi);
    for (size_t k = 1; k < n; k++)
        ck_assert(bp[k] > bp[k - 1]);
    double short_bp[4] = {0, 0, 0, 42};
    ck_assert_uint_eq(gl_pushforward_breakpoints(pf, short_bp, 3), n);
    ck_assert(short_bp[2] == bp[2] && short_bp[3] == 42);
    ck_assert_uint_eq(gl_pushforward_breakpoints(pf, NULL, 0), n);
    gl_pushforward_free(pf);
    gl_mlp_free(G);

    /* G = 10 tanh(z/10) - 0.99 tanh(z - 0.3) rises throughout, but G' dips
     * to ~0.01 near z = 0.3: p_g peaks at the image of the minimum, a
     * breakpoint (found by ternary search on the closed form of G'). A
     * minimum is located to ~sqrt(eps) in z only (G' is flat there), and
     * its image to ~G' sqrt(eps) ~ 1e-10. */
    static const double sp[] = {0.1, 1, 0, -0.3, 10, -0.99, 0};
    double a = 0, b = 0.6;
    for (int it = 0; it < 200; it++) {
        double m1 = a + (b - a) / 3, m2 = b - (b - a) / 3;
        if (tanh121_deriv(sp, m1) < tanh121_deriv(sp, m2))
            b = m2;
        else
            a = m1;
    }
    double peak = tanh121(sp, 0.5 * (a + b)), best = INFINITY;
    ck_assert(tanh121_deriv(sp, 0.5 * (a + b)) > 0); /* no fold */
    G = tanh121_new(sp, 256);
    pf = pf_new(G, GL_NOISE_NORMAL, 2048);
    n = gl_pushforward_breakpoints(pf, bp, 64);
    for (size_t k = 0; k < n; k++)
        best = fmin(best, fabs(bp[k] - peak));
    ck_assert_msg(best < 1e-9, "no breakpoint at the peak %.17g (nearest %g)", peak, best);
    gl_pushforward_free(pf);
    gl_mlp_free(G);
}
END_TEST

/* A constant G is a point mass: no density anywhere but at the point, and
 * the CDF is a step. */
START_TEST(test_constant)
{
    gl_mlp *G = bump_new(256);
    memset(G->params, 0, G->nparams * sizeof(double));
    G->params[6] = 0.5; /* output bias */
    gl_pushforward *pf = pf_new(G, GL_NOISE_NORMAL, 64);
    double lo, hi;
    gl_pushforward_range(pf, &lo, &hi);
    ck_assert(lo == 0.5 && hi == 0.5);
    ck_assert(gl_pushforward_logpdf(pf, 0.4) == -INFINITY);
    ck_assert(gl_pushforward_logpdf(pf, 0.5) == INFINITY);
    ck_assert(gl_pushforward_cdf(pf, 0.4) == 0.0);
    ck_assert(gl_pushforward_cdf(pf, 0.5) == 1.0);
    double x[5];
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gl_pushforward_sample(pf, r, 5, x);
    gsl_rng_free(r);
    for (int i = 0; i < 5; i++)
        ck_assert(x[i] == 0.5);
    gl_pushforward_free(pf);
    gl_mlp_free(G);
}
END_TEST

/* ---- errors ----------------------------------------------------------- */

START_TEST(test_errors)
{
    static const size_t s21[] = {2, 4, 1}, s12[] = {1, 4, 2};
    gl_mlp *G = affine_new(1.0, 0.0), *G21 = net_new(2, s21, GL_ACT_TANH, 8, NULL),
           *G12 = net_new(2, s12, GL_ACT_TANH, 8, NULL);
    gl_pushforward *pf = NULL;
    gl_err err;

    gl_err_clear(&err);
    ck_assert_int_eq(gl_pushforward_alloc(NULL, G, GL_NOISE_NORMAL, 64, &err), GL_EINVAL);
    ck_assert_msg(strstr(err.msg, "out is NULL"), "message: %s", err.msg);

    ck_assert_int_eq(gl_pushforward_alloc(&pf, NULL, GL_NOISE_NORMAL, 64, &err), GL_EINVAL);
    ck_assert_msg(strstr(err.msg, "G is NULL"), "message: %s", err.msg);
    ck_assert_ptr_null(pf);

    ck_assert_int_eq(gl_pushforward_alloc(&pf, G21, GL_NOISE_NORMAL, 64, &err), GL_EINVAL);
    ck_assert_msg(strstr(err.msg, "R -> R") && strstr(err.msg, "2 input"), "message: %s",
                  err.msg);
    ck_assert_int_eq(gl_pushforward_alloc(&pf, G12, GL_NOISE_NORMAL, 64, &err), GL_EINVAL);
    ck_assert_msg(strstr(err.msg, "2 output"), "message: %s", err.msg);
    ck_assert_ptr_null(pf);

    ck_assert_int_eq(gl_pushforward_alloc(&pf, G, GL_NOISE_NORMAL, 63, &err), GL_EINVAL);
    ck_assert_msg(strstr(err.msg, "63") && strstr(err.msg, "64"), "message: %s", err.msg);
    ck_assert_int_eq(gl_pushforward_alloc(&pf, G, (gl_noise)7, 64, &err), GL_EINVAL);
    ck_assert_msg(strstr(err.msg, "noise"), "message: %s", err.msg);
    ck_assert_ptr_null(pf);

    /* a NULL err is allowed */
    ck_assert_int_eq(gl_pushforward_alloc(&pf, G, GL_NOISE_NORMAL, 2, NULL), GL_EINVAL);

    ck_assert_int_eq(gl_pushforward_update(NULL, &err), GL_EINVAL);
    ck_assert_msg(strstr(err.msg, "NULL"), "message: %s", err.msg);

    /* the queries on a NULL pushforward: NaN, nothing */
    double lo = 0, hi = 0;
    ck_assert(isnan(gl_pushforward_logpdf(NULL, 0.0)));
    ck_assert(isnan(gl_pushforward_cdf(NULL, 0.0)));
    ck_assert_uint_eq(gl_pushforward_breakpoints(NULL, NULL, 0), 0);
    gl_pushforward_range(NULL, &lo, &hi);
    ck_assert(isnan(lo) && isnan(hi));
    gl_pushforward_free(NULL);

    gl_mlp_free(G);
    gl_mlp_free(G21);
    gl_mlp_free(G12);
}
END_TEST

Suite *gen_suite(void)
{
    Suite *s = suite_create("gen");
    TCase *core = tcase_create("core");
    tcase_set_timeout(core, 30); /* 10^6 samples; slower under the sanitizers */
    tcase_add_test(core, test_affine_normal);
    tcase_add_test(core, test_bump_closed_form);
    tcase_add_test(core, test_wiggle_samples);
    tcase_add_test(core, test_cdf_derivative);
    tcase_add_test(core, test_uniform_noise);
    suite_add_tcase(s, core);

    TCase *limits = tcase_create("limits");
    tcase_set_timeout(limits, 30);
    tcase_add_test(limits, test_random_net);
    tcase_add_test(limits, test_fold_on_grid);
    tcase_add_test(limits, test_hidden_folds);
    tcase_add_test(limits, test_kink_fold);
    tcase_add_test(limits, test_leaky_net);
    tcase_add_test(limits, test_update);
    tcase_add_test(limits, test_breakpoints);
    tcase_add_test(limits, test_constant);
    suite_add_tcase(s, limits);

    TCase *errors = tcase_create("errors");
    tcase_add_test(errors, test_errors);
    suite_add_tcase(s, errors);
    return s;
}
