/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mlp.c — small dense networks: forward, backward (parameters and input),
 * initialisation, over one allocation per network.
 *
 * Notation for layer l (sizes[l] = in inputs, sizes[l+1] = out outputs) on a
 * batch of n samples, every matrix feature-major (row = unit, column = sample):
 *   Z = W H + b 1^T                     W: out x in, H: in x n, Z: out x n
 *   H' = act(Z)  (hidden layers; the last layer is linear)
 * and for a loss L with upstream gradient dZ = dL/dZ:
 *   dL/dW = dZ H^T,  dL/db = dZ 1,  dL/dH = W^T dZ,
 *   dL/dZ_prev = dL/dH * act'(.) computed from the stored output H.
 *
 * Speed. The gan1d workload (D 1-32-32-1 on 256 samples, G 1-16-16-1 on 128)
 * is ~2.5 MFLOP a step, so the kernels must keep the FPU busy at the
 * Makefile's plain -O2. The dense products are src/kern.c's (register and
 * cache blocks, vector types); the elementwise passes here run over blocks
 * of VB elements, because GCC 12 at -O2 (cost model "very-cheap")
 * vectorises a loop only when its trip count is a known multiple of the
 * vector width. Ragged edges are finished by scalar loops doing the same
 * operations in the same order: a sample's output does not depend on its
 * position in the batch or on the batch size, bit for bit. */
#include "mlp.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "bn.h"
#include "kern.h"
#include "num.h"

/* Elementwise loops run over blocks of VB elements (a multiple of every vector
 * width up to 512 bits) followed by a scalar tail. */
#define VB 8

/* ------------------------------------------------------------------------ */
/* Allocation */

static const char *const act_names[] = {"linear", "tanh", "sigmoid", "relu", "leaky"};

const char *gl_act_name(gl_act act)
{
    if ((unsigned)act < sizeof act_names / sizeof act_names[0])
        return act_names[act];
    return "unknown";
}

int gl_act_parse(const char *name, gl_act *act, gl_err *err)
{
    if (!name)
        return gl_err_set(err, GL_EINVAL, "activation name is NULL "
                          "(valid: linear, tanh, sigmoid, relu, leaky)");
    for (size_t i = 0; i < sizeof act_names / sizeof act_names[0]; i++)
        if (strcmp(name, act_names[i]) == 0) {
            if (act)
                *act = (gl_act)i;
            return GL_OK;
        }
    return gl_err_set(err, GL_EINVAL, "unknown activation '%s' "
                      "(valid: linear, tanh, sigmoid, relu, leaky)", name);
}

int gl_mlp_hidden_parse(const char *text, gl_mlp_hidden *h, gl_err *err)
{
    const char *p = text;
    gl_mlp_hidden out = {0, {0}};
    for (;;) {
        char *end;
        if (!(*p >= '0' && *p <= '9'))
            return gl_err_set(err, GL_EINVAL, "layer sizes \"%s\": expected a positive integer at column %d",
                              text, (int)(p - text) + 1);
        errno = 0;
        unsigned long v = strtoul(p, &end, 10);
        if (errno == ERANGE || v == 0 || v > GL_MLP_MAXWIDTH)
            return gl_err_set(err, GL_EINVAL, "layer sizes \"%s\": each size must be 1..%d (column %d)",
                              text, GL_MLP_MAXWIDTH, (int)(p - text) + 1);
        if (out.n == GL_MLP_MAXHIDDEN)
            return gl_err_set(err, GL_EINVAL, "layer sizes \"%s\": at most %d hidden layers", text,
                              GL_MLP_MAXHIDDEN);
        out.v[out.n++] = v;
        p = end;
        if (*p == '\0')
            break;
        if (*p != ',')
            return gl_err_set(err, GL_EINVAL, "layer sizes \"%s\": unexpected \"%c\" at column %d",
                              text, *p, (int)(p - text) + 1);
        p++;
    }
    *h = out;
    return GL_OK;
}

void gl_mlp_hidden_text(size_t in, const gl_mlp_hidden *h, size_t out, char *buf, size_t n)
{
    int k = snprintf(buf, n, "%zu", in);
    for (size_t l = 0; l < h->n && k >= 0 && (size_t)k < n; l++)
        k += snprintf(buf + k, n - (size_t)k, "-%zu", h->v[l]);
    if (k >= 0 && (size_t)k < n)
        snprintf(buf + k, n - (size_t)k, "-%zu", out);
}

int gl_mlp_alloc_hidden(gl_mlp **net, size_t in, const gl_mlp_hidden *h, size_t out, gl_act act,
                        double leak, size_t maxbatch, gl_err *err)
{
    return gl_mlp_alloc_hidden_opts(net, in, h, out, act, leak, maxbatch, NULL, err);
}

int gl_mlp_alloc_hidden_opts(gl_mlp **net, size_t in, const gl_mlp_hidden *h, size_t out,
                             gl_act act, double leak, size_t maxbatch, const gl_mlp_opts *opts,
                             gl_err *err)
{
    size_t sizes[GL_MLP_MAXLAYERS + 1];
    if (h->n > GL_MLP_MAXHIDDEN) {
        *net = NULL;
        return gl_err_set(err, GL_EINVAL, "at most %d hidden layers, got %zu", GL_MLP_MAXHIDDEN, h->n);
    }
    sizes[0] = in;
    for (size_t l = 0; l < h->n; l++)
        sizes[l + 1] = h->v[l];
    sizes[h->n + 1] = out;
    return gl_mlp_alloc_opts(net, h->n + 1, sizes, act, leak, maxbatch, opts, err);
}

/* a*b and a+b in size_t, failing instead of wrapping. */
static int mul_size(size_t a, size_t b, size_t *res)
{
    if (a != 0 && b > SIZE_MAX / a)
        return 0;
    *res = a * b;
    return 1;
}

static int add_size(size_t a, size_t b, size_t *res)
{
    if (b > SIZE_MAX - a)
        return 0;
    *res = a + b;
    return 1;
}

/* Rounds a count of doubles up to a whole 64-byte line, so that every buffer
 * carved out of the block starts aligned. */
static int round8(size_t a, size_t *res)
{
    if (!add_size(a, 7, res))
        return 0;
    *res &= ~(size_t)7;
    return 1;
}

gl_mlp_opts gl_mlp_opts_default(void)
{
    gl_mlp_opts o;
    memset(&o, 0, sizeof o);
    o.norm = 0;
    o.outact = GL_ACT_LINEAR;
    return o;
}

int gl_mlp_alloc(gl_mlp **out, size_t nlayers, const size_t *sizes, gl_act act,
                 double leak, size_t maxbatch, gl_err *err)
{
    return gl_mlp_alloc_opts(out, nlayers, sizes, act, leak, maxbatch, NULL, err);
}

int gl_mlp_alloc_opts(gl_mlp **out, size_t nlayers, const size_t *sizes, gl_act act,
                      double leak, size_t maxbatch, const gl_mlp_opts *opts, gl_err *err)
{
    gl_mlp_opts o = opts ? *opts : gl_mlp_opts_default();
    if (!out)
        return gl_err_set(err, GL_EINVAL, "gl_mlp_alloc: out is NULL");
    *out = NULL;
    if (nlayers < 1 || nlayers > GL_MLP_MAXLAYERS)
        return gl_err_set(err, GL_EINVAL, "number of layers %zu outside 1..%d",
                          nlayers, GL_MLP_MAXLAYERS);
    if (!sizes)
        return gl_err_set(err, GL_EINVAL, "layer sizes are NULL");
    for (size_t l = 0; l <= nlayers; l++)
        if (sizes[l] < 1)
            return gl_err_set(err, GL_EINVAL, "layer size sizes[%zu] = %zu, must be >= 1",
                              l, sizes[l]);
    if (maxbatch < 1)
        return gl_err_set(err, GL_EINVAL, "batch capacity maxbatch = %zu, must be >= 1",
                          maxbatch);
    if ((unsigned)act > GL_ACT_LEAKY)
        return gl_err_set(err, GL_EINVAL, "unknown activation code %d", (int)act);
    if (!isfinite(leak) || leak < 0 || leak >= 1)
        return gl_err_set(err, GL_EINVAL, "leak %g must be finite and in [0, 1)", leak);
    if (o.outact != GL_ACT_LINEAR && o.outact != GL_ACT_TANH)
        return gl_err_set(err, GL_EINVAL, "output activation %s: only linear or tanh",
                          gl_act_name(o.outact));

    /* Block: the struct, then params, grads, h[0..L], delta[0..1], kws, each a whole
     * number of 64-byte lines. */
    size_t nparams = 0, maxw = 0, total = 0, t, dense, bnp = 0, bnd = 0;
    size_t len_h[GL_MLP_MAXLAYERS + 1], len_p, len_d;
    int ok = 1;
    for (size_t l = 0; l < nlayers && ok; l++)
        ok = mul_size(sizes[l + 1], sizes[l] + 1, &t) && add_size(nparams, t, &nparams);
    dense = nparams; /* then gamma_l, beta_l, and the BN buffers after delta */
    ok = ok && (!o.norm || gl_bn_sizes(nlayers, sizes, o.norm_skip, maxbatch, &bnp, &bnd)) &&
         add_size(nparams, bnp, &nparams);
    for (size_t l = 0; l <= nlayers; l++)
        if (sizes[l] > maxw)
            maxw = sizes[l];
    ok = ok && round8(nparams, &len_p) && mul_size(len_p, 2, &total);
    for (size_t l = 0; l <= nlayers && ok; l++)
        ok = mul_size(sizes[l], maxbatch, &t) && round8(t, &len_h[l])
             && add_size(total, len_h[l], &total);
    ok = ok && mul_size(maxw, maxbatch, &t) && round8(t, &len_d) && len_d <= SIZE_MAX / 2
         && add_size(total, 2 * len_d, &total);
    /* the kernels' scratch: the largest product of a layer, forward (out x in
     * by in x n), input gradient (in x out by out x n) or weight gradient
     * (out x n by n x in), bounded by maxw x max(maxw, maxbatch) by either */
    size_t kk = maxw > maxbatch ? maxw : maxbatch, len_k = 0;
    ok = ok && mul_size(maxw, kk, &t) && t <= SIZE_MAX / 4
         && round8(gl_kern_wsize(maxw, kk, kk), &len_k) && add_size(total, len_k, &total)
         && add_size(total, bnd, &total);
    size_t head = (sizeof(gl_mlp) + 63) & ~(size_t)63, bytes;
    ok = ok && mul_size(total, sizeof(double), &bytes) && add_size(bytes, head + 64, &bytes);
    if (!ok)
        return gl_err_set(err, GL_EINVAL, "network too large for the address space "
                          "(%zu layers, maxbatch %zu)", nlayers, maxbatch);

    unsigned char *block = malloc(bytes);
    if (!block)
        return gl_err_set(err, GL_ENOMEM, "cannot allocate %zu bytes for a network", bytes);
    memset(block, 0, bytes);
    gl_mlp *net = (gl_mlp *)block;
    uintptr_t base = ((uintptr_t)block + head + 63) & ~(uintptr_t)63;
    double *p = (double *)base;

    net->nlayers = nlayers;
    for (size_t l = 0; l <= nlayers; l++)
        net->sizes[l] = sizes[l];
    net->act = act;
    net->leak = act == GL_ACT_LEAKY ? leak : 0.0; /* relu: the leaky code, slope 0 */
    net->nparams = nparams;
    net->nparams_dense = dense;
    net->maxbatch = maxbatch;
    net->outact = o.outact;
    net->norm = o.norm != 0;
    net->bn_skip = o.norm ? o.norm_skip : 0;
    size_t off = 0;
    for (size_t l = 0; l < nlayers; l++) {
        net->woff[l] = off;
        off += sizes[l + 1] * sizes[l];
        net->boff[l] = off;
        off += sizes[l + 1];
    }
    net->params = p;
    p += len_p;
    net->grads = p;
    p += len_p;
    for (size_t l = 0; l <= nlayers; l++) {
        net->h[l] = p;
        p += len_h[l];
    }
    net->delta[0] = p;
    net->delta[1] = p + len_d;
    net->kws = p + 2 * len_d;
    if (net->norm)
        gl_bn_carve(net, p + 2 * len_d + len_k);
    net->n = 0;
    *out = net;
    return GL_OK;
}

void gl_mlp_free(gl_mlp *net)
{
    free(net); /* the struct heads its own block */
}

void gl_mlp_zero_grad(gl_mlp *net)
{
    memset(net->grads, 0, net->nparams * sizeof(double));
}

/* Glorot & Bengio (2010): W ~ U(-a, a), a = sqrt(6/(fan_in + fan_out)), keeps
 * the variance of activations and of gradients for odd, unit-slope
 * activations (tanh, and sigmoid/linear by the same convention).
 * He et al. (2015): W ~ N(0, gain^2/fan_in), gain^2 = 2/(1 + leak^2), keeps the
 * variance through (leaky) ReLUs; applied to every layer of such a network,
 * since each layer after the first reads a (leaky) ReLU output. Biases 0. */
void gl_mlp_init(gl_mlp *net, const gsl_rng *r)
{
    int he = net->act == GL_ACT_RELU || net->act == GL_ACT_LEAKY;
    double gain2 = 2.0 / (1.0 + net->leak * net->leak);
    for (size_t l = 0; l < net->nlayers; l++) {
        size_t in = net->sizes[l], out = net->sizes[l + 1];
        double *W = net->params + net->woff[l];
        if (he) {
            double sd = sqrt(gain2 / (double)in);
            for (size_t k = 0; k < out * in; k++)
                W[k] = gsl_ran_gaussian(r, sd);
        } else {
            double a = sqrt(6.0 / (double)(in + out));
            for (size_t k = 0; k < out * in; k++)
                W[k] = a * (2.0 * gsl_rng_uniform(r) - 1.0);
        }
        memset(net->params + net->boff[l], 0, out * sizeof(double));
    }
    gl_bn_init(net);
    gl_mlp_zero_grad(net);
}

/* ------------------------------------------------------------------------ */
/* Activations, and their backward passes, which multiply an upstream
 * gradient g by act'(z) written in terms of the stored output y = act(z):
 *   tanh:    y = tanh z,               act' = 1 - y^2
 *   sigmoid: y = 1/(1 + e^-z),         act' = y (1 - y)
 *   leaky:   y = z (z > 0), leak z,    act' = 1 if y > 0 else leak
 *   relu:    y = max(z, 0),            act' = 1 if y > 0 else 0
 * (y > 0 iff z > 0 as leak > 0: the slope at z = 0 is leak, PyTorch's
 * convention.) */

/* tanh|z| for |z| <= 20 (callers clamp: tanh(20) rounds to 1), NaN passing
 * through, in branch-free arithmetic that vectorises: glibc's tanh costs
 * ~17 ns here, more than the dense layer before it.
 * With u = -2|z| = k ln2 + r, |r| <= ln2/2 and s = 2^k (built in the exponent
 * bits; k in [-58, 0]), e^r = (Q + rP)/(Q - rP) with P(r^2), Q(r^2) the
 * rational approximation of Cephes' exp.c (S. L. Moshier; relative error
 * ~1e-16), and tanh|z| = (1 - e^u)/(1 + e^u) becomes one division,
 *   tanh|z| = ((1 - s) Q - (1 + s) rP) / ((1 + s) Q - (1 - s) rP),
 * which for k = 0 (|z| < 0.17) is -rP/Q: no cancellation near 0. Within 3 eps
 * relative of glibc's tanh on [-25, 25] (tests/test_mlp.c). */
static inline double tanh_core(double z)
{
    const double shift = 0x1.8p52;                    /* rounds to an integer */
    const double ln2_hi = 6.93147180369123816490e-01; /* fdlibm's split of ln 2 */
    const double ln2_lo = 1.90821492927058770002e-10;
    double u = -2.0 * fabs(z);
    double kd = u * 1.44269504088896338700 + shift;
    uint64_t kb, sb;
    memcpy(&kb, &kd, sizeof kb);
    kd -= shift;
    double r = (u - kd * ln2_hi) - kd * ln2_lo;
    double rr = r * r;
    double rp = r * ((1.26177193074810590878e-4 * rr + 3.02994407707441961300e-2) * rr
                     + 9.99999999999999999910e-1);
    double q = ((3.00198505138664455042e-6 * rr + 2.52448340349684104192e-3) * rr
                + 2.27265548208155028766e-1) * rr + 2.00000000000000000009e0;
    sb = (kb + 1023) << 52; /* the low bits of kb hold k */
    double s;
    memcpy(&s, &sb, sizeof s);
    double num = (1.0 - s) * q - (1.0 + s) * rp;
    double den = (1.0 + s) * q - (1.0 - s) * rp;
    return copysign(num / den, z);
}

/* Clamps to [-20, 20] keeping NaN (a comparison with NaN is false). */
static inline double clamp20(double z)
{
    z = z > 20.0 ? 20.0 : z;
    return z < -20.0 ? -20.0 : z;
}

/* Written so that a NaN z passes through (the comparison fails) and GCC
 * emits maxpd: max(z, 0) and, for 0 < leak < 1, max(z, leak z). */
static inline double relu(double z)
{
    return 0 > z ? 0 : z;
}

static inline double leaky(double z, double leak)
{
    double lz = leak * z;
    return z > lz ? z : lz;
}

/* z[k] = act(z[k] + b[k * bstep]) for k < m: bstep 0 adds one bias to a row
 * of samples (a unit over the batch), bstep 1 a bias per element (the units
 * of one sample, gl_mlp_eval1). Inlined with bstep a constant, each loop
 * runs over blocks of VB elements and a tail, and vectorises. */
#if defined(__GNUC__)
__attribute__((always_inline))
#endif
static inline void act_span(gl_act act, double leak, const double *restrict b, size_t bstep,
                            size_t m, double *restrict h)
{
    size_t j = 0;
    switch (act) {
    case GL_ACT_LINEAR:
        for (; j + VB <= m; j += VB)
            for (size_t k = j; k < j + VB; k++)
                h[k] += b[k * bstep];
        for (; j < m; j++)
            h[j] += b[j * bstep];
        break;
    case GL_ACT_TANH:
        /* two passes: a clamp inside tanh_core stops GCC vectorising */
        for (; j + VB <= m; j += VB)
            for (size_t k = j; k < j + VB; k++)
                h[k] = clamp20(h[k] + b[k * bstep]);
        for (; j < m; j++)
            h[j] = clamp20(h[j] + b[j * bstep]);
        for (j = 0; j + VB <= m; j += VB)
            for (size_t k = j; k < j + VB; k++)
                h[k] = tanh_core(h[k]);
        for (; j < m; j++)
            h[j] = tanh_core(h[j]);
        break;
    case GL_ACT_SIGMOID:
        for (; j < m; j++)
            h[j] = gl_num_sigmoid(h[j] + b[j * bstep]);
        break;
    case GL_ACT_RELU:
        for (; j + VB <= m; j += VB)
            for (size_t k = j; k < j + VB; k++)
                h[k] = relu(h[k] + b[k * bstep]);
        for (; j < m; j++)
            h[j] = relu(h[j] + b[j * bstep]);
        break;
    case GL_ACT_LEAKY:
        for (; j + VB <= m; j += VB)
            for (size_t k = j; k < j + VB; k++)
                h[k] = leaky(h[k] + b[k * bstep], leak);
        for (; j < m; j++)
            h[j] = leaky(h[j] + b[j * bstep], leak);
        break;
    }
}

/* H = act(Z + b 1^T) in place, Z: R x n. */
static void act_forward(gl_act act, double leak, const double *restrict b, size_t R, size_t n,
                        double *restrict Z)
{
    for (size_t r = 0; r < R; r++)
        act_span(act, leak, b + r, 0, n, Z + r * n);
}

/* The (leaky) ReLU slope, 1 if y > 0 else leak, chosen with bit masks: GCC
 * turns every select it can see (y > 0 ? 1 : leak, and arithmetic on the
 * comparison too) into a branch, which does not vectorise and mispredicts on
 * random signs. With b the bits of y, b | (b - 1) has its top bit clear
 * exactly when y > 0 (b = 0 is +0, top bit set is negative or -0; a NaN y
 * counts as positive). */
static inline double leaky_slope(double y, double leak)
{
    const double one = 1.0;
    uint64_t b, b1, bl, m, r;
    memcpy(&b, &y, sizeof b);
    memcpy(&b1, &one, sizeof b1);
    memcpy(&bl, &leak, sizeof bl);
    m = 0 - ((b | (b - 1)) >> 63); /* all ones unless y > 0 */
    r = (b1 & ~m) | (bl & m);
    double slope;
    memcpy(&slope, &r, sizeof slope);
    return slope;
}

/* g *= act'(z), from y = act(z). */
static void act_backward(gl_act act, double leak, double *restrict g,
                         const double *restrict y, size_t m)
{
    size_t j = 0;
    switch (act) {
    case GL_ACT_LINEAR:
        break;
    case GL_ACT_TANH:
        for (; j + VB <= m; j += VB)
            for (int k = 0; k < VB; k++)
                g[j + k] *= 1.0 - y[j + k] * y[j + k];
        for (; j < m; j++)
            g[j] *= 1.0 - y[j] * y[j];
        break;
    case GL_ACT_SIGMOID:
        for (; j + VB <= m; j += VB)
            for (int k = 0; k < VB; k++)
                g[j + k] *= y[j + k] * (1.0 - y[j + k]);
        for (; j < m; j++)
            g[j] *= y[j] * (1.0 - y[j]);
        break;
    case GL_ACT_RELU:
    case GL_ACT_LEAKY:
        for (; j + VB <= m; j += VB)
            for (int k = 0; k < VB; k++)
                g[j + k] *= leaky_slope(y[j + k], leak);
        for (; j < m; j++)
            g[j] *= leaky_slope(y[j], leak);
        break;
    }
}

/* ------------------------------------------------------------------------ */
/* The network */

/* dst[c][r] = src[r][c] for an R x C row-major src; four rows at a time, so
 * that the writes go out in runs of four. */
static void transpose(size_t R, size_t C, const double *restrict src, double *restrict dst)
{
    if (R == 1 || C == 1) {
        memcpy(dst, src, R * C * sizeof(double));
        return;
    }
    size_t r = 0;
    for (; r + 4 <= R; r += 4) {
        const double *s0 = src + r * C, *s1 = s0 + C, *s2 = s1 + C, *s3 = s2 + C;
        for (size_t c = 0; c < C; c++) {
            double *d = dst + c * R + r;
            d[0] = s0[c];
            d[1] = s1[c];
            d[2] = s2[c];
            d[3] = s3[c];
        }
    }
    for (; r < R; r++)
        for (size_t c = 0; c < C; c++)
            dst[c * R + r] = src[r * C + c];
}

/* H_0 = x^T; for each layer Z = W H + b, H' = act(Z) except after the last;
 * y = Z_L^T. x and y may be the same buffer. A batch size outside
 * 1..maxbatch (a caller's bug the library cannot report here) yields NaN in
 * y, which the training loop's NaN guard turns into an error. */
void gl_mlp_forward(gl_mlp *net, const double *x, size_t n, double *y)
{
    size_t L = net->nlayers;
    if (n < 1 || n > net->maxbatch) {
        for (size_t k = 0; k < n * net->sizes[L]; k++)
            y[k] = NAN;
        net->n = 0;
        return;
    }
    transpose(n, net->sizes[0], x, net->h[0]);
    for (size_t l = 0; l < L; l++) {
        size_t in = net->sizes[l], out = net->sizes[l + 1];
        gl_kern_forward(out, in, n, net->params + net->woff[l], net->h[l], net->h[l + 1], net->kws);
        if (gl_bn_layer(net, l)) { /* act(gamma xhat + beta) of v = W h + b */
            act_forward(GL_ACT_LINEAR, 0, net->params + net->boff[l], out, n, net->h[l + 1]);
            gl_bn_forward(net, l, n, net->h[l + 1]);
            act_forward(net->act, net->leak, net->params + net->goff[l] + out, out, n,
                        net->h[l + 1]);
            continue;
        }
        act_forward(l + 1 < L ? net->act : net->outact, net->leak,
                    net->params + net->boff[l], out, n, net->h[l + 1]);
    }
    transpose(net->sizes[L], n, net->h[L], y);
    net->n = n;
}

/* dZ_L = dy^T; for l = L-1 .. 0:  dW_l += dZ_l H_l^T,  db_l += dZ_l 1,
 * dH_l = W_l^T dZ_l,  dZ_{l-1} = dH_l * act'(.);  dx = dH_0^T.
 * Without param_grads the weight-gradient products are skipped, and without
 * dx the product W_0^T dZ_0 too. dy and dx may be the same buffer. */
void gl_mlp_backward(gl_mlp *net, const double *dy, double *dx, int param_grads)
{
    size_t L = net->nlayers, n = net->n;
    if (n == 0 || (!param_grads && !dx))
        return;
    double *cur = net->delta[0], *nxt = net->delta[1];
    transpose(n, net->sizes[L], dy, cur);
    act_backward(net->outact, 0, cur, net->h[L], net->sizes[L] * n);
    for (size_t l = L; l-- > 0;) {
        size_t in = net->sizes[l], out = net->sizes[l + 1];
        const double *W = net->params + net->woff[l];
        if (param_grads) {
            double *gW = net->grads + net->woff[l];
            gl_kern_backward_weight(out, in, n, cur, net->h[l], gW, net->kws);
            gl_kern_backward_bias(out, n, cur, net->grads + net->boff[l]);
        }
        if (l == 0 && !dx)
            return;
        gl_kern_backward_input(in, out, n, W, cur, nxt, net->kws);
        if (l > 0)
            act_backward(net->act, net->leak, nxt, net->h[l], in * n);
        if (l > 0 && gl_bn_layer(net, l - 1))
            gl_bn_backward(net, l - 1, n, nxt, param_grads);
        double *t = cur;
        cur = nxt;
        nxt = t;
    }
    transpose(net->sizes[0], n, cur, dx);
}

/* One sample of a network with one input and one output: y = net(x) and, if
 * dydx, dy/dx, bit for bit what gl_mlp_forward and gl_mlp_backward (dy = 1)
 * give for a batch of 1 (the same fused sums from 0 in the same order, the same
 * activation code) without the batch machinery: the exact density of a 1-D
 * generator solves G(z) = x thousands of times per integral. Leaves the
 * activations of a forward pass of batch 1, as gl_mlp_forward does. */
double gl_mlp_eval1(gl_mlp *net, double x, double *dydx)
{
    size_t L = net->nlayers;
    net->h[0][0] = x;
    /* the products of a batch of one (src/kern.c's narrow path: the same
     * sums as any batch) and the activations across the units */
    for (size_t l = 0; l < L; l++) {
        size_t in = net->sizes[l], out = net->sizes[l + 1];
        const double *W = net->params + net->woff[l], *b = net->params + net->boff[l], *h = net->h[l];
        double *z = net->h[l + 1];
        gl_act act = l + 1 < L ? net->act : net->outact;
        gl_kern_forward1(out, in, W, h, z);
        if (net->norm && gl_bn_layer(net, l)) { /* EVAL mode, as gl_mlp_forward there */
            for (size_t r = 0; r < out; r++)
                z[r] = gl_bn_eval1(net, l, r, z[r] + b[r], NULL);
            act_span(act, net->leak, net->params + net->goff[l] + out, 1, out, z);
        } else
            act_span(act, net->leak, b, 1, out, z);
    }
    net->n = 1;
    if (dydx) {
        double *cur = net->delta[0], *nxt = net->delta[1];
        cur[0] = 1.0;
        act_backward(net->outact, 0, cur, net->h[L], 1);
        for (size_t l = L; l-- > 0;) {
            size_t in = net->sizes[l], out = net->sizes[l + 1];
            const double *W = net->params + net->woff[l];
            gl_kern_backward_input1(in, out, W, cur, nxt);
            if (l > 0)
                act_backward(net->act, net->leak, nxt, net->h[l], in);
            for (size_t j = 0; l > 0 && net->norm && gl_bn_layer(net, l - 1) && j < in; j++) {
                double slope;
                gl_bn_eval1(net, l - 1, j, 0.0, &slope);
                nxt[j] *= slope;
            }
            double *t = cur;
            cur = nxt;
            nxt = t;
        }
        *dydx = cur[0];
    }
    return net->h[L][0];
}

/* ------------------------------------------------------------------------ */
/* The input-gradient penalty (double backpropagation).
 *
 * Along input direction j, the tangent of layer l's pre-activation is
 * T_l = W_l Hd_l (Hd_0 = e_j 1^T, so T_0 = column j of W_0), and the tangent of
 * its output Hd_{l+1} = act'(Z_l) * T_l; the last layer's tangent is the
 * input derivative g = dy/dx_j. P = sum_j sum_s g_s^2. Reverse mode through
 * (H, Hd), with adjoints A (of Z) and Ad (of T), from A_{L-1} = 0,
 * Ad_{L-1} = 2 scale g:
 *   dW_l += A_l H_l^T + Ad_l Hd_l^T,   db_l += A_l 1,
 *   then for l > 0, with y = H_l = act(Z_{l-1}):
 *   A_{l-1}  = (W_l^T A_l) * act'(y) + (W_l^T Ad_l) * act''(y) * T_{l-1},
 *   Ad_{l-1} = (W_l^T Ad_l) * act'(y).
 * act' and act'' are written in terms of the stored output y (see
 * act_backward): tanh 1 - y^2 and -2y(1 - y^2); sigmoid y(1 - y) and
 * y(1 - y)(1 - 2y); (leaky) ReLU the slope and 0. Plain loops over the m
 * samples of each unit: the penalty is a D-step extra, not the hot path. */

size_t gl_mlp_penalty_wsize(const gl_mlp *net)
{
    size_t maxw = 0, t = 0;
    for (size_t l = 0; l <= net->nlayers; l++)
        if (net->sizes[l] > maxw)
            maxw = net->sizes[l];
    for (size_t l = 1; l <= net->nlayers; l++)
        t += 2 * net->sizes[l];
    return (t + 7 * maxw) * net->maxbatch + maxw;
}

/* d1 = act'(z), d2 = act''(z) from y = act(z), over m values; loops the
 * compiler vectorises (one per activation) */
static void act_d12(gl_act act, double leak, const double *restrict y, size_t m,
                    double *restrict d1, double *restrict d2)
{
    size_t s = 0;
    switch (act) {
    case GL_ACT_TANH:
        for (; s < m; s++) {
            d1[s] = 1.0 - y[s] * y[s];
            d2[s] = -2.0 * y[s] * d1[s];
        }
        break;
    case GL_ACT_SIGMOID:
        for (; s < m; s++) {
            d1[s] = y[s] * (1.0 - y[s]);
            d2[s] = d1[s] * (1.0 - 2.0 * y[s]);
        }
        break;
    case GL_ACT_RELU:
    case GL_ACT_LEAKY:
        for (; s + VB <= m; s += VB)
            for (int k = 0; k < VB; k++) {
                d1[s + k] = leaky_slope(y[s + k], leak);
                d2[s + k] = 0.0;
            }
        for (; s < m; s++) {
            d1[s] = leaky_slope(y[s], leak);
            d2[s] = 0.0;
        }
        break;
    default:
        for (; s < m; s++) {
            d1[s] = 1.0;
            d2[s] = 0.0;
        }
        break;
    }
}

double gl_mlp_penalty(gl_mlp *net, size_t m, double scale, double *ws)
{
    size_t L = net->nlayers, n = net->n, in0 = net->sizes[0];
    if (net->norm || net->outact != GL_ACT_LINEAR)
        return NAN;
    if (m == 0 || n == 0 || m > n || net->sizes[L] != 1)
        return 0.0;
    size_t maxw = 0;
    for (size_t l = 0; l <= L; l++)
        if (net->sizes[l] > maxw)
            maxw = net->sizes[l];
    /* T[l], Hd[l+1] for l = 0..L-1 (out_l x m each), then A, Ad, W^T A,
     * W^T Ad, the first m columns of a layer's H, act' and act'' (maxw x m
     * each), and one column of maxw */
    double *T[GL_MLP_MAXLAYERS], *Hd[GL_MLP_MAXLAYERS + 1];
    double *p = ws;
    for (size_t l = 0; l < L; l++) {
        T[l] = p;
        p += net->sizes[l + 1] * m;
        Hd[l + 1] = p;
        p += net->sizes[l + 1] * m;
    }
    size_t wm = maxw * m;
    double *A = p, *Ad = A + wm, *WA = Ad + wm, *WAd = WA + wm, *Hc = WAd + wm;
    double *D1 = Hc + wm, *D2 = D1 + wm, *col = D2 + wm;
    double P = 0.0;
    for (size_t j = 0; j < in0; j++) {
        /* forward tangents: T_0 = W_0 e_j, T_l = W_l Hd_l, Hd_{l+1} = act' T_l */
        for (size_t l = 0; l < L; l++) {
            size_t in = net->sizes[l], out = net->sizes[l + 1];
            const double *W = net->params + net->woff[l];
            if (l == 0)
                for (size_t o = 0; o < out; o++)
                    for (size_t s = 0; s < m; s++)
                        T[0][o * m + s] = W[o * in + j];
            else
                gl_kern_forward(out, in, m, W, Hd[l], T[l], net->kws);
            if (l + 1 == L) {
                memcpy(Hd[l + 1], T[l], out * m * sizeof(double));
                continue;
            }
            for (size_t o = 0; o < out; o++) {
                double *hd = Hd[l + 1] + o * m;
                const double *t = T[l] + o * m;
                act_d12(net->act, net->leak, net->h[l + 1] + o * n, m, D1, D2);
                for (size_t s = 0; s < m; s++)
                    hd[s] = D1[s] * t[s];
            }
        }
        /* the output's tangent is dy/dx_j */
        const double *g = T[L - 1];
        for (size_t s = 0; s < m; s++) {
            P += g[s] * g[s];
            A[s] = 0.0;
            Ad[s] = 2.0 * scale * g[s];
        }
        /* reverse */
        for (size_t l = L; l-- > 0;) {
            size_t in = net->sizes[l], out = net->sizes[l + 1];
            const double *W = net->params + net->woff[l];
            double *gW = net->grads + net->woff[l];
            for (size_t i = 0; i < in; i++) /* H_l's first m columns */
                memcpy(Hc + i * m, net->h[l] + i * n, m * sizeof(double));
            gl_kern_wgrad_dot(out, in, m, A, Hc, gW);
            gl_kern_backward_bias(out, m, A, net->grads + net->boff[l]);
            if (l == 0) { /* Hd_0 = e_j 1^T: column j gets the row sums of Ad */
                memset(col, 0, out * sizeof(double));
                gl_kern_backward_bias(out, m, Ad, col);
                for (size_t o = 0; o < out; o++)
                    gW[o * in + j] += col[o];
                break;
            }
            gl_kern_wgrad_dot(out, in, m, Ad, Hd[l], gW);
            gl_kern_backward_input(in, out, m, W, A, WA, net->kws);
            gl_kern_backward_input(in, out, m, W, Ad, WAd, net->kws);
            for (size_t i = 0; i < in; i++) {
                const double *t = T[l - 1] + i * m, *wa = WA + i * m, *wad = WAd + i * m;
                double *a = A + i * m, *ad = Ad + i * m;
                act_d12(net->act, net->leak, net->h[l] + i * n, m, D1, D2);
                for (size_t s = 0; s < m; s++) {
                    a[s] = wa[s] * D1[s] + wad[s] * D2[s] * t[s];
                    ad[s] = wad[s] * D1[s];
                }
            }
        }
    }
    return P;
}

int gl_mlp_alloc_restricted(gl_mlp **out, const gl_mlp *net, size_t keep, size_t maxbatch,
                            gl_err *err)
{
    if (!out || !net || keep == 0 || keep >= net->sizes[0])
        return gl_err_set(err, GL_EINVAL, "gl_mlp_alloc_restricted: keep %zu of %zu inputs", keep,
                          net ? net->sizes[0] : 0);
    size_t sizes[GL_MLP_MAXLAYERS + 1];
    memcpy(sizes, net->sizes, sizeof sizes);
    sizes[0] = keep;
    return gl_mlp_alloc(out, net->nlayers, sizes, net->act, net->leak, maxbatch, err);
}

void gl_mlp_restrict(const gl_mlp *net, const double *fixed, gl_mlp *out)
{
    size_t in = net->sizes[0], keep = out->sizes[0], h = net->sizes[1];
    const double *W = net->params + net->woff[0], *b = net->params + net->boff[0];
    double *Wo = out->params + out->woff[0], *bo = out->params + out->boff[0];
    for (size_t i = 0; i < h; i++) {
        double s = b[i];
        for (size_t j = keep; j < in; j++)
            s += W[i * in + j] * fixed[j - keep];
        bo[i] = s;
        memcpy(Wo + i * keep, W + i * in, keep * sizeof *Wo);
    }
    /* the layers after the first sit at the same offsets shifted by the
     * first layer's size difference */
    if (net->nlayers > 1)
        memcpy(out->params + out->woff[1], net->params + net->woff[1],
               (net->nparams - net->woff[1]) * sizeof *Wo);
}

size_t gl_mlp_dead_units(const gl_mlp *net, size_t *per_layer)
{
    size_t total = 0, n = net->n;
    for (size_t l = 1; l < net->nlayers; l++) { /* h[l]: the output of hidden layer l */
        size_t dead = 0;
        for (size_t u = 0; u < net->sizes[l]; u++) {
            const double *h = net->h[l] + u * n;
            size_t i = 0;
            while (i < n && h[i] <= 0)
                i++;
            dead += n > 0 && i == n;
        }
        if (per_layer)
            per_layer[l - 1] = dead;
        total += dead;
    }
    return total;
}

size_t gl_mlp_hidden_units(const gl_mlp *net)
{
    size_t u = 0;
    for (size_t l = 1; l < net->nlayers; l++)
        u += net->sizes[l];
    return u;
}
