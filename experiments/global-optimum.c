/* global-optimum — claim: C(G) = max_D V(D,G) = -log 4 + 2 JSD(p_data||p_g) is
 * minimised exactly at p_g = p_data, where it is -log 4 (Goodfellow et al. 2014,
 * Theorem 1); a trained GAN approaches it: V ~ -log 4, D ~ 1/2, accuracy ~ 0.5.
 * setup: A, p_data = N(0,1) against p_g = N(mu,sigma) on a grid, by quadrature;
 * B, 1-D GANs (G 1-16-16-1 tanh, z ~ N(0,1); D 1-32-32-1 leaky ReLU; NS loss)
 * on 0.5 N(-2,0.5)+0.5 N(2,0.5) over several seeds, claims on the median; the
 * generator's density exact by pushforward, so its JSD is exact.
 * theory: theory/global-optimum.md */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_rng.h>

#include "exp.h"
#include "fdiv.h"
#include "gen.h"
#include "global-optimum.h"
#include "metrics.h"
#include "mix.h"
#include "mlp.h"
#include "num.h"
#include "optim.h"
#include "rig.h"
#include "train.h"

const char gl_exp_global_optimum_overrides[] =
    "  --seeds N        GAN runs (seeds seed..seed+N-1) in part B (default 5; --quick 3)\n"
    "  --steps N        G-steps per run (default 30000; --quick 5000)\n"
    "  --batch N        samples from each of p_data and p_g per step (default 256;\n"
    "                   --quick 64)\n"
    "  --lr X           Adam learning rate of both nets, decayed linearly to lr/20\n"
    "                   (default 0.002; --quick 0.003)\n"
    "  --hidden-g LIST  generator hidden widths, tanh (default 16,16)\n"
    "  --hidden-d LIST  discriminator hidden widths, leaky ReLU 0.2 (default 32,32)\n";

#define PDATA_A "N(0,1)"
#define PDATA_B "0.5*N(-2,0.5)+0.5*N(2,0.5)"
#define NEVAL 10000  /* fresh samples per class for mean |D-1/2| and the accuracy */
#define NSNAP 5      /* p_g snapshots of the first seed */
#define NXD 401      /* x grid of the snapshots */

/* ------------------------------------------------------------------ part A */

static int landscape(const gl_exp_opts *o, gl_rec *rec, gl_claims *cl, gl_err *err)
{
    /* mu = (i - ic) hmu and sigma = 1 + (j - jc) hs: the optimum (0, 1) is a
     * grid point exactly, not up to rounding */
    double hmu = o->quick ? 0.5 : 0.125, hs = o->quick ? 0.25 : 0.0625;
    int ic = (int)lround(3.0 / hmu), jc = (int)lround(0.75 / hs);
    int nmu = 2 * ic + 1, ns = (int)lround(2.75 / hs) + 1;
    gl_mix *P = NULL, *G = NULL;
    gl_tsv *t = NULL;
    const gl_fdiv *js = gl_fdiv_get(GL_F_JS);
    int s;
    if ((s = gl_mix_parse(PDATA_A, &P, err)) || (s = gl_rec_open(rec, "landscape.tsv", &t, err)))
        goto done;
    gl_tsv_meta(t, "pdata", "%s", PDATA_A);
    gl_tsv_meta(t, "pg", "N(mu, sigma), mu = -3..3 step %g, sigma = 0.25..3 step %g", hmu, hs);
    gl_tsv_meta(t, "columns", "C = V(D*,G) by quadrature; JSD from the f-divergence catalogue");
    gl_tsv_header(t, 4, (const char *const[]){"mu", "sigma", "C", "JSD"});
    double cmin = INFINITY, cmax = -INFINITY, resid = 0, c01 = NAN, amu = NAN, asg = NAN;
    for (int i = 0; i < nmu; i++) {
        for (int j = 0; j < ns; j++) {
            double mu = (i - ic) * hmu, sg = 1.0 + (j - jc) * hs, C, J, eC, eJ;
            char spec[96];
            snprintf(spec, sizeof spec, "N(%.17g,%.17g)", mu, sg);
            if ((s = gl_mix_parse(spec, &G, err)) || (s = gl_fdiv_value_dstar(P, G, NULL, &C, &eC, err)) ||
                (s = gl_fdiv_eval(js, P, G, NULL, &J, &eJ, err)))
                goto done;
            gl_mix_free(G);
            G = NULL;
            if (C < cmin) {
                cmin = C;
                amu = mu;
                asg = sg;
            }
            cmax = fmax(cmax, C);
            resid = fmax(resid, fabs(C - (-log(4.0) + 2 * J)));
            if (i == ic && j == jc)
                c01 = C;
            gl_tsv_row(t, 4, (double[]){mu, sg, C, J});
        }
        gl_tsv_scan(t); /* gnuplot scan lines */
        if (o->progress)
            o->progress(o->progress_ctx, "global-optimum A: C(G) landscape", (double)(i + 1) / nmu);
    }
    gl_tsv_meta(t, "argmin", "%g %g", amu, asg);
    gl_claims_add(cl, "A_argmin_mu", GL_CLAIM_EQ, 0, amu, 0);
    gl_claims_add(cl, "A_argmin_sigma", GL_CLAIM_EQ, 1, asg, 0);
    gl_claims_add(cl, "A_C(0,1)+log4", GL_CLAIM_EQ, 0, c01 + log(4.0), 1e-10);
    gl_claims_add(cl, "A_min_C+log4", GL_CLAIM_GE, 0, cmin + log(4.0), 1e-10);
    gl_claims_add(cl, "A_max_C", GL_CLAIM_LE, 0, cmax, 1e-10);
    gl_claims_add(cl, "A_max|C+log4-2JSD|", GL_CLAIM_EQ, 0, resid, 1e-10);
done:
    gl_mix_free(P);
    gl_mix_free(G);
    return s;
}

/* ------------------------------------------------------------------ part B */

typedef struct {
    unsigned long seeds, steps, batch;
    double lr;
    gl_mlp_hidden hg, hd;
    size_t nlog;    /* measured steps per run (each costs ~40 ms: the exact JSD) */
} gan_cfg;

typedef struct {
    const gl_exp_opts *o;
    const gan_cfg *c;
    const gl_mix *P;
    gl_mlp *G, *D;
    gl_pushforward *pf, *pf_fine;
    size_t nretry, nfail; /* JSD quadratures retried on pf_fine; still failed */
    gsl_rng *re;          /* evaluation draws: a stream of their own, so that
                           * logging never changes the training trajectory */
    gl_tsv *log;
    double seed;
    size_t log_every;
    double *snap;         /* NSNAP x NXD p_g of the first seed, or NULL */
    size_t snap_step[NSNAP];
    double xlo, xh;
    double *xs, *ds;      /* 2 NEVAL scratch */
    double last[6];       /* jsd V meanabs acc step se(V) */
    int status;
    gl_err *err;
    double frac0;
} gan_ctx;

/* the measurements of one logged step: the exact JSD by quadrature, and on
 * NEVAL fresh samples of each class (x ~ p_data, x = G(z) with z ~ N(0,1))
 * V(D,G) = E_p[log D] + E_g[log(1-D)] as two sample means, with its
 * standard error, the mean |D - 1/2| and D's accuracy. (V by quadrature was
 * tried: QUADPACK reports roundoff at 1e-12 relative on the corners of a
 * leaky-ReLU D composed with G, so V is a Monte Carlo mean, error ~1e-3.) */
static int measure(gan_ctx *c, size_t step, double loss_d, double loss_g)
{
    gl_err *err = c->err;
    double J, eJ;
    int s;
    if ((s = gl_pushforward_update(c->pf, err)))
        return s;
    /* QUADPACK occasionally gives up on p_g's steep flanks (GL_ENOCONV); the
     * same integral on the breakpoints of an 8x finer fold search usually
     * converges. A logged step where neither does is recorded as NaN and
     * counted; at the last step it is an error. */
    s = gl_metrics_jsd_pf(c->P, c->pf, NULL, &J, &eJ, err);
    if (s == GL_ENOCONV) {
        c->nretry++;
        if (!(s = gl_pushforward_update(c->pf_fine, err)))
            s = gl_metrics_jsd_pf(c->P, c->pf_fine, NULL, &J, &eJ, err);
        if (s == GL_ENOCONV && step != c->c->steps) {
            c->nfail++;
            J = NAN;
            s = GL_OK;
        }
    }
    if (s)
        return s;
    gl_mix_sample(c->P, c->re, NEVAL, c->xs);
    gl_pushforward_sample(c->pf, c->re, NEVAL, c->xs + NEVAL);
    size_t mb = c->D->maxbatch;
    for (size_t i = 0; i < 2 * NEVAL; i += mb) {
        size_t n = 2 * NEVAL - i < mb ? 2 * NEVAL - i : mb;
        gl_mlp_forward(c->D, c->xs + i, n, c->ds + i);
    }
    double mabs = 0, acc = 0, m[2] = {0, 0}, m2[2] = {0, 0};
    for (size_t i = 0; i < 2 * NEVAL; i++) {
        double a = c->ds[i], d = gl_num_sigmoid(a);
        int fake = i >= NEVAL;
        double l = fake ? -gl_num_softplus(a) : -gl_num_softplus(-a); /* log(1-D) or log D */
        m[fake] += l;
        m2[fake] += l * l;
        mabs += fabs(d - 0.5);
        acc += fake ? a <= 0 : a > 0;
    }
    mabs /= 2 * NEVAL;
    acc /= 2 * NEVAL;
    double V = 0, se2 = 0;
    for (int k = 0; k < 2; k++) {
        double mu = m[k] / NEVAL;
        V += mu;
        se2 += (m2[k] / NEVAL - mu * mu) / (NEVAL - 1);
    }
    double row[9] = {c->seed, (double)step, J, V, sqrt(se2), mabs, acc, loss_d, loss_g};
    gl_tsv_row(c->log, 9, row);
    c->last[5] = sqrt(se2);
    c->last[0] = J;
    c->last[1] = V;
    c->last[2] = mabs;
    c->last[3] = acc;
    c->last[4] = (double)step;
    for (int k = 0; c->snap && k < NSNAP; k++)
        if (c->snap_step[k] == step)
            for (size_t i = 0; i < NXD; i++)
                c->snap[k * NXD + i] = exp(gl_pushforward_logpdf(c->pf, c->xlo + c->xh * (double)i));
    return GL_OK;
}

static int gan_hook(void *v, const gl_gan_stats *st)
{
    gan_ctx *c = v;
    double f = (double)st->step / (double)c->c->steps;
    c->status = measure(c, st->step, st->loss_d, st->loss_g);
    if (c->o->progress)
        c->o->progress(c->o->progress_ctx, "global-optimum B: training GANs",
                       c->frac0 + f / (double)c->c->seeds);
    return c->status != GL_OK;
}

static int run_seed(gan_ctx *c, unsigned long seed, gl_err *err)
{
    const gan_cfg *g = c->c;
    gl_rig rg = {0};
    gl_pushforward *pf = NULL, *pf2 = NULL;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    int s;
    size_t le = c->log_every;
    if (!r || !c->re) {
        gsl_rng_free(r);
        return gl_err_set(err, GL_ENOMEM, "out of memory");
    }
    gsl_rng_set(r, seed);
    gsl_rng_set(c->re, seed + 1000003UL);
    /* the rate falls linearly from lr to lr/20, in one piece per logged interval */
    gl_gan_cfg cfg = gl_gan_cfg_default();
    cfg.steps = g->steps;
    cfg.batch = g->batch;
    cfg.lr_d = cfg.lr_g = g->lr;
    cfg.sched.kind = GL_SCHED_LINEAR;
    cfg.sched.end = 0.05;
    cfg.sched.pieces = g->steps / le >= 2 ? g->steps / le : 0;
    cfg.log_every = le;
    cfg.hook = gan_hook;
    cfg.hook_ctx = c;
    gl_rig_arch a = gl_rig_arch_default();
    a.g = g->hg;
    a.d = g->hd;
    a.dmaxbatch = 512; /* D also evaluates batches of 512 (measure) */
    if ((s = gl_rig_alloc(&rg, &a, &cfg, 1, r, err)) ||
        (s = gl_pushforward_alloc(&pf, rg.G, GL_NOISE_NORMAL, GL_PUSHFORWARD_NGRID, err)) ||
        (s = gl_pushforward_alloc(&pf2, rg.G, GL_NOISE_NORMAL, 8 * GL_PUSHFORWARD_NGRID, err)))
        goto done;
    gl_mlp *G = rg.G, *D = rg.D;
    gl_gan *w = rg.w;
    c->G = G;
    c->D = D;
    c->pf = pf;
    c->pf_fine = pf2;
    c->seed = (double)seed;
    c->status = GL_OK;
    c->err = err;
    if ((s = measure(c, 0, NAN, NAN)))
        goto done;
    s = gl_gan_train(w, c->P, r, err);
    if (!s && c->status)
        s = c->status;
    if (!s && c->last[4] != (double)g->steps) /* the last step is always measured */
        s = measure(c, g->steps, gl_gan_last(w)->loss_d, gl_gan_last(w)->loss_g);
    gl_tsv_block(c->log); /* one gnuplot index per seed */
done:
    gl_pushforward_free(pf);
    gl_pushforward_free(pf2);
    gl_rig_free(&rg);
    gsl_rng_free(r);
    return s;
}

/* the median of column q of n rows of 5; t is scratch for n values */
static double median(const double *res, size_t n, int q, double *t)
{
    for (size_t k = 0; k < n; k++)
        t[k] = res[5 * k + q];
    return gl_exp_median(t, n);
}

static int trained(const gl_exp_opts *o, const gan_cfg *g, gl_rec *rec, gl_claims *cl, gl_err *err)
{
    gl_mix *P = NULL;
    gl_tsv *lg = NULL, *fin = NULL, *dens = NULL;
    size_t ns = g->seeds;
    double *buf = malloc((4 * NEVAL + NSNAP * NXD + 5 * ns) * sizeof *buf);
    gan_ctx c = {0};
    int s;
    if (!buf)
        return gl_err_set(err, GL_ENOMEM, "out of memory");
    if ((s = gl_mix_parse(PDATA_B, &P, err)) || (s = gl_rec_open(rec, "gan-log.tsv", &lg, err)))
        goto done;
    c.o = o;
    c.c = g;
    c.P = P;
    c.re = gsl_rng_alloc(gsl_rng_mt19937);
    c.log = lg;
    c.log_every = g->steps >= g->nlog ? g->steps / g->nlog : 1;
    c.xs = buf;
    c.ds = buf + 2 * NEVAL;
    c.snap = buf + 4 * NEVAL;
    c.xlo = -5;
    c.xh = 10.0 / (NXD - 1);
    for (int k = 0; k < NSNAP; k++) /* 0, 1/8, 1/4, 1/2, 1 of training, on logged steps */
        c.snap_step[k] = k == 0 ? 0 : (g->steps >> (NSNAP - 1 - k)) / c.log_every * c.log_every;
    c.snap_step[NSNAP - 1] = g->steps;
    double *res = buf + 4 * NEVAL + NSNAP * NXD; /* ns x {J, V, mabs, acc, V-C} */
    gl_tsv_meta(lg, "pdata", "%s", PDATA_B);
    gl_tsv_meta(lg, "seeds", "%zu", ns);
    gl_tsv_meta(lg, "training",
                "NS loss, k = 1, alternating, z ~ N(0,1), batch %lu, Adam (b1 0.5) lr %g decayed "
                "linearly to %g, %lu steps", g->batch, g->lr, g->lr / 20, g->steps);
    gl_tsv_meta(lg, "columns", "JSD exact (pushforward + quadrature); V(D,G) (and its standard "
                "error), mean |D-1/2| and accuracy on %d fresh samples per class", NEVAL);
    gl_tsv_header(lg, 9, (const char *const[]){"seed", "step", "JSD", "V", "se_V", "mean_abs_D-half",
                                               "accuracy", "loss_d", "loss_g"});
    for (size_t k = 0; k < ns; k++) {
        c.frac0 = (double)k / (double)ns;
        if ((s = run_seed(&c, o->seed + k, err)))
            goto done;
        c.snap = NULL; /* snapshots of the first seed only */
        memcpy(res + 5 * k, c.last, 4 * sizeof *res);
        res[5 * k + 4] = (c.last[1] - (-log(4.0) + 2 * c.last[0])) / c.last[5];
    }
    c.snap = buf + 4 * NEVAL;

    if ((s = gl_rec_open(rec, "gan-final.tsv", &fin, err)))
        goto done;
    gl_tsv_meta(fin, "pdata", "%s", PDATA_B);
    gl_tsv_header(fin, 6, (const char *const[]){"seed", "JSD", "V", "mean_abs_D-half", "accuracy",
                                                "(V-C(G))/se_V"});
    for (size_t k = 0; k < ns; k++)
        gl_tsv_row(fin, 6, (double[]){(double)(o->seed + k), res[5 * k], res[5 * k + 1],
                                      res[5 * k + 2], res[5 * k + 3], res[5 * k + 4]});
    if ((s = gl_rec_open(rec, "gan-density.tsv", &dens, err)))
        goto done;
    gl_tsv_meta(dens, "pdata", "%s", PDATA_B);
    gl_tsv_meta(dens, "steps", "%zu %zu %zu %zu %zu", c.snap_step[0], c.snap_step[1],
                c.snap_step[2], c.snap_step[3], c.snap_step[4]);
    gl_tsv_header(dens, 2 + NSNAP, (const char *const[]){"x", "p_data", "p_g_a", "p_g_b", "p_g_c",
                                                         "p_g_d", "p_g_e"});
    for (size_t i = 0; i < NXD; i++) {
        double row[2 + NSNAP], x = c.xlo + c.xh * (double)i;
        row[0] = x;
        row[1] = gl_mix_pdf(P, &x);
        for (int k = 0; k < NSNAP; k++)
            row[2 + k] = c.snap[k * NXD + i];
        gl_tsv_row(dens, 2 + NSNAP, row);
    }

    /* tolerances from the JSD threshold tau (theory/global-optimum.md):
     * best accuracy - 1/2 and E_m|D* - 1/2| are <= sqrt(tau/2); D's own error
     * adds EST; the accuracy's binomial error is 0.5/sqrt(2 NEVAL) (3 sd);
     * V <= C(G) <= -log 4 + 2 tau above, and V >= C(G) - GAP below */
    double tau = o->quick ? 0.1 : 0.02, est = 0.02, gap = 0.02;
    double bound = sqrt(tau / 2), binom = 3 * 0.5 / sqrt(2.0 * NEVAL);
    double *t = buf; /* the sample scratch is free again */
    double mJ = median(res, ns, 0, t), mV = median(res, ns, 1, t), mA = median(res, ns, 2, t),
           mC = median(res, ns, 3, t), worst = -INFINITY;
    double jmax = -INFINITY;
    for (size_t k = 0; k < ns; k++) {
        /* a NaN (se_V = 0: a constant D) must fail the claim, not vanish in fmax */
        worst = isnan(res[5 * k + 4]) ? NAN : isnan(worst) ? worst : fmax(worst, res[5 * k + 4]);
        jmax = fmax(jmax, res[5 * k]);
    }
    gl_tsv_meta(fin, "jsd_quadrature", "%zu of the logged steps retried on the finer grid, "
                "%zu of them still failed (NaN in gan-log.tsv)", c.nretry, c.nfail);
    gl_tsv_meta(fin, "median", "JSD %.6g V %.6g mean_abs %.6g accuracy %.6g", mJ, mV, mA, mC);
    gl_tsv_meta(fin, "worst_JSD", "%.6g", jmax);
    gl_claims_add(cl, "B_median_JSD", GL_CLAIM_LE, 0, mJ, tau);
    gl_claims_add(cl, "B_median_V+log4", GL_CLAIM_EQ, 0, mV + log(4.0), 2 * tau + gap);
    gl_claims_add(cl, "B_median_mean|D-1/2|", GL_CLAIM_EQ, 0, mA, bound + est);
    gl_claims_add(cl, "B_median_accuracy", GL_CLAIM_EQ, 0.5, mC, bound + est + binom);
    gl_claims_add(cl, "B_max_(V-C(G))/se_V", GL_CLAIM_LE, 0, worst, 4);
done:
    gsl_rng_free(c.re);
    gl_mix_free(P);
    free(buf);
    return s;
}

int gl_exp_global_optimum(const gl_exp_opts *o, gl_rec *rec, gl_claims *cl, gl_err *err)
{
    gan_cfg g = {o->quick ? 3 : 5, o->quick ? 5000 : 30000, o->quick ? 64 : 256,
                 o->quick ? 3e-3 : 2e-3,
                 {2, {16, 16}}, {2, {32, 32}}, o->quick ? 10 : 40};
    double lr = 0;
    unsigned long seeds = 0, steps = 0, batch = 0;
    gl_mlp_hidden hg = {0, {0}}, hd = {0, {0}};
    const gl_argspec specs[] = {
        {.name = "seeds", .type = GL_ARG_ULONG, .dst = &seeds}, {.name = "steps", .type = GL_ARG_ULONG, .dst = &steps},
        {.name = "batch", .type = GL_ARG_ULONG, .dst = &batch}, {.name = "lr", .type = GL_ARG_DOUBLE, .dst = &lr},
        {.name = "hidden-g", .type = GL_ARG_FN, .dst = &hg, .parse = gl_exp_arg_hidden}, {.name = "hidden-d", .type = GL_ARG_FN, .dst = &hd, .parse = gl_exp_arg_hidden},
    };
    int s = gl_args_parse(o->argc, o->argv, specs, sizeof specs / sizeof specs[0], err);
    if (s)
        return s;
    for (int i = 0; i < o->argc; i++) {
        const char *a = o->argv[i];
        if (!strncmp(a, "--seeds", 7) && (seeds == 0 || seeds > 100))
            return gl_err_set(err, GL_EINVAL, "--seeds must be 1..100");
        if (!strncmp(a, "--steps", 7) && steps == 0)
            return gl_err_set(err, GL_EINVAL, "--steps must be >= 1");
        if (!strncmp(a, "--batch", 7) && (batch == 0 || batch > 100000))
            return gl_err_set(err, GL_EINVAL, "--batch must be 1..100000");
        if (!strncmp(a, "--lr", 4) && !(lr > 0))
            return gl_err_set(err, GL_EINVAL, "--lr must be > 0, got %g", lr);
    }
    if (seeds)
        g.seeds = seeds;
    if (steps)
        g.steps = steps;
    if (batch)
        g.batch = batch;
    if (lr > 0)
        g.lr = lr;
    if (hg.n)
        g.hg = hg;
    if (hd.n)
        g.hd = hd;
    if ((s = landscape(o, rec, cl, err)) || (s = gl_global_optimum_a2(o, rec, cl, err)) ||
        (s = trained(o, &g, rec, cl, err)))
        return s;
    return gl_global_optimum_k(o, rec, cl, err);
}
