/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cmd_dirac.c — `ganlab dirac`: gradient play on the Dirac-GAN, as TSV. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <gsl/gsl_rng.h>

#include "args.h"
#include "cli.h"
#include "dirac.h"

static const char dirac_usage[] =
    "usage: ganlab dirac --update sim|alt --h X --steps N [--gamma G] [--noise S]\n"
    "                    [--theta T --psi P] [--seed N]\n"
    "\n"
    "The Dirac-GAN of Mescheder, Geiger & Nowozin (2018): p_data = delta_0,\n"
    "G = delta_theta, D(x) = psi x, V(theta, psi) = f(psi theta) + f(0) with\n"
    "f(t) = -log(1 + e^{-t}). G descends V in theta, D ascends it in psi.\n"
    "Prints TSV with the header 'step theta psi', one row per step from 0.\n"
    "\n"
    "  --update sim|alt  simultaneous steps, or alternating (D first, then G)\n"
    "  --h X             step size, > 0\n"
    "  --steps N         number of steps\n"
    "  --gamma G         gradient penalty (G/2) psi^2 on D, >= 0 (default 0)\n"
    "  --noise S         instance noise std S on real and fake samples, >= 0 (default 0)\n"
    "  --theta T         start theta (default 1)\n"
    "  --psi P           start psi (default 1)\n"
    "  --seed N          seed of the instance noise (default 1)\n";

static int p_update(const char *t, void *dst, gl_err *err)
{
    if (strcmp(t, "sim") && strcmp(t, "alt"))
        return gl_err_set(err, GL_EINVAL, "expected sim or alt, got \"%s\"", t);
    *(gl_dirac_update *)dst = t[0] == 's' ? GL_DIRAC_SIM : GL_DIRAC_ALT;
    return GL_OK;
}

int cmd_dirac(int argc, char **argv)
{
    if (cli_asks_help(argc, argv)) {
        fputs(dirac_usage, stdout);
        return 0;
    }
    gl_dirac_opts o = {.update = GL_DIRAC_SIM, .h = NAN, .gamma = 0, .sigma = 0};
    double x[2] = {1, 1};
    unsigned long steps = 0, seed = 1;
    int have_update = 0, have_h = 0, have_steps = 0, rc = 0;
    const gl_argspec specs[] = {
        {.name = "update", .type = GL_ARG_FN, .dst = &o.update, .parse = p_update,
         .seen = &have_update},
        {.name = "h", .type = GL_ARG_DOUBLE, .dst = &o.h, .open_min = 1, .seen = &have_h},
        {.name = "steps", .type = GL_ARG_ULONG, .dst = &steps, .min = 0, .max = 1e8,
         .seen = &have_steps},
        {.name = "gamma", .type = GL_ARG_DOUBLE, .dst = &o.gamma, .min = 0, .max = -1},
        {.name = "noise", .type = GL_ARG_DOUBLE, .dst = &o.sigma, .min = 0, .max = -1},
        {.name = "theta", .type = GL_ARG_DOUBLE, .dst = &x[0]},
        {.name = "psi", .type = GL_ARG_DOUBLE, .dst = &x[1]},
        {.name = "seed", .type = GL_ARG_ULONG, .dst = &seed},
    };
    gl_err err;
    if (gl_args_parse(argc, argv, specs, sizeof specs / sizeof specs[0], &err))
        return cli_fail("dirac", "%s (try 'ganlab dirac --help')", err.msg);
    if (!have_update || !have_h || !have_steps)
        return cli_fail("dirac", "--update, --h and --steps are required (try 'ganlab dirac --help')");
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    if (!r)
        return cli_fail("dirac", "out of memory");
    gsl_rng_set(r, seed);
    printf("step\ttheta\tpsi\n");
    printf("0\t%.17g\t%.17g\n", x[0], x[1]);
    for (unsigned long k = 1; k <= steps && !rc; k++) {
        if (gl_dirac_step(&o, r, x, &err))
            rc = cli_fail_err("dirac", &err);
        else
            printf("%lu\t%.17g\t%.17g\n", k, x[0], x[1]);
    }
    gsl_rng_free(r);
    return rc;
}
