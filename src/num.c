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
