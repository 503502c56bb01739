/* SPDX-License-Identifier: GPL-3.0-or-later */
/* quad.c — integration over the real line and the plane with GSL's QUADPACK. */
#include "quad.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>

enum { QUAD_LIMIT = 2000 };

#define LINE_EPSABS 1e-15
#define LINE_EPSREL 1e-12
#define INNER_EPSABS 1e-13
#define INNER_EPSREL 1e-10
#define OUTER_EPSABS 1e-13
#define OUTER_EPSREL 1e-9
#define PLANE_CONTRACT 1e-6

/* A piece is accepted if GSL says so, or if it reports round-off or the
 * iteration limit while its own error estimate still meets a bound 1000 times
 * looser than asked (still far below what callers need). Any other status
 * (divergence, bad integrand behaviour) is a failure whatever abserr says. */
static int piece_ok(int status, double result, double abserr, double relok, double absok)
{
    if (status == GSL_SUCCESS)
        return 1;
    return (status == GSL_EROUND || status == GSL_EMAXITER) &&
           abserr <= fmax(relok * fabs(result), absok);
}

/* Statuses that the 2-D contract may still accept (see gl_quad_plane_split). */
static int tolerable(int status)
{
    return status == GSL_SUCCESS || status == GSL_EROUND || status == GSL_EMAXITER ||
           status == GSL_ESING;
}

static int check_bp(const double *bp, size_t nbp, gl_err *err)
{
    if (nbp < 2)
        return gl_err_set(err, GL_EINVAL, "quadrature needs at least 2 breakpoints, got %zu", nbp);
    for (size_t i = 0; i < nbp; i++) {
        if (!isfinite(bp[i]))
            return gl_err_set(err, GL_EINVAL, "breakpoint %zu is not finite", i);
        if (i > 0 && !(bp[i] > bp[i - 1]))
            return gl_err_set(err, GL_EINVAL,
                              "breakpoints must be strictly increasing (bp[%zu]=%g, bp[%zu]=%g)",
                              i - 1, bp[i - 1], i, bp[i]);
    }
    return GL_OK;
}

/* Breakpoints plus the places where the regime label split(x) changes, into
 * out (room for nbp * GL_QUAD_SCAN^2 values); returns the count. */
static size_t add_kinks(gsl_function *split, const double *bp, size_t nbp, int scan, double *out)
{
    size_t k = 0;
    for (size_t i = 0; i + 1 < nbp; i++) {
        out[k++] = bp[i];
        double a = bp[i], fa = GSL_FN_EVAL(split, a);
        for (int j = 1; j <= scan - 1; j++) {
            double b = j == scan - 1 ? bp[i + 1] : bp[i] + (bp[i + 1] - bp[i]) * j / (scan - 1);
            double fb = GSL_FN_EVAL(split, b);
            /* several changes may hide in (a, b): find one by bisection
             * (split(lo) == fa, split(hi) != fa), restart just right of it */
            for (int found = 0; fa != fb && found < GL_QUAD_SCAN; found++) {
                double lo = a, hi = b, fhi = fb;
                while (hi - lo > 1e-13 * fmax(1.0, fabs(lo))) {
                    double mid = 0.5 * (lo + hi), fm = GSL_FN_EVAL(split, mid);
                    if (fm == fa)
                        lo = mid;
                    else
                        hi = mid, fhi = fm;
                }
                /* a change within 1e-9 of the interval's width from a point
                 * already there is that point (a uniform's edge, say): adding
                 * it would leave a sliver QAGS cannot resolve */
                double root = 0.5 * (lo + hi), tiny = 1e-9 * (bp[i + 1] - bp[i]);
                if (root > out[k - 1] + tiny && root < bp[i + 1] - tiny)
                    out[k++] = root;
                a = hi, fa = fhi;
            }
            a = b, fa = fb;
        }
    }
    out[k++] = bp[nbp - 1];
    return k;
}

/* The 21 Kronrod nodes the floor estimate of line3 takes on each interval
 * are the first 21 abscissae of QAGS's first rule on it, in the same order
 * (both are gsl_integration_qk21 on [a, b]). replay_fn records them, x and
 * f(x) in xv[2 next], xv[2 next + 1], while record is set, and afterwards
 * serves calls next .. n - 1 from the record while the abscissa is the
 * recorded one, bit for bit (then the integrand itself: off the record). So
 * each interval's first rule costs no evaluations, and every value is the
 * one the integrand gives. */
enum { REPLAY_N = 21 };
typedef struct {
    gsl_function *F;
    double *xv;
    size_t next, n;
    int record;
} replay;

static double replay_fn(double x, void *p)
{
    replay *r = p;
    double *e = r->xv + 2 * r->next;
    if (r->record) {
        double v = GSL_FN_EVAL(r->F, x);
        if (r->next < r->n) {
            e[0] = x;
            e[1] = v;
            r->next++;
        }
        return v;
    }
    if (r->next < r->n && memcmp(&e[0], &x, sizeof x) == 0) {
        r->next++;
        return e[1];
    }
    r->n = 0;
    return GSL_FN_EVAL(r->F, x);
}

/* The whole line: (-inf, bp[0]] by QAGIL, [bp[0], bp[n-1]] with every
 * interior breakpoint, [bp[n-1], +inf) by QAGIU.
 *
 * The middle is done one of two ways. separate = 1 (1-D): each interval by its
 * own QAGS, with an absolute floor of epsrel times a Gauss-Kronrod estimate of
 * the whole so that negligible pieces are not refined to their own relative
 * precision. One QAGP over all the breakpoints is cheaper, but its
 * extrapolation across several intervals that end at singularities (the folds
 * of a generator's density) can return a wrong value with a tiny error
 * estimate; interval by interval it cannot. separate = 0 (the 2-D rule, whose
 * integrands are mixture densities with their corners located): one QAGP,
 * three to four times faster there. pts is scratch for QAGP. */
static int line3(gsl_function *F, const double *bp, size_t nbp, double *pts, double *rec,
                 int separate, double epsabs, double epsrel, gsl_integration_workspace *ws,
                 double *result, double *abserr)
{
    double r, e, floor = epsabs;
    /* separate: rec holds REPLAY_N (nbp - 1) pairs x, f(x) (see replay_fn) */
    replay rp = {F, rec, 0, 0, 1};
    gsl_function FR = {replay_fn, &rp};
    if (separate) {
        double scale = 0, rabs, rasc;
        for (size_t i = 0; i + 1 < nbp; i++) {
            rp.next = REPLAY_N * i;
            rp.n = rp.next + REPLAY_N;
            gsl_integration_qk21(&FR, bp[i], bp[i + 1], &r, &e, &rabs, &rasc);
            scale += rabs;
        }
        floor = fmax(epsabs, epsrel * (isfinite(scale) ? scale : 0));
        rp.record = 0;
    }
    int bad = GSL_SUCCESS;
    *result = 0;
    *abserr = 0;
    /* piece 0: the left tail; then the middle; last: the right tail */
    size_t npieces = separate ? nbp + 1 : 3;
    for (size_t k = 0; k < npieces; k++) {
        int st;
        if (k == 0) {
            st = gsl_integration_qagil(F, bp[0], floor, epsrel, QUAD_LIMIT, ws, &r, &e);
        } else if (k == npieces - 1) {
            st = gsl_integration_qagiu(F, bp[nbp - 1], floor, epsrel, QUAD_LIMIT, ws, &r, &e);
        } else if (separate) {
            /* QAGS starts with the very Kronrod nodes the floor took on this
             * interval: served from the record (the same values, bit for bit) */
            rp.next = REPLAY_N * (k - 1);
            rp.n = rp.next + REPLAY_N;
            st = gsl_integration_qags(&FR, bp[k - 1], bp[k], floor, epsrel, QUAD_LIMIT, ws, &r, &e);
        } else {
            for (size_t i = 0; i < nbp; i++)
                pts[i] = bp[i];
            st = gsl_integration_qagp(F, pts, nbp, floor, epsrel, QUAD_LIMIT, ws, &r, &e);
        }
        *result += r;
        *abserr += e;
        if ((!piece_ok(st, r, e, 1e3 * epsrel, 1e3 * floor) || !isfinite(r)) && !bad)
            bad = st ? st : GSL_EFAILED;
    }
    return bad;
}

#define KINKS(n) ((n) * GL_QUAD_SCAN * GL_QUAD_SCAN)
/* line3 after adding the kinks of split (if any); buf holds 2 KINKS(nbp),
 * rec (separate only) 2 REPLAY_N (n - 1) for the n breakpoints with kinks. */
static int line_kinks(gsl_function *F, gsl_function *split, int scan, int separate,
                      const double *bp, size_t nbp, double *buf, double *rec, double epsabs,
                      double epsrel, gsl_integration_workspace *ws, double *result,
                      double *abserr)
{
    double *all = buf, *pts = buf + KINKS(nbp);
    size_t n = nbp;
    if (split) {
        n = add_kinks(split, bp, nbp, scan, all);
        bp = all;
    }
    return line3(F, bp, n, pts, rec, separate, epsabs, epsrel, ws, result, abserr);
}

/* The scratch grows (never shrinks) to the largest call it has served; a
 * workspace made for a loop therefore allocates only in its first calls. */
struct gl_quad_workspace {
    gsl_integration_workspace *w[2]; /* 1-D and the outer 2-D integral; the inner one */
    double *kink;                    /* breakpoints with the kinks added, and QAGP's copy */
    size_t nkink;
    double *pts;                     /* the callers' breakpoints (gl_quad_workspace_points) */
    size_t npts;
    double *rec;                     /* the replay record of line3 */
    size_t nrec;
    double *cache;                   /* the callers' cache (gl_quad_workspace_cache) */
    size_t ncache;
    size_t grows;
};

enum { WS_BP = 64, WS_PTS = 1024 }; /* the capacities a new workspace starts with */

int gl_quad_workspace_alloc(gl_quad_workspace **out, gl_err *err)
{
    gl_quad_workspace *ws = calloc(1, sizeof *ws);
    if (ws) {
        ws->w[0] = gsl_integration_workspace_alloc(QUAD_LIMIT);
        ws->w[1] = gsl_integration_workspace_alloc(QUAD_LIMIT);
        ws->nkink = 2 * KINKS(WS_BP);
        ws->npts = WS_PTS;
        ws->nrec = 2 * REPLAY_N * WS_BP;
        ws->kink = malloc(ws->nkink * sizeof *ws->kink);
        ws->pts = malloc(ws->npts * sizeof *ws->pts);
        ws->rec = malloc(ws->nrec * sizeof *ws->rec);
    }
    if (!ws || !ws->w[0] || !ws->w[1] || !ws->kink || !ws->pts || !ws->rec) {
        gl_quad_workspace_free(ws);
        *out = NULL;
        return gl_err_set(err, GL_ENOMEM, "cannot allocate a quadrature workspace");
    }
    *out = ws;
    return GL_OK;
}

void gl_quad_workspace_free(gl_quad_workspace *ws)
{
    if (!ws)
        return;
    gsl_integration_workspace_free(ws->w[0]);
    gsl_integration_workspace_free(ws->w[1]);
    free(ws->kink);
    free(ws->pts);
    free(ws->rec);
    free(ws->cache);
    free(ws);
}

size_t gl_quad_workspace_grows(const gl_quad_workspace *ws)
{
    return ws->grows;
}

/* *buf holds at least n doubles afterwards (contents not kept) */
static int reserve(gl_quad_workspace *ws, double **buf, size_t *cap, size_t n, gl_err *err)
{
    if (n <= *cap)
        return GL_OK;
    size_t m = n > 2 * *cap ? n : 2 * *cap;
    double *b = malloc(m * sizeof *b);
    if (!b)
        return gl_err_set(err, GL_ENOMEM, "cannot grow a quadrature workspace to %zu points", m);
    free(*buf);
    *buf = b;
    *cap = m;
    ws->grows++;
    return GL_OK;
}

double *gl_quad_workspace_points(gl_quad_workspace *ws, size_t n, gl_err *err)
{
    return reserve(ws, &ws->pts, &ws->npts, n, err) ? NULL : ws->pts;
}

void *gl_quad_workspace_cache(gl_quad_workspace *ws, size_t bytes, gl_err *err)
{
    size_t n = (bytes + sizeof(double) - 1) / sizeof(double);
    return reserve(ws, &ws->cache, &ws->ncache, n, err) ? NULL : (void *)ws->cache;
}

gl_quad_workspace *gl_quad_workspace_use(gl_quad_workspace *ws, gl_quad_workspace **tmp,
                                         gl_err *err)
{
    *tmp = NULL;
    if (ws)
        return ws;
    gl_quad_workspace_alloc(tmp, err);
    return *tmp;
}

int gl_quad_line_split(gl_fn1 f, gl_fn1 split, void *params, const double *bp,
                       size_t nbp, gl_quad_workspace *ws, double *result, double *abserr,
                       gl_err *err)
{
    gl_quad_workspace *tmp;
    int s = check_bp(bp, nbp, err);
    if (s)
        return s;
    if (!(ws = gl_quad_workspace_use(ws, &tmp, err)))
        return GL_ENOMEM;
    if ((s = reserve(ws, &ws->kink, &ws->nkink, 2 * KINKS(nbp), err))) {
        gl_quad_workspace_free(tmp);
        return s;
    }
    gsl_function F = {f, params}, S = {split, params};
    /* the kinks first: the replay record needs room for every interval */
    size_t n = split ? add_kinks(&S, bp, nbp, GL_QUAD_SCAN, ws->kink) : nbp;
    if ((s = reserve(ws, &ws->rec, &ws->nrec, 2 * REPLAY_N * n, err))) {
        gl_quad_workspace_free(tmp);
        return s;
    }
    int st = line3(&F, split ? ws->kink : bp, n, NULL, ws->rec, 1, LINE_EPSABS, LINE_EPSREL,
                   ws->w[0], result, abserr);
    gl_quad_workspace_free(tmp);
    if (st)
        return gl_err_set(err, GL_ENOCONV, "1-D quadrature did not converge (%s): value %.17g, abserr %.3g",
                          gsl_strerror(st), *result, *abserr);
    return GL_OK;
}

int gl_quad_line(gl_fn1 f, void *params, const double *bp, size_t nbp, gl_quad_workspace *ws,
                 double *result, double *abserr, gl_err *err)
{
    return gl_quad_line_split(f, NULL, params, bp, nbp, ws, result, abserr, err);
}

/* 2-D: the outer integrand is the inner integral along y at fixed x. */
typedef struct {
    gl_fn2 f, split;
    void *params;
    const double *bpy;
    size_t ny;
    double x;
    double *buf;
    gsl_integration_workspace *ws;
    int status;          /* first inner failure */
    double max_abserr;   /* worst inner error estimate seen */
} plane_ctx;

static double inner_fn(double y, void *p)
{
    plane_ctx *c = p;
    return c->f(c->x, y, c->params);
}

static double inner_split(double y, void *p)
{
    plane_ctx *c = p;
    return c->split(c->x, y, c->params);
}

static double outer_fn(double x, void *p)
{
    plane_ctx *c = p;
    double r, e;
    gsl_function F = {inner_fn, c}, S = {inner_split, c};
    c->x = x;
    int st = line_kinks(&F, c->split ? &S : NULL, GL_QUAD_SCAN_2D, 0, c->bpy, c->ny, c->buf,
                        NULL, INNER_EPSABS, INNER_EPSREL, c->ws, &r, &e);
    if (st && !c->status)
        c->status = st;
    if (e > c->max_abserr)
        c->max_abserr = e;
    return r;
}

int gl_quad_plane_split(gl_fn2 f, gl_fn2 split, void *params, const double *bpx,
                        size_t nx, const double *bpy, size_t ny, gl_quad_workspace *ws,
                        double *result, double *abserr, gl_err *err)
{
    gl_quad_workspace *tmp;
    int s = check_bp(bpx, nx, err);
    if (!s)
        s = check_bp(bpy, ny, err);
    if (s)
        return s;
    if (!(ws = gl_quad_workspace_use(ws, &tmp, err)))
        return GL_ENOMEM;
    /* scratch: inner (2 KINKS(ny)) then outer (2 KINKS(nx)), see line_kinks */
    if ((s = reserve(ws, &ws->kink, &ws->nkink, 2 * KINKS(nx + ny), err)) ||
        (s = reserve(ws, &ws->rec, &ws->nrec, 2 * REPLAY_N * nx, err))) {
        gl_quad_workspace_free(tmp);
        return s;
    }
    double *buf = ws->kink;
    gsl_integration_workspace *wo = ws->w[0], *wi = ws->w[1];
    plane_ctx c = {f, split, params, bpy, ny, 0.0, buf, wi, GSL_SUCCESS, 0.0};
    gsl_function F = {outer_fn, &c};
    /* outer kinks are not searched: a kink curve crosses each x-slice at
     * isolated points, which the inner search handles; the outer integrand
     * (the slice integral) is smooth except where the curve is tangent to a slice */
    int st = line_kinks(&F, NULL, 0, 0, bpx, nx, buf + 2 * KINKS(ny), NULL, OUTER_EPSABS,
                        OUTER_EPSREL, wo, result, abserr);
    if (st && split) {
        /* A kink curve tangent to a slice leaves a square-root corner in the
         * outer integrand, inside some interval, and one QAGP's extrapolation
         * across the intervals can stall on it (tv of ring(8,2,0.2) or
         * grid(3,2,0.3) against N2(0,0,2,2): roundoff at 1e-4). QAGS interval
         * by interval extrapolates each corner on its own: slower, so only
         * as the second try. */
        c.status = GSL_SUCCESS;
        c.max_abserr = 0;
        st = line_kinks(&F, NULL, 0, 1, bpx, nx, buf + 2 * KINKS(ny), ws->rec, OUTER_EPSABS,
                        OUTER_EPSREL, wo, result, abserr);
    }
    gl_quad_workspace_free(tmp);
    /* The outer estimate does not see the inner errors: add the worst inner
     * error times the width of the breakpoint range, where the mass is. */
    *abserr += c.max_abserr * (bpx[nx - 1] - bpx[0]);
    /* a piece that missed its own (much tighter) target is accepted when the
     * total error estimate still meets the 2-D contract, 1e-6 relative */
    if ((st || c.status) && !(tolerable(st) && tolerable(c.status) &&
                              *abserr <= PLANE_CONTRACT * fabs(*result) + 1e-12))
        return gl_err_set(err, GL_ENOCONV, "2-D quadrature did not converge (%s): value %.17g, abserr %.3g",
                          gsl_strerror(st ? st : c.status), *result, *abserr);
    return GL_OK;
}

int gl_quad_plane(gl_fn2 f, void *params, const double *bpx, size_t nx,
                  const double *bpy, size_t ny, gl_quad_workspace *ws, double *result,
                  double *abserr, gl_err *err)
{
    return gl_quad_plane_split(f, NULL, params, bpx, nx, bpy, ny, ws, result, abserr, err);
}
