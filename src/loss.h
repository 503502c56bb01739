/* loss.h — GAN losses written on logits, so that no log(sigmoid(.)) underflows.
 *
 * With D = sigmoid(a):  -log D = softplus(-a),  -log(1-D) = softplus(a),
 * d softplus(-a)/da = -(1-D),  d softplus(a)/da = D. */
#ifndef GL_LOSS_H
#define GL_LOSS_H

#include <stddef.h>

/* Binary cross-entropy of n logits against one label y in {0,1}:
 *   returns (1/n) sum_i [ y softplus(-a_i) + (1-y) softplus(a_i) ]
 * and, if da != NULL, writes da[i] = scale * (sigmoid(a_i) - y) / n, the
 * gradient of scale times that mean. */
double gl_loss_bce_logits(const double *a, size_t n, double y, double scale, double *da);

#endif
