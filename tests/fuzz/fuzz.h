/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz.h — what every fuzz harness in tests/fuzz/ shares. A harness defines
 * the two libFuzzer entry points; `make fuzz` links it with clang's libFuzzer,
 * `make check` with replay.c, which runs each file of its corpus through it.
 *
 * A harness treats every status a library call returns as normal input
 * handling; what it must never see is a crash, a leak, a sanitizer report, a
 * hang, or a broken promise of the headers, which FUZZ_ASSERT turns into an
 * abort() that both drivers report. */
#ifndef GL_FUZZ_H
#define GL_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gl.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_ASSERT(cond)                                                           \
    do {                                                                            \
        if (!(cond)) {                                                              \
            fprintf(stderr, "%s:%d: FUZZ_ASSERT(%s) failed\n", __FILE__, __LINE__, #cond); \
            abort();                                                                \
        }                                                                           \
    } while (0)

/* The input as a NUL-terminated string (it ends at the first NUL byte);
 * NULL if out of memory. The caller frees it. */
static inline char *fuzz_str(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (s) {
        memcpy(s, data, size);
        s[size] = '\0';
    }
    return s;
}

/* A failed call left a one-line message that fits its buffer and a status. */
static inline void fuzz_check_err(int status, const gl_err *err)
{
    FUZZ_ASSERT(status > 0);
    FUZZ_ASSERT(err->status == status);
    FUZZ_ASSERT(memchr(err->msg, '\0', sizeof err->msg) != NULL);
    FUZZ_ASSERT(err->msg[0] != '\0');
    FUZZ_ASSERT(strchr(err->msg, '\n') == NULL);
}

#endif
