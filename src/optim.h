/* SPDX-License-Identifier: GPL-3.0-or-later */
/* optim.h — first-order optimisers over a flat parameter buffer (minimisation;
 * the gl_optim type, of a gl_opt_kind).
 *
 *   sgd       p -= lr g
 *   momentum  v = mu v + g;  p -= lr v                        (PyTorch's form)
 *   adam      m = b1 m + (1-b1) g;  v = b2 v + (1-b2) g^2;
 *             p -= lr/(1-b1^t) * m / (sqrt(v)/sqrt(1-b2^t) + eps)   (PyTorch's form)
 *
 * State (m, v) has the parameters' layout; one allocation; step allocates nothing. */
#ifndef GL_OPTIM_H
#define GL_OPTIM_H

#include <stddef.h>

#include "gl.h"

typedef enum { GL_OPT_SGD, GL_OPT_MOMENTUM, GL_OPT_ADAM } gl_opt_kind;

typedef struct {
    gl_opt_kind kind;
    size_t n;
    double lr;
    double beta1;   /* Adam b1, or the momentum mu (default 0.9) */
    double beta2;   /* Adam b2 (default 0.999) */
    double eps;     /* Adam eps (default 1e-8) */
    unsigned long t; /* steps taken */
    double *m, *v;  /* state, n each (v unused by sgd/momentum) */
} gl_optim;

/* lr must be finite and > 0; the defaults above may be changed in the struct
 * before the first step. */
int gl_optim_alloc(gl_optim **out, gl_opt_kind kind, size_t n, double lr, gl_err *err);
void gl_optim_free(gl_optim *opt); /* NULL is a no-op */
void gl_optim_reset(gl_optim *opt); /* zero state and t */
void gl_optim_step(gl_optim *opt, double *params, const double *grads);

int gl_optim_parse(const char *name, gl_opt_kind *kind, gl_err *err); /* "sgd", "momentum", "adam" */

#endif
