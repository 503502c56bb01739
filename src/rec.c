/* SPDX-License-Identifier: GPL-3.0-or-later */
/* rec.c — atomic TSV output and the claims table. */
#include "rec.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

enum { MAXFILES = 64, MAXMETA = 32, PATHLEN = 4096, METALEN = 1024 };

struct gl_tsv {
    FILE *f;
    int digits; /* significant digits of numbers */
    int bad;    /* a write failed */
    char final[PATHLEN], tmp[PATHLEN];
};

/* the recs not yet freed, for gl_rec_unlink_pending (a signal handler's) */
enum { MAXLIVE = 16 };
struct gl_rec;
static struct gl_rec *volatile live[MAXLIVE];

struct gl_rec {
    char dir[PATHLEN]; /* created by the first gl_rec_open */
    size_t nmeta, nfiles;
    char meta[MAXMETA][METALEN];
    gl_tsv files[MAXFILES];
    int committed;
};

int gl_rec_mkdirs(const char *dir, gl_err *err)
{
    char p[PATHLEN];
    size_t n = strlen(dir);
    if (n == 0 || n >= sizeof p)
        return gl_err_set(err, GL_EINVAL, "bad output directory \"%s\"", dir);
    memcpy(p, dir, n + 1);
    for (size_t i = 1; i <= n; i++) {
        if (p[i] == '/' || p[i] == '\0') {
            char c = p[i];
            p[i] = '\0';
            if (mkdir(p, 0777) != 0 && errno != EEXIST)
                return gl_err_set(err, GL_EIO, "cannot create directory \"%s\": %s", p, strerror(errno));
            p[i] = c;
        }
    }
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return gl_err_set(err, GL_EIO, "\"%s\" is not a directory", dir);
    return GL_OK;
}

int gl_rec_begin(gl_rec **out, const char *dir, gl_err *err)
{
    *out = NULL;
    if (!dir || !*dir)
        return gl_err_set(err, GL_EINVAL, "no output directory");
    if (strlen(dir) >= PATHLEN)
        return gl_err_set(err, GL_EINVAL, "output directory name too long");
    gl_rec *r = calloc(1, sizeof *r);
    if (!r)
        return gl_err_set(err, GL_ENOMEM, "out of memory");
    snprintf(r->dir, sizeof r->dir, "%s", dir);
    for (size_t i = 0; i < MAXLIVE; i++)
        if (!live[i]) {
            live[i] = r;
            break;
        }
    *out = r;
    return GL_OK;
}

int gl_rec_check_target(const char *path, gl_err *err)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return errno == ENOENT ? GL_OK : gl_err_set(err, GL_EIO, "cannot write \"%s\": %s", path, strerror(errno));
    if (S_ISLNK(st.st_mode))
        return gl_err_set(err, GL_EIO, "\"%s\" is a symbolic link: ganlab writes a new file and renames it into "
                                       "place, which would replace the link itself; give the file it points to",
                          path);
    if (!S_ISREG(st.st_mode))
        return gl_err_set(err, GL_EIO, "\"%s\" exists and is not a regular file (a directory, device, FIFO or "
                                       "socket): refusing to replace it", path);
    return GL_OK;
}

void gl_rec_unlink_pending(void)
{
    for (size_t i = 0; i < MAXLIVE; i++) {
        gl_rec *r = live[i];
        if (!r || r->committed)
            continue;
        for (size_t j = 0; j < r->nfiles && j < MAXFILES; j++)
            if (r->files[j].tmp[0])
                unlink(r->files[j].tmp);
    }
}

const char *gl_rec_dir(const gl_rec *rec) { return rec->dir; }

static int vmeta(char *line, size_t len, const char *key, const char *fmt, va_list ap)
{
    int k = snprintf(line, len, "# %s: ", key);
    if (k < 0 || (size_t)k >= len)
        return GL_EINVAL;
    vsnprintf(line + k, len - k, fmt, ap);
    /* one line per key: a newline inside a value would break the header */
    for (char *c = line; *c; c++)
        if (*c == '\n' || *c == '\r')
            *c = ' ';
    return GL_OK;
}

int gl_rec_meta(gl_rec *rec, const char *key, const char *fmt, ...)
{
    if (rec->nmeta >= MAXMETA)
        return GL_EINVAL;
    va_list ap;
    va_start(ap, fmt);
    int s = vmeta(rec->meta[rec->nmeta], METALEN, key, fmt, ap);
    va_end(ap);
    if (!s)
        rec->nmeta++;
    return s;
}

int gl_rec_open(gl_rec *rec, const char *name, gl_tsv **t, gl_err *err)
{
    *t = NULL;
    if (rec->nfiles >= MAXFILES)
        return gl_err_set(err, GL_EINVAL, "too many output files");
    if (rec->nfiles == 0) { /* the directory appears with the first file */
        int s = gl_rec_mkdirs(rec->dir, err);
        if (s)
            return s;
    }
    gl_tsv *f = &rec->files[rec->nfiles];
    char fin[PATHLEN], tmp[PATHLEN];
    int a = snprintf(fin, PATHLEN, "%s/%s", rec->dir, name);
    int b = snprintf(tmp, PATHLEN, "%s/%s.tmp.%ld", rec->dir, name, (long)getpid());
    if (a < 0 || a >= PATHLEN || b < 0 || b >= PATHLEN)
        return gl_err_set(err, GL_EINVAL, "output path too long: %s/%s", rec->dir, name);
    int s = gl_rec_check_target(fin, err);
    if (s)
        return s;
    memcpy(f->final, fin, sizeof fin);
    memcpy(f->tmp, tmp, sizeof tmp);
    f->f = fopen(f->tmp, "w");
    if (!f->f)
        return gl_err_set(err, GL_EIO, "cannot write \"%s\": %s", f->tmp, strerror(errno));
    f->digits = 10;
    f->bad = 0;
    rec->nfiles++;
    for (size_t i = 0; i < rec->nmeta; i++)
        f->bad |= fprintf(f->f, "%s\n", rec->meta[i]) < 0;
    *t = f;
    if (f->bad)
        return gl_err_set(err, GL_EIO, "cannot write \"%s\": %s", f->tmp, strerror(errno));
    return GL_OK;
}

/* GL_EIO once a write to t has failed */
static int status(const gl_tsv *t)
{
    return t->bad ? GL_EIO : GL_OK;
}

int gl_tsv_meta(gl_tsv *t, const char *key, const char *fmt, ...)
{
    char line[METALEN];
    va_list ap;
    va_start(ap, fmt);
    int s = vmeta(line, sizeof line, key, fmt, ap);
    va_end(ap);
    if (!s)
        t->bad |= fprintf(t->f, "%s\n", line) < 0;
    return s ? s : status(t);
}

int gl_tsv_digits(gl_tsv *t, int digits)
{
    if (digits < 1 || digits > 17)
        return GL_EINVAL;
    t->digits = digits;
    return GL_OK;
}

/* a text cell: tabs and line breaks would break the table */
static void put_text(gl_tsv *t, const char *s)
{
    for (; *s && !t->bad; s++)
        t->bad |= fputc(*s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s, t->f) == EOF;
}

static void put_num(gl_tsv *t, double v)
{
    if (isnan(v))
        t->bad |= fputs("nan", t->f) == EOF;
    else if (isinf(v))
        t->bad |= fputs(v > 0 ? "inf" : "-inf", t->f) == EOF;
    else
        t->bad |= fprintf(t->f, "%.*g", t->digits, v) < 0;
}

static void put_sep(gl_tsv *t, size_t i, size_t n)
{
    t->bad |= fputc(i + 1 < n ? '\t' : '\n', t->f) == EOF;
}

int gl_tsv_header(gl_tsv *t, size_t n, const char *const *cols)
{
    for (size_t i = 0; i < n; i++) {
        put_text(t, cols[i]);
        put_sep(t, i, n);
    }
    return status(t);
}

int gl_tsv_row(gl_tsv *t, size_t n, const double *v)
{
    for (size_t i = 0; i < n; i++) {
        put_num(t, v[i]);
        put_sep(t, i, n);
    }
    return status(t);
}

int gl_tsv_cells(gl_tsv *t, size_t n, const gl_tsv_cell *c)
{
    for (size_t i = 0; i < n; i++) {
        if (c[i].text)
            put_text(t, c[i].text);
        else
            put_num(t, c[i].num);
        put_sep(t, i, n);
    }
    return status(t);
}

int gl_tsv_block(gl_tsv *t)
{
    t->bad |= fputs("\n\n", t->f) == EOF;
    return status(t);
}

int gl_tsv_scan(gl_tsv *t)
{
    t->bad |= fputc('\n', t->f) == EOF;
    return status(t);
}

int gl_tsv_done(gl_tsv *t, gl_err *err)
{
    return t->bad ? gl_err_set(err, GL_EIO, "cannot write %s", t->final) : GL_OK;
}

int gl_rec_commit(gl_rec *rec, gl_err *err)
{
    int s = GL_OK;
    for (size_t i = 0; i < rec->nfiles; i++) {
        gl_tsv *f = &rec->files[i];
        if (f->f) {
            int bad = ferror(f->f) || f->bad;
            if (fclose(f->f) != 0 || bad)
                s = s ? s : gl_err_set(err, GL_EIO, "error writing \"%s\"", f->tmp);
            f->f = NULL;
        }
    }
    if (s)
        return s; /* keep the previous results: rename nothing */
    for (size_t i = 0; i < rec->nfiles; i++)
        if (rename(rec->files[i].tmp, rec->files[i].final) != 0 && !s)
            s = gl_err_set(err, GL_EIO, "cannot rename \"%s\": %s", rec->files[i].tmp, strerror(errno));
    rec->committed = 1;
    return s;
}

void gl_rec_free(gl_rec *rec)
{
    if (!rec)
        return;
    for (size_t i = 0; i < MAXLIVE; i++)
        if (live[i] == rec)
            live[i] = NULL;
    for (size_t i = 0; i < rec->nfiles; i++) {
        if (rec->files[i].f)
            fclose(rec->files[i].f);
        if (!rec->committed)
            remove(rec->files[i].tmp);
    }
    free(rec);
}

/* ---- claims ---- */

int gl_claims_add(gl_claims *cl, const char *name, gl_claim_rel rel,
                  double expected, double measured, double tol, const char *why)
{
    int pass;
    switch (rel) {
    case GL_CLAIM_LE: pass = measured <= expected + tol; break;
    case GL_CLAIM_GE: pass = measured >= expected - tol; break;
    default: pass = fabs(measured - expected) <= tol; break;
    }
    if (isnan(measured) || !why || !*why)
        pass = 0;
    if (cl->n < GL_MAXCLAIMS) {
        gl_claim *c = &cl->c[cl->n];
        snprintf(c->name, sizeof c->name, "%s", name);
        c->rel = rel;
        c->expected = expected;
        c->measured = measured;
        c->tol = tol;
        c->pass = pass;
        snprintf(c->why, sizeof c->why, "%s", why ? why : "");
    }
    cl->n++;
    return pass;
}

size_t gl_claims_failed(const gl_claims *cl)
{
    size_t k = cl->n > GL_MAXCLAIMS ? cl->n - GL_MAXCLAIMS : 0;
    for (size_t i = 0; i < cl->n && i < GL_MAXCLAIMS; i++)
        k += !cl->c[i].pass;
    return k;
}

const char *gl_claim_rel_text(gl_claim_rel rel)
{
    switch (rel) {
    case GL_CLAIM_LE: return "m<=e+tol";
    case GL_CLAIM_GE: return "m>=e-tol";
    default: return "|m-e|<=tol";
    }
}

int gl_rec_claims(gl_rec *rec, const gl_claims *cl, gl_err *err)
{
    gl_tsv *t;
    int s = gl_rec_open(rec, "claims.tsv", &t, err);
    if (s)
        return s;
    static const char *const cols[] = {"claim",  "expected", "measured", "tol",
                                          "status", "relation", "why"};
    gl_tsv_header(t, 7, cols);
    for (size_t i = 0; i < cl->n && i < GL_MAXCLAIMS; i++) {
        const gl_claim *c = &cl->c[i];
        gl_tsv_cells(t, 7, (gl_tsv_cell[]){{.text = c->name}, {.num = c->expected},
                                           {.num = c->measured}, {.num = c->tol},
                                           {.text = c->pass ? "PASS" : "FAIL"},
                                           {.text = gl_claim_rel_text(c->rel)},
                                           {.text = c->why}});
    }
    return status(t) ? gl_err_set(err, GL_EIO, "cannot write claims.tsv") : GL_OK;
}
