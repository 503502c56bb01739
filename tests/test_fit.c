/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test_fit.c — tests for src/fit.c (the Gaussian closest to P in D_f, and the
 * f-GAN critic/generator loops) and for `ganlab fit`.
 *
 * References: KL(P||N(mu,sigma)) is minimised by moment matching (mu = E_P x,
 * sigma^2 = Var_P x: the cross-entropy E_P[-log q] is a quadratic in them), so
 * the fit must return P's mean and sd, computed here from the mixture's
 * weights and components; the gradient by quadrature against central
 * differences of D_f; a mode-seeking divergence on far-apart modes lands on
 * one mode. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_rng.h>

#include "fconj.h"
#include "fdiv.h"
#include "fit.h"
#include "mix.h"
#include "mlp.h"
#include "optim.h"
#include "testutil.h"

static gl_mix *mk(const char *spec)
{
    gl_mix *m = NULL;
    gl_err e;
    ck_assert_msg(gl_mix_parse(spec, &m, &e) == GL_OK, "%s: %s", spec, e.msg);
    return m;
}

static gl_fit_result fit(const char *name, const char *spec, const double *init)
{
    gl_mix *P = mk(spec);
    gl_err e;
    gl_fit_result r;
    int s = gl_fit_gauss(gl_fdiv_find(name), P, init, &r, &e);
    ck_assert_msg(s == GL_OK, "fit %s %s: %s", name, spec, e.msg);
    gl_mix_free(P);
    return r;
}

START_TEST(test_kl_moment_matching)
{
    /* {spec, mean, variance}: mean = sum w mu; var = sum w (sd^2 + mu^2) - mean^2
     * (a uniform U(a,b): mean (a+b)/2, variance (b-a)^2/12) */
    static const struct {
        const char *spec;
        double mean, var;
    } cases[] = {
        {"0.5*N(-2,0.5)+0.5*N(2,0.5)", 0, 0.25 + 4},
        {"0.75*N(-2,0.5)+0.25*N(2,0.5)", -1, 0.25 + 4 - 1},
        {"0.3*N(-1,0.3)+0.2*N(0.5,1)+0.5*N(4,0.7)", 0.3 * -1 + 0.2 * 0.5 + 0.5 * 4,
         0.3 * (0.09 + 1) + 0.2 * (1 + 0.25) + 0.5 * (0.49 + 16) - 1.8 * 1.8},
        {"0.6*N(1,2)+0.4*U(-3,-1)", 0.6 * 1 + 0.4 * -2, 0.6 * (4 + 1) + 0.4 * (4.0 / 12 + 4) - 0.04},
        {"N(3,0.7)", 3, 0.49},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        gl_fit_result r = fit("kl", cases[i].spec, NULL);
        ASSERT_ABS(r.mu, cases[i].mean, 1e-8);
        ASSERT_ABS(r.sigma, sqrt(cases[i].var), 1e-8);
        ck_assert(fabs(r.grad[0]) < 1e-9 && fabs(r.grad[1]) < 1e-9);
    }
    /* from a far start too */
    gl_fit_result r = fit("kl", "0.5*N(-2,0.5)+0.5*N(2,0.5)", (double[]){5, 0.3});
    ASSERT_ABS(r.mu, 0, 1e-8);
    ASSERT_ABS(r.sigma, sqrt(4.25), 1e-8);
    ck_assert_int_eq(r.start, 0);
}
END_TEST

START_TEST(test_gradient)
{
    gl_mix *P = mk("0.75*N(-2,0.5)+0.25*N(2,0.5)"), *Q = mk("N(0,1)");
    gl_err e;
    static const double pts[][2] = {{0.3, 1.7}, {-1.5, 0.8}, {1, 2.5}, {-2.1, 0.45}};
    for (int id = 0; id < GL_F_COUNT; id++) {
        const gl_fdiv *f = gl_fdiv_get(id);
        if (id == GL_F_TV)
            continue; /* |p - q| has corners: D_tv is differentiable, but the check needs a smooth integrand */
        for (size_t k = 0; k < 4; k++) {
            if (k == 3 && id != GL_F_NEYMAN)
                continue; /* the point where neyman is finite; pearson is ~e^48 there */
            double mu = pts[k][0], ls = log(pts[k][1]), g[2], d[2];
            if (gl_fit_grad(f, P, mu, exp(ls), g, &e))
                ck_abort_msg("%s: %s", f->name, e.msg);
            for (int j = 0; j < 2; j++) {
                double h = 1e-5, v[2], ae;
                for (int sgn = 0; sgn < 2; sgn++) {
                    double m2 = mu + (j == 0 ? (sgn ? h : -h) : 0), l2 = ls + (j == 1 ? (sgn ? h : -h) : 0);
                    char spec[96];
                    snprintf(spec, sizeof spec, "N(%.17g,%.17g)", m2, exp(l2));
                    gl_mix_free(Q);
                    Q = mk(spec);
                    ck_assert_int_eq(gl_fdiv_eval(f, P, Q, NULL, &v[sgn], &ae, &e), GL_OK);
                }
                d[j] = (v[1] - v[0]) / (2 * h);
                if (!isfinite(d[j])) { /* neyman: infinite for sigma >= sqrt(2) 0.5 */
                    ck_assert(id == GL_F_NEYMAN && isnan(g[j]));
                    continue;
                }
                ck_assert_msg(fabs(g[j] - d[j]) <= 1e-6 * (1 + fabs(d[j])), "%s at (%g,%g): grad[%d] %.12g vs %.12g",
                              f->name, mu, exp(ls), j, g[j], d[j]);
                ck_assert(fabs(d[j]) > 1e-4); /* not a vacuous comparison */
            }
        }
    }
    gl_mix_free(P);
    gl_mix_free(Q);
}
END_TEST

START_TEST(test_mode_seeking)
{
    /* far-apart modes (8 sd): rkl and neyman settle on one, within 0.01 of its
     * mean and sd (the other mode's tail moves them by ~e^-32) */
    const char *sym = "0.5*N(-2,0.5)+0.5*N(2,0.5)", *un = "0.75*N(-2,0.5)+0.25*N(2,0.5)";
    const char *names[] = {"rkl", "neyman"};
    for (int i = 0; i < 2; i++) {
        gl_fit_result r = fit(names[i], sym, NULL);
        ASSERT_ABS(fabs(r.mu), 2, 0.01);
        ASSERT_ABS(r.sigma, 0.5, 0.01);
        /* with weights 3:1 the heavier mode: rkl at a mode is -log w + rkl-within, smaller for w = 3/4 */
        r = fit(names[i], un, NULL);
        ASSERT_ABS(r.mu, -2, 0.01);
        ASSERT_ABS(r.sigma, 0.5, 0.01);
        /* --init at the other mode finds the local minimum there, with a larger value */
        gl_fit_result o = fit(names[i], un, (double[]){2, 0.5});
        ASSERT_ABS(o.mu, 2, 0.01);
        ck_assert(o.value > r.value + 0.5);
    }
    /* kl covers: sigma is the mixture's sd, far above a mode's */
    ck_assert(fit("kl", sym, NULL).sigma > 2);
}
END_TEST

START_TEST(test_flow)
{
    gl_mix *P = mk("0.5*N(-2,0.5)+0.5*N(2,0.5)");
    gl_err e;
    gl_fit_result r;
    /* kl: one basin, the moment-matching Gaussian, from anywhere */
    ck_assert_int_eq(gl_fit_flow(gl_fdiv_find("kl"), P, 1.5, 0.4, 0.05, 1e-4, 20000, &r, &e), GL_OK);
    ASSERT_ABS(r.mu, 0, 1e-7);
    ASSERT_ABS(r.sigma, sqrt(4.25), 1e-7);
    /* rkl on the symmetric mixture has a mode-seeking minimum per mode and a
     * wide symmetric one; the flow ends in the start's basin */
    ck_assert_int_eq(gl_fit_flow(gl_fdiv_find("rkl"), P, 1.5, 0.6, 0.05, 1e-4, 20000, &r, &e), GL_OK);
    ASSERT_ABS(r.mu, 2, 0.01);
    ASSERT_ABS(r.sigma, 0.5, 0.01);
    ck_assert_int_eq(gl_fit_flow(gl_fdiv_find("rkl"), P, 0.5, 1, 0.05, 1e-4, 20000, &r, &e), GL_OK);
    ASSERT_ABS(r.mu, 0, 1e-6);
    ck_assert(r.sigma > 1.5 && r.sigma < 2);
    ck_assert(fabs(r.grad[0]) < 1e-8 && fabs(r.grad[1]) < 1e-8);
    /* a local minimum, not a saddle: every direction goes up */
    gl_mix *Q = NULL;
    for (int k = 0; k < 8; k++) {
        double a = k * M_PI / 4, v, ae;
        char spec[96];
        snprintf(spec, sizeof spec, "N(%.17g,%.17g)", r.mu + 0.05 * cos(a), r.sigma * exp(0.05 * sin(a)));
        Q = mk(spec);
        ck_assert_int_eq(gl_fdiv_eval(gl_fdiv_find("rkl"), P, Q, NULL, &v, &ae, &e), GL_OK);
        ck_assert(v > r.value);
        gl_mix_free(Q);
    }
    /* errors: a bad start, too few steps */
    ck_assert_int_eq(gl_fit_flow(gl_fdiv_find("kl"), P, 0, -1, 0.05, 1e-8, 100, &r, &e), GL_EINVAL);
    ck_assert_int_eq(gl_fit_flow(gl_fdiv_find("kl"), P, 3, 1, 0.05, 1e-8, 3, &r, &e), GL_ENOCONV);
    gl_mix_free(P);
}
END_TEST

START_TEST(test_errors)
{
    gl_mix *P2 = mk("N2(0,0,1,1)"), *P = mk("N(0,1)");
    gl_err e;
    gl_fit_result r;
    const gl_fdiv *kl = gl_fdiv_find("kl");
    ck_assert_int_eq(gl_fit_gauss(kl, P2, NULL, &r, &e), GL_EINVAL);
    ck_assert(strstr(e.msg, "1-D") != NULL);
    ck_assert_int_eq(gl_fit_gauss(kl, P, (double[]){0, -1}, &r, &e), GL_EINVAL);
    ck_assert_int_eq(gl_fit_gauss(kl, P, (double[]){NAN, 1}, &r, &e), GL_EINVAL);
    ck_assert_int_eq(gl_fit_gauss(NULL, P, NULL, &r, &e), GL_EINVAL);
    /* neyman(N(0,1) || N(0,2)) is infinite (q^2/p not integrable): no usable start */
    ck_assert_int_eq(gl_fit_gauss(gl_fdiv_find("neyman"), P, (double[]){0, 2}, &r, &e), GL_ENOCONV);
    ck_assert(strstr(e.msg, "infinite") != NULL);
    gl_mix_free(P2);
    gl_mix_free(P);
}
END_TEST

/* ---- f-GAN loops: a critic reaches the bound; the generator moves the right way ---- */
START_TEST(test_fgan_critic)
{
    gl_mix *P = mk("N(1,1)"), *Q = mk("N(0,1)");
    gl_mlp *net = NULL;
    gl_optim *op = NULL;
    gl_err e;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 3);
    ck_assert_int_eq(gl_mlp_alloc(&net, 2, (size_t[]){1, 16, 1}, GL_ACT_TANH, 0, 512, &e), GL_OK);
    ck_assert_int_eq(gl_optim_alloc(&op, GL_OPT_ADAM, net->nparams, 0.005, &e), GL_OK);
    gl_mlp_init(net, r);
    /* KL(N(1,1)||N(0,1)) = 1/2; T* = 1 + x - 1/2 is affine, easy for the net */
    const gl_fconj *c = gl_fconj_get(GL_F_KL);
    double est0, se0, est, se, last;
    ck_assert_int_eq(gl_fit_critic_bound(c, net, P, Q, r, 20000, &est0, &se0, &e), GL_OK);
    gl_train_d_cfg dc = gl_train_d_cfg_default(); /* Adam at 0.005, batch 256 */
    dc.steps = 2000;
    ck_assert_int_eq(gl_fit_critic_train(c, net, op, P, Q, r, &dc, &last, &e), GL_OK);
    ck_assert_int_eq(gl_fit_critic_bound(c, net, P, Q, r, 20000, &est, &se, &e), GL_OK);
    ck_assert(se > 0 && se < 0.05);
    ck_assert(est > est0 + 0.2); /* training raised the bound */
    /* the exact bound of the learned critic by quadrature: <= D_f, and close
     * (T* is affine, which a 1-16-1 tanh net fits well on the samples' range) */
    gl_fit_critic k = {c, net};
    double b, be;
    ck_assert_int_eq(gl_fconj_bound(c, P, Q, gl_fit_critic_t, &k, INFINITY, NULL, &b, &be, &e), GL_OK);
    ck_assert_msg(b <= 0.5 + 1e-10 && b > 0.47, "exact bound %g", b);
    /* the held-out estimate differs from that exact value by sampling only:
     * within 4 standard errors (a chance failure has probability 6e-5) */
    ck_assert_msg(fabs(est - b) <= 4 * se, "est %g, exact %g, se %g", est, b, se);
    /* errors */
    dc.steps = 1;
    dc.batch = 512; /* the critic holds 512 rows, not 2 x 512 */
    ck_assert_int_eq(gl_fit_critic_train(c, net, op, P, Q, r, &dc, NULL, &e), GL_EINVAL);
    dc.batch = 256;
    dc.lr = 0;
    ck_assert_int_eq(gl_fit_critic_train(c, net, op, P, Q, r, &dc, NULL, &e), GL_EINVAL);
    gl_mlp_free(net);
    gl_optim_free(op);
    gsl_rng_free(r);
    gl_mix_free(P);
    gl_mix_free(Q);
}
END_TEST

START_TEST(test_fgan_generator)
{
    /* P = N(2, 0.5), generator from N(0,1): with kl it must end near (2, 0.5) */
    gl_mix *P = mk("N(2,0.5)");
    gl_mlp *net = NULL;
    gl_optim *oc = NULL, *og = NULL;
    gl_err e;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 5);
    ck_assert_int_eq(gl_mlp_alloc(&net, 2, (size_t[]){1, 16, 1}, GL_ACT_TANH, 0, 256, &e), GL_OK);
    ck_assert_int_eq(gl_optim_alloc(&oc, GL_OPT_ADAM, net->nparams, 0.005, &e), GL_OK);
    ck_assert_int_eq(gl_optim_alloc(&og, GL_OPT_ADAM, 2, 0.005, &e), GL_OK);
    gl_mlp_init(net, r);
    double th[2] = {0, 0}, avg[2];
    gl_fit_fgan_cfg cfg = gl_fit_fgan_cfg_default();
    cfg.steps = 1500;
    cfg.dsteps = 2;
    cfg.batch = 128;
    cfg.avg_from = 1000;
    cfg.lr_critic = cfg.lr_gen = 0.005;
    ck_assert_int_eq(gl_fit_fgan(gl_fconj_get(GL_F_KL), P, net, oc, og, &cfg, r, th, avg, NULL, &e), GL_OK);
    ASSERT_ABS(avg[0], 2, 0.1);
    ASSERT_ABS(exp(avg[1]), 0.5, 0.1);
    gl_mlp_free(net);
    gl_optim_free(oc);
    gl_optim_free(og);
    gsl_rng_free(r);
    gl_mix_free(P);
}
END_TEST

/* ---- the command ---- */
static char out[8192], errbuf[8192];

static int ganlab(const char *args)
{
    return gl_test_run(args, out, sizeof out, errbuf, sizeof errbuf);
}

START_TEST(test_cli)
{
    ck_assert_int_eq(ganlab("fit --p '0.5*N(-2,0.5)+0.5*N(2,0.5)' --f kl"), 0);
    ck_assert_msg(strncmp(out, "f\tmu\tsigma\tvalue\nkl\t", 17) == 0, "%s", out);
    double mu, sigma, value;
    ck_assert_int_eq(sscanf(out + 17, "kl\t%lf\t%lf\t%lf", &mu, &sigma, &value), 3);
    ASSERT_ABS(mu, 0, 1e-8);
    ASSERT_ABS(sigma, sqrt(4.25), 1e-8);
    ck_assert(errbuf[0] == '\0');
    ck_assert_int_eq(ganlab("fit --p '0.75*N(-2,0.5)+0.25*N(2,0.5)' --f rkl --init=2,0.5"), 0);
    ck_assert_int_eq(sscanf(out + 17, "rkl\t%lf\t%lf\t%lf", &mu, &sigma, &value), 3);
    ASSERT_ABS(mu, 2, 0.01);
    ck_assert_int_eq(ganlab("fit --help"), 0);
    ck_assert(strstr(out, "usage: ganlab fit") != NULL);
    static const char *bad[][2] = {
        {"fit --f kl", "required"},
        {"fit --p 'N(0,1)'", "required"},
        {"fit --p 'N(0,1)' --f nope", "unknown divergence"},
        {"fit --p 'N(0,-1)' --f kl", "sigma"},
        {"fit --p 'N2(0,0,1,1)' --f kl", "1-D"},
        {"fit --p 'N(0,1)' --f kl --init 1", "MU,SIGMA"},
        {"fit --p 'N(0,1)' --f kl --init 1,0", "sigma must be > 0"},
        {"fit --p 'N(0,1)' --f kl --init 1,x", "MU,SIGMA"},
        {"fit --p 'N(0,1)' --f kl --bogus", "unknown option"},
        {"fit --p 'N(0,1)' --f neyman --init 0,2", "infinite"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ck_assert_int_eq(ganlab(bad[i][0]), 2);
        ck_assert_msg(strstr(errbuf, bad[i][1]) != NULL, "%s: stderr \"%s\" lacks \"%s\"", bad[i][0], errbuf,
                      bad[i][1]);
        ck_assert(out[0] == '\0');
    }
}
END_TEST

Suite *fit_suite(void)
{
    Suite *s = suite_create("fit");
    TCase *core = tcase_create("core"), *lim = tcase_create("limits"), *er = tcase_create("errors");
    tcase_add_test(core, test_kl_moment_matching);
    tcase_add_test(core, test_gradient);
    tcase_add_test(core, test_fgan_critic);
    tcase_add_test(core, test_fgan_generator);
    tcase_add_test(lim, test_mode_seeking);
    tcase_add_test(lim, test_flow);
    tcase_add_test(er, test_errors);
    tcase_add_test(er, test_cli);
    tcase_set_timeout(core, 60);
    tcase_set_timeout(lim, 60);
    tcase_set_timeout(er, 60);
    suite_add_tcase(s, core);
    suite_add_tcase(s, lim);
    suite_add_tcase(s, er);
    return s;
}
