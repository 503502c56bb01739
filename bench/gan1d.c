/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gan1d.c — the gan1d-bench workload of `make bench` (bench/bench.c), against
 * bench/torch_gan1d.py, and the cost of one exact-JSD log row of its trained
 * generator.
 *
 * gan1d-bench: data 0.5 N(-2, 0.5) + 0.5 N(2, 0.5); z ~ N(0, 1) scalar;
 * G 1-16-16-1 tanh; D 1-32-32-1 leaky ReLU 0.2; non-saturating loss, k = 1,
 * alternating; batch 128; Adam(lr 1e-3, betas 0.5/0.999) for both; double
 * precision, one thread. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <gsl/gsl_rng.h>

#include "bench.h"
#include "gl.h"
#include "metrics.h"
#include "mix.h"
#include "mlp.h"
#include "rig.h"
#include "train.h"

#define SPEC "0.5*N(-2,0.5)+0.5*N(2,0.5)"
#define BATCH 128

/* A crude histogram JSD (nats) of 200000 generator samples against the data
 * density, 200 bins on [-5, 5]: a check that the timed runs trained something. */
static double jsd_hist(gl_mlp *G, const gl_mix *P, const gsl_rng *r)
{
    enum { NS = 200000, NB = 200 };
    static double h[NB];
    double z[BATCH], x[BATCH], lo = -5, hi = 5, dx = (hi - lo) / NB, js = 0;
    memset(h, 0, sizeof h);
    for (size_t done = 0; done < NS; done += BATCH) {
        gl_noise_sample(GL_NOISE_NORMAL, r, BATCH, z);
        gl_mlp_forward(G, z, BATCH, x);
        for (size_t i = 0; i < BATCH; i++)
            if (x[i] >= lo && x[i] < hi && (x[i] - lo) / dx < NB)
                h[(size_t)((x[i] - lo) / dx)] += 1.0;
    }
    size_t ns = (NS + BATCH - 1) / BATCH * BATCH;
    for (size_t b = 0; b < NB; b++) {
        double xc = lo + (b + 0.5) * dx, q = h[b] / (ns * dx), p = gl_mix_pdf(P, &xc);
        double m = 0.5 * (p + q);
        if (q > 0)
            js += 0.5 * q * log(q / m) * dx;
        if (p > 0)
            js += 0.5 * p * log(p / m) * dx;
    }
    return js;
}

/* the cost of one exact-JSD log row of `ganlab train`: the pushforward of
 * the trained G updated, then JSD(p_data || p_g) by quadrature, on a
 * workspace allocated once (as the training log does); best of 20 */
static int exact_row(gl_mlp *G, const gl_mix *P)
{
    gl_metrics_gen *ex = NULL;
    gl_err err;
    double jsd = NAN, ae = NAN, trow = INFINITY;
    enum { NROW = 20 };
    int s = gl_metrics_gen_alloc(&ex, G, GL_NOISE_NORMAL, &err);
    for (int i = 0; i < NROW && !s; i++) {
        double t0 = bench_now();
        s = gl_metrics_gen_jsd(ex, P, &jsd, &ae, NULL, &err);
        trow = fmin(trow, bench_now() - t0);
    }
    if (s) {
        fprintf(stderr, "bench: exact JSD: %s\n", err.msg);
        gl_metrics_gen_free(ex);
        return 2;
    }
    printf("exact-JSD log row of gan1d-bench's G: %.2f ms (best of %d; JSD %.12f, abserr %.1e; "
           "%zu breakpoints)\n", 1e3 * trow, NROW, jsd, ae,
           gl_pushforward_breakpoints(gl_metrics_gen_pf(ex), NULL, 0));
    gl_metrics_gen_free(ex);
    return 0;
}

int bench_gan1d(size_t steps, int torch, double peak)
{
    gl_err err;
    bench_gan b = {.name = "gan1d-bench", .spec = SPEC, .script = "bench/torch_gan1d.py"};
    /* G 1-16-16-1 tanh, D 1-32-32-1 leaky 0.2, NS, k 1, Adam 1e-3 (0.5, 0.999):
     * the defaults */
    gl_gan_cfg cfg = gl_gan_cfg_default();
    cfg.steps = steps;
    cfg.batch = BATCH;
    const gl_rig_arch a = gl_rig_arch_default();
    printf("gan1d-bench: data %s, G 1-16-16-1 tanh, D 1-32-32-1 leaky 0.2, ns loss, k 1,\n"
           "  batch %d, Adam(1e-3, 0.5/0.999), double, one thread, %zu steps; "
           "warm-up + best of %d\n", SPEC, BATCH, steps, BENCH_REPS);
    int s = bench_gan_run(&b, &cfg, &a, 1, &err);
    if (s) {
        fprintf(stderr, "bench: gan1d: %s\n", err.msg);
    } else {
        printf("  %.0f MACs = %.3f MFLOP per step (dense products only); %.1f us/step, "
               "jsd_hist %.4f\n", b.macs, 2 * b.macs / 1e6, 1e6 / b.sps, jsd_hist(b.rg.G, b.P, b.r));
        bench_gan_report(&b, steps, torch, peak);
        s = exact_row(b.rg.G, b.P);
    }
    bench_gan_free(&b);
    return s ? 2 : 0;
}
