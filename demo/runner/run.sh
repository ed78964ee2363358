#!/bin/bash
# Stand-in for the GitHub Actions runner's run.sh, installed by the gha-slurm demo
# because the real runner cannot be downloaded on the demo machine. It reads the
# runner name from the JIT configuration, takes a job from the demo's GitHub
# stand-in, "runs" it until the stand-in returns a conclusion, reports the end and
# exits 0. It needs only bash, coreutils and curl, because the node may be a
# minimal chroot.
set -euo pipefail

# The real runner reads its --jitconfig option from this variable. The batch
# script passes the configuration only there, because every user on the node
# can read a process's arguments, and this stand-in accepts no arguments.
if [ $# -gt 0 ]; then
  # The count only: an argument might be the configuration itself.
  echo "run.sh: got $# arguments but takes none; pass the JIT configuration in ACTIONS_RUNNER_INPUT_JITCONFIG" >&2
  exit 2
fi
jitconfig=${ACTIONS_RUNNER_INPUT_JITCONFIG:-}
[ -n "$jitconfig" ] || {
  echo "run.sh: ACTIONS_RUNNER_INPUT_JITCONFIG is missing; runner/batch.sh sets it to the JIT configuration" >&2
  exit 2
}

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# demo.env sets DEMO_GITHUB_URL (the stand-in's base URL) and DEMO_MAX_SECONDS.
# shellcheck source=/dev/null
. "$here/demo.env"

# The JIT configuration is base64 JSON holding three base64 files. Only .runner,
# which contains no credential, is decoded, and only its agentName is printed.
json_string() { sed -n "s/.*\"$1\"[[:space:]]*:[[:space:]]*\"\([^\"]*\)\".*/\1/p"; }
runner_file=$(printf '%s' "$jitconfig" | base64 -d | json_string '\.runner')
name=$(printf '%s' "$runner_file" | base64 -d | json_string agentName)
if ! [[ "$name" =~ ^[A-Za-z0-9._-]+$ ]]; then
  echo "run.sh: the JIT configuration has no valid agentName in its .runner file" >&2
  exit 1
fi
[ -z "${GHA_SLURM_RUNNER_NAME:-}" ] || [ "$GHA_SLURM_RUNNER_NAME" = "$name" ] ||
  echo "run.sh: GHA_SLURM_RUNNER_NAME=$GHA_SLURM_RUNNER_NAME differs from the JIT configuration's $name" >&2

api="$DEMO_GITHUB_URL/_demo/runners/$name"
call() { curl --silent --show-error --fail-with-body --max-time 15 "$@"; }
echo "runner $name: listening for jobs"

deadline=$((SECONDS + DEMO_MAX_SECONDS))
job=""
while [ $SECONDS -lt $deadline ]; do
  reply=$(call -X POST "$api/take" -w '\n%{http_code}')
  if [ "${reply##*$'\n'}" = 200 ]; then
    job=$(printf '%s' "${reply%$'\n'*}" | sed -n 's/.*"workflow_job_id":\([0-9]*\).*/\1/p')
    break
  fi
  sleep 1
done
if [ -z "$job" ]; then
  echo "runner $name: no job within $DEMO_MAX_SECONDS s; exiting"
  exit 0
fi
echo "runner $name: running workflow job $job"

conclusion=""
while [ $SECONDS -lt $deadline ]; do
  state=$(call "$api/job")
  conclusion=$(printf '%s' "$state" | json_string conclusion)
  [ -z "$conclusion" ] || break
  sleep 1
done
conclusion=${conclusion:-failure}

call -X POST -H 'content-type: application/json' -d "{\"conclusion\":\"$conclusion\"}" "$api/finished" >/dev/null
echo "runner $name: workflow job $job finished: $conclusion"
exit 0
