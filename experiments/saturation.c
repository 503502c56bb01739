/* SPDX-License-Identifier: GPL-3.0-or-later */
/* saturation — claim: for a fixed bad G and an increasingly confident D, the
 * generator gradient of the minimax loss log(1-D(G(z))) vanishes (d/da = -D)
 * while the non-saturating one, -log D(G(z)), does not (d/da = -(1-D)).
 * setup: p_data 0.5 N(-2,0.5)+0.5 N(2,0.5), affine G with p_g = N(-6,0.5);
 * A) D = sigmoid(t log(p_data/p_g)) sharpened towards D* (t -> 1), exact
 * expected gradients by quadrature over z; B) D trained for more and more
 * steps, minibatch gradients; C) GANs trained from the same bad start, a sweep
 * over (G's optimiser, loss) x seeds, exact JSD over steps.
 * theory: theory/saturation.md */
#include <math.h>
#include <stdlib.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "exp.h"
#include "gen.h"
#include "loss.h"
#include "metrics.h"
#include "mix.h"
#include "mlp.h"
#include "num.h"
#include "optim.h"
#include "quad.h"
#include "rig.h"
#include "sweep.h"
#include "train.h"

const char gl_exp_saturation_overrides[] =
    "  --pdata SPEC   p_data, a 1-D mixture of Gaussians (default 0.5*N(-2,0.5)+0.5*N(2,0.5))\n"
    "  --pg SPEC      the fixed bad generator's p_g = N(b, a) of G(z) = a z + b (default N(-6,0.5))\n"
    "  --steps N      GAN training steps of part C, >= 100 (default 3000; --quick 1500);\n"
    "                 --untrained: 0, and part B's D is measured untrained only\n"
    "  --seeds N      seeds of part C, 1..20 (default 3; --quick 1)\n"
    "  --lr-g X       SGD learning rate of G in part C, > 0 (default 0.003)\n";

#define NT 10           /* sharpening levels t of part A */
#define NCK 8           /* D-training checkpoints of part B */
#define NB 1024         /* noise batch of the minibatch gradients */
#define DCONF 1e-3      /* part B's D counts as confident where mean D(G(z)) <= DCONF */
#define NPTS 48         /* per-sample points kept per checkpoint for figure (a) */
#define INV_SQRT_2PI 0.39894228040143267794 /* the N(0,1) density at 0 */

/* The expected generator gradient E_z[dL/da(a(x)) a'(x) dx/dtheta] for
 * x = A z + B, z ~ N(0,1), theta = (A, B): which = 0 gives dA, 1 dB; the
 * discriminator is either t log(p/g) (net == NULL) or a network's logit. */
typedef struct {
    const gl_mix *P, *Gm;
    gl_mlp *net;
    double t, A, B;
    gl_loss_kind loss;
    int which;
} gctx;

static double grad_integrand(double z, void *v)
{
    gctx *c = v;
    double x = c->A * z + c->B, a, da;
    if (c->net) {
        double one = 1.0;
        gl_mlp_forward(c->net, &x, 1, &a);
        gl_mlp_backward(c->net, &one, &da, 0);
    } else {
        a = c->t * (gl_mix_logpdf(c->P, &x) - gl_mix_logpdf(c->Gm, &x));
        da = c->t * (gl_mix_score(c->P, x) - gl_mix_score(c->Gm, x));
    }
    double dl; /* dL_G/da for one sample */
    gl_loss_g_grad(c->loss, &a, 1, 1.0, &dl);
    double phi = exp(-0.5 * z * z) * INV_SQRT_2PI;
    return phi * dl * da * (c->which ? 1.0 : z);
}

/* E_z[D(G(z))] under the sharpened D (the prediction of the ratio) */
static double dmean_integrand(double z, void *v)
{
    gctx *c = v;
    double x = c->A * z + c->B;
    double a = c->t * (gl_mix_logpdf(c->P, &x) - gl_mix_logpdf(c->Gm, &x));
    return exp(-0.5 * z * z) * INV_SQRT_2PI * gl_num_sigmoid(a);
}

/* breakpoints in z: a grid over the noise's mass and the preimages of the
 * data modes, where D changes fastest */
static size_t zbreaks(const gl_mix *P, double A, double B, double *bp)
{
    size_t n = 0;
    for (int k = -8; k <= 8; k++)
        bp[n++] = k;
    for (size_t j = 0; j < P->n && n < 40; j++) {
        double z = (P->comp[j].mu[0] - B) / A;
        if (fabs(z) < 12)
            bp[n++] = z;
    }
    return gl_num_sort_unique(bp, n);
}

/* the exact gradient (dA, dB) and its norm for one loss */
static int exact_grad(gctx *c, const double *bp, size_t nbp, double g[2], double *norm, gl_err *err)
{
    double e;
    for (int w = 0; w < 2; w++) {
        c->which = w;
        int s = gl_quad_line(grad_integrand, c, bp, nbp, NULL, &g[w], &e, err);
        if (s)
            return s;
    }
    *norm = hypot(g[0], g[1]);
    return GL_OK;
}

/* ---------------- part A: D sharpened towards D* ---------------- */
static int part_a(const gl_mix *P, const gl_mix *Gm, double A, double B, gl_rec *rec,
                  gl_claims *cl, gl_err *err)
{
    static const double ts[NT] = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0};
    double bp[48], ratio[NT], nsn[NT], pred[NT], dev = 0;
    size_t nbp = zbreaks(P, A, B, bp);
    gl_tsv *t;
    int s = gl_rec_open(rec, "sharpen.tsv", &t, err);
    if (s)
        return s;
    gl_tsv_meta(t, "pdata", "%s", P->spec);
    gl_tsv_meta(t, "pg", "%s", Gm->spec);
    gl_tsv_meta(t, "discriminator", "logit t*log(p_data/p_g); t = 1 is D*");
    gl_tsv_meta(t, "gradient", "exact E_z over N(0,1) by quadrature, theta = (a, b) of G(z) = a z + b");
    gl_tsv_header(t, 11, (const char *const[]){"t", "mm_da", "mm_db", "mm_norm", "ns_da", "ns_db",
                                               "ns_norm", "ratio", "ED", "ED_over_1mED", "ratio_b"});
    for (int i = 0; i < NT; i++) {
        gctx c = {.P = P, .Gm = Gm, .t = ts[i], .A = A, .B = B, .loss = GL_LOSS_MINIMAX};
        double gm[2], gn[2], nm, nn, ed, e;
        if ((s = exact_grad(&c, bp, nbp, gm, &nm, err)))
            return s;
        c.loss = GL_LOSS_NS;
        if ((s = exact_grad(&c, bp, nbp, gn, &nn, err)) ||
            (s = gl_quad_line(dmean_integrand, &c, bp, nbp, NULL, &ed, &e, err)))
            return s;
        ratio[i] = nm / nn;
        nsn[i] = nn;
        pred[i] = ed / (1 - ed);
        dev = fmax(dev, fabs(gm[1] / gn[1] / pred[i] - 1));
        gl_tsv_row(t, 11, (double[]){ts[i], gm[0], gm[1], nm, gn[0], gn[1], nn, ratio[i], ed, pred[i],
                                     gm[1] / gn[1]});
    }
    int mono = 1;
    for (int i = 1; i < NT; i++)
        mono &= ratio[i] < ratio[i - 1];
    gl_claims_add(cl, "A_ratio_at_Dstar", GL_CLAIM_LE, 0, ratio[NT - 1], 1e-3,
                  "7x over the predicted 4.2 ED/(1-ED) = 1.45e-4");
    gl_claims_add(cl, "A_ratio_decreasing_in_t", GL_CLAIM_EQ, 1, mono, 0,
                  "exact: each of the 9 steps in t decreases");
    gl_claims_add(cl, "A_ns_norm_at_Dstar", GL_CLAIM_GE, 1, nsn[NT - 1], 0,
                  "predicted |a'| E(1-D) = 16: far from vanishing");
    /* the b-component: a' is constant where p_g lives, so the ratio is E D/E(1-D) */
    gl_claims_add(cl, "A_ratio_b_vs_ED/(1-ED)_rel_dev", GL_CLAIM_EQ, 0, dev, 1e-6,
                  "exact identity; two quadratures at 1e-12 relative");
    return GL_OK;
}

/* ---------------- part B: D trained for more and more steps ---------------- */
static int part_b(const gl_exp_opts *o, const gl_mix *P, const gl_mix *Gm, double A, double B,
                  gl_rec *rec, gl_claims *cl, gl_err *err)
{
    static const size_t ck[NCK] = {0, 10, 30, 100, 300, 1000, 3000, 10000};
    size_t nck = o->untrained ? 1 : o->quick ? NCK - 2 : NCK; /* the control: D as initialised */
    gl_exp_probe pr = {0};
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    double *z = malloc(3 * NB * sizeof *z), *a = z + NB, *da = a + NB;
    gl_tsv *t = NULL, *pts = NULL;
    double bp[48];
    size_t nbp = zbreaks(P, A, B, bp);
    /* over the confident checkpoints: the largest ratios and the smallest ns norm */
    double ratio_max = 0, ratio_q_max = 0, ns_min = INFINITY, maxdev = 0;
    size_t nconf = 0;
    int s;
    if (!r || !z) {
        s = gl_err_set(err, GL_ENOMEM, "out of memory");
        goto done;
    }
    gsl_rng_set(r, o->seed * 3 + 1);
    if ((s = gl_exp_probe_alloc(&pr, A, B, GL_NOISE_NORMAL, NB, 2 * NB, r, err)) ||
        (s = gl_rec_open(rec, "trained.tsv", &t, err)) ||
        (s = gl_rec_open(rec, "persample.tsv", &pts, err)))
        goto done;
    gl_mlp *G = pr.G, *D = pr.D;
    gl_optim *odt = pr.odt;
    gl_gan *wm = pr.wm, *wn = pr.wn;
    gl_tsv_meta(t, "pdata", "%s", P->spec);
    gl_tsv_meta(t, "pg", "%s", Gm->spec);
    gl_tsv_meta(t, "discriminator", "1-32-32-1 tanh, Adam lr 0.005, batch 256+256, fixed p_g");
    gl_tsv_meta(t, "gradient", "minibatch: gl_gan_grad_g on %d noise draws; exact: quadrature over z", NB);
    gl_tsv_header(t, 9, (const char *const[]){"dsteps", "mean_D_fake", "mm_norm", "ns_norm", "ratio",
                                              "mm_norm_exact", "ns_norm_exact", "ratio_exact",
                                              "mean_D_real"});
    gl_tsv_meta(pts, "columns", "per-sample dL_G/da of gl_loss_g_grad (scaled by n) at D = sigmoid(a)");
    gl_tsv_header(pts, 4, (const char *const[]){"dsteps", "D", "mm_dlda", "ns_dlda"});

    size_t done_steps = 0;
    for (size_t k = 0; k < nck; k++) {
        if ((s = gl_exp_train_d_to(D, odt, P, Gm, r, &done_steps, ck[k], err)))
            goto done;
        gl_noise_sample(GL_NOISE_NORMAL, r, NB, z);
        gl_gan_grad_g(wm, z);
        double nm = hypot(G->grads[0], G->grads[1]);
        gl_gan_grad_g(wn, z);
        double nn = hypot(G->grads[0], G->grads[1]);
        /* D on the fakes and on the data, and the per-sample logit derivatives */
        double x[NB], ar[NB];
        for (size_t i = 0; i < NB; i++)
            x[i] = A * z[i] + B;
        double dfake = gl_metrics_mean_d(D, x, NB, a); /* keeps the fakes' logits in a */
        gl_mix_sample(P, r, NB, x);
        double dreal = gl_metrics_mean_d(D, x, NB, ar);
        double dm[NB];
        gl_loss_g_grad(GL_LOSS_MINIMAX, a, NB, (double)NB, dm);
        gl_loss_g_grad(GL_LOSS_NS, a, NB, (double)NB, da);
        for (size_t i = 0; i < NB; i++) {
            double d = gl_num_sigmoid(a[i]);
            maxdev = fmax(maxdev, fmax(fabs(dm[i] + d), fabs(da[i] + (1 - d))));
            if (i < NPTS)
                gl_tsv_row(pts, 4, (double[]){(double)ck[k], d, dm[i], da[i]});
        }
        gctx c = {.P = P, .Gm = Gm, .net = D, .t = 1, .A = A, .B = B, .loss = GL_LOSS_MINIMAX};
        double gm[2], gn[2], qm, qn;
        if ((s = exact_grad(&c, bp, nbp, gm, &qm, err)))
            goto done;
        c.loss = GL_LOSS_NS;
        if ((s = exact_grad(&c, bp, nbp, gn, &qn, err)))
            goto done;
        gl_tsv_row(t, 9, (double[]){(double)ck[k], dfake, nm, nn, nm / nn, qm, qn, qm / qn, dreal});
        if (dfake <= DCONF) {
            nconf++;
            ratio_max = fmax(ratio_max, nm / nn);
            ratio_q_max = fmax(ratio_q_max, qm / qn);
            ns_min = fmin(ns_min, fmin(nn, qn));
        }
        if (o->progress)
            o->progress(o->progress_ctx, "saturation B: training D", (double)(k + 1) / (double)nck);
    }
    gl_claims_add(cl, "B_dlda_formula_max_dev", GL_CLAIM_EQ, 0, maxdev, 1e-15,
                  "rounding: 1e-15 of derivatives of order 1");
    /* ratio ~ (tilt <= 10) x mean D: see theory/saturation.md */
    gl_claims_add(cl, "B_confident_checkpoints", GL_CLAIM_GE, 1, (double)nconf, 0,
                  "guard: the next three claims are not vacuous");
    gl_claims_add(cl, "B_ratio_max_confident", GL_CLAIM_LE, 0, ratio_max, 10 * DCONF,
                  "tilt (4.2 at D*, up to ~13) x mean D <= 1e-3");
    gl_claims_add(cl, "B_ratio_exact_max_confident", GL_CLAIM_LE, 0, ratio_q_max, 10 * DCONF,
                  "tilt (4.2 at D*, up to ~13) x mean D <= 1e-3");
    gl_claims_add(cl, "B_ns_norm_min_confident", GL_CLAIM_GE, 1, ns_min, 0,
                  "of the order of |a'| where p_g lives");
done:
    free(z);
    gl_exp_probe_free(&pr);
    gsl_rng_free(r);
    return s;
}

/* ---------------- part C: training from the same bad start ---------------- */
/* G's optimiser: plain SGD feels the gradient's size, which is what saturates;
 * Adam divides by its running RMS and so undoes a uniform shrinking. */
#define LR_D 0.01
#define LR_G_ADAM 1e-3
#define KD 3 /* D-steps per G-step (Algorithm 1's k) */
#define JSD_LEVEL 0.35 /* "reached the data": see theory/saturation.md */
#define N_RACE 500     /* the step at which the two losses are compared */
#define C_LOG_EVERY 50 /* part C logs every 50 steps: the exact JSD, and the first losses */

/* part C's configurations: minimax and ns with SGD on G; minimax with Adam
 * on G, the contrast. key names the configuration's line in jsd.tsv. */
typedef struct {
    const char *name, *key;
    gl_opt_kind gopt;
    gl_loss_kind loss;
} race;

static const race RACES[] = {
    {.name = "sgd/minimax", .key = "sgd_minimax", .gopt = GL_OPT_SGD, .loss = GL_LOSS_MINIMAX},
    {.name = "sgd/ns", .key = "sgd_ns", .gopt = GL_OPT_SGD, .loss = GL_LOSS_NS},
    {.name = "adam/minimax", .key = "adam_minimax", .gopt = GL_OPT_ADAM, .loss = GL_LOSS_MINIMAX},
};
#define NRACES (sizeof RACES / sizeof RACES[0])

/* what every run of part C shares (the sweep's ctx); the sweep's seeds are
 * 0..seeds-1 and run k trains from seed + 1000 k */
typedef struct {
    const gl_mix *P;
    size_t steps;
    double shift, lr_sgd;
    unsigned long seed;
} cset;

/* one run's log: row n at every logged step */
typedef struct {
    const gl_mix *P;
    gl_metrics_gen *ex;
    size_t n, nlog;
    double *step, *jsd, *abserr, *loss_d, *loss_g;
    double jsd_race;     /* at the last logged step <= N_RACE */
    double first_below;  /* first logged step with JSD < JSD_LEVEL (max(steps, N_RACE)+1: never) */
    double first_loss[2]; /* loss_d, loss_g at the first logged step */
    size_t nloose;       /* JSD values accepted with a roundoff warning */
    int status;
    gl_err *err;
} cwatch;

static int c_measure(cwatch *w, size_t step, double loss_d, double loss_g)
{
    double J = NAN, e = NAN;
    gl_pushforward *pf = gl_metrics_gen_pf(w->ex);
    int s;
    if (w->n >= w->nlog)
        return gl_err_set(w->err, GL_EINVAL, "more logged steps than %zu", w->nlog);
    if ((s = gl_pushforward_update(pf, w->err)))
        return s;
    /* QUADPACK's roundoff flag at the library's 1e-12 target: the value and
     * its error estimate are still written; one good to 1e-6 is kept (the
     * claims on JSD are at 1e-1 and 1e-3) and counted, anything worse is an
     * error. */
    if ((s = gl_metrics_jsd_pf(w->P, pf, gl_metrics_gen_ws(w->ex), &J, &e, w->err))) {
        if (s != GL_ENOCONV || !isfinite(J) || !(e <= 1e-6))
            return s;
        w->nloose++;
    }
    w->step[w->n] = (double)step;
    w->jsd[w->n] = J;
    w->abserr[w->n] = e;
    w->loss_d[w->n] = loss_d;
    w->loss_g[w->n] = loss_g;
    w->n++;
    if (step > 0 && isnan(w->first_loss[0])) {
        w->first_loss[0] = loss_d;
        w->first_loss[1] = loss_g;
    }
    if (step <= N_RACE)
        w->jsd_race = J;
    if (J < JSD_LEVEL && step < w->first_below)
        w->first_below = (double)step;
    return GL_OK;
}

static int c_hook(void *v, const gl_gan_stats *st)
{
    cwatch *w = v;
    w->status = c_measure(w, st->step, st->loss_d, st->loss_g);
    return w->status != GL_OK;
}

/* the log's arrays, one element per logged step (0 and every C_LOG_EVERY) */
static int c_arrays(gl_run *run, cwatch *w, gl_err *err)
{
    if ((w->step = gl_run_array(run, "step", w->nlog, err)) &&
        (w->jsd = gl_run_array(run, "jsd", w->nlog, err)) &&
        (w->abserr = gl_run_array(run, "abserr", w->nlog, err)) &&
        (w->loss_d = gl_run_array(run, "loss_d", w->nlog, err)) &&
        (w->loss_g = gl_run_array(run, "loss_g", w->nlog, err)))
        return GL_OK;
    return err ? err->status : GL_ENOMEM;
}

/* One GAN run: G 1-16-16-1 tanh shifted by shift, D 1-32-32-1 leaky; records
 * the log and jsd_race, jsd_final, first_below, first_loss_d, first_loss_g,
 * nloose and seed. */
static int c_run(gl_run *run, const void *ctx, gl_err *err)
{
    const cset *c = ctx;
    const race *rc = &RACES[gl_run_config(run)];
    unsigned long seed = gl_run_seed(run); /* o->seed + 1000 k */
    cwatch w = {.P = c->P, .nlog = c->steps / C_LOG_EVERY + 1, .jsd_race = NAN,
                .first_below = (double)((c->steps > N_RACE ? c->steps : N_RACE) + 1),
                .first_loss = {NAN, NAN}, .err = err};
    gl_exp_gan g = {0};
    int s = c_arrays(run, &w, err);
    if (s)
        return s;
    gl_gan_cfg cfg = gl_gan_cfg_default();
    cfg.steps = c->steps ? c->steps : 1; /* 0 (--untrained): allocated, never trained */
    cfg.batch = 64;
    cfg.k = KD;
    cfg.loss = rc->loss;
    cfg.lr_d = LR_D;
    cfg.lr_g = rc->gopt == GL_OPT_ADAM ? LR_G_ADAM : c->lr_sgd;
    cfg.log_every = C_LOG_EVERY; /* also catches the early losses (claims below) */
    cfg.hook = c_hook;
    cfg.hook_ctx = &w;
    gl_rig_arch a = gl_rig_arch_default(); /* G 1-16-16-1 tanh, D 1-32-32-1 leaky */
    a.gopt = rc->gopt;
    if ((s = gl_exp_gan_alloc_run(&g, &a, &cfg, c->P, run, seed, err)))
        return s;
    /* the same bad start: G's output moved far from the data */
    g.rig.G->params[g.rig.G->boff[2]] += c->shift;
    w.ex = g.ex;
    if (!(s = c_measure(&w, 0, NAN, NAN)) && c->steps && !(s = gl_gan_train(g.rig.w, c->P, g.r, err)))
        s = w.status;
    gl_exp_gan_free(&g);
    if (s || (s = gl_run_put(run, "jsd_race", w.jsd_race, err)) ||
        (s = gl_run_put(run, "jsd_final", w.jsd[w.n - 1], err)) ||
        (s = gl_run_put(run, "first_below", w.first_below, err)) ||
        (s = gl_run_put(run, "first_loss_d", w.first_loss[0], err)) ||
        (s = gl_run_put(run, "first_loss_g", w.first_loss[1], err)) ||
        (s = gl_run_put(run, "nloose", (double)w.nloose, err)))
        return s;
    return gl_run_put(run, "seed", (double)seed, err);
}

/* jsd.tsv's rows: one gnuplot index per run, in the sweep's order */
static int c_rows(const gl_sweep *sw, gl_tsv *lg, size_t *nloose)
{
    int s = GL_OK;
    *nloose = 0;
    for (size_t p = 0; p < NRACES; p++)
        for (size_t q = 0; q < gl_sweep_nseeds(sw); q++) {
            const char *name = RACES[p].name;
            size_t n[5];
            const double *step = gl_sweep_array(sw, name, q, "step", &n[0]),
                         *jsd = gl_sweep_array(sw, name, q, "jsd", &n[1]),
                         *ae = gl_sweep_array(sw, name, q, "abserr", &n[2]),
                         *ld = gl_sweep_array(sw, name, q, "loss_d", &n[3]),
                         *lgv = gl_sweep_array(sw, name, q, "loss_g", &n[4]);
            double gopt = RACES[p].gopt == GL_OPT_ADAM, loss = RACES[p].loss == GL_LOSS_NS,
                   seed = gl_sweep_value(sw, name, q, "seed");
            for (size_t i = 0; i < n[0] && i < n[1] && i < n[2] && i < n[3] && i < n[4]; i++)
                s = gl_tsv_row(lg, 8, (double[]){gopt, loss, seed, step[i], jsd[i], ae[i], ld[i],
                                                 lgv[i]});
            s = gl_tsv_block(lg);
            *nloose += (size_t)gl_sweep_value(sw, name, q, "nloose");
        }
    return s;
}

static int part_c(const gl_exp_opts *o, const cset *c, size_t seeds, gl_rec *rec, gl_claims *cl,
                  gl_err *err)
{
    gl_sweep_cfg sc = gl_exp_sweep_cfg(o, "saturation C: training GANs");
    const char *names[NRACES];
    for (size_t p = 0; p < NRACES; p++)
        names[p] = RACES[p].name;
    sc.nconfigs = NRACES;
    sc.names = names;
    sc.seed0 = c->seed;
    sc.stride = 1000;
    sc.nseeds = seeds;
    sc.run = c_run;
    sc.ctx = c;
    gl_sweep *sw = NULL;
    gl_tsv *lg;
    size_t nloose;
    int s;
    if ((s = gl_sweep_run(&sw, &sc, err)) || (s = gl_rec_open(rec, "jsd.tsv", &lg, err)))
        goto done;
    gl_tsv_meta(lg, "pdata", "%s", c->P->spec);
    gl_tsv_meta(lg, "G", "1-16-16-1 tanh, N(0,1) noise, output bias shifted by %g after init", c->shift);
    gl_tsv_meta(lg, "D", "1-32-32-1 leaky(0.2), Adam lr %g beta1 0.5", LR_D);
    gl_tsv_meta(lg, "training", "batch 64+64, k = %d, alternating, %zu steps; G: SGD lr %g or Adam lr %g beta1 0.5",
                KD, c->steps, c->lr_sgd, LR_G_ADAM);
    gl_tsv_meta(lg, "jsd_level", "%g", JSD_LEVEL);
    gl_tsv_meta(lg, "columns", "G optimiser (0 sgd, 1 adam), loss (0 minimax, 1 ns), seed, step, exact JSD(p_data||p_g) by quadrature, its abserr, the step's minibatch L_D and L_G (nan at step 0)");
    gl_tsv_header(lg, 8, (const char *const[]){"gopt", "loss", "seed", "step", "jsd", "abserr",
                                               "loss_d", "loss_g"});
    if ((s = c_rows(sw, lg, &nloose)))
        goto done;
    gl_tsv_meta(lg, "jsd_roundoff_accepted", "%zu", nloose);
    /* worst case over seeds of each configuration */
    for (size_t p = 0; p < NRACES; p++) {
        const char *name = RACES[p].name;
        gl_tsv_meta(lg, RACES[p].key, "JSD at step %d in [%.4g, %.4g], final max %.4g, first step below %g: %zu (worst seed)",
                    N_RACE, gl_sweep_get(sw, name, "jsd_race_min"), gl_sweep_get(sw, name, "jsd_race_max"),
                    gl_sweep_get(sw, name, "jsd_final_max"), JSD_LEVEL,
                    (size_t)gl_sweep_get(sw, name, "first_below_max"));
    }
    gl_claims_add(cl, "C_sgd_ns_jsd_at_500_max", GL_CLAIM_LE, JSD_LEVEL,
                  gl_sweep_get(sw, "sgd/ns", "jsd_race_max"), 0,
                  "halfway from log 2 to 0, above one mode's 0.216");
    gl_claims_add(cl, "C_sgd_mm_jsd_at_500_min", GL_CLAIM_GE, 0.6,
                  gl_sweep_get(sw, "sgd/minimax", "jsd_race_min"), 0,
                  "not moved from log 2; 0.6 not derived (seeds 1-8: 0.674)");
    gl_claims_add(cl, "C_sgd_ns_first_step_below_level", GL_CLAIM_LE, N_RACE,
                  gl_sweep_get(sw, "sgd/ns", "first_below_max"), 0,
                  "the race step: below the level by step 500");
    gl_claims_add(cl, "C_sgd_ns_jsd_final_max", GL_CLAIM_LE, JSD_LEVEL,
                  gl_sweep_get(sw, "sgd/ns", "jsd_final_max"), 0, "the level: halfway from log 2 to 0");
    /* the BCE notes' warning sign, which is not a failure: at the first logged
     * step D's loss is near 0 (<= 0.05: it misclassifies almost nothing) and
     * the NS generator's loss -mean log D(G(z)) is large (>= 3: the geometric
     * mean of D(G(z)) is e^-3 or less), yet the same runs pass the JSD claims
     * above */
    double ld_first_max = gl_sweep_get(sw, "sgd/ns", "first_loss_d_max"),
           lg_first_min = gl_sweep_get(sw, "sgd/ns", "first_loss_g_min");
    gl_tsv_meta(lg, "sgd_ns_first_logged_losses", "loss_d <= %.4g, loss_g >= %.4g (over seeds)",
                ld_first_max, lg_first_min);
    gl_claims_add(cl, "C_sgd_ns_first_loss_d_max", GL_CLAIM_LE, 0.05, ld_first_max, 0,
                  "D misclassifies almost nothing; 0.05 not derived");
    gl_claims_add(cl, "C_sgd_ns_first_loss_g_min", GL_CLAIM_GE, 3, lg_first_min, 0,
                  "geometric mean of D(G(z)) below e^-3: the loss sky-rocketed");
    gl_claims_add(cl, "C_adam_mm_jsd_final_max", GL_CLAIM_LE, JSD_LEVEL,
                  gl_sweep_get(sw, "adam/minimax", "jsd_final_max"), 0, "the level: halfway from log 2 to 0");
done:
    gl_sweep_free(sw);
    return s;
}

/* p_data a 1-D mixture of Gaussians; p_g one Gaussian, the affine G's */
static int parse_pair(const char *pdata, const char *pg, gl_mix **P, gl_mix **Gm, gl_err *err)
{
    int s;
    if ((s = gl_mix_parse(pdata, P, err)))
        return gl_err_prefix(err, "--pdata");
    if ((s = gl_mix_parse(pg, Gm, err)))
        return gl_err_prefix(err, "--pg");
    for (size_t k = 0; k < (*P)->n; k++)
        if ((*P)->dim != 1 || (*P)->comp[k].kind != GL_COMP_N)
            return gl_err_set(err, GL_EINVAL, "--pdata must be a 1-D mixture of Gaussians N(mu,sigma)");
    if ((*Gm)->dim != 1 || (*Gm)->n != 1 || (*Gm)->comp[0].kind != GL_COMP_N)
        return gl_err_set(err, GL_EINVAL, "--pg must be one Gaussian N(b,a): the affine G(z) = a z + b");
    return GL_OK;
}

int gl_exp_saturation(const gl_exp_opts *o, gl_rec *rec, gl_claims *cl, gl_err *err)
{
    const char *pdata = "0.5*N(-2,0.5)+0.5*N(2,0.5)", *pg = "N(-6,0.5)";
    unsigned long steps = o->quick ? 1500 : 3000, seeds = o->quick ? 1 : 3;
    double lr_g = 0.003;
    const gl_argspec specs[] = {
        {.name = "pdata", .type = GL_ARG_STR, .dst = &pdata},
        {.name = "pg", .type = GL_ARG_STR, .dst = &pg},
        {.name = "steps", .type = GL_ARG_ULONG, .dst = &steps, .min = 2 * C_LOG_EVERY, .max = 1e8},
        {.name = "seeds", .type = GL_ARG_ULONG, .dst = &seeds, .min = 1, .max = 20},
        {.name = "lr-g", .type = GL_ARG_DOUBLE, .dst = &lr_g, .min = 0, .max = INFINITY,
         .open_min = 1},
    };
    int s = gl_args_parse(o->argc, o->argv, specs, sizeof specs / sizeof specs[0], err);
    if (s)
        return s;
    if (o->untrained) /* the control: part C's GANs are measured at step 0 only */
        steps = 0;
    gl_mix *P = NULL, *Gm = NULL;
    if (!(s = parse_pair(pdata, pg, &P, &Gm, err))) {
        double A = Gm->comp[0].sd[0], B = Gm->comp[0].mu[0];
        cset c = {.P = P, .steps = steps, .shift = B - gl_mix_mean(P, 0), .lr_sgd = lr_g,
                  .seed = o->seed};
        if (!(s = part_a(P, Gm, A, B, rec, cl, err)) && !(s = part_b(o, P, Gm, A, B, rec, cl, err)))
            s = part_c(o, &c, seeds, rec, cl, err);
    }
    gl_mix_free(P);
    gl_mix_free(Gm);
    return s;
}
