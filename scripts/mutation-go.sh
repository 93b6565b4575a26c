#!/usr/bin/env bash
# Stands in for `go` while gremlins runs (scripts/mutation.sh puts it first
# on PATH as `go`). Everything is passed to the real go, except gremlins'
# run of one mutant (`go test -timeout T -failfast PKG`): that builds the
# test binary once and runs its tests in MUTATION_SHARDS processes at once,
# each with a share of the tests. The engine's tests mostly wait (servers,
# deadlines), so the shards cut the wall time per mutant without costing
# much CPU. Exit codes as go test's: 1 a test failed (killed), 2 the mutant
# does not build.
set -uo pipefail
real=${REAL_GO:?REAL_GO is the go binary}
shards=${MUTATION_SHARDS:-2}
if [ "${1:-}" != test ] || [[ " $* " == *" -cover "* ]] || [ "$shards" -le 1 ]; then
  exec "$real" "$@"
fi
shift
args="$*"
timeout=10m pkg=
while [ $# -gt 0 ]; do
  case $1 in
    -timeout) timeout=$2; shift 2 ;;
    -failfast) shift ;;
    -tags) tags=$2; shift 2 ;;
    -*) shift ;;
    *) pkg=$1; shift ;;
  esac
done
tmp=$(mktemp -d "${GOTMPDIR:-/tmp}/mutant.XXXXXX")
# MUTATION_LOG_DIR keeps, for each mutant, what was decided and why: the
# mutated lines, the tests selected, each shard's exit status and the
# first lines of a failure (how a false kill was found).
mlog=/dev/null
if [ -n "${MUTATION_LOG_DIR:-}" ]; then
  mkdir -p "$MUTATION_LOG_DIR"
  mlog=$MUTATION_LOG_DIR/${tmp##*/}.log
fi
say() { echo "$(date -u +%T) $*" >>"$mlog"; }
finish() {
  local rc=$?
  say "exit $rc"
  if [ "$mlog" != /dev/null ]; then
    for l in "$tmp"/shard*.log; do
      [ -s "$l" ] || continue
      { echo "--- ${l##*/} (FAIL lines and first lines)"; grep -E '^(--- FAIL|FAIL|panic|fatal)' "$l" | head -20; head -40 "$l"; } >>"$mlog"
    done
  fi
  rm -rf "$tmp"
}
trap finish EXIT
say "pwd $PWD args $args timeout $timeout GOTMPDIR ${GOTMPDIR:-}"
# No vet, no DWARF: a quicker build, the same code. (Not -gcflags=-N: an
# unoptimised engine may fail the tests bounded by a deadline, a suspected
# cause of equivalent mutants counted as killed.)
if ! "$real" test -c -vet=off -o "$tmp/pkg.test" -ldflags=-w ${tags:+-tags "$tags"} "$pkg" >"$tmp/build.log" 2>&1; then
  say "build failed: $(head -5 "$tmp/build.log")"
  exit 2
fi
say "built $pkg"
[ -x "$tmp/pkg.test" ] || exit 0 # no test files
module=${MODULE:-github.com/vpndoctor/vpndoctor}
rel=${pkg#"$module"/}
# gremlins runs this from the directory it was given (checks/ of its copy),
# not from the module root: every path below is from the root.
root=$("$real" env GOMOD) && root=${root%/go.mod} && [ -d "$root" ] || { say "runner error: no module root"; exit 3; }
[[ $pkg == ./* ]] && rel=$(cd "$pkg" && pwd) && rel=${rel#"$root"/}
dir=$root/$rel
[ -d "$dir" ] || { say "runner error: no directory $dir for $pkg"; exit 3; }
# Only the tests that run the mutated lines (scripts/mutation-tests.py,
# index built by mutation.sh from the unmutated tree); all of them when the
# index does not know the file. Another package's tests that run the line
# run too: path building (checks/pathbuild) is tested mostly from checks
# (the BetterTLS suites). A job is "binary<TAB>directory<TAB>test".
jobs=()
if [ -n "${MUTATION_SRC:-}" ] && [ -n "${MUTATION_INDEX:-}" ]; then
  # gremlins reprints the file (other alignment): compare ignoring spaces.
  for f in "$dir"/*.go; do
    [[ $f == *_test.go ]] && continue
    orig="$MUTATION_SRC/$rel/${f##*/}"
    [ -f "$orig" ] && ! cmp -s "$f" "$orig" || continue
    mapfile -t lines < <(diff -w "$orig" "$f" | sed -n 's/^\([0-9]*\)\(,[0-9]*\)\{0,1\}c.*/\1/p')
    say "mutated $rel/${f##*/} lines ${lines[*]}: $(diff -w "$orig" "$f" | grep '^[<>]' | tr -s ' \t' ' ' | head -4 | tr '\n' ' ')"
    for idx in "$MUTATION_INDEX"/*.json; do
      other=$(basename "$idx" .json)
      other=${other//_//}
      mapfile -t tests < <("$MUTATION_TESTS" select "$idx" "$rel/${f##*/}" "${lines[@]}")
      [ ${#tests[@]} -gt 0 ] || continue
      bin=$tmp/pkg.test
      if [ "$other" != "$rel" ]; then
        bin=$tmp/${other//\//_}.test
        "$real" test -c -vet=off -o "$bin" -ldflags=-w "$module/$other" >>"$tmp/build.log" 2>&1 || exit 2
      fi
      for t in "${tests[@]}"; do [ -n "$t" ] && jobs+=("$bin"$'\t'"$root/$other"$'\t'"$t"); done
      echo "$rel/${f##*/}:${lines[*]}: ${#tests[@]} tests of $other" >>"${MUTATION_LOG:-/dev/null}"
      say "selected ${#tests[@]} tests of $other: ${tests[*]:0:12}"
    done
  done
fi
if [ ${#jobs[@]} -eq 0 ]; then
  say "no test selected: all tests of $pkg"
  mapfile -t tests < <(cd "$dir" && "$tmp/pkg.test" -test.list '.*' | grep -E '^(Test|Example|Fuzz)')
  for t in "${tests[@]}"; do jobs+=("$tmp/pkg.test"$'\t'"$dir"$'\t'"$t"); done
fi
# The test's skip list (GOFLAGS=-skip=...) applies to the shards too.
skip=$(sed -n 's/.*-skip=\([^ ]*\).*/\1/p' <<<"${GOFLAGS:-}")
# shard S runs every shards-th job, one process per test binary.
shard() {
  local s=$1 i bin d t prev= names=()
  flush() {
    [ ${#names[@]} -gt 0 ] || return 0
    local re="^($(IFS='|'; echo "${names[*]}"))\$"
    (cd "$d" || exit 97
      exec "$prev" -test.run "$re" ${skip:+-test.skip "$skip"} -test.failfast \
        -test.timeout "$timeout" -test.count 1 >>"$tmp/shard$s.log" 2>&1) &
    local bp=$!
    trap 'kill $bp 2>/dev/null' TERM
    local st=0
    wait $bp || st=$?
    say "shard $s: ${prev##*/} in ${d#"$root"/} ${#names[@]} tests exit $st"
    # 97: no such directory; 126, 127: the binary could not run. The
    # runner failed, not the tests: that must never count as a kill.
    case $st in
      0) ;;
      97 | 126 | 127) say "runner error: shard $s exit $st"; exit 3 ;;
      *) exit 1 ;;
    esac
    names=()
  }
  for ((i = s; i < ${#jobs[@]}; i += shards)); do
    IFS=$'\t' read -r bin dir_ t <<<"${jobs[i]}"
    if [ "$bin" != "$prev" ]; then flush; prev=$bin; d=$dir_; fi
    names+=("$t")
  done
  flush
}
all=("${jobs[@]}")
pids=()
for ((s = 0; s < shards && s < ${#jobs[@]}; s++)); do
  shard "$s" &
  pids+=($!)
done
# The first failing shard decides; the others are stopped (failfast).
# Each shard is waited for by its pid: bash's `wait -n` answers 127, read
# as a failure, for a shard that ended before it was called (that race
# counted equivalent mutants as killed).
rc=0
while [ ${#pids[@]} -gt 0 ] && [ $rc -eq 0 ]; do
  for i in "${!pids[@]}"; do
    kill -0 "${pids[i]}" 2>/dev/null && continue
    wait "${pids[i]}" || rc=$?
    unset 'pids[i]'
  done
  [ $rc -eq 0 ] && [ ${#pids[@]} -gt 0 ] && sleep 0.2
done
[ ${#pids[@]} -gt 0 ] && kill "${pids[@]}" 2>/dev/null
wait 2>/dev/null
# A runner error is reported as gremlins' "lived" (exit 3), never as a
# kill; mutation.sh counts the "runner error" lines of the logs.
[ $rc -eq 3 ] && exit 3
[ $rc -ne 0 ] && rc=1
# A failure must repeat to count: the failed tests run again, alone, in one
# process. A test that passes then failed on the machine's load or on the
# tests run before it, not on the mutant: then every selected test runs
# once more, each alone in its own process, and that decides.
if [ $rc -ne 0 ]; then
  mapfile -t failed < <(cat "$tmp"/shard*.log 2>/dev/null | sed -n 's/^--- FAIL: \([^ /]*\).*/\1/p' | sort -u)
  again=()
  for j in "${jobs[@]}"; do
    IFS=$'\t' read -r bin dir_ t <<<"$j"
    for f in "${failed[@]}"; do [ "$t" = "$f" ] && again+=("$j"); done
  done
  say "failed: ${failed[*]:-(no --- FAIL line)}"
  # No test named (a crash, a killed process): every selected test again.
  [ ${#again[@]} -gt 0 ] || again=("${all[@]}")
  if [ ${#again[@]} -gt 0 ]; then
    for l in "$tmp"/shard*.log; do { echo "--- first run ${l##*/}"; grep -E '^(--- FAIL|FAIL|panic|fatal)' "$l" | head -20; head -40 "$l"; } >>"$mlog"; done
    jobs=("${again[@]}") shards=1
    rm -f "$tmp"/shard*.log
    ( shard 0 )
    st=$?
    [ $st -eq 3 ] && exit 3
    [ $st -ne 0 ] && { say "kill repeated"; exit 1; }
    # Passed alone: the failure may have depended on the tests before it
    # in the same process (a heap bound such as TestMillionEntryCRL's).
    # Every selected test then runs alone, each in its own process; one
    # that fails must fail a second time to count.
    say "did not repeat: each selected test alone"
    echo "$pkg: ${failed[*]} failed once, then passed alone: each test alone" >>"${MUTATION_LOG:-/dev/null}"
    for j in "${all[@]}"; do
      jobs=("$j")
      ( shard 0 ) && continue
      st=$?
      [ $st -eq 3 ] && exit 3
      ( shard 0 ) && { say "${j##*$'\t'} failed once alone, passed again: not counted"; continue; }
      st=$?
      [ $st -eq 3 ] && exit 3
      say "kill repeated: ${j##*$'\t'} failed twice alone"
      exit 1
    done
    say "lived: the failure did not repeat"
    exit 0
  fi
fi
exit $rc
