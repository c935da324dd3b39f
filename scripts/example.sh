#!/usr/bin/env bash
# Builds actionhost and runs the bundled seed Action and Rule for three applications: one with
# SKIP_VERIFICATION=yes in its metadata, one with other metadata, one without any.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
cargo build --release --quiet
bin=target/release/actionhost

for app in app-with-flag app-without-flag app-without-metadata; do
  echo "== Action, $app"
  "$bin" run fixtures/tenant/actions/require-verified-email/code.js --event "fixtures/seed/events/$app.json" || true
  echo "== Rule, $app"
  "$bin" run fixtures/tenant/rules/require-verified-email.js --user fixtures/seed/user-unverified.json \
    --context "fixtures/seed/contexts/$app.json" || true
done
