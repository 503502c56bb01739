/* SPDX-License-Identifier: GPL-3.0-or-later */
/* global-optimum — claim: C(G) = max_D V(D,G) = -log 4 + 2 JSD(p_data||p_g) is
 * minimised exactly at p_g = p_data, where it is -log 4 (Goodfellow et al. 2014,
 * Theorem 1); a trained GAN approaches it: V ~ -log 4, D ~ 1/2, accuracy ~ 0.5.
 * setup: A, p_data = N(0,1) against p_g = N(mu,sigma) on a grid, by quadrature;
 * B, 1-D GANs (G 1-16-16-1 tanh, z ~ N(0,1); D 1-32-32-1 leaky ReLU; NS loss)
 * on 0.5 N(-2,0.5)+0.5 N(2,0.5), one sweep over several seeds, claims on the
 * medians; the generator's density exact by pushforward, so its JSD is exact.
 * Parts A2 (convexity, envelope, collapse) and C (k = 1 against k = 5) are in
 * global-optimum-a2.c and global-optimum-k.c.
 * theory: theory/global-optimum.md */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <gsl/gsl_rng.h>

#include "exp.h"
#include "fdiv.h"
#include "gen.h"
#include "global-optimum.h"
#include "metrics.h"
#include "mix.h"
#include "mlp.h"
#include "num.h"
#include "optim.h"
#include "rig.h"
#include "sweep.h"
#include "train.h"

const char gl_exp_global_optimum_overrides[] =
    "  --seeds N        GAN runs (seeds seed..seed+N-1) in part B (default 5; --quick 3)\n"
    "  --steps N        G-steps per run (default 30000; --quick 5000); --untrained keeps\n"
    "                   them, with G frozen at its initialisation (D trains as usual), and\n"
    "                   trains part C's GANs for 0 steps\n"
    "  --batch N        samples from each of p_data and p_g per step (default 256;\n"
    "                   --quick 64)\n"
    "  --lr X           Adam learning rate of both nets, decayed linearly to lr/20\n"
    "                   (default 0.002; --quick 0.003)\n"
    "  --hidden-g LIST  generator hidden widths, tanh (default 16,16)\n"
    "  --hidden-d LIST  discriminator hidden widths, leaky ReLU 0.2 (default 32,32)\n";

#define PDATA_A "N(0,1)"
#define PDATA_B "0.5*N(-2,0.5)+0.5*N(2,0.5)"
#define NEVAL 10000  /* fresh samples per class for mean |D-1/2| and the accuracy */
#define NSNAP 5      /* p_g snapshots of the first seed */
#define NXD 401      /* x grid of the snapshots: x = XLO + XH i */
#define XLO (-5.0)
#define XH (10.0 / (NXD - 1))

/* ------------------------------------------------------------------ part A */

/* the grid of p_g = N(mu, sigma): mu = -3..3 step hmu, sigma = 0.25..3 step hs */
typedef struct {
    double hmu, hs;
} a_grid;

static const a_grid A_QUICK = {.hmu = 0.5, .hs = 0.25}, A_FULL = {.hmu = 0.125, .hs = 0.0625};

static int landscape(const gl_exp_opts *o, gl_rec *rec, gl_claims *cl, gl_err *err)
{
    /* mu = (i - ic) hmu and sigma = 1 + (j - jc) hs: the optimum (0, 1) is a
     * grid point exactly, not up to rounding */
    const a_grid *gr = o->quick ? &A_QUICK : &A_FULL;
    double hmu = gr->hmu, hs = gr->hs;
    int ic = (int)lround(3.0 / hmu), jc = (int)lround(0.75 / hs);
    int nmu = 2 * ic + 1, ns = (int)lround(2.75 / hs) + 1;
    gl_mix *P = NULL, *G = NULL;
    gl_tsv *t = NULL;
    const gl_fdiv *js = gl_fdiv_get(GL_F_JS);
    int s;
    if ((s = gl_mix_parse(PDATA_A, &P, err)) || (s = gl_rec_open(rec, "landscape.tsv", &t, err)))
        goto done;
    gl_tsv_meta(t, "pdata", "%s", PDATA_A);
    gl_tsv_meta(t, "pg", "N(mu, sigma), mu = -3..3 step %g, sigma = 0.25..3 step %g", hmu, hs);
    gl_tsv_meta(t, "columns", "C = V(D*,G) by quadrature; JSD from the f-divergence catalogue");
    gl_tsv_header(t, 4, (const char *const[]){"mu", "sigma", "C", "JSD"});
    double cmin = INFINITY, cmax = -INFINITY, resid = 0, c01 = NAN, amu = NAN, asg = NAN;
    for (int i = 0; i < nmu; i++) {
        for (int j = 0; j < ns; j++) {
            double mu = (i - ic) * hmu, sg = 1.0 + (j - jc) * hs, C, J, eC, eJ;
            char spec[96];
            snprintf(spec, sizeof spec, "N(%.17g,%.17g)", mu, sg);
            if ((s = gl_mix_parse(spec, &G, err)) || (s = gl_fdiv_value_dstar(P, G, NULL, &C, &eC, err)) ||
                (s = gl_fdiv_eval(js, P, G, NULL, &J, &eJ, err)))
                goto done;
            gl_mix_free(G);
            G = NULL;
            if (C < cmin) {
                cmin = C;
                amu = mu;
                asg = sg;
            }
            cmax = fmax(cmax, C);
            resid = fmax(resid, fabs(C - (-log(4.0) + 2 * J)));
            if (i == ic && j == jc)
                c01 = C;
            gl_tsv_row(t, 4, (double[]){mu, sg, C, J});
        }
        gl_tsv_scan(t); /* gnuplot scan lines */
        if (o->progress)
            o->progress(o->progress_ctx, "global-optimum A: C(G) landscape", (double)(i + 1) / nmu);
    }
    if ((s = gl_tsv_meta(t, "argmin", "%g %g", amu, asg))) {
        s = gl_err_set(err, s, "cannot write landscape.tsv");
        goto done;
    }
    gl_claims_add(cl, "A_argmin_mu", GL_CLAIM_EQ, 0, amu, 0, "exact: (0, 1) is a grid point");
    gl_claims_add(cl, "A_argmin_sigma", GL_CLAIM_EQ, 1, asg, 0, "exact: (0, 1) is a grid point");
    gl_claims_add(cl, "A_C(0,1)+log4", GL_CLAIM_EQ, 0, c01 + log(4.0), 1e-10,
                  "quadratures good to ~1e-12: a factor 100 spare");
    gl_claims_add(cl, "A_min_C+log4", GL_CLAIM_GE, 0, cmin + log(4.0), 1e-10,
                  "quadratures good to ~1e-12: a factor 100 spare");
    gl_claims_add(cl, "A_max_C", GL_CLAIM_LE, 0, cmax, 1e-10,
                  "quadratures good to ~1e-12: a factor 100 spare");
    gl_claims_add(cl, "A_max|C+log4-2JSD|", GL_CLAIM_EQ, 0, resid, 1e-10,
                  "quadratures good to ~1e-12: a factor 100 spare");
done:
    gl_mix_free(P);
    gl_mix_free(G);
    return s;
}

/* ------------------------------------------------------------------ part B */

/* part B's one configuration (a sweep over seeds of it); overrides set it */
typedef struct {
    size_t seeds, steps, batch;
    double lr;
    gl_mlp_hidden hg, hd;
    size_t nlog;    /* measured steps per run (each costs ~40 ms: the exact JSD) */
    int freeze_g;   /* --untrained: G stays at its initialisation, D trains */
} b_settings;

#define B_NAME "gan"

/* a run's logged rows, one array each under these names: the columns of
 * gan-log.tsv after the seed */
static const char *const B_LOG[] = {"step", "JSD", "V", "se_V", "mean_abs_D-half", "accuracy",
                                    "loss_d", "loss_g"};
enum { L_STEP, L_JSD, L_V, L_SE, L_MABS, L_ACC, L_LOSSD, L_LOSSG, NLOGCOL };
/* its final values (the last logged row), the columns of gan-final.tsv after the seed */
static const char *const B_FINAL[] = {"final_JSD", "final_V", "final_mean_abs_D-half",
                                      "final_accuracy", "final_(V-C(G))/se_V"};
enum { F_JSD, F_V, F_MABS, F_ACC, F_Z, NFINAL };
typedef char b_tables_match[sizeof B_LOG / sizeof B_LOG[0] == NLOGCOL &&
                            sizeof B_FINAL / sizeof B_FINAL[0] == NFINAL ? 1 : -1];

/* what every run of part B shares, read-only */
typedef struct {
    b_settings g;
    const gl_mix *P;
    size_t le;               /* G-steps between logged steps */
    size_t nrows;            /* logged rows per run: step 0, every le-th step, the last */
    size_t snap_step[NSNAP]; /* the p_g snapshots of the first seed ("density") */
} b_plan;

static b_plan b_make_plan(const b_settings *g, const gl_mix *P)
{
    b_plan p = {.g = *g, .P = P};
    p.le = g->steps >= g->nlog ? g->steps / g->nlog : 1;
    p.nrows = 1 + g->steps / p.le + (g->steps % p.le != 0);
    for (int k = 0; k < NSNAP; k++) /* 0, 1/8, 1/4, 1/2, 1 of training, on logged steps */
        p.snap_step[k] = k == 0 ? 0 : (g->steps >> (NSNAP - 1 - k)) / p.le * p.le;
    p.snap_step[NSNAP - 1] = g->steps;
    return p;
}

/* one run's state while it trains */
typedef struct {
    const b_plan *p;
    gl_exp_gan *gan;
    gsl_rng *re;           /* evaluation draws: a stream of their own, so that
                            * logging never changes the training trajectory */
    double *xs, *ds;       /* 2 NEVAL samples, D's logits */
    double *col[NLOGCOL];  /* the run's arrays B_LOG */
    double *snap;          /* NSNAP x NXD p_g (the first seed), or NULL */
    size_t nl;             /* rows logged */
    size_t nretry, nfail;  /* JSD quadratures retried on the finer grid; still failed */
    int status;
    gl_err *err;
} b_watch;

/* on NEVAL fresh samples of each class (x ~ p_data, x = G(z) with z ~ N(0,1)):
 * V(D,G) = E_p[log D] + E_g[log(1-D)] as two sample means, with its standard
 * error, the mean |D - 1/2| and D's accuracy */
static void b_sample_stats(b_watch *w, double *V, double *se, double *mabs, double *acc)
{
    gl_mlp *D = w->gan->rig.D;
    gl_mix_sample(w->p->P, w->re, NEVAL, w->xs);
    gl_pushforward_sample(gl_metrics_gen_pf(w->gan->ex), w->re, NEVAL, w->xs + NEVAL);
    size_t mb = D->maxbatch;
    for (size_t i = 0; i < 2 * NEVAL; i += mb) {
        size_t n = 2 * NEVAL - i < mb ? 2 * NEVAL - i : mb;
        gl_mlp_forward(D, w->xs + i, n, w->ds + i);
    }
    double ma = 0, ac = 0, m[2] = {0, 0}, m2[2] = {0, 0};
    for (size_t i = 0; i < 2 * NEVAL; i++) {
        double a = w->ds[i], d = gl_num_sigmoid(a);
        int fake = i >= NEVAL;
        double l = fake ? -gl_num_softplus(a) : -gl_num_softplus(-a); /* log(1-D) or log D */
        m[fake] += l;
        m2[fake] += l * l;
        ma += fabs(d - 0.5);
        ac += fake ? a <= 0 : a > 0;
    }
    *mabs = ma / (2 * NEVAL);
    *acc = ac / (2 * NEVAL);
    double v = 0, se2 = 0;
    for (int k = 0; k < 2; k++) {
        double mu = m[k] / NEVAL;
        v += mu;
        se2 += (m2[k] / NEVAL - mu * mu) / (NEVAL - 1);
    }
    *V = v;
    *se = sqrt(se2);
}

/* the measurements of one logged step: the exact JSD by quadrature and the
 * sample statistics above, as row nl of the run's arrays. (V by quadrature
 * was tried: QUADPACK reports roundoff at 1e-12 relative on the corners of a
 * leaky-ReLU D composed with G, so V is a Monte Carlo mean, error ~1e-3.) */
static int b_measure(b_watch *w, size_t step, double loss_d, double loss_g)
{
    double J, eJ, V, se, mabs, acc;
    int retried;
    /* gl_metrics_gen_jsd retries on the finer fold search; a logged step
     * where neither converges is recorded as NaN and counted; at the last
     * step it is an error */
    int s = gl_metrics_gen_jsd(w->gan->ex, w->p->P, &J, &eJ, &retried, w->err);
    w->nretry += (size_t)retried;
    if (s == GL_ENOCONV && step != w->p->g.steps) {
        w->nfail++;
        J = NAN;
        s = GL_OK;
        gl_err_clear(w->err);
    }
    if (s)
        return s;
    if (w->nl == w->p->nrows)
        return gl_err_set(w->err, GL_EINVAL, "more than %zu logged steps", w->p->nrows);
    b_sample_stats(w, &V, &se, &mabs, &acc);
    const double row[NLOGCOL] = {[L_STEP] = (double)step, [L_JSD] = J, [L_V] = V, [L_SE] = se,
                                 [L_MABS] = mabs, [L_ACC] = acc, [L_LOSSD] = loss_d,
                                 [L_LOSSG] = loss_g};
    for (int c = 0; c < NLOGCOL; c++)
        w->col[c][w->nl] = row[c];
    w->nl++;
    gl_pushforward *pf = gl_metrics_gen_pf(w->gan->ex);
    for (int k = 0; w->snap && k < NSNAP; k++)
        if (w->p->snap_step[k] == step)
            for (size_t i = 0; i < NXD; i++)
                w->snap[k * NXD + i] = exp(gl_pushforward_logpdf(pf, XLO + XH * (double)i));
    return GL_OK;
}

static int b_hook(void *v, const gl_gan_stats *st)
{
    b_watch *w = v;
    w->status = b_measure(w, st->step, st->loss_d, st->loss_g);
    return w->status != GL_OK;
}

/* the run's arrays, and the density snapshots for the first seed */
static int b_arrays(gl_run *run, b_watch *w, gl_err *err)
{
    for (int c = 0; c < NLOGCOL; c++)
        if (!(w->col[c] = gl_run_array(run, B_LOG[c], w->p->nrows, err)))
            return err->status;
    if (gl_run_seed_index(run) == 0 && !(w->snap = gl_run_array(run, "density", NSNAP * NXD, err)))
        return err->status;
    return GL_OK;
}

/* the final values (the last row) and the quadrature counts */
static int b_record(gl_run *run, const b_watch *w, gl_err *err)
{
    size_t l = w->nl - 1;
    double J = w->col[L_JSD][l], V = w->col[L_V][l], se = w->col[L_SE][l];
    const double v[NFINAL] = {[F_JSD] = J, [F_V] = V, [F_MABS] = w->col[L_MABS][l],
                              [F_ACC] = w->col[L_ACC][l], [F_Z] = (V - (-log(4.0) + 2 * J)) / se};
    int s = GL_OK;
    for (size_t k = 0; !s && k < NFINAL; k++)
        s = gl_run_put(run, B_FINAL[k], v[k], err);
    if (!s && !(s = gl_run_put(run, "jsd_retried", (double)w->nretry, err)))
        s = gl_run_put(run, "jsd_failed", (double)w->nfail, err);
    return s;
}

/* One run: G's then D's weights from the seed's stream, evaluation draws from
 * seed + 1000003; the rate falls linearly from lr to lr/20, in one piece per
 * logged interval. Measured at step 0, every le-th step and the last. */
static int b_run(gl_run *run, const void *ctx, gl_err *err)
{
    const b_plan *p = ctx;
    unsigned long seed = gl_run_seed(run);
    gl_exp_gan g = {0};
    b_watch w = {.p = p, .gan = &g, .err = err};
    double *buf = malloc(4 * NEVAL * sizeof *buf);
    w.re = gsl_rng_alloc(gsl_rng_mt19937);
    int s = buf && w.re ? GL_OK : gl_err_set(err, GL_ENOMEM, "out of memory");
    if (s || (s = b_arrays(run, &w, err)))
        goto done;
    w.xs = buf;
    w.ds = buf + 2 * NEVAL;
    gsl_rng_set(w.re, seed + 1000003UL);
    gl_gan_cfg cfg = gl_gan_cfg_default();
    cfg.steps = p->g.steps;
    cfg.batch = p->g.batch;
    cfg.lr_d = cfg.lr_g = p->g.lr;
    cfg.sched.kind = GL_SCHED_LINEAR;
    cfg.sched.end = 0.05;
    cfg.sched.pieces = p->g.steps / p->le >= 2 ? p->g.steps / p->le : 0;
    cfg.log_every = p->le;
    cfg.hook = b_hook;
    cfg.hook_ctx = &w;
    cfg.freeze_g = p->g.freeze_g;
    gl_rig_arch a = gl_rig_arch_default();
    a.g = p->g.hg;
    a.d = p->g.hd;
    a.dmaxbatch = 512; /* D also evaluates batches of 512 (b_sample_stats) */
    if ((s = gl_exp_gan_alloc_run(&g, &a, &cfg, p->P, run, seed, err)) || (s = b_measure(&w, 0, NAN, NAN)))
        goto done;
    s = gl_gan_train(g.rig.w, p->P, g.r, err);
    if (!s && w.status)
        s = w.status;
    if (!s && w.col[L_STEP][w.nl - 1] != (double)p->g.steps) /* the last step is always measured */
        s = b_measure(&w, p->g.steps, gl_gan_last(g.rig.w)->loss_d, gl_gan_last(g.rig.w)->loss_g);
    if (!s && w.nl != p->nrows)
        s = gl_err_set(err, GL_EINVAL, "%zu logged steps, expected %zu", w.nl, p->nrows);
    if (!s)
        s = b_record(run, &w, err);
done:
    gl_exp_gan_free(&g);
    gsl_rng_free(w.re);
    free(buf);
    return s;
}

/* gan-log.tsv: every run's rows, one gnuplot index per seed */
static int b_write_log(gl_rec *rec, const gl_sweep *sw, const b_plan *p, unsigned long seed0,
                       gl_err *err)
{
    gl_tsv *t;
    int s = gl_rec_open(rec, "gan-log.tsv", &t, err);
    if (s)
        return s;
    gl_tsv_meta(t, "pdata", "%s", PDATA_B);
    gl_tsv_meta(t, "seeds", "%zu", p->g.seeds);
    gl_tsv_meta(t, "training",
                "NS loss, k = 1, alternating, z ~ N(0,1), batch %zu, Adam (b1 0.5) lr %g decayed "
                "linearly to %g, %zu steps%s", p->g.batch, p->g.lr, p->g.lr / 20, p->g.steps,
                p->g.freeze_g ? "; G frozen at its initialisation (control run)" : "");
    gl_tsv_meta(t, "columns", "JSD exact (pushforward + quadrature); V(D,G) (and its standard "
                "error), mean |D-1/2| and accuracy on %d fresh samples per class", NEVAL);
    const char *cols[1 + NLOGCOL] = {"seed"};
    for (int c = 0; c < NLOGCOL; c++)
        cols[1 + c] = B_LOG[c];
    gl_tsv_header(t, 1 + NLOGCOL, cols);
    for (size_t k = 0; k < p->g.seeds; k++) {
        const double *v[NLOGCOL];
        size_t n[NLOGCOL];
        for (int c = 0; c < NLOGCOL; c++)
            v[c] = gl_sweep_array(sw, B_NAME, k, B_LOG[c], &n[c]);
        for (size_t i = 0; i < n[0]; i++) {
            double row[1 + NLOGCOL] = {(double)(seed0 + k)};
            for (int c = 0; c < NLOGCOL; c++)
                row[1 + c] = i < n[c] ? v[c][i] : NAN;
            gl_tsv_row(t, 1 + NLOGCOL, row);
        }
        s = gl_tsv_block(t);
    }
    return gl_tsv_done(t, err);
}

/* gan-density.tsv: p_data and the first seed's p_g snapshots on the x grid */
static int b_write_density(gl_rec *rec, const gl_sweep *sw, const b_plan *p, gl_err *err)
{
    gl_tsv *t;
    size_t n;
    const double *snap = gl_sweep_array(sw, B_NAME, 0, "density", &n);
    int s = gl_rec_open(rec, "gan-density.tsv", &t, err);
    if (s)
        return s;
    if (n != NSNAP * NXD)
        return gl_err_set(err, GL_EINVAL, "the first seed recorded %zu density values, not %d", n,
                          NSNAP * NXD);
    gl_tsv_meta(t, "pdata", "%s", PDATA_B);
    gl_tsv_meta(t, "steps", "%zu %zu %zu %zu %zu", p->snap_step[0], p->snap_step[1],
                p->snap_step[2], p->snap_step[3], p->snap_step[4]);
    gl_tsv_header(t, 2 + NSNAP, (const char *const[]){"x", "p_data", "p_g_a", "p_g_b", "p_g_c",
                                                      "p_g_d", "p_g_e"});
    for (size_t i = 0; i < NXD; i++) {
        double row[2 + NSNAP], x = XLO + XH * (double)i;
        row[0] = x;
        row[1] = gl_mix_pdf(p->P, &x);
        for (int k = 0; k < NSNAP; k++)
            row[2 + k] = snap[k * NXD + i];
        s = gl_tsv_row(t, 2 + NSNAP, row);
    }
    return gl_tsv_done(t, err);
}

/* gan-final.tsv (every seed's final values, the medians) and the claims */
static int b_final_claims(const gl_exp_opts *o, gl_rec *rec, const gl_sweep *sw,
                          const b_plan *p, gl_claims *cl, gl_err *err)
{
    gl_tsv *t;
    int s = gl_rec_open(rec, "gan-final.tsv", &t, err);
    if (s)
        return s;
    gl_tsv_meta(t, "pdata", "%s", PDATA_B);
    gl_tsv_header(t, 1 + NFINAL, (const char *const[]){"seed", "JSD", "V", "mean_abs_D-half",
                                                       "accuracy", "(V-C(G))/se_V"});
    size_t nretry = 0, nfail = 0;
    for (size_t k = 0; k < p->g.seeds; k++) {
        double row[1 + NFINAL] = {(double)(o->seed + k)};
        for (size_t q = 0; q < NFINAL; q++)
            row[1 + q] = gl_sweep_value(sw, B_NAME, k, B_FINAL[q]);
        gl_tsv_row(t, 1 + NFINAL, row);
        nretry += (size_t)gl_sweep_value(sw, B_NAME, k, "jsd_retried");
        nfail += (size_t)gl_sweep_value(sw, B_NAME, k, "jsd_failed");
    }
    /* tolerances from the JSD threshold tau (theory/global-optimum.md):
     * best accuracy - 1/2 and E_m|D* - 1/2| are <= sqrt(tau/2); D's own error
     * adds EST; the accuracy's binomial error is 0.5/sqrt(2 NEVAL) (3 sd);
     * V <= C(G) <= -log 4 + 2 tau above, and V >= C(G) - GAP below */
    double tau = o->quick ? 0.1 : 0.02, est = 0.02, gap = 0.02;
    double bound = sqrt(tau / 2), binom = 3 * 0.5 / sqrt(2.0 * NEVAL);
    double mJ = gl_sweep_get(sw, B_NAME, "final_JSD_median");
    double mV = gl_sweep_get(sw, B_NAME, "final_V_median");
    double mA = gl_sweep_get(sw, B_NAME, "final_mean_abs_D-half_median");
    double mC = gl_sweep_get(sw, B_NAME, "final_accuracy_median");
    /* "_max" is NaN if any value is: a NaN (se_V = 0: a constant D) fails the claim */
    double worst = gl_sweep_get(sw, B_NAME, "final_(V-C(G))/se_V_max");
    gl_tsv_meta(t, "jsd_quadrature", "%zu of the logged steps retried on the finer grid, "
                "%zu of them still failed (NaN in gan-log.tsv)", nretry, nfail);
    gl_tsv_meta(t, "median", "JSD %.6g V %.6g mean_abs %.6g accuracy %.6g", mJ, mV, mA, mC);
    s = gl_tsv_meta(t, "worst_JSD", "%.6g", gl_sweep_get(sw, B_NAME, "final_JSD_max"));
    gl_claims_add(cl, "B_median_JSD", GL_CLAIM_LE, 0, mJ, tau,
                  o->quick ? "quick: tau 0.1; an untrained G starts at 0.4-0.7"
                           : "about twice the typical median (0.0084)");
    gl_claims_add(cl, "B_median_V+log4", GL_CLAIM_EQ, 0, mV + log(4.0), 2 * tau + gap,
                  "2 tau above (V <= C(G)), D's gap 0.02 below");
    gl_claims_add(cl, "B_median_mean|D-1/2|", GL_CLAIM_EQ, 0, mA, bound + est,
                  "sqrt(tau/2) from the JSD, + D's own floor 0.02");
    gl_claims_add(cl, "B_median_accuracy", GL_CLAIM_EQ, 0.5, mC, bound + est + binom,
                  "sqrt(tau/2) + D's floor 0.02 + 3 binomial sd");
    gl_claims_add(cl, "B_max_(V-C(G))/se_V", GL_CLAIM_LE, 0, worst, 4,
                  "V <= C(G) for any D, up to 4 se of V's estimate");
    return gl_tsv_done(t, err);
}

/* part B: one sweep over seeds, then its tables and claims */
static int trained(const gl_exp_opts *o, const b_settings *g, gl_rec *rec, gl_claims *cl,
                   gl_err *err)
{
    gl_mix *P = NULL;
    gl_sweep *sw = NULL;
    int s = gl_mix_parse(PDATA_B, &P, err);
    if (s)
        return s;
    b_plan p = b_make_plan(g, P);
    gl_sweep_cfg sc = gl_exp_sweep_cfg(o, "global-optimum B: training GANs");
    sc.nconfigs = 1;
    sc.names = (const char *const[]){B_NAME};
    sc.nseeds = g->seeds;
    sc.run = b_run;
    sc.ctx = &p;
    if (!(s = gl_sweep_run(&sw, &sc, err)) && !(s = b_write_log(rec, sw, &p, o->seed, err)) &&
        !(s = b_final_claims(o, rec, sw, &p, cl, err)))
        s = b_write_density(rec, sw, &p, err);
    gl_sweep_free(sw);
    gl_mix_free(P);
    return s;
}

/* the overrides, on part B's settings; the ranges are the options' */
static int b_overrides(const gl_exp_opts *o, b_settings *g, gl_err *err)
{
    const gl_argspec specs[] = {
        {.name = "seeds", .type = GL_ARG_SIZE, .dst = &g->seeds, .min = 1, .max = 100},
        {.name = "steps", .type = GL_ARG_SIZE, .dst = &g->steps, .min = 1, .max = 1e9},
        {.name = "batch", .type = GL_ARG_SIZE, .dst = &g->batch, .min = 1, .max = 100000},
        {.name = "lr", .type = GL_ARG_DOUBLE, .dst = &g->lr, .min = 0, .max = 1, .open_min = 1},
        {.name = "hidden-g", .type = GL_ARG_FN, .dst = &g->hg, .parse = gl_exp_arg_hidden},
        {.name = "hidden-d", .type = GL_ARG_FN, .dst = &g->hd, .parse = gl_exp_arg_hidden},
    };
    return gl_args_parse(o->argc, o->argv, specs, sizeof specs / sizeof specs[0], err);
}

int gl_exp_global_optimum(const gl_exp_opts *o, gl_rec *rec, gl_claims *cl, gl_err *err)
{
    b_settings g = {
        .seeds = o->quick ? 3 : 5,
        .steps = o->quick ? 5000 : 30000,
        .batch = o->quick ? 64 : 256,
        .lr = o->quick ? 3e-3 : 2e-3,
        .hg = {.n = 2, .v = {16, 16}},
        .hd = {.n = 2, .v = {32, 32}},
        .nlog = o->quick ? 10 : 40,
        .freeze_g = o->untrained,
    };
    int s;
    if ((s = b_overrides(o, &g, err)) || (s = landscape(o, rec, cl, err)) ||
        (s = gl_global_optimum_a2(o, rec, cl, err)))
        return s;
    /* parts B, C and H are independent sweeps: a slice (--shard) runs its
     * part of each, so a GL_ESLICE from one does not stop the next */
    if ((s = trained(o, &g, rec, cl, err)) && s != GL_ESLICE)
        return s;
    int sk = gl_global_optimum_k(o, rec, cl, err);
    if (sk && sk != GL_ESLICE)
        return sk;
    int sh = gl_global_optimum_h(o, rec, cl, err);
    return sh ? sh : sk ? sk : s;
}
