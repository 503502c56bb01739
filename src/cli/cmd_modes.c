/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cmd_modes.c — `ganlab modes`: mode coverage of any sample file against a
 * mixture whose components are the modes (src/modes.h). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "cli.h"
#include "mix.h"
#include "modes.h"

static const char modes_usage[] =
    "usage: ganlab modes --data SPEC --samples FILE\n"
    "\n"
    "Scores samples (of any generator) against the modes of a mixture of\n"
    "Gaussians, as in VEEGAN (Srivastava et al. 2017) and PacGAN (Lin et al.\n"
    "2018): a sample is high quality if it lies within 3 standard deviations\n"
    "(Mahalanobis) of its nearest mode (nearest mean, Euclidean); 'modes' counts\n"
    "the modes with at least one high-quality sample; 'rkl' is KL(histogram of\n"
    "the high-quality samples over modes || mixture weights), uniform weights for\n"
    "ring(...) and grid(...). An empty mode adds 0 to rkl; with no high-quality\n"
    "sample rkl is nan.\n"
    "Prints TSV: the header 'modes hq_fraction rkl n', then one row.\n"
    "\n"
    "  --data SPEC     the data mixture, e.g. 'ring(8,2,0.02)' or 'grid(5,2,0.05)';\n"
    "                  every component must be a Gaussian (N or N2)\n"
    "  --samples FILE  one sample per line, its coordinates separated by spaces\n"
    "                  or tabs (1 or 2, the dimension of SPEC); '-' reads stdin;\n"
    "                  blank lines and text after '#' are ignored\n"
    "\n"
    "example: ganlab sample --model g.model -n 2500 | ganlab modes --data 'ring(8,2,0.02)' --samples -\n";

int cmd_modes(int argc, char **argv)
{
    const char *spec = NULL, *path = NULL;
    if (cli_asks_help(argc, argv)) {
        fputs(modes_usage, stdout);
        return 0;
    }
    const gl_argspec specs[] = {
        {.name = "data", .type = GL_ARG_STR, .dst = &spec},
        {.name = "samples", .type = GL_ARG_STR, .dst = &path},
    };
    gl_err err;
    if (gl_args_parse(argc, argv, specs, 2, &err))
        return cli_fail("modes", "%s (try 'ganlab modes --help')", err.msg);
    if (!spec || !path)
        return cli_fail("modes", "--data and --samples are required (try 'ganlab modes --help')");
    gl_mix *m = NULL;
    if (gl_mix_parse(spec, &m, &err) || gl_modes_check(m, &err)) {
        gl_err_prefix(&err, "--data");
        gl_mix_free(m);
        return cli_fail_err("modes", &err);
    }
    int stdin_ = strcmp(path, "-") == 0;
    FILE *f = stdin_ ? stdin : fopen(path, "r");
    if (!f) {
        int e = errno;
        gl_mix_free(m);
        return cli_fail("modes", "--samples: cannot open %s: %s", path, strerror(e));
    }
    double *xs = NULL;
    size_t n = 0;
    int rc = gl_modes_read(f, stdin_ ? "<stdin>" : path, m->dim, &xs, &n, &err)
                 ? cli_fail_err("modes", &err) : 0;
    if (!stdin_)
        fclose(f);
    if (!rc && n == 0)
        rc = cli_fail("modes", "%s: no samples", stdin_ ? "<stdin>" : path);
    gl_modes r;
    if (!rc && gl_modes_score(m, xs, n, NULL, &r, &err))
        rc = cli_fail_err("modes", &err);
    if (!rc) {
        printf("modes\thq_fraction\trkl\tn\n");
        printf("%zu\t%.10g\t%.10g\t%zu\n", r.covered, r.hq_frac, r.rkl, r.n);
    }
    free(xs);
    gl_mix_free(m);
    return rc;
}
