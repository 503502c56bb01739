/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test_journal.c — src/journal.c and the sweep's use of it: records read
 * back bit for bit, a record cut short by a kill is dropped, other settings
 * are not reused; a resumed sweep runs only the runs the journal lacks and
 * gives the same results; slices are disjoint, cover the table, and their
 * merge (journal_only) runs nothing and equals one whole sweep. */
#include <check.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include "journal.h"
#include "sweep.h"
#include "testutil.h"

static const char SET[] = "experiment: test\nseed: 1\n";

static char *path_in(const char *name)
{
    static char p[4][128];
    static int k;
    k = (k + 1) % 4;
    snprintf(p[k], sizeof p[k], "%s/%s", gl_test_dir, name);
    return p[k];
}

static int same_bits(double a, double b) { return memcmp(&a, &b, sizeof a) == 0; }

/* the values that a decimal format could lose: NaN's sign, -0, inf,
 * subnormals, the last bit */
static const double ODD[] = {1.0 / 3.0, -0.0, INFINITY, -INFINITY, 4.9e-324, 0x1.fffffffffffffp+1023,
                             0.1 + 0.2};
#define NODD (sizeof ODD / sizeof ODD[0])

static void add_odd(gl_journal *j, const char *config, unsigned long seed)
{
    double nan_neg = -NAN, one = 42;
    const double *v[] = {ODD, &nan_neg, &one};
    const char *keys[] = {"odd", "nan", "one"};
    size_t n[] = {NODD, 1, 1};
    gl_err e;
    ck_assert_msg(gl_journal_add(j, "stage A", config, seed, 3, keys, n, v, &e) == GL_OK, "%s",
                  e.msg);
}

static void check_odd(const gl_journal *j, const char *config, unsigned long seed)
{
    const char *key;
    size_t n;
    const double *v;
    ck_assert_int_eq(gl_journal_find(j, "stage A", config, seed), 3);
    gl_journal_result(j, "stage A", config, seed, 0, &key, &n, &v);
    ck_assert_str_eq(key, "odd");
    ck_assert_uint_eq(n, NODD);
    for (size_t i = 0; i < NODD; i++)
        ck_assert_msg(same_bits(v[i], ODD[i]), "value %zu: %a, wrote %a", i, v[i], ODD[i]);
    gl_journal_result(j, "stage A", config, seed, 1, &key, &n, &v);
    ck_assert(n == 1 && isnan(v[0]) && signbit(v[0]));
    gl_journal_result(j, "stage A", config, seed, 2, &key, &n, &v);
    ck_assert(n == 1 && v[0] == 42 && !strcmp(key, "one"));
}

START_TEST(test_round_trip)
{
    gl_journal *j;
    gl_err e;
    const char *p = path_in("sub/journal.tsv"); /* its directory is made */
    ck_assert_int_eq(gl_journal_open(&j, p, SET, 0, &e), GL_OK);
    ck_assert_uint_eq(gl_journal_count(j), 0);
    add_odd(j, "a/x", 1);
    add_odd(j, "a/x", 2);
    ck_assert_int_eq(gl_journal_add(j, "stage A", "a/x", 2, 0, NULL, NULL, NULL, &e), GL_EINVAL);
    ck_assert_ptr_nonnull(strstr(e.msg, "added twice"));
    ck_assert_int_eq(gl_journal_add(j, "stage\tA", "a/x", 3, 0, NULL, NULL, NULL, &e), GL_EINVAL);
    gl_journal_free(j);

    ck_assert_int_eq(gl_journal_open(&j, p, SET, 0, &e), GL_OK);
    ck_assert_uint_eq(gl_journal_count(j), 2);
    check_odd(j, "a/x", 1);
    check_odd(j, "a/x", 2);
    ck_assert_int_eq(gl_journal_find(j, "stage A", "a/x", 3), -1);
    ck_assert_int_eq(gl_journal_find(j, "stage B", "a/x", 1), -1);
    gl_journal_free(j);
    char buf[256];
    ck_assert_int_eq(gl_journal_settings(p, buf, sizeof buf, &e), GL_OK);
    ck_assert_str_eq(buf, SET);

    /* other settings, or fresh: nothing reused, and the file is replaced */
    ck_assert_int_eq(gl_journal_open(&j, p, "experiment: test\nseed: 2\n", 0, &e), GL_OK);
    ck_assert_uint_eq(gl_journal_count(j), 0);
    gl_journal_free(j);
    ck_assert_int_eq(gl_journal_open(&j, p, SET, 1, &e), GL_OK);
    ck_assert_uint_eq(gl_journal_count(j), 0);
    add_odd(j, "b/x", 7);
    gl_journal_free(j);
    ck_assert_int_eq(gl_journal_open(&j, p, SET, 0, &e), GL_OK);
    ck_assert_uint_eq(gl_journal_count(j), 1);
    check_odd(j, "b/x", 7);
    ck_assert_int_eq(gl_journal_remove(j, &e), GL_OK);
    gl_journal_free(j);
    ck_assert_int_ne(access(p, F_OK), 0);
}
END_TEST

/* a kill in the middle of a record: the record is dropped, the next one is
 * appended where the last complete one ended */
START_TEST(test_cut_record)
{
    gl_journal *j;
    gl_err e;
    const char *p = path_in("journal.tsv");
    ck_assert_int_eq(gl_journal_open(&j, p, SET, 0, &e), GL_OK);
    add_odd(j, "a/x", 1);
    gl_journal_free(j);
    FILE *f = fopen(p, "a");
    ck_assert_ptr_nonnull(f);
    fputs("run\tstage A\ta/x\t2\t3\nodd\t7\t0x1p+0\t0x1", f); /* cut mid-number */
    fclose(f);
    ck_assert_int_eq(gl_journal_open(&j, p, SET, 0, &e), GL_OK);
    ck_assert_uint_eq(gl_journal_count(j), 1);
    ck_assert_int_eq(gl_journal_find(j, "stage A", "a/x", 2), -1);
    add_odd(j, "a/x", 2);
    gl_journal_free(j);
    ck_assert_int_eq(gl_journal_open(&j, p, SET, 0, &e), GL_OK);
    ck_assert_uint_eq(gl_journal_count(j), 2);
    check_odd(j, "a/x", 1);
    check_odd(j, "a/x", 2);
    gl_journal_free(j);
    /* loading a file that is no journal, or has other settings, is an error */
    ck_assert_int_eq(gl_journal_open(&j, NULL, "experiment: other\n", 0, &e), GL_OK);
    ck_assert_int_eq(gl_journal_load(j, p, NULL, NULL, &e), GL_EINVAL);
    ck_assert_ptr_nonnull(strstr(e.msg, "other settings"));
    ck_assert_int_eq(gl_journal_load(j, "/nonexistent/journal.tsv", NULL, NULL, &e), GL_EIO);
    gl_journal_free(j);
}
END_TEST

/* ---- the sweep with a journal ---- */

static const char *const NAMES[] = {"a/x", "b/x", "a/y"};
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static int ran[3][8]; /* ran[config][seed index]: how often each run ran */

static int counted_run(gl_run *r, const void *ctx, gl_err *err)
{
    (void)ctx;
    pthread_mutex_lock(&mu);
    ran[gl_run_config(r)][gl_run_seed_index(r)]++;
    pthread_mutex_unlock(&mu);
    double *a = gl_run_array(r, "arr", 4, err);
    if (!a)
        return GL_EINVAL;
    for (int i = 0; i < 4; i++)
        a[i] = sqrt((double)gl_run_seed(r) + 10.0 * (double)gl_run_config(r) + i);
    return gl_run_put(r, "v", 1.0 / (double)(gl_run_seed(r) + 7 * gl_run_config(r)), err);
}

static gl_sweep_cfg cfg_of(gl_journal *j, size_t shard, size_t nshards)
{
    gl_sweep_cfg c = gl_sweep_cfg_default();
    c.nconfigs = 3;
    c.names = NAMES;
    c.seed0 = 5;
    c.nseeds = 4;
    c.threads = 2;
    c.run = counted_run;
    c.stage = "test sweep";
    c.journal = j;
    c.shard = shard;
    c.nshards = nshards;
    return c;
}

static int nran(void)
{
    int n = 0;
    for (int c = 0; c < 3; c++)
        for (int q = 0; q < 8; q++)
            n += ran[c][q];
    return n;
}

/* every value of s equals the one of ref, bit for bit */
static void same_sweep(const gl_sweep *s, const gl_sweep *ref)
{
    for (int c = 0; c < 3; c++)
        for (size_t q = 0; q < 4; q++) {
            size_t n1, n2;
            const double *a = gl_sweep_array(s, NAMES[c], q, "arr", &n1),
                         *b = gl_sweep_array(ref, NAMES[c], q, "arr", &n2);
            ck_assert(a && b && n1 == 4 && n2 == 4 && memcmp(a, b, 4 * sizeof *a) == 0);
            ck_assert(same_bits(gl_sweep_value(s, NAMES[c], q, "v"),
                                gl_sweep_value(ref, NAMES[c], q, "v")));
        }
}

START_TEST(test_resume_and_slices)
{
    gl_err e;
    gl_sweep *ref, *s;
    memset(ran, 0, sizeof ran);
    gl_sweep_cfg c = cfg_of(NULL, 0, 1);
    ck_assert_int_eq(gl_sweep_run(&ref, &c, &e), GL_OK);
    ck_assert_int_eq(nran(), 12);

    /* three slices, each into its own journal file */
    gl_journal *j[3];
    for (size_t k = 0; k < 3; k++) {
        memset(ran, 0, sizeof ran);
        char name[32];
        snprintf(name, sizeof name, "s%zu/journal.tsv", k);
        ck_assert_int_eq(gl_journal_open(&j[k], path_in(name), SET, 0, &e), GL_OK);
        c = cfg_of(j[k], k, 3);
        ck_assert_int_eq(gl_sweep_run(&s, &c, &e), GL_ESLICE);
        ck_assert_ptr_null(s);
        ck_assert_ptr_nonnull(strstr(e.msg, "8 of 12 runs are other slices'"));
        ck_assert_int_eq(nran(), 4);
        ck_assert_uint_eq(gl_journal_count(j[k]), 4);
        for (size_t r = 0; r < 12; r++) /* run r = config r / 4, seed index r % 4 */
            ck_assert_int_eq(ran[r / 4][r % 4], r % 3 == k);
        ck_assert_uint_eq(gl_journal_ntable(j[k]), 12);
    }
    /* slice 2 again: resumed from its file, nothing runs */
    gl_journal_free(j[1]);
    ck_assert_int_eq(gl_journal_open(&j[1], path_in("s1/journal.tsv"), SET, 0, &e), GL_OK);
    memset(ran, 0, sizeof ran);
    c = cfg_of(j[1], 1, 3);
    ck_assert_int_eq(gl_sweep_run(&s, &c, &e), GL_ESLICE);
    ck_assert_int_eq(nran(), 0);

    /* the merge: the three files into one journal, nothing runs, same results */
    gl_journal *m;
    ck_assert_int_eq(gl_journal_open(&m, NULL, SET, 0, &e), GL_OK);
    for (size_t k = 0; k < 3; k++) {
        char name[32];
        snprintf(name, sizeof name, "s%zu/journal.tsv", k);
        ck_assert_int_eq(gl_journal_load(m, path_in(name), NULL, NULL, &e), GL_OK);
        gl_journal_free(j[k]);
    }
    memset(ran, 0, sizeof ran);
    c = cfg_of(m, 0, 1);
    c.journal_only = 1;
    ck_assert_int_eq(gl_sweep_run(&s, &c, &e), GL_OK);
    ck_assert_int_eq(nran(), 0);
    same_sweep(s, ref);
    gl_sweep_free(s);
    /* the same sweep twice in one journal: refused, its results would mix */
    ck_assert_int_eq(gl_sweep_run(&s, &c, &e), GL_EINVAL);
    ck_assert_ptr_nonnull(strstr(e.msg, "two sweeps labelled \"test sweep\""));
    gl_journal_free(m);

    /* a slice missing from a merge: the run is named */
    ck_assert_int_eq(gl_journal_open(&m, NULL, SET, 0, &e), GL_OK);
    ck_assert_int_eq(gl_journal_load(m, path_in("s0/journal.tsv"), NULL, NULL, &e), GL_OK);
    ck_assert_int_eq(gl_journal_load(m, path_in("s0/journal.tsv"), NULL, NULL, &e), GL_EINVAL);
    ck_assert_ptr_nonnull(strstr(e.msg, "held twice"));
    gl_journal_free(m);
    ck_assert_int_eq(gl_journal_open(&m, NULL, SET, 0, &e), GL_OK);
    ck_assert_int_eq(gl_journal_load(m, path_in("s0/journal.tsv"), NULL, NULL, &e), GL_OK);
    c = cfg_of(m, 0, 1);
    c.journal_only = 1;
    ck_assert_int_eq(gl_sweep_run(&s, &c, &e), GL_EINVAL);
    ck_assert_ptr_nonnull(strstr(e.msg, "\"test sweep\" a/x, seed 6, is in none of the slices"));
    gl_journal_free(m);
    gl_sweep_free(ref);
}
END_TEST

/* an interrupted whole sweep (some runs in the journal): only the rest run,
 * with the thread count of the resumed run irrelevant */
START_TEST(test_resume_whole)
{
    gl_err e;
    gl_sweep *ref, *s;
    gl_sweep_cfg c = cfg_of(NULL, 0, 1);
    ck_assert_int_eq(gl_sweep_run(&ref, &c, &e), GL_OK);
    gl_journal *j;
    const char *p = path_in("journal.tsv");
    ck_assert_int_eq(gl_journal_open(&j, p, SET, 0, &e), GL_OK);
    c = cfg_of(j, 1, 2); /* half the runs, as if interrupted */
    ck_assert_int_eq(gl_sweep_run(&s, &c, &e), GL_ESLICE);
    gl_journal_free(j);
    ck_assert_int_eq(gl_journal_open(&j, p, SET, 0, &e), GL_OK);
    memset(ran, 0, sizeof ran);
    c = cfg_of(j, 0, 1);
    c.threads = 1;
    ck_assert_int_eq(gl_sweep_run(&s, &c, &e), GL_OK);
    for (size_t r = 0; r < 12; r++)
        ck_assert_int_eq(ran[r / 4][r % 4], r % 2 == 0);
    ck_assert_uint_eq(gl_journal_count(j), 12);
    same_sweep(s, ref);
    gl_sweep_free(s);
    gl_journal_free(j);
    /* a slice that does not exist */
    c = cfg_of(NULL, 3, 3);
    ck_assert_int_eq(gl_sweep_run(&s, &c, &e), GL_EINVAL);
    gl_sweep_free(ref);
}
END_TEST

Suite *journal_suite(void)
{
    Suite *s = suite_create("journal");
    TCase *c = tcase_create("core");
    tcase_add_checked_fixture(c, gl_test_mkdir, gl_test_rmdir);
    tcase_add_test(c, test_round_trip);
    tcase_add_test(c, test_cut_record);
    tcase_add_test(c, test_resume_and_slices);
    tcase_add_test(c, test_resume_whole);
    suite_add_tcase(s, c);
    return s;
}
