# SPDX-License-Identifier: GPL-3.0-or-later
# help2roff.awk — one --help text of ganlab as man(7) source, for man.sh.
#   awk -v title='ganlab div' [-v skipusage=1] -f help2roff.awk < help.txt
# The help texts follow one layout: "usage:" lines, paragraphs, and option
# lines "  --opt ARG   description" whose continuation lines are indented to
# the description's column. A line indented deeper than that column, or an
# indented line outside an option, is a table or an example: kept verbatim.
function esc(s) {
    gsub(/\\/, "\\e", s)
    gsub(/-/, "\\-", s)
    return s
}
# A text line for roff: a leading . or ' would be read as a request.
function line(s) {
    if (s ~ /^[.']/)
        s = "\\&" s
    print s
}
function fill() { if (nofill) { print ".fi"; nofill = 0 } }
function verbatim(s) {
    if (!nofill) { print ".nf"; nofill = 1 }
    line(esc(s))
}
function indent(s) { match(s, /^ */); return RLENGTH }
# The option term of "  --opt ARG   description": up to the first run of two
# spaces or, if there is none, the option and the metavariables after it.
function option(s,    n, k, w, term) {
    s = substr(s, 3)
    if (match(s, /   */)) {
        term = substr(s, 1, RSTART - 1)
        desc = substr(s, RSTART + RLENGTH)
        desccol = 2 + RSTART + RLENGTH - 1
    } else {
        n = split(s, w, " ")
        term = w[1]
        for (k = 2; k <= n && w[k] ~ /^[A-Z0-9_,|.\[\]]+$/; k++)
            term = term " " w[k]
        desc = ""
        for (; k <= n; k++)
            desc = desc (desc == "" ? "" : " ") w[k]
        desccol = 2 + length(term) + 1
    }
    return term
}
BEGIN {
    state = skipusage ? "skip" : "usage"
    print ".SS \"" title "\""
}
state == "skip" { if ($0 == "") state = "text"; next }
state == "usage" {
    if ($0 == "") { fill(); state = "text"; pp = 1; next }
    sub(/^usage: /, "")
    sub(/^       /, "")
    verbatim($0)
    next
}
/^$/ { fill(); pp = 1; inopt = 0; next }
/^  -/ {
    fill()
    term = option($0)
    print ".TP"
    line("\\fB" esc(term) "\\fR")
    if (desc != "")
        line(esc(desc))
    inopt = 1; pp = 0
    next
}
/^ / {
    if (inopt && indent($0) <= desccol) {
        fill()
        sub(/^ */, "")
        line(esc($0))
    } else {
        if (pp) { print ".PP"; pp = 0 }
        s = $0
        if (inopt)
            s = substr(s, desccol + 1)
        else
            sub(/^  /, "", s)
        verbatim(s)
    }
    next
}
{
    fill()
    if (pp || inopt) { print ".PP"; pp = 0; inopt = 0 }
    line(esc($0))
}
END { fill() }
