#!/usr/bin/env bash
# Renders the HTML report for IT in headless Chromium, as IT will open it:
# for several causes, in Japanese and English, to PNG (the screen) and to
# PDF (A4 print), plus PNG pages of the PDF. Output: report-shots/.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-bin/vpndoctor}
out=report-shots
rm -rf "$out"
mkdir -p "$out"
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
chrome() {
  chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
    --disable-component-update --disable-sync --no-first-run --disable-quic \
    --user-data-dir="$profile" --hide-scrollbars "$@" >/dev/null 2>&1
}
for scenario in ${REPORT_SCENARIOS:-ok expired clock_ahead missing_intermediate_aia client_cert client_cert_revoked}; do
  for lang in ja en; do
    base="$out/$lang-$scenario"
    "$BIN" check --demo "$scenario" --lang "$lang" --os windows --redact --report "$base.html" >/dev/null || true
    chrome --window-size=1100,1500 --screenshot="$PWD/$base.png" "file://$PWD/$base.html"
    chrome --no-pdf-header-footer --print-to-pdf="$PWD/$base.pdf" "file://$PWD/$base.html"
    if command -v pdftoppm >/dev/null; then
      pdftoppm -png -r 60 "$base.pdf" "$base-page"
    fi
    echo "$base: $(stat -c %s "$base.html") bytes html, $(stat -c %s "$base.pdf") bytes pdf"
  done
done
