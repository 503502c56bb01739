/* cmd_dirac.c — `ganlab dirac`: gradient play on the Dirac-GAN, as TSV. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_rng.h>

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

static int num(const char *opt, const char *v, double lo, double *out)
{
    if (!v)
        return cli_fail("dirac", "option --%s needs a value", opt);
    char *end;
    errno = 0;
    double x = strtod(v, &end);
    if (end == v || *end || errno == ERANGE || !isfinite(x) || x < lo)
        return lo == -INFINITY ? cli_fail("dirac", "--%s: expected a finite number, got \"%s\"", opt, v)
                               : cli_fail("dirac", "--%s: expected a finite number >= %g, got \"%s\"", opt, lo, v);
    *out = x;
    return 0;
}

static int uint_opt(const char *opt, const char *v, unsigned long *out)
{
    if (!v)
        return cli_fail("dirac", "option --%s needs a value", opt);
    char *end;
    errno = 0;
    unsigned long x = (*v >= '0' && *v <= '9') ? strtoul(v, &end, 10) : 0;
    if (!(*v >= '0' && *v <= '9') || *end || errno == ERANGE)
        return cli_fail("dirac", "--%s: expected a non-negative integer, got \"%s\"", opt, v);
    *out = x;
    return 0;
}

int cmd_dirac(int argc, char **argv)
{
    gl_dirac_opts o = {GL_DIRAC_SIM, NAN, 0, 0};
    double x[2] = {1, 1};
    unsigned long steps = 0, seed = 1;
    int have_update = 0, have_steps = 0, rc = 0;
    for (int i = 0; i < argc && !rc; i++) {
        const char *v;
        if (cli_is_help(argv[i])) {
            fputs(dirac_usage, stdout);
            return 0;
        } else if (cli_opt(argc, argv, &i, "update", &v)) {
            if (v && strcmp(v, "sim") == 0)
                o.update = GL_DIRAC_SIM;
            else if (v && strcmp(v, "alt") == 0)
                o.update = GL_DIRAC_ALT;
            else
                rc = cli_fail("dirac", "--update: expected sim or alt, got \"%s\"", v ? v : "");
            have_update = 1;
        } else if (cli_opt(argc, argv, &i, "h", &v)) {
            if (!(rc = num("h", v, -INFINITY, &o.h)) && !(o.h > 0))
                rc = cli_fail("dirac", "--h: expected a finite number > 0, got \"%s\"", v);
        } else if (cli_opt(argc, argv, &i, "steps", &v)) {
            rc = uint_opt("steps", v, &steps);
            have_steps = 1;
            if (!rc && steps > 100000000UL)
                rc = cli_fail("dirac", "--steps: at most 100000000, got %lu", steps);
        } else if (cli_opt(argc, argv, &i, "gamma", &v)) {
            rc = num("gamma", v, 0, &o.gamma);
        } else if (cli_opt(argc, argv, &i, "noise", &v)) {
            rc = num("noise", v, 0, &o.sigma);
        } else if (cli_opt(argc, argv, &i, "theta", &v)) {
            rc = num("theta", v, -INFINITY, &x[0]);
        } else if (cli_opt(argc, argv, &i, "psi", &v)) {
            rc = num("psi", v, -INFINITY, &x[1]);
        } else if (cli_opt(argc, argv, &i, "seed", &v)) {
            rc = uint_opt("seed", v, &seed);
        } else {
            rc = cli_fail("dirac", "unknown option \"%s\" (try 'ganlab dirac --help')", argv[i]);
        }
    }
    if (rc)
        return rc;
    if (!have_update || isnan(o.h) || !have_steps)
        return cli_fail("dirac", "--update, --h and --steps are required (try 'ganlab dirac --help')");
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    if (!r)
        return cli_fail("dirac", "out of memory");
    gsl_rng_set(r, seed);
    gl_err err;
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
