/* testutil.h — assertions and fixtures shared by the Check suites. */
#ifndef GL_TESTUTIL_H
#define GL_TESTUTIL_H

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

#endif
