/* gl.h — ganlab's status codes and error messages.
 *
 * Every fallible library function returns 0 (GL_OK) or a GL_E* status and, when
 * given a non-NULL gl_err, fills it with a one-line message for the user. The
 * library never prints and never exits; the command line turns a status into a
 * message on stderr and exit status 2. */
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
    GL_EDIVERGE = 6  /* training produced NaN/inf */
};

#define GL_ERRLEN 512

typedef struct {
    int status;
    char msg[GL_ERRLEN];
} gl_err;

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
