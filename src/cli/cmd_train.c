/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cmd_train.c — `ganlab train`: Algorithm 1 on a mixture, a recipe from
 * options (recipe.h), every logged step a row of the watch (watch.h: the
 * exact JSD of a 1-D generator), the trained densities in pg.tsv. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gsl/gsl_rng.h>

#include "args.h"
#include "cli.h"
#include "cli_live.h"
#include "data.h"
#include "metrics.h"
#include "mix.h"
#include "model.h"
#include "num.h"
#include "rec.h"
#include "recipe.h"
#include "rig.h"
#include "watch.h"

static const char train_head[] =
    "usage: ganlab train --data SPEC [options]\n"
    "       ganlab train --data-file FILE [--bw H] [--kde-max N] [options]\n"
    "\n"
    "Trains a GAN on samples of the mixture SPEC (Algorithm 1 of Goodfellow et al.\n"
    "2014: k D-steps, then one G-step) and writes DIR/log.tsv, one row every N steps\n"
    "and one at the last step:\n"
    "  step loss_d loss_g V D_real D_fake acc jsd jsd_abserr jsd_est\n"
    "where V = mean log D(real) + mean log(1-D(fake)) on the step's minibatch (= -loss_d;\n"
    "nan for ls), jsd is the EXACT JSD(p_data||p_g) by quadrature of the generator's\n"
    "pushforward density (1-D data with zdim 1; otherwise nan) and jsd_est a histogram\n"
    "ESTIMATE of it from 4000 samples of each (any dimension). 1-D runs also write\n"
    "DIR/pg.tsv: x p_g p_data D Dstar on a grid over the data's mass. docs/train.md\n"
    "describes every column and the measurements behind the recipes. A progress line\n"
    "is shown on stderr when it is a terminal. If training diverges (NaN/inf), the\n"
    "rows so far are kept, the message is printed and the exit status is 2. On\n"
    "SIGINT or SIGTERM the rows so far are kept too, with a '# status: interrupted\n"
    "at step N' line, and the exit status is 130 or 143. On success one summary\n"
    "line goes to stdout.\n"
    "\n"
    "  --data SPEC         the data distribution, 1-D or 2-D (docs/spec.md)\n"
    "  --data-file FILE    data from a file instead: 1 or 2 columns of numbers\n"
    "                      (whitespace, TSV or CSV; '#' comments; a header row is\n"
    "                      skipped); training samples its rows, and p_data for every\n"
    "                      exact quantity is their Gaussian KDE (docs/train.md)\n"
    "  --bw H              the KDE's bandwidth on every axis (default: Silverman's rule)\n"
    "  --kde-max N         most components of the exact side's KDE (default 50):\n"
    "                      above N rows it is the binned KDE (docs/train.md)\n"
    "  --recipe NAME       the settings the options below start from:\n";

static const char train_tail[] =
    "  --seed N            random seed (default 1); the same seed gives identical files\n"
    "  --out DIR           output directory (default out/train)\n"
    "  --log-every N       log every N steps (default: steps/100, at least 1)\n"
    "  --conditional       a conditional GAN (Mirza & Osindero 2014): the label y, the\n"
    "                      mixture component of each sample (one-hot), is fed to G and D;\n"
    "                      jsd is then nan (exp conditional measures it per label) and\n"
    "                      no pg.tsv is written; 'ganlab sample --label K' draws label K\n"
    "  --save FILE         store the trained G and D (format: docs/train.md)\n"
    "\n"
    "Watching it (docs/train.md, 'Live view'):\n"
    "  --live              draw the training as it goes: 1-D data: p_data, the exact p_g,\n"
    "                      D(x), the exact D*_G(x), arrows -dL_G/dx on a row of fakes;\n"
    "                      2-D: D's heatmap, real and fake samples, G's manifold, the\n"
    "                      arrows; under it the JSD (exact for 1-D), V, the losses (1-D)\n"
    "                      or modes covered and HQ fraction (2-D) over the steps. In a\n"
    "                      window (qt, else x11) when there is a display, else in the\n"
    "                      terminal (dumb). Closing the window ends the training as if\n"
    "                      it had reached its last step (log written, exit 0, '# status:\n"
    "                      stopped at step N: the live window was closed')\n"
    "  --live-term NAME    gnuplot terminal for --live: qt, x11, dumb (text), sixelgd\n"
    "                      (images in a terminal that shows sixels), or any other\n"
    "  --live-every N      a frame every N steps (default: the window at most 4 times a\n"
    "                      second, at logged steps; the movie every steps/100)\n"
    "  --step              step mode (implies --live): after each frame, read a line\n"
    "                      from stdin: d = one D-step, g = one G-step, Enter = one\n"
    "                      step (k D-steps and a G-step), a number N = N steps, q = quit\n"
    "                      (as at the end of the input; the log is written, exit 0);\n"
    "                      in a window also as keys: d, g, Enter, 1/2/3 = 10/100/1000\n"
    "                      steps, q\n"
    "  --movie FILE.gif    write the frames as an animated GIF (10 frames a second),\n"
    "                      with or without --live; the same seed gives the same movie\n";

typedef struct {
    const char *spec, *outdir, *save, *recipe, *file;
    unsigned long seed;
    size_t log_every;
    int conditional;
    gl_recipe r;
    cli_live_opts live;
    int step;
    gl_data_cfg kde;
    gl_data *data; /* --data-file's rows and KDE, loaded by parse; setup takes it */
} train_opts;

/* text folded at spaces into lines of at most 80 columns after indent */
static void print_folded(const char *text, int indent)
{
    const char *p = text;
    while (*p) {
        int room = 80 - indent, n = (int)strlen(p);
        if (n > room)
            for (n = room; n > 0 && p[n] != ' '; n--)
                ;
        if (n <= 0)
            n = (int)strlen(p);
        printf("%*s%.*s\n", indent, "", n, p);
        p += n;
        while (*p == ' ')
            p++;
    }
}

/* each named recipe, spelled out */
static void print_usage(void)
{
    static const char *const names[] = {"default", "textbook"};
    fputs(train_head, stdout);
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        gl_recipe r;
        char buf[512];
        gl_recipe_preset(names[i], &r, NULL);
        gl_recipe_text(&r, 1, buf, sizeof buf);
        printf("                        %s%s:\n", names[i], i ? "" : " (the default)");
        print_folded(buf, 26);
    }
    fputs(gl_recipe_help, stdout);
    fputs(train_tail, stdout);
}

static int p_recipe(const char *t, void *dst, gl_err *err)
{
    gl_recipe r;
    if (gl_recipe_preset(t, &r, err))
        return GL_EINVAL;
    *(const char **)dst = t;
    return GL_OK;
}

/* The data source: the mixture of --data SPEC (*P, the caller's to free),
 * or --data-file's rows and KDE (o->data, *P its KDE, o->data's). */
static int open_data(train_opts *o, gl_mix **P, gl_err *err)
{
    if (!!o->spec == !!o->file)
        return gl_err_set(err, GL_EINVAL, o->spec ? "--data and --data-file: give one"
                                                  : "--data SPEC or --data-file FILE is required");
    if (o->spec && (o->kde.bw > 0 || o->kde.max_comp != GL_DATA_MAXCOMP))
        return gl_err_set(err, GL_EINVAL, "--bw and --kde-max go with --data-file");
    if (o->file) {
        if (gl_data_load(o->file, &o->kde, &o->data, err))
            return GL_EINVAL; /* the message names the file (and line) */
        *P = o->data->kde;
        o->r.gan.rows = o->data->rows;
        o->r.gan.nrows = o->data->n;
        return GL_OK;
    }
    if (strpbrk(o->spec, "\r\n"))
        return gl_err_set(err, GL_EINVAL, "--data: the spec must be on one line");
    if (gl_mix_parse(o->spec, P, err))
        return gl_err_prefix(err, "--data");
    return GL_OK;
}

/* --recipe first (the other options change it), then everything */
static int parse(int argc, char **argv, train_opts *o, size_t *data_dim, gl_err *err)
{
    memset(o, 0, sizeof *o);
    o->outdir = "out/train";
    o->recipe = "default";
    o->seed = 1;
    o->kde = gl_data_cfg_default();
    const gl_argspec cli[] = {
        {.name = "data", .type = GL_ARG_STR, .dst = &o->spec},
        {.name = "recipe", .type = GL_ARG_FN, .dst = &o->recipe, .parse = p_recipe},
        {.name = "seed", .type = GL_ARG_ULONG, .dst = &o->seed},
        {.name = "out", .type = GL_ARG_STR, .dst = &o->outdir},
        {.name = "log-every", .type = GL_ARG_SIZE, .dst = &o->log_every, .min = 1, .max = 1e9},
        {.name = "save", .type = GL_ARG_STR, .dst = &o->save},
        {.name = "conditional", .type = GL_ARG_FLAG, .dst = &o->conditional},
        {.name = "live", .type = GL_ARG_FLAG, .dst = &o->live.live},
        {.name = "live-term", .type = GL_ARG_STR, .dst = &o->live.term},
        {.name = "live-every", .type = GL_ARG_SIZE, .dst = &o->live.every, .min = 1, .max = 1e9},
        {.name = "movie", .type = GL_ARG_STR, .dst = &o->live.movie},
        {.name = "step", .type = GL_ARG_FLAG, .dst = &o->step},
        {.name = "data-file", .type = GL_ARG_STR, .dst = &o->file},
        {.name = "bw", .type = GL_ARG_DOUBLE, .dst = &o->kde.bw, .min = 0, .max = 1e6, .open_min = 1},
        {.name = "kde-max", .type = GL_ARG_SIZE, .dst = &o->kde.max_comp, .min = 1, .max = 1e6},
    };
    enum { NCLI = sizeof cli / sizeof cli[0] };
    gl_argspec specs[NCLI + GL_RECIPE_NSPECS];
    gl_recipe_opts ro;
    memcpy(specs, cli, sizeof cli);
    for (int pass = 0; pass < 2; pass++) {
        if (gl_recipe_preset(o->recipe, &o->r, err))
            return GL_EINVAL;
        size_t n = NCLI + gl_recipe_argspecs(&o->r, &ro, specs + NCLI);
        if (gl_args_parse(argc, argv, specs, n, err))
            return GL_EINVAL;
    }
    o->live.live |= o->step;
    if ((o->live.term || o->live.every) && !o->live.live && !o->live.movie)
        return gl_err_set(err, GL_EINVAL, "--live-term and --live-every go with --live, --step "
                          "or --movie");
    if (o->conditional && (o->live.live || o->live.movie))
        return gl_err_set(err, GL_EINVAL, "--live, --step and --movie draw an unconditional G "
                          "(one p_g); with --conditional there is one per label: not supported");
    if (o->conditional && o->file)
        return gl_err_set(err, GL_EINVAL, "--conditional labels the components of --data SPEC; "
                          "a --data-file's rows have no labels");
    gl_mix *P = NULL;
    int s = open_data(o, &P, err);
    if (s)
        return s;
    *data_dim = (size_t)P->dim;
    if (!o->log_every)
        o->log_every = o->r.gan.steps >= 100 ? o->r.gan.steps / 100 : 1;
    s = gl_recipe_finish(&o->r, &ro, P, err);
    if (!s && o->conditional)
        o->r.gan.ncond = P->n;
    if (!o->data)
        gl_mix_free(P);
    return s;
}

/* ---- the log ---- */

typedef struct {
    gl_tsv *log;
    gl_watch *watch;
    cli_live *live;
    size_t steps, logged, log_every;
    double last[GL_WATCH_NCOLS];
    int tty, write_failed, movie_failed;
} log_ctx;

static int log_row(log_ctx *c, const gl_gan_stats *s)
{
    gl_watch_row(c->watch, s, c->last);
    c->logged = s->step;
    if (gl_tsv_row(c->log, GL_WATCH_NCOLS, c->last)) {
        c->write_failed = 1;
        return 1;
    }
    if (c->tty) {
        fprintf(stderr, "\r  train: step %zu/%zu  loss_d %.4f  loss_g %.4f  jsd %.4g\033[K",
                s->step, c->steps, s->loss_d, s->loss_g, c->last[7]);
        fflush(stderr);
    }
    return 0;
}

/* a logged row, the live view's frames; a SIGINT or SIGTERM (cli_signal)
 * or a closed window stops training there */
static int hook(void *ctx, const gl_gan_stats *s)
{
    log_ctx *c = ctx;
    if (s->step % c->log_every == 0 && log_row(c, s))
        return 1;
    int lv = c->live ? cli_live_frame(c->live, s, 0) : 0;
    c->movie_failed |= lv < 0;
    return lv || cli_signal;
}

static void put_meta(gl_rec *rec, const train_opts *o, const gl_mix *P, const gl_data *data,
                     size_t dim)
{
    const gl_gan_cfg *c = &o->r.gan;
    const gl_rig_arch *a = &o->r.arch;
    char g[128], d[128], sch[128];
    gl_mlp_hidden_text(c->zdim + c->ncond, &a->g, dim, g, sizeof g);
    gl_mlp_hidden_text((c->pack > 1 ? c->pack : 1) * dim + c->ncond, &a->d, 1, d, sizeof d);
    gl_sched_text(&c->sched, sch, sizeof sch);
    gl_rec_meta(rec, "command", "train");
    gl_rec_meta(rec, "data", "%s", P->spec);
    if (data) {
        gl_rec_meta(rec, "data_file", "%s: %zu rows, sampled uniformly with replacement", o->file,
                    data->n);
        char bw[64];
        snprintf(bw, sizeof bw, dim == 2 ? "%.6g (x), %.6g (y)" : "%.6g", data->bw[0], data->bw[1]);
        gl_rec_meta(rec, "kde", "p_data of the exact quantities: the rows' Gaussian KDE, bandwidth "
                    "%s (%s), %zu components%s", bw, o->kde.bw > 0 ? "--bw" : "Silverman's rule",
                    P->n, data->cell > 0 ? ", binned (docs/train.md)" : "");
        if (data->cell > 0)
            gl_rec_meta(rec, "kde_cells", "%.6g bandwidths on each axis; at most --kde-max %zu",
                        data->cell, o->kde.max_comp);
    }
    gl_rec_meta(rec, "recipe", "%s, then the options given", o->recipe);
    gl_rec_meta(rec, "loss", "%s", gl_loss_name(c->loss));
    gl_rec_meta(rec, "k", "%zu", c->k);
    gl_rec_meta(rec, "update", "%s", c->update == GL_UPDATE_SIM ? "sim" : "alt");
    gl_rec_meta(rec, "r1", "%.10g", c->r1);
    gl_rec_meta(rec, "pack", "%zu", c->pack > 1 ? c->pack : 1);
    gl_rec_meta(rec, "steps", "%zu", c->steps);
    gl_rec_meta(rec, "batch", "%zu", c->batch);
    gl_rec_meta(rec, "optimizer", "%s, lr %.10g (D) %.10g (G), betas %g/%g, eps 1e-8",
                a->gopt == GL_OPT_ADAM ? "adam" : "sgd", c->lr_d, c->lr_g, a->beta1, a->beta2);
    gl_rec_meta(rec, "schedule", "%s", sch);
    gl_rec_meta(rec, "G", "%s %s", g, gl_act_name(a->gact));
    gl_rec_meta(rec, "D", "%s %s", d, gl_act_name(a->dact));
    gl_rec_meta(rec, "leak", "%.10g", a->leak);
    gl_rec_meta(rec, "zdim", "%zu", c->zdim);
    gl_rec_meta(rec, "noise", "%s", gl_noise_name(c->noise));
    if (c->ncond)
        gl_rec_meta(rec, "conditional", "%zu labels, one per component, fed to G and D", c->ncond);
    gl_rec_meta(rec, "seed", "%lu", o->seed);
    gl_rec_meta(rec, "log_every", "%zu", o->log_every);
    gl_rec_meta(rec, "ganlab", "%s (%s)", GL_VERSION, GL_GIT_REV);
}

static int open_log(gl_rec *rec, const train_opts *o, const gl_watch *w, int dim, gl_tsv **t,
                    gl_err *err)
{
    int s = gl_rec_open(rec, "log.tsv", t, err);
    if (s)
        return s;
    gl_tsv_meta(*t, "rows", "every log_every-th step and the last step; statistics of that "
                "step's minibatches (train.h gl_gan_stats)");
    gl_tsv_meta(*t, "V", "%s", o->r.gan.loss == GL_LOSS_LS ? "nan: V(D,G) = E log D + E log(1-D) "
                "needs a probability D, and ls's D is a score" : "minibatch estimate of V(D,G) = "
                "mean log D(real) + mean log(1-D(fake)) on the step's last D-step batch, before "
                "D's update (= -loss_d)");
    gl_tsv_meta(*t, "jsd", "%s", gl_watch_exact(w) ? "exact JSD(p_data||p_g) in nats, by "
                "quadrature of the generator's pushforward density; jsd_abserr is the "
                "quadrature's error estimate" : "nan: the exact JSD needs a 1-D generator (1-D "
                "data, zdim 1); see jsd_est");
    gl_tsv_meta(*t, "jsd_est", "an ESTIMATE of the JSD: the JSD between histograms of %d data "
                "and %d generator samples, %d cells per axis over the data's mass (means +- 4 "
                "sd) plus one outside; biased up by sampling noise, blind below the cell size",
                GL_WATCH_EST_N, GL_WATCH_EST_N, dim == 1 ? GL_WATCH_BINS_1D : GL_WATCH_BINS_2D);
    if ((s = gl_tsv_header(*t, GL_WATCH_NCOLS, gl_watch_cols)))
        return gl_err_set(err, s, "cannot write %s/log.tsv", o->outdir);
    return GL_OK;
}

/* x p_g p_data D Dstar on 401 points over the data's mass: every Gaussian's
 * mu +- 4 sd, every uniform's [a, b]. */
static int write_pg(gl_rec *rec, const gl_mix *P, gl_pushforward *pf, gl_mlp *D,
                    gl_loss_kind loss, gl_err *err)
{
    enum { NX = 401 };
    double lo = INFINITY, hi = -INFINITY;
    gl_mix_box(P, 0, 4.0, &lo, &hi);
    gl_tsv *t;
    int s = gl_rec_open(rec, "pg.tsv", &t, err);
    if (s)
        return s;
    gl_tsv_meta(t, "grid", "%d points on [%.10g, %.10g]: the data's mass (mu +- 4 sd, uniforms' "
                "supports)", NX, lo, hi);
    gl_tsv_meta(t, "p_g", "exact density of the trained generator (pushforward of p_z, gen.h)");
    gl_tsv_meta(t, "D", "%s", loss == GL_LOSS_LS ? "the trained discriminator's raw score (ls: "
                "not a probability)" : "the trained discriminator, sigmoid of its logit");
    gl_tsv_meta(t, "Dstar", "p_data/(p_data+p_g), the optimal D for the trained G (nan where "
                "both are 0)");
    static const char *const cols[] = {"x", "p_g", "p_data", "D", "Dstar"};
    s = gl_tsv_header(t, 5, cols);
    for (int i = 0; i < NX && !s; i++) {
        double x = lo + (hi - lo) * i / (NX - 1);
        double lp = gl_mix_logpdf(P, &x), lg = gl_pushforward_logpdf(pf, x);
        double a = gl_metrics_mlp_logit(&x, D);
        double row[] = {x, exp(lg), exp(lp), loss == GL_LOSS_LS ? a : gl_num_sigmoid(a),
                        gl_metrics_dstar(lp, lg)};
        s = gl_tsv_row(t, 5, row);
    }
    return s ? gl_err_set(err, s, "cannot write pg.tsv") : GL_OK;
}

/* ---- the run ---- */

typedef struct {
    gl_mix *P;
    gl_data *data; /* --data-file's rows and KDE (P is then data->kde), else NULL */
    gl_rig rig;
    gsl_rng *r;
    gl_rec *rec;
    log_ctx log;
    int quit; /* step mode's q */
} run_state;

static void run_free(run_state *st)
{
    gl_rec_free(st->rec);
    gl_watch_free(st->log.watch);
    gl_rig_free(&st->rig);
    gsl_rng_free(st->r);
    if (st->data)
        gl_data_free(st->data);
    else
        gl_mix_free(st->P);
}

static size_t gcd(size_t a, size_t b)
{
    while (b) {
        size_t t = a % b;
        a = b, b = t;
    }
    return a;
}

/* the hook's cadence: the log's, and the frames' when they have one (the
 * window's default, at most 4 a second, is checked at the logged steps) */
static size_t hook_every(const train_opts *o)
{
    size_t steps = o->r.gan.steps, every = o->live.every;
    if (!every && o->live.movie)
        every = steps >= 100 ? steps / 100 : 1;
    return every ? gcd(o->log_every, every) : o->log_every;
}

/* everything but the training: data, GAN, watch, output transaction */
static int setup(run_state *st, train_opts *o, gl_err *err)
{
    memset(st, 0, sizeof *st);
    int s = GL_OK;
    if (o->data) { /* parse loaded it */
        st->data = o->data;
        st->P = st->data->kde;
        o->data = NULL;
    } else if ((s = gl_mix_parse(o->spec, &st->P, err))) {
        return s;
    }
    if (!(st->r = gsl_rng_alloc(gsl_rng_mt19937)))
        return gl_err_set(err, GL_ENOMEM, "out of memory");
    gsl_rng_set(st->r, o->seed);
    o->r.gan.log_every = hook_every(o);
    st->log.log_every = o->log_every;
    o->r.gan.hook = hook;
    o->r.gan.hook_ctx = &st->log;
    size_t dim = (size_t)st->P->dim;
    if ((s = gl_rig_alloc(&st->rig, &o->r.arch, &o->r.gan, dim, st->r, err)) ||
        (s = gl_watch_alloc(&st->log.watch, st->P, st->rig.G, o->r.gan.noise, o->r.gan.loss,
                            o->seed ^ 0x9e3779b97f4a7c15ul, err)) ||
        (o->r.gan.ncond && (s = gl_watch_cond(st->log.watch, o->r.gan.ncond, err))) ||
        (s = gl_rec_begin(&st->rec, o->outdir, err)))
        return s;
    put_meta(st->rec, o, st->P, st->data, dim);
    st->log.steps = o->r.gan.steps;
    st->log.tty = isatty(STDERR_FILENO);
    return open_log(st->rec, o, st->log.watch, st->P->dim, &st->log.log, err);
}

/* the log so far, with the reason it stops, then the message */
static int diverged(run_state *st, const train_opts *o, const gl_err *why)
{
    gl_err cerr;
    gl_tsv_meta(st->log.log, "stopped", "%s", why->msg);
    if (gl_rec_commit(st->rec, &cerr))
        cli_fail_err("train", &cerr);
    return cli_fail("train", "training diverged: %s (%s/log.tsv keeps the rows before it)",
                    why->msg, o->outdir);
}

/* interrupted (SIGINT, SIGTERM): the rows so far as log.tsv, with the step,
 * then the message; the exit status is 128 + the signal */
static int interrupted(run_state *st, const train_opts *o)
{
    gl_err cerr;
    int sig = cli_signal;
    size_t step = gl_gan_last(st->rig.w)->step;
    gl_tsv_meta(st->log.log, "status", "interrupted at step %zu (%s)", step, cli_signal_name(sig));
    if (gl_rec_commit(st->rec, &cerr))
        cli_fail_err("train", &cerr);
    fprintf(stderr, "ganlab train: interrupted by %s at step %zu (%s/log.tsv keeps the rows so far; no model "
                    "was saved)\n", cli_signal_name(sig), step, o->outdir);
    return 128 + sig;
}

/* ---- the live view, step mode ---- */

/* one command of step mode at a time until q (st->quit), the end of the
 * steps, a signal or a closed window */
static int step_loop(run_state *st, const train_opts *o, gl_err *err)
{
    gl_gan *w = st->rig.w;
    cli_live_note(st->log.live, "step mode: d = D-step, g = G-step, Enter = step, N = N steps, "
                  "q = quit");
    cli_live_frame(st->log.live, gl_gan_last(w), 2);
    for (;;) {
        size_t step = gl_gan_last(w)->step, n = 1, left = o->r.gan.steps - step;
        if (!left || cli_signal || cli_live_closed(st->log.live) || st->log.write_failed)
            return GL_OK;
        int cmd = cli_live_command(st->log.live, step, &n), s;
        if (cmd == 'q' && !cli_signal && !cli_live_closed(st->log.live))
            st->quit = 1;
        if (cmd == 'q')
            return GL_OK;
        if (cmd == 'd')
            s = gl_gan_step_d(w, st->P, st->r, err);
        else if (cmd == 'g')
            s = gl_gan_step_g(w, st->P, st->r, err);
        else
            s = gl_gan_train_steps(w, st->P, st->r, n < left ? n : left, err);
        const gl_gan_stats *l = gl_gan_last(w);
        if (!s && l->step % o->log_every == 0 && l->step != st->log.logged && log_row(&st->log, l))
            return GL_OK;
        if (s)
            return s;
        cli_live_frame(st->log.live, l, 2);
    }
}

/* the training: step mode, or the steps with the first and last frames */
static int run(run_state *st, const train_opts *o, gl_err *err)
{
    if (o->step)
        return step_loop(st, o, err);
    if (st->log.live)
        cli_live_frame(st->log.live, gl_gan_last(st->rig.w), 1);
    int s = gl_gan_train(st->rig.w, st->P, st->r, err);
    if (!s && st->log.live && !cli_signal && !cli_live_closed(st->log.live))
        cli_live_frame(st->log.live, gl_gan_last(st->rig.w), 1);
    return s;
}

/* a run that ended before its last step, but not by a signal: the reason in
 * the log (then finish writes it as after the last step) */
static int stopped(run_state *st, const train_opts *o)
{
    size_t step = gl_gan_last(st->rig.w)->step;
    if (step >= o->r.gan.steps)
        return 0;
    if (cli_live_closed(st->log.live))
        gl_tsv_meta(st->log.log, "status", "stopped at step %zu: the live window was closed", step);
    else if (st->quit)
        gl_tsv_meta(st->log.log, "status", "stopped at step %zu in step mode (q or the end of the "
                    "input)", step);
    return 0;
}

/* after training: the last row, pg.tsv, the commit, the model */
static int finish(run_state *st, const train_opts *o, gl_err *err)
{
    const gl_gan_stats *last = gl_gan_last(st->rig.w);
    int s = GL_OK;
    if (st->log.logged != last->step && log_row(&st->log, last))
        return gl_err_set(err, GL_EIO, "cannot write %s/log.tsv", o->outdir);
    gl_metrics_gen *ex = gl_watch_gen(st->log.watch);
    if (ex)
        s = write_pg(st->rec, st->P, gl_metrics_gen_pf(ex), st->rig.D, o->r.gan.loss, err);
    if (!s)
        s = gl_rec_commit(st->rec, err);
    if (!s && o->save) {
        gl_model_meta meta = {st->P->spec, o->r.gan.noise, o->r.gan.zdim, o->r.gan.ncond};
        s = gl_model_save(o->save, st->rig.G, st->rig.D, &meta, err);
    }
    return s;
}

static void summary(run_state *st, const train_opts *o)
{
    const gl_gan_stats *last = gl_gan_last(st->rig.w);
    printf("%s/log.tsv: %zu steps, last row step %zu: loss_d %.6g loss_g %.6g jsd %.6g%s%s\n",
           o->outdir, o->r.gan.steps, last->step, last->loss_d, last->loss_g, st->log.last[7],
           o->save ? "; model " : "", o->save ? o->save : "");
    size_t first;
    const char *msg;
    size_t nfail = gl_watch_failures(st->log.watch, &first, &msg);
    if (nfail)
        fprintf(stderr, "ganlab train: warning: the exact JSD failed at %zu logged steps (nan "
                "in log.tsv); first at step %zu: %s\n", nfail, first, msg);
}

int cmd_train(int argc, char **argv)
{
    if (cli_asks_help(argc, argv)) {
        print_usage();
        return 0;
    }
    train_opts o;
    size_t dim;
    gl_err err;
    gl_err_clear(&err);
    if (parse(argc, argv, &o, &dim, &err)) {
        gl_data_free(o.data);
        return cli_fail("train", "%s (try 'ganlab train --help')", err.msg);
    }
    if (o.save && gl_rec_check_target(o.save, &err)) { /* before training, not after */
        gl_data_free(o.data);
        return cli_fail("train", "--save: %s", err.msg);
    }
    run_state st;
    int rc = 0;
    if (setup(&st, &o, &err)) {
        rc = cli_fail_err("train", &err);
    } else if ((o.live.live || o.live.movie) &&
               (rc = cli_live_open(&st.log.live, &o.live, st.P, &st.rig, &o.r.gan, o.seed))) {
        /* the reason is printed */
    } else {
        cli_graceful = 1;
        int ts = run(&st, &o, &err);
        cli_graceful = 0; /* from here a signal ends the run and replaces nothing */
        if (st.log.tty)
            fputs("\r\033[K", stderr);
        if (cli_signal && !st.log.write_failed && ts != GL_EDIVERGE)
            rc = interrupted(&st, &o);
        else if (st.log.write_failed)
            rc = cli_fail("train", "cannot write %s/log.tsv", o.outdir);
        else if (ts == GL_EDIVERGE)
            rc = diverged(&st, &o, &err);
        else if (st.log.movie_failed)
            rc = cli_fail("train", "--movie: gnuplot stopped writing %s", o.live.movie);
        else if (ts || stopped(&st, &o) || finish(&st, &o, &err))
            rc = cli_fail_err("train", &err);
        else
            summary(&st, &o);
    }
    int mrc = cli_live_close(st.log.live, !st.log.movie_failed);
    if (!rc && mrc)
        rc = mrc;
    else if (!mrc && st.log.live && o.live.movie && !st.log.movie_failed)
        printf("%s: the movie\n", o.live.movie);
    run_free(&st);
    return rc;
}
