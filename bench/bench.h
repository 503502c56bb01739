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
 * the build targets (0 without FMA); *width gets the vector width. */
double bench_peak_gflops(int *width);

/* Multiply-accumulates of one GAN step of batch B and k D-steps, every dense
 * product counted (bench/README.md). */
double bench_macs_per_step(const gl_mlp *G, const gl_mlp *D, size_t B, size_t k);

/* Trains the rig's GAN on P (its cfg has STEPS steps), one untimed warm-up and
 * BENCH_REPS timed runs, each from the same initialisation (seed BENCH_SEED);
 * the best steps/s in *sps. 0 or a status (err set). */
int bench_time_gan(gl_rig *rg, const gl_mix *P, gsl_rng *r, size_t steps, double *sps,
                   gl_err *err);

/* Runs the PyTorch peer `python3 SCRIPT STEPS` (SCRIPT relative to the top
 * directory, where make runs), echoing its output indented; its best
 * steps/s, 0 if it failed, -1 if no python3 has torch. */
double bench_run_torch(const char *script, size_t steps);

/* The line of a workload: "NAME: ganlab S steps/s, G GFLOP/s, achieved X%
 * of the measured peak P GFLOP/s; pytorch T steps/s, ratio R" (the PyTorch
 * part as far as tsps allows). */
void bench_report(const char *name, double sps, double macs, double peak, double tsps);

/* The workloads; torch: also run the PyTorch peer. 0 or 2 (message printed). */
int bench_gan1d(size_t steps, int torch, double peak);
int bench_gan2d(size_t steps, int torch, double peak);

#endif
