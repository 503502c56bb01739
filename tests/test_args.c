/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test_args.c — src/args.c: the length of a plain decimal number, whole-text
 * doubles and integers, and the table-driven --option parser gl_args_parse
 * with every kind of option, its ranges and its messages. */
#include <check.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "args.h"
#include "testutil.h"

#define ASSERT_HAS(msg, sub)                                                   \
    ck_assert_msg(strstr((msg), (sub)) != NULL, "message \"%s\" lacks \"%s\"", (msg), (sub))

/* ------------------------------------------------------------ the table */

static const char *o_out;
static size_t o_steps, o_n;
static unsigned long o_seed;
static double o_lr, o_temp, o_any;
static int o_quick, o_verbose, o_colour, o_ntags;
static char o_tags[4][16];
static int seen_out, seen_steps, seen_seed, seen_lr, seen_temp, seen_quick, seen_colour, seen_tag;

/* GL_ARG_FN: a name from a list */
static int parse_colour(const char *text, void *dst, gl_err *err)
{
    static const char *names[] = {"red", "green", "blue"};
    for (int i = 0; i < 3; i++)
        if (!strcmp(text, names[i])) {
            *(int *)dst = i;
            return GL_OK;
        }
    return gl_err_set(err, GL_EINVAL, "unknown colour \"%s\" (red, green, blue)", text);
}

/* GL_ARG_FN: a repeatable option, each one appends */
static int parse_tag(const char *text, void *dst, gl_err *err)
{
    (void)dst;
    if (o_ntags == 4)
        return gl_err_set(err, GL_EINVAL, "at most 4 tags");
    if (strlen(text) >= sizeof o_tags[0])
        return gl_err_set(err, GL_EINVAL, "tag too long");
    strcpy(o_tags[o_ntags++], text);
    return GL_OK;
}

static const gl_argspec SPECS[] = {
    {.name = "out", .type = GL_ARG_STR, .dst = &o_out, .seen = &seen_out},
    {.name = "steps", .type = GL_ARG_SIZE, .dst = &o_steps, .min = 1, .max = 1e8, .seen = &seen_steps},
    {.name = "n", .type = GL_ARG_SIZE, .dst = &o_n, .min = 2, .max = 5},
    {.name = "seed", .type = GL_ARG_ULONG, .dst = &o_seed, .seen = &seen_seed},
    {.name = "lr", .type = GL_ARG_DOUBLE, .dst = &o_lr, .min = 0, .max = 1, .open_min = 1,
     .seen = &seen_lr},
    {.name = "temp", .type = GL_ARG_DOUBLE, .dst = &o_temp, .min = -1, .max = 1, .seen = &seen_temp},
    {.name = "any", .type = GL_ARG_DOUBLE, .dst = &o_any},
    {.name = "quick", .type = GL_ARG_FLAG, .dst = &o_quick, .seen = &seen_quick},
    {.name = "verbose", .type = GL_ARG_FLAG, .dst = &o_verbose},
    {.name = "colour", .type = GL_ARG_FN, .dst = &o_colour, .parse = parse_colour,
     .seen = &seen_colour},
    {.name = "tag", .type = GL_ARG_FN, .dst = NULL, .parse = parse_tag, .seen = &seen_tag},
};
#define NSPECS (sizeof SPECS / sizeof *SPECS)

static void reset(void)
{
    o_out = "default";
    o_steps = 10;
    o_n = 3;
    o_seed = 1;
    o_lr = 0.5;
    o_temp = 0;
    o_any = 0;
    o_quick = o_verbose = 0;
    o_colour = -1;
    o_ntags = 0;
    memset(o_tags, 0, sizeof o_tags);
    seen_out = seen_steps = seen_seed = seen_lr = seen_temp = seen_quick = seen_colour = seen_tag = 0;
}

static gl_err perr;

/* gl_args_parse on the literal arguments */
#define PARSE(...)                                                             \
    gl_args_parse((int)(sizeof((char *[]){__VA_ARGS__}) / sizeof(char *)),    \
                  (char *[]){__VA_ARGS__}, SPECS, NSPECS, &perr)

/* the arguments fail with GL_EINVAL and a message holding sub */
#define PARSE_FAILS(sub, ...)                                                  \
    do {                                                                       \
        gl_err_clear(&perr);                                                   \
        int st_ = PARSE(__VA_ARGS__);                                          \
        ck_assert_msg(st_ == GL_EINVAL, "%s: status %d, want GL_EINVAL (%s)",  \
                      #__VA_ARGS__, st_, perr.msg);                            \
        ck_assert_int_eq(perr.status, GL_EINVAL);                              \
        ck_assert_msg(strstr(perr.msg, (sub)) != NULL,                         \
                      "%s: message \"%s\" lacks \"%s\"", #__VA_ARGS__,         \
                      perr.msg, (sub));                                        \
    } while (0)

#define PARSE_OK(...)                                                          \
    do {                                                                       \
        gl_err_clear(&perr);                                                   \
        int st_ = PARSE(__VA_ARGS__);                                          \
        ck_assert_msg(st_ == GL_OK, "%s: status %d: %s", #__VA_ARGS__, st_,    \
                      perr.msg);                                               \
    } while (0)

/* ------------------------------------------------------------------ core */

/* the behaviours a review found wrong and that were fixed: underflow is a
 * number; "x > 0, no maximum" is a range; a refused value changes nothing;
 * an option is not the value of the one before it; integers compare as
 * integers */
START_TEST(test_review_fixes)
{
    double x = 0;
    ck_assert_int_eq(gl_args_double("--x", "1e-310", &x, NULL), GL_OK);
    ck_assert(x > 0 && x < 1e-300);
    ck_assert_int_eq(gl_args_double("--x", "1e-400", &x, NULL), GL_OK);
    ck_assert(x == 0);
    double pos = 7, frac = 0.5;
    size_t big = 3, cnt = 3;
    const char *out = NULL;
    int quick = 0;
    const gl_argspec sp[] = {
        {.name = "pos", .type = GL_ARG_DOUBLE, .dst = &pos, .open_min = 1},
        {.name = "frac", .type = GL_ARG_DOUBLE, .dst = &frac, .min = 0, .max = 1},
        {.name = "big", .type = GL_ARG_SIZE, .dst = &big, .min = 0, .max = 9007199254740992.0},
        {.name = "cnt", .type = GL_ARG_SIZE, .dst = &cnt, .min = 0, .max = 10, .open_min = 1},
        {.name = "out", .type = GL_ARG_STR, .dst = &out},
        {.name = "quick", .type = GL_ARG_FLAG, .dst = &quick},
    };
    gl_err e;
    ck_assert_int_eq(gl_args_parse(2, (char *[]){"--pos", "-5"}, sp, 6, &e), GL_EINVAL);
    ck_assert_str_eq(e.msg, "--pos must be > 0, got -5");
    ck_assert_int_eq(gl_args_parse(2, (char *[]){"--pos", "1e9"}, sp, 6, &e), GL_OK);
    ck_assert(pos == 1e9);
    ck_assert_int_eq(gl_args_parse(2, (char *[]){"--frac", "7"}, sp, 6, &e), GL_EINVAL);
    ck_assert(frac == 0.5); /* unchanged */
    ck_assert_int_eq(gl_args_parse(2, (char *[]){"--cnt", "0"}, sp, 6, &e), GL_EINVAL);
    ck_assert_str_eq(e.msg, "--cnt must be in 1..10, got 0");
    ck_assert(cnt == 3);
    ck_assert_int_eq(gl_args_parse(2, (char *[]){"--big", "9007199254740993"}, sp, 6, &e), GL_EINVAL);
    ck_assert(big == 3);
    ck_assert_int_eq(gl_args_parse(2, (char *[]){"--big", "9007199254740992"}, sp, 6, &e), GL_OK);
    ck_assert(big == 9007199254740992ULL);
    ck_assert_int_eq(gl_args_parse(2, (char *[]){"--out", "--quick"}, sp, 6, &e), GL_EINVAL);
    ck_assert_str_eq(e.msg, "option --out needs a value");
    ck_assert(out == NULL && quick == 0);
    ck_assert_int_eq(gl_args_parse(1, (char *[]){"--out=--odd"}, sp, 6, &e), GL_OK);
    ck_assert_str_eq(out, "--odd"); /* the = form takes anything */
}
END_TEST

START_TEST(test_number_len)
{
    static const struct {
        const char *s;
        size_t len;
    } cases[] = {
        {"1", 1},     {"-1.5e3", 6}, {".5", 2},     {"5.", 2},    {"1e", 1},     {"1e+", 1},
        {"+.e1", 0},  {"abc", 0},    {"0x10", 1},   {"nan", 0},   {"inf", 0},    {"1.2.3", 3},
        {"", 0},      {"-", 0},      {"+", 0},      {".", 0},     {"-.5", 3},    {"+5", 2},
        {"1E-2", 4},  {"1e5x", 3},   {"12abc", 2},  {"e5", 0},    {"-e5", 0},    {"1e-", 1},
        {"00012", 5}, {"1.5e+10", 7}, {" 1", 0},    {"1 ", 1},    {"1,5", 1},    {"-inf", 0},
        {"1ee5", 1},  {"1e5.5", 3},  {"0.000", 5},  {"--1", 0},   {"1e1e1", 3},  {"123456789012345678901234567890", 30},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        ck_assert_msg(gl_args_number_len(cases[i].s) == cases[i].len,
                      "gl_args_number_len(\"%s\") = %zu, want %zu", cases[i].s,
                      gl_args_number_len(cases[i].s), cases[i].len);
}
END_TEST

START_TEST(test_double_accepts)
{
    static const struct {
        const char *s;
        double x;
    } cases[] = {
        {"1", 1.0},         {"-1.5e3", -1500.0}, {".5", 0.5},   {"5.", 5.0},       {"+2", 2.0},
        {"0", 0.0},         {"1E2", 100.0},      {"1e-5", 1e-5}, {"-.25", -0.25}, {"1e308", 1e308},
        {"0.1", 0.1},       {"3.141592653589793", 3.141592653589793},
        {"00012", 12.0},    {"1.5e+10", 1.5e10}, {"-1e-300", -1e-300},
    };
    gl_err e;
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        double x = -42;
        gl_err_clear(&e);
        int st = gl_args_double("--x", cases[i].s, &x, &e);
        ck_assert_msg(st == GL_OK, "\"%s\": %s", cases[i].s, e.msg);
        ck_assert_msg(x == cases[i].x, "\"%s\" -> %.17g, want %.17g", cases[i].s, x, cases[i].x);
    }
    double x = 1;
    ck_assert_int_eq(gl_args_double("--x", "-0", &x, NULL), GL_OK);
    ck_assert(x == 0 && signbit(x));
}
END_TEST

START_TEST(test_integers_accept)
{
    gl_err e;
    size_t z = 7;
    unsigned long u = 7;
    ck_assert_int_eq(gl_args_size("--n", "0", &z, &e), GL_OK);
    ck_assert_uint_eq(z, 0);
    ck_assert_int_eq(gl_args_size("--n", "42", &z, &e), GL_OK);
    ck_assert_uint_eq(z, 42);
    ck_assert_int_eq(gl_args_size("--n", "007", &z, &e), GL_OK);
    ck_assert_uint_eq(z, 7);
    ck_assert_int_eq(gl_args_ulong("--seed", "0", &u, &e), GL_OK);
    ck_assert_uint_eq(u, 0);
    ck_assert_int_eq(gl_args_ulong("--seed", "42", &u, NULL), GL_OK);
    ck_assert_uint_eq(u, 42);
    /* the largest values */
    char buf[64];
    snprintf(buf, sizeof buf, "%zu", SIZE_MAX);
    ck_assert_int_eq(gl_args_size("--n", buf, &z, &e), GL_OK);
    ck_assert(z == SIZE_MAX);
    snprintf(buf, sizeof buf, "%lu", ULONG_MAX);
    ck_assert_int_eq(gl_args_ulong("--seed", buf, &u, &e), GL_OK);
    ck_assert(u == ULONG_MAX);
    ck_assert_int_eq(gl_args_ulong("--seed", "4294967296", &u, &e), sizeof(unsigned long) > 4 ? GL_OK : GL_EINVAL);
}
END_TEST

START_TEST(test_parse_forms)
{
    reset();
    PARSE_OK("--out", "dir/a", "--steps", "500", "--n=4", "--seed", "12345678901", "--lr=0.001",
             "--temp", "-1", "--any", "-1e300", "--quick", "--colour=green");
    ck_assert_str_eq(o_out, "dir/a");
    ck_assert_uint_eq(o_steps, 500);
    ck_assert_uint_eq(o_n, 4);
    ck_assert(o_seed == 12345678901ul || sizeof(unsigned long) == 4);
    ck_assert(o_lr == 0.001);
    ck_assert(o_temp == -1.0); /* a negative value after the key */
    ck_assert(o_any == -1e300); /* min = max = 0: any */
    ck_assert_int_eq(o_quick, 1);
    ck_assert_int_eq(o_verbose, 0);
    ck_assert_int_eq(o_colour, 1);

    reset();
    PARSE_OK("--out=dir/b", "--steps=100000000", "--lr", "1", "--temp=1", "--colour", "blue",
             "--verbose");
    ck_assert_str_eq(o_out, "dir/b");
    ck_assert_uint_eq(o_steps, 100000000);
    ck_assert(o_lr == 1.0); /* the closed max */
    ck_assert(o_temp == 1.0);
    ck_assert_int_eq(o_colour, 2);
    ck_assert_int_eq(o_verbose, 1);
    ck_assert_int_eq(o_quick, 0);
    ck_assert_uint_eq(o_n, 3); /* untouched */
    ck_assert_uint_eq(o_seed, 1);

    /* the value of --key=value is everything after the first '=' */
    reset();
    PARSE_OK("--out=a=b", "--tag=x=1");
    ck_assert_str_eq(o_out, "a=b");
    ck_assert_str_eq(o_tags[0], "x=1");
    /* a value may look like an option name or start with '-' */
    reset();
    PARSE_OK("--out", "-", "--colour", "red");
    ck_assert_str_eq(o_out, "-");
    ck_assert_int_eq(o_colour, 0);
    /* nothing at all */
    reset();
    ck_assert_int_eq(gl_args_parse(0, NULL, SPECS, NSPECS, &perr), GL_OK);
    ck_assert_uint_eq(o_steps, 10);
}
END_TEST

START_TEST(test_parse_override)
{
    reset();
    PARSE_OK("--steps", "5", "--lr=0.1", "--steps=7", "--out", "a", "--out=b", "--lr", "0.2",
             "--colour", "red", "--colour=blue", "--quick", "--quick");
    ck_assert_uint_eq(o_steps, 7);
    ck_assert(o_lr == 0.2);
    ck_assert_str_eq(o_out, "b");
    ck_assert_int_eq(o_colour, 2);
    ck_assert_int_eq(o_quick, 1);
    /* GL_ARG_FN decides for itself: tags accumulate */
    reset();
    PARSE_OK("--tag", "a", "--tag=b", "--tag", "c");
    ck_assert_int_eq(o_ntags, 3);
    ck_assert_str_eq(o_tags[0], "a");
    ck_assert_str_eq(o_tags[1], "b");
    ck_assert_str_eq(o_tags[2], "c");
}
END_TEST

START_TEST(test_parse_seen)
{
    reset();
    PARSE_OK("--steps", "5", "--quick", "--colour=red");
    ck_assert_int_eq(seen_steps, 1);
    ck_assert_int_eq(seen_quick, 1);
    ck_assert_int_eq(seen_colour, 1);
    ck_assert_int_eq(seen_out, 0);
    ck_assert_int_eq(seen_seed, 0);
    ck_assert_int_eq(seen_lr, 0);
    ck_assert_int_eq(seen_temp, 0);
    ck_assert_int_eq(seen_tag, 0);
    reset();
    PARSE_OK("--out=x", "--seed", "0", "--lr", "0.5", "--temp=0", "--tag", "t");
    ck_assert_int_eq(seen_out, 1);
    ck_assert_int_eq(seen_seed, 1);
    ck_assert_int_eq(seen_lr, 1);  /* given with the value it already had */
    ck_assert_int_eq(seen_temp, 1);
    ck_assert_int_eq(seen_tag, 1);
    ck_assert_int_eq(seen_steps, 0);
    ck_assert_int_eq(seen_quick, 0);
    ck_assert_int_eq(seen_colour, 0);
    /* a failed option is not seen */
    reset();
    PARSE_FAILS("--lr", "--lr", "7");
    ck_assert_int_eq(seen_lr, 0);
    reset();
    PARSE_FAILS("--colour", "--colour", "pink");
    ck_assert_int_eq(seen_colour, 0);
    /* nor is one after the error */
    reset();
    PARSE_FAILS("--steps", "--steps", "x", "--out", "o");
    ck_assert_int_eq(seen_out, 0);
    ck_assert_str_eq(o_out, "default");
}
END_TEST

/* ------------------------------------------------------------------ limits */

START_TEST(test_parse_ranges)
{
    reset();
    /* closed range, integers: the ends are in */
    PARSE_OK("--n", "2");
    ck_assert_uint_eq(o_n, 2);
    PARSE_OK("--n", "5");
    ck_assert_uint_eq(o_n, 5);
    PARSE_FAILS("--n must be in 2..5, got 6", "--n", "6");
    PARSE_FAILS("--n must be in 2..5, got 1", "--n=1");
    PARSE_FAILS("--steps must be in 1..100000000, got 0", "--steps", "0");
    PARSE_FAILS("--steps must be in 1..100000000, got 100000001", "--steps", "100000001");
    /* open min: the min itself is out */
    PARSE_FAILS("--lr must be in (0, 1], got 0", "--lr", "0");
    PARSE_FAILS("--lr must be in (0, 1], got -0", "--lr=-0");
    PARSE_FAILS("--lr must be in (0, 1], got -0.5", "--lr", "-0.5");
    PARSE_FAILS("--lr must be in (0, 1], got 1.5", "--lr", "1.5");
    PARSE_OK("--lr", "1e-300");
    ck_assert(o_lr == 1e-300);
    PARSE_OK("--lr", "1");
    ck_assert(o_lr == 1.0);
    /* closed min for doubles */
    PARSE_OK("--temp=-1");
    ck_assert(o_temp == -1.0);
    PARSE_FAILS("--temp must be in [-1, 1], got -1.5", "--temp", "-1.5");
    PARSE_FAILS("--temp must be in [-1, 1], got 2", "--temp", "2");
    /* min = max = 0: any value */
    PARSE_OK("--any", "1e308");
    ck_assert(o_any == 1e308);
    PARSE_OK("--any", "-1e308");
    ck_assert(o_any == -1e308);
    PARSE_OK("--seed", "18446744073709551615");
    ck_assert(o_seed == ULONG_MAX || sizeof(unsigned long) == 4);
    /* a malformed number names the option, not the range */
    PARSE_FAILS("--n: expected a non-negative integer, got \"3.0\"", "--n", "3.0");
    PARSE_FAILS("--steps: expected a non-negative integer, got \"-5\"", "--steps=-5");
    PARSE_FAILS("--seed: expected a non-negative integer, got \"1e3\"", "--seed", "1e3");
    PARSE_FAILS("--lr: expected a finite number, got \"nan\"", "--lr", "nan");
    PARSE_FAILS("--temp: expected a finite number, got \"0x1\"", "--temp=0x1");
    PARSE_FAILS("--any: expected a finite number, got \"inf\"", "--any", "inf");
}
END_TEST

/* Bounds that no integer type holds (found by tests/fuzz/options.c: the
 * conversion of 2^64 to an integer was undefined behaviour): a maximum at
 * 2^64 is no maximum, a minimum beyond it admits nothing, a negative maximum
 * admits nothing either. */
START_TEST(test_parse_int_bounds)
{
    unsigned long u = 0;
    size_t z = 0;
    const gl_argspec sp[] = {
        {.name = "all", .type = GL_ARG_ULONG, .dst = &u, .min = 0, .max = 18446744073709551615.0,
         .open_min = 1},
        {.name = "none", .type = GL_ARG_SIZE, .dst = &z, .min = 1e30},
        {.name = "neg", .type = GL_ARG_SIZE, .dst = &z, .min = -5, .max = -1},
        {.name = "big", .type = GL_ARG_SIZE, .dst = &z, .min = 1e19, .max = 1e300},
    };
    gl_err e;
    char *a1[] = {"--all", "18446744073709551615"};
    ck_assert_int_eq(gl_args_parse(2, a1, sp, 4, &e), GL_OK);
    ck_assert(u == ULONG_MAX || sizeof(unsigned long) == 4);
    char *a2[] = {"--all", "0"};
    ck_assert_int_eq(gl_args_parse(2, a2, sp, 4, &e), GL_EINVAL);
    ASSERT_HAS(e.msg, "--all must be in 1..18446744073709551616, got 0");
    char *a3[] = {"--none", "18446744073709551615"};
    ck_assert_int_eq(gl_args_parse(2, a3, sp, 4, &e), GL_EINVAL);
    ASSERT_HAS(e.msg, "--none must be >= 1000000000000000019884624838656, got 18446744073709551615");
    char *a4[] = {"--neg", "0"};
    ck_assert_int_eq(gl_args_parse(2, a4, sp, 4, &e), GL_EINVAL);
    char *a5[] = {"--big", "18446744073709551615"};
    ck_assert_int_eq(gl_args_parse(2, a5, sp, 4, &e), GL_OK);
    ck_assert(z == SIZE_MAX || sizeof(size_t) == 4);
    char *a6[] = {"--big", "9999999999999999999"};
    ck_assert_int_eq(gl_args_parse(2, a6, sp, 4, &e), GL_EINVAL);
}
END_TEST

/* ------------------------------------------------------------------ errors */

START_TEST(test_double_rejects)
{
    static const char *bad[] = {"",   "nan", "inf", "0x10", "1e400", "1 ",   " 1",    "1,5",
                                "-",  ".",   "e5",  "1e",   "1e+",   "1.2.3", "-inf", "NaN",
                                "0x1p3", "+.e1", "abc", "-1e400", "1e5x", "--1", "1_000", "\t1"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        double x = 42;
        gl_err e;
        gl_err_clear(&e);
        int st = gl_args_double("--lr", bad[i], &x, &e);
        ck_assert_msg(st == GL_EINVAL, "\"%s\" accepted as %.17g", bad[i], x);
        ck_assert_int_eq(e.status, GL_EINVAL);
        ck_assert_msg(x == 42, "\"%s\": x changed to %.17g", bad[i], x);
        ASSERT_HAS(e.msg, "--lr");
        char want[96];
        snprintf(want, sizeof want, "--lr: expected a finite number, got \"%s\"", bad[i]);
        ck_assert_str_eq(e.msg, want);
        ck_assert_int_eq(gl_args_double("--lr", bad[i], &x, NULL), GL_EINVAL);
    }
}
END_TEST

START_TEST(test_integers_reject)
{
    static const char *bad[] = {"-1",  "+1",  "1.0", "",    "99999999999999999999999",
                                " 1",  "1 ",  "0x10", "1e3", "abc", "1,000", "-0", "18446744073709551616"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        size_t z = 42;
        unsigned long u = 42;
        gl_err e;
        char want[96];
        gl_err_clear(&e);
        ck_assert_msg(gl_args_size("--steps", bad[i], &z, &e) == GL_EINVAL, "size \"%s\" accepted as %zu",
                      bad[i], z);
        ck_assert_int_eq(e.status, GL_EINVAL);
        ck_assert_msg(z == 42, "size \"%s\": changed to %zu", bad[i], z);
        snprintf(want, sizeof want, "--steps: expected a non-negative integer, got \"%s\"", bad[i]);
        ck_assert_str_eq(e.msg, want);
        gl_err_clear(&e);
        ck_assert_msg(gl_args_ulong("--seed", bad[i], &u, &e) == GL_EINVAL, "ulong \"%s\" accepted as %lu",
                      bad[i], u);
        ck_assert_msg(u == 42, "ulong \"%s\": changed to %lu", bad[i], u);
        ASSERT_HAS(e.msg, "--seed");
        ASSERT_HAS(e.msg, "non-negative integer");
        ck_assert_int_eq(gl_args_size("--steps", bad[i], &z, NULL), GL_EINVAL);
        ck_assert_int_eq(gl_args_ulong("--seed", bad[i], &u, NULL), GL_EINVAL);
    }
}
END_TEST

START_TEST(test_parse_errors)
{
    reset();
    /* unknown options: the message quotes the option, without its value */
    PARSE_FAILS("unknown option \"--bogus\"", "--bogus");
    PARSE_FAILS("unknown option \"--bogus\"", "--steps", "5", "--bogus=3");
    ck_assert_ptr_null(strstr(perr.msg, "=3"));
    PARSE_FAILS("unknown option \"--ste\"", "--ste", "5"); /* no abbreviations */
    PARSE_FAILS("unknown option \"--stepsx\"", "--stepsx=5");
    PARSE_FAILS("unknown option \"--Steps\"", "--Steps", "5");
    PARSE_FAILS("unknown option \"--\"", "--");
    PARSE_FAILS("unknown option \"--\"", "--=5");
    /* a missing value */
    PARSE_FAILS("option --steps needs a value", "--steps");
    PARSE_FAILS("option --out needs a value", "--quick", "--out");
    PARSE_FAILS("option --colour needs a value", "--colour");
    /* a value for a flag */
    PARSE_FAILS("option --quick takes no value", "--quick=1");
    PARSE_FAILS("option --quick takes no value", "--quick=");
    /* a flag followed by a word: the word is positional */
    PARSE_FAILS("unexpected argument \"yes\"", "--quick", "yes");
    /* positional arguments */
    PARSE_FAILS("unexpected argument \"foo\"", "foo");
    PARSE_FAILS("unexpected argument \"-s\"", "-s", "5");
    PARSE_FAILS("unexpected argument \"\"", "");
    PARSE_FAILS("unexpected argument \"7\"", "--steps", "5", "7");
    /* empty strings */
    PARSE_FAILS("--out needs a non-empty value", "--out=");
    PARSE_FAILS("--out needs a non-empty value", "--out", "");
    PARSE_FAILS("--steps: expected a non-negative integer, got \"\"", "--steps=");
    PARSE_FAILS("--lr: expected a finite number, got \"\"", "--lr", "");
    /* a failing FN parser: its message prefixed with "--name: " */
    PARSE_FAILS("--colour: unknown colour \"pink\" (red, green, blue)", "--colour", "pink");
    ck_assert_int_eq(strncmp(perr.msg, "--colour: ", 10), 0);
    PARSE_FAILS("--colour: unknown colour \"\"", "--colour=");
    PARSE_FAILS("--tag: at most 4 tags", "--tag", "a", "--tag", "b", "--tag", "c", "--tag", "d",
                "--tag", "e");
    ck_assert_str_eq(perr.msg, "--tag: at most 4 tags");
    reset();
    PARSE_FAILS("--tag: tag too long", "--tag=abcdefghijklmnopqrstuvwxyz");
    /* a NULL err is allowed */
    char *argv[] = {"--bogus"};
    ck_assert_int_eq(gl_args_parse(1, argv, SPECS, NSPECS, NULL), GL_EINVAL);
    char *argv2[] = {"--colour", "pink"};
    ck_assert_int_eq(gl_args_parse(2, argv2, SPECS, NSPECS, NULL), GL_EINVAL);
    /* the options before the error were taken */
    reset();
    PARSE_FAILS("unknown option", "--steps", "9", "--nope");
    ck_assert_uint_eq(o_steps, 9);
    ck_assert_int_eq(seen_steps, 1);
}
END_TEST

Suite *args_suite(void)
{
    Suite *s = suite_create("args");
    TCase *c = tcase_create("core");
    tcase_add_test(c, test_number_len);
    tcase_add_test(c, test_review_fixes);
    tcase_add_test(c, test_double_accepts);
    tcase_add_test(c, test_integers_accept);
    tcase_add_test(c, test_parse_forms);
    tcase_add_test(c, test_parse_override);
    tcase_add_test(c, test_parse_seen);
    suite_add_tcase(s, c);
    TCase *l = tcase_create("limits");
    tcase_add_test(l, test_parse_ranges);
    tcase_add_test(l, test_parse_int_bounds);
    suite_add_tcase(s, l);
    TCase *e = tcase_create("errors");
    tcase_add_test(e, test_double_rejects);
    tcase_add_test(e, test_integers_reject);
    tcase_add_test(e, test_parse_errors);
    suite_add_tcase(s, e);
    return s;
}
