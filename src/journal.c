/* SPDX-License-Identifier: GPL-3.0-or-later */
/* journal.c — finished runs on disk, appended as they finish. */
#include "journal.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rec.h"

static const char title[] = "# ganlab journal: the finished runs of a sweep (ganlab exp resumes "
                            "from it, ganlab merge reads it)\n";

typedef struct {
    char *stage, *config;
    unsigned long seed;
    size_t nres;
    char **keys;
    size_t *n;
    double **v;
} record;

typedef struct {
    char *stage, *config;
    unsigned long seed;
    gl_journal_where where;
} entry;

struct gl_journal {
    char *path;       /* NULL: in memory */
    char *settings;
    int append;       /* the file holds these settings: keep its records, append after end */
    long end;         /* the end of its last complete record */
    FILE *f;          /* open for writing from the first gl_journal_add */
    record **rec;
    size_t nrec, caprec;
    entry *tab;
    size_t ntab, captab;
    pthread_mutex_t mu;
};

static char *copy_text(const char *s)
{
    char *d = malloc(strlen(s) + 1);
    return d ? strcpy(d, s) : NULL;
}

static void record_free(record *r)
{
    if (!r)
        return;
    for (size_t i = 0; r->keys && i < r->nres; i++) {
        free(r->keys[i]);
        free(r->v[i]);
    }
    free(r->keys);
    free(r->n);
    free(r->v);
    free(r->stage);
    free(r->config);
    free(r);
}

/* a record with room for nres results, keys and values NULL */
static record *record_new(const char *stage, const char *config, unsigned long seed, size_t nres)
{
    record *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->seed = seed;
    r->nres = nres;
    r->stage = copy_text(stage);
    r->config = copy_text(config);
    r->keys = calloc(nres ? nres : 1, sizeof *r->keys);
    r->n = calloc(nres ? nres : 1, sizeof *r->n);
    r->v = calloc(nres ? nres : 1, sizeof *r->v);
    if (!r->stage || !r->config || !r->keys || !r->n || !r->v) {
        record_free(r);
        return NULL;
    }
    return r;
}

static record *lookup(const gl_journal *j, const char *stage, const char *config,
                      unsigned long seed)
{
    for (size_t i = 0; i < j->nrec; i++) {
        record *r = j->rec[i];
        if (r->seed == seed && strcmp(r->config, config) == 0 && strcmp(r->stage, stage) == 0)
            return r;
    }
    return NULL;
}

static int push(gl_journal *j, record *r, gl_err *err)
{
    if (j->nrec == j->caprec) {
        size_t cap = j->caprec ? 2 * j->caprec : 64;
        record **p = realloc(j->rec, cap * sizeof *p);
        if (!p) {
            record_free(r);
            return gl_err_set(err, GL_ENOMEM, "out of memory for the journal");
        }
        j->rec = p;
        j->caprec = cap;
    }
    j->rec[j->nrec++] = r;
    return GL_OK;
}

/* ---- reading a file ---- */

/* The settings of an open journal file into buf (NUL-terminated), f left at
 * the first line after them: GL_OK, or GL_EIO if f is not a journal or they
 * do not fit. */
static int read_settings(FILE *f, char *buf, size_t n, char **line, size_t *cap)
{
    size_t k = 0;
    if (getline(line, cap, f) < 0 || strcmp(*line, title) != 0)
        return GL_EIO;
    buf[0] = '\0';
    for (;;) {
        long at = ftell(f);
        ssize_t len = getline(line, cap, f);
        if (len < 2 || (*line)[0] != '#')
            return fseek(f, at, SEEK_SET) ? GL_EIO : GL_OK;
        if ((*line)[1] != ' ' || k + (size_t)len - 2 >= n)
            return GL_EIO;
        memcpy(buf + k, *line + 2, (size_t)len - 1); /* with its '\n' and the NUL */
        k += (size_t)len - 2;
    }
}

/* "KEY\tN\tV1...\tVN\n" into result i of r; -1 if malformed */
static int parse_result(record *r, size_t i, char *line)
{
    char *tab = strchr(line, '\t'), *end;
    if (!tab || tab == line)
        return -1;
    *tab = '\0';
    errno = 0;
    unsigned long long n = strtoull(tab + 1, &end, 10);
    if (errno || end == tab + 1 || n == 0 || n > ((size_t)-1) / sizeof(double))
        return -1;
    if (!(r->keys[i] = copy_text(line)) || !(r->v[i] = malloc((size_t)n * sizeof(double))))
        return -1;
    r->n[i] = (size_t)n;
    for (size_t q = 0; q < n; q++) {
        if (*end != '\t')
            return -1;
        char *p = end + 1;
        r->v[i][q] = strtod(p, &end);
        if (end == p)
            return -1;
    }
    return *end == '\n' ? 0 : -1;
}

/* The next complete record of f, or NULL at its end or at a record cut short. */
static record *read_record(FILE *f, char **line, size_t *cap)
{
    char stage[512], config[512];
    unsigned long seed;
    size_t nres;
    if (getline(line, cap, f) < 0 ||
        sscanf(*line, "run\t%511[^\t]\t%511[^\t]\t%lu\t%zu", stage, config, &seed, &nres) != 4)
        return NULL;
    record *r = nres <= 4096 ? record_new(stage, config, seed, nres) : NULL;
    for (size_t i = 0; r && i < nres; i++)
        if (getline(line, cap, f) < 0 || parse_result(r, i, *line)) {
            record_free(r);
            r = NULL;
        }
    if (r && (getline(line, cap, f) < 0 || strcmp(*line, "end\n") != 0)) {
        record_free(r);
        r = NULL;
    }
    return r;
}

enum { SETTINGSLEN = 16384 };

/* Reads the file path: *same = its settings are j's; then (if same) its
 * complete records, those keep accepts, into j, and j->end. A missing or
 * foreign file is no error for j's own file (own): the first record replaces
 * it. */
static int read_file(gl_journal *j, const char *path, int own, int *same,
                     int (*keep)(void *, const char *, const char *, unsigned long), void *ctx,
                     gl_err *err)
{
    *same = 0;
    FILE *f = fopen(path, "r");
    if (!f)
        return own && errno == ENOENT
                   ? GL_OK
                   : gl_err_set(err, GL_EIO, "cannot read %s: %s", path, strerror(errno));
    size_t cap = 0;
    char *buf = malloc(SETTINGSLEN), *line = NULL;
    int s = buf ? read_settings(f, buf, SETTINGSLEN, &line, &cap) : GL_ENOMEM;
    *same = !s && strcmp(buf, j->settings) == 0;
    free(buf);
    if (s == GL_ENOMEM)
        s = gl_err_set(err, GL_ENOMEM, "out of memory");
    else if (s)
        s = own ? GL_OK : gl_err_set(err, GL_EIO, "%s is not a ganlab journal", path);
    j->end = ftell(f);
    for (record *r; !s && *same && (r = read_record(f, &line, &cap)); j->end = ftell(f)) {
        if (keep && !keep(ctx, r->stage, r->config, r->seed)) {
            record_free(r);
        } else if (lookup(j, r->stage, r->config, r->seed)) {
            s = gl_err_set(err, GL_EINVAL, "%s: run \"%s\" %s, seed %lu, is held twice", path,
                           r->stage, r->config, r->seed);
            record_free(r);
        } else {
            s = push(j, r, err);
        }
    }
    free(line);
    fclose(f);
    return s;
}

/* ---- the journal ---- */

int gl_journal_open(gl_journal **out, const char *path, const char *settings, int fresh,
                    gl_err *err)
{
    *out = NULL;
    gl_journal *j = calloc(1, sizeof *j);
    if (!j || !(j->settings = copy_text(settings)) || (path && !(j->path = copy_text(path)))) {
        gl_journal_free(j);
        return gl_err_set(err, GL_ENOMEM, "out of memory for a journal");
    }
    pthread_mutex_init(&j->mu, NULL);
    int s = GL_OK;
    if (path && !fresh) {
        s = read_file(j, j->path, 1, &j->append, NULL, NULL, err);
        if (s) {
            gl_journal_free(j);
            return s;
        }
    }
    *out = j;
    return GL_OK;
}

void gl_journal_free(gl_journal *j)
{
    if (!j)
        return;
    if (j->f)
        fclose(j->f);
    for (size_t i = 0; i < j->nrec; i++)
        record_free(j->rec[i]);
    for (size_t i = 0; i < j->ntab; i++) {
        free(j->tab[i].stage);
        free(j->tab[i].config);
    }
    free(j->rec);
    free(j->tab);
    free(j->path);
    free(j->settings);
    pthread_mutex_destroy(&j->mu);
    free(j);
}

int gl_journal_remove(gl_journal *j, gl_err *err)
{
    if (j->f) {
        fclose(j->f);
        j->f = NULL;
    }
    if (j->path && unlink(j->path) != 0 && errno != ENOENT)
        return gl_err_set(err, GL_EIO, "cannot remove %s: %s", j->path, strerror(errno));
    return GL_OK;
}

int gl_journal_settings(const char *path, char *buf, size_t n, gl_err *err)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return gl_err_set(err, GL_EIO, "cannot read %s: %s", path, strerror(errno));
    char *line = NULL;
    size_t cap = 0;
    int s = read_settings(f, buf, n, &line, &cap);
    free(line);
    fclose(f);
    return s ? gl_err_set(err, GL_EIO, "%s is not a ganlab journal", path) : GL_OK;
}

int gl_journal_load(gl_journal *j, const char *path,
                    int (*keep)(void *, const char *, const char *, unsigned long), void *ctx,
                    gl_err *err)
{
    int same;
    int s = read_file(j, path, 0, &same, keep, ctx, err);
    if (!s && !same)
        s = gl_err_set(err, GL_EINVAL, "%s was written with other settings", path);
    return s;
}

long gl_journal_find(const gl_journal *j, const char *stage, const char *config,
                     unsigned long seed)
{
    const record *r = lookup(j, stage, config, seed);
    return r ? (long)r->nres : -1;
}

void gl_journal_result(const gl_journal *j, const char *stage, const char *config,
                       unsigned long seed, size_t i, const char **key, size_t *n,
                       const double **v)
{
    const record *r = lookup(j, stage, config, seed);
    *key = r && i < r->nres ? r->keys[i] : NULL;
    *n = r && i < r->nres ? r->n[i] : 0;
    *v = r && i < r->nres ? r->v[i] : NULL;
}

size_t gl_journal_count(const gl_journal *j) { return j->nrec; }

/* the file, open for appending: this journal's records kept, or replaced */
static int open_file(gl_journal *j, gl_err *err)
{
    char dir[4096];
    const char *slash = strrchr(j->path, '/');
    size_t nd = slash ? (size_t)(slash - j->path) : 0;
    if (nd >= sizeof dir)
        return gl_err_set(err, GL_EINVAL, "journal path too long");
    memcpy(dir, j->path, nd);
    dir[nd] = '\0';
    int s = nd ? gl_rec_mkdirs(dir, err) : GL_OK;
    if (s || (s = gl_rec_check_target(j->path, err)))
        return s;
    j->f = fopen(j->path, j->append ? "r+" : "w");
    if (j->f && j->append && (ftruncate(fileno(j->f), j->end) || fseek(j->f, j->end, SEEK_SET))) {
        fclose(j->f);
        j->f = NULL;
    }
    if (!j->f)
        return gl_err_set(err, GL_EIO, "cannot write %s: %s", j->path, strerror(errno));
    if (!j->append) {
        fputs(title, j->f);
        for (const char *p = j->settings; *p; p += strcspn(p, "\n") + 1)
            fprintf(j->f, "# %.*s\n", (int)strcspn(p, "\n"), p);
    }
    return GL_OK;
}

static int write_record(gl_journal *j, const record *r, gl_err *err)
{
    if (!j->f && open_file(j, err))
        return err ? err->status : GL_EIO;
    fprintf(j->f, "run\t%s\t%s\t%lu\t%zu\n", r->stage, r->config, r->seed, r->nres);
    for (size_t i = 0; i < r->nres; i++) {
        fprintf(j->f, "%s\t%zu", r->keys[i], r->n[i]);
        for (size_t q = 0; q < r->n[i]; q++)
            fprintf(j->f, "\t%a", r->v[i][q]);
        fputc('\n', j->f);
    }
    fputs("end\n", j->f);
    if (fflush(j->f) || ferror(j->f))
        return gl_err_set(err, GL_EIO, "cannot write %s: %s", j->path, strerror(errno));
    return GL_OK;
}

static int bad_text(const char *s) { return !s || !*s || strpbrk(s, "\t\n\r") != NULL; }

int gl_journal_add(gl_journal *j, const char *stage, const char *config, unsigned long seed,
                   size_t nres, const char *const *keys, const size_t *n,
                   const double *const *v, gl_err *err)
{
    int bad = bad_text(stage) || bad_text(config);
    for (size_t i = 0; i < nres; i++)
        bad |= bad_text(keys[i]) || n[i] == 0;
    if (bad)
        return gl_err_set(err, GL_EINVAL, "journal: a name with a tab or newline, or an empty "
                                          "result, in run \"%s\" %s", stage ? stage : "",
                          config ? config : "");
    record *r = record_new(stage, config, seed, nres);
    for (size_t i = 0; r && i < nres; i++)
        if (!(r->keys[i] = copy_text(keys[i])) || !(r->v[i] = malloc(n[i] * sizeof(double)))) {
            record_free(r);
            r = NULL;
        } else {
            r->n[i] = n[i];
            memcpy(r->v[i], v[i], n[i] * sizeof(double));
        }
    if (!r)
        return gl_err_set(err, GL_ENOMEM, "out of memory for the journal");
    pthread_mutex_lock(&j->mu);
    int s = lookup(j, stage, config, seed)
                ? gl_err_set(err, GL_EINVAL, "journal: run \"%s\" %s seed %lu added twice", stage,
                             config, seed)
                : GL_OK;
    if (!s && j->path)
        s = write_record(j, r, err);
    if (!s)
        s = push(j, r, err);
    else
        record_free(r);
    pthread_mutex_unlock(&j->mu);
    return s;
}

/* ---- the table ---- */

int gl_journal_mark(gl_journal *j, const char *stage, const char *config, unsigned long seed,
                    gl_journal_where where, gl_err *err)
{
    for (size_t i = 0; i < j->ntab; i++)
        if (j->tab[i].seed == seed && !strcmp(j->tab[i].config, config) &&
            !strcmp(j->tab[i].stage, stage))
            return gl_err_set(err, GL_EINVAL, "two sweeps labelled \"%s\" ran %s, seed %lu: "
                                              "their results would be confused", stage, config,
                              seed);
    if (j->ntab == j->captab) {
        size_t cap = j->captab ? 2 * j->captab : 64;
        entry *p = realloc(j->tab, cap * sizeof *p);
        if (!p)
            return gl_err_set(err, GL_ENOMEM, "out of memory for the journal");
        j->tab = p;
        j->captab = cap;
    }
    entry *e = &j->tab[j->ntab];
    if (!(e->stage = copy_text(stage)) || !(e->config = copy_text(config))) {
        free(e->stage);
        return gl_err_set(err, GL_ENOMEM, "out of memory for the journal");
    }
    e->seed = seed;
    e->where = where;
    j->ntab++;
    return GL_OK;
}

size_t gl_journal_ntable(const gl_journal *j) { return j->ntab; }

void gl_journal_entry(const gl_journal *j, size_t i, const char **stage, const char **config,
                      unsigned long *seed, gl_journal_where *where)
{
    *stage = j->tab[i].stage;
    *config = j->tab[i].config;
    *seed = j->tab[i].seed;
    *where = j->tab[i].where;
}
