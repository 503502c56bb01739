/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fit.c — the Gaussian closest to P in D_f: by quadrature and multimin, and
 * as an f-GAN (critic and generator trained on samples).
 *
 * Gradient of D_f(P||Q) in a parameter of Q (u = p/q):
 *   d/dtheta integral q f(p/q) = integral dq/dtheta (f(u) - u f'(u)),
 * and f(u) - u f'(u) = -f*(f'(u)) (Fenchel-Young with equality), so the
 * integrand is -dq/dtheta f*(T*) (q f*(T*) is gl_fconj_qstar); for q = N(mu, sigma),
 * dq/dmu = q z/sigma and dq/dlog(sigma) = q (z^2 - 1), z = (x - mu)/sigma. */
#include "fit.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_multimin.h>

#include "noise.h"

typedef struct {
    const gl_fdiv *f;
    const gl_fconj *c;
    const gl_mix *P;
    gl_mix *Q;
    double mu, sigma;
    int which; /* 0: d/dmu, 1: d/dlog sigma */
    int status; /* GL_ENOMEM from the minimisers' allocation */
    gl_quad_workspace *ws; /* every quadrature of the fit */
} fit_ctx;

/* The context of one fit: Q = N(mu, sigma), re-pointed as the fit moves, and
 * the quadrature workspace of all its integrals. */
static int ctx_open(fit_ctx *k, const gl_fdiv *f, const gl_mix *P, double mu, double sigma,
                    gl_err *err)
{
    memset(k, 0, sizeof *k);
    k->f = f;
    k->c = gl_fconj_get(f->id);
    k->P = P;
    k->mu = mu;
    k->sigma = sigma;
    int s = gl_mix_parse("N(0,1)", &k->Q, err);
    if (!s && (s = gl_quad_workspace_alloc(&k->ws, err))) {
        gl_mix_free(k->Q);
        k->Q = NULL;
    }
    return s;
}

static void ctx_close(fit_ctx *k)
{
    gl_mix_free(k->Q);
    gl_quad_workspace_free(k->ws);
}

static double grad_h(const double *x, double lp, double lq, void *params)
{
    const fit_ctx *k = params;
    if (lq == -INFINITY)
        return 0.0;
    double z = (x[0] - k->mu) / k->sigma;
    double w = k->which == 0 ? z / k->sigma : z * z - 1;
    return -w * gl_fconj_qstar(k->c, lp, lq);
}

/* the gradient, NaN where D_f is infinite (no gradient to speak of) */
static int grad_at(fit_ctx *k, double mu, double sigma, double g[2], gl_err *err)
{
    int inf = 0, s;
    gl_mix_set_gauss(k->Q, mu, sigma);
    k->mu = mu;
    k->sigma = sigma;
    if ((s = gl_fdiv_infinite(k->f, k->P, k->Q, &inf, err)))
        return s;
    for (int j = 0; j < 2; j++) {
        double ae;
        k->which = j;
        if (inf)
            g[j] = NAN;
        else if ((s = gl_fdiv_integrate(k->P, k->Q, grad_h, NULL, k, k->ws, &g[j], &ae, err)))
            return gl_err_prefix(err, "gradient");
    }
    return GL_OK;
}

/* D_f at (mu, sigma); a quadrature failure at a trial point of the search is
 * +inf there (the search moves elsewhere); the result is re-evaluated */
static double value_at(fit_ctx *k, double mu, double sigma)
{
    double v, ae;
    gl_err e;
    gl_mix_set_gauss(k->Q, mu, sigma);
    return gl_fdiv_eval(k->f, k->P, k->Q, k->ws, &v, &ae, &e) ? INFINITY : v;
}

/* ---- GSL multimin adaptors over theta = (mu, log sigma) ---- */
/* (mu, log sigma) within the supported range of specs (mix.h), where D_f's
 * quadrature is exact; the search treats the rest as D_f = inf */
static int in_range(double mu, double ls)
{
    double sd = exp(ls);
    return fabs(mu) <= GL_MIX_LOC_MAX && sd >= GL_MIX_SCALE_MIN && sd <= GL_MIX_SCALE_MAX &&
           sd >= GL_MIX_REL_MIN * fabs(mu);
}

static double mm_f(const gsl_vector *th, void *p)
{
    double mu = gsl_vector_get(th, 0), ls = gsl_vector_get(th, 1);
    if (!in_range(mu, ls))
        return INFINITY;
    return value_at(p, mu, exp(ls));
}

static void mm_df(const gsl_vector *th, void *p, gsl_vector *g)
{
    fit_ctx *k = p;
    double gg[2] = {NAN, NAN}, ls = gsl_vector_get(th, 1);
    gl_err e;
    if (in_range(gsl_vector_get(th, 0), ls))
        grad_at(k, gsl_vector_get(th, 0), exp(ls), gg, &e);
    gsl_vector_set(g, 0, gg[0]);
    gsl_vector_set(g, 1, gg[1]);
}

static void mm_fdf(const gsl_vector *th, void *p, double *f, gsl_vector *g)
{
    *f = mm_f(th, p);
    mm_df(th, p, g);
}

/* one start: simplex on values, then BFGS on gradients; x in/out */
static void run_start(fit_ctx *k, double x[2], double *value)
{
    gsl_vector *v = gsl_vector_alloc(2), *step = gsl_vector_alloc(2);
    gsl_multimin_fminimizer *nm = gsl_multimin_fminimizer_alloc(gsl_multimin_fminimizer_nmsimplex2, 2);
    gsl_multimin_fdfminimizer *bf = gsl_multimin_fdfminimizer_alloc(gsl_multimin_fdfminimizer_vector_bfgs2, 2);
    *value = INFINITY;
    if (!v || !step || !nm || !bf) {
        k->status = GL_ENOMEM;
        goto done;
    }
    gsl_multimin_function F = {mm_f, 2, k};
    gsl_vector_set(v, 0, x[0]);
    gsl_vector_set(v, 1, x[1]);
    /* the first simplex inside the supported range (GSL refuses a start
     * with an infinite vertex): step down where up would leave it */
    double s0 = 0.3 * exp(x[1]), s1 = 0.3;
    if (!in_range(x[0] + s0, x[1]))
        s0 = -s0;
    if (!in_range(x[0], x[1] + s1))
        s1 = -s1;
    gsl_vector_set(step, 0, s0);
    gsl_vector_set(step, 1, s1);
    if (gsl_multimin_fminimizer_set(nm, &F, v, step) == GSL_SUCCESS) {
        for (int it = 0; it < 1000; it++) {
            if (gsl_multimin_fminimizer_iterate(nm))
                break;
            if (gsl_multimin_test_size(gsl_multimin_fminimizer_size(nm), 1e-7) == GSL_SUCCESS)
                break;
        }
        x[0] = gsl_vector_get(nm->x, 0);
        x[1] = gsl_vector_get(nm->x, 1);
        *value = nm->fval;
    }
    if (!isfinite(*value))
        goto done;
    gsl_multimin_function_fdf G = {mm_f, mm_df, mm_fdf, 2, k};
    gsl_vector_set(v, 0, x[0]);
    gsl_vector_set(v, 1, x[1]);
    if (gsl_multimin_fdfminimizer_set(bf, &G, v, 1e-3, 0.1) == GSL_SUCCESS) {
        for (int it = 0; it < 200; it++) {
            int st = gsl_multimin_fdfminimizer_iterate(bf);
            if (!(bf->f <= *value)) /* a failed line search can leave a worse point */
                break;
            x[0] = gsl_vector_get(bf->x, 0);
            x[1] = gsl_vector_get(bf->x, 1);
            *value = bf->f;
            if (st || gsl_multimin_test_gradient(bf->gradient, 1e-12) == GSL_SUCCESS)
                break;
        }
    }
done:
    gsl_multimin_fdfminimizer_free(bf);
    gsl_multimin_fminimizer_free(nm);
    gsl_vector_free(v);
    gsl_vector_free(step);
}

/* Newton on the gradient (Hessian by central differences of it): near the
 * minimum D_f's values differ by less than their rounding and BFGS's line
 * search stalls, while the gradient still points the way. A step is taken
 * only if it shrinks the gradient and does not raise D_f beyond rounding. */
static void polish(fit_ctx *k, double x[2], double *value)
{
    gl_err e;
    double g[2];
    if (grad_at(k, x[0], exp(x[1]), g, &e) || !isfinite(g[0]) || !isfinite(g[1]))
        return;
    for (int it = 0; it < 8; it++) {
        double gn = fmax(fabs(g[0]), fabs(g[1])), H[2][2];
        if (gn < 1e-13)
            return;
        for (int j = 0; j < 2; j++) {
            /* differences of 1e-4 in log sigma and 1e-4 sigma in mu */
            double gp[2], gm[2], xp[2] = {x[0], x[1]}, xm[2] = {x[0], x[1]};
            double h = j == 0 ? 1e-4 * exp(x[1]) : 1e-4;
            xp[j] += h, xm[j] -= h;
            if (grad_at(k, xp[0], exp(xp[1]), gp, &e) || grad_at(k, xm[0], exp(xm[1]), gm, &e))
                return;
            H[0][j] = (gp[0] - gm[0]) / (2 * h);
            H[1][j] = (gp[1] - gm[1]) / (2 * h);
        }
        double det = H[0][0] * H[1][1] - H[0][1] * H[1][0];
        if (!(det > 0 && H[0][0] > 0))
            return; /* not a minimum's neighbourhood */
        double d0 = -(H[1][1] * g[0] - H[0][1] * g[1]) / det, d1 = -(H[0][0] * g[1] - H[1][0] * g[0]) / det;
        double xn[2] = {x[0] + d0, x[1] + d1}, gn2[2];
        if (!in_range(xn[0], xn[1]))
            return; /* the search space is the supported range */
        double vn = value_at(k, xn[0], exp(xn[1]));
        if (grad_at(k, xn[0], exp(xn[1]), gn2, &e) || !(fmax(fabs(gn2[0]), fabs(gn2[1])) < gn) ||
            !(vn <= *value + 1e-13 * fabs(*value) + 1e-15))
            return;
        x[0] = xn[0], x[1] = xn[1], *value = vn, g[0] = gn2[0], g[1] = gn2[1];
    }
}

int gl_fit_grad(const gl_fdiv *f, const gl_mix *P, double mu, double sigma, double grad[2],
                gl_err *err)
{
    if (!f || !P || !grad)
        return gl_err_set(err, GL_EINVAL, "gl_fit_grad: NULL argument");
    if (P->dim != 1)
        return gl_err_set(err, GL_EINVAL, "fit: P must be 1-D, got a %d-D mixture", P->dim);
    if (!(sigma > 0) || !isfinite(sigma) || !isfinite(mu))
        return gl_err_set(err, GL_EINVAL, "fit: need a finite mu and sigma > 0, got %g, %g", mu, sigma);
    fit_ctx k;
    int s = ctx_open(&k, f, P, mu, sigma, err);
    if (s)
        return s;
    s = grad_at(&k, mu, sigma, grad, err);
    ctx_close(&k);
    return s;
}

/* The result at x = (mu, log sigma): D_f by gl_fdiv_eval (value and error
 * as `ganlab div` gives them) and its gradient, for both fitters. */
/* x is at the edge of the supported range and D_f decreases out of it:
 * the minimiser lies outside, where the exact values are not promised */
static int outside(const double x[2], const double g[2])
{
    double hm = 1e-6 * fmax(1, fabs(x[0])), sd = exp(x[1]);
    return (fabs(g[0]) * sd > 1e-6 && !in_range(x[0] - copysign(hm, g[0]), x[1])) ||
           (fabs(g[1]) > 1e-6 && !in_range(x[0], x[1] - copysign(1e-6, g[1])));
}

static int finish(fit_ctx *k, const double *x, int start, gl_fit_result *res, gl_err *err)
{
    double ae;
    res->mu = x[0];
    res->sigma = exp(x[1]);
    res->start = start;
    gl_mix_set_gauss(k->Q, res->mu, res->sigma);
    int s = gl_fdiv_eval(k->f, k->P, k->Q, k->ws, &res->value, &ae, err);
    if (!s)
        s = grad_at(k, res->mu, res->sigma, res->grad, err);
    if (!s && outside(x, res->grad))
        s = gl_err_set(err, GL_ENOCONV, "the minimiser lies outside the supported range of "
                       "Gaussians (|mu| <= %g, sigma in [%g, %g], sigma >= %g |mu|): stopped at "
                       "mu %.6g, sigma %.6g", GL_MIX_LOC_MAX, GL_MIX_SCALE_MIN, GL_MIX_SCALE_MAX,
                       GL_MIX_REL_MIN, res->mu, res->sigma);
    return s;
}

/* an error message starts with the divergence's name */
static int name_error(const gl_fdiv *f, int s, gl_err *err)
{
    if (s && strncmp(err ? err->msg : "", f->name, strlen(f->name)) != 0)
        gl_err_prefix(err, f->name);
    return s;
}

int gl_fit_flow(const gl_fdiv *f, const gl_mix *P, double mu0, double sigma0, double h, double tol,
                size_t maxit, gl_fit_result *res, gl_err *err)
{
    if (!f || !P || !res)
        return gl_err_set(err, GL_EINVAL, "gl_fit_flow: NULL argument");
    if (P->dim != 1)
        return gl_err_set(err, GL_EINVAL, "fit: P must be 1-D, got a %d-D mixture", P->dim);
    if (!isfinite(mu0) || !(sigma0 > 0) || !isfinite(sigma0) || !(h > 0) || !(tol > 0))
        return gl_err_set(err, GL_EINVAL, "gl_fit_flow: need finite mu0, sigma0 > 0, h > 0, tol > 0");
    fit_ctx k;
    int s = ctx_open(&k, f, P, mu0, sigma0, err);
    if (s)
        return s;
    double x[2] = {mu0, log(sigma0)}, g[2] = {NAN, NAN};
    size_t it = 0;
    for (; it < maxit; it++) {
        if ((s = grad_at(&k, x[0], exp(x[1]), g, err)))
            break;
        if (!isfinite(g[0]) || !isfinite(g[1])) {
            s = gl_err_set(err, GL_ENOCONV, "gradient flow reached D_f = inf at (%g, %g)", x[0], exp(x[1]));
            break;
        }
        if (fmax(fabs(g[0]), fabs(g[1])) < tol)
            break;
        /* a step that raises D_f (or leaves its finite region) is halved */
        double v0 = value_at(&k, x[0], exp(x[1])), hh = h, xn[2];
        for (int b = 0; b < 40; b++, hh *= 0.5) {
            xn[0] = x[0] - hh * g[0];
            xn[1] = x[1] - hh * g[1];
            if (value_at(&k, xn[0], exp(xn[1])) <= v0)
                break;
        }
        x[0] = xn[0];
        x[1] = xn[1];
    }
    if (!s && it == maxit)
        s = gl_err_set(err, GL_ENOCONV, "gradient flow: |grad| = %g after %zu steps", fmax(fabs(g[0]), fabs(g[1])),
                       maxit);
    if (!s) {
        double v = value_at(&k, x[0], exp(x[1]));
        polish(&k, x, &v);
        s = finish(&k, x, 0, res, err);
    }
    ctx_close(&k);
    return name_error(f, s, err);
}

int gl_fit_gauss(const gl_fdiv *f, const gl_mix *P, const double *init, gl_fit_result *res,
                 gl_err *err)
{
    if (!f || !P || !res)
        return gl_err_set(err, GL_EINVAL, "gl_fit_gauss: NULL argument");
    if (P->dim != 1)
        return gl_err_set(err, GL_EINVAL, "fit: P must be 1-D, got a %d-D mixture", P->dim);
    if (init && (!isfinite(init[0]) || !(init[1] > 0) || !isfinite(init[1])))
        return gl_err_set(err, GL_EINVAL, "fit: --init needs a finite mu and sigma > 0, got %g, %g",
                          init[0], init[1]);
    fit_ctx k;
    int s = ctx_open(&k, f, P, 0, 1, err);
    if (s)
        return s;
    size_t nstart = init ? 1 : 1 + P->n;
    double best = INFINITY, bx[2] = {NAN, NAN};
    int bstart = -1;
    for (size_t j = 0; j < nstart && !k.status; j++) {
        double x[2], v;
        if (init) {
            x[0] = init[0], x[1] = log(init[1]);
        } else if (j == 0) {
            x[0] = gl_mix_mean(P, 0), x[1] = 0.5 * log(gl_mix_var(P, 0));
        } else {
            const gl_comp *c = &P->comp[j - 1];
            if (c->kind == GL_COMP_N)
                x[0] = c->mu[0], x[1] = log(c->sd[0]);
            else /* a uniform's mean and sd */
                x[0] = 0.5 * (c->lo[0] + c->hi[0]), x[1] = log((c->hi[0] - c->lo[0]) / sqrt(12.0));
        }
        if (!isfinite(value_at(&k, x[0], exp(x[1]))))
            continue;
        run_start(&k, x, &v);
        if (isfinite(v))
            polish(&k, x, &v);
        if (v < best)
            best = v, bx[0] = x[0], bx[1] = x[1], bstart = (int)j;
    }
    if (k.status) {
        s = gl_err_set(err, GL_ENOMEM, "out of memory");
    } else if (bstart < 0) {
        s = gl_err_set(err, GL_ENOCONV, "D_f is infinite at every start%s", init ? " (try another --init)" : "");
    } else {
        s = finish(&k, bx, bstart, res, err);
    }
    ctx_close(&k);
    return name_error(f, s, err);
}

/* ---------------- f-GAN ---------------- */

/* One critic step on xq[0..b) (P) and xq[b..2b) (Q): minimise
 * -(mean g(v_P) - mean f*(g(v_Q))); returns the minibatch bound. */
static double critic_step(const gl_fconj *c, gl_mlp *net, gl_optim *opt, const double *x, size_t b,
                          double *v, double *dv)
{
    double sp = 0, sq = 0, ib = 1.0 / (double)b;
    gl_mlp_forward(net, x, 2 * b, v);
    for (size_t i = 0; i < b; i++) {
        sp += c->g(v[i]);
        dv[i] = -c->dg(v[i]) * ib;
    }
    for (size_t i = b; i < 2 * b; i++) {
        sq += c->fstar_g(v[i]);
        dv[i] = c->dfstar_g(v[i]) * ib;
    }
    gl_mlp_zero_grad(net);
    gl_mlp_backward(net, dv, NULL, 1);
    gl_optim_step(opt, net->params, net->grads);
    return (sp - sq) * ib;
}

static int check_net(const gl_mlp *net, size_t need, gl_err *err)
{
    if (net->sizes[0] != 1 || net->sizes[net->nlayers] != 1)
        return gl_err_set(err, GL_EINVAL, "f-GAN critic must be 1 -> 1, got %zu -> %zu", net->sizes[0],
                          net->sizes[net->nlayers]);
    if (net->maxbatch < need)
        return gl_err_set(err, GL_EINVAL, "f-GAN critic: maxbatch %zu < %zu", net->maxbatch, need);
    return GL_OK;
}

int gl_fit_critic_train(const gl_fconj *c, gl_mlp *net, gl_optim *opt, const gl_mix *P,
                         const gl_mix *Q, const gsl_rng *r, const gl_train_d_cfg *cfg,
                         double *last, gl_err *err)
{
    if (!c || !net || !opt || !P || !Q || !r || !cfg || cfg->batch == 0)
        return gl_err_set(err, GL_EINVAL, "gl_fit_critic_train: NULL argument or batch 0");
    size_t batch = cfg->batch, steps = cfg->steps;
    int s = check_net(net, 2 * batch, err);
    if (!s && (!(cfg->lr > 0) || !isfinite(cfg->lr)))
        s = gl_err_set(err, GL_EINVAL, "f-GAN critic: learning rate %g must be finite and > 0", cfg->lr);
    if (!s)
        s = gl_sched_check(&cfg->sched, err);
    if (s)
        return s;
    double *buf = malloc(6 * batch * sizeof *buf);
    if (!buf)
        return gl_err_set(err, GL_ENOMEM, "out of memory");
    double *x = buf, *v = buf + 2 * batch, *dv = buf + 4 * batch, b = NAN;
    for (size_t it = 0; it < steps; it++) {
        gl_mix_sample(P, r, batch, x);
        gl_mix_sample(Q, r, batch, x + batch);
        opt->lr = cfg->lr * gl_sched_factor(&cfg->sched, it, steps);
        b = critic_step(c, net, opt, x, batch, v, dv);
        if (cfg->hook && cfg->log_every && (it + 1) % cfg->log_every == 0 &&
            cfg->hook(cfg->hook_ctx, it + 1, b))
            break;
    }
    free(buf);
    if (last)
        *last = b;
    if (!isfinite(b) && steps > 0)
        return gl_err_set(err, GL_EDIVERGE, "f-GAN critic: the bound became %g", b);
    return GL_OK;
}

int gl_fit_critic_bound(const gl_fconj *c, gl_mlp *net, const gl_mix *P, const gl_mix *Q,
                         const gsl_rng *r, size_t n, double *est, double *se, gl_err *err)
{
    if (!c || !net || !P || !Q || !r || n < 2)
        return gl_err_set(err, GL_EINVAL, "gl_fit_critic_bound: NULL argument or n < 2");
    int s = check_net(net, 1, err);
    if (s)
        return s;
    size_t m = net->maxbatch;
    double *buf = malloc(2 * m * sizeof *buf);
    if (!buf)
        return gl_err_set(err, GL_ENOMEM, "out of memory");
    double *x = buf, *v = buf + m, mom[2][2] = {{0, 0}, {0, 0}}, shift[2] = {NAN, NAN};
    for (int side = 0; side < 2; side++) {
        for (size_t done = 0; done < n; done += m) {
            size_t k = n - done < m ? n - done : m;
            gl_mix_sample(side ? Q : P, r, k, x);
            gl_mlp_forward(net, x, k, v);
            for (size_t i = 0; i < k; i++) {
                double t = side ? c->fstar_g(v[i]) : c->g(v[i]);
                if (isnan(shift[side]))
                    shift[side] = t; /* shifted sums: no cancellation in the variance */
                mom[side][0] += t - shift[side];
                mom[side][1] += (t - shift[side]) * (t - shift[side]);
            }
        }
    }
    free(buf);
    double dn = (double)n, var[2];
    for (int side = 0; side < 2; side++) {
        double mean = mom[side][0] / dn;
        var[side] = (mom[side][1] - dn * mean * mean) / (dn - 1);
        mom[side][0] = shift[side] + mean;
    }
    *est = mom[0][0] - mom[1][0];
    *se = sqrt(fmax(0, var[0]) / dn + fmax(0, var[1]) / dn);
    if (!isfinite(*est))
        return gl_err_set(err, GL_EDIVERGE, "f-GAN bound estimate is %g", *est);
    return GL_OK;
}

double gl_fit_critic_t(const double *x, double lp, double lq, void *params)
{
    (void)lp, (void)lq;
    const gl_fit_critic *k = params;
    double v;
    gl_mlp_forward(k->net, x, 1, &v);
    return k->c->g(v);
}

gl_fit_fgan_cfg gl_fit_fgan_cfg_default(void)
{
    gl_fit_fgan_cfg c;
    memset(&c, 0, sizeof c);
    c.steps = 4000;
    c.dsteps = 8;
    c.batch = 256;
    c.avg_from = 0;
    c.lr_critic = 2e-3;
    c.lr_gen = 2e-3;
    c.sched = gl_sched_default();
    return c;
}

int gl_fit_fgan_loop(const gl_fit_critic_ops *c, const gl_mix *P, gl_optim *og, const gl_fit_fgan_cfg *cfg,
                     const gsl_rng *r, double theta[2], double avg[2], double *trace, gl_err *err)
{
    if (!(cfg->lr_critic > 0) || !isfinite(cfg->lr_critic) || !(cfg->lr_gen > 0) || !isfinite(cfg->lr_gen))
        return gl_err_set(err, GL_EINVAL, "f-GAN: learning rates %g, %g must be finite and > 0", cfg->lr_critic,
                          cfg->lr_gen);
    int s = gl_sched_check(&cfg->sched, err);
    if (s)
        return s;
    size_t b = cfg->batch, navg = 0;
    double *x = malloc(4 * b * sizeof *x), sum[2] = {0, 0}, grad[2];
    if (!x)
        return gl_err_set(err, GL_ENOMEM, "out of memory");
    double *z = x + 2 * b, *dx = x + 3 * b;
    for (size_t it = 0; it < cfg->steps && !s; it++) {
        double sigma = exp(theta[1]), f = gl_sched_factor(&cfg->sched, it, cfg->steps);
        c->opt->lr = cfg->lr_critic * f;
        og->lr = cfg->lr_gen * f;
        for (size_t k = 0; k < cfg->dsteps; k++) {
            gl_mix_sample(P, r, b, x);
            gl_noise_sample(GL_NOISE_NORMAL, r, b, x + b);
            for (size_t i = 0; i < b; i++)
                x[b + i] = theta[0] + sigma * x[b + i];
            double bound = c->step(c->ctx, x, b);
            if (!isfinite(bound))
                s = gl_err_set(err, GL_EDIVERGE, "f-GAN: the critic's bound became %g at step %zu", bound, it);
        }
        /* generator: L_G = -mean f*(g(V(x_j))), x_j = mu + sigma z_j */
        gl_noise_sample(GL_NOISE_NORMAL, r, b, z);
        for (size_t i = 0; i < b; i++)
            x[i] = theta[0] + sigma * z[i];
        c->dx(c->ctx, x, b, dx);
        grad[0] = grad[1] = 0;
        for (size_t i = 0; i < b; i++) {
            grad[0] += dx[i];
            grad[1] += dx[i] * sigma * z[i];
        }
        gl_optim_step(og, theta, grad);
        if (!isfinite(theta[0]) || !isfinite(theta[1]))
            s = gl_err_set(err, GL_EDIVERGE, "f-GAN: the generator diverged at step %zu", it);
        if (trace) {
            trace[2 * it] = theta[0];
            trace[2 * it + 1] = theta[1];
        }
        if (it >= cfg->avg_from) {
            sum[0] += theta[0];
            sum[1] += theta[1];
            navg++;
        }
    }
    free(x);
    avg[0] = navg ? sum[0] / (double)navg : theta[0];
    avg[1] = navg ? sum[1] / (double)navg : theta[1];
    return s;
}

/* the network critic as a gl_fit_critic_ops */
typedef struct {
    const gl_fconj *c;
    gl_mlp *net;
    gl_optim *opt;
    double *v, *dv; /* 2b each */
} net_critic;

static double net_step(void *ctx, const double *x, size_t b)
{
    net_critic *k = ctx;
    return critic_step(k->c, k->net, k->opt, x, b, k->v, k->dv);
}

static void net_dx(void *ctx, const double *x, size_t b, double *dx)
{
    net_critic *k = ctx;
    double ib = 1.0 / (double)b;
    gl_mlp_forward(k->net, x, b, k->v);
    for (size_t i = 0; i < b; i++)
        k->dv[i] = -k->c->dfstar_g(k->v[i]) * ib;
    gl_mlp_backward(k->net, k->dv, dx, 0);
}

int gl_fit_fgan(const gl_fconj *c, const gl_mix *P, gl_mlp *net, gl_optim *oc, gl_optim *og,
                const gl_fit_fgan_cfg *cfg, const gsl_rng *r, double theta[2], double avg[2],
                double *trace, gl_err *err)
{
    if (!c || !P || !net || !oc || !og || !cfg || !r || !theta || !avg || cfg->batch == 0)
        return gl_err_set(err, GL_EINVAL, "gl_fit_fgan: NULL argument or batch 0");
    if (P->dim != 1 || og->n != 2)
        return gl_err_set(err, GL_EINVAL, "gl_fit_fgan: P must be 1-D and og must have n = 2");
    size_t b = cfg->batch;
    int s = check_net(net, 2 * b, err);
    if (s)
        return s;
    double *buf = malloc(4 * b * sizeof *buf);
    if (!buf)
        return gl_err_set(err, GL_ENOMEM, "out of memory");
    net_critic k = {.c = c, .net = net, .opt = oc, .v = buf, .dv = buf + 2 * b};
    gl_fit_critic_ops ops = {.step = net_step, .dx = net_dx, .ctx = &k, .opt = oc};
    s = gl_fit_fgan_loop(&ops, P, og, cfg, r, theta, avg, trace, err);
    free(buf);
    return s;
}
