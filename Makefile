# SPDX-License-Identifier: GPL-3.0-or-later
# ganlab — one top-level GNU Makefile.
#   make               bin/ganlab and build/libganlab.a
#   make check         Check suites, then every experiment in --quick mode
#   make check SANITIZE=1   the same under AddressSanitizer + UBSan
#   make exp-NAME      run one experiment, draw its figures (out/NAME/);
#                      MOVIE=1: and out/NAME/movie.gif (exp --movie)
#   make exps          every experiment, even after a failure, then a summary
#                      (make -j2 exps runs two at a time)
#   make bench         steps/s of the gan1d-bench and gan2d-bench workloads
#                      (make bench BLAS=openblas: the products through OpenBLAS)
#   make report [FULL=1]   out/report/index.html: every experiment's claims,
#                      figures and theory note (--quick runs unless FULL=1)
#   make report-test   make report, then the page in headless Chromium
#   make classroom-test   every command of docs/classroom.md, checked
#   make deps          install the system packages (Debian)
#   make install       bin, library, headers, ganlab.pc, man page, plots, docs,
#                      bash completion under PREFIX (/usr/local), DESTDIR honoured
#   make uninstall     removes exactly what make install put
#   make check-install install into a temporary DESTDIR and test what is there
#   make valgrind      the unit suites under valgrind memcheck (about 20 min)
#   make fuzz [FUZZ_SECONDS=N]   each fuzz harness of tests/fuzz/ for N seconds
#                      (600), under libFuzzer (clang) with ASan + UBSan
#   make fuzz-merge    minimise what make fuzz found into tests/fuzz/corpus/

CC      ?= cc
PKGS    := gsl check
# gnuplot-qt: gnuplot-nox's terminals and the windows of train --live
DEPS_APT := build-essential pkg-config libgsl-dev check libsubunit-dev gnuplot-qt
# the live view's window tests (tests/test_classroom.c): a virtual display,
# window ids, screenshots, and python3 for tests/x11close.py
DEPS_APT += xvfb xauth xdotool x11-apps imagemagick python3

SANITIZE ?= 0
VALGRIND ?= 0
ifeq ($(VALGRIND),1)
  # make valgrind: portable code (valgrind 3.19 stops on AVX-512), its own tree
  BUILD := build/vg
  OPT   := -O2 -g
  LDSAN :=
  ARCH  :=
else ifeq ($(SANITIZE),1)
  BUILD := build/san
  OPT   := -O2 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined
  LDSAN := -fsanitize=address,undefined
else
  BUILD := build/rel
  OPT   := -O2 -g
  LDSAN :=
endif

# make BLAS=openblas: the dense products through GSL's CBLAS interface
# linked to OpenBLAS (libopenblas-dev) instead of GSL's own CBLAS, in a tree
# of its own; for make bench: results are no longer bit-identical across
# machines and thread counts (bench/README.md)
BLAS ?=
ifeq ($(BLAS),openblas)
  BUILD := $(BUILD)-openblas
  CFLAGS += -DGL_BLAS
endif

GSL_CFLAGS   = $(shell pkg-config --cflags gsl)
GSL_LIBS     = $(if $(BLAS),$(patsubst -lgslcblas,-l$(BLAS),$(shell pkg-config --libs gsl)),$(shell pkg-config --libs gsl))
CHECK_CFLAGS = $(shell pkg-config --cflags check)
CHECK_LIBS   = $(shell pkg-config --libs check)

# The dense kernels use the widest vectors the build machine has (the results
# are bit-identical across vector widths); 'make ARCH=' builds portable SSE2.
ARCH    ?= -march=native
GIT_REV := $(shell git describe --always --dirty 2>/dev/null || echo unknown)
CFLAGS  += -std=c99 $(OPT) $(ARCH) -Wall -Wextra -Werror -D_POSIX_C_SOURCE=200809L \
           -DGL_VERSION=\"0.1.0\" -DGL_GIT_REV=\"$(GIT_REV)\" -Isrc -Iexperiments $(GSL_CFLAGS) -pthread
LDLIBS  += $(GSL_LIBS) -lm -pthread

LIB_SRC := $(wildcard src/*.c)
CLI_SRC := $(wildcard src/cli/*.c)
EXP_SRC := $(wildcard experiments/*.c)
TST_SRC := $(wildcard tests/test_*.c)

LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o)
CLI_OBJ := $(CLI_SRC:%.c=$(BUILD)/%.o)
EXP_OBJ := $(EXP_SRC:%.c=$(BUILD)/%.o)
TST_OBJ := $(TST_SRC:%.c=$(BUILD)/%.o) $(BUILD)/tests/main.o

LIB     := $(BUILD)/libganlab.a
EXPLIB  := $(BUILD)/libganlab_exp.a
ifneq ($(SANITIZE)$(VALGRIND)$(BLAS),00)
  GANLAB := $(BUILD)/ganlab
else
  GANLAB := bin/ganlab
endif
TESTBIN := $(BUILD)/ganlab_tests

# The fuzz harnesses are tests/fuzz/NAME.c; replay.c is the plain driver.
FUZZ_HARNESSES := $(filter-out replay,$(patsubst tests/fuzz/%.c,%,$(wildcard tests/fuzz/*.c)))
FUZZ_REPLAY    := $(FUZZ_HARNESSES:%=$(BUILD)/fuzz/replay-%)

# The experiments are the names in experiments/list.h, the one list.
EXPERIMENTS := $(shell awk -F'"' '/^GL_EXPERIMENT/ {print $$2}' experiments/list.h)

.PHONY: all check check-build deps digests clean exps bench valgrind $(EXPERIMENTS:%=exp-%) $(EXPERIMENTS:%=exps-%)
.DELETE_ON_ERROR:

all: $(GANLAB)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

# Adam's loop vectorises only without errno-setting sqrt (src/optim.c)
$(BUILD)/src/optim.o: CFLAGS += -fno-math-errno

$(BUILD)/tests/%.o: tests/%.c $(BUILD)/tests/suites.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(CHECK_CFLAGS) -I$(BUILD)/tests -Itests -MMD -MP -c $< -o $@

# The list of suites is the list of tests/test_*.c files: test_mix.c -> mix_suite().
$(BUILD)/tests/suites.h: $(TST_SRC) Makefile
	@mkdir -p $(dir $@)
	@printf '%s\n' $(patsubst tests/test_%.c,'GL_SUITE(%)',$(TST_SRC)) > $@.tmp
	@if cmp -s $@.tmp $@; then rm $@.tmp; else mv $@.tmp $@; fi

$(LIB): $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(EXPLIB): $(EXP_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(GANLAB): $(CLI_OBJ) $(EXPLIB) $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDSAN) -o $@ $(CLI_OBJ) $(EXPLIB) $(LIB) $(LDLIBS)

$(TESTBIN): $(TST_OBJ) $(EXPLIB) $(LIB)
	$(CC) $(LDSAN) -o $@ $(TST_OBJ) $(EXPLIB) $(LIB) $(CHECK_LIBS) $(LDLIBS)

$(BUILD)/fuzz/replay-%: $(BUILD)/tests/fuzz/%.o $(BUILD)/tests/fuzz/replay.o $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDSAN) -o $@ $^ $(LDLIBS)

# Check's summary line is the last thing printed.
# Under the sanitizers everything runs several times slower: Check's
# per-test timeouts are scaled to match.
ifeq ($(SANITIZE),1)
  CHECK_ENV := CK_TIMEOUT_MULTIPLIER=4
endif
# make check first lists any function over 100 lines (tests/funclen.awk): a
# function that long is split before it lands.
# Then it replays the fuzz corpora (tests/fuzz/corpus/NAME/) through the
# harnesses, linked with the plain driver tests/fuzz/replay.c.
# The build make check needs runs one job per core even without -j (a sub-make,
# first of check's prerequisites): the sanitizer build is a sixth of that
# run's 5-minute budget.
NPROC := $(shell nproc 2>/dev/null || echo 2)
check-build:
	@$(MAKE) --no-print-directory -j$(NPROC) $(TESTBIN) $(GANLAB) $(FUZZ_REPLAY)
check: check-build $(TESTBIN) $(GANLAB) $(FUZZ_REPLAY)
	@awk -f tests/funclen.awk $(wildcard src/*.c src/cli/*.c experiments/*.c) || \
	  { echo "make check: split the functions above (tests/funclen.awk)"; exit 1; }
	@for h in $(FUZZ_HARNESSES); do $(BUILD)/fuzz/replay-$$h tests/fuzz/corpus/$$h || \
	  { echo "make check: the fuzz harness $$h fails on its corpus"; exit 1; }; done
	@$(CHECK_ENV) GL_BIN=$(GANLAB) $(TESTBIN)

# make digests: record the digests of every experiment's --quick outputs
# (seed 1) in tests/digests.tsv, which make check compares against. Run it
# after a change that is meant to change outputs, and say why in the commit.
digests: $(TESTBIN) $(GANLAB)
	@rm -f tests/digests.tsv.new
	@GL_DIGESTS_WRITE=$(CURDIR)/tests/digests.tsv.new CK_RUN_SUITE=experiments CK_RUN_CASE=quick \
	  GL_BIN=$(GANLAB) $(TESTBIN) | tail -1
	@test -s tests/digests.tsv.new || { echo "make digests: no digests written"; exit 1; }
	@{ echo "# the --quick outputs of every experiment (seed 1): make digests"; \
	  echo "experiment	file	digest"; sort -u tests/digests.tsv.new; } > tests/digests.tsv
	@rm -f tests/digests.tsv.new; echo "tests/digests.tsv: $$(grep -c '	' tests/digests.tsv) lines"

deps:
	@if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	$$SUDO apt-get update && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y $(DEPS_APT)

# make exp-NAME: run the experiment (prints its claims; exit 1 if one fails,
# 2 on an error), then draw its figures from the TSVs it wrote (exp --plot,
# with this checkout's plots/). MOVIE=1: and out/NAME/movie.gif, the movie of
# its first training run (exp --movie; experiments that train a GAN).
$(EXPERIMENTS:%=exp-%): exp-%: $(GANLAB)
	@$(if $(MOVIE),mkdir -p out/$*;) GANLAB_DATADIR=$(CURDIR) $(GANLAB) exp $* $(EXPFLAGS) --plot \
	  $(if $(MOVIE),--movie out/$*/movie.gif)

# make exps: every experiment, even after one fails (each through its own
# exps-NAME, which records its status, claims passed and seconds in
# out/.exps/NAME), then one summary line per experiment; exit 1 if any claim
# failed or an experiment stopped on an error.
EXPS_LOG := out/.exps
$(EXPERIMENTS:%=exps-%): exps-%: $(GANLAB)
	@mkdir -p $(EXPS_LOG); rm -f $(EXPS_LOG)/$*; t0=$$(date +%s); st=0; \
	$(MAKE) --no-print-directory exp-$* || st=$$?; t=$$(( $$(date +%s) - t0 )); \
	if [ $$st -le 1 ]; then c=$$(awk -F'\t' '/^#/ {next} !h {h = 1; next} {n++; p += $$5 == "PASS"} \
	  END {printf "%d/%d", p, n}' out/$*/claims.tsv); else c=-; fi; \
	echo "$* $$st $$c $$t" > $(EXPS_LOG)/$*

exps: $(EXPERIMENTS:%=exps-%)
	@echo "make exps:"; awk '{ s = $$2 == 0 ? "ok" : ($$2 == 1 ? "FAILED" : "ERROR"); \
	  printf "  %-16s %-7s claims passed %-7s %6d s\n", $$1, s, $$3, $$4; bad += $$2 != 0 } \
	  END { if (bad) print "  " bad " experiment(s) did not pass"; exit bad != 0 }' \
	  $(addprefix $(EXPS_LOG)/,$(EXPERIMENTS))

# make valgrind: the unit suites (and cli's) under valgrind memcheck, one
# suite at a time, in-process (CK_FORK=no), children traced; any error or
# definite/indirect leak fails it. About 20 min on this machine; not part of
# check. The experiment, control and signal suites run too long under it.
VG_SUITES := args dirac fconj fdiv fit fspline gen loss metrics mix mlp model modes optim quad range rec rig \
             sched sweep train wass cli
valgrind:
	@$(MAKE) --no-print-directory VALGRIND=1 build/vg/ganlab_tests build/vg/ganlab
	@for s in $(VG_SUITES); do echo "valgrind: $$s"; \
	  CK_FORK=no CK_TIMEOUT_MULTIPLIER=50 CK_RUN_SUITE=$$s GL_BIN=$(CURDIR)/build/vg/ganlab \
	  valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=99 \
	  --trace-children=yes --trace-children-skip='*/sh,*/gnuplot,*/rm' build/vg/ganlab_tests \
	  > build/vg/valgrind-$$s.log 2>&1; st=$$?; tail -1 build/vg/valgrind-$$s.log; \
	  [ $$st = 0 ] || { tail -40 build/vg/valgrind-$$s.log; echo "valgrind: $$s failed"; exit 1; }; done

# make report [FULL=1]: out/report/index.html, one page for every experiment
# of experiments/list.h (docs/report.sh): this revision's results in out/NAME/
# where they are there (full ones for FULL=1), else a --quick run (a full one
# for FULL=1). make report-test then opens the page in headless Chromium and
# checks it (tests/report.sh; out/report/screenshot.png), and checks
# docs/formats.md against the files the experiments wrote (tests/formats.sh).
DEPS_APT += pandoc chromium
FULL ?= 0
.PHONY: report report-test
report: $(GANLAB)
	@GANLAB_DATADIR=$(CURDIR) sh docs/report.sh $(GANLAB) out $(FULL)

report-test: report
	@sh tests/report.sh $(GANLAB) out/report
	@sh tests/formats.sh $(GANLAB) out

# make classroom-test: the lesson's commands (docs/classroom.md), run in an
# empty directory and their output checked against the lines the lesson
# shows (tests/classroom.py); about 35 s of CPU, so not part of check.
.PHONY: classroom-test
classroom-test: $(GANLAB)
	@python3 tests/classroom.py $(GANLAB) docs/classroom.md

# make bench [BENCH_STEPS=N] [BENCH_STEPS2D=N]: steps/s of gan1d-bench and
# gan2d-bench, and of PyTorch on the same workloads when python3 has torch;
# the exact-JSD log row and the nine D_f (bench/README.md). Not part of check.
BENCH_STEPS   ?= 5000
BENCH_STEPS2D ?= 500
BENCHBIN := $(BUILD)/ganlab_bench

$(BENCHBIN): $(patsubst %.c,$(BUILD)/%.o,$(wildcard bench/*.c)) $(LIB)
	$(CC) $(LDSAN) -o $@ $^ $(LDLIBS)

# (OpenBLAS runs single-threaded, as the workloads and their peers do)
bench: $(BENCHBIN)
	@OPENBLAS_NUM_THREADS=1 $(BENCHBIN) $(BENCH_STEPS) $(BENCH_STEPS2D)

clean:
	rm -rf build bin

# ---- make fuzz: the harnesses of tests/fuzz/ under libFuzzer ----
# The library is rebuilt with clang's coverage instrumentation and ASan +
# UBSan in build/fuzz/; each harness runs FUZZ_SECONDS from its corpus
# (tests/fuzz/corpus/NAME/, read only) and tests/fuzz/NAME.dict, and adds
# what it finds to build/fuzz/corpus/NAME/. A crash, leak, sanitizer report,
# timeout (FUZZ_TIMEOUT s for one input) or going over 2 GB stops it, leaving
# the input in build/fuzz/NAME-*. make fuzz-merge then minimises both corpora
# into tests/fuzz/corpus/NAME/ (libFuzzer's -merge=1), keeping the inputs
# named found-* (those of fixed bugs) as they are.
# make fuzz needs clang and its runtime, which Debian's clang only recommends
# (Debian 12: clang 14)
DEPS_APT     += clang libclang-rt-14-dev
FUZZ_SECONDS ?= 600
FUZZ_TIMEOUT ?= 10
FUZZ_CC      ?= clang
FUZZ_DIR     := build/fuzz
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_CFLAGS   = -std=c99 -O1 -g -fno-omit-frame-pointer $(FUZZ_SAN) -Wall -Wextra -Werror \
                -D_POSIX_C_SOURCE=200809L -DGL_VERSION=\"0.1.0\" -DGL_GIT_REV=\"$(GIT_REV)\" \
                -Isrc $(GSL_CFLAGS) -pthread
FUZZ_BINS    := $(FUZZ_HARNESSES:%=$(FUZZ_DIR)/fuzz-%)
FUZZ_RUN      = $(FUZZ_DIR)/fuzz-$$h -timeout=$(FUZZ_TIMEOUT) -rss_limit_mb=2048 \
                $$(test -f tests/fuzz/$$h.dict && echo -dict=tests/fuzz/$$h.dict)

.PHONY: fuzz fuzz-merge

$(FUZZ_DIR)/src/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c $< -o $@

$(FUZZ_DIR)/libganlab.a: $(LIB_SRC:%.c=$(FUZZ_DIR)/%.o)
	@rm -f $@
	ar rcs $@ $^

$(FUZZ_DIR)/fuzz-%: tests/fuzz/%.c tests/fuzz/fuzz.h $(FUZZ_DIR)/libganlab.a
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_DIR)/libganlab.a $(LDLIBS)

fuzz: $(FUZZ_BINS)
	@for h in $(FUZZ_HARNESSES); do echo "== make fuzz: $$h ($(FUZZ_SECONDS) s)"; \
	  mkdir -p $(FUZZ_DIR)/corpus/$$h; \
	  $(FUZZ_RUN) -max_total_time=$(FUZZ_SECONDS) -artifact_prefix=$(FUZZ_DIR)/$$h- \
	    $(FUZZ_DIR)/corpus/$$h tests/fuzz/corpus/$$h || \
	  { echo "make fuzz: $$h failed, the input is in $(FUZZ_DIR)/$$h-*"; exit 1; }; done

fuzz-merge: $(FUZZ_BINS)
	@for h in $(FUZZ_HARNESSES); do echo "== make fuzz-merge: $$h"; \
	  rm -rf $(FUZZ_DIR)/merged/$$h; mkdir -p $(FUZZ_DIR)/merged/$$h $(FUZZ_DIR)/corpus/$$h; \
	  $(FUZZ_RUN) -merge=1 $(FUZZ_DIR)/merged/$$h tests/fuzz/corpus/$$h $(FUZZ_DIR)/corpus/$$h \
	    2>&1 | grep -E '^MERGE-OUTER: [0-9]+ new files' && \
	  { cp tests/fuzz/corpus/$$h/found-* $(FUZZ_DIR)/merged/$$h/ 2>/dev/null; true; } && \
	  rm -rf tests/fuzz/corpus/$$h && \
	  mv $(FUZZ_DIR)/merged/$$h tests/fuzz/corpus/$$h || exit 1; done

# ---- make install / make uninstall (GNU conventions) ----
# make install PREFIX=/usr DESTDIR=/tmp/stage: every path below is under
# $(DESTDIR)$(PREFIX). The data directory is compiled into bin/ganlab (exp
# --plot finds the gnuplot scripts there), so changing PREFIX relinks it.
PREFIX      ?= /usr/local
BINDIR      ?= $(PREFIX)/bin
LIBDIR      ?= $(PREFIX)/lib
INCLUDEDIR  ?= $(PREFIX)/include
SHAREDIR    ?= $(PREFIX)/share
MANDIR      ?= $(SHAREDIR)/man
PKGDATADIR  ?= $(SHAREDIR)/ganlab
DOCDIR      ?= $(SHAREDIR)/doc/ganlab
PCDIR       ?= $(LIBDIR)/pkgconfig
BASHCOMPDIR ?= $(SHAREDIR)/bash-completion/completions
# the tests need these besides the build's packages (make check-install)
DEPS_APT    += man-db groff-base python3-pandas

LIB_HDR      := $(wildcard src/*.h)
PLOTS        := $(wildcard plots/*.gp)
# the docs keep their tree, so that their relative links still work
INSTALL_DOCS := README.md LICENSE bench/README.md $(wildcard docs/*.md docs/img/*.png theory/*.md)
INSTALL_FILES := $(BINDIR)/ganlab $(LIBDIR)/libganlab.a $(PCDIR)/ganlab.pc \
  $(MANDIR)/man1/ganlab.1 $(BASHCOMPDIR)/ganlab \
  $(LIB_HDR:src/%=$(INCLUDEDIR)/ganlab/%) $(PLOTS:plots/%=$(PKGDATADIR)/plots/%) \
  $(addprefix $(DOCDIR)/,$(INSTALL_DOCS))
INSTALL_DIRS := $(INCLUDEDIR)/ganlab $(PKGDATADIR)/plots $(PKGDATADIR) $(DOCDIR)/docs/img \
  $(DOCDIR)/docs $(DOCDIR)/theory $(DOCDIR)/bench $(DOCDIR)

.PHONY: install uninstall check-install FORCE

all: $(BUILD)/ganlab.1 $(BUILD)/ganlab.pc

# rewritten only when PREFIX changes, so that only plot.o is rebuilt then
$(BUILD)/datadir.h: FORCE
	@mkdir -p $(dir $@)
	@t=$@.tmp.$$$$; echo '#define GL_DATADIR "$(PKGDATADIR)"' > $$t; \
	if cmp -s $$t $@; then rm -f $$t; else mv -f $$t $@; fi
$(BUILD)/src/cli/plot.o: $(BUILD)/datadir.h
# the objects that write the revision (GL_GIT_REV) into --version and the
# results' metadata are rebuilt when it changes, so that no file is labelled
# with the revision of an older build (make report compares the two)
$(BUILD)/gitrev: FORCE
	@mkdir -p $(dir $@)
	@t=$@.tmp.$$$$; echo '$(GIT_REV)' > $$t; if cmp -s $$t $@; then rm -f $$t; else mv -f $$t $@; fi
$(BUILD)/src/cli/main.o $(BUILD)/src/cli/cmd_train.o $(BUILD)/experiments/exp.o: $(BUILD)/gitrev
$(BUILD)/src/cli/plot.o: CFLAGS += -I$(BUILD)

# the man page: docs/ganlab.1.in with the binary's --help texts (docs/man.sh)
$(BUILD)/ganlab.1: docs/ganlab.1.in docs/man.sh docs/help2roff.awk $(GANLAB)
	sh docs/man.sh $(GANLAB) docs/ganlab.1.in PKGDATADIR=$(PKGDATADIR) DOCDIR=$(DOCDIR) > $@.tmp
	@mv $@.tmp $@

$(BUILD)/ganlab.pc: ganlab.pc.in $(GANLAB) Makefile
	sed -e 's|@VERSION@|'"$$($(GANLAB) --version | awk '{print $$2}')"'|' -e 's|@PREFIX@|$(PREFIX)|' \
	  -e 's|@LIBDIR@|$(LIBDIR)|' -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' ganlab.pc.in > $@.tmp
	@mv $@.tmp $@

install: $(GANLAB) $(LIB) $(BUILD)/ganlab.1 $(BUILD)/ganlab.pc
	install -D -m 755 $(GANLAB) $(DESTDIR)$(BINDIR)/ganlab
	install -D -m 644 $(LIB) $(DESTDIR)$(LIBDIR)/libganlab.a
	install -D -m 644 $(BUILD)/ganlab.pc $(DESTDIR)$(PCDIR)/ganlab.pc
	install -D -m 644 $(BUILD)/ganlab.1 $(DESTDIR)$(MANDIR)/man1/ganlab.1
	install -D -m 644 completion/ganlab.bash $(DESTDIR)$(BASHCOMPDIR)/ganlab
	install -d $(DESTDIR)$(INCLUDEDIR)/ganlab $(DESTDIR)$(PKGDATADIR)/plots
	install -m 644 $(LIB_HDR) $(DESTDIR)$(INCLUDEDIR)/ganlab
	install -m 644 $(PLOTS) $(DESTDIR)$(PKGDATADIR)/plots
	@for f in $(INSTALL_DOCS); do install -D -m 644 $$f $(DESTDIR)$(DOCDIR)/$$f || exit 1; done
	@echo "installed $(words $(INSTALL_FILES)) files under $(DESTDIR)$(PREFIX)"

uninstall:
	rm -f $(addprefix $(DESTDIR),$(INSTALL_FILES))
	@for d in $(INSTALL_DIRS); do rmdir $(DESTDIR)$$d 2>/dev/null || true; done

# make check-install (part of make check): make install into a temporary
# DESTDIR, then run what was installed, outside the checkout (tests/install.sh).
check-install: $(GANLAB) $(LIB) $(BUILD)/ganlab.1 $(BUILD)/ganlab.pc
	@MAKE="$(MAKE)" CC="$(CC)" BINDIR=$(BINDIR) LIBDIR=$(LIBDIR) INCLUDEDIR=$(INCLUDEDIR) \
	  PCDIR=$(PCDIR) MANDIR=$(MANDIR) BASHCOMPDIR=$(BASHCOMPDIR) DOCDIR=$(DOCDIR) \
	  PKGDATADIR=$(PKGDATADIR) bash tests/install.sh
ifneq ($(SANITIZE),1)
check: check-install
endif

-include $(shell find build -name '*.d' 2>/dev/null)
