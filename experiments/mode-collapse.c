/* mode-collapse — claim: a vanilla GAN loses modes of a multimodal target on
 * at least one standard benchmark, and a remedy (PacGAN packing, Lin et al.
 * 2018; least squares, Mao et al. 2017) covers more of them.
 * setup: ring(8,2,0.02) and grid(5,2,0.05) (VEEGAN/PacGAN), G 2-H-H-H-2 ReLU,
 * D (2m)-H-H-1 leaky ReLU, >= 10 seeds per (benchmark, method), metrics of
 * src/modes.h on 2,500 samples; runs spread over POSIX threads.
 * theory: theory/mode-collapse.md */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "exp.h"
#include "metrics.h"
#include "mix.h"
#include "mlp.h"
#include "modes.h"
#include "optim.h"
#include "rig.h"
#include "train.h"

const char gl_exp_mode_collapse_overrides[] =
    "  --seeds N     runs per (benchmark, method), seeds seed..seed+N-1 (default 10;\n"
    "                --quick 2)\n"
    "  --steps N     G-steps per run, a multiple of 40 (default 30000; --quick 4000)\n"
    "  --batch N     packed rows of D per class and step: G draws N*m samples for\n"
    "                PacGAN-m, as in Lin et al. 2018 (default 64)\n"
    "  --lr X        Adam learning rate of both nets (b1 0.5), decayed linearly to\n"
    "                lr/100 in 40 pieces (default 0.001)\n"
    "  --hidden N    width of G's 3 and D's 2 hidden layers (default 64; --quick 32)\n";

#define NT 40       /* measurements per run: after each 1/NT of training (and at 0) */
#define NEVAL 2500  /* generator samples per measurement (VEEGAN, PacGAN) */
#define NSHOW 500   /* samples kept per frame of the first seed (snapshots, GIF) */
#define MAXK 25     /* modes of the largest benchmark */
#define HBINS 60    /* cells per axis of the histogram JSD estimate */

typedef struct {
    const char *name, *spec;
    double box;     /* the histogram box [-box, box]^2 */
    /* published means (NaN: not reported): VEEGAN Table 1 (Srivastava et al.
     * 2017) GAN; PacGAN Table 1 (Lin et al. 2018) GAN and PacGAN2 */
    double veegan_gan[2], pac_gan[3], pac2[3];
} bench;

static const bench BENCH[] = {
    {"ring", "ring(8,2,0.02)", 3, {1, 0.993}, {6.3, 0.982, 0.45}, {7.9, 0.956, 0.07}},
    {"grid", "grid(5,2,0.05)", 5, {3.3, 0.005}, {17.3, 0.948, 0.70}, {23.8, 0.913, 0.13}},
    /* the 1-D benchmark: four equal modes 20 sd apart; no published numbers */
    {"1d4", "N(-3,0.1)+N(-1,0.1)+N(1,0.1)+N(3,0.1)", 4.5, {NAN, NAN}, {NAN, NAN, NAN},
     {NAN, NAN, NAN}},
};
#define NB (sizeof BENCH / sizeof BENCH[0])
static const size_t NMODES[] = {8, 25, 4};

typedef struct {
    const char *name;
    gl_loss_kind loss;
    size_t pack;
    double dlr;     /* D's learning rate / G's */
} method;

/* gan_slow_d is the collapse demonstration of theory/mode-collapse.md: the
 * vanilla GAN with D's learning rate 10 times G's, so that G chases the
 * maximum of a D that re-fits slowly; ring only */
static const method METHOD[] = {
    {"gan", GL_LOSS_NS, 1, 1},   {"pack2", GL_LOSS_NS, 2, 1}, {"pack3", GL_LOSS_NS, 3, 1},
    {"pack4", GL_LOSS_NS, 4, 1}, {"lsgan", GL_LOSS_LS, 1, 1}, {"gan_slow_d", GL_LOSS_NS, 1, 0.1},
};

/* the (benchmark, method) pairs that are run, in the order of every output
 * file: gnuplot index s of curves.tsv and occupancy.tsv is SLOT[s] */
typedef struct {
    size_t b, m;
} slot;
static const slot SLOT[] = {{0, 0}, {0, 1}, {0, 2}, {0, 3}, {0, 4}, {0, 5},
                            {1, 0}, {1, 1}, {1, 2}, {1, 3}, {1, 4}, {2, 0}, {2, 1}};
#define NSLOT (sizeof SLOT / sizeof SLOT[0])
#define NSLOT2 11 /* the 2-D slots come first */
#define NM 5 /* the methods run on both benchmarks */

typedef struct {
    unsigned long seeds, steps, batch, hidden, threads;
    double lr;
} settings;

/* one training run; the outputs are written only by the thread running it */
typedef struct {
    size_t b, m;            /* benchmark, method */
    unsigned long seed;
    int trace;              /* the first seed: keep occupancy and frames */
    double curve[NT + 1][3]; /* modes, hq_frac, rkl at each measurement */
    double jsd;             /* histogram JSD estimate at the end */
    int exact;              /* 1-D: keep G's parameters for the exact JSD, which
                             * the calling thread computes after the pool (the
                             * quadrature switches GSL's error handler globally) */
    double *gparams;        /* G's final parameters (exact), malloc'd */
    double jsd_exact;       /* exact JSD(p_data || p_g) by pushforward, or NaN */
    size_t *occ;            /* (NT+1) x K HQ counts per mode (trace) */
    double *frames;         /* (NT+1) x NSHOW x 2 samples (trace) */
    int status;
    gl_err err;
} job;

/* 2,500 samples of G from the evaluation stream; their scores (and, for a
 * traced run, the histogram and the first NSHOW samples) at measurement t */
static int measure(gl_mlp *G, const gl_mix *P, gsl_rng *re, double *z, double *x, size_t *counts,
                   job *j, size_t t, gl_err *err)
{
    gl_noise_sample(GL_NOISE_NORMAL, re, (size_t)P->dim * NEVAL, z);
    gl_mlp_forward(G, z, NEVAL, x);
    gl_modes r;
    int s = gl_modes_score(P, x, NEVAL, counts, &r, err);
    if (s)
        return s;
    j->curve[t][0] = (double)r.covered;
    j->curve[t][1] = r.hq_frac;
    j->curve[t][2] = r.rkl;
    if (j->trace) {
        memcpy(j->occ + t * P->n, counts, P->n * sizeof *counts);
        memcpy(j->frames + t * NSHOW * 2, x, NSHOW * 2 * sizeof *x);
    }
    return GL_OK;
}

/* the hook's state: measurement t after every steps/NT G-steps */
typedef struct {
    gl_mlp *G;
    const gl_mix *P;
    gsl_rng *re;
    double *z, *x;
    size_t *counts, every;
    job *j;
    int status;
    gl_err *err;
} watch;

static int watch_hook(void *v, const gl_gan_stats *st)
{
    watch *w = v;
    w->status = measure(w->G, w->P, w->re, w->z, w->x, w->counts, w->j, st->step / w->every, w->err);
    return w->status != GL_OK;
}

/* One run: the same seed initialises G identically for every method (G is
 * drawn first); training draws come from r, evaluation draws from re, so
 * measuring never changes the trajectory. The learning rate falls linearly
 * from lr to lr/100 in NT pieces (the schedule of gl_gan_cfg). */
static int run_job(const settings *c, job *j, gl_err *err)
{
    const bench *bn = &BENCH[j->b];
    const method *me = &METHOD[j->m];
    size_t H = c->hidden, B = c->batch, m = me->pack;
    gl_mix *P = NULL;
    gl_rig rg = {0};
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937), *re = gsl_rng_alloc(gsl_rng_mt19937);
    double *buf = malloc((4 * NEVAL + 2 * NEVAL) * sizeof *buf);
    size_t counts[MAXK];
    int s = GL_OK;
    if (!r || !re || !buf) {
        s = gl_err_set(err, GL_ENOMEM, "out of memory");
        goto done;
    }
    double *z = buf, *x = buf + 2 * NEVAL, *xd = buf + 4 * NEVAL;
    gsl_rng_set(r, j->seed);
    gsl_rng_set(re, j->seed + 1000003UL);
    j->jsd_exact = NAN;
    if ((s = gl_mix_parse(bn->spec, &P, err)))
        goto done;
    size_t d = (size_t)P->dim;
    watch wt = {NULL, P, re, z, x, counts, c->steps / NT, j, GL_OK, err};
    gl_gan_cfg cfg = gl_gan_cfg_default();
    cfg.steps = c->steps;
    cfg.batch = B * m;
    cfg.loss = me->loss;
    cfg.zdim = d;
    cfg.lr_d = c->lr * me->dlr;
    cfg.lr_g = c->lr;
    cfg.sched.kind = GL_SCHED_LINEAR;
    cfg.sched.end = 0.01;
    cfg.sched.pieces = NT;
    cfg.log_every = c->steps / NT;
    cfg.hook = watch_hook;
    cfg.hook_ctx = &wt;
    cfg.pack = m;
    gl_rig_arch a = gl_rig_arch_default();
    a.g.n = 3;
    a.g.v[0] = a.g.v[1] = a.g.v[2] = H;
    a.d.n = 2;
    a.d.v[0] = a.d.v[1] = H;
    /* 1-D: tanh, so that p_g has a density (a ReLU G's dead stretches are atoms) */
    a.gact = d == 1 ? GL_ACT_TANH : GL_ACT_RELU;
    a.gmaxbatch = NEVAL;
    if ((s = gl_rig_alloc(&rg, &a, &cfg, d, r, err)))
        goto done;
    wt.G = rg.G;
    if ((s = measure(rg.G, P, re, z, x, counts, j, 0, err)) || (s = gl_gan_train(rg.w, P, r, err)) ||
        (s = wt.status))
        goto done;
    /* the last measurement's samples against as many data samples */
    double lo[2] = {-bn->box, -bn->box}, hi[2] = {bn->box, bn->box};
    gl_mix_sample(P, re, NEVAL, xd);
    if ((s = gl_metrics_jsd_hist(x, xd, NEVAL, (int)d, lo, hi, HBINS, &j->jsd, err)))
        goto done;
    if (j->exact) {
        if (!(j->gparams = malloc(rg.G->nparams * sizeof *j->gparams)))
            s = gl_err_set(err, GL_ENOMEM, "out of memory");
        else
            memcpy(j->gparams, rg.G->params, rg.G->nparams * sizeof *j->gparams);
    }
done:
    gl_rig_free(&rg);
    gl_mix_free(P);
    gsl_rng_free(r);
    gsl_rng_free(re);
    free(buf);
    return s;
}

/* The pool: the job counter is the only shared mutable state; each job's
 * results live in its own slot, so the output does not depend on which
 * thread ran what or on the number of threads. The calling thread works too,
 * and it alone reports progress. */
typedef struct {
    const settings *c;
    job *jobs;
    size_t njobs, next;
    pthread_mutex_t mu;
} pool;

static size_t take(pool *p)
{
    pthread_mutex_lock(&p->mu);
    size_t k = p->next < p->njobs ? p->next++ : p->njobs;
    pthread_mutex_unlock(&p->mu);
    return k;
}

static void *worker(void *v)
{
    pool *p = v;
    for (size_t k; (k = take(p)) < p->njobs;)
        p->jobs[k].status = run_job(p->c, &p->jobs[k], &p->jobs[k].err);
    return NULL;
}

/* The exact JSD of a 1-D run's final G (tanh 1-H-H-H-1), rebuilt from its
 * parameters: pushforward density, then quadrature (gl_metrics_jsd_pf). */
static int exact_jsd(const settings *c, job *j, gl_err *err)
{
    size_t H = c->hidden;
    gl_mix *P = NULL;
    gl_mlp *G = NULL;
    gl_pushforward *pf = NULL;
    double ae;
    int s;
    if (!(s = gl_mix_parse(BENCH[j->b].spec, &P, err)) &&
        !(s = gl_mlp_alloc(&G, 4, (size_t[]){1, H, H, H, 1}, GL_ACT_TANH, 0, 1, err))) {
        memcpy(G->params, j->gparams, G->nparams * sizeof *G->params);
        if (!(s = gl_pushforward_alloc(&pf, G, GL_NOISE_NORMAL, GL_PUSHFORWARD_NGRID, err)))
            s = gl_metrics_jsd_pf(P, pf, NULL, &j->jsd_exact, &ae, err);
    }
    gl_pushforward_free(pf);
    gl_mlp_free(G);
    gl_mix_free(P);
    return s;
}

static int run_all(const gl_exp_opts *o, const settings *c, job *jobs, size_t njobs, gl_err *err)
{
    pool p = {c, jobs, njobs, 0, PTHREAD_MUTEX_INITIALIZER};
    pthread_t th[64];
    size_t nt = 0;
    for (; nt + 1 < c->threads; nt++)
        if (pthread_create(&th[nt], NULL, worker, &p))
            break; /* fewer threads: the same results, later */
    for (size_t k; (k = take(&p)) < njobs;) {
        if (o->progress)
            o->progress(o->progress_ctx, "mode-collapse: training GANs", (double)k / (double)njobs);
        jobs[k].status = run_job(c, &jobs[k], &jobs[k].err);
    }
    for (size_t i = 0; i < nt; i++)
        pthread_join(th[i], NULL);
    pthread_mutex_destroy(&p.mu);
    for (size_t k = 0; k < njobs; k++) /* the exact JSDs: this thread only */
        if (!jobs[k].status && jobs[k].exact)
            jobs[k].status = exact_jsd(c, &jobs[k], &jobs[k].err);
    for (size_t k = 0; k < njobs; k++)
        if (jobs[k].status) {
            *err = jobs[k].err;
            char what[64];
            snprintf(what, sizeof what, "%s on %s, seed %lu", METHOD[jobs[k].m].name,
                     BENCH[jobs[k].b].name, jobs[k].seed);
            return gl_err_prefix(err, what);
        }
    return GL_OK;
}

/* mean and sample sd of v[0..n-1] over the finite values; *nbad counts the rest */
static void mean_sd(const double *v, size_t n, double *mean, double *sd, size_t *nbad)
{
    double s = 0, ss = 0;
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (isfinite(v[i])) {
            s += v[i];
            k++;
        }
    *mean = k ? s / (double)k : NAN;
    for (size_t i = 0; i < n; i++)
        if (isfinite(v[i]))
            ss += (v[i] - *mean) * (v[i] - *mean);
    *sd = k > 1 ? sqrt(ss / (double)(k - 1)) : NAN;
    if (nbad)
        *nbad = n - k;
}

/* summary of one (benchmark, method) over its seeds: means and sds of modes,
 * hq, rkl at the end, rkl undefined count, mean histogram JSD */
typedef struct {
    double mean[3], sd[3], jsd, jsd_exact;
    size_t nbad;
} summary;

static void summarise(const job *jobs, size_t ns, size_t q0, summary *u)
{
    double v[3][1024], jv[1024], je[1024];
    for (size_t s = 0; s < ns; s++) {
        for (int q = 0; q < 3; q++)
            v[q][s] = jobs[q0 + s].curve[NT][q];
        jv[s] = jobs[q0 + s].jsd;
        je[s] = jobs[q0 + s].jsd_exact;
    }
    double sdj;
    for (int q = 0; q < 3; q++)
        mean_sd(v[q], ns, &u->mean[q], &u->sd[q], q == 2 ? &u->nbad : NULL);
    mean_sd(jv, ns, &u->jsd, &sdj, NULL);
    mean_sd(je, ns, &u->jsd_exact, &sdj, NULL);
}

/* the benchmarks' own samples: the metric pipeline on a perfect generator */
static int data_check(const gl_exp_opts *o, gl_claims *cl, gl_err *err)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    double *x = malloc(2 * NEVAL * sizeof *x);
    int s = GL_OK;
    if (!r || !x) {
        s = gl_err_set(err, GL_ENOMEM, "out of memory");
        goto done;
    }
    gsl_rng_set(r, o->seed + 77UL);
    for (size_t b = 0; b < NB && !s; b++) {
        gl_mix *P = NULL;
        gl_modes res;
        if ((s = gl_mix_parse(BENCH[b].spec, &P, err)))
            break;
        gl_mix_sample(P, r, NEVAL, x);
        s = gl_modes_score(P, x, NEVAL, NULL, &res, err);
        char name[GL_CLAIM_NAMELEN];
        /* a 2-D Gaussian sample is within 3 sd with p = P(chi2_2 <= 9) =
         * 1 - e^-4.5, a 1-D one with P(|Z| <= 3) = erf(3/sqrt 2); 4 binomial
         * sds of NEVAL draws */
        double p = P->dim == 2 ? 1 - exp(-4.5) : erf(3 / sqrt(2.0));
        snprintf(name, sizeof name, "data_%s_hq_frac", BENCH[b].name);
        gl_claims_add(cl, name, GL_CLAIM_EQ, p, res.hq_frac, 4 * sqrt(p * (1 - p) / NEVAL));
        snprintf(name, sizeof name, "data_%s_modes", BENCH[b].name);
        gl_claims_add(cl, name, GL_CLAIM_EQ, (double)P->n, (double)res.covered, 0);
        gl_mix_free(P);
    }
done:
    free(x);
    gsl_rng_free(r);
    return s;
}

/* ---- output files ---- */

static void write_modes(gl_tsv *t)
{
    gl_tsv_meta(t, "columns", "benchmark index, mode index, centre, 3 sd (the high-quality radius)");
    gl_tsv_header(t, 5, (const char *const[]){"bench", "mode", "x", "y", "r_hq"});
    for (size_t b = 0; b < 2; b++) { /* the 2-D benchmarks */
        gl_mix *P = NULL;
        if (gl_mix_parse(BENCH[b].spec, &P, NULL))
            continue;
        for (size_t j = 0; j < P->n; j++)
            gl_tsv_row(t, 5, (double[]){(double)b, (double)j, P->comp[j].mu[0], P->comp[j].mu[1],
                                        3 * P->comp[j].sd[0]});
        gl_tsv_block(t);
        gl_mix_free(P);
    }
}

int gl_exp_mode_collapse(const gl_exp_opts *o, gl_rec *rec, gl_claims *cl, gl_err *err)
{
    settings c = {o->quick ? 2 : 10, o->quick ? 4000 : 30000, 64, o->quick ? 32 : 64, o->threads,
                  0.001};
    const gl_argspec specs[] = {
        {.name = "seeds", .type = GL_ARG_ULONG, .dst = &c.seeds},   {.name = "steps", .type = GL_ARG_ULONG, .dst = &c.steps},
        {.name = "batch", .type = GL_ARG_ULONG, .dst = &c.batch},   {.name = "lr", .type = GL_ARG_DOUBLE, .dst = &c.lr},
        {.name = "hidden", .type = GL_ARG_ULONG, .dst = &c.hidden},
    };
    int s = gl_args_parse(o->argc, o->argv, specs, sizeof specs / sizeof specs[0], err);
    if (s)
        return s;
    if (c.seeds < 1 || c.seeds > 1000)
        return gl_err_set(err, GL_EINVAL, "--seeds must be in 1..1000, got %lu", c.seeds);
    if (c.steps < NT || c.steps % NT || c.steps > 100000000UL)
        return gl_err_set(err, GL_EINVAL, "--steps must be a positive multiple of %d, got %lu", NT,
                          c.steps);
    if (c.batch < 1 || c.batch > 100000)
        return gl_err_set(err, GL_EINVAL, "--batch must be in 1..100000, got %lu", c.batch);
    if (!(c.lr > 0) || c.lr > 1)
        return gl_err_set(err, GL_EINVAL, "--lr must be in (0, 1], got %g", c.lr);
    if (c.hidden < 1 || c.hidden > 4096)
        return gl_err_set(err, GL_EINVAL, "--hidden must be in 1..4096, got %lu", c.hidden);
    if ((s = data_check(o, cl, err)))
        return s;

    size_t ns = c.seeds, njobs = NSLOT * ns;
    job *jobs = calloc(njobs, sizeof *jobs);
    size_t *occ = calloc(NSLOT * (NT + 1) * MAXK, sizeof *occ);
    double *frames = malloc(NSLOT * (NT + 1) * NSHOW * 2 * sizeof *frames);
    gl_tsv *t;
    if (!jobs || !occ || !frames) {
        s = gl_err_set(err, GL_ENOMEM, "out of memory for %zu runs", njobs);
        goto done;
    }
    for (size_t i = 0, k = 0; i < NSLOT; i++)
        for (size_t q = 0; q < ns; q++, k++) {
            jobs[k].b = SLOT[i].b;
            jobs[k].m = SLOT[i].m;
            jobs[k].seed = o->seed + q;
            jobs[k].trace = q == 0;
            jobs[k].exact = SLOT[i].b == 2;
            jobs[k].occ = occ + i * (NT + 1) * MAXK;
            jobs[k].frames = frames + i * (NT + 1) * NSHOW * 2;
        }
    if ((s = run_all(o, &c, jobs, njobs, err)))
        goto done;

    gl_rec_meta(rec, "setup", "G 2-%lu-%lu-%lu-2 ReLU, z ~ N(0,I_2); D (2m)-%lu-%lu-1 leaky ReLU 0.2; "
                "NS loss (lsgan: least squares); k = 1, alternating; Adam b1 0.5, lr %g decayed "
                "linearly to %g in %d pieces (gan_slow_d: D's lr / 10); %lu packed rows per class "
                "and step (G draws %lu m); %lu steps; seeds %lu..%lu", c.hidden, c.hidden, c.hidden,
                c.hidden, c.hidden, c.lr, c.lr / 100, NT, c.batch, c.batch, c.steps, o->seed,
                o->seed + ns - 1);
    gl_rec_meta(rec, "metrics", "%d generator samples: modes with >= 1 sample within 3 sd (HQ), HQ "
                "fraction, KL(HQ histogram || uniform) (nan if no HQ sample); jsd_hist: JSD "
                "between histograms (%d^2 cells) of the samples and %d data samples, biased up by "
                "~(occupied cells)/(4n)", NEVAL, HBINS, NEVAL);
    gl_rec_meta(rec, "slots", "gnuplot index s of curves.tsv and occupancy.tsv, and s*%d + i of "
                "frames.tsv: the rows of table.tsv in order", NT + 1);

    /* runs.tsv: every run's final metrics */
    if ((s = gl_rec_open(rec, "runs.tsv", &t, err)))
        goto done;
    gl_tsv_meta(t, "columns", "bench 0 ring, 1 grid, 2 1d4; method 0 gan, 1 pack2, 2 pack3, 3 pack4, "
                "4 lsgan, 5 gan_slow_d; jsd_exact: 1-D only (pushforward + quadrature)");
    gl_tsv_header(t, 8, (const char *const[]){"bench", "method", "seed", "modes", "hq_frac", "rkl",
                                              "jsd_hist", "jsd_exact"});
    for (size_t k = 0; k < njobs; k++)
        gl_tsv_row(t, 8, (double[]){(double)jobs[k].b, (double)jobs[k].m, (double)jobs[k].seed,
                                    jobs[k].curve[NT][0], jobs[k].curve[NT][1], jobs[k].curve[NT][2],
                                    jobs[k].jsd, jobs[k].jsd_exact});

    /* table.tsv: means and sds, next to the published numbers */
    summary u[NSLOT];
    if ((s = gl_rec_open(rec, "table.tsv", &t, err)))
        goto done;
    gl_tsv_meta(t, "published", "paper_*: PacGAN Table 1 (Lin et al. 2018) for gan and pack2; "
                "VEEGAN Table 1 (Srivastava et al. 2017) GAN: ring 1 mode / 99.3%% HQ, grid 3.3 / 0.5%%");
    gl_tsv_header(t, 16, (const char *const[]){"bench", "method", "seeds", "modes_mean", "modes_sd",
                                               "hq_mean", "hq_sd", "rkl_mean", "rkl_sd",
                                               "rkl_undefined", "jsd_hist_mean", "paper_modes",
                                               "paper_hq", "paper_rkl", "K", "jsd_exact_mean"});
    gl_tsv_digits(t, 4);
    for (size_t i = 0; i < NSLOT; i++) {
        size_t b = SLOT[i].b, m = SLOT[i].m;
        summarise(jobs, ns, i * ns, &u[i]);
        const double *pp = m == 0 ? BENCH[b].pac_gan : m == 1 ? BENCH[b].pac2 : NULL;
        const summary *v = &u[i];
        gl_tsv_cells(t, 16, (gl_tsv_cell[]){{.text = BENCH[b].name}, {.text = METHOD[m].name},
                                            {.num = (double)ns}, {.num = v->mean[0]}, {.num = v->sd[0]},
                                            {.num = v->mean[1]}, {.num = v->sd[1]}, {.num = v->mean[2]},
                                            {.num = v->sd[2]}, {.num = (double)v->nbad}, {.num = v->jsd},
                                            {.num = pp ? pp[0] : NAN}, {.num = pp ? pp[1] : NAN},
                                            {.num = pp ? pp[2] : NAN}, {.num = (double)NMODES[b]},
                                            {.num = v->jsd_exact}});
    }

    /* curves.tsv: the means over seeds at every measurement, one index per slot */
    if ((s = gl_rec_open(rec, "curves.tsv", &t, err)))
        goto done;
    gl_tsv_meta(t, "columns", "means over seeds; rkl over the seeds where it is defined; one gnuplot "
                "index per row of table.tsv");
    gl_tsv_header(t, 4, (const char *const[]){"step", "modes", "hq_frac", "rkl"});
    for (size_t i = 0; i < NSLOT; i++) {
        for (size_t p = 0; p <= NT; p++) {
            double v[3][1024], mean[3], sd;
            for (size_t q = 0; q < ns; q++)
                for (int a = 0; a < 3; a++)
                    v[a][q] = jobs[i * ns + q].curve[p][a];
            for (int a = 0; a < 3; a++)
                mean_sd(v[a], ns, &mean[a], &sd, NULL);
            gl_tsv_row(t, 4, (double[]){(double)(p * c.steps / NT), mean[0], mean[1], mean[2]});
        }
        gl_tsv_block(t);
    }

    /* occupancy.tsv: the first seed's fraction of samples that are HQ at each
     * mode, per measurement; blank line between steps, one index per slot */
    if ((s = gl_rec_open(rec, "occupancy.tsv", &t, err)))
        goto done;
    gl_tsv_meta(t, "columns", "seed %lu; fraction of the %d samples that are HQ at the mode; one "
                "index per row of table.tsv", o->seed, NEVAL);
    gl_tsv_header(t, 3, (const char *const[]){"step", "mode", "frac"});
    for (size_t i = 0; i < NSLOT; i++) {
        size_t K = NMODES[SLOT[i].b];
        const size_t *oc = occ + i * (NT + 1) * MAXK;
        for (size_t p = 0; p <= NT; p++) {
            for (size_t j = 0; j < K; j++)
                gl_tsv_row(t, 3, (double[]){(double)(p * c.steps / NT), (double)j,
                                            (double)oc[p * K + j] / NEVAL});
            gl_tsv_scan(t);
        }
        gl_tsv_scan(t);
    }

    /* frames.tsv: the first seed's first NSHOW samples at every measurement */
    if ((s = gl_rec_open(rec, "frames.tsv", &t, err)))
        goto done;
    gl_tsv_meta(t, "columns", "seed %lu; %d samples per frame; index s*%d + i for the row s of "
                "table.tsv and measurement i (step i*%lu)", o->seed, NSHOW, NT + 1, c.steps / NT);
    gl_tsv_header(t, 2, (const char *const[]){"x", "y"});
    gl_tsv_digits(t, 5); /* 22,550 rows: the figures need no more */
    for (size_t k = 0; k < NSLOT2 * (NT + 1); k++) { /* the 2-D slots */
        const double *x = frames + k * NSHOW * 2;
        for (size_t i = 0; i < NSHOW; i++)
            gl_tsv_row(t, 2, x + 2 * i);
        gl_tsv_block(t);
    }
    if ((s = gl_rec_open(rec, "modes.tsv", &t, err)))
        goto done;
    write_modes(t);

    /* claims (bounds and their reasons in theory/mode-collapse.md); slot i
     * of (b, m) for the methods run on both benchmarks: b * 6 + m */
    {
        double lost = -INFINITY;
        for (size_t b = 0; b < 2; b++) /* the claim is on ring and grid */
            lost = fmax(lost, (double)NMODES[b] - u[b * 6].mean[0]);
        gl_claims_add(cl, "gan_max_mean_modes_missing", GL_CLAIM_GE, 1, lost, 0);
        gl_claims_add(cl, "gan_slow_d_ring_mean_modes", GL_CLAIM_LE, o->quick ? 7 : 6,
                      u[5].mean[0], 0);
        /* the best remedy: the largest sum over benchmarks of mean modes / K,
         * ties to the larger sum of HQ fractions */
        size_t best = 1;
        double bs = -1, bh = -1;
        for (size_t m = 1; m < NM; m++) {
            double sc = u[m].mean[0] / 8 + u[6 + m].mean[0] / 25,
                   hq = u[m].mean[1] + u[6 + m].mean[1];
            if (sc > bs || (sc == bs && hq > bh)) {
                best = m;
                bs = sc;
                bh = hq;
            }
        }
        gl_rec_meta(rec, "best_remedy", "%s", METHOD[best].name);
        double ring_m = o->quick ? 6 : 7.5, grid_m = o->quick ? 15 : 23;
        double hq_ring = o->quick ? 0.1 : 0.8, hq_grid = o->quick ? 0.01 : 0.8;
        char name[GL_CLAIM_NAMELEN];
        snprintf(name, sizeof name, "best=%s_ring_mean_modes", METHOD[best].name);
        gl_claims_add(cl, name, GL_CLAIM_GE, ring_m, u[best].mean[0], 0);
        snprintf(name, sizeof name, "best=%s_grid_mean_modes", METHOD[best].name);
        gl_claims_add(cl, name, GL_CLAIM_GE, grid_m, u[6 + best].mean[0], 0);
        snprintf(name, sizeof name, "best=%s_ring_mean_hq", METHOD[best].name);
        gl_claims_add(cl, name, GL_CLAIM_GE, hq_ring, u[best].mean[1], 0);
        snprintf(name, sizeof name, "best=%s_grid_mean_hq", METHOD[best].name);
        gl_claims_add(cl, name, GL_CLAIM_GE, hq_grid, u[6 + best].mean[1], 0);
    }
done:
    for (size_t k = 0; jobs && k < njobs; k++)
        free(jobs[k].gparams);
    free(jobs);
    free(occ);
    free(frames);
    return s;
}
