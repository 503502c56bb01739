/* dynamics — claim: on the Dirac-GAN (Mescheder, Geiger & Nowozin 2018)
 * simultaneous gradient steps spiral out by exactly 1 + h^2 f'(0)^2 in squared
 * norm per step near the equilibrium, alternating steps stay on a bounded
 * orbit, and a gradient penalty or instance noise makes the iteration converge.
 * setup: V(theta, psi) = f(psi theta) + f(0), f(t) = -log(1 + e^{-t}), start
 * (1, 1), step h = 0.2, 500 steps (the reference runs); small starts for the
 * linearised rates.  theory: theory/dynamics.md */
#include <math.h>
#include <stdlib.h>
#include <gsl/gsl_rng.h>

#include "dirac.h"
#include "dynamics.h"
#include "exp.h"
#include "optim.h"

const char gl_exp_dynamics_overrides[] =
    "  --h X          step size of the reference runs and the figure (default 0.2)\n"
    "  --steps N      steps of the reference runs (default 500)\n"
    "  --gamma G      gradient penalty of the converging run (default 0.3)\n"
    "  --sigma S      instance noise of the noisy runs (default 1)\n"
    "  --gan-steps N  steps of each 1-D GAN run (default 6000; quick: alternating only)\n"
    "  --gan-seeds N  seeds per configuration (default 5; quick 2)\n"
    "  --gan-r1 G     R1 penalty weight gamma of the penalised runs (default 1)\n"
    "  --gan-lr X     learning rate of both nets (default 1e-3)\n"
    "  --gan-opt NAME adam (default, beta1 0.5), sgd or momentum (mu 0.5)\n";

#define FP0 0.5        /* f'(0) */
#define NGRID 21       /* vector field: NGRID x NGRID arrows */
#define XMAX 3.5       /* over [-XMAX, XMAX]^2 */
#define START_NORM 1.4142135623730951 /* |(1, 1)| */
#define NALT 20000     /* the long alternating run: 4000 time units */
#define NRATE 10000    /* the penalty rate run, h = 0.01 */
#define HRATE 0.01
#define TNOISE 100     /* the instance-noise runs: time 100 at h and at h/4 */

/* the four reference runs from (1, 1), in the order of traj.tsv's run column */
enum { REF_SIM, REF_ALT, REF_PEN, REF_NOISE, NREF };
static const struct {
    const char *name;
    gl_dirac_update update;
    int penalty, noise; /* with the --gamma penalty, with the --sigma instance noise */
} REF[NREF] = {
    [REF_SIM] = {.name = "sim", .update = GL_DIRAC_SIM},
    [REF_ALT] = {.name = "alt", .update = GL_DIRAC_ALT},
    [REF_PEN] = {.name = "penalty", .update = GL_DIRAC_SIM, .penalty = 1},
    [REF_NOISE] = {.name = "noise", .update = GL_DIRAC_SIM, .noise = 1},
};

/* part A: the setting and what its runs share */
typedef struct {
    double h, gamma, sigma; /* --h, --gamma, --sigma */
    size_t steps;           /* --steps */
    int dflt;               /* the default setting, for which the reference values hold */
    size_t nseed;           /* seeds of the instance-noise runs */
    unsigned long seed;
    size_t nmax;            /* the longest run */
    double *buf;            /* one trajectory: 2 (nmax + 1) doubles */
    gsl_rng *r;             /* the noise of the noisy runs */
    gl_tsv *traj;           /* traj.tsv: the reference runs, and the other runs' summaries */
} part_a;


static double nrm(const double *x)
{
    return hypot(x[0], x[1]);
}

/* The overrides of both parts, checked before anything runs. */
static int parse(const gl_exp_opts *o, part_a *a, gl_dynamics_gan_cfg *g, gl_err *err)
{
    const char *gopt = "adam";
    a->h = 0.2;
    a->gamma = 0.3;
    a->sigma = 1;
    a->steps = 500;
    *g = (gl_dynamics_gan_cfg){.steps = 6000, .batch = 128, .seeds = o->quick ? 2 : 5,
                               .nlog = o->quick ? 10 : 40, .lr = 1e-3, .r1 = 1,
                               .opt = GL_OPT_ADAM, .alt_only = o->quick};
    const gl_argspec specs[] = {
        {.name = "h", .type = GL_ARG_DOUBLE, .dst = &a->h, .min = 0, .max = 1, .open_min = 1},
        {.name = "steps", .type = GL_ARG_SIZE, .dst = &a->steps, .min = 10, .max = 100000},
        {.name = "gamma", .type = GL_ARG_DOUBLE, .dst = &a->gamma}, /* open at both ends: below */
        {.name = "sigma", .type = GL_ARG_DOUBLE, .dst = &a->sigma, .min = 0, .max = 10,
         .open_min = 1},
        {.name = "gan-steps", .type = GL_ARG_SIZE, .dst = &g->steps}, /* a multiple: below */
        {.name = "gan-seeds", .type = GL_ARG_SIZE, .dst = &g->seeds, .min = 1, .max = 100},
        {.name = "gan-r1", .type = GL_ARG_DOUBLE, .dst = &g->r1, .min = 0, .max = 1e4,
         .open_min = 1},
        {.name = "gan-lr", .type = GL_ARG_DOUBLE, .dst = &g->lr, .min = 0, .max = 1, .open_min = 1},
        {.name = "gan-opt", .type = GL_ARG_STR, .dst = &gopt},
    };
    int s = gl_args_parse(o->argc, o->argv, specs, sizeof specs / sizeof specs[0], err);
    if (s)
        return s;
    if (!(a->gamma > 0 && a->gamma < 2 * FP0))
        return gl_err_set(err, GL_EINVAL, "--gamma must be in (0, 1) (complex eigenvalues), got %g",
                          a->gamma);
    if (gl_optim_parse(gopt, &g->opt, NULL))
        return gl_err_set(err, GL_EINVAL, "--gan-opt must be adam, sgd or momentum, got \"%s\"",
                          gopt);
    if (g->steps < g->nlog || g->steps > 1000000 || g->steps % g->nlog)
        return gl_err_set(err, GL_EINVAL, "--gan-steps must be a multiple of %zu in %zu..1000000, "
                          "got %zu", g->nlog, g->nlog, g->steps);
    a->dflt = a->h == 0.2 && a->steps == 500 && a->gamma == 0.3 && a->sigma == 1;
    a->nseed = o->quick ? 20 : 100;
    a->seed = o->seed;
    size_t nnoise = (size_t)(TNOISE / 0.05); /* time 100 at the smaller default step */
    a->nmax = NALT > NRATE ? NALT : NRATE;
    a->nmax = nnoise > a->nmax ? nnoise : a->nmax;
    a->nmax = a->steps > a->nmax ? a->steps : a->nmax;
    return GL_OK;
}

/* the vector field v = (-dV/dtheta, dV/dpsi), arrows scaled to a common length */
static int write_field(gl_rec *rec, gl_err *err)
{
    gl_tsv *t;
    int s = gl_rec_open(rec, "field.tsv", &t, err);
    if (s)
        return s;
    gl_tsv_meta(t, "field", "v = (-dV/dtheta, dV/dpsi) = f'(psi theta) (-psi, theta), f'(t) = 1/(1+e^t)");
    gl_tsv_meta(t, "arrows", "dtheta, dpsi: v scaled to length %g; speed: |v|", 0.6 * XMAX / (NGRID - 1) * 2);
    gl_tsv_header(t, 5, (const char *const[]){"theta", "psi", "dtheta", "dpsi", "speed"});
    for (int i = 0; i < NGRID; i++)
        for (int j = 0; j < NGRID; j++) {
            double th = -XMAX + 2 * XMAX * i / (NGRID - 1), ps = -XMAX + 2 * XMAX * j / (NGRID - 1);
            double fp = gl_dirac_fprime(ps * th), vt = -fp * ps, vp = fp * th, sp = hypot(vt, vp);
            double sc = sp > 0 ? 0.6 * 2 * XMAX / (NGRID - 1) / sp : 0;
            s = gl_tsv_row(t, 5, (double[]){th, ps, vt * sc, vp * sc, sp});
        }
    return gl_tsv_done(t, err);
}

/* The reference runs (h, steps from (1, 1)), one gnuplot block each in
 * traj.tsv, and their final norms against the reference values. */
static int ref_runs(part_a *a, gl_claims *cl, gl_err *err)
{
    gl_tsv *t = a->traj;
    gl_tsv_meta(t, "runs", "0 simultaneous; 1 alternating (D first); 2 simultaneous, penalty gamma %g; "
                           "3 simultaneous, instance noise sigma %g", a->gamma, a->sigma);
    gl_tsv_meta(t, "h", "%g", a->h);
    gl_tsv_meta(t, "gamma", "%g", a->gamma);
    gl_tsv_meta(t, "sigma", "%g", a->sigma);
    gl_tsv_meta(t, "start", "(1, 1)");
    gl_tsv_header(t, 5, (const char *const[]){"run", "step", "theta", "psi", "norm"});
    double fin[NREF];
    for (int id = 0; id < NREF; id++) {
        gl_dirac_opts op = {.update = REF[id].update, .h = a->h,
                            .gamma = REF[id].penalty ? a->gamma : 0,
                            .sigma = REF[id].noise ? a->sigma : 0};
        int s = gl_dirac_run(&op, REF[id].noise ? a->r : NULL, (double[]){1, 1}, a->steps, a->buf,
                             err);
        if (s)
            return gl_err_prefix(err, REF[id].name);
        const double *x = a->buf;
        for (size_t k = 0; k <= a->steps; k++)
            gl_tsv_row(t, 5, (double[]){id, (double)k, x[2 * k], x[2 * k + 1], nrm(x + 2 * k)});
        gl_tsv_block(t);
        fin[id] = nrm(x + 2 * a->steps);
    }
    gl_tsv_meta(t, "final_norms", "sim %.6g, alt %.6g, penalty %.6g, noise %.6g", fin[REF_SIM],
                fin[REF_ALT], fin[REF_PEN], fin[REF_NOISE]);
    if (a->dflt) {
        /* the reference values, given to 4 and 2 significant digits: half a unit
         * of the last digit is the tolerance */
        gl_claims_add(cl, "ref_sim_norm_500", GL_CLAIM_EQ, 3.097, fin[REF_SIM], 5e-4,
                      "half a unit in the last of the reference's 4 digits");
        gl_claims_add(cl, "ref_alt_norm_500", GL_CLAIM_EQ, 1.413, fin[REF_ALT], 5e-4,
                      "half a unit in the last of the reference's 4 digits");
        gl_claims_add(cl, "ref_penalty_norm_500", GL_CLAIM_EQ, 2.6e-6, fin[REF_PEN], 0.05e-6,
                      "half a unit in the last of the reference's 2 digits");
    } else {
        gl_claims_add(cl, "sim_norm_grows", GL_CLAIM_GE, START_NORM, fin[REF_SIM], 0,
                      "direction only: no reference values off the defaults");
        gl_claims_add(cl, "penalty_norm_shrinks", GL_CLAIM_LE, START_NORM, fin[REF_PEN], 0,
                      "direction only: no reference values off the defaults");
    }
    return GL_OK;
}

/* simultaneous: the squared-norm growth factor near the origin. The
 * linearised map is I + h J, J = [[0, -a], [a, 0]], a = f'(0), whose
 * determinant is 1 + h^2 a^2 and which is a scaled rotation: |x|^2 grows by
 * exactly that factor. From 1e-7 the nonlinearity f'(psi theta) - a ~
 * psi theta / 4 ~ 1e-14 is below the tolerance 1e-12. */
static int sim_growth(part_a *a, gl_claims *cl, gl_err *err)
{
    gl_dirac_opts op = {.update = GL_DIRAC_SIM, .h = a->h};
    double x0[2] = {1e-7, 1e-7};
    int s = gl_dirac_run(&op, NULL, x0, 100, a->buf, err);
    if (s)
        return s;
    double g = pow(nrm(a->buf + 200) / nrm(x0), 2.0 / 100);
    gl_claims_add(cl, "sim_sq_growth_per_step_near_0", GL_CLAIM_EQ, 1 + a->h * a->h * FP0 * FP0, g,
                  1e-12, "nonlinearity ~1e-14 at 1e-7 from 0, plus rounding");
    return GL_OK;
}

/* alternating: a bounded orbit. Near 0 the map psi' = psi + k theta,
 * theta' = theta - k psi' (k = h a) preserves Q = theta^2 + psi^2 + k theta psi
 * exactly; from (1, 1) the nonlinear orbit stays within a few percent of its
 * start */
static int alt_orbit(part_a *a, gl_claims *cl, gl_err *err)
{
    gl_dirac_opts op = {.update = GL_DIRAC_ALT, .h = a->h};
    const double *x = a->buf;
    double k = a->h * FP0, q0 = 1e-12;
    int s = gl_dirac_run(&op, NULL, (double[]){1e-6, 0}, NALT, a->buf, err);
    if (s)
        return s;
    double qd = 0;
    for (size_t i = 0; i <= NALT; i++) {
        double t = x[2 * i], p = x[2 * i + 1];
        qd = fmax(qd, fabs((t * t + p * p + k * t * p) / q0 - 1));
    }
    /* per step the nonlinearity perturbs Q relatively by ~ h |x|^2 / 4 ~ 5e-14;
     * over NALT steps plus rounding, 1e-8 is a generous bound */
    gl_claims_add(cl, "alt_invariant_Q_rel_drift_near_0", GL_CLAIM_EQ, 0, qd, 1e-8,
                  "nonlinearity ~5e-14 a step, plus rounding: generous");
    if ((s = gl_dirac_run(&op, NULL, (double[]){1, 1}, NALT, a->buf, err)))
        return s;
    double mx = 0, mn = INFINITY;
    for (size_t i = 0; i <= NALT; i++) {
        mx = fmax(mx, nrm(x + 2 * i));
        mn = fmin(mn, nrm(x + 2 * i));
    }
    /* a simultaneous run would grow by (1 + h^2/4)^(n/2) near 0 */
    gl_claims_add(cl, "alt_max_norm_over_start", GL_CLAIM_LE, 1.1, mx / START_NORM, 0,
                  "a 10 % band around the start, not derived");
    gl_claims_add(cl, "alt_min_norm_over_start", GL_CLAIM_GE, 0.9, mn / START_NORM, 0,
                  "a 10 % band around the start, not derived");
    gl_tsv_meta(a->traj, "alt_long_run", "%zu steps from (1,1): norm in [%.6g, %.6g]", (size_t)NALT,
                mn, mx);
    return GL_OK;
}

/* penalty: the decay rate against the eigenvalues. J = [[0, -a], [a, -gamma]]
 * has lambda = -gamma/2 +- i sqrt(a^2 - gamma^2/4). The map I + hJ has
 * eigenvalues 1 + h lambda, so the norm decays at the rate ln|1 + h lambda| / h
 * = Re lambda - h Re(lambda^2)/2 + O(h^2) per unit time; over time T the
 * non-normality of J moves the measured rate by at most ln(kappa)/T, kappa
 * the condition number of J's eigenvectors. */
static int penalty_rate(part_a *a, gl_claims *cl, gl_err *err)
{
    double hr = HRATE, T = hr * (double)NRATE, re = -a->gamma / 2;
    double im = sqrt(FP0 * FP0 - a->gamma * a->gamma / 4);
    gl_dirac_opts op = {.update = GL_DIRAC_SIM, .h = hr, .gamma = a->gamma};
    double x0[2] = {1e-6, 1e-6};
    int s = gl_dirac_run(&op, NULL, x0, NRATE, a->buf, err);
    if (s)
        return s;
    double rate = log(nrm(a->buf + 2 * NRATE) / nrm(x0)) / T;
    double disc = 0.5 * log((1 + hr * re) * (1 + hr * re) + hr * hr * im * im) / hr;
    /* eigenvectors (a, -lambda), |v|^2 = 2 a^2; cosine |a^2 + conj(lambda)^2| / (2 a^2) */
    double cr = FP0 * FP0 + re * re - im * im, ci = -2 * re * im;
    double c = hypot(cr, ci) / (2 * FP0 * FP0), kappa = sqrt((1 + c) / (1 - c));
    double tol_nn = log(kappa) / T;
    gl_claims_add(cl, "penalty_rate_vs_discrete_eig", GL_CLAIM_EQ, disc, rate, tol_nn,
                  "J not normal: ln(kappa)/T, kappa its eigenvectors' cond.");
    gl_claims_add(cl, "penalty_rate_vs_Re_lambda", GL_CLAIM_EQ, re, rate,
                  tol_nn + hr * fabs(re * re - im * im) / 2 + hr * hr,
                  "ln(kappa)/T + h|Re(lambda^2)|/2 + h^2");
    gl_tsv_meta(a->traj, "penalty_rate", "h %g, T %g: measured %.6g, ln|1+h lambda|/h %.6g, Re lambda "
                "%.6g, kappa %.4g", hr, T, rate, disc, re, kappa);
    return GL_OK;
}

/* instance noise: convergence to an O(sqrt h) neighbourhood of 0. The
 * expected dynamics have eigenvalues with real part f''(0) sigma^2 =
 * -sigma^2/4 < 0; the single-sample noise keeps the iterate jittering at a
 * distance ~ sqrt(h). Mean norm over the last quarter, over seeds (the mean
 * accumulated seed by seed, as it always was). */
static int noise_runs(part_a *a, gl_claims *cl, gl_err *err)
{
    double hs[2] = {a->h, a->h / 4}, mnorm[2] = {0, 0};
    for (int q = 0; q < 2; q++) {
        size_t n = (size_t)(TNOISE / hs[q] + 0.5);
        if (n > a->nmax)
            n = a->nmax;
        gl_dirac_opts op = {.update = GL_DIRAC_SIM, .h = hs[q], .sigma = a->sigma};
        for (size_t sd = 0; sd < a->nseed; sd++) {
            gsl_rng_set(a->r, a->seed * 1000 + sd + 1);
            int s = gl_dirac_run(&op, a->r, (double[]){1, 1}, n, a->buf, err);
            if (s)
                return s;
            double m = 0;
            size_t c = 0;
            for (size_t k = 3 * n / 4; k <= n; k++, c++)
                m += nrm(a->buf + 2 * k);
            mnorm[q] += m / (double)c / (double)a->nseed;
        }
    }
    gl_tsv_meta(a->traj, "noise_mean_norm", "last quarter of time 100, %zu seeds: h %g -> %.4g, h %g "
                "-> %.4g", a->nseed, hs[0], mnorm[0], hs[1], mnorm[1]);
    gl_claims_add(cl, "noise_mean_norm_over_start", GL_CLAIM_LE, 0.5, mnorm[0] / START_NORM, 0,
                  "not derived; without noise the norm grows to 3.1");
    /* quartering h halves the jitter; 20 seeds leave ~10 % sampling noise.
     * Checked at the defaults only: at sigma = 0.5 the ratio measured 2.75 */
    if (a->dflt)
        gl_claims_add(cl, "noise_jitter_ratio_h_vs_h/4", GL_CLAIM_EQ, 2, mnorm[0] / mnorm[1], 0.4,
                      "sqrt(h) predicts 2; 0.4 covers 20 seeds' noise and O(h)");
    return gl_tsv_done(a->traj, err); /* its last line: a failed write is sticky */
}

int gl_exp_dynamics(const gl_exp_opts *o, gl_rec *rec, gl_claims *cl, gl_err *err)
{
    part_a a;
    gl_dynamics_gan_cfg g;
    int s = parse(o, &a, &g, err);
    if (s)
        return s;
    a.buf = malloc(2 * (a.nmax + 1) * sizeof *a.buf);
    a.r = gsl_rng_alloc(gsl_rng_mt19937);
    if (!a.buf || !a.r) {
        s = gl_err_set(err, GL_ENOMEM, "out of memory");
        goto done;
    }
    gsl_rng_set(a.r, o->seed);
    /* part A, the Dirac-GAN; then B, the 1-D GANs (dynamics-gan.c); then C,
     * the best response to a frozen D (dynamics-br.c) */
    if ((s = write_field(rec, err)) || (s = gl_rec_open(rec, "traj.tsv", &a.traj, err)) ||
        (s = ref_runs(&a, cl, err)) || (s = sim_growth(&a, cl, err)) ||
        (s = alt_orbit(&a, cl, err)) || (s = penalty_rate(&a, cl, err)) ||
        (s = noise_runs(&a, cl, err)))
        goto done;
    if (!(s = gl_dynamics_gan(o, &g, rec, cl, err)))
        s = gl_dynamics_br(o, rec, cl, err);
done:
    free(a.buf);
    gsl_rng_free(a.r);
    return s;
}
