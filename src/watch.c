/* SPDX-License-Identifier: GPL-3.0-or-later */
/* watch.c — the rows of a training log: minibatch statistics, exact JSD,
 * histogram estimate. */
#include "watch.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_rng.h>

const char *const gl_watch_cols[GL_WATCH_NCOLS] = {"step",   "loss_d", "loss_g", "V",
                                                   "D_real", "D_fake", "acc",    "jsd",
                                                   "jsd_abserr", "jsd_est"};

struct gl_watch {
    const gl_mix *P;
    gl_mlp *G;
    gl_noise noise;
    gl_loss_kind loss;
    size_t zdim;         /* G's inputs */
    size_t ncond;        /* of which the last ncond are a label's one-hot */
    gl_metrics_gen *ex;  /* NULL without an exact p_g */
    gsl_rng *er;         /* the evaluation stream */
    double *xa, *xb, *z; /* EST_N data and generator samples, EST_N noise vectors */
    double lo[2], hi[2]; /* the estimate's box */
    size_t nfail, fail_step;
    gl_err fail;
};

void gl_watch_free(gl_watch *w)
{
    if (!w)
        return;
    gl_metrics_gen_free(w->ex);
    gsl_rng_free(w->er);
    free(w->xa);
    free(w);
}

int gl_watch_alloc(gl_watch **out, const gl_mix *P, gl_mlp *G, gl_noise noise, gl_loss_kind loss,
                   unsigned long eval_seed, gl_err *err)
{
    *out = NULL;
    size_t dim = (size_t)P->dim, zdim = G->sizes[0];
    gl_watch *w = calloc(1, sizeof *w);
    if (!w)
        return gl_err_set(err, GL_ENOMEM, "out of memory");
    w->P = P;
    w->G = G;
    w->noise = noise;
    w->loss = loss;
    w->zdim = zdim;
    w->er = gsl_rng_alloc(gsl_rng_mt19937);
    w->xa = malloc(GL_WATCH_EST_N * (2 * dim + zdim) * sizeof *w->xa);
    int s = w->er && w->xa ? GL_OK : gl_err_set(err, GL_ENOMEM, "out of memory");
    if (!s && dim == 1 && zdim == 1)
        s = gl_metrics_gen_alloc(&w->ex, G, noise, err);
    if (s) {
        gl_watch_free(w);
        return s;
    }
    gsl_rng_set(w->er, eval_seed);
    w->xb = w->xa + GL_WATCH_EST_N * dim;
    w->z = w->xb + GL_WATCH_EST_N * dim;
    for (size_t a = 0; a < dim; a++) {
        w->lo[a] = INFINITY, w->hi[a] = -INFINITY;
        gl_mix_box(P, (int)a, 4.0, &w->lo[a], &w->hi[a]);
    }
    *out = w;
    return GL_OK;
}

int gl_watch_cond(gl_watch *w, size_t ncond, gl_err *err)
{
    if (ncond == 0 || ncond >= w->zdim || w->P->n % ncond)
        return gl_err_set(err, GL_EINVAL, "gl_watch_cond: %zu labels for a generator of %zu "
                          "inputs on %zu components", ncond, w->zdim, w->P->n);
    gl_metrics_gen_free(w->ex);
    w->ex = NULL;
    w->ncond = ncond;
    return GL_OK;
}

/* the estimate's generator inputs of a conditional G: each row noise, then
 * the one-hot of a label drawn by P's weights */
static void cond_inputs(gl_watch *w)
{
    size_t L = w->ncond, zn = w->zdim - L, g = w->P->n / L;
    for (size_t i = 0; i < GL_WATCH_EST_N; i++) {
        double *row = w->z + i * w->zdim;
        gl_noise_sample(w->noise, w->er, zn, row);
        memset(row + zn, 0, L * sizeof *row);
        row[zn + gl_mix_draw_comp(w->P, w->er) / g] = 1;
    }
}

int gl_watch_exact(const gl_watch *w)
{
    return w->ex != NULL;
}

gl_metrics_gen *gl_watch_gen(gl_watch *w)
{
    return w->ex;
}

static double estimate(gl_watch *w)
{
    int dim = w->P->dim;
    size_t cap = w->G->maxbatch;
    gl_mix_sample(w->P, w->er, GL_WATCH_EST_N, w->xa);
    if (w->ncond)
        cond_inputs(w);
    else
        gl_noise_sample(w->noise, w->er, GL_WATCH_EST_N * w->zdim, w->z);
    for (size_t i = 0; i < GL_WATCH_EST_N; i += cap) {
        size_t n = GL_WATCH_EST_N - i < cap ? GL_WATCH_EST_N - i : cap;
        gl_mlp_forward(w->G, w->z + i * w->zdim, n, w->xb + i * (size_t)dim);
    }
    double j;
    if (gl_metrics_jsd_hist(w->xa, w->xb, GL_WATCH_EST_N, dim, w->lo, w->hi,
                            dim == 1 ? GL_WATCH_BINS_1D : GL_WATCH_BINS_2D, &j, NULL))
        return NAN;
    return j;
}

void gl_watch_row(gl_watch *w, const gl_gan_stats *st, double *row)
{
    double jsd = NAN, ae = NAN;
    if (w->ex) {
        gl_err e;
        gl_err_clear(&e);
        if (gl_metrics_gen_jsd(w->ex, w->P, &jsd, &ae, NULL, &e)) {
            jsd = ae = NAN;
            if (w->nfail++ == 0) {
                w->fail_step = st->step;
                w->fail = e;
            }
        }
    }
    double r[GL_WATCH_NCOLS] = {(double)st->step, st->loss_d, st->loss_g,
                                w->loss == GL_LOSS_LS ? NAN : -st->loss_d,
                                st->D_real, st->D_fake, st->acc, jsd, ae, estimate(w)};
    memcpy(row, r, sizeof r);
}

size_t gl_watch_failures(const gl_watch *w, size_t *first_step, const char **msg)
{
    if (first_step)
        *first_step = w->fail_step;
    if (msg)
        *msg = w->fail.msg;
    return w->nfail;
}
