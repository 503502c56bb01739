/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dynamics.h — the three parts of exp dynamics: the Dirac-GAN (dynamics.c),
 * the same comparison on a real 1-D GAN, one sweep of configurations x seeds
 * (dynamics-gan.c, configured by gl_dynamics_gan_cfg), and the best response
 * to a frozen D* (dynamics-br.c). */
#ifndef GL_DYNAMICS_H
#define GL_DYNAMICS_H

#include "exp.h"
#include "optim.h"

typedef struct {
    size_t steps, batch, seeds, nlog; /* nlog exact-JSD points per run, steps % nlog == 0 */
    double lr, r1;                    /* learning rate of both nets; R1 weight gamma */
    gl_opt_kind opt;
    int alt_only;                     /* only the alternating configurations (quick) */
} gl_dynamics_gan_cfg;

/* part B: the sweep, gan-jsd.tsv, gan-summary.tsv, gan-median.tsv, its claims */
int gl_dynamics_gan(const gl_exp_opts *o, const gl_dynamics_gan_cfg *g, gl_rec *rec, gl_claims *cl,
                    gl_err *err);

/* part C (dynamics-br.c): the generator's best response to a frozen D* */
int gl_dynamics_br(const gl_exp_opts *o, gl_rec *rec, gl_claims *cl, gl_err *err);

#endif
