#!/usr/bin/env bash
# Speed under real latency (issue 14). bench/wanlab serves a VPN login on
# loopback behind delaying proxies: 100 ms per round trip to the gateways,
# 60 ms to OCSP, 30 ms to NTP; the gateway's name has two addresses and the
# login three more endpoints (portal, backup server, sign-in page).
#
# The floor is what a person checking by hand pays at least: one handshake
# with `openssl s_client -status` and one `openssl ocsp` query (the OCSP
# address is known only once the certificate is). Both run through the same
# proxies, side by side in one hyperfine run, with vpndoctor's full
# diagnosis of all five servers. Goal: vpndoctor within 1.15x of the floor.
set -euo pipefail
cd "$(dirname "$0")/.."
CLI=${CLI:-bin/vpndoctor-cli}
RUNS=${RUNS:-20}
out=bench/out
mkdir -p "$out"
rm -f "$out/wan.env"
go build -o bin/wanlab ./bench/wanlab
bin/wanlab --env "$out/wan.env" >/dev/null 2>&1 &
lab=$!
trap 'kill $lab 2>/dev/null || true' EXIT
for _ in $(seq 200); do [ -s "$out/wan.env" ] && break; sleep 0.05; done
[ -s "$out/wan.env" ] || { echo "the WAN lab did not start" >&2; exit 1; }
# shellcheck disable=SC1090
. "$out/wan.env"

eps=""
for e in $WAN_ENDPOINTS; do eps="$eps --endpoint $e"; done
vd="$CLI check --dns $WAN_DNS --ntp $WAN_NTP --ca-file $WAN_ROOT_FILE$eps $WAN_TARGET"
ossl="openssl s_client -connect $WAN_ADDR -servername $WAN_HOST -status -CAfile $WAN_ROOT_FILE </dev/null >/dev/null 2>&1"
ocsp="openssl ocsp -issuer $WAN_ISSUER_FILE -cert $WAN_LEAF_FILE -url $WAN_OCSP_URL -CAfile $WAN_ROOT_FILE >/dev/null 2>&1"

echo "vpndoctor: $vd"
$vd >"$out/wan-vpndoctor.txt" || { echo "vpndoctor did not find the WAN login healthy:" >&2; cat "$out/wan-vpndoctor.txt" >&2; exit 1; }
grep -q "good" <(eval "${ocsp%>/dev/null 2>&1}" 2>&1) || { echo "the OCSP responder does not answer good" >&2; exit 1; }

# Both sides through one shell each, so neither pays for it alone.
hyperfine --shell=sh --warmup 2 --runs "$RUNS" --export-json "$out/wan-hyperfine.json" \
  -n "vpndoctor (2 addresses + 3 endpoints)" "$vd >/dev/null" \
  -n "floor: openssl s_client -status + openssl ocsp" "$ossl; $ocsp"

python3 - "$out/wan-hyperfine.json" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
vd = r["vpndoctor (2 addresses + 3 endpoints)"]
fl = r["floor: openssl s_client -status + openssl ocsp"]
print()
for name, x in [("vpndoctor", vd), ("floor", fl)]:
    print(f"{name:10s} mean {x['mean']*1000:6.1f} ms  median {x['median']*1000:6.1f} ms  min {x['min']*1000:6.1f} ms")
print(f"WAN ratio vpndoctor/floor = {vd['mean'] / fl['mean']:.2f} (median {vd['median'] / fl['median']:.2f}; goal <= 1.15)")
PY
