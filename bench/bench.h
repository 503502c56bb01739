/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench.h — what the workloads of `make bench` share (bench/bench.c): a
 * clock, the measured peak, the MAC count of a GAN step, the timed training
 * runs and the PyTorch peers. */
#ifndef GL_BENCH_H
#define GL_BENCH_H

#include <stddef.h>

#include "mix.h"
#include "rig.h"

#define BENCH_SEED 1
#define BENCH_REPS 3

double bench_now(void);

/* One core's double-precision peak in GFLOP/s, measured with the widest FMA
 * the build targets (0 without FMA): the best of this and every earlier
 * call; *width gets the vector width. */
double bench_peak_gflops(int *width);

/* Multiply-accumulates of one GAN step of batch B and k D-steps, every dense
 * product counted (bench/README.md). */
double bench_macs_per_step(const gl_mlp *G, const gl_mlp *D, size_t B, size_t k);

/* A workload: its name, data spec and PyTorch peer, and what bench_gan_run
 * builds and measures. */
typedef struct {
    const char *name, *spec, *script;
    gl_mix *P;
    gl_rig rg;
    gsl_rng *r;
    double sps, macs; /* best steps/s; dense MACs per step */
} bench_gan;

/* Builds the GAN of cfg and a on the dim-D data b->spec and trains it for
 * cfg->steps steps: one untimed warm-up and BENCH_REPS timed runs, each from
 * the same initialisation (seed BENCH_SEED); 0 or a status (err set). */
int bench_gan_run(bench_gan *b, const gl_gan_cfg *cfg, const gl_rig_arch *a, size_t dim,
                  gl_err *err);
/* Runs the PyTorch peer (if torch) for steps, then prints the workload's line. */
void bench_gan_report(const bench_gan *b, size_t steps, int torch, double peak);
void bench_gan_free(bench_gan *b);

/* Runs the PyTorch peer `python3 SCRIPT STEPS` (SCRIPT relative to the top
 * directory, where make runs), echoing its output indented; its best
 * steps/s, 0 if it failed, -1 if no python3 has torch. */
double bench_run_torch(const char *script, size_t steps);


/* The workloads; torch: also run the PyTorch peer. 0 or 2 (message printed). */
int bench_gan1d(size_t steps, int torch, double peak);
int bench_gan2d(size_t steps, int torch, double peak);

#endif
