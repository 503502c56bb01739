/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gan2d.c — the gan2d-bench workload of `make bench` (bench/bench.c), against
 * bench/torch_gan2d.py: the wide 2-D GAN of the mode-collapse benchmarks,
 * where the dense products are nearly the whole cost.
 *
 * gan2d-bench: data ring(8, 2, 0.02); z ~ N(0, I_2); G 2-128-128-128-2 ReLU;
 * D 2-128-128-1 leaky ReLU 0.2; non-saturating loss, k = 1, alternating;
 * batch 256; Adam(lr 1e-4, betas 0.5/0.999) for both; double precision, one
 * thread. (`ganlab train --data 'ring(8,2,0.02)' --g 128,128,128 --d 128,128
 * --act relu,leaky --batch 256 --lr 1e-4` trains the same GAN.) */
#include <math.h>
#include <stdio.h>

#include <gsl/gsl_rng.h>

#include "bench.h"
#include "gl.h"
#include "mix.h"
#include "rig.h"
#include "train.h"

#define SPEC "ring(8,2,0.02)"
#define BATCH 256

int bench_gan2d(size_t steps, int torch, double peak)
{
    gl_err err;
    gl_mix *P = NULL;
    gl_rig rg = {0};
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gl_gan_cfg cfg = gl_gan_cfg_default();
    cfg.steps = steps;
    cfg.batch = BATCH;
    cfg.zdim = 2;
    cfg.lr_d = cfg.lr_g = 1e-4;
    gl_rig_arch a = gl_rig_arch_default();
    a.g = (gl_mlp_hidden){3, {128, 128, 128}};
    a.d = (gl_mlp_hidden){2, {128, 128}};
    a.gact = GL_ACT_RELU;
    a.dact = GL_ACT_LEAKY;
    int s = !r ? GL_ENOMEM : GL_OK;
    if (!s)
        s = gl_mix_parse(SPEC, &P, &err);
    if (!s)
        s = gl_rig_alloc(&rg, &a, &cfg, 2, r, &err);
    printf("gan2d-bench: data %s, G 2-128-128-128-2 relu, D 2-128-128-1 leaky 0.2, ns loss, "
           "k 1,\n  batch %d, Adam(1e-4, 0.5/0.999), double, one thread, %zu steps; "
           "warm-up + best of %d\n", SPEC, BATCH, steps, BENCH_REPS);
    double sps = 0, tsps = -2;
    if (!s)
        s = bench_time_gan(&rg, P, r, steps, &sps, &err);
    if (s) {
        fprintf(stderr, "bench: gan2d: %s\n", r ? err.msg : "out of memory");
    } else {
        double macs = bench_macs_per_step(rg.G, rg.D, BATCH, 1);
        printf("  %.0f MACs = %.1f MFLOP per step (dense products only); %.0f us/step\n", macs,
               2 * macs / 1e6, 1e6 / sps);
        if (torch)
            tsps = bench_run_torch("bench/torch_gan2d.py", steps);
        bench_report("gan2d-bench", sps, macs, peak, tsps);
    }
    gl_rig_free(&rg);
    gl_mix_free(P);
    gsl_rng_free(r);
    return s ? 2 : 0;
}
