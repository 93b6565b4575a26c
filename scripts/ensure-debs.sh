#!/usr/bin/env bash
# Installs the Debian packages given as arguments when any is missing.
# Used by `make` so that a fresh Debian machine needs no manual step.
#
# A machine that has just booted is often still upgrading itself
# (unattended-upgrades holds the dpkg lock for minutes): apt waits for the
# lock instead of failing, and a transient failure (a mirror hiccup) is
# retried.
set -euo pipefail
missing=()
for p in "$@"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing Debian packages: ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
# Services in these packages (nginx, ocserv) must not start on install: the
# tests start their own on loopback ports.
policy=""
if [ ! -e /usr/sbin/policy-rc.d ]; then
  policy=/usr/sbin/policy-rc.d
  printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null
  $sudo chmod +x "$policy"
fi
cleanup() { [ -n "$policy" ] && $sudo rm -f "$policy"; return 0; }
trap cleanup EXIT
apt=($sudo env LC_ALL=C apt-get -o DPkg::Lock::Timeout=900 -o Acquire::Retries=3)
# apt-get waits for dpkg's lock (DPkg::Lock::Timeout) but not for the lock
# of its package lists: `apt-get update` fails at once while apt-daily is
# refreshing them. Wait for that lock too, up to the same 15 minutes.
update() {
  local out i
  for i in $(seq 180); do
    if out=$("${apt[@]}" update -qq 2>&1); then
      [ -z "$out" ] || printf '%s\n' "$out"
      return 0
    fi
    if ! grep -q "Could not get lock" <<<"$out"; then
      printf '%s\n' "$out" >&2
      return 1
    fi
    [ "$i" -eq 1 ] && echo "waiting for another apt process to finish (it holds the lock of apt's package lists)" >&2
    sleep 5
  done
  printf '%s\n' "$out" >&2
  return 1
}
for try in 1 2 3; do
  if update && "${apt[@]}" install -y -qq --no-install-recommends "${missing[@]}"; then
    exit 0
  fi
  echo "apt-get failed (try $try of 3); retrying in $((try * 10)) s" >&2
  sleep $((try * 10))
done
echo "could not install: ${missing[*]}" >&2
exit 1
