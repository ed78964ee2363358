#!/usr/bin/env bash
# Sets up a fresh Debian machine (as root) and runs every test suite:
# lint, type check, build, generated-type drift, chart checks, unit tests, then the Slurm client
# and end-to-end suites on real Slurm 22.05, 24.11 and 26.05.
#
#   bash scripts/test.sh              # everything
#   SKIP_INSTALL=1 bash scripts/test.sh   # machine already set up
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

if [[ "${SKIP_INSTALL:-}" != 1 ]]; then
  step "Installing Debian packages"
  bash scripts/install-deps.sh
  step "Installing npm packages"
  npm ci --no-audit --no-fund
fi

mkdir -p .cache/test-results
summary=.cache/test-results

step "Lint, type check, build, generated-type drift and chart checks"
npm run --silent lint
npm run --silent typecheck
npm run --silent build
npm run --silent generate:check
npm run --silent chart:check

step "Unit tests"
npm test -- --reporter=default --reporter=json --outputFile.json="$summary/unit.json"

step "Starting the Slurm clusters"
npm run --silent slurm:up -- "${GHA_SLURM_VERSIONS_UP:-all}"

step "Slurm client tests on real clusters"
npm run test:slurm -- --reporter=default --reporter=json --outputFile.json="$summary/slurm.json"

step "End-to-end tests on real clusters"
npm run test:e2e -- --reporter=default --reporter=json --outputFile.json="$summary/e2e.json"

step "Summary"
node scripts/test-summary.mjs "$summary"/unit.json "$summary"/slurm.json "$summary"/e2e.json
