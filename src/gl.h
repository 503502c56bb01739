/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gl.h — ganlab's status codes, error messages (the gl_err type) and the one
 * call every program makes first, gl_init().
 *
 * Every fallible library function returns 0 (GL_OK) or a GL_E* status and, when
 * given a non-NULL gl_err, fills it with a one-line message for the user. The
 * library never prints and never exits; the command line turns a status into a
 * message on stderr and exit status 2.
 *
 * gl_init(): GSL's default error handler prints and calls abort() on any GSL
 * error (a quadrature that does not converge, a root bracket that is not one),
 * and it is ONE process-wide static. The library reads the status codes GSL
 * returns instead, so every program that links libganlab -- the command line,
 * the tests, the bench, your own -- calls gl_init() once, at the top of main,
 * before any other ganlab or GSL call and before starting threads. It switches
 * GSL's handler off (gsl_set_error_handler_off) and nothing else; no other
 * library function touches the handler. After it, every library function is
 * safe to call from several threads at once, each on its own objects and
 * workspaces (the library has no mutable global state). */
#ifndef GL_H
#define GL_H

#include <stddef.h>

enum {
    GL_OK = 0,
    GL_EINVAL = 1,   /* bad argument or malformed spec */
    GL_ENOMEM = 2,   /* allocation failed */
    GL_ENOCONV = 3,  /* quadrature, root finder or minimiser did not converge */
    GL_EUNDECIDED = 4, /* a boundary case the library refuses to guess */
    GL_EIO = 5,      /* file could not be written or read */
    GL_EDIVERGE = 6, /* training produced NaN/inf */
    GL_ESLICE = 7    /* a sweep ran its slice only: other runs are other slices' (sweep.h) */
};

#define GL_ERRLEN 512

typedef struct {
    int status;
    char msg[GL_ERRLEN];
} gl_err;

/* Switches GSL's error handler off, once per program (see above). */
void gl_init(void);

/* A short name for a status, e.g. "invalid argument". */
const char *gl_strerror(int status);

/* Sets err (if non-NULL) to status and a printf-style message; returns status,
 * so that callers can write `return gl_err_set(err, GL_EINVAL, "...")`. */
int gl_err_set(gl_err *err, int status, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Prepends "prefix: " to err's message (keeping its status, which it
 * returns): "--pdata: spec ... (column 5)". err may be NULL. */
int gl_err_prefix(gl_err *err, const char *prefix);

/* Resets err to GL_OK and an empty message. */
void gl_err_clear(gl_err *err);

#endif
