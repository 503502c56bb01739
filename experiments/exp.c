/* SPDX-License-Identifier: GPL-3.0-or-later */
/* exp.c — running an experiment as one transaction, and override parsing. */
#include "exp.h"
#include "mlp.h"
#include "train.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef GL_VERSION
#define GL_VERSION "dev"
#endif
#ifndef GL_GIT_REV
#define GL_GIT_REV "unknown"
#endif

gl_exp_opts gl_exp_opts_default(void)
{
    gl_exp_opts o;
    memset(&o, 0, sizeof o);
    o.quick = 0;
    o.untrained = 0;
    o.seed = 1;
    o.outdir = NULL;
    o.threads = 2;
    o.argc = 0;
    o.argv = NULL;
    o.progress = NULL;
    o.progress_ctx = NULL;
    o.shard = 0;
    o.nshards = 0;
    o.fresh = 0;
    o.journal = NULL;
    o.journal_only = 0;
    o.tally = NULL;
    return o;
}

gl_sweep_cfg gl_exp_sweep_cfg(const gl_exp_opts *o, const char *stage)
{
    gl_sweep_cfg c = gl_sweep_cfg_default();
    c.seed0 = o->seed;
    c.threads = o->threads;
    c.progress = o->progress;
    c.progress_ctx = o->progress_ctx;
    c.stage = stage;
    c.journal = o->journal;
    c.journal_only = o->journal_only;
    c.shard = o->nshards ? o->shard : 0;
    c.nshards = o->nshards ? o->nshards : 1;
    c.extra = o->movie;
    return c;
}

const gl_experiment *gl_exp_find(const char *name)
{
    for (size_t i = 0; name && i < gl_nexperiments; i++)
        if (strcmp(gl_experiments[i].name, name) == 0)
            return &gl_experiments[i];
    return NULL;
}

int gl_exp_settings(const gl_experiment *e, const gl_exp_opts *o, char *buf, size_t n,
                    gl_err *err)
{
    size_t k = (size_t)snprintf(buf, n, "experiment: %s\nmode: %s\n%sseed: %lu\nganlab: %s (%s)\n",
                                e->name, o->quick ? "quick" : "full",
                                o->untrained ? "training: untrained (control run)\n" : "",
                                o->seed, GL_VERSION, GL_GIT_REV);
    for (int i = 0; i < o->argc && k < n; i++) {
        if (strpbrk(o->argv[i], "\t\n\r"))
            return gl_err_set(err, GL_EINVAL, "override \"%s\": a tab or newline in it", o->argv[i]);
        k += (size_t)snprintf(buf + k, n - k, "override: %s\n", o->argv[i]);
    }
    return k < n ? GL_OK : gl_err_set(err, GL_EINVAL, "the overrides are too long");
}

/* the table of the sweeps' runs, by where their results came from */
static void tally(const gl_journal *j, struct gl_exp_tally *t)
{
    memset(t, 0, sizeof *t);
    for (size_t i = 0; i < gl_journal_ntable(j); i++) {
        const char *stage, *config;
        unsigned long seed;
        gl_journal_where w;
        gl_journal_entry(j, i, &stage, &config, &seed, &w);
        t->reused += w == GL_JOURNAL_REUSED;
        t->run += w == GL_JOURNAL_RUN;
        t->elsewhere += w == GL_JOURNAL_ELSEWHERE;
    }
}

/* A slice's manifest.tsv: the settings, the slice, and every sweep run, here or elsewhere. */
static int write_manifest(const gl_exp_opts *o, const char *settings, const gl_journal *j,
                          gl_err *err)
{
    gl_rec *rec;
    gl_tsv *t;
    int s = gl_rec_begin(&rec, o->outdir, err);
    if (s)
        return s;
    for (const char *p = settings; *p; p += strcspn(p, "\n") + 1) {
        char key[64];
        size_t nk = strcspn(p, ":\n"), nl = strcspn(p, "\n");
        snprintf(key, sizeof key, "%.*s", (int)(nk < sizeof key ? nk : sizeof key - 1), p);
        gl_rec_meta(rec, key, "%.*s", nl > nk + 2 ? (int)(nl - nk - 2) : 0, p + nk + 2);
    }
    gl_rec_meta(rec, "shard", "%zu/%zu", o->shard + 1, o->nshards);
    if (!(s = gl_rec_open(rec, "manifest.tsv", &t, err)))
        s = gl_tsv_header(t, 4, (const char *[]){"stage", "config", "seed", "held"});
    for (size_t i = 0; !s && i < gl_journal_ntable(j); i++) {
        const char *stage, *config;
        unsigned long seed;
        gl_journal_where w;
        char sd[32];
        gl_journal_entry(j, i, &stage, &config, &seed, &w);
        snprintf(sd, sizeof sd, "%lu", seed);
        s = gl_tsv_cells(t, 4, (gl_tsv_cell[]){{.text = stage}, {.text = config}, {.text = sd},
                                                {.text = w == GL_JOURNAL_ELSEWHERE ? "elsewhere"
                                                                                   : "here"}});
    }
    if (!s && !(s = gl_tsv_done(t, err)))
        s = gl_rec_commit(rec, err);
    gl_rec_free(rec);
    return s;
}

/* The end of a slice: s, the experiment's status, is GL_OK or GL_ESLICE for a
 * slice done; its manifest is written, no result. */
static int end_slice(const gl_experiment *e, const gl_exp_opts *o, const char *settings,
                     const gl_journal *j, int s, gl_err *err)
{
    if (s && s != GL_ESLICE)
        return s;
    if (gl_journal_ntable(j) == 0)
        return gl_err_set(err, GL_EINVAL, "%s runs no sweep of (configuration, seed) runs: "
                          "there is nothing to slice (--shard); run it whole", e->name);
    return write_manifest(o, settings, j, err);
}

int gl_exp_run(const gl_experiment *e, const gl_exp_opts *o, gl_claims *claims, gl_err *err)
{
    char settings[8192], path[4200];
    gl_exp_opts run = *o;
    gl_journal *own = NULL;
    gl_rec *rec = NULL;
    claims->n = 0;
    int s = gl_exp_settings(e, o, settings, sizeof settings, err);
    if (!s && !o->journal && o->outdir && *o->outdir) { /* else gl_rec_begin says what is wrong */
        snprintf(path, sizeof path, "%s/journal.tsv", o->outdir);
        s = gl_journal_open(&own, path, settings, o->fresh, err);
        run.journal = own;
    }
    if (s || (s = gl_rec_begin(&rec, o->outdir, err))) {
        gl_journal_free(own);
        return s;
    }
    gl_rec_meta(rec, "experiment", "%s", e->name);
    gl_rec_meta(rec, "mode", "%s", o->quick ? "quick" : "full");
    if (o->untrained)
        gl_rec_meta(rec, "training", "untrained (control run)");
    gl_rec_meta(rec, "seed", "%lu", o->seed);
    gl_rec_meta(rec, "ganlab", "%s (%s)", GL_VERSION, GL_GIT_REV);
    s = e->run(&run, rec, claims, err);
    if (o->nshards) {
        claims->n = 0;
        s = end_slice(e, &run, settings, run.journal, s, err);
    } else {
        if (!s)
            s = gl_rec_claims(rec, claims, err);
        if (!s)
            s = gl_rec_commit(rec, err);
        if (!s && own)
            s = gl_journal_remove(own, err);
    }
    if (o->tally && run.journal)
        tally(run.journal, o->tally);
    gl_rec_free(rec);
    gl_journal_free(own);
    return s;
}

int gl_exp_arg_hidden(const char *text, void *dst, gl_err *err)
{
    return gl_mlp_hidden_parse(text, dst, err);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    if (isnan(x) || isnan(y))
        return isnan(x) - isnan(y);
    return (x > y) - (x < y);
}

double gl_exp_median(double *v, size_t n)
{
    qsort(v, n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

int gl_exp_train_d_to(gl_mlp *D, gl_optim *opt, const gl_mix *P, const gl_mix *G,
                      const gsl_rng *r, size_t *done, size_t target, gl_err *err)
{
    if (target <= *done)
        return GL_OK;
    gl_train_d_cfg dc = gl_train_d_cfg_default();
    dc.steps = target - *done;
    dc.batch = 256;
    dc.lr = 0.005;
    double loss;
    int s = gl_train_d(D, opt, P, G, r, &dc, &loss, err);
    if (!s)
        *done = target;
    return s;
}

void gl_exp_probe_free(gl_exp_probe *p)
{
    gl_gan_free(p->wm);
    gl_gan_free(p->wn);
    gl_optim_free(p->og);
    gl_optim_free(p->od);
    gl_optim_free(p->odt);
    gl_mlp_free(p->G);
    gl_mlp_free(p->D);
    memset(p, 0, sizeof *p);
}

int gl_exp_probe_alloc(gl_exp_probe *p, double a, double b, gl_noise noise, size_t batch,
                       size_t dcap, const gsl_rng *r, gl_err *err)
{
    memset(p, 0, sizeof *p);
    int s;
    if ((s = gl_mlp_alloc(&p->G, 1, (size_t[]){1, 1}, GL_ACT_LINEAR, 0, batch, err)) ||
        (s = gl_mlp_alloc(&p->D, 3, (size_t[]){1, 32, 32, 1}, GL_ACT_TANH, 0, dcap, err)) ||
        (s = gl_optim_alloc(&p->og, GL_OPT_SGD, p->G->nparams, 1, err)) ||
        (s = gl_optim_alloc(&p->od, GL_OPT_SGD, p->D->nparams, 1, err)) ||
        (s = gl_optim_alloc(&p->odt, GL_OPT_ADAM, p->D->nparams, 0.005, err)))
        goto fail;
    p->G->params[0] = a;
    p->G->params[1] = b;
    gl_mlp_init(p->D, r);
    gl_gan_cfg cfg = gl_gan_cfg_default();
    cfg.steps = 1;
    cfg.batch = batch;
    cfg.loss = GL_LOSS_MINIMAX;
    cfg.noise = noise;
    cfg.lr_d = cfg.lr_g = 1;
    if ((s = gl_gan_alloc(&p->wm, p->G, p->D, p->og, p->od, &cfg, 1, err)))
        goto fail;
    cfg.loss = GL_LOSS_NS;
    if ((s = gl_gan_alloc(&p->wn, p->G, p->D, p->og, p->od, &cfg, 1, err)))
        goto fail;
    return GL_OK;
fail:
    gl_exp_probe_free(p);
    return s;
}

void gl_exp_gan_free(gl_exp_gan *g)
{
    gl_live_free(g->live);
    gl_metrics_gen_free(g->ex);
    gl_rig_free(&g->rig);
    gsl_rng_free(g->r);
    memset(g, 0, sizeof *g);
}

int gl_exp_gan_alloc(gl_exp_gan *g, const gl_rig_arch *a, const gl_gan_cfg *cfg, const gl_mix *P,
                     unsigned long seed, gl_err *err)
{
    memset(g, 0, sizeof *g);
    if (!(g->r = gsl_rng_alloc(gsl_rng_mt19937)))
        return gl_err_set(err, GL_ENOMEM, "out of memory");
    gsl_rng_set(g->r, seed);
    int s = gl_rig_alloc(&g->rig, a, cfg, (size_t)P->dim, g->r, err);
    if (!s && P->dim == 1 && cfg->zdim == 1 && !cfg->ncond)
        s = gl_metrics_gen_alloc(&g->ex, g->rig.G, cfg->noise, err);
    if (s)
        gl_exp_gan_free(g);
    return s;
}

/* a frame of the movie, then the experiment's own hook */
static int movie_hook(void *ctx, const gl_gan_stats *st)
{
    gl_exp_gan *g = ctx;
    gl_live_update(g->live, st);
    if (gl_live_write(g->live, g->movie->out, NULL, NULL))
        g->movie->failed = 1;
    g->movie->frames++;
    return g->hook ? g->hook(g->hook_ctx, st) : 0;
}

int gl_exp_gan_alloc_run(gl_exp_gan *g, const gl_rig_arch *a, const gl_gan_cfg *cfg,
                         const gl_mix *P, const gl_run *run, unsigned long seed, gl_err *err)
{
    gl_exp_movie *m = gl_run_extra(run);
    int film = m && gl_run_config(run) == 0 && gl_run_seed_index(run) == 0 && !m->taken &&
               (P->dim == 1 || P->dim == 2);
    if (!film)
        return gl_exp_gan_alloc(g, a, cfg, P, seed, err);
    m->taken = 1;
    gl_gan_cfg c = *cfg;
    if (!c.hook || !c.log_every)
        c.log_every = c.steps >= 100 ? c.steps / 100 : 1;
    c.hook = movie_hook;
    c.hook_ctx = g;
    int s = gl_exp_gan_alloc(g, a, &c, P, seed, err);
    if (s)
        return s;
    g->movie = m;
    g->hook = cfg->hook;
    g->hook_ctx = cfg->hook_ctx;
    gl_live_cfg lc = gl_live_cfg_default();
    lc.title = m->title;
    lc.seed = seed ^ 0x2545f4914f6cdd1dul;
    snprintf(m->title, sizeof m->title, "%s, seed %lu", gl_run_name(run), seed);
    if ((s = gl_live_alloc(&g->live, P, &g->rig, &c, &lc, err))) {
        gl_exp_gan_free(g);
        return s;
    }
    gl_live_update(g->live, gl_gan_last(g->rig.w));
    if (gl_live_write(g->live, m->out, NULL, NULL))
        m->failed = 1;
    m->frames++;
    return GL_OK;
}
