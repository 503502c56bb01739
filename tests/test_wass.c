/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test_wass.c — tests for src/wass.c (W1 between 1-D mixtures).
 *
 * Expected values are closed forms: W1 between translates is the shift;
 * between N(0,s1) and N(0,s2) the quantile functions differ by (s2-s1) Phi^-1,
 * so W1 = |s2-s1| E|Z| = |s2-s1| sqrt(2/pi). */
#include <check.h>
#include <math.h>
#include <gsl/gsl_math.h>

#include "testutil.h"
#include "wass.h"

static double w1(const char *p, const char *q, double *ae)
{
    gl_mix *P = NULL, *Q = NULL;
    gl_err e;
    double v = NAN;
    ck_assert_int_eq(gl_mix_parse(p, &P, &e), GL_OK);
    ck_assert_int_eq(gl_mix_parse(q, &Q, &e), GL_OK);
    int s = gl_wass_w1(P, Q, NULL, &v, ae, &e);
    ck_assert_msg(s == GL_OK, "W1(%s, %s): %s", p, q, e.msg);
    gl_mix_free(P);
    gl_mix_free(Q);
    return v;
}

START_TEST(test_gauss_shift)
{
    double ae;
    static const double ab[][3] = {{0, 1, 1}, {-2, 3, 0.5}, {5, 5.25, 2}, {0, 40, 1}};
    for (size_t i = 0; i < sizeof ab / sizeof ab[0]; i++) {
        char p[64], q[64];
        snprintf(p, sizeof p, "N(%g,%g)", ab[i][0], ab[i][2]);
        snprintf(q, sizeof q, "N(%g,%g)", ab[i][1], ab[i][2]);
        ASSERT_ABS(w1(p, q, &ae), fabs(ab[i][1] - ab[i][0]), 1e-10);
        ck_assert(ae < 1e-9);
    }
}
END_TEST

START_TEST(test_uniform_shift)
{
    double ae;
    for (int k = -30; k <= 30; k += 3) {
        double th = k / 10.0;
        char q[64];
        snprintf(q, sizeof q, "U(%.17g,%.17g)", th, th + 1);
        ASSERT_ABS(w1("U(0,1)", q, &ae), fabs(th), 1e-12);
    }
}
END_TEST

START_TEST(test_gauss_scale)
{
    double ae;
    ASSERT_ABS(w1("N(0,1)", "N(0,2)", &ae), sqrt(2 / M_PI), 1e-10);
    /* a crossing of the CDFs away from any breakpoint: N(0,1) vs N(0.3,2)
     * cross where Phi(x) = Phi((x-0.3)/2), x = -0.3; W1 is symmetric */
    double a = w1("N(0,1)", "N(0.3,2)", &ae), b = w1("N(0.3,2)", "N(0,1)", &ae);
    ASSERT_ABS(a, b, 1e-13);
    ck_assert(a > sqrt(2 / M_PI) && a < sqrt(2 / M_PI) + 0.3); /* triangle inequality */
}
END_TEST

START_TEST(test_symmetry_and_zero)
{
    double ae;
    const char *p = "0.3*N(-2,0.5)+0.7*U(1,4)", *q = "0.5*N(0,1)+0.5*N(3,0.2)";
    double a = w1(p, q, &ae), b = w1(q, p, &ae);
    ck_assert(a > 0.1);
    ASSERT_ABS(a, b, 1e-12);
    ck_assert(w1(p, p, &ae) == 0);
    ck_assert(w1("U(0,1)", "U(0,1)", &ae) == 0);
    /* the means' difference is a lower bound, exact for ordered (shifted) pairs */
    double dm = fabs((0.3 * -2 + 0.7 * 2.5) - (0.5 * 0 + 0.5 * 3));
    ck_assert(a >= dm - 1e-12);
}
END_TEST

START_TEST(test_errors)
{
    gl_mix *P = NULL, *Q = NULL;
    gl_err e;
    double v, ae;
    ck_assert_int_eq(gl_mix_parse("U2(0,1,0,1)", &P, &e), GL_OK);
    ck_assert_int_eq(gl_mix_parse("U2(2,3,0,1)", &Q, &e), GL_OK);
    ck_assert_int_eq(gl_wass_w1(P, Q, NULL, &v, &ae, &e), GL_EINVAL);
    ck_assert_ptr_nonnull(strstr(e.msg, "1-D"));
    ck_assert_int_eq(gl_wass_w1(P, NULL, NULL, &v, &ae, &e), GL_EINVAL);
    ck_assert_int_eq(gl_wass_w1(P, Q, NULL, &v, &ae, NULL), GL_EINVAL); /* err may be NULL */
    gl_mix_free(P);
    gl_mix_free(Q);
}
END_TEST

Suite *wass_suite(void)
{
    Suite *s = suite_create("wass");
    TCase *c = tcase_create("core"), *l = tcase_create("limits"), *e = tcase_create("errors");
    tcase_add_test(c, test_gauss_shift);
    tcase_add_test(c, test_uniform_shift);
    tcase_add_test(c, test_gauss_scale);
    tcase_add_test(l, test_symmetry_and_zero);
    tcase_add_test(e, test_errors);
    suite_add_tcase(s, c);
    suite_add_tcase(s, l);
    suite_add_tcase(s, e);
    return s;
}
