/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Regression suite: every experiment in --quick mode must pass every claim
 * and write exactly the files it wrote when tests/digests.tsv was made (a
 * digest per file, the version line aside: `make digests` remakes the list
 * after a change that is meant); results are deterministic; bad overrides fail
 * cleanly. */
#include <check.h>
#include <dirent.h>
#include <gnu/libc-version.h>
#include <gsl/gsl_version.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
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

/* ---- the digests of the outputs ---- */

/* FNV-1a (64 bits) of the file's bytes, its "# ganlab: VERSION (REV)" line left out */
static uint64_t file_digest(const char *path)
{
    FILE *f = fopen(path, "r");
    ck_assert_msg(f != NULL, "cannot read %s", path);
    uint64_t h = 14695981039346656037u;
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    while ((n = getline(&line, &cap, f)) >= 0) {
        if (strncmp(line, "# ganlab: ", 10) == 0)
            continue;
        for (ssize_t i = 0; i < n; i++)
            h = (h ^ (unsigned char)line[i]) * 1099511628211u;
    }
    free(line);
    fclose(f);
    return h;
}

/* what the digests depend on besides the code: libm, GSL, the CPU's FMA */
static void machine_key(char *buf, size_t n)
{
    __builtin_cpu_init();
    snprintf(buf, n, "glibc %s, GSL %s, fma %d", gnu_get_libc_version(), GSL_VERSION,
             __builtin_cpu_supports("fma") ? 1 : 0);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* the .tsv files of dir, sorted; *n of them */
static char **tsv_files(const char *dir, size_t *n)
{
    DIR *d = opendir(dir);
    ck_assert_msg(d != NULL, "cannot list %s", dir);
    char **v = NULL;
    *n = 0;
    for (struct dirent *e; (e = readdir(d));) {
        size_t len = strlen(e->d_name);
        if (len < 5 || strcmp(e->d_name + len - 4, ".tsv"))
            continue;
        v = realloc(v, (*n + 1) * sizeof *v);
        v[(*n)++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(v, *n, sizeof *v, cmp_str);
    return v;
}

/* the digest recorded for name/file in the list, or 0 if there is none; the
 * list's machine key into key */
static uint64_t recorded(const char *list, const char *name, const char *file, char *key, size_t nk)
{
    FILE *f = fopen(list, "r");
    ck_assert_msg(f != NULL, "cannot read %s (make digests writes it)", list);
    char line[512], a[128], b[128];
    unsigned long long d = 0, got = 0;
    key[0] = '\0';
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "# machine: ", 11) == 0) {
            size_t len = strcspn(line + 11, "\n");
            len = len < nk - 1 ? len : nk - 1;
            memcpy(key, line + 11, len);
            key[len] = '\0';
        } else if (sscanf(line, "%127s %127s %llx", a, b, &d) == 3 && !strcmp(a, name) &&
                   !strcmp(b, file)) {
            got = d;
        }
    }
    fclose(f);
    return got;
}

/* Compares (or, with GL_DIGESTS_WRITE set, appends) the digest of every
 * output of the experiment name in dir. The comparison needs the machine the
 * list was made on (the key): elsewhere the last bits of libm's results may
 * differ, and the test says so instead of failing. */
static void check_digests(const char *name, const char *dir)
{
    const char *w = getenv("GL_DIGESTS_WRITE"), *list = getenv("GL_DIGESTS");
    char key[256], here[256], path[512];
    machine_key(here, sizeof here);
    size_t n;
    char **files = tsv_files(dir, &n);
    ck_assert_msg(n >= 2, "%s wrote %zu files", name, n);
    FILE *out = w ? fopen(w, "a") : NULL;
    ck_assert_msg(!w || out, "cannot append to %s", w);
    if (out)
        fprintf(out, "# machine: %s\n", here);
    for (size_t i = 0; i < n; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        uint64_t d = file_digest(path);
        if (out) {
            fprintf(out, "%s\t%s\t%016llx\n", name, files[i], (unsigned long long)d);
        } else {
            uint64_t want = recorded(list ? list : "tests/digests.tsv", name, files[i], key, sizeof key);
            if (strcmp(key, here)) {
                fprintf(stderr, "digests of %s not compared: made on \"%s\", this is \"%s\"\n",
                        name, key, here);
                break;
            }
            ck_assert_msg(want != 0, "%s/%s has no recorded digest: a new output? (make digests)",
                          name, files[i]);
            ck_assert_msg(d == want, "%s/%s changed: digest %016llx, recorded %016llx (if the "
                          "change is meant: make digests, and say why in the commit)", name,
                          files[i], (unsigned long long)d, (unsigned long long)want);
        }
    }
    if (out)
        fclose(out);
    for (size_t i = 0; i < n; i++)
        free(files[i]);
    free(files);
}

/* every row of DIR/claims.tsv has its seven columns, the last one (why) not empty */
static void check_claims_why(const char *name, const char *dir, size_t nclaims)
{
    char path[256], line[512];
    snprintf(path, sizeof path, "%s/claims.tsv", dir);
    FILE *f = fopen(path, "r");
    ck_assert_msg(f != NULL, "%s: no claims.tsv", name);
    size_t rows = 0;
    int header = 1;
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#')
            continue;
        line[strcspn(line, "\n")] = 0;
        size_t tabs = 0;
        for (const char *c = line; *c; c++)
            tabs += *c == '\t';
        const char *why = strrchr(line, '\t');
        ck_assert_msg(tabs == 6 && why && why[1], "%s: claims.tsv row without a why: %s", name, line);
        if (header)
            ck_assert_str_eq(why + 1, "why");
        else
            rows++;
        header = 0;
    }
    fclose(f);
    ck_assert_uint_eq(rows, nclaims);
}

/* ---- the quick runs, two at a time ----
 * One quick run keeps both cores busy only inside its sweeps, and the quick
 * runs are most of the suite's time (and of make check's under the
 * sanitizers). So the "quick" case starts them all before its tests (an
 * unchecked fixture, in the runner's process): a scheduler process runs
 * them two at a time, each in a process of its own that writes its status,
 * message and claims to DIR/NAME.result (renamed into place when whole);
 * the test of experiment i waits for that file and checks it as it would
 * check an in-process run. The outputs do not depend on the scheduling
 * (every run is deterministic for any thread count), so the digests hold. */
typedef struct {
    int status;
    gl_err e;
    gl_claims cl;
} quick_result;

static char quick_dir[64];
static pid_t quick_sched = -1;

/* runs experiment i into quick_dir/NAME and writes its result; exits */
static void quick_child(size_t i)
{
    const gl_experiment *x = &gl_experiments[i];
    static quick_result r;
    char out[128], tmp[160], fin[160];
    snprintf(out, sizeof out, "%s/%s", quick_dir, x->name);
    gl_exp_opts o = gl_exp_opts_default();
    o.quick = 1;
    o.outdir = out;
    r.status = gl_exp_run(x, &o, &r.cl, &r.e);
    snprintf(tmp, sizeof tmp, "%s/%s.result.tmp", quick_dir, x->name);
    snprintf(fin, sizeof fin, "%s/%s.result", quick_dir, x->name);
    FILE *f = fopen(tmp, "wb");
    int ok = f && fwrite(&r, sizeof r, 1, f) == 1;
    ok = f && fclose(f) == 0 && ok && rename(tmp, fin) == 0;
    _exit(ok ? 0 : 1);
}

static void quick_start(void)
{
    if (quick_sched > 0)
        return; /* started already, by the runner (gl_test_quick_start) */
    strcpy(quick_dir, "/tmp/ganlab-quick-XXXXXX");
    if (!mkdtemp(quick_dir))
        return; /* the tests then find no results and say so */
    fflush(NULL);
    quick_sched = fork();
    if (quick_sched != 0)
        return;
    size_t next = 0, running = 0;
    while (next < gl_nexperiments || running) {
        while (running < 2 && next < gl_nexperiments) {
            pid_t p = fork();
            if (p == 0)
                quick_child(next);
            next++;
            running += p > 0;
        }
        if (wait(NULL) > 0)
            running--;
        else
            running = 0;
    }
    char done[96];
    snprintf(done, sizeof done, "%s/.done", quick_dir);
    FILE *f = fopen(done, "w");
    _exit(f && fclose(f) == 0 ? 0 : 1);
}

/* Starts the quick runs from the test runner, before any suite, so that
 * they overlap the other suites (mostly one core, or waiting on gnuplot and
 * Xvfb): unless Check's CK_RUN_SUITE / CK_RUN_CASE select something else
 * (then the "quick" case's fixture starts them, or nothing does). */
void gl_test_quick_start(void)
{
    const char *suite = getenv("CK_RUN_SUITE"), *tcase = getenv("CK_RUN_CASE");
    if ((suite && *suite && strcmp(suite, "experiments")) || (tcase && *tcase && strcmp(tcase, "quick")))
        return;
    quick_start();
}

static void quick_stop(void)
{
    if (quick_sched > 0) {
        kill(quick_sched, SIGTERM);
        waitpid(quick_sched, NULL, 0);
    }
    quick_sched = -1;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", quick_dir);
    if (system(cmd) != 0)
        fprintf(stderr, "experiments: cannot remove %s\n", quick_dir);
}

/* waits (as long as the test's timeout allows) for experiment x's result */
static void quick_wait(const gl_experiment *x, quick_result *r)
{
    char path[160], done[96];
    snprintf(path, sizeof path, "%s/%s.result", quick_dir, x->name);
    snprintf(done, sizeof done, "%s/.done", quick_dir);
    FILE *f = NULL;
    ck_assert_msg(quick_sched > 0, "the quick runs did not start (%s)", quick_dir);
    while (!(f = fopen(path, "rb"))) {
        int over = access(done, F_OK) == 0; /* all ended: one more look */
        if (over && (f = fopen(path, "rb")))
            break;
        ck_assert_msg(!over, "%s: no result in %s (its run ended without one)", x->name,
                      quick_dir);
        nanosleep(&(struct timespec){0, 50 * 1000 * 1000}, NULL);
    }
    ck_assert_msg(fread(r, sizeof *r, 1, f) == 1, "%s: a short result file", x->name);
    fclose(f);
}

START_TEST(test_quick_claims_pass)
{
    const gl_experiment *x = &gl_experiments[_i];
    static quick_result r;
    quick_wait(x, &r);
    const gl_claims *cl = &r.cl;
    char out[128];
    snprintf(out, sizeof out, "%s/%s", quick_dir, x->name);
    int s = r.status;
    ck_assert_msg(s == GL_OK, "%s: %s", x->name, r.e.msg);
    ck_assert_msg(cl->n >= 4, "%s asserts only %zu claims", x->name, cl->n);
    for (size_t i = 0; i < cl->n; i++) {
        ck_assert_msg(cl->c[i].pass, "%s: claim %s failed: measured %g, expected %g, tol %g (%s)",
                      x->name, cl->c[i].name, cl->c[i].measured, cl->c[i].expected, cl->c[i].tol,
                      gl_claim_rel_text(cl->c[i].rel));
        /* every tolerance carries its reason, whole (not cut at the buffer) */
        size_t nw = strlen(cl->c[i].why);
        ck_assert_msg(nw > 0, "%s: claim %s has no why", x->name, cl->c[i].name);
        ck_assert_msg(nw < GL_CLAIM_WHYLEN - 1, "%s: claim %s: why cut at %zu characters", x->name,
                      cl->c[i].name, nw);
    }
    check_claims_why(x->name, out, cl->n);
    check_digests(x->name, out);
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
    TCase *q = tcase_create("quick");
    tcase_set_timeout(q, 120);
    tcase_add_unchecked_fixture(q, quick_start, quick_stop);
    tcase_add_loop_test(q, test_quick_claims_pass, 0, (int)gl_nexperiments);
    suite_add_tcase(s, q);
    TCase *c = tcase_create("core");
    tcase_set_timeout(c, 120);
    tcase_add_checked_fixture(c, gl_test_mkdir, gl_test_rmdir);
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
