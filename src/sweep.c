/* SPDX-License-Identifier: GPL-3.0-or-later */
/* sweep.c — (configuration, seed) runs on a thread pool, results by name. */
#include "sweep.h"

#include <fnmatch.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_sort.h>

typedef struct {
    char key[GL_RUN_KEYLEN];
    size_t n;
    double *v;
} entry;

struct gl_run {
    const gl_sweep *s;
    size_t config, seed_index;
    size_t nkeys;
    entry e[GL_RUN_MAXKEYS];
    int status;
    gl_err err;
};


struct gl_sweep {
    gl_sweep_cfg cfg;
    char **names;     /* copies, so that results outlive the caller's table */
    size_t nruns;
    gl_run *runs;     /* run k = configuration k / nseeds, seed index k % nseeds */
    size_t *todo;     /* the runs to run here (the others are in the journal or elsewhere) */
    size_t ntodo, nelsewhere;
    size_t next;      /* the next of todo to start: the only state the threads share */
    pthread_mutex_t mu;
};

gl_sweep_cfg gl_sweep_cfg_default(void)
{
    gl_sweep_cfg c;
    memset(&c, 0, sizeof c);
    c.nconfigs = 0;
    c.names = NULL;
    c.seed0 = 1;
    c.nseeds = 1;
    c.stride = 1;
    c.threads = 1;
    c.run = NULL;
    c.ctx = NULL;
    c.progress = NULL;
    c.progress_ctx = NULL;
    c.stage = "sweep";
    c.journal = NULL;
    c.journal_only = 0;
    c.shard = 0;
    c.nshards = 1;
    c.extra = NULL;
    return c;
}

size_t gl_run_config(const gl_run *r) { return r->config; }
const char *gl_run_name(const gl_run *r) { return r->s->names[r->config]; }
void *gl_run_extra(const gl_run *r) { return r->s->cfg.extra; }
unsigned long gl_run_seed(const gl_run *r)
{
    return r->s->cfg.seed0 + r->s->cfg.stride * r->seed_index;
}
size_t gl_run_seed_index(const gl_run *r) { return r->seed_index; }
size_t gl_sweep_nseeds(const gl_sweep *s) { return s->cfg.nseeds; }
unsigned long gl_sweep_seed0(const gl_sweep *s) { return s->cfg.seed0; }

static entry *find(const gl_run *r, const char *key)
{
    for (size_t i = 0; i < r->nkeys; i++)
        if (strcmp(r->e[i].key, key) == 0)
            return (entry *)&r->e[i];
    return NULL;
}

double *gl_run_array(gl_run *r, const char *key, size_t n, gl_err *err)
{
    if (!key || !*key || strlen(key) >= GL_RUN_KEYLEN || n == 0) {
        gl_err_set(err, GL_EINVAL, "result key \"%s\": 1..%d characters and n >= 1", key ? key : "",
                   GL_RUN_KEYLEN - 1);
        return NULL;
    }
    entry *e = find(r, key);
    if (!e) {
        if (r->nkeys == GL_RUN_MAXKEYS) {
            gl_err_set(err, GL_EINVAL, "more than %d result keys in one run", GL_RUN_MAXKEYS);
            return NULL;
        }
        e = &r->e[r->nkeys++];
        strcpy(e->key, key);
        e->n = 0;
        e->v = NULL;
    }
    if (e->n != n) {
        double *v = malloc(n * sizeof *v);
        if (!v) {
            gl_err_set(err, GL_ENOMEM, "out of memory for result \"%s\" (%zu values)", key, n);
            return NULL;
        }
        free(e->v);
        e->v = v;
        e->n = n;
    }
    for (size_t i = 0; i < n; i++)
        e->v[i] = NAN;
    return e->v;
}

int gl_run_put(gl_run *r, const char *key, double v, gl_err *err)
{
    double *p = gl_run_array(r, key, 1, err);
    if (!p)
        return err ? err->status : GL_EINVAL;
    *p = v;
    return GL_OK;
}

/* ---- the pool ---- */

/* the next run to start, and its place k in todo */
static gl_run *take(gl_sweep *s, size_t *k)
{
    pthread_mutex_lock(&s->mu);
    *k = s->next < s->ntodo ? s->next++ : s->ntodo;
    pthread_mutex_unlock(&s->mu);
    return *k < s->ntodo ? &s->runs[s->todo[*k]] : NULL;
}

/* a finished run into the journal */
static int journal_add(gl_sweep *s, gl_run *r)
{
    const char *keys[GL_RUN_MAXKEYS];
    size_t n[GL_RUN_MAXKEYS];
    const double *v[GL_RUN_MAXKEYS];
    for (size_t i = 0; i < r->nkeys; i++) {
        keys[i] = r->e[i].key;
        n[i] = r->e[i].n;
        v[i] = r->e[i].v;
    }
    return gl_journal_add(s->cfg.journal, s->cfg.stage, gl_run_name(r), gl_run_seed(r), r->nkeys,
                          keys, n, v, &r->err);
}

static void execute(gl_sweep *s, gl_run *r)
{
    gl_err_clear(&r->err);
    r->status = s->cfg.run(r, s->cfg.ctx, &r->err);
    if (!r->status && s->cfg.journal)
        r->status = journal_add(s, r);
}

/* a run's results, read back from the journal */
static int reuse(gl_sweep *s, gl_run *r, size_t nres, gl_err *err)
{
    for (size_t i = 0; i < nres; i++) {
        const char *key;
        size_t n;
        const double *v;
        gl_journal_result(s->cfg.journal, s->cfg.stage, gl_run_name(r), gl_run_seed(r), i, &key,
                          &n, &v);
        double *dst = gl_run_array(r, key, n, err);
        if (!dst)
            return err ? err->status : GL_EINVAL;
        memcpy(dst, v, n * sizeof *v);
    }
    return GL_OK;
}

/* which runs are run here: not those the journal holds, nor other slices' */
static int plan(gl_sweep *s, gl_err *err)
{
    const gl_sweep_cfg *c = &s->cfg;
    for (size_t k = 0; k < s->nruns; k++) {
        gl_run *r = &s->runs[k];
        long nres = c->journal ? gl_journal_find(c->journal, c->stage, gl_run_name(r),
                                                 gl_run_seed(r))
                               : -1;
        gl_journal_where where = nres >= 0              ? GL_JOURNAL_REUSED
                                 : k % c->nshards == c->shard ? GL_JOURNAL_RUN
                                                              : GL_JOURNAL_ELSEWHERE;
        if (nres < 0 && c->journal_only)
            return gl_err_set(err, GL_EINVAL, "run \"%s\" %s, seed %lu, is in none of the "
                              "slices", c->stage, gl_run_name(r), gl_run_seed(r));
        int st = c->journal ? gl_journal_mark(c->journal, c->stage, gl_run_name(r),
                                              gl_run_seed(r), where, err)
                            : GL_OK;
        if (!st && nres >= 0)
            st = reuse(s, r, (size_t)nres, err);
        if (st)
            return st;
        if (where == GL_JOURNAL_RUN)
            s->todo[s->ntodo++] = k;
        s->nelsewhere += where == GL_JOURNAL_ELSEWHERE;
    }
    return GL_OK;
}

static void *worker(void *v)
{
    gl_sweep *s = v;
    size_t k;
    for (gl_run *r; (r = take(s, &k));)
        execute(s, r);
    return NULL;
}

void gl_sweep_free(gl_sweep *s)
{
    if (!s)
        return;
    for (size_t k = 0; s->runs && k < s->nruns; k++)
        for (size_t i = 0; i < s->runs[k].nkeys; i++)
            free(s->runs[k].e[i].v);
    for (size_t i = 0; s->names && i < s->cfg.nconfigs; i++)
        free(s->names[i]);
    free(s->names);
    free(s->runs);
    free(s->todo);
    pthread_mutex_destroy(&s->mu);
    free(s);
}

static int check_cfg(const gl_sweep_cfg *c, gl_err *err)
{
    if (!c->run || !c->names || c->nconfigs == 0)
        return gl_err_set(err, GL_EINVAL, "sweep: needs a run function and >= 1 named configuration");
    if (c->nshards == 0 || c->shard >= c->nshards)
        return gl_err_set(err, GL_EINVAL, "sweep: slice %zu of %zu does not exist", c->shard,
                          c->nshards);
    if (c->journal_only && !c->journal)
        return gl_err_set(err, GL_EINVAL, "sweep: journal_only without a journal");
    if (c->nseeds == 0 || c->threads == 0 || c->threads > 64 || c->stride == 0)
        return gl_err_set(err, GL_EINVAL, "sweep: needs >= 1 seed, 1..64 threads and a seed stride "
                          ">= 1, got %zu, %zu, %lu", c->nseeds, c->threads, c->stride);
    if (c->nconfigs > (size_t)-1 / c->nseeds / sizeof(gl_run))
        return gl_err_set(err, GL_EINVAL, "sweep: too many runs");
    for (size_t i = 0; i < c->nconfigs; i++) {
        if (!c->names[i] || !*c->names[i])
            return gl_err_set(err, GL_EINVAL, "sweep: configuration %zu has no name", i);
        for (size_t j = 0; j < i; j++)
            if (strcmp(c->names[i], c->names[j]) == 0)
                return gl_err_set(err, GL_EINVAL, "sweep: two configurations named \"%s\"",
                                  c->names[i]);
    }
    return GL_OK;
}

static int make(gl_sweep **out, const gl_sweep_cfg *c, gl_err *err)
{
    gl_sweep *s = calloc(1, sizeof *s);
    if (!s)
        return gl_err_set(err, GL_ENOMEM, "out of memory for a sweep");
    pthread_mutex_init(&s->mu, NULL);
    s->cfg = *c;
    s->nruns = c->nconfigs * c->nseeds;
    s->names = calloc(c->nconfigs, sizeof *s->names);
    s->runs = calloc(s->nruns, sizeof *s->runs);
    s->todo = calloc(s->nruns, sizeof *s->todo);
    int ok = s->names && s->runs && s->todo;
    for (size_t i = 0; ok && i < c->nconfigs; i++)
        ok = (s->names[i] = malloc(strlen(c->names[i]) + 1)) != NULL &&
             strcpy(s->names[i], c->names[i]);
    if (!ok) {
        gl_sweep_free(s);
        return gl_err_set(err, GL_ENOMEM, "out of memory for a sweep of %zu runs", c->nconfigs * c->nseeds);
    }
    for (size_t k = 0; k < s->nruns; k++) {
        s->runs[k].s = s;
        s->runs[k].config = k / c->nseeds;
        s->runs[k].seed_index = k % c->nseeds;
    }
    s->cfg.names = (const char *const *)s->names;
    *out = s;
    return GL_OK;
}

int gl_sweep_run(gl_sweep **out, const gl_sweep_cfg *cfg, gl_err *err)
{
    *out = NULL;
    gl_sweep *s = NULL;
    int st = check_cfg(cfg, err);
    if (st || (st = make(&s, cfg, err)))
        return st;
    if ((st = plan(s, err))) {
        gl_sweep_free(s);
        return st;
    }
    pthread_t th[64];
    size_t nt = 0, k;
    for (; nt + 1 < cfg->threads; nt++)
        if (pthread_create(&th[nt], NULL, worker, s))
            break; /* fewer threads: the same results, later */
    for (gl_run *r; (r = take(s, &k));) {
        if (cfg->progress)
            cfg->progress(cfg->progress_ctx, cfg->stage, (double)k / (double)s->ntodo);
        execute(s, r);
    }
    for (size_t i = 0; i < nt; i++)
        pthread_join(th[i], NULL);
    if (cfg->progress)
        cfg->progress(cfg->progress_ctx, cfg->stage, 1.0);
    for (k = 0; k < s->nruns; k++)
        if (s->runs[k].status) {
            const gl_run *r = &s->runs[k];
            char what[128];
            snprintf(what, sizeof what, "%s, seed %lu", gl_run_name(r), gl_run_seed(r));
            if (err) {
                *err = r->err;
                if (!err->msg[0])
                    gl_err_set(err, r->status, "%s", gl_strerror(r->status));
            }
            gl_err_prefix(err, what);
            int status = r->status; /* r lives in s */
            gl_sweep_free(s);
            return status;
        }
    if (s->nelsewhere) {
        st = gl_err_set(err, GL_ESLICE, "%s: %zu of %zu runs are other slices'", cfg->stage,
                        s->nelsewhere, s->nruns);
        gl_sweep_free(s);
        return st;
    }
    *out = s;
    return GL_OK;
}

/* ---- reading ---- */

static const gl_run *run_of(const gl_sweep *s, const char *config, size_t seed_index)
{
    if (!s || !config || seed_index >= s->cfg.nseeds)
        return NULL;
    for (size_t i = 0; i < s->cfg.nconfigs; i++)
        if (strcmp(s->names[i], config) == 0)
            return &s->runs[i * s->cfg.nseeds + seed_index];
    return NULL;
}

const double *gl_sweep_array(const gl_sweep *s, const char *config, size_t seed_index,
                             const char *key, size_t *n)
{
    const gl_run *r = run_of(s, config, seed_index);
    const entry *e = r ? find(r, key) : NULL;
    *n = e ? e->n : 0;
    return e ? e->v : NULL;
}

double gl_sweep_value(const gl_sweep *s, const char *config, size_t seed_index, const char *key)
{
    size_t n;
    const double *v = gl_sweep_array(s, config, seed_index, key, &n);
    return v ? v[0] : NAN;
}

typedef enum {
    S_MEAN, S_SD, S_MEDIAN, S_MIN, S_MAX, S_SUM, S_FMEAN, S_FSD, S_FMEDIAN, S_N, S_NFINITE
} stat;
static const char *const stat_names[] = {"mean", "sd",  "median", "min", "max",    "sum",
                                          "fmean", "fsd", "fmedian", "n", "nfinite"};
#define NSTAT (sizeof stat_names / sizeof stat_names[0])

/* "hq_mean" -> metric "hq", S_MEAN; -1 if no known statistic ends it */
static int split_key(const char *key_stat, char *metric, stat *st)
{
    const char *u = key_stat ? strrchr(key_stat, '_') : NULL;
    if (!u || u == key_stat || (size_t)(u - key_stat) >= GL_RUN_KEYLEN)
        return -1;
    for (size_t i = 0; i < NSTAT; i++)
        if (strcmp(u + 1, stat_names[i]) == 0) {
            memcpy(metric, key_stat, (size_t)(u - key_stat));
            metric[u - key_stat] = '\0';
            *st = (stat)i;
            return 0;
        }
    return -1;
}

/* the statistic of v[0..n) (v is reordered) */
static double compute(stat st, double *v, size_t n)
{
    size_t k = 0;
    int any_nan = 0;
    for (size_t i = 0; i < n; i++)
        any_nan |= isnan(v[i]);
    if (st == S_N)
        return (double)n;
    if (st == S_FMEAN || st == S_FSD || st == S_FMEDIAN || st == S_NFINITE) {
        for (size_t i = 0; i < n; i++)
            if (isfinite(v[i]))
                v[k++] = v[i];
        n = k;
        if (st == S_NFINITE)
            return (double)n;
        st = st == S_FMEAN ? S_MEAN : st == S_FSD ? S_SD : S_MEDIAN;
    } else if (any_nan) {
        return NAN;
    }
    if (n == 0)
        return NAN;
    double sum = 0, ss = 0, lo = INFINITY, hi = -INFINITY;
    switch (st) {
    case S_MEAN:
    case S_SD:
    case S_SUM:
        for (size_t i = 0; i < n; i++)
            sum += v[i];
        if (st == S_SUM)
            return sum;
        if (st == S_MEAN)
            return sum / (double)n;
        for (size_t i = 0; i < n; i++)
            ss += (v[i] - sum / (double)n) * (v[i] - sum / (double)n);
        return n > 1 ? sqrt(ss / (double)(n - 1)) : NAN;
    case S_MEDIAN:
        gsl_sort(v, 1, n);
        return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
    case S_MIN:
    case S_MAX:
        for (size_t i = 0; i < n; i++) {
            lo = fmin(lo, v[i]);
            hi = fmax(hi, v[i]);
        }
        return st == S_MIN ? lo : hi;
    default:
        return NAN;
    }
}

int gl_sweep_matches(const char *pattern, const char *name)
{
    char one[128];
    for (const char *p = pattern;;) {
        size_t n = strcspn(p, ",");
        if (n < sizeof one) {
            memcpy(one, p, n);
            one[n] = '\0';
            if (fnmatch(one, name, 0) == 0)
                return 1;
        }
        if (!p[n])
            return 0;
        p += n + 1;
    }
}

/* element i of metric over the runs matching pattern, into v; their count */
static size_t gather(const gl_sweep *s, const char *pattern, const char *metric, size_t i,
                     double *v)
{
    size_t n = 0;
    for (size_t c = 0; c < s->cfg.nconfigs; c++) {
        if (!gl_sweep_matches(pattern, s->names[c]))
            continue;
        for (size_t q = 0; q < s->cfg.nseeds; q++) {
            const entry *e = find(&s->runs[c * s->cfg.nseeds + q], metric);
            v[n++] = e && i < e->n ? e->v[i] : NAN;
        }
    }
    return n;
}

int gl_sweep_curve(const gl_sweep *s, const char *pattern, const char *key_stat, double *out,
                   size_t n, gl_err *err)
{
    char metric[GL_RUN_KEYLEN];
    stat st;
    if (!s || !pattern || split_key(key_stat, metric, &st))
        return gl_err_set(err, GL_EINVAL, "sweep: \"%s\" is not METRIC_STAT", key_stat ? key_stat : "");
    double *v = malloc(s->nruns * sizeof *v);
    if (!v)
        return gl_err_set(err, GL_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        size_t m = gather(s, pattern, metric, i, v);
        out[i] = m ? compute(st, v, m) : NAN;
    }
    free(v);
    return GL_OK;
}

double gl_sweep_get(const gl_sweep *s, const char *pattern, const char *key_stat)
{
    double out;
    if (gl_sweep_curve(s, pattern, key_stat, &out, 1, NULL))
        return NAN;
    return out;
}
