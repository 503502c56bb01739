/* SPDX-License-Identifier: GPL-3.0-or-later */
/* recipe.c — the named training recipes and the options that set them. */
#include "recipe.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "loss.h"
#include "mlp.h"
#include "noise.h"
#include "optim.h"
#include "sched.h"

/* gan1d-bench: the loop of Goodfellow et al.'s Algorithm 1 as textbooks run it */
static void textbook(gl_recipe *r)
{
    r->arch = gl_rig_arch_default();
    r->gan = gl_gan_cfg_default();
    r->real_noise_sd = 0;
}

/* the lab's default (docs/train.md: six mixtures, the seeds measured) */
static void lab_default(gl_recipe *r)
{
    textbook(r);
    r->arch.gspread = 2;
    r->arch.beta2 = 0.99;
    r->gan.loss = GL_LOSS_LS;
    r->gan.k = 2;
    r->gan.batch = 64;
    r->gan.steps = 16000;
    r->gan.lr_d = 4e-3;
    r->gan.lr_g = 1e-3;
    r->gan.sched.kind = GL_SCHED_LINEAR;
    r->gan.sched.end = 0.05;
    r->gan.real_noise_until = 0.5;
    r->real_noise_sd = 0.4;
}

int gl_recipe_preset(const char *name, gl_recipe *r, gl_err *err)
{
    if (name && strcmp(name, "default") == 0)
        lab_default(r);
    else if (name && strcmp(name, "textbook") == 0)
        textbook(r);
    else
        return gl_err_set(err, GL_EINVAL, "unknown recipe \"%s\" (default, textbook)",
                          name ? name : "");
    return GL_OK;
}

/* ---- option parsers (args.h's GL_ARG_FN) ---- */

static int p_loss(const char *t, void *dst, gl_err *err)
{
    return gl_loss_parse(t, dst, err);
}

static int p_update(const char *t, void *dst, gl_err *err)
{
    if (strcmp(t, "alt") && strcmp(t, "sim"))
        return gl_err_set(err, GL_EINVAL, "unknown update \"%s\" (alt, sim)", t);
    *(gl_update *)dst = t[0] == 'a' ? GL_UPDATE_ALT : GL_UPDATE_SIM;
    return GL_OK;
}

static int p_noise(const char *t, void *dst, gl_err *err)
{
    return gl_noise_parse(t, dst, err);
}

static int p_sched(const char *t, void *dst, gl_err *err)
{
    return gl_sched_parse(t, dst, err);
}

static int p_hidden(const char *t, void *dst, gl_err *err)
{
    return gl_mlp_hidden_parse(t, dst, err);
}

/* "tanh" (both nets) or "tanh,leaky" (G, D) */
static int p_acts(const char *t, void *dst, gl_err *err)
{
    gl_rig_arch *a = dst;
    char buf[64];
    if (strlen(t) >= sizeof buf)
        return gl_err_set(err, GL_EINVAL, "\"%s\" is too long (expected G[,D])", t);
    strcpy(buf, t);
    char *comma = strchr(buf, ',');
    if (comma)
        *comma = '\0';
    gl_act g, d;
    if (gl_act_parse(buf, &g, err) || (comma && gl_act_parse(comma + 1, &d, err)))
        return GL_EINVAL;
    a->gact = g;
    a->dact = comma ? d : g;
    return GL_OK;
}

/* --norm none|batch: batch normalisation of both nets' hidden layers */
static int p_norm(const char *t, void *dst, gl_err *err)
{
    gl_rig_arch *a = dst;
    if (strcmp(t, "none") != 0 && strcmp(t, "batch") != 0)
        return gl_err_set(err, GL_EINVAL, "expected none or batch, got \"%s\"", t);
    a->gnorm = a->dnorm = strcmp(t, "batch") == 0;
    return GL_OK;
}

size_t gl_recipe_argspecs(gl_recipe *r, gl_recipe_opts *o, gl_argspec *specs)
{
    memset(o, 0, sizeof *o);
    gl_gan_cfg *c = &r->gan;
    gl_rig_arch *a = &r->arch;
    const gl_argspec t[] = {
        {.name = "loss", .type = GL_ARG_FN, .dst = &c->loss, .parse = p_loss},
        {.name = "k", .type = GL_ARG_SIZE, .dst = &c->k, .min = 1, .max = 1000},
        {.name = "update", .type = GL_ARG_FN, .dst = &c->update, .parse = p_update},
        {.name = "r1", .type = GL_ARG_DOUBLE, .dst = &c->r1, .min = 0, .max = 1000},
        {.name = "pack", .type = GL_ARG_SIZE, .dst = &c->pack, .min = 1, .max = 64},
        {.name = "steps", .type = GL_ARG_SIZE, .dst = &c->steps, .min = 1, .max = 1e9},
        {.name = "batch", .type = GL_ARG_SIZE, .dst = &c->batch, .min = 1, .max = 1 << 24},
        {.name = "lr", .type = GL_ARG_DOUBLE, .dst = &o->lr, .open_min = 1, .seen = &o->lr_given},
        {.name = "lr-d", .type = GL_ARG_DOUBLE, .dst = &o->lr_d, .open_min = 1,
         .seen = &o->lr_d_given},
        {.name = "lr-g", .type = GL_ARG_DOUBLE, .dst = &o->lr_g, .open_min = 1,
         .seen = &o->lr_g_given},
        {.name = "schedule", .type = GL_ARG_FN, .dst = &c->sched, .parse = p_sched},
        {.name = "warmup", .type = GL_ARG_SIZE, .dst = &c->sched.warmup, .min = 0, .max = 1e9},
        {.name = "g", .type = GL_ARG_FN, .dst = &a->g, .parse = p_hidden},
        {.name = "d", .type = GL_ARG_FN, .dst = &a->d, .parse = p_hidden},
        {.name = "act", .type = GL_ARG_FN, .dst = a, .parse = p_acts},
        {.name = "leak", .type = GL_ARG_DOUBLE, .dst = &a->leak, .min = 0, .max = 1,
         .open_min = 1},
        {.name = "zdim", .type = GL_ARG_SIZE, .dst = &c->zdim, .min = 1, .max = 4096,
         .seen = &o->zdim_given},
        {.name = "noise", .type = GL_ARG_FN, .dst = &c->noise, .parse = p_noise},
        {.name = "beta1", .type = GL_ARG_DOUBLE, .dst = &a->beta1, .min = 0, .max = 1},
        {.name = "beta2", .type = GL_ARG_DOUBLE, .dst = &a->beta2, .min = 0, .max = 1},
        {.name = "g-spread", .type = GL_ARG_DOUBLE, .dst = &a->gspread, .min = 0, .max = 100},
        {.name = "real-noise", .type = GL_ARG_DOUBLE, .dst = &r->real_noise_sd, .min = 0, .max = 10},
        {.name = "real-noise-until", .type = GL_ARG_DOUBLE, .dst = &c->real_noise_until, .min = 0,
         .max = 1, .open_min = 1},
        {.name = "norm", .type = GL_ARG_FN, .dst = a, .parse = p_norm},
    };
    size_t n = sizeof t / sizeof t[0];
    (void)sizeof(char[sizeof t / sizeof t[0] <= GL_RECIPE_NSPECS ? 1 : -1]); /* room for all */
    memcpy(specs, t, sizeof t);
    return n;
}

int gl_recipe_finish(gl_recipe *r, const gl_recipe_opts *o, const gl_mix *P, gl_err *err)
{
    gl_gan_cfg *c = &r->gan;
    size_t data_dim = (size_t)P->dim;
    double var = 0;
    for (int a = 0; a < P->dim; a++)
        var += gl_mix_var(P, a) / P->dim;
    c->real_noise = r->real_noise_sd * sqrt(var);
    if (o->lr_given)
        c->lr_d = c->lr_g = o->lr;
    if (o->lr_d_given)
        c->lr_d = o->lr_d;
    if (o->lr_g_given)
        c->lr_g = o->lr_g;
    if (!o->zdim_given)
        c->zdim = data_dim;
    if (c->update == GL_UPDATE_SIM && c->k != 1)
        return gl_err_set(err, GL_EINVAL, "--update sim needs --k 1, got --k %zu", c->k);
    if (c->pack > 1 && c->batch % c->pack)
        return gl_err_set(err, GL_EINVAL, "--batch %zu is not a multiple of --pack %zu", c->batch,
                          c->pack);
    if (r->arch.dnorm && c->r1 > 0)
        return gl_err_set(err, GL_EINVAL, "--norm batch with --r1 is not supported (the penalty's "
                          "double backpropagation does not go through batch statistics)");
    if (r->arch.dnorm && c->pack > 1)
        return gl_err_set(err, GL_EINVAL, "--norm batch with --pack is not supported");
    if (r->arch.leak >= 1)
        return gl_err_set(err, GL_EINVAL, "--leak must be < 1, got %g", r->arch.leak);
    return GL_OK;
}

static const char *opt_name(gl_opt_kind k)
{
    return k == GL_OPT_ADAM ? "Adam" : k == GL_OPT_SGD ? "SGD" : "momentum";
}

void gl_recipe_text(const gl_recipe *r, size_t data_dim, char *buf, size_t n)
{
    const gl_gan_cfg *c = &r->gan;
    const gl_rig_arch *a = &r->arch;
    char gs[128], ds[128], sch[128];
    size_t pack = c->pack > 1 ? c->pack : 1;
    gl_mlp_hidden_text(c->zdim, &a->g, data_dim, gs, sizeof gs);
    gl_mlp_hidden_text(pack * data_dim, &a->d, 1, ds, sizeof ds);
    gl_sched_text(&c->sched, sch, sizeof sch);
    int k = snprintf(buf, n, "G %s %s%s%g, D %s %s (leak %g); %s loss, k %zu, %s; %s/%s betas %g/%g, lr %g "
             "(D) %g (G) %s; batch %zu; %zu steps; noise %s; r1 %g; pack %zu; instance noise %g "
             "data sd until %g of training", gs, gl_act_name(a->gact), a->gspread > 0 ?
             " spread " : "", a->gspread > 0 ? a->gspread : 0, ds, gl_act_name(a->dact), a->leak,
             gl_loss_name(c->loss), c->k, c->update == GL_UPDATE_SIM ? "sim" : "alt",
             opt_name(a->gopt), opt_name(a->dopt), a->beta1, a->beta2, c->lr_d, c->lr_g, sch,
             c->batch, c->steps, gl_noise_name(c->noise), c->r1, pack, r->real_noise_sd,
             c->real_noise_until);
    if ((a->gnorm || a->dnorm) && k >= 0 && (size_t)k < n)
        snprintf(buf + k, n - (size_t)k, "; batch norm in%s%s", a->gnorm ? " G" : "",
                 a->dnorm ? " D" : "");
}

const char gl_recipe_help[] =
    "  --loss NAME         ns (non-saturating), minimax or ls (least squares)\n"
    "  --k N               D-steps per G-step\n"
    "  --update alt|sim    alternating or simultaneous updates (sim needs --k 1)\n"
    "  --r1 GAMMA          R1 gradient penalty (GAMMA/2) E_data |grad_x logit|^2 on D\n"
    "                      (Mescheder et al. 2018; 0: none)\n"
    "  --pack M            PacGAN: D judges M samples at once (Lin et al. 2018)\n"
    "  --steps N           G-steps\n"
    "  --batch N           samples from p_data and from p_g per step\n"
    "  --lr X              learning rate of both nets (--lr-d, --lr-g: one each)\n"
    "  --schedule S        the rate over training: const, linear[:END], cosine[:END]\n"
    "                      (END a multiple of the rate, default 0) or step:GAMMA:EVERY\n"
    "  --warmup N          steps of linear warm-up of the rate\n"
    "  --g 16,16           generator hidden layer sizes\n"
    "  --d 32,32           discriminator hidden layer sizes\n"
    "  --act G[,D]         hidden activations of G and D (one name sets both):\n"
    "                      linear tanh sigmoid relu leaky\n"
    "  --leak X            slope of leaky for x < 0, in (0, 1)\n"
    "  --zdim N            noise dimension (default: the data's dimension)\n"
    "  --noise NAME        normal (N(0,I)) or uniform (U(-1,1)^zdim)\n"
    "  --beta1 X, --beta2 X  Adam's betas, both nets\n"
    "  --g-spread S        centres of G's first-layer units uniform on [-S, S]^zdim\n"
    "                      (their biases; 0: all biases 0)\n"
    "  --real-noise X      instance noise on the real samples, X data sd at first,\n"
    "                      falling linearly to 0 at --real-noise-until F of training\n"
    "  --norm none|batch   batch normalisation of G's hidden layers and of D's but\n"
    "                      its first (not G's output layer nor D's input layer, as\n"
    "                      in DCGAN); D normalises its real and fake rows separately;\n"
    "                      G is used in evaluation mode (running averages) for\n"
    "                      samples, plots and the exact p_g; not with --r1 or --pack\n";
