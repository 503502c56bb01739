/* SPDX-License-Identifier: GPL-3.0-or-later */
/* registry.c — the catalogue of experiments, made from list.h. */
#include "exp.h"

#define GL_EXPERIMENT(name, id, summary)                                                \
    int gl_exp_##id(const gl_exp_opts *o, gl_rec *rec, gl_claims *cl, gl_err *err);   \
    extern const char gl_exp_##id##_overrides[];
#include "list.h"
#undef GL_EXPERIMENT

const gl_experiment gl_experiments[] = {
#define GL_EXPERIMENT(name, id, summary) {name, summary, gl_exp_##id##_overrides, gl_exp_##id},
#include "list.h"
#undef GL_EXPERIMENT
};

const size_t gl_nexperiments = sizeof gl_experiments / sizeof gl_experiments[0];
