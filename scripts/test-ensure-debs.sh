#!/usr/bin/env bash
# Tests scripts/ensure-debs.sh the way a machine that is still upgrading
# itself meets it: another process holds dpkg's frontend lock (as
# unattended-upgrades does for minutes after boot), or the lock of apt's
# package lists (as apt-daily does while it refreshes them), and
# ensure-debs.sh is asked for a package that is missing. It must wait for
# the lock and install the package on its first try, not fail nor fall back
# on its retries.
#
# Real parts: the real locks (fcntl locks on /var/lib/dpkg/lock-frontend and
# /var/lib/apt/lists/lock, as apt and dpkg take them), the real apt-get and
# Debian's archive. The package (GNU hello, 60 KB) is removed again
# afterwards. Needs root or sudo; part of make test.
set -euo pipefail
cd "$(dirname "$0")/.."

pkg=${ENSURE_DEBS_TEST_PKG:-hello}
hold=${ENSURE_DEBS_TEST_HOLD:-8}

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if ! command -v sudo >/dev/null || ! sudo -n true 2>/dev/null; then
    echo "test-ensure-debs: SKIP (needs root or sudo without a password)"
    exit 0
  fi
  sudo="sudo -n"
fi
installed() { dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; }
if installed; then
  echo "test-ensure-debs: SKIP ($pkg is installed on this machine; not removing what someone else installed)"
  exit 0
fi
scripts/ensure-debs.sh python3 >/dev/null

tmp=$(mktemp -d)
locker=""
purge() { $sudo apt-get -o DPkg::Lock::Timeout=120 purge -y -qq "$pkg" >/dev/null 2>&1; }
cleanup() {
  set +e
  [ -n "$locker" ] && $sudo kill "$locker" 2>/dev/null
  wait 2>/dev/null
  installed && purge
  rm -rf "$tmp"
  return 0
}
trap cleanup EXIT

# run LOCKFILE: hold LOCKFILE the way apt and dpkg do (fcntl, not flock),
# let it go after $hold seconds, and run ensure-debs.sh meanwhile.
run() {
  local lock=$1 rc=0 start took
  rm -f "$tmp/held"
  $sudo python3 -c '
import fcntl, sys, time
f = open(sys.argv[1], "a")
fcntl.lockf(f, fcntl.LOCK_EX)
open(sys.argv[2], "w").close()
time.sleep(float(sys.argv[3]))
' "$lock" "$tmp/held" "$hold" &
  locker=$!
  # Another apt may hold the lock right now (a machine upgrading itself):
  # the holder waits its turn, as apt does, up to 15 minutes.
  for i in $(seq 9000); do
    [ -e "$tmp/held" ] && break
    [ "$i" -eq 50 ] && echo "test-ensure-debs: $lock is held by another process; waiting for it"
    sleep 0.1
  done
  [ -e "$tmp/held" ] || { echo "test-ensure-debs: FAIL: could not take $lock in 15 minutes" >&2; exit 1; }
  start=$(date +%s)
  scripts/ensure-debs.sh "$pkg" >"$tmp/log" 2>&1 || rc=$?
  took=$(($(date +%s) - start))
  wait "$locker" 2>/dev/null || true
  locker=""

  fail() {
    echo "test-ensure-debs: FAIL ($lock held): $*" >&2
    sed 's/^/  | /' "$tmp/log" >&2
    exit 1
  }
  [ "$rc" -eq 0 ] || fail "ensure-debs.sh exited $rc while another process held the lock"
  installed || fail "$pkg is not installed afterwards"
  if grep -q "retrying" "$tmp/log"; then
    fail "apt-get failed on the lock instead of waiting for it (ensure-debs.sh fell back on its retries)"
  fi
  # The lock was held when ensure-debs.sh began: it cannot have installed
  # anything before the holder let go.
  [ "$took" -ge $((hold - 2)) ] || fail "finished in ${took} s, before the lock ($hold s) was let go"
  echo "test-ensure-debs: ok ($lock held for $hold s: waited, installed $pkg on the first try in ${took} s)"
  purge
}

run /var/lib/dpkg/lock-frontend
run /var/lib/apt/lists/lock
