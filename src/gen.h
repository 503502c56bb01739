/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gen.h — the exact density of a 1-D generator x = G(z), z ~ p_z: the
 * gl_pushforward type and its functions gl_pushforward_*.
 *
 * For G: R -> R and noise z ~ N(0,1) or U(-1,1), the pushforward density is a
 * sum over *all* preimages (a non-monotone G folds mass onto itself):
 *   p_g(x) = sum_{z: G(z) = x} p_z(z) / |G'(z)|.
 * G is split at its folds (zeros of G' where G' changes sign, i.e. its local
 * extrema) into monotone pieces; on each piece whose image contains x the one
 * preimage is found by safeguarded Newton on G(z) - x (G and G' in one pass
 * of the net, from the root of the cubic through the grid's values and
 * slopes, each step to the root of the local quadratic model with G'' from
 * that cubic, then from the last two G'; bisection where a step would leave
 * the bracket), and the terms are
 * summed in log space. The CDF, P(G(z) <= x), is computed from the same pieces
 * through the noise CDF at the preimages, without the density: integrating
 * the density and differentiating the CDF are independent checks of each
 * other.
 *
 * Noise and its z range. U(-1,1): z in [-1, 1], p_z = 1/2. N(0,1): z in
 * [-GL_PUSHFORWARD_ZMAX, GL_PUSHFORWARD_ZMAX] = [-8.5, 8.5]; the mass beyond,
 * 2 Phi(-8.5) < 2e-17, is ignored (below the rounding of a probability near 1),
 * so p_g is that of z truncated to the range, and range() is its support.
 *
 * Resolution. Folds are found from sign changes of G' on a uniform grid of
 * ngrid points over the z range, each refined by Brent's method on G' to
 * ~1e-14. A fold pair narrower than a grid cell is looked for in two ways:
 * where |G'| has a local minimum on the grid (a shoulder), the minimum is
 * searched for a sign change; where the secant slope of G across a cell lies
 * outside the values of G' at its ends (G' is not monotone inside), the cell
 * is subdivided, twice if need be (to 1/256 of a cell). For a ReLU or leaky
 * network, piecewise linear, every kink between walk points where G' differs
 * is located (G' is constant between kinks): folds are the kinks where G'
 * changes sign, and p_g jumps at the image of every kink. A dip of G' that
 * none of these sees is missed (a wiggle much smaller than a cell), so ngrid
 * should resolve G's features: GL_PUSHFORWARD_NGRID suits networks with
 * O(1..10) weights.
 *
 * Accuracy. Away from fold images the preimages are good to ~1e-14 and
 * log p_g to ~1e-12 (for a G the net computes to ~1e-16). Near the image
 * x_f of a fold the preimage is ill-conditioned (G's rounding moves it by
 * eps/|G'|), so within 1e-12 S of x_f (S = |x_f| + the width of the range)
 * logpdf follows the power law c |x - x_f|^-1/2 fitted just outside (or
 * |x - x_f|^0 at a kink, the fold of a ReLU net); there the CDF is good to
 * ~1e-8 absolute only.
 *
 * Where G is constant on an interval (a ReLU network's dead stretch), p_g has
 * a point mass there, which a density cannot express: the CDF jumps by its
 * mass (exactly at the atom it may return either side of the jump), logpdf
 * within ~1e-14 of the atom is +inf or a one-sided value, and the atom is
 * missing from the integral of exp(logpdf). Smooth activations (tanh,
 * sigmoid) have no such atoms.
 *
 * The pushforward holds a pointer to G, not a copy: call
 * gl_pushforward_update after G's parameters change. update, logpdf, cdf and
 * sample run G's forward and backward passes, so they overwrite G's stored
 * activations (net->h, net->n): do not interleave them between a gl_mlp_forward
 * and the gl_mlp_backward that relies on it. They never touch net->grads.
 * GSL's failures come back as statuses, which needs gl_init() (gl.h). */
#ifndef GL_GEN_H
#define GL_GEN_H

#include <stddef.h>
#include <gsl/gsl_rng.h>

#include "gl.h"
#include "mlp.h"
#include "noise.h"


#define GL_PUSHFORWARD_ZMAX 8.5   /* N(0,1) noise is taken on [-ZMAX, ZMAX] */
#define GL_PUSHFORWARD_NGRID 2048 /* a grid fine enough for most generators */

typedef struct gl_pushforward gl_pushforward; /* opaque */

/* A pushforward of noise through G, which must map 1 input to 1 output with a
 * linear output layer (a batch-normalised G is taken in evaluation mode), on a
 * grid of 64 <= ngrid <= 2^20 z points; computes the pieces for G's current
 * parameters (gl_pushforward_update), so it fails like update does. One block
 * for the grid, pieces and breakpoints (~300 bytes a grid point), plus GSL's
 * root-solver state. */
int gl_pushforward_alloc(gl_pushforward **out, gl_mlp *G, gl_noise noise, size_t ngrid,
                         gl_err *err);
void gl_pushforward_free(gl_pushforward *pf); /* NULL is a no-op */

/* Recomputes G and G' on the grid, the folds and the monotone pieces after
 * G's parameters changed. Allocates nothing. GL_EDIVERGE if G or G' is not
 * finite on the grid, GL_ENOCONV if G has more folds than the pieces can
 * hold (2 ngrid: a finer grid cannot help, G is noise). After a failure the
 * pushforward is unusable (logpdf/cdf NaN, no breakpoints) until an update
 * succeeds. */
int gl_pushforward_update(gl_pushforward *pf, gl_err *err);
/* Generator outputs beyond this size make update fail with GL_EDIVERGE. */
#define GL_PUSHFORWARD_GMAX 1e15

/* log p_g(x) = log sum over every preimage z_k of p_z(z_k)/|G'(z_k)|, each z_k
 * to ~1e-14; -inf where x has no preimage (outside range()). At the image of
 * a fold, where p_g has an integrable inverse-square-root singularity, the
 * value is +inf or merely huge. NaN for a NaN x. */
double gl_pushforward_logpdf(gl_pushforward *pf, double x);

/* P(G(z) <= x): the sum over monotone pieces of the p_z-mass of
 * {z in piece: G(z) <= x}, via the noise CDF at the preimages. 0 below
 * range(), 1 from its top on. */
double gl_pushforward_cdf(gl_pushforward *pf, double x);

/* Sorted distinct breakpoints for quadrature of p_g: the images of every fold
 * (where p_g has an inverse-square-root singularity), of both ends of the z
 * range (where p_g jumps or ends) and of every kink of a ReLU/leaky G (where
 * p_g jumps); then the images of every shoulder (a local
 * minimum of |G'| without a fold, where p_g peaks) and of a few noise
 * quantiles (z = 0, +-1, +-2, +-4 for N(0,1); 0, +-1/2 for U(-1,1)), which
 * for a monotone G are the quantiles of p_g and in any case place nodes where
 * its mass is -- these last two kinds only where farther than 1e-3 of the
 * range's width from an image of the first two: QUADPACK mistakes the steep
 * flank of a singularity just beyond an interval's end for one at the end.
 * Writes at most maxbp values (bp may be NULL if maxbp is 0) and returns the
 * total count, so a return value > maxbp means bp was too small; at most
 * 7 ngrid/2 + 9, typically a dozen (a few dozen for a ReLU G); 0 after a
 * failed update. */
size_t gl_pushforward_breakpoints(const gl_pushforward *pf, double *bp, size_t maxbp);

/* [lo, hi] = range of G over the z range: the support of p_g (up to the
 * ignored N(0,1) tail). NaN after a failed update. */
void gl_pushforward_range(const gl_pushforward *pf, double *lo, double *hi);

/* n samples x = G(z) for fresh z ~ p_z drawn from r (N(0,1) untruncated),
 * written into x, which also serves as the scratch for the z (NaN if pf is
 * NULL). */
void gl_pushforward_sample(gl_pushforward *pf, const gsl_rng *r, size_t n, double *x);

#endif
