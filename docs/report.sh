#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# docs/report.sh GANLAB [OUT [FULL]] — make report: OUT/report/index.html
# (OUT is out/), one page for every experiment of the catalogue (the names
# of 'ganlab exp --list', which reads experiments/list.h): its claim in a
# line, its claims table, its figures, its paragraph of docs/experiments.md
# and its theory note theory/NAME.md, rendered by pandoc (--mathml: the
# formulas are MathML, which a browser shows without anything online).
#
# The results of OUT/NAME/ are used when they are from this revision (the
# '# ganlab:' line of claims.tsv is what 'ganlab --version' says), not of a
# control run (--untrained) and, with FULL=1, from a full run; otherwise the experiment is run, --quick unless
# FULL=1, with its figures. Run from the top of the checkout. Exit status 1
# if an experiment stopped on an error (the page says which), else 0: a
# claim that fails is on the page, in red, and is not an error of the page.
set -eu
GANLAB=$1
OUT=${2:-out}
FULL=${3:-0}
command -v pandoc >/dev/null || { echo "make report: pandoc not found (Debian: apt-get install pandoc)" >&2; exit 2; }
REV=$("$GANLAB" --version | sed 's/^ganlab //')
R=$OUT/report
mkdir -p "$R"
NAMES=$("$GANLAB" exp --list | awk '{print $1}')
status=0

# fresh NAME: 0 if OUT/NAME holds this revision's results (full ones for FULL=1)
fresh() {
    c=$OUT/$1/claims.tsv
    [ -f "$c" ] && grep -qxF "# ganlab: $REV" "$c" || return 1
    ! grep -q '^# training: untrained' "$c" || return 1 # a control run
    [ "$FULL" != 1 ] || grep -qx '# mode: full' "$c"
}

# run NAME: the experiment, or only its figures when the results are fresh
run() {
    if fresh "$1"; then
        if [ -z "$(find "$OUT/$1" -maxdepth 1 -name '*.png' -newer "$OUT/$1/claims.tsv")" ]; then
            echo "make report: $1: results of $REV, drawing the figures"
            (cd "${GANLAB_DATADIR:-.}" && gnuplot -e "dir='$(cd "$OUT/$1" && pwd)'" "plots/$1.gp")
        else
            echo "make report: $1: results of $REV in $OUT/$1"
        fi
        return 0
    fi
    q=--quick
    [ "$FULL" = 1 ] && q=
    echo "make report: $1: running ganlab exp $1 $q --plot"
    st=0
    "$GANLAB" exp "$1" $q --plot --out "$OUT/$1" > "$R/$1.out" 2> "$R/$1.err" || st=$?
    [ $st -le 1 ] && return 0
    echo "make report: $1 stopped on an error: $(cat "$R/$1.err")" >&2
    return 1
}

esc() { sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' -e 's/>/\&gt;/g'; }

# md FILE PREFIX DIR: Markdown to an HTML fragment, its links and images
# rewritten for out/report/ from DIR, where the text lives (theory or docs):
# another experiment's note -> its section on this page, ../out/NAME/ ->
# ../NAME/, any other relative path p -> ../../DIR/p
md() {
    pandoc --from markdown --to html5 --mathml --shift-heading-level-by=2 \
        --id-prefix="$2-" "$1" | sed -E \
        -e "s#(href)=\"(\\.\\./theory/)?($(echo $NAMES | tr ' ' '|'))\\.md(\\#[^\"]*)?\"#\\1=\"\\#\\3\"#g" \
        -e 's#(src|href)="\.\./out/#\1="@OUT@/#g' \
        -e "s#(src|href)=\"\\.\\./([^\"/][^\"]*)\"#\\1=\"../../\\2\"#g" \
        -e "s#(src|href)=\"([a-zA-Z0-9_][^\":]*)\"#\\1=\"../../$3/\\2\"#g" \
        -e 's#="@OUT@/#="../#g'
}

# the claims table of a claims.tsv
claims_html() {
    awk -F'\t' '
    function esc(s) { gsub(/&/, "\\&amp;", s); gsub(/</, "\\&lt;", s); gsub(/>/, "\\&gt;", s); return s }
    /^#/ { next }
    !h { h = 1; print "<table class=\"claims\"><tr><th>claim</th><th>expected</th><th>measured</th>" \
         "<th>tolerance</th><th>test</th><th>status</th><th>why this tolerance</th></tr>"; next }
    { printf "<tr class=\"%s\"><td><code>%s</code></td><td>%s</td><td>%s</td><td>%s</td><td>%s</td>" \
         "<td class=\"status\">%s</td><td>%s</td></tr>\n", tolower($5), esc($1), $2, $3, $4, esc($6), $5, esc($7) }
    END { if (h) print "</table>" }' "$1"
}

# the section of docs/experiments.md for NAME, up to its first table or subheading
paragraph() {
    awk -v n="## $1" '$0 == n {on = 1; next} on && (/^## / || /^\|/ || /^### /) {exit} on' \
        docs/experiments.md > "$R/$1.para.md"
    [ -s "$R/$1.para.md" ] && md "$R/$1.para.md" "$1-para" docs
    rm -f "$R/$1.para.md"
}

section() {
    n=$1 c=$OUT/$1/claims.tsv
    summary=$("$GANLAB" exp --list | awk -v n="$n" '$1 == n {sub(/^[^ ]+ +/, ""); print}' | esc)
    echo "<section id=\"$n\"><h2>$n</h2><p class=\"claim\">$summary</p>"
    if [ ! -f "$c" ] || ! grep -qxF "# ganlab: $REV" "$c"; then
        echo "<p class=\"error\">No results: the experiment stopped on an error:</p><pre>"
        esc < "$R/$n.err"
        echo "</pre></section>"
        return
    fi
    mode=$(sed -n 's/^# mode: //p' "$c") seed=$(sed -n 's/^# seed: //p' "$c")
    awk -F'\t' '/^#/ {next} !h {h = 1; next} {n++; p += $5 == "PASS"}
        END {printf "<p class=\"tally\">%d of %d claims passed</p>\n", p, n}' "$c"
    echo "<p class=\"meta\">$mode run, seed $seed, ganlab $REV; files in <a href=\"../$n/\">$OUT/$n/</a></p>"
    paragraph "$n"
    claims_html "$c"
    echo "<div class=\"figures\">"
    for f in "$OUT/$n"/*.png; do
        [ -f "$f" ] || continue
        b=$(basename "$f")
        echo "<figure><img src=\"../$n/$b\" alt=\"$b\"><figcaption>$b</figcaption></figure>"
    done
    echo "</div>"
    if [ -f "theory/$n.md" ]; then
        echo "<details class=\"note\" open><summary>Theory note: theory/$n.md</summary>"
        md "theory/$n.md" "$n" theory
        echo "</details>"
    fi
    echo "</section>"
}

for n in $NAMES; do
    run "$n" || status=1
done

{
    cat <<EOF
<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>ganlab report</title>
<style>
body { font-family: sans-serif; max-width: 72em; margin: 1em auto; padding: 0 1em; line-height: 1.4; }
table { border-collapse: collapse; margin: 0.5em 0; }
th, td { border: 1px solid #bbb; padding: 0.15em 0.4em; text-align: left; vertical-align: top; }
table.claims td:nth-child(2), table.claims td:nth-child(3), table.claims td:nth-child(4) { text-align: right; font-family: monospace; }
tr.pass td.status { background: #c8f0c8; color: #064; font-weight: bold; }
tr.fail td.status { background: #f8c8c8; color: #900; font-weight: bold; }
tr.fail td { background: #fff0f0; }
.claim { font-size: 1.1em; font-style: italic; }
.error { color: #900; font-weight: bold; }
.tally, .meta { color: #444; margin: 0.2em 0; }
.figures { display: flex; flex-wrap: wrap; gap: 1em; }
figure { margin: 0; } figure img { max-width: 34em; border: 1px solid #ddd; }
figcaption { font-size: 0.85em; color: #555; }
details.note { border-left: 3px solid #ccd; padding-left: 1em; margin: 1em 0; }
details.note img { max-width: 34em; }
section { border-top: 2px solid #888; margin-top: 2em; }
nav li { margin: 0.1em 0; }
</style>
<script>
/* for the browser test (tests/report.sh): how many images the page has and
   how many failed to load, on <body> once everything has loaded */
window.addEventListener('load', function () {
  var imgs = document.images, bad = 0;
  for (var i = 0; i < imgs.length; i++)
    if (!imgs[i].complete || imgs[i].naturalWidth === 0) bad++;
  document.body.setAttribute('data-images', imgs.length);
  document.body.setAttribute('data-broken', bad);
});
</script>
</head><body>
<h1>ganlab: every experiment, its claims, figures and theory</h1>
<p>Revision ganlab $REV. Each claim compares a measured value with the value the theory
expects, within a tolerance whose reason is given beside it. Regenerate with
<code>make report</code> (<code>make report FULL=1</code> for the full runs).</p>
<nav><h2>Contents</h2><ol>
EOF
    for n in $NAMES; do
        c=$OUT/$n/claims.tsv
        t=$( [ -f "$c" ] && grep -qxF "# ganlab: $REV" "$c" && awk -F'\t' '/^#/ {next} !h {h = 1; next}
            {n++; p += $5 == "PASS"} END {printf "%d/%d claims passed", p, n}' "$c" || echo "error")
        echo "<li><a href=\"#$n\">$n</a> — $t</li>"
    done
    echo "</ol></nav>"
    for n in $NAMES; do
        section "$n"
    done
    echo "</body></html>"
} > "$R/index.html.tmp"
mv "$R/index.html.tmp" "$R/index.html"
echo "make report: $R/index.html ($(echo $NAMES | wc -w) experiments)"
exit $status
