/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test_fconj.c — tests for src/fconj.c (conjugates, g_f, T*, the bound).
 *
 * References: the closed forms of Nowozin et al. (2016, Table 2), written
 * here naively (jeffreys straight from the paper's W(e^(1-t)) + 1/W(e^(1-t))
 * + t - 2 with GSL's W0; js as f_paper*(2t)/2); the defining sup, checked
 * through f** = f (GSL Brent) and Fenchel-Young; derivatives against central
 * differences; the bound at T* against gl_fdiv_eval. */
#include <check.h>
#include <float.h>
#include <math.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sf_lambert.h>

#include "fconj.h"
#include "fdiv.h"
#include "mix.h"
#include "testutil.h"

static const double us[] = {1e-3, 0.05, 0.3, 0.7, 1.0, 1.3, 2.0, 5.0, 20.0, 200.0};
#define NU (sizeof us / sizeof us[0])

/* points inside dom f*: t = g(v) over a grid of v */
static double tgrid(const gl_fconj *c, int k) { return c->g(-6 + 0.25 * k); } /* k = 0..48 */

START_TEST(test_closed_forms)
{
    double ln2 = log(2.0);
    for (int k = 0; k <= 48; k++) {
        double t;
        t = -4 + k * 0.2;
        ASSERT_REL(gl_fconj_get(GL_F_KL)->fstar(t), exp(t - 1), 1e-15);
        ASSERT_REL(gl_fconj_get(GL_F_PEARSON)->fstar(t) + 2, t * t / 4 + t + 2, 1e-15);
        double w = gsl_sf_lambert_W0(exp(1 - t));
        ASSERT_ABS(gl_fconj_get(GL_F_JEFFREYS)->fstar(t), w + 1 / w + t - 2, 1e-13 * (1 + fabs(t)));
        t = -6 + k * 0.124; /* < 0 */
        ASSERT_REL(gl_fconj_get(GL_F_RKL)->fstar(t), -1 - log(-t), 1e-14);
        ASSERT_REL(gl_fconj_get(GL_F_GAN)->fstar(t), -log(1 - exp(t)), 1e-12);
        t = -6 + k * 0.1449; /* < 1 */
        ASSERT_REL(gl_fconj_get(GL_F_NEYMAN)->fstar(t) - 3, 2 - 2 * sqrt(1 - t) - 3, 1e-15);
        ASSERT_REL(gl_fconj_get(GL_F_HELLINGER)->fstar(t) - 2, t / (1 - t) - 2, 1e-15);
        t = -6 + k * 0.1314; /* < log(2)/2 = 0.3466 */
        ASSERT_REL(gl_fconj_get(GL_F_JS)->fstar(t), -0.5 * log(2 - exp(2 * t)), 1e-13);
        t = -0.5 + k / 48.0;
        ck_assert(gl_fconj_get(GL_F_TV)->fstar(t) == t);
    }
    /* f'(1): paper's Table 2 (kl 1, rkl -1, gan -log 2, others 0) and T*(d = 0) */
    ck_assert(gl_fconj_get(GL_F_KL)->df1 == 1 && gl_fconj_get(GL_F_RKL)->df1 == -1);
    ASSERT_ABS(gl_fconj_get(GL_F_GAN)->df1, -ln2, 1e-16);
    for (int id = 0; id < GL_F_COUNT; id++) {
        const gl_fconj *c = gl_fconj_get(id);
        ck_assert(c->id == (gl_f_id)id);
        ASSERT_ABS(c->tstar(0), c->df1, 1e-16);
        ASSERT_ABS(c->df(1), c->df1, 1e-16);
    }
    /* f*(0) = -min_u f(u): 0 where f'(1) = 0 (the minimum is f(1) = 0); kl's
     * minimum is -1/e at u = 1/e; rkl and gan have 0 outside dom f* */
    for (int id = 0; id < GL_F_COUNT; id++)
        if (gl_fconj_get(id)->df1 == 0)
            ASSERT_ABS(gl_fconj_get(id)->fstar(0), 0, 1e-15);
    ASSERT_REL(gl_fconj_get(GL_F_KL)->fstar(0), exp(-1.0), 1e-15);
    ck_assert(gl_fconj_get(GL_F_RKL)->fstar(0) == INFINITY && gl_fconj_get(GL_F_GAN)->fstar(0) == INFINITY);
    ASSERT_REL(gl_fconj_get(GL_F_GAN)->fstar(-1e-17), log(1e17), 1e-15);
}
END_TEST

START_TEST(test_biconjugate)
{
    gl_err e;
    for (int id = 0; id < GL_F_COUNT; id++) {
        const gl_fconj *c = gl_fconj_get(id);
        const gl_fdiv *f = gl_fdiv_get(id);
        for (size_t i = 0; i < NU; i++) {
            double v, tm;
            ck_assert_int_eq(gl_fconj_biconj(c, us[i], &v, &tm, &e), GL_OK);
            ck_assert_msg(fabs(v - f->f(us[i])) <= 1e-9 * (1 + fabs(f->f(us[i]))),
                          "%s: f**(%g) = %.17g, f = %.17g", f->name, us[i], v, f->f(us[i]));
            if (id != GL_F_TV) /* the maximiser is f'(u) */
                ASSERT_ABS(tm, c->df(us[i]), 1e-5 * (1 + fabs(c->df(us[i]))));
        }
    }
}
END_TEST

static double f_of(double u, void *p) { return ((const gl_fdiv *)p)->f(u); }

/* the closed forms against the definition sup_u {t u - f(u)} */
START_TEST(test_numeric_conjugate)
{
    gl_err e;
    for (int id = 0; id < GL_F_COUNT; id++) {
        const gl_fconj *c = gl_fconj_get(id);
        const gl_fdiv *f = gl_fdiv_get(id);
        for (int k = 4; k <= 44; k += 4) {
            double t = tgrid(c, k), v, um;
            if (id == GL_F_PEARSON && t < -2)
                continue; /* the whole-line conjugate: on u >= 0 the sup is -1 at u = 0 (fconj.h) */
            ck_assert_int_eq(gl_fconj_numeric(f_of, (void *)f, t, &v, &um, &e), GL_OK);
            ck_assert_msg(fabs(v - c->fstar(t)) <= 1e-9 * (1 + fabs(v)), "%s: f*(%g) numeric %.17g, closed %.17g",
                          f->name, t, v, c->fstar(t));
        }
        if (isfinite(c->dom_hi)) { /* beyond the domain the sup is unbounded */
            double v;
            ck_assert_int_eq(gl_fconj_numeric(f_of, (void *)f, c->dom_hi + 0.1, &v, NULL, &e), GL_OK);
            ck_assert(v == INFINITY);
        }
    }
    double v;
    ck_assert_int_eq(gl_fconj_numeric(f_of, (void *)gl_fdiv_get(GL_F_KL), NAN, &v, NULL, &e), GL_EINVAL);
}
END_TEST

static double well(double u, void *p)
{
    (void)p;
    return (u - 1) * (u - 1) * (u - 3) * (u - 3);
}

/* gl_fconj_numeric_grid: for convex f it agrees with the closed forms; for a
 * double well it finds the global maximum (f*(0) = 0 at both wells; at t = 1
 * the right well wins: a local search from the left one would not) */
START_TEST(test_numeric_grid)
{
    gl_err e;
    const gl_fdiv *f = gl_fdiv_get(GL_F_KL);
    const gl_fconj *c = gl_fconj_get(GL_F_KL);
    for (double t = -3; t <= 1.5; t += 0.5) {
        double v;
        ck_assert_int_eq(gl_fconj_numeric_grid(f_of, (void *)f, t, 20.0, 20000, &v, &e), GL_OK);
        ck_assert_msg(fabs(v - c->fstar(t)) <= 1e-10 * (1 + fabs(v)), "kl f*(%g): %.17g vs %.17g",
                      t, v, c->fstar(t));
    }
    double v0, v1, vl;
    ck_assert_int_eq(gl_fconj_numeric_grid(well, NULL, 0, 8, 8000, &v0, &e), GL_OK);
    ck_assert_double_eq_tol(v0, 0, 1e-14);
    ck_assert_int_eq(gl_fconj_numeric_grid(well, NULL, 1, 8, 8000, &v1, &e), GL_OK);
    ck_assert_int_eq(gl_fconj_numeric_grid(well, NULL, 1, 2, 2000, &vl, &e), GL_OK); /* left well only */
    ck_assert_msg(v1 > vl + 1.5, "right well %g, left %g", v1, vl); /* about 3 against 1 */
    ck_assert_int_eq(gl_fconj_numeric_grid(well, NULL, 1, 0, 10, &v1, &e), GL_EINVAL);
    ck_assert_int_eq(gl_fconj_numeric_grid(well, NULL, 1, 1, 1, &v1, &e), GL_EINVAL);
}
END_TEST

START_TEST(test_fenchel_young)
{
    for (int id = 0; id < GL_F_COUNT; id++) {
        const gl_fconj *c = gl_fconj_get(id);
        const gl_fdiv *f = gl_fdiv_get(id);
        size_t nstrict = 0;
        for (size_t i = 0; i < NU; i++) {
            double u = us[i];
            for (int k = 0; k <= 48; k++) {
                double t = tgrid(c, k), gap = f->f(u) + c->fstar(t) - u * t;
                double sc = fabs(f->f(u)) + fabs(c->fstar(t)) + fabs(u * t);
                ck_assert_msg(gap >= -1e-14 * sc, "%s: f(%g) + f*(%g) - ut = %g < 0", f->name, u, t, gap);
                nstrict += gap > 1e-6;
            }
            double t = c->df(u), gap = f->f(u) + c->fstar(t) - u * t;
            double sc = fabs(f->f(u)) + fabs(c->fstar(t)) + fabs(u * t);
            ck_assert_msg(fabs(gap) <= 1e-13 * sc + 1e-300, "%s: equality at t = f'(%g): gap %g", f->name, u, gap);
        }
        ck_assert(nstrict > NU * 10); /* not vacuous: most pairs are strictly above */
    }
}
END_TEST

/* central difference with step h, error O(h^2 f''') */
#define CD(fn, x, h) (((fn)((x) + (h)) - (fn)((x) - (h))) / (2 * (h)))

START_TEST(test_derivatives)
{
    for (int id = 0; id < GL_F_COUNT; id++) {
        const gl_fconj *c = gl_fconj_get(id);
        const gl_fdiv *f = gl_fdiv_get(id);
        for (int k = 1; k < 48; k++) {
            double v = -6 + 0.25 * k + 0.01, h = 1e-5;
            double t = c->g(v);
            if (id == GL_F_TV && fabs(t) > 0.49)
                continue; /* the domain ends at +-1/2 */
            double ht = 1e-6 * fmin(1, fabs(c->dom_hi - t));
            ASSERT_ABS(c->dfstar(t), CD(c->fstar, t, ht), 1e-6 * (1 + fabs(c->dfstar(t))));
            ASSERT_ABS(c->dg(v), CD(c->g, v, h), 1e-7 * (1 + fabs(c->dg(v))));
            ASSERT_ABS(c->dfstar_g(v), CD(c->fstar_g, v, h), 1e-7 * (1 + fabs(c->dfstar_g(v))));
            /* the stable composition is the composition; its derivative the chain rule */
            ASSERT_ABS(c->fstar_g(v), c->fstar(t), 1e-12 * (1 + fabs(c->fstar(t))));
            ASSERT_ABS(c->dfstar_g(v), c->dfstar(t) * c->dg(v), 1e-10 * (1 + fabs(c->dfstar_g(v))));
            /* (f*)' is the inverse of f': f'((f*)'(t)) = t */
            if (id != GL_F_TV)
                ASSERT_ABS(c->df(c->dfstar(t)), t, 1e-10 * (1 + fabs(t)));
        }
        for (size_t i = 0; i < NU; i++) {
            double u = us[i], h = 1e-6 * u;
            if (id == GL_F_TV && fabs(u - 1) < 1e-3)
                continue; /* the corner */
            ASSERT_ABS(c->df(u), CD(f->f, u, h), 1e-6 * (1 + fabs(c->df(u))));
            ASSERT_ABS(c->tstar(log(u)), c->df(u), 1e-12 * (1 + fabs(c->df(u))));
        }
    }
}
END_TEST

START_TEST(test_domains)
{
    for (int id = 0; id < GL_F_COUNT; id++) {
        const gl_fconj *c = gl_fconj_get(id);
        ck_assert(c->dom_lo < c->dom_hi);
        for (int k = -300; k <= 300; k++) {
            double v = k / 10.0, t = c->g(v);
            ck_assert_msg(gl_fconj_in_domain(c, t), "id %d: g(%g) = %g outside", id, v, t);
            ck_assert(isfinite(c->fstar(t)));
            ck_assert(c->dg(v) >= 0); /* g increasing */
            if (fabs(v) < (id == GL_F_TV ? 5 : 15)) /* beyond, g saturates (1 - e^-v, tanh round) */
                ASSERT_ABS(c->ginv(t), v, 1e-9 * (1 + fabs(v)));
        }
        if (isfinite(c->dom_hi)) {
            double out = c->dom_hi + (c->hi_closed ? 1e-9 : 0);
            ck_assert(!gl_fconj_in_domain(c, out));
            ck_assert(c->fstar(out) == INFINITY);
            ck_assert(isnan(c->dfstar(out)));
            ck_assert(c->fstar(c->dom_hi + 1) == INFINITY);
        }
        if (isfinite(c->dom_lo)) {
            ck_assert(!gl_fconj_in_domain(c, c->dom_lo - 1e-9));
            ck_assert(c->fstar(c->dom_lo - 1) == INFINITY);
        }
        ck_assert(!gl_fconj_in_domain(c, NAN));
    }
    /* the closed ends of tv belong to the domain */
    const gl_fconj *tv = gl_fconj_get(GL_F_TV);
    ck_assert(gl_fconj_in_domain(tv, 0.5) && gl_fconj_in_domain(tv, -0.5));
    ck_assert(gl_fconj_get(GL_F_COUNT) == NULL && gl_fconj_get((gl_f_id)-1) == NULL);
}
END_TEST

START_TEST(test_limits)
{
    /* W0(e^a): w + log w = a across GSL's range and the Newton range beyond */
    static const double as[] = {-700, -50, -1, -1e-3, 0, 0.5, 1, 10, 100, 699, 701, 1e3, 1e5, 1e8, 1e15};
    for (size_t i = 0; i < sizeof as / sizeof as[0]; i++) {
        double w = gl_fconj_lambert_w0_exp(as[i]);
        ck_assert(w > 0);
        ASSERT_ABS(w + log(w), as[i], 1e-14 * (fabs(as[i]) + 1));
    }
    ck_assert(gl_fconj_lambert_w0_exp(INFINITY) == INFINITY);
    /* jeffreys far out: f*(t) -> -1 - log(1-t) + O(1/t) as t -> -inf, no cancellation */
    const gl_fconj *je = gl_fconj_get(GL_F_JEFFREYS);
    for (double t = -1e3; t > -1e300; t *= 1e5) {
        /* log w = log a - log(a)/a + O((log a/a)^2), a = 1 - t; 1/w = O(1/a) */
        double a = 1 - t, la = log(a);
        ASSERT_ABS(je->fstar(t), -1 - la + la / a, 2 * (la / a) * (la / a) + 2 / a);
        ck_assert(je->fstar(t) < je->fstar(t / 1e5)); /* decreasing towards -inf */
    }
    /* T* at the ends: +-inf or the bounded limits */
    ck_assert(gl_fconj_tstar(gl_fconj_get(GL_F_KL), 0, -INFINITY) == INFINITY);
    ck_assert(gl_fconj_tstar(gl_fconj_get(GL_F_RKL), -INFINITY, 0) == -INFINITY);
    ck_assert(gl_fconj_tstar(gl_fconj_get(GL_F_RKL), 0, -INFINITY) == 0);
    ck_assert(gl_fconj_tstar(gl_fconj_get(GL_F_GAN), 0, -INFINITY) == 0);
    ASSERT_ABS(gl_fconj_tstar(gl_fconj_get(GL_F_JS), 0, -INFINITY), 0.5 * log(2.0), 1e-16);
    ck_assert(gl_fconj_tstar(gl_fconj_get(GL_F_HELLINGER), 0, -INFINITY) == 1);
    ck_assert(isnan(gl_fconj_tstar(gl_fconj_get(GL_F_KL), -INFINITY, -INFINITY)));
}
END_TEST

/* ---- the bound by quadrature ---- */

typedef struct {
    const gl_fconj *c;
    double a[4]; /* random T = g(a0 + a1 sin(a2 x + a3)) */
} tparams;

static double t_star(const double *x, double lp, double lq, void *p)
{
    (void)x;
    return gl_fconj_tstar(((tparams *)p)->c, lp, lq);
}

static double t_rand(const double *x, double lp, double lq, void *p)
{
    (void)lp, (void)lq;
    const tparams *t = p;
    return t->c->g(t->a[0] + t->a[1] * sin(t->a[2] * x[0] + t->a[3]));
}

START_TEST(test_bound)
{
    gl_mix *P = NULL, *Q = NULL;
    gl_err e;
    ck_assert_int_eq(gl_mix_parse("0.5*N(-1.5,0.8)+0.5*N(1.5,0.8)", &P, &e), GL_OK);
    ck_assert_int_eq(gl_mix_parse("N(0,1)", &Q, &e), GL_OK);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 7);
    for (int id = 0; id < GL_F_COUNT; id++) {
        const gl_fconj *c = gl_fconj_get(id);
        double d, de, b, be;
        ck_assert_int_eq(gl_fdiv_eval(gl_fdiv_get(id), P, Q, NULL, &d, &de, &e), GL_OK);
        ck_assert(isfinite(d));
        tparams tp = {c, {0, 0, 0, 0}};
        /* |x| <= 30: both densities > e^-700 there, and T* of rkl (-q/p) stays finite */
        int s = gl_fconj_bound(c, P, Q, t_star, &tp, 30, NULL, &b, &be, &e);
        ck_assert_msg(s == GL_OK, "%s: %s", gl_fdiv_get(id)->name, e.msg);
        ck_assert_msg(fabs(b - d) <= 1e-9 * (1 + fabs(d)), "%s: bound at T* %.17g, D_f %.17g",
                      gl_fdiv_get(id)->name, b, d);
        for (int k = 0; k < 8; k++) {
            tp.a[0] = 2 * gsl_rng_uniform(r) - 1;
            tp.a[1] = 2 * gsl_rng_uniform(r) - 1;
            tp.a[2] = 2 * gsl_rng_uniform(r);
            tp.a[3] = 6 * gsl_rng_uniform(r);
            ck_assert_int_eq(gl_fconj_bound(c, P, Q, t_rand, &tp, INFINITY, NULL, &b, &be, &e), GL_OK);
            ck_assert_msg(b <= d + 1e-10, "%s: random T gives %.17g > D_f %.17g", gl_fdiv_get(id)->name, b, d);
            ck_assert(b < d - 1e-6); /* a random T is far from T*: strictly below */
        }
    }
    gsl_rng_free(r);
    gl_mix_free(P);
    gl_mix_free(Q);
}
END_TEST

START_TEST(test_errors)
{
    gl_err e;
    double v;
    const gl_fconj *c = gl_fconj_get(GL_F_KL);
    ck_assert_int_eq(gl_fconj_biconj(c, -1, &v, NULL, &e), GL_EINVAL);
    ck_assert_int_eq(gl_fconj_biconj(c, NAN, &v, NULL, &e), GL_EINVAL);
    ck_assert_int_eq(gl_fconj_biconj(NULL, 1, &v, NULL, &e), GL_EINVAL);
    gl_mix *P = NULL;
    ck_assert_int_eq(gl_mix_parse("N(0,1)", &P, &e), GL_OK);
    ck_assert_int_eq(gl_fconj_bound(c, P, P, t_star, NULL, 0, NULL, &v, &v, &e), GL_EINVAL);
    ck_assert_int_eq(gl_fconj_bound(c, P, P, NULL, NULL, 1, NULL, &v, &v, &e), GL_EINVAL);
    gl_mix_free(P);
}
END_TEST

Suite *fconj_suite(void)
{
    Suite *s = suite_create("fconj");
    TCase *core = tcase_create("core"), *lim = tcase_create("limits"), *er = tcase_create("errors");
    tcase_add_test(core, test_closed_forms);
    tcase_add_test(core, test_numeric_grid);
    tcase_add_test(core, test_biconjugate);
    tcase_add_test(core, test_fenchel_young);
    tcase_add_test(core, test_numeric_conjugate);
    tcase_add_test(core, test_derivatives);
    tcase_add_test(core, test_bound);
    tcase_set_timeout(core, 60);
    tcase_add_test(lim, test_domains);
    tcase_add_test(lim, test_limits);
    tcase_add_test(er, test_errors);
    suite_add_tcase(s, core);
    suite_add_tcase(s, lim);
    suite_add_tcase(s, er);
    return s;
}
