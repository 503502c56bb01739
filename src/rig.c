/* rig.c — a GAN's networks, optimisers and workspace as one object. */
#include "rig.h"

#include <string.h>

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

int gl_rig_alloc(gl_rig *g, const gl_rig_arch *a, const gl_gan_cfg *cfg, const gsl_rng *r,
                 gl_err *err)
{
    if (!g)
        return gl_err_set(err, GL_EINVAL, "gl_rig_alloc: g is NULL");
    memset(g, 0, sizeof *g);
    if (!a || !cfg || !r || !a->gsizes || !a->dsizes)
        return gl_err_set(err, GL_EINVAL, "gl_rig_alloc: arch, sizes, cfg and rng must be non-NULL");
    size_t db = 2 * cfg->batch > a->dmaxbatch ? 2 * cfg->batch : a->dmaxbatch;
    int s;
    if ((s = gl_mlp_alloc(&g->G, a->ng, a->gsizes, a->gact, a->leak, cfg->batch, err)) ||
        (s = gl_mlp_alloc(&g->D, a->nd, a->dsizes, a->dact, a->leak, db, err)))
        goto fail;
    gl_mlp_init(g->G, r);
    gl_mlp_init(g->D, r);
    if ((s = gl_optim_alloc(&g->og, a->gopt, g->G->nparams, cfg->lr_g, err)) ||
        (s = gl_optim_alloc(&g->od, a->dopt, g->D->nparams, cfg->lr_d, err)))
        goto fail;
    g->og->beta1 = g->od->beta1 = a->beta1;
    if ((s = gl_gan_alloc(&g->w, g->G, g->D, g->og, g->od, cfg, a->gsizes[a->ng], err)))
        goto fail;
    return GL_OK;
fail:
    gl_rig_free(g);
    return s;
}
