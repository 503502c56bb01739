/* SPDX-License-Identifier: GPL-3.0-or-later */
/* noise.c — the generator's noise: sampling, density, mass, names. */
#include "noise.h"

#include <math.h>
#include <string.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_randist.h>

#define LOG_SQRT_2PI 0.91893853320467274178

static const char *const noise_names[] = {"normal", "uniform"};

void gl_noise_sample(gl_noise noise, const gsl_rng *r, size_t n, double *z)
{
    if (noise == GL_NOISE_NORMAL)
        for (size_t i = 0; i < n; i++)
            z[i] = gsl_ran_gaussian_ziggurat(r, 1.0);
    else
        for (size_t i = 0; i < n; i++)
            z[i] = 2.0 * gsl_rng_uniform(r) - 1.0;
}

double gl_noise_logpdf(gl_noise noise, double z)
{
    if (noise == GL_NOISE_NORMAL)
        return -0.5 * z * z - LOG_SQRT_2PI;
    return z >= -1.0 && z <= 1.0 ? -M_LN2 : -INFINITY;
}

double gl_noise_mass(gl_noise noise, double a, double b)
{
    if (noise == GL_NOISE_UNIFORM)
        return 0.5 * (fmin(b, 1.0) - fmax(a, -1.0));
    if (a >= 0)
        return gsl_cdf_ugaussian_Q(a) - gsl_cdf_ugaussian_Q(b);
    if (b <= 0)
        return gsl_cdf_ugaussian_P(b) - gsl_cdf_ugaussian_P(a);
    return 1.0 - gsl_cdf_ugaussian_P(a) - gsl_cdf_ugaussian_Q(b);
}

const char *gl_noise_name(gl_noise noise)
{
    return (unsigned)noise <= GL_NOISE_UNIFORM ? noise_names[noise] : "unknown";
}

int gl_noise_parse(const char *name, gl_noise *noise, gl_err *err)
{
    for (size_t i = 0; name && i < sizeof noise_names / sizeof noise_names[0]; i++)
        if (strcmp(name, noise_names[i]) == 0) {
            *noise = (gl_noise)i;
            return GL_OK;
        }
    return gl_err_set(err, GL_EINVAL, "unknown noise '%s' (valid: normal, uniform)",
                      name ? name : "(null)");
}
