/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test_fdiv.c — reference tests for src/fdiv.c (f-divergences, D*, V(D,G)).
 *
 * Every expected value is either a closed form evaluated here (the formula is
 * in the comment beside it) or a constant computed once, independently of
 * ganlab, with python3 + mpmath 1.3.0 at 40 significant digits (mp.dps = 40,
 * mpmath.quad split at the component means +- k sigma and, for tv, at the
 * roots of p - q found with findroot; error estimates < 1e-40; the 2-D
 * closed forms were cross-checked by mpmath 2-D quadrature to 1e-13). The
 * tests never call python.
 *
 * Conventions under test (fdiv.h): natural log, D_f(P||Q) = integral q f(p/q),
 * hellinger = integral (sqrt p - sqrt q)^2 = 2 - 2 BC (no 1/2), tv = 1/2 L1,
 * js in [0, log 2], gan = 2 js - log 4 (so gan's f(1) = -log 4, not 0). */
#include <check.h>
#include <float.h>
#include <math.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_math.h>

#include "fdiv.h"
#include "mix.h"
#include "testutil.h"

/* ---- assertions that print the numbers ---------------------------------- */

#define ASSERT_PINF(got)                                                       \
    do {                                                                       \
        double g_ = (got);                                                     \
        ck_assert_msg(isinf(g_) && g_ > 0, "%s = %.17g, want +inf", #got, g_); \
    } while (0)

/* ---- helpers ------------------------------------------------------------ */

static gl_mix *mk(const char *spec)
{
    gl_mix *m = NULL;
    gl_err err;
    gl_err_clear(&err);
    int st = gl_mix_parse(spec, &m, &err);
    ck_assert_msg(st == GL_OK && m != NULL, "parse \"%s\": status %d: %s",
                  spec, st, err.msg);
    return m;
}

static const gl_fdiv *fd(const char *name)
{
    const gl_fdiv *f = gl_fdiv_find(name);
    ck_assert_msg(f != NULL, "gl_fdiv_find(\"%s\") returned NULL", name);
    return f;
}

/* D_name(P||Q). Also checks: status 0, abserr >= 0 (0 when the value is +inf),
 * and that gl_fdiv_infinite agrees with the value. */
static double dv(const char *name, const char *p, const char *q)
{
    const gl_fdiv *f = fd(name);
    gl_mix *P = mk(p), *Q = mk(q);
    gl_err err;
    gl_err_clear(&err);
    double v = NAN, ae = NAN;
    int st = gl_fdiv_eval(f, P, Q, NULL, &v, &ae, &err);
    ck_assert_msg(st == GL_OK, "%s(%s || %s): status %d: %s", name, p, q, st,
                  err.msg);
    ck_assert_msg(!isnan(v), "%s(%s || %s) = NaN", name, p, q);
    ck_assert_msg(ae >= 0, "%s(%s || %s): abserr %g < 0 or NaN", name, p, q, ae);
    if (isinf(v))
        ck_assert_msg(v > 0 && ae == 0, "%s(%s || %s) = %g, abserr %g: want "
                      "+inf with abserr 0", name, p, q, v, ae);
    else
        ck_assert_msg(isfinite(ae), "%s(%s || %s): abserr %g", name, p, q, ae);
    int inf = -1;
    gl_err_clear(&err);
    st = gl_fdiv_infinite(f, P, Q, &inf, &err);
    ck_assert_msg(st == GL_OK, "gl_fdiv_infinite %s(%s || %s): status %d: %s",
                  name, p, q, st, err.msg);
    ck_assert_msg(inf == (isinf(v) ? 1 : 0), "gl_fdiv_infinite %s(%s || %s) = "
                  "%d but the value is %g", name, p, q, inf, v);
    gl_mix_free(P);
    gl_mix_free(Q);
    return v;
}

static double cstar(const char *p, const char *g)
{
    gl_mix *P = mk(p), *G = mk(g);
    gl_err err;
    gl_err_clear(&err);
    double v = NAN, ae = NAN;
    int st = gl_fdiv_value_dstar(P, G, NULL, &v, &ae, &err);
    ck_assert_msg(st == GL_OK, "gl_fdiv_value_dstar(%s, %s): status %d: %s", p, g,
                  st, err.msg);
    ck_assert_msg(ae >= 0 && isfinite(ae), "gl_fdiv_value_dstar abserr %g", ae);
    gl_mix_free(P);
    gl_mix_free(G);
    return v;
}

static double value(const char *p, const char *g, gl_logit_fn a, void *par)
{
    gl_mix *P = mk(p), *G = mk(g);
    gl_err err;
    gl_err_clear(&err);
    double v = NAN, ae = NAN;
    int st = gl_fdiv_value(P, G, a, par, NULL, &v, &ae, &err);
    ck_assert_msg(st == GL_OK, "gl_fdiv_value(%s, %s): status %d: %s", p, g,
                  st, err.msg);
    ck_assert_msg(ae >= 0 && isfinite(ae), "gl_fdiv_value abserr %g", ae);
    gl_mix_free(P);
    gl_mix_free(G);
    return v;
}

/* ---- closed forms for 1-D Gaussians, P = N(m1,s1), Q = N(m2,s2) --------- */

/* KL(P||Q) = log(s2/s1) + (s1^2 + (m1-m2)^2)/(2 s2^2) - 1/2 */
static double kl_gauss(double m1, double s1, double m2, double s2)
{
    return log(s2 / s1) + (s1 * s1 + (m1 - m2) * (m1 - m2)) / (2 * s2 * s2) - 0.5;
}

/* chi^2(P||Q) = integral p^2/q - 1
 *             = s2^2 / (s1 sqrt(2 s2^2 - s1^2)) exp((m1-m2)^2/(2 s2^2 - s1^2)) - 1,
 * finite iff s1^2 < 2 s2^2 (checked against mpmath quadrature at 3 points). */
static double chi2_gauss(double m1, double s1, double m2, double s2)
{
    double c = 2 * s2 * s2 - s1 * s1;
    return s2 * s2 / (s1 * sqrt(c)) * exp((m1 - m2) * (m1 - m2) / c) - 1;
}

/* H^2 = 2 - 2 BC, BC = sqrt(2 s1 s2/(s1^2+s2^2)) exp(-(m1-m2)^2/(4(s1^2+s2^2))) */
static double h2_gauss(double m1, double s1, double m2, double s2)
{
    double v = s1 * s1 + s2 * s2;
    return 2 - 2 * sqrt(2 * s1 * s2 / v) * exp(-(m1 - m2) * (m1 - m2) / (4 * v));
}

/* tv for equal sigma: 2 Phi(|m1-m2|/(2 s)) - 1 */
static double tv_gauss(double m1, double m2, double s)
{
    return 2 * gsl_cdf_ugaussian_P(fabs(m1 - m2) / (2 * s)) - 1;
}

/* The mixtures used throughout. */
#define BIMODAL "0.5*N(-2,0.5)+0.5*N(2,0.5)"
#define BIMODAL_Q "N(0,1.5)"
#define MIX31 "0.75*N(-1,0.7)+0.25*N(2,0.4)"
#define MIX31_Q "N(0.5,1.2)"
#define MIXUN "0.3*U(-1,1)+0.7*N(2,0.5)"
#define MIXUN_Q "N(0,1.5)"

/* mpmath references (see the header comment) for P = BIMODAL, Q = N(0,1.5). */
#define REF_BI_KL 0.85000308762963420699
#define REF_BI_RKL 1.9926314559552181471
#define REF_BI_PEARSON 1.7972792245294291529
#define REF_BI_HELLINGER 0.53585854398916196247
#define REF_BI_JS 0.22978694913529737486
#define REF_BI_TV 0.5601603800284395555 /* p = q at +-1.36085764721975, +-3.13914235266961 */
#define REF_BI_JEFFREYS 2.8426345435848523541
#define REF_BI_GAN -0.92672046284929586912 /* direct quadrature of p log(p/(p+q)) + ... */
/* js(MIX31 || N(0.5,1.2)) and js(MIXUN || N(0,1.5)), mpmath */
#define REF_31_JS 0.14082180901316199382
#define REF_UN_JS 0.17893129592201925971

/* ---- catalogue ---------------------------------------------------------- */

static const char *const names[GL_F_COUNT] = {
    "kl", "rkl", "pearson", "neyman", "hellinger", "jeffreys", "js", "gan", "tv"
};

START_TEST(test_catalogue_names)
{
    for (int i = 0; i < GL_F_COUNT; i++) {
        const gl_fdiv *f = gl_fdiv_get((gl_f_id)i);
        ck_assert_msg(f != NULL, "gl_fdiv_get(%d) is NULL", i);
        ck_assert_int_eq(f->id, i);
        ck_assert_str_eq(f->name, names[i]);
        ck_assert_msg(f->formula != NULL && f->formula[0] != '\0',
                      "%s has no formula text", names[i]);
        ck_assert_ptr_nonnull(f->f);
        ck_assert_ptr_nonnull(f->integrand);
        ck_assert_msg(gl_fdiv_find(names[i]) == f,
                      "gl_fdiv_find(\"%s\") is not gl_fdiv_get(%d)", names[i], i);
    }
    ck_assert_ptr_null(gl_fdiv_get(GL_F_COUNT));
    ck_assert_ptr_null(gl_fdiv_find("unknown"));
    ck_assert_ptr_null(gl_fdiv_find(""));
    ck_assert_ptr_null(gl_fdiv_find("k"));
    ck_assert_ptr_null(gl_fdiv_find("kll"));
}
END_TEST

/* Which infinities each f implies, from its limits:
 * inf_if_p_outside_q <=> f(u)/u -> inf (u -> inf): kl (log u), pearson (u),
 * jeffreys (log u); inf_if_q_outside_p <=> f(0) = inf: rkl, neyman, jeffreys;
 * tail +1 for pearson (p^2/q), -1 for neyman (q^2/p), 0 otherwise. */
START_TEST(test_catalogue_flags)
{
    static const int pout[GL_F_COUNT] = { 1, 0, 1, 0, 0, 1, 0, 0, 0 };
    static const int qout[GL_F_COUNT] = { 0, 1, 0, 1, 0, 1, 0, 0, 0 };
    static const int tail[GL_F_COUNT] = { 0, 0, 1, -1, 0, 0, 0, 0, 0 };
    for (int i = 0; i < GL_F_COUNT; i++) {
        const gl_fdiv *f = gl_fdiv_get((gl_f_id)i);
        ck_assert_msg(!f->inf_if_p_outside_q == !pout[i],
                      "%s: inf_if_p_outside_q = %d", f->name, f->inf_if_p_outside_q);
        ck_assert_msg(!f->inf_if_q_outside_p == !qout[i],
                      "%s: inf_if_q_outside_p = %d", f->name, f->inf_if_q_outside_p);
        ck_assert_msg(f->tail == tail[i], "%s: tail = %d, want %d", f->name,
                      f->tail, tail[i]);
    }
}
END_TEST

/* f(1) = 0 for every f except gan, whose f(u) = u log u - (u+1) log(u+1)
 * (Nowozin et al. 2016, table 1) has f(1) = -log 4. */
START_TEST(test_f_at_one)
{
    for (int i = 0; i < GL_F_COUNT; i++) {
        const gl_fdiv *f = gl_fdiv_get((gl_f_id)i);
        double want = i == GL_F_GAN ? -log(4.0) : 0.0;
        ASSERT_ABS(f->f(1.0), want, 1e-15);
    }
}
END_TEST

/* The generators at u = 2 and u = 1/4, from the formulas in fdiv.h:
 * kl u log u; rkl -log u; pearson (u-1)^2; neyman (1-u)^2/u;
 * hellinger (sqrt u - 1)^2; jeffreys (u-1) log u;
 * js 1/2 [u log(2u/(u+1)) + log(2/(u+1))]; gan u log(u/(u+1)) + log(1/(u+1));
 * tv |u-1|/2. */
START_TEST(test_f_values)
{
    static const double us[2] = { 2.0, 0.25 };
    for (int k = 0; k < 2; k++) {
        double u = us[k];
        double want[GL_F_COUNT] = {
            u * log(u), -log(u), (u - 1) * (u - 1), (1 - u) * (1 - u) / u,
            (sqrt(u) - 1) * (sqrt(u) - 1), (u - 1) * log(u),
            0.5 * (u * log(2 * u / (u + 1)) + log(2 / (u + 1))),
            u * log(u / (u + 1)) + log(1 / (u + 1)), fabs(u - 1) / 2
        };
        for (int i = 0; i < GL_F_COUNT; i++) {
            const gl_fdiv *f = gl_fdiv_get((gl_f_id)i);
            ck_assert_msg(fabs(f->f(u) - want[i]) <= 1e-14 * fabs(want[i]),
                          "%s: f(%g) = %.17g, want %.17g", f->name, u, f->f(u),
                          want[i]);
        }
    }
}
END_TEST

/* h(lp, lp) = q f(1) = 0, except gan: -log 4 * e^lp. */
START_TEST(test_integrand_equal)
{
    static const double lps[] = { -700, -30, -1, 0, 1, 5 };
    for (size_t k = 0; k < sizeof lps / sizeof lps[0]; k++) {
        double lp = lps[k], p = exp(lp);
        for (int i = 0; i < GL_F_COUNT; i++) {
            const gl_fdiv *f = gl_fdiv_get((gl_f_id)i);
            double h = f->integrand(lp, lp);
            /* zero up to rounding; gan's -log 4 p to a few ulps */
            double want = i == GL_F_GAN ? -log(4.0) * p : 0.0;
            double tol = i == GL_F_GAN ? 1e-14 * p : 1e-15 * p;
            ck_assert_msg(fabs(h - want) <= tol, "%s: h(%g, %g) = %.17g, "
                          "want %.17g", f->name, lp, lp, h, want);
        }
    }
}
END_TEST

/* ---- 1-D closed forms --------------------------------------------------- */

START_TEST(test_kl_gauss)
{
    /* KL(N(0,1)||N(1,1)) = 1/2, both directions */
    ASSERT_REL(dv("kl", "N(0,1)", "N(1,1)"), 0.5, 1e-10);
    ASSERT_REL(dv("kl", "N(1,1)", "N(0,1)"), 0.5, 1e-10);
    ASSERT_REL(dv("rkl", "N(0,1)", "N(1,1)"), 0.5, 1e-10);
    /* unequal sigmas: closed form above (mpmath: 1.1987943611198906188) */
    double k12 = kl_gauss(1, 0.5, -0.5, 2), k21 = kl_gauss(-0.5, 2, 1, 0.5);
    ASSERT_REL(k12, 1.1987943611198906188, 1e-14); /* the formula itself */
    ASSERT_REL(dv("kl", "N(1,0.5)", "N(-0.5,2)"), k12, 1e-10);
    ASSERT_REL(dv("kl", "N(-0.5,2)", "N(1,0.5)"), k21, 1e-10);
    /* rkl(P||Q) = KL(Q||P) */
    ASSERT_REL(dv("rkl", "N(1,0.5)", "N(-0.5,2)"), k21, 1e-10);
    ASSERT_REL(dv("rkl", "N(-0.5,2)", "N(1,0.5)"), k12, 1e-10);
    ASSERT_REL(dv("kl", "N(0.3,1.7)", "N(0.3,0.6)"), kl_gauss(0.3, 1.7, 0.3, 0.6), 1e-10);
}
END_TEST

START_TEST(test_hellinger_gauss)
{
    /* H^2 = 2 - 2 BC; mpmath quadrature for (1,0.5) vs (-0.5,2): 0.79809435079389401512 */
    ASSERT_REL(h2_gauss(1, 0.5, -0.5, 2), 0.79809435079389401512, 1e-14);
    ASSERT_REL(dv("hellinger", "N(1,0.5)", "N(-0.5,2)"), h2_gauss(1, 0.5, -0.5, 2), 1e-10);
    /* equal sigma: 2 - 2 exp(-1/8) */
    ASSERT_REL(dv("hellinger", "N(0,1)", "N(1,1)"), 2 - 2 * exp(-0.125), 1e-10);
    ASSERT_REL(dv("hellinger", "N(0.2,0.3)", "N(0,3)"), h2_gauss(0.2, 0.3, 0, 3), 1e-10);
}
END_TEST

START_TEST(test_pearson_gauss)
{
    /* chi^2(N(0,1)||N(1,1)) = e - 1 */
    ASSERT_REL(dv("pearson", "N(0,1)", "N(1,1)"), M_E - 1, 1e-10);
    /* general finite case; mpmath quadrature: 0.62418766214036729646 */
    ASSERT_REL(chi2_gauss(0.5, 0.8, -0.3, 1.1), 0.62418766214036729646, 1e-14);
    ASSERT_REL(dv("pearson", "N(0.5,0.8)", "N(-0.3,1.1)"), chi2_gauss(0.5, 0.8, -0.3, 1.1), 1e-10);
    /* near the tail boundary, sigma_p^2 = 1.96 < 2: 1/(1.4*0.2) - 1 = 18/7 */
    ASSERT_REL(dv("pearson", "N(0,1.4)", "N(0,1)"), 18.0 / 7.0, 1e-10);
}
END_TEST

START_TEST(test_neyman_gauss)
{
    /* neyman(P||Q) = pearson(Q||P) */
    ASSERT_REL(dv("neyman", "N(1,1)", "N(0,1)"), M_E - 1, 1e-10);
    ASSERT_REL(dv("neyman", "N(-0.3,1.1)", "N(0.5,0.8)"), chi2_gauss(0.5, 0.8, -0.3, 1.1), 1e-10);
    ASSERT_REL(dv("neyman", "N(0,1)", "N(0,1.4)"), 18.0 / 7.0, 1e-10);
}
END_TEST

START_TEST(test_jeffreys_tv_gauss)
{
    /* jeffreys = KL + RKL */
    ASSERT_REL(dv("jeffreys", "N(0,1)", "N(1,1)"), 1.0, 1e-10);
    ASSERT_REL(dv("jeffreys", "N(1,0.5)", "N(-0.5,2)"),
               kl_gauss(1, 0.5, -0.5, 2) + kl_gauss(-0.5, 2, 1, 0.5), 1e-10);
    /* tv, equal sigma: 2 Phi(|d|/(2 s)) - 1; mpmath for d = 1.3, s = 0.7:
     * 0.64688876549399441857 */
    ASSERT_REL(tv_gauss(0, 1.3, 0.7), 0.64688876549399441857, 1e-14);
    ASSERT_REL(dv("tv", "N(0,0.7)", "N(1.3,0.7)"), tv_gauss(0, 1.3, 0.7), 1e-10);
    ASSERT_REL(dv("tv", "N(0,1)", "N(1,1)"), tv_gauss(0, 1, 1), 1e-10);
    /* tv(N(0,1)||U(-1,1)): q > p on [-1,1] (phi(0) < 1/2), so
     * tv = Q([-1,1]) - P([-1,1]) = 2 (1 - Phi(1)) */
    ASSERT_REL(dv("tv", "N(0,1)", "U(-1,1)"), 2 * gsl_cdf_ugaussian_Q(1.0), 1e-10);
}
END_TEST

START_TEST(test_uniform_closed)
{
    /* P = U(0,1), Q = U(0,2): p/q = 2 on [0,1], p = 0 on (1,2] */
    const char *P = "U(0,1)", *Q = "U(0,2)";
    ASSERT_REL(dv("kl", P, Q), M_LN2, 1e-10);                  /* log 2 */
    ASSERT_REL(dv("pearson", P, Q), 1.0, 1e-10);               /* int p^2/q - 1 = 2 - 1 */
    ASSERT_REL(dv("hellinger", P, Q), 2 - M_SQRT2, 1e-10);     /* 2 - 2 BC, BC = 1/sqrt 2 */
    ASSERT_REL(dv("tv", P, Q), 0.5, 1e-10);
    /* M = 3/4 on [0,1], 1/4 on (1,2]: js = 1/2 log(4/3) + 1/4 log(4/3) */
    ASSERT_REL(dv("js", P, Q), 0.75 * log(4.0 / 3.0), 1e-10);
    ASSERT_REL(dv("gan", P, Q), 1.5 * log(4.0 / 3.0) - log(4.0), 1e-10);
    ASSERT_REL(dv("rkl", Q, P), M_LN2, 1e-10);
    ASSERT_REL(dv("neyman", Q, P), 1.0, 1e-10);

    /* P = U(0,2), Q = U(1,3): overlap [1,2] with p = q = 1/2 */
    ASSERT_REL(dv("tv", "U(0,2)", "U(1,3)"), 0.5, 1e-10);
    ASSERT_REL(dv("js", "U(0,2)", "U(1,3)"), 0.5 * M_LN2, 1e-10);
    ASSERT_REL(dv("hellinger", "U(0,2)", "U(1,3)"), 1.0, 1e-10); /* BC = 1/2 */

    /* KL(U(-1,1)||N(0,1)) = log(1/2) + log(2 pi)/2 + E[x^2]/2, E[x^2] = 1/3
     * (mpmath quadrature: 0.39245801931139409903) */
    double klun = log(0.5) + 0.5 * log(2 * M_PI) + 1.0 / 6.0;
    ASSERT_REL(klun, 0.39245801931139409903, 1e-14);
    ASSERT_REL(dv("kl", "U(-1,1)", "N(0,1)"), klun, 1e-10);
    /* chi^2(U(-1,1)||N(0,1)) = sqrt(2 pi)/4 int_{-1}^{1} e^{x^2/2} dx - 1
     * = (pi/2) erfi(1/sqrt 2) - 1, mpmath: 0.49765733116556415378 */
    ASSERT_REL(dv("pearson", "U(-1,1)", "N(0,1)"), 0.49765733116556415378, 1e-10);
}
END_TEST

START_TEST(test_self_divergence)
{
    /* D_f(P||P) = f(1) = 0 for every f but gan (-log 4) */
    static const char *const ps[] = { BIMODAL, MIXUN, "U(0,1)", "N(3,0.2)" };
    for (size_t k = 0; k < sizeof ps / sizeof ps[0]; k++) {
        for (int i = 0; i < GL_F_COUNT; i++) {
            double v = dv(names[i], ps[k], ps[k]);
            double want = i == GL_F_GAN ? -log(4.0) : 0.0;
            ck_assert_msg(fabs(v - want) <= 1e-12, "%s(%s||itself) = %.17g, "
                          "want %.17g", names[i], ps[k], v, want);
        }
    }
}
END_TEST

/* ---- mixtures: mpmath references and identities -------------------------- */

START_TEST(test_mixture_reference)
{
    ASSERT_REL(dv("kl", BIMODAL, BIMODAL_Q), REF_BI_KL, 1e-8);
    ASSERT_REL(dv("rkl", BIMODAL, BIMODAL_Q), REF_BI_RKL, 1e-8);
    ASSERT_REL(dv("js", BIMODAL, BIMODAL_Q), REF_BI_JS, 1e-8);
    ASSERT_REL(dv("hellinger", BIMODAL, BIMODAL_Q), REF_BI_HELLINGER, 1e-8);
    ASSERT_REL(dv("pearson", BIMODAL, BIMODAL_Q), REF_BI_PEARSON, 1e-8);
    ASSERT_REL(dv("tv", BIMODAL, BIMODAL_Q), REF_BI_TV, 1e-8);
    ASSERT_REL(dv("jeffreys", BIMODAL, BIMODAL_Q), REF_BI_JEFFREYS, 1e-8);
    ASSERT_REL(dv("gan", BIMODAL, BIMODAL_Q), REF_BI_GAN, 1e-8);
    /* neyman needs q^2/p integrable: sigma_q^2 = 2.25 >= 2 * 0.25 */
    ASSERT_PINF(dv("neyman", BIMODAL, BIMODAL_Q));
    ASSERT_REL(dv("js", MIX31, MIX31_Q), REF_31_JS, 1e-8);
    ASSERT_REL(dv("js", MIXUN, MIXUN_Q), REF_UN_JS, 1e-8);
}
END_TEST

/* gan = 2 js - log 4, both sides computed by the library. */
START_TEST(test_gan_identity)
{
    static const char *const pq[][2] = {
        { BIMODAL, BIMODAL_Q }, { MIX31, MIX31_Q }, { MIXUN, MIXUN_Q },
        { "N(0,1)", "N(40,1)" }, { "U(0,1)", "N(0.5,0.1)" },
    };
    for (size_t k = 0; k < sizeof pq / sizeof pq[0]; k++) {
        double g = dv("gan", pq[k][0], pq[k][1]);
        double j = dv("js", pq[k][0], pq[k][1]);
        ck_assert_msg(fabs(g - (2 * j - log(4.0))) <= 1e-10, "gan(%s||%s) = "
                      "%.17g, 2 js - log 4 = %.17g", pq[k][0], pq[k][1], g,
                      2 * j - log(4.0));
    }
}
END_TEST

START_TEST(test_symmetry)
{
    static const char *const pq[][2] = {
        { BIMODAL, BIMODAL_Q }, { MIX31, MIX31_Q }, { MIXUN, MIXUN_Q },
        { "U(0,1)", "U(0,2)" }, { "N(0,1)", "U(-1,1)" },
    };
    static const char *const sym[] = { "js", "jeffreys", "hellinger", "tv" };
    for (size_t k = 0; k < sizeof pq / sizeof pq[0]; k++) {
        for (size_t i = 0; i < sizeof sym / sizeof sym[0]; i++) {
            double a = dv(sym[i], pq[k][0], pq[k][1]);
            double b = dv(sym[i], pq[k][1], pq[k][0]);
            if (isinf(a) || isinf(b))
                ck_assert_msg(a == b, "%s: %g vs swapped %g", sym[i], a, b);
            else
                ck_assert_msg(fabs(a - b) <= 1e-12 * fmax(1, fabs(a)),
                              "%s(%s||%s) = %.17g, swapped %.17g", sym[i],
                              pq[k][0], pq[k][1], a, b);
        }
        double j = dv("js", pq[k][0], pq[k][1]);
        ck_assert_msg(j >= 0 && j <= M_LN2, "js(%s||%s) = %.17g outside [0, "
                      "log 2]", pq[k][0], pq[k][1], j);
        ck_assert_msg(j > 1e-3, "js(%s||%s) = %g: vacuous", pq[k][0], pq[k][1], j);
    }
}
END_TEST

/* ---- D*, V(D,G), C(G) ---------------------------------------------------- */

START_TEST(test_dstar_points)
{
    /* P = N(0,1), Q = N(1,1): log p - log q = ((x-1)^2 - x^2)/2 = 1/2 - x,
     * D*(x) = 1/(1 + e^{x - 1/2}) */
    gl_mix *P = mk("N(0,1)"), *Q = mk("N(1,1)");
    static const double xs[] = { -1, 0, 0.5, 3 };
    for (size_t k = 0; k < sizeof xs / sizeof xs[0]; k++) {
        double x = xs[k];
        ASSERT_REL(gl_fdiv_dstar(P, Q, &x), 1 / (1 + exp(x - 0.5)), 1e-13);
        ASSERT_ABS(gl_fdiv_dstar_logit(P, Q, &x), 0.5 - x, 1e-13);
    }
    gl_mix_free(P);
    gl_mix_free(Q);

    /* the bimodal pair at x = 2 and x = -0.7, densities written out by hand */
    P = mk(BIMODAL);
    Q = mk(BIMODAL_Q);
    static const double ys[] = { 2, -0.7 };
    for (size_t k = 0; k < 2; k++) {
        double x = ys[k];
        double p = 0.5 * exp(-2 * (x + 2) * (x + 2)) / (0.5 * sqrt(2 * M_PI)) +
                   0.5 * exp(-2 * (x - 2) * (x - 2)) / (0.5 * sqrt(2 * M_PI));
        double q = exp(-x * x / 4.5) / (1.5 * sqrt(2 * M_PI));
        ASSERT_REL(gl_fdiv_dstar(P, Q, &x), p / (p + q), 1e-13);
        ASSERT_REL(gl_fdiv_dstar_logit(P, Q, &x), log(p / q), 1e-13);
    }
    gl_mix_free(P);
    gl_mix_free(Q);

    /* 2-D: N2(0,0,1,1) vs N2(1,0,1,1): the logit is 1/2 - x whatever y */
    P = mk("N2(0,0,1,1)");
    Q = mk("N2(1,0,1,1)");
    double z[2] = { 0.3, 7 };
    ASSERT_ABS(gl_fdiv_dstar_logit(P, Q, z), 0.2, 1e-12);
    ASSERT_REL(gl_fdiv_dstar(P, Q, z), 1 / (1 + exp(-0.2)), 1e-12);
    gl_mix_free(P);
    gl_mix_free(Q);
}
END_TEST

static double logit_zero(const double *x, void *par)
{
    (void)x;
    (void)par;
    return 0.0;
}

/* a(x) = c0 x + c1 */
static double logit_lin(const double *x, void *par)
{
    const double *c = par;
    return c[0] * x[0] + c[1];
}

static double logit_sin(const double *x, void *par)
{
    (void)par;
    return sin(x[0]);
}

typedef struct {
    const gl_mix *P, *Q;
    double shift;
} dstar_par;

/* the optimal logit, shifted: a(x) = log p - log q + shift */
static double logit_dstar(const double *x, void *par)
{
    const dstar_par *d = par;
    return gl_fdiv_dstar_logit(d->P, d->Q, x) + d->shift;
}

START_TEST(test_value_dstar_identity)
{
    /* C(G) = V(D*,G) = -log 4 + 2 JSD, JSD from mpmath */
    ASSERT_ABS(cstar(BIMODAL, BIMODAL_Q), -log(4.0) + 2 * REF_BI_JS, 1e-10);
    ASSERT_ABS(cstar(MIX31, MIX31_Q), -log(4.0) + 2 * REF_31_JS, 1e-10);
    ASSERT_ABS(cstar(MIXUN, MIXUN_Q), -log(4.0) + 2 * REF_UN_JS, 1e-10);
    /* and against the library's own js on pairs without a stored reference */
    ASSERT_ABS(cstar("N(0,1)", "N(1,1)"), -log(4.0) + 2 * dv("js", "N(0,1)", "N(1,1)"), 1e-10);
    ASSERT_ABS(cstar("U(0,1)", "U(0,2)"), -log(4.0) + 1.5 * log(4.0 / 3.0), 1e-10);
    /* p_g = p_data: D* = 1/2 and C = -log 4 */
    ASSERT_ABS(cstar(BIMODAL, BIMODAL), -log(4.0), 1e-12);
    ASSERT_ABS(cstar(MIXUN, MIXUN), -log(4.0), 1e-12);
    ASSERT_ABS(cstar("U(0,1)", "U(0,1)"), -log(4.0), 1e-12);
}
END_TEST

START_TEST(test_value_eval)
{
    /* D = 1/2 everywhere: V = -log 2 - log 2 whatever P and G */
    ASSERT_ABS(value(BIMODAL, BIMODAL_Q, logit_zero, NULL), -log(4.0), 1e-12);
    ASSERT_ABS(value("U(0,1)", "U(2,3)", logit_zero, NULL), -log(4.0), 1e-12);
    ASSERT_ABS(value("N(0,1)", "N(40,1)", logit_zero, NULL), -log(4.0), 1e-12);
    ASSERT_ABS(value(MIXUN, MIXUN_Q, logit_zero, NULL), -log(4.0), 1e-12);

    /* V = -int p softplus(-a) - int g softplus(a), P = BIMODAL, G = N(0,1.5);
     * mpmath: a = 0.3x - 0.1 -> -1.4602452523755740059,
     *         a = sin x      -> -1.5307424472531970531 */
    double c[2] = { 0.3, -0.1 };
    double cg = cstar(BIMODAL, BIMODAL_Q);
    double vl = value(BIMODAL, BIMODAL_Q, logit_lin, c);
    double vs = value(BIMODAL, BIMODAL_Q, logit_sin, NULL);
    ASSERT_REL(vl, -1.4602452523755740059, 1e-8);
    ASSERT_REL(vs, -1.5307424472531970531, 1e-8);
    ck_assert_msg(vl <= cg && vs <= cg, "V(D,G) = %.17g, %.17g exceeds "
                  "V(D*,G) = %.17g", vl, vs, cg);

    /* the optimal logit passed through gl_fdiv_value gives C(G); shifting it
     * by 0.1 loses about 0.005 int pq/(p+q) > 0 */
    gl_mix *P = mk(BIMODAL), *G = mk(BIMODAL_Q);
    gl_err err;
    gl_err_clear(&err);
    dstar_par d = { P, G, 0.0 };
    double v0 = NAN, v1 = NAN, ae = NAN;
    ck_assert_int_eq(gl_fdiv_value(P, G, logit_dstar, &d, NULL, &v0, &ae, &err), GL_OK);
    ASSERT_ABS(v0, cg, 1e-11);
    d.shift = 0.1;
    ck_assert_int_eq(gl_fdiv_value(P, G, logit_dstar, &d, NULL, &v1, &ae, &err), GL_OK);
    ck_assert_msg(v1 < cg - 1e-5, "V(D*+0.1 shift) = %.17g not below C(G) = "
                  "%.17g by 1e-5", v1, cg);
    gl_mix_free(P);
    gl_mix_free(G);
}
END_TEST

/* ---- 2-D ---------------------------------------------------------------- */

/* P = N2(0,0,1,1,0.5), Q = N2(1,-0.5,1.5,0.8,-0.3), covariance
 * [[sx^2, rho sx sy], [rho sx sy, sy^2]]. mpmath closed forms (40 digits):
 *   KL(P||Q) = 1/2 [tr(S2^-1 S1) + d^T S2^-1 d - 2 + log(det S2/det S1)]
 *            = 0.84055334608031722259      (2-D quadrature: 0.840553346080317)
 *   KL(Q||P) = 2.0543260800491089068
 *   H^2 = 2 - 2 det(S1)^1/4 det(S2)^1/4 det(Sb)^-1/2 exp(-d^T Sb^-1 d / 8),
 *   Sb = (S1+S2)/2: 0.47029466463581451228 (2-D quadrature: 0.470294664635702) */
#define N2P "N2(0,0,1,1,0.5)"
#define N2Q "N2(1,-0.5,1.5,0.8,-0.3)"

START_TEST(test_2d_gauss)
{
    ASSERT_REL(dv("kl", N2P, N2Q), 0.84055334608031722259, 1e-6);
    ASSERT_REL(dv("rkl", N2P, N2Q), 2.0543260800491089068, 1e-6);
    ASSERT_REL(dv("hellinger", N2P, N2Q), 0.47029466463581451228, 1e-6);
    ASSERT_ABS(dv("js", N2P, N2P), 0.0, 1e-10);
    ASSERT_REL(value(N2P, N2Q, logit_zero, NULL), -log(4.0), 1e-6);
}
END_TEST

START_TEST(test_2d_gan_identity)
{
    const char *P = "0.5*N2(-1,0,0.5,0.5)+0.5*N2(1,0,0.5,0.5)", *Q = "N2(0,0,1,1)";
    double j = dv("js", P, Q), g = dv("gan", P, Q);
    ck_assert_msg(j > 1e-2 && j < M_LN2, "js = %g", j);
    ASSERT_REL(g, 2 * j - log(4.0), 1e-6);
}
END_TEST

START_TEST(test_2d_disjoint)
{
    const char *P = "U2(0,1,0,1)", *Q = "U2(2,3,0,1)";
    ASSERT_REL(dv("js", P, Q), M_LN2, 1e-6);
    ASSERT_REL(dv("tv", P, Q), 1.0, 1e-6);
    ASSERT_PINF(dv("kl", P, Q));
    ASSERT_PINF(dv("rkl", P, Q));
}
END_TEST

/* ---- limits ------------------------------------------------------------- */

/* Integrands at extreme log-ratios against mpmath at 60 digits of
 * h(e^lp, e^lq) with the formulas of fdiv.h; a true value above DBL_MAX must
 * come out +inf, one below 1e-300 in magnitude as (+-)0 up to 1e-300. */
#define NPAIR 11
static const double pairs[NPAIR][2] = {
    { 0, -700 }, { -700, 0 }, { 0, -1e4 }, { -1e4, 0 }, { -1000, -1500 },
    { -1500, -1000 }, { 3, -2 }, { -2, 3 }, { -600, -610 }, { -610, -600 },
    { 1, 0.5 },
};
static const double href[GL_F_COUNT][NPAIR] = {
    /* kl */
    { 700.0, -0.0, 10000.0, -0.0, 0.0, -0.0, 100.42768461593834,
      -0.67667641618306346, 2.6503965530043108e-260, -1.2032781734912767e-264,
      1.3591409142295226 },
    /* rkl */
    { -0.0, 700.0, -0.0, 10000.0, -0.0, 0.0, -0.67667641618306346,
      100.42768461593834, -1.2032781734912767e-264, 2.6503965530043108e-260,
      -0.82436063535006407 },
    /* pearson */
    { 1.0142320547350045e+304, 1.0, INFINITY, 1.0, 7.1245764067412855e-218, 0.0,
      2940.9222484785896, 19.815778238679997, 5.8373568344644888e-257,
      2.650155902832487e-261, 0.6938466841201025 },
    /* neyman */
    { 1.0, 1.0142320547350045e+304, 1.0, INFINITY, 0.0, 7.1245764067412855e-218,
      19.815778238679997, 2940.9222484785896, 2.650155902832487e-261,
      5.8373568344644888e-257, 0.42083928705878894 },
    /* hellinger */
    { 1.0, 1.0, 1.0, 1.0, 0.0, 0.0, 16.923429665024024, 16.923429665024024,
      2.6148004178202562e-261, 2.6148004178202562e-261, 0.13300306593382405 },
    /* jeffreys */
    { 700.0, 700.0, 10000.0, 10000.0, 0.0, 0.0, 99.751008199755275,
      99.751008199755275, 2.6502762251869617e-260, 2.6502762251869617e-260,
      0.53478027887945854 },
    /* js */
    { 0.34657359027997265, 0.34657359027997265, 0.34657359027997265,
      0.34657359027997265, 0.0, 0.0, 6.6017869692714131, 6.6017869692714131,
      9.1793734712291894e-262, 9.1793734712291894e-262, 0.066159795587049971 },
    /* gan */
    { -0.0, -0.0, -0.0, -0.0, -0.0, -0.0, -0.8124666198031243,
      -0.8124666198031243, -1.3236087222362977e-264, -1.3236087222362977e-264,
      -2.8946562945046244 },
    /* tv */
    { 0.5, 0.5, 0.5, 0.5, 0.0, 0.0, 9.9751008199755275, 9.9751008199755275,
      1.3251381125934808e-261, 1.3251381125934808e-261, 0.53478027887945854 },
};

START_TEST(test_integrand_extreme)
{
    for (int i = 0; i < GL_F_COUNT; i++) {
        const gl_fdiv *f = gl_fdiv_get((gl_f_id)i);
        /* f >= 0 (convex, f(1) = 0, f'(1) = 0) for these; kl, rkl, gan change sign */
        int nonneg = i != GL_F_KL && i != GL_F_RKL && i != GL_F_GAN;
        for (int k = 0; k < NPAIR; k++) {
            double lp = pairs[k][0], lq = pairs[k][1];
            double h = f->integrand(lp, lq), w = href[i][k];
            ck_assert_msg(!isnan(h), "%s: h(%g, %g) = NaN", f->name, lp, lq);
            if (nonneg)
                ck_assert_msg(h >= 0, "%s: h(%g, %g) = %.17g < 0", f->name, lp, lq, h);
            if (isinf(w))
                ck_assert_msg(isinf(h) && h > 0, "%s: h(%g, %g) = %.17g, want "
                              "+inf (true value e^%g)", f->name, lp, lq, h,
                              2 * lp - lq > 0 ? 2 * lp - lq : 2 * lq - lp);
            else
                ck_assert_msg(fabs(h - w) <= 1e-12 * fabs(w) + 1e-300,
                              "%s: h(%g, %g) = %.17g, want %.17g", f->name,
                              lp, lq, h, w);
        }
    }
}
END_TEST

/* Where one density vanishes the integrand is the perspective limit:
 * p = 0: q f(0); q = 0: p lim f(u)/u. Both are +inf exactly for the f whose
 * flags say so (a support mismatch), finite otherwise. */
START_TEST(test_integrand_zero_density)
{
    /* q f(0) at q = 1 */
    static const double p0[GL_F_COUNT] = {
        0, INFINITY, 1, INFINITY, 1, INFINITY, 0.5 * M_LN2, 0, 0.5
    };
    /* p lim f(u)/u at p = 1 */
    static const double q0[GL_F_COUNT] = {
        INFINITY, 0, INFINITY, 1, 1, INFINITY, 0.5 * M_LN2, 0, 0.5
    };
    for (int i = 0; i < GL_F_COUNT; i++) {
        const gl_fdiv *f = gl_fdiv_get((gl_f_id)i);
        double a = f->integrand(-INFINITY, 0.0), b = f->integrand(0.0, -INFINITY);
        if (isinf(p0[i]))
            ck_assert_msg(isinf(a) && a > 0, "%s: h(-inf, 0) = %g", f->name, a);
        else
            ck_assert_msg(fabs(a - p0[i]) <= 1e-15, "%s: h(-inf, 0) = %.17g, "
                          "want %.17g", f->name, a, p0[i]);
        if (isinf(q0[i]))
            ck_assert_msg(isinf(b) && b > 0, "%s: h(0, -inf) = %g", f->name, b);
        else
            ck_assert_msg(fabs(b - q0[i]) <= 1e-15, "%s: h(0, -inf) = %.17g, "
                          "want %.17g", f->name, b, q0[i]);
    }
}
END_TEST

START_TEST(test_far_apart)
{
    /* KL(N(0,1)||N(40,1)) = 40^2/2 = 800: p and q never both representable
     * beyond |x| ~ 38, so only a log-space integrand gets this */
    ASSERT_REL(dv("kl", "N(0,1)", "N(40,1)"), 800.0, 1e-10);
    ASSERT_REL(dv("rkl", "N(0,1)", "N(40,1)"), 800.0, 1e-10);
    ASSERT_REL(dv("jeffreys", "N(0,1)", "N(40,1)"), 1600.0, 1e-10);
    /* overlap ~ Phi(-20) ~ 3e-89: js = log 2, tv = 1, hellinger = 2 - 2 e^-200 */
    ASSERT_REL(dv("js", "N(0,1)", "N(40,1)"), M_LN2, 1e-12);
    ASSERT_REL(dv("tv", "N(0,1)", "N(40,1)"), 1.0, 1e-12);
    ASSERT_REL(dv("hellinger", "N(0,1)", "N(40,1)"), 2.0, 1e-12);
    ASSERT_ABS(cstar("N(0,1)", "N(40,1)"), 0.0, 1e-12);

    /* D* logit for modes at -40 and 40: log p - log q = -80 x, finite where
     * p and q both underflow */
    gl_mix *P = mk("N(-40,1)"), *Q = mk("N(40,1)");
    static const double xs[] = { 30, -35, 0.25 };
    for (size_t k = 0; k < sizeof xs / sizeof xs[0]; k++) {
        double x = xs[k];
        double a = gl_fdiv_dstar_logit(P, Q, &x);
        ck_assert_msg(isfinite(a), "logit(%g) = %g", x, a);
        ASSERT_REL(a, -80 * x, 1e-12);
    }
    double x = 30, y = -35;
    ASSERT_ABS(gl_fdiv_dstar(P, Q, &x), 0.0, 1e-300);
    ASSERT_REL(gl_fdiv_dstar(P, Q, &y), 1.0, 1e-15);
    gl_mix_free(P);
    gl_mix_free(Q);
}
END_TEST

/* Pearson needs p^2/q integrable: for Gaussians sigma_p^2 < 2 sigma_q^2
 * (chi2_gauss above), the boundary itself diverging. Neyman is the mirror. */
START_TEST(test_tail_infinities)
{
    ASSERT_PINF(dv("pearson", "N(0,2)", "N(0,1)"));
    ASSERT_PINF(dv("pearson", "N(0,1.4142135623730951)", "N(0,1)")); /* sigma^2 = 2 (+1 ulp) */
    ASSERT_PINF(dv("pearson", "N(3,1)", "N(0,0.7)"));                 /* 1 > 2 * 0.49 */
    ASSERT_REL(dv("pearson", "N(0,1.4)", "N(0,1)"), 18.0 / 7.0, 1e-10);
    ASSERT_PINF(dv("neyman", "N(0,1)", "N(0,2)"));
    ASSERT_PINF(dv("neyman", "N(0,1)", "N(0,1.4142135623730951)"));
    ASSERT_REL(dv("neyman", "N(0,1)", "N(0,1.4)"), 18.0 / 7.0, 1e-10);
    /* mixtures: Q's tail is its widest component. 9 > 2*4 diverges;
     * 6.25 < 2*4 is finite, mpmath: 1.0287415175601352322 */
    ASSERT_PINF(dv("pearson", "0.5*N(0,1)+0.5*N(0,3)", "N(0,2)"));
    ASSERT_REL(dv("pearson", "N(0,2.5)", "0.5*N(0,0.5)+0.5*N(0,2)"),
               1.0287415175601352322, 1e-8);
    /* a uniform component does not change the Gaussian tail; mpmath:
     * chi^2(N(0,1)||0.5 U(-1,1) + 0.5 N(0,1)) = 0.19264557490743075741 */
    ASSERT_REL(dv("pearson", "N(0,1)", "0.5*U(-1,1)+0.5*N(0,1)"),
               0.19264557490743075741, 1e-8);
    /* P's mode where Q has almost no mass (mpmath: 94.533134380329938103), and
     * two mixtures whose tails are set by different components on each side
     * (mpmath: 21.81651682669579943; with Q's wide part 0.1 it diverges) */
    ASSERT_REL(dv("pearson", "N(0,0.5)", "0.5*N(-3,1)+0.5*N(3,1)"), 94.533134380329938103, 1e-8);
    ASSERT_REL(dv("pearson", "0.5*N(-1,1)+0.5*N(1,1.2)", "0.5*N(0,0.8)+0.5*N(2,0.9)"),
               21.81651682669579943, 1e-8);
    ASSERT_PINF(dv("pearson", "0.5*N(-1,1)+0.5*N(1,1.2)", "0.5*N(0,0.8)+0.5*N(2,0.1)"));
    /* kl, js, hellinger, tv between Gaussians are always finite */
    ck_assert(isfinite(dv("kl", "N(0,3)", "N(0,0.1)")));
    ASSERT_REL(dv("kl", "N(0,3)", "N(0,0.1)"), kl_gauss(0, 3, 0, 0.1), 1e-10);
}
END_TEST

START_TEST(test_support_infinities)
{
    /* P-mass where q = 0 */
    ASSERT_PINF(dv("kl", "N(0,1)", "U(-1,1)"));
    ASSERT_PINF(dv("pearson", "N(0,1)", "U(-1,1)"));
    ASSERT_PINF(dv("jeffreys", "N(0,1)", "U(-1,1)"));
    ASSERT_PINF(dv("kl", "U(0,2)", "U(0,1)"));
    /* Q-mass where p = 0 */
    ASSERT_PINF(dv("rkl", "U(0,1)", "U(0,2)"));
    ASSERT_PINF(dv("neyman", "U(0,1)", "U(0,2)"));
    ASSERT_PINF(dv("jeffreys", "U(0,1)", "U(0,2)"));
    ASSERT_PINF(dv("rkl", "U(-1,1)", "N(0,1)"));
    ASSERT_PINF(dv("neyman", "U(-1,1)", "N(0,1)"));
    /* while the forward direction is finite */
    ASSERT_REL(dv("kl", "U(0,1)", "U(0,2)"), M_LN2, 1e-10);
    ASSERT_REL(dv("rkl", "N(0,1)", "U(-1,1)"), log(0.5) + 0.5 * log(2 * M_PI) + 1.0 / 6.0, 1e-10);
    /* mixtures: a uniform component of P sticking out of Q's support */
    ASSERT_PINF(dv("kl", "0.5*U(0,3)+0.5*U(0,1)", "U(0,2)"));
    ck_assert(isfinite(dv("kl", "0.5*U(0,1)+0.5*U(0.5,2)", "U(0,2)")));
}
END_TEST

START_TEST(test_disjoint_uniform)
{
    const char *P = "U(0,1)", *Q = "U(2,3)";
    ASSERT_PINF(dv("kl", P, Q));
    ASSERT_PINF(dv("rkl", P, Q));
    ASSERT_PINF(dv("pearson", P, Q));
    ASSERT_PINF(dv("neyman", P, Q));
    ASSERT_PINF(dv("jeffreys", P, Q));
    ASSERT_REL(dv("js", P, Q), M_LN2, 1e-12);
    ASSERT_REL(dv("tv", P, Q), 1.0, 1e-12);
    ASSERT_REL(dv("hellinger", P, Q), 2.0, 1e-12);
    ASSERT_ABS(dv("gan", P, Q), 0.0, 1e-12);
    /* D* = 1 on P's support, 0 on Q's: log D* = log(1 - D*) = 0 there */
    ASSERT_ABS(cstar(P, Q), 0.0, 1e-12);

    gl_mix *mp = mk(P), *mq = mk(Q);
    double a = 0.5, b = 2.5, c = 1.5;
    ck_assert(gl_fdiv_dstar(mp, mq, &a) == 1.0);
    ck_assert(gl_fdiv_dstar(mp, mq, &b) == 0.0);
    ck_assert_msg(isnan(gl_fdiv_dstar(mp, mq, &c)), "D*(1.5) = %g, want NaN",
                  gl_fdiv_dstar(mp, mq, &c));
    double la = gl_fdiv_dstar_logit(mp, mq, &a), lb = gl_fdiv_dstar_logit(mp, mq, &b);
    ck_assert_msg(isinf(la) && la > 0, "logit(0.5) = %g", la);
    ck_assert_msg(isinf(lb) && lb < 0, "logit(2.5) = %g", lb);
    ck_assert(isnan(gl_fdiv_dstar_logit(mp, mq, &c)));
    gl_mix_free(mp);
    gl_mix_free(mq);
}
END_TEST

/* 2-D tails: p^2/q is integrable iff along every direction v, P's slowest
 * component decays faster than half of Q's slowest, v'S_p^-1 v > v'S_q^-1 v / 2
 * (for some Q component). For Gaussians (mpmath, 40 digits):
 *   chi^2 + 1 = det(Sq)^1/2 / (det(Sp) det(A)^1/2) exp(b'A^-1 b/2 + c),
 *   A = 2 Sp^-1 - Sq^-1, b = 2 Sp^-1 mp - Sq^-1 mq, c = -mp'Sp^-1 mp + mq'Sq^-1 mq/2
 * (the same formula reproduces chi2_gauss in 1-D). */
START_TEST(test_2d_tails)
{
    /* axis-aligned, product of 1-D factors: 0.68358757425368458191 */
    ASSERT_REL(dv("pearson", "N2(0,0,1.2,0.5)", "N2(0,0,1,1)"), 0.68358757425368458191, 1e-6);
    /* rho = 0.9: variances 1.9 and 0.1 along the diagonals, chi^2 = 1/0.19 - 1 = 81/19 */
    ASSERT_REL(dv("pearson", "N2(0,0,1,1,0.9)", "N2(0,0,1,1)"), 81.0 / 19.0, 1e-6);
    /* the same shifted: 4.9092604043907186128 */
    ASSERT_REL(dv("pearson", "N2(0.3,-0.2,1,1,0.9)", "N2(0,0,1,1)"), 4.9092604043907186128, 1e-6);
    /* marginal variances 1.44 < 2, but 1.44 * 1.5 = 2.16 > 2 along (1,1) */
    ASSERT_PINF(dv("pearson", "N2(0,0,1.2,1.2,0.5)", "N2(0,0,1,1)"));
    ASSERT_PINF(dv("neyman", "N2(0,0,1,1)", "N2(0,0,1.2,1.2,0.5)"));
    ASSERT_PINF(dv("pearson", "N2(0,0,1.5,0.5)", "N2(0,0,1,1)"));
    /* Q a cross of two thin Gaussians: along (1,1) each has precision
     * (1/4 + 4)/2 = 2.125, so P needs precision > 1.0625 there */
    ASSERT_PINF(dv("pearson", "N2(0,0,1.2,1.2)", "0.5*N2(0,0,2,0.5)+0.5*N2(0,0,0.5,2)"));
    /* precision 4 > 1.0625 everywhere: finite (mpmath 2-D quadrature, 20
     * digits: 1.6152105645802191) */
    ASSERT_REL(dv("pearson", "N2(0,0,0.5,0.5)", "0.5*N2(0,0,2,0.5)+0.5*N2(0,0,0.5,2)"),
               1.6152105645802191, 1e-6);
}
END_TEST

/* 2-D supports from boxes (the grid of edges), closed forms */
START_TEST(test_2d_supports)
{
    /* p = 1, q = 1/4 on the unit square */
    ASSERT_REL(dv("kl", "U2(0,1,0,1)", "U2(0,2,0,2)"), log(4.0), 1e-6);
    ASSERT_REL(dv("tv", "U2(0,1,0,1)", "U2(0,2,0,2)"), 0.75, 1e-6);
    ASSERT_PINF(dv("rkl", "U2(0,1,0,1)", "U2(0,2,0,2)"));
    ASSERT_PINF(dv("kl", "U2(0,2,0,2)", "U2(0,1,0,1)"));
    /* an L-shaped Q: q = 1/4 + 1/4 on the unit square, which it covers */
    const char *L = "0.5*U2(0,2,0,1)+0.5*U2(0,1,0,2)";
    ASSERT_REL(dv("kl", "U2(0,1,0,1)", L), M_LN2, 1e-6);
    /* [0,1.5]^2 sticks out of the L at the corner (1,1.5]^2 */
    ASSERT_PINF(dv("kl", "U2(0,1.5,0,1.5)", L));
    ck_assert(isfinite(dv("js", "U2(0,1.5,0,1.5)", L)));
}
END_TEST

/* ---- errors ------------------------------------------------------------- */

START_TEST(test_dimension_mismatch)
{
    gl_mix *P = mk("N(0,1)"), *Q = mk("N2(0,0,1,1)");
    const gl_fdiv *f = fd("kl");
    gl_err err;
    double v = 0, ae = 0;
    int inf = 0;

    gl_err_clear(&err);
    ck_assert_int_eq(gl_fdiv_eval(f, P, Q, NULL, &v, &ae, &err), GL_EINVAL);
    ck_assert_int_eq(err.status, GL_EINVAL);
    ck_assert_msg(err.msg[0] != '\0', "no message");

    gl_err_clear(&err);
    ck_assert_int_eq(gl_fdiv_eval(f, Q, P, NULL, &v, &ae, &err), GL_EINVAL);
    ck_assert_msg(err.msg[0] != '\0', "no message");

    gl_err_clear(&err);
    ck_assert_int_eq(gl_fdiv_infinite(f, P, Q, &inf, &err), GL_EINVAL);
    ck_assert_msg(err.msg[0] != '\0', "no message");

    gl_err_clear(&err);
    ck_assert_int_eq(gl_fdiv_value(P, Q, logit_zero, NULL, NULL, &v, &ae, &err), GL_EINVAL);
    ck_assert_msg(err.msg[0] != '\0', "no message");

    gl_err_clear(&err);
    ck_assert_int_eq(gl_fdiv_value_dstar(P, Q, NULL, &v, &ae, &err), GL_EINVAL);
    ck_assert_msg(err.msg[0] != '\0', "no message");

    /* err may be NULL: the status alone */
    ck_assert_int_eq(gl_fdiv_eval(f, P, Q, NULL, &v, &ae, NULL), GL_EINVAL);
    ck_assert_int_eq(gl_fdiv_value_dstar(P, Q, NULL, &v, &ae, NULL), GL_EINVAL);

    gl_mix_free(P);
    gl_mix_free(Q);
}
END_TEST

START_TEST(test_lookup_errors)
{
    ck_assert_ptr_null(gl_fdiv_get(GL_F_COUNT));
    ck_assert_ptr_null(gl_fdiv_get((gl_f_id)(GL_F_COUNT + 7)));
    ck_assert_ptr_null(gl_fdiv_find("KL divergence"));
    ck_assert_ptr_null(gl_fdiv_find("js "));
    ck_assert_ptr_null(gl_fdiv_find("wasserstein"));
}
END_TEST

/* ---- gl_fdiv_eval_many: the nine at once, bit for bit ------------------- */

/* Every divergence of P and Q by gl_fdiv_eval_many against gl_fdiv_eval one
 * at a time: the same status, and the same value and abserr bit for bit
 * (memcmp: inf and -0 included). ws may be shared with earlier pairs.
 * Returns a mask of what the values were: 1 some finite, 2 some inf with
 * abserr 0 (decided infinite), 4 some inf with abserr inf (overflow). */
static int many_matches(const char *p, const char *q, gl_quad_workspace *ws)
{
    gl_mix *P = mk(p), *Q = mk(q);
    const gl_fdiv *fs[GL_F_COUNT];
    double v[GL_F_COUNT], ae[GL_F_COUNT], v1, ae1;
    gl_err err;
    int seen = 0;
    for (int k = 0; k < GL_F_COUNT; k++) {
        fs[k] = gl_fdiv_get(k);
        v[k] = ae[k] = NAN;
    }
    ck_assert_msg(gl_fdiv_eval_many(fs, GL_F_COUNT, P, Q, ws, v, ae, &err) == GL_OK,
                  "eval_many(%s || %s): %s", p, q, err.msg);
    for (int k = 0; k < GL_F_COUNT; k++) {
        ck_assert_msg(gl_fdiv_eval(fs[k], P, Q, NULL, &v1, &ae1, &err) == GL_OK, "%s", err.msg);
        ck_assert_msg(memcmp(&v[k], &v1, sizeof v1) == 0 && memcmp(&ae[k], &ae1, sizeof ae1) == 0,
                      "%s(%s || %s): eval_many %.17g (abserr %.17g), eval %.17g (abserr %.17g)",
                      fs[k]->name, p, q, v[k], ae[k], v1, ae1);
        seen |= isfinite(v1) ? 1 : ae1 == 0 ? 2 : 4;
    }
    gl_mix_free(P);
    gl_mix_free(Q);
    return seen;
}

/* The lab's hard cases: disjoint and nested supports, divergent tails,
 * a value that overflows, far-apart modes, tiny and mixed scales, far from
 * 0, uniforms with shared edges, 2-D; one workspace for all, so that each
 * pair's cached densities must not leak into the next. */
START_TEST(test_eval_many_same)
{
    static const char *const pairs[][2] = {
        {"0.5*N(-1,1)+0.5*N(1,1)", "N(0,1.2)"},
        {"N(0,1)", "N(1e-6,1)"},
        {"N(0,1)", "N(40,1)"},
        {"N(0,2)", "N(0,1)"},
        {"U(0,1)", "U(2,3)"},
        {"U(0,1)", "U(0.5,1.5)"},
        {"U(0,1)", "N(0,1)"},
        {"N(0,1)", "U(-1,1)"},
        {"0.5*N(-30,1)+0.5*N(30,1)", "N(0,1)"},
        {"0.5*N(-30,1)+0.5*N(30,1)", "0.5*N(-30,1.1)+0.5*N(30,0.9)"},
        {"N(0,1e-6)", "N(0,1)"},
        {"N(0,1e-6)", "N(1e-6,2e-6)"},
        {"0.3*N(-2,0.1)+0.3*U(-1,1)+0.4*N(3,2)", "N(0,1.5)"},
        {"N(1000,1)", "N(1000.5,1)"},
        {"U(-1,1)", "0.5*U(-1,0)+0.5*U(0,1)"},
        {"N2(0,0,1,1)", "N2(1,0,1,2,0.3)"},
    };
    gl_quad_workspace *ws = NULL;
    gl_err err;
    ck_assert_int_eq(gl_quad_workspace_alloc(&ws, &err), GL_OK);
    int seen = 0;
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++)
        seen |= many_matches(pairs[i][0], pairs[i][1], ws);
    ck_assert_msg(seen == 7, "the cases did not cover finite, infinite and overflowing values (%d)",
                  seen);
    /* a workspace of its own (NULL: a temporary one) gives the same */
    many_matches("0.5*N(-1,1)+0.5*N(1,1)", "N(0,1.2)", NULL);
    gl_quad_workspace_free(ws);
}
END_TEST

/* 40 narrow modes: more distinct abscissae than the density cache holds
 * (half of its 4096 slots), so that some are computed every time; and a
 * list with repeats, in any order. */
START_TEST(test_eval_many_full_cache)
{
    char p[2048];
    size_t n = 0;
    for (int i = 0; i < 40; i++)
        n += (size_t)snprintf(p + n, sizeof p - n, "%s0.025*N(%d,0.1)", i ? "+" : "", 3 * i - 60);
    many_matches(p, "N(0,30)", NULL);

    gl_mix *P = mk("N(0,1)"), *Q = mk("0.5*N(-1,0.5)+0.5*N(2,1)");
    const gl_fdiv *fs[] = {fd("tv"), fd("kl"), fd("tv"), fd("js"), fd("kl")};
    double v[5], ae[5], v1, ae1;
    gl_err err;
    ck_assert_int_eq(gl_fdiv_eval_many(fs, 5, P, Q, NULL, v, ae, &err), GL_OK);
    for (int k = 0; k < 5; k++) {
        ck_assert_int_eq(gl_fdiv_eval(fs[k], P, Q, NULL, &v1, &ae1, &err), GL_OK);
        ck_assert_msg(memcmp(&v[k], &v1, sizeof v1) == 0 && memcmp(&ae[k], &ae1, sizeof ae1) == 0,
                      "%s: %.17g against %.17g", fs[k]->name, v[k], v1);
    }
    gl_mix_free(P);
    gl_mix_free(Q);
}
END_TEST

START_TEST(test_eval_many_errors)
{
    gl_mix *P = mk("N(0,1)"), *Q = mk("N(1,2)"), *Q2 = mk("N2(0,0,1,1)");
    const gl_fdiv *fs[] = {fd("kl"), NULL, fd("js")};
    double v[3] = {NAN, NAN, NAN}, ae[3] = {NAN, NAN, NAN};
    gl_err err;
    /* a NULL entry: its status and message; the ones before it are set */
    ck_assert_int_eq(gl_fdiv_eval_many(fs, 3, P, Q, NULL, v, ae, &err), GL_EINVAL);
    ck_assert_msg(err.msg[0] != '\0', "no message");
    ck_assert_msg(isfinite(v[0]) && isnan(v[2]), "kl %g, js %g", v[0], v[2]);
    ck_assert_int_eq(gl_fdiv_eval_many(fs, 1, P, Q2, NULL, v, ae, &err), GL_EINVAL);
    ck_assert_msg(strstr(err.msg, "1-D") != NULL, "message: %s", err.msg);
    ck_assert_int_eq(gl_fdiv_eval_many(fs, 1, NULL, Q, NULL, v, ae, &err), GL_EINVAL);
    ck_assert_int_eq(gl_fdiv_eval_many(NULL, 1, P, Q, NULL, v, ae, &err), GL_EINVAL);
    ck_assert_int_eq(gl_fdiv_eval_many(fs, 1, P, Q, NULL, NULL, ae, &err), GL_EINVAL);
    ck_assert_int_eq(gl_fdiv_eval_many(fs, 0, P, Q, NULL, NULL, NULL, &err), GL_OK);
    ck_assert_int_eq(gl_fdiv_eval_many(fs, 1, P, Q, NULL, v, ae, NULL), GL_OK);
    gl_mix_free(P);
    gl_mix_free(Q);
    gl_mix_free(Q2);
}
END_TEST

/* 2-D tv where the p = q curve is tangent to x-slices (grid(3,2,0.3) against
 * a broad Gaussian): the outer integrand has square-root corners that one
 * QAGP across all intervals stalled on (roundoff at 1e-4); the fallback
 * integrates interval by interval. Checked against a midpoint sum on a
 * 1200 x 1200 grid over [-7, 7]^2 plus Q's mass outside it, in closed form
 * (cell 0.0117: midpoint error ~h^2/24 times the integral of |f''|, and the
 * kinks of |p - q| O(h^2) per unit length of the curve: ~1e-5), so 1e-4. */
START_TEST(test_2d_tv_tangent_slices)
{
    gl_mix *P = NULL, *Q = NULL;
    gl_err e;
    ck_assert(gl_mix_parse("grid(3,2,0.3)", &P, &e) == GL_OK);
    ck_assert(gl_mix_parse("N2(0,0,2,2)", &Q, &e) == GL_OK);
    double v, ae;
    int s = gl_fdiv_eval(gl_fdiv_find("tv"), P, Q, NULL, &v, &ae, &e);
    ck_assert_msg(s == GL_OK, "%s", e.msg);
    const int n = 1200;
    const double L = 7, h = 2 * L / n;
    double sum = 0;
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) {
            double x[2] = {-L + (i + 0.5) * h, -L + (j + 0.5) * h};
            sum += fabs(gl_mix_pdf(P, x) - gl_mix_pdf(Q, x));
        }
    sum *= 0.5 * h * h;
    /* outside the box p ~ e^-200 and |p - q| = q: add half of Q's mass there */
    double in = erf(L / (2 * sqrt(2.0)));
    sum += 0.5 * (1 - in * in);
    ck_assert_msg(fabs(v - sum) < 1e-4, "tv %.10g, grid sum %.10g", v, sum);
    ck_assert(ae <= 1e-6 * v);
    gl_mix_free(P);
    gl_mix_free(Q);
}
END_TEST

Suite *fdiv_suite(void)
{
    Suite *s = suite_create("fdiv");

    TCase *core = tcase_create("core");
    tcase_set_timeout(core, 60); /* the 2-D cases: nested quadrature */
    tcase_add_test(core, test_catalogue_names);
    tcase_add_test(core, test_catalogue_flags);
    tcase_add_test(core, test_f_at_one);
    tcase_add_test(core, test_f_values);
    tcase_add_test(core, test_integrand_equal);
    tcase_add_test(core, test_kl_gauss);
    tcase_add_test(core, test_hellinger_gauss);
    tcase_add_test(core, test_pearson_gauss);
    tcase_add_test(core, test_neyman_gauss);
    tcase_add_test(core, test_jeffreys_tv_gauss);
    tcase_add_test(core, test_uniform_closed);
    tcase_add_test(core, test_self_divergence);
    tcase_add_test(core, test_mixture_reference);
    tcase_add_test(core, test_gan_identity);
    tcase_add_test(core, test_symmetry);
    tcase_add_test(core, test_dstar_points);
    tcase_add_test(core, test_value_dstar_identity);
    tcase_add_test(core, test_value_eval);
    tcase_add_test(core, test_2d_gauss);
    tcase_add_test(core, test_2d_gan_identity);
    tcase_add_test(core, test_2d_disjoint);
    suite_add_tcase(s, core);

    TCase *limits = tcase_create("limits");
    tcase_set_timeout(limits, 20);
    tcase_add_test(limits, test_integrand_extreme);
    tcase_add_test(limits, test_integrand_zero_density);
    tcase_add_test(limits, test_far_apart);
    tcase_add_test(limits, test_tail_infinities);
    tcase_add_test(limits, test_support_infinities);
    tcase_add_test(limits, test_disjoint_uniform);
    tcase_add_test(limits, test_2d_tails);
    tcase_add_test(limits, test_2d_supports);
    tcase_add_test(limits, test_2d_tv_tangent_slices);
    suite_add_tcase(s, limits);

    TCase *many = tcase_create("many");
    tcase_set_timeout(many, 60);
    tcase_add_test(many, test_eval_many_same);
    tcase_add_test(many, test_eval_many_full_cache);
    suite_add_tcase(s, many);

    TCase *errors = tcase_create("errors");
    tcase_add_test(errors, test_dimension_mismatch);
    tcase_add_test(errors, test_lookup_errors);
    tcase_add_test(errors, test_eval_many_errors);
    suite_add_tcase(s, errors);

    return s;
}
