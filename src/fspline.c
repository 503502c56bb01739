/* fspline.c — the f-divergence seen by a piecewise-linear critic, exactly,
 * and the f-GAN against such a critic (fspline.h). */
#include "fspline.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_integration.h>
#include <gsl/gsl_linalg.h>

#include "noise.h"
#include "num.h"
#include "quad.h"

#define GL_ORDER 32    /* Gauss-Legendre nodes per knot interval */
#define TAIL_LIMIT 200 /* subintervals of the tails' adaptive quadrature */
#define NQ 6           /* quantities of the critic's Newton step */

int gl_fspline_check(const gl_fspline *k, gl_err *err)
{
    if (!k)
        return gl_err_set(err, GL_EINVAL, "spline critic: NULL knots");
    if (k->m < 1 || k->m > GL_FSPLINE_MAXM)
        return gl_err_set(err, GL_EINVAL, "spline critic: %zu intervals, need 1..%d", k->m, GL_FSPLINE_MAXM);
    if (!isfinite(k->lo) || !isfinite(k->hi) || !(k->lo < k->hi))
        return gl_err_set(err, GL_EINVAL, "spline critic: knots from %g to %g, need finite lo < hi", k->lo, k->hi);
    return GL_OK;
}

/* the segment whose line gives V at x (the end segments continue beyond the
 * knots) and x's position s in it (0 at its left knot, 1 at its right) */
static size_t segment(const gl_fspline *k, double x, double *s)
{
    double u = (x - k->lo) / (k->hi - k->lo) * (double)k->m;
    size_t i = 0;
    if (u >= (double)k->m)
        i = k->m - 1;
    else if (u > 0)
        i = (size_t)u < k->m ? (size_t)u : k->m - 1;
    *s = u - (double)i;
    return i;
}

double gl_fspline_v(const gl_fspline *k, const double *w, double x, double *slope)
{
    double s;
    size_t i = segment(k, x, &s);
    if (slope)
        *slope = (w[i + 1] - w[i]) * (double)k->m / (k->hi - k->lo);
    return w[i] + s * (w[i + 1] - w[i]);
}

/* a second derivative by central differences of the first (Newton's
 * Hessian: its error slows Newton, the gradient decides where it stops) */
static double d2(double (*d)(double), double v)
{
    double e = 1e-5 * fmax(1, fabs(v));
    return (d(v + e) - d(v - e)) / (2 * e);
}

/* what the integrals share */
typedef struct {
    const gl_fconj *c;
    const gl_mix *P, *Q;
    const gl_fspline *k;
    const double *w;
    double mu, sigma;   /* Q = N(mu, sigma) for the gradient in theta */
    int mode, which;    /* the quantities (MODE_*), and one of them for the tails */
    gsl_integration_glfixed_table *gl;
    gsl_integration_workspace *tw;
} ctx;

enum { MODE_CRITIC, MODE_THETA };

/* e^l * t without 0 * inf: a density that underflowed contributes nothing
 * (t beyond e^745 happens only at the trial points of a line search far from
 * the maximiser, which J's value then rejects) */
static double weigh(double l, double t)
{
    double e = exp(l);
    return e == 0 ? 0.0 : e * t;
}

/* the integrands at x, and x's segment. MODE_CRITIC: J's density, then the
 * gradient's on the segment's two knot values, then the Hessian's (ii, ij, jj);
 * MODE_THETA: the densities of dD_F/dmu and dD_F/dlog sigma. */
static size_t point(const ctx *k, double x, double *q)
{
    double s, lp = gl_mix_logpdf(k->P, &x), lq = gl_mix_logpdf(k->Q, &x);
    size_t i = segment(k->k, x, &s);
    double v = k->w[i] + s * (k->w[i + 1] - k->w[i]);
    const gl_fconj *c = k->c;
    if (k->mode == MODE_THETA) {
        double z = (x - k->mu) / k->sigma, fs = weigh(lq, c->fstar_g(v));
        q[0] = -fs * z / k->sigma;
        q[1] = -fs * (z * z - 1);
        return i;
    }
    double r1 = weigh(lp, c->dg(v)) - weigh(lq, c->dfstar_g(v));
    double r2 = weigh(lp, d2(c->dg, v)) - weigh(lq, d2(c->dfstar_g, v));
    q[0] = weigh(lp, c->g(v)) - weigh(lq, c->fstar_g(v));
    q[1] = r1 * (1 - s);
    q[2] = r1 * s;
    q[3] = r2 * (1 - s) * (1 - s);
    q[4] = r2 * s * (1 - s);
    q[5] = r2 * s * s;
    return i;
}

static double tail_fn(double x, void *params)
{
    const ctx *k = params;
    double q[NQ];
    point(k, x, q);
    return q[k->which];
}

/* acc[0] += the value, then the gradient into acc[1 + j], the Hessian's
 * diagonal into acc[2 + m + j] and its off-diagonal into acc[3 + 2m + j]
 * (MODE_CRITIC), or acc[0..1] += the theta gradient (MODE_THETA) */
static void add(const ctx *k, size_t i, const double *q, double wt, double *acc)
{
    size_t m = k->k->m;
    acc[0] += wt * q[0];
    if (k->mode == MODE_THETA) {
        acc[1] += wt * q[1];
        return;
    }
    acc[1 + i] += wt * q[1];
    acc[2 + i] += wt * q[2];
    acc[2 + m + i] += wt * q[3];
    acc[2 + m + i + 1] += wt * q[5];
    acc[3 + 2 * m + i] += wt * q[4];
}

/* the integrals of the mode's quantities over the line: Gauss-Legendre on
 * each knot interval, adaptive quadrature beyond the end knots */
static int integrate(ctx *k, double *acc, size_t nacc, gl_err *err)
{
    const gl_fspline *kn = k->k;
    size_t m = kn->m, nq = k->mode == MODE_THETA ? 2 : NQ;
    double h = (kn->hi - kn->lo) / (double)m, q[NQ];
    memset(acc, 0, nacc * sizeof *acc);
    for (size_t i = 0; i < m; i++) {
        double a = kn->lo + (double)i * h, b = i + 1 == m ? kn->hi : a + h;
        for (size_t j = 0; j < GL_ORDER; j++) {
            double x, wt;
            gsl_integration_glfixed_point(a, b, j, &x, &wt, k->gl);
            point(k, x, q);
            add(k, i, q, wt, acc); /* x lies in segment i */
        }
    }
    for (int side = 0; side < 2; side++) {
        size_t i = side ? m - 1 : 0;
        double sum[NQ] = {0};
        for (size_t j = 0; j < nq; j++) {
            double r, ae;
            gsl_function F = {tail_fn, k};
            k->which = (int)j;
            int st = side ? gsl_integration_qagiu(&F, kn->hi, 1e-15, 1e-12, TAIL_LIMIT, k->tw, &r, &ae)
                          : gsl_integration_qagil(&F, kn->lo, 1e-15, 1e-12, TAIL_LIMIT, k->tw, &r, &ae);
            if (st && st != GSL_EROUND)
                return gl_err_set(err, GL_ENOCONV, "spline critic: the integral beyond the knot %g did not "
                                                   "converge (%s)", side ? kn->hi : kn->lo, gsl_strerror(st));
            sum[j] = r;
        }
        add(k, i, sum, 1.0, acc);
    }
    return GL_OK;
}

static int ctx_open(ctx *k, const gl_fconj *c, const gl_mix *P, const gl_mix *Q, const gl_fspline *kn,
                    gl_err *err)
{
    memset(k, 0, sizeof *k);
    k->c = c, k->P = P, k->Q = Q, k->k = kn;
    int s = gl_fspline_check(kn, err);
    if (s)
        return s;
    if (!c || !P || !Q || P->dim != 1 || Q->dim != 1)
        return gl_err_set(err, GL_EINVAL, "spline critic: need an f and 1-D P and Q");
    k->gl = gsl_integration_glfixed_table_alloc(GL_ORDER);
    k->tw = gsl_integration_workspace_alloc(TAIL_LIMIT);
    if (!k->gl || !k->tw)
        return gl_err_set(err, GL_ENOMEM, "out of memory");
    return GL_OK;
}

static void ctx_close(ctx *k)
{
    if (k->gl)
        gsl_integration_glfixed_table_free(k->gl);
    if (k->tw)
        gsl_integration_workspace_free(k->tw);
}

/* x within the class's bound on the knot values */
static double clamp(const gl_fspline *k, double x)
{
    double b = k->bound > 0 ? k->bound : INFINITY;
    return x < -b ? -b : x > b ? b : x;
}

/* projected Newton (Bertsekas 1982): a knot value held at the bound whose
 * gradient points outward stays there: its row of the system becomes d_j = 0 */
static void active_set(const gl_fspline *k, const double *w, double *g, double *diag, double *off)
{
    if (!(k->bound > 0) || isinf(k->bound))
        return;
    for (size_t j = 0; j <= k->m; j++) {
        if (!((w[j] <= -k->bound && g[j] < 0) || (w[j] >= k->bound && g[j] > 0)))
            continue;
        g[j] = 0;
        diag[j] = 1;
        if (j > 0)
            off[j - 1] = 0;
        if (j < k->m)
            off[j] = 0;
    }
}

/* Newton's ascent of J from w (in/out) in buffers acc (3m + 3) and d (m + 1);
 * *J the value by Gauss-Legendre. Stops at a Newton decrement < 1e-18, or
 * where no step raises J and the decrement is down to the rounding of the
 * integrals (< 1e-12: J is then within ~1e-12 of its maximum). */
static int newton(ctx *k, double *w, double *acc, double *trial, double *d, double *J, gl_err *err)
{
    size_t m = k->k->m, n = m + 1, nacc = 3 * m + 3;
    int s;
    k->mode = MODE_CRITIC;
    k->w = w;
    if ((s = integrate(k, acc, nacc, err)))
        return s;
    for (int it = 0; it < 200; it++) {
        double J0 = acc[0], dec = 0;
        if (!isfinite(J0))
            return gl_err_set(err, GL_ENOCONV, "spline critic: J = %g at the start", J0);
        /* solve (-H) d = grad, -H tridiagonal and positive definite */
        for (size_t j = 0; j < n; j++)
            acc[2 + m + j] = -acc[2 + m + j];
        for (size_t j = 0; j < m; j++)
            acc[3 + 2 * m + j] = -acc[3 + 2 * m + j];
        active_set(k->k, w, acc + 1, acc + 2 + m, acc + 3 + 2 * m);
        gsl_vector_view diag = gsl_vector_view_array(acc + 2 + m, n), off = gsl_vector_view_array(acc + 3 + 2 * m, m);
        gsl_vector_view b = gsl_vector_view_array(acc + 1, n), x = gsl_vector_view_array(d, n);
        if (gsl_linalg_solve_symm_tridiag(&diag.vector, &off.vector, &b.vector, &x.vector))
            return gl_err_set(err, GL_ENOCONV, "spline critic: singular Hessian");
        for (size_t j = 0; j < n; j++)
            dec += acc[1 + j] * d[j];
        if (dec < 1e-18) {
            *J = J0;
            return GL_OK;
        }
        double t = 1;
        k->w = trial;
        for (int bt = 0; bt < 60; bt++, t *= 0.5) {
            for (size_t j = 0; j < n; j++)
                trial[j] = clamp(k->k, w[j] + t * d[j]);
            /* a trial point whose integrals fail is rejected like one that lowers J */
            if (!integrate(k, acc, nacc, err) && acc[0] >= J0 + 1e-4 * t * dec)
                break;
            acc[0] = -INFINITY;
        }
        k->w = w;
        if (!(acc[0] >= J0 + 1e-4 * t * dec)) {
            if (dec < 1e-12) { /* rounding: J cannot be raised any further */
                *J = J0;
                return integrate(k, acc, nacc, err);
            }
            return gl_err_set(err, GL_ENOCONV, "spline critic: Newton stalled, decrement %g", dec);
        }
        memcpy(w, trial, n * sizeof *w);
        if (!(acc[0] > J0) && dec < 1e-12) { /* the same: a step that cannot raise J */
            *J = acc[0];
            return GL_OK;
        }
    }
    return gl_err_set(err, GL_ENOCONV, "spline critic: Newton did not converge in 200 steps");
}

/* the buffers of a Newton solve: acc, trial, d */
static double *newton_buffers(size_t m, gl_err *err)
{
    double *b = malloc((5 * m + 5) * sizeof *b);
    if (!b)
        gl_err_set(err, GL_ENOMEM, "out of memory");
    return b;
}

static double value_fn(double x, void *params)
{
    ctx *k = params;
    double q[NQ];
    point(k, x, q);
    return q[0];
}

/* J at w by adaptive quadrature, the knots and the mixtures' breakpoints as
 * breakpoints */
static int value_adaptive(ctx *k, const double *w, double *value, double *abserr, gl_err *err)
{
    const gl_fspline *kn = k->k;
    size_t nb = kn->m + 1 + gl_mix_breakpoints_max(k->P) + gl_mix_breakpoints_max(k->Q), n = 0;
    double *bp = malloc(nb * sizeof *bp);
    if (!bp)
        return gl_err_set(err, GL_ENOMEM, "out of memory");
    for (size_t i = 0; i <= kn->m; i++)
        bp[n++] = kn->lo + (kn->hi - kn->lo) * (double)i / (double)kn->m;
    n += gl_mix_breakpoints(k->P, 0, bp + n, nb - n);
    n += gl_mix_breakpoints(k->Q, 0, bp + n, nb - n);
    n = gl_num_sort_unique(bp, n);
    k->mode = MODE_CRITIC;
    k->w = w;
    int s = gl_quad_line(value_fn, k, bp, n, NULL, value, abserr, err);
    free(bp);
    return s;
}

int gl_fspline_div(const gl_fconj *c, const gl_mix *P, const gl_mix *Q, const gl_fspline *k, double *w,
                   double *value, double *abserr, gl_err *err)
{
    ctx x;
    double J, *b = NULL;
    int s = ctx_open(&x, c, P, Q, k, err);
    if (!s && !(b = newton_buffers(k->m, err)))
        s = GL_ENOMEM;
    if (!s)
        s = newton(&x, w, b, b + 3 * k->m + 3, b + 4 * k->m + 4, &J, err);
    if (!s && !(s = value_adaptive(&x, w, value, abserr, err)))
        *abserr += fabs(*value - J);
    free(b);
    ctx_close(&x);
    return s;
}

/* Q = N(mu, sigma), a one-component mixture re-pointed in place */
static void set_gauss(gl_mix *Q, double mu, double sigma)
{
    gl_comp *cp = &Q->comp[0];
    cp->mu[0] = mu;
    cp->sd[0] = sigma;
    cp->lognorm = -log(sigma) - 0.91893853320467274178; /* log sqrt(2 pi) */
}

static int theta_grad(ctx *k, const double *w, double mu, double sigma, double grad[2], gl_err *err)
{
    k->mode = MODE_THETA;
    k->w = w;
    k->mu = mu;
    k->sigma = sigma;
    return integrate(k, grad, 2, err);
}

int gl_fspline_grad(const gl_fconj *c, const gl_mix *P, double mu, double sigma, const gl_fspline *k,
                    const double *w, double grad[2], gl_err *err)
{
    gl_mix *Q = NULL;
    ctx x;
    int s = gl_mix_parse("N(0,1)", &Q, err);
    if (s)
        return s;
    set_gauss(Q, mu, sigma);
    if (!(s = ctx_open(&x, c, P, Q, k, err)))
        s = theta_grad(&x, w, mu, sigma, grad, err);
    ctx_close(&x);
    gl_mix_free(Q);
    return s;
}

/* the flow's loop: theta (in/out) down the gradient, the critic w carried */
static int flow_loop(ctx *k, gl_mix *Q, double th[2], double *w, double *b, double h, double tol,
                     size_t maxit, double g[2], double *J, gl_err *err)
{
    size_t m = k->k->m, n = m + 1;
    double *acc = b, *trial = b + 3 * m + 3, *d = b + 4 * m + 4, *w1 = b + 5 * m + 5, J1;
    int s;
    set_gauss(Q, th[0], exp(th[1]));
    if ((s = newton(k, w, acc, trial, d, J, err)))
        return s;
    for (size_t it = 0;; it++) {
        if ((s = theta_grad(k, w, th[0], exp(th[1]), g, err)))
            return s;
        if (fmax(fabs(g[0]), fabs(g[1])) < tol)
            return GL_OK;
        if (it == maxit)
            return gl_err_set(err, GL_ENOCONV, "restricted flow: |grad| = %g after %zu steps",
                              fmax(fabs(g[0]), fabs(g[1])), maxit);
        double hh = h, tn[2];
        for (int bt = 0; bt < 40; bt++, hh *= 0.5) {
            tn[0] = th[0] - hh * g[0];
            tn[1] = th[1] - hh * g[1];
            memcpy(w1, w, n * sizeof *w);
            set_gauss(Q, tn[0], exp(tn[1]));
            if ((s = newton(k, w1, acc, trial, d, &J1, err)))
                return s;
            if (J1 <= *J)
                break;
        }
        th[0] = tn[0], th[1] = tn[1];
        memcpy(w, w1, n * sizeof *w);
        *J = J1;
    }
}

int gl_fspline_flow(const gl_fconj *c, const gl_mix *P, const gl_fspline *k, double mu0, double sigma0,
                    double h, double tol, size_t maxit, gl_fit_result *res, double *wout, gl_err *err)
{
    if (!res || !isfinite(mu0) || !(sigma0 > 0) || !isfinite(sigma0) || !(h > 0) || !(tol > 0))
        return gl_err_set(err, GL_EINVAL, "restricted flow: need finite mu0, sigma0 > 0, h > 0, tol > 0");
    gl_mix *Q = NULL;
    ctx x;
    double th[2] = {mu0, log(sigma0)}, J, *b = NULL, *w = NULL;
    int s = gl_mix_parse("N(0,1)", &Q, err);
    if (!s && !(s = ctx_open(&x, c, P, Q, k, err))) {
        b = malloc((6 * k->m + 6) * sizeof *b);
        w = calloc(k->m + 1, sizeof *w);
        if (!b || !w)
            s = gl_err_set(err, GL_ENOMEM, "out of memory");
        if (!s && !(s = flow_loop(&x, Q, th, w, b, h, tol, maxit, res->grad, &J, err))) {
            double ae;
            res->mu = th[0];
            res->sigma = exp(th[1]);
            res->start = 0;
            s = value_adaptive(&x, w, &res->value, &ae, err);
            if (wout)
                memcpy(wout, w, (k->m + 1) * sizeof *w);
        }
    }
    free(b);
    free(w);
    ctx_close(&x);
    gl_mix_free(Q);
    return s;
}

/* one critic step on x[0..b) from P and x[b..2b) from Q: ascent of the
 * minibatch bound on the knot values; returns the bound */
static double critic_step(const gl_fconj *c, const gl_fspline *k, double *w, double *gw, gl_optim *oc,
                          const double *x, size_t b)
{
    double sp = 0, sq = 0, ib = 1.0 / (double)b;
    memset(gw, 0, (k->m + 1) * sizeof *gw);
    for (size_t j = 0; j < 2 * b; j++) {
        double s;
        size_t i = segment(k, x[j], &s);
        double v = w[i] + s * (w[i + 1] - w[i]), a;
        if (j < b)
            sp += c->g(v), a = -c->dg(v) * ib;
        else
            sq += c->fstar_g(v), a = c->dfstar_g(v) * ib;
        gw[i] += a * (1 - s);
        gw[i + 1] += a * s;
    }
    gl_optim_step(oc, w, gw);
    for (size_t j = 0; j <= k->m; j++)
        w[j] = clamp(k, w[j]);
    return (sp - sq) * ib;
}

/* one generator step: L_G = -mean f*(g(V(mu + sigma z_j))) */
static void gen_step(const gl_fconj *c, const gl_fspline *k, const double *w, gl_optim *og, const double *z,
                     size_t b, double theta[2])
{
    double sigma = exp(theta[1]), grad[2] = {0, 0}, ib = 1.0 / (double)b;
    for (size_t j = 0; j < b; j++) {
        double slope, v = gl_fspline_v(k, w, theta[0] + sigma * z[j], &slope);
        double dx = -c->dfstar_g(v) * slope * ib;
        grad[0] += dx;
        grad[1] += dx * sigma * z[j];
    }
    gl_optim_step(og, theta, grad);
}

int gl_fspline_fgan(const gl_fconj *c, const gl_mix *P, const gl_fspline *k, double *w, gl_optim *oc,
                    gl_optim *og, const gl_fit_fgan_cfg *cfg, const gsl_rng *r, double theta[2],
                    double avg[2], double *trace, gl_err *err)
{
    int s = gl_fspline_check(k, err);
    if (s)
        return s;
    if (!c || !P || !w || !oc || !og || !cfg || !r || !theta || !avg || cfg->batch == 0 || P->dim != 1 ||
        og->n != 2 || oc->n != k->m + 1)
        return gl_err_set(err, GL_EINVAL, "spline f-GAN: NULL argument, batch 0, P not 1-D or an optimiser of "
                                          "the wrong size");
    if ((s = gl_sched_check(&cfg->sched, err)))
        return s;
    size_t b = cfg->batch, navg = 0;
    double *x = malloc((3 * b + k->m + 1) * sizeof *x), sum[2] = {0, 0};
    if (!x)
        return gl_err_set(err, GL_ENOMEM, "out of memory");
    double *z = x + 2 * b, *gw = x + 3 * b;
    for (size_t it = 0; it < cfg->steps && !s; it++) {
        double sigma = exp(theta[1]), f = gl_sched_factor(&cfg->sched, it, cfg->steps);
        oc->lr = cfg->lr_critic * f;
        og->lr = cfg->lr_gen * f;
        for (size_t j = 0; j < cfg->dsteps && !s; j++) {
            gl_mix_sample(P, r, b, x);
            gl_noise_sample(GL_NOISE_NORMAL, r, b, x + b);
            for (size_t i = 0; i < b; i++)
                x[b + i] = theta[0] + sigma * x[b + i];
            double bound = critic_step(c, k, w, gw, oc, x, b);
            if (!isfinite(bound))
                s = gl_err_set(err, GL_EDIVERGE, "spline f-GAN: the critic's bound became %g at step %zu", bound, it);
        }
        gl_noise_sample(GL_NOISE_NORMAL, r, b, z);
        gen_step(c, k, w, og, z, b, theta);
        if (!isfinite(theta[0]) || !isfinite(theta[1]))
            s = gl_err_set(err, GL_EDIVERGE, "spline f-GAN: the generator diverged at step %zu", it);
        if (trace)
            trace[2 * it] = theta[0], trace[2 * it + 1] = theta[1];
        if (it >= cfg->avg_from)
            sum[0] += theta[0], sum[1] += theta[1], navg++;
    }
    free(x);
    avg[0] = navg ? sum[0] / (double)navg : theta[0];
    avg[1] = navg ? sum[1] / (double)navg : theta[1];
    return s;
}
