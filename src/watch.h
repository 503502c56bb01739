/* SPDX-License-Identifier: GPL-3.0-or-later */
/* watch.h — what a training run shows at its logged steps (the gl_watch type):
 * the step's minibatch statistics, the EXACT JSD of a 1-D generator (its
 * pushforward density against p_data, by quadrature), and a histogram
 * ESTIMATE of the JSD for any dimension, drawn from an evaluation stream of
 * its own so that watching never changes the training. Everything is
 * allocated once: a row allocates nothing. `ganlab train` writes these rows
 * to log.tsv; the columns are gl_watch_cols:
 *
 *   step loss_d loss_g V D_real D_fake acc jsd jsd_abserr jsd_est
 *
 * V = -loss_d for the logistic losses (the minibatch estimate of V(D,G)), NaN
 * for least squares, whose D is a score. jsd is NaN when there is no exact
 * p_g (2-D data or zdim > 1) or when the quadrature fails even on the finer
 * grid of gl_metrics_gen (counted: gl_watch_failures). */
#ifndef GL_WATCH_H
#define GL_WATCH_H

#include <stddef.h>

#include "gl.h"
#include "loss.h"
#include "metrics.h"
#include "mix.h"
#include "mlp.h"
#include "noise.h"
#include "train.h"

#define GL_WATCH_NCOLS 10
extern const char *const gl_watch_cols[GL_WATCH_NCOLS];

/* The histogram estimate: GL_WATCH_EST_N samples of each, 100 cells (1-D) or
 * 40 x 40 (2-D) over the data's mass (means +- 4 sd), plus one outside. */
#define GL_WATCH_EST_N 4000
#define GL_WATCH_BINS_1D 100
#define GL_WATCH_BINS_2D 40

typedef struct gl_watch gl_watch;

/* A watch of G (zdim noise inputs of kind noise) trained on P with loss;
 * its evaluation stream is seeded with eval_seed. G must hold batches of at
 * least 1 (it is evaluated in chunks of its capacity). */
int gl_watch_alloc(gl_watch **out, const gl_mix *P, gl_mlp *G, gl_noise noise, gl_loss_kind loss,
                   unsigned long eval_seed, gl_err *err);
void gl_watch_free(gl_watch *w); /* NULL is a no-op */

/* A conditional G (train.h, ncond = L labels; its last L inputs the label's
 * one-hot): the estimate draws each sample's label from P's weights as
 * training does (groups of P->n / L components). Call once, after alloc,
 * before any row. The exact JSD stays NaN (gl_watch_exact is 0): p_g is then
 * a mixture of one pushforward per label (`ganlab exp conditional`). */
int gl_watch_cond(gl_watch *w, size_t ncond, gl_err *err);

/* 1 when the exact JSD is computed (1-D data, zdim 1) */
int gl_watch_exact(const gl_watch *w);

/* The row of the statistics st and G's current parameters into
 * row[GL_WATCH_NCOLS]. */
void gl_watch_row(gl_watch *w, const gl_gan_stats *st, double *row);

/* How many rows had no exact JSD although one was due; the first such step
 * and its message. */
size_t gl_watch_failures(const gl_watch *w, size_t *first_step, const char **msg);

/* The exact side for further use (pg.tsv): NULL without an exact p_g. */
gl_metrics_gen *gl_watch_gen(gl_watch *w);

#endif
