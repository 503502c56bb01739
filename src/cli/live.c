/* SPDX-License-Identifier: GPL-3.0-or-later */
/* live.c — the processes of `ganlab train --live / --step / --movie`: a
 * gnuplot drawing the frames (src/live.h) in a window or in the terminal, a
 * second one writing the GIF, and step mode's commands from stdin.
 *
 * Each gnuplot runs in a process group of its own, so that Ctrl-C in the
 * terminal reaches ganlab only (which then stops as for every command,
 * sig.c) and the window keeps its last frame (-persist).
 * Closing the window: its gnuplot is told `bind 'Close' 'exit gnuplot'`, so
 * it exits when the window is closed; ganlab sees that (waitpid, or EPIPE
 * on the next frame) and ends the training as after its last step.
 * A window frame is drawn twice, by two gnuplots: a renderer draws it into a
 * PNG (pngcairo) and says 'done', then the window's gnuplot shows that PNG,
 * one image, and says 'shown'; ganlab waits for each. gnuplot clears a
 * window before it draws, and a two-panel frame drawn there directly showed
 * a blank window for most of each redraw (under Xvfb: most screenshots of a
 * 2-D run blank); and the window's gnuplot never leaves its terminal and
 * waits in it between frames, where it sees the window's Close at once.
 * Frames are formatted into one buffer allocated at the start, then
 * written with write(2) again after EINTR: a Ctrl-C in the middle of a
 * frame must not leave gnuplot inside a datablock (a second one ends the
 * process from its handler, sig.c). */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "cli_live.h"
#include "live.h"
#include "rec.h"

#define REDRAW_S 0.25 /* the window's default: at most 4 redraws a second */
#define FRAME_MAX (8u << 20) /* bytes of one frame's commands, at most */

typedef struct {
    FILE *fp;
    pid_t pid; /* 0 once it has exited (and been reaped) */
    int out;   /* its stdout, read back (gp_start with answers), else -1 */
} gp_proc;

struct cli_movie {
    gp_proc gp;
    const char *path;
    char tmp[4096]; /* the GIF's temporary file, renamed to path at the end */
};

struct cli_live {
    cli_live_opts o;
    gp_proc view, render; /* the window's (or terminal's) gnuplot; a window's renderer */
    cli_movie *movie;
    gl_live *lv_view, *lv_movie; /* one each: the movie is the same whatever the window did */
    int window, closed;
    size_t movie_every, drawn_view, drawn_movie;
    double last_draw; /* seconds (monotonic) of the latest window frame */
    char png[2][4096]; /* a window's frames, in turn, in a directory of its own */
    size_t nwin;       /* window frames drawn */
    const char *note;
    char keys[16][8]; /* step mode: commands typed in the window, not yet read */
    size_t nkeys;
    char *mem;        /* FRAME_MAX bytes: a frame's commands */
    FILE *fbuf;       /* writing into mem */
};

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* gnuplot [-persist] reading a pipe, its stdout another one (g->out) with
 * answers; its own process group */
static int gp_start(gp_proc *g, int persist, int answers)
{
    int fd[2], ans[2] = {-1, -1};
    g->fp = NULL;
    g->pid = 0;
    g->out = -1;
    if (answers && pipe(ans))
        return -1;
    if (pipe(fd))
        return -1;
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) {
        close(fd[0]), close(fd[1]);
        return -1;
    }
    if (pid == 0) {
        setpgid(0, 0);
        dup2(fd[0], STDIN_FILENO);
        close(fd[0]), close(fd[1]);
        if (answers)
            dup2(ans[1], STDOUT_FILENO), close(ans[0]), close(ans[1]);
        if (persist)
            execlp("gnuplot", "gnuplot", "-persist", (char *)NULL);
        else
            execlp("gnuplot", "gnuplot", (char *)NULL);
        _exit(127);
    }
    close(fd[0]);
    fcntl(fd[1], F_SETFD, FD_CLOEXEC);
    if (answers) {
        close(ans[1]);
        fcntl(ans[0], F_SETFD, FD_CLOEXEC);
        g->out = ans[0];
    }
    g->pid = pid;
    if (!(g->fp = fdopen(fd[1], "w"))) {
        close(fd[1]);
        return -1;
    }
    return 0;
}

/* 1 while the process runs */
static int gp_alive(gp_proc *g)
{
    int st;
    if (g->pid > 0 && waitpid(g->pid, &st, WNOHANG) == g->pid)
        g->pid = 0;
    return g->pid > 0;
}

/* closes the pipe (gnuplot ends at its end) and waits; its exit status, or -1 */
static int gp_close(gp_proc *g)
{
    int st = 0;
    if (g->fp)
        fclose(g->fp);
    g->fp = NULL;
    if (g->out >= 0)
        close(g->out);
    g->out = -1;
    if (g->pid <= 0)
        return g->pid == 0 ? 0 : -1;
    while (waitpid(g->pid, &st, 0) < 0)
        if (errno != EINTR)
            return -1;
    g->pid = 0;
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* n bytes to fd, again after EINTR; -1 on an error (EPIPE: gnuplot is gone) */
static int write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t k = write(fd, p, n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return -1;
        p += k, n -= (size_t)k;
    }
    return 0;
}

/* one answer line of g (its `print`) into buf, read again after EINTR; -1
 * at its end */
static int gp_answer(gp_proc *g, char *buf, size_t n)
{
    size_t k = 0;
    for (;;) {
        char ch;
        ssize_t r = read(g->out, &ch, 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        if (ch == '\n') {
            buf[k] = '\0';
            return 0;
        }
        if (k + 1 < n)
            buf[k++] = ch;
    }
}

/* waits for the answer want from g (other lines are skipped); -1 at its end */
static int gp_expect(gp_proc *g, const char *want)
{
    char line[64];
    for (;;) {
        if (gp_answer(g, line, sizeof line))
            return -1;
        if (!strcmp(line, want))
            return 0;
    }
}

/* A line of the window's gnuplot: "key CMD" (a key bound in step mode,
 * open_view) goes into c's queue of commands (at most 16; more are
 * dropped); 1 if it was one. */
static int queue_key(cli_live *c, const char *line)
{
    if (strncmp(line, "key ", 4) != 0)
        return 0;
    size_t k = strlen(line + 4);
    if (c->nkeys < sizeof c->keys / sizeof c->keys[0] && k < sizeof c->keys[0])
        memcpy(c->keys[c->nkeys++], line + 4, k + 1);
    return 1;
}

/* gp_expect for the window's gnuplot: keys typed meanwhile are queued */
static int view_expect(cli_live *c, const char *want)
{
    char line[64];
    for (;;) {
        if (gp_answer(&c->view, line, sizeof line))
            return -1;
        if (!strcmp(line, want))
            return 0;
        queue_key(c, line);
    }
}

/* s as a gnuplot single-quoted string (a quote inside is doubled) */
static void gp_put_str(FILE *f, const char *s)
{
    fputc('\'', f);
    for (; *s; s++)
        fputs(*s == '\'' ? "''" : (char[]){*s, '\0'}, f);
    fputc('\'', f);
}

/* 1 if this gnuplot knows the terminal (gnuplot -e 'set terminal NAME'
 * exits 0). Not system(3): it ignores SIGINT while it waits, and a Ctrl-C
 * then would be lost. */
static int have_term(const char *name)
{
    char cmd[96];
    if (strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789_-") != strlen(name) || strlen(name) > 64)
        return 0;
    snprintf(cmd, sizeof cmd, "set terminal %s", name);
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0)
        return 0;
    if (pid == 0) {
        int null = open("/dev/null", O_RDWR);
        dup2(null, STDIN_FILENO), dup2(null, STDOUT_FILENO), dup2(null, STDERR_FILENO);
        execlp("gnuplot", "gnuplot", "-e", cmd, (char *)NULL);
        _exit(127);
    }
    int st;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR)
            return 0;
    return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

/* the terminal's `set terminal` line; dumb's size is the terminal's */
static void term_line(const char *name, char *buf, size_t n)
{
    struct winsize ws;
    int cols = 120, rows = 48;
    if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 20)
        cols = ws.ws_col, rows = ws.ws_row > 10 ? ws.ws_row - 1 : rows;
    if (!strcmp(name, "qt") || !strcmp(name, "x11") || !strcmp(name, "wxt"))
        snprintf(buf, n, "set terminal %s size 960,720 title 'ganlab train --live' noraise", name);
    else if (!strcmp(name, "dumb"))
        snprintf(buf, n, "set terminal dumb size %d,%d", cols, rows);
    else if (!strcmp(name, "sixelgd"))
        snprintf(buf, n, "set terminal sixelgd size 960,720 truecolor");
    else
        snprintf(buf, n, "set terminal %s", name);
}

/* --live-term, else a window when there is a display (qt, else x11), else dumb */
static int pick_term(const cli_live_opts *o, char *name, size_t n)
{
    const char *t = o->term;
    if (!t) {
        const char *d = getenv("DISPLAY"), *wl = getenv("WAYLAND_DISPLAY");
        t = (d && *d) || (wl && *wl) ? (have_term("qt") ? "qt" : have_term("x11") ? "x11" : NULL)
                                     : "dumb";
        if (!t)
            return cli_fail("train", "--live: there is a display but this gnuplot has no window "
                            "terminal (Debian: apt-get install gnuplot-qt), or give --live-term dumb");
    } else if (!have_term(t)) {
        return cli_fail("train", "--live-term %s: this gnuplot has no such terminal (gnuplot -e "
                        "'set terminal' lists them)", t);
    }
    snprintf(name, n, "%s", t);
    return 0;
}

static int open_view(cli_live *c)
{
    char name[80], line[256];
    if (pick_term(&c->o, name, sizeof name))
        return 2;
    c->window = !strcmp(name, "qt") || !strcmp(name, "x11") || !strcmp(name, "wxt");
    term_line(name, line, sizeof line);
    if (gp_start(&c->view, c->window, c->window))
        return cli_fail("train", "--live: cannot start gnuplot: %s", strerror(errno));
    fprintf(c->view.fp, "%s\n", line);
    if (c->window) {
        const char *tmp = getenv("TMPDIR");
        char dir[4000];
        snprintf(dir, sizeof dir, "%s/ganlab-live-XXXXXX", tmp && *tmp ? tmp : "/tmp");
        if (!mkdtemp(dir))
            return cli_fail("train", "--live: cannot make a directory in %s: %s",
                            tmp && *tmp ? tmp : "/tmp", strerror(errno));
        for (int k = 0; k < 2; k++)
            snprintf(c->png[k], sizeof c->png[k], "%s/frame%d.png", dir, k);
        if (gp_start(&c->render, 0, 1))
            return cli_fail("train", "--live: cannot start gnuplot: %s", strerror(errno));
        fputs("set terminal pngcairo size 960,720 font ',10'\nset print '-'\n", c->render.fp);
        fflush(c->render.fp);
        fputs("bind 'Close' 'exit gnuplot'\nset print '-'\nunset border\nunset tics\nunset key\n"
              "set margins 0,0,0,0\nset xrange [0:959]\nset yrange [0:719]\n", c->view.fp);
        /* step mode's commands as keys of the window (cli_live_command):
         * each prints a line that ganlab reads back */
        fputs("bind 'd' 'print \"key d\"'\nbind 'g' 'print \"key g\"'\nbind 'q' 'print \"key q\"'\n"
              "bind 'Return' 'print \"key \"'\nbind 'n' 'print \"key \"'\n"
              "bind '1' 'print \"key 10\"'\nbind '2' 'print \"key 100\"'\n"
              "bind '3' 'print \"key 1000\"'\n", c->view.fp);
    } else if (isatty(STDOUT_FILENO)) { /* each frame from the top of a cleared screen */
        fputs("set print '-'\n", c->view.fp);
    }
    fflush(c->view.fp);
    return 0;
}

int cli_movie_open(cli_movie **out, const char *path, const char *cmd)
{
    *out = NULL;
    if (!have_term("gif"))
        return cli_fail(cmd, "--movie: this gnuplot has no gif terminal (Debian: gnuplot-qt "
                        "or gnuplot-nox)");
    gl_err e;
    if (gl_rec_check_target(path, &e))
        return cli_fail(cmd, "--movie: %s", e.msg);
    cli_movie *m = calloc(1, sizeof *m);
    if (!m)
        return cli_fail(cmd, "out of memory");
    m->path = path;
    FILE *probe = NULL;
    if (snprintf(m->tmp, sizeof m->tmp, "%s.tmp.%ld", path, (long)getpid()) >= (int)sizeof m->tmp)
        m->tmp[0] = '\0';
    if (!m->tmp[0] || !(probe = fopen(m->tmp, "wb"))) {
        int rc = cli_fail(cmd, "--movie: cannot write %s: %s", m->tmp[0] ? m->tmp : path,
                          m->tmp[0] ? strerror(errno) : "name too long");
        free(m);
        return rc;
    }
    fclose(probe);
    cli_unlink_on_signal(m->tmp);
    *out = m;
    if (gp_start(&m->gp, 0, 0))
        return cli_fail(cmd, "--movie: cannot start gnuplot: %s", strerror(errno));
    fputs("set terminal gif animate delay 10 size 960,720\nset output ", m->gp.fp);
    gp_put_str(m->gp.fp, m->tmp);
    fputc('\n', m->gp.fp);
    return 0;
}

FILE *cli_movie_stream(cli_movie *m)
{
    return m ? m->gp.fp : NULL;
}

int cli_movie_close(cli_movie *m, int keep, const char *cmd)
{
    if (!m)
        return 0;
    int rc = 0, st = -1;
    if (m->gp.fp) {
        fflush(m->gp.fp);
        st = write_all(fileno(m->gp.fp), "unset output\n", 14) ? -1 : gp_close(&m->gp);
        if (st == -1)
            gp_close(&m->gp);
    }
    if (keep && st != 0)
        rc = cli_fail(cmd, "--movie: gnuplot failed writing %s (status %d)", m->tmp, st);
    else if (keep && rename(m->tmp, m->path))
        rc = cli_fail(cmd, "--movie: cannot rename %s to %s: %s", m->tmp, m->path,
                      strerror(errno));
    if (!keep || rc)
        unlink(m->tmp);
    cli_unlink_on_signal(NULL);
    free(m);
    return rc;
}

int cli_live_open(cli_live **out, const cli_live_opts *o, const gl_mix *P, const gl_rig *g,
                  const gl_gan_cfg *gan, unsigned long seed)
{
    *out = NULL;
    cli_live *c = calloc(1, sizeof *c);
    if (!c)
        return cli_fail("train", "out of memory");
    c->o = *o;
    c->movie_every = o->every ? o->every : (gan->steps >= 100 ? gan->steps / 100 : 1);
    c->last_draw = -INFINITY;
    signal(SIGPIPE, SIG_IGN); /* a closed window is an EPIPE, not the end of ganlab */
    if (!(c->mem = malloc(FRAME_MAX)) || !(c->fbuf = fmemopen(c->mem, FRAME_MAX, "w"))) {
        cli_live_close(c, 0);
        return cli_fail("train", "out of memory");
    }
    gl_live_cfg lc = gl_live_cfg_default();
    lc.seed = seed ^ 0x2545f4914f6cdd1dul;
    gl_err e;
    int rc = 0;
    if ((o->live && (rc = open_view(c))) || (o->movie && (rc = cli_movie_open(&c->movie, o->movie,
                                                                             "train")))) {
        cli_live_close(c, 0);
        return rc;
    }
    if ((o->live && gl_live_alloc(&c->lv_view, P, g, gan, &lc, &e)) ||
        (o->movie && gl_live_alloc(&c->lv_movie, P, g, gan, &lc, &e))) {
        cli_live_close(c, 0);
        return cli_fail_err("train", &e);
    }
    *out = c;
    return 0;
}

/* the commands written so far into the buffer, to g */
static int flush_to(cli_live *c, gp_proc *g)
{
    long n = ftell(c->fbuf);
    if (fflush(c->fbuf) || ferror(c->fbuf) || n < 0 || (size_t)n >= FRAME_MAX || fflush(g->fp))
        return -1;
    return write_all(fileno(g->fp), c->mem, (size_t)n);
}

/* the frame of lv into g (the terminal's gnuplot, or the movie's) */
static int send_frame(cli_live *c, const gl_live *lv, gp_proc *g)
{
    rewind(c->fbuf);
    if (g == &c->view && isatty(STDOUT_FILENO)) /* from the top of a cleared screen */
        fputs("print \"\\033[H\\033[2J\"\n", c->fbuf);
    if (gl_live_write(lv, c->fbuf, c->note, NULL))
        return -1;
    return flush_to(c, g);
}

/* a window's frame: the renderer's PNG, then the window shows it */
static int send_window(cli_live *c, const gl_live *lv)
{
    const char *png = c->png[c->nwin++ % 2];
    rewind(c->fbuf);
    fputs("set output ", c->fbuf);
    gp_put_str(c->fbuf, png);
    fputc('\n', c->fbuf);
    if (gl_live_write(lv, c->fbuf, c->note, NULL))
        return -1;
    fputs("unset output\nprint 'done'\n", c->fbuf);
    if (flush_to(c, &c->render) || gp_expect(&c->render, "done"))
        return -1;
    rewind(c->fbuf);
    fputs("plot ", c->fbuf);
    gp_put_str(c->fbuf, png);
    fputs(" binary filetype=png with rgbimage notitle\nprint 'shown'\n", c->fbuf);
    return flush_to(c, &c->view) || view_expect(c, "shown") ? -1 : 0;
}

/* one frame into the view; 1 if the window is gone */
static int draw_view(cli_live *c, const gl_gan_stats *s)
{
    if (c->closed || (c->window && !gp_alive(&c->view)))
        return c->closed = 1;
    gl_live_update(c->lv_view, s);
    if ((c->window ? send_window(c, c->lv_view) : send_frame(c, c->lv_view, &c->view)) ||
        !gp_alive(&c->view))
        return c->closed = 1;
    c->drawn_view = s->step + 1;
    c->last_draw = now_s();
    return 0;
}

static int draw_movie(cli_live *c, const gl_gan_stats *s)
{
    gl_live_update(c->lv_movie, s);
    c->drawn_movie = s->step + 1;
    return send_frame(c, c->lv_movie, &c->movie->gp) ? -1 : 0;
}

int cli_live_frame(cli_live *c, const gl_gan_stats *s, int force)
{
    int stop = 0;
    if (c->lv_view && (force == 2 || c->drawn_view != s->step + 1)) {
        int due = c->o.every ? s->step % c->o.every == 0 : now_s() - c->last_draw >= REDRAW_S;
        if (force || due)
            stop = draw_view(c, s);
    }
    if (c->lv_movie && (force == 2 || (c->drawn_movie != s->step + 1 &&
                                       (force || s->step % c->movie_every == 0))))
        if (draw_movie(c, s))
            stop = -1;
    return stop;
}

void cli_live_note(cli_live *c, const char *note)
{
    c->note = note;
}

int cli_live_closed(const cli_live *c)
{
    return c && c->closed;
}

int cli_live_close(cli_live *c, int keep_movie)
{
    if (!c)
        return 0;
    gp_close(&c->view);
    gp_close(&c->render);
    int rc = cli_movie_close(c->movie, keep_movie, "train");
    if (c->png[0][0]) { /* the frames, then their directory */
        unlink(c->png[0]);
        unlink(c->png[1]);
        *strrchr(c->png[0], '/') = '\0';
        rmdir(c->png[0]);
    }
    if (c->fbuf)
        fclose(c->fbuf);
    free(c->mem);
    gl_live_free(c->lv_view);
    gl_live_free(c->lv_movie);
    free(c);
    return rc;
}

/* ---- step mode ---- */

/* A command line: one typed in the window (queued, or arriving now from
 * its gnuplot; *key 1) or a line from stdin (*key 0), waiting in slices of
 * 0.2 s so that a closed window or a signal ends the wait; 0 at EOF or then */
static int read_line(cli_live *c, char *buf, size_t n, int *key)
{
    *key = 1;
    struct pollfd p[2] = {{.fd = STDIN_FILENO, .events = POLLIN},
                          {.fd = c->window ? c->view.out : -1, .events = POLLIN}};
    for (;;) {
        if (c->nkeys) {
            snprintf(buf, n, "%s\n", c->keys[0]);
            memmove(c->keys[0], c->keys[1], --c->nkeys * sizeof c->keys[0]);
            return 1;
        }
        if (cli_signal)
            return 0;
        if (c->window && !gp_alive(&c->view)) {
            c->closed = 1;
            return 0;
        }
        int r = poll(p, 2, 200);
        if (r < 0 && errno != EINTR)
            return 0;
        if (r > 0 && (p[1].revents & POLLIN)) {
            char line[64];
            if (gp_answer(&c->view, line, sizeof line) == 0)
                queue_key(c, line);
            else
                p[1].fd = -1; /* its end: the window is closing */
            continue;
        }
        if (r > 0 && p[0].revents) {
            *key = 0;
            return fgets(buf, (int)n, stdin) != NULL;
        }
    }
}

int cli_live_command(cli_live *c, size_t step, size_t *n)
{
    char line[128];
    for (;;) {
        /* the prompt: once the frame is drawn, ready for the next command
         * (typed, or a key of the window, which is then echoed) */
        int prompt = isatty(STDIN_FILENO) || c->window, key;
        if (prompt) {
            fprintf(stderr, "step %zu> ", step);
            fflush(stderr);
        }
        if (!read_line(c, line, sizeof line, &key)) {
            if (prompt)
                fputc('\n', stderr);
            return 'q';
        }
        if (prompt && key)
            fputs(line[0] == '\n' ? "(Enter)\n" : line, stderr);
        char *p = line + strspn(line, " \t"), *end;
        p[strcspn(p, " \t\r\n")] = '\0';
        if (!*p) {
            *n = 1;
            return 's';
        }
        if (!strcmp(p, "d") || !strcmp(p, "g") || !strcmp(p, "q"))
            return *p;
        errno = 0;
        unsigned long long k = strtoull(p, &end, 10);
        if (*p >= '0' && *p <= '9' && !*end && !errno && k >= 1 && k <= 1000000000ull) {
            *n = (size_t)k;
            return 's';
        }
        fprintf(stderr, "ganlab train: step mode: '%s'? d = one D-step, g = one G-step, Enter = "
                "one step, a number N = N steps (1..1e9), q = quit\n", p);
    }
}
