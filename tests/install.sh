#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# install.sh — make check-install: `make install` into a temporary DESTDIR,
# then, from a directory outside the checkout, use what was installed:
#   the binary runs an experiment (--quick) and draws its figures (--plot);
#   a C program builds with `pkg-config --cflags --libs ganlab` alone and runs;
#   every installed header compiles on its own;
#   the man page formats without a groff warning and names every command,
#   experiment and option;
#   the bash completion completes a command, an option, an experiment name,
#   an f-divergence name and an option's choices;
#   the docs' pandas and R one-liners read log.tsv and claims.tsv (each
#   skipped, and said so, where pandas or R is not installed);
#   `make uninstall` leaves no file behind.
# make passes MAKE, CC and the install paths (PREFIX, BINDIR, ...).
set -euo pipefail

fail() {
    echo "check-install: $*" >&2
    exit 1
}

src=$(pwd)
tmp=$(mktemp -d /tmp/ganlab-install-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
stage=$tmp/stage
$MAKE -s --no-print-directory install DESTDIR="$stage" >"$tmp/install.log" 2>&1 ||
    { cat "$tmp/install.log" >&2; fail "make install DESTDIR=$stage failed"; }

bin=$stage$BINDIR/ganlab
[ -x "$bin" ] || fail "no $bin"
for f in "$LIBDIR/libganlab.a" "$PCDIR/ganlab.pc" "$MANDIR/man1/ganlab.1" \
    "$BASHCOMPDIR/ganlab" "$PKGDATADIR/plots/style.gp" "$DOCDIR/README.md" "$DOCDIR/LICENSE"; do
    [ -f "$stage$f" ] || fail "make install did not install $f"
done
nh=$(ls src/*.h | wc -l)
[ "$(ls "$stage$INCLUDEDIR"/ganlab/*.h | wc -l)" = "$nh" ] || fail "not all $nh headers in $INCLUDEDIR/ganlab"

# --- the installed binary, outside the checkout (env -u: no data dir given)
mkdir "$tmp/run"
cd "$tmp/run"
env -u GANLAB_DATADIR "$bin" exp optimal-d --quick --plot >"$tmp/exp.out" 2>&1 ||
    { cat "$tmp/exp.out" >&2; fail "installed ganlab exp optimal-d --quick --plot failed"; }
figs=$(sed -n 's/^figures: //p' "$tmp/exp.out")
[ -n "$figs" ] || fail "exp --plot listed no figures"
for f in $figs; do
    [ "$(head -c 4 "$f" | od -An -c | tr -d ' ')" = "211PNG" ] || fail "$f is not a PNG"
done
for f in $(sed -n 's/^ *set output dir\."\/\([^"]*\)".*/\1/p' "$src/plots/optimal-d.gp"); do
    [ -s "out/optimal-d/$f" ] || fail "exp --plot did not draw $f"
done
st=0
GANLAB_DATADIR=$tmp/nowhere "$bin" exp disjoint --quick --plot --out d 2>"$tmp/err" || st=$?
[ "$st" = 2 ] && grep -q GANLAB_DATADIR "$tmp/err" && [ ! -e d ] ||
    fail "a GANLAB_DATADIR without plots/ is not exit status 2 before the run ($st)"

# --- a program against the installed library, with pkg-config alone
export PKG_CONFIG_PATH=$stage$PCDIR PKG_CONFIG_SYSROOT_DIR=$stage
flags=$(pkg-config --cflags --libs ganlab) || fail "pkg-config --cflags --libs ganlab failed"
case $flags in *"-I$stage$INCLUDEDIR"*"-L$stage$LIBDIR"* | *"-L$stage$LIBDIR"*"-I$stage$INCLUDEDIR"*) ;;
*) fail "pkg-config does not point into DESTDIR: $flags" ;;
esac
cat >prog.c <<'EOF'
/* JSD between two mixtures through the installed libganlab */
#include <stdio.h>
#include <ganlab/gl.h>
#include <ganlab/fdiv.h>

int main(void)
{
    gl_init();
    gl_mix *P = NULL, *Q = NULL;
    gl_err err;
    double v, e;
    if (gl_mix_parse("0.5*N(-2,0.5)+0.5*N(2,0.5)", &P, &err) || gl_mix_parse("N(0,1)", &Q, &err) ||
        gl_fdiv_eval(gl_fdiv_find("js"), P, Q, NULL, &v, &e, &err)) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    printf("%.17g\n", v);
    gl_mix_free(P);
    gl_mix_free(Q);
    return 0;
}
EOF
# shellcheck disable=SC2086 # the flags are words
${CC:-cc} -std=c99 -Wall -Wextra -Werror -o prog prog.c $flags || fail "prog.c did not build with: $flags"
want=$("$bin" div --p '0.5*N(-2,0.5)+0.5*N(2,0.5)' --q 'N(0,1)' --f js | awk '$1 == "js" {print $2}')
got=$(./prog) || fail "prog failed"
[ "$got" = "$want" ] || fail "prog printed $got, ganlab div $want"
for h in "$stage$INCLUDEDIR"/ganlab/*.h; do
    # shellcheck disable=SC2046
    echo "#include <ganlab/${h##*/}>" | ${CC:-cc} -std=c99 -pedantic -Wall -Wextra -Werror \
        $(pkg-config --cflags ganlab) -fsyntax-only -x c - || fail "${h##*/} does not compile on its own"
done

# --- the man page
man1=$stage$MANDIR/man1/ganlab.1
w=$(groff -ww -man -Tutf8 "$man1" 2>&1 >/dev/null) || fail "groff failed on ganlab.1"
[ -z "$w" ] || fail "groff -ww warns on ganlab.1: $w"
MANWIDTH=80 man --warnings -l "$man1" >"$tmp/man.txt" 2>"$tmp/man.err" || fail "man -l ganlab.1 failed"
[ ! -s "$tmp/man.err" ] || fail "man -l warns: $(cat "$tmp/man.err")"
sed 's/\\-/-/g' "$man1" >"$tmp/man.src"
cmds=$("$bin" --help | awk '/^commands:/ {f = 1; next} f && /^$/ {exit} f && /^  [a-z]/ {print $1}')
[ "$(echo "$cmds" | wc -w)" -ge 8 ] || fail "found only these commands in --help: $cmds"
for c in $cmds; do
    grep -q "^   ganlab $c\$" "$tmp/man.txt" || fail "the man page has no section for ganlab $c"
    for o in $("$bin" "$c" --help | grep -o -- '--[a-z][a-z0-9-]*' | sort -u); do
        grep -q -- "$o" "$tmp/man.src" || fail "the man page does not mention $c $o"
    done
done
for e in $("$bin" exp --list | awk '{print $1}'); do
    grep -q "^   $e\$" "$tmp/man.txt" || fail "the man page has no section for experiment $e"
done
grep -q "^EXIT STATUS" "$tmp/man.txt" && grep -q "^FILE FORMATS" "$tmp/man.txt" ||
    fail "the man page lacks EXIT STATUS or FILE FORMATS"

# --- the bash completion, with the installed ganlab first on PATH
comp() {
    PATH=$stage$BINDIR:$PATH bash -c '
        source "$1"; shift
        COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _ganlab; echo "${COMPREPLY[*]}"' \
        _ "$stage$BASHCOMPDIR/ganlab" "$@"
}
[ "$(comp ganlab ex)" = exp ] || fail "completion of 'ganlab ex': $(comp ganlab ex)"
[ "$(comp ganlab exp optimal)" = optimal-d ] || fail "completion of 'ganlab exp optimal': $(comp ganlab exp optimal)"
[ "$(comp ganlab exp optimal-d --qu)" = --quick ] || fail "completion of 'exp optimal-d --qu'"
[ "$(comp ganlab exp fdiv --ntes)" = --ntest ] || fail "completion of an override, 'exp fdiv --ntes'"
[ "$(comp ganlab train --upd)" = --update ] || fail "completion of 'ganlab train --upd'"
[ "$(comp ganlab train --update '')" = "alt sim" ] || fail "completion of 'train --update'"
[ "$(comp ganlab div --f j)" = "jeffreys js" ] || fail "completion of 'div --f j': $(comp ganlab div --f j)"
[ "$(comp ganlab fit --f w)" = "" ] || fail "fit --f offers w1"
[ "$(comp ganlab exp mode-collapse --sha)" = --shard ] || fail "completion of 'exp mode-collapse --sha'"
[ "$(comp ganlab mer)" = merge ] || fail "completion of 'ganlab mer'"
[ "$(comp ganlab merge --o)" = --out ] || fail "completion of 'ganlab merge --o'"

# --- the docs' one-liners, as installed, on the files the experiment wrote
notes=
oneliners() { sed -n "s/^$1 /&/p" "$stage$DOCDIR/docs/experiments.md"; }
py=
for p in python3 /usr/bin/python3; do
    # find_spec looks for pandas without the second it takes to import it
    if command -v "$p" >/dev/null && "$p" -c 'import importlib.util as u, sys
sys.exit(u.find_spec("pandas") is None)' 2>/dev/null; then py=$p; break; fi
done
if [ -n "$py" ]; then
    [ "$(oneliners python3 | wc -l)" = 2 ] || fail "docs/experiments.md: not two pandas one-liners"
    while IFS= read -r l; do
        out=$(eval "$py ${l#python3 }") || fail "the documented line failed: $l"
        case $out in *l1_grid* | *measured*) ;; *) fail "$l printed: $out" ;; esac
    done < <(oneliners python3)
    "$bin" div --p 'U(0,1)' --q 'U(2,3)' --f kl --f js >inf.tsv
    "$py" - out/optimal-d <<'EOF' || fail "pandas does not read the TSVs as documented"
import math, sys, pandas as pd
d = sys.argv[1]
for f in ("log.tsv", "claims.tsv"):
    t = pd.read_csv(f"{d}/{f}", sep="\t", comment="#")
    rows = [l for l in open(f"{d}/{f}") if l.strip() and not l.startswith("#")]
    assert list(t.columns) == rows[0].rstrip("\n").split("\t"), (f, list(t.columns))
    assert len(t) == len(rows) - 1, (f, len(t))
log = pd.read_csv(f"{d}/log.tsv", sep="\t", comment="#")
assert all(str(k).startswith(("int", "float")) for k in log.dtypes), log.dtypes
cl = pd.read_csv(f"{d}/claims.tsv", sep="\t", comment="#")
assert set(cl.status) <= {"PASS", "FAIL"} and cl.measured.dtype.kind == "f"
assert math.isinf(pd.read_csv("inf.tsv", sep="\t", comment="#").value[0])
EOF
else
    notes="$notes; pandas not installed, its one-liners skipped (make deps installs python3-pandas)"
fi
if command -v Rscript >/dev/null; then
    [ "$(oneliners Rscript | wc -l)" = 2 ] || fail "docs/experiments.md: not two R one-liners"
    while IFS= read -r l; do
        out=$(eval "$l") || fail "the documented line failed: $l"
        case $out in *l1_grid* | *measured*) ;; *) fail "$l printed: $out" ;; esac
    done < <(oneliners Rscript)
else
    notes="$notes; R not installed, its one-liners skipped"
fi

# --- make uninstall removes every file make install put
cd "$src"
$MAKE -s --no-print-directory uninstall DESTDIR="$stage" >"$tmp/uninstall.log" 2>&1 ||
    { cat "$tmp/uninstall.log" >&2; fail "make uninstall failed"; }
left=$(find "$stage" ! -type d)
[ -z "$left" ] || fail "make uninstall left: $left"
left=$(find "$stage" -name '*ganlab*')
[ -z "$left" ] || fail "make uninstall left the directories: $left"
echo "check-install: ok ($(echo "$figs" | wc -w) figures drawn by the installed ganlab$notes)"
