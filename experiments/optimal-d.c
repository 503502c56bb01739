/* optimal-d — claim: a discriminator trained on p_data (label 1) against a fixed
 * p_g (label 0) converges to D*(x) = p_data/(p_data+p_g), and no discriminator
 * beats it: V(D,G) <= V(D*,G) = -log 4 + 2 JSD(p_data||p_g).
 * setup: two panels, one run each of a sweep: d1, 1-D 0.5 N(-2,0.5)+0.5 N(2,0.5)
 * vs N(0,1.5); d2, 2-D ring(8,2,0.2) vs N2(0,0,1.5,1.5); D an MLP trained with
 * Adam on fresh minibatches (gl_train_d), measured on a grid and, in 1-D, by
 * quadrature.
 * theory: theory/optimal-d.md */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_rng.h>

#include "exp.h"
#include "fdiv.h"
#include "metrics.h"
#include "mix.h"
#include "mlp.h"
#include "num.h"
#include "optim.h"
#include "sweep.h"
#include "train.h"

const char gl_exp_optimal_d_overrides[] =
    "  --pdata SPEC   p_data (1-D or 2-D; then only that panel runs)\n"
    "  --pg SPEC      p_g, the same dimension as p_data\n"
    "  --steps N      Adam steps (default 12000; --quick 3000 in 1-D, 2500 in 2-D)\n"
    "  --batch N      samples from each of p_data and p_g per step (default 256)\n"
    "  --lr X         initial learning rate, decayed linearly to 0 (default 0.005;\n"
    "                 --quick 0.01)\n"
    "  --hidden LIST  hidden layer widths (default 32,32)\n"
    "  --act NAME     hidden activation: tanh, sigmoid, relu, leaky (default tanh)\n";

/* Where |D - D*| is measured pointwise: (p+g)/2 >= MFRAC of its maximum. */
#define MFRAC 0.05
#define NLOG 20 /* log.tsv rows: every steps/NLOG steps */

/* The panels: the sweep's configurations, the prefix of their files and claims. */
typedef struct {
    const char *name;    /* NAME.tsv, claims NAME_* */
    const char *log;     /* the training log's file */
    int dim;
    const char *pdata, *pg;
    unsigned long steps, quick_steps;
    size_t ngrid;        /* evaluation grid points per axis */
    /* tolerances, justified in theory/optimal-d.md */
    double tol_l1, tol_max, tol_gap, tol_ident;
    double tol_below;    /* V_D <= V_D* up to the error of V_D's integral */
    /* the same, in a phrase each, for claims.tsv */
    const char *why_l1, *why_max, *why_gap, *why_ident, *why_below;
} panel;

static const panel PANELS[] = {
    {.name = "d1", .log = "log.tsv", .dim = 1, .pdata = "0.5*N(-2,0.5)+0.5*N(2,0.5)",
     .pg = "N(0,1.5)", .steps = 12000, .quick_steps = 3000, .ngrid = 801, .tol_l1 = 0.02,
     .tol_max = 0.1, .tol_gap = 0.005, .tol_ident = 1e-10, .tol_below = 1e-9,
     .why_l1 = "a few times the expected error; D = 1/2 scores 0.28",
     .why_max = "3-5x the L1 tolerance: max of ~50 regions, bulk edge",
     .why_gap = "quadratic in D's error: a typical |D-D*| of ~0.03",
     .why_ident = "two quadratures good to ~1e-12: a factor 100 spare",
     .why_below = "exact inequality; both integrals good to ~1e-12"},
    {.name = "d2", .log = "log2d.tsv", .dim = 2, .pdata = "ring(8,2,0.2)",
     .pg = "N2(0,0,1.5,1.5)", .steps = 12000, .quick_steps = 2500, .ngrid = 161, .tol_l1 = 0.05,
     .tol_max = 0.25, .tol_gap = 0.02, .tol_ident = 1e-7, .tol_below = 1e-7,
     .why_l1 = "1-D's, loosened: samples spread over an area",
     .why_max = "1-D's, loosened: area, and D* steep between modes",
     .why_gap = "1-D's, loosened: area, steep D*, coarser quadrature",
     .why_ident = "the 2-D rule's guaranteed 1e-6 relative, and margin",
     .why_below = "exact inequality; the grid rule (claims 6-7) ~1e-8"},
};
#define NPANELS (sizeof PANELS / sizeof PANELS[0])

/* a panel's training setting, after the overrides */
typedef struct {
    const panel *p;
    const char *pdata, *pg, *act;
    gl_mlp_hidden hidden;
    unsigned long steps, batch;
    double lr;
} setting;

/* the panels that run: the sweep's ctx, names[k] = set[k].p->name */
typedef struct {
    size_t n;
    const char *names[NPANELS];
    setting set[NPANELS];
} plan;

/* The evaluation grid: n points per axis on [lo, hi] (a box in 2-D). */
typedef struct {
    size_t n, npts;
    double lo[2], hi[2], h[2];
    double *x;      /* npts x dim */
    double *d;      /* D at each point */
    double *lp, *lq; /* log p_data, log p_g at each point: fixed, computed once */
} grid;

static void grid_eval(gl_mlp *D, grid *g)
{
    for (size_t i = 0; i < g->npts; i += D->maxbatch) {
        size_t n = g->npts - i < D->maxbatch ? g->npts - i : D->maxbatch;
        double a[n];
        gl_mlp_forward(D, g->x + i * D->sizes[0], n, a);
        for (size_t k = 0; k < n; k++)
            g->d[i + k] = gl_num_sigmoid(a[k]);
    }
}

/* Riemann sums over the grid: weighted L1, V(D) and V(D*), total mass of m.
 * On a box holding all the mass, the rule's error for smooth integrands falls
 * faster than any power of h (it is the trapezoid rule on rapidly decaying
 * functions); the d2_grid_* claims check it against quadrature. */
static void grid_sums(int dim, const grid *g, double *l1, double *vd, double *vstar,
                      double *mass)
{
    double cell = g->h[0] * (dim == 2 ? g->h[1] : 1.0);
    double s_l1 = 0, s_vd = 0, s_vs = 0, s_m = 0;
    for (size_t i = 0; i < g->npts; i++) {
        double lp = g->lp[i], lq = g->lq[i];
        double p = exp(lp), q = exp(lq), d = g->d[i];
        double ds = gl_num_sigmoid(lp - lq), a = log(d) - log1p(-d);
        s_m += 0.5 * (p + q);
        if (p + q > 0)
            s_l1 += 0.5 * (p + q) * fabs(d - ds);
        s_vd += -p * gl_num_softplus(-a) - q * gl_num_softplus(a);
        s_vs += (p > 0 ? -p * gl_num_softplus(-(lp - lq)) : 0) + (q > 0 ? -q * gl_num_softplus(lp - lq) : 0);
    }
    *l1 = s_l1 * cell;
    *vd = s_vd * cell;
    *vstar = s_vs * cell;
    *mass = s_m * cell;
}

/* A box holding the mass of both mixtures (means +- k sd, uniforms' edges). */
static void mass_box(const gl_mix *P, const gl_mix *G, int axis, double k, double *lo, double *hi)
{
    *lo = INFINITY;
    *hi = -INFINITY;
    gl_mix_box(P, axis, k, lo, hi);
    gl_mix_box(G, axis, k, lo, hi);
}

static int grid_alloc(grid *g, const gl_mix *P, const gl_mix *G, size_t n, gl_err *err)
{
    int dim = P->dim;
    g->n = n;
    g->npts = dim == 1 ? n : n * n;
    g->x = malloc(g->npts * (size_t)(dim + 3) * sizeof *g->x);
    if (!g->x)
        return gl_err_set(err, GL_ENOMEM, "out of memory");
    g->d = g->x + g->npts * dim;
    g->lp = g->d + g->npts;
    g->lq = g->lp + g->npts;
    for (int a = 0; a < dim; a++) {
        mass_box(P, G, a, 6.0, &g->lo[a], &g->hi[a]);
        g->h[a] = (g->hi[a] - g->lo[a]) / (double)(n - 1);
    }
    for (size_t i = 0; i < g->npts; i++) {
        size_t ix = dim == 1 ? i : i / n, iy = i % n;
        g->x[i * dim] = g->lo[0] + g->h[0] * (double)ix;
        if (dim == 2)
            g->x[i * dim + 1] = g->lo[1] + g->h[1] * (double)iy;
        g->lp[i] = gl_mix_logpdf(P, g->x + i * dim);
        g->lq[i] = gl_mix_logpdf(G, g->x + i * dim);
    }
    return GL_OK;
}

static int parse_pair(const setting *st, gl_mix **P, gl_mix **G, gl_err *err)
{
    int s = gl_mix_parse(st->pdata, P, err);
    if (s)
        return gl_err_prefix(err, "--pdata");
    s = gl_mix_parse(st->pg, G, err);
    if (s)
        return gl_err_prefix(err, "--pg");
    if ((*P)->dim != (*G)->dim)
        return gl_err_set(err, GL_EINVAL, "--pdata is %d-D but --pg is %d-D", (*P)->dim, (*G)->dim);
    return GL_OK;
}

/* ---- one panel: a run of the sweep ---- */

/* the training log: row i after (i + 1) every steps */
typedef struct {
    gl_mlp *D;
    grid *g;
    int dim;
    size_t every, nlog;
    double *step, *loss, *l1;
} watch;

static int hook(void *ctx, size_t step, double loss)
{
    watch *w = ctx;
    double l1, vd, vs, m;
    size_t i = step / w->every - 1;
    grid_eval(w->D, w->g);
    grid_sums(w->dim, w->g, &l1, &vd, &vs, &m);
    if (i < w->nlog) {
        w->step[i] = (double)step;
        w->loss[i] = loss;
        w->l1[i] = l1;
    }
    return 0;
}

/* Trains D (Adam, lr decayed linearly to 0) from the panel's stream, seed*2 +
 * dim, logging every steps/NLOG steps; leaves D's values on the grid. */
static int train(gl_run *run, const setting *st, const gl_mix *P, const gl_mix *G, gl_mlp *D,
                 grid *g, gl_err *err)
{
    int dim = st->p->dim, s;
    gl_optim *opt = NULL;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    watch w = {.D = D, .g = g, .dim = dim, .every = st->steps / NLOG ? st->steps / NLOG : 1};
    w.nlog = st->steps / w.every;
    if (!r) {
        s = gl_err_set(err, GL_ENOMEM, "out of memory");
        goto done;
    }
    if (!(w.step = gl_run_array(run, "log_step", w.nlog, err)) ||
        !(w.loss = gl_run_array(run, "log_loss", w.nlog, err)) ||
        !(w.l1 = gl_run_array(run, "log_l1", w.nlog, err))) {
        s = err ? err->status : GL_ENOMEM;
        goto done;
    }
    if ((s = gl_optim_alloc(&opt, GL_OPT_ADAM, D->nparams, st->lr, err)))
        goto done;
    gsl_rng_set(r, gl_run_seed(run) * 2 + (unsigned long)dim); /* one stream per panel */
    gl_mlp_init(D, r);
    gl_train_d_cfg cfg = gl_train_d_cfg_default();
    cfg.steps = st->steps;
    cfg.batch = st->batch;
    cfg.lr = st->lr;
    cfg.sched.kind = GL_SCHED_LINEAR; /* to 0 */
    cfg.log_every = w.every;
    cfg.hook = hook;
    cfg.hook_ctx = &w;
    double loss;
    if (!(s = gl_train_d(D, opt, P, G, r, &cfg, &loss, err)))
        grid_eval(D, g);
done:
    gl_optim_free(opt);
    gsl_rng_free(r);
    return s;
}

/* The exact side and the trained D's: V(D*), JSD; on the grid V(D), the L1
 * error, V(D*) and the mass (the rule's check), the largest pointwise error on
 * the core; in 1-D V(D) and the L1 error by quadrature instead. */
static int measure(gl_run *run, int dim, const gl_mix *P, const gl_mix *G, gl_mlp *D,
                   const grid *g, gl_err *err)
{
    double V_star, e_star, J, eJ, V_d, e_d, l1, e_l1;
    int s;
    if ((s = gl_fdiv_value_dstar(P, G, NULL, &V_star, &e_star, err)) ||
        (s = gl_fdiv_eval(gl_fdiv_get(GL_F_JS), P, G, NULL, &J, &eJ, err)))
        return s;
    double l1g, vdg, vsg, mass, maxerr, mmax;
    size_t at;
    grid_sums(dim, g, &l1g, &vdg, &vsg, &mass);
    gl_metrics_d_max(P, G, g->x, g->d, g->npts, MFRAC, &maxerr, &at, &mmax);
    if (dim == 1) { /* D's own integrals by quadrature */
        if ((s = gl_fdiv_value_split(P, G, gl_metrics_mlp_logit, gl_metrics_mlp_regime, D, NULL, &V_d,
                                     &e_d, err)) ||
            (s = gl_metrics_d_l1(P, G, gl_metrics_mlp_logit, gl_metrics_mlp_regime, D, NULL, &l1, &e_l1,
                                 err)))
            return s;
    } else { /* 2-D: on the grid, validated by the grid_* claims */
        V_d = vdg;
        l1 = l1g;
    }
    double *dv = gl_run_array(run, "D", g->npts, err);
    if (!dv)
        return err ? err->status : GL_ENOMEM;
    memcpy(dv, g->d, g->npts * sizeof *dv);
    if ((s = gl_run_put(run, "V_D", V_d, err)) || (s = gl_run_put(run, "V_Dstar", V_star, err)) ||
        (s = gl_run_put(run, "JSD", J, err)) || (s = gl_run_put(run, "l1", l1, err)) ||
        (s = gl_run_put(run, "max_err", maxerr, err)) || (s = gl_run_put(run, "m_max", mmax, err)) ||
        (s = gl_run_put(run, "grid_mass", mass, err)) ||
        (s = gl_run_put(run, "grid_V_Dstar", vsg, err)))
        return s;
    return GL_OK;
}

static int one_panel(gl_run *run, const void *ctx, gl_err *err)
{
    const setting *st = &((const plan *)ctx)->set[gl_run_config(run)];
    int dim = st->p->dim, s;
    gl_mix *P = NULL, *G = NULL;
    gl_mlp *D = NULL;
    grid g = {0};
    gl_act act;
    if (!(s = parse_pair(st, &P, &G, err)) && !(s = gl_act_parse(st->act, &act, err)) &&
        !(s = gl_mlp_alloc_hidden(&D, (size_t)dim, &st->hidden, 1, act, 0.2, 2 * st->batch, err)) &&
        !(s = grid_alloc(&g, P, G, st->p->ngrid, err)) && !(s = train(run, st, P, G, D, &g, err)))
        s = measure(run, dim, P, G, D, &g, err);
    free(g.x);
    gl_mlp_free(D);
    gl_mix_free(P);
    gl_mix_free(G);
    return s;
}

/* ---- the files and the claims, from the sweep's results ---- */

static int write_log(const gl_sweep *sw, const setting *st, gl_rec *rec, gl_err *err)
{
    const char *name = st->p->name;
    size_t n, n1, n2;
    const double *step = gl_sweep_array(sw, name, 0, "log_step", &n),
                 *loss = gl_sweep_array(sw, name, 0, "log_loss", &n1),
                 *l1 = gl_sweep_array(sw, name, 0, "log_l1", &n2);
    gl_tsv *t;
    int s = gl_rec_open(rec, st->p->log, &t, err);
    if (s)
        return s;
    gl_tsv_meta(t, "pdata", "%s", st->pdata);
    gl_tsv_meta(t, "pg", "%s", st->pg);
    gl_tsv_meta(t, "columns", "step, minibatch BCE loss, weighted L1 |D-D*| on the grid");
    gl_tsv_header(t, 3, (const char *const[]){"step", "loss", "l1_grid"});
    for (size_t i = 0; i < n && i < n1 && i < n2; i++)
        s = gl_tsv_row(t, 3, (double[]){step[i], loss[i], l1[i]});
    return s;
}

/* NAME.tsv: D, D*, p_data, p_g on the panel's grid (scan lines in 2-D) */
static int write_grid(const gl_sweep *sw, const setting *st, gl_rec *rec, gl_err *err)
{
    const panel *p = st->p;
    int dim = p->dim, s;
    gl_mix *P = NULL, *G = NULL;
    grid g = {0};
    gl_tsv *t;
    char fname[64], arch[128];
    size_t nd;
    const double *D = gl_sweep_array(sw, p->name, 0, "D", &nd);
    snprintf(fname, sizeof fname, "%s.tsv", p->name);
    if ((s = parse_pair(st, &P, &G, err)) || (s = grid_alloc(&g, P, G, p->ngrid, err)) ||
        (s = gl_rec_open(rec, fname, &t, err)))
        goto done;
    gl_tsv_meta(t, "pdata", "%s", st->pdata);
    gl_tsv_meta(t, "pg", "%s", st->pg);
    gl_tsv_meta(t, "training", "%s hidden units, Adam lr %g decayed to 0, %lu steps, batch %lu+%lu",
                st->act, st->lr, st->steps, st->batch, st->batch);
    gl_mlp_hidden_text((size_t)dim, &st->hidden, 1, arch, sizeof arch);
    gl_tsv_meta(t, "architecture", "%s", arch);
    gl_tsv_meta(t, "V_D", "%.12g", gl_sweep_value(sw, p->name, 0, "V_D"));
    gl_tsv_meta(t, "V_Dstar", "%.12g", gl_sweep_value(sw, p->name, 0, "V_Dstar"));
    gl_tsv_meta(t, "JSD", "%.12g", gl_sweep_value(sw, p->name, 0, "JSD"));
    gl_tsv_meta(t, "core_region", "(p_data+p_g)/2 >= %g * %.6g", MFRAC,
                gl_sweep_value(sw, p->name, 0, "m_max"));
    for (int a = 0; a < dim; a++) { /* what the figure shows: means +- 4 sd */
        double lo, hi;
        mass_box(P, G, a, 4.0, &lo, &hi);
        gl_tsv_meta(t, a ? "plot_yrange" : "plot_xrange", "%g %g", lo, hi);
    }
    if (dim == 1)
        gl_tsv_header(t, 5, (const char *const[]){"x", "D", "Dstar", "p_data", "p_g"});
    else
        gl_tsv_header(t, 6, (const char *const[]){"x", "y", "D", "Dstar", "p_data", "p_g"});
    for (size_t i = 0; i < g.npts && i < nd; i++) {
        double row[6];
        size_t k = 0;
        for (int a = 0; a < dim; a++)
            row[k++] = g.x[i * dim + a];
        row[k++] = D[i];
        row[k++] = gl_num_sigmoid(g.lp[i] - g.lq[i]); /* D*, NaN where both vanish */
        row[k++] = exp(g.lp[i]);
        row[k++] = exp(g.lq[i]);
        s = gl_tsv_row(t, k, row);
        if (dim == 2 && (i + 1) % g.n == 0)
            s = gl_tsv_scan(t); /* gnuplot scan lines */
    }
done:
    free(g.x);
    gl_mix_free(P);
    gl_mix_free(G);
    return s;
}

static void claim(gl_claims *cl, const panel *p, const char *what, gl_claim_rel rel, double e,
                  double m, double tol, const char *why)
{
    char cn[GL_CLAIM_NAMELEN];
    snprintf(cn, sizeof cn, "%s_%s", p->name, what);
    gl_claims_add(cl, cn, rel, e, m, tol, why);
}

static void claims(const gl_sweep *sw, const panel *p, gl_claims *cl)
{
#define GET(key) gl_sweep_value(sw, p->name, 0, key)
    double V_d = GET("V_D"), V_star = GET("V_Dstar");
    claim(cl, p, "weighted_L1_err", GL_CLAIM_EQ, 0, GET("l1"), p->tol_l1, p->why_l1);
    claim(cl, p, "max_err_core", GL_CLAIM_EQ, 0, GET("max_err"), p->tol_max, p->why_max);
    claim(cl, p, "V_D-V_Dstar", GL_CLAIM_LE, 0, V_d - V_star, p->tol_below, p->why_below);
    claim(cl, p, "V_gap", GL_CLAIM_EQ, 0, V_star - V_d, p->tol_gap, p->why_gap);
    claim(cl, p, "V_Dstar+log4-2JSD", GL_CLAIM_EQ, 0, V_star + log(4.0) - 2 * GET("JSD"),
          p->tol_ident, p->why_ident);
    if (p->dim == 2) { /* the grid rule that measured D is checked on D*, exactly known */
        claim(cl, p, "grid_mass", GL_CLAIM_EQ, 1, GET("grid_mass"), 1e-6,
              "not argued: 1e-6, as for the grid's V");
        claim(cl, p, "grid_V_Dstar-quad", GL_CLAIM_EQ, 0, GET("grid_V_Dstar") - V_star, 1e-6,
              "the 2-D quadrature's guaranteed 1e-6 relative");
    }
#undef GET
}

/* ---- the overrides ---- */

/* The panels to run with the overrides applied, each checked (mixtures,
 * activation) before any trains, so that a bad override costs nothing.
 * --pdata/--pg pick the panel by their dimension; only that panel runs. */
static int make_plan(const gl_exp_opts *o, plan *pl, gl_err *err)
{
    setting ov = {.act = NULL};
    int has_steps = 0, has_batch = 0, has_lr = 0;
    const gl_argspec specs[] = {
        {.name = "pdata", .type = GL_ARG_STR, .dst = &ov.pdata},
        {.name = "pg", .type = GL_ARG_STR, .dst = &ov.pg},
        {.name = "steps", .type = GL_ARG_ULONG, .dst = &ov.steps, .min = 1, .max = 1e8,
         .seen = &has_steps},
        {.name = "batch", .type = GL_ARG_ULONG, .dst = &ov.batch, .min = 1, .max = 100000,
         .seen = &has_batch},
        {.name = "lr", .type = GL_ARG_DOUBLE, .dst = &ov.lr, .min = 0, .max = INFINITY,
         .open_min = 1, .seen = &has_lr},
        {.name = "hidden", .type = GL_ARG_FN, .dst = &ov.hidden, .parse = gl_exp_arg_hidden},
        {.name = "act", .type = GL_ARG_STR, .dst = &ov.act},
    };
    int s = gl_args_parse(o->argc, o->argv, specs, sizeof specs / sizeof specs[0], err), only = 0;
    if (s)
        return s;
    if (ov.pdata || ov.pg) {
        gl_mix *m = NULL;
        if ((s = gl_mix_parse(ov.pdata ? ov.pdata : ov.pg, &m, err)))
            return gl_err_prefix(err, ov.pdata ? "--pdata" : "--pg");
        only = m->dim;
        gl_mix_free(m);
    }
    pl->n = 0;
    for (size_t k = 0; k < NPANELS; k++) {
        const panel *p = &PANELS[k];
        if (only && p->dim != only)
            continue;
        setting *st = &pl->set[pl->n];
        *st = (setting){.p = p, .pdata = ov.pdata ? ov.pdata : p->pdata, .pg = ov.pg ? ov.pg : p->pg,
                        .act = ov.act ? ov.act : "tanh",
                        .hidden = ov.hidden.n ? ov.hidden : (gl_mlp_hidden){.n = 2, .v = {32, 32}},
                        .steps = has_steps ? ov.steps : o->quick ? p->quick_steps : p->steps,
                        .batch = has_batch ? ov.batch : 256,
                        .lr = has_lr ? ov.lr : o->quick ? 0.01 : 0.005};
        pl->names[pl->n++] = p->name;
        gl_mix *P = NULL, *G = NULL;
        s = parse_pair(st, &P, &G, err);
        gl_mix_free(P);
        gl_mix_free(G);
        if (s || (s = gl_act_parse(st->act, NULL, err)))
            return s;
    }
    return GL_OK;
}

int gl_exp_optimal_d(const gl_exp_opts *o, gl_rec *rec, gl_claims *cl, gl_err *err)
{
    plan pl;
    int s = make_plan(o, &pl, err);
    if (s)
        return s;
    gl_sweep_cfg c = gl_exp_sweep_cfg(o, "optimal-d: training D");
    c.nconfigs = pl.n;
    c.names = pl.names;
    c.nseeds = 1;
    c.run = one_panel;
    c.ctx = &pl;
    gl_sweep *sw;
    if ((s = gl_sweep_run(&sw, &c, err)))
        return s;
    for (size_t k = 0; k < pl.n && !s; k++)
        if (!(s = write_log(sw, &pl.set[k], rec, err)) && !(s = write_grid(sw, &pl.set[k], rec, err)))
            claims(sw, pl.set[k].p, cl);
    gl_sweep_free(sw);
    return s;
}
