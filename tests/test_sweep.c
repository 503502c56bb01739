/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test_sweep.c — src/sweep.c: every (configuration, seed) runs once, results
 * are read by name, statistics are the documented ones, the results do not
 * depend on the thread count, and failures name the run. */
#include <check.h>
#include <math.h>
#include <string.h>

#include <gsl/gsl_rng.h>

#include "mix.h"
#include "rig.h"
#include "sweep.h"
#include "testutil.h"

static const char *const NAMES[] = {"a/x", "b/x", "a/y"};

/* value = 100 config + seed; "arr" = {seed, 2 seed, 3 seed}; "half": NaN on seed 2 */
static int fake_run(gl_run *r, const void *ctx, gl_err *err)
{
    (void)ctx;
    double v = 100.0 * (double)gl_run_config(r) + (double)gl_run_seed(r);
    double *a = gl_run_array(r, "arr", 3, err);
    if (!a || gl_run_put(r, "v", v, err) ||
        gl_run_put(r, "half", gl_run_seed(r) == 2 ? NAN : v, err))
        return GL_EINVAL;
    for (int i = 0; i < 3; i++)
        a[i] = (double)(i + 1) * (double)gl_run_seed(r);
    return GL_OK;
}

static gl_sweep *sweep_of(gl_run_fn fn, size_t threads, size_t nseeds)
{
    gl_sweep_cfg c = gl_sweep_cfg_default();
    c.nconfigs = 3;
    c.names = NAMES;
    c.seed0 = 1;
    c.nseeds = nseeds;
    c.threads = threads;
    c.run = fn;
    gl_sweep *s;
    gl_err e;
    ck_assert_msg(gl_sweep_run(&s, &c, &e) == GL_OK, "%s", e.msg);
    return s;
}

START_TEST(test_values_and_stats)
{
    gl_sweep *s = sweep_of(fake_run, 2, 4);
    ck_assert_uint_eq(gl_sweep_nseeds(s), 4);
    ck_assert(gl_sweep_value(s, "b/x", 2, "v") == 103); /* config 1, seed 3 */
    size_t n;
    const double *a = gl_sweep_array(s, "a/y", 3, "arr", &n);
    ck_assert(a && n == 3 && a[2] == 12);
    /* a/x: 1 2 3 4 */
    ck_assert(gl_sweep_get(s, "a/x", "v_mean") == 2.5);
    ck_assert(gl_sweep_get(s, "a/x", "v_median") == 2.5);
    ck_assert(gl_sweep_get(s, "a/x", "v_min") == 1 && gl_sweep_get(s, "a/x", "v_max") == 4);
    ASSERT_REL(gl_sweep_get(s, "a/x", "v_sd"), sqrt(5.0 / 3.0), 1e-15);
    ck_assert(gl_sweep_get(s, "a/x", "v_n") == 4);
    ck_assert(gl_sweep_get(s, "a/x", "v_sum") == 10);
    /* a pattern pools: a/x and a/y = 1..4 and 201..204 */
    ck_assert(gl_sweep_get(s, "a/*", "v_n") == 8);
    ck_assert(gl_sweep_get(s, "a/*", "v_median") == 0.5 * (4 + 201));
    ck_assert(gl_sweep_get(s, "*/x", "v_max") == 104);
    ck_assert(gl_sweep_get(s, "a/x,a/y", "v_n") == 8); /* a list */
    ck_assert(gl_sweep_get(s, "b/x,zz", "v_n") == 4);
    /* NaN: strict statistics fail, the finite ones skip it */
    ck_assert(isnan(gl_sweep_get(s, "a/x", "half_mean")));
    ck_assert(isnan(gl_sweep_get(s, "a/x", "half_max")));
    ck_assert(gl_sweep_get(s, "a/x", "half_fmean") == (1 + 3 + 4) / 3.0);
    ck_assert(gl_sweep_get(s, "a/x", "half_fmedian") == 3);
    ck_assert(gl_sweep_get(s, "a/x", "half_nfinite") == 3);
    /* unknown names are NaN, never a silent 0 */
    ck_assert(isnan(gl_sweep_get(s, "c/x", "v_mean")));
    ck_assert(isnan(gl_sweep_get(s, "a/x", "w_mean")));
    ck_assert(isnan(gl_sweep_get(s, "a/x", "v_average")));
    ck_assert(isnan(gl_sweep_get(s, "a/x", "v")));
    ck_assert(isnan(gl_sweep_value(s, "a/x", 4, "v")));
    ck_assert(isnan(gl_sweep_value(s, "a/x", 0, "nope")));
    ck_assert_ptr_null(gl_sweep_array(s, "zz", 0, "arr", &n));
    ck_assert_uint_eq(n, 0);
    /* a seed stride: seeds 5, 105, 205 */
    gl_sweep_cfg c = gl_sweep_cfg_default();
    c.nconfigs = 1;
    c.names = NAMES;
    c.seed0 = 5;
    c.stride = 100;
    c.nseeds = 3;
    c.run = fake_run;
    gl_sweep *t;
    ck_assert_int_eq(gl_sweep_run(&t, &c, NULL), GL_OK);
    ck_assert(gl_sweep_value(t, "a/x", 2, "v") == 205);
    gl_sweep_free(t);
    /* element-wise over seeds: median of {s, 2s, 3s}[i] over s = 1..4 */
    double cur[3];
    gl_err e;
    ck_assert_int_eq(gl_sweep_curve(s, "b/x", "arr_median", cur, 3, &e), GL_OK);
    ck_assert(cur[0] == 2.5 && cur[1] == 5 && cur[2] == 7.5);
    ck_assert_int_eq(gl_sweep_curve(s, "b/x", "arr", cur, 3, &e), GL_EINVAL);
    gl_sweep_free(s);
}
END_TEST

/* a real workload: a short GAN per run; its G after training, its loss */
static int gan_run(gl_run *r, const void *ctx, gl_err *err)
{
    const gl_mix *P = ctx;
    gsl_rng *g = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(g, gl_run_seed(r) * 7 + gl_run_config(r));
    gl_gan_cfg c = gl_gan_cfg_default();
    c.steps = 200;
    c.batch = 32;
    c.k = 1 + gl_run_config(r);
    gl_rig_arch a = gl_rig_arch_default();
    gl_rig rg;
    int s = gl_rig_alloc(&rg, &a, &c, 1, g, err);
    if (!s)
        s = gl_gan_train(rg.w, P, g, err);
    double *p = s ? NULL : gl_run_array(r, "G", rg.G->nparams, err);
    if (p) {
        memcpy(p, rg.G->params, rg.G->nparams * sizeof *p);
        s = gl_run_put(r, "loss_d", gl_gan_last(rg.w)->loss_d, err);
    } else if (!s) {
        s = GL_ENOMEM;
    }
    gl_rig_free(&rg);
    gsl_rng_free(g);
    return s;
}

/* 1, 2 and 3 threads: bit-identical results for every run */
START_TEST(test_thread_count_invariant)
{
    gl_mix *P;
    gl_err e;
    ck_assert_int_eq(gl_mix_parse("0.5*N(-2,0.5)+0.5*N(2,0.5)", &P, &e), GL_OK);
    gl_sweep *s[3];
    for (int t = 0; t < 3; t++) {
        gl_sweep_cfg c = gl_sweep_cfg_default();
        c.nconfigs = 3;
        c.names = NAMES;
        c.seed0 = 5;
        c.nseeds = 3;
        c.threads = (size_t)t + 1;
        c.run = gan_run;
        c.ctx = P;
        ck_assert_msg(gl_sweep_run(&s[t], &c, &e) == GL_OK, "%s", e.msg);
    }
    for (size_t k = 0; k < 3; k++)
        for (size_t q = 0; q < 3; q++) {
            size_t n0, n;
            const double *g0 = gl_sweep_array(s[0], NAMES[k], q, "G", &n0);
            ck_assert(g0 && n0 > 100);
            ck_assert(isfinite(gl_sweep_value(s[0], NAMES[k], q, "loss_d")));
            for (int t = 1; t < 3; t++) {
                const double *g = gl_sweep_array(s[t], NAMES[k], q, "G", &n);
                ck_assert_uint_eq(n, n0);
                ck_assert_msg(memcmp(g, g0, n * sizeof *g) == 0, "%s seed %zu: %d threads differ",
                              NAMES[k], q, t + 1);
            }
        }
    /* and the runs differ from each other (the test is not vacuous) */
    size_t n;
    const double *ga = gl_sweep_array(s[0], "a/x", 0, "G", &n), *gb = gl_sweep_array(s[0], "a/x", 1, "G", &n);
    ck_assert(memcmp(ga, gb, n * sizeof *ga) != 0);
    for (int t = 0; t < 3; t++)
        gl_sweep_free(s[t]);
    gl_mix_free(P);
}
END_TEST

/* fails on b/x seed 2 and a/y seed 1: the first in table order is reported */
static int failing_run(gl_run *r, const void *ctx, gl_err *err)
{
    (void)ctx;
    if ((gl_run_config(r) == 1 && gl_run_seed(r) == 2) || (gl_run_config(r) == 2 && gl_run_seed(r) == 1))
        return gl_err_set(err, GL_EDIVERGE, "boom %zu", gl_run_config(r));
    return gl_run_put(r, "v", 1, err);
}

static int bad_key_run(gl_run *r, const void *ctx, gl_err *err)
{
    (void)ctx;
    return gl_run_put(r, "a_key_that_is_far_too_long_to_keep", 1, err);
}

START_TEST(test_errors)
{
    for (size_t threads = 1; threads <= 3; threads++) {
        gl_sweep_cfg c = gl_sweep_cfg_default();
        c.nconfigs = 3;
        c.names = NAMES;
        c.nseeds = 3;
        c.threads = threads;
        c.run = failing_run;
        gl_sweep *s = (gl_sweep *)&c; /* set to NULL on failure */
        gl_err e;
        ck_assert_int_eq(gl_sweep_run(&s, &c, &e), GL_EDIVERGE);
        ck_assert_ptr_null(s);
        ck_assert_msg(strstr(e.msg, "b/x, seed 2") && strstr(e.msg, "boom 1"), "%s", e.msg);
    }
    gl_sweep_cfg c = gl_sweep_cfg_default();
    gl_sweep *s;
    gl_err e;
    ck_assert_int_eq(gl_sweep_run(&s, &c, &e), GL_EINVAL); /* no run, no names */
    c.nconfigs = 2;
    c.names = (const char *const[]){"same", "same"};
    c.run = fake_run;
    ck_assert_int_eq(gl_sweep_run(&s, &c, &e), GL_EINVAL);
    ck_assert_msg(strstr(e.msg, "same") != NULL, "%s", e.msg);
    c.names = NAMES;
    c.threads = 65;
    ck_assert_int_eq(gl_sweep_run(&s, &c, &e), GL_EINVAL);
    c.threads = 1;
    c.nseeds = 0;
    ck_assert_int_eq(gl_sweep_run(&s, &c, &e), GL_EINVAL);
    c.nseeds = 1;
    c.run = bad_key_run;
    ck_assert_int_eq(gl_sweep_run(&s, &c, &e), GL_EINVAL);
    ck_assert_msg(strstr(e.msg, "a_key_that") != NULL, "%s", e.msg);
}
END_TEST

Suite *sweep_suite(void)
{
    Suite *s = suite_create("sweep");
    TCase *c = tcase_create("core");
    tcase_set_timeout(c, 60);
    tcase_add_test(c, test_values_and_stats);
    tcase_add_test(c, test_thread_count_invariant);
    suite_add_tcase(s, c);
    TCase *e = tcase_create("errors");
    tcase_add_test(e, test_errors);
    suite_add_tcase(s, e);
    return s;
}
