/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mix.h — 1-D and 2-D mixtures of Gaussians and uniforms, parsed from a spec
 * (the gl_mix type, made of gl_comp components of a gl_comp_kind).
 *
 *   mixture := term ('+' term)*            whitespace anywhere is ignored
 *   term    := [weight '*'] atom
 *   atom    := N(mu, sigma) | U(a, b)                              1-D
 *            | N2(mx, my, sx, sy [, rho]) | U2(ax, bx, ay, by)     2-D
 *            | ring(k, r, s) | grid(n, spacing, s)                 2-D presets
 *
 * Weights are all given (positive, summing to 1 within 1e-9) or all omitted
 * (equal weight per term). A preset term expands into equal-weight N2 modes
 * sharing the term's weight: ring(k,r,s) has mode i at
 * (r cos(2 pi i/k), r sin(2 pi i/k)), grid(n,d,s) has modes at
 * (d (i-(n-1)/2), d (j-(n-1)/2)), all with standard deviation s in x and y.
 *
 * Densities are evaluated in log space (log-sum-exp over components), so far
 * tails and far-apart modes never underflow to 0/0. */
#ifndef GL_MIX_H
#define GL_MIX_H

#include <stddef.h>
#include <gsl/gsl_rng.h>

#include "gl.h"

typedef enum {
    GL_COMP_N,  /* 1-D Gaussian: mu[0], sd[0] */
    GL_COMP_U,  /* 1-D uniform on [lo[0], hi[0]] */
    GL_COMP_N2, /* 2-D Gaussian: mu[0..1], sd[0..1], rho */
    GL_COMP_U2  /* 2-D uniform on [lo[0],hi[0]] x [lo[1],hi[1]] */
} gl_comp_kind;

typedef struct {
    gl_comp_kind kind;
    double w;       /* weight, in (0, 1] */
    double logw;    /* log(w) */
    double mu[2], sd[2], rho; /* Gaussians */
    double lo[2], hi[2];      /* uniforms */
    double lognorm; /* log of the component's normalising constant:
                       N: -log(sd sqrt(2 pi)); N2: -log(2 pi sx sy sqrt(1-rho^2));
                       U: -log(b-a); U2: -log((bx-ax)(by-ay)) */
} gl_comp;

typedef struct {
    int dim;        /* 1 or 2 */
    size_t n;       /* number of components after preset expansion */
    gl_comp *comp;  /* n components */
    double *cdf;    /* n cumulative weights, cdf[n-1] == 1, for sampling */
    char *spec;     /* the spec text as given (for metadata) */
} gl_mix;

/* The supported range (docs/spec.md): the specs whose exact quantities the
 * quadrature resolves. Every location (a mean, a uniform's edge, a preset's
 * outermost mode) lies within +-GL_MIX_LOC_MAX; every scale (a standard
 * deviation, a uniform's width, a 2-D Gaussian's conditional sd
 * s sqrt(1 - rho^2)) lies in [GL_MIX_SCALE_MIN, GL_MIX_SCALE_MAX] and is at
 * least GL_MIX_REL_MIN times its component's largest |location|. Outside it
 * gl_mix_parse refuses the spec and names the bound. */
#define GL_MIX_LOC_MAX 1e6
#define GL_MIX_SCALE_MIN 1e-6
#define GL_MIX_SCALE_MAX 1e6
#define GL_MIX_REL_MIN 1e-8

/* Parses spec into a newly allocated mixture (*out), or returns GL_EINVAL and
 * an error message quoting the spec and naming the 1-based column of the
 * offending text, e.g.
 *   spec "N(0,-1)": sigma must be > 0, got -1 (column 5) */
int gl_mix_parse(const char *spec, gl_mix **out, gl_err *err);

void gl_mix_free(gl_mix *m); /* NULL is a no-op */

/* Re-points m's first component, a 1-D Gaussian, at N(mu, sigma) in place
 * (its weight and the others unchanged): for the loops that move one
 * Gaussian (fits, flows) without parsing a spec at every step. */
void gl_mix_set_gauss(gl_mix *m, double mu, double sigma);

/* The spec text as messages quote it: on one line (whitespace as spaces,
 * other control characters as '?'), its first 160 bytes then "...". A buffer
 * of GL_MIX_QUOTE_LEN holds any; a shorter one (n >= 1) cuts it shorter. */
#define GL_MIX_QUOTE_LEN 164
void gl_mix_quote(const char *spec, char *buf, size_t n);

/* log density at x (x[0] in 1-D, x[0],x[1] in 2-D); -inf outside the support.
 * A uniform's density is positive on the closed interval [a, b]. */
double gl_mix_logpdf(const gl_mix *m, const double *x);
double gl_mix_pdf(const gl_mix *m, const double *x);

/* The score d/dx log p(x) of a 1-D mixture of Gaussians, computed in log
 * space (each component's responsibility times its own score); NaN for a
 * 2-D mixture or one with a uniform component, or where p(x) = 0. */
double gl_mix_score(const gl_mix *m, double x);

/* Index of the component with the largest w_i p_i(x) (the first on ties), or
 * m->n where every component's density is 0. Far from all modes the log
 * density follows this component's quadratic, so where it changes log p has
 * a near-corner: quadrature uses it as a regime label. */
size_t gl_mix_top(const gl_mix *m, const double *x);

/* n independent samples written row-major: sample i at x[i*dim .. i*dim+dim-1]. */
void gl_mix_sample(const gl_mix *m, const gsl_rng *r, size_t n, double *x);
/* The same draws, bit for bit, and in comp[i] (if comp is not NULL) the
 * index of the component sample i came from: the label of a conditional GAN. */
void gl_mix_sample_comp(const gl_mix *m, const gsl_rng *r, size_t n, double *x, size_t *comp);
/* A component index drawn by the weights (the draw gl_mix_sample makes first). */
size_t gl_mix_draw_comp(const gl_mix *m, const gsl_rng *r);
/* The mixture of components first .. first+count-1 of m, reweighted to sum to
 * 1: p(x | the component is one of them), the conditional density of a label
 * covering those components. Its spec text says which they are. */
int gl_mix_sub(const gl_mix *m, size_t first, size_t count, gl_mix **out, gl_err *err);

/* 1 if some component is Gaussian (support unbounded), else 0. */
int gl_mix_unbounded(const gl_mix *m);

/* Sorted, duplicate-free breakpoints along axis (0 = x, 1 = y) for quadrature:
 * every Gaussian's mu + j*sd for j in {-8,-4,-2,-1,0,1,2,4,8}, every uniform's
 * edges. Writes at most maxbp values and returns how many there are in total
 * (so a return value > maxbp means the buffer was too small). */
size_t gl_mix_breakpoints(const gl_mix *m, int axis, double *bp, size_t maxbp);
/* At least the count above on either axis, cheaply: a buffer this large
 * makes gl_mix_breakpoints allocate nothing. */
size_t gl_mix_breakpoints_max(const gl_mix *m);

/* The box holding a mixture's mass along axis: every uniform's edges and
 * every Gaussian's mean +- k sd (k = 6: less than 2e-9 of each Gaussian's
 * mass lies beyond). Widens [*lo, *hi], which the caller initialises (to
 * +inf, -inf for one mixture; call again to cover several). */
void gl_mix_box(const gl_mix *m, int axis, double k, double *lo, double *hi);

/* Mean and variance of the marginal along axis. */
double gl_mix_mean(const gl_mix *m, int axis);
double gl_mix_var(const gl_mix *m, int axis);

#endif
