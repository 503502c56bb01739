/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fgan-fit — claim: the single Gaussian closest to a bimodal P in D_f covers
 * both modes for kl (moment matching) and sits on one mode for rkl and the
 * other mode-seeking divergences; an f-GAN generator x = mu + sigma z, trained
 * through the variational bound against a critic network (Nowozin et al. 2016,
 * Section 4 style), lands where the exact gradient flow of D_f from the same
 * start ends.
 * setup: P = 0.5 N(-2,0.5) + 0.5 N(2,0.5) and the 3:1 variant; direct fits by
 * quadrature + GSL multimin (gl_fit_gauss) and the exact gradient flow from
 * the generator's start (gl_fit_flow); f-GAN: 1-32-32-1 leaky-ReLU critic,
 * Adam on (mu, log sigma).  theory: theory/fgan-fit.md */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_rng.h>

#include "exp.h"
#include "fconj.h"
#include "fdiv.h"
#include "fit.h"
#include "fspline.h"
#include "mix.h"
#include "mlp.h"
#include "optim.h"

const char gl_exp_fgan_fit_overrides[] =
    "  --steps N      generator steps per f-GAN run (default 4000; --quick 3000)\n"
    "  --dsteps N     critic steps per generator step (default 8; --quick 2)\n"
    "  --batch N      samples of P and of the generator per step (default 256; --quick 128)\n"
    "  --glr X        generator Adam learning rate, decayed to X/20 over the last 40%\n"
    "                 (default 0.002; --quick 0.005)\n"
    "  --clr X        critic Adam learning rate, decayed the same way (default 0.002)\n"
    "These set the network f-GAN; the spline f-GAN always runs 4000 steps of 8 critic\n"
    "steps, batch 256, both rates 0.002. --untrained: both take 0 generator steps and\n"
    "no critic warm-up (the generator stays at its start).\n";

/* the target mixtures P, by name */
typedef struct {
    const char *name, *spec;
} mixture;
static const mixture MIX[] = {
    {.name = "1:1", .spec = "0.5*N(-2,0.5)+0.5*N(2,0.5)"},
    {.name = "3:1", .spec = "0.75*N(-2,0.5)+0.25*N(2,0.5)"},
};
#define NMIX (sizeof MIX / sizeof MIX[0])

/* the (mixture, divergence) runs, in the order of fits.tsv's rows and
 * densities.tsv's columns; --quick runs those marked quick. Not pearson and
 * neyman: their T* (2(p/q - 1), 1 - (q/p)^2) runs to e^30 over the
 * generator's path, and neyman is infinite at the start. Every f-GAN run
 * draws its critic's weights and its samples from ONE stream (seed 19 s + 7),
 * in this order: a run's numbers depend on the runs before it, so this is a
 * loop, not a sweep of independent runs. */
typedef struct {
    const char *mix;
    gl_f_id f;
    int quick; /* run in --quick too */
} fgan_entry;
static const fgan_entry RUN[] = {
    {.mix = "1:1", .f = GL_F_KL, .quick = 1}, {.mix = "1:1", .f = GL_F_RKL},
    {.mix = "1:1", .f = GL_F_JS},             {.mix = "1:1", .f = GL_F_HELLINGER},
    {.mix = "1:1", .f = GL_F_JEFFREYS},       {.mix = "3:1", .f = GL_F_KL, .quick = 1},
    {.mix = "3:1", .f = GL_F_RKL},            {.mix = "3:1", .f = GL_F_JS},
    {.mix = "3:1", .f = GL_F_HELLINGER},      {.mix = "3:1", .f = GL_F_JEFFREYS},
};
#define NRUN (sizeof RUN / sizeof RUN[0])

#define NSTAGE 20 /* learning-rate stages; the last quarter is averaged */
#define WARMUP 500 /* critic steps before the first generator step */
#define MU0 0.5     /* the generator's start N(MU0, SIGMA0): off the 1:1 problem's symmetry axis */
#define SIGMA0 1.0
#define TOL_MU 0.1
#define TOL_SIGMA 0.1

/* the restricted critic classes (fspline.h): V piecewise linear with m
 * intervals on [-5, 5], continued linearly beyond, its knot values within
 * +-bound. Each contains the one before (the knots of m are among those of
 * 2m, and the bounds grow), so D_F grows along the list towards D_f. The
 * spline f-GAN trains a critic of class FGAN_CLASS; --quick computes the
 * first NCLASS_QUICK. */
static const gl_fspline CLASS[] = {
    {.m = 4, .lo = -5, .hi = 5, .bound = 5},
    {.m = 8, .lo = -5, .hi = 5, .bound = 10},
    {.m = 16, .lo = -5, .hi = 5, .bound = 20},
    {.m = 32, .lo = -5, .hi = 5, .bound = 40},
};
#define NCLASS (sizeof CLASS / sizeof CLASS[0])
#define NCLASS_QUICK 2
#define FGAN_CLASS 1

/* the index in MIX of the mixture named name, NMIX if none is */
static size_t mix_index(const char *name)
{
    size_t m = 0;
    while (m < NMIX && strcmp(MIX[m].name, name))
        m++;
    return m;
}

/* the configurations of a run's two phases: the critic alone against the
 * starting generator, then the game at cfg's rates */
static void phases(const gl_fit_fgan_cfg *cfg, gl_fit_fgan_cfg *warm, gl_fit_fgan_cfg *run)
{
    *warm = *cfg;
    warm->steps = 1;
    warm->dsteps = WARMUP;
    warm->lr_gen = 1e-3;
    warm->sched = gl_sched_default();
    *run = *cfg;
    run->steps = cfg->steps / NSTAGE * NSTAGE;
}

/* out: the average of (mu, log sigma) over the last quarter of the NSTAGE
 * stages of per steps (sigma returned as exp of its average), spread: the sd
 * of mu's per-stage averages there */
static void stage_average(const double *trace, size_t per, double out[2], double *spread)
{
    double sum[2] = {0, 0}, sq = 0;
    int nav = 0;
    for (int st = NSTAGE - NSTAGE / 4; st < NSTAGE; st++) {
        double a[2] = {0, 0};
        for (size_t i = (size_t)st * per; i < (size_t)(st + 1) * per; i++) {
            a[0] += trace[2 * i];
            a[1] += trace[2 * i + 1];
        }
        a[0] /= (double)per;
        a[1] /= (double)per;
        sum[0] += a[0];
        sum[1] += a[1];
        sq += a[0] * a[0];
        nav++;
    }
    out[0] = sum[0] / nav;
    out[1] = exp(sum[1] / nav);
    *spread = sqrt(fmax(0, sq / nav - out[0] * out[0]));
}

/* one f-GAN run from (mu0, sigma0): the critic learns alone first, then the
 * generator trains with the rates held for 60% of the NSTAGE stages and then
 * decayed linearly to a twentieth; out: the average of (mu, log sigma) over
 * the last quarter of the stages, and the sd of the per-stage averages there.
 * With 0 steps (--untrained) nothing trains: out is the start, spread 0. */
static int fgan_run(const gl_fconj *c, const gl_mix *P, const gsl_rng *r, const gl_fit_fgan_cfg *cfg,
                    gl_mlp *net, gl_optim *oc, gl_optim *og, double mu0, double sigma0, double *trace,
                    double out[2], double *spread, gl_err *err)
{
    double th[2] = {mu0, log(sigma0)}, avg[2];
    size_t per = cfg->steps / NSTAGE;
    int s;
    gl_mlp_init(net, r);
    gl_optim_reset(oc);
    gl_optim_reset(og);
    if (cfg->steps == 0) {
        out[0] = mu0, out[1] = sigma0, *spread = 0;
        return GL_OK;
    }
    /* warm-up: the critic first learns T* of the starting generator, so that
     * the generator's first steps follow a gradient, not an untrained critic */
    gl_fit_fgan_cfg warm, run;
    phases(cfg, &warm, &run);
    if ((s = gl_fit_fgan(c, P, net, oc, og, &warm, r, th, avg, NULL, err)) ||
        (s = gl_fit_fgan(c, P, net, oc, og, &run, r, th, avg, trace, err)))
        return s;
    stage_average(trace, per, out, spread);
    return GL_OK;
}

/* the same run against a critic of the restricted class CLASS[FGAN_CLASS],
 * on its own stream r; with 0 steps, out is the start */
static int spline_run(const gl_fconj *c, const gl_mix *P, const gsl_rng *r, const gl_fit_fgan_cfg *cfg,
                      gl_optim *oc, gl_optim *og, double *trace, double out[2], gl_err *err)
{
    double th[2] = {MU0, log(SIGMA0)}, avg[2], v[GL_FSPLINE_MAXM + 1] = {0}, spread;
    gl_fit_fgan_cfg warm, run;
    int s;
    gl_optim_reset(oc);
    gl_optim_reset(og);
    if (cfg->steps == 0) {
        out[0] = MU0, out[1] = SIGMA0;
        return GL_OK;
    }
    phases(cfg, &warm, &run);
    if ((s = gl_fspline_fgan(c, P, &CLASS[FGAN_CLASS], v, oc, og, &warm, r, th, avg, NULL, err)) ||
        (s = gl_fspline_fgan(c, P, &CLASS[FGAN_CLASS], v, oc, og, &run, r, th, avg, trace, err)))
        return s;
    stage_average(trace, cfg->steps / NSTAGE, out, &spread);
    return GL_OK;
}


/* the overrides */
typedef struct {
    unsigned long steps, dsteps, batch;
    double glr, clr;
} settings;

/* the spline f-GAN's settings, in both modes (a run takes ~0.3 s): the
 * network's full defaults */
static const settings SPLINE_SETTINGS = {.steps = 4000, .dsteps = 8, .batch = 256, .glr = 2e-3, .clr = 2e-3};

/* the f-GAN's configuration: the rates held for 60% of the NSTAGE stages,
 * then decayed linearly to a twentieth */
static gl_fit_fgan_cfg fgan_cfg(const settings *st)
{
    gl_fit_fgan_cfg fc = gl_fit_fgan_cfg_default();
    fc.steps = st->steps;
    fc.dsteps = st->dsteps;
    fc.batch = st->batch;
    fc.lr_critic = st->clr;
    fc.lr_gen = st->glr;
    fc.sched.kind = GL_SCHED_LINEAR;
    fc.sched.end = 1.0 / 20;
    fc.sched.hold = 0.6;
    fc.sched.pieces = NSTAGE;
    return fc;
}

/* one run's results: the direct fit, the f-GAN's average and the flow's end */
typedef struct {
    gl_fit_result direct, flow;
    double fgan_mu, fgan_sigma, fgan_D; /* D_f(P || N(fgan_mu, fgan_sigma)) */
    double spread; /* the sd of fgan_mu's per-stage averages */
    gl_fit_result restricted[NCLASS]; /* the flow of D_F for each class, same start */
    double dF_at_flow[NCLASS];        /* D_F of each class at the exact flow's end */
    double spline_mu, spline_sigma;   /* the f-GAN against a critic of CLASS[FGAN_CLASS] */
} fit_result;

/* what the runs share: the mixtures, the critic and the optimisers, the
 * trace buffer and the one stream */
typedef struct {
    gl_mix *P[NMIX];
    gl_mlp *net;
    gl_optim *oc, *og;
    double *trace; /* the generator's iterates of one run */
    gsl_rng *r;
    gsl_rng *r2;     /* the spline f-GANs' own stream (seed 23 s + 5) */
    gl_optim *osc;   /* the spline critic's optimiser */
} fgan_ws;

static int ws_alloc(fgan_ws *w, const gl_exp_opts *o, const settings *st, gl_err *err)
{
    int s = GL_OK;
    *w = (fgan_ws){.net = NULL};
    w->r = gsl_rng_alloc(gsl_rng_mt19937);
    w->r2 = gsl_rng_alloc(gsl_rng_mt19937);
    w->trace = malloc(2 * (st->steps > SPLINE_SETTINGS.steps ? st->steps : SPLINE_SETTINGS.steps) * sizeof *w->trace);
    if (!w->r || !w->r2 || !w->trace)
        return gl_err_set(err, GL_ENOMEM, "out of memory");
    gsl_rng_set(w->r, o->seed * 19 + 7);
    gsl_rng_set(w->r2, o->seed * 23 + 5);
    for (size_t m = 0; m < NMIX && !s; m++)
        s = gl_mix_parse(MIX[m].spec, &w->P[m], err);
    if (s || (s = gl_mlp_alloc(&w->net, 3, (size_t[]){1, 32, 32, 1}, GL_ACT_LEAKY, 0.2, 2 * st->batch, err)) ||
        (s = gl_optim_alloc(&w->oc, GL_OPT_ADAM, w->net->nparams, 1e-3, err)) ||
        (s = gl_optim_alloc(&w->og, GL_OPT_ADAM, 2, 1e-2, err)) ||
        (s = gl_optim_alloc(&w->osc, GL_OPT_ADAM, CLASS[FGAN_CLASS].m + 1, 1e-3, err)))
        return s;
    return GL_OK;
}

static void ws_free(fgan_ws *w)
{
    for (size_t m = 0; m < NMIX; m++)
        gl_mix_free(w->P[m]);
    gl_mlp_free(w->net);
    gl_optim_free(w->oc);
    gl_optim_free(w->og);
    gl_optim_free(w->osc);
    free(w->trace);
    gsl_rng_free(w->r);
    gsl_rng_free(w->r2);
}

/* run e: the direct fit, the exact flow from the f-GAN's start, the f-GAN on
 * w's stream and D_f at its average, and the spline f-GAN on w's second
 * stream */
static int fit_one(const fgan_entry *e, fgan_ws *w, const gl_fit_fgan_cfg *fc, const gl_fit_fgan_cfg *fsc,
                   fit_result *res, gl_err *err)
{
    const gl_fdiv *f = gl_fdiv_get(e->f);
    size_t m = mix_index(e->mix);
    double fg[2], ae;
    int s;
    if (m == NMIX)
        return gl_err_set(err, GL_EINVAL, "fgan-fit: no mixture named \"%s\"", e->mix);
    const gl_mix *P = w->P[m];
    if ((s = gl_fit_gauss(f, P, NULL, &res->direct, err)) ||
        (s = gl_fit_flow(f, P, MU0, SIGMA0, 0.05, 1e-4, 20000, &res->flow, err)) ||
        (s = fgan_run(gl_fconj_get(e->f), P, w->r, fc, w->net, w->oc, w->og, MU0, SIGMA0, w->trace, fg,
                      &res->spread, err)))
        return s;
    res->fgan_mu = fg[0];
    res->fgan_sigma = fg[1];
    gl_mix *Q = NULL;
    char spec[96];
    snprintf(spec, sizeof spec, "N(%.17g,%.17g)", fg[0], fg[1]);
    if (!(s = gl_mix_parse(spec, &Q, err)))
        s = gl_fdiv_eval(f, P, Q, NULL, &res->fgan_D, &ae, err);
    gl_mix_free(Q);
    if (!s && !(s = spline_run(gl_fconj_get(e->f), P, w->r2, fsc, w->osc, w->og, w->trace, fg, err)))
        res->spline_mu = fg[0], res->spline_sigma = fg[1];
    return s;
}

static int run_selected(const gl_exp_opts *o, const fgan_entry *e) { return !o->quick || e->quick; }

static void fits_meta(gl_tsv *t, const settings *st)
{
    char ps[256] = "";
    for (size_t m = 0; m < NMIX; m++)
        snprintf(ps + strlen(ps), sizeof ps - strlen(ps), "%s%s = %s", m ? "; " : "", MIX[m].name, MIX[m].spec);
    gl_tsv_meta(t, "P", "%s", ps);
    gl_tsv_meta(t, "direct", "argmin over (mu, log sigma) of D_f(P||N(mu,sigma)) by quadrature: gl_fit_gauss from "
                             "P's moments and from each mode (best kept); flow: the end of the exact gradient flow "
                             "from the f-GAN's start (gl_fit_flow)");
    gl_tsv_meta(t, "fgan", "x = mu + sigma z; critic 1-32-32-1 leaky ReLU (0.2), T = g_f(V); %lu generator "
                           "steps, %lu critic steps each (first %d critic steps alone), batch %lu; Adam, lr critic "
                           "%g -> %g, generator %g -> %g (constant for 60%% of the %d stages, then linear); "
                           "(mu, log sigma) averaged over the last %d stages; start N(%g, %g)",
                st->steps, st->dsteps, WARMUP, st->batch, st->clr, st->clr / 20, st->glr, st->glr / 20, NSTAGE,
                NSTAGE / 4, MU0, SIGMA0);
    gl_tsv_meta(t, "spline", "the same f-GAN against a critic of the restricted class: V piecewise linear on "
                             "%zu intervals of [%g, %g], continued linearly, knot values within +-%g (fspline.h), "
                             "Adam at the same rates, its own stream (seed 23 s + 5); DF_flow: the end of the exact "
                             "flow of that class's D_F from the same start (gl_fspline_flow)",
                CLASS[FGAN_CLASS].m, CLASS[FGAN_CLASS].lo, CLASS[FGAN_CLASS].hi, CLASS[FGAN_CLASS].bound);
    gl_tsv_header(t, 17, (const char *const[]){"mix", "f", "direct_mu", "direct_sigma", "direct_D",
                                               "fgan_mu", "fgan_sigma", "fgan_D", "flow_mu", "flow_sigma",
                                               "flow_D", "fgan_mu_spread", "mu0", "spline_fgan_mu",
                                               "spline_fgan_sigma", "DF_flow_mu", "DF_flow_sigma"});
}

/* fits.tsv's rows and summary, and the claims on the runs */
static void fits_table(const gl_exp_opts *o, gl_tsv *t, const fgan_ws *w, const fit_result res[NRUN],
                       gl_claims *cl)
{
    double dmu_max = 0, dsig_max = 0, kl_sigma_err = 0, net_wide = INFINITY;
    for (size_t k = 0; k < NRUN; k++) {
        const fit_result *u = &res[k];
        const char *name = gl_fdiv_get(RUN[k].f)->name;
        const gl_mix *P = w->P[mix_index(RUN[k].mix)];
        if (!run_selected(o, &RUN[k]))
            continue;
        gl_tsv_cells(t, 17, (gl_tsv_cell[]){{.text = RUN[k].mix}, {.text = name},
                                            {.num = u->direct.mu}, {.num = u->direct.sigma},
                                            {.num = u->direct.value}, {.num = u->fgan_mu},
                                            {.num = u->fgan_sigma}, {.num = u->fgan_D},
                                            {.num = u->flow.mu}, {.num = u->flow.sigma},
                                            {.num = u->flow.value}, {.num = u->spread}, {.num = MU0},
                                            {.num = u->spline_mu}, {.num = u->spline_sigma},
                                            {.num = u->restricted[FGAN_CLASS].mu},
                                            {.num = u->restricted[FGAN_CLASS].sigma}});
        dmu_max = fmax(dmu_max, fabs(u->fgan_mu - u->flow.mu));
        dsig_max = fmax(dsig_max, fabs(u->fgan_sigma - u->flow.sigma));
        if (RUN[k].f == GL_F_KL) /* moment matching: mean and sd of P */
            kl_sigma_err = fmax(kl_sigma_err, fabs(u->direct.sigma - sqrt(gl_mix_var(P, 0))) +
                                                  fabs(u->direct.mu - gl_mix_mean(P, 0)));
        net_wide = fmin(net_wide, u->fgan_sigma - u->flow.sigma);
        char cn[GL_CLAIM_NAMELEN];
        /* the spline f-GAN against the flow of the D_F its critic class sees,
         * from the same start (TOL: the fixed points to tell apart differ by
         * about 1 in mu or >= 0.28 in sigma: a mode, the plateau, kl's width) */
        const gl_fit_result *rf = &u->restricted[FGAN_CLASS];
        snprintf(cn, sizeof cn, "spline_fgan_%s_%s_mu_minus_DF_flow", name, RUN[k].mix);
        gl_claims_add(cl, cn, GL_CLAIM_EQ, 0, u->spline_mu - rf->mu, TOL_MU,
                      "the fixed points to tell apart differ by ~1 in mu");
        snprintf(cn, sizeof cn, "spline_fgan_%s_%s_sigma_minus_DF_flow", name, RUN[k].mix);
        gl_claims_add(cl, cn, GL_CLAIM_EQ, 0, u->spline_sigma - rf->sigma, TOL_SIGMA,
                      "the fixed points to tell apart differ by >= 0.28 in sigma");
    }
    gl_tsv_meta(t, "summary", "max |network f-GAN - flow|: mu %.3g, sigma %.3g", dmu_max, dsig_max);
    /* the network's critic lags where p ~ 0 and under-states the force that
     * narrows Q: it may end wider than the exact flow, never narrower */
    gl_claims_add(cl, "network_fgan_sigma_minus_flow_min", GL_CLAIM_GE, 0, net_wide, TOL_SIGMA,
                  "the same 0.1 as the fits: narrower than the flow by >= 0.1 fails");
    /* 1e-8: the minimiser's accuracy (tests/test_fit.c asserts the same) */
    gl_claims_add(cl, "direct_kl_moment_matching_err", GL_CLAIM_EQ, 0, kl_sigma_err, 1e-8,
                  "the minimiser's accuracy (test_fit.c asserts it)");
}

/* the restricted computations, one (run, class) each: read-only inputs */
typedef struct {
    const fgan_ws *w;
    const fit_result *res;
    size_t run[NRUN * NCLASS], cls[NRUN * NCLASS];
} restricted_ctx;

/* the flow of D_F for one class from the f-GAN's start, and D_F at the exact
 * flow's end; deterministic (no randomness), so a sweep of them is too */
static int restricted_one(gl_run *run, const void *ctx, gl_err *err)
{
    const restricted_ctx *x = ctx;
    size_t i = gl_run_config(run), k = x->run[i];
    const gl_fspline *kn = &CLASS[x->cls[i]];
    const gl_fconj *c = gl_fconj_get(RUN[k].f);
    const gl_mix *P = x->w->P[mix_index(RUN[k].mix)];
    const gl_fit_result *fl = &x->res[k].flow;
    gl_fit_result r;
    gl_mix *Q = NULL;
    char spec[96];
    double v[GL_FSPLINE_MAXM + 1] = {0}, dF, ae;
    snprintf(spec, sizeof spec, "N(%.17g,%.17g)", fl->mu, fl->sigma);
    int s = gl_mix_parse(spec, &Q, err);
    if (!s && !(s = gl_fspline_flow(c, P, kn, MU0, SIGMA0, 0.05, 1e-4, 20000, &r, NULL, err)) &&
        !(s = gl_fspline_div(c, P, Q, kn, v, &dF, &ae, err)) && !(s = gl_run_put(run, "mu", r.mu, err)) &&
        !(s = gl_run_put(run, "sigma", r.sigma, err)) && !(s = gl_run_put(run, "value", r.value, err)))
        s = gl_run_put(run, "dF_at_flow", dF, err);
    gl_mix_free(Q);
    return s;
}

/* the restricted flows of the first nclass classes for every selected run,
 * on o's threads, into res */
static int restricted(const gl_exp_opts *o, const fgan_ws *w, size_t nclass, fit_result res[NRUN], gl_err *err)
{
    restricted_ctx x = {.w = w, .res = res};
    char names[NRUN * NCLASS][40];
    const char *np[NRUN * NCLASS];
    size_t n = 0;
    for (size_t k = 0; k < NRUN; k++)
        for (size_t j = 0; j < nclass && run_selected(o, &RUN[k]); j++, n++) {
            snprintf(names[n], sizeof names[n], "%s/%s/m%zu", RUN[k].mix, gl_fdiv_get(RUN[k].f)->name, CLASS[j].m);
            np[n] = names[n];
            x.run[n] = k;
            x.cls[n] = j;
        }
    gl_sweep_cfg c = gl_exp_sweep_cfg(o, "fgan-fit: restricted flows");
    c.nconfigs = n;
    c.names = np;
    c.run = restricted_one;
    c.ctx = &x;
    gl_sweep *sw = NULL;
    int s = gl_sweep_run(&sw, &c, err);
    for (size_t i = 0; i < n && !s; i++) {
        fit_result *u = &res[x.run[i]];
        gl_fit_result *r = &u->restricted[x.cls[i]];
        r->mu = gl_sweep_value(sw, np[i], 0, "mu");
        r->sigma = gl_sweep_value(sw, np[i], 0, "sigma");
        r->value = gl_sweep_value(sw, np[i], 0, "value");
        u->dF_at_flow[x.cls[i]] = gl_sweep_value(sw, np[i], 0, "dF_at_flow");
    }
    gl_sweep_free(sw);
    return s;
}

/* classes.tsv: for every run and restricted class, the end of D_F's flow and
 * its distance to the exact flow's end (max over mu and sigma), and D_F at the
 * exact flow's end; the claims that the classes lie below D_f in order and
 * that the summed distance shrinks from each class to the next */
static void classes_table(const gl_exp_opts *o, gl_tsv *t, const fit_result res[NRUN], gl_claims *cl)
{
    size_t nclass = o->quick ? NCLASS_QUICK : NCLASS;
    double gap[NCLASS] = {0}, nest = -INFINITY;
    gl_tsv_meta(t, "classes", "V piecewise linear on m intervals of [-5, 5], continued linearly, knot values "
                              "within +-bound; each class contains the one before");
    gl_tsv_meta(t, "columns", "DF_flow_*: the end of the exact flow of D_F from N(%g, %g); gap: max(|mu - "
                              "flow_mu|, |sigma - flow_sigma|) to the end of D_f's flow; DF_at_flow: D_F at "
                              "that end (<= flow_D)", MU0, SIGMA0);
    gl_tsv_header(t, 13, (const char *const[]){"mix", "f", "class", "m", "bound", "DF_flow_mu", "DF_flow_sigma",
                                               "DF_flow_D", "gap", "DF_at_flow", "flow_mu", "flow_sigma", "flow_D"});
    for (size_t k = 0; k < NRUN; k++) {
        const fit_result *u = &res[k];
        if (!run_selected(o, &RUN[k]))
            continue;
        for (size_t j = 0; j < nclass; j++) {
            const gl_fit_result *r = &u->restricted[j];
            double g = fmax(fabs(r->mu - u->flow.mu), fabs(r->sigma - u->flow.sigma));
            double next = j + 1 < nclass ? u->dF_at_flow[j + 1] : u->flow.value;
            gap[j] += g;
            nest = fmax(nest, u->dF_at_flow[j] - next);
            gl_tsv_cells(t, 13, (gl_tsv_cell[]){{.text = RUN[k].mix}, {.text = gl_fdiv_get(RUN[k].f)->name},
                                                {.num = (double)(j + 1)}, {.num = (double)CLASS[j].m},
                                                {.num = CLASS[j].bound}, {.num = r->mu}, {.num = r->sigma},
                                                {.num = r->value}, {.num = g}, {.num = u->dF_at_flow[j]},
                                                {.num = u->flow.mu}, {.num = u->flow.sigma},
                                                {.num = u->flow.value}});
        }
    }
    gl_claims_add(cl, "DF_nested_below_Df_max_violation", GL_CLAIM_LE, 0, nest, 1e-10,
                  "Newton stops ~1e-12 below each max; quadrature 1e-13");
    for (size_t j = 0; j + 1 < nclass; j++) {
        char cn[GL_CLAIM_NAMELEN];
        snprintf(cn, sizeof cn, "DF_flow_gap_sum_m%zu_vs_m%zu", CLASS[j + 1].m, CLASS[j].m);
        gl_claims_add(cl, cn, GL_CLAIM_LE, gap[j], gap[j + 1], 0,
                      "exact flows, ends to ~1e-3 each: strictly smaller");
    }
}

/* rkl's direct fit of every mixture sits on the mode at -2 (the heavier; for
 * 1:1 the first found) */
static int mode_seeking(const fgan_ws *w, gl_claims *cl, gl_err *err)
{
    double seek_err = 0;
    for (size_t m = 0; m < NMIX; m++) {
        gl_fit_result dir;
        int s = gl_fit_gauss(gl_fdiv_get(GL_F_RKL), w->P[m], NULL, &dir, err);
        if (s)
            return s;
        seek_err = fmax(seek_err, fabs(dir.mu + 2) + fabs(dir.sigma - 0.5));
    }
    /* the other mode's density at -2 is e^-32 of this one's: it moves mu, sigma by far less than 0.01 */
    gl_claims_add(cl, "direct_rkl_on_mode_minus2_err", GL_CLAIM_EQ, 0, seek_err, 0.01,
                  "the other mode is e^-32 here: it moves the fit << 0.01");
    return GL_OK;
}

/* densities.tsv: p(x) of the mixtures and of every run's three Gaussians */
static void write_densities(const gl_exp_opts *o, gl_tsv *t, const fgan_ws *w, const fit_result res[NRUN])
{
    static const char *const kinds[3] = {"direct", "fgan", "flow"};
    const char *cols[1 + NMIX + 3 * NRUN];
    char names[NMIX + 3 * NRUN][48];
    size_t nc = 0;
    cols[nc++] = "x";
    for (size_t m = 0; m < NMIX; m++) {
        snprintf(names[m], sizeof names[0], "p_%s", MIX[m].name);
        cols[nc++] = names[m];
    }
    for (size_t k = 0; k < NRUN; k++)
        for (int w = 0; w < 3 && run_selected(o, &RUN[k]); w++) {
            snprintf(names[nc - 1], sizeof names[0], "%s_%s_%s", RUN[k].mix, gl_fdiv_get(RUN[k].f)->name,
                     kinds[w]);
            cols[nc] = names[nc - 1];
            nc++;
        }
    gl_tsv_meta(t, "columns", "p(x) of both mixtures, then for each mixture and divergence the density of the "
                              "direct fit, the f-GAN generator and the gradient flow's end");
    gl_tsv_header(t, nc, cols);
    for (int i = 0; i <= 400; i++) {
        double x = -5 + 10.0 * i / 400, row[1 + NMIX + 3 * NRUN];
        size_t n = 0;
        row[n++] = x;
        for (size_t m = 0; m < NMIX; m++)
            row[n++] = gl_mix_pdf(w->P[m], &x);
        for (size_t k = 0; k < NRUN; k++) {
            const fit_result *u = &res[k];
            const double mu[3] = {u->direct.mu, u->fgan_mu, u->flow.mu};
            const double sg[3] = {u->direct.sigma, u->fgan_sigma, u->flow.sigma};
            for (int w = 0; w < 3 && run_selected(o, &RUN[k]); w++) {
                double z = (x - mu[w]) / sg[w];
                row[n++] = exp(-0.5 * z * z) / (sg[w] * sqrt(2 * M_PI));
            }
        }
        gl_tsv_row(t, n, row);
    }
}

/* ---- KL is maximum likelihood (Kamath): the Gaussian maximising the average
 * log-likelihood of n samples of P is (sample mean, sample sd with 1/n), the
 * closed-form maximiser; as n grows it approaches the KL minimiser, P's mean
 * and sd (moment matching), with an error ~ 1/sqrt(n). R replicates per n,
 * from a stream of their own. mle.tsv; claims on the RMS errors. */
#define MLE_SPEC "0.75*N(-2,0.5)+0.25*N(2,0.5)"
static int mle_claims(const gl_exp_opts *o, gl_rec *rec, gl_claims *cl, gl_err *err)
{
    static const size_t NS[] = {100, 1000, 10000, 100000};
    size_t nn = o->quick ? 3 : 4, R = o->quick ? 50 : 200;
    gl_mix *P = NULL;
    gl_tsv *t = NULL;
    double *x = malloc(NS[nn - 1] * sizeof *x);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    int s = x && r ? GL_OK : gl_err_set(err, GL_ENOMEM, "out of memory");
    if (s || (s = gl_mix_parse(MLE_SPEC, &P, err)) || (s = gl_rec_open(rec, "mle.tsv", &t, err)))
        goto done;
    gsl_rng_set(r, o->seed + 424242UL);
    double mu = gl_mix_mean(P, 0), sd = sqrt(gl_mix_var(P, 0)), lx[4], ly[4], zmax = 0;
    gl_tsv_meta(t, "P", "%s: the KL minimiser N(%.10g, %.10g) (its mean and sd)", MLE_SPEC, mu, sd);
    gl_tsv_meta(t, "sd_P", "%.17g", sd);
    gl_tsv_meta(t, "fit", "the maximum-likelihood Gaussian of n samples: sample mean and sd (1/n), "
                "%zu replicates per n", R);
    gl_tsv_header(t, 5, (const char *const[]){"n", "rms_mu_err", "rms_sigma_err",
                                              "rms_mu_sqrt_n_over_sd", "rms_sigma_sqrt_n"});
    for (size_t k = 0; k < nn; k++) {
        double smu = 0, ssd = 0, n = (double)NS[k];
        for (size_t rep = 0; rep < R; rep++) {
            gl_mix_sample(P, r, NS[k], x);
            double m = 0, v = 0;
            for (size_t i = 0; i < NS[k]; i++)
                m += x[i];
            m /= n;
            for (size_t i = 0; i < NS[k]; i++)
                v += (x[i] - m) * (x[i] - m);
            smu += (m - mu) * (m - mu);
            ssd += (sqrt(v / n) - sd) * (sqrt(v / n) - sd);
        }
        double rm = sqrt(smu / (double)R), rs = sqrt(ssd / (double)R);
        lx[k] = log(n);
        ly[k] = log(rs);
        zmax = fmax(zmax, fabs(rm * sqrt(n) / sd - 1));
        gl_tsv_row(t, 5, (double[]){n, rm, rs, rm * sqrt(n) / sd, rs * sqrt(n)});
    }
    double xm = 0, ym = 0, sxy = 0, sxx = 0;
    for (size_t k = 0; k < nn; k++)
        xm += lx[k] / (double)nn, ym += ly[k] / (double)nn;
    for (size_t k = 0; k < nn; k++)
        sxy += (lx[k] - xm) * (ly[k] - ym), sxx += (lx[k] - xm) * (lx[k] - xm);
    /* E(mean - mu)^2 = sd^2 / n exactly, for any P: the RMS over R replicates
     * estimates it with a relative error of about 1/sqrt(2R) (the sample mean
     * is nearly normal), so 4 of those */
    gl_claims_add(cl, "mle_mu_rms_sqrt_n_over_sd_minus_1_max", GL_CLAIM_EQ, 0, zmax,
                  4 / sqrt(2.0 * (double)R), "4 se of an RMS over R replicates: 4/sqrt(2R)");
    /* the sd's error falls like n^-1/2 (its bias, O(1/n), is below 1/10 of
     * it from n = 100 on): the slope over 3 (quick: 2) decades, whose sampling
     * sd is about 0.01 (0.02): 5 of those */
    gl_claims_add(cl, "mle_sigma_rms_slope_in_log_n", GL_CLAIM_EQ, -0.5, sxy / sxx,
                  o->quick ? 0.1 : 0.05, "5 sampling sd of the fitted slope");
    s = gl_tsv_done(t, err);
done:
    free(x);
    gsl_rng_free(r);
    gl_mix_free(P);
    return s;
}

int gl_exp_fgan_fit(const gl_exp_opts *o, gl_rec *rec, gl_claims *cl, gl_err *err)
{
    /* the generator must move slower than the critic can follow it (8 critic
     * steps at 2e-3 per generator step at 2e-3): a lagging critic under-states
     * log(q/p) where p ~ 0, the force that makes rkl seek a mode */
    settings st = {.steps = o->quick ? 3000 : 4000, .dsteps = o->quick ? 2 : 8, .batch = o->quick ? 128 : 256,
                   .glr = o->quick ? 5e-3 : 2e-3, .clr = 2e-3};
    const gl_argspec specs[] = {
        {.name = "steps", .type = GL_ARG_ULONG, .dst = &st.steps, .min = NSTAGE, .max = 1e7},
        {.name = "dsteps", .type = GL_ARG_ULONG, .dst = &st.dsteps, .min = 1, .max = 1e6},
        {.name = "batch", .type = GL_ARG_ULONG, .dst = &st.batch, .min = 2, .max = 4096},
        {.name = "glr", .type = GL_ARG_DOUBLE, .dst = &st.glr, .min = 0, .max = 1, .open_min = 1},
        {.name = "clr", .type = GL_ARG_DOUBLE, .dst = &st.clr, .min = 0, .max = 1, .open_min = 1},
    };
    int s = gl_args_parse(o->argc, o->argv, specs, sizeof specs / sizeof specs[0], err);
    if (s)
        return s;
    settings sst = SPLINE_SETTINGS;
    if (o->untrained) /* the control: no generator step, no critic warm-up */
        st.steps = sst.steps = 0;
    fgan_ws w;
    gl_tsv *t = NULL, *t2 = NULL, *t3 = NULL;
    fit_result res[NRUN];
    size_t nsel = 0, done = 0;
    const gl_fit_fgan_cfg fc = fgan_cfg(&st), fsc = fgan_cfg(&sst);
    if ((s = ws_alloc(&w, o, &st, err)) || (s = gl_rec_open(rec, "fits.tsv", &t, err)) ||
        (s = gl_rec_open(rec, "densities.tsv", &t2, err)) || (s = gl_rec_open(rec, "classes.tsv", &t3, err)))
        goto done;
    fits_meta(t, &st);
    for (size_t k = 0; k < NRUN; k++)
        nsel += run_selected(o, &RUN[k]);
    for (size_t k = 0; k < NRUN; k++) {
        if (!run_selected(o, &RUN[k]))
            continue;
        if ((s = fit_one(&RUN[k], &w, &fc, &fsc, &res[k], err)))
            goto done;
        if (o->progress)
            o->progress(o->progress_ctx, "fgan-fit: f-GAN runs", (double)++done / (double)nsel);
    }
    if ((s = restricted(o, &w, o->quick ? NCLASS_QUICK : NCLASS, res, err)))
        goto done;
    fits_table(o, t, &w, res, cl);
    classes_table(o, t3, res, cl);
    if ((s = mode_seeking(&w, cl, err)) || (s = mle_claims(o, rec, cl, err)))
        goto done;
    write_densities(o, t2, &w, res);
done:
    ws_free(&w);
    return s;
}
