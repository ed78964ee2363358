#!/usr/bin/env bash
# Stops local Slurm clusters that up.sh started: cancels their jobs, stops
# their daemons by pid file and unmounts what up.sh mounted. Harmless when
# nothing runs.
# Usage: down.sh [22.05|24.11|26.05|all]...   (default: all)
set -euo pipefail

LIB="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib"
for part in common token daemons; do
  # shellcheck source=/dev/null
  source "$LIB/$part.sh"
done

down_cluster() {
  cluster_select "$1"
  # The root folder that up.sh used, even if the package list changed since.
  [[ -s $STATE_DIR/run/rootdir ]] && ROOT_DIR="$(cat "$STATE_DIR/run/rootdir")"
  [[ -d $STATE_DIR ]] || { log "not started (no $STATE_DIR)"; return 0; }
  lock_cluster

  if live_pid "$STATE_DIR/run/slurmctld.pid" >/dev/null; then
    cancel_all_jobs
  fi
  stop_all_daemons
  if [[ $ROOT_DIR != / ]]; then
    kill_rootfs_processes
    unmount_rootfs
    rm -f "$STATE_DIR/run/rootdir"
  fi
  rm -f "$STATE_DIR/cluster.json"
  log "stopped"
  unlock_cluster
}

main() {
  require_root
  local versions version
  versions="$(parse_versions "$@")"
  for version in $versions; do
    down_cluster "$version"
  done
}

main "$@"
