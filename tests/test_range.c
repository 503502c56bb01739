/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test_range.c — the supported range of specs (mix.h, docs/spec.md): every
 * exact value inside it is right to max(10 abserr, 1e-9 relative), and
 * everything outside it is refused at parse time with the reason.
 *
 * References: Gaussian pairs in closed form, P = N(m1, s1), Q = N(m2, s2):
 *   KL = log(s2/s1) + (s1^2 + (m1-m2)^2)/(2 s2^2) - 1/2,
 *   Hellinger (f = (sqrt u - 1)^2) = 2 (1 - BC),
 *   BC = sqrt(2 s1 s2/(s1^2 + s2^2)) exp(-(m1-m2)^2/(4 (s1^2 + s2^2)))  (Bhattacharyya),
 *   Pearson = s2^2/(s1 sqrt(2 s2^2 - s1^2)) exp((m1-m2)^2/(2 s2^2 - s1^2)) - 1
 *             (inf unless 2 s2^2 > s1^2),
 *   TV (s1 = s2 = s) = erf(|m1 - m2| / (2 sqrt 2 s));
 * mixtures whose components are far apart (then TV, KL and Pearson are those
 * of disjoint pieces), nearly coincident, or of weight 1e-300 (bounded by
 * convexity: KL((1-w) Q + w R || Q) <= w KL(R || Q)). */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "fdiv.h"
#include "fit.h"
#include "gen.h"
#include "metrics.h"
#include "mix.h"
#include "testutil.h"

/* with r = s1/s2: (r^2 - 1 - 2 log r)/2 + d^2/(2 s2^2), the first part
 * written without the cancellation near r = 1 */
static double kl(double m1, double s1, double m2, double s2)
{
    double d = m1 - m2, r1 = s1 / s2 - 1, lr = fabs(r1) < 0.5 ? log1p(r1) : log(s1 / s2);
    return 0.5 * (r1 * (r1 + 2) - 2 * lr) + d * d / (2 * s2 * s2);
}

/* log BC = -1/2 log((1 + r^2)/(2 r)) - u^2/(4 (1 + r^2)), r = s1/s2,
 * u = (m1 - m2)/s2, with (1 + r^2)/(2 r) = 1 + w^2/(2 r), w = (s2 - s1)/s2
 * (exact difference): no cancellation for nearly equal sds */
static double log_bc(double m1, double s1, double m2, double s2)
{
    double r = s1 / s2, w = (s2 - s1) / s2, u = (m1 - m2) / s2, v = 1 + r * r;
    return -0.5 * log1p(w * w / (2 * r)) - u * u / (4 * v);
}

static double hellinger(double m1, double s1, double m2, double s2)
{
    return -2 * expm1(log_bc(m1, s1, m2, s2));
}

static double pearson(double m1, double s1, double m2, double s2)
{
    double d = m1 - m2, a = 2 * s2 * s2 - s1 * s1;
    return a <= 0 ? INFINITY : expm1(2 * log(s2) - log(s1) - 0.5 * log(a) + d * d / a);
}

/* the value of f(P||Q) agrees with want as the promise says, or the
 * computation is refused with a message; returns 1 if it agrees */
static int agrees(gl_f_id f, const char *p, const char *q, double want)
{
    gl_mix *P = NULL, *Q = NULL;
    gl_err e;
    double v, ae;
    ck_assert_msg(gl_mix_parse(p, &P, &e) == GL_OK, "%s: %s", p, e.msg);
    ck_assert_msg(gl_mix_parse(q, &Q, &e) == GL_OK, "%s: %s", q, e.msg);
    int s = gl_fdiv_eval(gl_fdiv_get(f), P, Q, NULL, &v, &ae, &e);
    gl_mix_free(P);
    gl_mix_free(Q);
    if (s) {
        ck_assert_msg(e.msg[0] != 0, "%s vs %s: refused without a message", p, q);
        return 0;
    }
    int ok = isinf(want) ? isinf(v) && v > 0 : fabs(v - want) <= fmax(10 * ae, 1e-9 * fabs(want));
    ck_assert_msg(ok, "%s(%s || %s) = %.17g (abserr %.3g), closed form %.17g", gl_fdiv_get(f)->name, p, q, v, ae,
                  want);
    return 1;
}

START_TEST(test_gaussian_pairs_in_range)
{
    static const double mus[] = {0, -1e-6, 1, -1e3, 9e5};
    static const double sds[] = {1e-6, 1e-3, 1, 1e3, 1e6};
    size_t n = 0, done = 0;
    for (size_t a = 0; a < 5; a++)
        for (size_t b = 0; b < 5; b++)
            for (size_t c = 0; c < 5; c++)
                for (size_t d = 0; d < 5; d += 2) {
                    double m1 = mus[a], s1 = sds[b], m2 = mus[c] / 3, s2 = sds[d];
                    if (s1 < 1e-8 * fabs(m1) || s2 < 1e-8 * fabs(m2))
                        continue; /* outside the range: test_refused */
                    char p[64], q[64];
                    snprintf(p, sizeof p, "N(%.17g,%.17g)", m1, s1);
                    snprintf(q, sizeof q, "N(%.17g,%.17g)", m2, s2);
                    done += agrees(GL_F_KL, p, q, kl(m1, s1, m2, s2));
                    done += agrees(GL_F_HELLINGER, p, q, hellinger(m1, s1, m2, s2));
                    done += agrees(GL_F_PEARSON, p, q, pearson(m1, s1, m2, s2));
                    if (s1 == s2)
                        done += agrees(GL_F_TV, p, q, erf(fabs(m1 - m2) / (2 * sqrt(2.0) * s1)));
                    n += 3 + (s1 == s2);
                }
    /* refusals are allowed, but the range is there to be computed */
    ck_assert_msg(done == n, "%zu of %zu values computed", done, n);
}
END_TEST

START_TEST(test_mixtures_in_range)
{
    /* far apart: Q = N(-a, 1) is one half of P, the other half disjoint */
    const char *p = "0.5*N(-1e5,1)+0.5*N(1e5,1)", *q = "N(-1e5,1)";
    ck_assert(agrees(GL_F_TV, p, q, 0.5));
    ck_assert(agrees(GL_F_KL, q, p, log(2.0)));
    ck_assert(agrees(GL_F_PEARSON, q, p, 1));
    /* nearly coincident: KL of the mixture against N(0,1) is ~(5e-10)^2 / 2 */
    ck_assert(agrees(GL_F_KL, "0.5*N(0,1)+0.5*N(1e-9,1)", "N(0,1)", 1.25e-19));
    /* a component of weight 1e-300: KL <= 1e-300 KL(N(5,1) || N(0,1)) = 1.25e-299 */
    ck_assert(agrees(GL_F_KL, "1*N(0,1)+1e-300*N(5,1)", "N(0,1)", 0));
}
END_TEST

/* spec is refused, and the message names the supported range or the
 * quadrature's resolution */
static void refused(const char *spec)
{
    gl_mix *m = NULL;
    gl_err e;
    ck_assert_msg(gl_mix_parse(spec, &m, &e) == GL_EINVAL, "%s was accepted", spec);
    ck_assert_msg(strstr(e.msg, "supported range") || strstr(e.msg, "resolves"), "%s: %s", spec, e.msg);
}

START_TEST(test_refused)
{
    char s[96];
    for (int k = 7; k <= 300; k += 1 + k / 4) {
        snprintf(s, sizeof s, "N(0,1e-%d)", k);
        refused(s);
        snprintf(s, sizeof s, "N(0,1e%d)", k);
        refused(s);
        snprintf(s, sizeof s, "N(-1e%d,1)", k);
        refused(s);
        snprintf(s, sizeof s, "0.5*N(0,1)+0.5*U(0,1e-%d)", k);
        refused(s);
        snprintf(s, sizeof s, "N2(0,0,1,1e%d)", k);
        refused(s);
    }
    refused("N(1e5,1e-4)");             /* 1e-9 of its location */
    refused("N2(0,0,1,1,0.9999999999999)"); /* conditional sd 4.5e-7 */
    refused("ring(8,2e6,0.1)");
    refused("grid(5,1e6,0.1)");          /* outer modes at 2e6 */
    refused("grid(5,2,1e-7)");
    refused("U2(0,1,0,1e7)");
    /* the edges themselves are inside */
    gl_mix *m = NULL;
    gl_err e;
    ck_assert_msg(gl_mix_parse("N(1e6,1e6)+N(-1e6,0.01)+U(-5e5,5e5)+N(0,1e-6)", &m, &e) == GL_OK, "%s", e.msg);
    gl_mix_free(m);
}
END_TEST

/* The exact JSD of a 1-D generator (the pushforward of its noise, as train
 * and the experiments log it) across the range: an affine G(z) = a z + b
 * under N(0,1) noise has p_g = N(b, |a|) (truncated at 8.5 sd: 2e-17 of its
 * mass), so JSD(P || p_g) must agree with the mixture-pair JSD of fdiv, each
 * to its own abserr (or 1e-9 relative), or be refused with a message. */
static int gen_agrees(double m, double s, double a, double b, gl_quad_workspace *ws)
{
    static const size_t sizes[] = {1, 1};
    char p[64], q[64];
    snprintf(p, sizeof p, "N(%.17g,%.17g)", m, s);
    snprintf(q, sizeof q, "N(%.17g,%.17g)", b, fabs(a));
    gl_mix *P = NULL, *Q = NULL;
    gl_mlp *G = NULL;
    gl_pushforward *pf = NULL;
    gl_err e;
    ck_assert_msg(gl_mix_parse(p, &P, &e) == GL_OK, "%s: %s", p, e.msg);
    ck_assert_msg(gl_mix_parse(q, &Q, &e) == GL_OK, "%s: %s", q, e.msg);
    ck_assert_msg(gl_mlp_alloc(&G, 1, sizes, GL_ACT_LINEAR, 0.0, 16, &e) == GL_OK, "%s", e.msg);
    G->params[0] = a;
    G->params[1] = b;
    ck_assert_msg(gl_pushforward_alloc(&pf, G, GL_NOISE_NORMAL, 64, &e) == GL_OK, "%s", e.msg);
    double v, ae, w, we;
    int sg = gl_metrics_jsd_pf(P, pf, ws, &v, &ae, &e);
    if (sg)
        ck_assert_msg(e.msg[0] != 0, "%s vs G = %g z + %g: refused without a message", p, a, b);
    else {
        ck_assert_msg(gl_fdiv_eval(gl_fdiv_get(GL_F_JS), P, Q, ws, &w, &we, &e) == GL_OK, "%s", e.msg);
        ck_assert_msg(fabs(v - w) <= fmax(10 * (ae + we), 1e-9 * fabs(w)),
                      "JSD(%s || %g z + %g) = %.17g (abserr %.3g), fdiv %.17g (abserr %.3g)", p, a, b, v,
                      ae, w, we);
    }
    gl_pushforward_free(pf);
    gl_mlp_free(G);
    gl_mix_free(P);
    gl_mix_free(Q);
    return sg == GL_OK;
}

START_TEST(test_generator_jsd_in_range)
{
    static const double mus[] = {0, 1, -1e3, 9e5};
    static const double sds[] = {1e-6, 1e-3, 1, 1e3, 1e6};
    gl_quad_workspace *ws = NULL;
    gl_err e;
    ck_assert(gl_quad_workspace_alloc(&ws, &e) == GL_OK);
    size_t n = 0, done = 0;
    for (size_t i = 0; i < 4; i++)
        for (size_t j = 0; j < 5; j++)
            for (size_t k = 0; k < 5; k++)
                for (int d = 0; d < 3; d++) {
                    double m = mus[i], s = sds[j], a = (k % 2 ? -1 : 1) * sds[k];
                    double b = m + (d == 0 ? 0 : d == 1 ? 0.5 * s : 3 * fabs(a));
                    if (s < 1e-8 * fabs(m) || fabs(a) < 1e-8 * fabs(b) || fabs(b) > 1e6)
                        continue; /* outside the range */
                    done += gen_agrees(m, s, a, b, ws);
                    n++;
                }
    gl_quad_workspace_free(ws);
    ck_assert_msg(done == n, "%zu of %zu values computed", done, n);
}
END_TEST

/* V(D*, G) = -log 4 + 2 JSD (Goodfellow et al. 2014, Theorem 1) across the
 * range, where it is known in closed form: -log 4 for G = P, 0 for supports
 * 80 sd apart (JSD = log 2 to 1e-300); elsewhere against the fdiv JSD, each
 * value to 10 x its abserr (or 1e-9 relative). */
START_TEST(test_value_in_range)
{
    static const double mus[] = {0, -1e-6, 1, -1e3, 9e5};
    static const double sds[] = {1e-6, 1e-3, 1, 1e3};
    for (size_t a = 0; a < 5; a++)
        for (size_t b = 0; b < 4; b++)
            for (int d = 0; d < 3; d++) {
                double m = mus[a], s = sds[b], m2 = m + (d == 0 ? 0 : d == 1 ? s : 80 * s);
                if (s < 1e-8 * fabs(m))
                    continue;
                char p[64], q[64];
                snprintf(p, sizeof p, "N(%.17g,%.17g)", m, s);
                snprintf(q, sizeof q, "N(%.17g,%.17g)", m2, s);
                gl_mix *P = NULL, *Q = NULL;
                gl_err e;
                double v, ae, j, je;
                ck_assert(gl_mix_parse(p, &P, &e) == GL_OK && gl_mix_parse(q, &Q, &e) == GL_OK);
                ck_assert_msg(gl_fdiv_value_dstar(P, Q, NULL, &v, &ae, &e) == GL_OK, "%s", e.msg);
                ck_assert_msg(gl_fdiv_eval(gl_fdiv_get(GL_F_JS), P, Q, NULL, &j, &je, &e) == GL_OK, "%s", e.msg);
                double want = d == 0 ? -log(4.0) : d == 2 ? 0 : -log(4.0) + 2 * j;
                double tol = fmax(10 * (ae + (d == 1 ? 2 * je : 0)), 1e-9 * fabs(want));
                ck_assert_msg(fabs(v - want) <= tol, "V(D*, G) for %s, %s = %.17g (abserr %.3g), want %.17g", p,
                              q, v, ae, want);
                gl_mix_free(P);
                gl_mix_free(Q);
            }
}
END_TEST

/* 2-D: products of independent Gaussians, KL the sum of the axes' and the
 * Bhattacharyya coefficient their product, at scales 1e-6..1e3 and
 * locations to 9e5 (the 2-D quadrature has no rounding floor of its own:
 * these say its error estimate covers the rounding there too). */
START_TEST(test_gaussian_pairs_2d_in_range)
{
    static const double sc[] = {1e-6, 1e-3, 1, 1e3}, loc[] = {0, 1e3, 9e5};
    static const double off[][4] = {{0, 0, 1, 1}, {1e-4, 0, 1, 1}, {1, -0.5, 1, 2}, {0, 0, 1, 1.000001}};
    for (size_t a = 0; a < 4; a++)
        for (size_t b = 0; b < 3; b++)
            for (size_t c = 0; c < 4; c++) {
                double s = sc[a], m = loc[b], dx = off[c][0] * s, dy = off[c][1] * s;
                double sx = off[c][2] * s, sy = off[c][3] * s;
                if (s < 1e-8 * m)
                    continue;
                char p[128], q[128];
                snprintf(p, sizeof p, "N2(%.17g,%.17g,%.17g,%.17g)", m, m, s, s);
                snprintf(q, sizeof q, "N2(%.17g,%.17g,%.17g,%.17g)", m + dx, m + dy, sx, sy);
                ck_assert(agrees(GL_F_KL, p, q, kl(m, s, m + dx, sx) + kl(m, s, m + dy, sy)));
                double lbc = log_bc(m, s, m + dx, sx) + log_bc(m, s, m + dy, sy);
                ck_assert(agrees(GL_F_HELLINGER, p, q, -2 * expm1(lbc)));
            }
}
END_TEST

/* fit searches the supported range: a Gaussian near its edge is found
 * (KL's minimiser is P's own moments: sd 9e5 once failed at the first
 * simplex, whose vertex left the range), and a minimiser beyond the edge is
 * refused with the reason, not returned at the edge */
START_TEST(test_fit_in_range)
{
    static const char *inside[] = {"N(0,9e5)", "N(0,1e6)", "N(-1e6,1)", "N(9e5,1e-2)", "N(1e-6,1e-6)"};
    static const double mu[] = {0, 0, -1e6, 9e5, 1e-6}, sd[] = {9e5, 1e6, 1, 1e-2, 1e-6};
    gl_err e;
    for (size_t i = 0; i < 5; i++) {
        gl_mix *P = NULL;
        gl_fit_result r;
        ck_assert(gl_mix_parse(inside[i], &P, &e) == GL_OK);
        ck_assert_msg(gl_fit_gauss(gl_fdiv_get(GL_F_KL), P, NULL, &r, &e) == GL_OK, "%s: %s", inside[i], e.msg);
        ck_assert_msg(fabs(r.mu - mu[i]) <= 1e-8 * sd[i] && fabs(r.sigma / sd[i] - 1) <= 1e-8,
                      "KL fit of %s: %.17g, %.17g", inside[i], r.mu, r.sigma);
        gl_mix_free(P);
    }
    /* moments: mean 5e5, sd sqrt(1e12 + 0.25e12) = 1.118e6 > 1e6 */
    gl_mix *P = NULL;
    gl_fit_result r;
    ck_assert(gl_mix_parse("0.5*N(0,1e6)+0.5*N(1e6,1e6)", &P, &e) == GL_OK);
    ck_assert(gl_fit_gauss(gl_fdiv_get(GL_F_KL), P, NULL, &r, &e) == GL_ENOCONV);
    ck_assert_msg(strstr(e.msg, "outside the supported range"), "%s", e.msg);
    gl_mix_free(P);
}
END_TEST

Suite *range_suite(void)
{
    Suite *s = suite_create("range");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_gaussian_pairs_in_range);
    tcase_add_test(tc, test_mixtures_in_range);
    tcase_add_test(tc, test_refused);
    tcase_add_test(tc, test_generator_jsd_in_range);
    tcase_add_test(tc, test_value_in_range);
    tcase_add_test(tc, test_gaussian_pairs_2d_in_range);
    tcase_add_test(tc, test_fit_in_range);
    suite_add_tcase(s, tc);
    return s;
}
