#!/usr/bin/env bash
# Signs a Windows executable in place with osslsigncode (Authenticode,
# SHA-256), so that Windows SmartScreen and IT's allow-lists see the
# company as its publisher.
#
# Usage: SIGN_P12=company.p12 [SIGN_PASS=... | SIGN_PASS_FILE=file] \
#        [SIGN_TIMESTAMP_URL=http://timestamp.example] scripts/package-sign.sh FILE.exe
#
# SIGN_P12 is a PKCS#12 file with the code-signing certificate, its chain
# and its private key. The password is read from SIGN_PASS_FILE, else from
# SIGN_PASS (handed to osslsigncode through a private temporary file, never
# on its command line). Without SIGN_TIMESTAMP_URL the signature carries no
# timestamp and stops being valid when the certificate expires: use one for
# releases. packaging/sign_test.go runs this with a throw-away key.
set -euo pipefail
exe=${1:?usage: SIGN_P12=key.p12 scripts/package-sign.sh FILE.exe}
: "${SIGN_P12:?SIGN_P12 must name the PKCS#12 signing key}"
[ -r "$SIGN_P12" ] || { echo "package-sign: cannot read SIGN_P12=$SIGN_P12" >&2; exit 1; }
command -v osslsigncode >/dev/null || "$(dirname "$0")/ensure-debs.sh" osslsigncode

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass_file=${SIGN_PASS_FILE:-}
if [ -z "$pass_file" ]; then
  pass_file=$tmp/pass
  (umask 077; printf '%s' "${SIGN_PASS:-}" > "$pass_file")
fi
args=(sign -pkcs12 "$SIGN_P12" -readpass "$pass_file" -h sha256 -n "vpndoctor")
if [ -n "${SIGN_TIMESTAMP_URL:-}" ]; then args+=(-ts "$SIGN_TIMESTAMP_URL"); fi
osslsigncode "${args[@]}" -in "$exe" -out "$tmp/signed.exe" >/dev/null
mv "$tmp/signed.exe" "$exe"
echo "package-sign: signed $exe with $(basename "$SIGN_P12")"
