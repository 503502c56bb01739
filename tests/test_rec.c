/* tests for src/rec.c: atomic writes, metadata, the claims table. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "rec.h"
#include "testutil.h"


static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    static char buf[8192];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static int count_files(const char *d)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "ls -A %s | wc -l", d);
    FILE *p = popen(cmd, "r");
    int n = -1;
    ck_assert_int_eq(fscanf(p, "%d", &n), 1);
    pclose(p);
    return n;
}

START_TEST(test_commit_writes_meta_header_rows)
{
    gl_rec *r;
    gl_tsv *t;
    char path[128];
    ck_assert_int_eq(gl_rec_begin(&r, gl_test_dir, NULL), GL_OK);
    gl_rec_meta(r, "experiment", "%s", "demo");
    ck_assert_int_eq(gl_rec_open(r, "a.tsv", &t, NULL), GL_OK);
    gl_tsv_meta(t, "note", "two\nlines");
    gl_tsv_header(t, 3, (const char *const[]){"x", "y", "z"});
    gl_tsv_row(t, 3, (const double[]){1.5, INFINITY, NAN});
    snprintf(path, sizeof path, "%s/a.tsv", gl_test_dir);
    ck_assert_ptr_null(slurp(path)); /* nothing in place before commit */
    ck_assert_int_eq(gl_rec_commit(r, NULL), GL_OK);
    gl_rec_free(r);
    ck_assert_str_eq(slurp(path), "# experiment: demo\n# note: two lines\nx\ty\tz\n1.5\tinf\tnan\n");
    ck_assert_int_eq(count_files(gl_test_dir), 1); /* no temporary left */
}
END_TEST

/* the one number policy (digits), text cells with tabs and newlines made
 * spaces, gnuplot blocks and scan lines */
START_TEST(test_cells_digits_blocks)
{
    gl_rec *r;
    gl_tsv *t;
    char path[128];
    ck_assert_int_eq(gl_rec_begin(&r, gl_test_dir, NULL), GL_OK);
    ck_assert_int_eq(gl_rec_open(r, "c.tsv", &t, NULL), GL_OK);
    gl_tsv_header(t, 2, (const char *const[]){"name", "v"});
    ck_assert_int_eq(gl_tsv_cells(t, 2, (gl_tsv_cell[]){{.text = "a\tb\nc"}, {.num = 1.0 / 3}}), GL_OK);
    ck_assert_int_eq(gl_tsv_digits(t, 17), GL_OK);
    ck_assert_int_eq(gl_tsv_cells(t, 2, (gl_tsv_cell[]){{.text = "x"}, {.num = 0.1}}), GL_OK);
    ck_assert_int_eq(gl_tsv_digits(t, 0), GL_EINVAL);
    ck_assert_int_eq(gl_tsv_digits(t, 18), GL_EINVAL);
    ck_assert_int_eq(gl_tsv_digits(t, 3), GL_OK);
    ck_assert_int_eq(gl_tsv_block(t), GL_OK);
    ck_assert_int_eq(gl_tsv_row(t, 2, (const double[]){-INFINITY, 2.0 / 3}), GL_OK);
    ck_assert_int_eq(gl_tsv_scan(t), GL_OK);
    ck_assert_int_eq(gl_tsv_done(t, NULL), GL_OK);
    ck_assert_int_eq(gl_rec_commit(r, NULL), GL_OK);
    gl_rec_free(r);
    snprintf(path, sizeof path, "%s/c.tsv", gl_test_dir);
    ck_assert_str_eq(slurp(path), "name\tv\na b c\t0.3333333333\nx\t0.10000000000000001\n\n\n"
                                  "-inf\t0.667\n\n");
}
END_TEST

/* A write that fails (here: the file size limit, as a full disk would) makes
 * every later writer return GL_EIO and the commit refuse to rename: the
 * previous file stays, no temporary is left. In a child process, so that the
 * limit cannot touch the test runner. */
START_TEST(test_write_error_reported)
{
    char path[128];
    snprintf(path, sizeof path, "%s/big.tsv", gl_test_dir);
    FILE *f = fopen(path, "w");
    fputs("previous\n", f);
    fclose(f);
    pid_t pid = fork();
    ck_assert_int_ne(pid, -1);
    if (pid == 0) {
        struct rlimit rl = {4096, 4096};
        signal(SIGXFSZ, SIG_IGN);
        if (setrlimit(RLIMIT_FSIZE, &rl) != 0)
            _exit(10);
        gl_rec *r;
        gl_tsv *t;
        gl_err e;
        if (gl_rec_begin(&r, gl_test_dir, &e) || gl_rec_open(r, "big.tsv", &t, &e))
            _exit(11);
        int first_eio = -1;
        for (int i = 0; i < 5000 && first_eio < 0; i++)
            if (gl_tsv_row(t, 3, (const double[]){i, i * 0.5, i * 0.25}) == GL_EIO)
                first_eio = i;
        if (first_eio < 0)
            _exit(12); /* the failure was never reported */
        if (gl_tsv_row(t, 1, (const double[]){1}) != GL_EIO || gl_tsv_block(t) != GL_EIO)
            _exit(13); /* not sticky */
        if (gl_tsv_done(t, &e) != GL_EIO || !strstr(e.msg, "big.tsv"))
            _exit(15);
        if (gl_rec_commit(r, &e) != GL_EIO || !strstr(e.msg, "big.tsv"))
            _exit(14);
        gl_rec_free(r);
        _exit(0);
    }
    int st;
    ck_assert_int_eq(waitpid(pid, &st, 0), pid);
    ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child exit %d", WEXITSTATUS(st));
    ck_assert_str_eq(slurp(path), "previous\n");
    ck_assert_int_eq(count_files(gl_test_dir), 1); /* the temporary was removed */
}
END_TEST

START_TEST(test_uncommitted_leaves_previous_results)
{
    gl_rec *r;
    gl_tsv *t;
    char path[128];
    snprintf(path, sizeof path, "%s/a.tsv", gl_test_dir);
    FILE *f = fopen(path, "w");
    fputs("old\n", f);
    fclose(f);
    ck_assert_int_eq(gl_rec_begin(&r, gl_test_dir, NULL), GL_OK);
    ck_assert_int_eq(gl_rec_open(r, "a.tsv", &t, NULL), GL_OK);
    gl_tsv_row(t, 1, (const double[]){2});
    ck_assert_int_eq(count_files(gl_test_dir), 2); /* old file + temporary */
    gl_rec_free(r);                        /* a failed run: no commit */
    ck_assert_str_eq(slurp(path), "old\n");
    ck_assert_int_eq(count_files(gl_test_dir), 1);
}
END_TEST

START_TEST(test_claims)
{
    gl_claims cl = {0};
    ck_assert_int_eq(gl_claims_add(&cl, "eq", GL_CLAIM_EQ, 1, 1.05, 0.1, "w"), 1);
    ck_assert_int_eq(gl_claims_add(&cl, "eq_fail", GL_CLAIM_EQ, 1, 1.2, 0.1, "w"), 0);
    ck_assert_int_eq(gl_claims_add(&cl, "le", GL_CLAIM_LE, 0, 1e-12, 1e-9, "rounding\tof 1e-9"), 1);
    ck_assert_int_eq(gl_claims_add(&cl, "le_fail", GL_CLAIM_LE, 0, 1e-6, 1e-9, "w"), 0);
    ck_assert_int_eq(gl_claims_add(&cl, "ge", GL_CLAIM_GE, 7.5, 7.6, 0, "w"), 1);
    ck_assert_int_eq(gl_claims_add(&cl, "nan", GL_CLAIM_EQ, 0, NAN, INFINITY, "w"), 0);
    ck_assert_uint_eq(gl_claims_failed(&cl), 3);
    gl_rec *r;
    char path[128];
    ck_assert_int_eq(gl_rec_begin(&r, gl_test_dir, NULL), GL_OK);
    ck_assert_int_eq(gl_rec_claims(r, &cl, NULL), GL_OK);
    ck_assert_int_eq(gl_rec_commit(r, NULL), GL_OK);
    gl_rec_free(r);
    snprintf(path, sizeof path, "%s/claims.tsv", gl_test_dir);
    const char *s = slurp(path);
    ck_assert_ptr_nonnull(strstr(s, "claim\texpected\tmeasured\ttol\tstatus\trelation\twhy\n"));
    ck_assert_ptr_nonnull(strstr(s, "eq_fail\t1\t1.2\t0.1\tFAIL\t|m-e|<=tol\tw\n"));
    /* the why is the last column, a tab in it a space */
    ck_assert_ptr_nonnull(strstr(s, "le\t0\t1e-12\t1e-09\tPASS\tm<=e+tol\trounding of 1e-9\n"));
}
END_TEST

/* A claim without its reason never passes, however good the number. */
START_TEST(test_claims_need_a_why)
{
    gl_claims cl = {0};
    ck_assert_int_eq(gl_claims_add(&cl, "null_why", GL_CLAIM_EQ, 1, 1, 0.1, NULL), 0);
    ck_assert_int_eq(gl_claims_add(&cl, "empty_why", GL_CLAIM_LE, 0, -1, 0, ""), 0);
    ck_assert_uint_eq(gl_claims_failed(&cl), 2);
    ck_assert_str_eq(cl.c[0].why, "");
    char longer[2 * GL_CLAIM_WHYLEN];
    memset(longer, 'x', sizeof longer - 1);
    longer[sizeof longer - 1] = 0;
    ck_assert_int_eq(gl_claims_add(&cl, "long_why", GL_CLAIM_EQ, 1, 1, 0, longer), 1);
    ck_assert_uint_eq(strlen(cl.c[2].why), GL_CLAIM_WHYLEN - 1); /* cut, not overrun */
}
END_TEST

START_TEST(test_errors)
{
    gl_rec *r;
    gl_err e;
    char path[160];
    snprintf(path, sizeof path, "%s/file", gl_test_dir);
    FILE *f = fopen(path, "w");
    fclose(f);
    snprintf(path, sizeof path, "%s/file/sub", gl_test_dir);
    ck_assert_int_eq(gl_rec_begin(&r, path, &e), GL_OK);
    gl_tsv *t;
    ck_assert_int_eq(gl_rec_open(r, "a.tsv", &t, &e), GL_EIO); /* a file is in the way */
    ck_assert_ptr_null(t);
    ck_assert_ptr_nonnull(strstr(e.msg, "file/sub"));
    gl_rec_free(r);
    ck_assert_int_eq(gl_rec_begin(&r, "", &e), GL_EINVAL);
    ck_assert_ptr_null(r);
    /* nothing opened, nothing created */
    snprintf(path, sizeof path, "%s/never", gl_test_dir);
    ck_assert_int_eq(gl_rec_begin(&r, path, &e), GL_OK);
    gl_rec_free(r);
    ck_assert_int_ne(access(path, F_OK), 0);
}
END_TEST

Suite *rec_suite(void)
{
    Suite *s = suite_create("rec");
    TCase *c = tcase_create("core");
    tcase_add_checked_fixture(c, gl_test_mkdir, gl_test_rmdir);
    tcase_add_test(c, test_commit_writes_meta_header_rows);
    tcase_add_test(c, test_cells_digits_blocks);
    tcase_add_test(c, test_uncommitted_leaves_previous_results);
    tcase_add_test(c, test_claims);
    tcase_add_test(c, test_claims_need_a_why);
    suite_add_tcase(s, c);
    TCase *e = tcase_create("errors");
    tcase_add_checked_fixture(e, gl_test_mkdir, gl_test_rmdir);
    tcase_add_test(e, test_errors);
    tcase_add_test(e, test_write_error_reported);
    suite_add_tcase(s, e);
    return s;
}
