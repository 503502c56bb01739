#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""tests/classroom.py GANLAB [DOC] -- the lesson's commands, run as a test
(make classroom-test). Reads every ```console block of DOC
(docs/classroom.md): a line '$ CMD' is a command, the lines under it up to
the next command are lines its output must contain (stdout and stderr; runs
of spaces and tabs compare equal; '...' matches any text), '[exit N]' its
exit status (0 unless said). The commands run in order, through sh, in one
empty directory, with 'bin/ganlab' meaning GANLAB; a command that takes
longer than 300 s fails."""
import os, re, subprocess, sys, tempfile, time

def blocks(text):
    """(line number, command, [expected lines], exit status) for each command"""
    cmds, inside = [], False
    for no, line in enumerate(text.splitlines(), 1):
        if line.startswith("```"):
            inside = line.strip() == "```console"
            continue
        if not inside:
            continue
        if line.startswith("$ "):
            cmds.append([no, line[2:], [], 0])
        elif cmds and re.fullmatch(r"\[exit (\d+)\]", line.strip()):
            cmds[-1][3] = int(line.strip()[6:-1])
        elif cmds and line.strip():
            cmds[-1][2].append(line)
    return cmds

def pattern(line):
    words = " ".join(line.split())
    return re.compile(".*".join(re.escape(p) for p in words.split("...")))

def main():
    ganlab = os.path.abspath(sys.argv[1])
    doc = sys.argv[2] if len(sys.argv) > 2 else "docs/classroom.md"
    cmds = blocks(open(doc, encoding="utf-8").read())
    failed = 0
    with tempfile.TemporaryDirectory(prefix="ganlab-lesson-") as d:
        for no, cmd, want, status in cmds:
            run = re.sub(r"(^|[\s|;(])bin/ganlab\b", lambda m: m.group(1) + ganlab, cmd)
            t0 = time.time()
            try:
                p = subprocess.run(["sh", "-c", run], cwd=d, capture_output=True, text=True,
                                   timeout=300)
                out, rc = p.stdout + p.stderr, p.returncode
            except subprocess.TimeoutExpired:
                out, rc = "", "timeout"
            lines = [" ".join(l.split()) for l in out.splitlines()]
            bad = [w for w in want if not any(pattern(w).fullmatch(l) for l in lines)]
            ok = rc == status and not bad
            failed += not ok
            print("%s %s:%d %s (%.1f s)" % ("ok  " if ok else "FAIL", doc, no, cmd, time.time() - t0))
            if rc != status:
                print("      exit status %s, want %d" % (rc, status))
            for w in bad:
                print("      no output line matches: %s" % w)
            if not ok:
                print("      its output:\n" + "".join("        %s\n" % l for l in out.splitlines()[:40]))
    print("classroom: %d commands of %s" % (len(cmds), doc))
    print("%d passed, %d failed" % (len(cmds) - failed, failed))
    return 1 if failed or not cmds else 0

if __name__ == "__main__":
    sys.exit(main())
