/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test_sched.c — src/sched.c: the learning-rate schedule gl_sched. The factor of
 * every kind against its formula (the staircase bit for bit, in the order that
 * keeps the experiments' outputs byte-identical), hold, warm-up, the clamp at
 * and beyond T, tiny loops; gl_sched_check's ranges, gl_sched_parse and
 * gl_sched_text. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <gsl/gsl_math.h>

#include "sched.h"
#include "testutil.h"

static gl_sched make(gl_sched_kind kind, double end)
{
    gl_sched s = gl_sched_default();
    s.kind = kind;
    s.end = end;
    return s;
}

/* the fields of a and b are equal (padding aside) */
static void assert_same(const gl_sched *a, const gl_sched *b, const char *what)
{
    ck_assert_msg(a->kind == b->kind, "%s: kind %d, want %d", what, (int)a->kind, (int)b->kind);
    ck_assert_msg(a->end == b->end || (isnan(a->end) && isnan(b->end)), "%s: end %.17g, want %.17g",
                  what, a->end, b->end);
    ck_assert_msg(a->hold == b->hold, "%s: hold %.17g, want %.17g", what, a->hold, b->hold);
    ck_assert_msg(a->pieces == b->pieces, "%s: pieces %zu, want %zu", what, a->pieces, b->pieces);
    ck_assert_msg(a->gamma == b->gamma, "%s: gamma %.17g, want %.17g", what, a->gamma, b->gamma);
    ck_assert_msg(a->every == b->every, "%s: every %zu, want %zu", what, a->every, b->every);
    ck_assert_msg(a->warmup == b->warmup, "%s: warmup %zu, want %zu", what, a->warmup, b->warmup);
}

#define ASSERT_HAS(msg, sub)                                                   \
    ck_assert_msg(strstr((msg), (sub)) != NULL, "message \"%s\" lacks \"%s\"", (msg), (sub))

/* ------------------------------------------------------------------ core */

START_TEST(test_default)
{
    gl_sched s = gl_sched_default();
    ck_assert_int_eq(s.kind, GL_SCHED_CONST);
    ck_assert(s.end == 0.0);
    ck_assert(s.hold == 0.0);
    ck_assert_uint_eq(s.pieces, 0);
    ck_assert(s.gamma == 0.5);
    ck_assert_uint_eq(s.every, 1000);
    ck_assert_uint_eq(s.warmup, 0);
    gl_err e;
    ck_assert_int_eq(gl_sched_check(&s, &e), GL_OK);
}
END_TEST

START_TEST(test_const)
{
    gl_sched s = gl_sched_default();
    for (size_t T = 1; T <= 50; T++)
        for (size_t t = 0; t < T + 3; t++)
            ck_assert_msg(gl_sched_factor(&s, t, T) == 1.0, "const factor(%zu, %zu) = %.17g", t, T,
                          gl_sched_factor(&s, t, T));
    /* end, hold, pieces, gamma do not touch the constant schedule */
    s.end = 0.01;
    s.hold = 0.5;
    s.pieces = 4;
    s.gamma = 0.1;
    s.every = 1;
    for (size_t t = 0; t < 200; t++)
        ck_assert(gl_sched_factor(&s, t, 100) == 1.0);
}
END_TEST

START_TEST(test_linear_every_step)
{
    const double ends[] = {0.0, 0.01, 0.05, 0.25, 0.5, 2.0};
    const size_t Ts[] = {2, 3, 101, 4000};
    for (size_t i = 0; i < sizeof ends / sizeof *ends; i++) {
        for (size_t j = 0; j < sizeof Ts / sizeof *Ts; j++) {
            double end = ends[i];
            size_t T = Ts[j];
            gl_sched s = make(GL_SCHED_LINEAR, end);
            ck_assert(gl_sched_factor(&s, 0, T) == 1.0);
            double last = gl_sched_factor(&s, T - 1, T);
            /* the last step runs at end: the formula at u = 1 ... */
            ck_assert_msg(last == 1 - (1 - end) * (double)(T - 1) / (double)(T - 1),
                          "linear end %g T %zu: last %.17g", end, T, last);
            if (end != 0)
                ASSERT_REL(last, end, 1e-14);
            /* ... bit for bit where 1 - (1 - end) is end (0, 0.25, 0.5, 2) */
            if (end == 0 || end == 0.25 || end == 0.5 || end == 2.0)
                ck_assert_msg(last == end, "linear end %g: last %.17g", end, last);
            /* every step against the formula, monotone towards end */
            double prev = 1.0;
            for (size_t t = 0; t < T; t++) {
                double f = gl_sched_factor(&s, t, T);
                double want = 1 - (1 - end) * (double)t / (double)(T - 1);
                ck_assert_msg(f == want, "linear(%g) factor(%zu, %zu) = %.17g, want %.17g", end,
                              t, T, f, want);
                if (end < 1)
                    ck_assert_msg(f <= prev && f >= end - 1e-15, "not decreasing at t = %zu", t);
                else
                    ck_assert_msg(f >= prev && f <= end + 1e-15, "not increasing at t = %zu", t);
                prev = f;
            }
        }
    }
    /* the midpoint of 101 steps is half-way */
    gl_sched s = make(GL_SCHED_LINEAR, 0.0);
    ck_assert(gl_sched_factor(&s, 50, 101) == 0.5);
    s.end = 0.2;
    ASSERT_REL(gl_sched_factor(&s, 50, 101), 0.6, 1e-15);
    ASSERT_REL(gl_sched_factor(&s, 25, 101), 0.8, 1e-15);
    /* strictly decreasing with pieces = 0: every step moves */
    for (size_t t = 1; t < 101; t++)
        ck_assert(gl_sched_factor(&s, t, 101) < gl_sched_factor(&s, t - 1, 101));
}
END_TEST

/* pieces = N: piece p = floor(t N / T), factor 1 - (1 - end) * p / (N - 1),
 * with (1 - end) * p first, then / (N - 1). */
START_TEST(test_staircase_exact)
{
    const double end = 0.01;
    const size_t N = 40, T = 4000;
    gl_sched s = make(GL_SCHED_LINEAR, end);
    s.pieces = N;
    gl_err e;
    ck_assert_int_eq(gl_sched_check(&s, &e), GL_OK);
    int order_matters = 0;
    for (size_t t = 0; t < T; t++) {
        size_t p = t * N / T;
        ck_assert_uint_eq(p, t / 100);
        double want = 1 - (1 - end) * (double)p / (double)(N - 1);
        double f = gl_sched_factor(&s, t, T);
        ck_assert_msg(f == want, "staircase factor(%zu) = %.17g, want %.17g (piece %zu)", t, f, want,
                      p);
        /* the other order gives other bits at some pieces: the test can tell them apart */
        if (want != 1 - (1 - end) * ((double)p / (double)(N - 1)))
            order_matters = 1;
        /* constant inside each piece */
        if (t % 100 != 0)
            ck_assert(f == gl_sched_factor(&s, t - 1, T));
        else if (t > 0)
            ck_assert(f < gl_sched_factor(&s, t - 1, T));
    }
    ck_assert_msg(order_matters, "the two orders agree everywhere: the test cannot tell them apart");
    /* the first piece at the base rate, the last at end */
    for (size_t t = 0; t < 100; t++)
        ck_assert(gl_sched_factor(&s, t, T) == 1.0);
    for (size_t t = T - 100; t < T; t++) {
        ck_assert(gl_sched_factor(&s, t, T) == 1 - (1 - end) * 39.0 / 39.0);
        ASSERT_REL(gl_sched_factor(&s, t, T), end, 1e-14);
    }
    /* 39 distinct values down the stairs, 40 pieces */
    int steps_down = 0;
    for (size_t t = 1; t < T; t++)
        steps_down += gl_sched_factor(&s, t, T) != gl_sched_factor(&s, t - 1, T);
    ck_assert_int_eq(steps_down, 39);
}
END_TEST

/* T not a multiple of N: the pieces are floor(t N / T) */
START_TEST(test_staircase_uneven)
{
    gl_sched s = make(GL_SCHED_LINEAR, 0.0);
    s.pieces = 4;
    const size_t T = 10;
    const size_t piece[10] = {0, 0, 0, 1, 1, 2, 2, 2, 3, 3};
    for (size_t t = 0; t < T; t++) {
        double want = 1 - (1 - 0.0) * (double)piece[t] / 3.0;
        ck_assert_msg(gl_sched_factor(&s, t, T) == want, "factor(%zu) = %.17g, want %.17g", t,
                      gl_sched_factor(&s, t, T), want);
    }
    ck_assert(gl_sched_factor(&s, 9, T) == 0.0);
    /* two pieces: half the loop at 1, half at end */
    s.pieces = 2;
    s.end = 0.5;
    for (size_t t = 0; t < 8; t++)
        ck_assert(gl_sched_factor(&s, t, 8) == (t < 4 ? 1.0 : 0.5));
}
END_TEST

/* hold: u = 0 up to position h = floor(hold (n - 1)), then (p - h) / (n - 1 - h) */
START_TEST(test_hold)
{
    gl_sched s = make(GL_SCHED_LINEAR, 0.0);
    s.hold = 0.5;
    const size_t T = 101; /* h = 50 */
    for (size_t t = 0; t < T; t++) {
        double f = gl_sched_factor(&s, t, T);
        double want = t <= 50 ? 1.0 : 1 - (1 - 0.0) * (double)(t - 50) / 50.0;
        ck_assert_msg(f == want, "hold 0.5: factor(%zu) = %.17g, want %.17g", t, f, want);
    }
    ck_assert(gl_sched_factor(&s, 75, T) == 0.5);
    ck_assert(gl_sched_factor(&s, 100, T) == 0.0);
    /* the fraction held at the base rate grows with hold */
    s.hold = 0.8;
    size_t at_base = 0;
    for (size_t t = 0; t < T; t++)
        at_base += gl_sched_factor(&s, t, T) == 1.0;
    ck_assert_uint_eq(at_base, 81); /* positions 0..80 */
    ck_assert(gl_sched_factor(&s, 100, T) == 0.0);
    /* hold on the staircase counts pieces: N = 10, h = floor(0.5 * 9) = 4 */
    s.hold = 0.5;
    s.pieces = 10;
    s.end = 0.1;
    for (size_t t = 0; t < 1000; t++) {
        size_t p = t / 100;
        double want = p <= 4 ? 1.0 : 1 - (1 - 0.1) * (double)(p - 4) / 5.0;
        ck_assert_msg(gl_sched_factor(&s, t, 1000) == want, "staircase hold factor(%zu) = %.17g",
                      t, gl_sched_factor(&s, t, 1000));
    }
    ASSERT_REL(gl_sched_factor(&s, 999, 1000), 0.1, 1e-15);
    /* cosine with hold: flat at 1, then the same cosine over the rest */
    s = make(GL_SCHED_COSINE, 0.0);
    s.hold = 0.5;
    for (size_t t = 0; t <= 50; t++)
        ck_assert(gl_sched_factor(&s, t, 101) == 1.0);
    ASSERT_REL(gl_sched_factor(&s, 75, 101), 0.5, 1e-15);
    ck_assert(gl_sched_factor(&s, 100, 101) == 0.0);
}
END_TEST

START_TEST(test_cosine)
{
    const double ends[] = {0.0, 0.1, 0.01, 0.5};
    for (size_t i = 0; i < sizeof ends / sizeof *ends; i++) {
        double end = ends[i];
        gl_sched s = make(GL_SCHED_COSINE, end);
        const size_t T = 101;
        ASSERT_REL(gl_sched_factor(&s, 0, T), 1.0, 1e-15);
        ck_assert_msg(gl_sched_factor(&s, T - 1, T) == end, "cosine end %g: last %.17g", end,
                      gl_sched_factor(&s, T - 1, T));
        ASSERT_REL(gl_sched_factor(&s, 50, T), (1 + end) / 2, 1e-15);
        /* a quarter of the way: end + (1 - end) (1 + cos(pi/4)) / 2 */
        ASSERT_REL(gl_sched_factor(&s, 25, T), end + (1 - end) * (1 + sqrt(0.5)) / 2, 1e-14);
        double prev = 2;
        for (size_t t = 0; t < T; t++) {
            double f = gl_sched_factor(&s, t, T);
            double u = (double)t / 100.0;
            ASSERT_REL(f, end + (1 - end) * 0.5 * (1 + cos(M_PI * u)), 1e-14);
            ck_assert(f <= prev);
            prev = f;
        }
        /* flat at both ends: the first and last moves are much smaller than the middle one */
        double d0 = gl_sched_factor(&s, 0, T) - gl_sched_factor(&s, 1, T);
        double dm = gl_sched_factor(&s, 50, T) - gl_sched_factor(&s, 51, T);
        double d1 = gl_sched_factor(&s, 99, T) - gl_sched_factor(&s, 100, T);
        ck_assert(d0 < 0.05 * dm && d1 < 0.05 * dm);
    }
    /* a cosine staircase: 4 pieces at u = 0, 1/3, 2/3, 1 */
    gl_sched s = make(GL_SCHED_COSINE, 0.0);
    s.pieces = 4;
    ASSERT_REL(gl_sched_factor(&s, 0, 400), 1.0, 1e-15);
    ASSERT_REL(gl_sched_factor(&s, 150, 400), 0.75, 1e-14);
    ASSERT_REL(gl_sched_factor(&s, 250, 400), 0.25, 1e-14);
    ck_assert(gl_sched_factor(&s, 399, 400) == 0.0);
}
END_TEST

START_TEST(test_step)
{
    gl_sched s = gl_sched_default();
    s.kind = GL_SCHED_STEP;
    s.gamma = 0.5;
    s.every = 10;
    for (size_t t = 0; t < 100; t++)
        ck_assert_msg(gl_sched_factor(&s, t, 100) == ldexp(1.0, -(int)(t / 10)),
                      "step factor(%zu) = %.17g", t, gl_sched_factor(&s, t, 100));
    ck_assert(gl_sched_factor(&s, 9, 100) == 1.0);
    ck_assert(gl_sched_factor(&s, 10, 100) == 0.5);
    ck_assert(gl_sched_factor(&s, 99, 100) == 0.5 * 0.5 * 0.5 * 0.5 * 0.5 * 0.5 * 0.5 * 0.5 * 0.5);
    s.gamma = 0.9;
    s.every = 1000;
    for (size_t t = 0; t < 5000; t += 7)
        ck_assert(gl_sched_factor(&s, t, 5000) == pow(0.9, (double)(t / 1000)));
    ASSERT_REL(gl_sched_factor(&s, 4999, 5000), 0.9 * 0.9 * 0.9 * 0.9, 1e-15);
    /* gamma > 1 grows; end, hold and pieces do not apply */
    s.gamma = 2;
    s.every = 1;
    s.end = 0.01;
    s.hold = 0.5;
    s.pieces = 3;
    ck_assert(gl_sched_factor(&s, 5, 10) == 32.0);
    /* every = 1 steps at every t; every > T never steps */
    s.every = 100;
    for (size_t t = 0; t < 10; t++)
        ck_assert(gl_sched_factor(&s, t, 10) == 1.0);
}
END_TEST

START_TEST(test_warmup)
{
    gl_sched s = gl_sched_default();
    s.warmup = 4;
    const double want[] = {0.25, 0.5, 0.75, 1.0, 1.0, 1.0};
    for (size_t t = 0; t < 6; t++)
        ck_assert_msg(gl_sched_factor(&s, t, 100) == want[t], "const warm-up factor(%zu) = %.17g",
                      t, gl_sched_factor(&s, t, 100));
    /* it multiplies the schedule's own factor */
    s = make(GL_SCHED_LINEAR, 0.0);
    s.warmup = 10;
    for (size_t t = 0; t < 100; t++) {
        double f = 1 - (1 - 0.0) * (double)t / 99.0;
        if (t < 10)
            f *= (double)(t + 1) / 10.0;
        ck_assert_msg(gl_sched_factor(&s, t, 100) == f, "linear warm-up factor(%zu) = %.17g, want %.17g",
                      t, gl_sched_factor(&s, t, 100), f);
    }
    ck_assert(gl_sched_factor(&s, 0, 100) == 0.1);
    s = gl_sched_default();
    s.kind = GL_SCHED_STEP;
    s.gamma = 0.5;
    s.every = 2;
    s.warmup = 8;
    ck_assert(gl_sched_factor(&s, 3, 100) == 0.5 * 4.0 / 8.0);
    ck_assert(gl_sched_factor(&s, 7, 100) == 0.125 * 1.0);
    ck_assert(gl_sched_factor(&s, 8, 100) == 0.0625);
    /* warmup = 1: the first step already at full rate */
    s = gl_sched_default();
    s.warmup = 1;
    ck_assert(gl_sched_factor(&s, 0, 10) == 1.0);
}
END_TEST

/* ------------------------------------------------------------------ limits */

START_TEST(test_clamp_beyond_T)
{
    gl_sched kinds[4];
    kinds[0] = make(GL_SCHED_LINEAR, 0.05);
    kinds[1] = make(GL_SCHED_COSINE, 0.1);
    kinds[2] = make(GL_SCHED_LINEAR, 0.01);
    kinds[2].pieces = 40;
    kinds[3] = gl_sched_default();
    kinds[3].kind = GL_SCHED_STEP;
    kinds[3].gamma = 0.5;
    kinds[3].every = 7;
    for (int k = 0; k < 4; k++) {
        const size_t T = 100;
        double last = gl_sched_factor(&kinds[k], T - 1, T);
        const size_t beyond[] = {T, T + 1, 2 * T, 1000000, (size_t)-1};
        for (size_t i = 0; i < 5; i++)
            ck_assert_msg(gl_sched_factor(&kinds[k], beyond[i], T) == last,
                          "kind %d: factor(%zu) = %.17g, want factor(T-1) = %.17g", k, beyond[i],
                          gl_sched_factor(&kinds[k], beyond[i], T), last);
    }
    /* the step schedule does not keep stepping past the end */
    ck_assert(gl_sched_factor(&kinds[3], 1000, 100) == ldexp(1.0, -(99 / 7)));
    /* warm-up counts the clamped step: a loop of 5 steps with warmup 10 ends at 5/10 */
    gl_sched w = gl_sched_default();
    w.warmup = 10;
    ck_assert(gl_sched_factor(&w, 100, 5) == 0.5);
}
END_TEST

START_TEST(test_tiny_loops)
{
    gl_sched kinds[5];
    kinds[0] = make(GL_SCHED_LINEAR, 0.05);
    kinds[1] = make(GL_SCHED_COSINE, 0.1);
    kinds[2] = make(GL_SCHED_LINEAR, 0.01);
    kinds[2].pieces = 40;
    kinds[3] = make(GL_SCHED_COSINE, 0.3);
    kinds[3].hold = 0.9;
    kinds[3].pieces = 3;
    kinds[4] = make(GL_SCHED_LINEAR, 0.0);
    kinds[4].hold = 0.5;
    for (int k = 0; k < 5; k++) {
        for (size_t T = 0; T <= 1; T++) {
            for (size_t t = 0; t < 3; t++) {
                double f = gl_sched_factor(&kinds[k], t, T);
                ck_assert_msg(isfinite(f), "kind %d: factor(%zu, T = %zu) = %g", k, t, T, f);
                /* one step: at the base rate (u = 0) */
                ck_assert_msg(f == 1.0, "kind %d: factor(%zu, T = %zu) = %.17g", k, t, T, f);
            }
        }
        /* two steps: the first at 1, the last at end (or the staircase's last piece) */
        double f0 = gl_sched_factor(&kinds[k], 0, 2), f1 = gl_sched_factor(&kinds[k], 1, 2);
        ck_assert(isfinite(f0) && isfinite(f1));
        ck_assert(f0 == 1.0);
    }
    ck_assert(gl_sched_factor(&kinds[0], 1, 2) == 1 - (1 - 0.05));
    ck_assert(gl_sched_factor(&kinds[1], 1, 2) == 0.1);
    /* T = 2 with 40 pieces: step 1 is in piece 20 of 40 */
    ck_assert(gl_sched_factor(&kinds[2], 1, 2) == 1 - (1 - 0.01) * 20.0 / 39.0);
    /* T = 0 with warm-up: no division by zero either */
    gl_sched w = make(GL_SCHED_LINEAR, 0.0);
    w.warmup = 4;
    ck_assert(gl_sched_factor(&w, 0, 0) == 0.25);
    ck_assert(gl_sched_factor(&w, 7, 0) == 0.25);
}
END_TEST

START_TEST(test_hold_near_one)
{
    /* the largest hold below 1 keeps everything finite and at most 1 */
    gl_sched s = make(GL_SCHED_LINEAR, 0.0);
    s.hold = nextafter(1.0, 0.0);
    gl_err e;
    ck_assert_int_eq(gl_sched_check(&s, &e), GL_OK);
    const size_t Ts[] = {1, 2, 3, 1000, 1u << 20};
    for (size_t i = 0; i < 5; i++)
        for (size_t t = 0; t < Ts[i]; t += 1 + Ts[i] / 50) {
            double f = gl_sched_factor(&s, t, Ts[i]);
            ck_assert_msg(isfinite(f) && f >= 0 && f <= 1, "factor(%zu, %zu) = %g", t, Ts[i], f);
        }
    /* hold 0.99 on 101 steps: h = 99, one step of decay */
    s.hold = 0.99;
    ck_assert(gl_sched_factor(&s, 99, 101) == 1.0);
    ck_assert(gl_sched_factor(&s, 100, 101) == 0.0);
}
END_TEST

START_TEST(test_check_accepts)
{
    gl_err e;
    gl_sched s = make(GL_SCHED_LINEAR, 0.0);
    ck_assert_int_eq(gl_sched_check(&s, &e), GL_OK);
    s.end = 5.0; /* up is allowed */
    ck_assert_int_eq(gl_sched_check(&s, &e), GL_OK);
    s.hold = 0.0;
    s.pieces = 2;
    ck_assert_int_eq(gl_sched_check(&s, &e), GL_OK);
    s.hold = 0.999;
    s.pieces = 0;
    ck_assert_int_eq(gl_sched_check(&s, &e), GL_OK);
    s = make(GL_SCHED_COSINE, 0.1);
    s.warmup = 100000;
    ck_assert_int_eq(gl_sched_check(&s, &e), GL_OK);
    s = gl_sched_default();
    s.kind = GL_SCHED_STEP;
    s.gamma = 1e-300;
    s.every = 1;
    ck_assert_int_eq(gl_sched_check(&s, &e), GL_OK);
    s.gamma = 3;
    ck_assert_int_eq(gl_sched_check(&s, NULL), GL_OK);
    /* gamma and every are only the step schedule's */
    s = make(GL_SCHED_LINEAR, 0.1);
    s.gamma = 0;
    s.every = 0;
    ck_assert_int_eq(gl_sched_check(&s, &e), GL_OK);
}
END_TEST

/* ------------------------------------------------------------------ errors */

static void check_rejects(const gl_sched *s, const char *sub, const char *what)
{
    gl_err e;
    gl_err_clear(&e);
    int st = gl_sched_check(s, &e);
    ck_assert_msg(st == GL_EINVAL, "%s: status %d, want GL_EINVAL", what, st);
    ck_assert_int_eq(e.status, GL_EINVAL);
    ck_assert_msg(strstr(e.msg, sub) != NULL, "%s: message \"%s\" lacks \"%s\"", what, e.msg, sub);
    ck_assert_int_eq(gl_sched_check(s, NULL), GL_EINVAL);
}

START_TEST(test_check_rejects)
{
    gl_sched s = make(GL_SCHED_LINEAR, -0.1);
    check_rejects(&s, "end", "end -0.1");
    s.end = -0.0 - 1e-300;
    check_rejects(&s, "end", "end -1e-300");
    s.end = NAN;
    check_rejects(&s, "end", "end NaN");
    s.end = INFINITY;
    check_rejects(&s, "end", "end inf");
    s = make(GL_SCHED_COSINE, 0.1);
    s.hold = -0.01;
    check_rejects(&s, "hold", "hold -0.01");
    s.hold = 1.0;
    check_rejects(&s, "hold", "hold 1");
    s.hold = 1.5;
    check_rejects(&s, "hold", "hold 1.5");
    s.hold = NAN;
    check_rejects(&s, "hold", "hold NaN");
    s.hold = 0;
    s.pieces = 1;
    check_rejects(&s, "pieces", "pieces 1");
    s = gl_sched_default();
    s.kind = GL_SCHED_STEP;
    s.gamma = 0;
    check_rejects(&s, "gamma", "gamma 0");
    s.gamma = -0.5;
    check_rejects(&s, "gamma", "gamma -0.5");
    s.gamma = NAN;
    check_rejects(&s, "gamma", "gamma NaN");
    s.gamma = INFINITY;
    check_rejects(&s, "gamma", "gamma inf");
    s.gamma = 0.5;
    s.every = 0;
    check_rejects(&s, "every", "every 0");
    s = gl_sched_default();
    s.kind = (gl_sched_kind)4;
    check_rejects(&s, "unknown", "kind 4");
    s.kind = (gl_sched_kind)-1;
    check_rejects(&s, "unknown", "kind -1");
    /* the end of the constant schedule must still be a valid number */
    s = gl_sched_default();
    s.end = NAN;
    check_rejects(&s, "end", "const with end NaN");
}
END_TEST

START_TEST(test_parse_accepts)
{
    gl_err e;
    gl_sched s = gl_sched_default();
    s.hold = 0.25;
    s.pieces = 40;
    s.warmup = 7;
    s.kind = GL_SCHED_STEP;
    s.gamma = 0.3;
    s.every = 5;
    s.end = 0.7;

    gl_sched w = s;
    ck_assert_int_eq(gl_sched_parse("const", &s, &e), GL_OK);
    w.kind = GL_SCHED_CONST;
    assert_same(&s, &w, "const");

    ck_assert_int_eq(gl_sched_parse("linear", &s, &e), GL_OK);
    w.kind = GL_SCHED_LINEAR;
    w.end = 0.0; /* END defaults to 0 */
    assert_same(&s, &w, "linear");

    ck_assert_int_eq(gl_sched_parse("linear:0.05", &s, &e), GL_OK);
    w.end = 0.05;
    assert_same(&s, &w, "linear:0.05");

    ck_assert_int_eq(gl_sched_parse("cosine:0.1", &s, &e), GL_OK);
    w.kind = GL_SCHED_COSINE;
    w.end = 0.1;
    assert_same(&s, &w, "cosine:0.1");

    ck_assert_int_eq(gl_sched_parse("cosine", &s, &e), GL_OK);
    w.end = 0.0;
    assert_same(&s, &w, "cosine");

    ck_assert_int_eq(gl_sched_parse("step:0.5:1000", &s, &e), GL_OK);
    w.kind = GL_SCHED_STEP;
    w.gamma = 0.5;
    w.every = 1000;
    assert_same(&s, &w, "step:0.5:1000");

    ck_assert_int_eq(gl_sched_parse("linear:1e-2", &s, NULL), GL_OK);
    w.kind = GL_SCHED_LINEAR;
    w.end = 0.01;
    assert_same(&s, &w, "linear:1e-2");

    ck_assert_int_eq(gl_sched_parse("linear:2", &s, &e), GL_OK); /* upwards */
    ck_assert(s.end == 2.0);

    ck_assert_int_eq(gl_sched_parse("step:2.5e-1:1", &s, &e), GL_OK);
    ck_assert(s.kind == GL_SCHED_STEP && s.gamma == 0.25 && s.every == 1);

    /* the parsed schedule behaves like the one built by field names */
    gl_sched a = gl_sched_default(), b = make(GL_SCHED_LINEAR, 0.05);
    a.pieces = 40;
    b.pieces = 40;
    ck_assert_int_eq(gl_sched_parse("linear:0.05", &a, &e), GL_OK);
    for (size_t t = 0; t < 4000; t += 13)
        ck_assert(gl_sched_factor(&a, t, 4000) == gl_sched_factor(&b, t, 4000));
}
END_TEST

static void parse_rejects(const char *text, const char *sub)
{
    gl_sched s = gl_sched_default();
    s.kind = GL_SCHED_COSINE;
    s.end = 0.3;
    s.hold = 0.25;
    s.pieces = 8;
    s.gamma = 0.7;
    s.every = 33;
    s.warmup = 5;
    gl_sched before = s;
    gl_err e;
    gl_err_clear(&e);
    int st = gl_sched_parse(text, &s, &e);
    ck_assert_msg(st == GL_EINVAL, "\"%s\": status %d, want GL_EINVAL", text, st);
    ck_assert_int_eq(e.status, GL_EINVAL);
    ck_assert_msg(strstr(e.msg, sub) != NULL, "\"%s\": message \"%s\" lacks \"%s\"", text, e.msg,
                  sub);
    assert_same(&s, &before, text);
    ck_assert_int_eq(gl_sched_parse(text, &s, NULL), GL_EINVAL);
    assert_same(&s, &before, text);
}

START_TEST(test_parse_rejects)
{
    parse_rejects("linear:x", "schedule end");
    parse_rejects("linear:x", "\"x\"");
    parse_rejects("linear:", "schedule end");
    parse_rejects("linear:0.05x", "\"0.05x\"");
    parse_rejects("linear:nan", "schedule end");
    parse_rejects("linear:-0.1", "end must be");
    parse_rejects("cosine:1e400", "schedule end");
    parse_rejects("step:0.5", "step:GAMMA:EVERY");
    parse_rejects("step", "unknown schedule \"step\"");
    parse_rejects("step:0:10", "gamma");
    parse_rejects("step:-1:10", "gamma");
    parse_rejects("step:x:10", "schedule gamma");
    parse_rejects("step::10", "schedule gamma");
    parse_rejects("step:0.5:0", "every");
    parse_rejects("step:0.5:", "schedule every");
    parse_rejects("step:0.5:-3", "schedule every");
    parse_rejects("step:0.5:10:2", "schedule every");
    parse_rejects("step:0.5:1.5", "schedule every");
    parse_rejects("bogus", "unknown schedule \"bogus\"");
    parse_rejects("", "unknown schedule \"\"");
    parse_rejects("const:1", "unknown schedule \"const:1\"");
    parse_rejects("Linear", "unknown schedule");
    parse_rejects(" linear", "unknown schedule");
    parse_rejects("linearlinearlinearlinear:0.1", "unknown schedule");
    parse_rejects("lin", "unknown schedule");
    /* the message lists what is accepted */
    parse_rejects("bogus", "linear[:END]");

    /* the kept fields are still checked: pieces = 1 fails and leaves *s alone */
    gl_sched s = gl_sched_default();
    s.pieces = 1;
    gl_err e;
    ck_assert_int_eq(gl_sched_parse("linear:0.1", &s, &e), GL_EINVAL);
    ASSERT_HAS(e.msg, "pieces");
    ck_assert_int_eq(s.kind, GL_SCHED_CONST);
    ck_assert(s.end == 0.0);
}
END_TEST

START_TEST(test_text)
{
    char buf[256];
    gl_sched s = gl_sched_default();
    gl_sched_text(&s, buf, sizeof buf);
    ck_assert_str_eq(buf, "constant");

    s = make(GL_SCHED_LINEAR, 0.05);
    s.pieces = 40;
    gl_sched_text(&s, buf, sizeof buf);
    ck_assert_str_eq(buf, "linear to 0.05 in 40 pieces");

    s = make(GL_SCHED_COSINE, 0.1);
    s.hold = 0.5;
    s.warmup = 100;
    gl_sched_text(&s, buf, sizeof buf);
    ASSERT_HAS(buf, "cosine to 0.1");
    ASSERT_HAS(buf, "0.5");
    ASSERT_HAS(buf, "100 warm-up");
    ck_assert_ptr_null(strstr(buf, "pieces"));
    ck_assert_str_eq(buf, "cosine to 0.1 after 0.5 of training, 100 warm-up steps");

    s = gl_sched_default();
    s.kind = GL_SCHED_STEP;
    s.gamma = 0.5;
    s.every = 1000;
    gl_sched_text(&s, buf, sizeof buf);
    ASSERT_HAS(buf, "0.5");
    ASSERT_HAS(buf, "1000");
    ck_assert_str_eq(buf, "x0.5 every 1000 steps");

    /* hold and pieces belong to linear and cosine only */
    s.hold = 0.5;
    s.pieces = 3;
    gl_sched_text(&s, buf, sizeof buf);
    ck_assert_str_eq(buf, "x0.5 every 1000 steps");

    s = gl_sched_default();
    s.warmup = 3;
    gl_sched_text(&s, buf, sizeof buf);
    ck_assert_str_eq(buf, "constant, 3 warm-up steps");

    /* a parsed schedule in words */
    s = gl_sched_default();
    s.pieces = 40;
    ck_assert_int_eq(gl_sched_parse("linear:0.01", &s, NULL), GL_OK);
    gl_sched_text(&s, buf, sizeof buf);
    ck_assert_str_eq(buf, "linear to 0.01 in 40 pieces");
}
END_TEST

START_TEST(test_text_truncates)
{
    gl_sched s = make(GL_SCHED_LINEAR, 0.05);
    s.hold = 0.25;
    s.pieces = 40;
    s.warmup = 100;
    char full[256];
    gl_sched_text(&s, full, sizeof full);
    ck_assert_str_eq(full, "linear to 0.05 after 0.25 of training in 40 pieces, 100 warm-up steps");
    size_t len = strlen(full);
    /* every buffer size: a NUL-terminated prefix, nothing written past n */
    for (size_t n = 1; n <= len + 1; n++) {
        char buf[300];
        memset(buf, '#', sizeof buf);
        gl_sched_text(&s, buf, n);
        ck_assert_msg(memchr(buf, '\0', n) != NULL, "n = %zu: not terminated", n);
        ck_assert_msg(strlen(buf) <= n - 1, "n = %zu: \"%s\" too long", n, buf);
        ck_assert_msg(strncmp(buf, full, strlen(buf)) == 0, "n = %zu: \"%s\" not a prefix", n, buf);
        for (size_t i = n; i < sizeof buf; i++)
            ck_assert_msg(buf[i] == '#', "n = %zu: byte %zu written", n, i);
    }
    char buf[300];
    gl_sched_text(&s, buf, len + 1);
    ck_assert_str_eq(buf, full);
}
END_TEST

Suite *sched_suite(void)
{
    Suite *s = suite_create("sched");
    TCase *c = tcase_create("core");
    tcase_add_test(c, test_default);
    tcase_add_test(c, test_const);
    tcase_add_test(c, test_linear_every_step);
    tcase_add_test(c, test_staircase_exact);
    tcase_add_test(c, test_staircase_uneven);
    tcase_add_test(c, test_hold);
    tcase_add_test(c, test_cosine);
    tcase_add_test(c, test_step);
    tcase_add_test(c, test_warmup);
    tcase_add_test(c, test_parse_accepts);
    tcase_add_test(c, test_text);
    suite_add_tcase(s, c);
    TCase *l = tcase_create("limits");
    tcase_add_test(l, test_clamp_beyond_T);
    tcase_add_test(l, test_tiny_loops);
    tcase_add_test(l, test_hold_near_one);
    tcase_add_test(l, test_check_accepts);
    tcase_add_test(l, test_text_truncates);
    suite_add_tcase(s, l);
    TCase *e = tcase_create("errors");
    tcase_add_test(e, test_check_rejects);
    tcase_add_test(e, test_parse_rejects);
    suite_add_tcase(s, e);
    return s;
}
