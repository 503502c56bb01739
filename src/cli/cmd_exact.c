/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cmd_exact.c — `ganlab div` and `ganlab value`: exact quantities by quadrature. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "args.h"
#include "cli.h"
#include "fdiv.h"
#include "mix.h"
#include "wass.h"

static const char div_usage[] =
    "usage: ganlab div --p SPEC --q SPEC [--f NAME]...\n"
    "       ganlab div --list\n"
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
    "             after the nine by default; --f w1 on a 2-D pair is an error)\n"
    "  --list     print the names, as TSV: f, integrand\n";

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

static int check_pair(const char *cmd, const char *a, const gl_mix *P, const char *b,
                      const gl_mix *Q)
{
    if (!P || !Q)
        return cli_fail(cmd, "both --%s and --%s are required (try 'ganlab %s --help')", a, b, cmd);
    if (P->dim != Q->dim)
        return cli_fail(cmd, "--%s is %d-D but --%s is %d-D", a, P->dim, b, Q->dim);
    return 0;
}

/* the --f list: divergences of the catalogue, and w1 */
typedef struct {
    const gl_fdiv *fs[GL_F_COUNT * 4];
    size_t n;
    int w1;
} f_list;

static int p_f(const char *v, void *dst, gl_err *err)
{
    f_list *l = dst;
    const gl_fdiv *f = gl_fdiv_find(v);
    if (!strcmp(v, "w1"))
        l->w1 = 1;
    else if (!f)
        return gl_err_set(err, GL_EINVAL, "unknown divergence \"%s\" (kl rkl pearson neyman "
                          "hellinger jeffreys js gan tv w1)", v);
    else if (l->n == sizeof l->fs / sizeof l->fs[0])
        return gl_err_set(err, GL_EINVAL, "too many --f options");
    else
        l->fs[l->n++] = f;
    return GL_OK;
}

int cmd_div(int argc, char **argv)
{
    if (cli_asks_help(argc, argv)) {
        fputs(div_usage, stdout);
        return 0;
    }
    if (argc == 1 && strcmp(argv[0], "--list") == 0) {
        printf("f\tintegrand\n");
        for (int k = 0; k < GL_F_COUNT; k++)
            printf("%s\t%s\n", gl_fdiv_get(k)->name, gl_fdiv_get(k)->formula);
        printf("w1\t|F_P - F_Q| (1-D only)\n");
        return 0;
    }
    gl_mix *P = NULL, *Q = NULL;
    f_list fl = {.n = 0, .w1 = 0};
    const gl_argspec specs[] = {
        {.name = "p", .type = GL_ARG_FN, .dst = &P, .parse = cli_arg_spec},
        {.name = "q", .type = GL_ARG_FN, .dst = &Q, .parse = cli_arg_spec},
        {.name = "f", .type = GL_ARG_FN, .dst = &fl, .parse = p_f},
    };
    gl_err err;
    int rc = 0;
    if (gl_args_parse(argc, argv, specs, 3, &err))
        rc = cli_fail("div", "%s (try 'ganlab div --help')", err.msg);
    if (!rc)
        rc = check_pair("div", "p", P, "q", Q);
    if (!rc && fl.n == 0 && !fl.w1) {
        fl.w1 = P->dim == 1; /* the default table adds w1 where it is defined */
        for (int k = 0; k < GL_F_COUNT; k++)
            fl.fs[fl.n++] = gl_fdiv_get(k);
    }
    /* compute everything first: an error prints no partial table */
    double val[sizeof fl.fs / sizeof fl.fs[0]], ae[sizeof fl.fs / sizeof fl.fs[0]], w1 = 0, w1e = 0;
    gl_quad_workspace *ws = NULL;
    if (!rc && gl_quad_workspace_alloc(&ws, &err))
        rc = cli_fail_err("div", &err);
    if (!rc && gl_fdiv_eval_many(fl.fs, fl.n, P, Q, ws, val, ae, &err))
        rc = cli_fail_err("div", &err);
    if (!rc && fl.w1 && gl_wass_w1(P, Q, ws, &w1, &w1e, &err))
        rc = cli_fail_err("div", &err);
    if (!rc) {
        printf("f\tvalue\tabserr\n");
        for (size_t k = 0; k < fl.n; k++)
            printf("%s\t%.17g\t%.3g\n", fl.fs[k]->name, val[k], ae[k]);
        if (fl.w1)
            printf("w1\t%.17g\t%.3g\n", w1, w1e);
    }
    gl_quad_workspace_free(ws);
    gl_mix_free(P);
    gl_mix_free(Q);
    return rc;
}

int cmd_value(int argc, char **argv)
{
    if (cli_asks_help(argc, argv)) {
        fputs(value_usage, stdout);
        return 0;
    }
    gl_mix *P = NULL, *G = NULL;
    const gl_argspec specs[] = {
        {.name = "p", .type = GL_ARG_FN, .dst = &P, .parse = cli_arg_spec},
        {.name = "g", .type = GL_ARG_FN, .dst = &G, .parse = cli_arg_spec},
    };
    gl_err err;
    int rc = 0;
    if (gl_args_parse(argc, argv, specs, 2, &err))
        rc = cli_fail("value", "%s (try 'ganlab value --help')", err.msg);
    if (!rc)
        rc = check_pair("value", "p", P, "g", G);
    if (!rc) {
        double V, eV, J, eJ;
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
