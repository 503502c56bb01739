/* SPDX-License-Identifier: GPL-3.0-or-later */
/* rec.h — results on disk: TSV files with a '# key: value' metadata header,
 * the claims table, and atomic writes.
 *
 * A gl_rec is a transaction over one output directory: every file is written
 * under a temporary name (NAME.tmp.PID) and renamed into place only by
 * gl_rec_commit, so an interrupted or failed run never leaves a half-written
 * file and leaves the previous results untouched. gl_rec_free on an
 * uncommitted transaction removes its temporary files. No timestamps are
 * written: the same seed gives byte-identical files.
 *
 * Every number goes through one policy: %.Ng with N significant digits (10
 * unless gl_tsv_digits says otherwise for the file; 17 reads back to the same
 * double), and nan, inf, -inf spelled so. Text cells have tabs and newlines
 * replaced by spaces. Every writer returns GL_EIO once a write has failed
 * (and gl_rec_commit refuses to rename such a file). This header also defines
 * gl_tsv (gl_tsv_*), gl_claim and gl_claims (gl_claims_*). */
#ifndef GL_REC_H
#define GL_REC_H

#include <stddef.h>
#include <stdio.h>

#include "gl.h"

typedef struct gl_rec gl_rec;
typedef struct gl_tsv gl_tsv;

/* A transaction on dir; dir (and its parents) is created by the first
 * gl_rec_open, so a run that fails before writing anything leaves no trace. */
int gl_rec_begin(gl_rec **out, const char *dir, gl_err *err);
/* A metadata line written at the top of every file opened afterwards. */
int gl_rec_meta(gl_rec *rec, const char *key, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
/* Opens dir/name (temporarily dir/name.tmp.PID) with the common metadata. */
int gl_rec_open(gl_rec *rec, const char *name, gl_tsv **t, gl_err *err);
/* Renames every file into place; the first failure is reported. */
int gl_rec_commit(gl_rec *rec, gl_err *err);
void gl_rec_free(gl_rec *rec); /* NULL is a no-op; removes uncommitted temporaries */
/* Removes the temporary files of every gl_rec not yet committed or freed
 * (the first 16 alive), with unlink() only: safe in a signal handler that
 * then ends the process, so an interrupted run leaves no dir/NAME.tmp.PID. */
void gl_rec_unlink_pending(void);
/* GL_OK if path does not exist or is a regular file; else GL_EIO saying
 * why (a symbolic link is refused too: the rename that makes every write
 * atomic would replace the link, not its target). gl_rec_open and
 * gl_model_save check their targets with it. */
int gl_rec_check_target(const char *path, gl_err *err);
const char *gl_rec_dir(const gl_rec *rec);
/* mkdir -p dir: GL_OK if it is (now) a directory, else GL_EIO saying why. */
int gl_rec_mkdirs(const char *dir, gl_err *err);

/* Per-file metadata (before the header row). */
int gl_tsv_meta(gl_tsv *t, const char *key, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
/* Significant digits (1..17) of the numbers written to t from now on. */
int gl_tsv_digits(gl_tsv *t, int digits);
/* The header row: n column names. */
int gl_tsv_header(gl_tsv *t, size_t n, const char *const *cols);
/* One row of n numbers. */
int gl_tsv_row(gl_tsv *t, size_t n, const double *v);
/* One row of n cells, each a text (text != NULL) or a number:
 *   gl_tsv_cells(t, 3, (gl_tsv_cell[]){{.text = "ring"}, {.num = 8}, {.num = 0.97}}); */
typedef struct {
    const char *text;
    double num;
} gl_tsv_cell;
int gl_tsv_cells(gl_tsv *t, size_t n, const gl_tsv_cell *c);
/* The end of a gnuplot data block (two blank lines: the next rows are the
 * next "index"), and the end of a scan line of a surface (one blank line). */
int gl_tsv_block(gl_tsv *t);
int gl_tsv_scan(gl_tsv *t);
/* GL_OK, or GL_EIO with "cannot write DIR/NAME" in err if a write to t failed:
 * the check after writing a file. */
int gl_tsv_done(gl_tsv *t, gl_err *err);

/* ---- claims ---- */

typedef enum {
    GL_CLAIM_EQ, /* |measured - expected| <= tol */
    GL_CLAIM_LE, /* measured <= expected + tol */
    GL_CLAIM_GE  /* measured >= expected - tol */
} gl_claim_rel;

#define GL_CLAIM_NAMELEN 48
#define GL_CLAIM_WHYLEN 80
#define GL_MAXCLAIMS 64

typedef struct {
    char name[GL_CLAIM_NAMELEN];
    gl_claim_rel rel;
    double expected, measured, tol;
    int pass; /* NaN measured never passes */
    char why[GL_CLAIM_WHYLEN]; /* why the tolerance is what it is, in a phrase */
} gl_claim;

typedef struct {
    size_t n;
    gl_claim c[GL_MAXCLAIMS];
} gl_claims;

/* Appends a claim and decides it; returns its pass flag. why says in a short
 * phrase where tol comes from ("4 standard errors of 200k samples"): a claim
 * whose why is NULL or empty never passes, as a number without its argument
 * is no result. Silently ignores claims beyond GL_MAXCLAIMS but counts them
 * as failures in gl_claims_failed. */
int gl_claims_add(gl_claims *cl, const char *name, gl_claim_rel rel,
                  double expected, double measured, double tol, const char *why);
size_t gl_claims_failed(const gl_claims *cl);
/* "|m-e|<=tol", "m<=e+tol", "m>=e-tol" */
const char *gl_claim_rel_text(gl_claim_rel rel);
/* Writes claims.tsv: claim expected measured tol status relation why. */
int gl_rec_claims(gl_rec *rec, const gl_claims *cl, gl_err *err);

#endif
