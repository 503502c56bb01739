/* SPDX-License-Identifier: GPL-3.0-or-later */
/* noise.h — the generator's noise p_z (the gl_noise type): z ~ N(0, I), drawn
 * with GSL's ziggurat, or U(-1, 1)^zdim, as 2u - 1 for u uniform on [0, 1).
 * The one sampler of the lab: training, evaluation and `ganlab sample` draw
 * through gl_noise_sample, so one seed gives the same z everywhere. */
#ifndef GL_NOISE_H
#define GL_NOISE_H

#include <stddef.h>
#include <gsl/gsl_rng.h>

#include "gl.h"

typedef enum { GL_NOISE_NORMAL, GL_NOISE_UNIFORM } gl_noise;

/* n independent coordinates into z, in the order they are drawn. */
void gl_noise_sample(gl_noise noise, const gsl_rng *r, size_t n, double *z);

/* One coordinate's log density (-inf outside U's support) and the mass
 * P(a <= z <= b) for a <= b, from the side of the tail that keeps precision. */
double gl_noise_logpdf(gl_noise noise, double z);
double gl_noise_mass(gl_noise noise, double a, double b);

/* "normal", "uniform"; "unknown" outside the enum. */
const char *gl_noise_name(gl_noise noise);
int gl_noise_parse(const char *name, gl_noise *noise, gl_err *err);

#endif
