#!/usr/bin/env bash
# Compares a full vpndoctor diagnosis of a healthy loopback gateway (DNS, TCP,
# TLS, chain against the OS trust store + the practice root, OCSP, CRL, NTP)
# with `openssl s_client -status` against the same server, both as whole
# processes, side by side in one hyperfine run. Prints the ratio.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-bin/vpndoctor}
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

vd="$BIN check --dns $VPNDOCTOR_DNS --ntp $VPNDOCTOR_NTP --ca-file $VPNDOCTOR_ROOT_FILE $VPNDOCTOR_TARGET"
ossl="openssl s_client -connect $VPNDOCTOR_ADDR -servername $VPNDOCTOR_HOST -status -CAfile $VPNDOCTOR_ROOT_FILE"

echo "vpndoctor: $vd"
$vd >"$out/vpndoctor.txt" || { echo "vpndoctor did not find the practice gateway healthy:" >&2; cat "$out/vpndoctor.txt" >&2; exit 1; }
echo "openssl:   $ossl"
$ossl </dev/null >"$out/openssl.txt" 2>&1

# Both run through the same shell, stdin from /dev/null (s_client waits for
# input otherwise); hyperfine subtracts the shell's own start-up.
hyperfine --warmup 5 --runs "$RUNS" --export-json "$out/hyperfine.json" \
  -n vpndoctor "$vd </dev/null >/dev/null" \
  -n "openssl s_client -status" "$ossl </dev/null >/dev/null 2>&1"

python3 - "$out/hyperfine.json" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
vd, os_ = r["vpndoctor"], r["openssl s_client -status"]
ratio = vd["mean"] / os_["mean"]
print(f"\nvpndoctor  mean {vd['mean']*1000:7.1f} ms  median {vd['median']*1000:7.1f} ms")
print(f"openssl    mean {os_['mean']*1000:7.1f} ms  median {os_['median']*1000:7.1f} ms")
print(f"ratio vpndoctor/openssl = {ratio:.2f} (target <= 1.5)")
PY
