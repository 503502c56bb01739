/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test_dirac.c — src/dirac.c: the Dirac-GAN of Mescheder et al. (2018).
 * The linearised growth factor, the reference norms, the
 * alternating orbit, the penalty's decay rate against its eigenvalue, noise
 * reproducibility and every error path. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <gsl/gsl_rng.h>

#include "dirac.h"
#include "testutil.h"

static double traj[2 * 20001];

static double run_norm(gl_dirac_update u, double h, double gamma, double th, double ps, size_t n)
{
    gl_dirac_opts o = {u, h, gamma, 0};
    gl_err e;
    int s = gl_dirac_run(&o, NULL, (double[]){th, ps}, n, traj, &e);
    ck_assert_msg(s == GL_OK, "%s", e.msg);
    return hypot(traj[2 * n], traj[2 * n + 1]);
}

/* ------------------------------------------------------------------ core */

START_TEST(test_fprime)
{
    ASSERT_ABS(gl_dirac_fprime(0), 0.5, 0);
    ASSERT_REL(gl_dirac_fprime(2), 1 / (1 + exp(2)), 1e-15);
    ASSERT_REL(gl_dirac_fprime(-3), 1 / (1 + exp(-3)), 1e-15);
    ASSERT_REL(gl_dirac_fprime(800), exp(-800.0 + 400) * exp(-400.0), 1e-12); /* no overflow */
    ck_assert(gl_dirac_fprime(-800) == 1);
}
END_TEST

/* one simultaneous step by hand, and one alternating step (D first) */
START_TEST(test_step_by_hand)
{
    gl_err e;
    double th = 0.7, ps = -0.4, h = 0.3, g = 0.2, fp = 1 / (1 + exp(ps * th));
    double x[2] = {th, ps};
    gl_dirac_opts o = {GL_DIRAC_SIM, h, g, 0};
    ck_assert_int_eq(gl_dirac_step(&o, NULL, x, &e), GL_OK);
    ASSERT_REL(x[0], th - h * fp * ps, 1e-15);
    ASSERT_REL(x[1], ps + h * (fp * th - g * ps), 1e-15);
    o.update = GL_DIRAC_ALT;
    x[0] = th;
    x[1] = ps;
    ck_assert_int_eq(gl_dirac_step(&o, NULL, x, &e), GL_OK);
    double ps1 = ps + h * (fp * th - g * ps);
    ASSERT_REL(x[1], ps1, 1e-15);
    ASSERT_REL(x[0], th - h * ps1 / (1 + exp(ps1 * th)), 1e-15);
}
END_TEST

/* near 0 the simultaneous map is a rotation scaled by sqrt(1 + h^2 f'(0)^2) */
START_TEST(test_growth_factor)
{
    double hs[3] = {0.05, 0.2, 0.7};
    for (int i = 0; i < 3; i++) {
        double h = hs[i], n0 = hypot(1e-7, -2e-7), n = run_norm(GL_DIRAC_SIM, h, 0, 1e-7, -2e-7, 50);
        ASSERT_ABS(pow(n / n0, 2.0 / 50), 1 + h * h / 4, 1e-12);
    }
}
END_TEST

/* the reference values: h = 0.2, 500 steps from (1, 1) */
START_TEST(test_reference_norms)
{
    ASSERT_ABS(run_norm(GL_DIRAC_SIM, 0.2, 0, 1, 1, 500), 3.097, 5e-4);
    ASSERT_ABS(run_norm(GL_DIRAC_ALT, 0.2, 0, 1, 1, 500), 1.413, 5e-4);
    ASSERT_ABS(run_norm(GL_DIRAC_SIM, 0.2, 0.3, 1, 1, 500), 2.6e-6, 0.05e-6);
}
END_TEST

/* alternating: Q = theta^2 + psi^2 + h f'(0) theta psi is invariant near 0;
 * from (1, 1) the norm stays within 10 % of its start over 20000 steps */
START_TEST(test_alt_bounded)
{
    double h = 0.2, k = h / 2;
    run_norm(GL_DIRAC_ALT, h, 0, 0, 1e-6, 20000);
    for (size_t i = 0; i <= 20000; i += 97) {
        double t = traj[2 * i], p = traj[2 * i + 1];
        ASSERT_ABS((t * t + p * p + k * t * p) / 1e-12, 1, 1e-9);
    }
    run_norm(GL_DIRAC_ALT, h, 0, 1, 1, 20000);
    for (size_t i = 0; i <= 20000; i++) {
        double r = hypot(traj[2 * i], traj[2 * i + 1]) / sqrt(2);
        ck_assert_msg(r > 0.9 && r < 1.1, "step %zu: norm ratio %g", i, r);
    }
}
END_TEST

/* penalty: from a small start the norm decays like |1 + h lambda|^k,
 * lambda = -gamma/2 + i sqrt(f'(0)^2 - gamma^2/4); the per-unit-time rate
 * approaches Re lambda = -gamma/2 as h -> 0 */
START_TEST(test_penalty_rate)
{
    double g = 0.3, h = 0.01, re = -g / 2, im = sqrt(0.25 - g * g / 4);
    size_t n = 20000;
    double T = h * (double)n, n0 = hypot(1e-6, 1e-6);
    double rate = log(run_norm(GL_DIRAC_SIM, h, g, 1e-6, 1e-6, n) / n0) / T;
    double disc = 0.5 * log((1 + h * re) * (1 + h * re) + h * h * im * im) / h;
    /* the eigenvector condition number is sqrt(1.3/0.7): ln 1.36 / T = 1.6e-3 */
    ASSERT_ABS(rate, disc, 1.6e-3);
    ASSERT_ABS(rate, re, 1.6e-3 + h * fabs(re * re - im * im) / 2 + h * h);
    ck_assert(rate < 0.9 * re);
}
END_TEST

/* instance noise: reproducible from the seed, and pulls the iterate in */
START_TEST(test_noise)
{
    gl_dirac_opts o = {GL_DIRAC_SIM, 0.2, 0, 1};
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    static double a[2 * 2001];
    gsl_rng_set(r, 7);
    ck_assert_int_eq(gl_dirac_run(&o, r, (double[]){1, 1}, 2000, a, NULL), GL_OK);
    gsl_rng_set(r, 7);
    ck_assert_int_eq(gl_dirac_run(&o, r, (double[]){1, 1}, 2000, traj, NULL), GL_OK);
    double m = 0;
    for (size_t i = 0; i < 2 * 2001; i++)
        ck_assert(a[i] == traj[i]);
    for (size_t i = 1000; i <= 2000; i++)
        m += hypot(traj[2 * i], traj[2 * i + 1]) / 1001;
    ck_assert_msg(m < 0.7, "mean norm over the second half %g", m); /* noiseless: 3.1 at step 500 */
    gsl_rng_free(r);
}
END_TEST

/* ------------------------------------------------------------------ errors */

START_TEST(test_errors)
{
    gl_err e;
    double x[2] = {1, 1};
    gl_dirac_opts o = {GL_DIRAC_SIM, 0, 0, 0};
    ck_assert_int_eq(gl_dirac_step(&o, NULL, x, &e), GL_EINVAL);
    o.h = NAN;
    ck_assert_int_eq(gl_dirac_step(&o, NULL, x, &e), GL_EINVAL);
    o.h = 0.1;
    o.gamma = -1;
    ck_assert_int_eq(gl_dirac_run(&o, NULL, x, 3, traj, &e), GL_EINVAL);
    o.gamma = 0;
    o.sigma = 1;
    ck_assert_int_eq(gl_dirac_run(&o, NULL, x, 3, traj, &e), GL_EINVAL); /* noise without rng */
    ck_assert(strstr(e.msg, "rng") != NULL);
    o.sigma = 0;
    o.update = (gl_dirac_update)7;
    ck_assert_int_eq(gl_dirac_step(&o, NULL, x, &e), GL_EINVAL);
    o.update = GL_DIRAC_ALT;
    ck_assert_int_eq(gl_dirac_run(&o, NULL, x, 3, NULL, &e), GL_EINVAL);
    ck_assert_int_eq(gl_dirac_run(&o, NULL, (double[]){INFINITY, 0}, 3, traj, &e), GL_EINVAL);
    /* a huge step blows up: GL_EDIVERGE, not a NaN passed on */
    o.update = GL_DIRAC_SIM;
    o.h = 1e200;
    ck_assert_int_eq(gl_dirac_run(&o, NULL, (double[]){1, 1}, 10, traj, &e), GL_EDIVERGE);
    ck_assert_int_eq(gl_dirac_run(&o, NULL, x, 0, traj, &e), GL_OK);
    ck_assert(traj[0] == 1 && traj[1] == 1);
}
END_TEST

Suite *dirac_suite(void)
{
    Suite *s = suite_create("dirac");
    TCase *c = tcase_create("core");
    tcase_add_test(c, test_fprime);
    tcase_add_test(c, test_step_by_hand);
    tcase_add_test(c, test_growth_factor);
    tcase_add_test(c, test_reference_norms);
    tcase_add_test(c, test_alt_bounded);
    tcase_add_test(c, test_penalty_rate);
    tcase_add_test(c, test_noise);
    suite_add_tcase(s, c);
    TCase *er = tcase_create("errors");
    tcase_add_test(er, test_errors);
    suite_add_tcase(s, er);
    return s;
}
