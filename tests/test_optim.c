/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test_optim.c — src/optim.c: single steps against PyTorch's formulas written
 * out by hand, convergence on a quadratic, state handling, error paths. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "optim.h"

static gl_optim *make_opt(gl_opt_kind kind, size_t n, double lr)
{
    gl_optim *opt = NULL;
    gl_err err;
    int st = gl_optim_alloc(&opt, kind, n, lr, &err);
    ck_assert_msg(st == GL_OK, "gl_optim_alloc: %s", err.msg);
    return opt;
}

static void assert_close(double got, double want, double rtol, const char *what)
{
    ck_assert_msg(fabs(got - want) <= rtol * fabs(want), "%s: got %.17g, want %.17g (rel %g)",
                  what, got, want, fabs(got - want) / fabs(want));
}

/* ------------------------------------------------------------------ core */

/* torch.optim.Adam, two steps by hand:
 *   m = b1 m + (1-b1) g,  v = b2 v + (1-b2) g g
 *   p = p - (lr/(1-b1^t)) m / (sqrt(v)/sqrt(1-b2^t) + eps) */
START_TEST(test_adam_steps)
{
    gl_optim *opt = make_opt(GL_OPT_ADAM, 2, 1e-3);
    ck_assert(opt->beta1 == 0.9 && opt->beta2 == 0.999 && opt->eps == 1e-8 && opt->t == 0);
    double p[2] = {1.5, -0.25}, g1[2] = {0.3, -2.0}, g2[2] = {-0.7, 1e-3};
    double b1 = 0.9, b2 = 0.999, eps = 1e-8, lr = 1e-3;
    double want[2], m[2], v[2];
    for (int i = 0; i < 2; i++) {
        m[i] = (1 - b1) * g1[i];
        v[i] = (1 - b2) * g1[i] * g1[i];
        want[i] = p[i] - (lr / (1 - b1)) * m[i] / (sqrt(v[i]) / sqrt(1 - b2) + eps);
    }
    gl_optim_step(opt, p, g1);
    ck_assert(opt->t == 1);
    for (int i = 0; i < 2; i++) {
        assert_close(p[i], want[i], 1e-15, "adam step 1");
        /* first step: bias correction undoes the averages, p - lr g/(|g| + eps) */
        double p0 = i == 0 ? 1.5 : -0.25;
        assert_close(p[i], p0 - lr * g1[i] / (fabs(g1[i]) + eps), 1e-15, "adam step 1, closed form");
        ck_assert(fabs(p[i] - p0) > 0.99 * lr); /* it moved by ~lr */
    }
    for (int i = 0; i < 2; i++) {
        m[i] = b1 * m[i] + (1 - b1) * g2[i];
        v[i] = b2 * v[i] + (1 - b2) * g2[i] * g2[i];
        want[i] = p[i] - (lr / (1 - b1 * b1)) * m[i] / (sqrt(v[i]) / sqrt(1 - b2 * b2) + eps);
    }
    gl_optim_step(opt, p, g2);
    for (int i = 0; i < 2; i++) {
        assert_close(p[i], want[i], 1e-15, "adam step 2");
        assert_close(opt->m[i], m[i], 1e-15, "adam m");
        assert_close(opt->v[i], v[i], 1e-15, "adam v");
    }
    gl_optim_free(opt);
}
END_TEST

/* torch.optim.SGD(momentum=mu): buf = mu buf + g (buf = g at the first step),
 * p -= lr buf; without momentum p -= lr g. */
START_TEST(test_sgd_momentum_steps)
{
    gl_optim *sgd = make_opt(GL_OPT_SGD, 1, 0.1);
    double p = 2.0, g1 = 0.5, g2 = -1.25;
    gl_optim_step(sgd, &p, &g1);
    assert_close(p, 2.0 - 0.1 * 0.5, 1e-15, "sgd step");
    gl_optim_free(sgd);

    gl_optim *mom = make_opt(GL_OPT_MOMENTUM, 1, 0.1);
    ck_assert(mom->beta1 == 0.9);
    mom->beta1 = 0.8;
    p = 2.0;
    gl_optim_step(mom, &p, &g1);
    assert_close(p, 2.0 - 0.1 * 0.5, 1e-15, "momentum step 1");
    double buf = 0.8 * 0.5 + g2;
    gl_optim_step(mom, &p, &g2);
    assert_close(p, 2.0 - 0.1 * 0.5 - 0.1 * buf, 1e-15, "momentum step 2");
    assert_close(mom->m[0], buf, 1e-15, "momentum buffer");
    gl_optim_free(mom);
}
END_TEST

/* f(p) = sum a_i (p_i - c_i)^2 from p = 0, curvatures 2a_i from 0.5 to 6 (the
 * condition number 12 sets the step counts), until max |p - c| < 1e-6. */
static const double QA[5] = {1, 3, 0.5, 2, 0.25}, QC[5] = {1, -2, 0.5, 3, -1};

static double quad_f(const double *p)
{
    double f = 0;
    for (int i = 0; i < 5; i++)
        f += QA[i] * (p[i] - QC[i]) * (p[i] - QC[i]);
    return f;
}

static double quad_dist(const double *p)
{
    double d = 0;
    for (int i = 0; i < 5; i++)
        d = fmax(d, fabs(p[i] - QC[i]));
    return d;
}

static void check_quadratic(gl_optim *opt, int maxsteps, const char *name)
{
    double p[5] = {0, 0, 0, 0, 0}, g[5];
    double f0 = quad_f(p);
    int steps = 0;
    while (steps < maxsteps && quad_dist(p) >= 1e-6) {
        for (int i = 0; i < 5; i++)
            g[i] = 2 * QA[i] * (p[i] - QC[i]);
        gl_optim_step(opt, p, g);
        steps++;
    }
    ck_assert_msg(quad_dist(p) < 1e-6, "%s: |p - c| = %g after %d steps", name, quad_dist(p),
                  steps);
    ck_assert_msg(quad_f(p) < 1e-10 * f0, "%s: f fell only from %g to %g", name, f0, quad_f(p));
    ck_assert_msg(steps > 10, "%s: %d steps is too few to be a real test", name, steps);
}

START_TEST(test_quadratic)
{
    gl_optim *o = make_opt(GL_OPT_SGD, 5, 0.1);
    check_quadratic(o, 300, "sgd lr 0.1"); /* needs 270: rate 1 - 2 lr min a = 0.9 */
    gl_optim_free(o);
    o = make_opt(GL_OPT_MOMENTUM, 5, 0.05);
    check_quadratic(o, 300, "momentum lr 0.05 mu 0.9"); /* 262: rate sqrt(mu) */
    gl_optim_free(o);
    o = make_opt(GL_OPT_ADAM, 5, 0.1);
    check_quadratic(o, 300, "adam lr 0.1"); /* 279 */
    gl_optim_free(o);
    o = make_opt(GL_OPT_ADAM, 5, 0.1);
    o->beta1 = 0.5; /* the GAN setting */
    check_quadratic(o, 200, "adam lr 0.1 beta1 0.5"); /* 154 */
    gl_optim_free(o);
}
END_TEST

/* reset returns to the state after alloc: the same steps replay bit for bit */
START_TEST(test_reset)
{
    gl_optim *o = make_opt(GL_OPT_ADAM, 3, 0.01);
    double p1[3] = {1, 2, 3}, p2[3] = {1, 2, 3}, g[3] = {0.1, -0.2, 0.3};
    for (int k = 0; k < 5; k++)
        gl_optim_step(o, p1, g);
    gl_optim_reset(o);
    ck_assert(o->t == 0);
    for (int i = 0; i < 3; i++)
        ck_assert(o->m[i] == 0 && o->v[i] == 0);
    double q[3] = {1, 2, 3};
    for (int k = 0; k < 5; k++)
        gl_optim_step(o, q, g);
    ck_assert(memcmp(p1, q, sizeof q) == 0);
    ck_assert(memcmp(p1, p2, sizeof p1) != 0);
    gl_optim_free(o);
}
END_TEST

/* ---------------------------------------------------------------- limits */

/* A zero gradient from a zero state moves nothing (0/(0 + eps), no NaN); the
 * same gradient gives every coordinate the same step. */
START_TEST(test_adam_limits)
{
    gl_optim *o = make_opt(GL_OPT_ADAM, 11, 1e-2);
    double p[11], g[11];
    for (int i = 0; i < 11; i++) {
        p[i] = 0.75;
        g[i] = 0;
    }
    gl_optim_step(o, p, g);
    for (int i = 0; i < 11; i++)
        ck_assert_msg(p[i] == 0.75, "zero gradient moved p[%d] to %.17g", i, p[i]);
    for (int i = 0; i < 11; i++)
        g[i] = 0.5;
    gl_optim_step(o, p, g);
    ck_assert(p[0] < 0.75 - 0.5e-2);
    for (int i = 0; i < 11; i++)
        ck_assert_msg(p[i] == p[0], "p[%d] = %.17g, p[0] = %.17g", i, p[i], p[0]);
    gl_optim_free(o);
}
END_TEST

START_TEST(test_parse)
{
    const char *names[] = {"sgd", "momentum", "adam"};
    for (int k = 0; k < 3; k++) {
        gl_opt_kind kind = (gl_opt_kind)99;
        ck_assert_int_eq(gl_optim_parse(names[k], &kind, NULL), GL_OK);
        ck_assert_int_eq(kind, k);
    }
    gl_optim *o = make_opt(GL_OPT_SGD, 1, 1.0);
    ck_assert(o->m == NULL && o->v == NULL);
    gl_optim_free(o);
    gl_optim_free(NULL);
}
END_TEST

/* ---------------------------------------------------------------- errors */

static void expect_alloc_error(gl_opt_kind kind, size_t n, double lr, const char *needle)
{
    static gl_optim dummy;
    gl_optim *o = &dummy;
    gl_err err;
    gl_err_clear(&err);
    ck_assert_int_eq(gl_optim_alloc(&o, kind, n, lr, &err), GL_EINVAL);
    ck_assert_int_eq(err.status, GL_EINVAL);
    ck_assert(o == NULL);
    ck_assert_msg(strstr(err.msg, needle) != NULL, "message '%s' lacks '%s'", err.msg, needle);
    ck_assert_int_eq(gl_optim_alloc(&o, kind, n, lr, NULL), GL_EINVAL);
}

START_TEST(test_alloc_errors)
{
    expect_alloc_error(GL_OPT_ADAM, 4, 0.0, "lr = 0 must be finite and > 0");
    expect_alloc_error(GL_OPT_ADAM, 4, -1e-3, "lr = -0.001");
    expect_alloc_error(GL_OPT_SGD, 4, NAN, "lr = nan");
    expect_alloc_error(GL_OPT_MOMENTUM, 4, INFINITY, "lr = inf");
    expect_alloc_error(GL_OPT_ADAM, 0, 1e-3, "n = 0");
    expect_alloc_error((gl_opt_kind)5, 4, 1e-3, "optimiser code 5");
    expect_alloc_error(GL_OPT_ADAM, (size_t)-1 / 4, 1e-3, "too large");
    gl_err err;
    ck_assert_int_eq(gl_optim_alloc(NULL, GL_OPT_SGD, 1, 1.0, &err), GL_EINVAL);
    ck_assert(strstr(err.msg, "out is NULL") != NULL);
}
END_TEST

START_TEST(test_parse_errors)
{
    const char *bad[] = {"adamw", "Adam", "", "sgd "};
    for (int i = 0; i < 4; i++) {
        gl_opt_kind kind = GL_OPT_MOMENTUM;
        gl_err err;
        ck_assert_int_eq(gl_optim_parse(bad[i], &kind, &err), GL_EINVAL);
        ck_assert(kind == GL_OPT_MOMENTUM);
        char quoted[32];
        snprintf(quoted, sizeof quoted, "'%s'", bad[i]);
        ck_assert_msg(strstr(err.msg, quoted) != NULL, "message '%s' lacks %s", err.msg, quoted);
        ck_assert_msg(strstr(err.msg, "sgd, momentum, adam") != NULL,
                      "message '%s' lacks the valid names", err.msg);
    }
    gl_err err;
    ck_assert_int_eq(gl_optim_parse(NULL, NULL, &err), GL_EINVAL);
    ck_assert(strstr(err.msg, "NULL") != NULL);
}
END_TEST

Suite *optim_suite(void)
{
    Suite *s = suite_create("optim");
    TCase *core = tcase_create("core");
    tcase_add_test(core, test_adam_steps);
    tcase_add_test(core, test_sgd_momentum_steps);
    tcase_add_test(core, test_quadratic);
    tcase_add_test(core, test_reset);
    suite_add_tcase(s, core);
    TCase *limits = tcase_create("limits");
    tcase_add_test(limits, test_adam_limits);
    tcase_add_test(limits, test_parse);
    suite_add_tcase(s, limits);
    TCase *errors = tcase_create("errors");
    tcase_add_test(errors, test_alloc_errors);
    tcase_add_test(errors, test_parse_errors);
    suite_add_tcase(s, errors);
    return s;
}
