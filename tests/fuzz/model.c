/* SPDX-License-Identifier: GPL-3.0-or-later */
/* model.c — fuzz harness of the model-file loader (src/model.c): the input is
 * written to a file and loaded; a model that loads must have networks that fit
 * together, run forward, and save to a file that reloads bit for bit. */
#include <math.h>
#include <unistd.h>

#include "fuzz.h"
#include "model.h"

#define MAXBATCH 3

static char path[64], saved[80];

static void cleanup(void)
{
    remove(path);
    remove(saved);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    gl_init();
    /* in memory where there is a tmpfs: a disk-backed /tmp is 10x slower */
    strcpy(path, "/dev/shm/ganlab-fuzz-model-XXXXXX");
    int fd = mkstemp(path);
    if (fd < 0) {
        strcpy(path, "/tmp/ganlab-fuzz-model-XXXXXX");
        if ((fd = mkstemp(path)) < 0)
            return -1;
    }
    close(fd);
    snprintf(saved, sizeof saved, "%s.saved", path);
    atexit(cleanup);
    return 0;
}

static int write_input(const uint8_t *data, size_t size)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    int bad = fwrite(data, 1, size, f) != size;
    return fclose(f) || bad ? -1 : 0;
}

static void check_same(const gl_mlp *a, const gl_mlp *b)
{
    FUZZ_ASSERT(a->nlayers == b->nlayers && a->nparams == b->nparams && a->act == b->act);
    FUZZ_ASSERT(memcmp(a->sizes, b->sizes, (a->nlayers + 1) * sizeof *a->sizes) == 0);
    FUZZ_ASSERT(memcmp(&a->leak, &b->leak, sizeof a->leak) == 0);
    FUZZ_ASSERT(memcmp(a->params, b->params, a->nparams * sizeof *a->params) == 0);
}

/* G and D fit together and run on a batch; save and reload is the identity. */
static void check_model(gl_mlp *G, gl_mlp *D, const gl_model_meta *meta)
{
    size_t gout = G->sizes[G->nlayers];
    FUZZ_ASSERT(G->sizes[0] == meta->zdim + meta->ncond && (gout == 1 || gout == 2));
    FUZZ_ASSERT(D->sizes[0] == gout + meta->ncond && D->sizes[D->nlayers] == 1);
    FUZZ_ASSERT(G->maxbatch == MAXBATCH && D->maxbatch == MAXBATCH);
    for (size_t i = 0; i < G->nparams; i++)
        FUZZ_ASSERT(isfinite(G->params[i]));
    for (size_t i = 0; i < D->nparams; i++)
        FUZZ_ASSERT(isfinite(D->params[i]));
    if (meta->zdim <= 64 && meta->ncond == 0) {
        double z[64 * MAXBATCH] = {0}, x[2 * MAXBATCH], y[MAXBATCH];
        for (size_t i = 0; i < meta->zdim * MAXBATCH; i++)
            z[i] = (double)i / 7 - 1;
        gl_mlp_forward(G, z, MAXBATCH, x);
        gl_mlp_forward(D, x, MAXBATCH, y);
    }
    gl_err err;
    int s = gl_model_save(saved, G, D, meta, &err);
    if (s) {
        fuzz_check_err(s, &err);
        FUZZ_ASSERT(s == GL_EIO || s == GL_ENOMEM);
        return;
    }
    gl_mlp *G2, *D2;
    gl_model_meta m2;
    s = gl_model_load(saved, MAXBATCH, &G2, &D2, &m2, &err);
    if (s) {
        fprintf(stderr, "a saved model does not reload: %s\n", err.msg);
        FUZZ_ASSERT(s == GL_OK);
    }
    check_same(G, G2);
    check_same(D, D2);
    FUZZ_ASSERT(m2.noise == meta->noise && m2.zdim == meta->zdim && m2.ncond == meta->ncond);
    FUZZ_ASSERT(strcmp(m2.data, meta->data) == 0);
    gl_mlp_free(G2);
    gl_mlp_free(D2);
    gl_model_meta_clear(&m2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (write_input(data, size))
        return 0;
    gl_mlp *G = (gl_mlp *)&G, *D = (gl_mlp *)&D; /* not NULL: the loader must set them */
    gl_model_meta meta = {.data = (char *)&meta};
    gl_err err;
    int s = gl_model_load(path, MAXBATCH, &G, &D, &meta, &err);
    if (s) {
        fuzz_check_err(s, &err);
        FUZZ_ASSERT(G == NULL && D == NULL && meta.data == NULL);
        return 0;
    }
    FUZZ_ASSERT(G && D && meta.data);
    check_model(G, D, &meta);
    gl_mlp_free(G);
    gl_mlp_free(D);
    gl_model_meta_clear(&meta);
    return 0;
}
