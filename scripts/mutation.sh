#!/usr/bin/env bash
# Mutation testing of the engine: gremlins (github.com/go-gremlins/gremlins)
# mutates the engine's check files (below) and runs the package's tests on
# each mutant; then scripts/guard-deletion.sh deletes each named guard.
# Prints gremlins' efficacy (killed / (killed + lived)) per file and in
# all, and the survivors. Slow (15-18 s a mutant with 2 workers on 2
# shared cores, about 3.5-4 h for the whole set; measure a few files at a
# time with MUTATE_FILES): not part of make test. Each mutant's decision
# is logged in MUTATION_LOG_DIR.
#
#   scripts/mutation.sh                          # the engine's check files
#   MUTATE_FILES='analyse|crl' scripts/mutation.sh   # some of them
#   WORKERS=1 MUTATION_SHARDS=3 scripts/mutation.sh
set -uo pipefail
cd "$(dirname "$0")/.."

# The engine's check files: those whose conditions yield a finding, pick the
# primary one, or refuse an answer (a fetch, a trust verdict, a time).
#   analyse authority chain judge primary publicroots   certificate, names, trust
#   clock clock_coarse                                   the clock and its sources
#   revocation crl fetch fetchpolicy                     OCSP, CRL, AIA and what may be fetched
#   pins inspection                                      who the gateway is: pins, interception
#   device device_findings device_revocation             the device (client) certificate
#   probe_findings                                       the TLS step's findings
#   pathbuild/*                                          path building (its own package and tests)
# Not in the set: how the engine reaches servers and reads answers (probe*,
# network, target, login*, endpoints, captive, nodes, product), the run's
# plumbing (runner, api, model, shared, deadline, osverdict), the per-client
# verdict table (clients/), and what renders or simulates (report/, guide/,
# practice/, permissive/). Their tests exist; they are not measured here.
ENGINE='analyse|authority|chain|judge|primary|publicroots|clock|clock_coarse|revocation|crl|fetch|fetchpolicy|pins|device_revocation|inspection|device|device_findings|probe_findings|pathbuild/[a-z_]+'
select=${MUTATE_FILES:-$ENGINE}

out=${MUTATION_OUT:-/tmp/vpndoctor-mutation.json}

excludes=(-E '_test\.go$')
while IFS= read -r f; do
  rel=${f#checks/}
  [[ "${rel%.go}" =~ ^(${select})$ ]] || excludes+=(-E "(^|/)${rel//./\\.}\$")
done < <(find checks -name '*.go' ! -name '*_test.go' | sort)

# The tests run once per mutant: VPNDOCTOR_MUTATION=1 makes the long suites
# take a sample and skips those that need external programs for many
# seconds (checks/mutation_test.go). Tests bounded by wall-clock time are
# skipped: on a loaded machine they can fail on their own and would count
# a mutant as killed. scripts/mutation-go.sh runs each mutant's tests in
# MUTATION_SHARDS processes at once (they mostly wait on servers).
export VPNDOCTOR_MUTATION=1
# Each mutant's decision (lines, tests, shard exit codes, failures) is kept
# here after the run: a kill can be checked against its failing test.
export MUTATION_LOG_DIR=${MUTATION_LOG_DIR:-/tmp/vpndoctor-mutation-logs.$(date -u +%Y%m%dT%H%M%S)}
mkdir -p "$MUTATION_LOG_DIR"
echo "mutation: per-mutant logs in $MUTATION_LOG_DIR" >&2
export GOFLAGS="${GOFLAGS:-} -skip=^(TestOversizedAIA|TestOversizedCRL|TestSilentServerIsBounded|TestCancelEndsQuickly)\$"
shim=$(mktemp -d)
trap 'rm -rf "$shim"' EXIT
export REAL_GO=${REAL_GO:-$(command -v go)}
ln -s "$PWD/scripts/mutation-go.sh" "$shim/go"
# gremlins is installed and run as a binary, never with `go run`: go run
# puts $GOROOT/bin first on the PATH of the program it runs, so gremlins
# found the real go, not the runner above. Every mutant then ran the
# whole suite in one process, with vet, two at once, and a test that
# fails under that load counted an equivalent mutant as killed.
if [ -z "${GREMLINS:-}" ]; then
  GOBIN=$shim/bin "$REAL_GO" install github.com/go-gremlins/gremlins/cmd/gremlins@v0.6.0 || exit 2
  GREMLINS=$shim/bin/gremlins
fi

# Which tests run which line, from the unmutated tree: each mutant then runs
# only the tests that execute its line (scripts/mutation-tests.py).
# MUTATION_INDEX, when set, is an index already built from this tree
# (several runs at once share it).
# MUTATION_SRC is the tree as it was when the run began (gremlins copies it
# then too): the mutated line is what differs from it.
export MUTATION_TESTS=$PWD/scripts/mutation-tests.py MUTATION_SRC=$shim/src
mkdir -p "$MUTATION_SRC"
git ls-files -co --exclude-standard -z | xargs -0 cp --parents -t "$MUTATION_SRC"
if [ -z "${MUTATION_INDEX:-}" ]; then
  export MUTATION_INDEX=$shim/index
  mkdir -p "$MUTATION_INDEX"
  skip=${GOFLAGS##*-skip=}
  # checks' own tests run path building too: its index covers both.
  for rel in checks checks/pathbuild; do
    cover=./$rel
    [ "$rel" = checks ] && cover=./checks,./checks/pathbuild
    "$REAL_GO" test -c -cover -covermode=set -coverpkg="$cover" -o "$shim/cover.test" "./$rel" || exit 2
    "$MUTATION_TESTS" index "$rel" "$shim/cover.test" "$MUTATION_INDEX/${rel//\//_}.json" "$skip" || exit 2
  done
fi
# The unmutated tree must pass the way each mutant is tested; otherwise
# every mutant would count as killed.
# (MUTATION_PRECHECK=0 skips this when an earlier run from the same tree,
# with the same MUTATION_INDEX, already did it.)
if [ "${MUTATION_PRECHECK:-1}" != 0 ] && ! (cd "$MUTATION_SRC" && PATH="$shim:$PATH" go test -timeout 10m -failfast ./checks); then
  echo "mutation: the unmutated tree fails its tests as mutants are tested; fix that first" >&2
  exit 2
fi
rm -f "$out" # a report left by an earlier run must not be read as this one's
PATH="$shim:$PATH" "$GREMLINS" unleash --workers "${WORKERS:-2}" --timeout-coefficient 3 -o "$out" "${excludes[@]}" ./checks
rc=$?
[ -f "$out" ] && scripts/mutation-report.py "$out"
# Every mutant tested must have gone through the runner (one log each, run
# in one of gremlins' copies, wd-*); fewer means gremlins ran the real go
# and its numbers do not count.
if [ -f "$out" ]; then
  tested=$(python3 -c 'import json,sys; print(sum(1 for f in json.load(open(sys.argv[1]))["files"] for m in f["mutations"] if m["status"] in ("KILLED","LIVED","NOT VIABLE","TIMED OUT")))' "$out")
  logs=$(grep -l '^[0-9:]* pwd [^ ]*/wd-' "$MUTATION_LOG_DIR"/mutant.*.log | wc -l)
  echo "mutation: $tested mutants tested, $logs runner logs" >&2
  errors=$(grep -l 'runner error' "$MUTATION_LOG_DIR"/mutant.*.log | wc -l)
  [ "$errors" -eq 0 ] || echo "mutation: $errors mutants met a runner error (counted as lived): see runner error in $MUTATION_LOG_DIR" >&2
  if [ "$logs" -lt "$tested" ]; then
    echo "mutation: gremlins did not run every mutant through scripts/mutation-go.sh: the numbers above do not count" >&2
    rc=2
  fi
  [ "$errors" -eq 0 ] || rc=2
fi
if [ -z "${MUTATE_FILES:-}" ] || [ -n "${GUARDS:-}" ]; then
  scripts/guard-deletion.sh || rc=1
  # The protective lines around the engine (fetch policy call sites, the
  # sanitizer at each rendering, crash guards, exit codes): about 30 min.
  scripts/protect-deletion.sh || rc=1
fi
exit $rc
