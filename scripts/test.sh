#!/usr/bin/env bash
# Runs the whole test suite: formatting and lint checks, Rust unit and integration tests (release build, the same one the
# benchmarks use), the example case suites, the Node tests of the JavaScript modules, and the conformance suite
# (tests/compat: scripts using npm packages, run under Node and under actionhost, results compared).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
# House rules: formatting (rustfmt.toml) and lints, warnings refused.
cargo fmt --check
cargo clippy --release --all-targets -- -D warnings
cargo test --release
target/release/actionhost test fixtures/cases
node --test tests/js/
node --test tests/compat/
