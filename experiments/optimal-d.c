/* optimal-d — claim: a discriminator trained on p_data (label 1) against a fixed
 * p_g (label 0) converges to D*(x) = p_data/(p_data+p_g), and no discriminator
 * beats it: V(D,G) <= V(D*,G) = -log 4 + 2 JSD(p_data||p_g).
 * setup: 1-D 0.5 N(-2,0.5)+0.5 N(2,0.5) vs N(0,1.5); 2-D ring(8,2,0.2) vs
 * N2(0,0,1.5,1.5); D an MLP trained with Adam on fresh minibatches.
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

typedef struct {
    int dim;
    const char *pdata, *pg;
    gl_mlp_hidden hidden;
    const char *act;
    unsigned long steps, batch;
    double lr;
    /* tolerances, justified in theory/optimal-d.md */
    double tol_l1, tol_max, tol_gap, tol_ident;
} panel;

/* The evaluation grid: n points per axis on [lo, hi] (a box in 2-D). */
typedef struct {
    size_t n, npts;
    double lo[2], hi[2], h[2];
    double *x;      /* npts x dim */
    double *d;      /* D at each point */
    double *lp, *lq; /* log p_data, log p_g at each point: fixed, computed once */
} grid;

typedef struct {
    const gl_exp_opts *o;
    const char *stage;
    gl_mlp *D;
    const gl_mix *P, *G;
    grid *g;
    size_t steps;
    gl_tsv *log;
} hook_ctx;

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

static int hook(void *ctx, size_t step, double loss)
{
    hook_ctx *c = ctx;
    double l1, vd, vs, m;
    grid_eval(c->D, c->g);
    grid_sums(c->P->dim, c->g, &l1, &vd, &vs, &m);
    double row[3] = {(double)step, loss, l1};
    gl_tsv_row(c->log, 3, row);
    if (c->o->progress)
        c->o->progress(c->o->progress_ctx, c->stage, (double)step / (double)c->steps);
    return 0;
}

/* A box holding the mass of both mixtures (means +- k sd, uniforms' edges). */
static void mass_box(const gl_mix *P, const gl_mix *G, int axis, double k, double *lo, double *hi)
{
    *lo = INFINITY;
    *hi = -INFINITY;
    gl_mix_box(P, axis, k, lo, hi);
    gl_mix_box(G, axis, k, lo, hi);
}

static int grid_alloc(grid *g, const gl_mix *P, const gl_mix *G, size_t n)
{
    int dim = P->dim;
    g->n = n;
    g->npts = dim == 1 ? n : n * n;
    g->x = malloc(g->npts * (size_t)(dim + 3) * sizeof *g->x);
    if (!g->x)
        return GL_ENOMEM;
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

static int parse_pair(const panel *pc, gl_mix **P, gl_mix **G, gl_err *err)
{
    int s = gl_mix_parse(pc->pdata, P, err);
    if (s)
        return gl_err_prefix(err, "--pdata");
    s = gl_mix_parse(pc->pg, G, err);
    if (s)
        return gl_err_prefix(err, "--pg");
    if ((*P)->dim != (*G)->dim)
        return gl_err_set(err, GL_EINVAL, "--pdata is %d-D but --pg is %d-D", (*P)->dim, (*G)->dim);
    return GL_OK;
}

static int run_panel(const panel *pc, const gl_exp_opts *o, gl_rec *rec, gl_claims *cl, gl_err *err)
{
    gl_mix *P = NULL, *G = NULL;
    gl_mlp *D = NULL;
    gl_optim *opt = NULL;
    gsl_rng *r = NULL;
    grid g = {0};
    gl_tsv *lg = NULL, *out = NULL;
    int dim = pc->dim, s;
    const char *tag = dim == 1 ? "d1" : "d2";
    char name[64];

    if ((s = parse_pair(pc, &P, &G, err)))
        goto done;
    size_t sizes[GL_MLP_MAXLAYERS + 1];
    sizes[0] = (size_t)dim;
    for (size_t k = 0; k < pc->hidden.n; k++)
        sizes[k + 1] = pc->hidden.v[k];
    sizes[pc->hidden.n + 1] = 1;
    gl_act act;
    if ((s = gl_act_parse(pc->act, &act, err)) ||
        (s = gl_mlp_alloc(&D, pc->hidden.n + 1, sizes, act, 0.2, 2 * pc->batch, err)) ||
        (s = gl_optim_alloc(&opt, GL_OPT_ADAM, D->nparams, pc->lr, err)))
        goto done;
    r = gsl_rng_alloc(gsl_rng_mt19937);
    if (!r || grid_alloc(&g, P, G, dim == 1 ? 801 : 161)) {
        s = gl_err_set(err, GL_ENOMEM, "out of memory");
        goto done;
    }
    gsl_rng_set(r, o->seed * 2 + (unsigned long)dim); /* one stream per panel */
    gl_mlp_init(D, r);

    snprintf(name, sizeof name, "log%s.tsv", dim == 1 ? "" : "2d");
    if ((s = gl_rec_open(rec, name, &lg, err)))
        goto done;
    gl_tsv_meta(lg, "pdata", "%s", pc->pdata);
    gl_tsv_meta(lg, "pg", "%s", pc->pg);
    gl_tsv_meta(lg, "columns", "step, minibatch BCE loss, weighted L1 |D-D*| on the grid");
    gl_tsv_header(lg, 3, (const char *const[]){"step", "loss", "l1_grid"});

    hook_ctx hc = {o, dim == 1 ? "optimal-d 1-D: training D" : "optimal-d 2-D: training D",
                   D, P, G, &g, pc->steps, lg};
    gl_train_d_cfg cfg = gl_train_d_cfg_default();
    cfg.steps = pc->steps;
    cfg.batch = pc->batch;
    cfg.lr = pc->lr;
    cfg.sched.kind = GL_SCHED_LINEAR; /* to 0 */
    cfg.log_every = pc->steps / 20 ? pc->steps / 20 : 1;
    cfg.hook = hook;
    cfg.hook_ctx = &hc;
    double loss;
    if ((s = gl_train_d(D, opt, P, G, r, &cfg, &loss, err)))
        goto done;
    grid_eval(D, &g);

    /* the exact side */
    double V_star, e_star, J, eJ, V_d, e_d, l1, e_l1;
    if ((s = gl_fdiv_value_dstar(P, G, NULL, &V_star, &e_star, err)) ||
        (s = gl_fdiv_eval(gl_fdiv_get(GL_F_JS), P, G, NULL, &J, &eJ, err)))
        goto done;
    double l1g, vdg, vsg, mass, maxerr, mmax;
    size_t at;
    grid_sums(dim, &g, &l1g, &vdg, &vsg, &mass);
    gl_metrics_d_max(P, G, g.x, g.d, g.npts, MFRAC, &maxerr, &at, &mmax);
    if (dim == 1) { /* D's own integrals by quadrature */
        if ((s = gl_fdiv_value_split(P, G, gl_metrics_mlp_logit, gl_metrics_mlp_regime, D, NULL, &V_d,
                                     &e_d, err)) ||
            (s = gl_metrics_d_l1(P, G, gl_metrics_mlp_logit, gl_metrics_mlp_regime, D, NULL, &l1, &e_l1,
                                 err)))
            goto done;
    } else { /* 2-D: on the grid, validated by the grid_* claims below */
        V_d = vdg;
        l1 = l1g;
    }

    snprintf(name, sizeof name, "%s.tsv", tag);
    if ((s = gl_rec_open(rec, name, &out, err)))
        goto done;
    gl_tsv_meta(out, "pdata", "%s", pc->pdata);
    gl_tsv_meta(out, "pg", "%s", pc->pg);
    gl_tsv_meta(out, "training", "%s hidden units, Adam lr %g decayed to 0, %lu steps, batch %lu+%lu",
                pc->act, pc->lr, pc->steps, pc->batch, pc->batch);
    {
        char arch[128];
        int k = snprintf(arch, sizeof arch, "%d", dim);
        for (size_t i = 0; i < pc->hidden.n && k < (int)sizeof arch; i++)
            k += snprintf(arch + k, sizeof arch - k, "-%zu", pc->hidden.v[i]);
        gl_tsv_meta(out, "architecture", "%s-1", arch);
    }
    gl_tsv_meta(out, "V_D", "%.12g", V_d);
    gl_tsv_meta(out, "V_Dstar", "%.12g", V_star);
    gl_tsv_meta(out, "JSD", "%.12g", J);
    gl_tsv_meta(out, "core_region", "(p_data+p_g)/2 >= %g * %.6g", MFRAC, mmax);
    for (int a = 0; a < dim; a++) { /* what the figure shows: means +- 4 sd */
        double lo, hi;
        mass_box(P, G, a, 4.0, &lo, &hi);
        gl_tsv_meta(out, a ? "plot_yrange" : "plot_xrange", "%g %g", lo, hi);
    }
    if (dim == 1)
        gl_tsv_header(out, 5, (const char *const[]){"x", "D", "Dstar", "p_data", "p_g"});
    else
        gl_tsv_header(out, 6, (const char *const[]){"x", "y", "D", "Dstar", "p_data", "p_g"});
    for (size_t i = 0; i < g.npts; i++) {
        const double *x = g.x + i * dim;
        double row[6];
        size_t k = 0;
        for (int a = 0; a < dim; a++)
            row[k++] = x[a];
        row[k++] = g.d[i];
        row[k++] = gl_num_sigmoid(g.lp[i] - g.lq[i]); /* D*, NaN where both vanish */
        row[k++] = exp(g.lp[i]);
        row[k++] = exp(g.lq[i]);
        gl_tsv_row(out, k, row);
        if (dim == 2 && (i + 1) % g.n == 0)
            gl_tsv_scan(out); /* gnuplot scan lines */
    }

    char cn[GL_CLAIM_NAMELEN];
#define CLAIM(suffix, rel, e, m, t) \
    (snprintf(cn, sizeof cn, "%s_%s", tag, suffix), gl_claims_add(cl, cn, rel, e, m, t))
    CLAIM("weighted_L1_err", GL_CLAIM_EQ, 0, l1, pc->tol_l1);
    CLAIM("max_err_core", GL_CLAIM_EQ, 0, maxerr, pc->tol_max);
    CLAIM("V_D-V_Dstar", GL_CLAIM_LE, 0, V_d - V_star, dim == 1 ? 1e-9 : 1e-7);
    CLAIM("V_gap", GL_CLAIM_EQ, 0, V_star - V_d, pc->tol_gap);
    CLAIM("V_Dstar+log4-2JSD", GL_CLAIM_EQ, 0, V_star + log(4.0) - 2 * J, pc->tol_ident);
    if (dim == 2) { /* the grid rule that measured D is checked on D*, exactly known */
        CLAIM("grid_mass", GL_CLAIM_EQ, 1, mass, 1e-6);
        CLAIM("grid_V_Dstar-quad", GL_CLAIM_EQ, 0, vsg - V_star, 1e-6);
    }
#undef CLAIM
done:
    free(g.x);
    gsl_rng_free(r);
    gl_optim_free(opt);
    gl_mlp_free(D);
    gl_mix_free(P);
    gl_mix_free(G);
    return s;
}

int gl_exp_optimal_d(const gl_exp_opts *o, gl_rec *rec, gl_claims *cl, gl_err *err)
{
    panel p1 = {1, "0.5*N(-2,0.5)+0.5*N(2,0.5)", "N(0,1.5)", {2, {32, 32}}, "tanh",
                o->quick ? 3000 : 12000, 256, o->quick ? 0.01 : 0.005, 0.02, 0.1, 0.005, 1e-10};
    panel p2 = {2, "ring(8,2,0.2)", "N2(0,0,1.5,1.5)", {2, {32, 32}}, "tanh",
                o->quick ? 2500 : 12000, 256, o->quick ? 0.01 : 0.005, 0.05, 0.25, 0.02, 1e-7};
    const char *pdata = NULL, *pg = NULL, *act = NULL;
    unsigned long steps = 0, batch = 0;
    double lr = 0;
    gl_mlp_hidden hidden = {0, {0}};
    const gl_argspec specs[] = {
        {.name = "pdata", .type = GL_ARG_STR, .dst = &pdata}, {.name = "pg", .type = GL_ARG_STR, .dst = &pg},
        {.name = "steps", .type = GL_ARG_ULONG, .dst = &steps}, {.name = "batch", .type = GL_ARG_ULONG, .dst = &batch},
        {.name = "lr", .type = GL_ARG_DOUBLE, .dst = &lr}, {.name = "hidden", .type = GL_ARG_FN, .dst = &hidden, .parse = gl_exp_arg_hidden},
        {.name = "act", .type = GL_ARG_STR, .dst = &act},
    };
    int s = gl_args_parse(o->argc, o->argv, specs, sizeof specs / sizeof specs[0], err);
    if (s)
        return s;
    int has_steps = 0, has_batch = 0, has_lr = 0;
    for (int i = 0; i < o->argc; i++) {
        has_steps |= strncmp(o->argv[i], "--steps", 7) == 0;
        has_batch |= strncmp(o->argv[i], "--batch", 7) == 0;
        has_lr |= strncmp(o->argv[i], "--lr", 4) == 0;
    }
    if (has_steps && steps == 0)
        return gl_err_set(err, GL_EINVAL, "--steps must be >= 1");
    if (has_batch && (batch == 0 || batch > 100000))
        return gl_err_set(err, GL_EINVAL, "--batch must be 1..100000");
    if (has_lr && !(lr > 0))
        return gl_err_set(err, GL_EINVAL, "--lr must be > 0, got %g", lr);

    /* --pdata/--pg pick the panel by their dimension; only that panel runs */
    int only = 0;
    if (pdata || pg) {
        gl_mix *m = NULL;
        if ((s = gl_mix_parse(pdata ? pdata : pg, &m, err)))
            return gl_err_prefix(err, pdata ? "--pdata" : "--pg");
        only = m->dim;
        gl_mix_free(m);
    }
    panel *ps[2] = {&p1, &p2};
    for (int k = 0; k < 2; k++) {
        panel *p = ps[k];
        if (only && p->dim != only)
            continue;
        if (pdata)
            p->pdata = pdata;
        if (pg)
            p->pg = pg;
        if (steps)
            p->steps = steps;
        if (batch)
            p->batch = batch;
        if (has_lr)
            p->lr = lr;
        if (hidden.n)
            p->hidden = hidden;
        if (act)
            p->act = act;
    }
    /* validate every panel before training any, so a bad override costs nothing */
    for (int k = 0; k < 2; k++) {
        gl_mix *P = NULL, *G = NULL;
        gl_act a;
        if (only && ps[k]->dim != only)
            continue;
        s = parse_pair(ps[k], &P, &G, err);
        gl_mix_free(P);
        gl_mix_free(G);
        if (!s)
            s = gl_act_parse(ps[k]->act, &a, err);
        if (s)
            return s;
    }
    for (int k = 0; k < 2 && !s; k++)
        if (!only || ps[k]->dim == only)
            s = run_panel(ps[k], o, rec, cl, err);
    return s;
}
