/* train.h — training loops over flat buffers.
 *
 * gl_train_d: the inner loop of Algorithm 1 of Goodfellow et al. (2014) with
 * the generator held fixed: ascend E_p[log D] + E_g[log(1-D)], i.e. descend the
 * binary cross-entropy with p_data samples labelled 1 and p_g samples labelled
 * 0, on fresh minibatches each step. The real and fake halves go through the
 * network as one batch of 2*batch. */
#ifndef GL_TRAIN_H
#define GL_TRAIN_H

#include <stddef.h>
#include <gsl/gsl_rng.h>

#include "gl.h"
#include "mix.h"
#include "mlp.h"
#include "optim.h"

typedef struct {
    size_t steps;      /* optimiser steps */
    size_t batch;      /* samples from each of P and G per step */
    double lr, lr_end; /* learning rate, decayed linearly from lr to lr_end */
    size_t log_every;  /* call hook every log_every steps (0: never) */
    /* hook(ctx, step, loss): loss is the minibatch BCE at that step;
     * return non-zero to stop early. */
    int (*hook)(void *ctx, size_t step, double loss);
    void *hook_ctx;
} gl_dtrain_cfg;

/* Trains D (one output, a logit) in place with opt (sized for D's params).
 * D->maxbatch must be >= 2*batch. A non-finite loss stops training with
 * GL_EDIVERGE naming the step; D then holds the last parameters. */
int gl_train_d(gl_mlp *D, gl_optim *opt, const gl_mix *P, const gl_mix *G,
               const gsl_rng *r, const gl_dtrain_cfg *cfg, double *final_loss, gl_err *err);

#endif
