#!/usr/bin/env bash
# Installs the Debian packages that gha-slurm's clusters, tests and demo need
# on a fresh Debian bookworm machine. Run as root; safe to run again.
# Node.js 20 itself is expected to be installed already.
set -euo pipefail

PACKAGES=(
  # Slurm 22.05 on the host, with slurmrestd and JWT auth; MUNGE for its daemons.
  slurmctld slurmd slurmrestd slurm-client slurm-wlm-jwt-plugin munge
  # Builds the root folders of the 24.11 and 26.05 clusters.
  debootstrap debian-archive-keyring gpgv
  # Scrapes the service's metrics in the end-to-end tests.
  prometheus
  # Used by scripts/slurm: curl, ss (iproute2), runuser and setsid (util-linux), useradd (passwd).
  curl ca-certificates iproute2 util-linux passwd procps
)

die() { printf 'install-deps: error: %s\n' "$*" >&2; exit 1; }

[[ $EUID -eq 0 ]] || die "must run as root, because it installs Debian packages"
[[ -r /etc/debian_version ]] || die "needs Debian bookworm or later; /etc/debian_version is missing"

# Package scripts must not start munged, slurmctld, slurmd or prometheus:
# scripts/slurm/up.sh starts private copies with their own ports, sockets and
# keys, and a package's daemon would hold ports or fail without a slurm.conf.
# invoke-rc.d starts nothing while policy-rc.d exits with 101.
POLICY=/usr/sbin/policy-rc.d
if [[ ! -e $POLICY ]]; then
  printf '#!/bin/sh\nexit 101\n' >"$POLICY"
  chmod 0755 "$POLICY"
  trap 'rm -f "$POLICY"' EXIT
fi

missing=()
for package in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#PACKAGES[@]} packages are installed"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends "${missing[@]}"
echo "install-deps: done"
