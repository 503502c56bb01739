/* train.c — the discriminator's training loop. */
#include "train.h"

#include <math.h>
#include <stdlib.h>

#include "loss.h"

int gl_train_d(gl_mlp *D, gl_optim *opt, const gl_mix *P, const gl_mix *G,
               const gsl_rng *r, const gl_dtrain_cfg *cfg, double *final_loss, gl_err *err)
{
    size_t B = cfg->batch, dim = (size_t)P->dim;
    if (P->dim != G->dim)
        return gl_err_set(err, GL_EINVAL, "p_data is %d-D but p_g is %d-D", P->dim, G->dim);
    if (D->sizes[0] != dim || D->sizes[D->nlayers] != 1)
        return gl_err_set(err, GL_EINVAL, "discriminator must map %zu inputs to 1 logit", dim);
    if (cfg->steps == 0 || B == 0)
        return gl_err_set(err, GL_EINVAL, "steps and batch must be >= 1");
    if (2 * B > D->maxbatch)
        return gl_err_set(err, GL_EINVAL, "batch %zu needs a network built for %zu", B, 2 * B);
    if (!(cfg->lr > 0) || !isfinite(cfg->lr) || !(cfg->lr_end >= 0) || !isfinite(cfg->lr_end))
        return gl_err_set(err, GL_EINVAL, "learning rates must be finite, lr > 0, lr_end >= 0");
    if (opt->n != D->nparams)
        return gl_err_set(err, GL_EINVAL, "optimiser has %zu parameters, network %zu", opt->n, D->nparams);

    /* one allocation, before the loop: inputs, logits, dL/dlogit */
    double *mem = malloc((2 * B * dim + 4 * B) * sizeof *mem);
    if (!mem)
        return gl_err_set(err, GL_ENOMEM, "out of memory for a batch of %zu", B);
    double *x = mem, *a = x + 2 * B * dim, *da = a + 2 * B;
    double loss = NAN;
    int s = GL_OK;
    for (size_t t = 0; t < cfg->steps; t++) {
        gl_mix_sample(P, r, B, x);           /* rows 0..B-1: real, label 1 */
        gl_mix_sample(G, r, B, x + B * dim); /* rows B..2B-1: fake, label 0 */
        gl_mlp_forward(D, x, 2 * B, a);
        loss = gl_loss_bce_logits(a, B, 1.0, 1.0, da) +
               gl_loss_bce_logits(a + B, B, 0.0, 1.0, da + B);
        if (!isfinite(loss)) {
            s = gl_err_set(err, GL_EDIVERGE, "discriminator loss is %g at step %zu", loss, t);
            break;
        }
        gl_mlp_zero_grad(D);
        gl_mlp_backward(D, da, NULL, 1);
        double frac = cfg->steps > 1 ? (double)t / (double)(cfg->steps - 1) : 0.0;
        opt->lr = cfg->lr + (cfg->lr_end - cfg->lr) * frac;
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
