/* SPDX-License-Identifier: GPL-3.0-or-later */
/* model.c — saving and loading a trained GAN (format in model.h). */
#include "model.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "args.h"
#include "rec.h"

void gl_model_meta_clear(gl_model_meta *meta)
{
    if (meta) {
        free(meta->data);
        meta->data = NULL;
    }
}

/* ---- save ---- */

/* the hidden units a batch-normalised network normalises */
static size_t bn_units(const gl_mlp *net)
{
    size_t k = 0;
    for (size_t l = net->bn_skip; l + 1 < net->nlayers; l++)
        k += net->sizes[l + 1];
    return k;
}

static void put_net(FILE *f, char which, const gl_mlp *net)
{
    fprintf(f, "%c.sizes: ", which);
    for (size_t l = 0; l <= net->nlayers; l++)
        fprintf(f, "%s%zu", l ? "," : "", net->sizes[l]);
    fprintf(f, "\n%c.act: %s\n%c.leak: %.17g\n", which, gl_act_name(net->act), which, net->leak);
    if (net->outact != GL_ACT_LINEAR)
        fprintf(f, "%c.out: %s\n", which, gl_act_name(net->outact));
    if (!net->norm)
        return;
    fprintf(f, "%c.norm: batch %zu", which, bn_units(net));
    if (net->bn_skip)
        fprintf(f, " skip %zu", net->bn_skip);
    fputc('\n', f);
    for (size_t l = net->bn_skip; l + 1 < net->nlayers; l++)
        for (size_t r = 0; r < net->sizes[l + 1]; r++)
            fprintf(f, "%.17g %.17g\n", net->run_mean[l][r], net->run_var[l][r]);
}

static void put_params(FILE *f, char which, const gl_mlp *net)
{
    fprintf(f, "%c.params: %zu\n", which, net->nparams);
    for (size_t i = 0; i < net->nparams; i++)
        fprintf(f, "%.17g\n", net->params[i]);
}

static int all_finite(const double *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(v[i]))
            return 0;
    return 1;
}

int gl_model_save(const char *path, const gl_mlp *G, const gl_mlp *D, const gl_model_meta *meta,
                  gl_err *err)
{
    if (!path || !G || !D || !meta)
        return gl_err_set(err, GL_EINVAL, "gl_model_save: NULL argument");
    size_t gout = G->sizes[G->nlayers], L = meta->ncond;
    if (G->sizes[0] != meta->zdim + L || (gout != 1 && gout != 2) || D->sizes[0] != gout + L ||
        D->sizes[D->nlayers] != 1)
        return gl_err_set(err, GL_EINVAL, "gl_model_save: shapes do not fit (zdim %zu, labels "
                          "%zu, G %zu -> %zu, D %zu -> %zu)", meta->zdim, L, G->sizes[0], gout,
                          D->sizes[0], D->sizes[D->nlayers]);
    if ((unsigned)meta->noise > GL_NOISE_UNIFORM)
        return gl_err_set(err, GL_EINVAL, "gl_model_save: unknown noise code %d", (int)meta->noise);
    if (meta->data && strchr(meta->data, '\n'))
        return gl_err_set(err, GL_EINVAL, "gl_model_save: the data spec contains a newline");
    if (!all_finite(G->params, G->nparams) || !all_finite(D->params, D->nparams))
        return gl_err_set(err, GL_EINVAL, "gl_model_save: the parameters are not all finite");
    for (size_t l = G->bn_skip; l + 1 < G->nlayers && G->norm; l++)
        if (!all_finite(G->run_mean[l], G->sizes[l + 1]) || !all_finite(G->run_var[l], G->sizes[l + 1]))
            return gl_err_set(err, GL_EINVAL, "gl_model_save: G's running statistics are not all finite");
    for (size_t l = D->bn_skip; l + 1 < D->nlayers && D->norm; l++)
        if (!all_finite(D->run_mean[l], D->sizes[l + 1]) || !all_finite(D->run_var[l], D->sizes[l + 1]))
            return gl_err_set(err, GL_EINVAL, "gl_model_save: D's running statistics are not all finite");

    int cs = gl_rec_check_target(path, err);
    if (cs)
        return cs;
    size_t n = strlen(path) + 32;
    char *tmp = malloc(n);
    if (!tmp)
        return gl_err_set(err, GL_ENOMEM, "out of memory");
    snprintf(tmp, n, "%s.tmp.%ld", path, (long)getpid());
    FILE *f = fopen(tmp, "w");
    if (!f) {
        int s = gl_err_set(err, GL_EIO, "cannot write model %s: %s", tmp, strerror(errno));
        free(tmp);
        return s;
    }
    fprintf(f, "ganlab-model %d\n", GL_MODEL_VERSION);
    fprintf(f, "data: %s\nnoise: %s\nzdim: %zu\n", meta->data ? meta->data : "",
            gl_noise_name(meta->noise), meta->zdim);
    if (L)
        fprintf(f, "cond: %zu\n", L);
    put_net(f, 'G', G);
    put_net(f, 'D', D);
    put_params(f, 'G', G);
    put_params(f, 'D', D);
    fputs("end\n", f);
    int bad = ferror(f);
    int e = errno;
    if (fclose(f) != 0 && !bad) {
        bad = 1;
        e = errno;
    }
    int s = GL_OK;
    if (bad)
        s = gl_err_set(err, GL_EIO, "cannot write model %s: %s", tmp, strerror(e));
    else if (rename(tmp, path) != 0)
        s = gl_err_set(err, GL_EIO, "cannot rename %s to %s: %s", tmp, path, strerror(errno));
    if (s)
        remove(tmp);
    free(tmp);
    return s;
}

/* ---- load ---- */

typedef struct {
    const char *path;
    char *buf;   /* the whole file, lines split in place */
    char *next;  /* start of the next line */
    char *end;
    size_t lineno;
    gl_err *err;
    int version;
} reader;

/* The next line (without its '\n'), or NULL at the end of the file. */
static char *next_line(reader *r)
{
    if (r->next >= r->end)
        return NULL;
    char *line = r->next, *nl = memchr(line, '\n', (size_t)(r->end - line));
    if (nl) {
        *nl = '\0';
        r->next = nl + 1;
    } else {
        r->next = r->end;
    }
    r->lineno++;
    return line;
}

static int bad(reader *r, const char *fmt, const char *what, const char *got)
{
    char msg[GL_ERRLEN / 2];
    snprintf(msg, sizeof msg, fmt, what, got);
    return gl_err_set(r->err, GL_EINVAL, "model %s line %zu: %s", r->path, r->lineno, msg);
}

/* The value of the next line, which must be "key: value". */
static int get_key(reader *r, const char *key, const char **val)
{
    char *line = next_line(r);
    if (!line) {
        r->lineno++;
        return bad(r, "truncated file: expected \"%s: ...\"%s", key, "");
    }
    size_t n = strlen(key);
    if (strncmp(line, key, n) != 0 || line[n] != ':' || (line[n + 1] != ' ' && line[n + 1] != '\0'))
        return bad(r, "expected \"%s: ...\", got \"%.60s\"", key, line);
    *val = line[n + 1] ? line + n + 2 : line + n + 1;
    return GL_OK;
}

static int parse_size(reader *r, const char *what, const char *v, size_t *out)
{
    size_t x = 0;
    if (gl_args_size(what, v, &x, NULL) || x > (size_t)-1 / 16)
        return bad(r, "%s: expected a non-negative integer, got \"%.60s\"", what, v);
    *out = x;
    return GL_OK;
}

static int parse_double(reader *r, const char *what, const char *v, double *out)
{
    if (gl_args_double(what, v, out, NULL))
        return bad(r, "%s: expected a finite number, got \"%.60s\"", what, v);
    return GL_OK;
}

/* 1 if the next line starts "key:" (then *val is its value, the line
 * consumed); 0 and nothing consumed otherwise: the optional keys of v2. */
static int opt_key(reader *r, const char *key, const char **val)
{
    char *save = r->next;
    size_t n = strlen(key), lineno = r->lineno;
    char *nl = r->next < r->end ? memchr(r->next, '\n', (size_t)(r->end - r->next)) : NULL;
    size_t len = nl ? (size_t)(nl - r->next) : (size_t)(r->end - r->next);
    if (r->version < 2 || len <= n || strncmp(r->next, key, n) != 0 || r->next[n] != ':')
        return 0;
    int s = get_key(r, key, val);
    if (s) { /* cannot happen after the test above; restore anyway */
        r->next = save;
        r->lineno = lineno;
        return 0;
    }
    return 1;
}

/* v2's optional "which.out: tanh" and "which.norm: batch K" into *o */
static int get_opts(reader *r, char which, gl_mlp_opts *o, size_t *units)
{
    char key[16];
    const char *v;
    snprintf(key, sizeof key, "%c.out", which);
    if (opt_key(r, key, &v) && (gl_act_parse(v, &o->outact, NULL) ||
                                (o->outact != GL_ACT_LINEAR && o->outact != GL_ACT_TANH)))
        return bad(r, "%s: expected linear or tanh, got \"%.60s\"", key, v);
    snprintf(key, sizeof key, "%c.norm", which);
    if (!opt_key(r, key, &v))
        return GL_OK;
    char *end;
    const char *sk = strstr(v, " skip ");
    unsigned long k = strncmp(v, "batch ", 6) == 0 && v[6] >= '0' && v[6] <= '9'
                          ? strtoul(v + 6, &end, 10) : 0;
    if (!k || (*end != '\0' && end != sk) ||
        (sk && (!(sk[6] >= '0' && sk[6] <= '9') || (o->norm_skip = strtoul(sk + 6, &end, 10)) > 8 ||
                *end != '\0')))
        return bad(r, "%s: expected \"batch K\" or \"batch K skip S\" (K normalised hidden "
                   "units), got \"%.60s\"", key, v);
    *units = k;
    o->norm = 1;
    return GL_OK;
}

/* K lines "mean var" into the running averages of a batch-normalised net */
static int get_running(reader *r, char which, gl_mlp *net, size_t units)
{
    if (units != bn_units(net)) {
        char msg[96];
        snprintf(msg, sizeof msg, "%c.sizes give %zu hidden units, %c.norm says %zu", which,
                 bn_units(net), which, units);
        return bad(r, "wrong unit count: %s%s", msg, "");
    }
    for (size_t l = net->bn_skip; l + 1 < net->nlayers; l++)
        for (size_t k = 0; k < net->sizes[l + 1]; k++) {
            char *line = next_line(r), *end;
            if (!line) {
                char msg[80];
                snprintf(msg, sizeof msg, "%c.norm: the running statistics end early", which);
                r->lineno++;
                return bad(r, "truncated file: %s%s", msg, "");
            }
            double m = strtod(line, &end), v = *end == ' ' ? strtod(end + 1, &end) : NAN;
            if (*end != '\0' || !isfinite(m) || !(v >= 0) || !isfinite(v))
                return bad(r, "expected \"mean variance\" (finite, variance >= 0), got "
                           "\"%.60s\"%s", line, "");
            net->run_mean[l][k] = m;
            net->run_var[l][k] = v;
        }
    return GL_OK;
}

/* "which.sizes", ".act", ".leak" (and v2's optional ".out", ".norm" with the
 * running averages) into a newly allocated network. */
static int get_net(reader *r, char which, size_t maxbatch, gl_mlp **net)
{
    char key[16];
    const char *v;
    size_t sizes[GL_MLP_MAXLAYERS + 2], n = 0;
    snprintf(key, sizeof key, "%c.sizes", which);
    int s = get_key(r, key, &v);
    if (s)
        return s;
    const char *p = v;
    for (;;) {
        char *end;
        errno = 0;
        unsigned long x = (*p >= '1' && *p <= '9') ? strtoul(p, &end, 10) : 0;
        if (x == 0 || errno == ERANGE || x > 4096 || (*end != ',' && *end != '\0'))
            return bad(r, "%s: expected sizes 1..4096 separated by commas, got \"%.60s\"", key, v);
        if (n == GL_MLP_MAXLAYERS + 1)
            return bad(r, "%s: more than %s weight layers", key, "8");
        sizes[n++] = x;
        if (*end == '\0')
            break;
        p = end + 1;
    }
    if (n < 2)
        return bad(r, "%s: need at least two sizes (inputs and outputs), got \"%.60s\"", key, v);
    gl_act act;
    double leak;
    snprintf(key, sizeof key, "%c.act", which);
    if ((s = get_key(r, key, &v)))
        return s;
    if (gl_act_parse(v, &act, NULL))
        return bad(r, "%s: unknown activation \"%.60s\"", key, v);
    snprintf(key, sizeof key, "%c.leak", which);
    if ((s = get_key(r, key, &v)) || (s = parse_double(r, key, v, &leak)))
        return s;
    gl_mlp_opts o = gl_mlp_opts_default();
    size_t units = 0;
    if ((s = get_opts(r, which, &o, &units)))
        return s;
    /* Each parameter takes a line of at least 2 bytes: a file too short for
     * its sizes is refused before they are allocated (a 300-byte file asked
     * for 8 layers of 4096 units, 1.6 GB a network). */
    size_t np = 0;
    for (size_t l = 0; l + 1 < n; l++)
        np += sizes[l + 1] * (sizes[l] + 1 + (o.norm && l >= o.norm_skip && l + 2 < n ? 2 : 0));
    if (np > (size_t)(r->end - r->next) / 2) {
        char msg[112];
        snprintf(msg, sizeof msg, "%c.sizes give %zu parameters, more than the rest of the file "
                 "holds", which, np);
        return bad(r, "truncated file: %s%s", msg, "");
    }
    gl_err e;
    if (gl_mlp_alloc_opts(net, n - 1, sizes, act, leak, maxbatch, &o, &e))
        return gl_err_set(r->err, e.status, "model %s line %zu: %c: %s", r->path, r->lineno, which,
                          e.msg);
    return o.norm ? get_running(r, which, *net, units) : GL_OK;
}

static int get_params(reader *r, char which, gl_mlp *net)
{
    char key[16];
    const char *v;
    size_t n = 0;
    snprintf(key, sizeof key, "%c.params", which);
    int s = get_key(r, key, &v);
    if (!s)
        s = parse_size(r, key, v, &n);
    if (s)
        return s;
    if (n != net->nparams) {
        char msg[96];
        snprintf(msg, sizeof msg, "%c.sizes give %zu parameters, the file says %zu", which,
                 net->nparams, n);
        return bad(r, "wrong parameter count: %s%s", msg, "");
    }
    for (size_t i = 0; i < n; i++) {
        char *line = next_line(r);
        if (!line) {
            char got[64];
            snprintf(got, sizeof got, "%zu of %zu", i, n);
            r->lineno++;
            return bad(r, "truncated file: %s has only %s values", key, got);
        }
        if ((s = parse_double(r, key, line, &net->params[i])))
            return s;
    }
    return GL_OK;
}

/* The optional "cond: L" line of version 2 (absent: 0, unconditional). */
static int get_cond(reader *r, int version, size_t *ncond)
{
    const char *v;
    *ncond = 0;
    if (strncmp(r->next, "cond:", 5) != 0)
        return GL_OK;
    if (version < 2) {
        next_line(r);
        return bad(r, "\"%s\" is a version-2 key, in a version-%s file", "cond", "1");
    }
    int s = get_key(r, "cond", &v);
    if (!s)
        s = parse_size(r, "cond", v, ncond);
    if (!s && (*ncond == 0 || *ncond > GL_MLP_MAXWIDTH))
        return bad(r, "cond: expected a number of labels 1..4096, got \"%.60s\"%s", v, "");
    return s;
}

static int load(reader *r, size_t maxbatch, gl_mlp **G, gl_mlp **D, gl_model_meta *meta)
{
    const char *v;
    char *line = next_line(r);
    if (!line)
        return gl_err_set(r->err, GL_EINVAL, "model %s: empty file", r->path);
    int version;
    char extra;
    if (sscanf(line, "ganlab-model %d%c", &version, &extra) != 1)
        return bad(r, "not a ganlab model: expected \"%s\", got \"%.60s\"", "ganlab-model 2", line);
    if (version != 1 && version != GL_MODEL_VERSION)
        return bad(r, "unsupported model format version (this ganlab reads %s): \"%.60s\"",
                   "1 and 2", line);
    r->version = version;
    int s = get_key(r, "data", &v);
    if (s)
        return s;
    if (!(meta->data = malloc(strlen(v) + 1)))
        return gl_err_set(r->err, GL_ENOMEM, "out of memory");
    strcpy(meta->data, v);
    if ((s = get_key(r, "noise", &v)))
        return s;
    if (gl_noise_parse(v, &meta->noise, NULL))
        return bad(r, "noise: expected normal or uniform, got \"%.60s\"%s", v, "");
    if ((s = get_key(r, "zdim", &v)) || (s = parse_size(r, "zdim", v, &meta->zdim)))
        return s;
    if ((s = get_cond(r, version, &meta->ncond)))
        return s;
    if ((s = get_net(r, 'G', maxbatch, G)) || (s = get_net(r, 'D', maxbatch, D)))
        return s;
    size_t gout = (*G)->sizes[(*G)->nlayers], L = meta->ncond;
    if ((*G)->sizes[0] != meta->zdim + L || (gout != 1 && gout != 2) ||
        (*D)->sizes[0] != gout + L || (*D)->sizes[(*D)->nlayers] != 1)
        return gl_err_set(r->err, GL_EINVAL, "model %s: the networks do not fit together: zdim "
                          "%zu, labels %zu, G %zu -> %zu (want zdim + labels -> 1 or 2), D %zu "
                          "-> %zu (want G's outputs + labels -> 1)", r->path, meta->zdim, L,
                          (*G)->sizes[0], gout, (*D)->sizes[0], (*D)->sizes[(*D)->nlayers]);
    if ((s = get_params(r, 'G', *G)) || (s = get_params(r, 'D', *D)))
        return s;
    line = next_line(r);
    if (!line) {
        r->lineno++;
        return bad(r, "truncated file: expected \"%s\"%s", "end", "");
    }
    if (strcmp(line, "end") != 0)
        return bad(r, "expected \"%s\" after the parameters, got \"%.60s\"", "end", line);
    if ((line = next_line(r)))
        return bad(r, "unexpected text after \"%s\": \"%.60s\"", "end", line);
    return GL_OK;
}

int gl_model_load(const char *path, size_t maxbatch, gl_mlp **G, gl_mlp **D, gl_model_meta *meta,
                  gl_err *err)
{
    if (!path || !G || !D || !meta || maxbatch == 0)
        return gl_err_set(err, GL_EINVAL, "gl_model_load: NULL argument or maxbatch 0");
    *G = *D = NULL;
    meta->data = NULL;
    FILE *f = fopen(path, "rb");
    if (!f)
        return gl_err_set(err, GL_EIO, "cannot read model %s: %s", path, strerror(errno));
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap + 1);
    int s = buf ? GL_OK : gl_err_set(err, GL_ENOMEM, "out of memory");
    while (!s) {
        if (len == cap) {
            char *nb = cap > ((size_t)1 << 30) ? NULL : realloc(buf, 2 * cap + 1);
            if (!nb) {
                s = gl_err_set(err, GL_ENOMEM, "model %s: too large or out of memory", path);
                break;
            }
            buf = nb;
            cap *= 2;
        }
        size_t got = fread(buf + len, 1, cap - len, f);
        len += got;
        if (got == 0) {
            if (ferror(f))
                s = gl_err_set(err, GL_EIO, "cannot read model %s: %s", path, strerror(errno));
            break;
        }
    }
    fclose(f);
    if (!s && memchr(buf, '\0', len))
        s = gl_err_set(err, GL_EINVAL, "model %s: binary data (a NUL byte), not a ganlab model",
                       path);
    if (!s) {
        buf[len] = '\0';
        reader r = {path, buf, buf, buf + len, 0, err, 0};
        s = load(&r, maxbatch, G, D, meta);
    }
    free(buf);
    if (s) {
        gl_mlp_free(*G);
        gl_mlp_free(*D);
        *G = *D = NULL;
        gl_model_meta_clear(meta);
    }
    return s;
}
