#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# man.sh — writes the man page ganlab.1 to stdout (make runs it at build time):
#   sh docs/man.sh BIN docs/ganlab.1.in [KEY=VALUE]... > ganlab.1
# The template's lines @COMMANDS@ and @EXPERIMENTS@ become every command's and
# every experiment's --help text (through help2roff.awk), so the page says
# exactly what the binary does; @VERSION@ becomes the version BIN prints and
# @KEY@ each VALUE given (the install paths).
set -eu
bin=$1
tmpl=$2
shift 2
here=$(dirname "$0")
subst="s|@VERSION@|$("$bin" --version | awk '{print $2}')|g"
for kv in "$@"; do
    subst="$subst;s|@${kv%%=*}@|${kv#*=}|g"
done
# the commands are the indented words of the "commands:" block of --help
cmds=$("$bin" --help | awk '/^commands:/ {f = 1; next} f && /^$/ {exit} f && /^  [a-z]/ {print $1}')
exps=$("$bin" exp --list | awk '{print $1}')

# the template, each @COMMANDS@ or @EXPERIMENTS@ line replaced by the help texts
expand() {
    while IFS= read -r l; do
        case $l in
        @COMMANDS@)
            for c in $cmds; do
                "$bin" "$c" --help | awk -v title="ganlab $c" -f "$here/help2roff.awk"
            done ;;
        @EXPERIMENTS@)
            for e in $exps; do
                "$bin" exp "$e" --help | awk -v title="$e" -v skipusage=1 -f "$here/help2roff.awk"
            done ;;
        *)
            printf '%s\n' "$l" ;;
        esac
    done < "$tmpl"
}
expand | sed "$subst"
