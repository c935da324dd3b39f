#!/usr/bin/env bash
# Mutation testing of the JavaScript of the Actions' `api` objects (js_runtime/actions/<trigger>/
# and js_runtime/actions/common/) with StrykerJS: every mutant is run against the Node tests of
# the triggers' apis (tests/js/*_api.test.mjs); a mutant no test notices survives. Installs
# tests/mutation's npm packages when its lock file changed, then writes the report to
# target/mutation/js/ (mutation.json, mutation.html) and prints the caught ratio per file.
# Arguments go to `stryker run` (e.g. `--mutate js_runtime/actions/common/url.js`).
# Not part of scripts/test.sh or CI: the run takes minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! tests/mutation/node_modules/.package-lock.json -nt tests/mutation/package-lock.json ]; then
  (cd tests/mutation && npm ci --no-audit --no-fund --loglevel=error)
fi
mkdir -p target/mutation/js
exec nice -n 15 tests/mutation/node_modules/.bin/stryker run tests/mutation/stryker.config.mjs "$@"
