#!/usr/bin/env bash
# Runs the whole test suite: formatting and lint checks, Rust unit and integration tests (release build, the same one the
# benchmarks use), the example case suites, and the Node tests of the JavaScript modules.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
# House rules: formatting (rustfmt.toml) and lints, warnings refused.
cargo fmt --check
cargo clippy --release --all-targets -- -D warnings
cargo test --release
target/release/actionhost test fixtures/cases
node --test tests/js/
