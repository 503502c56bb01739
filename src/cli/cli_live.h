/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cli_live.h — the live view's processes for `ganlab train` (live.c):
 * --live (a window or the terminal), --step (commands from stdin), --movie
 * (an animated GIF). The frames themselves come from the library (live.h). */
#ifndef GL_CLI_LIVE_H
#define GL_CLI_LIVE_H

#include <stddef.h>
#include <stdio.h>

#include "mix.h"
#include "rig.h"
#include "train.h"

typedef struct {
    int live;          /* --live (also set by --step) */
    const char *term;  /* --live-term NAME; NULL: qt (else x11) with a display, else dumb */
    size_t every;      /* --live-every N; 0: the window at most 4 times a second, the movie
                          every steps/100 */
    const char *movie; /* --movie FILE.gif, or NULL */
} cli_live_opts;

typedef struct cli_live cli_live;

/* Starts the gnuplot processes o asks for and the frames' measurements of
 * the rig g (built with gan on P; seed: of the run). 0, or 2 after printing
 * why (no such terminal, no gif terminal, the movie's file not writable). */
int cli_live_open(cli_live **out, const cli_live_opts *o, const gl_mix *P, const gl_rig *g,
                  const gl_gan_cfg *gan, unsigned long seed);

/* The frames due at the statistics s; force 1: those not drawn at this step
 * yet (the first, the last), 2: all, again (after a step-mode command). 1
 * if the window was closed, -1 if the movie's gnuplot failed, else 0. */
int cli_live_frame(cli_live *c, const gl_gan_stats *s, int force);
int cli_live_closed(const cli_live *c); /* 1 once the window was closed */
/* a line shown in the frames' titles from now on (NULL: none); kept, not copied */
void cli_live_note(cli_live *c, const char *note);

/* Step mode: waits for a line on stdin (prompting with the step when stdin
 * is a terminal) and returns 'd', 'g', 's' (*n steps: Enter is 1, a number
 * N is N) or 'q' (also at the end of the input, on a signal, or once the
 * window is closed). Anything else is answered on stderr and read again. */
int cli_live_command(cli_live *c, size_t step, size_t *n);

/* Ends the window's gnuplot (the window keeps the last frame) and the
 * movie's: with keep_movie the GIF is renamed into place (0, or 2 after
 * printing why), else removed. NULL is a no-op. */
int cli_live_close(cli_live *c, int keep_movie);

/* The GIF of --movie (train and exp): a gnuplot writing FILE.tmp.PID,
 * renamed to path by cli_movie_close(keep = 1), removed otherwise (and by
 * the signal handler). cli_movie_open returns 0, or 2 after printing why as
 * "ganlab CMD: ..."; cli_movie_stream is where the frames go. */
typedef struct cli_movie cli_movie;
int cli_movie_open(cli_movie **out, const char *path, const char *cmd);
FILE *cli_movie_stream(cli_movie *m);
int cli_movie_close(cli_movie *m, int keep, const char *cmd);

#endif
