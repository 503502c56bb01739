/* disjoint — claim: on disjoint supports JS saturates at log 2, KL is infinite
 * and TV is 1 however far apart, while W1 = |theta| keeps measuring distance;
 * an ever better D gives the minimax generator a vanishing gradient, -log D a
 * non-vanishing but noisy one, and a clipped (Lipschitz) critic a gradient
 * pointing towards the data at every distance.
 * setup: A) P = U(0,1), Q = U(theta, theta+1) over a theta grid, exact; A2) the
 * WGAN paper's 2-D segments, thickened to boxes, exact; B) fixed G with p_g =
 * U(3,4), D trained for more and more steps; C) clipped critic per theta.
 * theory: theory/disjoint.md */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "exp.h"
#include "fdiv.h"
#include "gen.h"
#include "loss.h"
#include "metrics.h"
#include "mix.h"
#include "mlp.h"
#include "num.h"
#include "optim.h"
#include "train.h"
#include "wass.h"

const char gl_exp_disjoint_overrides[] =
    "  --dsteps N     D-training steps of part B's last checkpoint, >= 100 (default 3000;\n"
    "                 --quick 1000)\n"
    "  --clip X       weight clipping of part C's critic, > 0 (default 0.1)\n";

#define NCK 8    /* D-training checkpoints of part B */
#define MB 64    /* minibatch of the generator gradients */
#define NMB 64   /* minibatches per checkpoint: mean and spread over them */
#define CB 64    /* critic minibatch */
#define CSTEPS 400 /* critic steps per theta */

/* ---------------- part A: divergences and W1 over theta ---------------- */
static int part_a(const gl_exp_opts *o, gl_rec *rec, gl_claims *cl, gl_err *err)
{
    const gl_fdiv *js = gl_fdiv_get(GL_F_JS), *kl = gl_fdiv_get(GL_F_KL), *tv = gl_fdiv_get(GL_F_TV);
    int kstep = o->quick ? 4 : 1;
    gl_mix *P = NULL, *Q = NULL;
    gl_tsv *t;
    double djs_far = 0, djs_near = 0, dtv = 0, dw = 0;
    size_t nfar = 0, nkl_inf = 0, nnz = 0;
    int s = gl_rec_open(rec, "theta.tsv", &t, err);
    if (s)
        return s;
    if ((s = gl_mix_parse("U(0,1)", &P, err)))
        return s;
    gl_tsv_meta(t, "P", "U(0,1)");
    gl_tsv_meta(t, "Q", "U(theta,theta+1)");
    gl_tsv_meta(t, "method", "js, kl, tv: gl_fdiv_eval (inf from the supports); w1: gl_wass_w1, |F_P - F_Q| by quadrature");
    gl_tsv_header(t, 8, (const char *const[]){"theta", "js", "js_abserr", "kl", "tv", "w1", "w1_abserr",
                                              "js_theory"});
    for (int k = -60; k <= 60; k += kstep) {
        double th = k / 20.0, a = fabs(th);
        char spec[96];
        snprintf(spec, sizeof spec, "U(%.17g,%.17g)", th, th + 1);
        if ((s = gl_mix_parse(spec, &Q, err)))
            break;
        double vj, ej, vk, ek, vt, et, vw, ew;
        if ((s = gl_fdiv_eval(js, P, Q, NULL, &vj, &ej, err)) || (s = gl_fdiv_eval(kl, P, Q, NULL, &vk, &ek, err)) ||
            (s = gl_fdiv_eval(tv, P, Q, NULL, &vt, &et, err)) || (s = gl_wass_w1(P, Q, NULL, &vw, &ew, err)))
            break;
        gl_mix_free(Q);
        Q = NULL;
        /* JS = min(|theta|,1) log 2: only the non-overlapping part, of length
         * min(|theta|,1) under each, contributes, each at p log(p/m) = log 2 */
        double jt = fmin(a, 1) * log(2.0);
        if (a >= 1) {
            nfar++;
            djs_far = fmax(djs_far, fabs(vj - log(2.0)));
        } else {
            djs_near = fmax(djs_near, fabs(vj - jt));
        }
        if (k != 0) {
            nnz++;
            nkl_inf += isinf(vk) && vk > 0;
        }
        dtv = fmax(dtv, fabs(vt - fmin(a, 1)));
        dw = fmax(dw, fabs(vw - a));
        gl_tsv_row(t, 8, (double[]){th, vj, ej, vk, vt, vw, ew, jt});
    }
    gl_mix_free(P);
    gl_mix_free(Q);
    if (s)
        return s;
    gl_claims_add(cl, "A_js_minus_log2_max_far", GL_CLAIM_EQ, 0, djs_far, 1e-12,
                  "1-D quadrature's relative target 1e-12 (quad.h)");
    gl_claims_add(cl, "A_js_vs_theta_log2_max_near", GL_CLAIM_EQ, 0, djs_near, 1e-12,
                  "1-D quadrature's relative target 1e-12 (quad.h)");
    gl_claims_add(cl, "A_far_points", GL_CLAIM_GE, 10, (double)nfar, 0,
                  "guard: the far-JS claim is not vacuous; 10 not argued");
    gl_claims_add(cl, "A_kl_inf_fraction_theta_ne_0", GL_CLAIM_EQ, 1, (double)nkl_inf / (double)nnz, 0,
                  "exact: inf is decided from the supports");
    gl_claims_add(cl, "A_tv_vs_min_theta_1_max_dev", GL_CLAIM_EQ, 0, dtv, 1e-12,
                  "1-D quadrature's relative target 1e-12 (quad.h)");
    gl_claims_add(cl, "A_w1_vs_abs_theta_max_dev", GL_CLAIM_EQ, 0, dw, 1e-10,
                  "the bound of W1's unit tests (test_wass.c)");
    return GL_OK;
}

/* ---------------- part A2: the WGAN paper's 2-D example, thinned ----------------
 * Arjovsky, Chintala & Bottou (2017), Example 1: P on the segment {0} x [0,1],
 * Q_theta on {theta} x [0,1]. A segment has no density in the plane, so the
 * lab uses boxes of width EPS2: U2(0,EPS2,0,1) vs U2(theta,theta+EPS2,0,1).
 * Then JS = min(|theta|/EPS2, 1) log 2 and TV = min(|theta|/EPS2, 1) (as in 1-D,
 * the y-marginals agree), which tend to the segments' log 2 [theta != 0] and
 * 1 [theta != 0] as EPS2 -> 0; W1 = |theta| for a translation (any EPS2). */
#define EPS2 0.01
static int part_a2(gl_rec *rec, gl_claims *cl, gl_err *err)
{
    static const double th2[] = {-1, -0.3, -0.1, -0.03, -0.01, -0.005, -0.002,
                                 0.002, 0.005, 0.01, 0.03, 0.1, 0.3, 1};
    const gl_fdiv *js = gl_fdiv_get(GL_F_JS), *tv = gl_fdiv_get(GL_F_TV);
    gl_mix *P = NULL, *Q = NULL;
    gl_tsv *t;
    double djs = 0, dtv = 0;
    char spec[128];
    int s = gl_rec_open(rec, "theta2d.tsv", &t, err);
    if (s)
        return s;
    snprintf(spec, sizeof spec, "U2(0,%g,0,1)", EPS2);
    if ((s = gl_mix_parse(spec, &P, err)))
        return s;
    gl_tsv_meta(t, "P", "%s (the segment x = 0, 0 <= y <= 1, thickened)", spec);
    gl_tsv_meta(t, "Q", "U2(theta,theta+%g,0,1)", EPS2);
    gl_tsv_meta(t, "method", "gl_fdiv_eval in 2-D; w1 = |theta| in theory (a translation), not computed");
    gl_tsv_header(t, 5, (const char *const[]){"theta", "js", "js_abserr", "tv", "w1_theory"});
    for (size_t k = 0; k < sizeof th2 / sizeof th2[0]; k++) {
        double th = th2[k], vj, ej, vt, et, u = fmin(fabs(th) / EPS2, 1);
        snprintf(spec, sizeof spec, "U2(%.17g,%.17g,0,1)", th, th + EPS2);
        if ((s = gl_mix_parse(spec, &Q, err)) || (s = gl_fdiv_eval(js, P, Q, NULL, &vj, &ej, err)) ||
            (s = gl_fdiv_eval(tv, P, Q, NULL, &vt, &et, err)))
            break;
        gl_mix_free(Q);
        Q = NULL;
        djs = fmax(djs, fabs(vj - u * log(2.0)));
        dtv = fmax(dtv, fabs(vt - u));
        gl_tsv_row(t, 5, (double[]){th, vj, ej, vt, fabs(th)});
    }
    gl_mix_free(P);
    gl_mix_free(Q);
    if (s)
        return s;
    /* 1e-9: the 2-D quadrature's outer relative tolerance (quad.h) */
    gl_claims_add(cl, "A2_js_2d_thin_max_dev", GL_CLAIM_EQ, 0, djs, 1e-9,
                  "2-D quadrature's outer relative target 1e-9 (quad.h)");
    gl_claims_add(cl, "A2_tv_2d_thin_max_dev", GL_CLAIM_EQ, 0, dtv, 1e-9,
                  "2-D quadrature's outer relative target 1e-9 (quad.h)");
    return GL_OK;
}

/* ---------------- part B: D trained against a fixed, disjoint G ---------------- */
/* gradient statistics of one loss over NMB minibatches of MB noise draws:
 * the norm of the mean gradient (= the gradient on all NMB*MB draws), and the
 * mean and standard deviation over minibatches of the b-component */
typedef struct {
    double norm, db_mean, db_sd;
} gstat;

static void grad_stats(gl_gan *w, gl_mlp *G, const gsl_rng *r, double *z, gstat *g)
{
    double sa = 0, sb = 0, sbb = 0;
    for (size_t m = 0; m < NMB; m++) {
        gl_noise_sample(GL_NOISE_UNIFORM, r, MB, z);
        gl_gan_grad_g(w, z);
        sa += G->grads[0];
        sb += G->grads[1];
        sbb += G->grads[1] * G->grads[1];
    }
    g->norm = hypot(sa / NMB, sb / NMB);
    g->db_mean = sb / NMB;
    g->db_sd = sqrt(fmax(0, sbb / NMB - g->db_mean * g->db_mean) * NMB / (NMB - 1));
}

static int part_b(const gl_exp_opts *o, size_t dsteps, gl_rec *rec, gl_claims *cl, gl_err *err)
{
    size_t ck[NCK] = {0, 3, 10, 30, 100, 300, 1000, 3000};
    ck[NCK - 1] = dsteps;
    size_t nck = NCK;
    if (dsteps <= ck[NCK - 2]) { /* a short run ends at its own step count */
        ck[NCK - 2] = dsteps;
        nck = NCK - 1;
    }
    gl_mix *P = NULL, *Gm = NULL;
    gl_exp_probe pr = {0};
    gl_tsv *t = NULL;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    double z[MB], sd_first = NAN, mm_peak = 0, mm_last = NAN, ns_last = NAN, ns_cv_last = NAN,
           sd_last = NAN, dfake_last = NAN;
    int s;
    if (!r)
        return gl_err_set(err, GL_ENOMEM, "out of memory");
    gsl_rng_set(r, o->seed * 7 + 3);
    /* G(z) = 0.5 z + 3.5, z ~ U(-1,1): p_g = U(3,4), two units from the data */
    if ((s = gl_mix_parse("U(0,1)", &P, err)) || (s = gl_mix_parse("U(3,4)", &Gm, err)) ||
        (s = gl_exp_probe_alloc(&pr, 0.5, 3.5, GL_NOISE_UNIFORM, MB, 512, r, err)) ||
        (s = gl_rec_open(rec, "dsteps.tsv", &t, err)))
        goto done;
    gl_mlp *G = pr.G, *D = pr.D;
    gl_optim *odt = pr.odt;
    gl_gan *wm = pr.wm, *wn = pr.wn;
    gl_tsv_meta(t, "pdata", "U(0,1)");
    gl_tsv_meta(t, "G", "G(z) = 0.5 z + 3.5, z ~ U(-1,1): p_g = U(3,4), held fixed");
    gl_tsv_meta(t, "D", "1-32-32-1 tanh, Adam lr 0.005, batch 256+256 (gl_train_d)");
    gl_tsv_meta(t, "gradient", "theta = (a, b) of G; %d minibatches of %d draws: norm of their mean; "
                               "mean and sd over minibatches of d/db", NMB, MB);
    gl_tsv_header(t, 9, (const char *const[]){"dsteps", "mean_D_fake", "mm_norm", "mm_db_mean", "mm_db_sd",
                                              "ns_norm", "ns_db_mean", "ns_db_sd", "mean_D_real"});
    size_t done_steps = 0;
    for (size_t k = 0; k < nck; k++) {
        if ((s = gl_exp_train_d_to(D, odt, P, Gm, r, &done_steps, ck[k], err)))
            goto done;
        gstat gm, gn;
        grad_stats(wm, G, r, z, &gm);
        grad_stats(wn, G, r, z, &gn);
        double x[256], a[256];
        gl_mix_sample(Gm, r, 256, x);
        double dfake = gl_metrics_mean_d(D, x, 256, a);
        gl_mix_sample(P, r, 256, x);
        double dreal = gl_metrics_mean_d(D, x, 256, a);
        gl_tsv_row(t, 9, (double[]){(double)ck[k], dfake, gm.norm, gm.db_mean, gm.db_sd, gn.norm, gn.db_mean,
                                    gn.db_sd, dreal});
        if (ck[k] == 10)
            sd_first = gn.db_sd;
        mm_peak = fmax(mm_peak, gm.norm);
        mm_last = gm.norm;
        ns_last = gn.norm;
        ns_cv_last = gn.db_sd / fabs(gn.db_mean);
        sd_last = gn.db_sd;
        dfake_last = dfake;
        if (o->progress)
            o->progress(o->progress_ctx, "disjoint B: training D", (double)(k + 1) / (double)nck);
    }
    gl_tsv_meta(t, "summary", "minimax norm: peak %.3g -> %.3g at %zu steps; ns norm %.3g, sd/|mean| of d/db %.3g",
                mm_peak, mm_last, dsteps, ns_last, ns_cv_last);
    /* the factors are justified in theory/disjoint.md */
    gl_claims_add(cl, "B_mean_D_fake_last", GL_CLAIM_LE, 0, dfake_last, 1e-3,
                  "guard: D is confident, so the drop is not vacuous");
    gl_claims_add(cl, "B_mm_norm_last_over_peak", GL_CLAIM_LE, 0, mm_last / mm_peak, 1e-2,
                  "predicted 1.5e-3, x3 spare: worst of seeds 1-8 3.1e-3");
    gl_claims_add(cl, "B_ns_over_mm_norm_last", GL_CLAIM_GE, 100, ns_last / mm_last, 0,
                  "a 100x gap, not derived from the theory");
    gl_claims_add(cl, "B_ns_db_sd_last_over_10_steps", GL_CLAIM_GE, 5, sd_last / sd_first, 0,
                  "smallest over seeds 1-8 was 14x");
done:
    gl_exp_probe_free(&pr);
    gl_mix_free(P);
    gl_mix_free(Gm);
    gsl_rng_free(r);
    return s;
}

/* ---------------- part C: a clipped critic per theta ---------------- */
/* Critic f: 1-32-1 tanh, weights clipped to [-c, c] after every step (the
 * WGAN recipe: a compact parameter set makes f K-Lipschitz for some K); trained
 * to maximise E_P[f] - E_Q[f], i.e. descend the mean of f(fake) - f(real).
 * Generator x = z + theta, z ~ U(0,1), loss L_G = -E f(x): dL/dtheta = -E f'(x). */
static int part_c(const gl_exp_opts *o, double clip, gl_rec *rec, gl_claims *cl, gl_err *err)
{
    static const double thetas[] = {-3, -2.5, -2, -1.5, -1, -0.75, -0.5, -0.25,
                                    0.25, 0.5, 0.75, 1, 1.5, 2, 2.5, 3};
    const size_t nth = sizeof thetas / sizeof thetas[0];
    gl_mlp *f = NULL;
    gl_optim *op = NULL;
    gl_tsv *t = NULL;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    double x[2 * CB], y[2 * CB], dy[2 * CB], dx[2 * CB];
    size_t nright = 0, nmono = 0;
    double gmin = INFINITY, est_prev = 0;
    int s;
    if (!r)
        return gl_err_set(err, GL_ENOMEM, "out of memory");
    gsl_rng_set(r, o->seed * 11 + 5);
    if ((s = gl_mlp_alloc(&f, 2, (size_t[]){1, 32, 1}, GL_ACT_TANH, 0, 2 * CB, err)) ||
        (s = gl_optim_alloc(&op, GL_OPT_ADAM, f->nparams, 0.01, err)) ||
        (s = gl_rec_open(rec, "critic.tsv", &t, err)))
        goto done;
    gl_tsv_meta(t, "critic", "1-32-1 tanh, weights and biases clipped to [-%g, %g], Adam lr 0.01, %d steps, batch %d+%d",
                clip, clip, CSTEPS, CB, CB);
    gl_tsv_meta(t, "generator", "x = z + theta, z ~ U(0,1): p_g = U(theta, theta+1); data U(0,1)");
    gl_tsv_meta(t, "columns", "dL_dtheta = -E f'(x) over %d draws; est = E_P f - E_Q f over %d draws each; "
                              "minimax gradient at D* is 0 for |theta| >= 1", 16 * CB, 16 * CB);
    gl_tsv_header(t, 4, (const char *const[]){"theta", "dL_dtheta", "est", "w1"});
    for (size_t k = 0; k < nth; k++) {
        double th = thetas[k];
        gl_mlp_init(f, r);
        gl_optim_reset(op);
        for (size_t i = 0; i < f->nparams; i++)
            f->params[i] = fmax(-clip, fmin(clip, f->params[i]));
        for (size_t it = 0; it < CSTEPS; it++) {
            for (size_t i = 0; i < CB; i++) {
                x[i] = gsl_rng_uniform(r);
                x[CB + i] = gsl_rng_uniform(r) + th;
                dy[i] = -1.0 / CB;
                dy[CB + i] = 1.0 / CB;
            }
            gl_mlp_forward(f, x, 2 * CB, y);
            gl_mlp_zero_grad(f);
            gl_mlp_backward(f, dy, NULL, 1);
            gl_optim_step(op, f->params, f->grads);
            for (size_t i = 0; i < f->nparams; i++)
                f->params[i] = fmax(-clip, fmin(clip, f->params[i]));
        }
        double g = 0, est = 0;
        for (int rep = 0; rep < 16; rep++) {
            for (size_t i = 0; i < CB; i++) {
                x[i] = gsl_rng_uniform(r);
                x[CB + i] = gsl_rng_uniform(r) + th;
                dy[i] = 0;
                dy[CB + i] = 1;
            }
            gl_mlp_forward(f, x, 2 * CB, y);
            gl_mlp_backward(f, dy, dx, 0);
            for (size_t i = 0; i < CB; i++) {
                g -= dx[CB + i] / (16.0 * CB);
                est += (y[i] - y[CB + i]) / (16.0 * CB);
            }
        }
        /* right: descending L_G moves theta towards 0, sign(dL/dtheta) = sign(theta) */
        if (g * th > 0)
            nright++;
        gmin = fmin(gmin, fabs(g));
        /* the estimate falls towards theta = 0 from the left, grows after it */
        if (k > 0 && (th < 0 ? est < est_prev : (thetas[k - 1] < 0 || est > est_prev)))
            nmono++;
        est_prev = est;
        gl_tsv_row(t, 4, (double[]){th, g, est, fabs(th)});
    }
    gl_claims_add(cl, "C_critic_grad_sign_right_fraction", GL_CLAIM_EQ, 1, (double)nright / (double)nth, 0,
                  "exact: the sign is right at every theta");
    gl_claims_add(cl, "C_critic_grad_min_abs", GL_CLAIM_GE, 1e-3, gmin, 0,
                  "nonzero, where the minimax gradient is exactly 0");
    gl_claims_add(cl, "C_est_monotone_in_abs_theta", GL_CLAIM_EQ, (double)(nth - 1), (double)nmono, 0,
                  "exact count: every step in |theta| increases");
done:
    gl_mlp_free(f);
    gl_optim_free(op);
    gsl_rng_free(r);
    return s;
}

int gl_exp_disjoint(const gl_exp_opts *o, gl_rec *rec, gl_claims *cl, gl_err *err)
{
    unsigned long dsteps = o->quick ? 1000 : 3000;
    double clip = 0.1;
    const gl_argspec specs[] = {
        {.name = "dsteps", .type = GL_ARG_ULONG, .dst = &dsteps, .min = 100, .max = 1e8},
        {.name = "clip", .type = GL_ARG_DOUBLE, .dst = &clip, .min = 0, .max = INFINITY,
         .open_min = 1},
    };
    int s = gl_args_parse(o->argc, o->argv, specs, sizeof specs / sizeof specs[0], err);
    if (s)
        return s;
    if (!(s = part_a(o, rec, cl, err)) && !(s = part_a2(rec, cl, err)) &&
        !(s = part_b(o, dsteps, rec, cl, err)))
        s = part_c(o, clip, rec, cl, err);
    return s;
}
