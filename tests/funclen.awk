# SPDX-License-Identifier: GPL-3.0-or-later
# funclen.awk — lists every function longer than MAX lines (default 100) in
# the C files given: a function is the lines from a '{' in column 0 to the next
# '}' in column 0, its name taken from the nearest line above that has one.
# Prints "file:line: name: N lines" for each, and exits 1 if there are any.
#   awk -f tests/funclen.awk src/*.c src/cli/*.c experiments/*.c
BEGIN { if (MAX == "") MAX = 100; bad = 0 }
FNR == 1 { inside = 0; last = "" }
!inside && /^[A-Za-z_].*\(/ { last = $0; lastline = FNR }
!inside && /^\{/ { inside = 1; start = FNR; name = last; sub(/\(.*/, "", name); n = split(name, w, /[ *]+/); name = w[n] }
inside && /^\}/ {
    inside = 0
    len = FNR - start + 1
    if (len > MAX) { printf "%s:%d: %s: %d lines (more than %d)\n", FILENAME, lastline, name, len, MAX; bad = 1 }
}
END { exit bad }
