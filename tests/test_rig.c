/* test_rig.c — src/rig.c: a GAN built as one object is the GAN built by hand
 * (same weights from the same seed, same optimiser settings), and a failure
 * at any stage leaves nothing allocated (ASan checks the leaks). */
#include <check.h>
#include <string.h>

#include <gsl/gsl_rng.h>

#include "rig.h"

static const size_t GS[] = {1, 8, 8, 1}, DS[] = {1, 16, 1};

static gl_gan_cfg cfg_of(size_t batch)
{
    gl_gan_cfg c = {10, batch, 1, GL_LOSS_NS, GL_UPDATE_ALT, GL_NOISE_NORMAL, 1,
                    2e-3, 1e-3, 0, NULL, NULL, 0, 0};
    return c;
}

START_TEST(test_rig_matches_by_hand)
{
    gl_err e;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gl_gan_cfg c = cfg_of(32);
    gl_rig_arch a = {3, GS, GL_ACT_TANH, 2, DS, GL_ACT_LEAKY, 0.2, GL_OPT_SGD, GL_OPT_ADAM, 0.5, 100};
    gl_rig g;
    gsl_rng_set(r, 7);
    ck_assert_msg(gl_rig_alloc(&g, &a, &c, r, &e) == GL_OK, "%s", e.msg);
    /* by hand: G then D from the same stream */
    gl_mlp *G, *D;
    gsl_rng_set(r, 7);
    ck_assert(gl_mlp_alloc(&G, 3, GS, GL_ACT_TANH, 0.2, 32, &e) == GL_OK);
    ck_assert(gl_mlp_alloc(&D, 2, DS, GL_ACT_LEAKY, 0.2, 64, &e) == GL_OK);
    gl_mlp_init(G, r);
    gl_mlp_init(D, r);
    ck_assert(memcmp(G->params, g.G->params, G->nparams * sizeof(double)) == 0);
    ck_assert(memcmp(D->params, g.D->params, D->nparams * sizeof(double)) == 0);
    ck_assert_uint_eq(g.G->maxbatch, 32);
    ck_assert_uint_eq(g.D->maxbatch, 100); /* dmaxbatch above 2*batch */
    ck_assert(g.og->kind == GL_OPT_SGD && g.od->kind == GL_OPT_ADAM);
    ck_assert(g.og->lr == 1e-3 && g.od->lr == 2e-3 && g.od->beta1 == 0.5); /* lr_g, lr_d */
    ck_assert(g.D->leak == 0.2 && g.G->leak == 0); /* leak only where leaky */
    gl_mlp_free(G);
    gl_mlp_free(D);
    gl_rig_free(&g);
    ck_assert_ptr_null(g.G);
    gl_rig_free(&g); /* twice: a no-op */
    gsl_rng_free(r);
}
END_TEST

/* a failure at each stage: bad G, bad D, a workspace check (batch too big
 * for nothing: batch 0), a D with two outputs */
START_TEST(test_rig_failures_clean)
{
    gl_err e;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    const size_t bad0[] = {1, 0, 1}, d2[] = {1, 4, 2};
    struct {
        gl_rig_arch a;
        size_t batch;
        const char *msg;
    } cases[] = {
        {{2, bad0, GL_ACT_TANH, 2, DS, GL_ACT_LEAKY, 0.2, GL_OPT_ADAM, GL_OPT_ADAM, 0.5, 0}, 8, "size"},
        {{3, GS, GL_ACT_TANH, 2, bad0, GL_ACT_LEAKY, 0.2, GL_OPT_ADAM, GL_OPT_ADAM, 0.5, 0}, 8, "size"},
        {{3, GS, GL_ACT_TANH, 2, d2, GL_ACT_LEAKY, 0.2, GL_OPT_ADAM, GL_OPT_ADAM, 0.5, 0}, 8, "discriminator"},
        {{3, GS, GL_ACT_TANH, 2, DS, GL_ACT_LEAKY, 1.5, GL_OPT_ADAM, GL_OPT_ADAM, 0.5, 0}, 8, "leak"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        gl_rig g;
        gl_gan_cfg c = cfg_of(cases[i].batch);
        memset(&g, 0xff, sizeof g);
        ck_assert_int_eq(gl_rig_alloc(&g, &cases[i].a, &c, r, &e), GL_EINVAL);
        ck_assert_msg(strstr(e.msg, cases[i].msg) != NULL, "case %zu: %s", i, e.msg);
        ck_assert(!g.G && !g.D && !g.og && !g.od && !g.w);
    }
    gl_rig_arch a = {3, GS, GL_ACT_TANH, 2, DS, GL_ACT_LEAKY, 0.2, GL_OPT_ADAM, GL_OPT_ADAM, 0.5, 0};
    gl_gan_cfg c = cfg_of(8);
    ck_assert_int_eq(gl_rig_alloc(NULL, &a, &c, r, &e), GL_EINVAL);
    gl_rig g;
    ck_assert_int_eq(gl_rig_alloc(&g, &a, &c, NULL, &e), GL_EINVAL);
    gsl_rng_free(r);
}
END_TEST

Suite *rig_suite(void)
{
    Suite *s = suite_create("rig");
    TCase *t = tcase_create("core");
    tcase_add_test(t, test_rig_matches_by_hand);
    tcase_add_test(t, test_rig_failures_clean);
    suite_add_tcase(s, t);
    return s;
}
