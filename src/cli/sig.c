/* SPDX-License-Identifier: GPL-3.0-or-later */
/* sig.c — SIGINT and SIGTERM for every command (cli.h). */
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "rec.h"

volatile sig_atomic_t cli_signal = 0, cli_graceful = 0;
const char *volatile cli_resume_note = NULL;
static char also[4096]; /* cli_unlink_on_signal's path, "" for none */

const char *cli_signal_name(int sig) { return sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : "a signal"; }

/* write(2) only: the handler may not call stdio */
static void say(const char *s)
{
    ssize_t r = write(STDERR_FILENO, s, strlen(s));
    (void)r;
}

static void handler(int sig)
{
    int again = cli_signal != 0;
    cli_signal = sig;
    if (cli_graceful && !again)
        return;
    gl_rec_unlink_pending();
    if (also[0])
        unlink(also);
    say("\nganlab: interrupted by ");
    say(cli_signal_name(sig));
    say("; no result file was replaced\n");
    if (cli_resume_note)
        say(cli_resume_note);
    _exit(128 + sig);
}

void cli_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = handler;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

void cli_unlink_on_signal(const char *path)
{
    also[0] = '\0';
    if (path && strlen(path) < sizeof also)
        memcpy(also, path, strlen(path) + 1);
}
