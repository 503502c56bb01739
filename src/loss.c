/* SPDX-License-Identifier: GPL-3.0-or-later */
/* loss.c — GAN losses on logits. */
#include "loss.h"

#include <math.h>
#include <string.h>

#include "num.h"

/* With D = sigmoid(a):  -log D = softplus(-a),  -log(1 - D) = softplus(a), so
 *   BCE(a, y) = y softplus(-a) + (1 - y) softplus(a)
 * is exact for every finite logit (a = -800 gives 800, not log(0) = -inf), and
 *   d BCE/da = -y (1 - D) + (1 - y) D = D - y.
 * An empty batch has no mean: NaN, as torch.nn.BCEWithLogitsLoss returns. */
double gl_loss_bce_logits(const double *a, size_t n, double y, double scale, double *da)
{
    if (n == 0)
        return NAN;
    double sum = 0;
    for (size_t i = 0; i < n; i++) {
        /* a term with a zero label weight is skipped, so that an infinite
         * logit on the right side costs 0 rather than 0 * inf = NaN */
        double pos = y != 0 ? y * gl_num_softplus(-a[i]) : 0;
        double neg = y != 1 ? (1.0 - y) * gl_num_softplus(a[i]) : 0;
        sum += pos + neg;
    }
    if (da)
        for (size_t i = 0; i < n; i++)
            da[i] = scale * (gl_num_sigmoid(a[i]) - y) / (double)n;
    return sum / (double)n;
}

double gl_loss_mse_sigmoid(const double *a, size_t n, double y, double scale, double *da)
{
    if (n == 0)
        return NAN;
    double sum = 0;
    for (size_t i = 0; i < n; i++) {
        double d = gl_num_sigmoid(a[i]), e = d - y;
        sum += e * e;
        if (da) /* d(D - y)^2/da = 2 (D - y) D (1 - D): the sigmoid's slope */
            da[i] = scale * 2.0 * e * d * (1.0 - d) / (double)n;
    }
    return sum / (double)n;
}

/* ------------------------------------------------------------------ GAN losses */

static const char *const gan_loss_names[] = {"ns", "minimax", "ls"};
#define NGANLOSS (sizeof gan_loss_names / sizeof gan_loss_names[0])

const char *gl_loss_name(gl_loss_kind loss)
{
    return (unsigned)loss < NGANLOSS ? gan_loss_names[loss] : "unknown";
}

int gl_loss_parse(const char *name, gl_loss_kind *loss, gl_err *err)
{
    if (!name)
        return gl_err_set(err, GL_EINVAL, "GAN loss name is NULL (valid: ns, minimax, ls)");
    for (size_t i = 0; i < NGANLOSS; i++)
        if (strcmp(name, gan_loss_names[i]) == 0) {
            if (loss)
                *loss = (gl_loss_kind)i;
            return GL_OK;
        }
    return gl_err_set(err, GL_EINVAL, "unknown GAN loss '%s' (valid: ns, minimax, ls)", name);
}

/* One exponential per logit serves both softplus and sigmoid: with
 * e = exp(-|a|) and l = log1p(e),
 *   softplus(a)  = a + l (a > 0), l otherwise;   softplus(-a) = -a + l (a < 0), l otherwise;
 *   sigmoid(a)   = 1/(1 + e) (a >= 0), e/(1 + e) otherwise,
 * the same operations on the same operands as gl_num_softplus and gl_num_sigmoid in
 * num.h, so the results agree with them bit for bit (a NaN a gives NaN). */
static inline double sp_pos(double a, double l) /* softplus(a) */
{
    return a > 0 ? a + l : l;
}

static inline double sp_neg(double a, double l) /* softplus(-a) */
{
    return -a > 0 ? -a + l : l;
}

static inline double sig(double a, double e)
{
    return a >= 0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
}

/* sum_i softplus(-a_i) (y = 1) or softplus(a_i) (y = 0), and da_i = scale
 * (sigmoid(a_i) - y)/n: gl_loss_bce_logits for a 0/1 label in one pass. */
static double bce01(const double *a, size_t n, int y, double scale, double *da)
{
    double sum = 0, dn = (double)n;
    for (size_t i = 0; i < n; i++) {
        double e = exp(-fabs(a[i])), l = log1p(e);
        sum += y ? sp_neg(a[i], l) : sp_pos(a[i], l);
        if (da)
            da[i] = scale * (sig(a[i], e) - (double)y) / dn;
    }
    return sum / dn;
}

/* 1/2 sum_i (a_i - c)^2 and da_i = scale (a_i - c)/n. */
static double half_sq(const double *a, size_t n, double c, double scale, double *da)
{
    double sum = 0, dn = (double)n;
    for (size_t i = 0; i < n; i++) {
        double d = a[i] - c;
        sum += d * d;
        if (da)
            da[i] = scale * d / dn;
    }
    return 0.5 * sum / dn;
}

double gl_loss_g(gl_loss_kind loss, const double *a, size_t n, double scale, double *da)
{
    if (n == 0)
        return NAN;
    double dn = (double)n, sum = 0;
    switch (loss) {
    case GL_LOSS_NS: /* mean softplus(-a), d/da = -(1 - sigmoid(a))/n = -sigmoid(-a)/n */
        return bce01(a, n, 1, scale, da);
    case GL_LOSS_MINIMAX: /* -mean softplus(a), d/da = -sigmoid(a)/n */
        for (size_t i = 0; i < n; i++) {
            double e = exp(-fabs(a[i]));
            sum += sp_pos(a[i], log1p(e));
            if (da)
                da[i] = -scale * sig(a[i], e) / dn;
        }
        return -sum / dn;
    case GL_LOSS_LS:
        return half_sq(a, n, 1.0, scale, da);
    }
    return NAN;
}

double gl_loss_d(gl_loss_kind loss, const double *a_real, size_t nr, const double *a_fake,
                 size_t nf, double scale, double *da_real, double *da_fake)
{
    if (nr == 0 || nf == 0)
        return NAN;
    switch (loss) {
    case GL_LOSS_NS:
    case GL_LOSS_MINIMAX:
        return bce01(a_real, nr, 1, scale, da_real) + bce01(a_fake, nf, 0, scale, da_fake);
    case GL_LOSS_LS:
        return half_sq(a_real, nr, 1.0, scale, da_real) + half_sq(a_fake, nf, 0.0, scale, da_fake);
    }
    return NAN;
}

/* da_i = scale (sigmoid(a_i) - y)/n, as bce01 writes it, in two passes: the
 * exponentials (library calls), then the arithmetic over blocks of 8, which
 * GCC vectorises at -O2 (the sigmoid's branch becomes a select of its
 * numerator: the same operands, so the same result). */
static void bce01_grad(const double *restrict a, size_t n, int y, double scale,
                       double *restrict da)
{
    double dn = (double)n, dy = (double)y;
    for (size_t i = 0; i < n; i++)
        da[i] = exp(-fabs(a[i]));
    size_t i = 0;
    for (; i + 8 <= n; i += 8)
        for (int k = 0; k < 8; k++) {
            double e = da[i + k], num = a[i + k] >= 0 ? 1.0 : e;
            da[i + k] = scale * (num / (1.0 + e) - dy) / dn;
        }
    for (; i < n; i++)
        da[i] = scale * (sig(a[i], da[i]) - dy) / dn;
}

static void half_sq_grad(const double *a, size_t n, double c, double scale, double *da)
{
    double dn = (double)n;
    for (size_t i = 0; i < n; i++)
        da[i] = scale * (a[i] - c) / dn;
}

void gl_loss_g_grad(gl_loss_kind loss, const double *a, size_t n, double scale, double *da)
{
    if (n == 0)
        return;
    double dn = (double)n;
    switch (loss) {
    case GL_LOSS_NS:
        bce01_grad(a, n, 1, scale, da);
        break;
    case GL_LOSS_MINIMAX:
        for (size_t i = 0; i < n; i++)
            da[i] = -scale * sig(a[i], exp(-fabs(a[i]))) / dn;
        break;
    case GL_LOSS_LS:
        half_sq_grad(a, n, 1.0, scale, da);
        break;
    }
}

void gl_loss_d_grad(gl_loss_kind loss, const double *a_real, size_t nr, const double *a_fake,
                    size_t nf, double scale, double *da_real, double *da_fake)
{
    if (nr == 0 || nf == 0)
        return;
    switch (loss) {
    case GL_LOSS_NS:
    case GL_LOSS_MINIMAX:
        bce01_grad(a_real, nr, 1, scale, da_real);
        bce01_grad(a_fake, nf, 0, scale, da_fake);
        break;
    case GL_LOSS_LS:
        half_sq_grad(a_real, nr, 1.0, scale, da_real);
        half_sq_grad(a_fake, nf, 0.0, scale, da_fake);
        break;
    }
}
