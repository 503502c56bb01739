/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fdiv.c — the f-divergence catalogue, D*, V(D,G) and C(G) by quadrature.
 *
 * Every integrand takes log p and log q (never p and q), so that densities
 * that underflow in the far tails or between far-apart modes still give the
 * right ratio. With d = log p - log q:
 *   q (e^{cd} - 1)^2 = exp(log q + 2 log|e^{cd} - 1|), for d > 0 with the
 *   exponent as (1-2c) log q + 2c log p          (pearson c = 1, hellinger c = 1/2)
 *   p log(2p/(p+q)) = p * l(d),  l(d) = log(2/(1+e^-d)) = log1p(tanh(d/2))   (js)
 *   p log(p/(p+q)) = -p softplus(-d)                                   (gan, V)
 * Infinite values are decided before integrating (see gl_fdiv_infinite). */
#include "fdiv.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <float.h>
#include <gsl/gsl_sort.h>

#include "num.h"
#include "quad.h"

#define LOG2 0.69314718055994530942

/* l(d) = log(2/(1+e^-d)), accurate near 0 (where js's terms cancel). */
static double js_l(double d)
{
    return fabs(d) < 1 ? log1p(tanh(0.5 * d)) : LOG2 - gl_num_softplus(-d);
}

/* ---- generators f(u) ---- */
static double f_kl(double u) { return u > 0 ? u * log(u) : 0.0; }
static double f_rkl(double u) { return -log(u); }
static double f_pearson(double u) { return (u - 1) * (u - 1); }
static double f_neyman(double u) { return (1 - u) * (1 - u) / u; }
static double f_hellinger(double u) { double s = sqrt(u) - 1; return s * s; }
static double f_jeffreys(double u) { return (u - 1) * log(u); }
static double f_js(double u)
{
    return 0.5 * (f_kl(u) - (u + 1) * log((u + 1) / 2));
}
static double f_gan(double u) { return f_kl(u) - (u + 1) * log(u + 1); }
static double f_tv(double u) { return 0.5 * fabs(u - 1); }

/* ---- integrands q f(p/q) in log space ---- */
static double h_kl(double lp, double lq)
{
    if (lp == -INFINITY)
        return 0.0;
    if (lq == -INFINITY)
        return INFINITY;
    return exp(lp) * (lp - lq);
}
static double h_rkl(double lp, double lq) { return h_kl(lq, lp); }

/* q (e^{c d} - 1)^2, with its limits where p or q vanish. For d > 0 it is
 * exp((1 - 2c) log q + 2c log p) (1 - e^{-c d})^2: the exponent written
 * without the cancellation of log q + 2c d, which loses every digit of
 * log p where log q is -1e15 (hellinger, c = 1/2, is then exactly p (...)^2) */
static double sq_ratio(double lp, double lq, double c, double at_q0)
{
    if (lq == -INFINITY)
        return lp == -INFINITY ? 0.0 : at_q0;
    if (lp == -INFINITY)
        return exp(lq);
    double d = lp - lq;
    if (d > 0)
        return exp((1 - 2 * c) * lq + 2 * c * lp + 2 * log(-expm1(-c * d)));
    return exp(lq + 2 * log(-expm1(c * d)));
}
static double h_pearson(double lp, double lq) { return sq_ratio(lp, lq, 1.0, INFINITY); }
static double h_neyman(double lp, double lq) { return sq_ratio(lq, lp, 1.0, INFINITY); }
static double h_hellinger(double lp, double lq) { return sq_ratio(lp, lq, 0.5, exp(lp)); }

static double h_jeffreys(double lp, double lq)
{
    if (lp == -INFINITY || lq == -INFINITY)
        return lp == lq ? 0.0 : INFINITY;
    double d = lp - lq; /* (p - q) d, with p - q written without cancellation */
    return d > 0 ? -exp(lp) * expm1(-d) * d : exp(lq) * expm1(d) * d;
}

static double h_js(double lp, double lq)
{
    if (lp == -INFINITY)
        return lq == -INFINITY ? 0.0 : 0.5 * LOG2 * exp(lq);
    if (lq == -INFINITY)
        return 0.5 * LOG2 * exp(lp);
    double d = lp - lq;
    return 0.5 * (exp(lp) * js_l(d) + exp(lq) * js_l(-d));
}

static double h_gan(double lp, double lq)
{
    if (lp == -INFINITY || lq == -INFINITY)
        return 0.0; /* p log(p/(p+0)) = 0 */
    double d = lp - lq;
    return -(exp(lp) * gl_num_softplus(-d) + exp(lq) * gl_num_softplus(d));
}

static double h_tv(double lp, double lq)
{
    if (lp == -INFINITY)
        return lq == -INFINITY ? 0.0 : 0.5 * exp(lq);
    if (lq == -INFINITY)
        return 0.5 * exp(lp);
    double d = lp - lq;
    return d > 0 ? -0.5 * exp(lp) * expm1(-d) : -0.5 * exp(lq) * expm1(d);
}

static const gl_fdiv catalogue[GL_F_COUNT] = {
    {GL_F_KL, "kl", "p log(p/q)", f_kl, h_kl, 1, 0, 0},
    {GL_F_RKL, "rkl", "q log(q/p)", f_rkl, h_rkl, 0, 1, 0},
    {GL_F_PEARSON, "pearson", "(p-q)^2/q", f_pearson, h_pearson, 1, 0, +1},
    {GL_F_NEYMAN, "neyman", "(q-p)^2/p", f_neyman, h_neyman, 0, 1, -1},
    {GL_F_HELLINGER, "hellinger", "(sqrt p - sqrt q)^2", f_hellinger, h_hellinger, 0, 0, 0},
    {GL_F_JEFFREYS, "jeffreys", "(p-q) log(p/q)", f_jeffreys, h_jeffreys, 1, 1, 0},
    {GL_F_JS, "js", "1/2 p log(2p/(p+q)) + 1/2 q log(2q/(p+q))", f_js, h_js, 0, 0, 0},
    {GL_F_GAN, "gan", "p log(p/(p+q)) + q log(q/(p+q)) = 2 js - log 4", f_gan, h_gan, 0, 0, 0},
    {GL_F_TV, "tv", "1/2 |p-q|", f_tv, h_tv, 0, 0, 0},
};

const gl_fdiv *gl_fdiv_get(gl_f_id id)
{
    return (int)id >= 0 && id < GL_F_COUNT ? &catalogue[id] : NULL;
}

const gl_fdiv *gl_fdiv_find(const char *name)
{
    for (int i = 0; name && i < GL_F_COUNT; i++)
        if (strcmp(name, catalogue[i].name) == 0)
            return &catalogue[i];
    return NULL;
}

/* ---- supports ---- */

/* Is the point x inside some uniform component of the all-uniform mixture m? */
static int in_boxes(const gl_mix *m, const double *x)
{
    for (size_t j = 0; j < m->n; j++) {
        const gl_comp *c = &m->comp[j];
        int in = 1;
        for (int a = 0; a < m->dim; a++)
            in &= x[a] >= c->lo[a] && x[a] <= c->hi[a];
        if (in)
            return 1;
    }
    return 0;
}

/* 1 if P puts positive mass where q = 0. Q with a Gaussian covers everything;
 * otherwise both are unions of intervals/boxes and we test every cell of the
 * grid their edges make (all edges are grid lines, so a cell is either wholly
 * inside a box or wholly outside). */
static int mass_outside(const gl_mix *P, const gl_mix *Q, int *outside)
{
    if (gl_mix_unbounded(Q)) {
        *outside = 0;
        return GL_OK;
    }
    if (gl_mix_unbounded(P)) {
        *outside = 1;
        return GL_OK;
    }
    size_t ne = 2 * (P->n + Q->n);
    double *e = malloc(2 * ne * sizeof *e);
    if (!e)
        return GL_ENOMEM;
    double *ex = e, *ey = e + ne;
    size_t k = 0;
    for (int s = 0; s < 2; s++) {
        const gl_mix *m = s ? Q : P;
        for (size_t j = 0; j < m->n; j++, k += 2) {
            ex[k] = m->comp[j].lo[0], ex[k + 1] = m->comp[j].hi[0];
            ey[k] = m->comp[j].lo[1], ey[k + 1] = m->comp[j].hi[1];
        }
    }
    gsl_sort(ex, 1, ne);
    gsl_sort(ey, 1, ne);
    size_t ny = P->dim == 2 ? ne - 1 : 1;
    *outside = 0;
    for (size_t i = 0; i + 1 < ne && !*outside; i++) {
        if (ex[i + 1] == ex[i])
            continue;
        for (size_t j = 0; j < ny && !*outside; j++) {
            if (P->dim == 2 && ey[j + 1] == ey[j])
                continue;
            double c[2] = {0.5 * (ex[i] + ex[i + 1]), P->dim == 2 ? 0.5 * (ey[j] + ey[j + 1]) : 0};
            *outside = in_boxes(P, c) && !in_boxes(Q, c);
        }
    }
    free(e);
    return GL_OK;
}

/* ---- tails: is the integral of p^2/q finite? (P's support inside Q's) ---- */

/* 1-D: on each side the Gaussian with the largest sigma dominates (ties: the
 * mean farther out). With A = 1/sp^2, B = 1/sq^2, log(p^2/q) ~ (B/2 - A) x^2
 * + 2A x (mp - mq) [when B = 2A] + const. */
static const gl_comp *dominant(const gl_mix *m, double side)
{
    const gl_comp *best = NULL;
    for (size_t j = 0; j < m->n; j++) {
        const gl_comp *c = &m->comp[j];
        if (c->kind != GL_COMP_N)
            continue;
        if (!best || c->sd[0] > best->sd[0] ||
            (c->sd[0] == best->sd[0] && side * c->mu[0] > side * best->mu[0]))
            best = c;
    }
    return best;
}

static int sq_tails_finite_1d(const gl_mix *P, const gl_mix *Q)
{
    for (int s = -1; s <= 1; s += 2) {
        const gl_comp *p = dominant(P, s), *q = dominant(Q, s);
        double A = 1 / (p->sd[0] * p->sd[0]), B = 1 / (q->sd[0] * q->sd[0]);
        double c2 = B / 2 - A;
        if (c2 > 0)
            return 0;
        if (c2 == 0 && !(s * (p->mu[0] - q->mu[0]) < 0))
            return 0;
    }
    return 1;
}

/* 2-D: along a direction v the component i decays like exp(-t^2 v'S_i^-1 v/2).
 * p^2/q is integrable iff for every v: min_i a_i(v) > min_j b_j(v)/2, i.e. there
 * is no (v, i) with v'(S_i^-1 - S_j^-1/2)v <= 0 for all j. With v = (cos th,
 * sin th) and psi = 2 th each form is alpha + R cos(psi - phi); its <= 0 set is
 * an arc, and a non-empty intersection of arcs contains an endpoint of one of
 * them, so the endpoints are the only points to try. The boundary case
 * (a form exactly 0 in some direction) is reported infinite, as it is for a
 * single pair of Gaussians. */
static void prec2(const gl_comp *c, double P[3])
{
    double sx = c->sd[0], sy = c->sd[1], r = c->rho, k = 1 / (1 - r * r);
    P[0] = k / (sx * sx);
    P[1] = -k * r / (sx * sy);
    P[2] = k / (sy * sy);
}

static int sq_tails_finite_2d(const gl_mix *P, const gl_mix *Q, int *finite)
{
    double *mem = malloc((5 * Q->n + 1) * sizeof *mem);
    if (!mem)
        return GL_ENOMEM;
    double *al = mem, *R = al + Q->n, *ph = R + Q->n, *cand = ph + Q->n;
    *finite = 1;
    for (size_t i = 0; i < P->n && *finite; i++) {
        if (P->comp[i].kind != GL_COMP_N2)
            continue;
        double a[3];
        prec2(&P->comp[i], a);
        size_t nq = 0, nc = 0;
        int never = 0; /* some j is positive in every direction: i cannot dominate */
        for (size_t j = 0; j < Q->n && !never; j++) {
            if (Q->comp[j].kind != GL_COMP_N2)
                continue;
            double b[3], m[3];
            prec2(&Q->comp[j], b);
            for (int t = 0; t < 3; t++)
                m[t] = a[t] - 0.5 * b[t];
            /* m11 c^2 + 2 m12 c s + m22 s^2 = alpha + R cos(2th - phi) */
            al[nq] = 0.5 * (m[0] + m[2]);
            R[nq] = hypot(0.5 * (m[0] - m[2]), m[1]);
            ph[nq] = atan2(m[1], 0.5 * (m[0] - m[2]));
            if (al[nq] - R[nq] > 0) {
                never = 1;
            } else if (al[nq] + R[nq] > 0) {
                /* cos(psi - phi) <= -alpha/R: the arc phi + [w, 2 pi - w] */
                double w = acos(fmax(-1.0, fmin(1.0, -al[nq] / R[nq])));
                cand[nc++] = ph[nq] + w;
                cand[nc++] = ph[nq] - w;
            } /* else <= 0 on the whole circle: no endpoint */
            nq++;
        }
        if (never)
            continue;
        cand[nc++] = 0.0;
        for (size_t k = 0; k < nc; k++) {
            int all = 1;
            for (size_t j = 0; j < nq && all; j++)
                all = al[j] + R[j] * cos(cand[k] - ph[j]) <= 1e-12 * (fabs(al[j]) + R[j]);
            if (all)
                *finite = 0;
        }
    }
    free(mem);
    return GL_OK;
}

int gl_fdiv_infinite(const gl_fdiv *f, const gl_mix *P, const gl_mix *Q,
                     int *is_inf, gl_err *err)
{
    if (!f || !P || !Q)
        return gl_err_set(err, GL_EINVAL, "gl_fdiv_infinite: NULL argument");
    if (P->dim != Q->dim)
        return gl_err_set(err, GL_EINVAL, "P is %d-D but Q is %d-D", P->dim, Q->dim);
    int po, qo, s;
    if ((s = mass_outside(P, Q, &po)) || (s = mass_outside(Q, P, &qo)))
        return gl_err_set(err, s, "out of memory deciding supports");
    *is_inf = (f->inf_if_p_outside_q && po) || (f->inf_if_q_outside_p && qo);
    if (!*is_inf && f->tail) {
        const gl_mix *a = f->tail > 0 ? P : Q, *b = f->tail > 0 ? Q : P;
        /* the support test above already made a's support lie inside b's */
        int finite = 1;
        if (gl_mix_unbounded(a) && a->dim == 1)
            finite = sq_tails_finite_1d(a, b);
        else if (gl_mix_unbounded(a) && sq_tails_finite_2d(a, b, &finite))
            return gl_err_set(err, GL_ENOMEM, "out of memory deciding tails");
        *is_inf = !finite;
    }
    return GL_OK;
}

/* ---- quadrature drivers ---- */

/* The densities of a 1-D pair at the abscissae of several integrals
 * (gl_fdiv_eval_many): log p, log q and the regime label of the kink search
 * (split_at), each computed once per abscissa and kept under the bits of x, in an
 * open-addressing table filled to half its size at most (an abscissa beyond
 * that is computed every time). A value served is the one gl_mix_* gave. */
enum { MEMO_BITS = 12, MEMO_N = 1 << MEMO_BITS };
enum { HAS_SLOT = 1, HAS_DENS = 2, HAS_LABEL = 4 };
typedef struct {
    uint64_t key;
    double lp, lq;
    double label; /* split_at's label without a caller's split */
    int has;      /* HAS_* bits; 0: an empty slot */
} dens_slot;

typedef struct {
    dens_slot *slot; /* MEMO_N */
    size_t used;
} dens_memo;

/* x's slot (claimed if new), or NULL when x is NaN or the table is full */
static dens_slot *memo_slot(dens_memo *m, double x)
{
    uint64_t k;
    memcpy(&k, &x, sizeof k);
    if (isnan(x))
        return NULL;
    for (size_t i = (k * 0x9E3779B97F4A7C15u) >> (64 - MEMO_BITS);; i = (i + 1) % MEMO_N) {
        dens_slot *s = &m->slot[i];
        if (s->has && s->key == k)
            return s;
        if (!s->has) {
            if (m->used >= MEMO_N / 2)
                return NULL;
            m->used++;
            s->key = k;
            s->has = HAS_SLOT;
            return s;
        }
    }
}

typedef struct {
    const gl_mix *P, *Q;
    gl_density_fn h, split;
    void *params;
    dens_memo *memo; /* NULL: no memo (2-D, or a single integral) */
    int nan_seen;
    double nan_x[2];
} integrand_ctx;

static void dens(integrand_ctx *c, const double *x, double *lp, double *lq)
{
    dens_slot *s = c->memo ? memo_slot(c->memo, x[0]) : NULL;
    if (s && (s->has & HAS_DENS)) {
        *lp = s->lp, *lq = s->lq;
        return;
    }
    *lp = gl_mix_logpdf(c->P, x);
    *lq = gl_mix_logpdf(c->Q, x);
    if (s) {
        s->lp = *lp, s->lq = *lq;
        s->has |= HAS_DENS;
    }
}

static double eval_at(integrand_ctx *c, const double *x)
{
    double lp, lq;
    dens(c, x, &lp, &lq);
    double v = c->h(x, lp, lq, c->params);
    if (isnan(v) && !c->nan_seen) {
        c->nan_seen = 1;
        c->nan_x[0] = x[0];
        c->nan_x[1] = c->P->dim == 2 ? x[1] : 0;
    }
    return v;
}

static double fn1(double x, void *p) { return eval_at(p, &x); }
static double fn2(double x, double y, void *p)
{
    double xy[2] = {x, y};
    return eval_at(p, xy);
}

/* The regime label: which component of P and of Q dominates (log p and log q
 * have near-corners where that changes), and the caller's label, hashed
 * (FNV-1a) into an exactly representable double: any change in any part
 * changes the label, barring a 2^-52 collision. */
static double label_at(integrand_ctx *c, const double *x)
{
    uint64_t h = GL_NUM_FNV_OFFSET, user = 0;
    h = gl_num_fnv1a(h, gl_mix_top(c->P, x));
    h = gl_num_fnv1a(h, gl_mix_top(c->Q, x));
    if (c->split) {
        double lp, lq;
        dens(c, x, &lp, &lq);
        double u = c->split(x, lp, lq, c->params);
        memcpy(&user, &u, sizeof u);
    }
    h = gl_num_fnv1a(h, user);
    return (double)(h >> 12);
}

/* the label, from the memo where it holds it (without a caller's split,
 * the label is the same for every integral of the pair) */
static double split_at(integrand_ctx *c, const double *x)
{
    dens_slot *s = c->memo && !c->split ? memo_slot(c->memo, x[0]) : NULL;
    if (s && (s->has & HAS_LABEL))
        return s->label;
    double v = label_at(c, x);
    if (s) {
        s->label = v;
        s->has |= HAS_LABEL;
    }
    return v;
}
static double split1(double x, void *p) { return split_at(p, &x); }
static double split2(double x, double y, void *p)
{
    double xy[2] = {x, y};
    return split_at(p, xy);
}

/* Breakpoints of P and Q together along axis, sorted and merged (num.h:
 * QAGS cannot integrate over the sliver between two that differ by an ulp,
 * as -1 - 2*0.3 and 1.81 - 1.45*2.36 do), into bp (room for both lists). */
static size_t joint_bp(const gl_mix *P, const gl_mix *Q, int axis, double *bp)
{
    size_t np = gl_mix_breakpoints(P, axis, bp, gl_mix_breakpoints_max(P));
    size_t nq = gl_mix_breakpoints(Q, axis, bp + np, gl_mix_breakpoints_max(Q));
    return gl_num_sort_unique(bp, np + nq);
}

/* gl_fdiv_integrate, with the densities from memo (1-D only; NULL: none) */
static int integrate(const gl_mix *P, const gl_mix *Q, gl_density_fn h, gl_density_fn split,
                     void *params, dens_memo *memo, gl_quad_workspace *ws, double *value,
                     double *abserr, gl_err *err)
{
    if (!P || !Q || !h)
        return gl_err_set(err, GL_EINVAL, "gl_fdiv_integrate: NULL argument");
    if (P->dim != Q->dim)
        return gl_err_set(err, GL_EINVAL, "P is %d-D but Q is %d-D", P->dim, Q->dim);
    gl_quad_workspace *tmp;
    int s;
    if (!(ws = gl_quad_workspace_use(ws, &tmp, err)))
        return GL_ENOMEM;
    integrand_ctx c = {P, Q, h, split, params, P->dim == 1 ? memo : NULL, 0, {0, 0}};
    /* room for both axes' lists: every axis has the same number of raw breakpoints */
    size_t nraw = gl_mix_breakpoints_max(P) + gl_mix_breakpoints_max(Q);
    double *bx = gl_quad_workspace_points(ws, 2 * nraw, err), *by = bx ? bx + nraw : NULL;
    if (!bx) {
        s = GL_ENOMEM;
    } else if (P->dim == 1) {
        s = gl_quad_line_split(fn1, split1, &c, bx, joint_bp(P, Q, 0, bx), ws, value, abserr, err);
    } else {
        size_t nx = joint_bp(P, Q, 0, bx), ny = joint_bp(P, Q, 1, by);
        s = gl_quad_plane_split(fn2, split2, &c, bx, nx, by, ny, ws, value, abserr, err);
    }
    gl_quad_workspace_free(tmp);
    if (!s && c.nan_seen)
        s = gl_err_set(err, GL_ENOCONV, "integrand is NaN at x = (%g, %g)", c.nan_x[0], c.nan_x[1]);
    return s;
}

int gl_fdiv_integrate(const gl_mix *P, const gl_mix *Q, gl_density_fn h, gl_density_fn split,
                      void *params, gl_quad_workspace *ws, double *value, double *abserr,
                      gl_err *err)
{
    return integrate(P, Q, h, split, params, NULL, ws, value, abserr, err);
}

static double div_h(const double *x, double lp, double lq, void *params)
{
    (void)x;
    const gl_fdiv *f = params;
    return f->integrand(lp, lq);
}

/* tv's integrand |p - q|/2 has a corner where p = q */
static double tv_split(const double *x, double lp, double lq, void *params)
{
    (void)x, (void)params;
    return lp == lq ? 0.0 : (lp > lq ? 1.0 : -1.0);
}

/* The rounding floor of a 1-D integrand of log p and log q: each evaluation
 * carries an absolute error of a few eps (p + q)(|log p| + |log q| + 1) (the
 * logs' own rounding, through d = log p - log q and exp), which no quadrature
 * error estimate sees, and which decides where the divergence is tiny
 * against it (KL of N(0,1) and N(1e-6,1) is 5e-13; its integrand's values
 * are ~1e-6 and their rounding ~1e-16). Its integral by 10-point
 * Gauss-Legendre on every interval between the joint breakpoints (where all
 * the mass is: they reach 8 sd beyond every Gaussian): an estimate to a
 * factor of 2 is all a floor needs. 2-D: 0 (not estimated). */
static double rounding_floor(const gl_mix *P, const gl_mix *Q, gl_quad_workspace *ws)
{
    static const double gx[5] = {0.1488743389816312, 0.4333953941292472, 0.6794095682990244,
                                 0.8650633666889845, 0.9739065285171717};
    static const double gw[5] = {0.2955242247147529, 0.2692667193099963, 0.2190863625159820,
                                 0.1494513491505806, 0.0666713443086881};
    if (P->dim != 1)
        return 0;
    gl_err e;
    size_t nraw = gl_mix_breakpoints_max(P) + gl_mix_breakpoints_max(Q);
    double *bp = gl_quad_workspace_points(ws, nraw, &e), sum = 0;
    if (!bp)
        return INFINITY; /* no room to estimate it: say so through abserr */
    size_t n = joint_bp(P, Q, 0, bp);
    for (size_t i = 0; i + 1 < n; i++) {
        double c = 0.5 * (bp[i] + bp[i + 1]), h = 0.5 * (bp[i + 1] - bp[i]);
        for (int j = 0; j < 10; j++) {
            double x = c + (j < 5 ? -h * gx[j] : h * gx[j - 5]);
            double lp = gl_mix_logpdf(P, &x), lq = gl_mix_logpdf(Q, &x), m = 1;
            m += isfinite(lp) ? fabs(lp) : 0;
            m += isfinite(lq) ? fabs(lq) : 0;
            sum += h * gw[j % 5] * m * ((lp > -INFINITY ? exp(lp) : 0) + (lq > -INFINITY ? exp(lq) : 0));
        }
    }
    return 4 * DBL_EPSILON * sum;
}

/* abserr += the rounding floor (inf if there is no room to estimate it);
 * *floor caches it (NAN: not computed yet) */
static void add_rounding_floor(const gl_mix *P, const gl_mix *Q, gl_quad_workspace *ws,
                               double *floor, double *abserr, gl_err *err)
{
    gl_quad_workspace *tmp;
    if (!isnan(*floor)) {
        *abserr += *floor;
    } else if ((ws = gl_quad_workspace_use(ws, &tmp, err))) {
        *floor = rounding_floor(P, Q, ws);
        *abserr += *floor;
        gl_quad_workspace_free(tmp);
    } else {
        *abserr = INFINITY;
        gl_err_clear(err);
    }
}

/* gl_fdiv_eval with the densities from memo (NULL: none) and the rounding
 * floor cached in *floor (NAN: not yet computed) */
static int eval_one(const gl_fdiv *f, const gl_mix *P, const gl_mix *Q, gl_quad_workspace *ws,
                    dens_memo *memo, double *floor, double *value, double *abserr, gl_err *err)
{
    int inf = 0, s = gl_fdiv_infinite(f, P, Q, &inf, err);
    if (s)
        return s;
    if (inf) {
        *value = INFINITY;
        *abserr = 0;
        return GL_OK;
    }
    s = integrate(P, Q, div_h, f->id == GL_F_TV ? tv_split : NULL, (void *)f, memo, ws, value,
                  abserr, err);
    if (s == GL_ENOCONV && *value == INFINITY) {
        /* finite (decided above) but beyond the largest double, e.g.
         * pearson(N(0,1)||N(40,1)) = e^1600 - 1: +inf, flagged by abserr = inf */
        *abserr = INFINITY;
        gl_err_clear(err);
        return GL_OK;
    }
    if (s) /* name the divergence for the user */
        return gl_err_prefix(err, f->name);
    add_rounding_floor(P, Q, ws, floor, abserr, err);
    return GL_OK;
}

int gl_fdiv_eval(const gl_fdiv *f, const gl_mix *P, const gl_mix *Q, gl_quad_workspace *ws,
                 double *value, double *abserr, gl_err *err)
{
    double floor = NAN;
    return eval_one(f, P, Q, ws, NULL, &floor, value, abserr, err);
}

int gl_fdiv_eval_many(const gl_fdiv *const *fs, size_t n, const gl_mix *P, const gl_mix *Q,
                      gl_quad_workspace *ws, double *values, double *abserrs, gl_err *err)
{
    if (n > 0 && (!fs || !values || !abserrs))
        return gl_err_set(err, GL_EINVAL, "gl_fdiv_eval_many: NULL argument");
    if (!P || !Q)
        return gl_err_set(err, GL_EINVAL, "gl_fdiv_eval_many: NULL mixture");
    gl_quad_workspace *tmp;
    if (!(ws = gl_quad_workspace_use(ws, &tmp, err)))
        return GL_ENOMEM;
    dens_memo memo = {NULL, 0};
    int s = GL_OK;
    if (P->dim == 1 && Q->dim == 1 && n > 1) {
        if ((memo.slot = gl_quad_workspace_cache(ws, MEMO_N * sizeof *memo.slot, err)))
            memset(memo.slot, 0, MEMO_N * sizeof *memo.slot);
        else
            s = GL_ENOMEM;
    }
    double floor = NAN;
    for (size_t k = 0; k < n && !s; k++)
        s = eval_one(fs[k], P, Q, ws, memo.slot ? &memo : NULL, &floor, &values[k], &abserrs[k],
                     err);
    gl_quad_workspace_free(tmp);
    return s;
}

double gl_fdiv_dstar_logit(const gl_mix *P, const gl_mix *Q, const double *x)
{
    double lp = gl_mix_logpdf(P, x), lq = gl_mix_logpdf(Q, x);
    if (lp == -INFINITY && lq == -INFINITY)
        return NAN;
    return lp - lq; /* +-inf where only one of them vanishes */
}

double gl_fdiv_dstar(const gl_mix *P, const gl_mix *Q, const double *x)
{
    return gl_num_sigmoid(gl_fdiv_dstar_logit(P, Q, x));
}

typedef struct {
    gl_logit_fn logit, regime;
    void *params;
} logit_ctx;

/* p log D + q log(1-D) with D = sigmoid(a): -p softplus(-a) - q softplus(a);
 * a term whose density is 0 is 0 even where a is infinite. */
static double value_h(const double *x, double lp, double lq, void *params)
{
    const logit_ctx *c = params;
    double a = c->logit(x, c->params);
    return (lp == -INFINITY ? 0.0 : -exp(lp) * gl_num_softplus(-a)) +
           (lq == -INFINITY ? 0.0 : -exp(lq) * gl_num_softplus(a));
}

static double value_split(const double *x, double lp, double lq, void *params)
{
    (void)lp, (void)lq;
    const logit_ctx *c = params;
    return c->regime(x, c->params);
}

int gl_fdiv_value_split(const gl_mix *P, const gl_mix *G, gl_logit_fn logit,
                        gl_logit_fn regime, void *params, gl_quad_workspace *ws, double *value,
                        double *abserr, gl_err *err)
{
    if (!logit)
        return gl_err_set(err, GL_EINVAL, "gl_fdiv_value: NULL logit");
    logit_ctx c = {logit, regime, params};
    int s = gl_fdiv_integrate(P, G, value_h, regime ? value_split : NULL, &c, ws, value, abserr,
                              err);
    double floor = NAN;
    if (!s) /* the same floor as a divergence's: the rounding of log p, log q */
        add_rounding_floor(P, G, ws, &floor, abserr, err);
    return s;
}

int gl_fdiv_value(const gl_mix *P, const gl_mix *G, gl_logit_fn logit,
                  void *params, gl_quad_workspace *ws, double *value, double *abserr, gl_err *err)
{
    return gl_fdiv_value_split(P, G, logit, NULL, params, ws, value, abserr, err);
}

typedef struct {
    const gl_mix *P, *G;
} pair;

static double dstar_logit_fn(const double *x, void *p)
{
    const pair *pg = p;
    return gl_fdiv_dstar_logit(pg->P, pg->G, x);
}

int gl_fdiv_value_dstar(const gl_mix *P, const gl_mix *G, gl_quad_workspace *ws, double *value,
                   double *abserr, gl_err *err)
{
    pair pg = {P, G};
    return gl_fdiv_value(P, G, dstar_logit_fn, &pg, ws, value, abserr, err);
}
