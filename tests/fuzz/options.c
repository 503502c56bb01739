/* SPDX-License-Identifier: GPL-3.0-or-later */
/* options.c — fuzz harness of the option parser (src/args.c) and of the
 * options of `ganlab train` (gl_recipe_argspecs, src/recipe.c): the input,
 * split at NUL bytes and newlines, is an argv. It is parsed against a table
 * with every kind of option and range, and against the train recipe's; each
 * word also goes through the number parsers and the name parsers. */
#include <math.h>

#include "args.h"
#include "fuzz.h"
#include "loss.h"
#include "mix.h"
#include "mlp.h"
#include "noise.h"
#include "optim.h"
#include "recipe.h"
#include "sched.h"

#define MAXARGS 64

static gl_mix *data[2]; /* 1-D and 2-D data for gl_recipe_finish */

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    gl_init();
    return gl_mix_parse("0.5*N(-2,0.5) + 0.5*N(2,0.5)", &data[0], NULL) ||
                   gl_mix_parse("ring(8,2,0.02)", &data[1], NULL)
               ? -1
               : 0;
}

/* A GL_ARG_FN as the command line's: one mixture, refusing a second. */
static int p_spec(const char *v, void *dst, gl_err *err)
{
    gl_mix **m = dst;
    if (*m)
        return gl_err_set(err, GL_EINVAL, "given twice");
    return gl_mix_parse(v, m, err);
}

static int p_hidden(const char *v, void *dst, gl_err *err)
{
    return gl_mlp_hidden_parse(v, dst, err);
}

static int p_sched(const char *v, void *dst, gl_err *err)
{
    return gl_sched_parse(v, dst, err);
}

/* Each word through the number and name parsers. */
static void check_word(const char *w)
{
    size_t len = gl_args_number_len(w), z;
    unsigned long u;
    double d;
    gl_err err;
    FUZZ_ASSERT(len <= strlen(w));
    int s = gl_args_double("x", w, &d, &err);
    if (s)
        fuzz_check_err(s, &err);
    else
        FUZZ_ASSERT(isfinite(d) && len == strlen(w));
    if (!gl_args_size("n", w, &z, NULL))
        FUZZ_ASSERT(w[0] >= '0' && w[0] <= '9');
    if (!gl_args_ulong("n", w, &u, NULL))
        FUZZ_ASSERT(!gl_args_size("n", w, &z, NULL) && z == u);
    gl_act act;
    gl_loss_kind loss;
    gl_noise noise;
    gl_opt_kind opt;
    if (!gl_act_parse(w, &act, NULL))
        FUZZ_ASSERT(strcmp(gl_act_name(act), w) == 0);
    if (!gl_loss_parse(w, &loss, NULL))
        FUZZ_ASSERT(strcmp(gl_loss_name(loss), w) == 0);
    if (!gl_noise_parse(w, &noise, NULL))
        FUZZ_ASSERT(strcmp(gl_noise_name(noise), w) == 0);
    (void)gl_optim_parse(w, &opt, NULL);
}

/* The schedule's factor is a number >= 0 at every step (step:GAMMA:EVERY with
 * GAMMA > 1 grows without bound, and overflows to inf on a long run, as asked). */
static void check_sched(const gl_sched *s)
{
    static const size_t T[] = {1, 2, 10, 1000003};
    gl_err err;
    FUZZ_ASSERT(gl_sched_check(s, &err) == GL_OK);
    for (size_t k = 0; k < sizeof T / sizeof T[0]; k++)
        for (size_t t = 0; t <= T[k] + 1; t += 1 + T[k] / 7) {
            double f = gl_sched_factor(s, t, T[k]);
            FUZZ_ASSERT(f >= 0); /* false for NaN */
        }
    char buf[256];
    gl_sched_text(s, buf, sizeof buf);
    FUZZ_ASSERT(strlen(buf) < sizeof buf);
}

/* One option of each kind and kind of range (args.h). */
static void parse_table(int argc, char **argv)
{
    const char *str = NULL;
    size_t steps = 5, any = 0;
    unsigned long seed = 1;
    double lr = 0.5, x = 0, leak = 0;
    int flag = 0, seen_lr = 0, seen_steps = 0;
    gl_mix *spec = NULL;
    gl_mlp_hidden hidden = {0};
    gl_sched sched = gl_sched_default();
    const gl_argspec specs[] = {
        {.name = "out", .type = GL_ARG_STR, .dst = &str},
        {.name = "steps", .type = GL_ARG_SIZE, .dst = &steps, .min = 1, .max = 1e8, .seen = &seen_steps},
        {.name = "n", .type = GL_ARG_SIZE, .dst = &any},
        {.name = "seed", .type = GL_ARG_ULONG, .dst = &seed, .min = 0, .max = 18446744073709551615.0,
         .open_min = 1},
        {.name = "lr", .type = GL_ARG_DOUBLE, .dst = &lr, .min = 0, .max = 1, .open_min = 1,
         .seen = &seen_lr},
        {.name = "x", .type = GL_ARG_DOUBLE, .dst = &x},
        {.name = "leak", .type = GL_ARG_DOUBLE, .dst = &leak, .min = -1},
        {.name = "quick", .type = GL_ARG_FLAG, .dst = &flag},
        {.name = "data", .type = GL_ARG_FN, .dst = &spec, .parse = p_spec},
        {.name = "hidden", .type = GL_ARG_FN, .dst = &hidden, .parse = p_hidden},
        {.name = "schedule", .type = GL_ARG_FN, .dst = &sched, .parse = p_sched},
    };
    gl_err err;
    int s = gl_args_parse(argc, argv, specs, sizeof specs / sizeof specs[0], &err);
    if (s) {
        fuzz_check_err(s, &err);
    } else {
        FUZZ_ASSERT(!str || *str);
        FUZZ_ASSERT(steps >= 1 && steps <= 100000000 && (seen_steps || steps == 5));
        FUZZ_ASSERT(seed >= 1 && isfinite(x) && leak >= -1);
        FUZZ_ASSERT(lr > 0 && lr <= 1 && (seen_lr || lr == 0.5));
        FUZZ_ASSERT(hidden.n <= GL_MLP_MAXHIDDEN);
        check_sched(&sched);
    }
    gl_mix_free(spec);
}

/* The options of `ganlab train`, then the checks that involve several. */
static void parse_recipe(int argc, char **argv, int which)
{
    gl_recipe r;
    gl_recipe_opts o;
    gl_argspec specs[GL_RECIPE_NSPECS];
    gl_err err;
    FUZZ_ASSERT(gl_recipe_preset(which ? "textbook" : "default", &r, &err) == GL_OK);
    size_t n = gl_recipe_argspecs(&r, &o, specs);
    FUZZ_ASSERT(n >= 1 && n <= GL_RECIPE_NSPECS);
    int s = gl_args_parse(argc, argv, specs, n, &err);
    if (!s)
        s = gl_recipe_finish(&r, &o, data[which], &err);
    if (s) {
        fuzz_check_err(s, &err);
        return;
    }
    char buf[512];
    gl_recipe_text(&r, (size_t)data[which]->dim, buf, sizeof buf);
    FUZZ_ASSERT(strlen(buf) < sizeof buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data_, size_t size)
{
    char *text = malloc(size + 1), *argv[MAXARGS];
    if (!text)
        return 0;
    memcpy(text, data_, size);
    text[size] = '\0';
    int argc = 0;
    for (size_t i = 0, start = 0; i <= size && argc < MAXARGS; i++)
        if (i == size || text[i] == '\0' || text[i] == '\n') {
            text[i] = '\0';
            if (i > start || i < size) /* an empty word is an argument, a final one is not */
                argv[argc++] = text + start;
            start = i + 1;
        }
    for (int i = 0; i < argc; i++)
        check_word(argv[i]);
    parse_table(argc, argv);
    parse_recipe(argc, argv, (int)(size & 1));
    free(text);
    return 0;
}
