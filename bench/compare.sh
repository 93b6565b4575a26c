#!/usr/bin/env bash
# Compares a full vpndoctor diagnosis of a healthy loopback gateway (DNS, TCP,
# TLS, chain against the OS trust store + the practice root, OCSP, CRL, NTP)
# with `openssl s_client -status` against the same server, both as whole
# processes, side by side in one hyperfine run. Prints the ratio.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-bin/vpndoctor}
# The same command built without the wizard (-tags nogui, no cgo, stripped:
# what make package ships as vpndoctor-cli): shows what the
# GUI toolkit's start-up (Fyne's package init, ~4 ms here) adds.
CLI=${CLI:-bin/vpndoctor-cli}
RUNS=${RUNS:-40}
out=bench/out
mkdir -p "$out"
rm -f "$out/lab.env"

# The practice lab runs in its own process, so neither side pays for it.
"$BIN" demo --serve ok --env "$out/lab.env" >/dev/null 2>&1 &
lab=$!
trap 'kill $lab 2>/dev/null || true' EXIT
for _ in $(seq 100); do [ -s "$out/lab.env" ] && break; sleep 0.05; done
[ -s "$out/lab.env" ] || { echo "the practice lab did not start" >&2; exit 1; }
# shellcheck disable=SC1090
. "$out/lab.env"

args="check --dns $VPNDOCTOR_DNS --ntp $VPNDOCTOR_NTP --ca-file $VPNDOCTOR_ROOT_FILE $VPNDOCTOR_TARGET"
vd="$BIN $args"
cli="$CLI $args"
ossl="openssl s_client -connect $VPNDOCTOR_ADDR -servername $VPNDOCTOR_HOST -status -CAfile $VPNDOCTOR_ROOT_FILE"

echo "vpndoctor: $vd"
$vd >"$out/vpndoctor.txt" || { echo "vpndoctor did not find the practice gateway healthy:" >&2; cat "$out/vpndoctor.txt" >&2; exit 1; }
echo "openssl:   $ossl"
$ossl </dev/null >"$out/openssl.txt" 2>&1

# No shell in between (-N); hyperfine gives every command /dev/null as
# stdin, which s_client needs to end after the handshake.
hyperfine -N --warmup 5 --runs "$RUNS" --export-json "$out/hyperfine.json" \
  -n vpndoctor "$vd" \
  -n "vpndoctor (nogui build)" "$cli" \
  -n "openssl s_client -status" "$ossl"

python3 - "$out/hyperfine.json" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
os_ = r["openssl s_client -status"]
print()
for name in ["vpndoctor", "vpndoctor (nogui build)", "openssl s_client -status"]:
    x = r[name]
    print(f"{name:26s} mean {x['mean']*1000:6.1f} ms  median {x['median']*1000:6.1f} ms  min {x['min']*1000:6.1f} ms")
for name in ["vpndoctor", "vpndoctor (nogui build)"]:
    print(f"ratio {name}/openssl = {r[name]['mean'] / os_['mean']:.2f} (target <= 1.5)")
PY
