/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mix.c — the spec parser, log densities, sampling, breakpoints and moments
 * of 1-D and 2-D mixtures (see mix.h for the grammar). */
#include "mix.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_math.h>
#include <gsl/gsl_randist.h>

#include "args.h"
#include "num.h"

/* A cap on the number of components after preset expansion, so that a typo
 * such as ring(1e9, 2, 0.1) is an error rather than gigabytes of modes. */
#define MIX_MAXCOMP 1000000u
#define QUOTE_MAX 160 /* longer specs are quoted up to here, then "..." */
#define WORD_MAX 24   /* longest offending token quoted in a message */

/* ---------------------------------------------------------------- atoms */

enum { A_N, A_U, A_N2, A_U2, A_RING, A_GRID, A_COUNT };

static const struct {
    const char *name;
    const char *usage;   /* quoted in argument-count errors */
    int dim, amin, amax; /* dimension, fewest and most arguments */
    const char *arg[5];  /* argument names, as in the error messages */
} atoms[A_COUNT] = {
    {"N", "N(mu, sigma)", 1, 2, 2, {"mu", "sigma"}},
    {"U", "U(a, b)", 1, 2, 2, {"a", "b"}},
    {"N2", "N2(mx, my, sx, sy [, rho])", 2, 4, 5, {"mx", "my", "sx", "sy", "rho"}},
    {"U2", "U2(ax, bx, ay, by)", 2, 4, 4, {"ax", "bx", "ay", "by"}},
    {"ring", "ring(k, r, s)", 2, 3, 3, {"k", "r", "s"}},
    {"grid", "grid(n, spacing, s)", 2, 3, 3, {"n", "spacing", "s"}},
};

/* One parsed term, before expansion into components. Offsets are 0-based
 * byte offsets into the spec; messages print them 1-based as columns. */
typedef struct {
    int atom;
    int nargs;
    double a[5];
    size_t aoff[5];
    int alen[5];
    int has_w;
    double w;
    size_t woff;
    size_t off;   /* start of the term */
    size_t ncomp; /* components after expansion */
} term;

typedef struct {
    const char *s;
    size_t pos;
    gl_err *err;
    term *t;
    size_t nt, cap;
    int dim;      /* 0 until the first atom fixes it */
    size_t ncomp; /* running total over the terms so far */
} parser;

/* ------------------------------------------------------------ characters */

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static int is_digit(char c) { return c >= '0' && c <= '9'; }

static int is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

/* Characters that glue into one token in messages; bytes >= 0x80 are
 * included so that a UTF-8 character is never cut in half. */
static int is_word(char c)
{
    return is_alpha(c) || is_digit(c) || c == '.' || c == '_' || (unsigned char)c >= 0x80;
}

static void skip_ws(parser *p)
{
    while (is_space(p->s[p->pos]))
        p->pos++;
}

/* Copies n bytes of src into dst (room for max + 4), keeping one output
 * byte per input byte so that columns still line up, but turning control
 * characters into spaces or '?' so that the message stays on one line. */
static void sanitize(const char *src, size_t n, size_t max, char *dst)
{
    size_t i, m = n > max ? max : n;
    for (i = 0; i < m; i++) {
        unsigned char c = (unsigned char)src[i];
        dst[i] = is_space((char)c) ? ' ' : (c < 0x20 || c == 0x7f) ? '?' : (char)c;
    }
    if (n > max) {
        memcpy(dst + m, "...", 3);
        m += 3;
    }
    dst[m] = '\0';
}

void gl_mix_quote(const char *spec, char *buf, size_t n)
{
    if (n <= 4) { /* no room for a byte and "..." */
        if (n)
            buf[0] = '\0';
        return;
    }
    if (!spec)
        spec = "";
    sanitize(spec, strlen(spec), n >= GL_MIX_QUOTE_LEN ? QUOTE_MAX : n - 4, buf);
}

/* Text of n bytes at s, cut to WORD_MAX, for quoting in a message. */
static const char *clip(const char *s, size_t n, char buf[WORD_MAX + 4])
{
    sanitize(s, n, WORD_MAX, buf);
    return buf;
}

/* The token at off, quoted, or the words "end of spec". */
static const char *got(const char *s, size_t off, char buf[WORD_MAX + 8])
{
    size_t n = 1;
    char tmp[WORD_MAX + 4];
    if (s[off] == '\0')
        return "end of spec";
    if (is_word(s[off]))
        while (is_word(s[off + n]))
            n++;
    sanitize(s + off, n, WORD_MAX, tmp);
    snprintf(buf, WORD_MAX + 8, "\"%s\"", tmp);
    return buf;
}

/* Fills err with  spec "<spec>": <message>  and returns GL_EINVAL. Callers
 * put the column into the message themselves. */
#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static int perr(const parser *p, const char *fmt, ...)
{
    char msg[320], quote[QUOTE_MAX + 4];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    sanitize(p->s, strlen(p->s), QUOTE_MAX, quote);
    return gl_err_set(p->err, GL_EINVAL, "spec \"%s\": %s", quote, msg);
}

static int nomem(const parser *p)
{
    char quote[QUOTE_MAX + 4];
    sanitize(p->s, strlen(p->s), QUOTE_MAX, quote);
    return gl_err_set(p->err, GL_ENOMEM, "spec \"%s\": out of memory", quote);
}

/* ------------------------------------------------------------- numbers */

/* Scans a plain decimal number  [+-]? (d+ [. d*] | . d+) ([eE] [+-]? d+)?
 * and converts it with strtod. strtod alone would also accept "nan", "inf",
 * "0x10" and "0x1p3"; none of those is what a student means by a number.
 * what names the number in messages ("weight", "sigma", ...). With
 * before_atom set (a weight), a letter other than e/E/x/X ends the number, so
 * that "0.5N(0,1)" is reported as a missing "*" rather than a bad number. */
static int parse_number(parser *p, const char *what, int before_atom, double *v, size_t *off,
                        int *len)
{
    const char *s = p->s;
    size_t start = p->pos, end, nlen = gl_args_number_len(s + start), i = start + nlen;
    char *endp;

    /* The malformed token, for messages: a sign, then everything that glues. */
    end = start + (s[start] == '+' || s[start] == '-');
    while (is_word(s[end]) || ((s[end] == '+' || s[end] == '-') && end > start &&
                               (s[end - 1] == 'e' || s[end - 1] == 'E')))
        end++;

    if (nlen == 0) {
        char tmp[WORD_MAX + 4], buf[WORD_MAX + 8], low[10] = {0};
        size_t k, w = start + (s[start] == '+' || s[start] == '-');
        if (end == start) /* punctuation or the end: no token to glue */
            return perr(p, "expected a number for %s, got %s (column %zu)", what, got(s, start, buf),
                        start + 1);
        for (k = 0; k < 9 && is_alpha(s[w + k]); k++)
            low[k] = (char)(s[w + k] | 0x20);
        clip(s + start, end - start, tmp);
        if (w + k == end && (!strcmp(low, "nan") || !strcmp(low, "inf") || !strcmp(low, "infinity")))
            return perr(p, "%s must be a finite number, got %s (column %zu)", what, tmp, start + 1);
        return perr(p, "expected a number for %s, got \"%s\" (column %zu)", what, tmp, start + 1);
    }
    /* "0x10", "1e" and "1.2.3" are one malformed number, not a number
     * followed by other text. */
    if (is_word(s[i]) && !(before_atom && is_alpha(s[i]) && !strchr("eExX", s[i]))) {
        char tmp[WORD_MAX + 4];
        return perr(p, "invalid number \"%s\" for %s (column %zu)", clip(s + start, end - start, tmp),
                    what, start + 1);
    }
    *v = strtod(s + start, &endp);
    if (endp != s + i) { /* only under a locale whose decimal point is not '.' */
        char tmp[WORD_MAX + 4];
        return perr(p, "cannot convert number \"%s\" for %s (column %zu)",
                    clip(s + start, i - start, tmp), what, start + 1);
    }
    if (isinf(*v)) {
        char tmp[WORD_MAX + 4];
        return perr(p, "number \"%s\" for %s is out of range (column %zu)",
                    clip(s + start, i - start, tmp), what, start + 1);
    }
    *off = start;
    *len = (int)(i - start);
    p->pos = i;
    return GL_OK;
}

/* -------------------------------------------------------------- parser */

/* "<name> must be <cond>, got <text as written> (column c)" */
static int bad_arg(const parser *p, const term *t, int i, const char *cond)
{
    char tmp[WORD_MAX + 4];
    return perr(p, "%s must be %s, got %s (column %zu)", atoms[t->atom].arg[i], cond,
                clip(p->s + t->aoff[i], (size_t)t->alen[i], tmp), t->aoff[i] + 1);
}

/* "<hi> must be > <lo>, got <lo> = .., <hi> = .. (column of hi)" */
static int bad_order(const parser *p, const term *t, int lo, int hi)
{
    const char *const *arg = atoms[t->atom].arg;
    char a[WORD_MAX + 4], b[WORD_MAX + 4];
    return perr(p, "%s must be > %s, got %s = %s, %s = %s (column %zu)", arg[hi], arg[lo], arg[lo],
                clip(p->s + t->aoff[lo], (size_t)t->alen[lo], a), arg[hi],
                clip(p->s + t->aoff[hi], (size_t)t->alen[hi], b), t->aoff[hi] + 1);
}

/* The supported range (mix.h): argument i of t is a location */
static int check_loc(const parser *p, const term *t, int i)
{
    if (!(fabs(t->a[i]) <= GL_MIX_LOC_MAX))
        return bad_arg(p, t, i, "within +-1e6 (the supported range, docs/spec.md)");
    return GL_OK;
}

/* ... and scale, the scale that argument i sets (an sd, a width: then
 * "what" names it), of a component whose largest |location| is loc */
static int check_scale(const parser *p, const term *t, int i, const char *what, double scale, double loc)
{
    char tmp[WORD_MAX + 4];
    const char *name = what ? what : atoms[t->atom].arg[i];
    if (!(scale >= GL_MIX_SCALE_MIN && scale <= GL_MIX_SCALE_MAX)) {
        if (!what)
            return bad_arg(p, t, i, "in [1e-6, 1e6] (the supported range, docs/spec.md)");
        return perr(p, "%s must be in [1e-6, 1e6] (the supported range, docs/spec.md), got %.3g from %s "
                       "(column %zu)", name, scale, clip(p->s + t->aoff[i], (size_t)t->alen[i], tmp),
                    t->aoff[i] + 1);
    }
    if (!(scale >= GL_MIX_REL_MIN * loc))
        return perr(p, "%s must be at least 1e-8 times the largest |location| %.3g (the quadrature resolves "
                       "no finer; docs/spec.md), got %.3g (column %zu)", name, loc, scale, t->aoff[i] + 1);
    return GL_OK;
}

/* Checks one preset count (ring's k, grid's n): a positive integer <= max. */
static int bad_count(const parser *p, const term *t, double max)
{
    double k = t->a[0];
    if (!(k >= 1) || k != floor(k))
        return bad_arg(p, t, 0, "a positive integer");
    if (k > max) {
        char cond[48];
        snprintf(cond, sizeof cond, "at most %.0f", max);
        return bad_arg(p, t, 0, cond);
    }
    return GL_OK;
}

/* The domain checks of each atom; also sets t->ncomp. */
static int check_atom(const parser *p, term *t)
{
    const double *a = t->a;
    int st;
    t->ncomp = 1;
    switch (t->atom) {
    case A_N:
        if (!(a[1] > 0))
            return bad_arg(p, t, 1, "> 0");
        return check_loc(p, t, 0) || check_scale(p, t, 1, NULL, a[1], fabs(a[0])) ? GL_EINVAL : GL_OK;
    case A_U:
        if (!(a[1] > a[0]))
            return bad_order(p, t, 0, 1);
        if (!isfinite(a[1] - a[0]))
            return perr(p, "b - a overflows a double (column %zu)", t->aoff[0] + 1);
        if (check_loc(p, t, 0) || check_loc(p, t, 1) ||
            check_scale(p, t, 1, "the width b - a", a[1] - a[0], fmax(fabs(a[0]), fabs(a[1]))))
            return GL_EINVAL;
        break;
    case A_N2: {
        if (!(a[2] > 0))
            return bad_arg(p, t, 2, "> 0");
        if (!(a[3] > 0))
            return bad_arg(p, t, 3, "> 0");
        if (t->nargs == 5 && !(fabs(a[4]) < 1))
            return bad_arg(p, t, 4, "in (-1, 1)");
        double c = t->nargs == 5 ? sqrt((1 - a[4]) * (1 + a[4])) : 1, loc = fmax(fabs(a[0]), fabs(a[1]));
        if (check_loc(p, t, 0) || check_loc(p, t, 1) || check_scale(p, t, 2, NULL, a[2], loc) ||
            check_scale(p, t, 3, NULL, a[3], loc) ||
            (t->nargs == 5 && check_scale(p, t, 4, "the conditional sd min(sx, sy) sqrt(1 - rho^2)",
                                          fmin(a[2], a[3]) * c, loc)))
            return GL_EINVAL;
        break;
    }
    case A_U2:
        if (!(a[1] > a[0]))
            return bad_order(p, t, 0, 1);
        if (!(a[3] > a[2]))
            return bad_order(p, t, 2, 3);
        if (!isfinite(a[1] - a[0]) || !isfinite(a[3] - a[2]))
            return perr(p, "bx - ax or by - ay overflows a double (column %zu)", t->aoff[0] + 1);
        for (int i = 0; i < 4; i++)
            if (check_loc(p, t, i))
                return GL_EINVAL;
        if (check_scale(p, t, 1, "the width bx - ax", a[1] - a[0], fmax(fabs(a[0]), fabs(a[1]))) ||
            check_scale(p, t, 3, "the width by - ay", a[3] - a[2], fmax(fabs(a[2]), fabs(a[3]))))
            return GL_EINVAL;
        break;
    case A_RING:
        if ((st = bad_count(p, t, MIX_MAXCOMP)))
            return st;
        if (!(a[1] >= 0))
            return bad_arg(p, t, 1, ">= 0");
        if (!(a[2] > 0))
            return bad_arg(p, t, 2, "> 0");
        if (check_loc(p, t, 1) || check_scale(p, t, 2, NULL, a[2], a[1]))
            return GL_EINVAL;
        t->ncomp = (size_t)a[0];
        break;
    case A_GRID:
        if ((st = bad_count(p, t, 1000))) /* 1000^2 = MIX_MAXCOMP modes */
            return st;
        if (!(a[1] > 0))
            return bad_arg(p, t, 1, "> 0");
        if (!(a[2] > 0))
            return bad_arg(p, t, 2, "> 0");
        /* outermost mode at spacing (n-1)/2 from the origin */
        if (!isfinite(a[1] * ((a[0] - 1) / 2)))
            return bad_arg(p, t, 1, "small enough that the outer modes are finite doubles");
        if (!(a[1] * ((a[0] - 1) / 2) <= GL_MIX_LOC_MAX))
            return bad_arg(p, t, 1, "such that the outer modes lie within +-1e6 (the supported range, docs/spec.md)");
        if (check_scale(p, t, 2, NULL, a[2], a[1] * ((a[0] - 1) / 2)))
            return GL_EINVAL;
        t->ncomp = (size_t)a[0] * (size_t)a[0];
        break;
    }
    return GL_OK;
}

/* atom := name '(' [number (',' number)*] ')' */
static int parse_atom(parser *p, term *t)
{
    const char *s = p->s;
    size_t off = p->pos, n = 0;
    char buf[WORD_MAX + 8];
    int id, st;

    if (!is_alpha(s[off]))
        return perr(p, "expected N, U, N2, U2, ring or grid, got %s (column %zu)", got(s, off, buf),
                    off + 1);
    while (is_alpha(s[off + n]) || is_digit(s[off + n]) || s[off + n] == '_')
        n++;
    for (id = 0; id < A_COUNT; id++)
        if (strlen(atoms[id].name) == n && !strncmp(atoms[id].name, s + off, n))
            break;
    if (id == A_COUNT)
        return perr(p, "unknown atom %s, expected N, U, N2, U2, ring or grid (column %zu)",
                    got(s, off, buf), off + 1);
    if (p->dim && atoms[id].dim != p->dim)
        return perr(p, "%s is %d-D but the mixture is %d-D (column %zu)", atoms[id].name, atoms[id].dim,
                    p->dim, off + 1);
    t->atom = id;
    p->pos = off + n;

    skip_ws(p);
    if (s[p->pos] != '(')
        return perr(p, "expected \"(\" after %s, got %s (column %zu)", atoms[id].name,
                    got(s, p->pos, buf), p->pos + 1);
    p->pos++;
    skip_ws(p);
    t->nargs = 0;
    if (s[p->pos] != ')') {
        for (;;) {
            skip_ws(p);
            if (t->nargs == atoms[id].amax)
                return perr(p, "too many arguments, %s takes %s%d (column %zu)", atoms[id].usage,
                            atoms[id].amin < atoms[id].amax ? "at most " : "", atoms[id].amax,
                            p->pos + 1);
            if ((st = parse_number(p, atoms[id].arg[t->nargs], 0, &t->a[t->nargs], &t->aoff[t->nargs],
                                   &t->alen[t->nargs])))
                return st;
            t->nargs++;
            skip_ws(p);
            if (s[p->pos] == ',') {
                p->pos++;
                continue;
            }
            if (s[p->pos] == ')')
                break;
            return perr(p, "expected \",\" or \")\" after %s, got %s (column %zu)",
                        atoms[id].arg[t->nargs - 1], got(s, p->pos, buf), p->pos + 1);
        }
    }
    if (t->nargs < atoms[id].amin)
        return perr(p, "too few arguments, %s takes %s%d, got %d (column %zu)", atoms[id].usage,
                    atoms[id].amin < atoms[id].amax ? "at least " : "", atoms[id].amin, t->nargs,
                    p->pos + 1);
    p->pos++; /* the ')' */
    if ((st = check_atom(p, t)))
        return st;
    if (t->ncomp > MIX_MAXCOMP - p->ncomp)
        return perr(p, "the mixture would have more than %u components (column %zu)", MIX_MAXCOMP,
                    off + 1);
    p->ncomp += t->ncomp;
    p->dim = atoms[id].dim;
    return GL_OK;
}

/* term := [weight '*'] atom */
static int parse_term(parser *p)
{
    const char *s = p->s;
    char buf[WORD_MAX + 8], tmp[WORD_MAX + 4];
    term *t;
    int st, len;

    if (p->nt == p->cap) {
        size_t cap = p->cap ? 2 * p->cap : 8;
        term *nt = realloc(p->t, cap * sizeof *nt);
        if (!nt)
            return nomem(p);
        p->t = nt;
        p->cap = cap;
    }
    t = &p->t[p->nt];
    memset(t, 0, sizeof *t);
    t->off = p->pos;

    if (s[p->pos] == '\0')
        return perr(p, "expected a term after \"+\", got end of spec (column %zu)", p->pos + 1);
    /* '+' is deliberately not a weight sign: "N(0,1)++N(1,1)" is a typo. */
    if (is_digit(s[p->pos]) || s[p->pos] == '.' || s[p->pos] == '-') {
        if ((st = parse_number(p, "weight", 1, &t->w, &t->woff, &len)))
            return st;
        if (!(t->w > 0))
            return perr(p, "weight must be > 0, got %s (column %zu)", clip(s + t->woff, (size_t)len, tmp),
                        t->woff + 1);
        t->has_w = 1;
        skip_ws(p);
        if (s[p->pos] != '*')
            return perr(p, "expected \"*\" after weight %s, got %s (column %zu)",
                        clip(s + t->woff, (size_t)len, tmp), got(s, p->pos, buf), p->pos + 1);
        p->pos++;
        skip_ws(p);
    } else if (!is_alpha(s[p->pos])) {
        return perr(p, "expected a term (a weight or N, U, N2, U2, ring, grid), got %s (column %zu)",
                    got(s, p->pos, buf), p->pos + 1);
    }
    if (p->nt > 0 && t->has_w != p->t[0].has_w)
        return perr(p, "term %zu has %s but term 1 has %s; give every term a weight or none (column %zu)",
                    p->nt + 1, t->has_w ? "a weight" : "no weight", t->has_w ? "none" : "one",
                    t->off + 1);
    if ((st = parse_atom(p, t)))
        return st;
    p->nt++;
    return GL_OK;
}

/* mixture := term ('+' term)* */
static int parse_mixture(parser *p)
{
    const char *s = p->s;
    char buf[WORD_MAX + 8];
    int st;

    skip_ws(p);
    if (s[p->pos] == '\0')
        return perr(p, "empty spec, expected a term such as N(0,1) (column 1)");
    for (;;) {
        if ((st = parse_term(p)))
            return st;
        skip_ws(p);
        if (s[p->pos] == '\0')
            break;
        if (s[p->pos] != '+')
            return perr(p, "unexpected text %s at column %zu", got(s, p->pos, buf), p->pos + 1);
        p->pos++;
        skip_ws(p);
    }
    if (p->t[0].has_w) {
        double sum = 0;
        size_t i;
        for (i = 0; i < p->nt; i++)
            sum += p->t[i].w;
        if (!(fabs(sum - 1) <= 1e-9))
            return perr(p, "weights sum to %.12g, not 1 (column %zu)", sum, p->t[0].woff + 1);
    }
    return GL_OK;
}

/* ---------------------------------------------------------- components */

static void set_n2(gl_comp *c, double w, double mx, double my, double sx, double sy, double rho)
{
    c->kind = GL_COMP_N2;
    c->w = w;
    c->mu[0] = mx;
    c->mu[1] = my;
    c->sd[0] = sx;
    c->sd[1] = sy;
    c->rho = rho;
    /* log of 1 / (2 pi sx sy sqrt(1 - rho^2)) */
    c->lognorm = -log(2 * M_PI) - log(sx) - log(sy) - 0.5 * log1p(-rho * rho);
}

/* Expands term t, of total weight w, into its components at c. */
static void expand(const term *t, double w, gl_comp *c)
{
    const double *a = t->a;
    size_t i, j;
    switch (t->atom) {
    case A_N:
        c->kind = GL_COMP_N;
        c->w = w;
        c->mu[0] = a[0];
        c->sd[0] = a[1];
        c->lognorm = -log(a[1]) - 0.5 * log(2 * M_PI);
        break;
    case A_U:
        c->kind = GL_COMP_U;
        c->w = w;
        c->lo[0] = a[0];
        c->hi[0] = a[1];
        c->lognorm = -log(a[1] - a[0]);
        break;
    case A_N2:
        set_n2(c, w, a[0], a[1], a[2], a[3], t->nargs == 5 ? a[4] : 0.0);
        break;
    case A_U2:
        c->kind = GL_COMP_U2;
        c->w = w;
        c->lo[0] = a[0];
        c->hi[0] = a[1];
        c->lo[1] = a[2];
        c->hi[1] = a[3];
        /* two logs rather than log of the product, which may overflow */
        c->lognorm = -log(a[1] - a[0]) - log(a[3] - a[2]);
        break;
    case A_RING:
        for (i = 0; i < t->ncomp; i++) {
            double th = 2 * M_PI * (double)i / a[0];
            set_n2(c + i, w / a[0], a[1] * cos(th), a[1] * sin(th), a[2], a[2], 0.0);
        }
        break;
    case A_GRID: {
        size_t n = (size_t)a[0];
        double mid = (a[0] - 1) / 2;
        for (i = 0; i < n; i++)
            for (j = 0; j < n; j++)
                set_n2(c + i * n + j, w / (double)t->ncomp, a[1] * ((double)i - mid),
                       a[1] * ((double)j - mid), a[2], a[2], 0.0);
        break;
    }
    }
    for (i = 0; i < t->ncomp; i++)
        c[i].logw = log(c[i].w);
}

void gl_mix_free(gl_mix *m)
{
    if (!m)
        return;
    free(m->comp);
    free(m->cdf);
    free(m->spec);
    free(m);
}

int gl_mix_parse(const char *spec, gl_mix **out, gl_err *err)
{
    parser p = {0};
    gl_mix *m;
    double wsum = 0, cum = 0;
    size_t i, k;
    int st;

    if (!out)
        return gl_err_set(err, GL_EINVAL, "gl_mix_parse: out is NULL");
    *out = NULL;
    if (!spec)
        return gl_err_set(err, GL_EINVAL, "spec (null): no spec given (column 1)");
    p.s = spec;
    p.err = err;
    if ((st = parse_mixture(&p))) {
        free(p.t);
        return st;
    }

    m = calloc(1, sizeof *m);
    if (m) {
        m->comp = calloc(p.ncomp, sizeof *m->comp);
        m->cdf = malloc(p.ncomp * sizeof *m->cdf);
        m->spec = strdup(spec);
    }
    if (!m || !m->comp || !m->cdf || !m->spec) {
        gl_mix_free(m);
        free(p.t);
        return nomem(&p);
    }
    m->dim = p.dim;
    m->n = p.ncomp;

    /* Given weights sum to 1 within 1e-9; dividing by their sum makes the
     * density integrate to 1 to rounding rather than to 1e-9. */
    for (i = 0; i < p.nt; i++)
        wsum += p.t[i].has_w ? p.t[i].w : 1.0;
    for (i = 0, k = 0; i < p.nt; k += p.t[i].ncomp, i++)
        expand(&p.t[i], (p.t[i].has_w ? p.t[i].w : 1.0) / wsum, m->comp + k);
    for (i = 0; i < m->n; i++) {
        cum += m->comp[i].w;
        m->cdf[i] = cum < 1 ? cum : 1;
    }
    m->cdf[m->n - 1] = 1;

    free(p.t);
    gl_err_clear(err);
    *out = m;
    return GL_OK;
}

/* ------------------------------------------------------------ densities */

/* log of component c's density at x; x is finite. */
static double comp_logpdf(const gl_comp *c, const double *x)
{
    switch (c->kind) {
    case GL_COMP_N: {
        double z = (x[0] - c->mu[0]) / c->sd[0];
        return c->lognorm - 0.5 * z * z;
    }
    case GL_COMP_U:
        return x[0] >= c->lo[0] && x[0] <= c->hi[0] ? c->lognorm : -INFINITY;
    case GL_COMP_N2: {
        double zx = (x[0] - c->mu[0]) / c->sd[0], zy = (x[1] - c->mu[1]) / c->sd[1], u;
        if (isinf(zx) || isinf(zy)) /* overflow: density 0, and avoids inf - inf */
            return -INFINITY;
        /* zx^2 - 2 rho zx zy + zy^2 = (zx - rho zy)^2 + (1 - rho^2) zy^2: a sum
         * of non-negative terms, no cancellation. */
        u = zx - c->rho * zy;
        return c->lognorm - 0.5 * (u * u / (1 - c->rho * c->rho) + zy * zy);
    }
    case GL_COMP_U2:
        return x[0] >= c->lo[0] && x[0] <= c->hi[0] && x[1] >= c->lo[1] && x[1] <= c->hi[1]
                   ? c->lognorm
                   : -INFINITY;
    }
    return NAN;
}

/* log sum_i w_i p_i(x), accumulated in one pass with a running maximum M:
 * S = sum_i exp(t_i - M), and when a larger t arrives S <- S e^(M - t) + 1.
 * A term 40 below the running maximum adds < 5e-18 relative: it is skipped,
 * which saves the exp for the far modes of a many-mode mixture. */
double gl_mix_logpdf(const gl_mix *m, const double *x)
{
    double mx = -INFINITY, s = 0;
    size_t i;
    int d;

    for (d = 0; d < m->dim; d++)
        if (isnan(x[d]))
            return NAN;
    for (d = 0; d < m->dim; d++)
        if (isinf(x[d]))
            return -INFINITY;
    for (i = 0; i < m->n; i++) {
        double t = m->comp[i].logw + comp_logpdf(&m->comp[i], x);
        if (t == -INFINITY)
            continue;
        if (t <= mx) {
            if (t > mx - 40) /* below: e^(t-mx) < 5e-18, lost in rounding anyway */
                s += exp(t - mx);
        } else {
            s = s * exp(mx - t) + 1;
            mx = t;
        }
    }
    return mx == -INFINITY ? -INFINITY : mx + log(s);
}

size_t gl_mix_top(const gl_mix *m, const double *x)
{
    double best = -INFINITY;
    size_t top = m->n;
    for (size_t i = 0; i < m->n; i++) {
        double t = m->comp[i].logw + comp_logpdf(&m->comp[i], x);
        if (t > best) {
            best = t;
            top = i;
        }
    }
    return top;
}

double gl_mix_pdf(const gl_mix *m, const double *x)
{
    return exp(gl_mix_logpdf(m, x));
}

double gl_mix_score(const gl_mix *m, double x)
{
    if (m->dim != 1)
        return NAN;
    double lp = gl_mix_logpdf(m, &x), s = 0;
    if (!isfinite(lp))
        return NAN;
    for (size_t k = 0; k < m->n; k++) {
        const gl_comp *c = &m->comp[k];
        if (c->kind != GL_COMP_N)
            return NAN;
        double u = (x - c->mu[0]) / c->sd[0];
        s += exp(c->logw + c->lognorm - 0.5 * u * u - lp) * (-u / c->sd[0]);
    }
    return s;
}

int gl_mix_unbounded(const gl_mix *m)
{
    size_t i;
    for (i = 0; i < m->n; i++)
        if (m->comp[i].kind == GL_COMP_N || m->comp[i].kind == GL_COMP_N2)
            return 1;
    return 0;
}

/* ------------------------------------------------------------- sampling */

/* Per sample: one uniform picks the component (first i with u < cdf[i]),
 * then the component's own draws. */
void gl_mix_sample(const gl_mix *m, const gsl_rng *r, size_t n, double *x)
{
    gl_mix_sample_comp(m, r, n, x, NULL);
}

size_t gl_mix_draw_comp(const gl_mix *m, const gsl_rng *r)
{
    double u = gsl_rng_uniform(r);
    size_t lo = 0, hi = m->n - 1;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (u < m->cdf[mid])
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

void gl_mix_sample_comp(const gl_mix *m, const gsl_rng *r, size_t n, double *x, size_t *comp)
{
    size_t s;
    for (s = 0; s < n; s++) {
        double *y = x + s * (size_t)m->dim;
        size_t k = gl_mix_draw_comp(m, r);
        const gl_comp *c = &m->comp[k];
        if (comp)
            comp[s] = k;
        switch (c->kind) {
        case GL_COMP_N:
            y[0] = c->mu[0] + gsl_ran_gaussian_ziggurat(r, c->sd[0]);
            break;
        case GL_COMP_U:
            y[0] = gsl_ran_flat(r, c->lo[0], c->hi[0]);
            break;
        case GL_COMP_N2: {
            /* (z1, rho z1 + sqrt(1 - rho^2) z2) has unit variances and correlation rho */
            double z1 = gsl_ran_gaussian_ziggurat(r, 1.0), z2 = gsl_ran_gaussian_ziggurat(r, 1.0);
            y[0] = c->mu[0] + c->sd[0] * z1;
            y[1] = c->mu[1] + c->sd[1] * (c->rho * z1 + sqrt(1 - c->rho * c->rho) * z2);
            break;
        }
        case GL_COMP_U2:
            y[0] = gsl_ran_flat(r, c->lo[0], c->hi[0]);
            y[1] = gsl_ran_flat(r, c->lo[1], c->hi[1]);
            break;
        }
    }
}

int gl_mix_sub(const gl_mix *m, size_t first, size_t count, gl_mix **out, gl_err *err)
{
    if (!out)
        return gl_err_set(err, GL_EINVAL, "gl_mix_sub: out is NULL");
    *out = NULL;
    if (!m || count == 0 || first > m->n || count > m->n - first)
        return gl_err_set(err, GL_EINVAL, "gl_mix_sub: components %zu..%zu of a mixture of %zu",
                          first + 1, first + count, m ? m->n : 0);
    size_t n = strlen(m->spec) + 64;
    gl_mix *s = calloc(1, sizeof *s);
    if (s) {
        s->comp = calloc(count, sizeof *s->comp);
        s->cdf = malloc(count * sizeof *s->cdf);
        s->spec = malloc(n);
    }
    if (!s || !s->comp || !s->cdf || !s->spec) {
        gl_mix_free(s);
        return gl_err_set(err, GL_ENOMEM, "out of memory");
    }
    snprintf(s->spec, n, "components %zu-%zu of %s", first + 1, first + count, m->spec);
    s->dim = m->dim;
    s->n = count;
    double wsum = 0, cum = 0;
    for (size_t i = 0; i < count; i++)
        wsum += m->comp[first + i].w;
    for (size_t i = 0; i < count; i++) {
        s->comp[i] = m->comp[first + i];
        s->comp[i].w /= wsum;
        s->comp[i].logw = log(s->comp[i].w);
        cum += s->comp[i].w;
        s->cdf[i] = cum < 1 ? cum : 1;
    }
    s->cdf[count - 1] = 1;
    *out = s;
    return GL_OK;
}

/* ---------------------------------------------------------- breakpoints */

static const double bp_j[9] = {-8, -4, -2, -1, 0, 1, 2, 4, 8};

/* Writes the raw (unsorted, finite) breakpoints to v if v is non-NULL and
 * returns their number; with v == NULL returns an upper bound. */
static size_t bp_raw(const gl_mix *m, int axis, double *v)
{
    size_t i, n = 0;
    int j;
    for (i = 0; i < m->n; i++) {
        const gl_comp *c = &m->comp[i];
        if (c->kind == GL_COMP_N || c->kind == GL_COMP_N2) {
            for (j = 0; j < 9; j++) {
                double b = c->mu[axis] + bp_j[j] * c->sd[axis];
                if (!v)
                    n++;
                else if (isfinite(b)) /* mu + 8 sd may overflow for huge parameters */
                    v[n++] = b;
            }
        } else {
            if (v) {
                v[n] = c->lo[axis];
                v[n + 1] = c->hi[axis];
            }
            n += 2;
        }
    }
    return n;
}

/* The smallest finite breakpoint > last, if any (for the no-memory path). */
static int bp_next(const gl_mix *m, int axis, double last, double *next)
{
    size_t i;
    int j, found = 0;
    for (i = 0; i < m->n; i++) {
        const gl_comp *c = &m->comp[i];
        double b[9];
        int nb = 0;
        if (c->kind == GL_COMP_N || c->kind == GL_COMP_N2) {
            for (j = 0; j < 9; j++)
                b[nb++] = c->mu[axis] + bp_j[j] * c->sd[axis];
        } else {
            b[nb++] = c->lo[axis];
            b[nb++] = c->hi[axis];
        }
        for (j = 0; j < nb; j++)
            if (isfinite(b[j]) && b[j] > last && (!found || b[j] < *next)) {
                *next = b[j];
                found = 1;
            }
    }
    return found;
}

size_t gl_mix_breakpoints_max(const gl_mix *m)
{
    return bp_raw(m, 0, NULL); /* the same count on either axis */
}

size_t gl_mix_breakpoints(const gl_mix *m, int axis, double *bp, size_t maxbp)
{
    size_t cap, u;
    double *tmp;

    if (axis < 0 || axis >= m->dim)
        return 0;
    cap = bp_raw(m, axis, NULL);
    if (bp && maxbp >= cap) /* the caller's buffer holds them all: no allocation */
        return gl_num_sort_unique(bp, bp_raw(m, axis, bp));
    tmp = malloc(cap * sizeof *tmp);
    if (tmp) {
        u = gl_num_sort_unique(tmp, bp_raw(m, axis, tmp));
        if (bp)
            memcpy(bp, tmp, (u < maxbp ? u : maxbp) * sizeof *bp);
        free(tmp);
        return u;
    }
    /* Out of memory: enumerate the distinct values in increasing order, one
     * pass each. Slower, but the count stays exact. */
    {
        double last = -INFINITY, next = 0;
        for (u = 0; bp_next(m, axis, last, &next); u++, last = next)
            if (bp && u < maxbp)
                bp[u] = next;
    }
    return u;
}

void gl_mix_set_gauss(gl_mix *m, double mu, double sigma)
{
    gl_comp *c = &m->comp[0];
    c->mu[0] = mu;
    c->sd[0] = sigma;
    c->lognorm = -log(sigma) - 0.91893853320467274178; /* log sqrt(2 pi) */
}

/* ------------------------------------------------------------- moments */

/* Mean and variance of component c's marginal along axis. */
static void comp_moments(const gl_comp *c, int axis, double *mean, double *var)
{
    if (c->kind == GL_COMP_N || c->kind == GL_COMP_N2) {
        *mean = c->mu[axis];
        *var = c->sd[axis] * c->sd[axis];
    } else {
        double w = c->hi[axis] - c->lo[axis];
        *mean = c->lo[axis] + 0.5 * w;
        *var = w * w / 12;
    }
}

double gl_mix_mean(const gl_mix *m, int axis)
{
    double s = 0, mu, v;
    size_t i;
    if (axis < 0 || axis >= m->dim)
        return NAN;
    for (i = 0; i < m->n; i++) {
        comp_moments(&m->comp[i], axis, &mu, &v);
        s += m->comp[i].w * mu;
    }
    return s;
}

/* Var = sum_i w_i (var_i + mu_i^2) - mean^2, evaluated as the equal
 * sum_i w_i (var_i + (mu_i - mean)^2), which has no cancellation when the
 * modes are far from the origin. */
double gl_mix_var(const gl_mix *m, int axis)
{
    double mean = gl_mix_mean(m, axis), s = 0, mu, v;
    size_t i;
    if (isnan(mean))
        return NAN;
    for (i = 0; i < m->n; i++) {
        comp_moments(&m->comp[i], axis, &mu, &v);
        s += m->comp[i].w * (v + (mu - mean) * (mu - mean));
    }
    return s;
}

void gl_mix_box(const gl_mix *m, int axis, double k, double *lo, double *hi)
{
    for (size_t j = 0; j < m->n; j++) {
        const gl_comp *c = &m->comp[j];
        int gauss = c->kind == GL_COMP_N || c->kind == GL_COMP_N2;
        double a = gauss ? c->mu[axis] - k * c->sd[axis] : c->lo[axis];
        double b = gauss ? c->mu[axis] + k * c->sd[axis] : c->hi[axis];
        *lo = fmin(*lo, a);
        *hi = fmax(*hi, b);
    }
}
