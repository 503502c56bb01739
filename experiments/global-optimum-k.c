/* global-optimum, part C — Algorithm 1's k: with k D-steps per G-step, how
 * close does D stay to the optimal discriminator D*_G of the CURRENT
 * generator while the GAN trains? Theorem 1 and Proposition 2 assume D = D*_G
 * at every step; k = 1 (the paper's choice) trades that for speed.
 * setup: p_data = 0.5 N(-2,0.5) + 0.5 N(2,0.5); G 1-16-16-1 tanh, D 1-32-32-1
 * leaky ReLU, NS loss, alternating, batch 128, Adam (lr 1e-3, beta1 0.5);
 * k = 1 and k = 5 from the same seeds. At 20 logged steps: the exact JSD
 * (pushforward quadrature) and the mean |D - D*_G| under (p_data + p_g)/2,
 * D*_G from the exact densities, averaged over 4000 + 4000 fresh samples.
 * theory: theory/global-optimum.md */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_rng.h>

#include "exp.h"
#include "gen.h"
#include "global-optimum.h"
#include "metrics.h"
#include "mix.h"
#include "num.h"
#include "rig.h"

#define KP "0.5*N(-2,0.5)+0.5*N(2,0.5)"
#define NK 2
#define NLOG_MAX 20
#define NMC 4000 /* samples of each distribution for E|D - D*| */

static const size_t KS[NK] = {1, 5};

typedef struct {
    const gl_exp_opts *o;
    const gl_mix *P;
    gl_pushforward *pf;
    gl_mlp *D;
    gsl_rng *re;      /* evaluation draws, a stream of their own */
    double *xs, *as;  /* 2 NMC samples, D's logits */
    gl_tsv *log;
    size_t k, nl, nlog;
    unsigned long seed;
    double *jsd, *gap; /* nlog each */
    double frac0, fspan;
    int status;
    gl_err *err;
} kctx;

static int k_hook(void *v, const gl_gan_stats *st)
{
    kctx *c = v;
    double j, e;
    if ((c->status = gl_pushforward_update(c->pf, c->err)) ||
        (c->status = gl_metrics_jsd_pf(c->P, c->pf, NULL, &j, &e, c->err)))
        return 1;
    gl_mix_sample(c->P, c->re, NMC, c->xs);
    gl_pushforward_sample(c->pf, c->re, NMC, c->xs + NMC);
    size_t mb = c->D->maxbatch;
    for (size_t i = 0; i < 2 * NMC; i += mb)
        gl_mlp_forward(c->D, c->xs + i, 2 * NMC - i < mb ? 2 * NMC - i : mb, c->as + i);
    double gap = 0;
    for (size_t i = 0; i < 2 * NMC; i++) {
        double x = c->xs[i], lq = gl_pushforward_logpdf(c->pf, x);
        double dstar = gl_num_sigmoid(gl_mix_logpdf(c->P, &x) - lq);
        gap += fabs(gl_num_sigmoid(c->as[i]) - dstar);
    }
    gap /= 2 * NMC;
    if (c->nl < c->nlog) {
        c->jsd[c->nl] = j;
        c->gap[c->nl] = gap;
        c->nl++;
    }
    gl_tsv_row(c->log, 5, (double[]){(double)c->k, (double)c->seed, (double)st->step, j, gap});
    if (c->o->progress)
        c->o->progress(c->o->progress_ctx, "global-optimum C: k D-steps per G-step",
                       c->frac0 + c->fspan * (double)c->nl / (double)c->nlog);
    return 0;
}

int gl_global_optimum_k(const gl_exp_opts *o, gl_rec *rec, gl_claims *cl, gl_err *err)
{
    const size_t steps = 4000, seeds = o->quick ? 1 : 5, batch = 128;
    const size_t NLOG = o->quick ? 8 : NLOG_MAX;
    gl_rig_arch a = gl_rig_arch_default(); /* G 1-16-16-1 tanh, D 1-32-32-1 leaky, Adam b1 0.5 */
    a.dmaxbatch = 512;
    gl_mix *P = NULL;
    gl_tsv *lg, *sm;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937), *re = gsl_rng_alloc(gsl_rng_mt19937);
    double *buf = malloc((4 * NMC + 2 * NK * seeds * NLOG + 2 * seeds) * sizeof *buf);
    int s;
    if (!r || !re || !buf) {
        s = gl_err_set(err, GL_ENOMEM, "out of memory");
        goto done;
    }
    double *jsd = buf + 4 * NMC, *gap = jsd + NK * seeds * NLOG, *t = gap + NK * seeds * NLOG;
    if ((s = gl_mix_parse(KP, &P, err)) || (s = gl_rec_open(rec, "k-log.tsv", &lg, err)))
        goto done;
    gl_tsv_meta(lg, "pdata", "%s", KP);
    gl_tsv_meta(lg, "training", "G 1-16-16-1 tanh, D 1-32-32-1 leaky(0.2), NS, alternating, batch %zu, "
                "Adam lr 1e-3 beta1 0.5, %zu steps, k = 1 and 5, seeds %lu..%lu", batch, steps, o->seed,
                o->seed + seeds - 1);
    gl_tsv_meta(lg, "gap", "mean |D - D*_G| over %d samples of p_data and %d of p_g (D*_G from the "
                "exact densities)", NMC, NMC);
    gl_tsv_header(lg, 5, (const char *const[]){"k", "seed", "step", "jsd", "gap"});
    for (int q = 0; q < NK; q++)
        for (size_t sd = 0; sd < seeds; sd++) {
            gl_rig rg;
            unsigned long seed = o->seed + sd;
            kctx c = {o, P, NULL, NULL, re, buf, buf + 2 * NMC, lg, KS[q], 0, NLOG, seed,
                      jsd + ((size_t)q * seeds + sd) * NLOG, gap + ((size_t)q * seeds + sd) * NLOG,
                      (double)((size_t)q * seeds + sd) / (double)(NK * seeds), 1.0 / (double)(NK * seeds),
                      GL_OK, err};
            gl_gan_cfg cfg = gl_gan_cfg_default();
            cfg.steps = steps;
            cfg.batch = batch;
            cfg.k = KS[q];
            cfg.log_every = steps / NLOG;
            cfg.hook = k_hook;
            cfg.hook_ctx = &c;
            gsl_rng_set(r, seed);
            gsl_rng_set(re, seed + 7777777UL);
            if ((s = gl_rig_alloc(&rg, &a, &cfg, 1, r, err)))
                goto done;
            c.D = rg.D;
            s = gl_pushforward_alloc(&c.pf, rg.G, GL_NOISE_NORMAL, GL_PUSHFORWARD_NGRID, err);
            if (!s)
                s = gl_gan_train(rg.w, P, r, err);
            if (!s && c.status)
                s = c.status;
            if (!s && c.nl != NLOG)
                s = gl_err_set(err, GL_EINVAL, "%zu logged steps, expected %zu", c.nl, NLOG);
            gl_pushforward_free(c.pf);
            gl_rig_free(&rg);
            if (s) {
                char pre[64];
                snprintf(pre, sizeof pre, "k %zu, seed %lu: ", KS[q], seed);
                gl_err_prefix(err, pre);
                goto done;
            }
            gl_tsv_block(lg);
        }

    /* per run: the mean gap over the second half, the mean JSD over the last quarter */
    if ((s = gl_rec_open(rec, "k-summary.tsv", &sm, err)))
        goto done;
    gl_tsv_header(sm, 4, (const char *const[]){"k", "seed", "gap_late", "jsd_final"});
    double mg[NK], mj[NK];
    for (int q = 0; q < NK; q++) {
        for (size_t sd = 0; sd < seeds; sd++) {
            const double *g = gap + ((size_t)q * seeds + sd) * NLOG, *j = jsd + ((size_t)q * seeds + sd) * NLOG;
            double gl = 0, jf = 0;
            for (size_t i = NLOG / 2; i < NLOG; i++)
                gl += g[i] / (double)(NLOG - NLOG / 2);
            for (size_t i = NLOG - NLOG / 4; i < NLOG; i++)
                jf += j[i] / (double)(NLOG / 4);
            t[sd] = gl;
            t[seeds + sd] = jf;
            gl_tsv_row(sm, 4, (double[]){(double)KS[q], (double)(o->seed + sd), gl, jf});
        }
        mg[q] = gl_exp_median(t, seeds);
        mj[q] = gl_exp_median(t + seeds, seeds);
        gl_tsv_meta(sm, q ? "k5" : "k1", "median late gap %.4g, median final JSD %.4g", mg[q], mj[q]);
    }
    /* Measured over seeds 1-5 and 6-10 (full): late gap 0.065-0.14 with k = 5
     * against 0.16-0.26 with k = 1 (ratios of the medians 0.37 and 0.54);
     * final JSD 0.027-0.080 against 0.093-0.27 (ratios 0.20 and 0.31). The
     * bounds 0.75 and 0.5 leave room for a median of 5 runs. --quick runs one
     * seed, whose ratios ranged 0.26-0.80 (gap) and 0.18-0.74 (JSD) over
     * seeds 1, 3, 5, 7: it asserts only that k = 5 is better, at 0.9. */
    double bg = o->quick ? 0.9 : 0.75, bj = o->quick ? 0.9 : 0.5;
    gl_claims_add(cl, "C_k5_over_k1_median_late_gap", GL_CLAIM_LE, bg, mg[1] / mg[0], 0);
    gl_claims_add(cl, "C_k5_over_k1_median_final_jsd", GL_CLAIM_LE, bj, mj[1] / mj[0], 0);
done:
    gl_mix_free(P);
    gsl_rng_free(r);
    gsl_rng_free(re);
    free(buf);
    return s;
}
