/* SPDX-License-Identifier: GPL-3.0-or-later */
/* rig.c — a GAN's networks, optimisers and workspace as one object. */
#include "rig.h"

#include <math.h>
#include <string.h>

gl_rig_arch gl_rig_arch_default(void)
{
    gl_rig_arch a;
    memset(&a, 0, sizeof a);
    a.g.n = 2;
    a.g.v[0] = a.g.v[1] = 16;
    a.d.n = 2;
    a.d.v[0] = a.d.v[1] = 32;
    a.gact = GL_ACT_TANH;
    a.dact = GL_ACT_LEAKY;
    a.leak = 0.2;
    a.gopt = a.dopt = GL_OPT_ADAM;
    a.beta1 = 0.5;
    a.beta2 = 0.999;
    a.gmaxbatch = 0;
    a.dmaxbatch = 0;
    a.gspread = 0;
    a.gnorm = a.dnorm = 0;
    a.gout = GL_ACT_LINEAR;
    return a;
}

void gl_rig_free(gl_rig *g)
{
    if (!g)
        return;
    gl_gan_free(g->w);
    gl_optim_free(g->og);
    gl_optim_free(g->od);
    gl_mlp_free(g->G);
    gl_mlp_free(g->D);
    memset(g, 0, sizeof *g);
}

/* b_i = -w_i . c_i, c_i uniform on [-s, s]^in, for G's first layer */
static void spread(gl_mlp *G, double s, const gsl_rng *r)
{
    size_t in = G->sizes[0], out = G->sizes[1];
    const double *W = G->params + G->woff[0];
    double *b = G->params + G->boff[0];
    for (size_t i = 0; i < out; i++) {
        double dot = 0;
        for (size_t j = 0; j < in; j++)
            dot += W[i * in + j] * (s * (2.0 * gsl_rng_uniform(r) - 1.0));
        b[i] = -dot;
    }
}

static size_t pack_of(const gl_gan_cfg *cfg)
{
    return cfg->pack > 1 ? cfg->pack : 1;
}

int gl_rig_alloc(gl_rig *g, const gl_rig_arch *a, const gl_gan_cfg *cfg, size_t data_dim,
                 const gsl_rng *r, gl_err *err)
{
    if (!g)
        return gl_err_set(err, GL_EINVAL, "gl_rig_alloc: g is NULL");
    memset(g, 0, sizeof *g);
    if (!a || !cfg || !r)
        return gl_err_set(err, GL_EINVAL, "gl_rig_alloc: arch, cfg and rng must be non-NULL");
    if (!(a->gspread >= 0) || !isfinite(a->gspread))
        return gl_err_set(err, GL_EINVAL, "gspread %g must be finite and >= 0", a->gspread);
    size_t gb = cfg->batch > a->gmaxbatch ? cfg->batch : a->gmaxbatch;
    size_t db = 2 * cfg->batch / pack_of(cfg), dneed = db;
    db = dneed > a->dmaxbatch ? dneed : a->dmaxbatch;
    int s;
    gl_mlp_opts go = gl_mlp_opts_default(), dopt = gl_mlp_opts_default();
    go.norm = a->gnorm;
    go.outact = a->gout;
    dopt.norm = a->dnorm;
    dopt.norm_skip = 1; /* D's first layer reads the input: not normalised (DCGAN) */
    if ((s = gl_mlp_alloc_hidden_opts(&g->G, cfg->zdim + cfg->ncond, &a->g, data_dim, a->gact,
                                      a->leak, gb, &go, err)) ||
        (s = gl_mlp_alloc_hidden_opts(&g->D, pack_of(cfg) * data_dim + cfg->ncond, &a->d, 1,
                                      a->dact, a->leak, db, &dopt, err)))
        goto fail;
    gl_mlp_init(g->G, r);
    gl_mlp_init(g->D, r);
    if (a->gspread > 0)
        spread(g->G, a->gspread, r);
    if ((s = gl_optim_alloc(&g->og, a->gopt, g->G->nparams, cfg->lr_g, err)) ||
        (s = gl_optim_alloc(&g->od, a->dopt, g->D->nparams, cfg->lr_d, err)))
        goto fail;
    g->og->beta1 = g->od->beta1 = a->beta1;
    g->og->beta2 = g->od->beta2 = a->beta2;
    if ((s = gl_gan_alloc(&g->w, g->G, g->D, g->og, g->od, cfg, data_dim, err)))
        goto fail;
    return GL_OK;
fail:
    gl_rig_free(g);
    return s;
}
