/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cmd_exp.c — `ganlab exp`: run an experiment, print its claims table. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "args.h"
#include "cli.h"
#include "cli_live.h"
#include "exp.h"

static const char exp_usage[] =
    "usage: ganlab exp NAME [--quick] [--untrained] [--seed N] [--out DIR] [--plot]\n"
    "                       [--movie FILE.gif] [overrides]\n"
    "       ganlab exp --list\n"
    "       ganlab exp NAME --help      (the experiment's overrides)\n"
    "\n"
    "Runs one experiment: writes DIR/claims.tsv and data TSVs (default DIR is\n"
    "out/NAME), prints the claims table, exits 1 if a claim fails, 2 on an error\n"
    "(then no file in DIR is replaced).\n"
    "\n"
    "  --quick      the reduced setting used by 'make check' (seconds)\n"
    "  --untrained  the control run: every network the experiment trains is\n"
    "               trained for 0 steps (or its generator frozen at its\n"
    "               initialisation, where the claims are about the generator),\n"
    "               all else as usual; the claims that a trained network\n"
    "               succeeds must then fail (docs/experiments.md)\n"
    "  --seed N     random seed (default 1); the same seed gives identical files\n"
    "  --out DIR    output directory\n"
    "  --threads N  threads for the experiment's runs, 1..64 (default 2); the files\n"
    "               do not depend on it\n"
    "  --plot       then draw the figures, DIR/*.png, with gnuplot: plots/NAME.gp\n"
    "               from $GANLAB_DATADIR if set, else from where ganlab is installed\n"
    "               (share/ganlab beside its bin/) or the checkout it was built in\n"
    "  --movie F.gif  an animated GIF of the experiment's first training run (its\n"
    "               first configuration and seed): the frames of 'ganlab train\n"
    "               --live' at the steps the experiment measures, from step 0; the\n"
    "               results are the same with or without it. For the experiments\n"
    "               that train a GAN (dynamics, global-optimum, mode-collapse,\n"
    "               saturation); make exp-NAME MOVIE=1 writes out/NAME/movie.gif\n";

static void list(void)
{
    for (size_t i = 0; i < gl_nexperiments; i++)
        printf("%-16s %s\n", gl_experiments[i].name, gl_experiments[i].summary);
}

/* A progress line on stderr, rewritten in place, only when it is a terminal. */
static void progress(void *ctx, const char *stage, double frac)
{
    (void)ctx;
    fprintf(stderr, "\r  %-40s %5.1f%%", stage, 100 * frac);
    if (frac >= 1)
        fputs("\r\033[K", stderr);
    fflush(stderr);
}

/* the GIF into place if the run drew it (else removed, and why); 2 if that fails */
static int end_movie(cli_movie *mv, const gl_exp_movie *film, const char *name, int status)
{
    int rc = cli_movie_close(mv, !status && film->taken && !film->failed, "exp");
    if (!status && !film->taken)
        fprintf(stderr, "ganlab exp: --movie: %s trains no GAN; no movie was written\n", name);
    else if (!status && film->failed)
        fprintf(stderr, "ganlab exp: --movie: gnuplot stopped reading the frames; no movie was "
                "written\n");
    return rc;
}

static void print_claims(const gl_claims *cl)
{
    printf("%-30s %12s %12s %10s  %-6s %-10s  %s\n", "claim", "expected", "measured", "tol", "status",
           "test", "why");
    for (size_t i = 0; i < cl->n && i < GL_MAXCLAIMS; i++) {
        const gl_claim *c = &cl->c[i];
        printf("%-30s %12.4g %12.4g %10.3g  %-6s %-10s  %s\n", c->name, c->expected, c->measured,
               c->tol, c->pass ? "PASS" : "FAIL", gl_claim_rel_text(c->rel), c->why);
    }
}

int cmd_exp(int argc, char **argv)
{
    if (argc < 1 || cli_is_help(argv[0])) {
        fputs(exp_usage, argc < 1 ? stderr : stdout);
        return argc < 1 ? 2 : 0;
    }
    if (strcmp(argv[0], "--list") == 0) {
        list();
        return 0;
    }
    const gl_experiment *e = gl_exp_find(argv[0]);
    if (!e)
        return cli_fail("exp", "unknown experiment \"%s\" (try 'ganlab exp --list')", argv[0]);

    char outbuf[4096];
    snprintf(outbuf, sizeof outbuf, "out/%s", e->name);
    gl_exp_opts o = gl_exp_opts_default();
    o.outdir = outbuf;
    char **rest = malloc((size_t)argc * sizeof *rest);
    if (!rest)
        return cli_fail("exp", "out of memory");
    int nrest = 0, rc = 0, plot = 0;
    const char *movie = NULL;
    for (int i = 1; i < argc && !rc; i++) {
        const char *v;
        if (cli_is_help(argv[i])) {
            printf("usage: ganlab exp %s [--quick] [--untrained] [--seed N] [--out DIR] [--plot] "
                   "[--movie FILE.gif] [overrides]\n\n%s\n\noverrides:\n%s",
                   e->name, e->summary, e->overrides);
            free(rest);
            return 0;
        } else if (strcmp(argv[i], "--quick") == 0) {
            o.quick = 1;
        } else if (strcmp(argv[i], "--untrained") == 0) {
            o.untrained = 1;
        } else if (strcmp(argv[i], "--plot") == 0) {
            plot = 1;
        } else if (cli_opt(argc, argv, &i, "seed", &v)) {
            gl_err e;
            if (!v || gl_args_ulong("--seed", v, &o.seed, &e))
                rc = cli_fail("exp", "%s", v ? e.msg : "option --seed needs a value");
        } else if (cli_opt(argc, argv, &i, "threads", &v)) {
            gl_err e;
            if (!v || gl_args_size("--threads", v, &o.threads, &e))
                rc = cli_fail("exp", "%s", v ? e.msg : "option --threads needs a value");
            else if (o.threads < 1 || o.threads > 64)
                rc = cli_fail("exp", "--threads must be in 1..64, got %zu", o.threads);
        } else if (cli_opt(argc, argv, &i, "movie", &v)) {
            if (!v || !*v)
                rc = cli_fail("exp", "option --movie needs a file name (FILE.gif)");
            else
                movie = v;
        } else if (cli_opt(argc, argv, &i, "out", &v)) {
            if (!v || !*v)
                rc = cli_fail("exp", "option --out needs a directory");
            else
                o.outdir = v;
        } else {
            rest[nrest++] = argv[i];
        }
    }
    char datadir[4096];
    if (!rc && plot)
        rc = cli_plot_find(e->name, datadir, sizeof datadir);
    cli_movie *mv = NULL;
    gl_exp_movie film = {0};
    if (!rc && movie && !(rc = cli_movie_open(&mv, movie, "exp"))) {
        film.out = cli_movie_stream(mv);
        o.movie = &film;
    }
    if (rc) {
        cli_movie_close(mv, 0, "exp");
        free(rest);
        return rc;
    }
    o.argc = nrest;
    o.argv = rest;
    if (isatty(STDERR_FILENO))
        o.progress = progress;

    gl_claims claims;
    gl_err err;
    gl_err_clear(&err);
    int s = gl_exp_run(e, &o, &claims, &err);
    free(rest);
    if (movie && end_movie(mv, &film, e->name, s) && !s)
        return 2;
    if (s)
        return cli_fail_err("exp", &err);
    printf("%s (%s%s, seed %lu) -> %s/\n", e->name, o.quick ? "quick" : "full",
           o.untrained ? ", untrained (control run)" : "", o.seed, o.outdir);
    print_claims(&claims);
    if (movie && film.taken && !film.failed)
        printf("%s: the movie of %s (%zu frames)\n", movie, film.title, film.frames);
    size_t nfail = gl_claims_failed(&claims);
    printf("%zu of %zu claims passed\n", claims.n - nfail, claims.n);
    if (plot && cli_plot_draw(datadir, e->name, o.outdir))
        return 2;
    return nfail ? 1 : 0;
}
