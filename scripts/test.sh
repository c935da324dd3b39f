#!/usr/bin/env bash
# Runs the whole test suite: formatting and lint checks, Rust unit and integration tests (release build, the same one the
# benchmarks use), the example case suites, the Node tests of the JavaScript modules, and the conformance suite
# (tests/compat: scripts using npm packages, run under Node and under actionhost, results compared).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
# House rules: formatting (rustfmt.toml) and lints, warnings refused. The lints run while the test build
# compiles actionhost's own targets (clippy-driver wraps rustc for this package only, as `cargo clippy`
# does), so the dependencies are compiled once for the lints and the tests, not a second time in
# check mode; the benchmarks are built (not run) to lint them too.
cargo fmt --check
export RUSTC_WORKSPACE_WRAPPER="${RUSTC_WORKSPACE_WRAPPER:-$(rustup which clippy-driver 2>/dev/null || command -v clippy-driver)}"
export CLIPPY_ARGS="-D__CLIPPY_HACKERY__warnings__CLIPPY_HACKERY__"
cargo build --release --benches
cargo test --release
target/release/actionhost test fixtures/cases
node --test tests/js/
node --test tests/compat/
