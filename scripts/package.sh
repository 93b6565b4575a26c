#!/usr/bin/env bash
# Builds the installable packages into dist/:
#   dist/vpndoctor-VERSION-linux-amd64.tar.xz   fyne's package: binary, vpndoctor-probe, .desktop
#       entry and icon, with a Makefile (`sudo make install` inside it)
#   dist/vpndoctor-VERSION-windows-amd64.exe    GUI executable (no console
#       window) with icon, manifest and version resource; signed when
#       SIGN_P12 names a PKCS#12 file (see scripts/package-sign.sh)
#   dist/vpndoctor-cli-VERSION-{linux-amd64,windows-amd64.exe}
#                                               the command line alone
#   dist/SHA256SUMS
#
# Usage: scripts/package.sh [linux] [windows]   (default: both)
#
# The version comes from checks.Version in checks/model.go, the one place it
# is set. PACKAGE_BUILD (default 1) is the build number in the Windows
# version resource (0.1.0.BUILD). fyne package rewrites the FyneApp.toml it
# reads (it bumps Build), so it works on a copy of the source tree in
# dist/stage/ and the committed files stay as they are. The copy holds a
# go.mod, so `go test ./...` in the checkout never walks into it.
#
# Size options: --release (-s -w -trimpath), -tags no_emoji (Fyne's emoji
# font is left out; the wizard draws no emoji). NO_TRIM=1 leaves out both,
# to measure what they save (packaging/README.md has the numbers).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

FYNE_TOOLS_VERSION=v1.7.4
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(linux windows)

version=$(sed -n 's/^var Version = "\(.*\)"/\1/p' checks/model.go)
[ -n "$version" ] || { echo "package: no 'var Version = \"...\"' in checks/model.go" >&2; exit 1; }
build=${PACKAGE_BUILD:-1}
case $build in ''|*[!0-9]*|0) echo "package: PACKAGE_BUILD must be a whole number above 0, not '$build'" >&2; exit 1 ;; esac

# The fyne tool, pinned, installed next to the project (not in ~/go/bin).
fyne=$root/bin/tools/fyne
have=$("$fyne" version 2>/dev/null || true)
if [[ $have != *"cli version: $FYNE_TOOLS_VERSION"* ]]; then
  echo "package: installing fyne $FYNE_TOOLS_VERSION into bin/tools"
  GOBIN=$root/bin/tools go install "fyne.io/tools/cmd/fyne@$FYNE_TOOLS_VERSION"
fi

# A snapshot of the tracked and new (not ignored) files.
stage=$root/dist/stage
rm -rf "$stage"
mkdir -p "$stage"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  git ls-files -z --cached --others --exclude-standard |
    while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done |
    tar --null -T - -cf - | tar -xf - -C "$stage"
else
  tar --exclude=./dist --exclude=./bin --exclude=./.git -cf - . | tar -xf - -C "$stage"
fi
src=$stage/cmd/vpndoctor
# Written afresh for each target: fyne package bumps Build in it.
write_metadata() {
  sed -e "s|^\( *\)Version = .*|\1Version = \"$version\"|" \
      -e "s|^\( *\)Build = .*|\1Build = $build|" \
      -e "s|^\( *\)Icon = .*|\1Icon = \"$stage/assets/icon.png\"|" \
      FyneApp.toml > "$src/FyneApp.toml"
}

fyne_flags=(--release --tags no_emoji)
if [ "${NO_TRIM:-}" = 1 ]; then fyne_flags=(); fi

# cli_build GOOS EXT: the command-line program without the wizard
# (-tags nogui, no cgo): a console program on Windows, where the GUI .exe
# cannot hold a terminal's prompt, and a third of the start-up time.
cli_build() {
  cli=dist/vpndoctor-cli-$version-$1-amd64$2
  CGO_ENABLED=0 GOOS=$1 GOARCH=amd64 go build -trimpath -tags nogui -ldflags "-s -w" -o "$cli" ./cmd/vpndoctor
  echo "package: $cli ($(stat -c %s "$cli") bytes)"
}

# add_probe TARXZ: puts vpndoctor-probe (the permissive TLS probe, started
# only when Go's TLS cannot finish a handshake; checks/probe_exec.go looks
# for it beside vpndoctor) into fyne's Linux package, and teaches the
# package's Makefile to install and remove it with vpndoctor.
add_probe() {
  local tmp
  tmp=$(mktemp -d)
  tar -xJf "$1" -C "$tmp"
  CGO_ENABLED=0 GOOS=linux GOARCH=amd64 go build -trimpath -ldflags "-s -w" \
    -o "$tmp/vpndoctor/usr/local/bin/vpndoctor-probe" ./cmd/vpndoctor-probe
  sed -i \
    -e 's|^\(\t*\)install -Dm00755 usr/local/bin/$(Exec) \(.*\)/bin/$(Exec)$|&\n\1install -Dm00755 usr/local/bin/vpndoctor-probe \2/bin/vpndoctor-probe|' \
    -e 's|^\(\t*\)-rm \(.*\)/bin/$(Exec)$|&\n\1-rm \2/bin/vpndoctor-probe|' \
    "$tmp/vpndoctor/Makefile"
  grep -q 'vpndoctor-probe' "$tmp/vpndoctor/Makefile" || { echo "package: could not add vpndoctor-probe to the Makefile" >&2; exit 1; }
  tar -cJf "$1" -C "$tmp" vpndoctor
  rm -rf "$tmp"
}

mkdir -p dist
for t in "${targets[@]}"; do
  start=$(date +%s)
  write_metadata
  case $t in
    linux)
      command -v xz >/dev/null || scripts/ensure-debs.sh xz-utils
      out=dist/vpndoctor-$version-linux-amd64.tar.xz
      (cd "$src" && "$fyne" package --os linux "${fyne_flags[@]}")
      add_probe "$src/vpndoctor.tar.xz"
      mv "$src/vpndoctor.tar.xz" "$out"
      cli_build linux ""
      ;;
    windows)
      command -v x86_64-w64-mingw32-gcc >/dev/null ||
        scripts/ensure-debs.sh gcc-mingw-w64-x86-64
      out=dist/vpndoctor-$version-windows-amd64.exe
      sed "s|@VERSION@|$version.$build|" packaging/windows/vpndoctor.exe.manifest > "$src/vpndoctor.exe.manifest"
      (cd "$src" && CC=x86_64-w64-mingw32-gcc CGO_ENABLED=1 GOOS=windows GOARCH=amd64 \
        "$fyne" package --os windows "${fyne_flags[@]}")
      mv "$src/vpndoctor.exe" "$out"
      cli_build windows .exe
      for f in "$out" "$cli"; do
        if [ -n "${SIGN_P12:-}" ]; then
          scripts/package-sign.sh "$f"
        else
          echo "package: SIGN_P12 is not set: $f is not signed"
        fi
      done
      ;;
    *) echo "package: unknown target '$t' (linux or windows; macOS: see packaging/README.md)" >&2; exit 2 ;;
  esac
  echo "package: $out ($(stat -c %s "$out") bytes, $(( $(date +%s) - start )) s)"
done
rm -rf "$stage"
(cd dist && sha256sum vpndoctor-"$version"-* vpndoctor-cli-"$version"-* > SHA256SUMS)
