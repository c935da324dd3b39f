#!/usr/bin/env bash
# Builds actionhost and runs the main job on the bundled example tenant (fixtures/tenant, in the
# Auth0 Deploy CLI directory format): its post-login Action and its Rule, for an unverified user
# of each of its three applications: one with SKIP_VERIFICATION=yes in its metadata, one with
# other metadata, one that never had metadata.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
cargo build --release --quiet
bin=target/release/actionhost
tenant=fixtures/tenant

"$bin" clients list --tenant "$tenant"
for app in "Internal Tools" "Customer Portal" "Legacy Mobile App"; do
  echo
  echo "== $app: Action require-verified-email"
  "$bin" run --tenant "$tenant" --client "$app" --action require-verified-email \
    --event fixtures/seed/events/user-unverified.json
  echo "== $app: Rule require-verified-email"
  "$bin" run --tenant "$tenant" --client "$app" --rule require-verified-email \
    --user fixtures/seed/user-unverified.json
done
