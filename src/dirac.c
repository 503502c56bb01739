/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dirac.c — gradient play on the Dirac-GAN (see dirac.h). */
#include <math.h>

#include <gsl/gsl_randist.h>

#include "dirac.h"
#include "num.h"

double gl_dirac_fprime(double t)
{
    return gl_num_sigmoid(-t); /* 1/(1+e^t), without overflow */
}

static int check_opts(const gl_dirac_opts *o, const gsl_rng *r, gl_err *err)
{
    if (o->update != GL_DIRAC_SIM && o->update != GL_DIRAC_ALT)
        return gl_err_set(err, GL_EINVAL, "unknown update rule %d", (int)o->update);
    if (!(o->h > 0) || !isfinite(o->h))
        return gl_err_set(err, GL_EINVAL, "step size h must be finite and > 0, got %g", o->h);
    if (!(o->gamma >= 0) || !isfinite(o->gamma))
        return gl_err_set(err, GL_EINVAL, "penalty gamma must be finite and >= 0, got %g", o->gamma);
    if (!(o->sigma >= 0) || !isfinite(o->sigma))
        return gl_err_set(err, GL_EINVAL, "noise sigma must be finite and >= 0, got %g", o->sigma);
    if (o->sigma > 0 && !r)
        return gl_err_set(err, GL_EINVAL, "instance noise sigma > 0 needs a gsl_rng");
    return GL_OK;
}

/* D's ascent direction in psi:  d/dpsi [f(psi xf) + f(-psi xr)] - gamma psi
 *   = f'(psi xf) xf - f'(-psi xr) xr - gamma psi
 * (xf = theta + e1, xr = e2; without noise xr = 0 and this is dV/dpsi - gamma psi) */
static double d_dir(double theta, double psi, double e1, double e2, double gamma)
{
    double xf = theta + e1;
    return gl_dirac_fprime(psi * xf) * xf - gl_dirac_fprime(-psi * e2) * e2 - gamma * psi;
}

/* G's descent direction in theta:  -d/dtheta f(psi xf) = -f'(psi xf) psi */
static double g_dir(double theta, double psi, double e1)
{
    return -gl_dirac_fprime(psi * (theta + e1)) * psi;
}

static void step(const gl_dirac_opts *o, const gsl_rng *r, double x[2])
{
    double e1 = 0, e2 = 0, e3 = 0;
    if (o->sigma > 0) {
        e1 = gsl_ran_gaussian_ziggurat(r, o->sigma);
        e2 = gsl_ran_gaussian_ziggurat(r, o->sigma);
    }
    double th = x[0], ps = x[1];
    if (o->update == GL_DIRAC_SIM) {
        x[0] = th + o->h * g_dir(th, ps, e1);
        x[1] = ps + o->h * d_dir(th, ps, e1, e2, o->gamma);
    } else {
        x[1] = ps + o->h * d_dir(th, ps, e1, e2, o->gamma);
        if (o->sigma > 0) /* the G-step draws its own fake sample */
            e3 = gsl_ran_gaussian_ziggurat(r, o->sigma);
        x[0] = th + o->h * g_dir(th, x[1], e3);
    }
}

int gl_dirac_step(const gl_dirac_opts *o, const gsl_rng *r, double x[2], gl_err *err)
{
    int s = check_opts(o, r, err);
    if (s)
        return s;
    step(o, r, x);
    if (!isfinite(x[0]) || !isfinite(x[1]))
        return gl_err_set(err, GL_EDIVERGE, "the iterate is no longer finite");
    return GL_OK;
}

int gl_dirac_run(const gl_dirac_opts *o, const gsl_rng *r, const double x0[2], size_t n,
                 double *traj, gl_err *err)
{
    int s = check_opts(o, r, err);
    if (s)
        return s;
    if (!traj || !x0)
        return gl_err_set(err, GL_EINVAL, "x0 and the trajectory buffer must not be NULL");
    if (!isfinite(x0[0]) || !isfinite(x0[1]))
        return gl_err_set(err, GL_EINVAL, "the start (%g, %g) must be finite", x0[0], x0[1]);
    double x[2] = {x0[0], x0[1]};
    traj[0] = x[0];
    traj[1] = x[1];
    for (size_t k = 1; k <= n; k++) {
        step(o, r, x);
        if (!isfinite(x[0]) || !isfinite(x[1]))
            return gl_err_set(err, GL_EDIVERGE, "the iterate is no longer finite at step %zu", k);
        traj[2 * k] = x[0];
        traj[2 * k + 1] = x[1];
    }
    return GL_OK;
}
