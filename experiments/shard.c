/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shard.c — merging the slices of a sharded experiment (gl_exp_merge). */
#include "exp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { SETLEN = 8192 };

/* one slice: its manifest.tsv */
typedef struct {
    const char *dir;
    char settings[SETLEN]; /* the "key: value" lines but shard */
    size_t shard, nshards; /* 1-based, as written */
    size_t nrows, cap;
    struct row {
        char *stage, *config;
        unsigned long seed;
        int here;
    } *row;
} slice;

static void slice_free(slice *s)
{
    for (size_t i = 0; i < s->nrows; i++) {
        free(s->row[i].stage);
        free(s->row[i].config);
    }
    free(s->row);
}

/* a row "stage\tconfig\tseed\there|elsewhere" of a manifest; -1 if malformed */
static int add_row(slice *s, char *line)
{
    char *f[4], *save = NULL;
    line[strcspn(line, "\n")] = '\0';
    for (int i = 0; i < 4; i++)
        if (!(f[i] = strtok_r(i ? NULL : line, "\t", &save)))
            return -1;
    char *end;
    unsigned long seed = strtoul(f[2], &end, 10);
    if (*end || (strcmp(f[3], "here") && strcmp(f[3], "elsewhere")))
        return -1;
    if (s->nrows == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 64;
        struct row *p = realloc(s->row, cap * sizeof *p);
        if (!p)
            return -1;
        s->row = p;
        s->cap = cap;
    }
    struct row *r = &s->row[s->nrows];
    r->stage = malloc(strlen(f[0]) + 1);
    r->config = malloc(strlen(f[1]) + 1);
    if (!r->stage || !r->config) {
        free(r->stage);
        free(r->config);
        return -1;
    }
    strcpy(r->stage, f[0]);
    strcpy(r->config, f[1]);
    r->seed = seed;
    r->here = strcmp(f[3], "here") == 0;
    s->nrows++;
    return 0;
}

/* DIR/manifest.tsv into s */
static int read_manifest(slice *s, const char *dir, gl_err *err)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/manifest.tsv", dir);
    s->dir = dir;
    FILE *f = fopen(path, "r");
    if (!f)
        return gl_err_set(err, GL_EIO, "%s has no manifest.tsv: not a finished slice of 'ganlab exp "
                          "--shard' (an interrupted slice resumes when its command is run again)", dir);
    char *line = NULL;
    size_t cap = 0, k = 0;
    int s_ok = 1, header = 0;
    for (ssize_t n; s_ok && (n = getline(&line, &cap, f)) >= 0;) {
        if (strncmp(line, "# shard: ", 9) == 0)
            s_ok = sscanf(line + 9, "%zu/%zu", &s->shard, &s->nshards) == 2;
        else if (strncmp(line, "# ", 2) == 0 && k + (size_t)n < SETLEN)
            k += (size_t)snprintf(s->settings + k, SETLEN - k, "%s", line + 2);
        else if (!header)
            header = s_ok = strcmp(line, "stage\tconfig\tseed\theld\n") == 0;
        else
            s_ok = add_row(s, line) == 0;
    }
    free(line);
    fclose(f);
    if (!s_ok || !header || s->nshards == 0 || s->shard < 1 || s->shard > s->nshards)
        return gl_err_set(err, GL_EINVAL, "%s is not a manifest written by 'ganlab exp --shard'",
                          path);
    return GL_OK;
}

/* the first line where settings a and b differ, into la and lb */
static void first_difference(const char *a, const char *b, char *la, char *lb, size_t n)
{
    while (*a && *b && strcspn(a, "\n") == strcspn(b, "\n") && !strncmp(a, b, strcspn(a, "\n"))) {
        a += strcspn(a, "\n") + (a[strcspn(a, "\n")] != '\0');
        b += strcspn(b, "\n") + (b[strcspn(b, "\n")] != '\0');
    }
    snprintf(la, n, "%.*s", (int)strcspn(a, "\n"), *a ? a : "(nothing)");
    snprintf(lb, n, "%.*s", (int)strcspn(b, "\n"), *b ? b : "(nothing)");
}

/* one experiment, settings and N; slices 1..N once each; one table of runs,
 * each held by exactly one slice */
static int check_slices(const slice *s, size_t n, gl_err *err)
{
    char la[256], lb[256];
    for (size_t i = 1; i < n; i++) {
        if (strcmp(s[i].settings, s[0].settings)) {
            first_difference(s[i].settings, s[0].settings, la, lb, sizeof la);
            return gl_err_set(err, GL_EINVAL, "%s and %s are slices of different runs: \"%s\" "
                              "against \"%s\"", s[i].dir, s[0].dir, la, lb);
        }
        if (s[i].nshards != s[0].nshards)
            return gl_err_set(err, GL_EINVAL, "%s is a slice of %zu, %s of %zu", s[i].dir,
                              s[i].nshards, s[0].dir, s[0].nshards);
        for (size_t q = 0; q < i; q++)
            if (s[q].shard == s[i].shard)
                return gl_err_set(err, GL_EINVAL, "%s and %s are both slice %zu/%zu", s[q].dir,
                                  s[i].dir, s[i].shard, s[i].nshards);
    }
    if (n != s[0].nshards) {
        size_t miss = 1;
        for (int found = 1; found && miss <= s[0].nshards; miss += found)
            for (size_t i = found = 0; i < n && !found; i++)
                found = s[i].shard == miss;
        return gl_err_set(err, GL_EINVAL, "%zu of %zu slices given: slice %zu/%zu is missing", n,
                          s[0].nshards, miss, s[0].nshards);
    }
    for (size_t r = 0; r < s[0].nrows; r++) {
        const struct row *a = &s[0].row[r];
        size_t holders = 0;
        for (size_t i = 0; i < n; i++) {
            const struct row *b = r < s[i].nrows ? &s[i].row[r] : NULL;
            if (s[i].nrows != s[0].nrows || strcmp(a->stage, b->stage) ||
                strcmp(a->config, b->config) || a->seed != b->seed)
                return gl_err_set(err, GL_EINVAL, "%s and %s list different runs: not slices of "
                                  "one sweep", s[i].dir, s[0].dir);
            holders += b->here;
        }
        if (holders != 1)
            return gl_err_set(err, GL_EINVAL, "run \"%s\" %s, seed %lu, is held by %zu slices, "
                              "not one", a->stage, a->config, a->seed, holders);
    }
    return GL_OK;
}

/* the options of the run the slices are of: the experiment and its settings */
static int opts_of(const slice *s, const gl_experiment **e, gl_exp_opts *o, char ***argv,
                   gl_err *err)
{
    char name[128] = "";
    const char *p = s->settings;
    *argv = calloc(SETLEN / 11 + 1, sizeof **argv); /* "override: " and a value: >= 11 bytes */
    if (!*argv)
        return gl_err_set(err, GL_ENOMEM, "out of memory");
    o->argc = 0;
    for (; *p; p += strcspn(p, "\n") + (p[strcspn(p, "\n")] != '\0')) {
        int n = (int)strcspn(p, "\n");
        if (sscanf(p, "experiment: %127[^\n]", name) == 1)
            continue;
        if (!strncmp(p, "mode: ", 6))
            o->quick = !strncmp(p + 6, "quick", 5);
        else if (!strncmp(p, "training: ", 10))
            o->untrained = 1;
        else if (!strncmp(p, "seed: ", 6))
            o->seed = strtoul(p + 6, NULL, 10);
        else if (!strncmp(p, "override: ", 10) && ((*argv)[o->argc] = malloc((size_t)n - 9)))
            snprintf((*argv)[o->argc++], (size_t)n - 9, "%.*s", n - 10, p + 10);
    }
    o->argv = *argv;
    if (!(*e = gl_exp_find(name)))
        return gl_err_set(err, GL_EINVAL, "%s: the slices are of an experiment this ganlab does "
                          "not have (\"%s\")", s->dir, name);
    char here[SETLEN], la[256], lb[256];
    int st = gl_exp_settings(*e, o, here, sizeof here, err);
    if (!st && strcmp(here, s->settings)) {
        first_difference(s->settings, here, la, lb, sizeof la);
        st = gl_err_set(err, GL_EINVAL, "the slices were made with \"%s\", this ganlab has \"%s\": "
                        "merge with the build that made them", la, lb);
    }
    return st;
}

static int held_here(void *ctx, const char *stage, const char *config, unsigned long seed)
{
    const slice *s = ctx;
    for (size_t i = 0; i < s->nrows; i++)
        if (s->row[i].here && s->row[i].seed == seed && !strcmp(s->row[i].config, config) &&
            !strcmp(s->row[i].stage, stage))
            return 1;
    return 0;
}

/* every slice's runs, those its manifest says it holds, into j */
static int load_runs(gl_journal *j, const slice *s, size_t n, gl_err *err)
{
    char path[4200];
    for (size_t i = 0; i < n; i++) {
        size_t held = 0;
        for (size_t r = 0; r < s[i].nrows; r++)
            held += s[i].row[r].here;
        if (held == 0) /* more slices than runs: this one ran none, and has no journal */
            continue;
        snprintf(path, sizeof path, "%s/journal.tsv", s[i].dir);
        int st = gl_journal_load(j, path, held_here, (void *)&s[i], err);
        if (st)
            return st;
        for (size_t r = 0; r < s[i].nrows; r++)
            if (s[i].row[r].here &&
                gl_journal_find(j, s[i].row[r].stage, s[i].row[r].config, s[i].row[r].seed) < 0)
                return gl_err_set(err, GL_EIO, "%s/manifest.tsv lists run \"%s\" %s, seed %lu, "
                                  "which its journal.tsv does not hold", s[i].dir,
                                  s[i].row[r].stage, s[i].row[r].config, s[i].row[r].seed);
    }
    return GL_OK;
}

int gl_exp_merge(const char *const *dirs, size_t ndirs, const gl_experiment **e, gl_exp_opts *o,
                 gl_claims *claims, gl_err *err)
{
    *e = NULL;
    claims->n = 0;
    if (ndirs == 0 || !o->outdir)
        return gl_err_set(err, GL_EINVAL, "merge: needs slice directories and an output directory");
    slice *s = calloc(ndirs, sizeof *s);
    if (!s)
        return gl_err_set(err, GL_ENOMEM, "out of memory");
    char **argv = NULL;
    gl_journal *j = NULL;
    int st = GL_OK;
    for (size_t i = 0; i < ndirs && !st; i++)
        st = read_manifest(&s[i], dirs[i], err);
    if (!st)
        st = check_slices(s, ndirs, err);
    if (!st)
        st = opts_of(&s[0], e, o, &argv, err);
    if (!st && !(st = gl_journal_open(&j, NULL, s[0].settings, 0, err)) &&
        !(st = load_runs(j, s, ndirs, err))) {
        o->journal = j;
        o->journal_only = 1;
        o->nshards = 0;
        st = gl_exp_run(*e, o, claims, err);
    }
    o->journal = NULL;
    o->journal_only = 0;
    for (int i = 0; argv && i < o->argc; i++)
        free(argv[i]);
    free(argv);
    o->argc = 0;
    o->argv = NULL;
    gl_journal_free(j);
    for (size_t i = 0; i < ndirs; i++)
        slice_free(&s[i]);
    free(s);
    return st;
}
