/* SPDX-License-Identifier: GPL-3.0-or-later */
/* sched.c — learning-rate schedules. */
#include "sched.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <gsl/gsl_math.h>

#include "args.h"

gl_sched gl_sched_default(void)
{
    gl_sched s;
    memset(&s, 0, sizeof s);
    s.kind = GL_SCHED_CONST;
    s.end = 0.0;
    s.hold = 0.0;
    s.pieces = 0;
    s.gamma = 0.5;
    s.every = 1000;
    s.warmup = 0;
    return s;
}

int gl_sched_check(const gl_sched *s, gl_err *err)
{
    if ((unsigned)s->kind > GL_SCHED_STEP)
        return gl_err_set(err, GL_EINVAL, "unknown learning-rate schedule code %d", (int)s->kind);
    if (!(s->end >= 0) || !isfinite(s->end))
        return gl_err_set(err, GL_EINVAL, "schedule: end must be a finite number >= 0, got %g", s->end);
    if (!(s->hold >= 0 && s->hold < 1))
        return gl_err_set(err, GL_EINVAL, "schedule: hold must be in [0, 1), got %g", s->hold);
    if (s->pieces == 1)
        return gl_err_set(err, GL_EINVAL, "schedule: pieces must be 0 (every step) or >= 2");
    if (s->kind == GL_SCHED_STEP && (!(s->gamma > 0) || !isfinite(s->gamma) || s->every == 0))
        return gl_err_set(err, GL_EINVAL, "schedule step: need gamma > 0 and every >= 1, got %g, %zu",
                          s->gamma, s->every);
    return GL_OK;
}

/* where step t of T stands in the decay: u = *num / *den in [0, 1] */
static void position(const gl_sched *s, size_t t, size_t T, double *num, double *den)
{
    size_t p = t, n = T;
    if (s->pieces >= 2) {
        p = t * s->pieces / T;
        n = s->pieces;
    }
    size_t h = (size_t)floor(s->hold * (double)(n - 1));
    *num = n < 2 || p <= h ? 0.0 : (double)(p - h);
    *den = n < 2 || p <= h ? 1.0 : (double)(n - 1 - h);
}

double gl_sched_factor(const gl_sched *s, size_t t, size_t T)
{
    if (T == 0)
        T = 1;
    if (t >= T)
        t = T - 1;
    double f = 1.0, num, den;
    position(s, t, T, &num, &den);
    /* (1 - end) num / den, in that order */
    switch (s->kind) {
    case GL_SCHED_CONST:
        break;
    case GL_SCHED_LINEAR:
        f = 1 - (1 - s->end) * num / den;
        break;
    case GL_SCHED_COSINE:
        f = s->end + (1 - s->end) * 0.5 * (1 + cos(M_PI * num / den));
        break;
    case GL_SCHED_STEP:
        f = pow(s->gamma, (double)(t / (s->every ? s->every : 1)));
        break;
    }
    if (t < s->warmup)
        f *= (double)(t + 1) / (double)s->warmup;
    return f;
}

int gl_sched_parse(const char *text, gl_sched *s, gl_err *err)
{
    char name[16];
    const char *colon = strchr(text, ':');
    size_t n = colon ? (size_t)(colon - text) : strlen(text);
    if (n >= sizeof name)
        n = sizeof name - 1;
    memcpy(name, text, n);
    name[n] = '\0';
    gl_sched t = *s;
    if (!strcmp(name, "const") && !colon) {
        t.kind = GL_SCHED_CONST;
    } else if (!strcmp(name, "linear") || !strcmp(name, "cosine")) {
        t.kind = name[0] == 'l' ? GL_SCHED_LINEAR : GL_SCHED_COSINE;
        t.end = 0.0;
        if (colon && gl_args_double("schedule end", colon + 1, &t.end, err))
            return GL_EINVAL;
    } else if (!strcmp(name, "step") && colon) {
        char g[64];
        const char *c2 = strchr(colon + 1, ':');
        size_t m = c2 ? (size_t)(c2 - colon - 1) : 0;
        if (!c2 || m >= sizeof g)
            return gl_err_set(err, GL_EINVAL, "schedule \"%s\": expected step:GAMMA:EVERY", text);
        memcpy(g, colon + 1, m);
        g[m] = '\0';
        t.kind = GL_SCHED_STEP;
        if (gl_args_double("schedule gamma", g, &t.gamma, err) ||
            gl_args_size("schedule every", c2 + 1, &t.every, err))
            return GL_EINVAL;
    } else {
        return gl_err_set(err, GL_EINVAL, "unknown schedule \"%s\" (const, linear[:END], "
                          "cosine[:END], step:GAMMA:EVERY)", text);
    }
    int st = gl_sched_check(&t, err);
    if (!st)
        *s = t;
    return st;
}

void gl_sched_text(const gl_sched *s, char *buf, size_t n)
{
    int k = 0;
    if (n)
        buf[0] = '\0';
    switch (s->kind) {
    case GL_SCHED_CONST: k = snprintf(buf, n, "constant"); break;
    case GL_SCHED_LINEAR: k = snprintf(buf, n, "linear to %g", s->end); break;
    case GL_SCHED_COSINE: k = snprintf(buf, n, "cosine to %g", s->end); break;
    case GL_SCHED_STEP: k = snprintf(buf, n, "x%g every %zu steps", s->gamma, s->every); break;
    }
    if (k < 0 || (size_t)k >= n)
        return;
    if (s->kind == GL_SCHED_LINEAR || s->kind == GL_SCHED_COSINE) {
        if (s->hold > 0 && (size_t)k < n)
            k += snprintf(buf + k, n - (size_t)k, " after %g of training", s->hold);
        if (s->pieces && (size_t)k < n)
            k += snprintf(buf + k, n - (size_t)k, " in %zu pieces", s->pieces);
    }
    if (s->warmup && (size_t)k < n)
        snprintf(buf + k, n - (size_t)k, ", %zu warm-up steps", s->warmup);
}
