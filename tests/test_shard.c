/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test_shard.c — bin/ganlab exp --shard I/N, ganlab merge and resuming: the
 * merge of the slices writes byte for byte the files of one whole run (for
 * mode-collapse in quick mode and for optimal-d, both with budgets cut to
 * keep make check fast), every wrong set of slices is refused with a message
 * naming what is wrong, and a run interrupted by SIGINT resumes without
 * redoing its finished runs, to the same files. $GL_BIN is the binary. */
#include <check.h>
#include <dirent.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "testutil.h"

static char out[65536], err[8192];

#define ganlab(...) gl_test_runf(out, sizeof out, err, sizeof err, __VA_ARGS__)

/* mode-collapse in quick mode on three configurations, 6 runs: 400 steps on
 * the ring, 2000 on the grid (the last two runs, so that an interrupt after
 * the first two has time to land) */
#define MC "mode-collapse --quick --only 'gan/ring,pack2/ring,gan/grid' --seeds 2 --steps 400 " \
           "--grid-steps 2000 --hidden 8"

static char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot read %s", path);
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)len + 1);
    ck_assert(b && fread(b, 1, (size_t)len, f) == (size_t)len);
    b[len] = '\0';
    fclose(f);
    *n = (size_t)len;
    return b;
}

/* the files of dir, sorted, one string "a.tsv b.tsv ..." */
static void names_of(const char *dir, char *buf, size_t n)
{
    struct dirent **e;
    int k = scandir(dir, &e, NULL, alphasort);
    ck_assert_msg(k >= 0, "cannot list %s", dir);
    buf[0] = '\0';
    for (int i = 0; i < k; i++) {
        if (e[i]->d_name[0] != '.')
            snprintf(buf + strlen(buf), n - strlen(buf), "%s ", e[i]->d_name);
        free(e[i]);
    }
    free(e);
}

/* dir a and dir b hold the same files, byte for byte (at least min of them) */
static void same_files(const char *a, const char *b, int min)
{
    char na[2048], nb[2048], pa[512], pb[512];
    names_of(a, na, sizeof na);
    names_of(b, nb, sizeof nb);
    ck_assert_msg(strcmp(na, nb) == 0, "%s holds \"%s\", %s holds \"%s\"", a, na, b, nb);
    int files = 0;
    for (char *save = NULL, *f = strtok_r(na, " ", &save); f; f = strtok_r(NULL, " ", &save)) {
        size_t n1, n2;
        snprintf(pa, sizeof pa, "%s/%s", a, f);
        snprintf(pb, sizeof pb, "%s/%s", b, f);
        char *x = slurp(pa, &n1), *y = slurp(pb, &n2);
        ck_assert_msg(n1 == n2 && memcmp(x, y, n1) == 0, "%s and %s differ", pa, pb);
        free(x);
        free(y);
        files++;
    }
    ck_assert_msg(files >= min, "%s: %d files", a, files);
}

/* slices 1..n of exp into D/sN, each exiting 0 and saying so */
static void slices(const char *exp, int n)
{
    for (int i = 1; i <= n; i++) {
        ck_assert_msg(ganlab("exp %s --shard %d/%d --out %s/s%d", exp, i, n, gl_test_dir, i) == 0,
                      "slice %d/%d: %s", i, n, err);
        char want[64];
        snprintf(want, sizeof want, "slice %d/%d -> ", i, n);
        ck_assert_msg(strstr(out, want) && strstr(out, " in other slices"), "%s", out);
    }
}

static int interrupted(const char *dir);
static int finished(const char *path);

/* the resumed run of an interrupted one writes the files of whole, and
 * reuses exactly the runs that had finished */
static void resume_after_sigint(const char *whole, int status)
{
    char d[256], j[300];
    snprintf(d, sizeof d, "%s/r", gl_test_dir);
    snprintf(j, sizeof j, "%s/journal.tsv", d);
    ck_assert_int_eq(interrupted(d), 130);
    int kept = finished(j);
    ck_assert_msg(kept >= 2 && kept < 6, "%d runs kept", kept);
    char names[512];
    names_of(d, names, sizeof names);
    ck_assert_str_eq(names, "journal.tsv "); /* no result, no temporary */
    ck_assert_int_eq(ganlab("exp " MC " --out %s", d), status);
    char want[512];
    snprintf(want, sizeof want, "resumed: %d of 6 runs reused from %s/journal.tsv, not run again",
             kept, d);
    ck_assert_msg(strstr(err, want), "wanted \"%s\" in: %s", want, err);
    same_files(whole, d, 8); /* and the journal is gone */
}

START_TEST(test_mode_collapse)
{
    int whole = ganlab("exp " MC " --out %s/whole", gl_test_dir);
    ck_assert_msg(whole == 0 || whole == 1, "%s", err);
    slices(MC, 3);
    char d[256];
    snprintf(d, sizeof d, "%s/s1", gl_test_dir);
    char names[512];
    names_of(d, names, sizeof names);
    ck_assert_str_eq(names, "journal.tsv manifest.tsv "); /* no result of the slice's own */
    ck_assert_int_eq(ganlab("merge --out %s/m %s/s3 %s/s1 %s/s2", gl_test_dir, gl_test_dir,
                            gl_test_dir, gl_test_dir), whole);
    ck_assert_msg(strstr(out, "claims passed"), "%s", out);
    char a[256], b[256];
    snprintf(a, sizeof a, "%s/whole", gl_test_dir);
    snprintf(b, sizeof b, "%s/m", gl_test_dir);
    same_files(a, b, 8);
    resume_after_sigint(a, whole);
}
END_TEST

/* optimal-d's 1-D panel (its 2-D one costs 12 s under the sanitizers): one
 * run, so slice 2/2 holds none */
#define OD "optimal-d --quick --steps 50 --pdata '0.5*N(-2,0.5)+0.5*N(2,0.5)' --pg 'N(0,1.5)'"

START_TEST(test_merge_optimal_d)
{
    int whole = ganlab("exp " OD " --out %s/whole", gl_test_dir);
    ck_assert_msg(whole == 0 || whole == 1, "%s", err);
    slices(OD, 2);
    ck_assert_msg(strstr(out, "runs: 0 here"), "%s", out);
    ck_assert_int_eq(ganlab("merge --threads 1 --out %s/m %s/s1 %s/s2", gl_test_dir, gl_test_dir,
                            gl_test_dir), whole);
    char a[256], b[256];
    snprintf(a, sizeof a, "%s/whole", gl_test_dir);
    snprintf(b, sizeof b, "%s/m", gl_test_dir);
    same_files(a, b, 3);
}
END_TEST

/* exit status 2 and err holding want */
#define REFUSED(want, ...)                                                                      \
    do {                                                                                        \
        ck_assert_int_eq(ganlab(__VA_ARGS__), 2);                                               \
        ck_assert_msg(strstr(err, want), "wanted \"%s\" in: %s", want, err);                    \
    } while (0)

START_TEST(test_merge_refuses)
{
    const char *T = gl_test_dir;
    const char *tiny = "mode-collapse --quick --only gan/ring --steps 40 --hidden 4";
    slices(tiny, 2);
    ck_assert_int_eq(ganlab("exp %s --seed 2 --shard 2/2 --out %s/seed2", tiny, T), 0);
    ck_assert_int_eq(ganlab("exp %s --shard 2/3 --out %s/of3", tiny, T), 0);
    /* more slices than runs: slice 3/3 holds none, and the merge is whole */
    for (int i = 1; i <= 3; i++)
        ck_assert_int_eq(ganlab("exp %s --shard %d/3 --out %s/t%d", tiny, i, T, i), 0);
    ck_assert_msg(strstr(out, "runs: 0 here"), "%s", out);
    ck_assert_int_eq(ganlab("exp %s --out %s/whole", tiny, T), 1);
    ck_assert_int_eq(ganlab("merge --out %s/tm %s/t1 %s/t2 %s/t3", T, T, T, T), 1);
    char a[256], b[256];
    snprintf(a, sizeof a, "%s/whole", T);
    snprintf(b, sizeof b, "%s/tm", T);
    same_files(a, b, 8);
    REFUSED("slice 2/2 is missing", "merge --out %s/m %s/s1", T, T);
    REFUSED("are both slice 1/2", "merge --out %s/m %s/s1 %s/s1", T, T, T);
    REFUSED("slices of different runs: \"seed: 2\" against \"seed: 1\"", "merge --out %s/m %s/s1 %s/seed2",
            T, T, T);
    REFUSED("is a slice of 3", "merge --out %s/m %s/s1 %s/of3", T, T, T);
    REFUSED("has no manifest.tsv", "merge --out %s/m %s/s1 %s", T, T, T);
    REFUSED("--out DIR is required", "merge %s/s1 %s/s2", T, T);
    REFUSED("no slice directories", "merge --out %s/m", T);
    /* a journal that lost a run its manifest lists */
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "awk '/^run/ {n++} n < 1' %s/s2/journal.tsv > %s/j && mv %s/j %s/s2/journal.tsv",
             T, T, T, T);
    ck_assert_int_eq(system(cmd), 0);
    REFUSED("which its journal.tsv does not hold", "merge --out %s/m %s/s1 %s/s2", T, T, T);
    snprintf(cmd, sizeof cmd, "%s/m", T);
    ck_assert_int_ne(access(cmd, F_OK), 0); /* nothing written */
    /* a whole run reuses a slice's journal in its directory; --fresh does not */
    ck_assert_int_eq(ganlab("exp %s --out %s/s1", tiny, T), 1);
    ck_assert_msg(strstr(err, "resumed: 1 of 2 runs reused"), "%s", err);
    ck_assert_int_eq(ganlab("exp %s --shard 1/2 --out %s/fr", tiny, T), 0);
    ck_assert_int_eq(ganlab("exp %s --fresh --out %s/fr", tiny, T), 1);
    ck_assert_msg(!strstr(err, "resumed"), "%s", err);
    snprintf(cmd, sizeof cmd, "%s/s1", T);
    char fr[256];
    snprintf(fr, sizeof fr, "%s/fr", T);
    same_files(cmd, fr, 9); /* the results, and each its slice's manifest.tsv */
    /* --shard itself */
    REFUSED("runs no sweep", "exp disjoint --quick --shard 1/2 --out %s/dj", T);
    REFUSED("--shard takes I/N", "exp %s --shard 3/2 --out %s/x", tiny, T);
    REFUSED("--shard takes I/N", "exp %s --shard 0/2 --out %s/x", tiny, T);
    REFUSED("--shard takes I/N", "exp %s --shard 1/2x --out %s/x", tiny, T);
    REFUSED("give it to 'ganlab merge'", "exp %s --shard 1/2 --plot --out %s/x", tiny, T);
}
END_TEST

/* the finished runs in path (its "end" lines), read in large blocks: the
 * journal of a few runs is megabytes */
static int finished(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    static char buf[1 << 20];
    int n = 0;
    char prev[4] = "xxx"; /* the last bytes of the previous block */
    for (size_t got; (got = fread(buf, 1, sizeof buf, f)) > 0;) {
        for (size_t i = 0; i < got; i++) {
            prev[0] = prev[1];
            prev[1] = prev[2];
            prev[2] = prev[3];
            prev[3] = buf[i];
            n += memcmp(prev, "end\n", 4) == 0;
        }
    }
    fclose(f);
    return n;
}

/* Starts MC on one thread into dir, interrupts it by SIGINT once two runs
 * are finished, and returns its exit status (-1 if it ended first). */
static int interrupted(const char *dir)
{
    char cmd[1024], journal[512];
    snprintf(cmd, sizeof cmd, "exec %s exp " MC " --threads 1 "
             "--out %s >/dev/null 2>&1", getenv("GL_BIN"), dir);
    snprintf(journal, sizeof journal, "%s/journal.tsv", dir);
    pid_t pid = fork();
    ck_assert(pid >= 0);
    if (pid == 0) {
        execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
        _exit(127);
    }
    struct timespec ms = {0, 1000000};
    int st, ended = 0;
    while (!(ended = waitpid(pid, &st, WNOHANG) == pid) && finished(journal) < 2)
        nanosleep(&ms, NULL);
    if (ended)
        return -1;
    kill(pid, SIGINT);
    ck_assert(waitpid(pid, &st, 0) == pid);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

Suite *shard_suite(void)
{
    Suite *s = suite_create("shard");
    TCase *c = tcase_create("core");
    tcase_set_timeout(c, 60);
    tcase_add_checked_fixture(c, gl_test_mkdir, gl_test_rmdir);
    tcase_add_test(c, test_mode_collapse);
    tcase_add_test(c, test_merge_optimal_d);
    tcase_add_test(c, test_merge_refuses);
    suite_add_tcase(s, c);
    return s;
}
