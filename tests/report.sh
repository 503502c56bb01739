#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# tests/report.sh GANLAB DIR — the browser test of make report: DIR/index.html
# opened in headless Chromium from the file system. A screenshot goes to
# DIR/screenshot.png (look at it); the DOM after the page's load event must
# say that every image loaded (the page's onload script counts them into
# <body data-images data-broken>), hold a section for every experiment of
# 'ganlab exp --list' with its claims table, and its formulas as MathML.
set -eu
GANLAB=$1
DIR=$2
PAGE="file://$(cd "$DIR" && pwd)/index.html"
CHROME=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
[ -n "$CHROME" ] || { echo "report test: chromium not found (Debian: apt-get install chromium)"; exit 2; }
# --no-sandbox: Chromium's sandbox refuses to run as root (CI runs as root)
set -- --headless --no-sandbox --disable-gpu --hide-scrollbars --allow-file-access-from-files \
    --virtual-time-budget=10000
fail=0
"$CHROME" "$@" --dump-dom "$PAGE" > "$DIR/dom.html" 2> "$DIR/chromium.log" ||
    { echo "report test: chromium failed (see $DIR/chromium.log)"; exit 1; }
"$CHROME" "$@" --window-size=1280,2400 --screenshot="$DIR/screenshot.png" "$PAGE" \
    >> "$DIR/chromium.log" 2>&1 || { echo "report test: the screenshot failed"; exit 1; }
[ -s "$DIR/screenshot.png" ] || { echo "report test: no screenshot"; fail=1; }
imgs=$(sed -n 's/.*<body[^>]* data-images="\([0-9]*\)".*/\1/p' "$DIR/dom.html")
broken=$(sed -n 's/.*<body[^>]* data-broken="\([0-9]*\)".*/\1/p' "$DIR/dom.html")
if [ -z "$imgs" ] || [ -z "$broken" ]; then
    echo "report test: the page's load script did not run"; fail=1
elif [ "$broken" != 0 ] || [ "$imgs" = 0 ]; then
    echo "report test: $broken of $imgs images did not load"; fail=1
fi
n=0
for e in $("$GANLAB" exp --list | awk '{print $1}'); do
    n=$((n + 1))
    grep -q "<section id=\"$e\">" "$DIR/dom.html" || { echo "report test: no section for $e"; fail=1; }
    # the section's claims table, with at least one claim
    awk -v e="$e" '$0 ~ "<section id=\"" e "\">" {on = 1} on && /<tr class="(pass|fail)">/ {found = 1; exit}
        on && /<\/section>/ {exit} END {exit !found}' "$DIR/dom.html" ||
        { echo "report test: no claims table for $e"; fail=1; }
done
grep -q "<math" "$DIR/dom.html" || { echo "report test: no MathML formula"; fail=1; }
if [ $fail = 0 ]; then
    echo "report test: $n experiments, $imgs images, all loaded; screenshot $DIR/screenshot.png"
    echo "1 passed, 0 failed"
else
    echo "0 passed, 1 failed"
fi
exit $fail
