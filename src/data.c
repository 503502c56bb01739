/* SPDX-License-Identifier: GPL-3.0-or-later */
/* data.c — data files: the reader, Silverman's bandwidth, the (binned)
 * Gaussian KDE as a mixture, sampling the rows. */
#include "data.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "args.h"

gl_data_cfg gl_data_cfg_default(void)
{
    gl_data_cfg c;
    memset(&c, 0, sizeof c);
    c.bw = 0;
    c.max_comp = GL_DATA_MAXCOMP;
    return c;
}

/* ------------------------------------------------------------ the reader */

enum { MAXCOL = 3 }; /* one more than a data file may have, to name the excess */

typedef struct {
    int k;       /* fields on the line */
    int numeric; /* how many of them are finite numbers */
    int looks;   /* how many look like numbers (strtod reads them whole: 1e999, inf, nan too) */
    double v[MAXCOL];
    char bad[48]; /* the first field that is not a number, quoted */
} fields;

/* Splits line (its '#' comment cut off) at spaces, tabs and commas into f;
 * -1 with a message in why for an empty field between commas. */
static int split(char *line, fields *f, char *why, size_t nwhy)
{
    char *hash = strchr(line, '#');
    if (hash)
        *hash = '\0';
    memset(f, 0, sizeof *f);
    int want = 0; /* after a comma: a field must follow */
    for (char *p = line;;) {
        p += strspn(p, " \t\r\n");
        if (*p == ',' || (!*p && want)) {
            if (want || f->k == 0) {
                snprintf(why, nwhy, "an empty field (two commas, or a comma at an end of the row)");
                return -1;
            }
            want = 1;
            p++;
            continue;
        }
        if (!*p)
            return 0;
        size_t len = strcspn(p, " \t\r\n,");
        char tok[64];
        double v;
        int ok = len < sizeof tok;
        if (ok) {
            char *end;
            memcpy(tok, p, len);
            tok[len] = '\0';
            (void)strtod(tok, &end);
            f->looks += *end == '\0';
            ok = gl_args_double("", tok, &v, NULL) == GL_OK;
        }
        if (ok && f->k < MAXCOL)
            f->v[f->k] = v;
        f->numeric += ok;
        if (!ok && !f->bad[0])
            snprintf(f->bad, sizeof f->bad, "\"%.*s\"", (int)(len > 40 ? 40 : len), p);
        f->k += f->k < MAXCOL;
        want = 0;
        p += len;
    }
}

/* What is wrong with a row of f->k fields against dim (1 or 2, or 0 when the
 * first row sets it: first is then that row's line), in why; 0 if nothing. */
static int bad_row(const fields *f, int dim, int fixed, size_t first, char *why, size_t nwhy)
{
    if (f->numeric < f->k) {
        snprintf(why, nwhy, "%s is not a finite number", f->bad);
        return 1;
    }
    if (fixed && f->k > dim) {
        snprintf(why, nwhy, "more than %d coordinate%s (the data are %d-D)", dim, dim == 1 ? "" : "s",
                 dim);
        return 1;
    }
    if (fixed && f->k < dim) {
        snprintf(why, nwhy, "%d coordinate%s, the data are %d-D", f->k, f->k == 1 ? "" : "s", dim);
        return 1;
    }
    if (f->k > 2) {
        snprintf(why, nwhy, "more than 2 columns (a data file has 1 or 2)");
        return 1;
    }
    if (dim && f->k != dim) {
        snprintf(why, nwhy, "%d column%s, but the first row (line %zu) has %d", f->k,
                 f->k == 1 ? "" : "s", first, dim);
        return 1;
    }
    return 0;
}

static int append(double **xs, size_t *n, size_t *cap, const double *v, int dim)
{
    if (*n == *cap) {
        size_t nc = *cap ? 2 * *cap : 1024;
        double *b = realloc(*xs, nc * (size_t)dim * sizeof *b);
        if (!b)
            return GL_ENOMEM;
        *xs = b;
        *cap = nc;
    }
    memcpy(*xs + *n * (size_t)dim, v, (size_t)dim * sizeof *v);
    (*n)++;
    return GL_OK;
}

int gl_data_read(FILE *f, const char *name, int dim, double **xs, size_t *n, int *dim_out,
                 gl_err *err)
{
    if (!f || !name || !xs || !n || (dim != 0 && dim != 1 && dim != 2) || (!dim && !dim_out))
        return gl_err_set(err, GL_EINVAL, "gl_data_read: NULL argument or dim not 0, 1 or 2");
    char *line = NULL, why[128];
    size_t cap = 0, nline = 0, lcap = 0, first = 0;
    ssize_t len;
    int s = GL_OK, fixed = dim != 0, rows_seen = 0;
    *xs = NULL;
    *n = 0;
    while (!s && (len = getline(&line, &lcap, f)) >= 0) {
        fields fl;
        nline++;
        /* a NUL would end the line early, silently dropping what follows */
        if (strlen(line) != (size_t)len)
            s = gl_err_set(err, GL_EINVAL, "%s:%zu: binary data (a NUL byte)", name, nline);
        else if (split(line, &fl, why, sizeof why) < 0)
            s = gl_err_set(err, GL_EINVAL, "%s:%zu: %s", name, nline, why);
        if (s || fl.k == 0)
            continue;
        if (!rows_seen++ && fl.looks == 0)
            continue; /* a header: column names */
        if (!dim && fl.numeric == fl.k && fl.k <= 2) {
            dim = fl.k;
            first = nline;
        }
        if (bad_row(&fl, dim, fixed, first, why, sizeof why))
            s = gl_err_set(err, GL_EINVAL, "%s:%zu: %s", name, nline, why);
        else if (append(xs, n, &cap, fl.v, dim))
            s = gl_err_set(err, GL_ENOMEM, "%s: out of memory after %zu rows", name, *n);
    }
    if (!s && ferror(f))
        s = gl_err_set(err, GL_EIO, "%s: read error after line %zu", name, nline);
    free(line);
    if (s || *n == 0) {
        free(*xs);
        *xs = NULL;
        *n = 0;
    }
    if (dim_out)
        *dim_out = s ? 0 : dim;
    return s;
}

/* ------------------------------------------------------------ bandwidth */

int gl_data_silverman(const double *rows, size_t n, int dim, double bw[2], gl_err *err)
{
    bw[0] = bw[1] = 0;
    if (n < 2)
        return GL_OK;
    for (int j = 0; j < dim; j++) {
        double sd = gsl_stats_sd(rows + j, (size_t)dim, n);
        if (dim == 2) {
            bw[j] = sd * pow((double)n, -1.0 / 6);
            continue;
        }
        double *s = malloc(n * sizeof *s), spread = sd;
        if (!s)
            return gl_err_set(err, GL_ENOMEM, "out of memory sorting %zu rows", n);
        memcpy(s, rows, n * sizeof *s);
        gsl_sort(s, 1, n);
        double iqr = gsl_stats_quantile_from_sorted_data(s, 1, n, 0.75) -
                     gsl_stats_quantile_from_sorted_data(s, 1, n, 0.25);
        free(s);
        if (iqr > 0 && iqr / 1.34 < sd)
            spread = iqr / 1.34;
        bw[j] = 0.9 * spread * pow((double)n, -0.2);
    }
    return GL_OK;
}

/* ------------------------------------------------------------ the KDE */

typedef struct {
    uint64_t key; /* the row's cell */
    size_t i;     /* the row */
} cell_of;

static int by_cell(const void *a, const void *b)
{
    const cell_of *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return x->i < y->i ? -1 : x->i > y->i;
}

/* Puts every row in a cell of the grid of c bw_j on each axis from the
 * rows' minimum, sorted by cell then row (so the result does not depend on
 * qsort's order); returns the number of occupied cells, 0 if the grid has
 * more cells than a key can count. */
static size_t assign_cells(const double *rows, size_t n, int dim, const double *bw, double c,
                           cell_of *cells)
{
    double lo[2] = {INFINITY, INFINITY}, hi[2] = {-INFINITY, -INFINITY}, ncell[2] = {1, 1};
    for (size_t i = 0; i < n; i++)
        for (int j = 0; j < dim; j++) {
            lo[j] = fmin(lo[j], rows[i * (size_t)dim + j]);
            hi[j] = fmax(hi[j], rows[i * (size_t)dim + j]);
        }
    for (int j = 0; j < dim; j++)
        ncell[j] = floor((hi[j] - lo[j]) / (c * bw[j])) + 1;
    if (ncell[0] * ncell[1] > 0x1p62)
        return 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t key = 0;
        for (int j = 0; j < dim; j++) {
            double k = floor((rows[i * (size_t)dim + j] - lo[j]) / (c * bw[j]));
            key = key * (uint64_t)ncell[j] + (uint64_t)fmin(k, ncell[j] - 1);
        }
        cells[i] = (cell_of){key, i};
    }
    qsort(cells, n, sizeof *cells, by_cell);
    size_t occupied = 0;
    for (size_t i = 0; i < n; i++)
        occupied += i == 0 || cells[i].key != cells[i - 1].key;
    return occupied;
}

/* One term of the spec: the Gaussian with the weight, mean and covariance
 * of the kernels of rows cells[0..m-1] (m of n): mean of the rows, bw^2 plus
 * their covariance. Returns the characters written (snprintf's count). */
static int merged_term(const double *rows, size_t n, int dim, const double *bw,
                       const cell_of *cells, size_t m, int first, char *buf, size_t room)
{
    double mean[2] = {0, 0}, cov[3] = {0, 0, 0}; /* xx, yy, xy */
    for (size_t k = 0; k < m; k++)
        for (int j = 0; j < dim; j++)
            mean[j] += rows[cells[k].i * (size_t)dim + j] / (double)m;
    for (size_t k = 0; k < m; k++) {
        const double *x = rows + cells[k].i * (size_t)dim;
        double dx = x[0] - mean[0], dy = dim == 2 ? x[1] - mean[1] : 0;
        cov[0] += dx * dx / (double)m;
        cov[1] += dy * dy / (double)m;
        cov[2] += dx * dy / (double)m;
    }
    double w = (double)m / (double)n, sx = sqrt(bw[0] * bw[0] + cov[0]);
    if (dim == 1)
        return snprintf(buf, room, "%s%.17g*N(%.17g,%.17g)", first ? "" : "+", w, mean[0], sx);
    double sy = sqrt(bw[1] * bw[1] + cov[1]);
    return snprintf(buf, room, "%s%.17g*N2(%.17g,%.17g,%.17g,%.17g,%.17g)", first ? "" : "+", w,
                    mean[0], mean[1], sx, sy, cov[2] / (sx * sy));
}

/* the spec of the (binned) KDE, newly allocated, its cells in cells */
static char *kde_spec(const double *rows, size_t n, int dim, const double *bw, cell_of *cells,
                      size_t ncomp)
{
    size_t room = ncomp * (dim == 1 ? 80 : 140) + 1, used = 0;
    char *spec = malloc(room);
    if (!spec)
        return NULL;
    for (size_t a = 0, b; a < n; a = b) {
        for (b = a + 1; b < n && cells[b].key == cells[a].key; b++)
            ;
        int k = merged_term(rows, n, dim, bw, cells + a, b - a, a == 0, spec + used, room - used);
        if (k < 0 || (size_t)k >= room - used) {
            free(spec);
            return NULL;
        }
        used += (size_t)k;
    }
    return spec;
}

/* the supported range of mixtures (mix.h), checked on the rows and the
 * bandwidths, so that the KDE's spec parses */
static int check_range(const double *rows, size_t n, int dim, const double *bw, const char *name,
                       gl_err *err)
{
    const char *axis[] = {"x", "y"};
    for (int j = 0; j < dim; j++) {
        double amax = 0;
        for (size_t i = 0; i < n; i++)
            amax = fmax(amax, fabs(rows[i * (size_t)dim + j]));
        if (amax > GL_MIX_LOC_MAX)
            return gl_err_set(err, GL_EINVAL, "%s: a value of %s is %.6g, outside the supported "
                              "range of +-%g", name, axis[j], amax, GL_MIX_LOC_MAX);
        if (!(bw[j] >= GL_MIX_SCALE_MIN && bw[j] <= GL_MIX_SCALE_MAX &&
              bw[j] >= GL_MIX_REL_MIN * amax))
            return gl_err_set(err, GL_EINVAL, "%s: the bandwidth along %s, %.6g, is outside the "
                              "supported range of scales ([%g, %g], and >= %g times the largest "
                              "|value|)", name, axis[j], bw[j], GL_MIX_SCALE_MIN, GL_MIX_SCALE_MAX,
                              GL_MIX_REL_MIN);
    }
    return GL_OK;
}

int gl_data_kde(const double *rows, size_t n, int dim, const double *bw, size_t max_comp,
                const char *name, gl_mix **out, double *cell, gl_err *err)
{
    if (!rows || !n || (dim != 1 && dim != 2) || !bw || !max_comp || !name || !out)
        return gl_err_set(err, GL_EINVAL, "gl_data_kde: NULL argument, no rows, no cap or dim "
                          "not 1 or 2");
    *out = NULL;
    int s = check_range(rows, n, dim, bw, name, err);
    if (s)
        return s;
    cell_of *cells = malloc(n * sizeof *cells);
    if (!cells)
        return gl_err_set(err, GL_ENOMEM, "%s: out of memory for the KDE of %zu rows", name, n);
    double c = 0;
    size_t ncomp = n;
    for (size_t i = 0; i < n; i++)
        cells[i] = (cell_of){i, i}; /* every row its own component */
    for (c = n > max_comp ? 0.1 : 0; c > 0; c *= 1.25) {
        size_t k = assign_cells(rows, n, dim, bw, c, cells);
        if (k && k <= max_comp) {
            ncomp = k;
            break;
        }
    }
    char *spec = kde_spec(rows, n, dim, bw, cells, ncomp);
    free(cells);
    if (!spec)
        return gl_err_set(err, GL_ENOMEM, "%s: out of memory for the KDE of %zu rows", name, n);
    s = gl_mix_parse(spec, out, err);
    free(spec);
    if (s)
        return gl_err_prefix(err, name);
    char *label = strdup(name);
    if (!label) {
        gl_mix_free(*out);
        *out = NULL;
        return gl_err_set(err, GL_ENOMEM, "out of memory");
    }
    free((*out)->spec);
    (*out)->spec = label;
    if (cell)
        *cell = c;
    return GL_OK;
}

/* ------------------------------------------------------------ loading */

void gl_data_free(gl_data *d)
{
    if (!d)
        return;
    gl_mix_free(d->kde);
    free(d->rows);
    free(d);
}

int gl_data_load(const char *path, const gl_data_cfg *cfg, gl_data **out, gl_err *err)
{
    if (!path || !cfg || !out)
        return gl_err_set(err, GL_EINVAL, "gl_data_load: NULL argument");
    *out = NULL;
    if (!(cfg->bw == 0 || (cfg->bw > 0 && isfinite(cfg->bw))) || cfg->max_comp == 0)
        return gl_err_set(err, GL_EINVAL, "bandwidth %g must be finite and > 0 (0: Silverman's "
                          "rule), the cap on components >= 1", cfg->bw);
    FILE *f = fopen(path, "r");
    if (!f)
        return gl_err_set(err, GL_EIO, "cannot open %s: %s", path, strerror(errno));
    gl_data *d = calloc(1, sizeof *d);
    if (!d) {
        fclose(f);
        return gl_err_set(err, GL_ENOMEM, "out of memory");
    }
    int s = gl_data_read(f, path, 0, &d->rows, &d->n, &d->dim, err);
    fclose(f);
    if (!s && d->n == 0)
        s = gl_err_set(err, GL_EINVAL, "%s: no data rows (an empty file, or only comments)", path);
    if (!s && !cfg->bw && d->n < 2)
        s = gl_err_set(err, GL_EINVAL, "%s: one row: Silverman's rule needs two, or give "
                       "--bw", path);
    if (!s && !(s = gl_data_silverman(d->rows, d->n, d->dim, d->bw, err)) && cfg->bw)
        d->bw[0] = d->bw[1] = cfg->bw;
    for (int j = 0; !s && j < d->dim; j++)
        if (!(d->bw[j] > 0))
            s = gl_err_set(err, GL_EINVAL, "%s: every row has the same %s, so Silverman's "
                           "bandwidth is 0: give --bw", path, j ? "y" : "x");
    if (!s)
        s = check_range(d->rows, d->n, d->dim, d->bw, path, err);
    if (!s) {
        char label[1100];
        snprintf(label, sizeof label, "kde(%s)", path);
        s = gl_data_kde(d->rows, d->n, d->dim, d->bw, cfg->max_comp, label, &d->kde,
                        &d->cell, err);
    }
    if (s) {
        gl_data_free(d);
        return s;
    }
    *out = d;
    return GL_OK;
}

void gl_data_sample(const double *rows, size_t n, int dim, const gsl_rng *r, size_t m, double *x)
{
    for (size_t i = 0; i < m; i++) {
        size_t k = (size_t)gsl_rng_uniform_int(r, (unsigned long)n);
        memcpy(x + i * (size_t)dim, rows + k * (size_t)dim, (size_t)dim * sizeof *x);
    }
}
