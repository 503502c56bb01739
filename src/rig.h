/* rig.h — a GAN ready to train: the generator, the discriminator, their
 * optimisers and the gl_gan workspace, built (and freed) as one.
 *
 * Every GAN in the lab is built the same way: allocate G and D, initialise G
 * then D from one generator (gl_mlp_init: the order fixes the weights a seed
 * gives), an optimiser for each (Adam with beta1 = 0.5 unless said), then
 * the workspace (train.h). */
#ifndef GL_RIG_H
#define GL_RIG_H

#include <stddef.h>
#include <gsl/gsl_rng.h>

#include "gl.h"
#include "mlp.h"
#include "optim.h"
#include "train.h"

typedef struct {
    size_t ng;              /* G's weight layers; gsizes has ng + 1 entries, zdim ... data dim */
    const size_t *gsizes;
    gl_act gact;
    size_t nd;              /* D's weight layers; dsizes has nd + 1 entries, data dim ... 1 */
    const size_t *dsizes;
    gl_act dact;
    double leak;            /* slope of leaky (either net) */
    gl_opt_kind gopt, dopt; /* the optimisers; their learning rates are cfg's */
    double beta1;           /* Adam's beta1 (momentum's mu), both nets */
    size_t dmaxbatch;       /* D's batch capacity if more than the 2*batch training needs */
} gl_rig_arch;

typedef struct {
    gl_mlp *G, *D;
    gl_optim *og, *od;
    gl_gan *w;
} gl_rig;

/* Builds *g for cfg (cfg->zdim and the data dimension are gsizes[0] and
 * dsizes[0]); draws G's and D's initial weights from r. On failure *g is all
 * NULL (nothing leaks) and the status is returned. */
int gl_rig_alloc(gl_rig *g, const gl_rig_arch *a, const gl_gan_cfg *cfg, const gsl_rng *r,
                 gl_err *err);
void gl_rig_free(gl_rig *g); /* all-NULL is a no-op */

#endif
