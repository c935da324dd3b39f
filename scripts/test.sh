#!/usr/bin/env bash
# Runs the whole test suite: Rust unit and integration tests (release build, the same one the
# benchmarks use) and the Node tests of the JavaScript modules.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
cargo test --release
node --test tests/js/
