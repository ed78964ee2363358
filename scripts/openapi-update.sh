#!/usr/bin/env bash
# Writes openapi/slurmrestd-<api version>.json from real Slurm releases:
#   22.05 -> v0.0.38, fetched with GET /openapi/v3 from the running 22.05
#            cluster (22.05 cannot print its spec without a daemon);
#   24.11 -> v0.0.40 v0.0.41 v0.0.42, printed by slurmrestd --generate-openapi-spec;
#   26.05 -> v0.0.43 v0.0.44 v0.0.45, the same way.
# Run as root. Then run `npm run generate` to update generated/.
# Usage: openapi-update.sh [22.05|24.11|26.05|all]...   (default: all)
set -euo pipefail

LIB="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/slurm/lib"
for part in common token; do
  # shellcheck source=/dev/null
  source "$LIB/$part.sh"
done
OPENAPI_DIR="$REPO_DIR/openapi"

api_versions_of() {
  case "$1" in
    22.05) printf '%s\n' v0.0.38 ;;
    24.11) printf '%s\n' v0.0.40 v0.0.41 v0.0.42 ;;
    26.05) printf '%s\n' v0.0.43 v0.0.44 v0.0.45 ;;
  esac
}

# Reads API version $1's spec on stdin and writes it with sorted keys and
# 2-space indents, so that a new Slurm release shows up as a readable diff.
# Array order is kept.
write_spec() {
  local api="$1" file="$OPENAPI_DIR/slurmrestd-$1.json"
  API="$api" node -e '
    const sortKeys = (value) => {
      if (Array.isArray(value)) return value.map(sortKeys);
      if (value === null || typeof value !== "object") return value;
      return Object.fromEntries(Object.keys(value).sort().map((key) => [key, sortKeys(value[key])]));
    };
    let text = "";
    process.stdin.setEncoding("utf8");
    process.stdin.on("data", (chunk) => (text += chunk));
    process.stdin.on("end", () => {
      const spec = JSON.parse(text);
      const prefix = `/slurm/${process.env.API}/`;
      if (!spec.openapi || !Object.keys(spec.paths ?? {}).some((path) => path.startsWith(prefix))) {
        console.error(`error: the spec has no ${prefix} paths, so it is not the ${process.env.API} spec`);
        process.exit(1);
      }
      process.stdout.write(JSON.stringify(sortKeys(spec), null, 2) + "\n");
    });
  ' >"$file.new" || { rm -f "$file.new"; die "no valid $api spec; $file is unchanged"; }
  mv "$file.new" "$file"
  log "wrote $file"
}

fetch_from_daemon() {
  local api="$1" spec
  bash "$REPO_DIR/scripts/slurm/up.sh" "$CLUSTER_VERSION"
  spec="$(rest_curl "${JOB_USERS[0]}" -f "$REST_URL/openapi/v3")" ||
    die "GET $REST_URL/openapi/v3 failed; see $STATE_DIR/log/slurmrestd.log"
  write_spec "$api" <<<"$spec"
}

# slurmrestd prints one data parser's spec without a slurm.conf or a controller.
generate_in_rootfs() {
  local api="$1"
  ensure_rootfs
  chroot "$ROOT_DIR" /usr/bin/env SLURM_CONF=/dev/null \
    /usr/sbin/slurmrestd --generate-openapi-spec -s slurmctld -d "$api" |
    write_spec "$api"
}

main() {
  require_root
  require_debian
  mkdir -p "$OPENAPI_DIR"
  local version api
  for version in $(parse_versions "$@"); do
    cluster_select "$version"
    for api in $(api_versions_of "$version"); do
      if [[ $ROOT_DIR == / ]]; then
        fetch_from_daemon "$api"
      else
        generate_in_rootfs "$api"
      fi
    done
  done
}

main "$@"
