/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fconj.c — conjugates, output activations, T* and the variational bound.
 *
 * Derivations (u = p/q, d = log u; f'(u) is the T* column, (f*)' its inverse):
 *   kl        f' = log u + 1            T* = 1 + d          (f*)'(t) = e^(t-1)
 *   rkl       f' = -1/u                 T* = -e^-d          (f*)'(t) = -1/t
 *   pearson   f' = 2(u-1)               T* = 2 expm1(d)     (f*)'(t) = 1 + t/2
 *   neyman    f' = 1 - 1/u^2            T* = -expm1(-2d)    (f*)'(t) = (1-t)^-1/2
 *   hellinger f' = 1 - u^-1/2           T* = -expm1(-d/2)   (f*)'(t) = (1-t)^-2
 *   jeffreys  f' = log u + 1 - 1/u      T* = d - expm1(-d)  (f*)'(t) = 1/W(e^(1-t))
 *   js        f' = log(2u/(u+1))/2      T* = (log 2 - softplus(-d))/2
 *                                                          (f*)'(t) = e^2t/(2 - e^2t)
 *   gan       f' = log(u/(u+1))         T* = -softplus(-d)  (f*)'(t) = 1/expm1(-t)
 *   tv        f' = sign(u-1)/2          T* = sign(d)/2      (f*)'(t) = 1
 * Jeffreys: with w = W(e^(1-t)), w + log w = 1 - t, so f*(t) = w + 1/w + t - 2
 * = 1/w - log w - 1, which has no cancellation when t -> -inf (w ~ -t there).
 * The compositions f*(g(v)) (Nowozin et al.'s Table 2 last column):
 *   kl e^(v-1); rkl v - 1; pearson v^2/4 + v; neyman 2 - 2e^(-v/2) = -2 expm1(-v/2);
 *   hellinger e^v - 1; jeffreys f*(v); js (softplus(v) - log 2)/2; gan softplus(v);
 *   tv tanh(v)/2. */
#include "fconj.h"

#include <math.h>
#include <string.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_min.h>
#include <gsl/gsl_sf_lambert.h>

#include "num.h"

#define LOG2 0.69314718055994530942

double gl_fconj_lambert_w0_exp(double a)
{
    if (a < -40) { /* W(x) = x - x^2 + O(x^3); GSL returns 0 for x below ~1e-100 */
        double x = exp(a);
        return x * (1 - x);
    }
    if (a < 700)
        return gsl_sf_lambert_W0(exp(a));
    if (a == INFINITY)
        return INFINITY;
    /* w + log w = a, w ~ a - log a; Newton converges in a few steps from there */
    double w = a - log(a);
    for (int i = 0; i < 50; i++) {
        double dw = (w + log(w) - a) / (1 + 1 / w);
        w -= dw;
        if (fabs(dw) <= 4e-16 * w)
            break;
    }
    return w;
}

/* ---- kl ---- */
static double kl_fs(double t) { return exp(t - 1); }
static double kl_g(double v) { return v; }
static double one(double v) { (void)v; return 1.0; }
static double ident(double t) { return t; }
static double kl_df(double u) { return log(u) + 1; }
static double kl_ts(double d) { return 1 + d; }

/* ---- rkl ---- */
static double rkl_fs(double t) { return t < 0 ? -1 - log(-t) : INFINITY; }
static double rkl_dfs(double t) { return t < 0 ? -1 / t : NAN; }
static double rkl_g(double v) { return -exp(-v); }
static double exp_neg(double v) { return exp(-v); }
static double rkl_gi(double t) { return -log(-t); }
static double rkl_fsg(double v) { return v - 1; }
static double rkl_df(double u) { return -1 / u; }
static double rkl_ts(double d) { return -exp(-d); }

/* ---- pearson ---- */
static double pe_fs(double t) { return t * t / 4 + t; }
static double pe_dfs(double t) { return t / 2 + 1; }
static double pe_df(double u) { return 2 * (u - 1); }
static double pe_ts(double d) { return 2 * expm1(d); }

/* ---- neyman ---- */
static double ne_fs(double t) { return t < 1 ? 2 - 2 * sqrt(1 - t) : INFINITY; }
static double ne_dfs(double t) { return t < 1 ? 1 / sqrt(1 - t) : NAN; }
static double one_minus_exp_neg(double v) { return -expm1(-v); }
static double ne_gi(double t) { return -log1p(-t); }
static double ne_fsg(double v) { return -2 * expm1(-0.5 * v); }
static double ne_dfsg(double v) { return exp(-0.5 * v); }
static double ne_df(double u) { return 1 - 1 / (u * u); }
static double ne_ts(double d) { return -expm1(-2 * d); }

/* ---- hellinger ---- */
static double he_fs(double t) { return t < 1 ? t / (1 - t) : INFINITY; }
static double he_dfs(double t) { return t < 1 ? 1 / ((1 - t) * (1 - t)) : NAN; }
static double he_fsg(double v) { return expm1(v); }
static double he_df(double u) { return 1 - 1 / sqrt(u); }
static double he_ts(double d) { return -expm1(-0.5 * d); }

/* ---- jeffreys ---- */
static double je_fs(double t)
{
    double w = gl_fconj_lambert_w0_exp(1 - t);
    return 1 / w - log(w) - 1;
}
static double je_dfs(double t) { return 1 / gl_fconj_lambert_w0_exp(1 - t); }
static double je_df(double u) { return log(u) + 1 - 1 / u; }
static double je_ts(double d) { return d - expm1(-d); }

/* ---- js (fdiv's: JSD itself, half the paper's) ---- */
static double js_fs(double t)
{
    if (!(t < 0.5 * LOG2))
        return INFINITY;
    return -0.5 * (LOG2 + log1p(-0.5 * exp(2 * t)));
}
static double js_dfs(double t)
{
    if (!(t < 0.5 * LOG2))
        return NAN;
    double e = exp(2 * t);
    return e / (2 - e);
}
static double js_g(double v) { return 0.5 * (LOG2 - gl_num_softplus(-v)); }
static double js_dg(double v) { return 0.5 * gl_num_sigmoid(-v); }
static double js_gi(double t) { return -log(expm1(LOG2 - 2 * t)); }
static double js_fsg(double v) { return 0.5 * (gl_num_softplus(v) - LOG2); }
static double js_dfsg(double v) { return 0.5 * gl_num_sigmoid(v); }
static double js_df(double u) { return 0.5 * (LOG2 + log(u) - log1p(u)); }
static double js_ts(double d) { return 0.5 * (LOG2 - gl_num_softplus(-d)); }

/* ---- gan ---- */
static double gan_fs(double t) { return t < 0 ? -log(-expm1(t)) : INFINITY; }
static double gan_dfs(double t) { return t < 0 ? 1 / expm1(-t) : NAN; }
static double gan_g(double v) { return -gl_num_softplus(-v); }
static double gan_dg(double v) { return gl_num_sigmoid(-v); }
static double gan_gi(double t) { return -log(expm1(-t)); }
static double gan_fsg(double v) { return gl_num_softplus(v); }
static double gan_dfsg(double v) { return gl_num_sigmoid(v); }
static double gan_df(double u) { return log(u) - log1p(u); }
static double gan_ts(double d) { return -gl_num_softplus(-d); }

/* ---- tv ---- */
static double tv_fs(double t) { return fabs(t) <= 0.5 ? t : INFINITY; }
static double tv_dfs(double t) { return fabs(t) <= 0.5 ? 1.0 : NAN; }
static double tv_g(double v) { return 0.5 * tanh(v); }
static double tv_dg(double v) { double th = tanh(v); return 0.5 * (1 - th * th); }
static double tv_gi(double t) { return atanh(2 * t); }
static double tv_df(double u) { return u > 1 ? 0.5 : (u < 1 ? -0.5 : 0.0); }
static double tv_ts(double d) { return d > 0 ? 0.5 : (d < 0 ? -0.5 : 0.0); }

static const gl_fconj table[GL_F_COUNT] = {
    {GL_F_KL, "e^(t-1)", "v", -INFINITY, INFINITY, 0, 0, 1.0,
     kl_fs, kl_fs, kl_g, one, ident, kl_fs, kl_fs, kl_df, kl_ts},
    {GL_F_RKL, "-1 - log(-t)", "-e^(-v)", -INFINITY, 0, 0, 0, -1.0,
     rkl_fs, rkl_dfs, rkl_g, exp_neg, rkl_gi, rkl_fsg, one, rkl_df, rkl_ts},
    {GL_F_PEARSON, "t^2/4 + t", "v", -INFINITY, INFINITY, 0, 0, 0.0,
     pe_fs, pe_dfs, kl_g, one, ident, pe_fs, pe_dfs, pe_df, pe_ts},
    {GL_F_NEYMAN, "2 - 2 sqrt(1-t)", "1 - e^(-v)", -INFINITY, 1, 0, 0, 0.0,
     ne_fs, ne_dfs, one_minus_exp_neg, exp_neg, ne_gi, ne_fsg, ne_dfsg, ne_df, ne_ts},
    {GL_F_HELLINGER, "t/(1-t)", "1 - e^(-v)", -INFINITY, 1, 0, 0, 0.0,
     he_fs, he_dfs, one_minus_exp_neg, exp_neg, ne_gi, he_fsg, exp, he_df, he_ts},
    {GL_F_JEFFREYS, "W(e^(1-t)) + 1/W(e^(1-t)) + t - 2", "v", -INFINITY, INFINITY, 0, 0, 0.0,
     je_fs, je_dfs, kl_g, one, ident, je_fs, je_dfs, je_df, je_ts},
    {GL_F_JS, "-log(2 - e^(2t))/2", "(log 2 - softplus(-v))/2", -INFINITY, 0.5 * LOG2, 0, 0, 0.0,
     js_fs, js_dfs, js_g, js_dg, js_gi, js_fsg, js_dfsg, js_df, js_ts},
    {GL_F_GAN, "-log(1 - e^t)", "-softplus(-v)", -INFINITY, 0, 0, 0, -LOG2,
     gan_fs, gan_dfs, gan_g, gan_dg, gan_gi, gan_fsg, gan_dfsg, gan_df, gan_ts},
    {GL_F_TV, "t", "tanh(v)/2", -0.5, 0.5, 1, 1, 0.0,
     tv_fs, tv_dfs, tv_g, tv_dg, tv_gi, tv_g, tv_dg, tv_df, tv_ts},
};

const gl_fconj *gl_fconj_get(gl_f_id id)
{
    return (int)id >= 0 && id < GL_F_COUNT ? &table[id] : NULL;
}

int gl_fconj_in_domain(const gl_fconj *c, double t)
{
    if (isnan(t))
        return 0;
    int lo = c->lo_closed ? t >= c->dom_lo : t > c->dom_lo;
    int hi = c->hi_closed ? t <= c->dom_hi : t < c->dom_hi;
    return lo && hi;
}

double gl_fconj_tstar(const gl_fconj *c, double lp, double lq)
{
    if (lp == -INFINITY && lq == -INFINITY)
        return NAN;
    return c->tstar(lp - lq);
}

double gl_fconj_qstar(const gl_fconj *c, double lp, double lq)
{
    if (lp == -INFINITY && lq == -INFINITY)
        return NAN;
    if (lq == -INFINITY)
        return 0.0;
    double q = exp(lq), d = lp - lq;
    switch (c->id) {
    case GL_F_KL: return exp(lp);
    case GL_F_RKL: return q * (d - 1);
    case GL_F_PEARSON: return exp(2 * lp - lq) - q;
    case GL_F_NEYMAN: return 2 * q - 2 * exp(2 * lq - lp);
    case GL_F_HELLINGER: return exp(0.5 * (lp + lq)) - q;
    case GL_F_JEFFREYS: return q * d + exp(lp) - q;
    case GL_F_JS: return 0.5 * q * (gl_num_softplus(d) - LOG2);
    case GL_F_GAN: return q * gl_num_softplus(d);
    case GL_F_TV: return 0.5 * q * (d > 0 ? 1 : (d < 0 ? -1 : 0));
    default: return NAN;
    }
}

/* ---- Brent from a scan ----
 * xs[0..n) increasing, fv the objective there (to be minimised), best its
 * smallest interior entry. Brent needs a middle point strictly below both
 * ends: the scan point itself, or, when it ties with a neighbour (a peak
 * half-way between two scan points), the midpoint between them. *x, *f are
 * improved in place; returns a GSL status. */
static int brent_refine(gsl_function *F, const double *xs, const double *fv, size_t best, double *x,
                        double *f)
{
    double a = xs[best - 1], fa = fv[best - 1], m = xs[best], fm = fv[best], b = xs[best + 1], fb = fv[best + 1];
    if (!(fm < fa && fm < fb)) {
        int right = fb <= fa;
        double mid = 0.5 * (m + (right ? b : a)), fmid = GSL_FN_EVAL(F, mid);
        if (right)
            a = m, fa = fm;
        else
            b = m, fb = fm;
        m = mid, fm = fmid;
        if (!(fm < fa && fm < fb))
            return GSL_SUCCESS; /* flat at rounding level: the scan point stands */
    }
    gsl_min_fminimizer *mz = gsl_min_fminimizer_alloc(gsl_min_fminimizer_brent);
    if (!mz)
        return GSL_ENOMEM;
    int st = gsl_min_fminimizer_set_with_values(mz, F, m, fm, a, fa, b, fb);
    for (int it = 0; !st && it < 200; it++) {
        if ((st = gsl_min_fminimizer_iterate(mz)))
            break;
        if (gsl_min_test_interval(gsl_min_fminimizer_x_lower(mz), gsl_min_fminimizer_x_upper(mz), 0, 1e-12) ==
            GSL_SUCCESS)
            break;
    }
    if (!st && gsl_min_fminimizer_f_minimum(mz) <= *f) {
        *f = gsl_min_fminimizer_f_minimum(mz);
        *x = gsl_min_fminimizer_x_minimum(mz);
    }
    gsl_min_fminimizer_free(mz);
    return st;
}

/* ---- f** by a bracketing scan and Brent ---- */

typedef struct {
    const gl_fconj *c;
    double u;
} biconj_ctx;

/* -(u t - f*(t)), minimised */
static double neg_obj(double t, void *p)
{
    const biconj_ctx *b = p;
    return -(b->u * t - b->c->fstar(t));
}

#define SCAN_V 40.0
#define SCAN_N 321

int gl_fconj_biconj(const gl_fconj *c, double u, double *value, double *tmax, gl_err *err)
{
    if (!c || !value)
        return gl_err_set(err, GL_EINVAL, "gl_fconj_biconj: NULL argument");
    if (!(u >= 0) || !isfinite(u))
        return gl_err_set(err, GL_EINVAL, "gl_fconj_biconj: u must be finite and >= 0, got %g", u);
    biconj_ctx b = {c, u};
    /* scan t = g(v); g is increasing, so neighbouring scan points bracket;
     * a maximiser beyond the scan (pearson at large u: t = 2(u-1)) widens it */
    size_t best = 0;
    double fbest = INFINITY, ts[SCAN_N], fv[SCAN_N];
    for (double V = SCAN_V; V <= SCAN_V * 4096; V *= 8) {
        fbest = INFINITY, best = 0;
        for (size_t i = 0; i < SCAN_N; i++) {
            ts[i] = c->g(-V + 2 * V * (double)i / (SCAN_N - 1));
            fv[i] = neg_obj(ts[i], &b);
            if (isnan(fv[i]))
                fv[i] = INFINITY;
            if (fv[i] < fbest)
                fbest = fv[i], best = i;
        }
        if (best > 0 && best < SCAN_N - 1)
            break;
    }
    double tbest = ts[best];
    if (best > 0 && best < SCAN_N - 1) {
        gsl_function F = {neg_obj, &b};
        int st = brent_refine(&F, ts, fv, best, &tbest, &fbest);
        if (st)
            return gl_err_set(err, st == GSL_ENOMEM ? GL_ENOMEM : GL_ENOCONV, "f** at u = %g: Brent failed (%s)", u,
                              gsl_strerror(st));
    }
    /* a linear objective (tv) peaks at a closed end of the domain */
    if (c->lo_closed && neg_obj(c->dom_lo, &b) < fbest)
        fbest = neg_obj(c->dom_lo, &b), tbest = c->dom_lo;
    if (c->hi_closed && neg_obj(c->dom_hi, &b) < fbest)
        fbest = neg_obj(c->dom_hi, &b), tbest = c->dom_hi;
    *value = -fbest;
    if (tmax)
        *tmax = tbest;
    return GL_OK;
}

/* ---- f* by a scan over log u and Brent ---- */

typedef struct {
    gl_real_fn f;
    void *params;
    double t;
} conj_ctx;

/* -(t u - f(u)) at u = e^s */
static double neg_conj(double s, void *p)
{
    const conj_ctx *k = p;
    double u = exp(s);
    return -(k->t * u - k->f(u, k->params));
}

#define SCAN_S 40.0
#define SCAN_NS 401

int gl_fconj_numeric(gl_real_fn f, void *params, double t, double *value, double *umax, gl_err *err)
{
    if (!f || !value)
        return gl_err_set(err, GL_EINVAL, "gl_fconj_numeric: NULL argument");
    if (!isfinite(t))
        return gl_err_set(err, GL_EINVAL, "gl_fconj_numeric: t must be finite, got %g", t);
    conj_ctx k = {f, params, t};
    double ss[SCAN_NS], fv[SCAN_NS], fbest = INFINITY;
    size_t best = 0;
    for (size_t i = 0; i < SCAN_NS; i++) {
        ss[i] = -SCAN_S + 2 * SCAN_S * (double)i / (SCAN_NS - 1);
        fv[i] = neg_conj(ss[i], &k);
        if (isnan(fv[i]))
            fv[i] = INFINITY;
        if (fv[i] < fbest)
            fbest = fv[i], best = i;
    }
    double ubest = exp(ss[best]);
    if (best == SCAN_NS - 1) { /* still rising at u = e^40: unbounded */
        *value = INFINITY;
        if (umax)
            *umax = INFINITY;
        return GL_OK;
    }
    if (best > 0) {
        gsl_function F = {neg_conj, &k};
        double sb = ss[best];
        int st = brent_refine(&F, ss, fv, best, &sb, &fbest);
        if (st)
            return gl_err_set(err, st == GSL_ENOMEM ? GL_ENOMEM : GL_ENOCONV, "f*(%g): Brent failed (%s)", t,
                              gsl_strerror(st));
        ubest = exp(sb);
    }
    /* the sup may sit at u = 0 (f* flat there: rkl-like f(0) = inf never does) */
    double at0 = -f(1e-300, params);
    if (at0 > -fbest)
        fbest = -at0, ubest = 0;
    *value = -fbest;
    if (umax)
        *umax = ubest;
    return GL_OK;
}

/* ---- the bound by quadrature ---- */

typedef struct {
    const gl_fconj *c;
    gl_critic_fn T;
    void *params;
    double lim;
    int dim;
} bound_ctx;

static int outside(const bound_ctx *b, const double *x)
{
    return fabs(x[0]) > b->lim || (b->dim == 2 && fabs(x[1]) > b->lim);
}

/* p T - q f*(T); a term whose density is exactly 0 is 0 */
static double bound_h(const double *x, double lp, double lq, void *params)
{
    const bound_ctx *b = params;
    if (outside(b, x))
        return 0.0;
    double t = b->T(x, lp, lq, b->params);
    return (lp == -INFINITY ? 0.0 : exp(lp) * t) - (lq == -INFINITY ? 0.0 : exp(lq) * b->c->fstar(t));
}

static double bound_split(const double *x, double lp, double lq, void *params)
{
    const bound_ctx *b = params;
    if (outside(b, x))
        return 2.0;
    return lp == lq ? 0.0 : (lp > lq ? 1.0 : -1.0);
}

int gl_fconj_bound(const gl_fconj *c, const gl_mix *P, const gl_mix *Q, gl_critic_fn T,
                   void *params, double lim, gl_quad_workspace *ws, double *value, double *abserr,
                   gl_err *err)
{
    if (!c || !P || !Q || !T)
        return gl_err_set(err, GL_EINVAL, "gl_fconj_bound: NULL argument");
    if (!(lim > 0))
        return gl_err_set(err, GL_EINVAL, "gl_fconj_bound: lim must be > 0, got %g", lim);
    bound_ctx b = {c, T, params, lim, P->dim};
    return gl_fdiv_integrate(P, Q, bound_h, bound_split, &b, ws, value, abserr, err);
}

typedef struct {
    gl_real_fn f;
    void *params;
    double t;
} grid_ctx;

static double grid_obj(double u, void *v)
{
    const grid_ctx *c = v;
    return c->t * u - c->f(u, c->params);
}

int gl_fconj_numeric_grid(gl_real_fn f, void *params, double t, double umax, size_t n,
                          double *value, gl_err *err)
{
    if (!(umax > 0) || n < 2 || !isfinite(t))
        return gl_err_set(err, GL_EINVAL, "gl_fconj_numeric_grid: umax %g, n %zu, t %g", umax, n, t);
    double h = umax / (double)n, best = -INFINITY, ub = 0;
    for (size_t i = 0; i <= n; i++) {
        double u = h * (double)i, v = t * u - f(u, params);
        if (v > best)
            best = v, ub = u;
    }
    /* golden sections on [ub - h, ub + h] within [0, umax]: near its best
     * grid point the objective has one maximum when the grid resolves it */
    grid_ctx c = {f, params, t};
    *value = fmax(best, gl_num_golden_max(grid_obj, &c, fmax(0, ub - h), fmin(umax, ub + h)));
    if (!isfinite(*value))
        return gl_err_set(err, GL_ENOCONV, "gl_fconj_numeric_grid: f*(%g) is not finite", t);
    return GL_OK;
}
