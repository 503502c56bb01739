/* SPDX-License-Identifier: GPL-3.0-or-later */
/* loss.h — GAN losses written on logits, so that no log(sigmoid(.)) underflows
 * (which loss: the gl_loss_kind type).
 *
 * With D = sigmoid(a):  -log D = softplus(-a),  -log(1-D) = softplus(a),
 * d softplus(-a)/da = -(1-D),  d softplus(a)/da = D. */
#ifndef GL_LOSS_H
#define GL_LOSS_H

#include <stddef.h>

#include "gl.h"

/* Binary cross-entropy of n logits against one label y in {0,1}:
 *   returns (1/n) sum_i [ y softplus(-a_i) + (1-y) softplus(a_i) ]
 * and, if da != NULL, writes da[i] = scale * (sigmoid(a_i) - y) / n, the
 * gradient of scale times that mean. */
double gl_loss_bce_logits(const double *a, size_t n, double y, double scale, double *da);

/* The squared error of D = sigmoid(a) against one label y in {0,1} (the MSE
 * of the EE698R notes, eqs. 5-6, on a sigmoid output):
 *   returns (1/n) sum_i (sigmoid(a_i) - y)^2
 * and, if da != NULL, da[i] = scale * 2 (D_i - y) D_i (1 - D_i) / n: the
 * sigmoid's slope D (1 - D) multiplies the error, so the gradient vanishes
 * where D saturates, on the wrong side as on the right one. */
double gl_loss_mse_sigmoid(const double *a, size_t n, double y, double scale, double *da);

/* The GAN objectives of Algorithm 1, on the discriminator's output a:
 *
 *   GL_LOSS_MINIMAX  (Goodfellow et al. 2014, the game's own value; "saturating")
 *       L_D = mean_real softplus(-a) + mean_fake softplus(a)        (BCE, 1 vs 0)
 *       L_G = mean log(1 - D) = -mean softplus(a),     dL_G/da_i = -sigmoid(a_i)/n
 *   GL_LOSS_NS  (the same paper's non-saturating generator loss)
 *       L_D as for minimax
 *       L_G = -mean log D = mean softplus(-a),          dL_G/da_i = -(1 - sigmoid(a_i))/n
 *   GL_LOSS_LS  (least squares, Mao et al. 2017, targets a = 1 real, 0 fake;
 *                a is D's raw linear output, read as a score, not a logit)
 *       L_D = 1/2 mean_real (a - 1)^2 + 1/2 mean_fake a^2,
 *       L_G = 1/2 mean (a - 1)^2,                       dL_G/da_i = (a_i - 1)/n
 *
 * Minimax saturates: when D confidently rejects the fakes (a << 0) its
 * gradient -sigmoid(a)/n vanishes, while the non-saturating one tends to -1/n. */
typedef enum { GL_LOSS_NS, GL_LOSS_MINIMAX, GL_LOSS_LS } gl_loss_kind;

/* "ns", "minimax", "ls"; "unknown" for a code outside the enum. */
const char *gl_loss_name(gl_loss_kind loss);
int gl_loss_parse(const char *name, gl_loss_kind *loss, gl_err *err);

/* The generator's loss L_G of n outputs a of D on fake samples (the mean
 * above); if da != NULL writes da[i] = scale * dL_G/da_i. NaN for n = 0 or an
 * unknown loss. */
double gl_loss_g(gl_loss_kind loss, const double *a, size_t n, double scale, double *da);

/* The discriminator's loss L_D on nr outputs a_real for real samples and nf
 * outputs a_fake for fake ones (the sum of the two means above); if da_real /
 * da_fake are non-NULL writes scale * dL_D/da into them. NaN if nr or nf is 0
 * or the loss is unknown. For NS and minimax this is
 * gl_loss_bce_logits(a_real, nr, 1, ..) + gl_loss_bce_logits(a_fake, nf, 0, ..)
 * bit for bit. */
double gl_loss_d(gl_loss_kind loss, const double *a_real, size_t nr, const double *a_fake,
                 size_t nf, double scale, double *da_real, double *da_fake);

/* The same gradients without the values: gl_loss_g_grad writes exactly the
 * da of gl_loss_g, gl_loss_d_grad exactly the da_real, da_fake of gl_loss_d
 * (bit for bit), skipping the logarithms the values need; a training loop
 * that only logs the loss now and then calls these in between. For
 * n, nr or nf = 0, or an unknown loss, nothing is written. */
void gl_loss_g_grad(gl_loss_kind loss, const double *a, size_t n, double scale, double *da);
void gl_loss_d_grad(gl_loss_kind loss, const double *a_real, size_t nr, const double *a_fake,
                    size_t nf, double scale, double *da_real, double *da_fake);

#endif
