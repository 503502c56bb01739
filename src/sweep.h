/* SPDX-License-Identifier: GPL-3.0-or-later */
/* sweep.h — the sweep runner (the gl_sweep type, and gl_run, one run's view
 * of it): a table of named configurations times a range of seeds, run on a
 * pool of threads; every run records results under names, and the results are
 * read back by name, never by position.
 *
 *   gl_sweep_cfg c = gl_sweep_cfg_default();
 *   c.nconfigs = 3; c.names = (const char *[]){"gan/ring", "pack2/ring", "gan/grid"};
 *   c.seed0 = 1; c.nseeds = 10; c.threads = 2; c.run = one_run; c.ctx = &settings;
 *   gl_sweep *s; gl_sweep_run(&s, &c, err);
 *   double hq = gl_sweep_get(s, "pack2/ring", "hq_mean");
 *
 * Determinism. A run may depend only on its configuration, its seed and the
 * shared read-only ctx (it seeds its own generators from gl_run_seed); its
 * results live in its own slot. So the results do not depend on the number
 * of threads or on which thread ran what (tested). The calling thread works
 * too, and it alone calls the progress callback.
 *
 * Results. A run records scalars (gl_run_put) and arrays of doubles
 * (gl_run_array) under keys of at most GL_RUN_KEYLEN - 1 characters. After the
 * sweep, gl_sweep_value / gl_sweep_array read one run's; gl_sweep_get gives a
 * statistic over runs: its first argument is a pattern over configuration
 * names (fnmatch: "*" + "/grid" pools every method on the grid; a comma-separated
 * list such as "alt,sim" pools the names any of them matches) and its second
 * is METRIC_STAT, the metric's key, an underscore and one of
 *   mean sd median min max sum  over every matching run (NaN if any value is
 *                           NaN, so that a failed run fails a claim)
 *   fmean fsd fmedian       over the finite values only
 *   n nfinite               how many runs match, how many values are finite
 * mean is the sum in table order (configuration, then seed) over n; sd the
 * sample standard deviation about it; median the middle of the sorted
 * values, or half the sum of the two middle ones. An unknown pattern, metric
 * or statistic gives NaN: a claim that reads it fails. gl_sweep_curve applies
 * the same statistics element by element to an array metric (a median curve
 * over seeds).
 *
 * Journal, slices. With a journal (journal.h), a run the journal holds is not
 * run again: its results are read back from it, bit for bit; every run that
 * finishes is added to it (and, for a file journal, written at once), so an
 * interrupted sweep resumes where it stopped. With nshards > 1 only the runs
 * k (table order: configuration, then seed) with k % nshards == shard are run
 * here; if any run is then neither held nor run, gl_sweep_run returns
 * GL_ESLICE (no sweep: its results are other slices'), after running its own.
 * journal_only (a merge of the slices) runs nothing: a run the journal does
 * not hold is an error. Every run is listed in the journal's table
 * (gl_journal_mark) with where its results came from. */
#ifndef GL_SWEEP_H
#define GL_SWEEP_H

#include <stddef.h>

#include "gl.h"
#include "journal.h"

#define GL_RUN_KEYLEN 32
#define GL_RUN_MAXKEYS 64

typedef struct gl_sweep gl_sweep;
typedef struct gl_run gl_run;

/* One run: record results in run; return 0 or a status with err set. */
typedef int (*gl_run_fn)(gl_run *run, const void *ctx, gl_err *err);

typedef struct {
    size_t nconfigs;
    const char *const *names; /* nconfigs distinct names */
    unsigned long seed0;      /* the seeds seed0 + k stride, k = 0 .. nseeds - 1 (default 1) */
    size_t nseeds;            /* >= 1 (default 1) */
    unsigned long stride;     /* >= 1 (default 1) */
    size_t threads;           /* 1..64, the caller included (default 1) */
    gl_run_fn run;
    const void *ctx;          /* shared by every run, read-only while the sweep runs */
    /* progress (may be NULL): the fraction of runs started, from the calling thread */
    void (*progress)(void *pctx, const char *stage, double frac);
    void *progress_ctx;
    const char *stage;        /* the label progress gets (default "sweep"), and the
                               * sweep's name in the journal: one per sweep */
    gl_journal *journal;      /* finished runs (default NULL: none kept) */
    int journal_only;         /* 1: run nothing, take every run from the journal */
    size_t shard, nshards;    /* run the runs k with k % nshards == shard (default 0, 1) */
    void *extra;              /* for the runs (gl_run_extra; default NULL): the experiments'
                                 movie (exp.h gl_exp_movie) */
} gl_sweep_cfg;

gl_sweep_cfg gl_sweep_cfg_default(void);

/* Runs every (configuration, seed) (but see Journal, slices). If runs fail,
 * the error of the first in table order is returned, prefixed "NAME, seed S: ",
 * and *out is NULL. */
int gl_sweep_run(gl_sweep **out, const gl_sweep_cfg *cfg, gl_err *err);
void gl_sweep_free(gl_sweep *s); /* NULL is a no-op */

/* ---- inside a run ---- */
size_t gl_run_config(const gl_run *r);       /* index into cfg->names */
const char *gl_run_name(const gl_run *r);
unsigned long gl_run_seed(const gl_run *r);
size_t gl_run_seed_index(const gl_run *r);   /* k: the seed is seed0 + k stride */
void *gl_run_extra(const gl_run *r);         /* cfg->extra */
/* key = v; a key recorded twice keeps the last value */
int gl_run_put(gl_run *r, const char *key, double v, gl_err *err);
/* n doubles under key, NaN until written, owned by the sweep; NULL (err set)
 * for a bad key, too many keys or no memory */
double *gl_run_array(gl_run *r, const char *key, size_t n, gl_err *err);

/* ---- after the sweep ---- */
size_t gl_sweep_nseeds(const gl_sweep *s);
unsigned long gl_sweep_seed0(const gl_sweep *s);
/* one run's scalar (an array's first element), NaN if absent */
double gl_sweep_value(const gl_sweep *s, const char *config, size_t seed_index, const char *key);
/* one run's array and its length, NULL (and *n = 0) if absent */
const double *gl_sweep_array(const gl_sweep *s, const char *config, size_t seed_index,
                             const char *key, size_t *n);
/* 1 if name matches pattern, a comma-separated list of fnmatch patterns
 * (the patterns of gl_sweep_get) */
int gl_sweep_matches(const char *pattern, const char *name);
/* a statistic over the runs matching pattern (see above) */
double gl_sweep_get(const gl_sweep *s, const char *pattern, const char *key_stat);
/* out[i] = the statistic of element i of an array metric over the matching
 * runs, i < n (runs whose array is shorter count as NaN there) */
int gl_sweep_curve(const gl_sweep *s, const char *pattern, const char *key_stat, double *out,
                   size_t n, gl_err *err);

#endif
