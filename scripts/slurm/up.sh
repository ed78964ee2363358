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

# Returns success when every daemon of the cluster runs and slurmrestd serves its spec.
cluster_running() {
  local entry
  while read -r entry; do
    live_pid "${entry#*:}" >/dev/null || return 1
  done < <(cluster_daemons)
  rest_ready
}

# Stops what is left of a cluster whose daemons did not all survive.
stop_leftovers() {
  local entry
  while read -r entry; do
    if live_pid "${entry#*:}" >/dev/null; then
      log "some daemons of this cluster are not running; stopping the rest before a clean start"
      stop_all_daemons
      return
    fi
  done < <(cluster_daemons)
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
  if cluster_running; then
    log "already running at $REST_URL"
    write_cluster_json
    unlock_cluster
    return 0
  fi
  stop_leftovers
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
      [[ -e /usr/lib/x86_64-linux-gnu/slurm-wlm/auth_jwt.so ]] ||
        die "the Slurm JWT plugin is missing (package slurm-wlm-jwt-plugin); run 'sudo bash scripts/install-deps.sh'"
    fi
    up_cluster "$version"
  done
}

main "$@"
