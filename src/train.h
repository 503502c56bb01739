/* SPDX-License-Identifier: GPL-3.0-or-later */
/* train.h — training loops over flat buffers: gl_train_d (configured by
 * gl_train_d_cfg) and the GAN workspace type gl_gan (gl_gan_*, configured by
 * gl_gan_cfg, reporting gl_gan_stats; gl_update is its update order).
 *
 * gl_train_d: the inner loop of Algorithm 1 of Goodfellow et al. (2014) with
 * the generator held fixed: ascend E_p[log D] + E_g[log(1-D)], i.e. descend the
 * binary cross-entropy with p_data samples labelled 1 and p_g samples labelled
 * 0, on fresh minibatches each step. The real and fake halves go through the
 * network as one batch of 2*batch. */
#ifndef GL_TRAIN_H
#define GL_TRAIN_H

#include <stddef.h>
#include <gsl/gsl_rng.h>

#include "gen.h"
#include "gl.h"
#include "loss.h"
#include "mix.h"
#include "mlp.h"
#include "optim.h"
#include "sched.h"

typedef struct {
    size_t steps;      /* optimiser steps, >= 1 (default 1000) */
    size_t batch;      /* samples from each of P and G per step, >= 1 (default 256) */
    double lr;         /* base learning rate, finite and > 0 (default 0.005) */
    gl_sched sched;    /* lr at step t = lr * gl_sched_factor(sched, t, steps) (default constant) */
    size_t log_every;  /* call hook every log_every steps (0: never; the default) */
    /* hook(ctx, step, loss): loss is the minibatch BCE at that step;
     * return non-zero to stop early. */
    int (*hook)(void *ctx, size_t step, double loss);
    void *hook_ctx;
    /* A conditional discriminator D(x | y) on ncond = L labels (0: none, the
     * default): a sample's label is the group of its component, components
     * y g .. y g + g - 1 with g = n / L for each of P and G (both must have a
     * multiple of L components), and D reads (x, onehot(y)), dim + L inputs.
     * The fake rows' labels come from G's components, so that G's label
     * weights should be P's. */
    size_t ncond;
    /* 0: BCE, the default; 1: the squared error E_p[(1 - D)^2] + E_g[D^2] of
     * D = sigmoid(a) (gl_loss_mse_sigmoid), whose pointwise minimiser is
     * D* = p/(p+g) too; final_loss and the hook's loss are then that. */
    int mse;
} gl_train_d_cfg;

gl_train_d_cfg gl_train_d_cfg_default(void);

/* Trains D (one output, a logit) in place with opt (sized for D's params).
 * D->maxbatch must be >= 2*batch. A non-finite loss stops training with
 * GL_EDIVERGE naming the step; D then holds the last parameters. */
int gl_train_d(gl_mlp *D, gl_optim *opt, const gl_mix *P, const gl_mix *G,
               const gsl_rng *r, const gl_train_d_cfg *cfg, double *final_loss, gl_err *err);


/* ------------------------------------------------------------------------
 * gl_gan: Algorithm 1 of Goodfellow et al. (2014), minibatch stochastic
 * gradient training of a generator G (noise z -> sample x) against a
 * discriminator D (x -> one output a; a logit for NS/minimax, a score for LS).
 *
 * One step of gl_gan_train = k D-steps, then one G-step:
 *   D-step: batch real rows x ~ p_data and batch fake rows G(z), z ~ p_z, through
 *           D as ONE batch of 2*batch; descend L_D (loss.h) with od.
 *   G-step: fresh z ~ p_z; x = G(z); a = D(x); dL_G/da (loss.h); back through D
 *           to dL_G/dx without touching D's gradients; back through G; descend
 *           L_G with og.
 * GL_UPDATE_ALT (alternating, the paper's): each D-step uses the current G and
 * the G-step uses the D the D-steps just updated. GL_UPDATE_SIM (simultaneous;
 * k must be 1): both gradients are taken at the same (G, D), then both applied.
 * The draws are the same in both modes (real rows, D-step z, G-step z, in that
 * order), so ALT and SIM differ only in the order of the updates.
 *
 * Batch-normalised networks (bn.h) run their training passes with batch
 * statistics: the D-step's 2*batch rows as two groups (real and fake each by
 * its own statistics, as two calls of a DCGAN implementation), the G-step's
 * fake rows as one; a frozen G (freeze_g) leaves its running averages alone.
 * Between steps (hooks) and after gl_gan_train both are in evaluation mode.
 * R1 and packing are refused with a normalised D.
 *
 * The workspace holds every buffer; gl_gan_train allocates nothing. One seed
 * reproduces a run bit for bit. */

typedef enum { GL_UPDATE_ALT, GL_UPDATE_SIM } gl_update;

/* Minibatch statistics of one step t (1-based count of G-steps since
 * gl_gan_alloc), from its last D-step (before D's update) and its G-step:
 *   loss_d        L_D on the D-step's 2*batch rows
 *   loss_g        L_G on the G-step's batch
 *   D_real/D_fake mean D on the D-step's real/fake rows: sigmoid(a) for NS and
 *                 minimax, the raw score a for LS
 *   acc           fraction of the 2*batch rows D classifies right: real if
 *                 a > 0 (D > 1/2), for LS if a > 1/2 (nearer target 1 than 0) */
typedef struct {
    size_t step;
    double loss_d, loss_g, D_real, D_fake, acc;
} gl_gan_stats;

typedef struct {
    size_t steps;      /* G-steps per call of gl_gan_train, >= 1 (default 5000) */
    size_t batch;      /* samples from each of p_data and p_g per step, >= 1 (default 128) */
    size_t k;          /* D-steps per G-step, >= 1 (1 for GL_UPDATE_SIM; default 1) */
    gl_loss_kind loss;  /* default GL_LOSS_NS */
    gl_update update;  /* default GL_UPDATE_ALT */
    gl_noise noise;    /* z ~ N(0, I) (GSL's ziggurat; the default) or U(-1, 1)^zdim */
    size_t zdim;       /* == G's number of inputs (default 1) */
    double lr_d, lr_g; /* base rates, finite, > 0 (default 1e-3 both) */
    /* the rates of step t (counted from gl_gan_alloc) are lr_d and lr_g times
     * gl_sched_factor(&sched, t, steps), written into od->lr and og->lr
     * before the step (default constant) */
    gl_sched sched;
    size_t log_every;  /* call hook after every log_every-th step (0: never; the default) */
    /* return non-zero to stop training (gl_gan_train then returns GL_OK) */
    int (*hook)(void *ctx, const gl_gan_stats *s);
    void *hook_ctx;
    /* R1 gradient penalty (Mescheder, Geiger & Nowozin 2018), >= 0, 0 = none:
     * every D-step adds (r1/2) mean_real |grad_x a|^2 (a = D's output, the
     * logit; over the real packed rows with pack) to L_D, so D is pushed to be flat on the data; exact gradient
     * (gl_mlp_penalty). loss_d in the statistics stays the plain L_D. */
    double r1;
    /* PacGAN packing (Lin et al. 2018): m = pack >= 2 (0 or 1: none; batch
     * must be a multiple of m). D sees m samples concatenated, input m*data_dim:
     * the row-major batch [batch x data_dim] is read, without a copy, as
     * [batch/m x m*data_dim], consecutive samples forming a pack (real packs
     * and fake packs alike); L_D and L_G are means over the batch/m packed
     * rows, and the G-step's dL_G/dx comes back through the same view. The
     * statistics (gl_gan_stats) are then over packed rows. */
    size_t pack;
    /* Instance noise on the real samples (Sonderby et al. 2017; Arjovsky &
     * Bottou 2017): every D-step adds N(0, s^2) to each coordinate of its real
     * rows, s = real_noise (1 - t / (real_noise_until steps)) at step t and 0
     * from then on: the data are blurred at first, so that D cannot separate
     * them from a generator that has not reached them yet, and sharp for the
     * second part of training. >= 0 (default 0: none); real_noise_until is a
     * fraction of steps in (0, 1] (default 0.5). */
    double real_noise, real_noise_until;
    /* A control (ganlab exp --untrained): non-zero skips every update of G,
     * which stays at its initialisation while D trains as usual against it;
     * G's gradient and loss are still formed (default 0). */
    int freeze_g;
    /* Conditioning (Mirza & Osindero 2014): ncond = L >= 1 labels (0: none,
     * the default). A real sample's label y is the group of its mixture
     * component: components y g .. y g + g - 1, g = K / L for data of K
     * components (K must be a multiple of L; L = K: the label is the
     * component); a fake sample's label is drawn from the same label
     * weights. G reads (z, onehot(y)): zdim + L inputs; D reads
     * (x, onehot(y)): data_dim + L inputs, on the real rows and on the fake
     * ones alike. Not with pack or r1. */
    size_t ncond;
    /* Data from a file (data.h): non-NULL, every D-step draws its real rows
     * uniformly, with replacement, from these nrows rows (data_dim columns
     * each, row-major; gl_data_sample) instead of sampling the data
     * mixture, which stays the exact side (the file's KDE) and gives the
     * dimension. Not copied: they must outlive the workspace (default NULL). */
    const double *rows;
    size_t nrows;
} gl_gan_cfg;

/* The configuration above with every default; set fields by name:
 *   gl_gan_cfg c = gl_gan_cfg_default(); c.steps = 30000; c.pack = 2; */
gl_gan_cfg gl_gan_cfg_default(void);

typedef struct gl_gan gl_gan; /* opaque workspace */

/* A workspace training G against D with optimisers og (over G's parameters)
 * and od (over D's) on data_dim-dimensional data. Checks the shapes: G maps
 * zdim (+ ncond) -> data_dim with maxbatch >= batch, D maps m*data_dim
 * (data_dim + ncond with conditioning) -> 1 with
 * maxbatch >= 2*batch/m (m = pack, 1 without packing); and the configuration. Keeps pointers to G, D, og, od (not
 * copies) and a copy of *cfg. */
int gl_gan_alloc(gl_gan **out, gl_mlp *G, gl_mlp *D, gl_optim *og, gl_optim *od,
                 const gl_gan_cfg *cfg, size_t data_dim, gl_err *err);
void gl_gan_free(gl_gan *w); /* NULL is a no-op */

/* Runs cfg->steps steps on data (data->dim == data_dim), calling the hook
 * after every log_every-th. Divergence guard: a non-finite output of G or of
 * D on any batch, loss (where computed: logged and last steps; elsewhere
 * only the gradient is formed, and a finite output has a finite gradient) or
 * parameter after any update stops training with GL_EDIVERGE and a message
 * naming the step and the quantity; the hook has seen every logged step
 * before it, and G, D hold the parameters of the moment it was detected.
 * Statistics (gl_gan_last) are formed at the logged steps and at the last
 * step of the call. A further call continues the count of steps. */
int gl_gan_train(gl_gan *w, const gl_mix *data, const gsl_rng *r, gl_err *err);

/* gl_gan_train for n steps instead of cfg->steps (the schedule still spans
 * cfg->steps; statistics are formed at the logged steps and the last of the
 * n): step mode and the live view run a training in pieces this way, and
 * the pieces together draw and compute exactly what one call would. */
int gl_gan_train_steps(gl_gan *w, const gl_mix *data, const gsl_rng *r, size_t n, gl_err *err);

/* Half a step each, for step mode: gl_gan_step_d is one D-step (with the
 * rates of the next step, applied at once even for GL_UPDATE_SIM), the
 * step count unchanged, and sets loss_d, D_real, D_fake and acc of
 * gl_gan_last; gl_gan_step_g is one G-step against the current D, which
 * completes a step (the count advances) and sets loss_g. The same draws, in
 * the same order, as the D-step and the G-step of gl_gan_train. */
int gl_gan_step_d(gl_gan *w, const gl_mix *data, const gsl_rng *r, gl_err *err);
int gl_gan_step_g(gl_gan *w, const gl_mix *data, const gsl_rng *r, gl_err *err);

/* Where the G-step pushes the fakes: for a noise batch z [batch x zdim],
 * x = G(z) [batch x data_dim] and dx = dL_G/dx at those x [batch x data_dim]
 * (L_G the mean over the batch, so the direction of a sample's update is
 * -dx). Touches no parameter and no gradient; overwrites the networks'
 * stored activations. */
void gl_gan_push(gl_gan *w, const double *z, double *x, double *dx);

/* The statistics of the latest step that formed them: the last step of the
 * latest call, or the step at which a hook stopped it (step 0 and NaNs
 * before any). */
const gl_gan_stats *gl_gan_last(const gl_gan *w);

/* The G-step's gradient on a given noise batch z [batch x zdim] (with
 * conditioning, G's whole input [batch x (zdim + ncond)]: each row's noise,
 * then its label one-hot, which D reads too), without any
 * update: overwrites G->grads with dL_G/dtheta_G and returns L_G; D's
 * parameters and gradients are untouched (its stored activations are not).
 * gl_gan_train's G-step is this, then og's step. */
double gl_gan_grad_g(gl_gan *w, const double *z);

#endif
