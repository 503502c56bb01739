/* SPDX-License-Identifier: GPL-3.0-or-later */
/* live.c — the live view's frames: measurements of the current G and D
 * (exact where the lab has them: watch.h, metrics.h, gen.h) written as
 * gnuplot commands into a stream. */
#include "live.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_rng.h>

#include "metrics.h"
#include "modes.h"
#include "num.h"
#include "watch.h"

enum { CURVE_N = 101 }; /* points of G's curve for zdim 1 (2-D data) */

gl_live_cfg gl_live_cfg_default(void)
{
    gl_live_cfg c;
    memset(&c, 0, sizeof c);
    c.title = "ganlab train";
    c.nx = 201;
    c.heat = 48;
    c.mesh = 11;
    c.nreal = 500;
    c.narrows = 0;
    c.history = 1024;
    c.seed = 1;
    return c;
}

struct gl_live {
    const gl_mix *P;
    gl_mlp *G, *D;
    gl_gan *w;
    gl_live_cfg cfg;
    gl_loss_kind loss;
    gl_noise noise;
    size_t dim, zdim, batch, m, nshow, nmesh;
    int modes; /* 1 if P is a mixture of Gaussians (modes and HQ are scored) */
    gl_watch *watch;
    gsl_rng *er;
    double lo[2], hi[2]; /* the frame's box: the data's (4 sd), widened by a quarter */
    double *gx, *gpd, *gpg, *gd, *gds; /* 1-D grid: x, p_data, p_g, D, D* (nx each) */
    double *hc, *hd;                   /* 2-D: the heat x heat cells' centres, D there */
    double *real, *mz, *mx;            /* 2-D: real samples; mesh noise and image */
    double *ez, *ex;                   /* 2-D: GL_LIVE_NEVAL noise vectors and fakes */
    size_t *counts;                    /* the mode histogram (P->n) */
    double *z, *fx, *fdx;              /* the fakes: noise, G(z), dL_G/dx (batch rows) */
    double *din, *dout;                /* D's input and output, D->maxbatch rows */
    double *hist, pt[GL_LIVE_NCURVES];
    size_t nh;
    size_t step;
};

void gl_live_free(gl_live *lv)
{
    if (!lv)
        return;
    gl_watch_free(lv->watch);
    gsl_rng_free(lv->er);
    free(lv->gx);
    free(lv->counts);
    free(lv);
}

/* one block for every buffer, in the order of the struct */
static int alloc_buffers(gl_live *lv, gl_err *err)
{
    const gl_live_cfg *c = &lv->cfg;
    size_t d = lv->dim, zd = lv->zdim, h2 = c->heat * c->heat;
    size_t nm = lv->nmesh > CURVE_N ? lv->nmesh : CURVE_N;
    size_t n1 = d == 1 ? 5 * c->nx : 0;
    size_t n2 = d == 2 ? 3 * h2 + 2 * c->nreal + nm * (zd + 2) + GL_LIVE_NEVAL * (zd + 2) : 0;
    size_t nf = lv->batch * (zd + 2 * d), nd = lv->D->maxbatch * (lv->m * d + 1);
    size_t n = n1 + n2 + nf + nd + c->history * GL_LIVE_NCURVES;
    double *p = malloc(n * sizeof *p);
    lv->counts = calloc(lv->P->n, sizeof *lv->counts);
    if (!p || !lv->counts) {
        free(p);
        return gl_err_set(err, GL_ENOMEM, "out of memory for the live view");
    }
    memset(p, 0, n * sizeof *p);
    lv->gx = p;
    if (d == 1) {
        lv->gpd = p + c->nx, lv->gpg = p + 2 * c->nx, lv->gd = p + 3 * c->nx;
        lv->gds = p + 4 * c->nx;
    }
    p += n1;
    if (d == 2) {
        lv->hc = p, lv->hd = p + 2 * h2, lv->real = p + 3 * h2, p += 3 * h2 + 2 * c->nreal;
        lv->mz = p, lv->mx = p + nm * zd, p += nm * (zd + 2);
        lv->ez = p, lv->ex = p + GL_LIVE_NEVAL * zd, p += GL_LIVE_NEVAL * (zd + 2);
    }
    lv->z = p, lv->fx = p + lv->batch * zd, lv->fdx = lv->fx + lv->batch * d, p += nf;
    lv->din = p, lv->dout = p + lv->D->maxbatch * lv->m * d, p += nd;
    lv->hist = p;
    return GL_OK;
}

/* The fixed inputs: the fakes' noise (quantiles of p_z for a 1-D G, else
 * draws), and in 2-D the real samples, the mesh's z-grid, the scored noise. */
static void fixed_inputs(gl_live *lv)
{
    size_t B = lv->batch, zd = lv->zdim;
    int normal = lv->noise == GL_NOISE_NORMAL;
    if (zd == 1) {
        for (size_t i = 0; i < B; i++) {
            double u = ((double)i + 0.5) / (double)B;
            lv->z[i] = normal ? gsl_cdf_ugaussian_Pinv(u) : 2 * u - 1;
        }
    } else {
        gl_noise_sample(lv->noise, lv->er, B * zd, lv->z);
    }
    if (lv->dim != 2)
        return;
    size_t H = lv->cfg.heat;
    for (size_t j = 0; j < H; j++) /* rows of y, x fastest */
        for (size_t i = 0; i < H; i++) {
            lv->hc[2 * (j * H + i)] = lv->lo[0] + (lv->hi[0] - lv->lo[0]) * ((double)i + 0.5) / (double)H;
            lv->hc[2 * (j * H + i) + 1] = lv->lo[1] + (lv->hi[1] - lv->lo[1]) * ((double)j + 0.5) / (double)H;
        }
    gl_mix_sample(lv->P, lv->er, lv->cfg.nreal, lv->real);
    gl_noise_sample(lv->noise, lv->er, GL_LIVE_NEVAL * zd, lv->ez);
    double R = normal ? (zd == 1 ? 3.0 : 2.0) : 1.0;
    size_t M = lv->cfg.mesh;
    memset(lv->mz, 0, lv->nmesh * zd * sizeof *lv->mz);
    for (size_t k = 0; k < lv->nmesh; k++) {
        double *zk = lv->mz + k * zd;
        if (zd == 1) {
            zk[0] = -R + 2 * R * (double)k / (CURVE_N - 1);
        } else {
            zk[0] = -R + 2 * R * (double)(k / M) / (double)(M - 1);
            zk[1] = -R + 2 * R * (double)(k % M) / (double)(M - 1);
        }
    }
}

static int check_cfg(const gl_mix *P, const gl_rig *g, const gl_live_cfg *c, gl_err *err)
{
    if (P->dim != 1 && P->dim != 2)
        return gl_err_set(err, GL_EINVAL, "the live view draws 1-D or 2-D data, not %d-D", P->dim);
    if (!g->G || !g->D || !g->w)
        return gl_err_set(err, GL_EINVAL, "gl_live_alloc: the rig is not built");
    if (c->nx < 2 || c->heat < 2 || c->mesh < 2 || c->nreal < 1 || c->history < 4 ||
        c->nx > 100000 || c->heat > 1000 || c->mesh > 1000 || c->nreal > 100000 ||
        c->history > 1000000)
        return gl_err_set(err, GL_EINVAL, "live view: nx %zu, heat %zu, mesh %zu, nreal %zu or "
                          "history %zu out of range", c->nx, c->heat, c->mesh, c->nreal, c->history);
    return GL_OK;
}

int gl_live_alloc(gl_live **out, const gl_mix *P, const gl_rig *g, const gl_gan_cfg *gan,
                  const gl_live_cfg *cfg, gl_err *err)
{
    *out = NULL;
    int s = check_cfg(P, g, cfg, err);
    if (s)
        return s;
    gl_live *lv = calloc(1, sizeof *lv);
    if (!lv)
        return gl_err_set(err, GL_ENOMEM, "out of memory for the live view");
    lv->P = P, lv->G = g->G, lv->D = g->D, lv->w = g->w, lv->cfg = *cfg;
    lv->loss = gan->loss, lv->noise = gan->noise;
    lv->dim = (size_t)P->dim, lv->zdim = gan->zdim, lv->batch = gan->batch;
    lv->m = gan->pack > 1 ? gan->pack : 1;
    size_t cap = cfg->narrows ? cfg->narrows : lv->dim == 1 ? 32 : 256;
    lv->nshow = cap < lv->batch ? cap : lv->batch;
    lv->nmesh = lv->zdim == 1 ? CURVE_N : cfg->mesh * cfg->mesh;
    lv->modes = lv->dim == 2 && gl_modes_check(P, NULL) == GL_OK;
    for (size_t a = 0; a < lv->dim; a++) {
        double lo = INFINITY, hi = -INFINITY;
        gl_mix_box(P, (int)a, 4.0, &lo, &hi);
        lv->lo[a] = lo - (hi - lo) / 4, lv->hi[a] = hi + (hi - lo) / 4;
    }
    if (!(lv->er = gsl_rng_alloc(gsl_rng_mt19937)))
        s = gl_err_set(err, GL_ENOMEM, "out of memory for the live view");
    if (!s)
        s = alloc_buffers(lv, err);
    if (!s)
        s = gl_watch_alloc(&lv->watch, P, g->G, gan->noise, gan->loss, cfg->seed, err);
    if (s) {
        gl_live_free(lv);
        return s;
    }
    gsl_rng_set(lv->er, cfg->seed ^ 0x5851f42d4c957f2dul);
    fixed_inputs(lv);
    for (size_t i = 0; lv->dim == 1 && i < cfg->nx; i++)
        lv->gx[i] = lv->lo[0] + (lv->hi[0] - lv->lo[0]) * (double)i / (double)(cfg->nx - 1);
    *out = lv;
    return GL_OK;
}

/* y[n x dim] = G(z[n x zdim]), in chunks of G's capacity */
static void eval_g(gl_live *lv, const double *z, size_t n, double *y)
{
    size_t cap = lv->G->maxbatch;
    for (size_t i = 0; i < n; i += cap)
        gl_mlp_forward(lv->G, z + i * lv->zdim, n - i < cap ? n - i : cap, y + i * lv->dim);
}

/* d[i] = D at x_i (n points of dim coordinates): sigmoid of the logit, or
 * ls's raw score; a packed D (pack m) sees m copies of x_i */
static void eval_d(gl_live *lv, const double *x, size_t n, double *d)
{
    size_t cap = lv->D->maxbatch, dim = lv->dim, m = lv->m;
    for (size_t i = 0; i < n; i += cap) {
        size_t k = n - i < cap ? n - i : cap;
        for (size_t r = 0; r < k; r++)
            for (size_t c = 0; c < m; c++)
                memcpy(lv->din + (r * m + c) * dim, x + (i + r) * dim, dim * sizeof *x);
        gl_mlp_forward(lv->D, lv->din, k, lv->dout);
        for (size_t r = 0; r < k; r++)
            d[i + r] = lv->loss == GL_LOSS_LS ? lv->dout[r] : gl_num_sigmoid(lv->dout[r]);
    }
}

static void measure_1d(gl_live *lv)
{
    gl_metrics_gen *ex = gl_watch_gen(lv->watch);
    gl_pushforward *pf = ex ? gl_metrics_gen_pf(ex) : NULL;
    eval_d(lv, lv->gx, lv->cfg.nx, lv->gd);
    for (size_t i = 0; i < lv->cfg.nx; i++) {
        double lp = gl_mix_logpdf(lv->P, &lv->gx[i]);
        double lg = pf ? gl_pushforward_logpdf(pf, lv->gx[i]) : NAN;
        lv->gpd[i] = exp(lp);
        lv->gpg[i] = exp(lg);
        lv->gds[i] = pf ? gl_metrics_dstar(lp, lg) : NAN;
    }
}

static void measure_2d(gl_live *lv, double *modes, double *hq)
{
    eval_d(lv, lv->hc, lv->cfg.heat * lv->cfg.heat, lv->hd);
    eval_g(lv, lv->mz, lv->nmesh, lv->mx);
    *modes = *hq = NAN;
    if (!lv->modes)
        return;
    gl_modes r;
    eval_g(lv, lv->ez, GL_LIVE_NEVAL, lv->ex);
    if (gl_modes_score(lv->P, lv->ex, GL_LIVE_NEVAL, lv->counts, &r, NULL) == GL_OK)
        *modes = (double)r.covered / (double)r.nmodes, *hq = r.hq_frac;
}

/* the curves keep at most cfg.history points: when full, every other one goes */
static void push_point(gl_live *lv)
{
    size_t cap = lv->cfg.history;
    if (lv->nh == cap) {
        for (size_t i = 0; i < cap / 2; i++)
            memmove(lv->hist + i * GL_LIVE_NCURVES, lv->hist + 2 * i * GL_LIVE_NCURVES,
                    sizeof lv->pt);
        lv->nh = cap / 2;
    }
    memcpy(lv->hist + lv->nh++ * GL_LIVE_NCURVES, lv->pt, sizeof lv->pt);
}

void gl_live_update(gl_live *lv, const gl_gan_stats *st)
{
    double row[GL_WATCH_NCOLS], modes = NAN, hq = NAN;
    gl_watch_row(lv->watch, st, row);
    gl_gan_push(lv->w, lv->z, lv->fx, lv->fdx);
    if (lv->dim == 1)
        measure_1d(lv);
    else
        measure_2d(lv, &modes, &hq);
    double pt[GL_LIVE_NCURVES] = {row[0], row[7], row[9], row[3], row[1], row[2], modes, hq};
    memcpy(lv->pt, pt, sizeof pt);
    lv->step = st->step;
    push_point(lv);
}

size_t gl_live_jsd_failures(const gl_live *lv)
{
    return gl_watch_failures(lv->watch, NULL, NULL);
}

const double *gl_live_point(const gl_live *lv)
{
    return lv->pt;
}

/* ---- writing a frame ---- */

static void put(FILE *f, double v)
{
    if (isfinite(v))
        fprintf(f, "%.6g", v);
    else
        fputs("NaN", f);
}

/* s as a gnuplot single-quoted string: quotes doubled, control characters dropped */
static void put_str(FILE *f, const char *s)
{
    fputc('\'', f);
    for (; s && *s; s++)
        if (*s == '\'')
            fputs("''", f);
        else if ((unsigned char)*s >= 0x20)
            fputc(*s, f);
    fputc('\'', f);
}

static int any_finite(const double *v, size_t n, size_t stride)
{
    for (size_t i = 0; i < n; i++)
        if (isfinite(v[i * stride]))
            return 1;
    return 0;
}

/* the curves' points as $hist: step jsd jsd_est V loss_d loss_g modes hq */
static void put_history(const gl_live *lv, FILE *f)
{
    fputs("$hist << EOD\n", f);
    for (size_t i = 0; i < lv->nh; i++)
        for (size_t c = 0; c < GL_LIVE_NCURVES; c++) {
            put(f, lv->hist[i * GL_LIVE_NCURVES + c]);
            fputc(c + 1 < GL_LIVE_NCURVES ? ' ' : '\n', f);
        }
    fputs("EOD\n", f);
}

/* the fakes shown as $fk: x y dx dy, the arrows -dL_G/dx scaled so that the
 * longest is 1/10 of the x range (y = at, dy = 0 for 1-D data) */
static void put_fakes(const gl_live *lv, FILE *f, double at)
{
    size_t d = lv->dim, every = (lv->batch + lv->nshow - 1) / lv->nshow;
    double big = 0;
    for (size_t i = 0; i < lv->batch; i += every) {
        double n2 = 0;
        for (size_t a = 0; a < d; a++)
            n2 += lv->fdx[i * d + a] * lv->fdx[i * d + a];
        big = n2 > big ? n2 : big;
    }
    double k = big > 0 && isfinite(big) ? -0.1 * (lv->hi[0] - lv->lo[0]) / sqrt(big) : 0;
    fputs("$fk << EOD\n", f);
    for (size_t i = 0; i < lv->batch; i += every) {
        const double *x = lv->fx + i * d, *g = lv->fdx + i * d;
        put(f, x[0]), fputc(' ', f), put(f, d == 2 ? x[1] : at), fputc(' ', f);
        put(f, k * g[0]), fputc(' ', f), put(f, d == 2 ? k * g[1] : 0), fputc('\n', f);
    }
    fputs("EOD\n", f);
}

static void frame_head(const gl_live *lv, FILE *f, const char *note, double top)
{
    fputs("reset\nset termoption noenhanced\nset multiplot title ", f);
    char t[512];
    snprintf(t, sizeof t, "%s: step %zu%s%s", lv->cfg.title, lv->step, note ? "   |   " : "",
             note ? note : "");
    put_str(f, t);
    fprintf(f, "\nset origin 0,%g\nset size 1,%g\nset key top right font ',9' samplen 2\n"
            "set xrange [%.6g:%.6g]\n", 1 - top, top - 0.04, lv->lo[0], lv->hi[0]);
}

/* the bottom panel: the curves over the steps, from $hist */
static void frame_curves(const gl_live *lv, FILE *f, double bottom)
{
    const double *h = lv->hist;
    size_t n = lv->nh;
    double s0 = h[0], s1 = h[(n - 1) * GL_LIVE_NCURVES];
    fputs("unset y2tics\nunset y2label\nunset ylabel\nset ytics mirror\nset y2range [*:*]\n"
          "set yrange [*:*]\n", f);
    fprintf(f, "set origin 0,0\nset size 1,%g\nset xlabel 'step'\nset xrange [%.6g:%.6g]\n"
            "set key outside right top vertical font ',9' samplen 2\n", bottom, s0,
            s1 > s0 ? s1 : s0 + 1);
    int exact = any_finite(h + 1, n, GL_LIVE_NCURVES), ls = lv->loss == GL_LOSS_LS;
    if (lv->dim == 2 && lv->modes)
        fputs("set y2range [0:1.05]\nset y2tics 0.25\nset ytics nomirror\n", f);
    fputs("set ylabel 'nats'\nplot ", f);
    if (exact)
        fputs("$hist u 1:2 w l lw 2 lc rgb '#000000' t 'JSD (exact)', ", f);
    else
        fputs("$hist u 1:3 w l lw 2 lc rgb '#000000' t 'JSD (histogram estimate)', ", f);
    fputs("0 w l dt 3 lc rgb '#000000' t 'JSD = 0'", f);
    if (lv->dim == 1) {
        if (!ls)
            fputs(", $hist u 1:4 w l lc rgb '#4477aa' t 'V(D,G)', -log(4) w l dt 2 lc rgb "
                  "'#4477aa' t 'V = -log 4'", f);
        fputs(", $hist u 1:5 w l lc rgb '#228833' t 'L_D', $hist u 1:6 w l lc rgb '#cc3311' "
              "t 'L_G'", f);
        if (!ls)
            fputs(", log(4) w l dt 2 lc rgb '#228833' t 'L_D = log 4'", f);
    } else if (lv->modes) {
        fputs(", $hist u 1:7 axes x1y2 w l lw 2 lc rgb '#228833' t 'modes covered / K', "
              "$hist u 1:8 axes x1y2 w l lw 2 lc rgb '#aa3377' t 'HQ fraction (within 3 sd)', "
              "1 axes x1y2 w l dt 2 lc rgb '#228833' t 'all modes'", f);
    }
    fputs("\nunset multiplot\n", f);
}

/* the top panel for 1-D data */
static void frame_1d(const gl_live *lv, FILE *f)
{
    size_t nx = lv->cfg.nx;
    int pg = any_finite(lv->gpg, nx, 1), ls = lv->loss == GL_LOSS_LS;
    double ymax = 0, pmax = 0, dlo = 0, dhi = 1;
    for (size_t i = 0; i < nx; i++)
        pmax = lv->gpd[i] > pmax ? lv->gpd[i] : pmax;
    for (size_t i = 0; i < nx; i++) { /* p_g's spikes are cut at 3 times p_data's peak */
        double g = isfinite(lv->gpg[i]) ? fmin(lv->gpg[i], 3 * pmax) : 0;
        ymax = fmax(ymax, fmax(lv->gpd[i], g));
        if (ls && isfinite(lv->gd[i]))
            dlo = fmin(dlo, lv->gd[i]), dhi = fmax(dhi, lv->gd[i]);
    }
    fputs("$c1 << EOD\n", f);
    for (size_t i = 0; i < nx; i++) {
        double r[5] = {lv->gx[i], lv->gpd[i], lv->gpg[i], lv->gd[i], lv->gds[i]};
        for (int c = 0; c < 5; c++)
            put(f, r[c]), fputc(c < 4 ? ' ' : '\n', f);
    }
    fputs("EOD\n", f);
    put_fakes(lv, f, 0.04 * ymax);
    fprintf(f, "set yrange [0:%.6g]\nset y2range [%.6g:%.6g]\nset ytics nomirror\nset y2tics\n"
            "set ylabel 'density'\nset y2label '%s'\n", 1.1 * ymax, dlo, dhi,
            ls ? "D(x) (ls: a score)" : "D(x)");
    fputs("plot $c1 u 1:2 w filledcurves x1 fs solid 0.3 noborder lc rgb '#4477aa' t 'p_data'", f);
    if (pg)
        fputs(", $c1 u 1:3 w l lw 2 lc rgb '#cc3311' t 'p_g (exact)'", f);
    fputs(", $c1 u 1:4 axes x1y2 w l lw 2 lc rgb '#228833' t 'D(x)'", f);
    if (pg && !ls)
        fputs(", $c1 u 1:5 axes x1y2 w l lw 2 dt 2 lc rgb '#000000' t 'D*_G(x) (exact)'", f);
    if (!ls)
        fputs(", 0.5 axes x1y2 w l dt 3 lc rgb '#777777' t 'D = 1/2'", f);
    fputs(", $fk u 1:2 w p pt 7 ps 0.6 lc rgb '#aa3377' t 'G(z)', $fk u 1:2:3:4 w vectors "
          "filled head lc rgb '#aa3377' t '-dL_G/dx'\n", f);
}

/* the top panel for 2-D data */
static void frame_2d(const gl_live *lv, FILE *f)
{
    size_t H = lv->cfg.heat, zd = lv->zdim, M = lv->cfg.mesh;
    fputs("$heat << EOD\n", f);
    for (size_t k = 0; k < H * H; k++) {
        put(f, lv->hc[2 * k]), fputc(' ', f), put(f, lv->hc[2 * k + 1]), fputc(' ', f);
        put(f, lv->hd[k]), fputc('\n', f);
    }
    fputs("EOD\n$real << EOD\n", f);
    for (size_t i = 0; i < lv->cfg.nreal; i++)
        put(f, lv->real[2 * i]), fputc(' ', f), put(f, lv->real[2 * i + 1]), fputc('\n', f);
    fputs("EOD\n$mesh << EOD\n", f); /* lines of the z-grid, first along z1, then along z0 */
    for (size_t pass = 0; pass < (zd == 1 ? 1u : 2u); pass++)
        for (size_t a = 0; a < (zd == 1 ? 1 : M); a++) {
            for (size_t b = 0; b < (zd == 1 ? lv->nmesh : M); b++) {
                size_t k = zd == 1 ? b : pass == 0 ? a * M + b : b * M + a;
                put(f, lv->mx[2 * k]), fputc(' ', f), put(f, lv->mx[2 * k + 1]), fputc('\n', f);
            }
            fputc('\n', f);
        }
    fputs("EOD\n", f);
    put_fakes(lv, f, 0);
    fprintf(f, "set yrange [%.6g:%.6g]\nset cbrange [0:1]\nset cblabel 'D(x)'\n"
            "set palette defined (0 '#762a83', 0.5 '#f7f7f7', 1 '#1b7837')\n", lv->lo[1], lv->hi[1]);
    if (lv->loss == GL_LOSS_LS)
        fputs("set cbrange [*:*]\nset cblabel 'D(x) (ls: a score)'\n", f);
    fputs("plot $heat u 1:2:3 w image t '', $real u 1:2 w p pt 7 ps 0.3 lc rgb '#1b7837' t 'real', "
          "$mesh u 1:2 w l lw 1 lc rgb '#555555' t 'G(z-grid)', $fk u 1:2 w p pt 7 ps 0.4 lc "
          "rgb '#762a83' t 'G(z)', $fk u 1:2:3:4 w vectors filled head lc rgb '#000000' "
          "t '-dL_G/dx'\n", f);
}

int gl_live_write(const gl_live *lv, FILE *out, const char *note, gl_err *err)
{
    if (!lv->nh)
        return gl_err_set(err, GL_EINVAL, "gl_live_write: no frame yet (gl_live_update)");
    double top = lv->dim == 1 ? 0.62 : 0.70;
    put_history(lv, out);
    frame_head(lv, out, note, top);
    if (lv->dim == 1)
        frame_1d(lv, out);
    else
        frame_2d(lv, out);
    frame_curves(lv, out, 1 - top);
    if (fflush(out) || ferror(out))
        return gl_err_set(err, GL_EIO, "cannot write the live view's frame");
    return GL_OK;
}
