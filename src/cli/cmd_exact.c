/* cmd_exact.c — `ganlab div` and `ganlab value`: exact quantities by quadrature. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "fdiv.h"
#include "mix.h"
#include "wass.h"

static const char div_usage[] =
    "usage: ganlab div --p SPEC --q SPEC [--f NAME]...\n"
    "\n"
    "D_f(P||Q) = integral of q f(p/q), by adaptive quadrature over the whole line\n"
    "(1-D) or plane (2-D), in log space. Prints TSV: f, value, abserr (GSL's error\n"
    "estimate). Infinite divergences print inf, decided from the supports and the\n"
    "Gaussian tails, never from a failed quadrature.\n"
    "\n"
    "  --p SPEC   first distribution (the data), e.g. '0.5*N(-2,0.5)+0.5*N(2,0.5)'\n"
    "  --q SPEC   second distribution, same dimension\n"
    "  --f NAME   one divergence; repeat for several; default all nine:\n"
    "               kl         p log(p/q)\n"
    "               rkl        q log(q/p)\n"
    "               pearson    (p-q)^2/q\n"
    "               neyman     (q-p)^2/p\n"
    "               hellinger  (sqrt p - sqrt q)^2   (no 1/2)\n"
    "               jeffreys   kl + rkl\n"
    "               js         Jensen-Shannon, natural log, in [0, log 2]\n"
    "               gan        2 js - log 4 (the f-GAN 'GAN' divergence)\n"
    "               tv         1/2 |p-q|, in [0, 1]\n"
    "             and, 1-D only, w1: Wasserstein-1, integral of |F_P - F_Q| (a row\n"
    "             after the nine by default; --f w1 on a 2-D pair is an error)\n";

static const char value_usage[] =
    "usage: ganlab value --p SPEC --g SPEC\n"
    "\n"
    "Proposition 1 and Theorem 1 of Goodfellow et al. (2014) for any pair:\n"
    "V(D*,G) = E_p[log D*] + E_g[log(1-D*)] with D* = p/(p+g), integrated on its own,\n"
    "against -log 4 + 2 JSD(p||g). Prints TSV quantity, value, abserr with rows\n"
    "V_Dstar, JSD, minus_log4_plus_2JSD and residual (their difference).\n"
    "\n"
    "  --p SPEC   the data distribution p_data\n"
    "  --g SPEC   the generator's distribution p_g, same dimension\n";

/* Parses --NAME SPEC into *m (NULL if absent); returns 0 or an exit status. */
static int take_spec(const char *cmd, const char *opt, const char *val, gl_mix **m)
{
    gl_err err;
    if (!val)
        return cli_fail(cmd, "option --%s needs a value", opt);
    if (*m)
        return cli_fail(cmd, "option --%s given twice", opt);
    if (gl_mix_parse(val, m, &err))
        return cli_fail(cmd, "--%s: %s", opt, err.msg);
    return 0;
}

static int check_pair(const char *cmd, const char *a, const gl_mix *P, const char *b,
                      const gl_mix *Q)
{
    if (!P || !Q)
        return cli_fail(cmd, "both --%s and --%s are required (try 'ganlab %s --help')", a, b, cmd);
    if (P->dim != Q->dim)
        return cli_fail(cmd, "--%s is %d-D but --%s is %d-D", a, P->dim, b, Q->dim);
    return 0;
}

int cmd_div(int argc, char **argv)
{
    gl_mix *P = NULL, *Q = NULL;
    const gl_fdiv *fs[GL_F_COUNT * 4];
    size_t nf = 0;
    int rc = 0, want_w1 = 0;
    for (int i = 0; i < argc && !rc; i++) {
        const char *v;
        if (cli_is_help(argv[i])) {
            fputs(div_usage, stdout);
            gl_mix_free(P);
            gl_mix_free(Q);
            return 0;
        } else if (cli_opt(argc, argv, &i, "p", &v)) {
            rc = take_spec("div", "p", v, &P);
        } else if (cli_opt(argc, argv, &i, "q", &v)) {
            rc = take_spec("div", "q", v, &Q);
        } else if (cli_opt(argc, argv, &i, "f", &v)) {
            const gl_fdiv *f = v ? gl_fdiv_find(v) : NULL;
            if (!v)
                rc = cli_fail("div", "option --f needs a value");
            else if (!strcmp(v, "w1"))
                want_w1 = 1;
            else if (!f)
                rc = cli_fail("div", "unknown divergence \"%s\" (kl rkl pearson neyman hellinger jeffreys js gan tv w1)", v);
            else if (nf == sizeof fs / sizeof fs[0])
                rc = cli_fail("div", "too many --f options");
            else
                fs[nf++] = f;
        } else {
            rc = cli_fail("div", "unknown option \"%s\" (try 'ganlab div --help')", argv[i]);
        }
    }
    if (!rc)
        rc = check_pair("div", "p", P, "q", Q);
    if (!rc && nf == 0 && !want_w1) {
        want_w1 = P->dim == 1; /* the default table adds w1 where it is defined */
        for (int k = 0; k < GL_F_COUNT; k++)
            fs[nf++] = gl_fdiv_get(k);
    }
    if (!rc) {
        /* compute everything first: an error prints no partial table */
        double val[sizeof fs / sizeof fs[0]], ae[sizeof fs / sizeof fs[0]], w1 = 0, w1e = 0;
        gl_err err;
        for (size_t k = 0; k < nf && !rc; k++)
            if (gl_fdiv_eval(fs[k], P, Q, NULL, &val[k], &ae[k], &err))
                rc = cli_fail_err("div", &err);
        if (!rc && want_w1 && gl_wass_w1(P, Q, NULL, &w1, &w1e, &err))
            rc = cli_fail_err("div", &err);
        if (!rc) {
            printf("f\tvalue\tabserr\n");
            for (size_t k = 0; k < nf; k++)
                printf("%s\t%.17g\t%.3g\n", fs[k]->name, val[k], ae[k]);
            if (want_w1)
                printf("w1\t%.17g\t%.3g\n", w1, w1e);
        }
    }
    gl_mix_free(P);
    gl_mix_free(Q);
    return rc;
}

int cmd_value(int argc, char **argv)
{
    gl_mix *P = NULL, *G = NULL;
    int rc = 0;
    for (int i = 0; i < argc && !rc; i++) {
        const char *v;
        if (cli_is_help(argv[i])) {
            fputs(value_usage, stdout);
            gl_mix_free(P);
            gl_mix_free(G);
            return 0;
        } else if (cli_opt(argc, argv, &i, "p", &v)) {
            rc = take_spec("value", "p", v, &P);
        } else if (cli_opt(argc, argv, &i, "g", &v)) {
            rc = take_spec("value", "g", v, &G);
        } else {
            rc = cli_fail("value", "unknown option \"%s\" (try 'ganlab value --help')", argv[i]);
        }
    }
    if (!rc)
        rc = check_pair("value", "p", P, "g", G);
    if (!rc) {
        double V, eV, J, eJ;
        gl_err err;
        if (gl_fdiv_value_dstar(P, G, NULL, &V, &eV, &err) ||
            gl_fdiv_eval(gl_fdiv_get(GL_F_JS), P, G, NULL, &J, &eJ, &err)) {
            rc = cli_fail_err("value", &err);
        } else {
            double rhs = -log(4.0) + 2 * J;
            printf("quantity\tvalue\tabserr\n");
            printf("V_Dstar\t%.17g\t%.3g\n", V, eV);
            printf("JSD\t%.17g\t%.3g\n", J, eJ);
            printf("minus_log4_plus_2JSD\t%.17g\t%.3g\n", rhs, 2 * eJ);
            printf("residual\t%.17g\t%.3g\n", V - rhs, eV + 2 * eJ);
        }
    }
    gl_mix_free(P);
    gl_mix_free(G);
    return rc;
}
