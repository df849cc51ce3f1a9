#!/usr/bin/env bash
# The whole test suite: type check, lint, unit and integration tests (Vitest, against real
# PostgreSQL, PGlite, rtpengine and SIPp), end-to-end tests (Playwright in Debian's Chromium).
# Ends with one line `tests: N passed, N failed` counting every test case of every runner.
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p test-results
status=0

step() { echo; echo "== $1"; }

# A lock file out of step with package.json makes `npm ci` (and so CI) fail before any test runs.
step "lock file"
npm ci --dry-run --ignore-scripts --no-audit --no-fund >/dev/null || { echo "package-lock.json is out of step: run npm install --package-lock-only" >&2; status=1; }

step "typecheck"
npx tsc --noEmit -p . || status=1

step "lint"
npx eslint . || status=1

step "unit and integration tests"
npx vitest run --reporter=default --reporter=json --outputFile.json=test-results/vitest.json || status=1

step "end-to-end tests"
npx playwright test || status=1

node scripts/test-summary.mjs test-results/vitest.json test-results/e2e-report.json || status=1
exit $status
