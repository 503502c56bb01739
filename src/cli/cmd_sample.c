/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cmd_sample.c — `ganlab sample`: draws from a generator saved by train --save. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_rng.h>

#include "args.h"
#include "cli.h"
#include "mlp.h"
#include "model.h"
#include "noise.h"

static const char sample_usage[] =
    "usage: ganlab sample --model FILE -n N [--seed S]\n"
    "\n"
    "Prints N samples G(z), z ~ p_z, of the generator saved by 'ganlab train --save',\n"
    "one per line, %.17g; 2-D samples as two tab-separated columns.\n"
    "\n"
    "  --model FILE   a model file (docs/train.md)\n"
    "  -n N, --n N    number of samples, >= 1\n"
    "  --seed S       random seed (default 1)\n";

enum { CHUNK = 1024 }; /* samples per forward pass: the loaded generator's capacity */

/* n samples in chunks */
static int draw(gl_mlp *G, gl_noise noise, size_t n, unsigned long seed)
{
    size_t zdim = G->sizes[0], dim = G->sizes[G->nlayers];
    double *z = malloc(CHUNK * zdim * sizeof *z), *x = malloc(CHUNK * dim * sizeof *x);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    int rc = 0;
    if (!z || !x || !r) {
        rc = cli_fail("sample", "out of memory");
    } else {
        gsl_rng_set(r, seed);
        for (size_t done = 0; done < n;) {
            size_t m = n - done < CHUNK ? n - done : CHUNK;
            gl_noise_sample(noise, r, m * zdim, z);
            gl_mlp_forward(G, z, m, x);
            for (size_t i = 0; i < m; i++) {
                if (dim == 1)
                    printf("%.17g\n", x[i]);
                else
                    printf("%.17g\t%.17g\n", x[2 * i], x[2 * i + 1]);
            }
            done += m;
        }
        if (fflush(stdout) != 0 || ferror(stdout))
            rc = cli_fail("sample", "cannot write the samples: %s", strerror(errno));
    }
    free(z);
    free(x);
    gsl_rng_free(r);
    return rc;
}

int cmd_sample(int argc, char **argv)
{
    const char *path = NULL;
    size_t n = 0;
    unsigned long seed = 1;
    int have_n = 0;
    if (cli_asks_help(argc, argv)) {
        fputs(sample_usage, stdout);
        return 0;
    }
    for (int i = 0; i < argc; i++)
        if (strcmp(argv[i], "-n") == 0)
            argv[i] = "--n"; /* the short form */
    const gl_argspec specs[] = {
        {.name = "model", .type = GL_ARG_STR, .dst = &path},
        {.name = "n", .type = GL_ARG_SIZE, .dst = &n, .min = 1, .seen = &have_n},
        {.name = "seed", .type = GL_ARG_ULONG, .dst = &seed},
    };
    gl_err err;
    if (gl_args_parse(argc, argv, specs, sizeof specs / sizeof specs[0], &err))
        return cli_fail("sample", "%s (try 'ganlab sample --help')", err.msg);
    if (!path || !have_n)
        return cli_fail("sample", "both --model FILE and -n N are required (try 'ganlab sample "
                        "--help')");
    gl_mlp *G = NULL, *D = NULL;
    gl_model_meta meta;
    if (gl_model_load(path, CHUNK, &G, &D, &meta, &err))
        return cli_fail_err("sample", &err);
    int rc = draw(G, meta.noise, n, seed);
    gl_mlp_free(G);
    gl_mlp_free(D);
    gl_model_meta_clear(&meta);
    return rc;
}
