/* cmd_train.c — `ganlab train` (Algorithm 1 on a mixture, logged against the
 * exact JSD) and `ganlab sample` (draws from a saved generator). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "cli.h"
#include "exp.h"
#include "gen.h"
#include "loss.h"
#include "metrics.h"
#include "mix.h"
#include "mlp.h"
#include "model.h"
#include "num.h"
#include "optim.h"
#include "rec.h"
#include "rig.h"
#include "train.h"

static const char train_usage[] =
    "usage: ganlab train --data SPEC [options]\n"
    "\n"
    "Trains a GAN on samples of the mixture SPEC (Algorithm 1 of Goodfellow et al.\n"
    "2014: k D-steps, then one G-step, Adam(lr, betas 0.5/0.999) for both nets) and\n"
    "writes DIR/log.tsv, one row every N steps and one at the last step:\n"
    "  step loss_d loss_g V D_real D_fake acc jsd jsd_abserr jsd_est\n"
    "where V = mean log D(real) + mean log(1-D(fake)) on the step's minibatch (= -loss_d;\n"
    "nan for ls), jsd is the EXACT JSD(p_data||p_g) by quadrature of the generator's\n"
    "pushforward density (1-D data with zdim 1; otherwise nan) and jsd_est a histogram\n"
    "ESTIMATE of it from 4000 samples of each (any dimension). 1-D runs also write\n"
    "DIR/pg.tsv: x p_g p_data D Dstar on a grid over the data's mass. docs/train.md\n"
    "describes every column. A progress line is shown on stderr when it is a terminal.\n"
    "If training diverges (NaN/inf), the rows so far are kept, the message is printed\n"
    "and the exit status is 2. On success one summary line goes to stdout.\n"
    "\n"
    "  --data SPEC         the data distribution, 1-D or 2-D (docs/spec.md)\n"
    "  --loss NAME         ns (default), minimax or ls\n"
    "  --k N               D-steps per G-step (default 1)\n"
    "  --update alt|sim    alternating (default) or simultaneous (needs k 1)\n"
    "  --r1 GAMMA          R1 gradient penalty (GAMMA/2) E_data |grad_x logit|^2 on D\n"
    "                      (Mescheder et al. 2018; default 0, none)\n"
    "  --steps N           G-steps (default 5000)\n"
    "  --batch N           samples from p_data and from p_g per step (default 128)\n"
    "  --lr X              Adam learning rate of both nets (default 1e-3)\n"
    "  --g 16,16           generator hidden layer sizes (default 16,16)\n"
    "  --d 32,32           discriminator hidden layer sizes (default 32,32)\n"
    "  --act G[,D]         hidden activations of G and D (default tanh,leaky; one name\n"
    "                      sets both): linear tanh sigmoid relu leaky\n"
    "  --leak X            slope of leaky for x < 0 (default 0.2)\n"
    "  --zdim N            noise dimension (default: the data's dimension)\n"
    "  --noise NAME        normal (default, N(0,I)) or uniform (U(-1,1)^zdim)\n"
    "  --seed N            random seed (default 1); the same seed gives identical files\n"
    "  --out DIR           output directory (default out/train)\n"
    "  --log-every N       log every N steps (default 100)\n"
    "  --save FILE         store the trained G and D (format: docs/train.md)\n";

static const char sample_usage[] =
    "usage: ganlab sample --model FILE -n N [--seed S]\n"
    "\n"
    "Prints N samples G(z), z ~ p_z, of the generator saved by 'ganlab train --save',\n"
    "one per line, %.17g; 2-D samples as two tab-separated columns.\n"
    "\n"
    "  --model FILE   a model file (docs/train.md)\n"
    "  -n N, --n N    number of samples, >= 1\n"
    "  --seed S       random seed (default 1)\n";

/* ---- option values ---- */

static int need(const char *cmd, const char *opt, const char *v)
{
    return v ? 0 : cli_fail(cmd, "option --%s needs a value", opt);
}

static int take_size(const char *cmd, const char *opt, const char *v, size_t min, size_t *out)
{
    if (need(cmd, opt, v))
        return 2;
    char *end;
    errno = 0;
    unsigned long long x = (*v >= '0' && *v <= '9') ? strtoull(v, &end, 10) : 0;
    if (!(*v >= '0' && *v <= '9') || *end || errno == ERANGE || x < min || x > (size_t)-1 / 4)
        return cli_fail(cmd, "--%s: expected an integer >= %zu, got \"%s\"", opt, min, v);
    *out = (size_t)x;
    return 0;
}

static int take_ulong(const char *cmd, const char *opt, const char *v, unsigned long *out)
{
    size_t x;
    if (take_size(cmd, opt, v, 0, &x))
        return 2;
    if (x > (unsigned long)-1)
        return cli_fail(cmd, "--%s: %s is too large", opt, v);
    *out = (unsigned long)x;
    return 0;
}

/* a finite number > 0, or >= 0 with zero_ok */
static int take_num(const char *cmd, const char *opt, const char *v, int zero_ok, double *out)
{
    if (need(cmd, opt, v))
        return 2;
    char *end;
    errno = 0;
    double x = strtod(v, &end);
    if (end == v || *end || errno == ERANGE || !isfinite(x) || !(x > 0 || (zero_ok && x == 0)))
        return cli_fail(cmd, "--%s: expected a finite number %s 0, got \"%s\"", opt,
                        zero_ok ? ">=" : ">", v);
    *out = x;
    return 0;
}

static int take_pos(const char *cmd, const char *opt, const char *v, double *out)
{
    return take_num(cmd, opt, v, 0, out);
}

static int take_layers(const char *cmd, const char *opt, const char *v, gl_mlp_hidden *out)
{
    gl_err err;
    if (need(cmd, opt, v))
        return 2;
    if (gl_mlp_hidden_parse(v, out, &err))
        return cli_fail(cmd, "--%s: %s", opt, err.msg);
    if (out->n + 1 > GL_MLP_MAXLAYERS)
        return cli_fail(cmd, "--%s: at most %d hidden layers, got %zu", opt, GL_MLP_MAXLAYERS - 1,
                        out->n);
    return 0;
}

/* "tanh" or "tanh,leaky" */
static int take_acts(const char *cmd, const char *v, gl_act *ga, gl_act *da)
{
    gl_err err;
    char buf[64];
    if (need(cmd, "act", v))
        return 2;
    if (strlen(v) >= sizeof buf)
        return cli_fail(cmd, "--act: \"%s\" is too long (expected G[,D])", v);
    strcpy(buf, v);
    char *comma = strchr(buf, ',');
    if (comma)
        *comma = '\0';
    if (gl_act_parse(buf, ga, &err) || (comma && gl_act_parse(comma + 1, da, &err)))
        return cli_fail(cmd, "--act: %s", err.msg);
    if (!comma)
        *da = *ga;
    return 0;
}

static void sizes_text(char *buf, size_t n, const gl_mlp *net)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t l = 0; l <= net->nlayers && used < n; l++)
        used += (size_t)snprintf(buf + used, n - used, "%s%zu", l ? "-" : "", net->sizes[l]);
}

/* ---- train ---- */

typedef struct {
    gl_tsv *log;
    const gl_mix *P;
    gl_pushforward *pf;   /* non-NULL when the exact p_g exists (1-D, zdim 1) */
    gl_loss_kind loss;
    size_t steps;
    int tty;
    size_t logged;        /* last step written */
    double last_jsd;      /* its jsd */
    size_t jsd_failed;    /* logged steps whose exact JSD could not be computed */
    size_t jsd_step;      /* the first of them */
    char jsd_msg[GL_ERRLEN];
    int write_failed;
    /* the histogram estimate of the JSD, from its own random stream */
    gl_mlp *G;
    gl_noise noise;
    size_t zdim;
    gsl_rng *er;
    double *xa, *xb, *z; /* EST_N data and generator samples, EST_N noise vectors */
    double lo[2], hi[2];
} train_ctx;

/* The histogram estimate: EST_N samples of each, EST_BINS cells per axis
 * (1-D: EST_BINS_1D) over the data's mass (means +- 4 sd). */
enum { EST_N = 4000, EST_BINS_1D = 100, EST_BINS_2D = 40 };

static double jsd_estimate(train_ctx *c)
{
    int dim = c->P->dim;
    size_t out = (size_t)dim;
    gl_mix_sample(c->P, c->er, EST_N, c->xa);
    gl_noise_sample(c->noise, c->er, EST_N * c->zdim, c->z);
    for (size_t i = 0; i < EST_N; i += c->G->maxbatch) {
        size_t n = EST_N - i < c->G->maxbatch ? EST_N - i : c->G->maxbatch;
        gl_mlp_forward(c->G, c->z + i * c->zdim, n, c->xb + i * out);
    }
    double j;
    if (gl_metrics_jsd_hist(c->xa, c->xb, EST_N, dim, c->lo, c->hi,
                            dim == 1 ? EST_BINS_1D : EST_BINS_2D, &j, NULL))
        return NAN;
    return j;
}

static int log_row(train_ctx *c, const gl_gan_stats *s)
{
    double jsd = NAN, ae = NAN;
    if (c->pf) {
        gl_err e;
        gl_err_clear(&e);
        if (gl_pushforward_update(c->pf, &e) || gl_metrics_jsd_pf(c->P, c->pf, NULL, &jsd, &ae, &e)) {
            jsd = ae = NAN;
            if (c->jsd_failed++ == 0) {
                c->jsd_step = s->step;
                memcpy(c->jsd_msg, e.msg, sizeof c->jsd_msg);
            }
        }
    }
    double V = c->loss == GL_LOSS_LS ? NAN : -s->loss_d;
    double row[] = {(double)s->step, s->loss_d, s->loss_g, V, s->D_real, s->D_fake, s->acc, jsd, ae,
                    jsd_estimate(c)};
    c->logged = s->step;
    c->last_jsd = jsd;
    if (gl_tsv_row(c->log, sizeof row / sizeof row[0], row)) {
        c->write_failed = 1;
        return 1;
    }
    if (c->tty) {
        fprintf(stderr, "\r  train: step %zu/%zu  loss_d %.4f  loss_g %.4f  jsd %.4g\033[K",
                s->step, c->steps, s->loss_d, s->loss_g, jsd);
        fflush(stderr);
    }
    return 0;
}

static int hook(void *ctx, const gl_gan_stats *s)
{
    return log_row(ctx, s);
}

static double d_value(gl_mlp *D, gl_loss_kind loss, double x)
{
    double a = gl_metrics_mlp_logit(&x, D);
    return loss == GL_LOSS_LS ? a : gl_num_sigmoid(a);
}

/* x p_g p_data D Dstar on 401 points over the data's mass: every Gaussian's
 * mu +- 4 sd, every uniform's [a, b]. */
static int write_pg(gl_rec *rec, const gl_mix *P, gl_pushforward *pf, gl_mlp *D,
                    gl_loss_kind loss, gl_err *err)
{
    enum { NX = 401 };
    double lo = INFINITY, hi = -INFINITY;
    gl_mix_box(P, 0, 4.0, &lo, &hi);
    gl_tsv *t;
    int s = gl_rec_open(rec, "pg.tsv", &t, err);
    if (s)
        return s;
    gl_tsv_meta(t, "grid", "%d points on [%.10g, %.10g]: the data's mass (mu +- 4 sd, uniforms' "
                "supports)", NX, lo, hi);
    gl_tsv_meta(t, "p_g", "exact density of the trained generator (pushforward of p_z, gen.h)");
    gl_tsv_meta(t, "D", "%s", loss == GL_LOSS_LS ? "the trained discriminator's raw score (ls: "
                "not a probability)" : "the trained discriminator, sigmoid of its logit");
    gl_tsv_meta(t, "Dstar", "p_data/(p_data+p_g), the optimal D for the trained G (nan where "
                "both are 0)");
    static const char *const cols[] = {"x", "p_g", "p_data", "D", "Dstar"};
    if ((s = gl_tsv_header(t, 5, cols)))
        return gl_err_set(err, s, "cannot write pg.tsv");
    for (int i = 0; i < NX; i++) {
        double x = lo + (hi - lo) * i / (NX - 1);
        double lp = gl_mix_logpdf(P, &x), lg = gl_pushforward_logpdf(pf, x);
        double dstar = lp == -INFINITY && lg == -INFINITY ? NAN : gl_num_sigmoid(lp - lg);
        double row[] = {x, exp(lg), exp(lp), d_value(D, loss, x), dstar};
        if ((s = gl_tsv_row(t, 5, row)))
            return gl_err_set(err, s, "cannot write pg.tsv");
    }
    return GL_OK;
}

int cmd_train(int argc, char **argv)
{
    const char *spec = NULL, *outdir = "out/train", *save = NULL;
    gl_loss_kind loss = GL_LOSS_NS;
    gl_update update = GL_UPDATE_ALT;
    gl_noise noise = GL_NOISE_NORMAL;
    gl_act gact = GL_ACT_TANH, dact = GL_ACT_LEAKY;
    gl_mlp_hidden gh = {2, {16, 16}}, dh = {2, {32, 32}};
    size_t k = 1, steps = 5000, batch = 128, zdim = 0, log_every = 100;
    double lr = 1e-3, leak = 0.2, r1 = 0;
    unsigned long seed = 1;
    int rc = 0;
    gl_err err;
    gl_err_clear(&err);
    for (int i = 0; i < argc && !rc; i++) {
        const char *v;
        if (cli_is_help(argv[i])) {
            fputs(train_usage, stdout);
            return 0;
        } else if (cli_opt(argc, argv, &i, "data", &v)) {
            rc = need("train", "data", v);
            spec = v;
        } else if (cli_opt(argc, argv, &i, "loss", &v)) {
            if (!(rc = need("train", "loss", v)) && gl_loss_parse(v, &loss, &err))
                rc = cli_fail("train", "--loss: unknown loss \"%s\" (ns, minimax, ls)", v);
        } else if (cli_opt(argc, argv, &i, "update", &v)) {
            if (!(rc = need("train", "update", v))) {
                if (strcmp(v, "alt") == 0)
                    update = GL_UPDATE_ALT;
                else if (strcmp(v, "sim") == 0)
                    update = GL_UPDATE_SIM;
                else
                    rc = cli_fail("train", "--update: unknown update \"%s\" (alt, sim)", v);
            }
        } else if (cli_opt(argc, argv, &i, "noise", &v)) {
            if (!(rc = need("train", "noise", v)) && gl_noise_parse(v, &noise, &err))
                rc = cli_fail("train", "--noise: %s", err.msg);
        } else if (cli_opt(argc, argv, &i, "k", &v)) {
            rc = take_size("train", "k", v, 1, &k);
        } else if (cli_opt(argc, argv, &i, "steps", &v)) {
            rc = take_size("train", "steps", v, 1, &steps);
        } else if (cli_opt(argc, argv, &i, "batch", &v)) {
            rc = take_size("train", "batch", v, 1, &batch);
        } else if (cli_opt(argc, argv, &i, "zdim", &v)) {
            rc = take_size("train", "zdim", v, 1, &zdim);
        } else if (cli_opt(argc, argv, &i, "log-every", &v)) {
            rc = take_size("train", "log-every", v, 1, &log_every);
        } else if (cli_opt(argc, argv, &i, "seed", &v)) {
            rc = take_ulong("train", "seed", v, &seed);
        } else if (cli_opt(argc, argv, &i, "lr", &v)) {
            rc = take_pos("train", "lr", v, &lr);
        } else if (cli_opt(argc, argv, &i, "r1", &v)) {
            rc = take_num("train", "r1", v, 1, &r1);
        } else if (cli_opt(argc, argv, &i, "leak", &v)) {
            rc = take_pos("train", "leak", v, &leak);
        } else if (cli_opt(argc, argv, &i, "g", &v)) {
            rc = take_layers("train", "g", v, &gh);
        } else if (cli_opt(argc, argv, &i, "d", &v)) {
            rc = take_layers("train", "d", v, &dh);
        } else if (cli_opt(argc, argv, &i, "act", &v)) {
            rc = take_acts("train", v, &gact, &dact);
        } else if (cli_opt(argc, argv, &i, "out", &v)) {
            if (!v || !*v)
                rc = cli_fail("train", "option --out needs a directory");
            outdir = v;
        } else if (cli_opt(argc, argv, &i, "save", &v)) {
            if (!v || !*v)
                rc = cli_fail("train", "option --save needs a file name");
            save = v;
        } else {
            rc = cli_fail("train", "unknown option \"%s\" (try 'ganlab train --help')", argv[i]);
        }
    }
    if (rc)
        return rc;
    if (!spec)
        return cli_fail("train", "--data SPEC is required (try 'ganlab train --help')");
    if (strpbrk(spec, "\r\n"))
        return cli_fail("train", "--data: the spec must be on one line");
    if (update == GL_UPDATE_SIM && k != 1)
        return cli_fail("train", "--update sim needs --k 1, got --k %zu", k);
    if (batch > ((size_t)1 << 24))
        return cli_fail("train", "--batch: at most %zu, got %zu", (size_t)1 << 24, batch);

    gl_mix *P = NULL;
    if (gl_mix_parse(spec, &P, &err))
        return cli_fail("train", "--data: %s", err.msg);
    size_t dim = (size_t)P->dim;
    if (zdim == 0)
        zdim = dim;
    int exact = dim == 1 && zdim == 1; /* the exact p_g needs a 1-D generator */


    gl_rig rg = {0};
    gl_pushforward *pf = NULL;
    gl_rec *rec = NULL;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    train_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    gl_gan_cfg cfg = gl_gan_cfg_default();
    cfg.steps = steps;
    cfg.batch = batch;
    cfg.k = k;
    cfg.loss = loss;
    cfg.update = update;
    cfg.noise = noise;
    cfg.zdim = zdim;
    cfg.lr_d = cfg.lr_g = lr;
    cfg.log_every = log_every;
    cfg.hook = hook;
    cfg.hook_ctx = &ctx;
    cfg.r1 = r1;
    gl_rig_arch a = gl_rig_arch_default();
    a.g = gh;
    a.d = dh;
    a.gact = gact;
    a.dact = dact;
    a.leak = leak;
    int s = r ? GL_OK : gl_err_set(&err, GL_ENOMEM, "out of memory");
    if (!s) {
        gsl_rng_set(r, seed);
        s = gl_rig_alloc(&rg, &a, &cfg, dim, r, &err);
    }
    gl_mlp *G = rg.G, *D = rg.D;
    gl_gan *w = rg.w;
    if (!s && exact)
        s = gl_pushforward_alloc(&pf, G, noise, GL_PUSHFORWARD_NGRID, &err);
    if (!s) { /* the estimate's samples and stream, allocated once */
        ctx.G = G;
        ctx.noise = noise;
        ctx.zdim = zdim;
        ctx.er = gsl_rng_alloc(gsl_rng_mt19937);
        ctx.xa = malloc(EST_N * (2 * dim + zdim) * sizeof *ctx.xa);
        if (!ctx.er || !ctx.xa)
            s = gl_err_set(&err, GL_ENOMEM, "out of memory");
        else {
            gsl_rng_set(ctx.er, seed ^ 0x9e3779b97f4a7c15ul);
            ctx.xb = ctx.xa + EST_N * dim;
            ctx.z = ctx.xb + EST_N * dim;
            for (size_t a = 0; a < dim; a++) {
                ctx.lo[a] = INFINITY, ctx.hi[a] = -INFINITY;
                gl_mix_box(P, (int)a, 4.0, &ctx.lo[a], &ctx.hi[a]);
            }
        }
    }
    if (!s)
        s = gl_rec_begin(&rec, outdir, &err);
    if (s) {
        rc = cli_fail_err("train", &err);
        goto done;
    }

    char gtxt[128], dtxt[128];
    sizes_text(gtxt, sizeof gtxt, G);
    sizes_text(dtxt, sizeof dtxt, D);
    gl_rec_meta(rec, "command", "train");
    gl_rec_meta(rec, "data", "%s", spec);
    gl_rec_meta(rec, "loss", "%s", gl_loss_name(loss));
    gl_rec_meta(rec, "k", "%zu", k);
    gl_rec_meta(rec, "update", "%s", update == GL_UPDATE_SIM ? "sim" : "alt");
    gl_rec_meta(rec, "r1", "%.10g", r1);
    gl_rec_meta(rec, "steps", "%zu", steps);
    gl_rec_meta(rec, "batch", "%zu", batch);
    gl_rec_meta(rec, "optimizer", "adam lr %.10g betas 0.5/0.999 eps 1e-8, both nets", lr);
    gl_rec_meta(rec, "G", "%s %s", gtxt, gl_act_name(gact));
    gl_rec_meta(rec, "D", "%s %s", dtxt, gl_act_name(dact));
    gl_rec_meta(rec, "leak", "%.10g", leak);
    gl_rec_meta(rec, "zdim", "%zu", zdim);
    gl_rec_meta(rec, "noise", "%s", gl_noise_name(noise));
    gl_rec_meta(rec, "seed", "%lu", seed);
    gl_rec_meta(rec, "log_every", "%zu", log_every);
    gl_rec_meta(rec, "ganlab", "%s (%s)", GL_VERSION, GL_GIT_REV);

    if ((s = gl_rec_open(rec, "log.tsv", &ctx.log, &err))) {
        rc = cli_fail_err("train", &err);
        goto done;
    }
    gl_tsv_meta(ctx.log, "rows", "every log_every-th step and the last step; statistics of "
                "that step's minibatches (train.h gl_gan_stats)");
    gl_tsv_meta(ctx.log, "V", "%s", loss == GL_LOSS_LS ? "nan: V(D,G) = E log D + E log(1-D) needs "
                "a probability D, and ls's D is a score" : "minibatch estimate of V(D,G) = mean "
                "log D(real) + mean log(1-D(fake)) on the step's last D-step batch, before D's "
                "update (= -loss_d)");
    gl_tsv_meta(ctx.log, "jsd", "%s", exact ? "exact JSD(p_data||p_g) in nats, by quadrature of "
                "the generator's pushforward density; jsd_abserr is the quadrature's error "
                "estimate" : "nan: the exact JSD needs a 1-D generator (1-D data, zdim 1); see "
                "jsd_est");
    gl_tsv_meta(ctx.log, "jsd_est", "an ESTIMATE of the JSD: the JSD between histograms of %d "
                "data and %d generator samples, %d cells per axis over the data's mass (means "
                "+- 4 sd) plus one outside; biased up by sampling noise, blind below the cell "
                "size", EST_N, EST_N, dim == 1 ? EST_BINS_1D : EST_BINS_2D);
    static const char *const cols[] = {"step", "loss_d", "loss_g", "V", "D_real", "D_fake",
                                       "acc", "jsd", "jsd_abserr", "jsd_est"};
    if ((s = gl_tsv_header(ctx.log, sizeof cols / sizeof cols[0], cols))) {
        rc = cli_fail("train", "cannot write %s/log.tsv", outdir);
        goto done;
    }

    ctx.P = P;
    ctx.pf = pf;
    ctx.loss = loss;
    ctx.steps = steps;
    ctx.tty = isatty(STDERR_FILENO);
    int ts = gl_gan_train(w, P, r, &err);
    if (ctx.tty)
        fputs("\r\033[K", stderr);
    if (ctx.write_failed) {
        rc = cli_fail("train", "cannot write %s/log.tsv", outdir);
        goto done;
    }
    if (ts == GL_EDIVERGE) {
        /* keep the rows logged before the divergence, and say why they stop */
        gl_tsv_meta(ctx.log, "stopped", "%s", err.msg);
        gl_err cerr;
        if (gl_rec_commit(rec, &cerr))
            cli_fail_err("train", &cerr);
        rc = cli_fail("train", "training diverged: %s (%s/log.tsv keeps the rows before it)",
                      err.msg, outdir);
        goto done;
    }
    if (ts) {
        rc = cli_fail_err("train", &err);
        goto done;
    }
    if (ctx.logged != gl_gan_last(w)->step && log_row(&ctx, gl_gan_last(w))) {
        rc = cli_fail("train", "cannot write %s/log.tsv", outdir);
        goto done;
    }
    if (exact && (s = gl_pushforward_update(pf, &err)) == GL_OK)
        s = write_pg(rec, P, pf, D, loss, &err);
    if (!s)
        s = gl_rec_commit(rec, &err);
    if (!s && save) {
        gl_model_meta meta = {(char *)spec, noise, zdim};
        s = gl_model_save(save, G, D, &meta, &err);
    }
    if (s) {
        rc = cli_fail_err("train", &err);
        goto done;
    }
    printf("%s/log.tsv: %zu steps, last row step %zu: loss_d %.6g loss_g %.6g jsd %.6g%s%s\n",
           outdir, steps, gl_gan_last(w)->step, gl_gan_last(w)->loss_d, gl_gan_last(w)->loss_g,
           ctx.last_jsd, save ? "; model " : "", save ? save : "");
    if (ctx.jsd_failed)
        fprintf(stderr, "ganlab train: warning: the exact JSD failed at %zu logged steps (nan "
                "in log.tsv); first at step %zu: %s\n", ctx.jsd_failed, ctx.jsd_step, ctx.jsd_msg);
done:
    free(ctx.xa);
    gsl_rng_free(ctx.er);
    gl_rec_free(rec);
    gl_pushforward_free(pf);
    gl_rig_free(&rg);
    gl_mix_free(P);
    gsl_rng_free(r);
    return rc;
}

/* ---- sample ---- */

int cmd_sample(int argc, char **argv)
{
    const char *path = NULL;
    size_t n = 0;
    unsigned long seed = 1;
    int have_n = 0, rc = 0;
    for (int i = 0; i < argc && !rc; i++) {
        const char *v;
        if (cli_is_help(argv[i])) {
            fputs(sample_usage, stdout);
            return 0;
        } else if (cli_opt(argc, argv, &i, "model", &v)) {
            if (!v || !*v)
                rc = cli_fail("sample", "option --model needs a file name");
            path = v;
        } else if (strcmp(argv[i], "-n") == 0 || cli_opt(argc, argv, &i, "n", &v)) {
            if (strcmp(argv[i], "-n") == 0)
                v = i + 1 < argc ? argv[++i] : NULL;
            rc = take_size("sample", "n", v, 1, &n);
            have_n = 1;
        } else if (cli_opt(argc, argv, &i, "seed", &v)) {
            rc = take_ulong("sample", "seed", v, &seed);
        } else {
            rc = cli_fail("sample", "unknown option \"%s\" (try 'ganlab sample --help')", argv[i]);
        }
    }
    if (rc)
        return rc;
    if (!path || !have_n)
        return cli_fail("sample", "both --model FILE and -n N are required (try 'ganlab sample "
                        "--help')");
    enum { CHUNK = 1024 };
    gl_mlp *G = NULL, *D = NULL;
    gl_model_meta meta;
    gl_err err;
    if (gl_model_load(path, CHUNK, &G, &D, &meta, &err))
        return cli_fail_err("sample", &err);
    size_t zdim = G->sizes[0], dim = G->sizes[G->nlayers];
    double *z = malloc(CHUNK * zdim * sizeof *z), *x = malloc(CHUNK * dim * sizeof *x);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    if (!z || !x || !r) {
        rc = cli_fail("sample", "out of memory");
    } else {
        gsl_rng_set(r, seed);
        for (size_t done = 0; done < n;) {
            size_t m = n - done < CHUNK ? n - done : CHUNK;
            gl_noise_sample(meta.noise, r, m * zdim, z);
            gl_mlp_forward(G, z, m, x);
            for (size_t i = 0; i < m; i++) {
                if (dim == 1)
                    printf("%.17g\n", x[i]);
                else
                    printf("%.17g\t%.17g\n", x[2 * i], x[2 * i + 1]);
            }
            done += m;
        }
        if (fflush(stdout) != 0 || ferror(stdout))
            rc = cli_fail("sample", "cannot write the samples: %s", strerror(errno));
    }
    free(z);
    free(x);
    gsl_rng_free(r);
    gl_mlp_free(G);
    gl_mlp_free(D);
    gl_model_meta_clear(&meta);
    return rc;
}
