/* SPDX-License-Identifier: GPL-3.0-or-later */
/* main.c — bin/ganlab: dispatch to the subcommands. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "mix.h"

static const char usage[] =
    "usage: ganlab COMMAND [options]\n"
    "\n"
    "GAN theory, measured: exact quadrature next to trained networks.\n"
    "\n"
    "commands:\n"
    "  div    --p SPEC --q SPEC [--f NAME]...   every f-divergence D_f(P||Q), exact\n"
    "  value  --p SPEC --g SPEC                 V(D*,G), JSD and the -log 4 identity\n"
    "  train  --data SPEC|--data-file FILE ...  train a GAN; log.tsv with the exact JSD\n"
    "  sample --model FILE -n N [--seed S]      samples of a generator saved by train --save\n"
    "  dirac  --update sim|alt --h X --steps N  the Dirac-GAN's gradient play, as TSV\n"
    "  fit    --p SPEC --f NAME [--init MU,S]   the Gaussian minimising D_f(P||N(mu,sigma))\n"
    "  modes  --data SPEC --samples FILE        modes hit, high-quality fraction, reverse KL\n"
    "  exp    NAME [--quick] [--untrained] [--seed N] [--out DIR] [overrides]\n"
    "                                           run an experiment; exp --list lists them\n"
    "  merge  --out DIR SLICE_DIR...            the results of the slices of exp --shard\n"
    "\n"
    "SPEC is a mixture such as '0.5*N(-2,0.5)+0.5*N(2,0.5)' or 'ring(8,2,0.02)'\n"
    "(see docs/spec.md). 'ganlab COMMAND --help' describes each command.\n"
    "Exit status: 0 success, 1 an experiment's claim failed, 2 a usage or input error.\n";

int cli_fail(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "ganlab%s%s: ", cmd ? " " : "", cmd ? cmd : "");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return 2;
}

int cli_fail_err(const char *cmd, const gl_err *err)
{
    return cli_fail(cmd, "%s", err->msg[0] ? err->msg : gl_strerror(err->status));
}

int cli_is_help(const char *a)
{
    return strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0;
}

int cli_asks_help(int argc, char **argv)
{
    for (int i = 0; i < argc; i++)
        if (cli_is_help(argv[i]))
            return 1;
    return 0;
}

int cli_opt(int argc, char **argv, int *i, const char *name, const char **val)
{
    const char *a = argv[*i];
    size_t n = strlen(name);
    if (strncmp(a, "--", 2) != 0 || strncmp(a + 2, name, n) != 0)
        return 0;
    if (a[2 + n] == '=') {
        *val = a + 3 + n;
        return 1;
    }
    if (a[2 + n] != '\0')
        return 0;
    *val = *i + 1 < argc ? argv[++*i] : NULL;
    return 1;
}

int cli_arg_spec(const char *v, void *dst, gl_err *err)
{
    gl_mix **m = dst;
    if (*m)
        return gl_err_set(err, GL_EINVAL, "given twice");
    return gl_mix_parse(v, m, err);
}

int main(int argc, char **argv)
{
    gl_init();
    cli_signals();
    if (argc < 2) {
        fputs(usage, stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (cli_is_help(cmd) || strcmp(cmd, "help") == 0) {
        fputs(usage, stdout);
        return 0;
    }
    if (strcmp(cmd, "--version") == 0) {
        printf("ganlab %s (%s)\n", GL_VERSION, GL_GIT_REV);
        return 0;
    }
    if (strcmp(cmd, "div") == 0)
        return cmd_div(argc - 2, argv + 2);
    if (strcmp(cmd, "value") == 0)
        return cmd_value(argc - 2, argv + 2);
    if (strcmp(cmd, "train") == 0)
        return cmd_train(argc - 2, argv + 2);
    if (strcmp(cmd, "sample") == 0)
        return cmd_sample(argc - 2, argv + 2);
    if (strcmp(cmd, "dirac") == 0)
        return cmd_dirac(argc - 2, argv + 2);
    if (strcmp(cmd, "fit") == 0)
        return cmd_fit(argc - 2, argv + 2);
    if (strcmp(cmd, "modes") == 0)
        return cmd_modes(argc - 2, argv + 2);
    if (strcmp(cmd, "exp") == 0)
        return cmd_exp(argc - 2, argv + 2);
    if (strcmp(cmd, "merge") == 0)
        return cmd_merge(argc - 2, argv + 2);
    return cli_fail(NULL, "unknown command \"%s\" (try 'ganlab --help')", cmd);
}
