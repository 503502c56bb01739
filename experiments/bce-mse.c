/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bce-mse — claim: the one-hidden-layer sigmoid network of the EE698R notes
 * (eqs. 1-10), trained as a discriminator between p_data and a fixed p_g with
 * the squared error E_p[(1-D)^2] + E_g[D^2] (eqs. 5-6) or with the binary
 * cross-entropy (eqs. 8-9), lands on the same D* = p/(p+g): both objectives
 * have it as their pointwise minimiser. But from a saturated start (D ~ 0
 * everywhere) the squared error's gradient carries the sigmoid's slope
 * D(1-D) and vanishes, while BCE's does not.
 * setup: p_data = 0.5 N(-2,0.5) + 0.5 N(2,0.5), p_g = N(0,1.5) (optimal-d's
 * d1); D 1-32-1 sigmoid hidden layer, sigmoid output; part A: Adam, lr 0.005
 * decayed linearly, batch 256 + 256, BCE and MSE from the same initial
 * weights; part B: the same weights with the output bias at -8, plain
 * gradient descent (SGD, lr 0.5), |D - D*| at checkpoints.
 * theory: theory/bce-mse.md */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_rng.h>

#include "exp.h"
#include "loss.h"
#include "metrics.h"
#include "mix.h"
#include "mlp.h"
#include "num.h"
#include "optim.h"
#include "quad.h"
#include "train.h"

const char gl_exp_bce_mse_overrides[] =
    "  --steps N      part A's Adam steps (default 6000; --quick 2500; --quick also\n"
    "                 halves the batch to 128 + 128 and stops part B at 1000 steps)\n"
    "  --lr X         part A's initial Adam rate, decayed linearly to 0 (default 0.05)\n"
    "--untrained: both networks take 0 steps in part A, and part B measures the\n"
    "saturated start only (step 0).\n";

#define BP "0.5*N(-2,0.5)+0.5*N(2,0.5)"
#define BG "N(0,1.5)"
#define NX 401
#define NCHECK 7 /* part B's checkpoints (--quick: the first NCHECK_QUICK) */
#define NCHECK_QUICK 6
#define B0 -8.0  /* part B's output bias: D ~ 3e-4 everywhere */

static const size_t CHECK[NCHECK] = {0, 10, 30, 100, 300, 1000, 3000};

typedef struct {
    gl_mix *P, *G;
    gl_mlp *D[2];      /* 0: BCE, 1: MSE */
    gl_optim *opt[2];
    gl_quad_workspace *ws;
    gsl_rng *r;
    double *init;      /* the shared initial weights */
    size_t batch;      /* samples of each of p_data and p_g per step */
} state;

static void st_free(state *s)
{
    gl_mix_free(s->P);
    gl_mix_free(s->G);
    for (int k = 0; k < 2; k++) {
        gl_mlp_free(s->D[k]);
        gl_optim_free(s->opt[k]);
    }
    gl_quad_workspace_free(s->ws);
    gsl_rng_free(s->r);
    free(s->init);
}

static int st_alloc(state *s, unsigned long seed, gl_err *err)
{
    memset(s, 0, sizeof *s);
    const gl_mlp_hidden h = {1, {32}};
    int st;
    if ((st = gl_mix_parse(BP, &s->P, err)) || (st = gl_mix_parse(BG, &s->G, err)) ||
        (st = gl_quad_workspace_alloc(&s->ws, err)))
        return st;
    for (int k = 0; k < 2; k++)
        if ((st = gl_mlp_alloc_hidden(&s->D[k], 1, &h, 1, GL_ACT_SIGMOID, 0, 512, err)))
            return st;
    if (!(s->r = gsl_rng_alloc(gsl_rng_mt19937)) ||
        !(s->init = malloc(s->D[0]->nparams * sizeof *s->init)))
        return gl_err_set(err, GL_ENOMEM, "out of memory");
    gsl_rng_set(s->r, seed);
    gl_mlp_init(s->D[0], s->r);
    memcpy(s->init, s->D[0]->params, s->D[0]->nparams * sizeof *s->init);
    return GL_OK;
}

/* both networks back at the initial weights (output bias b0 if finite), each
 * with a fresh optimiser of kind k at rate lr */
static int st_reset(state *s, gl_opt_kind k, double lr, double b0, gl_err *err)
{
    for (int i = 0; i < 2; i++) {
        gl_mlp *D = s->D[i];
        memcpy(D->params, s->init, D->nparams * sizeof *D->params);
        if (isfinite(b0))
            D->params[D->boff[D->nlayers - 1]] = b0;
        gl_optim_free(s->opt[i]);
        s->opt[i] = NULL;
        int st = gl_optim_alloc(&s->opt[i], k, D->nparams, lr, err);
        if (st)
            return st;
        s->opt[i]->beta1 = 0.9;
    }
    return GL_OK;
}

static int l1_of(state *s, int k, double *l1, gl_err *err)
{
    double ae;
    return gl_metrics_d_l1(s->P, s->G, gl_metrics_mlp_logit, gl_metrics_mlp_regime, s->D[k],
                           s->ws, l1, &ae, err);
}

/* |dL/dtheta| of network k at its current weights on one batch of 256 + 256
 * fresh samples drawn from r */
static double grad_norm(state *s, int k, const gsl_rng *r)
{
    enum { N = 256 };
    double x[2 * N], a[2 * N], da[2 * N];
    gl_mix_sample(s->P, r, N, x);
    gl_mix_sample(s->G, r, N, x + N);
    gl_mlp *D = s->D[k];
    gl_mlp_forward(D, x, 2 * N, a);
    if (k)
        gl_loss_mse_sigmoid(a, N, 1, 1, da), gl_loss_mse_sigmoid(a + N, N, 0, 1, da + N);
    else
        gl_loss_bce_logits(a, N, 1, 1, da), gl_loss_bce_logits(a + N, N, 0, 1, da + N);
    gl_mlp_zero_grad(D);
    gl_mlp_backward(D, da, NULL, 1);
    double g = 0;
    for (size_t i = 0; i < D->nparams; i++)
        g += D->grads[i] * D->grads[i];
    return sqrt(g);
}

/* network k for steps more steps of lr (constant, or linear to 0), on
 * the data stream seeded with seed */
static int train(state *s, int k, size_t steps, double lr, int decay, unsigned long seed,
                 gl_err *err)
{
    if (!steps)
        return GL_OK;
    gl_train_d_cfg c = gl_train_d_cfg_default();
    c.steps = steps;
    c.batch = s->batch;
    c.lr = lr;
    c.mse = k;
    if (decay)
        c.sched.kind = GL_SCHED_LINEAR, c.sched.end = 0;
    gsl_rng_set(s->r, seed);
    return gl_train_d(s->D[k], s->opt[k], s->P, s->G, s->r, &c, NULL, err);
}

/* Part A: both from the same weights to D*; d.tsv */
static int part_a(const gl_exp_opts *o, gl_rec *rec, state *s, size_t steps, double lr,
                  gl_claims *cl, gl_err *err)
{
    double l1[2] = {NAN, NAN};
    int st = st_reset(s, GL_OPT_ADAM, lr, NAN, err);
    for (int k = 0; k < 2 && !st; k++)
        if (!(st = train(s, k, steps, lr, 1, o->seed + 1000, err)))
            st = l1_of(s, k, &l1[k], err);
    gl_tsv *t;
    if (st || (st = gl_rec_open(rec, "d.tsv", &t, err)))
        return st;
    gl_tsv_meta(t, "pdata", "%s", BP);
    gl_tsv_meta(t, "pg", "%s", BG);
    gl_tsv_meta(t, "training", "D 1-32-1 sigmoid, sigmoid output; Adam lr %g decayed linearly "
                "to 0, beta1 0.9, batch %zu + %zu, %zu steps, the same initial weights and data", lr,
                s->batch, s->batch, steps);
    gl_tsv_meta(t, "L1", "BCE %.6g, MSE %.6g (integral of |D - D*| (p+g)/2)", l1[0], l1[1]);
    gl_tsv_header(t, 4, (const char *const[]){"x", "Dstar", "D_bce", "D_mse"});
    for (int i = 0; i < NX; i++) {
        double x = -5 + 10.0 * i / (NX - 1);
        double row[4] = {x, gl_num_sigmoid(gl_mix_logpdf(s->P, &x) - gl_mix_logpdf(s->G, &x)),
                         gl_num_sigmoid(gl_metrics_mlp_logit(&x, s->D[0])),
                         gl_num_sigmoid(gl_metrics_mlp_logit(&x, s->D[1]))};
        gl_tsv_row(t, 4, row);
    }
    /* optimal-d's 1-D tolerance (0.02, a few times the noise floor of a
     * decayed Adam run) for either objective; D = 1/2 scores 0.28 */
    const char *why = "optimal-d's 1-D tolerance; D = 1/2 scores 0.28";
    gl_claims_add(cl, "A_bce_weighted_L1_err", GL_CLAIM_LE, 0, l1[0], 0.02, why);
    gl_claims_add(cl, "A_mse_weighted_L1_err", GL_CLAIM_LE, 0, l1[1], 0.02, why);
    return gl_tsv_done(t, err);
}

/* Part B: from the saturated start, |D - D*| at the checkpoints; curves.tsv */
static int part_b(const gl_exp_opts *o, gl_rec *rec, state *s, gl_claims *cl, gl_err *err)
{
    double l1[2][NCHECK], gn[2];
    /* the control (--untrained): the saturated start, step 0 only */
    size_t nc = o->untrained ? 1 : o->quick ? NCHECK_QUICK : NCHECK;
    int st = st_reset(s, GL_OPT_SGD, 0.5, B0, err);
    for (int k = 0; k < 2 && !st; k++) {
        gsl_rng_set(s->r, o->seed + 2000);
        gn[k] = grad_norm(s, k, s->r);
        for (size_t c = 0; c < nc && !st; c++) {
            size_t more = CHECK[c] - (c ? CHECK[c - 1] : 0);
            if (!(st = train(s, k, more, 0.5, 0, o->seed + 3000 + c, err)))
                st = l1_of(s, k, &l1[k][c], err);
        }
    }
    gl_tsv *t;
    if (st || (st = gl_rec_open(rec, "curves.tsv", &t, err)))
        return st;
    gl_tsv_meta(t, "start", "the initial weights of part A with the output bias at %g (D ~ %.2g)",
                B0, gl_num_sigmoid(B0));
    gl_tsv_meta(t, "training", "SGD lr 0.5 constant, batch %zu + %zu", s->batch, s->batch);
    gl_tsv_meta(t, "grad_norm", "at the start, one batch: BCE %.6g, MSE %.6g", gn[0], gn[1]);
    gl_tsv_header(t, 3, (const char *const[]){"step", "L1_bce", "L1_mse"});
    for (size_t c = 0; c < nc; c++)
        gl_tsv_row(t, 3, (double[]){(double)CHECK[c], l1[0][c], l1[1][c]});
    /* At D = sigmoid(b0) ~ 3.4e-4 on every input, dL/da on a real row is
     * -(1 - D) for BCE and -2 (1 - D)^2 D for MSE (fake rows: D and 2 D^2
     * (1 - D), both small): the ratio of the gradients is about 2 D = 6.7e-4.
     * The bound 0.01 leaves a factor 15 for the hidden layer's share. */
    gl_claims_add(cl, "B_grad_norm_mse_over_bce_at_start", GL_CLAIM_LE, 0.01, gn[1] / gn[0], 0,
                  "predicted ~2 sigmoid(-8) = 6.7e-4; a factor 15 spare");
    /* How fast each leaves the saturated start (L1 0.5, the mean of D* under
     * (p+g)/2): the first checkpoint at which L1 <= 0.3, about D = 1/2's
     * 0.28. Bound fixed before seeds 2 and 3 were run: MSE needs at least 3
     * times as many steps (seed 1: 30 against 300). The control never gets
     * there: inf, and the ratio inf/inf is nan. */
    double tb = INFINITY, tm = INFINITY;
    for (size_t c = nc; c-- > 0;) {
        tb = l1[0][c] <= 0.3 ? (double)CHECK[c] : tb;
        tm = l1[1][c] <= 0.3 ? (double)CHECK[c] : tm;
    }
    gl_tsv_meta(t, "steps_to_0.3", "BCE %g, MSE %g", tb, tm);
    gl_claims_add(cl, "B_bce_steps_to_L1_0.3_max", GL_CLAIM_LE, 100, tb, 0,
                  "BCE leaves saturation within 100 steps (seed 1: 30)");
    gl_claims_add(cl, "B_steps_to_L1_0.3_mse_over_bce", GL_CLAIM_GE, 3, tm / tb, 0,
                  "the vanishing MSE gradient: 3x slower or more (seed 1: 10x)");
    return gl_tsv_done(t, err);
}

int gl_exp_bce_mse(const gl_exp_opts *o, gl_rec *rec, gl_claims *cl, gl_err *err)
{
    unsigned long steps = o->quick ? 2500 : 6000;
    double lr = 0.05;
    const gl_argspec specs[] = {
        {.name = "steps", .type = GL_ARG_ULONG, .dst = &steps, .min = 1, .max = 1e7},
        {.name = "lr", .type = GL_ARG_DOUBLE, .dst = &lr, .min = 0, .max = 1, .open_min = 1},
    };
    int s = gl_args_parse(o->argc, o->argv, specs, 2, err);
    if (s)
        return s;
    if (o->untrained) /* the control: part A's networks as initialised */
        steps = 0;
    state st;
    s = st_alloc(&st, o->seed, err);
    st.batch = o->quick ? 128 : 256;
    if (!s && !(s = part_a(o, rec, &st, steps, lr, cl, err)))
        s = part_b(o, rec, &st, cl, err);
    st_free(&st);
    return s;
}
