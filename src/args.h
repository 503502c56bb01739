/* SPDX-License-Identifier: GPL-3.0-or-later */
/* args.h — numbers, lists and --options from text: one parser for the
 * command line and for the experiments' overrides (the gl_args_* functions and
 * the gl_argspec type).
 *
 * A number is plain decimal: [+-] (digits [. digits] | . digits) [e [+-] digits].
 * "nan", "inf", hexadecimal ("0x10", "0x1p3") and trailing text are refused:
 * none of them is what a student means by a number. An integer is plain
 * decimal digits (no sign).
 *
 * Options come as "--name value" or "--name=value". A table of gl_argspec,
 * written with field names, says what each one is and where it goes:
 *   int seen = 0;
 *   const gl_argspec specs[] = {
 *       {.name = "steps", .type = GL_ARG_SIZE, .dst = &steps, .min = 1, .max = 1e8},
 *       {.name = "lr", .type = GL_ARG_DOUBLE, .dst = &lr, .min = 0, .max = 1, .open_min = 1,
 *        .seen = &seen},
 *   };
 * An unknown option, a missing value (the next argument is another --option),
 * a malformed number or one out of its range is GL_EINVAL with a message that
 * names the option, and leaves the destination as it was. */
#ifndef GL_ARGS_H
#define GL_ARGS_H

#include <stddef.h>

#include "gl.h"

/* The length of the plain decimal number that starts s, 0 if none does. */
size_t gl_args_number_len(const char *s);

/* The whole of text as a finite number / a non-negative integer. On error the
 * message is "WHAT: expected ..., got \"TEXT\"". */
int gl_args_double(const char *what, const char *text, double *x, gl_err *err);
int gl_args_size(const char *what, const char *text, size_t *x, gl_err *err);
int gl_args_ulong(const char *what, const char *text, unsigned long *x, gl_err *err);

typedef enum {
    GL_ARG_STR,    /* const char *: the text itself (non-empty) */
    GL_ARG_SIZE,   /* size_t */
    GL_ARG_ULONG,  /* unsigned long */
    GL_ARG_DOUBLE, /* double */
    GL_ARG_FLAG,   /* int set to 1; takes no value */
    GL_ARG_FN      /* parse(text, dst, err) does the work (names, lists, repeats) */
} gl_arg_type;

typedef struct {
    const char *name;  /* without the leading "--" */
    gl_arg_type type;
    void *dst;
    double min, max;   /* numbers: the accepted range, inclusive; min = max = 0 (and no
                        * open_min): any; max <= min: no maximum */
    int open_min;      /* the range excludes min (x > min) */
    int *seen;         /* set to 1 when the option is given (may be NULL) */
    int (*parse)(const char *text, void *dst, gl_err *err); /* GL_ARG_FN */
} gl_argspec;

/* Parses argv[0..argc) against specs, in order; a later option overrides an
 * earlier one (GL_ARG_FN decides for itself). */
int gl_args_parse(int argc, char **argv, const gl_argspec *specs, size_t nspecs, gl_err *err);

#endif
