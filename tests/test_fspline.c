/* test_fspline.c — tests for src/fspline.c (the f-divergence seen by a
 * piecewise-linear critic, its gradient and flow, and the f-GAN against that
 * critic).
 *
 * References: for P = N(0,1), Q = N(1/2,1) the log-ratio log p/q is linear in
 * x, and so is the optimal critic V* = g_f^{-1}(f'(p/q)) of kl (1 + log u), rkl
 * (log u) and hellinger (log u / 2): the class holds it for any number of
 * intervals, so D_F = D_f, in closed form KL = RKL = 1/8 and Hellinger
 * (squared, f = (sqrt u - 1)^2) = 2 (1 - exp(-1/32)). For a bimodal P the
 * classes of m = 4, 8, 16 intervals on one range are nested, so D_F grows with
 * m and stays below D_f (gl_fdiv_eval); the gradient in (mu, log sigma)
 * against central differences of D_F. */
#include <check.h>
#include <math.h>
#include <gsl/gsl_rng.h>

#include "fdiv.h"
#include "fspline.h"
#include "mix.h"
#include "optim.h"
#include "testutil.h"

static gl_mix *mk(const char *spec)
{
    gl_mix *m = NULL;
    gl_err e;
    ck_assert_msg(gl_mix_parse(spec, &m, &e) == GL_OK, "%s: %s", spec, e.msg);
    return m;
}

static double div_f(gl_f_id f, const char *p, const char *q, size_t m, double *abserr)
{
    gl_mix *P = mk(p), *Q = mk(q);
    gl_fspline k = {.m = m, .lo = -5, .hi = 5};
    double w[GL_FSPLINE_MAXM + 1] = {0}, v, ae;
    gl_err e;
    ck_assert_msg(gl_fspline_div(gl_fconj_get(f), P, Q, &k, w, &v, &ae, &e) == GL_OK, "%s", e.msg);
    gl_mix_free(P);
    gl_mix_free(Q);
    if (abserr)
        *abserr = ae;
    return v;
}

START_TEST(test_linear_log_ratio_exact)
{
    const double h2 = 2 * (1 - exp(-1.0 / 32));
    for (size_t m = 1; m <= 8; m *= 8) {
        double ae;
        ASSERT_ABS(div_f(GL_F_KL, "N(0,1)", "N(0.5,1)", m, &ae), 0.125, 1e-10);
        ck_assert(ae < 1e-10);
        ASSERT_ABS(div_f(GL_F_RKL, "N(0,1)", "N(0.5,1)", m, NULL), 0.125, 1e-10);
        ASSERT_ABS(div_f(GL_F_HELLINGER, "N(0,1)", "N(0.5,1)", m, NULL), h2, 1e-10);
    }
}
END_TEST

START_TEST(test_nested_classes_grow_to_df)
{
    const char *p = "0.5*N(-2,0.5)+0.5*N(2,0.5)", *q = "N(0.5,1)";
    static const gl_f_id ids[] = {GL_F_KL, GL_F_RKL, GL_F_JS, GL_F_HELLINGER, GL_F_JEFFREYS};
    gl_mix *P = mk(p), *Q = mk(q);
    gl_err e;
    for (size_t j = 0; j < sizeof ids / sizeof ids[0]; j++) {
        double df, dae, prev = -INFINITY;
        ck_assert(gl_fdiv_eval(gl_fdiv_get(ids[j]), P, Q, NULL, &df, &dae, &e) == GL_OK);
        for (size_t m = 4; m <= 16; m *= 2) {
            double ae, v = div_f(ids[j], p, q, m, &ae);
            ck_assert_msg(v > prev && v <= df + dae + ae, "%s m %zu: D_F %.17g after %.17g, D_f %.17g",
                          gl_fdiv_get(ids[j])->name, m, v, prev, df);
            prev = v;
        }
    }
    /* 128 intervals of 0.078: the interpolation error of V* is ~1e-3 where the
     * mass is, and D_f - D_F is second order in it (measured 2.4e-7) */
    double df, dae;
    ck_assert(gl_fdiv_eval(gl_fdiv_get(GL_F_KL), P, Q, NULL, &df, &dae, &e) == GL_OK);
    ASSERT_ABS(div_f(GL_F_KL, p, q, 128, NULL), df, 1e-6);
    gl_mix_free(P);
    gl_mix_free(Q);
}
END_TEST

START_TEST(test_grad_central_differences)
{
    const char *p = "0.75*N(-2,0.5)+0.25*N(2,0.5)";
    gl_mix *P = mk(p);
    gl_fspline k = {.m = 8, .lo = -5, .hi = 5};
    gl_err e;
    for (gl_f_id f = 0; f < GL_F_COUNT; f++) {
        if (f != GL_F_KL && f != GL_F_HELLINGER && f != GL_F_JS)
            continue;
        double w[9] = {0}, v, ae, g[2], mu = -0.7, ls = log(1.3), d = 1e-4, fd[2];
        char q[64];
        snprintf(q, sizeof q, "N(%.17g,%.17g)", mu, exp(ls));
        gl_mix *Q = mk(q);
        ck_assert(gl_fspline_div(gl_fconj_get(f), P, Q, &k, w, &v, &ae, &e) == GL_OK);
        ck_assert(gl_fspline_grad(gl_fconj_get(f), P, mu, exp(ls), &k, w, g, &e) == GL_OK);
        gl_mix_free(Q);
        for (int j = 0; j < 2; j++) {
            double vv[2];
            for (int sgn = 0; sgn < 2; sgn++) {
                double th[2] = {mu, ls};
                th[j] += sgn ? d : -d;
                snprintf(q, sizeof q, "N(%.17g,%.17g)", th[0], exp(th[1]));
                vv[sgn] = div_f(f, p, q, 8, NULL);
            }
            fd[j] = (vv[1] - vv[0]) / (2 * d);
            /* central differences: O(d^2) ~ 1e-8 plus rounding 1e-15/d */
            ASSERT_ABS(g[j], fd[j], 1e-6);
        }
    }
    gl_mix_free(P);
}
END_TEST

START_TEST(test_flow_gaussian_target)
{
    /* P = N(0,1): every class that holds a linear V has its D_F minimum at
     * Q = P (D_F >= 0 with equality at V = const) */
    gl_mix *P = mk("N(0,1)");
    gl_fspline k = {.m = 8, .lo = -5, .hi = 5};
    gl_fit_result r;
    gl_err e;
    ck_assert_msg(gl_fspline_flow(gl_fconj_get(GL_F_KL), P, &k, 0.5, 1.5, 0.05, 1e-6, 20000, &r, NULL, &e) == GL_OK,
                  "%s", e.msg);
    ASSERT_ABS(r.mu, 0, 1e-5);
    ASSERT_ABS(r.sigma, 1, 1e-5);
    ck_assert(r.value < 1e-10);
    gl_mix_free(P);
}
END_TEST

START_TEST(test_fgan_lands)
{
    /* P = N(1,1) and kl: the restricted minimum is P itself (as above); the
     * f-GAN from N(0.5,1), 0.5 away, must get there: measured |error| <=
     * 0.005 in mu and sigma over seeds 1-8, so 0.02 is 4 times that */
    gl_mix *P = mk("N(1,1)");
    gl_fspline k = {.m = 8, .lo = -5, .hi = 5};
    gl_optim *oc, *og;
    gl_err e;
    ck_assert(gl_optim_alloc(&oc, GL_OPT_ADAM, k.m + 1, 1e-3, &e) == GL_OK);
    ck_assert(gl_optim_alloc(&og, GL_OPT_ADAM, 2, 1e-3, &e) == GL_OK);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 3);
    gl_fit_fgan_cfg cfg = gl_fit_fgan_cfg_default();
    cfg.steps = 2000;
    cfg.dsteps = 4;
    cfg.avg_from = 1000;
    double w[9] = {0}, th[2] = {0.5, 0}, avg[2];
    ck_assert_msg(gl_fspline_fgan(gl_fconj_get(GL_F_KL), P, &k, w, oc, og, &cfg, r, th, avg, NULL, &e) == GL_OK,
                  "%s", e.msg);
    ASSERT_ABS(avg[0], 1, 0.02);
    ASSERT_ABS(exp(avg[1]), 1, 0.02);
    /* the wrong optimiser size is refused */
    ck_assert_int_eq(gl_fspline_fgan(gl_fconj_get(GL_F_KL), P, &k, w, og, og, &cfg, r, th, avg, NULL, &e), GL_EINVAL);
    gsl_rng_free(r);
    gl_optim_free(oc);
    gl_optim_free(og);
    gl_mix_free(P);
}
END_TEST

START_TEST(test_bounded_class)
{
    /* the class with |w_i| <= B lies inside the unbounded one: its D_F is
     * smaller where the bound binds (jeffreys puts V ~ -3000 at the end knots
     * here, against B = 10) and the same where it does not (kl's V* lies within
     * [-15, 3], against B = 20) */
    gl_mix *P = mk("0.5*N(-2,0.5)+0.5*N(2,0.5)"), *Q = mk("N(0,2)");
    gl_err e;
    for (int j = 0; j < 2; j++) {
        gl_f_id f = j ? GL_F_JEFFREYS : GL_F_KL;
        gl_fspline k = {.m = 8, .lo = -5, .hi = 5}, kb = k;
        kb.bound = j ? 10 : 20;
        double w[9] = {0}, wb[9] = {0}, v, vb, ae, aeb;
        ck_assert(gl_fspline_div(gl_fconj_get(f), P, Q, &k, w, &v, &ae, &e) == GL_OK);
        ck_assert_msg(gl_fspline_div(gl_fconj_get(f), P, Q, &kb, wb, &vb, &aeb, &e) == GL_OK, "%s", e.msg);
        double wmin = INFINITY, wbmin = INFINITY;
        for (int i = 0; i < 9; i++) {
            wmin = fmin(wmin, w[i]);
            wbmin = fmin(wbmin, wb[i]);
            ck_assert(fabs(wb[i]) <= kb.bound);
        }
        if (j) {
            ck_assert_msg(wmin < -100 && wbmin == -10 && vb < v - 0.1, "jeffreys: min w %g / %g, D_F %g / %g", wmin,
                          wbmin, v, vb);
        } else {
            ck_assert_msg(wmin > -20, "kl: min w %g", wmin);
            ASSERT_ABS(vb, v, 1e-12);
        }
    }
    gl_mix_free(P);
    gl_mix_free(Q);
}
END_TEST

START_TEST(test_bad_knots)
{
    gl_err e;
    gl_fspline k0 = {.m = 0, .lo = -1, .hi = 1}, k1 = {.m = 4, .lo = 1, .hi = 1},
               k2 = {.m = GL_FSPLINE_MAXM + 1, .lo = -1, .hi = 1}, k3 = {.m = 4, .lo = -INFINITY, .hi = 1};
    ck_assert_int_eq(gl_fspline_check(&k0, &e), GL_EINVAL);
    ck_assert_int_eq(gl_fspline_check(&k1, &e), GL_EINVAL);
    ck_assert_int_eq(gl_fspline_check(&k2, &e), GL_EINVAL);
    ck_assert_int_eq(gl_fspline_check(&k3, &e), GL_EINVAL);
    ck_assert(strstr(e.msg, "lo < hi") != NULL);
    /* V: values at the knots, lines between, the end lines continued */
    gl_fspline k = {.m = 2, .lo = 0, .hi = 2};
    double w[3] = {1, 3, 2}, sl;
    ASSERT_ABS(gl_fspline_v(&k, w, 0.5, &sl), 2, 1e-15);
    ASSERT_ABS(sl, 2, 1e-15);
    ASSERT_ABS(gl_fspline_v(&k, w, -1, &sl), -1, 1e-15);
    ASSERT_ABS(gl_fspline_v(&k, w, 3, &sl), 1, 1e-15);
    ASSERT_ABS(sl, -1, 1e-15);
}
END_TEST

Suite *fspline_suite(void)
{
    Suite *s = suite_create("fspline");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_linear_log_ratio_exact);
    tcase_add_test(tc, test_nested_classes_grow_to_df);
    tcase_add_test(tc, test_grad_central_differences);
    tcase_add_test(tc, test_flow_gaussian_target);
    tcase_add_test(tc, test_fgan_lands);
    tcase_add_test(tc, test_bounded_class);
    tcase_add_test(tc, test_bad_knots);
    suite_add_tcase(s, tc);
    return s;
}
