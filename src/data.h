/* SPDX-License-Identifier: GPL-3.0-or-later */
/* data.h — data from a file (the gl_data type, configured by gl_data_cfg):
 * rows of 1 or 2 numeric columns that training samples, and the exact side's
 * density p_data, the rows' Gaussian kernel density estimate (KDE), which is a
 * mixture (gl_mix), so that every exact quantity applies to it.
 *
 * The file: one row per line, its columns separated by spaces, tabs or commas
 * (whitespace/TSV/CSV); blank lines and text after '#' are ignored; a first
 * row in which no field is a number is a header (column names) and is
 * skipped. Every number is a plain finite decimal (args.h). Every row has the
 * same number of columns, 1 or 2.
 *
 * The KDE of n rows x_i with bandwidth h (per axis) is
 *   p(x) = (1/n) sum_i N(x; x_i, diag(h^2)).
 * h is Silverman's rule of thumb unless given: in 1-D
 *   h = 0.9 min(sd, IQR/1.34) n^(-1/5)   (sd alone where the IQR is 0),
 * in 2-D, per axis j, h_j = sd_j n^(-1/6) (Silverman 1986, eq. 4.14, d = 2).
 *
 * A KDE of n rows has n components, and the exact quantities cost in
 * proportion. Above max_comp rows (GL_DATA_MAXCOMP by default) the exact side
 * is the BINNED KDE: the rows are put in the cells of a grid of c h_j by c h_j
 * (c = 0.1, raised by factors of 1.25 until at most max_comp cells are
 * occupied), and the kernels of each cell are replaced by the one Gaussian
 * with the same weight, mean and covariance (cell's count / n; the rows'
 * mean; h^2 I plus the rows' covariance within the cell). Mean and variance
 * of every cell, hence of the whole density, are kept; what differs from the
 * full KDE is of third order in c (docs/train.md gives the measured error).
 * Training always samples the rows themselves. */
#ifndef GL_DATA_H
#define GL_DATA_H

#include <stddef.h>
#include <stdio.h>
#include <gsl/gsl_rng.h>

#include "gl.h"
#include "mix.h"

#define GL_DATA_MAXCOMP 50

typedef struct {
    double bw;       /* the bandwidth on every axis, > 0; 0: Silverman's rule (the default) */
    size_t max_comp; /* most components of the exact side's KDE, >= 1 (default GL_DATA_MAXCOMP) */
} gl_data_cfg;

gl_data_cfg gl_data_cfg_default(void);

typedef struct {
    int dim;        /* 1 or 2 */
    size_t n;       /* rows */
    double *rows;   /* n x dim, row-major, in the file's order */
    double bw[2];   /* the bandwidth used on each axis */
    double cell;    /* c, the binned KDE's cell size in bandwidths; 0 if not binned */
    gl_mix *kde;    /* the exact side: the KDE (binned above max_comp rows); its
                       spec is "kde(NAME)" */
} gl_data;

/* Reads the rows of a data file (the format above) from f: dim is 1 or 2, or 0
 * to take it from the first row (*dim_out gets it; NULL if dim is given). *xs
 * gets a newly allocated row-major array of the *n rows (NULL if there are
 * none; the caller frees it). On failure nothing is allocated and err says
 * "NAME:LINE: what is wrong" (a field that is not a finite number, a row with
 * a column count other than the first row's or than dim, more than 2
 * columns, a NUL byte), name being how the file is called in messages. */
int gl_data_read(FILE *f, const char *name, int dim, double **xs, size_t *n, int *dim_out,
                 gl_err *err);

/* Reads the file at path (messages name it so) and builds its KDE. A file
 * with no row, zero spread along an axis without cfg->bw, or a KDE outside
 * the supported range of mixtures (mix.h) is an error naming the file. */
int gl_data_load(const char *path, const gl_data_cfg *cfg, gl_data **out, gl_err *err);
void gl_data_free(gl_data *d); /* NULL is a no-op */

/* Silverman's bandwidth of the n rows, per axis (above); 0 where they do
 * not spread along that axis (and for n < 2). GL_ENOMEM if the copy that
 * the quartiles sort cannot be made. */
int gl_data_silverman(const double *rows, size_t n, int dim, double bw[2], gl_err *err);

/* The KDE of n rows with bandwidths bw[0..dim-1] (> 0) as a mixture whose
 * spec is name; binned (above) when n > max_comp, with *cell (if non-NULL)
 * set to c, else 0. */
int gl_data_kde(const double *rows, size_t n, int dim, const double *bw, size_t max_comp,
                const char *name, gl_mix **out, double *cell, gl_err *err);

/* m rows drawn uniformly, with replacement, from the n rows (dim columns
 * each) into x: one gsl_rng_uniform_int draw per row. */
void gl_data_sample(const double *rows, size_t n, int dim, const gsl_rng *r, size_t m, double *x);

#endif
