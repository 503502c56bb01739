/* SPDX-License-Identifier: GPL-3.0-or-later */
/* args.c — plain decimal numbers and table-driven --options. */
#include "args.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int digit(char c)
{
    return c >= '0' && c <= '9';
}

size_t gl_args_number_len(const char *s)
{
    size_t i = 0, digits = 0;
    if (s[i] == '+' || s[i] == '-')
        i++;
    for (; digit(s[i]); i++)
        digits++;
    if (s[i] == '.')
        for (i++; digit(s[i]); i++)
            digits++;
    if (digits == 0)
        return 0;
    if (s[i] == 'e' || s[i] == 'E') {
        size_t j = i + 1;
        if (s[j] == '+' || s[j] == '-')
            j++;
        if (digit(s[j])) {
            while (digit(s[j]))
                j++;
            i = j;
        }
    }
    return i;
}

int gl_args_double(const char *what, const char *text, double *x, gl_err *err)
{
    size_t n = gl_args_number_len(text);
    char *end = NULL;
    double v = n ? strtod(text, &end) : 0;
    /* overflow is +-inf (refused); underflow to a subnormal or 0 is a number */
    if (n == 0 || text[n] != '\0' || end != text + n || !isfinite(v))
        return gl_err_set(err, GL_EINVAL, "%s: expected a finite number, got \"%s\"", what, text);
    *x = v;
    return GL_OK;
}

/* plain decimal digits into an unsigned long long no larger than max */
static int integer(const char *what, const char *text, unsigned long long max,
                   unsigned long long *x, gl_err *err)
{
    char *end = NULL;
    errno = 0;
    unsigned long long v = digit(text[0]) ? strtoull(text, &end, 10) : 0;
    if (!digit(text[0]) || *end != '\0' || errno == ERANGE || v > max)
        return gl_err_set(err, GL_EINVAL, "%s: expected a non-negative integer, got \"%s\"", what,
                          text);
    *x = v;
    return GL_OK;
}

int gl_args_size(const char *what, const char *text, size_t *x, gl_err *err)
{
    unsigned long long v = 0;
    int s = integer(what, text, (size_t)-1, &v, err);
    if (!s)
        *x = (size_t)v;
    return s;
}

int gl_args_ulong(const char *what, const char *text, unsigned long *x, gl_err *err)
{
    unsigned long long v = 0;
    int s = integer(what, text, (unsigned long)-1, &v, err);
    if (!s)
        *x = (unsigned long)v;
    return s;
}

/* Is the range of sp in force? min = max = 0 without open_min means any;
 * max <= min means no maximum. */
static int ranged(const gl_argspec *sp)
{
    return sp->min != 0 || sp->max != 0 || sp->open_min;
}

static int has_max(const gl_argspec *sp)
{
    return sp->max > sp->min;
}

static int double_range(const gl_argspec *sp, double v, gl_err *err)
{
    if (!ranged(sp) || ((sp->open_min ? v > sp->min : v >= sp->min) && (!has_max(sp) || v <= sp->max)))
        return GL_OK;
    if (!has_max(sp))
        return gl_err_set(err, GL_EINVAL, "--%s must be %s %g, got %g", sp->name,
                          sp->open_min ? ">" : ">=", sp->min, v);
    return gl_err_set(err, GL_EINVAL, "--%s must be in %s%g, %g], got %g", sp->name,
                      sp->open_min ? "(" : "[", sp->min, sp->max, v);
}

/* Integers compare as integers (a double would round 2^53 + 1). The bounds
 * are doubles: one at or beyond 2^64 is converted to no integer (that would be
 * undefined), a maximum there is no maximum and a negative one admits none. */
static int int_range(const gl_argspec *sp, unsigned long long v, gl_err *err)
{
    if (!ranged(sp))
        return GL_OK;
    const double two64 = 18446744073709551616.0;
    double lo = fmax(sp->open_min ? floor(sp->min) + 1 : ceil(sp->min), 0), hi = floor(sp->max);
    int below = lo >= two64 || v < (unsigned long long)lo;
    int above = has_max(sp) && hi < two64 && (hi < 0 || v > (unsigned long long)hi);
    if (!below && !above)
        return GL_OK;
    if (!has_max(sp))
        return gl_err_set(err, GL_EINVAL, "--%s must be >= %.0f, got %llu", sp->name, lo, v);
    return gl_err_set(err, GL_EINVAL, "--%s must be in %.0f..%.0f, got %llu", sp->name, lo, hi, v);
}

/* parses v for sp; sp->dst changes only when the value is good */
static int take(const gl_argspec *sp, const char *v, gl_err *err)
{
    char what[64];
    snprintf(what, sizeof what, "--%s", sp->name);
    int s = GL_OK;
    size_t z;
    unsigned long u;
    double d;
    switch (sp->type) {
    case GL_ARG_STR:
        if (!*v)
            return gl_err_set(err, GL_EINVAL, "%s needs a non-empty value", what);
        *(const char **)sp->dst = v;
        break;
    case GL_ARG_SIZE:
        if (!(s = gl_args_size(what, v, &z, err)) && !(s = int_range(sp, z, err)))
            *(size_t *)sp->dst = z;
        break;
    case GL_ARG_ULONG:
        if (!(s = gl_args_ulong(what, v, &u, err)) && !(s = int_range(sp, u, err)))
            *(unsigned long *)sp->dst = u;
        break;
    case GL_ARG_DOUBLE:
        if (!(s = gl_args_double(what, v, &d, err)) && !(s = double_range(sp, d, err)))
            *(double *)sp->dst = d;
        break;
    case GL_ARG_FLAG:
        *(int *)sp->dst = 1;
        break;
    case GL_ARG_FN:
        if ((s = sp->parse(v, sp->dst, err)))
            gl_err_prefix(err, what);
        break;
    }
    if (!s && sp->seen)
        *sp->seen = 1;
    return s;
}

int gl_args_parse(int argc, char **argv, const gl_argspec *specs, size_t nspecs, gl_err *err)
{
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (strncmp(a, "--", 2) != 0)
            return gl_err_set(err, GL_EINVAL, "unexpected argument \"%s\"", a);
        const char *key = a + 2, *eq = strchr(key, '=');
        size_t klen = eq ? (size_t)(eq - key) : strlen(key);
        const gl_argspec *sp = NULL;
        for (size_t k = 0; k < nspecs && !sp; k++)
            if (strlen(specs[k].name) == klen && strncmp(specs[k].name, key, klen) == 0)
                sp = &specs[k];
        if (!sp)
            return gl_err_set(err, GL_EINVAL, "unknown option \"%.*s\"", (int)klen + 2, a);
        const char *v = NULL;
        if (sp->type == GL_ARG_FLAG) {
            if (eq)
                return gl_err_set(err, GL_EINVAL, "option --%s takes no value", sp->name);
            v = "";
        } else {
            /* "--out --quick": the next option is not a value */
            v = eq ? eq + 1 : (i + 1 < argc && strncmp(argv[i + 1], "--", 2) ? argv[++i] : NULL);
            if (!v)
                return gl_err_set(err, GL_EINVAL, "option --%s needs a value", sp->name);
        }
        int s = take(sp, v, err);
        if (s)
            return s;
    }
    return GL_OK;
}
