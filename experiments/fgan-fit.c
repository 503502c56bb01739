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
#include "mix.h"
#include "mlp.h"
#include "optim.h"

const char gl_exp_fgan_fit_overrides[] =
    "  --steps N      generator steps per f-GAN run (default 4000; --quick 3000)\n"
    "  --dsteps N     critic steps per generator step (default 8; --quick 2)\n"
    "  --batch N      samples of P and of the generator per step (default 256; --quick 128)\n"
    "  --glr X        generator Adam learning rate, decayed to X/20 over the last 40%\n"
    "                 (default 0.002; --quick 0.005)\n"
    "  --clr X        critic Adam learning rate, decayed the same way (default 0.002)\n";

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

/* the index in MIX of the mixture named name, NMIX if none is */
static size_t mix_index(const char *name)
{
    size_t m = 0;
    while (m < NMIX && strcmp(MIX[m].name, name))
        m++;
    return m;
}

/* one f-GAN run from (mu0, sigma0): the critic learns alone first, then the
 * generator trains with the rates held for 60% of the NSTAGE stages and then
 * decayed linearly to a twentieth; out: the average of (mu, log sigma) over
 * the last quarter of the stages, and the sd of the per-stage averages there */
static int fgan_run(const gl_fconj *c, const gl_mix *P, const gsl_rng *r, const gl_fit_fgan_cfg *cfg,
                    gl_mlp *net, gl_optim *oc, gl_optim *og, double mu0, double sigma0, double *trace,
                    double out[2], double *spread, gl_err *err)
{
    double th[2] = {mu0, log(sigma0)}, avg[2], sum[2] = {0, 0}, sq = 0;
    size_t per = cfg->steps / NSTAGE;
    int nav = 0, s;
    gl_mlp_init(net, r);
    gl_optim_reset(oc);
    gl_optim_reset(og);
    /* warm-up: the critic first learns T* of the starting generator, so that
     * the generator's first steps follow a gradient, not an untrained critic */
    gl_fit_fgan_cfg warm = *cfg;
    warm.steps = 1;
    warm.dsteps = WARMUP;
    warm.lr_gen = 1e-3;
    warm.sched = gl_sched_default();
    gl_fit_fgan_cfg run = *cfg;
    run.steps = per * NSTAGE;
    if ((s = gl_fit_fgan(c, P, net, oc, og, &warm, r, th, avg, NULL, err)) ||
        (s = gl_fit_fgan(c, P, net, oc, og, &run, r, th, avg, trace, err)))
        return s;
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
    return GL_OK;
}

/* the overrides */
typedef struct {
    unsigned long steps, dsteps, batch;
    double glr, clr;
} settings;

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
} fit_result;

/* what the runs share: the mixtures, the critic and the optimisers, the
 * trace buffer and the one stream */
typedef struct {
    gl_mix *P[NMIX];
    gl_mlp *net;
    gl_optim *oc, *og;
    double *trace; /* the generator's iterates of one run */
    gsl_rng *r;
} fgan_ws;

static int ws_alloc(fgan_ws *w, const gl_exp_opts *o, const settings *st, gl_err *err)
{
    int s = GL_OK;
    *w = (fgan_ws){.net = NULL};
    w->r = gsl_rng_alloc(gsl_rng_mt19937);
    w->trace = malloc(2 * st->steps * sizeof *w->trace);
    if (!w->r || !w->trace)
        return gl_err_set(err, GL_ENOMEM, "out of memory");
    gsl_rng_set(w->r, o->seed * 19 + 7);
    for (size_t m = 0; m < NMIX && !s; m++)
        s = gl_mix_parse(MIX[m].spec, &w->P[m], err);
    if (s || (s = gl_mlp_alloc(&w->net, 3, (size_t[]){1, 32, 32, 1}, GL_ACT_LEAKY, 0.2, 2 * st->batch, err)) ||
        (s = gl_optim_alloc(&w->oc, GL_OPT_ADAM, w->net->nparams, 1e-3, err)) ||
        (s = gl_optim_alloc(&w->og, GL_OPT_ADAM, 2, 1e-2, err)))
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
    free(w->trace);
    gsl_rng_free(w->r);
}

/* run e: the direct fit, the exact flow from the f-GAN's start, the f-GAN on
 * w's stream and D_f at its average */
static int fit_one(const fgan_entry *e, fgan_ws *w, const gl_fit_fgan_cfg *fc, fit_result *res, gl_err *err)
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
    gl_tsv_header(t, 13, (const char *const[]){"mix", "f", "direct_mu", "direct_sigma", "direct_D",
                                               "fgan_mu", "fgan_sigma", "fgan_D", "flow_mu", "flow_sigma",
                                               "flow_D", "fgan_mu_spread", "mu0"});
}

/* fits.tsv's rows and summary, and the claims on the runs */
static void fits_table(const gl_exp_opts *o, gl_tsv *t, const fgan_ws *w, const fit_result res[NRUN],
                       gl_claims *cl)
{
    double dmu_max = 0, dsig_max = 0, kl_sigma_err = 0;
    for (size_t k = 0; k < NRUN; k++) {
        const fit_result *u = &res[k];
        const char *name = gl_fdiv_get(RUN[k].f)->name;
        const gl_mix *P = w->P[mix_index(RUN[k].mix)];
        if (!run_selected(o, &RUN[k]))
            continue;
        gl_tsv_cells(t, 13, (gl_tsv_cell[]){{.text = RUN[k].mix}, {.text = name},
                                            {.num = u->direct.mu}, {.num = u->direct.sigma},
                                            {.num = u->direct.value}, {.num = u->fgan_mu},
                                            {.num = u->fgan_sigma}, {.num = u->fgan_D},
                                            {.num = u->flow.mu}, {.num = u->flow.sigma},
                                            {.num = u->flow.value}, {.num = u->spread}, {.num = MU0}});
        dmu_max = fmax(dmu_max, fabs(u->fgan_mu - u->flow.mu));
        dsig_max = fmax(dsig_max, fabs(u->fgan_sigma - u->flow.sigma));
        if (RUN[k].f == GL_F_KL) /* moment matching: mean and sd of P */
            kl_sigma_err = fmax(kl_sigma_err, fabs(u->direct.sigma - sqrt(gl_mix_var(P, 0))) +
                                                  fabs(u->direct.mu - gl_mix_mean(P, 0)));
        char cn[GL_CLAIM_NAMELEN];
        /* the f-GAN against the exact gradient flow from the same start
         * (TOL: the minima to tell apart differ by 2 in mu or >= 0.2 in sigma) */
        snprintf(cn, sizeof cn, "fgan_%s_%s_mu_minus_flow", name, RUN[k].mix);
        gl_claims_add(cl, cn, GL_CLAIM_EQ, 0, u->fgan_mu - u->flow.mu, TOL_MU,
                      "the minima to tell apart differ by about 1 in mu");
        snprintf(cn, sizeof cn, "fgan_%s_%s_sigma_minus_flow", name, RUN[k].mix);
        gl_claims_add(cl, cn, GL_CLAIM_EQ, 0, u->fgan_sigma - u->flow.sigma, TOL_SIGMA,
                      "the minima to tell apart differ by >= 0.28 in sigma");
    }
    gl_tsv_meta(t, "summary", "max |fgan - flow|: mu %.3g, sigma %.3g", dmu_max, dsig_max);
    /* 1e-8: the minimiser's accuracy (tests/test_fit.c asserts the same) */
    gl_claims_add(cl, "direct_kl_moment_matching_err", GL_CLAIM_EQ, 0, kl_sigma_err, 1e-8,
                  "the minimiser's accuracy (test_fit.c asserts it)");
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
    fgan_ws w;
    gl_tsv *t = NULL, *t2 = NULL;
    fit_result res[NRUN];
    size_t nsel = 0, done = 0;
    const gl_fit_fgan_cfg fc = fgan_cfg(&st);
    if ((s = ws_alloc(&w, o, &st, err)) || (s = gl_rec_open(rec, "fits.tsv", &t, err)) ||
        (s = gl_rec_open(rec, "densities.tsv", &t2, err)))
        goto done;
    fits_meta(t, &st);
    for (size_t k = 0; k < NRUN; k++)
        nsel += run_selected(o, &RUN[k]);
    for (size_t k = 0; k < NRUN; k++) {
        if (!run_selected(o, &RUN[k]))
            continue;
        if ((s = fit_one(&RUN[k], &w, &fc, &res[k], err)))
            goto done;
        if (o->progress)
            o->progress(o->progress_ctx, "fgan-fit: f-GAN runs", (double)++done / (double)nsel);
    }
    fits_table(o, t, &w, res, cl);
    if ((s = mode_seeking(&w, cl, err)))
        goto done;
    write_densities(o, t2, &w, res);
done:
    ws_free(&w);
    return s;
}
