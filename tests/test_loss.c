/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test_loss.c — src/loss.c: BCE on logits against its closed form, its
 * gradient against the closed form and finite differences, and the far tails
 * where a log(sigmoid(.)) implementation would return inf or 0. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "loss.h"

static const double LOGITS[] = {-2.0, -0.5, 0.0, 0.3, 3.0, 7.5};
#define NL (sizeof LOGITS / sizeof LOGITS[0])

/* the definition, fine for moderate logits: -y log D - (1-y) log(1-D) */
static double bce_ref(const double *a, size_t n, double y)
{
    double s = 0;
    for (size_t i = 0; i < n; i++) {
        double d = 1.0 / (1.0 + exp(-a[i]));
        s += -y * log(d) - (1 - y) * log1p(-d);
    }
    return s / (double)n;
}

static void assert_rel(double got, double want, double rtol, const char *what)
{
    ck_assert_msg(fabs(got - want) <= rtol * fabs(want), "%s: got %.17g, want %.17g", what, got,
                  want);
}

/* ------------------------------------------------------------------ core */

START_TEST(test_value)
{
    const double ys[] = {1.0, 0.0, 0.9};
    for (int k = 0; k < 3; k++) {
        double v = gl_loss_bce_logits(LOGITS, NL, ys[k], 1.0, NULL);
        assert_rel(v, bce_ref(LOGITS, NL, ys[k]), 1e-14, "bce value");
        ck_assert(v > 0.1);
    }
    double zero = 0;
    assert_rel(gl_loss_bce_logits(&zero, 1, 1.0, 1.0, NULL), log(2.0), 1e-15, "bce(0) = log 2");
    assert_rel(gl_loss_bce_logits(&zero, 1, 0.0, 1.0, NULL), log(2.0), 1e-15, "bce(0) = log 2");
}
END_TEST

/* da_i = scale (sigmoid(a_i) - y)/n, against the closed form to 1e-15 and
 * against central differences of the value: step 1e-5, truncation
 * ~h^2/6 |f'''| ~ 1e-11 and rounding ~eps |f|/h ~ 1e-11, so relative 1e-8 for
 * gradients of size 0.01..0.1 and absolute 1e-10 for the tiny one at a = 7.5. */
START_TEST(test_gradient)
{
    const double ys[] = {1.0, 0.0, 0.9}, scales[] = {1.0, -1.0, 2.5};
    for (int k = 0; k < 3; k++) {
        double da[NL], a[NL];
        double v = gl_loss_bce_logits(LOGITS, NL, ys[k], scales[k], da);
        assert_rel(v, gl_loss_bce_logits(LOGITS, NL, ys[k], 1.0, NULL), 0, "value with da");
        memcpy(a, LOGITS, sizeof a);
        double gmax = 0;
        for (size_t i = 0; i < NL; i++) {
            double want = scales[k] * (1.0 / (1.0 + exp(-a[i])) - ys[k]) / (double)NL;
            ck_assert_msg(fabs(da[i] - want) <= 1e-15 * fabs(want) + 1e-17,
                          "da[%zu] = %.17g, want %.17g", i, da[i], want);
            const double h = 1e-5;
            a[i] = LOGITS[i] + h;
            double fp = gl_loss_bce_logits(a, NL, ys[k], 1.0, NULL);
            a[i] = LOGITS[i] - h;
            double fm = gl_loss_bce_logits(a, NL, ys[k], 1.0, NULL);
            a[i] = LOGITS[i];
            double fd = scales[k] * (fp - fm) / (2 * h);
            ck_assert_msg(fabs(da[i] - fd) <= 1e-8 * fabs(da[i]) + 1e-10,
                          "da[%zu] = %.17g, finite difference %.17g", i, da[i], fd);
            gmax = fmax(gmax, fabs(da[i]));
        }
        ck_assert_msg(gmax > 0.01, "gradient ~0 (max %g)", gmax);
    }
}
END_TEST

/* ---------------------------------------------------------------- limits */

/* logits +-800: exp(800) overflows and sigmoid(-800) underflows, so
 * log(sigmoid(a)) would give -inf; softplus gives the exact 800 and 0. */
START_TEST(test_far_logits)
{
    const double big[] = {800.0, -800.0};
    const struct { double a, y, value, grad; } cases[] = {
        {800.0, 1.0, 0.0, 0.0},  {-800.0, 1.0, 800.0, -1.0},
        {800.0, 0.0, 800.0, 1.0}, {-800.0, 0.0, 0.0, 0.0},
    };
    for (int k = 0; k < 4; k++) {
        double da;
        double v = gl_loss_bce_logits(&cases[k].a, 1, cases[k].y, 1.0, &da);
        ck_assert_msg(isfinite(v) && v == cases[k].value, "bce(%g; y=%g) = %g", cases[k].a,
                      cases[k].y, v);
        ck_assert_msg(isfinite(da) && da == cases[k].grad, "dbce(%g; y=%g) = %g", cases[k].a,
                      cases[k].y, da);
    }
    double da[2];
    ck_assert(gl_loss_bce_logits(big, 2, 1.0, 1.0, da) == 400.0);
    ck_assert(da[0] == 0 && da[1] == -0.5);
    /* the small side is exact, not rounded to 0: -log sigmoid(40) = e^-40 */
    double a40 = 40.0;
    assert_rel(gl_loss_bce_logits(&a40, 1, 1.0, 1.0, NULL), exp(-40.0), 1e-15, "bce(40; y=1)");
    double am40 = -40.0;
    assert_rel(gl_loss_bce_logits(&am40, 1, 0.0, 1.0, NULL), exp(-40.0), 1e-15, "bce(-40; y=0)");
}
END_TEST

/* infinite logits on the right side cost 0 (no 0 * inf), on the wrong side inf */
START_TEST(test_infinite_logits)
{
    double pinf = INFINITY, minf = -INFINITY, da;
    ck_assert(gl_loss_bce_logits(&pinf, 1, 1.0, 1.0, &da) == 0 && da == 0);
    ck_assert(gl_loss_bce_logits(&minf, 1, 0.0, 1.0, &da) == 0 && da == 0);
    ck_assert(gl_loss_bce_logits(&minf, 1, 1.0, 1.0, &da) == INFINITY && da == -1);
    ck_assert(gl_loss_bce_logits(&pinf, 1, 0.0, 1.0, &da) == INFINITY && da == 1);
}
END_TEST

/* ---------------------------------------------------------------- errors */

/* an empty batch has no mean (NaN, as PyTorch), and writes nothing; a NaN
 * logit propagates to value and gradient, where the NaN guard sees it */
START_TEST(test_degenerate)
{
    double da = 42, a = 1.0;
    ck_assert(isnan(gl_loss_bce_logits(&a, 0, 1.0, 1.0, &da)));
    ck_assert(da == 42);
    double an = NAN;
    ck_assert(isnan(gl_loss_bce_logits(&an, 1, 1.0, 1.0, &da)));
    ck_assert(isnan(da));
}
END_TEST

/* gl_loss_mse_sigmoid: the mean of (sigmoid(a) - y)^2, its gradient against
 * central differences, and the vanishing of that gradient where D saturates
 * on the wrong side (BCE's stays near 1) */
START_TEST(test_mse_sigmoid)
{
    double da[NL], db[NL];
    for (int y = 0; y <= 1; y++) {
        double want = 0;
        for (size_t i = 0; i < NL; i++) {
            double d = 1.0 / (1.0 + exp(-LOGITS[i]));
            want += (d - y) * (d - y) / (double)NL;
        }
        assert_rel(gl_loss_mse_sigmoid(LOGITS, NL, y, 2.0, da), want, 1e-14, "mse value");
        for (size_t i = 0; i < NL; i++) {
            double a[NL], h = 1e-6;
            memcpy(a, LOGITS, sizeof a);
            a[i] += h;
            double lp = gl_loss_mse_sigmoid(a, NL, y, 1, NULL);
            a[i] -= 2 * h;
            double lm = gl_loss_mse_sigmoid(a, NL, y, 1, NULL);
            ck_assert_msg(fabs(da[i] - 2.0 * (lp - lm) / (2 * h)) <= 1e-8, "mse gradient %zu", i);
        }
    }
    double a8 = -8; /* D = 3.4e-4 on a real sample: the MSE gradient is ~ -2 D, BCE's ~ -1 */
    gl_loss_mse_sigmoid(&a8, 1, 1, 1, da);
    gl_loss_bce_logits(&a8, 1, 1, 1, db);
    ck_assert(da[0] < 0 && fabs(da[0]) < 1e-3 && db[0] < -0.99);
    ck_assert(isnan(gl_loss_mse_sigmoid(LOGITS, 0, 1, 1, NULL)));
}
END_TEST

Suite *loss_suite(void)
{
    Suite *s = suite_create("loss");
    TCase *core = tcase_create("core");
    tcase_add_test(core, test_value);
    tcase_add_test(core, test_gradient);
    tcase_add_test(core, test_mse_sigmoid);
    suite_add_tcase(s, core);
    TCase *limits = tcase_create("limits");
    tcase_add_test(limits, test_far_logits);
    tcase_add_test(limits, test_infinite_logits);
    suite_add_tcase(s, limits);
    TCase *errors = tcase_create("errors");
    tcase_add_test(errors, test_degenerate);
    suite_add_tcase(s, errors);
    return s;
}
