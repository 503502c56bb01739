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
    "                       [--shard I/N] [--fresh] [--movie FILE.gif] [overrides]\n"
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
    "  --shard I/N  run only the I-th of N slices (1 <= I <= N) of the experiment's\n"
    "               sweep of (configuration, seed) runs: DIR gets journal.tsv (the\n"
    "               runs' results) and manifest.tsv, no claims; exit 0 when done.\n"
    "               'ganlab merge' makes the results from the N slices\n"
    "               (docs/sharding.md); experiments without a sweep refuse it\n"
    "  --fresh      do not resume: rerun the runs an interrupted run left finished\n"
    "  --movie F.gif  an animated GIF of the experiment's first training run (its\n"
    "               first configuration and seed): the frames of 'ganlab train\n"
    "               --live' at the steps the experiment measures, from step 0; the\n"
    "               results are the same with or without it. For the experiments\n"
    "               that train a GAN (dynamics, global-optimum, mode-collapse,\n"
    "               saturation); make exp-NAME MOVIE=1 writes out/NAME/movie.gif\n"
    "\n"
    "Resume: a sweep keeps each finished run in DIR/journal.tsv as it finishes;\n"
    "after an interruption (Ctrl-C, SIGTERM, a lost machine) the same command\n"
    "(same experiment, settings, seed and ganlab revision) reuses them and runs\n"
    "only the rest. The journal is removed once the results are in place.\n";

static const char merge_usage[] =
    "usage: ganlab merge --out DIR [--threads N] [--plot] SLICE_DIR...\n"
    "\n"
    "Merges the slices written by 'ganlab exp NAME --shard I/N --out SLICE_DIR'\n"
    "(I = 1..N) into DIR: exactly the files one unsharded run writes, from the\n"
    "slices' runs (nothing is trained again), then prints the claims and exits as\n"
    "'ganlab exp' does: 0, 1 if a claim fails, 2 on an error. It checks first that\n"
    "the slices are of one experiment, settings and ganlab revision (this one's),\n"
    "that they are slices 1..N of N once each, and that their runs are disjoint and\n"
    "complete; an error names what is wrong.\n"
    "\n"
    "  --out DIR    output directory (required)\n"
    "  --threads N  threads, 1..64 (default 2); the files do not depend on it\n"
    "  --plot       then draw the figures, DIR/*.png, as 'ganlab exp --plot'\n";

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

/* The options every run takes (--threads, --out, --plot, and for exp the
 * rest): 1 if argv[*i] was one, after setting *rc on a bad value. */
static int common_opt(const char *cmd, int argc, char **argv, int *i, gl_exp_opts *o, int *plot,
                      int *rc)
{
    const char *v;
    gl_err e;
    if (strcmp(argv[*i], "--plot") == 0) {
        *plot = 1;
    } else if (cli_opt(argc, argv, i, "threads", &v)) {
        if (!v || gl_args_size("--threads", v, &o->threads, &e))
            *rc = cli_fail(cmd, "%s", v ? e.msg : "option --threads needs a value");
        else if (o->threads < 1 || o->threads > 64)
            *rc = cli_fail(cmd, "--threads must be in 1..64, got %zu", o->threads);
    } else if (cli_opt(argc, argv, i, "out", &v)) {
        if (!v || !*v)
            *rc = cli_fail(cmd, "option --out needs a directory");
        else
            o->outdir = v;
    } else {
        return 0;
    }
    return 1;
}

/* --shard I/N into o (0-based shard); 2 after a message if it is not that */
static int shard_opt(const char *v, gl_exp_opts *o)
{
    char *end;
    unsigned long i = 0, n = 0;
    if (v && *v >= '0' && *v <= '9') {
        i = strtoul(v, &end, 10);
        if (*end == '/' && end[1] >= '0' && end[1] <= '9')
            n = strtoul(end + 1, &end, 10);
        if (*end)
            n = 0;
    }
    if (n < 1 || n > 100000 || i < 1 || i > n)
        return cli_fail("exp", "--shard takes I/N, the I-th of N slices, 1 <= I <= N <= 100000; "
                        "got \"%s\"", v ? v : "");
    o->shard = i - 1;
    o->nshards = n;
    return 0;
}

/* exp's options into o, the overrides into rest[*nrest]; 0, 2 after a message,
 * or -1 for --help (printed) */
static int exp_opts(const gl_experiment *e, int argc, char **argv, gl_exp_opts *o, int *plot,
                    const char **movie, char **rest, int *nrest)
{
    int rc = 0;
    for (int i = 1; i < argc && !rc; i++) {
        const char *v;
        if (cli_is_help(argv[i])) {
            printf("usage: ganlab exp %s [--quick] [--untrained] [--seed N] [--out DIR] [--plot] "
                   "[--shard I/N] [--fresh] [--movie FILE.gif] [overrides]\n\n%s\n\noverrides:\n%s",
                   e->name, e->summary, e->overrides);
            return -1;
        } else if (strcmp(argv[i], "--quick") == 0) {
            o->quick = 1;
        } else if (strcmp(argv[i], "--untrained") == 0) {
            o->untrained = 1;
        } else if (strcmp(argv[i], "--fresh") == 0) {
            o->fresh = 1;
        } else if (common_opt("exp", argc, argv, &i, o, plot, &rc)) {
            continue;
        } else if (cli_opt(argc, argv, &i, "shard", &v)) {
            rc = shard_opt(v, o);
        } else if (cli_opt(argc, argv, &i, "movie", &v)) {
            if (!v || !*v)
                rc = cli_fail("exp", "option --movie needs a file name (FILE.gif)");
            else
                *movie = v;
        } else if (cli_opt(argc, argv, &i, "seed", &v)) {
            gl_err er;
            if (!v || gl_args_ulong("--seed", v, &o->seed, &er))
                rc = cli_fail("exp", "%s", v ? er.msg : "option --seed needs a value");
        } else {
            rest[(*nrest)++] = argv[i];
        }
    }
    return rc;
}

static char resume_note[4300];

/* the note the signal handler prints, and the line saying what was reused */
static void arm_resume_note(const char *outdir)
{
    snprintf(resume_note, sizeof resume_note, "ganlab: the finished runs are kept in %s/journal.tsv:"
             " the same command resumes from them\n", outdir);
    cli_resume_note = resume_note;
}

/* After a slice: what it did and how to merge; exit status 0. */
static int report_slice(const gl_experiment *e, const gl_exp_opts *o, const struct gl_exp_tally *t)
{
    printf("%s (%s%s, seed %lu) slice %zu/%zu -> %s/\n", e->name, o->quick ? "quick" : "full",
           o->untrained ? ", untrained (control run)" : "", o->seed, o->shard + 1, o->nshards,
           o->outdir);
    printf("runs: %zu here (%zu run now, %zu reused from an interrupted run), %zu in other slices\n",
           t->run + t->reused, t->run, t->reused, t->elsewhere);
    printf("when all %zu slices are done: ganlab merge --out DIR SLICE_DIR...\n", o->nshards);
    return 0;
}

/* After a whole run or a merge: the claims; exit status 0, 1 or 2. */
static int report_claims(const gl_experiment *e, const gl_exp_opts *o, const gl_claims *claims,
                         int plot, const char *datadir)
{
    printf("%s (%s%s, seed %lu) -> %s/\n", e->name, o->quick ? "quick" : "full",
           o->untrained ? ", untrained (control run)" : "", o->seed, o->outdir);
    print_claims(claims);
    size_t nfail = gl_claims_failed(claims);
    printf("%zu of %zu claims passed\n", claims->n - nfail, claims->n);
    if (plot && cli_plot_draw(datadir, e->name, o->outdir))
        return 2;
    return nfail ? 1 : 0;
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
    int nrest = 0, plot = 0;
    const char *movie = NULL;
    int rc = exp_opts(e, argc, argv, &o, &plot, &movie, rest, &nrest);
    char datadir[4096];
    if (!rc && plot && o.nshards)
        rc = cli_fail("exp", "--plot draws a whole run's figures: give it to 'ganlab merge'");
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
        return rc < 0 ? 0 : rc;
    }
    o.argc = nrest;
    o.argv = rest;
    if (isatty(STDERR_FILENO))
        o.progress = progress;
    struct gl_exp_tally t;
    o.tally = &t;
    arm_resume_note(o.outdir);

    gl_claims claims;
    gl_err err;
    gl_err_clear(&err);
    int s = gl_exp_run(e, &o, &claims, &err);
    cli_resume_note = NULL;
    free(rest);
    if (movie && end_movie(mv, &film, e->name, s) && !s)
        return 2;
    if (s)
        return cli_fail_err("exp", &err);
    if (t.reused)
        fprintf(stderr, "ganlab exp: resumed: %zu of %zu runs reused from %s/journal.tsv, not run "
                "again\n", t.reused, t.reused + t.run + t.elsewhere, o.outdir);
    if (movie && film.taken && !film.failed)
        printf("%s: the movie of %s (%zu frames)\n", movie, film.title, film.frames);
    return o.nshards ? report_slice(e, &o, &t) : report_claims(e, &o, &claims, plot, datadir);
}

int cmd_merge(int argc, char **argv)
{
    if (argc < 1 || cli_asks_help(argc, argv)) {
        fputs(merge_usage, argc < 1 ? stderr : stdout);
        return argc < 1 ? 2 : 0;
    }
    gl_exp_opts o = gl_exp_opts_default();
    const char **dirs = malloc((size_t)argc * sizeof *dirs);
    if (!dirs)
        return cli_fail("merge", "out of memory");
    size_t ndirs = 0;
    int rc = 0, plot = 0;
    for (int i = 0; i < argc && !rc; i++) {
        if (common_opt("merge", argc, argv, &i, &o, &plot, &rc))
            continue;
        if (strncmp(argv[i], "--", 2) == 0)
            rc = cli_fail("merge", "unknown option %s (try 'ganlab merge --help')", argv[i]);
        else
            dirs[ndirs++] = argv[i];
    }
    if (!rc && !o.outdir)
        rc = cli_fail("merge", "--out DIR is required: where the merged results go");
    if (!rc && ndirs == 0)
        rc = cli_fail("merge", "no slice directories given");
    if (isatty(STDERR_FILENO))
        o.progress = progress;
    const gl_experiment *e = NULL;
    gl_claims claims;
    gl_err err;
    gl_err_clear(&err);
    if (!rc && gl_exp_merge(dirs, ndirs, &e, &o, &claims, &err))
        rc = cli_fail_err("merge", &err);
    free(dirs);
    char datadir[4096];
    if (!rc && plot && (rc = cli_plot_find(e->name, datadir, sizeof datadir)))
        return rc;
    return rc ? rc : report_claims(e, &o, &claims, plot, datadir);
}
