/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tests for bin/ganlab: output formats, help, and exit status 2 with one
 * clear line on stderr for every kind of bad input. The binary under test is
 * $GL_BIN (set by make check). */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"

static char out[65536], err[8192];

/* Runs "$GL_BIN args", capturing stdout and stderr; returns the exit status. */
static int ganlab(const char *args)
{
    return gl_test_run(args, out, sizeof out, err, sizeof err);
}

static int lines(const char *s)
{
    int n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

/* The value in the row starting with key (TSV), as a double. */
static double cell(const char *key)
{
    char pat[64];
    snprintf(pat, sizeof pat, "\n%s\t", key);
    const char *p = strstr(out, pat);
    ck_assert_msg(p != NULL, "no row %s in:\n%s", key, out);
    return strtod(p + strlen(pat), NULL);
}

START_TEST(test_div_all_nine)
{
    ck_assert_int_eq(ganlab("div --p 'N(0,1)' --q 'N(1,1)'"), 0);
    ck_assert_int_eq(strncmp(out, "f\tvalue\tabserr\n", 15), 0);
    ck_assert_int_eq(lines(out), 11); /* the nine, then w1 */
    ck_assert_double_eq_tol(cell("kl"), 0.5, 1e-12);
    ck_assert_double_eq_tol(cell("pearson"), exp(1.0) - 1, 1e-12);
    const char *order[] = {"kl", "rkl", "pearson", "neyman", "hellinger", "jeffreys", "js", "gan", "tv"};
    const char *p = out;
    for (int k = 0; k < 9; k++) {
        char pat[32];
        snprintf(pat, sizeof pat, "\n%s\t", order[k]);
        const char *q = strstr(out, pat);
        ck_assert_msg(q != NULL && q > p - 1, "row %s out of order", order[k]);
        p = q;
    }
}
END_TEST

START_TEST(test_div_inf_and_selection)
{
    ck_assert_int_eq(ganlab("div --p 'U(0,1)' --q 'U(2,3)' --f kl --f js --f=tv"), 0);
    ck_assert_int_eq(lines(out), 4);
    ck_assert_ptr_nonnull(strstr(out, "\nkl\tinf\t"));
    ck_assert_double_eq_tol(cell("js"), log(2.0), 1e-12);
    ck_assert_double_eq_tol(cell("tv"), 1.0, 1e-12);
}
END_TEST

START_TEST(test_value_identity)
{
    ck_assert_int_eq(ganlab("value --p '0.5*N(-2,0.5)+0.5*N(2,0.5)' --g 'N(0,1.5)'"), 0);
    ck_assert_int_eq(strncmp(out, "quantity\tvalue\tabserr\n", 22), 0);
    double V = cell("V_Dstar"), J = cell("JSD"), rhs = cell("minus_log4_plus_2JSD");
    ck_assert_double_eq_tol(rhs, -log(4.0) + 2 * J, 1e-15);
    ck_assert_double_eq_tol(V, rhs, 1e-10);
    ck_assert_double_eq_tol(cell("residual"), V - rhs, 1e-15);
    ck_assert(J > 0.2 && J < log(2.0)); /* a real, non-trivial pair */
}
END_TEST

START_TEST(test_help)
{
    ck_assert_int_eq(ganlab("--help"), 0);
    ck_assert_ptr_nonnull(strstr(out, "usage: ganlab"));
    ck_assert_int_eq(ganlab("div --help"), 0);
    ck_assert_ptr_nonnull(strstr(out, "hellinger"));
    ck_assert_int_eq(ganlab("value --help"), 0);
    ck_assert_ptr_nonnull(strstr(out, "residual"));
    ck_assert_int_eq(ganlab("exp --help"), 0);
    ck_assert_ptr_nonnull(strstr(out, "--quick"));
    ck_assert_int_eq(ganlab("exp --list"), 0);
    ck_assert_ptr_nonnull(strstr(out, "optimal-d"));
    ck_assert_int_eq(ganlab("train --help"), 0);
    ck_assert_ptr_nonnull(strstr(out, "--log-every"));
    ck_assert_int_eq(ganlab("sample --help"), 0);
    ck_assert_ptr_nonnull(strstr(out, "--model FILE"));
    ck_assert_int_eq(ganlab("exp optimal-d --help"), 0);
    ck_assert_ptr_nonnull(strstr(out, "--pdata"));
    ck_assert_int_eq(ganlab("div --list"), 0); /* the names the shell completion offers */
    ck_assert_int_eq(strncmp(out, "f\tintegrand\nkl\t", 15), 0);
    ck_assert_int_eq(lines(out), 11);
    ck_assert_ptr_nonnull(strstr(out, "\nw1\t"));
}
END_TEST

/* every bad input: exit 2, nothing on stdout, one line on stderr containing hint */
START_TEST(test_errors_exit_2)
{
    static const struct {
        const char *args, *hint;
    } cases[] = {
        {"", "usage"},
        {"frobnicate", "unknown command"},
        {"div --p 'N(0,1)'", "both --p and --q"},
        {"div --p 'N(0,1)' --q", "needs a value"},
        {"div --p 'N(0,-1)' --q 'N(0,1)'", "column 5"},
        {"div --p 'N(0,1)' --q 'N2(0,0,1,1)'", "2-D"},
        {"div --p 'N(0,1)' --q 'N(0,1)' --f chi", "unknown divergence \"chi\""},
        {"div --p 'N(0,1)' --q 'N(0,1)' --bogus 1", "unknown option"},
        {"div --p 'N(0,1)' --p 'N(0,1)' --q 'N(0,1)'", "given twice"},
        {"value --p 'N(0,1)' --g 'N(0,1) x'", "at column 8"},
        {"value --p 'nan*N(0,1)' --g 'N(0,1)'", "column"},
        {"exp nosuch", "unknown experiment"},
        {"exp optimal-d --seed x", "--seed"},
        {"exp optimal-d --steps 0 --out /tmp/ganlab-cli-never", "--steps"},
        {"train --out /tmp/ganlab-cli-never", "--data SPEC or --data-file FILE is required"},
        {"train --data 'N(0,-1)' --out /tmp/ganlab-cli-never", "column 5"},
        {"train --data 'N(0,1)' --steps 0 --out /tmp/ganlab-cli-never", "--steps must be in 1..1000000000, got 0"},
        {"train --data 'N(0,1)' --steps", "option --steps needs a value"},
        {"train --data 'N(0,1)' --batch 0 --out /tmp/ganlab-cli-never", "--batch"},
        {"train --data 'N(0,1)' --lr 0 --out /tmp/ganlab-cli-never", "--lr must be > 0, got 0"},
        {"train --data 'N(0,1)' --lr -1e-3 --out /tmp/ganlab-cli-never", "--lr"},
        {"train --data 'N(0,1)' --lr nan --out /tmp/ganlab-cli-never", "--lr"},
        {"train --data 'N(0,1)' --lr 1e-3x --out /tmp/ganlab-cli-never", "--lr"},
        {"train --data 'N(0,1)' --k 0 --out /tmp/ganlab-cli-never", "--k"},
        {"train --data 'N(0,1)' --update sim --k 2 --out /tmp/ganlab-cli-never", "needs --k 1"},
        {"train --data 'N(0,1)' --update both --out /tmp/ganlab-cli-never", "unknown update \"both\""},
        {"train --data 'N(0,1)' --r1 -1 --out /tmp/ganlab-cli-never", "--r1 must be in [0, 1000], got -1"},
        {"train --data 'N(0,1)' --r1 inf --out /tmp/ganlab-cli-never", "--r1"},
        {"train --data 'N(0,1)' --loss wgan --out /tmp/ganlab-cli-never", "unknown GAN loss 'wgan'"},
        {"train --data 'N(0,1)' --act swish --out /tmp/ganlab-cli-never", "--act"},
        {"train --data 'N(0,1)' --act tanh,swish --out /tmp/ganlab-cli-never", "swish"},
        {"train --data 'N(0,1)' --g 16,x --out /tmp/ganlab-cli-never", "--g: layer sizes"},
        {"train --data 'N(0,1)' --d 0 --out /tmp/ganlab-cli-never", "--d: layer sizes"},
        {"train --data 'N(0,1)' --noise cauchy --out /tmp/ganlab-cli-never", "--noise"},
        {"train --data 'N(0,1)' --seed -1 --out /tmp/ganlab-cli-never", "--seed"},
        {"train --data 'N(0,1)' --frob 1 --out /tmp/ganlab-cli-never", "unknown option \"--frob\""},
        {"sample --model /tmp/ganlab-cli-never/m.model -n 3", "cannot read model"},
        {"sample --model Makefile -n 3", "not a ganlab model"},
        {"sample --model Makefile", "-n N are required"},
        {"sample --model Makefile -n 0", "--n must be >= 1, got 0"},
        {"sample --model Makefile -n", "needs a value"},
        {"sample --model Makefile -n 3 --bogus", "unknown option"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        int st = ganlab(cases[k].args);
        ck_assert_msg(st == 2, "'%s': exit %d", cases[k].args, st);
        ck_assert_msg(out[0] == '\0', "'%s': printed on stdout: %s", cases[k].args, out);
        ck_assert_msg(strstr(err, cases[k].hint) != NULL, "'%s': stderr lacks \"%s\": %s",
                      cases[k].args, cases[k].hint, err);
        if (cases[k].args[0])
            ck_assert_msg(lines(err) == 1, "'%s': %d lines on stderr", cases[k].args, lines(err));
    }
    /* a run refused before it started leaves no output directory behind */
    ck_assert_int_ne(access("/tmp/ganlab-cli-never", F_OK), 0);
}
END_TEST

/* ---- exp --plot ---- */

/* Runs "$GL_BIN args" with the environment variable var set to val. */
static int ganlab_env(const char *var, const char *val, const char *args)
{
    const char *old = getenv(var);
    char keep[4096];
    snprintf(keep, sizeof keep, "%s", old ? old : "");
    setenv(var, val, 1);
    int st = ganlab(args);
    if (old)
        setenv(var, keep, 1);
    else
        unsetenv(var);
    return st;
}

static char pdir[64];

static void pdir_setup(void)
{
    snprintf(pdir, sizeof pdir, "/tmp/ganlab-cli-plot.%d", (int)getpid());
}

static void pdir_teardown(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", pdir);
    ck_assert_int_eq(system(cmd), 0);
}

/* --plot draws the figures with the checkout's plots/ and lists them */
START_TEST(test_exp_plot)
{
    char args[256], cwd[4096], png[128];
    ck_assert_ptr_nonnull(getcwd(cwd, sizeof cwd));
    snprintf(args, sizeof args, "exp disjoint --quick --plot --out %s", pdir);
    ck_assert_int_eq(ganlab_env("GANLAB_DATADIR", cwd, args), 0);
    const char *figs[] = {"disjoint-divergences.png", "disjoint-dgrad.png", "disjoint-critic.png"};
    for (int k = 0; k < 3; k++) {
        snprintf(png, sizeof png, "%s/%s", pdir, figs[k]);
        ck_assert_msg(strstr(out, png) != NULL, "figures line lacks %s:\n%s", png, out);
        FILE *f = fopen(png, "rb");
        ck_assert_msg(f != NULL, "no %s", png);
        char magic[4] = {0};
        ck_assert_int_eq(fread(magic, 1, 4, f), 4);
        fclose(f);
        ck_assert_int_eq(memcmp(magic, "\x89PNG", 4), 0);
    }
}
END_TEST

/* no gnuplot or no plots/: exit 2 with one line, before the experiment runs */
START_TEST(test_exp_plot_errors)
{
    char args[256];
    snprintf(args, sizeof args, "exp disjoint --quick --plot --out %s", pdir);
    ck_assert_int_eq(ganlab_env("GANLAB_DATADIR", "/tmp/ganlab-cli-never", args), 2);
    ck_assert_ptr_nonnull(strstr(err, "no plots/disjoint.gp in GANLAB_DATADIR=/tmp/ganlab-cli-never"));
    ck_assert_int_eq(lines(err), 1);
    ck_assert_int_eq(ganlab_env("PATH", "/tmp/ganlab-cli-never", args), 2);
    ck_assert_ptr_nonnull(strstr(err, "gnuplot not found"));
    ck_assert_int_eq(lines(err), 1);
    ck_assert_int_ne(access(pdir, F_OK), 0);
}
END_TEST

/* ---- train and sample ---- */

static char fbuf[1 << 17];

/* Reads path into fbuf; returns its length. */
static size_t slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    ck_assert_msg(f != NULL, "cannot read %s", path);
    size_t n = fread(fbuf, 1, sizeof fbuf - 1, f);
    fbuf[n] = '\0';
    fclose(f);
    return n;
}

/* Splits the data rows after the header line hdr (which must be present) in
 * fbuf into v[row][col]; returns the number of rows. */
static int rows_after(const char *hdr, int ncol, double v[][16], int maxrows)
{
    ck_assert_int_le(ncol, 16);
    const char *p = strstr(fbuf, hdr);
    ck_assert_msg(p != NULL, "no header \"%s\" in:\n%.2000s", hdr, fbuf);
    ck_assert_msg(p == fbuf || p[-1] == '\n', "header not at a line start");
    p = strchr(p, '\n') + 1;
    int n = 0;
    while (*p && *p != '#') {
        ck_assert_int_lt(n, maxrows);
        for (int c = 0; c < ncol; c++) {
            char *end;
            v[n][c] = strtod(p, &end);
            ck_assert_msg(end != p, "row %d col %d does not parse: %.60s", n, c, p);
            p = end;
            ck_assert_msg(*p == (c + 1 < ncol ? '\t' : '\n'), "row %d: bad separator", n);
            p++;
        }
        n++;
    }
    return n;
}

static char tdir[64];

static void tdir_setup(void)
{
    snprintf(tdir, sizeof tdir, "/tmp/ganlab-cli-train.%d", (int)getpid());
}

static void tdir_teardown(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tdir);
    ck_assert_int_eq(system(cmd), 0);
}

#define BIMODAL "'0.5*N(-2,0.5)+0.5*N(2,0.5)'"

START_TEST(test_train_log_and_sample)
{
    char args[512], path[128];
    snprintf(args, sizeof args, "train --recipe textbook --data " BIMODAL " --steps 300 --batch 32 "
             "--seed 7 --log-every 100 --out %s/a --save %s/m.model", tdir, tdir);
    ck_assert_msg(ganlab(args) == 0, "train failed: %s", err);
    ck_assert_msg(err[0] == '\0', "stderr not empty (not a terminal): %s", err);
    ck_assert_int_eq(lines(out), 1);
    ck_assert_ptr_nonnull(strstr(out, "300 steps"));

    snprintf(path, sizeof path, "%s/a/log.tsv", tdir);
    size_t n1 = slurp(path);
    ck_assert_ptr_nonnull(strstr(fbuf, "# data: 0.5*N(-2,0.5)+0.5*N(2,0.5)\n"));
    ck_assert_ptr_nonnull(strstr(fbuf, "# seed: 7\n"));
    ck_assert_ptr_nonnull(strstr(fbuf, "# loss: ns\n"));
    ck_assert_ptr_nonnull(strstr(fbuf, "# recipe: textbook"));
    ck_assert_ptr_nonnull(strstr(fbuf, "# G: 1-16-16-1 tanh\n"));
    ck_assert_ptr_nonnull(strstr(fbuf, "# D: 1-32-32-1 leaky\n"));
    ck_assert_ptr_nonnull(strstr(fbuf, "# ganlab: "));
    ck_assert_ptr_nonnull(strstr(fbuf, "# V: minibatch estimate"));
    ck_assert_ptr_nonnull(strstr(fbuf, "# jsd: exact JSD"));
    double v[8][16];
    int nr = rows_after("step\tloss_d\tloss_g\tV\tD_real\tD_fake\tacc\tjsd\tjsd_abserr\tjsd_est\n", 10, v, 8);
    ck_assert_int_eq(nr, 3);
    for (int r = 0; r < nr; r++) {
        ck_assert_double_eq(v[r][0], 100.0 * (r + 1));
        for (int c = 0; c < 9; c++)
            ck_assert_msg(isfinite(v[r][c]), "row %d col %d = %g", r, c, v[r][c]);
        ck_assert_double_eq(v[r][3], -v[r][1]);               /* V = -loss_d */
        ck_assert(v[r][1] > 0 && v[r][2] > 0);
        ck_assert(v[r][4] > 0 && v[r][4] < 1 && v[r][5] > 0 && v[r][5] < 1);
        ck_assert(v[r][6] >= 0 && v[r][6] <= 1);
        ck_assert_msg(v[r][7] > 1e-3 && v[r][7] <= log(2.0), "jsd %g", v[r][7]);
        ck_assert(v[r][8] >= 0 && v[r][8] < 1e-6);
    }

    /* pg.tsv: densities and D* on the grid; D* = p/(p+g) */
    snprintf(path, sizeof path, "%s/a/pg.tsv", tdir);
    slurp(path);
    static double g[512][16];
    int ng = rows_after("x\tp_g\tp_data\tD\tDstar\n", 5, g, 512);
    ck_assert_int_eq(ng, 401);
    double mass_p = 0, mass_g = 0;
    for (int r = 0; r < ng; r++) {
        ck_assert(g[r][1] >= 0 && g[r][2] > 0 && g[r][3] > 0 && g[r][3] < 1);
        ASSERT_ABS(g[r][4], g[r][2] / (g[r][2] + g[r][1]), 1e-9);
        if (r) {
            mass_p += 0.5 * (g[r][2] + g[r - 1][2]) * (g[r][0] - g[r - 1][0]);
            mass_g += 0.5 * (g[r][1] + g[r - 1][1]) * (g[r][0] - g[r - 1][0]);
        }
    }
    ASSERT_ABS(mass_p, 1.0, 1e-3); /* the grid covers the data's mass */
    ck_assert(mass_g > 0.2 && mass_g < 1.0 + 1e-3);

    /* same seed, same bytes */
    char first[sizeof fbuf];
    snprintf(path, sizeof path, "%s/a/log.tsv", tdir);
    slurp(path);
    memcpy(first, fbuf, n1 + 1);
    snprintf(args, sizeof args, "train --recipe textbook --data " BIMODAL " --steps 300 --batch 32 "
             "--seed 7 --log-every 100 --out %s/b", tdir);
    ck_assert_int_eq(ganlab(args), 0);
    snprintf(path, sizeof path, "%s/b/log.tsv", tdir);
    ck_assert_uint_eq(slurp(path), n1);
    ck_assert_int_eq(memcmp(first, fbuf, n1), 0);

    /* the saved generator: N lines of finite numbers, reproducible by seed */
    snprintf(args, sizeof args, "sample --model %s/m.model -n 37 --seed 3", tdir);
    ck_assert_int_eq(ganlab(args), 0);
    ck_assert_int_eq(lines(out), 37);
    char s1[sizeof out];
    strcpy(s1, out);
    double sum = 0;
    for (const char *p = out; *p;) {
        char *end;
        double x = strtod(p, &end);
        ck_assert(end != p && *end == '\n' && isfinite(x) && fabs(x) < 20);
        sum += x;
        p = end + 1;
    }
    ck_assert(sum != 0);
    ck_assert_int_eq(ganlab(args), 0);
    ck_assert_str_eq(out, s1);
    snprintf(args, sizeof args, "sample --model %s/m.model -n 37 --seed 4", tdir);
    ck_assert_int_eq(ganlab(args), 0);
    ck_assert_str_ne(out, s1);
}
END_TEST

/* 2-D data (zdim defaults to 2): no exact JSD (nan, said in the metadata), no pg.tsv; samples in two columns */
START_TEST(test_train_2d)
{
    char args[512], path[128];
    snprintf(args, sizeof args, "train --data 'ring(4,2,0.1)' --steps 50 --batch 16 --log-every 20 "
             "--loss minimax --act relu --seed 2 --out %s/c --save %s/m2.model", tdir, tdir);
    ck_assert_msg(ganlab(args) == 0, "train failed: %s", err);
    snprintf(path, sizeof path, "%s/c/log.tsv", tdir);
    slurp(path);
    ck_assert_ptr_nonnull(strstr(fbuf, "# jsd: nan: the exact JSD needs a 1-D generator"));
    ck_assert_ptr_nonnull(strstr(fbuf, "# zdim: 2\n"));
    ck_assert_ptr_nonnull(strstr(fbuf, "\tnan\tnan\t")); /* jsd, jsd_abserr; then jsd_est */
    double v[8][16];
    ck_assert_int_eq(rows_after("step\tloss_d\tloss_g\tV\tD_real\tD_fake\tacc\tjsd\tjsd_abserr\tjsd_est\n", 10,
                                v, 8), 3);
    /* rows at 20, 40 and the last step, 50 */
    ck_assert(v[0][0] == 20 && v[1][0] == 40 && v[2][0] == 50);
    /* the histogram estimate exists in 2-D: a JSD, and far from 0 after 50 steps */
    for (int r = 0; r < 3; r++)
        ck_assert_msg(v[r][9] > 0.05 && v[r][9] <= log(2.0), "jsd_est %g", v[r][9]);
    ck_assert(isnan(v[2][7]) && isfinite(v[2][1]) && v[2][3] == -v[2][1]);
    snprintf(path, sizeof path, "%s/c/pg.tsv", tdir);
    ck_assert_int_ne(access(path, F_OK), 0);
    snprintf(args, sizeof args, "sample --model %s/m2.model -n 5", tdir);
    ck_assert_int_eq(ganlab(args), 0);
    ck_assert_int_eq(lines(out), 5);
    double x, y;
    char tail;
    ck_assert_int_eq(sscanf(out, "%lf\t%lf%c", &x, &y, &tail), 3);
    ck_assert(isfinite(x) && isfinite(y) && tail == '\n');
}
END_TEST

/* train --conditional and sample --label: each label's samples sit on its
 * component (means -3 and 3, sd 0.5: after 1500 steps a label's sample mean
 * within 0.5 of its component, 1 sd; an unconditioned G's would be near 0 for
 * one of them), no label draws both by the weights; the label errors exit 2 */
START_TEST(test_train_conditional)
{
    char args[512];
    snprintf(args, sizeof args, "train --data '0.5*N(-3,0.5)+0.5*N(3,0.5)' --conditional "
             "--steps 1500 --seed 2 --out %s/cond --save %s/c.model", tdir, tdir);
    ck_assert_msg(ganlab(args) == 0, "train failed: %s", err);
    double mean[2];
    for (int k = 0; k < 2; k++) {
        snprintf(args, sizeof args, "sample --model %s/c.model -n 400 --label %d", tdir, k);
        ck_assert_int_eq(ganlab(args), 0);
        ck_assert_int_eq(lines(out), 400);
        double s = 0;
        for (const char *p = out; *p; p = strchr(p, '\n') + 1)
            s += strtod(p, NULL);
        mean[k] = s / 400;
    }
    ck_assert_msg(fabs(mean[0] + 3) < 0.5 && fabs(mean[1] - 3) < 0.5, "label means %g %g",
                  mean[0], mean[1]);
    snprintf(args, sizeof args, "sample --model %s/c.model -n 400", tdir);
    ck_assert_int_eq(ganlab(args), 0);
    int pos = 0;
    for (const char *p = out; *p; p = strchr(p, '\n') + 1)
        pos += strtod(p, NULL) > 0;
    ck_assert_msg(pos > 140 && pos < 260, "%d of 400 on the right", pos); /* 200 +- 6 sd */
    snprintf(args, sizeof args, "sample --model %s/c.model -n 3 --label 2", tdir);
    ck_assert_int_eq(ganlab(args), 2);
    ck_assert_ptr_nonnull(strstr(err, "--label 2 is out of range"));
    ck_assert_int_eq(lines(err), 1);
    snprintf(args, sizeof args, "train --data 'N(0,1)' --steps 5 --out %s/u --save %s/u.model",
             tdir, tdir);
    ck_assert_int_eq(ganlab(args), 0);
    snprintf(args, sizeof args, "sample --model %s/u.model -n 3 --label 0", tdir);
    ck_assert_int_eq(ganlab(args), 2);
    ck_assert_ptr_nonnull(strstr(err, "is not a conditional model"));
}
END_TEST

/* The divergence guard: exit 2 with one line, log.tsv committed and says why it stops */
START_TEST(test_train_diverges)
{
    char args[512], path[128];
    snprintf(args, sizeof args, "train --data 'N(0,1)' --steps 20 --batch 8 --log-every 1 "
             "--lr 1e200 --out %s/d --save %s/never.model", tdir, tdir);
    ck_assert_int_eq(ganlab(args), 2);
    ck_assert_int_eq(lines(err), 1);
    ck_assert_ptr_nonnull(strstr(err, "training diverged"));
    ck_assert(out[0] == '\0');
    snprintf(path, sizeof path, "%s/d/log.tsv", tdir);
    slurp(path);
    ck_assert_ptr_nonnull(strstr(fbuf, "step\tloss_d\tloss_g\tV\tD_real\tD_fake\tacc\tjsd"));
    ck_assert_ptr_nonnull(strstr(fbuf, "\n# stopped: "));
    snprintf(path, sizeof path, "%s/never.model", tdir);
    ck_assert_int_ne(access(path, F_OK), 0);
}
END_TEST

Suite *cli_suite(void)
{
    Suite *s = suite_create("cli");
    TCase *c = tcase_create("core");
    tcase_set_timeout(c, 30);
    tcase_add_test(c, test_div_all_nine);
    tcase_add_test(c, test_div_inf_and_selection);
    tcase_add_test(c, test_value_identity);
    tcase_add_test(c, test_help);
    suite_add_tcase(s, c);
    TCase *t = tcase_create("train");
    tcase_set_timeout(t, 60);
    tcase_add_checked_fixture(t, tdir_setup, tdir_teardown);
    tcase_add_test(t, test_train_log_and_sample);
    tcase_add_test(t, test_train_2d);
    tcase_add_test(t, test_train_conditional);
    tcase_add_test(t, test_train_diverges);
    suite_add_tcase(s, t);
    TCase *p = tcase_create("plot");
    tcase_set_timeout(p, 60);
    tcase_add_checked_fixture(p, pdir_setup, pdir_teardown);
    tcase_add_test(p, test_exp_plot);
    tcase_add_test(p, test_exp_plot_errors);
    suite_add_tcase(s, p);
    TCase *e = tcase_create("errors");
    tcase_set_timeout(e, 30);
    tcase_add_test(e, test_errors_exit_2);
    suite_add_tcase(s, e);
    return s;
}
