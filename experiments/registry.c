/* registry.c — the catalogue of experiments, in the order of the course. */
#include "exp.h"

int gl_exp_optimal_d(const gl_exp_opts *o, gl_rec *rec, gl_claims *cl, gl_err *err);

extern const char gl_exp_optimal_d_overrides[];
int gl_exp_global_optimum(const gl_exp_opts *o, gl_rec *rec, gl_claims *cl, gl_err *err);
extern const char gl_exp_global_optimum_overrides[];
int gl_exp_saturation(const gl_exp_opts *o, gl_rec *rec, gl_claims *cl, gl_err *err);
extern const char gl_exp_saturation_overrides[];
int gl_exp_disjoint(const gl_exp_opts *o, gl_rec *rec, gl_claims *cl, gl_err *err);
extern const char gl_exp_disjoint_overrides[];
int gl_exp_dynamics(const gl_exp_opts *o, gl_rec *rec, gl_claims *cl, gl_err *err);
extern const char gl_exp_dynamics_overrides[];
int gl_exp_fdiv(const gl_exp_opts *o, gl_rec *rec, gl_claims *cl, gl_err *err);
extern const char gl_exp_fdiv_overrides[];
int gl_exp_fgan_fit(const gl_exp_opts *o, gl_rec *rec, gl_claims *cl, gl_err *err);
extern const char gl_exp_fgan_fit_overrides[];
int gl_exp_mode_collapse(const gl_exp_opts *o, gl_rec *rec, gl_claims *cl, gl_err *err);
extern const char gl_exp_mode_collapse_overrides[];

const gl_experiment gl_experiments[] = {
    {"optimal-d",
     "a discriminator trained for a fixed p_g converges to D* = p_data/(p_data+p_g); V(D*,G) = -log 4 + 2 JSD",
     gl_exp_optimal_d_overrides, gl_exp_optimal_d},
    {"global-optimum",
     "C(G) = V(D*,G) >= -log 4 with its minimum at p_g = p_data; trained 1-D GANs: exact JSD, V vs -log 4, D ~ 1/2, accuracy ~ 0.5",
     gl_exp_global_optimum_overrides, gl_exp_global_optimum},
    {"fdiv",
     "the f-divergence catalogue: f(1) = 0 and convexity, f** = f, the JS conjugates and a shift c(u-1), the variational bound (equality at T*), a critic trained on samples reaches D_f",
     gl_exp_fdiv_overrides, gl_exp_fdiv},
    {"fgan-fit",
     "the Gaussian closest to a bimodal P in D_f: kl covers both modes, rkl and others pick one; an f-GAN generator trained through the variational bound against the exact gradient flow of D_f",
     gl_exp_fgan_fit_overrides, gl_exp_fgan_fit},
    {"saturation",
     "for a fixed G and an ever more confident D the minimax generator gradient vanishes, the non-saturating one does not; JSD over training for both",
     gl_exp_saturation_overrides, gl_exp_saturation},
    {"disjoint",
     "disjoint supports: JS stuck at log 2, KL inf, TV 1, W1 = |theta|; the minimax gradient vanishes as D improves, a clipped critic's does not",
     gl_exp_disjoint_overrides, gl_exp_disjoint},
    {"dynamics",
     "Dirac-GAN: simultaneous gradient steps spiral out, alternating ones circle, a gradient penalty or instance noise converges",
     gl_exp_dynamics_overrides, gl_exp_dynamics},
    {"mode-collapse",
     "ring of 8 and grid of 25 Gaussians: a vanilla GAN loses modes; PacGAN packing (m = 2,3,4) and LSGAN, 10 seeds each, next to the published tables",
     gl_exp_mode_collapse_overrides, gl_exp_mode_collapse},
};

const size_t gl_nexperiments = sizeof gl_experiments / sizeof gl_experiments[0];
