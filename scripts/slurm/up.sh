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

# Returns success when every daemon of the cluster runs and slurmrestd answers.
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

up_cluster() {
  cluster_select "$1"
  if [[ -s $STATE_DIR/run/rootdir ]]; then
    local previous
    previous="$(cat "$STATE_DIR/run/rootdir")"
    [[ $previous == "$ROOT_DIR" ]] || log "root folder changed from $previous to $ROOT_DIR"
  fi
  if cluster_running; then
    log "already running at $REST_URL"
    write_cluster_json
    return 0
  fi
  stop_leftovers
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
