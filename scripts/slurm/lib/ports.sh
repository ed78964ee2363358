# shellcheck shell=bash
# Checks that a cluster's TCP ports are free before its daemons start.

# Prints who listens on a local TCP port, or nothing when it is free.
port_listener() {
  ss -Hltnp "sport = :$1" 2>/dev/null | head -n 1
}

require_free_ports() {
  local port who
  for port in "$CTLD_PORT" "$SLURMD_PORT" "$REST_PORT"; do
    who="$(port_listener "$port")"
    if [[ -n $who ]]; then
      die "port $port is already in use ($(sed -E 's/.*users:\(\((.*)\)\).*/\1/' <<<"$who")); stop that process or run 'npm run slurm:down -- $CLUSTER_VERSION'"
    fi
  done
}
