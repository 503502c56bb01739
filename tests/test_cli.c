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

static char out[65536], err[8192];

/* Reads and removes the file /tmp/ganlab-cli-WHAT.PID into buf. */
static void take(const char *what, char *buf, size_t size)
{
    char p[64];
    snprintf(p, sizeof p, "/tmp/ganlab-cli-%s.%d", what, (int)getpid());
    FILE *f = fopen(p, "r");
    ck_assert_msg(f != NULL, "cannot read %s", p);
    size_t n = fread(buf, 1, size - 1, f);
    buf[n] = '\0';
    fclose(f);
    remove(p);
}

/* Runs "$GL_BIN args", capturing stdout and stderr; returns the exit status. */
static int ganlab(const char *args)
{
    const char *bin = getenv("GL_BIN");
    char cmd[4096];
    ck_assert_msg(bin != NULL, "GL_BIN is not set (run through make check)");
    snprintf(cmd, sizeof cmd, "%s %s >/tmp/ganlab-cli-out.%d 2>/tmp/ganlab-cli-err.%d", bin, args,
             (int)getpid(), (int)getpid());
    int st = system(cmd);
    ck_assert_msg(WIFEXITED(st), "%s did not exit normally", cmd);
    take("out", out, sizeof out);
    take("err", err, sizeof err);
    return WEXITSTATUS(st);
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
    ck_assert_int_eq(lines(out), 10);
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
    ck_assert_int_eq(ganlab("exp optimal-d --help"), 0);
    ck_assert_ptr_nonnull(strstr(out, "--pdata"));
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
    TCase *e = tcase_create("errors");
    tcase_set_timeout(e, 30);
    tcase_add_test(e, test_errors_exit_2);
    suite_add_tcase(s, e);
    return s;
}
