#!/usr/bin/env python3
"""Summarises gremlins reports (JSON, or the log of a stopped run): per file and in all, killed, lived,
not covered, timed out and not viable, and efficacy (killed / (killed +
lived)); then every survivor."""
import collections
import json
import re
import sys

per = collections.defaultdict(collections.Counter)
lived = []
for arg in sys.argv[1:]:
    if arg.endswith(".json"):
        d = json.load(open(arg))
        rows = [(m["status"], m["type"], f["file_name"], m["line"], m["column"]) for f in d.get("files", []) for m in f.get("mutations", [])]
    else:
        # gremlins' own log, for a run stopped before it wrote its report.
        rows = [(m[1], m[2], m[3], int(m[4]), int(m[5])) for m in
                (re.match(r"^\s*(KILLED|LIVED|NOT COVERED|TIMED OUT|NOT VIABLE)\s+(\S+) at (\S+):(\d+):(\d+)", ln) for ln in open(arg)) if m]
    for status, kind, name, line, col in rows:
        per[name][status] += 1
        if status == "LIVED":
            lived.append((name, line, col, kind))
tot = collections.Counter()
print(f"{'file':32} {'killed':>6} {'lived':>5} {'uncov':>5} {'t/o':>4} {'n/v':>4} efficacy")
for name in sorted(per):
    c = per[name]
    tot.update(c)
    k, l = c["KILLED"], c["LIVED"]
    eff = f"{100.0 * k / (k + l):.1f}%" if k + l else "-"
    print(f"{name:32} {k:6} {l:5} {c['NOT COVERED']:5} {c['TIMED OUT']:4} {c['NOT VIABLE']:4} {eff}")
k, l = tot["KILLED"], tot["LIVED"]
print(f"{'ALL':32} {k:6} {l:5} {tot['NOT COVERED']:5} {tot['TIMED OUT']:4} {tot['NOT VIABLE']:4} "
      f"{100.0 * k / max(k + l, 1):.1f}%")
for f, line, col, t in sorted(lived):
    print(f"  LIVED {f}:{line}:{col} {t}")
