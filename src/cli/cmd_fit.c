/* cmd_fit.c — `ganlab fit`: the Gaussian closest to P in an f-divergence. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

static int parse_init(const char *v, double init[2])
{
    if (!v)
        return cli_fail("fit", "option --init needs a value");
    char *end;
    errno = 0;
    init[0] = strtod(v, &end);
    if (end == v || *end != ',')
        return cli_fail("fit", "--init: expected MU,SIGMA, got \"%s\"", v);
    const char *s2 = end + 1;
    init[1] = strtod(s2, &end);
    if (end == s2 || *end || errno == ERANGE || !isfinite(init[0]) || !isfinite(init[1]))
        return cli_fail("fit", "--init: expected MU,SIGMA with finite numbers, got \"%s\"", v);
    if (!(init[1] > 0))
        return cli_fail("fit", "--init: sigma must be > 0, got %g", init[1]);
    return 0;
}

int cmd_fit(int argc, char **argv)
{
    gl_mix *P = NULL;
    const gl_fdiv *f = NULL;
    double init[2];
    int have_init = 0, rc = 0;
    gl_err err;
    for (int i = 0; i < argc && !rc; i++) {
        const char *v;
        if (cli_is_help(argv[i])) {
            fputs(fit_usage, stdout);
            gl_mix_free(P);
            return 0;
        } else if (cli_opt(argc, argv, &i, "p", &v)) {
            if (!v)
                rc = cli_fail("fit", "option --p needs a value");
            else if (P)
                rc = cli_fail("fit", "option --p given twice");
            else if (gl_mix_parse(v, &P, &err))
                rc = cli_fail("fit", "--p: %s", err.msg);
        } else if (cli_opt(argc, argv, &i, "f", &v)) {
            if (!v)
                rc = cli_fail("fit", "option --f needs a value");
            else if (f)
                rc = cli_fail("fit", "option --f given twice");
            else if (!(f = gl_fdiv_find(v)))
                rc = cli_fail("fit", "--f: unknown divergence \"%s\" (try 'ganlab fit --help')", v);
        } else if (cli_opt(argc, argv, &i, "init", &v)) {
            rc = parse_init(v, init);
            have_init = 1;
        } else {
            rc = cli_fail("fit", "unknown option \"%s\" (try 'ganlab fit --help')", argv[i]);
        }
    }
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
