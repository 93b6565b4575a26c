#!/usr/bin/env bash
# Deletes the engine's guards one at a time (a condition that yields a
# finding or refuses an answer) and checks that the tests notice: each
# deletion must make `go test` of the guard's package fail. Prints KILLED
# or LIVED per guard and the share killed. Works on a copy of the module in
# a temporary directory, so the tree is never left edited.
#
#   scripts/guard-deletion.sh          # part of `make mutation`
set -uo pipefail
cd "$(dirname "$0")/.."

# One guard a line: file, the guard as written, what it becomes with the
# guard deleted; separated by " => ". Literal text, no escaping.
guards=$(cat <<'LIST'
checks/crl.go => if err := issuer.CheckSignature(d.sigAlg, d.tbs, d.sig); err != nil { => if err := issuer.CheckSignature(d.sigAlg, d.tbs, d.sig); false && err != nil {
checks/crl.go => if !d.nextUpdate.IsZero() && now.After(d.nextUpdate) { => if false {
checks/crl.go => if d.thisUpdate.After(now.Add(maxClockSlack)) { => if false {
checks/revocation.go => if !resp.NextUpdate.IsZero() && now.After(resp.NextUpdate) { => if false {
checks/revocation.go => if resp.ThisUpdate.After(now.Add(maxClockSlack)) { => if false {
checks/authority.go => return false, "permitted: " + joinComma(list) => return true, ""
checks/analyse.go => if i == 0 && c.KeyUsage != 0 && c.KeyUsage&(x509.KeyUsageDigitalSignature|x509.KeyUsageKeyEncipherment) == 0 { => if false {
checks/chain.go => if d := pool.isDistrusted(c.Cert); d != nil && p.distrusted == nil { => if d := pool.isDistrusted(c.Cert); false && d != nil {
checks/analyse.go => if p.distrusted != nil { => if false {
checks/runner.go => if p.end != endTrusted || p.distrusted != nil { => if p.end != endTrusted {
platform/filestore.go => errs = append(errs, readCertDir(d, "", "", false, &distrusted)) => _ = d
platform/filestore.go => if !distrusted.has(sc) { => if true {
checks/analyse.go => if offset > skewWarn || offset < -skewWarn { => if false {
checks/fetchpolicy.go => if gw.IsValid() && ip == gw { => if true {
checks/fetchpolicy.go => if gw.IsValid() && (isPrivate(gw) || ip == gw) { => if true {
checks/fetch.go => if limit > maxCertDownload { => if false {
checks/fetch.go => if left := pol.budgetLeft(); left <= 0 { => if left := pol.budgetLeft(); false {
checks/fetchpolicy.go => if yes, why := p.allowed(ip); !yes { => if yes, why := p.allowed(ip); false && !yes {
LIST
)

# Tests bounded by wall-clock time are skipped: on a loaded machine they
# can fail on their own and would count a mutant as killed.
skip='^(TestOversizedAIA|TestOversizedCRL|TestSilentServerIsBounded|TestCancelEndsQuickly)$'

killed=0 total=0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The copy: the files git knows and the new ones, without .git.
git ls-files -co --exclude-standard -z | xargs -0 cp --parents -t "$work" 2>/dev/null
cd "$work"
# The long suites take a sample (checks/mutation_test.go).
export VPNDOCTOR_MUTATION=1
while IFS= read -r line; do
  [ -n "$line" ] || continue
  file=${line%% => *}
  rest=${line#* => }
  from=${rest%% => *}
  to=${rest#* => }
  cp "$file" "$work/.orig"
  if ! PF="$from" PT="$to" perl -0pi -e 'my $f=$ENV{PF}; my $t=$ENV{PT}; $main::n += s/\Q$f\E/$t/; END { $? = 3 unless $main::n }' "$file"; then
    echo "MISSING  $file: $from (the guard changed; update this list)"
    cp "$work/.orig" "$file"
    continue
  fi
  total=$((total + 1))
  if go test -count=1 -failfast -skip "$skip" "./$(dirname "$file")/" >"$work/.log" 2>&1; then
    echo "LIVED    $file: $from"
  elif grep -q '^FAIL.*\[build failed\]\|^# ' "$work/.log"; then
    echo "NO BUILD $file: $from (the deletion does not compile; fix this list)"
    total=$((total - 1))
  else
    # The failing tests, to check that the guard's own tests noticed.
    echo "KILLED   $file: $from (by $(sed -n 's/^--- FAIL: \([^ ]*\).*/\1/p' "$work/.log" | head -3 | tr '\n' ' '))"
    killed=$((killed + 1))
  fi
  cp "$work/.orig" "$file"
done <<<"$guards"
echo "guard deletions: $killed of $total killed"
[ "$killed" -eq "$total" ]
