/* SPDX-License-Identifier: GPL-3.0-or-later */
/* num.h — small numerically stable scalar helpers shared by the modules
 * (gl_num_*), and the sort-and-merge of breakpoint lists (num.c). */
#ifndef GL_NUM_H
#define GL_NUM_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

/* Breakpoint lists (quadrature's, a generator's): sorts v[0..n) ascending in
 * place (GSL's heapsort: no allocation), drops NaN and +-inf, and keeps one
 * of any run of values within GL_NUM_MERGE * max(1, |x|) of the last value
 * kept (an interval of that width is a sliver no integrator resolves, and two
 * such values are one place). Returns the new length. */
#define GL_NUM_MERGE 1e-12
size_t gl_num_sort_unique(double *v, size_t n);

/* The maximum of fn over [a, b] by golden sections, for an fn with one
 * maximum there (concave, or a bracket around one peak): 200 sections or
 * until the bracket is below 1e-15 relative, whichever comes first. Returns
 * the larger of the two last interior values. */
double gl_num_golden_max(double (*fn)(double x, void *params), void *params, double a, double b);

/* softplus(t) = log(1 + e^t), exact to rounding for every t, +inf at +inf. */
static inline double gl_num_softplus(double t)
{
    return t > 0 ? t + log1p(exp(-t)) : log1p(exp(t));
}

/* sigmoid(t) = 1/(1 + e^-t) without overflow. */
static inline double gl_num_sigmoid(double t)
{
    if (t >= 0)
        return 1.0 / (1.0 + exp(-t));
    double e = exp(t);
    return e / (1.0 + e);
}

/* log(e^a + e^b), with -inf as the log of zero. */
static inline double gl_num_logaddexp(double a, double b)
{
    if (a == -INFINITY)
        return b;
    if (b == -INFINITY)
        return a;
    return a > b ? a + log1p(exp(b - a)) : b + log1p(exp(a - b));
}

/* The 64-bit FNV-1a hash of h extended by the 8 bytes of v (start from
 * GL_NUM_FNV_OFFSET): regime labels for quadrature are hashes of a few integers. */
#define GL_NUM_FNV_OFFSET 14695981039346656037u
static inline uint64_t gl_num_fnv1a(uint64_t h, uint64_t v)
{
    for (int b = 0; b < 8; b++)
        h = (h ^ ((v >> (8 * b)) & 0xff)) * 1099511628211u;
    return h;
}

#endif
