/* loss.c — GAN losses on logits. */
#include "loss.h"

#include <math.h>

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
        double pos = y != 0 ? y * gl_softplus(-a[i]) : 0;
        double neg = y != 1 ? (1.0 - y) * gl_softplus(a[i]) : 0;
        sum += pos + neg;
    }
    if (da)
        for (size_t i = 0; i < n; i++)
            da[i] = scale * (gl_sigmoid(a[i]) - y) / (double)n;
    return sum / (double)n;
}
