/* SPDX-License-Identifier: GPL-3.0-or-later */
/* quad.h — integration over the real line and the plane.
 *
 * 1-D: GSL QAGS on each interval [bp[i], bp[i+1]], plus QAGIL on
 * (-inf, bp[0]] and QAGIU on [bp[nbp-1], +inf): the whole line, with the
 * places where the integrand changes character (modes, uniform edges, the
 * folds of a generator's density) given to the integrator instead of left
 * for it to find. (One QAGP across all the intervals is cheaper, but its
 * extrapolation across intervals that end at singularities can return a
 * wrong value with a tiny error estimate.)
 *
 * 2-D: nested, x outside and y inside, each over the whole line, with one
 * QAGP over the breakpoints of each axis (3-4x faster than interval by
 * interval; the 2-D integrands are mixture densities, smooth but for the
 * corners located by split). With split, where a kink curve is tangent to an
 * x-slice the outer integrand has a square-root corner; if the outer QAGP
 * fails, the outer integral is redone interval by interval with QAGS. (tv of
 * ring(8,2,0.2) against N2(0,0,2,2) still stops at 1.2e-5 relative.)
 *
 * Tolerances (relative, with an absolute floor for integrals that are ~0):
 *   1-D   epsrel 1e-12, epsabs 1e-15
 *   2-D   inner epsrel 1e-10, epsabs 1e-13; outer epsrel 1e-9, epsabs 1e-13
 * abserr is GSL's error estimate summed over the pieces (2-D: plus the worst
 * inner estimate times the width of the x breakpoint range); a 2-D result
 * is accepted when that total is <= 1e-6 relative. QUADPACK's failures come
 * back as statuses, which needs gl_init() (gl.h). */
#ifndef GL_QUAD_H
#define GL_QUAD_H

#include <stddef.h>

#include "gl.h"

typedef double (*gl_fn1)(double x, void *params);
typedef double (*gl_fn2)(double x, double y, void *params);

/* A quadrature workspace (the gl_quad_workspace type, functions
 * gl_quad_workspace_*): GSL's integration workspaces and the scratch for
 * breakpoints and kinks, allocated once and passed to every integral of a loop.
 * Its scratch grows to the largest call it has served and never shrinks, so
 * after its first calls a workspace allocates nothing (gl_quad_workspace_grows
 * counts the growths, for tests). One workspace serves one thread. Every
 * function below that takes a workspace also accepts NULL, and then allocates
 * a temporary one for that call. */
typedef struct gl_quad_workspace gl_quad_workspace;
int gl_quad_workspace_alloc(gl_quad_workspace **out, gl_err *err);
void gl_quad_workspace_free(gl_quad_workspace *ws); /* NULL is a no-op */
size_t gl_quad_workspace_grows(const gl_quad_workspace *ws);
/* ws itself, or (ws NULL) a new temporary workspace, also stored in *tmp for
 * the caller to free; NULL with err set if it cannot be allocated. The idiom
 * of every function that accepts a NULL workspace. */
gl_quad_workspace *gl_quad_workspace_use(gl_quad_workspace *ws, gl_quad_workspace **tmp,
                                         gl_err *err);
/* A scratch array of at least n doubles, for the caller's breakpoints; valid
 * until the next call on ws. NULL (and err set) when it cannot grow. */
double *gl_quad_workspace_points(gl_quad_workspace *ws, size_t n, gl_err *err);
/* Scratch of at least bytes bytes (aligned for any type, contents undefined),
 * which the integrals on ws never touch: for a caller's cache that must
 * outlive several integrals (gl_fdiv_eval_many's densities). Valid until the
 * next call of this function on ws; NULL (and err set) when it cannot grow. */
void *gl_quad_workspace_cache(gl_quad_workspace *ws, size_t bytes, gl_err *err);

/* Integral of f over the real line. bp: nbp >= 2 sorted distinct breakpoints. */
int gl_quad_line(gl_fn1 f, void *params, const double *bp, size_t nbp, gl_quad_workspace *ws,
                 double *result, double *abserr, gl_err *err);

/* Integral of f over the plane; bpx/bpy as for gl_quad_line, per axis. */
int gl_quad_plane(gl_fn2 f, void *params, const double *bpx, size_t nx,
                  const double *bpy, size_t ny, gl_quad_workspace *ws, double *result,
                  double *abserr, gl_err *err);

/* The same with kinks located for the integrator: split (same params) returns
 * a regime label (e.g. the sign of p - q, or which mixture component
 * dominates), and where the label changes f may have a corner (|p - q|,
 * |D - D*|, log of a mixture far from its modes). Each interval between
 * breakpoints is scanned at GL_QUAD_SCAN points along the integration axis
 * (GL_QUAD_SCAN_2D along the inner axis y in 2-D, where it runs once per
 * outer node), every change is refined by bisection to 1e-13 relative, and
 * added as a breakpoint; a change and its reversal between two scan points
 * are missed. split may be NULL. */
#define GL_QUAD_SCAN 24
#define GL_QUAD_SCAN_2D 8
int gl_quad_line_split(gl_fn1 f, gl_fn1 split, void *params, const double *bp,
                       size_t nbp, gl_quad_workspace *ws, double *result, double *abserr,
                       gl_err *err);
int gl_quad_plane_split(gl_fn2 f, gl_fn2 split, void *params, const double *bpx,
                        size_t nx, const double *bpy, size_t ny, gl_quad_workspace *ws,
                        double *result, double *abserr, gl_err *err);

#endif
