#!/usr/bin/env bash
# Says whether the Next.js production build (.next/BUILD_ID) is older than a source it is built from: prints the
# first newer path and exits 0 when a rebuild is needed, prints nothing and exits 1 when the build is current.
# Usage: scripts/ui-stale.sh [ROOT]   (default: the repository)
#
# Not sources of the build, so left out: public/sounds (caller prompts and greetings that rtpengine plays from disk,
# generated at install time by scripts/make-prompts.ts and at run time for custom greetings; no page loads them).
set -euo pipefail
cd "${1:-$(dirname "$0")/..}"
[ -f .next/BUILD_ID ] || { echo ".next/BUILD_ID"; exit 0; }
newer=$(find app server db public next.config.ts package-lock.json \
  -path public/sounds -prune -o -newer .next/BUILD_ID -print -quit 2>/dev/null || true)
[ -n "$newer" ] || exit 1
echo "$newer"
