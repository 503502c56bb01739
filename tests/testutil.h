/* SPDX-License-Identifier: GPL-3.0-or-later */
/* testutil.h — assertions and fixtures shared by the Check suites. */
#ifndef GL_TESTUTIL_H
#define GL_TESTUTIL_H

#include <check.h>
#include <dirent.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* assertions that print the numbers */
#define ASSERT_REL(got, want, rtol)                                            \
    do {                                                                       \
        double g_ = (got), w_ = (want);                                        \
        ck_assert_msg(fabs(g_ - w_) <= (rtol) * fabs(w_),                      \
                      "%s = %.17g, want %.17g (rel err %.3g > %.1g)", #got,   \
                      g_, w_, fabs(g_ - w_) / fabs(w_), (double)(rtol));      \
    } while (0)

#define ASSERT_ABS(got, want, atol)                                            \
    do {                                                                       \
        double g_ = (got), w_ = (want);                                        \
        ck_assert_msg(fabs(g_ - w_) <= (atol),                                 \
                      "%s = %.17g, want %.17g (abs err %.3g > %.1g)", #got,   \
                      g_, w_, fabs(g_ - w_), (double)(atol));                 \
    } while (0)

/* A fresh temporary directory per test (tcase_add_checked_fixture). */
static char gl_test_dir[64];

static inline void gl_test_mkdir(void)
{
    strcpy(gl_test_dir, "/tmp/ganlab-test-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(gl_test_dir));
}

static inline void gl_test_rmdir(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", gl_test_dir);
    ck_assert_int_eq(system(cmd), 0);
}

/* Reads the file path into buf (truncated to size - 1 bytes) and removes it. */
static inline void gl_test_take(const char *path, char *buf, size_t size)
{
    FILE *f = fopen(path, "r");
    ck_assert_msg(f != NULL, "cannot read %s", path);
    size_t n = fread(buf, 1, size - 1, f);
    buf[n] = '\0';
    fclose(f);
    remove(path);
}

/* The number of files in dir whose name contains ".tmp." (the temporaries
 * of gl_rec and of --movie); 0 if dir does not exist. */
static inline int gl_test_tmp_files(const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;
    if (!d)
        return 0;
    for (struct dirent *e; (e = readdir(d));)
        n += strstr(e->d_name, ".tmp.") != NULL;
    closedir(d);
    return n;
}

/* Runs "$GL_BIN args" through the shell (args may redirect stdin), capturing
 * stdout into out and stderr into err; returns the exit status. GL_BIN is
 * set by make check. */
static inline int gl_test_run(const char *args, char *out, size_t nout, char *err, size_t nerr)
{
    const char *bin = getenv("GL_BIN");
    char cmd[4096], po[64], pe[64];
    ck_assert_msg(bin != NULL, "GL_BIN is not set (run through make check)");
    snprintf(po, sizeof po, "/tmp/ganlab-run-out.%d", (int)getpid());
    snprintf(pe, sizeof pe, "/tmp/ganlab-run-err.%d", (int)getpid());
    snprintf(cmd, sizeof cmd, "%s %s >%s 2>%s", bin, args, po, pe);
    int st = system(cmd);
    ck_assert_msg(WIFEXITED(st), "%s did not exit normally", cmd);
    gl_test_take(po, out, nout);
    gl_test_take(pe, err, nerr);
    return WEXITSTATUS(st);
}

/* gl_test_run with the arguments formatted printf-style */
static inline int gl_test_runf(char *out, size_t nout, char *err, size_t nerr, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;
static inline int gl_test_runf(char *out, size_t nout, char *err, size_t nerr, const char *fmt, ...)
{
    char args[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(args, sizeof args, fmt, ap);
    va_end(ap);
    return gl_test_run(args, out, nout, err, nerr);
}

#endif
