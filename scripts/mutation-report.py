#!/usr/bin/env python3
"""Summarises a gremlins JSON report: per file and in all, killed, lived,
not covered, timed out and not viable, and efficacy (killed / (killed +
lived)); then every survivor."""
import collections
import json
import sys

d = json.load(open(sys.argv[1]))
per = collections.defaultdict(collections.Counter)
lived = []
for f in d.get("files", []):
    for m in f.get("mutations", []):
        per[f["file_name"]][m["status"]] += 1
        if m["status"] == "LIVED":
            lived.append((f["file_name"], m["line"], m["column"], m["type"]))
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
