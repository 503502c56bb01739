/* SPDX-License-Identifier: GPL-3.0-or-later */
/* data.c — fuzz harness of the data-file reader of `ganlab train
 * --data-file` (gl_data_read, src/data.c) and the KDE built on what it reads
 * (gl_data_silverman, gl_data_kde): the first byte picks the dimension (0:
 * from the first row, 1 or 2) and the cap on the KDE's components (1 to 64),
 * the rest is the file, read through fmemopen. What reads must be finite,
 * of the dimension asked; the KDE must have at most cap components, weights
 * summing to 1, and the rows' mean. */
#include <math.h>

#include "data.h"
#include "fuzz.h"
#include "mix.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    gl_init();
    return 0;
}

/* the KDE of rows that read, with Silverman's bandwidth or 1 where it is 0 */
static void check_kde(const double *xs, size_t n, int dim, size_t cap)
{
    double bw[2];
    gl_err err;
    FUZZ_ASSERT(gl_data_silverman(xs, n, dim, bw, &err) == GL_OK);
    for (int j = 0; j < dim; j++) {
        FUZZ_ASSERT(bw[j] >= 0 && isfinite(bw[j]));
        if (!(bw[j] > 0))
            bw[j] = 1;
    }
    gl_mix *m = NULL;
    int s = gl_data_kde(xs, n, dim, bw, cap, "fuzz", &m, NULL, &err);
    if (s) { /* outside the supported range of mixtures */
        fuzz_check_err(s, &err);
        FUZZ_ASSERT(m == NULL);
        return;
    }
    FUZZ_ASSERT(m->dim == dim && m->n >= 1 && m->n <= (n > cap ? cap : n));
    double wsum = 0;
    for (size_t i = 0; i < m->n; i++)
        wsum += m->comp[i].w;
    FUZZ_ASSERT(fabs(wsum - 1) < 1e-9);
    for (int j = 0; j < dim; j++) {
        double mean = 0, amax = 0;
        for (size_t i = 0; i < n; i++) {
            mean += xs[i * (size_t)dim + j] / (double)n;
            amax = fmax(amax, fabs(xs[i * (size_t)dim + j]));
        }
        FUZZ_ASSERT(fabs(gl_mix_mean(m, j) - mean) <= 1e-9 * (amax + 1));
    }
    gl_mix_free(m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2) /* fmemopen needs at least one byte */
        return 0;
    int dim = data[0] % 3;
    size_t cap = 1 + (data[0] >> 2) % 64;
    FILE *f = fmemopen((void *)(data + 1), size - 1, "r");
    if (!f)
        return 0;
    double *xs = (double *)&xs; /* not NULL: the reader must set it */
    size_t n = 7;
    int dout = -1;
    gl_err err;
    int s = gl_data_read(f, "fuzz", dim, &xs, &n, &dout, &err);
    fclose(f);
    if (s) {
        fuzz_check_err(s, &err);
        FUZZ_ASSERT(strncmp(err.msg, "fuzz:", 5) == 0);
        FUZZ_ASSERT(xs == NULL && n == 0 && dout == 0);
        return 0;
    }
    FUZZ_ASSERT((xs == NULL) == (n == 0));
    FUZZ_ASSERT(dim ? dout == dim : (n == 0 || dout == 1 || dout == 2));
    for (size_t i = 0; i < n * (size_t)dout; i++)
        FUZZ_ASSERT(isfinite(xs[i]));
    if (n)
        check_kde(xs, n, dout, cap);
    free(xs);
    return 0;
}
