/* SPDX-License-Identifier: GPL-3.0-or-later */
/* exp.h — the experiment registry and what every experiment receives (the
 * types gl_experiment, gl_exp_opts and gl_exp_probe; gl_exp_NAME is defined
 * in experiments/NAME.c, the catalogue gl_experiments in registry.c from the
 * one list, list.h).
 *
 * An experiment measures claims of the theory with the library and writes its
 * results through a gl_rec; it has no numerics of its own beyond wiring. */
#ifndef GL_EXP_H
#define GL_EXP_H

#include <stddef.h>
#include <stdio.h>

#include <gsl/gsl_rng.h>

#include "args.h"
#include "gl.h"
#include "journal.h"
#include "live.h"
#include "metrics.h"
#include "mix.h"
#include "mlp.h"
#include "optim.h"
#include "rec.h"
#include "rig.h"
#include "sweep.h"
#include "train.h"

/* The movie of an experiment (ganlab exp --movie): the first training run
 * that is its sweep's first (configuration 0, seed index 0) writes the live
 * view's frames (live.h) of that GAN into out, at the steps its experiment
 * logs (or every steps/100 when it logs none), beginning at step 0. */
typedef struct {
    FILE *out;          /* the frames' stream (the CLI's gnuplot writing the GIF) */
    int taken;          /* set by the run that draws it */
    size_t frames;      /* frames written */
    int failed;         /* a write failed (the stream's gnuplot ended) */
    char title[160];    /* "NAME: CONFIG, seed S", set by that run */
} gl_exp_movie;

typedef struct {
    int quick;              /* the reduced --quick setting (seconds, for make check; default 0) */
    int untrained;          /* --untrained, the control run (default 0): every network the
                             * experiment trains is trained for 0 steps, or its generator is
                             * frozen at its initialisation where the claims are about the
                             * generator; everything else runs as usual, so the claims are
                             * evaluated on untrained networks (docs/experiments.md) */
    unsigned long seed;     /* default 1 */
    const char *outdir;     /* where the results go (no default: set it) */
    size_t threads;         /* threads of the experiment's sweeps, 1..64 (default 2);
                             * the results do not depend on it */
    int argc;               /* overrides: --key value pairs, experiment-specific */
    char **argv;
    /* progress report (may be NULL): fraction done of the current stage */
    void (*progress)(void *ctx, const char *stage, double frac);
    void *progress_ctx;
    /* a slice (--shard I/N, docs/sharding.md): nshards >= 1 runs only the
     * shard-th (0-based) of nshards slices of the experiment's sweeps and
     * writes them, not its results (default 0: the whole experiment) */
    size_t shard, nshards;
    int fresh;              /* 1: do not reuse the finished runs of an interrupted run (default 0) */
    gl_journal *journal;    /* the finished runs the sweeps reuse and add to: set by gl_exp_run,
                             * or given (a merge's, with journal_only) */
    int journal_only;       /* the sweeps run nothing: every run comes from journal */
    /* if not NULL, gl_exp_run counts here the runs of the sweeps by where their
     * results came from: reused from the journal, run, other slices' */
    struct gl_exp_tally { size_t reused, run, elsewhere; } *tally;
    gl_exp_movie *movie;    /* NULL (the default): no movie */
} gl_exp_opts;

gl_exp_opts gl_exp_opts_default(void);

typedef struct {
    const char *name;
    const char *summary;    /* one line, for exp --list */
    const char *overrides;  /* help text for the overrides, one per line */
    int (*run)(const gl_exp_opts *o, gl_rec *rec, gl_claims *claims, gl_err *err);
} gl_experiment;

extern const gl_experiment gl_experiments[];
extern const size_t gl_nexperiments;
const gl_experiment *gl_exp_find(const char *name);

/* Runs e: opens a gl_rec on o->outdir with the common metadata (experiment,
 * seed, mode, version, git revision; "training: untrained (control run)" with
 * o->untrained), runs it, writes claims.tsv and commits
 * every file together. On an error nothing is renamed into place (the previous
 * results stay) and the status is returned; failed claims are not an error.
 * o->untrained for an experiment without the control is GL_EINVAL.
 *
 * Resume. Unless o->journal is given, the sweeps' finished runs are kept in
 * OUTDIR/journal.tsv as they finish, and a run with the same settings (the
 * metadata above and the overrides) reuses those it finds there instead of
 * running them again (o->fresh: it does not); the journal is removed once the
 * results are in place. A slice (o->nshards >= 1) writes, instead of the
 * results, OUTDIR/journal.tsv with its runs and OUTDIR/manifest.tsv: the
 * settings, "shard: I/N" and the table of every sweep's runs (stage, config,
 * seed, here|elsewhere); no claims. An experiment without a sweep cannot be
 * sliced (GL_EINVAL). */
int gl_exp_run(const gl_experiment *e, const gl_exp_opts *o, gl_claims *claims, gl_err *err);

/* The settings of a run of e with o, as "key: value\n" lines (what a journal
 * and a manifest start with), into buf of n bytes. */
int gl_exp_settings(const gl_experiment *e, const gl_exp_opts *o, char *buf, size_t n,
                    gl_err *err);

/* Merges the slices dirs[0..ndirs-1] (written by gl_exp_run with nshards
 * >= 1) into o->outdir: checks that they are one revision's slices of one
 * experiment with one set of settings, that together they are every slice
 * 1..N once, and that their runs are disjoint and complete, then runs that
 * experiment with their runs as its journal and nothing trained
 * (journal_only), so it writes exactly the files one unsharded run writes,
 * and its claims. *e and o's quick, untrained and seed are set to the
 * slices'; o's outdir, threads and progress are the caller's. */
int gl_exp_merge(const char *const *dirs, size_t ndirs, const gl_experiment **e, gl_exp_opts *o,
                 gl_claims *claims, gl_err *err);

/* The sweep of an experiment's runs: gl_sweep_cfg_default() with o's seed
 * (seed0), threads, progress report, journal and slice, and stage as its
 * progress label and its name in the journal (one per sweep of the
 * experiment); the caller sets the configurations, seeds and run. */
gl_sweep_cfg gl_exp_sweep_cfg(const gl_exp_opts *o, const char *stage);

/* ---- override parsing: args.h's gl_argspec tables ---- */
/* A GL_ARG_FN parser of a hidden-layer list ("32,32") into a gl_mlp_hidden. */
int gl_exp_arg_hidden(const char *text, void *dst, gl_err *err);

/* Trains D against the fixed p_g = G (gl_train_d: batch 256+256, lr 0.005
 * constant, with opt) from *done steps up to target steps, and sets *done =
 * target; nothing if target <= *done. The "D after 10, 100, 1000 steps"
 * sequences of saturation and disjoint. */
int gl_exp_train_d_to(gl_mlp *D, gl_optim *opt, const gl_mix *P, const gl_mix *G,
                      const gsl_rng *r, size_t *done, size_t target, gl_err *err);

/* A fixed affine generator G(z) = a z + b (1-D noise, data) against a
 * 1-32-32-1 tanh discriminator, for reading the generator's gradients while
 * D trains (saturation B, disjoint B): odt trains D (Adam, lr 0.005), and two
 * workspaces sharing G and D form the minimax (wm) and non-saturating (wn)
 * G-gradients on batches of `batch` (og, od: SGD, never stepped). D's weights
 * are drawn from r; dcap is D's batch capacity (>= 2 batch). On failure
 * everything is freed and *p is all NULL. */
typedef struct {
    gl_mlp *G, *D;
    gl_optim *og, *od, *odt;
    gl_gan *wm, *wn;
} gl_exp_probe;
int gl_exp_probe_alloc(gl_exp_probe *p, double a, double b, gl_noise noise, size_t batch,
                       size_t dcap, const gsl_rng *r, gl_err *err);
void gl_exp_probe_free(gl_exp_probe *p); /* all-NULL is a no-op */

/* One GAN of a sweep's run: G, D, their optimisers and workspace (a gl_rig
 * for a and cfg on P's dimension), the training stream r seeded with seed
 * (G's then D's initial weights are its first draws), and, when P is 1-D and
 * cfg->zdim is 1 (and G unconditional), the exact side of G (ex, else NULL). gl_gan_train(g.rig.w,
 * P, g.r, err) trains it. On failure everything is freed and *g is all NULL. */
typedef struct {
    gl_rig rig;
    gsl_rng *r;
    gl_metrics_gen *ex;
    /* the movie's (gl_exp_gan_alloc_run), else NULL: */
    gl_live *live;
    gl_exp_movie *movie;
    int (*hook)(void *ctx, const gl_gan_stats *s); /* the experiment's own hook */
    void *hook_ctx;
} gl_exp_gan;
int gl_exp_gan_alloc(gl_exp_gan *g, const gl_rig_arch *a, const gl_gan_cfg *cfg, const gl_mix *P,
                     unsigned long seed, gl_err *err);
/* The same for a GAN trained by run: if the sweep carries a movie
 * (gl_exp_sweep_cfg: o->movie) not yet taken and run is the sweep's first,
 * this GAN draws it (the hook is wrapped: a frame, then cfg's hook; the first
 * frame, step 0, is written here). Nothing else changes: the training and
 * its results are those of gl_exp_gan_alloc. */
int gl_exp_gan_alloc_run(gl_exp_gan *g, const gl_rig_arch *a, const gl_gan_cfg *cfg,
                         const gl_mix *P, const gl_run *run, unsigned long seed, gl_err *err);
void gl_exp_gan_free(gl_exp_gan *g); /* all-NULL is a no-op */

/* The median of v[0..n-1] (n >= 1), sorting v in place; NaNs sort last. */
double gl_exp_median(double *v, size_t n);

#endif
