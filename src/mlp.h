/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mlp.h — small dense networks over one flat parameter buffer.
 *
 * Layer l (0-based, l < nlayers) maps sizes[l] inputs to sizes[l+1] outputs:
 *   z = W_l h + b_l,  h' = act(z)  (hidden layers),  y = z  (last layer: linear,
 *   a logit for a discriminator).
 * params holds, layer after layer, W_l row-major (sizes[l+1] x sizes[l]) then b_l;
 * grads has the same layout, so an optimiser is one loop over nparams.
 *
 * Activations are kept feature-major, h_l[unit*n + sample], so the inner loops
 * run over the batch and vectorise. Inputs and outputs at the API are
 * sample-major: x[i*in + j], y[i*out + k].
 *
 * One allocation per network; forward/backward allocate nothing. The
 * activation type gl_act (gl_act_name, gl_act_parse) and the hidden-layer list
 * gl_mlp_hidden live here too. */
#ifndef GL_MLP_H
#define GL_MLP_H

#include <stddef.h>
#include <gsl/gsl_rng.h>

#include "gl.h"

#define GL_MLP_MAXLAYERS 8

typedef enum {
    GL_ACT_LINEAR, GL_ACT_TANH, GL_ACT_SIGMOID, GL_ACT_RELU, GL_ACT_LEAKY
} gl_act;

/* What batch normalisation (bn.h) does in a forward pass: EVAL normalises
 * with the running averages (the net is then an ordinary function); TRAIN
 * with the statistics of the batch, updating the running averages; BATCH
 * with the batch's statistics, leaving the running averages alone. */
typedef enum { GL_MLP_EVAL, GL_MLP_TRAIN, GL_MLP_BATCH } gl_mlp_mode;

#define GL_MLP_MAXGROUPS 8

/* Options of gl_mlp_alloc_opts, set by field name on gl_mlp_opts_default():
 *   norm    1: batch normalisation of every hidden layer's pre-activation
 *           (not of the output layer; not of the first norm_skip hidden
 *           layers), gamma and beta learned (default 0)
 *   outact  the output layer's activation: linear (the default) or tanh */
typedef struct {
    int norm;
    size_t norm_skip; /* with norm: the first norm_skip hidden layers are not normalised
                       * (1 for a discriminator, whose first layer reads the input:
                       * the DCGAN guideline; default 0) */
    gl_act outact;
} gl_mlp_opts;

gl_mlp_opts gl_mlp_opts_default(void);

typedef struct {
    size_t nlayers;                       /* weight layers */
    size_t sizes[GL_MLP_MAXLAYERS + 1];   /* sizes[0] inputs ... sizes[nlayers] outputs */
    gl_act act;                           /* hidden activation */
    double leak;                          /* slope for x < 0 when act == GL_ACT_LEAKY */
    size_t nparams;
    size_t maxbatch;
    size_t woff[GL_MLP_MAXLAYERS];        /* offset of W_l in params */
    size_t boff[GL_MLP_MAXLAYERS];        /* offset of b_l in params */
    double *params;                       /* nparams */
    double *grads;                        /* nparams, accumulated by backward */
    double *h[GL_MLP_MAXLAYERS + 1];      /* layer outputs of the last forward, feature-major */
    double *delta[2];                     /* backward scratch, max width x maxbatch each */
    double *kws;                          /* the dense kernels' scratch (kern.h) */
    size_t n;                             /* batch size of the last forward */
    gl_act outact;                        /* output activation (linear or tanh) */
    /* batch normalisation (bn.h), if norm: hidden layer l < nlayers-1 maps
     * z = W h + b to gamma * (z - mu) / sqrt(var + eps) + beta before act */
    int norm;
    size_t bn_skip;                       /* hidden layers l < bn_skip are not normalised */
    gl_mlp_mode mode;                     /* default GL_MLP_EVAL */
    size_t groups;                        /* TRAIN/BATCH: the batch is normalised in this
                                           * many consecutive groups (1..GL_MLP_MAXGROUPS) */
    double bn_eps, bn_momentum;           /* 1e-5 and 0.1, PyTorch's defaults */
    size_t nparams_dense;                 /* the W_l, b_l; gamma_l, beta_l come after */
    size_t goff[GL_MLP_MAXLAYERS];        /* offset of gamma_l in params; beta_l follows */
    double *run_mean[GL_MLP_MAXLAYERS], *run_var[GL_MLP_MAXLAYERS];
    double *xhat[GL_MLP_MAXLAYERS];       /* normalised pre-activations, out x maxbatch */
    double *istd[GL_MLP_MAXLAYERS];       /* 1/sqrt(var + eps), out x GL_MLP_MAXGROUPS */
    size_t bn_last_groups;                /* groups of the last forward, 0 for EVAL */
} gl_mlp;

/* A network with the given layer sizes (nlayers+1 entries), hidden activation
 * and batch capacity; parameters zero until gl_mlp_init. */
int gl_mlp_alloc(gl_mlp **out, size_t nlayers, const size_t *sizes, gl_act act,
                 double leak, size_t maxbatch, gl_err *err);
void gl_mlp_free(gl_mlp *net); /* NULL is a no-op */
/* gl_mlp_alloc with options (NULL: the defaults); parameters gain gamma_l,
 * beta_l (nparams counts them) with norm. */
int gl_mlp_alloc_opts(gl_mlp **out, size_t nlayers, const size_t *sizes, gl_act act,
                      double leak, size_t maxbatch, const gl_mlp_opts *opts, gl_err *err);

/* Glorot-uniform weights for tanh/sigmoid/linear, He-normal (with the leaky
 * gain sqrt(2/(1+leak^2))) for relu/leaky; zero biases; with norm, gamma 1,
 * beta 0 and the running averages at mean 0, variance 1. */
void gl_mlp_init(gl_mlp *net, const gsl_rng *r);

/* y[n x out] = net(x[n x in]); 1 <= n <= maxbatch. Keeps the activations for
 * gl_mlp_backward. */
void gl_mlp_forward(gl_mlp *net, const double *x, size_t n, double *y);

/* Backpropagates dy = dL/dy [n x out] through the last forward pass:
 * if param_grads, ADDS dL/dparams into net->grads; if dx != NULL, writes
 * dL/dx [n x in] (the gradient a generator needs from its discriminator). */
void gl_mlp_backward(gl_mlp *net, const double *dy, double *dx, int param_grads);

void gl_mlp_zero_grad(gl_mlp *net);

/* A network with one input and one output on one sample: returns y = net(x)
 * and, if dydx is not NULL, stores dy/dx there -- bit for bit the results of
 * gl_mlp_forward and of gl_mlp_backward with dy = 1 on a batch of 1, at a
 * fraction of their cost (with norm: of those in GL_MLP_EVAL mode, whatever
 * net->mode). Leaves the activations of that forward pass. */
double gl_mlp_eval1(gl_mlp *net, double x, double *dydx);

/* The input-gradient penalty of a network with one output y, on the first m
 * samples of the last forward pass (1 <= m <= its batch):
 *   P = sum_{s<m} |grad_x y(x_s)|^2,
 * the quantity behind the R1 penalty of Mescheder, Geiger & Nowozin (2018),
 * (gamma/2) E_data |grad_x D|^2 with D the logit. ADDS scale * dP/dparams into
 * net->grads and returns P (0 when m or the last batch is 0, or the network
 * has more than one output). Exact (double backpropagation): tangents of the
 * forward pass along each input direction, then reverse mode through both
 * the activations and their tangents, using act'' for tanh and sigmoid
 * (0 for linear and the (leaky) ReLU, away from the corner). The stored
 * activations are read, not changed, so gl_mlp_backward may come before or
 * after. ws: gl_mlp_penalty_wsize(net) doubles, allocated by the caller.
 * NaN for a batch-normalised network or one with an output activation (not
 * supported: callers refuse the combination). */
size_t gl_mlp_penalty_wsize(const gl_mlp *net);
double gl_mlp_penalty(gl_mlp *net, size_t m, double scale, double *ws);

/* The network with only the first keep inputs of net (1 <= keep < its
 * inputs), the others held at values: out(x) = net(x, fixed). The
 * conditional generator G(z | y) or discriminator D(x | y) for one label y
 * (fixed = onehot(y)) as a network of z (or x) alone, for the exact side
 * (gen.h, metrics.h). gl_mlp_alloc_restricted allocates out with
 * net's shape but keep inputs and batch capacity maxbatch; gl_mlp_restrict
 * overwrites out's parameters: the first layer's weights on the kept inputs,
 * its biases b + W_fixed fixed, every other layer as it is in net. Allocates
 * nothing. */
int gl_mlp_alloc_restricted(gl_mlp **out, const gl_mlp *net, size_t keep, size_t maxbatch,
                            gl_err *err);
void gl_mlp_restrict(const gl_mlp *net, const double *fixed, gl_mlp *out);

/* Dead units after a forward pass: hidden units whose output is <= 0 on
 * every sample of that batch, i.e. whose pre-activation is never positive.
 * For a ReLU network such a unit outputs 0 and passes no gradient on any of
 * those inputs; for a leaky one it sits on its negative slope (its output and
 * gradient scaled by leak, not zero); for tanh and sigmoid, whose output is
 * negative or positive alike, the count means "never positive" (tanh) or is
 * 0 (sigmoid). Returns the count over all hidden layers; per_layer (NULL, or
 * nlayers - 1 entries) gets each layer's. */
size_t gl_mlp_dead_units(const gl_mlp *net, size_t *per_layer);
/* The number of hidden units. */
size_t gl_mlp_hidden_units(const gl_mlp *net);

/* "linear", "tanh", "sigmoid", "relu", "leaky". */
const char *gl_act_name(gl_act act);
int gl_act_parse(const char *name, gl_act *act, gl_err *err);

/* The hidden layer widths of a network (the gl_mlp_hidden type), e.g. 32,32:
 * at most GL_MLP_MAXLAYERS - 1 of them, each 1..4096. */
#define GL_MLP_MAXHIDDEN (GL_MLP_MAXLAYERS - 1)
#define GL_MLP_MAXWIDTH 4096
typedef struct {
    size_t n;
    size_t v[GL_MLP_MAXHIDDEN];
} gl_mlp_hidden;

/* "32,32" -> {2, {32, 32}}; GL_EINVAL naming the column of a bad entry. */
int gl_mlp_hidden_parse(const char *text, gl_mlp_hidden *h, gl_err *err);
/* "in-32-32-out" into buf (n bytes). */
void gl_mlp_hidden_text(size_t in, const gl_mlp_hidden *h, size_t out, char *buf, size_t n);
/* gl_mlp_alloc for in -> h -> out. */
int gl_mlp_alloc_hidden(gl_mlp **net, size_t in, const gl_mlp_hidden *h, size_t out, gl_act act,
                        double leak, size_t maxbatch, gl_err *err);
int gl_mlp_alloc_hidden_opts(gl_mlp **net, size_t in, const gl_mlp_hidden *h, size_t out,
                             gl_act act, double leak, size_t maxbatch, const gl_mlp_opts *opts,
                             gl_err *err);

#endif
