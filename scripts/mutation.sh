#!/usr/bin/env bash
# Mutation testing of the engine: gremlins (github.com/go-gremlins/gremlins)
# mutates the check files (checks/*.go; not the tests, not the practice
# gateways, the guide or the renderers) and runs the engine's tests on each
# mutant; then scripts/guard-deletion.sh deletes each named guard. Prints
# the share of mutants killed (gremlins' "efficacy": killed / (killed +
# lived)) and the survivors. Slow (minutes per file on 2 cores): not part
# of make test.
#
#   scripts/mutation.sh                       # every check file
#   MUTATE_FILES='analyse|fetchpolicy' scripts/mutation.sh   # some of them
set -uo pipefail
cd "$(dirname "$0")/.."
gremlins=${GREMLINS:-"go run github.com/go-gremlins/gremlins/cmd/gremlins@v0.6.0"}
out=${MUTATION_OUT:-/tmp/vpndoctor-mutation.json}

excludes=(-E '_test\.go$' -E 'checks/(practice|guide|report)/' -E '^(practice|guide|report)/')
if [ -n "${MUTATE_FILES:-}" ]; then
  for f in checks/*.go; do
    base=$(basename "$f" .go)
    [[ "$base" =~ ^(${MUTATE_FILES})$ ]] || excludes+=(-E "(^|/)${base}\\.go\$")
  done
fi
# Timing-bound tests can fail on a loaded machine by themselves.
export GOFLAGS="${GOFLAGS:-} -skip=^(TestOversizedAIA|TestOversizedCRL|TestSilentServerIsBounded|TestCancelEndsQuickly)\$"
$gremlins unleash --workers "${WORKERS:-2}" --timeout-coefficient 3 -o "$out" "${excludes[@]}" ./checks
rc=$?
if [ -f "$out" ]; then
  python3 - "$out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
files = d.get("files", [])
lived = [(f["file_name"], m["line"], m["column"], m["type"]) for f in files for m in f.get("mutations", []) if m["status"] == "LIVED"]
k, l = d.get("mutants_killed", 0), d.get("mutants_lived", 0)
print(f"gremlins: {k} killed, {l} lived, {d.get('mutants_not_covered', 0)} not covered, "
      f"{d.get('mutants_timed_out', 0)} timed out; efficacy {100.0 * k / max(k + l, 1):.1f}%")
for f, line, col, t in sorted(lived):
    print(f"  LIVED {f}:{line}:{col} {t}")
PY
fi
scripts/guard-deletion.sh
exit $rc
