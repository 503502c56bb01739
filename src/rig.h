/* SPDX-License-Identifier: GPL-3.0-or-later */
/* rig.h — a GAN ready to train (the gl_rig type and its architecture,
 * gl_rig_arch): the generator, the discriminator, their optimisers and the
 * gl_gan workspace, built (and freed) as one.
 *
 * Every GAN in the lab is built the same way: allocate G (zdim -> hidden ->
 * data dim) and D (pack * data dim -> hidden -> 1), initialise G then D from
 * one generator (gl_mlp_init: the order fixes the weights a seed gives), an
 * optimiser for each, then the workspace (train.h). Architectures are set by
 * field name on the default:
 *   gl_rig_arch a = gl_rig_arch_default(); a.g.n = 3; a.g.v[2] = 16; */
#ifndef GL_RIG_H
#define GL_RIG_H

#include <stddef.h>
#include <gsl/gsl_rng.h>

#include "gl.h"
#include "mlp.h"
#include "optim.h"
#include "train.h"

typedef struct {
    gl_mlp_hidden g, d;     /* hidden widths of G and D (default 16,16 and 32,32) */
    gl_act gact, dact;      /* their hidden activations (default tanh and leaky) */
    double leak;            /* slope of leaky for x < 0, either net (default 0.2) */
    gl_opt_kind gopt, dopt; /* the optimisers (default Adam); their rates are the cfg's */
    double beta1, beta2;    /* Adam's betas (momentum: beta1 is mu), both nets (default 0.5, 0.999) */
    size_t gmaxbatch;       /* G's batch capacity if more than cfg->batch (default 0) */
    /* > 0: after the initial weights, each unit i of G's first hidden layer
     * gets the bias -w_i . c_i, with a centre c_i drawn uniformly from
     * [-gspread, gspread]^zdim (from the same stream, after D's weights): the
     * units' transitions spread over the noise's bulk instead of all sitting
     * at z = 0, where zero biases make a tanh G odd, so that it cannot put a
     * mode at the centre of a symmetric mixture (default 0: biases 0) */
    double gspread;
    size_t dmaxbatch;       /* D's batch capacity if more than the 2 batch / pack rows training needs */
    /* batch normalisation (bn.h) of G's hidden layers and of D's hidden
     * layers but its first: never of G's output layer nor of D's input layer,
     * the layer that reads x, as in DCGAN (default 0, 0) */
    int gnorm, dnorm;
    gl_act gout;            /* G's output activation: linear (default) or tanh */
} gl_rig_arch;

gl_rig_arch gl_rig_arch_default(void);

typedef struct {
    gl_mlp *G, *D;
    gl_optim *og, *od;
    gl_gan *w;
} gl_rig;

/* Builds *g for cfg on data_dim-dimensional data: G maps cfg->zdim inputs to
 * data_dim, D maps (cfg->pack or 1) * data_dim to 1 (each with cfg->ncond
 * more inputs, the label, with conditioning); draws G's and D's initial
 * weights from r. On failure *g is all NULL (nothing leaks) and the status is
 * returned. */
int gl_rig_alloc(gl_rig *g, const gl_rig_arch *a, const gl_gan_cfg *cfg, size_t data_dim,
                 const gsl_rng *r, gl_err *err);
void gl_rig_free(gl_rig *g); /* all-NULL is a no-op */

#endif
