/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test_kern.c — src/kern.c: each dense product against a naive reference
 * that forms every output in the documented order (one fused multiply-add
 * per term, from 0, inner index increasing; the narrow weight gradient with
 * eight partial sums), compared bit for bit, on shapes that exercise every
 * path: whole and ragged register blocks, panels narrower than a vector,
 * inner dimensions across a cache block, and outputs added into (gW). */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gsl/gsl_rng.h>

#include "kern.h"

static double *filled(size_t n, gsl_rng *r)
{
    double *v = malloc((n ? n : 1) * sizeof(double));
    ck_assert_ptr_nonnull(v);
    for (size_t i = 0; i < n; i++)
        v[i] = 2.0 * gsl_rng_uniform(r) - 1.0;
    return v;
}

/* the reference: Z[r][c] = sum_j A(r, j) X(j, c) in order, fused */
static double ref_dot(size_t K, const double *A, size_t ar, size_t aj, size_t r,
                      const double *X, size_t xj, size_t xc, size_t c)
{
    double s = 0;
    for (size_t j = 0; j < K; j++)
        s = fma(A[r * ar + j * aj], X[j * xj + c * xc], s);
    return s;
}

/* eight partial sums over the batch, combined pairwise, then the tail */
static double ref_dot8(size_t n, const double *d, const double *h)
{
    double c[8] = {0, 0, 0, 0, 0, 0, 0, 0}, t = 0;
    size_t s = 0;
    for (; s + 8 <= n; s += 8)
        for (int k = 0; k < 8; k++)
            c[k] = fma(d[s + k], h[s + k], c[k]);
    for (; s < n; s++)
        t = fma(d[s], h[s], t);
    return (((c[0] + c[1]) + (c[2] + c[3])) + ((c[4] + c[5]) + (c[6] + c[7]))) + t;
}

/* counts the outputs that differ from the reference in any bit, and checks
 * that the products are not trivially zero */
static size_t mismatches(const double *got, const double *want, size_t n)
{
    size_t bad = 0, nonzero = 0;
    for (size_t i = 0; i < n; i++) {
        bad += memcmp(&got[i], &want[i], sizeof(double)) != 0;
        nonzero += want[i] != 0;
    }
    ck_assert_msg(nonzero > n / 2, "the reference is mostly zero: a vacuous comparison");
    return bad;
}

/* (out, in, n) triples: blocks of 4 rows and ragged rows, one row, K = 1,
 * n below a vector, n not a multiple of a panel, K across the 128-wide
 * inner block (n = 300 for the weight gradient), wide and narrow inputs,
 * and the thin paths (K <= 2 or R <= 2) with ragged columns */
static const size_t shapes[][3] = {
    {1, 1, 1}, {3, 1, 7}, {32, 1, 256}, {1, 32, 256}, {16, 16, 128}, {5, 7, 33},
    {2, 128, 256}, {128, 2, 512}, {130, 129, 300}, {17, 16, 9}, {4, 15, 77}, {64, 33, 31},
    {2, 40, 37}, {1, 3, 29}, {3, 2, 21}, {40, 1, 19},
};

START_TEST(test_forward_input)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    for (size_t t = 0; t < sizeof shapes / sizeof shapes[0]; t++) {
        size_t out = shapes[t][0], in = shapes[t][1], n = shapes[t][2];
        double *W = filled(out * in, r), *H = filled(in * n, r), *dZ = filled(out * n, r);
        double *Z = filled(out * n, r), *dH = filled(in * n, r);
        double *Zr = malloc(out * n * sizeof(double)), *dHr = malloc(in * n * sizeof(double));
        size_t wsz = gl_kern_wsize(out > in ? out : in, out > in ? out : in, n);
        double *ws = malloc(wsz * sizeof(double));
        for (size_t o = 0; o < out; o++)
            for (size_t c = 0; c < n; c++)
                Zr[o * n + c] = ref_dot(in, W, in, 1, o, H, n, 1, c);
        for (size_t i = 0; i < in; i++)
            for (size_t c = 0; c < n; c++)
                dHr[i * n + c] = ref_dot(out, W, 1, in, i, dZ, n, 1, c);
        gl_kern_forward(out, in, n, W, H, Z, ws);
        gl_kern_backward_input(in, out, n, W, dZ, dH, ws);
        ck_assert_msg(mismatches(Z, Zr, out * n) == 0, "forward %zux%zu, n %zu: %zu outputs differ",
                      out, in, n, mismatches(Z, Zr, out * n));
        ck_assert_msg(mismatches(dH, dHr, in * n) == 0, "input gradient %zux%zu, n %zu: %zu differ",
                      out, in, n, mismatches(dH, dHr, in * n));
        free(W), free(H), free(dZ), free(Z), free(dH), free(Zr), free(dHr), free(ws);
    }
    gsl_rng_free(r);
}
END_TEST

/* the one-sample products (gl_mlp_eval1's): the same bits as the reference
 * and as the batch products with n = 1, for every row count around the
 * vector and gather blocks (1..40: 8-row blocks, the 2- and 1-row tails; the
 * input gradient's 4-vector, 1-vector and scalar-tail paths) */
START_TEST(test_one_sample)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 5);
    for (size_t out = 1; out <= 40; out++)
        for (size_t in = 1; in <= 40; in += out % 3 + 1) {
            double *W = filled(out * in, r), *h = filled(in, r), *dz = filled(out, r);
            double *z = filled(out, r), *dh = filled(in, r), *zb = filled(out, r),
                   *dhb = filled(in, r);
            double *zr = malloc(out * sizeof(double)), *dhr = malloc(in * sizeof(double));
            double *ws = malloc(gl_kern_wsize(40, 40, 1) * sizeof(double));
            for (size_t o = 0; o < out; o++)
                zr[o] = ref_dot(in, W, in, 1, o, h, 1, 1, 0);
            for (size_t i = 0; i < in; i++)
                dhr[i] = ref_dot(out, W, 1, in, i, dz, 1, 1, 0);
            gl_kern_forward1(out, in, W, h, z);
            gl_kern_backward_input1(in, out, W, dz, dh);
            gl_kern_forward(out, in, 1, W, h, zb, ws);
            gl_kern_backward_input(in, out, 1, W, dz, dhb, ws);
            ck_assert_msg(memcmp(z, zr, out * sizeof(double)) == 0 &&
                              memcmp(z, zb, out * sizeof(double)) == 0,
                          "forward1 %zux%zu differs", out, in);
            ck_assert_msg(memcmp(dh, dhr, in * sizeof(double)) == 0 &&
                              memcmp(dh, dhb, in * sizeof(double)) == 0,
                          "input gradient1 %zux%zu differs", out, in);
            free(W), free(h), free(dz), free(z), free(dh), free(zb), free(dhb), free(zr),
                free(dhr), free(ws);
        }
    gsl_rng_free(r);
}
END_TEST

START_TEST(test_weight_bias)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 2);
    for (size_t t = 0; t < sizeof shapes / sizeof shapes[0]; t++) {
        size_t out = shapes[t][0], in = shapes[t][1], n = shapes[t][2];
        double *H = filled(in * n, r), *dZ = filled(out * n, r);
        double *gW = filled(out * in, r), *gb = filled(out, r);
        double *gWr = malloc(out * in * sizeof(double)), *gbr = malloc(out * sizeof(double));
        double *ws = malloc(gl_kern_wsize(out, n, in) * sizeof(double));
        /* the sum is formed, then added once to what gW holds */
        for (size_t o = 0; o < out; o++) {
            for (size_t i = 0; i < in; i++) {
                double s = in >= GL_KERN_WIDE ? ref_dot(n, dZ, n, 1, o, H, 1, n, i)
                                              : ref_dot8(n, dZ + o * n, H + i * n);
                gWr[o * in + i] = gW[o * in + i] + s;
            }
            double c[8] = {0, 0, 0, 0, 0, 0, 0, 0}, tl = 0;
            size_t s = 0;
            for (; s + 8 <= n; s += 8)
                for (int k = 0; k < 8; k++)
                    c[k] += dZ[o * n + s + k];
            for (; s < n; s++)
                tl += dZ[o * n + s];
            gbr[o] = gb[o] + ((((c[0] + c[1]) + (c[2] + c[3])) + ((c[4] + c[5]) + (c[6] + c[7]))) + tl);
        }
        gl_kern_backward_weight(out, in, n, dZ, H, gW, ws);
        gl_kern_backward_bias(out, n, dZ, gb);
        ck_assert_msg(mismatches(gW, gWr, out * in) == 0, "weight gradient %zux%zu, n %zu: %zu differ",
                      out, in, n, mismatches(gW, gWr, out * in));
        ck_assert_msg(mismatches(gb, gbr, out) == 0, "bias gradient %zu, n %zu", out, n);
        free(H), free(dZ), free(gW), free(gb), free(gWr), free(gbr), free(ws);
    }
    gsl_rng_free(r);
}
END_TEST

/* An output does not depend on its place in the batch: the products of a
 * batch and of each of its columns alone (C = 1, the narrow path) agree. */
START_TEST(test_position)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 3);
    size_t out = 37, in = 45, n = 70;
    double *W = filled(out * in, r), *H = filled(in * n, r), *Z = malloc(out * n * sizeof(double));
    double h1[45], z1[37], *ws = malloc(gl_kern_wsize(out, in, n) * sizeof(double));
    gl_kern_forward(out, in, n, W, H, Z, ws);
    for (size_t c = 0; c < n; c++) {
        for (size_t i = 0; i < in; i++)
            h1[i] = H[i * n + c];
        gl_kern_forward(out, in, 1, W, h1, z1, ws);
        for (size_t o = 0; o < out; o++)
            ck_assert_msg(memcmp(&z1[o], &Z[o * n + c], sizeof(double)) == 0,
                          "column %zu, row %zu: %.17g alone, %.17g in the batch", c, o, z1[o],
                          Z[o * n + c]);
    }
    free(W), free(H), free(Z), free(ws);
    gsl_rng_free(r);
}
END_TEST

/* Under AddressSanitizer the kernels are checked by spans, once per call
 * (kern.c): an operand one element short of its extent must still be
 * reported, for each product. Each case runs in a child of its own, which
 * ASan ends with exit status 1 (its default exitcode). */
#if defined(__SANITIZE_ADDRESS__)
#define GL_TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define GL_TEST_ASAN 1
#endif
#endif
#ifdef GL_TEST_ASAN
START_TEST(test_asan_short_operand)
{
    /* 8 x 16 by 16 x 24: the wide path, with its scratch */
    size_t R = 8, K = 16, C = 24;
    double *A = calloc(R * K, sizeof *A), *Z = calloc(R * C, sizeof *Z);
    double *ws = calloc(gl_kern_wsize(R, K, C), sizeof *ws);
    double *X = calloc(K * C - (_i == 0), sizeof *X); /* case 0: X one short */
    double *dZ = calloc(R * C, sizeof *dZ), *gb = calloc(R - (_i == 2), sizeof *gb);
    double *gW = calloc(R * K - (_i == 1), sizeof *gW);
    ck_assert(A && Z && ws && X && dZ && gb && gW);
    /* the report is expected: keep it out of the test log */
    FILE *null = fopen("/dev/null", "w");
    ck_assert(null && dup2(fileno(null), 2) == 2);
    if (_i == 0)
        gl_kern_forward(R, K, C, A, X, Z, ws);
    else if (_i == 1) /* gW R x K from dZ (R x C) and H (K x C): the narrow weight gradient */
        gl_kern_wgrad_dot(R, K, C, dZ, X, gW);
    else
        gl_kern_backward_bias(R, C, dZ, gb);
    /* not reached: ASan has reported the short operand and exited (1);
     * freed, so that a leak report (also exit 1) cannot stand in for it */
    free(A), free(Z), free(ws), free(X), free(dZ), free(gb), free(gW);
    fclose(null);
}
END_TEST
#endif

Suite *kern_suite(void)
{
    Suite *s = suite_create("kern");
    TCase *core = tcase_create("core");
    tcase_add_test(core, test_forward_input);
    tcase_add_test(core, test_weight_bias);
    tcase_add_test(core, test_one_sample);
    tcase_add_test(core, test_position);
#ifdef GL_TEST_ASAN
    tcase_add_loop_exit_test(core, test_asan_short_operand, 1, 0, 3);
#endif
    suite_add_tcase(s, core);
    return s;
}
