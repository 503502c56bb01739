/* SPDX-License-Identifier: GPL-3.0-or-later */
/* optim.c — SGD, momentum and Adam over a flat parameter buffer, in PyTorch's
 * forms (torch.optim.SGD with momentum, dampening 0, no Nesterov; torch.optim.Adam
 * without amsgrad or weight decay), so that a run can be compared with the
 * PyTorch peer step by step. */
#include "optim.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char *const opt_names[] = {"sgd", "momentum", "adam"};

int gl_optim_parse(const char *name, gl_opt_kind *kind, gl_err *err)
{
    if (!name)
        return gl_err_set(err, GL_EINVAL, "optimiser name is NULL (valid: sgd, momentum, adam)");
    for (size_t i = 0; i < sizeof opt_names / sizeof opt_names[0]; i++)
        if (strcmp(name, opt_names[i]) == 0) {
            if (kind)
                *kind = (gl_opt_kind)i;
            return GL_OK;
        }
    return gl_err_set(err, GL_EINVAL, "unknown optimiser '%s' (valid: sgd, momentum, adam)",
                      name);
}

int gl_optim_alloc(gl_optim **out, gl_opt_kind kind, size_t n, double lr, gl_err *err)
{
    if (!out)
        return gl_err_set(err, GL_EINVAL, "gl_optim_alloc: out is NULL");
    *out = NULL;
    if ((unsigned)kind > GL_OPT_ADAM)
        return gl_err_set(err, GL_EINVAL, "unknown optimiser code %d", (int)kind);
    if (n < 1)
        return gl_err_set(err, GL_EINVAL, "optimiser over n = 0 parameters, need n >= 1");
    if (!isfinite(lr) || !(lr > 0))
        return gl_err_set(err, GL_EINVAL, "learning rate lr = %g must be finite and > 0", lr);

    /* one block: the struct, then m (momentum, adam) and v (adam) */
    size_t nstate = kind == GL_OPT_SGD ? 0 : kind == GL_OPT_MOMENTUM ? 1 : 2;
    size_t head = (sizeof(gl_optim) + 63) & ~(size_t)63;
    if (n > (SIZE_MAX - head) / (2 * sizeof(double)))
        return gl_err_set(err, GL_EINVAL, "optimiser over %zu parameters is too large", n);
    size_t bytes = head + nstate * n * sizeof(double);
    unsigned char *block = malloc(bytes);
    if (!block)
        return gl_err_set(err, GL_ENOMEM, "cannot allocate %zu bytes for an optimiser", bytes);
    gl_optim *opt = (gl_optim *)block;
    opt->kind = kind;
    opt->n = n;
    opt->lr = lr;
    opt->beta1 = 0.9;
    opt->beta2 = 0.999;
    opt->eps = 1e-8;
    opt->m = nstate >= 1 ? (double *)(block + head) : NULL;
    opt->v = nstate >= 2 ? opt->m + n : NULL;
    gl_optim_reset(opt);
    *out = opt;
    return GL_OK;
}

void gl_optim_free(gl_optim *opt)
{
    free(opt); /* the struct heads its own block */
}

void gl_optim_reset(gl_optim *opt)
{
    opt->t = 0;
    if (opt->m)
        memset(opt->m, 0, opt->n * sizeof(double));
    if (opt->v)
        memset(opt->v, 0, opt->n * sizeof(double));
}

/* Adam's update of n parameters. C's sqrt may set errno, so GCC vectorises
 * the loop only without math errno: the Makefile builds this file with
 * -fno-math-errno (the values are the same, vectorised or not: sqrt and the
 * divisions are correctly rounded lane by lane; v >= 0, so errno would
 * never be set but for a NaN). */
static void adam_loop(size_t n, double *restrict p, const double *restrict g, double *restrict m,
                      double *restrict v, double b1, double b2, double eps, double step,
                      double sbc2)
{
    double c1 = 1.0 - b1, c2 = 1.0 - b2;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) /* blocks of 8 (GCC's -O2 cost model wants them), then a tail */
        for (size_t k = i; k < i + 8; k++) {
            m[k] = b1 * m[k] + c1 * g[k];
            v[k] = b2 * v[k] + c2 * g[k] * g[k];
            p[k] += -step * m[k] / (sqrt(v[k]) / sbc2 + eps);
        }
    for (; i < n; i++) {
        m[i] = b1 * m[i] + c1 * g[i];
        v[i] = b2 * v[i] + c2 * g[i] * g[i];
        p[i] += -step * m[i] / (sqrt(v[i]) / sbc2 + eps);
    }
}

void gl_optim_step(gl_optim *opt, double *params, const double *grads)
{
    size_t n = opt->n;
    double *restrict p = params;
    const double *restrict g = grads;
    double lr = opt->lr;
    opt->t++;
    switch (opt->kind) {
    case GL_OPT_SGD:
        for (size_t i = 0; i < n; i++)
            p[i] += -lr * g[i];
        break;
    case GL_OPT_MOMENTUM: {
        /* buf = mu buf + g (PyTorch's first step sets buf = g: the same value) */
        double *restrict m = opt->m, mu = opt->beta1;
        for (size_t i = 0; i < n; i++) {
            m[i] = mu * m[i] + g[i];
            p[i] += -lr * m[i];
        }
        break;
    }
    case GL_OPT_ADAM: {
        /* in torch.optim.Adam's order of operations (single-tensor path, whose
         * addcmul and addcdiv evaluate value*t1*t2 and value*t1/t2 left to
         * right); PyTorch >= 1.13 forms m as the lerp m + (1-b1)(g - m), equal
         * up to rounding. */
        double b1 = opt->beta1, b2 = opt->beta2;
        double bc1 = 1.0 - pow(b1, (double)opt->t), bc2 = 1.0 - pow(b2, (double)opt->t);
        adam_loop(n, p, g, opt->m, opt->v, b1, b2, opt->eps, lr / bc1, sqrt(bc2));
        break;
    }
    }
}
