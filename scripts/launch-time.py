#!/usr/bin/env python3
"""Double-click to a window that accepts input, for scripts/launch-time.sh.

  launch-time.py N BINARY [BINARY...]

Starts each binary N times, alternating (so that the machine's load falls
on all alike), with `--demo expired --lang en` and VPNDOCTOR_LAUNCH_TRACE=1,
and reads its stderr through a pipe until the "window ready" line (the
event loop runs with the start page painted). Nothing polls: a loop of
xdotool calls every few milliseconds, as this script used before, takes a
core of its own on a 2-core machine and slowed what it measured.

Per binary: the median time from fork to that line (what a person waits),
the in-process time (from Go's start; without exec and the dynamic
loader), and the process's CPU time (user + system) at that moment, which
the machine's load changes far less than the wall time."""
import os
import re
import signal
import statistics
import subprocess
import sys
import time


def main():
    n, bins = int(sys.argv[1]), sys.argv[2:]
    tick = os.sysconf("SC_CLK_TCK")
    wall = {b: [] for b in bins}
    inproc = {b: [] for b in bins}
    cpu = {b: [] for b in bins}
    loads = []
    env = dict(os.environ, VPNDOCTOR_LAUNCH_TRACE="1")
    for _ in range(n):
        for b in bins:
            t0 = time.monotonic()
            p = subprocess.Popen([b, "--demo", "expired", "--lang", "en"], stdout=subprocess.DEVNULL,
                                 stderr=subprocess.PIPE, env=env, text=True)
            ready = False
            for line in p.stderr:
                if "window ready" in line:
                    ready = True
                    wall[b].append((time.monotonic() - t0) * 1000)
                    st = open(f"/proc/{p.pid}/stat").read().rsplit(")", 1)[1].split()
                    cpu[b].append((int(st[11]) + int(st[12])) * 1000 / tick)
                    m = re.search(r"ready (\d+) ms", line)
                    if m:
                        inproc[b].append(int(m.group(1)))
                    break
            loads.append(float(open("/proc/loadavg").read().split()[0]))
            time.sleep(0.5)  # let it settle before it is asked to end
            p.send_signal(signal.SIGTERM)
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
            if not ready:
                sys.exit(f"launch-time: {b} did not report its window ready")
    med = statistics.median
    for b in bins:
        w = wall[b]
        print(f"{os.path.basename(b)}: {len(w)} launches, median {med(w):.0f} ms (min {min(w):.0f}, max {max(w):.0f}); "
              f"in-process {med(inproc[b]):.0f} ms; CPU until ready {med(cpu[b]):.0f} ms")
    if len(bins) > 1:
        base = med(wall[bins[-1]])
        for b in bins[:-1]:
            print(f"{os.path.basename(b)} / {os.path.basename(bins[-1])}: {med(wall[b]) / base:.2f}")
    print(f"load average during the runs: mean {statistics.mean(loads):.1f} (min {min(loads):.1f}, max {max(loads):.1f})")


if __name__ == "__main__":
    main()
