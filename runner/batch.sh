#!/bin/bash
# gha-slurm batch script: fetches a just-in-time runner configuration from the
# gha-slurm service and runs one ephemeral GitHub Actions runner with it.
#
# The configuration registers a runner, so it reaches run.sh in the runner's
# environment variable ACTIONS_RUNNER_INPUT_JITCONFIG, which the runner reads in
# place of its --jitconfig option. Any user on the node can read a process's
# arguments, but only its owner and root can read its environment.
#
# Every input arrives through the environment that gha-slurm sets on the job:
#   GHA_SLURM_CALLBACK_URL   URL of POST /runners/jit-config on the service
#   GHA_SLURM_LAUNCH_TOKEN   single-use token for that request (never printed)
#   GHA_SLURM_RUNNER_DIR     directory that contains the Actions runner's run.sh
#   SLURM_JOB_ID             set by Slurm
# Optional:
#   GHA_SLURM_CALLBACK_ATTEMPTS  requests before giving up (default 8)
#   GHA_SLURM_CALLBACK_MAX_DELAY largest wait between requests, in seconds (default 60)
#
# It needs bash and curl only. Exit codes: the runner's own status, 64 for a
# missing variable, 65 when the service rejects the job, 69 when the service
# cannot be reached or keeps failing.
set -u

log() {
  printf 'gha-slurm: %s\n' "$*" >&2
}

for name in GHA_SLURM_CALLBACK_URL GHA_SLURM_LAUNCH_TOKEN GHA_SLURM_RUNNER_DIR SLURM_JOB_ID; do
  if [[ -z "${!name:-}" ]]; then
    log "environment variable $name is missing; gha-slurm sets it on every job it submits"
    exit 64
  fi
done
if [[ ! "$SLURM_JOB_ID" =~ ^[0-9]+$ ]]; then
  log "SLURM_JOB_ID is not a number; run this script as a Slurm batch job"
  exit 64
fi
if [[ ! -x "$GHA_SLURM_RUNNER_DIR/run.sh" ]]; then
  log "runner not found: $GHA_SLURM_RUNNER_DIR/run.sh is missing or not executable; install the Actions runner there"
  exit 64
fi

attempts=${GHA_SLURM_CALLBACK_ATTEMPTS:-8}
max_delay=${GHA_SLURM_CALLBACK_MAX_DELAY:-60}
# Checked before any arithmetic, because bash evaluates a variable's text as an
# expression there, and an array subscript in it can run commands.
if [[ ! "$attempts" =~ ^[1-9][0-9]{0,3}$ ]]; then
  log "GHA_SLURM_CALLBACK_ATTEMPTS must be a whole number from 1 to 9999; fix the pool's environment"
  exit 64
fi
if [[ ! "$max_delay" =~ ^[0-9]{1,5}$ ]]; then
  log "GHA_SLURM_CALLBACK_MAX_DELAY must be a whole number of seconds up to 99999; fix the pool's environment"
  exit 64
fi
delay=$((max_delay < 2 ? max_delay : 2))
config=''

for ((attempt = 1; attempt <= attempts; attempt++)); do
  # The token travels on stdin so that it never shows in the process list.
  response=$(curl --silent --show-error --max-time 60 \
    --request POST \
    --header @- \
    --header 'Accept: text/plain' \
    --header 'Content-Type: application/json' \
    --data-raw "{\"slurmJobId\":\"$SLURM_JOB_ID\"}" \
    --write-out '\n%{http_code}' \
    "$GHA_SLURM_CALLBACK_URL" <<<"Authorization: Bearer $GHA_SLURM_LAUNCH_TOKEN")
  status=${response##*$'\n'}
  body=${response%$'\n'*}

  case "$status" in
    200)
      # A JIT configuration is base64 text. Anything else (an empty body, a proxy's
      # HTML page) did not come from gha-slurm, so the request is tried again.
      if [[ "$body" =~ ^[A-Za-z0-9+/=_-]+$ ]]; then
        config=$body
        break
      fi
      log "callback returned HTTP 200 without a runner configuration (attempt $attempt of $attempts); retrying in ${delay}s"
      ;;
    401 | 403 | 404 | 409 | 410)
      # The service rejected this job for good: it is no longer needed or its token is spent.
      log "callback rejected with HTTP $status: ${body:0:200}"
      exit 65
      ;;
    *)
      log "callback failed with HTTP ${status:-000} (attempt $attempt of $attempts); retrying in ${delay}s"
      ;;
  esac

  if ((attempt < attempts)); then
    sleep "$delay"
    delay=$((delay * 2 > max_delay ? max_delay : delay * 2))
  fi
done

if [[ -z "$config" ]]; then
  log "callback failed $attempts times; giving up so that the node is freed"
  exit 69
fi

unset GHA_SLURM_LAUNCH_TOKEN
log "runner configuration received; starting the runner"
ACTIONS_RUNNER_INPUT_JITCONFIG="$config" "$GHA_SLURM_RUNNER_DIR/run.sh"
exit $?
