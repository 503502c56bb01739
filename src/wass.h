/* SPDX-License-Identifier: GPL-3.0-or-later */
/* wass.h — the Wasserstein-1 distance between 1-D mixtures.
 *
 *   W1(P, Q) = integral over the line of |F_P(x) - F_Q(x)| dx
 *
 * (the 1-D closed form of the optimal-transport cost with |x - y|; Vallender
 * 1974), from the exact CDFs: Phi((x - mu)/sd) for a Gaussian, the clamped
 * (x - a)/(b - a) for a uniform. The quadrature (gl_quad_line_split) gets the
 * breakpoints of both mixtures and locates the crossings of F_P - F_Q, where
 * |F_P - F_Q| has a corner. Right of the medians the difference is formed
 * from the upper tails, S_Q - S_P, so far tails lose no digits to 1 - 1. */
#ifndef GL_WASS_H
#define GL_WASS_H

#include "gl.h"
#include "mix.h"
#include "quad.h"

/* W1(P, Q) and the quadrature's error estimate. Both mixtures must be 1-D
 * (GL_EINVAL otherwise: the 2-D distance has no such closed form). */
int gl_wass_w1(const gl_mix *P, const gl_mix *Q, gl_quad_workspace *ws, double *value,
               double *abserr, gl_err *err);

#endif
