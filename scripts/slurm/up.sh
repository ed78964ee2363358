#!/usr/bin/env bash
# Starts local single-node Slurm clusters with slurmrestd and JWT auth.
# Usage: up.sh [22.05|24.11|26.05|all]...   (default: all)
# Each cluster keeps its state in $GHA_SLURM_CACHE/<version> (default
# .cache/slurm/<version>) and describes itself in cluster.json there.
set -euo pipefail

LIB="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib"
for part in common ports accounts config munge token daemons describe; do
  # shellcheck source=/dev/null
  source "$LIB/$part.sh"
done

# Prints how many of the cluster's daemons run, out of how many it needs.
count_live_daemons() {
  local entry live=0 total=0
  while read -r entry; do
    total=$((total + 1))
    live_pid "${entry#*:}" >/dev/null && live=$((live + 1))
  done < <(cluster_daemons)
  printf '%s %s\n' "$live" "$total"
}

# Returns success when slurmrestd serves its spec within 30 s. A busy daemon
# responds late, and a restart would kill the jobs running on the cluster.
rest_responds() {
  local attempt
  for ((attempt = 0; attempt < 10; attempt++)); do
    rest_ready && return 0
    sleep 3
  done
  return 1
}

# Unmounts the root folder of an earlier start when the package list, and so
# the folder, has changed since.
unmount_previous_rootfs() {
  [[ -s $STATE_DIR/run/rootdir ]] || return 0
  local previous current="$ROOT_DIR"
  previous="$(cat "$STATE_DIR/run/rootdir")"
  [[ $previous != "$current" ]] || return 0

  log "the root folder changed from $previous to $current; unmounting the old one"
  ROOT_DIR="$previous"
  kill_rootfs_processes
  unmount_rootfs
  ROOT_DIR="$current"
  rm -f "$STATE_DIR/run/rootdir"
}

up_cluster() {
  cluster_select "$1"
  lock_cluster
  local live total
  read -r live total < <(count_live_daemons)
  if ((live == total)); then
    rest_responds || die "all daemons run, but slurmrestd at $REST_URL did not serve GET /openapi/v3 for 30s; see $STATE_DIR/log/slurmrestd.log, then restart with 'npm run slurm:down -- $CLUSTER_VERSION' and up again"
    jobs_ready || die "all daemons run, but GET $REST_URL$JOBS_PATH did not return 200 within 15s, so slurmctld is stuck; see $STATE_DIR/log/slurmctld.log, then restart with 'npm run slurm:down -- $CLUSTER_VERSION' and up again"
    log "already running at $REST_URL"
    write_cluster_json
    unlock_cluster
    return 0
  fi
  if ((live > 0)); then
    log "only $live of $total daemons of this cluster run; stopping them before a clean start"
    stop_all_daemons
  fi
  unmount_previous_rootfs
  require_free_ports

  mkdir -p "$STATE_DIR"
  if [[ $ROOT_DIR != / ]]; then
    ensure_rootfs
    mkdir -p "$STATE_DIR/run"
    mount_rootfs
  fi
  ensure_cluster_users
  write_cluster_config
  [[ $DAEMON_AUTH == munge ]] && start_munged

  start_slurmctld
  start_slurmd
  start_slurmrestd
  wait_until_ready
  write_cluster_json
  unlock_cluster
}

main() {
  require_root
  require_debian
  require_commands curl:curl ss:iproute2 node:nodejs setsid:util-linux runuser:util-linux
  local versions version
  versions="$(parse_versions "$@")"
  for version in $versions; do
    CLUSTER_VERSION="$version"
    if [[ $version == 22.05 ]]; then
      require_commands slurmctld:slurmctld slurmd:slurmd slurmrestd:slurmrestd scontrol:slurm-client munged:munge
      dpkg-query -W -f='${Status}' slurm-wlm-jwt-plugin 2>/dev/null | grep -q 'install ok installed' ||
        die "the Slurm JWT plugin is missing (package slurm-wlm-jwt-plugin); run 'bash scripts/install-deps.sh' as root"
    fi
    up_cluster "$version"
  done
}

main "$@"
