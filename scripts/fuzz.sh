#!/usr/bin/env bash
# Runs every fuzz target of the module (func FuzzXxx in a _test.go file)
# for FUZZTIME each (default 20s). A crasher Go finds is written to the
# package's testdata/fuzz/FuzzXxx/ and from then on runs with every
# `go test` (make test) as a regression case: commit it with the fix.
#
#   scripts/fuzz.sh                  # all targets
#   FUZZTIME=5s scripts/fuzz.sh FuzzVisible FuzzParseTarget
set -uo pipefail
cd "$(dirname "$0")/.."
fuzztime=${FUZZTIME:-20s}
only=" $* "
failed=()
while IFS=: read -r file name; do
  [ -n "$name" ] || continue
  if [ -n "${*:-}" ] && [[ "$only" != *" $name "* ]]; then
    continue
  fi
  pkg=./$(dirname "$file")
  echo "== $name ($pkg, $fuzztime)"
  if ! go test -run='^$' -fuzz="^${name}\$" -fuzztime="$fuzztime" "$pkg"; then
    failed+=("$name")
  fi
done < <(grep -rHoE --include='*_test.go' '^func Fuzz[A-Za-z0-9_]+' . | sed 's#^\./##; s#:func #:#' | sort)
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz targets that found a crasher (saved under testdata/fuzz/): ${failed[*]}"
  exit 1
fi
echo "every fuzz target ran $fuzztime without a crasher"
