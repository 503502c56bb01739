/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test_mlp.c — src/mlp.c: gradients against central finite differences,
 * forward against a naive reference, reproducibility, initialisation
 * statistics, activations at their limits, and every error path. */
#include <check.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "bn.h"
#include "mlp.h"

#define MAXN 4096 /* scratch capacity: batch x width */

static gl_mlp *make_net(size_t nlayers, const size_t *sizes, gl_act act, double leak,
                        size_t maxbatch, unsigned long seed)
{
    gl_mlp *net = NULL;
    gl_err err;
    int st = gl_mlp_alloc(&net, nlayers, sizes, act, leak, maxbatch, &err);
    ck_assert_msg(st == GL_OK, "gl_mlp_alloc: %s", err.msg);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, seed);
    gl_mlp_init(net, r);
    gsl_rng_free(r);
    return net;
}

static void uniform_fill(double *v, size_t n, double a, unsigned long seed)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, seed);
    for (size_t i = 0; i < n; i++)
        v[i] = a * (2.0 * gsl_rng_uniform(r) - 1.0);
    gsl_rng_free(r);
}

static double act_ref(gl_act act, double leak, double z)
{
    switch (act) {
    case GL_ACT_TANH: return tanh(z);
    case GL_ACT_SIGMOID: return 1.0 / (1.0 + exp(-z));
    case GL_ACT_RELU: return z > 0 ? z : 0.0;
    case GL_ACT_LEAKY: return z > 0 ? z : leak * z;
    default: return z;
    }
}

/* Naive reference forward: sample by sample, row-major W, libm activations.
 * Returns the smallest |pre-activation| of any hidden unit (the distance to
 * the kink of a (leaky) ReLU). */
static double ref_forward(const gl_mlp *net, const double *x, size_t n, double *y)
{
    double a[64], b[64], zmin = INFINITY;
    for (size_t l = 0; l <= net->nlayers; l++)
        ck_assert(net->sizes[l] <= 64);
    for (size_t s = 0; s < n; s++) {
        memcpy(a, x + s * net->sizes[0], net->sizes[0] * sizeof(double));
        for (size_t l = 0; l < net->nlayers; l++) {
            size_t in = net->sizes[l], out = net->sizes[l + 1];
            const double *W = net->params + net->woff[l], *bias = net->params + net->boff[l];
            for (size_t o = 0; o < out; o++) {
                double z = bias[o];
                for (size_t i = 0; i < in; i++)
                    z += W[o * in + i] * a[i];
                if (l + 1 < net->nlayers) {
                    if (fabs(z) < zmin)
                        zmin = fabs(z);
                    z = act_ref(net->act, net->leak, z);
                }
                b[o] = z;
            }
            memcpy(a, b, out * sizeof(double));
        }
        memcpy(y + s * net->sizes[net->nlayers], a, net->sizes[net->nlayers] * sizeof(double));
    }
    return zmin;
}

/* L = sum c .* net(x) */
static double loss_at(gl_mlp *net, const double *x, size_t n, const double *c)
{
    double y[MAXN], L = 0;
    gl_mlp_forward(net, x, n, y);
    for (size_t k = 0; k < n * net->sizes[net->nlayers]; k++)
        L += c[k] * y[k];
    return L;
}

/* Largest relative error of analytic a against finite differences f, each
 * component relative to max(|a_i|, 1e-3 max|a|): a relative error for every
 * component that matters, an absolute one at the 1e-3 level for the rest. */
static double rel_err(const double *a, const double *f, size_t n, double *amax)
{
    double m = 0, e = 0;
    for (size_t i = 0; i < n; i++)
        if (fabs(a[i]) > m)
            m = fabs(a[i]);
    for (size_t i = 0; i < n; i++) {
        double den = fmax(fabs(a[i]), 1e-3 * m);
        double r = den > 0 ? fabs(a[i] - f[i]) / den : fabs(a[i] - f[i]);
        if (r > e)
            e = r;
    }
    *amax = m;
    return e;
}

/* Central differences, step H = 1e-5 on each parameter and input (all O(1)).
 * Why relative error 1e-6 is within reach: the truncation error H^2/6 |L'''|
 * ~ 2e-11 |L'''| (zero for piecewise-linear nets away from kinks), and the
 * rounding error of the difference ~ (10 eps |L|)/(2H) ~ 1e-10 |L|, which for
 * the smallest component compared (1e-3 of the largest, see rel_err) is
 * ~1e-7 |L|/max|g|; the worst case measured over the nets below is 3.3e-8.
 * For (leaky) ReLU a perturbation moves a pre-activation by at most
 * ~H |x| |W| ~ 1e-4, so the test asserts that no hidden pre-activation is
 * within 1e-3 of the kink at the test point (then L is linear in each single
 * coordinate over the whole stencil). */
#define FD_H 1e-5
#define FD_TOL 1e-6

static double fd_check_h(gl_mlp *net, size_t n, unsigned long seed, double xscale, double H);

static double fd_check(gl_mlp *net, size_t n, unsigned long seed, double xscale)
{
    return fd_check_h(net, n, seed, xscale, FD_H);
}

static double fd_check_h(gl_mlp *net, size_t n, unsigned long seed, double xscale, double H)
{
    size_t in = net->sizes[0], out = net->sizes[net->nlayers], np = net->nparams;
    double x[MAXN], c[MAXN], yref[MAXN], dx[MAXN], fdx[MAXN];
    double *g = malloc(np * sizeof(double)), *fg = malloc(np * sizeof(double));
    ck_assert(g && fg);
    ck_assert(n * in <= MAXN && n * out <= MAXN);
    uniform_fill(x, n * in, xscale, seed);
    uniform_fill(c, n * out, 1.0, seed + 1);

    double zmin = ref_forward(net, x, n, yref);
    if (net->act == GL_ACT_RELU || net->act == GL_ACT_LEAKY)
        ck_assert_msg(zmin > 1e-3, "test point within %g of a kink: choose another seed", zmin);

    gl_mlp_forward(net, x, n, yref);
    gl_mlp_zero_grad(net);
    gl_mlp_backward(net, c, dx, 1);
    memcpy(g, net->grads, np * sizeof(double));

    for (size_t k = 0; k < np; k++) {
        double p = net->params[k];
        net->params[k] = p + H;
        double lp = loss_at(net, x, n, c);
        net->params[k] = p - H;
        double lm = loss_at(net, x, n, c);
        net->params[k] = p;
        fg[k] = (lp - lm) / (2 * H);
    }
    for (size_t k = 0; k < n * in; k++) {
        double v = x[k];
        x[k] = v + H;
        double lp = loss_at(net, x, n, c);
        x[k] = v - H;
        double lm = loss_at(net, x, n, c);
        x[k] = v;
        fdx[k] = (lp - lm) / (2 * H);
    }

    double gmax, xmax;
    double eg = rel_err(g, fg, np, &gmax), ex = rel_err(dx, fdx, n * in, &xmax);
    /* guards: a zero gradient would pass any comparison */
    ck_assert_msg(gmax > 1e-2, "parameter gradient ~0 (max %g)", gmax);
    ck_assert_msg(xmax > 1e-4, "input gradient ~0 (max %g)", xmax);
    for (size_t l = 0; l < net->nlayers; l++) {
        double m = 0;
        for (size_t k = net->woff[l]; k < net->boff[l]; k++)
            m = fmax(m, fabs(g[k]));
        ck_assert_msg(m > 1e-6, "weight gradient of layer %zu ~0 (max %g)", l, m);
    }
    ck_assert_msg(eg < FD_TOL, "%s net: parameter gradient rel err %g", gl_act_name(net->act), eg);
    ck_assert_msg(ex < FD_TOL, "%s net: input gradient rel err %g", gl_act_name(net->act), ex);
    free(g);
    free(fg);
    return fmax(eg, ex);
}

static void check_net(size_t nlayers, const size_t *sizes, gl_act act, double leak, size_t n,
                      unsigned long seed)
{
    gl_mlp *net = make_net(nlayers, sizes, act, leak, n, seed);
    /* nonzero biases, so that their path through the network is tested too */
    for (size_t l = 0; l < nlayers; l++)
        uniform_fill(net->params + net->boff[l], sizes[l + 1], 0.3, seed + 7 + l);
    fd_check(net, n, seed + 100, 1.5);
    gl_mlp_free(net);
}

/* Widths of 5..32 and batches of 9..37 cover every path of the kernels for
 * vector widths 1 to 8: blocks of 4 rows and the rows left, blocks of 2 VW
 * columns and the columns left, the weight gradient as a blocked product
 * (inputs >= 2 VW) and as dot products. */
START_TEST(test_grad_tanh)
{
    const size_t s1[] = {2, 9, 10, 1};      /* 2-D input, 2 hidden layers */
    check_net(3, s1, GL_ACT_TANH, 0, 21, 11);
    const size_t s2[] = {1, 16, 16, 1};     /* the gan1d generator */
    check_net(3, s2, GL_ACT_TANH, 0, 19, 12);
    const size_t s3[] = {2, 5, 6, 7, 5, 2}; /* 4 hidden layers, 2 outputs */
    check_net(5, s3, GL_ACT_TANH, 0, 9, 13);
    const size_t s4[] = {3, 20, 19, 2};     /* ragged blocks for every width */
    check_net(3, s4, GL_ACT_TANH, 0, 37, 14);
}
END_TEST

START_TEST(test_grad_sigmoid)
{
    const size_t s[] = {2, 6, 5, 3};
    check_net(3, s, GL_ACT_SIGMOID, 0, 11, 21);
}
END_TEST

START_TEST(test_grad_leaky)
{
    const size_t s1[] = {1, 32, 32, 1};     /* the gan1d discriminator */
    check_net(3, s1, GL_ACT_LEAKY, 0.2, 17, 31);
    const size_t s2[] = {2, 7, 9, 2};
    check_net(3, s2, GL_ACT_LEAKY, 0.01, 13, 32);
}
END_TEST

START_TEST(test_grad_relu)
{
    const size_t s[] = {2, 9, 6, 1};
    check_net(3, s, GL_ACT_RELU, 0, 10, 41);
}
END_TEST

START_TEST(test_grad_linear)
{
    const size_t s1[] = {3, 4, 5, 2};
    check_net(3, s1, GL_ACT_LINEAR, 0, 9, 51);
    const size_t s2[] = {2, 1};              /* a single affine layer */
    check_net(1, s2, GL_ACT_LINEAR, 0, 17, 52);
}
END_TEST

/* The generator step needs only dL/dx through D: param_grads = 0 must leave
 * net->grads alone and give the same dx, bit for bit. */
START_TEST(test_backward_no_param_grads)
{
    const size_t s[] = {2, 9, 10, 1};
    gl_mlp *net = make_net(3, s, GL_ACT_LEAKY, 0.2, 20, 61);
    double x[40], c[20], y[20], dx1[40], dx2[40], g0[256];
    uniform_fill(x, 40, 1.0, 62);
    uniform_fill(c, 20, 1.0, 63);
    ck_assert(net->nparams <= 256);
    uniform_fill(g0, net->nparams, 5.0, 64); /* sentinel gradient contents */
    memcpy(net->grads, g0, net->nparams * sizeof(double));
    gl_mlp_forward(net, x, 20, y);
    gl_mlp_backward(net, c, dx1, 0);
    ck_assert_msg(memcmp(net->grads, g0, net->nparams * sizeof(double)) == 0,
                  "param_grads = 0 changed net->grads");
    gl_mlp_backward(net, c, dx2, 1);
    ck_assert_msg(memcmp(dx1, dx2, sizeof dx1) == 0, "dx depends on param_grads");
    ck_assert_msg(memcmp(net->grads, g0, net->nparams * sizeof(double)) != 0,
                  "param_grads = 1 left net->grads unchanged");
    double m = 0;
    for (size_t k = 0; k < 40; k++)
        m = fmax(m, fabs(dx1[k]));
    ck_assert_msg(m > 1e-3, "dx ~0 (max %g)", m);
    /* param_grads = 0 and dx = NULL: nothing to do, nothing touched */
    memcpy(net->grads, g0, net->nparams * sizeof(double));
    gl_mlp_backward(net, c, NULL, 0);
    ck_assert(memcmp(net->grads, g0, net->nparams * sizeof(double)) == 0);
    gl_mlp_free(net);
}
END_TEST

/* backward adds into grads: two calls give twice one call, exactly (each sum
 * is formed first, then added once). */
START_TEST(test_backward_accumulates)
{
    const size_t s[] = {2, 9, 10, 1};
    gl_mlp *net = make_net(3, s, GL_ACT_TANH, 0, 21, 71);
    double x[42], c[21], y[21], g1[256];
    uniform_fill(x, 42, 1.0, 72);
    uniform_fill(c, 21, 1.0, 73);
    gl_mlp_forward(net, x, 21, y);
    gl_mlp_zero_grad(net);
    gl_mlp_backward(net, c, NULL, 1);
    memcpy(g1, net->grads, net->nparams * sizeof(double));
    gl_mlp_backward(net, c, NULL, 1);
    size_t nonzero = 0;
    for (size_t k = 0; k < net->nparams; k++) {
        ck_assert_msg(net->grads[k] == 2 * g1[k], "grads[%zu] = %.17g, twice one call %.17g", k,
                      net->grads[k], 2 * g1[k]);
        nonzero += g1[k] != 0;
    }
    ck_assert_msg(nonzero == net->nparams, "%zu of %zu gradients are zero", nonzero,
                  net->nparams);
    gl_mlp_zero_grad(net);
    for (size_t k = 0; k < net->nparams; k++)
        ck_assert(net->grads[k] == 0);
    gl_mlp_free(net);
}
END_TEST

/* The forward pass against the naive reference (libm tanh vs ours: a few
 * ulp), for every activation. */
START_TEST(test_forward_reference)
{
    const size_t s[] = {2, 9, 10, 3};
    const gl_act acts[] = {GL_ACT_LINEAR, GL_ACT_TANH, GL_ACT_SIGMOID, GL_ACT_RELU,
                           GL_ACT_LEAKY};
    for (size_t a = 0; a < 5; a++) {
        gl_mlp *net = make_net(3, s, acts[a], 0.2, 37, 81 + a);
        for (size_t l = 0; l < 3; l++)
            uniform_fill(net->params + net->boff[l], s[l + 1], 0.5, 90 + l);
        double x[74], y[111], yr[111], ymax = 0, e = 0;
        uniform_fill(x, 74, 2.0, 95);
        gl_mlp_forward(net, x, 37, y);
        ref_forward(net, x, 37, yr);
        for (size_t k = 0; k < 111; k++) {
            ymax = fmax(ymax, fabs(yr[k]));
            e = fmax(e, fabs(y[k] - yr[k]));
        }
        ck_assert_msg(ymax > 0.1, "%s: output ~0", gl_act_name(acts[a]));
        ck_assert_msg(e <= 1e-14 * ymax, "%s: forward differs from reference by %g",
                      gl_act_name(acts[a]), e);
        gl_mlp_free(net);
    }
}
END_TEST

/* One seed reproduces a network bit for bit; another seed gives another. */
START_TEST(test_reproducible)
{
    const size_t s[] = {1, 32, 32, 1};
    double x[100], y1[100], y2[100], y3[100];
    uniform_fill(x, 100, 3.0, 101);
    gl_mlp *a = make_net(3, s, GL_ACT_LEAKY, 0.2, 100, 2024);
    gl_mlp *b = make_net(3, s, GL_ACT_LEAKY, 0.2, 100, 2024);
    gl_mlp *c = make_net(3, s, GL_ACT_LEAKY, 0.2, 100, 2025);
    gl_mlp_forward(a, x, 100, y1);
    gl_mlp_forward(b, x, 100, y2);
    gl_mlp_forward(c, x, 100, y3);
    ck_assert(memcmp(a->params, b->params, a->nparams * sizeof(double)) == 0);
    ck_assert(memcmp(y1, y2, sizeof y1) == 0);
    ck_assert(memcmp(a->params, c->params, a->nparams * sizeof(double)) != 0);
    ck_assert(memcmp(y1, y3, sizeof y1) != 0);
    gl_mlp_free(a);
    gl_mlp_free(b);
    gl_mlp_free(c);
}
END_TEST

/* A sample's output does not depend on the batch around it: the blocked and
 * the tail code paths do the same operations in the same order. */
START_TEST(test_batch_independent)
{
    const size_t s[] = {2, 9, 10, 2};
    const gl_act acts[] = {GL_ACT_TANH, GL_ACT_LEAKY, GL_ACT_SIGMOID};
    for (size_t a = 0; a < 3; a++) {
        gl_mlp *net = make_net(3, s, acts[a], 0.2, 29, 111);
        double x[58], y[58], y1[2], c[58], dx[58], dx1[2];
        uniform_fill(x, 58, 2.0, 112);
        uniform_fill(c, 58, 1.0, 113);
        gl_mlp_forward(net, x, 29, y);
        gl_mlp_backward(net, c, dx, 0);
        for (size_t i = 0; i < 29; i++) {
            gl_mlp_forward(net, x + 2 * i, 1, y1);
            gl_mlp_backward(net, c + 2 * i, dx1, 0);
            ck_assert_msg(memcmp(y1, y + 2 * i, sizeof y1) == 0,
                          "%s: sample %zu differs alone", gl_act_name(acts[a]), i);
            ck_assert_msg(memcmp(dx1, dx + 2 * i, sizeof dx1) == 0,
                          "%s: dx of sample %zu differs alone", gl_act_name(acts[a]), i);
        }
        gl_mlp_free(net);
    }
}
END_TEST

/* ---------------------------------------------------------------- limits */

static void moments(const double *w, size_t n, double *mean, double *sd, double *amax)
{
    double s = 0, ss = 0, m = 0;
    for (size_t k = 0; k < n; k++) {
        s += w[k];
        m = fmax(m, fabs(w[k]));
    }
    s /= (double)n;
    for (size_t k = 0; k < n; k++)
        ss += (w[k] - s) * (w[k] - s);
    *mean = s;
    *sd = sqrt(ss / (double)(n - 1));
    *amax = m;
}

/* Glorot: |w| <= a = sqrt(6/(fan_in + fan_out)), the bound nearly reached
 * (P(max < 0.999 a) = 0.999^60000 ~ e^-60), sd a/sqrt(3) within 2% (the
 * sampling sd of the sd is ~0.26% here) and mean within 5 sampling sd. */
START_TEST(test_init_glorot)
{
    const size_t s[] = {300, 200, 50};
    gl_mlp *net = make_net(2, s, GL_ACT_TANH, 0, 1, 121);
    for (size_t l = 0; l < 2; l++) {
        size_t nw = s[l] * s[l + 1];
        double a = sqrt(6.0 / (double)(s[l] + s[l + 1])), mean, sd, amax;
        moments(net->params + net->woff[l], nw, &mean, &sd, &amax);
        ck_assert_msg(amax <= a && amax > 0.999 * a, "layer %zu: max |w| %g, bound %g", l, amax,
                      a);
        ck_assert_msg(fabs(sd / (a / sqrt(3.0)) - 1) < 0.02, "layer %zu: sd %g, expected %g", l,
                      sd, a / sqrt(3.0));
        ck_assert_msg(fabs(mean) < 5 * a / sqrt(3.0 * (double)nw), "layer %zu: mean %g", l, mean);
        for (size_t o = 0; o < s[l + 1]; o++)
            ck_assert(net->params[net->boff[l] + o] == 0);
    }
    gl_mlp_free(net);
}
END_TEST

/* He: sd sqrt(gain^2/fan_in), gain^2 = 2/(1 + leak^2) (2 for relu), within
 * 1.5% on 120000 weights (sampling sd of the sd ~0.2%). */
START_TEST(test_init_he)
{
    const size_t s[] = {400, 300, 1};
    const gl_act acts[] = {GL_ACT_LEAKY, GL_ACT_RELU};
    for (size_t a = 0; a < 2; a++) {
        gl_mlp *net = make_net(2, s, acts[a], 0.2, 1, 131 + a);
        double gain2 = acts[a] == GL_ACT_LEAKY ? 2.0 / 1.04 : 2.0;
        double want = sqrt(gain2 / 400.0), mean, sd, amax;
        moments(net->params + net->woff[0], 120000, &mean, &sd, &amax);
        ck_assert_msg(fabs(sd / want - 1) < 0.015, "%s: sd %g, expected %g",
                      gl_act_name(acts[a]), sd, want);
        ck_assert_msg(fabs(mean) < 5 * want / sqrt(120000.0), "%s: mean %g",
                      gl_act_name(acts[a]), mean);
        ck_assert_msg(amax > 3 * want, "%s: no tail (max %g): not a normal",
                      gl_act_name(acts[a]), amax);
        gl_mlp_free(net);
    }
}
END_TEST

/* A 1-1-1 network with unit weights and zero biases is y = act(x). Our
 * vectorised tanh: within 4 eps relative of libm's over [-25, 25] and down to
 * 1e-300 (3 measured), exact at the special values. */
static gl_mlp *unit_net(gl_act act, double leak, size_t maxbatch)
{
    const size_t s[] = {1, 1, 1};
    gl_mlp *net = NULL;
    ck_assert(gl_mlp_alloc(&net, 2, s, act, leak, maxbatch, NULL) == GL_OK);
    net->params[net->woff[0]] = 1;
    net->params[net->woff[1]] = 1;
    return net;
}

START_TEST(test_tanh_accuracy)
{
    enum { N = 1000 };
    gl_mlp *net = unit_net(GL_ACT_TANH, 0, N);
    double x[N], y[N], worst = 0;
    for (int rep = 0; rep < 60; rep++) {
        for (int i = 0; i < N; i++)
            x[i] = rep < 50 ? -25.0 + 50.0 * (rep * N + i) / (50.0 * N)
                            : pow(10.0, -300.0 + 300.0 * ((rep - 50) * N + i) / (10.0 * N));
        gl_mlp_forward(net, x, N, y);
        for (int i = 0; i < N; i++) {
            double t = tanh(x[i]);
            double e = fabs(y[i] - t) / (DBL_EPSILON * fabs(t));
            if (t != 0 && e > worst)
                worst = e;
            if (t == 0)
                ck_assert(y[i] == 0);
        }
    }
    ck_assert_msg(worst <= 4, "tanh off by %g eps relative", worst);
    double sx[] = {0.0, -0.0, INFINITY, -INFINITY, NAN, 20.0, -1e6, DBL_MIN, 4.9e-324};
    double sy[9];
    gl_mlp_forward(net, sx, 9, sy);
    ck_assert(sy[0] == 0 && sy[1] == 0); /* 0 + (-0) = +0 in the layers: sign not kept */
    ck_assert(sy[2] == 1 && sy[3] == -1);
    ck_assert(isnan(sy[4]));
    ck_assert(sy[5] == 1 && sy[6] == -1);
    ck_assert(sy[7] == DBL_MIN && sy[8] == 4.9e-324);
    gl_mlp_free(net);
}
END_TEST

START_TEST(test_act_values)
{
    double x[] = {-3.0, -0.5, 0.0, 0.25, 2.0, NAN, -INFINITY, 700.0, -700.0};
    double y[9];
    gl_mlp *lk = unit_net(GL_ACT_LEAKY, 0.01, 9), *re = unit_net(GL_ACT_RELU, 0, 9);
    gl_mlp *sg = unit_net(GL_ACT_SIGMOID, 0, 9), *li = unit_net(GL_ACT_LINEAR, 0, 9);
    gl_mlp_forward(lk, x, 9, y);
    for (int i = 0; i < 9; i++)
        if (!isnan(x[i]))
            ck_assert_msg(y[i] == (x[i] > 0 ? x[i] : 0.01 * x[i]), "leaky(%g) = %g", x[i], y[i]);
    ck_assert(isnan(y[5]));
    gl_mlp_forward(re, x, 9, y);
    for (int i = 0; i < 9; i++)
        if (!isnan(x[i]))
            ck_assert_msg(y[i] == (x[i] > 0 ? x[i] : 0.0), "relu(%g) = %g", x[i], y[i]);
    ck_assert_msg(isnan(y[5]), "relu swallowed a NaN");
    gl_mlp_forward(sg, x, 9, y);
    ck_assert(y[2] == 0.5 && y[7] == 1.0 && y[8] > 0 && y[8] < 1e-300 && isnan(y[5]));
    gl_mlp_forward(li, x, 9, y);
    for (int i = 0; i < 9; i++)
        ck_assert(isnan(x[i]) ? isnan(y[i]) : y[i] == x[i]);
    /* the slope at the kink is leak (PyTorch's convention: z > 0 has slope 1) */
    double z0 = 0, dy = 1, dx;
    gl_mlp_forward(lk, &z0, 1, y);
    gl_mlp_backward(lk, &dy, &dx, 0);
    ck_assert_msg(dx == 0.01, "leaky slope at 0: %g", dx);
    gl_mlp_forward(re, &z0, 1, y);
    gl_mlp_backward(re, &dy, &dx, 0);
    ck_assert_msg(dx == 0, "relu slope at 0: %g", dx);
    gl_mlp_free(lk);
    gl_mlp_free(re);
    gl_mlp_free(sg);
    gl_mlp_free(li);
}
END_TEST

/* n = maxbatch works; a batch beyond capacity writes NaN (the training loop's
 * NaN guard reports it) and leaves nothing for backward. */
START_TEST(test_batch_capacity)
{
    const size_t s[] = {2, 5, 1};
    gl_mlp *net = make_net(2, s, GL_ACT_TANH, 0, 8, 141);
    double x[18], y[9], c[9] = {1, 1, 1, 1, 1, 1, 1, 1, 1}, dx[18];
    uniform_fill(x, 18, 1.0, 142);
    gl_mlp_forward(net, x, 8, y);
    for (int i = 0; i < 8; i++)
        ck_assert(isfinite(y[i]));
    gl_mlp_forward(net, x, 9, y);
    for (int i = 0; i < 9; i++)
        ck_assert_msg(isnan(y[i]), "y[%d] = %g beyond capacity", i, y[i]);
    gl_mlp_zero_grad(net);
    dx[0] = 42;
    gl_mlp_backward(net, c, dx, 1);
    ck_assert(dx[0] == 42);
    for (size_t k = 0; k < net->nparams; k++)
        ck_assert(net->grads[k] == 0);
    gl_mlp_free(net);
}
END_TEST

START_TEST(test_shapes)
{
    size_t s[GL_MLP_MAXLAYERS + 1];
    for (size_t l = 0; l <= GL_MLP_MAXLAYERS; l++)
        s[l] = 3 + l % 3;
    gl_mlp *net = NULL;
    ck_assert(gl_mlp_alloc(&net, GL_MLP_MAXLAYERS, s, GL_ACT_TANH, 0, 4, NULL) == GL_OK);
    size_t np = 0;
    for (size_t l = 0; l < GL_MLP_MAXLAYERS; l++) {
        ck_assert(net->woff[l] == np);
        np += s[l + 1] * s[l];
        ck_assert(net->boff[l] == np);
        np += s[l + 1];
    }
    ck_assert(net->nparams == np);
    for (size_t k = 0; k < np; k++)
        ck_assert(net->params[k] == 0 && net->grads[k] == 0);
    gl_mlp_free(net);
    gl_mlp_free(NULL);
    for (int a = GL_ACT_LINEAR; a <= GL_ACT_LEAKY; a++) {
        gl_act back;
        ck_assert(gl_act_parse(gl_act_name((gl_act)a), &back, NULL) == GL_OK);
        ck_assert(back == (gl_act)a);
    }
    ck_assert_str_eq(gl_act_name((gl_act)99), "unknown");
}
END_TEST

/* ---------------------------------------------------------------- errors */

static void expect_alloc_error(size_t nlayers, const size_t *sizes, gl_act act, double leak,
                               size_t maxbatch, const char *needle)
{
    static gl_mlp dummy;
    gl_mlp *net = &dummy; /* not NULL: alloc must reset it */
    gl_err err;
    gl_err_clear(&err);
    int st = gl_mlp_alloc(&net, nlayers, sizes, act, leak, maxbatch, &err);
    ck_assert_int_eq(st, GL_EINVAL);
    ck_assert_int_eq(err.status, GL_EINVAL);
    ck_assert(net == NULL);
    ck_assert_msg(strstr(err.msg, needle) != NULL, "message '%s' lacks '%s'", err.msg, needle);
    ck_assert_int_eq(gl_mlp_alloc(&net, nlayers, sizes, act, leak, maxbatch, NULL), GL_EINVAL);
}

START_TEST(test_alloc_errors)
{
    const size_t ok[] = {2, 4, 1, 1, 1, 1, 1, 1, 1, 1};
    const size_t zero_mid[] = {2, 0, 1};
    const size_t zero_in[] = {0, 3, 1};
    expect_alloc_error(0, ok, GL_ACT_TANH, 0, 8, "layers 0 outside 1..8");
    expect_alloc_error(9, ok, GL_ACT_TANH, 0, 8, "layers 9 outside 1..8");
    expect_alloc_error(2, NULL, GL_ACT_TANH, 0, 8, "sizes");
    expect_alloc_error(2, zero_mid, GL_ACT_TANH, 0, 8, "sizes[1] = 0");
    expect_alloc_error(2, zero_in, GL_ACT_TANH, 0, 8, "sizes[0] = 0");
    expect_alloc_error(2, ok, GL_ACT_TANH, 0, 0, "maxbatch = 0");
    expect_alloc_error(2, ok, GL_ACT_LEAKY, -0.1, 8, "leak -0.1");
    expect_alloc_error(2, ok, GL_ACT_LEAKY, 1.0, 8, "leak 1 must be finite and in [0, 1)");
    expect_alloc_error(2, ok, GL_ACT_LEAKY, NAN, 8, "leak nan");
    expect_alloc_error(2, ok, GL_ACT_LEAKY, INFINITY, 8, "leak inf");
    expect_alloc_error(2, ok, (gl_act)7, 0, 8, "activation code 7");
    const size_t huge[] = {1, (size_t)1 << 40, 1};
    expect_alloc_error(2, huge, GL_ACT_TANH, 0, (size_t)1 << 40, "too large");
    gl_err err;
    ck_assert_int_eq(gl_mlp_alloc(NULL, 2, ok, GL_ACT_TANH, 0, 8, &err), GL_EINVAL);
    ck_assert(strstr(err.msg, "out is NULL") != NULL);
}
END_TEST

START_TEST(test_act_parse_errors)
{
    const char *bad[] = {"tanhh", "Tanh", "", "leaky_relu", " relu"};
    for (size_t i = 0; i < 5; i++) {
        gl_act a = GL_ACT_SIGMOID;
        gl_err err;
        ck_assert_int_eq(gl_act_parse(bad[i], &a, &err), GL_EINVAL);
        ck_assert_int_eq(err.status, GL_EINVAL);
        ck_assert(a == GL_ACT_SIGMOID);
        char quoted[64];
        snprintf(quoted, sizeof quoted, "'%s'", bad[i]);
        ck_assert_msg(strstr(err.msg, quoted) != NULL, "message '%s' lacks %s", err.msg, quoted);
        ck_assert_msg(strstr(err.msg, "linear, tanh, sigmoid, relu, leaky") != NULL,
                      "message '%s' lacks the valid names", err.msg);
    }
    gl_err err;
    ck_assert_int_eq(gl_act_parse(NULL, NULL, &err), GL_EINVAL);
    ck_assert(strstr(err.msg, "NULL") != NULL);
    ck_assert_int_eq(gl_act_parse("bogus", NULL, NULL), GL_EINVAL);
}
END_TEST

/* ---- the input-gradient penalty (R1) ---- */

/* P = sum_{s<m} |dy/dx_s|^2 the plain way: forward, backward with dy = 1. */
static double penalty_ref(gl_mlp *net, const double *x, size_t n, size_t m)
{
    double y[MAXN], ones[MAXN], dx[MAXN], P = 0;
    size_t d = net->sizes[0];
    for (size_t s = 0; s < n; s++)
        ones[s] = 1.0;
    gl_mlp_forward(net, x, n, y);
    gl_mlp_backward(net, ones, dx, 0);
    for (size_t k = 0; k < m * d; k++)
        P += dx[k] * dx[k];
    return P;
}

/* gl_mlp_penalty's value against penalty_ref (not bit for bit: the sums run
 * in another order; 1e-12 relative is a few ulps of the terms), and its
 * parameter gradient against central differences of penalty_ref with step
 * 1e-5 on every parameter: P is smooth in the parameters for tanh/sigmoid,
 * and for leaky ReLU piecewise smooth (act'' = 0 away from the kinks), so
 * the 1e-6 argument given above for the loss gradients holds (truncation
 * ~H^2 times the third derivative, rounding ~10 eps |P| / H against the
 * 1e-3-of-max floor); for leaky the test point is checked to be 1e-3 away
 * from every kink. The gradient must be ADDED to what grads hold. */
static void check_penalty(gl_act act, const size_t *sizes, size_t nl, unsigned long seed)
{
    const size_t n = 10, m = 7;
    gl_mlp *net = make_net(nl, sizes, act, 0.2, n, seed);
    double x[MAXN], y[MAXN];
    size_t d = sizes[0];
    uniform_fill(x, n * d, 1.5, seed + 1);
    if (act == GL_ACT_LEAKY)
        ck_assert_msg(ref_forward(net, x, n, y) > 1e-3, "test point too near a kink");
    double *ws = malloc(gl_mlp_penalty_wsize(net) * sizeof *ws);
    double *g = malloc(net->nparams * sizeof *g), *fd = malloc(net->nparams * sizeof *fd);
    ck_assert(ws && g && fd);

    double Pref = penalty_ref(net, x, n, m);
    gl_mlp_forward(net, x, n, y);
    for (size_t k = 0; k < net->nparams; k++)
        net->grads[k] = 1.0; /* the penalty must add to this */
    double P = gl_mlp_penalty(net, m, 1.0, ws);
    ck_assert_msg(P > 1e-3, "penalty %g ~ 0: the comparison would be empty", P);
    ck_assert_msg(fabs(P - Pref) <= 1e-12 * Pref, "P %.17g vs reference %.17g", P, Pref);
    for (size_t k = 0; k < net->nparams; k++)
        g[k] = net->grads[k] - 1.0;

    const double H = 1e-5;
    for (size_t k = 0; k < net->nparams; k++) {
        double v = net->params[k];
        net->params[k] = v + H;
        double up = penalty_ref(net, x, n, m);
        net->params[k] = v - H;
        double dn = penalty_ref(net, x, n, m);
        net->params[k] = v;
        fd[k] = (up - dn) / (2 * H);
    }
    double amax, e = rel_err(g, fd, net->nparams, &amax);
    ck_assert_msg(amax > 1e-3, "penalty gradient ~ 0 (max %g)", amax);
    ck_assert_msg(e < 1e-6, "%s: penalty gradient vs finite differences: rel err %g",
                  gl_act_name(act), e);

    /* scale multiplies the gradient only; the value is the same */
    gl_mlp_forward(net, x, n, y);
    gl_mlp_zero_grad(net);
    double P2 = gl_mlp_penalty(net, m, 0.25, ws);
    ck_assert(P2 == P);
    for (size_t k = 0; k < net->nparams; k++)
        ck_assert_msg(fabs(net->grads[k] - 0.25 * g[k]) <= 1e-12 * (fabs(g[k]) + amax),
                      "scale: grads[%zu] %g vs %g", k, net->grads[k], 0.25 * g[k]);
    free(ws);
    free(g);
    free(fd);
    gl_mlp_free(net);
}

START_TEST(test_penalty_tanh)
{
    const size_t s1[] = {1, 8, 8, 1}, s2[] = {2, 8, 6, 1};
    check_penalty(GL_ACT_TANH, s1, 3, 11);
    check_penalty(GL_ACT_TANH, s2, 3, 12);
}
END_TEST

START_TEST(test_penalty_sigmoid_leaky)
{
    const size_t s2[] = {2, 6, 5, 1}, s3[] = {3, 8, 8, 8, 1};
    check_penalty(GL_ACT_SIGMOID, s2, 3, 13);
    check_penalty(GL_ACT_LEAKY, s2, 3, 14);
    check_penalty(GL_ACT_LEAKY, s3, 4, 15);
}
END_TEST

/* For a linear network y = w.x + b the penalty is m |w|^2 exactly, and its
 * gradient 2 m w per weight, 0 for the bias (powers of two: exact in binary). */
START_TEST(test_penalty_linear_exact)
{
    const size_t sz[] = {3, 1};
    gl_mlp *net = make_net(1, sz, GL_ACT_LINEAR, 0, 5, 3);
    double x[15], y[5], *ws = malloc(gl_mlp_penalty_wsize(net) * sizeof *ws);
    ck_assert(ws);
    uniform_fill(x, 15, 1, 4);
    const double w[3] = {0.5, -1.25, 2.0};
    memcpy(net->params, w, sizeof w);
    net->params[3] = 0.75;
    gl_mlp_forward(net, x, 5, y);
    gl_mlp_zero_grad(net);
    double P = gl_mlp_penalty(net, 4, 1.0, ws);
    ck_assert(P == 4 * (0.25 + 1.5625 + 4.0));
    for (int i = 0; i < 3; i++)
        ck_assert(net->grads[i] == 8 * w[i]);
    ck_assert(net->grads[3] == 0);
    /* nothing to do: m = 0, or more than the batch */
    ck_assert(gl_mlp_penalty(net, 0, 1.0, ws) == 0);
    ck_assert(gl_mlp_penalty(net, 6, 1.0, ws) == 0);
    free(ws);
    gl_mlp_free(net);
}
END_TEST

/* gl_mlp_eval1 gives bit for bit what a forward and a backward pass of
 * batch 1 give, for every activation, at points across the range (the
 * generator's exact density relies on it agreeing with its grid values) */
START_TEST(test_eval1_matches_batch)
{
    static const gl_act acts[] = {GL_ACT_LINEAR, GL_ACT_TANH, GL_ACT_SIGMOID, GL_ACT_RELU,
                                  GL_ACT_LEAKY};
    static const size_t sizes[] = {1, 16, 7, 16, 1};
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 11);
    for (size_t a = 0; a < sizeof acts / sizeof acts[0]; a++) {
        gl_mlp *net = make_net(4, sizes, acts[a], 0.2, 8, 100 + a);
        for (size_t i = 0; i < net->nparams; i++) /* biases too, so corners move */
            net->params[i] += 0.3 * gsl_ran_gaussian(r, 1.0);
        int nonzero = 0;
        for (int k = -40; k <= 40; k++) {
            double x = 0.137 * k, y, d, one = 1.0, y1, d1;
            gl_mlp_forward(net, &x, 1, &y);
            gl_mlp_backward(net, &one, &d, 0);
            y1 = gl_mlp_eval1(net, x, &d1);
            ck_assert_msg(y1 == y && d1 == d, "%s at %g: eval1 %.17g %.17g, batch %.17g %.17g",
                          gl_act_name(acts[a]), x, y1, d1, y, d);
            ck_assert(gl_mlp_eval1(net, x, NULL) == y);
            nonzero += d != 0;
        }
        ck_assert_int_gt(nonzero, 40); /* a real derivative, not a dead net */
        gl_mlp_free(net);
    }
    gsl_rng_free(r);
}
END_TEST

/* gl_mlp_restrict: the network with trailing inputs fixed computes net(x,
 * fixed) to rounding, for one and for several layers */
START_TEST(test_restrict)
{
    const size_t s3[] = {4, 7, 5, 1}, s1[] = {3, 2};
    const size_t *sz[] = {s3, s1};
    const size_t nl[] = {3, 1};
    for (int k = 0; k < 2; k++) {
        gl_mlp *net = make_net(nl[k], sz[k], GL_ACT_TANH, 0, 4, 5 + (unsigned long)k), *sub;
        for (size_t i = 0; i < net->nparams; i++)
            net->params[i] += 0.1 * (double)(i % 5); /* non-zero biases */
        gl_err e;
        ck_assert_int_eq(gl_mlp_alloc_restricted(&sub, net, 1, 4, &e), 0);
        size_t in = net->sizes[0], out = net->sizes[nl[k]];
        double fixed[3] = {0.0, 1.0, -0.5}, x[4] = {-1.5, 0.2, 0.9, 2.0};
        gl_mlp_restrict(net, fixed, sub);
        for (int j = 0; j < 4; j++) {
            double full[4] = {x[j], fixed[0], fixed[1], fixed[2]}, y1[2], y2[2];
            gl_mlp_forward(net, full, 1, y1);
            gl_mlp_forward(sub, &x[j], 1, y2);
            for (size_t o = 0; o < out; o++)
                ck_assert_msg(fabs(y1[o] - y2[o]) <= 1e-14 * (1 + fabs(y1[o])), "%g vs %g",
                              y1[o], y2[o]);
            ck_assert(fabs(y1[0]) > 1e-3);
        }
        gl_mlp *none;
        ck_assert_int_eq(gl_mlp_alloc_restricted(&none, net, in, 4, &e), GL_EINVAL);
        gl_mlp_free(sub);
        gl_mlp_free(net);
    }
}
END_TEST

/* gl_mlp_dead_units: a hidden unit with a large negative bias is <= 0 on
 * every input of the batch and counted (ReLU: dead; leaky: on its negative
 * side); the same net with the bias at 0 has none on inputs of both signs */
START_TEST(test_dead_units)
{
    const size_t sz[] = {1, 4, 3, 1};
    const gl_act acts[] = {GL_ACT_RELU, GL_ACT_LEAKY};
    for (int k = 0; k < 2; k++) {
        gl_mlp *net = make_net(3, sz, acts[k], 0.1, 8, 3);
        double x[8] = {-2, -1, -0.5, -0.1, 0.1, 0.5, 1, 2}, y[8];
        for (size_t i = 0; i < net->nparams; i++)
            net->params[i] = 0;
        for (size_t u = 0; u < 4; u++) /* layer 0: units +x, -x, +x, +x */
            net->params[net->woff[0] + u] = u == 1 ? -1 : 1;
        for (size_t u = 0; u < 3; u++) /* layer 1: unit u reads unit u of layer 0 */
            net->params[net->woff[1] + u * 4 + u] = 1;
        net->params[net->boff[0] + 2] = -10; /* unit 2 of layer 0: dead on x <= 2 */
        size_t per[2];
        gl_mlp_forward(net, x, 8, y);
        /* layer 0: unit 2 (and in layer 1 the unit that reads only it) */
        ck_assert_uint_eq(gl_mlp_dead_units(net, per), per[0] + per[1]);
        ck_assert_uint_eq(per[0], 1);
        ck_assert_uint_eq(gl_mlp_hidden_units(net), 7);
        net->params[net->boff[0] + 2] = 0;
        gl_mlp_forward(net, x, 8, y);
        gl_mlp_dead_units(net, per);
        ck_assert_uint_eq(per[0], 0);
        gl_mlp_free(net);
    }
}
END_TEST

/* ---------------------------------------------------------- batch norm */

/* A batch-normalised net (bn.h) with gamma, beta, biases and running
 * statistics away from their initial values, so that every path is used. */
static gl_mlp *make_bn_skip(size_t nlayers, const size_t *sizes, gl_act act, gl_act outact,
                            size_t maxbatch, unsigned long seed, size_t skip)
{
    gl_mlp *net = NULL;
    gl_err err;
    gl_mlp_opts o = gl_mlp_opts_default();
    o.norm = 1;
    o.norm_skip = skip;
    o.outact = outact;
    ck_assert_msg(gl_mlp_alloc_opts(&net, nlayers, sizes, act, 0.2, maxbatch, &o, &err) == 0,
                  "%s", err.msg);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, seed);
    gl_mlp_init(net, r);
    for (size_t l = skip; l + 1 < nlayers; l++) {
        size_t out = sizes[l + 1];
        ck_assert_double_eq(net->params[net->goff[l]], 1.0); /* init: gamma 1, beta 0 */
        ck_assert_double_eq(net->params[net->goff[l] + out], 0.0);
        ck_assert_double_eq(net->run_var[l][0], 1.0);
        for (size_t k = 0; k < out; k++) {
            net->params[net->boff[l] + k] = 0.3 * gsl_ran_gaussian(r, 1.0);
            net->params[net->goff[l] + k] = 0.6 + 0.8 * gsl_rng_uniform(r);
            net->params[net->goff[l] + out + k] = 0.4 * gsl_ran_gaussian(r, 1.0);
            net->run_mean[l][k] = 0.5 * gsl_ran_gaussian(r, 1.0);
            net->run_var[l][k] = 0.3 + gsl_rng_uniform(r);
        }
    }
    gsl_rng_free(r);
    return net;
}

static gl_mlp *make_bn_net(size_t nlayers, const size_t *sizes, gl_act act, gl_act outact,
                           size_t maxbatch, unsigned long seed)
{
    return make_bn_skip(nlayers, sizes, act, outact, maxbatch, seed, 0);
}

/* Gradients of values and parameters (W, b, gamma, beta) against central
 * differences, in each mode: the batch statistics in TRAIN and BATCH mode
 * (one group, and two groups of unequal size: 6 and 7 of 13 samples), the
 * running averages in EVAL mode; tanh and sigmoid hidden units (smooth, so
 * that fd_check's error analysis holds), linear and tanh outputs. A TRAIN
 * forward changes only the running averages, which TRAIN outputs do not
 * read, so the differences see the same function at every point. */
START_TEST(test_bn_grad)
{
    static const size_t s[] = {3, 7, 6, 2};
    static const struct {
        gl_mlp_mode mode;
        size_t groups;
        gl_act act, out;
        size_t skip;
    } cases[] = {
        {GL_MLP_TRAIN, 1, GL_ACT_TANH, GL_ACT_LINEAR, 0},
        {GL_MLP_TRAIN, 2, GL_ACT_TANH, GL_ACT_LINEAR, 0},
        {GL_MLP_BATCH, 2, GL_ACT_SIGMOID, GL_ACT_TANH, 0},
        {GL_MLP_TRAIN, 3, GL_ACT_SIGMOID, GL_ACT_LINEAR, 0},
        {GL_MLP_EVAL, 1, GL_ACT_TANH, GL_ACT_LINEAR, 0},
        {GL_MLP_EVAL, 1, GL_ACT_SIGMOID, GL_ACT_TANH, 0},
        {GL_MLP_TRAIN, 2, GL_ACT_TANH, GL_ACT_LINEAR, 1}, /* a D: the first layer plain */
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        gl_mlp *net = make_bn_skip(3, s, cases[k].act, cases[k].out, 13, 300 + k, cases[k].skip);
        gl_bn_set(net, cases[k].mode, cases[k].groups);
        /* a smaller step: the statistics of 6-7 samples give third derivatives
         * ~100 times fd_check's O(1) (its truncation error, H^2/6 |L'''|,
         * measured 3e-6 relative at H = 1e-5 and 100 times that at 1e-4); at
         * H = 2e-6 it is 25 times smaller and the rounding error,
         * ~(10 eps |L|)/(2H) ~ 6e-10, stays below 1e-7 of the smallest
         * component compared */
        double e = fd_check_h(net, 13, 310 + k, 1.5, 2e-6);
        ck_assert_msg(e < FD_TOL, "case %zu: rel err %g", k, e);
        /* gamma and beta have gradients of their own */
        double m = 0;
        for (size_t i = net->nparams_dense; i < net->nparams; i++)
            m = fmax(m, fabs(net->grads[i]));
        ck_assert_msg(m > 1e-3, "case %zu: gamma/beta gradient ~0 (max %g)", k, m);
        gl_mlp_free(net);
    }
}
END_TEST

/* A tanh output without normalisation: the output layer's derivative. */
START_TEST(test_grad_tanh_output)
{
    static const size_t s[] = {2, 9, 3};
    gl_mlp *net = NULL;
    gl_err err;
    gl_mlp_opts o = gl_mlp_opts_default();
    o.outact = GL_ACT_TANH;
    ck_assert(gl_mlp_alloc_opts(&net, 2, s, GL_ACT_TANH, 0, 11, &o, &err) == 0);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 5);
    gl_mlp_init(net, r);
    gsl_rng_free(r);
    fd_check(net, 11, 12, 1.5);
    double x[2] = {3, -3}, y[3];
    gl_mlp_forward(net, x, 1, y);
    for (int k = 0; k < 3; k++)
        ck_assert(fabs(y[k]) < 1);
    gl_mlp_free(net);
    o.outact = GL_ACT_RELU;
    ck_assert_int_eq(gl_mlp_alloc_opts(&net, 2, s, GL_ACT_TANH, 0, 11, &o, &err), GL_EINVAL);
    ck_assert_ptr_null(net);
    ck_assert_ptr_nonnull(strstr(err.msg, "only linear or tanh"));
}
END_TEST

/* The forward pass against a naive reference of the batch statistics, and
 * the running averages after one TRAIN pass against their formula. */
START_TEST(test_bn_forward_reference)
{
    static const size_t s[] = {2, 5, 1};
    enum { N = 11 };
    gl_mlp *net = make_bn_net(2, s, GL_ACT_LINEAR, GL_ACT_LINEAR, N, 41);
    double x[2 * N], y[N], rm[5], rv[5];
    uniform_fill(x, 2 * N, 2.0, 42);
    memcpy(rm, net->run_mean[0], sizeof rm);
    memcpy(rv, net->run_var[0], sizeof rv);
    gl_bn_set(net, GL_MLP_TRAIN, 2);
    gl_mlp_forward(net, x, N, y);
    const double *W0 = net->params + net->woff[0], *b0 = net->params + net->boff[0];
    const double *g = net->params + net->goff[0], *be = g + 5;
    const double *W1 = net->params + net->woff[1], *b1 = net->params + net->boff[1];
    size_t lo[2] = {0, N / 2}, hi[2] = {N / 2, N};
    for (int grp = 0; grp < 2; grp++) {
        size_t m = hi[grp] - lo[grp];
        double u[N][5];
        for (size_t r = 0; r < 5; r++) {
            double v[N], mu = 0, var = 0;
            for (size_t i = lo[grp]; i < hi[grp]; i++) {
                v[i] = b0[r] + W0[2 * r] * x[2 * i] + W0[2 * r + 1] * x[2 * i + 1];
                mu += v[i] / (double)m;
            }
            for (size_t i = lo[grp]; i < hi[grp]; i++)
                var += (v[i] - mu) * (v[i] - mu) / (double)m;
            for (size_t i = lo[grp]; i < hi[grp]; i++)
                u[i][r] = g[r] * (v[i] - mu) / sqrt(var + 1e-5) + be[r];
            /* the running averages, updated group after group */
            rm[r] = 0.9 * rm[r] + 0.1 * mu;
            rv[r] = 0.9 * rv[r] + 0.1 * var * (double)m / (double)(m - 1);
        }
        for (size_t i = lo[grp]; i < hi[grp]; i++) {
            double yr = b1[0];
            for (size_t r = 0; r < 5; r++)
                yr += W1[r] * u[i][r];
            ck_assert_msg(fabs(y[i] - yr) < 1e-13 * (1 + fabs(yr)), "sample %zu: %.17g vs %.17g",
                          i, y[i], yr);
        }
    }
    for (size_t r = 0; r < 5; r++) {
        ck_assert(fabs(net->run_mean[0][r] - rm[r]) < 1e-14);
        ck_assert(fabs(net->run_var[0][r] - rv[r]) < 1e-14);
    }
    /* BATCH: the same outputs, the running averages untouched */
    double y2[N];
    memcpy(rm, net->run_mean[0], sizeof rm);
    memcpy(rv, net->run_var[0], sizeof rv);
    gl_bn_set(net, GL_MLP_BATCH, 2);
    gl_mlp_forward(net, x, N, y2);
    ck_assert(memcmp(y, y2, sizeof y) == 0);
    ck_assert(memcmp(rm, net->run_mean[0], sizeof rm) == 0);
    ck_assert(memcmp(rv, net->run_var[0], sizeof rv) == 0);
    gl_mlp_free(net);
}
END_TEST

/* In batch mode a sample's output depends on its own group only (D's real
 * and fake rows: changing the fakes leaves the real rows' outputs as they
 * were, bit for bit), and in EVAL mode on itself only. */
START_TEST(test_bn_groups)
{
    static const size_t s[] = {2, 9, 10, 1};
    gl_mlp *net = make_bn_net(3, s, GL_ACT_LEAKY, GL_ACT_LINEAR, 20, 51);
    double x[40], y1[20], y2[20], e[20];
    uniform_fill(x, 40, 1.0, 52);
    gl_bn_set(net, GL_MLP_BATCH, 2);
    gl_mlp_forward(net, x, 20, y1);
    uniform_fill(x + 20, 20, 3.0, 53); /* new second half */
    gl_mlp_forward(net, x, 20, y2);
    ck_assert(memcmp(y1, y2, 10 * sizeof(double)) == 0);
    ck_assert(memcmp(y1 + 10, y2 + 10, 10 * sizeof(double)) != 0);
    /* two groups are bit for bit two batches of one group each */
    double h[10];
    gl_bn_set(net, GL_MLP_BATCH, 1);
    gl_mlp_forward(net, x + 20, 10, h);
    ck_assert(memcmp(h, y2 + 10, sizeof h) == 0);
    gl_mlp_forward(net, x, 10, h);
    ck_assert(memcmp(h, y2, sizeof h) == 0);
    gl_bn_set(net, GL_MLP_BATCH, 1); /* one group: the first half moves too */
    gl_mlp_forward(net, x, 20, y1);
    ck_assert(memcmp(y1, y2, 10 * sizeof(double)) != 0);
    gl_bn_set(net, GL_MLP_EVAL, 1);
    gl_mlp_forward(net, x, 20, e);
    for (size_t i = 0; i < 20; i++) {
        double yi;
        gl_mlp_forward(net, x + 2 * i, 1, &yi);
        ck_assert(yi == e[i]);
    }
    gl_mlp_free(net);
}
END_TEST

/* EVAL mode is an ordinary function: eval1 agrees bit for bit with the batch
 * pass, and gl_bn_fold writes it as a plain network agreeing to rounding. */
START_TEST(test_bn_eval_fold)
{
    static const size_t s[] = {1, 16, 7, 1};
    static const gl_act acts[] = {GL_ACT_TANH, GL_ACT_RELU, GL_ACT_LEAKY};
    for (size_t a = 0; a < 3; a++) {
        gl_mlp *net = make_bn_net(3, s, acts[a], GL_ACT_TANH, 8, 60 + a), *plain = NULL;
        gl_err err;
        ck_assert(gl_mlp_alloc(&plain, 3, s, acts[a], 0.2, 8, &err) == 0);
        ck_assert_int_eq(gl_bn_fold(net, plain, &err), 0);
        double emax = 0;
        for (int k = -30; k <= 30; k++) {
            double x = 0.11 * k, y, d, one = 1.0, y1, d1, u;
            gl_mlp_forward(net, &x, 1, &y);
            gl_mlp_backward(net, &one, &d, 0);
            y1 = gl_mlp_eval1(net, x, &d1);
            ck_assert_msg(y1 == y && d1 == d, "%s at %g: eval1 %.17g %.17g, batch %.17g %.17g",
                          gl_act_name(acts[a]), x, y1, d1, y, d);
            gl_mlp_forward(plain, &x, 1, &u); /* the pre-activation of the tanh output */
            emax = fmax(emax, fabs(tanh(u) - y));
        }
        ck_assert_msg(emax < 1e-14, "%s: fold differs by %g", gl_act_name(acts[a]), emax);
        /* a mismatched target is refused */
        gl_mlp *bad = NULL;
        ck_assert(gl_mlp_alloc(&bad, 2, (size_t[]){1, 16, 1}, acts[a], 0.2, 8, &err) == 0);
        ck_assert_int_eq(gl_bn_fold(net, bad, &err), GL_EINVAL);
        gl_mlp_free(bad);
        gl_mlp_free(plain);
        gl_mlp_free(net);
    }
}
END_TEST

/* The R1 penalty's double backpropagation does not know batch statistics:
 * it refuses (NaN) rather than give a wrong number. */
START_TEST(test_bn_penalty_refused)
{
    static const size_t s[] = {2, 5, 1};
    gl_mlp *net = make_bn_net(2, s, GL_ACT_TANH, GL_ACT_LINEAR, 4, 71);
    double x[8] = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8}, y[4];
    double *ws = malloc(gl_mlp_penalty_wsize(net) * sizeof(double));
    gl_mlp_forward(net, x, 4, y);
    ck_assert(isnan(gl_mlp_penalty(net, 2, 1.0, ws)));
    free(ws);
    gl_mlp_free(net);
}
END_TEST

Suite *mlp_suite(void)
{
    Suite *s = suite_create("mlp");
    TCase *core = tcase_create("core");
    tcase_add_test(core, test_grad_tanh);
    tcase_add_test(core, test_restrict);
    tcase_add_test(core, test_dead_units);
    tcase_add_test(core, test_grad_sigmoid);
    tcase_add_test(core, test_grad_leaky);
    tcase_add_test(core, test_grad_relu);
    tcase_add_test(core, test_grad_linear);
    tcase_add_test(core, test_backward_no_param_grads);
    tcase_add_test(core, test_backward_accumulates);
    tcase_add_test(core, test_forward_reference);
    tcase_add_test(core, test_bn_grad);
    tcase_add_test(core, test_grad_tanh_output);
    tcase_add_test(core, test_bn_forward_reference);
    tcase_add_test(core, test_bn_groups);
    tcase_add_test(core, test_bn_eval_fold);
    tcase_add_test(core, test_bn_penalty_refused);
    tcase_add_test(core, test_reproducible);
    tcase_add_test(core, test_batch_independent);
    tcase_add_test(core, test_eval1_matches_batch);
    tcase_add_test(core, test_penalty_tanh);
    tcase_add_test(core, test_penalty_sigmoid_leaky);
    tcase_add_test(core, test_penalty_linear_exact);
    suite_add_tcase(s, core);
    TCase *limits = tcase_create("limits");
    tcase_add_test(limits, test_init_glorot);
    tcase_add_test(limits, test_init_he);
    tcase_add_test(limits, test_tanh_accuracy);
    tcase_add_test(limits, test_act_values);
    tcase_add_test(limits, test_batch_capacity);
    tcase_add_test(limits, test_shapes);
    suite_add_tcase(s, limits);
    TCase *errors = tcase_create("errors");
    tcase_add_test(errors, test_alloc_errors);
    tcase_add_test(errors, test_act_parse_errors);
    suite_add_tcase(s, errors);
    return s;
}
