/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tests for src/metrics.c: trained-side quantities against exact ones. */
#include <check.h>
#include <math.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_integration.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "fdiv.h"
#include "gen.h"
#include "metrics.h"
#include "mix.h"
#include "testutil.h"

#define BIMODAL "0.5*N(-2,0.5)+0.5*N(2,0.5)"

static gl_mix *parse(const char *spec)
{
    gl_mix *m;
    gl_err e;
    ck_assert_msg(gl_mix_parse(spec, &m, &e) == GL_OK, "%s: %s", spec, e.msg);
    return m;
}

static double exact(gl_f_id id, const gl_mix *P, const gl_mix *Q)
{
    double v, a;
    gl_err e;
    ck_assert_msg(gl_fdiv_eval(gl_fdiv_get(id), P, Q, NULL, &v, &a, &e) == GL_OK, "%s", e.msg);
    return v;
}

typedef struct {
    const gl_mix *P, *G;
} pair;

static double logit_dstar(const double *x, void *p)
{
    const pair *pg = p;
    return gl_fdiv_dstar_logit(pg->P, pg->G, x);
}

static double logit_half(const double *x, void *p)
{
    (void)x, (void)p;
    return 0.0;
}

/* An affine generator G(z) = a z + b pushes N(0,1) forward to N(b, |a|): the
 * JSD through the pushforward must equal the JSD against that Gaussian. */
START_TEST(test_jsd_pf_affine)
{
    const double ab[][2] = {{1.5, 0.0}, {-0.7, 1.0}, {0.5, -6.0}};
    gl_mix *P = parse(BIMODAL);
    for (size_t k = 0; k < sizeof ab / sizeof ab[0]; k++) {
        size_t sizes[2] = {1, 1};
        gl_mlp *G;
        gl_pushforward *pf;
        gl_err e;
        ck_assert_int_eq(gl_mlp_alloc(&G, 1, sizes, GL_ACT_TANH, 0, 64, &e), GL_OK);
        G->params[G->woff[0]] = ab[k][0];
        G->params[G->boff[0]] = ab[k][1];
        ck_assert_int_eq(gl_pushforward_alloc(&pf, G, GL_NOISE_NORMAL, 256, &e), GL_OK);
        double j, ae;
        ck_assert_msg(gl_metrics_jsd_pf(P, pf, NULL, &j, &ae, &e) == GL_OK, "%s", e.msg);
        char spec[64];
        snprintf(spec, sizeof spec, "N(%.17g,%.17g)", ab[k][1], fabs(ab[k][0]));
        gl_mix *Q = parse(spec);
        double want = exact(GL_F_JS, P, Q);
        ck_assert(want > 0.05); /* a pair that is far from equal */
        ASSERT_ABS(j, want, 1e-9);
        ck_assert(ae >= 0 && ae < 1e-8);
        gl_mix_free(Q);
        gl_pushforward_free(pf);
        gl_mlp_free(G);
    }
    gl_mix_free(P);
}
END_TEST

/* JS integrand in the u variable of x = tanh(u), for data P (in x) against
 * u ~ N(b, |a|): p~(u) = p(tanh u) (1 - tanh^2 u) against phi(u) */
typedef struct {
    const gl_mix *P;
    double a, b;
} tanh_ctx;

static double js_u(double u, void *v)
{
    const tanh_ctx *c = v;
    double x = tanh(u), p = gl_mix_pdf(c->P, &x) / (cosh(u) * cosh(u));
    double q = gsl_ran_gaussian_pdf(u - c->b, fabs(c->a)), m = 0.5 * (p + q);
    return 0.5 * (p > 0 ? p * log(p / m) : 0) + 0.5 * (q > 0 ? q * log(q / m) : 0);
}

/* A G with a tanh output, x = tanh(a z + b): the exact JSD (fold, pushforward
 * of u, density p_u(atanh x)/(1 - x^2) in x) against an independent
 * integral in u over the real line (JSD is invariant under the bijection
 * tanh), plus the data's mass outside (-1, 1), where p_g = 0 and the
 * integrand is p log 2 / 2. */
START_TEST(test_jsd_gen_tanh_output)
{
    gl_mix *P = parse("0.4*N(-0.5,0.2)+0.6*N(0.6,0.3)");
    const double ab[][2] = {{0.8, 0.1}, {-1.5, 0.4}};
    gsl_integration_workspace *iw = gsl_integration_workspace_alloc(1000);
    for (size_t k = 0; k < 2; k++) {
        gl_mlp *G;
        gl_err e;
        gl_mlp_opts o = gl_mlp_opts_default();
        o.outact = GL_ACT_TANH;
        ck_assert_int_eq(gl_mlp_alloc_opts(&G, 1, (size_t[]){1, 1}, GL_ACT_LINEAR, 0, 4, &o, &e), 0);
        G->params[G->woff[0]] = ab[k][0];
        G->params[G->boff[0]] = ab[k][1];
        gl_metrics_gen *m;
        ck_assert_msg(gl_metrics_gen_alloc(&m, G, GL_NOISE_NORMAL, &e) == 0, "%s", e.msg);
        double j, ae, ref, rerr;
        ck_assert_msg(gl_metrics_gen_jsd(m, P, &j, &ae, NULL, &e) == 0, "%s", e.msg);
        tanh_ctx c = {P, ab[k][0], ab[k][1]};
        gsl_function f = {js_u, &c};
        ck_assert_int_eq(gsl_integration_qagi(&f, 1e-13, 1e-11, 1000, iw, &ref, &rerr), 0);
        double out = 0.4 * (gsl_cdf_gaussian_P(-0.5 / 0.2, 1) + gsl_cdf_gaussian_Q(1.5 / 0.2, 1)) +
                     0.6 * (gsl_cdf_gaussian_P(-1.6 / 0.3, 1) + gsl_cdf_gaussian_Q(0.4 / 0.3, 1));
        ref += 0.5 * log(2.0) * out;
        ck_assert(ref > 0.02 && out > 1e-3); /* far from equal; the outside term matters */
        ASSERT_ABS(j, ref, 1e-9);
        gl_metrics_gen_free(m);
        gl_mlp_free(G);
    }
    gsl_integration_workspace_free(iw);
    gl_mix_free(P);
}
END_TEST

/* JS integrand for P = N(1,1) against the density of relu(z) on x > 0 */
static double js_relu(double x, void *v)
{
    (void)v;
    double p = gsl_ran_gaussian_pdf(x - 1, 1), q = gsl_ran_gaussian_pdf(x, 1), m = 0.5 * (p + q);
    return 0.5 * (p > 0 ? p * log(p / m) : 0) + 0.5 * (q > 0 ? q * log(q / m) : 0);
}

/* G(z) = relu(z) puts an atom of mass 1/2 at 0: the exact JSD counts it
 * (log 2 / 4) besides the density's integral, against an independent
 * integral over x > 0 and P's mass below 0 (where p_g is 0) */
START_TEST(test_jsd_gen_atom)
{
    gl_mix *P = parse("N(1,1)");
    gl_mlp *G;
    gl_err e;
    ck_assert_int_eq(gl_mlp_alloc(&G, 2, (size_t[]){1, 1, 1}, GL_ACT_RELU, 0, 4, &e), 0);
    G->params[G->woff[0]] = 1;
    G->params[G->woff[1]] = 1;
    gl_metrics_gen *m;
    ck_assert_msg(gl_metrics_gen_alloc(&m, G, GL_NOISE_NORMAL, &e) == 0, "%s", e.msg);
    double j, ae, ref, rerr;
    ck_assert_msg(gl_metrics_gen_jsd(m, P, &j, &ae, NULL, &e) == 0, "%s", e.msg);
    gsl_integration_workspace *iw = gsl_integration_workspace_alloc(1000);
    gsl_function f = {js_relu, NULL};
    ck_assert_int_eq(gsl_integration_qagiu(&f, 0, 1e-13, 1e-11, 1000, iw, &ref, &rerr), 0);
    ref += 0.5 * log(2.0) * gsl_cdf_gaussian_P(-1, 1) + 0.25 * log(2.0);
    ASSERT_ABS(j, ref, 1e-9);
    gsl_integration_workspace_free(iw);
    gl_metrics_gen_free(m);
    gl_mlp_free(G);
    gl_mix_free(P);
}
END_TEST

/* A workspace made for a loop allocates only in its first calls: the exact JSD
 * of a generator whose weights drift (a 1-16-16-1 tanh net, like a training
 * run's logged rows) grows the workspace's scratch at most in the first call,
 * and gives the same value as a call with a fresh temporary workspace. */
START_TEST(test_jsd_pf_workspace_reused)
{
    gl_mix *P = parse(BIMODAL);
    gl_mlp *G;
    gl_pushforward *pf;
    gl_quad_workspace *ws;
    gl_err e;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    ck_assert_int_eq(gl_mlp_alloc(&G, 3, (size_t[]){1, 16, 16, 1}, GL_ACT_TANH, 0, 64, &e), GL_OK);
    gl_mlp_init(G, r);
    ck_assert_int_eq(gl_pushforward_alloc(&pf, G, GL_NOISE_NORMAL, GL_PUSHFORWARD_NGRID, &e), GL_OK);
    ck_assert_int_eq(gl_quad_workspace_alloc(&ws, &e), GL_OK);
    size_t grows_after_first = 0;
    for (int row = 0; row < 6; row++) {
        for (size_t i = 0; i < G->nparams; i++)
            G->params[i] += 0.05 * gsl_ran_gaussian(r, 1.0);
        ck_assert_int_eq(gl_pushforward_update(pf, &e), GL_OK);
        double j, ae, j0, ae0;
        ck_assert_msg(gl_metrics_jsd_pf(P, pf, ws, &j, &ae, &e) == GL_OK, "%s", e.msg);
        ck_assert_msg(gl_metrics_jsd_pf(P, pf, NULL, &j0, &ae0, &e) == GL_OK, "%s", e.msg);
        ck_assert_msg(j == j0 && ae == ae0, "row %d: %.17g with the workspace, %.17g without", row,
                      j, j0);
        ck_assert(j > 0.01); /* a real integral, not a degenerate one */
        if (row == 0)
            grows_after_first = gl_quad_workspace_grows(ws);
    }
    ck_assert_uint_le(grows_after_first, 1);
    ck_assert_uint_eq(gl_quad_workspace_grows(ws), grows_after_first);
    gl_quad_workspace_free(ws);
    gl_pushforward_free(pf);
    gl_mlp_free(G);
    gsl_rng_free(r);
    gl_mix_free(P);
}
END_TEST

/* D = D* has zero error; D = 1/2 has weighted L1 error TV/2 exactly:
 * integral |1/2 - p/(p+q)| (p+q)/2 = 1/4 integral |p - q|. */
START_TEST(test_d_l1_limits)
{
    gl_mix *P = parse(BIMODAL), *G = parse("N(0,1.5)");
    pair pg = {P, G};
    double l1, ae;
    gl_err e;
    ck_assert_int_eq(gl_metrics_d_l1(P, G, logit_dstar, NULL, &pg, NULL, &l1, &ae, &e), GL_OK);
    ASSERT_ABS(l1, 0.0, 1e-14);
    ck_assert_int_eq(gl_metrics_d_l1(P, G, logit_half, NULL, NULL, NULL, &l1, &ae, &e), GL_OK);
    ASSERT_REL(l1, exact(GL_F_TV, P, G) / 2, 1e-10);
    gl_mix_free(P);
    gl_mix_free(G);
}
END_TEST

START_TEST(test_d_max)
{
    gl_mix *P = parse(BIMODAL), *G = parse("N(0,1.5)");
    enum { N = 401 };
    double x[N], d[N], worst = 0, mmax = 0, err, mm;
    size_t at;
    for (int i = 0; i < N; i++) {
        x[i] = -6 + 12.0 * i / (N - 1);
        d[i] = gl_fdiv_dstar(P, G, &x[i]);
        mmax = fmax(mmax, 0.5 * (gl_mix_pdf(P, &x[i]) + gl_mix_pdf(G, &x[i])));
    }
    gl_metrics_d_max(P, G, x, d, N, 0.05, &err, &at, &mm);
    ASSERT_ABS(err, 0.0, 0.0);
    ASSERT_ABS(mm, mmax, 0.0);
    /* D = 1/2: the largest |1/2 - D*| among the points of the core region */
    for (int i = 0; i < N; i++) {
        double m = 0.5 * (gl_mix_pdf(P, &x[i]) + gl_mix_pdf(G, &x[i]));
        if (m >= 0.05 * mmax)
            worst = fmax(worst, fabs(0.5 - d[i]));
        d[i] = 0.5;
    }
    gl_metrics_d_max(P, G, x, d, N, 0.05, &err, &at, &mm);
    ASSERT_ABS(err, worst, 1e-15);
    ck_assert(worst > 0.4); /* D* is near 0 at x = 0, inside the core */
    ASSERT_ABS(fabs(0.5 - gl_fdiv_dstar(P, G, &x[at])), worst, 1e-15);
    gl_mix_free(P);
    gl_mix_free(G);
}
END_TEST

START_TEST(test_errors)
{
    gl_mix *P = parse("ring(4,2,0.1)");
    size_t sizes[2] = {1, 1};
    gl_mlp *G;
    gl_pushforward *pf;
    gl_err e;
    ck_assert_int_eq(gl_mlp_alloc(&G, 1, sizes, GL_ACT_TANH, 0, 8, &e), GL_OK);
    G->params[0] = 1;
    ck_assert_int_eq(gl_pushforward_alloc(&pf, G, GL_NOISE_NORMAL, 128, &e), GL_OK);
    double j, ae;
    ck_assert_int_eq(gl_metrics_jsd_pf(P, pf, NULL, &j, &ae, &e), GL_EINVAL);
    ck_assert_ptr_nonnull(strstr(e.msg, "1-D"));
    ck_assert_int_eq(gl_metrics_jsd_pf(NULL, pf, NULL, &j, &ae, &e), GL_EINVAL);
    gl_pushforward_free(pf);
    gl_mlp_free(G);
    gl_mix_free(P);
}
END_TEST

/* The histogram estimate: disjoint samples give exactly log 2; two samples
 * of one distribution give a small positive bias (measured 1.6e-4, close to
 * the (occupied cells)/(4n) of the header); N(0,1) vs N(1,1) comes close to
 * the exact 0.1114 (cells of 0.065, 2e5 samples each: measured gap 1.8e-4,
 * allowed 5e-3; in 2-D with 40 x 40 cells and 5e4 samples: 3.1e-3, allowed
 * 0.02). */
START_TEST(test_jsd_hist)
{
    enum { N = 200000 };
    static double a[N], b[N];
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 3);
    double lo = -6, hi = 7, j;
    gl_err e;
    for (int i = 0; i < N; i++) {
        a[i] = gsl_rng_uniform(r);
        b[i] = 2 + gsl_rng_uniform(r);
    }
    ck_assert_int_eq(gl_metrics_jsd_hist(a, b, N, 1, &lo, &hi, 200, &j, &e), GL_OK);
    ASSERT_ABS(j, log(2.0), 1e-15);
    for (int i = 0; i < N; i++) {
        a[i] = gsl_ran_gaussian_ziggurat(r, 1.0);
        b[i] = gsl_ran_gaussian_ziggurat(r, 1.0);
    }
    ck_assert_int_eq(gl_metrics_jsd_hist(a, b, N, 1, &lo, &hi, 200, &j, &e), GL_OK);
    ck_assert_msg(j > 0 && j < 1e-3, "same distribution: %g", j);
    for (int i = 0; i < N; i++)
        b[i] += 1;
    gl_mix *P = parse("N(0,1)"), *Q = parse("N(1,1)");
    double want = exact(GL_F_JS, P, Q);
    ck_assert_int_eq(gl_metrics_jsd_hist(a, b, N, 1, &lo, &hi, 200, &j, &e), GL_OK);
    ASSERT_ABS(j, want, 5e-3);
    /* 2-D: independent coordinates shifted in x only, same JSD */
    static double a2[2 * 50000], b2[2 * 50000];
    for (int i = 0; i < 50000; i++) {
        a2[2 * i] = gsl_ran_gaussian_ziggurat(r, 1.0);
        a2[2 * i + 1] = gsl_ran_gaussian_ziggurat(r, 1.0);
        b2[2 * i] = 1 + gsl_ran_gaussian_ziggurat(r, 1.0);
        b2[2 * i + 1] = gsl_ran_gaussian_ziggurat(r, 1.0);
    }
    double lo2[2] = {-6, -6}, hi2[2] = {7, 6};
    ck_assert_int_eq(gl_metrics_jsd_hist(a2, b2, 50000, 2, lo2, hi2, 40, &j, &e), GL_OK);
    ASSERT_ABS(j, want, 0.02);
    ck_assert_int_eq(gl_metrics_jsd_hist(a2, b2, 50000, 3, lo2, hi2, 40, &j, &e), GL_EINVAL);
    hi2[1] = lo2[1];
    ck_assert_int_eq(gl_metrics_jsd_hist(a2, b2, 50000, 2, lo2, hi2, 40, &j, &e), GL_EINVAL);
    gl_mix_free(P);
    gl_mix_free(Q);
    gsl_rng_free(r);
}
END_TEST

Suite *metrics_suite(void)
{
    Suite *s = suite_create("metrics");
    TCase *c = tcase_create("core");
    tcase_add_test(c, test_jsd_pf_affine);
    tcase_add_test(c, test_jsd_pf_workspace_reused);
    tcase_add_test(c, test_jsd_gen_tanh_output);
    tcase_add_test(c, test_jsd_gen_atom);
    tcase_add_test(c, test_d_l1_limits);
    tcase_add_test(c, test_d_max);
    tcase_add_test(c, test_jsd_hist);
    suite_add_tcase(s, c);
    TCase *e = tcase_create("errors");
    tcase_add_test(e, test_errors);
    suite_add_tcase(s, e);
    return s;
}
