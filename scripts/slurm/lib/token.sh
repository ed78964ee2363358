# shellcheck shell=bash
# Signs short-lived HS256 tokens with a cluster's jwt_hs256.key, the way
# slurmctld's auth/jwt plugin checks them (claims sun, iat, exp).

# Prints a token for user $1 that expires after $2 seconds (default 300).
sign_token() {
  KEY_FILE="$STATE_DIR/etc/jwt_hs256.key" TOKEN_USER="$1" TTL="${2:-300}" node -e '
    const { createHmac } = require("node:crypto");
    const { readFileSync } = require("node:fs");
    const b64 = (value) => Buffer.from(JSON.stringify(value)).toString("base64url");
    const now = Math.floor(Date.now() / 1000);
    const body = b64({ alg: "HS256", typ: "JWT" }) + "." +
      b64({ sun: process.env.TOKEN_USER, iat: now, exp: now + Number(process.env.TTL) });
    const signature = createHmac("sha256", readFileSync(process.env.KEY_FILE)).update(body).digest("base64url");
    process.stdout.write(body + "." + signature);
  '
}

# Runs curl against slurmrestd as user $1, with both headers that 22.05 requires.
rest_curl() {
  local user="$1" token
  shift
  token="$(sign_token "$user")"
  curl -s --max-time 10 -H "X-SLURM-USER-NAME: $user" -H "X-SLURM-USER-TOKEN: $token" "$@"
}
