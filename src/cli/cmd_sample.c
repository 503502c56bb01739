/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cmd_sample.c — `ganlab sample`: draws from a generator saved by train --save. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_rng.h>

#include "args.h"
#include "cli.h"
#include "mix.h"
#include "mlp.h"
#include "model.h"
#include "noise.h"

static const char sample_usage[] =
    "usage: ganlab sample --model FILE -n N [--seed S] [--label K]\n"
    "\n"
    "Prints N samples G(z), z ~ p_z, of the generator saved by 'ganlab train --save',\n"
    "one per line, %.17g; 2-D samples as two tab-separated columns. For a conditional\n"
    "model (train --conditional) each sample's label is drawn by the mixture weights of\n"
    "the data it was trained on, unless --label fixes it.\n"
    "\n"
    "  --model FILE   a model file (docs/train.md)\n"
    "  -n N, --n N    number of samples, >= 1\n"
    "  --seed S       random seed (default 1)\n"
    "  --label K      a conditional model only: samples of G(z | y = K), K = 0 .. L-1\n"
    "                 (label K is the K-th component of the data spec, from 0)\n";

enum { CHUNK = 1024 }; /* samples per forward pass: the loaded generator's capacity */

/* what the generator's inputs are: zn noise values, then (conditional) the
 * one-hot of a label, fixed (label < L) or drawn by P's weights */
typedef struct {
    gl_noise noise;
    size_t zn, L, label;
    const gl_mix *P;
} inputs;

/* m rows of G's inputs into z */
static void fill_inputs(const inputs *in, const gsl_rng *r, size_t m, double *z)
{
    if (!in->L) {
        gl_noise_sample(in->noise, r, m * in->zn, z);
        return;
    }
    size_t w = in->zn + in->L;
    for (size_t i = 0; i < m; i++) {
        double *row = z + i * w;
        gl_noise_sample(in->noise, r, in->zn, row);
        memset(row + in->zn, 0, in->L * sizeof *row);
        row[in->zn + (in->P ? gl_mix_draw_comp(in->P, r) / (in->P->n / in->L) : in->label)] = 1;
    }
}

/* n samples in chunks */
static int draw(gl_mlp *G, const inputs *in, size_t n, unsigned long seed)
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
            fill_inputs(in, r, m, z);
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

/* the label options against the model: a clear error, or in filled in */
static int check_label(const char *path, const gl_model_meta *meta, int have_label, size_t label,
                       gl_mix **P, inputs *in, gl_err *err)
{
    *in = (inputs){meta->noise, meta->zdim, meta->ncond, (size_t)-1, NULL};
    if (!meta->ncond) {
        if (have_label)
            return gl_err_set(err, GL_EINVAL, "--label %zu: %s is not a conditional model "
                              "(train it with --conditional)", label, path);
        return GL_OK;
    }
    if (have_label && label >= meta->ncond)
        return gl_err_set(err, GL_EINVAL, "--label %zu is out of range: %s has %zu labels, 0 .. "
                          "%zu", label, path, meta->ncond, meta->ncond - 1);
    if (have_label) {
        in->label = label;
        return GL_OK;
    }
    /* no --label: the labels by the data's weights, which the file's spec gives */
    if (gl_mix_parse(meta->data, P, err))
        return gl_err_prefix(err, "the model's data spec");
    if ((*P)->n % meta->ncond)
        return gl_err_set(err, GL_EINVAL, "%s: %zu labels for data of %zu components", path,
                          meta->ncond, (*P)->n);
    in->P = *P;
    return GL_OK;
}

int cmd_sample(int argc, char **argv)
{
    const char *path = NULL;
    size_t n = 0, label = 0;
    unsigned long seed = 1;
    int have_n = 0, have_label = 0;
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
        {.name = "label", .type = GL_ARG_SIZE, .dst = &label, .seen = &have_label},
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
    gl_mix *P = NULL;
    inputs in;
    int rc = check_label(path, &meta, have_label, label, &P, &in, &err)
                 ? cli_fail_err("sample", &err)
                 : draw(G, &in, n, seed);
    gl_mix_free(P);
    gl_mlp_free(G);
    gl_mlp_free(D);
    gl_model_meta_clear(&meta);
    return rc;
}
