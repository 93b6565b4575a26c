#!/usr/bin/env bash
# Double-click to a window that accepts input (issue 16, item 4): starts the
# wizard on the practice demo under Xvfb N times (default 20), alternating
# with an empty Fyne window of the same size (bench/launchfloor, the floor:
# Fyne, GLFW and OpenGL on this machine), and prints for each the median
# time from fork to "window ready" (the event loop runs with the start page
# painted, so it takes input), the in-process time and the CPU time until
# then, and the ratio to the floor (scripts/launch-time.py).
#
#   scripts/launch-time.sh                 # builds both once, as shipped (-tags no_emoji)
#   VPNDOCTOR_BIN=bin/vpndoctor scripts/launch-time.sh 20
#
# Needs xvfb and python3 (make launch-time installs them). Measure on an
# idle machine: on 2 cores any other job changes the wall times a lot.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-20}
bin=${VPNDOCTOR_BIN:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if [ -z "$bin" ]; then
  bin=$tmp/vpndoctor
  go build -tags no_emoji -o "$bin" ./cmd/vpndoctor
fi
go build -o "$tmp/empty-fyne-window" ./bench/launchfloor
LANG=C xvfb-run -a -n $((RANDOM % 400 + 500)) -s "-screen 0 1280x900x24" \
  scripts/launch-time.py "$n" "$bin" "$tmp/empty-fyne-window"
