/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dirac.h — the Dirac-GAN of Mescheder, Geiger & Nowozin (2018).
 *
 * p_data = delta_0, the generator G = delta_theta, the discriminator
 * D(x) = psi x, and with f(t) = -log(1 + e^{-t}) the two-player objective
 *     V(theta, psi) = f(psi theta) + f(0),
 * which D ascends in psi and G descends in theta. With f'(t) = 1/(1 + e^t):
 *     dV/dtheta = f'(psi theta) psi,     dV/dpsi = f'(psi theta) theta.
 * The unique equilibrium is (0, 0), where the Jacobian of the gradient vector
 * field v = (-dV/dtheta, dV/dpsi) has the purely imaginary eigenvalues
 * +-i f'(0), f'(0) = 1/2: plain gradient play does not converge to it.
 *
 * Remedies: a gradient penalty (gamma/2) psi^2 subtracted from D's objective
 * (R1 and R2 coincide here, since grad_x D = psi), and instance noise of
 * standard deviation sigma added to both the real and the fake sample, for
 * which D's objective is f(psi (theta + e1)) + f(-psi e2); each step then
 * draws one (e1, e2) from the caller's gsl_rng. */
#ifndef GL_DIRAC_H
#define GL_DIRAC_H

#include <stddef.h>
#include <gsl/gsl_rng.h>

#include "gl.h"

typedef enum {
    GL_DIRAC_SIM, /* both players step from the same (theta, psi) */
    GL_DIRAC_ALT  /* D steps first; G then steps against the updated psi */
} gl_dirac_update;

typedef struct {
    gl_dirac_update update;
    double h;      /* step size, > 0 */
    double gamma;  /* gradient penalty weight, >= 0 */
    double sigma;  /* instance noise standard deviation, >= 0; > 0 needs an rng */
} gl_dirac_opts;

/* f'(t) = 1/(1 + e^t), computed without overflow */
double gl_dirac_fprime(double t);

/* One update of x = (theta, psi) in place. r may be NULL when sigma == 0. */
int gl_dirac_step(const gl_dirac_opts *o, const gsl_rng *r, double x[2], gl_err *err);

/* n steps from x0; traj receives n + 1 rows (theta, psi), row 0 being x0,
 * so traj holds 2 (n + 1) doubles. A non-finite iterate is GL_EDIVERGE, with
 * the rows up to it written. */
int gl_dirac_run(const gl_dirac_opts *o, const gsl_rng *r, const double x0[2], size_t n,
                 double *traj, gl_err *err);

#endif
