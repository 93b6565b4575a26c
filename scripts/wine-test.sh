#!/usr/bin/env bash
# Runs the platform package's tests as a Windows program under Wine, so that
# the Windows adapter (truststore_windows.go, platform_windows.go) runs for
# real: Wine's crypt32 has system certificate stores (LocalMachine\ROOT is
# filled from the host's CA bundle) and a registry the tests can write to.
#
# Each run makes a new Wine prefix and throws it away: the tests add
# certificates and registry keys, and expect a machine with no VPN client.
# Works as root, with no display and no standard input (CI).
set -euo pipefail
cd "$(dirname "$0")/.."

start=$SECONDS
GO=${GO:-go}
TIMEOUT=${WINE_TEST_TIMEOUT:-600} # seconds for the whole test binary

# Wine 8.0 (Debian 12) has no bcryptprimitives.dll, whose ProcessPrng every
# Go 1.22+ Windows program calls at start-up; Wine 9 ships it.
wine_dlls=/usr/lib/x86_64-linux-gnu/wine/x86_64-windows
debs=(wine wine64 ca-certificates)
need_shim=1
[ -e "$wine_dlls/bcryptprimitives.dll" ] && need_shim=0
[ "$need_shim" = 1 ] && debs+=(gcc-mingw-w64-x86-64)
scripts/ensure-debs.sh "${debs[@]}"
[ -e "$wine_dlls/bcryptprimitives.dll" ] && need_shim=0

export WINEDEBUG=-all             # no fixme lines among the test output
export WINEDLLOVERRIDES="mscoree,mshtml=" # no Mono or Gecko install prompt
unset DISPLAY WAYLAND_DISPLAY     # no window, even where a display exists

mkdir -p bin
WINEPREFIX=$(mktemp -d "${TMPDIR:-/tmp}/vpndoctor-wine.XXXXXX")
export WINEPREFIX
cleanup() {
  wineserver -k 2>/dev/null || true # this prefix's server only
  rm -rf "$WINEPREFIX"
}
trap cleanup EXIT

# The prefix (about 10 s) and the test binary (about 15 s) are made side by
# side. wineboot complains that there is no 32-bit Wine: the tests do not
# need one.
( wineboot -i </dev/null >"$WINEPREFIX.log" 2>&1 && wineserver -w ) &
boot=$!
GOOS=windows GOARCH=amd64 CGO_ENABLED=0 $GO test -c -tags wine -ldflags=-checklinkname=0 \
  -o bin/platform.test.exe ./platform/
if ! wait $boot; then
  cat "$WINEPREFIX.log" >&2
  rm -f "$WINEPREFIX.log"
  echo "wine-test: wineboot failed" >&2
  exit 1
fi
rm -f "$WINEPREFIX.log"

if [ "$need_shim" = 1 ]; then
  shim=bin/wine-shim/bcryptprimitives.dll
  if [ ! -e "$shim" ] || [ scripts/wine-shim/bcryptprimitives.c -nt "$shim" ]; then
    mkdir -p bin/wine-shim
    x86_64-w64-mingw32-gcc -shared -O2 -s -o "$shim" scripts/wine-shim/bcryptprimitives.c -ladvapi32
  fi
  cp "$shim" "$WINEPREFIX/drive_c/windows/system32/"
fi
echo "wine-test: $(wine --version) prefix and test binary ready in $((SECONDS - start))s"

log=$(mktemp)
trap 'cleanup; rm -f "$log"' EXIT
# From the package's folder, as go test runs a test binary.
set +e
(cd platform && timeout --kill-after=10 "$TIMEOUT" wine ../bin/platform.test.exe -test.v \
  -test.timeout=$((TIMEOUT - 30))s </dev/null 2>&1) | tee "$log"
status=${PIPESTATUS[0]}
set -e
[ "$status" = 124 ] && echo "wine-test: no result within ${TIMEOUT}s" >&2

passed=$(grep -c '^--- PASS' "$log" || true)
failed=$(grep -c '^--- FAIL' "$log" || true)
skipped=$(grep -c '^--- SKIP' "$log" || true)
echo "wine-test took $((SECONDS - start))s"
echo "wine: $passed passed, $failed failed, $skipped skipped"
[ "$status" = 0 ] && [ "$failed" = 0 ]
