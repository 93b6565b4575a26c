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
apt=($sudo apt-get -o DPkg::Lock::Timeout=900 -o Acquire::Retries=3)
for try in 1 2 3; do
  if "${apt[@]}" update -qq && "${apt[@]}" install -y -qq --no-install-recommends "${missing[@]}"; then
    exit 0
  fi
  echo "apt-get failed (try $try of 3); retrying in $((try * 10)) s" >&2
  sleep $((try * 10))
done
echo "could not install: ${missing[*]}" >&2
exit 1
