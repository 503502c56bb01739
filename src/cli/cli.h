/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cli.h — shared pieces of the ganlab command line. Only the CLI prints. */
#ifndef GL_CLI_H
#define GL_CLI_H

#include <signal.h>

#include "gl.h"

/* Prints "ganlab CMD: message" on stderr and returns 2 (the exit status for
 * every usage or input error). */
int cli_fail(const char *cmd, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
int cli_fail_err(const char *cmd, const gl_err *err);

/* 1 if argv[i] is --name or --name=...; then *val is the value (argv[i+1]
 * consumed, *i advanced) or NULL if it is missing. */
int cli_opt(int argc, char **argv, int *i, const char *name, const char **val);
/* 1 if a is --help or -h; cli_asks_help: if any of argv[0..argc-1] is. */
int cli_is_help(const char *a);
int cli_asks_help(int argc, char **argv);

/* A GL_ARG_FN parser (args.h) of a mixture spec into *(gl_mix **)dst,
 * refusing a second one ("given twice"). */
int cli_arg_spec(const char *v, void *dst, gl_err *err);

/* exp --plot (plot.c): cli_plot_find, before the run, checks for gnuplot and
 * finds the data directory holding plots/NAME.gp (into datadir);
 * cli_plot_draw runs it on outdir and lists the figures. Both return 0, or 2
 * after printing why. */
int cli_plot_find(const char *name, char *datadir, size_t n);
int cli_plot_draw(const char *datadir, const char *name, const char *outdir);

/* SIGINT and SIGTERM (sig.c). cli_signals installs the handler: it records
 * the signal in cli_signal and, unless cli_graceful is set (a loop that
 * checks cli_signal and stops cleanly), removes the temporary files of the
 * run (gl_rec_unlink_pending), says so on stderr and exits with 128 + the
 * signal (130, 143). A second signal always ends the process that way. */
extern volatile sig_atomic_t cli_signal, cli_graceful;
/* if set, a line the handler prints too before exiting (what can be resumed) */
extern const char *volatile cli_resume_note;
void cli_signals(void);
const char *cli_signal_name(int sig);
/* One more file the handler removes when it ends the process (a movie's
 * temporary file; NULL: none). The path is copied. */
void cli_unlink_on_signal(const char *path);

int cmd_div(int argc, char **argv);
int cmd_value(int argc, char **argv);
int cmd_exp(int argc, char **argv);
int cmd_merge(int argc, char **argv);
int cmd_train(int argc, char **argv);
int cmd_sample(int argc, char **argv);
int cmd_dirac(int argc, char **argv);
int cmd_modes(int argc, char **argv);
int cmd_fit(int argc, char **argv);

#endif
