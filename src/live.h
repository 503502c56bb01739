/* SPDX-License-Identifier: GPL-3.0-or-later */
/* live.h — the frames of the live view (the gl_live type): what a class
 * watches while a GAN trains, as gnuplot commands written into a stream the
 * caller gives (a pipe to a gnuplot window or terminal, a GIF's gnuplot).
 * The library never starts gnuplot and never prints on its own: the CLI owns
 * the processes, the keys and the terminal (src/cli/live.c).
 *
 * A frame is made in two calls: gl_live_update measures the current G and
 * D and appends the curves' point; gl_live_write writes the frame, as many
 * times as there are streams. The frame is self-contained (its data as
 * gnuplot datablocks, then a two-panel multiplot):
 *
 * 1-D data: p_data (shaded), the EXACT p_g of a 1-D generator (its
 *   pushforward density, gen.h), D(x), the EXACT D*_G(x) = p_data/(p_data +
 *   p_g) for the current G, D = 1/2, and a row of fake samples G(z_i) at the
 *   quantiles z_i = F^-1((i + 1/2)/batch) of p_z with arrows -dL_G/dx (the
 *   direction the G-step pushes each; the longest is drawn 1/10 of the x
 *   range long). Below: the exact JSD (the histogram estimate when p_g has
 *   no exact density: zdim > 1), V(D,G), L_D and L_G over the steps, with
 *   their equilibrium values V = -log 4, L_D = log 4 (the summed BCE), JSD =
 *   0 (logistic losses; for ls, whose D is a score, the D axis is the score's).
 * 2-D data: D's heatmap over the data's box, real samples (a fixed set),
 *   the fakes G(z_i) (a fixed z set of one batch) with arrows -dL_G/dx, G's
 *   manifold (the image of a z-grid over the first two noise coordinates,
 *   the others 0, drawn as a mesh; a curve for zdim 1). Below: the histogram
 *   ESTIMATE of the JSD (watch.h), and for a mixture of Gaussians the modes
 *   covered / K and the high-quality fraction (modes.h) of GL_LIVE_NEVAL fakes.
 *
 * The live view draws from its own evaluation stream (seed), never from the
 * training's: watching changes neither the training nor log.tsv. Everything
 * is allocated by gl_live_alloc; a frame allocates nothing. */
#ifndef GL_LIVE_H
#define GL_LIVE_H

#include <stddef.h>
#include <stdio.h>

#include "gl.h"
#include "mix.h"
#include "rig.h"
#include "train.h"

/* generator samples scored for modes and HQ in a 2-D frame (PacGAN's 2,500) */
#define GL_LIVE_NEVAL 2500

typedef struct {
    const char *title;  /* the frame's title (default "ganlab train"); quoted for gnuplot */
    size_t nx;          /* 1-D: grid points for the densities and D (default 201) */
    size_t heat;        /* 2-D: heatmap cells per axis (default 48) */
    size_t mesh;        /* 2-D: z-grid lines per axis of G's manifold (default 11) */
    size_t nreal;       /* 2-D: real samples shown (default 500) */
    size_t narrows;     /* fakes (with arrows) shown, at most; 0 (the default): 32 for
                           1-D data, 256 for 2-D (never more than the batch) */
    size_t history;     /* points kept for the curves; when full, every other one is
                           dropped (default 1024, >= 4) */
    unsigned long seed; /* the evaluation stream's seed (default 1) */
} gl_live_cfg;

gl_live_cfg gl_live_cfg_default(void);

typedef struct gl_live gl_live;

/* A live view of the rig g (built with gan, on P: 1-D or 2-D). Keeps
 * pointers to P and to g's networks and workspace. */
int gl_live_alloc(gl_live **out, const gl_mix *P, const gl_rig *g, const gl_gan_cfg *gan,
                  const gl_live_cfg *cfg, gl_err *err);
void gl_live_free(gl_live *lv); /* NULL is a no-op */

/* Measures the current G and D for the frame of statistics st (train.h:
 * the losses and D's means of the latest step) and appends the curves'
 * point. Where the exact JSD's quadrature fails (watch.h), the point's jsd
 * is NaN and the frame shows the rest; gl_live_jsd_failures counts them. */
void gl_live_update(gl_live *lv, const gl_gan_stats *st);
size_t gl_live_jsd_failures(const gl_live *lv);

/* Writes the frame of the latest gl_live_update into out; note (may be
 * NULL) is a line shown under the title (step mode's keys). GL_EIO if the
 * stream reports an error. */
int gl_live_write(const gl_live *lv, FILE *out, const char *note, gl_err *err);

/* The latest point of the curves: step, jsd (exact, NaN without), jsd_est,
 * V, loss_d, loss_g, modes covered, hq fraction (NaN where not measured). */
#define GL_LIVE_NCURVES 8
const double *gl_live_point(const gl_live *lv);

#endif
