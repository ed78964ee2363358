# shellcheck shell=bash
# Shared helpers for the local Slurm clusters: messages, checks and the
# per-version facts (ports, Debian suite, authentication).
# Sourced by scripts/slurm/up.sh, down.sh and scripts/openapi-update.sh.

SLURM_SCRIPTS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REPO_DIR="$(cd "$SLURM_SCRIPTS_DIR/../.." && pwd)"
# Absolute, because chroot clusters mount their state folder at the same path inside.
CACHE_DIR="$(realpath -m "${GHA_SLURM_CACHE:-$REPO_DIR/.cache/slurm}")"
ALL_VERSIONS=(22.05 24.11 26.05)

# cluster_select needs rootfs_path.
# shellcheck source=rootfs.sh
source "$SLURM_SCRIPTS_DIR/lib/rootfs.sh"

# The Slurm user that Debian's packages create, the user slurmrestd runs as,
# and the unprivileged users that test jobs run as.
SLURM_USER=slurm
REST_USER=slurmrest
JOB_USERS=(ci-alice ci-bob)

log() { printf '[slurm %s] %s\n' "${CLUSTER_VERSION:-*}" "$*" >&2; }
die() { printf '[slurm %s] error: %s\n' "${CLUSTER_VERSION:-*}" "$*" >&2; exit 1; }

require_root() {
  [[ $EUID -eq 0 ]] || die "must run as root, because the daemons switch users and chroot clusters need bind mounts"
}

require_debian() {
  [[ -r /etc/debian_version ]] || die "this script needs Debian (bookworm or later); /etc/debian_version is missing"
}

# Fails naming the Debian package that provides each missing command.
require_commands() {
  local pair cmd pkg missing=()
  for pair in "$@"; do
    cmd="${pair%%:*}"
    pkg="${pair#*:}"
    command -v "$cmd" >/dev/null 2>&1 || missing+=("$pkg (for $cmd)")
  done
  if ((${#missing[@]})); then
    die "missing packages: ${missing[*]}; run 'bash scripts/install-deps.sh' as root"
  fi
}

# Sets the CLUSTER_* variables for one version: name, ports, where its node's
# root is, and how its daemons authenticate to each other.
cluster_select() {
  CLUSTER_VERSION="$1"
  CLUSTER_NAME="slurm-${1/./-}"
  STATE_DIR="$CACHE_DIR/$1"
  case "$1" in
    22.05) CTLD_PORT=16817 SLURMD_PORT=16818 REST_PORT=16820 SUITE="" DAEMON_AUTH=munge JOBS_PATH=/slurm/v0.0.38/jobs ;;
    24.11) CTLD_PORT=26817 SLURMD_PORT=26818 REST_PORT=26820 SUITE=trixie DAEMON_AUTH=slurm JOBS_PATH=/slurm/v0.0.42/jobs/ ;;
    26.05) CTLD_PORT=36817 SLURMD_PORT=36818 REST_PORT=36820 SUITE=sid DAEMON_AUTH=slurm JOBS_PATH=/slurm/v0.0.45/jobs/ ;;
    *) die "unknown Slurm version '$1'; use one of: ${ALL_VERSIONS[*]} or all" ;;
  esac
  REST_URL="http://127.0.0.1:$REST_PORT"
  MUNGE_DIR="$STATE_DIR/munge"
  MUNGE_SOCKET="$MUNGE_DIR/munge.socket.2"
  ROOT_DIR=/
  [[ -z $SUITE ]] || ROOT_DIR="$(rootfs_path "$SUITE")"
}

# Expands the command-line arguments ("all" or nothing means every version).
parse_versions() {
  if (($# == 0)) || [[ $1 == all ]]; then
    printf '%s\n' "${ALL_VERSIONS[@]}"
    return
  fi
  local v
  for v in "$@"; do
    case "$v" in
      22.05 | 24.11 | 26.05) printf '%s\n' "$v" ;;
      *) die "unknown Slurm version '$v'; use one of: ${ALL_VERSIONS[*]} or all" ;;
    esac
  done
}

# Runs a command on the cluster's node: on the host for 22.05, in the chroot otherwise.
node_exec() {
  if [[ $ROOT_DIR == / ]]; then
    "$@"
  else
    chroot "$ROOT_DIR" "$@"
  fi
}

# Serialises up.sh and down.sh runs on one cluster through file descriptor 9,
# because a run that starts while another is half-way takes its daemons for
# leftovers. Daemons are started with 9>&- so that they do not keep the lock.
lock_cluster() {
  local lock_file="$CACHE_DIR/$CLUSTER_VERSION.lock"
  mkdir -p "$CACHE_DIR"
  exec 9>"$lock_file"
  flock -n 9 && return 0
  log "waiting for another up.sh or down.sh run on this cluster to finish"
  flock -w 600 9 || die "timed out after 600s waiting for $lock_file; find the process with 'fuser $lock_file'"
}

unlock_cluster() {
  exec 9>&-
}

# Returns success when process $1 exists and is not a zombie. Daemons are
# reparented to pid 1, which may never reap them, and kill -0 succeeds on a zombie.
pid_alive() {
  local stat
  stat="$(cat "/proc/$1/stat" 2>/dev/null)" || return 1
  stat="${stat##*) }"
  [[ ${stat:0:1} != Z ]]
}

# Prints the pid stored in a pid file when that process is alive.
live_pid() {
  local pid
  [[ -s $1 ]] || return 1
  pid="$(tr -dc '0-9' <"$1")"
  [[ -n $pid ]] && pid_alive "$pid" && printf '%s\n' "$pid"
}
