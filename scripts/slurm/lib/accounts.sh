# shellcheck shell=bash
# Creates the users a cluster needs: slurmrestd's own user and the
# unprivileged users that jobs run as. slurmctld resolves a token's user name
# through NSS on the node, so chroot clusters get the users inside the chroot,
# with the same uid and gid as on the host so file ownership reads the same.

# Creates a user on the host unless it exists. $2 is "system" or "login".
ensure_host_user() {
  local name="$1" kind="$2"
  id -u "$name" >/dev/null 2>&1 && return 0
  log "creating host user $name"
  if [[ $kind == system ]]; then
    useradd --system --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$name"
  else
    useradd --user-group --create-home --shell /bin/bash "$name"
  fi
}

# Copies a host user into the chroot with the same uid, gid and home.
ensure_chroot_user() {
  local name="$1" kind="$2" uid gid home shell
  uid="$(id -u "$name")"
  gid="$(id -g "$name")"
  home="$(getent passwd "$name" | cut -d: -f6)"
  shell="$(getent passwd "$name" | cut -d: -f7)"
  chroot "$ROOT_DIR" getent passwd "$name" >/dev/null && return 0

  log "creating user $name (uid $uid) in $ROOT_DIR"
  chroot "$ROOT_DIR" getent group "$name" >/dev/null || chroot "$ROOT_DIR" groupadd --gid "$gid" "$name"
  if [[ $kind == system ]]; then
    chroot "$ROOT_DIR" useradd --system --uid "$uid" --gid "$gid" --no-create-home --home-dir "$home" --shell "$shell" "$name"
  else
    chroot "$ROOT_DIR" useradd --uid "$uid" --gid "$gid" --create-home --home-dir "$home" --shell "$shell" "$name"
  fi
}

ensure_cluster_users() {
  local user
  id -u "$SLURM_USER" >/dev/null 2>&1 || die "user $SLURM_USER is missing; the slurmctld package creates it, so run 'bash scripts/install-deps.sh' as root"
  ensure_host_user "$REST_USER" system
  for user in "${JOB_USERS[@]}"; do
    ensure_host_user "$user" login
  done
  [[ $ROOT_DIR == / ]] && return 0

  chroot "$ROOT_DIR" getent passwd "$SLURM_USER" >/dev/null || die "user $SLURM_USER is missing in $ROOT_DIR; delete that folder so that up.sh builds it again"
  ensure_chroot_user "$REST_USER" system
  for user in "${JOB_USERS[@]}"; do
    ensure_chroot_user "$user" login
  done
}
