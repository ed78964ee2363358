# shellcheck shell=bash
# Starts, checks and stops one cluster's daemons. slurmctld and slurmd write
# their own pid files; slurmrestd stays in the foreground, so its pid file is
# written here.

READY_TIMEOUT_SECONDS="${GHA_SLURM_READY_TIMEOUT:-120}"

# The command prefix that runs a program on the cluster's node.
node_prefix() {
  if [[ $ROOT_DIR == / ]]; then
    NODE_PREFIX=()
  else
    NODE_PREFIX=(chroot "$ROOT_DIR")
  fi
}

slurm_env() {
  printf '%s\n' "SLURM_CONF=$STATE_DIR/etc/slurm.conf"
}

rest_plugins() {
  if [[ $CLUSTER_VERSION == 22.05 ]]; then
    # Without slurmdbd, the dbv0.0.3x plugins abort start-up, so load one version only.
    printf '%s\n' openapi/v0.0.38
  else
    printf '%s\n' openapi/slurmctld
  fi
}

start_slurmctld() {
  node_prefix
  log "starting slurmctld on port $CTLD_PORT"
  "${NODE_PREFIX[@]}" /usr/bin/env "$(slurm_env)" /usr/sbin/slurmctld \
    </dev/null >>"$STATE_DIR/log/slurmctld.out" 2>&1 9>&- ||
    die "slurmctld failed to start; see $STATE_DIR/log/slurmctld.log and slurmctld.out"
}

start_slurmd() {
  node_prefix
  log "starting slurmd on port $SLURMD_PORT"
  "${NODE_PREFIX[@]}" /usr/bin/env "$(slurm_env)" /usr/sbin/slurmd -N "$NODE_NAME" \
    </dev/null >>"$STATE_DIR/log/slurmd.out" 2>&1 9>&- ||
    die "slurmd failed to start; see $STATE_DIR/log/slurmd.log and slurmd.out"
}

start_slurmrestd() {
  node_prefix
  log "starting slurmrestd on $REST_URL"
  # setsid detaches slurmrestd from this script's session; it does not fork
  # here, so $! is slurmrestd's own pid.
  setsid "${NODE_PREFIX[@]}" /usr/bin/env "$(slurm_env)" SLURM_JWT=daemon \
    /usr/sbin/slurmrestd -u "$REST_USER" -g "$REST_USER" -a rest_auth/jwt -s "$(rest_plugins)" \
    "127.0.0.1:$REST_PORT" </dev/null >>"$STATE_DIR/log/slurmrestd.log" 2>&1 9>&- &
  printf '%s\n' "$!" >"$STATE_DIR/run/slurmrestd.pid"
}

# Runs a Slurm client command on the node as root, against this cluster.
slurm_client() {
  node_prefix
  "${NODE_PREFIX[@]}" /usr/bin/env "$(slurm_env)" "$@"
}

node_state() {
  slurm_client scontrol -o show node "$NODE_NAME" 2>/dev/null | grep -oE 'State=[A-Z+_]+' | cut -d= -f2
}

# 22.05 requires a token even for the spec, so the check sends one for a job user.
rest_ready() {
  [[ "$(rest_curl "${JOB_USERS[0]}" -o /dev/null -w '%{http_code}' "$REST_URL/openapi/v3")" == 200 ]]
}

# Returns success when slurmctld lists jobs through slurmrestd within 15 s.
# slurmctld keeps replying to pings while its job lock is held, so only a job
# request shows that it is stuck.
jobs_ready() {
  [[ "$(rest_curl "${JOB_USERS[0]}" --max-time 15 -o /dev/null -w '%{http_code}' "$REST_URL$JOBS_PATH")" == 200 ]]
}

# The daemons whose pid files this cluster uses, in start order.
cluster_daemons() {
  [[ $DAEMON_AUTH == munge ]] && printf '%s\n' "munged:$MUNGE_DIR/munged.pid"
  printf '%s\n' "slurmctld:$STATE_DIR/run/slurmctld.pid" "slurmd:$STATE_DIR/run/slurmd.pid" \
    "slurmrestd:$STATE_DIR/run/slurmrestd.pid"
}

# Fails, naming the log, when a daemon that should run has exited. A daemon
# writes its pid file only after it forks, so a miss is checked again 2 s later.
require_daemons_alive() {
  local entry name
  while read -r entry; do
    name="${entry%%:*}"
    live_pid "${entry#*:}" >/dev/null && continue
    sleep 2
    live_pid "${entry#*:}" >/dev/null ||
      die "$name exited during start-up; see $STATE_DIR/log/$name.log (and $name.out, if present)"
  done < <(cluster_daemons)
}

wait_until_ready() {
  local deadline=$((SECONDS + READY_TIMEOUT_SECONDS)) state=""
  log "waiting for slurmrestd and node $NODE_NAME (at most ${READY_TIMEOUT_SECONDS}s)"
  while ((SECONDS < deadline)); do
    require_daemons_alive
    state="$(node_state || true)"
    if [[ $state =~ ^(IDLE|MIXED|ALLOCATED) ]] && rest_ready; then
      log "ready: node $NODE_NAME is $state, slurmrestd serves $REST_URL"
      return 0
    fi
    sleep 1
  done
  die "timed out after ${READY_TIMEOUT_SECONDS}s (node state '${state:-unknown}'); see the logs in $STATE_DIR/log"
}

# Cancels every job, so no job step outlives its slurmd.
cancel_all_jobs() {
  local ids
  ids="$(slurm_client squeue -h -o %A 2>/dev/null | tr '\n' ' ')" || return 0
  [[ -n ${ids// /} ]] || return 0
  log "cancelling jobs $ids"
  # shellcheck disable=SC2086 # one argument per job id
  slurm_client scancel $ids 2>/dev/null || true
  sleep 2
}

# Stops a daemon by its pid file: SIGTERM, then SIGKILL after 20 s.
stop_daemon() {
  local name="$1" pid_file="$2" pid i
  if ! pid="$(live_pid "$pid_file")"; then
    rm -f "$pid_file"
    return 0
  fi
  log "stopping $name (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 40; i++)); do
    pid_alive "$pid" || break
    sleep 0.5
  done
  if pid_alive "$pid"; then
    log "$name (pid $pid) ignored SIGTERM for 20s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$pid_file"
}

stop_all_daemons() {
  local entry
  while read -r entry; do
    stop_daemon "${entry%%:*}" "${entry#*:}"
  done < <(cluster_daemons | tac)
}
