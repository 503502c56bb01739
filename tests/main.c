/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The test runner: every tests/test_NAME.c defines Suite *NAME_suite(void);
 * the list comes from build/.../suites.h, generated from the file names. */
#include <check.h>
#include <stdlib.h>

#include "gl.h"

#define GL_SUITE(name) Suite *name##_suite(void);
#include "suites.h"
#undef GL_SUITE

/* test_experiments.c: the quick runs of every experiment, started here so
 * that they run while the other suites do (a no-op when the run selects
 * other suites or cases) */
void gl_test_quick_start(void);

int main(void)
{
    gl_init();
    SRunner *sr = srunner_create(NULL);
#define GL_SUITE(name) srunner_add_suite(sr, name##_suite());
#include "suites.h"
#undef GL_SUITE
    gl_test_quick_start();
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
