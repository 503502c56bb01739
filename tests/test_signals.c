/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test_signals.c — SIGINT and SIGTERM during `train` and `exp` (issue 19,
 * interruption): the conventional exit status 128 + the signal; train keeps
 * the rows so far as log.tsv with a "# status: interrupted at step N" line;
 * exp replaces nothing; neither leaves a NAME.tmp.PID behind. The signal is
 * sent once a temporary file exists, i.e. in the middle of writing. */
#include <check.h>
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "testutil.h"

/* runs "$GL_BIN args" (output to dir/stderr.txt), sends sig once dir holds a
 * temporary file (at most 60 s), and returns the exit status */
static int run_and_signal(const char *args, const char *dir, int sig)
{
    const char *bin = getenv("GL_BIN");
    ck_assert_msg(bin != NULL, "GL_BIN not set");
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "exec %s %s >/dev/null 2>%s/stderr.txt", bin, args, dir);
    pid_t pid = fork();
    ck_assert(pid >= 0);
    if (pid == 0) {
        execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
        _exit(127);
    }
    struct timespec ts = {0, 20 * 1000 * 1000};
    for (int i = 0; i < 3000 && gl_test_tmp_files(dir) == 0; i++)
        nanosleep(&ts, NULL);
    ck_assert_msg(gl_test_tmp_files(dir) > 0, "%s: no temporary file appeared", args);
    kill(pid, sig);
    int st;
    ck_assert(waitpid(pid, &st, 0) == pid);
    ck_assert_msg(WIFEXITED(st), "%s: killed instead of exiting (status %d)", args, st);
    return WEXITSTATUS(st);
}

static char *slurp(const char *path)
{
    static char buf[1 << 20];
    FILE *f = fopen(path, "r");
    size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
    if (f)
        fclose(f);
    buf[n] = 0;
    return buf;
}

START_TEST(test_train_interrupted)
{
    static const int sigs[2] = {SIGINT, SIGTERM};
    for (int k = 0; k < 2; k++) {
        char dir[64], args[256], path[128];
        strcpy(dir, "/tmp/ganlab-sig-XXXXXX");
        ck_assert_ptr_nonnull(mkdtemp(dir));
        snprintf(args, sizeof args, "train --data '0.5*N(-2,0.5)+0.5*N(2,0.5)' --steps 50000000 --log-every 2000 "
                                    "--out %s", dir);
        ck_assert_int_eq(run_and_signal(args, dir, sigs[k]), 128 + sigs[k]);
        ck_assert_int_eq(gl_test_tmp_files(dir), 0);
        snprintf(path, sizeof path, "%s/log.tsv", dir);
        const char *log = slurp(path);
        ck_assert_msg(strstr(log, "# status: interrupted at step ") != NULL, "log.tsv:\n%.400s", log);
        ck_assert_msg(strstr(log, "\n2000\t") != NULL, "no rows kept:\n%.400s", log);
        snprintf(path, sizeof path, "%s/stderr.txt", dir);
        ck_assert_msg(strstr(slurp(path), k ? "interrupted by SIGTERM" : "interrupted by SIGINT"), "stderr: %s",
                      slurp(path));
        snprintf(args, sizeof args, "rm -rf %s", dir);
        ck_assert_int_eq(system(args), 0);
    }
}
END_TEST

START_TEST(test_exp_interrupted)
{
    static const int sigs[2] = {SIGINT, SIGTERM};
    for (int k = 0; k < 2; k++) {
        char dir[64], args[256], path[128];
        strcpy(dir, "/tmp/ganlab-sig-XXXXXX");
        ck_assert_ptr_nonnull(mkdtemp(dir));
        snprintf(path, sizeof path, "%s/claims.tsv", dir);
        FILE *f = fopen(path, "w");
        ck_assert_ptr_nonnull(f);
        fputs("the previous results\n", f);
        fclose(f);
        snprintf(args, sizeof args, "exp fgan-fit --quick --out %s", dir);
        ck_assert_int_eq(run_and_signal(args, dir, sigs[k]), 128 + sigs[k]);
        ck_assert_int_eq(gl_test_tmp_files(dir), 0);
        ck_assert_str_eq(slurp(path), "the previous results\n");
        snprintf(args, sizeof args, "rm -rf %s", dir);
        ck_assert_int_eq(system(args), 0);
    }
}
END_TEST

Suite *signals_suite(void)
{
    Suite *s = suite_create("signals");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_train_interrupted);
    tcase_add_test(tc, test_exp_interrupted);
    suite_add_tcase(s, tc);
    return s;
}
