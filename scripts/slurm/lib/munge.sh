# shellcheck shell=bash
# A private munged for the 22.05 cluster: its own key, socket, pid and log
# file under the state folder, so it never touches a system munged.

MUNGE_USER=munge

start_munged() {
  local pid
  if pid="$(live_pid "$MUNGE_DIR/munged.pid")"; then
    log "munged already running (pid $pid)"
    return 0
  fi
  # A Unix socket path is limited to 107 bytes.
  ((${#MUNGE_SOCKET} <= 107)) || die "munge socket path $MUNGE_SOCKET is longer than 107 bytes; set GHA_SLURM_CACHE to a shorter folder"
  id -u "$MUNGE_USER" >/dev/null 2>&1 || die "user $MUNGE_USER is missing; the munge package creates it, so run 'bash scripts/install-deps.sh' as root"

  mkdir -p "$MUNGE_DIR"
  if [[ ! -s $MUNGE_DIR/munge.key ]]; then
    log "creating key $MUNGE_DIR/munge.key"
    (umask 077 && head -c 1024 /dev/urandom >"$MUNGE_DIR/munge.key")
  fi
  rm -f "$MUNGE_SOCKET" "$MUNGE_SOCKET.lock"
  touch "$STATE_DIR/log/munged.log"
  chown "$MUNGE_USER:$MUNGE_USER" "$MUNGE_DIR" "$MUNGE_DIR/munge.key" "$STATE_DIR/log/munged.log"
  chmod 0755 "$MUNGE_DIR"
  chmod 0600 "$MUNGE_DIR/munge.key"

  log "starting munged"
  runuser -u "$MUNGE_USER" -- /usr/sbin/munged \
    --socket="$MUNGE_SOCKET" \
    --key-file="$MUNGE_DIR/munge.key" \
    --pid-file="$MUNGE_DIR/munged.pid" \
    --seed-file="$MUNGE_DIR/munged.seed" \
    --log-file="$STATE_DIR/log/munged.log" 9>&- ||
    die "munged failed to start; see $STATE_DIR/log/munged.log"
}
