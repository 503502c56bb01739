/* registry.c — the catalogue of experiments, in the order of the course. */
#include "exp.h"

int gl_exp_optimal_d(const gl_exp_opts *o, gl_rec *rec, gl_claims *cl, gl_err *err);

extern const char gl_exp_optimal_d_overrides[];

const gl_experiment gl_experiments[] = {
    {"optimal-d",
     "a discriminator trained for a fixed p_g converges to D* = p_data/(p_data+p_g); V(D*,G) = -log 4 + 2 JSD",
     gl_exp_optimal_d_overrides, gl_exp_optimal_d},
};

const size_t gl_nexperiments = sizeof gl_experiments / sizeof gl_experiments[0];
