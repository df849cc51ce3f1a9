#!/usr/bin/env bash
# Installs what `npm start` or `npm test` needs on a Debian machine, and only what is missing:
# Debian packages (as root, or through sudo), npm packages, the Next.js production build.
# Usage: scripts/ensure.sh start|test
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-start}

start_packages=(rtpengine-daemon espeak-ng sox ffmpeg)
test_packages=(rtpengine-daemon chromium postgresql sip-tester kamailio haproxy espeak-ng sox ffmpeg)
case "$mode" in
  start) packages=("${start_packages[@]}") ;;
  test) packages=("${test_packages[@]}") ;;
  *) echo "usage: $0 start|test" >&2; exit 2 ;;
esac

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "hotline: installing Debian packages: ${missing[*]}" >&2
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  # Packages like rtpengine-daemon and postgresql start system services on install; Hotline runs
  # its own instances on its own ports, so forbid service starts during the install.
  policy=/usr/sbin/policy-rc.d
  own_policy=0
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null && $sudo chmod +x "$policy" && own_policy=1
  fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
  [ "$own_policy" -eq 0 ] || $sudo rm -f "$policy"
fi

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "hotline: installing npm packages" >&2
  npm ci --no-audit --no-fund
fi

# Caller prompts in English, French and Arabic (issue 11): cached, so only new or changed words are synthesised.
npx tsx scripts/make-prompts.ts >/dev/null

# Rebuild the UI when any source it is built from changed since the last build (scripts/ui-stale.sh names it).
if stale=$(bash scripts/ui-stale.sh); then
  echo "hotline: building the web UI ($stale changed)" >&2
  npx next build >/dev/null
fi
