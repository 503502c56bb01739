/* SPDX-License-Identifier: GPL-3.0-or-later */
/* kern.c — the dense products of a layer: packed operands, register-blocked
 * micro-kernels, blocks of the inner dimension that fit the L1 cache.
 *
 * Z (R x C) (+)= A (R x K) X (K x C). The columns of Z are cut into panels
 * of NR = NV vectors; for each panel and each block of KC inner indices, the
 * panel of X is copied into contiguous scratch (Xp: KC x NR, zero past the
 * last column), so that the micro-kernel reads it at unit stride from L1
 * whatever X's layout (rows of H, or H read as its transpose for the weight
 * gradient: no transpose pass). A is copied once per call into slivers of MR
 * rows interleaved by inner index (Ap), so that each step of the kernel
 * reads MR consecutive values. The micro-kernel keeps an MR x NR block of Z
 * in MR*NV vector registers and runs over the inner block: per inner index
 * NV loads of X, MR broadcasts of A, MR*NV multiply-adds. Rows past the last
 * whole sliver run one at a time (the 1-row kernel, NV registers).
 *
 * Why results do not depend on any of this: each lane of each register is
 * one output's sum, s = 0, then s = fma(A(r, j), X(j, c), s) for j = 0, 1,
 * ..., exactly as the scalar paths do (C99's fma() is correctly rounded, as
 * the instruction is). A sum split at a block of KC is stored to scratch and
 * reloaded unchanged; padded columns compute values that are thrown away.
 * So an output is the same for every vector width, blocking and position.
 * (The FMA is what lets the products approach the core's peak: a separate
 * multiply and add issue two instructions for the same two flops.) */
#include "kern.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#if defined(__AVX512F__) || defined(__FMA__)
#include <immintrin.h>
#endif
#ifdef GL_BLAS
#include <gsl/gsl_cblas.h>
#endif

/* Under AddressSanitizer (make check SANITIZE=1) each vector load of the
 * micro-kernels became a call into the runtime, and the kernels ran ~10x
 * slower, most of the sanitizer run's time (exp dynamics --quick: 68 s of CPU,
 * 28 s with this file uninstrumented). So the functions of this file are not
 * instrumented access by access (GL_NO_ASAN); instead every entry point
 * checks, once per call, that the whole span each operand may touch is
 * addressable (check_span: from its first to its last element, so any
 * element in between too), and reports as ASan does if not. What this gives
 * up: an access outside those spans, a kernel computing an address its
 * arguments do not allow, would go unseen; the spans are the operands'
 * documented extents (kern.h), and tests/test_kern.c checks every output
 * against a naive product on edge shapes, and that a short operand is
 * reported. */
#if defined(__SANITIZE_ADDRESS__)
#define GL_KERN_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define GL_KERN_ASAN 1
#endif
#endif
#ifdef GL_KERN_ASAN
#include <sanitizer/asan_interface.h>
#define GL_NO_ASAN __attribute__((no_sanitize_address))
/* n doubles from p, read (or written if w), must be addressable */
__attribute__((noinline)) static void check_span(const double *p, size_t n, int w)
{
    void *bad = n ? __asan_region_is_poisoned((void *)(uintptr_t)p, n * sizeof *p) : NULL;
    if (bad)
        __asan_report_error(__builtin_return_address(0), __builtin_frame_address(0),
                            __builtin_frame_address(0), bad, w, n * sizeof *p);
}
/* the span of an R x C operand with strides (rs, cs): rs + (C-1) cs + 1 */
static size_t span(size_t R, size_t C, size_t rs, size_t cs)
{
    return R && C ? (R - 1) * rs + (C - 1) * cs + 1 : 0;
}
#else
#define GL_NO_ASAN
#endif

/* GNU C vector types of the widest width the target has: 8 doubles with
 * AVX-512, 4 with AVX, 2 otherwise (SSE2); a plain double without GNU C or
 * with -DGL_NO_SIMD, and the same code is scalar. */
#if defined(__GNUC__) && !defined(GL_NO_SIMD)
#if defined(__AVX512F__)
#define VW 8
#elif defined(__AVX__)
#define VW 4
#else
#define VW 2
#endif
typedef double vd __attribute__((vector_size(VW * sizeof(double))));
#else
#define VW 1
typedef double vd;
#endif

/* The register block: MR rows x NV vectors. AVX-512 has 32 vector registers
 * (16 accumulators + 4 of X + a broadcast fit); AVX and SSE2 have 16. */
#define MR 4
#if VW == 8
#define NVB 4
#else
#define NVB 2
#endif
#define NRB (NVB * VW) /* the panel width */
/* inner indices per block: a panel of X of KC x NRB doubles, 32 KB with
 * AVX-512, stays in L1 while every sliver of A passes over it */
#ifndef KC
#define KC 128
#endif

/* s = fma(a, x, s) in every lane: one rounding per term. With AVX-512 or
 * AVX2 + FMA the instruction; otherwise C99's fma() lane by lane, which is
 * correctly rounded too (in software where the target has no FMA: slow but
 * the same bits). */
#if VW == 8
#define MAC(s, a, x) ((s) = (vd)_mm512_fmadd_pd(_mm512_set1_pd(a), (__m512d)(x), (__m512d)(s)))
#elif VW == 4 && defined(__FMA__)
#define MAC(s, a, x) ((s) = (vd)_mm256_fmadd_pd(_mm256_set1_pd(a), (__m256d)(x), (__m256d)(s)))
#elif VW == 1
#define MAC(s, a, x) ((s) = fma((a), (x), (s)))
#else
static inline vd mac(vd s, double a, vd x)
{
    for (int k = 0; k < VW; k++)
        s[k] = fma(a, x[k], s[k]);
    return s;
}
#define MAC(s, a, x) ((s) = mac((s), (a), (x)))
#endif

GL_NO_ASAN static inline vd vload(const double *p)
{
    vd v;
    memcpy(&v, p, sizeof v);
    return v;
}

/* *p = v, or *p += v */
GL_NO_ASAN static inline void vput(double *p, vd v, int add)
{
    if (add)
        v += vload(p);
    memcpy(p, &v, sizeof v);
}

/* Over kc inner indices: a block of mr rows x nv vectors of Z (MR x NVB in a
 * whole panel; 8 x NVH in a half panel, 1 row for the rows past the last
 * block) starts from 0 or, if src, from src (row stride sld); at the end it
 * is stored to dst (row stride ld), or added to it if add. Inlined with mr
 * and nv constants, the block lives in registers. */
#if defined(__GNUC__)
__attribute__((always_inline))
#endif
GL_NO_ASAN static inline void kern_blk(size_t kc, const double *restrict A, size_t ar, size_t aj,
                                       const double *restrict Xp, const double *src, size_t sld,
                                       double *dst, size_t ld, int add, const int mr,
                                       const int nv)
{
    vd s[8][NVB];
#pragma GCC unroll 16
    for (int i = 0; i < mr; i++)
#pragma GCC unroll 16
        for (int v = 0; v < nv; v++)
            s[i][v] = src ? vload(src + i * sld + v * VW) : (vd){0};
    for (size_t j = 0; j < kc; j++) {
        vd x[NVB];
#pragma GCC unroll 16
        for (int v = 0; v < nv; v++)
            x[v] = vload(Xp + j * NRB + v * VW);
#pragma GCC unroll 16
        for (int i = 0; i < mr; i++) {
            double a = A[i * ar + j * aj];
#pragma GCC unroll 16
            for (int v = 0; v < nv; v++)
                MAC(s[i][v], a, x[v]);
        }
    }
#pragma GCC unroll 16
    for (int i = 0; i < mr; i++)
#pragma GCC unroll 16
        for (int v = 0; v < nv; v++)
            vput(dst + i * ld + v * VW, s[i][v], add);
}

/* Half panels (nc <= NRB/2: a weight gradient of a layer 16 wide with
 * AVX-512, whose panel would be half padding) take 8 rows x NVH vectors on
 * the first NRB/2 columns of Xp; the same sums. */
#define NVH (NVB / 2)
#define MR8 8

GL_NO_ASAN static void kern_4(size_t kc, const double *restrict A, size_t ar, size_t aj,
                              const double *restrict Xp, const double *src, size_t sld,
                              double *dst, size_t ld, int add)
{
    kern_blk(kc, A, ar, aj, Xp, src, sld, dst, ld, add, MR, NVB);
}

GL_NO_ASAN static void kern_1(size_t kc, const double *restrict A, size_t aj,
                              const double *restrict Xp, const double *src, double *dst, int add)
{
    kern_blk(kc, A, 0, aj, Xp, src, 0, dst, 0, add, 1, NVB);
}

GL_NO_ASAN static void kern_8h(size_t kc, const double *restrict A, size_t ar, size_t aj,
                               const double *restrict Xp, const double *src, size_t sld,
                               double *dst, size_t ld, int add)
{
    kern_blk(kc, A, ar, aj, Xp, src, sld, dst, ld, add, MR8, NVH);
}

GL_NO_ASAN static void kern_1h(size_t kc, const double *restrict A, size_t aj,
                               const double *restrict Xp, const double *src, double *dst, int add)
{
    kern_blk(kc, A, 0, aj, Xp, src, 0, dst, 0, add, 1, NVH);
}

size_t gl_kern_wsize(size_t R, size_t K, size_t C)
{
    (void)C;
    (void)K;
    return KC * NRB + R * NRB;
}

#if VW == 8
/* c[j] = column j of the 8 x 8 block at a (row stride ld): three rounds of
 * shuffles, values moved, not computed */
GL_NO_ASAN static inline void tr8x8(const double *a, size_t ld, __m512d c[8])
{
    __m512d r0 = _mm512_loadu_pd(a), r1 = _mm512_loadu_pd(a + ld),
            r2 = _mm512_loadu_pd(a + 2 * ld), r3 = _mm512_loadu_pd(a + 3 * ld),
            r4 = _mm512_loadu_pd(a + 4 * ld), r5 = _mm512_loadu_pd(a + 5 * ld),
            r6 = _mm512_loadu_pd(a + 6 * ld), r7 = _mm512_loadu_pd(a + 7 * ld);
    __m512d t0 = _mm512_unpacklo_pd(r0, r1), t1 = _mm512_unpackhi_pd(r0, r1),
            t2 = _mm512_unpacklo_pd(r2, r3), t3 = _mm512_unpackhi_pd(r2, r3),
            t4 = _mm512_unpacklo_pd(r4, r5), t5 = _mm512_unpackhi_pd(r4, r5),
            t6 = _mm512_unpacklo_pd(r6, r7), t7 = _mm512_unpackhi_pd(r6, r7);
    const __m512i i0 = _mm512_set_epi64(13, 12, 5, 4, 9, 8, 1, 0),
                  i1 = _mm512_set_epi64(15, 14, 7, 6, 11, 10, 3, 2),
                  k0 = _mm512_set_epi64(11, 10, 9, 8, 3, 2, 1, 0),
                  k1 = _mm512_set_epi64(15, 14, 13, 12, 7, 6, 5, 4);
    __m512d u0 = _mm512_permutex2var_pd(t0, i0, t2), u1 = _mm512_permutex2var_pd(t1, i0, t3),
            u2 = _mm512_permutex2var_pd(t0, i1, t2), u3 = _mm512_permutex2var_pd(t1, i1, t3),
            u4 = _mm512_permutex2var_pd(t4, i0, t6), u5 = _mm512_permutex2var_pd(t5, i0, t7),
            u6 = _mm512_permutex2var_pd(t4, i1, t6), u7 = _mm512_permutex2var_pd(t5, i1, t7);
    c[0] = _mm512_permutex2var_pd(u0, k0, u4);
    c[1] = _mm512_permutex2var_pd(u1, k0, u5);
    c[2] = _mm512_permutex2var_pd(u2, k0, u6);
    c[3] = _mm512_permutex2var_pd(u3, k0, u7);
    c[4] = _mm512_permutex2var_pd(u0, k1, u4);
    c[5] = _mm512_permutex2var_pd(u1, k1, u5);
    c[6] = _mm512_permutex2var_pd(u2, k1, u6);
    c[7] = _mm512_permutex2var_pd(u3, k1, u7);
}
#endif

/* Xp[j*NRB + c] = X(k0 + j, c0 + c) for j < kc, c < nc; 0 for nc <= c < w
 * (w = NRB, or NRB/2 for a half panel) */
GL_NO_ASAN static void pack_x(size_t kc, size_t nc, size_t w, const double *restrict X, size_t xj,
                   size_t xc, size_t k0, size_t c0, double *restrict Xp)
{
    if (xc == 1) {
        for (size_t j = 0; j < kc; j++) {
            const double *x = X + (k0 + j) * xj + c0;
            if (nc == NRB) {
#pragma GCC unroll 16
                for (int v = 0; v < NVB; v++)
                    vput(Xp + j * NRB + v * VW, vload(x + v * VW), 0);
                continue;
            }
            memcpy(Xp + j * NRB, x, nc * sizeof(double));
            if (nc < w)
                memset(Xp + j * NRB + nc, 0, (w - nc) * sizeof(double));
        }
        return;
    }
    /* X read as a transpose (the weight gradient's H): blocks of 8 columns
     * by 8 inner indices, read along rows of H and written along rows of
     * Xp, so that both sides stream */
    const double *x = X + c0 * xc + k0 * xj;
    size_t c = 0;
    for (; c + 8 <= nc; c += 8) {
        size_t j = 0;
#if VW == 8
        if (xj == 1) /* H's rows contiguous: transposed in registers */
            for (; j + 8 <= kc; j += 8) {
                __m512d t[8];
                tr8x8(x + c * xc + j, xc, t);
#pragma GCC unroll 8
                for (int jj = 0; jj < 8; jj++)
                    _mm512_storeu_pd(Xp + (j + jj) * NRB + c, t[jj]);
            }
#endif
        for (; j + 8 <= kc; j += 8)
            for (size_t jj = 0; jj < 8; jj++)
#pragma GCC unroll 8
                for (size_t cc = 0; cc < 8; cc++)
                    Xp[(j + jj) * NRB + c + cc] = x[(c + cc) * xc + (j + jj) * xj];
        for (; j < kc; j++)
            for (size_t cc = 0; cc < 8; cc++)
                Xp[j * NRB + c + cc] = x[(c + cc) * xc + j * xj];
    }
    for (; c < nc; c++)
        for (size_t j = 0; j < kc; j++)
            Xp[j * NRB + c] = x[c * xc + j * xj];
    for (size_t j = 0; j < kc && nc < w; j++)
        memset(Xp + j * NRB + nc, 0, (w - nc) * sizeof(double));
}

/* Fewer columns than a vector (a batch of one: gl_mlp_eval1, a logit at a
 * quadrature node): the same sums, eight rows at a time, each in a register
 * of its own, so that the eight chains of dependent FMAs overlap. */
GL_NO_ASAN static void mm_narrow(size_t R, size_t K, size_t C, const double *restrict A, size_t ar,
                      size_t aj, const double *restrict X, size_t xj, size_t xc,
                      double *restrict Z, int acc)
{
    for (size_t c = 0; c < C; c++) {
        size_t r = 0;
        for (; r + 8 <= R; r += 8) {
            double s[8] = {0, 0, 0, 0, 0, 0, 0, 0};
            const double *a = A + r * ar, *x = X + c * xc;
            if (ar == 1) /* A's eight values of an inner index are contiguous */
                for (size_t j = 0; j < K; j++, a += aj, x += xj)
#pragma GCC unroll 8
                    for (size_t k = 0; k < 8; k++)
                        s[k] = fma(a[k], *x, s[k]);
            else
                for (size_t j = 0; j < K; j++, a += aj, x += xj)
#pragma GCC unroll 8
                    for (size_t k = 0; k < 8; k++)
                        s[k] = fma(a[k * ar], *x, s[k]);
#pragma GCC unroll 8
            for (size_t k = 0; k < 8; k++)
                Z[(r + k) * C + c] = acc ? Z[(r + k) * C + c] + s[k] : s[k];
        }
        for (; r < R; r++) {
            double s = 0;
            for (size_t j = 0; j < K; j++)
                s = fma(A[r * ar + j * aj], X[j * xj + c * xc], s);
            Z[r * C + c] = acc ? Z[r * C + c] + s : s;
        }
    }
}

/* Thin products, X's rows contiguous (xc = 1: the forward and input-gradient
 * products), read in place instead of packed: a panel copied for a few rows,
 * or for an inner dimension of one or two, costs more than it saves.
 * K <= 2 (a first layer, or the input gradient of a one-output layer): each
 * output is one or two fused terms, eight vectors along a row of Z at a time.
 * R <= 2 (a last layer, or the input gradient of a first layer): the rows run
 * over the inner index together, NT vectors of columns at a time (eight
 * chains of fused terms in flight), each vector of X loaded once for both.
 * The same sums as the panels give, term for term. */
#define NT (16 / VW > 2 ? 16 / VW : 2)
GL_NO_ASAN static void mm_thin_k(size_t R, size_t K, size_t C, const double *restrict A,
                                 size_t ar, size_t aj, const double *restrict X, size_t xj,
                                 double *restrict Z, int acc)
{
    for (size_t r = 0; r < R; r++) {
        double a0 = A[r * ar], a1 = K > 1 ? A[r * ar + aj] : 0;
        const double *x0 = X, *x1 = X + xj;
        double *z = Z + r * C;
        size_t c = 0;
        for (; c + NT * VW <= C; c += NT * VW) {
            vd t[NT];
#pragma GCC unroll 16
            for (int v = 0; v < NT; v++) {
                t[v] = (vd){0};
                MAC(t[v], a0, vload(x0 + c + v * VW));
            }
            if (K > 1)
#pragma GCC unroll 16
                for (int v = 0; v < NT; v++)
                    MAC(t[v], a1, vload(x1 + c + v * VW));
#pragma GCC unroll 16
            for (int v = 0; v < NT; v++)
                vput(z + c + v * VW, t[v], acc);
        }
        for (; c < C; c++) {
            double t = fma(a0, x0[c], 0);
            if (K > 1)
                t = fma(a1, x1[c], t);
            z[c] = acc ? z[c] + t : t;
        }
    }
}

GL_NO_ASAN static void mm_few_rows(size_t R, size_t K, size_t C, const double *restrict A,
                                   size_t ar, size_t aj, const double *restrict X, size_t xj,
                                   double *restrict Z, int acc)
{
    size_t c = 0;
    for (; c + NT * VW <= C; c += NT * VW) {
        vd t0[NT], t1[NT];
#pragma GCC unroll 16
        for (int v = 0; v < NT; v++)
            t0[v] = t1[v] = (vd){0};
        const double *x = X + c;
        if (R == 2)
            for (size_t j = 0; j < K; j++, x += xj) {
                double a0 = A[j * aj], a1 = A[ar + j * aj];
#pragma GCC unroll 16
                for (int v = 0; v < NT; v++) {
                    vd xv = vload(x + v * VW);
                    MAC(t0[v], a0, xv);
                    MAC(t1[v], a1, xv);
                }
            }
        else
            for (size_t j = 0; j < K; j++, x += xj) {
                double a0 = A[j * aj];
#pragma GCC unroll 16
                for (int v = 0; v < NT; v++)
                    MAC(t0[v], a0, vload(x + v * VW));
            }
#pragma GCC unroll 16
        for (int v = 0; v < NT; v++) {
            vput(Z + c + v * VW, t0[v], acc);
            if (R == 2)
                vput(Z + C + c + v * VW, t1[v], acc);
        }
    }
    for (; c < C; c++) /* the last columns, one chain each */
        for (size_t r = 0; r < R; r++) {
            double t = 0;
            for (size_t j = 0; j < K; j++)
                t = fma(A[r * ar + j * aj], X[j * xj + c], t);
            Z[r * C + c] = acc ? Z[r * C + c] + t : t;
        }
}

/* One panel of columns c0..c0+nc-1 (nc <= NRB) over all rows. The sums of
 * all inner blocks but the last go to the tile T (R x NRB); a whole panel's
 * last block continues them and writes (or adds) Z itself, a ragged panel's
 * stays in T, which is copied (or added) into Z at the end. */
GL_NO_ASAN static void mm_panel(size_t R, size_t K, size_t C, const double *A, size_t ar, size_t aj,
                     const double *restrict X,
                     size_t xj, size_t xc, size_t c0, size_t nc, double *restrict Z, int acc,
                     double *restrict Xp, double *restrict T)
{
    size_t R4 = R - R % MR;
    int half = nc <= NRB / 2;
    /* a whole panel's last inner block goes straight to Z (from the tile's
     * partial sums, if any): only a ragged panel is copied out of T */
    int whole = nc == (half ? NRB / 2 : NRB);
    for (size_t k0 = 0; k0 < K; k0 += KC) {
        size_t kc = K - k0 < KC ? K - k0 : KC;
        int out = whole && k0 + kc == K;
        double *dst = out ? Z + c0 : T;
        size_t ld = out ? C : NRB;
        int add = out && acc;
        pack_x(kc, nc, half ? NRB / 2 : NRB, X, xj, xc, k0, c0, Xp);
        const double *src = k0 ? T : NULL;
        if (half) {
            size_t R8 = R - R % MR8, r = 0;
            for (; r < R8; r += MR8)
                kern_8h(kc, A + r * ar + k0 * aj, ar, aj, Xp, src ? src + r * NRB : NULL, NRB,
                        dst + r * ld, ld, add);
            for (; r < R; r++)
                kern_1h(kc, A + r * ar + k0 * aj, aj, Xp, src ? src + r * NRB : NULL,
                        dst + r * ld, add);
            continue;
        }
        for (size_t r = 0; r < R4; r += MR)
            kern_4(kc, A + r * ar + k0 * aj, ar, aj, Xp, src ? src + r * NRB : NULL, NRB,
                   dst + r * ld, ld, add);
        for (size_t r = R4; r < R; r++)
            kern_1(kc, A + r * ar + k0 * aj, aj, Xp, src ? src + r * NRB : NULL, dst + r * ld,
                   add);
    }
    if (whole)
        return;
    for (size_t r = 0; r < R; r++)
        for (size_t c = 0; c < nc; c++)
            Z[r * C + c0 + c] = acc ? Z[r * C + c0 + c] + T[r * NRB + c] : T[r * NRB + c];
}

GL_NO_ASAN void gl_kern_mm(size_t R, size_t K, size_t C, const double *A, size_t ar, size_t aj,
                           const double *X, size_t xj, size_t xc, double *Z, int acc, double *ws)
{
#ifdef GL_KERN_ASAN
    check_span(A, span(R, K, ar, aj), 0);
    check_span(X, span(K, C, xj, xc), 0);
    check_span(Z, R * C, 1);
    if (C >= VW)
        check_span(ws, gl_kern_wsize(R, K, C), 1);
#endif
    if (C < VW) {
        mm_narrow(R, K, C, A, ar, aj, X, xj, xc, Z, acc);
        return;
    }
    if (xc == 1 && K <= 2) {
        mm_thin_k(R, K, C, A, ar, aj, X, xj, Z, acc);
        return;
    }
    if (xc == 1 && R <= 2) {
        mm_few_rows(R, K, C, A, ar, aj, X, xj, Z, acc);
        return;
    }
    double *Xp = ws, *T = Xp + KC * NRB;
    for (size_t c0 = 0; c0 < C; c0 += NRB)
        mm_panel(R, K, C, A, ar, aj, X, xj, xc, c0, C - c0 < NRB ? C - c0 : NRB, Z, acc, Xp, T);
}

/* With -DGL_BLAS (make BLAS=openblas) the three products go through GSL's
 * CBLAS interface to whatever library provides it (OpenBLAS): an opt-in build
 * for comparison, which gives up the promise above, as a BLAS chooses its
 * own blocking and summation order (by shape, vector width and thread
 * count). */
void gl_kern_forward(size_t out, size_t in, size_t n, const double *W, const double *H,
                     double *Z, double *ws)
{
#ifdef GL_BLAS
    (void)ws;
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)out, (int)n, (int)in, 1.0, W,
                (int)in, H, (int)n, 0.0, Z, (int)n);
#else
    gl_kern_mm(out, in, n, W, in, 1, H, n, 1, Z, 0, ws);
#endif
}

void gl_kern_backward_input(size_t in, size_t out, size_t n, const double *W, const double *dZ,
                            double *dH, double *ws)
{
#ifdef GL_BLAS
    (void)ws;
    cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)in, (int)n, (int)out, 1.0, W,
                (int)in, dZ, (int)n, 0.0, dH, (int)n);
#else
    gl_kern_mm(in, out, n, W, 1, in, dZ, n, 1, dH, 0, ws);
#endif
}

/* One sample (n = 1), the products of gl_mlp_eval1: the sums of
 * gl_kern_forward and gl_kern_backward_input with n = 1, term for term, without
 * the general engine's strides (which spill its pointers to the stack). The
 * forward product's eight rows sit K values apart: with AVX-512 one gather
 * per inner index feeds one vector chain of the eight rows' sums (the
 * compiler's own eight loads and inserts cost more; an in-register transpose
 * of 8 x 8 blocks was no faster); otherwise eight scalar chains. The input
 * gradient's outputs are contiguous along W's rows, so they are vector
 * lanes, up to four vectors of independent chains at a time. */
#ifndef GL_BLAS
GL_NO_ASAN static void mv_rows(size_t R, size_t K, const double *restrict W,
                               const double *restrict h, double *restrict z)
{
    size_t r = 0;
#if VW == 8
    if (K > 1) {
        const long long k = (long long)K;
        const __m512i idx = _mm512_set_epi64(7 * k, 6 * k, 5 * k, 4 * k, 3 * k, 2 * k, k, 0);
        for (; r + 8 <= R; r += 8) {
            __m512d s = _mm512_setzero_pd();
            const double *w = W + r * K;
            for (size_t j = 0; j < K; j++)
                s = _mm512_fmadd_pd(_mm512_i64gather_pd(idx, w + j, 8), _mm512_set1_pd(h[j]), s);
            _mm512_storeu_pd(z + r, s);
        }
    }
#endif
    for (; r + 8 <= R; r += 8) {
        const double *w0 = W + r * K, *w1 = w0 + K, *w2 = w1 + K, *w3 = w2 + K, *w4 = w3 + K,
                     *w5 = w4 + K, *w6 = w5 + K, *w7 = w6 + K;
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
        for (size_t j = 0; j < K; j++) {
            double x = h[j];
            s0 = fma(w0[j], x, s0);
            s1 = fma(w1[j], x, s1);
            s2 = fma(w2[j], x, s2);
            s3 = fma(w3[j], x, s3);
            s4 = fma(w4[j], x, s4);
            s5 = fma(w5[j], x, s5);
            s6 = fma(w6[j], x, s6);
            s7 = fma(w7[j], x, s7);
        }
        z[r] = s0, z[r + 1] = s1, z[r + 2] = s2, z[r + 3] = s3;
        z[r + 4] = s4, z[r + 5] = s5, z[r + 6] = s6, z[r + 7] = s7;
    }
    for (; r + 2 <= R; r += 2) {
        const double *w0 = W + r * K, *w1 = w0 + K;
        double s0 = 0, s1 = 0;
        for (size_t j = 0; j < K; j++) {
            s0 = fma(w0[j], h[j], s0);
            s1 = fma(w1[j], h[j], s1);
        }
        z[r] = s0, z[r + 1] = s1;
    }
    for (; r < R; r++) {
        const double *w0 = W + r * K;
        double s0 = 0;
        for (size_t j = 0; j < K; j++)
            s0 = fma(w0[j], h[j], s0);
        z[r] = s0;
    }
}

GL_NO_ASAN static void mtv_cols(size_t in, size_t out, const double *restrict W,
                                const double *restrict d, double *restrict h)
{
    size_t j = 0;
    for (; j + 4 * VW <= in; j += 4 * VW) {
        vd s0 = {0}, s1 = {0}, s2 = {0}, s3 = {0};
        const double *w = W + j;
        for (size_t r = 0; r < out; r++, w += in) {
            MAC(s0, d[r], vload(w));
            MAC(s1, d[r], vload(w + VW));
            MAC(s2, d[r], vload(w + 2 * VW));
            MAC(s3, d[r], vload(w + 3 * VW));
        }
        vput(h + j, s0, 0);
        vput(h + j + VW, s1, 0);
        vput(h + j + 2 * VW, s2, 0);
        vput(h + j + 3 * VW, s3, 0);
    }
    for (; j + 2 * VW <= in; j += 2 * VW) {
        vd s0 = {0}, s1 = {0};
        const double *w = W + j;
        for (size_t r = 0; r < out; r++, w += in) {
            MAC(s0, d[r], vload(w));
            MAC(s1, d[r], vload(w + VW));
        }
        vput(h + j, s0, 0);
        vput(h + j + VW, s1, 0);
    }
    for (; j + VW <= in; j += VW) {
        vd s0 = {0};
        const double *w = W + j;
        for (size_t r = 0; r < out; r++, w += in)
            MAC(s0, d[r], vload(w));
        vput(h + j, s0, 0);
    }
    if (j + 1 == in) { /* one output left (a net's single input): one chain */
        double s0 = 0;
        const double *w = W + j;
        for (size_t r = 0; r < out; r++, w += in)
            s0 = fma(*w, d[r], s0);
        h[j] = s0;
    } else if (j < in) { /* fewer than VW outputs left: scalar chains side by side */
        size_t m = in - j;
        double s[VW] = {0};
        const double *w = W + j;
        for (size_t r = 0; r < out; r++, w += in)
            for (size_t k = 0; k < m; k++)
                s[k] = fma(w[k], d[r], s[k]);
        for (size_t k = 0; k < m; k++)
            h[j + k] = s[k];
    }
}
#endif

/* z[out] = W[out x in] h[in] and dh[in] = W^T dz[out]: gl_kern_forward and
 * gl_kern_backward_input for n = 1, the same bits */
GL_NO_ASAN void gl_kern_forward1(size_t out, size_t in, const double *W, const double *h,
                                 double *z)
{
#ifdef GL_BLAS
    gl_kern_forward(out, in, 1, W, h, z, NULL);
#else
#ifdef GL_KERN_ASAN
    check_span(W, out * in, 0);
    check_span(h, in, 0);
    check_span(z, out, 1);
#endif
    mv_rows(out, in, W, h, z);
#endif
}

GL_NO_ASAN void gl_kern_backward_input1(size_t in, size_t out, const double *W, const double *dz,
                                        double *dh)
{
#ifdef GL_BLAS
    gl_kern_backward_input(in, out, 1, W, dz, dh, NULL);
#else
#ifdef GL_KERN_ASAN
    check_span(W, out * in, 0);
    check_span(dz, out, 0);
    check_span(dh, in, 1);
#endif
    mtv_cols(in, out, W, dz, dh);
#endif
}

/* Dot products over the batch with eight independent partial sums (so that
 * the adds vectorise without licence to reassociate) combined pairwise,
 * then the scalar tail; formed first and added to gW once, so that calling
 * backward twice doubles gW exactly. */
GL_NO_ASAN static double sum8(const double *c, double tail)
{
    return (((c[0] + c[1]) + (c[2] + c[3])) + ((c[4] + c[5]) + (c[6] + c[7]))) + tail;
}

GL_NO_ASAN static double dot8(size_t n, const double *restrict d, const double *restrict h)
{
    double c[8] = {0, 0, 0, 0, 0, 0, 0, 0}, t = 0;
    size_t s = 0;
    for (; s + 8 <= n; s += 8)
        for (int k = 0; k < 8; k++)
            c[k] = fma(d[s + k], h[s + k], c[k]);
    for (; s < n; s++)
        t = fma(d[s], h[s], t);
    return sum8(c, t);
}

GL_NO_ASAN void gl_kern_wgrad_dot(size_t out, size_t in, size_t n, const double *dZ,
                                  const double *H, double *gW)
{
#ifdef GL_KERN_ASAN
    check_span(dZ, out * n, 0);
    check_span(H, in * n, 0);
    check_span(gW, out * in, 1);
#endif
    /* four dots at a time: each is dot8's sum, but four chains overlap */
    size_t m = out * in, k = 0;
    for (; k + 4 <= m; k += 4) {
        const double *d[4], *h[4];
        for (int q = 0; q < 4; q++)
            d[q] = dZ + (k + q) / in * n, h[q] = H + (k + q) % in * n;
        double c[4][8] = {{0}}, t[4] = {0, 0, 0, 0};
        size_t s = 0;
        for (; s + 8 <= n; s += 8)
#pragma GCC unroll 4
            for (int q = 0; q < 4; q++)
#pragma GCC unroll 8
                for (int e = 0; e < 8; e++)
                    c[q][e] = fma(d[q][s + e], h[q][s + e], c[q][e]);
        for (; s < n; s++)
            for (int q = 0; q < 4; q++)
                t[q] = fma(d[q][s], h[q][s], t[q]);
        for (int q = 0; q < 4; q++)
            gW[k + q] += sum8(c[q], t[q]);
    }
    for (; k < m; k++)
        gW[k] += dot8(n, dZ + k / in * n, H + k % in * n);
}

void gl_kern_backward_weight(size_t out, size_t in, size_t n, const double *dZ,
                             const double *H, double *gW, double *ws)
{
#ifdef GL_BLAS
    (void)ws;
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)out, (int)in, (int)n, 1.0, dZ,
                (int)n, H, (int)n, 1.0, gW, (int)in);
#else
    if (in >= GL_KERN_WIDE)
        gl_kern_mm(out, n, in, dZ, n, 1, H, 1, n, gW, 1, ws);
    else
        gl_kern_wgrad_dot(out, in, n, dZ, H, gW);
#endif
}

GL_NO_ASAN void gl_kern_backward_bias(size_t out, size_t n, const double *dZ, double *gb)
{
#ifdef GL_KERN_ASAN
    check_span(dZ, out * n, 0);
    check_span(gb, out, 1);
#endif
    for (size_t o = 0; o < out; o++) {
        const double *restrict d = dZ + o * n;
        double c[8] = {0, 0, 0, 0, 0, 0, 0, 0}, t = 0;
        size_t s = 0;
        for (; s + 8 <= n; s += 8)
            for (int k = 0; k < 8; k++)
                c[k] += d[s + k];
        for (; s < n; s++)
            t += d[s];
        gb[o] += sum8(c, t);
    }
}
