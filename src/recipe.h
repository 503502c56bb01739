/* SPDX-License-Identifier: GPL-3.0-or-later */
/* recipe.h — a complete GAN training recipe (the gl_recipe type): the
 * networks and optimisers (gl_rig_arch) and Algorithm 1's configuration
 * (gl_gan_cfg), the lab's named recipes, and the command-line options that
 * set its fields, for `ganlab train` and anything else that trains a GAN
 * from options. gl_recipe_argspecs binds the options to a recipe:
 *
 *   gl_recipe r;
 *   gl_recipe_opts ro;
 *   gl_recipe_preset("default", &r, err);
 *   gl_argspec specs[GL_RECIPE_NSPECS];
 *   size_t n = gl_recipe_argspecs(&r, &ro, specs);
 *   gl_args_parse(argc, argv, specs, n, err);
 *   gl_recipe_finish(&r, &ro, data_dim, err);
 *
 * The named recipes (docs/train.md has the measurements behind them):
 *   default   the lab's default: reaches a small exact JSD on two- and
 *             three-component 1-D mixtures over seeds: least squares, k 2,
 *             batch 64, 16,000 steps, Adam (0.5, 0.99) at 4e-3 (D) and 1e-3
 *             (G) decayed linearly to a twentieth, G's first-layer units
 *             spread over z in [-2, 2], instance noise on the real samples
 *             of 0.4 data sd falling to 0 at mid-run
 *   textbook  the gan1d-bench loop (G 1-16-16-1 tanh, D 1-32-32-1 leaky,
 *             NS, Adam 1e-3 constant, betas 0.5/0.999, batch 128, 5000
 *             steps): it oscillates */
#ifndef GL_RECIPE_H
#define GL_RECIPE_H

#include <stddef.h>

#include "args.h"
#include "gl.h"
#include "mix.h"
#include "rig.h"
#include "train.h"

typedef struct {
    gl_rig_arch arch;
    gl_gan_cfg gan;
    /* the instance noise on the real samples as a multiple of the data's
     * standard deviation (gl_recipe_finish sets gan.real_noise from it) */
    double real_noise_sd;
} gl_recipe;

#define GL_RECIPE_NSPECS 24

/* The recipe called name ("default", "textbook"); GL_EINVAL for another. */
int gl_recipe_preset(const char *name, gl_recipe *r, gl_err *err);

/* What the options set besides the recipe's fields: the rates, applied by
 * gl_recipe_finish so that --lr-d and --lr-g win over --lr in any order, and
 * whether --zdim was given (its default is the data's dimension). */
typedef struct {
    double lr, lr_d, lr_g;
    int lr_given, lr_d_given, lr_g_given, zdim_given;
} gl_recipe_opts;

/* Fills specs (room for GL_RECIPE_NSPECS) with the options that set r's
 * fields -- --loss --k --update --r1 --pack --steps --batch --lr --lr-d
 * --lr-g --schedule --warmup --g --d --act --leak --zdim --noise --beta1
 * --beta2 --g-spread --real-noise --real-noise-until --norm -- and returns how
 * many; clears *o. */
size_t gl_recipe_argspecs(gl_recipe *r, gl_recipe_opts *o, gl_argspec *specs);

/* After parsing, for data P: the rates, zdim = P's dimension unless given,
 * the instance noise in P's units (real_noise_sd times the root mean of P's
 * axis variances), and the checks that involve several fields (sim needs
 * k 1, batch a multiple of pack). */
int gl_recipe_finish(gl_recipe *r, const gl_recipe_opts *o, const gl_mix *P, gl_err *err);

/* The recipe in one line for data of dimension data_dim, for --help and
 * metadata: "G 1-16-16-1 tanh, D 1-32-32-1 leaky(0.2); ns, k 1, alt; ...". */
void gl_recipe_text(const gl_recipe *r, size_t data_dim, char *buf, size_t n);

/* The options' help, one per line, as `ganlab train --help` prints it. */
extern const char gl_recipe_help[];

#endif
