/* Regression suite: every experiment in --quick mode must pass every claim;
 * results are deterministic; bad overrides fail cleanly. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exp.h"
#include "testutil.h"


static int run(const char *name, const char *out, int argc, char **argv, gl_claims *cl, gl_err *e)
{
    gl_exp_opts o = gl_exp_opts_default();
    o.quick = 1;
    o.outdir = out;
    o.argc = argc;
    o.argv = argv;
    const gl_experiment *x = gl_exp_find(name);
    ck_assert_ptr_nonnull(x);
    return gl_exp_run(x, &o, cl, e);
}

START_TEST(test_quick_claims_pass)
{
    const gl_experiment *x = &gl_experiments[_i];
    gl_claims cl;
    gl_err e;
    char out[128];
    snprintf(out, sizeof out, "%s/%s", gl_test_dir, x->name);
    int s = run(x->name, out, 0, NULL, &cl, &e);
    ck_assert_msg(s == GL_OK, "%s: %s", x->name, e.msg);
    ck_assert_msg(cl.n >= 4, "%s asserts only %zu claims", x->name, cl.n);
    for (size_t i = 0; i < cl.n; i++)
        ck_assert_msg(cl.c[i].pass, "%s: claim %s failed: measured %g, expected %g, tol %g (%s)",
                      x->name, cl.c[i].name, cl.c[i].measured, cl.c[i].expected, cl.c[i].tol,
                      gl_claim_rel_text(cl.c[i].rel));
}
END_TEST

static char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "missing %s", path);
    fseek(f, 0, SEEK_END);
    *n = (size_t)ftell(f);
    rewind(f);
    char *b = malloc(*n + 1);
    ck_assert_uint_eq(fread(b, 1, *n, f), *n);
    fclose(f);
    return b;
}

START_TEST(test_deterministic)
{
    /* the same seed twice: byte-identical data (a short 1-D run) */
    char *argv[] = {"--pdata", "0.5*N(-2,0.5)+0.5*N(2,0.5)", "--pg", "N(0,1.5)", "--steps", "200"};
    char a[128], b[128], fa[160], fb[160];
    gl_claims cl;
    gl_err e;
    snprintf(a, sizeof a, "%s/a", gl_test_dir);
    snprintf(b, sizeof b, "%s/b", gl_test_dir);
    ck_assert_int_eq(run("optimal-d", a, 6, argv, &cl, &e), GL_OK);
    ck_assert_int_eq(run("optimal-d", b, 6, argv, &cl, &e), GL_OK);
    snprintf(fa, sizeof fa, "%s/d1.tsv", a);
    snprintf(fb, sizeof fb, "%s/d1.tsv", b);
    size_t na, nb;
    char *x = slurp(fa, &na), *y = slurp(fb, &nb);
    ck_assert_uint_gt(na, 10000);
    ck_assert_uint_eq(na, nb);
    ck_assert_int_eq(memcmp(x, y, na), 0);
    free(x);
    free(y);
}
END_TEST

START_TEST(test_bad_overrides_leave_results)
{
    char *good[] = {"--steps", "100"};
    char *bad[][2] = {{"--steps", "0"},      {"--batch", "0"},        {"--lr", "-1"},
                      {"--lr", "nan"},       {"--pdata", "N(0,-1)"},  {"--pdata=N(0,1)", "--pg=N2(0,0,1,1)"},
                      {"--hidden", "32,,2"}, {"--act", "swish"},      {"--bogus", "1"}};
    const char *expect[] = {"--steps", "--batch", "--lr", "--lr", "sigma",
                            "1-D", "column", "swish", "bogus"};
    char out[128], path[160];
    gl_claims cl;
    gl_err e;
    snprintf(out, sizeof out, "%s/o", gl_test_dir);
    ck_assert_int_eq(run("optimal-d", out, 2, good, &cl, &e), GL_OK);
    snprintf(path, sizeof path, "%s/d1.tsv", out);
    size_t n0, n1;
    char *before = slurp(path, &n0);
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        int s = run("optimal-d", out, 2, bad[k], &cl, &e);
        ck_assert_msg(s == GL_EINVAL, "%s %s: status %d", bad[k][0], bad[k][1], s);
        ck_assert_msg(strstr(e.msg, expect[k]) != NULL, "%s %s: message \"%s\"", bad[k][0], bad[k][1], e.msg);
    }
    char *after = slurp(path, &n1);
    ck_assert_uint_eq(n0, n1);
    ck_assert_int_eq(memcmp(before, after, n0), 0);
    free(before);
    free(after);
}
END_TEST

/* dynamics' part-B overrides are checked before anything runs */
START_TEST(test_dynamics_bad_overrides)
{
    char *bad[][2] = {{"--gan-opt", "rmsprop"}, {"--gan-steps", "1001"}, {"--gan-seeds", "0"},
                      {"--gan-r1", "0"},        {"--gan-lr", "2"}};
    const char *expect[] = {"--gan-opt", "--gan-steps", "--gan-seeds", "--gan-r1", "--gan-lr"};
    char out[128];
    gl_claims cl;
    gl_err e;
    snprintf(out, sizeof out, "%s/dyn", gl_test_dir);
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        int s = run("dynamics", out, 2, bad[k], &cl, &e);
        ck_assert_msg(s == GL_EINVAL, "%s %s: status %d", bad[k][0], bad[k][1], s);
        ck_assert_msg(strstr(e.msg, expect[k]) != NULL, "%s %s: message \"%s\"", bad[k][0], bad[k][1], e.msg);
    }
    ck_assert_int_ne(access(out, F_OK), 0); /* nothing written */
}
END_TEST

Suite *experiments_suite(void)
{
    Suite *s = suite_create("experiments");
    TCase *c = tcase_create("core");
    tcase_set_timeout(c, 120);
    tcase_add_checked_fixture(c, gl_test_mkdir, gl_test_rmdir);
    tcase_add_loop_test(c, test_quick_claims_pass, 0, (int)gl_nexperiments);
    tcase_add_test(c, test_deterministic);
    tcase_add_test(c, test_dynamics_bad_overrides);
    suite_add_tcase(s, c);
    TCase *e = tcase_create("errors");
    tcase_set_timeout(e, 60);
    tcase_add_checked_fixture(e, gl_test_mkdir, gl_test_rmdir);
    tcase_add_test(e, test_bad_overrides_leave_results);
    suite_add_tcase(s, e);
    return s;
}
