# shellcheck shell=bash
# Writes cluster.json, the machine-readable description of a running cluster
# that the tests and the demo read.

slurm_release() {
  node_exec /usr/sbin/slurmctld -V | awk '{ print $NF }'
}

write_cluster_json() {
  local spec release
  spec="$(rest_curl "${JOB_USERS[0]}" -f "$REST_URL/openapi/v3")" ||
    die "GET $REST_URL/openapi/v3 failed; see $STATE_DIR/log/slurmrestd.log"
  release="$(slurm_release)"

  NAME="$CLUSTER_NAME" VERSION="$CLUSTER_VERSION" RELEASE="$release" URL="$REST_URL" \
    JWT_KEY_FILE="$STATE_DIR/etc/jwt_hs256.key" SLURM_USER="$SLURM_USER" REST_USER="$REST_USER" \
    USERS="${JOB_USERS[*]}" ROOT_DIR="$ROOT_DIR" LOG_DIR="$STATE_DIR/log" \
    DEBUG_MAX="$DEBUG_MAX_MINUTES" LONG_MAX="$LONG_MAX_MINUTES" \
    node --input-type=module -e '
      import { readFileSync } from "node:fs";
      const env = process.env;
      // The spec comes on stdin because it is too large for an environment variable.
      const paths = Object.keys(JSON.parse(readFileSync(0, "utf8")).paths ?? {});
      const apiVersions = [...new Set(paths.map((p) => p.match(/^\/slurm\/(v[0-9.]+)\//)?.[1]).filter(Boolean))].sort();
      const cluster = {
        name: env.NAME,
        version: env.VERSION,
        release: env.RELEASE,
        url: env.URL,
        apiVersions,
        jwtKeyFile: env.JWT_KEY_FILE,
        slurmUser: env.SLURM_USER,
        restUser: env.REST_USER,
        users: env.USERS.split(" "),
        rootDir: env.ROOT_DIR,
        partitions: [
          { name: "debug", default: true, maxTimeMinutes: Number(env.DEBUG_MAX) },
          { name: "long", default: false, maxTimeMinutes: Number(env.LONG_MAX) },
        ],
        logDir: env.LOG_DIR,
      };
      process.stdout.write(JSON.stringify(cluster, null, 2) + "\n");
    ' <<<"$spec" >"$STATE_DIR/cluster.json.new"
  mv "$STATE_DIR/cluster.json.new" "$STATE_DIR/cluster.json"
  log "wrote $STATE_DIR/cluster.json"
}
