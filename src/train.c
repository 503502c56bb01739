/* SPDX-License-Identifier: GPL-3.0-or-later */
/* train.c — the training loops: the discriminator alone (gl_train_d) and the
 * GAN of Algorithm 1 (gl_gan_*). */
#include "train.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>


#include "bn.h"
#include "data.h"
#include "loss.h"
#include "num.h"

gl_train_d_cfg gl_train_d_cfg_default(void)
{
    gl_train_d_cfg c;
    memset(&c, 0, sizeof c);
    c.steps = 1000;
    c.batch = 256;
    c.lr = 0.005;
    c.sched = gl_sched_default();
    c.log_every = 0;
    c.hook = NULL;
    c.hook_ctx = NULL;
    c.ncond = 0;
    c.mse = 0;
    return c;
}

/* The conditional rows: x[0..2B-1] with their components comp[], as
 * (x, onehot(group)) rows of xc; groups of gp (the first B, real) and gq
 * (the last B, fake) components. */
static void d_cond_rows(const double *x, const size_t *comp, size_t B, size_t dim, size_t L,
                        size_t gp, size_t gq, double *xc)
{
    for (size_t i = 0; i < 2 * B; i++) {
        double *row = xc + i * (dim + L);
        memcpy(row, x + i * dim, dim * sizeof *row);
        memset(row + dim, 0, L * sizeof *row);
        row[dim + comp[i] / (i < B ? gp : gq)] = 1;
    }
}

int gl_train_d(gl_mlp *D, gl_optim *opt, const gl_mix *P, const gl_mix *G,
               const gsl_rng *r, const gl_train_d_cfg *cfg, double *final_loss, gl_err *err)
{
    size_t B = cfg->batch, dim = (size_t)P->dim;
    if (P->dim != G->dim)
        return gl_err_set(err, GL_EINVAL, "p_data is %d-D but p_g is %d-D", P->dim, G->dim);
    size_t L = cfg->ncond;
    if (D->sizes[0] != dim + L || D->sizes[D->nlayers] != 1)
        return gl_err_set(err, GL_EINVAL, "discriminator must map %zu inputs to 1 logit", dim + L);
    if (L && (P->n % L || G->n % L))
        return gl_err_set(err, GL_EINVAL, "%zu labels need mixtures whose components (%zu, %zu) "
                          "fall into %zu equal groups", L, P->n, G->n, L);
    if (cfg->steps == 0 || B == 0)
        return gl_err_set(err, GL_EINVAL, "steps and batch must be >= 1");
    if (2 * B > D->maxbatch)
        return gl_err_set(err, GL_EINVAL, "batch %zu needs a network built for %zu", B, 2 * B);
    if (!(cfg->lr > 0) || !isfinite(cfg->lr))
        return gl_err_set(err, GL_EINVAL, "learning rate %g must be finite and > 0", cfg->lr);
    int s = gl_sched_check(&cfg->sched, err);
    if (s)
        return s;
    if (opt->n != D->nparams)
        return gl_err_set(err, GL_EINVAL, "optimiser has %zu parameters, network %zu", opt->n, D->nparams);

    /* one allocation, before the loop: inputs, logits, dL/dlogit */
    /* with labels also: the rows (x, onehot(y)), the components */
    size_t nc = L ? 2 * B * (dim + L) + (2 * B * sizeof(size_t) + 7) / 8 : 0;
    double *mem = malloc((2 * B * dim + 4 * B + nc) * sizeof *mem);
    if (!mem)
        return gl_err_set(err, GL_ENOMEM, "out of memory for a batch of %zu", B);
    double *x = mem, *a = x + 2 * B * dim, *da = a + 2 * B, *xc = da + 2 * B;
    size_t *comp = L ? (size_t *)(void *)(xc + 2 * B * (dim + L)) : NULL;
    double loss = NAN;
    for (size_t t = 0; t < cfg->steps; t++) {
        gl_bn_set(D, GL_MLP_TRAIN, 2); /* batch norm: each half by its own statistics */
        if (L) {
            gl_mix_sample_comp(P, r, B, x, comp);
            gl_mix_sample_comp(G, r, B, x + B * dim, comp + B);
            d_cond_rows(x, comp, B, dim, L, P->n / L, G->n / L, xc);
            gl_mlp_forward(D, xc, 2 * B, a);
        } else {
            gl_mix_sample(P, r, B, x);           /* rows 0..B-1: real, label 1 */
            gl_mix_sample(G, r, B, x + B * dim); /* rows B..2B-1: fake, label 0 */
            gl_mlp_forward(D, x, 2 * B, a);
        }
        gl_bn_set(D, GL_MLP_EVAL, 1);
        if (cfg->mse)
            loss = gl_loss_mse_sigmoid(a, B, 1.0, 1.0, da) +
                   gl_loss_mse_sigmoid(a + B, B, 0.0, 1.0, da + B);
        else
            loss = gl_loss_bce_logits(a, B, 1.0, 1.0, da) +
                   gl_loss_bce_logits(a + B, B, 0.0, 1.0, da + B);
        if (!isfinite(loss)) {
            s = gl_err_set(err, GL_EDIVERGE, "discriminator loss is %g at step %zu", loss, t);
            break;
        }
        gl_mlp_zero_grad(D);
        gl_mlp_backward(D, da, NULL, 1);
        opt->lr = cfg->lr * gl_sched_factor(&cfg->sched, t, cfg->steps);
        gl_optim_step(opt, D->params, D->grads);
        if (cfg->hook && cfg->log_every && (t + 1) % cfg->log_every == 0 &&
            cfg->hook(cfg->hook_ctx, t + 1, loss))
            break;
    }
    free(mem);
    if (final_loss)
        *final_loss = loss;
    return s;
}

/* ------------------------------------------------------------------------ */
/* The GAN: Algorithm 1 */

struct gl_gan {
    gl_mlp *G, *D;
    gl_optim *og, *od;
    gl_gan_cfg cfg;
    size_t dim;         /* data dimension */
    size_t m, rows;     /* samples per packed row of D (1: no packing); batch / m */
    size_t t;           /* steps completed since alloc */
    gl_gan_stats last;
    /* buffers, batch B: */
    double *xd;         /* D-step input, 2B x dim: real rows, then fake rows */
    double *ad, *dad;   /* D-step outputs and dL_D/da, 2B each */
    double *z;          /* noise, B x zdim */
    double *xg;         /* G-step samples G(z), B x dim */
    double *ag, *dag;   /* G-step outputs of D and dL_G/da, B each */
    double *dx;         /* dL_G/dx, B x dim */
    double *pen;        /* gl_mlp_penalty's workspace (r1 > 0), else NULL */
    /* conditioning (ncond = L > 0), else NULL: */
    double *xc;         /* D-step input, 2B x (dim + L): (x, onehot(y)) */
    double *zc;         /* G input, B x (zdim + L): (z, onehot(y)) */
    double *xgc;        /* G-step input of D, B x (dim + L) */
    double *dxc;        /* dL_G/d(D's input), B x (dim + L) */
    size_t *comp;       /* the real rows' mixture components, B */
};

gl_gan_cfg gl_gan_cfg_default(void)
{
    gl_gan_cfg c;
    memset(&c, 0, sizeof c);
    c.steps = 5000;
    c.batch = 128;
    c.k = 1;
    c.loss = GL_LOSS_NS;
    c.update = GL_UPDATE_ALT;
    c.noise = GL_NOISE_NORMAL;
    c.zdim = 1;
    c.lr_d = 1e-3;
    c.lr_g = 1e-3;
    c.sched = gl_sched_default();
    c.log_every = 0;
    c.hook = NULL;
    c.hook_ctx = NULL;
    c.r1 = 0;
    c.pack = 0;
    c.real_noise = 0;
    c.real_noise_until = 0.5;
    c.freeze_g = 0;
    c.ncond = 0;
    c.rows = NULL;
    c.nrows = 0;
    return c;
}

/* the configuration alone */
static int check_cfg(const gl_gan_cfg *cfg, size_t dim, gl_err *err)
{
    if (cfg->steps == 0)
        return gl_err_set(err, GL_EINVAL, "steps = 0, need >= 1");
    if (cfg->batch == 0)
        return gl_err_set(err, GL_EINVAL, "batch = 0, need >= 1");
    if (cfg->k == 0)
        return gl_err_set(err, GL_EINVAL,
                          "k = 0 discriminator steps per generator step, need >= 1");
    if ((unsigned)cfg->update > GL_UPDATE_SIM)
        return gl_err_set(err, GL_EINVAL, "unknown update code %d", (int)cfg->update);
    if (cfg->update == GL_UPDATE_SIM && cfg->k != 1)
        return gl_err_set(err, GL_EINVAL, "simultaneous updates need k = 1, got k = %zu", cfg->k);
    if ((unsigned)cfg->loss > GL_LOSS_LS)
        return gl_err_set(err, GL_EINVAL, "unknown GAN loss code %d", (int)cfg->loss);
    if ((unsigned)cfg->noise > GL_NOISE_UNIFORM)
        return gl_err_set(err, GL_EINVAL, "unknown noise code %d", (int)cfg->noise);
    if (!(cfg->lr_d > 0) || !isfinite(cfg->lr_d) || !(cfg->lr_g > 0) || !isfinite(cfg->lr_g))
        return gl_err_set(err, GL_EINVAL,
                          "learning rates lr_d = %g, lr_g = %g must be finite and > 0",
                          cfg->lr_d, cfg->lr_g);
    if (dim == 0)
        return gl_err_set(err, GL_EINVAL, "data dimension 0, need >= 1");
    if (cfg->rows && cfg->nrows == 0)
        return gl_err_set(err, GL_EINVAL, "data rows given, but nrows = 0");
    int st = gl_sched_check(&cfg->sched, err);
    if (st)
        return st;
    if (!(cfg->r1 >= 0) || !isfinite(cfg->r1))
        return gl_err_set(err, GL_EINVAL, "R1 penalty weight %g must be finite and >= 0",
                          cfg->r1);
    size_t m = cfg->pack > 1 ? cfg->pack : 1;
    if (cfg->batch % m)
        return gl_err_set(err, GL_EINVAL, "batch %zu is not a multiple of pack %zu", cfg->batch, m);
    if (!(cfg->real_noise >= 0) || !isfinite(cfg->real_noise) ||
        !(cfg->real_noise_until > 0 && cfg->real_noise_until <= 1))
        return gl_err_set(err, GL_EINVAL, "instance noise %g must be finite and >= 0, and its "
                          "end %g a fraction in (0, 1]", cfg->real_noise, cfg->real_noise_until);
    if (cfg->ncond && (m > 1 || cfg->r1 > 0))
        return gl_err_set(err, GL_EINVAL, "conditioning (%zu labels) does not go with pack or r1",
                          cfg->ncond);
    if (cfg->ncond > GL_MLP_MAXWIDTH)
        return gl_err_set(err, GL_EINVAL, "%zu labels, at most %d", cfg->ncond, GL_MLP_MAXWIDTH);
    return GL_OK;
}

/* the networks and optimisers against the configuration */
static int check_nets(const gl_mlp *G, const gl_mlp *D, const gl_optim *og, const gl_optim *od,
                      const gl_gan_cfg *cfg, size_t dim, gl_err *err)
{
    size_t B = cfg->batch, zdim = cfg->zdim, m = cfg->pack > 1 ? cfg->pack : 1, L = cfg->ncond;
    size_t gin = G->sizes[0], gout = G->sizes[G->nlayers];
    size_t din = D->sizes[0], dout = D->sizes[D->nlayers];
    if (L && (gin != zdim + L || gout != dim || din != dim + L || dout != 1))
        return gl_err_set(err, GL_EINVAL, "conditioning on %zu labels: the generator maps %zu -> "
                          "%zu, need zdim + labels %zu -> data dim %zu; the discriminator %zu -> "
                          "%zu, need data dim + labels %zu -> 1", L, gin, gout, zdim + L, dim,
                          din, dout, dim + L);
    if (L)
        din = dim, gin = zdim; /* the remaining checks are the unconditional ones */
    if (gin != zdim || gout != dim)
        return gl_err_set(err, GL_EINVAL,
                          "generator maps %zu -> %zu, need zdim %zu -> data dim %zu",
                          gin, gout, zdim, dim);
    if (m == 1 && (din != dim || dout != 1))
        return gl_err_set(err, GL_EINVAL, "discriminator maps %zu -> %zu, need data dim %zu -> 1",
                          din, dout, dim);
    if (m > 1 && (din / m != dim || din % m || dout != 1))
        return gl_err_set(err, GL_EINVAL, "discriminator maps %zu -> %zu, need pack %zu x data "
                          "dim %zu = %zu -> 1", din, dout, m, dim, m * dim);
    if (G->maxbatch < B)
        return gl_err_set(err, GL_EINVAL, "batch %zu needs a generator built for %zu, it has %zu",
                          B, B, G->maxbatch);
    if (m == 1 && D->maxbatch / 2 < B)
        return gl_err_set(err, GL_EINVAL,
                          "batch %zu needs a discriminator built for 2*batch = %zu, it has %zu",
                          B, 2 * B, D->maxbatch);
    if (m > 1 && D->maxbatch / 2 < B / m)
        return gl_err_set(err, GL_EINVAL, "batch %zu in packs of %zu needs a discriminator "
                          "built for 2*batch/pack = %zu, it has %zu", B, m, 2 * B / m, D->maxbatch);
    if (og->n != G->nparams)
        return gl_err_set(err, GL_EINVAL,
                          "generator optimiser has %zu parameters, the generator %zu",
                          og->n, G->nparams);
    if (od->n != D->nparams)
        return gl_err_set(err, GL_EINVAL,
                          "discriminator optimiser has %zu parameters, the discriminator %zu",
                          od->n, D->nparams);
    if (D->norm && cfg->r1 > 0)
        return gl_err_set(err, GL_EINVAL, "the R1 penalty is not supported with a batch-"
                          "normalised discriminator (its gradient through the batch statistics "
                          "couples the samples)");
    if (D->norm && m > 1)
        return gl_err_set(err, GL_EINVAL, "packing (pack %zu) is not supported with a batch-"
                          "normalised discriminator", m);
    if (D->outact != GL_ACT_LINEAR)
        return gl_err_set(err, GL_EINVAL, "the discriminator's output must be linear (a logit "
                          "or a score), got %s", gl_act_name(D->outact));
    return GL_OK;
}

int gl_gan_alloc(gl_gan **out, gl_mlp *G, gl_mlp *D, gl_optim *og, gl_optim *od,
                 const gl_gan_cfg *cfg, size_t data_dim, gl_err *err)
{
    if (!out)
        return gl_err_set(err, GL_EINVAL, "gl_gan_alloc: out is NULL");
    *out = NULL;
    if (!G || !D || !og || !od || !cfg)
        return gl_err_set(err, GL_EINVAL, "gl_gan_alloc: G, D, og, od and cfg must be non-NULL");
    if (G == D || og == od)
        return gl_err_set(err, GL_EINVAL,
                          "G and D (and their optimisers) must be distinct objects");
    int st = check_cfg(cfg, data_dim, err);
    if (st || (st = check_nets(G, D, og, od, cfg, data_dim, err)))
        return st;
    size_t B = cfg->batch, dim = data_dim, zdim = cfg->zdim, m = cfg->pack > 1 ? cfg->pack : 1;

    /* B fits the networks' (already allocated) buffers, so these sizes do
     * not overflow: 2B dim + 2B + 2B + B zdim + B dim + B + B + B dim, then
     * the penalty's workspace */
    size_t np = cfg->r1 > 0 ? gl_mlp_penalty_wsize(D) : 0, L = cfg->ncond;
    /* conditioning: 2B (dim+L) + B (zdim+L) + 2 B (dim+L), and the components */
    size_t nc = L ? B * (4 * (dim + L) + zdim + L) + (B * sizeof(size_t) + 7) / 8 : 0;
    size_t nd = B * (4 * dim + zdim + 6) + np + nc;
    size_t head = (sizeof(gl_gan) + 63) & ~(size_t)63;
    if (nd > (SIZE_MAX - head) / sizeof(double))
        return gl_err_set(err, GL_EINVAL, "batch %zu too large", B);
    unsigned char *block = malloc(head + nd * sizeof(double));
    if (!block)
        return gl_err_set(err, GL_ENOMEM, "cannot allocate a GAN workspace for batch %zu", B);
    gl_gan *w = (gl_gan *)block;
    memset(w, 0, sizeof *w);
    w->G = G;
    w->D = D;
    w->og = og;
    w->od = od;
    w->cfg = *cfg;
    w->dim = dim;
    w->m = m;
    w->rows = B / m;
    double *p = (double *)(block + head);
    memset(p, 0, nd * sizeof(double));
    w->xd = p;
    p += 2 * B * dim;
    w->ad = p;
    p += 2 * B;
    w->dad = p;
    p += 2 * B;
    w->z = p;
    p += B * zdim;
    w->xg = p;
    p += B * dim;
    w->ag = p;
    p += B;
    w->dag = p;
    p += B;
    w->dx = p;
    p += B * dim;
    w->pen = np ? p : NULL;
    p += np;
    if (L) {
        w->xc = p;
        p += 2 * B * (dim + L);
        w->zc = p;
        p += B * (zdim + L);
        w->xgc = p;
        p += B * (dim + L);
        w->dxc = p;
        p += B * (dim + L);
        w->comp = (size_t *)(void *)p;
    }
    w->last = (gl_gan_stats){0, NAN, NAN, NAN, NAN, NAN};
    og->lr = cfg->lr_g;
    od->lr = cfg->lr_d;
    *out = w;
    return GL_OK;
}

void gl_gan_free(gl_gan *w)
{
    free(w); /* the struct heads its own block */
}

const gl_gan_stats *gl_gan_last(const gl_gan *w)
{
    return &w->last;
}

/* z ~ p_z, B rows */
static void draw_noise(const gl_gan *w, const gsl_rng *r, double *z)
{
    gl_noise_sample(w->cfg.noise, r, w->cfg.batch * w->cfg.zdim, z);
}

/* 1 if every p[i] is finite: p*0 is 0 for a finite p and NaN for inf or NaN,
 * so the sum is 0 exactly when all are finite, and never overflows. Eight
 * partial sums, so that the loop vectorises. */
static int all_finite(const double *p, size_t n)
{
    double c[8] = {0, 0, 0, 0, 0, 0, 0, 0}, t = 0;
    size_t i = 0;
    for (; i + 8 <= n; i += 8)
        for (int k = 0; k < 8; k++)
            c[k] += p[i + k] * 0.0;
    for (; i < n; i++)
        t += p[i] * 0.0;
    return c[0] + c[1] + c[2] + c[3] + c[4] + c[5] + c[6] + c[7] + t == 0;
}

/* the instance noise's standard deviation at step t (0-based) */
static double real_noise_at(const gl_gan_cfg *c, size_t t)
{
    double until = c->real_noise_until * (double)c->steps;
    return c->real_noise > 0 && (double)t < until ? c->real_noise * (1 - (double)t / until) : 0;
}

static void add_real_noise(gl_gan *w, const gsl_rng *r)
{
    double s = real_noise_at(&w->cfg, w->t);
    if (s > 0) /* drawn only while it is on: without it, the draws of before */
        for (size_t i = 0; i < w->cfg.batch * w->dim; i++)
            w->xd[i] += gsl_ran_gaussian_ziggurat(r, s);
}

/* Batch norm (bn.h): the forward passes of training use batch statistics (G
 * frozen: without updating its running averages, so that it stays as
 * initialised), D's with dgroups groups (2 in the D-step: its real and fake
 * rows each by their own statistics); everything else (hooks, callers) sees
 * the networks in evaluation mode (dgroups 0). */
static void nets_mode(gl_gan *w, size_t dgroups)
{
    if (!dgroups) {
        gl_bn_set(w->G, GL_MLP_EVAL, 1);
        gl_bn_set(w->D, GL_MLP_EVAL, 1);
        return;
    }
    gl_bn_set(w->G, w->cfg.freeze_g ? GL_MLP_BATCH : GL_MLP_TRAIN, 1);
    gl_bn_set(w->D, GL_MLP_TRAIN, dgroups);
}

/* The D-step's forward pass: real rows, z, fake rows G(z), D's outputs on
 * all 2B rows. */
static void d_forward(gl_gan *w, const gl_mix *data, const gsl_rng *r)
{
    size_t B = w->cfg.batch, dim = w->dim;
    if (w->cfg.rows)
        gl_data_sample(w->cfg.rows, w->cfg.nrows, (int)dim, r, B, w->xd);
    else
        gl_mix_sample(data, r, B, w->xd);
    add_real_noise(w, r);
    draw_noise(w, r, w->z);
    nets_mode(w, 2);
    gl_mlp_forward(w->G, w->z, B, w->xd + B * dim);
    gl_mlp_forward(w->D, w->xd, 2 * w->rows, w->ad); /* [2B x dim] read as [2B/m x m dim] */
    nets_mode(w, 0);
}

/* ---- conditioning: rows (v, onehot(y)) of width d + L ---- */

/* out = (v[0..d-1], onehot(y) over L) */
static void put_row(double *out, const double *v, size_t d, size_t y, size_t L)
{
    memcpy(out, v, d * sizeof *v);
    memset(out + d, 0, L * sizeof *out);
    out[d + y] = 1;
}

/* out = (v[0..d-1], the label columns lab[0..L-1]) */
static void put_row_lab(double *out, const double *v, size_t d, const double *lab, size_t L)
{
    memcpy(out, v, d * sizeof *v);
    memcpy(out + d, lab, L * sizeof *lab);
}

/* G's input rows zc = (z, onehot(y)): z ~ p_z, then the B labels y, each the
 * group of a component drawn by the mixture's weights */
static void draw_labelled_noise(gl_gan *w, const gl_mix *data, const gsl_rng *r)
{
    size_t B = w->cfg.batch, zdim = w->cfg.zdim, L = w->cfg.ncond, g = data->n / L;
    draw_noise(w, r, w->z);
    for (size_t i = 0; i < B; i++)
        put_row(w->zc + i * (zdim + L), w->z + i * zdim, zdim, gl_mix_draw_comp(data, r) / g, L);
}

/* The conditional D-step's forward pass: real rows and their components,
 * labelled noise, fake rows G(z, y); D on (x, y) for all 2B rows. */
static void d_forward_cond(gl_gan *w, const gl_mix *data, const gsl_rng *r)
{
    size_t B = w->cfg.batch, dim = w->dim, zdim = w->cfg.zdim, L = w->cfg.ncond, g = data->n / L;
    gl_mix_sample_comp(data, r, B, w->xd, w->comp);
    add_real_noise(w, r);
    draw_labelled_noise(w, data, r);
    nets_mode(w, 2);
    gl_mlp_forward(w->G, w->zc, B, w->xd + B * dim);
    for (size_t i = 0; i < B; i++) {
        put_row(w->xc + i * (dim + L), w->xd + i * dim, dim, w->comp[i] / g, L);
        put_row_lab(w->xc + (B + i) * (dim + L), w->xd + (B + i) * dim, dim,
                    w->zc + i * (zdim + L) + zdim, L);
    }
    gl_mlp_forward(w->D, w->xc, 2 * B, w->ad);
    nets_mode(w, 0);
}

/* dL_D/da, then D->grads = dL_D/dtheta_D. Returns L_D if value, else 0 (the
 * value costs a logarithm per row; the gradient does not need it). */
static double d_backward(gl_gan *w, int value)
{
    size_t B = w->rows;
    double loss = 0;
    if (value)
        loss = gl_loss_d(w->cfg.loss, w->ad, B, w->ad + B, B, 1.0, w->dad, w->dad + B);
    else
        gl_loss_d_grad(w->cfg.loss, w->ad, B, w->ad + B, B, 1.0, w->dad, w->dad + B);
    gl_mlp_zero_grad(w->D);
    gl_mlp_backward(w->D, w->dad, NULL, 1);
    if (w->pen) /* the real (packed) rows are the first B of D's last batch */
        gl_mlp_penalty(w->D, B, w->cfg.r1 / (2.0 * (double)B), w->pen);
    return loss;
}

/* The G-step's forward pass: x = G(z), a = D(x). */
static void g_forward(gl_gan *w, const double *z)
{
    size_t B = w->cfg.batch, L = w->cfg.ncond, dim = w->dim, zin = w->cfg.zdim + L;
    nets_mode(w, 1);
    gl_mlp_forward(w->G, z, B, w->xg);
    if (!L)
        gl_mlp_forward(w->D, w->xg, w->rows, w->ag);
    else {
        for (size_t i = 0; i < B; i++) /* D reads the label G was given */
            put_row_lab(w->xgc + i * (dim + L), w->xg + i * dim, dim, z + i * zin + w->cfg.zdim,
                        L);
        gl_mlp_forward(w->D, w->xgc, B, w->ag);
    }
    nets_mode(w, 0);
}

/* dL_G/da -> (through D, its gradients untouched) dL_G/dx -> (through G)
 * G->grads = dL_G/dtheta_G. Returns L_G if value, else 0. */
static double g_backward(gl_gan *w, int value)
{
    size_t R = w->rows;
    double loss = 0;
    if (value)
        loss = gl_loss_g(w->cfg.loss, w->ag, R, 1.0, w->dag);
    else
        gl_loss_g_grad(w->cfg.loss, w->ag, R, 1.0, w->dag);
    size_t L = w->cfg.ncond, dim = w->dim;
    if (!L) {
        gl_mlp_backward(w->D, w->dag, w->dx, 0); /* [R x m dim] = [B x dim] */
    } else { /* dL_G/dx: the x columns of the gradient wrt D's input (x, y) */
        gl_mlp_backward(w->D, w->dag, w->dxc, 0);
        for (size_t i = 0; i < R; i++)
            memcpy(w->dx + i * dim, w->dxc + i * (dim + L), dim * sizeof *w->dx);
    }
    gl_mlp_zero_grad(w->G);
    gl_mlp_backward(w->G, w->dx, NULL, 1);
    return loss;
}

double gl_gan_grad_g(gl_gan *w, const double *z)
{
    g_forward(w, z);
    return g_backward(w, 1);
}

/* D_real, D_fake and acc from the last D-step's outputs w->ad. */
static void d_stats(gl_gan *w, gl_gan_stats *s)
{
    size_t B = w->rows;
    int ls = w->cfg.loss == GL_LOSS_LS;
    double thr = ls ? 0.5 : 0.0, sr = 0, sf = 0;
    size_t right = 0;
    for (size_t i = 0; i < B; i++) {
        double ar = w->ad[i], af = w->ad[B + i];
        sr += ls ? ar : gl_num_sigmoid(ar);
        sf += ls ? af : gl_num_sigmoid(af);
        right += (ar > thr) + !(af > thr);
    }
    s->D_real = sr / (double)B;
    s->D_fake = sf / (double)B;
    s->acc = (double)right / (double)(2 * B);
}

/* The rates of the step after w->t: lr_d and lr_g times the schedule. */
static void set_rates(gl_gan *w)
{
    double f = gl_sched_factor(&w->cfg.sched, w->t, w->cfg.steps);
    w->og->lr = w->cfg.lr_g * f;
    w->od->lr = w->cfg.lr_d * f;
}

/* The divergence guard, checked where each quantity is made, cheaply (a few
 * adds per value, no branch per value): D's outputs on every batch (a finite
 * output has a finite loss gradient, and for NS/minimax a finite loss), G's
 * outputs, and both parameter vectors after every update; the losses
 * themselves where they are computed (logged and last steps). */

/* D-step i (0-based, of k) of step t: L_D into *ld if value (else 0); D's
 * update unless !update (simultaneous updates apply it after the G-step). */
static int d_step(gl_gan *w, const gl_mix *data, const gsl_rng *r, size_t t, size_t i,
                  int value, int update, double *ld, gl_err *err)
{
    const gl_gan_cfg *c = &w->cfg;
    size_t B = c->batch;
    if (c->ncond)
        d_forward_cond(w, data, r);
    else
        d_forward(w, data, r);
    if (!all_finite(w->xd + B * w->dim, B * w->dim))
        return gl_err_set(err, GL_EDIVERGE, "generator output is not finite at "
                          "step %zu (D-step %zu of %zu)", t, i + 1, c->k);
    if (!all_finite(w->ad, 2 * w->rows))
        return gl_err_set(err, GL_EDIVERGE, "discriminator output is not finite at "
                          "step %zu (D-step %zu of %zu)", t, i + 1, c->k);
    *ld = d_backward(w, value);
    if (!isfinite(*ld))
        return gl_err_set(err, GL_EDIVERGE, "discriminator loss is %g at step %zu", *ld, t);
    if (!update)
        return GL_OK;
    gl_optim_step(w->od, w->D->params, w->D->grads);
    if (!all_finite(w->D->params, w->D->nparams))
        return gl_err_set(err, GL_EDIVERGE, "discriminator parameters are not finite "
                          "after D-step %zu of %zu at step %zu", i + 1, c->k, t);
    return GL_OK;
}

/* The G-step of step t: L_G into *lg if value (else 0); first D's update of
 * a simultaneous step (sim_d), then G's (unless frozen). */
static int g_step(gl_gan *w, const gl_mix *data, const gsl_rng *r, size_t t, int value,
                  int sim_d, double *lg, gl_err *err)
{
    gl_mlp *G = w->G, *D = w->D;
    size_t B = w->cfg.batch;
    if (w->cfg.ncond) {
        draw_labelled_noise(w, data, r);
        g_forward(w, w->zc);
    } else {
        draw_noise(w, r, w->z);
        g_forward(w, w->z);
    }
    if (!all_finite(w->xg, B * w->dim))
        return gl_err_set(err, GL_EDIVERGE, "generator output is not finite at step %zu", t);
    if (!all_finite(w->ag, w->rows))
        return gl_err_set(err, GL_EDIVERGE, "discriminator output on the generator's "
                          "samples is not finite at step %zu", t);
    *lg = g_backward(w, value);
    if (!isfinite(*lg))
        return gl_err_set(err, GL_EDIVERGE, "generator loss is %g at step %zu", *lg, t);
    if (sim_d) {
        gl_optim_step(w->od, D->params, D->grads);
        if (!all_finite(D->params, D->nparams))
            return gl_err_set(err, GL_EDIVERGE, "discriminator parameters are not finite "
                              "after the update at step %zu", t);
    }
    if (!w->cfg.freeze_g)
        gl_optim_step(w->og, G->params, G->grads);
    if (!all_finite(G->params, G->nparams))
        return gl_err_set(err, GL_EDIVERGE, "generator parameters are not finite "
                          "after the update at step %zu", t);
    return GL_OK;
}

static int check_run(const gl_gan *w, const gl_mix *data, const gsl_rng *r, const char *fn,
                     gl_err *err)
{
    if (!w || !data || !r)
        return gl_err_set(err, GL_EINVAL, "%s: workspace, data and rng must be non-NULL", fn);
    if ((size_t)data->dim != w->dim)
        return gl_err_set(err, GL_EINVAL, "data are %d-D, the workspace was built for %zu-D",
                          data->dim, w->dim);
    size_t L = w->cfg.ncond;
    if (L && w->cfg.rows)
        return gl_err_set(err, GL_EINVAL, "conditioning labels the data's mixture components: "
                          "rows from a file have none");
    if (L && data->n % L)
        return gl_err_set(err, GL_EINVAL, "%zu labels need data whose components (%zu) fall into "
                          "%zu equal groups", L, data->n, L);
    return GL_OK;
}

int gl_gan_train_steps(gl_gan *w, const gl_mix *data, const gsl_rng *r, size_t n, gl_err *err)
{
    int st = check_run(w, data, r, "gl_gan_train", err);
    if (st)
        return st;
    const gl_gan_cfg *c = &w->cfg;
    int sim = c->update == GL_UPDATE_SIM;
    for (size_t s = 0; s < n; s++) {
        size_t t = w->t + 1;
        set_rates(w);
        int log = c->hook && c->log_every && t % c->log_every == 0;
        int value = log || s + 1 == n; /* statistics wanted at this step */
        double ld = 0, lg;
        for (size_t i = 0; i < c->k; i++)
            if ((st = d_step(w, data, r, t, i, value && i + 1 == c->k, !sim, &ld, err)))
                return st;
        if ((st = g_step(w, data, r, t, value, sim, &lg, err)))
            return st;
        w->t = t;
        if (value) {
            w->last.step = t;
            w->last.loss_d = ld;
            w->last.loss_g = lg;
            d_stats(w, &w->last);
        }
        if (log && c->hook(c->hook_ctx, &w->last))
            break;
    }
    return GL_OK;
}

int gl_gan_train(gl_gan *w, const gl_mix *data, const gsl_rng *r, gl_err *err)
{
    return gl_gan_train_steps(w, data, r, w ? w->cfg.steps : 0, err);
}

int gl_gan_step_d(gl_gan *w, const gl_mix *data, const gsl_rng *r, gl_err *err)
{
    int st = check_run(w, data, r, "gl_gan_step_d", err);
    double ld;
    if (st)
        return st;
    set_rates(w);
    if ((st = d_step(w, data, r, w->t + 1, 0, 1, 1, &ld, err)))
        return st;
    w->last.step = w->t;
    w->last.loss_d = ld;
    d_stats(w, &w->last);
    return GL_OK;
}

int gl_gan_step_g(gl_gan *w, const gl_mix *data, const gsl_rng *r, gl_err *err)
{
    int st = check_run(w, data, r, "gl_gan_step_g", err);
    double lg;
    if (st)
        return st;
    set_rates(w);
    if ((st = g_step(w, data, r, w->t + 1, 1, 0, &lg, err)))
        return st;
    w->last.step = ++w->t;
    w->last.loss_g = lg;
    return GL_OK;
}

void gl_gan_push(gl_gan *w, const double *z, double *x, double *dx)
{
    size_t B = w->cfg.batch;
    g_forward(w, z);
    gl_loss_g_grad(w->cfg.loss, w->ag, w->rows, 1.0, w->dag);
    gl_mlp_backward(w->D, w->dag, w->dx, 0);
    memcpy(x, w->xg, B * w->dim * sizeof *x);
    memcpy(dx, w->dx, B * w->dim * sizeof *dx);
}
