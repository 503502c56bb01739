/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gan1d.c — `make bench`: steps/s of the gan1d-bench workload, and of the
 * same workload in PyTorch (bench/torch_gan1d.py) when python3 has torch.
 *
 * Workload gan1d-bench: data 0.5 N(-2, 0.5) + 0.5 N(2, 0.5); z ~ N(0, 1)
 * scalar; G 1-16-16-1 tanh; D 1-32-32-1 leaky ReLU 0.2; non-saturating loss,
 * k = 1, alternating; batch 128; Adam(lr 1e-3, betas 0.5/0.999) for both;
 * double precision, one thread.
 *
 *   gan1d [STEPS] [--no-torch]      STEPS defaults to 5000
 *
 * Timing: one untimed warm-up run, then three timed runs of STEPS steps from
 * the same initialisation; the best (shortest) is reported, for ganlab and
 * for PyTorch alike. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#if defined(__AVX512F__) || (defined(__AVX__) && defined(__FMA__))
#include <immintrin.h>
#endif

#include "gl.h"
#include "metrics.h"
#include "mix.h"
#include "mlp.h"
#include "optim.h"
#include "rig.h"
#include "train.h"

#define SPEC "0.5*N(-2,0.5)+0.5*N(2,0.5)"
#define BATCH 128
#define SEED 1
#define REPS 3

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Multiply-accumulates of one step, counting every dense product
 * (GEMM-like: forward W H, weight gradient dZ H^T, input gradient W^T dZ) as
 * out*in MACs per sample. Bias adds, activations, losses and the optimiser
 * are O(units) per sample, not counted. For an MLP on n samples with layer
 * widths s_0..s_L, P = sum_l s_l s_{l+1}:
 *   forward          n P
 *   weight gradients n P
 *   input gradients  n (P - s_0 s_1) without dL/dx, n P with it.
 * A step = k D-steps (G forward on B, D forward + both gradients on 2B, no
 * dL/dx) + one G-step (G forward, D forward and input gradients with dL/dx,
 * G weight and input gradients without dL/dx, all on B). */
static double macs_per_step(const gl_mlp *G, const gl_mlp *D, size_t B, size_t k)
{
    double PG = 0, PD = 0;
    for (size_t l = 0; l < G->nlayers; l++)
        PG += (double)(G->sizes[l] * G->sizes[l + 1]);
    for (size_t l = 0; l < D->nlayers; l++)
        PD += (double)(D->sizes[l] * D->sizes[l + 1]);
    double PG0 = (double)(G->sizes[0] * G->sizes[1]), PD0 = (double)(D->sizes[0] * D->sizes[1]);
    double n = (double)B;
    double dstep = n * PG + 2 * n * (PD + PD + (PD - PD0));
    double gstep = n * PG + n * (PD + PD) + n * (PG + (PG - PG0));
    return (double)k * dstep + gstep;
}

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

/* One core's double-precision peak, measured: 12 independent chains of the
 * widest fused multiply-add the build targets (AVX-512 or AVX2 + FMA), enough
 * to cover the latency of every FMA unit; best of 3 runs of 0.05-0.1 s. In
 * GFLOP/s (an FMA is 2 flops); 0 when the target has no FMA. */
#if defined(__AVX512F__)
typedef __m512d pv;
#define PV_W 8
#define PV_SET _mm512_set1_pd
#define PV_FMA _mm512_fmadd_pd
#elif defined(__AVX__) && defined(__FMA__)
typedef __m256d pv;
#define PV_W 4
#define PV_SET _mm256_set1_pd
#define PV_FMA _mm256_fmadd_pd
#endif

#ifdef PV_W
#define PEAK_WIDTH PV_W
#else
#define PEAK_WIDTH 0
#endif

static double peak_gflops(void)
{
#ifdef PV_W
    const long n = 4000000;
    double best = 0;
    for (int rep = 0; rep < 3; rep++) {
        pv a[12], b = PV_SET(0.999999), c = PV_SET(1e-7);
        for (int k = 0; k < 12; k++)
            a[k] = PV_SET((double)k);
        double t0 = now();
        for (long i = 0; i < n; i++) {
            a[0] = PV_FMA(a[0], b, c);
            a[1] = PV_FMA(a[1], b, c);
            a[2] = PV_FMA(a[2], b, c);
            a[3] = PV_FMA(a[3], b, c);
            a[4] = PV_FMA(a[4], b, c);
            a[5] = PV_FMA(a[5], b, c);
            a[6] = PV_FMA(a[6], b, c);
            a[7] = PV_FMA(a[7], b, c);
            a[8] = PV_FMA(a[8], b, c);
            a[9] = PV_FMA(a[9], b, c);
            a[10] = PV_FMA(a[10], b, c);
            a[11] = PV_FMA(a[11], b, c);
        }
        double dt = now() - t0, sink[PV_W], g = 12.0 * PV_W * 2 * (double)n / dt / 1e9;
        for (int k = 1; k < 12; k++)
            a[0] += a[k];
        memcpy(sink, &a[0], sizeof sink);
        if (!isfinite(sink[0])) /* keeps the chains live */
            return 0;
        if (g > best)
            best = g;
    }
    return best;
#else
    return 0;
#endif
}

/* Runs bench/torch_gan1d.py (a path relative to the top directory, where
 * make runs) with the first python3 that imports torch; returns its best
 * steps/s, 0 if it failed, -1 if no python3 has torch. */
static double run_torch(size_t steps)
{
    static const char *const py[] = {"python3", "/usr/bin/python3"};
    for (size_t i = 0; i < sizeof py / sizeof py[0]; i++) {
        char cmd[512];
        snprintf(cmd, sizeof cmd, "%s -c 'import torch' >/dev/null 2>&1", py[i]);
        if (system(cmd) != 0)
            continue;
        snprintf(cmd, sizeof cmd, "%s bench/torch_gan1d.py %zu", py[i], steps);
        printf("pytorch: %s\n", cmd);
        fflush(stdout);
        FILE *f = popen(cmd, "r");
        if (!f)
            return 0;
        char line[512];
        double sps = 0;
        while (fgets(line, sizeof line, f)) {
            fputs("  ", stdout);
            fputs(line, stdout);
            const char *p = strstr(line, "best_steps_per_s ");
            if (p)
                sps = atof(p + strlen("best_steps_per_s "));
        }
        pclose(f);
        return sps;
    }
    return -1;
}

int main(int argc, char **argv)
{
    gl_init();
    size_t steps = 5000;
    int torch = 1;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--no-torch") == 0) {
            torch = 0;
        } else {
            char *end;
            long v = strtol(argv[i], &end, 10);
            if (*end || v < 1) {
                fprintf(stderr, "usage: gan1d [STEPS] [--no-torch]\n");
                return 2;
            }
            steps = (size_t)v;
        }
    }

    gl_err err;
    gl_mix *P = NULL;
    gl_rig rg = {0};
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    /* G 1-16-16-1 tanh, D 1-32-32-1 leaky 0.2, NS, k 1, Adam 1e-3 (0.5, 0.999) */
    gl_gan_cfg cfg = gl_gan_cfg_default();
    cfg.steps = steps;
    cfg.batch = BATCH;
    const gl_rig_arch a = gl_rig_arch_default();
    int s = !r ? GL_ENOMEM : GL_OK;
    if (!s)
        s = gl_mix_parse(SPEC, &P, &err);
    if (!s)
        s = gl_rig_alloc(&rg, &a, &cfg, 1, r, &err);
    if (s) {
        fprintf(stderr, "gan1d: %s\n", r ? err.msg : "out of memory");
        return 2;
    }
    gl_mlp *G = rg.G, *D = rg.D;
    gl_optim *og = rg.og, *od = rg.od;
    gl_gan *w = rg.w;

    printf("gan1d-bench: data %s, G 1-16-16-1 tanh, D 1-32-32-1 leaky 0.2, ns loss, k 1,\n"
           "  batch %d, Adam(1e-3, 0.5/0.999), double, one thread, %zu steps; "
           "warm-up + best of %d\n", SPEC, BATCH, steps, REPS);
    double best = INFINITY;
    for (int rep = 0; rep <= REPS; rep++) {
        gsl_rng_set(r, SEED);
        gl_mlp_init(G, r);
        gl_mlp_init(D, r);
        gl_optim_reset(og);
        gl_optim_reset(od);
        double t0 = now();
        s = gl_gan_train(w, P, r, &err);
        double dt = now() - t0;
        if (s) {
            fprintf(stderr, "gan1d: %s\n", err.msg);
            return 2;
        }
        if (rep > 0 && dt < best)
            best = dt;
    }
    double sps = (double)steps / best;
    double macs = macs_per_step(G, D, BATCH, 1), flops = 2 * macs;
    printf("ganlab: %.0f steps/s (%.1f us/step), jsd_hist %.4f\n", sps, 1e6 / sps,
           jsd_hist(G, P, r));
    printf("  %.0f MACs = %.3f MFLOP per step (dense products only); %.1f GFLOP/s\n", macs,
           flops / 1e6, flops * sps / 1e9);
    double peak = peak_gflops();
    if (peak > 0)
        printf("  one core's DP peak, measured with %d-wide FMAs: %.1f GFLOP/s; "
               "achieved %.1f%% of it\n", PEAK_WIDTH, peak, 100 * flops * sps / 1e9 / peak);
    else
        printf("  no FMA in this build's target: peak not measured\n");

    /* the cost of one exact-JSD log row of `ganlab train`: the pushforward of
     * the trained G updated, then JSD(p_data || p_g) by quadrature, on a
     * workspace allocated once (as the training log does) */
    gl_metrics_gen *ex = NULL;
    double jsd = NAN, ae = NAN, trow = INFINITY;
    enum { NROW = 20 };
    s = gl_metrics_gen_alloc(&ex, G, GL_NOISE_NORMAL, &err);
    for (int i = 0; i < NROW && !s; i++) {
        double t0 = now();
        s = gl_metrics_gen_jsd(ex, P, &jsd, &ae, NULL, &err);
        trow = fmin(trow, now() - t0);
    }
    if (s) {
        fprintf(stderr, "gan1d: exact JSD: %s\n", err.msg);
        return 2;
    }
    printf("exact-JSD log row: %.2f ms (best of %d; JSD %.6f, abserr %.1e; %zu breakpoints)\n",
           1e3 * trow, NROW, jsd, ae,
           gl_pushforward_breakpoints(gl_metrics_gen_pf(ex), NULL, 0));
    gl_metrics_gen_free(ex);

    if (torch) {
        double tsps = run_torch(steps);
        if (tsps > 0)
            printf("ratio ganlab / pytorch: %.1fx\n", sps / tsps);
        else if (tsps == 0)
            printf("pytorch: bench/torch_gan1d.py failed (run from the top directory)\n");
        else
            printf("pytorch: no python3 with torch found; install it with "
                   "'apt-get install python3-torch' (Debian) to compare\n");
    }
    gl_rig_free(&rg);
    gl_mix_free(P);
    gsl_rng_free(r);
    return 0;
}
