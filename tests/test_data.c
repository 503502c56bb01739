/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test_data.c — src/data.c: the data-file reader, Silverman's bandwidth, the
 * KDE and its binned form against the full KDE, sampling the rows; and
 * `ganlab train --data-file` (1-D, 2-D, the file:line errors). */
#include "testutil.h"

#include <gsl/gsl_rng.h>

#include "data.h"
#include "gl.h"
#include "mix.h"

static int read_text(const char *text, size_t len, int dim, double **xs, size_t *n, int *dout,
                     gl_err *e)
{
    FILE *f = fmemopen((void *)text, len, "r");
    ck_assert_ptr_nonnull(f);
    int s = gl_data_read(f, "t.csv", dim, xs, n, dout, e);
    fclose(f);
    return s;
}

/* whitespace, TSV and CSV, comments, a header, blank lines; the dimension from the first row */
START_TEST(test_read)
{
    static const struct {
        const char *text;
        int dim;
        size_t n;
        double v[6];
    } ok[] = {
        {"1\n2.5\n-3e-2\n", 1, 3, {1, 2.5, -0.03}},
        {"# a comment\nx\n1 # trailing\n\n  2\n", 1, 2, {1, 2}},
        {"x\ty\n1\t2\n3\t4\n5  6\n", 2, 3, {1, 2, 3, 4, 5, 6}},
        {"x,y\r\n1,2\r\n3 , 4\r\n-5,6e0\r\n", 2, 3, {1, 2, 3, 4, -5, 6}},
        {"# only a comment\n\n", 0, 0, {0}},
    };
    for (size_t k = 0; k < sizeof ok / sizeof ok[0]; k++) {
        double *xs;
        size_t n;
        int dim = -1;
        gl_err e;
        ck_assert_int_eq(read_text(ok[k].text, strlen(ok[k].text), 0, &xs, &n, &dim, &e), GL_OK);
        ck_assert_msg(n == ok[k].n, "case %zu: %zu rows, want %zu", k, n, ok[k].n);
        if (n)
            ck_assert_int_eq(dim, ok[k].dim);
        for (size_t i = 0; i < n * (size_t)dim; i++)
            ck_assert_msg(xs[i] == ok[k].v[i], "case %zu value %zu: %g", k, i, xs[i]);
        ck_assert(n > 0 || xs == NULL);
        free(xs);
    }
}
END_TEST

/* every malformed file: NAME:LINE: what, nothing allocated */
START_TEST(test_read_errors)
{
    static const struct {
        const char *text;
        size_t len;
        const char *want;
    } bad[] = {
        {"1 2\n3 4\n5\n", 10, "t.csv:3: 1 column, but the first row (line 1) has 2"},
        {"x\n1\n2 3\n", 8, "t.csv:3: 2 columns, but the first row (line 2) has 1"},
        {"1 2 3\n", 6, "t.csv:1: more than 2 columns (a data file has 1 or 2)"},
        {"1\nabc\n", 6, "t.csv:2: \"abc\" is not a finite number"},
        {"1\n2,x\n", 6, "t.csv:2: \"x\" is not a finite number"},
        {"inf\n", 4, "t.csv:1: \"inf\" is not a finite number"},
        {"1\nnan\n", 6, "t.csv:2: \"nan\" is not a finite number"},
        {"1e999\n", 6, "t.csv:1: \"1e999\" is not a finite number"},
        {"1,,2\n", 5, "t.csv:1: an empty field"},
        {"1,\n", 3, "t.csv:1: an empty field"},
        {",1\n", 3, "t.csv:1: an empty field"},
        {"1\n2\0 3\n", 7, "t.csv:2: binary data (a NUL byte)"},
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        double *xs = (double *)&k;
        size_t n = 9;
        int dim = 7;
        gl_err e;
        ck_assert_int_eq(read_text(bad[k].text, bad[k].len, 0, &xs, &n, &dim, &e), GL_EINVAL);
        ck_assert_msg(strstr(e.msg, bad[k].want) != NULL, "%s: want %s", e.msg, bad[k].want);
        ck_assert(xs == NULL && n == 0 && dim == 0);
    }
}
END_TEST

/* Silverman's rule against the formula computed here, quartiles by hand:
 * the 8 values 1..8 have sd sqrt(6), quartiles (GSL's, linear between order
 * statistics) 2.75 and 6.25, IQR/1.34 = 2.612 > sd = 2.449 */
START_TEST(test_silverman)
{
    double x[8] = {5, 1, 8, 3, 2, 7, 4, 6}, bw[2];
    ck_assert_int_eq(gl_data_silverman(x, 8, 1, bw, NULL), GL_OK);
    ASSERT_REL(bw[0], 0.9 * sqrt(6.0) * pow(8, -0.2), 1e-14);
    /* a heavy outlier: the IQR, not the sd, sets h */
    double y[8] = {1, 2, 3, 4, 5, 6, 7, 1000};
    ck_assert_int_eq(gl_data_silverman(y, 8, 1, bw, NULL), GL_OK);
    ASSERT_REL(bw[0], 0.9 * (6.25 - 2.75) / 1.34 * pow(8, -0.2), 1e-14);
    /* 2-D: sd_j n^(-1/6) per axis */
    double z[8] = {0, 0, 1, 10, 2, 20, 3, 30}; /* x: 0..3, y: 0..30 */
    ck_assert_int_eq(gl_data_silverman(z, 4, 2, bw, NULL), GL_OK);
    double sd = sqrt(5.0 / 3);
    ASSERT_REL(bw[0], sd * pow(4, -1.0 / 6), 1e-14);
    ASSERT_REL(bw[1], 10 * sd * pow(4, -1.0 / 6), 1e-14);
}
END_TEST

/* up to the cap the KDE is the textbook sum, evaluated here independently */
START_TEST(test_kde_exact)
{
    double x[5] = {-1, 0.5, 0.7, 2, 3.25}, bw[2] = {0.4, 0}, cell = -1;
    gl_mix *m;
    ck_assert_int_eq(gl_data_kde(x, 5, 1, bw, 5, "kde(t)", &m, &cell, NULL), GL_OK);
    ck_assert_uint_eq(m->n, 5);
    ck_assert(cell == 0);
    ck_assert_str_eq(m->spec, "kde(t)");
    for (double t = -3; t <= 5; t += 0.37) {
        double p = 0;
        for (int i = 0; i < 5; i++)
            p += exp(-0.5 * pow((t - x[i]) / 0.4, 2)) / (0.4 * sqrt(2 * 3.14159265358979323846)) / 5;
        ASSERT_REL(gl_mix_pdf(m, &t), p, 1e-13);
    }
    gl_mix_free(m);
    /* 2-D, with its own bandwidth per axis */
    double y[8] = {0, 0, 1, 2, -1, 0.5, 3, -2}, bw2[2] = {0.3, 0.6};
    ck_assert_int_eq(gl_data_kde(y, 4, 2, bw2, 10, "k2", &m, NULL, NULL), GL_OK);
    double t[2] = {0.4, 0.9}, p = 0;
    for (int i = 0; i < 4; i++)
        p += exp(-0.5 * pow((t[0] - y[2 * i]) / 0.3, 2) - 0.5 * pow((t[1] - y[2 * i + 1]) / 0.6, 2)) /
             (2 * 3.14159265358979323846 * 0.3 * 0.6) / 4;
    ASSERT_REL(gl_mix_pdf(m, t), p, 1e-13);
    gl_mix_free(m);
}
END_TEST

/* L1 distance of two 1-D densities by the midpoint rule on [lo, hi] */
static double l1(const gl_mix *a, const gl_mix *b, double lo, double hi, int n)
{
    double s = 0, dx = (hi - lo) / n;
    for (int i = 0; i < n; i++) {
        double t = lo + (i + 0.5) * dx;
        s += fabs(gl_mix_pdf(a, &t) - gl_mix_pdf(b, &t)) * dx;
    }
    return s;
}

/* Above the cap: the binned KDE keeps the weight, mean and covariance of
 * every cell, hence the whole density's mean and variance to rounding; and
 * it differs from the full KDE by at most the bound of its third and fourth
 * cumulants. A cell of width c h holds rows whose distribution has
 * |kappa3| <= (c h)^3 / (6 sqrt 3) and |kappa4| <= (c h)^4 / 8 (the extremes
 * of a distribution on an interval); merging their kernels into one
 * Gaussian changes the density, in L1, by about |kappa3| E|He3(Z)| / (6 h^3)
 * + |kappa4| E|He4(Z)| / (24 h^4) per unit of weight, E|He3| < 2.2 and
 * E|He4| < 3.5: L1 <= 0.035 c^3 + 0.02 c^4. */
START_TEST(test_kde_binned)
{
    enum { N = 2000 };
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gl_mix *src, *full, *bin;
    ck_assert_int_eq(gl_mix_parse("0.3*N(-2,0.4)+0.7*N(1.5,0.8)", &src, NULL), GL_OK);
    static double x[N];
    gl_mix_sample(src, r, N, x);
    double bw[2], cell;
    ck_assert_int_eq(gl_data_silverman(x, N, 1, bw, NULL), GL_OK);
    ck_assert_int_eq(gl_data_kde(x, N, 1, bw, N, "full", &full, &cell, NULL), GL_OK);
    ck_assert(full->n == N && cell == 0);
    for (size_t cap = 40; cap <= 160; cap *= 2) {
        ck_assert_int_eq(gl_data_kde(x, N, 1, bw, cap, "bin", &bin, &cell, NULL), GL_OK);
        ck_assert_msg(bin->n <= cap && bin->n > cap / 2, "%zu components for a cap of %zu", bin->n, cap);
        ck_assert(cell >= 0.1);
        ASSERT_REL(gl_mix_mean(bin, 0), gl_mix_mean(full, 0), 1e-12);
        ASSERT_REL(gl_mix_var(bin, 0), gl_mix_var(full, 0), 1e-12);
        /* midpoint rule over 4000 cells of [-6, 6]: error ~1e-7 << the bound */
        double d = l1(bin, full, -6, 6, 4000), bound = 0.035 * pow(cell, 3) + 0.02 * pow(cell, 4);
        ck_assert_msg(d > 0 && d <= bound, "cap %zu (c = %g): L1 %g, bound %g", cap, cell, d, bound);
        if (getenv("GL_DATA_VERBOSE"))
            printf("binned KDE: %zu rows, cap %zu: %zu components, c %.3g, L1 %.3g (bound %.3g)\n",
                   (size_t)N, cap, bin->n, cell, d, bound);
        gl_mix_free(bin);
    }
    gl_mix_free(full);
    gl_mix_free(src);
    gsl_rng_free(r);
}
END_TEST

/* 2-D: every cell's covariance kept, so the whole covariance is the data's
 * plus h^2 on each axis */
START_TEST(test_kde_binned_2d)
{
    enum { N = 3000 };
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gl_mix *src, *bin;
    ck_assert_int_eq(gl_mix_parse("ring(8,2,0.2)", &src, NULL), GL_OK);
    static double x[2 * N];
    gl_mix_sample(src, r, N, x);
    double bw[2], cell;
    ck_assert_int_eq(gl_data_silverman(x, N, 2, bw, NULL), GL_OK);
    ck_assert_int_eq(gl_data_kde(x, N, 2, bw, 100, "bin", &bin, &cell, NULL), GL_OK);
    ck_assert(bin->n <= 100 && cell > 0.1);
    for (int j = 0; j < 2; j++) {
        double m = 0, v = 0;
        for (int i = 0; i < N; i++)
            m += x[2 * i + j] / N;
        for (int i = 0; i < N; i++)
            v += (x[2 * i + j] - m) * (x[2 * i + j] - m) / N;
        ASSERT_ABS(gl_mix_mean(bin, j), m, 1e-12);
        ASSERT_REL(gl_mix_var(bin, j), v + bw[j] * bw[j], 1e-12);
    }
    gl_mix_free(bin);
    gl_mix_free(src);
    gsl_rng_free(r);
}
END_TEST

/* rows drawn uniformly: each of 3 rows about a third of 30000 draws (a
 * binomial sd is 82: 5 sd), and nothing else drawn */
START_TEST(test_sample)
{
    double rows[6] = {1, 10, 2, 20, 3, 30}, x[2 * 30000];
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gl_data_sample(rows, 3, 2, r, 30000, x);
    size_t c[3] = {0, 0, 0};
    for (int i = 0; i < 30000; i++) {
        int k = (int)x[2 * i] - 1;
        ck_assert(k >= 0 && k < 3 && x[2 * i + 1] == 10 * (k + 1));
        c[k]++;
    }
    for (int k = 0; k < 3; k++)
        ck_assert_msg(fabs((double)c[k] - 10000) < 5 * 81.7, "row %d drawn %zu times", k, c[k]);
    gsl_rng_free(r);
}
END_TEST

static void write_file(const char *name, const char *text)
{
    char p[256];
    snprintf(p, sizeof p, "%s/%s", gl_test_dir, name);
    FILE *f = fopen(p, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

/* gl_data_load's own errors: no rows, no spread, out of range */
START_TEST(test_load_errors)
{
    static const struct {
        const char *name, *text, *want;
    } bad[] = {
        {"empty.csv", "", "empty.csv: no data rows"},
        {"comments.csv", "# x\n\n", "comments.csv: no data rows"},
        {"one.csv", "1.5\n", "one.csv: one row: Silverman's rule needs two"},
        {"flat.csv", "1 2\n1 3\n1 4\n", "every row has the same x"},
        {"far.csv", "1\n2e7\n", "far.csv: a value of x is 2e+07, outside the supported range"},
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        write_file(bad[k].name, bad[k].text);
        char p[256];
        snprintf(p, sizeof p, "%s/%s", gl_test_dir, bad[k].name);
        gl_data *d = (gl_data *)&k;
        gl_err e;
        gl_data_cfg cfg = gl_data_cfg_default();
        ck_assert_int_eq(gl_data_load(p, &cfg, &d, &e), GL_EINVAL);
        ck_assert_msg(strstr(e.msg, bad[k].want) != NULL, "%s: want %s", e.msg, bad[k].want);
        ck_assert_ptr_null(d);
    }
    /* --bw makes one row, or a flat axis, a valid KDE */
    gl_data_cfg cfg = gl_data_cfg_default();
    cfg.bw = 0.5;
    gl_data *d;
    char p[256];
    snprintf(p, sizeof p, "%s/flat.csv", gl_test_dir);
    ck_assert_int_eq(gl_data_load(p, &cfg, &d, NULL), GL_OK);
    ck_assert(d->n == 3 && d->dim == 2 && d->bw[0] == 0.5 && d->bw[1] == 0.5 && d->kde->n == 3);
    gl_data_free(d);
}
END_TEST

/* the command: 1-D (exact JSD against the KDE), 2-D, and the errors */
START_TEST(test_train_file)
{
    char text[4096] = "# two modes\nx\n", out[4096], err[4096], cmd[1024];
    for (int i = 0; i < 40; i++) /* a deterministic two-mode file */
        snprintf(text + strlen(text), sizeof text - strlen(text), "%.3f\n",
                 (i % 2 ? 2 : -2) + 0.5 * sin(i * 1.7));
    write_file("bi.csv", text);
    snprintf(cmd, sizeof cmd, "train --data-file %s/bi.csv --steps 100 --log-every 50 --out %s/o1",
             gl_test_dir, gl_test_dir);
    ck_assert_int_eq(gl_test_run(cmd, out, sizeof out, err, sizeof err), 0);
    ck_assert_msg(strstr(out, "jsd 0.") != NULL, "%s", out); /* an exact, finite JSD */
    char log[256], buf[65536];
    snprintf(log, sizeof log, "%s/o1/log.tsv", gl_test_dir);
    gl_test_take(log, buf, sizeof buf);
    ck_assert(strstr(buf, "# data: kde(") && strstr(buf, "bi.csv: 40 rows") &&
              strstr(buf, "(Silverman's rule), 40 components"));
    /* above --kde-max, the binned KDE */
    snprintf(cmd, sizeof cmd, "train --data-file %s/bi.csv --kde-max 10 --steps 100 --log-every 50 "
             "--out %s/o1", gl_test_dir, gl_test_dir);
    ck_assert_int_eq(gl_test_run(cmd, out, sizeof out, err, sizeof err), 0);
    ck_assert_msg(strstr(out, "jsd 0.") != NULL, "%s", out);
    gl_test_take(log, buf, sizeof buf);
    ck_assert_msg(strstr(buf, "components, binned") && strstr(buf, "# kde_cells: "), "%s", buf);
    write_file("ring.tsv", "x\ty\n2\t0\n0\t2\n-2\t0\n0\t-2\n1.4\t1.4\n-1.4\t-1.4\n");
    snprintf(cmd, sizeof cmd, "train --data-file %s/ring.tsv --bw 0.1 --steps 50 --out %s/o2",
             gl_test_dir, gl_test_dir);
    ck_assert_int_eq(gl_test_run(cmd, out, sizeof out, err, sizeof err), 0);
    ck_assert_msg(strstr(out, "jsd nan") != NULL, "%s", out); /* 2-D: no exact p_g */
    static const struct {
        const char *file, *text, *opts, *want;
    } bad[] = {
        {"mixed.csv", "1,2\n3,4\n5\n", "", "mixed.csv:3: 1 column, but the first row (line 1) has 2"},
        {"word.csv", "1\n2\nzwei\n", "", "word.csv:3: \"zwei\" is not a finite number"},
        {"inf.csv", "1\ninf\n", "", "inf.csv:2: \"inf\" is not a finite number"},
        {"empty.csv", "", "", "empty.csv: no data rows"},
        {"ok.csv", "1\n2\n", "--data 'N(0,1)'", "--data and --data-file: give one"},
        {"ok.csv", "1\n2\n", "--bw 0", "--bw must be in (0"},
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        write_file(bad[k].file, bad[k].text);
        snprintf(cmd, sizeof cmd, "train --data-file %s/%s %s --steps 10 --out %s/o3", gl_test_dir,
                 bad[k].file, bad[k].opts, gl_test_dir);
        ck_assert_int_eq(gl_test_run(cmd, out, sizeof out, err, sizeof err), 2);
        ck_assert_msg(strstr(err, bad[k].want) != NULL, "%s: want %s", err, bad[k].want);
    }
    ck_assert_int_eq(gl_test_run("train --data 'N(0,1)' --bw 1", out, sizeof out, err, sizeof err), 2);
    ck_assert_msg(strstr(err, "--bw and --kde-max go with --data-file") != NULL, "%s", err);
}
END_TEST

Suite *data_suite(void)
{
    Suite *s = suite_create("data");
    TCase *core = tcase_create("core"), *errors = tcase_create("errors"), *cli = tcase_create("cli");
    tcase_add_test(core, test_read);
    tcase_add_test(core, test_silverman);
    tcase_add_test(core, test_kde_exact);
    tcase_add_test(core, test_kde_binned);
    tcase_add_test(core, test_kde_binned_2d);
    tcase_add_test(core, test_sample);
    tcase_add_checked_fixture(errors, gl_test_mkdir, gl_test_rmdir);
    tcase_add_test(errors, test_read_errors);
    tcase_add_test(errors, test_load_errors);
    tcase_add_checked_fixture(cli, gl_test_mkdir, gl_test_rmdir);
    tcase_add_test(cli, test_train_file);
    tcase_set_timeout(core, 60);
    tcase_set_timeout(errors, 60);
    tcase_set_timeout(cli, 60);
    suite_add_tcase(s, core);
    suite_add_tcase(s, errors);
    suite_add_tcase(s, cli);
    return s;
}
