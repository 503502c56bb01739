/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "gl.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <gsl/gsl_errno.h>

void gl_init(void)
{
    gsl_set_error_handler_off();
}

const char *gl_strerror(int status)
{
    switch (status) {
    case GL_OK: return "success";
    case GL_EINVAL: return "invalid argument";
    case GL_ENOMEM: return "out of memory";
    case GL_ENOCONV: return "no convergence";
    case GL_EUNDECIDED: return "undecided boundary case";
    case GL_EIO: return "input/output error";
    case GL_EDIVERGE: return "training diverged";
    case GL_ESLICE: return "a slice of a sweep";
    default: return "unknown status";
    }
}

int gl_err_set(gl_err *err, int status, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        err->status = status;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
    }
    return status;
}

void gl_err_clear(gl_err *err)
{
    if (err) {
        err->status = GL_OK;
        err->msg[0] = '\0';
    }
}

int gl_err_prefix(gl_err *err, const char *prefix)
{
    if (!err)
        return GL_OK;
    size_t lp = strlen(prefix), lm = strlen(err->msg);
    if (lp > GL_ERRLEN - 3)
        lp = GL_ERRLEN - 3;
    if (lm > GL_ERRLEN - 3 - lp) /* truncate the old message to fit */
        lm = GL_ERRLEN - 3 - lp;
    memmove(err->msg + lp + 2, err->msg, lm); /* the message moves within itself */
    err->msg[lp + 2 + lm] = '\0';
    memcpy(err->msg, prefix, lp);
    err->msg[lp] = ':';
    err->msg[lp + 1] = ' ';
    return err->status;
}
