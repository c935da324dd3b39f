#!/usr/bin/env bash
# Builds actionhost and runs the main job on the bundled example tenant (fixtures/tenant, in the
# Auth0 Deploy CLI directory format): its post-login Action and its Rule, for an unverified user
# of each of its three applications: one with SKIP_VERIFICATION=yes in its metadata, one with
# other metadata, one that never had metadata; then whole simulated logins of its users.
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

# Whole logins: the Rules, then the post-login Actions, of a copy of the tenant (a redirect
# writes its state under the tenant's .actionhost/ folder).
copy=$(mktemp -d)
trap 'rm -rf "$copy"' EXIT
cp -r "$tenant" "$copy/tenant"
echo
echo "== Login: Jane into Customer Portal"
"$bin" simulate --tenant "$copy/tenant" --client "Customer Portal" --user-id "auth0|65a5027f9b3c4d1e2f3a4b5c"
echo
echo "== Login: Sam (unverified) into Customer Portal"
"$bin" simulate --tenant "$copy/tenant" --client "Customer Portal" --user-id "auth0|7c1e9a4b2d3f5e6a7b8c9d0e"
echo
echo "== Login: Alex, redirected to the terms, then to the consent page"
"$bin" simulate --tenant "$copy/tenant" --client "Customer Portal" --user-id "google-oauth2|108177262311459836421" --state-file "$copy/tenant/.actionhost/terms.json"
"$bin" simulate --continue "$copy/tenant/.actionhost/terms.json" --query accepted=yes --state-file "$copy/tenant/.actionhost/consent.json"
"$bin" simulate --continue "$copy/tenant/.actionhost/consent.json" --query consent=yes --sign
