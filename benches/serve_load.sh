#!/usr/bin/env bash
# Load benchmark of `actionhost serve` with wrk (Debian's package): client-credentials tokens/s
# (each runs the tenant's credentials-exchange Action), complete code + PKCE logins/s (each runs
# the tenant's Rules and post-login Actions, then redeems the code) and application-metadata
# PATCHes/s (each a locked, atomic write of the client file), on a copy of the example tenant.
# Every answer is checked by the wrk scripts (benches/wrk/*.lua): failures are reported.
# Usage: cargo build --release && bash benches/serve_load.sh [SECONDS] [CONNECTIONS]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-10}
connections=${2:-16}
command -v wrk >/dev/null || { echo "serve_load: install wrk (apt-get install wrk)" >&2; exit 2; }
work=$(mktemp -d)
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "$work"' EXIT
cp -r fixtures/tenant "$work/tenant"
rm -rf "$work/tenant/.actionhost"
"${ACTIONHOST_BINARY:-target/release/actionhost}" serve --tenant "$work/tenant" --port 0 --api-token bench --auto-login \
  --log-format json >"$work/out" 2>"$work/err" &
server=$!
for _ in $(seq 100); do grep -q '^listening on' "$work/out" 2>/dev/null && break; sleep 0.1; done
url=$(sed -n 's/^listening on //p' "$work/out")
run() { # name, lua, path, then environment
  local name=$1 lua=$2 path=$3; shift 3
  local line
  line=$(env "$@" wrk -t2 -c"$connections" -d"${seconds}s" -s "benches/wrk/$lua" "$url$path" | grep '^RESULT')
  echo "$name $line"
}
echo "actionhost serve, $(nproc) CPUs, ${seconds}s per benchmark, $connections connections (wrk -t2)"
run tokens client_credentials.lua /oauth/token \
  CLIENT_ID=Op4Ops0Automation0Client0Id0004 CLIENT_SECRET=ops-automation-example-secret \
  AUDIENCE=https://api.example.com/reports
run logins code_flow.lua / \
  CLIENT_ID=Wx1Internal0Tools0Client0Id0001 REDIRECT_URI=https://tools.example.com/callback \
  LOGIN_HINT=jane.doe@example.com
run patches patch_metadata.lua /api/v2/clients/Gd2Customer0Portal0Client0Id002 TOKEN=bench
