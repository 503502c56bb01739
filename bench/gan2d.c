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
    bench_gan b = {.name = "gan2d-bench", .spec = SPEC, .script = "bench/torch_gan2d.py"};
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
    printf("gan2d-bench: data %s, G 2-128-128-128-2 relu, D 2-128-128-1 leaky 0.2, ns loss, "
           "k 1,\n  batch %d, Adam(1e-4, 0.5/0.999), double, one thread, %zu steps; "
           "warm-up + best of %d\n", SPEC, BATCH, steps, BENCH_REPS);
    int s = bench_gan_run(&b, &cfg, &a, 2, &err);
    if (s) {
        fprintf(stderr, "bench: gan2d: %s\n", err.msg);
    } else {
        printf("  %.0f MACs = %.1f MFLOP per step (dense products only); %.0f us/step\n", b.macs,
               2 * b.macs / 1e6, 1e6 / b.sps);
        bench_gan_report(&b, steps, torch, peak);
    }
    bench_gan_free(&b);
    return s ? 2 : 0;
}
