/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The controls: every experiment run --quick --untrained (its networks
 * trained for 0 steps, or its generator frozen, docs/experiments.md). The
 * claims that a trained network succeeds must FAIL there, each by name; every
 * other claim (exact ones, inequalities for any D) must still pass; the files
 * are the usual ones and say that the run is a control. An experiment without
 * a row here must refuse --untrained. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exp.h"
#include "testutil.h"

#define MAXFAIL 12

/* an experiment and the claims its control must fail */
typedef struct {
    const char *name;
    const char *fail[MAXFAIL]; /* NULL-terminated */
} control;

static const control CONTROLS[] = {
    {"optimal-d", {"d1_weighted_L1_err", "d1_max_err_core", "d1_V_gap", "d2_weighted_L1_err",
                   "d2_max_err_core", "d2_V_gap"}},
    /* B with G frozen (D trains); C with both GANs at 0 steps */
    {"global-optimum", {"B_median_JSD", "B_median_V+log4", "B_median_mean|D-1/2|", "B_median_accuracy",
                        "C_k5_over_k1_median_late_gap", "C_k5_over_k1_median_final_jsd",
                        "H_worst_over_best_cell_median_jsd"}},
    {"fdiv", {"E_kl_est_minus_Df_within_4se", "E_kl_gap_Df_minus_exact_le_se",
              "E_rkl_est_minus_Df_within_4se", "E_rkl_gap_Df_minus_exact_le_se",
              "E_js_est_minus_Df_within_4se", "E_js_gap_Df_minus_exact_le_se",
              "E_hellinger_est_minus_Df_within_4se", "E_hellinger_gap_Df_minus_exact_le_se",
              "E_pearson_est_minus_Df_within_4se", "E_pearson_gap_Df_minus_exact_le_se"}},
    {"fgan-fit", {"spline_fgan_kl_1:1_mu_minus_DF_flow", "spline_fgan_kl_1:1_sigma_minus_DF_flow",
                  "spline_fgan_kl_3:1_mu_minus_DF_flow", "spline_fgan_kl_3:1_sigma_minus_DF_flow",
                  "network_fgan_sigma_minus_flow_min"}},
    /* the first-loss claims fail as nan: no step is logged */
    {"saturation", {"B_confident_checkpoints", "C_sgd_ns_jsd_at_500_max", "C_sgd_ns_first_step_below_level",
                    "C_sgd_ns_jsd_final_max", "C_sgd_ns_first_loss_d_max", "C_sgd_ns_first_loss_g_min",
                    "C_adam_mm_jsd_final_max"}},
    /* the 10-step spread fails as nan: there is no such checkpoint */
    {"disjoint", {"B_mean_D_fake_last", "B_mm_norm_last_over_peak", "B_ns_over_mm_norm_last",
                  "B_ns_db_sd_last_over_10_steps", "C_critic_grad_sign_right_fraction",
                  "C_critic_grad_min_abs", "C_est_monotone_in_abs_theta"}},
    /* the Dirac-GAN (part A) trains no network */
    /* G as initialised, measured at every point of the timeline: the
     * "at most" shares and the slow-D collapse hold for it trivially (an
     * untrained G covers few modes), the plain GAN's spread does not */
    {"mode-collapse", {"pack2_ring_mean_modes", "pack2_ring_mean_hq", "pack2_grid_mean_modes",
                       "gan_ring_share_collapsed"}},
    /* every G as initialised (0 steps): the exact CDF and the batch-mode gap
     * hold for it too (an untrained BN G's gap is the largest) */
    {"dcgan", {"plain_1d_jsd_max"}},
    {"dynamics", {"B_R1_pooled_final_jsd_ratio", "B_R1_worst_final_jsd", "C_linear_scale_collapses",
                  "C_linear_centre_at_argmax_D", "C_linear_jsd_increase", "C_net_mass_near_argmax_D"}},
    /* D(x|y) and every G as initialised: an untrained G keeps 0-1 modes, so
     * the GAN's "drops modes" holds, and "coarse labels no worse" (0-1 vs 0-1
     * modes) held on seeds 1-11 without needing training */
    {"conditional", {"A_label0_weighted_L1_err", "A_label1_weighted_L1_err", "B_cgan4_min_modes",
                     "B_cgan4_min_worst_mass", "B_cgan4_median_worst_label_jsd"}},
    /* part B at the saturated start only: its gradient ratio holds there, the
     * steps to L1 0.3 are inf (the ratio inf/inf nan) */
    {"bce-mse", {"A_bce_weighted_L1_err", "A_mse_weighted_L1_err", "B_bce_steps_to_L1_0.3_max",
                 "B_steps_to_L1_0.3_mse_over_bce"}},
    /* the GANs measured at He initialisation: units die in training, and a
     * leaky slope passes a gradient whatever the weights */
    {"activations", {"relu_median_final_dead_D", "relu_over_leaky0.2_median_final_dead_G",
                     "relu_max_zero_grad_share"}},
};
#define NCONTROLS (sizeof CONTROLS / sizeof CONTROLS[0])

static const control *control_of(const char *name)
{
    for (size_t k = 0; k < NCONTROLS; k++)
        if (strcmp(CONTROLS[k].name, name) == 0)
            return &CONTROLS[k];
    return NULL;
}

static int run_untrained(const char *name, const char *out, gl_claims *cl, gl_err *e)
{
    gl_exp_opts o = gl_exp_opts_default();
    o.quick = 1;
    o.untrained = 1;
    o.outdir = out;
    const gl_experiment *x = gl_exp_find(name);
    ck_assert_ptr_nonnull(x);
    return gl_exp_run(x, &o, cl, e);
}

/* whether c lists claim among those its control must fail */
static size_t listed(const control *c, const char *claim)
{
    for (size_t i = 0; i < MAXFAIL && c->fail[i]; i++)
        if (strcmp(c->fail[i], claim) == 0)
            return 1;
    return 0;
}

/* every file the trained quick run writes (tests/digests.tsv lists them)
 * is in dir too; *n of them */
static size_t check_usual_files(const char *name, const char *dir)
{
    const char *list = getenv("GL_DIGESTS") ? getenv("GL_DIGESTS") : "tests/digests.tsv";
    FILE *f = fopen(list, "r");
    ck_assert_msg(f != NULL, "cannot read %s", list);
    char line[512], a[128], b[128], path[400];
    size_t n = 0;
    while (fgets(line, sizeof line, f))
        if (line[0] != '#' && sscanf(line, "%127s %127s", a, b) == 2 && strcmp(a, name) == 0) {
            snprintf(path, sizeof path, "%s/%s", dir, b);
            ck_assert_msg(access(path, F_OK) == 0, "%s --untrained did not write %s", name, b);
            n++;
        }
    fclose(f);
    return n;
}

/* claims.tsv carries the control's metadata line */
static void check_meta(const char *name, const char *dir)
{
    char path[400], line[512];
    snprintf(path, sizeof path, "%s/claims.tsv", dir);
    FILE *f = fopen(path, "r");
    ck_assert_msg(f != NULL, "%s: no claims.tsv", name);
    int seen = 0;
    while (fgets(line, sizeof line, f) && line[0] == '#')
        seen |= strcmp(line, "# training: untrained (control run)\n") == 0;
    fclose(f);
    ck_assert_msg(seen, "%s: claims.tsv does not say it is a control run", name);
}

START_TEST(test_untrained_fails_trained_claims)
{
    const gl_experiment *x = &gl_experiments[_i];
    const control *c = control_of(x->name);
    gl_claims cl;
    gl_err e;
    char out[256];
    snprintf(out, sizeof out, "%s/%s", gl_test_dir, x->name);
    int s = run_untrained(x->name, out, &cl, &e);
    if (!c) { /* no control: refused, nothing written */
        ck_assert_msg(s == GL_EINVAL && strstr(e.msg, "--untrained"),
                      "%s has no control listed here but ran --untrained (status %d)", x->name, s);
        ck_assert_int_ne(access(out, F_OK), 0);
        return;
    }
    ck_assert_msg(s == GL_OK, "%s: %s", x->name, e.msg);
    size_t nfail = 0, nlist = 0;
    while (nlist < MAXFAIL && c->fail[nlist])
        nlist++;
    for (size_t i = 0; i < cl.n; i++) {
        int must_fail = listed(c, cl.c[i].name);
        nfail += must_fail;
        ck_assert_msg(cl.c[i].pass != must_fail,
                      "%s --untrained: claim %s %s (measured %g, expected %g, tol %g)", x->name,
                      cl.c[i].name, must_fail ? "passed: the bound does not need training" :
                      "failed, and it is not listed as a claim about training", cl.c[i].measured,
                      cl.c[i].expected, cl.c[i].tol);
    }
    ck_assert_msg(nfail == nlist, "%s: %zu of the %zu listed claims were made", x->name, nfail, nlist);
    ck_assert_msg(check_usual_files(x->name, out) >= 2, "%s: no recorded files to compare", x->name);
    check_meta(x->name, out);
}
END_TEST

/* the control is deterministic too: the same seed, byte-identical claims
 * (dynamics: a sweep of GANs on two threads, and the Dirac-GAN's noise) */
START_TEST(test_untrained_deterministic)
{
    gl_claims a, b;
    gl_err e;
    char out[256];
    snprintf(out, sizeof out, "%s/d", gl_test_dir);
    ck_assert_int_eq(run_untrained("dynamics", out, &a, &e), GL_OK);
    ck_assert_int_eq(run_untrained("dynamics", out, &b, &e), GL_OK);
    ck_assert_uint_eq(a.n, b.n);
    for (size_t i = 0; i < a.n; i++)
        ck_assert_msg(memcmp(&a.c[i].measured, &b.c[i].measured, sizeof(double)) == 0, "%s differs",
                      a.c[i].name);
}
END_TEST

Suite *controls_suite(void)
{
    Suite *s = suite_create("controls");
    TCase *c = tcase_create("core");
    tcase_set_timeout(c, 60);
    tcase_add_checked_fixture(c, gl_test_mkdir, gl_test_rmdir);
    tcase_add_test(c, test_untrained_deterministic);
    suite_add_tcase(s, c);
    /* every experiment's control run: tagged, so that make check SANITIZE=1
     * can leave it out (CK_EXCLUDE_TAGS: its budget); make check runs it */
    TCase *all = tcase_create("every-experiment");
    tcase_set_tags(all, "controls");
    tcase_set_timeout(all, 60);
    tcase_add_checked_fixture(all, gl_test_mkdir, gl_test_rmdir);
    tcase_add_loop_test(all, test_untrained_fails_trained_claims, 0, (int)gl_nexperiments);
    suite_add_tcase(s, all);
    return s;
}
