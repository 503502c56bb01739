/* SPDX-License-Identifier: GPL-3.0-or-later */
/* list.h — THE list of experiments, in the order of the course. Everything
 * that enumerates experiments reads it: the registry (registry.c, hence
 * `ganlab exp --list` and the regression suite tests/test_experiments.c) and
 * the Makefile's exp-NAME targets (which take the first argument of each
 * line). One line per experiment:
 *   GL_EXPERIMENT("name", c_identifier, "one-line summary")
 * experiments/NAME.c defines gl_exp_<c_identifier>() and its overrides'
 * help text gl_exp_<c_identifier>_overrides[]; plots/NAME.gp draws its figures. */
GL_EXPERIMENT("optimal-d", optimal_d,
              "a discriminator trained for a fixed p_g converges to D* = p_data/(p_data+p_g); V(D*,G) = -log 4 + 2 JSD")
GL_EXPERIMENT("global-optimum", global_optimum,
              "C(G) = V(D*,G) >= -log 4 with its minimum at p_g = p_data; trained 1-D GANs: exact JSD, V vs -log 4, D ~ 1/2, accuracy ~ 0.5")
GL_EXPERIMENT("fdiv", fdiv,
              "the f-divergence catalogue: f(1) = 0 and convexity, f** = f, the JS conjugates and a shift c(u-1), the variational bound (equality at T*), a critic trained on samples reaches D_f")
GL_EXPERIMENT("fgan-fit", fgan_fit,
              "the Gaussian closest to a bimodal P in D_f: kl covers both modes, rkl and others pick one; an f-GAN generator trained through the variational bound against the exact gradient flow of D_f")
GL_EXPERIMENT("saturation", saturation,
              "for a fixed G and an ever more confident D the minimax generator gradient vanishes, the non-saturating one does not; JSD over training for both")
GL_EXPERIMENT("disjoint", disjoint,
              "disjoint supports: JS stuck at log 2, KL inf, TV 1, W1 = |theta|; the minimax gradient vanishes as D improves, a clipped critic's does not")
GL_EXPERIMENT("dynamics", dynamics,
              "Dirac-GAN: simultaneous gradient steps spiral out, alternating ones circle, a gradient penalty or instance noise converges")
GL_EXPERIMENT("mode-collapse", mode_collapse,
              "ring of 8 and grid of 25 Gaussians (PacGAN geometry) over the occupancy timeline: vanilla ends short of modes, PacGAN2 hops and covers all, a slow D collapses and recovers; next to the published tables")
GL_EXPERIMENT("conditional", conditional,
              "conditional GANs: D(x|y) reaches D*(x|y) = p(x|y)/(p(x|y)+p_g(x|y)) label by label; one label per mode keeps every mode where the unconditional GAN drops some; coarser labels, measured")
GL_EXPERIMENT("bce-mse", bce_mse,
              "the sigmoid MLP of the EE698R notes as a discriminator: MSE and BCE both land on D* = p/(p+g); from a saturated start MSE's gradient vanishes and BCE's does not")
GL_EXPERIMENT("activations", activations,
              "dying ReLU: at a high learning rate ReLU units die (zero on every input) in D and G, leaky slopes 0.01-0.2 keep them alive, and the generator's gradient through dead units")
GL_EXPERIMENT("dcgan", dcgan,
              "the DCGAN guidelines at MLP scale (batch norm, ReLU/tanh G, leaky D, Adam b1 0.5), ablated on the ring, the grid and a 1-D mixture with exact JSD; the eval-mode p_g against the batch-mode samples")
