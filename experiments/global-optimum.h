/* SPDX-License-Identifier: GPL-3.0-or-later */
/* global-optimum.h — the parts of exp global-optimum in their own files. */
#ifndef GL_GLOBAL_OPTIMUM_H
#define GL_GLOBAL_OPTIMUM_H

#include "exp.h"

/* part A2 (global-optimum-a2.c): Proposition 2's convexity and envelope
 * argument, and a collapsed generator, by quadrature */
int gl_global_optimum_a2(const gl_exp_opts *o, gl_rec *rec, gl_claims *cl, gl_err *err);

/* part C (global-optimum-k.c): how close D stays to D*_G with k = 1 and 5 */
int gl_global_optimum_k(const gl_exp_opts *o, gl_rec *rec, gl_claims *cl, gl_err *err);

/* part H (global-optimum-h.c): the final exact JSD over learning rate x beta1 */
int gl_global_optimum_h(const gl_exp_opts *o, gl_rec *rec, gl_claims *cl, gl_err *err);

#endif
