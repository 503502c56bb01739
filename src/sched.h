/* SPDX-License-Identifier: GPL-3.0-or-later */
/* sched.h — the learning-rate schedule (the gl_sched type), one for every
 * training loop of the lab: the discriminator alone (gl_train_d), the GAN
 * (gl_gan), the f-GAN critic and generator (fit.h).
 *
 * A loop of T steps runs step t = 0 .. T-1 at the rate base * gl_sched_factor(s, t, T):
 *
 *   const    1
 *   linear   1 - (1 - end) u                      from 1 down (or up) to end
 *   cosine   end + (1 - end) (1 + cos(pi u)) / 2  the same ends, flat at both
 *   step     gamma^floor(t / every)
 *
 * where u in [0, 1] is the position in the decay. With pieces = 0 it moves every
 * step, u = t / (T - 1), so the last step runs at `end` (to rounding: 1 - (1 - end)
 * is end to an ulp or so; T = 1 runs at 1). With pieces = N
 * the rate is a staircase: training is cut into N equal pieces, piece
 * p = floor(t N / T), and u = p / (N - 1), evaluated as (1 - end) p / (N - 1) in
 * that order: the first piece runs at the base rate, the last at `end` (with
 * T < N steps some pieces are empty and the last step may come before it). hold (a fraction in [0, 1)) keeps u = 0 over the first
 * floor(hold (n - 1)) positions (n = T, or N with pieces), then decays over
 * the rest. warmup > 0 multiplies the factor by (t + 1) / warmup for t < warmup
 * (a linear warm-up from base / warmup).
 *
 * gl_sched_default() is the constant schedule; set fields by name:
 *   gl_sched s = gl_sched_default(); s.kind = GL_SCHED_LINEAR; s.end = 0.05; */
#ifndef GL_SCHED_H
#define GL_SCHED_H

#include <stddef.h>

#include "gl.h"

typedef enum { GL_SCHED_CONST, GL_SCHED_LINEAR, GL_SCHED_COSINE, GL_SCHED_STEP } gl_sched_kind;

typedef struct {
    gl_sched_kind kind;
    double end;     /* linear, cosine: the last rate as a multiple of the base, >= 0 (default 0) */
    double hold;    /* linear, cosine: fraction of the positions held at the base rate, [0, 1) */
    size_t pieces;  /* linear, cosine: 0 (every step) or a staircase of >= 2 pieces */
    double gamma;   /* step: the factor applied every `every` steps, > 0 (default 0.5) */
    size_t every;   /* step: >= 1 (default 1000) */
    size_t warmup;  /* steps of linear warm-up (default 0: none) */
} gl_sched;

gl_sched gl_sched_default(void);

/* GL_EINVAL with a message for a field out of its range. */
int gl_sched_check(const gl_sched *s, gl_err *err);

/* The multiple of the base rate at step t (0-based) of a loop of T >= 1 steps;
 * steps at and beyond T run at the factor of step T - 1. */
double gl_sched_factor(const gl_sched *s, size_t t, size_t T);

/* Parses "const", "linear[:END]", "cosine[:END]" or "step:GAMMA:EVERY"
 * (END defaults to 0) into *s, keeping its hold, pieces and warmup. */
int gl_sched_parse(const char *text, gl_sched *s, gl_err *err);

/* The schedule in words, for metadata: "linear to 0.05 in 40 pieces". */
void gl_sched_text(const gl_sched *s, char *buf, size_t n);

#endif
