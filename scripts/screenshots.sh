#!/usr/bin/env bash
# Screenshots of the real wizard under Xvfb, in Japanese and in English:
# the start page, a running check and the result (top and technical
# details) for several causes, plus the light theme and 150% scale. Saves
# screenshots/<lang>-<scenario>-<stage>.png and prints how long each launch
# took until the window was on screen.
#
#   scripts/screenshots.sh              # builds ./cmd/vpndoctor once
#   VPNDOCTOR_BIN=bin/vpndoctor scripts/screenshots.sh
#
# Needs xvfb, xdotool, imagemagick (make screenshots installs them).
set -euo pipefail
cd "$(dirname "$0")/.."

out=${SHOTS_DIR:-screenshots}
causes=${SHOTS_CAUSES:-"ok expired clock_ahead missing_intermediate untrusted_root"}

if [ -z "${SHOTS_INNER:-}" ]; then
  bin=${VPNDOCTOR_BIN:-}
  if [ -z "$bin" ]; then
    bin=/tmp/vpndoctor-shot
    go build -tags no_emoji -o "$bin" ./cmd/vpndoctor
  fi
  mkdir -p "$out"
  rm -f "$out"/*.png "$out"/launch-ms.txt "$out"/app.log
  # 100% scale on a 1280x900 screen; 150% on a 1920x1080 one, as on an
  # office laptop set to 150%.
  SHOTS_INNER=main VPNDOCTOR_BIN=$bin xvfb-run -a -n $((RANDOM % 400 + 100)) -s "-screen 0 1280x900x24" "$0"
  SHOTS_INNER=scaled VPNDOCTOR_BIN=$bin FYNE_SCALE=1.5 xvfb-run -a -n $((RANDOM % 400 + 100)) -s "-screen 0 1920x1080x24" "$0"
  sort -n "$out"/launch-ms.txt | awk '{a[NR]=$1} END {printf "launch to window: %d launches, min %d ms, median %d ms, max %d ms\n", NR, a[1], a[int((NR+1)/2)], a[NR]}'
  ls "$out"/*.png | wc -l | xargs echo "screenshots in $out/:"
  exit 0
fi

bin=$VPNDOCTOR_BIN
pid= wid=

now_ms() { date +%s%3N; }

# launch starts the app and waits (polling every 10 ms, not xdotool's
# --sync, which polls every half second) until its window is mapped.
# The language comes from --lang, or, with FROM_LOCALE=1, from LANG alone
# (ja_JP.UTF-8, or C for English) as when the app is double-clicked.
launch() {
  local lang=$1; shift
  local t0 t1 locale=C
  [ "$lang" = ja ] && locale=ja_JP.UTF-8
  [ -n "${FROM_LOCALE:-}" ] || set -- --lang "$lang" "$@"
  t0=$(now_ms)
  LANG=$locale LANGUAGE= LC_ALL= LC_MESSAGES= "$bin" "$@" >>"$out/app.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 1000); do
    wid=$(xdotool search --onlyvisible --name '^vpndoctor' 2>/dev/null | head -n1) && [ -n "$wid" ] && break
    sleep 0.01
  done
  [ -n "$wid" ] || { echo "the window did not open: $bin $* (see $out/app.log)" >&2; exit 1; }
  t1=$(now_ms)
  echo $((t1 - t0)) >>"$out/launch-ms.txt"
  echo "launch $*: window after $((t1 - t0)) ms"
  sleep 0.6 # the first frames
  # No window manager: keys go to the window under the pointer.
  xdotool mousemove --window "$wid" 200 200
}

shot() { import -window "$wid" "$out/$1.png"; }

quit() {
  [ -n "$pid" ] || return 0
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  pid=
}

# scroll_down turns the mouse wheel over the page.
scroll_down() {
  xdotool mousemove --window "$wid" 300 300 click --repeat "$1" --delay 20 5
  sleep 0.3
}

# details opens "Technical details": after scrolling to the end, its header
# is the last line above the buttons.
details() {
  scroll_down 40
  local h
  h=$(xdotool getwindowgeometry "$wid" | sed -n 's/.*Geometry: [0-9]*x\([0-9]*\).*/\1/p')
  xdotool mousemove --window "$wid" 200 $((h - ${FOOTER_PX:-122})) click 1
  sleep 0.8
  scroll_down 8
}

trap quit EXIT # never leave the app running, so xvfb-run can stop Xvfb

if [ "$SHOTS_INNER" = scaled ]; then
  for lang in ja en; do
    launch "$lang" --demo expired --autostart
    sleep 2
    shot "$lang-expired-result-150pct"
    quit
  done
  exit 0
fi

for lang in ja en; do
  for cause in $causes; do
    launch "$lang" --demo "$cause"
    shot "$lang-$cause-1start"
    xdotool key Return
    sleep 0.05
    shot "$lang-$cause-2checking" # practice checks are quick: often the result already
    sleep 2.5
    shot "$lang-$cause-3result"
    details
    shot "$lang-$cause-4details"
    scroll_down 12
    shot "$lang-$cause-5chain"
    scroll_down 40
    shot "$lang-$cause-6system"
    quit
  done
  # A check that hangs (the gateway never answers) shows the checklist
  # running for two seconds.
  launch "$lang" --demo silent --autostart
  sleep 0.4
  shot "$lang-silent-2checking"
  sleep 3
  shot "$lang-silent-3result"
  quit
  # The light theme, and the start page with nothing chosen.
  FYNE_THEME=light launch "$lang" --demo expired --autostart
  sleep 2
  shot "$lang-expired-3result-light"
  quit
  FROM_LOCALE=1 launch "$lang"
  shot "$lang-none-1start"
  xdotool key Return # nothing typed: the inline message
  sleep 0.2
  shot "$lang-none-1start-empty"
  quit
done
