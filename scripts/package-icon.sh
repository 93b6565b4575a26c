#!/usr/bin/env bash
# Draws assets/icon.png (512x512, what FyneApp.toml and fyne package use)
# from assets/icon.svg. Run it after editing the SVG, and commit both.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v rsvg-convert >/dev/null || scripts/ensure-debs.sh librsvg2-bin
rsvg-convert -w 512 -h 512 assets/icon.svg -o assets/icon.png
echo "assets/icon.png: $(stat -c %s assets/icon.png) bytes"
