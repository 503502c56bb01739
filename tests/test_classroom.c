/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test_classroom.c — `ganlab train --live / --step / --movie` and `ganlab exp
 * --movie` as a class uses them (the processes of src/cli/live.c; the frames
 * themselves are test_live's): text frames in the terminal (dumb), step mode
 * scripted through stdin, the GIF (a valid animated GIF with one image per
 * frame, the same bytes for the same seed), Ctrl-C, and under Xvfb the
 * window: a screenshot that shows the plot, and closing the window (a
 * WM_DELETE_WINDOW, as a window manager sends it: tests/x11close.py), which
 * ends the training with the log written and exit status 0. Watching never
 * changes log.tsv or an experiment's results. */
#include <check.h>
#include <dirent.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "testutil.h"

static char out[1 << 20], err[1 << 14];

#define DATA1 "--data '0.5*N(-2,0.5)+0.5*N(2,0.5)' --recipe textbook"

#define ganlab(...) gl_test_runf(out, sizeof out, err, sizeof err, __VA_ARGS__)

static size_t count(const char *s, const char *pat)
{
    size_t n = 0;
    for (const char *p = s; (p = strstr(p, pat)); p += strlen(pat))
        n++;
    return n;
}

static size_t slurp(const char *path, char *buf, size_t n)
{
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot read %s", path);
    size_t k = fread(buf, 1, n - 1, f);
    buf[k] = '\0';
    fclose(f);
    return k;
}

static int same_file(const char *a, const char *b)
{
    static char x[1 << 20], y[1 << 20];
    size_t na = slurp(a, x, sizeof x), nb = slurp(b, y, sizeof y);
    return na == nb && memcmp(x, y, na) == 0;
}

/* GIF89a's blocks (the GIF specification, 1989): the images (frames) it
 * holds, -1 if it is not a well-formed GIF; *loop = 1 with the NETSCAPE2.0
 * application extension that makes it an animation */
static int gif_frames(const unsigned char *g, size_t n, int *loop)
{
    size_t p = 13;
    *loop = 0;
    if (n < 14 || memcmp(g, "GIF89a", 6) != 0)
        return -1;
    if (g[10] & 0x80)
        p += 3u << ((g[10] & 7) + 1);
    int frames = 0;
    while (p < n) {
        unsigned char b = g[p++];
        if (b == 0x3b)
            return frames;
        if (b == 0x21) { /* extension: label, then sub-blocks */
            if (p + 12 < n && g[p] == 0xff && memcmp(g + p + 2, "NETSCAPE2.0", 11) == 0)
                *loop = 1;
            p++;
        } else if (b == 0x2c) { /* image descriptor, local table, LZW code size */
            if (p + 9 > n)
                return -1;
            unsigned char f = g[p + 8];
            p += 9;
            if (f & 0x80)
                p += 3u << ((f & 7) + 1);
            p++;
            frames++;
        } else {
            return -1;
        }
        while (p < n && g[p]) /* sub-blocks, then the terminator */
            p += 1u + g[p];
        p++;
    }
    return -1; /* no trailer */
}

static int gif_file_frames(const char *path, int *loop)
{
    static unsigned char g[1 << 23];
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "no movie %s", path);
    size_t n = fread(g, 1, sizeof g, f);
    fclose(f);
    return gif_frames(g, n, loop);
}

/* dumb: one text frame per --live-every steps and the first, each with the
 * curves; log.tsv and pg.tsv are those of the same run without --live */
START_TEST(test_dumb_frames)
{
    ck_assert_int_eq(ganlab("train " DATA1 " --steps 200 --log-every 20 --live --live-term dumb "
                            "--live-every 100 --out %s/a", gl_test_dir), 0);
    ck_assert_uint_eq(count(out, "ganlab train: step "), 3);
    ck_assert(strstr(out, "ganlab train: step 0 ") && strstr(out, "ganlab train: step 100 ") &&
              strstr(out, "ganlab train: step 200 "));
    /* the curves may cross a key's text: the keys are looked for once */
    ck_assert(strstr(out, "p_g (exact)") && strstr(out, "JSD (exact)") && strstr(out, "nats"));
    ck_assert(strstr(out, "log.tsv: 200 steps") != NULL);
    ck_assert_int_eq(ganlab("train " DATA1 " --steps 200 --log-every 20 --out %s/b", gl_test_dir), 0);
    char a[256], b[256];
    snprintf(a, sizeof a, "%s/a/log.tsv", gl_test_dir);
    snprintf(b, sizeof b, "%s/b/log.tsv", gl_test_dir);
    ck_assert_msg(same_file(a, b), "--live changed log.tsv");
    snprintf(a, sizeof a, "%s/a/pg.tsv", gl_test_dir);
    snprintf(b, sizeof b, "%s/b/pg.tsv", gl_test_dir);
    ck_assert_msg(same_file(a, b), "--live changed pg.tsv");
    /* 2-D: the heatmap's frame, with modes and HQ */
    ck_assert_int_eq(ganlab("train --data 'ring(8,2,0.05)' --steps 100 --live --live-term dumb "
                            "--live-every 50 --out %s/c", gl_test_dir), 0);
    ck_assert_uint_eq(count(out, "ganlab train: step "), 3);
    ck_assert(strstr(out, "modes covered / K") != NULL);
}
END_TEST

/* a file holding text, for stdin */
static const char *input(const char *name, const char *text)
{
    static char path[256];
    snprintf(path, sizeof path, "%s/%s", gl_test_dir, name);
    FILE *f = fopen(path, "w");
    ck_assert(f && fputs(text, f) >= 0 && fclose(f) == 0);
    return path;
}

/* step mode from stdin: d, g, Enter, a number, a bad line (answered), q */
START_TEST(test_step_mode)
{
    /* --live-every past every command's steps: frames only after each command
     * (the default cadence is by the clock, so a slow build draws more) */
    ck_assert_int_eq(ganlab("train " DATA1 " --steps 1000 --log-every 50 --step --live-term dumb "
                            "--live-every 1000 --out %s/s <%s", gl_test_dir,
                            input("in1", "d\ng\n\n5\nbad\n100\nq\n")), 0);
    const char *want[] = {"step 0 ", "step 0 ", "step 1 ", "step 2 ", "step 7 ", "step 107 "};
    const char *p = out;
    for (int i = 0; i < 6; i++) {
        char pat[64];
        snprintf(pat, sizeof pat, "ganlab train: %s", want[i]);
        ck_assert_msg((p = strstr(p, pat)), "frame %d (%s) missing or out of order", i, want[i]);
        p += strlen(pat);
    }
    ck_assert_uint_eq(count(out, "ganlab train: step "), 6);
    ck_assert(strstr(err, "'bad'? d = one D-step") != NULL);
    char path[256];
    static char log[1 << 16];
    snprintf(path, sizeof path, "%s/s/log.tsv", gl_test_dir);
    slurp(path, log, sizeof log);
    ck_assert(strstr(log, "# status: stopped at step 107 in step mode") != NULL);
    ck_assert(strstr(log, "\n50\t") && strstr(log, "\n100\t") && strstr(log, "\n107\t"));
    ck_assert(strstr(out, "last row step 107") != NULL);
    /* the end of the input quits like q; the last step ends step mode */
    ck_assert_int_eq(ganlab("train " DATA1 " --steps 1000 --step --live-term dumb --out %s/e "
                            "</dev/null", gl_test_dir), 0);
    ck_assert_uint_eq(count(out, "ganlab train: step "), 1);
    ck_assert_int_eq(ganlab("train " DATA1 " --steps 5 --step --live-term dumb --out %s/f <%s",
                            gl_test_dir, input("in2", "10\n")), 0);
    ck_assert(strstr(out, "ganlab train: step 5 ") && strstr(out, "5 steps, last row step 5"));
    snprintf(path, sizeof path, "%s/f/log.tsv", gl_test_dir);
    slurp(path, log, sizeof log);
    ck_assert_ptr_null(strstr(log, "# status"));
}
END_TEST

/* --movie: an animated GIF with one image per frame, 1-D and 2-D, the same
 * bytes for the same seed, no temporary file left */
START_TEST(test_movie)
{
    char m1[256], m2[256];
    int loop;
    snprintf(m1, sizeof m1, "%s/m1.gif", gl_test_dir);
    snprintf(m2, sizeof m2, "%s/m2.gif", gl_test_dir);
    ck_assert_int_eq(ganlab("train " DATA1 " --steps 200 --live-every 50 --movie %s --out %s/a",
                            m1, gl_test_dir), 0);
    ck_assert(strstr(out, "m1.gif: the movie") != NULL);
    ck_assert_int_eq(gif_file_frames(m1, &loop), 5); /* steps 0, 50, ..., 200 */
    ck_assert(loop);
    ck_assert_int_eq(ganlab("train " DATA1 " --steps 200 --live-every 50 --movie %s --out %s/b",
                            m2, gl_test_dir), 0);
    ck_assert_msg(same_file(m1, m2), "the same seed gave another movie");
    ck_assert_int_eq(ganlab("train --data 'ring(8,2,0.05)' --steps 100 --live-every 50 --movie %s "
                            "--out %s/c", m2, gl_test_dir), 0);
    ck_assert_int_eq(gif_file_frames(m2, &loop), 3);
    ck_assert_int_eq(gl_test_tmp_files(gl_test_dir), 0);
    /* the errors: before training, exit 2, one line */
    ck_assert_int_eq(ganlab("train " DATA1 " --movie %s/no/such/dir/m.gif", gl_test_dir), 2);
    ck_assert(strstr(err, "--movie: cannot write") != NULL);
    ck_assert_int_eq(ganlab("train " DATA1 " --live --live-term nosuchterm"), 2);
    ck_assert(strstr(err, "--live-term nosuchterm: this gnuplot has no such terminal") != NULL);
    ck_assert_int_eq(ganlab("train " DATA1 " --live-every 10"), 2);
    ck_assert(strstr(err, "go with --live, --step or --movie") != NULL);
}
END_TEST

/* exp --movie: the first training run's frames; the results do not change */
START_TEST(test_exp_movie)
{
    char m[256], a[256], b[256];
    int loop;
    snprintf(m, sizeof m, "%s/s.gif", gl_test_dir);
    ck_assert_int_le(ganlab("exp saturation --quick --steps 200 --out %s/a --movie %s",
                            gl_test_dir, m), 1);
    ck_assert(strstr(out, "s.gif: the movie of sgd/minimax, seed 1 (5 frames)") != NULL);
    ck_assert_int_eq(gif_file_frames(m, &loop), 5);
    ck_assert_int_le(ganlab("exp saturation --quick --steps 200 --out %s/b", gl_test_dir), 1);
    const char *files[] = {"claims.tsv", "jsd.tsv", "persample.tsv"};
    for (int i = 0; i < 3; i++) {
        snprintf(a, sizeof a, "%s/a/%s", gl_test_dir, files[i]);
        snprintf(b, sizeof b, "%s/b/%s", gl_test_dir, files[i]);
        ck_assert_msg(same_file(a, b), "--movie changed %s", files[i]);
    }
}
END_TEST

/* Ctrl-C during a live run with a movie: exit 130, the log kept and marked,
 * the movie so far kept, no temporary file */
START_TEST(test_live_sigint)
{
    const char *bin = getenv("GL_BIN");
    ck_assert_ptr_nonnull(bin);
    char cmd[2048], dir[256];
    snprintf(dir, sizeof dir, "%s/run", gl_test_dir);
    snprintf(cmd, sizeof cmd, "exec %s train " DATA1 " --steps 100000000 --live --live-term dumb "
             "--live-every 20 --movie %s/m.gif --out %s >%s/frames.txt 2>%s/stderr.txt", bin,
             gl_test_dir, dir, gl_test_dir, gl_test_dir);
    pid_t pid = fork();
    ck_assert(pid >= 0);
    if (pid == 0) {
        execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
        _exit(127);
    }
    /* training has begun once the frame of step 40 is drawn */
    static char frames[1 << 20];
    char fpath[300];
    snprintf(fpath, sizeof fpath, "%s/frames.txt", gl_test_dir);
    struct timespec ts = {0, 20 * 1000 * 1000};
    int begun = 0;
    for (int i = 0; i < 3000 && !begun; i++) {
        nanosleep(&ts, NULL);
        begun = access(fpath, R_OK) == 0 && slurp(fpath, frames, sizeof frames) &&
                strstr(frames, "ganlab train: step 40 ") != NULL;
    }
    ck_assert_msg(begun, "no frame of step 40 in 60 s");
    kill(pid, SIGINT);
    int st;
    ck_assert(waitpid(pid, &st, 0) == pid);
    ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 130, "status %d", st);
    char path[300];
    static char log[1 << 20];
    snprintf(path, sizeof path, "%s/log.tsv", dir);
    slurp(path, log, sizeof log);
    ck_assert(strstr(log, "# status: interrupted at step ") && strstr(log, "(SIGINT)"));
    int loop;
    snprintf(path, sizeof path, "%s/m.gif", gl_test_dir);
    ck_assert_int_ge(gif_file_frames(path, &loop), 1);
    ck_assert_int_eq(gl_test_tmp_files(dir) + gl_test_tmp_files(gl_test_dir), 0);
}
END_TEST

/* ---- the window, under Xvfb ---- */

static int have(const char *prog)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "command -v %s >/dev/null 2>&1", prog);
    return system(cmd) == 0;
}

/* Xvfb on display n; its pid once it accepts clients (it writes its number
 * to -displayfd then), or 0 if it ended first (the display is taken: its
 * lock file, or an abstract socket of a server this one cannot see) */
static pid_t xvfb_on(int n)
{
    int fd[2];
    ck_assert(pipe(fd) == 0);
    pid_t pid = fork();
    ck_assert(pid >= 0);
    if (pid == 0) {
        char d[16], f[16];
        snprintf(d, sizeof d, ":%d", n);
        snprintf(f, sizeof f, "%d", fd[1]);
        close(fd[0]);
        freopen("/dev/null", "w", stderr);
        execlp("timeout", "timeout", "120", "Xvfb", d, "-displayfd", f, "-screen", "0",
               "1024x768x24", "-nolisten", "tcp", (char *)NULL);
        _exit(127);
    }
    close(fd[1]);
    /* the number and its newline; the pipe stays open (fd[0] is left to the
     * test's end): a write to a closed one would kill Xvfb with SIGPIPE */
    char buf[32] = {0};
    size_t got = 0;
    ssize_t k;
    while (got < sizeof buf - 1 && (k = read(fd[0], buf + got, sizeof buf - 1 - got)) > 0)
        if (memchr(buf + got, '\n', (size_t)k) || (got += (size_t)k, 0))
            return pid;
    close(fd[0]);
    waitpid(pid, NULL, 0);
    return 0;
}

/* Xvfb on a free display from 100 + pid % 500 on (timeout ends it after
 * 120 s whatever happens to the test); DISPLAY set */
static pid_t start_xvfb(void)
{
    int n = 100 + (int)(getpid() % 500), k = 0;
    pid_t pid = 0;
    for (; k < 20 && !pid; k++)
        pid = xvfb_on(n + k);
    ck_assert_msg(pid > 0, "Xvfb did not start on :%d..:%d", n, n + 19);
    char disp[40];
    snprintf(disp, sizeof disp, ":%d", n + k - 1);
    setenv("DISPLAY", disp, 1);
    setenv("XDG_RUNTIME_DIR", gl_test_dir, 1); /* qt asks for one */
    return pid;
}

/* the number of pixels of colour rgb in the PNG */
static long pixels(const char *png, const char *rgb)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "convert %s -alpha off -fill black +opaque '%s' -fill white -opaque "
             "'%s' -format '%%[fx:round(mean*w*h)]' info:", png, rgb, rgb);
    FILE *p = popen(cmd, "r");
    long n = -1;
    ck_assert(p != NULL);
    if (fscanf(p, "%ld", &n) != 1)
        n = -1;
    pclose(p);
    return n;
}

/* 1 if the window tests' tools are here; else says which is missing */
static int have_x_tools(const char *test)
{
    const char *tools[] = {"Xvfb", "xdotool", "xwd", "convert", "python3"};
    for (int i = 0; i < 5; i++)
        if (!have(tools[i])) {
            fprintf(stderr, "classroom: %s skipped: no %s (make deps installs xvfb, "
                    "xdotool, x11-apps, imagemagick)\n", test, tools[i]);
            return 0;
        }
    return 1;
}

/* sh -c of the printf-style command, in a child, its stdin the read end
 * of the pipe in (none: -1); its pid */
static pid_t start_sh(const int *in, const char *fmt, ...)
{
    static char cmd[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    pid_t pid = fork();
    ck_assert(pid >= 0);
    if (pid == 0) {
        if (in)
            dup2(in[0], STDIN_FILENO), close(in[0]), close(in[1]);
        execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
        _exit(127);
    }
    return pid;
}

/* the live view's window, once gnuplot has mapped it (at most 30 s); on
 * none, ends the run pid and Xvfb x and fails with the run's stderr */
static unsigned long wait_window(pid_t pid, pid_t x)
{
    unsigned long win = 0;
    int found = 0;
    for (int i = 0; i < 150 && !found; i++) {
        nanosleep(&(struct timespec){0, 200 * 1000 * 1000}, NULL);
        FILE *p = popen("xdotool search --onlyvisible --name 'ganlab train --live' 2>&1 | tail -1",
                        "r");
        found = p && fscanf(p, "%lu", &win) == 1;
        if (p)
            pclose(p);
    }
    if (!found) {
        kill(pid, SIGKILL), kill(x, SIGTERM);
        char path[300];
        snprintf(path, sizeof path, "%s/stderr.txt", gl_test_dir);
        slurp(path, err, sizeof err);
        ck_abort_msg("no window 'ganlab train --live' on %s in 30 s; stderr: %s", getenv("DISPLAY"),
                     err);
    }
    return win;
}

START_TEST(test_window)
{
    if (!have_x_tools("test_window"))
        return;
    pid_t x = start_xvfb();
    char cmd[2048], dir[256], shot[300];
    snprintf(dir, sizeof dir, "%s/w", gl_test_dir);
    pid_t pid = start_sh(NULL, "exec timeout -s INT 90 %s train " DATA1 " --steps 400000 --live "
                         "--out %s >%s/stdout.txt 2>%s/stderr.txt", getenv("GL_BIN"), dir,
                         gl_test_dir, gl_test_dir);
    unsigned long win = wait_window(pid, x);
    /* the exact p_g (#cc3311) and D (#228833) on screen, once the first
     * frames are drawn (screenshots for at most 20 s) */
    snprintf(shot, sizeof shot, "%s/window.png", gl_test_dir);
    snprintf(cmd, sizeof cmd, "xwd -silent -root | convert xwd:- %s", shot); /* -id: black for qt */
    long red = 0, green = 0;
    for (int i = 0; i < 40 && (red <= 100 || green <= 100); i++) {
        nanosleep(&(struct timespec){0, 500 * 1000 * 1000}, NULL);
        ck_assert_int_eq(system(cmd), 0);
        red = pixels(shot, "#cc3311"), green = pixels(shot, "#228833");
    }
    ck_assert_msg(red > 100 && green > 100, "the window shows %ld pixels of p_g, %ld of D", red, green);
    snprintf(cmd, sizeof cmd, "python3 tests/x11close.py %lu", win);
    ck_assert_int_eq(system(cmd), 0);
    /* a close while gnuplot draws a frame can be lost, the next frame
     * reopening the window (docs/train.md): a reopened window is closed
     * again, at most twice, and each time said on stderr */
    int st = 0, again = 0;
    pid_t w = 0;
    for (int i = 1; i <= 1500 && (w = waitpid(pid, &st, WNOHANG)) == 0; i++) {
        nanosleep(&(struct timespec){0, 20 * 1000 * 1000}, NULL);
        if (i % 250 == 0 && again < 2) {
            again++;
            fprintf(stderr, "classroom: test_window: the window was reopened; closed again\n");
            ck_assert_int_eq(system("for w in $(xdotool search --onlyvisible --name 'ganlab train "
                                    "--live'); do python3 tests/x11close.py $w; done"), 0);
        }
    }
    char wins[512] = "";
    if (w == 0) { /* what is on the display then, for the message */
        FILE *q = popen("xdotool search --name ganlab 2>&1 | tr '\\n' ' '", "r");
        if (q && !fgets(wins, sizeof wins, q))
            wins[0] = '\0';
        if (q)
            pclose(q);
        kill(pid, SIGINT);
        for (int i = 0; i < 100 && (waitpid(pid, &st, WNOHANG)) == 0; i++)
            nanosleep(&(struct timespec){0, 20 * 1000 * 1000}, NULL);
        kill(pid, SIGKILL), waitpid(pid, &st, 0);
    }
    kill(x, SIGTERM);
    waitpid(x, NULL, 0);
    ck_assert_msg(w == pid, "closing window %lu (and twice more) did not end the training in 30 s "
                  "(windows then: %s)", win, wins);
    ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %d", st);
    char path[300];
    static char log[1 << 20];
    snprintf(path, sizeof path, "%s/log.tsv", dir);
    slurp(path, log, sizeof log);
    ck_assert(strstr(log, "the live window was closed") != NULL);
    snprintf(path, sizeof path, "%s/pg.tsv", dir);
    ck_assert_int_eq(access(path, R_OK), 0);
}
END_TEST

/* step mode's keys in the window: g, g, Enter, 1 (10 steps), d (a D-step:
 * the step stays), q; stdin stays open and silent, so every command came
 * from the window */
START_TEST(test_window_keys)
{
    if (!have_x_tools("test_window_keys"))
        return;
    pid_t x = start_xvfb();
    char dir[256];
    snprintf(dir, sizeof dir, "%s/k", gl_test_dir);
    int in[2];
    ck_assert_int_eq(pipe(in), 0);
    pid_t pid = start_sh(in, "exec timeout -s INT 60 %s train " DATA1 " --steps 100000 --step "
                         "--live --out %s >%s/stdout.txt 2>%s/stderr.txt", getenv("GL_BIN"), dir,
                         gl_test_dir, gl_test_dir);
    close(in[0]); /* in[1] stays open, silent, until the end */
    unsigned long win = wait_window(pid, x);
    /* each key once the frame of the one before is drawn: after the k-th
     * prompt "step N> " on stderr (gnuplot can drop a key pressed while it
     * draws, docs/train.md) */
    static const char *const keys[] = {"g", "g", "Return", "1", "d", "q"};
    char cmd[256], path[300];
    snprintf(path, sizeof path, "%s/stderr.txt", gl_test_dir);
    for (size_t k = 0; k < 6; k++) {
        for (int i = 0; i < 1000 && (slurp(path, err, sizeof err), count(err, "> ") < k + 1); i++)
            nanosleep(&(struct timespec){0, 20 * 1000 * 1000}, NULL);
        ck_assert_msg(count(err, "> ") >= k + 1, "no prompt %zu in 20 s; stderr: %s", k + 1, err);
        snprintf(cmd, sizeof cmd, "xdotool windowfocus --sync %lu && xdotool key %s", win, keys[k]);
        ck_assert_int_eq(system(cmd), 0);
    }
    /* the keys echoed after their prompts */
    for (int i = 0; i < 500 && (slurp(path, err, sizeof err), !strstr(err, "step 13> q")); i++)
        nanosleep(&(struct timespec){0, 20 * 1000 * 1000}, NULL);
    ck_assert_msg(strstr(err, "step 0> g\nstep 1> g\nstep 2> (Enter)\nstep 3> 10\nstep 13> d\n"
                             "step 13> q") != NULL, "stderr: %s", err);
    int st = 0;
    pid_t w = 0;
    for (int i = 0; i < 1500 && (w = waitpid(pid, &st, WNOHANG)) == 0; i++)
        nanosleep(&(struct timespec){0, 20 * 1000 * 1000}, NULL);
    if (w == 0)
        kill(pid, SIGKILL), waitpid(pid, &st, 0);
    kill(x, SIGTERM);
    waitpid(x, NULL, 0);
    close(in[1]);
    ck_assert_msg(w == pid, "the keys g g Return 1 d q did not end the run in 30 s");
    ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %d", st);
    static char log[1 << 20];
    snprintf(path, sizeof path, "%s/log.tsv", dir);
    slurp(path, log, sizeof log);
    ck_assert_msg(strstr(log, "# status: stopped at step 13 in step mode") != NULL, "log: %s",
                  strstr(log, "# status") ? strstr(log, "# status") : "(no status)");
}
END_TEST

Suite *classroom_suite(void)
{
    Suite *s = suite_create("classroom");
    TCase *core = tcase_create("core");
    tcase_add_checked_fixture(core, gl_test_mkdir, gl_test_rmdir);
    tcase_add_test(core, test_dumb_frames);
    tcase_add_test(core, test_step_mode);
    tcase_add_test(core, test_movie);
    tcase_add_test(core, test_exp_movie);
    tcase_add_test(core, test_live_sigint);
    tcase_add_test(core, test_window);
    tcase_add_test(core, test_window_keys);
    tcase_set_timeout(core, 120);
    suite_add_tcase(s, core);
    return s;
}
