/* SPDX-License-Identifier: GPL-3.0-or-later */
/* modes.h — mode-coverage metrics of a sample against a mixture whose
 * components are the modes (VEEGAN, Srivastava et al. 2017; PacGAN, Lin et
 * al. 2018), for the 2-D benchmarks ring(8,2,0.02) and grid(5,2,0.05) and any
 * 1-D or 2-D mixture of Gaussians.
 *
 * For a sample x the *nearest mode* is the component whose mean is nearest in
 * Euclidean distance (the first on ties). x is *high quality* (HQ) if it lies
 * within 3 standard deviations of that mode: its Mahalanobis distance
 *   d(x) = sqrt((x - mu)^T Sigma^-1 (x - mu))
 * under the mode's covariance is <= 3 (for the benchmarks' isotropic modes,
 * |x - mu| <= 3 s). Over n samples:
 *   counts[j]  HQ samples whose nearest mode is j (the mode histogram)
 *   covered    modes with counts[j] >= 1 ("modes" in the papers' tables)
 *   hq_frac    (sum_j counts[j]) / n
 *   rkl        KL(h || w) = sum_j h_j log(h_j / w_j), h_j = counts[j] / sum counts,
 *              w_j the mixture weights (uniform, 1/K, for ring and grid: the
 *              papers' "reverse KL to the uniform distribution over modes").
 * Conventions: an empty mode contributes 0 (0 log 0 = 0), so rkl is finite,
 * between 0 (h = w) and log(1/w_min) (every HQ sample on the lightest mode;
 * log 8 = 2.079 for the ring, log 25 = 3.219 for the grid). With no HQ sample
 * at all the histogram is 0/0 and rkl is NaN (covered = 0, hq_frac = 0): a
 * table must count such runs rather than average them in. */
#ifndef GL_MODES_H
#define GL_MODES_H

#include <stddef.h>
#include <stdio.h>

#include "gl.h"
#include "mix.h"

typedef struct {
    size_t n;        /* samples scored */
    size_t nmodes;   /* K, the mixture's components */
    size_t hq;       /* high-quality samples */
    size_t covered;  /* modes with at least one HQ sample */
    double hq_frac;  /* hq / n */
    double rkl;      /* KL(mode histogram of the HQ samples || weights); NaN if hq = 0 */
} gl_modes;

/* GL_OK if every component of m is a Gaussian (N or N2), whose means are the
 * modes; GL_EINVAL naming the first other component otherwise. */
int gl_modes_check(const gl_mix *m, gl_err *err);

/* The nearest mode of one point x (m->dim coordinates); *dstd (if non-NULL)
 * gets the Mahalanobis distance d(x) to it. m must pass gl_modes_check. */
size_t gl_modes_nearest(const gl_mix *m, const double *x, double *dstd);

/* Scores n >= 1 points x (row-major, m->dim coordinates each) against the
 * modes of m. counts (m->n entries) receives the mode histogram of the HQ
 * samples; NULL to allocate one internally. Non-finite coordinates make a
 * point not HQ. GL_EINVAL if m has a non-Gaussian component or n = 0. */
int gl_modes_score(const gl_mix *m, const double *x, size_t n, size_t *counts, gl_modes *res,
                   gl_err *err);

/* Reads a sample file: one sample per line, its dim (1 or 2) coordinates
 * plain decimal numbers (args.h) separated by spaces, tabs or commas; blank
 * lines, text after '#' and a first line of column names are ignored: the
 * data-file format of data.h, through gl_data_read. *xs gets a newly
 * allocated row-major array of the *n samples (NULL if there are none; the
 * caller frees it). On failure nothing is allocated and err says
 * "NAME:LINE: what is wrong" (a number that does not parse or is not finite,
 * too few or too many coordinates, a NUL byte), name being how the file is
 * called in messages. */
int gl_modes_read(FILE *f, const char *name, int dim, double **xs, size_t *n, gl_err *err);

#endif
