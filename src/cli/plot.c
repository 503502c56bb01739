/* SPDX-License-Identifier: GPL-3.0-or-later */
/* plot.c — `ganlab exp NAME --plot`: draw an experiment's figures with
 * gnuplot from plots/NAME.gp, wherever ganlab is installed.
 *
 * The data directory (which holds plots/NAME.gp and plots/style.gp) is
 * $GANLAB_DATADIR if it is set, otherwise the first of
 *   EXE/../share/ganlab   an installed tree, even one moved after install
 *   EXE/..                bin/ganlab in a checkout
 *   GL_DATADIR            PREFIX/share/ganlab, compiled in by make
 * that holds plots/style.gp (EXE: the directory of the running binary).
 * gnuplot runs in the data directory, because the scripts load
 * "plots/style.gp", with dir set to the absolute output directory. */
#include <errno.h>
#include <glob.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "datadir.h" /* GL_DATADIR, written by make from PREFIX */

#ifndef PATH_MAX
#define PATH_MAX 4096
#endif

static int readable(const char *dir, const char *file)
{
    char p[PATH_MAX];
    return snprintf(p, sizeof p, "%s/%s", dir, file) < (int)sizeof p && access(p, R_OK) == 0;
}

/* The directory of the running binary (Linux's /proc/self/exe), or "". */
static void exe_dir(char *buf, size_t n)
{
    ssize_t k = readlink("/proc/self/exe", buf, n - 1);
    buf[k > 0 ? k : 0] = '\0';
    char *slash = strrchr(buf, '/');
    if (slash)
        *slash = '\0';
    else
        buf[0] = '\0';
}

/* 1 if an executable gnuplot is on PATH. */
static int have_gnuplot(void)
{
    const char *path = getenv("PATH");
    if (!path)
        return 0;
    char dir[PATH_MAX];
    while (*path) {
        size_t n = strcspn(path, ":");
        if (n > 0 && n < sizeof dir - 1) {
            memcpy(dir, path, n);
            dir[n] = '\0';
            char p[PATH_MAX];
            if (snprintf(p, sizeof p, "%s/gnuplot", dir) < (int)sizeof p && access(p, X_OK) == 0)
                return 1;
        }
        path += n + (path[n] == ':');
    }
    return 0;
}

int cli_plot_find(const char *name, char *datadir, size_t n)
{
    char script[256];
    snprintf(script, sizeof script, "plots/%s.gp", name);
    if (!have_gnuplot())
        return cli_fail("exp", "--plot: gnuplot not found on PATH (Debian: apt-get install gnuplot-qt)");
    const char *env = getenv("GANLAB_DATADIR");
    if (env && *env) {
        if (!readable(env, script))
            return cli_fail("exp", "--plot: no %s in GANLAB_DATADIR=%s", script, env);
        snprintf(datadir, n, "%s", env);
        return 0;
    }
    char exe[PATH_MAX], cand[3][PATH_MAX + 32];
    exe_dir(exe, sizeof exe);
    snprintf(cand[0], sizeof cand[0], "%s/../share/ganlab", exe);
    snprintf(cand[1], sizeof cand[1], "%s/..", exe);
    snprintf(cand[2], sizeof cand[2], "%s", GL_DATADIR);
    for (int i = exe[0] ? 0 : 2; i < 3; i++)
        if (readable(cand[i], "plots/style.gp")) {
            if (!readable(cand[i], script))
                return cli_fail("exp", "--plot: no %s in %s", script, cand[i]);
            snprintf(datadir, n, "%s", cand[i]);
            return 0;
        }
    return cli_fail("exp", "--plot: no plots/style.gp in %s (set GANLAB_DATADIR to the directory "
                    "that holds plots/)", GL_DATADIR);
}

/* gnuplot's single-quoted string for s: a quote inside is doubled. */
static int gp_quote(const char *s, char *buf, size_t n)
{
    size_t k = 0;
    buf[k++] = '\'';
    for (; *s; s++) {
        if (k + 3 >= n)
            return -1;
        if (*s == '\'')
            buf[k++] = '\'';
        buf[k++] = *s;
    }
    buf[k++] = '\'';
    buf[k] = '\0';
    return 0;
}

static void list_figures(const char *outdir)
{
    char pat[PATH_MAX + 8];
    glob_t g;
    snprintf(pat, sizeof pat, "%s/*.png", outdir);
    if (glob(pat, 0, NULL, &g) != 0)
        return;
    fputs("figures:", stdout);
    for (size_t i = 0; i < g.gl_pathc; i++)
        printf(" %s", g.gl_pathv[i]);
    putchar('\n');
    globfree(&g);
}

int cli_plot_draw(const char *datadir, const char *name, const char *outdir)
{
    char cwd[PATH_MAX], abs[2 * PATH_MAX], setdir[4 * PATH_MAX + 16], script[256];
    if (outdir[0] == '/')
        snprintf(abs, sizeof abs, "%s", outdir);
    else if (getcwd(cwd, sizeof cwd))
        snprintf(abs, sizeof abs, "%s/%s", cwd, outdir);
    else
        return cli_fail("exp", "--plot: getcwd: %s", strerror(errno));
    strcpy(setdir, "dir=");
    if (gp_quote(abs, setdir + 4, sizeof setdir - 4))
        return cli_fail("exp", "--plot: output directory name too long");
    snprintf(script, sizeof script, "plots/%s.gp", name);
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0)
        return cli_fail("exp", "--plot: fork: %s", strerror(errno));
    if (pid == 0) {
        if (chdir(datadir) == 0)
            execlp("gnuplot", "gnuplot", "-e", setdir, script, (char *)NULL);
        fprintf(stderr, "ganlab exp: --plot: gnuplot in %s: %s\n", datadir, strerror(errno));
        _exit(127);
    }
    int st;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR)
            return cli_fail("exp", "--plot: waitpid: %s", strerror(errno));
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
        return cli_fail("exp", "--plot: gnuplot %s/%s failed (status %d)", datadir, script,
                        WIFEXITED(st) ? WEXITSTATUS(st) : -1);
    list_figures(outdir);
    return 0;
}
