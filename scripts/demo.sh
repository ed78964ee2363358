#!/usr/bin/env bash
# Runs the gha-slurm demo on a fresh Debian machine, as root: installs the Debian
# packages (scripts/install-deps.sh) and the npm packages (npm ci), then runs
# `npm run demo` with this script's arguments, for example `--slurm 24.11`.
# Set SKIP_INSTALL=1 to skip both installs when they are done already.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [[ $EUID -ne 0 ]]; then
  echo "demo.sh: must run as root, because it installs packages and starts Slurm daemons; rerun with sudo" >&2
  exit 1
fi

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "demo.sh: node or npm not found; install Node.js 20.18 or later with npm first" >&2
  exit 1
fi

if [[ ${SKIP_INSTALL:-0} != 1 ]]; then
  if [[ ! -f scripts/install-deps.sh ]]; then
    echo "demo.sh: scripts/install-deps.sh not found; run this script from a complete gha-slurm checkout" >&2
    exit 1
  fi
  bash scripts/install-deps.sh
  npm ci
fi

exec npm run demo -- "$@"
