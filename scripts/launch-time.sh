#!/usr/bin/env bash
# Double-click to a window that accepts input: starts the wizard on the
# practice demo under Xvfb N times (default 20) and prints two medians:
# in-process, from Go's start to the event loop running with the start page
# painted (VPNDOCTOR_LAUNCH_TRACE's "window ready": the page takes input),
# and from the process start until its window is mapped and visible. The
# window is mapped while the fonts are still being parsed, with the page's
# background only, so the second can be a little earlier than the first.
# VPNDOCTOR_LAUNCH_TRACE=1 also prints each stage (ui.Config.Trace).
#
#   scripts/launch-time.sh                 # builds ./cmd/vpndoctor once
#   VPNDOCTOR_BIN=bin/vpndoctor scripts/launch-time.sh 20
#
# Needs xvfb and xdotool (make screenshots installs them).
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-20}

if [ -z "${LAUNCH_INNER:-}" ]; then
  bin=${VPNDOCTOR_BIN:-}
  if [ -z "$bin" ]; then
    bin=/tmp/vpndoctor-launch
    go build -tags no_emoji -o "$bin" ./cmd/vpndoctor
  fi
  LAUNCH_INNER=1 VPNDOCTOR_BIN=$bin xvfb-run -a -n $((RANDOM % 400 + 500)) -s "-screen 0 1280x900x24" "$0" "$n"
  exit 0
fi

bin=$VPNDOCTOR_BIN
times=()
trace=$(mktemp)
one=$(mktemp)
trap 'rm -f "$trace" "$one"' EXIT
for i in $(seq 1 "$n"); do
  t0=$(date +%s%N)
  VPNDOCTOR_LAUNCH_TRACE=1 LANG=C "$bin" --demo expired --lang en >/dev/null 2>"$one" &
  pid=$!
  wid=
  for _ in $(seq 1 2000); do
    wid=$(xdotool search --onlyvisible --name '^vpndoctor' 2>/dev/null | head -n1) && [ -n "$wid" ] && break
    sleep 0.005
  done
  t1=$(date +%s%N)
  # The page may be painted after the window is mapped: wait for its line.
  for _ in $(seq 1 200); do grep -q 'window ready' "$one" && break; sleep 0.05; done
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  cat "$one" >>"$trace"
  [ -n "$wid" ] || { echo "launch $i: the window did not open" >&2; exit 1; }
  times+=($(( (t1 - t0) / 1000000 )))
  [ -z "${LAUNCH_VERBOSE:-}" ] || echo "launch $i: $(( (t1 - t0) / 1000000 )) ms"
  # One launch at a time: wait until its window is gone.
  while xdotool search --name '^vpndoctor' >/dev/null 2>&1; do sleep 0.05; done
done
# In-process: from Go's package initialisation to Fyne's event loop running.
{ grep -o 'ready [0-9]* ms' "$trace" || true; } | awk '{print $2}' | sort -n | awk '{a[NR]=$1} END {if (NR) printf "in-process (init to event loop): %d launches, median %d ms\n", NR, (NR%2 ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2))}'
printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {printf "launch to window: %d launches, min %d ms, median %d ms, max %d ms\n", NR, a[1], (NR%2 ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2)), a[NR]}'
