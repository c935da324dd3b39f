#!/usr/bin/env bash
# Mutation testing of the Rust core with cargo-mutants (installed with `cargo install
# cargo-mutants --locked` when missing). Each PATH (a file, or a folder: every .rs under it) is
# one cargo-mutants run, so that each module gets its own report in target/mutation/rust/<name>/
# (mutants.out/: outcomes.json, caught.txt, missed.txt, timeout.txt, unviable.txt) and its own
# line in the summary printed at the end: caught / (caught + missed + timeouts count as caught),
# mutants that do not compile (unviable) left out.
#
# Each mutant is built with the release profile, incrementally (CARGO_INCREMENTAL=1), with the
# crate itself unoptimised (opt-level 0, 256 codegen units; its dependencies, the engine
# included, keep their optimised builds): 10 to 45 s a mutant instead of about 2 minutes. (A
# debug build would rebuild every dependency, and deno_core's debug assertions refuse the
# engine's non-ASCII scripts.) A mutant is judged by the unit tests (`--lib`), and a mutant of
# src/pipeline also by the integration tests of simulated logins (`--test integration --
# pipeline simulate`, 20 to 50 s more a mutant): the pipeline is tested through whole logins.
# Those run in a second pass (cargo-mutants `--iterate`) over the mutants the unit tests missed
# only, so a mutant the unit tests catch does not pay for them.
# One job at a time, at low priority; the whole core takes hours on 2 cores.
#
#   scripts/mutants.sh                          # every module of the core, one after another
#   scripts/mutants.sh src/tenant/keywords.rs   # one module
#   scripts/mutants.sh --list                   # how many mutants each module has, without running them
#
# Not part of scripts/test.sh or CI.
set -euo pipefail
cd "$(dirname "$0")/.."

CORE=(
  src/tenant
  src/rules
  src/actions
  src/trigger.rs
  src/pipeline
  src/testing/check.rs
  src/engine/limits.rs
)

list=false
if [ "${1:-}" = "--list" ]; then
  list=true
  shift
fi
modules=("$@")
[ ${#modules[@]} -gt 0 ] || modules=("${CORE[@]}")

if ! cargo mutants --version >/dev/null 2>&1; then
  cargo install cargo-mutants --locked
fi

# The copies cargo-mutants builds in share this tree's target folder and the engine's build
# settings (.cargo/config.toml, made absolute): only the crate itself is rebuilt, not its
# dependencies.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
export CMAKE_TOOLCHAIN_FILE="${CMAKE_TOOLCHAIN_FILE:-$PWD/.cargo/simde-offline.cmake}"
export CARGO_BUILD_JOBS="${CARGO_BUILD_JOBS:-1}"
export CARGO_INCREMENTAL=1

summary=()
for module in "${modules[@]}"; do
  if [ -d "$module" ]; then
    files=(--file "${module%/}/**/*.rs")
  else
    files=(--file "$module")
  fi
  if $list; then
    printf '%5d  %s\n' "$(cargo mutants --list "${files[@]}" | wc -l)" "$module"
    continue
  fi
  name="${module%.rs}"
  name="${name//\//_}"
  out="target/mutation/rust/$name"
  mkdir -p "$out"
  echo "== $module" >&2
  common=(--jobs 1 --profile release --test-tool cargo
    --cargo-arg=--config=profile.release.package.actionhost.opt-level=0
    --cargo-arg=--config=profile.release.package.actionhost.codegen-units=256
    --minimum-test-timeout 120 --output "$out" --no-shuffle)
  # Exit status 2 (missed mutants) and 3 (timeouts) still leave a report to summarize.
  nice -n 15 cargo mutants "${files[@]}" "${common[@]}" --cargo-arg=--lib || true
  case "$module" in
    src/pipeline*)
      # Second pass: what the unit tests missed, judged again with the simulated logins too.
      # The first pass's report moves to mutants.out.old; its caught and unviable are skipped.
      nice -n 15 cargo mutants "${files[@]}" "${common[@]}" --iterate --baseline skip --timeout 600 \
        --cargo-test-arg=--lib --cargo-test-arg=--test=integration --cargo-test-arg=-- \
        --cargo-test-arg=pipeline --cargo-test-arg=simulate || true ;;
  esac
  counts="$out/mutants.out/outcomes.json"
  if [ -f "$counts" ]; then
    summary+=("$(node -e '
      const fs = require("fs");
      const o = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
      // After a second pass, the first one counts what it caught and what did not build.
      const first = process.argv[1].replace(/mutants\.out\/outcomes\.json$/, "mutants.out.old/outcomes.json");
      const second = process.argv[1].replace(/outcomes\.json$/, "previously_caught.txt");
      if (fs.existsSync(second) && fs.existsSync(first)) {
        const f = JSON.parse(fs.readFileSync(first, "utf8"));
        o.caught += f.caught;
        o.unviable += f.unviable;
      }
      const judged = o.caught + o.missed + o.timeout;
      const pct = judged ? (100 * (o.caught + o.timeout) / judged).toFixed(1) + " %" : "no mutants";
      console.log(`${process.argv[2]}: ${o.caught + o.timeout}/${judged} caught (${pct}); ${o.missed} missed, ${o.timeout} timeouts, ${o.unviable} unviable`);
    ' "$counts" "$module")")
  else
    summary+=("$module: no report (see $out)")
  fi
done
$list || printf '%s\n' "${summary[@]}"
