/* SPDX-License-Identifier: GPL-3.0-or-later */
/* metrics.c — trained discriminators against D*. */
#include "metrics.h"

#include <math.h>
#include <gsl/gsl_cdf.h>
#include <stdint.h>
#include <stdlib.h>

#include "bn.h"
#include "num.h"
#include "quad.h"

double gl_metrics_mlp_logit(const double *x, void *net)
{
    double y;
    gl_mlp_forward(net, x, 1, &y);
    return y;
}

double gl_metrics_mlp_regime(const double *x, void *net)
{
    gl_mlp *m = net;
    if (m->act != GL_ACT_RELU && m->act != GL_ACT_LEAKY)
        return 0.0;
    double y;
    gl_mlp_forward(m, x, 1, &y);
    uint64_t h = GL_NUM_FNV_OFFSET; /* over the sign bits of the hidden units */
    for (size_t l = 1; l < m->nlayers; l++)
        for (size_t u = 0; u < m->sizes[l]; u++)
            h = gl_num_fnv1a(h, m->h[l][u] > 0);
    return (double)(h >> 14); /* < 2^50: room for l1_split's 4 r + 2, exactly */
}

double gl_metrics_dstar(double log_p, double log_g)
{
    return log_p == -INFINITY && log_g == -INFINITY ? NAN : gl_num_sigmoid(log_p - log_g);
}

double gl_metrics_mean_d(gl_mlp *D, const double *x, size_t n, double *a)
{
    double m = 0;
    gl_mlp_forward(D, x, n, a);
    for (size_t i = 0; i < n; i++)
        m += gl_num_sigmoid(a[i]) / (double)n;
    return m;
}

typedef struct {
    gl_logit_fn logit, regime;
    void *params;
} l1_ctx;

/* |sigmoid(a) - sigmoid(a*)| (p+g)/2, where a region with p = g = 0 adds 0 */
static double l1_h(const double *x, double lp, double lq, void *p)
{
    const l1_ctx *c = p;
    double lm = gl_num_logaddexp(lp, lq);
    if (lm == -INFINITY)
        return 0.0;
    double d = gl_num_sigmoid(c->logit(x, c->params)), ds = gl_num_sigmoid(lp - lq);
    return 0.5 * exp(lm) * fabs(d - ds);
}

/* |D - D*| has a corner where a(x) = log p - log g */
static double l1_split(const double *x, double lp, double lq, void *p)
{
    const l1_ctx *c = p;
    double t = c->logit(x, c->params) - (lp - lq);
    double r = c->regime ? c->regime(x, c->params) : 0.0;
    return 4 * r + (double)((t > 0) - (t < 0) + 1); /* exact: r < 2^50 */
}

int gl_metrics_d_l1(const gl_mix *P, const gl_mix *G, gl_logit_fn logit, gl_logit_fn regime,
                    void *params, gl_quad_workspace *ws, double *l1, double *abserr, gl_err *err)
{
    l1_ctx c = {logit, regime, params};
    int s = gl_fdiv_integrate(P, G, l1_h, l1_split, &c, ws, l1, abserr, err);
    /* a metric compared with tolerances of ~1e-2 needs 1e-4 relative, not the
     * 1e-12 the integrator aims at (|D - D*| has corners wherever the network
     * crosses D*): accept a round-off stop that still meets 1e-4 */
    if (s == GL_ENOCONV && isfinite(*l1) && *abserr <= 1e-4 * fabs(*l1) + 1e-12) {
        gl_err_clear(err);
        s = GL_OK;
    }
    return s;
}

void gl_metrics_d_max(const gl_mix *P, const gl_mix *G, const double *x, const double *d,
                      size_t n, double frac, double *maxerr, size_t *argmax, double *m_max)
{
    int dim = P->dim;
    double mmax = 0;
    for (size_t i = 0; i < n; i++) {
        double m = 0.5 * (gl_mix_pdf(P, x + i * dim) + gl_mix_pdf(G, x + i * dim));
        if (m > mmax)
            mmax = m;
    }
    double worst = 0;
    size_t at = 0;
    for (size_t i = 0; i < n; i++) {
        const double *xi = x + i * dim;
        double m = 0.5 * (gl_mix_pdf(P, xi) + gl_mix_pdf(G, xi));
        if (m < frac * mmax)
            continue;
        double e = fabs(d[i] - gl_fdiv_dstar(P, G, xi));
        if (e > worst) {
            worst = e;
            at = i;
        }
    }
    *maxerr = worst;
    *argmax = at;
    *m_max = mmax;
}

typedef struct {
    const gl_mix *P;
    gl_pushforward *pf;
    int tanh_out; /* p_g is that of tanh(u), pf the pushforward of u */
} pf_ctx;

/* log(1 - tanh^2 u) = 2 log(2 / (e^u + e^-u)), without overflow */
static double log_sech2(double u)
{
    double a = fabs(u);
    return 2.0 * (log(2.0) - a - log1p(exp(-2.0 * a)));
}

/* The js integrand at t: in x (t = x) against p_g = the pushforward's
 * density; for x = tanh(u) in u (t = u), where JSD is the same (tanh is a
 * bijection onto (-1, 1)): the data's density there is
 * p(tanh u) (1 - tanh^2 u), G's the pushforward's p_u(u) */
static double jsd_pf_h(double t, void *p)
{
    const pf_ctx *c = p;
    double x = c->tanh_out ? tanh(t) : t, lp = gl_mix_logpdf(c->P, &x);
    if (c->tanh_out)
        lp += log_sech2(t);
    return gl_fdiv_get(GL_F_JS)->integrand(lp, gl_pushforward_logpdf(c->pf, t));
}

/* log p_data has near-corners where its dominant component changes */
static double jsd_pf_split(double t, void *p)
{
    const pf_ctx *c = p;
    double x = c->tanh_out ? tanh(t) : t;
    return (double)gl_mix_top(c->P, &x);
}

/* P's mass outside (-1, 1), where a tanh G has no mass: there the js
 * integrand is p log 2 / 2 */
static double mass_outside1(const gl_mix *P)
{
    double m = 0;
    for (size_t j = 0; j < P->n; j++) {
        const gl_comp *c = &P->comp[j];
        if (c->kind == GL_COMP_N)
            m += c->w * (gsl_cdf_gaussian_P(-1.0 - c->mu[0], c->sd[0]) +
                         gsl_cdf_gaussian_Q(1.0 - c->mu[0], c->sd[0]));
        else
            m += c->w * (fmax(0.0, fmin(c->hi[0], -1.0) - c->lo[0]) +
                         fmax(0.0, c->hi[0] - fmax(c->lo[0], 1.0))) / (c->hi[0] - c->lo[0]);
    }
    return m;
}

static int jsd_pf(const gl_mix *P, gl_pushforward *pf, int tanh_out, gl_quad_workspace *ws,
                  double *jsd, double *abserr, gl_err *err);

static double pf_density(double u, void *p)
{
    return exp(gl_pushforward_logpdf(p, u));
}

/* The mass of p_g's atoms (a ReLU G constant on an interval of z): 1 minus
 * the integral of its density, on the pushforward's breakpoints (the kinks'
 * images among them). An atom of mass a where P has none adds a log 2 / 2 to
 * the JSD: there M = (P + Q)/2 has the atom a/2, so KL(Q || M) gains
 * a log(a / (a/2)) and KL(P || M) nothing. */
static int atom_mass(gl_pushforward *pf, gl_quad_workspace *ws, double *a, gl_err *err)
{
    size_t n = gl_pushforward_breakpoints(pf, NULL, 0);
    double *bp = gl_quad_workspace_points(ws, n, err), mass, ae;
    if (!bp)
        return GL_ENOMEM;
    gl_pushforward_breakpoints(pf, bp, n);
    int s = n >= 2 ? gl_quad_line(pf_density, pf, bp, n, ws, &mass, &ae, err)
                   : gl_err_set(err, GL_EINVAL, "fewer than 2 breakpoints");
    *a = fmax(0.0, 1.0 - mass);
    return s;
}

int gl_metrics_jsd_pf(const gl_mix *P, gl_pushforward *pf, gl_quad_workspace *ws, double *jsd,
                      double *abserr, gl_err *err)
{
    return jsd_pf(P, pf, 0, ws, jsd, abserr, err);
}

static int jsd_pf(const gl_mix *P, gl_pushforward *pf, int tanh_out, gl_quad_workspace *ws,
                  double *jsd, double *abserr, gl_err *err)
{
    if (!P || !pf)
        return gl_err_set(err, GL_EINVAL, "gl_metrics_jsd_pf: NULL argument");
    if (P->dim != 1)
        return gl_err_set(err, GL_EINVAL, "the exact JSD of a generator needs 1-D data, got %d-D",
                          P->dim);
    gl_quad_workspace *tmp;
    int s;
    if (!(ws = gl_quad_workspace_use(ws, &tmp, err)))
        return GL_ENOMEM;
    size_t mp = gl_mix_breakpoints_max(P), ng = gl_pushforward_breakpoints(pf, NULL, 0);
    double *bp = gl_quad_workspace_points(ws, mp + ng, err);
    if (!bp) {
        gl_quad_workspace_free(tmp);
        return GL_ENOMEM;
    }
    size_t np = gl_mix_breakpoints(P, 0, bp, mp), k = 0;
    for (size_t i = 0; tanh_out && i < np; i++) /* P's breakpoints in u */
        if (fabs(bp[i]) < 1)
            bp[k++] = atanh(bp[i]);
    np = tanh_out ? k : np;
    gl_pushforward_breakpoints(pf, bp + np, ng);
    size_t n = gl_num_sort_unique(bp, np + ng);
    pf_ctx c = {P, pf, tanh_out};
    s = n >= 2 ? gl_quad_line_split(jsd_pf_h, jsd_pf_split, &c, bp, n, ws, jsd, abserr, err)
               : gl_err_set(err, GL_EINVAL, "fewer than 2 breakpoints");
    if (tanh_out && isfinite(*jsd))
        *jsd += 0.5 * log(2.0) * mass_outside1(P);
    gl_quad_workspace_free(tmp);
    /* A JSD compared with tolerances of ~1e-2 (claims, logs) needs ~1e-5
     * relative, not the integrator's 1e-12: accept a round-off stop whose
     * error estimate meets that, and return the estimate with the value. A
     * trained generator with several folds stops there now and then (one
     * logged step in ~20 runs of 6000 steps stopped at 1.5e-6 relative). */
    if (s == GL_ENOCONV && isfinite(*jsd) && *abserr <= 1e-5 * fabs(*jsd) + 1e-12) {
        gl_err_clear(err);
        s = GL_OK;
    }
    return s;
}

struct gl_metrics_gen {
    gl_pushforward *pf, *fine;
    gl_quad_workspace *ws;
    gl_mlp *G, *plain; /* plain: G before its tanh output (gl_bn_fold), else NULL */
};

void gl_metrics_gen_free(gl_metrics_gen *m)
{
    if (!m)
        return;
    gl_pushforward_free(m->pf);
    gl_pushforward_free(m->fine);
    gl_quad_workspace_free(m->ws);
    gl_mlp_free(m->plain);
    free(m);
}

int gl_metrics_gen_alloc(gl_metrics_gen **out, gl_mlp *G, gl_noise noise, gl_err *err)
{
    gl_metrics_gen *m = calloc(1, sizeof *m);
    int s = m ? GL_OK : gl_err_set(err, GL_ENOMEM, "out of memory");
    gl_mlp *net = G;
    if (!s && G->outact != GL_ACT_LINEAR) { /* push u through, then x = tanh u */
        s = gl_mlp_alloc(&m->plain, G->nlayers, G->sizes, G->act, G->leak, 1, err);
        if (!s && !(s = gl_bn_fold(G, m->plain, err)))
            net = m->plain;
    }
    if (!s)
        m->G = G;
    if (!s && !(s = gl_pushforward_alloc(&m->pf, net, noise, GL_PUSHFORWARD_NGRID, err)) &&
        !(s = gl_pushforward_alloc(&m->fine, net, noise, 8 * GL_PUSHFORWARD_NGRID, err)))
        s = gl_quad_workspace_alloc(&m->ws, err);
    if (s) {
        gl_metrics_gen_free(m);
        m = NULL;
    }
    *out = m;
    return s;
}

gl_pushforward *gl_metrics_gen_pf(gl_metrics_gen *m)
{
    return m->pf;
}

gl_quad_workspace *gl_metrics_gen_ws(gl_metrics_gen *m)
{
    return m->ws;
}

int gl_metrics_gen_jsd(gl_metrics_gen *m, const gl_mix *P, double *jsd, double *abserr,
                       int *retried, gl_err *err)
{
    if (retried)
        *retried = 0;
    int s = m->plain ? gl_bn_fold(m->G, m->plain, err) : GL_OK, t = m->plain != NULL;
    gl_pushforward *pf = m->pf;
    if (s || (s = gl_pushforward_update(m->pf, err)))
        return s;
    if ((s = jsd_pf(P, m->pf, t, m->ws, jsd, abserr, err)) == GL_ENOCONV) {
        if (retried)
            *retried = 1;
        if ((s = gl_pushforward_update(m->fine, err)))
            return s;
        s = jsd_pf(P, pf = m->fine, t, m->ws, jsd, abserr, err);
    }
    double a = 0;
    if (!s && m->G->act == GL_ACT_RELU && !(s = atom_mass(pf, m->ws, &a, err)))
        *jsd += 0.5 * a * log(2.0);
    return s;
}

/* cell index of x, or ncells - 1 (the outside cell) */
static size_t cell_of(const double *x, int dim, const double *lo, const double *hi, size_t bins)
{
    size_t c = 0;
    for (int a = 0; a < dim; a++) {
        double u = (x[a] - lo[a]) / (hi[a] - lo[a]);
        if (!(u >= 0 && u < 1))
            return dim == 1 ? bins : bins * bins;
        c = c * bins + (size_t)(u * (double)bins);
    }
    return c;
}

int gl_metrics_jsd_hist(const double *xa, const double *xb, size_t n, int dim, const double *lo,
                        const double *hi, size_t bins, double *jsd, gl_err *err)
{
    if (!xa || !xb || !lo || !hi || !jsd)
        return gl_err_set(err, GL_EINVAL, "gl_metrics_jsd_hist: NULL argument");
    if (n == 0 || bins == 0 || (dim != 1 && dim != 2) || bins > 4096)
        return gl_err_set(err, GL_EINVAL, "gl_metrics_jsd_hist: need n >= 1, dim 1 or 2, bins 1..4096");
    for (int a = 0; a < dim; a++)
        if (!(hi[a] > lo[a]) || !isfinite(lo[a]) || !isfinite(hi[a]))
            return gl_err_set(err, GL_EINVAL, "gl_metrics_jsd_hist: empty box on axis %d", a);
    size_t ncells = (dim == 1 ? bins : bins * bins) + 1;
    size_t *cnt = calloc(2 * ncells, sizeof *cnt);
    if (!cnt)
        return gl_err_set(err, GL_ENOMEM, "out of memory for %zu cells", ncells);
    for (size_t i = 0; i < n; i++) {
        cnt[cell_of(xa + i * dim, dim, lo, hi, bins)]++;
        cnt[ncells + cell_of(xb + i * dim, dim, lo, hi, bins)]++;
    }
    /* JSD = 1/2 sum_c [a log(2a/(a+b)) + b log(2b/(a+b))], a, b cell fractions */
    double s = 0;
    for (size_t c = 0; c < ncells; c++) {
        double a = (double)cnt[c] / (double)n, b = (double)cnt[ncells + c] / (double)n;
        if (a > 0)
            s += a * log(2 * a / (a + b));
        if (b > 0)
            s += b * log(2 * b / (a + b));
    }
    free(cnt);
    *jsd = 0.5 * s;
    return GL_OK;
}
