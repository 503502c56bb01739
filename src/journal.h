/* SPDX-License-Identifier: GPL-3.0-or-later */
/* journal.h — the finished runs of sweeps, kept on disk as they finish (the
 * gl_journal type), so that an interrupted sweep resumes without redoing
 * them and the slices of a sharded sweep can be merged.
 *
 * A journal holds records: a run's key (the sweep's stage label, the
 * configuration's name, the seed) and its results, each a name and n
 * doubles. A file journal appends each record as it is added, in full, and
 * flushes it, so a process killed at any moment leaves every record it had
 * finished; a record cut short by the kill is dropped when the file is read
 * again. The file starts with its settings, "# key: value" lines the caller
 * chooses (experiment, seed, revision, ...): a file whose settings differ
 * from the caller's is not reused. The format, one record:
 *
 *   run	STAGE	CONFIG	SEED	NRESULTS
 *   KEY	N	V1	...	VN        (NRESULTS lines; values in C99's %a: exact)
 *   end
 *
 * The journal also keeps the table of the runs it was asked about in this
 * process (gl_journal_mark): what a sliced run's manifest lists. Adding
 * records is thread-safe; the other calls are not. */
#ifndef GL_JOURNAL_H
#define GL_JOURNAL_H

#include <stddef.h>

#include "gl.h"

typedef struct gl_journal gl_journal;

/* A journal on the file path (or, path NULL, in memory only, as a merge's).
 * settings: "key: value" lines, each ending in '\n'. If path exists and
 * starts with exactly these settings, its complete records are loaded
 * (unless fresh); else it is replaced when the first record is added. The
 * file and its directory are created by the first gl_journal_add. */
int gl_journal_open(gl_journal **out, const char *path, const char *settings, int fresh,
                    gl_err *err);
void gl_journal_free(gl_journal *j); /* NULL is a no-op; the file stays */
/* Removes the journal's file (after the results it served are in place). */
int gl_journal_remove(gl_journal *j, gl_err *err);
/* The settings of the file path (into buf, "key: value\n" lines), GL_EIO if
 * it cannot be read. */
int gl_journal_settings(const char *path, char *buf, size_t n, gl_err *err);
/* Loads the complete records of another journal file, which must have j's
 * settings, keeping those keep() accepts (keep NULL: all); a key j already
 * holds is an error. The records of several slices, into one journal. */
int gl_journal_load(gl_journal *j, const char *path,
                    int (*keep)(void *ctx, const char *stage, const char *config,
                                unsigned long seed),
                    void *ctx, gl_err *err);

/* ---- records ---- */
/* The number of results of the record (stage, config, seed), -1 if none. */
long gl_journal_find(const gl_journal *j, const char *stage, const char *config,
                     unsigned long seed);
/* Result i of that record: its key, length and values (valid while j lives). */
void gl_journal_result(const gl_journal *j, const char *stage, const char *config,
                       unsigned long seed, size_t i, const char **key, size_t *n,
                       const double **v);
/* Adds a record and, for a file journal, writes it; stage, config and keys
 * without tabs or newlines. */
int gl_journal_add(gl_journal *j, const char *stage, const char *config, unsigned long seed,
                   size_t nres, const char *const *keys, const size_t *n,
                   const double *const *v, gl_err *err);
size_t gl_journal_count(const gl_journal *j); /* records held */

/* ---- the table of this process's runs ---- */
typedef enum {
    GL_JOURNAL_REUSED,    /* found in the journal: not run again */
    GL_JOURNAL_RUN,       /* run here (and added when it finished) */
    GL_JOURNAL_ELSEWHERE  /* another slice's */
} gl_journal_where;
/* Lists the run in the table; GL_EINVAL if it is listed already (two sweeps
 * with one stage label would mix their results). */
int gl_journal_mark(gl_journal *j, const char *stage, const char *config, unsigned long seed,
                    gl_journal_where where, gl_err *err);
size_t gl_journal_ntable(const gl_journal *j);
/* Entry i of the table, i < gl_journal_ntable(j). */
void gl_journal_entry(const gl_journal *j, size_t i, const char **stage, const char **config,
                      unsigned long *seed, gl_journal_where *where);

#endif
