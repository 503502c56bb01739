/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cmd_fit.c — `ganlab fit`: the Gaussian closest to P in an f-divergence. */
#include <stdio.h>
#include <string.h>

#include "args.h"
#include "cli.h"
#include "fdiv.h"
#include "fit.h"
#include "mix.h"

static const char fit_usage[] =
    "usage: ganlab fit --p SPEC --f NAME [--init MU,SIGMA]\n"
    "\n"
    "The Gaussian Q = N(mu, sigma) minimising D_f(P||Q) for a 1-D mixture P:\n"
    "D_f by quadrature (as in 'ganlab div'), minimised over (mu, log sigma) by\n"
    "GSL's Nelder-Mead simplex and then BFGS with the gradient by quadrature.\n"
    "Prints TSV with the header 'f mu sigma value' and one row.\n"
    "For kl the answer is moment matching: P's mean and standard deviation.\n"
    "\n"
    "  --p SPEC         the distribution to fit, 1-D, e.g. '0.5*N(-2,0.5)+0.5*N(2,0.5)'\n"
    "  --f NAME         kl rkl pearson neyman hellinger jeffreys js gan tv\n"
    "  --init MU,SIGMA  the one start (sigma > 0); default: several starts, P's\n"
    "                   moment-matching Gaussian and each Gaussian of P, the best\n"
    "                   kept (mode-seeking divergences have a minimum per mode)\n";

/* "MU,SIGMA" */
static int p_init(const char *v, void *dst, gl_err *err)
{
    double *init = dst;
    const char *comma = strchr(v, ',');
    char mu[64];
    size_t n = comma ? (size_t)(comma - v) : 0;
    if (!comma || n >= sizeof mu)
        return gl_err_set(err, GL_EINVAL, "expected MU,SIGMA, got \"%s\"", v);
    memcpy(mu, v, n);
    mu[n] = '\0';
    if (gl_args_double("MU", mu, &init[0], NULL) || gl_args_double("SIGMA", comma + 1, &init[1], NULL))
        return gl_err_set(err, GL_EINVAL, "expected MU,SIGMA with finite numbers, got \"%s\"", v);
    if (!(init[1] > 0))
        return gl_err_set(err, GL_EINVAL, "sigma must be > 0, got %g", init[1]);
    return GL_OK;
}

static int p_f(const char *v, void *dst, gl_err *err)
{
    const gl_fdiv **f = dst;
    if (*f)
        return gl_err_set(err, GL_EINVAL, "given twice");
    if (!(*f = gl_fdiv_find(v)))
        return gl_err_set(err, GL_EINVAL, "unknown divergence \"%s\"", v);
    return GL_OK;
}

int cmd_fit(int argc, char **argv)
{
    if (cli_asks_help(argc, argv)) {
        fputs(fit_usage, stdout);
        return 0;
    }
    gl_mix *P = NULL;
    const gl_fdiv *f = NULL;
    double init[2];
    int have_init = 0, rc = 0;
    gl_err err;
    const gl_argspec specs[] = {
        {.name = "p", .type = GL_ARG_FN, .dst = &P, .parse = cli_arg_spec},
        {.name = "f", .type = GL_ARG_FN, .dst = &f, .parse = p_f},
        {.name = "init", .type = GL_ARG_FN, .dst = init, .parse = p_init, .seen = &have_init},
    };
    if (gl_args_parse(argc, argv, specs, 3, &err))
        rc = cli_fail("fit", "%s (try 'ganlab fit --help')", err.msg);
    if (!rc && (!P || !f))
        rc = cli_fail("fit", "--p and --f are required (try 'ganlab fit --help')");
    if (!rc && P->dim != 1)
        rc = cli_fail("fit", "--p must be 1-D, got a %d-D mixture", P->dim);
    gl_fit_result res;
    if (!rc && gl_fit_gauss(f, P, have_init ? init : NULL, &res, &err))
        rc = cli_fail_err("fit", &err);
    if (!rc) {
        printf("f\tmu\tsigma\tvalue\n");
        printf("%s\t%.17g\t%.17g\t%.17g\n", f->name, res.mu, res.sigma, res.value);
    }
    gl_mix_free(P);
    return rc;
}
