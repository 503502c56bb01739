/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test_rig.c — src/rig.c: a GAN built as one object is the GAN built by hand
 * (same weights from the same seed, same optimiser settings), the defaults
 * are the documented ones, and a failure at any stage leaves nothing
 * allocated (ASan checks the leaks). */
#include <check.h>
#include <math.h>
#include <string.h>

#include <gsl/gsl_rng.h>

#include "rig.h"

static const size_t GS[] = {1, 8, 8, 1}, DS[] = {1, 16, 1};

static gl_gan_cfg cfg_of(size_t batch)
{
    gl_gan_cfg c = gl_gan_cfg_default();
    c.steps = 10;
    c.batch = batch;
    c.lr_d = 2e-3;
    c.lr_g = 1e-3;
    return c;
}

/* G 1-8-8-1 tanh, D 1-16-1 leaky, SGD on G, Adam on D */
static gl_rig_arch arch_small(void)
{
    gl_rig_arch a = gl_rig_arch_default();
    a.g.n = 2;
    a.g.v[0] = a.g.v[1] = 8;
    a.d.n = 1;
    a.d.v[0] = 16;
    a.gopt = GL_OPT_SGD;
    a.dmaxbatch = 100;
    return a;
}

START_TEST(test_rig_matches_by_hand)
{
    gl_err e;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gl_gan_cfg c = cfg_of(32);
    gl_rig_arch a = arch_small();
    gl_rig g;
    gsl_rng_set(r, 7);
    ck_assert_msg(gl_rig_alloc(&g, &a, &c, 1, r, &e) == GL_OK, "%s", e.msg);
    /* by hand: G then D from the same stream */
    gl_mlp *G, *D;
    gsl_rng_set(r, 7);
    ck_assert(gl_mlp_alloc(&G, 3, GS, GL_ACT_TANH, 0.2, 32, &e) == GL_OK);
    ck_assert(gl_mlp_alloc(&D, 2, DS, GL_ACT_LEAKY, 0.2, 64, &e) == GL_OK);
    gl_mlp_init(G, r);
    gl_mlp_init(D, r);
    ck_assert_uint_eq(g.G->nparams, G->nparams);
    ck_assert_uint_eq(g.D->nparams, D->nparams);
    ck_assert(memcmp(G->params, g.G->params, G->nparams * sizeof(double)) == 0);
    ck_assert(memcmp(D->params, g.D->params, D->nparams * sizeof(double)) == 0);
    ck_assert_uint_eq(g.G->maxbatch, 32);
    ck_assert_uint_eq(g.D->maxbatch, 100); /* dmaxbatch above 2*batch */
    ck_assert(g.og->kind == GL_OPT_SGD && g.od->kind == GL_OPT_ADAM);
    ck_assert(g.og->lr == 1e-3 && g.od->lr == 2e-3 && g.od->beta1 == 0.5); /* lr_g, lr_d */
    ck_assert(g.od->beta2 == 0.999);
    gl_mlp_free(G);
    gl_mlp_free(D);
    gl_rig_free(&g);
    ck_assert_ptr_null(g.G);
    gl_rig_free(&g); /* twice: a no-op */
    gsl_rng_free(r);
}
END_TEST

/* the documented defaults; packing widens D's input, zdim G's */
START_TEST(test_rig_defaults_and_shapes)
{
    gl_rig_arch a = gl_rig_arch_default();
    ck_assert_uint_eq(a.g.n, 2);
    ck_assert(a.g.v[0] == 16 && a.g.v[1] == 16 && a.d.n == 2 && a.d.v[0] == 32 && a.d.v[1] == 32);
    ck_assert(a.gact == GL_ACT_TANH && a.dact == GL_ACT_LEAKY && a.leak == 0.2);
    ck_assert(a.gopt == GL_OPT_ADAM && a.dopt == GL_OPT_ADAM && a.beta1 == 0.5 && a.beta2 == 0.999);
    gl_gan_cfg c = gl_gan_cfg_default();
    ck_assert(c.steps == 5000 && c.batch == 128 && c.k == 1 && c.loss == GL_LOSS_NS);
    ck_assert(c.update == GL_UPDATE_ALT && c.noise == GL_NOISE_NORMAL && c.zdim == 1);
    ck_assert(c.lr_d == 1e-3 && c.lr_g == 1e-3 && c.sched.kind == GL_SCHED_CONST);
    ck_assert(c.r1 == 0 && c.pack == 0 && c.log_every == 0 && !c.hook);

    gl_err e;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    c.batch = 12;
    c.pack = 3;
    c.zdim = 4;
    gl_rig g;
    ck_assert_msg(gl_rig_alloc(&g, &a, &c, 2, r, &e) == GL_OK, "%s", e.msg);
    ck_assert_uint_eq(g.G->sizes[0], 4);
    ck_assert_uint_eq(g.G->sizes[g.G->nlayers], 2);
    ck_assert_uint_eq(g.D->sizes[0], 6); /* pack 3 x data dim 2 */
    ck_assert_uint_eq(g.D->sizes[g.D->nlayers], 1);
    gl_rig_free(&g);
    gsl_rng_free(r);
}
END_TEST

/* gspread: every first-layer unit of G gets the bias -w c with its centre c
 * uniform on [-s, s]: the centres lie in it and spread over it */
START_TEST(test_rig_gspread)
{
    gl_err e;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 3);
    gl_rig_arch a = gl_rig_arch_default();
    a.gspread = 2;
    gl_gan_cfg c = cfg_of(32);
    gl_rig g;
    ck_assert_msg(gl_rig_alloc(&g, &a, &c, 1, r, &e) == GL_OK, "%s", e.msg);
    const double *W = g.G->params + g.G->woff[0], *b = g.G->params + g.G->boff[0];
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < g.G->sizes[1]; i++) {
        double centre = -b[i] / W[i];
        ck_assert_msg(fabs(centre) <= 2 + 1e-12, "unit %zu: centre %g", i, centre);
        lo = fmin(lo, centre);
        hi = fmax(hi, centre);
    }
    ck_assert_msg(lo < -1 && hi > 1, "centres only in [%g, %g]", lo, hi);
    gl_rig_free(&g);
    a.gspread = -1;
    ck_assert_int_eq(gl_rig_alloc(&g, &a, &c, 1, r, &e), GL_EINVAL);
    gsl_rng_free(r);
}
END_TEST

/* a failure at each stage: bad G, bad D, a bad leak, a workspace check
 * (batch not a multiple of pack) */
START_TEST(test_rig_failures_clean)
{
    gl_err e;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    for (int i = 0; i < 4; i++) {
        gl_rig_arch a = arch_small();
        gl_gan_cfg c = cfg_of(8);
        const char *msg = "size";
        if (i == 0)
            a.g.v[1] = 0;
        else if (i == 1)
            a.d.v[0] = 0;
        else if (i == 2)
            a.leak = 1.5, msg = "leak";
        else
            c.pack = 3, msg = "multiple";
        gl_rig g;
        memset(&g, 0xff, sizeof g);
        ck_assert_int_eq(gl_rig_alloc(&g, &a, &c, 1, r, &e), GL_EINVAL);
        ck_assert_msg(strstr(e.msg, msg) != NULL, "case %d: %s", i, e.msg);
        ck_assert(!g.G && !g.D && !g.og && !g.od && !g.w);
    }
    gl_rig_arch a = arch_small();
    gl_gan_cfg c = cfg_of(8);
    ck_assert_int_eq(gl_rig_alloc(NULL, &a, &c, 1, r, &e), GL_EINVAL);
    gl_rig g;
    ck_assert_int_eq(gl_rig_alloc(&g, &a, &c, 1, NULL, &e), GL_EINVAL);
    gsl_rng_free(r);
}
END_TEST

Suite *rig_suite(void)
{
    Suite *s = suite_create("rig");
    TCase *t = tcase_create("core");
    tcase_add_test(t, test_rig_matches_by_hand);
    tcase_add_test(t, test_rig_defaults_and_shapes);
    tcase_add_test(t, test_rig_gspread);
    tcase_add_test(t, test_rig_failures_clean);
    suite_add_tcase(s, t);
    return s;
}
