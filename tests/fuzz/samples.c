/* SPDX-License-Identifier: GPL-3.0-or-later */
/* samples.c — fuzz harness of the sample-file reader of `ganlab modes`
 * (gl_modes_read, src/modes.c): the first byte picks the dimension (1 or 2),
 * the rest is the file, read through fmemopen. What reads is scored against
 * a mixture of that dimension, and the scores must be within their bounds. */
#include <math.h>

#include "fuzz.h"
#include "mix.h"
#include "modes.h"

static gl_mix *mix[2]; /* 1-D, 2-D */

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    gl_init();
    return gl_mix_parse("0.7*N(0,1) + 0.2*N(3,0.5) + 0.1*N(-4,0.01)", &mix[0], NULL) ||
                   gl_mix_parse("ring(8,2,0.02) + N2(0,0,0.5,0.1,0.9)", &mix[1], NULL)
               ? -1
               : 0;
}

static void check_scores(const gl_mix *m, const double *xs, size_t n)
{
    size_t counts[16];
    gl_modes r;
    gl_err err;
    int s = gl_modes_score(m, xs, n, counts, &r, &err);
    FUZZ_ASSERT(s == GL_OK);
    size_t sum = 0;
    double wmin = 1;
    for (size_t j = 0; j < m->n; j++) {
        sum += counts[j];
        wmin = fmin(wmin, m->comp[j].w);
    }
    FUZZ_ASSERT(r.n == n && r.nmodes == m->n && r.hq == sum && r.hq <= n && r.covered <= m->n);
    FUZZ_ASSERT(r.hq_frac >= 0 && r.hq_frac <= 1);
    FUZZ_ASSERT(r.hq ? r.rkl >= 0 && r.rkl <= -log(wmin) + 1e-12 : isnan(r.rkl));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2) /* fmemopen needs at least one byte */
        return 0;
    int dim = 1 + (data[0] & 1);
    FILE *f = fmemopen((void *)(data + 1), size - 1, "r");
    if (!f)
        return 0;
    double *xs = (double *)&xs; /* not NULL: the reader must set it */
    size_t n = 7;
    gl_err err;
    int s = gl_modes_read(f, "fuzz", dim, &xs, &n, &err);
    fclose(f);
    if (s) {
        fuzz_check_err(s, &err);
        FUZZ_ASSERT(strncmp(err.msg, "fuzz:", 5) == 0);
        FUZZ_ASSERT(xs == NULL && n == 0);
        return 0;
    }
    FUZZ_ASSERT((xs == NULL) == (n == 0));
    for (size_t i = 0; i < n * (size_t)dim; i++)
        FUZZ_ASSERT(isfinite(xs[i]));
    if (n)
        check_scores(mix[dim - 1], xs, n);
    free(xs);
    return 0;
}
