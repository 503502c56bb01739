/* SPDX-License-Identifier: GPL-3.0-or-later */
/* model.h — a trained GAN on disk: generator, discriminator and what they
 * were trained on, in a versioned text format that reloads bit for bit.
 *
 * Format version 2 (docs/train.md has an example):
 *
 *   ganlab-model 2
 *   data: SPEC                 the data spec (one line, may be empty)
 *   noise: normal|uniform      p_z: N(0, I) or U(-1, 1)^zdim
 *   zdim: N                    G's noise inputs
 *   cond: L                    OPTIONAL (absent: unconditional): a conditional
 *                              GAN on L labels (train.h, ncond), whose G reads
 *                              zdim + L inputs and D G's outputs + L
 *   G.sizes: 1,16,16,1         layer sizes, inputs first
 *   G.act: tanh                hidden activation (mlp.h names)
 *   G.leak: 0.20000000000000001   %.17g
 *   G.out: tanh                optional: the output activation (absent: linear)
 *   G.norm: batch K            optional: batch normalisation (bn.h) of G's K hidden
 *   M V                        units (absent: none), then K lines, one per unit in
 *   ...                        layer order: its running mean and variance, %.17g
 *   D.sizes: ...               the same keys for D
 *   D.act: ...
 *   D.leak: ...
 *   G.params: N                N = G->nparams, then N lines, one %.17g each
 *   ...                        (mlp.h's layout: W_l row-major, then b_l; with
 *                              norm, then gamma_l, beta_l of each hidden layer)
 *   D.params: M                then M lines
 *   ...
 *   end
 *
 * Version 1 is the same without the optional lines: its files still load.
 * Keys come in this order, one per line, "key: value". Every parameter is
 * written with %.17g, which a correctly rounding strtod (glibc's) reads back
 * to the same double: a reload is bit-identical. The file is written to
 * PATH.tmp.PID and renamed, so an interrupted save never leaves half a model.
 * Loading checks everything (header and version, each key, sizes against the
 * counts and, before allocating, against the file's length, numbers that do
 * not parse or are not finite, a missing "end") and says which line is wrong. */
#ifndef GL_MODEL_H
#define GL_MODEL_H

#include <stddef.h>

#include "gen.h"
#include "gl.h"
#include "mlp.h"

#define GL_MODEL_VERSION 2

typedef struct {
    char *data;     /* data spec text; owned (gl_model_meta_clear frees it) */
    gl_noise noise;
    size_t zdim;    /* G's noise inputs: G->sizes[0] - ncond */
    size_t ncond;   /* labels of a conditional GAN, 0: unconditional */
} gl_model_meta;

/* Writes G and D with meta to path atomically. G maps zdim (+ ncond) -> 1 or
 * 2 outputs, D maps G's outputs (+ ncond) -> 1; every parameter must be finite; meta->data must not
 * contain a newline (NULL is written as empty). */
int gl_model_save(const char *path, const gl_mlp *G, const gl_mlp *D, const gl_model_meta *meta,
                  gl_err *err);

/* Reads path into newly allocated networks *G, *D with batch capacity
 * maxbatch (>= 1) and fills *meta (meta->data newly allocated). On failure
 * nothing is allocated (*G, *D NULL, meta->data NULL) and err says what is
 * wrong and on which line. */
int gl_model_load(const char *path, size_t maxbatch, gl_mlp **G, gl_mlp **D, gl_model_meta *meta,
                  gl_err *err);

void gl_model_meta_clear(gl_model_meta *meta); /* frees data, sets it NULL */

#endif
