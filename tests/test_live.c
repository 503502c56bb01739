/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test_live.c — the live view's frames (src/live.c): what a frame says is
 * checked against the library's own quantities computed independently
 * (densities, G and D evaluated here, finite differences of D), the
 * datablocks' shapes, the curves' decimation, that watching changes no
 * training, and the errors. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_rng.h>

#include "live.h"
#include "metrics.h"
#include "mix.h"
#include "modes.h"
#include "num.h"
#include "rig.h"
#include "testutil.h"

typedef struct {
    gl_mix *P;
    gl_rig g;
    gl_gan_cfg c;
    gsl_rng *r;
} fixture;

static void fx_init(fixture *f, const char *spec, gl_loss_kind loss, unsigned long seed)
{
    gl_err e;
    ck_assert_msg(gl_mix_parse(spec, &f->P, &e) == GL_OK, "%s", e.msg);
    f->c = gl_gan_cfg_default();
    f->c.batch = 64;
    f->c.steps = 200;
    f->c.loss = loss;
    f->c.zdim = (size_t)f->P->dim;
    gl_rig_arch a = gl_rig_arch_default();
    f->r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(f->r, seed);
    ck_assert_msg(gl_rig_alloc(&f->g, &a, &f->c, (size_t)f->P->dim, f->r, &e) == GL_OK, "%s", e.msg);
}

static void fx_free(fixture *f)
{
    gl_rig_free(&f->g);
    gsl_rng_free(f->r);
    gl_mix_free(f->P);
}

static void fx_train(fixture *f, size_t n)
{
    gl_err e;
    ck_assert_msg(gl_gan_train_steps(f->g.w, f->P, f->r, n, &e) == GL_OK, "%s", e.msg);
}

static char frame[1 << 21];

/* the frame of the latest update, as text */
static void write_frame(const gl_live *lv)
{
    FILE *t = tmpfile();
    gl_err e;
    ck_assert_ptr_nonnull(t);
    ck_assert_msg(gl_live_write(lv, t, "a note", &e) == GL_OK, "%s", e.msg);
    rewind(t);
    size_t n = fread(frame, 1, sizeof frame - 1, t);
    frame[n] = '\0';
    fclose(t);
}

/* the rows of datablock $name: up to maxrows rows of ncols numbers into v;
 * blank lines counted in *blocks (may be NULL); returns the rows */
static size_t block(const char *name, size_t ncols, double *v, size_t maxrows, size_t *blocks)
{
    char head[64];
    snprintf(head, sizeof head, "%s << EOD\n", name);
    const char *p = strstr(frame, head);
    ck_assert_msg(p != NULL, "no datablock %s", name);
    p += strlen(head);
    size_t rows = 0, blank = 0;
    while (strncmp(p, "EOD\n", 4) != 0) {
        ck_assert_msg(*p, "datablock %s does not end", name);
        if (*p == '\n') {
            blank++, p++;
            continue;
        }
        ck_assert_msg(rows < maxrows, "datablock %s: more than %zu rows", name, maxrows);
        for (size_t c = 0; c < ncols; c++) {
            char *end;
            v[rows * ncols + c] = strtod(p, &end); /* "NaN" reads as NaN */
            ck_assert_msg(end != p, "datablock %s row %zu: column %zu is not a number", name,
                          rows, c);
            p = end;
        }
        ck_assert_msg(*p == '\n', "datablock %s row %zu: more than %zu columns", name, rows, ncols);
        p++, rows++;
    }
    if (blocks)
        *blocks = blank;
    return rows;
}

static gl_live *live_new(fixture *f, gl_live_cfg *lc)
{
    gl_live *lv;
    gl_err e;
    ck_assert_msg(gl_live_alloc(&lv, f->P, &f->g, &f->c, lc, &e) == GL_OK, "%s", e.msg);
    return lv;
}

/* 1-D: the grid's p_data is the mixture's density, D* is p_data/(p_data +
 * p_g) of the frame's own columns, the JSD is the exact one of this G, and
 * the curves hold the point */
START_TEST(test_frame_1d)
{
    fixture f;
    fx_init(&f, "0.5*N(-2,0.5)+0.5*N(2,0.5)", GL_LOSS_NS, 3);
    fx_train(&f, 100);
    gl_live_cfg lc = gl_live_cfg_default();
    gl_live *lv = live_new(&f, &lc);
    gl_live_update(lv, gl_gan_last(f.g.w));
    write_frame(lv);
    static double v[5 * 201];
    ck_assert_uint_eq(block("$c1", 5, v, 201, NULL), 201);
    /* the box: the data's mu +- 4 sd, [-4, 4], widened by a quarter each side */
    ASSERT_ABS(v[0], -6, 1e-12);
    ASSERT_ABS(v[5 * 200], 6, 1e-12);
    double mass = 0;
    size_t nds = 0;
    for (int i = 0; i < 201; i++) {
        const double *r = v + 5 * i;
        double pd = gl_mix_pdf(f.P, &r[0]);
        /* printed with 6 significant digits: relative error <= 5e-6 */
        ck_assert_msg(fabs(r[1] - pd) <= 1e-5 * pd + 1e-300, "p_data(%g) = %g, want %g", r[0], r[1], pd);
        ck_assert(r[3] >= 0 && r[3] <= 1);
        if (i)
            mass += 0.5 * (r[1] + v[5 * (i - 1) + 1]) * (r[0] - v[5 * (i - 1)]);
        if (r[1] + r[2] > 1e-6) { /* three 6-digit numbers: <= ~2e-5 relative */
            ASSERT_REL(r[4], r[1] / (r[1] + r[2]), 1e-4);
            nds++;
        }
    }
    ck_assert_uint_gt(nds, 50);
    /* trapezoid on h = 0.06 for sd 0.5 modes: error far below the print's 1e-6 */
    ASSERT_REL(mass, 1.0, 1e-4);
    gl_metrics_gen *ex;
    gl_err e;
    double jsd, ae;
    ck_assert(gl_metrics_gen_alloc(&ex, f.g.G, f.c.noise, &e) == GL_OK);
    ck_assert_msg(gl_metrics_gen_jsd(ex, f.P, &jsd, &ae, NULL, &e) == GL_OK, "%s", e.msg);
    const double *pt = gl_live_point(lv);
    ck_assert_double_eq(pt[0], 100);
    ASSERT_ABS(pt[1], jsd, 1e-12);
    ck_assert(jsd > 0.01); /* a G after 100 steps is not p_data: the check is not vacuous */
    static double h[GL_LIVE_NCURVES * 4];
    ck_assert_uint_eq(block("$hist", GL_LIVE_NCURVES, h, 4, NULL), 1);
    ASSERT_REL(h[1], jsd, 1e-5);
    ASSERT_REL(h[4], gl_gan_last(f.g.w)->loss_d, 1e-5);
    ck_assert(strstr(frame, "D*_G(x) (exact)") && strstr(frame, "log(4)") &&
              strstr(frame, "step 100   |   a note") && strstr(frame, "unset multiplot"));
    gl_metrics_gen_free(ex);
    gl_live_free(lv);
    fx_free(&f);
}
END_TEST

/* the fakes are G at the quantiles of p_z, and each arrow points the way
 * the non-saturating G-step moves it: -dL_G/dx = sigmoid(-a) da/dx / n has
 * the sign of da/dx, here by central differences of D's logit */
START_TEST(test_arrows_1d)
{
    fixture f;
    fx_init(&f, "0.5*N(-2,0.5)+0.5*N(2,0.5)", GL_LOSS_NS, 5);
    fx_train(&f, 50);
    gl_live_cfg lc = gl_live_cfg_default();
    gl_live *lv = live_new(&f, &lc);
    gl_live_update(lv, gl_gan_last(f.g.w));
    write_frame(lv);
    static double v[4 * 64];
    size_t n = block("$fk", 4, v, 64, NULL), B = f.c.batch, every = B / n, checked = 0;
    ck_assert_uint_eq(n, 32); /* batch 64, 32 shown: every other one */
    double big = 0;
    for (size_t k = 0; k < n; k++) {
        const double *r = v + 4 * k;
        double z = gsl_cdf_ugaussian_Pinv(((double)(k * every) + 0.5) / (double)B), x;
        gl_mlp_forward(f.g.G, &z, 1, &x);
        ASSERT_REL(r[0], x, 1e-5);
        ck_assert_double_eq(r[3], 0);
        big = fmax(big, fabs(r[2]));
        double hx = 1e-5, xp = x + hx, xm = x - hx;
        double da = (gl_metrics_mlp_logit(&xp, f.g.D) - gl_metrics_mlp_logit(&xm, f.g.D)) / (2 * hx);
        if (fabs(da) > 1e-4 && fabs(r[2]) > 1e-9) {
            ck_assert_msg((r[2] > 0) == (da > 0), "fake %zu at %g: arrow %g, dD/dx %g", k, x, r[2], da);
            checked++;
        }
    }
    ck_assert_uint_ge(checked, 5);
    ASSERT_REL(big, 0.1 * 12, 1e-5); /* the longest: 1/10 of the x range [-6, 6] */
    gl_live_free(lv);
    fx_free(&f);
}
END_TEST

/* 2-D: D's heatmap on heat^2 cells of the box, the real samples, the mesh
 * of G's z-grid (2 x mesh lines of mesh points), modes and HQ as fractions */
START_TEST(test_frame_2d)
{
    fixture f;
    fx_init(&f, "ring(8,2,0.05)", GL_LOSS_NS, 7);
    fx_train(&f, 50);
    gl_live_cfg lc = gl_live_cfg_default();
    lc.heat = 20;
    lc.mesh = 6;
    lc.nreal = 100;
    gl_live *lv = live_new(&f, &lc);
    gl_live_update(lv, gl_gan_last(f.g.w));
    write_frame(lv);
    static double v[3 * 400];
    ck_assert_uint_eq(block("$heat", 3, v, 400, NULL), 400);
    double lo = -2 - 8 * 0.05, hi = 2 + 8 * 0.05, w = hi - lo; /* box, then a quarter each side */
    for (int k = 0; k < 400; k++) {
        double c[2] = {v[3 * k], v[3 * k + 1]};
        ck_assert(c[0] > lo - w / 4 && c[0] < hi + w / 4 && c[1] > lo - w / 4 && c[1] < hi + w / 4);
        ASSERT_ABS(v[3 * k + 2], gl_num_sigmoid(gl_metrics_mlp_logit(c, f.g.D)), 1e-5);
    }
    size_t blocks;
    ck_assert_uint_eq(block("$mesh", 2, v, 400, &blocks), 2 * 6 * 6);
    ck_assert_uint_eq(blocks, 2 * 6);
    ck_assert_uint_eq(block("$real", 2, v, 400, NULL), 100);
    ck_assert_uint_eq(block("$fk", 4, v, 400, NULL), 64);
    const double *pt = gl_live_point(lv);
    double m8 = pt[6] * 8;
    ck_assert_msg(fabs(m8 - round(m8)) < 1e-12 && pt[6] >= 0 && pt[6] <= 1, "modes %g", pt[6]);
    ck_assert(pt[7] >= 0 && pt[7] <= 1 && isnan(pt[1]) && pt[2] > 0);
    ck_assert(strstr(frame, "modes covered / K") && strstr(frame, "u 1:2:3 w image"));
    gl_live_free(lv);
    fx_free(&f);
}
END_TEST

/* no Gaussian modes (U2): no modes or HQ curve; ls: no D*, V or log 4 lines */
START_TEST(test_frame_variants)
{
    fixture f;
    fx_init(&f, "U2(-1,1,-1,1)", GL_LOSS_NS, 9);
    gl_live_cfg lc = gl_live_cfg_default();
    gl_live *lv = live_new(&f, &lc);
    gl_live_update(lv, gl_gan_last(f.g.w));
    write_frame(lv);
    ck_assert(isnan(gl_live_point(lv)[6]) && isnan(gl_live_point(lv)[7]));
    ck_assert_ptr_null(strstr(frame, "modes covered"));
    gl_live_free(lv);
    fx_free(&f);
    fx_init(&f, "N(0,1)", GL_LOSS_LS, 9);
    lv = live_new(&f, &lc);
    fx_train(&f, 10);
    gl_live_update(lv, gl_gan_last(f.g.w));
    write_frame(lv);
    ck_assert(strstr(frame, "ls: a score") && strstr(frame, "p_g (exact)"));
    ck_assert(!strstr(frame, "D*_G") && !strstr(frame, "V(D,G)") && !strstr(frame, "log(4)"));
    gl_live_free(lv);
    fx_free(&f);
}
END_TEST

/* the curves keep at most cfg.history points: the first, the latest, in order */
START_TEST(test_history)
{
    fixture f;
    fx_init(&f, "N(0,1)", GL_LOSS_NS, 11);
    gl_live_cfg lc = gl_live_cfg_default();
    lc.history = 4;
    gl_live *lv = live_new(&f, &lc);
    for (size_t t = 0; t < 10; t++) {
        gl_gan_stats st = {t, 1, 2, 0.5, 0.5, 0.5};
        gl_live_update(lv, &st);
    }
    write_frame(lv);
    double h[GL_LIVE_NCURVES * 4];
    size_t n = block("$hist", GL_LIVE_NCURVES, h, 4, NULL);
    ck_assert(n >= 2 && n <= 4);
    ck_assert_double_eq(h[0], 0);
    ck_assert_double_eq(h[(n - 1) * GL_LIVE_NCURVES], 9);
    for (size_t i = 1; i < n; i++)
        ck_assert(h[i * GL_LIVE_NCURVES] > h[(i - 1) * GL_LIVE_NCURVES]);
    gl_live_free(lv);
    fx_free(&f);
}
END_TEST

/* frames between the pieces of a training change nothing: the same
 * parameters, bit for bit, as one call without them */
START_TEST(test_watching_changes_nothing)
{
    const char *specs[] = {"0.5*N(-2,0.5)+0.5*N(2,0.5)", "ring(8,2,0.05)"};
    for (int k = 0; k < 2; k++) {
        fixture a, b;
        fx_init(&a, specs[k], GL_LOSS_NS, 13);
        fx_init(&b, specs[k], GL_LOSS_NS, 13);
        gl_live_cfg lc = gl_live_cfg_default();
        lc.heat = 8;
        gl_live *lv = live_new(&a, &lc);
        for (int i = 0; i < 4; i++) {
            fx_train(&a, 25);
            gl_live_update(lv, gl_gan_last(a.g.w));
            write_frame(lv);
        }
        fx_train(&b, 100);
        ck_assert_int_eq(memcmp(a.g.G->params, b.g.G->params, a.g.G->nparams * sizeof(double)), 0);
        ck_assert_int_eq(memcmp(a.g.D->params, b.g.D->params, a.g.D->nparams * sizeof(double)), 0);
        gl_live_free(lv);
        fx_free(&a);
        fx_free(&b);
    }
}
END_TEST

START_TEST(test_errors)
{
    fixture f;
    fx_init(&f, "N(0,1)", GL_LOSS_NS, 15);
    gl_live_cfg lc = gl_live_cfg_default();
    gl_live *lv;
    gl_err e;
    lc.nx = 1;
    ck_assert_int_eq(gl_live_alloc(&lv, f.P, &f.g, &f.c, &lc, &e), GL_EINVAL);
    ck_assert_ptr_null(lv);
    ck_assert(strstr(e.msg, "nx 1") != NULL);
    lc = gl_live_cfg_default();
    lv = live_new(&f, &lc);
    FILE *t = tmpfile();
    ck_assert_int_eq(gl_live_write(lv, t, NULL, &e), GL_EINVAL); /* no update yet */
    ck_assert(strstr(e.msg, "no frame yet") != NULL);
    fclose(t);
    gl_live_update(lv, gl_gan_last(f.g.w));
    FILE *full = fopen("/dev/full", "w");
    if (full) {
        ck_assert_int_eq(gl_live_write(lv, full, NULL, &e), GL_EIO);
        fclose(full);
    }
    gl_live_free(lv);
    gl_live_free(NULL);
    fx_free(&f);
}
END_TEST

Suite *live_suite(void)
{
    Suite *s = suite_create("live");
    TCase *core = tcase_create("core");
    tcase_add_test(core, test_frame_1d);
    tcase_add_test(core, test_arrows_1d);
    tcase_add_test(core, test_frame_2d);
    tcase_add_test(core, test_frame_variants);
    tcase_add_test(core, test_history);
    tcase_add_test(core, test_watching_changes_nothing);
    tcase_set_timeout(core, 60);
    suite_add_tcase(s, core);
    TCase *errors = tcase_create("errors");
    tcase_add_test(errors, test_errors);
    suite_add_tcase(s, errors);
    return s;
}
