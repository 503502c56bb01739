/* SPDX-License-Identifier: GPL-3.0-or-later */
/* num.c — the sort-and-merge of breakpoint lists (the inline helpers are in num.h). */
#include "num.h"

#include <gsl/gsl_sort.h>

size_t gl_num_sort_unique(double *v, size_t n)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (isfinite(v[i]))
            v[m++] = v[i];
    gsl_sort(v, 1, m);
    size_t k = 0;
    for (size_t i = 0; i < m; i++)
        if (k == 0 || v[i] > v[k - 1] + GL_NUM_MERGE * fmax(1.0, fabs(v[k - 1])))
            v[k++] = v[i];
    return k;
}

double gl_num_golden_max(double (*fn)(double x, void *params), void *params, double a, double b)
{
    const double g = 0.6180339887498949; /* (sqrt 5 - 1) / 2 */
    double c = b - g * (b - a), d = a + g * (b - a), fc = fn(c, params), fd = fn(d, params);
    for (int k = 0; k < 200 && b - a > 1e-15 * (1 + fabs(a) + fabs(b)); k++) {
        if (fc > fd) {
            b = d, d = c, fd = fc;
            c = b - g * (b - a), fc = fn(c, params);
        } else {
            a = c, c = d, fc = fd;
            d = a + g * (b - a), fd = fn(d, params);
        }
    }
    return fc > fd ? fc : fd;
}
