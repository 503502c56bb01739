/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench.c — `make bench`: the gan1d-bench and gan2d-bench workloads (steps/s,
 * GFLOP/s, the share of the measured peak, and PyTorch on the same workload
 * when python3 has torch), the cost of one exact-JSD log row of a 1-D
 * generator, and the in-process time of all nine D_f of a 1-D pair.
 *
 *   ganlab_bench [STEPS1D [STEPS2D]] [--no-torch]    defaults 5000 and 500
 *
 * Timing: one untimed warm-up run, then three timed runs from the same
 * initialisation; the best (shortest) is reported, for ganlab and PyTorch
 * alike. bench/README.md says what is counted. */
#include "bench.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#if defined(__AVX512F__) || (defined(__AVX__) && defined(__FMA__))
#include <immintrin.h>
#endif

#include "fdiv.h"
#include "gl.h"
#include "quad.h"
#include "train.h"

/* The CPU time of this thread: the machine is shared, and wall time counts
 * the time another job holds the core (the PyTorch peers use their CPU time
 * too). On an idle machine the two agree. */
double bench_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* For an MLP on n samples with layer widths s_0..s_L, P = sum_l s_l s_{l+1}:
 *   forward          n P
 *   weight gradients n P
 *   input gradients  n (P - s_0 s_1) without dL/dx, n P with it.
 * A step = k D-steps (G forward on B, D forward + both gradients on 2B, no
 * dL/dx) + one G-step (G forward, D forward and input gradients with dL/dx,
 * G weight and input gradients without dL/dx, all on B). */
double bench_macs_per_step(const gl_mlp *G, const gl_mlp *D, size_t B, size_t k)
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

/* 12 independent chains of the widest fused multiply-add the build targets
 * (AVX-512 or AVX2 + FMA), enough to cover the latency of every FMA unit;
 * best of 5 runs of 0.05-0.1 s. An FMA is 2 flops. */
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

double bench_peak_gflops(int *width)
{
#ifdef PV_W
    const long n = 4000000;
    static double best = 0; /* the best of every measurement so far */
    *width = PV_W;
    for (int rep = 0; rep < 5; rep++) {
        pv a[12], b = PV_SET(0.999999), c = PV_SET(1e-7);
        for (int k = 0; k < 12; k++)
            a[k] = PV_SET((double)k);
        double t0 = bench_now();
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
        double dt = bench_now() - t0, sink[PV_W], g = 12.0 * PV_W * 2 * (double)n / dt / 1e9;
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
    *width = 0;
    return 0;
#endif
}

int bench_gan_run(bench_gan *b, const gl_gan_cfg *cfg, const gl_rig_arch *a, size_t dim,
                  gl_err *err)
{
    b->r = gsl_rng_alloc(gsl_rng_mt19937);
    if (!b->r)
        return gl_err_set(err, GL_ENOMEM, "out of memory");
    int s = gl_mix_parse(b->spec, &b->P, err);
    if (!s)
        s = gl_rig_alloc(&b->rg, a, cfg, dim, b->r, err);
    double best = INFINITY;
    for (int rep = 0; rep <= BENCH_REPS && !s; rep++) {
        gsl_rng_set(b->r, BENCH_SEED);
        gl_mlp_init(b->rg.G, b->r);
        gl_mlp_init(b->rg.D, b->r);
        gl_optim_reset(b->rg.og);
        gl_optim_reset(b->rg.od);
        double t0 = bench_now();
        s = gl_gan_train(b->rg.w, b->P, b->r, err);
        double dt = bench_now() - t0;
        if (rep > 0 && dt < best)
            best = dt;
    }
    if (s)
        return s;
    b->sps = (double)cfg->steps / best;
    b->macs = bench_macs_per_step(b->rg.G, b->rg.D, cfg->batch, cfg->k);
    return GL_OK;
}

void bench_gan_free(bench_gan *b)
{
    gl_rig_free(&b->rg);
    gl_mix_free(b->P);
    gsl_rng_free(b->r);
}

double bench_run_torch(const char *script, size_t steps)
{
    static const char *const py[] = {"python3", "/usr/bin/python3"};
    for (size_t i = 0; i < sizeof py / sizeof py[0]; i++) {
        char cmd[512];
        snprintf(cmd, sizeof cmd, "%s -c 'import torch' >/dev/null 2>&1", py[i]);
        if (system(cmd) != 0)
            continue;
        snprintf(cmd, sizeof cmd, "%s %s %zu", py[i], script, steps);
        printf("  pytorch: %s\n", cmd);
        fflush(stdout);
        FILE *f = popen(cmd, "r");
        if (!f)
            return 0;
        char line[512];
        double sps = 0;
        while (fgets(line, sizeof line, f)) {
            fputs("    ", stdout);
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

/* "NAME: ganlab S steps/s, G GFLOP/s, achieved X% of the measured peak P
 * GFLOP/s; pytorch T steps/s, ratio R" (the PyTorch part as far as it ran) */
void bench_gan_report(const bench_gan *b, size_t steps, int torch, double peak)
{
    double tsps = torch ? bench_run_torch(b->script, steps) : -2, sps = b->sps;
    double gf = 2 * b->macs * sps / 1e9;
    /* the peak again, right after the timed runs: on a shared machine a
     * measurement made while another job held the core would understate it
     * and overstate the share; the best of all measurements counts */
    if (peak > 0) {
        int w;
        peak = fmax(peak, bench_peak_gflops(&w));
    }
    printf("%s: ganlab %.0f steps/s, %.1f GFLOP/s", b->name, sps, gf);
    if (peak > 0)
        printf(", achieved %.1f%% of the measured peak %.1f GFLOP/s", 100 * gf / peak, peak);
    if (tsps > 0)
        printf("; pytorch %.0f steps/s, ratio %.1fx\n", tsps, sps / tsps);
    else if (tsps == 0)
        printf("; pytorch failed (run from the top directory)\n");
    else if (tsps == -1)
        printf("; pytorch not found (apt-get install python3-torch to compare)\n");
    else
        printf("\n");
}

/* All nine D_f of a 1-D pair in process, on one workspace, by
 * gl_fdiv_eval_many and (for comparison) by nine gl_fdiv_eval calls: the
 * best of 200 repetitions of each after a warm-up (the first call grows the
 * workspace). The two give the same values bit for bit; the bench checks. */
static double time_div(const gl_mix *P, const gl_mix *Q, gl_quad_workspace *ws, int many,
                       double *v, double *ae, int *s, gl_err *err)
{
    const gl_fdiv *fs[GL_F_COUNT];
    double best = INFINITY;
    for (int k = 0; k < GL_F_COUNT; k++)
        fs[k] = gl_fdiv_get(k);
    for (int rep = 0; rep <= 200 && !*s; rep++) {
        double t0 = bench_now();
        if (many)
            *s = gl_fdiv_eval_many(fs, GL_F_COUNT, P, Q, ws, v, ae, err);
        for (int k = 0; k < GL_F_COUNT && !many && !*s; k++)
            *s = gl_fdiv_eval(fs[k], P, Q, ws, &v[k], &ae[k], err);
        if (rep > 0)
            best = fmin(best, bench_now() - t0);
    }
    return best;
}

static int bench_div(void)
{
    const char *ps = "0.5*N(-1,1)+0.5*N(1,1)", *qs = "N(0,1.2)";
    gl_mix *P = NULL, *Q = NULL;
    gl_quad_workspace *ws = NULL;
    gl_err err;
    double v[GL_F_COUNT], ae[GL_F_COUNT], v1[GL_F_COUNT], ae1[GL_F_COUNT], t = 0, t1 = 0;
    int s = gl_mix_parse(ps, &P, &err);
    if (!s)
        s = gl_mix_parse(qs, &Q, &err);
    if (!s)
        s = gl_quad_workspace_alloc(&ws, &err);
    if (!s)
        t = time_div(P, Q, ws, 1, v, ae, &s, &err);
    if (!s)
        t1 = time_div(P, Q, ws, 0, v1, ae1, &s, &err);
    if (!s && (memcmp(v, v1, sizeof v) || memcmp(ae, ae1, sizeof ae)))
        s = gl_err_set(&err, GL_EINVAL, "gl_fdiv_eval_many and gl_fdiv_eval disagree");
    if (s)
        fprintf(stderr, "bench: div: %s\n", err.msg);
    else
        printf("nine D_f of %s vs %s: %.3f ms in process (best of 200; kl %.15g, js %.15g; "
               "one at a time %.3f ms)\n", ps, qs, 1e3 * t, v[GL_F_KL], v[GL_F_JS], 1e3 * t1);
    gl_quad_workspace_free(ws);
    gl_mix_free(P);
    gl_mix_free(Q);
    return s ? 2 : 0;
}

int main(int argc, char **argv)
{
    gl_init();
    size_t steps[2] = {5000, 500};
    int torch = 1, nsteps = 0;
    for (int i = 1; i < argc; i++) {
        char *end;
        long v = strtol(argv[i], &end, 10);
        if (strcmp(argv[i], "--no-torch") == 0) {
            torch = 0;
        } else if (*end || v < 1 || nsteps == 2) {
            fprintf(stderr, "usage: ganlab_bench [STEPS1D [STEPS2D]] [--no-torch]\n");
            return 2;
        } else {
            steps[nsteps++] = (size_t)v;
        }
    }
#ifdef GL_BLAS
    printf("dense products: cblas_dgemm of the CBLAS library linked in (make BLAS=...)\n");
#else
    printf("dense products: src/kern.c\n");
#endif
    int width;
    double peak = bench_peak_gflops(&width);
    if (peak > 0)
        printf("one core's DP peak, measured with %d-wide FMAs: %.1f GFLOP/s\n", width, peak);
    else
        printf("no FMA in this build's target: peak not measured\n");
    int rc = bench_gan1d(steps[0], torch, peak);
    if (!rc)
        rc = bench_gan2d(steps[1], torch, peak);
    if (!rc)
        rc = bench_div();
    return rc;
}
