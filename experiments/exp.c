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

const gl_experiment *gl_exp_find(const char *name)
{
    for (size_t i = 0; name && i < gl_nexperiments; i++)
        if (strcmp(gl_experiments[i].name, name) == 0)
            return &gl_experiments[i];
    return NULL;
}

int gl_exp_run(const gl_experiment *e, const gl_exp_opts *o, gl_claims *claims, gl_err *err)
{
    gl_rec *rec;
    int s = gl_rec_begin(&rec, o->outdir, err);
    if (s)
        return s;
    gl_rec_meta(rec, "experiment", "%s", e->name);
    gl_rec_meta(rec, "mode", "%s", o->quick ? "quick" : "full");
    gl_rec_meta(rec, "seed", "%lu", o->seed);
    gl_rec_meta(rec, "ganlab", "%s (%s)", GL_VERSION, GL_GIT_REV);
    claims->n = 0;
    s = e->run(o, rec, claims, err);
    if (!s)
        s = gl_rec_claims(rec, claims, err);
    if (!s)
        s = gl_rec_commit(rec, err);
    gl_rec_free(rec);
    return s;
}

static int parse_double(const char *key, const char *v, double *out, gl_err *err)
{
    char *end;
    errno = 0;
    double x = strtod(v, &end);
    if (end == v || *end != '\0' || errno == ERANGE || !isfinite(x))
        return gl_err_set(err, GL_EINVAL, "--%s: expected a finite number, got \"%s\"", key, v);
    *out = x;
    return GL_OK;
}

static int parse_ulong(const char *key, const char *v, unsigned long *out, gl_err *err)
{
    char *end;
    errno = 0;
    if (!(*v >= '0' && *v <= '9'))
        return gl_err_set(err, GL_EINVAL, "--%s: expected a non-negative integer, got \"%s\"", key, v);
    unsigned long x = strtoul(v, &end, 10);
    if (*end != '\0' || errno == ERANGE)
        return gl_err_set(err, GL_EINVAL, "--%s: expected a non-negative integer, got \"%s\"", key, v);
    *out = x;
    return GL_OK;
}

int gl_sizes_parse(const char *s, gl_sizes *out, gl_err *err)
{
    const char *p = s;
    out->n = 0;
    for (;;) {
        char *end;
        if (!(*p >= '0' && *p <= '9'))
            return gl_err_set(err, GL_EINVAL, "layer sizes \"%s\": expected a positive integer at column %d",
                              s, (int)(p - s) + 1);
        errno = 0;
        unsigned long v = strtoul(p, &end, 10);
        if (errno == ERANGE || v == 0 || v > 4096)
            return gl_err_set(err, GL_EINVAL, "layer sizes \"%s\": each size must be 1..4096 (column %d)",
                              s, (int)(p - s) + 1);
        /* a network has at most GL_MLP_MAXLAYERS weight layers: one fewer hidden */
        if (out->n == GL_MLP_MAXLAYERS - 1)
            return gl_err_set(err, GL_EINVAL, "layer sizes \"%s\": at most %d hidden layers", s,
                              GL_MLP_MAXLAYERS - 1);
        out->v[out->n++] = v;
        p = end;
        if (*p == '\0')
            return GL_OK;
        if (*p != ',')
            return gl_err_set(err, GL_EINVAL, "layer sizes \"%s\": unexpected \"%c\" at column %d",
                              s, *p, (int)(p - s) + 1);
        p++;
    }
}

int gl_args_parse(int argc, char **argv, const gl_argspec *specs, size_t nspecs, gl_err *err)
{
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (strncmp(a, "--", 2) != 0)
            return gl_err_set(err, GL_EINVAL, "unexpected argument \"%s\"", a);
        const char *key = a + 2, *eq = strchr(key, '=');
        size_t klen = eq ? (size_t)(eq - key) : strlen(key);
        const gl_argspec *sp = NULL;
        for (size_t k = 0; k < nspecs && !sp; k++)
            if (strlen(specs[k].name) == klen && strncmp(specs[k].name, key, klen) == 0)
                sp = &specs[k];
        if (!sp)
            return gl_err_set(err, GL_EINVAL, "unknown option \"%.*s\"", (int)klen + 2, a);
        const char *v = eq ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);
        if (!v)
            return gl_err_set(err, GL_EINVAL, "option --%s needs a value", sp->name);
        int s = GL_OK;
        switch (sp->type) {
        case GL_ARG_STR: *(const char **)sp->dst = v; break;
        case GL_ARG_ULONG: s = parse_ulong(sp->name, v, sp->dst, err); break;
        case GL_ARG_DOUBLE: s = parse_double(sp->name, v, sp->dst, err); break;
        case GL_ARG_SIZES:
            s = gl_sizes_parse(v, sp->dst, err);
            if (s) {
                char pre[64];
                snprintf(pre, sizeof pre, "--%s", sp->name);
                gl_err_prefix(err, pre);
            }
            break;
        }
        if (s)
            return s;
    }
    return GL_OK;
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
    gl_dtrain_cfg dc = {target - *done, 256, 0.005, 0.005, 0, NULL, NULL};
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
    gl_gan_cfg cfg = {1, batch, 1, GL_LOSS_MINIMAX, GL_UPDATE_ALT, noise, 1, 1, 1, 0, NULL, NULL, 0, 0};
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
