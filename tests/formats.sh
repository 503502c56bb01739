#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# tests/formats.sh GANLAB [OUT] — docs/formats.md against the files: every
# TSV that the experiments wrote in OUT/NAME/ (out/, after make report) has
# its row '| `NAME/FILE` | keys | columns |' in docs/formats.md, with the
# metadata keys (besides experiment, mode, seed, ganlab) and the header row
# the file has; and every row there names a file that was written.
set -eu
GANLAB=$1
OUT=${2:-out}
DOC=docs/formats.md
fail=0 n=0
cells() { sed -e 's/`//g' -e 's/  */ /g' -e 's/^ //' -e 's/ $//'; }
for e in $("$GANLAB" exp --list | awk '{print $1}'); do
    [ -d "$OUT/$e" ] || { echo "formats: $OUT/$e missing (run make report first)"; fail=1; continue; }
    for f in "$OUT/$e"/*.tsv; do
        b=$(basename "$f")
        [ "$b" = claims.tsv ] && continue
        n=$((n + 1))
        row=$(grep -F "| \`$e/$b\` |" "$DOC" || true)
        [ -n "$row" ] || { echo "formats: $DOC has no row for $e/$b"; fail=1; continue; }
        keys=$(awk '/^# / {sub(/^# /, ""); split($0, a, ":");
            if (a[1] !~ /^(experiment|mode|seed|ganlab)$/) printf "%s ", a[1]; next} {exit}' "$f" | cells)
        cols=$(awk -F'\t' '/^#/ {next} {for (i = 1; i <= NF; i++) printf "%s ", $i; exit}' "$f" | cells)
        dkeys=$(echo "$row" | awk -F'|' '{print $3}' | cells)
        dcols=$(echo "$row" | awk -F'|' '{print $4}' | cells)
        [ "$keys" = "$dkeys" ] || { echo "formats: $e/$b has the keys '$keys', $DOC says '$dkeys'"; fail=1; }
        [ "$cols" = "$dcols" ] || { echo "formats: $e/$b has the columns '$cols', $DOC says '$dcols'"; fail=1; }
    done
done
for r in $(sed -n 's/^| `\([a-z0-9-]*\/[^`]*\.tsv\)` |.*/\1/p' "$DOC"); do
    [ -f "$OUT/$r" ] || { echo "formats: $DOC lists $r, which no experiment wrote"; fail=1; }
done
echo "formats: $n data files of $OUT checked against $DOC"
[ $fail = 0 ] && echo "1 passed, 0 failed" || echo "0 passed, 1 failed"
exit $fail
