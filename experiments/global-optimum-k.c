/* SPDX-License-Identifier: GPL-3.0-or-later */
/* global-optimum, part C — Algorithm 1's k: with k D-steps per G-step, how
 * close does D stay to the optimal discriminator D*_G of the CURRENT
 * generator while the GAN trains? Theorem 1 and Proposition 2 assume D = D*_G
 * at every step; k = 1 (the paper's choice) trades that for speed.
 * setup: p_data = 0.5 N(-2,0.5) + 0.5 N(2,0.5); G 1-16-16-1 tanh, D 1-32-32-1
 * leaky ReLU, NS loss, alternating, batch 128, Adam (lr 1e-3, beta1 0.5);
 * k = 1 and k = 5 from the same seeds. At 20 logged steps: the exact JSD
 * (pushforward quadrature) and the mean |D - D*_G| under (p_data + p_g)/2,
 * D*_G from the exact densities, averaged over 4000 + 4000 fresh samples.
 * One sweep over the configurations "k1", "k5" and the seeds.
 * theory: theory/global-optimum.md */
#include <math.h>
#include <stdlib.h>
#include <gsl/gsl_rng.h>

#include "exp.h"
#include "gen.h"
#include "global-optimum.h"
#include "metrics.h"
#include "mix.h"
#include "num.h"
#include "rig.h"
#include "sweep.h"

#define KP "0.5*N(-2,0.5)+0.5*N(2,0.5)"
#define NMC 4000 /* samples of each distribution for E|D - D*| */

/* the configurations: D-steps per G-step */
typedef struct {
    const char *name;
    size_t k;
} kconf;

static const kconf KCONF[] = {
    {.name = "k1", .k = 1},
    {.name = "k5", .k = 5},
};
#define NK (sizeof KCONF / sizeof KCONF[0])

/* what every run shares, read-only; steps 0 (--untrained): the one logged
 * row is step 0 */
typedef struct {
    const gl_mix *P;
    size_t steps, batch, nlog;
} kplan;

/* one run's state while it trains; its arrays "step", "jsd", "gap" (nlog each) */
typedef struct {
    const kplan *p;
    gl_exp_gan *gan;
    gsl_rng *re;      /* evaluation draws, a stream of their own */
    double *xs, *as;  /* 2 NMC samples, D's logits */
    double *step, *jsd, *gap;
    size_t nl;
    int status;
    gl_err *err;
} kwatch;

static int k_hook(void *v, const gl_gan_stats *st)
{
    kwatch *c = v;
    gl_mlp *D = c->gan->rig.D;
    gl_pushforward *pf = gl_metrics_gen_pf(c->gan->ex);
    double j, e;
    if ((c->status = gl_metrics_gen_jsd(c->gan->ex, c->p->P, &j, &e, NULL, c->err)))
        return 1;
    gl_mix_sample(c->p->P, c->re, NMC, c->xs);
    gl_pushforward_sample(pf, c->re, NMC, c->xs + NMC);
    size_t mb = D->maxbatch;
    for (size_t i = 0; i < 2 * NMC; i += mb)
        gl_mlp_forward(D, c->xs + i, 2 * NMC - i < mb ? 2 * NMC - i : mb, c->as + i);
    double gap = 0;
    for (size_t i = 0; i < 2 * NMC; i++) {
        double x = c->xs[i], lq = gl_pushforward_logpdf(pf, x);
        double dstar = gl_num_sigmoid(gl_mix_logpdf(c->p->P, &x) - lq);
        gap += fabs(gl_num_sigmoid(c->as[i]) - dstar);
    }
    gap /= 2 * NMC;
    if (c->nl == c->p->nlog) {
        c->status = gl_err_set(c->err, GL_EINVAL, "more than %zu logged steps", c->p->nlog);
        return 1;
    }
    c->step[c->nl] = (double)st->step;
    c->jsd[c->nl] = j;
    c->gap[c->nl] = gap;
    c->nl++;
    return 0;
}

/* the run's summaries: the mean gap over the second half of the logged
 * steps, the mean JSD over the last quarter (at least the last step) */
static int k_record(gl_run *run, const kwatch *c, gl_err *err)
{
    size_t n = c->p->nlog, n4 = n / 4 ? n / 4 : 1;
    double gl = 0, jf = 0;
    for (size_t i = n / 2; i < n; i++)
        gl += c->gap[i] / (double)(n - n / 2);
    for (size_t i = n - n4; i < n; i++)
        jf += c->jsd[i] / (double)n4;
    int s = gl_run_put(run, "gap_late", gl, err);
    return s ? s : gl_run_put(run, "jsd_final", jf, err);
}

/* One run: KCONF's k, G's then D's weights from the seed's stream,
 * evaluation draws from seed + 7777777; logged every steps/nlog G-steps. */
static int k_run(gl_run *run, const void *ctx, gl_err *err)
{
    const kplan *p = ctx;
    unsigned long seed = gl_run_seed(run);
    gl_exp_gan g = {0};
    kwatch c = {.p = p, .gan = &g, .err = err};
    double *buf = malloc(4 * NMC * sizeof *buf);
    c.re = gsl_rng_alloc(gsl_rng_mt19937);
    int s = buf && c.re ? GL_OK : gl_err_set(err, GL_ENOMEM, "out of memory");
    if (s || !(c.step = gl_run_array(run, "step", p->nlog, err)) ||
        !(c.jsd = gl_run_array(run, "jsd", p->nlog, err)) ||
        !(c.gap = gl_run_array(run, "gap", p->nlog, err))) {
        s = s ? s : err->status;
        goto done;
    }
    c.xs = buf;
    c.as = buf + 2 * NMC;
    gsl_rng_set(c.re, seed + 7777777UL);
    gl_rig_arch a = gl_rig_arch_default(); /* G 1-16-16-1 tanh, D 1-32-32-1 leaky, Adam b1 0.5 */
    a.dmaxbatch = 512;
    gl_gan_cfg cfg = gl_gan_cfg_default();
    cfg.steps = p->steps ? p->steps : 1; /* 0: allocated, never trained */
    cfg.batch = p->batch;
    cfg.k = KCONF[gl_run_config(run)].k;
    cfg.log_every = p->steps / p->nlog;
    cfg.hook = k_hook;
    cfg.hook_ctx = &c;
    if ((s = gl_exp_gan_alloc_run(&g, &a, &cfg, p->P, run, seed, err)))
        goto done;
    if (p->steps)
        s = gl_gan_train(g.rig.w, p->P, g.r, err);
    else
        k_hook(&c, &(gl_gan_stats){.step = 0, .loss_d = NAN, .loss_g = NAN});
    if (!s && c.status)
        s = c.status;
    if (!s && c.nl != p->nlog)
        s = gl_err_set(err, GL_EINVAL, "%zu logged steps, expected %zu", c.nl, p->nlog);
    if (!s)
        s = k_record(run, &c, err);
done:
    gl_exp_gan_free(&g);
    gsl_rng_free(c.re);
    free(buf);
    return s;
}

/* k-log.tsv: every run's logged steps, one gnuplot index per run */
static int k_write_log(const gl_exp_opts *o, gl_rec *rec, const gl_sweep *sw, const kplan *p,
                       gl_err *err)
{
    gl_tsv *t;
    size_t seeds = gl_sweep_nseeds(sw);
    int s = gl_rec_open(rec, "k-log.tsv", &t, err);
    if (s)
        return s;
    gl_tsv_meta(t, "pdata", "%s", KP);
    gl_tsv_meta(t, "training", "G 1-16-16-1 tanh, D 1-32-32-1 leaky(0.2), NS, alternating, batch %zu, "
                "Adam lr 1e-3 beta1 0.5, %zu steps, k = 1 and 5, seeds %lu..%lu", p->batch, p->steps,
                o->seed, o->seed + seeds - 1);
    gl_tsv_meta(t, "gap", "mean |D - D*_G| over %d samples of p_data and %d of p_g (D*_G from the "
                "exact densities)", NMC, NMC);
    gl_tsv_header(t, 5, (const char *const[]){"k", "seed", "step", "jsd", "gap"});
    for (size_t q = 0; q < NK; q++)
        for (size_t sd = 0; sd < seeds; sd++) {
            const char *nm = KCONF[q].name;
            size_t n, nj, ng;
            const double *st = gl_sweep_array(sw, nm, sd, "step", &n),
                         *j = gl_sweep_array(sw, nm, sd, "jsd", &nj),
                         *g = gl_sweep_array(sw, nm, sd, "gap", &ng);
            for (size_t i = 0; i < n && i < nj && i < ng; i++)
                gl_tsv_row(t, 5, (double[]){(double)KCONF[q].k, (double)(o->seed + sd), st[i], j[i],
                                            g[i]});
            s = gl_tsv_block(t);
        }
    return gl_tsv_done(t, err);
}

/* k-summary.tsv (every run's summaries, the medians per k) and the claims */
static int k_summary_claims(const gl_exp_opts *o, gl_rec *rec, const gl_sweep *sw,
                            gl_claims *cl, gl_err *err)
{
    gl_tsv *t;
    size_t seeds = gl_sweep_nseeds(sw);
    int s = gl_rec_open(rec, "k-summary.tsv", &t, err);
    if (s)
        return s;
    gl_tsv_header(t, 4, (const char *const[]){"k", "seed", "gap_late", "jsd_final"});
    for (size_t q = 0; q < NK; q++) {
        const char *nm = KCONF[q].name;
        for (size_t sd = 0; sd < seeds; sd++)
            gl_tsv_row(t, 4, (double[]){(double)KCONF[q].k, (double)(o->seed + sd),
                                        gl_sweep_value(sw, nm, sd, "gap_late"),
                                        gl_sweep_value(sw, nm, sd, "jsd_final")});
        s = gl_tsv_meta(t, nm, "median late gap %.4g, median final JSD %.4g",
                        gl_sweep_get(sw, nm, "gap_late_median"), gl_sweep_get(sw, nm, "jsd_final_median"));
    }
    /* Measured over seeds 1-5 and 6-10 (full): late gap 0.065-0.14 with k = 5
     * against 0.16-0.26 with k = 1 (ratios of the medians 0.37 and 0.54);
     * final JSD 0.027-0.080 against 0.093-0.27 (ratios 0.20 and 0.31). The
     * bounds 0.75 and 0.5 leave room for a median of 5 runs. --quick runs one
     * seed, whose ratios ranged 0.26-0.80 (gap) and 0.18-0.74 (JSD) over
     * seeds 1, 3, 5, 7: it asserts only that k = 5 is better, at 0.9. */
    double bg = o->quick ? 0.9 : 0.75, bj = o->quick ? 0.9 : 0.5;
    gl_claims_add(cl, "C_k5_over_k1_median_late_gap", GL_CLAIM_LE, bg,
                  gl_sweep_get(sw, "k5", "gap_late_median") / gl_sweep_get(sw, "k1", "gap_late_median"), 0,
                  o->quick ? "quick, one seed (0.26-0.80): only that k = 5 is better"
                           : "room for a median of 5 (seeds 1-5, 6-10: 0.37, 0.54)");
    gl_claims_add(cl, "C_k5_over_k1_median_final_jsd", GL_CLAIM_LE, bj,
                  gl_sweep_get(sw, "k5", "jsd_final_median") / gl_sweep_get(sw, "k1", "jsd_final_median"), 0,
                  o->quick ? "quick, one seed (0.18-0.74): only that k = 5 is better"
                           : "room for a median of 5 (seeds 1-5, 6-10: 0.20, 0.31)");
    return gl_tsv_done(t, err);
}

int gl_global_optimum_k(const gl_exp_opts *o, gl_rec *rec, gl_claims *cl, gl_err *err)
{
    gl_mix *P = NULL;
    gl_sweep *sw = NULL;
    const char *names[NK];
    int s = gl_mix_parse(KP, &P, err);
    if (s)
        return s;
    kplan p = {.P = P, .steps = o->untrained ? 0 : 4000, .batch = 128,
               .nlog = o->untrained ? 1 : o->quick ? 8 : 20};
    for (size_t q = 0; q < NK; q++)
        names[q] = KCONF[q].name;
    gl_sweep_cfg sc = gl_exp_sweep_cfg(o, "global-optimum C: k D-steps per G-step");
    sc.nconfigs = NK;
    sc.names = names;
    sc.nseeds = o->quick ? 1 : 5;
    sc.run = k_run;
    sc.ctx = &p;
    if (!(s = gl_sweep_run(&sw, &sc, err)) && !(s = k_write_log(o, rec, sw, &p, err)))
        s = k_summary_claims(o, rec, sw, cl, err);
    gl_sweep_free(sw);
    gl_mix_free(P);
    return s;
}
