#!/usr/bin/env bash
# The release check: builds the Linux package and the Windows .exe with
# scripts/package.sh, then tests them (packaging/*_test.go: the .exe is a
# PE32+ GUI binary with icon, manifest and version resource; the tar.xz
# holds the program, its .desktop entry and icon, and installs).
#
# Usage: scripts/package-check.sh [--if-changed]
#
# --if-changed (what `make test` uses): skip when these exact inputs passed
# before on this machine. The inputs are what the cgo GUI build and the
# packaging depend on beyond the pure-Go engine: cmd/, ui/, platform/ (the
# Windows adapter runs in the .exe), assets/, packaging/, FyneApp.toml, the
# package scripts, go.mod and go.sum, the Go and fyne tool versions. checks/
# and config/ are plain Go, built and vetted for Windows and macOS by every
# `make cross`. A pass is recorded in $VPNDOCTOR_CACHE (default
# ~/.cache/vpndoctor/package-check), beside Go's build cache, which is what
# makes the next build fast (the first Windows build compiles Fyne's C code
# with mingw: about 6 minutes on two cores; later ones about 1).
set -euo pipefail
cd "$(dirname "$0")/.."

inputs_hash() {
  {
    go env GOVERSION
    git ls-files -z --cached --others --exclude-standard -- \
      cmd ui platform assets packaging FyneApp.toml 'scripts/package*' go.mod go.sum |
      sort -z | while IFS= read -r -d '' f; do
        [ -f "$f" ] && printf '%s %s\n' "$(sha256sum < "$f" | cut -c1-64)" "$f"
      done
  } | sha256sum | cut -c1-16
}

stamp=""
if [ "${1:-}" = --if-changed ]; then
  cache=${VPNDOCTOR_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vpndoctor/package-check}
  stamp=$cache/$(inputs_hash)
  if [ -e "$stamp" ]; then
    echo "package-check: skipped: these packaging inputs passed on $(cat "$stamp") (stamp $stamp; run 'make package-check' to build anyway)"
    exit 0
  fi
fi

start=$(date +%s)
scripts/package.sh linux windows
version=$(sed -n 's/^var Version = "\(.*\)"/\1/p' checks/model.go)
VPNDOCTOR_EXE=$(pwd)/dist/vpndoctor-$version-windows-amd64.exe \
VPNDOCTOR_CLI_EXE=$(pwd)/dist/vpndoctor-cli-$version-windows-amd64.exe \
VPNDOCTOR_EXE_SIGNED=$([ -n "${SIGN_P12:-}" ] && echo 1 || echo 0) \
VPNDOCTOR_TARXZ=$(pwd)/dist/vpndoctor-$version-linux-amd64.tar.xz \
  go test -count=1 -v -run 'TestWindowsExe|TestWindowsCLIExe|TestLinuxPackage|TestSign' ./packaging
echo "package-check: passed in $(( $(date +%s) - start )) s"
if [ -n "$stamp" ]; then
  mkdir -p "$(dirname "$stamp")"
  date -u +%Y-%m-%dT%H:%M:%SZ > "$stamp"
fi
