/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gen.c — the exact pushforward density of a 1-D generator.
 *
 * The change of variables over every monotone piece of G:
 *   p_g(x) = sum_k p_z(z_k) / |G'(z_k)|,  {z_k} = G^{-1}(x),
 *   P(G(z) <= x) = sum over pieces of P_z({z in piece: G(z) <= x}).
 * G' = dG/dz is the network's input gradient: a backward pass with dy = 1.
 *
 * update: G, G' on the grid (in batches of the net's capacity); a walk along
 * the grid points, plus the points that shoulders, non-monotone cells and
 * (ReLU nets) kinks add inside cells; a fold between consecutive walk points
 * where G' changes sign, refined by Brent on G'; the pieces are the z
 * intervals between folds; then a power law at each fold image and the
 * breakpoints.
 * logpdf/cdf: on a piece whose image holds x, bisection over the piece's grid
 * values (G - x changes sign between two of them, monotone or not) gives a
 * bracket one cell wide, and safeguarded Newton on G(z) - x refines it (G and
 * G' from gl_mlp_eval1, started at the root of the cell's cubic Hermite
 * interpolant, stepping to the root of the quadratic model with the cubic's
 * and then the secant's G'', G' at the root returned with it); the bracket ends
 * are served from the grid values instead of re-running the net (a sample's
 * output does not depend on the batch it is in, bit for bit: mlp.c). */
#include "gen.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_roots.h>

#include "num.h"

#define ROOT_EPSABS 1e-14   /* width of the final bracket of every root, in z */
#define ROOT_MAXITER 200    /* both solvers bisect when they stall: ~60 steps suffice */
#define NSUB 16             /* sub-cells of a cell where G' is not monotone */
#define SUB_DEPTH 2         /* levels of subdivision */
/* extra points in a cell: 2 shoulder minima, the NSUB - 1 points of a
 * subdivision and NSUB - 1 in each of its NSUB sub-cells (SUB_DEPTH 2) */
#define CELL_MAX (2 + (NSUB - 1) * (1 + NSUB))
#define NGRID_MAX ((size_t)1 << 20)

/* z at which the images of noise quantiles become breakpoints */
static const double q_normal[] = {-4, -2, -1, 0, 1, 2, 4};
static const double q_uniform[] = {-0.5, 0, 0.5};
#define NQ_MAX 7
#define SHOULDER_LOGPZ (-27.631021115928547) /* log 1e-12 */
#define SHOULDER_TOL 1e-9   /* in z */
#define KINKS_PER_CELL 8
#define BP_SEP 1e-3         /* closest approach of a secondary breakpoint to a fold image */

/* Near the image x_f of a smooth fold the preimage is ill-conditioned: the
 * net's rounding eps_G ~ 3e-16 S in G (S = |x_f| + the range of G) moves the
 * root by eps_G/|G'|, so the computed |G'(z)| has relative error
 * ~ eps_G/(2 |x - x_f|): 1e-4 at 1e-12 S from x_f, and O(1) within a few
 * ulps, where the density spikes by up to 1e5. Within d0 = FOLD_D0 S of x_f
 * the term is therefore the power law through the value at d0,
 *   log term(x) = L + alpha log(d0/|x - x_f|),
 * with alpha fitted from the values at d0 and 4 d0 and snapped to 1/2 (a
 * smooth fold, G - x_f ~ (z - t)^2) or 0 (a kink: a ReLU fold, finite
 * density) when within 0.1 of it: the fit is no better than the values
 * (1e-4), and the exponent of a fold is exact. The mass within d0 of x_f is
 * ~p_g(d0) d0 ~ 1e-6 S^(1/2), and the law is good to ~1e-4 of it. */
#define FOLD_D0 1e-12
typedef struct {
    double d0, L, alpha; /* d0 = 0: not a fold, or no power law fitted */
} fold_form;

/* A monotone piece of G: z in [za, zb], image [lo, hi] = {ga, gb} sorted,
 * p_z-mass of [za, zb]; the grid points strictly inside are z[i0 .. i1-1];
 * end[0], end[1]: the power law near ga, gb if za, zb is a fold. */
typedef struct {
    double za, zb, ga, gb, lo, hi, mass;
    size_t i0, i1;
    fold_form end[2];
} piece;

struct gl_pushforward {
    gl_mlp *G;
    gl_noise noise;
    int ready;                 /* the last update succeeded */
    size_t ngrid;
    size_t maxpieces, npieces; /* maxpieces = 2 ngrid + 1 (folds + 1) */
    size_t maxbp, nbp;
    size_t nshoulder;          /* shoulders found by the last update */
    double zlo, zhi;           /* the z range */
    double lo, hi;             /* the range of G over it */
    double *z, *g, *gp;        /* grid: z, G(z), G'(z); ngrid each */
    double *bp;                /* breakpoints, maxbp */
    double *sh;                /* z of the shoulders, ngrid/2 (at most one in two grid points) */
    double *kz;                /* z of the kinks of a ReLU/leaky G, ngrid */
    size_t nkink;
    piece *pc;                 /* pieces, maxpieces */
    gsl_root_fsolver *solver;  /* Brent */
};

/* ------------------------------------------------------------------------ */
/* G and G' */

static int sgn(double v)
{
    return (v > 0) - (v < 0);
}

/* g = G(z), gp = G'(z) (if gp) at n points, in chunks of G's batch capacity.
 * G' = dG/dz: backward with dy = 1 gives dx = dG/dz; dy and dx may share. */
static void eval_net(gl_mlp *G, const double *z, size_t n, double *g, double *gp)
{
    for (size_t off = 0, m; off < n; off += m) {
        m = n - off < G->maxbatch ? n - off : G->maxbatch;
        gl_mlp_forward(G, z + off, m, g + off);
        if (gp) {
            for (size_t k = 0; k < m; k++)
                gp[off + k] = 1.0;
            gl_mlp_backward(G, gp + off, gp + off, 0);
        }
    }
}

/* G'(z): a forward and a backward pass of batch 1, as gl_mlp_eval1 does them */
static double deriv_at(gl_mlp *G, double z)
{
    double d;
    gl_mlp_eval1(G, z, &d);
    return d;
}

/* A function for Brent: G(z) - x (deriv = 0) or G'(z) (deriv = 1). The values
 * at the bracket ends a, b are known from the grid and returned without a
 * pass through the net. */
typedef struct {
    gl_mlp *G;
    int deriv;
    double x;
    double a, fa, b, fb;
} root_ctx;

static double root_fn(double z, void *params)
{
    root_ctx *c = params;
    if (z == c->a)
        return c->fa;
    if (z == c->b)
        return c->fb;
    if (c->deriv)
        return deriv_at(c->G, z);
    return gl_mlp_eval1(c->G, z, NULL) - c->x;
}

/* Brent on c over [c->a, c->b] (values of opposite signs) until the bracket is
 * ROOT_EPSABS wide or the root exact. */
static int brent(gsl_root_fsolver *s, root_ctx *c, double *root)
{
    gsl_function F = {root_fn, c};
    int st = gsl_root_fsolver_set(s, &F, c->a, c->b);
    for (int it = 0; !st && it < ROOT_MAXITER; it++) {
        st = gsl_root_fsolver_iterate(s);
        if (!st && gsl_root_fsolver_x_upper(s) - gsl_root_fsolver_x_lower(s) <= ROOT_EPSABS) {
            *root = gsl_root_fsolver_root(s);
            return GSL_SUCCESS;
        }
    }
    return st ? st : GSL_EMAXITER;
}

/* Safeguarded Newton on G(z) - x inside the bracket [c->a, c->b] (values of
 * opposite signs), from z: a step that would leave the bracket, or that
 * shrinks slower than bisection would, is a bisection step instead. Each
 * evaluation gives G and G' in one pass (gl_mlp_eval1) and narrows the
 * bracket. For a smooth G the step is to the root of the quadratic model
 * f + G' s + kappa s^2/2 (nearest 0), kappa the curvature G'': the start's
 * (kappa, from the cubic that gave the start; NaN: none), then the secant of
 * the last two G'. Where a Newton step from a start 1e-6 off leaves the
 * iterate ~C 1e-12 off (C = G''/2G'), one more evaluation than the
 * tolerance needs, the quadratic model leaves ~1e-3 C 1e-12. The root is the
 * evaluated point whose Newton step, f/G', is below ROOT_EPSABS (its
 * distance to the true root), or the last one when the bracket is that
 * narrow; *dg gets G' there, exactly. */
static int newton(root_ctx *c, double z, double kappa, double *root, double *dg)
{
    double a = c->a, b = c->b, fa = c->fa, dx = b - a, dxold = dx, zp = NAN, dp = NAN;
    /* below an ulp of x, the sign of G(z) - x is rounding */
    double floor = DBL_EPSILON * fabs(c->x);
    int smooth = c->G->act != GL_ACT_RELU && c->G->act != GL_ACT_LEAKY;
    if (!(z > a && z < b))
        z = 0.5 * (a + b);
    for (int it = 0; it < ROOT_MAXITER; it++) {
        double d, f = gl_mlp_eval1(c->G, z, &d) - c->x;
        if (fabs(f) <= fmax(ROOT_EPSABS * fabs(d), floor) || b - a <= ROOT_EPSABS) {
            *root = z;
            *dg = d;
            return GSL_SUCCESS;
        }
        kappa = !smooth ? NAN : !isnan(zp) && z != zp ? (d - dp) / (z - zp) : kappa;
        zp = z, dp = d;
        if ((f < 0) == (fa < 0))
            a = z, fa = f;
        else
            b = z;
        if (!(((z - b) * d - f) * ((z - a) * d - f) < 0) || fabs(2 * f) > fabs(dxold * d)) {
            dxold = dx;
            dx = 0.5 * (b - a);
            z = a + dx;
        } else {
            dxold = dx;
            dx = f / d;
            /* the quadratic model's root, written without cancellation */
            double disc = d * d - 2 * kappa * f;
            double zq = disc >= 0 ? z - 2 * f / (d + copysign(sqrt(disc), d)) : NAN;
            z = zq > a && zq < b ? zq : z - dx;
        }
    }
    return GSL_EMAXITER;
}

/* A start for Newton: the root of the cubic Hermite interpolant H of G - x on
 * the bracket (values c->fa, c->fb, slopes da, db at its ends), to rounding
 * (Newton on the cubic, bisection where a step would leave [0, 1]: near a
 * fold, where H is nearly flat at one end, a few unguarded steps stop far
 * from its root); *kappa gets H'' there, for newton. The error is that of
 * the interpolant, O(h^4) of the cell. */
static double hermite_root(const root_ctx *c, double da, double db, double *kappa)
{
    double h = c->b - c->a, f0 = c->fa, f1 = c->fb, m0 = h * da, m1 = h * db;
    double lo = 0, hi = 1, t = f0 / (f0 - f1);
    for (int k = 0; k < 100; k++) {
        double t2 = t * t, t3 = t2 * t;
        double H = (2 * t3 - 3 * t2 + 1) * f0 + (t3 - 2 * t2 + t) * m0 + (-2 * t3 + 3 * t2) * f1 +
                   (t3 - t2) * m1;
        double dH = (6 * t2 - 6 * t) * f0 + (3 * t2 - 4 * t + 1) * m0 + (-6 * t2 + 6 * t) * f1 +
                    (3 * t2 - 2 * t) * m1;
        if (H == 0)
            break;
        if ((H < 0) == (f0 < 0))
            lo = t;
        else
            hi = t;
        double tn = dH != 0 ? t - H / dH : NAN;
        if (!(tn > lo && tn < hi))
            tn = 0.5 * (lo + hi);
        double step = fabs(tn - t);
        t = tn;
        if (step <= 1e-15 || hi - lo <= 4 * DBL_EPSILON * hi)
            break;
    }
    *kappa = ((12 * t - 6) * f0 + (6 * t - 4) * m0 + (6 - 12 * t) * f1 + (6 * t - 2) * m1) / (h * h);
    return c->a + t * h;
}

/* G' at node j of piece p's bracket nodes (j = 0: za; last: zb; else grid
 * point i0 + j - 1), if known without a pass through the net: on the grid, at
 * the ends of the z range, and 0 at a fold of a smooth G. */
static int end_slope(const gl_pushforward *pf, const piece *p, size_t j, int last, double *d)
{
    size_t n = pf->ngrid;
    if (j > 0 && !last) {
        *d = pf->gp[p->i0 - 1 + j];
        return 1;
    }
    double ze = last ? p->zb : p->za;
    if (ze == pf->z[0] || ze == pf->z[n - 1]) {
        *d = pf->gp[ze == pf->z[0] ? 0 : n - 1];
        return 1;
    }
    *d = 0;
    return pf->G->act != GL_ACT_RELU && pf->G->act != GL_ACT_LEAKY;
}

/* The z in piece p with G(z) = x, for x in [p->lo, p->hi], p not flat. The
 * nodes za, z[i0 .. i1-1], zb bisected on the sign of G - x give a bracket
 * one grid cell wide whatever rounding did to monotonicity. */
static int solve_piece(gl_pushforward *pf, const piece *p, double x, double *z, double *dg)
{
    if (x == p->ga || x == p->gb) {
        *z = x == p->ga ? p->za : p->zb;
        *dg = deriv_at(pf->G, *z);
        return GSL_SUCCESS;
    }
    /* node j: 0 -> za, 1 .. m-2 -> z[i0 + j - 1], m-1 -> zb */
    size_t m = p->i1 - p->i0 + 2, lo = 0, hi = m - 1;
    const double *zg = pf->z + p->i0 - 1, *gg = pf->g + p->i0 - 1;
    int slo = sgn(p->ga - x);
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        int s = sgn(gg[mid] - x);
        if (s == 0) {
            *z = zg[mid];
            *dg = pf->gp[p->i0 - 1 + mid];
            return GSL_SUCCESS;
        }
        if (s == slo)
            lo = mid;
        else
            hi = mid;
    }
    root_ctx c = {pf->G, 0, x, lo == 0 ? p->za : zg[lo], (lo == 0 ? p->ga : gg[lo]) - x,
                  hi == m - 1 ? p->zb : zg[hi], (hi == m - 1 ? p->gb : gg[hi]) - x};
    /* G' at the bracket's ends: a grid node's is on the grid, a smooth G's
     * is 0 at a fold; there the start is the cubic's root, else the secant */
    double da, db, z0 = c.a - c.fa * (c.b - c.a) / (c.fb - c.fa), kappa = NAN;
    if (end_slope(pf, p, lo, 0, &da) && end_slope(pf, p, hi, hi == m - 1, &db))
        z0 = hermite_root(&c, da, db, &kappa);
    return newton(&c, z0, kappa, z, dg);
}

/* log(p_z(z)/|G'(z)|) at the preimage z of x in piece p (not flat). */
static int log_term(gl_pushforward *pf, const piece *p, double x, double *t)
{
    double z, d;
    int st = solve_piece(pf, p, x, &z, &d);
    if (st)
        return st;
    *t = gl_noise_logpdf(pf->noise, z) - log(fabs(d));
    return GSL_SUCCESS;
}

/* The power law near a fold image (see fold_form), if x is that near. */
static int near_fold(const piece *p, double x, double *t)
{
    for (int e = 0; e < 2; e++) {
        const fold_form *f = &p->end[e];
        double d = fabs(x - (e == 0 ? p->ga : p->gb));
        if (d < f->d0) {
            *t = d == 0 ? (f->alpha > 0 ? INFINITY : f->L) : f->L + f->alpha * log(f->d0 / d);
            return 1;
        }
    }
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Allocation */

int gl_pushforward_alloc(gl_pushforward **out, gl_mlp *G, gl_noise noise, size_t ngrid,
                         gl_err *err)
{
    if (!out)
        return gl_err_set(err, GL_EINVAL, "gl_pushforward_alloc: out is NULL");
    *out = NULL;
    if (!G)
        return gl_err_set(err, GL_EINVAL, "gl_pushforward_alloc: generator G is NULL");
    if (G->sizes[0] != 1 || G->sizes[G->nlayers] != 1)
        return gl_err_set(err, GL_EINVAL, "a 1-D pushforward needs G: R -> R, got %zu "
                          "input(s) and %zu output(s)", G->sizes[0], G->sizes[G->nlayers]);
    if (G->outact != GL_ACT_LINEAR)
        return gl_err_set(err, GL_EINVAL, "a pushforward needs G's output layer linear, got %s "
                          "(push through the linear network, then map by the output activation)",
                          gl_act_name(G->outact));
    if (noise != GL_NOISE_NORMAL && noise != GL_NOISE_UNIFORM)
        return gl_err_set(err, GL_EINVAL, "unknown noise code %d (GL_NOISE_NORMAL or "
                          "GL_NOISE_UNIFORM)", (int)noise);
    if (ngrid < 64 || ngrid > NGRID_MAX)
        return gl_err_set(err, GL_EINVAL, "grid of %zu z points outside 64..%zu", ngrid,
                          NGRID_MAX);

    size_t maxpieces = 2 * ngrid + 1, maxsh = ngrid / 2,
           maxbp = maxpieces + 1 + NQ_MAX + maxsh + ngrid;
    size_t head = (sizeof(gl_pushforward) + 63) & ~(size_t)63;
    size_t bytes = head + maxpieces * sizeof(piece) +
                   (3 * ngrid + maxbp + maxsh + ngrid) * sizeof(double);
    unsigned char *block = malloc(bytes);
    if (!block)
        return gl_err_set(err, GL_ENOMEM, "cannot allocate %zu bytes for a pushforward", bytes);
    memset(block, 0, bytes);
    gl_pushforward *pf = (gl_pushforward *)block;
    pf->G = G;
    pf->noise = noise;
    pf->ngrid = ngrid;
    pf->maxpieces = maxpieces;
    pf->maxbp = maxbp;
    pf->pc = (piece *)(block + head);
    pf->z = (double *)(pf->pc + maxpieces);
    pf->g = pf->z + ngrid;
    pf->gp = pf->g + ngrid;
    pf->bp = pf->gp + ngrid;
    pf->sh = pf->bp + maxbp;
    pf->kz = pf->sh + maxsh;
    pf->zhi = noise == GL_NOISE_NORMAL ? GL_PUSHFORWARD_ZMAX : 1.0;
    pf->zlo = -pf->zhi;
    /* z_i = zlo + i h, with both ends exact */
    double h = (pf->zhi - pf->zlo) / (double)(ngrid - 1);
    for (size_t i = 0; i < ngrid; i++)
        pf->z[i] = i + 1 == ngrid ? pf->zhi : pf->zlo + (double)i * h;
    /* symmetric about 0, so that z = 0 is a grid point exactly when ngrid is odd */
    for (size_t i = 0; i < ngrid / 2; i++)
        pf->z[ngrid - 1 - i] = -pf->z[i];
    if (ngrid % 2)
        pf->z[ngrid / 2] = 0.0;

    pf->solver = gsl_root_fsolver_alloc(gsl_root_fsolver_brent);
    if (!pf->solver) {
        free(block);
        return gl_err_set(err, GL_ENOMEM, "cannot allocate a root solver");
    }
    int st = gl_pushforward_update(pf, err);
    if (st) {
        gl_pushforward_free(pf);
        return st;
    }
    *out = pf;
    return GL_OK;
}

void gl_pushforward_free(gl_pushforward *pf)
{
    if (!pf)
        return;
    gsl_root_fsolver_free(pf->solver);
    free(pf); /* the struct heads its own block */
}

/* ------------------------------------------------------------------------ */
/* Folds and pieces */

/* The fold search walks G' along z, remembering the last point where G' was
 * nonzero; a point where G' has the other sign closes a piece at the fold in
 * between. */
typedef struct {
    gl_pushforward *pf;
    double zl, dl; /* last point with G' != 0, and G' there */
    int sl;        /* its sign; 0 before the first */
    gl_err *err;
} fold_walk;

static int fold_step(fold_walk *w, double z, double d)
{
    gl_pushforward *pf = w->pf;
    int s = sgn(d);
    if (s == 0)
        return GL_OK;
    if (w->sl != 0 && s != w->sl) {
        if (pf->npieces + 1 >= pf->maxpieces)
            return gl_err_set(w->err, GL_ENOCONV, "G has more than %zu folds on a grid of "
                              "%zu points: its derivative is noise", pf->maxpieces - 1,
                              pf->ngrid);
        root_ctx c = {pf->G, 1, 0.0, w->zl, w->dl, z, d};
        double t, gt;
        int st = brent(pf->solver, &c, &t);
        if (st)
            return gl_err_set(w->err, GL_ENOCONV, "fold of G in [%.17g, %.17g] not "
                              "located (%s)", w->zl, z, gsl_strerror(st));
        eval_net(pf->G, &t, 1, &gt, NULL);
        piece *p = &pf->pc[pf->npieces++];
        p->zb = t;
        p->gb = gt;
        p[1].za = t;
        p[1].ga = gt;
    }
    w->zl = z;
    w->dl = d;
    w->sl = s;
    return GL_OK;
}

static int not_finite(gl_err *err, double z, double g, double d)
{
    return gl_err_set(err, GL_EDIVERGE, "generator not finite on the z range: "
                      "G(%.17g) = %g, G'(%.17g) = %g", z, g, z, d);
}

/* Over a cell [a, b], the mean of G' is the secant slope (G(b) - G(a))/(b - a).
 * When it lies outside the range of G' at the two ends (beyond rounding),
 * G' is not monotone inside: the cell holds an extremum of G' (a smooth G)
 * or two kinks (a ReLU net), and possibly a fold pair. Then the cell is cut
 * into NSUB sub-cells, and those that fail the same test again, down to
 * SUB_DEPTH levels (h/256 for NSUB 16, depth 2); the new points (z, G')
 * are appended to ez, ed. A fold pair that leaves the secant inside the
 * range is for the shoulder search, or missed. */
static int secant_fits(double a, double ga, double da, double b, double gb, double db)
{
    double m = (gb - ga) / (b - a);
    double tol = 1e-9 * fmax(fabs(da), fabs(db)) + 1e-13 * (fabs(ga) + fabs(gb)) / (b - a);
    return m >= fmin(da, db) - tol && m <= fmax(da, db) + tol;
}

static int subdivide(gl_pushforward *pf, double a, double ga, double da, double b, double gb,
                     double db, int depth, double *ez, double *ed, int *ne, gl_err *err)
{
    if (depth == 0 || secant_fits(a, ga, da, b, gb, db))
        return GL_OK;
    double zs[NSUB + 1], gs[NSUB + 1], ds[NSUB + 1];
    zs[0] = a, gs[0] = ga, ds[0] = da;
    zs[NSUB] = b, gs[NSUB] = gb, ds[NSUB] = db;
    for (int k = 1; k < NSUB; k++)
        zs[k] = a + k * (b - a) / NSUB;
    eval_net(pf->G, zs + 1, NSUB - 1, gs + 1, ds + 1);
    for (int k = 1; k < NSUB; k++) {
        if (!isfinite(gs[k]) || !isfinite(ds[k]))
            return not_finite(err, zs[k], gs[k], ds[k]);
        ez[*ne] = zs[k], ed[(*ne)++] = ds[k];
    }
    for (int k = 0; k < NSUB; k++) {
        int st = subdivide(pf, zs[k], gs[k], ds[k], zs[k + 1], gs[k + 1], ds[k + 1], depth - 1,
                           ez, ed, ne, err);
        if (st)
            return st;
    }
    return GL_OK;
}

/* Grid point i is a shoulder when s G' (s its sign) has a strict local
 * minimum there among i-1, i, i+1, p_z(z_i) >= 1e-12. Either G' dips to the
 * other sign between grid points (a fold pair narrower than a cell: as it
 * comes, the grid sees a dip of |G'|, whatever the secant does) or it does
 * not and p_g peaks, up to p_z/min|G'|, at the image of the minimum.
 * Golden-section search for the minimum (zm, dm) of s G' on [z_i-1, z_i+1]
 * to SHOULDER_TOL, stopping at the first point where s G' < 0. */
static int shoulder(const gl_pushforward *pf, size_t i, double *zm, double *dm)
{
    const double *gp = pf->gp, *z = pf->z;
    if (i == 0 || i + 1 >= pf->ngrid)
        return 0;
    int s = sgn(gp[i]);
    if (s == 0 || sgn(gp[i - 1]) != s || sgn(gp[i + 1]) != s ||
        !(s * gp[i] < s * gp[i - 1] && s * gp[i] <= s * gp[i + 1]) ||
        gl_noise_logpdf(pf->noise, z[i]) < SHOULDER_LOGPZ)
        return 0;
    const double gold = 0.38196601125010515; /* (3 - sqrt 5)/2 */
    double a = z[i - 1], b = z[i + 1], m = z[i], fm = s * gp[i];
    while (b - a > SHOULDER_TOL) {
        double x = m - a > b - m ? m - gold * (m - a) : m + gold * (b - m);
        double fx = s * deriv_at(pf->G, x);
        if (fx < 0 || !isfinite(fx)) {
            m = x, fm = fx;
            break;
        }
        if (fx < fm) {
            if (x < m)
                b = m;
            else
                a = m;
            m = x, fm = fx;
        } else if (x < m) {
            a = x;
        } else {
            b = x;
        }
    }
    *zm = m;
    *dm = s * fm;
    return 1;
}

/* Distance from x to the nearest of the sorted v[0..n), n >= 1. */
static double distance_to(const double *v, size_t n, double x)
{
    size_t lo = 0, hi = n; /* first index with v >= x, by bisection */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (v[mid] < x)
            lo = mid + 1;
        else
            hi = mid;
    }
    double d = INFINITY;
    if (lo < n)
        d = v[lo] - x;
    if (lo > 0)
        d = fmin(d, x - v[lo - 1]);
    return d;
}

/* A ReLU or leaky-ReLU G is piecewise linear: between kinks the same units
 * are active and G' is the same product of weights, bit for bit. A fold is a
 * kink where G' changes sign, and p_g jumps at the image of every kink,
 * which QUADPACK wants as a breakpoint (it misjudges a jump inside an
 * interval by ~1e-6 with a 1e-16 error estimate). Between two walk points
 * where G' differs, the kinks are found one after the other by bisection on
 * "G' equals its value on the left" to 1e-13, recorded (at most ngrid in
 * all), and walked with G' on their right. Not where p_z < 1e-12. */
static int walk_kinks(fold_walk *w, double a, double da, double b, double db)
{
    gl_pushforward *pf = w->pf;
    if (gl_noise_logpdf(pf->noise, a) < SHOULDER_LOGPZ && gl_noise_logpdf(pf->noise, b) < SHOULDER_LOGPZ)
        return GL_OK;
    for (int k = 0; k < KINKS_PER_CELL && da != db; k++) {
        double lo = a, hi = b, dhi = db;
        while (hi - lo > 1e-13 * fmax(1.0, fabs(lo))) {
            double mid = 0.5 * (lo + hi), dm = deriv_at(pf->G, mid);
            if (dm == da)
                lo = mid;
            else
                hi = mid, dhi = dm;
        }
        if (pf->nkink < pf->ngrid)
            pf->kz[pf->nkink++] = hi;
        int st = fold_step(w, hi, dhi);
        if (st)
            return st;
        a = hi, da = dhi;
    }
    return GL_OK;
}

/* The pieces from the grid: folds, then each piece's grid points, image and
 * mass, the range of G and the breakpoints. */
/* G and G' on the grid, finite and not blown up */
static int grid_values(gl_pushforward *pf, gl_err *err)
{
    size_t n = pf->ngrid;
    eval_net(pf->G, pf->z, n, pf->g, pf->gp);
    for (size_t i = 0; i < n; i++)
        if (!isfinite(pf->g[i]) || !isfinite(pf->gp[i]))
            return not_finite(err, pf->z[i], pf->g[i], pf->gp[i]);
    /* a blown-up generator: its folds are below rounding at this size, and
     * locating them would only subdivide every cell (slowly) */
    for (size_t i = 0; i < n; i++)
        if (!(fabs(pf->g[i]) < GL_PUSHFORWARD_GMAX))
            return gl_err_set(err, GL_EDIVERGE, "generator output G(%g) = %g exceeds %g",
                              pf->z[i], pf->g[i], GL_PUSHFORWARD_GMAX);
    return GL_OK;
}

static int walk_folds(gl_pushforward *pf, gl_err *err)
{
    size_t n = pf->ngrid;
    /* The walk: each grid point, and inside each cell the extra points that
     * locate folds the grid stepped over: the minimum of a shoulder where G'
     * changed sign, or a sub-grid where G' is not monotone. */
    pf->npieces = 0;
    pf->pc[0].za = pf->zlo;
    pf->pc[0].ga = pf->g[0];
    pf->nshoulder = 0;
    pf->nkink = 0;
    int pl = pf->G->act == GL_ACT_RELU || pf->G->act == GL_ACT_LEAKY;
    fold_walk w = {pf, 0.0, 0.0, 0, err};
    double ez[CELL_MAX], ed[CELL_MAX], carry_z = NAN, carry_d = 0;
    int st = fold_step(&w, pf->z[0], pf->gp[0]);
    for (size_t i = 0; i + 1 < n && !st; i++) {
        int ne = 0;
        if (!isnan(carry_z)) { /* shoulder at i, minimum in this cell */
            ez[ne] = carry_z, ed[ne++] = carry_d;
            carry_z = NAN;
        }
        double zm, dm;
        if (shoulder(pf, i + 1, &zm, &dm)) {
            if (sgn(dm) == sgn(pf->gp[i + 1]))
                pf->sh[pf->nshoulder++] = zm; /* a peak of p_g */
            else if (zm < pf->z[i + 1])
                ez[ne] = zm, ed[ne++] = dm;
            else
                carry_z = zm, carry_d = dm;
        }
        st = subdivide(pf, pf->z[i], pf->g[i], pf->gp[i], pf->z[i + 1], pf->g[i + 1],
                       pf->gp[i + 1], SUB_DEPTH, ez, ed, &ne, err);
        /* in z order (insertion sort: a few points, presorted in runs) */
        for (int a = 1; a < ne; a++)
            for (int b = a; b > 0 && ez[b] < ez[b - 1]; b--) {
                double t = ez[b];
                ez[b] = ez[b - 1], ez[b - 1] = t;
                t = ed[b];
                ed[b] = ed[b - 1], ed[b - 1] = t;
            }
        double za = pf->z[i], da = pf->gp[i];
        for (int k = 0; k <= ne && !st; k++) {
            double zb = k < ne ? ez[k] : pf->z[i + 1], db = k < ne ? ed[k] : pf->gp[i + 1];
            if (pl)
                st = walk_kinks(&w, za, da, zb, db);
            if (!st)
                st = fold_step(&w, zb, db);
            za = zb, da = db;
        }
    }
    if (st)
        return st;
    piece *last = &pf->pc[pf->npieces++];
    last->zb = pf->zhi;
    last->gb = pf->g[n - 1];
    return GL_OK;
}

static void piece_ranges(gl_pushforward *pf)
{
    size_t n = pf->ngrid;
    /* grid points inside each piece, image, mass, range */
    size_t i = 0;
    pf->lo = INFINITY;
    pf->hi = -INFINITY;
    for (size_t k = 0; k < pf->npieces; k++) {
        piece *p = &pf->pc[k];
        while (i < n && pf->z[i] <= p->za)
            i++;
        p->i0 = i;
        while (i < n && pf->z[i] < p->zb)
            i++;
        p->i1 = i;
        p->lo = fmin(p->ga, p->gb);
        p->hi = fmax(p->ga, p->gb);
        p->mass = gl_noise_mass(pf->noise, p->za, p->zb);
        pf->lo = fmin(pf->lo, p->lo);
        pf->hi = fmax(pf->hi, p->hi);
    }

}

static int fold_laws(gl_pushforward *pf, gl_err *err)
{
    /* power laws at the folds: end 0 of every piece but the first, end 1 of
     * every piece but the last */
    for (size_t k = 0; k < pf->npieces; k++)
        for (int e = 0; e < 2; e++) {
            piece *p = &pf->pc[k];
            fold_form *f = &p->end[e];
            double xf = e == 0 ? p->ga : p->gb, inward = (e == 0) == (p->gb > p->ga) ? 1 : -1;
            double d0 = fmin(FOLD_D0 * (fabs(xf) + pf->hi - pf->lo), (p->hi - p->lo) / 8), t0, t1;
            f->d0 = 0;
            if ((e == 0 && k == 0) || (e == 1 && k + 1 == pf->npieces) || xf + inward * d0 == xf)
                continue;
            int st = log_term(pf, p, xf + inward * d0, &t0);
            if (!st)
                st = log_term(pf, p, xf + inward * 4 * d0, &t1);
            if (st)
                return gl_err_set(err, GL_ENOCONV, "preimage near the fold image %.17g not "
                                  "found (%s)", xf, gsl_strerror(st));
            if (isfinite(t0) && isfinite(t1)) {
                double a = (t0 - t1) / log(4.0);
                f->alpha = fabs(a - 0.5) < 0.1 ? 0.5 : a < 0.1 ? 0.0 : fmin(a, 0.99);
                f->L = t0;
                f->d0 = d0;
            }
        }

    return GL_OK;
}

static void find_breakpoints(gl_pushforward *pf)
{
    /* breakpoints: the piece ends (folds and z range ends); then the images
     * of the noise quantiles and of the shoulders, except those within
     * BP_SEP (hi - lo) of a piece end: QUADPACK takes the steep flank of a
     * singularity just beyond the end of an interval for a singularity at
     * the end, and extrapolates wrongly (4.6e-5 of the mass, seen at 1.5e-7
     * from a fold image). */
    const double *q = pf->noise == GL_NOISE_NORMAL ? q_normal : q_uniform;
    size_t nq = pf->noise == GL_NOISE_NORMAL ? sizeof q_normal / sizeof q_normal[0]
                                             : sizeof q_uniform / sizeof q_uniform[0];
    double *bp = pf->bp;
    size_t np = 0;
    for (size_t k = 0; k < pf->npieces; k++)
        bp[np++] = pf->pc[k].ga;
    bp[np++] = pf->pc[pf->npieces - 1].gb;
    eval_net(pf->G, pf->kz, pf->nkink, bp + np, NULL);
    np = gl_num_sort_unique(bp, np + pf->nkink);
    double *sec = bp + np, sep = BP_SEP * (pf->hi - pf->lo);
    eval_net(pf->G, q, nq, sec, NULL);
    eval_net(pf->G, pf->sh, pf->nshoulder, sec + nq, NULL);
    size_t m = np;
    for (size_t j = 0; j < nq + pf->nshoulder; j++)
        if (distance_to(bp, np, sec[j]) > sep)
            bp[m++] = sec[j]; /* m <= np + j: compaction in place */
    size_t nd = gl_num_sort_unique(bp, m);
    pf->nbp = nd;
}

static int find_pieces(gl_pushforward *pf, gl_err *err)
{
    int st = grid_values(pf, err);
    if (!st)
        st = walk_folds(pf, err);
    if (st)
        return st;
    piece_ranges(pf);
    if ((st = fold_laws(pf, err)))
        return st;
    find_breakpoints(pf);
    return GL_OK;
}

int gl_pushforward_update(gl_pushforward *pf, gl_err *err)
{
    if (!pf)
        return gl_err_set(err, GL_EINVAL, "gl_pushforward_update: pushforward is NULL");
    pf->ready = 0;
    int st = find_pieces(pf, err);
    pf->ready = st == GL_OK;
    return st;
}

/* ------------------------------------------------------------------------ */
/* Density and CDF */

double gl_pushforward_logpdf(gl_pushforward *pf, double x)
{
    if (!pf || !pf->ready || isnan(x))
        return NAN;
    if (x < pf->lo || x > pf->hi)
        return -INFINITY;
    double acc = -INFINITY;
    for (size_t k = 0; k < pf->npieces; k++) {
        const piece *p = &pf->pc[k];
        if (x < p->lo || x > p->hi)
            continue;
        if (p->lo == p->hi) { /* G constant on the piece: an atom */
            acc = INFINITY;
            break;
        }
        double t;
        if (!near_fold(p, x, &t) && log_term(pf, p, x, &t)) {
            acc = NAN;
            break;
        }
        if (t == INFINITY) { /* at a fold: G' = 0 (logaddexp(inf, inf) is NaN) */
            acc = t;
            break;
        }
        acc = gl_num_logaddexp(acc, t);
    }
    return acc;
}

double gl_pushforward_cdf(gl_pushforward *pf, double x)
{
    if (!pf || !pf->ready || isnan(x))
        return NAN;
    if (x < pf->lo)
        return 0.0;
    if (x >= pf->hi)
        return 1.0;
    double acc = 0.0;
    for (size_t k = 0; k < pf->npieces; k++) {
        const piece *p = &pf->pc[k];
        if (x >= p->hi) {
            acc += p->mass;
            continue;
        }
        if (x < p->lo)
            continue;
        double z, d;
        if (solve_piece(pf, p, x, &z, &d)) {
            acc = NAN;
            break;
        }
        acc += p->gb > p->ga ? gl_noise_mass(pf->noise, p->za, z) : gl_noise_mass(pf->noise, z, p->zb);
    }
    return acc < 0 ? 0.0 : acc > 1 ? 1.0 : acc;
}

/* ------------------------------------------------------------------------ */
/* Breakpoints, range, samples */

size_t gl_pushforward_breakpoints(const gl_pushforward *pf, double *bp, size_t maxbp)
{
    if (!pf || !pf->ready)
        return 0;
    for (size_t k = 0; k < pf->nbp && k < maxbp; k++)
        bp[k] = pf->bp[k];
    return pf->nbp;
}

void gl_pushforward_range(const gl_pushforward *pf, double *lo, double *hi)
{
    int ok = pf && pf->ready;
    if (lo)
        *lo = ok ? pf->lo : NAN;
    if (hi)
        *hi = ok ? pf->hi : NAN;
}

void gl_pushforward_sample(gl_pushforward *pf, const gsl_rng *r, size_t n, double *x)
{
    if (!pf) {
        for (size_t k = 0; k < n; k++)
            x[k] = NAN;
        return;
    }
    gl_mlp *G = pf->G;
    for (size_t off = 0, m; off < n; off += m) {
        m = n - off < G->maxbatch ? n - off : G->maxbatch;
        gl_noise_sample(pf->noise, r, m, x + off);
        gl_mlp_forward(G, x + off, m, x + off);
    }
}
