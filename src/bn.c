/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bn.c — batch normalisation of a gl_mlp's hidden layers (the math is in
 * bn.h): forward and backward over feature-major buffers, the block layout,
 * one sample in evaluation mode, and the fold into an ordinary network. */
#include "bn.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

/* a line of 8 doubles */
static size_t line8(size_t a)
{
    return (a + 7) & ~(size_t)7;
}

int gl_bn_layer(const gl_mlp *net, size_t l)
{
    return net->norm && l >= net->bn_skip && l + 1 < net->nlayers;
}

int gl_bn_sizes(size_t nlayers, const size_t *sizes, size_t skip, size_t maxbatch,
                size_t *nparams, size_t *ndoubles)
{
    size_t np = 0, nd = 0;
    for (size_t l = skip; l + 1 < nlayers; l++) {
        size_t out = sizes[l + 1]; /* <= 4096 by the caller's checks */
        if (maxbatch > (SIZE_MAX / 16) / out)
            return 0;
        size_t add = 2 * line8(out) + line8(out * maxbatch) + line8(out * GL_MLP_MAXGROUPS);
        if (add > SIZE_MAX / 4 - nd)
            return 0;
        np += 2 * out;
        nd += add;
    }
    *nparams = np;
    *ndoubles = nd;
    return 1;
}

void gl_bn_carve(gl_mlp *net, double *p)
{
    size_t off = net->nparams_dense;
    net->groups = 1;
    net->mode = GL_MLP_EVAL;
    net->bn_eps = 1e-5;
    net->bn_momentum = 0.1;
    net->bn_last_groups = 0;
    for (size_t l = net->bn_skip; l + 1 < net->nlayers; l++) {
        size_t out = net->sizes[l + 1];
        net->goff[l] = off;
        off += 2 * out;
        net->run_mean[l] = p;
        p += line8(out);
        net->run_var[l] = p;
        p += line8(out);
        net->xhat[l] = p;
        p += line8(out * net->maxbatch);
        net->istd[l] = p;
        p += line8(out * GL_MLP_MAXGROUPS);
    }
}

void gl_bn_init(gl_mlp *net)
{
    if (!net->norm)
        return;
    for (size_t l = net->bn_skip; l + 1 < net->nlayers; l++) {
        size_t out = net->sizes[l + 1];
        double *gamma = net->params + net->goff[l];
        for (size_t r = 0; r < out; r++) {
            gamma[r] = 1.0;
            gamma[out + r] = 0.0; /* beta */
            net->run_mean[l][r] = 0.0;
            net->run_var[l][r] = 1.0;
        }
    }
}

void gl_bn_set(gl_mlp *net, gl_mlp_mode mode, size_t groups)
{
    if (!net->norm)
        return;
    net->mode = mode;
    net->groups = groups < 1 ? 1 : groups > GL_MLP_MAXGROUPS ? GL_MLP_MAXGROUPS : groups;
}

/* the mean of z[0..m-1], then the biased variance about it (two passes) */
static void moments(const double *z, size_t m, double *mean, double *var)
{
    double s = 0, q = 0;
    for (size_t j = 0; j < m; j++)
        s += z[j];
    double mu = s / (double)m;
    for (size_t j = 0; j < m; j++)
        q += (z[j] - mu) * (z[j] - mu);
    *mean = mu;
    *var = q / (double)m;
}

/* x = (z - mu) s, z = gamma x, over m values */
static void normalise(double *z, double *x, size_t m, double mu, double s, double gamma)
{
    for (size_t j = 0; j < m; j++) {
        x[j] = (z[j] - mu) * s;
        z[j] = gamma * x[j];
    }
}

void gl_bn_forward(gl_mlp *net, size_t l, size_t n, double *Z)
{
    size_t out = net->sizes[l + 1];
    const double *gamma = net->params + net->goff[l];
    double *rm = net->run_mean[l], *rv = net->run_var[l], mom = net->bn_momentum;
    size_t G = net->groups < n ? net->groups : n;
    net->bn_last_groups = net->mode == GL_MLP_EVAL ? 0 : G;
    for (size_t r = 0; r < out; r++) {
        double *z = Z + r * n, *x = net->xhat[l] + r * n, *is = net->istd[l] + r * GL_MLP_MAXGROUPS;
        if (net->mode == GL_MLP_EVAL) {
            is[0] = 1.0 / sqrt(rv[r] + net->bn_eps);
            normalise(z, x, n, rm[r], is[0], gamma[r]);
            continue;
        }
        for (size_t g = 0; g < G; g++) {
            size_t a = g * n / G, m = (g + 1) * n / G - a;
            double mu, var;
            moments(z + a, m, &mu, &var);
            is[g] = 1.0 / sqrt(var + net->bn_eps);
            normalise(z + a, x + a, m, mu, is[g], gamma[r]);
            if (net->mode == GL_MLP_TRAIN) {
                double unb = m > 1 ? var * (double)m / (double)(m - 1) : var;
                rm[r] = (1 - mom) * rm[r] + mom * mu;
                rv[r] = (1 - mom) * rv[r] + mom * unb;
            }
        }
    }
}

void gl_bn_backward(gl_mlp *net, size_t l, size_t n, double *Gr, int param_grads)
{
    size_t out = net->sizes[l + 1], G = net->bn_last_groups;
    const double *gamma = net->params + net->goff[l];
    double *dgamma = net->grads + net->goff[l], *dbeta = dgamma + out;
    for (size_t r = 0; r < out; r++) {
        double *g = Gr + r * n;
        const double *x = net->xhat[l] + r * n, *is = net->istd[l] + r * GL_MLP_MAXGROUPS;
        if (param_grads) {
            double sb = 0, sg = 0;
            for (size_t j = 0; j < n; j++) {
                sb += g[j];
                sg += g[j] * x[j];
            }
            dbeta[r] += sb;
            dgamma[r] += sg;
        }
        if (G == 0) { /* EVAL: mu and var are constants */
            double c = gamma[r] * is[0];
            for (size_t j = 0; j < n; j++)
                g[j] *= c;
            continue;
        }
        for (size_t k = 0; k < G; k++) {
            size_t a = k * n / G, m = (k + 1) * n / G - a;
            double sg = 0, sgx = 0;
            for (size_t j = a; j < a + m; j++) {
                sg += g[j];
                sgx += g[j] * x[j];
            }
            double mg = sg / (double)m, mgx = sgx / (double)m, c = gamma[r] * is[k];
            for (size_t j = a; j < a + m; j++)
                g[j] = c * (g[j] - mg - x[j] * mgx);
        }
    }
}

double gl_bn_eval1(const gl_mlp *net, size_t l, size_t r, double v, double *slope)
{
    double s = 1.0 / sqrt(net->run_var[l][r] + net->bn_eps), gamma = net->params[net->goff[l] + r];
    double x = (v - net->run_mean[l][r]) * s;
    if (slope)
        *slope = gamma * s;
    return gamma * x;
}

int gl_bn_fold(const gl_mlp *src, gl_mlp *dst, gl_err *err)
{
    int same = src->nlayers == dst->nlayers && src->act == dst->act && src->leak == dst->leak &&
               !dst->norm && dst->outact == GL_ACT_LINEAR;
    for (size_t l = 0; same && l <= src->nlayers; l++)
        same = src->sizes[l] == dst->sizes[l];
    if (!same)
        return gl_err_set(err, GL_EINVAL, "gl_bn_fold: the target network must have the "
                          "source's sizes and activation, no normalisation and a linear output");
    memcpy(dst->params, src->params, src->nparams_dense * sizeof(double));
    if (!src->norm)
        return GL_OK;
    for (size_t l = src->bn_skip; l + 1 < src->nlayers; l++) {
        size_t in = src->sizes[l], out = src->sizes[l + 1];
        const double *gamma = src->params + src->goff[l], *beta = gamma + out;
        double *W = dst->params + dst->woff[l], *b = dst->params + dst->boff[l];
        for (size_t r = 0; r < out; r++) {
            double s = gamma[r] / sqrt(src->run_var[l][r] + src->bn_eps);
            for (size_t j = 0; j < in; j++)
                W[r * in + j] *= s;
            b[r] = s * (b[r] - src->run_mean[l][r]) + beta[r];
        }
    }
    return GL_OK;
}
