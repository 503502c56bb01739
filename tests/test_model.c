/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tests for src/model.c: a saved model reloads bit for bit, and every kind of
 * damaged file is refused with a message naming the line. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <gsl/gsl_rng.h>

#include "model.h"
#include "testutil.h"

static char path[128];

static gl_mlp *net(size_t n, const size_t *sizes, gl_act act, double leak, unsigned long seed)
{
    gl_mlp *m;
    gl_err err;
    ck_assert_int_eq(gl_mlp_alloc(&m, n, sizes, act, leak, 4, &err), 0);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, seed);
    gl_mlp_init(m, r);
    /* non-zero biases and values with every bit set, so a lossy format shows */
    for (size_t i = 0; i < m->nparams; i++)
        m->params[i] += (double)i / 3.0 - 1e-300 * (double)(i % 7);
    gsl_rng_free(r);
    return m;
}

static void same_net(const gl_mlp *a, const gl_mlp *b)
{
    ck_assert_uint_eq(a->nlayers, b->nlayers);
    ck_assert_int_eq(memcmp(a->sizes, b->sizes, sizeof a->sizes), 0);
    ck_assert_int_eq(a->act, b->act);
    ck_assert_int_eq(memcmp(&a->leak, &b->leak, sizeof a->leak), 0);
    ck_assert_uint_eq(a->nparams, b->nparams);
    ck_assert_int_eq(memcmp(a->params, b->params, a->nparams * sizeof *a->params), 0);
}

static void setup(void)
{
    gl_test_mkdir();
    snprintf(path, sizeof path, "%s/m.model", gl_test_dir);
}

START_TEST(test_roundtrip_1d)
{
    const size_t gs[] = {1, 16, 16, 1}, ds[] = {1, 32, 32, 1};
    gl_mlp *G = net(3, gs, GL_ACT_TANH, 0, 1), *D = net(3, ds, GL_ACT_LEAKY, 0.2, 2);
    gl_model_meta meta = {"0.5*N(-2,0.5)+0.5*N(2,0.5)", GL_NOISE_NORMAL, 1, 0}, back;
    gl_err err;
    ck_assert_int_eq(gl_model_save(path, G, D, &meta, &err), 0);
    gl_mlp *G2, *D2;
    ck_assert_msg(gl_model_load(path, 8, &G2, &D2, &back, &err) == 0, "%s", err.msg);
    same_net(G, G2);
    same_net(D, D2);
    ck_assert_str_eq(back.data, meta.data);
    ck_assert_int_eq(back.noise, GL_NOISE_NORMAL);
    ck_assert_uint_eq(back.zdim, 1);
    ck_assert_uint_eq(G2->maxbatch, 8);
    /* no temporary file left beside it */
    char tmp[160];
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
    ck_assert_int_ne(access(tmp, F_OK), 0);
    gl_model_meta_clear(&back);
    ck_assert_ptr_null(back.data);
    gl_mlp_free(G);
    gl_mlp_free(D);
    gl_mlp_free(G2);
    gl_mlp_free(D2);
}
END_TEST

START_TEST(test_roundtrip_2d_uniform)
{
    const size_t gs[] = {3, 8, 2}, ds[] = {2, 5, 4, 1};
    gl_mlp *G = net(2, gs, GL_ACT_RELU, 0, 3), *D = net(3, ds, GL_ACT_SIGMOID, 0, 4);
    gl_model_meta meta = {"ring(8,2,0.02)", GL_NOISE_UNIFORM, 3, 0}, back;
    gl_err err;
    ck_assert_int_eq(gl_model_save(path, G, D, &meta, &err), 0);
    gl_mlp *G2, *D2;
    ck_assert_msg(gl_model_load(path, 1, &G2, &D2, &back, &err) == 0, "%s", err.msg);
    same_net(G, G2);
    same_net(D, D2);
    ck_assert_str_eq(back.data, "ring(8,2,0.02)");
    ck_assert_int_eq(back.noise, GL_NOISE_UNIFORM);
    ck_assert_uint_eq(back.zdim, 3);
    /* saving the reloaded model gives the same bytes */
    char path2[160], a[65536], b[65536];
    snprintf(path2, sizeof path2, "%s/m2.model", gl_test_dir);
    ck_assert_int_eq(gl_model_save(path2, G2, D2, &back, &err), 0);
    FILE *fa = fopen(path, "r"), *fb = fopen(path2, "r");
    size_t na = fread(a, 1, sizeof a, fa), nb = fread(b, 1, sizeof b, fb);
    fclose(fa);
    fclose(fb);
    ck_assert_uint_eq(na, nb);
    ck_assert_int_eq(memcmp(a, b, na), 0);
    gl_model_meta_clear(&back);
    gl_mlp_free(G);
    gl_mlp_free(D);
    gl_mlp_free(G2);
    gl_mlp_free(D2);
}
END_TEST

START_TEST(test_save_errors)
{
    const size_t gs[] = {1, 4, 1}, ds[] = {2, 4, 1};
    gl_mlp *G = net(2, gs, GL_ACT_TANH, 0, 1), *D = net(2, ds, GL_ACT_TANH, 0, 2);
    gl_model_meta meta = {"N(0,1)", GL_NOISE_NORMAL, 1, 0};
    gl_err err;
    /* D takes 2 inputs, G gives 1 */
    ck_assert_int_eq(gl_model_save(path, G, D, &meta, &err), GL_EINVAL);
    ck_assert_ptr_nonnull(strstr(err.msg, "shapes"));
    gl_mlp_free(D);
    const size_t ds1[] = {1, 4, 1};
    D = net(2, ds1, GL_ACT_TANH, 0, 2);
    meta.data = "N(0,1)\nzdim: 5";
    ck_assert_int_eq(gl_model_save(path, G, D, &meta, &err), GL_EINVAL);
    ck_assert_ptr_nonnull(strstr(err.msg, "newline"));
    meta.data = "N(0,1)";
    G->params[2] = NAN;
    ck_assert_int_eq(gl_model_save(path, G, D, &meta, &err), GL_EINVAL);
    ck_assert_ptr_nonnull(strstr(err.msg, "finite"));
    G->params[2] = 0.5;
    char bad[160];
    snprintf(bad, sizeof bad, "%s/no/such/dir/m.model", gl_test_dir);
    ck_assert_int_eq(gl_model_save(bad, G, D, &meta, &err), GL_EIO);
    ck_assert_int_ne(access(path, F_OK), 0); /* nothing written by the refusals */
    gl_mlp_free(G);
    gl_mlp_free(D);
}
END_TEST

/* A valid small model as text: G 1-2-1 (7 params), D 1-1 (2 params). */
static const char good[] =
    "ganlab-model 1\n"
    "data: N(0,1)\n"
    "noise: normal\n"
    "zdim: 1\n"
    "G.sizes: 1,2,1\n"
    "G.act: tanh\n"
    "G.leak: 0\n"
    "D.sizes: 1,1\n"
    "D.act: linear\n"
    "D.leak: 0\n"
    "G.params: 7\n"
    "1\n2\n3\n4\n5\n6\n7\n"
    "D.params: 2\n"
    "0.5\n-0.25\n"
    "end\n";

/* Writes good with the first occurrence of from replaced by to, loads it, and
 * returns the status; err.msg must contain hint. */
static int load_edit(const char *from, const char *to, const char *hint)
{
    char text[2048];
    const char *at = from ? strstr(good, from) : NULL;
    ck_assert_msg(!from || at, "'%s' not in the model text", from);
    if (from)
        snprintf(text, sizeof text, "%.*s%s%s", (int)(at - good), good, to, at + strlen(from));
    else
        snprintf(text, sizeof text, "%s", to);
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
    gl_mlp *G = (gl_mlp *)1, *D = (gl_mlp *)1;
    gl_model_meta meta;
    gl_err err;
    gl_err_clear(&err);
    int s = gl_model_load(path, 4, &G, &D, &meta, &err);
    if (s) {
        ck_assert_ptr_null(G);
        ck_assert_ptr_null(D);
        ck_assert_ptr_null(meta.data);
        ck_assert_msg(strstr(err.msg, hint) != NULL, "edit '%s' -> '%s': message lacks \"%s\": %s",
                      from, to, hint, err.msg);
    } else {
        gl_mlp_free(G);
        gl_mlp_free(D);
        gl_model_meta_clear(&meta);
    }
    return s;
}

START_TEST(test_load_good_text)
{
    ck_assert_int_eq(load_edit(NULL, good, ""), 0);
    gl_mlp *G, *D;
    gl_model_meta meta;
    gl_err err;
    ck_assert_int_eq(gl_model_load(path, 2, &G, &D, &meta, &err), 0);
    ck_assert_double_eq(G->params[6], 7);
    ck_assert_double_eq(D->params[1], -0.25);
    ck_assert_int_eq(D->act, GL_ACT_LINEAR);
    gl_mlp_free(G);
    gl_mlp_free(D);
    gl_model_meta_clear(&meta);
}
END_TEST

START_TEST(test_load_errors)
{
    static const struct {
        const char *from, *to, *hint;
    } cases[] = {
        {"ganlab-model 1", "ganlab-modle 1", "line 1: not a ganlab model"},
        {"ganlab-model 1", "ganlab-model 3", "unsupported model format version"},
        {"zdim: 1\n", "zdim: 1\ncond: 2\n", "line 5: \"cond\" is a version-2 key"},
        /* version 1 has no optional keys: a G.norm there is an unexpected line */
        {"G.leak: 0\n", "G.leak: 0\nG.norm: batch 2\n1 1\n1 1\n", "line 8: expected \"D.sizes: ...\""},
        {"ganlab-model 1", "ganlab-model 1x", "line 1: not a ganlab model"},
        {"noise: normal", "noise: cauchy", "line 3: noise"},
        {"zdim: 1", "zdim: one", "line 4: zdim: expected a non-negative integer"},
        {"zdim: 1", "zdim: 2", "do not fit together"},
        {"G.sizes: 1,2,1", "G.sizes: 1,,1", "line 5: G.sizes"},
        {"G.sizes: 1,2,1", "G.sizes: 1", "need at least two sizes"},
        {"G.act: tanh", "G.act: swish", "line 6: G.act: unknown activation"},
        {"G.leak: 0", "G.leak: zero", "line 7: G.leak: expected a finite number"},
        {"D.sizes: 1,1", "D.sizes: 1,2", "do not fit together"},
        {"G.params: 7", "G.params: 8", "line 11: wrong parameter count"},
        {"3\n", "3x\n", "line 14: G.params: expected a finite number, got \"3x\""},
        {"3\n", "\n", "line 14: G.params: expected a finite number"},
        {"3\n", "nan\n", "line 14"},
        {"3\n", "inf\n", "line 14"},
        {"-0.25\nend\n", "-0.25\n", "truncated file: expected \"end\""},
        {"0.5\n-0.25\nend\n", "0.5\n", "truncated file: D.params has only 1 of 2 values"},
        {"end\n", "end\nmore\n", "unexpected text after \"end\""},
        {"end\n", "fin\n", "expected \"end\""},
        {"data: N(0,1)\n", "", "line 2: expected \"data: ...\""},
        {"D.act: linear\n", "D.act linear\n", "line 9: expected \"D.act: ...\""},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++)
        ck_assert_msg(load_edit(cases[k].from, cases[k].to, cases[k].hint) == GL_EINVAL,
                      "edit %zu was accepted", k);
    ck_assert_int_eq(load_edit(NULL, "", "empty file"), GL_EINVAL);
    /* sizes that the rest of the file cannot hold are refused before they are
     * allocated: G 1-4096x7-1 is 100700161 parameters (1.6 GB) */
    ck_assert_int_eq(load_edit("G.sizes: 1,2,1", "G.sizes: 1,4096,4096,4096,4096,4096,4096,4096,1",
                               "line 7: truncated file: G.sizes give 100700161 parameters, more "
                               "than the rest of the file holds"),
                     GL_EINVAL);
    ck_assert_int_eq(load_edit("D.sizes: 1,1", "D.sizes: 1,20,1", "line 10: truncated file: "
                               "D.sizes give 61 parameters"),
                     GL_EINVAL);
    ck_assert_int_eq(load_edit(NULL, "ganlab-model 1\ndata: x\n", "line 3: truncated file"),
                     GL_EINVAL);
    /* a file that is not there */
    gl_mlp *G, *D;
    gl_model_meta meta;
    gl_err err;
    char missing[160];
    snprintf(missing, sizeof missing, "%s/nope.model", gl_test_dir);
    ck_assert_int_eq(gl_model_load(missing, 4, &G, &D, &meta, &err), GL_EIO);
    ck_assert_ptr_nonnull(strstr(err.msg, "cannot read model"));
    ck_assert_int_eq(gl_model_load(path, 0, &G, &D, &meta, &err), GL_EINVAL);
}
END_TEST

/* A conditional model (format 2, "cond: L"): G reads zdim + L inputs, D G's
 * outputs + L; it reloads bit for bit with its label count, and an
 * unconditional model saved now has no cond line and reloads with 0. */
START_TEST(test_roundtrip_cond)
{
    const size_t gs[] = {4, 8, 1}, ds[] = {4, 8, 1};
    gl_mlp *G = net(2, gs, GL_ACT_TANH, 0, 5), *D = net(2, ds, GL_ACT_LEAKY, 0.2, 6);
    gl_model_meta meta = {"N(-3,1)+N(0,1)+N(3,1)", GL_NOISE_NORMAL, 1, 3}, back;
    gl_err err;
    ck_assert_msg(gl_model_save(path, G, D, &meta, &err) == 0, "%s", err.msg);
    char text[65536];
    FILE *f = fopen(path, "r");
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = '\0';
    ck_assert_ptr_nonnull(strstr(text, "ganlab-model 2\n"));
    ck_assert_ptr_nonnull(strstr(text, "\nzdim: 1\ncond: 3\nG.sizes: 4,8,1\n"));
    gl_mlp *G2, *D2;
    ck_assert_msg(gl_model_load(path, 2, &G2, &D2, &back, &err) == 0, "%s", err.msg);
    same_net(G, G2);
    same_net(D, D2);
    ck_assert_uint_eq(back.zdim, 1);
    ck_assert_uint_eq(back.ncond, 3);
    gl_model_meta_clear(&back);
    gl_mlp_free(G2);
    gl_mlp_free(D2);
    /* the shapes must fit the label count */
    meta.ncond = 2;
    ck_assert_int_eq(gl_model_save(path, G, D, &meta, &err), GL_EINVAL);
    ck_assert_ptr_nonnull(strstr(err.msg, "shapes"));
    gl_mlp_free(G);
    gl_mlp_free(D);
    /* unconditional: no cond line, ncond 0 */
    const size_t us[] = {1, 4, 1};
    G = net(2, us, GL_ACT_TANH, 0, 7);
    D = net(2, us, GL_ACT_TANH, 0, 8);
    meta = (gl_model_meta){"N(0,1)", GL_NOISE_NORMAL, 1, 0};
    ck_assert_int_eq(gl_model_save(path, G, D, &meta, &err), 0);
    f = fopen(path, "r");
    n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = '\0';
    ck_assert_ptr_null(strstr(text, "cond"));
    ck_assert_msg(gl_model_load(path, 2, &G2, &D2, &back, &err) == 0, "%s", err.msg);
    ck_assert_uint_eq(back.ncond, 0);
    gl_model_meta_clear(&back);
    gl_mlp_free(G2);
    gl_mlp_free(D2);
    gl_mlp_free(G);
    gl_mlp_free(D);
}
END_TEST

/* version 2 text: the good (version 1) file as version 2 loads alike; its
 * optional cond line is checked */
START_TEST(test_load_cond_text)
{
    ck_assert_int_eq(load_edit("ganlab-model 1", "ganlab-model 2", ""), 0);
    static const struct {
        const char *from, *to, *hint;
    } cases[] = {
        {"zdim: 1\n", "zdim: 1\ncond: 0\n", "line 5: cond: expected a number of labels"},
        {"zdim: 1\n", "zdim: 1\ncond: two\n", "line 5: cond: expected a non-negative integer"},
        {"zdim: 1\n", "zdim: 1\ncond: 5000\n", "line 5: cond: expected a number of labels"},
        {"zdim: 1\n", "zdim: 1\ncond: 1\n", "labels 1"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        char from[64], to[64];
        /* on the version-2 text: the header too */
        snprintf(from, sizeof from, "ganlab-model 1\ndata: N(0,1)\nnoise: normal\n%s", cases[k].from);
        snprintf(to, sizeof to, "ganlab-model 2\ndata: N(0,1)\nnoise: normal\n%s", cases[k].to);
        ck_assert_msg(load_edit(from, to, cases[k].hint) == GL_EINVAL, "edit %zu was accepted", k);
    }
    /* a whole version-2 conditional model: G 2-2-1 (zdim 1, one label), D 2-1 */
    ck_assert_int_eq(load_edit(NULL, "ganlab-model 2\ndata: N(0,1)\nnoise: normal\nzdim: 1\n"
                               "cond: 1\nG.sizes: 2,2,1\nG.act: tanh\nG.leak: 0\nD.sizes: 2,1\n"
                               "D.act: linear\nD.leak: 0\nG.params: 9\n1\n2\n3\n4\n5\n6\n7\n"
                               "8\n9\nD.params: 3\n0.5\n-0.25\n1\nend\n", ""), 0);
    /* the same with D 1-1: it does not read the label */
    ck_assert_int_eq(load_edit(NULL, "ganlab-model 2\ndata: N(0,1)\nnoise: normal\nzdim: 1\n"
                               "cond: 1\nG.sizes: 2,2,1\nG.act: tanh\nG.leak: 0\nD.sizes: 1,1\n"
                               "D.act: linear\nD.leak: 0\nG.params: 9\n1\n2\n3\n4\n5\n6\n7\n"
                               "8\n9\nD.params: 2\n0.5\n-0.25\nend\n", "do not fit together"),
                     GL_EINVAL);
}
END_TEST

START_TEST(test_noise_names)
{
    gl_noise n;
    gl_err err;
    ck_assert_int_eq(gl_noise_parse("uniform", &n, &err), 0);
    ck_assert_int_eq(n, GL_NOISE_UNIFORM);
    ck_assert_str_eq(gl_noise_name(GL_NOISE_NORMAL), "normal");
    ck_assert_str_eq(gl_noise_name((gl_noise)7), "unknown");
    ck_assert_int_eq(gl_noise_parse("gauss", &n, &err), GL_EINVAL);
    ck_assert_ptr_nonnull(strstr(err.msg, "normal, uniform"));
}
END_TEST

/* Version 2: a batch-normalised G with a tanh output and a normalised D
 * reload bit for bit, running statistics included, and compute the same
 * function in evaluation mode. */
START_TEST(test_roundtrip_norm)
{
    const size_t gs[] = {1, 6, 5, 1}, ds[] = {1, 7, 5, 1};
    gl_mlp *G, *D, *G2, *D2;
    gl_err err;
    gl_mlp_opts go = gl_mlp_opts_default(), dopt = gl_mlp_opts_default();
    go.norm = 1;
    go.outact = GL_ACT_TANH;
    dopt.norm = 1;
    dopt.norm_skip = 1;
    ck_assert_int_eq(gl_mlp_alloc_opts(&G, 3, gs, GL_ACT_RELU, 0, 4, &go, &err), 0);
    ck_assert_int_eq(gl_mlp_alloc_opts(&D, 3, ds, GL_ACT_LEAKY, 0.2, 4, &dopt, &err), 0);
    for (size_t i = 0; i < G->nparams; i++)
        G->params[i] = (double)i / 3.0 - 1e-300 * (double)(i % 7);
    for (size_t i = 0; i < D->nparams; i++)
        D->params[i] = 0.1 * (double)i - 1.0 / 7.0;
    for (size_t l = 0; l < 2; l++)
        for (size_t k = 0; k < gs[l + 1]; k++) {
            G->run_mean[l][k] = (double)k / 7.0 - 0.3;
            G->run_var[l][k] = 1.0 / 3.0 + (double)k;
        }
    D->run_mean[1][3] = 0.1;
    D->run_var[1][3] = 2.0 / 3.0;
    gl_model_meta meta = {"N(0,1)", GL_NOISE_NORMAL, 1, 0}, back;
    ck_assert_msg(gl_model_save(path, G, D, &meta, &err) == 0, "%s", err.msg);
    ck_assert_msg(gl_model_load(path, 8, &G2, &D2, &back, &err) == 0, "%s", err.msg);
    same_net(G, G2);
    same_net(D, D2);
    ck_assert(G2->norm && D2->norm && G2->outact == GL_ACT_TANH && D2->outact == GL_ACT_LINEAR);
    for (size_t l = 0; l < 2; l++) {
        ck_assert(memcmp(G->run_mean[l], G2->run_mean[l], gs[l + 1] * sizeof(double)) == 0);
        ck_assert(memcmp(G->run_var[l], G2->run_var[l], gs[l + 1] * sizeof(double)) == 0);
    }
    ck_assert(memcmp(D->run_var[1], D2->run_var[1], 5 * sizeof(double)) == 0);
    ck_assert(D2->bn_skip == 1 && G2->bn_skip == 0);
    double x = 0.3, y, y2;
    gl_mlp_forward(G, &x, 1, &y);
    gl_mlp_forward(G2, &x, 1, &y2);
    ck_assert(y == y2 && fabs(y) <= 1);
    FILE *f = fopen(path, "r");
    char line[64];
    ck_assert_ptr_nonnull(fgets(line, sizeof line, f));
    fclose(f);
    ck_assert_str_eq(line, "ganlab-model 2\n");
    gl_model_meta_clear(&back);
    gl_mlp_free(G);
    gl_mlp_free(D);
    gl_mlp_free(G2);
    gl_mlp_free(D2);
}
END_TEST

/* The optional keys of version 2, and their errors */
START_TEST(test_load_v2_keys)
{
    /* the version-1 text as version 2: no optional key, the same model */
    ck_assert_int_eq(load_edit("ganlab-model 1", "ganlab-model 2", ""), 0);
    static const struct {
        const char *to, *hint;
        int status;
    } cases[] = {
        {"G.leak: 0\nG.out: tanh\nG.norm: batch 2\n0.5 2\n-1 0.25\nD.sizes", "", 0},
        {"G.leak: 0\nG.out: relu\nD.sizes", "line 8: G.out: expected linear or tanh", GL_EINVAL},
        {"G.leak: 0\nG.norm: batch 3\n0.5 2\n-1 0.25\n0 1\nD.sizes", "wrong unit count",
         GL_EINVAL},
        {"G.leak: 0\nG.norm: layer 2\nD.sizes", "line 8: G.norm: expected \"batch K\"", GL_EINVAL},
        {"G.leak: 0\nG.norm: batch 2 skip x\nD.sizes", "line 8: G.norm: expected", GL_EINVAL},
        {"G.leak: 0\nG.norm: batch 2 skip 1\nD.sizes", "wrong unit count", GL_EINVAL},
        {"G.leak: 0\nG.norm: batch 2\n0.5 -2\n-1 0.25\nD.sizes", "line 9: expected \"mean "
         "variance\"", GL_EINVAL},
        {"G.leak: 0\nG.norm: batch 2\n0.5\n-1 0.25\nD.sizes", "line 9", GL_EINVAL},
        {"G.leak: 0\nG.norm: batch 2\n0.5 2\nD.sizes", "line 10: expected \"mean variance\"",
         GL_EINVAL},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        char text[2048], *at;
        snprintf(text, sizeof text, "%s", good);
        at = strstr(text, "ganlab-model 1");
        at[13] = '2';
        char *g = strstr(text, "G.leak: 0\nD.sizes");
        char rest[1024];
        snprintf(rest, sizeof rest, "%s", g + strlen("G.leak: 0\nD.sizes"));
        snprintf(g, sizeof text - (size_t)(g - text), "%s%s", cases[k].to, rest);
        if (cases[k].status == 0) { /* norm adds gamma, beta: 11 parameters for G */
            char *p = strstr(text, "G.params: 7\n1\n2\n3\n4\n5\n6\n7\n");
            ck_assert_ptr_nonnull(p);
            snprintf(rest, sizeof rest, "%s", p + strlen("G.params: 7\n1\n2\n3\n4\n5\n6\n7\n"));
            snprintf(p, sizeof text - (size_t)(p - text), "G.params: 11\n1\n2\n3\n4\n5\n6\n7\n"
                     "1.5\n0.5\n0.25\n-0.25\n%s", rest);
        }
        ck_assert_int_eq(load_edit(NULL, text, cases[k].hint), cases[k].status);
    }
}
END_TEST

Suite *model_suite(void)
{
    Suite *s = suite_create("model");
    TCase *c = tcase_create("core");
    tcase_add_checked_fixture(c, setup, gl_test_rmdir);
    tcase_add_test(c, test_roundtrip_1d);
    tcase_add_test(c, test_roundtrip_2d_uniform);
    tcase_add_test(c, test_roundtrip_cond);
    tcase_add_test(c, test_roundtrip_norm);
    tcase_add_test(c, test_noise_names);
    suite_add_tcase(s, c);
    TCase *e = tcase_create("errors");
    tcase_add_checked_fixture(e, setup, gl_test_rmdir);
    tcase_add_test(e, test_save_errors);
    tcase_add_test(e, test_load_good_text);
    tcase_add_test(e, test_load_errors);
    tcase_add_test(e, test_load_cond_text);
    tcase_add_test(e, test_load_v2_keys);
    suite_add_tcase(s, e);
    return s;
}
