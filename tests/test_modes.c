/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test_modes.c — tests for src/modes.c (modes covered, high-quality fraction,
 * reverse KL over modes).
 *
 * Samples are placed by hand, so every answer is known exactly: a point on a
 * mode is HQ, a point 2.9 sd away is, one 3.1 sd away is not; a histogram
 * (3, 1) on ring(8,...) has KL = 3/4 log 6 + 1/4 log 2 to the uniform; all on
 * one grid mode gives log 25. One statistical test: samples of the mixture
 * itself are HQ with probability P(chi2_2 <= 9) = 1 - e^{-4.5}. */
#include <check.h>
#include <math.h>
#include <sys/wait.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_rng.h>

#include "exp.h"
#include "modes.h"
#include "testutil.h"

static gl_mix *parse(const char *spec)
{
    gl_mix *m = NULL;
    gl_err e;
    ck_assert_msg(gl_mix_parse(spec, &m, &e) == GL_OK, "%s: %s", spec, e.msg);
    return m;
}

static gl_modes score(const gl_mix *m, const double *x, size_t n, size_t *counts)
{
    gl_modes r;
    gl_err e;
    ck_assert_msg(gl_modes_score(m, x, n, counts, &r, &e) == GL_OK, "%s", e.msg);
    ck_assert_uint_eq(r.n, n);
    ck_assert_uint_eq(r.nmodes, m->n);
    return r;
}

/* one point on every mode of ring(8,2,0.02): 8 modes, all HQ, KL 0 */
START_TEST(test_ring_exact)
{
    gl_mix *m = parse("ring(8,2,0.02)");
    double x[16];
    size_t c[8];
    for (int i = 0; i < 8; i++) {
        x[2 * i] = 2 * cos(2 * M_PI * i / 8);
        x[2 * i + 1] = 2 * sin(2 * M_PI * i / 8);
    }
    gl_modes r = score(m, x, 8, c);
    ck_assert_uint_eq(r.hq, 8);
    ck_assert_uint_eq(r.covered, 8);
    ck_assert(r.hq_frac == 1.0);
    for (int i = 0; i < 8; i++)
        ck_assert_uint_eq(c[i], 1);
    ASSERT_ABS(r.rkl, 0.0, 1e-15); /* 8 terms (1/8)(log(1/8) - log(1/8)) */
    gl_mix_free(m);
}
END_TEST

/* histogram (3, 1, 0, ..., 0) plus points that are not HQ */
START_TEST(test_ring_histogram)
{
    gl_mix *m = parse("ring(8,2,0.02)");
    double r0 = 2, s = 0.02, c1 = cos(M_PI / 4), s1 = sin(M_PI / 4);
    double x[] = {
        r0, 0,                       /* on mode 0 */
        r0 + 2.9 * s, 0,             /* 2.9 sd out: HQ, mode 0 */
        r0, -2.9 * s,                /* 2.9 sd along the tangent: HQ, mode 0 */
        r0 * c1, r0 * s1,            /* on mode 1 */
        r0 + 3.1 * s, 0,             /* 3.1 sd: not HQ */
        0, 0,                        /* the centre: equidistant, mode 0 first, not HQ */
        0, 0, NAN, 1,                /* a non-finite point is never HQ */
    };
    size_t n = sizeof x / sizeof x[0] / 2, c[8];
    ck_assert_uint_eq(n, 8);
    gl_modes r = score(m, x, n, c);
    ck_assert_uint_eq(r.hq, 4);
    ck_assert_uint_eq(r.covered, 2);
    ck_assert_uint_eq(c[0], 3);
    ck_assert_uint_eq(c[1], 1);
    ck_assert(r.hq_frac == 0.5);
    /* KL((3/4, 1/4, 0...) || 1/8) = 3/4 log(6) + 1/4 log(2) */
    ASSERT_REL(r.rkl, 0.75 * log(6.0) + 0.25 * log(2.0), 1e-14);
    /* the same without a caller's histogram */
    gl_modes r2 = score(m, x, n, NULL);
    ck_assert(r2.hq == r.hq && r2.covered == r.covered && r2.rkl == r.rkl);
    double d;
    ck_assert_uint_eq(gl_modes_nearest(m, x + 2, &d), 0);
    ASSERT_REL(d, 2.9, 1e-12);
    ck_assert_uint_eq(gl_modes_nearest(m, x + 6, &d), 1);
    ASSERT_ABS(d, 0, 1e-12);
    gl_mix_free(m);
}
END_TEST

/* grid(5,2,0.05): all on one mode gives the largest KL, log 25; the nearest
 * mode of a point between modes is the Euclidean nearest */
START_TEST(test_grid)
{
    gl_mix *m = parse("grid(5,2,0.05)");
    double x[10];
    for (int i = 0; i < 5; i++) {
        x[2 * i] = 4 + 0.01 * i;   /* mode (4, -4), within 1 sd */
        x[2 * i + 1] = -4 - 0.01 * i;
    }
    gl_modes r = score(m, x, 5, NULL);
    ck_assert_uint_eq(r.covered, 1);
    ck_assert_uint_eq(r.hq, 5);
    ASSERT_REL(r.rkl, log(25.0), 1e-14);
    /* (0.9, 1.2) is nearest to (0, 2) (distance^2 0.81 + 0.64) over (2, 2), (0, 0) and
     * (2, 0); 16 sd away, not HQ */
    double p[2] = {0.9, 1.2}, d;
    size_t j = gl_modes_nearest(m, p, &d);
    ASSERT_ABS(m->comp[j].mu[0], 0, 1e-15);
    ASSERT_ABS(m->comp[j].mu[1], 2, 1e-15);
    ASSERT_REL(d, sqrt(0.81 + 0.64) / 0.05, 1e-12);
    r = score(m, p, 1, NULL);
    ck_assert_uint_eq(r.hq, 0);
    gl_mix_free(m);
}
END_TEST

/* 1-D, unequal weights: the KL is to the weights, not to 1/K; exactly 3 sd
 * is HQ (the bound is inclusive) */
START_TEST(test_1d_weights)
{
    gl_mix *m = parse("0.25*N(-3,0.5)+0.75*N(3,0.5)");
    double x[] = {-3 + 1.5, 3, 3 - 1.5000001, 0};
    size_t c[2];
    gl_modes r = score(m, x, 4, c);
    ck_assert_uint_eq(c[0], 1); /* -1.5 is exactly 3 sd from -3 */
    ck_assert_uint_eq(c[1], 1);
    ck_assert_uint_eq(r.covered, 2);
    ck_assert(r.hq_frac == 0.5);
    /* KL((1/2, 1/2) || (1/4, 3/4)) = 1/2 log 2 + 1/2 log(2/3) */
    ASSERT_REL(r.rkl, 0.5 * log(2.0) + 0.5 * log(2.0 / 3.0), 1e-14);
    gl_mix_free(m);
}
END_TEST

/* a correlated mode: the Mahalanobis distance, not |dx|/sx.
 * N2(0,0,1,2,0.5) at (x, 0): d^2 = x^2 / (1 - 0.25) */
START_TEST(test_mahalanobis)
{
    gl_mix *m = parse("N2(0,0,1,2,0.5)");
    double a[2] = {2.5, 0}, b[2] = {2.9, 0}, d;
    gl_modes_nearest(m, a, &d);
    ASSERT_REL(d, 2.5 / sqrt(0.75), 1e-14);
    ck_assert_uint_eq(score(m, a, 1, NULL).hq, 1); /* 2.887 sd */
    ck_assert_uint_eq(score(m, b, 1, NULL).hq, 0); /* 3.349 sd although |dx| < 3 sx */
    gl_mix_free(m);
}
END_TEST

/* nothing HQ: covered 0, hq 0, KL undefined (NaN) */
START_TEST(test_no_hq)
{
    gl_mix *m = parse("ring(8,2,0.02)");
    double x[4] = {0, 0, 5, 5};
    gl_modes r = score(m, x, 2, NULL);
    ck_assert_uint_eq(r.hq, 0);
    ck_assert_uint_eq(r.covered, 0);
    ck_assert(r.hq_frac == 0);
    ck_assert(isnan(r.rkl));
    gl_mix_free(m);
}
END_TEST

/* samples of the mixture itself: each is HQ with probability
 * p = P(chi2_2 <= 9) = 1 - exp(-4.5) = 0.98889 (2-D), P(|Z| <= 3) = 0.99730
 * (1-D); n = 200000 draws, tolerance 5 binomial sd (2-D: 1.2e-3). Every
 * mode is hit; the KL of a multinomial histogram to its own probabilities is
 * ~ (K-1)/(2 n_hq) ~ 2e-5 on average, held to 1e-3. */
START_TEST(test_own_samples)
{
    const char *specs[] = {"ring(8,2,0.02)", "grid(5,2,0.05)", "0.3*N(-4,0.2)+0.7*N(4,1)"};
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, 7);
    size_t n = 200000;
    double *x = malloc(2 * n * sizeof *x);
    ck_assert(x != NULL);
    for (int k = 0; k < 3; k++) {
        gl_mix *m = parse(specs[k]);
        gl_mix_sample(m, rng, n, x);
        gl_modes r = score(m, x, n, NULL);
        double p = m->dim == 2 ? 1 - exp(-4.5) : erf(3 / sqrt(2.0));
        ASSERT_ABS(r.hq_frac, p, 5 * sqrt(p * (1 - p) / (double)n));
        ck_assert_uint_eq(r.covered, m->n);
        ck_assert_msg(r.rkl < 1e-3, "%s: rkl %g", specs[k], r.rkl);
        gl_mix_free(m);
    }
    free(x);
    gsl_rng_free(rng);
}
END_TEST

START_TEST(test_errors)
{
    gl_mix *u = parse("0.5*N(0,1)+0.5*U(2,3)"), *m = parse("N(0,1)");
    gl_modes r;
    gl_err e;
    double x[1] = {0};
    ck_assert_int_eq(gl_modes_check(u, &e), GL_EINVAL);
    ck_assert_int_eq(gl_modes_score(u, x, 1, NULL, &r, &e), GL_EINVAL);
    ck_assert_msg(strstr(e.msg, "component 2 is a uniform") != NULL, "%s", e.msg);
    ck_assert_int_eq(gl_modes_score(m, x, 0, NULL, &r, &e), GL_EINVAL);
    ck_assert_msg(strstr(e.msg, "n = 0") != NULL, "%s", e.msg);
    ck_assert_int_eq(gl_modes_score(m, NULL, 1, NULL, &r, &e), GL_EINVAL);
    ck_assert_int_eq(gl_modes_score(m, x, 1, NULL, NULL, NULL), GL_EINVAL);
    ck_assert_int_eq(gl_modes_check(NULL, &e), GL_EINVAL);
    ck_assert_int_eq(gl_modes_check(m, &e), GL_OK);
    /* the spec spans lines, the message does not (tests/fuzz/spec.c) */
    gl_mix *nl = parse("N(0,1) +\nU(0,1)\n");
    ck_assert_int_eq(gl_modes_check(nl, &e), GL_EINVAL);
    ck_assert_msg(strstr(e.msg, "mixture \"N(0,1) + U(0,1) \": component 2") != NULL, "%s", e.msg);
    gl_mix_free(nl);
    gl_mix_free(u);
    gl_mix_free(m);
}
END_TEST

/* gl_modes_read on text in memory: what it reads, and that a failure leaves
 * nothing allocated (the reader moved out of the CLI for tests/fuzz/samples.c) */
static int read_text(const char *text, size_t len, int dim, double **xs, size_t *n, gl_err *e)
{
    FILE *f = fmemopen((void *)text, len, "r");
    ck_assert_ptr_nonnull(f);
    int s = gl_modes_read(f, "t.txt", dim, xs, n, e);
    fclose(f);
    return s;
}

START_TEST(test_read)
{
    double *xs;
    size_t n;
    gl_err e;
    const char ok[] = "# x y\n1 2\n\n -3.5e-1\t4 # c\r\n5 6";
    ck_assert_int_eq(read_text(ok, sizeof ok - 1, 2, &xs, &n, &e), GL_OK);
    ck_assert_uint_eq(n, 3);
    ck_assert(xs[0] == 1 && xs[1] == 2 && xs[2] == -0.35 && xs[3] == 4 && xs[4] == 5 && xs[5] == 6);
    free(xs);
    const char none[] = "# nothing\n\n";
    ck_assert_int_eq(read_text(none, sizeof none - 1, 1, &xs, &n, &e), GL_OK);
    ck_assert(n == 0 && xs == NULL);
    struct {
        const char *text;
        size_t len;
        int dim;
        const char *want;
    } bad[] = {
        {"1\n2\n3 x\n", 8, 1, "t.txt:3: \"x\" is not"},
        {"1 2\n3\n", 6, 2, "t.txt:2: 1 coordinate, the data are 2-D"},
        {"1 2 3\n", 6, 2, "t.txt:1: more than 2 coordinates"},
        {"1e999\n", 6, 1, "t.txt:1: \"1e999\" is not a finite number"},
        {"1\n2\0 3\n", 7, 1, "t.txt:2: binary data (a NUL byte)"}, /* was read as 2 */
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        xs = (double *)&n;
        n = 9;
        ck_assert_int_eq(read_text(bad[k].text, bad[k].len, bad[k].dim, &xs, &n, &e), GL_EINVAL);
        ck_assert_msg(strstr(e.msg, bad[k].want) != NULL, "%s: want %s", e.msg, bad[k].want);
        ck_assert(xs == NULL && n == 0);
    }
    ck_assert_int_eq(gl_modes_read(stdin, "x", 3, &xs, &n, &e), GL_EINVAL);
}
END_TEST

/* ---- bin/ganlab modes ($GL_BIN, set by make check) ---- */

static char cout[4096], cerr[4096];

/* runs "$GL_BIN modes ARGS" (with a shell redirection in ARGS if wanted) */
static int ganlab_modes(const char *args)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "modes %s", args);
    return gl_test_run(cmd, cout, sizeof cout, cerr, sizeof cerr);
}

static void write_file(const char *name, const char *text)
{
    char p[128];
    snprintf(p, sizeof p, "%s/%s", gl_test_dir, name);
    FILE *f = fopen(p, "w");
    ck_assert(f != NULL);
    fputs(text, f);
    fclose(f);
}

/* the histogram (3, 1) of test_ring_histogram, with comments, blank lines,
 * tabs and a point that is not HQ: modes 2, hq 4/5, rkl 3/4 log 6 + 1/4 log 2 */
START_TEST(test_cli_modes)
{
    write_file("s.txt", "# x y\n2 0\n2.058\t0   # 2.9 sd out\n\n2 -0.058\n"
                        "1.4142135623730951 1.4142135623730951\n0 0\n");
    char args[256];
    snprintf(args, sizeof args, "--data 'ring(8,2,0.02)' --samples %s/s.txt", gl_test_dir);
    ck_assert_int_eq(ganlab_modes(args), 0);
    unsigned long modes, n;
    double hq, rkl;
    ck_assert_int_eq(strncmp(cout, "modes\thq_fraction\trkl\tn\n", 24), 0);
    ck_assert_int_eq(sscanf(cout + 24, "%lu\t%lf\t%lf\t%lu", &modes, &hq, &rkl, &n), 4);
    ck_assert_uint_eq(modes, 2);
    ck_assert_uint_eq(n, 5);
    ASSERT_ABS(hq, 0.8, 1e-10);
    ASSERT_REL(rkl, 0.75 * log(6.0) + 0.25 * log(2.0), 1e-9); /* printed with %.10g */
    /* '-' reads stdin, same answer */
    snprintf(args, sizeof args, "--data='ring(8,2,0.02)' --samples - < %s/s.txt", gl_test_dir);
    char first[4096];
    strcpy(first, cout);
    ck_assert_int_eq(ganlab_modes(args), 0);
    ck_assert_str_eq(cout, first);
    /* no HQ sample: rkl nan */
    write_file("far.txt", "0 0\n5 5\n");
    snprintf(args, sizeof args, "--data 'ring(8,2,0.02)' --samples %s/far.txt", gl_test_dir);
    ck_assert_int_eq(ganlab_modes(args), 0);
    ck_assert_str_eq(cout, "modes\thq_fraction\trkl\tn\n0\t0\tnan\t2\n");
    ck_assert_int_eq(ganlab_modes("--help"), 0);
    ck_assert_ptr_nonnull(strstr(cout, "usage: ganlab modes --data SPEC --samples FILE"));
}
END_TEST

/* every input error: exit 2, one line on stderr naming what is wrong (and
 * file:line for a malformed line), nothing on stdout */
START_TEST(test_cli_modes_errors)
{
    write_file("bad.txt", "1 2\n# fine\n1 zwei\n");
    write_file("three.txt", "1 2\n1 2 3\n");
    write_file("one.txt", "\n1\n");
    write_file("empty.txt", "# nothing\n\n");
    struct {
        const char *args, *want;
    } c[] = {
        {"--data 'ring(8,2,0.02)' --samples %s/bad.txt", "bad.txt:3: \"zwei\" is not a finite number"},
        {"--data 'ring(8,2,0.02)' --samples %s/three.txt", "three.txt:2: more than 2 coordinates"},
        {"--data 'ring(8,2,0.02)' --samples %s/one.txt", "one.txt:2: 1 coordinate, the data are 2-D"},
        {"--data 'N(0,1)' --samples %s/three.txt", "three.txt:1: more than 1 coordinate "},
        {"--data 'ring(8,2,0.02)' --samples %s/empty.txt", "empty.txt: no samples"},
        {"--data 'ring(8,2,0.02)' --samples %s/missing.txt", "cannot open"},
        {"--data 'N(0,1)+U(2,3)' --samples %s/one.txt", "component 2 is a uniform"},
        {"--data 'ring(8,2,-1)' --samples %s/one.txt", "--data: spec"},
        {"--samples %s/one.txt", "--data and --samples are required"},
        {"--data 'N(0,1)' --samples %s/one.txt --bogus", "unknown option \"--bogus\""},
        {"--data 'N(0,1)' --samples", "--samples needs a value"},
    };
    for (size_t k = 0; k < sizeof c / sizeof c[0]; k++) {
        char args[256];
        snprintf(args, sizeof args, c[k].args, gl_test_dir);
        ck_assert_msg(ganlab_modes(args) == 2, "%s: not exit 2", args);
        ck_assert_msg(strstr(cerr, c[k].want) != NULL, "%s: stderr \"%s\", want \"%s\"", args, cerr,
                      c[k].want);
        ck_assert_msg(strncmp(cerr, "ganlab modes: ", 14) == 0, "%s", cerr);
        ck_assert_msg(strchr(cerr, '\n') == cerr + strlen(cerr) - 1, "not one line: %s", cerr);
        ck_assert_msg(cout[0] == '\0', "%s: stdout \"%s\"", args, cout);
    }
}
END_TEST

/* exp mode-collapse: the runs are spread over threads, each result in its
 * own slot, so 1 thread and 3 threads write byte-identical files */
static char *slurp_file(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "missing %s", path);
    fseek(f, 0, SEEK_END);
    *n = (size_t)ftell(f);
    rewind(f);
    char *b = malloc(*n + 1);
    ck_assert(b != NULL);
    ck_assert_uint_eq(fread(b, 1, *n, f), *n);
    fclose(f);
    return b;
}

START_TEST(test_exp_threads_identical)
{
    const gl_experiment *x = gl_exp_find("mode-collapse");
    ck_assert_ptr_nonnull(x);
    char *a1[] = {"--seeds", "2", "--steps", "120", "--grid-steps", "120", "--hidden", "8"};
    char d1[128], d3[128];
    snprintf(d1, sizeof d1, "%s/t1", gl_test_dir);
    snprintf(d3, sizeof d3, "%s/t3", gl_test_dir);
    gl_claims cl;
    gl_err e;
    gl_exp_opts o1 = gl_exp_opts_default();
    o1.quick = 1;
    o1.seed = 5;
    o1.outdir = d1;
    o1.argc = 8;
    o1.argv = a1;
    o1.threads = 1;
    gl_exp_opts o3 = o1;
    o3.outdir = d3;
    o3.threads = 3;
    ck_assert_msg(gl_exp_run(x, &o1, &cl, &e) == GL_OK, "%s", e.msg);
    ck_assert_msg(gl_exp_run(x, &o3, &cl, &e) == GL_OK, "%s", e.msg);
    const char *files[] = {"runs.tsv", "frames.tsv", "occupancy.tsv", "curves.tsv", "timeline.tsv"};
    for (size_t k = 0; k < 5; k++) {
        char p1[192], p3[192];
        snprintf(p1, sizeof p1, "%s/%s", d1, files[k]);
        snprintf(p3, sizeof p3, "%s/%s", d3, files[k]);
        size_t n1, n3;
        char *b1 = slurp_file(p1, &n1), *b3 = slurp_file(p3, &n3);
        ck_assert_uint_gt(n1, 200);
        ck_assert_msg(n1 == n3 && memcmp(b1, b3, n1) == 0, "%s differs between 1 and 3 threads",
                      files[k]);
        free(b1);
        free(b3);
    }
    /* and a bad override fails cleanly */
    char *bad[] = {"--steps", "100"};
    gl_exp_opts ob = o1;
    ob.argc = 2;
    ob.argv = bad;
    ck_assert_int_eq(gl_exp_run(x, &ob, &cl, &e), GL_EINVAL);
    ck_assert_msg(strstr(e.msg, "multiple of 40") != NULL, "%s", e.msg);
}
END_TEST

Suite *modes_suite(void)
{
    Suite *s = suite_create("modes");
    TCase *c = tcase_create("core"), *l = tcase_create("limits"), *e = tcase_create("errors");
    tcase_add_test(c, test_ring_exact);
    tcase_add_test(c, test_ring_histogram);
    tcase_add_test(c, test_grid);
    tcase_add_test(c, test_1d_weights);
    tcase_add_test(c, test_mahalanobis);
    tcase_add_test(l, test_no_hq);
    tcase_add_test(l, test_own_samples);
    tcase_set_timeout(l, 60);
    tcase_add_test(e, test_errors);
    tcase_add_test(e, test_read);
    TCase *k = tcase_create("cli");
    tcase_add_checked_fixture(k, gl_test_mkdir, gl_test_rmdir);
    tcase_set_timeout(k, 30);
    tcase_add_test(k, test_cli_modes);
    tcase_add_test(k, test_cli_modes_errors);
    TCase *x = tcase_create("experiment");
    tcase_add_checked_fixture(x, gl_test_mkdir, gl_test_rmdir);
    tcase_set_timeout(x, 120);
    tcase_add_test(x, test_exp_threads_identical);
    suite_add_tcase(s, c);
    suite_add_tcase(s, l);
    suite_add_tcase(s, e);
    suite_add_tcase(s, k);
    suite_add_tcase(s, x);
    return s;
}
