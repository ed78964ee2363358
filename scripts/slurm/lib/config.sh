# shellcheck shell=bash
# Writes a cluster's state folder: slurm.conf, cgroup.conf, keys, and the
# folders for logs, pid files and spools. Keys survive restarts, so tokens
# signed before a restart stay valid.

NODE_NAME=localhost
NODE_CPUS=2
NODE_MEMORY_MB=4096
# Each CPU may be shared by this many jobs, so several 1-CPU runner jobs run at once.
NODE_OVERSUBSCRIBE=4
DEBUG_MAX_MINUTES=60
LONG_MAX_MINUTES=1440

prepare_state_dirs() {
  mkdir -p "$STATE_DIR"/{etc,log,run,state,spool/slurmd}
  chmod 0755 "$STATE_DIR" "$STATE_DIR"/{etc,log,run,spool}
  chmod 0700 "$STATE_DIR/state" "$STATE_DIR/spool/slurmd"
  # munged rejects a log folder that is not owned by root or munge, so the
  # folder stays root's and slurmctld gets its log file created for it.
  touch "$STATE_DIR/log/slurmctld.log"
  node_exec chown "$SLURM_USER:$SLURM_USER" "$STATE_DIR/log/slurmctld.log" "$STATE_DIR/run" "$STATE_DIR/state"
}

# Writes 32 random bytes to a key file owned by SlurmUser, unless it exists.
ensure_key_file() {
  local file="$1"
  if [[ ! -s $file ]]; then
    log "creating key $file"
    (umask 077 && head -c 32 /dev/urandom >"$file")
  fi
  node_exec chown "$SLURM_USER:$SLURM_USER" "$file"
  chmod 0600 "$file"
}

write_slurm_conf() {
  local etc="$STATE_DIR/etc"
  local auth_lines
  if [[ $DAEMON_AUTH == munge ]]; then
    auth_lines="AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$MUNGE_SOCKET"
  else
    # auth/slurm reads slurm.key from the folder that contains slurm.conf.
    auth_lines="AuthType=auth/slurm
CredType=cred/slurm"
  fi

  cat >"$etc/slurm.conf.new" <<CONF
# Written by scripts/slurm/up.sh; edits are lost on the next start.
ClusterName=$CLUSTER_NAME
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
SlurmUser=$SLURM_USER
SlurmdUser=root

$auth_lines
AuthAltTypes=auth/jwt
AuthAltParameters=jwt_key=$etc/jwt_hs256.key

StateSaveLocation=$STATE_DIR/state
SlurmdSpoolDir=$STATE_DIR/spool/slurmd
SlurmctldPidFile=$STATE_DIR/run/slurmctld.pid
SlurmdPidFile=$STATE_DIR/run/slurmd.pid
SlurmctldLogFile=$STATE_DIR/log/slurmctld.log
SlurmdLogFile=$STATE_DIR/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info

# No cgroups: the daemons run in plain folders and chroots.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none

SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2

NodeName=$NODE_NAME NodeAddr=127.0.0.1 CPUs=$NODE_CPUS RealMemory=$NODE_MEMORY_MB State=UNKNOWN
PartitionName=debug Nodes=$NODE_NAME Default=YES MaxTime=$DEBUG_MAX_MINUTES OverSubscribe=FORCE:$NODE_OVERSUBSCRIBE State=UP
PartitionName=long Nodes=$NODE_NAME Default=NO MaxTime=$LONG_MAX_MINUTES OverSubscribe=FORCE:$NODE_OVERSUBSCRIBE State=UP
CONF
  mv "$etc/slurm.conf.new" "$etc/slurm.conf"
  chmod 0644 "$etc/slurm.conf"

  if [[ $DAEMON_AUTH == slurm ]]; then
    # From 24.11 slurmd fails to start without cgroup.conf unless cgroups are disabled here.
    printf 'CgroupPlugin=disabled\n' >"$etc/cgroup.conf"
    chmod 0644 "$etc/cgroup.conf"
  fi
}

write_cluster_config() {
  prepare_state_dirs
  ensure_key_file "$STATE_DIR/etc/jwt_hs256.key"
  [[ $DAEMON_AUTH == slurm ]] && ensure_key_file "$STATE_DIR/etc/slurm.key"
  write_slurm_conf
}
